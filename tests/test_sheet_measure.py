"""A small sheet is measured from its parsed tree, a large one as a stream: the same verdict.

collect measures every return's sheets before any cell is read (generator/read/returns.py).
For the small, plain sheets of an honest ledger it walks the tree it parsed anyway
(``_SheetScan.measure``, cells taken inline for speed); the stream pass (expat, element by
element, ``_SheetScan.start``) is the reference here: both must refuse the same sheets with
the same words, and count the same cells where they pass.
"""

from __future__ import annotations

import io
import zipfile

import pytest
from lxml import etree

from generator.read import returns
from generator.read.returns import (
    MAX_CELLS,
    MAX_COLUMNS,
    MAX_ROWS,
    UnreadableReturn,
    _rows_hold_cells_only,
    _SheetScan,
    _stream_xml,
)
from generator.read.xlsx_cells import parse_xml
from tests.helpers import EXAMPLE

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def sheet(body: str, head: str = "") -> bytes:
    return f'<worksheet xmlns="{MAIN}">{head}<sheetData>{body}</sheetData></worksheet>'.encode()


def streamed(xml: bytes) -> tuple[str, tuple[int, int, int]]:
    scan = _SheetScan("台账")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("s.xml", xml)
    with zipfile.ZipFile(buffer) as archive:
        try:
            _stream_xml(archive, "s.xml", scan.start, scan.end)
        except UnreadableReturn as refused:
            return f"{refused}|{refused.hint}", (0, 0, 0)
    return "", (scan.row, scan.column, scan.cells)


def from_tree(xml: bytes) -> tuple[str, tuple[int, int, int]]:
    scan = _SheetScan("台账")
    try:
        scan.measure(parse_xml(xml))
    except UnreadableReturn as refused:
        return f"{refused}|{refused.hint}", (0, 0, 0)
    return "", (scan.row, scan.column, scan.cells)


def _grid(rows: int, columns: int) -> str:
    return "".join(
        f'<row r="{r}">' + "".join("<c/>" for _ in range(columns)) + "</row>"
        for r in range(1, rows + 1)
    )


