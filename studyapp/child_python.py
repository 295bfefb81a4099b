"""How the app runs one of its own modules in a child Python process: with the parent's code, wherever it starts.

Why: ``python -m`` puts the working folder first on the child's import path. Started from a folder that holds
another ``studyapp`` (a source checkout, a copy), the child ran that code, not the parent's: analysis workers
of one checkout, started from another's folder, spoke another protocol and failed, and the analysis fell back
to one thread (the benchmarks, which compare two checkouts, measured that). ``-P`` (Python 3.11) leaves the
working folder out, and the parent's own code comes first on the child's path.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

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
