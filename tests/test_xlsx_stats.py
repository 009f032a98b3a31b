"""Tests for statistics workbooks with native Excel charts."""

from __future__ import annotations

import datetime
import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from generator.render.workbook_spec import WorkbookRenderError
from generator.render.xlsx.geometry import text_units
from generator.render.xlsx_stats import (
    ChartSpec,
    StatsSpec,
    StatsTable,
    render_statistics,
)

UNITS = ("局办公室", "局法制科", "局人事科", "=局团委", "园林绿化管理处", "公园管理中心")
RATES = StatsTable(
    sheet="完成率",
    title="各单位任务完成率",
    columns=("单位", "任务数", "已完成", "完成率", "按时报送率"),
    rows=[[u, 10 + i, 5 + i, (5 + i) / (10 + i), 1 - i * 0.1] for i, u in enumerate(UNITS)],
    chart=ChartSpec("bar", "各单位完成率与按时报送率", 0, (3, 4), "比例", True),
)
PHASES = StatsTable(
    sheet="阶段统计",
    title="各阶段任务状态统计",
    columns=("阶段", "已完成", "正在推进", "滞后", "未启动", "备注"),
    rows=[
        ["宣传教育阶段（5月份）", 30, 2, 1, 0, "全部单位已报送"],
        ["集中整治阶段（6—9月份）", 12, 15, 4, 2, None],
        ["总结提升阶段（10—11月份）", 0, 3, 0, 30, "=尚未开始"],
    ],
    chart=ChartSpec("column", "各阶段任务状态", 0, (1, 2, 3, 4), "任务数（项）", False),
)
PLAIN = StatsTable("说明", "统计口径", ("项目", "说明"), [["完成率", "已完成任务数 ÷ 任务数"]])
SPEC = StatsSpec(
    "2025年度普法依法治理工作统计", datetime.datetime(2025, 10, 1, 9), [RATES, PHASES, PLAIN]
)


@pytest.fixture(scope="module")
def rendered() -> bytes:
    return render_statistics(SPEC)


@pytest.fixture(scope="module")
def wb(rendered: bytes) -> Workbook:
    return load_workbook(io.BytesIO(rendered))


def chart_xml(data: bytes, number: int) -> str:
    return zipfile.ZipFile(io.BytesIO(data)).read(f"xl/charts/chart{number}.xml").decode()


def render_one(table: StatsTable) -> Worksheet:
    data = render_statistics(StatsSpec("统计", SPEC.created, [table]))
    return load_workbook(io.BytesIO(data))[table.sheet]


# --- contents ------------------------------------------------------------------------------


def test_one_sheet_per_table(wb: Workbook) -> None:
    assert wb.sheetnames == ["完成率", "阶段统计", "说明"]
    assert wb.properties.title == SPEC.title
    assert wb.properties.created == SPEC.created


def test_title_header_and_rows(wb: Workbook) -> None:
    ws = wb["阶段统计"]
    assert ws["A1"].value == "各阶段任务状态统计"
    assert "A1:F1" in {str(r) for r in ws.merged_cells.ranges}
    assert [c.value for c in ws[2]] == list(PHASES.columns)
    rows = [list(r) for r in ws.iter_rows(min_row=3, values_only=True)]
    assert rows == [list(r) for r in PHASES.rows]
    assert ws["B3"].data_type == "n" and ws["A3"].data_type == "s"


def test_header_is_bold_filled_and_framed(wb: Workbook) -> None:
    for cell in wb["完成率"][2]:
        assert cell.font.b and cell.font.name == "黑体"
        assert cell.fill.fill_type == "solid"
        assert cell.border.top.style == cell.border.bottom.style == "thin"
    assert wb["完成率"]["A3"].font.name == "仿宋_GB2312"
    assert wb["完成率"]["A3"].border.left.style == "thin"


def test_text_starting_with_equals_stays_text(wb: Workbook) -> None:
    for ws, ref, text in ((wb["完成率"], "A6", "=局团委"), (wb["阶段统计"], "F5", "=尚未开始")):
        assert (ws[ref].value, ws[ref].data_type) == (text, "s")


def test_number_formats(wb: Workbook) -> None:
    ws = wb["完成率"]
    assert {ws.cell(r, c).number_format for r in range(3, 9) for c in (4, 5)} == {"0.0%"}
    assert {ws.cell(r, c).number_format for r in range(3, 9) for c in (2, 3)} == {"General"}
    assert ws["D3"].value == pytest.approx(0.5)
    assert wb["阶段统计"]["B3"].number_format == "General"  # not a percent chart


def test_column_widths_follow_content(wb: Workbook) -> None:
    ws = wb["完成率"]
    widths = {c: ws.column_dimensions[c].width for c in "ABCDE"}
    # Chinese characters count double: 园林绿化管理处 sets the unit column.
    assert widths["A"] >= text_units("园林绿化管理处") > 14
    assert widths["B"] < widths["A"] and widths["B"] >= text_units("任务数")
    assert wb["阶段统计"].column_dimensions["F"].width >= text_units("全部单位已报送")


