"""The year's record of returns (进度记录) in SQLite: one database per output folder.

``<out>/.plandocs/records.sqlite`` holds every returned file a collect run has seen --
accepted, superseded and rejected -- with its cells, its arrival order and its verdict;
``台账汇总/进度记录.json`` and the documents are views written from it. SQLite gives the
transactions, the locking and the crash safety (tested by SQLite itself); this module
adds the rules:

* a run that writes into the output folder holds the database's write lock from start
  to end (``BEGIN IMMEDIATE``), so two runs serialise: the second waits, then reads what
  the first committed. After :data:`WAIT_SECONDS` it gives up with a Chinese message;
* the database is also the run's commit journal (:class:`generator.write.atomic.Journal`):
  what the run took in and the list of document moves commit in one transaction, so the
  record and the documents made from it change together or not at all;
* a damaged database, or a damaged ``进度记录.json`` of an earlier version being
  migrated, stops the run with the file and the place -- never a fresh, empty record.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import sqlite3
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Any

from generator.model.progress import (
    ARRIVAL_WINDOW_NS,
    PhaseReport,
    ProgressRecord,
    Rejection,
    Rows,
    Submission,
    arrival_key,
)
from generator.write.atomic import BOOKKEEPING, LEFTOVERS, Move, recover

DATABASE = BOOKKEEPING / "records.sqlite"
LEGACY_RECORD = PurePath("台账汇总") / "进度记录.json"
SCHEMA_VERSION = 1
WAIT_SECONDS = 600.0
# Returns whose reports a snapshot keeps at once: a document reads one unit's lines together.
SNAPSHOT_CACHE = 8
_POLL_SECONDS = 1.0
# A save time more than this after the run's clock is not believed (a wrong PC clock).
FUTURE_SLACK = dt.timedelta(days=1)
# A later arrival saved this much earlier than the return it replaces is reported.
CONTRADICTION_SLACK = dt.timedelta(minutes=10)
RESTORE_HINT = (
    "请勿手工修改 .plandocs 中的文件。请从备份恢复该文件；如无备份，把它移走后重新运行 "
    "plandocs collect，并把全年各次回收的台账放在回收目录中一并重新回收"
)

CLOSED_MESSAGE = "进度数据库已关闭，不能再读取其中的报送内容"
CLOSED_HINT = "这是程序的错误，请把运行的命令和输出报告给维护者"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (run INTEGER PRIMARY KEY, folder TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS returns (
    sha256 TEXT NOT NULL,
    plan_version TEXT NOT NULL,       -- the version it was checked against
    seq INTEGER NOT NULL,             -- arrival order over the year, fixed at first sight
    run INTEGER NOT NULL,             -- the collect run that first saw it (0: migrated)
    mtime_ns INTEGER NOT NULL,
    source TEXT NOT NULL,             -- path relative to that run's returns folder
    file_name TEXT NOT NULL,
    unit_id TEXT NOT NULL,            -- '' when no unit could be recognised
    stamp TEXT NOT NULL,              -- save time as the workbook records it
    saved_utc TEXT NOT NULL,          -- the same in UTC, '' when missing or not believable
    accepted INTEGER NOT NULL,
    problems TEXT NOT NULL,           -- JSON list of Chinese problem lines
    annotated TEXT NOT NULL,
    PRIMARY KEY (sha256, plan_version)
);
CREATE TABLE IF NOT EXISTS cells (
    sha256 TEXT NOT NULL,
    plan_version TEXT NOT NULL,
    row_key TEXT NOT NULL,
    phase_id TEXT NOT NULL,
    status TEXT,
    progress TEXT NOT NULL,
    figure REAL,
    PRIMARY KEY (sha256, plan_version, row_key, phase_id)
);
CREATE TABLE IF NOT EXISTS choices (
    unit_id TEXT NOT NULL,
    plan_version TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    upto INTEGER NOT NULL,            -- holds until a return with a higher seq arrives
    PRIMARY KEY (unit_id, plan_version)
);
CREATE TABLE IF NOT EXISTS journal (
    number INTEGER PRIMARY KEY,
    target TEXT NOT NULL, temp TEXT NOT NULL, backup TEXT NOT NULL, existed INTEGER NOT NULL
);
"""


