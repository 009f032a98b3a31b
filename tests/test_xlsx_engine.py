"""Tests for the Excel ledger engine and its template."""

from __future__ import annotations

import datetime
import hashlib
import importlib.util
import io
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from unittest import mock

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.worksheet.worksheet import Worksheet

from generator.formats import identity
from generator.formats.identity import (
    IDENTITY_SHEET,
    WorkbookIdentityError,
    read_column_keys,
    read_identity,
    read_row_keys,
)
from generator.render.workbook_spec import Column, Row, SheetSpec, WorkbookRenderError, WorkbookSpec
from generator.render.xlsx import engine as engine_module
from generator.render.xlsx import styles as ledger_styles
from generator.render.xlsx.engine import CHOICE_ERROR, XlsxEngine
from generator.render.xlsx.styles import (
    STYLE_DISABLED,
    STYLE_NUMBER,
    STYLE_TEXT,
    TemplateStyleWarning,
)
from tests.conftest import convert_to_pdf

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "templates" / "ledger.xlsx"
STATUSES = ("已完成", "正在推进", "滞后", "未启动")
PHASES = ("宣传教育阶段（5月份）", "集中整治阶段（6—9月份）", "总结提升阶段（10—11月份）")
PROJECTS = ("法治政府建设", "法治机关建设", "法治学校建设")
IDENTITY = {"unit_id": "0012", "unit_name": "局法制科", "plan_id": "2025-pf", "plan_version": "3"}
SHEET = "台账"
HEADER_ROWS = (3, 4)
FIRST_DATA_ROW = 5
TASK = "深入学习宣传贯彻习近平法治思想，组织开展“八五”普法中期评估，落实“谁执法谁普法”普法责任制"


def build_columns() -> list[Column]:
    columns = [
        Column("seq", "序号", 5, "text"),
        Column("project", "创建项目", 14, "text"),
        Column("task", "工作任务", 36, "text"),
        Column("unit", "责任单位", 12, "text"),
    ]
    for number, phase in enumerate(PHASES, start=1):
        columns += [
            Column(f"p{number}_status", "状态", 10, "input_choice", phase, STATUSES),
            Column(f"p{number}_note", "实施情况", 22, "input_text", phase),
            Column(f"p{number}_count", "完成数", 8, "input_number", phase),
        ]
    return columns


def disabled_for(index: int) -> frozenset[str]:
    """Every third task has no countable output in phase 2, row 7 none in phase 3."""
    disabled = {"p2_count"} if index % 3 == 0 else set()
    if index == 7:
        disabled.add("p3_count")
    return frozenset(disabled)


