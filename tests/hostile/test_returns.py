"""Hostile and careless returned ledgers: each refused at its place, or read faithfully.

Every case is written to a returns folder and checked from there, asserting the Chinese
message, the file and sheet!cell it names, that the file on disk is unchanged and that the
check is quick (the limit cases are guards against minutes-long or memory-exhausting
parsing). A few go through ``plandocs collect`` next to another unit's good return.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import struct
import subprocess
import time
import zipfile
from collections.abc import Callable
from copy import copy
from pathlib import Path

import openpyxl
import pytest
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.comments import Comment
from openpyxl.styles import Font

from generator.intake.collect import ReturnCheck, check_return
from generator.read import returns
from generator.read.returns import ReturnedFile, check_package, list_returns, load_workbook
from generator.read.xlsx_cells import (
    Book,
    GridCell,
    Unsupported,
    book_from_openpyxl,
    read_book,
)
from tests.conftest import find_soffice
from tests.helpers import ROOT
from tests.hostile.helpers import snapshot
from tests.test_collect import PLAN, Ledger, collect_folder

SHEET_PART = "xl/worksheets/sheet1.xml"
IDENTITY_PART = "xl/worksheets/sheet2.xml"
WORKBOOK_RELS = "xl/_rels/workbook.xml.rels"
ID_NUMBER = 410802198001011234  # an 18-digit resident ID typed into 完成数
QUICK_SECONDS = 5.0
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

Build = Callable[[], tuple[bytes, str]]  # the returned file's bytes, and the place to name


# --- crafting files --------------------------------------------------------------------------


def filled() -> Ledger:
    """局公园管理中心's ledger, filled in properly: rows L08/volunteers, L08/activities, L09."""
    return Ledger("gyzz").fill_all()


def rewrite(
    data: bytes, part: str, change: Callable[[str], str], extra: dict[str, bytes] | None = None
) -> bytes:
    """``data`` with one part's XML changed (and ``extra`` parts added), as a crafted file."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == part:
                changed = change(content.decode("utf-8"))
                assert changed != content.decode("utf-8"), f"{part} unchanged"
                content = changed.encode("utf-8")
            target.writestr(info.filename, content)
        for name, content in (extra or {}).items():
            target.writestr(name, content)
    return buffer.getvalue()


def patch_directory(data: bytes, part: str, offset: int, fmt: str, value: int) -> bytes:
    """Overwrite one field of ``part``'s central-directory entry (what zipfile believes)."""
    buffer = bytearray(data)
    start = 0
    while (start := buffer.find(b"PK\x01\x02", start)) >= 0:
        length = struct.unpack_from("<H", buffer, start + 28)[0]
        if buffer[start + 46 : start + 46 + length] == part.encode():
            struct.pack_into(fmt, buffer, start + offset, value)
            return bytes(buffer)
        start += 4
    raise AssertionError(f"{part} not in the zip directory")


def declared_size(part: str, size: int) -> Build:
    """A ledger whose directory declares ``size`` uncompressed bytes for ``part``."""
    return lambda: (patch_directory(filled().bytes(), part, 24, "<I", size), "")


def in_sheet(change: Callable[[str], str]) -> Build:
    return lambda: (rewrite(filled().bytes(), SHEET_PART, change), "")


def with_ledger(change: Callable[[Ledger], str]) -> Build:
    """A filled ledger edited by ``change``, which returns the place the problem is at."""

    def build() -> tuple[bytes, str]:
        ledger = filled()
        place = change(ledger)
        return ledger.bytes(), place

    return build


def sets(key: str, column: str, value: object) -> Build:
    return with_ledger(lambda ledger: ledger.set(key, column, value))


def raw_text(key: str, column: str, text: str) -> Build:
    """A text cell written as is: openpyxl's setter would cut it at 32767 characters."""

    def change(ledger: Ledger) -> str:
        cell = ledger.cell(key, column)
        cell._value, cell.data_type = text, "s"
        return f"台账!{cell.coordinate}"

    return with_ledger(change)


def padded(xml: str) -> str:
    """15 MB of white space in the sheet: compresses about 1000:1."""
    return xml.replace("</worksheet>", " " * 15_000_000 + "</worksheet>")


def many_parts() -> tuple[bytes, str]:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for n in range(5000):
            archive.writestr(f"customXml/item{n}.xml", b"<a/>")
    return buffer.getvalue(), ""


