"""Read returned nomination workbooks (回收推荐表格) with the care given to ledgers.

Each file is identified by the identity written when it was issued; every
filled row becomes a :class:`Nominee`, validated field by field, and a problem
names the sheet and cell. Files are never modified; the rejected ones get an
annotated copy like rejected ledgers. As a ledger is, each file is read as its cells
(``read_return``: openpyxl only for what that reader does not reproduce) and its bytes
let go once checked (read again, and compared, when it is copied).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from generator.documents.nomination_workbook import KIND, form_columns, nomination_form_spec
from generator.formats.identity import WorkbookIdentityError
from generator.intake.collect import ReturnCheck, open_and_match, problem_line
from generator.model.awards import CHOICES, Award, Nominee
from generator.model.nomination_rules import quota
from generator.model.plan import Unit
from generator.model.resolved import Plan
from generator.read.returns import OpenedReturn, list_returns, read_return
from generator.read.xlsx_cells import Book, Sheet, read_sheet_map

NOUN = "推荐表格"


@dataclass
class NominationReturn:
    check: ReturnCheck
    nominees: list[Nominee]


def read_nomination_returns(plan: Plan, folder: Path) -> list[NominationReturn]:
    results = []
    for file in list_returns(folder):
        if file.is_lock_file:
            continue
        check, opened = open_and_match(plan, file, KIND, NOUN, _form_version(plan), read_return)
        nominees = _nominees(plan, opened, check) if opened else []
        file.release()
        results.append(NominationReturn(check, nominees if check.accepted else []))
    return results


def _form_version(plan: Plan) -> Callable[[Unit], str]:
    return lambda unit: nomination_form_spec(plan, unit).identity["plan_version"]


def _nominees(plan: Plan, opened: OpenedReturn[Book], check: ReturnCheck) -> list[Nominee]:
    assert plan.awards is not None and check.unit is not None
    found = []
    for award in plan.awards.awards:
        if award.name not in opened.workbook.sheetnames:
            check.error("", f"找不到工作表「{award.name}」", "请不要删除或改名工作表")
            continue
        found += _sheet_nominees(plan, opened, award, check)
    if not found and check.accepted:
        check.error("", "推荐表格没有填写任何推荐对象", "请按推荐顺序逐行填写后再报送")
    return found


def _sheet_nominees(
    plan: Plan, opened: OpenedReturn[Book], award: Award, check: ReturnCheck
) -> list[Nominee]:
    ws = opened.workbook[award.name]
    try:
        layout = read_sheet_map(opened.workbook, award.name)
    except WorkbookIdentityError:
        check.error("_plandocs", f"{NOUN}标识被破坏", "请使用下发的原表重新填写")
        return []
    columns = {key: index for index, key in layout.columns.items()}
    expected = [c.key for c in form_columns(award)]
    rows = quota(award, check.unit) if check.unit else None
    if list(columns) != expected or (rows and len(layout.rows) != rows):
        check.error(
            "_plandocs", f"「{award.name}」表格结构与下发时不一致", "请使用下发的原表重新填写"
        )
        return []
    nominees = []
    for number, key in layout.rows.items():
        values = {k: _text(ws, number, c) for k, c in columns.items() if k != "seq"}
        if not any(values.values()):
            continue
        nominee = _validated(plan, award, key, values, ws, number, columns, check)
        if nominee:
            nominees.append(nominee)
    _check_extra_rows(ws, max(layout.rows), check, award)
    return nominees


def _text(ws: Sheet, row: int, column: int) -> str:
    value = ws.cell(row, column).value
    return "" if value is None else str(value).strip()


def _validated(
    plan: Plan,
    award: Award,
    key: str,
    values: dict[str, str],
    ws: Sheet,
    number: int,
    columns: dict[str, int],
    check: ReturnCheck,
) -> Nominee | None:
    assert check.unit is not None

    def place(field: str) -> str:
        return f"{ws.title}!{ws.cell(number, columns[field]).coordinate}"

    ok = True
    for field, choices in CHOICES.items():
        if field in values and values[field] and values[field] not in choices:
            check.error(
                place(field),
                f"「{values[field]}」不是可选值",
                f"请从下拉列表中选择：{'、'.join(choices)}",
            )
            ok = False
    data = {**values, "id": f"{check.unit.id}.{key}", "award": award.id, "unit": check.unit.id}
    try:
        nominee = Nominee.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors():
            field = str(error["loc"][0])
            where = place(field) if field in columns else ws.title
            check.error(
                where, f"{_label(award, field)}：{_message(error)}", "请补充或改正后重新报送"
            )
        return None
    return nominee if ok else None


def _label(award: Award, field: str) -> str:
    return next((c.title for c in form_columns(award) if c.key == field), field)


def _message(error: dict) -> str:  # type: ignore[type-arg]
    return "不能为空" if error["type"] in ("missing", "string_too_short") else error["msg"]


def _check_extra_rows(ws: Sheet, last: int, check: ReturnCheck, award: Award) -> None:
    below = [
        row for (row, _), cell in ws.cells.items() if row > last and cell.value not in (None, "")
    ]
    if below:
        check.error(
            f"{ws.title}!A{min(below)}",
            f"「{award.name}」表格下方多填了内容（超出下发的行数或名额）",
            "请只在下发的行内填写；名额已满的不要另加行",
        )


def merge_returns(
    plan: Plan, returns: list[NominationReturn]
) -> tuple[list[Nominee], list[str], int]:
    """The accepted nominees (newest file per unit wins), report lines, and how many
    returned forms were sent back."""
    rejected = 0
    newest: dict[str, NominationReturn] = {}
    lines = []
    for item in sorted(returns, key=lambda r: (r.check.stamp, r.check.file.sha256)):
        check = item.check
        if not check.accepted:
            rejected += 1
            who = check.unit.name if check.unit else "无法识别单位"
            lines.append(f"  退回 {who}：{check.file.path.name}，{len(check.errors)} 个问题")
            lines += [f"    - {problem_line(p.place, p.message, p.hint)}" for p in check.errors]
            continue
        assert check.unit is not None
        if check.unit.id in newest:
            older = newest[check.unit.id].check.file.path.name
            lines.append(f"  {older} 已被{check.unit.name}更新的推荐表格取代（原件保留）")
        newest[check.unit.id] = item
    order = {u.id: n for n, u in enumerate(plan.organisation.units)}
    nominees = [n for uid in sorted(newest, key=order.__getitem__) for n in newest[uid].nominees]
    return nominees, lines, rejected
