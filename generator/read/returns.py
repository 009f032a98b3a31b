"""Read returned ledger workbooks (回收台账) without trusting or changing them.

This module only opens files: it recognises what a file really is (an .xlsx,
an old .xls, an encrypted workbook, a CSV, a lock file, a Word document, a
macro workbook, a zip bomb), and reads the identity sheet and the cells.
Whether the content is acceptable is decided by :mod:`generator.intake.collect`.

Neither openpyxl nor our own cell reader (:mod:`generator.read.xlsx_cells`) has size
limits, so :func:`check_package` measures a file from its zip directory and its sheet XML
(as a stream, or a small plain part as a parsed tree) before either reads any cell; every
limit is a named constant below. :func:`read_return` reads the cells with our reader, and
with openpyxl when the file holds something our reader does not reproduce exactly.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import io
import operator
import posixpath
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Generic, TypeVar
from xml.parsers import expat

import openpyxl
import openpyxl.reader.excel as openpyxl_excel
from lxml import etree
from openpyxl.cell.text import Text
from openpyxl.utils.cell import range_boundaries
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.merge import MergedCellRange
from openpyxl.xml.constants import SHEET_MAIN_NS
from openpyxl.xml.functions import iterparse

from generator.formats.identity import WorkbookIdentityError, read_identity
from generator.read import xlsx_cells
from generator.read.xlsx_cells import (
    Book,
    Unsupported,
    book_from_openpyxl,
    cell_position,
    parse_xml,
    read_book,
    relationship_target,
)

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
EMPTY_ZIP_MAGIC = b"PK\x05\x06"  # a zip with no entries is only its end record
# Lock files: Excel/WPS write ``~$name``, LibreOffice ``.~lock.name#``, WPS also ``.~name``.
LOCK_PREFIXES = ("~$", ".~")
_APP_PART = "docProps/app.xml"
_APPLICATION = re.compile(rb"<(?:\w+:)?Application>([^<]{0,200})</")
# Save times further ahead of this machine's clock than this are not believed.
FUTURE_SLACK = dt.timedelta(days=1)

# --- limits --------------------------------------------------------------------------------
# An issued ledger is tens of KB: two sheets, a few dozen rows, under 30 columns. Each limit is
# far above an honest return and far below what makes openpyxl run for minutes or exhaust
# memory (a 0.9 MB file can hold 187 MB of XML; one formatted cell at XFD1048576 makes a
# sheet 17 billion cells big for anything that walks max_row x max_column).
MB = 1024 * 1024
MAX_FILE_BYTES = 50 * MB  # the file as sent
MAX_TOTAL_BYTES = 50 * MB  # all parts together, uncompressed, as the zip directory declares
MAX_PART_BYTES = 20 * MB  # one part, uncompressed
MAX_RATIO = 100  # uncompressed : compressed, for parts of RATIO_FROM_BYTES or more
RATIO_FROM_BYTES = 1 * MB  # small XML parts legitimately compress 20-50:1
MAX_PARTS = 200  # entries in the zip
MAX_SHEETS = 10  # sheets listed in the workbook
MAX_ROWS = 2_000  # per sheet: the last row holding a cell, declared or merged
MAX_COLUMNS = 200  # per sheet: the last column likewise
MAX_CELLS = 100_000  # per sheet: stored cells; also the area a dimension, merges or links cover
# A sheet part up to this size is parsed whole and then measured (its tree is small too, and
# is what our reader reads); a larger one is measured as a stream before anything parses it.
TREE_BYTES = xlsx_cells.TREE_BYTES

_CHUNK = 64 * 1024
# Elements whose ``ref`` openpyxl turns into one cell object per cell covered.
_EXPANDED = {"mergeCell": "合并单元格", "hyperlink": "超链接", "comment": "批注"}
_MEASURED = tuple(f"{{*}}{tag}" for tag in ("dimension", "row", "c", *_EXPANDED))
_MEASURED_BESIDES_CELLS = tuple(tag for tag in _MEASURED if tag != "{*}c")
_first, _second = operator.itemgetter(0), operator.itemgetter(1)
# In the order openpyxl looks for them (after the macro types, which are refused).
_SPREADSHEET_TYPES = (
    "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
)
_SHARED_STRINGS_TYPE = (
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
)
_MACRO_TYPES = frozenset(
    {
        "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
        "application/vnd.ms-excel.template.macroEnabled.main+xml",
        "application/vnd.ms-office.vbaProject",
    }
)
_BINARY_TYPE = "application/vnd.ms-excel.sheet.binary.macroEnabled.main"
_OTHER_DOCUMENTS = {
    "wordprocessingml": "Word 文档（.docx）",
    "presentationml": "PowerPoint 演示文稿",
}
# What zipfile raises on a damaged archive or part (a bad CRC, a cut-off stream ...).
_ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, KeyError)

CORRUPT_HINT = "请用 Excel/WPS 打开下发的台账，填写后以 .xlsx 格式保存，重新报送"
SIZE_HINT = "正常的台账只有几十 KB；请用下发的原表重新填写，以 .xlsx 格式保存后报送"
SHEET_HINT = (
    "台账只用到下发时的行和列；请删除表格以外设置了内容或格式的行、列"
    "（或用下发的原表重新填写）后报送"
)


class UnreadableReturn(Exception):
    """The file is not a workbook we can read; ``str()`` is the Chinese reason, ``hint`` the fix."""

    def __init__(self, reason: str, hint: str) -> None:
        super().__init__(reason)
        self.hint = hint


@dataclass(frozen=True)
class ReturnedFile:
    """A file found in the returns folder, its bytes read once.

    Once checked, a run of 10,000 returns does not keep them all: :meth:`release` drops
    the bytes (their hash kept) and :meth:`content` reads them again when the file is
    copied, refusing a file that changed in between.
    """

    path: Path
    data: bytes
    mtime_ns: int = 0  # when it arrived in the returns folder, as far as the folder tells
    source: str = ""  # its path relative to the returns folder
    _sha256: str = field(default="", repr=False, compare=False)
    _released: bool = field(default=False, repr=False, compare=False)

    @property
    def sha256(self) -> str:
        if not self._sha256:  # frozen: set once, as a cache
            object.__setattr__(self, "_sha256", hashlib.sha256(self.data).hexdigest())
        return self._sha256

    @property
    def is_lock_file(self) -> bool:
        return self.path.name.startswith(LOCK_PREFIXES)

    def release(self) -> None:
        """Forget the bytes (the hash stays); :meth:`content` reads them again."""
        if self._released:
            return
        _ = self.sha256
        object.__setattr__(self, "data", b"")
        object.__setattr__(self, "_released", True)

    def content(self) -> bytes:
        """The bytes that were checked, read again if released.

        Raises :class:`ReturnChanged` if the file is gone or no longer the one checked.
        """
        if not self._released:
            return self.data
        try:
            data = self.path.read_bytes()
        except OSError as error:
            reason = f"回收过程中无法再读取：{error.strerror or error}"
            raise ReturnChanged(self.path, reason) from error
        if hashlib.sha256(data).hexdigest() != self._sha256:
            raise ReturnChanged(self.path, "在回收过程中被修改或替换")
        return data


class ReturnChanged(Exception):
    """A returned file changed between its check and its copy; the message is Chinese."""

    def __init__(self, path: Path, what: str) -> None:
        super().__init__(f"{path}：{what}。请等该文件复制完成（回收时不要改动回收目录）后重新运行")


W = TypeVar("W", Workbook, Book)


@dataclass
class OpenedReturn(Generic[W]):
    """A returned workbook that opened, with its identity (empty if it has none).

    ``workbook`` is an openpyxl Workbook (:func:`open_return`) or its cells (:func:`read_return`).
    """

    file: ReturnedFile
    workbook: W
    identity: dict[str, str]
    stamp: dt.datetime | None
    application: str = ""  # docProps/app.xml's Application: who saved it last


def list_returns(folder: Path) -> Iterator[ReturnedFile]:
    """Every file below ``folder``, in a stable order, read once, with its arrival time."""
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        data = path.read_bytes()
        mtime = path.stat().st_mtime_ns
        yield ReturnedFile(path, data, mtime, path.relative_to(folder).as_posix())


def saved_utc(moment: dt.datetime | None, application: str, now: dt.datetime) -> str:
    """The workbook's save time in UTC (ISO), or '' when missing or in the future.

    Excel and WPS write UTC; LibreOffice Calc writes the local time and marks it as UTC,
    so its stamp is read as this machine's local time (units and office share a zone).
    """
    if moment is None:
        return ""
    if moment.tzinfo is not None:
        utc = moment.astimezone(dt.timezone.utc)
    elif "LibreOffice" in application or "OpenOffice" in application:
        utc = moment.astimezone(dt.timezone.utc)  # a naive datetime is taken as local time
    else:
        utc = moment.replace(tzinfo=dt.timezone.utc)
    if utc > now + FUTURE_SLACK:
        return ""
    return utc.replace(tzinfo=None).isoformat(timespec="seconds")


_CORE_PART = "docProps/core.xml"
_CORE_TIME = re.compile(rb"<dcterms:(modified|created)[^>]*>\s*([^<]{1,40}?)\s*</dcterms:\1>")


def _saved_at(archive: zipfile.ZipFile) -> dt.datetime | None:
    """When the workbook says it was last saved (else created), as written; None if it does not.

    Read here rather than through openpyxl, whose properties say "now" for a file that
    records no time -- which made the run's own clock decide between two returns.
    """
    if _CORE_PART not in archive.namelist():
        return None
    try:
        found = {m[1]: m[2] for m in _CORE_TIME.finditer(archive.read(_CORE_PART))}
    except _ZIP_ERRORS:
        return None
    for key in (b"modified", b"created"):
        try:
            moment = dt.datetime.fromisoformat(found[key].decode("ascii"))
        except (KeyError, ValueError, UnicodeDecodeError):
            continue
        if moment.tzinfo is not None:
            moment = moment.astimezone(dt.timezone.utc).replace(tzinfo=None)
        return moment
    return None


def _application(archive: zipfile.ZipFile) -> str:
    if _APP_PART not in archive.namelist():
        return ""
    try:
        found = _APPLICATION.search(archive.read(_APP_PART))
    except _ZIP_ERRORS:
        return ""
    return found.group(1).decode("utf-8", "replace").strip() if found else ""


@contextmanager
def _merged_cells_unstyled() -> Iterator[None]:
    """Skip openpyxl's copying of borders and protection onto every cell under a merge.

    It is half of a ledger's load time, and we only read values and merge ranges
    (the annotated copy is made from the original bytes, not from this workbook).
    """
    originals = MergedCellRange.format, MergedCellRange._get_borders
    MergedCellRange.format = MergedCellRange._get_borders = lambda self: None  # type: ignore[method-assign]
    try:
        yield
    finally:
        MergedCellRange.format, MergedCellRange._get_borders = originals  # type: ignore[method-assign]


def _raw_string_table(xml_source: object) -> list[str]:
    """openpyxl's read_string_table without its removal of "x005F_" (see collect._text)."""
    strings = []
    tag = f"{{{SHEET_MAIN_NS}}}si"
    for _, node in iterparse(xml_source):
        if node.tag == tag:
            strings.append(Text.from_tree(node).content)
            node.clear()
    return strings


