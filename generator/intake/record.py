"""The record of returns as the output folder holds it: read back, and its JSON view kept honest."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePath

from generator.model.progress import ProgressRecord
from generator.write.atomic import LEFTOVERS, write_bytes_atomic
from generator.write.store import RecordStore, read_json_record

FOLDER = PurePath("台账汇总")
RECORD = FOLDER / "进度记录.json"


def load_record(out: Path) -> ProgressRecord | None:
    """The record collect left in ``out``: from its database, or an earlier version's JSON.

    Raises :class:`generator.write.store.StoreError` (Chinese, located) when either is damaged.
    """
    store = RecordStore.reader(out)
    if store is not None:
        try:
            return store.record()
        finally:
            store.close()
    return _json_record(out)


@contextmanager
def record_snapshot(out: Path) -> Iterator[ProgressRecord | None]:
    """The record as ``load_record`` gives it, for a run that only reads it (summary).

    Until the block ends the database is held in one read transaction (a collect's commit
    waits), and each return's reports are read when first asked for, not all at once.
    Reading them after the block is refused (StoreError). The run's own writes must come
    after the block: they would wait for its read lock.
    """
    store = RecordStore.reader(out)
    if store is None:
        yield _json_record(out)
        return
    try:
        yield store.snapshot()
    finally:
        store.close()


def _json_record(out: Path) -> ProgressRecord | None:
    path = out / RECORD
    if not path.exists():
        return None
    return read_json_record(path)


VIEW_DIGEST = "record_view_sha256"  # what the last collect wrote as 进度记录.json


def keep_hand_edits(out: Path, store: RecordStore) -> str | None:
    """A 进度记录.json changed since collect wrote it is copied aside before it is rewritten.

    The record is the database; the JSON is a view, but an edit someone made in it is not
    silently lost. Returns the Chinese notice, or None.
    """
    path = out / RECORD
    written = store.meta(VIEW_DIGEST)
    if written is None or not path.is_file():
        return None
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if digest == written:
        return None
    kept = out / LEFTOVERS / f"进度记录（手工修改）-{digest[:12]}.json"
    write_bytes_atomic(kept, data)
    return (
        f"{path} 在上次回收后被手工修改过；进度记录以数据库为准，该文件已按数据库重新写出，"
        f"修改过的文件保存为 {kept}（如有需要核对的内容，请据此联系报送单位）"
    )
