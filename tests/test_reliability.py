"""Nothing lost when a run is killed: the record and the documents, at every commit step.

A run is killed by its own fault hook (``PLANDOCS_FAULT=<step>:<signal>``, see
generator/write/atomic.py) at each write, rename and journal step -- never by a timer --
and the folder is compared with what it held before and with what an uninterrupted run
leaves. The next run must complete whatever the killed one committed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from generator.intake.record import load_record
from generator.write import atomic
from generator.write.store import DATABASE
from tests.helpers import EXAMPLE, ROOT, copy_example, edit, invoke
from tests.test_collect import Ledger

RUN = [sys.executable, "-c", "import sys; from generator.cli import main; sys.exit(main())"]


def plandocs(*args: str, fault: str = "", trace: Path | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop(atomic.FAULT_ENV, None)
    if fault:
        env[atomic.FAULT_ENV] = fault
    if trace:
        env[atomic.TRACE_ENV] = str(trace)
    return subprocess.run(
        [*RUN, *args], env=env, capture_output=True, text=True, cwd=ROOT, timeout=300
    )


def documents(out: Path) -> dict[str, str]:
    """Every file a user sees in ``out`` (bookkeeping aside) -> its sha256."""
    found = {}
    for path in sorted(out.rglob("*")):
        rel = path.relative_to(out)
        hidden = path.name.startswith((".tmp-", ".bak-"))  # not documents; the next run cleans
        if path.is_file() and rel.parts[0] != ".plandocs" and not hidden:
            found[rel.as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def leftovers(out: Path) -> list[str]:
    """Temp and backup files, outside the folder where old versions' backups are kept."""
    kept = out / atomic.LEFTOVERS
    found = [p for p in out.rglob("*") if p.name.startswith((".tmp-", ".bak-"))]
    return [p.name for p in found if kept not in p.parents]


def record(out: Path) -> dict:
    found = load_record(out)
    return {} if found is None else found.to_json()


def state(out: Path) -> tuple[dict, dict[str, str]]:
    return record(out), documents(out)


def steps(trace: Path) -> list[str]:
    return [line.split("\t", 1)[1] for line in trace.read_text("utf-8").splitlines()]


def write_return(folder: Path, unit: str, progress: str, saved: dt.datetime) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    ledger = Ledger(unit).fill_all()
    for key in ledger.rows:
        ledger.set(key, "P1.progress", progress)
    (folder / f"{unit}台账.xlsx").write_bytes(ledger.bytes(saved))


# --- collect -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def collect_case(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Day 1 collected into ``base``; day 2 (a new unit, a correction) to be collected."""
    root = tmp_path_factory.mktemp("kill-collect")
    day1, day2 = root / "day1", root / "day2"
    write_return(day1, "fzk", "五月的说法", dt.datetime(2016, 5, 30, 9))
    write_return(day1, "gyzz", "五月", dt.datetime(2016, 5, 30, 10))
    write_return(day2, "fzk", "十一月的说法", dt.datetime(2016, 11, 30, 9))
    write_return(day2, "rmgy", "十一月", dt.datetime(2016, 11, 30, 10))
    base = root / "base"
    code, output = invoke("collect", str(day1), "--data", str(EXAMPLE), "--out", str(base))
    assert code == 0, output
    done = root / "done"
    shutil.copytree(base, done)
    trace = root / "trace"
    clean = plandocs("collect", str(day2), "--data", str(EXAMPLE), "--out", str(done), trace=trace)
    assert clean.returncode == 0, clean.stderr
    after = state(done)
    # A second run on the same folder reports nothing newly superseded; otherwise the same.
    code, output = invoke("collect", str(day2), "--data", str(EXAMPLE), "--out", str(done))
    assert code == 0, output
    return {
        "day2": day2,
        "base": base,
        "before": state(base),
        "after": after,
        "again": state(done),
        "steps": steps(trace),
    }


def test_the_commit_has_a_step_per_write_and_rename(collect_case: dict) -> None:
    labels = collect_case["steps"]
    writes = [s for s in labels if s.startswith("write ")]
    renames = [s for s in labels if s.startswith("rename ")]
    # 2 originals, the record, the consolidated ledger, the report, the 催报通知 to the units
    # still missing, the manifest, the plan mark
    assert len(writes) == len(renames) == 8
    assert "journal" in labels and labels[-1] == "clear"
    before, after = collect_case["before"], collect_case["after"]
    assert set(after[0]["accepted"]) == {"fzk", "gyzz", "rmgy"}
    assert after[0]["accepted"]["fzk"]["rows"]["L06"]["P1"]["progress"] == "十一月的说法"
    assert [s["rows"]["L06"]["P1"]["progress"] for s in after[0]["superseded"]] == ["五月的说法"]
    assert before[0]["accepted"].keys() == {"fzk", "gyzz"}


