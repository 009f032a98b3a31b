"""The template builder's helpers over python-docx's oxml, for what python-docx has no API for.

python-docx writes neither ``w:eastAsia`` fonts nor ``w:lang``, knows no document
grid, no field codes and no table borders, yet Word and WPS are strict about the
order of child elements. Every helper here therefore inserts children at their
schema position (``ensure_child``) so the result opens without a repair prompt.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from docx.enum.section import WD_ORIENT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Twips
from lxml import etree

from generator.render import gbt9704
from generator.render.docx.schema_order import TCPR_ORDER

if TYPE_CHECKING:
    from docx.document import Document
    from docx.section import Section
    from docx.styles.style import BaseStyle
    from docx.table import Table, _Cell, _Row
    from docx.text.paragraph import Paragraph
    from docx.text.run import Run

# Schema order of the children we touch (ECMA-376 Part 1, §17.3 / §17.4 / §17.6).
RPR_ORDER: tuple[str, ...] = (
    "w:rStyle", "w:rFonts", "w:b", "w:bCs", "w:i", "w:iCs", "w:caps", "w:smallCaps",
    "w:strike", "w:dstrike", "w:outline", "w:shadow", "w:emboss", "w:imprint",
    "w:noProof", "w:snapToGrid", "w:vanish", "w:webHidden", "w:color", "w:spacing",
    "w:w", "w:kern", "w:position", "w:sz", "w:szCs", "w:highlight", "w:u", "w:effect",
    "w:bdr", "w:shd", "w:fitText", "w:vertAlign", "w:rtl", "w:cs", "w:em", "w:lang",
    "w:eastAsianLayout", "w:specVanish", "w:oMath", "w:rPrChange",
)  # fmt: skip
PPR_ORDER: tuple[str, ...] = (
    "w:pStyle", "w:keepNext", "w:keepLines", "w:pageBreakBefore", "w:framePr",
    "w:widowControl", "w:numPr", "w:suppressLineNumbers", "w:pBdr", "w:shd", "w:tabs",
    "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
    "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd",
    "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents",
    "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
    "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr",
    "w:pPrChange",
)  # fmt: skip
SECTPR_ORDER: tuple[str, ...] = (
    "w:headerReference", "w:footerReference", "w:footnotePr", "w:endnotePr", "w:type",
    "w:pgSz", "w:pgMar", "w:paperSrc", "w:pgBorders", "w:lnNumType", "w:pgNumType",
    "w:cols", "w:formProt", "w:vAlign", "w:noEndnote", "w:titlePg", "w:textDirection",
    "w:bidi", "w:rtlGutter", "w:docGrid", "w:printerSettings", "w:sectPrChange",
)  # fmt: skip
TBLPR_ORDER: tuple[str, ...] = (
    "w:tblStyle", "w:tblpPr", "w:tblOverlap", "w:bidiVisual", "w:tblStyleRowBandSize",
    "w:tblStyleColBandSize", "w:tblW", "w:jc", "w:tblCellSpacing", "w:tblInd",
    "w:tblBorders", "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook",
    "w:tblCaption", "w:tblDescription", "w:tblPrChange",
)  # fmt: skip
BORDER_EDGES: tuple[str, ...] = ("top", "left", "bottom", "right", "insideH", "insideV")
THEME_FONT_ATTRIBUTES: tuple[str, ...] = ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme")

_A = "http://schemas.openxmlformats.org/drawingml/2006/main"


@dataclass(frozen=True)
class RunFormat:
    """The character formatting every run of one GB/T element carries."""

    east_asia: str
    size: int  # half-points
    latin: str = gbt9704.FONT_LATIN
    bold: bool = False
    char_spacing: int | None = None  # twentieths of a point; negative condenses


# --- generic element plumbing -------------------------------------------------------------


def ensure_child(parent: etree._Element, tag: str, order: Sequence[str]) -> etree._Element:
    """Return ``parent``'s ``tag`` child, inserting it at its schema position if missing."""
    existing = parent.find(qn(tag))
    if existing is not None:
        return existing
    child = OxmlElement(tag)
    insert_in_order(parent, child, order)
    return child


