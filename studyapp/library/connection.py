"""Opening a library file, and the one connection and transaction its parts share.

One file per user (platformdirs, or ``--library`` / ``STUDYAPP_LIBRARY``), WAL, foreign keys on, the schema
version in ``PRAGMA user_version`` with migrations applied in order, each in a transaction, ``APPLICATION_ID`` in
``PRAGMA application_id``. A file that is another program's database, corrupt, read-only, from a newer studyapp
or in use by another window is refused with a message and never written to.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import os
import sqlite3
import stat
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import islice
from pathlib import Path
from typing import Self

import platformdirs

from ..errors import LibraryError
from ..paths import APP_NAME
from . import migrations
from .lock import LOCK_PATIENCE, FileLock, hold

log = logging.getLogger(__name__)
SQLITE_HEADER = b"SQLite format 3\x00"
#: ``PRAGMA application_id`` of a studyapp library ("STDY"): another program's SQLite file is never taken for ours.
APPLICATION_ID = int.from_bytes(b"STDY", "big")
BACKUPS_KEPT = 7


class PendingStore:
    """A new text a window shows before storing it (``Documents.open_document_later``). Until it is stored, any
    other write to that library file in this process, and any listing of its documents or segments, starts the
    store at once and waits for it, so a translation typed, a reading pinned or a merge made right after the text
    appears finds its rows, and the Library window lists it."""

    _pending: list[PendingStore] = []
    _guard = threading.Lock()

    def __init__(self, path: Path) -> None:
        self.path = Path(path).resolve()
        self.go = threading.Event()  # the store may start: the first page is painted, or a write waits for it
        self.done = threading.Event()
        self._storer: int | None = None  # the thread writing it, which never waits for itself
        self.error: str | None = None  # why it could not be stored
        with self._guard:
            self._pending.append(self)

    def wait_to_store(self, longest_s: float) -> None:
        """In the storing thread: wait (at most ``longest_s``) for the go, then store."""
        self._storer = threading.get_ident()
        self.go.wait(longest_s)

    def finish(self) -> None:
        with self._guard:
            if self in self._pending:
                self._pending.remove(self)
        self.done.set()

    def wait(self, longest_s: float | None = None) -> None:
        """Start the store now and wait until it is over."""
        self.go.set()
        self.done.wait(longest_s)

    @classmethod
    def settle(cls, path: Path) -> None:
        """A write to ``path`` from this process, or a read of what it holds, waits for every store pending
        there (except in the thread doing it)."""
        if not cls._pending:
            return
        with cls._guard:
            pending = [store for store in cls._pending
                       if store._storer != threading.get_ident() and store.path == Path(path).resolve()]
        for store in pending:
            store.wait()


def default_library_path() -> Path:
    configured = os.environ.get("STUDYAPP_LIBRARY")
    if configured:
        return Path(configured)
    return Path(platformdirs.user_data_dir(APP_NAME)) / "library.sqlite"


#: Rows turned into JSON per C call by ``json_rows``: about a millisecond's worth.
JSON_SLICE = 5000


def json_rows(rows: Iterable[Sequence[object]]) -> str:
    """Many rows as one JSON array of arrays, for one ``INSERT ... SELECT ... FROM json_each(?)``.

    Why: ``executemany`` takes the interpreter lock back after every row's step (SQLite steps without it), and
    each take resets the GUI thread's wait for the lock, so it never asks for it: a novel's 111,000 segments
    held the window 100-400 ms. One statement steps once, without the lock, and is faster too (0.3 s against
    0.42 s for the novel's segments). Made a slice at a time, so the thread making it hands the lock over."""
    rows = iter(rows)
    parts = []
    while chunk := list(islice(rows, JSON_SLICE)):
        parts.append(json.dumps(chunk, ensure_ascii=False)[1:-1])
    return f"[{','.join(parts)}]"


def now() -> str:
    """The time a row is stamped with: UTC, to the second."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


class Connection:
    """An open library file: its one connection, the transaction every part writes in, backups. The parts of
    ``Library`` (documents, segments, words, cards) build on it, so they share both."""

    def __init__(self, path: Path, connection: sqlite3.Connection, lock: FileLock | None) -> None:
        self.path = path
        self._connection = connection
        self._lock = lock
        self._write_lock = threading.RLock()
        self._depth = 0  # transactions open on this connection (nested ones join the outer)

    # --- opening --------------------------------------------------------------------------------------------
    @classmethod
    def open(cls, path: str | Path | None = None, exclusive: bool = False, held_by: str = "",
             backup: bool = True, on_wait: Callable[[], None] | None = None,
             patience: float = LOCK_PATIENCE) -> Self:
        """Open (creating it if absent) and migrate; refuse without touching the file when it is unusable.

        ``exclusive``: the window holds the library against a second window, and commands that write a
        document's segments (``held_by`` names what they do) hold it against a window; either waits up to
        ``patience`` seconds for a command holding it (``on_wait`` is told once, after a moment), as two
        commands started together must both succeed. ``backup``: make the day's backup (not for a command
        that only reads: it writes nothing)."""
        path = Path(path) if path else default_library_path()
        lock = None
        if path.exists():
            _checked(path)
        else:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise LibraryError(f"The library folder {path.parent} cannot be created: {error.strerror}.") from None
        if exclusive:
            lock = hold(path, held_by, on_wait, patience)
        try:
            connection = sqlite3.connect(path, timeout=5, isolation_level=None, check_same_thread=False)
            connection.execute("PRAGMA foreign_keys = ON")
            _claim(connection, path)  # before WAL, so a new file carries our id from its first page
            _set_wal(connection)
            connection.execute("PRAGMA synchronous = NORMAL")
            _migrate(connection)
        except sqlite3.Error as error:
            if lock:
                lock.release()
            raise LibraryError(f"The library {path} could not be opened: {error}.") from None
        except LibraryError:
            if lock:
                lock.release()
            raise
        library = cls(path, connection, lock)
        if backup:
            library.backup_if_due()
        return library

    @classmethod
    def open_or_empty(cls, path: str | Path | None = None, backup: bool = False) -> Self:
        """The library at ``path``; where there is none yet, an empty one in memory, so a command that reads
        shows what an empty library holds and leaves no library, folder or backup behind."""
        path = Path(path) if path else default_library_path()
        if path.exists():
            return cls.open(path, backup=backup)
        connection = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
        connection.execute("PRAGMA foreign_keys = ON")
        _migrate(connection)
        return cls(path, connection, None)

    @classmethod
    def connect(cls, path: Path) -> Self:
        """A second connection to a library this process already opened and checked, for a background job
        (SQLite connections are one per thread); WAL lets it write while the window reads."""
        try:
            connection = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
            connection.execute("PRAGMA foreign_keys = ON")
            connection.execute("PRAGMA synchronous = NORMAL")
        except sqlite3.Error as error:
            raise LibraryError(f"The library {path} could not be opened: {error}.") from None
        return cls(path, connection, None)

    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self._connection.execute("PRAGMA wal_checkpoint(PASSIVE)")
            self._connection.close()
        if self._lock:
            self._lock.release()
            self._lock = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_exc) -> None:
        self.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, all or nothing. Nested ones join the outer one, so a command can make several
        changes (add a document, then import into it) that a failure or a kill leaves all undone. SQLite's
        errors inside (a full disk, a lock held too long) come out as one line, with nothing changed."""
        with self._write_lock:
            if self._depth:
                self._depth += 1
                try:
                    yield self._connection
                finally:
                    self._depth -= 1
                return
            PendingStore.settle(self.path)
            try:
                self._connection.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as error:
                # another program holds the file (past the busy timeout): say so, do not print a traceback
                raise LibraryError(f"The library {self.path} is busy: another program has been writing to it for "
                                   f"several seconds ({error}). Nothing was changed; try again when it is done.") \
                    from None
            self._depth = 1
            try:
                yield self._connection
                self._connection.execute("COMMIT")
            except sqlite3.Error as error:
                self._roll_back()
                raise LibraryError(f"The library {self.path} could not be written ({error}). Nothing of this "
                                   "change was saved; what was saved before is intact.") from None
            except BaseException:
                self._roll_back()
                raise
            finally:
                self._depth = 0

    def _roll_back(self) -> None:
        if self._connection.in_transaction:
            with contextlib.suppress(sqlite3.Error):
                self._connection.execute("ROLLBACK")

    def _query(self, sql: str, parameters: tuple = ()) -> list[tuple]:
        return self._connection.execute(sql, parameters).fetchall()

    # --- backups --------------------------------------------------------------------------------------------
    def backup_folder(self) -> Path:
        return self.path.with_name(self.path.stem + "-backups")

    def backup_if_due(self, today: dt.date | None = None) -> Path | None:
        """One copy per day of use (SQLite's backup API, consistent while open), keeping the last seven."""
        today = today or dt.date.today()
        folder = self.backup_folder()
        target = folder / f"{self.path.stem}-{today.isoformat()}.sqlite"
        if target.exists():
            return None
        try:
            folder.mkdir(exist_ok=True)
            # a partial file of this process's own: two commands started together each back up, and the
            # second must not write into the first one's copy
            handle, name = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=".partial", dir=folder)
            os.close(handle)
            partial = Path(name)
            try:
                with contextlib.closing(sqlite3.connect(partial)) as copy:
                    self._connection.backup(copy)
                os.replace(partial, target)
            finally:
                with contextlib.suppress(OSError):
                    partial.unlink()
            for old in sorted(folder.glob(f"{self.path.stem}-*.sqlite"))[:-BACKUPS_KEPT]:
                with contextlib.suppress(FileNotFoundError):  # another process pruned it first
                    old.unlink()
        except (OSError, sqlite3.Error):
            # a backup that cannot be written must not stop the user working; the log says why
            log.warning("the daily backup %s could not be written", target, exc_info=True)
            return None
        return target


