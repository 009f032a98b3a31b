"""Every phase's figures from one pass over the units (issue 19): a summary reads each
unit's return once for all the phases it sums up, whatever the record's cache holds."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from generator.intake.record import load_record, record_snapshot
from generator.model.evaluation import PhaseResult, evaluate, evaluate_phases
from generator.read.plan_reader import read_plan
from generator.write.store import RecordStore
from tests.helpers import EXAMPLE, collect_and_summarise

PLAN = read_plan(EXAMPLE)


@pytest.fixture(scope="module")
def collected(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return collect_and_summarise(EXAMPLE, tmp_path_factory.mktemp("phases") / "out", phases=())


def _figures(result: PhaseResult) -> Any:
    lines = [
        (
            line.unit.id,
            line.target.id,
            line.report.status if line.report else None,
            line.report.progress if line.report else None,
            line.report.figure if line.report else None,
        )
        for target in result.targets
        for line in target.lines
    ]
    units = [(u.unit.id, u.reported, u.counts, u.rate) for u in result.units]
    return result.phase.id, result.counts, result.rate, lines, units


@pytest.mark.parametrize("cumulative", [True, False])
def test_one_pass_gives_each_phase_what_it_gives_alone(collected: Path, cumulative: bool) -> None:
    record = load_record(collected)
    phases = PLAN.text.phases
    alone = [_figures(evaluate(PLAN, record, phase, cumulative)) for phase in phases]
    with record_snapshot(collected) as lazy:
        together = [_figures(r) for r in evaluate_phases(PLAN, lazy, phases, cumulative)]
    assert together == alone
    assert len({str(figures[3]) for figures in alone}) > 1  # the phases do differ


def test_each_return_is_read_once_for_all_phases(
    collected: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reads: list[tuple[str, str]] = []
    original = RecordStore.reports

    def counted(store: RecordStore, sha256: str, version: str, key: str | None = None) -> Any:
        reads.append((sha256, version))
        return original(store, sha256, version, key)

    monkeypatch.setattr(RecordStore, "reports", counted)
    with record_snapshot(collected) as lazy:
        assert lazy is not None
        evaluate_phases(PLAN, lazy, PLAN.text.phases, cumulative=True)
        accepted = len(lazy.accepted)
    assert len(PLAN.text.phases) == 3 and accepted > 8  # more than the snapshot keeps
    assert sorted(reads) == sorted(set(reads)) and len(reads) == accepted
