"""A child process that ends without saying how its work went is reported with its own last words."""

from __future__ import annotations

import pytest

from studyapp.child_python import ChildStopped, run_module


def test_a_child_that_cannot_start_its_work_says_why():
    with pytest.raises(ChildStopped, match="No module named"):
        run_module("studyapp.no_such_module", [("anything",)])


def test_a_child_that_crashes_mid_way_is_reported_not_waited_for():
    """``json.tool`` reads no pickle: it fails on the payload and ends, and the caller hears why."""
    with pytest.raises(ChildStopped):
        run_module("json.tool", [b"x" * 1_000_000])
