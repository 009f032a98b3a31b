"""(Re)build the Word templates in ``templates/`` with python-docx.

Run ``python tools/make_templates.py`` after changing a layout number in
``generator/render/gbt9704.py``. The output is byte-identical from run to run.

The templates are docxtpl (Jinja) templates that staff open and edit in Word or
WPS, so every GB/T element has a real named style (公文标题, 一级标题, …), every
run also carries its fonts directly (including ``w:eastAsia``), and the Jinja
control tags sit in paragraphs of their own (``{%p … %}``) where Word keeps them
intact. The context each template expects is documented on its builder.
"""

from __future__ import annotations

import argparse
import copy
import io
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from docx import Document as new_document
from docx.document import Document
from docx.enum.section import WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_ROW_HEIGHT_RULE
from docx.enum.text import WD_LINE_SPACING, WD_PARAGRAPH_ALIGNMENT, WD_TAB_ALIGNMENT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from docx.section import Section, _Footer
from docx.shared import Twips
from docx.styles.style import ParagraphStyle
from docx.table import Table, _Cell, _Row
from docx.text.paragraph import Paragraph
from lxml import etree

from generator.pipeline.kinds import docx_templates
from generator.render import gbt9704 as g
from generator.render.docx.schema_order import TCPR_ORDER, sort_children
from generator.render.rawzip import normalize_zip
from generator.write.atomic import write_bytes_atomic

# The helpers live beside this script (tools/ is a folder of scripts, found from the repo root).
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tools import template_parts as oxml
from tools.template_parts import PageSetup, RunFormat

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES_DIR = ROOT / "templates"
# Fixed document properties: a rebuilt template must not differ from the committed one.
TEMPLATE_STAMP = datetime(2024, 1, 1, tzinfo=timezone.utc)
TEMPLATE_AUTHOR = "plandocs"
# Word 2010's shadow copy of styles.xml, still full of theme fonts; Word rebuilds it.
STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"

ALIGN = WD_PARAGRAPH_ALIGNMENT

BODY = RunFormat(g.FONT_FANGSONG, g.SIZE_SANHAO, char_spacing=g.BODY_CHAR_SPACING)
TITLE = RunFormat(g.FONT_XIAOBIAOSONG, g.SIZE_ERHAO)
HEITI_LINE = RunFormat(g.FONT_HEITI, g.SIZE_SANHAO, char_spacing=g.BODY_CHAR_SPACING)
KAITI_LINE = RunFormat(g.FONT_KAITI, g.SIZE_SANHAO, char_spacing=g.BODY_CHAR_SPACING)
TABLE_HEADER = RunFormat(g.FONT_HEITI, g.SIZE_SIHAO)
TABLE_TEXT = RunFormat(g.FONT_FANGSONG, g.SIZE_SIHAO)
CAPTION = RunFormat(g.FONT_FANGSONG, g.SIZE_SIHAO)
PAGE_NUMBER = RunFormat(g.FONT_SONGTI, g.SIZE_SIHAO, latin=g.FONT_SONGTI)
# Nomination forms: no body condensing (char_spacing 0) inside the table.
FORM_NUMBER = RunFormat(g.FONT_FANGSONG, g.SIZE_SIHAO, char_spacing=0)
FORM_LABEL = RunFormat(g.FONT_HEITI, g.SIZE_XIAOSI, char_spacing=0)
FORM_TEXT = RunFormat(g.FONT_FANGSONG, g.SIZE_XIAOSI, char_spacing=0)
TABLE_END = RunFormat(g.FONT_FANGSONG, g.FORM_END_SIZE, char_spacing=0)
AUTHORITY = RunFormat(g.FONT_XIAOBIAOSONG, g.AUTHORITY_SIZE)

PORTRAIT = PageSetup(
    width=g.PAGE_WIDTH,
    height=g.PAGE_HEIGHT,
    top=g.MARGIN_TOP,
    right=g.MARGIN_RIGHT,
    bottom=g.MARGIN_BOTTOM,
    left=g.MARGIN_LEFT,
    header=g.HEADER_DISTANCE,
    footer=g.FOOTER_DISTANCE,
)
LANDSCAPE = PageSetup(
    width=g.PAGE_HEIGHT,
    height=g.PAGE_WIDTH,
    top=g.LANDSCAPE_MARGIN_TOP,
    right=g.LANDSCAPE_MARGIN_RIGHT,
    bottom=g.LANDSCAPE_MARGIN_BOTTOM,
    left=g.LANDSCAPE_MARGIN_LEFT,
    header=g.HEADER_DISTANCE,
    footer=g.LANDSCAPE_FOOTER_DISTANCE,
)


@dataclass(frozen=True)
class ParagraphStyleSpec:
    """One named paragraph style: the formatting of one GB/T element."""

    name: str
    style_id: str
    run: RunFormat
    alignment: WD_PARAGRAPH_ALIGNMENT
    first_line: int = 0
    left: int = 0
    right: int = 0
    hanging: int = 0
    line: int = g.LINE_PITCH
    # EXACTLY or AT_LEAST ``line``; SINGLE (auto) for pictures, which an exact line clips.
    line_rule: WD_LINE_SPACING = WD_LINE_SPACING.EXACTLY
    space_before: int = 0
    snap_to_grid: bool = True
    outline_level: int | None = None
    # Headings and labels stay with what follows (Word, WPS and LibreOffice honour it).
    keep_with_next: bool = False


# The attachment note (附件说明) is "附件：名称": wrapped lines align under the name,
# which starts 2 字 (indent) + 3 字 ("附件：") from the margin.
NOTE_NAME_START = g.FIRST_LINE_INDENT + 3 * g.CHAR_WIDTH_SANHAO
# With several attachments the name follows "1. " (digit, full stop, space = 1 字).
NOTE_NUMBERED_START = NOTE_NAME_START + g.CHAR_WIDTH_SANHAO

PARAGRAPH_STYLES: tuple[ParagraphStyleSpec, ...] = (
    # 二号 glyphs are taller than LibreOffice's grid cell: without this each title
    # line would take two grid lines there (Word ignores the grid for exact lines).
    ParagraphStyleSpec(g.STYLE_TITLE, "DocTitle", TITLE, ALIGN.CENTER, snap_to_grid=False),
    ParagraphStyleSpec(g.STYLE_ADDRESSEE, "Addressee", BODY, ALIGN.JUSTIFY),
    ParagraphStyleSpec(
        g.STYLE_HEADING_1,
        "LevelOneHeading",
        HEITI_LINE,
        ALIGN.JUSTIFY,
        first_line=g.FIRST_LINE_INDENT,
        outline_level=0,
        keep_with_next=True,
    ),
    ParagraphStyleSpec(
        g.STYLE_ATTACHMENT_NOTE,
        "AttachmentNote",
        BODY,
        ALIGN.JUSTIFY,
        left=NOTE_NAME_START,
        hanging=NOTE_NAME_START - g.FIRST_LINE_INDENT,
    ),
    ParagraphStyleSpec(
        g.STYLE_SIGNATURE, "Signature", BODY, ALIGN.CENTER, left=g.SIGNATURE_LEFT_INDENT
    ),
    ParagraphStyleSpec(g.STYLE_DATE, "IssueDate", BODY, ALIGN.RIGHT, right=g.DATE_RIGHT_INDENT),
    ParagraphStyleSpec(
        g.STYLE_ATTACHMENT_LABEL, "AttachmentLabel", HEITI_LINE, ALIGN.LEFT, keep_with_next=True
    ),
    ParagraphStyleSpec(
        g.STYLE_ATTACHMENT_TITLE,
        "AttachmentTitle",
        TITLE,
        ALIGN.CENTER,
        snap_to_grid=False,
        keep_with_next=True,
    ),
    ParagraphStyleSpec(
        g.STYLE_TABLE_HEADER,
        "TableHeader",
        TABLE_HEADER,
        ALIGN.CENTER,
        line=g.TABLE_LINE,
        snap_to_grid=False,
    ),
    ParagraphStyleSpec(
        g.STYLE_TABLE_TEXT,
        "TableText",
        TABLE_TEXT,
        ALIGN.JUSTIFY,
        line=g.TABLE_LINE,
        snap_to_grid=False,
    ),
    ParagraphStyleSpec(
        g.STYLE_PAGE_NUMBER,
        "PageNumber",
        PAGE_NUMBER,
        ALIGN.RIGHT,
        line=g.PAGE_NUMBER_LINE,
        snap_to_grid=False,
    ),
)
# Only in templates that show pictures (summary.docx).
CHART_STYLES: tuple[ParagraphStyleSpec, ...] = (
    # Single spacing and no grid: an exact 579 line would clip the picture to one line.
    ParagraphStyleSpec(
        g.STYLE_CHART,
        "Chart",
        BODY,
        ALIGN.CENTER,
        line_rule=WD_LINE_SPACING.SINGLE,
        snap_to_grid=False,
    ),
    ParagraphStyleSpec(g.STYLE_CHART_CAPTION, "ChartCaption", CAPTION, ALIGN.CENTER),
)


