"""Schema order of a table cell's properties, which Word and WPS insist on.

The engine re-sorts ``w:tcPr`` after fitting a table grid; ``tools/template_parts.py`` (the
template builder's helpers) uses the same order.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from itertools import pairwise

from docx.oxml.ns import qn
from lxml import etree

# ECMA-376 Part 1, §17.4.70 (CT_TcPr sequence).
TCPR_ORDER: tuple[str, ...] = (
    "w:cnfStyle", "w:tcW", "w:gridSpan", "w:hMerge", "w:vMerge", "w:tcBorders", "w:shd",
    "w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark",
    "w:headers", "w:cellIns", "w:cellDel", "w:cellMerge", "w:tcPrChange",
)  # fmt: skip


@cache
def _ranks(order: tuple[str, ...]) -> dict[str, int]:
    return {qn(name): index for index, name in enumerate(order)}


def sort_children(parent: etree._Element, order: Sequence[str]) -> None:
    """Reorder ``parent``'s children by schema ``order``; unknown children keep their place last."""
    rank = _ranks(tuple(order))
    last = len(rank)
    children = list(parent)
    keys = [rank.get(child.tag, last) for child in children]
    # Nearly every cell is already in order: moving its children again changes nothing.
    if all(a <= b for a, b in pairwise(keys)):
        return
    children.sort(key=lambda child: rank.get(child.tag, last))
    for child in children:
        parent.append(child)
