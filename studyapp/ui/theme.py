"""Light and dark palettes (Fusion style, so they look the same on every platform)."""

from __future__ import annotations

from .qt import QApplication, QColor, QPalette, QStyleFactory

_DARK = {
    QPalette.ColorRole.Window: "#202124", QPalette.ColorRole.WindowText: "#e8eaed",
    QPalette.ColorRole.Base: "#17181a", QPalette.ColorRole.AlternateBase: "#26272a",
    QPalette.ColorRole.Text: "#e8eaed", QPalette.ColorRole.Button: "#2b2c2f",
    QPalette.ColorRole.ButtonText: "#e8eaed", QPalette.ColorRole.Highlight: "#4f8ef7",
    QPalette.ColorRole.HighlightedText: "#ffffff", QPalette.ColorRole.ToolTipBase: "#2b2c2f",
    QPalette.ColorRole.ToolTipText: "#e8eaed", QPalette.ColorRole.PlaceholderText: "#9aa0a6",
    QPalette.ColorRole.Mid: "#3c4043", QPalette.ColorRole.Link: "#8ab4f8",
}
_LIGHT = {
    QPalette.ColorRole.Window: "#f3f3f3", QPalette.ColorRole.WindowText: "#202124",
    QPalette.ColorRole.Base: "#fffdf8", QPalette.ColorRole.AlternateBase: "#f5f2ea",
    QPalette.ColorRole.Text: "#202124", QPalette.ColorRole.Button: "#ececec",
    QPalette.ColorRole.ButtonText: "#202124", QPalette.ColorRole.Highlight: "#1a73e8",
    QPalette.ColorRole.HighlightedText: "#ffffff", QPalette.ColorRole.ToolTipBase: "#fffef5",
    QPalette.ColorRole.ToolTipText: "#202124", QPalette.ColorRole.PlaceholderText: "#80868b",
    QPalette.ColorRole.Mid: "#dadce0", QPalette.ColorRole.Link: "#1a73e8",
}


def apply_theme(app: QApplication, theme: str) -> None:
    app.setStyle(QStyleFactory.create("Fusion"))
    palette = QPalette()
    for role, color in (_DARK if theme == "dark" else _LIGHT).items():
        palette.setColor(role, QColor(color))
    app.setPalette(palette)
    popup_background = palette.color(QPalette.ColorRole.ToolTipBase).name()
    popup_text = palette.color(QPalette.ColorRole.ToolTipText).name()
    app.setStyleSheet(
        f"#wordPopup {{ background: {popup_background}; color: {popup_text}; border: 1px solid #9e9e9e;"
        " border-radius: 6px; }"
        f"#wordPopup QLabel {{ color: {popup_text}; }}")
