"""Find in the text or in the translations, and replace in translations: the find bar's logic."""

from __future__ import annotations

from ..wording import counted
from .find_bar import FindBar
from .qt import QObject
from .reader import ClauseDelegate, ReaderView
from .translation_pane import EditTarget, TranslationController


class FindController(QObject):
    """Searches the source through the one decoded text (C speed, then a bisection to the row), so a novel is
    searched without walking its rows in Python; translations are searched row by row."""

    def __init__(self, bar: FindBar, view: ReaderView, delegate: ClauseDelegate,
                 translator: TranslationController, parent=None) -> None:
        super().__init__(parent)
        self.bar, self.view, self.delegate, self.translator = bar, view, delegate, translator
        bar.searchChanged.connect(self.search)
        bar.findNext.connect(self.find_next)
        bar.replaceOne.connect(self.replace_current)
        bar.replaceAll.connect(self.replace_all)
        bar.closed.connect(self._on_closed)

    @property
    def model(self):
        return self.view.model()

    def search(self, term: str) -> None:
        in_translation = self.bar.in_translation()
        self.delegate.search_term = "" if in_translation else term
        self.delegate.target_search_term = term if in_translation else ""
        self.view.viewport().update()
        if not term or self.model is None:
            self.bar.count.setText("")
            return
        model = self.model
        total = sum(target.count(term) for target in model.segments.targets.values()) if in_translation \
            else model.document.count(term)
        found = counted(total, self.tr("{0} match"), self.tr("{0} matches"))
        self.bar.count.setText(found if total else self.tr("no match"))
        if total:
            self.find_next(0)

    def find_next(self, direction: int) -> None:
        """Go to the next segment holding the search term (direction 0: the current one counts)."""
        term = self.bar.field.text()
        model = self.model
        if not term or model is None or not model.rowCount():
            return
        current = max(0, self.view.currentIndex().row())
        row = self._next_in_translation(term, current, direction) if self.bar.in_translation() \
            else self._next_in_source(term, current, direction)
        if row >= 0:
            self.view.go_to(row, center=True)

    def _next_in_source(self, term: str, current: int, direction: int) -> int:
        model = self.model
        document = model.document  # its find reads across the line breaks of a hard-wrapped book
        segment = model.segments[current]
        if direction < 0:
            found = document.rfind(term, max(0, segment.start + len(term) - 1))
            found = found if found >= 0 else document.rfind(term)
        else:
            start = segment.start if direction == 0 else segment.end
            found = document.find(term, start)
            found = found if found >= 0 else document.find(term)
        return model.row_at_offset(found) if found >= 0 else -1

    def _next_in_translation(self, term: str, current: int, direction: int) -> int:
        """Only translated rows can hold the term: search those, not every row of a novel."""
        rows = self._rows_holding(term)
        if not rows:
            return -1
        if direction < 0:
            earlier = [row for row in rows if row < current]
            return earlier[-1] if earlier else rows[-1]
        later = [row for row in rows if row > current or (direction == 0 and row == current)]
        return later[0] if later else rows[0]

    def _rows_holding(self, term: str) -> list[int]:
        return sorted(row for row, target in self.model.segments.targets.items() if term in target)

    def replace_current(self) -> None:
        """Replace the term in the current segment's translation, then go to the next one holding it."""
        term, replacement = self.bar.field.text(), self.bar.replacement.text()
        row = self.view.currentIndex().row()
        if term and row >= 0 and term in self.model.target(row):
            self._replace_in(row, term, replacement)
            self.translator.save_now()
        self.find_next(1)

    def replace_all(self) -> None:
        term, replacement = self.bar.field.text(), self.bar.replacement.text()
        if not term or self.model is None:
            return
        rows = self._rows_holding(term)
        stack = self.translator.undo_stack
        stack.beginMacro(self.tr("Replace all"))
        for row in rows:
            self._replace_in(row, term, replacement)
        stack.endMacro()
        self.translator.save_now()
        self.bar.count.setText(counted(len(rows), self.tr("replaced {0}"), self.tr("replaced {0}")))

    def _replace_in(self, row: int, term: str, replacement: str) -> None:
        segment = self.model.segments[row]
        self.translator.undo_stack.push(EditTarget(self.translator, segment.id, segment.target,
                                                   segment.target.replace(term, replacement), mergeable=False))

    def _on_closed(self) -> None:
        self.delegate.search_term = self.delegate.target_search_term = ""
        self.view.viewport().update()
        self.view.setFocus()
