"""The outline of an imported plan: numbered headings and items, 责任单位 lines, phases.

Items are numbered 一、 （一） 1. （1） (GB/T 9704 7.3.3). An item's number line gives its
title (the first sentence, when it is short enough to be one) and text (the rest);
the lines up to the next number are its paragraphs, except labelled lines such as
``责任单位：局办公室、各单位`` which fill the item's fields.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from generator.model.deadlines import parse_deadline
from generator.model.placeholders import PLACEHOLDER
from generator.read.import_source import Line, Note
from generator.read.import_units import looks_like_names, split_names

_CHINESE_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0}
_HEADINGS = (
    (1, re.compile(r"^([一二三四五六七八九十]{1,3})[、.](.*)$")),
    (2, re.compile(r"^（([一二三四五六七八九十]{1,3})）[、.]?(.*)$")),
    (3, re.compile(r"^(\d{1,2})[.、](?!\d)(.*)$")),
    (4, re.compile(r"^（(\d{1,2})）[、.]?(.*)$")),
    (5, re.compile(r"^([\u2460-\u2473])[、.]?(.*)$")),
)
STYLES = {1: "一、", 2: "（一）", 3: "1.", 4: "（1）", 5: "①"}
# ①健康社区10个；②健康学校8所：a list run together on one line, cut before each ②.
_CIRCLED_CUT = re.compile(r"(?<=.)(?=[\u2460-\u2473])")

_LABELS = {
    "责任单位": "responsible",
    "责任部门": "responsible",
    "主责单位": "lead",
    "牵头单位": "lead",
    "牵头部门": "lead",
    "配合单位": "cooperating",
    "配合部门": "cooperating",
    "协办单位": "cooperating",
    "责任领导": "leader",
    "分管领导": "leader",
    "完成时限": "deadline",
    "完成时间": "deadline",
    "分值": "score",
    # Labelled lines of an activity, kept as they are written (blanks too).
    **dict.fromkeys(
        ("主题", "活动主题", "时间", "活动时间", "地点", "活动地点", "参加人员", "参加对象"),
        "detail",
    ),
}
_UNIT_FIELDS = ("responsible", "lead", "cooperating")
_LABEL_NAMES = "|".join(sorted(_LABELS, key=len, reverse=True))
_LABEL = re.compile(rf"^({_LABEL_NAMES})：(.*)$")
# Before a label, never inside one (时间 in 完成时间, 主题 in 活动主题).
_LABEL_SPLIT = re.compile(rf"[；。]?\s*(?<![\u4e00-\u9fff])(?=(?:{_LABEL_NAMES})：)")
_TRAILING_LABEL = re.compile(rf"^(.+?)（((?:{_LABEL_NAMES})：(?:[^（）]|（[^（）]*）)*)）$")
_INLINE_LABEL = re.compile(rf"^(.+?[。；])\s*((?:{_LABEL_NAMES})：.*)$")
_SCORE_IN_TITLE = re.compile(r"^(.*?)（(\d+(?:\.\d+)?)分）([。；]?)$")
_LEADS = re.compile(r"（牵头）$")
_SCORE = re.compile(r"^(\d+(?:\.\d+)?)分?$")
_DEADLINE_IN_TEXT = re.compile(r"((?:\d{4}年)?\d{1,2}月(?:\d{1,2}日|底|末)|年底|年末)之?前")

# The first sentence is a title (小标题) when it is this short and not a clause of a
# longer sentence: 核心价值观宣传进绿地。 / 加强领导，提高认识。
TITLE_MAX = 24
_SENTENCE = re.compile(r"^(.+?[。！？])(.*)$")
# 宣传教育阶段（5月份）。各单位…… / 第一阶段：动员部署（5月）……
_PHASE = re.compile(
    r"^(?P<name>[^。，；]{1,20}?阶段)(?:（(?P<period>[^（）]*)）)?[。：，]?(?P<body>.*)$"
)
_REQUIREMENTS_TITLE = re.compile(r"要求|保障")
# Parts of a plan that hold no tasks, whatever their items say.
_NOT_TASKS_TITLE = re.compile(
    r"要求|保障|指导思想|目标|原则|目的|主题|意义|组织|机构|领导|范围|名额|步骤|安排|时间|参加"
)
# Responsibility written in the sentence: 由市民政局牵头，各街道办事处配合 / 县应急管理局牵头，
# / 各街道办事处负责，
_IN_SENTENCE = (
    re.compile(r"由(?P<lead>[^，。；由]{2,60}?)牵头(?:[，、](?P<coop>[^，。；]{2,60}?)配合)?"),
    re.compile(
        r"(?:^|[。；])(?P<lead>[^，。；]{2,60}?)牵头[，、](?:(?P<coop>[^，。；]{2,60}?)配合)?"
    ),
    re.compile(r"(?:^|[。；])由?(?P<resp>[^，。；由]{2,60}?)负责[，。；]"),
)
# 第一组（14个）：甲、乙、…: a roster of units, announced with its count.
_ROSTER = re.compile(
    r"^(?P<name>[^：，。（]{1,12}?组)(?:（(?P<count>\d+)个）)?：(?P<members>.+?)。?$"
)
_UNIT_PREFIX = re.compile(r"^各(?:单位|部门|科室)要?")


@dataclass
class Draft:
    """An outline item while the outline is read."""

    level: int
    line: Line
    title: str = ""
    text: str = ""
    paragraphs: list[str] = field(default_factory=list)
    items: list[Draft] = field(default_factory=list)
    child_numbering: str | None = None
    role: str | None = None
    fields: dict[str, Any] = field(default_factory=dict)
    details: list[dict[str, str]] = field(default_factory=list)

    @property
    def is_task(self) -> bool:
        return bool(self.fields.get("responsible") or self.fields.get("lead"))

    def data(self, item_id: str | None) -> dict[str, Any]:
        found = {
            "id": item_id,
            "title": self.title,
            "text": self.text,
            "paragraphs": self.paragraphs,
            "child_numbering": self.child_numbering,
            "role": self.role,
            **_lead_and_others(self.fields),
            "details": self.details,
        }
        return {k: v for k, v in found.items() if v not in (None, "", [])}


def _lead_and_others(fields: dict[str, Any]) -> dict[str, Any]:
    """主责/牵头单位 with a 责任单位 line: the 责任单位 are the co-operating units."""
    if not (fields.get("lead") and fields.get("responsible")):
        return fields
    lead = fields["lead"]
    others = [n for n in [*fields.get("cooperating", []), *fields["responsible"]] if n not in lead]
    rest = {k: v for k, v in fields.items() if k != "responsible"}
    return {**rest, "cooperating": list(dict.fromkeys(others))}


@dataclass
class Outline:
    sections: list[Draft] = field(default_factory=list)
    phases: list[dict[str, Any]] = field(default_factory=list)
    names: list[str] = field(default_factory=list)  # every unit or group named, in order
    notes: list[Note] = field(default_factory=list)
    rosters: list[dict[str, Any]] = field(default_factory=list)  # groups the plan lists


def heading(text: str) -> tuple[int, str] | None:
    """The outline level (1-4) of a numbered line and the text after its number."""
    for level, pattern in _HEADINGS:
        if match := pattern.match(text):
            return level, match.group(2).strip()
    return None


def chinese_numeral(text: str) -> int | None:
    """十二 → 12, 二〇一六 → 2016 (digit by digit when there is no 十)."""
    if not text or any(c not in _CHINESE_DIGITS and c != "十" for c in text):
        return None
    if "十" not in text:
        return int("".join(str(_CHINESE_DIGITS[c]) for c in text))
    tens, _, ones = text.partition("十")
    if len(tens) > 1 or len(ones) > 1 or "十" in ones:
        return None
    return _CHINESE_DIGITS.get(tens, 1) * 10 + _CHINESE_DIGITS.get(ones, 0)


def parse_date(text: str) -> dt.date | None:
    """A date line: 2016年6月7日, or 二〇一六年六月七日 as older documents write it."""
    match = re.match(r"^(\S{4})年(\S{1,3})月(\S{1,3})日$", text)
    if not match:
        return None
    parts = [int(p) if p.isdigit() else chinese_numeral(p) for p in match.groups()]
    if None in parts:
        return None
    try:
        return dt.date(*parts)  # type: ignore[arg-type]
    except ValueError:
        return None


def parse_outline(lines: list[Line], place: Any, year: int) -> Outline:
    """Read ``lines`` (from the first 一、 heading to the end of the body) into sections."""
    outline = Outline()
    stack: list[Draft] = []
    for line in _circled_lists(lines):
        found = heading(line.text)
        if found:
            _open(outline, stack, line, *found)
        elif _apply_labels(_owner(stack), line.text, outline):
            continue
        elif stack:
            stack[-1].paragraphs.append(line.text)
            _roster(line, outline, place)
        else:
            outline.notes.append(Note(place(line), line.text, "不在任何编号条目之下"))
    for section in outline.sections:
        _phases_or_requirements(section, outline, place, year)
    for section in outline.sections:
        if section.role is None and not _NOT_TASKS_TITLE.search(section.title):
            _responsibility_in_text(section, outline, place)
    if not any(_has_task(s) for s in outline.sections):
        _tasks_to_assign(outline, place)
    for section in outline.sections:
        _deadlines_from_text(section, place, year, outline)
    return outline


def _owner(stack: list[Draft]) -> Draft | None:
    """The item a 责任单位 line belongs to: the innermost one, but never an entry of a
    ①②③ list (the line after a list closes the item the list belongs to)."""
    for draft in reversed(stack):
        if draft.level < 5:
            return draft
    return stack[-1] if stack else None


def _circled_lists(lines: list[Line]) -> list[Line]:
    """①…；②…；③… written on one line: one line per entry (the same line number)."""
    cut: list[Line] = []
    for line in lines:
        if heading(line.text) and heading(line.text)[0] == 5:  # type: ignore[index]
            cut.extend(Line(line.number, part) for part in _CIRCLED_CUT.split(line.text) if part)
        else:
            cut.append(line)
    return cut


def _roster(line: Line, outline: Outline, place: Any) -> None:
    """第一组（4个）：甲、乙、丙、丁 -- a group and its members (the line stays a paragraph)."""
    match = _ROSTER.match(line.text)
    if not match:
        return
    members, _ = split_names(match.group("members"))
    if not all(looks_like_names(m, ()) for m in members):
        return
    count = int(match.group("count")) if match.group("count") else None
    outline.rosters.append({"name": match.group("name"), "members": members, "count": count})
    outline.names.extend(members)
    if count is not None and count != len(members):
        why = f"写明 {count} 个，列出 {len(members)} 个成员，请对照原方案核对"
        outline.notes.append(Note(place(line), line.text, why, False))


def _responsibility_in_text(draft: Draft, outline: Outline, place: Any) -> None:
    """A task's units from its sentence (由……牵头，……配合) when no 责任单位 line gave them."""
    for item in draft.items:
        _responsibility_in_text(item, outline, place)
    if draft.is_task or (draft.level == 1 and draft.items) or draft.level == 5:
        return
    words = "。".join(w for w in [draft.title, draft.text, *draft.paragraphs] if w)
    for pattern in _IN_SENTENCE:
        match = pattern.search(words)
        if not match:
            continue
        found = {k: v for k, v in match.groupdict().items() if v}
        known = [*outline.names, *(r["name"] for r in outline.rosters)]
        named = {k: split_names(v, known)[0] for k, v in found.items()}
        if not all(looks_like_names(n, known) for names in named.values() for n in names):
            continue
        if "resp" in named:
            draft.fields["responsible"] = named["resp"]
        else:
            draft.fields["lead"] = named["lead"]
            if named.get("coop"):
                draft.fields["cooperating"] = named["coop"]
        for names in named.values():
            outline.names.extend(names)
        why = f"原文没有责任单位行，责任单位取自正文「{match.group(0).strip('。；，')}」，请核对"
        outline.notes.append(Note(place(draft.line), draft.title or draft.text, why, False))
        return


