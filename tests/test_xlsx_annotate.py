"""Tests for annotated copies of rejected returned workbooks (退回修改)."""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.worksheet.worksheet import Worksheet

from generator.formats.identity import IDENTITY_SHEET, read_identity, read_row_keys
from generator.render.xlsx.engine import XlsxEngine
from generator.render.xlsx_annotate import (
    NOTE_FILL,
    NOTES_SHEET,
    AnnotateError,
    CellNote,
    annotate_workbook,
)
from tests.test_xlsx_engine import FIRST_DATA_ROW, IDENTITY, SHEET, TEMPLATE, build_spec, row_with

TITLE = "局法制科：台账退回修改说明（2025年度普法依法治理工作方案）"
RED = NOTE_FILL.fgColor.rgb
NOTES = (
    CellNote(
        SHEET,
        "E5",
        "状态「完成了」不是可选值",
        "请从下拉列表中选择：已完成、正在推进、滞后、未启动",
    ),
    CellNote(SHEET, "G6", "完成数「三次」不是数字", "请只填写阿拉伯数字（单位：次），如 6"),
    CellNote(SHEET, "$f$7", "=实施情况不能是公式", "请直接填写文字"),
    CellNote(SHEET, None, "填报人和联系电话未填写", "请在表格第二行填写填报人和联系电话"),
)
NOTED_CELLS = {"E5": NOTES[0], "G6": NOTES[1], "F7": NOTES[2]}
UNIT_EDITS = {
    "E5": "完成了",
    "G6": "三次",
    "F7": "=SUM(1,2)",  # typed as a formula
    "F5": "已组织全科学习两次",
    "H9": "正在推进",
}


def comment_text(note: CellNote) -> str:
    return f"问题：{note.message}\n修改方法：{note.hint}"


def load(data: bytes) -> Workbook:
    return load_workbook(io.BytesIO(data), rich_text=True)


def save(wb: Workbook) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def issued() -> bytes:
    return XlsxEngine(TEMPLATE).render(build_spec())


@pytest.fixture(scope="module")
def returned(issued: bytes) -> bytes:
    """The ledger as a careless unit sends it back."""
    wb = load(issued)
    ws = wb[SHEET]
    for ref, value in UNIT_EDITS.items():
        ws[ref] = value
    ws["J6"].comment = Comment("数量待核实", "张三")
    return save(wb)


@pytest.fixture(scope="module")
def annotated(returned: bytes) -> bytes:
    return annotate_workbook(returned, NOTES, TITLE)


@pytest.fixture(scope="module")
def wb(annotated: bytes) -> Workbook:
    return load(annotated)


@pytest.fixture(scope="module")
def before(returned: bytes) -> Workbook:
    return load(returned)


def all_cells(ws: Worksheet) -> list:
    return [cell for row in ws.iter_rows() for cell in row]


def fill_of(ws: Worksheet, ref: str) -> tuple[object, ...]:
    fill = ws[ref].fill
    return (fill.patternType, fill.fgColor.rgb, fill.bgColor.rgb)


def notes_rows(wb: Workbook) -> list[tuple[object, ...]]:
    return [tuple(r) for r in wb[NOTES_SHEET].iter_rows(min_row=4, values_only=True)]


# --- marking ------------------------------------------------------------------------------


def test_exactly_the_noted_cells_are_red(wb: Workbook) -> None:
    red = {c.coordinate for c in all_cells(wb[SHEET]) if c.fill.fgColor.rgb == RED}
    assert red == set(NOTED_CELLS)


def test_noted_cells_carry_readable_comments(wb: Workbook) -> None:
    comments = {c.coordinate: c.comment for c in all_cells(wb[SHEET]) if c.comment}
    assert set(comments) == {*NOTED_CELLS, "J6"}  # J6: the unit's own comment
    for ref, note in NOTED_CELLS.items():
        assert comments[ref].author == "plandocs"
        assert comments[ref].text == comment_text(note)
    assert comments["J6"].author == "张三" and comments["J6"].text == "数量待核实"


def test_comment_boxes_fit_their_text(returned: bytes) -> None:
    long_note = CellNote(SHEET, "E5", "很长的问题说明" * 30, "很长的修改方法" * 30)
    data = annotate_workbook(returned, [NOTES[0], long_note], TITLE)
    vml = zipfile.ZipFile(io.BytesIO(data)).read("xl/drawings/commentsDrawing1.vml").decode()
    assert "width:360px" in vml
    height = int(vml.split("height:")[1].split("px")[0])
    assert 250 < height <= 800


