"""The cells of a returned workbook, read straight from its XML as openpyxl would load them.

``openpyxl.load_workbook`` builds every style, validation and print setting of a workbook;
for a returned ledger that is most of collect's time, and collect only needs the cells.
:func:`read_book` reads just those -- each worksheet's cells (value, data type, number
format), merges and state, and the time the file was saved -- into a :class:`Book`, the
same grid :func:`book_from_openpyxl` makes of a workbook openpyxl loaded.

It does not guess: whatever it cannot reproduce exactly as openpyxl 3.1 (``data_only=False``,
``rich_text=False``) would -- formulas, hyperlinks, comments, chart sheets, unusual sheet
names, or any part that fails to parse -- raises :class:`Unsupported`, and the caller loads
the workbook with openpyxl instead. It trusts nothing about sizes: call it only on a
package that :func:`generator.read.returns.check_package` has measured.
"""

from __future__ import annotations

import datetime as dt
import functools
import posixpath
import re
import zipfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

from lxml import etree
from openpyxl.cell.cell import MergedCell
from openpyxl.packaging.core import DocumentProperties
from openpyxl.styles.numbers import (
    BUILTIN_FORMATS_MAX_SIZE,
    BUILTIN_FORMATS_REVERSE,
    builtin_format_code,
    is_date_format,
    is_timedelta_format,
)
from openpyxl.utils.cell import coordinate_to_tuple, get_column_letter, range_boundaries
from openpyxl.utils.datetime import CALENDAR_MAC_1904, WINDOWS_EPOCH, from_excel, from_ISO8601
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.xml.functions import fromstring

from generator.formats.identity import (
    IDENTITY_SHEET,
    IdentityLines,
    SheetMap,
    checked_identity_lines,
    identity_of,
    missing_identity,
    sheet_map_of,
)

# A part is parsed whole only up to this size (a ledger's are tens of KB); openpyxl streams a
# larger one, so it is left to openpyxl, whose memory does not grow as a tree would.
TREE_BYTES = 1024 * 1024

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_ROW, _VALUE, _FORMULA, _INLINE, _TEXT = (_MAIN + t for t in ("row", "v", "f", "is", "t"))
_SHARED_ITEM, _MERGES, _HYPERLINKS = (_MAIN + t for t in ("si", "mergeCells", "hyperlinks"))
_CORE_PART = "docProps/core.xml"  # where openpyxl looks, whatever the relationships say
_STYLES_PART = "xl/styles.xml"  # likewise
_STATES = frozenset({"visible", "hidden", "veryHidden"})
# Parts of a workbook openpyxl reads (and may refuse) that hold no cells of its sheets.
_LINKED_PARTS = frozenset({"externalReferences", "pivotCaches"})
_FALSE = frozenset({"false", "f", "0"})  # openpyxl's reading of a boolean attribute
_SHEET_NAME_FORBIDDEN = frozenset("\\*?:/[]")  # openpyxl refuses a sheet named with one
# The only relationships of a worksheet that do not change what openpyxl loads into it.
_INERT_SHEET_RELATIONS = frozenset(
    {"http://schemas.openxmlformats.org/officeDocument/2006/relationships/printerSettings"}
)
_WORKSHEET_RELATION = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
)


class Unsupported(Exception):
    """The workbook holds something this reader does not reproduce; load it with openpyxl."""


# --- the grid --------------------------------------------------------------------------------


class GridCell(NamedTuple):  # a tuple: a ledger has hundreds, made afresh for every return
    """One cell as openpyxl loads it; a cell the file does not hold is the default."""

    row: int
    column: int
    value: object = None
    data_type: str = "n"
    number_format: int = 0  # the numFmtId of its style, after openpyxl renumbers custom ones

    @property
    def coordinate(self) -> str:
        return f"{get_column_letter(self.column)}{self.row}"


