"""A translation export written by a process of its own: the same file and warnings as in this process."""

import pytest

from studyapp import document as documents
from studyapp.errors import JobCancelled
from studyapp.library import Library
from studyapp.translation.exchange import export_text, export_warnings
from studyapp.translation.export_process import ExportProcessError, export_in_a_process

from ...conftest import DEFAULT_TEXT


@pytest.fixture
def translated(tmp_path):
    with Library.open(tmp_path / "library.sqlite") as library:
        opened = documents.open_in_library(library, DEFAULT_TEXT)
        for number, segment in enumerate(opened.segments[:30]):
            library.save_translation(segment.id, f"Row {number} “quoted” & <b>\x07")
        yield opened.document, library.segments(opened.id)


@pytest.mark.parametrize("fmt", ["tsv", "txt", "html"])
def test_the_process_writes_the_same_file_and_warnings_as_this_process(translated, tmp_path, fmt):
    document, segments = translated
    out = tmp_path / f"out.{fmt}"
    told = []
    warnings = export_in_a_process(document, segments, fmt, out, "fr", "Statement", lambda *done: told.append(done))
    assert out.read_bytes() == export_text(document, segments, fmt, "fr", "Statement")
    assert warnings == export_warnings(document, segments, fmt)
    assert fmt == "txt" or told[-1] == (len(segments), len(segments))  # plain text is written without progress


def test_an_xml_export_s_warnings_come_back_from_the_process(translated, tmp_path):
    from studyapp.translation.exchange import read_pairs

    document, segments = translated
    out = tmp_path / "out.tmx"
    warnings = export_in_a_process(document, segments, "tmx", out)
    assert warnings == export_warnings(document, segments, "tmx") and warnings  # the control character left out
    assert read_pairs(out)[0] == (document.span_text(segments[0].start, segments[0].end), "Row 0 “quoted” & <b>")


def test_the_export_s_own_error_comes_back_with_its_message(translated, tmp_path):
    document, segments = translated
    with pytest.raises(ExportProcessError, match="Unknown export format 'xls'"):
        export_in_a_process(document, segments, "xls", tmp_path / "out.xls")
    folder = tmp_path / "a folder.tsv"
    folder.mkdir()
    with pytest.raises(ExportProcessError, match="is a folder|is a directory"):
        export_in_a_process(document, segments, "tsv", folder)


def test_a_cancelled_export_ends_its_process_and_writes_nothing(translated, tmp_path):
    document, segments = translated
    out = tmp_path / "out.docx"
    with pytest.raises(JobCancelled):
        export_in_a_process(document, segments, "docx", out, progress=lambda *_: None, cancelled=lambda: True)
    assert not out.exists() and not list(tmp_path.glob(".out.docx.*"))
