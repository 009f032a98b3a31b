"""Inline PNG pictures: the drawing XML, media parts, relationships and content type
the engine adds for each ``Picture`` a render prints."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Mapping
from contextvars import ContextVar
from itertools import count

from lxml import etree
from markupsafe import Markup, escape

from generator.render.document_spec import Picture
from generator.render.docx.package import CONTENT_TYPES_NS, STRICT_PARSER
from generator.render.docx_checks import (
    CONTENT_TYPES_PART,
)

_PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"

_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

_WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"

_A = "http://schemas.openxmlformats.org/drawingml/2006/main"

_PIC = "http://schemas.openxmlformats.org/drawingml/2006/picture"

IMAGE_RELATIONSHIP = f"{_R}/image"

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


class PictureParts:
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


RENDERING_PICTURES: ContextVar[PictureParts | None] = ContextVar(
    "plandocs_rendering_pictures", default=None
)

# The templates (``plan.docx:word/document.xml``) that printed Markup in this render.
PRINTED_MARKUP: ContextVar[set[str] | None] = ContextVar("plandocs_printed_markup", default=None)


def _relationship_ids(rels: bytes | None) -> set[str]:
    if rels is None:
        return set()
    root = etree.fromstring(rels, STRICT_PARSER)
    return {rel.get("Id", "") for rel in root.iter(f"{{{_PACKAGE_RELS}}}Relationship")}


def _with_relationships(rels: bytes | None, part: str, ids: Mapping[str, str]) -> bytes:
    if rels is None:
        root = etree.Element(f"{{{_PACKAGE_RELS}}}Relationships", nsmap={None: _PACKAGE_RELS})
    else:
        root = etree.fromstring(rels, STRICT_PARSER)
    for media, rid in ids.items():
        target = posixpath.relpath(media, posixpath.dirname(part))
        attributes = {"Id": rid, "Type": IMAGE_RELATIONSHIP, "Target": target}
        etree.SubElement(root, f"{{{_PACKAGE_RELS}}}Relationship", attributes)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _with_png_default(content_types: bytes) -> bytes:
    root = etree.fromstring(content_types, STRICT_PARSER)
    defaults = root.findall(f"{{{CONTENT_TYPES_NS}}}Default")
    if any(d.get("Extension", "").lower() == "png" for d in defaults):
        return content_types
    png = etree.Element(
        f"{{{CONTENT_TYPES_NS}}}Default", {"Extension": "png", "ContentType": "image/png"}
    )
    if defaults:
        defaults[-1].addnext(png)
    else:
        root.insert(0, png)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def highest_drawing_id(members: Mapping[str, bytes], skip: Iterable[str]) -> int:
    """The largest ``wp:docPr`` id in the parts a render leaves as they are."""
    skipped = set(skip)
    ids = [
        int(found)
        for name, data in members.items()
        if name.startswith("word/") and name.endswith(".xml") and name not in skipped
        for found in _DOC_PR_ID.findall(data)
    ]
    return max(ids, default=0)


def number_drawings(roots: Iterable[etree._Element], start: int) -> None:
    """Give every drawing of the rendered parts a document-wide unique ``docPr`` id."""
    number = count(start + 1)
    for root in roots:
        for properties in root.iter(f"{{{_WP}}}docPr"):
            properties.set("id", str(next(number)))
