"""Plans kept in Excel (issue 8): plan.xlsx is read like the YAML, and converts both ways.

An Excel-authored plan and its YAML form must give byte-identical documents; every bad
cell is reported as ``sheet!cell`` with the YAML path's words, all in one run.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import shutil
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from openpyxl.cell.cell import Cell
from openpyxl.worksheet.worksheet import Worksheet

from generator.documents.plan_workbook import plan_workbook_bytes
from generator.model.plan import PlanText
from generator.model.plan_layout import BY_NAME, SHEETS, Sheet
from generator.pipeline.plan_files import starter_plan
from generator.read.plan_reader import read_plan
from generator.read.plan_workbook import split_refs
from tests.helpers import EXAMPLE, ROOT, invoke

EXAMPLES = sorted(p for p in (ROOT / "data").iterdir() if (p / "plan.yaml").is_file())
Edit = Callable[[openpyxl.Workbook], str]  # changes a workbook, returns the place it broke


@pytest.fixture(scope="module")
def example_bytes() -> bytes:
    plan = read_plan(EXAMPLE)
    return plan_workbook_bytes(plan.text, plan.organisation, plan.ledger)


def write_edited(data: bytes, path: Path, *edits: Callable[[openpyxl.Workbook], object]) -> Path:
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    for edit in edits:
        edit(workbook)
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return path


def column_of(sheet: Sheet, worksheet: Worksheet, header: str) -> int:
    assert sheet.name == worksheet.title
    return next(c.column for c in worksheet[1] if c.value == header)


def cell_at(workbook: openpyxl.Workbook, sheet_name: str, header: str, value: object) -> Cell:
    """The first cell under ``header`` whose value is ``value``."""
    worksheet = workbook[sheet_name]
    col = column_of(BY_NAME[sheet_name], worksheet, header)
    return next(
        row[0] for row in worksheet.iter_rows(min_col=col, max_col=col) if row[0].value == value
    )


def keyed_cell(workbook: openpyxl.Workbook, label: str) -> Cell:
    worksheet = workbook["方案"]
    row = next(c.row for c in worksheet["A"] if c.value == label)
    return worksheet.cell(row, 2)


def where(cell: Cell) -> str:
    return f"{cell.parent.title}!{cell.coordinate}"


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- conversion and identical documents ------------------------------------------------------


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_convert_to_xlsx_and_back_gives_the_same_plan(example: Path, tmp_path: Path) -> None:
    workbook = tmp_path / "excel" / "plan.xlsx"
    code, output = invoke("convert", str(example), str(workbook))
    assert code == 0, output
    code, output = invoke("convert", str(workbook), str(tmp_path / "yaml"))
    assert code == 0, output
    original = read_plan(example)
    for again in (read_plan(workbook), read_plan(tmp_path / "excel"), read_plan(tmp_path / "yaml")):
        assert again.text == original.text
        assert again.organisation == original.organisation
        assert again.ledger == original.ledger
        assert again.version == original.version  # awards.yaml went along


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_excel_and_yaml_plans_give_byte_identical_documents(example: Path, tmp_path: Path) -> None:
    workbook = tmp_path / "excel" / "plan.xlsx"
    assert invoke("convert", str(example), str(workbook))[0] == 0
    outputs = []
    for data, out in ((example, tmp_path / "from-yaml"), (workbook, tmp_path / "from-xlsx")):
        code, output = invoke("plan", "--data", str(data), "--out", str(out))
        assert code == 0, output
        outputs.append({p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()})
    yaml_files, xlsx_files = outputs
    assert any(p.suffix == ".docx" for p in yaml_files) and any(
        p.suffix == ".xlsx" for p in yaml_files
    )
    assert sorted(yaml_files) == sorted(xlsx_files)
    for name, data in yaml_files.items():
        assert xlsx_files[name] == data, f"{name} differs"


def test_the_workbook_is_written_the_same_every_time(example_bytes: bytes) -> None:
    plan = read_plan(EXAMPLE)
    assert plan_workbook_bytes(plan.text, plan.organisation, plan.ledger) == example_bytes


def test_workbook_has_every_sheet_frozen_headers_and_dropdowns(example_bytes: bytes) -> None:
    workbook = openpyxl.load_workbook(io.BytesIO(example_bytes))
    assert workbook.sheetnames == ["说明", *(sheet.name for sheet in SHEETS)]
    guide = "\n".join(str(c.value) for row in workbook["说明"].iter_rows() for c in row if c.value)
    for sheet in SHEETS:
        worksheet = workbook[sheet.name]
        assert worksheet.freeze_panes in ("A2", "B2")
        for column in sheet.columns:
            assert column.header in guide
        if sheet.keyed:
            continue
        assert [c.value for c in worksheet[1]] == [c.header for c in sheet.columns]
        lists = [v.formula1 for v in worksheet.data_validations.dataValidation if v.type == "list"]
        for column in sheet.columns:
            if column.choices:
                assert any(column.choices[0][1] in formula for formula in lists), column.header
    units = workbook["单位"]
    kinds = {units.cell(r, 3).value for r in range(2, units.max_row + 1)}
    assert kinds <= {"机关科室", "下属单位", "党组织"}  # labels, not office/unit/branch


# --- what Excel does to cells, undone ---------------------------------------------------------


def test_excel_cell_habits_read_as_meant(example_bytes: bytes, tmp_path: Path) -> None:
    plan = read_plan(EXAMPLE)
    first_phase = plan.text.phases[0]
    year, month = (int(part) for part in str(first_phase.start).split("-"))
    date = plan.text.date

    def habits(workbook: openpyxl.Workbook) -> None:
        # a date typed as text, a month Excel turned into a date
        keyed_cell(workbook, "成文日期").value = f"{date.year}/{date.month}/{date.day}"
        start = cell_at(workbook, "工作步骤", "开始", first_phase.start)
        start.value, start.number_format = dt.datetime(year, month, 1), "yyyy-mm"
        # a number typed as text, stray spaces, an empty row in the middle
        unit = plan.organisation.units[1]
        cell_at(workbook, "单位", "职工总数", unit.staff_count).value = f" {unit.staff_count} "
        name = cell_at(workbook, "单位", "名称", unit.name)
        name.value = f"  {unit.name}\u3000"
        workbook["单位"].insert_rows(name.row + 1)
        # a percentage Excel stores as a fraction
        measure = next(m for t in plan.ledger.targets for m in t.measures)
        value = cell_at(workbook, "量化指标", "指标编号", measure.id).offset(column=5)
        value.value, value.number_format = measure.value / 100, "0%"
        # a task merged down over the targets that share it
        targets = workbook["台账目标"]
        task_col = column_of(BY_NAME["台账目标"], targets, "所属任务")
        first = cell_at(workbook, "台账目标", "所属任务", plan.ledger.targets[0].task)
        same = [t for t in plan.ledger.targets if t.task == plan.ledger.targets[0].task]
        assert len(same) > 1
        for row in range(first.row + 1, first.row + len(same)):
            targets.cell(row, task_col).value = None
        targets.merge_cells(
            start_row=first.row,
            end_row=first.row + len(same) - 1,
            start_column=task_col,
            end_column=task_col,
        )

        # 1. (a numbering style) typed into a cell that is not text: Excel makes it 1
        cell_at(workbook, "正文", "下级编号样式", "1.").value = 1

    path = write_edited(example_bytes, tmp_path / "plan.xlsx", habits)
    again = read_plan(path)
    assert again.text == plan.text
    assert again.organisation == plan.organisation
    assert again.ledger == plan.ledger


def test_paragraphs_and_four_levels_round_trip(tmp_path: Path) -> None:
    text, organisation, ledger = starter_plan(2024)
    data = text.model_dump()
    data["preamble"] = ["第一段。", "第二段。"]
    data["sections"][0]["paragraphs"] = ["甲。", "乙。", "丙。"]
    deep = {"title": "第四级。", "paragraphs": ["其一。", "其二。"]}
    data["sections"][1]["items"][1]["items"] = [{"title": "第三级。", "items": [deep]}]
    data["phases"][0]["start"] = dt.date(2024, 4, 2)
    text = PlanText.model_validate(data)
    path = tmp_path / "plan.xlsx"
    path.write_bytes(plan_workbook_bytes(text, organisation, ledger))
    outline = openpyxl.load_workbook(path)["正文"]
    assert [c.value for c in outline["A"]][1:] == [1, None, None, 1, 2, 2, 3, 4, None, 1, 1]
    again = read_plan(path, unfinished=True)  # the starter's ××局 is still to be filled in
    assert again.text == text
    assert again.organisation == organisation and again.ledger == ledger


def test_references_keep_names_that_contain_a_separator() -> None:
    known = {"局属各总支、支部", "局办公室", "各县（市、区）文明办"}
    assert split_refs("局办公室、局属各总支、支部", known) == ["局办公室", "局属各总支、支部"]
    assert split_refs(" 各县（市、区）文明办 ，局办公室\n甲、乙", known) == [
        "各县（市、区）文明办",
        "局办公室",
        "甲",
        "乙",
    ]


# --- bad cells ---------------------------------------------------------------------------------


def _text_in_number_column(workbook: openpyxl.Workbook) -> tuple[str, str]:
    cell = cell_at(workbook, "单位", "职工总数", 86)
    cell.value = "八十六"
    return where(cell), "应为整数，实际是「八十六」"


def _unknown_unit(workbook: openpyxl.Workbook) -> tuple[str, str]:
    cell = cell_at(workbook, "正文", "责任单位", "各绿地监管单位")
    cell.value = "各绿地监管单位、局宣传科"
    return where(cell), "「局宣传科」不是已定义的单位或分组"


def _bad_id(workbook: openpyxl.Workbook) -> tuple[str, str]:
    cell = cell_at(workbook, "台账目标", "目标编号", "L02")
    cell.value = "L 02"
    return where(cell), "「L 02」格式不对"


def _duplicate_id(workbook: openpyxl.Workbook) -> tuple[str, str]:
    cell = cell_at(workbook, "台账目标", "目标编号", "L03")
    cell.value = "L01a"
    return where(cell), "编号「L01a」重复"


def _bad_date(workbook: openpyxl.Workbook) -> tuple[str, str]:
    cell = keyed_cell(workbook, "成文日期")
    cell.value = "2016-02-30"
    return where(cell), "日期「2016-02-30」不存在"


def _missing_sheet(workbook: openpyxl.Workbook) -> tuple[str, str]:
    del workbook["工作步骤"]
    return "", "缺少工作表「工作步骤」"


def _missing_column(workbook: openpyxl.Workbook) -> tuple[str, str]:
    worksheet = workbook["量化指标"]
    worksheet.delete_cols(column_of(BY_NAME["量化指标"], worksheet, "原文说法"))
    return "量化指标!A1", "缺少列「原文说法」"


def _id_made_a_number(workbook: openpyxl.Workbook) -> tuple[str, str]:
    cell = cell_at(workbook, "正文", "条目编号", "T1.1")
    cell.value = 1.1
    return where(cell), "编号「1.1」被 Excel 存成了数字"


def _missing_value(workbook: openpyxl.Workbook) -> tuple[str, str]:
    target = read_plan(EXAMPLE).ledger.targets[-1]
    cell = cell_at(workbook, "台账目标", "具体目标", target.text)
    cell.value = None
    return where(cell), "缺少必填字段「具体目标」"


def _level_skipped(workbook: openpyxl.Workbook) -> tuple[str, str]:
    cell = cell_at(workbook, "正文", "层级", 2)
    cell.value = 4
    return where(cell), "层级从 1 跳到 4"


def _unknown_choice(workbook: openpyxl.Workbook) -> tuple[str, str]:
    cell = cell_at(workbook, "单位", "类别", "党组织")
    cell.value = "支部"
    return where(cell), "「支部」不是允许的取值"


BAD_CELLS = {
    "text in a number column": _text_in_number_column,
    "unknown unit": _unknown_unit,
    "bad id": _bad_id,
    "duplicate id": _duplicate_id,
    "bad date": _bad_date,
    "missing sheet": _missing_sheet,
    "missing required column": _missing_column,
    "id Excel made a number": _id_made_a_number,
    "missing value": _missing_value,
    "outline level skipped": _level_skipped,
    "unknown choice": _unknown_choice,
}


def assert_reported(output: str, workbook: Path, place: str, fragment: str) -> None:
    head = f"{workbook}:{place}" if place else str(workbook)
    blocks = output.split("\n" + str(workbook))
    found = [
        b
        for b in (("\n" + str(workbook)) + b for b in blocks)
        if f"\n{head}" in b or b.startswith(head)
    ]
    assert any(fragment in block for block in found), f"no {fragment!r} at {head} in:\n{output}"


@pytest.mark.parametrize("case", BAD_CELLS, ids=str)
def test_bad_cell_is_located(case: str, example_bytes: bytes, tmp_path: Path) -> None:
    found: list[tuple[str, str]] = []
    path = write_edited(
        example_bytes, tmp_path / "plan.xlsx", lambda wb: found.append(BAD_CELLS[case](wb))
    )
    before = sha(path)
    code, output = invoke("check", "--data", str(path))
    assert code == 2, output
    assert_reported("\n" + output, path, *found[0])
    assert "修改方法" in output
    assert sha(path) == before


def test_every_bad_cell_in_one_run(example_bytes: bytes, tmp_path: Path) -> None:
    found: list[tuple[str, str]] = []
    # Without a whole sheet the plan cannot be cross-checked at all, so that case runs alone.
    cases = [edit for name, edit in BAD_CELLS.items() if name != "missing sheet"]
    edits = [lambda wb, edit=edit: found.append(edit(wb)) for edit in cases]
    path = write_edited(example_bytes, tmp_path / "plan.xlsx", *edits)
    before = sha(path)
    code, output = invoke("check", "--data", str(path))
    assert code == 2
    for place, fragment in found:
        assert_reported("\n" + output, path, place, fragment)
    assert sha(path) == before


def test_a_folder_with_both_forms_is_refused(example_bytes: bytes, tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(EXAMPLE, data)
    (data / "plan.xlsx").write_bytes(example_bytes)
    code, output = invoke("check", "--data", str(data))
    assert code == 2
    assert "同时有 plan.xlsx 和 plan.yaml" in output
    assert invoke("check", "--data", str(data / "plan.xlsx"))[0] == 0


def test_a_file_that_is_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "plan.xlsx"
    path.write_text("编号,名称\n", encoding="utf-8")
    code, output = invoke("check", "--data", str(path))
    assert code == 2
    assert str(path) in output and "不是 Excel" in output


# --- init and convert ------------------------------------------------------------------------


@pytest.mark.parametrize("form", [[], ["--xlsx"]], ids=["yaml", "xlsx"])
def test_init_writes_a_plan_that_passes_once_filled_in_and_never_overwrites(
    form: list[str], tmp_path: Path
) -> None:
    folder = tmp_path / "新方案"
    code, output = invoke("init", str(folder), *form)
    assert code == 0, output
    data = folder / "plan.xlsx" if form else folder
    code, output = invoke("check", "--data", str(data))
    # The starter's ××局 (title, issuer, ledger title) must be replaced before issuing.
    assert code == 2 and output.count("尚未填写") == 3, output
    places = ["方案!B3", "方案!B6", "方案!B11"] if form else ["plan.yaml:", "ledger.yaml:"]
    assert all(place in output for place in places), output
    _fill_in(folder, "××局", "青禾市园林局")
    code, output = invoke("check", "--data", str(data))
    assert code == 0, output
    before = {p.name: sha(p) for p in folder.iterdir()}
    for again in ([], ["--xlsx"]):
        code, output = invoke("init", str(folder), *again)
        assert code == 2 and "文件已存在" in output
    assert {p.name: sha(p) for p in folder.iterdir()} == before


def _fill_in(folder: Path, old: str, new: str) -> None:
    """Replace a placeholder as a user would: in the YAML files or the workbook's cells."""
    for path in folder.glob("*.yaml"):
        path.write_text(path.read_text(encoding="utf-8").replace(old, new), "utf-8")
    if (folder / "plan.xlsx").exists():
        workbook = openpyxl.load_workbook(folder / "plan.xlsx")
        for sheet in workbook.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    if isinstance(cell.value, str) and old in cell.value:
                        cell.value = cell.value.replace(old, new)
        workbook.save(folder / "plan.xlsx")


