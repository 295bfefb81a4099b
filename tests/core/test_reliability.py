"""Nothing hangs, nothing is half-written: hostile files, full disks, races and kills, each made in the test."""

from __future__ import annotations

import errno
import io
import multiprocessing
import os
import re
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from studyapp import files, text
from studyapp.cli import main
from studyapp.errors import LibraryError, StudyAppError, TextLoadError
from studyapp.library import Library
from studyapp.text import loading
from studyapp.translation.exchange import ExchangeError, export_text, export_warnings, pairs_of, plan_import, read_pairs
from studyapp.translation.segments import Segment, Status

from ..conftest import DEFAULT_TEXT, REPO

POSIX = pytest.mark.skipif(os.name != "posix", reason="FIFOs and /dev/zero are POSIX")


def run_cli(*args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "studyapp", *args], capture_output=True, text=True,
                          timeout=timeout, cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)})


# --- input that hung or ate memory ---------------------------------------------------------------------------

@POSIX
def test_a_fifo_with_no_writer_is_refused_at_once_everywhere(tmp_path):
    fifo = tmp_path / "f"
    os.mkfifo(fifo)
    with pytest.raises(TextLoadError, match="pipe"):
        loading.load(fifo)
    with pytest.raises(ExchangeError, match="pipe"):
        read_pairs(fifo.with_name("f"))
    with pytest.raises(LibraryError, match="not a regular file"):
        Library.open(fifo)
    result = run_cli("analyze", str(fifo), "--json", timeout=60)  # it blocked forever
    assert result.returncode == 2 and "pipe" in result.stderr and "Traceback" not in result.stderr


@POSIX
def test_dev_zero_is_refused_without_reading_it():
    with pytest.raises(TextLoadError, match="device"):
        loading.load("/dev/zero")


def test_reading_stops_one_byte_past_the_limit(tmp_path):
    exact, over = tmp_path / "exact.txt", tmp_path / "over.txt"
    exact.write_bytes(b"x" * 100)
    over.write_bytes(b"x" * 101)
    assert files.read_limited(exact, limit=100) == b"x" * 100
    with pytest.raises(StudyAppError, match="up to"):
        files.read_limited(over, limit=100)


def _docx_bomb(path: Path, unpacked_mb: int) -> Path:
    """A valid DOCX whose one extra part unpacks to ``unpacked_mb`` MB of zeros (it compresses a thousandfold)."""
    import docx

    buffer = io.BytesIO()
    docx.Document().save(buffer)
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/media/padding.bin", b"\0" * (unpacked_mb * 1024 * 1024))
    path.write_bytes(buffer.getvalue())
    return path


def test_a_docx_that_unpacks_past_the_limit_is_refused_before_unpacking(tmp_path):
    bomb = _docx_bomb(tmp_path / "bomb.docx", 60)
    assert bomb.stat().st_size < 1024 * 1024
    with pytest.raises(ExchangeError, match="unpacks to 6[01] MB"):
        read_pairs(bomb)


# --- one line, not a traceback --------------------------------------------------------------------------------

def _document():
    document = text.split(loading.load(DEFAULT_TEXT))
    segments = [Segment(i + 1, c.start, c.end, "", Status.UNTRANSLATED) for i, c in enumerate(document.clauses)]
    return document, segments


def test_our_tsv_of_a_very_long_clause_imports_back(tmp_path):
    document, segments = _document()
    long_target = "word " * 40_000  # 200,000 characters in one cell; csv's default limit is 131,072
    segments[0] = segments[0]._replace(target=long_target, status=Status.DRAFT)
    out = tmp_path / "long.tsv"
    out.write_bytes(export_text(document, segments, "tsv"))
    pairs = read_pairs(out)
    assert pairs[0] == pairs_of(document, segments)[0]


def test_tsv_with_cr_only_line_ends_reads_every_row(tmp_path):
    tsv = tmp_path / "mac.tsv"
    tsv.write_bytes("源一\tone\r源二\ttwo\r源三\tthree\r".encode())
    assert list(read_pairs(tsv)) == [("源一", "one"), ("源二", "two"), ("源三", "three")]


def test_a_binary_file_given_as_the_import_file_gets_one_line(tmp_path):
    fake = tmp_path / "program.tsv"
    fake.write_bytes(bytes(range(256)) * 64)
    with pytest.raises(ExchangeError, match="not a text file"):
        read_pairs(fake)
    png = tmp_path / "picture.tsv"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0\0\0\rIHDR" + bytes(200))
    with pytest.raises(ExchangeError):
        read_pairs(png)


def test_tsv_quotes_are_text_unless_the_whole_file_is_quoted(tmp_path):
    tsv = tmp_path / "quotes.tsv"
    tsv.write_text('一\t"unterminated\n二\tsecond\n三\tthird\n四\tHe said "hi"\n', encoding="utf-8")
    pairs = read_pairs(tsv)
    assert list(pairs) == [("一", '"unterminated'), ("二", "second"), ("三", "third"), ("四", 'He said "hi"')]
    assert any("plain tab-separated" in note for note in pairs.notes)
    quoted = tmp_path / "quoted.tsv"
    quoted.write_text('"一"\t"He said ""hi"""\n"二"\t"two\nlines"\n', encoding="utf-8")
    pairs = read_pairs(quoted)
    assert list(pairs) == [("一", 'He said "hi"'), ("二", "two\nlines")]
    assert any("quoted CSV" in note for note in pairs.notes)