class StoreError(Exception):
    """The record cannot be used as it is; ``str()`` is Chinese and names the file and place."""

    def __init__(self, path: Path, message: str, hint: str = RESTORE_HINT) -> None:
        super().__init__(f"{path}：{message}")
        self.path = path
        self.hint = hint


@dataclass(frozen=True)
class Intake:
    """One returned file as a collect run saw it: what the store records."""

    sha256: str
    source: str
    file_name: str
    mtime_ns: int
    unit_id: str
    stamp: str
    saved_utc: str
    problems: list[str]
    rows: Rows

    @property
    def accepted(self) -> bool:
        return not self.problems


class RecordStore:
    """The record database of one output folder (or an in-memory one, for a plain check)."""

    def __init__(self, connection: sqlite3.Connection, path: Path, root: Path | None) -> None:
        self.db = connection
        self.path = path
        self.root = root  # the output folder, for the journal's moves
        self.notes: list[str] = []  # what opening found (recovery, migration), for the user
        self.created: list[Path] = []  # folders and file made by open(), gone if nothing commits
        self.committed = False
        self.closed = False

    # --- opening ------------------------------------------------------------------------------

    @classmethod
    def memory(cls) -> RecordStore:
        store = cls(sqlite3.connect(":memory:", isolation_level=None), Path(":memory:"), None)
        store._begin()
        store._create()
        return store

    @classmethod
    def open(cls, out: Path, on_wait: Callable[[], None] | None = None) -> RecordStore:
        """The output folder's database, locked for writing, recovered and migrated."""
        path = out / DATABASE
        created = [p for p in (out, path.parent) if not p.exists()]
        path.parent.mkdir(parents=True, exist_ok=True)
        new = not path.exists()
        store = cls(_connect(path), path, out)
        if new:
            store.created = [*created, path]
        try:
            store._check()
            store._begin(on_wait)
            store._create()
            store.notes.extend(recover(out, store))
            store._migrate(out)
        except BaseException:
            store.close()
            raise
        return store

    @classmethod
    def reader(cls, out: Path) -> RecordStore | None:
        """The database for reading only (no lock held), or None if the folder has none."""
        path = out / DATABASE
        if not path.is_file():
            return None
        store = cls(_connect(path), path, out)
        try:
            store._check()
            version = store._fetch_one("PRAGMA user_version")
            if version == 0:  # created by a run that never committed: no record yet
                store.close()
                return None
            if version != SCHEMA_VERSION:
                raise StoreError(path, f"数据库版本为 {version}，本程序只认版本 {SCHEMA_VERSION}")
        except BaseException:
            store.close()
            raise
        return store

    def _check(self) -> None:
        try:
            result = self.db.execute("PRAGMA quick_check").fetchone()
        except sqlite3.DatabaseError as error:
            raise StoreError(self.path, f"进度数据库已损坏，无法读取（{error}）") from error
        if result is None or result[0] != "ok":
            raise StoreError(self.path, f"进度数据库已损坏（检查结果：{result and result[0]}）")

    def _begin(self, on_wait: Callable[[], None] | None = None) -> None:
        """Take the write lock, waiting for another run to finish (told once)."""
        waited = 0.0
        told = False
        while True:
            try:
                self.db.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as error:
                if "locked" not in str(error) and "busy" not in str(error):
                    raise StoreError(
                        self.path, f"进度数据库无法打开，可能已损坏（{error}）"
                    ) from error
                if not told and on_wait is not None:
                    on_wait()
                    told = True
                waited += _POLL_SECONDS
                if waited >= WAIT_SECONDS:
                    raise StoreError(
                        self.path,
                        "另一个 plandocs 命令正在写入此输出目录，"
                        f"已等待 {WAIT_SECONDS:.0f} 秒仍未结束",
                        "请等它完成后再运行；如确认没有其他命令在运行，请重新启动电脑后再试",
                    ) from error
                time.sleep(_POLL_SECONDS)

    def _create(self) -> None:
        version = self._fetch_one("PRAGMA user_version")
        if version == 0:
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    self.db.execute(statement)
            self.db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        elif version != SCHEMA_VERSION:
            raise StoreError(
                self.path,
                f"数据库版本为 {version}，本程序只认版本 {SCHEMA_VERSION}"
                "（由更新版本的 plandocs 写出？）",
                "请使用写出该数据库的 plandocs 版本",
            )

    def _fetch_one(self, sql: str, *args: object) -> Any:
        try:
            row = self.db.execute(sql, args).fetchone()
        except sqlite3.DatabaseError as error:
            raise StoreError(self.path, f"进度数据库已损坏，无法读取（{error}）") from error
        return None if row is None else row[0]

    def close(self) -> None:
        """Release the lock; a database this run created and never committed is removed.

        (A run that stops with an error leaves no trace in an output folder it created.)
        """
        self.closed = True
        try:
            if self.db.in_transaction:
                self.db.execute("ROLLBACK")
        finally:
            self.db.close()
        if self.committed or not self.created:
            return
        *folders, database = self.created
        database.unlink(missing_ok=True)
        for folder in reversed(folders):
            with contextlib.suppress(OSError):  # not empty: leave it
                folder.rmdir()

    # --- the commit journal (generator.write.atomic.Journal) ---------------------------------

    def pending(self) -> list[Move]:
        rows = self.db.execute(
            "SELECT target, temp, backup, existed FROM journal ORDER BY number"
        ).fetchall()
        return [Move(t, p, b, bool(e)) for t, p, b, e in rows]

    def write(self, moves: list[Move]) -> None:
        """The commit point: the run's intake and its document moves, durable together."""
        self.db.execute("DELETE FROM journal")
        self.db.executemany(
            "INSERT INTO journal (target, temp, backup, existed) VALUES (?, ?, ?, ?)",
            [(m.target, m.temp, m.backup, int(m.existed)) for m in moves],
        )
        # A reader's snapshot (another summary run) keeps the commit waiting, not failing.
        self._wait_when_busy()
        self.db.execute("COMMIT")
        self.committed = True

    def clear(self) -> None:
        if not self.db.in_transaction:
            self._begin()
        self.db.execute("DELETE FROM journal")
        self.db.execute("COMMIT")
        self._begin()

    def save(self) -> None:
        """Commit what the run took in when it writes no documents."""
        self.write([])
        self.clear()

    # --- intake -------------------------------------------------------------------------------

    def start_run(self, folder: Path) -> int:
        self.db.execute("INSERT INTO runs (folder) VALUES (?)", (str(folder),))
        return int(self._fetch_one("SELECT max(run) FROM runs"))

    def take_in(self, plan_version: str, intakes: Iterable[Intake], run: int) -> None:
        """Record this run's files; a file seen before keeps its first arrival."""
        known = {
            sha: (seq, run_, mtime, source)
            for sha, seq, run_, mtime, source in self.db.execute(
                "SELECT sha256, min(seq), run, mtime_ns, source FROM returns GROUP BY sha256"
            )
        }
        fresh = sorted(
            (i for i in intakes if i.sha256 not in known),
            key=lambda i: arrival_key(i.mtime_ns, i.saved_utc, i.source),
        )
        seq = int(self._fetch_one("SELECT coalesce(max(seq), 0) FROM returns"))
        for intake in fresh:
            if intake.sha256 in known:
                continue  # the same bytes twice in one folder
            seq += 1
            known[intake.sha256] = (seq, run, intake.mtime_ns, intake.source)
        for intake in intakes:
            first, first_run, mtime, source = known[intake.sha256]
            self._insert(intake, plan_version, first, first_run, mtime, source)

    def _insert(
        self, intake: Intake, version: str, seq: int, run: int, mtime: int, source: str
    ) -> None:
        exists = self._fetch_one(
            "SELECT 1 FROM returns WHERE sha256 = ? AND plan_version = ?", intake.sha256, version
        )
        if exists:
            return  # checked before against this version: same bytes, same verdict
        self.db.execute(
            "INSERT INTO returns VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                intake.sha256,
                version,
                seq,
                run,
                mtime,
                source,
                intake.file_name,
                intake.unit_id,
                intake.stamp,
                intake.saved_utc,
                int(intake.accepted),
                json.dumps(intake.problems, ensure_ascii=False),
                "",
            ),
        )
        self.db.executemany(
            "INSERT INTO cells VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (intake.sha256, version, key, phase, r.status, r.progress, r.figure)
                for key, phases in intake.rows.items()
                for phase, r in phases.items()
            ],
        )

    def note_annotated(self, sha256: str, plan_version: str, path: str) -> None:
        self.db.execute(
            "UPDATE returns SET annotated = ? WHERE sha256 = ? AND plan_version = ?",
            (path, sha256, plan_version),
        )

    def meta(self, key: str) -> str | None:
        return self._fetch_one("SELECT value FROM meta WHERE key = ?", key)

    def set_meta(self, key: str, value: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    def set_version(self, plan_id: str, plan_version: str) -> None:
        self.db.executemany(
            "INSERT OR REPLACE INTO meta VALUES (?, ?)",
            [("plan_id", plan_id), ("plan_version", plan_version)],
        )

    # --- choosing a version by hand ----------------------------------------------------------

    def pick(self, sha256: str) -> tuple[str, str]:
        """Make an accepted return its unit's current one; return (unit id, file name)."""
        version = self._fetch_one("SELECT value FROM meta WHERE key = 'plan_version'")
        row = self.db.execute(
            "SELECT unit_id, file_name, accepted FROM returns"
            " WHERE sha256 = ? AND plan_version = ?",
            (sha256, version),
        ).fetchone()
        if row is None:
            raise LookupError("not taken in")
        unit_id, name, accepted = row
        if not accepted:
            raise ValueError(name)
        upto = self._fetch_one(
            "SELECT max(seq) FROM returns WHERE unit_id = ? AND plan_version = ? AND accepted = 1",
            unit_id,
            version,
        )
        self.db.execute(
            "INSERT OR REPLACE INTO choices VALUES (?, ?, ?, ?)", (unit_id, version, sha256, upto)
        )
        return unit_id, name

    def find(self, text: str) -> list[tuple[str, str]]:
        """(sha256, file name) of the returns whose hash starts with, or name is, ``text``."""
        rows = self.db.execute(
            "SELECT DISTINCT sha256, file_name FROM returns WHERE sha256 LIKE ? OR file_name = ?",
            (text.lower() + "%", text),
        )
        return list(rows)

    # --- the record as a view -----------------------------------------------------------------

    def snapshot(self) -> ProgressRecord:
        """The record as it is now, for a run that only reads: a read transaction is held
        until :meth:`close`, so whatever the run reads agrees even if another run commits
        meanwhile (its commit waits). Each return's reports are read when first asked for,
        one query per return, the last few kept; never all of them in memory at once.
        """
        self._wait_when_busy()  # a commit under way: wait for it, as a writer would
        try:
            self.db.execute("BEGIN")
            self.db.execute("SELECT count(*) FROM meta").fetchone()  # the read lock, now
        except sqlite3.DatabaseError as error:
            raise StoreError(self.path, f"进度数据库无法读取（{error}）") from error
        return self.record(lazy=_CachedCells(self))

    def _wait_when_busy(self) -> None:
        self.db.execute(f"PRAGMA busy_timeout = {int(WAIT_SECONDS * 1000)}")

    def record(
        self,
        plan_id: str | None = None,
        plan_version: str | None = None,
        lazy: bool | _CachedCells = False,
    ) -> ProgressRecord:
        """The record for ``plan_version`` (default: the version last collected).

        ``lazy``: each return's reports are read from the database when asked for, not
        held (:class:`StoredRows`); for the run that holds the database open (collect).
        A :class:`_CachedCells` instead reads a return's reports whole (``snapshot``).
        """
        meta = dict(self.db.execute("SELECT key, value FROM meta").fetchall())
        plan_id = plan_id or meta.get("plan_id", "")
        version = plan_version or meta.get("plan_version", "")
        try:
            return self._record(plan_id, version, lazy)
        except (sqlite3.DatabaseError, ValueError, TypeError) as error:
            raise StoreError(self.path, f"进度数据库内容有误（{error}）") from error

    def _record(
        self, plan_id: str, version: str, lazy: bool | _CachedCells = False
    ) -> ProgressRecord:
        returns = self.db.execute(
            "SELECT sha256, plan_version, seq, source, file_name, unit_id, stamp, saved_utc,"
            " accepted, problems, annotated, run, mtime_ns FROM returns ORDER BY seq, plan_version"
        ).fetchall()
        cells: Any = lazy if isinstance(lazy, _CachedCells) else None
        if cells is None:
            cells = _StoredCells(self) if lazy else self._cells()
        choices = {
            unit: (sha, upto)
            for unit, sha, upto in self.db.execute(
                "SELECT unit_id, sha256, upto FROM choices WHERE plan_version = ?", (version,)
            )
        }
        record = ProgressRecord(plan_id, version)
        accepted = [r for r in returns if r[8]]
        current: dict[str, list[Any]] = {}
        for row in accepted:
            if row[1] == version:
                current.setdefault(row[5], []).append(row)
        seen_superseded: set[str] = set()
        for unit_id, rows in sorted(current.items()):
            winner = _chosen(rows, choices.get(unit_id)) or rows[-1]
            record.accepted[unit_id] = _submission(winner, cells)
            record.doubts.extend(_doubts(rows, winner, choices.get(unit_id)))
        winners = {s.sha256 for s in record.accepted.values()}
        for row in accepted:
            if row[0] not in winners and row[0] not in seen_superseded:
                seen_superseded.add(row[0])
                record.superseded.append(_submission(row, cells))
        record.superseded.sort(key=lambda s: (s.unit_id, s.order, s.sha256))
        for row in returns:
            if not row[8] and row[1] == version:
                record.rejected.append(_rejection(row, accepted, version))
        return record

    def _cells(self) -> dict[tuple[str, str], dict[str, dict[str, PhaseReport]]]:
        cells: dict[tuple[str, str], dict[str, dict[str, PhaseReport]]] = {}
        for sha, ver, key, phase, status, progress, figure in self.db.execute(
            "SELECT * FROM cells"
        ):
            by_key = cells.setdefault((sha, ver), {})
            by_key.setdefault(key, {})[phase] = PhaseReport(status, progress, figure)
        return cells

    def reports(self, sha256: str, plan_version: str, key: str | None = None) -> Rows:
        """One return's reports as stored (only row ``key``'s, if given), in stored order."""
        if self.closed:
            raise StoreError(self.path, CLOSED_MESSAGE, CLOSED_HINT)
        where = "" if key is None else " AND row_key = ?"
        args = (sha256, plan_version) if key is None else (sha256, plan_version, key)
        found: dict[str, dict[str, PhaseReport]] = {}
        try:
            for row_key, phase, status, progress, figure in self.db.execute(
                "SELECT row_key, phase_id, status, progress, figure FROM cells"
                f" WHERE sha256 = ? AND plan_version = ?{where} ORDER BY rowid",
                args,
            ):
                found.setdefault(row_key, {})[phase] = PhaseReport(status, progress, figure)
        except sqlite3.DatabaseError as error:
            raise StoreError(self.path, f"进度数据库内容有误（{error}）") from error
        return found

    # --- migration of a folder from an earlier version ---------------------------------------

    def _migrate(self, out: Path) -> None:
        """Take an earlier version's 进度记录.json in once, so nothing it held is lost."""
        if self._fetch_one("SELECT count(*) FROM meta"):
            return
        source = _legacy_record(out)
        if source is None:
            return
        record = read_json_record(source)
        self.set_version(record.plan_id, record.plan_version)
        # Old rule: the later save time won. Keep its verdicts: superseded first, then the
        # accepted ones; a rejection counts as outstanding when nothing later was accepted.
        rows: list[tuple[Submission | Rejection, bool]] = []
        rows += [(s, True) for s in sorted(record.superseded, key=lambda s: (s.stamp, s.sha256))]
        answered = [r for r in record.rejected if not _old_outstanding(r, record)]
        rows += [(r, False) for r in answered]
        rows += [(s, True) for s in sorted(record.accepted.values(), key=lambda s: s.stamp)]
        rows += [(r, False) for r in record.rejected if r not in answered]
        winners = {s.sha256 for s in record.accepted.values()}
        for seq, (item, ok) in enumerate(rows, start=1):
            # A superseded return's plan version is unknown (the old record moved returns of an
            # earlier version there): it is kept, but never made current again.
            version = record.plan_version if (not ok or item.sha256 in winners) else "?"
            problems = [] if isinstance(item, Submission) else item.problems
            cells = item.rows if isinstance(item, Submission) else {}
            intake = Intake(
                item.sha256, item.file_name, item.file_name, 0, item.unit_id, item.stamp,
                "", problems if not ok else [], cells,
            )  # fmt: skip
            if not ok and not problems:
                intake = Intake(**{**intake.__dict__, "problems": ["（迁移自旧版进度记录）"]})
            self._insert(intake, version, seq, 0, 0, item.file_name)
            if isinstance(item, Rejection) and item.annotated:
                self.note_annotated(item.sha256, version, item.annotated)
        self.notes.append(
            f"已把旧版进度记录 {source} 迁入进度数据库 {self.path}"
            f"（已通过 {len(record.accepted)} 个单位、被取代 {len(record.superseded)} 份、"
            f"退回 {len(record.rejected)} 份）"
        )


def _connect(path: Path) -> sqlite3.Connection:
    try:
        connection = sqlite3.connect(path, timeout=_POLL_SECONDS, isolation_level=None)
        connection.execute("PRAGMA synchronous = FULL")
        return connection
    except sqlite3.DatabaseError as error:
        raise StoreError(path, f"进度数据库无法打开，可能已损坏（{error}）") from error


class StoredRows(Mapping[str, Mapping[str, PhaseReport]]):
    """A return's reports in the database, read when asked for and not kept.

    The row last asked for is kept (its phases are asked for one after another).
    """

    def __init__(self, store: RecordStore, sha256: str, plan_version: str) -> None:
        self._store = store
        self._sha = sha256
        self._version = plan_version
        self._last: tuple[str, Mapping[str, PhaseReport] | None] = ("", None)

    def _all(self) -> Rows:
        return self._store.reports(self._sha, self._version)

    def __getitem__(self, key: str) -> Mapping[str, PhaseReport]:
        if self._last[0] != key or self._last[1] is None:
            self._last = (key, self._store.reports(self._sha, self._version, key).get(key))
        found = self._last[1]
        if found is None:
            raise KeyError(key)
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())

    def items(self):  # type: ignore[no-untyped-def, override]  # one query, not one per key
        return self._all().items()


