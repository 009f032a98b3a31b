"""Short names, date order, notes for staff and the statistics workbook (issue 13)."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import openpyxl

from generator.intake.collect import collect
from generator.intake.notes import add_staff_notes
from generator.model.short_names import MAX_SHORT, propose_short_names
from generator.read.plan_reader import read_plan
from tests.helpers import EXAMPLE, copy_example, edit, invoke
from tests.test_check import assert_reported
from tests.test_collect import PLAN, Ledger, check


def target(tid: str, text: str, subject: str = "", short: str = "", project: str = ""):
    return SimpleNamespace(id=tid, text=text, subject=subject, short=short, project=project)


def test_proposals_are_whole_clauses_and_distinct() -> None:
    targets = [
        target("A", "将绿地内商业广告全部更换为公益广告。", subject="宣传进绿地"),
        target("B", "在主要出入口设置宣传栏。", subject="宣传进绿地"),
        target("C", "在主要出入口设置宣传栏。", subject="宣传进绿地"),
        target("D", "积极探索“互联网+政务服务”，推行网上审批，真正做到便民服务。"),
        target("E", "一句很长很长很长很长很长很长很长很长很长的目标内容没有标点", project=""),
        target("F", "随便什么", short="手写简称"),
    ]
    names = propose_short_names(targets)  # type: ignore[arg-type]
    assert names["F"] == "手写简称"  # a hand-written one is kept
    assert len(set(names.values())) == len(names)  # three alike subjects told apart
    assert names["A"] == "宣传进绿地"  # its only clause is too long to be a name
    assert names["B"] == "在主要出入口设置宣传栏" and names["C"] == "宣传进绿地（2）"
    assert names["D"] in ("推行网上审批", "真正做到便民服务", "探索“互联网+政务服务”")
    assert names["E"] == "目标E"  # nothing fits: named by its id, never cut
    assert all(len(n) <= MAX_SHORT for n in names.values())
    assert not any("…" in n for n in names.values())


def test_check_rejects_long_and_repeated_short_names(tmp_path: Path) -> None:
    data = copy_example(tmp_path)
    ledger = data / "ledger.yaml"
    long_line = edit(
        ledger, "short: 绿地公益广告更换", "short: 将园林绿地内全部商业广告更换为公益广告"
    )
    edit(ledger, "short: 公园出入口宣传栏", "short: 核心价值观宣传进机关")  # the 2nd target
    text = ledger.read_text(encoding="utf-8")
    second = text[: text.rindex("short: 核心价值观宣传进机关")].count("\n") + 1  # L02's own
    code, output = invoke("check", "--data", str(data))
    assert code == 2, output
    assert_reported(output, ledger, long_line, "简称", "超过 15 个字")
    assert_reported(output, ledger, second, "简称「核心价值观宣传进机关」与第 2 条目标相同")


def test_check_lists_missing_short_names_with_the_proposal(tmp_path: Path) -> None:
    data = copy_example(tmp_path)
    edit(data / "ledger.yaml", "    short: 绿地公益广告更换\n", "")
    code, output = invoke("check", "--data", str(data))
    assert code == 0, output
    assert "1 条台账目标没有简称" in output and "L01a：将园林绿地内灯杆" not in output
    assert re.search(r"L01a：\S+", output)


def test_check_rejects_unit_plans_dated_before_the_plan(tmp_path: Path) -> None:
    data = copy_example(tmp_path)
    line = edit(
        data / "plan.yaml", "date: 2016-06-07\n", "date: 2016-06-07\nunit_plan_date: 2016-06-01\n"
    )
    code, output = invoke("check", "--data", str(data))
    assert code == 2
    assert_reported(
        output, data / "plan.yaml", line + 1, "各单位实施方案日期 2016-06-01 早于方案成文日期"
    )


def test_a_unit_plan_carries_its_own_date(tmp_path: Path) -> None:
    data = copy_example(tmp_path)
    edit(data / "plan.yaml", "date: 2016-06-07\n", "date: 2016-06-07\nunit_plan_date: 2016-06-20\n")
    out = tmp_path / "out"
    assert invoke("plan", "--data", str(data), "--out", str(out), "--unit", "局法制科")[0] == 0
    import docx

    (path,) = out.glob("各单位/*/*实施方案.docx")
    assert docx.Document(str(path)).paragraphs[-1].text == "2016年6月20日"


def test_regressions_and_contradicting_done_are_notes_not_rejections() -> None:
    ledger = Ledger("fzk").fill_all()  # 已完成 in May
    ledger.set("L06", "P2.status", "正在推进")
    ledger.set("L06", "P2.progress", "承诺时限正在修订")
    ledger.set("L07", "P2.status", "已完成")
    ledger.set("L07", "P2.progress", "网上审批正在调试")
    result = check(ledger.bytes())
    add_staff_notes(PLAN, result, None)
    assert result.accepted, result.errors
    notes = [f"{n.place}：{n.message}" for n in result.notices]
    assert (
        "台账第6项（审批承诺服务）：宣传教育阶段填报「已完成」，集中提升行动阶段改报「正在推进」，"
        "请与单位核实原因" in notes
    )
    assert (
        "台账第7项（“互联网+政务服务”）：集中提升行动阶段填报「已完成」，但实施情况写有「正在」，"
        "请与单位核实" in notes
    )


def test_collect_reports_the_examples_regressions_for_staff(tmp_path: Path) -> None:
    # returns_scenarios: 局机关 had L02 done in May and is under way in November; 植物园管理处
    # had L01c done and lags now. Both are accepted, with a note each.
    out = tmp_path / "out"
    code, _ = invoke("collect", str(EXAMPLE / "returns"), "--data", str(EXAMPLE), "--out", str(out))
    assert code == 0
    report = (out / "台账汇总" / "报送情况.txt").read_text(encoding="utf-8")
    notes = report.split("四、提示")[1]
    assert (
        "局机关工作台账.xlsx 台账第2项（核心价值观宣传进机关）：宣传教育阶段填报「已完成」" in notes
    )
    assert "植物园管理处工作台账.xlsx 台账第1.3项（主题公园和主题道路）" in notes
    assert "应报单位 20 个；已通过 19 个" in report


def test_statistics_list_every_unit_including_those_not_reported(tmp_path: Path) -> None:
    out = tmp_path / "out"
    data = ["--data", str(EXAMPLE), "--out", str(out)]
    assert invoke("collect", str(EXAMPLE / "returns"), *data)[0] == 0
    assert invoke("summary", "--phase", "2", *data)[0] == 0
    book = openpyxl.load_workbook(next(out.glob("阶段总结/集中提升行动阶段/*统计.xlsx")))
    rows = [r for r in book["按单位"].iter_rows(values_only=True) if r and r[0]]
    plan = read_plan(EXAMPLE)
    expected = [u.name for u in plan.organisation.units if plan.duties(u)]
    listed = [r[0] for r in rows if r[0] in expected]
    assert listed == expected  # 20 units, in the plan's order
    missing = next(r for r in rows if r[0] == "园林科学研究所")
    assert missing[1] == "未报"
    targets = [r for r in book["按目标"].iter_rows(values_only=True) if r and r[2]]
    assert ("1.1", "社会主义核心价值观宣传教育", "绿地公益广告更换") in [r[:3] for r in targets]


def test_records_of_a_collect_are_unchanged_by_notes() -> None:
    """The notes hook adds notices only: the accepted record is what the units reported."""
    result = collect(PLAN, EXAMPLE / "returns")
    reports = result.record.accepted["jujiguan"].rows["L02"]
    assert reports["P1"].status == "已完成" and reports["P2"].status == "正在推进"
