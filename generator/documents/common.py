"""Pieces every document kind shares: numbering, dates, outline blocks, names.

A *block* is one paragraph of an outline as the Word templates expect it:
``{"level": 0..4, "number": "一、", "heading": "...", "text": "..."}``. Level 0
is a plain body paragraph.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterable, Iterator
from typing import Any, TypedDict

from generator.documents.measure_text import is_yes_no, reported_label
from generator.model.plan import Item, Measure, Phase
from generator.model.resolved import Plan
from generator.render import gbt9704 as g

_DIGITS = "零一二三四五六七八九"


class Block(TypedDict):
    level: int
    number: str
    heading: str
    text: str


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 99 → 九十九."""
    if not 0 < n < 100:
        raise ValueError(f"out of range: {n}")
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else _DIGITS[tens] + "十")
    return head + (_DIGITS[ones] if ones else "")


def outline_number(level: int, n: int) -> str:
    """The GB/T 9704 number of the n-th item at a level: 一、 （一） 1. （1）."""
    if level == 1:
        return f"{chinese_number(n)}、"
    if level == 2:
        return f"（{chinese_number(n)}）"
    if level == 3:
        return f"{n}."
    if level == 4 or n > len(_CIRCLED):
        return f"（{n}）"
    return _CIRCLED[n - 1]


# The fifth level offices use below （1）: ① ② … ⑳.
_CIRCLED = "".join(chr(0x2460 + i) for i in range(20))
# The Word templates shape blocks of levels 0-4; a fifth-level item is set like the fourth.
_DEEPEST_STYLE = 4


def chinese_date(day: dt.date) -> str:
    """2016-06-07 → 2016年6月7日 (Arabic numerals, no zero padding)."""
    return f"{day.year}年{day.month}月{day.day}日"


def phase_period(phase: Phase) -> str:
    """A phase's time as offices write it: 5月份, 6至11月份, 5月10日至6月30日; "" if none."""
    first, last = phase.first_day(), phase.last_day()
    if first is None or last is None:
        return ""
    if isinstance(phase.start, dt.date) or isinstance(phase.end, dt.date):
        end_year = f"{last.year}年" if last.year != first.year else ""
        return f"{first.month}月{first.day}日至{end_year}{last.month}月{last.day}日"
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.month}月份"
    if first.year == last.year:
        return f"{first.month}至{last.month}月份"
    return f"{first.year}年{first.month}月至{last.year}年{last.month}月"


def phase_heading(phase: Phase) -> str:
    """宣传教育阶段（5月份）, or just the name when the plan gives no time."""
    period = phase_period(phase)
    return f"{phase.name}（{period}）" if period else phase.name


def block(level: int, number: str = "", heading: str = "", text: str = "") -> Block:
    return Block(level=level, number=number, heading=heading, text=text)


def body_around_charts(blocks: list[Block], charts: list[Any]) -> dict[str, Any]:
    """The body split so the charts follow its first part (the figures they picture) and
    the closing block (附件说明, 署名, 日期) follows text: a page-high chart just before it
    would leave the block alone on the last page (GB/T 9704 7.3.5.5)."""
    parts = [n for n, b in enumerate(blocks) if b["level"] == 1]
    cut = parts[1] if charts and len(parts) > 1 else len(blocks)
    return {"blocks": blocks[:cut], "charts": charts, "blocks_after_charts": blocks[cut:]}


def paragraphs(texts: Iterable[str]) -> list[Block]:
    return [block(0, text=text) for text in texts]


def units_line(plan: Plan, item: Item) -> str:
    """责任单位：A、B — or 牵头单位/配合单位 when the plan names them separately."""
    if not item.lead:
        return "责任单位：" + "、".join(plan.display_name(ref) for ref in item.named)
    line = "牵头单位：" + "、".join(plan.display_name(ref) for ref in item.lead)
    if item.cooperating:
        line += "；配合单位：" + "、".join(plan.display_name(ref) for ref in item.cooperating)
    return line


def task_terms(item: Item) -> list[str]:
    """完成时限, 责任领导 and 分值 of a task, those the plan gives."""
    terms = []
    if item.deadline:
        terms.append(f"完成时限：{item.deadline}")
    if item.leader:
        terms.append(f"责任领导：{item.leader}")
    if item.score is not None:
        terms.append(f"分值：{format_number(item.score)}分")
    return terms


def detail_lines(item: Item) -> list[str]:
    """活动主题：…, 时间：  年 月 日 -- an item's labelled lines, blanks as the plan left them."""
    return [f"{d.label}：{d.value}" for d in item.details]


def responsibility_line(plan: Plan, item: Item) -> str:
    """The line under a task: its units, then its deadline, leader and score."""
    return "；".join([units_line(plan, item), *task_terms(item)])


