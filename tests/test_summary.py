"""`plandocs summary`: figures equal hand-computed numbers; documents meet GB/T 9704."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import docx
import pytest

from tests.conftest import convert_many
from tests.gbt9704_checks import check_gbt9704
from tests.helpers import EXAMPLE, collect_and_summarise, invoke

PHASE2 = "阶段总结/集中提升行动阶段"
BUREAU = f"{PHASE2}/孟州市园林处2016年文明服务活动集中提升行动阶段工作总结.docx"


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return collect_and_summarise(EXAMPLE, tmp_path_factory.mktemp("summary") / "out")


def text(path: Path) -> str:
    return "\n".join(p.text for p in docx.Document(str(path)).paragraphs)


def test_bureau_figures_equal_hand_computed(out: Path) -> None:
    # Phase 2 by hand (see tools/make_example_returns.py): done L01a L06 L09; lagging L01c
    # (植物园), L03 (苗圃场 4/6次), L04 (工程处), L05 L10 L12 (苗圃场), L08 (公园党总支 25%);
    # under way L01b L07 L02 and, as 园林科学研究所 never reported, L11 L13.
    # Unit tasks (单位任务): 4+4+4+9+9+9+9+3+2+5+5+9+9+10+9 = 100 (unit, target) pairs; not
    # done: 8 of 园林科学研究所 (未报), the 7 lagging and 4 under way above -> 81 done.
    body = text(out / BUREAU)
    assert "台账共列15项目标，全部责任单位均已完成的3项，占20.0%；正在推进5项；滞后7项。" in body
    assert (
        "单位任务共100项（一个单位承担一项目标计为一项），已完成81项，单位任务完成率81.0%" in body
    )
    assert (
        "应报送工作台账的单位20个，已报送并审核通过19个，报送率95.0%；园林科学研究所未报送。"
        in body
    )


def test_phase_1_figures(out: Path) -> None:
    # May: L01a, L01c, L02, L06, L11 done by every unit that reported (returns_scenarios'
    # early_done), the rest under way; 园林科学研究所 answers for L02 and L11 and never
    # reported, so three targets are done by all their units.
    path = out / "阶段总结/宣传教育阶段/孟州市园林处2016年文明服务活动宣传教育阶段工作总结.docx"
    assert "台账共列15项目标，全部责任单位均已完成的3项，占20.0%；正在推进12项。" in text(path)


def test_problems_name_lagging_units_and_missed_figures(out: Path) -> None:
    body = text(out / BUREAU)
    problems = body.split("三、存在的问题")[1].split("四、下一步工作打算")[0]
    assert "公园党总支注册志愿者53人，占职工总数的25.0%（目标30%以上），未达到目标" in problems
    assert "苗圃场全年举办核心价值观讲座、道德讲堂4次（目标不少于6次），未达到目标" in problems
    # 已完成 in May, 滞后 in November: the figure went back, and the summary says so.
    assert "宣传教育阶段报告已完成，本阶段植物园管理处改报为滞后" in problems
    assert "园林绿化工程处进度滞后" in problems  # lagging, never reported done
    assert "园林科学研究所未按时报送工作台账" in problems
    assert "总结评比阶段（12月份）" in body.split("四、下一步工作打算")[1]


def test_unit_summary_figures(out: Path) -> None:
    path = out / PHASE2 / "各单位" / "苗圃场2016年文明服务活动集中提升行动阶段工作总结.docx"
    body = text(path)
    assert (
        "本单位工作台账共9行（每项目标、每个量化指标各一行），已完成5行，完成率55.6%；滞后4行。"
        in body
    )
    assert "全年举办核心价值观讲座、道德讲堂4次（目标不少于6次），未达到目标" in body


def test_a_summary_for_every_reporting_unit_only(out: Path) -> None:
    names = sorted(p.name for p in (out / PHASE2 / "各单位").iterdir())
    assert len(names) == 19
    assert not any("园林科学研究所" in n for n in names)


def test_attachment_lists_every_target_with_its_completion(out: Path) -> None:
    tables = docx.Document(str(out / BUREAU)).tables
    (table,) = [t for t in tables if t.rows[0].cells[1].text == "创建项目"]  # 附件1
    rows = [[c.text for c in row.cells] for row in table.rows]
    assert rows[0] == ["序号", "创建项目", "具体目标内容", "完成情况", "完成率"]
    assert len(rows) == 16
    volunteers = next(r for r in rows if r[2].startswith("单位注册志愿者"))
    assert "公园党总支注册志愿者53人，占职工总数的25.0%（目标30%以上）" in volunteers[3]
    assert volunteers[4] == "80.0%" and volunteers[0] == "8"  # the 方案's own 序号


def test_word_summary_has_the_charts(out: Path) -> None:
    require_chinese_font()
    with zipfile.ZipFile(out / BUREAU) as archive:
        media = [n for n in archive.namelist() if n.startswith("word/media/")]
    document = docx.Document(str(out / BUREAU))
    captions = [p.text for p in document.paragraphs if p.style.name == "图表标题"]
    # 19 units in one chart would be taller than the 225 mm 版心: 图1 comes in parts,
    # each (with its caption and the line above) inside the page; 图2 is whole.
    assert len(media) == len(document.inline_shapes) == len(captions) >= 3
    assert captions[0].startswith("图1") and captions[0].endswith("（1/2）")
    assert captions[-1].startswith("图2") and "/" not in captions[-1]
    assert all(shape.height.mm <= 225 - 2 * 10.2 for shape in document.inline_shapes)


def test_statistics_workbook_has_native_charts(out: Path) -> None:
    with zipfile.ZipFile(out / PHASE2 / "集中提升行动阶段统计.xlsx") as archive:
        charts = [n for n in archive.namelist() if n.startswith("xl/charts/chart")]
    assert len(charts) == 2


def test_every_summary_meets_gbt9704_and_opens_in_libreoffice(out: Path, tmp_path: Path) -> None:
    documents = sorted((out / "阶段总结").rglob("*.docx"))
    notices = [p for p in documents if "整改通知" in p.parts]
    assert len(documents) - len(notices) == 2 * 20
    failures = {p.name: check_gbt9704(p) for p in documents}
    assert {k: v for k, v in failures.items() if v} == {}
    everything = [*documents, *sorted((out / "阶段总结").rglob("*.xlsx"))]
    assert len(convert_many(everything, tmp_path / "pdf")) == 42 + len(notices)


def test_later_summary_before_collect_is_an_input_error(tmp_path: Path) -> None:
    code, output = invoke("summary", "--phase", "2", "--data", str(EXAMPLE), "--out", str(tmp_path))
    assert code == 2
    assert "还没有回收台账" in output and "plandocs collect" in output
    assert not list(tmp_path.iterdir())


def test_phase_1_summary_before_any_return(tmp_path: Path) -> None:
    code, output = invoke("summary", "--phase", "1", "--data", str(EXAMPLE), "--out", str(tmp_path))
    assert code == 0, output
    (path,) = (tmp_path / "阶段总结" / "宣传教育阶段").glob("*.docx")
    body = text(path)
    # Dated after what it reports on: the plan (6月7日) and the units' plans (a week on).
    assert "2016年6月7日印发《2016年焦作市园林局文明服务活动方案》" in body
    assert "20个单位于2016年6月14日前制定了本单位实施方案，明确了12项任务、15项台账目标" in body
    assert "\n孟州市园林处\n2016年6月14日\n" in body
    assert "尚未报回" in body
    assert check_gbt9704(path) == []


def require_chinese_font() -> None:
    """Charts need a CJK font: skip without one locally, fail where CI demands the toolchain."""
    from generator.documents.summary_charts import chinese_font_available

    if not chinese_font_available():
        reason = "本机没有中文字体（apt-get install fonts-noto-cjk），阶段总结不含图表"
        if os.environ.get("PLANDOCS_REQUIRE_SOFFICE"):
            pytest.fail(reason)
        pytest.skip(reason)
