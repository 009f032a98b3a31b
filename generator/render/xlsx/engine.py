"""Render fill-in Excel ledgers (台账) from a plain layout spec.

The engine knows nothing about plans: the caller describes sheets as columns and
rows, and the engine lays them out with the cell styles and page setup taken
from a template workbook (see ``tools/make_xlsx_template.py`` for the prototype
convention). Output is protected so units can only type into the fill-in cells,
prints as A4 landscape with repeated header rows, and carries a ``veryHidden``
sheet ``_plandocs`` recording who the workbook is for and which worksheet row
holds which plan row, so a returned workbook can be matched cell by cell (its
layout: ``generator.formats.identity``).

Every str value is written as a text cell: a plan line that starts with ``=`` or
reads ``#N/A`` must print as written, never be evaluated by Excel.

Rendered workbooks are written as XML text by ``writer`` -- openpyxl's
object per cell made a ledger cost several times a plain template fill. openpyxl
still reads the template (once per engine, which also resolves every cell format
then); the helpers that work on openpyxl workbooks (``values.write_value``,
``values.workbook_bytes``) serve annotated copies, statistics and tests.
"""

from __future__ import annotations

import functools
import io
import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.protection import SheetProtection

from generator.formats.identity import (
    IDENTITY_SHEET,
    RESERVED_IDENTITY_KEYS,
    SheetMap,
    identity_rows,
)
from generator.render.workbook_spec import (
    Column,
    Row,
    SheetSpec,
    WorkbookRenderError,
    WorkbookSpec,
)
from generator.render.xlsx.geometry import (
    FREEZE_MAX_WIDTH,
    MIN_INPUT_LINES,
    needed_height,
    row_height,
    runs,
    spread,
)
from generator.render.xlsx.styles import (
    DEFAULT_ROW_PT,
    MIN_PRINTED_PT,
    MM_TO_PT,
    PAGE_FILL,
    PROTOTYPE_SHEET,
    STYLE_CHOICE,
    STYLE_DISABLED,
    STYLE_HEADER,
    STYLE_INPUT,
    STYLE_NUMBER,
    STYLE_SUBTITLE,
    STYLE_TEXT,
    STYLE_TITLE,
    CellStyle,
    PageLayout,
    apply_page_layout,
    column_mm,
    printable_mm,
    read_page_layout,
    read_styles,
)
from generator.render.xlsx.values import (
    AUTHOR,
    check_sheet_name,
    checked_number,
    checked_text,
    needs_quote_prefix,
    refuse_illegal_chars,
    utc_naive,
)
from generator.render.xlsx.writer import (
    DEFAULT_XF,
    PageXml,
    Properties,
    SharedStrings,
    SheetPart,
    SheetWriter,
    StyleTable,
    Validation,
    absolute_range,
    absolute_rows,
    package,
    protection_xml,
    sheet_member,
)

# No password: protection guides units to the fill-in cells, it is not a secret;
# the bureau can lift it with 审阅 → 撤销工作表保护 without asking anyone.
SHEET_PASSWORD: str | None = None

CHOICE_ERROR = "请从下拉列表中选择"
NUMBER_ERROR = "请输入不小于 0 的数字"
ERROR_TITLE = "输入有误"


def _check_sheet(sheet: SheetSpec) -> None:
    _check_columns(sheet)
    row_keys = [r.key for r in sheet.rows]
    if len(set(row_keys)) != len(row_keys):
        raise _duplicate_rows(sheet)
    kinds = {c.key: c.kind for c in sheet.columns}
    for row in sheet.rows:
        _check_row(sheet, kinds, row)


def _check_columns(sheet: SheetSpec) -> None:
    keys = [c.key for c in sheet.columns]
    if not keys:
        raise WorkbookRenderError(f"工作表“{sheet.name}”没有任何列")
    if len(set(keys)) != len(keys):
        raise WorkbookRenderError(f"工作表“{sheet.name}”的列标识重复")
    kinds = {c.key: c.kind for c in sheet.columns}
    for key in sheet.merge_equal:
        if kinds.get(key) != "text":
            raise WorkbookRenderError(f"工作表“{sheet.name}”：只有文字列可以合并相同内容（{key}）")
    for column in sheet.columns:
        _check_choices(sheet.name, column)


