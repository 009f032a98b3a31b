"""Placeholders block issuing (issue 17): check and every generating command stop at
each kind, with its place; an unfinished import still converts to a workbook."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from tests.helpers import FIXTURES, copy_example, edit, invoke

GENERATING = (["check"], ["plan"], ["summary", "--phase", "1"], ["nominate", "--forms"])


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return copy_example(tmp_path)


def _at(output: str, path: Path, line: int, *words: str) -> bool:
    """Some problem is reported at ``path:line`` with every word."""
    blocks = output.split(f"{path}:")[1:]
    return any(
        b.startswith(f"{line}:") and all(w in b.split("\n/")[0] for w in words) for b in blocks
    )


@pytest.mark.parametrize(
    ("file", "old", "new", "shown"),
    [
        ("plan.yaml", "issuer: 孟州市园林处", "issuer: 待填写", "「待填写」"),
        ("plan.yaml", "activity: 文明服务活动", "activity: ××活动", "「××活动」"),
        (
            "ledger.yaml",
            "title: 焦作市园林局文明服务创建工作台账",
            "title: YYYY年工作台账",
            "「YYYY年工作台账」",
        ),
        (
            "ledger.yaml",
            "reported: 全年举办核心价值观讲座、道德讲堂次数",
            "reported: 待填写：各单位填报的数是什么",
            "「待填写：各单位填报的数是什么」",
        ),
    ],
    ids=["待填写", "××", "YYYY", "reported"],
)
def test_a_placeholder_text_stops_every_command_at_its_line(
    data: Path, tmp_path: Path, file: str, old: str, new: str, shown: str
) -> None:
    line = edit(data / file, old, new)
    for command in GENERATING:
        out = tmp_path / "out"
        code, output = invoke(*command, "--data", str(data), *_out(command, out))
        assert code == 2, (command, output)
        assert _at(output, data / file, line, "尚未填写", shown), (command, output)
        assert not out.exists(), command  # nothing with a placeholder is written


def _out(command: list[str], out: Path) -> list[str]:
    return [] if command == ["check"] else ["--out", str(out)]


def test_an_unconfirmed_guess_stops_check_until_it_is_deleted(data: Path) -> None:
    line = edit(data / "plan.yaml", "example: true\n", "example: true\nunconfirmed: [year, date]\n")
    code, output = invoke("check", "--data", str(data))
    assert code == 2
    assert _at(output, data / "plan.yaml", line + 1, "year（现为 2016）是导入时推断的")
    assert "date（现为 2016-06-07）是导入时推断的" in output
    assert "从 unconfirmed 中删去" in output
    edit(data / "plan.yaml", "unconfirmed: [year, date]\n", "")
    assert invoke("check", "--data", str(data))[0] == 0


def test_illustrative_units_need_the_plan_to_say_it_is_an_example(data: Path) -> None:
    edit(data / "plan.yaml", "example: true\n", "")
    code, output = invoke("check", "--data", str(data))
    assert code == 2
    text = (data / "units.yaml").read_text(encoding="utf-8").split("\n")
    marked = [n for n, line in enumerate(text, 1) if "illustrative: true" in line.split("#")[0]]
    assert output.count("是示例单位（illustrative）") == len(marked) == 16, output
    first = marked[0]
    assert f"{data / 'units.yaml'}:{first}:" in output
    assert "example: true" in output  # how an example plan says so


def test_the_workbook_names_the_cell_of_a_placeholder(data: Path, tmp_path: Path) -> None:
    workbook = tmp_path / "wb" / "plan.xlsx"
    assert invoke("convert", str(data), str(workbook))[0] == 0
    book = openpyxl.load_workbook(workbook)
    sheet = book["方案"]
    row = next(r for r in sheet.iter_rows() if r[0].value == "署名")
    row[1].value = "待填写"
    book.save(workbook)
    code, output = invoke("check", "--data", str(workbook))
    assert code == 2 and f"{workbook}:方案!B{row[1].row}" in output, output


def test_an_unfinished_import_converts_to_a_workbook_finished_in_excel(tmp_path: Path) -> None:
    data = tmp_path / "imported"
    plan = FIXTURES / "plans" / "p11_no_units.txt"
    assert invoke("import", str(plan), "--out", str(data))[0] == 0
    assert invoke("check", "--data", str(data))[0] == 2  # 待填写 units
    workbook = tmp_path / "excel" / "plan.xlsx"
    code, output = invoke("convert", str(data), str(workbook))
    assert code == 0, output
    # Finished in Excel: the units named, the tasks assigned, what units report.
    book = openpyxl.load_workbook(workbook)
    for row in book["单位"].iter_rows(min_row=2):
        if row[1].value == "待填写":
            row[1].value = "清源镇城建办"
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.value == "待填写":
                    cell.value = "清源镇城建办"
                elif isinstance(cell.value, str) and cell.value.startswith("待填写："):
                    cell.value = "完成数"
    book.save(workbook)
    code, output = invoke("check", "--data", str(workbook))
    assert code == 0, output


def test_import_straight_to_a_workbook(tmp_path: Path) -> None:
    workbook = tmp_path / "方案" / "plan.xlsx"
    code, output = invoke(
        "import", str(FIXTURES / "plans" / "p09_roster.txt"), "--out", str(workbook)
    )
    assert code == 0, output
    assert workbook.is_file() and (workbook.parent / "导入说明.txt").is_file()
    assert sorted(p.name for p in workbook.parent.iterdir()) == ["plan.xlsx", "导入说明.txt"]
    report = (workbook.parent / "导入说明.txt").read_text(encoding="utf-8")
    # What is still to fill in is named at its cell of the workbook.
    assert "plan.xlsx:分组!C3" in report and "写明 3 个成员" in report
    assert "plan.xlsx:量化指标!D2" in report
    groups = openpyxl.load_workbook(workbook)["分组"]
    assert [c.value for c in groups[3]][:2] == ["g02", "第二组"]


def test_import_errors_are_chinese_and_name_the_source(tmp_path: Path) -> None:
    source = tmp_path / "通知.txt"
    source.write_text("关于做好某项工作的通知\n各单位：\n请认真做好工作。\n", encoding="utf-8")
    code, output = invoke("import", str(source), "--out", str(tmp_path / "out"))
    assert code == 2
    assert str(source) in output and "无法识别方案结构" in output
    assert not any(word in output for word in ("List should", "validation", "Field required"))
    assert not (tmp_path / "out").exists()
