"""The analysis starts as many workers as there are cores other programs leave free (``free_cores``)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from studyapp import free_cores, text
from studyapp.free_cores import CpuTimes, cpu_times, free_between
from studyapp.study import gather_processes
from studyapp.text.loading import load_bytes

_TICKS = free_cores.os.sysconf("SC_CLK_TCK")


def test_the_machine_line_of_proc_stat_counts_idle_and_io_wait_as_free_and_a_guest_once():
    stat = "cpu  100 0 50 800 50 0 0 0 40 0\ncpu0 50 0 25 400 25 0 0 0 20 0\n"
    assert cpu_times(stat) == CpuTimes(150 / _TICKS, 1000 / _TICKS)


def test_a_core_kept_busy_by_another_program_is_not_free():
    before, after = CpuTimes(0.0, 0.0), CpuTimes(1.0, 2.0)  # 2 cores for a second: one of them busy
    assert free_between(before, after, own_cpu_s=0.0, core_count=2) == pytest.approx(1.0)


def test_this_process_own_work_leaves_its_cores_free():
    """The window painting its first page as the analysis starts is the app's own work, not another program's."""
    before, after = CpuTimes(0.0, 0.0), CpuTimes(1.0, 2.0)
    assert free_between(before, after, own_cpu_s=1.0, core_count=2) == pytest.approx(2.0)


def test_the_cores_free_are_at_most_those_this_process_may_run_on():
    before, after = CpuTimes(0.0, 0.0), CpuTimes(1.0, 8.0)  # 8 cores, one busy; this process may use 2
    assert free_between(before, after, own_cpu_s=0.0, core_count=2, machine_cores=8) == 2.0


def test_a_busy_loop_in_another_process_is_seen():
    loop = subprocess.Popen([sys.executable, "-c", "print('ready', flush=True)\nwhile True: pass"],
                            stdout=subprocess.PIPE, text=True)
    try:
        assert loop.stdout is not None and loop.stdout.readline().strip() == "ready"
        assert free_cores.free_cores(0.3) <= free_cores.cores() - 0.5
    finally:
        loop.kill()
        loop.wait()


@pytest.fixture
def novel_sized(monkeypatch):
    monkeypatch.setattr(gather_processes, "LEAST_CHARACTERS", 1)
    return text.split(load_bytes("中国和俄罗斯，中国人民。".encode(), "long.txt"))


@pytest.mark.parametrize(("free", "workers"), [(0.2, 1), (1.2, 1), (1.6, 2), (2.0, 2), (7.9, 4)])
def test_a_long_text_is_read_by_one_worker_per_free_core(novel_sized, monkeypatch, free, workers):
    """At least one (the window's process keeps its interpreter lock for the window), at most ``MOST_WORKERS``."""
    monkeypatch.setattr(free_cores, "free_cores", lambda: free)
    assert gather_processes.worker_count(novel_sized) == workers