COLLECT_STEPS = 8 + 1 + 5 + 8 + 1  # writes, journal, old files aside, renames, clear
# (the 催报通知 of the second day names its phase: a new file, nothing set aside for it)


@pytest.mark.parametrize("how", ["KILL", "INT"])
@pytest.mark.parametrize("step", range(1, COLLECT_STEPS + 1))
def test_collect_killed_at_every_step(
    collect_case: dict, tmp_path: Path, step: int, how: str
) -> None:
    assert len(collect_case["steps"]) == COLLECT_STEPS
    out = tmp_path / "out"
    shutil.copytree(collect_case["base"], out)
    day2 = str(collect_case["day2"])
    killed = plandocs(
        "collect", day2, "--data", str(EXAMPLE), "--out", str(out), fault=f"{step}:{how}"
    )
    before, after = collect_case["before"], collect_case["after"]
    committed = step > collect_case["steps"].index("journal") + 1  # fires before the write
    if how == "KILL":
        assert killed.returncode == -signal.SIGKILL
        now_record = record(out)
        assert now_record == (after[0] if committed else before[0])
        if not committed:
            assert documents(out) == before[1]  # the previous documents, untouched
    else:
        # Ctrl-C: held until the files are consistent, then a Chinese message, status 130
        assert killed.returncode == 130, killed.stderr
        assert "已中断" in killed.stderr and "Traceback" not in killed.stderr
        assert state(out) == (after if committed else before)
        assert leftovers(out) == []
    # the next run completes: exactly what an uninterrupted run leaves (or a second run on
    # the same folder, when the killed one had committed), nothing left over
    code, output = invoke("collect", day2, "--data", str(EXAMPLE), "--out", str(out))
    assert code == 0, output
    assert state(out) == (collect_case["again"] if committed else after)
    assert leftovers(out) == []


@pytest.mark.parametrize("step", [1, 3, 7, 12])
def test_collect_terminated(collect_case: dict, tmp_path: Path, step: int) -> None:
    out = tmp_path / "out"
    shutil.copytree(collect_case["base"], out)
    args = ["collect", str(collect_case["day2"]), "--data", str(EXAMPLE), "--out", str(out)]
    killed = plandocs(*args, fault=f"{step}:TERM")
    assert killed.returncode == -signal.SIGTERM
    committed = step > collect_case["steps"].index("journal") + 1  # fires before the write
    assert state(out) == (collect_case["after"] if committed else collect_case["before"])
    assert leftovers(out) == []


