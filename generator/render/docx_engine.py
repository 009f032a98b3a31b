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

import io
import math
import os
import posixpath
import re
import struct
import zipfile
import zlib
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date, datetime, time, timezone
from itertools import count
from pathlib import Path
from typing import Any

from docxtpl import DocxTemplate
from jinja2 import DictLoader, StrictUndefined, Template, meta, pass_context
from jinja2.exceptions import SecurityError, TemplateError, TemplateSyntaxError, UndefinedError
from jinja2.runtime import Context
from lxml import etree
from markupsafe import Markup, escape

from generator.render import rawzip
from generator.render.docx_checks import (
    CONTENT_TYPES_PART,
    MAIN_PART,
    Place,
    TemplateIssue,
    dangerous_content,
    element_places,
    paragraph_texts,
    part_label,
    tag_issues,
)
from generator.render.docx_wellformed import Proof, fragment_tag, prove, sound_rewrite
from generator.render.limits import (
    MAX_PART_CHARACTERS,
    LimitedSandbox,
    LimitExceeded,
    budget,
    check_printable,
)
from generator.render.oxml import TCPR_ORDER, sort_children
from generator.render.rawzip import normalize_zip

__all__ = [
    "DocProperties",
    "DocxTemplateEngine",
    "Picture",
    "TemplateIssue",
    "TemplateRenderError",
    "png_size",
]

CORE_PART = "docProps/core.xml"
HEADER_FOOTER_TYPES = (
    "application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml",
)
_CT = "http://schemas.openxmlformats.org/package/2006/content-types"
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
_PIC = "http://schemas.openxmlformats.org/drawingml/2006/picture"
IMAGE_RELATIONSHIP = f"{_R}/image"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
EMU_PER_MM = 36000
# Word's default left + right cell margins (0.19 cm each), in twips.
CELL_MARGINS = 2 * 108
# Measuring table text: runs without a size count as 10.5 pt (五号); a little slack
# beyond the estimate keeps a line that just fits from wrapping in another renderer.
DEFAULT_HALF_POINTS = 21
TEXT_SLACK = 60
_CORE_NAMESPACES = {
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
    "dc": "http://purl.org/dc/elements/1.1/",
    "dcterms": "http://purl.org/dc/terms/",
    "dcmitype": "http://purl.org/dc/dcmitype/",
    "xsi": "http://www.w3.org/2001/XMLSchema-instance",
}
# A template is a few hundred kilobytes; a zip that unpacks to more is not one (or a bomb).
MAX_TEMPLATE_BYTES = 100_000_000

# Characters XML 1.0 cannot carry at all (lone surrogates included): a value holding
# one would either break the part or, through docxtpl's \a and \f shortcuts, silently
# restructure the document.
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_JINJA_MARK = re.compile(r"\{[{%#]")
_UNDEFINED_NAME = re.compile(r"'([^']+)' is undefined")
_MISSING_ITEM = re.compile(r"has no attribute '([^']+)'")
_STRICT_PARSER = etree.XMLParser(recover=False, resolve_entities=False, no_network=True)
# Place marks: \x01 can never occur in XML 1.0, so neither in a part nor in a value.
_ELEMENT_START = re.compile(r"<w:(?:p|tr|tc)(?=[\s/>])")
_MARK = re.compile("\x01(\\d+)\x02")
# The mark of place N as a Jinja comment: it renders to nothing; its newline starts a line.
_MARK_COMMENT = re.compile("\\{#\x01(\\d+)\n#\\}")
_BLOCK_TAGS = frozenset(
    {"for", "if", "macro", "call", "filter", "with", "block", "autoescape", "trans"}
)
SYNTAX_HINT = (
    "检查该处的 Jinja 标记：每个 {%p for %}/{%p if %} 都要有对应的 {%p endfor %}/{%p endif %}；"
    "docxtpl 的段落、表格行、单元格标记写作 {%p …%}、{%tr …%}、{%tc …%}"
)

BROKEN_XML_HINT = (
    "检查从这里开始的 Jinja 标记：{% if %} 与 {% endif %}、{% for %} 与 {% endfor %} "
    "要在同一段或同一个单元格内（整段、整行用 {%p …%}、{%tr …%}）；不要用 |safe 输出文字"
)


class TemplateRenderError(Exception):
    """A template could not be loaded or rendered into a valid document; the message is Chinese.

    ``issues`` lists every problem found (loading reports all of them at once),
    each with its place; ``place`` is the first one's.
    """

    def __init__(
        self,
        message: str,
        template: str = "",
        part: str = "",
        issues: Iterable[TemplateIssue] = (),
    ) -> None:
        super().__init__(message)
        self.template = template
        self.part = part
        self.issues = list(issues)
        self.place = self.issues[0].place if self.issues else ""


def _template_error(
    template: str, issues: list[TemplateIssue], part: str = ""
) -> TemplateRenderError:
    """One error for all of a template's issues: ``模板 plan.docx 正文第 3 段：…``."""
    if len(issues) == 1:
        message = f"模板 {template} {issues[0].format()}"
    else:
        lines = "\n".join(f"  {n}. {issue.format()}" for n, issue in enumerate(issues, 1))
        message = f"模板 {template} 有 {len(issues)} 个问题：\n{lines}"
    return TemplateRenderError(message, template, part, issues)


@dataclass(frozen=True)
class DocProperties:
    """The document properties written into docProps/core.xml (never the current time)."""

    title: str
    author: str
    created: date | datetime
    subject: str = ""
    keywords: str = ""
    description: str = ""


