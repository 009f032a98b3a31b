"""Atomic, reproducible file output: a run replaces the whole set or leaves the old one.

Each document goes to disk as soon as it is rendered, so a run holds one in memory at
a time, but no target changes until the run has rendered everything and reaches
:meth:`OutputSet.commit`; the whole set is one transaction:

1. every file goes to a temp file (``.tmp-<hex>``) beside its target as it is made (same
   folder, same file system: the rename is atomic), fsynced on a few threads while the
   next ones are rendered; at the commit, once every file is on disk, the folders holding
   them are fsynced;
2. the list of moves is made durable in a *journal* -- the commit point. Before it,
   an interruption (an error, a full disk, Ctrl-C, SIGTERM) removes the temp files and
   the old set is untouched; SIGKILL leaves temp files the next run deletes;
3. each old file is moved aside (``.bak-<hex>``) and the new one renamed in; the
   folders are fsynced, the backups removed, the journal cleared. Ctrl-C and SIGTERM
   are held from the first file to the last rename: before the commit point they stop
   the run once the document at hand is written (and its temp files removed), after it
   once the moves are done; after SIGKILL (or a power cut) the next run finds the
   journal and finishes the moves (roll forward), so the new set is complete.

An ``OSError`` during step 3 (rare: renames need no space) puts the old files back.
The journal is a JSON file (:class:`FileJournal`) or, for an output folder with a
record database, a table in it (:class:`generator.write.store.RecordStore`), so that
the record and the documents made from it commit together.

For tests, ``PLANDOCS_FAULT=<step>:<action>`` makes the commit kill or interrupt its
own process at its ``step``-th write or rename (``KILL``, ``INT``, ``TERM``, ``STOP``,
or ``ENOSPC`` for a full disk); ``PLANDOCS_FAULT_TRACE=<file>`` lists the steps.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
import secrets
import signal
import threading
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Protocol

from generator.problems import InputError, Problem

TEMP_PREFIX = ".tmp-"
BACKUP_PREFIX = ".bak-"
BOOKKEEPING = PurePath(".plandocs")
JOURNAL = BOOKKEEPING / "commit-journal.json"
# Leftovers of versions before the journal (a .bak- whose target is unknown) are kept here.
LEFTOVERS = BOOKKEEPING / "leftovers"
FAULT_ENV = "PLANDOCS_FAULT"
TRACE_ENV = "PLANDOCS_FAULT_TRACE"


class OutputError(Exception):
    """A run's files could not be written; nothing was changed. The message is Chinese."""


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


# --- the fault hook (tests) -------------------------------------------------------------------


class _Faults:
    """Counts commit steps; at the step named in PLANDOCS_FAULT, does what it says."""

    def __init__(self) -> None:
        spec = os.environ.get(FAULT_ENV, "")
        step, _, action = spec.partition(":")
        self.at = int(step) if step.isdigit() else 0
        self.action = action.upper()
        self.trace = os.environ.get(TRACE_ENV, "")
        self.count = 0

    def step(self, label: str) -> None:
        self.count += 1
        if self.trace:
            with open(self.trace, "a", encoding="utf-8") as handle:
                handle.write(f"{self.count}\t{label}\n")
        if self.count != self.at:
            return
        if self.action == "ENOSPC":
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        signals = {"KILL": "SIGKILL", "INT": "SIGINT", "TERM": "SIGTERM", "STOP": "SIGSTOP"}
        name = signals.get(self.action)
        if name is not None:
            os.kill(os.getpid(), getattr(signal, name))


_faults: _Faults | None = None


def reset_faults() -> None:
    """Count commit steps from zero again and re-read the environment (in-process tests)."""
    global _faults
    _faults = None


def fault_step(label: str) -> None:
    """One step of a commit (a write, a rename, the journal): where tests inject a fault."""
    global _faults
    if _faults is None:
        _faults = _Faults()
    _faults.step(label)


# --- durable primitives -----------------------------------------------------------------------


def fsync_dir(folder: Path) -> None:
    """Make a folder's entries (new names, renames) durable; not possible on Windows."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


# fsync flushes the file whatever the handle's mode on POSIX (a read-only file too);
# Windows flushes only a handle opened for writing.
_SYNC_MODE = os.O_RDONLY if os.name == "posix" else os.O_WRONLY


def fsync_file(path: Path) -> None:
    """Make a file's bytes durable."""
    fd = os.open(path, _SYNC_MODE)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_temp(path: Path, data: bytes) -> Path:
    """``data`` in a temp file beside ``path`` (same folder, so the rename is atomic).

    Not yet durable: the caller fsyncs it (:func:`fsync_file`) before anything depends on it.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f"{TEMP_PREFIX}{secrets.token_hex(6)}{path.suffix}")
    try:
        with open(temp, "xb") as handle:
            handle.write(data)
        os.chmod(temp, 0o666 & ~_umask())
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return temp


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Write one file via a temp file in the same folder, a rename and a folder fsync."""
    temp = _write_temp(path, data)
    try:
        fsync_file(temp)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    os.replace(temp, path)
    fsync_dir(path.parent)


