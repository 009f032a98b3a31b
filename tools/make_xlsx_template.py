"""Generate ``templates/ledger.xlsx``, the style template for every ledger (台账).

Run ``python tools/make_xlsx_template.py`` (optionally ``--output PATH``). The
output is byte-identical on every run, so it can be committed and diffed.

Prototype convention (what ``generator.render.xlsx.engine.XlsxEngine`` reads)
-----------------------------------------------------------------------------
* The template has a sheet named ``台账``. Its cells are only samples: the engine
  never copies their values, column widths or row heights.
* Each role of a ledger cell is a named cell style (开始 → 单元格样式):

  ========== ==========================================================
  台账标题   title line above the table (方正小标宋简体)
  台账副标题 line under the title: 填报单位 / 填报人 / 联系电话
  台账表头   header cells, grouped and ungrouped (黑体)
  台账文字   plan text; locked
  台账填写   fill-in text (实施情况); unlocked
  台账选项   fill-in dropdown (状态); unlocked
  台账数字   fill-in number (完成数), its number format included; unlocked
  台账不适用 fill-in cell that does not apply to a row; greyed and locked
  ========== ==========================================================

* For each style the engine takes the *first* cell on sheet ``台账`` (row by row)
  that carries it, with that cell's full formatting: font, fill, border,
  alignment and number format. So a bureau may restyle either by modifying the
  cell style (右键样式 → 修改) or by formatting the sample cell directly. A style
  with no sample cell falls back to the style definition itself; a style missing
  altogether falls back to the engine's built-in default, with a warning.
* Locking is not taken from the template: the engine always unlocks exactly
  台账填写 / 台账选项 / 台账数字, since sheet protection depends on it.
* The page setup of sheet ``台账`` (页面布局: paper, orientation, fit to one page
  wide, margins, centring, header/footer) is applied to every rendered sheet.
  Repeated header rows and the print area are set per sheet by the engine.
* Do not rename the styles or the sheet. The sheet ``说明`` is for people only.
"""

from __future__ import annotations

import argparse
import datetime
import io
import math
from pathlib import Path
from zipfile import ZIP_DEFLATED, ZipFile

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from generator.render.rawzip import normalize_zip
from generator.render.xlsx.styles import (
    PROTOTYPE_SHEET,
    STYLE_CHOICE,
    STYLE_DISABLED,
    STYLE_HEADER,
    STYLE_INPUT,
    STYLE_NUMBER,
    STYLE_SUBTITLE,
    STYLE_TEXT,
    STYLE_TITLE,
    apply_page_layout,
    default_cell_styles,
    default_page_layout,
)
from generator.write.atomic import write_bytes_atomic

DEFAULT_OUTPUT = Path(__file__).resolve().parent.parent / "templates" / "ledger.xlsx"
# Fixed so the committed template only changes when its content does.
TEMPLATE_DATE = datetime.datetime(2025, 1, 1)

# (style, sample text, column width) for the sample data row.
SAMPLE_ROW = (
    (STYLE_TEXT, "台账文字：计划中的工作任务，锁定不可改", 30),
    (STYLE_INPUT, "台账填写：实施情况由填报单位填写", 30),
    (STYLE_CHOICE, "已完成", 18),
    (STYLE_NUMBER, 12, 18),
    (STYLE_DISABLED, "", 18),
)
SAMPLE_HEADERS = ("工作任务", "实施情况", "状态", "完成数", "不适用")

HELP_LINES = (
    "本文件是台账（Excel）的样式模板，系统生成台账时读取，不直接下发。",
    "修改方法：在“台账”工作表中选中示例单元格，直接修改字体、字号、边框、填充、"
    "对齐方式或数字格式；也可在“开始 → 单元格样式”中右键同名样式选择“修改”。",
    "样式名称（请勿改名）：台账标题、台账副标题、台账表头、台账文字、台账填写、"
    "台账选项、台账数字、台账不适用。",
    "页面设置（纸张、方向、缩放、页边距、页脚页码）以“台账”工作表为准，对生成的每张台账生效。",
    "单元格是否可填写由系统决定：台账填写、台账选项、台账数字可填，其余锁定。",
    "示例单元格中的文字、列宽和行高不会带入生成的台账。",
)


def build_template() -> Workbook:
    wb = Workbook()
    for name, style in default_cell_styles().items():
        wb.add_named_style(style.named_style(name))
    ws = wb.active
    ws.title = PROTOTYPE_SHEET
    _write_prototypes(ws)
    apply_page_layout(ws, default_page_layout())
    _write_help(wb.create_sheet("说明"))
    wb.properties.title = "台账样式模板"
    wb.properties.creator = "plandocs"
    wb.properties.lastModifiedBy = "plandocs"
    wb.properties.created = wb.properties.modified = TEMPLATE_DATE
    return wb


def _write_prototypes(ws: Worksheet) -> None:
    """A miniature ledger whose every cell shows one named style."""
    last = len(SAMPLE_ROW)
    ws.cell(row=1, column=1, value="台账标题：××局2025年度××工作台账").style = STYLE_TITLE
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=last)
    subtitle = "台账副标题：填报单位：　　　　填报人：　　　　联系电话："
    ws.cell(row=2, column=1, value=subtitle).style = STYLE_SUBTITLE
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=last)
    for col, title in enumerate(SAMPLE_HEADERS, start=1):
        ws.cell(row=3, column=col, value=f"台账表头：{title}").style = STYLE_HEADER
    for col, (style, value, width) in enumerate(SAMPLE_ROW, start=1):
        cell = ws.cell(row=4, column=col, value=value or None)
        cell.style = style
        ws.column_dimensions[cell.column_letter].width = width
    # Plain (Normal) captions under the samples name each style; the engine ignores them.
    for col, (style, _, _) in enumerate(SAMPLE_ROW, start=1):
        caption = ws.cell(row=5, column=col, value=f"↑ 样式：{style}")
        caption.alignment = Alignment(wrap_text=True, vertical="top")
    ws.row_dimensions[1].height = 32
    ws.row_dimensions[3].height = 36
    ws.row_dimensions[4].height = 48
    # Shows staff what the dropdown looks like; the engine makes its own per column.
    choices = DataValidation(type="list", formula1='"已完成,正在推进,滞后,未启动"')
    choices.add("C4")
    ws.add_data_validation(choices)


def _write_help(ws: Worksheet) -> None:
    width = 70
    ws.column_dimensions["A"].width = width
    ws.cell(row=1, column=1, value="台账模板使用说明").font = Font(name="黑体", size=14)
    for row, line in enumerate(HELP_LINES, start=2):
        cell = ws.cell(row=row, column=1, value=line)
        cell.font = Font(name="仿宋_GB2312", size=12)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        # About two width units per Chinese character at 12pt; Excel will not autofit.
        lines = math.ceil(len(line) * 2.3 / (width - 2))
        ws.row_dimensions[row].height = lines * 18 + 6


def template_bytes() -> bytes:
    buffer = io.BytesIO()
    # ExcelWriter rather than wb.save(), which would stamp "modified" with the clock.
    with ZipFile(buffer, "w", ZIP_DEFLATED) as archive:
        ExcelWriter(build_template(), archive).save()
    return normalize_zip(buffer.getvalue())


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="生成台账 Excel 样式模板")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="输出文件路径")
    args = parser.parse_args(argv)
    write_bytes_atomic(args.output, template_bytes())
    print(f"已生成 {args.output}")


if __name__ == "__main__":
    main()
