"""审核结果.txt: every nominee that fails a rule with the reason, and the units ranked."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import PurePath

from generator.documents import nomination_list
from generator.documents.common import chinese_date
from generator.documents.document import Document, NominationInputs
from generator.documents.summary_parts import percent, phase_end
from generator.model.evaluation import PhaseResult
from generator.model.nomination_rules import Verdict, rank_units
from generator.model.resolved import Plan
from generator.write.text import report_bytes

RESULTS = PurePath("审核结果.txt")


def documents(inputs: NominationInputs) -> Iterator[Document]:
    yield Document(RESULTS, "审核结果", report_bytes(inputs.results))


def results_text(plan: Plan, verdicts: list[Verdict], year: PhaseResult) -> str:
    accepted = [v for v in verdicts if v.passed]
    lines = [
        f"推荐审核结果：{plan.awards.title if plan.awards else ''}",
        f"共收到推荐 {len(verdicts)} 个，通过 {len(accepted)} 个，"
        f"未通过 {len(verdicts) - len(accepted)} 个。",
        "",
        "一、未通过审核的推荐对象",
    ]
    failed = [v for v in verdicts if not v.passed]
    for v in failed:
        lines.append(f"  {v.nominee.id} {v.nominee.name}（{v.award.name}，{v.unit.name}推荐）：")
        lines.extend(f"    - {reason}" for reason in v.reasons)
    if not failed:
        lines.append("  无")
    lines += ["", "二、通过审核的推荐对象（推荐顺序）"]
    lines += [
        f"  {n}. {v.award.name}：{v.nominee.name}（{v.unit.name}）"
        for n, v in enumerate(nomination_list.in_order(plan, verdicts), 1)
    ]
    as_of = chinese_date(phase_end(year.phase, year.year))
    lines += ["", f"三、各单位全年台账完成情况排名（供评选参考，截至{as_of}）"]
    for n, unit in enumerate(rank_units(year), 1):
        state = percent(unit.rate) if unit.reported else "未报送台账"
        lines.append(f"  {n}. {unit.unit.name}：{state}")
    return "\n".join(lines) + "\n"
