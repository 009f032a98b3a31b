"""Deadlines as offices write them (完成时限): 6月底前, 2016年11月30日前, 年底前."""

from __future__ import annotations

import calendar
import datetime as dt
import re

_FULL = re.compile(r"^(?:(\d{4})年)?(\d{1,2})月(\d{1,2})日(?:前|之前)?$")
_MONTH_END = re.compile(r"^(?:(\d{4})年)?(\d{1,2})月(?:底|末)(?:前|之前)?$")
_YEAR_END = re.compile(r"^(?:(\d{4})年)?年?(?:底|末)(?:前|之前)?$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
FORMS = "6月底前、2016年11月30日前、11月30日前、年底前"


def parse_deadline(text: str, year: int) -> dt.date | None:
    """The last day the deadline allows, in the plan's ``year`` unless it names one."""
    text = text.strip().replace(" ", "")
    try:
        if match := _FULL.match(text) or _ISO.match(text):
            if match.re is _ISO:
                y, m, d = (int(g) for g in match.groups())
            else:
                y, m, d = int(match.group(1) or year), int(match.group(2)), int(match.group(3))
            return dt.date(y, m, d)
        if match := _MONTH_END.match(text):
            y, m = int(match.group(1) or year), int(match.group(2))
            return dt.date(y, m, calendar.monthrange(y, m)[1])
        if match := _YEAR_END.match(text):
            return dt.date(int(match.group(1) or year), 12, 31)
    except ValueError:
        return None  # 2月30日: no such day
    return None
