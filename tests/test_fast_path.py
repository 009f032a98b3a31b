"""The fast path renders what docxtpl renders: same text, for every example template."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import docx
import pytest
from docxtpl import DocxTemplate

from generator.build import cover_report, nomination_form, plan_document, unit_plan
from generator.model.evaluation import evaluate
from generator.model.nomination_rules import judge
from generator.read.plan_reader import read_nominations, read_plan
from generator.render.templates import TemplateSet
from tests.helpers import EXAMPLE

PLAN = read_plan(EXAMPLE)
UNIT = PLAN.units["rmgy"]
YEAR = evaluate(PLAN, None, PLAN.text.phases[-1], cumulative=True)
NOMINEES = read_nominations(EXAMPLE, PLAN).nominations
AWARDS = {a.id: a for a in PLAN.awards.awards}

CASES: dict[str, tuple[str, dict[str, Any]]] = {
    "plan": (plan_document.TEMPLATE, plan_document.plan_context(PLAN)),
    "unit_plan": (
        unit_plan.TEMPLATE,
        unit_plan.unit_plan_context(PLAN, UNIT, PLAN.duties(UNIT)),
    ),
    "individual_form": (
        nomination_form.TEMPLATES["individual"],
        nomination_form.form_context(PLAN, AWARDS["individual"], NOMINEES[3]),
    ),
    "collective_form": (
        nomination_form.TEMPLATES["collective"],
        nomination_form.form_context(PLAN, AWARDS["collective"], NOMINEES[0]),
    ),
    "cover_report": (
        cover_report.TEMPLATE,
        cover_report.report_context(PLAN, PLAN.awards.report, judge(PLAN, NOMINEES, YEAR)),
    ),
}


def texts(data: bytes) -> list[str]:
    document = docx.Document(io.BytesIO(data))
    paragraphs = [p.text for p in document.paragraphs]
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    return paragraphs + cells


@pytest.mark.parametrize("case", list(CASES))
def test_fast_path_equals_docxtpl(case: str, tmp_path: Path) -> None:
    template, context = CASES[case]
    path = TemplateSet().path(template)
    ours = TemplateSet().docx(template).render(context)
    reference = DocxTemplate(path)
    reference.render(context, autoescape=True)
    buffer = io.BytesIO()
    reference.save(buffer)
    assert texts(ours) == texts(buffer.getvalue())


def test_unchanged_parts_are_copied_not_recompressed() -> None:
    import zipfile

    engine = TemplateSet().docx(unit_plan.TEMPLATE)
    rendered = engine.render(CASES["unit_plan"][1])
    template = zipfile.ZipFile(TemplateSet().path(unit_plan.TEMPLATE))
    out = zipfile.ZipFile(io.BytesIO(rendered))
    assert out.testzip() is None
    assert out.read("word/styles.xml") == template.read("word/styles.xml")
    assert out.read("word/document.xml") != template.read("word/document.xml")