@pytest.mark.parametrize("step", [1, 4, 6, 7])
def test_a_full_disk_leaves_the_old_record_and_documents(
    collect_case: dict, tmp_path: Path, step: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    shutil.copytree(collect_case["base"], out)
    monkeypatch.setenv(atomic.FAULT_ENV, f"{step}:ENOSPC")
    atomic.reset_faults()
    code, output = invoke(
        "collect", str(collect_case["day2"]), "--data", str(EXAMPLE), "--out", str(out)
    )
    monkeypatch.delenv(atomic.FAULT_ENV)
    atomic.reset_faults()
    assert code == 2
    assert "磁盘空间不足" in output and "未写出任何文件" in output
    assert state(out) == collect_case["before"]
    assert leftovers(out) == []


# --- plan ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def plan_case(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """One unit's phase-1 set written, then the plan edited so that every document changes."""
    root = tmp_path_factory.mktemp("kill-plan")
    data = copy_example(root)
    base = root / "base"
    code, output = invoke("plan", "--data", str(data), "--out", str(base), "--unit", "fzk")
    assert code == 0, output
    edit(
        data / "plan.yaml",
        "title: 2016年焦作市园林局文明服务活动方案",
        "title: 2016年焦作市园林局文明服务提升活动方案",
    )
    done = root / "done"
    shutil.copytree(base, done)
    trace = root / "trace"
    clean = plandocs("plan", "--data", str(data), "--out", str(done), "--unit", "fzk", trace=trace)
    assert clean.returncode == 0, clean.stderr
    before, after = documents(base), documents(done)
    assert before.keys() == after.keys() and all(before[k] != after[k] for k in before)
    return {"data": data, "base": base, "before": before, "after": after, "steps": steps(trace)}


def test_plan_case_has_every_step(plan_case: dict) -> None:
    labels = plan_case["steps"]
    files = len(plan_case["before"]) + 2  # and the manifest and the plan mark
    assert sum(s.startswith("write ") for s in labels) == files
    assert sum(s.startswith("rename ") for s in labels) == files


PLAN_STEPS = 4 + 1 + 4 + 4 + 1  # 实施方案, 台账, manifest, mark; journal; aside; renames; clear


@pytest.mark.parametrize("how", ["KILL", "INT"])
@pytest.mark.parametrize("step", range(1, PLAN_STEPS + 1))
def test_plan_killed_at_every_step(plan_case: dict, tmp_path: Path, step: int, how: str) -> None:
    assert len(plan_case["steps"]) == PLAN_STEPS
    out = tmp_path / "out"
    shutil.copytree(plan_case["base"], out)
    args = ["plan", "--data", str(plan_case["data"]), "--out", str(out), "--unit", "fzk"]
    killed = plandocs(*args, fault=f"{step}:{how}")
    committed = step > plan_case["steps"].index("journal") + 1  # fires before the write
    if how == "KILL":
        assert killed.returncode == -signal.SIGKILL
        if not committed:
            assert documents(out) == plan_case["before"]
    else:
        assert killed.returncode == 130, killed.stderr
        assert documents(out) == (plan_case["after"] if committed else plan_case["before"])
        assert leftovers(out) == []
    # any later run into the folder completes the committed set or clears the leftovers
    code, output = invoke(*args)
    assert code == 0, output
    assert documents(out) == plan_case["after"]
    assert leftovers(out) == []


# --- two runs at once ----------------------------------------------------------------------


def test_two_concurrent_collects_lose_nothing(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    write_return(first, "fzk", "法制科", dt.datetime(2016, 6, 1, 9))
    write_return(second, "gyzz", "工会", dt.datetime(2016, 6, 1, 9))
    out = tmp_path / "out"
    env = {**os.environ, "PYTHONPATH": str(ROOT), atomic.FAULT_ENV: "1:STOP"}
    args = ["--data", str(EXAMPLE), "--out", str(out)]
    a = subprocess.Popen([*RUN, "collect", str(first), *args], env=env, cwd=ROOT,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip
    try:
        _wait_until_stopped(a.pid)  # A holds the record's lock, stopped at its first write
        env.pop(atomic.FAULT_ENV)
        log = tmp_path / "b.err"
        with log.open("w") as err:
            b = subprocess.Popen([*RUN, "collect", str(second), *args], env=env, cwd=ROOT,
                                 stdout=subprocess.PIPE, stderr=err)  # fmt: skip
            deadline = time.monotonic() + 120
            while "等待它完成" not in log.read_text("utf-8"):
                assert b.poll() is None, "the second run did not wait for the first"
                assert time.monotonic() < deadline
                time.sleep(0.2)
            os.kill(a.pid, signal.SIGCONT)
            assert a.wait(120) == 0
            assert b.wait(120) == 0
    finally:
        for process in (a,):
            if process.poll() is None:
                os.kill(process.pid, signal.SIGCONT)
                process.kill()
    accepted = record(out)["accepted"]
    assert set(accepted) == {"fzk", "gyzz"}
    report = (out / "台账汇总" / "报送情况.txt").read_text("utf-8")
    assert "已通过 2 个" in report


def _wait_until_stopped(pid: int) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        if fields[0] == "T":
            return
        time.sleep(0.1)
    raise AssertionError("the first run never reached its commit")


# --- damaged or earlier records ------------------------------------------------------------


def test_a_damaged_database_is_named_never_replaced(collect_case: dict, tmp_path: Path) -> None:
    out = tmp_path / "out"
    shutil.copytree(collect_case["base"], out)
    database = out / DATABASE
    data = bytearray(database.read_bytes())
    data[100:4000] = b"\x00" * 3900
    database.write_bytes(bytes(data))
    damaged = database.read_bytes()
    code, output = invoke(
        "collect", str(collect_case["day2"]), "--data", str(EXAMPLE), "--out", str(out)
    )
    assert code == 2
    assert str(database) in output and "损坏" in output and "Traceback" not in output
    assert database.read_bytes() == damaged  # never a silent fresh start
    code, output = invoke("summary", "--phase", "1", "--data", str(EXAMPLE), "--out", str(out))
    assert code == 2 and "损坏" in output


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("", "文件是空的"),
        ('{"plan_id": "x", "accepted": {', "第 1 行"),
        ('{"plan_id": "x"}', "缺少字段 'plan_version'"),
        ('{"plan_id": "x", "plan_version": "1", "accepted": [], "superseded": [],'
         ' "rejected": []}', "结构不对"),
    ],
)  # fmt: skip
def test_a_damaged_record_of_an_earlier_version(tmp_path: Path, text: str, where: str) -> None:
    out = tmp_path / "out"
    (out / "台账汇总").mkdir(parents=True)
    path = out / "台账汇总" / "进度记录.json"
    path.write_text(text, encoding="utf-8")
    returns = tmp_path / "r"
    write_return(returns, "fzk", "x", dt.datetime(2016, 6, 1))
    code, output = invoke("collect", str(returns), "--data", str(EXAMPLE), "--out", str(out))
    assert code == 2, output
    assert str(path) in output and where in output and "Traceback" not in output
    assert path.read_text("utf-8") == text
    code, output = invoke("summary", "--phase", "2", "--data", str(EXAMPLE), "--out", str(out))
    assert code == 2 and where in output and "Traceback" not in output


def test_a_record_of_an_earlier_version_is_migrated(tmp_path: Path) -> None:
    """A folder collected by a version before the database: nothing it recorded is lost."""
    old = tmp_path / "old"
    returns = tmp_path / "r"
    write_return(returns, "fzk", "五月", dt.datetime(2016, 5, 30, 9))
    code, _ = invoke("collect", str(returns), "--data", str(EXAMPLE), "--out", str(old))
    recorded = json.loads((old / "台账汇总" / "进度记录.json").read_text("utf-8"))
    # what the earlier version left: the JSON alone, without order/source fields
    for submission in recorded["accepted"].values():
        submission.pop("order"), submission.pop("source")
    legacy = tmp_path / "legacy"
    (legacy / "台账汇总").mkdir(parents=True)
    (legacy / "台账汇总" / "进度记录.json").write_text(json.dumps(recorded, ensure_ascii=False))
    later = tmp_path / "later"
    write_return(later, "gyzz", "六月", dt.datetime(2016, 6, 30, 9))
    code, output = invoke("collect", str(later), "--data", str(EXAMPLE), "--out", str(legacy))
    assert code == 0, output
    assert "已把旧版进度记录" in output
    accepted = record(legacy)["accepted"]
    assert set(accepted) == {"fzk", "gyzz"}
    assert accepted["fzk"]["rows"]["L06"]["P1"]["progress"] == "五月"


def test_the_backup_an_earlier_version_left_is_recovered(tmp_path: Path) -> None:
    """An earlier version killed mid-commit left the old record as .bak-.tmp-XXXXXXXX.json."""
    out = tmp_path / "out"
    returns = tmp_path / "r"
    write_return(returns, "fzk", "五月", dt.datetime(2016, 5, 30, 9))
    invoke("collect", str(returns), "--data", str(EXAMPLE), "--out", str(out))
    recorded = (out / "台账汇总" / "进度记录.json").read_bytes()
    shutil.rmtree(out)
    (out / "台账汇总").mkdir(parents=True)
    (out / "台账汇总" / ".bak-.tmp-k2j4x9qa.json").write_bytes(recorded)
    later = tmp_path / "later"
    write_return(later, "gyzz", "六月", dt.datetime(2016, 6, 30, 9))
    code, output = invoke("collect", str(later), "--data", str(EXAMPLE), "--out", str(out))
    assert code == 0, output
    assert set(record(out)["accepted"]) == {"fzk", "gyzz"}
    assert leftovers(out) == []
    assert "旧版本程序中断时留下的 1 个备份文件" in output


def test_a_hand_edited_record_view_is_kept_aside_not_lost(
    collect_case: dict, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    shutil.copytree(collect_case["base"], out)
    view = out / "台账汇总" / "进度记录.json"
    edited = view.read_text("utf-8").replace("五月的说法", "有人改过的说法")
    view.write_text(edited, encoding="utf-8")
    code, output = invoke(
        "collect", str(collect_case["day2"]), "--data", str(EXAMPLE), "--out", str(out)
    )
    assert code == 0, output
    assert "被手工修改过" in output
    (kept,) = (out / atomic.LEFTOVERS).glob("进度记录（手工修改）-*.json")
    assert kept.read_text("utf-8") == edited
    assert state(out) == collect_case["after"]  # the record is the database's