@contextmanager
def _shared_strings_as_written() -> Iterator[None]:
    original = openpyxl_excel.read_string_table
    openpyxl_excel.read_string_table = _raw_string_table  # type: ignore[assignment]
    try:
        yield
    finally:
        openpyxl_excel.read_string_table = original  # type: ignore[assignment]


def open_return(file: ReturnedFile) -> OpenedReturn[Workbook]:
    """Open a returned workbook with openpyxl; raise :class:`UnreadableReturn` if we cannot."""
    _sniff(file)
    check_package(file.data).archive.close()
    workbook = load_workbook(file)
    try:
        identity = read_identity(workbook)
    except WorkbookIdentityError:
        identity = {}
    with zipfile.ZipFile(io.BytesIO(file.data)) as archive:
        modified = xlsx_cells.saved_time(archive)
    return OpenedReturn(file, workbook, identity, modified)


def read_return(file: ReturnedFile) -> OpenedReturn[Book]:
    """A returned workbook's cells; raise :class:`UnreadableReturn` if we cannot read them.

    The same cells as :func:`open_return` gives, several times faster: openpyxl is used
    only for a file our reader does not reproduce exactly (formulas, hyperlinks ...).
    """
    _sniff(file)
    package = check_package(file.data)
    with package.archive:
        application = _application(package.archive)
        saved = _saved_at(package.archive)
        try:
            book = read_book(package.archive, package.workbook, package.strings, package.trees)
        except Unsupported:
            book = book_from_openpyxl(load_workbook(file))
            moment = xlsx_cells.saved_time(package.archive)
            book = dataclasses.replace(book, saved=lambda: moment)
    try:
        identity = xlsx_cells.read_identity(book)
    except WorkbookIdentityError:
        identity = {}
    return OpenedReturn(file, book, identity, saved, application)


