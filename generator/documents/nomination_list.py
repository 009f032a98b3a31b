"""The summary list of nominees (推荐汇总表), as a workbook and as a Word table."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from functools import partial
from pathlib import PurePath
from typing import Any

from generator.documents.common import chinese_date
from generator.documents.document import Document, NominationInputs
from generator.documents.ledger_workbook import identity
from generator.model.nomination_rules import Verdict, format_year_month
from generator.model.resolved import Plan
from generator.render.workbook_spec import Column, Row, SheetSpec, WorkbookSpec
from generator.write.names import safe_filename

KIND = "nomination-summary"
SHEET = "推荐汇总表"
COLUMNS = (
    ("seq", "序号", 5),
    ("award", "类别", 10),
    ("name", "推荐对象", 14),
    ("gender", "性别", 5),
    ("ethnicity", "民族", 6),
    ("birth", "出生年月", 9),
    ("politics", "政治面貌", 9),
    ("education", "学历", 8),
    ("position", "工作单位及职务", 22),
    ("summary", "事迹简介", 40),
    ("note", "备注", 12),
)
SUMMARY_CHARS = 60


def in_order(plan: Plan, verdicts: list[Verdict]) -> list[Verdict]:
    """Accepted nominees, block by award (collectives first, as declared), then as recommended."""
    awards = [a.id for a in plan.awards.awards] if plan.awards else []
    passed = [v for v in verdicts if v.passed]
    return sorted(passed, key=lambda v: awards.index(v.award.id))


def list_title(plan: Plan) -> str:
    title = plan.awards.title if plan.awards else ""
    return f"{title}推荐汇总表"


def _values(n: int, verdict: Verdict) -> dict[str, str]:
    nominee = verdict.nominee
    story = "".join(nominee.story.split())
    return {
        "seq": str(n),
        "award": verdict.award.name,
        "name": nominee.name,
        "gender": nominee.gender,
        "ethnicity": nominee.ethnicity,
        "birth": format_year_month(nominee.birth),
        "politics": nominee.politics,
        "education": nominee.education,
        "position": _position(verdict),
        "summary": story if len(story) <= SUMMARY_CHARS else story[:SUMMARY_CHARS] + "……",
        "note": f"推荐单位：{verdict.unit.name}",
    }


def list_rows(plan: Plan, verdicts: list[Verdict]) -> list[dict[str, str]]:
    return [_values(n, v) for n, v in enumerate(in_order(plan, verdicts), 1)]


def list_spec(plan: Plan, verdicts: list[Verdict], contact: str, date: dt.date) -> WorkbookSpec:
    header = (
        f"填报单位（盖章）：{plan.text.issuer}　　填报人：　　　　"
        f"联系电话：{contact}　　填报日期：{chinese_date(date)}"
    )
    sheet = SheetSpec(
        name=SHEET,
        title=list_title(plan),
        subtitle=header,
        columns=[Column(key, title, width, "text") for key, title, width in COLUMNS],
        rows=[Row(f"N:{r['seq']}", r) for r in list_rows(plan, verdicts)],
        merge_equal=frozenset({"award"}),
    )
    return WorkbookSpec(
        [sheet],
        identity(plan, KIND, None, [sheet]),
        list_title(plan),
        dt.datetime.combine(date, dt.time()),
    )


def list_table(plan: Plan, verdicts: list[Verdict]) -> dict[str, Any]:
    """The same list as the Word table of the cover report's attachment."""
    keys = [key for key, _, _ in COLUMNS if key != "note"]
    titles = [title for key, title, _ in COLUMNS if key != "note"]
    return {
        "title": list_title(plan),
        "columns": titles,
        "rows": [{"cells": [row[k] for k in keys]} for row in list_rows(plan, verdicts)],
    }


def _position(verdict: Verdict) -> str:
    """工作单位及职务 of a person; a collective's nature and head; a household's address."""
    nominee, kind = verdict.nominee, verdict.award.kind
    if kind == "individual":
        return nominee.position
    if kind == "household":
        return nominee.address
    return f"{nominee.nature}，负责人{nominee.head}"


def documents(inputs: NominationInputs) -> Iterator[Document]:
    """The 推荐汇总表 of every accepted nominee."""
    plan, verdicts = inputs.plan, list(inputs.verdicts)
    assert plan.awards is not None
    report = plan.awards.report
    name = PurePath(safe_filename(list_title(plan), ".xlsx"))
    yield Document(
        name, "推荐汇总表", make=partial(list_spec, plan, verdicts, report.contact, report.date)
    )
