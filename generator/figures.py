"""Reading the figures units type into a 完成数 cell (数字识别).

People type ``4``, ``4次`` (where 次 is asked for), ``４``, ``4.0`` or ``1,234``; those are
unambiguous and accepted (with a notice when stored as text). ``四次``, ``百分之三十``, ``约4``,
``4-5``, ``1,5`` (a decimal comma or a typo?), a date, or an absurdly large number such as an
18-digit ID are not: the unit must write the number.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from dataclasses import dataclass

# Digits with optional thousands separators in their proper places; [0-9], not \d, because
# \d also matches digits of other scripts that float() would quietly accept.
_NUMBER = re.compile(r"^((?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?)\s*(.*)$")
# Far above any count a ledger asks for (次, 人, 个, 万元 ...); an ID or phone number typed
# into the cell, or a date serial, would otherwise pass as a figure.
MAX_FIGURE = 1_000_000_000


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
    if isinstance(raw, dt.date | dt.time):
        return FigureReading(None, f"完成数「{shown(raw)}」是日期或时间，不是数字")
    if isinstance(raw, int | float):
        return _checked(float(raw), shown(raw), "")
    if not isinstance(raw, str):
        return FigureReading(None, f"完成数「{raw}」不是数字")
    return _read_text(raw, report_unit)


def _read_text(raw: str, report_unit: str) -> FigureReading:
    text = unicodedata.normalize("NFKC", raw).strip()
    if text.startswith("="):
        return FigureReading(None, "完成数是公式，收回的台账只接受直接填写的数字")
    match = _NUMBER.match(text)
    if not match:
        return FigureReading(None, f"完成数「{snippet(raw)}」不是阿拉伯数字")
    digits, suffix = match.group(1).replace(",", ""), match.group(2).strip()
    if suffix and suffix != unicodedata.normalize("NFKC", report_unit):
        return FigureReading(
            None, f"完成数「{snippet(raw)}」带有无法识别的文字「{snippet(suffix)}」"
        )
    return _checked(float(digits), digits, f"完成数「{raw}」存成了文字，已按 {digits} 读取")


def _checked(value: float, written: str, notice: str) -> FigureReading:
    if not math.isfinite(value):
        return FigureReading(None, f"完成数「{written}」不是有效的数字")
    if value < 0:
        return FigureReading(None, f"完成数 {value:g} 是负数")
    if value > MAX_FIGURE:
        return FigureReading(
            None,
            f"完成数 {snippet(written)} 数值过大（超过 {MAX_FIGURE:,}），"
            "可能误填了证件号、编号或日期",
        )
    return FigureReading(value, notice=notice)


def shown(value: object) -> str:
    """A cell value as the unit would recognise it: 3 not 3.0, 2016-06-01 not a timestamp."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    if isinstance(value, dt.datetime):
        if value.time() == dt.time():
            return value.date().isoformat()
        return value.isoformat(" ", "minutes")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


def snippet(text: str, limit: int = 30) -> str:
    """``text`` cut to ``limit`` characters for a message (the cell itself is never cut)."""
    return text if len(text) <= limit else text[:limit] + "…"
