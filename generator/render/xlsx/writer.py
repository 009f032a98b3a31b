"""Write .xlsx packages directly as XML text, without an openpyxl object per cell.

openpyxl builds a Python object for every cell, hashes its style, and streams each
sheet through a temp file; for a thousand ledgers that is most of the time. This
writer takes cells already laid out (row, column, value, cell format id) and
joins the sheet XML as text. Everything that is the same in every workbook of one
template -- styles.xml with every cell format a render can use, the theme, the
page setup fragments -- is serialised (by openpyxl, so its rules are unchanged)
and compressed once; see ``StyleTable`` and ``rawzip``.

The writer knows nothing about ledgers: the engine (``engine``) validates
values and decides what goes where.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Mapping, Sequence
from copy import copy
from dataclasses import dataclass, field

from lxml import etree
from openpyxl import Workbook
from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.packaging.extended import ExtendedProperties
from openpyxl.styles import Border, NamedStyle
from openpyxl.styles.cell_style import StyleArray
from openpyxl.styles.stylesheet import write_stylesheet
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.protection import SheetProtection
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.theme import theme_xml
from openpyxl.xml.functions import tostring

from generator.render import rawzip

XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
DOC_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
WORKSHEET_REL = f"{DOC_REL_NS}/worksheet"
SHEET_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
STRINGS_PART = "xl/sharedStrings.xml"
STRINGS_CONTENT_TYPE = (
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
)
# Sides of a merged block, in the order openpyxl's MergedCellRange.format applies them.
SIDES = ("top", "left", "right", "bottom")
DEFAULT_XF = 0

_CONTENT_TYPES = (
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.styles+xml"/>'
    '<Override PartName="/xl/theme/theme1.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.theme+xml"/>'
    '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-'
    'package.core-properties+xml"/>'
    '<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.extended-properties+xml"/>'
    f'<Override PartName="/{STRINGS_PART}" ContentType="{STRINGS_CONTENT_TYPE}"/>'
    "{sheets}</Types>"
)
_PACKAGE_RELS = (
    f'<Relationships xmlns="{PKG_REL_NS}">'
    f'<Relationship Id="rId1" Type="{DOC_REL_NS}/officeDocument" Target="xl/workbook.xml"/>'
    f'<Relationship Id="rId2" Type="{PKG_REL_NS}/metadata/core-properties" '
    'Target="docProps/core.xml"/>'
    f'<Relationship Id="rId3" Type="{DOC_REL_NS}/extended-properties" '
    'Target="docProps/app.xml"/></Relationships>'
)
_CORE = (
    '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
    'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'xmlns:dcterms="http://purl.org/dc/terms/" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
    "<dc:creator>{author}</dc:creator><dc:title>{title}</dc:title>"
    '<dcterms:created xsi:type="dcterms:W3CDTF">{created}</dcterms:created>'
    '<dcterms:modified xsi:type="dcterms:W3CDTF">{created}</dcterms:modified>'
    "<cp:lastModifiedBy>{author}</cp:lastModifiedBy></cp:coreProperties>"
)
_SHEET_FORMAT = '<sheetFormatPr baseColWidth="8" defaultRowHeight="15"/>'


# --- escaping ----------------------------------------------------------------------------

# A literal CR would come back as LF (XML end-of-line handling); a character
# reference keeps it. Callers have already refused the characters XML cannot hold.
_TEXT_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
_ATTR_ESCAPES = str.maketrans(
    {
        "&": "&amp;",
        "<": "&lt;",
        ">": "&gt;",
        '"': "&quot;",
        "\t": "&#9;",
        "\n": "&#10;",
        "\r": "&#13;",
    }
)
_TEXT_SPECIALS = frozenset("&<>\r")


def xml_text(text: str) -> str:
    """``text`` escaped for element content."""
    if _TEXT_SPECIALS.isdisjoint(text):  # the usual case, and much cheaper than translate
        return text
    return text.translate(_TEXT_ESCAPES)


def xml_attr(text: str) -> str:
    """``text`` escaped for a double-quoted attribute value (white space kept exactly)."""
    return text.translate(_ATTR_ESCAPES)


def number_text(value: int | float) -> str:
    """A number as Excel reads it back exactly (repr is the shortest round-trip form)."""
    return repr(value) if isinstance(value, float) else str(value)


def _xml(element: object) -> str:
    """An openpyxl element as text, for the fragments serialised once."""
    return tostring(element).decode("utf-8")  # type: ignore[arg-type]


# The children of a <font> (CT_Font, ECMA-376 Part 1 §18.8.22) in the order the Open XML
# SDK's schema requires and Excel writes them. sml.xsd itself allows any order, and openpyxl
# writes name/charset/family first; Excel opens that, but the SDK (and so openxml-audit)
# reports "Unexpected element" for each such font -- one order satisfies both.
FONT_CHILD_ORDER = (
    "b", "i", "strike", "condense", "extend", "outline", "shadow", "u", "vertAlign",
    "sz", "color", "name", "family", "charset", "scheme",
)  # fmt: skip
_FONT_RANK = {name: rank for rank, name in enumerate(FONT_CHILD_ORDER)}


def schema_ordered_fonts(styles_xml: bytes) -> bytes:
    """styles.xml with each font's children (cell and differential formats) in schema order."""
    root = etree.fromstring(styles_xml)
    for font in root.iter(f"{{{MAIN_NS}}}font"):
        font[:] = sorted(font, key=lambda child: _FONT_RANK.get(etree.QName(child).localname, 99))
    return XML_DECLARATION.encode("utf-8") + etree.tostring(root, encoding="utf-8")