def _duplicate_rows(sheet: SheetSpec) -> WorkbookRenderError:
    return WorkbookRenderError(f"工作表“{sheet.name}”的行标识重复")


def _check_row(sheet: SheetSpec, kinds: Mapping[str, str], row: Row) -> None:
    unknown = (set(row.values) | row.disabled) - set(kinds)
    if unknown:
        raise WorkbookRenderError(
            f"工作表“{sheet.name}”行“{row.key}”引用了不存在的列：{'、'.join(sorted(unknown))}"
        )
    if any(kinds[key] == "text" for key in row.disabled):
        raise WorkbookRenderError(f"工作表“{sheet.name}”行“{row.key}”：只有填写列可以设为不适用")


def _check_choices(sheet_name: str, column: Column) -> None:
    if column.kind != "input_choice":
        return
    where = f"工作表“{sheet_name}”列“{column.title}”"
    if not column.choices:
        raise WorkbookRenderError(f"{where}：下拉列表没有选项")
    if any("," in c or '"' in c or not c for c in column.choices):
        raise WorkbookRenderError(f"{where}：下拉选项不能为空，也不能含半角逗号或双引号")
    # Excel rejects inline lists longer than 255 characters when opening the file.
    if len(",".join(column.choices)) > 255:
        raise WorkbookRenderError(f"{where}：下拉选项总长度超过 Excel 上限 255 个字符")


# --- sheet rendering ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Frame:
    """Row numbers of one sheet's parts."""

    title_row: int
    subtitle_row: int | None
    header_rows: tuple[int, int]

    @property
    def first_data_row(self) -> int:
        return self.header_rows[1] + 1


def _frame(sheet: SheetSpec) -> _Frame:
    subtitle_row = 2 if sheet.subtitle else None
    first_header = 3 if sheet.subtitle else 2
    return _Frame(1, subtitle_row, (first_header, first_header + 1))


# A data cell's named style, its font size and the least lines its row gives it.
_CellLook = tuple[str, float, int]


def _data_style(column: Column, disabled: bool) -> str:
    if column.kind == "text":
        return STYLE_TEXT
    if disabled:
        return STYLE_DISABLED
    return {"input_text": STYLE_INPUT, "input_choice": STYLE_CHOICE}.get(column.kind, STYLE_NUMBER)


