"""Segment menu actions that change the document's structure or its settings: merge, split, sentence grouping,
target language. Each restructuring is one undoable step of the translation controller."""

from __future__ import annotations

from pathlib import Path

from ..library import Library
from ..translation.restructure_process import edited_in_a_process
from ..translation.segments import edited_merges
from ..wording import counted
from . import segment_model
from .document_session import DocumentSession
from .ops import run_job
from .qt import QInputDialog, QMessageBox, QObject, QWidget, Signal
from .qt_helpers import set_checked_quietly
from .reader import ReaderView
from .translation_pane import TranslationController


def remember_grouping(library_path: Path, document_id: str, grouping: str) -> None:
    """Keep the document's grouping on the writer lane, after the regrouping's own writes: written from the GUI
    thread it waited for the regrouping's transaction to end (130 ms and more for the novel)."""

    def work(_report, _cancelled) -> None:
        with Library.connect(library_path) as library:
            library.set_grouping(document_id, grouping)

    run_job(work, name="remember the grouping", writes=True)


class SegmentActions(QObject):
    message = Signal(str)

    def __init__(self, session: DocumentSession, view: ReaderView, translator: TranslationController,
                 parent: QWidget) -> None:
        super().__init__(parent)
        self.session, self.view, self.translator, self._parent = session, view, translator, parent
        self.sentence_action = None  # set by the window: put back when the translator declines ungrouping
        translator.groupingRestored.connect(self._grouping_restored)

    def merge(self) -> None:
        row, model = self.view.currentIndex().row(), self.session.model
        if row >= 0:
            self.translator.restructure(self.tr("Merge"), lambda applied: model.merge_with_next(row, applied),
                                        lambda merged: self._unless(merged, self.tr(
                                            "The last segment has nothing after it to merge with.")))

    def split(self) -> None:
        row, model = self.view.currentIndex().row(), self.session.model
        if row < 0 or not self._edited_ok(model.edited_merges(range(row, row + 1))):
            return
        self.translator.restructure(self.tr("Split"), lambda applied: model.split_segment(row, applied),
                                    lambda split: self._unless(split, self.tr("This segment is a single clause.")))

    def _unless(self, changed: bool, message: str) -> None:
        if not changed:
            self.message.emit(message)

    def group_by_sentence(self, on: bool) -> None:
        model = self.session.model
        if on:
            self._regroup(model, True)
            return
        # which merged sentences had their translation edited: read off the GUI thread for a novel, as the
        # regrouping itself is (its 29,000 merge memos, read and compared here, held the window 370-570 ms)
        segments, document = model.snapshot(), model.document
        library_path, document_id = self.session.library.path, self.session.document_id

        def count(_report, _cancelled) -> int:
            if len(segments) >= segment_model.PROCESS_ROWS:  # as the ungrouping itself will be
                return edited_in_a_process(library_path, document_id, document, segments)
            with Library.connect(library_path) as library:
                return len(edited_merges(document, segments, library.merge_memos(document_id)))

        def counted(edited: int | None) -> None:
            if self.session.model is not model:  # another document opened meanwhile
                return
            if edited is None or not self._edited_ok(edited):
                if self.sentence_action is not None:
                    set_checked_quietly(self.sentence_action, True)
                return
            self._regroup(model, False)

        model.runner(count, len(segments), counted)

    def _regroup(self, model, on: bool) -> None:
        label = self.tr("Group by sentence") if on else self.tr("Group by clause")
        grouping = ("clause", "sentence") if on else ("sentence", "clause")  # before, after
        document_id = self.session.document_id

        def regrouped(changed: bool) -> None:
            """Remembered once the rows are regrouped; failed (its process stopped), the tick goes back."""
            if changed:
                remember_grouping(self.session.library.path, document_id, grouping[1])
            elif self.sentence_action is not None and self.session.model is model:
                set_checked_quietly(self.sentence_action, not on)

        self.translator.restructure(label, lambda applied: model.regroup(on, applied), regrouped, grouping)

    def _grouping_restored(self, grouping: str) -> None:
        """A regrouping undone or redone: the tick and the remembered grouping follow the rows."""
        if self.sentence_action is not None:
            set_checked_quietly(self.sentence_action, grouping == "sentence")
        if self.session.document_id is not None:
            remember_grouping(self.session.library.path, self.session.document_id, grouping)

    def _edited_ok(self, edited: int) -> bool:
        """Splitting gives each clause its own translation back, unless the merged one was edited since: then it
        can only stay whole on the first clause, and the translator decides."""
        if not edited:
            return True
        answer = QMessageBox.question(
            self._parent, self.tr("Split edited translations?"),
            counted(edited, self.tr("{0} merged segment had its translation edited after merging, so it cannot be "
                                    "shared out among the clauses again: it would stay whole on its first clause. "
                                    "Split anyway?"),
                    self.tr("{0} merged segments had their translations edited after merging, so they cannot be "
                            "shared out among the clauses again: each would stay whole on its first clause. "
                            "Split anyway?")))
        return answer == QMessageBox.StandardButton.Yes

    def check_consistency(self) -> None:
        """Segment > Check Consistency: the translated segments that lack a word's chosen translation."""
        from .consistency import ConsistencyDialog

        self.translator.save_now()
        self.consistency = ConsistencyDialog(self.session, self.view, self.session.library.chosen_translations(),
                                             self._parent)
        self.consistency.show()

    def choose_target_language(self) -> None:
        info = self.session.info()
        if info is None:
            return
        language, ok = QInputDialog.getText(
            self._parent, self.tr("Target language"),
            self.tr("Language of the translation, as a code (en, en-GB, fr, de, ru…), used in TMX exports:"),
            text=info.target_lang)
        if ok and language.strip():
            self.session.library.set_target_lang(info.id, language.strip())
            self.message.emit(self.tr("Target language: {0}").format(language.strip()))