def insert_in_order(parent: etree._Element, child: etree._Element, order: Sequence[str]) -> None:
    """Insert (or move) ``child`` into ``parent`` before the first sibling that must follow it."""
    own = etree.QName(child).localname
    later = {qn(name) for name in order[order.index(f"w:{own}") + 1 :]}
    for sibling in parent:
        if sibling.tag in later:
            sibling.addprevious(child)
            return
    parent.append(child)


def set_w_attributes(element: etree._Element, **values: str | int) -> None:
    """Set ``w:``-namespaced attributes given as keyword arguments (``line=579``)."""
    for name, value in values.items():
        element.set(qn(f"w:{name}"), str(value))


def strip_layout_whitespace(element: etree._Element) -> None:
    """Drop pretty-printing whitespace between elements (never inside ``w:t``).

    docxtpl's regular expressions expect un-indented XML; python-docx's default
    template ships indented parts.
    """
    # python-docx overrides ``.text`` on some element classes (``w:r``), so go
    # through lxml's own descriptor; only whitespace before a first child goes.
    raw_text = etree._Element.text
    for node in element.iter():
        text = raw_text.__get__(node)
        if len(node) and text is not None and not text.strip():
            raw_text.__set__(node, None)
        if node.tail is not None and not node.tail.strip():
            node.tail = None


# --- run properties -----------------------------------------------------------------------


def run_properties(target: Run | BaseStyle) -> etree._Element:
    """The ``w:rPr`` of a run or a style, created if missing."""
    owner = target._r if hasattr(target, "_r") else target.element
    return owner.get_or_add_rPr()


def paragraph_mark_properties(paragraph: Paragraph) -> etree._Element:
    """The ``w:pPr/w:rPr`` that formats the paragraph mark (and so an empty line)."""
    return ensure_child(paragraph._p.get_or_add_pPr(), "w:rPr", PPR_ORDER)


def set_fonts(rpr: etree._Element, east_asia: str, latin: str = gbt9704.FONT_LATIN) -> None:
    """Name the fonts explicitly for every script; theme references would override them."""
    fonts = ensure_child(rpr, "w:rFonts", RPR_ORDER)
    for name in THEME_FONT_ATTRIBUTES:
        fonts.attrib.pop(qn(f"w:{name}"), None)
    set_w_attributes(fonts, ascii=latin, hAnsi=latin, eastAsia=east_asia, cs=latin)
    # Word picks the font for ambiguous characters (— “ ” …) from this hint.
    set_w_attributes(fonts, hint="eastAsia")


def set_size(rpr: etree._Element, half_points: int) -> None:
    set_w_attributes(ensure_child(rpr, "w:sz", RPR_ORDER), val=half_points)
    set_w_attributes(ensure_child(rpr, "w:szCs", RPR_ORDER), val=half_points)


def set_bold(rpr: etree._Element, bold: bool) -> None:
    """Write bold explicitly, also when off, so an inherited bold cannot leak in."""
    value = "1" if bold else "0"
    set_w_attributes(ensure_child(rpr, "w:b", RPR_ORDER), val=value)
    set_w_attributes(ensure_child(rpr, "w:bCs", RPR_ORDER), val=value)


def set_char_spacing(rpr: etree._Element, twentieths: int) -> None:
    set_w_attributes(ensure_child(rpr, "w:spacing", RPR_ORDER), val=twentieths)


def set_lang(
    rpr: etree._Element,
    east_asia: str = gbt9704.LANG_EAST_ASIA,
    latin: str = gbt9704.LANG_LATIN,
) -> None:
    set_w_attributes(ensure_child(rpr, "w:lang", RPR_ORDER), val=latin, eastAsia=east_asia)


def apply_run_format(rpr: etree._Element, fmt: RunFormat) -> None:
    """Give ``rpr`` the fonts, size, weight, spacing and language of ``fmt``."""
    set_fonts(rpr, fmt.east_asia, fmt.latin)
    set_bold(rpr, fmt.bold)
    if fmt.char_spacing is not None:
        set_char_spacing(rpr, fmt.char_spacing)
    set_size(rpr, fmt.size)
    set_lang(rpr)