def png_size(data: bytes) -> tuple[int, int]:
    """(width, height) in pixels from a PNG's IHDR chunk; ``ValueError`` for anything else."""
    if len(data) < 24 or not data.startswith(PNG_SIGNATURE) or data[12:16] != b"IHDR":
        raise ValueError("图片不是有效的 PNG 文件（缺少 PNG 文件头或 IHDR 数据块）")
    width, height = struct.unpack(">II", data[16:24])
    if not width or not height:
        raise ValueError(f"PNG 图片的尺寸无效：{width}×{height}")
    return width, height


@dataclass(frozen=True)
class Picture:
    """A PNG picture a context may hold; ``{{ value }}`` in a run shows it inline.

    The height follows from ``width_mm`` and the PNG's own aspect ratio;
    ``description`` is the picture's alternative text (``descr``).
    """

    png: bytes = field(repr=False)
    width_mm: float
    description: str

    def __post_init__(self) -> None:
        png_size(self.png)
        if not (math.isfinite(self.width_mm) and self.width_mm > 0):
            raise ValueError(f"图片宽度应为正的毫米数，实为 {self.width_mm}")
        found = XML_ILLEGAL.search(self.description)
        if found is not None:
            raise ValueError(f"图片说明含有 XML 不允许的字符 U+{ord(found.group()):04X}")

    @property
    def extent_emu(self) -> tuple[int, int]:
        """Width and height in EMU (English Metric Units, 36 000 per millimetre)."""
        width_px, height_px = png_size(self.png)
        width = round(self.width_mm * EMU_PER_MM)
        return width, round(width * height_px / width_px)


def _split_name(template_name: str | None) -> tuple[str, str]:
    template, _, part = (template_name or "").partition(":")
    return template, part


class _IllegalValue(ValueError):
    """A value to print holds a character XML cannot carry (the message is Chinese)."""


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
        pictures = _RENDERING_PICTURES.get()
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
    printed = _PRINTED_MARKUP.get()
    if printed is not None:
        printed.add(context.name or "")


def _reject_illegal_characters(value: Any) -> Any:
    text = value if isinstance(value, str) else str(value)
    found = XML_ILLEGAL.search(text)
    if found is None:
        return value
    excerpt = text[max(found.start() - 10, 0) : found.start()]
    raise _IllegalValue(
        f"填入的值含有 XML 不允许的字符 U+{ord(found.group()):04X}"
        f"（出现在“{excerpt}”之后），请删除该字符后重试"
    )


# --- reading the package ------------------------------------------------------------------

_NOT_A_DOCX = "不是有效的 Word 文档（.docx）"
_DOCX_HINT = "请在 Word 或 WPS 中打开后另存为“Word 文档（*.docx）”，不要加密"


def _read_members(path: Path) -> dict[str, bytes]:
    """Every zip member of the template, in archive order; refuses what is no .docx."""
    name = path.name
    try:
        with zipfile.ZipFile(io.BytesIO(path.read_bytes())) as archive:
            infos = archive.infolist()
            problem = _archive_problem(infos)
            if problem:
                raise _template_error(name, [TemplateIssue("", f"{_NOT_A_DOCX}：{problem}")])
            return {info.filename: archive.read(info) for info in infos}
    except OSError as exc:
        raise _template_error(
            name, [TemplateIssue("", f"无法读取：{exc.strerror or exc}")]
        ) from exc
    except (zipfile.BadZipFile, zlib.error, RuntimeError, NotImplementedError, EOFError) as exc:
        # RuntimeError: an encrypted member; NotImplementedError: an unknown compression.
        issue = TemplateIssue("", f"{_NOT_A_DOCX}（可能是 .doc 改了扩展名、已加密或已损坏：{exc}）")
        raise _template_error(name, [issue]) from exc


def _archive_problem(infos: list[zipfile.ZipInfo]) -> str:
    names = [info.filename for info in infos]
    if len(set(names)) != len(names):
        return "压缩包中有重名的部件"
    if sum(info.file_size for info in infos) > MAX_TEMPLATE_BYTES:
        return f"解压后超过 {MAX_TEMPLATE_BYTES // 1_000_000} MB"
    missing = [part for part in (CONTENT_TYPES_PART, MAIN_PART) if part not in names]
    return f"缺少 {'、'.join(missing)}" if missing else ""


def _parse_parts(
    members: Mapping[str, bytes],
) -> tuple[dict[str, etree._Element], list[TemplateIssue]]:
    """Every XML part parsed strictly; a malformed one is an issue, not a repair."""
    roots: dict[str, etree._Element] = {}
    issues: list[TemplateIssue] = []
    for name, data in members.items():
        if name.endswith((".xml", ".rels")):
            try:
                roots[name] = etree.fromstring(data, _STRICT_PARSER)
            except etree.XMLSyntaxError as exc:
                issues.append(TemplateIssue(name, f"XML 格式无效：{exc}", _DOCX_HINT))
    return roots, issues


def _header_footer_parts(content_types: etree._Element) -> Iterator[str]:
    for override in content_types.iter(f"{{{_CT}}}Override"):
        if override.get("ContentType") in HEADER_FOOTER_TYPES:
            yield override.get("PartName", "").lstrip("/")


def _has_jinja(xml: str) -> bool:
    """Jinja tags may be split across runs, so look at the text without the tags."""
    return _JINJA_MARK.search(re.sub(r"<[^>]+>", "", xml)) is not None


