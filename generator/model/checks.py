"""Rules that span fields and files: references, uniqueness, phase order.

Each check receives validated models plus a ``Locator`` for the file they came
from, and returns problems located at the offending value.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Protocol

from generator.model.awards import COLLECTIVE_FIELDS, INDIVIDUAL_FIELDS, Awards, Nominations
from generator.model.deadlines import FORMS as DEADLINE_FORMS
from generator.model.deadlines import parse_deadline
from generator.model.plan import Item, Ledger, Organisation, PlanText, Target
from generator.model.short_names import MAX_SHORT, propose_short_names
from generator.problems import Problem

if TYPE_CHECKING:
    from generator.model.resolved import Plan

PathKey = tuple[str | int, ...]


class Locator(Protocol):
    def problem(self, path: PathKey, message: str, hint: str = "") -> Problem: ...


def check_organisation(org: Organisation, where: Locator) -> list[Problem]:
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    for kind, records in (("units", org.units), ("groups", org.groups)):
        for i, record in enumerate(records):
            for key in ("id", "name"):
                value = getattr(record, key)
                # Ids name folders: 'Unit-A' and 'unit-a' would collide on Windows and macOS.
                token = value.casefold() if key == "id" else value
                if token in seen and not (key == "name" and seen[token] == f"{kind}[{i}].id"):
                    problems.append(
                        where.problem(
                            (kind, i, key),
                            f"「{value}」重复：已被 {seen[token]} 使用（编号不区分大小写）",
                            "单位和分组的编号、名称都必须唯一，请改用不同的编号或名称",
                        )
                    )
                seen.setdefault(token, f"{kind}[{i}].{key}")
    problems.extend(_lookalike_names(org, where))
    unit_refs = {u.id for u in org.units} | {u.name for u in org.units}
    group_refs = {g.id for g in org.groups} | {g.name for g in org.groups}
    for i, group in enumerate(org.groups):
        for j, member in enumerate(group.members):
            if member not in unit_refs:
                hint = (
                    f"「{member}」是分组，请移到 includes 中"
                    if member in group_refs
                    else "请填写 units 中已定义的单位编号或名称"
                )
                problems.append(
                    where.problem(
                        ("groups", i, "members", j), f"成员「{member}」不是已定义的单位", hint
                    )
                )
        for j, included in enumerate(group.includes):
            if included not in group_refs:
                problems.append(
                    where.problem(
                        ("groups", i, "includes", j),
                        f"包含的分组「{included}」未定义",
                        "请填写 groups 中已定义的分组编号或名称",
                    )
                )
        if not group.members and not group.includes:
            problems.append(
                where.problem(("groups", i), f"分组「{group.name}」没有成员", "请填写 members")
            )
    problems.extend(_group_cycles(org, where))
    return problems


def _lookalike_names(org: Organisation, where: Locator) -> list[Problem]:
    """Two names that print the same but differ in invisible or composed characters."""
    problems = []
    first: dict[str, str] = {}
    for kind, records in (("units", org.units), ("groups", org.groups)):
        for i, record in enumerate(records):
            folded = _folded(record.name)
            if folded in first and first[folded] != record.name:
                problems.append(
                    where.problem(
                        (kind, i, "name"),
                        f"名称「{record.name}」与「{first[folded]}」看起来相同，但编码不同",
                        "其中一个含有不可见字符或不同的 Unicode 写法，请删除后重新输入",
                    )
                )
            first.setdefault(folded, record.name)
    return problems


def _group_cycles(org: Organisation, where: Locator) -> list[Problem]:
    by_ref = {g.id: g for g in org.groups} | {g.name: g for g in org.groups}
    problems = []
    for i, group in enumerate(org.groups):
        stack, seen = list(group.includes), set()
        while stack:
            ref = stack.pop()
            if ref not in by_ref or ref in seen:
                continue
            seen.add(ref)
            if by_ref[ref] is group:
                problems.append(
                    where.problem(
                        ("groups", i, "includes"),
                        f"分组「{group.name}」直接或间接包含了自己",
                        "请去掉造成循环的 includes",
                    )
                )
                break
            stack.extend(by_ref[ref].includes)
    return problems


def _items(items: list[Item], path: PathKey, level: int = 1) -> Iterator[tuple[Item, PathKey, int]]:
    for i, item in enumerate(items):
        here = (*path, i)
        yield item, here, level
        yield from _items(item.items, (*here, "items"), item.child_level(level))


def check_plan_text(plan: PlanText, org: Organisation | None, where: Locator) -> list[Problem]:
    problems: list[Problem] = []
    ids: dict[str, PathKey] = {}
    refs = None if org is None else _references(org)
    for item, path, level in _items(plan.sections, ("sections",)):
        problems.extend(_check_item(item, path, level, where))
        if item.deadline and parse_deadline(item.deadline, plan.year) is None:
            problems.append(
                where.problem(
                    (*path, "deadline"),
                    f"无法识别的完成时限「{item.deadline}」",
                    f"请写成如 {DEADLINE_FORMS} 的形式",
                )
            )
        if item.id:
            if item.id in ids:
                problems.append(_duplicate(where, (*path, "id"), item.id, ids[item.id]))
            ids.setdefault(item.id, path)
        if refs is not None:
            for key in ("responsible", "lead", "cooperating"):
                problems.extend(_unknown_refs(getattr(item, key), (*path, key), refs, where))
    for i, phase in enumerate(plan.phases):
        if phase.id in ids:
            problems.append(_duplicate(where, ("phases", i, "id"), phase.id, ids[phase.id]))
        ids.setdefault(phase.id, ("phases", i))
    problems.extend(check_phases(plan, where))
    problems.extend(check_notice(plan, where))
    problems.extend(check_dates(plan, where))
    return problems


def check_dates(plan: PlanText, where: Locator) -> list[Problem]:
    """Documents in the order they can be written: units plan after the bureau has issued."""
    issued = plan.notice.date if plan.notice and plan.notice.date else plan.date
    if plan.unit_plan_date is None or plan.unit_plan_date >= issued:
        return []
    return [
        where.problem(
            ("unit_plan_date",),
            f"各单位实施方案日期 {plan.unit_plan_date} 早于方案成文日期 {issued}",
            "各单位在方案印发后才能制定实施方案：请改为不早于方案成文日期的日期，或删去此项"
            "（缺省为方案成文日期后7天）",
        )
    ]


# 发文字号: the year in 〔〕 and the sequence number (the model checks the whole form).
_DOC_NUMBER_PARTS = re.compile(r"〔(\d{4})〕(\d+)号$")


def check_notice(plan: PlanText, where: Locator) -> list[Problem]:
    """The issuing notice's dates agree with its 发文字号 and with each other."""
    notice = plan.notice
    if notice is None:
        return []
    problems = []
    date = notice.date or plan.date
    parts = _DOC_NUMBER_PARTS.search(notice.number)
    if parts and int(parts[1]) != date.year:
        problems.append(
            where.problem(
                ("notice", "number"),
                f"发文字号「{notice.number}」的年份 {parts[1]} 与成文日期 {date} 不是同一年",
                f"〔〕中应为成文日期所在的年份，如 〔{date.year}〕；或改正成文日期 date",
            )
        )
    if parts and parts[2].startswith("0"):
        problems.append(
            where.problem(
                ("notice", "number"),
                f"发文字号「{notice.number}」的序号编了虚位",
                "序号不编虚位：1号 不写作 01号",
            )
        )
    if notice.print_date and notice.print_date < date:
        problems.append(
            where.problem(
                ("notice", "print_date"),
                f"印发日期 {notice.print_date} 早于成文日期 {date}",
                "印发日期应不早于成文日期（缺省同成文日期）",
            )
        )
    return problems


