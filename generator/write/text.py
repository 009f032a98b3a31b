"""Plain-text reports (报送情况.txt, 审核结果.txt, 导入说明.txt) as Windows shows them.

UTF-8 with a byte-order mark: Notepad before Windows 10 1903 (still on many office PCs)
reads a UTF-8 file without one as GBK and shows it garbled; with one, every editor and
``read_text("utf-8-sig")`` reads it right.
"""

from __future__ import annotations

BOM = "\ufeff"


def report_bytes(text: str) -> bytes:
    """The bytes of a text report: UTF-8 with a BOM, line breaks as written."""
    return (BOM + text).encode("utf-8")
