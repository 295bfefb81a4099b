"""The library: work comes back, and a bad library file is refused and never touched."""

import datetime as dt
import sqlite3

import pytest

from studyapp import text
from studyapp.errors import LibraryError
from studyapp.library import Library, migrations
from studyapp.library.connection import APPLICATION_ID
from studyapp.text import loading
from studyapp.translation.segments import Status

from ...conftest import DEFAULT_TEXT

UNTRANSLATED, DRAFT, DONE = Status


def default_document():
    return text.split(loading.load(DEFAULT_TEXT))


def test_new_library_has_schema_wal_and_foreign_keys(tmp_path):
    path = tmp_path / "new" / "library.sqlite"
    with Library.open(path):
        pass
    connection = sqlite3.connect(path)
    assert connection.execute("PRAGMA user_version").fetchone()[0] == migrations.SCHEMA_VERSION
    assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_reopening_the_same_text_from_another_path_brings_back_translations(tmp_path):
    path = tmp_path / "library.sqlite"
    document = default_document()
    with Library.open(path) as library:
        identifier = library.add_document(document, "statement", "/somewhere/a.txt")
        first = library.segments(identifier)[0]
        library.save_translation(first.id, "In the spirit of partnership,")
    with Library.open(path) as library:
        again = library.add_document(text.split(document.text), "copy", "/elsewhere/b.txt")
        assert again == identifier
        segment = library.segments(again)[0]
        assert segment.target == "In the spirit of partnership," and segment.status == DRAFT
        info = library.document_info(again)
        assert info.title == "statement" and info.source_path == "/elsewhere/b.txt"
        assert 0 < info.progress < 1
        assert library.document_text(again)[0] == document.text


def test_status_follows_typing_unless_set(library):
    identifier = library.add_document(default_document(), "s", None)
    segment = library.segments(identifier)[0]
    library.save_translation(segment.id, "x")
    assert library.segments(identifier)[0].status == DRAFT
    library.set_status(segment.id, DONE)
    library.save_translation(segment.id, "xy")
    assert library.segments(identifier)[0].status == DONE
    library.save_translation(segment.id, "")
    assert library.segments(identifier)[0].status == UNTRANSLATED


def test_rename_and_delete(library):
    identifier = library.add_document(default_document(), "s", None)
    library.rename(identifier, "Joint statement")
    assert library.documents()[0].title == "Joint statement"
    library.delete(identifier)
    assert library.documents() == []
    assert library.segments(identifier) == []


def refused_untouched(path, message):
    before = path.read_bytes()
    with pytest.raises(LibraryError, match=message):
        Library.open(path)
    assert path.read_bytes() == before


def test_corrupt_library_is_refused_and_left_byte_identical(tmp_path):
    path = tmp_path / "library.sqlite"
    path.write_bytes(b"this is not a database" * 100)
    refused_untouched(path, "damaged")


def test_truncated_sqlite_file_is_refused(tmp_path):
    path = tmp_path / "library.sqlite"
    with Library.open(path) as library:
        library.add_document(default_document(), "s", None)
    data = path.read_bytes()
    path.write_bytes(data[:100] + b"\xff" * 3000 + data[3100:])
    refused_untouched(path, "damaged")


def test_library_from_a_newer_studyapp_is_refused_and_left_byte_identical(tmp_path):
    path = tmp_path / "library.sqlite"
    with Library.open(path):
        pass
    connection = sqlite3.connect(path)
    connection.execute(f"PRAGMA user_version = {migrations.SCHEMA_VERSION + 5}")
    connection.execute("PRAGMA journal_mode = DELETE")
    connection.close()
    refused_untouched(path, "newer studyapp")


def test_read_only_library_is_refused(tmp_path):
    path = tmp_path / "library.sqlite"
    with Library.open(path):
        pass
    path.chmod(0o444)
    try:
        refused_untouched(path, "read-only")
    finally:
        path.chmod(0o644)


def test_second_window_on_the_same_library_is_refused(tmp_path):
    path = tmp_path / "library.sqlite"
    with Library.open(path, exclusive=True):
        with pytest.raises(LibraryError, match="another studyapp window"):
            Library.open(path, exclusive=True)
        with Library.open(path):  # the command line still works beside the window
            pass
    with Library.open(path, exclusive=True):
        pass


