"""Re-runs of `plandocs plan`: only what changed is re-issued, and the digests are stable.

Not timed (bench/bench.py measures re-runs against a fresh run); these check *which*
files a re-run writes.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from generator.cli import main
from tests.helpers import EXAMPLE, ROOT, copy_example, edit

MANIFEST = Path(".plandocs") / "manifest.json"


def run_plan(data: Path, out: Path) -> str:
    result = CliRunner().invoke(main, ["plan", "--data", str(data), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return result.output


def stamps(out: Path) -> dict[str, tuple[int, str]]:
    """Each document's modification time and content hash, by its path in ``out``."""
    return {
        p.relative_to(out).as_posix(): (
            p.stat().st_mtime_ns,
            hashlib.sha256(p.read_bytes()).hexdigest(),
        )
        for p in out.rglob("*")
        if p.suffix in (".docx", ".xlsx")
    }


def test_renaming_one_unit_reissues_that_units_files_only(tmp_path: Path) -> None:
    data, out = copy_example(tmp_path), tmp_path / "out"
    run_plan(data, out)
    before = stamps(out)
    # 苗圃场 is named by no task or target itself, only through the group it belongs to,
    # so nothing but its own 实施方案 and ledger shows its name.
    edit(data / "units.yaml", "name: 苗圃场,", "name: 市苗圃场,")
    edit(data / "units.yaml", "园林科学研究所, 苗圃场]", "园林科学研究所, 市苗圃场]")
    output = run_plan(data, out)
    after = stamps(out)
    new = sorted(set(after) - set(before))
    assert new == [
        "各单位/mpc-市苗圃场/市苗圃场2016年文明服务活动实施方案.docx",
        "各单位/mpc-市苗圃场/市苗圃场工作台账.xlsx",
    ]
    rewritten = sorted(name for name in before if after.get(name) != before[name])
    assert rewritten == []  # every other file untouched, down to its modification time
    assert "已生成 2 个文件" in output
    assert f"{len(before) - 2} 个文件的输入未改动" in output


def plan_in_fresh_process(out: Path, hash_seed: str) -> str:
    """`plandocs plan` of the example in its own interpreter (its own string hashing)."""
    done = subprocess.run(
        [sys.executable, "-m", "generator", "plan", "--data", str(EXAMPLE), "--out", str(out)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONHASHSEED": hash_seed},
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_digests_do_not_depend_on_the_process(tmp_path: Path) -> None:
    """Set order changes with the hash seed; the digests of a document's inputs must not."""
    first, second = tmp_path / "first", tmp_path / "second"
    plan_in_fresh_process(first, "1")
    plan_in_fresh_process(second, "2")
    assert (first / MANIFEST).read_bytes() == (second / MANIFEST).read_bytes()
    before = stamps(first)
    output = plan_in_fresh_process(first, "3")
    assert f"{len(before)} 个文件的输入未改动" in output and "已生成 0 个文件" in output
    assert stamps(first) == before


def rewritten(before: dict[str, tuple[int, str]], after: dict[str, tuple[int, str]]) -> set[str]:
    return {name for name in after if before.get(name) != after[name]}


def unit_files(out: Path, unit_ids: set[str]) -> set[str]:
    """The files in the folders of ``unit_ids`` (各单位/<编号>-<单位>/)."""
    return {
        name
        for name in stamps(out)
        if name.startswith("各单位/") and name.split("/")[1].split("-")[0] in unit_ids
    }


def test_a_targets_text_reissues_the_files_of_the_units_that_report_it(tmp_path: Path) -> None:
    from generator.read.plan_reader import read_plan

    data, out = copy_example(tmp_path), tmp_path / "out"
    run_plan(data, out)
    before = stamps(out)
    edit(data / "ledger.yaml", "全部更换为社会主义核心价值观公益广告。", "全部更换为公益广告。")
    plan = read_plan(data)
    target = next(t for t in plan.ledger.targets if t.id == "L01a")
    reporting = {u.id for u in plan.organisation.units if (target, "lead") in plan.targets_for(u)}
    reporting |= {
        u.id for u in plan.organisation.units if (target, "cooperating") in plan.targets_for(u)
    }
    run_plan(data, out)
    changed = rewritten(before, stamps(out))
    assert reporting and unit_files(out, reporting) <= changed
    assert not {name for name in changed if name.startswith("各单位/")} - unit_files(out, reporting)


def test_a_phase_date_reissues_every_unit_plan(tmp_path: Path) -> None:
    data, out = copy_example(tmp_path), tmp_path / "out"
    run_plan(data, out)
    before = stamps(out)
    edit(
        data / "plan.yaml",
        "    start: 2016-05\n    end: 2016-05\n",
        "    start: 2016-04\n    end: 2016-05\n",
    )
    run_plan(data, out)
    plans = {name for name in before if name.startswith("各单位/") and name.endswith(".docx")}
    assert plans and plans <= rewritten(before, stamps(out))


def test_a_changed_template_reissues_every_file_made_from_it(tmp_path: Path) -> None:
    """The same template zipped anew (other bytes, the same documents): its files again."""
    import zipfile

    data, out = copy_example(tmp_path), tmp_path / "out"
    run_plan(data, out)
    before = stamps(out)
    templates = tmp_path / "templates"
    templates.mkdir()
    source = ROOT / "templates" / "unit_plan.docx"
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(templates / source.name, "w") as new:
        for info in old.infolist():
            new.writestr(info, old.read(info), compress_type=zipfile.ZIP_STORED)
    result = CliRunner().invoke(
        main, ["plan", "--data", str(data), "--out", str(out), "--templates", str(templates)]
    )
    assert result.exit_code == 0, result.output
    after = stamps(out)
    plans = {name for name in before if name.startswith("各单位/") and name.endswith(".docx")}
    changed = rewritten(before, after)
    assert plans and plans <= changed
    assert not {name for name in changed if name.endswith(".xlsx")}  # ledgers: other template
