"""DocxTemplateEngine: strict, sandboxed, parsed once, reproducible, docxtpl-compatible."""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.document import Document
from docxtpl import DocxTemplate

from generator.render.document_spec import DocProperties
from generator.render.docx.engine import DocxTemplateEngine
from generator.render.docx.errors import TemplateRenderError

ROOT = Path(__file__).resolve().parents[1]
PLAN = ROOT / "templates" / "plan.docx"
UNIT_PLAN = ROOT / "templates" / "unit_plan.docx"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
PROPERTIES = DocProperties(title="实施方案", author="焦作市园林局", created=date(2016, 6, 7))


def member(data: bytes, name: str) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read(name).decode("utf-8")


def open_docx(data: bytes) -> Document:
    return docx.Document(io.BytesIO(data))


def texts(document: Document) -> list[str]:
    """Every paragraph text in reading order, table cells included."""
    body = document.element.body
    return ["".join(t.text or "" for t in p.iter(f"{W}t")) for p in body.iter(f"{W}p")]


def make_template(path: Path, lines: list[str], footer: str | None = None) -> Path:
    """A small template built on the spot: one paragraph per line, an optional footer."""
    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    if footer is not None:
        document.sections[0].footer.paragraphs[0].text = footer
    document.save(path)
    return path


@pytest.fixture
def engine() -> DocxTemplateEngine:
    return DocxTemplateEngine(PLAN)


# --- values ---------------------------------------------------------------------------


def test_markup_characters_survive_exactly(
    engine: DocxTemplateEngine, plan_context: dict[str, Any]
) -> None:
    data = engine.render(plan_context)
    assert any("推动R&D <x>成果转化" in text for text in texts(open_docx(data)))
    assert "R&amp;D &lt;x&gt;" in member(data, "word/document.xml")


def test_newline_becomes_line_break(
    engine: DocxTemplateEngine, plan_context: dict[str, Any]
) -> None:
    plan_context["blocks"][0]["text"] = "a\nb"
    xml = member(engine.render(plan_context), "word/document.xml")
    assert re.search(r">a</w:t><w:br/><w:t[^>]*>b</w:t>", xml)
    paragraphs = open_docx(engine.render(plan_context)).paragraphs
    assert "a\nb" in [p.text for p in paragraphs]


@pytest.mark.parametrize("char", ["\x0b", "\x00", "\x07", "\x0c", "\x1f", "\ufffe", "\ud800"])
def test_xml_illegal_character_raises(
    engine: DocxTemplateEngine, plan_context: dict[str, Any], char: str
) -> None:
    plan_context["ledger"]["groups"][0]["rows"][0]["responsible"] = f"局办{char}公室"
    with pytest.raises(TemplateRenderError) as caught:
        engine.render(plan_context)
    message = str(caught.value)
    assert f"U+{ord(char):04X}" in message
    assert "plan.docx" in message


def test_undefined_variable_raises_with_its_name(
    engine: DocxTemplateEngine, plan_context: dict[str, Any]
) -> None:
    del plan_context["signature"]
    with pytest.raises(TemplateRenderError) as caught:
        engine.render(plan_context)
    assert "signature" in str(caught.value)
    assert "plan.docx" in str(caught.value)


def test_missing_block_key_raises(engine: DocxTemplateEngine, plan_context: dict[str, Any]) -> None:
    del plan_context["blocks"][1]["heading"]
    with pytest.raises(TemplateRenderError, match="heading"):
        engine.render(plan_context)


# --- the sandbox and broken templates ---------------------------------------------------------


@pytest.mark.parametrize(
    "expression",
    ["{{ ''.__class__.__mro__ }}", "{{ title.__init__.__globals__ }}", "{{ cycler.__init__ }}"],
)
def test_sandbox_escape_raises(tmp_path: Path, expression: str) -> None:
    template = make_template(tmp_path / "evil.docx", [expression])
    with pytest.raises(TemplateRenderError, match=r"evil\.docx"):
        DocxTemplateEngine(template).render({"title": "x"})


def test_broken_xml_from_a_safe_value_raises(tmp_path: Path) -> None:
    template = make_template(tmp_path / "raw.docx", ["{{ value|safe }}"])
    with pytest.raises(TemplateRenderError, match="XML"):
        DocxTemplateEngine(template).render({"value": "<w:p>"})


def test_unclosed_tag_is_reported_when_loading(tmp_path: Path) -> None:
    template = make_template(tmp_path / "open.docx", ["{%p if title %}", "{{ title }}"])
    with pytest.raises(TemplateRenderError, match=r"open\.docx"):
        DocxTemplateEngine(template)


def test_footer_with_jinja_is_rendered(tmp_path: Path) -> None:
    template = make_template(tmp_path / "foot.docx", ["{{ title }}"], footer="{{ unit }}")
    engine = DocxTemplateEngine(template)
    assert engine.undeclared_variables() == {"title", "unit"}
    document = open_docx(engine.render({"title": "正文", "unit": "局办公室"}))
    assert document.sections[0].footer.paragraphs[0].text == "局办公室"


# --- parsing once, reproducibility ----------------------------------------------------------------


