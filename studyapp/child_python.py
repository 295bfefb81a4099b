"""How the app runs one of its own modules in a child Python process: with the parent's code, wherever it starts.

Why: ``python -m`` puts the working folder first on the child's import path. Started from a folder that holds
another ``studyapp`` (a source checkout, a copy), the child ran that code, not the parent's: analysis workers
of one checkout, started from another's folder, spoke another protocol and failed, and the analysis fell back
to one thread (the benchmarks, which compare two checkouts, measured that). ``-P`` (Python 3.11) leaves the
working folder out, and the parent's own code comes first on the child's path.
"""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

from .errors import JobCancelled

#: the folder that holds the parent's ``studyapp`` package
_CODE_ROOT = str(Path(__file__).resolve().parent.parent)


def module_command(module: str, *arguments: str) -> list[str]:
    """The command that runs ``module`` (``python -m``) in a child, without the working folder on its path."""
    return [sys.executable, "-P", "-m", module, *arguments]


def module_environment() -> dict[str, str]:
    """The child's environment: this one, with the parent's code first on the import path."""
    environment = dict(os.environ)
    environment["PYTHONPATH"] = os.pathsep.join(
        [_CODE_ROOT, *(part for part in environment.get("PYTHONPATH", "").split(os.pathsep) if part)])
    return environment


class ChildStopped(Exception):
    """The child ended without saying how its work went (it crashed, was killed, or could not start); the
    message is its last line of standard error, else its exit status."""


def run_module(module: str, payloads: Iterable[object], progress: Callable[[int, int], None] | None = None,
               cancelled: Callable[[], bool] | None = None) -> tuple[str, object]:
    """Runs ``module`` in a child that reads ``payloads`` (each pickled in turn) from its standard input and says
    how it goes in lines (``tell_progress``, then ``tell_outcome``): returns the outcome, ("done" or "error", its
    value). Raises ``ChildStopped`` when the child ends without one, and ``JobCancelled`` once ``cancelled()``
    says so (the child is ended). Standard error goes to a file, not a pipe: a pipe nobody reads can fill and
    stop the child."""
    outcome: tuple[str, object] | None = None
    with tempfile.TemporaryFile() as errors:
        child = subprocess.Popen(module_command(module), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                 stderr=errors, env=module_environment())
        try:
            assert child.stdin is not None and child.stdout is not None  # noqa: S101 - piped just above
            for payload in payloads:
                pickle.dump(payload, child.stdin, protocol=pickle.HIGHEST_PROTOCOL)
            child.stdin.close()
            for line in child.stdout:
                if cancelled is not None and cancelled():
                    raise JobCancelled("Cancelled.")
                kind, _, value = line.decode("utf-8").rstrip("\n").partition(" ")
                if kind == "progress" and progress is not None:
                    done, total = map(int, value.split())
                    progress(done, total)
                elif kind in ("done", "error"):
                    outcome = kind, json.loads(value)
            child.wait()
        except BrokenPipeError:  # it ended before reading everything: said below
            child.wait()
        finally:
            if child.poll() is None:
                child.kill()
                child.wait()
        errors.seek(0)
        said = errors.read().decode("utf-8", "replace").strip().splitlines()
    if outcome is None or child.returncode:
        raise ChildStopped(said[-1] if said else str(child.returncode))
    return outcome


def tell_progress(done: int, total: int) -> None:
    """The child's side of ``run_module``: how far it got."""
    print(f"progress {done} {total}", flush=True)


def tell_outcome(kind: str, value: object) -> None:
    """The child's side of ``run_module``: "done" or "error", with a value JSON can hold."""
    print(f"{kind} {json.dumps(value)}", flush=True)
