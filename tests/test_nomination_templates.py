"""The nomination forms (先进个人 / 先进集体推荐表): one bordered 156 mm table per nominee.

Both templates take the same context: title, form_no, fields [{label, value}],
honours, story ("\\n" between paragraphs), opinions [{label, note}] (and award,
which they do not print).
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.oxml.ns import qn

from generator.render import gbt9704 as g
from generator.render.docx.engine import DocxTemplateEngine
from tests.conftest import convert_many
from tests.gbt9704_checks import (
    DocxView,
    Element,
    check_gbt9704,
    paragraph_text,
    run_text,
    runs,
)
from tests.test_templates_gbt9704 import STALE, TEMPLATES, load_make_templates, render, replace_in

FORMS = {
    "nomination_individual.docx": "individual_nomination_context",
    "nomination_collective.docx": "collective_nomination_context",
}
CONTRACT = {"title", "form_no", "fields", "honours", "story", "opinions"}
LAST_SENTENCE = "以上事迹经所在单位党组织核实无误"
STORY_SENTENCES = (
    "该同志坚守园林绿化一线，爱岗敬业，任劳任怨，",
    "带领职工精心养护公园花木，补植苗木三千余株，",
    "推出花卉认养和游园咨询等便民服务，",
    "设立学雷锋志愿服务岗，常态化开展文明劝导，",
    "游客满意率逐年提升，多次受到市民群众书面表扬。",
)
MM = g.TWIPS_PER_MM


@pytest.fixture(params=sorted(FORMS))
def form(request: pytest.FixtureRequest) -> tuple[str, dict[str, Any]]:
    """(template name, its sample context) for each of the two forms."""
    return request.param, request.getfixturevalue(FORMS[request.param])


def long_story(chars: int = 2400) -> str:
    """At least ``chars`` characters in numbered paragraphs, ending in LAST_SENTENCE."""
    sentences = "".join(STORY_SENTENCES)
    count = chars // len(sentences) + 1
    paragraphs = [f"{sentences}此为第{n}段。" for n in range(1, count + 1)]
    return "\n".join([*paragraphs, LAST_SENTENCE + "。"])


# --- reading the rendered form ------------------------------------------------------------


def form_table(data: bytes) -> tuple[DocxView, Element]:
    view = DocxView.load(data)
    (table,) = view.tables()
    return view, table


def cells(row: Element) -> list[Element]:
    return row.findall(qn("w:tc"))


def cell_text(cell: Element) -> str:
    return "\n".join(paragraph_text(p) for p in cell.iter(qn("w:p")))


def rows_by_label(table: Element) -> dict[str, Element]:
    """Rows keyed by their first cell's text (labels are unique in a form)."""
    return {cell_text(cells(row)[0]): row for row in table.findall(qn("w:tr"))}


def story_row(table: Element) -> Element:
    return rows_by_label(table)[g.FORM_STORY_LABEL]


def story_paragraphs(table: Element) -> list[str]:
    return [paragraph_text(p) for p in cells(story_row(table))[1].iter(qn("w:p"))]


def fonts(view: DocxView, cell: Element) -> set[str | None]:
    """The effective east Asian font of every text run in ``cell``."""
    return {
        view.east_asian_font(r, p)
        for p in cell.iter(qn("w:p"))
        for r in runs(p)
        if run_text(r).strip()
    }


def alignment(view: DocxView, p: Element) -> str | None:
    return view.paragraph_value(p, "w:jc", "val")


def grid_width(cell: Element) -> int:
    span = cell.find(f"{qn('w:tcPr')}/{qn('w:gridSpan')}")
    return int(span.get(qn("w:val"))) if span is not None else 1


# --- the templates ------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(FORMS))
def test_committed_template_is_what_the_script_builds(name: str) -> None:
    make_templates = load_make_templates()
    built = make_templates.to_bytes(make_templates.builders()[name]())
    assert built == (TEMPLATES / name).read_bytes(), STALE.format(name)


@pytest.mark.parametrize("name", sorted(FORMS))
def test_template_takes_the_contract(name: str) -> None:
    assert DocxTemplateEngine(TEMPLATES / name).undeclared_variables() == CONTRACT


