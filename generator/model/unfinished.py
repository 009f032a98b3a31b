"""Words in a unit's 实施情况 that say the work is not finished (正在施工, 尚未完成 …).

``collect`` notes a 已完成 that says so for the staff; summaries do not quote such a text
as what was achieved.
"""

from __future__ import annotations

NOT_FINISHED = (
    *("正在", "尚未", "还未", "未完成", "没有完成"),
    *("待完成", "筹划", "拟于", "即将", "计划于"),
)


def says_unfinished(progress: str) -> str:
    """The first word in ``progress`` that says the work is not finished ("" if none)."""
    return next((word for word in NOT_FINISHED if word in progress), "")