def form_style(
    name: str, style_id: str, run: RunFormat, alignment: WD_PARAGRAPH_ALIGNMENT, **layout: int
) -> ParagraphStyleSpec:
    """A table-cell style of the nomination forms: at-least lines, off the body grid."""
    return ParagraphStyleSpec(
        name,
        style_id,
        run,
        alignment,
        line=g.FORM_LINE,
        line_rule=WD_LINE_SPACING.AT_LEAST,
        snap_to_grid=False,
        **layout,
    )


# Only in the nomination forms (推荐表).
FORM_STYLES: tuple[ParagraphStyleSpec, ...] = (
    ParagraphStyleSpec(g.STYLE_FORM_NUMBER, "FormNumber", FORM_NUMBER, ALIGN.RIGHT),
    form_style(g.STYLE_FORM_LABEL, "FormLabel", FORM_LABEL, ALIGN.CENTER),
    form_style(g.STYLE_FORM_TEXT, "FormText", FORM_TEXT, ALIGN.JUSTIFY),
    form_style(
        g.STYLE_FORM_STORY, "FormStory", FORM_TEXT, ALIGN.JUSTIFY, first_line=g.FORM_STORY_INDENT
    ),
    form_style(
        g.STYLE_FORM_SEAL,
        "FormSeal",
        FORM_TEXT,
        ALIGN.RIGHT,
        right=g.FORM_SEAL_RIGHT_INDENT,
        space_before=g.FORM_SEAL_SPACE_BEFORE,
    ),
    form_style(
        g.STYLE_FORM_DATE, "FormDate", FORM_TEXT, ALIGN.RIGHT, right=g.FORM_DATE_RIGHT_INDENT
    ),
    # Word needs a paragraph after a table; at 1 pt it cannot push a blank page out.
    ParagraphStyleSpec(
        g.STYLE_TABLE_END,
        "TableEnd",
        TABLE_END,
        ALIGN.LEFT,
        line=g.FORM_END_LINE,
        snap_to_grid=False,
    ),
)


def record_style(
    name: str, style_id: str, alignment: WD_PARAGRAPH_ALIGNMENT, **layout: int
) -> ParagraphStyleSpec:
    """A 版记 line: 仿宋 四号 in a table cell, 1 字 in from the right edge."""
    return ParagraphStyleSpec(
        name,
        style_id,
        TABLE_TEXT,
        alignment,
        right=g.RECORD_INDENT,
        line=g.RECORD_LINE,
        snap_to_grid=False,
        **layout,
    )


# Only in plan.docx: the issuing notice (印发通知) around the plan.
NOTICE_STYLES: tuple[ParagraphStyleSpec, ...] = (
    # Off the grid: the 小初 line keeps its own height under the 35 mm space above it.
    ParagraphStyleSpec(
        g.STYLE_AUTHORITY,
        "IssuingAuthority",
        AUTHORITY,
        ALIGN.CENTER,
        line=g.AUTHORITY_LINE,
        space_before=g.AUTHORITY_SPACE_BEFORE,
        snap_to_grid=False,
    ),
    ParagraphStyleSpec(g.STYLE_DOC_NUMBER, "DocNumber", BODY, ALIGN.CENTER),
    ParagraphStyleSpec(
        g.STYLE_REMARK, "Remark", BODY, ALIGN.JUSTIFY, first_line=g.FIRST_LINE_INDENT
    ),
    # 抄送：A，B。 wraps under A; 印发机关 at the left, 印发日期 at a right tab.
    record_style(
        g.STYLE_COPY_TO,
        "CopyTo",
        ALIGN.JUSTIFY,
        left=g.COPY_TO_NAME_START,
        hanging=g.COPY_TO_NAME_START - g.RECORD_INDENT,
    ),
    record_style(g.STYLE_PRINTER, "Printer", ALIGN.LEFT, left=g.RECORD_INDENT),
)
BODY_STYLE = ParagraphStyleSpec(
    g.STYLE_BODY, "Normal", BODY, ALIGN.JUSTIFY, first_line=g.FIRST_LINE_INDENT
)
STYLE_RUNS: dict[str, RunFormat] = {
    spec.name: spec.run
    for spec in (BODY_STYLE, *PARAGRAPH_STYLES, *CHART_STYLES, *FORM_STYLES, *NOTICE_STYLES)
}
HEADING_2_STYLE_ID = "LevelTwoHeading"


# --- styles -------------------------------------------------------------------------------


def format_paragraph_style(style: ParagraphStyle, spec: ParagraphStyleSpec) -> None:
    """Write ``spec`` into ``style``: line height, space before (none after), indents."""
    fmt = style.paragraph_format
    fmt.alignment = spec.alignment
    fmt.line_spacing_rule = spec.line_rule
    if spec.line_rule != WD_LINE_SPACING.SINGLE:
        fmt.line_spacing = Twips(spec.line)  # keeps an AT_LEAST rule, else sets EXACTLY
    fmt.space_before = Twips(spec.space_before)
    fmt.space_after = Twips(0)
    fmt.right_indent = Twips(spec.right)
    ppr = style.element.get_or_add_pPr()
    if spec.hanging:
        oxml.set_hanging_indent(ppr, spec.left, spec.hanging)
    else:
        fmt.left_indent = Twips(spec.left)
        fmt.first_line_indent = Twips(spec.first_line)
    if not spec.snap_to_grid:
        oxml.set_snap_to_grid(ppr, False)
    if spec.outline_level is not None:
        oxml.set_outline_level(ppr, spec.outline_level)
    if spec.keep_with_next:
        fmt.keep_with_next = True
    # No single first or last line of a paragraph alone at a page's top or foot.
    fmt.widow_control = True
    oxml.apply_run_format(oxml.run_properties(style), spec.run)


def add_paragraph_style(document: Document, spec: ParagraphStyleSpec) -> None:
    style = document.styles.add_style(spec.name, WD_STYLE_TYPE.PARAGRAPH)
    # ASCII ids keep the XML portable; Word and WPS show the Chinese name.
    style.style_id = spec.style_id
    style.base_style = document.styles[g.STYLE_BODY]
    style.next_paragraph_style = document.styles[g.STYLE_BODY]
    style.quick_style = True
    style.priority = 1
    format_paragraph_style(style, spec)


def add_heading_2_style(document: Document) -> None:
    """二级标题 is a character style: （一） and its heading open a body paragraph."""
    style = document.styles.add_style(g.STYLE_HEADING_2, WD_STYLE_TYPE.CHARACTER)
    style.style_id = HEADING_2_STYLE_ID
    style.quick_style = True
    style.priority = 1
    oxml.apply_run_format(oxml.run_properties(style), KAITI_LINE)


