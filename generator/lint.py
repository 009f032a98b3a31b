"""``plandocs lint``: check the Word templates of a folder before a run, every problem at once.

For each ``*.docx`` template it reports, with the place in the document
(``正文第 3 段``, ``正文表格 1 第 2 行第 3 列``, ``页脚（footer1.xml）第 1 段``):

- what loading refuses (``DocxTemplateEngine``): Jinja syntax errors, tags that do
  not close within their paragraph, dangerous content, a file that is no .docx;
- **errors**: variables the template uses that the data for it does not provide;
- **warnings**: data the template never uses (the bureau may have meant to show it);
- what a trial render with that data refuses (``{{ b.haeding }}``, work limits …).

"The data" is what the real build functions make from the bundled example
(``data/jiaozuo2016``): ``plan_document.plan_context(plan)`` for ``plan.docx`` and so
on. A template several documents share (``summary.docx``: phase summary, unit
summary, cover report) must make do with the keys all of them provide.
"""

from __future__ import annotations

import base64
import difflib
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.documents.document import (
    CollectInputs,
    IssueInputs,
    NominationInputs,
    SummaryInputs,
)
from generator.intake.collect import collect
from generator.model.evaluation import evaluate_phases
from generator.model.nomination_rules import judge
from generator.model.progress import ProgressRecord
from generator.model.resolved import Plan
from generator.pipeline.kinds import KINDS, Engine, Flow
from generator.problems import Problem
from generator.read.plan_reader import read_nominations, read_plan
from generator.render.document_spec import Picture
from generator.render.docx.engine import DocxTemplateEngine
from generator.render.docx.errors import TemplateRenderError
from generator.render.docx_checks import TemplateIssue
from generator.resources import DATA

__all__ = ["EXAMPLE_DATA", "Finding", "LintReport", "example_contexts", "lint_templates"]

EXAMPLE_DATA = DATA / "jiaozuo2016"
Context = dict[str, Any]
# A 1×1 PNG: the phase summary's chart loop needs a picture to render its body.
_SAMPLE_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)
_SAMPLE_CHART_MM = 150.0


@dataclass(frozen=True)
class Finding:
    """One problem of a template; an error makes the templates unusable, a warning does not."""

    problem: Problem
    error: bool = True

    def format(self) -> str:
        return f"[{'错误' if self.error else '警告'}] {self.problem.format()}"


@dataclass
class LintReport:
    """Everything found in one folder."""

    folder: Path
    checked: list[Path] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.error]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if not f.error]

    def text(self) -> str:
        lines = [finding.format() for finding in self.findings]
        counts = f"{len(self.errors)} 个错误，{len(self.warnings)} 个警告"
        if self.errors:
            lines.append(
                f"共检查 {len(self.checked)} 个模板：{counts}。"
                "有错误的模板不能用来生成文件，请修改后重新检查。"
            )
        else:
            lines.append(f"检查通过：共 {len(self.checked)} 个模板，{counts}。")
        return "\n".join(lines)


# --- the data each template receives ---------------------------------------------------------


def _sample_charts() -> list[Context]:
    """What ``summaries.charts`` gives once units have reported (drawing needs fonts)."""
    caption = "图1 各单位台账完成率（示例）"
    return [{"picture": Picture(_SAMPLE_PNG, _SAMPLE_CHART_MM, caption), "caption": caption}]


def example_inputs(plan: Plan, data: Path) -> dict[Flow, Any]:
    """Each flow's inputs for the example: its bundled returns collected in memory."""
    returns = data / "returns"
    record = collect(plan, returns).record if returns.is_dir() else None
    phases = plan.text.phases
    results = evaluate_phases(plan, record, phases, cumulative=True)
    nominees = read_nominations(data, plan).nominations if plan.awards else []
    verdicts = judge(plan, nominees, results[-1]) if plan.awards else []
    missing = [u.unit for u in results[0].units if not u.reported]
    return {
        Flow.ISSUE: IssueInputs(plan),
        Flow.COLLECT: CollectInputs(plan, record or _no_record(plan), missing),
        Flow.SUMMARY: SummaryInputs(plan, results[:1], record=record, pictures=_sample_charts),
        Flow.YEAR_END: SummaryInputs(plan, results, True, verdicts, record, _sample_charts),
        Flow.NOMINATE: NominationInputs(plan, verdicts, results[-1]),
        Flow.NOMINATION_FORMS: IssueInputs(plan),
    }


def _no_record(plan: Plan) -> ProgressRecord:
    return ProgressRecord(plan.text.id, plan.version)


