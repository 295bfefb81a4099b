"""The CPU-bound process the benchmarks measure beside (``--busy``): a learner's laptop is never idle. One busy
loop in another process, as another program would run; shared by every benchmark so their "busy" is the same."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

CONDITIONS = ("idle", "busy")


@contextmanager
def beside(condition: str = "busy") -> Iterator[None]:
    """Runs the block with a busy loop in another process when ``condition`` is "busy", else as it is."""
    if condition != "busy":
        yield
        return
    loop = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        yield
    finally:
        loop.kill()
        loop.wait()