def set_up_styles(document: Document) -> None:
    oxml.set_doc_defaults(document, BODY, g.LINE_PITCH)
    oxml.set_theme_east_asian(document, minor=g.FONT_FANGSONG, major=g.FONT_HEITI)
    normal = document.styles[g.STYLE_BODY]
    format_paragraph_style(normal, BODY_STYLE)
    for spec in PARAGRAPH_STYLES:
        add_paragraph_style(document, spec)
    add_heading_2_style(document)


# --- paragraphs ---------------------------------------------------------------------------


def add_paragraph(container: Document | _Cell | _Footer, style: str, text: str = "") -> Paragraph:
    """A paragraph of ``style`` whose run (if any) and mark carry the style's fonts.

    A table cell is born with one empty paragraph; the first call fills that one.
    """
    fmt = STYLE_RUNS[style]
    existing = container.paragraphs if isinstance(container, _Cell) else []
    if len(existing) == 1 and not existing[0].text and existing[0].style.name == g.STYLE_BODY:
        paragraph = existing[0]
        paragraph.style = style
    else:
        paragraph = container.add_paragraph(style=style)
    oxml.apply_run_format(oxml.paragraph_mark_properties(paragraph), fmt)
    if text:
        oxml.add_text_run(paragraph, text, fmt)
    return paragraph


def add_control(
    container: Document | _Cell | _Footer, tag: str, style: str = g.STYLE_BODY, scope: str = "p"
) -> None:
    """A paragraph holding only a ``{%p … %}`` (or ``{%tr … %}``) tag.

    docxtpl replaces the whole paragraph (or table row) by the bare Jinja tag.
    """
    add_paragraph(container, style, "{%" + scope + " " + tag + " %}")


def add_blank_lines(document: Document, count: int = 1, keep_with_next: bool = False) -> None:
    for _ in range(count):
        paragraph = add_paragraph(document, g.STYLE_BODY)
        paragraph.paragraph_format.keep_with_next = keep_with_next or None


def add_level_2_paragraph(document: Document) -> Paragraph:
    """（一）heading in 楷体 (character style 二级标题), then the body text in 仿宋."""
    paragraph = add_paragraph(document, g.STYLE_BODY)
    heading = oxml.add_text_run(paragraph, "{{ b.number }}{{ b.heading }}", KAITI_LINE)
    oxml.set_run_style(oxml.run_properties(heading), HEADING_2_STYLE_ID)
    oxml.add_text_run(paragraph, "{{ b.text }}", BODY)
    return paragraph


def add_addressee(document: Document) -> None:
    """主送机关, omitted when ``addressee`` is empty."""
    add_control(document, "if addressee")
    add_paragraph(document, g.STYLE_ADDRESSEE, "{{ addressee }}")
    add_control(document, "endif")


# A block keeps with the next one when it is a heading alone (（一）… with no text), a
# label ending in "：", or the last of its list: what ends a page must not be a heading,
# and the closing block (附件说明, 署名, 日期) after the body must not stand alone on a page
# (GB/T 9704 7.3.5.5). keepNext is honoured alike by Word, WPS and LibreOffice.
LABEL_KEEP = "b.text.endswith('：')"
HEADING_KEEP = "loop.last or not b.text or " + LABEL_KEEP
TEXT_KEEP = "loop.last or " + LABEL_KEEP
LAST_KEEP = "loop.last"


def set_keep_with_next(paragraph: Paragraph, condition: str) -> None:
    """``<w:keepNext/>`` inside ``{% if condition %}`` … ``{% endif %}`` in the paragraph's
    properties: the tags sit where content may, so a render stays well-formed XML (and
    provably so, see render/docx_wellformed.py), unlike a value inside an attribute."""
    ppr = paragraph._p.get_or_add_pPr()
    keep = oxml.ensure_child(ppr, "w:keepNext", oxml.PPR_ORDER)
    opening = "{% if " + condition + " %}"
    previous = keep.getprevious()
    if previous is None:  # lxml's own text: python-docx redefines it on some classes
        raw_text = etree._Element.text
        raw_text.__set__(ppr, (raw_text.__get__(ppr) or "") + opening)
    else:
        previous.tail = (previous.tail or "") + opening
    keep.tail = "{% endif %}" + (keep.tail or "")


def add_blocks_loop(document: Document, variable: str, last: str = LAST_KEEP) -> None:
    """The body: one paragraph per block of ``variable``, shaped by the block's level.

    Block: {level: 0..4, number: "一、"/"（一）"/"1."/"（1）"/"", heading, text}.
    Level-1 blocks carry no text; levels 3 and 4 run number, heading and text together.
    ``last``: when the last block keeps with what follows (the closing block, not a chart:
    text kept with a page-high picture would be a chain longer than a page).
    """
    text_keep = TEXT_KEEP.replace(LAST_KEEP, f"({last})", 1)
    heading_keep = HEADING_KEEP.replace(LAST_KEEP, f"({last})", 1)
    add_control(document, f"for b in {variable}")
    add_control(document, "if b.level == 0")
    set_keep_with_next(add_paragraph(document, g.STYLE_BODY, "{{ b.text }}"), text_keep)
    add_control(document, "elif b.level == 1")
    add_paragraph(document, g.STYLE_HEADING_1, "{{ b.number }}{{ b.heading }}")
    add_control(document, "elif b.level == 2")
    set_keep_with_next(add_level_2_paragraph(document), heading_keep)
    add_control(document, "else")
    more = add_paragraph(document, g.STYLE_BODY, "{{ b.number }}{{ b.heading }}{{ b.text }}")
    set_keep_with_next(more, heading_keep)
    add_control(document, "endif")
    add_control(document, "endfor")


def add_charts_loop(document: Document, variable: str, after: str = "") -> None:
    """Each chart of ``variable`` ({picture: Picture, caption}): a blank line, the picture
    centred, its caption.

    The picture paragraph (style 图表) has single line spacing so the picture is not
    clipped, and is kept with its caption (style 图表标题, 仿宋四号).
    """
    add_control(document, f"for c in {variable}")
    add_blank_lines(document, keep_with_next=True)
    picture = add_paragraph(document, g.STYLE_CHART, "{{ c.picture }}")
    picture.paragraph_format.keep_with_next = True
    caption = add_paragraph(document, g.STYLE_CHART_CAPTION, "{{ c.caption }}")
    # The last picture goes with the closing block -- unless body text (``after``) follows:
    # a page-high chart kept with the next heading would be a chain longer than a page.
    set_keep_with_next(caption, f"{LAST_KEEP} and not {after}" if after else LAST_KEEP)
    add_control(document, "endfor")


def add_attachment_note(document: Document) -> None:
    """One blank line, then 附件说明: ``附件：名称`` or ``附件：1. 名称`` / ``2. 名称`` …"""
    add_control(document, "if attachments")
    # Kept with the signature that follows, so the signature page never holds the
    # signature alone (GB/T 9704 7.3.5: no page of only seal and date).
    add_blank_lines(document, keep_with_next=True)
    add_control(document, "if attachments|length == 1")
    single = add_paragraph(document, g.STYLE_ATTACHMENT_NOTE, "附件：{{ attachments[0].title }}")
    single.paragraph_format.keep_with_next = True
    add_control(document, "else")
    first = add_paragraph(document, g.STYLE_ATTACHMENT_NOTE, "附件：1. {{ attachments[0].title }}")
    first.paragraph_format.keep_with_next = True
    hanging = NOTE_NUMBERED_START - g.FIRST_LINE_INDENT  # the first line starts at 2 字
    oxml.set_hanging_indent(first._p.get_or_add_pPr(), NOTE_NUMBERED_START, hanging)
    add_control(document, "for a in attachments[1:]")
    more = add_paragraph(document, g.STYLE_ATTACHMENT_NOTE, "{{ loop.index + 1 }}. {{ a.title }}")
    more.paragraph_format.keep_with_next = True
    oxml.set_hanging_indent(
        more._p.get_or_add_pPr(), NOTE_NUMBERED_START, NOTE_NUMBERED_START - NOTE_NAME_START
    )
    add_control(document, "endfor")
    add_control(document, "endif")
    add_control(document, "endif")