def load_workbook(file: ReturnedFile) -> Workbook:
    """The workbook as openpyxl loads it for us; raise :class:`UnreadableReturn` if it cannot."""
    try:
        # Formulas come back as formulas (data_only=False): a cached result is whatever the
        # sender's file says, so it is never read.
        with _merged_cells_unstyled(), _shared_strings_as_written():
            return openpyxl.load_workbook(io.BytesIO(file.data), rich_text=False)
    except Exception as exc:  # openpyxl fails on malformed parts in many different ways
        raise _corrupt(exc) from exc


def _sniff(file: ReturnedFile) -> None:
    data = file.data
    if not data:
        raise UnreadableReturn("文件是空的（0 字节）", "请重新保存并报送填好的台账")
    if len(data) > MAX_FILE_BYTES:
        raise UnreadableReturn(
            f"文件大小 {_mb(len(data))}，超过上限 {_mb(MAX_FILE_BYTES)}", SIZE_HINT
        )
    if data.startswith(OLE_MAGIC):
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise UnreadableReturn(
                "文件设置了打开密码，无法读取", "请在 Excel/WPS 中取消文件密码后另存，再报送"
            )
        raise UnreadableReturn(
            "文件是旧版 .xls 格式，不是下发的 .xlsx 台账",
            "请打开下发的 .xlsx 台账填写；如已在 .xls 中填写，请另存为 .xlsx（Excel 工作簿）",
        )
    if data.startswith(EMPTY_ZIP_MAGIC):
        raise UnreadableReturn("文件是一个空的压缩包，里面没有任何内容", CORRUPT_HINT)
    if not data.startswith(ZIP_MAGIC):
        kind = "文本/CSV 文件" if _looks_like_text(data) else "无法识别的文件"
        raise UnreadableReturn(
            f"这是{kind}，不是 Excel 台账", "请报送下发的 .xlsx 台账本身，不要另存为 CSV 或改扩展名"
        )


