"""Returned ledgers as Excel and WPS save them are read with exactly the values the unit typed.

Each return starts as our issued ledger, filled the way the example's units fill it
(tools/make_example_returns.py), saved once by openpyxl -- the plain return -- and then
rewritten the way Excel or WPS rewrites a workbook on save (tests/office_saves.py, every rule
with its source). ``plandocs collect`` must record the same values for the rewritten file as
for the plain one, those values must be the ones filled in, and the save time must be the
moment the program recorded, in UTC.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.documents.ledger_workbook import SHEET, unit_ledger_spec
from generator.formats.identity import read_sheet_map
from generator.read import returns as returns_module
from generator.read.plan_reader import read_plan
from generator.render.templates import TemplateSet
from tests import office_saves
from tests.helpers import EXAMPLE, load_tool

UNIT = "rmgy"  # 人民公园管理处: text targets and quantitative ones
SAVED = dt.datetime(2016, 11, 28, 9, 47)  # UTC
# Typed by the unit into one 实施情况 cell: XML specials, a line break (Alt+Enter).
TYPED = "已完成 & 核查<第二轮>\n下一步：整改“回头看”"


tool = load_tool("make_example_returns")


@pytest.fixture(scope="module")
def plain() -> bytes:
    """The unit's ledger filled as the example scenario fills it, saved by openpyxl."""
    plan = read_plan(EXAMPLE)
    unit = plan.units[UNIT]
    issued = TemplateSet().xlsx("ledger.xlsx").render(unit_ledger_spec(plan, unit))
    book = openpyxl.load_workbook(io.BytesIO(issued))
    tool.fill(book, tool.SCENARIOS["jiaozuo2016"], plan, unit)
    layout = read_sheet_map(book, SHEET)
    column = {key: index for index, key in layout.columns.items()}
    phase = tool.SCENARIOS["jiaozuo2016"].phases[1]
    book[SHEET].cell(min(layout.rows), column[f"{phase}.progress"]).value = TYPED
    return tool.save(book, SAVED - dt.timedelta(days=1), "人民公园管理处办公室")