def test_one_backup_a_day_keeping_seven(tmp_path):
    path = tmp_path / "library.sqlite"
    with Library.open(path) as library:
        identifier = library.add_document(default_document(), "s", None)
        start = dt.date(2026, 1, 1)
        for day in range(10):
            library.backup_if_due(start + dt.timedelta(days=day))
        assert library.backup_if_due(start + dt.timedelta(days=9)) is None
        backups = sorted(library.backup_folder().glob("*.sqlite"))
    assert len(backups) == 7  # opening made today's; the oldest January ones went
    names = [backup.name for backup in backups]
    assert names[0].endswith("2026-01-05.sqlite") and names[-2].endswith("2026-01-10.sqlite")
    assert names[-1].endswith(f"{dt.date.today().isoformat()}.sqlite")
    copy = sqlite3.connect(backups[-2])
    assert copy.execute("SELECT COUNT(*) FROM segments WHERE document_id = ?", (identifier,)).fetchone()[0] > 100


def test_a_version_1_library_is_migrated_and_keeps_its_work(tmp_path):
    path = tmp_path / "library.sqlite"
    connection = sqlite3.connect(path)
    for statement in migrations.MIGRATIONS[0].split(";"):
        if statement.strip():
            connection.execute(statement)
    connection.execute("PRAGMA user_version = 1")
    connection.execute("INSERT INTO documents (id, title, encoding, text, created_at, opened_at)"
                       " VALUES ('d', 'old', 'utf-8', '你好。', 'x', 'x')")
    connection.execute("INSERT INTO segments (document_id, start, end, target) VALUES ('d', 0, 3, 'Hello.')")
    connection.commit()
    connection.close()
    with Library.open(path) as library:
        info = library.documents()[0]
        assert info.grouping == "clause" and info.translated == 1
        assert library.segments("d")[0].target == "Hello."
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == migrations.SCHEMA_VERSION == 19
    assert not sqlite3.connect(path).execute("SELECT 1 FROM sqlite_master WHERE name = 'segments_by_document'").fetchall()


def test_a_study_list_from_before_positions_were_kept_shows_the_current_translation(tmp_path):
    path = tmp_path / "library.sqlite"
    connection = sqlite3.connect(path)
    for script in migrations.MIGRATIONS[:13]:
        for statement in migrations.statements(script):
            connection.execute(statement)
    connection.execute("PRAGMA user_version = 13")
    connection.execute("INSERT INTO documents (id, title, encoding, text, created_at, opened_at)"
                       " VALUES ('d', 'old', 'utf-8', '前言。中俄双方本着伙伴精神，声明如下。', 'x', 'x')")
    connection.executemany("INSERT INTO segments (document_id, start, end, target) VALUES ('d', ?, ?, ?)",
                           [(0, 3, ""), (3, 14, "In the spirit of partnership,"), (14, 19, "")])
    connection.executemany("INSERT INTO study_list (word, reading, context, context_translation, document_id,"
                           " added_at) VALUES (?, ?, ?, '', ?, 'x')",
                           [("本着", "běn zhe", "中俄双方本着伙伴精神，", "d"), ("精神", "jīng shén", "不在文中。", "d")])
    connection.commit()
    connection.close()
    with Library.open(path) as library:
        entries = {entry.word: entry for entry in library.study_list()}
    assert entries["本着"].position == 3 and entries["本着"].context_translation == "In the spirit of partnership,"
    assert entries["精神"].position is None and entries["精神"].context_translation == ""  # kept as it was


def test_a_library_another_program_keeps_locked_gets_one_line_and_stays_as_it_was(tmp_path, capsys):
    from studyapp.cli import main

    from ...conftest import DEFAULT_TEXT

    path = tmp_path / "library.sqlite"
    tsv = tmp_path / "pairs.tsv"
    tsv.write_text("中俄双方本着两国新时代全面战略协作伙伴精神，\tIn the spirit,\n", encoding="utf-8")
    assert main(["export", str(DEFAULT_TEXT), "--format", "tsv", "--out", str(tmp_path / "x.tsv"),
                 "--library", str(path)]) == 0
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        assert main(["import", str(DEFAULT_TEXT), str(tsv), "--library", str(path)]) == 2
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert "is busy" in capsys.readouterr().err
    with Library.open(path) as library:
        assert all(not segment.target for segment in library.segments(library.documents()[0].id))


def browser_history(path):
    """A browser's history database as Firefox keeps it: user_version 0, no application id, its own tables."""
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT, title TEXT)")
    connection.execute("INSERT INTO moz_places (url, title) VALUES ('https://example.org/', 'Example')")
    connection.commit()
    connection.close()
    return path


def test_another_programs_database_is_refused_without_a_byte_written(tmp_path):
    import os
    import time

    path = browser_history(tmp_path / "places.sqlite")
    old = time.time() - 3600
    os.utime(path, (old, old))
    before = path.read_bytes()
    with pytest.raises(LibraryError, match="another program's database.*moz_places"):
        Library.open(path)
    with pytest.raises(LibraryError, match="another program's database"):
        Library.open_or_empty(path)  # what a command that only reads opens
    assert path.read_bytes() == before and path.stat().st_mtime == old
    assert sorted(p.name for p in tmp_path.iterdir()) == ["places.sqlite"]


