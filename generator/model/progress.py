"""What units reported (进度): phase reports per ledger row, submissions, the record.

The consolidated record is kept as JSON (``进度记录.json``) so later steps --
summaries, nominations -- read the same facts the collect step accepted, and so
a superseded submission stays recoverable.
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
        return cls(data["unit_id"], data["file_name"], data["sha256"], data["stamp"], rows)


@dataclass(frozen=True)
class Rejection:
    """A returned file that was not accepted, with what the unit must correct (退回)."""

    file_name: str
    sha256: str
    unit_id: str  # empty when the file could not be matched to a unit
    stamp: str
    problems: list[str]  # formatted Chinese problem lines
    annotated: str = ""  # relative path of the annotated copy, if one was written


@dataclass
class ProgressRecord:
    """Everything collected so far for one plan version (进度记录)."""

    plan_id: str
    plan_version: str
    accepted: dict[str, Submission] = field(default_factory=dict)  # unit id -> latest
    superseded: list[Submission] = field(default_factory=list)  # older accepted returns
    rejected: list[Rejection] = field(default_factory=list)

    def accept(self, submission: Submission) -> Submission | None:
        """Keep the newer of this and the unit's current submission; return the one set aside."""
        current = self.accepted.get(submission.unit_id)
        if current is None:
            self.accepted[submission.unit_id] = submission
            return None
        if current.sha256 == submission.sha256:
            return None
        newer, older = sorted([current, submission], key=lambda s: (s.stamp, s.sha256))[::-1]
        self.accepted[submission.unit_id] = newer
        if all(s.sha256 != older.sha256 for s in self.superseded):
            self.superseded.append(older)
            self.superseded.sort(key=lambda s: (s.unit_id, s.stamp, s.sha256))
        return older

    def to_json(self) -> dict[str, Any]:
        return {
            "plan_id": self.plan_id,
            "plan_version": self.plan_version,
            "accepted": {u: s.to_json() for u, s in sorted(self.accepted.items())},
            "superseded": [s.to_json() for s in self.superseded],
            "rejected": [asdict(r) for r in self.rejected],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ProgressRecord:
        return cls(
            data["plan_id"],
            data["plan_version"],
            {u: Submission.from_json(s) for u, s in data["accepted"].items()},
            [Submission.from_json(s) for s in data["superseded"]],
            [Rejection(**r) for r in data["rejected"]],
        )
