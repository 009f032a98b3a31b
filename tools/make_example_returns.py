"""Write the bundled examples' returned ledgers (data/<example>/returns/).

Each unit's issued ledger is filled the way its office would fill it late in the
year, then saved with the time its Excel would record. What each unit writes is the
example's scenario in ``tools/returns_scenarios.py``. Each set shows every path of
``plandocs collect``: complete units, lagging ones, a quantitative target missed,
a unit that never reports, and a careless return followed by its correction.
Run ``python tools/make_example_returns.py [data/<example> ...]`` (all examples when
none is named) after changing an example plan.
"""

from __future__ import annotations

import datetime as dt
import io
import sys
from pathlib import Path

import openpyxl

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from generator.documents.ledger_workbook import SHEET, unit_ledger_spec  # noqa: E402
from generator.formats.identity import read_sheet_map  # noqa: E402
from generator.model.plan import Measure, Unit  # noqa: E402
from generator.model.resolved import Plan  # noqa: E402
from generator.read.plan_reader import read_plan  # noqa: E402
from generator.render.templates import TemplateSet  # noqa: E402
from generator.render.xlsx.values import workbook_bytes  # noqa: E402
from generator.write.atomic import write_bytes_atomic  # noqa: E402
from tools.returns_scenarios import SCENARIOS, OfPlan, Scenario, Share  # noqa: E402

STEP = dt.timedelta(minutes=17)  # between two units' save times


def status_for(scenario: Scenario, unit_id: str, key: str) -> str:
    """Status in the reported phase: most targets done; a few units lag on some."""
    target = key.split("/")[0]
    if target in scenario.lagging.get(unit_id, ()):
        return "滞后"
    if target in scenario.under_way.get(unit_id, ()):
        return "正在推进"
    return "已完成"


def fill(
    book: openpyxl.Workbook, scenario: Scenario, plan: Plan, unit: Unit, careless: bool = False
) -> None:
    ws = book[SHEET]
    layout = read_sheet_map(book, SHEET)
    column = {key: index for index, key in layout.columns.items()}
    first, now = scenario.phases
    for row, key in layout.rows.items():
        target, _, measure = key.partition("/")
        done, doing = scenario.texts[target]
        early_done = target in scenario.early_done
        ws.cell(row, column[f"{first}.status"]).value = "已完成" if early_done else "正在推进"
        ws.cell(row, column[f"{first}.progress"]).value = (
            done if early_done else scenario.early.format(doing=doing)
        )
        status = status_for(scenario, unit.id, key)
        ws.cell(row, column[f"{now}.status"]).value = status
        ws.cell(row, column[f"{now}.progress"]).value = {
            "已完成": done,
            "正在推进": doing,
            "滞后": scenario.behind.format(doing=doing),
        }[status]
        if measure:
            # Early in the year the figures are only partly reached: under way, not done.
            reached = figure(scenario, plan, unit, target, measure)
            ws.cell(row, column[f"{first}.status"]).value = "正在推进"
            ws.cell(row, column[f"{first}.progress"]).value = scenario.early.format(doing=doing)
            ws.cell(row, column[f"{first}.figure"]).value = reached // 2
            ws.cell(row, column[f"{now}.figure"]).value = reached
    if careless and scenario.careless:
        top = min(layout.rows)
        ws.cell(top, column[f"{now}.status"]).value = "完成"  # not one of the choices
        ws.cell(top + 1, column[f"{now}.progress"]).value = None  # 已完成 without a word
        words = next(
            r for r, k in layout.rows.items() if k.endswith(f"/{scenario.careless.measure}")
        )
        ws.cell(words, column[f"{now}.figure"]).value = scenario.careless.words  # not a number


def figure(scenario: Scenario, plan: Plan, unit: Unit, target: str, measure: str) -> int:
    spec = scenario.unit_figures.get(unit.id, {}).get(measure, scenario.figures[measure])
    if isinstance(spec, Share):
        return round((unit.staff_count or 0) * spec.of_staff)
    if isinstance(spec, OfPlan):
        return round(planned(find_measure(plan, target, measure), unit) * spec.ratio)
    return spec


def find_measure(plan: Plan, target: str, measure: str) -> Measure:
    found = next(t for t in plan.ledger.targets if t.id == target)
    return next(m for m in found.measures if m.id == measure)


def planned(measure: Measure, unit: Unit) -> float:
    """The unit's planned figure (计划数): by id or name, else the target value."""
    for ref in (unit.id, unit.name):
        if ref in measure.planned:
            return measure.planned[ref]
    return measure.value


def save(book: openpyxl.Workbook, saved: dt.datetime, who: str) -> bytes:
    """What the unit's Excel writes: the workbook with its own save time inside."""
    book.properties.modified = saved
    book.properties.lastModifiedBy = who
    return workbook_bytes(book)


def write_returns(scenario: Scenario, data: Path | None = None) -> Path:
    """Fill and save every unit's return into ``data``/returns (the bundled example's
    folder unless another plan folder is given)."""
    data = data or ROOT / "data" / scenario.folder
    returns = data / "returns"
    plan = read_plan(data)
    engine = TemplateSet().xlsx("ledger.xlsx")
    for old in returns.glob("*"):
        old.unlink()
    careless = scenario.careless.unit if scenario.careless else None
    for n, unit in enumerate(plan.organisation.units):
        if unit.id in scenario.never_reports or not plan.duties(unit):
            continue
        issued = engine.render(unit_ledger_spec(plan, unit))
        saved = scenario.saved + STEP * n
        name = f"{unit.name}工作台账.xlsx"
        if unit.id == careless:
            first = openpyxl.load_workbook(io.BytesIO(issued))
            fill(first, scenario, plan, unit, careless=True)
            sent = save(first, saved - dt.timedelta(days=2), f"{unit.name}办公室")
            write_bytes_atomic(returns / f"{unit.name}台账（第一次报送）.xlsx", sent)
            name = corrected_name(unit)
        book = openpyxl.load_workbook(io.BytesIO(issued))
        fill(book, scenario, plan, unit)
        write_bytes_atomic(returns / name, save(book, saved, f"{unit.name}办公室"))
    if careless:
        # Excel leaves a lock file beside a workbook that is open; units mail them by accident.
        lock = returns / f"~${corrected_name(plan.units[careless])}"
        write_bytes_atomic(lock, b"\x0c\x00lock" + b"\x00" * 150)
    return returns


def corrected_name(unit: Unit) -> str:
    return f"{unit.name}台账（修改后）.xlsx"


def main(folders: list[str]) -> int:
    names = [Path(folder).name for folder in folders] or list(SCENARIOS)
    unknown = [name for name in names if name not in SCENARIOS]
    if unknown:
        print(
            f"没有示例「{'、'.join(unknown)}」的报送情景；"
            f"可用：{'、'.join(SCENARIOS)}（情景写在 tools/returns_scenarios.py 中）",
            file=sys.stderr,
        )
        return 2
    for name in names:
        returns = write_returns(SCENARIOS[name])
        print(f"已写出 {len(list(returns.glob('*')))} 个文件到 {returns}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
