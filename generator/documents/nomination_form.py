"""The nomination form (推荐表) of one nominee: its fields, story and opinion rows."""

from __future__ import annotations

from typing import Any

from generator.model.awards import FIELD_LABELS, Award, Nominee
from generator.model.nomination_rules import format_year_month
from generator.model.resolved import Plan

# A household's form is laid out as a collective's: a list of fields, no photo.
TEMPLATES = {
    "individual": "nomination_individual.docx",
    "collective": "nomination_collective.docx",
    "household": "nomination_collective.docx",
}
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