@pytest.mark.parametrize("name", sorted(FORMS))
def test_template_has_named_chinese_form_styles(name: str) -> None:
    styles = docx.Document(str(TEMPLATES / name)).styles
    expected = {
        g.STYLE_FORM_LABEL: g.FONT_HEITI,
        g.STYLE_FORM_TEXT: g.FONT_FANGSONG,
        g.STYLE_FORM_STORY: g.FONT_FANGSONG,
        g.STYLE_FORM_SEAL: g.FONT_FANGSONG,
        g.STYLE_FORM_DATE: g.FONT_FANGSONG,
        g.STYLE_FORM_NUMBER: g.FONT_FANGSONG,
    }
    for style_name, font in expected.items():
        rpr = styles[style_name].element.find(qn("w:rPr"))
        assert rpr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == font, style_name
        assert rpr.find(qn("w:lang")).get(qn("w:eastAsia")) == g.LANG_EAST_ASIA


# --- the rendered table -------------------------------------------------------------------


def test_table_is_156_mm_fixed_with_matching_cells(form: tuple[str, dict[str, Any]]) -> None:
    name, context = form
    document = docx.Document(io.BytesIO(render(name, context)))
    (table,) = document.tables
    tbl = table._tbl
    width = tbl.tblPr.find(qn("w:tblW"))
    assert (width.get(qn("w:w")), width.get(qn("w:type"))) == (str(g.FORM_TABLE_WIDTH), "dxa")
    grid = [int(col.get(qn("w:w"))) for col in tbl.tblGrid.gridCol_lst]
    assert sum(grid) == g.FORM_TABLE_WIDTH
    assert abs(sum(grid) - 156 * MM) <= MM
    assert tbl.tblPr.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"
    for row in tbl.tr_lst:
        assert sum(grid_width(tc) for tc in row.tc_lst) == len(grid)
        assert sum(int(tc.tcPr.tcW.get(qn("w:w"))) for tc in row.tc_lst) == g.FORM_TABLE_WIDTH
    assert tbl.find(f".//{qn('w:tblHeader')}") is None  # a form, not a list: nothing repeats


