"""File > Library: every document the user opened, with translation progress; open, rename, delete."""

from __future__ import annotations

from ..library import Library
from ..wording import displayable
from .qt import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QInputDialog,
    QMessageBox,
    QPushButton,
    Qt,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)


def local_time(stored: str) -> str:
    """A stored UTC time as the user reads dates and times here: the locale's short form, or ISO 8601 where no
    locale is set (Qt's C locale writes "1 12 2026 01:52", which reads as neither)."""
    from datetime import datetime

    from .qt import QDateTime, QLocale

    try:
        moment = datetime.fromisoformat(stored).astimezone()
    except ValueError:
        return stored
    when = QDateTime.fromSecsSinceEpoch(int(moment.timestamp()))
    locale = QLocale()
    if locale.language() == QLocale.Language.C:
        return when.toString("yyyy-MM-dd HH:mm")
    return locale.toString(when, QLocale.FormatType.ShortFormat)


class LibraryDialog(QDialog):
    def __init__(self, library: Library, current: str | None, parent=None) -> None:
        super().__init__(parent)
        self.library = library
        self.current = current
        self.chosen: str | None = None
        self.setWindowTitle(self.tr("Library"))
        self.resize(760, 420)
        self.table = QTableWidget(0, 4, self)
        self.table.setHorizontalHeaderLabels([self.tr("Title"), self.tr("Translated"), self.tr("Segments"),
                                              self.tr("Last opened")])
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2, 3):  # figures and dates whole, on one line
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.setWordWrap(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        # F2 renames in place (a double click opens); only titles are editable
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.EditKeyPressed)
        self.table.itemChanged.connect(self._title_edited)
        self.table.doubleClicked.connect(self.open_selected)
        buttons = QDialogButtonBox(self)
        self.open_button = buttons.addButton(self.tr("Open"), QDialogButtonBox.ButtonRole.AcceptRole)
        rename = QPushButton(self.tr("Rename…"), self)
        rename.setToolTip(self.tr("Or press F2 on the title"))
        delete = QPushButton(self.tr("Delete…"), self)
        buttons.addButton(rename, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(delete, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.open_button.clicked.connect(self.open_selected)
        rename.clicked.connect(self.rename_selected)
        delete.clicked.connect(self.delete_selected)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.refresh()

    def refresh(self) -> None:
        self.table.blockSignals(True)  # filling the table is no edit of a title
        try:
            self._fill()
        finally:
            self.table.blockSignals(False)

    def _fill(self) -> None:
        documents = self.library.documents()
        self.table.setRowCount(len(documents))
        for row, info in enumerate(documents):
            title = QTableWidgetItem(info.title)
            title.setData(Qt.ItemDataRole.UserRole, info.id)
            title.setToolTip(displayable(info.source_path or ""))
            progress = QTableWidgetItem(f"{info.progress:.0%}")
            progress.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            segments = QTableWidgetItem(f"{info.translated} / {info.segments}")
            segments.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            opened = QTableWidgetItem(local_time(info.opened_at))
            for item in (progress, segments, opened):
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
            for column, item in enumerate((title, progress, segments, opened)):
                self.table.setItem(row, column, item)
        if documents:
            self.table.selectRow(0)

    def selected_id(self) -> str | None:
        items = self.table.selectedItems()
        return self.table.item(items[0].row(), 0).data(Qt.ItemDataRole.UserRole) if items else None

    def open_selected(self) -> None:
        self.chosen = self.selected_id()
        if self.chosen:
            self.accept()

    def rename_selected(self) -> None:
        identifier = self.selected_id()
        if not identifier:
            return
        info = self.library.document_info(identifier)
        title, ok = QInputDialog.getText(self, self.tr("Rename"), self.tr("Title:"), text=info.title)
        if ok and title.strip():
            self.library.rename(identifier, title)
            self.refresh()

    def _title_edited(self, item: QTableWidgetItem) -> None:
        """A title typed in place is kept in the library; an empty one gives the old title back."""
        identifier = item.data(Qt.ItemDataRole.UserRole)
        if item.column() != 0 or not identifier:
            return
        if item.text().strip():
            self.library.rename(identifier, item.text())
        self.refresh()

    def delete_selected(self) -> None:
        identifier = self.selected_id()
        if not identifier:
            return
        info = self.library.document_info(identifier)
        answer = QMessageBox.question(
            self, self.tr("Delete"),
            self.tr("Delete “{0}” and its {1} translated segments from the library? This cannot be undone.").format(
                info.title, info.translated))
        if answer == QMessageBox.StandardButton.Yes:
            self.library.delete(identifier)
            self.refresh()
