"""The rules the deck will build on: core without Qt, one typing rule, imports that never overwrite newer work,
migrations whole, exports linear."""

import subprocess
import sys
import time
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from studyapp import text
from studyapp.library import Library, migrations
from studyapp.text import loading
from studyapp.translation.exchange import export_text, read_pairs
from studyapp.translation.segments import Segment, Status

from ..conftest import CORPUS, DEFAULT_TEXT, REPO


def test_core_modules_never_import_qt():
    """Every module under studyapp/ outside ui/, in packages too, imports with Qt absent from sys.modules."""
    core = [path.relative_to(REPO).with_suffix("").parts for path in (REPO / "studyapp").rglob("*.py")]
    modules = sorted(".".join(parts[:-1] if parts[-1] == "__init__" else parts) for parts in core
                     if parts[1] != "ui" and parts[-1] != "__main__")
    script = ("import importlib, sys\n"
              f"for name in {modules!r}:\n"
              "    importlib.import_module(name)\n"
              "qt = sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken6', 'PyQt')))\n"
              "print(qt)\n")
    completed = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO, timeout=120)
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == "[]"
    assert len(modules) >= 12  # the check really walked the core


def test_typing_makes_a_draft_clearing_makes_untranslated_and_done_stays_done():
    segment = Segment(1, 0, 5, "", Status.UNTRANSLATED)
    typed = segment.with_target("x")
    assert typed.status == Status.DRAFT
    assert typed.with_target("").status == Status.UNTRANSLATED
    done = typed.with_status(Status.DONE)
    assert done.with_target("xy").status == Status.DONE
    assert done.with_target("").status == Status.UNTRANSLATED


def test_the_library_applies_the_same_typing_rule(tmp_path):
    with Library.open(tmp_path / "library.sqlite") as library:
        identifier = library.add_document(text.split(loading.load(DEFAULT_TEXT)), "t", None)
        first = library.segments(identifier)[0]
        library.save_translation(first.id, "x")
        library.set_status(first.id, Status.DONE)
        library.save_translation(first.id, "xy")
        stored = library.segments(identifier)[0]
        assert stored == first.with_target("x").with_status(Status.DONE).with_target("xy")


def test_an_import_never_overwrites_what_was_typed_after_it_was_planned(tmp_path):
    from studyapp.document import open_in_library
    from studyapp.translation.exchange import plan_import

    tsv = tmp_path / "pairs.tsv"
    with Library.open(tmp_path / "library.sqlite") as library:
        opened = open_in_library(library, DEFAULT_TEXT)
        sources = [opened.document.text[s.start:s.end] for s in opened.segments[:2]]
        tsv.write_text("".join(f"{source}\tImported {n}\n" for n, source in enumerate(sources)), encoding="utf-8")
        plan = plan_import(opened.document, opened.segments, tsv)
        assert len(plan.filled) == 2
        library.save_translation(opened.segments[0].id, "Typed meanwhile")  # the translator kept working
        written = library.fill_segments(plan.filled, plan.before)
        targets = [s.target for s in library.segments(opened.id)[:2]]
    assert written == 1
    assert targets == ["Typed meanwhile", "Imported 1"]


def test_a_migration_with_semicolons_inside_a_trigger_and_a_string_applies_whole(tmp_path, monkeypatch):
    trigger = """
    CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL DEFAULT 'a; b');
    CREATE TRIGGER notes_touch AFTER INSERT ON notes BEGIN
        UPDATE notes SET body = body || '; touched' WHERE id = NEW.id;
    END;
    """
    monkeypatch.setattr(migrations, "MIGRATIONS", [*migrations.MIGRATIONS, trigger])
    monkeypatch.setattr(migrations, "SCHEMA_VERSION", len(migrations.MIGRATIONS))
    with Library.open(tmp_path / "library.sqlite") as library:
        with library.transaction() as db:
            db.execute("INSERT INTO notes DEFAULT VALUES")
        assert library._query("SELECT body FROM notes") == [("a; b; touched",)]
        assert library._query("PRAGMA user_version") == [(len(migrations.MIGRATIONS),)]


def test_a_failing_migration_leaves_the_library_at_its_old_version(tmp_path, monkeypatch):
    import sqlite3

    import pytest

    path = tmp_path / "library.sqlite"
    Library.open(path).close()
    monkeypatch.setattr(migrations, "MIGRATIONS", [*migrations.MIGRATIONS, "CREATE TABLE ok (x); CREATE TABLE broken ("])
    monkeypatch.setattr(migrations, "SCHEMA_VERSION", len(migrations.MIGRATIONS))
    with pytest.raises(Exception):  # noqa: B017 - sqlite3 or our LibraryError, either way refused
        Library.open(path)
    connection = sqlite3.connect(path)
    assert connection.execute("PRAGMA user_version").fetchone()[0] == len(migrations.MIGRATIONS) - 1
    assert not connection.execute("SELECT name FROM sqlite_master WHERE name = 'ok'").fetchall()
    connection.close()


