"""Render docxtpl-style Word templates: Jinja inside the docx XML, parsed once.

``DocxTemplateEngine`` knows nothing about plans. It reads a template .docx once,
applies docxtpl's ``patch_xml`` once to ``word/document.xml`` and to each header or
footer that holds Jinja, and compiles the results in one sandboxed, autoescaping,
strict Jinja environment. Each ``render`` then only evaluates the compiled
templates, applies the same post-processing as ``docxtpl.DocxTemplate.render_xml_part``
(``\\n`` in a value becomes ``<w:br/>``), parses every rendered part strictly and
returns zip bytes that are identical for identical inputs.

Unlike docxtpl, a rendering problem is never silent: an undefined variable, a
sandbox violation, a value with a character XML cannot hold, or XML broken by
the template all raise ``TemplateRenderError`` with a Chinese message.
"""

from __future__ import annotations

import io
import os
import re
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timezone
from pathlib import Path
from typing import Any

from docxtpl import DocxTemplate
from jinja2 import DictLoader, StrictUndefined, Template, meta, pass_context
from jinja2.exceptions import SecurityError, TemplateError, TemplateSyntaxError, UndefinedError
from jinja2.runtime import Context
from jinja2.sandbox import SandboxedEnvironment
from lxml import etree

from generator.render.oxml import TCPR_ORDER, sort_children
from generator.write.atomic import normalize_zip

__all__ = ["DocProperties", "DocxTemplateEngine", "TemplateRenderError"]

MAIN_PART = "word/document.xml"
CORE_PART = "docProps/core.xml"
CONTENT_TYPES_PART = "[Content_Types].xml"
HEADER_FOOTER_TYPES = (
    "application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml",
)
_CT = "http://schemas.openxmlformats.org/package/2006/content-types"
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_CORE_NAMESPACES = {
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
    "dc": "http://purl.org/dc/elements/1.1/",
    "dcterms": "http://purl.org/dc/terms/",
    "dcmitype": "http://purl.org/dc/dcmitype/",
    "xsi": "http://www.w3.org/2001/XMLSchema-instance",
}

# Characters XML 1.0 cannot carry at all (lone surrogates included): a value holding
# one would either break the part or, through docxtpl's \a and \f shortcuts, silently
# restructure the document.
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_JINJA_MARK = re.compile(r"\{[{%#]")
_UNDEFINED_NAME = re.compile(r"'([^']+)' is undefined|has no attribute '([^']+)'")
_STRICT_PARSER = etree.XMLParser(recover=False, resolve_entities=False, no_network=True)


class TemplateRenderError(Exception):
    """A template could not be rendered into a valid document; the message is Chinese."""

    def __init__(self, message: str, template: str = "", part: str = "") -> None:
        super().__init__(message)
        self.template = template
        self.part = part


@dataclass(frozen=True)
class DocProperties:
    """The document properties written into docProps/core.xml (never the current time)."""

    title: str
    author: str
    created: date | datetime
    subject: str = ""
    keywords: str = ""
    description: str = ""


def _describe(template_name: str | None) -> str:
    """``plan.docx:word/document.xml`` → ``模板 plan.docx（word/document.xml）``."""
    template, _, part = (template_name or "?").partition(":")
    return f"模板 {template}（{part}）" if part else f"模板 {template}"


def _split_name(template_name: str | None) -> tuple[str, str]:
    template, _, part = (template_name or "").partition(":")
    return template, part


@pass_context
def _reject_illegal_characters(context: Context, value: Any) -> Any:
    """Jinja ``finalize`` hook: every ``{{ … }}`` output passes here before escaping."""
    text = value if isinstance(value, str) else str(value)
    found = XML_ILLEGAL.search(text)
    if found is None:
        return value
    char = found.group()
    excerpt = text[max(found.start() - 10, 0) : found.start()]
    raise TemplateRenderError(
        f"{_describe(context.name)}中填入的值含有 XML 不允许的字符 U+{ord(char):04X}"
        f"（出现在“{excerpt}”之后），请删除该字符后重试",
        *_split_name(context.name),
    )


