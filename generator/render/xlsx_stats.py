"""Statistics workbooks (统计表) with native Excel charts.

Each table becomes a sheet: a title row, a header row, the rows, and -- when
asked for -- a bar or column chart drawn from the table's own cells, so the
chart follows when someone corrects a number in Excel. Plan-agnostic: the caller
computes the figures; this module only lays them out.

Cell text is always written as text (a unit name starting with "=" is not a
formula), numbers as numbers; percentages are fractions 0..1 shown as ``0.0%``.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from copy import copy
from dataclasses import dataclass
from typing import Literal, TypeGuard

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.chart import BarChart, Reference
from openpyxl.chart.data_source import AxDataSource, NumRef, StrRef
from openpyxl.chart.label import DataLabelList
from openpyxl.chart.legend import Legend
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from generator.render.workbook_spec import WorkbookRenderError
from generator.render.xlsx.geometry import CELL_PADDING_UNITS, needed_height, text_units
from generator.render.xlsx.styles import (
    STYLE_HEADER,
    STYLE_TEXT,
    STYLE_TITLE,
    CellStyle,
    apply_page_layout,
    default_cell_styles,
    default_page_layout,
)
from generator.render.xlsx.values import (
    check_sheet_name,
    set_properties,
    workbook_bytes,
    write_value,
)

StatsValue = str | float | int | None

TITLE_ROW = 1
HEADER_ROW = 2
FIRST_ROW = 3
TITLE_FONT_SIZE = 16
PERCENT_FORMAT = "0.0%"
PERCENT_AXIS_FORMAT = "0%"
GENERAL_FORMAT = "General"

MIN_COLUMN_WIDTH = 6.0
MAX_COLUMN_WIDTH = 40.0  # longer text wraps
# A chart goes to the right of a narrow table and below a wide one, so a sheet
# prints on A4 landscape without shrinking the table to nothing.
CHART_BESIDE_MAX_WIDTH = 50.0
CHART_GAP_COLUMNS = 1
CHART_GAP_ROWS = 2
# Chart size in cm: grows with the number of bars, within what a page can show.
CHART_BASE_CM = (16.0, 9.0)  # width, height
CHART_MAX_CM = 30.0
BAR_CM = 0.55  # per category and series, along the category axis
CHART_AXES_CM = 3.0  # room for axis labels and title along the category axis
LABEL_CM_PER_UNIT = 0.19  # a text unit of a 10pt axis label
LABEL_GAP_CM = 0.4
MAX_TURNED_LABEL_CM = 6.0


@dataclass(frozen=True)
class ChartSpec:
    """A chart of one table; columns are 0-based indices into the table's columns."""

    kind: Literal["bar", "column"]  # bar: horizontal bars; column: vertical
    title: str
    category_column: int
    value_columns: Sequence[int]
    y_title: str
    percent: bool = False  # values are fractions 0..1, shown as percentages


@dataclass(frozen=True)
class StatsTable:
    sheet: str
    title: str
    columns: Sequence[str]
    rows: Sequence[Sequence[StatsValue]]
    chart: ChartSpec | None = None


@dataclass(frozen=True)
class StatsSpec:
    title: str
    created: datetime.datetime
    tables: Sequence[StatsTable]


def render_statistics(spec: StatsSpec) -> bytes:
    """The statistics workbook for ``spec``; same spec, same bytes.

    Raises :class:`WorkbookRenderError` (Chinese message) for a spec that cannot
    be shown faithfully.
    """
    if not spec.tables:
        raise WorkbookRenderError("统计表中没有任何表格")
    wb = Workbook()
    wb.remove(wb.active)
    styles = _Styles.build()
    stamps = _StyleStamps()
    seen: set[str] = set()
    for table in spec.tables:
        check_sheet_name(table.sheet, seen)
        _check_table(table)
        _TableRenderer(wb.create_sheet(table.sheet), table, styles, stamps).render()
    wb.active = 0
    set_properties(wb, spec.title, spec.created)
    return workbook_bytes(wb)


# --- checks ------------------------------------------------------------------------------


def _is_number(value: object) -> TypeGuard[int | float]:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _check_table(table: StatsTable) -> None:
    where = f"统计表“{table.sheet}”"
    if not table.columns:
        raise WorkbookRenderError(f"{where}没有任何列")
    for number, row in enumerate(table.rows, start=1):
        if len(row) != len(table.columns):
            raise WorkbookRenderError(
                f"{where}第 {number} 行有 {len(row)} 个值，与列数 {len(table.columns)} 不符"
            )
    if table.chart is not None:
        _check_chart(table, table.chart, where)