class _StoredCells:
    """What ``_record`` looks a return's reports up in, when they stay in the database."""

    def __init__(self, store: RecordStore) -> None:
        self._store = store

    def get(self, key: tuple[str, str], default: object = None) -> StoredRows:
        return StoredRows(self._store, *key)


class _CachedCells:
    """A snapshot's returns: each one's reports read whole when first asked for (one
    query), the last :data:`SNAPSHOT_CACHE` of them kept."""

    def __init__(self, store: RecordStore) -> None:
        self._store = store
        self._kept: OrderedDict[tuple[str, str], Rows] = OrderedDict()

    def get(self, key: tuple[str, str], default: object = None) -> LoadedRows:
        return LoadedRows(self, key)

    def rows(self, key: tuple[str, str]) -> Rows:
        if self._store.closed:  # kept ones too: what the snapshot held is over
            raise StoreError(self._store.path, CLOSED_MESSAGE, CLOSED_HINT)
        found = self._kept.get(key)
        if found is None:
            found = self._kept[key] = self._store.reports(*key)
            if len(self._kept) > SNAPSHOT_CACHE:
                self._kept.popitem(last=False)
        else:
            self._kept.move_to_end(key)
        return found


class LoadedRows(Mapping[str, Mapping[str, PhaseReport]]):
    """One return's reports in a snapshot: read (whole) when first asked for, not kept."""

    def __init__(self, cells: _CachedCells, key: tuple[str, str]) -> None:
        self._cells = cells
        self._key = key

    def __getitem__(self, key: str) -> Mapping[str, PhaseReport]:
        return self._cells.rows(self._key)[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._cells.rows(self._key))

    def __len__(self) -> int:
        return len(self._cells.rows(self._key))


