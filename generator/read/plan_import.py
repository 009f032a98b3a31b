"""``plandocs import``: an existing plan (.docx or .txt) into plan data.

The pipeline: the source's lines and tables (:mod:`import_source`), cut into the
parts of a plan -- page noise, title, preamble, body, 附件 lines, signature, date, the
ledger table -- then the body's outline (:mod:`import_outline`), the ledger's targets
(:mod:`import_ledger`) and the units and groups they name (:mod:`import_units`).
What could not be placed, and what was guessed, is reported with its line number;
the result is validated against the models and the cross-file checks, whose findings
(group members to fill in, ...) are reported too. Writing the result (the YAML files and
导入说明.txt) is :mod:`generator.pipeline.plan_files`'s part.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from generator.model.checks import check_ledger, check_organisation, check_plan_text
from generator.model.placeholders import PLACEHOLDER
from generator.model.plan import Item, Ledger, Organisation, PlanText
from generator.model.short_names import with_short_names
from generator.problems import InputError, Problem
from generator.read.import_ledger import (
    LedgerResult,
    LedgerRow,
    flat_header,
    ledger_targets,
    rows_from_lines,
    rows_from_table,
    table_header,
    targets_from_tasks,
    tasks_of,
    unused_columns,
)
from generator.read.import_outline import assign_ids, heading, parse_date, parse_outline
from generator.read.import_source import Line, Note, Source, Table, read_source
from generator.read.import_table import is_plan_table, outline_from_table
from generator.read.import_units import GROUP_NOTE, is_group, organisation_data, split_names
from generator.read.plan_reader import FILES, is_workbook
from generator.read.yaml_source import PathKey, format_path

REPORT_FILE = "导入说明.txt"
_TITLE = re.compile(r"(方案|计划|意见|通知|办法|要点|规划|细则|安排)$")
# 附件 / 附件：台账 / 附件1：1.台账 -- not a sentence that starts with the word 附件.
_ATTACHMENT = re.compile(r"^附件\s*(?:\d+)?\s*(?:[：:]\s*(?:\d+[.、])?\s*(.*))?$")
_YEAR = re.compile(r"(\d{4})年度?")
# 2016年焦作市园林局文明服务活动方案 -> 文明服务活动; 关于开展2020年某某活动的工作方案 -> 某某活动
_ACTIVITY = re.compile(
    r"^(?:关于)?(?:开展|组织|做好|印发)?(?:\d{4}年度?)?(?:.*?(?:局|委|办|厅|处|中心|院|部))?"
    r"(.+?)的?(?:工作|实施)*(?:方案|通知|计划|安排)$"
)
_LISTED = re.compile(r"^\d+[.、]")  # 2.联系表: a further attachment under 附件：1.台账
_SIGNATURE_MAX = 30
_SHOWN = 40  # characters of a source text shown in the report


@dataclass
class Imported:
    """What the import made of a source, and what it has to say about it."""

    source: Source
    out: Path
    text: PlanText | None = None
    organisation: Organisation | None = None
    ledger: Ledger | None = None
    notes: list[Note] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # to complete before `check`

    @property
    def complete(self) -> bool:
        return None not in (self.text, self.organisation, self.ledger)

    def report(self) -> str:
        return import_report(self)


@dataclass
class _Parts:
    """The source cut into the parts of a plan."""

    title: Line | None = None
    preamble: list[Line] = field(default_factory=list)
    body: list[Line] = field(default_factory=list)
    attachments: list[Line] = field(default_factory=list)
    signature: Line | None = None
    date: Line | None = None
    table_rows: list[LedgerRow] | None = None  # a docx ledger table's rows
    flat_table: tuple[list[Line], list[str]] | None = None  # a flattened one: lines, columns
    ledger_title: str = ""
    plan_table: Table | None = None  # a table that is the plan's tasks (no 一、 text)
    notice: dict[str, Any] = field(default_factory=dict)  # a 印发通知 around the plan


def import_plan(path: Path, out: Path) -> Imported:
    """Import the plan in ``path``; raise :class:`InputError` when it has no outline at all."""
    source = read_source(path)
    imported = Imported(source, out)
    notes = imported.notes
    parts = _cut(source, notes)
    date = parse_date(parts.date.text) if parts.date else None
    title = parts.title.text if parts.title else ""
    year, unconfirmed = _year(title, date, notes)
    if parts.plan_table is not None:
        outline = outline_from_table(parts.plan_table, source.place)
    else:
        outline = parse_outline(parts.body, source.place, year)
    notes.extend(outline.notes)
    sections = assign_ids(outline.sections)
    ledger = _ledger(source, parts, sections, outline.names, year)
    notes.extend(ledger.notes)
    plan_data = _plan_data(source, parts, year, date, sections, outline.phases, notes)
    plan_data["unconfirmed"] = [*unconfirmed, *plan_data.get("unconfirmed", [])]
    org_data = organisation_data([*outline.names, *ledger.names], outline.rosters)
    if not org_data["units"] or _unassigned(sections):
        # Tasks whose units are 待填写 point at this one placeholder unit until assigned.
        org_data["units"].append({"id": "u00", "name": PLACEHOLDER, "kind": "unit"})
        why = "有任务没有写明责任单位（已填「待填写」），请在 units.yaml 列出单位并指定"
        notes.append(Note("", "", why, False))
    if not ledger.targets:
        ledger.targets.append(_placeholder_target(sections))
        notes.append(Note("", "", "没有可列入台账的任务，已列一条待填写的台账目标", False))
    ledger_title = parts.ledger_title or f"{plan_data['title']}工作台账"
    ledger_data = {"title": ledger_title, "targets": ledger.targets}
    _account_for_every_line(source, parts, [plan_data, org_data, ledger_data], notes)
    _validate(imported, plan_data, org_data, ledger_data)
    return imported


def _unassigned(sections: list[dict[str, Any]]) -> bool:
    return PLACEHOLDER in _all_texts(sections)


def _all_texts(data: Any) -> str:
    """Every text of some data run together (to find a source line's words in it)."""
    if isinstance(data, dict):
        return "\n".join(_all_texts(v) for v in data.values())
    if isinstance(data, list | tuple):
        return "\n".join(_all_texts(v) for v in data)
    return str(data)


def _placeholder_target(sections: list[dict[str, Any]]) -> dict[str, Any]:
    """A ledger row to fill in, for a plan with no task at all: tied to a placeholder task."""
    task = {"id": "T0", "title": PLACEHOLDER, "responsible": [PLACEHOLDER]}
    sections.append({"title": PLACEHOLDER, "items": [task]})
    return {"id": "L01", "task": "T0", "project": PLACEHOLDER, "text": PLACEHOLDER}


# Words of a line too short to say anything on their own (the, 的 …).
_WORD = re.compile(r"[\u4e00-\u9fff]{2,}")
_NUMBERING = re.compile(
    r"^(?:[一二三四五六七八九十]{1,3}、|（[一二三四五六七八九十]{1,3}）|\d{1,2}[.、]|（\d{1,2}）"
    r"|[\u2460-\u2473])"
)


def _account_for_every_line(
    source: Source, parts: _Parts, data: list[dict[str, Any]], notes: list[Note]
) -> None:
    """No silent drop: a source line whose words are nowhere in the imported data, and
    that no note names, is listed in 导入说明 as not imported."""
    noted = {n.place for n in notes}
    found = _all_texts(data)
    lines = [b for b in source.blocks if isinstance(b, Line)]
    for table in (b for b in source.blocks if isinstance(b, Table)):
        header = table_header(table)
        lines += [
            Line(r, "".join(row), table.number)
            for r, row in enumerate(table.rows, 1)
            if header is None or r - 1 != header[0]  # the header: the documents print it
        ]
    for line in lines:
        place = source.place(line)
        if place in noted or (line.table and f"表格{line.table}" in noted):
            continue
        words = _WORD.findall(_NUMBERING.sub("", line.text))
        missing = [w for w in words if w not in found and not _said_by_layout(w)]
        if missing:
            why = f"未能识别，未导入（「{missing[0]}」等不在导入的数据中），请手工补入"
            notes.append(Note(place, line.text, why))


def _said_by_layout(word: str) -> bool:
    """Words the documents print themselves: labels of fields, the 印发 line."""
    return bool(
        re.fullmatch(
            r"(?:责任单位|主责单位|牵头单位|配合单位|协办单位|责任领导|分管领导"
            r"|完成时限|完成时间|分值|抄送|[年月日]?印发|附件|序号)+",
            word,
        )
    )


def _cut(source: Source, notes: list[Note]) -> _Parts:
    blocks = source.blocks
    start = next((i for i, b in enumerate(blocks) if isinstance(b, Line) and _level(b) == 1), None)
    if start is None:
        return _table_plan(source, notes)
    parts = _Parts()
    _head(source, blocks[:start], parts, notes)
    end = _ledger_part(source, blocks, start, parts, notes)
    _tail(source, blocks[start:end], parts, notes)
    return parts


def _table_plan(source: Source, notes: list[Note]) -> _Parts:
    """A plan without 一、 text whose tasks are a table (责任分工表): title and preamble
    before it, signature and date after it."""
    blocks = source.blocks
    at = next((i for i, b in enumerate(blocks) if isinstance(b, Table) and is_plan_table(b)), None)
    if at is None:
        problem = Problem(
            source.path,
            "",
            "",
            "没有找到以「一、」编号的正文，也没有列出工作任务和责任单位的表格，无法识别方案结构",
            "请确认文件是按 一、（一）1.（1） 编号的方案正文（Word 自动编号请先转为文字），"
            "或是含「工作任务」「责任单位」列的分工表",
        )
        raise InputError([problem])
    parts = _Parts(plan_table=blocks[at])  # type: ignore[arg-type]
    _head(source, blocks[:at], parts, notes)
    _tail(source, blocks[at + 1 :], parts, notes)
    if parts.body:  # lines after the table before the signature: not part of a row
        _left_out(source, parts.body, "位于任务表格之后，未导入", notes)
        parts.body = []
    return parts


def _level(line: Line) -> int | None:
    found = heading(line.text)
    return found[0] if found else None


def _head(source: Source, blocks: list[Line | Table], parts: _Parts, notes: list[Note]) -> None:
    """Title and preamble before the first 一、; page noise above the title."""
    lines = [b for b in blocks if isinstance(b, Line)]
    at = next((i for i in range(len(lines) - 1, -1, -1) if _TITLE.search(lines[i].text)), 0)
    if lines:
        parts.title, parts.preamble = lines[at], lines[at + 1 :]
    above = lines[:at]
    envelope = next((i for i, line in enumerate(above) if _NOTICE_TITLE.match(line.text)), None)
    if envelope is not None:
        above = above[:envelope] + _envelope(source, above[envelope:], parts, notes)
        above = [line for line in above if not _masthead(line, parts)]
    _left_out(source, above, "位于方案标题之前（网页导航、发布信息等），未导入", notes)
    _unused_tables(blocks, notes)


_NOTICE_TITLE = re.compile(r"^关于印发《(.+)》的通知$")
_DOC_NUMBER = re.compile(r"^[^\s〔〕]+〔\d{4}〕\d+号$")
_COPY_TO = re.compile(r"^抄送：(.+?)。?$")
_PRINTED = re.compile(r"^(.+?)(\d{4}年\d{1,2}月\d{1,2}日)印发$")


def _envelope(source: Source, lines: list[Line], parts: _Parts, notes: list[Note]) -> list[Line]:
    """关于印发《方案》的通知, 主送, body, 署名, 日期 above the plan: its 印发通知.
    Returns the lines it did not take."""
    notice = parts.notice
    notice["title"] = lines[0].text
    rest = lines[1:]
    if rest and rest[0].text.endswith("："):
        notice["addressee"], rest = rest[0].text.rstrip("："), rest[1:]
    if rest and (date := parse_date(rest[-1].text)):
        notice["date"], rest = date, rest[:-1]
        if rest and _signature(rest[-1]):
            notice["issuer"], rest = rest[-1].text, rest[:-1]
    notice["body"] = [line.text for line in rest]
    why = "读作印发通知（notice），请核对；发文机关标志、发文字号、印发机关未写明的已填「待填写」"
    notes.append(Note(source.place(lines[0]), lines[0].text, why, False))
    return []


def _masthead(line: Line, parts: _Parts) -> bool:
    """云岗市文明办文件 / 云文明办〔2022〕7号 above a notice: its 版头."""
    if line.text.endswith("文件") and len(line.text) <= _SIGNATURE_MAX:
        parts.notice["authority"] = line.text
        return True
    if _DOC_NUMBER.match(line.text):
        parts.notice["number"] = line.text
        return True
    return False


def _left_out(source: Source, lines: list[Line], reason: str, notes: list[Note]) -> None:
    notes.extend(Note(source.place(line), line.text, reason) for line in lines)


def _unused_tables(blocks: list[Line | Table], notes: list[Note]) -> None:
    for block in blocks:
        if isinstance(block, Table):
            first = " | ".join(block.rows[0]) if block.rows else ""
            notes.append(Note(f"表格{block.number}", first, "不是台账表格，未导入"))


def _ledger_part(
    source: Source, blocks: list[Line | Table], start: int, parts: _Parts, notes: list[Note]
) -> int:
    """Find the ledger table (a docx table, or one flattened into lines) after ``start``;
    return where the plan's own text ends."""
    for i in range(start, len(blocks)):
        block = blocks[i]
        if isinstance(block, Table) and (rows := rows_from_table(block)) is not None:
            parts.table_rows = rows
            for header in unused_columns(block):
                why = (
                    f"台账表格的「{header}」列未导入（台账目标没有此项；时限请写在任务的完成时限）"
                )
                notes.append(Note(f"表格{block.number}第1行", header, why))
            after = blocks[i + 1 :]
            lines = [b for b in after if isinstance(b, Line)]
            _left_out(source, lines, "位于台账表格之后，未导入", notes)
            _unused_tables(after, notes)
            return i
    lines = [b for b in blocks[start:] if isinstance(b, Line)]
    found = flat_header(lines, 0)
    if found is None:
        return len(blocks)
    at, columns = found
    parts.flat_table = lines[at + len(columns) :], columns
    return blocks.index(lines[at])


def _tail(source: Source, blocks: list[Line | Table], parts: _Parts, notes: list[Note]) -> None:
    """Body, 附件 lines, signature and date: everything between 一、 and the ledger."""
    _unused_tables(blocks, notes)
    lines = [b for b in blocks if isinstance(b, Line)]
    dated = [i for i, line in enumerate(lines) if parse_date(line.text)]

    end = len(lines)
    if dated:
        parts.date, end = lines[dated[-1]], dated[-1]
        if end > 0 and _signature(lines[end - 1]):
            parts.signature, end = lines[end - 1], end - 1
    attached = [i for i in range(end) if _ATTACHMENT.match(lines[i].text)]
    body_end = attached[0] if attached else end
    while attached and attached[-1] + 1 < end and _LISTED.match(lines[attached[-1] + 1].text):
        attached.append(attached[-1] + 1)
    parts.body = lines[:body_end]
    parts.attachments = [lines[i] for i in attached]
    between = [line for line in lines[body_end:end] if line not in parts.attachments]
    _left_out(source, between, "位于附件说明和署名之间，未导入", notes)
    parts.ledger_title = _ledger_title(source, parts, notes)
    for line in lines[dated[-1] + 1 :] if dated else []:
        if parts.notice and _imprint(line, parts):
            continue
        if not parts.ledger_title and "台账" in line.text:
            parts.ledger_title = line.text  # the table's own title, without a 附件 line
        elif line.text not in (parts.ledger_title, "附件"):
            _left_out(source, [line], "位于成文日期之后、台账之前，未导入", notes)


def _imprint(line: Line, parts: _Parts) -> bool:
    """抄送：甲，乙。 / 云岗市文明办秘书科 2022年5月9日印发 -- the notice's 版记."""
    if copy := _COPY_TO.match(line.text):
        names, _ = split_names(copy.group(1))
        parts.notice["copy_to"] = names
        return True
    if printed := _PRINTED.match(line.text):
        parts.notice["printer"] = printed.group(1)
        parts.notice["print_date"] = parse_date(printed.group(2))
        return True
    return False


def _signature(line: Line) -> bool:
    return (
        len(line.text) <= _SIGNATURE_MAX
        and "。" not in line.text
        and heading(line.text) is None
        and not _ATTACHMENT.match(line.text)
    )


def _ledger_title(source: Source, parts: _Parts, notes: list[Note]) -> str:
    """The title of the 台账 among the 附件 lines; the other attachments are reported."""
    titles = [(line, _attachment_title(line)) for line in parts.attachments]
    chosen = next((t for _, t in titles if "台账" in t), titles[0][1] if titles else "")
    for line, title in titles:
        if title != chosen:
            notes.append(Note(source.place(line), line.text, "附件不是台账，未导入"))
    return chosen


def _attachment_title(line: Line) -> str:
    match = _ATTACHMENT.match(line.text)
    return (match.group(1) or "") if match else _LISTED.sub("", line.text)


def _year(title: str, date: dt.date | None, notes: list[Note]) -> tuple[int, list[str]]:
    """The plan's year, and ``["year"]`` when it is a guess nobody has confirmed yet."""
    if match := _YEAR.search(title):
        return int(match.group(1)), []
    if date is not None:
        return date.year, []
    why = "标题和日期中都没有年份，暂用今年，请核对 year（已列入 unconfirmed）"
    notes.append(Note("", title, why, False))
    return dt.date.today().year, ["year"]


def _ledger(
    source: Source, parts: _Parts, sections: list[dict[str, Any]], names: list[str], year: int
) -> LedgerResult:
    tasks = tasks_of(sections)
    rows = parts.table_rows
    left: list[Line] = []
    if parts.flat_table is not None:
        # Read now that the body's 责任单位 names are known: they mark where a row ends.
        rows, left = rows_from_lines(*parts.flat_table, names, source.place)
    if rows is None or not tasks:
        result = targets_from_tasks(tasks, year)
    else:
        result = ledger_targets(rows, tasks, year)
    _left_out(source, left, "位于台账中，但不成台账行（没有责任单位），未导入", result.notes)
    result.targets = with_short_names(result.targets)  # proposals: the source has none
    return result


def _plan_data(
    source: Source,
    parts: _Parts,
    year: int,
    date: dt.date | None,
    sections: list[dict[str, Any]],
    phases: list[dict[str, Any]],
    notes: list[Note],
) -> dict[str, Any]:
    """plan.yaml's data; what the source lacks is 待填写, with a note to fill it in."""
    preamble = [line.text for line in parts.preamble]
    addressee = ""
    if preamble and _is_addressee(preamble[0]):
        addressee, preamble = preamble[0].rstrip("："), preamble[1:]
    title = parts.title.text if parts.title else PLACEHOLDER
    after_year = _YEAR.split(title, maxsplit=1)[-1] if _YEAR.search(title) else title
    # 青川市民政局2022年社区邻里节活动方案 -> 社区邻里节活动 (what follows the year)
    activity = _ACTIVITY.match(after_year) or _ACTIVITY.match(title)
    if parts.title is not None:
        why = "活动名称（activity，用于各单位实施方案的标题）由标题推断，请核对"
        notes.append(Note(source.place(parts.title), title, why, False))
    if not phases:
        phases = [{"id": "P1", "name": PLACEHOLDER, "text": PLACEHOLDER, "unit_text": PLACEHOLDER}]
        notes.append(Note("", "", "没有找到工作步骤（……阶段），已列一个待填写的阶段", False))
    missing = {
        "标题（title）": parts.title is None,
        "署名（issuer）": parts.signature is None,
        f"成文日期（date，暂填 {year}-01-01，已列入 unconfirmed）": date is None,
    }
    notes.extend(
        Note("", "", f"原文没有{what}，请填写", False) for what, lacks in missing.items() if lacks
    )
    data = {
        "id": f"plan-{year}",
        "title": title,
        "year": year,
        "activity": activity.group(1).removesuffix("工作") if activity else title,
        "issuer": parts.signature.text if parts.signature else PLACEHOLDER,
        "date": date or dt.date(year, 1, 1),
        "addressee": addressee,
        "preamble": preamble,
        "sections": sections,
        "phases": [{k: v for k, v in p.items() if v is not None} for p in phases],
        "notice": _notice_data(parts.notice, title, data_issuer(parts), date),
        "unconfirmed": ["date"] if date is None else [],
    }
    return {k: v for k, v in data.items() if v not in ("", [], None)}


def data_issuer(parts: _Parts) -> str:
    return parts.signature.text if parts.signature else PLACEHOLDER


def _notice_data(
    found: dict[str, Any], title: str, issuer: str, date: dt.date | None
) -> dict[str, Any] | None:
    """plan.yaml's notice: what the envelope says; its defaults left out; what a notice
    must have and the source lacks is 待填写 (so it cannot be issued unfinished)."""
    if not found:
        return None
    year = (found.get("date") or date or dt.date.today()).year
    notice = {
        "authority": found.get("authority", PLACEHOLDER),
        "number": found.get("number", f"{PLACEHOLDER}〔{year}〕1号"),
        "addressee": found.get("addressee", PLACEHOLDER),
        "printer": found.get("printer", PLACEHOLDER),
        **{k: v for k, v in found.items() if k in ("body", "copy_to", "print_date")},
    }
    if found.get("title") not in (None, f"关于印发《{title}》的通知"):
        notice["title"] = found["title"]
    if found.get("issuer") not in (None, issuer):
        notice["issuer"] = found["issuer"]
    if found.get("date") not in (None, date):
        notice["date"] = found["date"]
    if notice.get("print_date") in (None, notice.get("date") or date):
        notice.pop("print_date", None)
    return {k: v for k, v in notice.items() if v not in ("", [], None)}


def _is_addressee(text: str) -> bool:
    """各科室、各单位： -- a line of names ending in a colon, before the body."""
    if not text.endswith("：") or len(text) > _SIGNATURE_MAX:
        return False
    names, _ = split_names(text.rstrip("："))
    ends = ("局", "委", "办", "科室", "单位", "部门", "政府", "中队", "学校")
    return all(is_group(n) or n.endswith(ends) for n in names)


class _Where:
    """Locates a problem of imported data at its field, in the file it will be written to."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def problem(self, path: PathKey, message: str, hint: str = "") -> Problem:
        return Problem(self.path, "", format_path(path), message, hint)


def _validate(
    imported: Imported,
    plan_data: dict[str, Any],
    org_data: dict[str, Any],
    ledger_data: dict[str, Any],
) -> None:
    where = {name: _Where(imported.out / name) for name in FILES.values()}
    source = imported.source.path
    org = _model(Organisation, org_data, source, "units.yaml", imported.problems)
    text = _model(PlanText, plan_data, source, "plan.yaml", imported.problems)
    ledger = _model(Ledger, ledger_data, source, "ledger.yaml", imported.problems)
    imported.text, imported.organisation, imported.ledger = text, org, ledger
    if org is not None:
        imported.problems.extend(check_organisation(org, where["units.yaml"]))
    if text is not None:
        imported.problems.extend(check_plan_text(text, org, where["plan.yaml"]))
    if ledger is not None:
        imported.problems.extend(check_ledger(ledger, text, org, where["ledger.yaml"]))  # type: ignore[arg-type]


_WHY = {
    "missing": "原文中没有找到",
    "too_short": "原文中没有找到任何一项",
    "string_too_short": "原文此处是空的",
    "string_pattern_mismatch": "原文的写法无法用作此项",
}


def _model(
    model: type[BaseModel], data: dict[str, Any], source: Path, name: str, problems: list[Problem]
) -> Any:
    """The model of imported data; where the data cannot make one, a problem in Chinese
    naming the source file (the data file is not written) and the field."""
    try:
        return model.model_validate(data)
    except ValidationError as error:
        for e in error.errors():
            field = format_path(tuple(e["loc"]))
            why = _WHY.get(e["type"], "原文此处的内容无法导入")
            shown = f"（读到「{e['input']}」）" if isinstance(e.get("input"), str) else ""
            problems.append(
                Problem(
                    source,
                    "",
                    f"{name} {field}",
                    f"导入时无法生成 {name} 的「{field}」：{why}{shown}",
                    "请在原文中补上这部分内容后重新导入，或导入后在生成的文件中手工填写",
                )
            )
        return None


def import_report(imported: Imported) -> str:
    """The Chinese report of an import: counts, what was left out, guesses, what to fill in."""
    into = imported.out if is_workbook(imported.out) else f"{imported.out}/"
    lines = [f"从 {imported.source.path.name} 导入方案数据到 {into}"]
    if imported.text and imported.ledger and imported.organisation:
        tasks = _count_tasks(imported.text.sections)
        org = imported.organisation
        lines.append(
            f"  标题：{imported.text.title}；{len(imported.text.sections)} 个部分，{tasks} 项任务，"
            f"{len(imported.text.phases)} 个阶段，{len(imported.ledger.targets)} 条台账目标，"
            f"{len(org.units)} 个单位，{len(org.groups)} 个分组。"
        )
    notes = sorted(imported.notes, key=_in_source_order)
    left_out = [n for n in notes if n.left_out]
    guessed = [n for n in notes if not n.left_out]
    if left_out:
        lines.append(f"未导入的内容（{len(left_out)} 处；请核对，需要的请手工补入）：")
        lines.extend(_note_lines(n) for n in left_out)
    if guessed:
        lines.append(f"已导入、但请核对的推断（{len(guessed)} 处）：")
        lines.extend(_note_lines(n) for n in guessed)
    roster = imported.organisation
    empty = [g.name for g in roster.groups if not g.members] if roster else []
    if empty:
        lines.append(f"分组（{'、'.join(empty)}）的成员原方案未列出：{GROUP_NOTE}。")
    if imported.problems:
        lines.append(f"尚待补充（{len(imported.problems)} 处；补齐后 plandocs check 才能通过）：")
        lines.extend(
            f"  {p.file.name}{':' + p.place if p.place else ''} [{p.field}]：{p.message}"
            + (f"（{p.hint}）" if p.hint else "")
            for p in imported.problems
        )
    return "\n".join(lines)


def _count_tasks(items: list[Item]) -> int:
    return sum(item.is_task + _count_tasks(item.items) for item in items)


def _in_source_order(note: Note) -> tuple[int, ...]:
    """第12行 before 第98行 before 表格1第3行; notes about the whole plan last."""
    numbers = [int(n) for n in re.findall(r"\d+", note.place)]
    return (1, *numbers) if note.place.startswith("表格") else (0, *numbers) if numbers else (2,)


def _note_lines(note: Note) -> str:
    shown = note.text if len(note.text) <= _SHOWN else note.text[:_SHOWN] + "……"
    where = f"{note.place}：" if note.place else ""
    head = f"  {where}{shown}" if shown else f"  {where}".rstrip("：")
    return f"{head}\n      {note.reason}" if head.strip() else f"  {note.reason}"