# A few fsyncs at once: the file system commits them together (ext4 groups concurrent ones
# into one journal commit), three to four times the files per second of one after another.
SYNC_THREADS = 4


def fsync_dirs(folders: Iterable[Path]) -> None:
    """fsync each folder, a few at once (see :data:`SYNC_THREADS`)."""
    folders = list(folders)
    if len(folders) < 2:
        for folder in folders:
            fsync_dir(folder)
        return
    with ThreadPoolExecutor(min(SYNC_THREADS, len(folders))) as pool:
        for _ in pool.map(fsync_dir, folders):
            pass


class _Syncer:
    """fsyncs the set's temp files on a few threads while the run renders the next ones.

    fsync releases the GIL, so waiting for the disk overlaps with rendering; the commit
    waits for every file (:meth:`wait`) before its commit point, so what the journal names
    is on disk. Started at the first file: worker processes (``--jobs``) fork before it.
    """

    def __init__(self) -> None:
        self._pool: ThreadPoolExecutor | None = None
        self._syncs: dict[Path, Future[None]] = {}  # target -> the fsync of its temp file

    def submit(self, target: Path, temp: Path) -> None:
        if self._pool is None:
            self._pool = ThreadPoolExecutor(SYNC_THREADS, thread_name_prefix="plandocs-fsync")
        self._syncs[target] = self._pool.submit(fsync_file, temp)
        self._settle()

    def _settle(self) -> None:
        """Let go of the fsyncs done, oldest first: 20,000 futures held cost 40 MB."""
        while len(self._syncs) > SYNC_THREADS:
            target, future = next(iter(self._syncs.items()))
            if not future.done():
                return
            del self._syncs[target]
            _synced(target, future)

    def forget(self, target: Path) -> None:
        """The target's temp file is replaced: its fsync is done with before it is removed."""
        future = self._syncs.pop(target, None)
        if future is not None and not future.cancel():
            future.exception()  # waits for it; its outcome no longer matters

    def wait(self) -> None:
        """Every file durable; an ``OSError`` of one (a full disk, an I/O error) is raised
        as an :class:`OutputError` naming its target."""
        for target, future in self._syncs.items():
            _synced(target, future)
        self._syncs.clear()

    def stop(self) -> None:
        """No more fsyncs (those not started are dropped); returns once none runs."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        self._syncs.clear()


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


def _synced(target: Path, future: Future[None]) -> None:
    """Wait for one file's fsync; its ``OSError`` as the set's :class:`OutputError`."""
    try:
        future.result()
    except OSError as error:
        raise OutputError(explain(error, target) + "。未写出任何文件") from error


# --- the journal ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Move:
    """One file of a commit, as paths relative to the output folder."""

    target: str
    temp: str
    backup: str
    existed: bool  # whether the target existed before (undo: put back, or remove)


class Journal(Protocol):
    """Where a commit's moves are made durable; writing them is the commit point."""

    def pending(self) -> list[Move]: ...

    def write(self, moves: list[Move]) -> None: ...

    def clear(self) -> None: ...


class FileJournal:
    """The moves as ``.plandocs/commit-journal.json`` in the output folder."""

    def __init__(self, root: Path) -> None:
        self.path = root / JOURNAL

    def pending(self) -> list[Move]:
        if not self.path.is_file():
            return []
        try:
            entries = json.loads(self.path.read_text(encoding="utf-8"))
            return [Move(**entry) for entry in entries]
        except (ValueError, TypeError) as error:
            # Written by a temp file and a rename: a damaged journal was not written by us.
            raise OutputError(
                f"提交记录 {self.path} 已损坏（{error}），无法确认上次中断的写入是否完成。"
                "请检查输出目录中的文件后删除该文件再运行"
            ) from error

    def write(self, moves: list[Move]) -> None:
        payload = json.dumps([m.__dict__ for m in moves], ensure_ascii=False).encode("utf-8")
        write_bytes_atomic(self.path, payload)

    def clear(self) -> None:
        if self.path.exists():
            self.path.unlink()
            fsync_dir(self.path.parent)
        with contextlib.suppress(OSError):  # only if it is empty: it may hold the manifest
            self.path.parent.rmdir()


# --- interruptions ----------------------------------------------------------------------------


