"""Tables and sections after rendering: grids fitted to what a column loop produced, cell
widths balanced from the cells' text, an empty last section dropped."""

from __future__ import annotations

import math
import re
from collections import Counter
from functools import lru_cache

from lxml import etree

from generator.render.docx.schema_order import TCPR_ORDER, sort_children

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

# Word's default left + right cell margins (0.19 cm each), in twips.
CELL_MARGINS = 2 * 108

# Measuring table text: runs without a size count as 10.5 pt (五号); a little slack
# beyond the estimate keeps a line that just fits from wrapping in another renderer.
DEFAULT_HALF_POINTS = 21

TEXT_SLACK = 60


def fix_cell_properties(root: etree._Element) -> None:
    """Put ``w:tcPr`` children back in schema order.

    docxtpl's ``{% vm %}`` appends ``w:vMerge`` at the end of ``w:tcPr``, after
    ``w:vAlign``; Word rejects that order as corrupt.
    """
    for cell_properties in root.iter(f"{{{_W}}}tcPr"):
        sort_children(cell_properties, TCPR_ORDER)


def w_name(name: str) -> str:
    return f"{{{_W}}}{name}"


# Looked up for every cell of every table: spelt out once.
_RPR, _SZ = w_name("rPr"), w_name("sz")
_SPAN_PATH = f"{w_name('tcPr')}/{w_name('gridSpan')}"
_VAL, _P, _R, _T = w_name("val"), w_name("p"), w_name("r"), w_name("t")
_BREAKS = (w_name("br"), w_name("cr"))
_TR, _TC, _TCPR, _TCW = w_name("tr"), w_name("tc"), w_name("tcPr"), w_name("tcW")
_W_ATTR, _TYPE = w_name("w"), w_name("type")
GRID, _GRID_COL = w_name("tblGrid"), w_name("gridCol")
_TOKEN = re.compile(r"[0-9A-Za-z.,:/%()+\-]+")


def _span(cell: etree._Element) -> int:
    span = cell.find(_SPAN_PATH)
    return int(span.get(_VAL, "1")) if span is not None else 1


def _run_size(run: etree._Element) -> int:
    # child by child: lxml answers a plain tag in C, a path through ElementPath
    properties = run.find(_RPR)
    size = properties.find(_SZ) if properties is not None else None
    return int(size.get(_VAL, DEFAULT_HALF_POINTS)) if size is not None else DEFAULT_HALF_POINTS


# A ledger's cells repeat the same few texts (状态, dates, unit names) thousands of times.
TEXT_CACHE = 1 << 16


@lru_cache(maxsize=TEXT_CACHE)
def _text_width(text: str, em: int) -> float:
    """Twips of ``text`` in a font of ``em`` twips: CJK ``em``, anything narrower half."""
    return sum(em if ord(ch) >= 0x2E80 else em / 2 for ch in text)


def natural_width(cell: etree._Element) -> int:
    """Twips the cell's longest line needs unwrapped, margins included.

    A CJK character is as wide as its font size, anything narrower half of that.
    """
    longest = 0.0
    for paragraph in cell.iter(_P):
        line = 0.0
        for run in paragraph.iter(_R):
            em = _run_size(run) * 10  # half-points → twips
            for node in run:
                if node.tag in _BREAKS:
                    longest, line = max(longest, line), 0.0
                elif node.tag == _T:
                    line += _text_width(node.text or "", em)
        longest = max(longest, line)
    return math.ceil(longest) + CELL_MARGINS + TEXT_SLACK


def token_width(cell: etree._Element) -> int:
    """Twips of the cell's longest run of letters and digits (``1986.04``), which a line
    must not break, margins included."""
    longest = 0.0
    for run in cell.iter(_R):
        em = _run_size(run) * 10
        for node in run.iter(_T):
            longest = max(longest, _longest_token(node.text or "") * em / 2)
    return math.ceil(longest) + CELL_MARGINS + TEXT_SLACK if longest else 0


@lru_cache(maxsize=TEXT_CACHE)
def _longest_token(text: str) -> int:
    return max(map(len, _TOKEN.findall(text)), default=0)