def _check_chart(table: StatsTable, chart: ChartSpec, where: str) -> None:
    indices = [chart.category_column, *chart.value_columns]
    if not chart.value_columns or any(not 0 <= i < len(table.columns) for i in indices):
        raise WorkbookRenderError(f"{where}的图表引用了不存在的列")
    if chart.category_column in chart.value_columns:
        raise WorkbookRenderError(f"{where}的图表：分类列不能同时作为数值列")
    for index in chart.value_columns:
        values = [row[index] for row in table.rows if row[index] is not None]
        numbers = [v for v in values if _is_number(v)]
        name = table.columns[index]
        if len(numbers) != len(values):
            raise WorkbookRenderError(f"{where}的列“{name}”用于作图，只能填写数字")
        if chart.percent and not all(0 <= v <= 1 for v in numbers):
            raise WorkbookRenderError(
                f"{where}的列“{name}”按百分比作图，数值须为 0 至 1 之间的小数"
            )


# --- styles ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Styles:
    title: CellStyle
    header: CellStyle
    text: CellStyle
    number: CellStyle
    percent: CellStyle

    @classmethod
    def build(cls) -> _Styles:
        defaults = default_cell_styles()
        title = defaults[STYLE_TITLE]
        header = defaults[STYLE_HEADER]
        text = defaults[STYLE_TEXT]
        title_font = copy(title.font)
        title_font.sz = TITLE_FONT_SIZE
        header_font = copy(header.font)
        header_font.b = True
        right = copy(text.alignment)
        right.horizontal = "right"
        return cls(
            title=CellStyle(title_font, title.fill, title.border, title.alignment),
            header=CellStyle(header_font, header.fill, header.border, header.alignment),
            text=text,
            number=CellStyle(text.font, text.fill, text.border, right, GENERAL_FORMAT),
            percent=CellStyle(text.font, text.fill, text.border, right, PERCENT_FORMAT),
        )


class _StyleStamps:
    """Each style's registered form in one workbook, looked up once per style, not per cell.

    Applying a CellStyle copies its Font, Fill, ... and finds them in the workbook's style
    tables; the resulting index array is the same for every cell of that style, so later
    cells just get a copy of it (openpyxl's own way of copying a cell's style).
    """

    def __init__(self) -> None:
        self._arrays: dict[int, StyleArray] = {}

    def apply(self, cell: Cell, style: CellStyle) -> None:
        array = self._arrays.get(id(style))
        if array is None:
            style.apply(cell)
            self._arrays[id(style)] = copy(cell._style)
        else:
            cell._style = copy(array)