def _check_item(item: Item, path: PathKey, level: int, where: Locator) -> list[Problem]:
    problems = []
    if level > 4:
        problems.append(
            where.problem(path, "条目层级超过四级（一、（一）1.（1））", "请合并或上移该条目")
        )
    if item.child_numbering and item.child_level(level) <= level:
        problems.append(
            where.problem(
                (*path, "child_numbering"),
                f"下级编号「{item.child_numbering}」不低于本级",
                "下级编号只能比本级更低，如 一、 下用 （一） 或 1.",
            )
        )
    if not (item.title or item.text or item.paragraphs or item.items or item.role):
        problems.append(
            where.problem(path, "条目没有任何内容", "请填写 title 或 text，或删除该条目")
        )
    if item.responsible and (item.lead or item.cooperating):
        problems.append(
            where.problem(
                (*path, "responsible"),
                "responsible 与 lead/cooperating 不能同时填写",
                "或只写 responsible（首个为牵头），或分别写 lead 和 cooperating",
            )
        )
    if item.cooperating and not item.lead:
        problems.append(where.problem((*path, "lead"), "写了配合单位却没有牵头单位", "请填写 lead"))
    if item.role == "phases" and item.items:
        problems.append(
            where.problem(
                (*path, "items"), "工作步骤部分的内容来自 phases，不能再写 items", "请删除 items"
            )
        )
    if (item.is_task or item.deadline) and not item.id:
        problems.append(
            where.problem(path, "任务缺少编号 id", "请为有责任单位的条目填写唯一的 id，如 T1.2")
        )
    return problems