def empty_zip() -> tuple[bytes, str]:
    buffer = io.BytesIO()
    zipfile.ZipFile(buffer, "w").close()
    return buffer.getvalue(), ""


def far_cell(ledger: Ledger) -> str:
    ledger.ws["XFD1048576"].font = Font(bold=True)  # formatted, no value
    return ""


def many_sheets(ledger: Ledger) -> str:
    for n in range(28):
        ledger.book.create_sheet(f"附表{n + 1}")
    return ""


def relative_targets(xml: str) -> str:
    """As Excel writes them: sheet targets relative to the workbook part, not absolute."""
    return xml.replace('Target="/xl/worksheets/', 'Target="worksheets/')


def far_cell_relative_target() -> tuple[bytes, str]:
    ledger = filled()
    far_cell(ledger)
    return rewrite(ledger.bytes(), "xl/_rels/workbook.xml.rels", relative_targets), ""


def retyped(content_type: str) -> Build:
    """A ledger whose workbook part claims ``content_type`` (what Excel writes for .xlsb ...)."""
    main = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
    return lambda: (
        rewrite(
            filled().bytes(), "[Content_Types].xml", lambda xml: xml.replace(main, content_type)
        ),
        "",
    )


def row_5000_without_dimension() -> tuple[bytes, str]:
    ledger = filled()
    ledger.ws["A5000"].font = Font(bold=True)
    return rewrite(
        ledger.bytes(), SHEET_PART, lambda xml: re.sub("<dimension [^>]*/>", "", xml)
    ), ""


def _columns(count: int) -> list[str]:
    return [openpyxl.utils.get_column_letter(n) for n in range(1, count + 1)]


def too_many_cells(xml: str) -> str:
    letters = _columns(200)
    rows = "".join(
        f'<row r="{r}">' + "".join(f'<c r="{c}{r}"/>' for c in letters) + "</row>"
        for r in range(100, 701)
    )
    return xml.replace("</sheetData>", rows + "</sheetData>")


def whole_sheet_ref(xml: str) -> str:
    return xml.replace('ref="H7"', 'ref="A1:XFD1048576"')


def comment_over_whole_sheet() -> tuple[bytes, str]:
    """A comment whose reference is a range: openpyxl would fetch every cell in it."""
    ledger = filled()
    ledger.cell("L09", "P1.progress").comment = Comment("见附件", "单位")
    return rewrite(ledger.bytes(), "xl/comments/comment1.xml", whole_sheet_ref), ""


def cached_formula(xml: str) -> str:
    """What a crafted (or stale) file may hold: a formula with any cached result."""
    return xml.replace("<f>SUM(1,2)</f><v></v>", "<f>SUM(1,2)</f><v>999</v>")


def formula_with_cache() -> tuple[bytes, str]:
    ledger = filled()
    place = ledger.set("L08/activities", "P1.figure", "=SUM(1,2)")
    return rewrite(ledger.bytes(), SHEET_PART, cached_formula), place


def macro_workbook() -> tuple[bytes, str]:
    main = "spreadsheetml.sheet.main+xml"
    macro = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
    data = rewrite(
        filled().bytes(),
        "[Content_Types].xml",
        lambda xml: xml.replace(f"application/vnd.openxmlformats-officedocument.{main}", macro),
        {"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0 vba"},
    )
    return data, ""


def locale_date(ledger: Ledger) -> str:
    """42522 shown by Chinese Excel as 2016年6月1日 (built-in format 31, unknown to openpyxl)."""
    place = ledger.set("L08/activities", "P1.figure", 42522)
    cell = ledger.cell("L08/activities", "P1.figure")
    cell._style = copy(cell._style)
    cell._style.numFmtId = 31
    return place


def merged_fill_in(ledger: Ledger) -> str:
    ledger.ws.merge_cells("G5:H6")
    return "台账!G5"


def identity_key_edited(ledger: Ledger) -> str:
    identity = ledger.book["_plandocs"]
    cell = next(c for row in identity.iter_rows() for c in row if c.value == "L09")
    cell.value = "L99"
    return "_plandocs"


def renamed(ledger: Ledger) -> str:
    ledger.ws.title = "台账（已填）"
    return ""


