"""How much room a cell's text takes: column units and row heights, estimated without Excel."""

from __future__ import annotations

import functools
import math
import unicodedata
from collections.abc import Iterator, Sequence

# Column widths are in units of the default font's digit width (Calibri 11); a CJK
# glyph at 11pt is about two of those. Overestimating costs a little white space,
# underestimating hides text on paper, so round up.
WIDE_CHAR_UNITS = 2.1
NARROW_CHAR_UNITS = 1.1
BASE_FONT_SIZE = 11.0
CELL_PADDING_UNITS = 1.0
LINE_HEIGHT_FACTOR = 1.4
ROW_PADDING_PT = 6.0
MAX_ROW_HEIGHT_PT = 409.0  # Excel's hard limit
# Printed ledgers are often filled in by hand, so rows with a fill-in text cell get
# room for two lines even when empty.
MIN_INPUT_LINES = 2
# Freeze the leading text columns only while they leave most of a laptop screen
# for scrolling.
FREEZE_MAX_WIDTH = 60.0


def text_units(text: str) -> float:
    return sum(
        WIDE_CHAR_UNITS if unicodedata.east_asian_width(ch) in "WFA" else NARROW_CHAR_UNITS
        for ch in text
    )


# The same plan texts recur in every unit's ledger; measuring each once saves most of the work.
@functools.lru_cache(maxsize=16384)
def _line_count(text: str, width: float, font_size: float) -> int:
    usable = max(width - CELL_PADDING_UNITS, 1.0)
    scale = font_size / BASE_FONT_SIZE
    return sum(max(1, math.ceil(text_units(part) * scale / usable)) for part in text.split("\n"))


def row_height(lines: int, font_size: float) -> float:
    return min(lines * font_size * LINE_HEIGHT_FACTOR + ROW_PADDING_PT, MAX_ROW_HEIGHT_PT)


def needed_height(value: object, width: float, font_size: float, min_lines: int = 1) -> float:
    if type(value) is str:  # most cells: one lookup (a number's str depends on its type)
        return _text_height(value, width, font_size, min_lines)
    text = "" if value is None else str(value)
    return row_height(max(_line_count(text, width, font_size), min_lines), font_size)


@functools.lru_cache(maxsize=16384)
def _text_height(text: str, width: float, font_size: float, min_lines: int) -> float:
    return row_height(max(_line_count(text, width, font_size), min_lines), font_size)


def spread(heights: dict[int, float], rows: range, needed: float) -> None:
    """Grow the rows of a merged block evenly until together they fit ``needed``."""
    deficit = needed - sum(heights[r] for r in rows)
    if deficit > 0:
        for r in rows:
            heights[r] = min(heights[r] + deficit / len(rows), MAX_ROW_HEIGHT_PT)


def runs(items: Sequence[int]) -> Iterator[tuple[int, int]]:
    """Consecutive integer runs in a sorted sequence, as (first, last)."""
    start = prev = None
    for item in items:
        if prev is not None and item == prev + 1:
            prev = item
            continue
        if start is not None and prev is not None:
            yield start, prev
        start = prev = item
    if start is not None and prev is not None:
        yield start, prev