def column_widths(natural: list[int], total: int) -> list[int]:
    """Split ``total`` twips between columns that would like their ``natural`` widths.

    If all fit, each grows in proportion. If not, the narrowest columns get what they
    need as long as that is no more than an equal share of what is left, and the
    remaining ones split the rest equally. Rounding leftovers go to the widest column.
    """
    if sum(natural) <= total:
        widths = [total * n // sum(natural) for n in natural]
    else:
        widths, remaining = list(natural), total
        order = sorted(range(len(natural)), key=lambda i: natural[i])
        for done, column in enumerate(order):
            share = remaining // (len(order) - done)
            if natural[column] > share:
                for rest in order[done:]:
                    widths[rest] = share
                break
            remaining -= natural[column]
    widths[widths.index(max(widths))] += total - sum(widths)
    return widths


# Columns start at their text's width, but no wider than 3 四号 characters -- 6 for a
# long text (20 characters or more), never a sliver; a character at a time then
# goes where it shortens the table most.
CHAR_TWIPS = 280

LEAST_CHARS, LEAST_LONG_CHARS, LONG_TEXT_CHARS = 3, 6, 20

WIDTH_STEP = CHAR_TWIPS


def _lines(need: int, width: int) -> int:
    return max(1, -(-(need - CELL_MARGINS) // max(1, width - CELL_MARGINS)))


def _least(natural: int) -> int:
    long = natural - CELL_MARGINS >= LONG_TEXT_CHARS * CHAR_TWIPS
    return (LEAST_LONG_CHARS if long else LEAST_CHARS) * CHAR_TWIPS + CELL_MARGINS


def _best_step(
    cells: list[list[int]], widths: list[int], natural: list[int], spare: int
) -> tuple[int, int] | None:
    """(column, steps): the widening that saves the most lines per step, or None.

    For each column, the fewest steps that save anything: widening only ever shortens
    cells, so a step saves lines exactly when a cell of the column loses one -- the first
    such step is found by bisection instead of trying every step. Only the widened
    column's cells change, so a trial counts that column against the tallest of the
    other cells of each row; cells (and rows) alike count once, with their number.
    """
    lines = [
        [_lines(need, w) if need else 0 for need, w in zip(row, widths, strict=True)]
        for row in cells
    ]
    tallest = [_two_tallest(row) for row in lines]
    now = sum(max(1, first) for first, _ in tallest)  # a row is as tall as its tallest cell
    best: tuple[float, int, int] | None = None
    for column, width in enumerate(widths):
        # steps beyond the column's natural width are never tried
        reach = min(spare, -(-(natural[column] - width) // WIDTH_STEP))
        if reach < 1:
            continue
        own = sum(row[column] for row in lines)
        needs = Counter(row[column] for row in cells)
        steps = _first_saving_step(needs, width, own, reach)
        if steps is None:
            continue
        rows = Counter(
            (row[column], second if shown[column] == first else first)
            for row, shown, (first, second) in zip(cells, lines, tallest, strict=True)
        )
        wider = width + steps * WIDTH_STEP
        saved = (now - _table_lines(rows, wider)) + (own - _column_lines(needs, wider)) / 1000
        rate = saved / steps
        if best is None or rate > best[0]:
            best = (rate, column, steps)
    return None if best is None else (best[1], best[2])


def _two_tallest(row: list[int]) -> tuple[int, int]:
    """The row's two tallest cells (equal when the tallest occurs twice): the tallest of
    the others of any cell, without recounting the row for each column."""
    ordered = sorted(row, reverse=True)
    return (ordered[0] if ordered else 0), (ordered[1] if len(ordered) > 1 else 0)


def _column_lines(needs: Counter[int], width: int) -> int:
    return sum(count * _lines(need, width) for need, count in needs.items() if need)


def _table_lines(rows: Counter[tuple[int, int]], width: int) -> int:
    """The table's lines with the column at ``width``: each row as tall as its tallest."""
    return sum(
        count * max(1, others, _lines(need, width) if need else 0)
        for (need, others), count in rows.items()
    )


def _first_saving_step(needs: Counter[int], width: int, own: int, reach: int) -> int | None:
    """The fewest steps (at most ``reach``) after which the column has fewer lines."""
    if _column_lines(needs, width + WIDTH_STEP) < own:
        return 1  # the usual case
    if _column_lines(needs, width + reach * WIDTH_STEP) >= own:
        return None
    low, high = 2, reach  # the answer lies in [low, high]
    while low < high:
        middle = (low + high) // 2
        if _column_lines(needs, width + middle * WIDTH_STEP) < own:
            high = middle
        else:
            low = middle + 1
    return low


def balanced_widths(
    cells: list[list[int]], total: int, tokens: list[int] | None = None
) -> list[int]:
    """Column widths for rows of cells needing ``cells[row][column]`` twips unwrapped.

    Each column first gets its text's width up to a few characters; then, step by step,
    the room left goes to the column that saves the most table lines (a row is as tall
    as its tallest cell), so a long text such as 事迹简介 gets the width while short
    columns stay narrow and readable. When even the start does not fit, or every text
    already fits, ``column_widths`` shares the room.
    """
    natural = [max(CELL_MARGINS, *column) for column in zip(*cells, strict=True)]
    if sum(natural) <= total:
        return column_widths(natural, total)
    least = [min(n, _least(n)) for n in natural]
    # never narrower than its longest number or word: 1986.04 stays on one line
    least = [max(m, t) for m, t in zip(least, tokens or [0] * len(least), strict=True)]
    if sum(least) > total:
        return column_widths(natural, total)
    widths = list(least)
    while (spare := (total - sum(widths)) // WIDTH_STEP) > 0:
        step = _best_step(cells, widths, natural, spare)
        if step is None:  # nothing saves a line any more: the rest by what columns lack
            lacking = [max(0, n - w) for n, w in zip(natural, widths, strict=True)]
            room = total - sum(widths)
            widths = [
                w + room * lack // (sum(lacking) or 1)
                for w, lack in zip(widths, lacking, strict=False)
            ]
            break
        column, steps = step
        widths[column] += steps * WIDTH_STEP
    widths[widths.index(max(widths))] += total - sum(widths)
    return widths


Row = list[tuple[etree._Element, int]]  # a row's cells and the grid columns each spans


def fit_table_grid(table: etree._Element) -> None:
    """A table whose rows no longer match its grid (a ``{%tc for %}`` loop) gets a new one.

    The table keeps its total width, shared by the columns' text (Word's autofit, done
    here so Word, WPS and LibreOffice agree); every cell's ``w:tcW`` follows the grid.
    """
    grid = table.find(GRID)
    if grid is None:
        return
    rows = table_rows(table)
    widths = grid_widths(grid, [row_needs(row) for row in rows])
    if widths is None:
        return
    set_grid(grid, widths)
    for row in rows:
        set_cell_widths(row, widths)


def table_rows(table: etree._Element) -> list[Row]:
    return [
        [(cell, _span(cell)) for cell in row.iterchildren(_TC)] for row in table.iterchildren(_TR)
    ]


def row_needs(row: Row) -> tuple[int, list[tuple[int, int, int]]]:
    """The grid columns the row spans, and (column, natural width, token width) of each
    of its cells that spans one column: all ``grid_widths`` needs to know of a row."""
    found, position = [], 0
    for cell, span in row:
        if span == 1:
            found.append((position, natural_width(cell), token_width(cell)))
        position += span
    return position, found


def grid_widths(
    grid: etree._Element, rows: list[tuple[int, list[tuple[int, int, int]]]]
) -> list[int] | None:
    """The new grid's column widths for rows measured by ``row_needs``; None if the grid
    already has the columns the rows span (or the table no rows)."""
    if not rows:
        return None
    columns = grid.findall(_GRID_COL)
    needed = max(span for span, _ in rows)
    if needed in (0, len(columns)):
        return None
    cells, tokens = [], [0] * needed
    for _, found in rows:
        need = [0] * needed
        for position, natural_need, token in found:
            need[position] = natural_need
            tokens[position] = max(tokens[position], token)
        cells.append(need)
    natural = [max(CELL_MARGINS, *column) for column in zip(*cells, strict=True)]
    total = sum(int(column.get(_W_ATTR, "0")) for column in columns) or sum(natural)
    return balanced_widths(cells, total, tokens)


def set_grid(grid: etree._Element, widths: list[int]) -> None:
    for column in grid.findall(_GRID_COL):
        grid.remove(column)
    for width in widths:
        etree.SubElement(grid, _GRID_COL, {_W_ATTR: str(width)})


def set_cell_widths(row: Row, widths: list[int]) -> None:
    position = 0
    for cell, span in row:
        properties = cell.find(_TCPR)
        if properties is None:
            properties = etree.Element(_TCPR)
            cell.insert(0, properties)
        width = properties.find(_TCW)
        if width is None:
            width = etree.SubElement(properties, _TCW)
        width.attrib.clear()
        width.set(_W_ATTR, str(sum(widths[position : position + span])))
        width.set(_TYPE, "dxa")
        position += span


def drop_empty_last_section(root: etree._Element) -> None:
    """If nothing follows the last section break, that break's section becomes the last.

    A template may end with a section whose content sat inside ``{%p if %}``; left
    empty, Word would still show it as a blank page.
    """
    body = root.find(w_name("body"))
    final = body.find(w_name("sectPr")) if body is not None else None
    if final is None:
        return
    blocks = [child for child in body if child.tag in (w_name("p"), w_name("tbl"), w_name("sdt"))]
    if not blocks or blocks[-1].tag != w_name("p"):
        return
    closing = blocks[-1].find(f"{w_name('pPr')}/{w_name('sectPr')}")
    if closing is not None:
        closing.getparent().remove(closing)
        body.replace(final, closing)