def status_in_progress(ledger: Ledger) -> str:
    place = ledger.set("L09", "P1.status", None)
    ledger.set("L09", "P1.progress", "已完成")
    return place


def far_element_in_identity_row(xml: str) -> str:
    """Not a ``<c>``, but inside a ``<row>``: openpyxl takes any such element for a cell.

    In the identity sheet, read row by row up to its last cell, a cell at XFD1048576
    would make 17 billion cells to visit.
    """
    return xml.replace('<row r="1">', '<row r="1"><x r="XFD1048576"/>', 1)


FAR_CELL = (
    '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'
)


def far_identity_cell() -> bytes:
    """A filled ledger whose identity sheet has a cell at XFD1048576."""
    return rewrite(
        filled().bytes(), IDENTITY_PART, lambda xml: xml.replace("</sheetData>", FAR_CELL, 1)
    )


def sheet_typed_as_other() -> tuple[bytes, str]:
    """The identity sheet's relationship claims another type: openpyxl reads the part anyway."""
    kind = 'relationships/worksheet" Target="/xl/worksheets/sheet2.xml'
    return rewrite(
        far_identity_cell(),
        WORKBOOK_RELS,
        lambda xml: xml.replace(kind, kind.replace('worksheet"', 'customXml"')),
    ), ""


def sheet_part_named_with_dots() -> tuple[bytes, str]:
    """A part named ``xl/x/../worksheets/sheet2.xml``: openpyxl finds it by that very name."""
    odd = "xl/x/../worksheets/sheet2.xml"
    source = zipfile.ZipFile(io.BytesIO(far_identity_cell()))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == WORKBOOK_RELS:
                content = content.replace(b"/xl/worksheets/sheet2.xml", f"/{odd}".encode())
            target.writestr(odd if info.filename == IDENTITY_PART else info.filename, content)
    return buffer.getvalue(), ""


# --- refused: (build, place, message fragments) ------------------------------------------------

LIMITS = [
    pytest.param(
        lambda: (b"PK\x03\x04" + bytes(51 * 1024 * 1024), ""),
        ("文件大小 51.0 MB", "上限 50.0 MB"),
        id="file-over-50MB",
    ),
    pytest.param(many_parts, ("5000 个部件", "上限 200 个"), id="5000-parts"),
    pytest.param(
        declared_size("xl/styles.xml", 4_000_000_000),
        ("解压后共 3814.7 MB", "上限 50.0 MB"),
        id="declared-4GB-uncompressed",
    ),
    pytest.param(
        declared_size("xl/styles.xml", 25 * 1024 * 1024),
        ("xl/styles.xml 解压后 25.0 MB", "单个部件上限 20.0 MB"),
        id="declared-25MB-part",
    ),
    pytest.param(
        in_sheet(padded),
        ("xl/worksheets/sheet1.xml 压缩比为", "上限 100:1", "压缩炸弹"),
        id="zip-bomb-ratio",
    ),
    pytest.param(
        with_ledger(far_cell),
        ("「台账」声明的范围 A1:XFD1048576", "1048576 行", "上限 2000 行、200 列"),
        id="dimension-XFD1048576",
    ),
    pytest.param(
        far_cell_relative_target,
        ("「台账」声明的范围 A1:XFD1048576",),
        id="XFD1048576-relative-sheet-target",
    ),
    pytest.param(
        row_5000_without_dimension,
        ("「台账」第 5000 行设置了内容或格式", "上限 2000 行"),
        id="row-5000-no-dimension",
    ),
    pytest.param(in_sheet(too_many_cells), ("「台账」的单元格超过 100000 个",), id="120000-cells"),
    pytest.param(
        in_sheet(lambda xml: re.sub("(<mergeCells[^>]*>)", r'\1<mergeCell ref="P5:Z3000"/>', xml)),
        ("「台账」的合并单元格 P5:Z3000 超出上限",),
        id="merge-to-row-3000",
    ),
    pytest.param(
        in_sheet(
            lambda xml: xml.replace(
                "<printOptions",
                '<hyperlinks><hyperlink ref="A1:XFD1048576" location="A1"/></hyperlinks>'
                "<printOptions",
            )
        ),
        ("「台账」的超链接 A1:XFD1048576 超出上限",),
        id="hyperlink-over-whole-sheet",
    ),
    pytest.param(
        comment_over_whole_sheet,
        ("「台账」的批注 A1:XFD1048576 超出上限",),
        id="comment-over-whole-sheet",
    ),
    pytest.param(with_ledger(many_sheets), ("30 个工作表", "上限 10 个"), id="30-sheets"),
    pytest.param(
        in_sheet(lambda xml: '<!DOCTYPE w [<!ENTITY a "aaaaaaaa">]>' + xml),
        ("sheet1.xml 含有 DTD 声明",),
        id="doctype-entities",
    ),
    pytest.param(
        lambda: (patch_directory(filled().bytes(), SHEET_PART, 8, "<H", 1), ""),
        ("设置了压缩包密码",),
        id="zip-entry-password",
    ),
    pytest.param(
        lambda: (rewrite(filled().bytes(), IDENTITY_PART, far_element_in_identity_row), ""),
        ("「_plandocs」的单元格 XFD1048576", "超出上限 2000 行、200 列"),
        id="non-cell-element-in-a-row",
    ),
    pytest.param(
        sheet_typed_as_other,
        ("「_plandocs」第 1048576 行设置了内容或格式",),
        id="sheet-relationship-of-another-type",
    ),
    pytest.param(
        sheet_part_named_with_dots,
        ("「_plandocs」第 1048576 行设置了内容或格式",),
        id="sheet-part-named-with-dots",
    ),
]

