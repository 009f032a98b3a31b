"""The bundled templates render into documents that meet GB/T 9704, and the checker bites."""

from __future__ import annotations

import importlib.util
import io
import re
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import docx
import pytest
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_LINE_SPACING
from docx.shared import Mm

from generator.pipeline import kinds
from generator.render import gbt9704 as g
from generator.render.docx.engine import DocxTemplateEngine
from generator.render.docx.tables import column_widths
from tests.conftest import convert_many
from tests.gbt9704_checks import assert_gbt9704, check_gbt9704
from tests.test_charts import chart_or_skip

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = ROOT / "templates"
# The generating script is the source of the bundled templates (see ARCHITECTURE.md).
STALE = (
    "templates/{} 与 tools/make_templates.py 生成的不同：模板以脚本为准，请修改脚本后运行 "
    "make templates（本局自己修改的模板请放在自己的目录中，用 --templates 指定）"
)
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# The 公文 templates the registry names (the 推荐表 forms are tables, checked elsewhere).
DOCX_TEMPLATES = [t.name for t in kinds.docx_templates() if not t.form]
STYLE_NAMES = (
    g.STYLE_TITLE,
    g.STYLE_ADDRESSEE,
    g.STYLE_HEADING_1,
    g.STYLE_ATTACHMENT_NOTE,
    g.STYLE_SIGNATURE,
    g.STYLE_DATE,
    g.STYLE_ATTACHMENT_LABEL,
    g.STYLE_ATTACHMENT_TITLE,
    g.STYLE_TABLE_HEADER,
    g.STYLE_TABLE_TEXT,
    g.STYLE_PAGE_NUMBER,
)


def load_make_templates() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "make_templates", ROOT / "tools/make_templates.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def render(name: str, context: dict[str, Any]) -> bytes:
    return DocxTemplateEngine(TEMPLATES / name).render(context)


def replace_in(data: bytes, name: str, old: str, new: str) -> bytes:
    """``data`` with ``old`` (a regular expression) in zip member ``name`` replaced by ``new``.

    Only the first match is replaced unless ``old`` starts with ``(?#all)``.
    """
    source = zipfile.ZipFile(io.BytesIO(data))
    target = io.BytesIO()
    with zipfile.ZipFile(target, "w") as out:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == name:
                text = content.decode("utf-8")
                assert re.search(old, text), f"{old!r} not in {name}"
                count = 0 if old.startswith("(?#all)") else 1
                content = re.sub(old, new, text, count=count).encode("utf-8")
            out.writestr(info, content)
    return target.getvalue()


# --- the templates themselves ------------------------------------------------------------


@pytest.mark.parametrize("name", DOCX_TEMPLATES)
def test_committed_template_is_what_the_script_builds(name: str) -> None:
    """templates/ is rebuilt by tools/make_templates.py, byte for byte."""
    make_templates = load_make_templates()
    built = make_templates.to_bytes(make_templates.builders()[name]())
    assert built == make_templates.to_bytes(make_templates.builders()[name]())
    assert built == (TEMPLATES / name).read_bytes(), STALE.format(name)


@pytest.mark.parametrize("name", DOCX_TEMPLATES)
def test_template_has_named_chinese_styles(name: str) -> None:
    styles = docx.Document(str(TEMPLATES / name)).styles
    for style_name in STYLE_NAMES:
        assert styles[style_name].type == WD_STYLE_TYPE.PARAGRAPH
    assert styles[g.STYLE_HEADING_2].type == WD_STYLE_TYPE.CHARACTER


@pytest.mark.parametrize("name", DOCX_TEMPLATES)
def test_template_names_chinese_fonts_everywhere(name: str) -> None:
    with zipfile.ZipFile(TEMPLATES / name) as archive:
        parts = [n for n in archive.namelist() if re.match(r"word/(document|footer\d+)\.xml", n)]
        styles = archive.read("word/styles.xml").decode("utf-8")
        settings = archive.read("word/settings.xml").decode("utf-8")
        for part in parts:
            xml = archive.read(part).decode("utf-8")
            runs = re.findall(r"<w:r>.*?</w:r>", xml)
            assert runs
            assert all('w:eastAsia="' in run for run in runs), part
    defaults = re.search(r"<w:docDefaults>.*?</w:docDefaults>", styles).group()
    assert f'w:eastAsia="{g.FONT_FANGSONG}"' in defaults
    assert 'w:eastAsia="zh-CN"' in defaults
    assert "Theme" not in defaults
    assert 'w:eastAsia="zh-CN"' in re.search(r"<w:themeFontLang[^>]*>", settings).group()
    assert "<w:evenAndOddHeaders" in settings


