"""What a Word template holds, where a user finds it, and what it must never hold.

Templates are edited in Word by office staff, carelessly now and then, maliciously
perhaps once. This module knows, without any Jinja:

- **places** as a user counts them in Word: ``正文第 3 段``, ``正文表格 1 第 2 行第 3 列``,
  ``页脚（footer1.xml）第 1 段``, for every paragraph, table row and cell of a part;
- **dangerous content**, which every generated document would inherit: fields that
  fetch files or run programs when Word opens the document (DDE, DDEAUTO,
  INCLUDETEXT, INCLUDEPICTURE, IMPORT …), references to outside templates, objects,
  frames or pictures (``TargetMode="External"``), macros, ActiveX controls and
  embedded OLE objects. Hyperlinks to web addresses are fine;
- **unclosed Jinja tags**: a ``{{``/``{%`` that does not close in its own paragraph
  is a typo (``{{ x }``) or a tag Word split across paragraphs, which docxtpl would
  silently "repair" by merging the paragraphs.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from itertools import count
from urllib.parse import urlsplit

from lxml import etree

__all__ = [
    "CONTENT_TYPES_PART",
    "MAIN_PART",
    "Place",
    "TemplateIssue",
    "dangerous_content",
    "element_places",
    "paragraph_texts",
    "part_label",
    "tag_issues",
]

MAIN_PART = "word/document.xml"
CONTENT_TYPES_PART = "[Content_Types].xml"
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_O = "urn:schemas-microsoft-com:office:office"
_CT = "http://schemas.openxmlformats.org/package/2006/content-types"
_PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
TEXT_SHOWN = 60  # characters of a paragraph's text quoted in a message


def _w(name: str) -> str:
    return f"{{{_W}}}{name}"


W_P, W_TR, W_TC, W_TBL, W_T = _w("p"), _w("tr"), _w("tc"), _w("tbl"), _w("t")
PLACE_TAGS = (W_P, W_TR, W_TC)


@dataclass(frozen=True)
class TemplateIssue:
    """One problem of a template: where (as Word shows it), what, and how to fix it."""

    place: str
    message: str
    hint: str = ""
    excerpt: str = ""  # the start of the place's text, as a reminder of which one

    @property
    def where(self) -> str:
        return f"{self.place}（“{self.excerpt}”）" if self.excerpt else self.place

    def format(self) -> str:
        hint = f"（修改方法：{self.hint}）" if self.hint else ""
        return f"{self.where}：{self.message}{hint}" if self.where else f"{self.message}{hint}"


@dataclass(frozen=True)
class Place:
    """A paragraph, row or cell: its label and the start of its visible text."""

    label: str
    text: str

    def issue(self, message: str, hint: str = "") -> TemplateIssue:
        return TemplateIssue(self.label, message, hint, self.text)


# --- places ----------------------------------------------------------------------------------


def part_label(part: str) -> str:
    """``word/document.xml`` → 正文, ``word/footer1.xml`` → 页脚（footer1.xml）."""
    name = posixpath.basename(part)
    if part == MAIN_PART:
        return "正文"
    for prefix, label in (("header", "页眉"), ("footer", "页脚")):
        if name.startswith(prefix):
            return f"{label}（{name}）"
    named = {"footnotes.xml": "脚注", "endnotes.xml": "尾注", "comments.xml": "批注"}
    return named.get(name, part)


def _shorten(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= TEXT_SHOWN else f"{text[: TEXT_SHOWN - 1]}…"


def own_text(paragraph: etree._Element) -> str:
    """The paragraph's text, without that of paragraphs nested in it (text boxes)."""
    return "".join(
        t.text or "" for t in paragraph.iter(W_T) if next(t.iterancestors(W_P), None) is paragraph
    )


def _nearest(element: etree._Element, tags: tuple[str, ...]) -> etree._Element | None:
    return next(element.iterancestors(*tags), None)


class _Counter:
    """Numbers handed out per key (rows per table, cells per row), starting at 1."""

    def __init__(self) -> None:
        self._counters: dict[etree._Element | None, Iterator[int]] = {}

    def next(self, key: etree._Element | None) -> int:
        return next(self._counters.setdefault(key, count(1)))