# GridCell(...) without the keyword handling of a NamedTuple's __new__: hundreds per return.
_grid_cell = functools.partial(tuple.__new__, GridCell)


@dataclass(frozen=True, slots=True)
class MergedRange:
    min_col: int
    min_row: int
    max_col: int
    max_row: int

    @property
    def coord(self) -> str:
        first = f"{get_column_letter(self.min_col)}{self.min_row}"
        if (self.min_col, self.min_row) == (self.max_col, self.max_row):
            return first
        return f"{first}:{get_column_letter(self.max_col)}{self.max_row}"

    def followers(self) -> Iterator[tuple[int, int]]:
        """(row, column) of every cell but the top-left one, which alone keeps its content."""
        for row in range(self.min_row, self.max_row + 1):
            for column in range(self.min_col, self.max_col + 1):
                if (row, column) != (self.min_row, self.min_col):
                    yield row, column


@dataclass(frozen=True)
class Sheet:
    """One sheet's stored cells (none under a merge but its top-left) and merges."""

    title: str
    state: str
    cells: dict[tuple[int, int], GridCell]
    merged: tuple[MergedRange, ...]
    # openpyxl's max_row, max_column; (0, 0) when iter_rows() yields nothing
    extent: tuple[int, int]

    def cell(self, row: int, column: int) -> GridCell:
        found = self.cells.get((row, column))
        return GridCell(row, column) if found is None else found

    @functools.cached_property
    def lines(self) -> list[tuple[object, ...]]:
        """Every row from A1 to the extent, as ``iter_rows(values_only=True)`` gives them."""
        rows, columns = self.extent
        return [
            tuple(self.cell(row, column).value for column in range(1, columns + 1))
            for row in range(1, rows + 1)
        ]


@dataclass(frozen=True)
class Book:
    """A workbook's sheets in workbook order, and when it was last saved."""

    sheets: dict[str, Sheet]
    # When it was saved, worked out if asked: collect takes the time from the raw part
    # (read.returns), so parsing docProps/core.xml for every return would be wasted.
    saved: Callable[[], dt.datetime | None] = field(repr=False, compare=False)

    @functools.cached_property
    def modified(self) -> dt.datetime | None:
        return self.saved()

    @property
    def sheetnames(self) -> list[str]:
        return list(self.sheets)

    def __getitem__(self, name: str) -> Sheet:
        return self.sheets[name]

    def __contains__(self, name: object) -> bool:
        return name in self.sheets


def book_from_openpyxl(workbook: Workbook) -> Book:
    """The grid of a workbook openpyxl loaded (what :func:`read_book` falls back on)."""
    sheets = {}
    for name in workbook.sheetnames:
        ws = workbook[name]
        if not isinstance(ws, Worksheet):  # a chart sheet: a state, no cells
            sheets[name] = Sheet(name, ws.sheet_state, {}, (), (0, 0))
            continue
        cells = {
            key: GridCell(*key, cell.value, cell.data_type, getattr(cell._style, "numFmtId", 0))
            for key, cell in ws._cells.items()
            if not isinstance(cell, MergedCell)
        }
        merged = tuple(MergedRange(*r.bounds) for r in ws.merged_cells.ranges)
        extent = (ws.max_row, ws.max_column) if ws._current_row else (0, 0)
        sheets[name] = Sheet(name, ws.sheet_state, cells, merged, extent)
    moment = workbook.properties.modified or workbook.properties.created
    return Book(sheets, lambda: moment)


# --- when it was saved -----------------------------------------------------------------------

_DCTERMS = "{http://purl.org/dc/terms/}"
# The time-zone designator of a W3CDTF time (ECMA-376 Part 2 §11.1 uses W3C's profile of ISO
# 8601). openpyxl ignores it: "2016-11-20T10:15:00+08:00" would read as 10:15, not 02:15 UTC.
_ZONE = re.compile(r"([+-])(\d{2}):(\d{2})$")


