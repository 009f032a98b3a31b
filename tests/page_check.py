"""The page check: GB/T 9704 and office practice read off the laid-out pages.

A Word document is laid out by LibreOffice (``generator.write.pdf``), and each rule is
checked on the PDF's pages: where every line of text sits (``pdftotext -bbox-layout``),
which picture lies on which page and how large it is (``pdfimages -list``), the fonts
(``pdffonts``). The docx says what each piece of text is (a heading, the 署名, a table
cell); the PDF says where it landed. The numbers come from the standard
(``/work/shared/reference`` summarises it): a 156 × 225 mm 版心 37 mm from the top and
28 mm from the left, page numbers ``— N —`` outside it, odd on the right, even on the
left; nothing here is taken from the code that lays the documents out.

``check(docx, pdf)`` returns the problems of one document as ``Problem`` records, one
per rule broken and place; ``RULES`` names every rule, so a count of 0 is printed
for a rule that found nothing.
"""

from __future__ import annotations

import itertools
import re
import subprocess
import zipfile
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePath

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}
MM = 72 / 25.4  # PDF points per millimetre
TEXT_WIDTH_MM = 156
TEXT_HEIGHT_MM = 225
TOP_MM = 37
LEFT_MM = 28
TOLERANCE = 3.0  # points: glyph boxes overhang their advance a little
CHAR_MM_SIHAO = 14 / MM  # one 四号 character, in mm
TABLE_LINES_PER_PAGE = 18  # 四号 table lines a page holds, a safe lower bound
# A column of text this long must hold at least this many characters a line.
LONG_TEXT, NARROW_CHARS = 30, 6
# Documents per conversion run: one LibreOffice process laying out several hundred
# documents in a row was seen to stop converting part-way.
CONVERT_CHUNK = 100

RULES: dict[str, str] = {
    "closing_alone": "附件说明/署名/成文日期独占一页",
    "heading_at_foot": "标题或“……：”标签落在页末",
    "blank_page": "空白页（版记前的除外）",
    "page_number": "页码缺失、错误，或版记页及其前的空白页编了页码",
    "page_number_side": "页码位置不对（单页居右、双页居左）",
    "signature_wrap": "署名在词中折行",
    "authority_line": "发文机关标志不在一行或超出版心",
    "picture_fit": "图片超出版心",
    "caption_apart": "图题与图片不在同一页",
    "row_split": "表格行跨页拆开（行高不足一页）",
    "header_repeat": "续页没有重复表头",
    "group_label": "合并单元格跨页后续页没有项目名称",
    "narrow_column": "长文字（30 字以上）的列过窄（每行不足 6 字）",
    "fonts": "嵌入了非中文替代字体（DejaVu 等）",
}
NUMBER_LINE = re.compile(r"^\u2014\s*(\d+)\s*\u2014$")
CLOSING_STYLES = {"AttachmentNote", "Signature", "IssueDate", "Remark"}
HEADING_STYLES = {"LevelOneHeading", "AttachmentLabel"}
LEVEL_TWO = "LevelTwoHeading"
ALLOWED_FONT = re.compile(r"NotoSerifCJK|NotoSansCJK|UKai|Liberation", re.I)


@dataclass(frozen=True)
class Problem:
    rule: str
    page: int
    detail: str


# --- what the docx says ---------------------------------------------------------------------


@dataclass
class Paragraph:
    style: str
    text: str  # white space removed
    role: str  # heading | label | closing | signature | caption | authority | body
    lines: int = 1  # lines the text itself asks for (w:br + 1)


@dataclass
class Row:
    cells: list[str]
    header: bool
    merged: list[str]  # vMerge state per cell: "restart", "continue" or ""
    widths: list[int]  # twips per cell
    starts: list[int]  # twips from the table's left edge to each cell


@dataclass
class Table:
    rows: list[Row]
    widths: list[int]


@dataclass
class Document:
    blocks: list[Paragraph | Table] = field(default_factory=list)
    has_notice: bool = False
    record_text: str = ""  # the 印发 line of the 版记, if any


def squeeze(text: str) -> str:
    return "".join(text.split())