# --- cell formats ------------------------------------------------------------------------


class StyleTable:
    """The cell formats (xf ids) of a set of named styles, and styles.xml holding them.

    Every format a render can use is registered here up front: each named style
    plain and with Excel's quote prefix, and each style's look on the other cells
    of a merged block (what openpyxl's merge gives them: the block's outer borders
    and the top-left cell's protection). So styles.xml -- and the output bytes --
    never depend on what was rendered before.
    """

    def __init__(self, named_styles: Sequence[NamedStyle]):
        wb = Workbook()
        for style in named_styles:
            wb.add_named_style(style)
        ws = wb.active
        self._plain: dict[tuple[str | None, bool], int] = {}
        self._merged: dict[tuple[str, frozenset[str]], int] = {}
        for name in (None, *(style.name for style in named_styles)):
            cell = ws.cell(row=1, column=1)
            cell._style = StyleArray()
            if name is not None:
                cell.style = name
            for quoted in (False, True):
                cell.quotePrefix = quoted
                self._plain[name, quoted] = wb._cell_styles.add(copy(cell._style))
            cell.quotePrefix = False
            if name is None:
                continue
            for edges in _edge_sets():
                merged = _merged_style(ws, cell, edges)
                self._merged[name, edges] = wb._cell_styles.add(merged)
        styles = schema_ordered_fonts(tostring(write_stylesheet(wb)))
        self.member = rawzip.deflate("xl/styles.xml", styles)

    def xf(self, name: str | None, quoted: bool = False) -> int:
        """The format of a cell in named style ``name`` (None: Excel's Normal)."""
        return self._plain[name, quoted]

    def merged_xf(self, name: str, edges: frozenset[str]) -> int:
        """The format of a covered cell on ``edges`` of a block whose first cell has ``name``."""
        return self._merged[name, edges]


@functools.cache
def _edge_sets() -> tuple[frozenset[str], ...]:
    return tuple(
        frozenset(side for bit, side in enumerate(SIDES) if mask >> bit & 1)
        for mask in range(1 << len(SIDES))
    )


def _merged_style(ws: Worksheet, start: Cell, edges: frozenset[str]) -> StyleArray:
    """What openpyxl's MergedCellRange.format makes of a covered cell on ``edges``."""
    cell = MergedCell(ws, row=2, column=1)
    for name in SIDES:
        side = getattr(start.border, name)
        if name not in edges or (side and side.style is None):
            continue
        cell.border += Border(**{name: side})
    cell.protection = copy(start.protection)
    return copy(cell._style)


