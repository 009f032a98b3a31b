"""The ledger (台账) of an imported plan: its table's rows as targets linked to tasks.

In a .docx the ledger is a table. A web copy flattens it into lines, one cell after
another (创建项目 | 具体目标内容 | 责任单位 | 实施情况), the project cell only where a
project starts (it spans the rows below) and empty cells gone; a row then ends at its
责任单位 cell, the one line that is nothing but unit names.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from generator.model.plan import STATUSES
from generator.read.import_outline import heading
from generator.read.import_source import Line, Note, Table, names_cell
from generator.read.import_units import looks_like_names, split_names

_COLUMNS = (
    ("seq", re.compile(r"^序号$")),
    ("leader", re.compile(r"责任领导|分管领导|牵头领导")),
    ("score", re.compile(r"^(?:分值|分数|标准分)$")),
    ("project", re.compile(r"项目|类别")),
    ("deadline", re.compile(r"时限|时间")),
    ("content", re.compile(r"内容|目标|任务|措施")),
    ("responsible", re.compile(r"责任")),
    ("status", re.compile(r"情况|进度|状态|完成")),
    ("note", re.compile(r"备注")),
)
_HEADER_CELL_MAX = 8
# A .docx table's header row is known to be one: its cells may be longer (测评方法及评分标准).
_TABLE_HEADER_MAX = 20
_SUFFIXES = "abcdefghijklmnopqrstuvwxyz"
# A target's text should be mostly found in its task's; below this the link is a guess.
_SURE_MATCH = 0.5

_NUMBER = r"(\d+(?:\.\d+)?)"
_UNIT = (
    r"(万?(?:平方米|公里|批次|个|次|家|人|场|期|篇|处|项|名|条|户|块|座|支|批|件|册|套|部|份"
    r"|所|辆|台|吨|亩|米|元)|%)"
)
# What a count to reach is done by: 新增社区志愿者5000名, 筹集保障性租赁住房5000套.
_DOING = r"(?:新增|增加|完成|建成|新建|改造|培育|发展|发放|储备|筹集|创建|招募|评选|培训|建设)"
_MEASURES = (
    ("between", re.compile(rf"{_NUMBER}[-~～至到]{_NUMBER}{_UNIT}")),
    (">=", re.compile(rf"(?:不少于|不低于|不少|至少有?|达到){_NUMBER}{_UNIT}")),
    (">=", re.compile(rf"{_NUMBER}{_UNIT}(?:及)?以上")),
    ("<=", re.compile(rf"(?:不超过|不多于|不高于|最多){_NUMBER}{_UNIT}")),
    ("<=", re.compile(rf"{_NUMBER}{_UNIT}(?:以下|以内)")),
    (">=", re.compile(rf"(?:总数|总量|总额|总任务)的{_NUMBER}(%)")),
    (
        ">=",
        re.compile(rf"(?:(?:增加|提高|提升|加装|扩大|达)[^，；。、\d]{{0,8}}?)?至{_NUMBER}{_UNIT}"),
    ),
    (">=", re.compile(rf"{_DOING}[^，；。、\d]{{0,14}}?{_NUMBER}{_UNIT}")),
)
# 储备编织袋10万条、救生衣2000件: a further count in the list the verb governs.
_LISTED_TOO = re.compile(rf"、[^，；。、\d]{{1,14}}?{_NUMBER}{_UNIT}")
_CLAUSE = re.compile(r"[，；。]")
_SHARE_OF = re.compile(r"占[^占]*$")
_SYSTEM = re.compile(r"全系统|全局|系统内|全市|全区|全县|全镇")
_BY_YEAR = re.compile(r"到(\d{4})年|(\d{4})年(?:底|前|内|末)")
_BY_YEAR_START = re.compile(r"到\d{4}年")
_ALL_UNITS = re.compile(r"单位全部|全部单位")
REPORTED_PLACEHOLDER = "待填写：各单位填报的数是什么"


@dataclass
class LedgerRow:
    place: str
    project: str  # "" when the row continues the project above
    content: list[str]
    responsible: str
    responsible_place: str = ""  # where the 责任单位 cell is, when not at the row's place


@dataclass
class Task:
    """A task of the imported outline, as the ledger links to it."""

    id: str
    title: str
    text: str  # title, text and paragraphs
    context: str  # the title above it
    responsible: list[str]


@dataclass
class LedgerResult:
    targets: list[dict[str, Any]] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)

    def add(self, target: dict[str, Any], place: str) -> None:
        """Add a target, with a note to check each measure found in it."""
        self.targets.append(target)
        self.notes.extend(
            Note(place, m["wording"], _measure_note(m), False) for m in target.get("measures", [])
        )


def column_kind(cell: str, longest: int = _HEADER_CELL_MAX) -> str | None:
    if len(cell) > longest:
        return None
    return next((kind for kind, pattern in _COLUMNS if pattern.search(cell)), None)


def _is_ledger_header(kinds: list[str | None]) -> bool:
    return "responsible" in kinds and "content" in kinds


def flat_header(lines: list[Line], start: int) -> tuple[int, list[str]] | None:
    """(index, column kinds) of the first run of header cells at or after ``start``."""
    for i in range(start, len(lines)):
        kinds: list[str] = []
        while i + len(kinds) < len(lines) and (kind := column_kind(lines[i + len(kinds)].text)):
            kinds.append(kind)
        if len(kinds) >= 3 and _is_ledger_header(list(kinds)):
            return i, kinds
    return None


def rows_from_lines(
    lines: list[Line], columns: list[str], known: list[str], place: Callable[[Line], str]
) -> tuple[list[LedgerRow], list[Line]]:
    """The rows of a flattened table, and the lines that make no row (page noise)."""
    rows: list[LedgerRow] = []
    pending: list[Line] = []
    after_row = False
    for line in lines:
        if after_row and line.text in STATUSES:
            after_row = False  # the row's 实施情况 cell
            continue
        after_row = False
        if pending and looks_like_names(line.text, known):
            rows.append(_flat_row(pending, line, "seq" in columns, place))
            pending, after_row = [], True
        else:
            pending.append(line)
    return rows, pending


def _flat_row(
    cells: list[Line], responsible: Line, with_seq: bool, place: Callable[[Line], str]
) -> LedgerRow:
    if with_seq and len(cells) > 1 and cells[0].text.isdigit():
        cells = cells[1:]
    numbered = [_numbered(c.text) for c in cells]
    run = len(cells)
    while run and numbered[run - 1]:
        run -= 1
    # The content cell: its numbered lines and the heading line above them (or one line).
    start = len(cells) - 1 if run == len(cells) else max(run - 1, 0)
    project = "".join(c.text for c in cells[:start])
    content = [c.text for c in cells[start:]]
    return LedgerRow(place(cells[0]), project, content, responsible.text, place(responsible))


def _numbered(text: str) -> bool:
    found = heading(text)
    return found is not None and found[0] >= 3


def table_header(table: Table) -> tuple[int, list[str | None]] | None:
    """(row index, column kinds) of a docx table's header row, if it has content and units."""
    kinds_by_row = ([column_kind(cell, _TABLE_HEADER_MAX) for cell in row] for row in table.rows)
    return next(((h, k) for h, k in enumerate(kinds_by_row) if _is_ledger_header(k)), None)