NOT_LEDGERS = [
    pytest.param(macro_workbook, ("启用宏的工作簿", ".xlsm", "另存为"), id="xlsm-macros"),
    pytest.param(
        retyped("application/vnd.ms-excel.sheet.binary.macroEnabled.main"),
        ("二进制工作簿（.xlsb）",),
        id="xlsb",
    ),
    pytest.param(
        lambda: (OLE + "EncryptedPackage".encode("utf-16-le") + bytes(512), ""),
        ("设置了打开密码",),
        id="password-to-open",
    ),
    pytest.param(empty_zip, ("空的压缩包",), id="empty-zip"),
    pytest.param(
        lambda: ((ROOT / "templates" / "unit_plan.docx").read_bytes(), ""),
        ("不是 Excel 工作簿", "Word 文档（.docx）"),
        id="docx-renamed",
    ),
    pytest.param(
        with_ledger(renamed), ("找不到工作表「台账」", "台账（已填）"), id="sheet-renamed"
    ),
    pytest.param(with_ledger(identity_key_edited), ("台账标识被破坏",), id="identity-edited"),
]

CELLS = [
    pytest.param(sets("L09", "P1.status", '=IF(1,"已完成")'), ("状态是公式",), id="formula-status"),
    pytest.param(sets("L09", "P1.progress", "=A1"), ("实施情况是公式",), id="formula-progress"),
    pytest.param(formula_with_cache, ("完成数是公式", "计算结果都不读取"), id="formula-cached-999"),
    pytest.param(sets("L08/activities", "P1.figure", "#N/A"), ("错误值 #N/A",), id="error-NA"),
    pytest.param(sets("L09", "P1.progress", "#VALUE!"), ("错误值 #VALUE!",), id="error-VALUE"),
    pytest.param(
        sets("L08/activities", "P1.figure", dt.datetime(2016, 6, 1)),
        ("完成数「2016-06-01」是日期",),
        id="date-in-figure",
    ),
    pytest.param(with_ledger(locale_date), ("完成数「2016-06-01」是日期",), id="locale-date-31"),
    pytest.param(
        sets("L09", "P1.progress", dt.datetime(2016, 6, 1)),
        ("实施情况被 Excel 识别成了日期「2016-06-01」",),
        id="date-in-progress",
    ),
    pytest.param(
        sets("L09", "P1.status", "已 完成"),
        ("「已 完成」不是可选值", "中间不能有空格"),
        id="status-inner-space",
    ),
    pytest.param(
        sets("L08/activities", "P1.figure", "1,5"), ("无法识别的文字「,5」",), id="decimal-comma"
    ),
    pytest.param(
        sets("L08/activities", "P1.figure", ID_NUMBER), ("数值过大",), id="18-digit-number"
    ),
    pytest.param(
        sets("L08/activities", "P1.figure", str(ID_NUMBER)),
        ("数值过大", "证件号"),
        id="18-digit-text",
    ),
    pytest.param(
        raw_text("L09", "P1.progress", "好" * 40_000),
        ("实施情况长达 40000 个字符", "上限 32767", "不作截断"),
        id="text-over-32767",
    ),
    pytest.param(
        sets("L09", "P1.progress", "已组织_x0001_学习"),
        ("控制字符 U+0001（第 4 个字符）",),
        id="control-char-escaped",
    ),
    pytest.param(
        sets("L09", "P1.progress", "已组织_x000B_学习"),
        ("控制字符 U+000B",),
        id="vertical-tab-pasted-from-word",
    ),
    pytest.param(with_ledger(merged_fill_in), ("填写格被合并（G5:H6）",), id="merge-over-fill-in"),
    pytest.param(
        with_ledger(status_in_progress),
        ("状态为空，实施情况栏却写着「已完成」",),
        id="status-typed-in-progress",
    ),
]


