"""The reading check (issue 13): every summary and unit plan read as a 文秘 reads them.

Over both bundled examples and a third plan of another shape (tests/fixtures/reading_plan:
four phases by date, tasks without categories, no subjects, no notice, no awards), the
whole year is generated through the CLI and every 阶段总结, 年度总结 and 实施方案 is read:

* no 「……」 (a cut label), no 「N/M-K」 or 「N/M%」, no raw 「：是」/「：否」;
* no unit twice in one list (names joined by 、), and every 「等N个单位」 right;
* no document dated before the plan (and no summary before the units' plans);
* the year-end summary shares at most 30% of its paragraphs with any phase summary;
* each headline figure of the bureau summaries recomputed here from 进度记录.json
  (read as JSON; statuses, measures and the cumulative rule re-implemented below, not
  taken from generator.model.evaluation) and equal to what the document prints.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import docx
import pytest

from generator.model.resolved import Plan
from generator.read.plan_reader import read_plan
from tests.helpers import FIXTURES, ROOT, invoke
from tools.make_example_returns import write_returns
from tools.returns_scenarios import Careless, OfPlan, Scenario, Share

THIRD = FIXTURES / "reading_plan"
MAX_SHARED = 0.30

# How the third plan's units fill their ledgers (its own scenario, written for this test).
READING_SCENARIO = Scenario(
    folder="reading_plan",
    saved=dt.datetime(2021, 10, 28, 9, 0),
    texts={
        "Q1": ("家庭医生团队已组建，重点人群按季度随访", "家庭医生团队正在组建"),
        "Q2": ("重点人群签约任务已完成", "签约工作正在推进"),
        "Q3": ("分时段预约诊疗已全面推行", "预约平台正在调试"),
        "Q4": ("满意度调查已开展，问题已整改", "满意度调查正在开展"),
        "Q5": ("已完成自评并通过达标评审", "自评正在进行"),
        "Q6": ("已按计划组织全员业务培训", "培训计划已制定，正在分批组织"),
        "Q7": ("已举办适宜技术推广班", "推广班正在筹备"),
    },
    figures={
        "visits": 3,
        "signed": OfPlan(1.05),
        "waiting": 16,
        "satisfaction": 93,
        "passed": 1,
        "trained": Share(0.7),
        "classes": 2,
    },
    unit_figures={
        "xzyy": {"waiting": 26},  # 县中医院 misses the 20-minute target
        "lswsy": {"passed": 0, "trained": Share(0.4)},
        "sgwsy": {"passed": 0},
    },
    lagging={"lswsy": ("Q5", "Q6"), "xzyy": ("Q3",)},
    under_way={"hpwsy": ("Q1",), "yzk": ("Q7",)},
    never_reports=("sgwsy",),
    careless=Careless("dqwsy", "visits", "三次"),
    early="已召开动员会并部署：{doing}",
    behind="受人员不足影响进度滞后，{doing}",
    phases=("P2", "P3"),
    early_done=("Q1", "Q4"),
)


@dataclass
class Generated:
    name: str
    plan: Plan
    out: Path
    record: dict = field(default_factory=dict)


def _run_year(data: Path, out: Path, awards: bool) -> None:
    steps = [["plan"], ["collect", str(data / "returns")]]
    plan = read_plan(data)
    steps += [["summary", "--phase", str(n)] for n in range(1, len(plan.text.phases))]
    if awards:
        steps += [["nominate", "--forms"], ["nominate"]]
    steps.append(["summary", "--phase", str(len(plan.text.phases))])
    for step in steps:
        status, output = invoke(step[0], *step[1:], "--data", str(data), "--out", str(out))
        assert status == 0, (step, output)


@pytest.fixture(scope="module", params=["jiaozuo2016", "yunhe2020", "reading_plan"])
def generated(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    name = request.param
    tmp = tmp_path_factory.mktemp(name)
    if name == "reading_plan":
        data = tmp / "data"
        shutil.copytree(THIRD, data)
        write_returns(READING_SCENARIO, data)
    else:
        data = ROOT / "data" / name
    out = tmp / "out"
    _run_year(data, out, awards=(data / "awards.yaml").exists())
    record = json.loads((out / "台账汇总" / "进度记录.json").read_text(encoding="utf-8"))
    return Generated(name, read_plan(data), out, record)


# --- reading the documents ---------------------------------------------------------------


def texts(path: Path) -> list[str]:
    """Every paragraph and table cell of a document, in order."""
    document = docx.Document(str(path))
    found = [p.text for p in document.paragraphs if p.text.strip()]
    for table in document.tables:
        for row in table.rows:
            found.extend(dict.fromkeys(c.text for c in row.cells if c.text.strip()))
    return found


def read_documents(out: Path) -> dict[Path, list[str]]:
    paths = [
        *out.glob("阶段总结/**/*.docx"),
        *out.glob("年度总结/**/*.docx"),
        *out.glob("各单位/*/*实施方案.docx"),
    ]
    return {p: texts(p) for p in sorted(paths)}


@pytest.fixture(scope="module")
def documents(generated: Generated) -> dict[Path, list[str]]:
    found = read_documents(generated.out)
    assert len(found) > 10
    return found


COUNTS: dict[str, int] = {}  # documents read per plan (printed by the last test)


def test_no_cut_labels_no_bare_fractions_no_raw_yes_no(
    generated: Generated, documents: dict[Path, list[str]]
) -> None:
    COUNTS[generated.name] = len(documents)
    bad = []
    for path, lines in documents.items():
        for line in lines:
            if (
                "……" in line
                or re.search(r"\d+(\.\d+)?/\d+(\.\d+)?-\d", line)
                or re.search(r"\d+(\.\d+)?/\d+(\.\d+)?%", line)
                or re.search(r"：[是否](?=$|[。；，、）])", line)
                or re.search(r"[是否]填[01]", line)
            ):
                bad.append((path.name, line))
    assert not bad, bad[:5]


def _name_pattern(plan: Plan) -> re.Pattern[str]:
    names = sorted({u.name for u in plan.organisation.units}, key=len, reverse=True)
    one = "|".join(re.escape(n) for n in names)
    return re.compile(rf"(?:{one})(?:、(?:{one}))*(?:等(\d+)个单位)?")


def test_no_unit_twice_in_a_list_and_every_deng_n_is_right(
    generated: Generated, documents: dict[Path, list[str]]
) -> None:
    plan = generated.plan
    pattern = _name_pattern(plan)
    names = sorted({u.name for u in plan.organisation.units}, key=len, reverse=True)
    one = re.compile("|".join(re.escape(n) for n in names))
    checked = 0
    for path, lines in documents.items():
        for line in lines:
            for match in pattern.finditer(line):
                listed = one.findall(match.group(0).split("等")[0])
                assert len(listed) == len(set(listed)), (path.name, match.group(0))
                if match.group(1):
                    n = int(match.group(1))
                    assert len(listed) < n <= len(plan.organisation.units), (path.name, line)
                    checked += 1
    # The exact N of each list of writers, recomputed from the record (below).
    exact = _writers_lists_are_exact(generated, documents)
    assert checked == 0 or exact > 0
    print(f"\n{generated.name}: {checked} 处「等N个单位」，其中 {exact} 处按记录重算")


def _writers_lists_are_exact(generated: Generated, documents: dict[Path, list[str]]) -> int:
    """「A、B等N个单位：实施情况」 in a bureau phase summary: N units wrote that text on
    that target and count as done at the phase's end."""
    plan, figures = generated.plan, Figures(generated)
    numbers = {n: t for t, n in plan.numbers.items()}
    checked = 0
    for phase_index, phase in enumerate(plan.text.phases[:-1]):
        bureau = next(
            lines
            for path, lines in documents.items()
            if path.parent.name == phase.name and path.name.startswith(plan.text.issuer)
        )
        lines_by = figures.lines(phase_index)
        for line in bureau:
            head = re.match(r".+?（台账第([\d.]+)项）：", line)
            if not head or head[1] not in numbers:
                continue
            target = numbers[head[1]]
            for count, text in re.findall(r"等(\d+)个单位：([^；。]+)", line):
                writers = {
                    unit
                    for (unit, tid), state in lines_by.items()
                    if tid == target and state.done and text in state.progress
                }
                assert int(count) == len(writers), (phase.name, line)
                checked += 1
    return checked