def set_run_style(rpr: etree._Element, style_id: str) -> None:
    set_w_attributes(ensure_child(rpr, "w:rStyle", RPR_ORDER), val=style_id)


# --- paragraph properties -----------------------------------------------------------------


def set_snap_to_grid(ppr: etree._Element, snap: bool) -> None:
    """Turn grid snapping off for lines that must keep their own exact height.

    LibreOffice otherwise stretches each table or footer line to the body pitch.
    """
    set_w_attributes(ensure_child(ppr, "w:snapToGrid", PPR_ORDER), val="1" if snap else "0")


def set_outline_level(ppr: etree._Element, level: int) -> None:
    """Show the paragraph in Word's navigation pane (0 = top level)."""
    set_w_attributes(ensure_child(ppr, "w:outlineLvl", PPR_ORDER), val=level)


def set_hanging_indent(ppr: etree._Element, left: int, hanging: int) -> None:
    indent = ensure_child(ppr, "w:ind", PPR_ORDER)
    indent.attrib.pop(qn("w:firstLine"), None)
    set_w_attributes(indent, left=left, hanging=hanging)


# --- document-wide settings ---------------------------------------------------------------


def set_doc_defaults(document: Document, fmt: RunFormat, line: int) -> None:
    """docDefaults: Chinese fonts and zh-CN instead of python-docx's theme / Japanese defaults."""
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    apply_run_format(rpr, fmt)
    ppr = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr"))
    spacing = ensure_child(ppr, "w:spacing", PPR_ORDER)
    spacing.attrib.clear()
    set_w_attributes(spacing, before=0, after=0, line=line, lineRule="exact")


def set_theme_east_asian(document: Document, minor: str, major: str) -> None:
    """Point the theme's East Asian fonts at Chinese faces, and its language at zh-CN.

    Built-in styles we leave alone (Heading 1, Title, …) use theme fonts; the
    default theme sends them to Japanese faces through ``themeFontLang ja-JP``.
    """
    theme_part = document.part.part_related_by(RT.THEME)
    root = etree.fromstring(theme_part.blob)
    for scheme, face in (("minorFont", minor), ("majorFont", major)):
        for east_asian in root.iter(f"{{{_A}}}{scheme}"):
            east_asian.find(f"{{{_A}}}ea").set("typeface", face)
    theme_part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    settings = document.settings.element
    lang = settings.find(qn("w:themeFontLang"))
    if lang is not None:
        set_w_attributes(lang, val=gbt9704.LANG_LATIN, eastAsia=gbt9704.LANG_EAST_ASIA)


def set_even_and_odd_footers(document: Document) -> None:
    """``w:evenAndOddHeaders``: odd pages right-aligned numbers, even pages left-aligned."""
    document.settings.odd_and_even_pages_header_footer = True


def set_no_stretch_before_line_break(document: Document) -> None:
    """``w:doNotExpandShiftReturn``: a justified line ending in a manual break stays unstretched.

    A "\n" in a value becomes ``<w:br/>``; without this, Word and LibreOffice spread
    the characters before it across the whole line.
    """
    compat = document.settings.element.find(qn("w:compat"))
    if compat is None:
        compat = OxmlElement("w:compat")
        document.settings.element.append(compat)
    if compat.find(qn("w:doNotExpandShiftReturn")) is None:
        # Legacy flags precede the compatSetting entries inside w:compat.
        compat.insert(0, OxmlElement("w:doNotExpandShiftReturn"))


# Word 2013 and later: a lower mode opens the document in "compatibility mode" ([兼容模式] in
# the title bar, an offer to convert when saving); ECMA-376 Part 1 §17.15.3.4 compatSetting,
# [MS-DOCX] 2.6.1 compatibilityMode (15 = Word 2013 and later, 14 = Word 2010).
COMPATIBILITY_MODE = 15
_WORD_URI = "http://schemas.microsoft.com/office/word"