def test_init_xlsx_has_example_rows_on_every_sheet(tmp_path: Path) -> None:
    assert invoke("init", str(tmp_path), "--xlsx")[0] == 0
    workbook = openpyxl.load_workbook(tmp_path / "plan.xlsx")
    for sheet in SHEETS:
        assert workbook[sheet.name].max_row >= 2, sheet.name


def test_convert_checks_the_source_first(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(EXAMPLE, data)
    text = (data / "units.yaml").read_text(encoding="utf-8")
    (data / "units.yaml").write_text(
        text.replace("staff_count: 86", "staff_count: 八十六"), "utf-8"
    )
    code, output = invoke("convert", str(data), str(tmp_path / "out" / "plan.xlsx"))
    assert code == 2
    assert f"{data / 'units.yaml'}:" in output and "应为整数" in output
    assert not (tmp_path / "out").exists()


def test_convert_refuses_to_overwrite_unless_forced(tmp_path: Path) -> None:
    target = tmp_path / "plan.xlsx"
    target.write_bytes(b"keep me")
    code, output = invoke("convert", str(EXAMPLE), str(target))
    assert code == 2 and "文件已存在" in output and "--force" in output
    assert target.read_bytes() == b"keep me"
    code, output = invoke("convert", str(EXAMPLE), str(target), "--force")
    assert code == 0, output
    assert read_plan(target).ledger == read_plan(EXAMPLE).ledger
