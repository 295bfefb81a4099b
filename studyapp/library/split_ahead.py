"""A large text named at start-up is split into clauses in a child process while the window is being built.

Splitting 水浒传 takes 0.3 s of Python. In the window's process it can only begin once the window is built and
the text is opened, and it holds the interpreter meanwhile; started at once in a child, it runs on the other
core while the window is built, and the opening takes its clauses (``take``) instead of splitting again. The
child splits only a text the library does not hold (a known text's clauses are stored there, read back in a
few ms). It runs at the window's priority: niced, it never finished in time on a busy machine, and what it does
is work the window's process is spared. The opening checks that what the child sent is the split of the very
text it opened; if the child is still at work it waits for it (what is left of its split is less than a split
begun anew, and waiting leaves it the core), up to ``LONGEST_WAIT_S``. It splits the text itself when the
child took longer than that (then the child is stopped), failed, or split another text (the file changed).

    python -m studyapp.library.split_ahead PATH LIBRARY     (the child: prints what ``take`` reads)
"""

from __future__ import annotations

import contextlib
import logging
import marshal
import os
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

from ..child_python import module_command, module_environment
from ..text import Document, pack_offsets, split, unpack_offsets
from ..text.loading import load
from .documents import _stored_path, document_id

log = logging.getLogger(__name__)

#: Smaller files are split in the window's process: a child costs more than splitting them (0.1 s per MB).
AHEAD_BYTES = 512 * 1024
#: The longest an opening waits for the child to name the text it loaded, then to split it (about 0.3 s per MB
#: on this machine, begun well ahead; a split begun anew would take as long).
LONGEST_WAIT_S = 60.0


class _Child:
    """The child process, and a thread that reads what it prints: first the id of the text it loaded (``named``
    is set then, so an opening of another text need not wait for its split), then its split (more than a pipe
    holds, so it could not finish unread)."""

    def __init__(self, process: subprocess.Popen) -> None:
        self.process = process
        self.identifier = ""
        self.named = threading.Event()
        self.output = b""
        self.reader = threading.Thread(target=self._read, name="split ahead", daemon=True)
        self.reader.start()

    def _read(self) -> None:
        output = self.process.stdout
        assert output is not None  # started with stdout=PIPE
        try:
            self.identifier = output.readline().decode("ascii", "replace").strip()
            self.named.set()
            self.output = output.read()
        finally:
            self.named.set()
            self.process.wait()

    def stop(self) -> None:
        self.process.kill()
        self.reader.join()


_children: list[_Child] = []


def start(path: str | Path, library: str | Path) -> None:
    """Split the text at ``path`` in a child process, if it is large enough to be worth one and was not opened
    from there before (its clauses are stored then: a child would only take a core from the window)."""
    if not sys.executable or getattr(sys, "frozen", False):  # no interpreter to run it with (a bundled app)
        return
    with contextlib.suppress(OSError):
        if os.path.getsize(path) >= AHEAD_BYTES and not _children and not _opened_from(Path(library), Path(path)):
            _children.append(_Child(subprocess.Popen(
                module_command(__name__, os.fspath(path), os.fspath(library)), env=module_environment(),
                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)))


def take(identifier: str, text: str, encoding: str) -> Document | None:
    """The split the child made of this very text (``identifier`` is its ``document_id``), once it is done; None
    when no child loaded this text, or it took too long (then the caller splits the text)."""
    if not _children:
        return None
    child = _children.pop()
    if not child.named.wait(LONGEST_WAIT_S) or child.identifier != identifier:
        child.stop()  # another text (the file changed, or another opened first): its split is of no use
        return None
    child.reader.join(LONGEST_WAIT_S)
    if child.reader.is_alive():
        child.stop()
        log.warning("the text split ahead took more than %s s: split again", LONGEST_WAIT_S)
        return None
    try:
        sent_encoding, joined, packed = marshal.loads(child.output)
    except (EOFError, ValueError, TypeError):  # it printed no split: the library holds the text, or it failed
        return None
    if child.process.returncode != 0 or sent_encoding != encoding:
        return None
    return unpack_offsets(text, encoding, packed, joined)


def _holds(library: Path, where: str, value: str | bytes | None) -> bool:
    """Whether the library has a document row ``where`` says (read only, as the window may be opening it)."""
    if not library.exists():
        return False
    try:
        with contextlib.closing(sqlite3.connect(f"{library.resolve().as_uri()}?mode=ro", uri=True)) as connection:
            return connection.execute(f"SELECT 1 FROM documents WHERE {where}", (value,)).fetchone() is not None
    except sqlite3.Error:
        return False


def _known(library: Path, identifier: str) -> bool:
    """Whether the library holds the text."""
    return _holds(library, "id = ?", identifier)


def _opened_from(library: Path, path: Path) -> bool:
    """Whether the library holds a text opened from this file (as ``open_loaded`` keeps its path)."""
    return _holds(library, "source_path = ?", _stored_path(str(path.resolve())))


def _child(path: str, library: str) -> int:
    loaded = load(path)
    identifier = document_id(loaded.text)
    sys.stdout.buffer.write(identifier.encode("ascii") + b"\n")
    sys.stdout.buffer.flush()
    if _known(Path(library), identifier):
        return 0
    document = split(loaded.text, loaded.encoding)
    sys.stdout.buffer.write(marshal.dumps((loaded.encoding, document.joined, pack_offsets(document))))
    return 0


if __name__ == "__main__":
    sys.exit(_child(*sys.argv[1:3]))
