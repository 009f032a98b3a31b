"""Start-up: `plandocs --help` and `plandocs check` import only what they use.

Each case runs the command in a fresh interpreter (a module another test imported would
hide a heavy import) and lists which of the heavy libraries ended up in ``sys.modules``.
Not timed: the benchmark (bench/bench.py) measures how long start-up takes.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "data" / "jiaozuo2016"

# What rendering needs and a help text or a plan check does not.
ENGINES = ("matplotlib", "docxtpl", "docx", "openpyxl", "jinja2", "lxml", "numpy", "PIL")
# What reading a plan needs (validation and YAML), and a help text does not.
READING = ("pydantic", "yaml")
# Only `--version` asks the installed package's metadata (a tenth of a bare start-up).
METADATA = "importlib.metadata"

PROBE = """
import json, os, sys
from generator.cli import main
try:
    main(sys.argv[1:], prog_name="plandocs")
except SystemExit as exit:
    status = exit.code
else:
    status = 0
watched = set(json.loads(os.environ["WATCHED"]))
heavy = sorted(({name.split(".")[0] for name in sys.modules} | set(sys.modules)) & watched)
print(json.dumps({"status": status, "loaded": heavy}), file=sys.stderr)
"""


def loaded_by(*args: str) -> list[str]:
    """The heavy libraries loaded by running ``plandocs args`` to its end."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
        env={**os.environ, "WATCHED": json.dumps([*ENGINES, *READING, METADATA])},
    )
    report = json.loads(done.stderr.strip().splitlines()[-1])
    assert report["status"] in (0, None), done.stdout + done.stderr
    return report["loaded"]


@pytest.mark.parametrize("args", [["--help"], ["plan", "--help"], ["summary", "--help"]])
def test_help_loads_no_engine_and_no_model(args: list[str]) -> None:
    assert loaded_by(*args) == []


def test_only_the_version_reads_the_package_metadata() -> None:
    assert loaded_by("-V") == [METADATA]  # so the probe can see it, and --help does not load it


def test_check_loads_the_model_but_no_engine() -> None:
    loaded = loaded_by("check", "--data", str(EXAMPLE))
    assert not set(loaded) & set(ENGINES), loaded  # pydantic itself reads the metadata
    assert set(READING) <= set(loaded)  # the probe sees what is imported: it can fail


def test_plan_loads_the_engines_it_uses_only(tmp_path: Path) -> None:
    """The lazy imports are still made when a command renders (the probe itself works)."""
    loaded = loaded_by("plan", "--data", str(EXAMPLE), "--out", str(tmp_path / "out"))
    assert {"docxtpl", "openpyxl"} <= set(loaded)
    assert "matplotlib" not in loaded  # phase 1 draws no chart
