"""A file whose encoding cannot be told is refused in one line, never shown as mojibake; short Western text reads as
written."""

from __future__ import annotations

import subprocess
import sys

import pytest

from studyapp import text
from studyapp.errors import TextLoadError

from ...conftest import CORPUS

#: 10 bytes: ASCII around U+10000 written as two CESU-8 surrogates (invalid UTF-8)
CESU = b"ab\xed\xa0\x80\xed\xb0\x80cd"


def test_a_short_file_in_cesu8_is_refused_by_analyze_in_one_line(tmp_path):
    path = tmp_path / "cesu.txt"
    path.write_bytes(CESU)
    completed = subprocess.run([sys.executable, "-m", "studyapp", "analyze", str(path), "--json"],
                               capture_output=True, text=True, check=False)
    assert completed.returncode != 0
    assert completed.stdout == ""
    assert completed.stderr.startswith("studyapp: ")
    assert "UTF-8" in completed.stderr and len(completed.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("data", [CESU, b"abcd\xed\xa0\xbd\xed\xb8\x80"], ids=["cesu-pair", "cesu-emoji"])
def test_invalid_utf8_never_decodes_as_mojibake(data):
    with pytest.raises(TextLoadError, match="encoding"):
        text.decode(data, "cesu.txt")


@pytest.mark.parametrize(("written", "encoding"), [
    ("naïve", "latin-1"), ("naïve\n", "cp1252"), ("café crème, très bien", "latin-1"), ("Straße, Grüße", "latin-1")])
def test_short_latin_script_text_reads_as_written(written, encoding):
    loaded = text.decode(written.encode(encoding))
    assert loaded.text == written
    assert loaded.encoding == "cp1252"


def test_short_chinese_text_in_gbk_and_big5_still_opens():
    assert text.decode("你好".encode("gbk")).text == "你好"
    assert text.decode("我們是學生。".encode("big5")).text == "我們是學生。"


#: Bytes written the way UTF-8 writes characters, holding sequences UTF-8 forbids; each was read as something else.
MALFORMED_UTF8 = {
    "lone-cesu-surrogate": (b"abc\xed\xa0\x80defg", "surrogate"),  # was cp1252 "abcí\xa0€defg"
    "overlong-slash": (b"abc\xc0\xafdefg", "overlong"),  # was GB18030 "abc蜡defg"
    "overlong-3-bytes": (b"abc\xe0\x80\xafworld", "overlong"),  # was cp932 "abc烙ｯworld"
    "cut-surrogate": (b"abc\xed\xa0", "cut short"),  # was cp1252 "abcí\xa0"
    "beyond-unicode": (b"abc\xf5\x80\x80\x80 def", "beyond Unicode"),  # was cp1252 "abcõ€€€ def"
}


@pytest.mark.parametrize(("data", "what"), MALFORMED_UTF8.values(), ids=MALFORMED_UTF8)
def test_bytes_written_like_utf8_that_utf8_forbids_are_refused_in_one_line(data, what):
    with pytest.raises(TextLoadError) as refused:
        text.decode(data, "odd.txt")
    message = str(refused.value)
    assert "not valid UTF-8" in message and what in message and "byte 4" in message
    assert "\n" not in message


def test_a_lone_cesu_surrogate_is_refused_by_analyze_in_one_line(tmp_path):
    path = tmp_path / "lone.txt"
    path.write_bytes(MALFORMED_UTF8["lone-cesu-surrogate"][0])
    completed = subprocess.run([sys.executable, "-m", "studyapp", "analyze", str(path)],
                               capture_output=True, text=True, check=False)
    assert completed.returncode != 0 and completed.stdout == ""
    assert completed.stderr.startswith("studyapp: ") and len(completed.stderr.strip().splitlines()) == 1
    assert "not valid UTF-8" in completed.stderr


@pytest.mark.parametrize("name", ["朝花夕拾.txt", "呐喊.txt"])
def test_whole_books_in_gb18030_and_big5_still_read_as_written(name):
    path = CORPUS / name
    if not path.exists():
        pytest.skip(f"{path} is not beside the project")
    book = path.read_text(encoding="utf-8").replace("\r\n", "\n")
    assert text.decode(book.encode("gb18030")).text == book.lstrip("\ufeff")
    in_big5 = "\n".join(line for line in book.split("\n") if _encodes(line, "big5"))
    assert len(in_big5) > 1000
    assert text.decode(in_big5.encode("big5")).text == in_big5.lstrip("\ufeff")


def _encodes(line: str, encoding: str) -> bool:
    try:
        line.encode(encoding)
    except UnicodeEncodeError:
        return False
    return True
