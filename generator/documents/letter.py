"""A short 公文 on the general template (summary.docx): title, 主送机关, body, 署名, 成文日期.

What a notice needs and nothing else: no charts, no attachment page.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from generator.documents.common import (
    Block,
    body_around_charts,
    chinese_date,
    signature_lines,
    title_lines,
)


def letter_context(
    title: str, addressees: list[str], blocks: list[Block], signature: str, date: dt.date
) -> dict[str, Any]:
    return {
        "title": title_lines(title),
        "addressee": "、".join(addressees) + "：",
        **body_around_charts(blocks, []),
        "tables": [],
        "attachments": [],
        "signature": signature_lines(signature),
        "date": chinese_date(date),
        "ledger": None,
    }
