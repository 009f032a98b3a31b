"""Sentences for figures, one phrasing per kind of measure (量化指标的表述).

Each kind reads the way an office writes it, never as a bare fraction:

* a count against a range or a minimum: 每个主要出入口设置宣传栏、宣传墙3个（目标2-3个）;
* a percentage: 服务“好差评”满意率97%（目标95%以上）;
* a share of staff: 注册志愿者16人，占职工总数的34.8%（目标30%以上）;
* yes/no (each unit answers 1 or 0): 已创建为区（县）级及以上文明单位 / 尚未创建为……;
* planned against actual: 全年培训7次（计划8次，完成87.5%）;
* a unit's part of a system-wide figure: 设立学雷锋志愿服务岗2个（计入全市合计）;
* deadlines relative to the document's date: 须于2018年底前达到 / 2018年底的期限已过.
"""

from __future__ import annotations

import datetime as dt
import re

from generator.model.evaluation import LineResult, TargetResult, number, percent_of
from generator.model.plan import Measure

_FORM_HINT = re.compile(r"（[^）]*填[^）]*）$")  # （是填1，否填0）: for the form, not for prose
_OWN = ("本单位", "各单位", "单位")


def reported_label(measure: Measure) -> str:
    """What is reported, as prose: without the form hint and without 本单位."""
    label = _FORM_HINT.sub("", measure.reported).strip()
    for own in _OWN:
        if label.startswith(own) and len(label) > len(own) + 1:
            return label[len(own) :]
    return label


def is_yes_no(measure: Measure) -> bool:
    """Each unit answers yes (1) or no (0): a share of units, or a form hint saying so."""
    return measure.basis == "unit_share" or bool(re.search(r"是填1|否填0", measure.reported))


def quantity_label(measure: Measure) -> str:
    """The label before a figure: 宣传栏、宣传墙数 3个 reads 宣传栏、宣传墙3个."""
    label = reported_label(measure)
    for tail in (f"{measure.report_unit}数", "个数", "人数", "数量", "数"):
        if label.endswith(tail) and len(label) > len(tail) + 1:
            return label[: -len(tail)]
    return label


def yes_no(measure: Measure, yes: bool) -> str:
    """已创建为区（县）级文明单位 / 尚未创建为区（县）级文明单位."""
    label = reported_label(measure)
    core = label.removeprefix("已")
    return ("已" + core) if yes else ("尚未" + core)


def goal(measure: Measure, planned: float | None = None) -> str:
    """不少于6次, 2-3个, 95%以上, 不超过15分钟, 全部: the target as a phrase."""
    value = number(measure.value if planned is None else planned)
    unit = measure.unit
    if measure.comparator == "between" and measure.value_max is not None:
        return f"{value}-{number(measure.value_max)}{unit}"
    if measure.comparator == ">=":
        if unit == "%":
            return "100%" if measure.value >= 100 else f"{value}%以上"
        return f"不少于{value}{unit}"
    if measure.comparator == "<=":
        return f"不超过{value}{unit}"
    return f"{value}{unit}"


def deadline_note(measure: Measure, as_of: dt.date) -> str:
    """The measure's target year relative to the document's date (empty when it has none)."""
    year = measure.deadline_year
    if year is None:
        return ""
    if year > as_of.year:
        return f"须于{year}年底前达到"
    if year == as_of.year and (as_of.month, as_of.day) != (12, 31):
        return "须于年底前达到"
    return f"{year}年底的期限已过" if year < as_of.year else ""


def line_sentence(line: LineResult) -> str:
    """A unit's figure on a line, in words (empty when it reported none)."""
    m = line.measure
    if m is None or line.report is None or line.report.figure is None:
        return ""
    figure = line.report.figure
    if is_yes_no(m):
        return yes_no(m, bool(figure))
    if m.scope == "system":
        return f"{quantity_label(m)}{number(figure)}{m.report_unit}（计入全系统合计）"
    if m.basis == "staff_share":
        share = "" if line.value is None else f"，占职工总数的{line.value:.1f}%"
        return f"{quantity_label(m)}{number(figure)}{m.report_unit}{share}（目标{goal(m)}）"
    value = number(line.value if line.value is not None else figure)
    if line.planned is not None:
        done = f"，完成{percent_of(line.value or 0.0, line.planned)}" if line.planned else ""
        return f"{quantity_label(m)}{value}{m.unit}（计划{number(line.planned)}{m.unit}{done}）"
    return f"{quantity_label(m)}{value}{m.unit}（目标{goal(m)}）"


def system_sentences(target: TargetResult, as_of: dt.date) -> list[tuple[str, bool]]:
    """Each system-wide measure of a target as (sentence, met): 全系统8个单位已创建为……."""
    found = []
    for measure, value, met in target.system_totals():
        lines = [ln for ln in target.lines if ln.measure is measure]
        note = deadline_note(measure, as_of)
        aim = f"目标{goal(measure)}" + (f"，{note}" if note else "")
        if measure.basis == "unit_share":
            yes = sum(1 for ln in lines if ln.report and ln.report.figure)
            units = len({ln.unit.id for ln in lines})
            text = (
                f"全系统{units}个责任单位中{yes}个{yes_no(measure, True)}，占{value:.1f}%（{aim}）"
            )
        elif is_yes_no(measure):
            text = f"全系统{yes_no(measure, True)}的单位{number(value)}{measure.unit}（{aim}）"
        else:
            text = f"全系统{quantity_label(measure)}合计{number(value)}{measure.unit}（{aim}）"
        found.append((text, met))
    return found


def planned_sentences(target: TargetResult) -> list[str]:
    """全系统计划5000小时，完成5500小时，完成率110.0%: units' 计划数 against their 完成数."""
    return [
        f"{quantity_label(measure)}全系统计划{number(planned)}{measure.unit}，"
        f"完成{number(done)}{measure.unit}，完成率{percent_of(done, planned)}"
        for measure, planned, done in target.planned_totals()
        if planned
    ]
