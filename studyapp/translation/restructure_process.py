"""A long text's restructuring (Group by Sentence, ungrouping, their undo) computed and written by a process of its
own, so the window never waits for its interpreter lock; and, before an ungrouping, its edited merges counted.

In a thread, regrouping the novel (111,000 segments: the sentences found, 29,000 merge memos made, the segments
written and read back) ran 1.5-2 s of Python beside the window. Each of the window's events waited for the job's
turn with the interpreter lock, and on a busy machine the system paused the job while it held it: the window
stalled 50-130 ms though its own work was 1-20 ms (issue 22; in the longest gaps the job had run 30-50 ms of them).
A process has its own lock. As ``export_process`` does, the job hands the child the document (its text and packed
offsets), the segments and what to do (a ``Recipe``); the child applies the change to the library through a
connection of its own (``segments.apply_change``, the same workflow a thread or a script runs) and sends the
segments as stored back, pickled (arrays: a few milliseconds to read).
"""

from __future__ import annotations

import pickle
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from ..child_python import module_command, module_environment
from ..errors import StudyAppError
from ..text import Document, packed, unpacked
from .segments import Compute, Segment, SegmentTable, as_table, regrouping, restoring

#: What to do, as plain data a process can be sent: ("regroup", by_sentence) or ("restore", earlier segments)
Recipe = tuple[str, object]

#: Each recipe's name, and how it becomes the restructuring's ``Compute`` for a document
RECIPES: dict[str, Callable[[Document, object], Compute]] = {
    "regroup": lambda document, by_sentence: regrouping(document, bool(by_sentence)),
    "restore": lambda _document, earlier: restoring(as_table(earlier)),  # type: ignore[arg-type]
}


class RestructureProcessError(StudyAppError):
    pass


#: Not a change: how many merged segments had their translation edited since (``segments.edited_merges``)
EDITED = "edited"


def restructure_in_a_process(library_path: Path, document_id: str, document: Document,
                             segments: Sequence[Segment], recipe: Recipe) -> SegmentTable | None:
    """``apply_change`` of ``recipe`` run by a child process on the library at ``library_path``: the document's
    segments as stored after it, or None when there was nothing to change. Raises ``RestructureProcessError``
    with the child's last word when it failed (the library is then as it was: the change is one transaction)."""
    if recipe[0] not in RECIPES:
        raise ValueError(f"no such restructuring: {recipe[0]}")
    return _in_a_process(library_path, document_id, document, segments, recipe)


def edited_in_a_process(library_path: Path, document_id: str, document: Document,
                        segments: Sequence[Segment]) -> int:
    """How many of ``segments`` were merged and had their translation edited since, read and compared by a child
    process (the novel's 29,000 merge memos: 0.2-0.4 s of Python), before an ungrouping asks about them."""
    return _in_a_process(library_path, document_id, document, segments, (EDITED, None))


def _in_a_process(library_path: Path, document_id: str, document: Document, segments: Sequence[Segment],
                  recipe: Recipe):
    payload = pickle.dumps((str(library_path), document_id, packed(document), as_table(segments), recipe),
                           protocol=pickle.HIGHEST_PROTOCOL)
    done = subprocess.run(module_command(__name__), input=payload, capture_output=True, env=module_environment(),
                          check=False)
    if done.returncode:
        said = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise RestructureProcessError(f"The process rearranging them stopped "
                                      f"({said[-1] if said else done.returncode}).")
    return pickle.loads(done.stdout)  # noqa: S301 - our own child's answer


def _run() -> int:
    """The process's side: read the payload, apply the change (or count the edited merges), write the answer."""
    from ..library import Library
    from .segments import apply_change, edited_merges

    path, document_id, sent, segments, (name, argument) = pickle.load(sys.stdin.buffer)
    document = unpacked(sent)
    answer: int | SegmentTable | None
    with Library.connect(Path(path)) as library:
        if name == EDITED:
            answer = len(edited_merges(document, segments, library.merge_memos(document_id)))
        else:
            answer = apply_change(library, document_id, segments, RECIPES[name](document, argument))
    sys.stdout.buffer.write(pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL))
    return 0


if __name__ == "__main__":
    sys.exit(_run())