def test_several_notes_on_one_cell_are_joined(returned: bytes) -> None:
    second = CellNote(SHEET, "E5", "状态与实施情况不一致", "")
    ws = load(annotate_workbook(returned, [NOTES[0], second], TITLE))[SHEET]
    assert ws["E5"].comment.text == comment_text(NOTES[0]) + "\n\n问题：状态与实施情况不一致"


def test_note_inside_a_merge_marks_its_top_left_cell(returned: bytes) -> None:
    note = CellNote(SHEET, "B6", "创建项目被修改", "请恢复为下发时的内容")
    wb = load(annotate_workbook(returned, [note], TITLE))
    assert wb[SHEET]["B5"].fill.fgColor.rgb == RED
    assert wb[SHEET]["B5"].comment.text == comment_text(note)
    assert wb[NOTES_SHEET]["B4"].value == f"{SHEET}!B6"
    assert wb[NOTES_SHEET]["B4"].hyperlink.location == f"'{SHEET}'!B6"


def test_notes_on_missing_places_are_listed_only(returned: bytes, before: Workbook) -> None:
    notes = [
        CellNote("已删除的表", "A1", "工作表被删除", "请使用下发的台账重新填写"),
        CellNote(SHEET, "ZZZZ1", "位置无效", ""),
        CellNote(IDENTITY_SHEET, "A1", "标识被修改", ""),
    ]
    wb = load(annotate_workbook(returned, notes, TITLE))
    labels = [row[1] for row in notes_rows(wb)]
    assert labels[0].startswith("已删除的表!A1（未找到该工作表")
    assert labels[1].startswith(f"{SHEET}!ZZZZ1（单元格位置无效")
    assert labels[2].startswith(f"{IDENTITY_SHEET}!A1（未找到该工作表")
    assert all(wb[NOTES_SHEET].cell(row, 2).hyperlink is None for row in (4, 5, 6))
    assert not any(c.comment and c.comment.author == "plandocs" for c in all_cells(wb[SHEET]))
    assert read_identity(wb) == IDENTITY


# --- the 退回说明 sheet -------------------------------------------------------------------


def test_notes_sheet_is_first_and_lists_notes_in_order(wb: Workbook) -> None:
    ws = wb.worksheets[0]
    assert ws.title == NOTES_SHEET and wb.active.title == NOTES_SHEET
    assert ws.sheet_state == "visible" and ws.sheet_view.tabSelected
    assert not any(other.sheet_view.tabSelected for other in wb.worksheets[1:])
    assert ws["A1"].value == TITLE
    assert ws["A2"].value.startswith("共 4 条问题")
    assert [c.value for c in ws[3]] == ["序号", "位置", "问题", "修改方法"]
    assert notes_rows(wb) == [
        (1, f"{SHEET}!E5", NOTES[0].message, NOTES[0].hint),
        (2, f"{SHEET}!G6", NOTES[1].message, NOTES[1].hint),
        (3, f"{SHEET}!F7", NOTES[2].message, NOTES[2].hint),
        (4, "整个工作簿", NOTES[3].message, NOTES[3].hint),
    ]


def test_notes_sheet_links_to_the_cells(wb: Workbook) -> None:
    ws = wb[NOTES_SHEET]
    links = [ws.cell(row, 2).hyperlink for row in range(4, 8)]
    assert [link.location if link else None for link in links] == [
        f"'{SHEET}'!E5",
        f"'{SHEET}'!G6",
        f"'{SHEET}'!F7",
        None,
    ]
    assert ws["B4"].font.u == "single"


def test_notes_sheet_is_laid_out_for_reading(wb: Workbook) -> None:
    ws = wb[NOTES_SHEET]
    widths = [ws.column_dimensions[letter].width for letter in "ABCD"]
    assert widths[0] < widths[1] < widths[2] == widths[3]
    assert all(ws.cell(4, col).alignment.wrap_text for col in range(1, 5))
    assert all(ws.row_dimensions[row].height for row in range(1, 8))
    assert ws.freeze_panes == "A4"
    assert ws.page_setup.orientation == "landscape"
    assert ws.print_title_rows == "$3:$3"


def test_message_starting_with_equals_stays_text(wb: Workbook) -> None:
    cell = wb[NOTES_SHEET]["C6"]
    assert (cell.value, cell.data_type) == ("=实施情况不能是公式", "s")


# --- what the unit sent stays -----------------------------------------------------------


def test_unit_values_are_unchanged(wb: Workbook, before: Workbook) -> None:
    for name in (SHEET, IDENTITY_SHEET):
        old = {c.coordinate: (c.value, c.data_type) for c in all_cells(before[name])}
        new = {c.coordinate: (c.value, c.data_type) for c in all_cells(wb[name])}
        assert new == old
    assert wb[SHEET]["F7"].value == "=SUM(1,2)" and wb[SHEET]["F7"].data_type == "f"


