"""Rendering without a tree: the checks that let a rendered part be written as it is,
without parsing it into lxml and serialising it again."""

from __future__ import annotations

import re
from collections.abc import Iterator

from generator.render.docx_wellformed import Proof

LISTING_TEXT = re.compile(r"<w:t(?: [^>]*)?>[^<]*[\n\t\a\f]")

PARAGRAPH_START = re.compile(r"<w:p(?: [^>]*)?>")

_PARAGRAPH_END = "</w:p>"

# zlib level for rendered parts: 3 is about as fast as 1 and its output within a tenth
# of 6's size; 6 takes several times as long.
RENDERED_LEVEL = 3

# What lxml writes before a part it serialises, so both ways of rendering begin alike.
XML_DECLARATION = b"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"

# An end tag up to the local name: ``</`` and an optional prefix.
_END_TAG = re.compile(rb"</(?:[^\s<>/:]+:)?")


def join_paragraphs(xml: str) -> str:
    """docxtpl's ``re.sub(r"\\n<w:p([ >])", r"<w:p\\1", xml)``. Usually every ``\\n<w:p``
    is one (docxtpl put it there); then one replace does it."""
    # Counted rather than split: a list of every paragraph's text would double the memory
    # a big part takes (the join of the split is the same text as this replace).
    if xml.count("\n<w:p") == xml.count("\n<w:p ") + xml.count("\n<w:p>"):
        return xml.replace("\n<w:p", "<w:p")
    return xml.replace("\n<w:p ", "<w:p ").replace("\n<w:p>", "<w:p>")


def listing_starts(xml: str) -> list[int]:
    """Where each ``LISTING_TEXT`` match of ``xml`` starts, ascending. The characters it
    ends with are rare, so they are looked for first: a match is the text element whose
    start tag is the last ``<`` before one of them."""
    starts: set[int] = set()
    for character in "\n\t\a\f":
        at = xml.find(character)
        while at >= 0:
            tag = xml.rfind("<", 0, at)
            if tag >= 0 and LISTING_TEXT.match(xml, tag):
                starts.add(tag)
            at = xml.find(character, at + 1)
    return sorted(starts)


def paragraph_spans(xml: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each match of docxtpl's ``<w:p(?: [^>]*)?>.*?</w:p>`` (DOTALL), in
    order: a paragraph runs from its start tag to the first ``</w:p>`` after it. Found
    with ``str.find``, which is many times faster than that lazy pattern."""
    found = PARAGRAPH_START.search(xml)
    while found is not None:
        end = xml.find(_PARAGRAPH_END, found.end())
        if end < 0:
            return
        end += len(_PARAGRAPH_END)
        yield found.start(), end
        found = PARAGRAPH_START.search(xml, end)


def _start_tags(data: bytes, local_name: bytes) -> int:
    """At most how many elements named ``local_name`` (any prefix) ``data`` holds: every
    mention that is not an end tag counts."""
    count, at = 0, data.find(local_name)
    while at >= 0:
        if not _END_TAG.fullmatch(data, max(data.rfind(b"<", 0, at), 0), at):
            count += 1
        at = data.find(local_name, at + 1)
    return count


def needs_tree(data: bytes) -> bool:
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


def never_tree(proof: Proof) -> bool:
    """Whether no render of a proven part that prints no Markup needs a tree. Its
    elements and attributes are then the template's and the runs, texts and breaks
    resolve_listing adds, with copies of run properties; so it is enough that the
    template has nothing ``needs_tree`` looks for, and at most one section, printed
    once (not in a block) and not in a paragraph (whose properties could be copied)."""
    document, bodies = proof.document.encode(), "".join(proof.bodies).encode()
    section = document.find(b"sectPr")
    return (
        not needs_tree(document + bodies)
        and b"sectPr" not in bodies
        and b"</w:p>" not in document[section:]
    )
