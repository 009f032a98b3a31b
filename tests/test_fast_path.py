"""The fast path renders what docxtpl renders: same text, for every example template.

A part no fix-up applies to is written as rendered, without a parse into a tree and
a re-serialisation; read canonically (C14N) it must be docxtpl's XML, and equal to
what the tree path gives, and it must be refused for the same broken XML.
"""

from __future__ import annotations

import copy
import io
import random
import re
import zipfile
from pathlib import Path
from typing import Any

import docx
import pytest
from docxtpl import DocxTemplate
from lxml import etree

from generator.lint import kind_contexts
from generator.model.evaluation import evaluate
from generator.pipeline import kinds
from generator.read.plan_reader import read_nominations, read_plan
from generator.render.docx import engine as engine_module
from generator.render.docx import fast_path
from generator.render.docx.engine import DocxTemplateEngine
from generator.render.docx.errors import TemplateRenderError
from generator.render.docx_wellformed import prove
from generator.render.limits import LimitedSandbox
from generator.render.templates import TemplateSet
from tests.helpers import EXAMPLE
from tests.test_docx_engine import make_template

PLAN = read_plan(EXAMPLE)
UNIT = PLAN.units["rmgy"]
YEAR = evaluate(PLAN, None, PLAN.text.phases[-1], cumulative=True)
NOMINEES = read_nominations(EXAMPLE, PLAN).nominations
AWARDS = {a.id: a for a in PLAN.awards.awards}


def _cases() -> dict[str, tuple[str, dict[str, Any]]]:
    """One context per Word template of every kind the registry lists, made from the example
    by the kind's own builder (so a new kind is covered without touching this test)."""
    cases = {}
    for kind, made in kind_contexts(EXAMPLE, per_kind=1).items():
        for template, context in made:
            if context.get("charts"):  # docxtpl takes no Picture; the charts are tested apart
                context = {**context, "charts": []}
            cases[kind if len(made) == 1 else f"{kind}/{template}"] = (template, context)
    return cases


CASES = _cases()


def texts(data: bytes) -> list[str]:
    document = docx.Document(io.BytesIO(data))
    paragraphs = [p.text for p in document.paragraphs]
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    return paragraphs + cells


def docxtpl_bytes(template: str, context: dict[str, Any]) -> bytes:
    """The naive way: docxtpl renders the template itself."""
    reference = DocxTemplate(TemplateSet().path(template))
    reference.render(context, autoescape=True)
    buffer = io.BytesIO()
    reference.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("case", list(CASES))
def test_fast_path_equals_docxtpl(case: str) -> None:
    template, context = CASES[case]
    ours = TemplateSet().docx(template).render(context)
    assert texts(ours) == texts(docxtpl_bytes(template, context))


def test_unchanged_parts_are_copied_not_recompressed() -> None:
    engine = TemplateSet().docx(kinds.UNIT_PLAN.name)
    rendered = engine.render(CASES["unit_plan"][1])
    template = zipfile.ZipFile(TemplateSet().path(kinds.UNIT_PLAN.name))
    out = zipfile.ZipFile(io.BytesIO(rendered))
    assert out.testzip() is None
    assert out.read("word/styles.xml") == template.read("word/styles.xml")
    assert out.read("word/document.xml") != template.read("word/document.xml")


# --- canonical equality ---------------------------------------------------------------------


def members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def canonical(xml: bytes) -> bytes:
    return etree.tostring(etree.fromstring(xml), method="c14n")


def fast_parts(engine: DocxTemplateEngine, rendered: dict[str, bytes]) -> list[str]:
    """The templated parts written as rendered (no tree): the fast path's."""
    return [part for part in engine.parts if not fast_path.needs_tree(rendered[part])]


def test_the_unit_plan_takes_the_fast_path() -> None:
    template, context = CASES["unit_plan"]
    engine = TemplateSet().docx(template)
    rendered = members(engine.render(context))
    assert fast_parts(engine, rendered) == ["word/document.xml"]
    # Written as rendered, behind the declaration lxml would write.
    assert rendered["word/document.xml"].startswith(fast_path.XML_DECLARATION)