# The columns a ledger row reads; the others are written in 导入说明.
LEDGER_COLUMNS = ("seq", "project", "content", "responsible", "status")


def unused_columns(table: Table) -> list[str]:
    """The headers of a ledger table's columns that no target field holds."""
    found = table_header(table)
    if found is None:
        return []
    h, kinds = found
    return [table.rows[h][i] for i, k in enumerate(kinds) if k not in LEDGER_COLUMNS]


def rows_from_table(table: Table) -> list[LedgerRow] | None:
    """The rows of a docx ledger table; None when the table is not a ledger."""
    found = table_header(table)
    if found is None:
        return None
    h, kinds = found
    rows = []
    previous = ""
    for r, cells in enumerate(table.rows[h + 1 :], h + 2):
        by_kind = {k: cells[i] for i, k in enumerate(kinds) if k and i < len(cells)}
        content = [t for t in by_kind.get("content", "").split("\n") if t]
        if not content:
            continue
        project = by_kind.get("project", "").replace("\n", "")
        rows.append(
            LedgerRow(
                f"表格{table.number}第{r}行",
                "" if project == previous else project,
                content,
                _names(table, r - 1, kinds) or by_kind.get("responsible", "").replace("\n", "、"),
            )
        )
        previous = project or previous
    return rows


def _names(table: Table, row: int, kinds: list[str | None]) -> str:
    """The 责任单位 cell of a row as written: names apart by spaces or line breaks too."""
    if "responsible" not in kinds or row >= len(table.raw):
        return ""
    cells = table.raw[row]
    at = kinds.index("responsible")
    return names_cell(cells[at]) if at < len(cells) else ""


