"""Ledger cell styles and page setup: the names a template carries, read once per template.

The style names are shared with ``tools/make_xlsx_template.py``, which writes the template
from ``default_cell_styles`` and ``default_page_layout``; a template lacking one falls back
to the default with a ``TemplateStyleWarning``.
"""

from __future__ import annotations

import warnings
from copy import copy
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Protection, Side
from openpyxl.worksheet.header_footer import HeaderFooter
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.worksheet import Worksheet

from generator.render.xlsx.geometry import BASE_FONT_SIZE

# --- names shared with tools/make_xlsx_template.py -------------------------------

PROTOTYPE_SHEET = "台账"

STYLE_TITLE = "台账标题"
STYLE_SUBTITLE = "台账副标题"
STYLE_HEADER = "台账表头"
STYLE_TEXT = "台账文字"
STYLE_INPUT = "台账填写"
STYLE_CHOICE = "台账选项"
STYLE_NUMBER = "台账数字"
STYLE_DISABLED = "台账不适用"
STYLE_NAMES = (
    STYLE_TITLE,
    STYLE_SUBTITLE,
    STYLE_HEADER,
    STYLE_TEXT,
    STYLE_INPUT,
    STYLE_CHOICE,
    STYLE_NUMBER,
    STYLE_DISABLED,
)
# Only the fill-in styles are editable; enforced here whatever the template says,
# because protection is what keeps units from overwriting the plan text.
UNLOCKED_STYLES = frozenset({STYLE_INPUT, STYLE_CHOICE, STYLE_NUMBER})

FOOTER_TEXT = "第 &P 页 共 &N 页"


class TemplateStyleWarning(UserWarning):
    """The template lacks a style or page setup and a built-in default is used."""


@dataclass(frozen=True)
class CellStyle:
    """One prototype's formatting; turned into a fresh NamedStyle for every render."""

    font: Font
    fill: PatternFill
    border: Border
    alignment: Alignment
    number_format: str = "General"

    @classmethod
    def of(cls, source: Cell | NamedStyle) -> CellStyle:
        """The formatting of a template cell or of a named style."""
        return cls(
            font=copy(source.font),
            fill=copy(source.fill),
            border=copy(source.border),
            alignment=copy(source.alignment),
            number_format=source.number_format,
        )

    @property
    def font_size(self) -> float:
        return float(self.font.sz or BASE_FONT_SIZE)

    def apply(self, cell: Cell) -> None:
        """Format one cell directly, for workbooks that do not carry our named styles."""
        cell.font = copy(self.font)
        cell.fill = copy(self.fill)
        cell.border = copy(self.border)
        cell.alignment = copy(self.alignment)
        cell.number_format = self.number_format

    def named_style(self, name: str) -> NamedStyle:
        return NamedStyle(
            name=name,
            font=copy(self.font),
            fill=copy(self.fill),
            border=copy(self.border),
            alignment=copy(self.alignment),
            number_format=self.number_format,
            protection=Protection(locked=name not in UNLOCKED_STYLES),
        )


# Printing: what a ledger must keep legible, and the sizes it is measured with.
MIN_PRINTED_PT = 9.0
DEFAULT_ROW_PT = 15.0
MM_TO_PT = 72 / 25.4
PAGE_FILL = 0.95  # of a page's height, for what our row-height estimate may miss
A4_MM = (210.0, 297.0)


def column_mm(width: float) -> float:
    """Printed width of an Excel column ``width`` characters wide (7 px a character + 5)."""
    return (width * 7 + 5) * 25.4 / 96


def printable_mm(layout: PageLayout) -> tuple[float, float]:
    """(width, height) inside the margins of an A4 page of ``layout``."""
    short, long = A4_MM
    width, height = (long, short) if layout.orientation == "landscape" else (short, long)
    m = layout.margins
    return width - (m.left + m.right) * 25.4, height - (m.top + m.bottom) * 25.4


@dataclass(frozen=True)
class PageLayout:
    orientation: str = "landscape"
    paper_size: int = 9  # A4
    fit_to_page: bool = True
    fit_to_width: int = 1
    fit_to_height: int = 0  # 0 = as many pages tall as needed
    horizontal_centered: bool = True
    margins: PageMargins = field(
        default_factory=lambda: PageMargins(
            left=0.5, right=0.5, top=0.6, bottom=0.7, header=0.3, footer=0.35
        )
    )
    header_footer: HeaderFooter = field(default_factory=lambda: _default_header_footer())


def _default_header_footer() -> HeaderFooter:
    hf = HeaderFooter()
    hf.oddFooter.center.text = FOOTER_TEXT
    hf.oddFooter.center.font = "仿宋_GB2312,Regular"
    hf.oddFooter.center.size = 10
    return hf


def _thin_border() -> Border:
    side = Side(style="thin", color="FF000000")
    return Border(left=side, right=side, top=side, bottom=side)


