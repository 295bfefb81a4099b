"""Where studyapp keeps its cache and settings: platformdirs, overridable by environment for tests and CI."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "studyapp"


def cache_dir() -> Path:
    path = Path(os.environ.get("STUDYAPP_CACHE_DIR") or platformdirs.user_cache_dir(APP_NAME))
    path.mkdir(parents=True, exist_ok=True)
    return path


def config_dir() -> Path:
    path = Path(os.environ.get("STUDYAPP_CONFIG_DIR") or platformdirs.user_config_dir(APP_NAME))
    path.mkdir(parents=True, exist_ok=True)
    return path


def default_text() -> Path:
    return Path(__file__).resolve().parent / "resources" / "china-russia-joint-statement-2020-09-11.txt"
