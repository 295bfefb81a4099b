"""Small Qt idioms used in more than one place."""

from __future__ import annotations

from .qt import QAction


def set_checked_quietly(action: QAction, checked: bool) -> None:
    """Show a menu tick for what is in place without running the action's slot (which would change it)."""
    action.blockSignals(True)
    action.setChecked(checked)
    action.blockSignals(False)