def _read_members(path: Path) -> dict[str, bytes]:
    """Every zip member of the template, in archive order."""
    with zipfile.ZipFile(io.BytesIO(path.read_bytes())) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def _header_footer_parts(members: Mapping[str, bytes]) -> Iterator[str]:
    root = etree.fromstring(members[CONTENT_TYPES_PART], _STRICT_PARSER)
    for override in root.iter(f"{{{_CT}}}Override"):
        if override.get("ContentType") in HEADER_FOOTER_TYPES:
            yield override.get("PartName", "").lstrip("/")


def _has_jinja(xml: str) -> bool:
    """Jinja tags may be split across runs, so look at the text without the tags."""
    return _JINJA_MARK.search(re.sub(r"<[^>]+>", "", xml)) is not None


def _utc_stamp(moment: date | datetime) -> str:
    if not isinstance(moment, datetime):
        moment = datetime.combine(moment, time(), tzinfo=timezone.utc)
    elif moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def core_properties_xml(properties: DocProperties) -> bytes:
    """docProps/core.xml for ``properties``; created and modified are the given date."""
    ns = _CORE_NAMESPACES
    root = etree.Element(f"{{{ns['cp']}}}coreProperties", nsmap=ns)
    stamp = _utc_stamp(properties.created)
    fields = (
        ("dc", "title", properties.title),
        ("dc", "subject", properties.subject),
        ("dc", "creator", properties.author),
        ("cp", "keywords", properties.keywords),
        ("dc", "description", properties.description),
        ("cp", "lastModifiedBy", properties.author),
        ("cp", "revision", "1"),
        ("dcterms", "created", stamp),
        ("dcterms", "modified", stamp),
    )
    for prefix, name, value in fields:
        found = XML_ILLEGAL.search(value)
        if found is not None:
            raise TemplateRenderError(
                f"文档属性 {name} 含有 XML 不允许的字符 U+{ord(found.group()):04X}"
            )
        element = etree.SubElement(root, f"{{{ns[prefix]}}}{name}")
        element.text = value
        if prefix == "dcterms":
            element.set(f"{{{ns['xsi']}}}type", "dcterms:W3CDTF")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _fix_cell_properties(root: etree._Element) -> None:
    """Put ``w:tcPr`` children back in schema order.

    docxtpl's ``{% vm %}`` appends ``w:vMerge`` at the end of ``w:tcPr``, after
    ``w:vAlign``; Word rejects that order as corrupt.
    """
    for cell_properties in root.iter(f"{{{_W}}}tcPr"):
        sort_children(cell_properties, TCPR_ORDER)