def _chosen(rows: list[Any], choice: tuple[str, int] | None) -> Any:
    if choice is None:
        return None
    sha, upto = choice
    if rows[-1][2] > upto:
        return None  # a return arrived after the choice: arrival order counts again
    return next((row for row in rows if row[0] == sha), None)


def _submission(row: Any, cells: dict[tuple[str, str], Any]) -> Submission:
    sha, version, seq, source, name, unit, stamp = row[:7]
    return Submission(unit, name, sha, stamp, cells.get((sha, version), {}), seq, source)


def _rejection(row: Any, accepted: list[Any], version: str) -> Rejection:
    sha, _, seq, source, name, unit, stamp, _, _, problems, annotated = row[:11]
    if unit:
        later = [a for a in accepted if a[5] == unit and a[2] > seq and a[1] == version]
    else:  # no unit recognised: answered by a later accepted file of the same name
        stem = PurePath(name).stem  # (also when re-saved in another format: 台账.ods -> .xlsx)
        later = [a for a in accepted if PurePath(a[4]).stem == stem and a[2] > seq]
    return Rejection(
        name, sha, unit, stamp, json.loads(problems), annotated, not later, seq, source
    )


def _doubts(rows: list[Any], winner: Any, choice: tuple[str, int] | None) -> list[str]:
    """Orderings of one unit's returns that staff should confirm (Chinese lines)."""
    if choice is not None and winner[0] == choice[0]:
        return []
    doubts = []
    name, stamp = winner[4], winner[6]
    pick = "如应以另一份为准，请运行 plandocs pick 文件 --data 方案目录 --out 输出目录 选定"
    for other in rows:
        if other is winner:
            continue
        window = ARRIVAL_WINDOW_NS
        same_window = other[11] == winner[11] and other[12] // window == winner[12] // window
        undecided = not winner[7] or not other[7] or winner[7] == other[7]
        if same_window and other[11] > 0 and undecided:
            doubts.append(
                f"{winner[5]}：{other[4]} 与 {name} 同时收到，保存时间也无法区分先后，"
                f"暂以 {name} 为准（按文件名顺序）；{pick}"
            )
        elif winner[7] and other[7] and other[2] < winner[2]:
            later = dt.datetime.fromisoformat(other[7]) - dt.datetime.fromisoformat(winner[7])
            if later > CONTRADICTION_SLACK:
                doubts.append(
                    f"{winner[5]}：{name} 收到较晚，但其保存时间（{stamp}）早于先收到的 "
                    f"{other[4]}（{other[6]}），以后收到的 {name} 为准；{pick}"
                )
    return doubts