def build_rows(count: int = 12) -> list[Row]:
    return [
        Row(
            f"task-{index:02d}",
            {
                "seq": index + 1,
                "project": PROJECTS[index // 4],
                "task": TASK * (1 + index % 2),
                "unit": "局法制科",
            },
            disabled_for(index),
        )
        for index in range(count)
    ]


def build_spec(rows: list[Row] | None = None, sheet_name: str = SHEET) -> WorkbookSpec:
    sheet = SheetSpec(
        name=sheet_name,
        title="2025年度普法依法治理工作台账",
        subtitle="填报单位：局法制科　　填报人：　　联系电话：",
        columns=build_columns(),
        rows=build_rows() if rows is None else rows,
        merge_equal=frozenset({"project"}),
    )
    return WorkbookSpec(
        sheets=[sheet],
        identity=IDENTITY,
        title="2025年度普法依法治理工作台账（局法制科）",
        created=datetime.datetime(2025, 3, 1, 9, 30),
    )


def row_with(task: object) -> Row:
    return Row("odd", {"seq": 1, "project": "法治政府建设", "task": task}, frozenset())


@pytest.fixture(scope="module")
def engine() -> XlsxEngine:
    return XlsxEngine(TEMPLATE)


@pytest.fixture(scope="module")
def rendered(engine: XlsxEngine) -> bytes:
    return engine.render(build_spec())


@pytest.fixture(scope="module")
def workbook(rendered: bytes) -> Workbook:
    return load_workbook(io.BytesIO(rendered))


@pytest.fixture(scope="module")
def ws(workbook: Workbook) -> Worksheet:
    return workbook[SHEET]


def column_index(key: str) -> int:
    return next(i for i, c in enumerate(build_columns(), start=1) if c.key == key)


def cells_of(sqref: object) -> set[str]:
    cells: set[str] = set()
    for part in str(sqref).split():
        min_col, min_row, max_col, max_row = range_boundaries(part)
        for row in range(min_row, max_row + 1):
            for col in range(min_col, max_col + 1):
                cells.add(f"{get_column_letter(col)}{row}")
    return cells


def enabled_cells(kinds: tuple[str, ...]) -> Iterator[tuple[str, Column]]:
    for offset, row in enumerate(build_rows()):
        for index, column in enumerate(build_columns(), start=1):
            if column.kind in kinds and column.key not in row.disabled:
                yield f"{get_column_letter(index)}{FIRST_DATA_ROW + offset}", column


# --- layout -------------------------------------------------------------------------------


def test_title_subtitle_and_two_row_header(ws: Worksheet) -> None:
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert ws["A1"].value == "2025年度普法依法治理工作台账"
    assert ws["A2"].value.startswith("填报单位：局法制科")
    assert {"A1:M1", "A2:M2"} <= merged
    # Ungrouped headers span both header rows; each phase spans its three columns.
    assert {"A3:A4", "B3:B4", "C3:C4", "D3:D4", "E3:G3", "H3:J3", "K3:M3"} <= merged
    assert [ws.cell(3, c).value for c in (5, 8, 11)] == list(PHASES)
    assert [ws.cell(4, c).value for c in range(5, 8)] == ["状态", "实施情况", "完成数"]


def test_project_cells_merge_vertically(ws: Worksheet) -> None:
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"B5:B8", "B9:B12", "B13:B16"} <= merged
    assert [ws[f"B{r}"].value for r in (5, 9, 13)] == list(PROJECTS)


def test_row_heights_follow_text_length(ws: Worksheet) -> None:
    heights = {r: ws.row_dimensions[r].height for r in range(1, FIRST_DATA_ROW + 12)}
    assert all(h and 15 <= h <= 409 for h in heights.values())
    # Odd rows carry the task text twice and need more room.
    assert heights[FIRST_DATA_ROW + 1] > heights[FIRST_DATA_ROW]


def test_freeze_panes_below_header_right_of_text_columns(ws: Worksheet) -> None:
    # 序号 + 创建项目 + 工作任务 = 55 characters stay in view; 责任单位 would be too wide.
    assert ws.freeze_panes == f"D{FIRST_DATA_ROW}"


# --- protection and validation -------------------------------------------------------------


def test_only_enabled_input_cells_are_unlocked(ws: Worksheet) -> None:
    assert ws.protection.sheet
    assert not ws.protection.formatRows and not ws.protection.formatColumns
    unlocked = {
        cell.coordinate
        for row in ws.iter_rows(min_row=1, max_row=ws.max_row + 2, max_col=ws.max_column + 2)
        for cell in row
        if cell.protection.locked is False
    }
    expected = {ref for ref, _ in enabled_cells(("input_text", "input_choice", "input_number"))}
    assert unlocked == expected
    assert len(expected) == 12 * 9 - 5  # 4 rows lose p2_count, row 7 also p3_count


def test_disabled_cells_are_grey_and_locked(engine: XlsxEngine, ws: Worksheet) -> None:
    grey = engine.styles[STYLE_DISABLED].fill.fgColor.rgb
    for offset, row in enumerate(build_rows()):
        for key in row.disabled:
            cell = ws.cell(FIRST_DATA_ROW + offset, column_index(key))
            assert cell.protection.locked is True
            assert cell.fill.fgColor.rgb == grey
            assert cell.style == STYLE_DISABLED


