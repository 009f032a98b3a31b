"""Values into cells and workbooks into bytes: text stays text, the same inputs give the same bytes.

Every str value is written as a text cell: a plan line that starts with ``=`` or reads
``#N/A`` must print as written, never be evaluated by Excel.
"""

from __future__ import annotations

import datetime
import io
import math
import re
from zipfile import ZIP_DEFLATED, ZipFile

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.writer.excel import ExcelWriter

from generator.formats.cells import MAX_CELL_CHARS, first_illegal_char, needs_quote_prefix
from generator.formats.identity import IDENTITY_SHEET
from generator.render.rawzip import normalize_zip
from generator.render.workbook_spec import WorkbookRenderError
from generator.render.xlsx.writer import schema_ordered_fonts

AUTHOR = "plandocs"

# Excel decodes _xHHHH_ in cell text as a character; escaping the underscore keeps
# such literal text intact.
_OOXML_ESCAPE = re.compile("_(x[0-9A-Fa-f]{4}_)")
_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def refuse_illegal_chars(text: str, where: str) -> None:
    """Raise if ``text`` holds a character XML (and so Excel) cannot store."""
    bad = first_illegal_char(text)
    if bad is not None:
        raise WorkbookRenderError(
            f"{where}：文字中含有 Excel 不允许的控制字符 U+{ord(bad.group()):04X}"
            f"（第 {bad.start() + 1} 个字符），请删除后重试"
        )


def checked_text(text: str, where: str) -> str:
    """Return ``text`` escaped for OOXML, or raise if Excel cannot hold it exactly."""
    refuse_illegal_chars(text, where)
    escaped = _OOXML_ESCAPE.sub(r"_x005F_\1", text) if "_x" in text else text
    # Excel counts UTF-16 code units (at most two per character); openpyxl would
    # silently cut the rest off.
    if 2 * len(escaped) > MAX_CELL_CHARS:
        length = len(escaped.encode("utf-16-le")) // 2
        if length > MAX_CELL_CHARS:
            raise WorkbookRenderError(
                f"{where}：文字长度 {length} 超过 Excel 单元格上限 {MAX_CELL_CHARS} 个字符，"
                "请精简内容"
            )
    return escaped


def checked_number(value: object, where: str) -> int | float:
    """``value`` if Excel can store it as a number, else raise."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise WorkbookRenderError(f"{where}：不支持的数据类型 {type(value).__name__}")
    if not math.isfinite(value):
        raise WorkbookRenderError(f"{where}：数值 {value} 无法写入 Excel")
    return value


def write_value(cell: Cell, value: object, where: str) -> None:
    """Write a str as text (never a formula), a number as a number; ``where`` names the cell."""
    if value is None or value == "":
        return
    if isinstance(value, str):
        cell.value = checked_text(value, where)
        # openpyxl turns "=..." into a formula and "#N/A" into an error; plan text is text.
        cell.data_type = "s"
        if needs_quote_prefix(value):
            cell.quotePrefix = True
        return
    cell.value = checked_number(value, where)


def check_sheet_name(name: str, seen: set[str]) -> None:
    if not 1 <= len(name) <= 31 or _SHEET_NAME_FORBIDDEN.search(name):
        raise WorkbookRenderError(
            f"工作表名称“{name}”不合法：须为 1 至 31 个字符，且不含 [ ] : * ? / \\"
        )
    if name.lower() in seen or name == IDENTITY_SHEET:
        raise WorkbookRenderError(f"工作表名称“{name}”重复或与系统保留名称冲突")
    seen.add(name.lower())


def utc_naive(moment: datetime.datetime) -> datetime.datetime:
    """Core properties are stored as UTC without an offset."""
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(datetime.timezone.utc).replace(tzinfo=None)


def set_properties(wb: Workbook, title: str, created: datetime.datetime) -> None:
    """Fixed document properties: same inputs, same bytes."""
    moment = utc_naive(created)
    wb.properties.title = title
    wb.properties.creator = AUTHOR
    wb.properties.lastModifiedBy = AUTHOR
    wb.properties.created = moment
    wb.properties.modified = moment


STYLES_PART = "xl/styles.xml"


def workbook_bytes(wb: Workbook) -> bytes:
    """The .xlsx bytes of ``wb``, reproducible (fixed zip metadata), fonts in schema order."""
    # Not wb.save(): openpyxl's save_workbook stamps "modified" with the clock.
    buffer = io.BytesIO()
    with ZipFile(buffer, "w", ZIP_DEFLATED, allowZip64=True) as archive:
        ExcelWriter(wb, archive).save()
    written = ZipFile(io.BytesIO(buffer.getvalue()))
    ordered = io.BytesIO()
    with ZipFile(ordered, "w", ZIP_DEFLATED, allowZip64=True) as archive:
        for name in written.namelist():
            data = written.read(name)
            archive.writestr(name, schema_ordered_fonts(data) if name == STYLES_PART else data)
    return normalize_zip(ordered.getvalue())
