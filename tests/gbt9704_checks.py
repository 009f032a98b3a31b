"""Check a .docx against the GB/T 9704-2012 numbers (checks 1-7 of gbt9704.md).

With an issuing notice (印发通知) it also checks the 版头 (发文机关标志, 发文字号, the red
rule) and the 版记, which plandocs sets in the footers of a last page of its own.

``check_gbt9704(docx)`` returns a list of failures (empty = pass), each a Chinese
sentence naming the element and the number it should have; ``assert_gbt9704``
raises ``AssertionError`` listing them all. Properties are resolved the way Word
resolves them: direct formatting, then the character style chain, then the
paragraph style chain (``basedOn``), then ``docDefaults``. A form (推荐表, see
``is_form``) is checked like a 公文 but needs no 成文日期: its seals sit in its table.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import docx
from docx.document import Document
from docx.oxml.ns import qn
from lxml import etree

from generator.render import gbt9704 as g

Element = etree._Element
Source = bytes | str | os.PathLike[str]

TRUE_VALUES = frozenset({None, "1", "true", "on"})
BODY_LINES = frozenset({g.LINE_PITCH, g.LINE_PITCH_ALTERNATIVE})
NEW_PAGE_STARTS = frozenset({None, "nextPage", "oddPage", "evenPage"})
A4 = (g.PAGE_WIDTH, g.PAGE_HEIGHT)
PAGE_SIZE_TOLERANCE = 20
INDENT_TOLERANCE = 10
PORTRAIT_MARGINS = {
    "top": g.MARGIN_TOP,
    "right": g.MARGIN_RIGHT,
    "bottom": g.MARGIN_BOTTOM,
    "left": g.MARGIN_LEFT,
}
LANDSCAPE_MARGINS = {
    "top": g.LANDSCAPE_MARGIN_TOP,
    "right": g.LANDSCAPE_MARGIN_RIGHT,
    "bottom": g.LANDSCAPE_MARGIN_BOTTOM,
    "left": g.LANDSCAPE_MARGIN_LEFT,
}
# (east Asian font, size in half-points) every text run of a paragraph style must have.
STYLE_FONTS: dict[str, tuple[str, int]] = {
    g.STYLE_TITLE: (g.FONT_XIAOBIAOSONG, g.SIZE_ERHAO),
    g.STYLE_ATTACHMENT_TITLE: (g.FONT_XIAOBIAOSONG, g.SIZE_ERHAO),
    g.STYLE_HEADING_1: (g.FONT_HEITI, g.SIZE_SANHAO),
    g.STYLE_ATTACHMENT_LABEL: (g.FONT_HEITI, g.SIZE_SANHAO),
    g.STYLE_BODY: (g.FONT_FANGSONG, g.SIZE_SANHAO),
    g.STYLE_ADDRESSEE: (g.FONT_FANGSONG, g.SIZE_SANHAO),
    g.STYLE_ATTACHMENT_NOTE: (g.FONT_FANGSONG, g.SIZE_SANHAO),
    g.STYLE_SIGNATURE: (g.FONT_FANGSONG, g.SIZE_SANHAO),
    g.STYLE_DATE: (g.FONT_FANGSONG, g.SIZE_SANHAO),
    g.STYLE_CHART: (g.FONT_FANGSONG, g.SIZE_SANHAO),  # its run holds a picture, no text
    g.STYLE_CHART_CAPTION: (g.FONT_FANGSONG, g.SIZE_SIHAO),
    g.STYLE_FORM_NUMBER: (g.FONT_FANGSONG, g.SIZE_SIHAO),  # 编号：N03 above a form
    g.STYLE_AUTHORITY: (g.FONT_XIAOBIAOSONG, g.AUTHORITY_SIZE),
    g.STYLE_DOC_NUMBER: (g.FONT_FANGSONG, g.SIZE_SANHAO),
    g.STYLE_REMARK: (g.FONT_FANGSONG, g.SIZE_SANHAO),
}
RECORD_FONT = (g.FONT_FANGSONG, g.SIZE_SIHAO)
MM_PER_EIGHTH_POINT = 25.4 / 72 / 8
RULE_TOLERANCE_MM = 0.05
RECORD_RULES_MM = {"thick": 0.35, "thin": 0.25}
NO_LINE = frozenset({None, "nil", "none"})
# Table paragraphs in 黑体 outside a header row: the label cells of a form.
TABLE_LABEL_STYLES = frozenset({g.STYLE_FORM_LABEL})
# The one exception to exact line spacing: a picture paragraph (style 图表, a drawing
# and no text) has single spacing, since an exact line would clip the picture.
PICTURE_LINE = ("auto", 240)
HEADING_2_FONT = (g.FONT_KAITI, g.SIZE_SANHAO)
NUMERAL = f"[{g.CHINESE_NUMERALS}]+"
# Wrong numbering forms at the start of a paragraph, with what is wrong about them.
WRONG_NUMBERS: tuple[tuple[str, str], ...] = (
    (r"\d+、", "三级标题应写作“1.”，不能用“1、”"),
    (r"\d+．", "三级标题的点应为半角“.”"),
    (rf"（{NUMERAL}）、", "二级标题“（一）”后不加“、”"),
    (rf"\({NUMERAL}\)", "二级标题应使用全角括号“（一）”"),
    (r"（\d+）、", "四级标题“（1）”后不加“、”"),
    (r"\(\d+\)", "四级标题应使用全角括号“（1）”"),
)
_PAGE_FIELD = re.compile(r"^\s*PAGE\b")


# --- reading the document -----------------------------------------------------------------


@dataclass
class Paragraph:
    """A body paragraph (not in a table) with the section it belongs to."""

    element: Element
    section: int
    starts_section: bool


@dataclass
class DocxView:
    """A loaded document with Word's property inheritance made explicit."""

    document: Document
    styles: dict[str, Element] = field(default_factory=dict)
    default_paragraph_style: str = ""
    default_ppr: Element | None = None
    default_rpr: Element | None = None

    @classmethod
    def load(cls, source: Source) -> DocxView:
        stream = io.BytesIO(source) if isinstance(source, bytes) else Path(source)
        view = cls(docx.Document(stream))
        root = view.document.styles.element
        for style in root.findall(qn("w:style")):
            view.styles[style.get(qn("w:styleId"))] = style
            if style.get(qn("w:type")) == "paragraph" and style.get(qn("w:default")) in (
                "1",
                "true",
            ):
                view.default_paragraph_style = style.get(qn("w:styleId"))
        defaults = root.find(qn("w:docDefaults"))
        if defaults is not None:
            view.default_ppr = defaults.find(f"{qn('w:pPrDefault')}/{qn('w:pPr')}")
            view.default_rpr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
        return view

    # styles

    def style_chain(self, style_id: str | None) -> list[Element]:
        chain: list[Element] = []
        while style_id and style_id in self.styles and len(chain) < 20:
            style = self.styles[style_id]
            chain.append(style)
            based_on = style.find(qn("w:basedOn"))
            style_id = based_on.get(qn("w:val")) if based_on is not None else None
        return chain

    def style_name(self, style_id: str | None) -> str:
        style = self.styles.get(style_id or "")
        name = style.find(qn("w:name")) if style is not None else None
        return name.get(qn("w:val")) if name is not None else ""

    def paragraph_style(self, p: Element) -> str:
        style = p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
        return style.get(qn("w:val")) if style is not None else self.default_paragraph_style

    def paragraph_style_name(self, p: Element) -> str:
        return self.style_name(self.paragraph_style(p))

    def run_style(self, r: Element) -> str | None:
        style = r.find(f"{qn('w:rPr')}/{qn('w:rStyle')}")
        return style.get(qn("w:val")) if style is not None else None

    # effective properties

    def ppr_chain(self, p: Element) -> list[Element | None]:
        chain = [p.find(qn("w:pPr"))]
        chain += [s.find(qn("w:pPr")) for s in self.style_chain(self.paragraph_style(p))]
        return [*chain, self.default_ppr]

    def rpr_chain(self, r: Element, p: Element) -> list[Element | None]:
        chain = [r.find(qn("w:rPr"))]
        chain += [s.find(qn("w:rPr")) for s in self.style_chain(self.run_style(r))]
        chain += [s.find(qn("w:rPr")) for s in self.style_chain(self.paragraph_style(p))]
        return [*chain, self.default_rpr]

    def paragraph_value(self, p: Element, child: str, attr: str) -> str | None:
        return first_value(self.ppr_chain(p), child, attr)

    def paragraph_flag(self, p: Element, child: str) -> bool:
        """An on/off paragraph property such as ``w:keepNext``; bare element means on."""
        for ppr in self.ppr_chain(p):
            element = ppr.find(qn(child)) if ppr is not None else None
            if element is not None:
                return element.get(qn("w:val")) in TRUE_VALUES
        return False

    def run_value(self, r: Element, p: Element, child: str, attr: str = "val") -> str | None:
        return first_value(self.rpr_chain(r, p), child, attr)

    def east_asian_font(self, r: Element, p: Element) -> str | None:
        """The font Word uses for Chinese text in ``r``; a theme reference wins over a name."""
        for rpr in self.rpr_chain(r, p):
            fonts = rpr.find(qn("w:rFonts")) if rpr is not None else None
            if fonts is None:
                continue
            theme = fonts.get(qn("w:eastAsiaTheme"))
            if theme:
                return f"主题字体 {theme}"
            if fonts.get(qn("w:eastAsia")):
                return fonts.get(qn("w:eastAsia"))
        return None

    def is_bold(self, r: Element, p: Element) -> bool:
        for rpr in self.rpr_chain(r, p):
            bold = rpr.find(qn("w:b")) if rpr is not None else None
            if bold is not None:
                return bold.get(qn("w:val")) in TRUE_VALUES
        return False

    def size(self, r: Element, p: Element) -> int | None:
        value = self.run_value(r, p, "w:sz")
        return int(value) if value is not None else None

    # structure

    def body_paragraphs(self) -> list[Paragraph]:
        """Paragraphs directly in the body, each tagged with its section number."""
        found: list[Paragraph] = []
        section, starts = 0, True
        for child in self.document.element.body:
            if child.tag == qn("w:tbl"):
                starts = False
            if child.tag != qn("w:p"):
                continue
            found.append(Paragraph(child, section, starts))
            starts = False
            if child.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") is not None:
                section, starts = section + 1, True
        return found

    def section_properties(self) -> list[Element]:
        body = self.document.element.body
        closing = body.findall(f"{qn('w:p')}/{qn('w:pPr')}/{qn('w:sectPr')}")
        final = body.find(qn("w:sectPr"))
        return [*closing, *([final] if final is not None else [])]

    def tables(self) -> list[Element]:
        return self.document.element.body.findall(qn("w:tbl"))

    def part_element(self, rid: str) -> Element:
        return self.document.part.related_parts[rid].element