def set_compatibility_mode(document: Document, mode: int = COMPATIBILITY_MODE) -> None:
    """``compatibilityMode`` in settings.xml, so Word opens the document as its own."""
    compat = document.settings.element.find(qn("w:compat"))
    if compat is None:
        compat = OxmlElement("w:compat")
        document.settings.element.append(compat)
    for setting in compat.findall(qn("w:compatSetting")):
        if setting.get(qn("w:name")) == "compatibilityMode":
            setting.set(qn("w:val"), str(mode))
            return
    setting = OxmlElement("w:compatSetting")
    set_w_attributes(setting, name="compatibilityMode", uri=_WORD_URI, val=mode)
    compat.append(setting)


@dataclass(frozen=True)
class FontEntry:
    """One font of the font table (ECMA-376 Part 1 §17.8.3): what Word and WPS use to find
    the face, or the closest one, on a machine that does not have it."""

    name: str
    alt_name: str  # §17.8.3.1 altName: another name to locate the font by
    panose: str  # §17.8.3.13 panose1: the face's PANOSE class, for matching a substitute
    charset: str  # §17.8.3.2, hex: 86 = GB2312
    family: str  # §17.8.3.9: roman, swiss, modern, script, decorative, auto
    pitch: str  # §17.8.3.15: fixed, variable, default


_FONT_CHILDREN = ("altName", "panose1", "charset", "family", "pitch")  # CT_Font sequence


def set_font_table(document: Document, fonts: Sequence[FontEntry], drop: Sequence[str]) -> None:
    """Add (or replace) ``fonts`` in word/fontTable.xml and remove the entries in ``drop``."""
    part = next(
        rel.target_part for rel in document.part.rels.values() if rel.reltype == RT.FONT_TABLE
    )
    root = etree.fromstring(part.blob)
    wanted = {font.name for font in fonts} | set(drop)
    for entry in root.findall(qn("w:font")):
        if entry.get(qn("w:name")) in wanted:
            root.remove(entry)
    for font in fonts:
        entry = etree.SubElement(root, qn("w:font"))
        entry.set(qn("w:name"), font.name)
        values = (font.alt_name, font.panose, font.charset, font.family, font.pitch)
        for tag, value in zip(_FONT_CHILDREN, values, strict=True):
            etree.SubElement(entry, qn(f"w:{tag}")).set(qn("w:val"), value)
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def set_core_properties(document: Document, title: str, author: str, stamp: datetime) -> None:
    """Fixed document properties, so a rebuilt template is byte-identical."""
    props = document.core_properties
    props.title = title
    props.author = author
    props.last_modified_by = author
    props.comments = ""
    props.created = stamp
    props.modified = stamp
    props.revision = 1


def drop_part_relationship(document: Document, reltype: str) -> None:
    """Remove a part python-docx's default template ships but we do not want."""
    for rid, rel in list(document.part.rels.items()):
        if rel.reltype == reltype:
            document.part.drop_rel(rid)
    package_rels = document.part.package.rels
    for rid, rel in list(package_rels.items()):
        if rel.reltype == reltype:
            del package_rels[rid]


# --- sections -----------------------------------------------------------------------------


@dataclass(frozen=True)
class PageSetup:
    """Size and margins of one section, in twips."""

    width: int
    height: int
    top: int
    right: int
    bottom: int
    left: int
    header: int
    footer: int

    @property
    def landscape(self) -> bool:
        return self.width > self.height


def set_page_setup(section: Section, page: PageSetup) -> None:
    section.orientation = WD_ORIENT.LANDSCAPE if page.landscape else WD_ORIENT.PORTRAIT
    section.page_width = Twips(page.width)
    section.page_height = Twips(page.height)
    section.top_margin = Twips(page.top)
    section.right_margin = Twips(page.right)
    section.bottom_margin = Twips(page.bottom)
    section.left_margin = Twips(page.left)
    section.header_distance = Twips(page.header)
    section.footer_distance = Twips(page.footer)
    section.gutter = Twips(0)


