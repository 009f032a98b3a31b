"""What units reported (进度): phase reports per ledger row, submissions, the record.

The record lives in a SQLite database per output folder
(:mod:`generator.write.store`); ``进度记录.json`` is a view of it written by every
collect, so later steps -- summaries, nominations -- read the same facts the collect
step accepted, and a superseded submission stays recoverable.

Which return of a unit counts (:func:`arrival_key`): the one the office received last.
Arrival is recorded at intake, once: the collect run that first saw the file, then
within that run the file's modification time in 2-second windows (the resolution of
zip and FAT time stamps, so files unpacked from one mail arrive together), then the
workbook's own save time (UTC) and the path. The save time only orders files that
arrived together, and is otherwise a cross-check: a later arrival saved earlier, a
save time in the future, or two returns that nothing tells apart are reported for
staff, who can pick a version explicitly (``plandocs pick``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class PhaseReport:
    """A unit's entry for one ledger row in one phase (阶段填报)."""

    status: str | None = None  # one of STATUSES, or None when left blank
    progress: str = ""  # 实施情况
    figure: float | None = None  # 完成数, for quantitative rows

    @property
    def is_blank(self) -> bool:
        return self.status is None and not self.progress and self.figure is None


@dataclass(frozen=True)
class Submission:
    """One returned ledger workbook that passed every check (报送)."""

    unit_id: str
    file_name: str
    sha256: str
    stamp: str  # ISO time the unit's Excel/WPS saved it, from inside the workbook
    rows: dict[str, dict[str, PhaseReport]]  # row key -> phase id -> report
    order: int = 0  # arrival order over the year (1, 2, ...), recorded at intake
    source: str = ""  # where it was found, relative to the returns folder of its run

    def report(self, key: str, phase_id: str) -> PhaseReport:
        return self.rows.get(key, {}).get(phase_id, PhaseReport())

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["rows"] = {
            key: {phase: asdict(report) for phase, report in phases.items()}
            for key, phases in self.rows.items()
        }
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Submission:
        rows = {
            key: {phase: PhaseReport(**report) for phase, report in phases.items()}
            for key, phases in data["rows"].items()
        }
        return cls(
            data["unit_id"],
            data["file_name"],
            data["sha256"],
            data["stamp"],
            rows,
            int(data.get("order", 0)),
            str(data.get("source", "")),
        )


@dataclass(frozen=True)
class Rejection:
    """A returned file that was not accepted, with what the unit must correct (退回)."""

    file_name: str
    sha256: str
    unit_id: str  # empty when the file could not be matched to a unit
    stamp: str
    problems: list[str]  # formatted Chinese problem lines
    annotated: str = ""  # relative path of the annotated copy, if one was written
    outstanding: bool = True  # no accepted return of the unit (or file) arrived after it
    order: int = 0  # arrival order, as for Submission
    source: str = ""


@dataclass
class ProgressRecord:
    """Everything collected so far for one plan version (进度记录)."""

    plan_id: str
    plan_version: str
    accepted: dict[str, Submission] = field(default_factory=dict)  # unit id -> latest
    superseded: list[Submission] = field(default_factory=list)  # older accepted returns
    rejected: list[Rejection] = field(default_factory=list)
    doubts: list[str] = field(default_factory=list)  # orderings staff should confirm (Chinese)

    def to_json(self) -> dict[str, Any]:
        return {
            "plan_id": self.plan_id,
            "plan_version": self.plan_version,
            "accepted": {u: s.to_json() for u, s in sorted(self.accepted.items())},
            "superseded": [s.to_json() for s in self.superseded],
            "rejected": [asdict(r) for r in self.rejected],
            "doubts": list(self.doubts),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ProgressRecord:
        return cls(
            data["plan_id"],
            data["plan_version"],
            {u: Submission.from_json(s) for u, s in data["accepted"].items()},
            [Submission.from_json(s) for s in data["superseded"]],
            [Rejection(**r) for r in data["rejected"]],
            [str(d) for d in data.get("doubts", [])],
        )


# Files whose modification times fall in one window arrived together (zip/FAT resolution).
ARRIVAL_WINDOW_NS = 2_000_000_000


def arrival_key(mtime_ns: int, saved_utc: str, source: str) -> tuple[int, str, str]:
    """The order of files first seen in one collect run: earliest arrival first."""
    return (mtime_ns // ARRIVAL_WINDOW_NS, saved_utc, source)
