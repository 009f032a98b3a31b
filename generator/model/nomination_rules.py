"""Checking nominees against their award's rules (推荐审核), and ranking the units.

Every failed rule is a reason in plain Chinese; a nominee passes with none.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from generator.model.awards import FIELD_LABELS, Award, Nominee
from generator.model.evaluation import PhaseResult, UnitResult
from generator.model.plan import Unit
from generator.model.resolved import Plan

_YEAR_MONTH = re.compile(r"^(\d{4})\s*[-.年/]\s*(\d{1,2})\s*月?$")
WORKING_AGE = 16


@dataclass
class Verdict:
    """The outcome for one nominee (审核结果)."""

    nominee: Nominee
    award: Award
    unit: Unit
    reasons: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.reasons


def year_month(text: str) -> tuple[int, int] | None:
    """1985-06, 1985.06, 1985年6月 → (1985, 6); anything else → None."""
    match = _YEAR_MONTH.match(text.strip())
    if not match:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    return (year, month) if 1 <= month <= 12 else None


def format_year_month(text: str) -> str:
    """Forms print 出生年月 as 1985.06."""
    parsed = year_month(text)
    return f"{parsed[0]}.{parsed[1]:02d}" if parsed else text


def story_length(story: str) -> int:
    return len("".join(story.split()))


def judge(plan: Plan, nominees: list[Nominee], year: PhaseResult) -> list[Verdict]:
    """A verdict per nominee, in recommendation order."""
    awards = {a.id: a for a in plan.awards.awards} if plan.awards else {}
    rates = {u.unit.id: u for u in year.units}
    used: Counter[tuple[str, str]] = Counter()
    verdicts = []
    for nominee in nominees:
        award = awards[nominee.award]
        unit = plan.unit_by_ref(nominee.unit)
        assert unit is not None  # checked when the nominations were read
        verdict = Verdict(nominee, award, unit)
        verdict.reasons += _required(nominee, award)
        verdict.reasons += _story(nominee, award)
        verdict.reasons += _own_people(nominee, award, unit)
        if award.kind == "individual":
            verdict.reasons += _dates(nominee, award, plan.text.year)
        elif award.kind == "collective":
            verdict.reasons += _unit_results(award, rates.get(unit.id))
        used[(unit.id, award.id)] += 1
        verdict.reasons += _quota(award, unit, used[(unit.id, award.id)])
        used[("", award.id)] += 1  # the award's total over all units
        verdict.reasons += _total(award, used[("", award.id)])
        verdicts.append(verdict)
    return verdicts


def _required(nominee: Nominee, award: Award) -> list[str]:
    missing = [FIELD_LABELS[f] for f in award.required_fields if not getattr(nominee, f)]
    return [f"缺少必填项：{'、'.join(missing)}"] if missing else []


def _story(nominee: Nominee, award: Award) -> list[str]:
    length, rules = story_length(nominee.story), award.rules
    if length < rules.story_min:
        return [f"主要事迹{length}字，少于{rules.story_min}字"]
    if length > rules.story_max:
        return [f"主要事迹{length}字，多于{rules.story_max}字"]
    return []


def _own_people(nominee: Nominee, award: Award, unit: Unit) -> list[str]:
    if award.kind == "household":
        return []  # a family of the community the unit serves, not its own staff
    if award.kind == "collective":
        if not nominee.name.startswith(unit.name):
            return [f"集体「{nominee.name}」不属于推荐单位{unit.name}，单位只能推荐本单位集体"]
        return []
    if nominee.position and not nominee.position.startswith(unit.name):
        return [f"工作单位及职务为「{nominee.position}」，不是推荐单位{unit.name}的人员"]
    return []


def _dates(nominee: Nominee, award: Award, year: int) -> list[str]:
    if not nominee.birth:
        return []  # reported by _required
    birth = year_month(nominee.birth)
    if birth is None:
        return [f"出生年月「{nominee.birth}」无法识别，应写成 1985-06 或 1985.06"]
    age = year - birth[0]
    reasons = []
    if not award.rules.min_age <= age <= award.rules.max_age:
        reasons.append(
            f"出生年月{format_year_month(nominee.birth)}，按{year}年计{age}岁，"
            f"不在{award.rules.min_age}至{award.rules.max_age}岁之间"
        )
    start = year_month(nominee.work_start) if nominee.work_start else None
    if nominee.work_start and start is None:
        reasons.append(f"参加工作时间「{nominee.work_start}」无法识别，应写成 2007-07")
    elif start and (start[0] - birth[0] < WORKING_AGE or start[0] > year):
        reasons.append(
            f"参加工作时间{format_year_month(nominee.work_start)}与出生年月"
            f"{format_year_month(nominee.birth)}不符"
        )
    return reasons


def _unit_results(award: Award, result: UnitResult | None) -> list[str]:
    threshold = award.rules.min_unit_completion
    if threshold is None:
        return []
    if result is None or not result.reported:
        return ["所在单位未报送工作台账，无法核实台账目标完成情况"]
    if result.rate < threshold:
        return [f"所在单位全年台账完成率{result.rate * 100:.1f}%，低于{threshold * 100:.0f}%"]
    return []


def quota(award: Award, unit: Unit) -> int | None:
    """How many of this award the unit may put forward (``None``: no limit)."""
    limits = []
    if award.rules.max_per_unit is not None:
        limits.append(award.rules.max_per_unit)
    if award.rules.staff_per_nominee is not None:
        limits.append(max(1, (unit.staff_count or 0) // award.rules.staff_per_nominee))
    return min(limits) if limits else None


def _quota(award: Award, unit: Unit, position: int) -> list[str]:
    limit = quota(award, unit)
    if limit is None or position <= limit:
        return []
    basis = (
        f"（职工{unit.staff_count}人，每{award.rules.staff_per_nominee}人1名）"
        if award.rules.staff_per_nominee
        else ""
    )
    return [f"超出名额：{unit.name}可推荐{award.name}{limit}名{basis}，此为第{position}名"]


def _total(award: Award, position: int) -> list[str]:
    """最佳社区3个: the 4th nominee, in recommendation order, is over the award's total."""
    total = award.rules.total
    if total is None or position <= total:
        return []
    word = award.count_word
    return [f"超出总名额：{award.name}共{total}{word}，此为第{position}{word}"]


def rank_units(year: PhaseResult) -> list[UnitResult]:
    """Units by their year's ledger completion, best first (a suggestion for the bureau)."""
    reported = sorted(year.reported, key=lambda u: (-u.rate, -u.counts["已完成"]))
    return reported + [u for u in year.units if not u.reported]
