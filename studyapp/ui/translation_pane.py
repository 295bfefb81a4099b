"""Translating segment by segment: the editor over the current cell, autosave, undo, and help from memory.

Every keystroke goes into the model at once and reaches the library within a second however steadily the
translator types (a throttle, never waiting for a pause), and at once on leaving a segment, on focus change and
on quit. The memory learns a segment's translation when the translator leaves it or marks it done, not the
drafts on the way. Undo covers typing, status, merge, split and regrouping, across segments.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from ..translation.memory import TranslationMemory, differences, glossary_hints, glossary_terms
from ..translation.segments import Segment, Status
from .ops import InputHold, run_job
from .qt import (
    QApplication,
    QDockWidget,
    QEvent,
    QFocusEvent,
    QFrame,
    QKeyEvent,
    QKeySequence,
    QLabel,
    QMainWindow,
    QObject,
    QPlainTextEdit,
    Qt,
    QUndoCommand,
    QUndoStack,
    Signal,
)
from .segment_model import SegmentModel
from .throttle import Throttle

SAVE_EVERY_MS = 700  # an edit reaches the library within this, however steady the typing
BACKGROUND_ROWS = 5000  # restructuring more segments than this runs as a job


def help_dock(window: QMainWindow) -> tuple[QDockWidget, QLabel]:
    """The Translation help dock: fuzzy matches and terms for the segment being translated."""
    label = QLabel(window)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
    label.setContentsMargins(8, 4, 8, 4)
    dock = QDockWidget(window.tr("Translation help"), window)
    dock.setObjectName("translationHelpDock")
    dock.setWidget(label)
    window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
    return dock, label


class TranslationEditor(QPlainTextEdit):
    """The one editor, moved to whichever translation cell is being edited."""

    navigate = Signal(int)  # +1 next segment, -1 previous
    confirm = Signal()  # Ctrl+Enter: done, then next
    leave = Signal()
    undoRequested = Signal()
    redoRequested = Signal()
    focusLost = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("translationEditor")
        self.setUndoRedoEnabled(False)  # the window's undo stack covers every segment
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setTabChangesFocus(False)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.document().setDocumentMargin(4)
        self.setPlaceholderText(self.tr("Type the translation · Tab: next · Ctrl+Enter: done"))

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent):
            if event.matches(QKeySequence.StandardKey.Undo) or event.matches(QKeySequence.StandardKey.Redo):
                event.accept()
                return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key, modifiers = event.key(), event.modifiers()
        control = modifiers & Qt.KeyboardModifier.ControlModifier
        if event.matches(QKeySequence.StandardKey.Undo):
            self.undoRequested.emit()
        elif event.matches(QKeySequence.StandardKey.Redo) or (control and key == Qt.Key.Key_Y):
            self.redoRequested.emit()
        elif key == Qt.Key.Key_Backtab or (control and key == Qt.Key.Key_Up):
            self.navigate.emit(-1)
        elif key == Qt.Key.Key_Tab or (control and key == Qt.Key.Key_Down):
            self.navigate.emit(1)
        elif control and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.confirm.emit()
        elif key == Qt.Key.Key_Escape:
            self.leave.emit()
        else:
            super().keyPressEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self.focusLost.emit()


class EditTarget(QUndoCommand):
    """Typing in one segment; consecutive typing in the same segment is one step."""

    def __init__(self, controller: TranslationController, segment_id: int, before: str, after: str,
                 mergeable: bool = True) -> None:
        super().__init__(controller.tr("Typing") if mergeable else controller.tr("Replace"))
        self.controller, self.segment_id, self.before, self.after = controller, segment_id, before, after
        self.mergeable = mergeable

    def id(self) -> int:
        return 1

    def mergeWith(self, other: QUndoCommand) -> bool:
        """Typing on in the same segment extends this step; a replacement is always a step of its own."""
        if not (isinstance(other, EditTarget) and self.mergeable and other.mergeable
                and other.segment_id == self.segment_id):
            return False
        self.after = other.after
        return True

    def redo(self) -> None:
        self.controller.apply_target(self.segment_id, self.after)

    def undo(self) -> None:
        self.controller.apply_target(self.segment_id, self.before)


class SetStatus(QUndoCommand):
    def __init__(self, controller: TranslationController, segment_id: int, before: int, after: int) -> None:
        super().__init__(controller.tr("Status"))
        self.controller, self.segment_id, self.before, self.after = controller, segment_id, before, after

    def redo(self) -> None:
        self.controller.apply_status(self.segment_id, self.after)

    def undo(self) -> None:
        self.controller.apply_status(self.segment_id, self.before)


class Restructure(QUndoCommand):
    """Merge, split or regroup: undone by putting the earlier segments back exactly. A regrouping's ``grouping``
    (before, after: "clause" or "sentence") is put back with them (``groupingRestored``), so the menu's tick and
    the grouping the document reopens with follow the rows."""

    def __init__(self, controller: TranslationController, label: str, before: list[Segment],
                 after: list[Segment], grouping: tuple[str, str] | None = None) -> None:
        super().__init__(label)
        self.controller, self.before, self.after, self.grouping = controller, before, after, grouping
        self._first = True

    def redo(self) -> None:
        if self._first:  # already applied when pushed
            self._first = False
            return
        self.controller.restore(self.after)
        if self.grouping is not None:
            self.controller.groupingRestored.emit(self.grouping[1])

    def undo(self) -> None:
        self.controller.restore(self.before)
        if self.grouping is not None:
            self.controller.groupingRestored.emit(self.grouping[0])


class TranslationController(QObject):
    """Connects the editor, the model, the undo stack, autosave and the help panel."""

    saved = Signal(int)  # segments written
    saveFailed = Signal(str)
    currentChanged = Signal(int)
    groupingRestored = Signal(str)  # a regrouping undone or redone: the grouping the rows have now

    def __init__(self, view, help_label: QLabel, parent=None) -> None:
        super().__init__(parent)
        self.view = view
        self.help_label = help_label
        self.model: SegmentModel | None = None
        self.memory = TranslationMemory([])
        self.chosen: dict[str, str] = {}  # word -> the translator's chosen translation (the deck's glossary)
        self.undo_stack = QUndoStack(self)
        self.editor = TranslationEditor(view.viewport())
        self.editor.hide()
        view.editor = self.editor
        self._loading = False
        self._autosave = Throttle(SAVE_EVERY_MS, self.save_now, self)
        self.editor.textChanged.connect(self._on_typed)
        self.editor.navigate.connect(self.move)
        self.editor.confirm.connect(self.confirm_and_next)
        self.editor.leave.connect(self.close_editor)
        self.editor.focusLost.connect(self.save_now)
        self.editor.undoRequested.connect(self.undo_stack.undo)
        self.editor.redoRequested.connect(self.undo_stack.redo)
        view.targetClicked.connect(self.edit)

    # --- documents ------------------------------------------------------------------------------------------
    def set_model(self, model: SegmentModel, memory: TranslationMemory) -> None:
        self.save_now()
        self.model = model
        model.runner = self._run_restructuring
        self.undo_stack.clear()
        self.memory = memory
        self.close_editor()

    def set_memory(self, memory_pairs: list[tuple[int, str, str]]) -> None:
        self.memory = TranslationMemory(memory_pairs)

    def set_chosen(self, chosen: dict[str, str]) -> None:
        """The deck's glossary changed: the help under the open editor shows the new choices."""
        self.chosen = chosen
        if self.editing_row() >= 0:
            self.show_help(self.editing_row())

    # --- editing --------------------------------------------------------------------------------------------
    def edit_current(self) -> None:
        """F2, or Enter on the reader: translate the clause the reader is on."""
        self.edit(self.view.currentIndex().row())

    def edit(self, row: int) -> None:
        """Open the editor on a segment's translation cell and put the cursor at its end."""
        if self.model is None or not (0 <= row < self.model.rowCount()):
            return
        if not self.view.clause_delegate.settings.translation_pane:
            return
        self.save_now()
        self.learn(self.editing_row())
        self.view.go_to(row)
        self.view.editing_row = row
        self._loading = True
        self.editor.setPlainText(self.model.target(row))
        self._loading = False
        self.editor.setFont(self.view.clause_delegate.target_font)
        self.editor.show()
        self.view.place_editor()
        self.editor.setFocus()
        cursor = self.editor.textCursor()
        cursor.movePosition(cursor.MoveOperation.End)
        self.editor.setTextCursor(cursor)
        self.show_help(row)
        self.currentChanged.emit(row)

    def editing_row(self) -> int:
        return self.view.editing_row if self.editor.isVisible() else -1

    def close_editor(self) -> None:
        self.save_now()
        self.learn(self.editing_row())
        self.editor.hide()
        self.view.editing_row = -1
        self.view.setFocus()

    def move(self, step: int) -> None:
        row = self.editing_row()
        if row < 0:
            row = self.view.currentIndex().row() - (1 if step > 0 else -1)
        target = row + step
        if self.model is not None and 0 <= target < self.model.rowCount():
            self.edit(target)

    def next_untranslated(self) -> None:
        """OmegaT's Ctrl+U: the next segment with no translation, wrapping at the end."""
        if self.model is None or not self.model.rowCount():
            return
        count = self.model.rowCount()
        start = max(self.editing_row(), self.view.currentIndex().row())
        for offset in range(1, count + 1):
            row = (start + offset) % count
            if not self.model.target(row).strip():
                self.edit(row)
                return

    def confirm_and_next(self) -> None:
        row = self.editing_row()
        if row >= 0 and self.model is not None:
            self.set_status(row, Status.DONE)
            self.move(1)

    def _on_typed(self) -> None:
        row = self.editing_row()
        if self._loading or row < 0 or self.model is None:
            return
        segment = self.model.segments[row]
        text = self.editor.toPlainText()
        if text != segment.target:
            self.undo_stack.push(EditTarget(self, segment.id, segment.target, text))
            self._autosave.schedule()

    def set_status(self, row: int, status: int) -> None:
        segment = self.model.segments[row]
        if segment.status != status:
            self.undo_stack.push(SetStatus(self, segment.id, segment.status, status))
            self.save_now()
        if status == Status.DONE:
            self.learn(row)

    def toggle_done(self) -> None:
        row = self.editing_row()
        row = row if row >= 0 else self.view.currentIndex().row()
        if self.model is not None and row >= 0:
            self.set_status(row, Status.DRAFT if self.model.is_done(row) else Status.DONE)

    # --- applied by undo commands ---------------------------------------------------------------------------
    def apply_target(self, segment_id: int, target: str) -> None:
        row = self.model.row_of(segment_id)
        if row < 0:
            return
        self.model.set_target(row, target)
        if row == self.editing_row():
            if self.editor.toPlainText() != target:
                self._loading = True
                self.editor.setPlainText(target)
                self._loading = False
        else:  # undone, redone or replaced in a segment the translator is not in: nothing more is coming
            self.learn(row)
        self._autosave.schedule()

    def apply_status(self, segment_id: int, status: int) -> None:
        row = self.model.row_of(segment_id)
        if row >= 0:
            self.model.set_status(row, status)
            self._autosave.schedule()

    def restructure(self, label: str, change: Callable[[Callable[[bool], None]], None],
                    then: Callable[[bool], None] | None = None, grouping: tuple[str, str] | None = None) -> None:
        """Run a merge/split/regroup on the model as one undoable step: ``change(applied)`` starts it on the
        model, and ``then(changed)`` follows once its rows are in place (at once for a short text); a regrouping
        names its ``grouping`` before and after (``Restructure``)."""
        if self.model is None:
            return
        model = self.model
        offset = self._current_offset()
        self.close_editor()
        before = model.snapshot()

        def applied(changed: bool) -> None:
            if changed and self.model is model:
                self.undo_stack.push(Restructure(self, label, before, model.segments.copy(), grouping))
                self._return_to(offset)
            if then is not None:
                then(changed)

        change(applied)

    def record_import(self, label: str, before: list[Segment]) -> None:
        """An import written to the library (translations filled, clauses grouped into sentences) shown, and made
        one undoable step: undo puts ``before`` back exactly, as for a regrouping."""
        if self.model is None:
            return
        offset = self._current_offset()
        self.close_editor()
        self.model.reload()
        self.undo_stack.push(Restructure(self, label, before, self.model.segments.copy()))
        self._return_to(offset)

    def restore(self, segments: list[Segment]) -> None:
        model = self.model
        offset = self._current_offset()
        self.close_editor()
        model.restore(segments, lambda _changed: self._return_to(offset) if self.model is model else None)

    def _current_offset(self) -> int:
        """Where the reader is, as an offset into the text: rows renumber when segments merge or split."""
        row = self.view.currentIndex().row()
        return self.model.segments.starts[row] if self.model is not None and 0 <= row < self.model.rowCount() else 0

    def _return_to(self, offset: int) -> None:
        row = self.model.row_at_offset(offset)
        self.view.go_to(row)
        self.currentChanged.emit(row)  # the status bar's position follows at once

    def _run_restructuring(self, work, rows: int, deliver: Callable[[object], None]) -> None:
        """Short texts restructure at once; a long one as a job while the window keeps painting. Input is held
        off until the job's result is in place (nothing may be typed into segments being rewritten, nor another
        restructuring started); the status bar says what is going on, under a busy pointer. (A modal progress
        dialog did: its first showing alone held the GUI thread 250-500 ms, longer than the wait it announced.)"""
        if rows < BACKGROUND_ROWS:
            SegmentModel.run_here(work, rows, deliver)
            return
        model = self.model
        window = self.view.window()
        bar = window.statusBar() if isinstance(window, QMainWindow) else None
        if bar is not None:
            bar.showMessage(self.tr("Rearranging {0:,} segments…").format(rows))
        QApplication.setOverrideCursor(Qt.CursorShape.BusyCursor)
        hold = InputHold()

        def finish(result) -> None:
            hold.release()
            QApplication.restoreOverrideCursor()
            if bar is not None:
                bar.clearMessage()
            if self.model is model:  # not a document closed meanwhile
                deliver(result)

        def failed(message: str) -> None:
            self.saveFailed.emit(self.tr("The segments could not be rearranged: {0}").format(message))
            finish(None)

        run_job(work, finish, failed, name="restructure", writes=True)

    # --- saving ---------------------------------------------------------------------------------------------
    def save_now(self) -> None:
        self._autosave.cancel()
        if self.model is None or not self.model.has_unsaved():
            return
        try:
            written = self.model.flush()
        except Exception as error:  # noqa: BLE001 - sqlite3 errors and OS errors alike must reach the user
            self.saveFailed.emit(self.tr("Your translation could not be saved: {0}").format(error))
            return
        self.saved.emit(written)

    def learn(self, row: int) -> None:
        """The memory takes this segment's translation as it stands, in place of what it held for the segment:
        called when the translator leaves the segment or marks it done, never per autosave, so a draft typed on
        the way ("On the ", "On the basis of ") is never offered as a match."""
        if self.model is not None and 0 <= row < self.model.rowCount():
            segment = self.model.segments[row]
            self.memory.learn(segment.id, self.model.source_text(row), segment.target)

    # --- help -----------------------------------------------------------------------------------------------
    def matches(self, row: int):
        source = self.model.source_text(row)
        own = self.model.segments[row].target
        return [m for m in self.memory.matches(source) if not (m.source == source and m.target == own)]

    def show_help(self, row: int) -> None:
        if self.model is None or row < 0:
            self.help_label.setText("")
            return
        parts = []
        source = self.model.source_text(row)
        words = [token.text for token in self.model.tokens(row) if token.kind == "word"]
        glossary = self.glossary(row)
        if glossary:
            parts.append("<div style='color:gray'>" + self.tr("Chosen translations:") + "</div>")
            parts += [f"<div><span style='color:gray'>Alt+{number}</span> <b>{escape(word)}</b> — "
                      f"{escape(translation)}</div>" for number, (word, translation) in enumerate(glossary[:3], 1)]
        for number, match in enumerate(self.matches(row)[:3], start=1):
            marked = "".join(f"<span style='background:#ffcc80;color:black'>{escape(run)}</span>" if changed
                             else escape(run) for run, changed in differences(source, match.source))
            parts.append(f"<div><b>{match.similarity}%</b> <span style='color:gray'>Ctrl+{number}</span> "
                         f"{marked}<br>&nbsp;&nbsp;→ {escape(match.target)}</div>")
        hints = glossary_hints(words, self.memory)
        if hints:
            parts.append("<div style='color:gray'>" + self.tr("Terms translated before:") + "</div>")
            by_target: dict[str, list[str]] = {}
            for word, target in hints:
                by_target.setdefault(target, []).append(word)
            parts += [f"<div><b>{escape('、'.join(words))}</b> — {escape(target)}</div>"
                      for target, words in by_target.items()]
        empty = self.tr("No earlier translation resembles this segment.")
        self.help_label.setText("".join(parts) or f"<span style='color:gray'>{empty}</span>")

    def glossary(self, row: int) -> list[tuple[str, str]]:
        """The chosen translations of the words of a segment (the deck's glossary), first in the help."""
        words = [token.text for token in self.model.tokens(row) if token.kind == "word"]
        return glossary_terms(words, self.chosen)

    def insert_term(self, number: int) -> None:
        """Alt+N: the Nth chosen translation of this segment's words, at the cursor."""
        row = self.editing_row()
        if row < 0:
            return
        found = self.glossary(row)
        if number <= len(found):
            self.editor.insertPlainText(found[number - 1][1])

    def insert_match(self, number: int) -> None:
        row = self.editing_row()
        if row < 0:
            return
        found = self.matches(row)
        if number <= len(found):
            self.editor.setPlainText(found[number - 1].target)
            cursor = self.editor.textCursor()
            cursor.movePosition(cursor.MoveOperation.End)
            self.editor.setTextCursor(cursor)
