"""Reading the figures units type into a 完成数 cell (数字识别).

People type ``4``, ``4次`` (where 次 is asked for), ``４`` or ``4.0``; those are unambiguous and
accepted (with a notice when stored as text). ``四次``, ``百分之三十``, ``约4``
or ``4-5`` are not: the unit must write the number.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_NUMBER = re.compile(r"^([0-9]+(?:\.[0-9]+)?)\s*(.*)$")


@dataclass(frozen=True)
class FigureReading:
    value: float | None
    error: str = ""  # why the entry is not a usable number
    notice: str = ""  # accepted, but worth telling the unit


def read_figure(raw: object, report_unit: str) -> FigureReading:
    """Interpret a 完成数 cell value; ``report_unit`` is the unit the ledger asks for."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return FigureReading(None)
    if isinstance(raw, bool):
        return FigureReading(None, f"完成数「{raw}」不是数字")
    if isinstance(raw, int | float):
        return _checked(float(raw), "")
    if not isinstance(raw, str):
        return FigureReading(None, f"完成数是{type(raw).__name__}（如日期），不是数字")
    text = unicodedata.normalize("NFKC", raw).strip().replace(",", "")
    if text.startswith("="):
        return FigureReading(None, "完成数是公式，收回的台账只接受直接填写的数字")
    match = _NUMBER.match(text)
    if not match:
        return FigureReading(None, f"完成数「{raw}」不是阿拉伯数字")
    number, suffix = float(match.group(1)), match.group(2).strip()
    if suffix and suffix != unicodedata.normalize("NFKC", report_unit):
        return FigureReading(None, f"完成数「{raw}」带有无法识别的文字「{suffix}」")
    return _checked(number, f"完成数「{raw}」存成了文字，已按 {match.group(1)} 读取")


def _checked(value: float, notice: str) -> FigureReading:
    if value < 0:
        return FigureReading(None, f"完成数 {value:g} 是负数")
    return FigureReading(value, notice=notice)