class _Held:
    """Ctrl-C and SIGTERM received during a commit, acted on once the files are consistent."""

    def __init__(self) -> None:
        self.signals: list[int] = []

    def __bool__(self) -> bool:
        return bool(self.signals)

    def deliver(self) -> None:
        if not self.signals:
            return
        number = self.signals[0]
        if number == signal.SIGINT:
            raise KeyboardInterrupt
        os.kill(os.getpid(), number)  # the default handler is back: die as asked


@contextlib.contextmanager
def _signals_held() -> Iterator[_Held]:
    held = _Held()
    if threading.current_thread() is not threading.main_thread():
        yield held
        return
    wanted = [signal.SIGINT, signal.SIGTERM]
    previous = {number: signal.getsignal(number) for number in wanted}
    for number in wanted:
        signal.signal(number, lambda n, _frame: held.signals.append(n))
    try:
        yield held
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


class _Interrupted(Exception):
    pass


# --- the commit -------------------------------------------------------------------------------


class OutputSet:
    """The files of one run, each written to a temp file as it is made, committed together.

    Use it as a context manager: entering finishes or clears what an interrupted run left
    (:func:`recover`, so none of this run's temp files can be mistaken for a leftover)
    and holds Ctrl-C and SIGTERM; :meth:`add` writes one file's temp file beside its
    target (same folder, so the final rename is atomic) and keeps only its name, so a run
    of 20,000 documents holds one in memory at a time; :meth:`commit` makes the moves
    durable and applies them. Leaving the block without a commit -- an error, a render
    that failed, an interruption -- removes every temp file and folder made, and a held
    signal is acted on once the folder is as it was.
    """

    def __init__(self, root: Path, journal: Journal | None = None) -> None:
        self.root = root
        self.journal = journal or FileJournal(root)
        self.notes: list[str] = []  # what recovery found, for the user
        self.moves: list[Move] = []
        self._index: dict[str, int] = {}  # target -> its place in moves
        self._created: list[Path] = []  # folders made for the set, outermost first
        self._folders: set[Path] = set()  # folders known to be there (found, or made)
        self._held = _Held()
        self._signals: contextlib.ExitStack | None = None
        self._committed = False
        self._syncer = _Syncer()

    def __enter__(self) -> OutputSet:
        self.notes.extend(recover(self.root, self.journal))
        self._signals = contextlib.ExitStack()
        self._held = self._signals.enter_context(_signals_held())
        return self

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        self._syncer.stop()
        if not self._committed:
            self._discard()
        if self._signals is not None:
            self._signals.close()
        if kind is None or kind is _Interrupted:
            # Nothing written (or all of it): now Ctrl-C raises KeyboardInterrupt in place
            # of the internal _Interrupted, and SIGTERM ends the process as asked.
            self._held.deliver()

    @property
    def files(self) -> list[Path]:
        """The targets added so far, in the order added."""
        return [self.root / move.target for move in self.moves]

    def add(self, relative: str | PurePath, data: bytes) -> Path:
        """Write ``data`` to a temp file beside its target now; the target changes at commit."""
        path = self.root / relative
        try:
            self._make_folders(path.parent)
            existed = path.exists()
            temp = _write_temp(path, data)
            backup = temp.with_name(BACKUP_PREFIX + temp.name.removeprefix(TEMP_PREFIX))
            target, temp_name, backup_name = self._relative(path, temp, backup)
            self._keep(Move(target, temp_name, backup_name, existed))
            self._syncer.submit(path, temp)
            fault_step(f"write {target}")
        except OSError as error:
            raise OutputError(explain(error, path) + "。未写出任何文件") from error
        if self._held:
            raise _Interrupted
        return path

    def _keep(self, move: Move) -> None:
        if move.target in self._index:  # added twice: the later bytes win
            earlier = self._index[move.target]
            self._syncer.forget(self.root / move.target)
            (self.root / self.moves[earlier].temp).unlink(missing_ok=True)
            self.moves[earlier] = move
        else:
            self._index[move.target] = len(self.moves)
            self.moves.append(move)

    def commit(self) -> list[Path]:
        """Make the moves durable (the commit point) and apply them; return the targets."""
        self._syncer.wait()  # every file on disk before the journal names it
        try:
            fsync_dirs({(self.root / move.target).parent for move in self.moves})
            fault_step("journal")
            if self._held:
                raise _Interrupted
            self.journal.write(self.moves)
        except OSError as error:
            raise OutputError(explain(error, self.root / JOURNAL) + "。未写出任何文件") from error
        self._committed = True
        self._apply(self.moves, self.journal)
        return self.files

    def _make_folders(self, folder: Path) -> None:
        if folder in self._folders:  # a unit's second file, or one more in a shared folder
            return
        missing = []
        for parent in (folder, *folder.parents):
            if parent.exists():
                break
            missing.append(parent)
        for parent in reversed(missing):
            parent.mkdir()
            self._created.append(parent)
        self._folders.add(folder)

    def _discard(self) -> None:
        """Before the commit point: every temp file and new folder removed, the old set kept."""
        for move in self.moves:
            with contextlib.suppress(OSError):
                (self.root / move.temp).unlink(missing_ok=True)
        for folder in reversed(self._created):
            with contextlib.suppress(OSError):  # not empty, or already gone: leave it
                folder.rmdir()

    def _apply(self, moves: list[Move], journal: Journal) -> None:
        """Past the commit point: every move made; an OSError puts the old files back."""
        path = self.root
        try:
            for move in moves:
                path = self.root / move.target
                _move_in(self.root, move)
            path = self.root
            _finish(self.root, moves, journal)
        except OSError as error:
            try:
                _undo(self.root, moves)
                journal.clear()
            except OSError:
                pass  # the journal stays; the next run completes the moves
            raise OutputError(explain(error, path) + "。未写出任何文件") from error

    def _relative(self, *paths: Path) -> tuple[str, ...]:
        return tuple(path.relative_to(self.root).as_posix() for path in paths)