def collected(tmp_path: Path, name: str, data: bytes) -> tuple[dict, str]:
    folder = tmp_path / f"returns-{name}"
    folder.mkdir()
    (folder / f"人民公园管理处工作台账-{name}.xlsx").write_bytes(data)
    out = tmp_path / f"out-{name}"
    result = CliRunner().invoke(
        main, ["collect", str(folder), "--data", str(EXAMPLE), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    record = json.loads((out / "台账汇总" / "进度记录.json").read_text("utf-8"))
    assert record["rejected"] == [], record["rejected"]
    return record["accepted"][UNIT], result.output


@pytest.fixture(scope="module")
def plain_record(plain: bytes, tmp_path_factory: pytest.TempPathFactory) -> dict:
    return collected(tmp_path_factory.mktemp("plain"), "plain", plain)[0]


def test_the_plain_return_holds_what_was_typed(plain_record: dict) -> None:
    """The reference itself: what the scenario filled in, and the typed text exactly."""
    plan = read_plan(EXAMPLE)
    scenario = tool.SCENARIOS["jiaozuo2016"]
    keys = {row.key for row in unit_ledger_spec(plan, plan.units[UNIT]).sheets[0].rows}
    assert set(plain_record["rows"]) == keys
    first, now = scenario.phases
    statuses = {k: v[now]["status"] for k, v in plain_record["rows"].items()}
    assert statuses == {k: tool.status_for(scenario, UNIT, k) for k in keys}
    assert TYPED in [v[now]["progress"] for v in plain_record["rows"].values()]
    figures = [v[now]["figure"] for v in plain_record["rows"].values() if v[now]["figure"]]
    assert figures and all(isinstance(f, int | float) for f in figures)
    assert {v[first]["status"] for v in plain_record["rows"].values()} <= {"已完成", "正在推进"}


def fast_path_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail if collect falls back on openpyxl: our own reader must read the file."""

    def refuse(*_: object) -> None:
        raise AssertionError("read/xlsx_cells.py gave up on this file")

    monkeypatch.setattr(returns_module, "book_from_openpyxl", refuse)


def test_excel_save_is_read_exactly(
    plain: bytes, plain_record: dict, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    saved = office_saves.excel_save(
        plain, office_saves.utc(SAVED), "张三", rich=lambda text: text == TYPED
    )
    parts = office_saves.read_parts(saved)
    sheet = parts["xl/worksheets/sheet1.xml"]
    assert b"inlineStr" not in sheet and b"x14:dataValidations" in sheet  # rewritten indeed
    assert b"<r><rPr><b/>" in parts["xl/sharedStrings.xml"]  # the typed text as rich runs
    fast_path_only(monkeypatch)
    record, _ = collected(tmp_path, "excel", saved)
    assert record["rows"] == plain_record["rows"]
    assert record["stamp"] == SAVED.isoformat()


@pytest.mark.parametrize("state", ["hidden", "visible"])
def test_wps_save_is_read_exactly(
    plain: bytes, plain_record: dict, tmp_path: Path, state: str
) -> None:
    """WPS: its custom properties, the identity sheet no longer very hidden (hidden, or shown
    by a unit's 取消隐藏), a photo embedded in a cell beside the table."""
    saved = office_saves.wps_save(
        plain,
        office_saves.utc(SAVED),
        "李四",
        identity_state=state,
        image_at=("xl/worksheets/sheet1.xml", "Z3"),
    )
    names = zipfile.ZipFile(io.BytesIO(saved)).namelist()
    assert {"xl/cellimages.xml", "docProps/custom.xml", "xl/sharedStrings.xml"} <= set(names)
    record, output = collected(tmp_path, "wps", saved)
    assert record["rows"] == plain_record["rows"]
    assert record["stamp"] == SAVED.isoformat()
    shown_as = {"hidden": "隐藏", "visible": "显示"}[state]
    assert f"被设为{shown_as}；标识照常读取" in output


def test_wps_save_without_extras_takes_the_fast_path(
    plain: bytes, plain_record: dict, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    saved = office_saves.wps_save(plain, office_saves.utc(SAVED), "李四")
    fast_path_only(monkeypatch)
    record, _ = collected(tmp_path, "wps-plain", saved)
    assert record["rows"] == plain_record["rows"]


def test_the_rewritten_returns_are_valid_ooxml(plain: bytes, tmp_path: Path) -> None:
    """What the rules make is a file Excel or WPS could have written: schema-valid."""
    audit = load_tool("ooxml_audit")
    saves = {
        "excel": office_saves.excel_save(plain, office_saves.utc(SAVED), "张三", lambda _: True),
        "wps": office_saves.wps_save(
            plain, office_saves.utc(SAVED), "李四", "hidden", ("xl/worksheets/sheet1.xml", "Z3")
        ),
    }
    for name, data in saves.items():
        path = tmp_path / f"{name}.xlsx"
        path.write_bytes(data)
        findings = audit.validator().validate(path).errors
        assert [f"{f.part_uri}: {f.description}" for f in findings] == [], name


@pytest.mark.parametrize("fast", [True, False])
def test_a_save_time_with_an_offset_is_read_as_utc(
    plain: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fast: bool
) -> None:
    """W3CDTF allows "+08:00" (ECMA-376 Part 2 §11.1); 17:47 in Beijing is 09:47 UTC."""
    parts = office_saves.read_parts(plain)
    office_saves.save_time(parts, "2016-11-28T17:47:00+08:00", "王五", "WPS 表格")
    if not fast:  # a formula cell sends the file to openpyxl, whose reading is corrected too
        office_saves.wps_cell_image(parts, "xl/worksheets/sheet1.xml", "Z3")
    record, _ = collected(tmp_path, "offset", office_saves.write_parts(parts))
    assert record["stamp"] == SAVED.isoformat()


@pytest.mark.parametrize("program", ["excel", "wps"])
def test_a_nomination_form_saved_by_excel_or_wps_is_read_exactly(
    tmp_path: Path, program: str
) -> None:
    """The same for a returned 推荐表格: the nominee read from the rewritten file is the one
    read from the plain return, field by field (the 主要事迹 as rich text in Excel's)."""
    from generator.intake.nominations import read_nomination_returns
    from tests.test_nominate import PERSON, PLAN, fill_form, issued_form

    plain = tmp_path / "plain"
    fill_form(issued_form(tmp_path / "issued", "局法制科"), "先进个人", PERSON, plain / "a.xlsx")
    data = (plain / "a.xlsx").read_bytes()
    when = office_saves.utc(SAVED)
    saved = (
        office_saves.excel_save(data, when, "张三", rich=lambda text: text == PERSON["story"])
        if program == "excel"
        else office_saves.wps_save(data, when, "李四", identity_state="hidden")
    )
    rewritten = tmp_path / program
    rewritten.mkdir()
    (rewritten / "a.xlsx").write_bytes(saved)
    (expected,) = read_nomination_returns(PLAN, plain)
    (actual,) = read_nomination_returns(PLAN, rewritten)
    assert expected.check.accepted and actual.check.accepted, actual.check.errors
    assert [n.model_dump() for n in actual.nominees] == [n.model_dump() for n in expected.nominees]
    (nominee,) = actual.nominees
    assert nominee.model_dump()["name"] == PERSON["name"]
