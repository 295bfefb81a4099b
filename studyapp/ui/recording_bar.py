"""The recording's player bar, under the reader: play/pause, repeat, loop, slow, bookmark, stop, and the time."""

from __future__ import annotations

from collections.abc import Sequence

from .qt import QAction, QLabel, QMainWindow, Qt, QToolBar


def clock(seconds: float) -> str:
    """As a player writes it: 0:05, 12:34, 1:02:03."""
    whole = max(0, int(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, second = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{second:02d}" if hours else f"{minutes}:{second:02d}"


class RecordingBar(QToolBar):
    """Shows the actions it is given (the Listen menu's own), the recording's name and where it is; hidden while
    the document has no recording."""

    def __init__(self, window: QMainWindow, actions: Sequence[QAction | None]) -> None:
        super().__init__(window.tr("Recording"), window)
        self.setObjectName("recordingBar")  # the window's saved state names it
        self.setMovable(False)
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for action in actions:
            if action is None:
                self.addSeparator()
            else:
                self.addAction(action)
        self.addSeparator()
        self.time_label = QLabel(self)
        self.time_label.setContentsMargins(8, 0, 8, 0)
        self.addWidget(self.time_label)
        self.name = ""
        window.addToolBar(Qt.ToolBarArea.BottomToolBarArea, self)
        self.hide()

    def show_recording(self, name: str, duration: float) -> None:
        self.name, self.duration = name, duration
        self.show_time(0.0)
        self.show()

    def show_time(self, seconds: float) -> None:
        self.time_label.setText(f"{self.name}   {clock(seconds)} / {clock(self.duration)}")
