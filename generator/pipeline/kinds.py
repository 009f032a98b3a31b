"""The registry of document kinds: every file plandocs writes, declared once.

A kind names its template (the file in ``templates/`` and the recipe that generates it),
its builder (a flow's inputs → :class:`~generator.documents.document.Document` items),
the folder its files go to, and the flows and phase that produce it. Job lists
(:mod:`generator.pipeline.flows`), template generation (``tools/make_templates.py``),
the template check (:mod:`generator.lint`) and the tests' lists of kinds are derived
from :data:`KINDS`. A new kind is a builder module, a template and one entry here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import Enum
from pathlib import PurePath
from typing import Any

from generator.documents import (
    consolidated_ledger,
    cover_report,
    ledger_workbook,
    nomination_form,
    nomination_list,
    nomination_results,
    nomination_workbook,
    phase_summary,
    plan_document,
    rectification_notice,
    reminder_notice,
    statistics,
    submission_status,
    unit_plan,
    unit_summary,
    year_summary,
)
from generator.documents.document import Document
from generator.documents.summary_parts import summary_folder, unit_summary_folder
from generator.intake import outputs


class Flow(Enum):
    """The runs that write files, each a command (``plandocs <command>``)."""

    ISSUE = "plan"  # phase 1: the plan and what each unit gets
    COLLECT = "collect"  # returns taken in (also after ``pick``)
    SUMMARY = "summary"  # a phase's summary (summary --phase N, N before the last)
    YEAR_END = "year-end"  # the year's summary (summary --phase <last>)
    NOMINATION_FORMS = "nominate --forms"  # forms sent to units to fill in
    NOMINATE = "nominate"  # nominations judged and their documents
    NOMINATION_RETURNS = "nominate --returns"  # returned forms kept and sent back


class Engine(Enum):
    """How a document's content becomes bytes."""

    DOCX = "docx"  # a Word template and a context
    XLSX = "xlsx"  # the workbook template and a spec
    STATISTICS = "statistics"  # a statistics workbook drawn whole (native charts)
    BYTES = "bytes"  # the content is the file (texts, records, originals)


@dataclass(frozen=True)
class Template:
    """A file in ``templates/``; ``recipe`` is the function of ``tools/make_templates.py``
    (or the script) that generates it -- the script is the source, see the README."""

    name: str
    recipe: str
    form: bool = False  # a 表格 (推荐表), not a 公文 laid out by GB/T 9704

    @property
    def engine(self) -> Engine:
        return Engine.DOCX if self.name.endswith(".docx") else Engine.XLSX


PLAN = Template("plan.docx", "build_plan_template")
UNIT_PLAN = Template("unit_plan.docx", "build_unit_plan_template")
DOCUMENT = Template("summary.docx", "build_summary_template")  # summaries, reports, notices
INDIVIDUAL_FORM = Template("nomination_individual.docx", "build_individual_form_template", True)
COLLECTIVE_FORM = Template("nomination_collective.docx", "build_collective_form_template", True)
LEDGER = Template("ledger.xlsx", "tools/make_xlsx_template.py")

Folder = PurePath | Callable[[Any], PurePath]


