"""One function per command: the inputs of a flow checked and made, its jobs laid out.

Problems are raised as :class:`~generator.problems.InputError` (exit status 2); the CLI
only parses options, calls one of these and reports the typed result.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from generator.documents.document import (
    CollectInputs,
    IssueInputs,
    NominationInputs,
    SummaryInputs,
)
from generator.intake.collect import CollectResult
from generator.intake.nominations import NominationReturn
from generator.intake.outputs import collect_report, taken_in
from generator.intake.record import RECORD
from generator.model.awards import Nominee
from generator.model.evaluation import evaluate, evaluate_phases
from generator.model.plan import Unit
from generator.model.progress import ProgressRecord
from generator.model.resolved import Plan
from generator.pipeline.flows import flow_jobs
from generator.pipeline.jobs import Job
from generator.pipeline.kinds import Flow
from generator.problems import InputError, Problem
from generator.render.templates import TemplateSet


@dataclass
class Issue:
    """The phase-1 job list, and the units left without files (no duties)."""

    jobs: list[Job]
    units_without_tasks: list[Unit]


def issue(plan: Plan, templates: TemplateSet, only_unit: Unit | None = None) -> Issue:
    units = [only_unit] if only_unit is not None else plan.organisation.units
    idle = [u for u in units if not plan.duties(u)]
    return Issue(flow_jobs(Flow.ISSUE, IssueInputs(plan, only_unit), templates), idle)


@dataclass
class Collected:
    """The collect flow's jobs, its report, and the rejections still outstanding."""

    jobs: list[Job]
    report: str
    outstanding: int


def collected(plan: Plan, result: CollectResult, templates: TemplateSet) -> Collected:
    inputs: CollectInputs = taken_in(plan, result)
    report, outstanding = collect_report(plan, result)
    return Collected(flow_jobs(Flow.COLLECT, inputs, templates), report, outstanding)


def _record_problem(out: Path, reason: str) -> InputError:
    hint = "请先运行 plandocs collect 回收各单位台账"
    return InputError([Problem(out / RECORD, "", "", reason, hint)])


def summary_inputs(
    plan: Plan,
    record: ProgressRecord | None,
    phase_number: int,
    out: Path,
    data: Path,
    nominees: list[Nominee] | None = None,
) -> SummaryInputs:
    """The phase results up to ``phase_number`` (cumulative), judged nominations at the year's end.

    Every figure is cumulative as of its phase's end: each line's latest report counts.
    The first phase can be summed up from what phase 1 issued; later ones need returns.
    """
    phases = plan.text.phases
    if phase_number > len(phases):
        from generator.read.plan_reader import plan_source

        message = f"方案只有 {len(phases)} 个阶段，没有第 {phase_number} 阶段"
        where = plan_source(data, "plan")
        raise InputError(
            [Problem(where, "", "phases", message, f"请用 --phase 1 至 {len(phases)}")]
        )
    if record is None and phase_number > 1:
        raise _record_problem(out, "还没有回收台账，无法统计")
    if record is not None and record.plan_version != plan.version:
        raise _record_problem(out, "回收的台账属于旧版方案，无法统计")
    year_end = phase_number == len(phases)
    results = evaluate_phases(plan, record, phases[:phase_number], cumulative=True)
    verdicts = None
    if year_end and plan.awards is not None and nominees is not None:
        from generator.model.nomination_rules import judge

        verdicts = judge(plan, nominees, results[-1])
    return SummaryInputs(plan, results, year_end, verdicts, record)


def summary_jobs(inputs: SummaryInputs, templates: TemplateSet) -> list[Job]:
    return flow_jobs(Flow.YEAR_END if inputs.year_end else Flow.SUMMARY, inputs, templates)


@dataclass
class Nominated:
    """The nomination flow's jobs, the 审核结果 text, and the returned forms sent back."""

    jobs: list[Job]
    results: str
    notes: list[str] = field(default_factory=list)
    sent_back: int = 0


def nominated(
    plan: Plan,
    nominees: list[Nominee],
    record: ProgressRecord | None,
    out: Path,
    templates: TemplateSet,
    returns: list[NominationReturn] | None = None,
) -> Nominated:
    """Nominees (with the returned forms') judged against the year's ledger results."""
    from generator.intake.nominations import merge_returns
    from generator.model.nomination_rules import judge

    notes: list[str] = []
    sent_back = 0
    if returns is not None:
        returned, notes, sent_back = merge_returns(plan, returns)
        nominees = [*nominees, *returned]
    if record is None or record.plan_version != plan.version:
        raise _record_problem(out, "还没有回收本版方案的台账，无法核实各单位台账完成情况")
    year = evaluate(plan, record, plan.text.phases[-1], cumulative=True)
    verdicts = judge(plan, nominees, year)
    inputs = NominationInputs(plan, verdicts, year, returns or [])
    jobs = flow_jobs(Flow.NOMINATION_RETURNS, inputs, templates) if returns is not None else []
    jobs += flow_jobs(Flow.NOMINATE, inputs, templates)
    return Nominated(jobs, inputs.results, notes, sent_back)


def nomination_forms(plan: Plan, templates: TemplateSet) -> list[Job]:
    return flow_jobs(Flow.NOMINATION_FORMS, IssueInputs(plan), templates)
