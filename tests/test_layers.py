"""Dependencies point one way: the import-linter contracts in pyproject.toml hold.

The contracts ([tool.importlinter]) say what each folder of generator/ may import (README,
"What each folder may import"). The first test checks the code against them; the others
show the check can fail: on a copy of generator/ given one import against the layering,
import-linter must report exactly that edge.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from importlinter.cli import lint_imports

from tests.helpers import ROOT

PYPROJECT = ROOT / "pyproject.toml"
# Run in a fresh interpreter so ``generator`` is the copy, not the installed package.
LINT = (
    "import sys\n"
    "from importlinter.cli import lint_imports\n"
    "sys.exit(lint_imports(config_filename='pyproject.toml', no_cache=True, no_logo=True))\n"
)


def test_the_code_keeps_the_contracts(capsys: pytest.CaptureFixture[str]) -> None:
    status = lint_imports(config_filename=str(PYPROJECT), no_cache=True, no_logo=True)
    report = capsys.readouterr().out
    assert "Contracts: 2 kept, 0 broken." in report, report
    assert status == 0, report


def _copy(tmp_path: Path) -> Path:
    shutil.copytree(
        ROOT / "generator",
        tmp_path / "generator",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    shutil.copy(PYPROJECT, tmp_path / "pyproject.toml")
    return tmp_path


def _lint(folder: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(folder)}
    return subprocess.run(
        [sys.executable, "-c", LINT],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_an_unchanged_copy_keeps_the_contracts(tmp_path: Path) -> None:
    """The control for the cases below: the copy itself is clean."""
    result = _lint(_copy(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr


# (module changed, line added, what import-linter must report). The expectations come
# from the layering the README states, not from the contracts' own text.
AGAINST_THE_LAYERS = {
    "render imports write": (
        "generator/render/xlsx/values.py",
        "from generator.write import atomic",
        "generator.render is not allowed to import generator.write",
    ),
    "read imports render": (
        "generator/read/returns.py",
        "from generator.render.xlsx import engine",
        "generator.read is not allowed to import generator.render",
    ),
    "model imports documents": (
        "generator/model/ledger.py",
        "from generator.documents import common",
        "generator.model is not allowed to import generator.documents",
    ),
    "formats imports render": (
        "generator/formats/identity.py",
        "from generator.render import workbook_spec",
        "generator.formats is not allowed to import generator.render",
    ),
    "a renderer reads the plan model": (
        "generator/render/charts.py",
        "from generator.model import plan",
        "generator.render is not allowed to import generator.model",
    ),
}


@pytest.mark.parametrize("case", AGAINST_THE_LAYERS)
def test_an_import_against_the_layers_fails(case: str, tmp_path: Path) -> None:
    module, line, expected = AGAINST_THE_LAYERS[case]
    folder = _copy(tmp_path)
    path = folder / module
    path.write_text(path.read_text("utf-8") + f"\n{line}  # noqa\n", "utf-8")
    result = _lint(folder)
    assert result.returncode == 1, result.stdout + result.stderr
    assert expected in result.stdout, result.stdout


def test_a_new_top_level_module_must_be_placed(tmp_path: Path) -> None:
    """``exhaustive``: a module added directly under generator/ has no layer until given one."""
    folder = _copy(tmp_path)
    (folder / "generator" / "helpers.py").write_text('"""Unplaced."""\n', "utf-8")
    result = _lint(folder)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "generator.helpers" in result.stdout, result.stdout