def _text(element: etree._Element) -> str:
    return "".join(element.xpath(".//w:t/text()", namespaces=NS))


def _paragraph(p: etree._Element) -> Paragraph:
    style = (p.xpath("string(w:pPr/w:pStyle/@w:val)", namespaces=NS)) or "Normal"
    text = squeeze(_text(p))
    runs = [r for r in p.xpath("w:r|w:hyperlink/w:r", namespaces=NS) if squeeze(_text(r))]
    level_two = bool(runs) and all(
        r.xpath("string(w:rPr/w:rStyle/@w:val)", namespaces=NS) == LEVEL_TWO for r in runs
    )
    if style in CLOSING_STYLES:
        role = "signature" if style == "Signature" else "closing"
    elif style in HEADING_STYLES or level_two:
        role = "heading"
    elif style == "ChartCaption":
        role = "caption"
    elif style == "IssuingAuthority":
        role = "authority"
    elif text.endswith(("：", ":")) and len(text) <= 40:
        role = "label"
    else:
        role = "body"
    lines = len(p.xpath(".//w:br[not(@w:type) or @w:type='textWrapping']", namespaces=NS)) + 1
    return Paragraph(style, text, role, lines)


def _read_table(tbl: etree._Element) -> Table:
    widths = [int(w) for w in tbl.xpath("w:tblGrid/w:gridCol/@w:w", namespaces=NS)]
    rows = []
    for tr in tbl.xpath("w:tr", namespaces=NS):
        cells, merged, cell_widths, starts = [], [], [], []
        column = 0
        for tc in tr.xpath("w:tc", namespaces=NS):
            span = int(tc.xpath("string(w:tcPr/w:gridSpan/@w:val)", namespaces=NS) or 1)
            starts.append(sum(widths[:column]))
            cell_widths.append(sum(widths[column : column + span]))
            column += span
            cells.append(squeeze(_text(tc)))
            vmerge = tc.xpath("w:tcPr/w:vMerge", namespaces=NS)
            merged.append("" if not vmerge else (vmerge[0].get(f"{{{W}}}val") or "continue"))
        header = bool(tr.xpath("w:trPr/w:tblHeader", namespaces=NS))
        rows.append(Row(cells, header, merged, cell_widths, starts))
    return Table(rows, widths)


def read_docx(path: Path) -> Document:
    with zipfile.ZipFile(path) as package:
        body = etree.fromstring(package.read("word/document.xml")).find(f"{{{W}}}body")
        footers = [
            etree.fromstring(package.read(name))
            for name in package.namelist()
            if re.fullmatch(r"word/footer\d+\.xml", name)
        ]
    document = Document()
    for child in body:
        if child.tag == f"{{{W}}}p":
            paragraph = _paragraph(child)
            document.blocks.append(paragraph)
            document.has_notice |= paragraph.role == "authority"
        elif child.tag == f"{{{W}}}tbl":
            document.blocks.append(_read_table(child))
    for footer in footers:
        for p in footer.xpath(".//w:p[w:pPr/w:pStyle/@w:val='Printer']", namespaces=NS):
            document.record_text = squeeze(_text(p))
    return document


# --- what the PDF shows -----------------------------------------------------------------------


@dataclass
class Line:
    x0: float
    y0: float
    x1: float
    y1: float
    text: str  # white space removed


@dataclass
class Page:
    number: int
    width: float
    height: float
    lines: list[Line]
    words: list[Line] = field(default_factory=list)
    images: list[tuple[float, float]] = field(default_factory=list)  # (w, h) in points

    def column_text(self, x0: float, x1: float) -> str:
        """The words whose middle lies between ``x0`` and ``x1``, top to bottom: the text of
        one table column, whatever order the page's text comes out in."""
        inside = [w for w in self.words if x0 <= (w.x0 + w.x1) / 2 < x1]
        return "".join(w.text for w in sorted(inside, key=lambda w: (round(w.y0), w.x0)))

    @property
    def landscape(self) -> bool:
        return self.width > self.height

    @property
    def numbers(self) -> list[Line]:
        return [line for line in self.lines if NUMBER_LINE.match(line.text)]

    @property
    def body(self) -> list[Line]:
        return [line for line in self.lines if not NUMBER_LINE.match(line.text)]

    @property
    def text(self) -> str:
        return "".join(line.text for line in self.body)