@pytest.mark.parametrize("case", list(CASES))
def test_fast_parts_are_docxtpls_xml(case: str) -> None:
    template, context = CASES[case]
    if "ledger" in context and not context["ledger"]:
        pytest.skip("no attachment: the engine drops the section it left empty, docxtpl does not")
    engine = TemplateSet().docx(template)
    ours = members(engine.render(context))
    theirs = members(docxtpl_bytes(template, context))
    for part in fast_parts(engine, ours):
        assert canonical(ours[part]) == canonical(theirs[part]), part


@pytest.mark.parametrize("case", list(CASES))
def test_fast_path_equals_tree_path(case: str, monkeypatch: pytest.MonkeyPatch) -> None:
    template, context = CASES[case]
    fast = members(DocxTemplateEngine(TemplateSet().path(template)).render(context))
    monkeypatch.setattr(DocxTemplateEngine, "_as_rendered", lambda *args: False)
    tree = members(DocxTemplateEngine(TemplateSet().path(template)).render(context))
    assert fast.keys() == tree.keys()
    for name, data in fast.items():
        if name.endswith((".xml", ".rels")):
            assert canonical(data) == canonical(tree[name]), name
        else:
            assert data == tree[name], name


def awkward_unit_plan() -> dict[str, Any]:
    """The unit plan with every value docxtpl post-processes: line breaks and tabs
    (resolve_listing), its escaped braces, and characters to escape."""
    context = copy.deepcopy(CASES["unit_plan"][1])
    context["title"] = "第一行\n第二行\t（制表）"
    context["plan_title"] = "a & b <c> \"d\" 'e' {_{ x }_} {_% y %_}"
    for number, block in enumerate(context["task_blocks"]):
        block["text"] = f"第{number}项\n\n换行\t制表{{_{{ z }}_}}" if number % 2 else block["text"]
    return context


def test_post_processing_equals_docxtpls() -> None:
    context = awkward_unit_plan()
    engine = TemplateSet().docx(kinds.UNIT_PLAN.name)
    ours = members(engine.render(context))
    theirs = members(docxtpl_bytes(kinds.UNIT_PLAN.name, context))
    assert fast_parts(engine, ours) == ["word/document.xml"]
    document = ours["word/document.xml"]
    assert document.count(b"<w:br/>") >= 3 and b"{{ x }}" in document
    assert canonical(document) == canonical(theirs["word/document.xml"])


# --- the same XML is refused ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("</w:t>", "XML 无效"),
        ("<x:drawing/>", "prefix x"),  # a namespace error does not stop a parse without tree
        ('</w:t><w:br xml:id="a"/><w:br xml:id="a"/><w:t>', "ID a already defined"),
    ],
)
def test_fast_path_refuses_broken_xml(tmp_path: Path, value: str, says: str) -> None:
    engine = DocxTemplateEngine(make_template(tmp_path / "t.docx", ["前文", "{{ v|safe }}"]))
    with pytest.raises(TemplateRenderError) as caught:
        engine.render({"v": value})
    assert says in str(caught.value)
    assert caught.value.place == "正文第 2 段"


def test_fast_path_keeps_sound_markup(tmp_path: Path) -> None:
    engine = DocxTemplateEngine(make_template(tmp_path / "t.docx", ["{{ v|safe }}"]))
    rendered = members(engine.render({"v": "</w:t><w:br/><w:t>"}))
    assert fast_parts(engine, rendered) == ["word/document.xml"]
    assert b"<w:br/>" in rendered["word/document.xml"]


# --- the helpers equal docxtpl's regular expressions -----------------------------------------

PIECES = [
    "<w:p>",
    '<w:p w:rsidR="1">',
    '<w:p w:x="1"/>',
    "</w:p>",
    "<w:pPr>",
    "</w:pPr>",
    "<w:r>",
    "</w:r>",
    "<w:t>",
    '<w:t xml:space="preserve">',
    "</w:t>",
    "<w:tab/>",
    "<w:tbl>",
    "文字",
    "a\n",
    "\t",
    "\n",
    " ",
]