def ledger_targets(rows: list[LedgerRow], tasks: list[Task], year: int) -> LedgerResult:
    """Targets from the ledger's rows: ids L01, L02 … (L01a, L01b when a cell lists several)."""
    result = LedgerResult()
    known = [n for task in tasks for n in task.responsible]
    project = ""
    for number, row in enumerate(rows, 1):
        project = row.project or project
        names, repaired = split_names(row.responsible, known)
        if repaired:
            why = f"责任单位有重复或连写，已读作「{'、'.join(names)}」"
            where = row.responsible_place or row.place
            result.notes.append(Note(where, row.responsible, why, False))
        result.names.extend(names)
        subject, texts = _subject_and_texts(row.content)
        for i, text in enumerate(texts):
            suffix = "" if len(texts) == 1 else _suffix(i)
            target = _target(f"L{number:02d}{suffix}", project, subject, text, names, year)
            task, sure = _best_task(target, tasks)
            target["task"] = task.id
            if not sure:
                why = f"未能确定所属任务，暂关联到 {task.id}，请核对 task"
                result.notes.append(Note(row.place, text, why, False))
            if not target["project"]:
                target["project"] = task.context
                why = "台账没有写创建项目，暂用所属任务的标题"
                result.notes.append(Note(row.place, text, why, False))
            if names == task.responsible:
                del target["responsible"]  # the same as the task's: the default
            result.add(target, row.place)
    return result


def _suffix(i: int) -> str:
    return _SUFFIXES[i] if i < len(_SUFFIXES) else f"-{i + 1}"


def _measure_note(measure: dict[str, Any]) -> str:
    note = "识别为量化指标；reported（各单位填报什么数）请填写，并核对比较方式、数值和单位"
    if measure["basis"] == "staff_share":
        note += "；按职工总数计算，请在 units.yaml 为责任单位填写 staff_count"
    return note


def _subject_and_texts(content: list[str]) -> tuple[str, list[str]]:
    numbered = [_numbered(t) for t in content]
    if len(content) > 1 and all(numbered[1:]):
        items = [_strip_number(t) for t in content[1:]]
        return ("", [_strip_number(content[0]), *items]) if numbered[0] else (content[0], items)
    return "", ["".join(content)]


def _strip_number(text: str) -> str:
    found = heading(text)
    return found[1] if found else text


def _target(
    target_id: str, project: str, subject: str, text: str, names: list[str], year: int
) -> dict[str, Any]:
    target: dict[str, Any] = {"id": target_id, "project": project}
    if subject:
        target["subject"] = subject
    target |= {"text": text, "responsible": names}
    if measures := find_measures(text, year):
        target["measures"] = measures
    return target


def _best_task(target: dict[str, Any], tasks: list[Task]) -> tuple[Task, bool]:
    """The task the target belongs to: the one whose text holds most of the target's."""
    words = target.get("subject", "") + target["text"]

    def score(task: Task) -> float:
        same_units = 0.2 if task.responsible == target["responsible"] else 0.0
        project = 0.1 * _coverage(target["project"], task.context + task.text)
        return _coverage(words, task.text) + same_units + project

    best = max(tasks, key=score)
    return best, _coverage(words, best.text) >= _SURE_MATCH


def _coverage(part: str, whole: str) -> float:
    """The share of ``part``'s characters found, in order, in ``whole``."""
    if not part:
        return 0.0
    matcher = difflib.SequenceMatcher(None, part, whole, autojunk=False)
    return sum(block.size for block in matcher.get_matching_blocks()) / len(part)


def find_measures(text: str, year: int) -> list[dict[str, Any]]:
    """Measure suggestions for the quantitative wordings of a target: 不少于6次, 30%以上,
    2-3个, and 单位全部… (every responsible unit: 100% of them)."""
    measures = []
    for clause, whole in _clauses(text):
        found: list[tuple[int, str, re.Match[str]]] = []
        for comparator, pattern in _MEASURES:
            for match in pattern.finditer(clause):
                if not any(m.start() < match.end() and match.start() < m.end() for *_, m in found):
                    found.append((match.start(), comparator, match))
        for *_, match in list(found):
            listed = _LISTED_TOO.match(clause, match.end())
            while listed:
                found.append((listed.start(), ">=", listed))
                listed = _LISTED_TOO.match(clause, listed.end())
        found.sort(key=lambda f: f[0])
        measures.extend(_city_wide(_measure(c, m, clause, year), whole) for _, c, m in found)
        if not found and _ALL_UNITS.search(clause):
            measures.append(_all_units(clause, year))
    return [{"id": f"m{n}", **m} for n, m in enumerate(measures, 1)]


