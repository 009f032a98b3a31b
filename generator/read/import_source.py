"""The text of an existing plan for ``plandocs import``: numbered lines and tables.

A ``.txt`` file (UTF-8 with or without BOM, GB18030/GBK, UTF-16 with BOM) gives one
:class:`Line` per non-blank line, numbered as an editor numbers them. A ``.docx`` gives
its body paragraphs and tables in document order, paragraphs numbered 第N段.

Every text is normalised the way the bundled example was typed from the seed's web
copy: the half-width ``,;:()?!`` become the full-width forms GB/T 9704 documents use
(kept between digits, as in ``1,000`` or ``8:30``), full-width digits and letters become
half-width, and spaces inside Chinese text (layout noise of web pages) are dropped.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from pathlib import Path

import docx
from docx.oxml.ns import qn
from docx.table import Table as DocxTable
from docx.table import _Cell
from docx.text.paragraph import Paragraph

from generator.problems import InputError, Problem

SUFFIXES = (".txt", ".docx")
MAX_SOURCE_BYTES = 20 * 1024 * 1024  # a plan is some dozen KB; a docx with pictures a few MB

_FULL_WIDTH = {",": "，", ";": "；", ":": "：", "(": "（", ")": "）", "?": "？", "!": "！"}
_HALF_WIDTH = re.compile(r"[,;:()?!]")
# Full-width ASCII (０-９, Ａ-Ｚ, ａ-ｚ, ％, ．, ＋, －) as the example writes it: half-width.
_WIDE_ASCII = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F) if chr(c - 0xFEE0) not in _FULL_WIDTH}
_SPACES = re.compile(r"[\s\u3000\xa0]+")


@dataclass(frozen=True)
class Line:
    """One non-blank line (paragraph) of the source, normalised."""

    number: int
    text: str
    table: int = 0  # a row of the table with this number (number is then the row's)


@dataclass(frozen=True)
class Table:
    """A table of a .docx source: rows of cell texts (a cell's paragraphs joined by \\n)."""

    number: int
    rows: list[list[str]]
    raw: list[list[str]] = field(default_factory=list)  # the cells as written, not normalised


@dataclass
class Source:
    """The source file's content in order; ``unit`` names how lines are counted (行 or 段)."""

    path: Path
    blocks: list[Line | Table] = field(default_factory=list)
    unit: str = "行"

    def place(self, line: Line) -> str:
        if line.table:
            return f"表格{line.table}第{line.number}行"
        return f"第{line.number}{self.unit}"


def normalise(text: str) -> str:
    """One line as the example writes it: full-width Chinese punctuation, no layout spaces.

    Two kinds of space are meaning, not layout: the blanks of a form left to fill in
    (``时间：  年 月 日``, ``（ 月 日— 月 日）``) are kept as they are, and the spaces that
    separate the names of a responsibility line (``责任单位：区环卫中心 区市政中心``)
    become 、.
    """
    text = text.translate(_WIDE_ASCII)
    text = _BLANK.sub(lambda m: "\0" * len(m.group()), text.strip())
    if _NAMES_LINE.match(text):
        label, _, names = text.partition("：") if "：" in text else text.partition(":")
        text = f"{label}：{_GAP.sub('、', names.strip())}"
    text = _SPACES.sub(" ", text).strip()
    text = re.sub(r"(?<=[^\x00-\x7f]) | (?=[^\x00-\x7f])", "", text)
    return _HALF_WIDTH.sub(_full_width, text).replace("\0", " ")


# A blank to fill in: spaces before 年/月/日 where no number stands (``  年 月 日``).
_BLANK = re.compile(r"(?<![0-9 \t\u3000\xa0])[ \t\u3000\xa0]+(?=[年月日])")
# A line of unit names, whose spaces separate names (the labels of import_outline).
_NAMES_LINE = re.compile(
    r"^(?:责任单位|主责单位|牵头单位|配合单位|协办单位|责任部门|牵头部门|配合部门)\s*[:：]"
)


# Spaces between two names (not next to a separator already there).
_GAP = re.compile(r"(?<=[^、，,；;\s\u3000\xa0])[\s\u3000\xa0]+(?=[^、，,；;\s\u3000\xa0])")


def names_cell(text: str) -> str:
    """A table's 责任单位 cell: names separated by spaces as well as 、 and line breaks."""
    parts = (normalise(p) for p in re.split(r"[\s\u3000\xa0]+", text))
    return "、".join(p for p in parts if p)


def _full_width(match: re.Match[str]) -> str:
    char, text, at = match.group(), match.string, match.start()
    before = text[at - 1] if at else ""
    after = text[at + 1 : at + 2]
    if char in ",:" and before.isdigit() and after.isdigit():
        return char  # 1,000 and 8:30 stay as written
    if char == ":" and after == "/":
        return char  # http://
    return _FULL_WIDTH[char]


def read_source(path: Path) -> Source:
    """Read ``path`` (.txt or .docx); raise :class:`InputError` when it cannot be read."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise _error(path, f"不支持的文件类型「{path.suffix}」", "请提供 .txt 或 .docx 文件")
    try:
        size = path.stat().st_size
        if size > MAX_SOURCE_BYTES:
            raise _error(path, f"文件过大（{size // 1024 // 1024} MB）", "请只保留方案正文和台账")
        if suffix == ".txt":
            return _text_source(path, path.read_bytes())
        return _docx_source(path)
    except OSError as error:
        raise _error(
            path, f"无法读取文件：{error.strerror or error}", "请检查路径和权限"
        ) from error


def _error(path: Path, message: str, hint: str) -> InputError:
    return InputError([Problem(path, "", "", message, hint)])


def decode(data: bytes) -> str | None:
    """The text of a .txt file: UTF-16 by its BOM, else UTF-8 (BOM or not), else GB18030."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings: tuple[str, ...] = ("utf-16",)
    else:
        encodings = ("utf-8-sig", "gb18030")
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def _text_source(path: Path, data: bytes) -> Source:
    text = decode(data)
    if text is None:
        raise _error(path, "无法识别文件编码", "请在记事本或 WPS 中另存为 UTF-8 编码的 .txt 后重试")
    source = Source(path)
    # Split on line feeds only: str.splitlines would also split on form feeds and
    # U+2028, and the numbers would no longer be the ones an editor shows.
    for number, raw in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), 1):
        if line := normalise(raw):
            source.blocks.append(Line(number, line))
    return source