def check_phases(plan: PlanText, where: Locator) -> list[Problem]:
    problems = []
    previous_end: dt.date | None = None
    for i, phase in enumerate(plan.phases):
        start = _phase_day(phase.start, phase.first_day(), ("phases", i, "start"), where, problems)
        end = _phase_day(phase.end, phase.last_day(), ("phases", i, "end"), where, problems)
        if start is None or end is None:
            continue  # a phase without dates (the source gives none) is not ordered
        if end < start:
            problems.append(
                where.problem(
                    ("phases", i, "end"),
                    f"结束时间 {phase.end} 早于开始时间 {phase.start}",
                    "请交换或改正开始、结束时间",
                )
            )
        if previous_end is not None and start <= previous_end:
            problems.append(
                where.problem(
                    ("phases", i, "start"),
                    f"阶段「{phase.name}」开始于 {phase.start}，与上一阶段重叠或顺序颠倒",
                    "各阶段须按时间先后排列且互不重叠",
                )
            )
        previous_end = end
    return problems


def _phase_day(
    value: object, day: dt.date | None, path: PathKey, where: Locator, problems: list[Problem]
) -> dt.date | None:
    if value is not None and day is None:
        problems.append(
            where.problem(path, f"月份「{value}」不存在", "月份应为 1 至 12，如 2016-05")
        )
    return day


def check_ledger(
    ledger: Ledger, plan: PlanText | None, org: Organisation | None, where: Locator
) -> list[Problem]:
    problems: list[Problem] = []
    task_ids = None if plan is None else _task_ids(plan)
    refs = None if org is None else _references(org)
    staff = None if org is None else {u.id: u.staff_count for u in org.units}
    problems.extend(
        _duplicate_ids(((t.id, ("targets", i)) for i, t in enumerate(ledger.targets)), where)
    )
    problems.extend(_short_names(ledger, where))
    for i, target in enumerate(ledger.targets):
        path: PathKey = ("targets", i)
        if task_ids is not None and target.task not in task_ids:
            problems.append(
                where.problem(
                    (*path, "task"),
                    f"目标指向的任务「{target.task}」不存在（或该条目没有责任单位）",
                    "请填写 plan.yaml 中有责任单位的条目 id",
                )
            )
        if refs is not None:
            problems.extend(_unknown_refs(target.responsible, (*path, "responsible"), refs, where))
        measure_ids: set[str] = set()
        for j, measure in enumerate(target.measures):
            mpath = (*path, "measures", j)
            if measure.id in measure_ids:
                problems.append(
                    where.problem((*mpath, "id"), f"指标编号「{measure.id}」重复", "请改用不同编号")
                )
            measure_ids.add(measure.id)
            if measure.comparator == "between" and (
                measure.value_max is None or measure.value_max < measure.value
            ):
                problems.append(
                    where.problem(
                        (*mpath, "value_max"),
                        "区间目标需要不小于 value 的 value_max",
                        "如 2-3个：value: 2, value_max: 3",
                    )
                )
            if measure.planned and (measure.comparator == "between" or measure.scope != "unit"):
                problems.append(
                    where.problem(
                        (*mpath, "planned"),
                        "计划数只能用于各单位分别达到（scope: unit）且不是区间的指标",
                        "请删去 planned，或把指标改为 scope: unit 和 >=、<=、== 之一",
                    )
                )
    if staff is not None and task_ids is not None and refs is not None and not problems:
        resolved = _resolved(plan, org, ledger)  # type: ignore[arg-type]
        problems.extend(_staff_counts(ledger, resolved, staff, where))
        problems.extend(_planned_units(ledger, resolved, where))
    return problems


