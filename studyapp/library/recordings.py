"""The recording attached to a document (its path, kept where the learner has it, never copied) and the learner's
bookmarks in it: "the text from this offset is heard from this second", as Lute keeps them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import RecordingError
from .connection import Connection, now
from .documents import _read_path, _stored_path

DETACHED = ""  # the path kept for a recording the learner detached


@dataclass(frozen=True)
class Bookmark:
    """The text from ``offset`` (document text offset) is heard from ``seconds`` into the recording."""

    offset: int
    seconds: float


class Recordings(Connection):
    """The recordings and bookmarks tables."""

    def attach_recording(self, document_id: str, path: Path) -> Path:
        """Keep ``path`` (made absolute) as the document's recording, replacing one attached before; its
        bookmarks stay (the same recording moved, or one with the same timings). Returns the path kept. A
        missing file is refused with RecordingError's line."""
        path = Path(path).expanduser().absolute()
        if not path.is_file():
            raise RecordingError(f"There is no recording at {path} (or it is a folder).")
        with self.transaction() as db:
            db.execute("INSERT INTO recordings (document_id, path, attached_at) VALUES (?, ?, ?)"
                       " ON CONFLICT (document_id) DO UPDATE SET path = excluded.path,"
                       " attached_at = excluded.attached_at", (document_id, _stored_path(str(path)), now()))
        return path

    def recording(self, document_id: str) -> Path | None:
        """The recording attached to the document, as kept (it may since have moved: ``decode`` says so)."""
        row = self._connection.execute("SELECT path FROM recordings WHERE document_id = ?",
                                       (document_id,)).fetchone()
        return Path(_read_path(row[0]) or "") if row and row[0] != DETACHED else None

    def recording_detached(self, document_id: str) -> bool:
        """Whether the learner detached the document's recording: one found beside its text is then not
        attached again on the next opening."""
        return self._connection.execute("SELECT 1 FROM recordings WHERE document_id = ? AND path = ?",
                                        (document_id, DETACHED)).fetchone() is not None

    def detach_recording(self, document_id: str) -> None:
        """Forget the document's recording and its bookmarks (the file itself is left alone), and remember that
        it was detached, so the file beside the text stays unattached until the learner attaches one."""
        with self.transaction() as db:
            db.execute("INSERT INTO recordings (document_id, path, attached_at) VALUES (?, ?, ?)"
                       " ON CONFLICT (document_id) DO UPDATE SET path = excluded.path,"
                       " attached_at = excluded.attached_at", (document_id, DETACHED, now()))
            db.execute("DELETE FROM bookmarks WHERE document_id = ?", (document_id,))

    def bookmarks(self, document_id: str) -> list[Bookmark]:
        """The document's bookmarks in text order."""
        return [Bookmark(offset, seconds) for offset, seconds in self._connection.execute(
            "SELECT offset, seconds FROM bookmarks WHERE document_id = ? ORDER BY offset", (document_id,))]

    def add_bookmark(self, document_id: str, offset: int, seconds: float) -> None:
        """One bookmark per offset: a second one at the same offset replaces it."""
        with self.transaction() as db:
            db.execute("INSERT INTO bookmarks (document_id, offset, seconds) VALUES (?, ?, ?)"
                       " ON CONFLICT (document_id, offset) DO UPDATE SET seconds = excluded.seconds",
                       (document_id, int(offset), float(seconds)))

    def remove_bookmark(self, document_id: str, offset: int) -> None:
        with self.transaction() as db:
            db.execute("DELETE FROM bookmarks WHERE document_id = ? AND offset = ?", (document_id, int(offset)))