def test_a_latin1_tsv_is_read_in_its_encoding_and_says_so(tmp_path):
    tsv = tmp_path / "latin1.tsv"
    tsv.write_bytes("咖啡\tcafé crème, très bien\n".encode("gb18030").split(b"\t")[0] + b"\t" +
                    "café crème, très bien\n".encode("latin-1"))
    pairs = read_pairs(tsv)
    assert "\ufffd" not in "".join(target for _source, target in pairs)


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_bom_is_recognised(tmp_path, encoding):
    sample = "　　中俄双方本着两国新时代全面战略协作伙伴精神，\n第二段：2020年9月11日。\n"
    path = tmp_path / "utf16.txt"
    path.write_bytes(sample.encode(encoding))
    loaded = loading.load(path)
    assert loaded.text == sample and loaded.encoding == encoding


def test_html_import_leaves_script_text_out_and_says_so(tmp_path):
    page = tmp_path / "page.html"
    page.write_text("<table><tr><td>源</td><td>Target<script>alert('x')</script></td></tr></table>",
                    encoding="utf-8")
    pairs = read_pairs(page)
    assert list(pairs) == [("源", "Target")]
    assert any("script" in note for note in pairs.notes)


def test_control_characters_an_export_cannot_carry_are_named_with_their_segments():
    document, segments = _document()
    segments[2] = segments[2]._replace(target="bell\x07here", status=Status.DRAFT)
    warnings = export_warnings(document, segments, "tmx")
    assert warnings and "Segment(s) 3 " in warnings[0] and "U+0007" in warnings[0]
    assert export_warnings(document, segments, "tsv") == []


def test_docx_keeps_a_crlf_as_one_line_break(tmp_path):
    document, segments = _document()
    segments[0] = segments[0]._replace(target="first\r\nsecond", status=Status.DRAFT)
    out = tmp_path / "t.docx"
    out.write_bytes(export_text(document, segments, "docx"))
    assert read_pairs(out)[0][1] == "first\nsecond"


def test_a_disk_full_inside_a_write_is_one_line_and_keeps_what_was_saved(tmp_path):
    with Library.open(tmp_path / "library.sqlite") as library:
        first = text.split("第一个文本。")
        library.add_document(first, "first", None)
        library._connection.execute("PRAGMA max_page_count = 30")  # the disk is now "full"
        big = text.split("长文本，" * 50_000)
        with pytest.raises(LibraryError, match="could not be written"):
            library.add_document(big, "big", None)
        assert [info.title for info in library.documents()] == ["first"]


# --- all or nothing -----------------------------------------------------------------------------------------------

def _open_library(path: str, barrier, results) -> None:
    barrier.wait()
    try:
        with Library.open(path) as library:
            library.documents()
        results.put("ok")
    except Exception as error:  # noqa: BLE001 - the test reports whatever went wrong
        results.put(repr(error))


@pytest.mark.skipif(sys.platform != "linux", reason="fork start method")
def test_commands_started_together_on_a_new_library_all_succeed(tmp_path):
    context = multiprocessing.get_context("fork")
    for trial in range(6):
        path = str(tmp_path / f"new-{trial}.sqlite")
        barrier, results = context.Barrier(4), context.Queue()
        workers = [context.Process(target=_open_library, args=(path, barrier, results)) for _ in range(4)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(60)
        assert [results.get(timeout=5) for _ in workers] == ["ok"] * 4


def test_a_failed_import_leaves_the_library_as_it_was(tmp_path, capsys):
    library_path = tmp_path / "library.sqlite"
    source = tmp_path / "text.txt"
    source.write_text("第一段。\n第二段。\n第三段。\n", encoding="utf-8")
    wrong = tmp_path / "translation.txt"
    wrong.write_text("only one paragraph\n", encoding="utf-8")
    assert main(["import", str(source), str(wrong), "--library", str(library_path)]) == 2
    assert "paragraphs" in capsys.readouterr().err
    with Library.open(library_path) as library:
        assert library.documents() == []  # the text was not added either
    assert main(["export", str(source), "--format", "tsv", "--out", str(tmp_path / "t.tsv"),
                 "--library", str(library_path)]) == 0
    with Library.open(library_path) as library:
        opened_at = library.documents()[0].opened_at
    bad = tmp_path / "broken.tmx"
    bad.write_text("<tmx><body><tu>", encoding="utf-8")
    assert main(["import", str(source), str(bad), "--library", str(library_path)]) == 2
    with Library.open(library_path) as library:
        assert library.documents()[0].opened_at == opened_at


def test_an_export_to_a_full_disk_keeps_the_previous_file(tmp_path, monkeypatch, capsys):
    out = tmp_path / "translation.tsv"
    out.write_text("the good export\n", encoding="utf-8")

    def full(_descriptor):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(files.os, "fsync", full)
    code = main(["export", str(DEFAULT_TEXT), "--format", "tsv", "--out", str(out),
                 "--library", str(tmp_path / "library.sqlite")])
    assert code == 2 and "No space left" in capsys.readouterr().err
    assert out.read_text(encoding="utf-8") == "the good export\n"
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".part"] == []


