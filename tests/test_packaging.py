"""The package carries the templates, examples and schemas (CI installs the wheel itself)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from generator import resources
from tests.helpers import ROOT


def files_below(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in folder.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }


def test_the_build_step_puts_templates_and_data_inside_the_package(tmp_path: Path) -> None:
    run = subprocess.run(
        [sys.executable, "setup.py", "-q", "build_py", "-d", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr.decode()
    bundled = tmp_path / "generator" / resources.BUNDLED_FOLDER
    for name in ("templates", "data"):
        assert files_below(bundled / name) == files_below(ROOT / name), name


def test_an_installed_package_uses_its_bundled_copies(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = tmp_path / "site-packages" / "generator"
    (package / resources.BUNDLED_FOLDER / "templates").mkdir(parents=True)
    monkeypatch.setattr(resources, "_PACKAGE", package)
    monkeypatch.setattr(resources, "_CHECKOUT", package.parent)  # no pyproject.toml there
    assert resources.resource("templates") == package / "bundled" / "templates"


def test_a_checkout_uses_its_top_level_folders() -> None:
    assert resources.TEMPLATES == ROOT / "templates" and resources.DATA == ROOT / "data"
    assert sorted(resources.examples()) == ["jiaozuo2016", "yunhe2020"]