class _CheckAhead:
    """``_check_existing`` of the library file, begun in a thread at start-up (``check_ahead``): SQLite's
    quick_check reads every page (30-300 ms for a library holding a novel) without the interpreter's lock, so it
    runs while Qt and the window are made. Its answer holds for the file as it was when it began."""

    def __init__(self, path: Path) -> None:
        self.path, self.signature = path, _signature(path)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._check, name="library check", daemon=True)
        self.thread.start()

    def _check(self) -> None:
        try:
            _check_existing(self.path)
        except BaseException as error:  # noqa: BLE001 - handed to the opening thread, which raises it
            self.error = error


_ahead: dict[Path, _CheckAhead] = {}


def check_ahead(path: str | Path | None = None) -> None:
    """Begin checking the library file the window will open, in a thread (see ``_CheckAhead``)."""
    path = Path(path) if path else default_library_path()
    with contextlib.suppress(OSError):
        if path.exists() and path.resolve() not in _ahead:
            _ahead[path.resolve()] = _CheckAhead(path)


def _signature(path: Path) -> tuple[int, int] | None:
    try:
        found = path.stat()
    except OSError:
        return None
    return found.st_size, found.st_mtime_ns


def _checked(path: Path) -> None:
    """``_check_existing``, or the answer of a check begun ahead for this file, if it has not changed since."""
    ahead = _ahead.pop(path.resolve(), None)
    if ahead is not None:
        ahead.thread.join()
        if ahead.signature is not None and ahead.signature == _signature(path):
            if ahead.error is not None:
                raise ahead.error
            return
    _check_existing(path)


