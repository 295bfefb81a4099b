"""Start the window: Qt application, fonts, theme, the dictionary (built on first start), then the text."""

from __future__ import annotations

import datetime as dt
import gc
import os
import sys
from pathlib import Path

from .. import logs, timings
from .. import settings as settings_store
from ..analysis import Analyzer
from ..dictionary import Dictionary
from ..errors import LibraryError, StudyAppError
from ..files import write_atomically
from ..library import Library, default_library_path
from ..wording import displayable


def _application(offscreen: bool):
    if offscreen:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    elif sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
                                                   or os.environ.get("QT_QPA_PLATFORM")):
        # Qt would abort with a hint about xcb-cursor0, which sends people after the wrong library
        raise StudyAppError("No display was found (neither DISPLAY nor WAYLAND_DISPLAY is set). Run studyapp on a "
                            "desktop; --screenshot and the sub-commands (analyze, lookup, deck, …) work without one.")
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("studyapp")
    app.setOrganizationName("studyapp")
    timings.mark("Qt up")
    return app


def open_dictionary(interactive: bool) -> Dictionary:
    """The dictionary, building its index first on the first start (with a progress dialog in the window)."""
    if Dictionary.is_built() or not interactive:
        return Dictionary.open()
    from PySide6.QtCore import QEventLoop
    from PySide6.QtWidgets import QProgressDialog

    from .workers import run_job

    dialog = QProgressDialog("Preparing the dictionary (first start only)…", "", 0, 100)
    dialog.setCancelButton(None)
    dialog.setWindowTitle("studyapp")
    dialog.setMinimumDuration(0)
    dialog.show()
    loop = QEventLoop()
    outcome: dict[str, object] = {}

    def finished(result):
        outcome["result"] = result
        loop.quit()

    def failed(message):
        outcome["error"] = message
        loop.quit()

    run_job(lambda report, _cancelled: Dictionary.open(report), finished, failed,
            lambda done, total: dialog.setValue(100 * done // max(1, total)))
    loop.exec()
    dialog.close()
    if "error" in outcome:
        raise StudyAppError(str(outcome["error"]))
    return outcome["result"]  # type: ignore[return-value]


def open_library(path: str | Path | None, interactive: bool) -> Library:
    """The user's library; when it cannot be used, say why and offer a fresh one beside it (never touching it)."""
    try:
        return Library.open(path, exclusive=True)
    except LibraryError as error:
        if not interactive or not offer_fresh_library(str(error)):
            raise
        original = Path(path) if path else default_library_path()
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        return Library.open(original.with_name(f"{original.stem}-fresh-{stamp}.sqlite"), exclusive=True)


def offer_fresh_library(message: str) -> bool:
    from PySide6.QtWidgets import QMessageBox

    box = QMessageBox(QMessageBox.Icon.Warning, "studyapp", message)
    fresh = box.addButton("Open a Fresh Library", QMessageBox.ButtonRole.AcceptRole)
    box.addButton("Quit", QMessageBox.ButtonRole.RejectRole)
    box.setInformativeText("Your existing library file stays exactly as it is.")
    box.exec()
    return box.clickedButton() is fresh


def build_window(path: str | Path | None, interactive: bool = True, library: str | Path | None = None):
    from .fonts import ensure_cjk_font
    from .main_window import MainWindow
    from .theme import apply_theme

    app = _application(offscreen=False)
    logs.setup()
    settings = settings_store.load()
    apply_theme(app, settings.theme)
    family = ensure_cjk_font()
    analyzer = Analyzer(open_dictionary(interactive))
    analyzer.dictionary.readings()
    # The dictionary's 120,000 headwords live as long as the app: move them out of the collector's way once,
    # so no later collection (one runs whenever a document closes) walks them again.
    gc.freeze()
    timings.mark("dictionary open")
    opened_library = open_library(library, interactive)
    from ..review import adopt_options

    adopt_options(opened_library, settings_store.saved())  # review options an earlier version kept there
    analyzer.set_fixes(opened_library.segmentation_fixes(), opened_library.own_definitions())
    window = MainWindow(analyzer, settings, family, opened_library)
    return app, window


def run(path: str | None, screenshot: str | None = None, library: str | None = None,
        password: str | None = None) -> int:
    try:
        app = _application(offscreen=bool(screenshot))
    except StudyAppError as error:
        print(f"studyapp: {error}", file=sys.stderr)
        return 2
    try:
        app, window = build_window(path, interactive=not screenshot, library=library)
    except StudyAppError as error:
        print(f"studyapp: {displayable(str(error))}", file=sys.stderr)
        return 2
    if not window.open_path(path, password) and path:
        # the window says why too (a dialog is up already): started from a file manager, stderr is never seen
        print(f"studyapp: {getattr(window, 'last_error', path)}", file=sys.stderr)
        if screenshot:
            return 2
        # …and shows the last document, or the sample text
        recent = [p for p in window.settings.recent_files if p != str(Path(path).resolve())]
        if not (recent and window.open_path(recent[0])):
            window.open_path(None)
    window.show()
    if screenshot:
        return _screenshot(app, window, screenshot)
    _close_on_terminate(window)
    _report_errors_in_the_window(window)
    code = app.exec()
    window.library.close()
    return code


def _report_errors_in_the_window(window) -> None:
    """An error nothing caught (a library write failing in some slot) is shown in one line in the window and
    logged with its traceback, never printed as a traceback the user may not see at all."""
    import logging

    from PySide6.QtWidgets import QMessageBox

    log = logging.getLogger("studyapp.ui")
    showing = []

    def hook(kind, error, trace) -> None:
        if issubclass(kind, KeyboardInterrupt):
            window.close()
            return
        log.error("unexpected error", exc_info=(kind, error, trace))
        if showing:
            return
        if isinstance(error, StudyAppError):
            message = str(error)
        else:
            message = (f"Something went wrong ({kind.__name__}: {error}). What you typed before it is saved; "
                       f"the details are in {logs.log_path()}.")
        showing.append(message)
        try:
            QMessageBox.warning(window, "studyapp", message)
        finally:
            showing.clear()

    sys.excepthook = hook


def _close_on_terminate(window) -> None:
    """SIGTERM (logout, `kill`) closes the window as the user would, so the last keystrokes are saved."""
    import signal

    from PySide6.QtCore import QTimer

    signal.signal(signal.SIGTERM, lambda *_args: window.close())
    heartbeat = QTimer(window)  # Python runs signal handlers only between bytecodes: wake it now and then
    heartbeat.timeout.connect(lambda: None)
    heartbeat.start(200)


def _screenshot(app, window, out: str) -> int:
    """Paint the window with the text on screen, save it, and quit (no event loop left running)."""
    from PySide6.QtCore import QCoreApplication, QElapsedTimer

    timer = QElapsedTimer()
    timer.start()
    while timer.elapsed() < 1500:
        QCoreApplication.processEvents()
        if timer.elapsed() > 300 and not window.analysis_running():
            break
    image = window.grab()
    window.close()
    window.library.close()
    try:
        write_atomically(out, _encoded(image, Path(out).suffix))
    except StudyAppError as error:  # a full disk, a folder that cannot be written: it says which and why
        print(f"studyapp: {error}", file=sys.stderr)
        return 2
    print(out)
    return 0


def _encoded(image, suffix: str) -> bytes:
    """The picture in the format its file name asks for (PNG without one), encoded in memory, so a file that
    cannot be written is told with the system's reason and leaves no empty picture behind."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice

    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    kind = suffix.lstrip(".").upper() or "PNG"
    if image.isNull() or not image.save(buffer, kind):
        raise StudyAppError(f"The screenshot cannot be made as a {kind} picture; give a file name ending in .png.")
    return bytes(data.data())