def returned(tmp_path: Path, data: bytes, name: str = "局公园管理中心台账.xlsx") -> Path:
    folder = tmp_path / "returns"
    folder.mkdir(exist_ok=True)
    (folder / name).write_bytes(data)
    return folder


def checked(folder: Path) -> ReturnCheck:
    """Check the only file in ``folder`` as collect does; it must be quick and leave it alone."""
    before = snapshot(folder)
    (file,) = list_returns(folder)
    started = time.perf_counter()
    result = check_return(PLAN, file)
    assert time.perf_counter() - started < QUICK_SECONDS
    assert snapshot(folder) == before  # the returned file is byte-for-byte unchanged
    return result


def assert_refused(result: ReturnCheck, place: str, fragments: tuple[str, ...]) -> None:
    assert not result.accepted
    for problem in result.errors:
        text = problem.message + problem.hint
        if problem.place == place and all(f in text for f in fragments):
            assert problem.file == result.file.path  # the file is named
            return
    raise AssertionError(f"no error at {place!r} with {fragments}: {result.errors}")


@pytest.mark.parametrize(("build", "fragments"), LIMITS + NOT_LEDGERS + CELLS)
def test_refused_at_its_place(build: Build, fragments: tuple[str, ...], tmp_path: Path) -> None:
    data, place = build()
    assert_refused(checked(returned(tmp_path, data)), place, fragments)


