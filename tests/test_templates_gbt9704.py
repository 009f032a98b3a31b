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

from generator.render import gbt9704 as g
from generator.render.docx_engine import DocxTemplateEngine
from tests.gbt9704_checks import assert_gbt9704, check_gbt9704

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = ROOT / "templates"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
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


@pytest.mark.parametrize("name", ["plan.docx", "unit_plan.docx"])
def test_committed_template_is_what_the_script_builds(name: str) -> None:
    """templates/ is rebuilt by tools/make_templates.py, byte for byte."""
    make_templates = load_make_templates()
    built = make_templates.to_bytes(make_templates.BUILDERS[name]())
    assert built == make_templates.to_bytes(make_templates.BUILDERS[name]())
    assert built == (TEMPLATES / name).read_bytes(), "运行 python tools/make_templates.py"


@pytest.mark.parametrize("name", ["plan.docx", "unit_plan.docx"])
def test_template_has_named_chinese_styles(name: str) -> None:
    styles = docx.Document(str(TEMPLATES / name)).styles
    for style_name in STYLE_NAMES:
        assert styles[style_name].type == WD_STYLE_TYPE.PARAGRAPH
    assert styles[g.STYLE_HEADING_2].type == WD_STYLE_TYPE.CHARACTER


@pytest.mark.parametrize("name", ["plan.docx", "unit_plan.docx"])
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


def test_plan_meets_gbt9704(plan_context: dict[str, Any]) -> None:
    assert_gbt9704(render("plan.docx", plan_context))


def test_plan_without_addressee_meets_gbt9704(plan_context: dict[str, Any]) -> None:
    plan_context["addressee"] = ""
    assert_gbt9704(render("plan.docx", plan_context))


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
    assert ledger.footer.is_linked_to_previous  # the page numbers continue on the ledger
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
    ],
)
def test_checker_reports_wrong_layout(
    plan_context: dict[str, Any], part: str, old: str, new: str, expected: str
) -> None:
    data = render("plan.docx", plan_context)
    assert check_gbt9704(data) == []
    failures = check_gbt9704(replace_in(data, part, old, new))
    assert any(expected in failure for failure in failures), failures


def test_assert_lists_every_failure(plan_context: dict[str, Any]) -> None:
    plan_context["date"] = "2016年06月07日"
    _number(3, "1、")(plan_context)
    with pytest.raises(AssertionError) as caught:
        assert_gbt9704(render("plan.docx", plan_context))
    assert "月日不补零" in str(caught.value) and "不能用“1、”" in str(caught.value)
