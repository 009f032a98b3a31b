"""The manifest of a run's outputs (生成清单): which inputs made which file.

Each document records a digest of everything it was rendered from -- its
template, its context, the code -- and the hash of the bytes written. A re-run
whose inputs for a document are unchanged, and whose file is still the one we
wrote, skips it: after a plan edit only the affected units' files are re-issued,
and with nothing changed nothing is rewritten.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from functools import cache
from importlib import metadata
from pathlib import Path, PurePath
from typing import Any

MANIFEST = PurePath(".plandocs") / "manifest.json"
_CODE = Path(__file__).resolve().parents[1]


# The libraries whose code shapes a document's bytes (templates, XML, zip, charts).
RENDERING_LIBRARIES = (
    "python-docx",
    "docxtpl",
    "openpyxl",
    "Jinja2",
    "lxml",
    "matplotlib",
    "fonttools",
    "pydantic",
    "PyYAML",
)


def library_versions() -> dict[str, str]:
    """Installed version of each rendering library ("" when one is not installed)."""
    found = {}
    for name in RENDERING_LIBRARIES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = ""
    return found


@cache
def code_fingerprint() -> str:
    """A hash of the generator's own source and the libraries' versions.

    New code -- ours, or a library upgrade -- may render differently, so either re-issues.
    """
    digest = hashlib.sha256()
    for path in sorted(_CODE.rglob("*.py")):
        digest.update(path.relative_to(_CODE).as_posix().encode())
        digest.update(path.read_bytes())
    digest.update(json.dumps(library_versions(), sort_keys=True).encode())
    return digest.hexdigest()


@cache
def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@cache
def _field_names(kind: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(kind))


def _encode(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        # One level only: json.dumps comes back here for the fields that are dataclasses too.
        # The same JSON as dataclasses.asdict, which would first deep-copy every level: that
        # copy cost more than all the rest of a re-run with nothing changed.
        return {name: getattr(value, name) for name in _field_names(type(value))}
    if isinstance(value, bytes):
        return hashlib.sha256(value).hexdigest()
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, set | frozenset):
        return sorted(value, key=repr)  # set order varies between processes
    return repr(value)


def inputs_digest(template: Path, *parts: Any) -> str:
    """The digest of a document's inputs: template bytes, context, code."""
    payload = json.dumps(
        [file_digest(template), code_fingerprint(), *parts],
        ensure_ascii=False,
        sort_keys=True,
        default=_encode,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


class Manifest:
    """What a previous run wrote into an output folder."""

    def __init__(self, root: Path) -> None:
        self.root = root
        path = root / MANIFEST
        try:
            self.entries: dict[str, dict[str, str]] = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError):
            self.entries = {}  # no manifest, or a damaged one: render everything

    def written(self, relative: PurePath) -> bool:
        """Whether the previous run recorded this file (else there is nothing to compare)."""
        return relative.as_posix() in self.entries

    def unchanged(self, relative: PurePath, inputs: str) -> bool:
        entry = self.entries.get(relative.as_posix())
        target = self.root / relative
        if entry is None or entry["inputs"] != inputs or not target.is_file():
            return False
        # Someone may have edited or replaced the file since: then it is re-issued.
        return hashlib.sha256(target.read_bytes()).hexdigest() == entry["output"]

    def record(self, relative: PurePath, inputs: str, data: bytes) -> None:
        self.entries[relative.as_posix()] = {
            "inputs": inputs,
            "output": hashlib.sha256(data).hexdigest(),
        }

    def to_bytes(self) -> bytes:
        return (
            json.dumps(self.entries, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
        ).encode()