def _run(*command: str) -> str:
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


def read_pdf(path: Path) -> list[Page]:
    html = _run("pdftotext", "-bbox-layout", str(path), "-")
    root = etree.fromstring(html.encode("utf-8"), etree.XMLParser(recover=True))
    pages = []
    for n, page in enumerate(root.iter("{*}page"), 1):
        lines, words = [], []
        for line in page.iter("{*}line"):
            text = squeeze("".join(word.text or "" for word in line.iter("{*}word")))
            if text:
                lines.append(Line(*_box(line), text))
            words += [Line(*_box(w), squeeze(w.text or "")) for w in line.iter("{*}word")]
        pages.append(Page(n, float(page.get("width")), float(page.get("height")), lines, words))
    listing = _run("pdfimages", "-list", str(path)).splitlines()[2:]
    for row in listing:
        cols = row.split()
        if len(cols) < 14 or cols[2] != "image":
            continue  # masks and stencils belong to an image already counted
        page, width, height, x_ppi, y_ppi = (
            int(cols[0]),
            int(cols[3]),
            int(cols[4]),
            cols[12],
            cols[13],
        )
        pages[page - 1].images.append((width / float(x_ppi) * 72, height / float(y_ppi) * 72))
    return pages


def _box(element: etree._Element) -> tuple[float, float, float, float]:
    x0, y0, x1, y1 = (float(element.get(k)) for k in ("xMin", "yMin", "xMax", "yMax"))
    return x0, y0, x1, y1


def text_frame(page: Page) -> tuple[float, float, float, float]:
    """The 版心 in PDF points (x0, y0, x1, y1); a landscape page keeps it where it lies
    on the sheet, turned with the page."""
    if not page.landscape:
        x0, y0 = LEFT_MM * MM, TOP_MM * MM
        return x0, y0, x0 + TEXT_WIDTH_MM * MM, y0 + TEXT_HEIGHT_MM * MM
    # The portrait sheet turned a quarter: its left margin is now the top one.
    x0 = page.width - (TOP_MM + TEXT_HEIGHT_MM) * MM
    y0 = LEFT_MM * MM
    return x0, y0, x0 + TEXT_HEIGHT_MM * MM, y0 + TEXT_WIDTH_MM * MM


# --- placing the docx's text on the pages ---------------------------------------------------


@dataclass
class Placed:
    """Where one paragraph's text landed: (page, line) of each of its characters."""

    paragraph: Paragraph
    spots: list[tuple[int, int]]

    @property
    def pages(self) -> list[int]:
        return sorted({page for page, _ in self.spots})


class Layout:
    """The characters of all body lines in reading order, each with its page and line."""

    def __init__(self, pages: Sequence[Page]) -> None:
        self.pages = pages
        self.chars: list[str] = []
        self.spots: list[tuple[int, int]] = []
        for page in pages:
            for index, line in enumerate(page.body):
                self.chars.extend(line.text)
                self.spots.extend([(page.number, index)] * len(line.text))
        self.stream = "".join(self.chars)
        self.owner: list[str] = [""] * len(self.stream)
        self.cursor = 0

    def place(self, paragraph: Paragraph) -> Placed | None:
        if not paragraph.text:
            return None
        at = self.stream.find(paragraph.text, self.cursor)
        if at < 0:
            return None
        end = at + len(paragraph.text)
        self.cursor = end
        for i in range(at, end):
            self.owner[i] = paragraph.role
        return Placed(paragraph, self.spots[at:end])

    def page_roles(self, number: int) -> Counter[str]:
        return Counter(
            self.owner[i] or "other" for i, (page, _) in enumerate(self.spots) if page == number
        )


