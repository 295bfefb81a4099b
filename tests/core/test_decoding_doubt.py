"""A file whose encoding cannot be told is refused in one line, never shown as mojibake; short Western text reads as
written."""

from __future__ import annotations

import subprocess
import sys

import pytest

from studyapp import text
from studyapp.errors import TextLoadError

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
