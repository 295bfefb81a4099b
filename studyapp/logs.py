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
    """Send the ``studyapp`` loggers, and the libraries' warnings (pypdf's "EOF marker not found" on a truncated
    PDF), to the log file: the user's terminal gets only our one line. A folder that cannot be written leaves
    logging off, and the libraries silent all the same."""
    root = logging.getLogger()
    logging.getLogger("studyapp").setLevel(logging.INFO)
    logging.captureWarnings(True)  # warnings.warn of the libraries: into the log too
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
        if not any(isinstance(handler, logging.NullHandler) for handler in root.handlers):
            root.addHandler(logging.NullHandler())  # else Python's last resort prints every warning on stderr
        return None
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    return log_path()


class _QuietFileHandler(logging.handlers.RotatingFileHandler):
    """The log file, which says nothing on the terminal when it cannot be written (a full disk): logging's own
    "--- Logging error ---" and its traceback would bury the one line the user is told."""

    def handleError(self, record: logging.LogRecord) -> None:  # noqa: N802 - logging's name
        pass
