"""The benchmark's synthetic nomination returns are what a real office would get back.

bench/synthetic.py fills the 推荐表格 that ``plandocs nominate --forms`` issues; the real
``nominate --returns`` must take every one of them, and the same seed must make the same
files. Not timed (bench/bench.py measures speed). The expected nominees are counted from
the files with openpyxl, not with the reader under test.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.formats.identity import read_sheet_map
from generator.intake.nominations import read_nomination_returns
from generator.read.plan_reader import read_plan

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

from synthetic import (
    AWARDS,
    make_nomination_returns,
    make_plan,
    make_returns,
)

import bench

UNITS = 30


@pytest.fixture(scope="module")
def year(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A collected synthetic plan: the record nominate checks collectives against."""
    root = tmp_path_factory.mktemp("synthetic")
    data = make_plan(root / "plan", units=UNITS)
    make_returns(read_plan(data), data / "returns", fast=True)
    result = CliRunner().invoke(
        main, ["collect", str(data / "returns"), "--data", str(data), "--out", str(root / "out")]
    )
    assert result.exit_code == 0, result.output
    return root


def filled_rows(path: Path) -> dict[str, int]:
    """Award sheet → rows with a name, as openpyxl reads the file."""
    book = openpyxl.load_workbook(path)
    found = {}
    for award in AWARDS["awards"]:
        name = str(award["name"])
        layout = read_sheet_map(book, name)
        column = next(c for c, key in layout.columns.items() if key == "name")
        found[name] = sum(1 for row in layout.rows if book[name].cell(row, column).value)
    return found


def test_the_same_seed_makes_the_same_files(year: Path, tmp_path: Path) -> None:
    plan = read_plan(year / "plan")
    first = make_nomination_returns(plan, tmp_path / "a", share=0.5)
    second = make_nomination_returns(plan, tmp_path / "b", share=0.5)
    assert [p.name for p in first] == [p.name for p in second]
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]
    other = make_nomination_returns(plan, tmp_path / "c", share=0.5, seed=2)
    assert [p.read_bytes() for p in other] != [p.read_bytes() for p in first]


def test_nominate_takes_every_synthetic_return(year: Path) -> None:
    plan = read_plan(year / "plan")
    folder = year / "nomination_returns"
    made = make_nomination_returns(plan, folder, share=0.5)
    assert 5 <= len(made) <= UNITS  # about half of 35 units (30 and the 5 offices)
    counted = {p.name: filled_rows(p) for p in made}
    assert all(rows["先进个人"] >= 1 for rows in counted.values())  # no empty form
    returns = read_nomination_returns(plan, folder)
    assert [r.check.errors for r in returns] == [[] for _ in made]
    assert {r.check.file.path.name: len(r.nominees) for r in returns} == {
        name: sum(rows.values()) for name, rows in counted.items()
    }
    out = year / "out"
    result = CliRunner().invoke(
        main,
        ["nominate", "--returns", str(folder), "--data", str(year / "plan"), "--out", str(out)],
    )
    assert result.exit_code == 0, result.output
    text = (out / "评选推荐" / "审核结果.txt").read_text("utf-8-sig")
    total, passed, failed = map(
        int, re.search(r"共收到推荐 (\d+) 个，通过 (\d+) 个，未通过 (\d+) 个", text).groups()
    )
    assert total == sum(sum(rows.values()) for rows in counted.values())
    assert passed > 0 and failed > 0  # the rules have something to take and to turn down
    assert len(list((out / "评选推荐" / "推荐表").rglob("*.docx"))) == passed


def test_fast_returns_hold_the_same_nominees(year: Path, tmp_path: Path) -> None:
    plan = read_plan(year / "plan")
    make_nomination_returns(plan, tmp_path / "excel", share=0.3)
    make_nomination_returns(plan, tmp_path / "fast", share=0.3, fast=True)
    slow = read_nomination_returns(plan, tmp_path / "excel")
    fast = read_nomination_returns(plan, tmp_path / "fast")
    assert [n for r in fast for n in r.nominees] == [n for r in slow for n in r.nominees]


def test_a_stage_brings_what_it_needs() -> None:
    assert bench.chosen_stages(["nominate"]) == (
        "collect",
        "bare_read",
        "nomination_forms",
        "forms_floor",
        "nominate",
        "nomination_read",
    )
    assert bench.chosen_stages(["year_summary"]) == ("collect", "bare_read", "year_summary")
    assert bench.chosen_stages(["pdf_sample"]) == (*bench.PHASE1_STAGES, "pdf_sample")
    assert bench.chosen_stages(None) == bench.SCALE_STAGES