# --- rendered documents meet GB/T 9704 ------------------------------------------------------


def with_notice(context: dict[str, Any], **changes: object) -> dict[str, Any]:
    """``context`` issued inside a notice (印发通知), with ``changes`` to the notice."""
    context["notice"] = {
        "authority": "焦作市园林局文件",
        "authority_size": 72,  # 8 字 at 小初 (12.7 mm each) fit the 156 mm line
        "authority_scale": 100,
        "number": "焦园〔2016〕12号",
        "title": "关于印发《焦作市园林局2016年\n文明服务活动实施方案》的通知",
        "addressee": "局属各单位，机关各科室：",
        "body": ["现将《焦作市园林局2016年文明服务活动实施方案》印发给你们，请认真贯彻落实。"],
        "signature": "焦作市园林局",
        "date": "2016年6月7日",
        "remark": "（此件公开发布）",
        "copy_to": "抄送：市文明办，市直机关工委，焦作日报社。",
        "printer": "焦作市园林局办公室",
        "print_date": "2016年6月8日印发",
    } | changes
    return context


def test_plan_meets_gbt9704(plan_context: dict[str, Any]) -> None:
    assert_gbt9704(render("plan.docx", plan_context))


def test_plan_without_addressee_meets_gbt9704(plan_context: dict[str, Any]) -> None:
    plan_context["addressee"] = ""
    assert_gbt9704(render("plan.docx", plan_context))


@pytest.mark.parametrize("copy_to", ["抄送：市文明办，市直机关工委，焦作日报社。", ""])
def test_plan_with_notice_meets_gbt9704(plan_context: dict[str, Any], copy_to: str) -> None:
    data = render("plan.docx", with_notice(plan_context, copy_to=copy_to, remark=""))
    assert_gbt9704(data)
    document = docx.Document(io.BytesIO(data))
    styles = [p.style.name for p in document.paragraphs if p.text]
    assert styles[:3] == [g.STYLE_AUTHORITY, g.STYLE_DOC_NUMBER, g.STYLE_TITLE]
    assert styles.count(g.STYLE_DATE) == 1  # the plan is not signed again under the notice
    assert g.STYLE_REMARK not in styles
    plan_title = [p for p in document.paragraphs if p.style.name == g.STYLE_TITLE][1]
    assert plan_title.paragraph_format.page_break_before
    record = document.sections[-1]
    assert record.page_width < record.page_height
    rows = [row.cells[0].text for row in record.even_page_footer.tables[0].rows]
    assert rows == [*([copy_to] if copy_to else []), "焦作市园林局办公室\t2016年6月8日印发"]


def test_plan_without_notice_has_no_notice_parts(plan_context: dict[str, Any]) -> None:
    plan_context["notice"] = None
    document = docx.Document(io.BytesIO(render("plan.docx", plan_context)))
    assert len(document.sections) == 2  # body and ledger, no 版记 page
    styles = {p.style.name for p in document.paragraphs}
    assert not styles & {g.STYLE_AUTHORITY, g.STYLE_DOC_NUMBER, g.STYLE_REMARK}
    assert not document.paragraphs[0].paragraph_format.page_break_before
    assert {g.STYLE_SIGNATURE, g.STYLE_DATE} <= styles  # the plan is signed itself


def test_unit_plan_meets_gbt9704(unit_plan_context: dict[str, Any]) -> None:
    data = render("unit_plan.docx", unit_plan_context)
    assert_gbt9704(data)
    paragraphs = [p.text for p in docx.Document(io.BytesIO(data)).paragraphs]
    assert paragraphs[2] == (
        "根据《焦作市园林局2016年文明服务活动实施方案》要求，结合本单位实际，制定本实施方案。"
    )
    assert [t for t in paragraphs if re.match(g.HEADING_1_PATTERN, t)] == [
        "一、工作任务",
        "二、实施步骤",
        "三、工作要求",
    ]


