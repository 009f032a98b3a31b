"""What a workbook should hold, as the document builders describe it to the engine.

Plain data: sheets as columns and rows, the identity recorded in ``_plandocs`` and the
document properties. ``generator.documents`` builds these; ``generator.render.xlsx`` lays
them out. Kept apart from the engine so a builder needs only these few types.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, overload

ColumnKind = Literal["text", "input_text", "input_choice", "input_number"]
CellValue = str | int | float | None


class WorkbookRenderError(ValueError):
    """A spec that cannot be rendered faithfully; the message is for the user (Chinese)."""


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    width: float
    kind: ColumnKind
    group: str | None = None
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class Row:
    key: str
    values: Mapping[str, CellValue]
    disabled: frozenset[str] = frozenset()


class RowStream(Sequence[Row]):
    """A sheet's rows made as they are iterated, their number known beforehand.

    The engine lays such a sheet out and compresses it a few rows at a time: ten thousand
    units' rows are never all in memory. Each iteration makes the rows again.
    """

    def __init__(self, count: int, make: Callable[[], Iterator[Row]]) -> None:
        self._count = count
        self._make = make

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[Row]:
        return self._make()

    @overload
    def __getitem__(self, index: int) -> Row: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Row]: ...
    def __getitem__(self, index: int | slice) -> Row | Sequence[Row]:
        return list(self)[index]  # (not how the engine reads them: for tests and tools)

    def __repr__(self) -> str:  # what a digest of a spec holding it sees
        return repr(list(self))


@dataclass(frozen=True)
class SheetSpec:
    name: str
    title: str
    subtitle: str = ""
    columns: Sequence[Column] = ()
    rows: Sequence[Row] = ()
    merge_equal: frozenset[str] = frozenset()


@dataclass(frozen=True)
class WorkbookSpec:
    sheets: Sequence[SheetSpec]
    identity: Mapping[str, str]
    title: str
    created: datetime.datetime
