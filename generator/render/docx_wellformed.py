"""Proving once, from a template part's syntax tree, that it always renders well-formed XML.

Checking every rendered part with a full parse was a fifth of a render's cost. For
most templates the check can be done once instead: what a render prints is the
template's text, escaped values (no ``<``, no ``>``, only ``&amp;``-style references,
no character XML cannot hold -- ``_finalize`` sees to that) and, for each ``for`` or
``if``, zero or more copies of one of its bodies. So if

- every body of every block is well-formed content on its own (the part root's
  namespace prefixes in scope),
- the part, with each value and each block standing in as an empty element, is a
  well-formed document -- so values and blocks sit where content may, inside the
  root, never in a tag, an attribute or outside the root,
- and no template text holds a comment, processing instruction or CDATA section
  (where a value could end them or ``--`` would be wrong), starts with ``>`` or holds
  ``]]`` or ``]>`` (which, next to a value or another body, could form ``]]>``),

then every render is a well-formed document as long as it printed no ``Markup``
(a picture, ``|safe``) -- the engine checks those renders in full. A template using
anything else (macros, ``call``, ``filter``, ``set`` blocks, ``autoescape``, ``with``)
is simply not proven and is checked at every render.

docxtpl's post-processing keeps this: removing a newline before ``<w:p`` or turning
``{_{`` into ``{{`` changes only text. ``resolve_listing`` rewrites whole
paragraphs; ``sound_rewrite`` checks each rewritten one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from jinja2 import Environment, nodes
from jinja2.exceptions import TemplateSyntaxError
from lxml import etree
from markupsafe import escape

__all__ = ["Proof", "fragment_tag", "prove", "sound_rewrite"]

_VALUE = "<plandocs-value/>"
_BLOCK = "<plandocs-block/>"
_FRAGMENT = "plandocs-fragment"
# Only these print anything; an expression prints only through Output.
_STATEMENTS = (nodes.Output, nodes.For, nodes.If, nodes.Assign)
_NOT_IN_TEXT = ("<!", "<?", "]]", "]>")
_STRICT_PARSER = etree.XMLParser(recover=False, resolve_entities=False, no_network=True)


def fragment_tag(namespaces: Mapping[str | None, str]) -> str:
    """The start tag of a wrapper binding the part root's prefixes, to parse content in."""
    declarations = "".join(
        f' xmlns{":" + prefix if prefix else ""}="{escape(uri)}"'
        for prefix, uri in namespaces.items()
    )
    return f"<{_FRAGMENT}{declarations}>"


def _parses(xml: str) -> bool:
    try:
        etree.fromstring(xml.encode("utf-8"), _STRICT_PARSER)
    except (etree.XMLSyntaxError, ValueError):
        return False
    return True


def _content(tag: str, xml: str) -> bool:
    return _parses(f"{tag}{xml}</{_FRAGMENT}>")


@dataclass(frozen=True)
class Proof:
    """What a template part prints, each value and block standing in as an empty
    element: its top level and, apart, the bodies of its blocks."""

    document: str
    bodies: tuple[str, ...]


def prove(
    environment: Environment, source: str, namespaces: Mapping[str | None, str]
) -> Proof | None:
    """The proof that every render of ``source`` printing no Markup is well-formed XML,
    or None if there is none."""
    try:
        body = environment.parse(source).body
    except TemplateSyntaxError:
        return None
    bodies: list[str] = []
    document = _skeleton(body, bodies)
    if document is None or not _parses(document):
        return None
    tag = fragment_tag(namespaces)
    if not all(_content(tag, inner) for inner in bodies):
        return None
    return Proof(document, tuple(bodies))


def _skeleton(body: list[nodes.Node], bodies: list[str]) -> str | None:
    """``body`` with values and blocks as empty elements; each block's bodies are added
    to ``bodies``. None if ``body`` holds anything not covered by the proof."""
    pieces: list[str] = []
    for node in body:
        if not isinstance(node, _STATEMENTS):
            return None
        if isinstance(node, nodes.Output):
            for child in node.nodes:
                if not isinstance(child, nodes.TemplateData):
                    pieces.append(_VALUE)
                elif _plain(child.data):
                    pieces.append(child.data)
                else:
                    return None
        elif isinstance(node, nodes.For | nodes.If):
            for branch in _branches(node):
                inner = _skeleton(branch, bodies)
                if inner is None:
                    return None
                bodies.append(inner)
            pieces.append(_BLOCK)
    return "".join(pieces)


def _plain(text: str) -> bool:
    return not text.startswith(">") and not any(mark in text for mark in _NOT_IN_TEXT)


def _branches(node: nodes.For | nodes.If) -> Iterator[list[nodes.Node]]:
    yield node.body
    if isinstance(node, nodes.If):
        for branch in node.elif_:
            yield branch.body
    yield node.else_


def sound_rewrite(
    tag: str, original: str, rewritten: str, paragraph_start: re.Pattern[str]
) -> bool:
    """Whether replacing ``original`` by ``rewritten`` in a well-formed part leaves it
    well-formed: ``original`` is one whole paragraph (its start tag is not an empty
    element's and no other ``paragraph_start`` follows) and ``rewritten`` is
    well-formed content."""
    first = original.find(">")
    whole = original[first - 1] != "/" and paragraph_start.search(original, first) is None
    return whole and _content(tag, rewritten)
