"""Deadlines (完成时限): read as offices write them, shown in ledgers, flagged when overdue."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from generator.documents import phase_summary
from generator.intake.collect import collect
from generator.model.deadlines import parse_deadline
from generator.model.evaluation import evaluate
from generator.read.plan_reader import read_plan
from tests.helpers import EXAMPLE, copy_example, edit, invoke


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("6月底前", dt.date(2016, 6, 30)),
        ("2016年11月30日前", dt.date(2016, 11, 30)),
        ("11月30日之前", dt.date(2016, 11, 30)),
        ("年底前", dt.date(2016, 12, 31)),
        ("2017年底前", dt.date(2017, 12, 31)),
        ("2016-10-31", dt.date(2016, 10, 31)),
        ("2月30日前", None),
        ("尽快", None),
    ],
)
def test_deadline_forms(text: str, date: dt.date | None) -> None:
    assert parse_deadline(text, 2016) == date


def with_deadline(tmp_path: Path, deadline: str) -> Path:
    data = copy_example(tmp_path)
    edit(
        data / "plan.yaml",
        "            responsible: [局法制科, 局信息中心]\n",
        f"            responsible: [局法制科, 局信息中心]\n            deadline: {deadline}\n",
    )
    return data


def test_unreadable_deadline_is_an_input_error(tmp_path: Path) -> None:
    data = with_deadline(tmp_path, "尽快")
    code, output = invoke("check", "--data", str(data))
    assert code == 2 and "无法识别的完成时限「尽快」" in output and "6月底前" in output


def test_ledgers_carry_the_deadline_column(tmp_path: Path) -> None:
    data = with_deadline(tmp_path, "10月31日前")
    code, output = invoke("plan", "--data", str(data), "--out", str(tmp_path / "out"))
    assert code == 0, output
    book = openpyxl.load_workbook(next((tmp_path / "out").rglob("局信息中心工作台账.xlsx")))
    values = [c.value for row in book["台账"].iter_rows() for c in row]
    assert "完成时限" in values and "10月31日前" in values
    plan_text = next((tmp_path / "out").rglob("局信息中心2016年*实施方案.docx"))
    import docx

    assert "完成时限：10月31日前" in [p.text for p in docx.Document(str(plan_text)).paragraphs]


def test_overdue_targets_are_named_in_the_phase_summary(tmp_path: Path) -> None:
    # In the example's November returns 局信息中心 is still working on 互联网+政务服务 (L07).
    record = collect(read_plan(EXAMPLE), EXAMPLE / "returns").record
    plan = read_plan(with_deadline(tmp_path, "10月31日前"))
    result = evaluate(plan, record, plan.text.phases[1])
    context = phase_summary.summary_context(plan, result, [])
    texts = [block["text"] for block in context["blocks"]]
    overdue = [t for t in texts if "已过完成时限" in t]
    assert len(overdue) == 1
    assert overdue[0].startswith("“互联网+政务服务”（台账第7项）")  # its short name
    assert overdue[0].endswith("：已过完成时限（2016年10月31日），局信息中心尚未完成。")
    # the same deadline is not yet past at the end of phase 1 (May)
    early = phase_summary.summary_context(plan, evaluate(plan, record, plan.text.phases[0]), [])
    assert not any("已过完成时限" in block["text"] for block in early["blocks"])
