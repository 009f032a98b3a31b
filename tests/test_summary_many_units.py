"""`plandocs summary` for many units (issue 19): beyond 50 reporting units the bureau
summary charts the 10 lowest, the 10 highest and the distribution, and sends the reader
to the statistics workbook for every unit's completion.

The plan is bench/synthetic.py's: 60 service units and its 5 offices, of which those
given duties by its 6 targets report.
"""

from __future__ import annotations

from pathlib import Path

import docx
import openpyxl
import pytest

from tests.helpers import collect_and_summarise, load_script
from tests.test_summary import require_chinese_font

PHASE2 = "阶段总结/集中提升行动阶段"
UNITS = 60


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from generator.read.plan_reader import read_plan

    synthetic = load_script("bench", "synthetic")
    root = tmp_path_factory.mktemp("many")
    data = synthetic.make_plan(root / "plan", units=UNITS, targets=6)
    synthetic.make_returns(read_plan(data), data / "returns")
    return collect_and_summarise(data, root / "out")


def bureau(out: Path) -> docx.document.Document:
    (path,) = (out / PHASE2).glob("*工作总结.docx")
    return docx.Document(str(path))


def test_the_by_unit_charts_are_the_extremes_and_the_distribution(out: Path) -> None:
    require_chinese_font()
    document = bureau(out)
    captions = [p.text for p in document.paragraphs if p.style.name == "图表标题"]
    assert captions[:3] == [
        "图1 集中提升行动阶段单位任务完成率最低的10个单位",
        "图2 集中提升行动阶段单位任务完成率最高的10个单位",
        "图3 集中提升行动阶段各单位完成率分布（单位数）",
    ]
    assert all(c.startswith("图4 ") for c in captions[3:]) and captions[3:]
    assert len(document.inline_shapes) == len(captions)
    body = "\n".join(p.text for p in document.paragraphs)
    assert "图3为各单位完成率的分布（各段含下限、不含上限），各单位完成情况详见《" in body


def test_every_unit_is_in_the_statistics_workbook_the_text_names(out: Path) -> None:
    """The text sends the reader to the workbook issued beside the summary; it is there and
    its 按单位 table has every unit with duties. The 公文's attachments are as for a few
    units (the ledger and the 报送情况表): no table of thousands of rows is added to it."""
    document = bureau(out)
    body = "\n".join(p.text for p in document.paragraphs)
    assert "各单位完成情况详见《集中提升行动阶段统计》（“按单位”表）。" in body
    labels = [p.text for p in document.paragraphs if p.text in ("附件1", "附件2", "附件3")]
    assert labels == ["附件1", "附件2"]
    sheet = openpyxl.load_workbook(out / PHASE2 / "集中提升行动阶段统计.xlsx")["按单位"]
    units = [row[0] for row in sheet.iter_rows(values_only=True) if row[1] in ("已报送", "未报")]
    status = next(t for t in document.tables if t.rows[0].cells[-1].text == "待改正退回件")
    assert units == [row.cells[1].text for row in status.rows[1:]]  # every unit, in order
    assert len(units) > 50