def _docx_source(path: Path) -> Source:
    try:
        document = docx.Document(str(path))
    except Exception as error:  # python-docx raises several kinds for a damaged package
        raise _error(
            path, f"无法作为 Word 文档打开（{type(error).__name__}）", "请用 Word/WPS 另存为 .docx"
        ) from error
    source = Source(path, unit="段")
    paragraphs = tables = 0
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            paragraphs += 1
            if text := normalise(block.text):
                source.blocks.append(Line(paragraphs, text))
        elif isinstance(block, DocxTable):
            tables += 1
            rows, raw = _table_rows(block)
            source.blocks.append(Table(tables, rows, raw))
    return source


def _table_rows(table: DocxTable) -> tuple[list[list[str]], list[list[str]]]:
    """Each row's cells once (a cell spanning columns counts once); the lower parts of
    vertically merged cells are empty, as the reader sees them. Normalised, and as written."""
    rows, raw = [], []
    for tr in table._tbl.tr_lst:
        cells, written = [], []
        for tc in tr.tc_lst:
            merge = tc.tcPr.find(qn("w:vMerge")) if tc.tcPr is not None else None
            continued = merge is not None and merge.get(qn("w:val")) != "restart"
            text = "" if continued else _Cell(tc, table).text
            cells.append("\n".join(n for part in text.split("\n") if (n := normalise(part))))
            written.append(text)
        rows.append(cells)
        raw.append(written)
    return rows, raw


@dataclass(frozen=True)
class Note:
    """Something the import reports: a source text it left out, or one it had to guess at."""

    place: str  # 第12行, 表格1第3行, or "" for the plan as a whole
    text: str
    reason: str
    left_out: bool = True  # False: imported, but please check
