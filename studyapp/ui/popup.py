"""The hover popup: a frameless tool window beside the word, never taking focus from the reader. The pointer may
go from the word onto it (to click its Speak link); it closes when the pointer leaves it."""

from __future__ import annotations

from .qt import QCursor, QFrame, QGuiApplication, QLabel, QPoint, QRect, Qt, QTextDocumentFragment, QVBoxLayout, Signal

GAP = 6  # between the word and the popup


class WordPopup(QFrame):
    linkClicked = Signal(str)  # a link of the popup (speak:)

    def __init__(self, parent=None) -> None:
        super().__init__(parent, Qt.WindowType.ToolTip | Qt.WindowType.FramelessWindowHint)
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
        self.setFrameShape(QFrame.Shape.Box)
        self.setObjectName("wordPopup")
        self.label = QLabel(self)
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.setWordWrap(True)
        self.label.setMaximumWidth(460)
        self.label.setMinimumWidth(240)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse)
        self.label.linkActivated.connect(self.linkClicked)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.addWidget(self.label)
        self.word = ""

    def show_word(self, word: str, html: str, anchor: QRect) -> None:
        """Show below the word (above it when there is no room below), inside the screen."""
        self.word = word
        self.label.setText(html)
        self.adjustSize()
        screen = QGuiApplication.screenAt(anchor.center()) or QGuiApplication.primaryScreen()
        area = screen.availableGeometry() if screen else QRect(0, 0, 4000, 4000)
        position = QPoint(anchor.left(), anchor.bottom() + GAP)
        if position.y() + self.height() > area.bottom():
            position.setY(anchor.top() - self.height() - GAP)
        position.setX(max(area.left(), min(position.x(), area.right() - self.width())))
        self.move(position)
        self.show()

    def holds_pointer(self) -> bool:
        """Whether the pointer is on the popup, or in the gap it crosses from the word to reach it."""
        return self.isVisible() and self.geometry().adjusted(0, -2 * GAP, 0, 2 * GAP).contains(QCursor.pos())

    def leaveEvent(self, event) -> None:
        super().leaveEvent(event)
        self.hide()

    def text(self) -> str:
        return self.label.text()

    def plain_text(self) -> str:
        return QTextDocumentFragment.fromHtml(self.label.text()).toPlainText()
