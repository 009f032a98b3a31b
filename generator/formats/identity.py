"""The workbook identity sheet ``_plandocs``: its layout, written and read.

Every workbook we issue carries a ``veryHidden`` sheet recording who it is for and which
worksheet row holds which plan row, so a returned workbook can be matched cell by cell.
The renderer writes it (:func:`identity_lines`) and the returns readers decode it
(:func:`identity_of`, :func:`sheet_map_of`), so the format lives here, below both.
One record a row::

    plandocs_format | 1
    <identity key>  | <value>            one row per key
    (empty row)                          then, for each sheet:
    sheet           | <sheet name>
    header_rows     | <first> | <last>
    column | key                         then <1-based column index> | <column key> rows
    row    | key                         then <worksheet row number> | <row key> rows
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from openpyxl import Workbook

IDENTITY_SHEET = "_plandocs"

# Identity sheet vocabulary (the first row also marks the workbook as ours).
_FORMAT_KEY = "plandocs_format"
_FORMAT_VERSION = "1"
_SHEET_KEY = "sheet"
_HEADER_ROWS_KEY = "header_rows"
_COLUMN_TABLE = ("column", "key")
_ROW_TABLE = ("row", "key")
RESERVED_IDENTITY_KEYS = frozenset({_FORMAT_KEY, _SHEET_KEY})


class WorkbookIdentityError(ValueError):
    """A workbook whose ``_plandocs`` sheet is missing or unreadable."""


@dataclass(frozen=True)
class SheetMap:
    """What ``_plandocs`` records about one rendered sheet."""

    header_rows: tuple[int, int]
    columns: Mapping[int, str]  # 1-based column index -> column key
    rows: Mapping[int, str]  # worksheet row number -> row key


IdentityLines = list[tuple[object, ...]]


def identity_lines(
    identity: Mapping[str, str], sheets: Iterable[tuple[str, SheetMap]]
) -> IdentityLines:
    """The identity sheet's rows for a workbook with ``identity`` and these sheets.

    Keys must be checked by the caller: none empty, none in ``RESERVED_IDENTITY_KEYS``.
    """
    return list(identity_rows(identity, sheets))


def identity_rows(
    identity: Mapping[str, str], sheets: Iterable[tuple[str, SheetMap]]
) -> Iterator[tuple[object, ...]]:
    """:func:`identity_lines` one at a time (a sheet of many rows has as many lines)."""
    yield (_FORMAT_KEY, _FORMAT_VERSION)
    yield from identity.items()
    for name, sheet in sheets:
        yield ()
        yield (_SHEET_KEY, name)
        yield (_HEADER_ROWS_KEY, *sheet.header_rows)
        yield _COLUMN_TABLE
        yield from sheet.columns.items()
        yield _ROW_TABLE
        yield from sheet.rows.items()


def _workbook_lines(workbook: Workbook) -> IdentityLines:
    if IDENTITY_SHEET not in workbook.sheetnames:
        raise missing_identity()
    return checked_identity_lines(
        [tuple(row) for row in workbook[IDENTITY_SHEET].iter_rows(values_only=True)]
    )


def missing_identity() -> WorkbookIdentityError:
    return WorkbookIdentityError(
        f"工作簿中没有标识表“{IDENTITY_SHEET}”，可能不是本系统生成的台账，或已被另存为其他格式"
    )


def checked_identity_lines(lines: IdentityLines) -> IdentityLines:
    """The identity sheet's rows, once its first row shows it is one."""
    if not lines or lines[0][:1] != (_FORMAT_KEY,):
        raise WorkbookIdentityError(f"标识表“{IDENTITY_SHEET}”格式无法识别")
    return lines


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _as_int(value: object) -> int:
    if isinstance(value, int | float | str):
        try:
            return int(value)
        except ValueError:
            pass
    raise WorkbookIdentityError(f"标识表“{IDENTITY_SHEET}”中的行号或列号“{value}”无法识别")


def read_identity(workbook: Workbook) -> dict[str, str]:
    """The ``identity`` mapping a workbook was rendered with."""
    return identity_of(_workbook_lines(workbook))


def identity_of(lines: IdentityLines) -> dict[str, str]:
    """The ``identity`` mapping recorded in the identity sheet's rows."""
    identity: dict[str, str] = {}
    for line in lines[1:]:
        if not line or line[0] is None:
            break
        identity[_text(line[0])] = _text(line[1] if len(line) > 1 else None)
    return identity


def read_sheet_map(workbook: Workbook, sheet_name: str) -> SheetMap:
    """Header rows, column keys and row keys recorded for one rendered sheet."""
    return sheet_map_of(_workbook_lines(workbook), sheet_name)


def sheet_map_of(lines: IdentityLines, sheet_name: str) -> SheetMap:
    """One sheet's header rows, column keys and row keys, from the identity sheet's rows."""
    starts = [i for i, line in enumerate(lines) if line[:2] == (_SHEET_KEY, sheet_name)]
    if not starts:
        raise WorkbookIdentityError(f"标识表中没有工作表“{sheet_name}”的记录")
    start = starts[0]
    header_rows = (0, 0)
    tables: dict[tuple[object, ...], dict[int, str]] = {_COLUMN_TABLE: {}, _ROW_TABLE: {}}
    current: dict[int, str] | None = None
    for line in lines[start + 1 :]:
        if not line or line[0] is None:
            break
        if line[0] == _HEADER_ROWS_KEY:
            header_rows = (_as_int(line[1]), _as_int(line[2]))
        elif line[:2] in tables:
            current = tables[line[:2]]
        elif current is not None:
            current[_as_int(line[0])] = _text(line[1])
    return SheetMap(header_rows, tables[_COLUMN_TABLE], tables[_ROW_TABLE])


def read_row_keys(workbook: Workbook, sheet_name: str) -> Mapping[int, str]:
    """Worksheet row number -> row key, for one rendered sheet."""
    return read_sheet_map(workbook, sheet_name).rows


def read_column_keys(workbook: Workbook, sheet_name: str) -> Mapping[int, str]:
    """1-based column index -> column key, for one rendered sheet."""
    return read_sheet_map(workbook, sheet_name).columns
