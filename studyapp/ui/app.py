"""Start the window: Qt application, fonts, theme, the dictionary (built on first start), then the text."""

from __future__ import annotations

import datetime as dt
import gc
import os
import sys
import threading
from collections.abc import Callable
from pathlib import Path

from .. import heap, logs, timings
from .. import settings as settings_store
from ..errors import LibraryError, StudyAppError
from ..files import write_atomically
from ..library import Library, default_library_path
from ..library.connection import check_ahead
from ..reading.analysis import Analyzer
from ..reading.dictionary import Dictionary
from ..wording import displayable


def _warm_the_tagger() -> None:
    """rjieba loads its part-of-speech tagger's model at the first ``tag`` of a word outside its dictionary
    (60-170 ms), and the first page asks it about the names it meets (a novel's did, 43-116 ms of its first
    paint): load it in a thread now, while Qt, the fonts and the window are made. It does not hold the
    interpreter's lock meanwhile, so on two cores it costs the window nothing; a ``tag`` asked meanwhile
    waits for it."""
    if not _warming:
        import rjieba

        _warming.append(threading.Thread(target=rjieba.tag, args=("中俄愿",), name="tagger", daemon=True))
        _warming[0].start()


_warming: list[threading.Thread] = []


def _application(offscreen: bool):
    if offscreen:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    elif sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
                                                   or os.environ.get("QT_QPA_PLATFORM")):
        # Qt would abort with a hint about xcb-cursor0, which sends people after the wrong library
        raise StudyAppError("No display was found (neither DISPLAY nor WAYLAND_DISPLAY is set). Run studyapp on a "
                            "desktop; --screenshot and the sub-commands (analyze, lookup, deck, …) work without one.")
    from .qt import QApplication

    heap.limit_arenas()  # before Qt's and the jobs' threads exist
    heap.keep_no_source_lines()  # PySide6 reads the source of every module imported later: keep none of it
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("studyapp")
    app.setOrganizationName("studyapp")
    timings.mark("Qt up")
    return app


def prepare_dictionary(ready: Callable[[Dictionary], None], failed: Callable[[str], None]) -> None:
    """The first start parses the dictionary as a job, a busy dialog showing, and hands the dictionary to
    ``ready`` (the start goes on from there) while a thread writes its index; later starts open it at once."""
    if Dictionary.is_built():
        ready(Dictionary.open())
        return
    from .ops import run_job
    from .qt import QProgressDialog

    dialog = QProgressDialog("Preparing the dictionary (first start only)…", "", 0, 0)
    dialog.setCancelButton(None)
    dialog.setWindowTitle("studyapp")
    dialog.setMinimumDuration(0)
    dialog.show()

    def done(dictionary: Dictionary) -> None:
        dialog.close()
        ready(dictionary)

    def refused(message: str) -> None:
        dialog.close()
        failed(message)

    run_job(lambda _report, _cancelled: Dictionary.open(background=True), done, refused, name="dictionary")


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
    from .qt import QMessageBox

    box = QMessageBox(QMessageBox.Icon.Warning, "studyapp", message)
    fresh = box.addButton("Open a Fresh Library", QMessageBox.ButtonRole.AcceptRole)
    box.addButton("Quit", QMessageBox.ButtonRole.RejectRole)
    box.setInformativeText("Your existing library file stays exactly as it is.")
    box.exec()
    return box.clickedButton() is fresh


def build_window(path: str | Path | None, interactive: bool = True, library: str | Path | None = None,
                 dictionary: Dictionary | None = None):
    from .after_paint import AfterPaint
    from .fonts import ensure_cjk_font
    from .main_window import MainWindow
    from .theme import apply_theme

    _warm_the_tagger()
    app = _application(offscreen=False)
    logs.setup()
    settings = settings_store.load()
    apply_theme(app, settings.theme)
    family = ensure_cjk_font()
    # the context model (numpy, g2pM's weights) loads after the first paint: the first rows show the dictionary's
    # readings, and change where the model reads a polyphone otherwise
    analyzer = Analyzer(dictionary or Dictionary.open(), context=False)
    analyzer.dictionary.readings()
    # The dictionary's 120,000 headwords live as long as the app: move them out of the collector's way once,
    # so no later collection (one runs whenever a document closes) walks them again.
    gc.freeze()
    timings.mark("dictionary open")
    opened_library = open_library(library, interactive)
    analyzer.set_fixes(opened_library.segmentation_fixes(), opened_library.own_definitions())
    window = MainWindow(analyzer, settings, family, opened_library)
    window.session.after_paint = AfterPaint(window.view.viewport())  # what a first page does not need waits for it
    window.session.row_estimate = window.view.estimate_now  # an opening's job estimates the new rows as the view does
    window.session.load_context_later()
    _adopt_review_options_after_first_page(window)
    heap.forget_source_lines()  # what PySide6 read of every module imported since it loaded
    return app, window