def element_places(root: etree._Element, part: str) -> dict[etree._Element, Place]:
    """Every paragraph, row and cell of a part, in document order, with its place.

    Paragraphs outside tables are numbered in order; a paragraph in a cell is at
    that cell, one in a text box at its paragraph. Tables are numbered in order,
    nested ones included.
    """
    prefix = part_label(part)
    places: dict[etree._Element, Place] = {}
    tables: dict[etree._Element | None, int] = {}
    rows, cells, paragraphs = _Counter(), _Counter(), count(1)
    for element in root.iter(W_TBL, *PLACE_TAGS):
        if element.tag == W_TBL:
            tables[element] = len(tables) + 1
            continue
        if element.tag == W_P:
            container = _nearest(element, PLACE_TAGS)
            inside = places.get(container) if container is not None else None
            label = inside.label if inside else f"{prefix}第 {next(paragraphs)} 段"
            places[element] = Place(label, _shorten(own_text(element)))
            continue
        if element.tag == W_TR:
            table = _nearest(element, (W_TBL,))
            label = f"{prefix}表格 {tables.get(table, 0)} 第 {rows.next(table)} 行"
        else:
            row = _nearest(element, (W_TR,))
            outer = places.get(row) if row is not None else None
            label = f"{outer.label if outer else prefix}第 {cells.next(row)} 列"
        text = " ".join(own_text(p) for p in element.iter(W_P))
        places[element] = Place(label, _shorten(text))
    return places


def place_of(element: etree._Element, places: Mapping[etree._Element, Place], part: str) -> str:
    """The label of the paragraph, row or cell holding ``element`` (or the part's)."""
    for candidate in (element, *element.iterancestors(*PLACE_TAGS)):
        if candidate in places:
            return places[candidate].label
    return part_label(part)


def paragraph_texts(places: Mapping[etree._Element, Place]) -> Iterator[tuple[str, str]]:
    """(label, full text) of every paragraph, in document order."""
    for element, place in places.items():
        if element.tag == W_P:
            yield place.label, own_text(element)


# --- dangerous content -----------------------------------------------------------------------

FIELD_HINT = "在 Word 中按 Alt+F9 显示域代码，删除该域后再按 Alt+F9 切换回来并保存"
_RUNS_PROGRAMS = "Word 打开文档时会运行其他程序"
_READS_OUTSIDE = "Word 打开或更新文档时会读取外部文件或网址"
# Field codes that make Word fetch files or run programs (域代码名 → what it does).
FORBIDDEN_FIELDS = {
    "DDE": _RUNS_PROGRAMS,
    "DDEAUTO": _RUNS_PROGRAMS,
    "INCLUDE": _READS_OUTSIDE,
    "INCLUDETEXT": _READS_OUTSIDE,
    "INCLUDEPICTURE": _READS_OUTSIDE,
    "IMPORT": _READS_OUTSIDE,
    "LINK": _READS_OUTSIDE,
    "DATABASE": "Word 打开或更新文档时会连接外部数据库",
}
_OBJECT = "嵌入或链接的对象（OLE 对象或 ActiveX 控件），可能带有可执行内容"
_OBJECT_HINT = "删除该对象；需要的内容请改为文字、表格或图片"
FORBIDDEN_ELEMENTS = {
    _w("object"): _OBJECT,
    _w("control"): _OBJECT,
    f"{{{_O}}}OLEObject": _OBJECT,
    _w("altChunk"): "导入的外部文档块（altChunk），Word 打开时会把其中的内容（可能含对象）并入文档",
    _w("subDoc"): "子文档（主控文档），Word 打开时会读取另一个文件",
}
_MACRO = "宏（VBA 代码）或可调用宏的设置"
_MACRO_HINT = "在 Word 中另存为“Word 文档（*.docx）”（不启用宏）后再使用"
# Relationship types refused whether internal or external (the last part of Type).
FORBIDDEN_RELATIONSHIPS = {
    "vbaProject": _MACRO,
    "wordVbaData": _MACRO,
    "keyMapCustomizations": _MACRO,
    "attachedToolbars": _MACRO,
    "activeXControl": _OBJECT,
    "activeXControlBinary": _OBJECT,
    "control": _OBJECT,
    "oleObject": _OBJECT,
    "aFChunk": FORBIDDEN_ELEMENTS[_w("altChunk")],
    "subDocument": FORBIDDEN_ELEMENTS[_w("subDoc")],
}
_EXTERNAL_KINDS = {
    "attachedTemplate": "模板",
    "subDocument": "子文档",
    "oleObject": "对象",
    "frame": "网页框架",
    "image": "图片",
    "mailMergeSource": "邮件合并数据源",
}
_EXTERNAL_HINT = (
    "在 Word 的“开发工具 → 文档模板”中删除附加的模板、删除链接的对象或图片后保存；"
    "或把内容复制到新建的空白文档"
)
WEB_SCHEMES = ("http", "https", "mailto")
_MACRO_CONTENT_TYPES = (
    "macroenabled",
    "vbaproject",
    "vbadata",
    "activex",
    "oleobject",
    "keymapcustomizations",
    "attachedtoolbars",
)
_MACRO_FILES = (".docm", ".dotm", ".xlsm", ".xltm", ".xlsb", ".pptm")
_BINARY = "是宏（VBA 工程）、ActiveX 控件或 OLE 对象的二进制部件"