def kind_contexts(
    data: Path = EXAMPLE_DATA, per_kind: int = 2
) -> dict[str, list[tuple[str, Context]]]:
    """Kind name → (template, context) of its first documents (``per_kind`` of each of its
    templates) made from ``data``, for every Word kind the example gives documents of.

    Raises ``InputError`` when the data itself has problems.
    """
    plan = read_plan(data)
    inputs = example_inputs(plan, data)
    found: dict[str, list[tuple[str, Context]]] = {}
    for kind in KINDS:
        flow = next((f for f in kind.flows if f in inputs), None)
        if kind.engine is not Engine.DOCX or flow is None:
            continue
        wanted = {t.name: per_kind for t in kind.templates}
        for document in kind.build(inputs[flow]):
            template = kind.template_for(document).name
            if wanted[template]:
                wanted[template] -= 1
                content = document.make() if document.make else document.content
                found.setdefault(kind.name, []).append((template, content))
            if not any(wanted.values()):
                break
    return found


def example_contexts(data: Path = EXAMPLE_DATA) -> dict[str, list[Context]]:
    """Template file name → the contexts the registry's builders make for it from ``data``.

    Raises ``InputError`` when the data itself has problems.
    """
    contexts: dict[str, list[Context]] = defaultdict(list)
    for made in kind_contexts(data).values():
        for template, context in made:
            contexts[template].append(context)
    return dict(contexts)


# --- checking --------------------------------------------------------------------------------


def _issue_finding(path: Path, issue: TemplateIssue) -> Finding:
    message = f"{issue.message}（该处文字：“{issue.excerpt}”）" if issue.excerpt else issue.message
    return Finding(Problem(path, issue.place, "", message, issue.hint))


def _load(path: Path) -> tuple[DocxTemplateEngine | None, list[Finding]]:
    try:
        return DocxTemplateEngine(path), []
    except TemplateRenderError as error:
        issues = error.issues or [TemplateIssue("", str(error))]
        return None, [_issue_finding(path, issue) for issue in issues]


def _missing_variable(path: Path, name: str, place: str, provided: set[str]) -> Finding:
    close = difflib.get_close_matches(name, sorted(provided), n=1)
    guess = f"是不是 {close[0]}？" if close else ""
    message = f"模板使用了变量 {name}，但生成该文件时的数据中没有它"
    hint = f"{guess}数据中有：{'、'.join(sorted(provided))}"
    return Finding(Problem(path, place, name, message, hint))


def _unused_variable(path: Path, name: str) -> Finding:
    message = f"数据中的 {name} 在模板中没有用到"
    hint = f"如果要在文档中显示它，请在模板中加入 {{{{ {name} }}}}；不需要则可忽略"
    return Finding(Problem(path, "", name, message, hint), error=False)


def _variable_findings(
    path: Path, engine: DocxTemplateEngine, contexts: list[Context]
) -> list[Finding]:
    used = engine.undeclared_variables()
    provided = set.intersection(*(set(c) for c in contexts))
    offered = set.union(*(set(c) for c in contexts))
    missing = used - provided
    uses = engine.places_of(missing)
    uses += [(name, "") for name in sorted(missing - {name for name, _ in uses})]
    findings = [_missing_variable(path, name, place, provided) for name, place in uses]
    findings += [_unused_variable(path, name) for name in sorted(offered - used)]
    return findings


def _trial_renders(
    path: Path, engine: DocxTemplateEngine, contexts: list[Context]
) -> list[Finding]:
    """Render with each context: catches ``{{ b.haeding }}``, limits, broken XML."""
    findings: dict[tuple[str, str], Finding] = {}
    for context in contexts:
        try:
            engine.render(context)
        except TemplateRenderError as error:
            for issue in error.issues:
                findings.setdefault((issue.place, issue.message), _issue_finding(path, issue))
    return list(findings.values())


def _unknown_template(path: Path, known: Iterable[str]) -> Finding:
    message = "不是 plandocs 使用的模板文件名，生成时不会用到它"
    hint = f"本局修改的模板请使用原来的文件名：{'、'.join(sorted(known))}"
    return Finding(Problem(path, "", "", message, hint), error=False)


def lint_template(path: Path, contexts: Mapping[str, list[Context]]) -> list[Finding]:
    """Every finding for one template file."""
    engine, findings = _load(path)
    if path.name not in contexts:
        return [*findings, _unknown_template(path, contexts)]
    if engine is None:
        return findings
    findings = _variable_findings(path, engine, contexts[path.name])
    if not any(f.error for f in findings):
        findings += _trial_renders(path, engine, contexts[path.name])
    return findings


def lint_templates(folder: Path, contexts: Mapping[str, list[Context]] | None = None) -> LintReport:
    """Check every Word template in ``folder`` (Word's ``~$`` lock files skipped)."""
    contexts = example_contexts() if contexts is None else contexts
    report = LintReport(folder)
    report.checked = sorted(
        p for p in folder.glob("*.docx") if p.is_file() and not p.name.startswith("~$")
    )
    for path in report.checked:
        report.findings += lint_template(path, contexts)
    if not report.checked:
        message = "目录中没有 Word 模板（.docx）"
        hint = f"模板文件名：{'、'.join(sorted(contexts))}"
        report.findings.append(Finding(Problem(folder, "", "", message, hint)))
    return report