def samples(count: int = 300) -> list[str]:
    """Strings of document XML pieces, nested and broken ones included (fixed seed)."""
    rng = random.Random(7)
    return ["".join(rng.choices(PIECES, k=rng.randint(0, 40))) for _ in range(count)]


def test_paragraph_spans_are_docxtpls_matches() -> None:
    docxtpl = re.compile(r"<w:p(?: [^>]*)?>.*?</w:p>", re.DOTALL)
    for xml in samples():
        expected = [match.span() for match in docxtpl.finditer(xml)]
        assert list(fast_path.paragraph_spans(xml)) == expected, xml


def test_listing_starts_are_the_matches() -> None:
    for xml in samples():
        expected = [match.start() for match in fast_path.LISTING_TEXT.finditer(xml)]
        assert fast_path.listing_starts(xml) == expected, xml


def test_joining_paragraphs_is_docxtpls_substitution() -> None:
    # As docxtpl leaves them (a newline before every paragraph), and any other way.
    marked = [xml.replace("<w:p", "\n<w:p") for xml in samples()]
    for xml in [*samples(), *marked, "\n<w:p", "a\n\n<w:p>b\n<w:pPr>"]:
        expected = re.sub(r"\n<w:p([ >])", r"<w:p\1", xml)
        assert fast_path.join_paragraphs(xml) == expected, xml


@pytest.mark.parametrize(
    ("xml", "starts"),
    [
        (b"<w:body><w:sectPr><w:x/></w:sectPr></w:body>", 1),
        (b"<w:sectPr/><w:sectPr w:a='1'/>", 2),
        (b"<sectPr></sectPr><w:pPr><w:sectPr>", 2),
        (b"</w:sectPr></sectPr>", 0),
        (b"<w:t>sectPr</w:t>", 1),  # a mention counts: only time is lost
    ],
)
def test_section_starts_are_never_undercounted(xml: bytes, starts: int) -> None:
    assert fast_path._start_tags(xml, b"sectPr") == starts


# --- proving once that a part always renders well-formed XML -------------------------------

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def proven(body: str, after: str = "") -> bool:
    source = f'<w:document xmlns:w="{W}"><w:body>{body}</w:body></w:document>{after}'
    return prove(LimitedSandbox(autoescape=True), source, {"w": W}) is not None


@pytest.mark.parametrize(
    "body",
    [
        "<w:p><w:r><w:t>{{ a }}{{ b.c }}</w:t></w:r></w:p>",
        "{% for b in c %}<w:p>{{ b }}</w:p>{% else %}<w:p/>{% endfor %}",
        "{% if a %}<w:p/>{% elif b %}{% set x = 1 %}<w:p>{{ x }}</w:p>{% else %}{% endif %}",
        "<w:p>{% for b in c %}{% if b %}<w:r><w:t>{{ b }}</w:t></w:r>{% endif %}{% endfor %}</w:p>",
    ],
)
def test_balanced_templates_are_proven(body: str) -> None:
    assert proven(body)