def add_signature_and_date(
    document: Document, signature: str = "signature", date: str = "date"
) -> Paragraph:
    """加盖印章的公文: room for the seal, organ centred over the date, date 右空四字.

    ``signature`` and ``date`` name the context values shown.
    """
    add_blank_lines(document, g.BLANK_LINES_BEFORE_SIGNATURE, keep_with_next=True)
    organ = add_paragraph(document, g.STYLE_SIGNATURE, f"{{{{ {signature} }}}}")
    organ.paragraph_format.keep_with_next = True  # never split organ from date
    return add_paragraph(document, g.STYLE_DATE, f"{{{{ {date} }}}}")


# --- sections and footers -----------------------------------------------------------------


def set_up_section(section: Section, page: PageSetup) -> None:
    oxml.set_page_setup(section, page)
    oxml.set_doc_grid(section, g.LINE_PITCH)


def fill_page_number(paragraph: Paragraph, odd: bool, numbered: bool = True) -> None:
    """Odd pages: right-aligned 1 字 from the right; even pages: left-aligned 1 字 from the left.

    ``numbered=False`` keeps the line (and so the footer's height) without the number.
    """
    paragraph.style = g.STYLE_PAGE_NUMBER
    fmt = paragraph.paragraph_format
    fmt.alignment = ALIGN.RIGHT if odd else ALIGN.LEFT
    fmt.right_indent = Twips(g.PAGE_NUMBER_INDENT if odd else 0)
    fmt.left_indent = Twips(0 if odd else g.PAGE_NUMBER_INDENT)
    oxml.apply_run_format(oxml.paragraph_mark_properties(paragraph), PAGE_NUMBER)
    if numbered:
        oxml.add_page_number(paragraph, PAGE_NUMBER)


def add_page_number_footers(document: Document, section: Section) -> None:
    """GB/T page numbers on every page; later sections inherit these footers."""
    oxml.set_even_and_odd_footers(document)
    section.footer.is_linked_to_previous = False
    section.even_page_footer.is_linked_to_previous = False
    fill_page_number(section.footer.paragraphs[0], odd=True)
    fill_page_number(section.even_page_footer.paragraphs[0], odd=False)
    for footer in (section.footer, section.even_page_footer):
        oxml.strip_layout_whitespace(footer._element)


# --- landscape page numbers (GB/T 9704 §8) --------------------------------------------------
#
# A landscape table page is the portrait sheet turned a quarter (its 订口 at the table
# head): its page number stays where the other pages have it -- 7 mm outside the 版心's
# portrait foot, which is now the landscape page's left edge, 1 字 in from the sheet's
# right (odd pages: the landscape page's bottom) or left (even pages: its top), reading
# the way the sheet is held. A footer's own line cannot be turned, so the number is a
# text frame: a footer paragraph with ``w:framePr`` placed on the page and
# ``w:textDirection`` tbRl (turned 90°). Word documents that it honours paragraph text
# direction in a frame ([MS-OE376] on ECMA-376 17.3.1.41: "Word uses this property only
# when the paragraph is contained within a frame"); frames in footers are Word's own old
# way of placing page numbers; LibreOffice makes it a text frame of that direction. A
# DrawingML text box anchored to the page (wps:txbx, vert="vert") was tried first:
# LibreOffice 7.4 drops its offsets on the first page of a two-page landscape section
# that follows two portrait pages (the number lands in the page's top-left corner).
NUMBER_FRAME_LENGTH = 6 * g.CHAR_WIDTH_SIHAO  # "— 12 —" with room to spare
NUMBER_DIRECTION = "tbRl"  # top to bottom: the portrait line, turned with the sheet


def number_frame_position(odd: bool) -> tuple[int, int]:
    """(x, y) in twips of the page-number frame's top-left corner on a landscape page."""
    x = g.LANDSCAPE_MARGIN_LEFT - g.PAGE_NUMBER_GAP - g.PAGE_NUMBER_LINE
    if odd:
        bottom = g.PAGE_WIDTH - g.LANDSCAPE_MARGIN_BOTTOM - g.PAGE_NUMBER_INDENT
        return x, bottom - NUMBER_FRAME_LENGTH
    return x, g.LANDSCAPE_MARGIN_TOP + g.PAGE_NUMBER_INDENT


def turn_into_number_frame(number: Paragraph, odd: bool) -> None:
    """Make ``number`` a one-line text frame on the page's left edge, its text turned.

    The frame is one line wide (the footer line's exact height) and 6 字 long; in it
    the turned line runs from the sheet's left to its right, as on portrait pages: odd
    numbers at its end (toward the page's bottom), even at its start.
    """
    ppr = number._p.get_or_add_pPr()
    x, y = number_frame_position(odd)
    frame = oxml.ensure_child(ppr, "w:framePr", oxml.PPR_ORDER)
    oxml.set_w_attributes(
        frame,
        w=g.PAGE_NUMBER_LINE,
        h=NUMBER_FRAME_LENGTH,
        hRule="exact",
        wrap="around",
        hAnchor="page",
        vAnchor="page",
        x=x,
        y=y,
    )
    direction = oxml.ensure_child(ppr, "w:textDirection", oxml.PPR_ORDER)
    oxml.set_w_attributes(direction, val=NUMBER_DIRECTION)
    number.paragraph_format.right_indent = Twips(0)
    number.paragraph_format.left_indent = Twips(0)


def fill_landscape_number(footer: _Footer, odd: bool) -> None:
    """The landscape page's footer: the turned page-number frame, then an empty line
    (the footer's own line, which keeps the footer's height; Word wants a paragraph
    after a frame)."""
    footer.is_linked_to_previous = False
    number = footer.paragraphs[0]
    fill_page_number(number, odd)
    turn_into_number_frame(number, odd)
    line = footer.add_paragraph()
    line.style = g.STYLE_PAGE_NUMBER
    oxml.apply_run_format(oxml.paragraph_mark_properties(line), PAGE_NUMBER)
    oxml.strip_layout_whitespace(footer._element)


def add_landscape_numbers(section: Section) -> None:
    fill_landscape_number(section.footer, odd=True)
    fill_landscape_number(section.even_page_footer, odd=False)


def end_section_at(document: Document, paragraph: Paragraph) -> Section:
    """Close the current section with ``paragraph`` and start a new one on a new page.

    python-docx puts the section break into an extra empty paragraph, which would
    add a blank line (and maybe a blank page); we move it into ``paragraph``.
    """
    section = document.add_section(WD_SECTION.NEW_PAGE)
    holder = document.element.body.xpath("./w:p")[-1]
    oxml.insert_in_order(paragraph._p.get_or_add_pPr(), holder.pPr.sectPr, oxml.PPR_ORDER)
    holder.getparent().remove(holder)
    return section


# --- the ledger table ---------------------------------------------------------------------

LEDGER_ROW_CELLS: tuple[tuple[str, WD_PARAGRAPH_ALIGNMENT], ...] = (
    ("{{ r.seq }}", ALIGN.CENTER),
    ("{% vm %}{{ g.project }}", ALIGN.CENTER),
    ("", ALIGN.JUSTIFY),  # filled with a paragraph loop over r.content
    ("{{ r.responsible }}", ALIGN.CENTER),
    ("{{ r.status }}", ALIGN.CENTER),
)


