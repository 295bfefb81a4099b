"""One log file in the user state directory, for what the user is not shown: swallowed errors, failed jobs,
messages the window showed. Kept small (rotated at 1 MB, three files)."""

from __future__ import annotations

import logging
import logging.handlers
import os
from pathlib import Path

import platformdirs

from .paths import APP_NAME


def log_dir() -> Path:
    return Path(os.environ.get("STUDYAPP_STATE_DIR") or platformdirs.user_state_dir(APP_NAME))


def log_path() -> Path:
    return log_dir() / "studyapp.log"


def setup() -> Path | None:
    """Send the ``studyapp`` loggers to the log file; a folder that cannot be written leaves logging off."""
    root = logging.getLogger("studyapp")
    for handler in list(root.handlers):
        if isinstance(handler, logging.handlers.RotatingFileHandler):
            if handler.baseFilename == str(log_path().resolve()):
                return log_path()
            root.removeHandler(handler)  # the state folder changed (tests do this)
            handler.close()
    try:
        log_dir().mkdir(parents=True, exist_ok=True)
        handler = _QuietFileHandler(log_path(), maxBytes=1_000_000, backupCount=3, encoding="utf-8")
    except OSError:
        return None
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    return log_path()


class _QuietFileHandler(logging.handlers.RotatingFileHandler):
    """The log file, which says nothing on the terminal when it cannot be written (a full disk): logging's own
    "--- Logging error ---" and its traceback would bury the one line the user is told."""

    def handleError(self, record: logging.LogRecord) -> None:  # noqa: N802 - logging's name
        pass