DATE = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$")


def _date_of(lines: list[str]) -> dt.date:
    found = [m for line in lines if (m := DATE.match(line.strip()))]
    assert found, lines[-5:]
    year, month, day = (int(x) for x in found[-1].groups())
    return dt.date(year, month, day)


def test_no_document_dated_before_the_plan(
    generated: Generated, documents: dict[Path, list[str]]
) -> None:
    plan = generated.plan
    issued = plan.text.notice.date if plan.text.notice and plan.text.notice.date else None
    issued = issued or plan.text.date
    unit_plans = [p for p in documents if p.name.endswith("实施方案.docx")]
    assert unit_plans
    latest_unit_plan = max(_date_of(documents[p]) for p in unit_plans)
    for path, lines in documents.items():
        day = _date_of(lines)
        assert day >= issued, (path.name, day, issued)
        if path not in unit_plans:  # a summary reports on the units' plans too
            assert day >= latest_unit_plan, (path.name, day)


def _body(lines: list[str]) -> list[str]:
    return [re.sub(r"\s", "", line) for line in lines if len(line) > 8]


def test_year_end_summary_is_not_a_phase_summary_again(
    generated: Generated, documents: dict[Path, list[str]]
) -> None:
    plan = generated.plan
    bureau = [p for p in documents if p.name.startswith(plan.text.issuer)]
    year = next(p for p in bureau if p.parent.name == "年度总结")
    year_paragraphs = _body(docx_paragraphs(year))
    worst = 0.0
    for phase_summary in (p for p in bureau if p != year):
        theirs = set(_body(docx_paragraphs(phase_summary)))
        shared = sum(1 for p in year_paragraphs if p in theirs)
        assert shared / len(year_paragraphs) <= MAX_SHARED, (phase_summary.name, shared)
        worst = max(worst, shared / len(year_paragraphs))
    print(f"\n{generated.name}: 年度总结与阶段总结相同段落最多 {worst:.0%}")
    # The commendation results with their names, where the plan has awards.
    if plan.awards is not None:
        year_text = "".join(docx_paragraphs(year))
        assert "评选表彰情况" in year_text
        passed = _passed_nominees(generated.out)
        assert passed and all(name in year_text for name in passed)


