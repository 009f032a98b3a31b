"""Phases with date ranges, or with no time at all (as some plans have)."""

from __future__ import annotations

from pathlib import Path

import docx

from generator.documents.common import phase_heading
from generator.read.plan_reader import read_plan
from tests.helpers import copy_example, edit, invoke


def test_date_ranges_and_blank_phases(tmp_path: Path) -> None:
    data = copy_example(tmp_path)
    edit(
        data / "plan.yaml",
        "    start: 2016-05\n    end: 2016-05\n",
        "    start: 2016-05-10\n    end: 2016-05-31\n",
    )
    edit(data / "plan.yaml", "    start: 2016-12\n    end: 2016-12\n", "")
    plan = read_plan(data)
    assert [phase_heading(p) for p in plan.text.phases] == [
        "宣传教育阶段（5月10日至5月31日）",
        "集中提升行动阶段（6至11月份）",
        "总结评比阶段",
    ]
    code, output = invoke("plan", "--data", str(data), "--out", str(tmp_path / "out"))
    assert code == 0, output
    document = next((tmp_path / "out" / "方案").glob("*.docx"))
    texts = [p.text for p in docx.Document(str(document)).paragraphs]
    assert any(t.startswith("1.宣传教育阶段（5月10日至5月31日）。") for t in texts)
    assert any(t.startswith("3.总结评比阶段。开展文明服务先进集体") for t in texts)


def test_impossible_or_reversed_dates_are_errors(tmp_path: Path) -> None:
    data = copy_example(tmp_path)
    line = edit(data / "plan.yaml", "    end: 2016-11\n", "    end: 2016-05-20\n")
    code, output = invoke("check", "--data", str(data))
    assert code == 2
    assert f"plan.yaml:{line}:" in output and "早于开始时间" in output
