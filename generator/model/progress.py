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

import json
import marshal
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

# A return's reports: row key -> phase id -> report (a dict, or a view of the store).
Rows = Mapping[str, Mapping[str, "PhaseReport"]]


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
    rows: Rows  # row key -> phase id -> report
    order: int = 0  # arrival order over the year (1, 2, ...), recorded at intake
    source: str = ""  # where it was found, relative to the returns folder of its run

    def report(self, key: str, phase_id: str) -> PhaseReport:
        return self.rows.get(key, {}).get(phase_id, PhaseReport())

    def to_json(self) -> dict[str, Any]:
        return {
            "unit_id": self.unit_id,
            "file_name": self.file_name,
            "sha256": self.sha256,
            "stamp": self.stamp,
            "rows": {
                key: {phase: _report_json(report) for phase, report in phases.items()}
                for key, phases in self.rows.items()
            },
            "order": self.order,
            "source": self.source,
        }

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

    def json_text(self) -> Iterator[str]:
        """``json.dumps(self.to_json(), ensure_ascii=False, indent=1, sort_keys=True)``, in
        pieces: one submission at a time, never the whole record as one value."""
        accepted = sorted(self.accepted)
        yield '{\n "accepted": '
        yield from _joined(
            "{", (f"{_text(u)}: {_submission_text(self.accepted[u], 2)}" for u in accepted), "}"
        )
        yield ',\n "doubts": '
        yield from _joined("[", (_text(d) for d in self.doubts), "]")
        yield f',\n "plan_id": {_text(self.plan_id)},\n "plan_version": {_text(self.plan_version)}'
        yield ',\n "rejected": '
        yield from _joined("[", (_nested(asdict(r), 2) for r in self.rejected), "]")
        yield ',\n "superseded": '
        yield from _joined("[", (_submission_text(s, 2) for s in self.superseded), "]")
        yield "\n}"

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


def _report_json(report: PhaseReport) -> dict[str, Any]:
    return {"status": report.status, "progress": report.progress, "figure": report.figure}


# --- the record's JSON, written as json.dumps(indent=1, sort_keys=True) writes it ---------------

_text = json.encoder.encode_basestring  # type: ignore[attr-defined]  # a str, ensure_ascii=False


def _value(value: object) -> str:
    return _text(value) if isinstance(value, str) else json.dumps(value)


def _joined(opening: str, items: Iterator[str], closing: str, level: int = 1) -> Iterator[str]:
    """A JSON object's or array's ``items`` (each already indented for ``level`` + 1)."""
    pad = "\n" + " " * (level + 1)
    first = True
    for item in items:
        yield (opening if first else ",") + pad + item
        first = False
    yield opening + closing if first else "\n" + " " * level + closing


def _nested(value: object, level: int) -> str:
    """A value of the record as it stands at ``level`` (indentation of its opening line)."""
    text = json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True)
    return text.replace("\n", "\n" + " " * level)  # (JSON strings hold no raw newline)


def _submission_text(submission: Submission, level: int) -> str:
    pad = "\n" + " " * (level + 1)
    rows = "".join(_joined("{", _rows_text(submission.rows, level + 2), "}", level + 1))
    fields = (
        ("file_name", _text(submission.file_name)),
        ("order", _value(submission.order)),
        ("rows", rows),
        ("sha256", _text(submission.sha256)),
        ("source", _text(submission.source)),
        ("stamp", _text(submission.stamp)),
        ("unit_id", _text(submission.unit_id)),
    )
    return (
        "{" + ",".join(f'{pad}"{key}": {text}' for key, text in fields) + "\n" + " " * level + "}"
    )


def _rows_text(rows: Rows, level: int) -> Iterator[str]:
    for key, phases in sorted(rows.items()):
        reports = _joined("{", _phases_text(phases, level + 1), "}", level)
        yield f"{_text(key)}: {''.join(reports)}"


def _phases_text(phases: Mapping[str, PhaseReport], level: int) -> Iterator[str]:
    pad = "\n" + " " * (level + 1)
    end = "\n" + " " * level + "}"
    for phase, r in sorted(phases.items()):
        yield (
            f'{_text(phase)}: {{{pad}"figure": {_value(r.figure)},{pad}"progress": '
            f'{_text(r.progress)},{pad}"status": {_value(r.status)}{end}'
        )


class PackedRows(Mapping[str, Mapping[str, PhaseReport]]):
    """A return's reports kept as one compact value until read (each read unpacks them).

    Ten thousand checked returns wait for the store together; as objects their reports
    would cost ten times the memory.
    """

    def __init__(self, rows: Rows) -> None:
        items = [
            (key, [(phase, r.status, r.progress, r.figure) for phase, r in phases.items()])
            for key, phases in rows.items()
        ]
        self._packed = marshal.dumps(items)
        self._count = len(items)

    def _rows(self) -> dict[str, dict[str, PhaseReport]]:
        return {
            key: {
                phase: PhaseReport(status, progress, figure)
                for phase, status, progress, figure in phases
            }
            for key, phases in marshal.loads(self._packed)
        }

    def __getitem__(self, key: str) -> Mapping[str, PhaseReport]:
        return self._rows()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._rows())

    def __len__(self) -> int:
        return self._count

    def items(self):  # type: ignore[no-untyped-def, override]  # one unpacking, not one per key
        return self._rows().items()