def split_across(text: str, columns: Sequence[str], pages: Sequence[Page]) -> int | None:
    """The page after which a cell's ``text`` is cut in two: the end of its column on one
    page and the same column on the next page hold its two parts (``columns``: that
    column's text on each of ``pages``)."""
    if len(text) < 2 or any(text in column for column in columns):
        return None
    for n in range(len(columns) - 1):
        for cut in range(len(text) - 1, 0, -1):
            if columns[n].endswith(text[:cut]) and text[cut:] in columns[n + 1]:
                return pages[n].number
    return None


def pages_holding(text: str, pages: Sequence[Page]) -> list[int]:
    return [page.number for page in pages if text and text in page.text]


# --- the rules ------------------------------------------------------------------------------


def check(docx: Path, pdf: Path) -> list[Problem]:
    document = read_docx(docx)
    pages = read_pdf(pdf)
    layout = Layout(pages)
    problems: list[Problem] = []
    placed: list[Placed | Table] = []
    for block in document.blocks:
        if isinstance(block, Table):
            placed.append(block)
        else:
            spot = layout.place(block)
            if spot is not None:
                placed.append(spot)
    record = _record_pages(document, pages)
    problems += _closing_alone(pages, layout)
    problems += _headings_at_foot(placed, pages)
    problems += _blank_pages(pages, record)
    problems += _page_numbers(pages, record)
    problems += _signature_wrap(placed)
    problems += _authority(placed, pages)
    problems += _pictures(placed, pages)
    for block in document.blocks:
        if isinstance(block, Table):
            problems += _table(block, pages)
    problems += _fonts(pdf)
    return problems


def _record_pages(document: Document, pages: Sequence[Page]) -> set[int]:
    """The 版记 page (the last, when the document has a 版记) and a blank page before it."""
    if not document.record_text or not pages:
        return set()
    last = pages[-1]
    if document.record_text[:6] not in last.text:
        return set()
    found = {last.number}
    if len(pages) > 1 and not pages[-2].body and not pages[-2].images:
        found.add(pages[-2].number)
    return found


def _closing_alone(pages: Sequence[Page], layout: Layout) -> list[Problem]:
    problems = []
    for page in pages:
        roles = layout.page_roles(page.number)
        closing = roles["closing"] + roles["signature"]
        if closing and closing == sum(roles.values()) and not page.images:
            problems.append(Problem("closing_alone", page.number, page.text[:30]))
    return problems


def _first_page(block: Placed | Table, pages: Sequence[Page]) -> int | None:
    if isinstance(block, Placed):
        return block.spots[0][0]
    for row in block.rows:
        for cell in row.cells:
            found = pages_holding(cell, pages)
            if found:
                return found[0]
    return None


def _headings_at_foot(placed: Sequence[Placed | Table], pages: Sequence[Page]) -> list[Problem]:
    problems = []
    for block, after in itertools.pairwise(placed):
        if not isinstance(block, Placed) or block.paragraph.role not in ("heading", "label"):
            continue
        ends = block.spots[-1][0]
        starts = _first_page(after, pages)
        if starts is not None and starts > ends:
            problems.append(Problem("heading_at_foot", ends, block.paragraph.text[:30]))
    return problems


def _blank_pages(pages: Sequence[Page], record: set[int]) -> list[Problem]:
    return [
        Problem("blank_page", page.number, "")
        for page in pages
        if not page.body and not page.images and page.number not in record
    ]


def _page_numbers(pages: Sequence[Page], record: set[int]) -> list[Problem]:
    problems = []
    for page in pages:
        numbers = page.numbers
        if page.number in record:
            if numbers:
                problems.append(Problem("page_number", page.number, "版记页或其前空白页编了页码"))
            continue
        shown = [int(NUMBER_LINE.match(line.text).group(1)) for line in numbers]
        if shown != [page.number]:
            problems.append(Problem("page_number", page.number, f"页码 {shown}"))
            continue
        line = numbers[0]
        x0, y0, x1, y1 = text_frame(page)
        centre = (line.x0 + line.x1) / 2
        odd = page.number % 2 == 1
        if not page.landscape:
            right_place = centre > (x0 + x1) / 2 if odd else centre < (x0 + x1) / 2
            below = line.y0 >= y1 - TOLERANCE
        else:
            # §8: where the other pages have it -- the sheet's foot, which on a landscape
            # page turned with the table head to the binding edge is the page's left edge.
            # Odd pages: toward the page's bottom (the sheet's right); even: its top.
            middle = (y0 + y1) / 2
            toward = (line.y0 + line.y1) / 2 > middle if odd else (line.y0 + line.y1) / 2 < middle
            right_place = line.x1 <= x0 + TOLERANCE and toward
            below = line.y1 - line.y0 > line.x1 - line.x0  # turned with the sheet
        if not (right_place and below):
            problems.append(
                Problem("page_number_side", page.number, f"x={line.x0:.0f}, y={line.y0:.0f}")
            )
    return problems


