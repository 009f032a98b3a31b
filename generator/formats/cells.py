"""What an Excel cell can hold: rules the workbook writer and the returns reader share.

The writer (``generator.render.xlsx``) refuses text a cell cannot hold; the intake
(``generator.intake.collect``) replaces it when copying what a unit typed. Both must use
the same limits, so they live here, below both.
"""

from __future__ import annotations

import re

MAX_CELL_CHARS = 32767
# XML 1.0 forbids these; openpyxl would raise a bare error or write a broken file.
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

# Keeps a pre-filled "=..." a string even after a unit edits the cell in Excel.
_FORMULA_STARTS = frozenset("=+-@")


def first_illegal_char(text: str) -> re.Match[str] | None:
    """The first character in ``text`` that XML (and so Excel) cannot store, if any."""
    return _ILLEGAL_XML.search(text)


def needs_quote_prefix(text: str) -> bool:
    """Text Excel would take for a formula once a unit edits the cell."""
    return text[:1] in _FORMULA_STARTS


def replace_illegal_chars(text: str, replacement: str = "\ufffd") -> str:
    """``text`` with the characters XML cannot hold replaced, for text we must not refuse."""
    return _ILLEGAL_XML.sub(replacement, text)