def _clauses(text: str) -> list[tuple[str, str]]:
    """(clause, the sentence it is part of): 全区新增……，改造提升游园15个 are both the
    district's, though 全区 opens the sentence only."""
    return [
        (clause, sentence)
        for sentence in re.split(r"(?<=。)", text)
        for clause in _CLAUSE.split(sentence)
    ]


def _city_wide(measure: dict[str, Any], sentence: str) -> dict[str, Any]:
    if _SYSTEM.search(sentence) and measure.get("scope") != "system":
        return {**measure, "scope": "system"}
    return measure


def _measure(comparator: str, match: re.Match[str], clause: str, year: int) -> dict[str, Any]:
    numbers, unit = [float(g) for g in match.groups()[:-1]], match.groups()[-1]
    phrase, basis = match.group(0).lstrip("、"), "count"
    if unit == "%" and (share := _SHARE_OF.search(clause[: match.start()])):
        phrase = share.group(0) + phrase
        basis = "staff_share" if "职工" in share.group(0) else "unit_share"
    measure: dict[str, Any] = {
        "wording": _wording(clause, phrase),
        "reported": REPORTED_PLACEHOLDER,
        "report_unit": {"staff_share": "人", "unit_share": "家"}.get(basis, unit),
        "comparator": comparator,
        "value": numbers[0],
    }
    if comparator == "between":
        measure["value_max"] = numbers[1]
    measure |= {"unit": unit, "basis": basis}
    return measure | _scope_and_year(clause, basis, year)


def _all_units(clause: str, year: int) -> dict[str, Any]:
    """到2018年系统单位全部创建为…: every unit, i.e. 100% of the responsible units."""
    measure = {
        "wording": _wording(clause, clause),
        "reported": REPORTED_PLACEHOLDER,
        "report_unit": "家",
        "comparator": ">=",
        "value": 100.0,
        "unit": "%",
        "basis": "unit_share",
    }
    return measure | _scope_and_year(clause, "unit_share", year)


def _wording(clause: str, phrase: str) -> str:
    """The phrase (不少于6次); the clause from 到2020年 on where the target names a year,
    since then the number alone (至少有3家) does not say what is to be reached."""
    by_year = _BY_YEAR_START.search(clause)
    return clause[by_year.start() :] if by_year else phrase


def _scope_and_year(clause: str, basis: str, year: int) -> dict[str, Any]:
    # A share of the units is a figure of the whole system, never of one unit.
    system = basis == "unit_share" or bool(_SYSTEM.search(clause))
    by_year = _BY_YEAR.search(clause)
    deadline = int(next(g for g in by_year.groups() if g)) if by_year else year
    return {"scope": "system", "deadline_year": deadline} if system else {"deadline_year": deadline}


def tasks_of(sections: list[dict[str, Any]]) -> list[Task]:
    """Every task of plan.yaml's sections, with the title above it."""
    found: list[Task] = []

    def walk(items: list[dict[str, Any]], context: str) -> None:
        for item in items:
            title = item.get("title", "")
            if str(item.get("id", "")).startswith("T"):
                text = title + item.get("text", "") + "".join(item.get("paragraphs", []))
                names = item.get("responsible") or item.get("lead", [])
                found.append(Task(item["id"], title, text, context, list(names)))
            walk(item.get("items", []), title or context)

    for section in sections:
        walk([section] if str(section.get("id", "")).startswith("T") else [], "")
        walk(section.get("items", []), section.get("title", ""))
    return found


def targets_from_tasks(tasks: list[Task], year: int) -> LedgerResult:
    """A ledger when the plan has none: one target per task, to be edited."""
    result = LedgerResult()
    for number, task in enumerate(tasks, 1):
        text = task.text.removeprefix(task.title) or task.title
        project = task.title.rstrip("。") or task.context
        target = _target(f"L{number:02d}", project, "", text, [], year)
        del target["responsible"]  # the task's
        result.add(target | {"task": task.id}, "")
    if tasks:
        why = "原文没有台账表格，已按任务各列一条目标，请修改 ledger.yaml"
        result.notes.append(Note("", "", why, False))
    return result
