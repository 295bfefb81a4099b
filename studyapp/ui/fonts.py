"""Make sure hanzi are drawn: the system's CJK font if there is one, else the bundled Noto Sans CJK."""

from __future__ import annotations

from .qt import QFont, QFontDatabase

_PREFERRED = ("Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "Microsoft YaHei", "PingFang SC",
              "Hiragino Sans GB", "SimHei", "Noto Sans SC")


def ensure_cjk_font() -> str:
    """The family to draw hanzi with; loads Noto Sans CJK from its wheel when the system has none."""
    families = QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese)
    for name in _PREFERRED:
        if name in families:
            return name
    try:
        from noto_cjk_sans_otc import FONT_PATH

        font_id = QFontDatabase.addApplicationFont(str(FONT_PATH))
    except (ImportError, OSError):
        font_id = -1
    if font_id >= 0:
        loaded = QFontDatabase.applicationFontFamilies(font_id)
        for name in ("Noto Sans CJK SC", *loaded):
            if name in loaded:
                return name
    return families[0] if families else QFont().family()


def text_font(cjk_family: str, point_size: float) -> QFont:
    font = QFont()
    font.setFamilies([cjk_family, QFont().family()])
    font.setPointSizeF(point_size)
    return font