def _lines_of(block: Placed) -> int:
    return len(set(block.spots))


def _signature_wrap(placed: Sequence[Placed | Table]) -> list[Problem]:
    return [
        Problem("signature_wrap", block.spots[0][0], block.paragraph.text)
        for block in placed
        if isinstance(block, Placed)
        and block.paragraph.role == "signature"
        and _lines_of(block) > block.paragraph.lines
    ]


def _authority(placed: Sequence[Placed | Table], pages: Sequence[Page]) -> list[Problem]:
    problems = []
    for block in placed:
        if not isinstance(block, Placed) or block.paragraph.role != "authority":
            continue
        page = pages[block.spots[0][0] - 1]
        lines = [page.body[index] for index in sorted({i for _, i in block.spots})]
        x0, _, x1, _ = text_frame(page)
        inside = all(line.x0 >= x0 - TOLERANCE and line.x1 <= x1 + TOLERANCE for line in lines)
        if len(lines) > block.paragraph.lines or not inside:
            problems.append(Problem("authority_line", page.number, f"{len(lines)} 行"))
    return problems


def _pictures(placed: Sequence[Placed | Table], pages: Sequence[Page]) -> list[Problem]:
    problems = []
    images = [(page.number, size) for page in pages for size in page.images]
    for number, (width, height) in images:
        page = pages[number - 1]
        x0, y0, x1, y1 = text_frame(page)
        if width > x1 - x0 + TOLERANCE or height > y1 - y0 + TOLERANCE:
            problems.append(
                Problem("picture_fit", number, f"{width / MM:.0f} × {height / MM:.0f} mm")
            )
    captions = [b for b in placed if isinstance(b, Placed) and b.paragraph.role == "caption"]
    for (number, _), caption in zip(images, captions, strict=False):
        if caption.spots[0][0] != number:
            problems.append(Problem("caption_apart", number, caption.paragraph.text[:30]))
    if len(captions) != len(images):
        problems.append(
            Problem("caption_apart", 0, f"{len(images)} 幅图片，{len(captions)} 个图题")
        )
    return problems


def _chars_per_line(width: int) -> float:
    """四号 characters a cell of ``width`` twips holds, less its 1.9 mm of margins."""
    return (width / 56.69 - 1.9) / CHAR_MM_SIHAO


