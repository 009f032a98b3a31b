"""The identity sheet's format (generator/formats/identity.py), written and read back.

The expected rows are the layout the module documents, written out by hand: a change to
the format that would make issued ledgers unreadable by a newer reader fails here.
"""

from __future__ import annotations

import pytest

from generator.formats.identity import (
    SheetMap,
    WorkbookIdentityError,
    checked_identity_lines,
    identity_lines,
    identity_of,
    sheet_map_of,
)

IDENTITY = {"unit_id": "u07", "plan_digest": "abc"}
LEDGER = SheetMap((3, 4), {1: "seq", 2: "task", 3: "p1_count"}, {5: "t1", 6: "t2"})
NOTES = SheetMap((2, 3), {1: "note"}, {4: "n1"})
# One record a row, as a unit's workbook holds them (sheet "_plandocs", from A1).
ROWS = [
    ("plandocs_format", "1"),
    ("unit_id", "u07"),
    ("plan_digest", "abc"),
    (),
    ("sheet", "台账"),
    ("header_rows", 3, 4),
    ("column", "key"),
    (1, "seq"),
    (2, "task"),
    (3, "p1_count"),
    ("row", "key"),
    (5, "t1"),
    (6, "t2"),
    (),
    ("sheet", "说明"),
    ("header_rows", 2, 3),
    ("column", "key"),
    (1, "note"),
    ("row", "key"),
    (4, "n1"),
]


def test_the_writer_writes_the_documented_rows() -> None:
    assert identity_lines(IDENTITY, [("台账", LEDGER), ("说明", NOTES)]) == ROWS


def test_the_reader_reads_them_back() -> None:
    assert identity_of(ROWS) == IDENTITY
    assert sheet_map_of(ROWS, "台账") == LEDGER
    assert sheet_map_of(ROWS, "说明") == NOTES


def test_as_a_spreadsheet_returns_them() -> None:
    """A reader may get the numbers back as text, and rows padded with empty cells."""
    as_saved = [(*(str(v) if isinstance(v, int) else v for v in row), None) for row in ROWS]
    assert sheet_map_of(as_saved, "台账") == LEDGER
    assert identity_of(as_saved) == IDENTITY


def test_rows_that_are_not_an_identity_sheet_are_refused() -> None:
    with pytest.raises(WorkbookIdentityError):
        checked_identity_lines([("unit_id", "u07")])
    with pytest.raises(WorkbookIdentityError):
        sheet_map_of(ROWS, "汇总")
