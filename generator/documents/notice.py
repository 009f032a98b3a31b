"""The issuing notice (印发通知) that wraps the plan: 关于印发《方案》的通知.

The template lays the notice out (版头, 主体, 版记); this module only prepares its
strings, with every default of ``plan.yaml``'s ``notice`` filled in.
"""

from __future__ import annotations

import unicodedata
from typing import TypedDict

from generator.documents.common import chinese_date, signature_lines, title_lines
from generator.model.plan import Notice, PlanText
from generator.render import gbt9704 as g

# Trailing marks a user may type after a name; the document adds its own.
TRAILING_MARKS = "：:。.，,、；;"


class NoticeContext(TypedDict):
    authority: str
    authority_size: int  # half-points
    authority_scale: int  # character width, %
    number: str
    title: str
    addressee: str
    body: list[str]
    signature: str
    date: str
    remark: str
    copy_to: str
    printer: str
    print_date: str


def notice_context(text: PlanText) -> NoticeContext | None:
    """The ``notice`` of templates/plan.docx, or None when the plan has no notice."""
    notice = text.notice
    if notice is None:
        return None
    date = notice.date or text.date
    return NoticeContext(
        authority=notice.authority,
        authority_size=authority_size(notice.authority),
        authority_scale=authority_scale(notice.authority),
        number=notice.number,
        title=title_lines(notice_title(notice, text)),
        addressee=notice.addressee.rstrip(TRAILING_MARKS) + "：",
        body=list(notice.body) or [f"现将《{text.title}》印发给你们，请结合实际，认真贯彻落实。"],
        signature=signature_lines(notice.issuer or text.issuer),
        date=chinese_date(date),
        remark=remark(notice.disclosure),
        copy_to=copy_to_line(notice.copy_to),
        printer=notice.printer,
        print_date=chinese_date(notice.print_date or date) + g.PRINTED,
    )


def _fitting_size(name: str) -> float:
    """Half-points at which ``name`` fills the 版心's width (a CJK glyph is 1 em wide)."""
    ems = sum(1 if unicodedata.east_asian_width(c) in "WFA" else 0.5 for c in name) or 1
    return g.AUTHORITY_WIDTH / 10 / ems  # twips / 20 = pt, × 2 = half-points


def authority_size(name: str) -> int:
    """小初 when the 标志 fits; smaller for a longer name, never below 一号."""
    return max(g.AUTHORITY_MIN_SIZE, min(g.AUTHORITY_SIZE, int(_fitting_size(name))))


def authority_scale(name: str) -> int:
    """100, or the character width (%) that still fits a name too long at 一号."""
    return min(100, int(100 * _fitting_size(name) / authority_size(name)))


def notice_title(notice: Notice, text: PlanText) -> str:
    return notice.title or f"关于印发《{text.title}》的通知"


def remark(disclosure: str) -> str:
    """附注 in parentheses: 此件公开发布 → （此件公开发布）; "" stays ""."""
    if not disclosure:
        return ""
    inner = disclosure.strip("（）()")
    return f"（{inner}）"


def copy_to_line(names: list[str]) -> str:
    """抄送：A，B。 (full-width commas, a full stop after the last name); "" for none."""
    if not names:
        return ""
    return g.COPY_TO_LABEL + "，".join(name.rstrip(TRAILING_MARKS) for name in names) + "。"
