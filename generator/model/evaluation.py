"""How far the plan has got in a phase (阶段评估): per unit, per target, bureau-wide.

A unit's line counts as done (已完成) only when the unit says so *and* its
quantitative measure, if any, is met; a done line whose figure falls short
counts as lagging (滞后, 未达标). A target is done when every responsible unit
has done it; lagging when any unit lags; not started when nobody has started.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from generator.model.ledger import ledger_rows
from generator.model.plan import STATUSES, Measure, Phase, Target, Unit
from generator.model.progress import PhaseReport, ProgressRecord, Submission
from generator.model.resolved import Plan, Role

DONE, UNDER_WAY, LAGGING, NOT_STARTED = STATUSES
NOT_REPORTED = "未报"

_COMPARE = {">=": operator.ge, "<=": operator.le, "==": operator.eq}


def measure_met(measure: Measure, value: float, planned: float | None = None) -> bool:
    """Whether ``value`` meets the measure -- or the unit's own ``planned`` figure (计划数)."""
    if measure.comparator == "between":
        return measure.value <= value <= (measure.value_max or measure.value)
    return _COMPARE[measure.comparator](value, measure.value if planned is None else planned)


def unit_value(measure: Measure, figure: float, unit: Unit) -> float | None:
    """The reported figure in the target's terms (a share of staff becomes a percentage)."""
    if measure.basis == "staff_share":
        return figure / unit.staff_count * 100 if unit.staff_count else None
    return figure


def number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def target_wording(measure: Measure, planned: float | None = None) -> str:
    """6次, 2-3个, 30%: the target value as offices write it next to the actual figure."""
    low = number(measure.value if planned is None else planned)
    if measure.comparator == "between" and measure.value_max is not None:
        return f"{low}-{number(measure.value_max)}{measure.unit}"
    return f"{low}{measure.unit}"


def percent_of(actual: float, planned: float) -> str:
    """完成率 as offices print it: 110.0%."""
    return f"{actual / planned * 100:.1f}%" if planned else ""


def combine(statuses: Iterable[str]) -> str:
    """Several statuses as one: done only if all are, lagging if any is."""
    found = set(statuses)
    if found == {DONE}:
        return DONE
    if LAGGING in found:
        return LAGGING
    if found <= {NOT_STARTED, NOT_REPORTED}:
        return NOT_STARTED
    return UNDER_WAY


@dataclass(frozen=True)
class LineResult:
    """One unit's line in one phase: what it reported and what that counts as."""

    unit: Unit
    target: Target
    measure: Measure | None
    role: Role
    report: PhaseReport | None  # None: the unit has not reported
    deadline: dt.date | None = None  # 完成时限 of the target's task
    planned: float | None = None  # the unit's own 计划数, where the plan sets one

    def overdue(self, as_of: dt.date) -> bool:
        """Past its deadline at ``as_of`` and not done."""
        return self.deadline is not None and self.deadline < as_of and self.status != DONE

    @cached_property
    def value(self) -> float | None:
        if self.measure is None or self.report is None or self.report.figure is None:
            return None
        return unit_value(self.measure, self.report.figure, self.unit)

    @property
    def unit_measure(self) -> bool:
        return self.measure is not None and self.measure.scope == "unit"

    @cached_property
    def met(self) -> bool | None:
        if not self.unit_measure or self.value is None:
            return None
        return measure_met(self.measure, self.value, self.planned)  # type: ignore[arg-type]

    @property
    def status(self) -> str:
        if self.report is None:
            return NOT_REPORTED
        status = self.report.status or NOT_STARTED
        if status == DONE and self.unit_measure and not self.met:
            return LAGGING
        return status

    @property
    def shortfall(self) -> bool:
        """Reported done, but the figure does not meet the target."""
        return self.report is not None and self.report.status == DONE and self.status == LAGGING

    def actual_text(self) -> str:
        """4/6次; 25.0%/30%（53人）for a share of staff; 完成5500小时/计划5000小时（110.0%）."""
        if self.measure is None or self.report is None or self.report.figure is None:
            return ""
        m = self.measure
        if m.basis == "unit_share":  # each unit answers yes (1) or no (0)
            return "：是" if self.report.figure else "：否"
        if m.scope == "system":  # a unit's part of a system total: no target of its own
            return f"{number(self.report.figure)}{m.report_unit}"
        if self.planned is not None and self.value is not None:
            return f"完成{number(self.value)}{m.unit}/计划{target_wording(m, self.planned)}" + (
                f"（{percent_of(self.value, self.planned)}）" if self.planned else ""
            )
        if m.basis == "staff_share" and self.value is not None:
            return (
                f"{self.value:.1f}%/{target_wording(m)}（{number(self.report.figure)}"
                f"{m.report_unit}/{self.unit.staff_count}人）"
            )
        return f"{number(self.report.figure)}/{target_wording(m)}"


