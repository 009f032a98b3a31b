"""Awards of other shapes (issue 17): a total quota per award (最佳社区3个, 好邻里奖16户),
households as nominees, judges that are not the plan's units."""

from __future__ import annotations

from generator.documents.cover_report import report_context
from generator.documents.nomination_form import form_context
from generator.documents.nomination_list import list_table
from generator.model.awards import Award, Awards, Nominee
from generator.model.evaluation import evaluate
from generator.model.nomination_rules import judge
from generator.model.progress import ProgressRecord
from generator.model.resolved import Plan
from generator.read.plan_reader import read_plan
from tests.helpers import EXAMPLE

STORY = "该户邻里互助，热心公益。" * 30


def _plan_with_households() -> tuple[Plan, Award]:
    plan = read_plan(EXAMPLE)
    assert plan.awards is not None
    neighbours = Award.model_validate(
        {"id": "hl", "name": "好邻里奖", "kind": "household", "rules": {"total": 2}}
    )
    awards = Awards.model_validate(
        {
            **plan.awards.model_dump(),
            "awards": [*plan.awards.model_dump()["awards"], neighbours.model_dump()],
            "judges": ["市妇联", "媒体代表"],
        }
    )
    return Plan(plan.text, plan.organisation, plan.ledger, awards), neighbours


def _household(n: int, unit: str) -> Nominee:
    return Nominee(
        id=f"H{n}",
        award="hl",
        unit=unit,
        name=f"张{n}家",
        address=f"人民路{n}号",
        family="4人",
        story=STORY,
    )


def test_a_total_quota_stops_the_nominee_after_it() -> None:
    plan, _ = _plan_with_households()
    year = evaluate(
        plan, ProgressRecord(plan.text.id, plan.version), plan.text.phases[-1], cumulative=True
    )
    units = [u.name for u in plan.organisation.units[:3]]
    verdicts = judge(plan, [_household(n, u) for n, u in enumerate(units, 1)], year)
    assert [v.passed for v in verdicts] == [True, True, False], [v.reasons for v in verdicts]
    assert verdicts[2].reasons == ["超出总名额：好邻里奖共2户，此为第3户"]


def test_a_household_is_nominated_by_address_and_the_judges_are_named() -> None:
    plan, award = _plan_with_households()
    nominee = _household(1, plan.organisation.units[0].name)
    fields = form_context(plan, award, nominee)["fields"]
    assert fields[0] == {"label": "户主姓名", "value": "张1家"}
    assert {"label": "家庭住址", "value": "人民路1号"} in fields
    year = evaluate(
        plan, ProgressRecord(plan.text.id, plan.version), plan.text.phases[-1], cumulative=True
    )
    verdicts = judge(plan, [nominee], year)
    assert plan.awards is not None
    context = report_context(plan, plan.awards.report, verdicts)
    texts = [b["text"] or b["heading"] for b in context["blocks"]]
    assert "好邻里奖（1户）" in texts and "1.张1家，人民路1号" in texts
    assert "评审单位：市妇联、媒体代表。" in texts
    assert "人民路1号" in str(list_table(plan, verdicts))