def _table(table: Table, pages: Sequence[Page]) -> list[Problem]:
    problems: list[Problem] = []
    headers = [row for row in table.rows if row.header]
    body = [row for row in table.rows if not row.header]
    header_text = next((cell for row in headers for cell in row.cells if cell), "")
    # The table's pages start where its header (or first row) is; a cell's text found
    # earlier belongs to the body text, not to the table.
    first = _table_start(table, pages)
    if first is None:
        return problems
    pages = [page for page in pages if page.number >= first]
    twips = 20 / 1  # twips per point

    def column(start: int, width: int) -> list[str]:
        """The text of the column from ``start`` twips, ``width`` wide, on each page."""
        texts = []
        for page in pages:
            x0, _, x1, _ = text_frame(page)
            left = (x0 + x1) / 2 - sum(table.widths) / twips / 2  # tables are centred
            texts.append(page.column_text(left + start / twips, left + (start + width) / twips))
        return texts

    counts = Counter(cell for row in body for cell in row.cells)
    group = ""
    group_pages: set[int] = set()
    for row in body:
        # A row is where its most telling cell is: the longest text no other row has.
        row_pages: set[int] = set()
        unique = [(len(c), i) for i, c in enumerate(row.cells) if c and counts[c] == 1]
        # A row taller than a page must split: some cell of it needs more lines than a page.
        fits = all(
            len(c) <= _chars_per_line(w) * TABLE_LINES_PER_PAGE
            for c, w in zip(row.cells, row.widths, strict=False)
        )
        for index, (cell, merged, width, start) in enumerate(
            zip(row.cells, row.merged, row.widths, row.starts, strict=False)
        ):
            if not cell:
                continue
            texts = column(start, width)
            holding = [page.number for page, text in zip(pages, texts, strict=True) if cell in text]
            if merged == "restart":
                group, group_pages = cell, set(holding[:1])
            if unique and index == max(unique)[1]:
                row_pages |= set(holding[:1])
            cut = split_across(cell, texts, pages)
            if cut is not None and fits and merged != "restart":
                problems.append(Problem("row_split", cut, cell[:20]))
                row_pages |= {cut, cut + 1}
        if "continue" in row.merged and group:
            for number in sorted(row_pages - group_pages):
                if group not in pages[number - first].text:
                    problems.append(Problem("group_label", number, group[:20]))
                group_pages.add(number)
        for number in sorted(row_pages):
            if header_text and header_text not in pages[number - first].text:
                problems.append(Problem("header_repeat", number, header_text))
    problems = list(dict.fromkeys(problems))  # one report per page and rule
    for column in range(len(table.widths)):
        texts = [row.cells[column] for row in body if len(row.cells) == len(table.widths)]
        longest = max((len(t) for t in texts), default=0)
        if _chars_per_line(table.widths[column]) < NARROW_CHARS and longest >= LONG_TEXT:
            problems.append(Problem("narrow_column", 0, f"第 {column + 1} 列"))
    return problems


def _table_start(table: Table, pages: Sequence[Page]) -> int | None:
    for row in table.rows:
        joined = "".join(row.cells)
        found = pages_holding(joined, pages) or pages_holding(max(row.cells, key=len), pages)
        if found:
            return found[0]
    return None


def _fonts(pdf: Path) -> list[Problem]:
    rows = _run("pdffonts", str(pdf)).splitlines()[2:]
    bad = [row.split()[0] for row in rows if row.split() and not ALLOWED_FONT.search(row)]
    return [Problem("fonts", 0, name) for name in bad]


# --- a whole document set -----------------------------------------------------------------


def kind_of(relative: str) -> str:
    """The registry's label of a document at ``<set>/<path in its output folder>``."""
    from generator.pipeline.kinds import kind_of as registered

    _, _, inside = relative.partition("/")
    kind = registered(PurePath(inside))
    return kind.label if kind is not None else "其他"


def with_notice(docx: Path) -> bool:
    return read_docx(docx).has_notice


def tally(results: Iterable[tuple[str, list[Problem]]]) -> dict[str, Counter[str]]:
    """kind → rule → problems; every rule present, so a clean rule shows 0."""
    table: dict[str, Counter[str]] = {}
    for kind, problems in results:
        counts = table.setdefault(kind, Counter({rule: 0 for rule in RULES}))
        counts.update(problem.rule for problem in problems)
        counts["documents"] += 1
    return table


def report(counts: dict[str, Counter[str]]) -> str:
    """A Markdown table: one row per rule, one column per document kind."""
    kinds = sorted(counts)
    head = "| rule | " + " | ".join(kinds) + " | total |"
    lines = [head, "|---" * (len(kinds) + 2) + "|"]
    for rule, meaning in RULES.items():
        row = [counts[k][rule] for k in kinds]
        lines.append(f"| {rule}（{meaning}） | " + " | ".join(map(str, row)) + f" | {sum(row)} |")
    documents = [counts[k]["documents"] for k in kinds]
    lines.append("| 文件数 | " + " | ".join(map(str, documents)) + f" | {sum(documents)} |")
    return "\n".join(lines)