def test_landscape_attachment_section(plan_context: dict[str, Any]) -> None:
    document = docx.Document(io.BytesIO(render("plan.docx", plan_context)))
    body, ledger = document.sections
    assert body.page_width < body.page_height
    assert ledger.page_width > ledger.page_height
    # Own footers: §8 turns the page number with the sheet (the numbering continues).
    assert not ledger.footer.is_linked_to_previous
    header_row = document.tables[0].rows[0]._tr
    assert header_row.find(f"{W}trPr/{W}tblHeader") is not None
    widths = [int(c.get(f"{W}w")) for c in document.tables[0]._tbl.tblGrid.gridCol_lst]
    assert sum(widths) == g.LANDSCAPE_TEXT_WIDTH


def test_plan_converts_to_pdf(
    tmp_path: Path, plan_context: dict[str, Any], convert_to_pdf: Callable[[Path], Path]
) -> None:
    source = tmp_path / "plan.docx"
    source.write_bytes(render("plan.docx", plan_context))
    pdf = convert_to_pdf(source)
    assert pdf.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftotext") is None:
        pytest.skip("未安装 pdftotext，跳过页码文字检查")
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert re.search(r"—\s*1\s*—", text) and re.search(r"—\s*2\s*—", text)
    assert "焦作市园林局2016年文明服务活动工作台账" in re.sub(r"\s+", "", text)


def test_unit_plan_converts_to_pdf(
    tmp_path: Path, unit_plan_context: dict[str, Any], convert_to_pdf: Callable[[Path], Path]
) -> None:
    source = tmp_path / "unit_plan.docx"
    source.write_bytes(render("unit_plan.docx", unit_plan_context))
    assert convert_to_pdf(source).read_bytes().startswith(b"%PDF")


# --- summary.docx (阶段工作总结) -----------------------------------------------------------------

SUMMARY_CONTRACT = {
    "tables",
    "title",
    "addressee",
    "blocks",
    "charts",
    "blocks_after_charts",
    "attachments",
    "signature",
    "date",
    "ledger",
}
CAPTION = "图1 各单位第一阶段任务完成率"


def with_chart(context: dict[str, Any]) -> dict[str, Any]:
    chart = chart_or_skip()
    picture = chart.as_picture(150, "各单位任务完成率")
    context["charts"] = [{"picture": picture, "caption": CAPTION}]
    return context


def without_ledger(context: dict[str, Any], ledger: object = None) -> dict[str, Any]:
    context["ledger"], context["attachments"] = ledger, []
    return context


def test_summary_template_has_the_contract() -> None:
    assert DocxTemplateEngine(TEMPLATES / "summary.docx").undeclared_variables() == SUMMARY_CONTRACT


def test_summary_template_has_picture_styles() -> None:
    styles = docx.Document(str(TEMPLATES / "summary.docx")).styles
    chart = styles[g.STYLE_CHART].paragraph_format
    assert chart.line_spacing_rule == WD_LINE_SPACING.SINGLE  # an exact line clips pictures
    assert styles[g.STYLE_CHART_CAPTION].font.size.pt == g.SIZE_SIHAO / 2


def test_summary_meets_gbt9704(summary_context: dict[str, Any]) -> None:
    data = render("summary.docx", with_chart(summary_context))
    assert_gbt9704(data)
    document = docx.Document(io.BytesIO(data))
    (shape,) = document.inline_shapes
    assert shape.width == Mm(150)
    styles = [p.style.name for p in document.paragraphs]
    picture_at = styles.index(g.STYLE_CHART)
    assert document.paragraphs[picture_at]._p.find(f".//{W}drawing") is not None
    assert document.paragraphs[picture_at + 1].text == CAPTION
    assert styles[picture_at + 1] == g.STYLE_CHART_CAPTION
    # the charts follow the body and precede the attachment note
    assert styles.index(g.STYLE_HEADING_1) < picture_at < styles.index(g.STYLE_ATTACHMENT_NOTE)


def test_summary_without_charts_meets_gbt9704(summary_context: dict[str, Any]) -> None:
    data = render("summary.docx", summary_context)
    assert_gbt9704(data)
    styles = [p.style.name for p in docx.Document(io.BytesIO(data)).paragraphs]
    assert g.STYLE_CHART not in styles and g.STYLE_CHART_CAPTION not in styles