def test_fields_two_pairs_a_row_odd_pair_spans(form: tuple[str, dict[str, Any]]) -> None:
    name, context = form
    _, table = form_table(render(name, context))
    fields = context["fields"]
    field_rows = table.findall(qn("w:tr"))[: (len(fields) + 1) // 2]
    texts = [cell_text(cell) for row in field_rows for cell in cells(row)]
    assert texts == [text for f in fields for text in (f["label"], f["value"])]
    assert len(fields) % 2  # both samples end on an odd pair
    last = cells(field_rows[-1])
    assert [grid_width(cell) for cell in last] == [1, 3]


def test_even_field_count_has_no_spanning_row(
    individual_nomination_context: dict[str, Any],
) -> None:
    context = individual_nomination_context
    context["fields"] = context["fields"][:8]
    _, table = form_table(render("nomination_individual.docx", context))
    field_rows = table.findall(qn("w:tr"))[:4]
    assert all(len(cells(row)) == 4 for row in field_rows)
    assert cell_text(cells(table.findall(qn("w:tr"))[4])[0]) == "曾获荣誉"


def test_labels_are_heiti_and_values_fangsong(form: tuple[str, dict[str, Any]]) -> None:
    name, context = form
    view, table = form_table(render(name, context))
    labels = {f["label"] for f in context["fields"]}
    labels |= {"曾获荣誉", g.FORM_STORY_LABEL} | {o["label"] for o in context["opinions"]}
    for row in table.findall(qn("w:tr")):
        for cell in cells(row):
            text = cell_text(cell)
            if not text.strip():
                continue
            want = g.FONT_HEITI if text in labels else g.FONT_FANGSONG
            assert fonts(view, cell) == {want}, text
            for p in cell.iter(qn("w:p")):
                for r in runs(p):
                    size = view.size(r, p)
                    assert size is not None and g.SIZE_XIAOSI <= size <= g.SIZE_SIHAO


def test_cell_lines_do_not_clip_sihao(form: tuple[str, dict[str, Any]]) -> None:
    """Every table line is at least 18 pt, or exact and tall enough for 四号 text."""
    name, context = form
    view, table = form_table(render(name, context))
    for p in table.iter(qn("w:p")):
        rule = view.paragraph_value(p, "w:spacing", "lineRule")
        line = int(view.paragraph_value(p, "w:spacing", "line") or 0)
        assert rule in ("atLeast", "exact"), rule
        assert line >= (g.FORM_LINE if rule == "atLeast" else g.SIZE_SIHAO * 10 * 1.2)


def test_honours_and_title_and_number(form: tuple[str, dict[str, Any]]) -> None:
    name, context = form
    data = render(name, context)
    view, table = form_table(data)
    honours = rows_by_label(table)["曾获荣誉"]
    assert cell_text(cells(honours)[1]) == context["honours"]
    assert [grid_width(cell) for cell in cells(honours)] == [1, 3]
    body = [p.element for p in view.body_paragraphs()]
    assert [view.paragraph_style_name(p) for p in body[:2]] == [
        g.STYLE_TITLE,
        g.STYLE_FORM_NUMBER,
    ]
    assert [paragraph_text(p) for p in body[:2]] == [context["title"], context["form_no"]]
    assert alignment(view, body[1]) == "right"


def test_opinion_rows_leave_room_for_seal_and_date(form: tuple[str, dict[str, Any]]) -> None:
    name, context = form
    view, table = form_table(render(name, context))
    rows = rows_by_label(table)
    for opinion in context["opinions"]:
        row = rows[opinion["label"]]
        assert row.find(f"{qn('w:trPr')}/{qn('w:cantSplit')}") is not None
        height = row.find(f"{qn('w:trPr')}/{qn('w:trHeight')}")
        assert int(height.get(qn("w:val"))) >= 30 * MM - 1
        note, seal, date = cells(row)[1].findall(qn("w:p"))
        assert paragraph_text(note) == opinion["note"]
        assert paragraph_text(seal) == "（盖章）"
        assert re.fullmatch(r"\s*年\s+月\s+日", paragraph_text(date))
        for p in (seal, date):
            assert alignment(view, p) == "right"
            indent = int(view.paragraph_value(p, "w:ind", "right") or 0)
            assert 2 * g.CHAR_WIDTH_XIAOSI <= indent <= 4 * g.CHAR_WIDTH_XIAOSI
        assert int(view.paragraph_value(seal, "w:spacing", "before") or 0) >= g.FORM_LINE
        # the opinion rows keep together (Word: every paragraph of a row keeps with the next)
        assert all(view.paragraph_flag(p, "w:keepNext") for p in row.iter(qn("w:p")))


def test_two_opinions(individual_nomination_context: dict[str, Any]) -> None:
    individual_nomination_context["opinions"] = individual_nomination_context["opinions"][:2]
    _, table = form_table(render("nomination_individual.docx", individual_nomination_context))
    seals = [t for t in (cell_text(c) for c in table.iter(qn("w:tc"))) if "（盖章）" in t]
    assert len(seals) == 2


# --- the story ------------------------------------------------------------------------------


def test_story_row_may_split_and_holds_one_paragraph_per_line(
    form: tuple[str, dict[str, Any]],
) -> None:
    name, context = form
    view, table = form_table(render(name, context))
    row = story_row(table)
    assert row.find(f"{qn('w:trPr')}/{qn('w:cantSplit')}") is None
    assert story_paragraphs(table) == context["story"].split("\n")
    for p in cells(row)[1].iter(qn("w:p")):
        assert view.paragraph_style_name(p) == g.STYLE_FORM_STORY
        assert alignment(view, p) == "both"  # justified
        assert int(view.paragraph_value(p, "w:ind", "firstLine")) == g.FORM_STORY_INDENT


def test_long_story_is_complete(form: tuple[str, dict[str, Any]]) -> None:
    name, context = form
    context["story"] = long_story()
    assert len(context["story"].replace("\n", "")) >= 2400
    _, table = form_table(render(name, context))
    assert "".join(story_paragraphs(table)) == context["story"].replace("\n", "")


def test_story_lines_are_trimmed_and_blank_ones_dropped(
    individual_nomination_context: dict[str, Any],
) -> None:
    individual_nomination_context["story"] = "　　第一段。\r\n\n  第二段。 \n"
    _, table = form_table(render("nomination_individual.docx", individual_nomination_context))
    assert story_paragraphs(table) == ["第一段。", "第二段。"]


def test_empty_story_leaves_a_valid_cell(individual_nomination_context: dict[str, Any]) -> None:
    individual_nomination_context["story"] = ""
    _, table = form_table(render("nomination_individual.docx", individual_nomination_context))
    assert story_paragraphs(table) == [""]  # a cell must keep one paragraph


def test_two_renders_are_byte_identical(form: tuple[str, dict[str, Any]]) -> None:
    name, context = form
    assert render(name, context) == render(name, context)


# --- GB/T 9704: what applies to a form ------------------------------------------------------


def test_form_meets_gbt9704(form: tuple[str, dict[str, Any]]) -> None:
    name, context = form
    assert check_gbt9704(render(name, context)) == []


NO_DATE = "没有成文日期段落"


def test_only_a_form_may_lack_a_date(
    individual_nomination_context: dict[str, Any], plan_context: dict[str, Any]
) -> None:
    """A form is known by its label cells; without them, or in a 公文, the date is required."""
    form = render("nomination_individual.docx", individual_nomination_context)
    # the labels, still 黑体, now in 表格内容 cells: a table of values, not a form
    unlabelled = replace_in(form, "word/document.xml", '(?#all)"FormLabel"', '"FormText"')
    assert any(NO_DATE in failure for failure in check_gbt9704(unlabelled))
    plan = render("plan.docx", plan_context)
    undated = replace_in(plan, "word/document.xml", '"IssueDate"', '"Signature"')
    assert any(NO_DATE in failure for failure in check_gbt9704(undated))


TABLE_END = r'<w:pStyle w:val="TableEnd"/>'
HEITI = '(?#all)w:eastAsia="黑体"'
FANGSONG = '(?#all)w:eastAsia="仿宋_GB2312"'
TITLE_FONT = '(?#all)w:eastAsia="方正小标宋简体"'


@pytest.mark.parametrize(
    ("part", "old", "new", "expected"),
    [
        # a label in 仿宋, a value in 黑体
        ("word/document.xml", HEITI, 'w:eastAsia="仿宋_GB2312"', "表格文字“姓名”为 仿宋"),
        ("word/document.xml", FANGSONG, 'w:eastAsia="黑体"', "表格文字“李秀芳”为 黑体"),
        # the 1 pt exemption covers the empty paragraph after the table only
        ("word/document.xml", r'<w:pStyle w:val="FormNumber"/>', TABLE_END, "编号：N03"),
        ("word/document.xml", r"(TableEnd.*?</w:pPr>)", r"\1<w:r><w:t>注</w:t></w:r>", "“注”"),
        # page, title and footers are checked on forms as on any 公文
        ("word/document.xml", 'w:top="2098"', 'w:top="1440"', "top 页边距为 1440"),
        ("word/document.xml", TITLE_FONT, 'w:eastAsia="宋体"', "公文标题"),
        ("word/footer2.xml", 'w:left="280"', 'w:left="0"', "偶数页页码应左对齐"),
    ],
)
def test_checker_still_flags_form_violations(
    individual_nomination_context: dict[str, Any], part: str, old: str, new: str, expected: str
) -> None:
    data = render("nomination_individual.docx", individual_nomination_context)
    changed = replace_in(data, part, old, new)
    failures = check_gbt9704(changed)
    assert any(expected in failure for failure in failures), failures


# --- LibreOffice: pages and text ------------------------------------------------------------


def pdf_pages(pdf: Path) -> list[str]:
    """The text of each page, white space removed; skip without pdftotext."""
    if shutil.which("pdftotext") is None:
        pytest.skip("未安装 pdftotext（poppler-utils），跳过 PDF 文字检查")
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    pages = text.split("\f")
    if pages and not pages[-1].strip():
        pages.pop()
    return [re.sub(r"\s+", "", page) for page in pages]


def test_forms_in_libreoffice(
    tmp_path: Path,
    individual_nomination_context: dict[str, Any],
    collective_nomination_context: dict[str, Any],
) -> None:
    """A short story keeps the form on one page; a 2400-字 story runs on, nothing lost."""
    sources: list[tuple[Path, dict[str, Any]]] = []
    for name, context in (
        ("nomination_individual.docx", individual_nomination_context),
        ("nomination_collective.docx", collective_nomination_context),
    ):
        long_context = {**context, "story": long_story()}
        for label, variant in (("short", context), ("long", long_context)):
            path = tmp_path / f"{label}-{name}"
            path.write_bytes(render(name, variant))
            sources.append((path, variant))
    pdfs = convert_many([path for path, _ in sources], tmp_path / "pdf")
    for (path, context), pdf in zip(sources, pdfs, strict=True):
        pages = pdf_pages(pdf)
        where = path.name
        if where.startswith("short"):
            assert len(pages) == 1, where
        else:
            assert len(pages) > 1, where
            assert LAST_SENTENCE in "".join(pages), where
        assert context["title"] in pages[0], where
        last = pages[-1]  # the table is intact: the opinion rows close it
        assert all(o["label"] in last for o in context["opinions"]), where
        assert last.count("（盖章）") == len(context["opinions"]), where
        assert re.search(r"—\d+—", last), where  # the page number
