"""The first page paints before what it does not need: the context model loads after it, the rows on screen are
read by a first pass (the dictionary's readings), and their readings in context arrive from a job."""

import contextlib
import os
import sqlite3
import subprocess
import sys
import threading

from studyapp import logs
from studyapp.reading import context_readings
from studyapp.reading.analysis import Analyzer
from studyapp.reading.dictionary import Dictionary
from studyapp.timings import PREFIX
from studyapp.ui.app import build_window
from studyapp.ui.document_session import ClauseCache
from studyapp.ui.qt import QEvent, QObject

from .conftest import opened, wait_for

#: Runs the app as ``studyapp --timings --screenshot`` does, and says at its first paint what was loaded by then.
AT_FIRST_PAINT = """
import sys
from studyapp import timings
mark = timings.mark
def marked(name):
    if name == "first paint" and not hasattr(timings, "painted"):
        timings.painted = True
        loaded = [module for module in ("numpy", "studyapp.reading.context_readings", "PySide6.QtTest")
                  if module in sys.modules]
        sys.stderr.write(f"loaded at the first paint: {loaded}\\n")
    mark(name)
timings.mark = marked
from studyapp.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_the_first_page_paints_before_the_context_model_loads(tmp_path):
    Dictionary.open()  # built already, as on any start but the first
    started = subprocess.run([sys.executable, "-c", AT_FIRST_PAINT, "--timings", "--screenshot",
                              str(tmp_path / "shot.png")], capture_output=True, text=True, timeout=180,
                             env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert started.returncode == 0, started.stderr
    marks = [line.split(" ms ", 1)[1] for line in started.stderr.splitlines() if line.startswith(PREFIX)]
    assert "loaded at the first paint: []" in started.stderr  # neither numpy nor the model, nor Qt's test library
    # the model loads after the paint (under load the screenshot, taken at most 1.5 s after opening, may come first)
    assert "context model loaded" not in marks[:marks.index("first paint")]


#: The same, saying at the first paint which patterns of those its first page never asks were compiled by then.
PATTERNS_AT_FIRST_PAINT = """
import re, sys
from studyapp import timings
mark = timings.mark
def marked(name):
    if name == "first paint" and not hasattr(timings, "painted"):
        timings.painted = True
        from studyapp.text import characters, clauses
        from studyapp.ui import entry_html
        patterns = {"long clauses": clauses._LAST_WORD_END, "emoji": clauses._REGIONAL,
                    "sentence ends": characters._SENTENCE_END, "dictionary references": entry_html._REFERENCE}
        compiled = [name for name, pattern in patterns.items()
                    if isinstance(pattern, re.Pattern) or set(vars(pattern)) - {"_source", "_flags"}]
        sys.stderr.write(f"compiled at the first paint: {compiled}\\n")
    mark(name)