def test_template_is_read_and_patched_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, plan_context: dict[str, Any]
) -> None:
    calls: list[int] = []
    original: Callable[[DocxTemplate, str], str] = DocxTemplate.patch_xml

    def counting(self: DocxTemplate, src_xml: str) -> str:
        calls.append(1)
        return original(self, src_xml)

    monkeypatch.setattr(DocxTemplate, "patch_xml", counting)
    copy = Path(shutil.copy(PLAN, tmp_path / "plan.docx"))
    engine = DocxTemplateEngine(copy)
    copy.unlink()  # rendering must not need the file again
    for _ in range(3):
        engine.render(plan_context)
    assert len(calls) == len(engine.parts)  # once per templated part, when loading
    assert engine.parts[0] == "word/document.xml"


def test_renders_are_byte_identical(plan_context: dict[str, Any]) -> None:
    first = DocxTemplateEngine(PLAN).render(plan_context, PROPERTIES)
    second = DocxTemplateEngine(PLAN).render(plan_context, PROPERTIES)
    assert first == second


def test_properties_are_the_given_ones(
    engine: DocxTemplateEngine, plan_context: dict[str, Any]
) -> None:
    core = open_docx(engine.render(plan_context, PROPERTIES)).core_properties
    assert (core.title, core.author) == ("实施方案", "焦作市园林局")
    assert core.created.date() == date(2016, 6, 7)
    assert core.modified == core.created


def test_undeclared_variables_match_the_contract() -> None:
    plan = {"notice", "title", "addressee", "blocks", "attachments", "signature", "date", "ledger"}
    assert DocxTemplateEngine(PLAN).undeclared_variables() == plan
    unit = {"title", "plan_title", "task_blocks", "phase_blocks", "requirement_blocks"}
    assert DocxTemplateEngine(UNIT_PLAN).undeclared_variables() == unit | {"signature", "date"}


# --- the rendered document ------------------------------------------------------------------------


def test_group_cells_are_merged_vertically(
    engine: DocxTemplateEngine, plan_context: dict[str, Any]
) -> None:
    document = open_docx(engine.render(plan_context))
    rows = document.tables[0]._tbl.tr_lst[1:]
    merges = [row.tc_lst[1].tcPr.find(f"{W}vMerge").get(f"{W}val") for row in rows]
    assert merges == ["restart", "continue", "restart"]
    projects = [row.cells[1].text for row in document.tables[0].rows[1:]]
    assert projects == ["文明服务窗口创建", "文明服务窗口创建", "志愿服务活动"]


def test_content_lines_are_paragraphs(
    engine: DocxTemplateEngine, plan_context: dict[str, Any]
) -> None:
    table = open_docx(engine.render(plan_context)).tables[0]
    assert [p.text for p in table.rows[1].cells[2].paragraphs] == ["公示服务承诺", "设置意见箱"]
    assert [c.text for c in table.rows[0].cells] == [
        "序号",
        "创建项目",
        "具体目标内容",
        "责任单位",
        "实施情况",
    ]


def test_same_text_as_docxtpl(engine: DocxTemplateEngine, plan_context: dict[str, Any]) -> None:
    reference = DocxTemplate(PLAN)
    reference.render(plan_context, autoescape=True)
    buffer = io.BytesIO()
    reference.save(buffer)
    ours = texts(open_docx(engine.render(plan_context)))
    assert ours == texts(open_docx(buffer.getvalue()))
    assert "推动R&D <x>成果转化" in "".join(ours)


def test_empty_addressee_omits_its_paragraph(
    engine: DocxTemplateEngine, plan_context: dict[str, Any]
) -> None:
    plan_context["addressee"] = ""
    styles = [p.style.name for p in open_docx(engine.render(plan_context)).paragraphs]
    assert "主送机关" not in styles


def test_several_attachments_are_numbered(
    engine: DocxTemplateEngine, plan_context: dict[str, Any]
) -> None:
    plan_context["attachments"] = [
        {"label": "附件1", "title": "工作台账"},
        {"label": "附件2", "title": "联络员名单"},
    ]
    paragraphs = open_docx(engine.render(plan_context)).paragraphs
    notes = [p.text for p in paragraphs if p.style.name == "附件说明"]
    assert notes == ["附件：1. 工作台账", "2. 联络员名单"]


def test_plan_without_attachments_is_an_error(plan_context: dict[str, Any]) -> None:
    plan_context["attachments"] = []
    # The landscape page shows attachments[0]: a plan without attachments is an error.
    with pytest.raises(TemplateRenderError, match=r"attachments\[0\]\.label"):
        DocxTemplateEngine(PLAN).render(plan_context)


def test_pdf_conversion(
    tmp_path: Path,
    engine: DocxTemplateEngine,
    plan_context: dict[str, Any],
    convert_to_pdf: Callable[[Path], Path],
) -> None:
    source = tmp_path / "plan.docx"
    source.write_bytes(engine.render(plan_context, PROPERTIES))
    pdf = convert_to_pdf(source).read_bytes()
    assert pdf.startswith(b"%PDF")
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)", pdf)
    sizes = {(round(float(w)), round(float(h))) for w, h in boxes}
    assert {(595, 842), (842, 595)} <= sizes  # A4 portrait body, A4 landscape ledger
