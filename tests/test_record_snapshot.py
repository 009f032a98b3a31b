"""The record as a summary reads it (issue 19): one read transaction for the run, each
return's reports read when first asked for, refused once the snapshot is closed."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import pytest

import generator.write.store as store_module
from generator.intake.record import load_record, record_snapshot
from generator.model.progress import PhaseReport, ProgressRecord, Rows
from generator.write.store import DATABASE, Intake, LoadedRows, RecordStore, StoreError

FIRST: dict[str, Rows] = {
    "u1": {"t1/1": {"p1": PhaseReport("已完成", "建成", 3.0)}, "t1/2": {"p1": PhaseReport()}},
    "u2": {"t1/1": {"p1": PhaseReport("滞后", "推进中", None), "p2": PhaseReport("正常")}},
}
LATER: Rows = {"t1/1": {"p1": PhaseReport("滞后", "改报", 1.0)}}


def _intake(unit: str, rows: Rows, name: str) -> Intake:
    digest = f"{unit}{name}".encode().hex().ljust(64, "0")[:64]
    return Intake(digest, name, name, 0, unit, "", "", [], rows)


def _take_in(store: RecordStore, intakes: list[Intake], out: Path) -> None:
    store.set_version("plan", "v1")
    store.take_in("v1", intakes, store.start_run(out))


@pytest.fixture
def out(tmp_path: Path) -> Path:
    """An output folder whose record holds one accepted return of each of two units."""
    folder = tmp_path / "out"
    store = RecordStore.open(folder)
    try:
        _take_in(store, [_intake(u, rows, f"{u}.xlsx") for u, rows in FIRST.items()], folder)
        store.save()
    finally:
        store.close()
    return folder


def _reports(record: ProgressRecord | None) -> dict[str, dict[str, dict[str, PhaseReport]]]:
    assert record is not None
    return {
        unit: {key: dict(phases) for key, phases in s.rows.items()}
        for unit, s in record.accepted.items()
    }


def test_lazily_loaded_record_equals_the_eager_one(out: Path) -> None:
    eager = load_record(out)
    with record_snapshot(out) as lazy:
        assert lazy is not None and eager is not None
        assert all(isinstance(s.rows, LoadedRows) for s in lazy.accepted.values())
        assert _reports(lazy) == _reports(eager) == FIRST
        assert lazy.accepted["u2"].report("t1/1", "p2") == PhaseReport("正常")
        assert lazy.accepted["u1"].report("t9/9", "p1") == PhaseReport()  # no such row
        assert "".join(lazy.json_text()) == "".join(eager.json_text())


def test_more_returns_than_the_cache_keeps_still_read_right(
    out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store_module, "SNAPSHOT_CACHE", 1)
    with record_snapshot(out) as lazy:
        for _ in range(2):  # u1, u2, u1 again after it left the cache, ...
            assert _reports(lazy) == FIRST


def test_a_closed_snapshot_refuses_to_read(out: Path) -> None:
    with record_snapshot(out) as record:
        assert record is not None
        submission = record.accepted["u1"]
        assert submission.report("t1/1", "p1").figure == 3.0  # read, and kept in the cache
    with pytest.raises(StoreError, match="已关闭"):
        submission.report("t1/1", "p1")
    with pytest.raises(StoreError, match="已关闭"):
        record.accepted["u2"].report("t1/1", "p1")


def _pending_lock_held(out: Path) -> bool:
    """Whether a writer is at its commit (SQLite then lets no new reader in)."""
    probe = sqlite3.connect(out / DATABASE, timeout=0, isolation_level=None)
    try:
        probe.execute("BEGIN")
        probe.execute("SELECT count(*) FROM meta").fetchone()
        return False
    except sqlite3.OperationalError as error:
        assert "locked" in str(error)
        return True
    finally:
        probe.close()


def test_the_snapshot_sees_one_state_while_a_writer_commits(
    out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Without the writer's long busy wait, its commit would now fail within 0.01 s.
    monkeypatch.setattr(store_module, "_POLL_SECONDS", 0.01)
    failures: list[BaseException] = []

    def collect_again() -> None:
        try:
            writer = RecordStore.open(out)
            try:
                _take_in(writer, [_intake("u1", LATER, "u1-later.xlsx")], out)
                writer.save()
            finally:
                writer.close()
        except BaseException as error:  # seen by the test's thread
            failures.append(error)

    with record_snapshot(out) as record:
        assert record is not None
        thread = threading.Thread(target=collect_again)
        thread.start()
        while not _pending_lock_held(out):  # the writer has reached its commit
            assert thread.is_alive(), failures
            time.sleep(0.01)
        time.sleep(0.2)  # 20 times the connection's own timeout: the writer keeps waiting
        assert _reports(record) == FIRST  # what the snapshot began with, not the new return
        assert thread.is_alive() and not failures  # its commit waits for the snapshot
    thread.join(timeout=60)
    assert not thread.is_alive() and not failures
    assert _reports(load_record(out)) == {**FIRST, "u1": LATER}
