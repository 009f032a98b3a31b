"""Issue 19 (10,000 units): what nominate holds and how often it recomputes.

The plan's YAML node trees are let go once the plan is read (errors still carry
their line); 审核结果's text is made once; a unit's line counts are counted once.
"""

from __future__ import annotations

import gc
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.documents import nomination_results
from generator.intake.record import load_record
from generator.model.evaluation import UnitResult
from generator.model.nomination_rules import rank_units
from generator.pipeline.steps import nominated
from generator.problems import InputError
from generator.read import yaml_source
from generator.read.plan_reader import read_nominations, read_plan
from generator.render.templates import TemplateSet
from tests.helpers import EXAMPLE, collect_and_summarise, copy_example, edit


def _composed_trees(monkeypatch: pytest.MonkeyPatch) -> list[weakref.ref[yaml.Node]]:
    """Weak references to every node tree the YAML reader composes from now on."""
    trees: list[weakref.ref[yaml.Node]] = []
    compose = yaml_source._compose

    def spy(text: str) -> yaml.Node | None:
        node = compose(text)
        if node is not None:
            trees.append(weakref.ref(node))
        return node

    monkeypatch.setattr(yaml_source, "_compose", spy)
    return trees


def test_yaml_node_trees_are_released_after_reading(monkeypatch: pytest.MonkeyPatch) -> None:
    trees = _composed_trees(monkeypatch)
    gc.disable()  # released by reference counting, not left to a later collection
    try:
        plan = read_plan(EXAMPLE)
        alive = [ref() is not None for ref in trees]
    finally:
        gc.enable()
    assert plan.organisation.units
    assert len(alive) == 4  # plan.yaml, units.yaml, ledger.yaml, awards.yaml
    assert not any(alive)


def test_a_problem_still_names_its_yaml_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = copy_example(tmp_path)
    line = edit(
        data / "units.yaml",
        "name: 局法制科, kind: office, staff_count: 4",
        "name: 局法制科, kind: office, staff_count: 四",
    )
    trees = _composed_trees(monkeypatch)
    with pytest.raises(InputError) as raised:
        read_plan(data)
    (problem,) = [p for p in raised.value.problems if "staff_count" in p.field]
    assert problem.line == line
    assert "四" in problem.message
    assert not any(ref() is not None for ref in trees)


@dataclass
class _Line:
    """A line result whose status read is counted."""

    value: str
    reads: list[str]

    @property
    def status(self) -> str:
        self.reads.append(self.value)
        return self.value


def test_a_units_counts_are_counted_once() -> None:
    plan = read_plan(EXAMPLE)
    reads: list[str] = []
    first, second = plan.organisation.units[:2]
    lines: list[Any] = [_Line(s, reads) for s in ("已完成", "已完成", "滞后", "未开展")]
    better = UnitResult(first, lines, True)
    worse = UnitResult(second, [_Line("滞后", reads)], True)
    for _ in range(3):
        assert better.rate == 0.5 and better.counts["已完成"] == 2
    year: Any = type("Year", (), {"reported": [worse, better], "units": [worse, better]})()
    assert rank_units(year) == [better, worse]
    assert len(reads) == 5  # each line's status read once, however often the rate is asked


@pytest.fixture(scope="module")
def collected(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("nominate_memory") / "out"
    return collect_and_summarise(EXAMPLE, out, phases=())


def test_results_text_is_made_once(collected: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    made = nomination_results.results_text

    def counted(*args: Any) -> str:
        calls.append(1)
        return made(*args)

    monkeypatch.setattr(nomination_results, "results_text", counted)
    plan = read_plan(EXAMPLE)
    nominees = read_nominations(EXAMPLE, plan).nominations
    outcome = nominated(plan, nominees, load_record(collected), collected, TemplateSet(None))
    (job,) = [j for j in outcome.jobs if j.path.name == "审核结果.txt"]
    written = job.rendered()[0].decode("utf-8-sig")
    assert len(calls) == 1
    assert written == outcome.results
    # The example's figures (tests/test_nominate.py): two nominees fail, N03 and N05.
    assert "N03" in written and "N05" in written and "通过审核的推荐对象" in written