# --- where a Jinja line came from ---------------------------------------------------------


def _mark_places(xml: str, places: list[Place]) -> str:
    """``\\x01N\\x02`` before the start tag of the N-th paragraph, row or cell.

    Start tags appear in the serialised part in document order, the order of
    ``places``; if the counts differ (an unusual prefix, a comment holding ``<w:p``)
    nothing is marked and errors name only the part.
    """
    starts = [found.start() for found in _ELEMENT_START.finditer(xml)]
    if len(starts) != len(places):
        return xml
    pieces, last = [], 0
    for index, start in enumerate(starts):
        pieces += [xml[last:start], f"\x01{index}\x02"]
        last = start
    pieces.append(xml[last:])
    return "".join(pieces)


@dataclass(frozen=True)
class _LineMap:
    """Which paragraph, row or cell each line of a compiled part belongs to."""

    part: str
    lines: list[int]  # first line of each entry of ``places``, ascending
    places: list[Place]
    marked: list[Place]  # every place, by the number of its mark

    def place(self, line: int | None) -> Place:
        index = bisect_right(self.lines, line) - 1 if line else -1
        return self.places[index] if index >= 0 else Place(part_label(self.part), "")


def _comment_marks(source: str, places: list[Place], part: str) -> tuple[str, _LineMap]:
    """Turn each mark into a ``_MARK_COMMENT``; the line after it starts that place."""
    pieces: list[str] = []
    lines: list[int] = []
    found_places: list[Place] = []
    line, last = 1, 0
    for found in _MARK.finditer(source):
        chunk = source[last : found.start()]
        line += chunk.count("\n") + 1  # the comment's own newline
        pieces += [chunk, f"{{#\x01{found.group(1)}\n#}}"]
        lines.append(line)
        found_places.append(places[int(found.group(1))])
        last = found.end()
    pieces.append(source[last:])
    return "".join(pieces), _LineMap(part, lines, found_places, places)


def _template_line(exc: BaseException) -> int | None:
    """The template line an error arose on: Jinja rewrites tracebacks so the
    template's frames carry its line numbers."""
    line = None
    trace = exc.__traceback__
    while trace is not None:
        if trace.tb_frame.f_code.co_filename == "<template>":
            line = trace.tb_lineno
        trace = trace.tb_next
    return line


def _innermost_unclosed(environment: LimitedSandbox, source: str) -> tuple[str, int] | None:
    """(keyword, line) of the innermost block tag still open at the end of ``source``."""
    stack: list[tuple[str, int]] = []
    tag: list[tuple[int, str, str]] = []
    try:
        for token in environment.lex(source):
            if token[1] == "block_begin":
                tag = []
            elif token[1] == "block_end":
                _track_block(tag, stack)
            elif token[1] != "whitespace":
                tag.append(token)
    except TemplateSyntaxError:
        pass
    return stack[-1] if stack else None


def _track_block(tag: list[tuple[int, str, str]], stack: list[tuple[str, int]]) -> None:
    if not tag or tag[0][1] != "name":
        return
    line, _, keyword = tag[0]
    block_set = keyword == "set" and all(token[1:] != ("operator", "=") for token in tag)
    if keyword in _BLOCK_TAGS or block_set:
        stack.append((keyword, line))
    elif keyword.startswith("end") and stack and stack[-1][0] == keyword[3:]:
        stack.pop()


def _syntax_message(message: str) -> str:
    """Jinja's English syntax message, said in Chinese where it is a common one."""
    unknown = re.search(r"unknown tag '(\w+)'", message)
    if unknown and unknown.group(1).startswith("end"):
        return f"多余的 {unknown.group(1)} 标记：前面没有与之对应的开始标记（{message}）"
    if unknown:
        return f"未知的标记 {unknown.group(1)}（{message}）"
    if "unexpected '}'" in message:
        return f"标记中有多余的“}}”（{message}）"
    return f"Jinja 语法有误（{message}）"


def _runtime_message(exc: BaseException) -> str:
    """What went wrong while rendering, in Chinese, with Jinja's own words kept."""
    if isinstance(exc, UndefinedError):
        message = exc.message or str(exc)
        if found := _UNDEFINED_NAME.search(message):
            return f"变量 {found.group(1)} 未定义（{message}）"
        if found := _MISSING_ITEM.search(message):
            return f"数据中没有 {found.group(1)} 这一项（{message}）"
        return f"数据中没有模板要用的值（{message}）"
    if isinstance(exc, LimitExceeded):
        return f"超出限制：{exc}"
    if isinstance(exc, SecurityError):
        return f"试图执行沙箱不允许的操作：{exc}"
    if isinstance(exc, _IllegalValue):
        return str(exc)
    if isinstance(exc, RecursionError):
        return "宏或循环的递归过深"
    if isinstance(exc, MemoryError):
        return "渲染所需的内存过多"
    if isinstance(exc, TemplateError):
        return f"渲染失败：{exc}"
    return f"计算出错：{type(exc).__name__}: {exc}"


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


# --- pictures -----------------------------------------------------------------------------