def test_summary_ledger_table_has_the_given_columns(summary_context: dict[str, Any]) -> None:
    ledger = summary_context["ledger"]
    document = docx.Document(io.BytesIO(render("summary.docx", summary_context)))
    body, attachment = document.sections
    assert body.page_width < body.page_height
    assert attachment.page_width > attachment.page_height
    assert not attachment.footer.is_linked_to_previous  # §8: the number turned
    (table,) = document.tables
    assert [c.text for c in table.rows[0].cells] == ledger["columns"]
    assert [[c.text for c in row.cells] for row in table.rows[1:]] == [
        r["cells"] for r in ledger["rows"]
    ]
    assert table.rows[0]._tr.find(f"{W}trPr/{W}tblHeader") is not None
    grid = [int(c.get(f"{W}w")) for c in table._tbl.tblGrid.gridCol_lst]
    assert len(grid) == len(ledger["columns"])
    assert sum(grid) == g.LANDSCAPE_TEXT_WIDTH
    for row in table._tbl.tr_lst:
        assert [int(tc.tcPr.tcW.get(f"{W}w")) for tc in row.tc_lst] == grid
    assert grid[0] < grid[2]  # 序号 narrow, 具体目标内容 wide


@pytest.mark.parametrize("columns", [2, 8])
def test_summary_ledger_table_takes_any_column_count(
    summary_context: dict[str, Any], columns: int
) -> None:
    summary_context["ledger"]["columns"] = [f"第{n}列" for n in range(1, columns + 1)]
    summary_context["ledger"]["rows"] = [{"cells": [str(n) for n in range(columns)]}]
    data = render("summary.docx", summary_context)
    assert_gbt9704(data)
    (table,) = docx.Document(io.BytesIO(data)).tables
    assert len(table.columns) == columns
    assert [c.text for c in table.rows[1].cells] == [str(n) for n in range(columns)]


@pytest.mark.parametrize("ledger", [None, {}])
def test_summary_without_ledger_has_no_attachment_section(
    summary_context: dict[str, Any], ledger: object
) -> None:
    data = render("summary.docx", without_ledger(summary_context, ledger))
    assert_gbt9704(data)
    document = docx.Document(io.BytesIO(data))
    (section,) = document.sections
    assert section.page_width < section.page_height
    assert not document.tables
    styles = [p.style.name for p in document.paragraphs]
    assert g.STYLE_ATTACHMENT_NOTE not in styles and g.STYLE_ATTACHMENT_LABEL not in styles
    assert styles[-1] == g.STYLE_DATE  # nothing, not even an empty page, after the date


def test_summary_converts_to_pdf(tmp_path: Path, summary_context: dict[str, Any]) -> None:
    with_ledger = tmp_path / "summary.docx"
    with_ledger.write_bytes(render("summary.docx", with_chart(summary_context)))
    no_ledger = tmp_path / "summary_no_ledger.docx"
    no_ledger.write_bytes(render("summary.docx", without_ledger(summary_context)))
    pdfs = [pdf.read_bytes() for pdf in convert_many([with_ledger, no_ledger], tmp_path / "pdf")]
    assert all(re.search(rb"/Subtype\s*/Image", pdf) for pdf in pdfs)  # the chart
    assert {(595, 842), (842, 595)} <= page_sizes(pdfs[0])  # portrait body, landscape ledger
    assert (595, 842) in page_sizes(pdfs[1])
    assert (842, 595) not in page_sizes(pdfs[1])


def page_sizes(pdf: bytes) -> set[tuple[int, int]]:
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)", pdf)
    return {(round(float(w)), round(float(h))) for w, h in boxes}


def test_column_widths_fill_the_table_and_spare_narrow_columns() -> None:
    natural = [836, 2516, 5456, 6436, 1396, 1116]
    widths = column_widths(natural, 12756)
    assert sum(widths) == 12756
    assert widths[0] == 836 and widths[4:] == [1396, 1116]  # short texts keep one line
    assert widths[2] == widths[3]  # the long ones share the rest
    roomy = column_widths([1000, 2000, 3000], 12000)
    assert roomy == [2000, 4000, 6000]


# --- the checker reports what is wrong ------------------------------------------------------------


def _number(level: int, number: str) -> Callable[[dict[str, Any]], None]:
    def change(context: dict[str, Any]) -> None:
        block = next(b for b in context["blocks"] if b["level"] == level)
        block["number"] = number

    return change


def _set(key: str, value: str) -> Callable[[dict[str, Any]], None]:
    def change(context: dict[str, Any]) -> None:
        context[key] = value

    return change


