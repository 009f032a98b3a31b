"""What a document kind's builder gives: :class:`Document` items, made from one flow's inputs.

Each flow of the year hands its builders one inputs object (:class:`IssueInputs` when the
plan is issued, :class:`CollectInputs` when returns come in, :class:`SummaryInputs` for a
phase's or the year's summary, :class:`NominationInputs` for the nominations); the kinds
themselves are listed once, in :mod:`generator.pipeline.kinds`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import PurePath
from typing import Any

from generator.model.evaluation import PhaseResult
from generator.model.nomination_rules import Verdict
from generator.model.plan import Unit
from generator.model.progress import ProgressRecord
from generator.model.resolved import Plan
from generator.render.document_spec import DocProperties


@dataclass(frozen=True)
class Document:
    """One file of a document kind: its name under the kind's folder, its label, its content.

    ``content`` is made at once (a Word document's context, a workbook's spec, a text's
    bytes), so the run can tell from it whether the file changed since the last run;
    ``make`` defers the content to the render, and such a file is rendered on every run --
    unless ``digested``: then it is built to compare with the last run and dropped, and
    built again only if it must be rendered (ten thousand units' contexts are never held
    at once). ``template`` picks one of the kind's templates (推荐表:
    one per award kind); by default the kind's first.
    """

    name: PurePath
    label: str
    content: Any = None
    make: Callable[[], Any] | None = None
    properties: DocProperties | None = None
    template: str | None = None
    digested: bool = False


@dataclass(frozen=True)
class IssueInputs:
    """The plan being issued (phase 1), or one unit's share of it."""

    plan: Plan
    only_unit: Unit | None = None


@dataclass(frozen=True)
class CollectInputs:
    """The record after a collect run; ``taken`` is the intake's own result of the run."""

    plan: Plan
    record: ProgressRecord
    missing: Sequence[Unit]
    taken: Any = None


@dataclass(frozen=True)
class SummaryInputs:
    """Each phase's cumulative result up to the one summed up (the last).

    ``pictures`` replaces the drawn charts (the template check has no fonts to draw with).
    """

    plan: Plan
    phases: Sequence[PhaseResult]
    year_end: bool = False
    verdicts: Sequence[Verdict] | None = None
    record: ProgressRecord | None = None
    pictures: Callable[[], list[dict[str, Any]]] | None = None

    @property
    def result(self) -> PhaseResult:
        return self.phases[-1]

    @property
    def earlier(self) -> PhaseResult | None:
        return self.phases[-2] if len(self.phases) > 1 else None


@dataclass(frozen=True)
class NominationInputs:
    """The nominees judged against the year's ledger results."""

    plan: Plan
    verdicts: Sequence[Verdict]
    year: PhaseResult
    returns: Sequence[Any] = field(default_factory=list)  # intake's returned forms, if any

    @cached_property
    def results(self) -> str:
        """审核结果's text, made once: written to its file and shown by the command
        (ranking ten thousand units twice costs seconds)."""
        from generator.documents.nomination_results import results_text  # imports this module

        return results_text(self.plan, list(self.verdicts), self.year)
