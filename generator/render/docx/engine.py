"""Render docxtpl-style Word templates: Jinja inside the docx XML, parsed once.

``DocxTemplateEngine`` knows nothing about plans. It reads a template .docx once,
applies docxtpl's ``patch_xml`` once to ``word/document.xml`` and to each header or
footer that holds Jinja, and compiles the results in one sandboxed, autoescaping,
strict Jinja environment with work limits (``limits.LimitedSandbox``). Each
``render`` then only evaluates the compiled templates, applies the same
post-processing as ``docxtpl.DocxTemplate.render_xml_part`` (``\\n`` in a value
becomes ``<w:br/>``), refuses any rendered part that is not well-formed XML and
returns zip bytes that are identical for identical inputs. Only a part that has a
table, a drawing or more than one section is parsed into a tree (to be fixed, see
below) and serialised again; any other is written as rendered -- the same XML, read
canonically, at a fraction of the cost -- after a strict parse that builds nothing,
or, where the template is proven once always to render well-formed XML
(``docx_wellformed``), without one.

Beyond docxtpl's tags the engine knows three things a template may need:

- a ``Picture`` value: ``{{ chart }}`` in a run shows the PNG inline (media part,
  relationship and content type added by the engine; docxtpl's InlineImage does not
  work here);
- a table whose cell count a ``{%tc for %}`` column loop changed gets a new grid
  (``docxtpl``'s ``fix_tables`` is not run) with widths from the cells' text;
- a last section that rendering left empty (its content sat inside ``{%p if %}``) is
  dropped, so a conditional landscape attachment leaves no blank page.

Unlike docxtpl, a problem is never silent, and it is reported where a user finds
it in Word (``正文第 3 段``, ``正文表格 1 第 2 行第 3 列``, ``页脚（footer1.xml）``).
Loading refuses a template that is not a sound .docx, holds dangerous content
(``docx_checks``: DDE/INCLUDE fields, outside templates, macros, OLE objects),
a tag that does not close within its paragraph, or Jinja syntax errors -- all of
them at once. Rendering refuses an undefined variable, a sandbox violation, work
beyond the limits, a value with a character XML cannot hold, or XML broken by the
template. Each raises ``TemplateRenderError`` with a Chinese message.

To know where a Jinja line came from, each paragraph, row and cell start is marked
before ``patch_xml`` and the mark becomes a Jinja comment holding one newline
(``{#\\x01\\n#}``): it renders to nothing, and the line after it belongs to that
place.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from docxtpl import DocxTemplate
from jinja2 import DictLoader, StrictUndefined, Template, meta, pass_context
from jinja2.exceptions import TemplateSyntaxError
from jinja2.runtime import Context
from lxml import etree

from generator.render import rawzip
from generator.render.document_spec import XML_ILLEGAL, DocProperties, Picture
from generator.render.docx.errors import IllegalValue, TemplateRenderError, template_error
from generator.render.docx.fast_path import (
    PARAGRAPH_START,
    RENDERED_LEVEL,
    XML_DECLARATION,
    join_paragraphs,
    listing_starts,
    needs_tree,
    never_tree,
    paragraph_spans,
)
from generator.render.docx.package import (
    STRICT_PARSER,
    core_properties_xml,
    has_jinja,
    header_footer_parts,
    parse_parts,
    read_members,
)
from generator.render.docx.pictures import (
    PRINTED_MARKUP,
    RENDERING_PICTURES,
    PictureParts,
    highest_drawing_id,
    number_drawings,
)
from generator.render.docx.places import (
    MARK_COMMENT,
    LineMap,
    comment_marks,
    innermost_unclosed,
    mark_places,
    runtime_message,
    syntax_message,
    template_line,
)
from generator.render.docx.split_tables import PART_CHARACTERS, SplitPart, split_part
from generator.render.docx.tables import (
    drop_empty_last_section,
    fit_table_grid,
    fix_cell_properties,
    w_name,
)
from generator.render.docx_checks import (
    CONTENT_TYPES_PART,
    MAIN_PART,
    Place,
    TemplateIssue,
    dangerous_content,
    element_places,
    paragraph_texts,
    tag_issues,
)
from generator.render.docx_wellformed import fragment_tag, prove, sound_rewrite
from generator.render.limits import (
    MAX_PART_CHARACTERS,
    LimitedSandbox,
    LimitExceeded,
    budget,
    check_printable,
)
from generator.render.rawzip import normalize_zip

CORE_PART = "docProps/core.xml"

SYNTAX_HINT = (
    "检查该处的 Jinja 标记：每个 {%p for %}/{%p if %} 都要有对应的 {%p endfor %}/{%p endif %}；"
    "docxtpl 的段落、表格行、单元格标记写作 {%p …%}、{%tr …%}、{%tc …%}"
)

BROKEN_XML_HINT = (
    "检查从这里开始的 Jinja 标记：{% if %} 与 {% endif %}、{% for %} 与 {% endfor %} "
    "要在同一段或同一个单元格内（整段、整行用 {%p …%}、{%tr …%}）；不要用 |safe 输出文字"
)


def _split_name(template_name: str | None) -> tuple[str, str]:
    template, _, part = (template_name or "").partition(":")
    return template, part


@pass_context
def _finalize(context: Context, value: Any) -> Any:
    """Jinja ``finalize`` hook: every ``{{ … }}`` output passes here before escaping.

    A ``Picture`` becomes drawing XML, the only ``Markup`` the engine itself makes;
    anything else must be small enough to print and free of characters XML cannot
    hold, and is then escaped.
    """
    if type(value) is str and XML_ILLEGAL.search(value) is None:  # most values: one test
        return value
    if isinstance(value, Picture):
        pictures = RENDERING_PICTURES.get()
        if pictures is None:  # pragma: no cover - render() always sets it
            raise TemplateRenderError("图片只能在 DocxTemplateEngine.render 中渲染")
        _note_markup(context)
        return pictures.drawing(value, _split_name(context.name)[1])
    check_printable(value)
    value = _reject_illegal_characters(value)
    if hasattr(value, "__html__"):  # printed as it is, not escaped
        _note_markup(context)
    return value


def _note_markup(context: Context) -> None:
    printed = PRINTED_MARKUP.get()
    if printed is not None:
        printed.add(context.name or "")


def _reject_illegal_characters(value: Any) -> Any:
    text = value if isinstance(value, str) else str(value)
    found = XML_ILLEGAL.search(text)
    if found is None:
        return value
    excerpt = text[max(found.start() - 10, 0) : found.start()]
    raise IllegalValue(
        f"填入的值含有 XML 不允许的字符 U+{ord(found.group()):04X}"
        f"（出现在“{excerpt}”之后），请删除该字符后重试"
    )


class _NoTree:
    """A parser target that builds nothing: parsing only checks the XML."""

    def close(self) -> None:
        return None


class DocxTemplateEngine:
    """A docxtpl-compatible Word template, read and compiled once, rendered many times."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self._members = read_members(self.path)
        roots, issues = parse_parts(self._members)
        if not issues:
            issues = dangerous_content(roots, self._members)
        # docxtpl's own patch_xml and resolve_listing keep us compatible with its tags;
        # constructing DocxTemplate does not read the file.
        self._docxtpl = DocxTemplate(self.path)
        self._sources: dict[str, str] = {}
        self._lines: dict[str, LineMap] = {}
        self.environment = LimitedSandbox(
            autoescape=True,
            undefined=StrictUndefined,
            finalize=_finalize,
            loader=DictLoader(self._sources),
        )
        self._templates: dict[str, Template] = {}
        if MAIN_PART in roots:
            issues += self._load_parts(roots)
        if issues:
            raise template_error(self.path.name, issues)
        self._namespaces = {part: dict(roots[part].nsmap) for part in self.parts}
        # Parts proven always to render well-formed XML need no check per render; most
        # of them never need a tree either.
        proofs = {
            name: prove(self.environment, source, self._namespaces[_split_name(name)[1]])
            for name, source in self._sources.items()
        }
        self._proven = {name for name, proof in proofs.items() if proof is not None}
        self._tree_free = {
            name for name, proof in proofs.items() if proof is not None and never_tree(proof)
        }
        self._fragment_tags = {
            name: fragment_tag(self._namespaces[_split_name(name)[1]]) for name in self._sources
        }
        self._drawing_ids_taken = highest_drawing_id(self._members, self.parts)
        self._checker = etree.XMLParser(
            recover=False, resolve_entities=False, no_network=True, target=_NoTree()
        )
        # The unchanged parts' compressed bytes, reused as they are in every document:
        # re-compressing them was most of a render's cost.
        self._compressed = {
            member.name: member
            for member in rawzip.members_of(normalize_zip(self.path.read_bytes()))
        }

    # --- loading ---------------------------------------------------------------------------

    @property
    def parts(self) -> tuple[str, ...]:
        """The zip members rendered through Jinja (document, headers/footers with tags)."""
        return tuple(_split_name(name)[1] for name in self._sources)

    def _template_name(self, part: str) -> str:
        return f"{self.path.name}:{part}"

    def _load_parts(self, roots: Mapping[str, etree._Element]) -> list[TemplateIssue]:
        """Prepare and compile every templated part; the issues of all of them."""
        issues: list[TemplateIssue] = []
        for part in self._template_parts(roots):
            name = self._template_name(part)
            places = element_places(roots[part], part)
            unclosed = tag_issues(paragraph_texts(places))
            self._sources[name], self._lines[name] = self._prepare(part, roots[part], places)
            # After an unclosed tag Jinja's own message would only confuse.
            issues += unclosed or self._compile(name)
        return issues

    def _template_parts(self, roots: Mapping[str, etree._Element]) -> Iterator[str]:
        yield MAIN_PART
        for part in header_footer_parts(roots[CONTENT_TYPES_PART]):
            if part in roots and has_jinja(etree.tostring(roots[part], encoding="unicode")):
                yield part

    def _prepare(
        self, part: str, root: etree._Element, places: Mapping[etree._Element, Place]
    ) -> tuple[str, LineMap]:
        """docxtpl's pre-processing (patch_xml, a newline before each paragraph), with
        the place marks turned into comments. The part is re-serialised without
        pretty-printing, as docxtpl expects it."""
        ordered = list(places.values())
        marked = mark_places(etree.tostring(root, encoding="unicode"), ordered)
        patched = self._docxtpl.patch_xml(marked)
        return comment_marks(re.sub(r"<w:p([ >])", r"\n<w:p\1", patched), ordered, part)

    def _compile(self, name: str) -> list[TemplateIssue]:
        try:
            self._templates[name] = self.environment.get_template(name)
        except TemplateSyntaxError as exc:
            return [self._syntax_issue(name, exc)]
        except (ValueError, RecursionError, MemoryError) as exc:
            # A 10 000-digit number, expressions nested thousands deep …
            where = self._lines[name].place(None)
            hint = "删除模板中过长的数字或嵌套过深的表达式"
            return [where.issue(f"模板无法编译：{type(exc).__name__}: {exc}", hint)]
        return []

    def _syntax_issue(self, name: str, exc: TemplateSyntaxError) -> TemplateIssue:
        message = exc.message or str(exc)
        line, what = exc.lineno, syntax_message(message)
        if message.startswith("Unexpected end of template"):
            opened = innermost_unclosed(self.environment, self._sources[name])
            if opened is not None:
                keyword, line = opened
                what = f"{keyword} 标记没有对应的 end{keyword}（{message}）"
        return self._lines[name].place(line).issue(what, SYNTAX_HINT)

    def undeclared_variables(self) -> set[str]:
        """Every top-level context variable the template refers to (globals like range excluded)."""
        names: set[str] = set()
        for source in self._sources.values():
            names |= meta.find_undeclared_variables(self.environment.parse(source))
        return names - set(self.environment.globals)

    def places_of(self, variables: set[str]) -> list[tuple[str, str]]:
        """(variable, place) for each place a top-level variable is read, in document order."""
        found: list[tuple[str, str]] = []
        for name, source in self._sources.items():
            previous = ""
            for line, kind, value in self.environment.lex(source):
                # After "." or "|" or "is", a name is an attribute, filter or test.
                if kind == "name" and value in variables and previous not in (".", "|", "is"):
                    found.append((value, self._lines[name].place(line).label))
                if kind != "whitespace":
                    previous = value
        return list(dict.fromkeys(found))

    # --- rendering -------------------------------------------------------------------------

    def render(self, context: Mapping[str, Any], properties: DocProperties | None = None) -> bytes:
        """The rendered .docx as bytes; ``properties`` replace docProps/core.xml."""
        members = dict(self._members)
        pictures = PictureParts(self._members, self._namespaces)
        token = RENDERING_PICTURES.set(pictures)
        printed = PRINTED_MARKUP.set(set())
        try:
            with budget():
                rendered = {
                    _split_name(name)[1]: self._render_part(name, context)
                    for name in self._templates
                }
        finally:
            PRINTED_MARKUP.reset(printed)
            RENDERING_PICTURES.reset(token)
        trees = [
            result.root if isinstance(result, SplitPart) else result
            for result in rendered.values()
            if not isinstance(result, bytes)
        ]
        number_drawings(trees, self._drawing_ids_taken)
        for part, result in rendered.items():
            members[part] = (
                result
                if isinstance(result, bytes)
                else result.serialised()
                if isinstance(result, SplitPart)
                else etree.tostring(result, xml_declaration=True, encoding="UTF-8", standalone=True)
            )
        pictures.add_to(members)
        if properties is not None:
            members[CORE_PART] = core_properties_xml(properties)
        return self._pack(members)

    def _pack(self, members: Mapping[str, bytes]) -> bytes:
        """Zip ``members`` in order: template parts left untouched are copied compressed."""
        packed = []
        for name, data in members.items():
            unchanged = data is self._members.get(name) and name in self._compressed
            packed.append(
                self._compressed[name] if unchanged else rawzip.deflate(name, data, RENDERED_LEVEL)
            )
        return rawzip.write(packed)

    def _render_part(
        self, name: str, context: Mapping[str, Any]
    ) -> bytes | etree._Element | SplitPart:
        """The rendered part: as rendered (bytes) if it is well-formed and no fix-up
        applies to it -- a tree and its serialisation cost more than all the rest of a
        render -- else its tree, fixed (a big part's big tables each on their own)."""
        try:
            xml = self._generate(name, context)
        except TemplateRenderError:
            raise
        except Exception as exc:  # whatever a template triggers is its problem
            place = self._lines[name].place(template_line(exc))
            raise self._error(name, place.issue(runtime_message(exc))) from exc
        # Handed over in a list: with no reference left here, each step of the
        # post-processing frees the text before it (tens of MB for a big part).
        generated = [xml]
        del xml
        xml, rewrites = self._postprocess(generated)
        data = xml.encode("utf-8")
        if self._as_rendered(name, data, rewrites):
            return XML_DECLARATION + data
        if len(data) >= PART_CHARACTERS:
            del data  # the text is enough to split; only the whole-tree way needs bytes
            split = split_part(xml, self._namespaces[_split_name(name)[1]], _fix_tree)
            if split is not None:
                return split
            data = xml.encode("utf-8")
        root = self._parse(name, data, context)
        try:
            _fix_tree(root)
        except ValueError as exc:  # a gridSpan or width that is no number
            where = self._lines[name].place(None)
            raise self._error(name, where.issue(f"表格格式无效：{exc}")) from exc
        return root

    def _as_rendered(self, name: str, data: bytes, rewrites: list[tuple[str, str]]) -> bool:
        """Whether the rendered part can be written as it is: no fix-up applies to it and
        it is well-formed. Both are known from its template's proof (``docx_wellformed``)
        unless this render printed Markup in it, given that each paragraph resolve_listing
        rewrote, (before, after), still fits; else the part itself is looked at."""
        proven = name in self._proven and name not in (PRINTED_MARKUP.get() or set())
        if not (proven and name in self._tree_free) and needs_tree(data):
            return False
        tag = self._fragment_tags[name]
        if proven and all(sound_rewrite(tag, *pair, PARAGRAPH_START) for pair in rewrites):
            return True
        return self._well_formed(data)

    def _well_formed(self, data: bytes) -> bool:
        """The strict parse without building a tree. Such a parse goes on after a namespace
        error (an undeclared prefix), so the parser's log is checked too; the caller's
        full parse then says what is wrong."""
        try:
            etree.fromstring(data, self._checker)
        except etree.XMLSyntaxError:
            return False
        return not self._checker.error_log

    def _generate(self, name: str, context: Mapping[str, Any]) -> str:
        """The rendered part, refused as soon as it grows beyond MAX_PART_CHARACTERS."""
        chunks: list[str] = []
        size = 0
        for chunk in self._templates[name].generate(dict(context)):
            size += len(chunk)
            if size > MAX_PART_CHARACTERS:
                raise LimitExceeded(
                    f"渲染结果超过 {MAX_PART_CHARACTERS:,} 个字符，模板中可能有过大的循环"
                )
            chunks.append(chunk)
        return "".join(chunks)

    def _error(self, name: str, issue: TemplateIssue) -> TemplateRenderError:
        template, part = _split_name(name)
        return template_error(template, [issue], part)

    def _postprocess(self, generated: list[str]) -> tuple[str, list[tuple[str, str]]]:
        """docxtpl's render_xml_part post-processing, step for step, of the one text in
        ``generated`` (taken out of it); and the paragraphs resolve_listing rewrote,
        (before, after)."""
        xml = generated.pop()
        # A place mark inside {% raw %} is printed as it is; nothing else can print \x01.
        if "\x01" in xml:
            xml = MARK_COMMENT.sub("", xml)
        xml = join_paragraphs(xml)
        # docxtpl's escaped braces; a single character is found far faster than a pair.
        if "{" in xml or "}" in xml:
            for escaped, plain in (("{_{", "{{"), ("}_}", "}}"), ("{_%", "{%"), ("%_}", "%}")):
                xml = xml.replace(escaped, plain)
        return self._resolve_listings(xml)

    def _resolve_listings(self, xml: str) -> tuple[str, list[tuple[str, str]]]:
        """docxtpl's resolve_listing, run only on the paragraphs it changes: those
        holding a ``LISTING_TEXT`` match (it is costly, and most paragraphs have none)."""
        listings = iter(listing_starts(xml))
        listing = next(listings, None)
        rewrites: list[tuple[str, str]] = []
        if listing is None:
            return xml, rewrites
        pieces: list[str] = []
        last = 0
        for start, end in paragraph_spans(xml):
            while listing is not None and listing < start:
                listing = next(listings, None)
            if listing is None:
                break
            if listing < end:
                paragraph = xml[start:end]
                rewrites.append((paragraph, self._docxtpl.resolve_listing(paragraph)))
                pieces += [xml[last:start], rewrites[-1][1]]
                last = end
        pieces.append(xml[last:])
        return "".join(pieces), rewrites

    def _parse(self, name: str, data: bytes, context: Mapping[str, Any]) -> etree._Element:
        """Strict parse: a template that renders broken XML is an error, not a repair."""
        try:
            return etree.fromstring(data, STRICT_PARSER)
        except etree.XMLSyntaxError as exc:
            message = f"渲染出的 XML 无效（{exc}）"
            where = self._broken_xml_place(name, context)
            raise self._error(name, where.issue(message, BROKEN_XML_HINT)) from exc

    def _broken_xml_place(self, name: str, context: Mapping[str, Any]) -> Place:
        """Where rendering broke the XML: render once more with each place mark printed
        as an XML comment; the last mark before the parse error is the place."""
        lines = self._lines[name]
        source = MARK_COMMENT.sub(r"<!--\1-->", self._sources[name])
        try:
            xml = "".join(self.environment.from_string(source).generate(dict(context)))
            etree.fromstring(xml.encode("utf-8"), STRICT_PARSER)
        except etree.XMLSyntaxError as exc:
            marks = re.findall(r"<!--(\d+)-->", _before(xml, *exc.position))
            if marks:
                return lines.marked[int(marks[-1])]
        except Exception:  # the diagnosis must not hide the error it explains
            pass
        return lines.place(None)


def _fix_tree(root: etree._Element) -> None:
    """The fix-ups of a rendered part's tree: grids fitted, cell properties ordered, an
    empty last section dropped."""
    for table in root.iter(w_name("tbl")):
        fit_table_grid(table)
    fix_cell_properties(root)
    drop_empty_last_section(root)


def _before(text: str, line: int, column: int) -> str:
    """``text`` up to a 1-based (line, column) position."""
    offset = sum(len(chunk) for chunk in text.splitlines(keepends=True)[: line - 1])
    return text[: offset + column]
