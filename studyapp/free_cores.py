"""How many of the machine's cores other programs leave free now, sampled from ``/proc/stat``.

Why: the analysis starts one worker process per core, but a learner's laptop is never idle. Where another
program keeps a core busy (a build, a video call, a browser tab spinning), a second worker only takes turns with
it: on 2 cores beside a busy loop, 水浒传's analysis took 1.29-1.35x ``jieba.lcut`` with two workers and
0.82-0.96x with one, for a worker's start and the words each worker works out cold are paid again, and the window's
process waits longer for a core. So the count follows the cores that are free, not the cores there are.

How: the CPU time all cores spent outside idle (and I/O wait) over a short sample, less this process's own (the
window painting its first page is the app's, not another program's), is the load of the others; the rest of the
cores are free. Where ``/proc/stat`` is missing (not Linux) every core counts as free, as before.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import NamedTuple

#: How long the sample lasts (seconds): ``/proc/stat`` counts in ticks of 10 ms, so 10 ticks per core.
SAMPLE_S = 0.1
_STAT = Path("/proc/stat")


class CpuTimes(NamedTuple):
    """The machine's CPU time since boot, in seconds, over all cores: busy and in all."""

    busy: float
    total: float


def cores() -> int:
    """The cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def cpu_times(stat: str) -> CpuTimes:
    """``CpuTimes`` from the text of ``/proc/stat`` (its first, all-cores line)."""
    fields = [int(value) for value in stat.split("\n", 1)[0].split()[1:]]
    ticks = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    # user nice system idle iowait irq softirq steal [guest guest_nice]: a guest's time is in user's already
    counted = fields[:8]
    idle = sum(counted[3:5])
    return CpuTimes((sum(counted) - idle) / ticks, sum(counted) / ticks)


def free_between(before: CpuTimes, after: CpuTimes, own_cpu_s: float, core_count: int,
                 machine_cores: int | None = None) -> float:
    """The cores of ``core_count`` (this process's) free of other programs' work between two samples of the whole
    machine's ``machine_cores`` (by default the same), ``own_cpu_s`` of that work being this process's."""
    elapsed = after.total - before.total
    if elapsed <= 0:
        return float(core_count)
    others = max(0.0, (after.busy - before.busy) - own_cpu_s)
    return min(float(core_count), max(0.0, (machine_cores or core_count) * (1 - others / elapsed)))


def free_cores(sample_s: float = SAMPLE_S) -> float:
    """The cores other programs leave free now (sampled for ``sample_s``; the caller waits that long)."""
    core_count = cores()
    try:
        before, own_before = cpu_times(_STAT.read_text()), time.process_time()
        time.sleep(sample_s)
        after, own_after = cpu_times(_STAT.read_text()), time.process_time()
    except (OSError, ValueError, IndexError):  # no /proc (not Linux), or a format this does not know
        return float(core_count)
    return free_between(before, after, own_after - own_before, core_count, os.cpu_count())