def test_choice_validations(ws: Worksheet) -> None:
    lists = [v for v in ws.data_validations.dataValidation if v.type == "list"]
    expected = {ref for ref, _ in enabled_cells(("input_choice",))}
    assert set().union(*(cells_of(v.sqref) for v in lists)) == expected
    for validation in lists:
        assert validation.formula1 == '"' + ",".join(STATUSES) + '"'
        assert validation.error == CHOICE_ERROR
        assert validation.showErrorMessage


def test_number_validations_and_format(engine: XlsxEngine, ws: Worksheet) -> None:
    numbers = [v for v in ws.data_validations.dataValidation if v.type == "decimal"]
    expected = {ref for ref, _ in enabled_cells(("input_number",))}
    assert set().union(*(cells_of(v.sqref) for v in numbers)) == expected
    assert "J5" not in expected and "J6" in expected  # row 0 has no phase-2 count
    for validation in numbers:
        assert (validation.operator, validation.formula1) == ("greaterThanOrEqual", "0")
        assert validation.showErrorMessage and "数字" in validation.error
    for ref in expected:
        assert ws[ref].number_format == engine.styles[STYLE_NUMBER].number_format
        assert ws[ref].style == STYLE_NUMBER


# --- print setup ------------------------------------------------------------------------------


def test_print_setup(ws: Worksheet) -> None:
    assert ws.page_setup.orientation == "landscape"
    assert int(ws.page_setup.paperSize) == 9  # A4
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.page_setup.fitToHeight == 0  # as many pages tall as needed
    assert ws.print_title_rows == "$3:$4"
    assert ws.print_options.horizontalCentered
    assert ws.oddFooter.center.text == "第 &P 页 共 &N 页"
    assert ws.page_margins.left <= 1


def test_ledger_prints_at_9_pt_or_more(ws: Worksheet) -> None:
    """Excel shrinks a sheet to ``fitToWidth`` pages wide: the scale that leaves must keep
    the smallest text at 9 pt. A column of width w is 7w + 5 pixels at 96 dpi."""
    letters = [get_column_letter(col) for col in range(1, ws.max_column + 1)]
    width_mm = sum((ws.column_dimensions[c].width * 7 + 5) * 25.4 / 96 for c in letters)
    margins = (ws.page_margins.left + ws.page_margins.right) * 25.4
    scale = min(1.0, ws.page_setup.fitToWidth * (297 - margins) / width_mm)
    sizes = {ws.cell(row, col).font.sz for row in range(3, 8) for col in range(1, len(letters))}
    assert min(sizes) * scale >= 9, (min(sizes), scale)


# --- identity sheet ----------------------------------------------------------------------------


def test_identity_sheet_round_trip(workbook: Workbook) -> None:
    assert workbook[IDENTITY_SHEET].sheet_state == "veryHidden"
    assert workbook.active.title == SHEET
    assert workbook.security.lockStructure
    assert read_identity(workbook) == IDENTITY
    assert read_row_keys(workbook, SHEET) == {
        FIRST_DATA_ROW + i: row.key for i, row in enumerate(build_rows())
    }
    assert read_column_keys(workbook, SHEET) == {
        i: c.key for i, c in enumerate(build_columns(), start=1)
    }
    assert identity.read_sheet_map(workbook, SHEET).header_rows == HEADER_ROWS


def test_identity_missing_is_reported() -> None:
    with pytest.raises(WorkbookIdentityError, match=IDENTITY_SHEET):
        read_identity(Workbook())


def test_document_properties(workbook: Workbook) -> None:
    assert workbook.properties.title == "2025年度普法依法治理工作台账（局法制科）"
    assert workbook.properties.created == datetime.datetime(2025, 3, 1, 9, 30)
    assert workbook.properties.modified == datetime.datetime(2025, 3, 1, 9, 30)
    assert workbook.properties.lastModifiedBy == "plandocs"


# --- cell value safety ---------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["=1+1", "#N/A", "0012", "+86 10", "@提及"])
def test_strings_stay_text(engine: XlsxEngine, text: str) -> None:
    data = engine.render(build_spec([row_with(text)]))
    cell = load_workbook(io.BytesIO(data))[SHEET][f"C{FIRST_DATA_ROW}"]
    assert cell.data_type == "s"
    assert cell.value == text