def _adopt_review_options_after_first_page(window) -> None:
    """The review options an earlier version kept in settings.json are carried into the library once the first
    text has painted: the review module and FSRS (40 ms) are not needed for the first page."""

    def adopt() -> None:
        from ..study.review import adopt_options

        adopt_options(window.library, settings_store.saved())

    def first_page() -> None:
        window.session.opened.disconnect(first_page)
        window.session.after_paint(adopt)

    window.session.opened.connect(first_page)


def run(path: str | None, screenshot: str | None = None, library: str | None = None,
        password: str | None = None) -> int:
    """Start the window and run its event loop, the only one: every step that waits (the dictionary's first
    build, opening the text) goes on from a job's callback."""
    _warm_the_tagger()
    check_ahead(library)  # the library file's check reads it all: in a thread, while Qt starts
    try:
        app = _application(offscreen=bool(screenshot))
    except StudyAppError as error:
        print(f"studyapp: {error}", file=sys.stderr)
        return 2
    started: list = []  # the window, once built
    code = [0]
    looping = [False]

    def stop(exit_code: int) -> None:
        code[0] = exit_code
        if looping[0]:
            # exit, not quit: Qt answers quit by closing every window, and the last one closing posts a second
            # quit that would end the next event loop of this process at once
            app.exit(exit_code)

    def refused(message: str) -> None:
        print(f"studyapp: {displayable(message)}", file=sys.stderr)
        stop(2)

    def start(dictionary: Dictionary) -> None:
        try:
            _app, window = build_window(path, interactive=not screenshot, library=library, dictionary=dictionary)
        except StudyAppError as error:
            refused(str(error))
            return
        started.append(window)
        window.open_path(path, password, lambda opened: _opened(window, path, opened, screenshot, stop))
        window.show()
        if not screenshot:
            _close_on_terminate(window)
            _report_errors_in_the_window(window)

    if screenshot:
        start(Dictionary.open(background=True))
    else:
        prepare_dictionary(start, refused)
    if code[0] == 0:  # nothing failed before the loop could start
        looping[0] = True
        app.exec()
    if started:
        if screenshot:
            started[0].close()  # after the loop: closing the last window inside it would post a quit
        started[0].library.close()
    return code[0]


def _opened(window, path: str | None, opened: bool, screenshot: str | None, stop: Callable[[int], None]) -> None:
    """The first text is in place, or not: a screenshot is taken, or a file that would not open is said on
    stderr too (started from a file manager, nobody sees it; a dialog is up already) and the last document, or
    the sample text, shows instead."""
    if not opened and path:
        print(f"studyapp: {getattr(window, 'last_error', path)}", file=sys.stderr)
        if screenshot:
            stop(2)
            return
        recent = [p for p in window.settings.recent_files if p != str(Path(path).resolve())]
        if recent:
            window.open_path(recent[0], then=lambda again: None if again else window.open_path(None))
        else:
            window.open_path(None)
        return
    if screenshot:
        _screenshot_when_analysed(window, screenshot, stop)


def _report_errors_in_the_window(window) -> None:
    """An error nothing caught (a library write failing in some slot) is shown in one line in the window and
    logged with its traceback, never printed as a traceback the user may not see at all."""
    import logging

    from .qt import QMessageBox

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

    from .qt import QTimer

    signal.signal(signal.SIGTERM, lambda *_args: window.close())
    heartbeat = QTimer(window)  # Python runs signal handlers only between bytecodes: wake it now and then
    heartbeat.timeout.connect(lambda: None)
    heartbeat.start(200)


def _screenshot_when_analysed(window, out: str, stop: Callable[[int], None]) -> None:
    """Paint the window with the text on screen once its analysis is done (at most 1.5 s after it opened, at
    least 0.3 s so it has painted), save it, and stop with the exit code."""
    from .qt import QElapsedTimer, QTimer

    elapsed = QElapsedTimer()
    elapsed.start()
    taken: list[bool] = []

    def take() -> None:
        if not taken:
            taken.append(True)
            window.session.finish_storing()
            failure = window.session.store_error()
            if failure:  # the text painted, but could not be kept (a full disk)
                print(f"studyapp: {displayable(failure)}", file=sys.stderr)
                stop(2)
                return
            stop(_screenshot(window, out))

    QTimer.singleShot(1500, take)
    if window.analysis_running():
        window.session.analysisFinished.connect(
            lambda _clauses: QTimer.singleShot(max(0, 300 - elapsed.elapsed()), take))
    else:
        QTimer.singleShot(300, take)


def _screenshot(window, out: str) -> int:
    image = window.grab()
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
    from .qt import QBuffer, QByteArray, QIODevice

    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    kind = suffix.lstrip(".").upper() or "PNG"
    if image.isNull() or not image.save(buffer, kind):
        raise StudyAppError(f"The screenshot cannot be made as a {kind} picture; give a file name ending in .png.")
    return bytes(data.data())
