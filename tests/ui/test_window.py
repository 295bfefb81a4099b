"""The window as a whole: where its panels sit and stay, its menus, the library's list of documents."""

import re

from PySide6.QtWidgets import QMenu


def _mnemonic(text: str) -> str | None:
    """The letter after a single & (&& is a literal ampersand)."""
    found = re.search(r"(?<!&)&([^&])", text.replace("&&", ""))
    return found.group(1).lower() if found else None


def _menus(menu: QMenu):
    yield menu
    for action in menu.actions():
        if action.menu() is not None:
            yield from _menus(action.menu())


def test_no_two_items_of_a_menu_share_a_mnemonic(window):
    bar = window.menuBar()
    top = [_mnemonic(action.text()) for action in bar.actions()]
    assert len(top) == len(set(top)) and None not in top, top
    for action in bar.actions():
        for menu in _menus(action.menu()):
            letters = [(_mnemonic(a.text()), a.text()) for a in menu.actions()
                       if not a.isSeparator() and a.isEnabled() and _mnemonic(a.text())]
            seen: dict[str, str] = {}
            for letter, text in letters:
                assert letter not in seen, f"{menu.title()}: {seen.get(letter)!r} and {text!r} share &{letter}"
                seen[letter] = text