def _old_outstanding(rejection: Rejection, record: ProgressRecord) -> bool:
    accepted = record.accepted.get(rejection.unit_id)
    return accepted is None or accepted.stamp <= rejection.stamp


def _legacy_record(out: Path) -> Path | None:
    """An earlier version's record: 进度记录.json, or its backup left by a killed run."""
    path = out / LEGACY_RECORD
    if path.is_file() or path.is_symlink() or path.exists():
        return path
    folder = out / LEFTOVERS / LEGACY_RECORD.parent
    backups = sorted(folder.glob(".bak-*.json")) if folder.is_dir() else []
    return backups[-1] if backups else None


def read_json_record(path: Path) -> ProgressRecord:
    """An earlier version's 进度记录.json; a damaged one is a located StoreError."""
    hint = (
        "请从备份恢复该文件（或删除它后把全年各次回收的台账放在回收目录中重新回收）；"
        "进度记录.json 由程序写出，请勿手工修改"
    )
    if not path.is_file():
        raise StoreError(path, "不是文件（可能是同名的文件夹）", hint)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise StoreError(path, f"无法读取（{error}）", hint) from error
    if not text.strip():
        raise StoreError(path, "文件是空的（可能是上次运行被中断时写坏的）", hint)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        where = f"第 {error.lineno} 行第 {error.colno} 列"
        raise StoreError(
            path, f"{where}：不是完整的 JSON（{error.msg}），文件已损坏或被截断", hint
        ) from error
    try:
        return ProgressRecord.from_json(data)
    except KeyError as error:
        raise StoreError(path, f"缺少字段 {error}，不是本程序写出的进度记录", hint) from error
    except (TypeError, ValueError, AttributeError) as error:
        raise StoreError(
            path, f"内容的结构不对（{error}），不是本程序写出的进度记录", hint
        ) from error