def _field_name(code: str) -> str:
    words = code.split()
    return words[0].strip("\\\"'").upper() if words else ""


@dataclass
class _OpenField:
    """A complex field (w:fldChar begin … end) whose code is being read from w:instrText."""

    start: etree._Element
    code: str = ""
    checked: bool = False


class _FieldScan:
    """Field codes of one part, including codes Word split over several runs."""

    def __init__(self, places: Mapping[etree._Element, Place], part: str) -> None:
        self.places, self.part = places, part
        self.issues: list[TemplateIssue] = []
        self.open: list[_OpenField] = []

    def run(self, root: etree._Element) -> list[TemplateIssue]:
        for element in root.iter(_w("fldSimple"), _w("fldChar"), _w("instrText")):
            if element.tag == _w("fldSimple"):
                self.check(element.get(_w("instr"), ""), element)
            elif element.tag == _w("instrText"):
                self.instruction(element)
            else:
                self.boundary(element, element.get(_w("fldCharType"), ""))
        for field in self.open:
            self.finish(field)
        return self.issues

    def instruction(self, element: etree._Element) -> None:
        if self.open:
            self.open[-1].code += element.text or ""
        else:
            self.check(element.text or "", element)

    def boundary(self, element: etree._Element, kind: str) -> None:
        if kind == "begin":
            if self.open and not self.open[-1].code.strip():
                # { {QUOTE 68 68 69} … } spells a field name with a nested field.
                self.issues.append(
                    TemplateIssue(
                        place_of(element, self.places, self.part),
                        "域代码以嵌套域开头，这种写法常用来隐藏 DDE 等危险域",
                        FIELD_HINT,
                    )
                )
            self.open.append(_OpenField(element))
        elif kind in ("separate", "end") and self.open:
            self.finish(self.open[-1])
            if kind == "end":
                self.open.pop()

    def finish(self, field: _OpenField) -> None:
        if not field.checked:
            field.checked = True
            self.check(field.code, field.start)

    def check(self, code: str, element: etree._Element) -> None:
        name = _field_name(code)
        if name in FORBIDDEN_FIELDS:
            self.issues.append(
                TemplateIssue(
                    place_of(element, self.places, self.part),
                    f"含有 {name} 域（“{_shorten(code)}”），{FORBIDDEN_FIELDS[name]}",
                    FIELD_HINT,
                )
            )


def _element_issues(
    root: etree._Element, places: Mapping[etree._Element, Place], part: str
) -> Iterator[TemplateIssue]:
    for element in root.iter(*FORBIDDEN_ELEMENTS):
        place = place_of(element, places, part)
        yield TemplateIssue(place, f"含有{FORBIDDEN_ELEMENTS[element.tag]}", _OBJECT_HINT)


def _relationship_issue(part: str, relation: etree._Element) -> TemplateIssue | None:
    kind = relation.get("Type", "").rsplit("/", 1)[-1]
    target = relation.get("Target", "")
    external = relation.get("TargetMode") == "External"
    place = f"{part}（关系 {relation.get('Id', '?')}）"
    if kind in FORBIDDEN_RELATIONSHIPS:
        hint = _MACRO_HINT if FORBIDDEN_RELATIONSHIPS[kind] == _MACRO else _OBJECT_HINT
        return TemplateIssue(place, f"含有{FORBIDDEN_RELATIONSHIPS[kind]}（{target}）", hint)
    if kind == "package" and not part.startswith("word/charts/"):
        return TemplateIssue(place, f"含有嵌入的文件（{target}）", _OBJECT_HINT)
    if not external:
        return None
    if kind == "hyperlink":
        scheme = urlsplit(target).scheme.lower()
        if not scheme or scheme in WEB_SCHEMES:
            return None
        return TemplateIssue(
            place, f"超链接指向 {scheme}: 地址（{_shorten(target)}），不是网址", "请删除该超链接"
        )
    what = _EXTERNAL_KINDS.get(kind, f"资源（{kind}）")
    message = f"引用了外部的{what}：{_shorten(target)}；Word 打开文档时会去读取它"
    return TemplateIssue(place, message, _EXTERNAL_HINT)