def _looks_like_text(data: bytes) -> bool:
    head = data[:2048]
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        try:
            head.decode("gb18030")
        except UnicodeDecodeError:
            return False
    return b"\x00" not in head


def _mb(size: int) -> str:
    return f"{size / MB:.1f} MB"


def _corrupt(exc: BaseException) -> UnreadableReturn:
    return UnreadableReturn(
        f"文件已损坏或不是 Excel 工作簿，无法打开（{type(exc).__name__}）", CORRUPT_HINT
    )


# --- the package, before openpyxl ------------------------------------------------------------


@dataclass(frozen=True)
class Package:
    """A returned file's zip, measured; the caller closes ``archive``."""

    archive: zipfile.ZipFile
    workbook: str  # the workbook part
    strings: str | None  # the shared strings part, if any (as openpyxl finds it)
    trees: dict[str, etree._Element]  # the sheet parts parsed whole to measure them


def check_package(data: bytes) -> Package:
    """Refuse a zip too big or too strange for a returned ledger, without parsing it as one.

    Reads the zip directory, ``[Content_Types].xml``, the workbook's sheet list and, as a
    stream, each worksheet's XML and comments -- stopping at the first limit exceeded.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except _ZIP_ERRORS as exc:
        raise _corrupt(exc) from exc
    trees: dict[str, etree._Element] = {}
    try:
        _check_directory(archive.infolist())
        types = _ContentTypes.read(archive)
        workbook = _workbook_part(archive, types)
        for part, sheet in _worksheet_parts(archive, workbook).items():
            _scan_sheet(archive, part, sheet, trees)
    except BaseException:
        archive.close()
        raise
    return Package(archive, workbook, types.part(_SHARED_STRINGS_TYPE), trees)


def _check_directory(parts: list[zipfile.ZipInfo]) -> None:
    # zipfile stops inflating a part at the size the directory declares (then fails its CRC),
    # so the declared sizes bound whatever openpyxl can get out of the file.
    if len(parts) > MAX_PARTS:
        raise UnreadableReturn(
            f"文件内含 {len(parts)} 个部件，超过上限 {MAX_PARTS} 个，不是正常的台账", SIZE_HINT
        )
    total = sum(part.file_size for part in parts)
    if total > MAX_TOTAL_BYTES:
        raise UnreadableReturn(
            f"文件解压后共 {_mb(total)}，超过上限 {_mb(MAX_TOTAL_BYTES)}", SIZE_HINT
        )
    for part in parts:
        _check_part(part)


def _check_part(part: zipfile.ZipInfo) -> None:
    name = part.filename
    if part.flag_bits & 0x1:
        raise UnreadableReturn(
            f"文件内的部件 {name} 设置了压缩包密码，无法读取", "请取消密码，以 .xlsx 格式保存后报送"
        )
    if part.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise UnreadableReturn(
            f"文件内的部件 {name} 使用了 Excel 不会使用的压缩方式，不是正常的台账", CORRUPT_HINT
        )
    if part.file_size > MAX_PART_BYTES:
        raise UnreadableReturn(
            f"文件内的部件 {name} 解压后 {_mb(part.file_size)}，超过单个部件上限 "
            f"{_mb(MAX_PART_BYTES)}",
            SIZE_HINT,
        )
    if part.file_size >= RATIO_FROM_BYTES and part.file_size > MAX_RATIO * part.compress_size:
        ratio = part.file_size / max(part.compress_size, 1)
        raise UnreadableReturn(
            f"文件内的部件 {name} 压缩比为 {ratio:.0f}:1（{_mb(part.file_size)} 压缩为 "
            f"{part.compress_size} 字节），超过上限 {MAX_RATIO}:1，可能是“压缩炸弹”",
            SIZE_HINT,
        )


def _stream_xml(
    archive: zipfile.ZipFile,
    name: str,
    on_start: Callable[[str, dict[str, str]], None],
    on_end: Callable[[str], None] | None = None,
) -> None:
    """Feed one part to expat in chunks, calling ``on_start(local name, attributes)``.

    Nothing is kept, so memory does not grow with the part; ``on_start`` stops the pass
    by raising :class:`UnreadableReturn`. ``on_end(local name)`` is told where elements end.
    """
    parser = expat.ParserCreate(namespace_separator="}")
    parser.StartElementHandler = lambda tag, attrs: on_start(tag.rpartition("}")[2], attrs)
    if on_end is not None:
        parser.EndElementHandler = lambda tag: on_end(tag.rpartition("}")[2])
    parser.StartDoctypeDeclHandler = _refuse_doctype(name)
    try:
        with archive.open(name) as stream:
            while chunk := stream.read(_CHUNK):
                parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except (expat.ExpatError, *_ZIP_ERRORS) as exc:
        raise _corrupt(exc) from exc


def _refuse_doctype(name: str) -> Callable[..., None]:
    # Office files never carry a DTD (OPC forbids one); a DTD is how entity expansion
    # ("billion laughs") gets in.
    def refuse(*_: object) -> None:
        raise UnreadableReturn(f"文件内的部件 {name} 含有 DTD 声明，不是正常的台账", CORRUPT_HINT)

    return refuse


@dataclass
class _ContentTypes:
    """``[Content_Types].xml``: the content type of each part."""

    defaults: dict[str, str] = field(default_factory=dict)  # extension -> type
    overrides: dict[str, str] = field(default_factory=dict)  # part name -> type
    names: dict[str, str] = field(default_factory=dict)  # part name -> PartName as written

    @classmethod
    def read(cls, archive: zipfile.ZipFile) -> _ContentTypes:
        types = cls()
        if "[Content_Types].xml" in archive.namelist():
            _stream_xml(archive, "[Content_Types].xml", types._start)
        return types

    def _start(self, tag: str, attrs: dict[str, str]) -> None:
        if tag == "Default":
            self.defaults[attrs.get("Extension", "").lower()] = attrs.get("ContentType", "")
        elif tag == "Override":
            written = attrs.get("PartName", "")
            self.overrides[written.lstrip("/")] = attrs.get("ContentType", "")
            self.names.setdefault(written.lstrip("/"), written)

    def of(self, name: str) -> str:
        return self.overrides.get(name) or self.defaults.get(name.rpartition(".")[2].lower(), "")

    def part(self, kind: str) -> str | None:
        """The first part of type ``kind``, named as openpyxl names it (PartName[1:])."""
        name = next((name for name, k in self.overrides.items() if k == kind), None)
        return None if name is None else self.names[name][1:]


_ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
_STRICT_NAMESPACE = b"http://purl.oclc.org/ooxml/spreadsheetml/main"
SAVE_AS_XLSX = "请在 Excel/WPS 中「另存为」→「Excel 工作簿（*.xlsx）」后报送"


def _refuse_other_formats(archive: zipfile.ZipFile) -> None:
    """OpenDocument spreadsheets and Strict Open XML: named, with how to save an .xlsx."""
    names = archive.namelist()
    small = "mimetype" in names and archive.getinfo("mimetype").file_size < 200
    if small and archive.read("mimetype").strip().startswith(_ODS_MIMETYPE):
        raise UnreadableReturn(
            "文件是 OpenDocument 电子表格（.ods），不是下发的 .xlsx 台账"
            "；本系统只接收 .xlsx 格式的台账",
            "请在 LibreOffice/WPS 中「文件 → 另存为」，文件类型选「Excel 2007-365 (.xlsx)」"
            "后报送（填写内容不变）",
        )


def _refuse_strict(archive: zipfile.ZipFile, workbook: str) -> None:
    if workbook not in archive.namelist():
        return
    with archive.open(workbook) as stream:
        head = stream.read(4096)
    if _STRICT_NAMESPACE in head:
        raise UnreadableReturn(
            "文件以「Strict Open XML 电子表格」格式保存，本系统只读取常规的 Excel 工作簿（.xlsx）",
            "请在 Excel 中「另存为」，文件类型选「Excel 工作簿（*.xlsx）」"
            "（不要选 Strict Open XML 电子表格）后报送",
        )


def _workbook_part(archive: zipfile.ZipFile, types: _ContentTypes) -> str:
    """The workbook part's name; refuse macro, binary and non-Excel packages."""
    _refuse_other_formats(archive)
    names = archive.namelist()
    kinds = {types.of(name) for name in names} | set(types.overrides.values())
    if kinds & _MACRO_TYPES or any(n.lower().endswith("vbaproject.bin") for n in names):
        raise UnreadableReturn(
            "文件是启用宏的工作簿（.xlsm，含 VBA 宏）；为安全起见，不接收含宏的工作簿",
            "请在 Excel/WPS 中「另存为」→「Excel 工作簿（*.xlsx）」后报送"
            "（只去掉宏，填写内容不变）",
        )
    if _BINARY_TYPE in kinds:
        raise UnreadableReturn(
            "文件是 Excel 二进制工作簿（.xlsb），不是下发的 .xlsx 台账",
            "请在 Excel/WPS 中「另存为」→「Excel 工作簿（*.xlsx）」后报送",
        )
    for kind in _SPREADSHEET_TYPES:
        name = types.part(kind)
        if name is not None:
            _refuse_strict(archive, name)
            return name
    if set(types.defaults.values()) & set(_SPREADSHEET_TYPES):
        _refuse_strict(archive, "xl/workbook.xml")
        return "xl/workbook.xml"  # as openpyxl does when a writer retyped every .xml part
    others = [label for key, label in _OTHER_DOCUMENTS.items() if any(key in k for k in kinds)]
    content = f"：内容是{others[0]}" if others else ""
    raise UnreadableReturn(f"文件已损坏或不是 Excel 工作簿{content}", CORRUPT_HINT)


