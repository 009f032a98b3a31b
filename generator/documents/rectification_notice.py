"""The 整改通知: to each unit with lagging or overdue targets after a phase, listing them
with their status and figures, and the day by which to report again.

One notice per unit (主送 that unit alone): what it must correct is its own, and the
bureau files each unit's correction against its own notice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from functools import partial
from pathlib import PurePath
from typing import Any

from generator.documents.common import block, chinese_date, outline_number, paragraphs
from generator.documents.document import Document, SummaryInputs
from generator.documents.letter import letter_context
from generator.documents.measure_text import line_sentence
from generator.documents.summary_parts import summary_day
from generator.model.evaluation import DONE, LAGGING, LineResult, UnitResult
from generator.model.resolved import Plan
from generator.render.document_spec import DocProperties
from generator.write.names import safe_filename

REPORT_AGAIN_WITHIN = dt.timedelta(days=10)  # 10日内报送整改情况


def documents(inputs: SummaryInputs) -> Iterator[Document]:
    """One notice per unit with something to correct; each context is built when the notice
    is digested or rendered and dropped after (thousands of units' are never held at once)."""
    plan, result = inputs.plan, inputs.result
    as_of = summary_day(plan, result.phase)
    for unit in result.reported:
        if not to_correct(unit, as_of):
            continue
        title = notice_title(unit, result.phase.name)
        properties = DocProperties(title=title, author=plan.text.issuer, created=as_of)
        yield Document(
            PurePath(safe_filename(f"{unit.unit.name}整改通知", ".docx")),
            f"{unit.unit.name} 整改通知",
            make=partial(notice_context, plan, unit, result.phase.name, as_of),
            properties=properties,
            digested=True,
        )


def notice_title(unit: UnitResult, phase_name: str) -> str:
    return f"关于{unit.unit.name}{phase_name}工作台账滞后事项限期整改的通知"


def notice_context(plan: Plan, unit: UnitResult, phase_name: str, as_of: dt.date) -> dict[str, Any]:
    """The notice to ``unit``: its lines to correct, and the day to report again by."""
    lines = to_correct(unit, as_of)
    blocks = [
        *paragraphs(
            [
                f"根据各单位截至{chinese_date(as_of)}报送的工作台账，你单位承担的"
                f"{len(lines)}项台账任务进度滞后或已过完成时限，具体如下："
            ]
        ),
        *(
            block(0, text=f"{outline_number(3, n)}{item(plan, line, as_of)}")
            for n, line in enumerate(lines, 1)
        ),
        *paragraphs(
            [
                f"请对照《{plan.text.title}》和本单位实施方案，逐项分析原因，明确整改措施、"
                f"责任人和完成时间，于{chinese_date(as_of + REPORT_AGAIN_WITHIN)}前将整改情况"
                f"和更新后的本单位工作台账报送{plan.text.issuer}。",
                "特此通知。",
            ]
        ),
    ]
    title = notice_title(unit, phase_name)
    return letter_context(title, [unit.unit.name], blocks, plan.text.issuer, as_of)


def to_correct(unit: UnitResult, as_of: dt.date) -> list[LineResult]:
    """The unit's lines that lag (滞后, or 已完成 short of the figure) or are past their
    完成时限 and not done, each once, in ledger order."""
    return [line for line in unit.lines if line.status == LAGGING or line.overdue(as_of)]


def item(plan: Plan, line: LineResult, as_of: dt.date) -> str:
    """简称（台账第N项）：状态；figures；完成时限."""
    parts = [f"状态为{line.status}"]
    if line.shortfall:
        parts = ["报为已完成，但完成数未达到目标"]
    if figures := line_sentence(line):
        parts.append(figures)
    if line.deadline is not None and line.status != DONE:
        late = "已过期" if line.deadline < as_of else "未到期"
        parts.append(f"完成时限{chinese_date(line.deadline)}（{late}）")
    number = plan.numbers[line.target.id]
    return f"{plan.short(line.target)}（台账第{number}项）：{'；'.join(parts)}。"
