"""The ledger's reporting lines (台账行), shared by the workbooks, collect and evaluation."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import groupby

from generator.model.plan import Measure, Target


@dataclass(frozen=True)
class LedgerRow:
    """One reporting line of a ledger (台账行): a target, or one measure of it."""

    target: Target
    measure: Measure | None

    @property
    def key(self) -> str:
        """Stable across plan edits: the target id, plus the measure id where there is one."""
        return f"{self.target.id}/{self.measure.id}" if self.measure else self.target.id


def ledger_rows(targets: Iterable[Target]) -> list[LedgerRow]:
    rows = []
    for target in targets:
        measures: list[Measure | None] = list(target.measures) or [None]
        rows.extend(LedgerRow(target, measure) for measure in measures)
    return rows


def target_numbers(targets: Sequence[Target]) -> dict[str, str]:
    """The one numbering of ledger targets every document uses (target id -> 序号).

    As the plan's attached table numbers them: a row per target, except that consecutive
    targets of one project sharing a subject share a row -- they are 1.1, 1.2, 1.3.
    """
    numbers: dict[str, str] = {}
    seq = 0
    for _, in_project in groupby(targets, key=lambda t: t.project):
        for _, in_row in groupby(in_project, key=lambda t: t.subject or t.id):
            row = list(in_row)
            seq += 1
            for k, target in enumerate(row, 1):
                numbers[target.id] = str(seq) if len(row) == 1 else f"{seq}.{k}"
    return numbers
