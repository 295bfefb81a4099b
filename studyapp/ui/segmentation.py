"""Fixing the segmentation: join a word with the next one, or split a word, in every document at once; undoable.

The fix is stored in the library and given to the parser; the open document is read again (its clause cache
dropped, its deck gathered again in the background)."""

from __future__ import annotations

from ..library import Library
from ..reading.analysis import Analyzer
from .document_session import DocumentSession
from .qt import QInputDialog, QObject, QUndoCommand, QUndoStack, QWidget, Signal
from .reader import ReaderView


class SegmentationFix(QUndoCommand):
    def __init__(self, owner: SegmentationFixer, text: str, before: tuple[str, ...] | None,
                 after: tuple[str, ...] | None) -> None:
        super().__init__(owner.tr("Join") if after and len(after) == 1 else owner.tr("Split"))
        self.owner, self.text, self.before, self.after = owner, text, before, after

    def redo(self) -> None:
        self.owner.apply(self.text, self.after)

    def undo(self) -> None:
        self.owner.apply(self.text, self.before)


class SegmentationFixer(QObject):
    message = Signal(str)

    def __init__(self, session: DocumentSession, view: ReaderView, analyzer: Analyzer, library: Library,
                 undo_stack: QUndoStack, parent: QWidget) -> None:
        super().__init__(parent)
        self.session, self.view, self.analyzer, self.library = session, view, analyzer, library
        self.undo_stack = undo_stack
        self._parent = parent

    def join_with_next(self) -> None:
        """The word under the pointer (or pinned) and the word right after it become one word everywhere."""
        target = self.view.word_for_action()
        model = self.session.model
        if target is None or model is None:
            self.message.emit(self.tr("Point at or click the first of the two words to join."))
            return
        row, token = target
        tokens = model.tokens(row)
        following = next((t for t in tokens if t.start == token.end and t.kind == "word"), None)
        if following is None:
            self.message.emit(self.tr("{0} has no word right after it to join with.").format(token.text))
            return
        joined = token.text + following.text
        self.fix(joined, (joined,))

    def split_word(self) -> None:
        """Ask where the word under the pointer (or pinned) is to be cut: spaces between its parts."""
        target = self.view.word_for_action()
        if target is None or len(target[1].text) < 2:
            self.message.emit(self.tr("Point at or click a word of two characters or more to split."))
            return
        word = target[1].text
        typed, ok = QInputDialog.getText(self._parent, self.tr("Split a word"),
                                         self.tr("Put spaces where {0} is to be cut:").format(word),
                                         text=" ".join(word))
        parts = tuple(typed.split())
        if not ok or len(parts) < 2:
            return
        if "".join(parts) != word:
            self.message.emit(self.tr("The parts must spell {0} exactly.").format(word))
            return
        self.fix(word, parts)

    def fix(self, text: str, parts: tuple[str, ...]) -> None:
        before = self.library.segmentation_fixes().get(text)
        self.undo_stack.push(SegmentationFix(self, text, before, parts))

    def apply(self, text: str, parts: tuple[str, ...] | None) -> None:
        self.library.set_segmentation_fix(text, parts)
        self.analyzer.set_fixes(self.library.segmentation_fixes(), self.library.own_definitions())
        self.session.reanalyse()
        self.view.pinned = None  # its row and word may be cut differently now
        self.view.clause_delegate.hovered = None
        self.view.relayout()
        shown = " | ".join(parts) if parts else text
        self.message.emit(self.tr("Now read as {0} in every text.").format(shown))
