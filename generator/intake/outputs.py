"""What a collect run writes besides the documents: originals, marked-up copies, the record's
JSON view and the report (报送情况.txt).

Outputs go to ``<out>/台账汇总/``:

* ``进度记录.json`` -- the machine-readable view of the record (accepted submissions per
  unit, superseded ones, rejections);
* ``报送情况.txt`` -- who reported, who was accepted, who must correct what, who has not;
* ``原件/`` -- a byte-for-byte copy of every returned file, so nothing a unit sent is lost;
* ``退回/`` -- an annotated copy of each rejected workbook to send back.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterator
from pathlib import PurePath

from generator.documents.document import CollectInputs, Document, NominationInputs
from generator.intake.collect import CollectResult, ReturnCheck, expected_units
from generator.intake.record import VIEW_DIGEST
from generator.model.resolved import Plan
from generator.render.xlsx_annotate import AnnotateError, CellNote, annotate_workbook
from generator.write.names import safe_filename
from generator.write.text import report_bytes

RECORD_VIEW = PurePath("进度记录.json")
REPORT = PurePath("报送情况.txt")


def taken_in(plan: Plan, result: CollectResult) -> CollectInputs:
    """The collect flow's inputs once the run's intake is settled in the store.

    The marked-up copies are noted against their rejections, and the record re-read, so
    the documents show what the store now holds.
    """
    for check in result.checks:
        copy = None if check.accepted else annotated(plan, check, "台账")
        if copy is not None:
            path = (PurePath("台账汇总", "退回") / copy.name).as_posix()
            result.store.note_annotated(check.file.sha256, plan.version, path)
    result.record = result.store.record(plan.text.id, plan.version, lazy=True)
    digest = hashlib.sha256()
    for piece in _record_pieces(result):  # the view is made again when written, not kept
        digest.update(piece)
    result.store.set_meta(VIEW_DIGEST, digest.hexdigest())
    return CollectInputs(plan, result.record, result.missing, result)


def originals(inputs: CollectInputs) -> Iterator[Document]:
    yield from (original(check) for check in _taken(inputs).checks)


def returned(inputs: CollectInputs) -> Iterator[Document]:
    for check in _taken(inputs).checks:
        copy = None if check.accepted else annotated(inputs.plan, check, "台账")
        if copy is not None:
            yield copy


def record_view(inputs: CollectInputs) -> Iterator[Document]:
    """进度记录.json; its digest is kept so a hand edit is noticed next time."""
    taken = _taken(inputs)
    yield Document(RECORD_VIEW, "进度记录", make=lambda: record_bytes(taken))


def record_bytes(result: CollectResult) -> bytes:
    """The record as JSON (``json.dumps(…, indent=1, sort_keys=True)`` and a newline)."""
    out = io.BytesIO()
    for piece in _record_pieces(result):
        out.write(piece)
    return out.getvalue()


def _record_pieces(result: CollectResult) -> Iterator[bytes]:
    """The record's JSON a submission at a time: ten thousand units' never whole in memory."""
    for text in result.record.json_text():
        yield text.encode("utf-8")
    yield b"\n"


def report(inputs: CollectInputs) -> Iterator[Document]:
    text, _ = collect_report(inputs.plan, _taken(inputs))
    yield Document(REPORT, "报送情况", report_bytes(text))


def _taken(inputs: CollectInputs) -> CollectResult:
    assert isinstance(inputs.taken, CollectResult), "the collect flow's inputs come from taken_in"
    return inputs.taken


def original(check: ReturnCheck) -> Document:
    """A byte-for-byte copy of a returned file, named by its hash: nothing a unit sent is lost."""
    name = safe_filename(f"{check.file.sha256[:12]}-{check.file.path.name}")
    return Document(PurePath(name), f"原件 {check.file.path.name}", make=check.file.content)


def annotated(plan: Plan, check: ReturnCheck, noun: str) -> Document | None:
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
    return Document(
        PurePath(name),
        f"退回 {check.unit.name}",
        make=lambda: _annotated(file.content(), notes, title),
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
    expected = expected_units(plan)
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


def nomination_originals(inputs: NominationInputs) -> Iterator[Document]:
    yield from (original(item.check) for item in inputs.returns)


def nomination_returned(inputs: NominationInputs) -> Iterator[Document]:
    for item in sorted(inputs.returns, key=lambda r: (r.check.stamp, r.check.file.sha256)):
        copy = None if item.check.accepted else annotated(inputs.plan, item.check, "推荐表格")
        if copy is not None:
            yield copy