def item_blocks(item: Item, level: int, number: str, plan: Plan) -> Iterator[Block]:
    """The paragraphs of one outline item without its children."""
    if level == 1 and item.title:
        yield block(1, number, item.title)
        if item.text:
            yield block(0, text=item.text)
    elif level == 1:
        # No short title: the number leads the text in a body paragraph, never a bare 一、.
        yield block(0, text=f"{number}{item.text}")
    else:
        yield block(min(level, _DEEPEST_STYLE), number, item.title, item.text)
    yield from paragraphs(item.paragraphs)
    yield from paragraphs(detail_lines(item))
    if item.is_task:
        yield block(0, text=responsibility_line(plan, item))


def phase_blocks(phases: Iterable[Phase], level: int, unit_view: bool = False) -> list[Block]:
    """工作步骤: one numbered paragraph per phase, with its months."""
    return [
        block(
            level,
            outline_number(level, n),
            f"{phase_heading(phase)}。",
            phase.unit_text if unit_view else phase.text,
        )
        for n, phase in enumerate(phases, 1)
    ]


def outline_blocks(plan: Plan, items: Iterable[Item], level: int = 1) -> list[Block]:
    """The whole outline below ``items``, numbered by depth."""
    blocks: list[Block] = []
    for n, item in enumerate(items, 1):
        blocks.extend(item_blocks(item, level, outline_number(level, n), plan))
        if item.role == "phases":
            blocks.extend(phase_blocks(plan.text.phases, item.child_level(level)))
        blocks.extend(outline_blocks(plan, item.items, item.child_level(level)))
    return blocks


def title_lines(title: str, width: int = 20) -> str:
    """Break a long title at a natural point so no line exceeds ``width`` characters.

    A 二号 line holds about 20 characters in the 156 mm text block. Breaks go after
    a closing mark or before 的/关于-like joins would need a dictionary; we break
    after punctuation or a closing book-title mark first, then evenly.
    """
    if len(title) <= width:
        return title
    lines, rest = [], title
    while len(rest) > width:
        cut = _break_point(rest, width)
        lines.append(rest[:cut])
        rest = rest[cut:]
    lines.append(rest)
    return "\n".join(lines)


# Words a title line may end with when it has no punctuation to break at: breaking after
# one of these never splits a word (单位 stays whole; 2020年 keeps its digits).
_WORD_ENDS = (
    *("单位", "办公室", "委员会", "中心", "工作", "行动", "活动"),
    *("年度", "年", "市", "局", "的"),
)


def _break_point(text: str, width: int) -> int:
    """Where to end a title line: after punctuation, else before a conjunction, else after a
    word ending nearest the middle, else halfway."""
    window = range(width, width // 2, -1)
    for cut in window:
        if text[cut - 1] in "》）」，、" or text[cut : cut + 1] in "《（":
            return cut
    for cut in window:
        if text[cut : cut + 1] in "和与及暨":
            return cut
    # No natural point: split into near-equal lines rather than leave a stub line.
    lines = -(-len(text) // width)
    even = -(-len(text) // lines)
    words = [
        cut
        for cut in range(max(1, len(text) - width), width + 1)
        if text[:cut].endswith(_WORD_ENDS) and not text[cut : cut + 1].isdigit()
    ]
    if not words:  # never inside a number: 2020 stays on one line
        words = [cut for cut in range(1, len(text)) if not text[cut - 1 : cut + 1].isdigit()]
    return min(words, key=lambda cut: (abs(cut - even), -cut))


def signature_lines(name: str) -> str:
    """The 署名 as printed: an organ name too long for one line centred over the date is
    broken at a word's end (「…分局 / 办税服务厅」), never inside a word."""
    return "\n".join(
        title_lines(part, g.SIGNATURE_CHARS)
        if _display_width(part) > g.SIGNATURE_CHARS and _breakable(part)
        else part
        for part in name.split("\n")
    )


def _display_width(text: str) -> float:
    """Width in 字: a Chinese or full-width character 1, a letter or digit ½."""
    return sum(1 if unicodedata.east_asian_width(c) in "WFA" else 0.5 for c in text)


def _breakable(text: str) -> bool:
    """Whether ``text`` has a place to break that is not inside a number."""
    return any(not text[cut - 1 : cut + 1].isdigit() for cut in range(1, len(text)))


def measure_line(measure: Measure, planned: float | None = None) -> str:
    """量化指标：不少于6次（本单位；填报全年举办讲座次数，单位：次；2016年底前）.

    With the unit's own 计划数: 量化指标：不少于6次（本单位计划8次；填报……）.
    """
    scope = "全系统合计" if measure.scope == "system" else "本单位"
    if planned is not None:
        scope += f"计划{format_number(planned)}{measure.unit}"
    deadline = f"；{measure.deadline_year}年底前" if measure.deadline_year else ""
    if is_yes_no(measure):  # each unit answers yes or no: no count to give
        asked = reported_label(measure).removeprefix("已")
        return f"量化指标：{measure.wording}（{scope}；填报本单位是否{asked}{deadline}）"
    return (
        f"量化指标：{measure.wording}（{scope}；填报{reported_label(measure)}，"
        f"单位：{measure.report_unit}{deadline}）"
    )


def format_number(value: float) -> str:
    """6.0 → 6, 2.5 → 2.5: figures as people write them."""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"