class _SheetRenderer:
    """Lays one SheetSpec out as worksheet XML.

    Rows are laid out one *segment* at a time: the rows one block of the leftmost merged
    column spans (or one row), which no merge or page break crosses. A sheet whose rows
    are not a list (made as they are iterated, with their number known: ten thousand
    units' consolidated rows) is compressed segment by segment, never held whole; the
    bytes are those of the sheet laid out at once.
    """

    def __init__(
        self,
        sheet: SheetSpec,
        styles: Mapping[str, CellStyle],
        table: StyleTable,
        strings: SharedStrings,
    ):
        self.out = SheetWriter(table, strings)
        self.sheet = sheet
        self.styles = styles
        self.frame = _frame(sheet)
        self.last_col = len(sheet.columns)
        self.heights: dict[int, float] = {}
        self.pages_wide = 1
        self.count = len(sheet.rows)
        self.keys: list[str] = []  # each row's key, in order (for the identity sheet)
        self.segments: list[tuple[int, float]] = []  # first worksheet row, total height
        self._looks: list[tuple[int, str, float, tuple[_CellLook, _CellLook]]] | None = None
        merged = [i for i, c in enumerate(sheet.columns, start=1) if c.key in sheet.merge_equal]
        self.leading = sheet.columns[merged[0] - 1].key if merged else None
        self.merges: dict[int, list[tuple[int, int, int, int]]] = {i: [] for i in merged}
        # Rows made as they are iterated are checked as they come (a list: before, by the caller).
        self.check_rows = not isinstance(sheet.rows, list | tuple)
        self.kinds = {c.key: c.kind for c in sheet.columns}
        self.seen: set[str] = set()
        self.duplicate = self.failed = False
        self.row_problem: WorkbookRenderError | None = None
        inputs = ("input_choice", "input_number")
        self.enabled: dict[int, list[int]] = {
            i: [] for i, c in enumerate(sheet.columns, start=1) if c.kind in inputs
        }

    def render(
        self,
        page: PageXml,
        protection: str,
        layout: PageLayout | None = None,
        member: str | None = None,
    ) -> SheetPart:
        """The sheet; streamed into zip member ``member`` when its rows are not a list."""
        self.out.widths = [column.width for column in self.sheet.columns]
        self._title_rows()
        self._header()
        top, bottom = self.frame.header_rows
        self.out.frozen = (bottom + 1, self._frozen_columns() + 1)
        self.out.protection = protection
        self.out.page = page
        self._settle(1, bottom)
        last_row = max(bottom, bottom + self.count)
        if member is not None and self.check_rows and self.out.last_column() == self.last_col:
            assert member is not None
            self.out.stream(member, last_row, self.last_col)
        self._data()
        for refs in self.merges.values():  # column by column, as they are listed
            for ref in refs:
                self.out.merge_ref(*ref)
        self._validations()
        self.out.page = page if layout is None else self._printed(page, layout)
        names = {
            "Print_Titles": self._print_titles(top, bottom),
            "Print_Area": absolute_range(1, 1, last_row, self.last_col),
        }
        if self.out.streaming:
            return SheetPart(self.sheet.name, b"", names=names, member=self.out.member())
        return SheetPart(self.sheet.name, self.out.xml(), names=names)

    def _settle(self, first: int, last: int) -> None:
        """Rows ``first``..``last`` are laid out: their heights as written."""
        for row in range(first, last + 1):
            if row in self.heights:
                self.out.heights[row] = round(self.heights[row], 1)

    # -- the data rows, segment by segment

    def _data(self) -> None:
        first = self.frame.first_data_row
        offset = 0
        segments = self._segments()
        failure = None
        for segment in segments:
            try:
                self._segment(first + offset, segment)
            except WorkbookRenderError as error:
                # The rows' own problems come first, as when rows are checked before rendering.
                failure = error
                self.failed = True
                for _ in segments:
                    pass
                break
            offset += len(segment)
            if self.out.streaming:
                self.out.flush(first + offset - 1)
                for row in range(first + offset - len(segment), first + offset):
                    del self.heights[row], self.out.heights[row]  # written; totals kept
        if self.duplicate:
            raise _duplicate_rows(self.sheet)
        if self.row_problem is not None:
            raise self.row_problem
        if failure is not None:
            raise failure
        if offset != self.count:
            raise WorkbookRenderError(f"工作表“{self.sheet.name}”的行数与声明的不符")

    def _segments(self) -> Iterator[list[Row]]:
        """The rows in segments: a new one where the leftmost merged column's block ends.

        Rows that are not a list are checked here, as they come (see :func:`_check_sheet`).
        """
        key = self.leading
        segment: list[Row] = []
        for row in self.sheet.rows:
            if self.check_rows:
                self._check(row)
            if self.failed:
                continue
            if segment and not _continues(segment[-1], row, key):
                yield segment
                segment = []
            segment.append(row)
        if segment:
            yield segment

    def _check(self, row: Row) -> None:
        """One row's checks; the first problem is raised once the rows are all seen."""
        if row.key in self.seen:
            self.duplicate = self.failed = True
        self.seen.add(row.key)
        if self.row_problem is None:
            try:
                _check_row(self.sheet, self.kinds, row)
            except WorkbookRenderError as error:
                self.row_problem = error
                self.failed = True

    def _segment(self, top: int, rows: list[Row]) -> None:
        blocks = list(_merge_blocks(self.sheet, rows))
        in_block = {(index, o) for index, start, end in blocks for o in range(start, end + 1)}
        out, name, enabled, columns = self.out, self.sheet.name, self.enabled, self._columns()
        for o, row in enumerate(rows):
            r = top + o
            self.keys.append(row.key)
            height = 0.0
            values, off = row.values, row.disabled
            for index, key, width, (on, disabled_style) in columns:
                disabled = key in off
                style, size, min_lines = disabled_style if disabled else on
                value = values.get(key)
                _put(out, name, r, index, value, style)
                if not disabled and index in enabled:
                    enabled[index].append(r)
                if (index, o) in in_block:
                    continue
                height = max(height, needed_height(value, width, size, min_lines))
            self.heights[r] = height or row_height(1, self._font_size(STYLE_TEXT))
        for index, start, end in blocks:  # merged like equal cells, column by column
            column = self.sheet.columns[index - 1]
            self.merges[index].append(
                self.out.cover(top + start, index, top + end, index, STYLE_TEXT)
            )
            value = rows[start].values.get(column.key)
            needed = needed_height(value, column.width, self._font_size(STYLE_TEXT))
            spread(self.heights, range(top + start, top + end + 1), needed)
        last = top + len(rows) - 1
        self.segments.append((top, sum(self.heights[r] for r in range(top, last + 1))))
        self._settle(top, last)

    def _columns(self) -> list[tuple[int, str, float, tuple[_CellLook, _CellLook]]]:
        """Each column's index, key and width, and how its data cells look enabled and
        disabled (style, font size, least lines): worked out once per sheet, not per cell."""
        if self._looks is None:
            self._looks = [
                (
                    index,
                    column.key,
                    column.width,
                    (self._look(column, False), self._look(column, True)),
                )
                for index, column in enumerate(self.sheet.columns, start=1)
            ]
        return self._looks

    def _look(self, column: Column, disabled: bool) -> _CellLook:
        style = _data_style(column, disabled)
        return style, self._font_size(style), MIN_INPUT_LINES if style == STYLE_INPUT else 1

    # -- printing

    def _printed(self, page: PageXml, layout: PageLayout) -> PageXml:
        """The page setup that prints this sheet legibly on A4.

        As many pages wide as keep the text at ``MIN_PRINTED_PT`` or more (a ledger
        squeezed onto one page wide printed at 5 pt); and manual row breaks so that no
        merged block (创建项目 over its tasks) runs across a page break.
        """
        width_mm = sum(column_mm(c.width) for c in self.sheet.columns)
        usable_w, usable_h = printable_mm(layout)
        least = MIN_PRINTED_PT / min(self._font_size(STYLE_TEXT), self._font_size(STYLE_HEADER))
        wide = max(1, math.ceil(width_mm * least / usable_w - 0.001))
        if wide > 1:  # the title columns are printed again on every page across
            titles = sum(column_mm(c.width) for c in self.sheet.columns[: self._frozen_columns()])
            room = usable_w / least - titles  # sheet millimetres left on a page
            wide = max(2, math.ceil((width_mm - titles) / room - 0.001)) if room > 0 else wide
        self.pages_wide = wide
        scale = min(1.0, wide * usable_w / width_mm)
        tail = page.tail.replace(f'fitToWidth="{layout.fit_to_width}"', f'fitToWidth="{wide}"', 1)
        breaks = self._row_breaks(usable_h * MM_TO_PT / scale * PAGE_FILL)
        if breaks:
            items = "".join(f'<brk id="{row}" max="16383" man="1"/>' for row in breaks)
            count = len(breaks)
            tail += f'<rowBreaks count="{count}" manualBreakCount="{count}">{items}</rowBreaks>'
        return PageXml(page.sheet_pr, tail)

    def _print_titles(self, top: int, bottom: int) -> str:
        """The header rows; on a sheet printed several pages wide also the first (frozen)
        columns, so every page says which row is which."""
        rows = absolute_rows(top, bottom)
        columns = self._frozen_columns()
        if self.pages_wide < 2 or not columns:
            return rows
        return f"$A:${get_column_letter(columns)},{rows}"

    def _row_breaks(self, capacity: float) -> list[int]:
        """Rows after which a new page starts: before a merged block that would cross
        the foot of the page (a block taller than a page starts a page of its own)."""
        top, bottom = self.frame.header_rows
        height = lambda row: self.heights.get(row, DEFAULT_ROW_PT)  # noqa: E731
        titles = sum(height(r) for r in range(top, bottom + 1))
        used = sum(height(r) for r in range(1, bottom + 1))
        breaks = []
        for first, tall in self.segments:  # no merged block crosses from one to the next
            if used + tall > capacity and used > titles:
                breaks.append(first - 1)
                used = titles
            used += tall
        return breaks

    # -- helpers

    def _put(self, row: int, col: int, value: object, style: str) -> None:
        _put(self.out, self.sheet.name, row, col, value, style)

    def _merge(
        self, first_row: int, first_col: int, last_row: int, last_col: int, style: str
    ) -> None:
        """Merge a block whose top-left cell is already written in named style ``style``.

        The other cells get the block's outer borders (as openpyxl's merge gives
        them), so the whole block prints framed.
        """
        if (first_row, first_col) != (last_row, last_col):
            self.out.merge(first_row, first_col, last_row, last_col, style)

    def _font_size(self, style: str) -> float:
        return self.styles[style].font_size

    # -- parts

    def _title_rows(self) -> None:
        total = sum(c.width for c in self.sheet.columns)
        lines = [(self.frame.title_row, self.sheet.title, STYLE_TITLE)]
        if self.frame.subtitle_row is not None:
            lines.append((self.frame.subtitle_row, self.sheet.subtitle, STYLE_SUBTITLE))
        for row, text, style in lines:
            self._put(row, 1, text, style)
            self._merge(row, 1, row, self.last_col, style)
            self.heights[row] = needed_height(text, total, self._font_size(style)) + 4

    def _header(self) -> None:
        top, bottom = self.frame.header_rows
        size = self._font_size(STYLE_HEADER)
        self.heights[top] = self.heights[bottom] = row_height(1, size)
        # Headers spanning both rows are sized once both rows have their own heights.
        vertical: list[tuple[range, float]] = []
        columns = list(self.sheet.columns)
        index = 0
        while index < len(columns):
            column = columns[index]
            if column.group is None:
                self._put(top, index + 1, column.title, STYLE_HEADER)
                self._merge(top, index + 1, bottom, index + 1, STYLE_HEADER)
                needed = needed_height(column.title, column.width, size)
                vertical.append((range(top, bottom + 1), needed))
                index += 1
                continue
            end = index
            while end + 1 < len(columns) and columns[end + 1].group == column.group:
                end += 1
            span = sum(c.width for c in columns[index : end + 1])
            self._put(top, index + 1, column.group, STYLE_HEADER)
            self._merge(top, index + 1, top, end + 1, STYLE_HEADER)
            self.heights[top] = max(self.heights[top], needed_height(column.group, span, size))
            for offset in range(index, end + 1):
                sub = columns[offset]
                self._put(bottom, offset + 1, sub.title, STYLE_HEADER)
                needed = needed_height(sub.title, sub.width, size)
                self.heights[bottom] = max(self.heights[bottom], needed)
            index = end + 1
        for rows, needed in vertical:
            spread(self.heights, rows, needed)

    def _validations(self) -> None:
        for index, enabled in self.enabled.items():
            if enabled:
                ranges = [(start, index, end, index) for start, end in runs(enabled)]
                self.out.validate(_validation(self.sheet.columns[index - 1], ranges))

    def _frozen_columns(self) -> int:
        count, width = 0, 0.0
        for column in self.sheet.columns:
            width += column.width
            if column.kind != "text" or width > FREEZE_MAX_WIDTH:
                break
            count += 1
        return count


