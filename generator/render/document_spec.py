"""What a Word document may be given besides text: its properties and inline pictures.

Plain data the document builders and the chart maker hand to the engine
(``generator.render.docx``); kept apart from the engine so they need only these types.
"""

from __future__ import annotations

import math
import re
import struct
from dataclasses import dataclass, field
from datetime import date, datetime

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

EMU_PER_MM = 36000

# Characters XML 1.0 cannot carry at all (lone surrogates included): a value holding
# one would either break the part or, through docxtpl's \a and \f shortcuts, silently
# restructure the document.
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


@dataclass(frozen=True)
class DocProperties:
    """The document properties written into docProps/core.xml (never the current time)."""

    title: str
    author: str
    created: date | datetime
    subject: str = ""
    keywords: str = ""
    description: str = ""


def png_size(data: bytes) -> tuple[int, int]:
    """(width, height) in pixels from a PNG's IHDR chunk; ``ValueError`` for anything else."""
    if len(data) < 24 or not data.startswith(PNG_SIGNATURE) or data[12:16] != b"IHDR":
        raise ValueError("图片不是有效的 PNG 文件（缺少 PNG 文件头或 IHDR 数据块）")
    width, height = struct.unpack(">II", data[16:24])
    if not width or not height:
        raise ValueError(f"PNG 图片的尺寸无效：{width}×{height}")
    return width, height


@dataclass(frozen=True)
class Picture:
    """A PNG picture a context may hold; ``{{ value }}`` in a run shows it inline.

    The height follows from ``width_mm`` and the PNG's own aspect ratio;
    ``description`` is the picture's alternative text (``descr``).
    """

    png: bytes = field(repr=False)
    width_mm: float
    description: str

    def __post_init__(self) -> None:
        png_size(self.png)
        if not (math.isfinite(self.width_mm) and self.width_mm > 0):
            raise ValueError(f"图片宽度应为正的毫米数，实为 {self.width_mm}")
        found = XML_ILLEGAL.search(self.description)
        if found is not None:
            raise ValueError(f"图片说明含有 XML 不允许的字符 U+{ord(found.group()):04X}")

    @property
    def extent_emu(self) -> tuple[int, int]:
        """Width and height in EMU (English Metric Units, 36 000 per millimetre)."""
        width_px, height_px = png_size(self.png)
        width = round(self.width_mm * EMU_PER_MM)
        return width, round(width * height_px / width_px)
