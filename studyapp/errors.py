"""Errors a user can cause, each carrying a message written for that user."""


class StudyAppError(Exception):
    """Base for every error shown to the user as a one-line message instead of a traceback."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class TextLoadError(StudyAppError):
    """A file could not be opened as Chinese text (missing, empty, binary, too large, unknown encoding)."""


class PasswordNeeded(TextLoadError):
    """A file is protected by a password that was not given (``wrong`` False) or is not the right one: the window
    asks for it, the command line says to give it with ``--password``."""

    def __init__(self, message: str, wrong: bool = False) -> None:
        super().__init__(message)
        self.wrong = wrong


class DictionaryError(StudyAppError):
    """The dictionary data or its cache could not be read or built."""


class LibraryError(StudyAppError):
    """The user's library file cannot be used (damaged, read-only, newer, in use); it is left untouched."""


class JobCancelled(StudyAppError):
    """A background job stopped because the user cancelled it or moved on; nobody is shown this."""


class RecordingError(StudyAppError):
    """A recording cannot be played: missing, unreadable, too long, or a format this machine cannot decode (the
    line says what would decode it). The text it goes with stays usable."""