@dataclass(frozen=True)
class DocumentKind:
    """One kind of file: what makes it, from what, and where it goes.

    ``folder`` is relative to the output folder, or a function of the flow's inputs
    (a phase's summaries go to 阶段总结/<阶段>/). ``layouts`` maps a document's
    ``template`` choice to a template (推荐表: one layout per award kind). A kind
    ``part_of`` others writes no file of its own: its documents are
    :class:`~generator.documents.attachments.Attachment` tables added to theirs.
    """

    name: str
    label: str
    flows: tuple[Flow, ...]
    phase: int  # the plan's phase whose work produces it: 1 宣传教育, 2 提升, 3 总结评比
    folder: Folder
    build: Callable[[Any], Iterable[Document]]
    engine: Engine
    template: Template | None = None
    layouts: dict[str, Template] = field(default_factory=dict)
    part_of: tuple[str, ...] = ()
    files: tuple[str, ...] = ()  # where its files go (globs; ``*`` within one folder name)

    def writes(self, relative: PurePath) -> bool:
        """Whether the file at ``relative`` (to the output folder) is of this kind."""
        path = relative.as_posix()
        return any(_glob(pattern).fullmatch(path) for pattern in self.files)

    def folder_for(self, inputs: Any) -> PurePath:
        return self.folder if isinstance(self.folder, PurePath) else self.folder(inputs)

    def template_for(self, document: Document) -> Template:
        chosen = self.layouts[document.template] if document.template else self.template
        assert chosen is not None, f"{self.name} has no template"
        return chosen

    @property
    def templates(self) -> list[Template]:
        return [t for t in (self.template, *self.layouts.values()) if t is not None]


def _kind(
    name: str,
    label: str,
    flows: Flow | tuple[Flow, ...],
    phase: int,
    folder: Folder,
    build: Callable[[Any], Iterable[Document]],
    template: Template | None = None,
    engine: Engine | None = None,
    **more: Any,
) -> DocumentKind:
    flows = flows if isinstance(flows, tuple) else (flows,)
    engine = engine or (template.engine if template else Engine.BYTES)
    return DocumentKind(name, label, flows, phase, folder, build, engine, template, **more)


ISSUED = PurePath("方案")
UNITS = PurePath("各单位")
COLLECTED = PurePath("台账汇总")
NOMINATIONS = PurePath("评选推荐")
SUMMARIES = (Flow.SUMMARY, Flow.YEAR_END)


def rectification_folder(inputs: Any) -> PurePath:
    return summary_folder(inputs) / "整改通知"