# A Picture inside the run of ``{{ value }}``: close the template's w:t, add the
# drawing to the same run (so it keeps the run's properties), open a new w:t.
_DRAWING_XML = (
    "</w:t><w:drawing>"
    '<wp:inline distT="0" distB="0" distL="0" distR="0"{wp_declaration}>'
    '<wp:extent cx="{cx}" cy="{cy}"/><wp:effectExtent l="0" t="0" r="0" b="0"/>'
    '<wp:docPr id="0" name="{name}" descr="{description}"/>'
    '<wp:cNvGraphicFramePr><a:graphicFrameLocks xmlns:a="{a}" noChangeAspect="1"/>'
    "</wp:cNvGraphicFramePr>"
    '<a:graphic xmlns:a="{a}"><a:graphicData uri="{pic}"><pic:pic xmlns:pic="{pic}">'
    '<pic:nvPicPr><pic:cNvPr id="0" name="{name}" descr="{description}"/><pic:cNvPicPr/>'
    "</pic:nvPicPr>"
    '<pic:blipFill><a:blip r:embed="{rid}"{r_declaration}/><a:stretch><a:fillRect/></a:stretch>'
    "</pic:blipFill>"
    '<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{cx}" cy="{cy}"/></a:xfrm>'
    '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr>'
    "</pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing>"
    '<w:t xml:space="preserve">'
)
_DOC_PR_ID = re.compile(rb"<(?:\w+:)?docPr\b[^>]*?\sid=\"(\d+)\"")


def _relationships_part(part: str) -> str:
    """``word/document.xml`` → ``word/_rels/document.xml.rels``."""
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", f"{name}.rels")


def _attribute_text(text: str) -> str:
    """``text`` escaped for a double-quoted attribute, line breaks kept as references."""
    escaped = str(escape(text))
    return escaped.replace("\r", "&#13;").replace("\n", "&#10;").replace("\t", "&#9;")


def _declaration(prefix: str, uri: str, in_scope: Mapping[str | None, str]) -> str:
    """An ``xmlns:prefix`` attribute, unless the part's root already binds it so."""
    return "" if in_scope.get(prefix) == uri else f' xmlns:{prefix}="{uri}"'


class _PictureParts:
    """The media parts and relationships one render adds for its ``Picture`` values.

    Media are named ``word/media/imageN.png`` in order of first appearance (identical
    PNGs share one part), relationship ids are the first ``rIdN`` the part's template
    relationships leave free, so the same context always gives the same bytes.
    """

    def __init__(
        self, members: Mapping[str, bytes], namespaces: Mapping[str, Mapping[str | None, str]]
    ) -> None:
        self._members = members
        self._namespaces = namespaces
        self.media: dict[bytes, str] = {}
        self.relationships: dict[str, dict[str, str]] = {}  # part → {media part: rId}

    def drawing(self, picture: Picture, part: str) -> Markup:
        media = self._media_part(picture.png)
        cx, cy = picture.extent_emu
        in_scope = self._namespaces.get(part, {})
        xml = _DRAWING_XML.format(
            wp_declaration=_declaration("wp", _WP, in_scope),
            r_declaration=_declaration("r", _R, in_scope),
            a=_A,
            pic=_PIC,
            cx=cx,
            cy=cy,
            name=posixpath.basename(media),
            description=_attribute_text(picture.description),
            rid=self._relationship_id(part, media),
        )
        return Markup(xml)

    def _media_part(self, png: bytes) -> str:
        if png not in self.media:
            taken = set(self._members) | set(self.media.values())
            names = (f"word/media/image{number}.png" for number in count(1))
            self.media[png] = next(name for name in names if name not in taken)
        return self.media[png]

    def _relationship_id(self, part: str, media: str) -> str:
        ids = self.relationships.setdefault(part, {})
        if media not in ids:
            taken = _relationship_ids(self._members.get(_relationships_part(part))) | set(
                ids.values()
            )
            ids[media] = next(f"rId{n}" for n in count(1) if f"rId{n}" not in taken)
        return ids[media]

    def add_to(self, members: dict[str, bytes]) -> None:
        """Add the media parts, their relationships and the ``png`` content type."""
        if not self.media:
            return
        for png, name in self.media.items():
            members[name] = png
        for part, ids in self.relationships.items():
            rels = _relationships_part(part)
            members[rels] = _with_relationships(members.get(rels), part, ids)
        members[CONTENT_TYPES_PART] = _with_png_default(members[CONTENT_TYPES_PART])


_RENDERING_PICTURES: ContextVar[_PictureParts | None] = ContextVar(
    "plandocs_rendering_pictures", default=None
)
# The templates (``plan.docx:word/document.xml``) that printed Markup in this render.
_PRINTED_MARKUP: ContextVar[set[str] | None] = ContextVar("plandocs_printed_markup", default=None)


def _relationship_ids(rels: bytes | None) -> set[str]:
    if rels is None:
        return set()
    root = etree.fromstring(rels, _STRICT_PARSER)
    return {rel.get("Id", "") for rel in root.iter(f"{{{_PACKAGE_RELS}}}Relationship")}