def test_frozen_header_and_print_setup(wb: Workbook) -> None:
    for ws in wb.worksheets:
        assert ws.freeze_panes == "A3"
        assert ws.page_setup.orientation == "landscape"
        assert int(ws.page_setup.paperSize) == 9
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0)
        assert ws.print_title_rows == "$2:$2"


# --- charts --------------------------------------------------------------------------------


def test_charts_exist_with_one_series_per_value_column(wb: Workbook) -> None:
    (rates,) = wb["完成率"]._charts
    (phases,) = wb["阶段统计"]._charts
    assert wb["说明"]._charts == []
    assert (rates.type, len(rates.series)) == ("bar", 2)
    assert (phases.type, len(phases.series)) == ("col", 4)


def test_chart_references_the_table_cells(rendered: bytes) -> None:
    xml = chart_xml(rendered, 1)
    assert "<f>'完成率'!$A$3:$A$8</f>" in xml  # categories
    assert "<f>'完成率'!$D$3:$D$8</f>" in xml and "<f>'完成率'!$E$3:$E$8</f>" in xml
    assert "<f>'完成率'!D2</f>" in xml and "<f>'完成率'!E2</f>" in xml  # series titles
    assert "'完成率'!$B$" not in xml  # 任务数 is not charted
    columns = chart_xml(rendered, 2)
    for letter in "BCDE":
        assert f"<f>'阶段统计'!${letter}$3:${letter}$5</f>" in columns
    assert "<strRef><f>'阶段统计'!$A$3:$A$5</f></strRef>" in columns


def test_chart_titles_labels_and_percent_axis(rendered: bytes) -> None:
    xml = chart_xml(rendered, 1)
    for text in ("各单位完成率与按时报送率", "单位", "比例"):
        assert f"<a:t>{text}</a:t>" in xml
    assert '<showVal val="1"/>' in xml and '<showCatName val="0"/>' in xml
    assert '<max val="1"/><min val="0"/>' in xml
    assert 'formatCode="0%"' in xml and 'formatCode="0.0%"' in xml
    assert '<delete val="0"/>' in xml
    columns = chart_xml(rendered, 2)
    assert '<max val="1"/>' not in columns and "0%" not in columns
    assert "<a:t>任务数（项）</a:t>" in columns


def test_chart_sits_beside_a_narrow_table_and_below_a_wide_one(wb: Workbook) -> None:
    beside = wb["完成率"]._charts[0].anchor._from
    assert (beside.col, beside.row) == (6, 1)  # column G, row 2 (0-based)
    wide = replace(RATES, columns=("单位名称" * 8, *RATES.columns[1:]))
    below = render_one(wide)._charts[0].anchor._from
    assert (below.col, below.row) == (0, 2 + len(RATES.rows) + 2)


def test_table_without_rows_has_no_chart() -> None:
    ws = render_one(replace(RATES, rows=[]))
    assert ws._charts == []
    assert [c.value for c in ws[2]] == list(RATES.columns)


# --- refusals and determinism ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("table", "message"),
    [
        (replace(PLAIN, rows=[["只有一个值"]]), "列数"),
        (replace(RATES, chart=replace(RATES.chart, value_columns=(9,))), "不存在的列"),
        (replace(RATES, chart=replace(RATES.chart, value_columns=())), "不存在的列"),
        (replace(RATES, chart=replace(RATES.chart, value_columns=(0,))), "分类列"),
        (replace(PHASES, chart=replace(PHASES.chart, value_columns=(5,))), "只能填写数字"),
        (replace(RATES, chart=replace(RATES.chart, value_columns=(1,))), "0 至 1"),
        (replace(PLAIN, rows=[["完成率", True]]), "不支持的数据类型"),
        (replace(PLAIN, rows=[["完成率", float("nan")]]), "无法写入"),
        (replace(PLAIN, sheet="统计/汇总"), "不合法"),
    ],
)
def test_inconsistent_tables_are_refused(table: StatsTable, message: str) -> None:
    with pytest.raises(WorkbookRenderError, match=message):
        render_statistics(StatsSpec("统计", SPEC.created, [table]))


def test_duplicate_sheet_names_are_refused() -> None:
    with pytest.raises(WorkbookRenderError, match="重复"):
        render_statistics(StatsSpec("统计", SPEC.created, [PLAIN, PLAIN]))


def test_two_renders_are_byte_identical(rendered: bytes) -> None:
    assert render_statistics(SPEC) == rendered


def test_libreoffice_converts_the_statistics(
    rendered: bytes, tmp_path: Path, convert_to_pdf: Callable[[Path], Path]
) -> None:
    source = tmp_path / "统计.xlsx"
    source.write_bytes(rendered)
    pdf = convert_to_pdf(source).read_bytes()
    assert pdf.startswith(b"%PDF")
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    assert len(boxes) >= 3  # one page per sheet at least
    for width, height in boxes:
        assert float(width) > float(height)  # A4 landscape