SHEETS = {
    "honest": sheet('<row r="1"><c r="A1"/><c r="B1"/></row><row r="2"><c r="C2"/></row>'),
    # cells without a reference follow the last one, whatever row it named
    "column past the limit after a reference": sheet(
        f'<row r="1"><c r="{"GR"}1"/><c/><c/></row>'  # GR = column 200
    ),
    "at the column limit": sheet('<row r="1"><c r="GQ1"/><c/></row>'),
    "row past the limit": sheet(f'<row r="{MAX_ROWS + 1}"><c/></row>'),
    "row numbered after a far cell": sheet(f'<row r="1"><c r="A{MAX_ROWS}"/></row><row><c/></row>'),
    "far cell without a row number": sheet(f'<row><c r="B{MAX_ROWS + 1}"/></row>'),
    "cells at the limit": sheet(_grid(MAX_CELLS // MAX_COLUMNS, MAX_COLUMNS)),
    "one cell too many": sheet(
        _grid(MAX_CELLS // MAX_COLUMNS, MAX_COLUMNS) + '<row r="501"><c/></row>'
    ),
    "dimension too large": sheet("<row><c/></row>", '<dimension ref="A1:XFD9"/>'),
    "merge too large": sheet("<row><c/></row>").replace(
        b"</worksheet>", b'<mergeCells><mergeCell ref="A1:A5000"/></mergeCells></worksheet>'
    ),
    "a cell outside the rows": sheet("").replace(
        b"</worksheet>", f'<extLst><c r="A{MAX_ROWS + 5}"/></extLst></worksheet>'.encode()
    ),
    "a bad reference": sheet('<row r="1"><c r="1A"/></row>'),
    "a row number that is not one": sheet('<row r="x"><c/></row>'),
}


@pytest.mark.parametrize("name", SHEETS)
def test_the_tree_is_measured_as_the_stream_is(name: str) -> None:
    assert from_tree(SHEETS[name]) == streamed(SHEETS[name])


def test_the_cases_cover_both_verdicts() -> None:
    verdicts = {name: bool(streamed(xml)[0]) for name, xml in SHEETS.items()}
    assert not verdicts["honest"] and not verdicts["cells at the limit"]
    assert not verdicts["at the column limit"]
    assert verdicts["one cell too many"] and verdicts["column past the limit after a reference"]
    assert "超过 100000 个" in streamed(SHEETS["one cell too many"])[0]


# The test the tree path used to make: any element in a row but a <c> (any namespace).
OTHER_IN_ROWS = etree.XPath("//*[local-name()='row']/*[local-name()!='c']")

ROWS = [
    sheet('<row r="1"><c r="A1"><v>1</v></c></row>'),
    sheet('<row r="1"><v>1</v></row>'),
    sheet('<row r="1"><x:c xmlns:x="urn:other"/></row>'),
    sheet('<row r="1"><c xmlns=""/></row>'),
    sheet('<row r="1"><x:d xmlns:x="urn:other"/></row>'),
    sheet('<x:row xmlns:x="urn:other"><c/><t/></x:row>'),
    sheet('<row r="1"><c><row><is/></row></c></row>'),
    sheet(""),
]


@pytest.mark.parametrize("xml", ROWS)
def test_rows_holding_only_cells_as_the_xpath_said(xml: bytes) -> None:
    tree = parse_xml(xml)
    assert _rows_hold_cells_only(tree) == (not OTHER_IN_ROWS(tree))


def test_some_rows_hold_other_elements() -> None:
    assert [_rows_hold_cells_only(parse_xml(xml)) for xml in ROWS].count(False) >= 3


def test_module_constants_are_the_limits_used() -> None:
    # the cases above are written for these limits
    assert (MAX_ROWS, MAX_COLUMNS, MAX_CELLS) == (2_000, 200, 100_000)
    assert len(SHEETS["one cell too many"]) < returns.TREE_BYTES


# --- the bulk measure: cells checked together, the other elements in order ------------------


def _by_one(tree: etree._Element) -> tuple[str, tuple[int, int, int]]:
    scan = _SheetScan("台账")
    try:
        scan._one_by_one(tree)
    except UnreadableReturn as refused:
        return f"{refused}|{refused.hint}", (0, 0, 0)
    return "", (scan.row, scan.column, scan.cells)


def _in_bulk(tree: etree._Element) -> tuple[bool, str, tuple[int, int, int]]:
    scan = _SheetScan("台账")
    try:
        taken = scan._in_bulk(tree)
    except UnreadableReturn as refused:
        return True, f"{refused}|{refused.hint}", (0, 0, 0)
    return taken, "", (scan.row, scan.column, scan.cells)


def _openpyxl_sheet() -> bytes:
    """A sheet as openpyxl writes it: inline strings, numbers, a date, merges, empty rows."""
    import datetime as dt

    import openpyxl

    book = openpyxl.Workbook()
    ws = book.active
    ws["A1"] = "标题"
    ws.merge_cells("A1:F1")
    ws.append([])
    ws.append(["序号", "内容", "完成数", "日期"])
    ws.append([1, "宣传教育", 3.5, dt.date(2016, 5, 1)])
    ws.row_dimensions[5].height = 30  # a row with a height and no cells, between two
    ws["B6"] = "共享字符串"
    ws["C6"] = 12
    ws.merge_cells("B6:B8")
    ws["A9"] = "末行"
    buffer = io.BytesIO()
    book.save(buffer)
    with zipfile.ZipFile(buffer) as archive:
        return archive.read("xl/worksheets/sheet1.xml")


def _issued_sheets() -> dict[str, bytes]:
    """Both sheets of a ledger as we issue it (shared strings, merges, the identity sheet)."""
    from generator.documents.ledger_workbook import unit_ledger_spec
    from generator.read.plan_reader import read_plan
    from generator.render.templates import TemplateSet

    plan = read_plan(EXAMPLE)
    data = TemplateSet().xlsx("ledger.xlsx").render(unit_ledger_spec(plan, plan.units["fzk"]))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
        return {f"issued {part}": archive.read(part) for part in parts}


BULK = {
    **_issued_sheets(),
    "written by openpyxl": _openpyxl_sheet(),
    "inline strings and numbers": sheet(
        '<row r="1"><c r="A1" t="inlineStr"><is><t>甲</t></is></c><c r="B1"><v>2</v></c></row>'
        '<row r="2"/><row r="3"><c r="C3" t="s"><v>0</v></c><c r="D3" s="1"><v>42500</v></c></row>',
        '<dimension ref="A1:D3"/>',
    ).replace(b"</worksheet>", b'<mergeCells><mergeCell ref="A1:B1"/></mergeCells></worksheet>'),
    "cells far apart": sheet(
        f'<row r="1"><c r="A1"/></row><row r="{MAX_ROWS}"><c r="GR{MAX_ROWS}"/></row>'
    ),
    "only empty rows": sheet('<row r="1"/><row r="2"/>'),
    "a merge over the limit": SHEETS["merge too large"]
    .replace(b"<row>", b'<row r="1">')
    .replace(b"<c/>", b'<c r="A1"/>'),
}
# Where the bulk measure must hand over to the element-by-element pass.
NOT_IN_BULK = {
    "a cell without a reference": sheet('<row r="1"><c r="A1"/><c/></row>'),
    "a row without a number": sheet('<row r="1"><c r="A1"/></row><row><c r="A2"/></row>'),
    "an empty row last": sheet('<row r="1"><c r="A1"/></row><row r="2"/>'),
    "a cell past the columns": sheet('<row r="1"><c r="GS1"/></row>'),
    "a bad reference": SHEETS["a bad reference"],
}


@pytest.mark.parametrize("name", BULK)
def test_the_bulk_measure_is_the_cell_by_cell_one(name: str) -> None:
    tree = parse_xml(BULK[name])
    taken, refused, state = _in_bulk(tree)
    assert taken
    assert (refused, state) == _by_one(tree) == streamed(BULK[name])


def test_the_bulk_cases_hold_what_they_say() -> None:
    written = BULK["written by openpyxl"]
    assert b'<row r="5" ht="30"' in written and b"<mergeCell " in written
    assert b't="inlineStr"' in written and b's="1" t="n"' in written  # the date's style
    issued = BULK["issued xl/worksheets/sheet1.xml"]
    assert b't="s"' in issued and b"<mergeCell " in issued and len(BULK) > 5
    assert streamed(written)[1][2] > 10  # cells counted, merges' followers included
    assert "合并单元格" in streamed(BULK["a merge over the limit"])[0]
    assert streamed(BULK["cells far apart"])[1][:2] == (MAX_ROWS, 200)


@pytest.mark.parametrize("name", NOT_IN_BULK)
def test_the_bulk_measure_hands_over_what_it_cannot_say(name: str) -> None:
    tree = parse_xml(NOT_IN_BULK[name])
    scan = _SheetScan("台账")
    assert not scan._in_bulk(tree)
    assert (scan.row, scan.column, scan.cells) == (0, 0, 0)  # untouched
    assert from_tree(NOT_IN_BULK[name]) == _by_one(tree) == streamed(NOT_IN_BULK[name])


@pytest.mark.parametrize("name", SHEETS)
def test_the_cell_by_cell_measure_is_the_stream(name: str) -> None:
    assert _by_one(parse_xml(SHEETS[name])) == streamed(SHEETS[name])
