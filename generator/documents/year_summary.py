"""The bureau's year-end summary (年度工作总结): the year reviewed, not the last phase again.

It reads the whole year: the figures at each phase's end, what the units did by
category (their latest 实施情况), the commendation results with names, the problems
that remain at the year's end and the next year's intentions.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import PurePath
from typing import Any

from generator.documents.common import (
    Block,
    block,
    body_around_charts,
    chinese_date,
    outline_number,
    paragraphs,
    signature_lines,
    title_lines,
)
from generator.documents.document import Document, SummaryInputs
from generator.documents.measure_text import deadline_note, goal, line_sentence, system_sentences
from generator.documents.phase_summary import (
    done_count,
    ledger_attachment,
    ledger_title,
    quotes,
    summary_title,
)
from generator.documents.summary_charts import charts, unit_rates_notes
from generator.documents.summary_parts import (
    numbered,
    pair_figures,
    percent,
    regression_problems,
    summary_date,
    summary_day,
    target_figures,
    target_label,
    unit_list,
)
from generator.model.evaluation import DONE, LAGGING, PhaseResult, TargetResult
from generator.model.nomination_rules import Verdict
from generator.model.resolved import Plan
from generator.render.document_spec import DocProperties
from generator.write.names import safe_filename


def year_summary_context(
    plan: Plan,
    phases: list[PhaseResult],
    charts: list[dict[str, Any]],
    verdicts: list[Verdict] | None = None,
) -> dict[str, Any]:
    """``phases``: each phase's cumulative result, in order; the last is the year's."""
    year = phases[-1]
    earlier = phases[-2] if len(phases) > 1 else None
    sections: list[tuple[str, list[Block]]] = [
        (
            "全年工作概况",
            paragraphs([*_overview(plan, phases), *unit_rates_notes(year, bool(charts))]),
        ),
        ("主要做法和成效", _practice(plan, phases)),
    ]
    if verdicts:
        sections.append(("评选表彰情况", paragraphs(commendations(plan, verdicts))))
    sections.append(("存在的问题", _remaining(plan, year, earlier)))
    sections.append((f"{plan.text.year + 1}年工作打算", _intentions(plan, year)))
    blocks = [*paragraphs([_opening(plan, phases)])]
    for n, (heading, body) in enumerate(sections, 1):
        blocks.append(block(1, outline_number(1, n), heading))
        blocks.extend(body)
    title = ledger_title(plan, year, year_end=True)
    return {
        "title": title_lines(f"{plan.text.issuer}{summary_title(plan, year, True)}"),
        "addressee": "",
        **body_around_charts(blocks, charts),
        "tables": [],  # further attachments other kinds add (see documents/attachments.py)
        "attachments": [{"label": "附件", "title": title}],
        "signature": signature_lines(plan.text.issuer),
        "date": summary_date(plan, year.phase, year_end=True),
        "ledger": ledger_attachment(plan, year, title),
    }


def _opening(plan: Plan, phases: list[PhaseResult]) -> str:
    names = "、".join(r.phase.name for r in phases)
    return (
        f"{plan.text.year}年，{plan.text.issuer}按照《{plan.text.title}》的部署，"
        f"在{len(phases[-1].units)}个单位中组织开展{plan.text.activity}，"
        f"先后经历{names}。现将全年工作总结如下："
    )


def _overview(plan: Plan, phases: list[PhaseResult]) -> list[str]:
    year = phases[-1]
    as_of = chinese_date(summary_day(plan, year.phase, year_end=True))
    facts = [
        f"全年共部署{len(plan.tasks)}项任务，列入工作台账的目标{len(year.targets)}项，"
        f"由{len(year.units)}个单位按牵头、配合分工承担；全年报送并审核通过工作台账的单位"
        f"{len(year.reported)}个"
        + (f"，{unit_list(year.missing)}全年未报送" if year.missing else "")
        + "。"
    ]
    if not year.reported:
        return [*facts, "各单位工作台账尚未报回，全年完成情况无法统计。"]
    facts.append(
        f"至{as_of}，{target_figures(year)}；{pair_figures(year)}。"
        "（目标须全部责任单位完成才计为完成；均按各单位全年最近一次填报计算，"
        "未报送单位承担的任务计为未完成。）"
    )
    steps = [
        f"{r.phase.name}末全部完成目标{r.counts[DONE]}项、单位任务完成率{percent(r.pair_rate)}"
        for r in phases
    ]
    facts.append("从各阶段看：" + "；".join(steps) + "。")
    return facts


def _practice(plan: Plan, phases: list[PhaseResult]) -> list[Block]:
    """By category (创建项目): how far each target came over the year, and what was done."""
    year, first = phases[-1], phases[0]
    at_first = {t.target.id: len(t.units_with(DONE)) for t in first.targets}
    projects: dict[str, list[TargetResult]] = {}
    for target in year.targets:
        projects.setdefault(target.target.project, []).append(target)
    blocks: list[Block] = []
    for n, (project, targets) in enumerate(projects.items(), 1):
        pairs = [s for t in targets for _, s in t.unit_statuses().values()]
        rate = pairs.count(DONE) / len(pairs) if pairs else 0.0
        done = sum(t.status == DONE for t in targets)
        intro = f"全年{len(targets)}项目标中全部完成{done}项，本类单位任务完成率{percent(rate)}。"
        blocks.append(block(2, outline_number(2, n), f"{project.rstrip('。')}。", intro))
        texts = []
        for target in targets:
            start = at_first.get(target.target.id, 0)
            text = f"{target_label(plan, target.target)}：{first.phase.name}末{start}个单位完成"
            text += f"，至年底{done_count(target)}。" if len(phases) > 1 else "。"
            said = quotes(target, limit=1)
            if said:
                units, words = said[0]
                text += f"{words}（{units}）。"
            texts.append(text)
        blocks.extend(numbered(3, texts))
    return blocks


def commendations(plan: Plan, verdicts: list[Verdict]) -> list[str]:
    """The commendation results with names: 先进集体2个：A、B；先进个人3名：张三（A）……"""
    awards = plan.awards.awards if plan.awards else []
    passed = [v for v in verdicts if v.passed]
    parts = []
    for award in awards:
        chosen = [v for v in passed if v.award is award]
        if not chosen:
            continue
        if award.kind == "collective":
            names = "、".join(v.nominee.name for v in chosen)
            parts.append(f"{award.name}{len(chosen)}个：{names}")
        else:
            names = "、".join(f"{v.nominee.name}（{v.unit.name}）" for v in chosen)
            parts.append(f"{award.name}{len(chosen)}名：{names}")
    text = "经各单位推荐、审核，" + ("；".join(parts) if parts else "本年度无推荐对象通过审核")
    failed = len(verdicts) - len(passed)
    text += f"。另有{failed}个推荐对象不符合推荐条件，未予推荐。" if failed else "。"
    return [text]


def _remaining(plan: Plan, year: PhaseResult, earlier: PhaseResult | None) -> list[Block]:
    """What is still open at the year's end, by kind rather than target by target."""
    as_of = summary_day(plan, year.phase, year_end=True)
    problems = []
    open_targets = [t for t in year.targets if t.status != DONE]
    if open_targets:
        labels = "、".join(plan.short(t.target) for t in open_targets)
        problems.append(f"全年仍有{len(open_targets)}项目标未全部完成：{labels}。")
    lagging = [
        f"{plan.short(t.target)}（{unit_list(t.units_with(LAGGING))}）"
        for t in year.targets
        if t.units_with(LAGGING)
    ]
    if lagging:
        problems.append("年底仍处于滞后状态的单位任务：" + "；".join(lagging) + "。")
    short = [
        f"{line.unit.name}{line_sentence(line)}"
        for t in year.targets
        for line in t.lines
        if line.shortfall
    ]
    if short:
        problems.append("量化目标未达到：" + "；".join(short) + "。")
    for target in year.targets:
        for text, met in system_sentences(target, as_of):
            if not met:
                problems.append(f"全系统指标尚未达到：{text}。")
    late = [
        f"{plan.short(t.target)}（时限{chinese_date(ls[0].deadline)}，"  # type: ignore[arg-type]
        f"{unit_list(ln.unit for ln in ls)}）"
        for t in year.targets
        if (ls := [ln for ln in t.lines if ln.report and ln.overdue(as_of)])
    ]
    if late:
        problems.append("已过完成时限仍未完成：" + "；".join(late) + "。")
    problems.extend(regression_problems(plan, year, earlier))
    if year.missing:
        problems.append(f"{unit_list(year.missing)}全年未报送工作台账，工作开展情况无从掌握。")
    if not problems:
        return paragraphs(["全年各项目标均已完成，未发现遗留问题。"])
    return numbered(3, problems)


