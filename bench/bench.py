"""Benchmark of every stage, against a naive docxtpl loop and a write-only floor.

Usage:  .venv/bin/python bench/bench.py [--units 100 1000] [--targets 30] [--repeat 3]

For each size it writes a synthetic plan (bench/synthetic.py) and, per stage, runs a
fresh Python process so each stage's peak RSS is its own. Reported per stage:
documents per second, milliseconds per document, peak RSS; and, on the same data in
the same run, the naive docxtpl loop (``DocxTemplate(path)``, ``render``, ``save`` for
every document), openpyxl's default writer for ledgers, and the floor (writing the
bytes of one rendered document N times). Wall-clock numbers move with the machine's
load; the ratios are what to compare. ``--repeat N`` times the whole phase-1 set N times
per size, the sizes taken in turn, and compares the medians: one run of a few seconds, most
of it writing and syncing files, moves by a quarter with the disk's mood.

``--scale`` measures, instead, what issue 19 asks at province scale, each command as a
whole process (its own wall time, CPU time and peak RSS, by ``os.wait4``):
``plan`` fresh, ``plan`` again with nothing changed, ``plan`` after renaming one unit
(which must re-issue that unit's two files only), beside the floor measured in the same
run (the bytes the fresh run wrote, written again with ``fsync``); ``collect`` of every
unit's filled return (bench/synthetic.py) beside the bare read of the same workbooks'
cells (:func:`bare_read`) and ``summary --phase 2`` from that record; and start-up
(``plandocs --help``, ``plandocs check`` on the bundled example); then phase 3 as the Makefile
runs it, from that record: ``nominate --forms`` beside the fsync floor of the forms it wrote,
``nominate --returns`` of the filled 推荐表格 a fifth of the units send back
(bench/synthetic.py) beside the bare read of those workbooks, ``summary --phase 3`` (the
year-end summary), and ``plandocs pdf`` of a fixed sample of 20 issued documents (10 units'
实施方案 and 台账; skipped, with the reason, without LibreOffice). Example:
``.venv/bin/python bench/bench.py --scale --units 1000 2000 10000 --repeat 3``.
Reported: medians over the repeats, ratios to the fresh run and to the floor, peak RSS,
and the time growth per doubling of the units. ``--stages summary`` (or ``collect``, or
``fresh``: the phase-1 set) measures only those and what they need, e.g.
``.venv/bin/python bench/bench.py --scale --units 1000 2000 --stages summary --prepared DIR``.
A prepared plan without awards.yaml (made before synthetic plans had one) gains it in a copy:
its returns stay valid (a ledger's version hashes only what it shows); its nomination returns
are ``DIR/plan<units>/nomination_returns`` if there, else made for the run.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


# --- stages (each runs in its own process) ------------------------------------------------


class Clock:
    """Times only the work loop of a stage (reading the plan is not the stage's cost)."""

    seconds = 0.0

    def __enter__(self) -> Clock:
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        Clock.seconds += time.perf_counter() - self.start


def _plan(data: Path):  # type: ignore[no-untyped-def]
    from generator.read.plan_reader import read_plan

    return read_plan(data)


def _contexts(plan):  # type: ignore[no-untyped-def]
    from generator.documents import unit_plan

    units = [u for u in plan.organisation.units if plan.duties(u)]
    return [unit_plan.unit_plan_context(plan, u, plan.duties(u)) for u in units]


def stage_unit_plans(data: Path, out: Path) -> int:
    from generator.pipeline.kinds import UNIT_PLAN
    from generator.render.templates import TemplateSet

    contexts = _contexts(_plan(data))
    with Clock():
        engine = TemplateSet().docx(UNIT_PLAN.name)  # loading once is part of the cost
        for n, context in enumerate(contexts):
            (out / f"{n}.docx").write_bytes(engine.render(context))
    return len(contexts)


def stage_naive_docxtpl(data: Path, out: Path) -> int:
    from docxtpl import DocxTemplate

    from generator.pipeline.kinds import UNIT_PLAN
    from generator.render.templates import TemplateSet

    contexts = _contexts(_plan(data))
    path = TemplateSet().path(UNIT_PLAN.name)
    with Clock():
        for n, context in enumerate(contexts):
            document = DocxTemplate(path)
            document.render(context, autoescape=True)
            document.save(out / f"{n}.docx")
    return len(contexts)


def stage_floor(data: Path, out: Path) -> int:
    from generator.pipeline.kinds import UNIT_PLAN
    from generator.render.templates import TemplateSet

    contexts = _contexts(_plan(data))
    rendered = TemplateSet().docx(UNIT_PLAN.name).render(contexts[0])
    with Clock():
        for n in range(len(contexts)):
            (out / f"{n}.docx").write_bytes(rendered)
    return len(contexts)


def stage_ledgers(data: Path, out: Path) -> int:
    from generator.documents.ledger_workbook import unit_ledger_spec
    from generator.render.templates import TemplateSet

    plan = _plan(data)
    units = [u for u in plan.organisation.units if plan.targets_for(u)]
    specs = [unit_ledger_spec(plan, unit) for unit in units]
    with Clock():
        engine = TemplateSet().xlsx("ledger.xlsx")
        for unit, spec in zip(units, specs, strict=True):
            (out / f"{unit.id}.xlsx").write_bytes(engine.render(spec))
    return len(units)


def stage_openpyxl_default(data: Path, out: Path) -> int:
    """The same ledgers the plain openpyxl way: open the template, fill, ``wb.save``."""
    import openpyxl

    from generator.documents.ledger_workbook import unit_ledger_spec
    from generator.render.templates import TemplateSet

    plan = _plan(data)
    template = TemplateSet().path("ledger.xlsx")
    units = [u for u in plan.organisation.units if plan.targets_for(u)]
    specs = [unit_ledger_spec(plan, unit) for unit in units]
    with Clock():
        for unit, spec in zip(units, specs, strict=True):
            book = openpyxl.load_workbook(template)
            sheet = book.worksheets[0]
            for r, row in enumerate(spec.sheets[0].rows, 5):
                for c, column in enumerate(spec.sheets[0].columns, 1):
                    sheet.cell(r, c).value = row.values.get(column.key)
            book.save(out / f"{unit.id}.xlsx")
    return len(units)


def stage_collect(data: Path, out: Path) -> int:
    from generator.intake.collect import collect

    plan = _plan(data)
    with Clock():
        result = collect(plan, data / "returns")
    assert all(c.accepted for c in result.checks), [c.errors[:1] for c in result.checks][:3]
    return len(result.checks)


def stage_summaries(data: Path, out: Path) -> int:
    from generator.documents.document import SummaryInputs
    from generator.intake.collect import collect
    from generator.model.evaluation import evaluate
    from generator.pipeline.steps import summary_jobs
    from generator.render.templates import TemplateSet

    plan = _plan(data)
    record = collect(plan, data / "returns").record
    result = evaluate(plan, record, plan.text.phases[1])
    with Clock():
        jobs = summary_jobs(SummaryInputs(plan, [result]), TemplateSet())
        for n, job in enumerate(jobs):
            (out / f"{n}{job.path.suffix}").write_bytes(job.render())
    return len(jobs)


def stage_phase1_cli(data: Path, out: Path) -> int:
    """The whole phase-1 set through the command, as an office runs it."""
    from click.testing import CliRunner

    from generator.cli import main

    with Clock():
        result = CliRunner().invoke(main, ["plan", "--data", str(data), "--out", str(out / "run")])
    assert result.exit_code == 0, result.output
    return sum(1 for p in (out / "run").rglob("*") if p.suffix in (".docx", ".xlsx"))


STAGES: dict[str, Callable[[Path, Path], int]] = {
    "unit_plans": stage_unit_plans,
    "naive_docxtpl": stage_naive_docxtpl,
    "floor": stage_floor,
    "ledgers": stage_ledgers,
    "openpyxl_default": stage_openpyxl_default,
    "collect": stage_collect,
    "summaries": stage_summaries,
    "phase1_cli": stage_phase1_cli,
}


def run_stage(name: str, data: Path) -> None:
    """Child process: time one stage, print JSON."""
    with tempfile.TemporaryDirectory() as work:
        count = STAGES[name](data, Path(work))
        seconds = Clock.seconds
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # MB on Linux
    print(json.dumps({"stage": name, "documents": count, "seconds": seconds, "peak_mb": peak}))


# --- the parent --------------------------------------------------------------------------------


def measure(name: str, data: Path) -> dict:  # type: ignore[type-arg]
    output = subprocess.run(
        [sys.executable, __file__, "--stage", name, "--data", str(data)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def prepare(units: int, targets: int, folder: Path) -> Path:
    from synthetic import make_plan, make_returns

    from generator.read.plan_reader import read_plan

    data = make_plan(folder / f"plan{units}", units=units, targets=targets)
    make_returns(read_plan(data), data / "returns")
    return data


def report(units: int, results: dict[str, dict]) -> None:  # type: ignore[type-arg]
    print(f"\n### {units} units\n")
    print("| stage | documents | seconds | documents/s | ms/document | peak RSS MB |")
    print("|---|---|---|---|---|---|")
    for name, r in results.items():
        rate = r["documents"] / r["seconds"] if r["seconds"] else 0.0
        ms = 1000 * r["seconds"] / r["documents"] if r["documents"] else 0.0
        cells = [name, r["documents"], f"{r['seconds']:.2f}", f"{rate:.0f}", f"{ms:.2f}"]
        print("| " + " | ".join(map(str, [*cells, f"{r['peak_mb']:.0f}"])) + " |")
    per = {k: v["seconds"] / max(v["documents"], 1) for k, v in results.items()}
    print(
        f"\nWord vs naive docxtpl: {per['naive_docxtpl'] / per['unit_plans']:.1f}x faster; "
        f"vs floor: {per['unit_plans'] / per['floor']:.1f}x the floor's cost; "
        "ledgers vs openpyxl default writer: "
        f"{per['openpyxl_default'] / per['ledgers']:.1f}x faster; "
        f"collect: {1000 * per['collect']:.1f} ms per returned workbook"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--units", type=int, nargs="+", default=[100, 1000])
    parser.add_argument("--targets", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--stage")
    parser.add_argument("--data", type=Path)
    parser.add_argument("--scale", action="store_true", help="re-runs, fsync floor, start-up")
    parser.add_argument("--prepared", type=Path, help="with --scale: plans made before")
    parser.add_argument(
        "--stages",
        nargs="+",
        metavar="STAGE",
        help=f"with --scale: only these ({', '.join(SCALE_STAGES)}) and what they need",
    )
    args = parser.parse_args()
    if args.stage:
        run_stage(args.stage, args.data)
        return
    if args.scale:
        scale(args.units, args.targets, args.repeat, args.prepared, chosen_stages(args.stages))
        return
    phase1: dict[int, list[dict]] = {}  # type: ignore[type-arg]
    with tempfile.TemporaryDirectory() as work:
        folders = {}
        for units in args.units:
            folders[units] = prepare(units, args.targets, Path(work))
            results = {name: measure(name, folders[units]) for name in STAGES}
            report(units, results)
            phase1[units] = [results["phase1_cli"]]
        for _ in range(args.repeat - 1):  # in turn, so a slow spell hits every size alike
            for units, data in folders.items():
                phase1[units].append(measure("phase1_cli", data))
    sizes = sorted(phase1)
    if args.repeat > 1:
        for units in sizes:
            times = ", ".join(f"{r['seconds']:.2f}" for r in phase1[units])
            print(f"\nphase-1 set, {units} units: {times} s")
    median = {units: _median(runs) for units, runs in phase1.items()}
    for small, big in itertools.pairwise(sizes):
        ratio = median[big]["seconds"] / median[small]["seconds"]
        print(
            f"\nphase-1 set: {big} units took {ratio:.2f}x the time of {small} units "
            f"({big / small:.0f}x the units); peak RSS {median[big]['peak_mb']:.0f} MB"
        )


# --- issue 19: re-runs, the fsync floor and start-up, each command a whole process ---------


def run_command(*args: str) -> dict[str, float]:
    """Run ``plandocs args`` in its own process: wall and CPU seconds, peak RSS, its output."""
    start = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-m", "generator", *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    output = child.stdout.read() if child.stdout else ""
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    assert child.returncode == 0, (args, output)
    return {
        "seconds": seconds,
        "cpu": usage.ru_utime + usage.ru_stime,
        "peak_mb": usage.ru_maxrss / 1024,
        "written": _written(output),
    }


def _written(output: str) -> int:
    """The number of files a run says it wrote (its 已生成 N 个文件 line)."""
    for line in output.splitlines():
        if line.startswith("已生成 "):
            return int(line.split()[1])
    return 0


def fsync_floor(source: Path, target: Path) -> dict[str, float]:
    """Write the bytes ``source`` holds again under ``target``, each file fsync-ed: the floor.

    Only the writing is timed (reading back what the fresh run wrote is not its cost).
    """
    files = [p for p in sorted(source.rglob("*")) if p.is_file()]
    seconds = 0.0
    for n, path in enumerate(files):
        data = path.read_bytes()
        folder = target / str(n // 1000)
        folder.mkdir(parents=True, exist_ok=True)
        start = time.perf_counter()
        with open(folder / f"{n}{path.suffix}", "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        seconds += time.perf_counter() - start
    return {"seconds": seconds, "cpu": 0.0, "peak_mb": 0.0, "written": len(files)}


def rename_one_unit(data: Path, turn: int) -> None:
    """Rename one unit (units are listed by id in groups, so nothing else names it)."""
    path = data / "units.yaml"
    text = path.read_text("utf-8")
    old, new = (
        ("第8服务站", "第8服务站（更名）") if turn % 2 == 0 else ("第8服务站（更名）", "第8服务站")
    )
    assert text.count(f"name: {old}\n") == 1, old
    path.write_text(text.replace(f"name: {old}\n", f"name: {new}\n"), "utf-8")


SCALE_STAGES = (
    "fresh",
    "floor",
    "rerun",
    "one_unit_edit",
    "collect",
    "bare_read",
    "summary",
    "nomination_forms",
    "forms_floor",
    "nominate",
    "nomination_read",
    "year_summary",
    "pdf_sample",
)
# What each stage is compared with: its own floor, measured in the same round.
FLOOR_OF = {
    "fresh": "floor",
    "rerun": "floor",
    "one_unit_edit": "floor",
    "collect": "bare_read",
    "nomination_forms": "forms_floor",
    "nominate": "nomination_read",
}


def bare_read(returns: Path) -> dict[str, float]:
    """The floor of collect: every return's bytes read and its cells parsed, nothing checked.

    Each workbook's zip opened, its shared strings and every worksheet parsed by lxml and
    every cell's value touched -- what any reader must do; timed in this process.
    """
    import zipfile

    from lxml import etree

    files = sorted(p for p in returns.rglob("*.xlsx"))
    cell = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}c"
    start = time.perf_counter()
    touched = 0
    for path in files:
        with zipfile.ZipFile(path) as archive:
            for name in archive.namelist():
                if name == "xl/sharedStrings.xml" or name.startswith("xl/worksheets/sheet"):
                    for element in etree.fromstring(archive.read(name)).iter(cell):
                        touched += len(element.findtext("*") or "")
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "cpu": 0.0, "peak_mb": 0.0, "written": len(files)}


PHASE1_STAGES = ("fresh", "floor", "rerun", "one_unit_edit")
COLLECT_STAGES = ("collect", "bare_read")
NOMINATE_STAGES = ("nomination_forms", "forms_floor", "nominate", "nomination_read")
# Each stage's company: what it needs measured with it (a re-run needs the fresh run, a
# summary or a nomination the record collect made, the PDF sample the issued documents).
NEEDS = {
    **{stage: PHASE1_STAGES for stage in (*PHASE1_STAGES, "pdf_sample")},
    **{stage: COLLECT_STAGES for stage in (*COLLECT_STAGES, "summary", "year_summary")},
    **{stage: COLLECT_STAGES + NOMINATE_STAGES for stage in NOMINATE_STAGES},
}


def chosen_stages(names: list[str] | None) -> tuple[str, ...]:
    """The stages ``--stages`` asks for, with what they need (:data:`NEEDS`): the phase-1
    set is measured whole, collect and its bare read come with a summary or a nomination,
    the nomination forms and the returns (each with its floor) together."""
    if not names:
        return SCALE_STAGES
    unknown = set(names) - set(SCALE_STAGES)
    if unknown:
        raise SystemExit(f"unknown stage(s) {sorted(unknown)}; known: {', '.join(SCALE_STAGES)}")
    wanted = set(names)
    for name in names:
        wanted |= set(NEEDS.get(name, ()))
    return tuple(stage for stage in SCALE_STAGES if stage in wanted)


@dataclass
class Sized:
    """One size's inputs: the plan the plan runs edit, the plan the returns were made from,
    that plan with its awards (the year's runs: collect, summaries, nominate), and the
    nomination returns."""

    units: int
    data: Path
    returned: Path
    year: Path
    nominations: Path | None = None


def scale_runs(
    sized: Sized, work: Path, turn: int, stages: tuple[str, ...] = SCALE_STAGES
) -> dict[str, dict[str, float]]:
    """One round at one size: the phase-1 set (fresh, floor, nothing changed, one unit
    edited), then collect of every unit's return (beside the bare read), the summaries, the
    nominations and the PDF sample; ``stages`` as :func:`chosen_stages` gives them."""
    units, data = sized.units, sized.data
    out = work / f"out{units}"
    collected = work / f"collected{units}"
    for folder in (out, collected, work / "floor", work / "pdf_sample"):
        shutil.rmtree(folder, ignore_errors=True)
    found = {}
    if "fresh" in stages:
        plan = ["plan", "--data", str(data), "--out", str(out)]
        found["fresh"] = run_command(*plan)
        found["floor"] = fsync_floor(out, work / "floor")
        found["rerun"] = run_command(*plan)
        rename_one_unit(data, turn)
        found["one_unit_edit"] = run_command(*plan)
        assert found["rerun"]["written"] == 0, found["rerun"]
        assert found["one_unit_edit"]["written"] == 2, found["one_unit_edit"]
    if "pdf_sample" in stages:
        found.update(pdf_sample(out, work / "pdf_sample"))
    if "collect" in stages:
        found.update(year_runs(sized, collected, work, stages))
    return found


def year_runs(
    sized: Sized, collected: Path, work: Path, stages: tuple[str, ...]
) -> dict[str, dict[str, float]]:
    """collect (beside the bare read), ``summary --phase 2``, then phase 3 as the Makefile runs
    it: ``nominate --forms`` (beside the fsync floor of its forms), ``nominate --returns``
    (beside the bare read of the returned forms), ``summary --phase 3``."""
    found = {}
    # The returns were made from the plan as it was before the rename (its own copy).
    source = sized.returned / "returns"
    data = ["--data", str(sized.year), "--out", str(collected)]
    found["collect"] = run_command("collect", str(source), *data)
    found["collect"]["written"] = sum(1 for _ in source.glob("*.xlsx"))  # per return
    found["bare_read"] = bare_read(source)
    if "summary" in stages:
        found["summary"] = run_command("summary", "--phase", "2", *data)
    if "nominate" in stages:
        assert sized.nominations is not None
        found["nomination_forms"] = run_command("nominate", "--forms", *data)
        forms = collected / "评选推荐" / "推荐表格"
        found["forms_floor"] = fsync_floor(forms, work / "floor_forms")
        shutil.rmtree(work / "floor_forms")
        found["nominate"] = run_command("nominate", "--returns", str(sized.nominations), *data)
        found["nominate"]["written"] = sum(1 for _ in sized.nominations.glob("*.xlsx"))
        found["nomination_read"] = bare_read(sized.nominations)
    if "year_summary" in stages:
        found["year_summary"] = run_command("summary", "--phase", str(YEAR_END), *data)
    return found


YEAR_END = 3  # the last of bench/synthetic.py's phases: its summary is the year's

PDF_UNITS = 10  # units whose 实施方案 and 台账 make the PDF sample: 20 documents at every size


def pdf_sample(out: Path, sample: Path) -> dict[str, dict[str, float]]:
    """``plandocs pdf`` of a fixed sample of the issued documents: its cost per document.

    The 实施方案 and 台账 of 10 units spread over the list, copied aside (the PDFs are
    written beside them); nothing when LibreOffice is absent, and the reason printed.
    """
    from generator.write.pdf import PdfError, preflight

    try:
        preflight()
    except PdfError as error:
        print(f"pdf_sample skipped: {error}", file=sys.stderr, flush=True)
        return {}
    folders = sorted(p for p in (out / "各单位").iterdir() if p.is_dir())
    step = max(1, len(folders) // PDF_UNITS)
    sample.mkdir(parents=True)
    copied = 0
    for folder in folders[::step][:PDF_UNITS]:
        for document in sorted([*folder.glob("*.docx"), *folder.glob("*.xlsx")]):
            shutil.copyfile(document, sample / f"{copied:02d}{document.suffix}")
            copied += 1
    found = run_command("pdf", str(sample))
    found["written"] = sum(1 for _ in sample.glob("*.pdf"))
    assert found["written"] == copied, (found, copied)
    return {"pdf_sample": found}


def startup_runs(runs: int) -> dict[str, list[dict[str, float]]]:
    example = str(ROOT / "data" / "jiaozuo2016")
    commands = {"--help": ["--help"], "check": ["check", "--data", example]}
    found: dict[str, list[dict[str, float]]] = {name: [] for name in commands}
    for _ in range(runs):  # in turn, so a busy spell hits both alike
        for name, args in commands.items():
            found[name].append(run_command(*args))
    return found


_RETURNS = shutil.ignore_patterns("returns", "nomination_returns")


def _returned(units: int, targets: int, work: Path, prepared: Path | None) -> Path:
    """A synthetic plan with every unit's return: made now, or one made before (--prepared).

    Making 10,000 filled returns takes longer than the benchmark itself; ``--prepared DIR``
    takes ``DIR/plan<units>`` as bench/synthetic.py left it (with ``returns/``), read only.
    """
    if prepared is not None and (prepared / f"plan{units}" / "returns").is_dir():
        return prepared / f"plan{units}"
    return prepare(units, targets, work / "returned")


def _sized(
    units: int, targets: int, work: Path, prepared: Path | None, stages: tuple[str, ...]
) -> Sized:
    from synthetic import make_nomination_returns, write_awards

    from generator.read.plan_reader import read_plan

    returned = _returned(units, targets, work, prepared)
    # The plan that plan runs edit, apart from the one the returns were made from; and the
    # year's plan: that one with its awards (added if it was made without).
    data = Path(shutil.copytree(returned, work / f"plan{units}", ignore=_RETURNS))
    year = Path(shutil.copytree(returned, work / f"year{units}", ignore=_RETURNS))
    if not (year / "awards.yaml").is_file():
        write_awards(year)
    sized = Sized(units, data, returned, year)
    if "nominate" in stages:
        sized.nominations = returned / "nomination_returns"
        if not sized.nominations.is_dir():
            print(f"making the nomination returns of {units} units", file=sys.stderr, flush=True)
            sized.nominations = work / f"nominations{units}"
            make_nomination_returns(read_plan(year), sized.nominations)
    return sized


def scale(
    sizes: list[int],
    targets: int,
    repeat: int,
    prepared: Path | None = None,
    stages: tuple[str, ...] = SCALE_STAGES,
) -> None:
    startup = startup_runs(max(15, repeat))
    rounds: dict[int, list[dict[str, dict[str, float]]]] = {n: [] for n in sizes}
    with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_TMP")) as work:
        inputs = {n: _sized(n, targets, Path(work), prepared, stages) for n in sizes}
        for turn in range(repeat):  # sizes in turn, as above
            for n in sizes:
                found = scale_runs(inputs[n], Path(work), turn, stages)
                rounds[n].append(found)
                # Each round's figures as they come: a long run stopped early still tells.
                done = json.dumps(rounds[n][-1])
                print(f"round {turn + 1}, {n} units: {done}", file=sys.stderr, flush=True)
    load = os.getloadavg()
    print(f"\n### Re-runs and start-up (load average {load[0]:.1f} on {os.cpu_count()} cores)\n")
    print("| command | median wall s | median CPU s | limit |")
    print("|---|---|---|---|")
    limits = {"--help": "≤ 0.25 s", "check": "≤ 0.6 s"}
    for name, runs in startup.items():
        wall = statistics.median(r["seconds"] for r in runs)
        cpu = statistics.median(r["cpu"] for r in runs)
        print(f"| `plandocs {name}` ({len(runs)} runs) | {wall:.3f} | {cpu:.3f} | {limits[name]} |")
    print(
        "\n| units | stage | files | median wall s | median CPU s | ms per file | × fresh (wall) "
        "| × fresh (CPU) | × its floor | peak RSS MB |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    medians: dict[int, dict[str, dict[str, float]]] = {}
    for n in sizes:
        medians[n] = {
            stage: {
                key: statistics.median(r[stage][key] for r in rounds[n])
                for key in ("seconds", "cpu", "peak_mb", "written")
            }
            for stage in stages
            if all(stage in r for r in rounds[n])  # pdf_sample: not without LibreOffice
        }
        fresh = medians[n].get("fresh")
        for stage, m in medians[n].items():
            phase1 = stage in PHASE1_STAGES and fresh is not None
            by_cpu = f"{m['cpu'] / fresh['cpu']:.2f}" if m["cpu"] and fresh and phase1 else "–"
            peak = f"{m['peak_mb']:.0f}" if m["peak_mb"] else "–"
            floor = medians[n].get(FLOOR_OF.get(stage, ""))
            rerun = stage in ("rerun", "one_unit_edit")  # per file written means nothing there
            per = 1000 * m["seconds"] / m["written"] if m["written"] and not rerun else 0.0
            cells = [
                f"{n:,}",
                stage,
                f"{m['written']:.0f}",
                f"{m['seconds']:.2f}",
                f"{m['cpu']:.2f}" if m["cpu"] else "–",
                f"{per:.2f}" if per else "–",
                f"{m['seconds'] / fresh['seconds']:.2f}" if fresh and phase1 else "–",
                by_cpu,
                f"{m['seconds'] / floor['seconds']:.2f}" if floor else "–",
                peak,
            ]
            print("| " + " | ".join(cells) + " |")
    print("\n| stage | sizes | time growth per doubling (wall) | (CPU) |")
    print("|---|---|---|---|")
    for small, big in itertools.pairwise(sizes):
        doublings = math.log2(big / small)
        for stage in (s for s in stages if s in medians[small] and s in medians[big]):
            a, b = medians[small][stage], medians[big][stage]
            wall = (b["seconds"] / a["seconds"]) ** (1 / doublings)
            growth = f"{(b['cpu'] / a['cpu']) ** (1 / doublings):.2f}×" if a["cpu"] else "–"
            print(f"| {stage} | {small:,} → {big:,} | {wall:.2f}× | {growth} |")


def _median(runs: list[dict]) -> dict:  # type: ignore[type-arg]
    return sorted(runs, key=lambda run: run["seconds"])[(len(runs) - 1) // 2]


if __name__ == "__main__":
    main()
