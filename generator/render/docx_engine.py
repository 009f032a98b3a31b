"""Render docxtpl-style Word templates: Jinja inside the docx XML, parsed once.

``DocxTemplateEngine`` knows nothing about plans. It reads a template .docx once,
applies docxtpl's ``patch_xml`` once to ``word/document.xml`` and to each header or
footer that holds Jinja, and compiles the results in one sandboxed, autoescaping,
strict Jinja environment. Each ``render`` then only evaluates the compiled
templates, applies the same post-processing as ``docxtpl.DocxTemplate.render_xml_part``
(``\\n`` in a value becomes ``<w:br/>``), parses every rendered part strictly and
returns zip bytes that are identical for identical inputs.

Beyond docxtpl's tags the engine knows three things a template may need:

- a ``Picture`` value: ``{{ chart }}`` in a run shows the PNG inline (media part,
  relationship and content type added by the engine; docxtpl's InlineImage does not
  work here);
- a table whose cell count a ``{%tc for %}`` column loop changed gets a new grid
  (``docxtpl``'s ``fix_tables`` is not run) with widths from the cells' text;
- a last section that rendering left empty (its content sat inside ``{%p if %}``) is
  dropped, so a conditional landscape attachment leaves no blank page.

Unlike docxtpl, a rendering problem is never silent: an undefined variable, a
sandbox violation, a value with a character XML cannot hold, or XML broken by
the template all raise ``TemplateRenderError`` with a Chinese message.
"""

from __future__ import annotations

import io
import math
import os
import posixpath
import re
import struct
import zipfile
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
from jinja2.sandbox import SandboxedEnvironment
from lxml import etree
from markupsafe import Markup, escape

from generator.render.oxml import TCPR_ORDER, sort_children
from generator.write.atomic import normalize_zip

__all__ = ["DocProperties", "DocxTemplateEngine", "Picture", "TemplateRenderError", "png_size"]

MAIN_PART = "word/document.xml"
CORE_PART = "docProps/core.xml"
CONTENT_TYPES_PART = "[Content_Types].xml"
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


def _describe(template_name: str | None) -> str:
    """``plan.docx:word/document.xml`` → ``模板 plan.docx（word/document.xml）``."""
    template, _, part = (template_name or "?").partition(":")
    return f"模板 {template}（{part}）" if part else f"模板 {template}"


def _split_name(template_name: str | None) -> tuple[str, str]:
    template, _, part = (template_name or "").partition(":")
    return template, part


@pass_context
def _finalize(context: Context, value: Any) -> Any:
    """Jinja ``finalize`` hook: every ``{{ … }}`` output passes here before escaping.

    A ``Picture`` becomes drawing XML, the only ``Markup`` the engine itself makes;
    anything else is checked for characters XML cannot hold and then escaped.
    """
    if isinstance(value, Picture):
        pictures = _RENDERING_PICTURES.get()
        if pictures is None:  # pragma: no cover - render() always sets it
            raise TemplateRenderError("图片只能在 DocxTemplateEngine.render 中渲染")
        return pictures.drawing(value, _split_name(context.name)[1])
    return _reject_illegal_characters(context, value)


def _reject_illegal_characters(context: Context, value: Any) -> Any:
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
    natural = [CELL_MARGINS] * needed
    for row in rows:
        position = 0
        for cell in row.findall(_w("tc")):
            if _span(cell) == 1:
                natural[position] = max(natural[position], natural_width(cell))
            position += _span(cell)
    total = sum(int(column.get(_w("w"), "0")) for column in columns) or sum(natural)
    widths = column_widths(natural, total)
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
            finalize=_finalize,
            loader=DictLoader(self._sources),
        )
        self._templates = {name: self._compile(name) for name in self._sources}
        self._namespaces = {part: self._root_namespaces(part) for part in self.parts}
        self._drawing_ids_taken = _highest_drawing_id(self._members, self.parts)

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

    def _root_namespaces(self, part: str) -> dict[str | None, str]:
        return dict(etree.fromstring(self._members[part], _STRICT_PARSER).nsmap)

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
        pictures = _PictureParts(self._members, self._namespaces)
        token = _RENDERING_PICTURES.set(pictures)
        try:
            roots = {
                _split_name(name)[1]: self._render_part(name, context) for name in self._templates
            }
        finally:
            _RENDERING_PICTURES.reset(token)
        _number_drawings(roots.values(), self._drawing_ids_taken)
        for part, root in roots.items():
            members[part] = etree.tostring(
                root, xml_declaration=True, encoding="UTF-8", standalone=True
            )
        pictures.add_to(members)
        if properties is not None:
            members[CORE_PART] = core_properties_xml(properties)
        return _pack(members)

    def _render_part(self, name: str, context: Mapping[str, Any]) -> etree._Element:
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
        for table in root.iter(_w("tbl")):
            _fit_table_grid(table)
        _fix_cell_properties(root)
        _drop_empty_last_section(root)
        return root

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