def first_value(chain: Sequence[Element | None], child: str, attr: str) -> str | None:
    for props in chain:
        element = props.find(qn(child)) if props is not None else None
        if element is not None and element.get(qn(f"w:{attr}")) is not None:
            return element.get(qn(f"w:{attr}"))
    return None


def run_text(r: Element) -> str:
    parts = []
    for node in r:
        if node.tag == qn("w:t"):
            parts.append(node.text or "")
        elif node.tag in (qn("w:br"), qn("w:cr")):
            parts.append("\n")
        elif node.tag == qn("w:tab"):
            parts.append("\t")
    return "".join(parts)


def runs(p: Element) -> list[Element]:
    return list(p.iter(qn("w:r")))


def paragraph_text(p: Element) -> str:
    return "".join(run_text(r) for r in runs(p))


def twips(value: str | None) -> int:
    return int(float(value)) if value is not None else 0


def text_width(text: str, char_width: int = g.CHAR_WIDTH_SANHAO) -> int:
    """Estimated width: half a character for ASCII, a full one for everything else."""
    return sum(char_width // 2 if ord(ch) < 0x2000 else char_width for ch in text)


# --- 1. page size and margins -------------------------------------------------------------


def check_page_setup(view: DocxView) -> list[str]:
    failures: list[str] = []
    for number, sect_pr in enumerate(view.section_properties(), start=1):
        size = sect_pr.find(qn("w:pgSz"))
        width, height = twips(size.get(qn("w:w"))), twips(size.get(qn("w:h")))
        landscape = width > height
        expected = (A4[1], A4[0]) if landscape else A4
        if any(
            abs(a - b) > PAGE_SIZE_TOLERANCE for a, b in zip((width, height), expected, strict=True)
        ):
            failures.append(
                f"第 {number} 节纸张为 {width}×{height}，应为 A4 {expected[0]}×{expected[1]}"
            )
        margins = LANDSCAPE_MARGINS if landscape else PORTRAIT_MARGINS
        page_margins = sect_pr.find(qn("w:pgMar"))
        for side, want in margins.items():
            have = twips(page_margins.get(qn(f"w:{side}")))
            if abs(have - want) > g.MARGIN_TOLERANCE:
                failures.append(f"第 {number} 节 {side} 页边距为 {have}，应为 {want}（±1 mm）")
    return failures


# --- 2. document grid, line spacing, characters per line ----------------------------------


def check_doc_grid(view: DocxView) -> list[str]:
    failures: list[str] = []
    for number, sect_pr in enumerate(view.section_properties(), start=1):
        grid = sect_pr.find(qn("w:docGrid"))
        kind = grid.get(qn("w:type")) if grid is not None else None
        pitch = twips(grid.get(qn("w:linePitch"))) if grid is not None else 0
        if kind != "lines" or pitch not in BODY_LINES:
            failures.append(f"第 {number} 节文档网格为 {kind}/{pitch}，应为 lines/{g.LINE_PITCH}")
    return failures


def is_picture_paragraph(view: DocxView, p: Element) -> bool:
    """A paragraph of style 图表 that holds a drawing and no text."""
    return (
        view.paragraph_style_name(p) == g.STYLE_CHART
        and p.find(f".//{qn('w:drawing')}") is not None
        and not paragraph_text(p).strip()
    )


def is_table_end_paragraph(view: DocxView, p: Element) -> bool:
    """The empty paragraph Word requires after a table, 1 pt high in style 表后段落.

    A form fills its page; a full 579 line after it would spill onto a blank page.
    """
    previous = p.getprevious()
    return (
        view.paragraph_style_name(p) == g.STYLE_TABLE_END
        and previous is not None
        and previous.tag == qn("w:tbl")
        and not runs(p)
    )


def check_line_spacing(view: DocxView) -> list[str]:
    failures: list[str] = []
    for paragraph in view.body_paragraphs():
        p = paragraph.element
        if is_table_end_paragraph(view, p):
            continue
        line = view.paragraph_value(p, "w:spacing", "line")
        rule = view.paragraph_value(p, "w:spacing", "lineRule")
        before = twips(view.paragraph_value(p, "w:spacing", "before"))
        after = twips(view.paragraph_value(p, "w:spacing", "after"))
        wanted_before = 0
        if is_picture_paragraph(view, p):
            right, wanted = (rule or "auto", twips(line)) == PICTURE_LINE, "单倍行距"
        elif view.paragraph_style_name(p) == g.STYLE_AUTHORITY:
            # 发文机关标志: its own line for the large type, 35 mm below the 版心 top.
            right = rule == "exact" and twips(line) == g.AUTHORITY_LINE
            wanted, wanted_before = f"固定值 {g.AUTHORITY_LINE}", g.AUTHORITY_SPACE_BEFORE
        else:
            right, wanted = rule == "exact" and twips(line) in BODY_LINES, f"固定值 {g.LINE_PITCH}"
        if not right or before != wanted_before or after:
            failures.append(
                f"段落“{paragraph_text(p)[:12]}”行距为 {rule} {line}、段前 {before}、段后 {after}，"
                f"应为{wanted}、段前 {wanted_before}、段后 0"
            )
    return failures


def check_character_spacing(view: DocxView) -> list[str]:
    """三号 body runs are condensed by 0.25 pt so a line holds 28 characters."""
    failures: list[str] = []
    for paragraph in view.body_paragraphs():
        p = paragraph.element
        for r in runs(p):
            if run_text(r).strip() and view.size(r, p) == g.SIZE_SANHAO:
                spacing = twips(view.run_value(r, p, "w:spacing"))
                if spacing != g.BODY_CHAR_SPACING:
                    failures.append(
                        f"“{run_text(r)[:12]}”字距为 {spacing}，应为 {g.BODY_CHAR_SPACING}"
                        "（每行 28 字）"
                    )
    return failures


# --- 3. fonts and sizes -------------------------------------------------------------------


def _expected_font(view: DocxView, r: Element, p: Element) -> tuple[str, int] | None:
    if view.style_name(view.run_style(r)) == g.STYLE_HEADING_2:
        return HEADING_2_FONT
    return STYLE_FONTS.get(view.paragraph_style_name(p))


def _check_run_font(
    view: DocxView, r: Element, p: Element, expected: tuple[str, int], where: str
) -> list[str]:
    font, size = view.east_asian_font(r, p), view.size(r, p)
    failures = []
    if view.paragraph_style_name(p) == g.STYLE_AUTHORITY and font == expected[0]:
        # 7.2.4 leaves the 标志's size to the issuer: 小初, or down to 一号 for a long name
        # (whether it stays on one line is read off the laid-out page, tests/page_check.py).
        expected = (
            font,
            size if g.AUTHORITY_MIN_SIZE <= size <= g.AUTHORITY_SIZE else g.AUTHORITY_SIZE,
        )
    if (font, size) != expected:
        failures.append(
            f"{where}“{run_text(r)[:12]}”为 {font} {size}，应为 {expected[0]} {expected[1]}"
        )
    if view.is_bold(r, p):
        failures.append(f"{where}“{run_text(r)[:12]}”不应加粗")
    return failures


def check_body_fonts(view: DocxView) -> list[str]:
    failures: list[str] = []
    for paragraph in view.body_paragraphs():
        p = paragraph.element
        style = view.paragraph_style_name(p)
        for r in runs(p):
            expected = _expected_font(view, r, p)
            if expected is None:
                failures.append(f"段落“{paragraph_text(p)[:12]}”使用了未知样式 {style}")
                break
            if run_text(r).strip():
                failures += _check_run_font(view, r, p, expected, f"{style}文字")
    return failures


def check_table_fonts(view: DocxView) -> list[str]:
    """Table text 仿宋 (header rows and form labels 黑体), 小四 to 四号."""
    failures: list[str] = []
    for table in view.tables():
        for row in table.findall(qn("w:tr")):
            header = row.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None
            for p in row.iter(qn("w:p")):
                label = header or view.paragraph_style_name(p) in TABLE_LABEL_STYLES
                font = g.FONT_HEITI if label else g.FONT_FANGSONG
                for r in runs(p):
                    if not run_text(r).strip():
                        continue
                    size = view.size(r, p) or 0
                    have = view.east_asian_font(r, p)
                    if have != font or not g.SIZE_XIAOSI <= size <= g.SIZE_SIHAO:
                        failures.append(
                            f"表格文字“{run_text(r)[:12]}”为 {have} {size}，应为 {font} 四号或小四"
                        )
                    if view.is_bold(r, p):
                        failures.append(f"表格文字“{run_text(r)[:12]}”不应加粗")
    return failures


def _all_runs(view: DocxView) -> Iterator[tuple[Element, Element]]:
    roots = [view.document.element.body]
    for sect_pr in view.section_properties():
        for reference in sect_pr.findall(qn("w:footerReference")):
            roots.append(view.part_element(reference.get(qn("r:id"))))
        for reference in sect_pr.findall(qn("w:headerReference")):
            roots.append(view.part_element(reference.get(qn("r:id"))))
    for root in roots:
        for p in root.iter(qn("w:p")):
            for r in runs(p):
                yield r, p


def check_east_asian_fonts(view: DocxView) -> list[str]:
    """Every run names its Chinese font and language; no theme (Japanese) fallback."""
    failures: list[str] = []
    for r, p in _all_runs(view):
        font = view.east_asian_font(r, p)
        lang = view.run_value(r, p, "w:lang", "eastAsia")
        if not font or font.startswith("主题字体"):
            failures.append(f"“{run_text(r)[:12]}”没有指定中文字体（eastAsia）：{font}")
        if lang != g.LANG_EAST_ASIA:
            failures.append(f"“{run_text(r)[:12]}”的中文语言为 {lang}，应为 {g.LANG_EAST_ASIA}")
    return failures


# --- 4. heading numbers -------------------------------------------------------------------


def _heading_2_text(view: DocxView, p: Element) -> str:
    """The text of the leading runs in character style 二级标题."""
    text = []
    for r in runs(p):
        if view.style_name(view.run_style(r)) != g.STYLE_HEADING_2:
            break
        text.append(run_text(r))
    return "".join(text)


def _check_heading_paragraph(view: DocxView, p: Element) -> list[str]:
    text, style = paragraph_text(p), view.paragraph_style_name(p)
    heading_2 = _heading_2_text(view, p)
    failures = []
    if style == g.STYLE_HEADING_1 and not re.match(g.HEADING_1_PATTERN, text):
        failures.append(f"一级标题“{text[:12]}”应以“一、”式序号开头")
    if style != g.STYLE_HEADING_1 and re.match(g.HEADING_1_PATTERN, text):
        failures.append(f"“{text[:12]}”是一级标题，应使用样式{g.STYLE_HEADING_1}（黑体）")
    if heading_2 and not re.match(g.HEADING_2_PATTERN + "(?!、)", heading_2):
        failures.append(f"二级标题“{heading_2[:12]}”应以全角“（一）”开头，其后不加“、”")
    if not heading_2 and re.match(g.HEADING_2_PATTERN, text):
        failures.append(
            f"“{text[:12]}”是二级标题，序号和标题应使用字符样式{g.STYLE_HEADING_2}（楷体）"
        )
    for pattern, reason in WRONG_NUMBERS:
        if re.match(pattern, text):
            failures.append(f"“{text[:12]}”：{reason}")
    return failures


def check_addressee(view: DocxView) -> list[str]:
    """主送机关 flush left (no indent), ending with a full-width colon."""
    failures: list[str] = []
    for paragraph in view.body_paragraphs():
        p = paragraph.element
        if view.paragraph_style_name(p) != g.STYLE_ADDRESSEE:
            continue
        text = paragraph_text(p)
        if not text.endswith("："):
            failures.append(f"主送机关“{text[:12]}”应以全角冒号“：”结尾")
        indents = (view.paragraph_value(p, "w:ind", side) for side in ("firstLine", "left"))
        if any(twips(indent) for indent in indents):
            failures.append(f"主送机关“{text[:12]}”应顶格编排")
    return failures


def check_heading_numbers(view: DocxView) -> list[str]:
    failures: list[str] = []
    for paragraph in view.body_paragraphs():
        failures += _check_heading_paragraph(view, paragraph.element)
    return failures


# --- 5. date and signature ----------------------------------------------------------------


def _text_width_of_section(view: DocxView, section: int) -> int:
    sect_pr = view.section_properties()[section]
    size, margins = sect_pr.find(qn("w:pgSz")), sect_pr.find(qn("w:pgMar"))
    width = twips(size.get(qn("w:w")))
    return width - twips(margins.get(qn("w:left"))) - twips(margins.get(qn("w:right")))


def _centre(view: DocxView, p: Element, width: int) -> float:
    """Horizontal centre of the text of ``p`` from the left margin, by its alignment."""
    left = twips(view.paragraph_value(p, "w:ind", "left"))
    right = twips(view.paragraph_value(p, "w:ind", "right"))
    text = text_width(paragraph_text(p))
    align = view.paragraph_value(p, "w:jc", "val")
    if align == "center":
        return (left + width - right) / 2
    if align in ("right", "end"):
        return width - right - text / 2
    return left + text / 2


def _check_date(view: DocxView, date: Paragraph, signature: Paragraph | None) -> list[str]:
    p, text = date.element, paragraph_text(date.element)
    failures = []
    if not re.fullmatch(g.DATE_PATTERN, text):
        failures.append(f"成文日期“{text}”应写作“2016年6月7日”（四位年份，月日不补零）")
    right = twips(view.paragraph_value(p, "w:ind", "right"))
    if (
        view.paragraph_value(p, "w:jc", "val") not in ("right", "end")
        or right != g.DATE_RIGHT_INDENT
    ):
        failures.append(f"成文日期应右对齐并右空四字（右缩进 {g.DATE_RIGHT_INDENT}），实为 {right}")
    if signature is None:
        return [*failures, "成文日期上方没有发文机关署名（样式署名）"]
    width = _text_width_of_section(view, date.section)
    offset = _centre(view, signature.element, width) - _centre(view, p, width)
    if abs(offset) > g.SIGNATURE_CENTRE_TOLERANCE:
        failures.append(f"发文机关署名应以成文日期为准居中，实际偏离 {offset:.0f} twips")
    return failures


def is_form(view: DocxView, styles: Sequence[str]) -> bool:
    """A form (推荐表): a table with label cells (style 表格标签) and no 署名 in the body.

    It is signed by the seals and dates in its opinion cells, not by 署名 and 成文日期.
    A 公文 that carries a form as its attachment still has its 署名, so it still needs
    its 成文日期.
    """
    labels = (
        view.paragraph_style_name(p) == g.STYLE_FORM_LABEL
        for table in view.tables()
        for p in table.iter(qn("w:p"))
    )
    return g.STYLE_SIGNATURE not in styles and any(labels)


def check_date_and_signature(view: DocxView) -> list[str]:
    paragraphs = view.body_paragraphs()
    styles = [view.paragraph_style_name(p.element) for p in paragraphs]
    dates = [i for i, style in enumerate(styles) if style == g.STYLE_DATE]
    if not dates:
        return [] if is_form(view, styles) else ["没有成文日期段落（样式成文日期）"]
    failures: list[str] = []
    for index in dates:
        before = paragraphs[index - 1] if index and styles[index - 1] == g.STYLE_SIGNATURE else None
        failures += _check_date(view, paragraphs[index], before)
    return failures


# --- 6. attachments -----------------------------------------------------------------------


def _note_titles(notes: Sequence[str]) -> tuple[list[str], bool] | str:
    """The titles listed by the 附件说明 lines, and whether they are numbered."""
    if not notes[0].startswith("附件："):
        return f"附件说明“{notes[0][:12]}”应以“附件：”开头"
    lines = [notes[0].removeprefix("附件："), *notes[1:]]
    if len(lines) == 1 and not re.match(r"1\. ", lines[0]):
        return [lines[0]], False
    titles = []
    for number, line in enumerate(lines, start=1):
        if not line.startswith(f"{number}. "):
            return f"附件说明第 {number} 行“{line[:12]}”应写作“{number}. 名称”"
        titles.append(line.removeprefix(f"{number}. "))
    return titles, True


def _attachments(view: DocxView) -> list[tuple[Paragraph, str]]:
    """(label paragraph, title text) for every attachment in the document."""
    found: list[tuple[Paragraph, str]] = []
    paragraphs = view.body_paragraphs()
    for index, paragraph in enumerate(paragraphs):
        if view.paragraph_style_name(paragraph.element) != g.STYLE_ATTACHMENT_LABEL:
            continue
        title = next(
            (
                paragraph_text(later.element)
                for later in paragraphs[index + 1 :]
                if view.paragraph_style_name(later.element) == g.STYLE_ATTACHMENT_TITLE
            ),
            "",
        )
        found.append((paragraph, title.replace("\n", "")))
    return found


def _starts_new_page(view: DocxView, paragraph: Paragraph) -> bool:
    """On a new page: page break before it, or first paragraph of a new-page section."""
    if view.paragraph_flag(paragraph.element, "w:pageBreakBefore"):
        return True
    if not paragraph.starts_section or paragraph.section == 0:
        return False
    kind = view.section_properties()[paragraph.section].find(qn("w:type"))
    return (kind.get(qn("w:val")) if kind is not None else None) in NEW_PAGE_STARTS


def check_attachments(view: DocxView) -> list[str]:
    notes = [
        paragraph_text(p.element)
        for p in view.body_paragraphs()
        if view.paragraph_style_name(p.element) == g.STYLE_ATTACHMENT_NOTE
    ]
    attachments = _attachments(view)
    if not notes:
        return ["正文有附件但没有附件说明"] if attachments else []
    parsed = _note_titles(notes)
    if isinstance(parsed, str):
        return [parsed]
    titles, numbered = parsed
    if len(titles) != len(attachments):
        return [f"附件说明列出 {len(titles)} 个附件，文中有 {len(attachments)} 个"]
    failures = []
    for number, (title, (label, actual)) in enumerate(
        zip(titles, attachments, strict=True), start=1
    ):
        want = f"附件{number}" if numbered else "附件"
        if paragraph_text(label.element) != want:
            failures.append(f"附件标签“{paragraph_text(label.element)}”应为“{want}”")
        if title != actual:
            failures.append(f"附件说明中的名称“{title}”与附件标题“{actual}”不一致")
        if not _starts_new_page(view, label):
            failures.append(f"{want}应另起一页（新节或分页）")
    return failures


# --- 7. page-number footers ---------------------------------------------------------------


def _field_layout(p: Element) -> tuple[str, str, bool]:
    """(text before the PAGE field, text after it, whether there is one) of a footer line."""
    before, after, depth, seen = [], [], 0, False
    in_instruction = False
    for node in p.iter(qn("w:fldChar"), qn("w:instrText"), qn("w:t"), qn("w:fldSimple")):
        if node.tag == qn("w:fldSimple") and _PAGE_FIELD.match(node.get(qn("w:instr"), "")):
            seen = True
        elif node.tag == qn("w:fldChar"):
            kind = node.get(qn("w:fldCharType"))
            depth += {"begin": 1, "end": -1}.get(kind, 0)
            in_instruction = kind == "begin"
        elif node.tag == qn("w:instrText") and in_instruction:
            seen = seen or bool(_PAGE_FIELD.match(node.text or ""))
        elif (
            node.tag == qn("w:t")
            and depth == 0
            and node.getparent().getparent().tag != qn("w:fldSimple")
        ):
            (after if seen else before).append(node.text or "")
    return "".join(before), "".join(after), seen


def page_number_lines(footer: Element) -> list[Element]:
    """The footer's paragraphs that hold a PAGE field."""
    return [p for p in footer.iter(qn("w:p")) if _field_layout(p)[2]]


def is_record_footer(view: DocxView, footer: Element) -> bool:
    """The footer of the 版记 page: it holds the 印发 line."""
    return any(view.paragraph_style_name(p) == g.STYLE_PRINTER for p in footer.iter(qn("w:p")))


def _number_frame(p: Element) -> Element | None:
    """The ``w:framePr`` making page-number paragraph ``p`` a text frame, if any."""
    return p.find(f"{qn('w:pPr')}/{qn('w:framePr')}")


def _check_turned_number(p: Element, frame: Element, odd: bool, where: str) -> list[str]:
    """§8: on a landscape page the number stays where the portrait pages have it -- 7 mm
    outside the 版心's portrait foot (the page's left edge), 1 字 from the sheet's right
    (the page's bottom, odd pages) or left (its top, even pages), turned with the sheet
    (a frame placed on the page, its paragraph's text direction top to bottom)."""

    def value(name: str) -> int:
        return twips(frame.get(qn(f"w:{name}")))

    failures = []
    if (frame.get(qn("w:hAnchor")), frame.get(qn("w:vAnchor"))) != ("page", "page"):
        failures.append(f"{where}横排页码图文框应相对页面定位")
    edge = g.LANDSCAPE_MARGIN_LEFT - g.PAGE_NUMBER_GAP  # 7 mm left of the 版心
    if abs(value("x") + value("w") - edge) > g.MARGIN_TOLERANCE:
        failures.append(f"{where}横排页码应在版心左侧 7 mm 处")
    if odd:
        end = g.PAGE_WIDTH - g.LANDSCAPE_MARGIN_BOTTOM - g.PAGE_NUMBER_INDENT
        placed = abs(value("y") + value("h") - end) <= g.MARGIN_TOLERANCE
    else:
        start = g.LANDSCAPE_MARGIN_TOP + g.PAGE_NUMBER_INDENT
        placed = abs(value("y") - start) <= g.MARGIN_TOLERANCE
    if not placed or frame.get(qn("w:hRule")) != "exact":
        failures.append(f"{where}横排页码应距{'下' if odd else '上'}边一字")
    direction = p.find(f"{qn('w:pPr')}/{qn('w:textDirection')}")
    turned = direction.get(qn("w:val")) if direction is not None else None
    if turned not in ("tbRl", "tbRlV"):
        failures.append(f"{where}横排页码应随纸张转向（文字方向 tbRl），实为 {turned}")
    return failures


def _check_footer(view: DocxView, footer: Element, odd: bool, where: str) -> list[str]:
    lines = page_number_lines(footer)
    if is_record_footer(view, footer):
        # 7.5: "版记页前有空白页的，空白页和版记页均不编排页码"
        return [f"{where}（版记页）不应编排页码"] if lines else []
    if len(lines) != 1:
        return [f"{where}页脚应有一个 PAGE 页码域"]
    p = lines[0]
    frame = _number_frame(p)
    before, after, _ = _field_layout(p)
    failures = []
    if (before, after) != (g.PAGE_NUMBER_BEFORE, g.PAGE_NUMBER_AFTER):
        failures.append(f"{where}页码应为“— 1 —”式，实为“{before}PAGE{after}”")
    for r in runs(p):
        font, size = view.east_asian_font(r, p), view.size(r, p)
        if (font, size) != (g.FONT_SONGTI, g.SIZE_SIHAO):
            failures.append(f"{where}页码字体为 {font} {size}，应为宋体四号")
            break
    side, other = ("right", "left") if odd else ("left", "right")
    align = view.paragraph_value(p, "w:jc", "val")
    if frame is not None:  # the frame itself stands 1 字 in
        if align not in (side, "end" if odd else "start"):
            failures.append(f"{where}横排页码应{'右' if odd else '左'}对齐，实为 {align}")
        return failures + _check_turned_number(p, frame, odd, where)
    indent = twips(view.paragraph_value(p, "w:ind", side))
    if align not in (side, "end" if odd else "start") or abs(indent - g.PAGE_NUMBER_INDENT) > 10:
        failures.append(
            f"{where}页码应{'右' if odd else '左'}对齐并空一字（{side} {g.PAGE_NUMBER_INDENT}），"
            f"实为 {align} {indent}"
        )
    if twips(view.paragraph_value(p, "w:ind", other)):
        failures.append(f"{where}页码另一侧不应缩进")
    return failures


def _footer_position(view: DocxView, sect_pr: Element, footer: Element, number: int) -> list[str]:
    """The page-number line sits 7 mm (±1 mm) below the text block."""
    lines = page_number_lines(footer)
    if not lines or _number_frame(lines[0]) is not None:
        return []  # _check_footer reports it, or checks the turned number's frame
    margins = sect_pr.find(qn("w:pgMar"))
    gap = (
        twips(margins.get(qn("w:bottom")))
        - twips(margins.get(qn("w:footer")))
        - footer_line_height(view, lines[0])
    )
    if abs(gap - g.PAGE_NUMBER_GAP) > g.MARGIN_TOLERANCE:
        return [f"第 {number} 节页码距版心下边缘 {gap / g.TWIPS_PER_MM:.1f} mm，应为 7 mm"]
    return []


def footer_line_height(view: DocxView, p: Element) -> int:
    """The height of a one-line footer paragraph, in twips."""
    if view.paragraph_value(p, "w:spacing", "lineRule") == "exact":
        return twips(view.paragraph_value(p, "w:spacing", "line"))
    return round(g.SIZE_SIHAO * 10 * 1.3)  # half-points → twips, single spacing


def check_footers(view: DocxView) -> list[str]:
    failures: list[str] = []
    flag = view.document.settings.element.find(qn("w:evenAndOddHeaders"))
    if flag is None or flag.get(qn("w:val")) not in TRUE_VALUES:
        failures.append("settings.xml 未设置奇偶页不同（w:evenAndOddHeaders）")
    current: dict[str, Element] = {}
    for number, sect_pr in enumerate(view.section_properties(), start=1):
        for reference in sect_pr.findall(qn("w:footerReference")):
            current[reference.get(qn("w:type"))] = view.part_element(reference.get(qn("r:id")))
        for kind, odd in (("default", True), ("even", False)):
            where = f"第 {number} 节{'奇数' if odd else '偶数'}页"
            if kind not in current:
                failures.append(f"{where}没有页脚")
                continue
            failures += _check_footer(view, current[kind], odd, where)
            failures += _footer_position(view, sect_pr, current[kind], number)
    return failures


# --- 8. the issuing notice: 版头 ---------------------------------------------------------


def _text_indexes(paragraphs: Sequence[Paragraph]) -> list[int]:
    return [i for i, p in enumerate(paragraphs) if paragraph_text(p.element).strip()]


def _blank_lines_between(paragraphs: Sequence[Paragraph], first: int, last: int) -> int:
    """How many empty paragraphs separate ``first`` and ``last`` (-1: text between them)."""
    between = paragraphs[first + 1 : last]
    return -1 if any(paragraph_text(p.element).strip() for p in between) else len(between)


def paragraph_border(view: DocxView, p: Element, edge: str) -> Element | None:
    """The ``w:pBdr`` edge of ``p``, from direct formatting or its style chain."""
    for ppr in view.ppr_chain(p):
        line = ppr.find(f"{qn('w:pBdr')}/{qn(f'w:{edge}')}") if ppr is not None else None
        if line is not None:
            return line
    return None


def _is_centred(view: DocxView, p: Element) -> bool:
    return view.paragraph_value(p, "w:jc", "val") == "center"


def _check_authority(view: DocxView, p: Element) -> list[str]:
    """发文机关标志: red, centred (font, size and weight: check_body_fonts)."""
    text, failures = paragraph_text(p), []
    if not _is_centred(view, p):
        failures.append(f"发文机关标志“{text[:12]}”应居中")
    colours = {view.run_value(r, p, "w:color") for r in runs(p) if run_text(r).strip()}
    if colours != {g.RED}:
        failures.append(
            f"发文机关标志“{text[:12]}”应为红色（{g.RED}），实为 {sorted(map(str, colours))}"
        )
    return failures


def _check_doc_number(view: DocxView, p: Element) -> list[str]:
    """发文字号 X〔2020〕1号, centred; under it the red rule as wide as the 版心."""
    text, failures = paragraph_text(p), []
    if not re.fullmatch(g.DOC_NUMBER_PATTERN, text):
        failures.append(
            f"发文字号“{text}”应写作“焦文明办〔2020〕1号”（年份用六角括号〔〕，序号不编虚位）"
        )
    if not _is_centred(view, p):
        failures.append(f"发文字号“{text}”应居中")
    rule = paragraph_border(view, p, "bottom")
    if rule is None or rule.get(qn("w:val")) in NO_LINE or rule.get(qn("w:color")) != g.RED:
        return [*failures, "发文字号下方应有红色分隔线（段落下边框，红色）"]
    space = twips(rule.get(qn("w:space")))
    if abs(space - g.RULE_SPACE_PT) > 1:
        failures.append(
            f"红色分隔线与发文字号的间距为 {space} 磅，应为 {g.RULE_SPACE_PT} 磅（4 mm）"
        )
    if any(twips(view.paragraph_value(p, "w:ind", side)) for side in ("left", "right")):
        failures.append("红色分隔线应与版心等宽（发文字号段落不缩进）")
    return failures


def _check_remarks(view: DocxView, paragraphs: Sequence[Paragraph]) -> list[str]:
    """附注 such as （此件公开发布）: in full-width parentheses, indented 2 字, after the date."""
    failures = []
    texts = _text_indexes(paragraphs)
    for index, paragraph in enumerate(paragraphs):
        p = paragraph.element
        if view.paragraph_style_name(p) != g.STYLE_REMARK:
            continue
        text = paragraph_text(p)
        if not re.fullmatch(r"（[^（）]+）", text):
            failures.append(f"附注“{text[:12]}”应加全角圆括号")
        if twips(view.paragraph_value(p, "w:ind", "firstLine")) != g.FIRST_LINE_INDENT:
            failures.append(f"附注“{text[:12]}”应居左空二字")
        before = [i for i in texts if i < index]
        if not before or view.paragraph_style_name(paragraphs[before[-1]].element) != g.STYLE_DATE:
            failures.append(f"附注“{text[:12]}”应编排在成文日期下一行")
    return failures


def check_notice_head(view: DocxView) -> list[str]:
    """版头: 发文机关标志 first, 发文字号 two lines below, the title two lines below the rule."""
    paragraphs = view.body_paragraphs()
    styles = [view.paragraph_style_name(p.element) for p in paragraphs]
    heads = [i for i, style in enumerate(styles) if style == g.STYLE_AUTHORITY]
    numbers = [i for i, style in enumerate(styles) if style == g.STYLE_DOC_NUMBER]
    failures = _check_remarks(view, paragraphs)
    if not heads and not numbers:
        return failures
    if len(heads) != 1 or len(numbers) != 1:
        return [*failures, "版头应有且只有一个发文机关标志和一个发文字号"]
    head, number = heads[0], numbers[0]
    failures += _check_authority(view, paragraphs[head].element)
    failures += _check_doc_number(view, paragraphs[number].element)
    if _text_indexes(paragraphs)[0] != head:
        failures.append("发文机关标志应位于首页最上方")
    if _blank_lines_between(paragraphs, head, number) != g.BLANK_LINES_BEFORE_DOC_NUMBER:
        failures.append("发文字号应编排在发文机关标志下空二行位置")
    title = next((i for i in _text_indexes(paragraphs) if i > number), None)
    if (
        title is None
        or styles[title] != g.STYLE_TITLE
        or _blank_lines_between(paragraphs, number, title) != g.BLANK_LINES_AFTER_RULE
    ):
        failures.append("公文标题应编排在红色分隔线下空二行位置")
    return failures


# --- 9. the issuing notice: 版记 ---------------------------------------------------------


def _record_footers(view: DocxView) -> list[tuple[int, str, Element]]:
    """(section, footer type, footer) for every footer that holds a 版记 line."""
    found = []
    record_styles = (g.STYLE_COPY_TO, g.STYLE_PRINTER)
    for number, sect_pr in enumerate(view.section_properties()):
        for reference in sect_pr.findall(qn("w:footerReference")):
            footer = view.part_element(reference.get(qn("r:id")))
            if any(view.paragraph_style_name(p) in record_styles for p in footer.iter(qn("w:p"))):
                found.append((number, reference.get(qn("w:type")), footer))
    return found


def _rule_failures(borders: Element | None, rows: int) -> list[str]:
    """Thick rules above and below, thin ones between (if any), none at the sides."""
    wanted = {"top": "thick", "bottom": "thick"} | ({"insideH": "thin"} if rows > 1 else {})
    failures = []
    for edge in (*wanted, "left", "right", "insideV"):
        line = borders.find(qn(f"w:{edge}")) if borders is not None else None
        kind = None if line is None else line.get(qn("w:val"))
        weight = wanted.get(edge)
        if weight is None:
            if kind not in NO_LINE:
                failures.append(f"版记的 {edge} 边不应有线")
            continue
        size_mm = twips(line.get(qn("w:sz"))) * MM_PER_EIGHTH_POINT if line is not None else 0
        if kind in NO_LINE or abs(size_mm - RECORD_RULES_MM[weight]) > RULE_TOLERANCE_MM:
            failures.append(
                f"版记的 {edge} 分隔线为 {kind} {size_mm:.2f} mm，"
                f"应为 {RECORD_RULES_MM[weight]} mm（首末条粗线，中间细线）"
            )
    return failures


def _record_table_layout(table: Element, width: int) -> list[str]:
    tbl_pr = table.find(qn("w:tblPr"))
    failures = []
    have = twips(first_value([tbl_pr], "w:tblW", "w"))
    cell_margins = tbl_pr.find(qn("w:tblCellMar"))
    margins = [first_value([cell_margins], f"w:{side}", "w") for side in ("left", "right")]
    if abs(have - width) > INDENT_TOLERANCE or any(m is None or twips(m) for m in margins):
        failures.append(f"版记应与版心等宽（表宽 {have}，应为 {width}，单元格左右边距 0）")
    rows = table.findall(qn("w:tr"))
    failures += _rule_failures(tbl_pr.find(qn("w:tblBorders")), len(rows))
    return failures


def _check_record_fonts(view: DocxView, p: Element) -> list[str]:
    return [
        failure
        for r in runs(p)
        if run_text(r).strip()
        for failure in _check_run_font(view, r, p, RECORD_FONT, "版记文字")
    ]


def _check_copy_to(view: DocxView, p: Element) -> list[str]:
    """抄送：A，B。 1 字 in from both sides; wrapped lines under the first name."""
    text, failures = paragraph_text(p), []
    if not re.fullmatch(rf"{g.COPY_TO_LABEL}[^,]+。", text) or "。" in text[:-1]:
        failures.append(
            f"抄送机关应写作“抄送：A，B。”（全角逗号隔开，末尾句号），实为“{text[:16]}”"
        )
    left = twips(view.paragraph_value(p, "w:ind", "left"))
    hanging = twips(view.paragraph_value(p, "w:ind", "hanging"))
    right = twips(view.paragraph_value(p, "w:ind", "right"))
    if (left - hanging, left, right) != (g.RECORD_INDENT, g.COPY_TO_NAME_START, g.RECORD_INDENT):
        failures.append(
            f"抄送机关应左右各空一字、回行与冒号后首字对齐（左 {g.COPY_TO_NAME_START} 悬挂 "
            f"{g.COPY_TO_NAME_START - g.RECORD_INDENT} 右 {g.RECORD_INDENT}），"
            f"实为左 {left} 悬挂 {hanging} 右 {right}"
        )
    return failures


def _right_tabs(view: DocxView, p: Element) -> list[int]:
    tabs = []
    for ppr in view.ppr_chain(p):
        for tab in ppr.iterfind(f"{qn('w:tabs')}/{qn('w:tab')}") if ppr is not None else ():
            if tab.get(qn("w:val")) in ("right", "end"):
                tabs.append(twips(tab.get(qn("w:pos"))))
    return tabs


def _check_printer(view: DocxView, p: Element, width: int) -> list[str]:
    """印发机关 1 字 from the left, 2020年3月5日印发 1 字 from the right (a right tab)."""
    text, failures = paragraph_text(p), []
    parts = text.split("\t")
    if len(parts) != 2 or not re.fullmatch(g.DATE_PATTERN + g.PRINTED, parts[1]):
        failures.append(f"印发机关和印发日期应写作“机关名称<制表符>2020年3月5日印发”，实为“{text}”")
    left = twips(view.paragraph_value(p, "w:ind", "left"))
    if left != g.RECORD_INDENT or twips(view.paragraph_value(p, "w:ind", "firstLine")):
        failures.append(f"印发机关应左空一字（左缩进 {g.RECORD_INDENT}），实为 {left}")
    if width - g.RECORD_INDENT not in _right_tabs(view, p):
        failures.append(f"印发日期应右空一字（右对齐制表位 {width - g.RECORD_INDENT}）")
    return failures


def _check_record_place(view: DocxView, table: Element, sect_pr: Element, where: str) -> list[str]:
    """The 版记's last rule on the bottom edge of the 版心: below the table only the empty
    line where a page number would be (7.5: the 版记 page has none), 7 mm lower (space
    before it), at the footer distance from the page edge."""
    after = [p for p in table.itersiblings() if p.tag == qn("w:p")]
    if len(after) != 1 or paragraph_text(after[0]).strip() or page_number_lines(after[0]):
        return [f"{where}版记之后应只有一个空行（版记页不编页码）"]
    number = after[0]
    margins = sect_pr.find(qn("w:pgMar"))
    bottom = (
        twips(margins.get(qn("w:footer")))
        + footer_line_height(view, number)
        + twips(view.paragraph_value(number, "w:spacing", "before"))
    )
    if abs(bottom - twips(margins.get(qn("w:bottom")))) > g.MARGIN_TOLERANCE:
        return [
            f"{where}版记末条分隔线距页面下边缘 {bottom / g.TWIPS_PER_MM:.1f} mm，"
            f"应与版心下边缘重合（{twips(margins.get(qn('w:bottom'))) / g.TWIPS_PER_MM:.0f} mm）"
        ]
    return []


def _check_record_footer(view: DocxView, footer: Element, section: int, where: str) -> list[str]:
    tables = footer.findall(qn("w:tbl"))
    if len(tables) != 1:
        return [f"{where}版记应为一个表格（分隔线为表格边框）"]
    table = tables[0]
    width = _text_width_of_section(view, section)
    lines = [p for p in table.iter(qn("w:p")) if paragraph_text(p).strip()]
    styles = [view.paragraph_style_name(p) for p in lines]
    if styles not in ([g.STYLE_PRINTER], [g.STYLE_COPY_TO, g.STYLE_PRINTER]):
        return [f"{where}版记应依次为抄送机关（可无）、印发机关和印发日期，实为 {styles}"]
    sect_pr = view.section_properties()[section]
    failures = _record_table_layout(table, width)
    failures += _check_record_place(view, table, sect_pr, where)
    for p in lines:
        failures += _check_record_fonts(view, p)
    if len(lines) == 2:
        failures += _check_copy_to(view, lines[0])
    failures += _check_printer(view, lines[-1], width)
    return failures


def check_record(view: DocxView) -> list[str]:
    """版记 in the footers of the last section: a page of its own, even, 版记 at its foot.

    A footer repeats on every page of its section, so that section must hold no text
    (one page); it starts on an even page (``evenPage``), the last page of a 公文.
    """
    found = _record_footers(view)
    if not found:
        return []
    sections = view.section_properties()
    last = len(sections) - 1
    failures = []
    if {section for section, _, _ in found} != {last}:
        failures.append("版记只能在最后一节（最后一页）的页脚中")
    kind = sections[last].find(qn("w:type"))
    if kind is None or kind.get(qn("w:val")) != "evenPage":
        failures.append("版记页应为偶数页（最后一节的分节符类型应为 evenPage）")
    if any(paragraph_text(p.element).strip() for p in view.body_paragraphs() if p.section == last):
        failures.append("版记页不应有正文（版记所在节只有一页）")
    if "even" not in {footer_type for _, footer_type, _ in found}:
        failures.append("版记页是偶数页，偶数页页脚中应有版记")
    for section, kind, footer in found:
        where = f"第 {section + 1} 节{'偶数' if kind == 'even' else '奇数'}页页脚："
        failures += _check_record_footer(view, footer, section, where)
    return failures


# --- entry points -------------------------------------------------------------------------

CHECKS: tuple[Callable[[DocxView], list[str]], ...] = (
    check_page_setup,
    check_doc_grid,
    check_line_spacing,
    check_character_spacing,
    check_body_fonts,
    check_table_fonts,
    check_east_asian_fonts,
    check_addressee,
    check_heading_numbers,
    check_date_and_signature,
    check_attachments,
    check_footers,
    check_notice_head,
    check_record,
)


def check_gbt9704(source: Source) -> list[str]:
    """Every GB/T 9704 failure found in the .docx (bytes or a path); empty means it passes."""
    view = DocxView.load(source)
    failures: list[str] = []
    for check in CHECKS:
        failures += check(view)
    return failures


def assert_gbt9704(source: Source) -> None:
    failures = check_gbt9704(source)
    if failures:
        raise AssertionError("不符合 GB/T 9704：\n" + "\n".join(f"- {f}" for f in failures))