def _continues(previous: Row, row: Row, key: str | None) -> bool:
    """Whether ``row`` stays in ``previous``'s block of the leftmost merged column."""
    if key is None:
        return False
    value = previous.values.get(key)
    return value not in (None, "") and row.values.get(key) == value


def _merge_blocks(sheet: SheetSpec, rows: Sequence[Row]) -> Iterator[tuple[int, int, int]]:
    """(column index, first offset, last offset) for each block to merge, column by column.

    A block never crosses a break of a merged column further left, so a task
    merged under one 创建项目 never runs into the next project.
    """
    breaks: set[int] = set()
    for index, column in enumerate(sheet.columns, start=1):
        if column.key not in sheet.merge_equal:
            continue
        start = 0
        for offset in range(1, len(rows) + 1):
            value = rows[start].values.get(column.key)
            same = (
                offset < len(rows)
                and offset not in breaks
                and value not in (None, "")
                and rows[offset].values.get(column.key) == value
            )
            if same:
                continue
            breaks.add(offset)
            if offset - 1 > start:
                yield index, start, offset - 1
            start = offset


def _validation(column: Column, ranges: Sequence[tuple[int, int, int, int]]) -> Validation:
    if column.kind == "input_choice":
        kind = {"type": "list"}
        formula, error = '"' + ",".join(column.choices) + '"', CHOICE_ERROR
    else:
        kind = {"type": "decimal", "operator": "greaterThanOrEqual"}
        formula, error = "0", NUMBER_ERROR
    attributes = {
        **kind,
        "errorStyle": "stop",
        "allowBlank": "1",
        "showErrorMessage": "1",
        "errorTitle": ERROR_TITLE,
        "error": error,
    }
    return Validation(attributes, formula, ranges)


