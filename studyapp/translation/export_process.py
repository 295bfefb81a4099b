"""A translation export written by a process of its own, so the window never waits for its interpreter lock.

In a thread, a novel's export (111,000 rows; DOCX 20-30 s of python-docx and lxml, TMX a few seconds) shared the
interpreter lock with the window: each of the window's events waited for the job's turn, and on a busy machine the
system paused the job while it held the lock, so the window stalled 80-280 ms (issue 22) though no single call of
the export held the lock long (sqlite, zlib, file writes and joins of megabytes let it go). A process has its own.

``export_in_a_process`` runs in the export's job: it hands the document (its text and packed offsets, as the
library stores them: pickling its paragraphs' named tuples took 40 ms in one call), the segments and the options to
``python -m studyapp.translation.export_process``, which writes the file (all or nothing) and reports progress and
its warnings as lines; a cancelled job ends the process.
"""

from __future__ import annotations

import pickle
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from ..child_python import ChildStopped, run_module, tell_outcome, tell_progress
from ..errors import StudyAppError
from ..text import Document, packed, unpacked
from .segments import Segment, SegmentTable, as_table

Progress = Callable[[int, int], None] | None
Cancelled = Callable[[], bool] | None


class ExportProcessError(StudyAppError):
    pass


def export_in_a_process(document: Document, segments: Sequence[Segment], fmt: str, out: Path, language: str = "en",
                        title: str = "", progress: Progress = None, cancelled: Cancelled = None,
                        units: str = "segment") -> list[str]:
    """Write ``export_text``'s file to ``out`` from another process; returns ``export_warnings``. Raises the
    export's own error (an unknown format, a file that cannot be written) with its message, and ``JobCancelled``
    (the process ended, ``out`` untouched) once ``cancelled()`` says so."""
    table = segments if isinstance(segments, SegmentTable) else as_table(segments)
    payload = (packed(document), table, fmt, str(out), language, title, units)
    try:
        ended, result = run_module(__name__, [payload], progress, cancelled)
    except ChildStopped as stopped:
        raise ExportProcessError(f"The export stopped ({stopped}).") from None
    if ended == "error":
        raise ExportProcessError(str(result))
    return [str(warning) for warning in result] if isinstance(result, list) else []


def _run() -> int:
    """The process's side: read the job's payload, write the file, say how far it got."""
    from ..files import write_atomically
    from .exchange import export_text, export_warnings

    sent, segments, fmt, out, language, title, units = pickle.load(sys.stdin.buffer)
    document = unpacked(sent)

    try:
        data = export_text(document, segments, fmt, language, title, tell_progress, None, units)
        write_atomically(Path(out), data)
        warnings = export_warnings(document, segments, fmt)
    except StudyAppError as error:
        tell_outcome("error", str(error))
        return 0
    tell_outcome("done", warnings)
    return 0


if __name__ == "__main__":
    sys.exit(_run())