def saved_time(archive: zipfile.ZipFile) -> dt.datetime | None:
    """When the workbook was last saved (else created), in UTC without an offset.

    Excel and WPS write UTC ("...Z", ECMA-376 Part 2 §11.1); a time written with an offset is
    moved to UTC as well, so two saves compare by the moment they happened.
    """
    return saved_time_of(_core(archive))


def _core(archive: zipfile.ZipFile) -> bytes | None:
    if _CORE_PART not in archive.namelist():
        return None
    return archive.read(_CORE_PART)  # measured by check_package, as openpyxl reads it


def saved_time_of(core: bytes | None) -> dt.datetime | None:
    """:func:`saved_time` from the bytes of ``docProps/core.xml`` (None: there is none)."""
    if core is None:
        return None
    tree = fromstring(core)
    properties = DocumentProperties.from_tree(tree)
    for moment, tag in ((properties.modified, "modified"), (properties.created, "created")):
        if moment is None:
            continue
        written = tree.find(f"{_DCTERMS}{tag}")
        zone = _ZONE.search((written.text or "").strip()) if written is not None else None
        if zone is not None:
            sign = -1 if zone.group(1) == "+" else 1
            moment += sign * dt.timedelta(hours=int(zone.group(2)), minutes=int(zone.group(3)))
        return moment
    return None


# --- the identity sheet ----------------------------------------------------------------------
# formats.identity.read_identity / read_sheet_map, from a Book instead of an openpyxl workbook.


def _identity_lines(book: Book) -> IdentityLines:
    if IDENTITY_SHEET not in book:
        raise missing_identity()
    return checked_identity_lines(book[IDENTITY_SHEET].lines)


def read_identity(book: Book) -> dict[str, str]:
    """The ``identity`` mapping the workbook was issued with."""
    return identity_of(_identity_lines(book))


def read_sheet_map(book: Book, sheet_name: str) -> SheetMap:
    """Header rows, column keys and row keys recorded for one issued sheet."""
    return sheet_map_of(_identity_lines(book), sheet_name)


# --- reading the package ---------------------------------------------------------------------


def read_book(
    archive: zipfile.ZipFile,
    workbook_part: str,
    strings_part: str | None,
    trees: Mapping[str, etree._Element] | None = None,
) -> Book:
    """The grid of a workbook, or :class:`Unsupported`.

    ``workbook_part`` and ``strings_part`` are the parts ``[Content_Types].xml`` names as the
    workbook and the shared strings (as openpyxl finds them); ``trees`` holds parts already
    parsed with :func:`parse_xml`.
    """
    try:
        return _Reader(archive, workbook_part, strings_part, trees or {}).book()
    except Unsupported:
        raise
    except Exception as exc:  # a part openpyxl may read differently, or refuse: let it decide
        raise Unsupported(f"{type(exc).__name__}: {exc}") from exc


# Comments and processing instructions are not content: the tree holds elements only.
_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, remove_comments=True, remove_pis=True
)


# The encodings expat knows: openpyxl (reading sheets and strings with expat) refuses others.
_ENCODINGS = frozenset({"UTF-8", "UTF-16", "ISO-8859-1", "US-ASCII"})


def parse_xml(data: bytes) -> etree._Element:
    """One part's element tree; raises on anything but well-formed XML in a common encoding."""
    tree = etree.fromstring(data, _PARSER)
    encoding = tree.getroottree().docinfo.encoding
    if encoding.upper() not in _ENCODINGS:
        raise Unsupported(f"XML in {encoding}")
    return tree


def _parse(archive: zipfile.ZipFile, part: str) -> etree._Element:
    data = _read(archive, part)
    # A DTD is left to openpyxl (check_package refuses one in sheets; in another part it is
    # openpyxl's business, as it has always been).
    if b"<!DOCTYPE" in data:
        raise Unsupported(f"{part}: DTD")
    return parse_xml(data)