def docx_paragraphs(path: Path) -> list[str]:
    return [p.text for p in docx.Document(str(path)).paragraphs if p.text.strip()]


def _passed_nominees(out: Path) -> list[str]:
    """Names under 「二、通过审核的推荐对象」 in 审核结果.txt: '  1. 先进集体：名称（单位）'."""
    text = (out / "评选推荐" / "审核结果.txt").read_text(encoding="utf-8")
    part = text.split("二、通过审核的推荐对象")[1].split("三、")[0]
    return re.findall(r"\d+\. [^：]+：([^（\n]+)（", part)


# --- the figures, recomputed from 进度记录.json -------------------------------------------


@dataclass
class LineState:
    done: bool
    progress: str


class Figures:
    """The figures of the record, computed here: a line's latest non-blank report up to
    the phase; 已完成 with a unit figure short of its target is not done; a unit that has
    not reported has not done its part; a target is done when every unit has."""

    def __init__(self, generated: Generated) -> None:
        self.plan = generated.plan
        self.accepted = generated.record["accepted"]

    def _met(self, measure, unit, figure: float) -> bool:  # type: ignore[no-untyped-def]
        if measure.scope != "unit":
            return True
        value = figure
        if measure.basis == "staff_share":
            value = figure / unit.staff_count * 100
        planned = next(
            (v for ref, v in measure.planned.items() if ref in (unit.id, unit.name)), None
        )
        goal = measure.value if planned is None else planned
        if measure.comparator == "between":
            return measure.value <= value <= measure.value_max
        return {">=": value >= goal, "<=": value <= goal, "==": value == goal}[measure.comparator]

    def lines(self, phase_index: int) -> dict[tuple[str, str], LineState]:
        """(unit id, target id) -> done?, for every responsible unit (pairs)."""
        phases = [p.id for p in self.plan.text.phases[: phase_index + 1]]
        pairs: dict[tuple[str, str], LineState] = {}
        for unit in self.plan.organisation.units:
            for target, _ in self.plan.targets_for(unit):
                rows = self.accepted.get(unit.id, {}).get("rows")
                if rows is None:
                    pairs[unit.id, target.id] = LineState(False, "")
                    continue
                done, progress = True, ""
                for measure in target.measures or [None]:
                    key = f"{target.id}/{measure.id}" if measure else target.id
                    report = {}
                    for pid in reversed(phases):
                        r = rows.get(key, {}).get(pid)
                        if r and (r["status"] or r["progress"] or r["figure"] is not None):
                            report = r
                            break
                    ok = report.get("status") == "已完成"
                    if ok and measure is not None and measure.scope == "unit":
                        figure = report.get("figure")
                        ok = figure is not None and self._met(measure, unit, figure)
                    done = done and ok
                    progress = progress or (report.get("progress") or "").rstrip("。；;")
                pairs[unit.id, target.id] = LineState(done, progress)
        return pairs

    def headline(self, phase_index: int) -> dict[str, object]:
        pairs = self.lines(phase_index)
        targets = self.plan.ledger.targets
        done_targets = [
            t.id
            for t in targets
            if all(state.done for (_, tid), state in pairs.items() if tid == t.id)
        ]
        done_pairs = sum(state.done for state in pairs.values())
        expected = {uid for uid, _ in pairs}
        return {
            "targets": len(targets),
            "done_targets": len(done_targets),
            "target_rate": f"{len(done_targets) / len(targets) * 100:.1f}",
            "pairs": len(pairs),
            "done_pairs": done_pairs,
            "pair_rate": f"{done_pairs / len(pairs) * 100:.1f}",
            "expected": len(expected),
            "reported": len(expected & set(self.accepted)),
            "per_target": {
                t.id: (
                    sum(1 for (_, tid) in pairs if tid == t.id),
                    sum(s.done for (_, tid), s in pairs.items() if tid == t.id),
                )
                for t in targets
            },
        }