def _written_by_another(path: Path) -> bool:
    """A write-ahead log beside the file: a studyapp (or SQLite) connection has it open or left it."""
    return Path(f"{path}-wal").exists() and Path(f"{path}-shm").exists()


def _probe(path: Path, immutable: bool) -> tuple[int, str, int, set[str]]:
    """The file's user_version, quick_check, application_id and tables, read only."""
    uri = f"{path.resolve().as_uri()}?mode=ro" + ("&immutable=1" if immutable else "")
    probe = sqlite3.connect(uri, uri=True, timeout=5)
    try:
        return (probe.execute("PRAGMA user_version").fetchone()[0], probe.execute("PRAGMA quick_check").fetchone()[0],
                probe.execute("PRAGMA application_id").fetchone()[0], migrations.tables(probe))
    finally:
        probe.close()


def _check_existing(path: Path) -> None:
    """Everything that makes a file unusable, found without writing a byte to it or creating one beside it."""
    try:
        mode = path.stat().st_mode
    except OSError as error:
        raise LibraryError(f"The library {path} cannot be read: {error.strerror}.") from None
    if not stat.S_ISREG(mode):  # a FIFO would block the read below forever, a device never end
        raise LibraryError(f"The library {path} is not a regular file; give the path of a library file.")
    try:
        with open(path, "rb") as handle:
            header = handle.read(100)
    except OSError as error:
        raise LibraryError(f"The library {path} cannot be read: {error.strerror}.") from None
    stored_version = int.from_bytes(header[60:64], "big") if len(header) >= 64 else 0  # SQLite's user_version
    header = header[:len(SQLITE_HEADER)]
    if header and header != SQLITE_HEADER:
        raise LibraryError(f"The library {path} is damaged (it is not a studyapp library file). It was left as it is.")
    if (header and not _writable(path)) or not os.access(path.parent, os.W_OK):
        raise LibraryError(f"The library {path} is read-only; studyapp needs to save your work in it.")
    if not header:
        return  # an empty file: SQLite makes a fresh database of it
    if stored_version > migrations.SCHEMA_VERSION:
        raise LibraryError(
            f"The library {path} was written by a newer studyapp (format {stored_version}; this version reads up "
            f"to {migrations.SCHEMA_VERSION}). Update studyapp to open it; it was left as it is.")
    beside: bool | None = None  # whether a write-ahead log is beside it: looked up once, and only when needed
    try:
        # immutable: no locks and no -wal/-shm files made beside a file that may be refused
        version, check, owner, tables = _probe(path, immutable=True)
    except sqlite3.DatabaseError as error:
        beside = _written_by_another(path)
        if not beside:
            raise LibraryError(f"The library {path} is damaged ({error}). It was left as it is.") from None
        check = "not ok"
    if check != "ok" and (beside if beside is not None else _written_by_another(path)):
        # another command or window is writing it (a checkpoint moving pages in): read it as SQLite does,
        # through its write-ahead log and locks, which already exist beside it, instead of calling it damaged
        try:
            version, check, owner, tables = _probe(path, immutable=False)
        except sqlite3.DatabaseError as error:
            raise LibraryError(f"The library {path} is damaged ({error}). It was left as it is.") from None
    if version > migrations.SCHEMA_VERSION:
        raise LibraryError(
            f"The library {path} was written by a newer studyapp (format {version}; this version reads up to "
            f"{migrations.SCHEMA_VERSION}). Update studyapp to open it; it was left as it is.")
    if check != "ok":
        raise LibraryError(f"The library {path} is damaged ({check}). It was left as it is.")
    _refuse_if_not_ours(path, owner, tables)


