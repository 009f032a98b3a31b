"""The registry of document kinds: declared once, and everything else agrees with it."""

from __future__ import annotations

from pathlib import Path, PurePath

import pytest

from generator.lint import example_inputs
from generator.pipeline import kinds
from generator.pipeline.flows import job_of
from generator.read.plan_reader import read_plan
from generator.render.templates import TemplateSet
from tests.helpers import EXAMPLE, load_tool

ROOT = Path(__file__).resolve().parents[1]
YUNHE = ROOT / "data" / "yunhe2020"


def test_names_are_unique_and_labels_chinese() -> None:
    names = [kind.name for kind in kinds.KINDS]
    assert len(names) == len(set(names))
    for kind in kinds.KINDS:
        assert any("\u4e00" <= ch <= "\u9fff" for ch in kind.label), kind.name


def test_every_template_is_in_templates_and_every_file_there_is_used() -> None:
    named = {t.name for t in kinds.templates()}
    on_disk = {p.name for p in (ROOT / "templates").iterdir() if p.suffix in (".docx", ".xlsx")}
    assert named == on_disk


def test_each_engine_has_what_it_needs() -> None:
    for kind in kinds.KINDS:
        if kind.engine in (kinds.Engine.DOCX, kinds.Engine.XLSX):
            assert kind.templates, kind.name
            assert {t.engine for t in kind.templates} == {kind.engine}, kind.name
        else:
            assert not kind.templates, kind.name
        assert 1 <= kind.phase <= 3
        assert kind.flows


def test_parts_name_hosts_that_share_their_flows() -> None:
    by_name = {kind.name: kind for kind in kinds.KINDS}
    parts = [kind for kind in kinds.KINDS if kind.part_of]
    assert parts
    for part in parts:
        assert not part.files, "a part writes no file of its own"
        for host in part.part_of:
            assert set(by_name[host].flows) & set(part.flows), (part.name, host)


def test_every_flow_writes_something() -> None:
    for flow in kinds.Flow:
        assert kinds.kinds(flow), flow


def test_template_generation_has_a_recipe_for_every_word_template() -> None:
    make_templates = load_tool("make_templates")
    assert set(make_templates.builders()) == {t.name for t in kinds.docx_templates()}
    # and the xlsx template names its script, which exists
    for template in kinds.templates():
        if template.engine is kinds.Engine.XLSX:
            assert (ROOT / template.recipe).is_file()


# Kinds that copy what a collect run took in: the example inputs hold no intake of their own.
INTAKE = {"originals", "returned", "record_view", "collect_report"}


@pytest.mark.parametrize("data", [EXAMPLE, YUNHE], ids=lambda d: d.name)
def test_every_file_goes_where_its_kind_says_and_no_other_kind_claims_it(data: Path) -> None:
    """Each file a kind's builder makes is recognised, by its path alone, as that kind."""
    plan = read_plan(data)
    inputs = example_inputs(plan, data)
    made = set()
    for flow, given in inputs.items():
        for kind in kinds.kinds(flow):
            if kind.name in INTAKE:
                continue
            for document in kind.build(given):
                job = job_of(kind, kind.folder_for(given), document, TemplateSet())
                claimed = [k.name for k in kinds.KINDS if k.writes(job.path)]
                assert claimed == [kind.name], (job.path, claimed)
                made.add(kind.name)
    wanted = {k.name for k in kinds.KINDS if k.files and set(k.flows) & set(inputs)}
    # 整改通知 only where a unit lags at the first phase's end (the examples' units do not)
    assert wanted - INTAKE - made <= {"rectification_notice"}


def test_kind_of_finds_the_kind_from_a_path() -> None:
    kind = kinds.kind_of(PurePath("阶段总结/集中提升行动阶段/整改通知/局办公室整改通知.docx"))
    assert kind is not None and kind.name == "rectification_notice"
    kind = kinds.kind_of(PurePath("阶段总结/集中提升行动阶段/各单位/某单位总结.docx"))
    assert kind is not None and kind.name == "unit_summary"
    assert kinds.kind_of(PurePath("别处/某文件.docx")) is None