def _put(
    out: SheetWriter, sheet: str, row: int, col: int, value: object, style: str | None
) -> None:
    """Write a str as text (never a formula), a number as a number, in named style ``style``."""
    styles = out.styles
    if value is None or value == "":
        out.blank(row, col, styles.xf(style))
        return
    if isinstance(value, str):
        text = _CHECKED.get(value)
        if text is None:
            text = _checked(value, f"{sheet}!{get_column_letter(col)}{row}")
        out.text(row, col, text, styles.xf(style, needs_quote_prefix(value)))
    else:
        where = f"{sheet}!{get_column_letter(col)}{row}"
        out.number(row, col, checked_number(value, where), styles.xf(style))


# Texts that passed checked_text, as escaped: the same plan texts fill every unit's ledger.
# Only a text that passed is kept, so a failing one is checked (and named) where it is.
_CHECKED: dict[str, str] = {}
_CHECKED_KEPT = 65536


def _checked(text: str, where: str) -> str:
    escaped = checked_text(text, where)
    if len(_CHECKED) >= _CHECKED_KEPT:
        _CHECKED.clear()
    _CHECKED[text] = escaped
    return escaped


# --- identity sheet -----------------------------------------------------------------------------


def _sheet_map(sheet: SheetSpec, frame: _Frame, keys: Sequence[str]) -> SheetMap:
    """What the identity sheet records of one rendered sheet (``keys``: its rows')."""
    columns = {i: c.key for i, c in enumerate(sheet.columns, start=1)}
    return SheetMap(frame.header_rows, columns, _Numbered(frame.first_data_row, keys))