def _worksheet_parts(archive: zipfile.ZipFile, workbook: str) -> dict[str, str]:
    """Sheet part name -> sheet name, after checking how many sheets the workbook lists.

    Every part a sheet entry may point to, whatever its relationship type says: openpyxl
    reads any sheet part that is not a chart sheet as a worksheet.
    """
    names = set(archive.namelist())
    sheets: list[tuple[str, list[str]]] = []  # (sheet name, its relationship ids)
    if workbook in names:
        _stream_xml(archive, workbook, lambda tag, attrs: _sheet_entry(tag, attrs, sheets))
    if len(sheets) > MAX_SHEETS:
        raise UnreadableReturn(
            f"工作簿有 {len(sheets)} 个工作表，超过上限 {MAX_SHEETS} 个",
            "请删除自行增加的工作表（或用下发的原表重新填写）后报送",
        )
    targets = _relationships(archive, workbook)
    parts = {}
    for sheet, ids in sheets:
        for rid in ids:
            _, target = targets.get(rid, ("", ""))
            if target in names:
                parts[target] = sheet
    return parts


def _scan_sheet(
    archive: zipfile.ZipFile, part: str, sheet: str, trees: dict[str, etree._Element]
) -> None:
    """One worksheet and its comments, whose cell references openpyxl also expands."""
    scan = _SheetScan(sheet)
    tree = _small_tree(archive, part)
    if tree is None:
        _stream_xml(archive, part, scan.start, scan.end)
    else:
        scan.measure(tree)
        trees[part] = tree
    for kind, target in _relationships(archive, part).values():
        if kind.endswith("/comments") and target in archive.namelist():
            _stream_xml(archive, target, scan.start, scan.end)