def test_literal_ooxml_escape_is_protected(engine: XlsxEngine) -> None:
    """Excel would show "_x0041_" as "A"; its own escape for a literal underscore keeps it."""
    data = engine.render(build_spec([row_with("编号_x0041_")]))
    strings_xml = zipfile.ZipFile(io.BytesIO(data)).read("xl/sharedStrings.xml")
    assert b"_x005F_x0041_" in strings_xml
    # openpyxl, like Excel, drops the escape's marker from a shared string
    cell = load_workbook(io.BytesIO(data))[SHEET][f"C{FIRST_DATA_ROW}"]
    assert cell.value == "编号_x0041_"


def test_numbers_stay_numbers(engine: XlsxEngine) -> None:
    data = engine.render(build_spec([row_with(3.5)]))
    cell = load_workbook(io.BytesIO(data))[SHEET][f"C{FIRST_DATA_ROW}"]
    assert (cell.data_type, cell.value) == ("n", 3.5)


def test_overlong_text_is_refused_with_cell_name(engine: XlsxEngine) -> None:
    with pytest.raises(WorkbookRenderError, match=f"{SHEET}!C{FIRST_DATA_ROW}.*32767"):
        engine.render(build_spec([row_with("字" * 40000)]))


@pytest.mark.parametrize("char", ["\x0b", "\x00", "\x1f"])
def test_control_characters_are_refused_with_cell_name(engine: XlsxEngine, char: str) -> None:
    with pytest.raises(WorkbookRenderError, match=f"{SHEET}!C{FIRST_DATA_ROW}.*U\\+00"):
        engine.render(build_spec([row_with(f"第一段{char}第二段")]))


def test_bad_identity_value_is_refused(engine: XlsxEngine) -> None:
    spec = build_spec()
    bad = WorkbookSpec(spec.sheets, {"unit_name": "局\x0b法制科"}, spec.title, spec.created)
    with pytest.raises(WorkbookRenderError, match=IDENTITY_SHEET):
        engine.render(bad)


@pytest.mark.parametrize(
    "spec",
    [
        build_spec(sheet_name="台账[1]"),
        build_spec(sheet_name=IDENTITY_SHEET),
        build_spec([row_with("甲"), row_with("乙")]),  # duplicate row key
        build_spec([Row("x", {"nope": "值"})]),
        build_spec([Row("x", {}, frozenset({"task"}))]),  # text columns cannot be disabled
    ],
)
def test_inconsistent_specs_are_refused(engine: XlsxEngine, spec: WorkbookSpec) -> None:
    with pytest.raises(WorkbookRenderError):
        engine.render(spec)


def test_choices_with_ascii_comma_are_refused(engine: XlsxEngine) -> None:
    spec = build_spec()
    columns = [
        *spec.sheets[0].columns,
        Column("bad", "评价", 8, "input_choice", None, ("好,很好",)),
    ]
    sheet = SheetSpec(SHEET, "标题", columns=columns, rows=build_rows(2))
    with pytest.raises(WorkbookRenderError, match="逗号"):
        engine.render(WorkbookSpec([sheet], IDENTITY, "标题", spec.created))


# --- determinism and template handling ---------------------------------------------


def test_two_renders_are_byte_identical(engine: XlsxEngine, rendered: bytes) -> None:
    assert engine.render(build_spec()) == rendered
    assert XlsxEngine(TEMPLATE).render(build_spec()) == rendered