def _read(archive: zipfile.ZipFile, part: str) -> bytes:
    if archive.getinfo(part).file_size > TREE_BYTES:
        raise Unsupported(f"{part}: larger than {TREE_BYTES} bytes")
    return archive.read(part)


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _relationships(archive: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """Relationship id -> (type, target part) of one part, resolved as openpyxl resolves them."""
    folder, base = posixpath.split(part)
    rels = posixpath.join(folder, "_rels", f"{base}.rels")
    if rels not in archive.namelist():
        return {}
    found = {}
    for relation in _parse(archive, rels):
        if _local(relation.tag) != "Relationship":
            continue
        target = relation.get("Target", "")
        if relation.get("TargetMode") != "External":
            target = relationship_target(folder, target)
        found[relation.get("Id", "")] = (relation.get("Type", ""), target)
    return found


def relationship_target(folder: str, target: str) -> str:
    """The part a relationship of a part in ``folder`` points to, exactly as openpyxl finds it.

    (An absolute target is only stripped of its slash: ``xl//a.xml`` stays as written.)
    """
    if target.startswith("/"):
        return target[1:]
    return posixpath.normpath(posixpath.join(folder, target))


@functools.lru_cache(maxsize=16)
def _styles(xml: bytes) -> tuple[tuple[int, ...], frozenset[int], frozenset[int]]:
    """Per cell style: its number format id, and which styles are dates and durations.

    As openpyxl's Stylesheet._normalise_numbers: a custom format is renumbered from 164 in
    order of use, or to the built-in id whose code it repeats. Returns from one template
    share their stylesheet, hence the cache (keyed by the part's bytes).
    """
    root = parse_xml(xml)
    custom: dict[int, str | None] = {}
    xfs: list[int] = []
    for child in root:
        if _local(child.tag) == "numFmts":
            for fmt in child:
                if _local(fmt.tag) == "numFmt":
                    custom[int(fmt.get("numFmtId", ""))] = fmt.get("formatCode")
        elif _local(child.tag) == "cellXfs":
            xfs = [int(xf.get("numFmtId", 0)) for xf in child if _local(xf.tag) == "xf"]
    if not xfs:
        raise Unsupported("no cell styles: openpyxl falls back on its defaults")
    renumbered: dict[str | None, int] = {}
    ids, dates, durations = [], set(), set()
    for index, fmt_id in enumerate(xfs):
        if fmt_id in custom:
            code = custom[fmt_id]
            if code in BUILTIN_FORMATS_REVERSE:
                fmt_id = BUILTIN_FORMATS_REVERSE[code]
            else:
                fmt_id = renumbered.setdefault(code, len(renumbered)) + BUILTIN_FORMATS_MAX_SIZE
        else:
            code = builtin_format_code(fmt_id)
        ids.append(fmt_id)
        if is_date_format(code):
            dates.add(index)
        if is_timedelta_format(code):
            durations.add(index)
    return tuple(ids), frozenset(dates), frozenset(durations)


def _shared_strings(archive: zipfile.ZipFile, part: str | None) -> list[str]:
    if part is None:
        return []
    # Kept as written: openpyxl drops the marker of an escaped underscore (_x005F_), which
    # makes a literal "_x000D_" typed by the unit look like Excel's escape of a control
    # character; the escapes are decoded once, in generator.intake.collect.
    return [_content(item) for item in _parse(archive, part).iter(_SHARED_ITEM)]


def _content(element: etree._Element) -> str:
    """A rich or plain string's text without formatting, as openpyxl's Text.content."""
    _known_attributes_only(element)
    if len(element) == 1 and element[0].tag == _TEXT:  # the common case: one plain <t>
        return element[0].text or ""
    plain: str | None = None
    runs: list[str] = []
    for child in element:
        name = _local(child.tag)
        if name == "t":
            plain = child.text  # a repeated element: the last one counts
        elif name == "r":
            _known_attributes_only(child)
            texts = [t.text for t in child if _local(t.tag) == "t"]
            if texts and texts[-1] is not None:
                runs.append(texts[-1])
    return "".join([plain, *runs] if plain is not None else runs)


def _known_attributes_only(element: etree._Element) -> None:
    # openpyxl refuses a string element with an attribute outside a namespace
    for key in element.keys():  # noqa: SIM118 -- an lxml element, not a dict
        if not key.startswith("{"):
            raise Unsupported(f"attributes {sorted(element.attrib)} on a string")


@functools.lru_cache(maxsize=65_536)
def cell_position(ref: str) -> tuple[int, int]:
    """(row, column) of a cell reference such as "B3", as openpyxl reads it (and remembered:
    every return of a ledger has its cells in the same places)."""
    return coordinate_to_tuple(ref)


def _number(text: str) -> int | float:
    # as openpyxl's _cast_number
    return float(text) if "." in text or "E" in text or "e" in text else int(text)


def _row_number(text: str) -> int:
    # as openpyxl's parse_row: "3.0" is row 3
    try:
        return int(text)
    except ValueError:
        number = float(text)
        if not number.is_integer():
            raise
        return int(number)


class _Reader:
    def __init__(
        self,
        archive: zipfile.ZipFile,
        workbook_part: str,
        strings_part: str | None,
        trees: Mapping[str, etree._Element],
    ) -> None:
        self.archive = archive
        self.names = set(archive.namelist())
        self.workbook_part = workbook_part
        self.strings_part = strings_part
        self.trees = trees

    def book(self) -> Book:
        root = _parse(self.archive, self.workbook_part)
        epoch = WINDOWS_EPOCH
        entries: list[etree._Element] = []
        for child in root:
            name = _local(child.tag)
            if name == "workbookPr" and child.get("date1904", "") not in ("", *_FALSE):
                epoch = CALENDAR_MAC_1904
            elif name == "sheets":
                entries = [sheet for sheet in child if _local(sheet.tag) == "sheet"]
            elif name in _LINKED_PARTS:
                raise Unsupported(f"workbook with {name}")
        if _STYLES_PART not in self.names:
            raise Unsupported("no stylesheet: openpyxl falls back on its defaults")
        self.formats, self.dates, self.durations = _styles(_read(self.archive, _STYLES_PART))
        self.strings = _shared_strings(self.archive, self.strings_part)
        self.epoch = epoch
        relations = _relationships(self.archive, self.workbook_part)
        sheets: dict[str, Sheet] = {}
        for entry in entries:
            sheet = self._sheet(entry, relations)
            if sheet is None:
                continue
            if sheet.title.lower() in (title.lower() for title in sheets):
                raise Unsupported(f"two sheets named {sheet.title!r}: openpyxl renames one")
            sheets[sheet.title] = sheet
        return Book(sheets, functools.partial(saved_time_of, _core(self.archive)))

    def _sheet(self, entry: etree._Element, relations: dict[str, tuple[str, str]]) -> Sheet | None:
        ids = [value for key, value in entry.attrib.items() if _local(key) == "id"]
        if len(ids) != 1 or entry.get(_REL_ID) is None:
            raise Unsupported("sheet without exactly one relationship id")
        if not ids[0]:
            return None  # openpyxl drops it
        kind, part = relations[ids[0]]
        if part not in self.names:
            return None  # likewise
        if kind != _WORKSHEET_RELATION:
            raise Unsupported(f"sheet of type {kind}")
        title = entry.get("name") or ""
        state = entry.get("state", "visible")
        if not title or _SHEET_NAME_FORBIDDEN & set(title) or state not in _STATES:
            raise Unsupported(f"sheet name {title!r} or state {state!r}")
        for kind, _ in _relationships(self.archive, part).values():
            if kind not in _INERT_SHEET_RELATIONS:
                raise Unsupported(f"worksheet relationship {kind}")
        tree = self.trees.get(part)
        return self._cells(title, state, _parse(self.archive, part) if tree is None else tree)

    def _cells(self, title: str, state: str, root: etree._Element) -> Sheet:
        if next(root.iter(_HYPERLINKS), None) is not None:
            raise Unsupported("hyperlinks: openpyxl writes their targets into the cells")
        cells: dict[tuple[int, int], GridCell] = {}
        row = 0
        for element in root.iter(_ROW):
            number = element.get("r")
            row = row + 1 if number is None else _row_number(number)
            column = 0
            for cell in element:
                ref = cell.get("r")
                if ref:
                    row_of_cell, column = cell_position(ref)
                else:
                    row_of_cell, column = row, column + 1
                cells[(row_of_cell, column)] = self._cell(cell, row_of_cell, column)
        merged = _merges(root)
        last_row = max((r for r, _ in cells), default=0)
        if not last_row:
            extent = (0, 0)
        else:
            corners = [*cells, *((m.max_row, m.max_col) for m in merged if any(m.followers()))]
            extent = (max(r for r, _ in corners), max(c for _, c in corners))
        for merge in merged:
            for key in merge.followers():
                cells.pop(key, None)
        return Sheet(title, state, cells, tuple(dict.fromkeys(merged)), extent)

    def _cell(self, element: etree._Element, row: int, column: int) -> GridCell:
        """One ``<c>``, as openpyxl's WorkSheetParser.parse_cell reads it."""
        if element.tag == _ROW:
            raise Unsupported("nested row")
        data_type = element.get("t", "n")
        style = element.get("s")
        if style == "":
            raise Unsupported("empty style index")
        index = int(style) if style else 0
        number_format = self.formats[index]
        size = len(element)
        if not size:  # most cells of a ledger: styled, empty
            return _grid_cell((row, column, None, data_type, number_format))
        children: dict[str, etree._Element] = {}  # the first child of each tag
        if size == 1:  # the rest: one value or one inline string
            only = element[0]
            children[only.tag] = only
        else:
            for child in element:  # (lxml's find() is several times slower than this loop)
                children.setdefault(child.tag, child)
        if _FORMULA in children:
            raise Unsupported("formula")
        value: object = None
        if data_type != "inlineStr" and _VALUE in children:
            value = children[_VALUE].text or None
        if isinstance(value, str):
            value, data_type = self._typed(value, data_type, index)
        elif data_type == "inlineStr" and _INLINE in children:
            value, data_type = _content(children[_INLINE]), "s"
        return _grid_cell((row, column, value, data_type, number_format))

    def _typed(self, text: str, data_type: str, style: int) -> tuple[object, str]:
        if data_type == "n":
            number = _number(text)
            if style not in self.dates:
                return number, "n"
            try:
                return from_excel(number, self.epoch, timedelta=style in self.durations), "d"
            except (OverflowError, ValueError):
                return "#VALUE!", "e"  # openpyxl's verdict on a date out of range
        if data_type == "s":
            return self.strings[int(text)], "s"
        if data_type == "b":
            return bool(int(text)), "b"
        if data_type == "str":
            return text, "s"
        if data_type == "d":
            return from_ISO8601(text), "d"
        return text, data_type


def _merges(root: etree._Element) -> list[MergedRange]:
    found = list(root.iter(_MERGES))
    if len(found) > 1:
        raise Unsupported("several mergeCells elements")
    merged = []
    for element in found[0] if found else ():
        if _local(element.tag) != "mergeCell":
            continue
        ref = element.get("ref")
        if ref is None or "!" in ref:
            raise Unsupported(f"merge reference {ref!r}")
        min_col, min_row, max_col, max_row = range_boundaries(ref)
        if min_col > max_col or min_row > max_row:
            raise Unsupported(f"merge reference {ref!r}")
        merged.append(MergedRange(min_col, min_row, max_col, max_row))
    return merged
