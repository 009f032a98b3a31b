"""Planned against actual figures (计划数 / 完成数): checked, in the ledgers, in the summaries."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from generator.documents import phase_summary
from generator.intake.collect import collect
from generator.model.evaluation import DONE, LAGGING, evaluate
from generator.read.plan_reader import read_plan
from tests.helpers import EXAMPLE, copy_example, edit, invoke

MEASURE = "        deadline_year: 2016\n  - id: L04\n"


def with_planned(tmp_path: Path, planned: str) -> Path:
    """The example with units' 计划数 on L03 (lectures, at least 6 a year)."""
    data = copy_example(tmp_path)
    edit(data / "ledger.yaml", MEASURE, f"        deadline_year: 2016\n{planned}  - id: L04\n")
    return data


PLANNED = "        planned: {rmgy: 8, 龙源湖公园管理处: 5}\n"


def test_planned_figures_must_belong_to_reporting_units(tmp_path: Path) -> None:
    data = with_planned(tmp_path, "        planned: {rmgy: 8, fzk: 3, 各单位: 2}\n")
    code, output = invoke("check", "--data", str(data))
    assert code == 2, output
    assert "ledger.yaml:55" in output  # the planned line, located
    assert "计划数写给了「fzk」，但它不是本目标的责任单位" in output
    assert "计划数写给了「各单位」" in output
    assert "rmgy" not in output.split("计划数写给了")[1].split("」")[0]


def test_planned_figures_need_a_per_unit_measure(tmp_path: Path) -> None:
    data = with_planned(tmp_path, "        scope: system\n        planned: {rmgy: 8}\n")
    code, output = invoke("check", "--data", str(data))
    assert code == 2 and "计划数只能用于各单位分别达到" in output


def test_ledgers_show_each_units_plan_and_the_masters_total(tmp_path: Path) -> None:
    data = with_planned(tmp_path, PLANNED)
    out = tmp_path / "out"
    code, output = invoke("plan", "--data", str(data), "--out", str(out))
    assert code == 0, output

    def planned_column(name: str) -> list[object]:
        sheet = openpyxl.load_workbook(next(out.rglob(name)))["台账"]
        header = next(r for r in sheet.iter_rows(values_only=True) if "计划数" in r)
        column = header.index("计划数")
        return [row[column] for row in sheet.iter_rows(values_only=True) if row[column]]

    assert planned_column("人民公园管理处工作台账.xlsx")[1:] == [8]
    assert planned_column("龙源湖公园管理处工作台账.xlsx")[1:] == [5]
    assert planned_column("植物园管理处工作台账.xlsx")[1:] == []  # no plan of its own
    assert planned_column("焦作市园林局文明服务创建工作台账.xlsx")[1:] == [13]  # the master


def test_a_unit_is_judged_against_its_own_plan(tmp_path: Path) -> None:
    record = collect(read_plan(EXAMPLE), EXAMPLE / "returns").record
    plan = read_plan(with_planned(tmp_path, PLANNED))
    result = evaluate(plan, record, plan.text.phases[1])
    lines = {ln.unit.id: ln for t in result.targets if t.target.id == "L03" for ln in t.lines}
    # both report 7 lectures and "done": above the bureau's 6, below 人民公园's own plan of 8
    assert lines["rmgy"].status == LAGGING and lines["rmgy"].shortfall
    assert lines["rmgy"].actual_text() == "完成7次/计划8次（87.5%）"
    assert lines["lyhgy"].status == DONE
    assert lines["lyhgy"].actual_text() == "完成7次/计划5次（140.0%）"
    assert lines["zwy"].actual_text() == "7/6次"  # no plan of its own: the bureau's target

    context = phase_summary.summary_context(plan, result, [])
    texts = [block["text"] for block in context["blocks"]]
    assert any("计划13次，完成14次，完成率107.7%" in text for text in texts)
    assert any(
        "人民公园管理处全年举办核心价值观讲座、道德讲堂7次（计划8次，完成87.5%），未达到目标" in t
        for t in texts
    )
    rows = [" ".join(row["cells"]) for row in context["ledger"]["rows"]]
    assert any("全年举办核心价值观讲座、道德讲堂全系统计划13次" in row for row in rows)


def test_planned_figures_beside_an_unknown_unit_are_reported_not_a_crash(tmp_path: Path) -> None:
    data = with_planned(tmp_path, PLANNED)
    edit(
        data / "ledger.yaml",
        "    task: T1.3\n",
        "    task: T1.3\n    responsible: [局宣传科, 各单位]\n",
    )
    code, output = invoke("check", "--data", str(data))
    assert code == 2 and "局宣传科" in output and "Traceback" not in output