def default_cell_styles() -> dict[str, CellStyle]:
    """The built-in styles: what the template is generated from, and the fallback."""
    body_font = Font(name="仿宋_GB2312", size=11, charset=134)
    wrap_left = Alignment(horizontal="left", vertical="center", wrap_text=True)
    wrap_center = Alignment(horizontal="center", vertical="center", wrap_text=True)
    none = PatternFill()
    plain = Border()
    return {
        STYLE_TITLE: CellStyle(
            Font(name="方正小标宋简体", size=18, charset=134), none, plain, wrap_center
        ),
        STYLE_SUBTITLE: CellStyle(
            Font(name="仿宋_GB2312", size=12, charset=134),
            none,
            plain,
            Alignment(horizontal="left", vertical="center", wrap_text=True),
        ),
        STYLE_HEADER: CellStyle(
            Font(name="黑体", size=11, charset=134),
            PatternFill("solid", fgColor="FFF2F2F2"),
            _thin_border(),
            wrap_center,
        ),
        STYLE_TEXT: CellStyle(copy(body_font), none, _thin_border(), wrap_left),
        STYLE_INPUT: CellStyle(
            copy(body_font), PatternFill("solid", fgColor="FFFFFFF0"), _thin_border(), wrap_left
        ),
        STYLE_CHOICE: CellStyle(
            copy(body_font), PatternFill("solid", fgColor="FFFFFFF0"), _thin_border(), wrap_center
        ),
        # General, not a fixed-decimals format: counts should show "5", amounts "2.5",
        # and every fixed Excel format gets one of the two wrong ("5." or "2.50").
        STYLE_NUMBER: CellStyle(
            copy(body_font),
            PatternFill("solid", fgColor="FFFFFFF0"),
            _thin_border(),
            Alignment(horizontal="right", vertical="center", wrap_text=True),
            "General",
        ),
        STYLE_DISABLED: CellStyle(
            Font(name="仿宋_GB2312", size=11, charset=134, color="FF808080"),
            PatternFill("solid", fgColor="FFD9D9D9"),
            _thin_border(),
            wrap_center,
        ),
    }


def default_page_layout() -> PageLayout:
    return PageLayout()


def apply_page_layout(ws: Worksheet, layout: PageLayout) -> None:
    """Put ``layout`` on ``ws`` (also used to write the template itself)."""
    ws.page_setup.orientation = layout.orientation
    ws.page_setup.paperSize = layout.paper_size
    ws.page_setup.fitToWidth = layout.fit_to_width
    ws.page_setup.fitToHeight = layout.fit_to_height
    ws.sheet_properties.pageSetUpPr.fitToPage = layout.fit_to_page
    ws.print_options.horizontalCentered = layout.horizontal_centered
    ws.page_margins = copy(layout.margins)
    ws.HeaderFooter = copy(layout.header_footer)


# --- template loading -----------------------------------------------------------------


def _warn(message: str) -> None:
    # Point at the code constructing the engine, not at the template reader.
    warnings.warn(message, TemplateStyleWarning, stacklevel=4)


def _find_prototypes(ws: Worksheet) -> dict[str, CellStyle]:
    """First cell (reading order) carrying each of our named styles."""
    found: dict[str, CellStyle] = {}
    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell, Cell) and cell.style in STYLE_NAMES and cell.style not in found:
                found[cell.style] = CellStyle.of(cell)
    return found


def read_styles(path: Path, wb: Workbook, ws: Worksheet | None) -> dict[str, CellStyle]:
    prototypes = _find_prototypes(ws) if ws is not None else {}
    # openpyxl exposes only the names publicly; the definitions live here.
    named = {style.name: style for style in wb._named_styles}
    defaults = default_cell_styles()
    styles: dict[str, CellStyle] = {}
    missing: list[str] = []
    for name in STYLE_NAMES:
        if name in prototypes:
            styles[name] = prototypes[name]
        elif name in named:
            styles[name] = CellStyle.of(named[name])
        else:
            missing.append(f"“{name}”")
            styles[name] = defaults[name]
    if missing:
        _warn(f"台账模板 {path} 中没有单元格样式{'、'.join(missing)}，已使用内置默认样式")
    return styles


def _default_if_none(value: bool | None, default: bool) -> bool:
    """openpyxl reports a setting the template leaves out as None."""
    return default if value is None else bool(value)


def read_page_layout(path: Path, ws: Worksheet | None) -> PageLayout:
    default = default_page_layout()
    if ws is None:
        _warn(f"台账模板 {path} 中没有工作表“{PROTOTYPE_SHEET}”，页面设置使用内置默认值")
        return default
    setup = ws.page_setup
    fit = ws.sheet_properties.pageSetUpPr
    footer = ws.HeaderFooter
    has_footer = footer is not None and bool(
        footer.oddFooter.left.text or footer.oddFooter.center.text or footer.oddFooter.right.text
    )
    return PageLayout(
        orientation=setup.orientation or default.orientation,
        paper_size=setup.paperSize or default.paper_size,
        fit_to_page=_default_if_none(fit and fit.fitToPage, default.fit_to_page),
        fit_to_width=default.fit_to_width if setup.fitToWidth is None else setup.fitToWidth,
        fit_to_height=default.fit_to_height if setup.fitToHeight is None else setup.fitToHeight,
        horizontal_centered=_default_if_none(
            ws.print_options.horizontalCentered, default.horizontal_centered
        ),
        margins=copy(ws.page_margins) if ws.page_margins is not None else default.margins,
        header_footer=copy(footer) if has_footer else default.header_footer,
    )