def _edges(row: int, col: int, rows: range, cols: range) -> frozenset[str]:
    found = []
    if row == rows[0]:
        found.append("top")
    if col == cols[0]:
        found.append("left")
    if col == cols[-1]:
        found.append("right")
    if row == rows[-1]:
        found.append("bottom")
    return frozenset(found)


# --- fixed fragments ---------------------------------------------------------------------


@dataclass(frozen=True)
class PageXml:
    """The page setup of a sheet as XML: ``sheet_pr`` goes first, ``tail`` last."""

    sheet_pr: str = ""
    tail: str = ""

    @classmethod
    def of(cls, ws: Worksheet) -> PageXml:
        """The fragments openpyxl would write for ``ws``'s page settings."""
        tail = [ws.print_options, ws.page_margins, ws.page_setup, ws.HeaderFooter]
        return cls(
            _xml(ws.sheet_properties.to_tree()), "".join(_xml(p.to_tree()) for p in tail if p)
        )


def protection_xml(protection: SheetProtection) -> str:
    return _xml(protection.to_tree())


# --- one worksheet -----------------------------------------------------------------------


@dataclass(frozen=True)
class Validation:
    """One data validation: its attributes, formula and the ranges it covers."""

    attributes: Mapping[str, str]
    formula1: str
    ranges: Sequence[tuple[int, int, int, int]]  # (first row, first col, last row, last col)


class SharedStrings:
    """One workbook's shared-string table (ECMA-376 Part 1 §18.4), filled as cells are written.

    Excel keeps a workbook's text there and converts inline strings into it on its next save;
    the Open XML SDK warns about inline strings without one. Writing the table ourselves costs a
    dict lookup per text cell, and the file is then the form Excel itself saves.
    """

    def __init__(self) -> None:
        self._index: dict[str, int] = {}
        self.count = 0  # references, as the count attribute records

    def index(self, text: str) -> int:
        self.count += 1
        found = self._index.get(text)
        if found is None:
            found = self._index[text] = len(self._index)
        return found

    def member(self) -> rawzip.Member:
        items = "".join(
            # As openpyxl does: only text with outer white space needs xml:space.
            f'<si><t xml:space="preserve">{xml_text(t)}</t></si>'
            if t != t.strip()
            else f"<si><t>{xml_text(t)}</t></si>"
            for t in self._index
        )
        xml = (
            f'<sst xmlns="{MAIN_NS}" count="{self.count}" uniqueCount="{len(self._index)}">'
            f"{items}</sst>"
        )
        return rawzip.deflate(STRINGS_PART, (XML_DECLARATION + xml).encode("utf-8"))


