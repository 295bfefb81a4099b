"""The default text reads as it did: every token's text, pinyin and where its reading came from, clause by clause,
against ``default_text_readings.txt`` (written by the analysis of issue 22's start, before the parser worked per
distinct word). A change to readings that is meant shows here first: look at the lines it names, then write the
file again with ``python tests/core/reading/test_default_text_readings.py``."""

from __future__ import annotations

from pathlib import Path

from studyapp import text
from studyapp.reading.analysis import Analyzer, Token, analyze_all
from studyapp.reading.dictionary import Dictionary
from studyapp.text import loading

EXPECTED = Path(__file__).with_name("default_text_readings.txt")
DEFAULT_TEXT = Path(__file__).resolve().parents[3] / "studyapp" / "resources" / \
    "china-russia-joint-statement-2020-09-11.txt"


def _line(tokens: tuple[Token, ...]) -> str:
    """A clause's tokens as text/pinyin/source (the model's confidence left out: its last digit may differ
    between machines' floating point)."""
    return " ".join(f"{t.text}/{t.pinyin_text or ''}/{t.source.split(' ')[0]}" for t in tokens)


def read_default_text() -> list[str]:
    document = text.split(loading.load(DEFAULT_TEXT))
    return [_line(tokens) for _index, tokens in analyze_all(document, Analyzer(Dictionary.open()))]


def test_the_default_text_reads_as_it_did():
    expected = EXPECTED.read_text(encoding="utf-8").splitlines()
    found = read_default_text()
    differing = [f"clause {number}:\n  was {was}\n  now {now}"
                 for number, (was, now) in enumerate(zip(expected, found, strict=False)) if was != now]
    assert not differing and len(found) == len(expected), "\n".join(differing[:5])


if __name__ == "__main__":
    EXPECTED.write_text("\n".join(read_default_text()) + "\n", encoding="utf-8")
