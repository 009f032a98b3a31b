"""Phase 3 (总结评比阶段): nominations checked against the ledger results, and their documents.

Outputs go to ``<out>/评选推荐/``: a 推荐表 per accepted nominee, the 推荐汇总表
(Excel), the cover report with the list attached (Word), and 审核结果.txt naming
every nominee that fails a rule, with the reason, and the units ranked by their
year's ledger results.
"""

from __future__ import annotations

from pathlib import PurePath

from generator.documents import cover_report, nomination_form, nomination_list
from generator.documents.common import chinese_date
from generator.documents.ledger_workbook import TEMPLATE as LEDGER_TEMPLATE
from generator.documents.nomination_workbook import nomination_form_spec
from generator.documents.summary_parts import percent, phase_end
from generator.intake.nominations import NominationReturn
from generator.model.awards import Nominee
from generator.model.evaluation import PhaseResult
from generator.model.nomination_rules import Verdict, judge, rank_units
from generator.model.resolved import Plan
from generator.pipeline.collected import annotated_job, original_job, problem_line
from generator.pipeline.jobs import Job
from generator.render.document_spec import DocProperties
from generator.render.templates import TemplateSet
from generator.write.names import safe_filename
from generator.write.text import report_bytes

FOLDER = PurePath("评选推荐")
RESULTS = FOLDER / "审核结果.txt"
FORMS = FOLDER / "推荐表格"
RETURN_ORIGINALS = FOLDER / "原件"
RETURN_REJECTED = FOLDER / "退回"


def nomination_jobs(
    plan: Plan, nominees: list[Nominee], year: PhaseResult, templates: TemplateSet
) -> tuple[list[Job], list[Verdict], str]:
    assert plan.awards is not None
    report = plan.awards.report
    verdicts = judge(plan, nominees, year)
    jobs = [_form_job(plan, v, templates) for v in nomination_list.in_order(plan, verdicts)]
    jobs.append(
        Job(
            FOLDER / safe_filename(nomination_list.list_title(plan), ".xlsx"),
            "推荐汇总表",
            lambda: templates.xlsx(LEDGER_TEMPLATE).render(
                nomination_list.list_spec(plan, verdicts, report.contact, report.date)
            ),
        )
    )
    jobs.append(
        Job(
            FOLDER / safe_filename(report.title, ".docx"),
            "推荐报告",
            lambda: templates.docx(cover_report.TEMPLATE).render(
                cover_report.report_context(plan, report, verdicts),
                DocProperties(title=report.title, author=plan.text.issuer, created=report.date),
            ),
        )
    )
    text = results_text(plan, verdicts, year)
    jobs.append(Job(RESULTS, "审核结果", lambda: report_bytes(text)))
    return jobs, verdicts, text


def _form_job(plan: Plan, verdict: Verdict, templates: TemplateSet) -> Job:
    award, nominee = verdict.award, verdict.nominee
    title = nomination_form.form_title(plan, award)
    name = safe_filename(f"{nominee.id}-{nominee.name}-{award.name}推荐表", ".docx")
    return Job(
        FOLDER / "推荐表" / safe_filename(award.name) / name,
        f"{nominee.name} 推荐表",
        lambda: templates.docx(nomination_form.TEMPLATES[award.kind]).render(
            nomination_form.form_context(plan, award, nominee),
            DocProperties(title=title, author=verdict.unit.name, created=plan.awards.report.date),
        ),
    )


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


def form_jobs(plan: Plan, templates: TemplateSet) -> list[Job]:
    """A nomination workbook per unit, to collect nominees the way ledgers are collected."""
    return [
        Job(
            FORMS / safe_filename(f"{unit.name}推荐表格", ".xlsx"),
            f"{unit.name} 推荐表格",
            lambda unit=unit: templates.xlsx(LEDGER_TEMPLATE).render(
                nomination_form_spec(plan, unit)
            ),
        )
        for unit in plan.organisation.units
    ]


def returns_outputs(
    plan: Plan, returns: list[NominationReturn]
) -> tuple[list[Job], list[Nominee], list[str]]:
    """Jobs for originals and annotated copies, the accepted nominees (newest file per unit
    wins), and report lines."""
    jobs = [original_job(r.check, RETURN_ORIGINALS) for r in returns]
    newest: dict[str, NominationReturn] = {}
    lines = []
    for item in sorted(returns, key=lambda r: (r.check.stamp, r.check.file.sha256)):
        check = item.check
        if not check.accepted:
            annotated = annotated_job(plan, check, RETURN_REJECTED, "推荐表格")
            if annotated:
                jobs.append(annotated)
            who = check.unit.name if check.unit else "无法识别单位"
            lines.append(f"  退回 {who}：{check.file.path.name}，{len(check.errors)} 个问题")
            lines += [f"    - {problem_line(p.place, p.message, p.hint)}" for p in check.errors]
            continue
        assert check.unit is not None
        if check.unit.id in newest:
            older = newest[check.unit.id].check.file.path.name
            lines.append(f"  {older} 已被{check.unit.name}更新的推荐表格取代（原件保留）")
        newest[check.unit.id] = item
    order = [u.id for u in plan.organisation.units]
    nominees = [n for uid in sorted(newest, key=order.index) for n in newest[uid].nominees]
    return jobs, nominees, lines
