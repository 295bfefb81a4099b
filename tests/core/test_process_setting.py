"""A process-wide setting two jobs hold side by side: applied by the first, put back by the last."""

import threading

import pytest

from studyapp.process_setting import WhileAnyRuns


class Setting:
    def __init__(self) -> None:
        self.value = "default"
        self.applied = 0

    def apply(self):
        self.applied += 1
        before, self.value = self.value, "changed"
        return lambda: setattr(self, "value", before)


def test_the_second_job_neither_applies_it_again_nor_puts_it_back_before_the_first_ends():
    setting = Setting()
    held = WhileAnyRuns(setting.apply)
    with held.held():
        with held.held():
            assert setting.value == "changed"
        assert setting.value == "changed"  # the first job still runs with it
    assert setting.value == "default" and setting.applied == 1


def test_a_job_that_fails_still_puts_it_back():
    setting = Setting()
    held = WhileAnyRuns(setting.apply)
    with pytest.raises(RuntimeError), held.held():
        raise RuntimeError("the job failed")
    assert setting.value == "default"
    with held.held():
        assert setting.value == "changed"  # and it applies again for the next job


def test_jobs_in_threads_overlapping_leave_the_default_once_all_end():
    setting = Setting()
    held = WhileAnyRuns(setting.apply)
    inside = threading.Barrier(4)
    seen = []

    def job() -> None:
        with held.held():
            inside.wait(timeout=10)  # all four hold it at once
            seen.append(setting.value)

    threads = [threading.Thread(target=job) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert seen == ["changed"] * 4
    assert setting.value == "default" and setting.applied == 1
