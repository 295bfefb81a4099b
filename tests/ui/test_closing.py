"""Closing a text lets go of its words' caches at once, and frees them off the GUI thread."""

import threading
import weakref


class Kept:
    """A value the caches hold, whose end can be seen."""


def test_closing_frees_the_word_caches_in_a_job(window, qtbot):
    """The novel's word caches freed on the GUI thread as it closed stalled it 65-140 ms: the analyzer starts
    again with empty caches at once, and the old ones are freed by a job, on another thread."""
    parser = window.analyzer.parser
    assert parser._expanded
    kept = Kept()
    parser._expanded["哨兵"] = (kept,)
    freed_on: list[threading.Thread] = []
    weakref.finalize(kept, lambda: freed_on.append(threading.current_thread()))
    del kept
    window.session.close()
    assert not parser._expanded and not parser._reading_cache
    qtbot.waitUntil(lambda: bool(freed_on), timeout=5000)
    assert freed_on[0] is not threading.main_thread()