@dataclass
class TargetResult:
    """A target's lines, every responsible unit's. The lines are not changed once evaluated:
    the summaries ask for the per-unit statuses many times per target (texts, charts,
    workbook, attachment), so they are combined once, on first asking."""

    target: Target
    lines: list[LineResult]
    _statuses: dict[str, tuple[Unit, str]] | None = field(
        default=None, init=False, repr=False, compare=False
    )

    @property
    def status(self) -> str:
        return combine(line.status for line in self.lines)

    def unit_statuses(self) -> dict[str, tuple[Unit, str]]:
        """Each responsible unit's status on this target, over all its lines (do not change it)."""
        if self._statuses is None:
            lines: dict[str, list[LineResult]] = {}
            for line in self.lines:
                lines.setdefault(line.unit.id, []).append(line)
            self._statuses = {
                uid: (
                    ls[0].unit,
                    NOT_REPORTED if ls[0].report is None else combine(ln.status for ln in ls),
                )
                for uid, ls in lines.items()
            }
        return self._statuses

    def units_with(self, status: str) -> list[Unit]:
        return [unit for unit, state in self.unit_statuses().values() if state == status]

    def system_totals(self) -> list[tuple[Measure, float, bool]]:
        """Measures counted over the whole system: (measure, value, met)."""
        totals = []
        for measure in {ln.measure.id: ln.measure for ln in self.lines if ln.measure}.values():
            if measure.scope != "system":
                continue
            lines = [ln for ln in self.lines if ln.measure is measure]
            total = sum(ln.report.figure or 0 for ln in lines if ln.report)
            units = len({ln.unit.id for ln in lines})
            value = total / units * 100 if measure.basis == "unit_share" and units else total
            totals.append((measure, value, measure_met(measure, value)))
        return totals

    def planned_totals(self) -> list[tuple[Measure, float, float]]:
        """Measures with units' 计划数: (measure, planned in all, done in all)."""
        totals: dict[str, tuple[Measure, float, float]] = {}
        for line in self.lines:
            if line.measure is None or line.planned is None:
                continue
            measure, planned, done = totals.get(line.measure.id, (line.measure, 0.0, 0.0))
            totals[measure.id] = (measure, planned + line.planned, done + (line.value or 0.0))
        return list(totals.values())


@dataclass
class UnitResult:
    unit: Unit
    lines: list[LineResult]
    reported: bool

    @cached_property
    def counts(self) -> Counter[str]:
        """Counted once (its lines are complete when it is made): rankings, charts and
        texts ask each unit for its rate again and again. Read it, never change it."""
        return Counter(line.status for line in self.lines)

    @property
    def rate(self) -> float:
        return self.counts[DONE] / len(self.lines) if self.lines else 0.0


Regression = tuple[TargetResult, list[tuple[Unit, str]]]  # a target, the units gone back


