"""The Makefile's phase targets, run with a stand-in ``plandocs`` that records its arguments."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import ROOT

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="没有 make")

FAKE = """#!{python}
import json, sys
with open({log!r}, "a", encoding="utf-8") as log:
    log.write(json.dumps(sys.argv[1:], ensure_ascii=False) + "\\n")
sys.exit({collect_status} if sys.argv[1:2] == ["collect"] else 0)
"""


def run_make(tmp_path: Path, target: str, collect_status: int) -> tuple[int, str, list[list[str]]]:
    bin_dir = tmp_path / "b in"
    bin_dir.mkdir()
    log = tmp_path / "calls.jsonl"
    fake = bin_dir / "plandocs"
    fake.write_text(
        FAKE.format(python=sys.executable, log=str(log), collect_status=collect_status), "utf-8"
    )
    fake.chmod(0o755)
    stamp = tmp_path / "stamp"
    stamp.touch()
    newer = max((ROOT / n).stat().st_mtime for n in ("pyproject.toml", "constraints.txt")) + 10
    os.utime(stamp, (newer, newer))  # the venv counts as up to date
    run = subprocess.run(
        [
            "make",
            "-s",
            "-C",
            str(ROOT),
            target,
            f"BIN={bin_dir}",
            f"STAMP={stamp}",
            f"EXAMPLE={tmp_path / 'my data' / 'plan'}",
            f"OUT={tmp_path / 'o ut'}",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    calls = [json.loads(line) for line in log.read_text("utf-8").splitlines()]
    return run.returncode, run.stdout + run.stderr, calls


def test_phase2_goes_on_to_the_summaries_when_returns_are_rejected(tmp_path: Path) -> None:
    code, output, calls = run_make(tmp_path, "phase2", collect_status=2)
    assert code == 0, output
    assert "注意：collect 退出码为 2" in output and "继续写出阶段总结" in output
    commands = [c[:3] if c[0] == "summary" else c[:1] for c in calls]
    assert commands == [
        ["check"],
        ["plan"],
        ["collect"],
        *[["summary", "--phase", n] for n in "12"],
    ]
    # Paths with spaces arrive as one argument each.
    assert calls[2][1] == str(tmp_path / "my data" / "plan" / "returns")
    assert calls[2][-1] == str(tmp_path / "o ut")


def test_phase2_stops_when_collect_fails_otherwise(tmp_path: Path) -> None:
    code, _, calls = run_make(tmp_path, "phase2", collect_status=1)
    assert code != 0
    assert [c[0] for c in calls] == ["check", "plan", "collect"]
