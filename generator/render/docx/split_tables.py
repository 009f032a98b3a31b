"""A rendered part of many megabytes fixed table by table, not as one tree.

A document with attachment tables of thousands of rows renders to tens of megabytes of
XML; as one lxml tree it took several times that in memory. Here each big table of the
body is cut out of the rendered text, parsed, fixed and serialised on its own -- inside
a copy of the document's own start tags, so it serialises to the bytes it would have in
the whole tree -- and the rest of the part, a placeholder where each table was, is fixed
as one small tree. The bytes are those of the whole-tree way; anything unexpected (a
table not directly in the body, one holding a drawing or a section, XML that does not
parse) makes ``split_part`` give up, and the caller takes the whole-tree way.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from lxml import etree

from generator.render.docx.package import STRICT_PARSER

# Parts smaller than this (characters) are fixed as one tree; tables smaller than
# TABLE_CHARACTERS stay in the part's tree.
PART_CHARACTERS = 4_000_000
TABLE_CHARACTERS = 200_000

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
# What only a whole tree may fix or check (drawings numbered, sections, xml:id).
_WHOLE_TREE_ONLY = ("docPr", "sectPr", "xml:id")


@dataclass
class SplitPart:
    """A part's tree with a placeholder for each table, and the tables' serialised bytes."""

    root: etree._Element
    tables: list[bytes]
    placeholder: bytes

    def serialised(self) -> bytes:
        whole = etree.tostring(self.root, xml_declaration=True, encoding="UTF-8", standalone=True)
        pieces = whole.split(self.placeholder)
        if len(pieces) != len(self.tables) + 1:  # pragma: no cover - checked when split
            raise ValueError("表格占位符数目不符")
        chunks = [pieces[0]]
        for table, piece in zip(self.tables, pieces[1:], strict=True):
            chunks += [table, piece]
        return b"".join(chunks)


def split_part(
    xml: str, namespaces: dict[str | None, str], fix: Callable[[etree._Element], None]
) -> SplitPart | None:
    """The part fixed table by table (``fix`` applied to every tree), or None."""
    prefix = next((p for p, uri in namespaces.items() if uri == _W and p), None)
    if prefix is None or len(xml) < PART_CHARACTERS:
        return None
    body = re.search(rf"<{prefix}:body(?=[\s>])[^>]*>", xml)
    spans = [
        (start, end)
        for start, end in _table_spans(xml, prefix)
        if end - start >= TABLE_CHARACTERS
        and not any(name in xml[start:end] for name in _WHOLE_TREE_ONLY)
    ]
    if body is None or not spans:
        return None
    placeholder = f"<{prefix}:tbl/>"
    head, tail = xml[: body.end()], xml[xml.rindex(f"</{prefix}:body>") :]
    rest, last = [], 0
    for start, end in spans:
        rest += [xml[last:start], placeholder]
        last = end
    rest.append(xml[last:])
    try:
        root = etree.fromstring("".join(rest).encode("utf-8"), STRICT_PARSER)
        if not _placeholders_in_body(root, len(spans)):
            return None
        fix(root)
        tables = [_fixed_table(head + xml[start:end] + tail, prefix, fix) for start, end in spans]
    except (etree.XMLSyntaxError, ValueError):
        return None
    return SplitPart(root, tables, placeholder.encode())


def _table_spans(xml: str, prefix: str) -> list[tuple[int, int]]:
    """(start, end) of each outermost table of the rendered text; [] if they do not nest."""
    spans, depth, start = [], 0, 0
    for found in re.finditer(rf"<(/?){prefix}:tbl(?=[\s>/])", xml):
        close = xml.find(">", found.end())
        if close < 0 or xml[close - 1] == "/":
            return []  # an empty <w:tbl/>: it could be taken for a placeholder
        if not found.group(1):
            start = found.start() if depth == 0 else start
            depth += 1
            continue
        depth -= 1
        if depth < 0:
            return []
        if depth == 0:
            spans.append((start, close + 1))
    return spans if depth == 0 else []


def _placeholders_in_body(root: etree._Element, count: int) -> bool:
    """Whether the ``count`` placeholders, and no other empty table, stand in the body."""
    table, body = f"{{{_W}}}tbl", root.find(f"{{{_W}}}body")
    if body is None:
        return False
    in_body = [child for child in body if child.tag == table and len(child) == 0]
    empty = [element for element in root.iter(table) if len(element) == 0]
    return len(in_body) == len(empty) == count


def _fixed_table(document: str, prefix: str, fix: Callable[[etree._Element], None]) -> bytes:
    """The table alone in a copy of the document's start tags, fixed and serialised; its
    bytes cut out of the document's (namespaces are declared where they were)."""
    root = etree.fromstring(document.encode("utf-8"), STRICT_PARSER)
    fix(root)
    whole = etree.tostring(root, encoding="UTF-8")
    start = whole.index(b">", whole.index(f"<{prefix}:body".encode())) + 1
    return whole[start : whole.rindex(f"</{prefix}:body>".encode())]