def _retitle(context: dict[str, Any]) -> None:
    context["attachments"][0]["title"] = "别的附件"


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (_number(3, "1、"), "不能用“1、”"),
        (_number(2, "（一）、"), "不加“、”"),
        (_number(2, "(一)"), "全角括号"),
        (_number(4, "(1)"), "全角括号“（1）”"),
        (_set("date", "2016年06月07日"), "月日不补零"),
        (_set("addressee", "局属各单位"), "全角冒号"),
        (_retitle, "不一致"),
    ],
)
def test_checker_reports_wrong_content(
    plan_context: dict[str, Any], change: Callable[[dict[str, Any]], None], expected: str
) -> None:
    change(plan_context)
    failures = check_gbt9704(render("plan.docx", plan_context))
    assert any(expected in failure for failure in failures), failures


@pytest.mark.parametrize(
    ("part", "old", "new", "expected"),
    [
        ("word/document.xml", 'w:top="2098"', 'w:top="1440"', "top 页边距为 1440"),
        ("word/document.xml", 'w:left="1588"', 'w:left="1800"', "left 页边距为 1800"),
        ("word/document.xml", 'w:h="16838"', 'w:h="15840"', "应为 A4"),
        ("word/document.xml", 'w:type="lines"', 'w:type="linesAndChars"', "文档网格"),
        ("word/styles.xml", 'w:lineRule="exact" w:line="579"', 'w:line="240"', "行距"),
        (
            "word/document.xml",
            '(<w:r><w:rPr><w:rFonts[^>]*方正小标宋简体[^>]*/>)<w:b w:val="0"/>',
            r"\1<w:b/>",
            "不应加粗",
        ),
        ("word/document.xml", '(?#all)w:eastAsia="黑体"', 'w:eastAsia="宋体"', "一级标题文字"),
        ("word/document.xml", '(?#all)<w:spacing w:val="-5"/>', '<w:spacing w:val="0"/>', "28 字"),
        ("word/styles.xml", 'w:right="1280"', 'w:right="0"', "右空四字"),
        ("word/styles.xml", 'w:left="4204"', 'w:left="0"', "居中"),
        ("word/settings.xml", "<w:evenAndOddHeaders/>", "", "奇偶页不同"),
        ("word/footer1.xml", " \u2014</w:t>", " -</w:t>", "页码应为"),
        ("word/footer2.xml", 'w:left="280"', 'w:left="0"', "偶数页页码应左对齐"),
        ("word/footer1.xml", '(?#all)w:eastAsia="宋体"', 'w:eastAsia="黑体"', "宋体四号"),
        ("word/document.xml", 'w:footer="1307"', 'w:footer="567"', "应为 7 mm"),
        ("word/document.xml", '(?#all)w:eastAsia="zh-CN"', 'w:eastAsia="ja-JP"', "应为 zh-CN"),
        # §8: the landscape page's number is turned with the sheet, left of the 版心
        (
            "word/footer3.xml",
            'w:textDirection w:val="tbRl"',
            'w:textDirection w:val="lrTb"',
            "随纸张转向",
        ),
        ("word/footer4.xml", 'w:x="1307"', 'w:x="0"', "版心左侧 7 mm"),
        ("word/footer3.xml", 'w:y="8472"', 'w:y="1868"', "距下边一字"),
        ("word/footer4.xml", 'w:vAnchor="page"', 'w:vAnchor="text"', "相对页面定位"),
    ],
)
def test_checker_reports_wrong_layout(
    plan_context: dict[str, Any], part: str, old: str, new: str, expected: str
) -> None:
    assert_break_is_reported(plan_context, part, old, new, expected)


def assert_break_is_reported(
    context: dict[str, Any], part: str, old: str, new: str, expected: str
) -> None:
    """plan.docx rendered with ``context`` passes, and fails with ``expected`` once broken."""
    data = render("plan.docx", context)
    assert check_gbt9704(data) == []
    failures = check_gbt9704(replace_in(data, part, old, new))
    assert any(expected in failure for failure in failures), failures


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"number": "焦园[2016]12号"}, "六角括号"),
        ({"number": "焦园〔2016〕012号"}, "不编虚位"),
        ({"remark": "此件公开发布"}, "全角圆括号"),
        ({"copy_to": "抄送：市文明办、市直机关工委"}, "末尾句号"),
        ({"print_date": "2016年06月08日印发"}, "印发日期应写作"),
        ({"addressee": "局属各单位"}, "全角冒号"),
    ],
)
def test_checker_reports_wrong_notice_content(
    plan_context: dict[str, Any], changes: dict[str, str], expected: str
) -> None:
    failures = check_gbt9704(render("plan.docx", with_notice(plan_context, **changes)))
    assert any(expected in failure for failure in failures), failures


