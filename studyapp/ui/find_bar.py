"""Ctrl+F: find text in the document, clause by clause, with a match count."""

from __future__ import annotations

from .qt import QCheckBox, QHBoxLayout, QKeyEvent, QLabel, QLineEdit, Qt, QToolButton, QWidget, Signal


class FindBar(QWidget):
    searchChanged = Signal(str)
    findNext = Signal(int)  # +1 forwards, -1 backwards
    replaceOne = Signal()
    replaceAll = Signal()
    closed = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.field = QLineEdit(self)
        self.field.setPlaceholderText(self.tr("Find in text (Enter: next, Shift+Enter: previous)"))
        self.field.setClearButtonEnabled(True)
        self.count = QLabel(self)
        previous = QToolButton(self, text="▲", toolTip=self.tr("Previous match (Shift+Enter)"))
        following = QToolButton(self, text="▼", toolTip=self.tr("Next match (Enter)"))
        close = QToolButton(self, text="✕", toolTip=self.tr("Close (Escape)"))
        self.scope = QCheckBox(self.tr("in translation"), self)
        self.scope.setToolTip(self.tr("Search the translations instead of the Chinese text"))
        self.replacement = QLineEdit(self)
        self.replacement.setPlaceholderText(self.tr("Replace with"))
        self.replace_button = QToolButton(self, text=self.tr("Replace"))
        self.replace_all_button = QToolButton(self, text=self.tr("All"), toolTip=self.tr("Replace all"))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 2, 6, 2)
        layout.addWidget(QLabel(self.tr("Find:"), self))
        layout.addWidget(self.field, 2)
        layout.addWidget(self.scope)
        layout.addWidget(self.count)
        layout.addWidget(previous)
        layout.addWidget(following)
        layout.addWidget(self.replacement, 1)
        layout.addWidget(self.replace_button)
        layout.addWidget(self.replace_all_button)
        layout.addWidget(close)
        self.scope.toggled.connect(self._on_scope)
        self.replace_button.clicked.connect(self.replaceOne)
        self.replace_all_button.clicked.connect(self.replaceAll)
        self.replacement.returnPressed.connect(self.replaceOne)
        self._on_scope(False)
        self.field.textChanged.connect(self.searchChanged)
        self.field.returnPressed.connect(lambda: self.findNext.emit(1))
        previous.clicked.connect(lambda: self.findNext.emit(-1))
        following.clicked.connect(lambda: self.findNext.emit(1))
        close.clicked.connect(self.close_bar)
        self.field.installEventFilter(self)

    def in_translation(self) -> bool:
        return self.scope.isChecked()

    def _on_scope(self, on: bool) -> None:
        for widget in (self.replacement, self.replace_button, self.replace_all_button):
            widget.setVisible(on)
        self.searchChanged.emit(self.field.text())

    def open_bar(self, in_translation: bool = False) -> None:
        """Ctrl+F searches the text, Ctrl+H the translations (each sets the scope; the box can change it)."""
        self.scope.setChecked(in_translation)
        self.show()
        self.field.setFocus()
        self.field.selectAll()

    def open_replace(self) -> None:
        self.open_bar(in_translation=True)

    def close_bar(self) -> None:
        self.hide()
        self.closed.emit()

    def eventFilter(self, watched, event) -> bool:
        if watched is self.field and isinstance(event, QKeyEvent) and event.type() == QKeyEvent.Type.KeyPress:
            if event.key() == Qt.Key.Key_Escape:
                self.close_bar()
                return True
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and \
                    event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
                self.findNext.emit(-1)
                return True
        return super().eventFilter(watched, event)