def add_control_row(cells: Sequence[_Cell], tag: str) -> None:
    """A row holding a ``{%tr … %}`` tag; docxtpl removes the whole row."""
    add_control(cells[0], tag, g.STYLE_TABLE_TEXT, scope="tr")
    for cell in cells[1:]:
        add_paragraph(cell, g.STYLE_TABLE_TEXT)


# A group's rows keep together (every paragraph of a row but the group's last keeps with
# the next: Word's way of keeping rows together, honoured by WPS and LibreOffice), so the
# merged 创建项目 cell does not cross a page break while the group fits on a page.
GROUP_KEEP = "not loop.last"
# Inside the content cell's own line loop, ``loop`` is that loop's: row_last remembers
# whether the row is the group's last.
LINE_KEEP = "not row_last"


def fill_ledger_row(row: _Row) -> None:
    oxml.set_cant_split(row)
    cells = row.cells
    for cell, (text, alignment) in zip(cells, LEDGER_ROW_CELLS, strict=True):
        oxml.set_cell_vertical_centre(cell)
        if text:
            paragraph = add_paragraph(cell, g.STYLE_TABLE_TEXT, text)
            paragraph.paragraph_format.alignment = alignment
            set_keep_with_next(paragraph, GROUP_KEEP)
    # One paragraph per content line; an empty list still leaves the cell one paragraph.
    content = cells[2]
    add_control(content, "set row_last = loop.last", g.STYLE_TABLE_TEXT)
    add_control(content, 'for line in r.content or [""]', g.STYLE_TABLE_TEXT)
    set_keep_with_next(add_paragraph(content, g.STYLE_TABLE_TEXT, "{{ line }}"), LINE_KEEP)
    add_control(content, "endfor", g.STYLE_TABLE_TEXT)


def add_ledger_table(document: Document) -> None:
    """序号 | 创建项目 | 具体目标内容 | 责任单位 | 实施情况, one row per ledger item.

    Rows come from nested ``{%tr for %}`` loops over ledger.groups and g.rows; the
    创建项目 cell is merged vertically over its group's rows with ``{% vm %}``.
    """
    table = document.add_table(rows=6, cols=len(g.LEDGER_HEADERS))
    oxml.set_table_layout(table, g.LEDGER_COLUMN_WIDTHS, g.TABLE_BORDER)
    for cell, text in zip(start_header_row(table).cells, g.LEDGER_HEADERS, strict=True):
        oxml.set_cell_vertical_centre(cell)
        add_paragraph(cell, g.STYLE_TABLE_HEADER, text)
    add_control_row(table.rows[1].cells, "for g in ledger.groups")
    add_control_row(table.rows[2].cells, "for r in g.rows")
    fill_ledger_row(table.rows[3])
    add_control_row(table.rows[4].cells, "endfor")
    add_control_row(table.rows[5].cells, "endfor")
    sort_cell_properties(table)


def sort_cell_properties(table: Table) -> None:
    for row in table.rows:
        for cell in row.cells:
            sort_children(cell._tc.get_or_add_tcPr(), TCPR_ORDER)


def start_header_row(table: Table) -> _Row:
    """The first row, repeated at the top of every page and never split."""
    header = table.rows[0]
    oxml.set_repeat_header(header)
    oxml.set_cant_split(header)
    return header