class SheetWriter:
    """Collects one worksheet's cells and settings and serialises them."""

    def __init__(self, styles: StyleTable, strings: SharedStrings):
        self.styles = styles
        self.strings = strings
        self._cells: dict[int, dict[int, str]] = {}
        self.heights: dict[int, float] = {}
        self.widths: list[float] = []
        self.frozen: tuple[int, int] | None = None  # (first unfrozen row, column)
        self.protection = ""
        self.page = PageXml()
        self._merges: list[str] = []
        self._validations: list[Validation] = []
        self._stream: rawzip.DeflateStream | None = None
        self._flushed = 0  # the last row serialised into the stream

    # -- cells

    def _set(self, row: int, col: int, xml: str) -> None:
        cells = self._cells.get(row)
        if cells is None:
            cells = self._cells[row] = {}
        cells[col] = xml

    def text(self, row: int, col: int, text: str, xf: int) -> None:
        """A text cell; ``text`` must hold only characters XML allows."""
        index = self.strings.index(text)
        self._set(
            row, col, f'<c r="{get_column_letter(col)}{row}"{_style(xf)} t="s"><v>{index}</v></c>'
        )

    def number(self, row: int, col: int, value: int | float, xf: int) -> None:
        ref = f"{get_column_letter(col)}{row}"
        self._set(row, col, f'<c r="{ref}"{_style(xf)} t="n"><v>{number_text(value)}</v></c>')

    def blank(self, row: int, col: int, xf: int) -> None:
        """An empty cell that still carries its format (a cell without one is left out)."""
        if xf == DEFAULT_XF:
            self._cells.get(row, {}).pop(col, None)
            return
        self._set(row, col, f'<c r="{get_column_letter(col)}{row}"{_style(xf)}/>')

    def merge(
        self, first_row: int, first_col: int, last_row: int, last_col: int, style: str
    ) -> None:
        """Merge a block whose first cell has named style ``style``; the rest lose values."""
        self.merge_ref(*self.cover(first_row, first_col, last_row, last_col, style))

    def cover(
        self, first_row: int, first_col: int, last_row: int, last_col: int, style: str
    ) -> tuple[int, int, int, int]:
        """Give the cells a merge covers their formats; the block, for :meth:`merge_ref`."""
        rows, cols = range(first_row, last_row + 1), range(first_col, last_col + 1)
        for row in rows:
            for col in cols:
                if (row, col) != (first_row, first_col):
                    edges = _edges(row, col, rows, cols)
                    self.blank(row, col, self.styles.merged_xf(style, edges))
        return first_row, first_col, last_row, last_col

    def merge_ref(self, first_row: int, first_col: int, last_row: int, last_col: int) -> None:
        self._merges.append(range_ref(first_row, first_col, last_row, last_col))

    def last_column(self) -> int:
        """The rightmost column holding a cell so far."""
        return max((max(cells) for cells in self._cells.values() if cells), default=1)

    @property
    def streaming(self) -> bool:
        return self._stream is not None

    def validate(self, validation: Validation) -> None:
        self._validations.append(validation)

    # -- serialisation

    def xml(self) -> bytes:
        rows = sorted(self._cells.keys() | self.heights.keys())
        last_row = rows[-1] if rows else 1
        parts = [self._head(last_row, self.last_column())]
        for row in rows:
            parts.extend(self._row_xml(row))
        parts.append(self._tail())
        return "".join(parts).encode("utf-8")

    # -- serialisation as the rows come (a sheet too large to hold as text)

    def stream(self, name: str, last_row: int, last_col: int) -> None:
        """Write the sheet into zip member ``name`` as rows are flushed (see :meth:`flush`).

        The caller gives the dimension the finished sheet will have (it comes first);
        every row up to a flush must be complete when flushed.
        """
        self._stream = rawzip.DeflateStream(name)
        self._flushed = 0
        self._stream.write(self._head(last_row, last_col).encode("utf-8"))

    def flush(self, upto: int) -> None:
        """Serialise rows ``upto`` and before, and let their cells go."""
        assert self._stream is not None
        parts = []
        for row in range(self._flushed + 1, upto + 1):  # rows are numbered densely
            if row in self._cells or row in self.heights:
                parts.extend(self._row_xml(row))
                self._cells.pop(row, None)
        self._flushed = max(self._flushed, upto)
        self._stream.write("".join(parts).encode("utf-8"))

    def member(self) -> rawzip.Member:
        """The streamed sheet, finished: the rest of its rows, then its tail."""
        assert self._stream is not None
        self.flush(max(self._cells.keys() | self.heights.keys(), default=0))
        self._stream.write(self._tail().encode("utf-8"))
        return self._stream.member()

    def _head(self, last_row: int, last_col: int) -> str:
        return "".join(
            [
                XML_DECLARATION,
                f'<worksheet xmlns="{MAIN_NS}">',
                self.page.sheet_pr,
                f'<dimension ref="{range_ref(1, 1, last_row, last_col)}"/>',
                self._views(),
                _SHEET_FORMAT,
                self._cols(),
                "<sheetData>",
            ]
        )

    def _row_xml(self, row: int) -> list[str]:
        height = self.heights.get(row)
        ht = "" if height is None else f' ht="{number_text(height)}" customHeight="1"'
        cells = self._cells.get(row, {})
        return [f'<row r="{row}"{ht}>', *(cells[col] for col in sorted(cells)), "</row>"]

    def _tail(self) -> str:
        parts = ["</sheetData>", self.protection, self._merge_xml(), self._validations_xml()]
        return "".join([*parts, self.page.tail, "</worksheet>"])

    def _views(self) -> str:
        if self.frozen is None:
            pane = '<selection activeCell="A1" sqref="A1"/>'
        else:
            row, col = self.frozen
            cell = f"{get_column_letter(col)}{row}"
            split = f'ySplit="{row - 1}" topLeftCell="{cell}"'
            selection = f'activeCell="{cell}" sqref="{cell}"'
            if col > 1:
                pane = (
                    f'<pane xSplit="{col - 1}" {split} activePane="bottomRight" state="frozen"/>'
                    '<selection pane="topRight"/><selection pane="bottomLeft"/>'
                    f'<selection pane="bottomRight" {selection}/>'
                )
            else:
                pane = (
                    f'<pane {split} activePane="bottomLeft" state="frozen"/>'
                    f'<selection pane="bottomLeft" {selection}/>'
                )
        return f'<sheetViews><sheetView workbookViewId="0">{pane}</sheetView></sheetViews>'

    def _cols(self) -> str:
        if not self.widths:
            return ""
        cols = "".join(
            f'<col min="{n}" max="{n}" width="{number_text(w)}" customWidth="1"/>'
            for n, w in enumerate(self.widths, start=1)
        )
        return f"<cols>{cols}</cols>"

    def _merge_xml(self) -> str:
        if not self._merges:
            return ""
        cells = "".join(f'<mergeCell ref="{ref}"/>' for ref in self._merges)
        return f'<mergeCells count="{len(self._merges)}">{cells}</mergeCells>'

    def _validations_xml(self) -> str:
        if not self._validations:
            return ""
        items = []
        for v in self._validations:
            attributes = "".join(f' {k}="{xml_attr(value)}"' for k, value in v.attributes.items())
            sqref = " ".join(range_ref(*r) for r in v.ranges)
            items.append(
                f'<dataValidation{attributes} sqref="{sqref}">'
                f"<formula1>{xml_text(v.formula1)}</formula1></dataValidation>"
            )
        return f'<dataValidations count="{len(items)}">{"".join(items)}</dataValidations>'


