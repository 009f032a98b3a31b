"""The ledger's reporting lines (台账行), shared by the workbooks, collect and evaluation."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

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
