"""Segment > Check Consistency: translated segments whose translation lacks a word's chosen translation."""

from __future__ import annotations

from ..translation.memory import Miss, consistency_misses
from ..wording import counted
from .document_session import DocumentSession
from .qt import QDialog, QDialogButtonBox, QLabel, QListWidget, QListWidgetItem, QVBoxLayout
from .reader import ReaderView


class ConsistencyDialog(QDialog):
    """Lists the misses; choosing one shows its segment (the dialog stays open to go through them)."""

    def __init__(self, session: DocumentSession, view: ReaderView, chosen: dict[str, str], parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Consistency with chosen translations"))
        self.view = view
        model = session.model
        self.misses: list[Miss] = consistency_misses(
            (model.source_text(row) for row in range(model.rowCount())), (s.target for s in model.segments), chosen) \
            if model is not None else []
        self.list = QListWidget(self)
        for miss in self.misses:
            item = QListWidgetItem(self.tr("Segment {0}: {1} should read “{2}”").format(
                miss.row + 1, miss.word, miss.translation))
            self.list.addItem(item)
        summary = counted(len(self.misses), self.tr("{0} segment misses a chosen translation."),
                          self.tr("{0} segments miss a chosen translation.")) if self.misses \
            else self.tr("Every translated segment uses the chosen translations of its words.")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(summary, self))
        layout.addWidget(self.list, 1)
        layout.addWidget(buttons)
        self.list.currentRowChanged.connect(self.show_miss)
        self.resize(520, 360)

    def show_miss(self, index: int) -> None:
        if 0 <= index < len(self.misses):
            self.view.go_to(self.misses[index].row, center=True)