def _style(xf: int) -> str:
    return "" if xf == DEFAULT_XF else f' s="{xf}"'


def range_ref(first_row: int, first_col: int, last_row: int, last_col: int) -> str:
    """A1 reference of a block; a single cell as just its own reference."""
    first = f"{get_column_letter(first_col)}{first_row}"
    if (first_row, first_col) == (last_row, last_col):
        return first
    return f"{first}:{get_column_letter(last_col)}{last_row}"


# --- the package -------------------------------------------------------------------------


@dataclass(frozen=True)
class SheetPart:
    """One serialised worksheet and what the workbook part says about it."""

    name: str
    xml: bytes  # b"" when the sheet was streamed into ``member``
    state: str = "visible"
    # Defined names local to the sheet: Print_Titles, Print_Area (already absolute refs).
    names: Mapping[str, str] = field(default_factory=dict)
    member: rawzip.Member | None = None  # already compressed, under its final name


@dataclass(frozen=True)
class Properties:
    title: str
    author: str
    created: datetime.datetime  # UTC, naive


def package(
    sheets: Sequence[SheetPart],
    styles: StyleTable,
    strings: SharedStrings,
    properties: Properties,
    lock_structure: bool,
) -> bytes:
    """The .xlsx bytes: fixed parts reused as compressed, the rest compressed now."""
    fixed = _fixed_members()
    members = [
        fixed["docProps/app.xml"],
        _member("docProps/core.xml", _core(properties)),
        fixed["xl/theme/theme1.xml"],
        *(
            sheet.member or rawzip.deflate(sheet_member(n), sheet.xml)
            for n, sheet in enumerate(sheets, start=1)
        ),
        strings.member(),
        styles.member,
        fixed["_rels/.rels"],
        _member("xl/workbook.xml", _workbook(sheets, lock_structure)),
        _member("xl/_rels/workbook.xml.rels", _workbook_rels(len(sheets))),
        _member("[Content_Types].xml", _content_types(len(sheets))),
    ]
    return rawzip.write(members)