@POSIX
@pytest.mark.parametrize("command", [["export", str(DEFAULT_TEXT), "--format", "tsv"],
                                     ["deck", str(DEFAULT_TEXT), "--export", "csv"]])
def test_an_export_onto_a_read_only_file_is_refused_and_leaves_it(tmp_path, capsys, command):
    out = tmp_path / "kept.tsv"
    out.write_text("somebody's file\n", encoding="utf-8")
    out.chmod(0o444)  # the tests run as root, who may write it anyway: the mode is what an editor respects
    code = main([*command, "--out", str(out), "--library", str(tmp_path / "library.sqlite")])
    err = capsys.readouterr().err
    assert code == 2 and "read-only" in err and "Traceback" not in err
    assert out.read_text(encoding="utf-8") == "somebody's file\n" and out.stat().st_mode & 0o777 == 0o444
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".part"] == []


def test_a_refused_library_is_left_byte_identical_with_nothing_beside_it(tmp_path):
    path = tmp_path / "newer.sqlite"
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("CREATE TABLE t (x)")
    connection.execute("PRAGMA user_version = 99")
    connection.commit()
    connection.close()
    before = path.read_bytes()
    with pytest.raises(LibraryError, match="newer"):
        Library.open(path)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["newer.sqlite"]


# --- round trips that hold for any input --------------------------------------------------------------------------

@settings(max_examples=150, deadline=None)
@given(st.text(st.characters(blacklist_categories=("Cs",)), max_size=200), st.booleans())
def test_any_text_splits_into_clauses_that_join_back_exactly(source, join):
    if not source.strip():
        return
    document = text.split(source, join_lines=join)
    position = 0
    for clause in document.clauses:
        assert position <= clause.start < clause.end <= len(source)
        assert source[position:clause.start].strip() == ""
        position = clause.end
    assert source[position:].strip() == ""


TARGETS = st.text(st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\u2028\u2029\x85")
                  | st.sampled_from(['"', "\t", "\n", "<", "&", "'", "=", "-", "@", "+"]), min_size=1, max_size=40) \
    .filter(lambda target: target.strip() == target and target.strip())


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dictionaries(st.integers(0, 30), TARGETS, max_size=8), st.sampled_from(["tsv", "tmx", "html", "docx"]))
def test_any_translations_export_and_import_back_to_the_same_pairs(tmp_path, translations, fmt):
    document, segments = _document()
    for row, target in translations.items():
        segments[row] = segments[row]._replace(target=target, status=Status.DRAFT)
    out = tmp_path / f"round.{fmt}"
    out.write_bytes(export_text(document, segments, fmt))
    read_back = {source: target for source, target in read_pairs(out) if target}
    expected = {source: target for source, target in pairs_of(document, segments) if target}
    assert read_back == expected


LINES_AND_SPACES = st.lists(st.sampled_from(["\r", "\r\n", "\n", " ", "  ", "\t", "word", "词", "=1"]),
                            min_size=1, max_size=6).map("".join).filter(str.strip)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(LINES_AND_SPACES, min_size=4, max_size=4),
       st.sampled_from([("tsv", "segment"), ("tsv", "sentence"), ("tmx", "segment"), ("tmx", "sentence"),
                        ("html", "segment"), ("docx", "segment"), ("txt", "segment")]))
def test_a_round_trip_through_our_exports_keeps_each_translation_or_names_it(tmp_path, targets, how):
    """CR and CRLF became LF (TSV, HTML, DOCX), plain text joined lines, sentence units lost their end spaces:
    all in silence. Whatever a format cannot carry is now named in the export's summary."""
    fmt, units = how
    document = text.split("第一段。\n第二段。\n第三段。\n第四段。\n")  # a clause a paragraph, a sentence a clause
    segments = [Segment(i + 1, c.start, c.end, target, Status.DRAFT)
                for i, (c, target) in enumerate(zip(document.clauses, targets, strict=True))]
    out = tmp_path / f"round.{fmt}"
    out.write_bytes(export_text(document, segments, fmt, units=units))
    named = {int(number) for warning in export_warnings(document, segments, fmt)
             for number in re.match(r"Segment\(s\) ([\d, ]+)", warning).group(1).split(", ")}
    fresh = [segment._replace(target="", status=Status.UNTRANSLATED) for segment in segments]
    back = {segment.id: segment.target for segment in plan_import(document, fresh, out).filled}
    changed = {segment.id for segment in segments if back.get(segment.id) != segment.target}
    assert changed <= named
    if fmt in ("tsv", "html", "tmx"):
        assert changed == set() and named == set()  # they carry every line break and space
