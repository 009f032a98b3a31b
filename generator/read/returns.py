"""Read returned ledger workbooks (回收台账) without trusting or changing them.

This module only opens files: it recognises what a file really is (an .xlsx,
an old .xls, an encrypted workbook, a CSV, a lock file), and reads the
identity sheet and the cells. Whether the content is acceptable is decided by
:mod:`generator.collect`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import openpyxl
from openpyxl.workbook.workbook import Workbook

from generator.render.xlsx_engine import WorkbookIdentityError, read_identity

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
LOCK_PREFIX = "~$"


class UnreadableReturn(Exception):
    """The file is not a workbook we can read; ``str()`` is the Chinese reason, ``hint`` the fix."""

    def __init__(self, reason: str, hint: str) -> None:
        super().__init__(reason)
        self.hint = hint


@dataclass(frozen=True)
class ReturnedFile:
    """A file found in the returns folder, its bytes read once."""

    path: Path
    data: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @property
    def is_lock_file(self) -> bool:
        return self.path.name.startswith(LOCK_PREFIX)


@dataclass
class OpenedReturn:
    """A returned workbook that opened, with its identity (empty if it has none)."""

    file: ReturnedFile
    workbook: Workbook
    identity: dict[str, str]
    stamp: dt.datetime | None


def list_returns(folder: Path) -> Iterator[ReturnedFile]:
    """Every file below ``folder``, in a stable order, read once."""
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        yield ReturnedFile(path, path.read_bytes())


def open_return(file: ReturnedFile) -> OpenedReturn:
    """Open a returned workbook in memory; raise :class:`UnreadableReturn` if we cannot."""
    _sniff(file)
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(file.data), rich_text=False)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as exc:
        raise UnreadableReturn(
            f"文件已损坏或不是 Excel 工作簿，无法打开（{type(exc).__name__}）",
            "请用 Excel/WPS 打开下发的台账，填写后以 .xlsx 格式保存，重新报送",
        ) from exc
    try:
        identity = read_identity(workbook)
    except WorkbookIdentityError:
        identity = {}
    modified = workbook.properties.modified or workbook.properties.created
    return OpenedReturn(file, workbook, identity, modified)


def _sniff(file: ReturnedFile) -> None:
    data = file.data
    if not data:
        raise UnreadableReturn("文件是空的（0 字节）", "请重新保存并报送填好的台账")
    if data.startswith(OLE_MAGIC):
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise UnreadableReturn(
                "文件设置了打开密码，无法读取", "请在 Excel/WPS 中取消文件密码后另存，再报送"
            )
        raise UnreadableReturn(
            "文件是旧版 .xls 格式，不是下发的 .xlsx 台账",
            "请打开下发的 .xlsx 台账填写；如已在 .xls 中填写，请另存为 .xlsx（Excel 工作簿）",
        )
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
