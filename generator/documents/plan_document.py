"""The plan itself (方案) as an official document, with its ledger attached.

With a ``notice`` in plan.yaml the plan is issued inside it (印发通知): the notice
comes first and the 版记 closes the document (see :mod:`generator.documents.notice`).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import PurePath
from typing import Any

from generator.documents.common import (
    chinese_date,
    outline_blocks,
    paragraphs,
    signature_lines,
    title_lines,
)
from generator.documents.document import Document, IssueInputs
from generator.documents.ledger_table import ledger_groups
from generator.documents.notice import notice_context
from generator.model.resolved import Plan
from generator.render.document_spec import DocProperties
from generator.write.names import safe_filename


def plan_context(plan: Plan) -> dict[str, Any]:
    text = plan.text
    return {
        "notice": notice_context(text),
        "title": title_lines(text.title),
        "addressee": text.addressee,
        "blocks": [*paragraphs(text.preamble), *outline_blocks(plan, text.sections)],
        "attachments": [{"label": "附件", "title": plan.ledger.title}],
        "signature": signature_lines(text.issuer),
        "date": chinese_date(text.date),
        "ledger": {
            "title": plan.ledger.title,
            "groups": ledger_groups(plan, plan.ledger.targets),
        },
    }


def plan_filename(plan: Plan) -> str:
    return f"{plan.text.title}.docx"


def documents(inputs: IssueInputs) -> Iterator[Document]:
    """The plan itself (方案), with its ledger attached; not when one unit's files are wanted."""
    if inputs.only_unit is not None:
        return
    plan = inputs.plan
    title = plan.text.title
    properties = DocProperties(title=title, author=plan.text.issuer, created=plan.text.date)
    yield Document(
        PurePath(safe_filename(title, ".docx")), "方案", plan_context(plan), properties=properties
    )