def set_doc_grid(section: Section, line_pitch: int) -> None:
    """``<w:docGrid w:type="lines" w:linePitch=…/>``: lines only.

    ``linesAndChars`` with a negative ``charSpace`` makes LibreOffice lay out 14
    characters per line, so the character count comes from run spacing instead.
    """
    grid = ensure_child(section._sectPr, "w:docGrid", SECTPR_ORDER)
    grid.attrib.clear()
    set_w_attributes(grid, type="lines", linePitch=line_pitch)


# --- fields and footers -------------------------------------------------------------------


def _add_run(paragraph: Paragraph, fmt: RunFormat) -> etree._Element:
    run = paragraph.add_run()
    apply_run_format(run_properties(run), fmt)
    return run._r


def _add_field_char(paragraph: Paragraph, fmt: RunFormat, kind: str) -> None:
    field_char = OxmlElement("w:fldChar")
    set_w_attributes(field_char, fldCharType=kind)
    _add_run(paragraph, fmt).append(field_char)


def add_text_run(paragraph: Paragraph, text: str, fmt: RunFormat) -> Run:
    """Append a run with ``text`` and the full formatting of ``fmt``."""
    run = paragraph.add_run(text)
    apply_run_format(run_properties(run), fmt)
    return run


def add_field(paragraph: Paragraph, instruction: str, placeholder: str, fmt: RunFormat) -> None:
    """Append a complex field (``PAGE``, ``NUMPAGES``…) showing ``placeholder`` until updated."""
    _add_field_char(paragraph, fmt, "begin")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    _add_run(paragraph, fmt).append(instr)
    _add_field_char(paragraph, fmt, "separate")
    add_text_run(paragraph, placeholder, fmt)
    _add_field_char(paragraph, fmt, "end")


def add_page_number(paragraph: Paragraph, fmt: RunFormat) -> None:
    """``— PAGE —`` as GB/T 9704 writes page numbers (U+2014, a space each side)."""
    add_text_run(paragraph, gbt9704.PAGE_NUMBER_BEFORE, fmt)
    add_field(paragraph, "PAGE", "1", fmt)
    add_text_run(paragraph, gbt9704.PAGE_NUMBER_AFTER, fmt)


# --- tables -------------------------------------------------------------------------------


def set_table_layout(table: Table, widths: Sequence[int], border_size: int) -> None:
    """Fixed column widths (twips), full single borders, centred on the page."""
    tbl_pr = table._tbl.tblPr
    width = ensure_child(tbl_pr, "w:tblW", TBLPR_ORDER)
    set_w_attributes(width, w=sum(widths), type="dxa")
    set_w_attributes(ensure_child(tbl_pr, "w:jc", TBLPR_ORDER), val="center")
    borders = ensure_child(tbl_pr, "w:tblBorders", TBLPR_ORDER)
    for edge in BORDER_EDGES:
        line = ensure_child(borders, f"w:{edge}", tuple(f"w:{name}" for name in BORDER_EDGES))
        set_w_attributes(line, val="single", sz=border_size, space=0, color="000000")
    set_w_attributes(ensure_child(tbl_pr, "w:tblLayout", TBLPR_ORDER), type="fixed")
    for grid_col, column_width in zip(table._tbl.tblGrid.gridCol_lst, widths, strict=True):
        grid_col.w = Twips(column_width)
    for row in table.rows:
        for cell, column_width in zip(row.cells, widths, strict=True):
            cell.width = Twips(column_width)


def set_repeat_header(row: _Row) -> None:
    """Repeat this row at the top of every page the table runs onto (``w:tblHeader``)."""
    tr_pr = row._tr.get_or_add_trPr()
    if tr_pr.find(qn("w:tblHeader")) is None:
        tr_pr.append(OxmlElement("w:tblHeader"))


def set_cant_split(row: _Row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    if tr_pr.find(qn("w:cantSplit")) is None:
        tr_pr.insert(0, OxmlElement("w:cantSplit"))


def set_cell_vertical_centre(cell: _Cell) -> None:
    set_w_attributes(ensure_child(cell._tc.get_or_add_tcPr(), "w:vAlign", TCPR_ORDER), val="center")