def test_a_database_with_our_tables_and_one_more_is_not_ours(tmp_path):
    path = tmp_path / "library.sqlite"
    with Library.open(path):
        pass
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE moz_places (id INTEGER PRIMARY KEY)")
    connection.execute("PRAGMA journal_mode = DELETE")
    connection.close()
    refused_untouched(path, "moz_places")


def test_a_blank_sqlite_file_of_another_program_is_refused_and_an_empty_file_becomes_a_library(tmp_path):
    blank = tmp_path / "other.db"
    connection = sqlite3.connect(blank)
    connection.execute("PRAGMA application_id = 1")  # written by some other program, which named itself
    connection.close()
    refused_untouched(blank, "another program's database")
    empty = tmp_path / "empty.sqlite"
    empty.touch()
    with Library.open(empty) as library:
        assert library.documents() == []
    assert sqlite3.connect(empty).execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID


def test_new_libraries_carry_our_id_and_one_from_before_the_id_is_recognised_and_stamped(tmp_path):
    path = tmp_path / "new.sqlite"
    Library.open(path).close()
    assert sqlite3.connect(path).execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    old = tmp_path / "old.sqlite"
    connection = sqlite3.connect(old)
    for script in migrations.MIGRATIONS[:3]:
        connection.executescript(script)
    connection.execute("PRAGMA user_version = 3")
    connection.execute("INSERT INTO documents (id, title, encoding, text, created_at, opened_at)"
                       " VALUES ('d', 'old', 'utf-8', '你好。', 'x', 'x')")
    connection.commit()
    connection.close()
    assert sqlite3.connect(old).execute("PRAGMA application_id").fetchone()[0] == 0
    with Library.open(old) as library:
        assert library.documents()[0].title == "old"
    assert sqlite3.connect(old).execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID


def test_the_command_line_refuses_another_programs_database_in_one_line(tmp_path, capsys):
    from studyapp.cli import main

    path = browser_history(tmp_path / "places.sqlite")
    before = path.read_bytes()
    assert main(["export", str(DEFAULT_TEXT), "--format", "tsv", "--out", str(tmp_path / "x.tsv"),
                 "--library", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("studyapp: ") and "another program's database" in err and err.count("\n") == 1
    assert path.read_bytes() == before and not (tmp_path / "x.tsv").exists()


def test_a_file_whose_name_is_not_utf8_is_exported_and_kept_by_the_name_the_system_gave(tmp_path, capsys):
    import os

    from studyapp.cli import main

    named = os.fsdecode(os.fsencode(str(tmp_path)) + b"/\xff\xfe.txt")  # as Python gets it from the system
    with open(named, "w", encoding="utf-8") as handle:
        handle.write("中俄双方本着伙伴精神，声明如下。")
    library_path = tmp_path / "library.sqlite"
    out = tmp_path / "out.tsv"
    assert main(["export", named, "--format", "tsv", "--out", str(out), "--library", str(library_path)]) == 0
    assert "Traceback" not in capsys.readouterr().err
    assert "中俄双方本着伙伴精神，" in out.read_text(encoding="utf-8")
    with Library.open(library_path) as library:
        info = library.documents()[0]
    assert info.title == "\ufffd\ufffd"  # shown as a file manager shows it
    assert info.source_path == named and os.path.exists(info.source_path)  # the file found again by its path
    os.unlink(named)
    assert main(["export", named, "--format", "tsv", "--out", str(out), "--library", str(library_path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "\ufffd\ufffd.txt" in err and "\\udc" not in err


def test_a_library_another_command_is_writing_is_read_through_its_log_not_called_damaged(tmp_path, monkeypatch):
    """Two imports started together on a new library: the second read the file while the first was moving pages
    in from its write-ahead log, and said "damaged (database disk image is malformed)". The read that takes no
    locks is what saw the half-moved pages; SQLite's own read, through the log, sees the library whole."""
    from studyapp.library import connection

    path = tmp_path / "library.sqlite"
    real_probe = connection._probe

    def mid_checkpoint(probed, immutable):
        if immutable:  # what the lock-free read saw while the other process moved pages in
            raise sqlite3.DatabaseError("database disk image is malformed")
        return real_probe(probed, immutable)

    with Library.open(path, backup=False) as first:
        monkeypatch.setattr(connection, "_probe", mid_checkpoint)
        with Library.open(path, backup=False) as second:
            assert second.documents() == first.documents() == []
    # with nobody writing it (no log beside it), the same answer means the file is damaged, and it stays as it is
    assert not (tmp_path / "library.sqlite-wal").exists()
    before = path.read_bytes()
    with pytest.raises(LibraryError, match="damaged"):
        Library.open(path, backup=False)
    assert path.read_bytes() == before
