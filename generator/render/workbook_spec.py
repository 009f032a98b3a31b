"""What a workbook should hold, as the document builders describe it to the engine.

Plain data: sheets as columns and rows, the identity recorded in ``_plandocs`` and the
document properties. ``generator.documents`` builds these; ``generator.render.xlsx`` lays
them out. Kept apart from the engine so a builder needs only these few types.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

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