def _with_relationships(rels: bytes | None, part: str, ids: Mapping[str, str]) -> bytes:
    if rels is None:
        root = etree.Element(f"{{{_PACKAGE_RELS}}}Relationships", nsmap={None: _PACKAGE_RELS})
    else:
        root = etree.fromstring(rels, _STRICT_PARSER)
    for media, rid in ids.items():
        target = posixpath.relpath(media, posixpath.dirname(part))
        attributes = {"Id": rid, "Type": IMAGE_RELATIONSHIP, "Target": target}
        etree.SubElement(root, f"{{{_PACKAGE_RELS}}}Relationship", attributes)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _with_png_default(content_types: bytes) -> bytes:
    root = etree.fromstring(content_types, _STRICT_PARSER)
    defaults = root.findall(f"{{{_CT}}}Default")
    if any(d.get("Extension", "").lower() == "png" for d in defaults):
        return content_types
    png = etree.Element(f"{{{_CT}}}Default", {"Extension": "png", "ContentType": "image/png"})
    if defaults:
        defaults[-1].addnext(png)
    else:
        root.insert(0, png)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _highest_drawing_id(members: Mapping[str, bytes], skip: Iterable[str]) -> int:
    """The largest ``wp:docPr`` id in the parts a render leaves as they are."""
    skipped = set(skip)
    ids = [
        int(found)
        for name, data in members.items()
        if name.startswith("word/") and name.endswith(".xml") and name not in skipped
        for found in _DOC_PR_ID.findall(data)
    ]
    return max(ids, default=0)


def _number_drawings(roots: Iterable[etree._Element], start: int) -> None:
    """Give every drawing of the rendered parts a document-wide unique ``docPr`` id."""
    number = count(start + 1)
    for root in roots:
        for properties in root.iter(f"{{{_WP}}}docPr"):
            properties.set("id", str(next(number)))


# --- tables and sections ------------------------------------------------------------------


def _w(name: str) -> str:
    return f"{{{_W}}}{name}"


def _span(cell: etree._Element) -> int:
    span = cell.find(f"{_w('tcPr')}/{_w('gridSpan')}")
    return int(span.get(_w("val"), "1")) if span is not None else 1


def _run_size(run: etree._Element) -> int:
    size = run.find(f"{_w('rPr')}/{_w('sz')}")
    return (
        int(size.get(_w("val"), DEFAULT_HALF_POINTS)) if size is not None else DEFAULT_HALF_POINTS
    )


def natural_width(cell: etree._Element) -> int:
    """Twips the cell's longest line needs unwrapped, margins included.

    A CJK character is as wide as its font size, anything narrower half of that.
    """
    longest = 0.0
    for paragraph in cell.iter(_w("p")):
        line = 0.0
        for run in paragraph.iter(_w("r")):
            em = _run_size(run) * 10  # half-points → twips
            for node in run:
                if node.tag in (_w("br"), _w("cr")):
                    longest, line = max(longest, line), 0.0
                elif node.tag == _w("t"):
                    line += sum(em if ord(ch) >= 0x2E80 else em / 2 for ch in node.text or "")
        longest = max(longest, line)
    return math.ceil(longest) + CELL_MARGINS + TEXT_SLACK


def token_width(cell: etree._Element) -> int:
    """Twips of the cell's longest run of letters and digits (``1986.04``), which a line
    must not break, margins included."""
    longest = 0.0
    for run in cell.iter(_w("r")):
        em = _run_size(run) * 10
        for node in run.iter(_w("t")):
            for token in re.findall(r"[0-9A-Za-z.,:/%()+\-]+", node.text or ""):
                longest = max(longest, len(token) * em / 2)
    return math.ceil(longest) + CELL_MARGINS + TEXT_SLACK if longest else 0