# A column loop is three template cells: the loop tag, the repeated cell, the end tag.
# The engine replaces the grid when the loop changes the column count.
COLUMN_LOOP_WIDTHS = (
    g.LANDSCAPE_TEXT_WIDTH // 3,
    g.LANDSCAPE_TEXT_WIDTH - 2 * (g.LANDSCAPE_TEXT_WIDTH // 3),
    g.LANDSCAPE_TEXT_WIDTH // 3,
)


def fill_column_loop(cells: Sequence[_Cell], items: str, style: str) -> None:
    """``{%tc for c in items %}`` | ``{{ c }}`` (centred) | ``{%tc endfor %}``."""
    first, repeated, last = cells
    add_control(first, f"for c in {items}", style, scope="tc")
    oxml.set_cell_vertical_centre(repeated)
    add_paragraph(repeated, style, "{{ c }}").paragraph_format.alignment = ALIGN.CENTER
    add_control(last, "endfor", style, scope="tc")


def add_column_loop_table(document: Document, source: str = "ledger") -> None:
    """source.columns as the header row, then one row per source.rows item (r.cells).

    Both the header texts and the cells come from ``{%tc for %}`` column loops, so
    the table has as many columns as the context gives.
    """
    table = document.add_table(rows=4, cols=len(COLUMN_LOOP_WIDTHS))
    oxml.set_table_layout(table, COLUMN_LOOP_WIDTHS, g.TABLE_BORDER)
    fill_column_loop(start_header_row(table).cells, f"{source}.columns", g.STYLE_TABLE_HEADER)
    add_control_row(table.rows[1].cells, f"for r in {source}.rows")
    oxml.set_cant_split(table.rows[2])  # a row never splits across pages
    fill_column_loop(table.rows[2].cells, "r.cells", g.STYLE_TABLE_TEXT)
    add_control_row(table.rows[3].cells, "endfor")
    sort_cell_properties(table)


# --- the nomination form (推荐表) ----------------------------------------------------------

# The rows of the form table, top to bottom; (kind, content). Control rows hold a
# ``{%tr %}`` tag. The field pairs come from ``fields|batch(2)``: two pairs make a
# label | value | label | value row, an odd last pair a label and a value spanning the rest.
FORM_ROWS: tuple[tuple[str, str], ...] = (
    ("control", "for pair in fields|batch(2)"),
    ("control", "if pair|length == 2"),
    ("pairs", ""),
    ("control", "else"),
    ("pair", ""),
    ("control", "endif"),
    ("control", "endfor"),
    ("honours", ""),
    ("story", ""),
    ("control", "for o in opinions"),
    ("opinion", ""),
    ("control", "endfor"),
)
# One 主要事迹 paragraph per non-blank line of ``story``, stripped of the white space
# (also full-width indents) around it; the style indents each first line by 2 字.
STORY_LOOP = "for para in story.splitlines() if para.strip()"


def fill_label(cell: _Cell, text: str) -> None:
    oxml.set_cell_vertical_centre(cell)
    add_paragraph(cell, g.STYLE_FORM_LABEL, text)


def set_row_height(row: _Row, height: int, cant_split: bool) -> None:
    """A minimum height; ``cant_split`` keeps a short row whole on one page."""
    row.height = Twips(height)
    row.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
    if cant_split:
        oxml.set_cant_split(row)


def wide_cell(row: _Row) -> _Cell:
    """The row's label cell stays; the other columns become one cell."""
    return row.cells[1].merge(row.cells[-1])


def fill_field(label: _Cell, value: _Cell, item: str) -> None:
    fill_label(label, f"{{{{ {item}.label }}}}")
    oxml.set_cell_vertical_centre(value)
    text = add_paragraph(value, g.STYLE_FORM_TEXT, f"{{{{ {item}.value }}}}")
    text.paragraph_format.alignment = ALIGN.CENTER


def fill_pairs_row(row: _Row) -> None:
    """label | value | label | value for a full pair of fields."""
    set_row_height(row, g.FORM_FIELD_ROW_HEIGHT, cant_split=True)
    cells = row.cells
    fill_field(cells[0], cells[1], "pair[0]")
    fill_field(cells[2], cells[3], "pair[1]")


def fill_pair_row(row: _Row) -> None:
    """label | value spanning the rest, for the odd last field."""
    set_row_height(row, g.FORM_FIELD_ROW_HEIGHT, cant_split=True)
    fill_field(row.cells[0], wide_cell(row), "pair[0]")


def fill_honours_row(row: _Row) -> None:
    """曾获荣誉; a "\n" in ``honours`` breaks the line."""
    set_row_height(row, g.FORM_HONOURS_ROW_HEIGHT, cant_split=False)
    fill_label(row.cells[0], "曾获荣誉")
    value = wide_cell(row)
    oxml.set_cell_vertical_centre(value)
    add_paragraph(value, g.STYLE_FORM_TEXT, "{{ honours }}")


def fill_story_row(row: _Row, height: int) -> None:
    """主要事迹: a vertical label and one large cell that may run onto further pages."""
    set_row_height(row, height, cant_split=False)
    fill_label(row.cells[0], g.FORM_STORY_LABEL)
    story = wide_cell(row)
    add_control(story, STORY_LOOP, g.STYLE_FORM_STORY)
    add_paragraph(story, g.STYLE_FORM_STORY, "{{ para.strip() }}")
    add_control(story, "else", g.STYLE_FORM_STORY)
    add_paragraph(story, g.STYLE_FORM_STORY)  # a cell must keep one paragraph
    add_control(story, "endfor", g.STYLE_FORM_STORY)


def fill_opinion_row(row: _Row) -> None:
    """o.label | o.note on top, （盖章） and 年　　月　　日 at the lower right.

    Every paragraph keeps with the next, so the opinion rows stay together on one
    page (Word's way of keeping table rows together; LibreOffice follows it).
    """
    set_row_height(row, g.FORM_OPINION_ROW_HEIGHT, cant_split=True)
    fill_label(row.cells[0], "{{ o.label }}")
    opinion = wide_cell(row)
    add_paragraph(opinion, g.STYLE_FORM_TEXT, "{{ o.note }}")
    add_paragraph(opinion, g.STYLE_FORM_SEAL, g.FORM_SEAL_TEXT)
    add_paragraph(opinion, g.STYLE_FORM_DATE, g.FORM_DATE_TEXT)
    for cell in (row.cells[0], opinion):
        for paragraph in cell.paragraphs:
            paragraph.paragraph_format.keep_with_next = True


def add_form_table(document: Document, story_height: int) -> None:
    """The bordered form, 156 mm wide, fixed layout; no row repeats as a header."""
    table = document.add_table(rows=len(FORM_ROWS), cols=len(g.FORM_COLUMN_WIDTHS))
    oxml.set_table_layout(table, g.FORM_COLUMN_WIDTHS, g.TABLE_BORDER)
    fillers: dict[str, Callable[[_Row], None]] = {
        "pairs": fill_pairs_row,
        "pair": fill_pair_row,
        "honours": fill_honours_row,
        "story": lambda row: fill_story_row(row, story_height),
        "opinion": fill_opinion_row,
    }
    for row, (kind, tag) in zip(table.rows, FORM_ROWS, strict=True):
        if kind == "control":
            add_control_row(row.cells, tag)
        else:
            fillers[kind](row)
    sort_cell_properties(table)


def story_height(field_rows: int) -> int:
    """The 主要事迹 minimum height that fills the first page exactly.

    With ``field_rows`` rows of fields (two of which may wrap) and three opinion rows,
    a short story keeps the form on one page; a longer one grows the row onto the next.
    """
    spare = g.FORM_PAGE_SLACK + g.FORM_SPARE_LINES * g.FORM_LINE
    fixed = 2 * g.LINE_PITCH + g.FORM_END_LINE + spare  # title, 编号, the end paragraph
    rows = (
        field_rows * g.FORM_FIELD_ROW_HEIGHT
        + g.FORM_HONOURS_ROW_HEIGHT
        + g.FORM_OPINION_ROWS * g.FORM_OPINION_ROW_HEIGHT
    )
    return g.TEXT_HEIGHT - fixed - rows


@dataclass(frozen=True)
class NominationForm:
    """One kind of 推荐表: its document title and how many field rows it usually has."""

    doc_title: str
    field_rows: int


# forms.md: an individual has 9 or 10 short fields, a collective about 7.
INDIVIDUAL_FORM = NominationForm("先进个人推荐表（模板）", field_rows=5)
COLLECTIVE_FORM = NominationForm("先进集体推荐表（模板）", field_rows=4)


def build_nomination_template(form: NominationForm) -> Document:
    """nomination_individual.docx / nomination_collective.docx, one nominee per document.

    Context: title, form_no, fields: [{label, value}] (two to a row, in order),
    honours, story ("\n" between paragraphs), opinions: [{label, note}] (2 or 3).
    The title's second line is the right-aligned form_no; ``award`` is not printed.
    """
    document = new_template(form.doc_title)
    for spec in FORM_STYLES:
        add_paragraph_style(document, spec)
    add_paragraph(document, g.STYLE_TITLE, "{{ title }}")
    add_paragraph(document, g.STYLE_FORM_NUMBER, "{{ form_no }}")
    add_form_table(document, story_height(form.field_rows))
    add_paragraph(document, g.STYLE_TABLE_END)
    return document


# --- the issuing notice (印发通知) -----------------------------------------------------------


def set_colour(rpr: etree._Element, colour: str) -> None:
    oxml.set_w_attributes(oxml.ensure_child(rpr, "w:color", oxml.RPR_ORDER), val=colour)


def set_border(
    borders: etree._Element,
    edge: str,
    size: int,
    order: Sequence[str],
    colour: str = "000000",
    space: int = 0,
) -> None:
    """One edge of a ``w:pBdr`` or ``w:tblBorders``: a single line, or none for size 0."""
    line = oxml.ensure_child(borders, f"w:{edge}", tuple(f"w:{name}" for name in order))
    line.attrib.clear()
    if size:
        oxml.set_w_attributes(line, val="single", sz=size, space=space, color=colour)
    else:
        oxml.set_w_attributes(line, val="nil")


PARAGRAPH_BORDER_EDGES = ("top", "left", "bottom", "right", "between", "bar")


def finish_notice_styles(document: Document) -> None:
    """What ParagraphStyleSpec cannot say: the red 标志, the red rule, the 印发日期 tab."""
    styles = document.styles
    set_colour(oxml.run_properties(styles[g.STYLE_AUTHORITY]), g.RED)
    number = styles[g.STYLE_DOC_NUMBER].element.get_or_add_pPr()
    rule = oxml.ensure_child(number, "w:pBdr", oxml.PPR_ORDER)
    set_border(rule, "bottom", g.RULE_WIDTH, PARAGRAPH_BORDER_EDGES, g.RED, space=g.RULE_SPACE_PT)
    tabs = styles[g.STYLE_PRINTER].paragraph_format.tab_stops
    tabs.add_tab_stop(Twips(g.PRINT_DATE_TAB), WD_TAB_ALIGNMENT.RIGHT)


def fit_authority(rpr: etree._Element) -> None:
    """The 标志's size and character width come from its length (notice.authority_size in
    half-points, notice.authority_scale in %), so it stays on one line in the 版心."""
    for tag in ("w:sz", "w:szCs"):
        size = oxml.ensure_child(rpr, tag, oxml.RPR_ORDER)
        oxml.set_w_attributes(size, val="{{ notice.authority_size }}")
    scale = oxml.ensure_child(rpr, "w:w", oxml.RPR_ORDER)
    oxml.set_w_attributes(scale, val="{{ notice.authority_scale }}")


def add_notice(document: Document) -> None:
    """版头 and 主体 of the notice, all inside ``{%p if notice %}``.

    发文机关标志 (35 mm down, red), two blank lines, 发文字号 with the red rule under it,
    two blank lines, the title, one blank line, 主送机关, the body, signature and date,
    and 附注 (公开方式) on the line after the date.
    """
    add_control(document, "if notice")
    authority = add_paragraph(document, g.STYLE_AUTHORITY, "{{ notice.authority }}")
    for rpr in (oxml.paragraph_mark_properties(authority), oxml.run_properties(authority.runs[0])):
        set_colour(rpr, g.RED)
        fit_authority(rpr)
    add_blank_lines(document, g.BLANK_LINES_BEFORE_DOC_NUMBER)
    add_paragraph(document, g.STYLE_DOC_NUMBER, "{{ notice.number }}")
    add_blank_lines(document, g.BLANK_LINES_AFTER_RULE)
    add_paragraph(document, g.STYLE_TITLE, "{{ notice.title }}")
    add_blank_lines(document)
    add_paragraph(document, g.STYLE_ADDRESSEE, "{{ notice.addressee }}")
    add_control(document, "for para in notice.body")
    set_keep_with_next(add_paragraph(document, g.STYLE_BODY, "{{ para }}"), LAST_KEEP)
    add_control(document, "endfor")
    date = add_signature_and_date(document, "notice.signature", "notice.date")
    set_keep_with_next(date, "notice.remark")
    add_control(document, "if notice.remark")
    add_paragraph(document, g.STYLE_REMARK, "{{ notice.remark }}")
    add_control(document, "endif")
    add_control(document, "endif")


def add_plan_title(document: Document) -> None:
    """The plan's title; after a notice it starts a new page, as the plan follows it."""
    add_control(document, "if notice")
    title = add_paragraph(document, g.STYLE_TITLE, "{{ title }}")
    title.paragraph_format.page_break_before = True
    add_control(document, "else")
    add_paragraph(document, g.STYLE_TITLE, "{{ title }}")
    add_control(document, "endif")
    add_blank_lines(document)


def add_plan_closing(document: Document) -> tuple[Paragraph, Paragraph]:
    """The two ways the plan's text ends; each paragraph returned closes its section.

    Issued inside a notice, the plan has no signature and date of its own: the notice
    bears the organ's signature, seal and date for both (one 公文, one 成文日期), as
    bureaus print a 印发通知; an empty line then ends the section. Otherwise the plan
    is signed and dated itself.
    """
    add_control(document, "if notice")
    end = add_paragraph(document, g.STYLE_BODY)
    add_control(document, "else")
    date = add_signature_and_date(document)
    add_control(document, "endif")
    return end, date


def share_section_break(source: Paragraph, target: Paragraph) -> None:
    """``target`` closes the same section as ``source`` (footers included), in the other
    branch of an ``if``: whichever of the two is rendered ends the section."""
    sect_pr = copy.deepcopy(source._p.pPr.sectPr)
    oxml.insert_in_order(target._p.get_or_add_pPr(), sect_pr, oxml.PPR_ORDER)


def set_record_table_layout(table: Table) -> None:
    """版心 wide, no cell margins (the lines' own indents make the 1 字), no side rules;
    the rules thick above and below, thin between the lines."""
    oxml.set_table_layout(table, (g.TEXT_WIDTH,), g.RECORD_RULE_THICK)
    tbl_pr = table._tbl.tblPr
    borders = tbl_pr.find(qn("w:tblBorders"))
    for edge in ("left", "right", "insideV"):
        set_border(borders, edge, 0, oxml.BORDER_EDGES)
    set_border(borders, "insideH", g.RECORD_RULE_THIN, oxml.BORDER_EDGES)
    margins = oxml.ensure_child(tbl_pr, "w:tblCellMar", oxml.TBLPR_ORDER)
    for edge in ("top", "left", "bottom", "right"):
        side = oxml.ensure_child(margins, f"w:{edge}", ("w:top", "w:left", "w:bottom", "w:right"))
        oxml.set_w_attributes(side, w=0, type="dxa")


def add_record_table(footer: _Footer) -> None:
    """版记: the 抄送 line (if any), then 印发机关 and, at a right tab, 印发日期."""
    table = footer.add_table(4, 1, Twips(g.TEXT_WIDTH))
    set_record_table_layout(table)
    add_control_row(table.rows[0].cells, "if notice.copy_to")
    add_paragraph(table.rows[1].cells[0], g.STYLE_COPY_TO, "{{ notice.copy_to }}")
    add_control_row(table.rows[2].cells, "endif")
    printer = add_paragraph(table.rows[3].cells[0], g.STYLE_PRINTER, "{{ notice.printer }}")
    oxml.add_text_run(printer, "", TABLE_TEXT).add_tab()
    oxml.add_text_run(printer, "{{ notice.print_date }}", TABLE_TEXT)
    sort_cell_properties(table)


def fill_record_footer(footer: _Footer, odd: bool) -> None:
    """The 版记 page's footer: the 版记, then an empty line where a page number would be.

    GB/T 9704 7.5: the 版记 page (and a blank page before it) carries no page number.
    A footer grows upwards from its fixed distance to the page edge, so the 版记's
    last rule lands exactly on the bottom edge of the 版心 (footer distance + number
    line + the 7 mm gap), in Word and LibreOffice alike, however many 抄送 lines.
    """
    footer.is_linked_to_previous = False
    placeholder = footer.paragraphs[0]._p  # the empty paragraph a new footer starts with
    add_control(footer, "if notice")
    add_record_table(footer)
    add_control(footer, "endif")
    spacer = footer.add_paragraph()
    fill_page_number(spacer, odd, numbered=False)
    spacer.paragraph_format.space_before = Twips(g.PAGE_NUMBER_GAP)
    placeholder.getparent().remove(placeholder)
    oxml.strip_layout_whitespace(footer._element)


def add_record(document: Document, after: Paragraph) -> None:
    """The notice's 版记, at the foot of a last portrait page of its own after the ledger.

    The ledger attachment is landscape; a 版记 at the foot of that page would lie along
    the binding edge, so the 版记 gets a portrait page, which starts on an even page as
    GB/T 9704 wants the last page (Word and LibreOffice insert a blank page when
    needed). The 版记 sits in that page's footers; its body is one empty line. Without
    a notice the section renders empty and the engine drops it (with its footers).
    """
    record = end_section_at(document, after)
    set_up_section(record, PORTRAIT)
    record.start_type = WD_SECTION.EVEN_PAGE
    add_control(document, "if notice")
    add_paragraph(document, g.STYLE_BODY)
    add_control(document, "endif")
    fill_record_footer(record.footer, odd=True)
    fill_record_footer(record.even_page_footer, odd=False)


# --- settings and fonts for Word and WPS -------------------------------------------------

# The faces GB/T 9704 names, as Word and WPS name them, and what to fall back on where one is
# not installed: Windows and WPS ship 仿宋 and 楷体 (not the _GB2312 faces many offices add)
# and 宋体, but no 方正小标宋. The PANOSE, charset and family are those Word and WPS record
# for these faces in a document's font table; Word matches a missing face by them.
FONTS = (
    oxml.FontEntry(g.FONT_FANGSONG, "仿宋", "02010609030101010101", "86", "modern", "fixed"),
    oxml.FontEntry(g.FONT_KAITI, "楷体", "02010609030101010101", "86", "modern", "fixed"),
    oxml.FontEntry(g.FONT_XIAOBIAOSONG, "宋体", "02000000000000000000", "86", "auto", "variable"),
    oxml.FontEntry(g.FONT_HEITI, "SimHei", "02010609060101010101", "86", "modern", "fixed"),
    oxml.FontEntry(g.FONT_SONGTI, "SimSun", "02010600030101010101", "86", "auto", "variable"),
    oxml.FontEntry("仿宋", "FangSong", "02010609060101010101", "86", "modern", "fixed"),
    oxml.FontEntry("楷体", "KaiTi", "02010609060101010101", "86", "modern", "fixed"),
)
# python-docx's default template lists the Japanese faces of its ja-JP theme; we use none.
UNUSED_FONTS = ("ＭＳ 明朝", "ＭＳ ゴシック")


def set_up_for_word_and_wps(document: Document) -> None:
    """Word and WPS open the document as their own, with our faces or their fallbacks.

    No ``w:updateFields``: Word then asks on every opening whether to update the fields.
    The only field is PAGE in the footers, which Word and WPS compute as they lay pages out.
    """
    oxml.set_compatibility_mode(document)
    oxml.set_font_table(document, FONTS, drop=UNUSED_FONTS)


# --- documents ----------------------------------------------------------------------------


def new_template(title: str) -> Document:
    """An empty document with the GB/T styles, page, grid and page-number footers."""
    document = new_document()
    oxml.strip_layout_whitespace(document.element)
    oxml.drop_part_relationship(document, RT.THUMBNAIL)
    oxml.drop_part_relationship(document, STYLES_WITH_EFFECTS)
    set_up_styles(document)
    section = document.sections[0]
    set_up_section(section, PORTRAIT)
    add_page_number_footers(document, section)
    oxml.set_no_stretch_before_line_break(document)
    set_up_for_word_and_wps(document)
    oxml.set_core_properties(document, title, TEMPLATE_AUTHOR, TEMPLATE_STAMP)
    return document


def add_title(document: Document) -> None:
    """Title (may hold "\\n" line breaks), then one blank line."""
    add_paragraph(document, g.STYLE_TITLE, "{{ title }}")
    add_blank_lines(document)


def add_more_tables(document: Document) -> None:
    """The further attachments of a 公文 (``tables``: [{label, title, columns, rows}]),
    each on a new landscape page after the first: label, blank line, title, table."""
    add_control(document, "for t in tables")
    label = add_paragraph(document, g.STYLE_ATTACHMENT_LABEL, "{{ t.label }}")
    label.paragraph_format.page_break_before = True
    add_blank_lines(document, keep_with_next=True)
    add_paragraph(document, g.STYLE_ATTACHMENT_TITLE, "{{ t.title }}")
    add_column_loop_table(document, "t")
    add_control(document, "endfor")


def add_landscape_attachment(
    document: Document,
    after: Paragraph,
    add_table: Callable[[Document], None],
    condition: str | None = None,
    more_tables: bool = False,
) -> Paragraph:
    """A new landscape section after ``after``: attachments[0].label, ledger.title, a table.

    With ``condition`` the section's content sits inside ``{%p if condition %}`` and
    the section ends with a break of its own; the portrait section after it holds only
    the ``endif`` and renders empty, and the engine then drops it (when the condition
    is false, the landscape section goes as well and the document keeps one section).
    Returns the paragraph after the table.
    """
    attachment = end_section_at(document, after)
    set_up_section(attachment, LANDSCAPE)
    add_landscape_numbers(attachment)
    if condition:
        add_control(document, f"if {condition}")
    add_paragraph(document, g.STYLE_ATTACHMENT_LABEL, "{{ attachments[0].label }}")
    add_blank_lines(document, keep_with_next=True)  # label, blank line and title stay together
    add_paragraph(document, g.STYLE_ATTACHMENT_TITLE, "{{ ledger.title }}")
    add_table(document)
    if more_tables:  # inside the landscape section, before the paragraph that ends it
        add_more_tables(document)
    last = add_table_end(document)
    if condition:
        after_section = end_section_at(document, last)
        set_up_section(after_section, PORTRAIT)
        add_page_number_footers(document, after_section)  # portrait numbers again
        add_control(document, "endif")
    return last


TABLE_END_STYLE = next(spec for spec in FORM_STYLES if spec.name == g.STYLE_TABLE_END)


def add_table_end(document: Document) -> Paragraph:
    """The paragraph Word needs after a table, in style 表后段落 (1 pt high): a table that
    fills its last page exactly does not push it onto a blank page of its own."""
    if g.STYLE_TABLE_END not in {style.name for style in document.styles}:
        add_paragraph_style(document, TABLE_END_STYLE)
    return add_paragraph(document, g.STYLE_TABLE_END)


def build_plan_template() -> Document:
    """plan.docx. Context: notice, title, addressee, blocks, attachments, signature, date,
    ledger.

    attachments: [{label: "附件" | "附件1", title}]; the landscape attachment page shows
    attachments[0].label and the ledger {title, groups: [{project, rows: [{seq,
    content: [str], responsible, status}]}]}. notice: None, or the issuing notice
    {authority, number, title, addressee, body: [str], signature, date, remark, copy_to,
    printer, print_date} (strings ready to print, see generator/documents/notice.py).
    """
    document = new_template("年度工作方案（模板）")
    for spec in NOTICE_STYLES:
        add_paragraph_style(document, spec)
    finish_notice_styles(document)
    add_notice(document)
    add_plan_title(document)
    add_addressee(document)
    add_blocks_loop(document, "blocks")
    add_attachment_note(document)
    end, date = add_plan_closing(document)
    last = add_landscape_attachment(document, date, add_ledger_table)
    share_section_break(date, end)
    add_record(document, last)
    return document


def build_summary_template() -> Document:
    """summary.docx (阶段工作总结). Context: title, addressee, blocks, charts, attachments,
    signature, date, ledger.

    blocks hold the body up to the charts: [{picture: Picture, caption}] (may be empty);
    blocks_after_charts the rest of the body, so the closing block follows text.
    ledger: {title, columns: [header text], rows: [{cells: [text]}]} on a
    landscape page labelled attachments[0].label, or None/empty for no attachment
    page (attachments then empty too); tables: further attachments [{label, title,
    columns, rows}] like ledger, each from a new landscape page (may be empty).
    """
    document = new_template("阶段工作总结（模板）")
    for spec in CHART_STYLES:
        add_paragraph_style(document, spec)
    add_title(document)
    add_addressee(document)
    add_blocks_loop(document, "blocks", last=f"{LAST_KEEP} and not charts")
    add_charts_loop(document, "charts", after="blocks_after_charts")
    add_blocks_loop(document, "blocks_after_charts")
    add_attachment_note(document)
    date = add_signature_and_date(document)
    add_landscape_attachment(
        document, date, add_column_loop_table, condition="ledger", more_tables=True
    )
    return document


def build_unit_plan_template() -> Document:
    """unit_plan.docx. Context: title, plan_title, unit_name, year, task_blocks,
    phase_blocks, requirement_blocks, signature, date."""
    document = new_template("单位实施方案（模板）")
    add_title(document)
    add_paragraph(
        document, g.STYLE_BODY, "根据《{{ plan_title }}》要求，结合本单位实际，制定本实施方案。"
    )
    for heading, variable in (
        ("一、工作任务", "task_blocks"),
        ("二、实施步骤", "phase_blocks"),
        ("三、工作要求", "requirement_blocks"),
    ):
        # A plan without 工作要求 must not leave a bare heading in every unit plan.
        optional = variable == "requirement_blocks"
        if optional:
            add_control(document, f"if {variable}")
        add_paragraph(document, g.STYLE_HEADING_1, heading)
        add_blocks_loop(document, variable)
        if optional:
            add_control(document, "endif")
    add_signature_and_date(document)
    return document


def to_bytes(document: Document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return normalize_zip(buffer.getvalue())


def build_individual_form_template() -> Document:
    return build_nomination_template(INDIVIDUAL_FORM)


def build_collective_form_template() -> Document:
    return build_nomination_template(COLLECTIVE_FORM)


def builders() -> dict[str, Callable[[], Document]]:
    """Template file name → its recipe, for every Word template the registry names.

    The registry (generator/pipeline/kinds.py) says which recipe makes each template;
    a template without one here is an error, not a silent gap.
    """
    return {t.name: globals()[t.recipe] for t in docx_templates()}


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="重新生成 templates/ 下的 Word 模板")
    parser.add_argument("--out", type=Path, default=TEMPLATES_DIR, help="输出目录")
    args = parser.parse_args(argv)
    for name, build in builders().items():
        path = args.out / name
        write_bytes_atomic(path, to_bytes(build()))
        print(f"已生成 {path}")


if __name__ == "__main__":
    main()
