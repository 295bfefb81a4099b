"""The learner's options, one typed schema with defaults, saved as JSON in the user config directory."""

from __future__ import annotations

import json
import logging
import os
import re
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from . import paths

MAX_RECENT = 10
MIN_FONT, MAX_FONT = 10, 48


@dataclass
class Settings:
    ruby: bool = True  # pinyin above words
    pinyin_unknown_only: bool = False  # ...only above words not yet known (or ignored)
    status_tint: bool = True  # words tinted by what the learner knows of them
    tone_colors: bool = True  # hanzi and pinyin coloured by tone, as Pleco does
    spoken_tones: bool = False  # pinyin with the tones as said (一个 yí gè, 你好 ní hǎo), not as written
    font_size: int = 20  # hanzi size in points
    theme: str = "light"  # "light" | "dark"
    translation_pane: bool = True  # an editable translation cell beside every segment
    recent_files: list[str] = field(default_factory=list)
    window_geometry: str = ""  # Qt's saveGeometry(), base64: where the window was last time
    window_state: str = ""  # Qt's saveState(), base64: which docks were open, and where
    exchange_folder: str = ""  # where a translation was last exported to or imported from
    dictionary_word: list[str] = field(default_factory=list)  # the Dictionary panel's word, then its syllables
    speech_rate: float = 1.0  # 0.5-1.5 times the voice's normal speed
    speech_voice: str = ""  # a ``speech.Voice`` id; "" (or one no longer here): the first Mandarin voice found
    speak_on_reveal: bool = False  # review says the card's word when its answer shows, as Anki's {{tts}}
    play_clip_on_reveal: bool = True  # review plays the recorded span of a card's clause when its answer shows

    def remember(self, path: str) -> None:
        path = str(Path(path).resolve())
        self.recent_files = [path] + [p for p in self.recent_files if p != path][:MAX_RECENT - 1]

    def zoom(self, steps: int) -> None:
        self.font_size = max(MIN_FONT, min(MAX_FONT, self.font_size + 2 * steps))


def settings_path() -> Path:
    return paths.config_dir() / "settings.json"


def saved() -> dict:
    """The file as saved, every entry (an older version's too: ``review.adopt_options`` carries the review
    options it kept here into the library); {} when it is missing or damaged."""
    try:
        entries = json.loads(settings_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return entries if isinstance(entries, dict) else {}


def load() -> Settings:
    """Saved settings; a missing, damaged or older file gives defaults for what it lacks."""
    saved_entries = saved()
    settings = Settings()
    for option in fields(Settings):
        value = saved_entries.get(option.name)
        default = getattr(settings, option.name)
        if value is not None and type(value) is type(default):
            setattr(settings, option.name, value)
    settings.theme = settings.theme if settings.theme in ("light", "dark") else "light"
    settings.zoom(0)
    return settings


def _json_text(value: object) -> str:
    """JSON in readable UTF-8, but for a recent file's name whose bytes are not UTF-8: Python holds those as lone
    surrogates, which UTF-8 cannot carry, so they are written as JSON escapes (read back as the same name)."""
    return re.sub("[\ud800-\udfff]", lambda found: f"\\u{ord(found.group()):04x}",
                  json.dumps(value, ensure_ascii=False, indent=2))


def save(settings: Settings) -> None:
    """Written to a temporary file and moved into place, so a crash never leaves half a file."""
    target = settings_path()
    temporary = target.with_suffix(".tmp")
    try:
        temporary.write_text(_json_text(asdict(settings)), encoding="utf-8")
        os.replace(temporary, target)
    except OSError:
        # settings are a convenience; failing to save them must not stop the app
        logging.getLogger(__name__).warning("settings could not be saved to %s", target, exc_info=True)