class _Numbered(Mapping[int, str]):
    """Row number -> row key, over the list of keys (no dict of ten thousand rows)."""

    def __init__(self, first: int, keys: Sequence[str]) -> None:
        self._first = first
        self._keys = keys

    def __getitem__(self, row: int) -> str:
        if not self._first <= row < self._first + len(self._keys):
            raise KeyError(row)
        return self._keys[row - self._first]

    def __iter__(self) -> Iterator[int]:
        return iter(range(self._first, self._first + len(self._keys)))

    def __len__(self) -> int:
        return len(self._keys)


# Identity lines written between two flushes of a streamed identity sheet.
_FLUSH_LINES = 1024


def _identity_sheet(
    spec: WorkbookSpec,
    frames: Mapping[str, _Frame],
    keys: Mapping[str, Sequence[str]],
    table: StyleTable,
    strings: SharedStrings,
    protection: str,
    streamed: bool = False,
) -> SheetPart:
    """The hidden identity sheet; ``streamed`` (as its workbook's sheets were): compressed
    as its lines come, one per row of every sheet."""
    for key in spec.identity:
        if not key or key in RESERVED_IDENTITY_KEYS:
            raise WorkbookRenderError(f"标识项名称“{key}”为空或为系统保留名称")
    maps = [(s.name, _sheet_map(s, frames[s.name], keys[s.name])) for s in spec.sheets]
    out = SheetWriter(table, strings)
    out.protection = protection
    out.page = _plain_page()
    if streamed:
        last_row, last_col = _extent(identity_rows(spec.identity, maps), table.xf(None))
        out.stream(sheet_member(len(spec.sheets) + 1), last_row, last_col)
    for r, line in enumerate(identity_rows(spec.identity, maps), start=1):
        for c, value in enumerate(line, start=1):
            _put(out, IDENTITY_SHEET, r, c, value, None)
        if streamed and r % _FLUSH_LINES == 0:
            out.flush(r)
    if streamed:
        return SheetPart(IDENTITY_SHEET, b"", state="veryHidden", member=out.member())
    return SheetPart(IDENTITY_SHEET, out.xml(), state="veryHidden")