def _tasks_to_assign(outline: Outline, place: Any) -> None:
    """A plan that names no responsible unit anywhere: the items of its task parts become
    tasks whose units are 待填写, listed for the user to assign."""
    for section in outline.sections:
        if section.role or _NOT_TASKS_TITLE.search(section.title):
            continue
        for item in _leaves(section.items):
            item.fields["responsible"] = [PLACEHOLDER]
            why = "原文没有写明责任单位，已填「待填写」，请指定（plandocs check 会逐条列出）"
            outline.notes.append(Note(place(item.line), item.title or item.text, why, False))


def _leaves(items: list[Draft]) -> list[Draft]:
    return [leaf for i in items for leaf in (_leaves(i.items) if i.items else [i])]


def _open(outline: Outline, stack: list[Draft], line: Line, level: int, rest: str) -> None:
    while stack and stack[-1].level >= level:
        stack.pop()
    draft = Draft(level, line)
    # 责任单位 on the item's own line: …。（责任单位：局办公室） or …。责任单位：局办公室
    labelled = _TRAILING_LABEL.match(rest) or _INLINE_LABEL.match(rest)
    if labelled and _apply_labels(draft, labelled.group(2), outline):
        rest = labelled.group(1)
    if score := _SCORE_IN_TITLE.match(rest):
        rest = score.group(1) + score.group(3)
        draft.fields["score"] = float(score.group(2))
    draft.title, draft.text = split_title(rest)
    if not stack:
        outline.sections.append(draft)
    else:
        parent = stack[-1]
        parent.items.append(draft)
        if level != parent.level + 1:
            parent.child_numbering = STYLES[level]
    stack.append(draft)