def _relationship_issues(roots: Mapping[str, etree._Element]) -> Iterator[TemplateIssue]:
    for part, root in roots.items():
        if part.endswith(".rels"):
            for relation in root.iter(f"{{{_PACKAGE_RELS}}}Relationship"):
                issue = _relationship_issue(part, relation)
                if issue is not None:
                    yield issue


def _content_type_issues(root: etree._Element | None) -> Iterator[TemplateIssue]:
    if root is None:
        return
    for declared in root.iter(f"{{{_CT}}}Default", f"{{{_CT}}}Override"):
        content_type = declared.get("ContentType", "")
        if any(word in content_type.lower() for word in _MACRO_CONTENT_TYPES):
            what = declared.get("PartName") or f"*.{declared.get('Extension', '')}"
            yield TemplateIssue(
                CONTENT_TYPES_PART,
                f"声明了启用宏或嵌入对象的内容类型 {content_type}（{what}）",
                _MACRO_HINT,
            )


def _member_issues(names: Iterable[str]) -> Iterator[TemplateIssue]:
    for name in names:
        lower = name.lower()
        if lower.endswith(".bin") or lower.endswith(_MACRO_FILES):
            yield TemplateIssue(name, _BINARY, _MACRO_HINT)
        elif lower.startswith(("word/activex/", "word/embeddings/")) and not lower.endswith(
            ".xlsx"
        ):
            yield TemplateIssue(name, f"含有{_OBJECT}", _OBJECT_HINT)


def dangerous_content(
    roots: Mapping[str, etree._Element], names: Iterable[str]
) -> list[TemplateIssue]:
    """Everything in the package that fetches, runs or embeds something (each once)."""
    issues: list[TemplateIssue] = [
        *_content_type_issues(roots.get(CONTENT_TYPES_PART)),
        *_member_issues(names),
        *_relationship_issues(roots),
    ]
    for part, root in roots.items():
        if part.startswith("word/") and part.endswith(".xml"):
            places = element_places(root, part)
            issues += _FieldScan(places, part).run(root)
            issues += _element_issues(root, places, part)
    return list(dict.fromkeys(issues))


# --- unclosed Jinja tags ---------------------------------------------------------------------

_DELIMITER = re.compile(r"\{\{|\{%|\{#|\}\}|%\}|#\}")
_CLOSER = {"{{": "}}", "{%": "%}", "{#": "#}"}
TAG_HINT = (
    "请在同一段内补全标记，例如 {{ title }}、{%p if addressee %}；"
    "如果标记被 Word 拆到了两段或表格的两格，请删掉后在一段内重新输入"
)


def _unclosed(place: str, text: str, start: int) -> TemplateIssue:
    opener = text[start : start + 2]
    excerpt = _shorten(text[start:])
    return TemplateIssue(
        place, f"标记“{excerpt}”在本段内没有结束（缺少“{_CLOSER[opener]}”）", TAG_HINT
    )


def _stray(place: str, text: str, start: int) -> TemplateIssue:
    closer = text[start : start + 2]
    opener = next(o for o, c in _CLOSER.items() if c == closer)
    excerpt = _shorten(text[max(start - 20, 0) : start + 2])
    return TemplateIssue(place, f"“{excerpt}”中的“{closer}”前面没有对应的“{opener}”", TAG_HINT)


def tag_issues(paragraphs: Iterable[tuple[str, str]]) -> list[TemplateIssue]:
    """Tags that do not close in their own paragraph, and closers without an opener.

    ``paragraphs`` are (place, text) in document order. A comment ``{# … #}`` may
    span paragraphs (docxtpl removes what it encloses); other tags may not.
    """
    issues: list[TemplateIssue] = []
    comment: tuple[str, str, int] | None = None
    for place, text in paragraphs:
        opened: int | None = None
        for found in _DELIMITER.finditer(text):
            token = found.group()
            if comment is not None:
                comment = None if token == "#}" else comment
            elif opened is not None and token == _CLOSER[text[opened : opened + 2]]:
                opened = None
            elif token in _CLOSER:
                if opened is not None:
                    issues.append(_unclosed(place, text, opened))
                opened = found.start()
                if token == "{#":
                    comment, opened = (place, text, found.start()), None
            elif opened is None:
                issues.append(_stray(place, text, found.start()))
        if opened is not None:
            issues.append(_unclosed(place, text, opened))
    if comment is not None:
        issues.append(_unclosed(*comment))
    return issues
