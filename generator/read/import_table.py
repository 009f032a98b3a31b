"""A plan that is a table: a 责任分工表 or 任务分解表 with no numbered text around it.

序号 | 工作任务 | 责任领导 | 责任单位 | 测评方法 | 分值 | 落实情况: each row is a task of one
part (named after the task column's header). 责任领导, 责任单位 and 分值 fill the task's
fields; every other column -- however long its header -- is kept as a labelled line of the
task (测评方法及评分标准：……, 落实情况： left blank as in the table), never dropped.
"""

from __future__ import annotations

from collections.abc import Callable

from generator.model.placeholders import PLACEHOLDER
from generator.read.import_ledger import table_header
from generator.read.import_outline import Draft, Outline, split_title
from generator.read.import_source import Line, Note, Table, names_cell, normalise
from generator.read.import_units import split_names

_SCORE_CHARS = set("0123456789.")


def is_plan_table(table: Table) -> bool:
    """Whether a table can stand for the plan's tasks: a header with 任务 and 责任单位."""
    return table_header(table) is not None


def outline_from_table(table: Table, place: Callable[[Line], str]) -> Outline:
    """The outline a plan table makes: one part, one task per row."""
    found = table_header(table)
    assert found is not None
    h, kinds = found
    headers = table.rows[h]
    content = kinds.index("content")
    section_line = Line(h + 1, headers[content], table.number)
    section = Draft(1, section_line, title=headers[content])
    outline = Outline(sections=[section])
    for r in range(h + 1, len(table.rows)):
        cells = table.rows[r]
        text = cells[content].replace("\n", "") if content < len(cells) else ""
        if not text:
            continue
        item = Draft(2, Line(r + 1, text, table.number))
        item.title, item.text = split_title(text)
        for at, kind in enumerate(kinds):
            value = cells[at] if at < len(cells) else ""
            _cell(item, kind, headers[at], value, _raw(table, r, at), outline)
        section.items.append(item)
    why = "原文以表格列出任务，已读作正文的一个部分（每行一项任务），请核对"
    outline.notes.append(Note(f"表格{table.number}", headers[content], why, False))
    return outline


def _raw(table: Table, row: int, at: int) -> str:
    cells = table.raw[row] if row < len(table.raw) else []
    return cells[at] if at < len(cells) else ""


def _cell(
    item: Draft, kind: str | None, header: str, value: str, raw: str, outline: Outline
) -> None:
    if kind in ("seq", "content"):
        return
    if kind == "responsible":
        names, _ = split_names(names_cell(raw) or value or PLACEHOLDER, outline.names)
        item.fields["responsible"] = names
        outline.names.extend(n for n in names if n != PLACEHOLDER)
    elif kind == "leader" and value:
        item.fields["leader"] = value.replace("\n", "、")
    elif kind == "score" and value and set(value) <= _SCORE_CHARS:
        item.fields["score"] = float(value)
    elif kind == "deadline" and value:
        item.fields["deadline"] = value.replace("\n", "")
    else:  # 测评方法, 落实情况, a blank 责任领导 …: a labelled line, blank kept
        label = normalise(header).rstrip("：")
        item.details.append({"label": label, "value": value.replace("\n", "；")})