def split_title(rest: str) -> tuple[str, str]:
    """(title, text) of the words after an item's number."""
    match = _SENTENCE.match(rest)
    first = match.group(1) if match else rest
    if len(first) <= TITLE_MAX and first.count("，") <= 1:
        return first, (match.group(2).strip() if match else "")
    return "", rest


def _apply_labels(draft: Draft | None, text: str, outline: Outline) -> bool:
    """Fill ``draft`` from a line of labelled fields; False when the line is not one."""
    inner = text[1:-1] if text.startswith("（") and text.endswith("）") else text
    fields = [_label(s) for s in _LABEL_SPLIT.split(inner) if s]
    if draft is None or not fields or None in fields:
        return False
    for label, key, value in fields:  # type: ignore[misc]
        if key == "detail" or (not value and key not in _UNIT_FIELDS):
            # 时间：  年 月 日 / a blank 责任领导： -- printed as written, the blank kept
            draft.details.append({"label": label, "value": value})
            continue
        if key in _UNIT_FIELDS and not value:
            value = PLACEHOLDER  # 责任单位： left blank: to be assigned
        if key in _UNIT_FIELDS:
            names, _ = split_names(value, outline.names)
            leads = [_LEADS.sub("", n) for n in names if _LEADS.search(n)]
            if key == "responsible" and leads:  # 局办公室（牵头）、局监察室: lead and others
                others = [n for n in names if not _LEADS.search(n)]
                draft.fields["lead"] = [*draft.fields.get("lead", []), *leads]
                draft.fields["cooperating"] = [*draft.fields.get("cooperating", []), *others]
                names = [*leads, *others]
            else:
                draft.fields[key] = [*draft.fields.get(key, []), *names]
            outline.names.extend(n for n in names if n != PLACEHOLDER)
        else:
            draft.fields[key] = value
    return True