def _small_tree(archive: zipfile.ZipFile, part: str) -> etree._Element | None:
    """A small sheet part's tree, if it is plain enough to be measured from the tree.

    Plain: no ``<!`` (DTD, comment, CDATA) and no NUL byte (so not UTF-16, whose ``<!`` the
    test would miss), and every element in a row a ``<c>``. Anything else -- or XML that does
    not parse -- is measured as a stream, which also reports it as it always has.
    """
    if archive.getinfo(part).file_size > TREE_BYTES:
        return None
    try:
        data = archive.read(part)
        if b"<!" in data or b"\0" in data:
            return None
        tree = parse_xml(data)
    except Exception:  # the stream pass says what is wrong
        return None
    return tree if _rows_hold_cells_only(tree) else None


def _rows_hold_cells_only(tree: etree._Element) -> bool:
    """No element in a row but ``<c>`` (any namespace): openpyxl takes any other for a cell,
    and a tree holding one is measured as a stream. (A row's children counted in C: any
    node that is not a ``<c>`` element makes the counts differ.)"""
    return all(len(row) == len(row.findall("{*}c")) for row in tree.iter("{*}row"))


def _local(tag: str) -> str:
    return tag[tag.rfind("}") + 1 :]


def _sheet_entry(tag: str, attrs: dict[str, str], sheets: list[tuple[str, list[str]]]) -> None:
    if tag == "sheet":
        # every attribute that may be the relationship id, so no part escapes the scan
        ids = [value for key, value in attrs.items() if key.rpartition("}")[2] == "id"]
        sheets.append((attrs.get("name", ""), ids))


