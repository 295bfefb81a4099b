"""The table of contents of a book (an EPUB's chapters): a panel that lists them and jumps to each."""

from __future__ import annotations

from .qt import QDockWidget, QListWidget, QListWidgetItem, QMainWindow, QObject, Qt
from .reader import ReaderView

OFFSET_ROLE = Qt.ItemDataRole.UserRole


class ContentsPanel(QObject):
    def __init__(self, window: QMainWindow, view: ReaderView) -> None:
        super().__init__(window)
        self.view = view
        self.list = QListWidget(window)
        self.list.itemActivated.connect(self._go)
        self.list.itemClicked.connect(self._go)
        self.dock = QDockWidget(self.tr("Contents"), window)
        self.dock.setObjectName("contentsDock")
        self.dock.setWidget(self.list)
        window.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.dock)
        self.dock.hide()

    def show_sections(self, sections: tuple[tuple[str, int], ...]) -> None:
        """List a document's sections; shown for a book that has them, hidden for a text that has none."""
        self.list.clear()
        for title, offset in sections:
            item = QListWidgetItem(title)
            item.setData(OFFSET_ROLE, offset)
            self.list.addItem(item)
        self.dock.setVisible(len(sections) > 1)
        self.dock.toggleViewAction().setEnabled(bool(sections))

    def _go(self, item: QListWidgetItem) -> None:
        model = self.view.model()
        if model is not None:
            self.view.go_to(model.row_at_offset(int(item.data(OFFSET_ROLE))))
            self.view.setFocus()
