"""The outline shapes other bureaus' plans have (issue 17), as the documents print them:
a 一、 part without a short title, a fifth level ①, labelled lines with blanks, a plan
without 工作要求."""

from __future__ import annotations

import io

import docx

from generator.documents.common import outline_blocks, outline_number
from generator.model.plan import Detail, Item
from generator.model.resolved import Plan
from generator.pipeline.steps import issue as phase1_jobs
from generator.read.plan_reader import read_plan
from generator.render.templates import TemplateSet
from tests.helpers import EXAMPLE


def _example() -> Plan:
    return read_plan(EXAMPLE)


def _with_sections(plan: Plan, sections: list[Item]) -> Plan:
    text = plan.text.model_copy(update={"sections": sections})
    return Plan(text, plan.organisation, plan.ledger, plan.awards)


def test_a_part_without_a_short_title_never_prints_a_bare_number() -> None:
    plan = _example()
    part = Item(text="各乡镇要落实行政首长负责制，5月15日前完成防汛责任人公示，确保责任到人。")
    blocks = outline_blocks(plan, [part])
    assert all(not (b["number"] and not b["heading"] and not b["text"]) for b in blocks)
    assert blocks[0]["text"] == f"一、{part.text}"


def test_the_fifth_level_is_numbered_with_circled_numbers() -> None:
    assert [outline_number(5, n) for n in (1, 2, 10)] == ["①", "②", "⑩"]
    plan = _example()
    deep = Item(title="清理背街小巷垃圾；")
    outline = [
        Item(
            title="甲",
            items=[
                Item(
                    title="乙",
                    items=[Item(title="丙", items=[Item(title="丁", items=[deep, deep])])],
                )
            ],
        )
    ]
    numbers = [b["number"] for b in outline_blocks(plan, outline)]
    assert numbers == ["一、", "（一）", "1.", "（1）", "①", "②"]


def test_labelled_lines_keep_their_blanks_in_the_document() -> None:
    plan = _example()
    requirements = next(s for s in plan.text.sections if s.role == "requirements")
    activity = Item(
        title="“亲子共读”活动",
        details=[{"label": "时间", "value": "    年  月  日"}, {"label": "地点", "value": ""}],
    )
    changed = requirements.model_copy(update={"items": [*requirements.items, activity]})
    sections = [changed if s is requirements else s for s in plan.text.sections]
    plan = _with_sections(plan, sections)
    (job,) = [j for j in phase1_jobs(plan, TemplateSet(None)).jobs if j.label == "方案"]
    texts = [p.text for p in docx.Document(io.BytesIO(job.render())).paragraphs]
    assert "时间：    年  月  日" in texts and "地点：" in texts


def test_a_unit_plan_has_no_empty_requirements_heading() -> None:
    plan = _example()
    with_requirements = _unit_plan_texts(plan)
    assert "三、工作要求" in with_requirements
    sections = [s for s in plan.text.sections if s.role != "requirements"]
    assert "三、工作要求" not in _unit_plan_texts(_with_sections(plan, sections))


def _unit_plan_texts(plan: Plan) -> list[str]:
    jobs = phase1_jobs(plan, TemplateSet(None)).jobs
    job = next(j for j in jobs if j.path.name.endswith("实施方案.docx"))
    return [p.text for p in docx.Document(io.BytesIO(job.render())).paragraphs]


def test_a_unit_plan_prints_its_activity_details() -> None:
    plan = _example()
    task = next(i for i in _all(plan.text.sections) if i.is_task)
    dated = task.model_copy(update={"details": [Detail(label="地点", value="人民公园")]})
    sections = [_replace(s, task, dated) for s in plan.text.sections]
    plan = _with_sections(plan, sections)
    texts = [
        t
        for j in phase1_jobs(plan, TemplateSet(None)).jobs
        if j.path.name.endswith("实施方案.docx")
        for t in _texts(j)
    ]
    assert "地点：人民公园" in texts


def _all(items: list[Item]) -> list[Item]:
    return [x for i in items for x in (i, *_all(i.items))]


def _replace(item: Item, old: Item, new: Item) -> Item:
    if item is old:
        return new
    return item.model_copy(update={"items": [_replace(i, old, new) for i in item.items]})


def _texts(job) -> list[str]:  # type: ignore[no-untyped-def]
    return [p.text for p in docx.Document(io.BytesIO(job.render())).paragraphs]