def _label(segment: str) -> tuple[str, str, Any] | None:
    """(label, field, value) of one ``标签：值`` segment; None when it is not one."""
    match = _LABEL.match(segment)
    if not match:
        return None
    label, key = match.group(1), _LABELS[match.group(1)]
    if key == "detail":
        return label, key, match.group(2)  # as written: the blanks of a form stay
    value = match.group(2).strip().rstrip("；。")
    if key != "score":
        return label, key, value
    score = _SCORE.match(value)
    return (label, key, float(score.group(1))) if score else None


def _phases_or_requirements(section: Draft, outline: Outline, place: Any, year: int) -> None:
    if section.items and all(_PHASE.match(i.title + i.text) for i in section.items):
        for item in section.items:
            outline.phases.append(_phase(item, len(outline.phases) + 1, place, year, outline))
        if any(item.items for item in section.items):
            # Activities nested under a phase heading: the part stays as written (its
            # activities are tasks); the phases are read from its headings as well.
            why = "工作步骤下写有具体活动，本部分按原文保留在正文中，各阶段另列入 phases"
            outline.notes.append(Note(place(section.line), section.title, why, False))
            return
        section.role = "phases"
        section.items = []
    elif _REQUIREMENTS_TITLE.search(section.title) and (section.items or section.paragraphs):
        section.role = "requirements"


def _phase(item: Draft, number: int, place: Any, year: int, outline: Outline) -> dict[str, Any]:
    match = _PHASE.match(item.title + item.text)
    assert match is not None
    name, period_text = match.group("name"), match.group("period") or ""
    period = parse_period(period_text, year) if period_text else None
    if period is None:
        why = f"未能识别时间「{period_text}」" if period_text else "原文未写时间"
        outline.notes.append(
            Note(place(item.line), item.title or name, f"{why}，本阶段 start、end 留空", False)
        )
    activities = "；".join(i.title.rstrip("。；") or i.text for i in item.items)
    body = "".join([match.group("body").strip(), *item.paragraphs]) or activities or name
    outline.notes.append(
        Note(
            place(item.line),
            name,
            "unit_text（各单位在本阶段做什么）取自方案原文，请按各单位实施方案的口吻改写",
            False,
        )
    )
    start, end = period or (None, None)
    phase = {"id": f"P{number}", "name": name, "start": start, "end": end, "text": body}
    return {**phase, "unit_text": _UNIT_PREFIX.sub("", body) or body}