timings.mark = marked
from studyapp.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_the_first_page_paints_before_patterns_it_never_asks_are_compiled(tmp_path):
    """A class of hanzi or of emoji takes Python's regex compiler 5-20 ms: those of over-long clauses, sentence
    ends and dictionary cross-references wait for their first use."""
    Dictionary.open()
    started = subprocess.run([sys.executable, "-c", PATTERNS_AT_FIRST_PAINT, "--timings", "--screenshot",
                              str(tmp_path / "shot.png")], capture_output=True, text=True, timeout=180,
                             env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert started.returncode == 0, started.stderr
    assert "compiled at the first paint: []" in started.stderr


def test_a_lazy_pattern_answers_as_the_compiled_one():
    import re

    from studyapp.text.characters import LazyPattern, ends_sentence

    lazy = LazyPattern(r"(\w+)@", re.ASCII)
    assert lazy.search("mail me@example").group(1) == "me" and lazy.pattern == r"(\w+)@"
    assert lazy.flags & re.ASCII and lazy.sub("!", "a@b@c") == "!!c"
    assert ends_sentence("走吧。”") and not ends_sentence("走吧，")


def test_a_missing_context_model_leaves_the_dictionary_readings_and_says_so_in_the_log(qtbot, monkeypatch):
    def missing():
        raise FileNotFoundError("np_ckpt.pkl")

    monkeypatch.setattr(context_readings, "context_model", missing)
    _app, window = build_window(None)
    qtbot.addWidget(window)
    errors = []
    window.session.failed.connect(errors.append)
    assert opened(window, None)
    qtbot.waitUntil(lambda: not window.analysis_running(), timeout=20000)
    assert window.analyzer.context is None and not errors
    first_pass = Analyzer(window.analyzer.dictionary, window.analyzer.parser, context=False)
    assert window.session.model.tokens(0) == first_pass.analyze(window.session.model.source_text(0))
    assert window.session.words is not None  # the analysis ran all the same
    assert "readings in context are off" in logs.log_path().read_text(encoding="utf-8")
    window.library.close()


def _context_changes(analyzer: Analyzer, document) -> int:
    """The first clause whose readings the context model changes."""
    first_pass = Analyzer(analyzer.dictionary, analyzer.parser, context=False)
    for index in range(len(document.clauses)):
        text = document.clause_text(index)
        if first_pass.analyze(text) != analyzer.analyze(text):
            return index
    raise AssertionError("the context model changes no reading of the default text")


def test_a_row_first_shows_the_dictionary_reading_then_the_reading_in_context(qtbot):
    _app, window = build_window(None)
    qtbot.addWidget(window)
    session, seen = window.session, {}

    def at_once(_opened: bool) -> None:  # right after the document is in place, before any job answers
        seen["context"] = window.analyzer.context
        seen["tokens"] = [session.model.tokens(row) for row in range(session.model.rowCount())]

    window.open_path(None, then=at_once)
    window.show()
    wait_for(lambda: "tokens" in seen and not window.analysis_running())
    assert seen["context"] is None and window.analyzer.context is not None
    index = _context_changes(window.analyzer, session.document)
    row = session.model.row_at_offset(session.document.clauses[index].start)
    in_context = session.model.tokens(row)
    assert seen["tokens"][row] != in_context  # the first pass read a polyphone otherwise
    assert in_context == window.analyzer.analyze(session.model.source_text(row))
    shown = window.delegate.layout_for(session.model.index(row, 0), window.view.viewport().width())
    assert tuple(placed.token for placed in shown.tokens) == in_context  # the row was laid out again
    window.library.close()


def test_opening_never_runs_the_context_model_on_the_window_thread(window, qtbot):
    """Opening a text when the model is loaded: the rows on screen come from the first pass, a job reads them in
    context (the window thread never waits for the model: 0.5 s on the novel's first page)."""
    read = window.analyzer.context.read
    threads = []

    def spied(*args, **kwargs):
        threads.append(threading.current_thread() is threading.main_thread())
        return read(*args, **kwargs)

    window.analyzer.context.read = spied
    try:
        assert opened(window, None)
        qtbot.waitUntil(lambda: not window.analysis_running(), timeout=20000)
    finally:
        window.analyzer.context.read = read
    assert threads and not any(threads)


def test_a_clause_pinned_while_read_in_context_keeps_its_pin(window):
    session = window.session
    cache = ClauseCache(session.document, window.analyzer,
                        first_pass=Analyzer(window.analyzer.dictionary, window.analyzer.parser, context=False))
    tokens = cache(0)
    word = next(token for token in tokens if token.kind == "word")
    assert cache.take_pending(10) == [0]
    cache.pin(session.document.clauses[0].start + word.start, word.text, ("zzz",) * len(word.text))
    assert cache.fill({0: window.analyzer.analyze(session.document.clause_text(0))}) == []  # dropped: stale
    assert next(token for token in cache(0) if token.start == word.start).pinyin == ("zzz",) * len(word.text)



class _PaintWatch(QObject):
    """Whether the library file held the open document at each paint of the reader (read as another program
    would: the library's own reads wait for a text being stored)."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window, self.held = window, []
        window.view.viewport().installEventFilter(self)

    def eventFilter(self, _watched, event) -> bool:
        session = self.window.session
        if event.type() == QEvent.Type.Paint and session.document_id is not None:
            with contextlib.closing(sqlite3.connect(self.window.library.path)) as other:
                self.held.append(other.execute("SELECT 1 FROM documents WHERE id = ?",
                                               (session.document_id,)).fetchone() is not None)
        return False


def test_a_new_text_paints_before_it_is_stored_then_is_stored_whole_with_the_ids_it_shows(qtbot):
    _app, window = build_window(None)
    qtbot.addWidget(window)
    watch = _PaintWatch(window)
    window.show()
    assert opened(window, None)
    session = window.session
    qtbot.waitUntil(lambda: not window.analysis_running(), timeout=20000)
    assert watch.held and watch.held[0] is False  # the first page painted before the library held the text
    assert session.stored()
    stored = window.library.segments(session.document_id)
    assert list(stored) == list(session.model.segments)  # the ids the window shows are the library's
    assert window.library.document_info(session.document_id) == session.info()
    window.library.close()


#: Opens a text in a window and dies (as a kill does) while storing it: its segments written, not yet committed
#: (they go in as one statement, so no kill falls between two of them).
KILLED_WHILE_STORING = """
import os, sys
from studyapp.library import documents
from studyapp.ui.app import build_window
from studyapp.ui.qt import QApplication

def dying(db, *arguments):
    inserting(db, *arguments)
    assert db.execute("SELECT COUNT(*) FROM segments").fetchone()[0] == 900  # seen inside the transaction
    os._exit(9)

inserting, documents.insert_clauses = documents.insert_clauses, dying
app, window = build_window(None, interactive=False)
window.show()
window.open_path(sys.argv[1])
while True:
    app.processEvents()
    app.thread().msleep(5)
"""


def test_a_kill_while_a_new_text_is_stored_leaves_the_library_without_it_and_it_opens_again(qtbot, tmp_path):
    text_path = tmp_path / "story.txt"
    text_path.write_text("\n\n".join(f"第{n}段说的是，今天天气很好。我们出去走走吧！" for n in range(300)),
                         encoding="utf-8")
    killed = subprocess.run([sys.executable, "-c", KILLED_WHILE_STORING, str(text_path)], capture_output=True,
                            text=True, timeout=180, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert killed.returncode == 9, killed.stderr
    _app, window = build_window(None)
    qtbot.addWidget(window)
    assert window.library.documents() == []  # absent, not half there
    assert opened(window, text_path)
    qtbot.waitUntil(lambda: not window.analysis_running(), timeout=20000)
    stored = window.library.segments(window.session.document_id)
    assert len(stored) == len(window.session.document.clauses) == 900
    window.library.close()


def test_work_saved_the_moment_a_new_text_appears_is_kept_though_the_text_was_not_stored_yet(qtbot):
    _app, window = build_window(None)
    qtbot.addWidget(window)
    session, seen = window.session, {}

    def at_once(_opened: bool) -> None:  # the text is in place, not painted, not stored
        seen["stored then"] = session.stored()
        session.model.set_target(0, "At once.")
        session.model.flush()  # on the window's thread, as the translation pane saves
        seen["stored after the save"] = session.stored() or window.library.document_info(session.document_id)

    window.open_path(None, then=at_once)
    window.show()
    wait_for(lambda: "stored then" in seen and not window.analysis_running())
    assert seen["stored then"] is False and seen["stored after the save"]  # the save waited for the store
    assert window.library.segments(session.document_id)[0].target == "At once."
    window.library.close()


def test_the_voices_are_looked_for_once_the_first_page_is_painted(qtbot, monkeypatch):
    """Finding the voices (eSpeak's wheel and library, a system's list) takes the interpreter from the opening and
    the first paint: it waits for them."""
    from studyapp.ui import speech_actions

    started: list[str] = []
    run_job = speech_actions.run_job

    def watched(*arguments, **keywords):
        started.append(keywords.get("name"))
        return run_job(*arguments, **keywords)

    monkeypatch.setattr(speech_actions, "run_job", watched)
    _app, window = build_window(None)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert "find voices" not in started  # the window is up, no text yet
    assert opened(window, None)
    qtbot.waitUntil(lambda: bool(window.speech.voices), timeout=10000)  # found once its first page painted
    assert started.count("find voices") == 1
    window.library.close()