def _short_names(ledger: Ledger, where: Locator) -> list[Problem]:
    """A short name fits a chart label and names one target only."""
    problems = []
    first: dict[str, int] = {}
    for i, target in enumerate(ledger.targets):
        if len(target.short) > MAX_SHORT:
            problems.append(
                where.problem(
                    ("targets", i, "short"),
                    f"简称「{target.short}」有 {len(target.short)} 个字，超过 {MAX_SHORT} 个字",
                    "简称用于总结和图表，请改短（如 核心价值观宣传进机关）",
                )
            )
        if target.short and target.short in first:
            problems.append(
                where.problem(
                    ("targets", i, "short"),
                    f"简称「{target.short}」与第 {first[target.short] + 1} 条目标相同",
                    "各目标的简称须互不相同，总结中才分得清",
                )
            )
        first.setdefault(target.short, i)
    return problems


def missing_short_names(ledger: Ledger) -> list[tuple[Target, str]]:
    """Targets without a short name, with the one the summaries will use (for `check`)."""
    proposed = propose_short_names(ledger.targets)
    return [(t, proposed[t.id]) for t in ledger.targets if not t.short]


def _resolved(plan: PlanText, org: Organisation, ledger: Ledger) -> Plan:
    from generator.model.resolved import Plan  # resolved needs checked models

    return Plan(plan, org, ledger)


def _planned_units(ledger: Ledger, resolved: Plan, where: Locator) -> list[Problem]:
    """Each 计划数 must belong to a unit that reports on the target."""
    problems = []
    known = _references(resolved.organisation)  # unknown names are reported elsewhere
    for i, target in enumerate(ledger.targets):
        if not any(m.planned for m in target.measures):
            continue
        named, _ = resolved.target_refs(target)
        reporting = {u.id for ref in named if ref in known for u in resolved.members(ref)}
        for j, measure in enumerate(target.measures):
            for ref in measure.planned:
                unit = resolved.unit_by_ref(ref)
                if unit is None or unit.id not in reporting:
                    problems.append(
                        where.problem(
                            ("targets", i, "measures", j, "planned", ref),
                            f"计划数写给了「{ref}」，但它不是本目标的责任单位",
                            "请填写本目标责任单位中某个单位的编号或名称（不能写分组）",
                        )
                    )
    return problems


def _staff_counts(
    ledger: Ledger, resolved: Plan, staff: dict[str, int | None], where: Locator
) -> list[Problem]:
    """A share-of-staff target needs each responsible unit's 职工总数."""
    problems = []
    for i, target in enumerate(ledger.targets):
        if not any(m.basis == "staff_share" for m in target.measures):
            continue
        named, _ = resolved.target_refs(target)
        missing = sorted(
            {u.name for ref in named for u in resolved.members(ref) if staff.get(u.id) is None}
        )
        if missing:
            problems.append(
                where.problem(
                    ("targets", i, "measures"),
                    f"按职工总数计算的目标，但这些单位没有 staff_count：{'、'.join(missing)}",
                    "请在 units.yaml 中为这些单位填写 staff_count（职工总数）",
                )
            )
    return problems


def _task_ids(plan: PlanText) -> set[str]:
    return {
        item.id for item, _, _ in _items(plan.sections, ("sections",)) if item.is_task and item.id
    }


def _references(org: Organisation) -> set[str]:
    return {r for record in [*org.units, *org.groups] for r in (record.id, record.name)}


