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

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path, PurePath

from generator.documents.consolidated_ledger import consolidated_spec
from generator.documents.ledger_workbook import TEMPLATE as LEDGER_TEMPLATE
from generator.intake.collect import CollectResult, ReturnCheck
from generator.intake.collect import problem_line as problem_line  # shared with phase3
from generator.model.progress import ProgressRecord
from generator.model.resolved import Plan
from generator.pipeline.jobs import Job
from generator.render.templates import TemplateSet
from generator.render.xlsx_annotate import AnnotateError, CellNote, annotate_workbook
from generator.write.atomic import LEFTOVERS, write_bytes_atomic
from generator.write.names import safe_filename
from generator.write.store import RecordStore, read_json_record
from generator.write.text import report_bytes

FOLDER = PurePath("台账汇总")
RECORD = FOLDER / "进度记录.json"
CONSOLIDATED = FOLDER / "台账汇总.xlsx"
REPORT = FOLDER / "报送情况.txt"
ORIGINALS = FOLDER / "原件"
RETURNED = FOLDER / "退回"


def load_record(out: Path) -> ProgressRecord | None:
    """The record collect left in ``out``: from its database, or an earlier version's JSON.

    Raises :class:`generator.write.store.StoreError` (Chinese, located) when either is damaged.
    """
    store = RecordStore.reader(out)
    if store is not None:
        try:
            return store.record()
        finally:
            store.close()
    path = out / RECORD
    if not path.exists():
        return None
    return read_json_record(path)


VIEW_DIGEST = "record_view_sha256"  # what the last collect wrote as 进度记录.json


def keep_hand_edits(out: Path, store: RecordStore) -> str | None:
    """A 进度记录.json changed since collect wrote it is copied aside before it is rewritten.

    The record is the database; the JSON is a view, but an edit someone made in it is not
    silently lost. Returns the Chinese notice, or None.
    """
    path = out / RECORD
    written = store.meta(VIEW_DIGEST)
    if written is None or not path.is_file():
        return None
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if digest == written:
        return None
    kept = out / LEFTOVERS / f"进度记录（手工修改）-{digest[:12]}.json"
    write_bytes_atomic(kept, data)
    return (
        f"{path} 在上次回收后被手工修改过；进度记录以数据库为准，该文件已按数据库重新写出，"
        f"修改过的文件保存为 {kept}（如有需要核对的内容，请据此联系报送单位）"
    )


@dataclass
class CollectOutputs:
    jobs: list[Job]
    report: str
    outstanding: int  # rejected returns not yet replaced by an accepted one


def collect_outputs(plan: Plan, result: CollectResult, templates: TemplateSet) -> CollectOutputs:
    jobs = [original_job(check, ORIGINALS) for check in result.checks]
    for check in result.checks:
        if check.accepted:
            continue
        annotated = annotated_job(plan, check, RETURNED, "台账")
        if annotated:
            jobs.append(annotated)
            path = annotated.path.as_posix()
            result.store.note_annotated(check.file.sha256, plan.version, path)
    result.record = result.store.record(plan.text.id, plan.version)
    record_text = json.dumps(result.record.to_json(), ensure_ascii=False, indent=1, sort_keys=True)
    record_bytes = (record_text + "\n").encode("utf-8")
    result.store.set_meta(VIEW_DIGEST, hashlib.sha256(record_bytes).hexdigest())
    jobs.append(Job(RECORD, "进度记录", lambda: record_bytes))
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
    return Job(folder / name, f"原件 {check.file.path.name}", check.file.content)


def annotated_job(plan: Plan, check: ReturnCheck, folder: PurePath, noun: str) -> Job | None:
    """An annotated copy for the unit, when the file opened and belongs to a unit."""
    if check.unit is None:
        return None
    notes = [_note(problem.place, problem.message, problem.hint) for problem in check.errors]
    title = f"{check.unit.name}：{noun}退回修改说明（{plan.text.title}）"
    file = check.file
    # Named after the file's place in the returns folder: two 台账.xlsx in two subfolders
    # get a copy each.
    source = PurePath(check.file.source or check.file.path.name)
    where = "-".join((*source.parent.parts, source.stem))
    name = safe_filename(f"{check.unit.name}-{where}（退回修改）", ".xlsx")
    return Job(
        folder / name, f"退回 {check.unit.name}", lambda: _annotated(file.content(), notes, title)
    )


def _annotated(data: bytes, notes: list[CellNote], title: str) -> bytes:
    """The marked-up copy; a file too strange to mark up goes back as it came."""
    try:
        return annotate_workbook(data, notes, title)
    except AnnotateError:
        return data


def _note(place: str, message: str, hint: str) -> CellNote:
    sheet, _, cell = place.partition("!")
    return CellNote(sheet or "台账", cell or None, message, hint)


def collect_report(plan: Plan, result: CollectResult) -> tuple[str, int]:
    """The Chinese report of a collect run, and how many rejections are still outstanding.

    Rejections come from the record, so one returned in an earlier run (or from another
    folder) stays listed until the unit's corrected ledger is accepted.
    """
    record = result.record
    expected = [u for u in plan.organisation.units if plan.duties(u)]
    lines = [f"台账回收情况：《{plan.text.title}》（方案版本 {plan.version}）"]
    this_run = {check.file.sha256 for check in result.checks}
    outstanding = [r for r in record.rejected if r.outstanding]
    shown = [r for r in record.rejected if r.outstanding or r.sha256 in this_run]
    lines.append(
        f"应报单位 {len(expected)} 个；已通过 {len(record.accepted)} 个；"
        f"退回待改正 {len(outstanding)} 份；未报 {len(result.missing)} 个。"
    )
    lines.append("")
    lines.append("一、已通过")
    for unit in expected:
        submission = record.accepted.get(unit.id)
        if submission:
            lines.append(f"  {unit.name}：{submission.file_name}（保存于 {submission.stamp}）")
    lines.append("")
    lines.append("二、退回修改")
    for rejection in shown:
        sender = plan.units.get(rejection.unit_id)
        who = sender.name if sender else "无法识别单位"
        state = "待改正" if rejection.outstanding else "该单位已另报改正后的台账，已通过"
        earlier = "" if rejection.sha256 in this_run else "，以前回收时退回"
        lines.append(
            f"  {who}：{rejection.source or rejection.file_name}，"
            f"{len(rejection.problems)} 个问题（{state}{earlier}）"
        )
        lines.extend(f"    - {line}" for line in rejection.problems)
    if not shown:
        lines.append("  无")
    lines.append("")
    lines.append("三、未报送")
    lines.append("  " + ("、".join(u.name for u in result.missing) or "无"))
    extra = [*(f"  请核对：{doubt}" for doubt in record.doubts), *_notices(result)]
    if extra:
        lines += ["", "四、提示", *extra]
    return "\n".join(lines) + "\n", len(outstanding)


def _notices(result: CollectResult) -> list[str]:
    lines = [
        f"  已忽略 {f.path.name}（Excel/WPS/LibreOffice 打开文件时产生的临时锁定文件）"
        for f in result.ignored
    ]
    for older in result.superseded_now:
        lines.append(
            f"  {older.file_name}（保存于 {older.stamp}）已被该单位后来收到的报送取代；"
            f"原内容保留在 进度记录.json 的 superseded 和 原件/ 中"
        )
    for check in result.checks:
        if check.accepted:
            lines.extend(f"  {check.file.path.name} {p.place}：{p.message}" for p in check.notices)
    return lines