@dataclass
class PhaseResult:
    """A phase's figures, from the accepted returns (阶段统计)."""

    phase: Phase
    targets: list[TargetResult]
    units: list[UnitResult] = field(default_factory=list)
    year: int = 0  # the plan's year: the end of a phase the plan gives no time for

    @property
    def counts(self) -> Counter[str]:
        return Counter(t.status for t in self.targets)

    @property
    def rate(self) -> float:
        return self.counts[DONE] / len(self.targets) if self.targets else 0.0

    @property
    def reported(self) -> list[UnitResult]:
        return [u for u in self.units if u.reported]

    @property
    def missing(self) -> list[Unit]:
        return [u.unit for u in self.units if not u.reported]

    def pairs(self) -> list[tuple[TargetResult, Unit, str]]:
        """Every (target, responsible unit) pair with the unit's status on it (单位任务)."""
        return [
            (target, unit, status)
            for target in self.targets
            for unit, status in target.unit_statuses().values()
        ]

    @cached_property
    def pair_counts(self) -> Counter[str]:
        """Counted once: the texts, the workbook and the rates all ask for it."""
        return Counter(status for _, _, status in self.pairs())

    @property
    def pair_rate(self) -> float:
        """单位任务完成率: done pairs over all (an unreported unit's pairs are not done)."""
        total = sum(self.pair_counts.values())
        return self.pair_counts[DONE] / total if total else 0.0

    def regressions(
        self, earlier: PhaseResult
    ) -> list[tuple[TargetResult, list[tuple[Unit, str]]]]:
        """Targets where a unit done at ``earlier`` is no longer done now, with those units."""
        before = {(t.target.id, u.id) for t, u, status in earlier.pairs() if status == DONE}
        found = []
        for target in self.targets:
            back = [
                (unit, status)
                for unit, status in target.unit_statuses().values()
                if status != DONE and (target.target.id, unit.id) in before
            ]
            if back:
                found.append((target, back))
        return found

    def by_project(self) -> list[tuple[str, float]]:
        """(创建项目, share of its unit lines done), in ledger order."""
        lines: dict[str, list[LineResult]] = {}
        for result in self.targets:
            lines.setdefault(result.target.project, []).extend(result.lines)
        return [(p, sum(ln.status == DONE for ln in ls) / len(ls)) for p, ls in lines.items()]


def evaluate(
    plan: Plan, record: ProgressRecord | None, phase: Phase, cumulative: bool = False
) -> PhaseResult:
    """Figures of ``phase``; ``cumulative`` takes each line's latest report up to it (the year)."""
    return evaluate_phases(plan, record, [phase], cumulative)[0]


def evaluate_phases(
    plan: Plan, record: ProgressRecord | None, phases: Sequence[Phase], cumulative: bool = False
) -> list[PhaseResult]:
    """:func:`evaluate` of each of ``phases``, in one pass over the units.

    A unit's return is read once for all the phases, so the phases' results share its
    reports: a record read lazily (the summary's snapshot) is not loaded once per phase.
    """
    accepted = record.accepted if record else {}
    phase_ids = [p.id for p in plan.text.phases]
    considered = [phase_ids[: phase_ids.index(p.id) + 1] if cumulative else [p.id] for p in phases]
    per_target: list[dict[str, list[LineResult]]] = [
        {t.id: [] for t in plan.ledger.targets} for _ in phases
    ]
    per_unit: list[dict[str, list[LineResult]]] = [{} for _ in phases]
    for unit in plan.organisation.units:
        submission = accepted.get(unit.id)
        for target, role in plan.targets_for(unit):
            deadline = plan.deadline(target)[1]
            for line in ledger_rows([target]):
                planned = plan.planned(line.measure, unit) if line.measure else None
                for ids, targets, units in zip(considered, per_target, per_unit, strict=True):
                    report = _latest(submission, line.key, ids) if submission else None
                    result = LineResult(unit, target, line.measure, role, report, deadline, planned)
                    targets[target.id].append(result)
                    units.setdefault(unit.id, []).append(result)
    return [
        PhaseResult(
            phase,
            [TargetResult(t, targets[t.id]) for t in plan.ledger.targets],
            [UnitResult(plan.units[uid], lines, uid in accepted) for uid, lines in units.items()],
            plan.text.year,
        )
        for phase, targets, units in zip(phases, per_target, per_unit, strict=True)
    ]


def _latest(submission: Submission, key: str, phase_ids: list[str]) -> PhaseReport:
    """The last non-blank report of a line among ``phase_ids`` (blank if none)."""
    for phase_id in reversed(phase_ids):
        report = submission.report(key, phase_id)
        if not report.is_blank:
            return report
    return PhaseReport()