def test_render_is_identical_across_processes(rendered: bytes) -> None:
    """Another interpreter with another hash seed must produce the same bytes."""
    code = (
        "import hashlib, sys\n"
        "from test_xlsx_engine import TEMPLATE, build_spec\n"
        "from generator.render.xlsx.engine import XlsxEngine\n"
        "print(hashlib.sha256(XlsxEngine(TEMPLATE).render(build_spec())).hexdigest())\n"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345", "PYTHONPATH": str(Path(__file__).parent)}
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == hashlib.sha256(rendered).hexdigest()


def test_template_is_read_once(tmp_path: Path) -> None:
    template = tmp_path / "ledger.xlsx"
    shutil.copy(TEMPLATE, template)
    with mock.patch.object(
        engine_module, "load_workbook", wraps=engine_module.load_workbook
    ) as loader:
        engine = XlsxEngine(template)
        assert loader.call_count == 1
        template.unlink()  # rendering must not need the file any more
        first = engine.render(build_spec())
        second = engine.render(build_spec())
    assert loader.call_count == 1
    assert first == second


def test_template_restyle_is_picked_up(tmp_path: Path) -> None:
    """Formatting the 台账文字 sample cell in the template changes rendered text cells."""
    wb = load_workbook(TEMPLATE)
    sample = next(c for row in wb["台账"].iter_rows() for c in row if c.style == STYLE_TEXT)
    sample.font = Font(name="楷体_GB2312", sz=14)
    path = tmp_path / "restyled.xlsx"
    wb.save(path)
    data = XlsxEngine(path).render(build_spec())
    cell = load_workbook(io.BytesIO(data))[SHEET][f"C{FIRST_DATA_ROW}"]
    assert (cell.font.name, cell.font.sz) == ("楷体_GB2312", 14)


def test_missing_template_styles_fall_back_with_warning(tmp_path: Path) -> None:
    bare = Workbook()
    bare.active.title = "台账"
    path = tmp_path / "bare.xlsx"
    bare.save(path)
    with pytest.warns(TemplateStyleWarning) as caught:
        engine = XlsxEngine(path)
    assert len(caught) == 1 and "台账文字" in str(caught[0].message)
    ws = load_workbook(io.BytesIO(engine.render(build_spec())))[SHEET]
    assert ws[f"C{FIRST_DATA_ROW}"].font.name == "仿宋_GB2312"


def test_committed_template_is_up_to_date() -> None:
    """templates/ledger.xlsx is exactly what tools/make_xlsx_template.py writes."""
    spec = importlib.util.spec_from_file_location(
        "make_xlsx_template", ROOT / "tools" / "make_xlsx_template.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.template_bytes() == TEMPLATE.read_bytes()


# --- LibreOffice -------------------------------------------------------------------


def test_libreoffice_prints_a4_landscape(rendered: bytes, tmp_path: Path) -> None:
    source = tmp_path / "ledger.xlsx"
    source.write_bytes(rendered)
    pdf = convert_to_pdf(source, tmp_path).read_bytes()
    assert pdf.startswith(b"%PDF")
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    assert boxes, "no page found in the PDF"
    for width, height in boxes:
        assert abs(float(width) - 841.9) < 2 and abs(float(height) - 595.3) < 2


def nested_spec() -> WorkbookSpec:
    """build_spec() with 责任单位 merged too, inside each 创建项目."""
    spec = build_spec()
    sheet = spec.sheets[0]
    nested = SheetSpec(
        sheet.name,
        sheet.title,
        sheet.subtitle,
        sheet.columns,
        sheet.rows,
        frozenset({"project", "unit"}),
    )
    return WorkbookSpec([nested], IDENTITY, spec.title, spec.created)


def test_nested_merge_never_crosses_a_project(engine: XlsxEngine) -> None:
    data = engine.render(nested_spec())
    merged = {str(r) for r in load_workbook(io.BytesIO(data))[SHEET].merged_cells.ranges}
    # Every row has the same 责任单位, yet its merges stop at each 创建项目 boundary.
    assert {"D5:D8", "D9:D12", "D13:D16"} <= merged
    assert not any(
        r.startswith("D") and r not in {"D3:D4", "D5:D8", "D9:D12", "D13:D16"} for r in merged
    )


# --- what a reader sees: frozen from the former openpyxl writer ------------------------------
#
# tests/fixtures/xlsx_engine_semantics.json holds semantics() of the workbooks the engine
# wrote with openpyxl (one Python object per cell) for the specs below, before it wrote XML
# directly. Each render must still read back the same. After a deliberate layout change,
# rewrite it with ``python -m tests.test_xlsx_engine`` and review the diff.

SEMANTICS = ROOT / "tests" / "fixtures" / "xlsx_engine_semantics.json"
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def variant_specs() -> dict[str, WorkbookSpec]:
    """Specs covering every feature: merges, both freeze kinds, values, two sheets."""
    base = build_spec()
    sheet = base.sheets[0]
    values = [
        Row("a", {"seq": 1, "project": "=1+1", "task": "  前后有空格 ", "p1_note": "-5"}),
        Row("b", {"seq": 2.5, "project": "@提及", "task": '<b>&"引号"\'</b>', "p1_count": 0}),
        Row(
            "c",
            {"seq": 3, "task": "编号_x0041_\n第二行\t制表", "p1_count": 12.25},
            frozenset({"p2_count"}),
        ),
    ]
    plain = SheetSpec("填报", "标题", columns=sheet.columns, rows=values)
    wide_first = [
        Column("note", "说明", 30, "input_text"),
        Column("mark", "标记", 6, "input_choice", "单独一组", ("是", "否")),
        Column("n", "数", 6, "input_number"),
    ]
    second = SheetSpec("第二表's", "第二表", "副标题", wide_first, [Row("x", {"note": "已填"})])
    marked = {**IDENTITY, "unit_name": "=局法制科", "note": " & <注> "}
    return {
        "base": base,
        "nested": nested_spec(),
        "values_two_sheets": WorkbookSpec([plain, second], marked, "两表", base.created),
    }


def _side(side: object) -> list[object]:
    return [getattr(side, "style", None), getattr(getattr(side, "color", None), "rgb", None)]


def _format(cell: object) -> list[object]:
    """A cell's formatting as plain values (reprs would change with openpyxl versions)."""
    font, fill, border = cell.font, cell.fill, cell.border  # type: ignore[attr-defined]
    align, protection = cell.alignment, cell.protection  # type: ignore[attr-defined]
    return [
        cell.style,  # type: ignore[attr-defined]
        cell.number_format,  # type: ignore[attr-defined]
        bool(cell.quotePrefix),  # type: ignore[attr-defined]
        [font.name, font.sz, font.b, font.i, font.charset, font.color and font.color.rgb],
        [fill.patternType, fill.fgColor.rgb],
        [_side(getattr(border, name)) for name in ("left", "right", "top", "bottom")],
        [align.horizontal, align.vertical, bool(align.wrapText)],
        [protection.locked, protection.hidden],
    ]


def _raw_formats(data: bytes) -> dict[str, object]:
    """sheet!cell -> the format its XML refers to, covered cells of merges included.

    openpyxl re-derives the borders of covered cells when it reads a workbook, so only
    the XML shows what LibreOffice and Excel print there.
    """
    from lxml import etree

    archive = zipfile.ZipFile(io.BytesIO(data))
    styles = etree.fromstring(archive.read("xl/styles.xml"))

    def table(tag: str) -> list[object]:
        return list(styles.find(_MAIN + tag))

    fonts, fills, borders = table("fonts"), table("fills"), table("borders")

    def text(element: object) -> str:
        return etree.tostring(element, encoding="unicode").replace(f' xmlns="{_MAIN[1:-1]}"', "")

    def sides(border: object) -> list[str]:
        return sorted(text(side) for side in border if len(side) or side.attrib)  # type: ignore[attr-defined]

    xfs = [
        [
            canonical_font(text(fonts[int(xf.get("fontId", 0))])),
            text(fills[int(xf.get("fillId", 0))]),
            sides(borders[int(xf.get("borderId", 0))]),
            xf.get("numFmtId", "0"),
            xf.get("quotePrefix") in ("1", "true"),
            [text(child) for child in xf],
        ]
        for xf in styles.find(_MAIN + "cellXfs")
    ]
    used: list[list[object]] = []
    cells: dict[str, int] = {}
    names = sorted(n for n in archive.namelist() if n.startswith("xl/worksheets/sheet"))
    for name in names:
        sheet = etree.fromstring(archive.read(name))
        for cell in sheet.iter(_MAIN + "c"):
            xf = xfs[int(cell.get("s", 0))]
            if xf not in used:
                used.append(xf)
            cells[f"{Path(name).stem}!{cell.get('r')}"] = used.index(xf)
    return {"formats": used, "cells": cells}


def canonical_font(xml: str) -> str:
    """A font's XML with its children sorted: their order carries no meaning (sml.xsd's
    CT_Font is a choice), and the writer now puts them in the Open XML SDK's order."""
    from lxml import etree

    font = etree.fromstring(xml.replace("<font>", f'<font xmlns="{_MAIN[1:-1]}">', 1))
    children = sorted(
        etree.tostring(child, encoding="unicode").replace(f' xmlns="{_MAIN[1:-1]}"', "")
        for child in font
    )
    return "<font>" + "".join(children) + "</font>"


def semantics(data: bytes) -> dict[str, object]:
    """Everything about a rendered workbook that a reader (openpyxl, Excel, WPS) sees."""
    wb = load_workbook(io.BytesIO(data))
    props = wb.properties
    formats: list[list[object]] = []
    result: dict[str, object] = {
        "sheets": [[ws.title, ws.sheet_state] for ws in wb.worksheets],
        "active": wb.active.title,
        "lock_structure": bool(wb.security and wb.security.lockStructure),
        "properties": [props.title, props.creator, props.lastModifiedBy, str(props.created)],
        "modified": str(props.modified),
        "identity": read_identity(wb),
        "raw_formats": _raw_formats(data),
    }
    for ws in wb.worksheets:
        cells = {}
        for row in ws.iter_rows():
            for cell in row:
                fmt = _format(cell)
                if fmt not in formats:
                    formats.append(fmt)
                if cell.value is not None or cell.has_style:
                    cells[cell.coordinate] = [cell.value, cell.data_type, formats.index(fmt)]
        setup, margins, footer = ws.page_setup, ws.page_margins, ws.oddFooter.center
        fit = ws.sheet_properties.pageSetUpPr
        result[ws.title] = {
            "cells": cells,
            "merged": sorted(str(r) for r in ws.merged_cells.ranges),
            "validations": sorted(
                [
                    v.type,
                    v.operator,
                    v.formula1,
                    v.error,
                    v.errorTitle,
                    v.errorStyle,
                    bool(v.allow_blank),
                    bool(v.showErrorMessage),
                    sorted(cells_of(v.sqref)),
                ]
                for v in ws.data_validations.dataValidation
            ),
            "widths": {
                k: d.width for k, d in sorted(ws.column_dimensions.items()) if d.customWidth
            },
            "heights": {
                str(r): round(d.height, 2) for r, d in ws.row_dimensions.items() if d.height
            },
            "freeze": ws.freeze_panes,
            "protection": [
                bool(ws.protection.sheet),
                bool(ws.protection.formatRows),
                bool(ws.protection.formatColumns),
                ws.protection.password,
            ],
            "print": [
                setup.orientation,
                setup.paperSize,
                setup.fitToWidth,
                setup.fitToHeight,
                fit.fitToPage if fit else None,
                ws.print_options.horizontalCentered,
                ws.print_title_rows,
                ws.print_area,
                [margins.left, margins.right, margins.top, margins.bottom, margins.header],
                [margins.footer, footer.text, footer.font, footer.size],
            ],
        }
    result["formats"] = formats
    return json.loads(json.dumps(result, ensure_ascii=False, default=str))


def freeze_semantics(render: Callable[[WorkbookSpec], bytes]) -> None:
    frozen = {name: semantics(render(spec)) for name, spec in variant_specs().items()}
    SEMANTICS.write_text(json.dumps(frozen, ensure_ascii=False, indent=1) + "\n", "utf-8")


@pytest.mark.parametrize("name", sorted(variant_specs()))
def test_reads_back_as_the_openpyxl_writer_wrote(engine: XlsxEngine, name: str) -> None:
    expected = json.loads(SEMANTICS.read_text("utf-8"))[name]
    for fmt in expected["raw_formats"]["formats"]:
        fmt[0] = canonical_font(fmt[0])
    actual = semantics(engine.render(variant_specs()[name]))
    for key in expected:  # one key at a time, for a readable failure
        assert actual[key] == expected[key], key
    assert actual.keys() == expected.keys()


def example_specs() -> list[WorkbookSpec]:
    from generator.documents.ledger_workbook import master_ledger_spec, unit_ledger_spec
    from generator.read.plan_reader import read_plan
    from tests.helpers import EXAMPLE

    plan = read_plan(EXAMPLE)
    units = [u for u in plan.organisation.units if plan.targets_for(u)]
    return [master_ledger_spec(plan), *(unit_ledger_spec(plan, u) for u in units)]


def expected_role(sheet: SheetSpec, row: int, col: int) -> str:
    """The named style the template convention gives a cell of a ledger with a subtitle."""
    roles = {1: ledger_styles.STYLE_TITLE, 2: ledger_styles.STYLE_SUBTITLE}
    if row in roles:
        return roles[row]
    if row in HEADER_ROWS:
        return ledger_styles.STYLE_HEADER
    column = sheet.columns[col - 1]
    disabled = column.key in sheet.rows[row - FIRST_DATA_ROW].disabled
    return engine_module._data_style(column, disabled)


def test_example_ledgers_follow_the_template(engine: XlsxEngine) -> None:
    """The master and every unit ledger of the example: each cell's style, value and lock."""
    specs = example_specs()
    assert len(specs) > 10
    for spec in specs:
        sheet = spec.sheets[0]
        ws = load_workbook(io.BytesIO(engine.render(spec)))[sheet.name]
        starts = {(r.min_row, r.min_col) for r in ws.merged_cells.ranges}
        covered = {(row, col) for r in ws.merged_cells.ranges for row, col in r.cells} - starts
        last_row = FIRST_DATA_ROW + len(sheet.rows) - 1
        for row in range(1, last_row + 1):
            for col in range(1, len(sheet.columns) + 1):
                cell = ws.cell(row, col)
                if (row, col) in covered:
                    assert cell.value is None, cell.coordinate
                    continue
                if row == 2 or (row == 1 and col == 1):
                    continue  # title lines: one cell spanning the table
                role = expected_role(sheet, row, col)
                style = engine.styles[role]
                assert cell.style == role, cell.coordinate
                assert (cell.font, cell.fill, cell.border, cell.alignment) == (
                    style.font,
                    style.fill,
                    style.border,
                    style.alignment,
                ), cell.coordinate
                assert cell.protection.locked == (role not in ledger_styles.UNLOCKED_STYLES)
                if row >= FIRST_DATA_ROW:
                    value = sheet.rows[row - FIRST_DATA_ROW].values.get(sheet.columns[col - 1].key)
                    assert cell.value == (value or None), cell.coordinate
        assert (ws["A1"].value, ws["A2"].value) == (sheet.title, sheet.subtitle)
        widths = [
            ws.column_dimensions[get_column_letter(i)].width
            for i in range(1, len(sheet.columns) + 1)
        ]
        assert widths == [c.width for c in sheet.columns]
        book = ws.parent
        assert read_identity(book) == spec.identity
        assert read_row_keys(book, sheet.name) == {
            FIRST_DATA_ROW + i: r.key for i, r in enumerate(sheet.rows)
        }


def test_carriage_return_in_text_is_kept(engine: XlsxEngine) -> None:
    """A CR written as is would read back as LF (XML line-end handling)."""
    data = engine.render(build_spec([row_with("第一行\r第二行\r\n第三行")]))
    cell = load_workbook(io.BytesIO(data))[SHEET][f"C{FIRST_DATA_ROW}"]
    assert cell.value == "第一行\r第二行\r\n第三行"


if __name__ == "__main__":
    freeze_semantics(XlsxEngine(TEMPLATE).render)
