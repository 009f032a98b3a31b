"""A template's .docx package: its members read and checked once, the parts parsed strictly,
and the document properties (``docProps/core.xml``) written from fixed values."""

from __future__ import annotations

import functools
import io
import re
import zipfile
import zlib
from collections.abc import Iterator, Mapping
from datetime import date, datetime, time, timezone
from pathlib import Path

from lxml import etree

from generator.render.document_spec import XML_ILLEGAL, DocProperties
from generator.render.docx.errors import TemplateRenderError, template_error
from generator.render.docx_checks import (
    CONTENT_TYPES_PART,
    MAIN_PART,
    TemplateIssue,
)

HEADER_FOOTER_TYPES = (
    "application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml",
)

CONTENT_TYPES_NS = "http://schemas.openxmlformats.org/package/2006/content-types"

_CORE_NAMESPACES = {
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
    "dc": "http://purl.org/dc/elements/1.1/",
    "dcterms": "http://purl.org/dc/terms/",
    "dcmitype": "http://purl.org/dc/dcmitype/",
    "xsi": "http://www.w3.org/2001/XMLSchema-instance",
}

# A template is a few hundred kilobytes; a zip that unpacks to more is not one (or a bomb).
MAX_TEMPLATE_BYTES = 100_000_000

_JINJA_MARK = re.compile(r"\{[{%#]")

STRICT_PARSER = etree.XMLParser(recover=False, resolve_entities=False, no_network=True)

_NOT_A_DOCX = "不是有效的 Word 文档（.docx）"

_DOCX_HINT = "请在 Word 或 WPS 中打开后另存为“Word 文档（*.docx）”，不要加密"


def read_members(path: Path) -> dict[str, bytes]:
    """Every zip member of the template, in archive order; refuses what is no .docx."""
    name = path.name
    try:
        with zipfile.ZipFile(io.BytesIO(path.read_bytes())) as archive:
            infos = archive.infolist()
            problem = _archive_problem(infos)
            if problem:
                raise template_error(name, [TemplateIssue("", f"{_NOT_A_DOCX}：{problem}")])
            return {info.filename: archive.read(info) for info in infos}
    except OSError as exc:
        raise template_error(name, [TemplateIssue("", f"无法读取：{exc.strerror or exc}")]) from exc
    except (zipfile.BadZipFile, zlib.error, RuntimeError, NotImplementedError, EOFError) as exc:
        # RuntimeError: an encrypted member; NotImplementedError: an unknown compression.
        issue = TemplateIssue("", f"{_NOT_A_DOCX}（可能是 .doc 改了扩展名、已加密或已损坏：{exc}）")
        raise template_error(name, [issue]) from exc


def _archive_problem(infos: list[zipfile.ZipInfo]) -> str:
    names = [info.filename for info in infos]
    if len(set(names)) != len(names):
        return "压缩包中有重名的部件"
    if sum(info.file_size for info in infos) > MAX_TEMPLATE_BYTES:
        return f"解压后超过 {MAX_TEMPLATE_BYTES // 1_000_000} MB"
    missing = [part for part in (CONTENT_TYPES_PART, MAIN_PART) if part not in names]
    return f"缺少 {'、'.join(missing)}" if missing else ""


def parse_parts(
    members: Mapping[str, bytes],
) -> tuple[dict[str, etree._Element], list[TemplateIssue]]:
    """Every XML part parsed strictly; a malformed one is an issue, not a repair."""
    roots: dict[str, etree._Element] = {}
    issues: list[TemplateIssue] = []
    for name, data in members.items():
        if name.endswith((".xml", ".rels")):
            try:
                roots[name] = etree.fromstring(data, STRICT_PARSER)
            except etree.XMLSyntaxError as exc:
                issues.append(TemplateIssue(name, f"XML 格式无效：{exc}", _DOCX_HINT))
    return roots, issues


def header_footer_parts(content_types: etree._Element) -> Iterator[str]:
    for override in content_types.iter(f"{{{CONTENT_TYPES_NS}}}Override"):
        if override.get("ContentType") in HEADER_FOOTER_TYPES:
            yield override.get("PartName", "").lstrip("/")


def has_jinja(xml: str) -> bool:
    """Jinja tags may be split across runs, so look at the text without the tags."""
    return _JINJA_MARK.search(re.sub(r"<[^>]+>", "", xml)) is not None


def _utc_stamp(moment: date | datetime) -> str:
    if not isinstance(moment, datetime):
        moment = datetime.combine(moment, time(), tzinfo=timezone.utc)
    elif moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _core_fields(properties: DocProperties) -> list[tuple[str, str, str]]:
    """(prefix, element, text) of docProps/core.xml, in order; a value XML cannot hold is
    refused, naming its field."""
    stamp = _utc_stamp(properties.created)
    fields = [
        ("dc", "title", properties.title),
        ("dc", "subject", properties.subject),
        ("dc", "creator", properties.author),
        ("cp", "keywords", properties.keywords),
        ("dc", "description", properties.description),
        ("cp", "lastModifiedBy", properties.author),
        ("cp", "revision", "1"),
        ("dcterms", "created", stamp),
        ("dcterms", "modified", stamp),
    ]
    for _, name, value in fields:
        found = XML_ILLEGAL.search(value)
        if found is not None:
            raise TemplateRenderError(
                f"文档属性 {name} 含有 XML 不允许的字符 U+{ord(found.group()):04X}"
            )
    return fields


def _core_tree(fields: list[tuple[str, str, str]]) -> bytes:
    ns = _CORE_NAMESPACES
    root = etree.Element(f"{{{ns['cp']}}}coreProperties", nsmap=ns)
    for prefix, name, value in fields:
        element = etree.SubElement(root, f"{{{ns[prefix]}}}{name}")
        element.text = value
        if prefix == "dcterms":
            element.set(f"{{{ns['xsi']}}}type", "dcterms:W3CDTF")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


# Stand-ins for the values in the part serialised once (ASCII that lxml writes as it is).
_CORE_SLOT = "plandocs-core-slot-{}"


@functools.cache
def _core_pieces() -> tuple[str, ...]:
    """docProps/core.xml as lxml serialises it, cut where the nine values go: the text
    between them is the same for every document."""
    blank = DocProperties(title="", author="", created=date(2000, 1, 1))
    fields = [
        (prefix, name, _CORE_SLOT.format(n))
        for n, (prefix, name, _) in enumerate(_core_fields(blank))
    ]
    text = _core_tree(fields).decode("utf-8")
    return tuple(re.split(r"plandocs-core-slot-\d", text))


def core_properties_xml(properties: DocProperties) -> bytes:
    """docProps/core.xml for ``properties``; created and modified are the given date.

    The values go between the pieces of the part serialised once, escaped as lxml escapes
    text (``&``, ``<``, ``>``; a carriage return, which it writes as a reference, is left to
    lxml itself): building and serialising a tree for every document cost a fifth of a
    unit plan's render.
    """
    fields = _core_fields(properties)
    if any("\r" in value for _, _, value in fields):
        return _core_tree(fields)
    pieces = _core_pieces()
    parts = [pieces[0]]
    for (_, _, value), after in zip(fields, pieces[1:], strict=True):
        parts += [value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"), after]
    return "".join(parts).encode("utf-8")
