"""Cells a spreadsheet opens as text, never as a formula (CSV injection).

Excel, LibreOffice and Google Sheets run a cell that begins with ``=``, ``+``, ``-`` or ``@`` as a formula
(``=HYPERLINK(…)`` becomes a link that sends the sheet away), and some treat a leading tab or CR the same way.
The usual defence is a leading ``'``, which spreadsheets show as text. Apostrophes already in front of such a
character get one more, so ``unguarded`` gives every cell back exactly when our own file is read again.
"""

from __future__ import annotations

import re

#: A cell a spreadsheet may run: its first character after any apostrophes starts a formula.
_FORMULA_START = re.compile(r"'*[=+\-@\t\r]")


def guarded(cell: str) -> str:
    """``cell`` as a spreadsheet shows it as text: a leading ``'`` when it could start a formula."""
    return "'" + cell if _FORMULA_START.match(cell) else cell


def unguarded(cell: str) -> str:
    """The cell ``guarded`` was given: the one ``'`` it added taken away again."""
    return cell[1:] if cell.startswith("'") and _FORMULA_START.match(cell, 1) else cell