def _novel():
    path = CORPUS / "水浒传.txt"
    if path.exists():
        return text.split(loading.load(path))
    line = "话说大宋仁宗天子在位，嘉祐三年三月三日五更三点，天子驾坐紫宸殿。\n"
    return text.split(line * 40_000)


def test_the_bilingual_docx_is_built_in_linear_time_and_reimports(tmp_path):
    """Eight times the rows take about eight times as long, not sixty-four.

    python-docx's ``add_row().cells`` walks the whole table for every row: the novel's 111,000 rows took 475 s.
    The sizes are timed in turn, best of three, in CPU seconds of this process, so that other work on a busy
    machine neither slows one size alone nor counts at all. Linear measures 7.4; walking the table at every tenth
    row (a tenth of python-docx's walk) measured 67."""
    document = _novel()
    segments = [Segment(n + 1, c.start, c.end, f"Line {n}" if n % 3 == 0 else "", 0)
                for n, c in enumerate(document.clauses[:12_000])]
    small, large = segments[:1_500], segments
    assert len(large) == 8 * len(small)
    best = {len(small): float("inf"), len(large): float("inf")}
    for _ in range(3):
        for rows in (small, large):
            started = time.process_time()
            data = export_text(document, rows, "docx", title="水浒传")
            best[len(rows)] = min(best[len(rows)], time.process_time() - started)
    ratio = best[len(large)] / best[len(small)]
    assert ratio < 16, (f"{len(large):,} rows took {ratio:.1f} times as long as {len(small):,} "
                        f"({best[len(large)]:.2f} s against {best[len(small)]:.2f} s)")
    out = tmp_path / "novel.docx"
    out.write_bytes(data)  # the last one built: the large size
    pairs = read_pairs(out)
    assert len(pairs) == len(large)
    assert pairs[3] == (document.clause_text(3), "Line 3") and pairs[4][1] == ""


def test_docx_export_drops_characters_xml_cannot_hold(tmp_path):
    document = text.split("第一句，第二句。")
    segments = [Segment(1, 0, 4, "bell\x07 and\x0bform\x0cfeed\x1b", 1), Segment(2, 4, 8, "two\nlines", 1)]
    out = tmp_path / "out.docx"
    out.write_bytes(export_text(document, segments, "docx"))
    assert read_pairs(out) == [("第一句，", "bell andformfeed"), ("第二句。", "two\nlines")]


_xml_text = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\x00\ufffe\uffff",
                                  max_codepoint=0x2FFFF).filter(lambda c: c >= " " or c in "\n\t"), max_size=40)


@settings(max_examples=40, deadline=None)
@given(st.lists(_xml_text, min_size=1, max_size=6))
def test_any_translation_survives_a_docx_and_tsv_round_trip(tmp_path_factory, targets):
    folder = tmp_path_factory.mktemp("round")
    source = "".join(f"句子{n}。\n" for n in range(len(targets)))
    document = text.split(source)
    segments = [Segment(n + 1, c.start, c.end, target, 1)
                for n, (c, target) in enumerate(zip(document.clauses, targets, strict=True))]
    for fmt in ("docx", "tsv", "html"):
        out = Path(folder) / f"round.{fmt}"
        out.write_bytes(export_text(document, segments, fmt))
        assert [target for _source, target in read_pairs(out)] == targets, fmt


def test_segments_handed_back_by_a_first_opening_are_the_stored_ones(tmp_path):
    """A first opening trusts the ids SQLite gives in one transaction instead of reading the rows back."""
    with Library.open(tmp_path / "library.sqlite") as library:
        library.add_document(text.split("别的文本，第二句。"), "other", None)  # ids already taken
        identifier, handed = library.open_document(text.split(loading.load(DEFAULT_TEXT)), "t", None)
        assert handed == library.segments(identifier)
        assert library.open_document(text.split(loading.load(DEFAULT_TEXT)), "t", None) == (identifier, None)


def test_reopening_reads_the_stored_clauses_instead_of_splitting_again(tmp_path, monkeypatch):
    from studyapp.library import documents as store_module

    document = text.split(loading.load(DEFAULT_TEXT))
    with Library.open(tmp_path / "library.sqlite") as library:
        library.add_document(document, "t", None)
        monkeypatch.setattr(store_module, "split", lambda *_a: (_ for _ in ()).throw(AssertionError("split again")))
        again = library.split_document(document.text, document.encoding)
        assert again == document
        monkeypatch.setattr(store_module, "SPLITTER_VERSION", text.SPLITTER_VERSION + 1)  # a newer splitter
        monkeypatch.setattr(store_module, "split", text.split)
        assert library.split_document(document.text, document.encoding) == document


@settings(max_examples=50, deadline=None)
@given(st.text(alphabet="中文，。！？\n　“”abc 1", min_size=1, max_size=200))
def test_clause_offsets_survive_packing_for_any_text(source):
    document = text.split(source)
    assert text.unpack_offsets(source, "utf-8", text.pack_offsets(document)) == document
