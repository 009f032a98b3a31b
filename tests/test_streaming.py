"""Bounded memory at scale (issue 19): documents go to disk as they are made, contexts are
built when needed and dropped, and returns are read once and let go.

Not timed (the benchmark measures speed): these check the mechanisms that bound memory.
"""

from __future__ import annotations

import datetime
import errno
import gc
import hashlib
import json
import weakref
from pathlib import Path, PurePath

import pytest

from generator.intake import collect as intake
from generator.model.progress import (
    PackedRows,
    PhaseReport,
    ProgressRecord,
    Rejection,
    Submission,
)
from generator.pipeline import plan_guard
from generator.pipeline.jobs import docx_job
from generator.pipeline.kinds import UNIT_PLAN
from generator.pipeline.run import RunFailed, run_jobs
from generator.read import returns
from generator.read.plan_reader import read_plan
from generator.read.returns import ReturnChanged, ReturnedFile
from generator.render.document_spec import DocProperties
from generator.render.templates import TemplateSet
from generator.render.workbook_spec import (
    Column,
    Row,
    RowStream,
    SheetSpec,
    WorkbookRenderError,
    WorkbookSpec,
)
from generator.render.xlsx.engine import XlsxEngine
from generator.write import atomic
from generator.write.atomic import OutputError, OutputSet
from generator.write.store import Intake, RecordStore, StoredRows
from tests.helpers import EXAMPLE
from tests.test_collect import Ledger


def temp_files(folder: Path) -> list[Path]:
    return [p for p in folder.rglob(".tmp-*")]


# --- the output set ------------------------------------------------------------------------


def test_each_file_is_on_disk_once_added_and_replaces_its_target_only_at_commit(
    tmp_path: Path,
) -> None:
    (tmp_path / "a.txt").write_bytes(b"old")
    with OutputSet(tmp_path) as outputs:
        outputs.add("a.txt", b"new a")
        outputs.add(PurePath("sub", "b.txt"), b"new b")
        staged = sorted(p.read_bytes() for p in temp_files(tmp_path))
        assert staged == [b"new a", b"new b"]  # written now, not held in memory
        assert (tmp_path / "a.txt").read_bytes() == b"old"  # the target is not touched yet
        assert not (tmp_path / "sub" / "b.txt").exists()
        written = outputs.commit()
    assert written == [tmp_path / "a.txt", tmp_path / "sub" / "b.txt"]
    assert (tmp_path / "a.txt").read_bytes() == b"new a"
    assert (tmp_path / "sub" / "b.txt").read_bytes() == b"new b"
    assert temp_files(tmp_path) == []