NOTICE_LAYOUT_BREAKS = [
    ("word/document.xml", '(?#all)<w:color w:val="FF0000"/>', '<w:color w:val="000000"/>', "红色"),
    (
        "word/styles.xml",
        '(w:styleId="IssuingAuthority">.*?)<w:jc w:val="center"/>',
        r'\1<w:jc w:val="left"/>',
        "发文机关标志“焦作市园林局文件”应居中",
    ),
    ("word/styles.xml", 'w:before="1984"', 'w:before="0"', "段前 1984"),
    ("word/styles.xml", '(<w:bottom [^>]*)w:color="FF0000"', r'\1w:color="000000"', "红色分隔线"),
    ("word/styles.xml", '(<w:bottom [^>]*)w:space="5"', r'\1w:space="20"', "4 mm"),
    (
        "word/document.xml",
        '(<w:pStyle w:val="DocNumber"/>)',
        r'\1<w:ind w:left="640"/>',
        "与版心等宽",
    ),
    (
        "word/document.xml",
        '(<w:pStyle w:val="Addressee"/>)',
        r'\1<w:ind w:left="320"/>',
        "应顶格编排",
    ),
    ("word/document.xml", '<w:type w:val="evenPage"/>', '<w:type w:val="nextPage"/>', "偶数页"),
    ("word/footer6.xml", 'w:before="397"', 'w:before="0"', "与版心下边缘重合"),
    (
        "word/footer6.xml",
        '<w:top w:val="single" w:sz="8"',
        '<w:top w:val="single" w:sz="4"',
        "0.35",
    ),
    ("word/footer6.xml", '(<w:insideH [^>]*)w:sz="6"', r'\1w:sz="12"', "0.25"),
    ("word/footer6.xml", '<w:left w:val="nil"/>', '<w:left w:val="single" w:sz="4"/>', "不应有线"),
    ("word/footer6.xml", '<w:left w:w="0" w:type="dxa"/>', "", "与版心等宽"),
    ("word/styles.xml", 'w:left="1120"', 'w:left="560"', "回行与冒号后首字对齐"),
    ("word/styles.xml", '(<w:tab [^>]*w:pos=)"8564"', r'\1"8000"', "右空一字"),
    ("word/footer6.xml", '(?#all)w:eastAsia="仿宋_GB2312"', 'w:eastAsia="黑体"', "版记文字"),
]


@pytest.mark.parametrize(("part", "old", "new", "expected"), NOTICE_LAYOUT_BREAKS)
def test_checker_reports_wrong_notice_layout(
    plan_context: dict[str, Any], part: str, old: str, new: str, expected: str
) -> None:
    assert_break_is_reported(with_notice(plan_context), part, old, new, expected)


def test_assert_lists_every_failure(plan_context: dict[str, Any]) -> None:
    plan_context["date"] = "2016年06月07日"
    _number(3, "1、")(plan_context)
    with pytest.raises(AssertionError) as caught:
        assert_gbt9704(render("plan.docx", plan_context))
    assert "月日不补零" in str(caught.value) and "不能用“1、”" in str(caught.value)


# --- the checker's one spacing exception: pictures ---------------------------------------------

CHART_STYLE_SPACING = r'(w:styleId="Chart">.*?)<w:spacing w:line="240" w:lineRule="auto"'
CAPTION_STYLE_SPACING = r'(w:styleId="ChartCaption">.*?)<w:spacing w:lineRule="exact" w:line="579"'


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        # a picture paragraph with an exact line (which would clip the picture)
        (CHART_STYLE_SPACING, r'\1<w:spacing w:line="579" w:lineRule="exact"', "应为单倍行距"),
        # the exception covers pictures only: the caption must keep the exact line
        (CAPTION_STYLE_SPACING, r'\1<w:spacing w:line="240" w:lineRule="auto"', "应为固定值"),
        # and a text paragraph in style 图表 is no picture either
        (r'<w:pStyle w:val="LevelOneHeading"/>', '<w:pStyle w:val="Chart"/>', "应为固定值"),
    ],
)
def test_checker_allows_single_spacing_for_pictures_only(
    summary_context: dict[str, Any], old: str, new: str, expected: str
) -> None:
    data = render("summary.docx", with_chart(summary_context))
    assert check_gbt9704(data) == []
    part = "word/document.xml" if "pStyle" in old else "word/styles.xml"
    failures = check_gbt9704(replace_in(data, part, old, new))
    assert any(expected in failure for failure in failures), failures
