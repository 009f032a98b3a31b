"""Phase 1 (宣传教育阶段): the plan, each unit's 实施方案, and the ledger workbooks.

Lays out *jobs* -- an output path and a function producing its bytes -- so the CLI
can show progress, render everything in memory, and only then write.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import PurePath

from generator.documents import ledger_workbook, plan_document, unit_plan
from generator.model.plan import Unit
from generator.model.resolved import Duty, Plan
from generator.pipeline.jobs import Job, docx_job, xlsx_job
from generator.render.docx_engine import DocProperties
from generator.render.templates import TemplateSet
from generator.write.names import safe_filename

PLAN_FOLDER = "方案"
UNITS_FOLDER = "各单位"


@dataclass
class Phase1:
    jobs: list[Job] = field(default_factory=list)
    units_without_tasks: list[Unit] = field(default_factory=list)


def unit_folder(unit: Unit) -> PurePath:
    return PurePath(UNITS_FOLDER, safe_filename(f"{unit.id}-{unit.name}"))


def _properties(plan: Plan, title: str, author: str) -> DocProperties:
    return DocProperties(title=title, author=author, created=plan.text.date)


def phase1_jobs(plan: Plan, templates: TemplateSet, only_unit: Unit | None = None) -> Phase1:
    """The phase-1 document set; with ``only_unit``, just that unit's documents."""
    result = Phase1()
    if only_unit is None:
        result.jobs += _bureau_jobs(plan, templates)
    for unit in [only_unit] if only_unit else plan.organisation.units:
        duties = plan.duties(unit)
        if not duties:
            result.units_without_tasks.append(unit)
            continue
        result.jobs += _unit_jobs(plan, templates, unit, duties)
    return result


def _bureau_jobs(plan: Plan, templates: TemplateSet) -> list[Job]:
    folder = PurePath(PLAN_FOLDER)
    title = plan.text.title
    return [
        docx_job(
            templates,
            plan_document.TEMPLATE,
            folder / safe_filename(title, ".docx"),
            "方案",
            plan_document.plan_context(plan),
            _properties(plan, title, plan.text.issuer),
        ),
        xlsx_job(
            templates,
            ledger_workbook.TEMPLATE,
            folder / safe_filename(plan.ledger.title, ".xlsx"),
            "总台账",
            ledger_workbook.master_ledger_spec(plan),
        ),
    ]


def _unit_jobs(plan: Plan, templates: TemplateSet, unit: Unit, duties: list[Duty]) -> list[Job]:
    folder = unit_folder(unit)
    title = unit_plan.unit_plan_title(plan, unit)
    return [
        docx_job(
            templates,
            unit_plan.TEMPLATE,
            folder / safe_filename(title, ".docx"),
            f"{unit.name} 实施方案",
            lambda: unit_plan.unit_plan_context(plan, unit, duties),  # built when needed
            _properties(plan, title, unit.name),
        ),
        xlsx_job(
            templates,
            ledger_workbook.TEMPLATE,
            folder / safe_filename(f"{unit.name}工作台账", ".xlsx"),
            f"{unit.name} 台账",
            lambda: ledger_workbook.unit_ledger_spec(plan, unit),
        ),
    ]