def _display(value: StatsValue, percent: bool) -> str:
    """Roughly what Excel shows, for sizing columns."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if percent:
        return f"{value:.1%}"
    return str(value) if isinstance(value, int) else f"{value:.10g}"


def _value_labels() -> DataLabelList:
    # Every flag spelt out: LibreOffice adds series and category names to labels
    # whose other flags are merely absent.
    return DataLabelList(
        showVal=True,
        showLegendKey=False,
        showCatName=False,
        showSerName=False,
        showPercent=False,
        showBubbleSize=False,
        showLeaderLines=False,
    )


# --- one sheet -----------------------------------------------------------------------------


class _TableRenderer:
    """Lays one StatsTable out on one worksheet."""

    def __init__(self, ws: Worksheet, table: StatsTable, styles: _Styles, stamps: _StyleStamps):
        self.ws = ws
        self.table = table
        self.styles = styles
        self.stamps = stamps
        chart = table.chart
        self.percent_columns = frozenset(chart.value_columns if chart and chart.percent else ())
        self.widths = [self._width(i) for i in range(len(table.columns))]
        self.last_row = HEADER_ROW + len(table.rows)

    def render(self) -> None:
        for index, width in enumerate(self.widths, start=1):
            self.ws.column_dimensions[get_column_letter(index)].width = width
        self._title()
        self._header()
        self._rows()
        self._page()
        if self.table.chart is not None and self.table.rows:
            self.ws.add_chart(self._chart(self.table.chart), self._chart_anchor())

    # -- layout

    def _width(self, index: int) -> float:
        percent = index in self.percent_columns
        texts = [self.table.columns[index]]
        texts += [_display(row[index], percent) for row in self.table.rows]
        widest = max(max((text_units(line) for line in t.split("\n")), default=0) for t in texts)
        return min(max(widest + CELL_PADDING_UNITS, MIN_COLUMN_WIDTH), MAX_COLUMN_WIDTH)

    def _put(self, row: int, col: int, value: StatsValue, style: CellStyle) -> None:
        cell = self.ws.cell(row=row, column=col)
        self.stamps.apply(cell, style)
        write_value(cell, value, f"{self.ws.title}!{cell.coordinate}")

    def _height(self, row: int, values: Sequence[StatsValue], style: CellStyle) -> None:
        needed = max(
            needed_height(value, width, style.font_size)
            for value, width in zip(values, self.widths, strict=True)
        )
        self.ws.row_dimensions[row].height = round(needed, 1)

    def _title(self) -> None:
        style = self.styles.title
        self._put(TITLE_ROW, 1, self.table.title, style)
        last = len(self.table.columns)
        if last > 1:
            self.ws.merge_cells(
                start_row=TITLE_ROW, start_column=1, end_row=TITLE_ROW, end_column=last
            )
        needed = needed_height(self.table.title, sum(self.widths), style.font_size) + 4
        self.ws.row_dimensions[TITLE_ROW].height = round(needed, 1)

    def _header(self) -> None:
        for col, title in enumerate(self.table.columns, start=1):
            self._put(HEADER_ROW, col, title, self.styles.header)
        self._height(HEADER_ROW, self.table.columns, self.styles.header)

    def _cell_style(self, index: int, value: StatsValue) -> CellStyle:
        if not _is_number(value):
            return self.styles.text
        return self.styles.percent if index in self.percent_columns else self.styles.number

    def _rows(self) -> None:
        for offset, values in enumerate(self.table.rows):
            row = FIRST_ROW + offset
            for index, value in enumerate(values):
                self._put(row, index + 1, value, self._cell_style(index, value))
            shown = [_display(v, i in self.percent_columns) for i, v in enumerate(values)]
            self._height(row, shown, self.styles.text)

    def _page(self) -> None:
        ws = self.ws
        ws.freeze_panes = ws.cell(row=FIRST_ROW, column=1)
        apply_page_layout(ws, default_page_layout())
        ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"

    # -- chart

    def _chart_anchor(self) -> str:
        if sum(self.widths) <= CHART_BESIDE_MAX_WIDTH:
            return f"{get_column_letter(len(self.widths) + 1 + CHART_GAP_COLUMNS)}{HEADER_ROW}"
        return f"A{self.last_row + 1 + CHART_GAP_ROWS}"

    def _chart(self, spec: ChartSpec) -> BarChart:
        chart = BarChart()
        chart.type = "bar" if spec.kind == "bar" else "col"
        chart.grouping = "clustered"
        chart.title = spec.title
        for index in spec.value_columns:
            # From the header row: the header cell becomes the series title.
            data = Reference(self.ws, min_col=index + 1, min_row=HEADER_ROW, max_row=self.last_row)
            chart.add_data(data, titles_from_data=True)
        self._categories(chart, spec.category_column)
        self._axes(chart, spec)
        chart.dataLabels = _value_labels()
        if spec.percent:
            chart.dataLabels.numFmt = PERCENT_FORMAT
        chart.legend = Legend(legendPos="b") if len(spec.value_columns) > 1 else None
        chart.width, chart.height = self._chart_size(spec)
        return chart

    def _categories(self, chart: BarChart, index: int) -> None:
        ref = str(Reference(self.ws, min_col=index + 1, min_row=FIRST_ROW, max_row=self.last_row))
        # openpyxl's set_categories() always declares numbers; names are strings.
        text = any(isinstance(row[index], str) for row in self.table.rows)
        source = AxDataSource(strRef=StrRef(f=ref)) if text else AxDataSource(numRef=NumRef(f=ref))
        for series in chart.series:
            series.cat = source

    def _axes(self, chart: BarChart, spec: ChartSpec) -> None:
        # openpyxl 3.1 leaves <c:delete> out unless told, and Excel then hides the axes.
        chart.x_axis.delete = False
        chart.y_axis.delete = False
        chart.x_axis.title = self.table.columns[spec.category_column]
        chart.y_axis.title = spec.y_title
        chart.y_axis.scaling.min = 0
        if spec.percent:
            chart.y_axis.scaling.max = 1
            chart.y_axis.number_format = PERCENT_AXIS_FORMAT
        if spec.kind == "bar":
            chart.x_axis.axPos, chart.y_axis.axPos = "l", "b"
            # Horizontal bars list the first row at the top, as the table does.
            chart.x_axis.scaling.orientation = "maxMin"
            chart.y_axis.crosses = "max"
        else:
            chart.x_axis.axPos, chart.y_axis.axPos = "b", "l"

    def _chart_size(self, spec: ChartSpec) -> tuple[float, float]:
        """(width, height) in cm: room for every bar, and for level category labels."""
        width, height = CHART_BASE_CM
        per_category = BAR_CM * (1 + 0.5 * (len(spec.value_columns) - 1))
        if spec.kind == "bar":  # labels sit left of the bars, one line each
            along = CHART_AXES_CM + per_category * len(self.table.rows)
            return width, min(max(height, along), CHART_MAX_CM)
        labels = [_display(row[spec.category_column], False) for row in self.table.rows]
        label_cm = LABEL_CM_PER_UNIT * max(map(text_units, labels), default=0)
        along = CHART_AXES_CM + max(per_category, label_cm + LABEL_GAP_CM) * len(labels)
        if along <= CHART_MAX_CM:
            return max(width, along), height
        # Too many labels to sit level: the application turns them; give them height.
        return CHART_MAX_CM, height + min(label_cm, MAX_TURNED_LABEL_CM)
