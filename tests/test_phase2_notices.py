"""The phase-2 documents offices send: 催报通知, 整改通知 and the 报送情况表.

Three units return ledgers the test fills itself (one careless, one with a lagging task);
every expected name, date and state below comes from those returns and units.yaml.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import docx
import openpyxl
import pytest
import yaml

from generator.documents.submission_status import SHEET
from tests.conftest import convert_many, find_soffice
from tests.gbt9704_checks import check_gbt9704
from tests.helpers import EXAMPLE, invoke
from tests.test_collect import Ledger

UNITS = yaml.safe_load((EXAMPLE / "units.yaml").read_text("utf-8"))["units"]
NAMES = {u["id"]: u["name"] for u in UNITS}
DONE_ON_TIME, LAGGING, CARELESS = "jmb", "fzk", "rmgy"
STAMPS = {
    DONE_ON_TIME: dt.datetime(2016, 11, 20, 10, 0),
    LAGGING: dt.datetime(2016, 11, 21, 9, 30),
    CARELESS: dt.datetime(2016, 11, 22, 15, 0),
}
LAGGING_ROW = "lagging row"  # which row key the lagging unit marks 滞后 (set by the fixture)


def _fill(unit_id: str) -> Ledger:
    ledger = Ledger(unit_id).fill_all()
    for key in ledger.rows:
        ledger.set(key, "P2.status", "正在推进")
        ledger.set(key, "P2.progress", "按计划推进")
        if "/" in key:  # a measured row: its figure so far
            ledger.set(key, "P2.figure", 3)
    return ledger


@pytest.fixture(scope="module")
def year(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    root = tmp_path_factory.mktemp("notices")
    out, returns = root / "out", root / "returns"
    returns.mkdir()
    assert invoke("plan", "--data", str(EXAMPLE), "--out", str(out))[0] == 0
    issued = [u for u in UNITS if any((out / "各单位").glob(f"{u['id']}-*"))]
    good = _fill(DONE_ON_TIME)
    (returns / "精神文明办台账.xlsx").write_bytes(good.bytes(STAMPS[DONE_ON_TIME]))
    lagging = _fill(LAGGING)
    row = next(iter(lagging.rows))
    lagging.set(row, "P2.status", "滞后")
    lagging.set(row, "P2.progress", "场地未落实，尚未开展")
    (returns / "法制科台账.xlsx").write_bytes(lagging.bytes(STAMPS[LAGGING]))
    careless = _fill(CARELESS)
    careless.set(next(iter(careless.rows)), "P1.status", "完成了")  # not one of the choices
    (returns / "人民公园台账.xlsx").write_bytes(careless.bytes(STAMPS[CARELESS]))
    code, output = invoke("collect", str(returns), "--data", str(EXAMPLE), "--out", str(out))
    assert code == 2, output  # the careless return awaits its correction
    code, output = invoke("summary", "--phase", "2", "--data", str(EXAMPLE), "--out", str(out))
    assert code == 0, output
    return {"out": out, "issued": issued, "row": row}


def paragraphs(path: Path) -> list[str]:
    return [p.text for p in docx.Document(str(path)).paragraphs if p.text.strip()]


def chinese(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def reminder(out: Path) -> Path:
    (found,) = (out / "台账汇总").glob("*催报通知.docx")
    return found


def test_the_reminder_goes_to_every_unit_without_an_accepted_ledger(year: dict) -> None:
    out, issued = year["out"], year["issued"]
    accepted = {DONE_ON_TIME, LAGGING}
    expected = [u["name"] for u in issued if u["id"] not in accepted]  # units.yaml's order
    texts = paragraphs(reminder(out))
    assert texts[1] == "、".join(expected) + "："
    assert NAMES[CARELESS] in texts[1]  # rejected and not yet corrected: still owes it


def test_the_reminder_names_the_ledger_and_dates_from_the_last_return(year: dict) -> None:
    texts = paragraphs(reminder(year["out"]))
    ledger_title = yaml.safe_load((EXAMPLE / "ledger.yaml").read_text("utf-8"))["title"]
    body = "".join(texts)
    assert f"《{ledger_title}》" in texts[0].replace("\n", "")
    last = max(STAMPS.values()).date()
    assert f"截至{chinese(last)}" in body
    assert f"请于{chinese(last + dt.timedelta(days=7))}前" in body
    assert texts[-1] == chinese(last)  # 成文日期


def test_one_rectification_notice_for_the_lagging_unit_only(year: dict) -> None:
    folder = year["out"] / "阶段总结" / "集中提升行动阶段" / "整改通知"
    notices = sorted(folder.glob("*.docx"))
    assert [p.name for p in notices] == [f"{NAMES[LAGGING]}整改通知.docx"]
    texts = paragraphs(notices[0])
    assert texts[1] == f"{NAMES[LAGGING]}："
    body = "".join(texts)
    assert "1项台账任务进度滞后" in body
    assert "状态为滞后" in body
    assert "2." not in body  # exactly one item


def status_sheet(out: Path) -> dict[str, list[object]]:
    book = openpyxl.load_workbook(out / "台账汇总" / "台账汇总.xlsx")
    sheet = book[SHEET]
    header = next(
        n for n, row in enumerate(sheet.iter_rows(values_only=True), 1) if row[0] == "序号"
    )
    rows = list(sheet.iter_rows(min_row=header + 1, values_only=True))
    return {str(row[1]): list(row) for row in rows if row[1]}


def test_the_status_sheet_lists_every_unit_as_the_returns_left_it(year: dict) -> None:
    rows = status_sheet(year["out"])
    assert list(rows) == [u["name"] for u in year["issued"]]
    assert rows[NAMES[DONE_ON_TIME]][2:4] == ["已报送", "2016-11-20 10:00"]
    assert rows[NAMES[LAGGING]][2:4] == ["已报送", "2016-11-21 09:30"]
    assert rows[NAMES[DONE_ON_TIME]][4] == "精神文明办台账.xlsx"
    careless = rows[NAMES[CARELESS]]
    assert careless[2] == "退回待改正" and careless[5] == "人民公园台账.xlsx"
    others = [r for name, r in rows.items() if name not in {NAMES[i] for i in STAMPS}]
    assert others and all(r[2] == "未报送" and r[5] == "无" for r in others)


def bureau_summary(out: Path) -> Path:
    folder = out / "阶段总结" / "集中提升行动阶段"
    (found,) = folder.glob("*工作总结.docx")
    return found


def test_the_bureau_summary_attaches_the_status_table(year: dict) -> None:
    path = bureau_summary(year["out"])
    texts = paragraphs(path)
    assert any(t.startswith("附件：1.") for t in texts)
    assert "2. 各单位工作台账报送情况表" in texts
    assert "附件2" in texts
    document = docx.Document(str(path))
    table = document.tables[-1]
    units = [row.cells[1].text for row in table.rows[1:]]
    assert units == [u["name"] for u in year["issued"]]


def test_the_new_documents_meet_gbt9704(year: dict) -> None:
    out = year["out"]
    notice = next((out / "阶段总结" / "集中提升行动阶段" / "整改通知").glob("*.docx"))
    for path in (reminder(out), notice, bureau_summary(out)):
        assert check_gbt9704(path) == [], path.name


def test_the_new_documents_pass_the_page_check(year: dict, tmp_path: Path) -> None:
    from tests import page_check as pc

    find_soffice()
    out = year["out"]
    notice = next((out / "阶段总结" / "集中提升行动阶段" / "整改通知").glob("*.docx"))
    sources = [reminder(out), notice, bureau_summary(out)]
    pdfs = convert_many(sources, tmp_path)
    for source, laid in zip(sources, pdfs, strict=True):
        problems = [p for p in pc.check(source, laid) if p.rule != "page_number_side"]
        assert problems == [], (source.name, problems)


def test_the_notices_keep_no_context_until_digested_or_rendered(year: dict) -> None:
    """Issue 19: each notice's context is built when its job is digested or rendered, not
    held by the job list (ten thousand units' notices were all kept from the list to the
    end of the run); a summary run again with nothing changed writes no notice again."""
    from generator.documents import rectification_notice
    from generator.intake.record import load_record
    from generator.pipeline.steps import summary_inputs
    from generator.read.plan_reader import read_plan

    out = year["out"]
    plan = read_plan(EXAMPLE)
    inputs = summary_inputs(plan, load_record(out), 2, out, EXAMPLE)
    notices = list(rectification_notice.documents(inputs))
    assert [n.name.name for n in notices] == [f"{NAMES[LAGGING]}整改通知.docx"]
    assert all(n.content is None and n.make is not None and n.digested for n in notices)
    assert notices[0].make()["addressee"] == f"{NAMES[LAGGING]}："  # its unit alone
    before = {p: p.stat().st_mtime_ns for p in out.rglob("整改通知/*.docx")}
    code, output = invoke("summary", "--phase", "2", "--data", str(EXAMPLE), "--out", str(out))
    assert code == 0, output
    assert before and {p: p.stat().st_mtime_ns for p in out.rglob("整改通知/*.docx")} == before