def _unknown_refs(
    values: list[str], path: PathKey, refs: set[str], where: Locator
) -> list[Problem]:
    problems = []
    for j, value in enumerate(values):
        if value in refs:
            continue
        twin = _lookalike(value, refs)
        hint = (
            f"与「{twin}」看起来相同，但含有不可见字符或不同的 Unicode 写法，请删除后重新输入"
            if twin
            else "请使用 units.yaml 中的单位或分组的编号或名称，或先在 units.yaml 中添加"
        )
        problems.append(where.problem((*path, j), f"「{value}」不是已定义的单位或分组", hint))
    return problems


_INVISIBLE = dict.fromkeys(
    map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad\u202a\u202b\u202c\u202d\u202e")
)


def _folded(text: str) -> str:
    return unicodedata.normalize("NFKC", text.translate(_INVISIBLE))


def _lookalike(value: str, refs: set[str]) -> str:
    """A defined name that differs from ``value`` only in invisible or composed characters."""
    folded = _folded(value)
    return next((ref for ref in sorted(refs) if _folded(ref) == folded), "")


def _duplicate_ids(records: Iterable[tuple[str, PathKey]], where: Locator) -> list[Problem]:
    """A problem at each id already used by an earlier record of the same list."""
    first: dict[str, PathKey] = {}
    problems = []
    for value, path in records:
        if value in first:
            problems.append(_duplicate(where, (*path, "id"), value, first[value]))
        first.setdefault(value, path)
    return problems


def _duplicate(where: Locator, path: PathKey, value: str, first: PathKey) -> Problem:
    first_text = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in first).lstrip(".")
    return where.problem(
        path, f"编号「{value}」重复（已用于 {first_text}）", "每个编号必须唯一，请改用新的编号"
    )


def check_awards(awards: Awards, where: Locator) -> list[Problem]:
    problems = _duplicate_ids(((a.id, ("awards", i)) for i, a in enumerate(awards.awards)), where)
    for i, award in enumerate(awards.awards):
        path: PathKey = ("awards", i)
        catalogue = INDIVIDUAL_FIELDS if award.kind == "individual" else COLLECTIVE_FIELDS
        for j, name in enumerate(award.fields):
            if name not in catalogue:
                problems.append(
                    where.problem(
                        (*path, "fields", j),
                        f"「{name}」不是{award.name}推荐表的字段",
                        f"可用字段：{'、'.join(catalogue)}",
                    )
                )
        for j, name in enumerate(award.required):
            if name not in award.form_fields:
                problems.append(
                    where.problem(
                        (*path, "required", j),
                        f"必填字段「{name}」不在推荐表字段中",
                        "请先把它加入 fields",
                    )
                )
        if award.rules.story_min > award.rules.story_max:
            problems.append(
                where.problem(
                    (*path, "rules", "story_min"),
                    "事迹最少字数大于最多字数",
                    "请改正 story_min / story_max",
                )
            )
    return problems


def check_nominations(
    nominations: Nominations, awards: Awards | None, org: Organisation, where: Locator
) -> list[Problem]:
    problems: list[Problem] = []
    award_ids = {a.id for a in awards.awards} if awards else set()
    unit_refs = {r for u in org.units for r in (u.id, u.name)}
    listed = nominations.nominations
    problems.extend(
        _duplicate_ids(((n.id, ("nominations", i)) for i, n in enumerate(listed)), where)
    )
    for i, nominee in enumerate(listed):
        path: PathKey = ("nominations", i)
        if nominee.award not in award_ids:
            hint = (
                f"可用类别：{'、'.join(sorted(award_ids))}"
                if award_ids
                else "请先在 awards.yaml 中设定表彰类别"
            )
            problems.append(
                where.problem((*path, "award"), f"表彰类别「{nominee.award}」未定义", hint)
            )
        if nominee.unit not in unit_refs:
            problems.append(
                where.problem(
                    (*path, "unit"),
                    f"推荐单位「{nominee.unit}」不是已定义的单位",
                    "请填写 units.yaml 中的单位编号或名称（不能是分组）",
                )
            )
    return problems
