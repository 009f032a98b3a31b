"""Refusing to mix two plans (不同方案的文件不混用).

An output folder records which plan wrote it (``.plandocs/plan.json``: the plan's id
and title). A run for another plan -- or for the same id under a title of another year,
as when the bundled example is copied and renamed for a new year -- is refused before any
work, naming both plans, unless the user says it is intended (``--other-plan``). A title
reworded within its year is the same plan, edited.

Returned ledgers carry the id and title of the plan they were issued for (their hidden
identity sheet). Returns of another plan are refused the same way: collecting last
year's or the example's returns into this year's record would put wrong figures in
every summary.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import TYPE_CHECKING

from generator.problems import Problem

if TYPE_CHECKING:
    from generator.model.resolved import Plan

MARK = PurePath(".plandocs") / "plan.json"
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")
OVERRIDE = "--other-plan"


@dataclass(frozen=True)
class PlanMark:
    """Which plan an output folder or a returned ledger belongs to."""

    plan_id: str
    title: str

    @classmethod
    def of(cls, plan: Plan) -> PlanMark:
        return cls(plan.text.id, plan.text.title)

    def same_plan(self, other: PlanMark) -> bool:
        """The same plan, perhaps edited: the same id and the same year(s) in the title."""
        return self.plan_id == other.plan_id and _years(self.title) == _years(other.title)

    def to_bytes(self) -> bytes:
        content = {"plan_id": self.plan_id, "plan_title": self.title}
        return (json.dumps(content, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def _years(title: str) -> set[str]:
    return set(_YEAR.findall(title))


def folder_mark(out: Path) -> PlanMark | None:
    """The plan that last wrote ``out``; None for a new folder (or one we cannot read)."""
    try:
        content = json.loads((out / MARK).read_text("utf-8"))
        return PlanMark(str(content["plan_id"]), str(content["plan_title"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def output_problems(plan: Plan, out: Path) -> list[Problem]:
    """A problem when ``out`` holds documents another plan wrote."""
    found, current = folder_mark(out), PlanMark.of(plan)
    if found is None or found.same_plan(current):
        return []
    return [
        Problem(
            out,
            "",
            "--out",
            f"输出目录中是另一份方案《{found.title}》的文件，本次要生成的是《{current.title}》",
            "请换一个输出目录（--out）；确实要在此目录中改为生成本方案的文件时，"
            f"加 {OVERRIDE}（原有文件中同名的将被覆盖）",
        )
    ]


def returns_problems(plan: Plan, folder: Path) -> list[Problem]:
    """A problem for each returned ledger in ``folder`` issued for another plan.

    Files that are not our ledgers, or cannot be read, are left to ``collect``, which
    rejects them with their own reason.
    """
    # Imported here: the CLI reads MARK and OVERRIDE at start-up, before any plan is loaded.
    from generator.documents.ledger_workbook import KIND_UNIT
    from generator.intake.collect import check_returns, forget_pass

    current = PlanMark.of(plan)
    problems = []
    # The collect that follows uses this same pass (each return read and checked once).
    checks, _ = check_returns(plan, folder, keep=True)
    for check in checks:
        identity = check.identity
        if identity.get("kind") != KIND_UNIT:
            continue  # not our ledger, or unreadable: collect rejects it with its reason
        mark = PlanMark(identity.get("plan_id", ""), identity.get("plan_title", ""))
        if not mark.same_plan(current):
            problems.append(
                Problem(
                    check.file.path,
                    "",
                    "",
                    f"这是另一份方案《{mark.title}》下发的台账，本次回收的是《{current.title}》",
                    "请核对回收目录（是否复制了示例或往年的回收台账）；确实要回收时加 "
                    f"{OVERRIDE}（这些台账按本方案逐格检查，另一方案编号的将被退回）",
                )
            )
    if problems:
        forget_pass()  # the run stops here: no collect follows to use it
    return problems
