"""`plandocs collect`: every bad-return case a test, and the good paths."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.documents.ledger_workbook import SHEET, unit_ledger_spec
from generator.formats.identity import read_sheet_map
from generator.intake.collect import check_return, collect
from generator.read.plan_reader import read_plan
from generator.read.returns import ReturnedFile
from generator.render.templates import TemplateSet
from generator.render.xlsx.values import workbook_bytes
from tests.conftest import convert_many
from tests.helpers import EXAMPLE, copy_example, edit

PLAN = read_plan(EXAMPLE)
STAMP = dt.datetime(2016, 11, 20, 10, 0)


def issued(unit_id: str) -> bytes:
    return TemplateSet().xlsx("ledger.xlsx").render(unit_ledger_spec(PLAN, PLAN.units[unit_id]))


def save(book: openpyxl.Workbook, stamp: dt.datetime = STAMP) -> bytes:
    book.properties.modified = stamp  # what the unit's Excel records on saving
    return workbook_bytes(book)


class Ledger:
    """A unit's issued ledger opened for editing, addressed by row key and column key."""

    def __init__(self, unit_id: str) -> None:
        self.book = openpyxl.load_workbook(io.BytesIO(issued(unit_id)))
        self.ws = self.book[SHEET]
        layout = read_sheet_map(self.book, SHEET)
        self.columns = {key: index for index, key in layout.columns.items()}
        self.rows = {key: row for row, key in layout.rows.items()}

    def cell(self, key: str, column: str):  # type: ignore[no-untyped-def]
        return self.ws.cell(self.rows[key], self.columns[column])

    def set(self, key: str, column: str, value: object) -> str:
        cell = self.cell(key, column)
        cell.value = value
        return f"{SHEET}!{cell.coordinate}"

    def fill_all(self) -> Ledger:
        for key in self.rows:
            self.set(key, "P1.status", "已完成")
            self.set(key, "P1.progress", "已组织学习，制定了措施")
            if "/" in key:
                self.set(key, "P1.figure", 3)
        return self

    def bytes(self, stamp: dt.datetime = STAMP) -> bytes:
        return save(self.book, stamp)


def check(data: bytes, name: str = "台账.xlsx"):  # type: ignore[no-untyped-def]
    return check_return(PLAN, ReturnedFile(Path(name), data))


def assert_error(result, place: str, *fragments: str) -> None:  # type: ignore[no-untyped-def]
    assert not result.accepted
    for problem in result.errors:
        if problem.place == place and all(f in problem.message + problem.hint for f in fragments):
            return
    raise AssertionError(f"no error at {place!r} with {fragments}: {result.errors}")


# --- the good path -----------------------------------------------------------------------


def test_a_properly_filled_ledger_is_accepted() -> None:
    ledger = Ledger("gyzz").fill_all()
    result = check(ledger.bytes())
    assert result.accepted, result.errors
    assert result.unit.id == "gyzz"
    assert result.rows["L08/volunteers"]["P1"].figure == 3
    assert result.rows["L09"]["P1"].status == "已完成"


def test_a_plain_return_is_read_without_openpyxl(monkeypatch: pytest.MonkeyPatch) -> None:
    """openpyxl's full load is several times slower; it is only for what our reader leaves."""

    def refuse(*_: object, **__: object) -> None:
        raise AssertionError("openpyxl.load_workbook called")

    data = Ledger("gyzz").fill_all().bytes()
    monkeypatch.setattr(openpyxl, "load_workbook", refuse)
    result = check(data)
    assert result.accepted, result.errors
    assert result.rows["L09"]["P1"].progress == "已组织学习，制定了措施"


# --- cell-level problems -----------------------------------------------------------------


def test_status_not_in_the_list() -> None:
    ledger = Ledger("fzk").fill_all()
    place = ledger.set("L06", "P1.status", "完成")
    assert_error(check(ledger.bytes()), place, "「完成」不是可选值", "已完成")


def test_done_without_a_word_on_what_was_done() -> None:
    ledger = Ledger("fzk").fill_all()
    place = ledger.set("L07", "P1.progress", None)
    assert_error(check(ledger.bytes()), place, "实施情况为空")


def test_quantitative_target_without_a_number() -> None:
    ledger = Ledger("gyzz").fill_all()
    place = ledger.set("L08/activities", "P1.figure", None)
    assert_error(check(ledger.bytes()), place, "未填写完成数", "次")


@pytest.mark.parametrize("typed", ["百分之三十", "六次", "约5", "4-5", "5人次"])
def test_figures_that_are_not_numbers_are_rejected(typed: str) -> None:
    ledger = Ledger("gyzz").fill_all()
    place = ledger.set("L08/activities", "P1.figure", typed)
    assert_error(check(ledger.bytes()), place, typed)


@pytest.mark.parametrize(("typed", "value"), [("4次", 4), ("４", 4), (" 7 ", 7), ("2.5", 2.5)])
def test_numbers_typed_as_text_are_read_with_a_notice(typed: str, value: float) -> None:
    ledger = Ledger("gyzz").fill_all()
    place = ledger.set("L08/activities", "P1.figure", typed)
    result = check(ledger.bytes())
    assert result.accepted, result.errors
    assert result.rows["L08/activities"]["P1"].figure == value
    assert [p.place for p in result.notices] == [place]
    assert "存成了文字" in result.notices[0].message


