"""The one module that imports PySide6 (and shiboken6): every other GUI module, test and benchmark takes Qt's names
from here, so the binding, its version bound and any work-around live in one place (as Anki's aqt.qt and
qutebrowser's qt package do).

An import elsewhere is turned into one from here by /work/helpers/qt_imports.py, which also adds the names it
needs below; tests/ui/test_house.py fails on any PySide6 import outside this file.
"""

# ruff: noqa: E402, F401 - the version is checked before Qt's libraries load; every name here is for the others

from __future__ import annotations

import re

from ..errors import StudyAppError

# The PySide6 releases studyapp runs on; pyproject.toml declares the same bound (a test checks they agree).
# 6.12.0 corrupts reference counts on signals sent from pool threads.
PYSIDE6_LOWEST = "6.8"
PYSIDE6_BELOW = "6.12"
REQUIREMENT = f"PySide6-Essentials>={PYSIDE6_LOWEST},<{PYSIDE6_BELOW}"


def _release(version: str) -> tuple[int, int]:
    numbers = re.match(r"(\d+)\.(\d+)", version)
    return (int(numbers[1]), int(numbers[2])) if numbers else (0, 0)


def version_problem(version: str) -> str | None:
    """Why PySide6 ``version`` cannot run studyapp, in one line for the terminal; None when it can."""
    if _release(PYSIDE6_LOWEST) <= _release(version) < _release(PYSIDE6_BELOW):
        return None
    return (f"PySide6 {version} is installed, but studyapp runs on PySide6 {PYSIDE6_LOWEST} up to (not including) "
            f"{PYSIDE6_BELOW}: pip install '{REQUIREMENT}'")


def _require_pyside6() -> None:
    try:
        import PySide6
    except ImportError:
        raise StudyAppError(f"PySide6 is not installed: pip install '{REQUIREMENT}'") from None
    problem = version_problem(PySide6.__version__)
    if problem is not None:
        raise StudyAppError(problem)


_require_pyside6()

from PySide6.QtCore import (
    QAbstractListModel,
    QAbstractTableModel,
    QBuffer,
    QByteArray,
    QCoreApplication,
    QDateTime,
    QElapsedTimer,
    QEvent,
    QEventLoop,
    QIODevice,
    QItemSelection,
    QItemSelectionModel,
    QLocale,
    QMimeData,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    QPointF,
    QRect,
    QRectF,
    QRunnable,
    QSize,
    Qt,
    QThreadPool,
    QTimer,
    QUrl,
    Signal,
    Slot,
    qInstallMessageHandler,
)
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QCloseEvent,
    QColor,
    QCursor,
    QDesktopServices,
    QDragEnterEvent,
    QDropEvent,
    QFocusEvent,
    QFont,
    QFontDatabase,
    QFontMetrics,
    QFontMetricsF,
    QGuiApplication,
    QImage,
    QKeyEvent,
    QKeySequence,
    QMouseEvent,
    QPainter,
    QPalette,
    QRegion,
    QTextCharFormat,
    QTextCursor,
    QTextDocumentFragment,
    QTextLayout,
    QTextOption,
    QUndoCommand,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDockWidget,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMenu,
    QMessageBox,
    QPlainTextEdit,
    QProgressBar,
    QProgressDialog,
    QPushButton,
    QSpinBox,
    QStackedWidget,
    QStatusBar,
    QStyle,
    QStyledItemDelegate,
    QStyleFactory,
    QStyleOptionViewItem,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid


def __getattr__(name: str):
    """``QTest`` only when asked (tests and benchmarks ask): the app never loads Qt's test library, 5-12 ms of
    start-up before the first paint."""
    if name == "QTest":
        from PySide6.QtTest import QTest

        return QTest
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
