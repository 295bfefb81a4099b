"""The GUI's own plan: one module imports Qt and holds the PySide6 bound; the main window stays menus and layout."""

import re
import subprocess
import sys
import tomllib

from studyapp.ui import qt

from ..conftest import REPO

QT_MODULE = REPO / "studyapp" / "ui" / "qt.py"
# an import statement (also one inside a script run in a subprocess) or a dynamic import of the binding
_BINDING_IMPORT = re.compile(r"^\s*(from|import)\s+(PySide6|shiboken6)\b"
                             r"|(__import__|import_module)\(\s*[\"'](PySide6|shiboken6)\b", re.MULTILINE)


def _python_files():
    for folder in ("studyapp", "tests", "benchmarks"):
        yield from (REPO / folder).rglob("*.py")


def test_only_the_qt_module_imports_pyside6():
    """/work/helpers/qt_imports.py turns such an import into one from studyapp.ui.qt."""
    files = list(_python_files())
    offenders = [f"{path.relative_to(REPO)}:{source.count(chr(10), 0, match.start()) + 1}"
                 for path in files if path != QT_MODULE
                 for source in [path.read_text(encoding="utf-8")]
                 for match in _BINDING_IMPORT.finditer(source)]
    assert offenders == []
    assert len(files) > 50 and _BINDING_IMPORT.search(QT_MODULE.read_text(encoding="utf-8"))  # the check can see one


def test_the_qt_module_holds_the_bound_pyproject_declares():
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    declared = [d for d in pyproject["project"]["dependencies"] if re.match(r"PySide6\b", d)]
    assert declared == [qt.REQUIREMENT]


def test_a_pyside6_outside_the_bound_is_named_in_one_line():
    for version in ("6.7.3", "6.12.0", "6.12.1", "7.0.0"):
        problem = qt.version_problem(version)
        assert problem is not None and "\n" not in problem
        assert problem.startswith(f"PySide6 {version} is installed") and qt.REQUIREMENT in problem
    assert [qt.version_problem(v) for v in ("6.8.0", "6.11.3", "6.11.99")] == [None, None, None]


def test_the_app_stops_at_start_with_that_line_when_pyside6_is_outside_the_bound():
    """Without the check, 6.12.0 starts and crashes later on a signal from a pool thread (no window opens here)."""
    script = ("import sys, PySide6\n"
              "PySide6.__version__ = '6.12.0'  # as a pip install of the newest release would leave it\n"
              "from studyapp.cli import main\n"
              "sys.exit(main([]))\n")
    completed = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO, timeout=60)
    assert completed.returncode == 2
    assert completed.stderr.splitlines() == [f"studyapp: {qt.version_problem('6.12.0')}"]


def test_the_main_window_stays_menus_and_layout():
    """DESIGN: main_window.py holds the menus (as a table) and the layout; workflows live in their controllers."""
    lines = (REPO / "studyapp" / "ui" / "main_window.py").read_text(encoding="utf-8").count("\n")
    assert lines < 300, f"main_window.py has {lines} lines: move the new workflow into the controller it belongs to"


def test_no_key_reaches_two_actions_of_the_window(window):
    """Qt runs neither of two actions that share a key (it calls the key ambiguous), so each key is declared once."""
    from studyapp.ui.qt import QAction

    owners: dict[str, str] = {}
    for action in window.findChildren(QAction):
        for key in {key.toString() for key in action.shortcuts()}:
            assert key not in owners, f"{key}: {owners[key]!r} and {action.text()!r}"
            owners[key] = action.text()
    assert {"Ctrl+M", "F2", "F3", "F5", "Esc", "Ctrl+Shift+W", "Ctrl+Shift+O"} <= owners.keys()
