"""Plan data written back as YAML reads to the same models."""

from __future__ import annotations

from pathlib import Path

from generator.read.plan_reader import read_plan
from generator.write.plan_yaml import FILES, plan_yaml_texts
from tests.helpers import EXAMPLE


def test_example_round_trips_through_yaml(tmp_path: Path) -> None:
    plan = read_plan(EXAMPLE)
    texts = plan_yaml_texts(plan.text, plan.organisation, plan.ledger)
    assert sorted(texts) == sorted(FILES)
    for name, text in texts.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    again = read_plan(tmp_path)
    assert again.text == plan.text
    assert again.organisation == plan.organisation
    assert again.ledger == plan.ledger


def test_yaml_is_written_as_people_write_it() -> None:
    plan = read_plan(EXAMPLE)
    texts = plan_yaml_texts(plan.text, plan.organisation, plan.ledger)
    assert "- {id: fzk, name: 局法制科, kind: office, staff_count: 4}" in texts["units.yaml"]
    assert "value: 6\n" in texts["ledger.yaml"]  # not 6.0
    assert "date: 2016-06-07\n" in texts["plan.yaml"]
    assert max(len(line) for line in texts["plan.yaml"].splitlines()) > 120  # never folded