_POINT = re.compile(r"^(?:(\d{4})年)?(?:(\d{1,2})月)?(?:(\d{1,2})日)?$")
_BARE = re.compile(r"^(\d{1,2})$")
_RANGE = re.compile(r"[至到—–~～－]+|(?<=[\d月日])-(?=\d)")


def parse_period(text: str, year: int) -> tuple[str | dt.date, str | dt.date] | None:
    """A phase's time as offices write it -> (start, end): months ``2016-05`` or dates.

    5月份, 6至11月份, 6-11月, 11月底, 5月10日至6月30日, 5月10日至20日,
    2016年11月至2017年1月; None for anything else (上旬, 第二季度 …).
    """
    parts = _RANGE.split(text.replace("份", "").replace("底", ""))
    points = [_point(p) for p in parts]
    if len(points) not in (1, 2) or None in points:
        return None
    first, last = points[0], points[-1]
    assert first is not None and last is not None
    if first[1] is None:  # 6至11月: a bare first number is a month, or a day of the last's month
        first = (first[0], first[2], None) if last[2] is None else (first[0], last[1], first[2])
    if last[1] is None:  # 5月10日至20日
        last = (last[0], first[1], last[2])
    first = (first[0] or year, *first[1:])
    last = (last[0] or first[0], *last[1:])
    try:
        return _as_time(first), _as_time(last)
    except (TypeError, ValueError):
        return None


def _point(text: str) -> tuple[int | None, int | None, int | None] | None:
    """(year, month, day) of one end of a period; a bare number is kept as the day."""
    if bare := _BARE.match(text):
        return None, None, int(bare.group(1))
    match = _POINT.match(text)
    if not match or not (match.group(2) or match.group(3)):
        return None
    year, month, day = (int(g) if g else None for g in match.groups())
    return year, month, day


def _as_time(point: tuple[int | None, ...]) -> str | dt.date:
    year, month, day = point
    if year is None or month is None or not 1 <= month <= 12:
        raise ValueError(f"no month: {point}")
    if day is None:
        return f"{year}-{month:02d}"
    return dt.date(year, month, day)


def _deadlines_from_text(draft: Draft, place: Any, year: int, outline: Outline) -> None:
    """A task's 完成时限 when its text names exactly one (…6月底前…) and no line gave one."""
    for item in draft.items:
        _deadlines_from_text(item, place, year, outline)
    if not draft.is_task or "deadline" in draft.fields:
        return
    words = "。".join([draft.title, draft.text, *draft.paragraphs])
    found = list(dict.fromkeys(m.group(0) for m in _DEADLINE_IN_TEXT.finditer(words)))
    dated = [(day, d) for d in found if (day := parse_deadline(d, year))]
    if not dated:
        return
    # Several (6月底前开工…11月底前完工): the task is done by the last one.
    deadline = max(dated)[1]
    draft.fields["deadline"] = deadline
    why = "完成时限取自条目正文，请核对"
    if len(dated) > 1:
        why = f"条目写有 {len(dated)} 个时限（{'、'.join(found)}），完成时限取最后一个，请核对"
    outline.notes.append(Note(place(draft.line), deadline, why, False))


def assign_ids(sections: list[Draft]) -> list[dict[str, Any]]:
    """plan.yaml's sections, with ids where ledger targets may point: T for a task, C for
    an item holding tasks, numbered by position (T1.2: the 2nd item of the 1st)."""
    with_tasks = [s for s in sections if _has_task(s)]
    return [
        _with_ids(s, "" if len(with_tasks) == 1 else f"{i}-", top=i)
        for i, s in enumerate(sections, 1)
    ]


def _has_task(draft: Draft) -> bool:
    return draft.is_task or any(_has_task(i) for i in draft.items)


def _with_ids(draft: Draft, path: str, top: int = 0) -> dict[str, Any]:
    """``top``: the number of a 一、 part (0 below it)."""
    item_id = None
    if draft.is_task:  # a 一、 part may itself be a task (a 通知's 一、落实防汛责任)
        item_id = f"T{top}" if top else f"T{path}"
    elif not top and _has_task(draft):
        item_id = f"C{path}"
    data = draft.data(item_id)
    if draft.items:
        prefix = f"{path}." if path and not top else path
        data["items"] = [_with_ids(c, f"{prefix}{i}") for i, c in enumerate(draft.items, 1)]
    return data