def _relationships(archive: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """Relationship id -> (type, target part name) of one part, from its ``.rels`` part."""
    folder, base = posixpath.split(part)
    rels = posixpath.join(folder, "_rels", f"{base}.rels")
    found: dict[str, tuple[str, str]] = {}
    if rels in archive.namelist():
        _stream_xml(archive, rels, lambda tag, attrs: _relationship(tag, attrs, folder, found))
    return found


def _relationship(
    tag: str, attrs: dict[str, str], folder: str, found: dict[str, tuple[str, str]]
) -> None:
    if tag != "Relationship" or attrs.get("TargetMode") == "External":
        return
    target = relationship_target(folder, attrs.get("Target", ""))
    found[attrs.get("Id", "")] = (attrs.get("Type", ""), target)


class _SheetScan:
    """Follows one worksheet's XML just far enough to know how big openpyxl would make it.

    The declared ``<dimension>`` is checked first (it opens the part); then every row and
    cell, whose position is what openpyxl's sheet size comes from, and every merge,
    hyperlink and comment reference, which openpyxl expands cell by cell. A cell is any
    ``<c>``, and any other element inside a ``<row>``: openpyxl reads each as a cell.
    """

    def __init__(self, sheet: str) -> None:
        self.sheet = sheet
        self.row = 0
        self.column = 0
        self.cells = 0
        self.covered = 0  # cells under merges, hyperlink and comment references
        self.open: list[str] = []  # the elements the current one is inside

    def start(self, tag: str, attrs: Mapping[str, str]) -> None:
        """An element begins (the stream pass)."""
        in_row = bool(self.open) and self.open[-1] == "row"
        self.open.append(tag)
        self.visit(tag, attrs, in_row)

    def end(self, tag: str) -> None:
        self.open.pop()

    def measure(self, tree: etree._Element) -> None:
        """A whole (small, plain) tree: every measured element, in document order.

        What :meth:`visit` does for each. A sheet whose rows and cells all state their place
        -- as Excel, WPS and Calc write them -- is measured in bulk (:meth:`_in_bulk`); any
        other, or one over a limit, element by element (:meth:`_one_by_one`).
        """
        if not self._in_bulk(tree):
            self._one_by_one(tree)

    def _in_bulk(self, tree: etree._Element) -> bool:
        """The cells' places checked together; False, the scan untouched, when it cannot say.

        With each row and cell numbered, no element's place depends on the one before: the
        cells are checked at once, then the few other elements visited in document order --
        the first problem they hold is the first the stream meets, as the cells hold none.
        The state left is the stream's: the place of the last row or cell.
        """
        cells = list(tree.iter("{*}c"))
        refs = [cell.get("r") for cell in cells]
        if self.cells + len(refs) > MAX_CELLS or None in refs or "" in refs:
            return False
        try:
            places = list(map(cell_position, refs))
        except (ValueError, TypeError):  # the element-by-element pass says which is wrong
            return False
        if places and (
            max(map(_first, places)) > MAX_ROWS or max(map(_second, places)) > MAX_COLUMNS
        ):
            return False
        others = list(tree.iter(*_MEASURED_BESIDES_CELLS))  # in document order
        rows = [element for element in others if _local(element.tag) == "row"]
        if not all(row.get("r") for row in rows):
            return False
        if cells and rows and cells[-1].getparent() is not rows[-1]:
            return False  # which of them comes last is not plain: let the full pass see
        for element in others:
            self.visit(_local(element.tag), element.attrib)
        self.cells += len(refs)
        if places:  # the last cell is in the last row (or there is none): it is last
            self.row, self.column = places[-1]
        return True

    def _one_by_one(self, tree: etree._Element) -> None:
        """Element by element, the cells taken inline: a ledger has hundreds."""
        cells, limit = self.cells, MAX_CELLS
        for element in tree.iter(*_MEASURED):  # in document order, as the stream meets them
            tag = element.tag
            if tag[tag.rfind("}") + 1 :] != "c":
                self.cells = cells
                self.visit(tag.rpartition("}")[2], element.attrib)
                continue
            ref = element.get("r")  # as _cell, inline
            row, column = _coordinate(ref) if ref else (self.row, self.column + 1)
            if row > MAX_ROWS or column > MAX_COLUMNS or cells >= limit:
                self.cells = cells
                self._cell(ref)  # from the state before this cell: says what is wrong
            self.row, self.column = row, column
            cells += 1
        self.cells = cells

    def visit(self, tag: str, attrs: Mapping[str, str], in_row: bool = False) -> None:
        """One element, in document order; ``in_row``: a child of a ``<row>``."""
        if tag == "dimension":
            self._dimension(attrs.get("ref", ""))
        elif tag == "row":
            self._row(attrs.get("r"))
        elif tag in _EXPANDED:
            self._range(attrs.get("ref", ""), _EXPANDED[tag])
        if tag == "c" or in_row:
            self._cell(attrs.get("r"))

    def _fail(self, what: str) -> UnreadableReturn:
        return UnreadableReturn(f"工作表「{self.sheet}」{what}", SHEET_HINT)

    def _limits(self) -> str:
        return f"上限 {MAX_ROWS} 行、{MAX_COLUMNS} 列、{MAX_CELLS} 个单元格"

    def _dimension(self, ref: str) -> None:
        first_col, first_row, last_col, last_row = _bounds(ref)
        area = (last_row - first_row + 1) * (last_col - first_col + 1)
        if last_row > MAX_ROWS or last_col > MAX_COLUMNS or area > MAX_CELLS:
            raise self._fail(
                f"声明的范围 {ref} 有 {last_row} 行、{last_col} 列（{area} 个单元格），"
                f"超过{self._limits()}"
            )

    def _row(self, number: str | None) -> None:
        self.row = _number(number) if number else self.row + 1
        self.column = 0
        if self.row > MAX_ROWS:
            raise self._fail(f"第 {self.row} 行设置了内容或格式，超过上限 {MAX_ROWS} 行")

    def _cell(self, ref: str | None) -> None:
        if ref:
            self.row, self.column = _coordinate(ref)
        else:
            self.column += 1
        self.cells += 1
        if self.row > MAX_ROWS or self.column > MAX_COLUMNS:
            where = ref or f"第 {self.row} 行第 {self.column} 列"
            raise self._fail(f"的单元格 {where} 设置了内容或格式，超出{self._limits()}")
        if self.cells > MAX_CELLS:
            raise self._fail(f"的单元格超过 {MAX_CELLS} 个（上限）")

    def _range(self, ref: str, what: str) -> None:
        first_col, first_row, last_col, last_row = _bounds(ref)
        if last_row > MAX_ROWS or last_col > MAX_COLUMNS:
            raise self._fail(f"的{what} {ref} 超出{self._limits()}")
        self.covered += (last_row - first_row + 1) * (last_col - first_col + 1)
        if self.covered > MAX_CELLS:
            raise self._fail(
                f"的合并单元格、超链接和批注共覆盖 {self.covered} 个单元格，超过上限 {MAX_CELLS}"
            )


def _bounds(ref: str) -> tuple[int, int, int, int]:
    """(first column, first row, last column, last row) of "A1", "A1:C3", "A:A" or "1:1"."""
    try:
        first_col, first_row, last_col, last_row = range_boundaries(ref.replace("$", ""))
    except (ValueError, TypeError) as exc:
        raise _corrupt(exc) from exc
    # A whole-column or whole-row reference covers the whole grid in that direction.
    return first_col or 1, first_row or 1, last_col or 16_384, last_row or 1_048_576


def _coordinate(ref: str) -> tuple[int, int]:
    try:
        return cell_position(ref)
    except (ValueError, TypeError) as exc:
        raise _corrupt(exc) from exc


def _number(text: str) -> int:
    try:
        return int(text)
    except ValueError as exc:
        raise _corrupt(exc) from exc