def test_formula_in_a_number_cell() -> None:
    ledger = Ledger("gyzz").fill_all()
    place = ledger.set("L08/activities", "P1.figure", "=SUM(1,2)")
    assert_error(check(ledger.bytes()), place, "公式")


def test_number_in_a_cell_that_needs_none() -> None:
    ledger = Ledger("gyzz").fill_all()
    place = ledger.set("L09", "P1.figure", 5)
    assert_error(check(ledger.bytes()), place, "不是量化目标")


def test_locked_target_text_changed() -> None:
    ledger = Ledger("fzk").fill_all()
    place = ledger.set("L06", "responsible", "局法制科")
    assert_error(
        check(ledger.bytes()), place, "锁定的内容被改动", "局法制科、局生产技术科、局绿化办"
    )


def test_nothing_filled_in() -> None:
    assert_error(check(save(Ledger("fzk").book)), "", "没有填写任何内容")


# --- rows ------------------------------------------------------------------------------------


def test_row_deleted() -> None:
    ledger = Ledger("gcc").fill_all()
    ledger.ws.delete_rows(ledger.rows["L05"])
    assert_error(check(ledger.bytes()), SHEET, "少了 1 行")


def test_row_added() -> None:
    ledger = Ledger("fzk").fill_all()
    last = max(ledger.rows.values())
    ledger.ws.cell(last + 1, 3).value = "自行增加的目标"
    assert_error(check(ledger.bytes()), f"{SHEET}!A{last + 1}", "多了 1 行")


def test_rows_reordered() -> None:
    ledger = Ledger("fzk").fill_all()
    first, second = ledger.rows["L06"], ledger.rows["L07"]
    for column in range(1, ledger.ws.max_column + 1):
        a, b = ledger.ws.cell(first, column), ledger.ws.cell(second, column)
        a.value, b.value = b.value, a.value
    assert_error(check(ledger.bytes()), SHEET, "行顺序被调整")


# --- whose workbook is it --------------------------------------------------------------------


def test_workbook_named_after_another_unit() -> None:
    data = Ledger("fzk").fill_all().bytes()
    assert_error(
        check(data, "局办公室工作台账.xlsx"), "", "「局办公室」的台账", "「局法制科」的台账"
    )


def test_workbook_of_an_older_plan_version(tmp_path: Path) -> None:
    data = copy_example(tmp_path)
    edit(data / "ledger.yaml", "真正做到便民服务\n", "真正做到便民服务（新）\n")
    newer = read_plan(data)
    result = check_return(newer, ReturnedFile(Path("x.xlsx"), Ledger("fzk").fill_all().bytes()))
    current = unit_ledger_spec(newer, newer.units["fzk"]).identity["plan_version"]
    assert_error(result, "_plandocs", "旧版方案", current)


def test_workbook_not_from_us() -> None:
    book = openpyxl.Workbook()
    book.active["A1"] = "自制台账"
    assert_error(check(save(book)), "_plandocs", "不是本系统下发")


def test_two_different_workbooks_of_one_unit_saved_at_the_same_time(tmp_path: Path) -> None:
    first = Ledger("fzk").fill_all()
    second = Ledger("fzk").fill_all()
    second.set("L06", "P1.progress", "另一份的内容")
    (tmp_path / "a.xlsx").write_bytes(first.bytes())
    (tmp_path / "b.xlsx").write_bytes(second.bytes())
    result = collect(PLAN, tmp_path)
    assert [c.accepted for c in result.checks] == [False, False]
    assert "fzk" not in result.record.accepted
    assert all("两份内容不同" in c.errors[0].message for c in result.checks)


# --- files that are not workbooks ------------------------------------------------------------

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"", "空的"),
        (OLE + b"\x00" * 512, "旧版 .xls"),
        (OLE + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 64, "打开密码"),
        ("序号,创建项目\n1,宣传\n".encode(), "CSV"),
        (b"PK\x03\x04" + b"\x00" * 40, "损坏"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "无法识别"),
    ],
    ids=["empty", "xls", "encrypted", "csv", "corrupt", "png"],
)
def test_files_that_are_not_our_workbooks(data: bytes, fragment: str) -> None:
    assert_error(check(data), "", fragment)


def test_a_word_document_renamed_to_xlsx() -> None:
    document = TemplateSet().docx("unit_plan.docx")
    assert document  # a real .docx is a zip too
    data = (EXAMPLE.parent.parent / "templates" / "unit_plan.docx").read_bytes()
    assert_error(check(data), "", "损坏或不是 Excel")


# --- the folder as a whole ----------------------------------------------------------------


def collect_folder(returns: Path, out: Path, *extra: str) -> tuple[int, str]:
    result = CliRunner().invoke(
        main, ["collect", str(returns), "--data", str(EXAMPLE), "--out", str(out), *extra]
    )
    return result.exit_code, result.output


def digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, str, Path]:
    out = tmp_path_factory.mktemp("collect") / "out"
    before = digest(EXAMPLE / "returns")
    code, output = collect_folder(EXAMPLE / "returns", out)
    assert digest(EXAMPLE / "returns") == before  # returned files are never modified
    return code, output, out


def test_example_collects_and_reports_every_path(example: tuple[int, str, Path]) -> None:
    code, output, out = example
    assert code == 0, output
    assert "应报单位 20 个；已通过 19 个；退回待改正 0 份；未报 1 个。" in output
    assert "龙源湖公园管理处：龙源湖公园管理处台账（第一次报送）.xlsx，3 个问题" in output
    assert "该单位已另报改正后的台账，已通过" in output
    assert "三、未报送\n  园林科学研究所" in output
    assert "已忽略 ~$龙源湖公园管理处台账（修改后）.xlsx" in output
    record = json.loads((out / "台账汇总" / "进度记录.json").read_text("utf-8"))
    assert len(record["accepted"]) == 19
    assert record["accepted"]["lyhgy"]["file_name"] == "龙源湖公园管理处台账（修改后）.xlsx"
    # every returned file kept byte for byte, lock file aside
    originals = sorted(p.name.split("-", 1)[1] for p in (out / "台账汇总" / "原件").iterdir())
    assert originals == sorted(p.name for p in (EXAMPLE / "returns").iterdir() if p.name[0] != "~")


def test_outstanding_rejection_exits_with_status_2(tmp_path: Path) -> None:
    returns = tmp_path / "returns"
    returns.mkdir()
    ledger = Ledger("fzk").fill_all()
    ledger.set("L06", "P1.status", "完成")
    (returns / "局法制科台账.xlsx").write_bytes(ledger.bytes())
    code, output = collect_folder(returns, tmp_path / "out")
    assert code == 2
    assert "退回待改正 1 份" in output and "台账!" in output


def test_newer_return_supersedes_and_the_older_stays_recoverable(tmp_path: Path) -> None:
    out = tmp_path / "out"
    first_dir, second_dir = tmp_path / "may", tmp_path / "nov"
    first_dir.mkdir()
    second_dir.mkdir()
    old = Ledger("fzk").fill_all()
    old.set("L06", "P1.progress", "五月份的说法")
    (first_dir / "a.xlsx").write_bytes(old.bytes(dt.datetime(2016, 5, 30, 9, 0)))
    new = Ledger("fzk").fill_all()
    new.set("L06", "P1.progress", "十一月份的说法")
    (second_dir / "b.xlsx").write_bytes(new.bytes(dt.datetime(2016, 11, 30, 9, 0)))
    assert collect_folder(first_dir, out)[0] == 0
    code, output = collect_folder(second_dir, out)
    assert code == 0, output
    record = json.loads((out / "台账汇总" / "进度记录.json").read_text("utf-8"))
    assert record["accepted"]["fzk"]["rows"]["L06"]["P1"]["progress"] == "十一月份的说法"
    (older,) = record["superseded"]
    assert older["rows"]["L06"]["P1"]["progress"] == "五月份的说法"
    assert "已被该单位后来收到的报送取代" in output
    # an older file arriving later does not win either
    assert collect_folder(first_dir, out)[0] == 0
    record = json.loads((out / "台账汇总" / "进度记录.json").read_text("utf-8"))
    assert record["accepted"]["fzk"]["rows"]["L06"]["P1"]["progress"] == "十一月份的说法"


def test_same_inputs_same_result(example: tuple[int, str, Path], tmp_path: Path) -> None:
    _, _, out = example
    collect_folder(EXAMPLE / "returns", tmp_path / "again")
    for path in sorted((out / "台账汇总").rglob("*.*")):
        twin = tmp_path / "again" / path.relative_to(out)
        assert path.read_bytes() == twin.read_bytes(), path.name


def test_collect_outputs_open_in_libreoffice(
    example: tuple[int, str, Path], tmp_path: Path
) -> None:
    _, _, out = example
    workbooks = [out / "台账汇总" / "台账汇总.xlsx", *sorted((out / "台账汇总" / "退回").iterdir())]
    assert len(workbooks) == 2
    for path in workbooks:
        assert openpyxl.load_workbook(path).sheetnames
    assert len(convert_many(workbooks, tmp_path / "pdf")) == 2


def test_annotated_copy_marks_exactly_the_problem_cells(example: tuple[int, str, Path]) -> None:
    _, _, out = example
    record = json.loads((out / "台账汇总" / "进度记录.json").read_text("utf-8"))
    (rejection,) = record["rejected"]
    places = {line.split("：")[0].split("!")[1] for line in rejection["problems"]}
    assert len(places) == 3
    copy = openpyxl.load_workbook(out / rejection["annotated"])
    commented = {c.coordinate for row in copy[SHEET].iter_rows() for c in row if c.comment}
    assert commented == places
    assert "状态「完成」不是可选值" in copy[SHEET][sorted(places)[0]].comment.text
    assert copy.sheetnames[0] == "退回说明"
    # what the unit typed is still there, for it to correct
    assert copy[SHEET][sorted(places)[0]].value == "完成"