# One row per kind: name, label, flows, phase, folder, builder, template (or engine).
# fmt: off
KINDS: tuple[DocumentKind, ...] = (
    # phase 1: the plan issued
    _kind("plan", "方案", Flow.ISSUE, 1, ISSUED, plan_document.documents, PLAN,
          files=("方案/*.docx",)),
    _kind("master_ledger", "总台账", Flow.ISSUE, 1, ISSUED,
          ledger_workbook.master_documents, LEDGER,
          files=("方案/*.xlsx",)),
    _kind("unit_plan", "实施方案", Flow.ISSUE, 1, UNITS, unit_plan.documents, UNIT_PLAN,
          files=("各单位/*/*.docx",)),
    _kind("unit_ledger", "单位台账", Flow.ISSUE, 1, UNITS, ledger_workbook.unit_documents, LEDGER,
          files=("各单位/*/*.xlsx",)),
    # phase 2: returns taken in
    _kind("originals", "原件", Flow.COLLECT, 2, COLLECTED / "原件", outputs.originals,
          files=("台账汇总/原件/*",)),
    _kind("returned", "退回件", Flow.COLLECT, 2, COLLECTED / "退回", outputs.returned,
          files=("台账汇总/退回/*",)),
    _kind("record_view", "进度记录", Flow.COLLECT, 2, COLLECTED, outputs.record_view,
          files=("台账汇总/进度记录.json",)),
    _kind("consolidated_ledger", "台账汇总", Flow.COLLECT, 2, COLLECTED,
          consolidated_ledger.documents, LEDGER,
          files=("台账汇总/台账汇总.xlsx",)),
    _kind("collect_report", "报送情况", Flow.COLLECT, 2, COLLECTED, outputs.report,
          files=("台账汇总/报送情况.txt",)),
    _kind("reminder_notice", "催报通知", Flow.COLLECT, 2, COLLECTED,
          reminder_notice.documents, DOCUMENT,
          files=("台账汇总/*.docx",)),
    _kind("submission_status", "报送情况表", (Flow.COLLECT, *SUMMARIES), 2, COLLECTED,
          submission_status.documents, LEDGER,
          part_of=("consolidated_ledger", "phase_summary", "year_summary")),
    # phase 2 and the year's end: summaries
    _kind("phase_summary", "局阶段总结", Flow.SUMMARY, 2, summary_folder,
          phase_summary.documents, DOCUMENT,
          files=("阶段总结/*/*.docx",)),
    _kind("year_summary", "局年度总结", Flow.YEAR_END, 3, summary_folder,
          year_summary.documents, DOCUMENT,
          files=("年度总结/*.docx",)),
    _kind("statistics", "统计表", SUMMARIES, 2, summary_folder, statistics.documents,
          engine=Engine.STATISTICS,
          files=("阶段总结/*/*.xlsx", "年度总结/*.xlsx",)),
    _kind("rectification_notice", "整改通知", Flow.SUMMARY, 2, rectification_folder,
          rectification_notice.documents, DOCUMENT,
          files=("阶段总结/*/整改通知/*.docx",)),
    _kind("unit_summary", "单位总结", SUMMARIES, 2, unit_summary_folder,
          unit_summary.documents, DOCUMENT,
          files=("阶段总结/*/各单位/*.docx", "年度总结/各单位/*.docx",)),
    # phase 3: commendation
    _kind("nomination_forms", "推荐表格", Flow.NOMINATION_FORMS, 3, NOMINATIONS / "推荐表格",
          nomination_workbook.documents, LEDGER,
          files=("评选推荐/推荐表格/*.xlsx",)),
    _kind("nomination_originals", "推荐表格原件", Flow.NOMINATION_RETURNS, 3,
          NOMINATIONS / "原件", outputs.nomination_originals,
          files=("评选推荐/原件/*",)),
    _kind("nomination_returned", "推荐表格退回件", Flow.NOMINATION_RETURNS, 3,
          NOMINATIONS / "退回", outputs.nomination_returned,
          files=("评选推荐/退回/*",)),
    _kind("nomination_form", "推荐表", Flow.NOMINATE, 3, NOMINATIONS / "推荐表",
          nomination_form.documents, engine=Engine.DOCX,
          layouts={"individual": INDIVIDUAL_FORM, "collective": COLLECTIVE_FORM},
          files=("评选推荐/推荐表/*/*.docx",)),
    _kind("nomination_list", "推荐汇总表", Flow.NOMINATE, 3, NOMINATIONS,
          nomination_list.documents, LEDGER,
          files=("评选推荐/*.xlsx",)),
    _kind("cover_report", "推荐报告", Flow.NOMINATE, 3, NOMINATIONS, cover_report.documents,
          DOCUMENT,
          files=("评选推荐/*.docx",)),
    _kind("nomination_results", "审核结果", Flow.NOMINATE, 3, NOMINATIONS,
          nomination_results.documents,
          files=("评选推荐/审核结果.txt",)),
)
# fmt: on


def _glob(pattern: str) -> re.Pattern[str]:
    return re.compile("[^/]*".join(re.escape(part) for part in pattern.split("*")))


def kind_of(relative: PurePath) -> DocumentKind | None:
    """The kind a file of the output folder is, by the registry's ``files``."""
    return next((kind for kind in KINDS if kind.writes(relative)), None)


def kinds(flow: Flow) -> list[DocumentKind]:
    """The kinds whose files ``flow`` writes (parts of other kinds left out)."""
    return [kind for kind in KINDS if flow in kind.flows and not kind.part_of]


def parts(host: DocumentKind, flow: Flow) -> list[DocumentKind]:
    """The kinds that add their tables to ``host``'s files in ``flow``."""
    return [kind for kind in KINDS if flow in kind.flows and host.name in kind.part_of]


def templates() -> list[Template]:
    """Every template some kind uses, each once, in the order of the registry."""
    seen: dict[str, Template] = {}
    for kind in KINDS:
        for template in kind.templates:
            seen.setdefault(template.name, template)
    return list(seen.values())


def docx_templates() -> list[Template]:
    return [t for t in templates() if t.engine is Engine.DOCX]
