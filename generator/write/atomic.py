"""Atomic, reproducible file output.

Every document is rendered to bytes in memory first; only a run that rendered
everything reaches ``OutputSet.commit``, which writes the whole set as one
transaction: every file goes to a temp file beside its target first, then all are
renamed into place. If anything fails -- a full disk, a read-only folder, a file
held open in Word on Windows -- the files already replaced are put back and the
temp files removed, so a failed run leaves the output folder as it found it.
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePath

from generator.problems import InputError, Problem

# A fixed timestamp for every zip member: same inputs, byte-identical outputs.
ZIP_EPOCH = (2000, 1, 1, 0, 0, 0)


class OutputError(Exception):
    """A run's files could not be written; nothing was changed. The message is Chinese."""


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def _write_temp(path: Path, data: bytes) -> Path:
    """``data`` in a temp file beside ``path`` (same folder, so the rename is atomic)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=".tmp-", suffix=path.suffix, dir=path.parent)
    temp = Path(name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        # mkstemp creates 0600; give the file the permissions a plain open() would.
        os.chmod(temp, 0o666 & ~_umask())
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return temp


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Write one file via a temp file in the same folder and a rename."""
    os.replace(_write_temp(path, data), path)


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


def explain(error: OSError, path: Path) -> str:
    """The Chinese reason for a failed write, with what to do about it."""
    if error.errno == errno.ENOSPC:
        return f"磁盘空间不足，无法写入 {path}。请清理磁盘或换一个输出目录（--out）"
    if isinstance(error, PermissionError):
        return (
            f"无法写入 {path}：没有写权限，或文件正在 Word/Excel/WPS 中打开。"
            "请关闭该文件或换一个有写权限的输出目录（--out）后重试"
        )
    if error.errno == errno.ENAMETOOLONG:
        return f"文件名过长，无法写入 {path}。请缩短单位名称或标题"
    return f"无法写入 {path}：{error.strerror or error}。请检查输出目录（--out）"


@dataclass
class OutputSet:
    """The files one run produces, held in memory until the run has rendered them all."""

    root: Path
    files: dict[Path, bytes] = field(default_factory=dict)

    def add(self, relative: str | PurePath, data: bytes) -> Path:
        path = self.root / relative
        self.files[path] = data
        return path

    def commit(self) -> list[Path]:
        """Write every file, all or nothing; return the paths written, in order added."""
        temps: dict[Path, Path] = {}
        backups: dict[Path, Path] = {}
        placed: list[Path] = []
        created_dirs = [d for d in self._folders() if not d.exists()]
        current = self.root
        try:
            for path, data in self.files.items():
                current = path
                temps[path] = _write_temp(path, data)
            for path, temp in temps.items():
                current = path
                if path.exists():
                    backup = path.with_name(f".bak-{temp.name}")
                    os.replace(path, backup)
                    backups[path] = backup
                os.replace(temp, path)
                placed.append(path)
        except OSError as error:
            _roll_back(temps, backups, placed, created_dirs)
            raise OutputError(explain(error, current) + "。未写出任何文件") from error
        for backup in backups.values():
            backup.unlink(missing_ok=True)
        return list(self.files)

    def _folders(self) -> list[Path]:
        """Every folder the set writes into, outermost first (so new ones can be removed)."""
        folders: set[Path] = set()
        for path in self.files:
            for parent in path.parents:
                folders.add(parent)
                if parent == self.root.parent:
                    break
        return sorted(folders, key=lambda p: len(p.parts))


def _roll_back(
    temps: dict[Path, Path],
    backups: dict[Path, Path],
    placed: list[Path],
    created_dirs: list[Path],
) -> None:
    """Undo a failed commit: new files out, old files back, temp files and new folders gone."""
    for path in placed:
        path.unlink(missing_ok=True)
    for path, backup in backups.items():
        os.replace(backup, path)
    for temp in temps.values():
        temp.unlink(missing_ok=True)
    for folder in reversed(created_dirs):
        with contextlib.suppress(OSError):  # not empty, or already gone: leave it
            folder.rmdir()


OVERWRITE_HINT = "如要覆盖请加 --force，或换一个目录"


def write_files(
    folder: Path,
    files: dict[str, bytes],
    force: bool = False,
    guard: tuple[str, ...] = (),
    hint: str = OVERWRITE_HINT,
) -> list[Path]:
    """Write ``files`` into ``folder``, all or nothing.

    Raises :class:`InputError` naming every existing file among ``files`` and ``guard``
    (unless ``force``), or :class:`generator.write.atomic.OutputError` when the disk refuses.
    """
    if not force:
        existing = [folder / name for name in dict.fromkeys([*files, *guard])]
        problems = [
            Problem(path, "", "", "文件已存在，未覆盖", hint) for path in existing if path.exists()
        ]
        if problems:
            raise InputError(problems)
    outputs = OutputSet(folder)
    for name, data in files.items():
        outputs.add(name, data)
    return outputs.commit()