def column_widths(natural: list[int], total: int) -> list[int]:
    """Split ``total`` twips between columns that would like their ``natural`` widths.

    If all fit, each grows in proportion. If not, the narrowest columns get what they
    need as long as that is no more than an equal share of what is left, and the
    remaining ones split the rest equally. Rounding leftovers go to the widest column.
    """
    if sum(natural) <= total:
        widths = [total * n // sum(natural) for n in natural]
    else:
        widths, remaining = list(natural), total
        order = sorted(range(len(natural)), key=lambda i: natural[i])
        for done, column in enumerate(order):
            share = remaining // (len(order) - done)
            if natural[column] > share:
                for rest in order[done:]:
                    widths[rest] = share
                break
            remaining -= natural[column]
    widths[widths.index(max(widths))] += total - sum(widths)
    return widths


# Columns start at their text's width, but no wider than 3 四号 characters -- 6 for a
# long text (20 characters or more), never a sliver; a character at a time then
# goes where it shortens the table most.
CHAR_TWIPS = 280
LEAST_CHARS, LEAST_LONG_CHARS, LONG_TEXT_CHARS = 3, 6, 20
WIDTH_STEP = CHAR_TWIPS


def _lines(need: int, width: int) -> int:
    return max(1, -(-(need - CELL_MARGINS) // max(1, width - CELL_MARGINS)))


def _least(natural: int) -> int:
    long = natural - CELL_MARGINS >= LONG_TEXT_CHARS * CHAR_TWIPS
    return (LEAST_LONG_CHARS if long else LEAST_CHARS) * CHAR_TWIPS + CELL_MARGINS


def _best_step(
    cells: list[list[int]], widths: list[int], natural: list[int], spare: int
) -> tuple[int, int] | None:
    """(column, steps): the widening that saves the most lines per step, or None.

    Only the widened column's cells change, so each trial recounts that column alone
    against the tallest of the other cells of each row.
    """
    lines = [
        [_lines(need, w) if need else 0 for need, w in zip(row, widths, strict=True)]
        for row in cells
    ]
    best: tuple[float, int, int] | None = None
    for column, width in enumerate(widths):
        others = [max((n for j, n in enumerate(row) if j != column), default=0) for row in lines]
        now = sum(max(1, o, row[column]) for o, row in zip(others, lines, strict=True))
        own = sum(row[column] for row in lines)
        for steps in range(1, spare + 1):
            if width + (steps - 1) * WIDTH_STEP >= natural[column]:
                break
            trial = [
                _lines(row[column], width + steps * WIDTH_STEP) if row[column] else 0
                for row in cells
            ]
            table = sum(max(1, o, t) for o, t in zip(others, trial, strict=True))
            saved = (now - table) + (own - sum(trial)) / 1000
            if saved > 0:
                rate = saved / steps
                if best is None or rate > best[0]:
                    best = (rate, column, steps)
                break
    return None if best is None else (best[1], best[2])


def balanced_widths(
    cells: list[list[int]], total: int, tokens: list[int] | None = None
) -> list[int]:
    """Column widths for rows of cells needing ``cells[row][column]`` twips unwrapped.

    Each column first gets its text's width up to a few characters; then, step by step,
    the room left goes to the column that saves the most table lines (a row is as tall
    as its tallest cell), so a long text such as 事迹简介 gets the width while short
    columns stay narrow and readable. When even the start does not fit, or every text
    already fits, ``column_widths`` shares the room.
    """
    natural = [max(CELL_MARGINS, *column) for column in zip(*cells, strict=True)]
    if sum(natural) <= total:
        return column_widths(natural, total)
    least = [min(n, _least(n)) for n in natural]
    # never narrower than its longest number or word: 1986.04 stays on one line
    least = [max(m, t) for m, t in zip(least, tokens or [0] * len(least), strict=True)]
    if sum(least) > total:
        return column_widths(natural, total)
    widths = list(least)
    while (spare := (total - sum(widths)) // WIDTH_STEP) > 0:
        step = _best_step(cells, widths, natural, spare)
        if step is None:  # nothing saves a line any more: the rest by what columns lack
            lacking = [max(0, n - w) for n, w in zip(natural, widths, strict=True)]
            room = total - sum(widths)
            widths = [
                w + room * lack // (sum(lacking) or 1)
                for w, lack in zip(widths, lacking, strict=False)
            ]
            break
        column, steps = step
        widths[column] += steps * WIDTH_STEP
    widths[widths.index(max(widths))] += total - sum(widths)
    return widths


def _fit_table_grid(table: etree._Element) -> None:
    """A table whose rows no longer match its grid (a ``{%tc for %}`` loop) gets a new one.

    The table keeps its total width, shared by the columns' text (Word's autofit, done
    here so Word, WPS and LibreOffice agree); every cell's ``w:tcW`` follows the grid.
    """
    grid = table.find(_w("tblGrid"))
    rows = table.findall(_w("tr"))
    if grid is None or not rows:
        return
    columns = grid.findall(_w("gridCol"))
    needed = max(sum(_span(cell) for cell in row.findall(_w("tc"))) for row in rows)
    if needed in (0, len(columns)):
        return
    cells, tokens = [], [0] * needed
    for row in rows:
        need, position = [0] * needed, 0
        for cell in row.findall(_w("tc")):
            if _span(cell) == 1:
                need[position] = natural_width(cell)
                tokens[position] = max(tokens[position], token_width(cell))
            position += _span(cell)
        cells.append(need)
    natural = [max(CELL_MARGINS, *column) for column in zip(*cells, strict=True)]
    total = sum(int(column.get(_w("w"), "0")) for column in columns) or sum(natural)
    widths = balanced_widths(cells, total, tokens)
    for column in columns:
        grid.remove(column)
    for width in widths:
        etree.SubElement(grid, _w("gridCol"), {_w("w"): str(width)})
    for row in rows:
        _set_cell_widths(row, widths)


def _set_cell_widths(row: etree._Element, widths: list[int]) -> None:
    position = 0
    for cell in row.findall(_w("tc")):
        span = _span(cell)
        properties = cell.find(_w("tcPr"))
        if properties is None:
            properties = etree.Element(_w("tcPr"))
            cell.insert(0, properties)
        width = properties.find(_w("tcW"))
        if width is None:
            width = etree.SubElement(properties, _w("tcW"))
        width.attrib.clear()
        width.set(_w("w"), str(sum(widths[position : position + span])))
        width.set(_w("type"), "dxa")
        position += span


def _drop_empty_last_section(root: etree._Element) -> None:
    """If nothing follows the last section break, that break's section becomes the last.

    A template may end with a section whose content sat inside ``{%p if %}``; left
    empty, Word would still show it as a blank page.
    """
    body = root.find(_w("body"))
    final = body.find(_w("sectPr")) if body is not None else None
    if final is None:
        return
    blocks = [child for child in body if child.tag in (_w("p"), _w("tbl"), _w("sdt"))]
    if not blocks or blocks[-1].tag != _w("p"):
        return
    closing = blocks[-1].find(f"{_w('pPr')}/{_w('sectPr')}")
    if closing is not None:
        closing.getparent().remove(closing)
        body.replace(final, closing)


# --- rendering without a tree -------------------------------------------------------------

_LISTING_TEXT = re.compile(r"<w:t(?: [^>]*)?>[^<]*[\n\t\a\f]")
_PARAGRAPH_START = re.compile(r"<w:p(?: [^>]*)?>")
_PARAGRAPH_END = "</w:p>"
# zlib level for rendered parts: 3 is about as fast as 1 and its output within a tenth
# of 6's size; 6 takes several times as long.
RENDERED_LEVEL = 3
# What lxml writes before a part it serialises, so both ways of rendering begin alike.
XML_DECLARATION = b"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
# An end tag up to the local name: ``</`` and an optional prefix.
_END_TAG = re.compile(rb"</(?:[^\s<>/:]+:)?")


def _join_paragraphs(xml: str) -> str:
    """docxtpl's ``re.sub(r"\\n<w:p([ >])", r"<w:p\\1", xml)``. Usually every ``\\n<w:p``
    is one (docxtpl put it there); then splitting and joining is the fastest way."""
    pieces = xml.split("\n<w:p")
    if all(piece.startswith((" ", ">")) for piece in pieces[1:]):
        return "<w:p".join(pieces)
    return xml.replace("\n<w:p ", "<w:p ").replace("\n<w:p>", "<w:p>")


def _listing_starts(xml: str) -> list[int]:
    """Where each ``_LISTING_TEXT`` match of ``xml`` starts, ascending. The characters it
    ends with are rare, so they are looked for first: a match is the text element whose
    start tag is the last ``<`` before one of them."""
    starts: set[int] = set()
    for character in "\n\t\a\f":
        at = xml.find(character)
        while at >= 0:
            tag = xml.rfind("<", 0, at)
            if tag >= 0 and _LISTING_TEXT.match(xml, tag):
                starts.add(tag)
            at = xml.find(character, at + 1)
    return sorted(starts)


def _paragraph_spans(xml: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each match of docxtpl's ``<w:p(?: [^>]*)?>.*?</w:p>`` (DOTALL), in
    order: a paragraph runs from its start tag to the first ``</w:p>`` after it. Found
    with ``str.find``, which is many times faster than that lazy pattern."""
    found = _PARAGRAPH_START.search(xml)
    while found is not None:
        end = xml.find(_PARAGRAPH_END, found.end())
        if end < 0:
            return
        end += len(_PARAGRAPH_END)
        yield found.start(), end
        found = _PARAGRAPH_START.search(xml, end)


def _start_tags(data: bytes, local_name: bytes) -> int:
    """At most how many elements named ``local_name`` (any prefix) ``data`` holds: every
    mention that is not an end tag counts."""
    count, at = 0, data.find(local_name)
    while at >= 0:
        if not _END_TAG.fullmatch(data, max(data.rfind(b"<", 0, at), 0), at):
            count += 1
        at = data.find(local_name, at + 1)
    return count


def _needs_tree(data: bytes) -> bool:
    """Whether a rendered part must be parsed into a tree: a fix-up might change it
    (tables, drawings to number, a section break besides the last section), or it has
    ``xml:id`` attributes, which only a tree's parse checks. Looks for local names,
    whatever their prefix; a mere mention costs only time."""
    return (
        b"tbl" in data
        or b"tcPr" in data
        or b"docPr" in data
        or b"xml:id" in data
        or _start_tags(data, b"sectPr") > 1
    )


def _never_tree(proof: Proof) -> bool:
    """Whether no render of a proven part that prints no Markup needs a tree. Its
    elements and attributes are then the template's and the runs, texts and breaks
    resolve_listing adds, with copies of run properties; so it is enough that the
    template has nothing ``_needs_tree`` looks for, and at most one section, printed
    once (not in a block) and not in a paragraph (whose properties could be copied)."""
    document, bodies = proof.document.encode(), "".join(proof.bodies).encode()
    section = document.find(b"sectPr")
    return (
        not _needs_tree(document + bodies)
        and b"sectPr" not in bodies
        and b"</w:p>" not in document[section:]
    )


class _NoTree:
    """A parser target that builds nothing: parsing only checks the XML."""

    def close(self) -> None:
        return None


class DocxTemplateEngine:
    """A docxtpl-compatible Word template, read and compiled once, rendered many times."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self._members = _read_members(self.path)
        roots, issues = _parse_parts(self._members)
        if not issues:
            issues = dangerous_content(roots, self._members)
        # docxtpl's own patch_xml and resolve_listing keep us compatible with its tags;
        # constructing DocxTemplate does not read the file.
        self._docxtpl = DocxTemplate(self.path)
        self._sources: dict[str, str] = {}
        self._lines: dict[str, _LineMap] = {}
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
            raise _template_error(self.path.name, issues)
        self._namespaces = {part: dict(roots[part].nsmap) for part in self.parts}
        # Parts proven always to render well-formed XML need no check per render; most
        # of them never need a tree either.
        proofs = {
            name: prove(self.environment, source, self._namespaces[_split_name(name)[1]])
            for name, source in self._sources.items()
        }
        self._proven = {name for name, proof in proofs.items() if proof is not None}
        self._tree_free = {
            name for name, proof in proofs.items() if proof is not None and _never_tree(proof)
        }
        self._fragment_tags = {
            name: fragment_tag(self._namespaces[_split_name(name)[1]]) for name in self._sources
        }
        self._drawing_ids_taken = _highest_drawing_id(self._members, self.parts)
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
        for part in _header_footer_parts(roots[CONTENT_TYPES_PART]):
            if part in roots and _has_jinja(etree.tostring(roots[part], encoding="unicode")):
                yield part

    def _prepare(
        self, part: str, root: etree._Element, places: Mapping[etree._Element, Place]
    ) -> tuple[str, _LineMap]:
        """docxtpl's pre-processing (patch_xml, a newline before each paragraph), with
        the place marks turned into comments. The part is re-serialised without
        pretty-printing, as docxtpl expects it."""
        ordered = list(places.values())
        marked = _mark_places(etree.tostring(root, encoding="unicode"), ordered)
        patched = self._docxtpl.patch_xml(marked)
        return _comment_marks(re.sub(r"<w:p([ >])", r"\n<w:p\1", patched), ordered, part)

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
        line, what = exc.lineno, _syntax_message(message)
        if message.startswith("Unexpected end of template"):
            opened = _innermost_unclosed(self.environment, self._sources[name])
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
        pictures = _PictureParts(self._members, self._namespaces)
        token = _RENDERING_PICTURES.set(pictures)
        printed = _PRINTED_MARKUP.set(set())
        try:
            with budget():
                rendered = {
                    _split_name(name)[1]: self._render_part(name, context)
                    for name in self._templates
                }
        finally:
            _PRINTED_MARKUP.reset(printed)
            _RENDERING_PICTURES.reset(token)
        trees = [root for root in rendered.values() if isinstance(root, etree._Element)]
        _number_drawings(trees, self._drawing_ids_taken)
        for part, result in rendered.items():
            members[part] = (
                result
                if isinstance(result, bytes)
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

    def _render_part(self, name: str, context: Mapping[str, Any]) -> bytes | etree._Element:
        """The rendered part: as rendered (bytes) if it is well-formed and no fix-up
        applies to it -- a tree and its serialisation cost more than all the rest of a
        render -- else its tree, fixed."""
        try:
            xml = self._generate(name, context)
        except TemplateRenderError:
            raise
        except Exception as exc:  # whatever a template triggers is its problem
            place = self._lines[name].place(_template_line(exc))
            raise self._error(name, place.issue(_runtime_message(exc))) from exc
        xml, rewrites = self._postprocess(xml)
        data = xml.encode("utf-8")
        if self._as_rendered(name, data, rewrites):
            return XML_DECLARATION + data
        root = self._parse(name, data, context)
        try:
            for table in root.iter(_w("tbl")):
                _fit_table_grid(table)
        except ValueError as exc:  # a gridSpan or width that is no number
            where = self._lines[name].place(None)
            raise self._error(name, where.issue(f"表格格式无效：{exc}")) from exc
        _fix_cell_properties(root)
        _drop_empty_last_section(root)
        return root

    def _as_rendered(self, name: str, data: bytes, rewrites: list[tuple[str, str]]) -> bool:
        """Whether the rendered part can be written as it is: no fix-up applies to it and
        it is well-formed. Both are known from its template's proof (``docx_wellformed``)
        unless this render printed Markup in it, given that each paragraph resolve_listing
        rewrote, (before, after), still fits; else the part itself is looked at."""
        proven = name in self._proven and name not in (_PRINTED_MARKUP.get() or set())
        if not (proven and name in self._tree_free) and _needs_tree(data):
            return False
        tag = self._fragment_tags[name]
        if proven and all(sound_rewrite(tag, *pair, _PARAGRAPH_START) for pair in rewrites):
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
        return _template_error(template, [issue], part)

    def _postprocess(self, xml: str) -> tuple[str, list[tuple[str, str]]]:
        """docxtpl's render_xml_part post-processing, step for step; and the paragraphs
        resolve_listing rewrote, (before, after)."""
        # A place mark inside {% raw %} is printed as it is; nothing else can print \x01.
        if "\x01" in xml:
            xml = _MARK_COMMENT.sub("", xml)
        xml = _join_paragraphs(xml)
        # docxtpl's escaped braces; a single character is found far faster than a pair.
        if "{" in xml or "}" in xml:
            for escaped, plain in (("{_{", "{{"), ("}_}", "}}"), ("{_%", "{%"), ("%_}", "%}")):
                xml = xml.replace(escaped, plain)
        return self._resolve_listings(xml)

    def _resolve_listings(self, xml: str) -> tuple[str, list[tuple[str, str]]]:
        """docxtpl's resolve_listing, run only on the paragraphs it changes: those
        holding a ``_LISTING_TEXT`` match (it is costly, and most paragraphs have none)."""
        listings = iter(_listing_starts(xml))
        listing = next(listings, None)
        rewrites: list[tuple[str, str]] = []
        if listing is None:
            return xml, rewrites
        pieces: list[str] = []
        last = 0
        for start, end in _paragraph_spans(xml):
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
            return etree.fromstring(data, _STRICT_PARSER)
        except etree.XMLSyntaxError as exc:
            message = f"渲染出的 XML 无效（{exc}）"
            where = self._broken_xml_place(name, context)
            raise self._error(name, where.issue(message, BROKEN_XML_HINT)) from exc

    def _broken_xml_place(self, name: str, context: Mapping[str, Any]) -> Place:
        """Where rendering broke the XML: render once more with each place mark printed
        as an XML comment; the last mark before the parse error is the place."""
        lines = self._lines[name]
        source = _MARK_COMMENT.sub(r"<!--\1-->", self._sources[name])
        try:
            xml = "".join(self.environment.from_string(source).generate(dict(context)))
            etree.fromstring(xml.encode("utf-8"), _STRICT_PARSER)
        except etree.XMLSyntaxError as exc:
            marks = re.findall(r"<!--(\d+)-->", _before(xml, *exc.position))
            if marks:
                return lines.marked[int(marks[-1])]
        except Exception:  # the diagnosis must not hide the error it explains
            pass
        return lines.place(None)


def _before(text: str, line: int, column: int) -> str:
    """``text`` up to a 1-based (line, column) position."""
    offset = sum(len(chunk) for chunk in text.splitlines(keepends=True)[: line - 1])
    return text[: offset + column]