def _move_in(root: Path, move: Move) -> None:
    """Old file aside, new one in; safe to repeat after an interruption at any point."""
    target, temp, backup = root / move.target, root / move.temp, root / move.backup
    if not temp.exists():
        return  # already moved in
    if target.exists() and not backup.exists():
        os.replace(target, backup)
        fault_step(f"aside {move.target}")
    os.replace(temp, target)
    fault_step(f"rename {move.target}")


def _finish(root: Path, moves: list[Move], journal: Journal) -> None:
    fsync_dirs({(root / move.target).parent for move in moves})
    for move in moves:
        (root / move.backup).unlink(missing_ok=True)
    fault_step("clear")
    journal.clear()


def _undo(root: Path, moves: list[Move]) -> None:
    for move in reversed(moves):
        target, temp, backup = root / move.target, root / move.temp, root / move.backup
        if backup.exists():
            os.replace(backup, target)
        elif not move.existed and not temp.exists():
            target.unlink(missing_ok=True)
        temp.unlink(missing_ok=True)


def recover(root: Path, journal: Journal) -> list[str]:
    """Finish or clean up what an interrupted run left; return notes for the user (Chinese).

    A journal means the run had committed: its moves are completed. Without one, temp
    files are an uncommitted run's and are removed; a ``.bak-`` file can only be left by
    a version before the journal and is kept in ``.plandocs/leftovers/``, never deleted.
    """
    notes = []
    moves = journal.pending()
    if moves:
        for move in moves:
            _move_in(root, move)
        _finish(root, moves, journal)
        notes.append(f"上次运行在写入文件时中断，已补完其写入（{len(moves)} 个文件）")
    if not root.is_dir():
        return notes
    removed, kept = 0, []
    for folder, dirs, names in os.walk(root):
        # Our own folders only: not leftovers kept, not a .git or .venv under a careless --out.
        dirs[:] = [d for d in dirs if _ours(root, Path(folder, d))]
        for name in names:
            path = Path(folder, name)
            if _TEMP_NAME.fullmatch(name):
                path.unlink(missing_ok=True)
                removed += 1
            elif _BACKUP_NAME.fullmatch(name):
                keep = root / LEFTOVERS / path.relative_to(root)
                keep.parent.mkdir(parents=True, exist_ok=True)
                os.replace(path, keep)
                kept.append(keep)
    if removed:
        notes.append(f"已删除上次中断的运行留下的 {removed} 个临时文件（未提交，旧文件完好）")
    if kept:
        notes.append(
            f"发现旧版本程序中断时留下的 {len(kept)} 个备份文件，已移到 {root / LEFTOVERS}/"
            f"（可能是被替换前的文件，请核对后再删除）"
        )
    return notes


# Temp and backup names this module (and its versions before the journal) makes.
_TEMP_NAME = re.compile(r"\.tmp-([0-9a-z_]{8}|[0-9a-f]{12})(\.\w+)?")
_BACKUP_NAME = re.compile(r"\.bak-([0-9a-f]{12}|\.tmp-[0-9a-z_]{8})(\.\w+)?")


def _ours(root: Path, folder: Path) -> bool:
    if folder == root / LEFTOVERS:
        return False
    return not folder.name.startswith(".") or folder == root / BOOKKEEPING


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
    with OutputSet(folder) as outputs:
        for name, data in files.items():
            outputs.add(name, data)
        return outputs.commit()
