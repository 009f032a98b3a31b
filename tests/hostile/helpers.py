"""What every hostile case asserts: a located Chinese error, status 2, nothing written or lost."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

from tests.helpers import invoke


def snapshot(folder: Path) -> dict[str, str]:
    """Every file below ``folder`` with its hash: compare before and after a run."""
    if not folder.exists():
        return {}
    return {
        str(p.relative_to(folder)): hashlib.sha256(_content(p)).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _content(path: Path) -> bytes:
    """A file's bytes; the record database's rows (its pages change with every commit)."""
    if path.name != "records.sqlite":
        return path.read_bytes()
    connection = sqlite3.connect(path)
    try:
        return "\n".join(connection.iterdump()).encode("utf-8")
    finally:
        connection.close()


def assert_refused(
    data: Path, out: Path, place: str, *fragments: str, command: str = "plan"
) -> str:
    """The run fails with status 2, names ``place`` and says ``fragments``; nothing changed."""
    inputs, outputs = snapshot(data), snapshot(out)
    args = [command, "--data", str(data)] + (["--out", str(out)] if command != "check" else [])
    code, output = invoke(*args)
    assert code == 2, output
    assert place in output, output
    for fragment in fragments:
        assert fragment in output, output
    assert snapshot(data) == inputs  # input files are never modified
    assert snapshot(out) == outputs  # no half-written or clobbered output
    return output
