"""The cover report to the upper authority (推荐报告), listing the nominees."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import PurePath
from typing import Any

from generator.documents.common import (
    Block,
    block,
    chinese_date,
    outline_number,
    paragraphs,
    signature_lines,
    title_lines,
)
from generator.documents.document import Document, NominationInputs
from generator.documents.nomination_list import in_order, list_table, list_title
from generator.model.awards import CoverReport
from generator.model.nomination_rules import Verdict
from generator.model.resolved import Plan
from generator.render.document_spec import DocProperties
from generator.write.names import safe_filename


def report_context(plan: Plan, report: CoverReport, verdicts: list[Verdict]) -> dict[str, Any]:
    closing = ["特此报告。"]
    judged = plan.awards.judges if plan.awards else []
    if judged:  # judges need not be the plan's units (市妇联, 媒体代表)
        closing.insert(0, f"评审单位：{'、'.join(judged)}。")
    if report.contact:
        closing.append(f"（联系人及电话：{report.contact}）")
    return {
        "title": title_lines(report.title),
        "addressee": f"{report.to}：",
        "blocks": [
            *paragraphs([report.opening]),
            *_nominee_blocks(plan, verdicts),
            *paragraphs(closing),
        ],
        "charts": [],
        "blocks_after_charts": [],
        "tables": [],  # further attachments other kinds add (see documents/attachments.py)
        "attachments": [{"label": "附件", "title": list_title(plan)}],
        "signature": signature_lines(plan.text.issuer),
        "date": chinese_date(report.date),
        "ledger": list_table(plan, verdicts),
    }


def _nominee_blocks(plan: Plan, verdicts: list[Verdict]) -> list[Block]:
    blocks: list[Block] = []
    accepted = in_order(plan, verdicts)
    awards = [
        a
        for a in (plan.awards.awards if plan.awards else [])
        if any(v.award is a for v in accepted)
    ]
    for n, award in enumerate(awards, 1):
        chosen = [v for v in accepted if v.award is award]
        measure = award.count_word
        blocks.append(block(1, outline_number(1, n), f"{award.name}（{len(chosen)}{measure}）"))
        blocks.extend(block(0, text=f"{m}.{_describe(v)}") for m, v in enumerate(chosen, 1))
    return blocks


def _describe(verdict: Verdict) -> str:
    nominee = verdict.nominee
    if verdict.award.kind == "collective":
        return nominee.name
    if verdict.award.kind == "household":
        return "，".join(filter(None, (nominee.name, nominee.address)))
    return "，".join(filter(None, (nominee.name, nominee.gender, nominee.position)))


def documents(inputs: NominationInputs) -> Iterator[Document]:
    """The report to the upper authority (推荐报告), the 推荐汇总表 attached."""
    plan, verdicts = inputs.plan, list(inputs.verdicts)
    assert plan.awards is not None
    report = plan.awards.report
    properties = DocProperties(title=report.title, author=plan.text.issuer, created=report.date)
    yield Document(
        PurePath(safe_filename(report.title, ".docx")),
        "推荐报告",
        make=lambda: report_context(plan, report, verdicts),
        properties=properties,
    )
