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
from generator.render.docx.tables import (
    GRID,
    Row,
    fix_cell_properties,
    grid_widths,
    row_needs,
    set_cell_widths,
    set_grid,
    table_rows,
)

# Parts smaller than this (characters) are fixed as one tree; tables smaller than
# TABLE_CHARACTERS stay in the part's tree.
PART_CHARACTERS = 4_000_000
TABLE_CHARACTERS = 200_000
# A big table without nested tables is parsed this many rows at a time, twice: once to
# measure its cells, once to give them their widths.
BATCH_ROWS = 500

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
        tables = [_fixed_table(head, (xml, start, end), tail, prefix, fix) for start, end in spans]
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


Span = tuple[str, int, int]  # a table: the rendered text it is in, where it starts, ends


def _fixed_table(
    head: str, table: Span, tail: str, prefix: str, fix: Callable[[etree._Element], None]
) -> bytes:
    """The table fixed and serialised: in batches of rows if it holds no other table."""
    xml, start, end = table
    if len(re.compile(rf"<{prefix}:tbl(?=[\s>/])").findall(xml, start, end)) == 1:
        batched = _fixed_in_batches(head, table, tail, prefix)
        if batched is not None:
            return batched
    return _inner(_parsed(head + xml[start:end] + tail), prefix, fix)


def _parsed(document: str) -> etree._Element:
    return etree.fromstring(document.encode("utf-8"), STRICT_PARSER)


def _inner(root: etree._Element, prefix: str, fix: Callable[[etree._Element], None]) -> bytes:
    """What stands in the body of a document alone in it, fixed and serialised: its bytes
    cut out of the document's (namespaces are declared where they were)."""
    fix(root)
    whole = etree.tostring(root, encoding="UTF-8")
    start = whole.index(b">", whole.index(f"<{prefix}:body".encode())) + 1
    return whole[start : whole.rindex(f"</{prefix}:body>".encode())]


def _fixed_in_batches(head: str, table: Span, tail: str, prefix: str) -> bytes | None:
    """``fit_table_grid`` and ``fix_cell_properties`` of a table without nested tables,
    never more than ``BATCH_ROWS`` rows of it parsed at once; None if its children are
    other than properties, grid and rows (then the caller parses it whole)."""
    xml, begin, finish = table
    starts = [m.start() for m in re.compile(rf"<{prefix}:tr(?=[\s>])").finditer(xml, begin, finish)]
    end = xml.rindex(f"</{prefix}:tbl>", begin, finish)
    if not starts:
        return None
    top, close = xml[begin : starts[0]], xml[end:finish]
    # (start, end) of each batch of rows in the text, sliced only when parsed
    batches = [
        (starts[n], starts[n + BATCH_ROWS] if n + BATCH_ROWS < len(starts) else end)
        for n in range(0, len(starts), BATCH_ROWS)
    ]
    frame = _parsed(head + top + close + tail)  # the table's properties and grid, no rows
    grid = frame.find(f".//{GRID}")
    measured = []
    for first, last in batches:
        rows = _rows_alone(_parsed(head + top + xml[first:last] + close + tail))
        if rows is None:
            return None
        measured += [row_needs(row) for row in rows]
        del rows  # else this batch's tree lives on while the next one is parsed
    if len(measured) != len(starts) or grid is None:
        return None
    widths = grid_widths(grid, measured)
    if widths is not None:
        set_grid(grid, widths)
    pieces = [_inner(frame, prefix, fix_cell_properties).removesuffix(close.encode())]
    for first, last in batches:
        root = _parsed(head + top + xml[first:last] + close + tail)
        for cells in _rows_alone(root) or []:
            if widths is not None:
                set_cell_widths(cells, widths)
        fix_cell_properties(root)
        whole = etree.tostring(root, encoding="UTF-8")
        row = re.search(rf"<{prefix}:tr[\s>]".encode(), whole)
        assert row is not None
        pieces.append(whole[row.start() : whole.rindex(close.encode())])
        del root, whole  # as above
    return b"".join([*pieces, close.encode()])


def _rows_alone(root: etree._Element) -> list[Row] | None:
    """The rows of the document's one table; None if the table holds anything else."""
    body = root.find(f"{{{_W}}}body")
    table = body[0] if body is not None and len(body) == 1 else None
    allowed = {f"{{{_W}}}{name}" for name in ("tblPr", "tblGrid", "tr")}
    if table is None or any(child.tag not in allowed for child in table):
        return None
    return table_rows(table)