def sheet_member(number: int) -> str:
    """The zip member of the workbook's ``number``-th sheet (from 1)."""
    return f"xl/worksheets/sheet{number}.xml"


def _member(name: str, xml: str) -> rawzip.Member:
    return rawzip.deflate(name, (XML_DECLARATION + xml).encode("utf-8"))


@functools.cache
def _fixed_members() -> dict[str, rawzip.Member]:
    parts = {
        "docProps/app.xml": XML_DECLARATION + _xml(ExtendedProperties().to_tree()),
        "xl/theme/theme1.xml": theme_xml,
        "_rels/.rels": XML_DECLARATION + _PACKAGE_RELS,
    }
    return {name: rawzip.deflate(name, text.encode("utf-8")) for name, text in parts.items()}


def _core(properties: Properties) -> str:
    return _CORE.format(
        author=xml_text(properties.author),
        title=xml_text(properties.title),
        created=properties.created.strftime("%Y-%m-%dT%H:%M:%SZ"),
    )


def _workbook(sheets: Sequence[SheetPart], lock_structure: bool) -> str:
    entries = []
    names = []
    for index, sheet in enumerate(sheets):
        state = "" if sheet.state == "visible" else f' state="{sheet.state}"'
        number = index + 1
        entries.append(
            f'<sheet name="{xml_attr(sheet.name)}" sheetId="{number}"{state} r:id="rId{number}"/>'
        )
        quoted = xml_text(quote_sheetname(sheet.name))
        names += [
            f'<definedName name="_xlnm.{name}" localSheetId="{index}">'
            + ",".join(f"{quoted}!{part}" for part in ref.split(","))  # title columns, rows
            + "</definedName>"
            for name, ref in sheet.names.items()
        ]
    protection = '<workbookProtection lockStructure="1"/>' if lock_structure else ""
    defined = f"<definedNames>{''.join(names)}</definedNames>" if names else ""
    return (
        f'<workbook xmlns="{MAIN_NS}" xmlns:r="{DOC_REL_NS}"><workbookPr/>{protection}'
        '<bookViews><workbookView activeTab="0"/></bookViews>'
        f"<sheets>{''.join(entries)}</sheets>{defined}"
        '<calcPr calcId="124519" fullCalcOnLoad="1"/></workbook>'
    )


def _workbook_rels(count: int) -> str:
    sheets = "".join(
        f'<Relationship Id="rId{n}" Type="{WORKSHEET_REL}" Target="worksheets/sheet{n}.xml"/>'
        for n in range(1, count + 1)
    )
    return (
        f'<Relationships xmlns="{PKG_REL_NS}">{sheets}'
        f'<Relationship Id="rId{count + 1}" Type="{DOC_REL_NS}/styles" Target="styles.xml"/>'
        f'<Relationship Id="rId{count + 2}" Type="{DOC_REL_NS}/theme" '
        'Target="theme/theme1.xml"/>'
        f'<Relationship Id="rId{count + 3}" Type="{DOC_REL_NS}/sharedStrings" '
        'Target="sharedStrings.xml"/></Relationships>'
    )


def _content_types(count: int) -> str:
    return _CONTENT_TYPES.format(
        sheets="".join(
            f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="{SHEET_CONTENT_TYPE}"/>'
            for n in range(1, count + 1)
        )
    )


def absolute_rows(first: int, last: int) -> str:
    return f"${first}:${last}"


def absolute_range(first_row: int, first_col: int, last_row: int, last_col: int) -> str:
    return f"${get_column_letter(first_col)}${first_row}:${get_column_letter(last_col)}${last_row}"