def _intentions(plan: Plan, year: PhaseResult) -> list[Block]:
    """Next year: carry the open targets over, keep to the multi-year targets, keep it going."""
    steps = []
    open_targets = [t for t in year.targets if t.status != DONE]
    if open_targets:
        units = [u for t in open_targets for u, s in t.unit_statuses().values() if s != DONE]
        steps.append(
            f"对全年未完成的{len(open_targets)}项目标逐项分析原因，列入{plan.text.year + 1}年"
            f"工作继续推进，督促{unit_list(units)}限期完成。"
        )
    as_of = summary_day(plan, year.phase, year_end=True)
    for target in year.targets:
        for measure in {ln.measure.id: ln.measure for ln in target.lines if ln.measure}.values():
            note = deadline_note(measure, as_of)
            if measure.scope == "system" and note.startswith("须"):
                steps.append(
                    f"围绕{plan.short(target.target)}的目标（{goal(measure)}，{note}），"
                    "逐年分解任务，确保按期实现。"
                )
    steps.append(
        f"巩固{plan.text.activity}成果，把行之有效的做法形成制度，推动各项工作常态化、长效化。"
    )
    return numbered(3, steps)


def documents(inputs: SummaryInputs) -> Iterator[Document]:
    """The bureau's year-end summary, with the year's charts and the commendation results."""
    plan, result = inputs.plan, inputs.result
    title = f"{plan.text.issuer}{summary_title(plan, result, year_end=True)}"
    date = summary_day(plan, result.phase, year_end=True)
    verdicts = list(inputs.verdicts) if inputs.verdicts is not None else None

    def context() -> dict[str, Any]:
        pictures = inputs.pictures() if inputs.pictures else charts(plan, result, year_end=True)
        return year_summary_context(plan, list(inputs.phases), pictures, verdicts)

    properties = DocProperties(title=title, author=plan.text.issuer, created=date)
    yield Document(
        PurePath(safe_filename(title, ".docx")), "局年度总结", make=context, properties=properties
    )
