"""The ledger as a Word table (台账表格): targets grouped by 创建项目 and by subject.

Consecutive targets of one project share a vertically merged 创建项目 cell;
consecutive targets of one subject share a row whose content starts with the
subject and numbers its targets (the seed's 核心价值观宣传进绿地 row).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from itertools import groupby
from typing import TypedDict

from generator.documents.common import units_line
from generator.model.plan import Target
from generator.model.resolved import Plan


class TableRow(TypedDict):
    seq: str
    content: list[str]
    responsible: str
    status: str


class TableGroup(TypedDict):
    project: str
    rows: list[TableRow]


def responsible_names(plan: Plan, target: Target) -> str:
    """A、B; or 牵头单位：A；配合单位：B where the target's task names them separately."""
    if not target.responsible and (item := plan.tasks_by_id[target.task].item).lead:
        return units_line(plan, item)
    named, _ = plan.target_refs(target)
    return "、".join(plan.display_name(ref) for ref in named)


def ledger_groups(
    plan: Plan, targets: Iterable[Target], status: Callable[[Target], str] = lambda _: ""
) -> list[TableGroup]:
    """Group ``targets`` (in ledger order) into table groups and rows."""
    groups: list[TableGroup] = []
    for project, in_project in groupby(targets, key=lambda t: t.project):
        rows: list[TableRow] = []
        for _, in_row in groupby(in_project, key=lambda t: t.subject or t.id):
            row_targets = list(in_row)
            rows.append(
                TableRow(
                    # The row's number in the one numbering (targets sharing it are 1.1, 1.2).
                    seq=plan.numbers[row_targets[0].id].split(".")[0],
                    content=_content(row_targets),
                    responsible=responsible_names(plan, row_targets[0]),
                    status="；".join(filter(None, (status(t) for t in row_targets))),
                )
            )
        groups.append(TableGroup(project=project, rows=rows))
    return groups


def _content(targets: list[Target]) -> list[str]:
    subject = targets[0].subject
    if not subject:
        return [target.text for target in targets]
    return [subject, *(f"{n}.{target.text}" for n, target in enumerate(targets, 1))]