def test_every_headline_figure_equals_the_record(
    generated: Generated, documents: dict[Path, list[str]]
) -> None:
    plan, figures = generated.plan, Figures(generated)
    numbers = plan.numbers
    compared = 0
    for index, phase in enumerate(plan.text.phases):
        year_end = index == len(plan.text.phases) - 1
        folder = "年度总结" if year_end else phase.name
        path = next(
            p for p in documents if p.parent.name == folder and p.name.startswith(plan.text.issuer)
        )
        text = "\n".join(documents[path])
        want = figures.headline(index)
        got = re.search(r"台账共列(\d+)项目标，全部责任单位均已完成的(\d+)项，占([\d.]+)%", text)
        assert got and got.groups() == (
            str(want["targets"]),
            str(want["done_targets"]),
            want["target_rate"],
        ), (path.name, got and got.groups(), want)
        got = re.search(
            r"单位任务共(\d+)项（[^）]*），已完成(\d+)项，单位任务完成率([\d.]+)%", text
        )
        assert got and got.groups() == (
            str(want["pairs"]),
            str(want["done_pairs"]),
            want["pair_rate"],
        ), (path.name, got and got.groups(), want)
        compared += 2
        if not year_end:
            got = re.search(r"应报送工作台账的单位(\d+)个，已报送并审核通过(\d+)个", text)
            assert got and got.groups() == (str(want["expected"]), str(want["reported"]))
            compared += 1
        for target in plan.ledger.targets:
            total, done = want["per_target"][target.id]  # type: ignore[index]
            said = re.search(
                rf"（台账第{re.escape(numbers[target.id])}项）：[^：]*?(\d+)个责任单位"
                r"(全部完成|中已完成(\d+)个)",
                text,
            )
            assert said, (path.name, target.id)
            printed = int(said[1]), int(said[3]) if said[3] else int(said[1])
            assert printed == (total, done), (path.name, target.id, printed, (total, done))
            compared += 1
        if year_end and index:
            for earlier_index, earlier in enumerate(plan.text.phases):
                w = figures.headline(earlier_index)
                assert (
                    f"{earlier.name}末全部完成目标{w['done_targets']}项、"
                    f"单位任务完成率{w['pair_rate']}%"
                ) in text
                compared += 1
    assert compared > len(plan.ledger.targets)
    print(f"\n{generated.name}: {compared} 个数字与进度记录.json 重算相符")


def test_unit_plans_speak_for_the_unit(
    generated: Generated, documents: dict[Path, list[str]]
) -> None:
    """No sentence addressed to 各单位 or to the bureau's offices, no 制定本单位实施方案
    inside that plan, no form hints, no target text repeated under its task."""
    plan = generated.plan
    offices = [u.name for u in plan.organisation.units if u.kind == "office"]
    for path, lines in documents.items():
        if not path.name.endswith("实施方案.docx"):
            continue
        unit_name = path.name.split(str(plan.text.year))[0]
        body = [line for line in lines if not line.startswith(("本单位职责", "牵头", "责任"))]
        for line in body:
            for sentence in re.split(r"[。；]", line):
                sentence = re.sub(r"^[（(]?[\d一二三四五六七八九十]+[）)、.]?", "", sentence)
                assert not re.match(r"^各[^，。；]{0,20}(要|应|须)", sentence), (path.name, line)
                for office in offices:
                    if office != unit_name:
                        assert not sentence.startswith(f"{office}要"), (path.name, line)
                assert "领导小组办公室要" not in sentence, (path.name, line)
                for group in plan.organisation.groups:  # 各乡镇卫生院对照…: not the unit's voice
                    assert not sentence.startswith(group.name), (path.name, line)
            assert not re.search(r"制定本单位[^，。]*实施方案", line), (path.name, line)
        text = "\n".join(lines)
        for target in plan.ledger.targets:
            assert text.count(target.text.rstrip("。；")) <= 1, (path.name, target.id)


def test_the_counts(generated: Generated, documents: dict[Path, list[str]]) -> None:
    """How many documents the check read (README quotes these)."""
    summaries = [p for p in documents if not p.name.endswith("实施方案.docx")]
    print(
        f"\n{generated.name}: {len(summaries)} 份总结, {len(documents) - len(summaries)} 份实施方案"
    )
    assert summaries and len(documents) > len(summaries)


def test_another_plan_gets_none_of_the_seeds_phrases(
    generated: Generated, documents: dict[Path, list[str]]
) -> None:
    """Fixed wording lives in templates or the plan's data: the third plan (a health
    bureau's campaign) never reads of the seed's 文明服务 or 园林."""
    if generated.name != "reading_plan":
        return
    for path, lines in documents.items():
        for line in lines:
            assert "文明" not in line and "园林" not in line, (path.name, line)
