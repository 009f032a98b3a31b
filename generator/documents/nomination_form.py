"""The nomination form (推荐表) of one nominee: its fields, story and opinion rows."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from pathlib import PurePath
from typing import Any

from generator.documents.document import Document, NominationInputs
from generator.documents.nomination_list import in_order
from generator.model.awards import FIELD_LABELS, Award, Nominee
from generator.model.nomination_rules import format_year_month
from generator.model.resolved import Plan
from generator.render.document_spec import DocProperties
from generator.write.names import safe_filename

# A household's form is laid out as a collective's: a list of fields, no photo.
LAYOUTS = {"individual": "individual", "collective": "collective", "household": "collective"}
DATE_FIELDS = ("birth", "work_start")


def form_title(plan: Plan, award: Award) -> str:
    """2016年度文明服务先进个人推荐表."""
    return f"{plan.text.year}年度{plan.text.activity.removesuffix('活动')}{award.name}推荐表"


def form_fields(award: Award, nominee: Nominee) -> list[dict[str, str]]:
    fields = [{"label": award.first_label, "value": nominee.name}]
    for name in award.form_fields:
        value = getattr(nominee, name)
        fields.append(
            {
                "label": FIELD_LABELS[name],
                "value": format_year_month(value) if name in DATE_FIELDS else value,
            }
        )
    return fields


def form_context(plan: Plan, award: Award, nominee: Nominee) -> dict[str, Any]:
    paragraphs = [p.strip() for p in nominee.story.splitlines() if p.strip()]
    return {
        "award": award.name,
        "title": form_title(plan, award),
        "fields": form_fields(award, nominee),
        "honours": nominee.honours,
        "story": "\n".join(paragraphs),
        "story_paragraphs": paragraphs,
        "opinions": [{"label": label, "note": ""} for label in award.opinions],
        "form_no": f"编号：{nominee.id}",
    }


def documents(inputs: NominationInputs) -> Iterator[Document]:
    """A 推荐表 per accepted nominee, in the order of the 推荐汇总表; laid out by award kind."""
    plan = inputs.plan
    assert plan.awards is not None
    date = plan.awards.report.date
    for verdict in in_order(plan, list(inputs.verdicts)):
        award, nominee = verdict.award, verdict.nominee
        title = form_title(plan, award)
        name = safe_filename(f"{nominee.id}-{nominee.name}-{award.name}推荐表", ".docx")
        yield Document(
            PurePath(safe_filename(award.name), name),
            f"{nominee.name} 推荐表",
            make=partial(form_context, plan, award, nominee),
            properties=DocProperties(title=title, author=verdict.unit.name, created=date),
            template=LAYOUTS[award.kind],
        )
