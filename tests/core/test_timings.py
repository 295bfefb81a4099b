"""Start-up milestones are read by benchmarks and tests line by line, from whichever thread reached them."""

import io
import re
import sys
import threading
import time

from studyapp import timings


class _BusyTerminal(io.StringIO):
    """A stderr that lets other threads run between writes, as a loaded machine does at any moment."""

    def write(self, text: str) -> int:
        written = super().write(text)
        time.sleep(0)
        return written


def test_milestones_marked_from_two_threads_come_out_as_whole_lines(monkeypatch):
    """The opening job marks "stored" on its thread while the window marks "window shown" on the GUI thread: the
    two lines came out as "…window shownstudyapp-timing: … stored" and the start-up check lost a milestone."""
    monkeypatch.setenv("STUDYAPP_TIMINGS", "1")
    terminal = _BusyTerminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible, as a busy machine does
    try:
        start = threading.Barrier(4)

        def mark_many(thread: int) -> None:
            start.wait()
            for number in range(300):
                timings.mark(f"milestone {thread}-{number}")

        threads = [threading.Thread(target=mark_many, args=(thread,)) for thread in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(interval)
        timings.reset(tuple(f"milestone {t}-{n}" for t in range(4) for n in range(300)))
    lines = terminal.getvalue().splitlines()
    whole = re.compile(rf"{re.escape(timings.PREFIX)} \d+ ms milestone \d-\d+")
    assert [line for line in lines if not whole.fullmatch(line)] == []
    assert len(lines) == 1200