def test_identity_sheet_still_reads_back(wb: Workbook) -> None:
    assert wb[IDENTITY_SHEET].sheet_state == "veryHidden"
    assert read_identity(wb) == IDENTITY
    assert read_row_keys(wb, SHEET) == {
        FIRST_DATA_ROW + i: row.key for i, row in enumerate(build_spec().sheets[0].rows)
    }


def test_validations_protection_and_layout_are_kept(wb: Workbook, before: Workbook) -> None:
    old, new = before[SHEET], wb[SHEET]

    def validations(ws: Worksheet) -> list[tuple[str, str, str]]:
        return sorted(
            (v.type, v.formula1, str(v.sqref)) for v in ws.data_validations.dataValidation
        )

    assert validations(new) == validations(old) and validations(new)
    assert new.protection.sheet and wb.security.lockStructure
    assert wb[IDENTITY_SHEET].protection.sheet
    assert {c.coordinate: c.protection.locked for c in all_cells(new)} == {
        c.coordinate: c.protection.locked for c in all_cells(old)
    }
    assert {str(r) for r in new.merged_cells.ranges} == {str(r) for r in old.merged_cells.ranges}
    for letter, dim in old.column_dimensions.items():
        assert new.column_dimensions[letter].width == dim.width
    for row, dim in old.row_dimensions.items():
        assert new.row_dimensions[row].height == dim.height
    assert (new.freeze_panes, new.print_title_rows, new.print_area) == (
        old.freeze_panes,
        old.print_title_rows,
        old.print_area,
    )
    assert new.page_setup.orientation == "landscape"
    assert new.page_setup.fitToWidth == old.page_setup.fitToWidth  # pages wide, as issued


def test_literal_escape_text_survives(returned: bytes) -> None:
    data = XlsxEngine(TEMPLATE).render(build_spec([row_with("编号_x0041_")]))
    annotated = annotate_workbook(data, [NOTES[0]], TITLE)
    sheet_xml = zipfile.ZipFile(io.BytesIO(annotated)).read("xl/worksheets/sheet2.xml")
    assert b"_x005F_x0041_" in sheet_xml


# --- input, determinism, errors -----------------------------------------------------------


def test_input_is_not_modified_and_output_is_reproducible(
    returned: bytes, annotated: bytes
) -> None:
    digest = hashlib.sha256(returned).hexdigest()
    assert annotate_workbook(returned, NOTES, TITLE) == annotated
    assert hashlib.sha256(returned).hexdigest() == digest
    assert load(annotated).properties.lastModifiedBy == "plandocs"


def test_annotating_a_corrected_copy_replaces_the_old_marks(
    annotated: bytes, before: Workbook
) -> None:
    note = CellNote(SHEET, "J6", "完成数仍未填写", "请填写完成数")
    again = load(annotate_workbook(annotated, [note], TITLE))
    ws = again[SHEET]
    assert again.sheetnames.count(NOTES_SHEET) == 1
    assert notes_rows(again) == [(1, f"{SHEET}!J6", note.message, note.hint)]
    for ref in NOTED_CELLS:  # previous marks are gone, the template fill is back
        assert ws[ref].comment is None
        assert fill_of(ws, ref) == fill_of(before[SHEET], ref)
    # The unit's own comment is kept below ours, and given back on the next round.
    assert ws["J6"].comment.text.startswith(comment_text(note))
    assert "单位原有批注（张三）" in ws["J6"].comment.text
    clean = load(annotate_workbook(save(again), [], TITLE))[SHEET]["J6"].comment
    assert (clean.author, clean.text) == ("张三", "数量待核实")


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"not a workbook",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512,  # encrypted / .xls container
        b"PK\x03\x04" + b"\x00" * 64,  # truncated zip
    ],
)
def test_unreadable_files_raise_annotate_error(data: bytes) -> None:
    with pytest.raises(AnnotateError, match="无法生成退回批注副本"):
        annotate_workbook(data, NOTES, TITLE)


def test_libreoffice_converts_the_annotated_copy(
    annotated: bytes, tmp_path: Path, convert_to_pdf: Callable[[Path], Path]
) -> None:
    source = tmp_path / "退回修改.xlsx"
    source.write_bytes(annotated)
    pdf = convert_to_pdf(source).read_bytes()
    assert pdf.startswith(b"%PDF")
    # The 退回说明 sheet and the ledger print on pages of their own.
    assert len(re.findall(rb"/Type\s*/Page(?!s)", pdf)) >= 2