def test_leaving_without_a_commit_leaves_the_folder_as_it_was(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes(b"old")
    with pytest.raises(ValueError), OutputSet(tmp_path) as outputs:
        outputs.add("a.txt", b"new")
        outputs.add(PurePath("new", "deeper", "b.txt"), b"b")
        raise ValueError("a render failed")
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")) == ["a.txt"]
    assert (tmp_path / "a.txt").read_bytes() == b"old"


def test_a_file_added_twice_keeps_the_later_bytes_and_one_temp_file(tmp_path: Path) -> None:
    with OutputSet(tmp_path) as outputs:
        outputs.add("a.txt", b"first")
        outputs.add("a.txt", b"second")
        assert len(temp_files(tmp_path)) == 1
        outputs.commit()
    assert (tmp_path / "a.txt").read_bytes() == b"second"


def test_a_write_that_fails_names_the_file_and_leaves_nothing(tmp_path: Path) -> None:
    (tmp_path / "blocked").write_bytes(b"a file where a folder is wanted")
    with pytest.raises(OutputError, match="未写出任何文件"), OutputSet(tmp_path) as outputs:
        outputs.add("a.txt", b"a")
        outputs.add(PurePath("blocked", "b.txt"), b"b")
    assert temp_files(tmp_path) == []


class ListJournal:
    """A journal that remembers which temp files were on disk (fsynced) when it was written."""

    def __init__(self, synced: list[str]) -> None:
        self.synced = synced
        self.at_commit: list[str] = []

    def pending(self) -> list[atomic.Move]:
        return []

    def write(self, moves: list[atomic.Move]) -> None:
        self.at_commit = list(self.synced)

    def clear(self) -> None:
        pass


def test_every_file_is_fsynced_before_the_commit_point(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    synced: list[str] = []
    real = atomic.fsync_file

    def watched(path: Path) -> None:
        real(path)
        synced.append(path.name)

    monkeypatch.setattr(atomic, "fsync_file", watched)
    journal = ListJournal(synced)
    with OutputSet(tmp_path, journal) as outputs:
        for n in range(40):  # more than the threads, so some wait their turn
            outputs.add(PurePath(f"f{n % 3}", f"{n}.txt"), b"x" * n)
        temps = {move.temp.rsplit("/", 1)[-1] for move in outputs.moves}
        outputs.commit()
    assert sorted(journal.at_commit) == sorted(temps)  # all of them, before the journal


def test_a_failed_fsync_names_its_file_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a.txt").write_bytes(b"old")
    real = atomic.fsync_file

    def failing(path: Path) -> None:
        if path.parent.name == "bad":
            raise OSError(errno.EIO, "Input/output error")
        real(path)

    monkeypatch.setattr(atomic, "fsync_file", failing)
    with pytest.raises(OutputError) as raised, OutputSet(tmp_path) as outputs:
        outputs.add("a.txt", b"new")
        outputs.add(PurePath("bad", "b.txt"), b"b")
        outputs.commit()
    assert str(tmp_path / "bad" / "b.txt") in str(raised.value)
    assert "未写出任何文件" in str(raised.value)
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")) == ["a.txt"]
    assert (tmp_path / "a.txt").read_bytes() == b"old"


def test_the_set_lets_go_of_the_fsyncs_done(tmp_path: Path) -> None:
    """A run of 20,000 files must not hold 20,000 futures (40 MB) until its commit."""
    from concurrent.futures import wait

    with OutputSet(tmp_path) as outputs:
        for n in range(100):
            outputs.add(f"{n}.txt", b"x")
        wait(list(outputs._syncer._syncs.values()))
        outputs.add("last.txt", b"x")
        assert len(outputs._syncer._syncs) <= atomic.SYNC_THREADS + 1
        outputs.commit()
    assert len(list(tmp_path.glob("*.txt"))) == 101


# --- jobs whose context is built on demand -------------------------------------------------


class Context(dict):  # type: ignore[type-arg]
    """A context that can be watched: dicts cannot have weak references."""


def test_a_lazy_job_keeps_no_context_and_renders_what_an_eager_one_renders(
    tmp_path: Path,
) -> None:
    templates = TemplateSet()
    from generator.documents import unit_plan

    plan = read_plan(EXAMPLE)
    unit = next(u for u in plan.organisation.units if plan.duties(u))
    properties = DocProperties(title="t", author="a", created=plan.text.date)
    built: list[weakref.ref[Context]] = []

    def build() -> Context:
        context = Context(unit_plan.unit_plan_context(plan, unit, plan.duties(unit)))
        built.append(weakref.ref(context))
        return context

    path = PurePath("x.docx")
    lazy = docx_job(templates, UNIT_PLAN.name, path, "x", build, properties)
    eager = docx_job(templates, UNIT_PLAN.name, path, "x", build(), properties)
    assert built == [built[0]]  # the lazy job built nothing yet
    data, inputs = lazy.rendered()
    gc.collect()
    assert len(built) == 2 and built[1]() is None  # built for the render, then dropped
    assert data == eager.render()
    assert inputs == eager.inputs == lazy.current_inputs()


def test_a_fresh_run_builds_each_context_once_and_a_rerun_once_to_compare(
    tmp_path: Path,
) -> None:
    from generator.documents import unit_plan

    plan = read_plan(EXAMPLE)
    templates = TemplateSet()
    units = [u for u in plan.organisation.units if plan.duties(u)][:3]
    calls: list[str] = []

    def job(unit):  # type: ignore[no-untyped-def]
        def build():  # type: ignore[no-untyped-def]
            calls.append(unit.id)
            return unit_plan.unit_plan_context(plan, unit, plan.duties(unit))

        properties = DocProperties(title=unit.name, author=unit.name, created=plan.text.date)
        return docx_job(
            templates, UNIT_PLAN.name, PurePath(f"{unit.id}.docx"), unit.id, build, properties
        )

    out = tmp_path / "out"
    for expected in ([u.id for u in units], [u.id for u in units]):
        calls.clear()
        store = RecordStore.open(out)
        try:
            result = run_jobs([job(u) for u in units], out, plan, store)
        finally:
            store.close()
        assert calls == expected
    assert result.unchanged == 3 and result.written == []


def test_a_failed_render_leaves_no_temp_file(tmp_path: Path) -> None:
    from generator.pipeline.jobs import Job
    from generator.render.docx.errors import TemplateRenderError

    def fail() -> bytes:
        raise TemplateRenderError("模板出错")

    plan = read_plan(EXAMPLE)
    jobs = [Job(PurePath("a.txt"), "a", lambda: b"a"), Job(PurePath("b.txt"), "b", fail)]
    out = tmp_path / "out"
    out.mkdir()
    store = RecordStore.open(out)
    try:
        with pytest.raises(RunFailed, match="模板出错"):
            run_jobs(jobs, out, plan, store)
    finally:
        store.close()
    assert not (out / "a.txt").exists() and temp_files(out) == []


# --- returns read once, released after the check -------------------------------------------


def test_a_released_return_is_read_again_and_refused_if_it_changed(tmp_path: Path) -> None:
    path = tmp_path / "r.xlsx"
    path.write_bytes(b"checked bytes")
    file = ReturnedFile(path, path.read_bytes())
    digest = hashlib.sha256(b"checked bytes").hexdigest()
    file.release()
    assert file.data == b"" and file.sha256 == digest
    assert file.content() == b"checked bytes"
    path.write_bytes(b"replaced meanwhile")
    with pytest.raises(ReturnChanged, match="被修改或替换"):
        file.content()
    path.unlink()
    with pytest.raises(ReturnChanged, match="无法再读取"):
        file.content()


@pytest.fixture
def returned(tmp_path: Path) -> Path:
    folder = tmp_path / "returns"
    folder.mkdir()
    for unit in ("fzk", "gyzz"):
        (folder / f"{unit}台账.xlsx").write_bytes(Ledger(unit).fill_all().bytes())
    return folder


def count_reads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    reads: list[Path] = []
    listed = returns.list_returns

    def listing(folder: Path):  # type: ignore[no-untyped-def]
        for file in listed(folder):
            reads.append(file.path)
            yield file

    monkeypatch.setattr(intake, "list_returns", listing)
    return reads


def test_the_guard_and_the_collect_after_it_read_each_return_once(
    returned: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reads = count_reads(monkeypatch)
    plan = read_plan(EXAMPLE)
    assert plan_guard.returns_problems(plan, returned) == []
    result = intake.collect(plan, returned)
    assert sorted(p.name for p in reads) == ["fzk台账.xlsx", "gyzz台账.xlsx"]
    assert all(c.accepted for c in result.checks) and len(result.checks) == 2
    assert all(c.file.data == b"" for c in result.checks)  # released after the check


def test_a_return_changed_after_the_guard_is_read_again(
    returned: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reads = count_reads(monkeypatch)
    plan = read_plan(EXAMPLE)
    assert plan_guard.returns_problems(plan, returned) == []
    ledger = Ledger("fzk").fill_all()
    for key in ledger.rows:
        ledger.set(key, "P1.progress", "后来改过的说法")
    (returned / "fzk台账.xlsx").write_bytes(ledger.bytes())
    result = intake.collect(plan, returned)
    assert len(reads) == 4  # the folder changed: the pass is not reused
    fzk = result.record.accepted["fzk"]
    assert {r["P1"].progress for r in fzk.rows.values()} == {"后来改过的说法"}


# --- collect at 10,000 units: rows made as written, the record read from the store ----------


def _streamed_spec(rows: list[Row], streamed: bool) -> WorkbookSpec:
    columns = [
        Column("seq", "序号", 5, "text"),
        Column("project", "项目", 12, "text"),
        Column("content", "内容", 30, "text"),
        Column("unit", "单位", 14, "text"),
        Column("p1.status", "状态", 8, "input_choice", "第一阶段", ("已完成", "滞后")),
        Column("p1.figure", "完成数", 8, "input_number", "第一阶段"),
    ]
    sheet = SheetSpec(
        "台账",
        "标题",
        "副标题",
        columns,
        RowStream(len(rows), lambda: iter(rows)) if streamed else rows,
        frozenset({"seq", "project", "content"}),
    )
    created = datetime.datetime(2020, 1, 1)
    return WorkbookSpec([sheet], {"kind": "test"}, "标题", created)


def _many_rows() -> list[Row]:
    rows = []
    for n in range(600):  # merged blocks of several lengths, a row alone, long texts
        target = n // 37
        values: dict[str, str | int | float | None] = {
            "seq": str(target) if n % 101 else "",
            "project": f"项目{n // 90}",
            "content": "内容" * (1 + target % 7) + ("\n第二行" if target % 3 == 0 else ""),
            "unit": f"单位{n}",
            "p1.status": "已完成" if n % 2 else None,
            "p1.figure": n * 0.5 if n % 5 else None,
        }
        disabled = frozenset({"p1.figure"}) if n % 7 == 0 else frozenset()
        rows.append(Row(f"u{n}", values, disabled))
    return rows


def test_rows_made_as_written_give_the_bytes_of_the_rows_given_as_a_list() -> None:
    engine = XlsxEngine(TemplateSet(None).path("ledger.xlsx"))
    rows = _many_rows()
    assert engine.render(_streamed_spec(rows, True)) == engine.render(_streamed_spec(rows, False))
    assert engine.render(_streamed_spec([], True)) == engine.render(_streamed_spec([], False))


def test_rows_made_as_written_are_refused_as_a_list_of_them_is(tmp_path: Path) -> None:
    """The same refusal, word for word: a duplicate key before a row's own problem, that
    before a cell's (a text XML cannot hold), whatever comes first in the rows."""
    engine = XlsxEngine(TemplateSet(None).path("ledger.xlsx"))
    rows = _many_rows()
    bad_text = Row("bad", {**rows[5].values, "content": "a\x01b"})
    unknown = Row("odd", {**rows[9].values, "nowhere": "x"})
    cases = [
        [*rows[:3], bad_text, *rows[3:]],
        [*rows[:3], bad_text, *rows[3:20], unknown, *rows[20:]],
        [*rows[:3], bad_text, unknown, *rows[3:], rows[40]],
    ]
    for case in cases:
        errors = []
        for streamed in (True, False):
            with pytest.raises(WorkbookRenderError) as raised:
                engine.render(_streamed_spec(case, streamed))
            errors.append(str(raised.value))
        assert errors[0] == errors[1]
    assert "重复" in errors[0]


def test_the_record_as_json_is_what_json_dumps_writes() -> None:
    reports = {"k/1": {"p1": PhaseReport("已完成", "做了“某事”\n\t", 3.0)}, "k/0": {}}
    submission = Submission("u1", "台账.xlsx", "ab" * 32, "2020-01-01T00:00:00", reports, 2, "a/b")
    empty = Submission("u2", "x.xlsx", "cd" * 32, "", {}, 3, "")
    record = ProgressRecord(
        "plan",
        "v1",
        {"u2": empty, "u1": submission},
        [submission],
        [Rejection("r.xlsx", "ef" * 32, "", "", ["问题"], "", True, 4, "r.xlsx")],
        ["请核对"],
    )
    for each in (record, ProgressRecord("plan", "v1")):
        expected = json.dumps(each.to_json(), ensure_ascii=False, indent=1, sort_keys=True)
        assert "".join(each.json_text()) == expected


def test_packed_and_stored_rows_read_back_as_given(tmp_path: Path) -> None:
    rows = {"k/2": {"p1": PhaseReport("滞后", "进度", None)}, "k/1": {"p2": PhaseReport()}}
    packed = PackedRows(rows)
    assert dict(packed.items()) == rows and list(packed) == ["k/2", "k/1"] and len(packed) == 2
    store = RecordStore.memory()
    store.set_version("plan", "v1")
    intake = Intake("ab" * 32, "a.xlsx", "a.xlsx", 0, "u1", "", "", [], packed)
    store.take_in("v1", [intake], store.start_run(tmp_path))
    eager, lazy = store.record(), store.record(lazy=True)
    stored = lazy.accepted["u1"].rows
    assert isinstance(stored, StoredRows)
    assert dict(stored.items()) == rows == eager.accepted["u1"].rows
    assert lazy.accepted["u1"].report("k/2", "p1") == PhaseReport("滞后", "进度", None)
    assert "k/9" not in stored and list(stored) == ["k/2", "k/1"]
    assert "".join(lazy.json_text()) == "".join(eager.json_text())


# --- big parts rendered table by table -------------------------------------------------------


@pytest.mark.parametrize("batch", [7, 10**6])  # many batches of rows, or one
def test_a_big_part_fixed_table_by_table_has_the_bytes_of_the_whole_tree(
    monkeypatch: pytest.MonkeyPatch, batch: int
) -> None:
    """Issue 19: the bureau summary of 10,000 units rendered to 52 MB of XML, one lxml tree
    of over 800 MB. Its big tables are now fixed each in a tree of its own: the bytes
    must be those of the whole tree (grids fitted, cell widths, pictures numbered), here
    with every table of the bundled summary's context split out, and its tables grown;
    a table is parsed a batch of rows at a time (twice: to measure, to fix)."""
    from generator import lint
    from generator.render.docx import engine as docx_engine
    from generator.render.docx import split_tables

    template, context = lint.kind_contexts(per_kind=1)["phase_summary"][0]
    rows = [
        {"cells": [str(n), f"第{n}服务站", "已报送", "2016-11-28 09:00", "x", "无"]}
        for n in range(1, 400)
    ]
    columns = ["序号", "单位", "报送情况", "报送时间", "采用的报送", "待改正退回件"]
    context = {
        **context,
        "attachments": [*context["attachments"], {"label": "附件2", "title": "表二"}],
        "tables": [{"label": "附件2", "title": "表二", "columns": columns, "rows": rows}],
    }
    engine = TemplateSet().docx(template)
    whole = engine.render(context)
    split = []
    monkeypatch.setattr(docx_engine, "PART_CHARACTERS", 0)
    monkeypatch.setattr(split_tables, "PART_CHARACTERS", 0)
    monkeypatch.setattr(split_tables, "TABLE_CHARACTERS", 0)
    monkeypatch.setattr(split_tables, "BATCH_ROWS", batch)
    real = split_tables.split_part
    monkeypatch.setattr(docx_engine, "split_part", lambda *a: split.append(real(*a)) or split[-1])
    real_batches, batched = split_tables._fixed_in_batches, []
    monkeypatch.setattr(
        split_tables,
        "_fixed_in_batches",
        lambda *a: batched.append(real_batches(*a)) or batched[-1],
    )
    assert engine.render(context) == whole
    assert split and split[0] is not None and len(split[0].tables) == 2  # both attachments
    assert len(batched) == 2 and None not in batched  # neither fell back to a whole table