def _refuse_if_not_ours(path: Path, owner: int, tables: set[str]) -> None:
    """A file is ours when it carries our application id, or, made before the id existed, holds tables and only
    tables of ours (it is stamped on opening); with tables we did not make it is never ours, since taking over
    another program's database would write ours into it."""
    foreign = sorted(tables - migrations.our_tables())
    if not foreign and (owner == APPLICATION_ID or (owner == 0 and tables)):
        return
    named = f" (it holds tables studyapp never makes: {', '.join(foreign[:3])})" if foreign else ""
    raise LibraryError(f"The library {path} is another program's database, not a studyapp library{named}. "
                       "Give the path of a studyapp library or of a new file; it was left as it is.")



def _claim(connection: sqlite3.Connection, path: Path) -> None:
    """Our application id on a new file, and on a library made before the id existed, in one write transaction
    that reads the file again (``_check_existing`` refused every other file before it was opened)."""
    if connection.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID:
        return
    with _immediate(connection):
        owner = connection.execute("PRAGMA application_id").fetchone()[0]
        if owner != APPLICATION_ID:
            tables = migrations.tables(connection)
            if owner or tables:  # not the empty file SQLite makes a new database of
                _refuse_if_not_ours(path, owner, tables)
            connection.execute(f"PRAGMA application_id = {APPLICATION_ID}")


@contextlib.contextmanager
def _immediate(connection: sqlite3.Connection) -> Iterator[None]:
    """A write transaction on a bare connection, while a library is being opened (before ``Connection.transaction``
    exists): the re-checks inside it see no other process's half-done work."""
    connection.execute("BEGIN IMMEDIATE")
    try:
        yield
        connection.execute("COMMIT")
    except BaseException:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        raise


def _writable(path: Path) -> bool:
    """Permission bits too, since for root os.access says yes to a file marked read-only."""
    return os.access(path, os.W_OK) and bool(path.stat().st_mode & 0o222)


def _set_wal(connection: sqlite3.Connection, patience: float = 10.0) -> None:
    """WAL mode, waiting while another process sets it up: changing the journal mode of a new file does not wait
    on SQLite's busy timeout, so two commands started at once got "database is locked"."""
    deadline = time.monotonic() + patience
    while True:
        try:
            connection.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def _migrate(connection: sqlite3.Connection) -> None:
    """Each migration whole, in one write transaction that first reads the version again: two commands started
    at once on a new library both see version 0, and the second must find the first one's work done, not
    create the same tables again."""
    while True:
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        if version >= len(migrations.MIGRATIONS):
            return
        with _immediate(connection):
            if connection.execute("PRAGMA user_version").fetchone()[0] == version:
                for statement in migrations.statements(migrations.MIGRATIONS[version]):
                    connection.execute(statement)
                connection.execute(f"PRAGMA user_version = {version + 1}")

