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
