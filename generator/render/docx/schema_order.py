"""Schema order of a table cell's properties, which Word and WPS insist on.

The engine re-sorts ``w:tcPr`` after fitting a table grid; ``tools/template_parts.py`` (the
template builder's helpers) uses the same order.
"""

from __future__ import annotations

from collections.abc import Sequence

from docx.oxml.ns import qn
from lxml import etree

# ECMA-376 Part 1, §17.4.70 (CT_TcPr sequence).
TCPR_ORDER: tuple[str, ...] = (
    "w:cnfStyle", "w:tcW", "w:gridSpan", "w:hMerge", "w:vMerge", "w:tcBorders", "w:shd",
    "w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark",
    "w:headers", "w:cellIns", "w:cellDel", "w:cellMerge", "w:tcPrChange",
)  # fmt: skip


def sort_children(parent: etree._Element, order: Sequence[str]) -> None:
    """Reorder ``parent``'s children by schema ``order``; unknown children keep their place last."""
    rank = {qn(name): index for index, name in enumerate(order)}
    children = list(parent)
    children.sort(key=lambda child: rank.get(child.tag, len(rank)))
    for child in children:
        parent.append(child)
