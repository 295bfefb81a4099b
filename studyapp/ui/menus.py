"""Menus declared as a table: each row says what an item shows, which keys reach it and what it runs; one small
function builds the menu bar from the rows, so a new item is one row and no menu code is written twice.

A handler is named by its path from the window (``"translator.move"``) and called with the row's ``args``, which
also fill ``{0}`` in its label; a checkable row's handler gets the new state instead. Labels go through ``tr``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import reduce

from .qt import QAction, QActionGroup, QKeySequence, QMainWindow, QMenu, Qt, QWidget

#: a key as a string ("Ctrl+M"), a Qt.Key, or a QKeySequence.StandardKey (its first binding on this platform)
Key = str | Qt.Key | QKeySequence.StandardKey | QKeySequence


@dataclass(frozen=True)
class Item:
    """One menu item."""

    label: str
    run: str = ""  # the handler's path from the window; empty for an item that runs nothing itself
    keys: Sequence[Key] = ()
    args: tuple = ()
    checked: bool | None = None  # None: not checkable; else checkable, starting in this state
    name: str = ""  # the window attribute that keeps the action, for the code that ticks it or triggers it
    tip: str = ""  # its status tip
    enabled: bool = True
    group: str = ""  # items of one group are exclusive choices (radio items)


@dataclass(frozen=True)
class Existing:
    """An action another object makes (a dock's toggle, the undo stack's Undo), put in the menu here."""

    path: str  # from the window, to the action or to the method that returns it
    label: str = ""  # replaces the action's own text when given
    keys: Sequence[Key] = ()


@dataclass(frozen=True)
class Menu:
    """A menu of the menu bar, or a submenu inside one; ``name`` keeps the QMenu on the window."""

    title: str
    items: Sequence[Item | Existing | Menu | None]  # None: a separator
    name: str = ""


SEPARATOR = None


def resolve(window: QWidget, path: str):
    """The object at ``path`` ("vocabulary.dock.toggleViewAction") starting from ``window``."""
    return reduce(getattr, path.split("."), window)


def set_keys(action: QAction, keys: Sequence[Key]) -> None:
    """Every key of ``keys`` once: the same key twice (Ctrl+- and the platform's ZoomOut) makes Qt ignore it as
    ambiguous."""
    sequences = [key if isinstance(key, QKeySequence) else QKeySequence(key) for key in keys]
    action.setShortcuts(list({key.toString(): key for key in sequences if not key.isEmpty()}.values()))


def build_menus(window: QMainWindow, menus: Sequence[Menu]) -> None:
    groups: dict[str, QActionGroup] = {}
    for menu in menus:
        _fill(window, window.menuBar().addMenu(window.tr(menu.title)), menu, groups)


def _fill(window: QMainWindow, qmenu: QMenu, menu: Menu, groups: dict[str, QActionGroup]) -> None:
    if menu.name:
        setattr(window, menu.name, qmenu)
    for row in menu.items:
        if row is SEPARATOR:
            qmenu.addSeparator()
        elif isinstance(row, Menu):
            _fill(window, qmenu.addMenu(window.tr(row.title)), row, groups)
        elif isinstance(row, Existing):
            action = resolve(window, row.path)
            action = action if isinstance(action, QAction) else action()
            if row.label:
                action.setText(window.tr(row.label))
            if row.keys:
                set_keys(action, row.keys)
            qmenu.addAction(action)
        else:
            qmenu.addAction(make_action(window, row, groups))


def make_action(window: QWidget, item: Item, groups: dict[str, QActionGroup] | None = None) -> QAction:
    """The action of one row, parented to the window (which keeps it as ``item.name`` when the row names one)."""
    action = QAction(window.tr(item.label).format(*item.args), window)
    set_keys(action, item.keys)
    action.setEnabled(item.enabled)
    if item.tip:
        action.setStatusTip(window.tr(item.tip))
    if item.group and groups is not None:
        groups.setdefault(item.group, QActionGroup(window)).addAction(action)
    handler = resolve(window, item.run) if item.run else None
    if item.checked is not None:
        action.setCheckable(True)
        action.setChecked(item.checked)
        if handler is not None:
            action.toggled.connect(handler)
    elif handler is not None:
        action.triggered.connect(lambda _checked=False: handler(*item.args))
    if item.name:
        setattr(window, item.name, action)
    return action