class DocxTemplateEngine:
    """A docxtpl-compatible Word template, read and compiled once, rendered many times."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self._members = _read_members(self.path)
        # docxtpl's own patch_xml and resolve_listing keep us compatible with its tags;
        # constructing DocxTemplate does not read the file.
        self._docxtpl = DocxTemplate(self.path)
        self._sources = {
            self._template_name(part): self._prepare(part) for part in self._template_parts()
        }
        self.environment = SandboxedEnvironment(
            autoescape=True,
            undefined=StrictUndefined,
            finalize=_reject_illegal_characters,
            loader=DictLoader(self._sources),
        )
        self._templates = {name: self._compile(name) for name in self._sources}

    # --- loading ---------------------------------------------------------------------------

    @property
    def parts(self) -> tuple[str, ...]:
        """The zip members rendered through Jinja (document, headers/footers with tags)."""
        return tuple(_split_name(name)[1] for name in self._sources)

    def _template_name(self, part: str) -> str:
        return f"{self.path.name}:{part}"

    def _part_xml(self, part: str) -> str:
        """The part re-serialised without pretty-printing, as docxtpl expects it."""
        root = etree.fromstring(self._members[part], _STRICT_PARSER)
        return etree.tostring(root, encoding="unicode")

    def _template_parts(self) -> Iterator[str]:
        yield MAIN_PART
        for part in _header_footer_parts(self._members):
            if part in self._members and _has_jinja(self._part_xml(part)):
                yield part

    def _prepare(self, part: str) -> str:
        """docxtpl's pre-processing: patch_xml, then a newline before each paragraph."""
        patched = self._docxtpl.patch_xml(self._part_xml(part))
        return re.sub(r"<w:p([ >])", r"\n<w:p\1", patched)

    def _compile(self, name: str) -> Template:
        try:
            return self.environment.get_template(name)
        except TemplateSyntaxError as exc:
            raise TemplateRenderError(
                f"{_describe(name)}的 Jinja 语法有误：{exc.message}"
                f"（附近文字：{self._nearby_text(name, exc.lineno)}）",
                *_split_name(name),
            ) from exc

    def _nearby_text(self, name: str, line: int | None) -> str:
        """The visible text around a Jinja line number, for a message a user can act on."""
        lines = self._sources[name].splitlines()
        start = max((line or 1) - 3, 0)
        text = "".join(re.sub(r"<[^>]+>", "", chunk) for chunk in lines[start : start + 5])
        return text.strip()[:80]

    def undeclared_variables(self) -> set[str]:
        """Every top-level context variable the template refers to."""
        names: set[str] = set()
        for source in self._sources.values():
            names |= meta.find_undeclared_variables(self.environment.parse(source))
        return names

    # --- rendering -------------------------------------------------------------------------

    def render(self, context: Mapping[str, Any], properties: DocProperties | None = None) -> bytes:
        """The rendered .docx as bytes; ``properties`` replace docProps/core.xml."""
        members = dict(self._members)
        for name in self._templates:
            members[_split_name(name)[1]] = self._render_part(name, context)
        if properties is not None:
            members[CORE_PART] = core_properties_xml(properties)
        return _pack(members)

    def _render_part(self, name: str, context: Mapping[str, Any]) -> bytes:
        try:
            xml = self._templates[name].render(dict(context))
        except UndefinedError as exc:
            raise self._undefined_error(name, exc) from exc
        except SecurityError as exc:
            raise TemplateRenderError(
                f"{_describe(name)}{self._location(name, exc)}试图执行沙箱不允许的操作：{exc}",
                *_split_name(name),
            ) from exc
        except TemplateError as exc:
            raise TemplateRenderError(
                f"{_describe(name)}渲染失败：{exc}", *_split_name(name)
            ) from exc
        root = self._parse(name, self._postprocess(xml))
        _fix_cell_properties(root)
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)

    def _postprocess(self, xml: str) -> str:
        """docxtpl's render_xml_part post-processing, step for step."""
        xml = re.sub(r"\n<w:p([ >])", r"<w:p\1", xml)
        for escaped, plain in (("{_{", "{{"), ("}_}", "}}"), ("{_%", "{%"), ("%_}", "%}")):
            xml = xml.replace(escaped, plain)
        return self._docxtpl.resolve_listing(xml)

    def _parse(self, name: str, xml: str) -> etree._Element:
        """Strict parse: a template that renders broken XML is an error, not a repair."""
        try:
            return etree.fromstring(xml.encode("utf-8"), _STRICT_PARSER)
        except etree.XMLSyntaxError as exc:
            raise TemplateRenderError(
                f"{_describe(name)}渲染出的 XML 无效：{exc}；请检查模板中的 Jinja 标记是否成对",
                *_split_name(name),
            ) from exc

    def _undefined_error(self, name: str, exc: UndefinedError) -> TemplateRenderError:
        message = exc.message or str(exc)
        found = _UNDEFINED_NAME.search(message)
        what = f"变量 {next(g for g in found.groups() if g)} 未定义" if found else message
        return TemplateRenderError(
            f"{_describe(name)}{self._location(name, exc)}出错：{what}（{message}）",
            *_split_name(name),
        )

    def _location(self, name: str, exc: BaseException) -> str:
        """Where in the template (as Word shows it) an error arose: the tag text of that line.

        Each source line is one paragraph (docxtpl's newline before ``<w:p``), and
        Jinja rewrites tracebacks so the template's frames carry its line numbers.
        """
        line = None
        trace = exc.__traceback__
        while trace is not None:
            if trace.tb_frame.f_code.co_filename == "<template>":
                line = trace.tb_lineno
            trace = trace.tb_next
        lines = self._sources[name].splitlines()
        if line is None or not 0 < line <= len(lines):
            return ""
        text = re.sub(r"<[^>]+>", "", lines[line - 1]).strip()
        return f"“{text[:60]}”处" if text else ""


def _pack(members: Mapping[str, bytes]) -> bytes:
    """Zip ``members`` in order; normalize_zip pins timestamps for byte-identical output."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return normalize_zip(buffer.getvalue())
