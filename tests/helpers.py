"""Shared test helpers: a writable copy of the bundled example, and text normalisation."""

from __future__ import annotations

import importlib.util
import re
import shutil
import sys
import unicodedata
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "data" / "jiaozuo2016"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def invoke(*args: str) -> tuple[int, str]:
    """Run ``plandocs`` in-process; return its exit status and output."""
    from click.testing import CliRunner

    from generator.cli import main

    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def load_tool(name: str) -> ModuleType:
    """``tools/<name>.py`` as a module (tools/ is a folder of scripts, not a package)."""
    return load_script("tools", name)


def load_script(folder: str, name: str) -> ModuleType:
    """``<folder>/<name>.py`` (tools/, bench/: scripts, not packages) as a module."""
    spec = importlib.util.spec_from_file_location(name, ROOT / folder / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def collect_and_summarise(data: Path, out: Path, phases: tuple[str, ...] = ("1", "2")) -> Path:
    """``collect`` the plan's returns, then ``summary`` for each phase; each must succeed."""
    options = ["--data", str(data), "--out", str(out)]
    code, output = invoke("collect", str(data / "returns"), *options)
    assert code == 0, output
    for phase in phases:
        code, output = invoke("summary", "--phase", phase, *options)
        assert code == 0, output
    return out


def copy_example(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(EXAMPLE, target)
    return target


def edit(path: Path, old: str, new: str) -> int:
    """Replace the single occurrence of ``old`` in ``path``; return the 1-based line of it."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {path.name}"
    line = text[: text.index(old)].count("\n") + 1
    path.write_text(text.replace(old, new), encoding="utf-8")
    return line


def normalise(text: str) -> str:
    """Compare texts as a reader would: full/half-width punctuation alike, no white space.

    The seed is a web copy with half-width ``,:;()``; the documents use the
    full-width forms GB/T 9704 requires. NFKC folds both to one form.
    """
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
