"""The View menu's options (pinyin, tone colours, theme, zoom, the translation pane) and the window's place and
docks, all kept in the one typed settings schema."""

from __future__ import annotations

from .. import settings as settings_store
from ..settings import Settings
from .qt import QApplication, QByteArray, QMainWindow, QObject, QRect, Signal
from .theme import apply_theme

#: The docks' layout as this version arranges them; a layout saved under another number is not restored.
#: 1: the Dictionary docked beside the reader, tabbed with Vocabulary (0 let it float over the reader).
LAYOUT_VERSION = 1


class ViewOptions(QObject):
    changed = Signal(bool)  # relayout needed
    paneToggled = Signal(bool)
    message = Signal(str)

    def __init__(self, settings: Settings, parent=None) -> None:
        super().__init__(parent)
        self.settings = settings

    def _changed(self, relayout: bool) -> None:
        settings_store.save(self.settings)
        self.changed.emit(relayout)

    def set_ruby(self, on: bool) -> None:
        self.settings.ruby = on
        self._changed(relayout=True)

    def set_translation_pane(self, on: bool) -> None:
        self.settings.translation_pane = on
        self.paneToggled.emit(on)
        self._changed(relayout=True)

    def set_pinyin_unknown_only(self, on: bool) -> None:
        self.settings.pinyin_unknown_only = on  # with Pinyin Above Words off there is none to thin out
        self._changed(relayout=False)

    def set_status_tint(self, on: bool) -> None:
        self.settings.status_tint = on
        self._changed(relayout=False)

    def set_tone_colors(self, on: bool) -> None:
        self.settings.tone_colors = on
        self._changed(relayout=False)

    def set_spoken_tones(self, on: bool) -> None:
        self.settings.spoken_tones = on
        self._changed(relayout=False)

    def set_dark(self, on: bool) -> None:
        self.settings.theme = "dark" if on else "light"
        apply_theme(QApplication.instance(), self.settings.theme)
        self._changed(relayout=False)

    def zoom(self, steps: int) -> None:
        self.settings.zoom(steps)
        self.message.emit(self.tr("Font size {0} pt").format(self.settings.font_size))
        self._changed(relayout=True)

    # --- the window's place -------------------------------------------------------------------------------
    def restore_window(self, window: QMainWindow) -> None:
        """Where the window and its docks were last time; a first start fits the window to the screen."""
        geometry = QByteArray.fromBase64(self.settings.window_geometry.encode("ascii"))
        if geometry.isEmpty() or not window.restoreGeometry(geometry):
            screen = QApplication.primaryScreen()
            area = screen.availableGeometry() if screen else QRect(0, 0, 1280, 860)
            window.resize(min(1200, area.width() - 40), min(860, area.height() - 40))
        state = QByteArray.fromBase64(self.settings.window_state.encode("ascii"))
        if not state.isEmpty():
            window.restoreState(state, LAYOUT_VERSION)

    def remember_window(self, window: QMainWindow) -> None:
        self.settings.window_geometry = bytes(window.saveGeometry().toBase64()).decode("ascii")
        self.settings.window_state = bytes(window.saveState(LAYOUT_VERSION).toBase64()).decode("ascii")
        settings_store.save(self.settings)
