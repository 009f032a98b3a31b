"""The 催报通知: one notice to every unit that has not reported its ledger, naming the
ledger and the day to report by.

One notice with all of them as 主送机关, as an office sends it: one document to sign,
number and file, and each unit sees it is not singled out. Dated by the last return
received (the day collect took stock), so a re-run writes the same notice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import PurePath

from generator.documents.common import block, chinese_date, paragraphs
from generator.documents.document import CollectInputs, Document
from generator.documents.letter import letter_context
from generator.documents.summary_parts import phase_end
from generator.model.plan import Phase
from generator.model.progress import ProgressRecord
from generator.model.resolved import Plan
from generator.render.document_spec import DocProperties
from generator.write.names import safe_filename

REPORT_WITHIN = dt.timedelta(days=7)  # 一周内报送


def documents(inputs: CollectInputs) -> Iterator[Document]:
    plan, missing = inputs.plan, list(inputs.missing)
    if not missing:
        return
    as_of = last_received(inputs.record) or plan.issue_date
    phase = current_phase(plan, as_of)
    title = f"关于报送{phase.name}《{plan.ledger.title}》的催报通知"
    due = chinese_date(phase_end(phase, plan.text.year))
    body = [
        f"按照《{plan.text.title}》要求，各责任单位应于{due}前报送本单位{phase.name}工作台账。截至{chinese_date(as_of)}，"
        f"你单位尚未报送，或报送的台账未通过审核。",
        f"请于{chinese_date(as_of + REPORT_WITHIN)}前，将填写完整的本单位工作台账"
        f"（{plan.text.issuer}下发的《{plan.ledger.title}》本单位工作簿，勿改动表格结构）"
        f"报送{plan.text.issuer}。已报送但被退回的，请按退回件中的批注逐项改正后重新报送。",
        "逾期未报的单位，将在阶段工作总结中予以通报。",
    ]
    blocks = [*paragraphs(body), block(0, text="特此通知。")]
    context = letter_context(title, [u.name for u in missing], blocks, plan.text.issuer, as_of)
    properties = DocProperties(title=title, author=plan.text.issuer, created=as_of)
    yield Document(
        PurePath(safe_filename(title, ".docx")), "催报通知", context, properties=properties
    )


def last_received(record: ProgressRecord) -> dt.date | None:
    """The save day of the newest return the record holds (accepted or not)."""
    stamps = [s.stamp for s in (*record.accepted.values(), *record.superseded)]
    stamps += [r.stamp for r in record.rejected]
    days = [dt.date.fromisoformat(stamp[:10]) for stamp in stamps if stamp[:10].strip()]
    return max(days, default=None)


def current_phase(plan: Plan, day: dt.date) -> Phase:
    """The phase whose reporting ``day`` falls in: the first not yet ended (else the last)."""
    phases = plan.text.phases
    return next((p for p in phases if phase_end(p, plan.text.year) >= day), phases[-1])