@pytest.mark.parametrize("tree_bytes", [0, 100 * 1024 * 1024], ids=["as-streams", "as-trees"])
@pytest.mark.parametrize(("build", "fragments"), LIMITS)
def test_limits_hold_however_a_sheet_is_measured(
    build: Build,
    fragments: tuple[str, ...],
    tree_bytes: int,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A sheet part is measured as a stream, or parsed whole when small: the same verdict."""
    monkeypatch.setattr(returns, "TREE_BYTES", tree_bytes)
    data, place = build()
    assert_refused(checked(returned(tmp_path, data)), place, fragments)


def test_a_cached_formula_result_is_never_read(tmp_path: Path) -> None:
    data, place = formula_with_cache()
    cached = openpyxl.load_workbook(io.BytesIO(data), data_only=True)["台账"][place.split("!")[1]]
    assert cached.value == 999  # what a reader trusting the cache would take
    result = checked(returned(tmp_path, data))
    assert_refused(result, place, ("公式",))
    assert all(r.figure != 999 for rows in result.rows.values() for r in rows.values())


# --- read faithfully, with a notice ------------------------------------------------------------


def unhide_identity(ledger: Ledger) -> str:
    ledger.book["_plandocs"].sheet_state = "visible"
    return "_plandocs"


def hide_ledger(ledger: Ledger) -> str:
    ledger.book["_plandocs"].sheet_state = "visible"
    ledger.book.active = 1
    ledger.ws.sheet_state = "hidden"
    return "台账"


def extra_sheet(ledger: Ledger) -> str:
    ledger.book.create_sheet("说明")["A1"] = "本单位另有补充材料"
    return "说明"


def beside_table(ledger: Ledger) -> str:
    ledger.ws["Q5"] = "备注：志愿者名单另附"
    return "台账!Q5"


def reads(key: str, field: str, value: object) -> Callable[[ReturnCheck], bool]:
    return lambda result: getattr(result.rows[key]["P1"], field) == value


NOTICES = [
    pytest.param(
        sets("L09", "P1.status", "已完成 "),
        "已按「已完成」读取",
        reads("L09", "status", "已完成"),
        id="status-trailing-space",
    ),
    pytest.param(
        sets("L09", "P1.status", "\u3000已完成"),
        "全角字符，已按「已完成」读取",
        reads("L09", "status", "已完成"),
        id="status-full-width-space",
    ),
    pytest.param(
        sets("L08/activities", "P1.figure", "１，２３４"),
        "已按 1234 读取",
        reads("L08/activities", "figure", 1234),
        id="full-width-thousands",
    ),
    pytest.param(
        with_ledger(unhide_identity),
        "「_plandocs」被设为显示",
        reads("L09", "status", "已完成"),
        id="identity-sheet-unhidden",
    ),
    pytest.param(
        with_ledger(hide_ledger),
        "「台账」被设为隐藏",
        reads("L09", "status", "已完成"),
        id="ledger-sheet-hidden",
    ),
    pytest.param(
        with_ledger(extra_sheet),
        "多了工作表「说明」",
        reads("L09", "status", "已完成"),
        id="extra-sheet",
    ),
    pytest.param(
        with_ledger(beside_table),
        "表格右侧有 1 个单元格填了内容（Q5）",
        reads("L09", "status", "已完成"),
        id="text-beside-table",
    ),
]


@pytest.mark.parametrize(("build", "fragment", "reading"), NOTICES)
def test_read_faithfully_with_a_notice(
    build: Build, fragment: str, reading: Callable[[ReturnCheck], bool], tmp_path: Path
) -> None:
    data, place = build()
    result = checked(returned(tmp_path, data))
    assert result.accepted, result.errors
    assert any(p.place == place and fragment in p.message for p in result.notices), result.notices
    assert reading(result)


def rich_text_status(ledger: Ledger) -> str:
    cell = ledger.cell("L09", "P1.status")
    cell.value = CellRichText([TextBlock(InlineFont(b=True), "已"), "完成"])
    return f"台账!{cell.coordinate}"


def test_rich_text_is_read_as_plain_text(tmp_path: Path) -> None:
    data, _ = with_ledger(rich_text_status)()
    xml = zipfile.ZipFile(io.BytesIO(data)).read(SHEET_PART).decode()
    assert '<is><r><rPr><b val="1"/></rPr>' in xml  # really a rich inline string
    result = checked(returned(tmp_path, data))
    assert result.accepted, result.errors
    assert result.rows["L09"]["P1"].status == "已完成"
    assert not result.notices


def test_a_number_in_progress_is_kept_as_text(tmp_path: Path) -> None:
    data, _ = sets("L09", "P1.progress", 3)()
    result = checked(returned(tmp_path, data))
    assert result.accepted, result.errors
    assert result.rows["L09"]["P1"].progress == "3"


# --- through plandocs collect ------------------------------------------------------------------

LONG_PROGRESS = "6月1日召开动员会；\n" + "组织志愿者开展文明劝导。" * 2_500  # 30,000+ characters


def good_return() -> bytes:
    ledger = Ledger("fzk").fill_all()
    ledger.set("L06", "P1.progress", LONG_PROGRESS)
    ledger.set("L07", "P1.status", "已完成 ")
    return ledger.bytes()


COLLECTED = [
    pytest.param(
        in_sheet(padded),
        "压缩炸弹",
        id="zip-bomb",
    ),
    pytest.param(with_ledger(far_cell), "A1:XFD1048576", id="XFD1048576"),
    pytest.param(macro_workbook, "启用宏的工作簿", id="xlsm"),
    pytest.param(formula_with_cache, "台账!I6：完成数是公式", id="cached-formula"),
]


@pytest.mark.parametrize(("build", "fragment"), COLLECTED)
def test_collect_rejects_it_and_keeps_everything(
    build: Build, fragment: str, tmp_path: Path
) -> None:
    data, _ = build()
    folder = returned(tmp_path, data)
    (folder / "局法制科台账.xlsx").write_bytes(good_return())
    before = snapshot(folder)
    out = tmp_path / "out"
    code, output = collect_folder(folder, out)
    assert code == 2, output
    assert "局公园管理中心台账.xlsx" in output and fragment in output
    assert snapshot(folder) == before  # returned files never modified
    originals = {
        p.name.split("-", 1)[1]: p.read_bytes() for p in (out / "台账汇总" / "原件").iterdir()
    }
    assert originals == {p.name: p.read_bytes() for p in folder.iterdir()}  # kept verbatim
    record = json.loads((out / "台账汇总" / "进度记录.json").read_text("utf-8"))
    (rejection,) = record["rejected"]
    assert rejection["file_name"] == "局公园管理中心台账.xlsx"
    assert any(fragment.split("：")[-1] in line for line in rejection["problems"])
    # the other unit's accepted return is in the record in full
    reported = record["accepted"]["fzk"]["rows"]
    assert reported["L06"]["P1"]["progress"] == LONG_PROGRESS.strip()
    assert reported["L07"]["P1"]["status"] == "已完成"


# --- our cell reader reads exactly what openpyxl reads ---------------------------------------


def both_readers(data: bytes) -> tuple[Book | None, Book]:
    """The cells as our reader reads them (None: it leaves the file to openpyxl), and openpyxl."""
    package = check_package(data)
    with package.archive:
        try:
            ours: Book | None = read_book(package.archive, package.workbook, package.strings)
        except Unsupported:
            ours = None
    theirs = book_from_openpyxl(load_workbook(ReturnedFile(Path("x.xlsx"), data)))
    return ours, theirs


def assert_same(ours: Book | None, theirs: Book) -> None:
    assert ours is not None, "read with openpyxl, not with our reader"
    assert ours.sheetnames == theirs.sheetnames
    assert ours.modified == theirs.modified
    for name in ours.sheetnames:
        a, b = ours[name], theirs[name]
        assert (a.title, a.state, a.extent) == (b.title, b.state, b.extent), name
        assert set(a.merged) == set(b.merged), name
        # with each value's type: True == 1, but a boolean is not a number
        # One deliberate difference: openpyxl drops the _x005F_ marker of a shared string (an
        # escaped underscore); we keep it, so that a literal "_x000D_" stays literal.
        ours_typed = {k: (*c, type(c.value)) for k, c in a.cells.items()}
        shared = {k: (*_as_openpyxl(c), type(c.value)) for k, c in a.cells.items()}
        theirs_typed = {k: (*c, type(c.value)) for k, c in b.cells.items()}
        different = {
            k
            for k in a.cells.keys() | b.cells.keys()
            if theirs_typed.get(k) not in (ours_typed.get(k), shared.get(k))
        }
        assert not different, [(a.cells.get(k), b.cells.get(k)) for k in sorted(different)]


def _as_openpyxl(cell: GridCell) -> GridCell:
    if isinstance(cell.value, str):
        return cell._replace(value=cell.value.replace("x005F_", ""))
    return cell


# Values of every type openpyxl writes (LibreOffice saves the first two as formulas).
VALUES: list[object] = [
    True,
    "#DIV/0!",
    2.5,
    ID_NUMBER,
    -0.0,
    dt.datetime(2016, 6, 1, 8, 30),
    dt.date(2016, 6, 2),
    dt.time(9, 15),
    dt.timedelta(hours=30),
    CellRichText([TextBlock(InlineFont(b=True), "已"), "完成"]),
    "",
    "a_x005F_x000B_b\r\n 多行\n",
]


def every_kind_of_value(ledger: Ledger, values: list[object] = VALUES) -> str:
    """``values`` beside the table, dates of several formats, a merge."""
    for column, value in enumerate(values, start=17):
        ledger.ws.cell(5, column).value = value
    ledger.ws.cell(6, 17).value = 1e10
    ledger.ws.cell(6, 17).number_format = "yyyy-mm-dd"  # a date too far out: #VALUE!
    ledger.ws.cell(6, 18).value = 42522
    ledger.ws.cell(6, 18).number_format = 'yyyy"年"m"月"d"日"'  # a custom date format
    ledger.ws.cell(6, 19).value = 3
    ledger.ws.cell(6, 19).number_format = "0.00%"
    ledger.ws.merge_cells("Q7:R8")
    return ""


def without_references(xml: str) -> str:
    """Rows and cells without their ``r``: each is the next one after the last."""
    return re.sub(r'(<(?:c|row)) r="[A-Z]*[0-9]+"', r"\1", xml)


def iso_and_typed_text(xml: str) -> str:
    cell = '<c r="T5" t="d"><v>2016-06-01T10:00:00</v></c><c r="U5" t="str"><v>文字</v></c>'
    extra = cell + '<c r="V5" t="e"><v>#REF!</v></c><c r="W5" t="x"><v>?</v></c><c r="X5"/>'
    return re.sub('(<row r="5"[^>]*>)', r"\1" + extra, xml, count=1)


def date_1904(ledger: Ledger) -> str:
    ledger.book.epoch = openpyxl.utils.datetime.CALENDAR_MAC_1904
    ledger.set("L09", "P1.progress", dt.datetime(2016, 6, 1))
    return ""


def with_hyperlink(ledger: Ledger) -> str:
    ledger.ws["Q9"].hyperlink = "https://example.org/"
    return ""


def with_comment(ledger: Ledger) -> str:
    ledger.cell("L09", "P1.progress").comment = Comment("见附件", "单位")
    return ""


READ_ALIKE = [
    pytest.param(param.values[0], id=param.id)
    for param in CELLS + NOTICES
    if param.id not in ("formula-status", "formula-progress", "formula-cached-999")
] + [
    pytest.param(with_ledger(every_kind_of_value), id="every-kind-of-value"),
    pytest.param(with_ledger(rich_text_status), id="rich-text"),
    pytest.param(in_sheet(without_references), id="no-cell-references"),
    pytest.param(
        lambda: (rewrite(filled().bytes(), IDENTITY_PART, without_references), ""),
        id="identity-without-references",
    ),
    pytest.param(in_sheet(iso_and_typed_text), id="iso-date-str-error-unknown-type"),
    pytest.param(with_ledger(date_1904), id="date-1904"),
    pytest.param(with_ledger(identity_key_edited), id="identity-edited"),
    pytest.param(with_ledger(renamed), id="sheet-renamed"),
]

LEFT_TO_OPENPYXL = [
    pytest.param(param.values[0], id=param.id)
    for param in CELLS
    if param.id in ("formula-status", "formula-progress", "formula-cached-999")
] + [
    pytest.param(with_ledger(with_hyperlink), id="hyperlink"),
    pytest.param(with_ledger(with_comment), id="comment"),
    pytest.param(
        lambda: (
            rewrite(
                filled().bytes(), "xl/workbook.xml", lambda xml: xml.replace("_plandocs", "台账")
            ),
            "",
        ),
        id="two-sheets-one-name",
    ),
    pytest.param(
        in_sheet(lambda xml: '<?xml version="1.0" encoding="windows-1252"?>' + xml),
        id="sheet-in-an-encoding-expat-lacks",
    ),
]


@pytest.mark.parametrize("build", READ_ALIKE)
def test_our_reader_reads_what_openpyxl_reads(build: Build) -> None:
    data, _ = build()
    assert_same(*both_readers(data))


@pytest.mark.parametrize("build", LEFT_TO_OPENPYXL)
def test_what_our_reader_does_not_reproduce_is_left_to_openpyxl(build: Build) -> None:
    data, _ = build()
    ours, _ = both_readers(data)
    assert ours is None


def saved_by_libreoffice(data: bytes, work: Path) -> bytes:
    """``data`` opened and saved again as .xlsx by LibreOffice Calc, as a unit's office might.

    Unlike openpyxl it writes shared strings, its own styles and number formats.
    """
    soffice = find_soffice()
    (work / "in.xlsx").write_bytes(data)
    profile = (work / "profile").as_uri()  # its own profile: other soffice runs may be going
    subprocess.run(
        [soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to",
         "xlsx:Calc MS Excel 2007 XML", "--outdir", str(work / "out"), str(work / "in.xlsx")],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    return (work / "out" / "in.xlsx").read_bytes()


def test_a_return_saved_by_libreoffice_is_read_as_openpyxl_reads_it(tmp_path: Path) -> None:
    ledger = filled()
    every_kind_of_value(ledger, VALUES[2:])
    rich_text_status(ledger)
    ledger.set("L09", "P2.progress", "已组织_x0001_学习")
    data = saved_by_libreoffice(ledger.bytes(), tmp_path)
    assert b"sharedStrings" in data  # not the inline strings openpyxl writes
    assert_same(*both_readers(data))
    result = checked(returned(tmp_path, data))
    assert_refused(result, result.errors[0].place, ("控制字符 U+0001",))
    assert result.rows["L09"]["P1"].status == "已完成"
