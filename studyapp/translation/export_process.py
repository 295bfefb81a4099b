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

import json
import pickle
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from ..child_python import module_command, module_environment
from ..errors import JobCancelled, StudyAppError
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
    payload = pickle.dumps((packed(document), table, fmt, str(out), language, title, units),
                           protocol=pickle.HIGHEST_PROTOCOL)
    outcome: tuple[str, object] | None = None
    with tempfile.TemporaryFile() as errors:  # a file, not a pipe: a pipe nobody reads can fill and stop the child
        child = subprocess.Popen(module_command(__name__), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                 stderr=errors, env=module_environment())
        try:
            assert child.stdin is not None and child.stdout is not None  # noqa: S101 - piped just above
            child.stdin.write(payload)
            child.stdin.close()
            for line in child.stdout:
                if cancelled is not None and cancelled():
                    raise JobCancelled("Cancelled.")
                kind, _, value = line.decode("utf-8").rstrip("\n").partition(" ")
                if kind == "progress" and progress is not None:
                    done, total = map(int, value.split())
                    progress(done, total)
                elif kind in ("done", "error"):
                    outcome = kind, json.loads(value)
            child.wait()
        finally:
            if child.poll() is None:
                child.kill()
                child.wait()
        errors.seek(0)
        said = errors.read().decode("utf-8", "replace").strip().splitlines()
    if outcome is None or child.returncode:
        raise ExportProcessError(f"The export stopped ({said[-1] if said else child.returncode}).")
    ended, result = outcome
    if ended == "error":
        raise ExportProcessError(str(result))
    return [str(warning) for warning in result] if isinstance(result, list) else []


def _run() -> int:
    """The process's side: read the job's payload, write the file, say how far it got."""
    from ..files import write_atomically
    from .exchange import export_text, export_warnings

    sent, segments, fmt, out, language, title, units = pickle.load(sys.stdin.buffer)
    document = unpacked(sent)

    def report(done: int, total: int) -> None:
        print(f"progress {done} {total}", flush=True)

    try:
        data = export_text(document, segments, fmt, language, title, report, None, units)
        write_atomically(Path(out), data)
        warnings = export_warnings(document, segments, fmt)
    except StudyAppError as error:
        print(f"error {json.dumps(str(error))}", flush=True)
        return 0
    print(f"done {json.dumps(warnings)}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(_run())
