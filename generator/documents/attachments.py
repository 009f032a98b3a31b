"""Tables one kind adds to another kind's file (registry ``part_of``): a sheet in a
workbook, a further attachment (附件) of a 公文.

The host's builder knows nothing of its parts: the pipeline hands each part here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from generator.render.workbook_spec import SheetSpec, WorkbookSpec


@dataclass(frozen=True)
class Attachment:
    """One table: as a worksheet of a workbook, and as an attachment page of a 公文."""

    title: str
    columns: Sequence[str]
    rows: Sequence[Sequence[str]]
    sheet: SheetSpec


def with_sheets(spec: WorkbookSpec, parts: Sequence[Attachment]) -> WorkbookSpec:
    """The workbook with each part's sheet after its own."""
    return replace(spec, sheets=[*spec.sheets, *(part.sheet for part in parts)])


def with_tables(context: dict[str, Any], parts: Sequence[Attachment]) -> dict[str, Any]:
    """The 公文 with each part as a further attachment: 附件 becomes 附件1, 附件2 …

    A 公文 without an attachment page of its own gets none: its parts go with it.
    """
    if not parts or not context.get("ledger"):
        return context
    attachments = [*context["attachments"], *({"title": p.title} for p in parts)]
    labelled = [
        {**a, "label": f"附件{n}" if len(attachments) > 1 else "附件"}
        for n, a in enumerate(attachments, 1)
    ]
    tables = [
        {
            "label": labelled[len(context["attachments"]) + n]["label"],
            "title": part.title,
            "columns": list(part.columns),
            "rows": [{"cells": list(row)} for row in part.rows],
        }
        for n, part in enumerate(parts)
    ]
    return {**context, "attachments": labelled, "tables": [*context["tables"], *tables]}
