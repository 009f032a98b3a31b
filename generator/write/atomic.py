"""Atomic, reproducible file output.

Every document is rendered to bytes in memory first; only a run that rendered
everything reaches ``OutputSet.commit``, and each file there is written to a temp
file in the target folder and renamed over the target, so a crash never leaves a
half-written or clobbered document.
"""

from __future__ import annotations

import io
import os
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

# A fixed timestamp for every zip member: same inputs, byte-identical outputs.
ZIP_EPOCH = (2000, 1, 1, 0, 0, 0)


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temp file in the same folder and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=path.suffix, dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        # mkstemp creates 0600; give the file the permissions a plain open() would.
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def normalize_zip(data: bytes) -> bytes:
    """Re-pack a zip (docx/xlsx) with fixed member timestamps and attributes.

    Member order and content are kept; only the metadata that varies from run to
    run (time stamps, host OS) is pinned.
    """
    source = zipfile.ZipFile(io.BytesIO(data))
    target = io.BytesIO()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=ZIP_EPOCH)
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = 0o600 << 16
            member.create_system = 0
            out.writestr(member, source.read(info.filename))
    return target.getvalue()


@dataclass
class OutputSet:
    """The files one run produces, held in memory until the run has rendered them all."""

    root: Path
    files: dict[Path, bytes] = field(default_factory=dict)

    def add(self, relative: str | Path, data: bytes) -> Path:
        path = self.root / relative
        self.files[path] = data
        return path

    def commit(self) -> list[Path]:
        """Write every file atomically; return the paths written, in order added."""
        for path, data in self.files.items():
            write_bytes_atomic(path, data)
        return list(self.files)