@pytest.mark.parametrize(
    ("body", "after"),
    [
        ("<w:p>{% if a %}<w:r>{% endif %}</w:p>", ""),  # a body that is not whole elements
        ("<w:p>x{% if a %}</w:p><w:p>{% endif %}y</w:p>", ""),  # sound, but not provable so
        ('<w:p w:rsidR="{{ a }}"/>', ""),  # a value in an attribute
        ("<w:p/>", "{{ a }}"),  # a value outside the root
        ("<w:p/>", "{% if a %}<w:p/>{% endif %}"),  # a block outside the root
        ("<w:p><!-- {{ a }} --></w:p>", ""),  # "--" in a value would end the comment
        ("<w:p><w:t>]]{{ a }}</w:t></w:p>", ""),
        ("<w:p><w:t>{{ a }}>b</w:t></w:p>", ""),
        ("<w:p><w:t>]{{ a }}]>b</w:t></w:p>", ""),
        ("<w:p>{% if a %}<x:r/>{% endif %}</w:p>", ""),  # an unbound prefix in a body
        ("{% macro m() %}<w:p/>{% endmacro %}{{ m() }}", ""),
        ("{% autoescape false %}<w:p>{{ a }}</w:p>{% endautoescape %}", ""),
        ("{% filter upper %}<w:p/>{% endfilter %}", ""),
        ("<w:p>{% if a %}</w:p>", ""),  # a syntax error
    ],
)
def test_other_templates_are_not_proven(body: str, after: str) -> None:
    assert not proven(body, after)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("<w:p>{% if a %}<w:p/>{% endif %}</w:p><w:sectPr/>", True),
        ("<w:p/>", True),
        ("<w:p><w:pPr><w:sectPr/></w:pPr></w:p><w:sectPr/>", False),  # two sections
        ("<w:p><w:pPr><w:sectPr/></w:pPr></w:p>", False),  # its paragraph may be copied
        ("{% if a %}<w:sectPr/>{% endif %}", False),  # printed any number of times
        ("<w:tbl/>", False),
        ('<w:p xml:id="a"/>', False),
    ],
)
def test_a_tree_is_ruled_out_only_for_sure(body: str, expected: bool) -> None:
    source = f'<w:document xmlns:w="{W}"><w:body>{body}</w:body></w:document>'
    proof = prove(LimitedSandbox(autoescape=True), source, {"w": W})
    assert proof is not None
    assert fast_path.never_tree(proof) is expected


def test_example_templates_are_proven_where_possible() -> None:
    unit = TemplateSet().docx(kinds.UNIT_PLAN.name)
    assert unit._proven == unit._tree_free == {"unit_plan.docx:word/document.xml"}
    # A table: the grid may need fitting, so each render is looked at.
    form = TemplateSet().docx(kinds.INDIVIDUAL_FORM.name)
    assert form._proven == {"nomination_individual.docx:word/document.xml"}
    assert not form._tree_free
    # {% vm %} writes a value into an attribute: checked at every render.
    assert "plan.docx:word/document.xml" not in TemplateSet().docx(kinds.PLAN.name)._proven


def test_a_proven_part_is_not_parsed(monkeypatch: pytest.MonkeyPatch) -> None:
    def parse(*args: object) -> bool:
        raise AssertionError("parsed")

    engine = TemplateSet().docx(kinds.UNIT_PLAN.name)
    monkeypatch.setattr(DocxTemplateEngine, "_well_formed", parse)
    monkeypatch.setattr(engine_module, "needs_tree", parse)
    engine.render(CASES["unit_plan"][1])
    engine.render(awkward_unit_plan())  # with paragraphs resolve_listing rewrote


def template_with_body(path: Path, body: str) -> Path:
    """A template whose document body is ``body``, exactly."""
    make_template(path, ["x"])
    with zipfile.ZipFile(path) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    parts["word/document.xml"] = (
        f'<w:document xmlns:w="{W}"><w:body>{body}<w:sectPr/></w:body></w:document>'
    ).encode()
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


def test_a_rewritten_paragraph_is_checked(tmp_path: Path) -> None:
    # A tab makes resolve_listing copy the run's first <w:rPr>…</w:rPr>, which here
    # ends inside the revision's own w:rPr: the copy is not whole.
    body = (
        "<w:p><w:r><w:rPr><w:rPrChange><w:rPr><w:b/></w:rPr></w:rPrChange></w:rPr>"
        "<w:t>{{ v }}</w:t></w:r></w:p>"
    )
    engine = DocxTemplateEngine(template_with_body(tmp_path / "t.docx", body))
    assert engine._proven
    assert b"<w:br/>" in members(engine.render({"v": "a\nb"}))["word/document.xml"]
    with pytest.raises(TemplateRenderError, match="XML 无效"):
        engine.render({"v": "a\tb"})
