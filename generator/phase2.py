"""Phase 2 (集中提升行动阶段): collect the returned ledgers into one progress record.

Outputs go to ``<out>/台账汇总/``:

* ``进度记录.json`` -- the machine-readable record later steps read (accepted
  submissions per unit, superseded ones, rejections);
* ``台账汇总.xlsx`` -- the consolidated ledger;
* ``报送情况.txt`` -- who reported, who was accepted, who must correct what, who has not;
* ``原件/`` -- a byte-for-byte copy of every returned file, so nothing a unit sent is lost;
* ``退回/`` -- an annotated copy of each rejected workbook to send back.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path, PurePath

from generator.build.consolidated_ledger import consolidated_spec
from generator.build.ledger_workbook import TEMPLATE as LEDGER_TEMPLATE
from generator.collect import CollectResult, ReturnCheck
from generator.model.progress import ProgressRecord, Rejection
from generator.model.resolved import Plan
from generator.phase1 import Job
from generator.render.templates import TemplateSet
from generator.render.xlsx_annotate import AnnotateError, CellNote, annotate_workbook
from generator.write.names import safe_filename
from generator.write.text import report_bytes

FOLDER = PurePath("台账汇总")
RECORD = FOLDER / "进度记录.json"
CONSOLIDATED = FOLDER / "台账汇总.xlsx"
REPORT = FOLDER / "报送情况.txt"
ORIGINALS = FOLDER / "原件"
RETURNED = FOLDER / "退回"


def load_record(out: Path) -> ProgressRecord | None:
    path = out / RECORD
    if not path.is_file():
        return None
    return ProgressRecord.from_json(json.loads(path.read_text(encoding="utf-8")))


@dataclass
class CollectOutputs:
    jobs: list[Job]
    report: str
    outstanding: int  # rejected returns not yet replaced by an accepted one


def collect_outputs(plan: Plan, result: CollectResult, templates: TemplateSet) -> CollectOutputs:
    jobs = [original_job(check, ORIGINALS) for check in result.checks]
    rejections = []
    for check in result.checks:
        if check.accepted:
            continue
        annotated = annotated_job(plan, check, RETURNED, "台账")
        if annotated:
            jobs.append(annotated)
        rejections.append(_rejection(check, annotated.path.as_posix() if annotated else ""))
    result.record.rejected = rejections
    record_bytes = json.dumps(result.record.to_json(), ensure_ascii=False, indent=1, sort_keys=True)
    jobs.append(Job(RECORD, "进度记录", lambda: (record_bytes + "\n").encode("utf-8")))
    jobs.append(
        Job(
            CONSOLIDATED,
            "台账汇总",
            lambda: templates.xlsx(LEDGER_TEMPLATE).render(consolidated_spec(plan, result.record)),
        )
    )
    report, outstanding = collect_report(plan, result)
    jobs.append(Job(REPORT, "报送情况", lambda: report_bytes(report)))
    return CollectOutputs(jobs, report, outstanding)


def original_job(check: ReturnCheck, folder: PurePath) -> Job:
    """A byte-for-byte copy of a returned file, named by its hash: nothing a unit sent is lost."""
    name = safe_filename(f"{check.file.sha256[:12]}-{check.file.path.name}")
    data = check.file.data
    return Job(folder / name, f"原件 {check.file.path.name}", lambda: data)


def annotated_job(plan: Plan, check: ReturnCheck, folder: PurePath, noun: str) -> Job | None:
    """An annotated copy for the unit, when the file opened and belongs to a unit."""
    if check.unit is None:
        return None
    notes = [_note(problem.place, problem.message, problem.hint) for problem in check.errors]
    title = f"{check.unit.name}：{noun}退回修改说明（{plan.text.title}）"
    data = check.file.data
    name = safe_filename(f"{check.unit.name}-{check.file.path.stem}（退回修改）", ".xlsx")
    return Job(folder / name, f"退回 {check.unit.name}", lambda: _annotated(data, notes, title))


def _annotated(data: bytes, notes: list[CellNote], title: str) -> bytes:
    """The marked-up copy; a file too strange to mark up goes back as it came."""
    try:
        return annotate_workbook(data, notes, title)
    except AnnotateError:
        return data


def _note(place: str, message: str, hint: str) -> CellNote:
    sheet, _, cell = place.partition("!")
    return CellNote(sheet or "台账", cell or None, message, hint)


def _rejection(check: ReturnCheck, annotated: str) -> Rejection:
    return Rejection(
        check.file.path.name,
        check.file.sha256,
        check.unit.id if check.unit else "",
        check.stamp,
        [problem_line(p.place, p.message, p.hint) for p in check.errors],
        annotated,
    )


def problem_line(place: str, message: str, hint: str) -> str:
    where = f"{place}：" if place else ""
    return f"{where}{message}（{hint}）" if hint else f"{where}{message}"


def collect_report(plan: Plan, result: CollectResult) -> tuple[str, int]:
    """The Chinese report of a collect run, and how many rejections are still outstanding."""
    record = result.record
    expected = [u for u in plan.organisation.units if plan.duties(u)]
    lines = [f"台账回收情况：《{plan.text.title}》（方案版本 {plan.version}）"]
    outstanding = 0
    for check in result.checks:
        if not check.accepted and _outstanding(check, record):
            outstanding += 1
    lines.append(
        f"应报单位 {len(expected)} 个；已通过 {len(record.accepted)} 个；"
        f"退回待改正 {outstanding} 份；未报 {len(result.missing)} 个。"
    )
    lines.append("")
    lines.append("一、已通过")
    for unit in expected:
        submission = record.accepted.get(unit.id)
        if submission:
            lines.append(f"  {unit.name}：{submission.file_name}（保存于 {submission.stamp}）")
    lines.append("")
    lines.append("二、退回修改")
    rejected = [c for c in result.checks if not c.accepted]
    for check in rejected:
        who = check.unit.name if check.unit else "无法识别单位"
        state = "待改正" if _outstanding(check, record) else "该单位已另报改正后的台账，已通过"
        lines.append(f"  {who}：{check.file.path.name}，{len(check.errors)} 个问题（{state}）")
        lines.extend(f"    - {problem_line(p.place, p.message, p.hint)}" for p in check.errors)
    if not rejected:
        lines.append("  无")
    lines.append("")
    lines.append("三、未报送")
    lines.append("  " + ("、".join(u.name for u in result.missing) or "无"))
    extra = _notices(result)
    if extra:
        lines += ["", "四、提示", *extra]
    return "\n".join(lines) + "\n", outstanding


def _outstanding(check: ReturnCheck, record: ProgressRecord) -> bool:
    if check.unit is None:
        return True
    accepted = record.accepted.get(check.unit.id)
    return accepted is None or accepted.stamp <= check.stamp


def _notices(result: CollectResult) -> list[str]:
    lines = [
        f"  已忽略 {f.path.name}（Excel/WPS 打开文件时产生的临时锁定文件）" for f in result.ignored
    ]
    for older in result.superseded_now:
        lines.append(
            f"  {older.file_name}（保存于 {older.stamp}）已被该单位更新的报送取代；"
            f"原内容保留在 进度记录.json 的 superseded 和 原件/ 中"
        )
    for check in result.checks:
        if check.accepted:
            lines.extend(f"  {check.file.path.name} {p.place}：{p.message}" for p in check.notices)
    return lines