def _extent(lines: Iterator[tuple[object, ...]], blank_xf: int) -> tuple[int, int]:
    """The last row and column the lines put a cell in, as :meth:`SheetWriter.xml` finds them."""
    last_row = last_col = 1
    for r, line in enumerate(lines, start=1):
        for c, value in enumerate(line, start=1):
            if (value is None or value == "") and blank_xf == DEFAULT_XF:
                continue  # a blank cell without a format is left out
            last_row = r
            last_col = max(last_col, c)
    return last_row, last_col


class XlsxEngine:
    """Renders WorkbookSpecs with the styles and page setup of one template."""

    def __init__(self, template_path: Path):
        self.template_path = Path(template_path)
        # Read once: rendering many units' ledgers must not touch the disk again.
        wb = load_workbook(io.BytesIO(self.template_path.read_bytes()))
        ws = wb[PROTOTYPE_SHEET] if PROTOTYPE_SHEET in wb.sheetnames else None
        self.styles = read_styles(self.template_path, wb, ws)
        self.page_layout = read_page_layout(self.template_path, ws)
        # Everything equal in every workbook of this template is resolved here, once.
        self._table = StyleTable([style.named_style(name) for name, style in self.styles.items()])
        page = Workbook().active
        apply_page_layout(page, self.page_layout)
        self._page = PageXml.of(page)

    def render(self, spec: WorkbookSpec) -> bytes:
        if not spec.sheets:
            raise WorkbookRenderError("工作簿中没有任何工作表")
        frames: dict[str, _Frame] = {}
        parts: list[SheetPart] = []
        seen: set[str] = set()
        strings = SharedStrings()
        keys: dict[str, list[str]] = {}
        for number, sheet in enumerate(spec.sheets, start=1):
            check_sheet_name(sheet.name, seen)
            if isinstance(sheet.rows, list | tuple):
                _check_sheet(sheet)
            else:  # rows made as they come: checked as they come
                _check_columns(sheet)
            renderer = _SheetRenderer(sheet, self.styles, self._table, strings)
            parts.append(
                renderer.render(
                    self._page, _ledger_protection(), self.page_layout, sheet_member(number)
                )
            )
            frames[sheet.name] = _frame(sheet)
            keys[sheet.name] = renderer.keys
        streamed = any(part.member is not None for part in parts)
        identity = _identity_sheet(
            spec, frames, keys, self._table, strings, _identity_protection(), streamed
        )
        parts.append(identity)
        refuse_illegal_chars(spec.title, "文档属性“标题”")
        properties = Properties(spec.title, AUTHOR, utc_naive(spec.created))
        # Units must not rename or add sheets: the returned file is matched by name.
        return package(parts, self._table, strings, properties, lock_structure=True)


@functools.cache
def _ledger_protection() -> str:
    protection = SheetProtection(sheet=True, formatRows=False, formatColumns=False)
    # Allowed: resizing rows/columns, so staff can fix a height our estimate got wrong.
    if SHEET_PASSWORD:
        protection.password = SHEET_PASSWORD
    return protection_xml(protection)


@functools.cache
def _identity_protection() -> str:
    return protection_xml(SheetProtection(sheet=True))


@functools.cache
def _plain_page() -> PageXml:
    return PageXml.of(Workbook().active)
