"""plandocs import: an existing plan (.txt or .docx) into plan data (issue 8).

The seed (tests/fixtures/seed_plan.txt, the web copy the bundled example was typed
from) must import to the example's data, but for the differences listed in
``comparable`` -- each one something the seed does not say.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import docx
import pytest
import yaml

from generator.documents.common import phase_period
from generator.model.plan import Item, Ledger, Organisation, Phase, PlanText
from generator.pipeline.plan_files import import_files
from generator.pipeline.steps import issue as phase1_jobs
from generator.read.import_ledger import find_measures
from generator.read.import_outline import parse_period, split_title
from generator.read.import_source import decode, normalise
from generator.read.import_units import split_names
from generator.read.plan_import import REPORT_FILE, Imported, import_plan
from generator.read.plan_reader import read_plan
from generator.render.templates import TemplateSet
from generator.write.plan_yaml import FILES
from tests.helpers import EXAMPLE, FIXTURES, invoke

SEED = FIXTURES / "seed_plan.txt"


def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


def imported_from(path: Path, tmp_path: Path) -> Imported:
    imported = import_plan(path, tmp_path / "out")
    assert imported.complete, [p.format() for p in imported.problems]
    return imported


def comparable(text: PlanText, org: Organisation, ledger: Ledger) -> dict:
    """The data the seed determines, with what it does not determine set aside:

    * the plan id: chosen by hand (pinyin); the import numbers it from the year;
    * ``example``: the bundled plan declares itself an example, the seed does not;
    * a phase's unit_text, and the unit versions (unit_text) of the requirements: what a
      unit writes is the example author's rewording, the seed has only the bureau's text
      (the import copies a phase's text; items get none);
    * unit and group ids, staff counts, the illustrative units and the groups'
      members: none are in the seed (the import numbers ids u01…, g01…);
    * the order of groups: the import lists them in order of first mention;
    * a measure's id and ``reported`` (what a unit fills in): not in the seed;
    * a target's short name (简称): the example's are written by hand, the import proposes
      one with ``generator.model.short_names`` (checked in
      ``test_imported_short_names_are_whole_words_and_distinct``).
    """
    return {
        "plan": text.model_copy(
            update={
                "id": "",
                "example": False,
                "sections": [_without_unit_text(item) for item in text.sections],
                "phases": [p.model_copy(update={"unit_text": "-"}) for p in text.phases],
            }
        ),
        "units": [(u.name, u.kind) for u in org.units if not u.illustrative],
        "groups": sorted(g.name for g in org.groups),
        "ledger": ledger.model_copy(
            update={
                "targets": [
                    t.model_copy(
                        update={
                            "short": "-",
                            "measures": [
                                m.model_copy(update={"id": "m", "reported": "-"})
                                for m in t.measures
                            ],
                        }
                    )
                    for t in ledger.targets
                ]
            }
        ),
    }


def _without_unit_text(item: Item) -> Item:
    children = [_without_unit_text(child) for child in item.items]
    return item.model_copy(update={"unit_text": "", "items": children})


@pytest.fixture(scope="module")
def example() -> dict:
    plan = read_plan(EXAMPLE)
    return comparable(plan.text, plan.organisation, plan.ledger)


@pytest.fixture(scope="module")
def seed_import(tmp_path_factory: pytest.TempPathFactory) -> Imported:
    return imported_from(SEED, tmp_path_factory.mktemp("seed"))


def of(imported: Imported) -> dict:
    assert imported.text and imported.organisation and imported.ledger
    return comparable(imported.text, imported.organisation, imported.ledger)


def test_seed_imports_to_the_example(seed_import: Imported, example: dict) -> None:
    got = of(seed_import)
    # Part by part first, so that a failure says where the data differ.
    for key in ("title", "year", "activity", "issuer", "date", "preamble", "addressee"):
        assert getattr(got["plan"], key) == getattr(example["plan"], key), key
    assert [s.title for s in got["plan"].sections] == [
        "指导思想",
        "活动内容",
        "工作步骤",
        "工作要求",
    ]
    for mine, theirs in zip(got["plan"].sections, example["plan"].sections, strict=True):
        assert mine == theirs, mine.title
    assert got["plan"].phases == example["plan"].phases
    assert [t.id for t in got["ledger"].targets] == [t.id for t in example["ledger"].targets]
    for mine, theirs in zip(got["ledger"].targets, example["ledger"].targets, strict=True):
        assert mine == theirs, mine.id
    assert got == example


def test_imported_short_names_are_whole_words_and_distinct(seed_import: Imported) -> None:
    """Each proposal is a whole clause, quoted term, subject or project of its own target
    (never a cut string), short enough for a chart label, and no two are alike."""
    assert seed_import.ledger is not None
    targets = seed_import.ledger.targets
    shorts = [t.short for t in targets]
    assert all(shorts) and len(set(shorts)) == len(shorts), shorts
    for target in targets:
        base = re.sub(r"（\d+）$", "", target.short)
        assert len(target.short) <= 15, target.short
        project = target.project.rstrip("。")
        if base in (target.subject, project, re.sub(r"（[^）]*）", "", project)):
            continue
        # A whole clause or quoted term: where it occurs, the text goes on with punctuation.
        text = target.text + "。"
        found = [text, re.sub(r"（[^）]*）", "", text)]
        assert any(
            m.end() < len(t) and t[m.end()] in "。；，：、”"
            for t in found
            for m in re.finditer(re.escape(base.strip("“”")), t)
        ), (target.id, target.short)


def test_seed_phases_and_responsibility(seed_import: Imported) -> None:
    text = seed_import.text
    assert text is not None
    phases = [(p.name, p.start, p.end) for p in text.phases]
    assert phases == [
        ("宣传教育阶段", "2016-05", "2016-05"),
        ("集中提升行动阶段", "2016-06", "2016-11"),
        ("总结评比阶段", "2016-12", "2016-12"),
    ]
    # 局属各总支、支部 is one group (各 covers 总支 and 支部), not a group and a unit.
    names = {u.name for u in seed_import.organisation.units}  # type: ignore[union-attr]
    assert "支部" not in names
    groups = [(g.id, g.name, g.members) for g in seed_import.organisation.groups]  # type: ignore[union-attr]
    assert groups == [
        ("g01", "各绿地监管单位", []),
        ("g02", "各单位", []),
        ("g03", "局属各总支、支部", []),
    ]


def test_seed_report_lists_noise_and_repairs_with_line_numbers(seed_import: Imported) -> None:
    lines = seed_text().split("\n")
    report = seed_import.report()
    for noise in ("阅读次数", "您的当前位置"):
        number = next(n for n, line in enumerate(lines, 1) if noise in line)
        assert f"第{number}行：{normalise(lines[number - 1])}" in report
    doubled = next(n for n, line in enumerate(lines, 1) if "各单位局精神文明办公室" in line)
    assert f"第{doubled}行：局精神文明办公室、各单位局精神文明办公室、各单位" in report
    # What the import could not know is listed to be filled in.
    assert "分组「各单位」没有成员" in report
    assert report.count("unit_text") == 3


def test_written_files_read_back_to_the_imported_models(tmp_path: Path) -> None:
    out = tmp_path / "data"
    code, output = invoke("import", str(SEED), "--out", str(out))
    assert code == 0, output
    assert sorted(p.name for p in out.iterdir()) == sorted([*FILES, REPORT_FILE])
    imported = import_plan(SEED, out)
    data = {name: yaml.safe_load((out / name).read_text("utf-8")) for name in FILES}
    assert PlanText.model_validate(data["plan.yaml"]) == imported.text
    assert Organisation.model_validate(data["units.yaml"]) == imported.organisation
    assert Ledger.model_validate(data["ledger.yaml"]) == imported.ledger
    # The report lists what check will ask, at the written files' lines.
    assert (out / REPORT_FILE).read_text("utf-8-sig") == import_files(imported)[REPORT_FILE]
    assert "ledger.yaml:" in (out / REPORT_FILE).read_text("utf-8-sig")
    assert "第241行" in output  # the report is printed too


def seed_docx(path: Path) -> Path:
    """The seed as a Word document: its lines as paragraphs, its ledger as a real table
    (project cells merged down over the rows they span, as offices lay it out)."""
    document = docx.Document()
    lines = [line.strip() for line in seed_text().split("\n")]
    date = lines.index("2016年6月7日")
    for line in lines[: date + 1]:
        if line:
            document.add_paragraph(line)
    ledger = json.loads((FIXTURES / "seed_ledger.json").read_text("utf-8"))
    document.add_paragraph("焦作市园林局文明服务创建工作台账")
    table = document.add_table(rows=1 + len(ledger["rows"]), cols=len(ledger["columns"]))
    for cell, name in zip(table.rows[0].cells, ledger["columns"], strict=True):
        cell.text = name
    top = 1
    for r, row in enumerate(ledger["rows"], 1):
        cells = table.rows[r].cells
        if row["project"]:
            cells[0].text, top = row["project"], r
        else:
            table.cell(top, 0).merge(table.cell(r, 0))
        cells[1].text = row["content"][0]
        for extra in row["content"][1:]:
            cells[1].add_paragraph(extra)
        cells[2].text = row["responsible"]
    document.add_paragraph("阅读次数:5868")
    document.save(str(path))
    return path


def test_docx_imports_to_the_same_data_as_the_text(seed_import: Imported, tmp_path: Path) -> None:
    imported = imported_from(seed_docx(tmp_path / "方案.docx"), tmp_path)
    assert imported.text == seed_import.text
    assert imported.organisation == seed_import.organisation
    assert imported.ledger == seed_import.ledger
    report = imported.report()
    assert "表格1第5行：局精神文明办公室、各单位局精神文明办公室、各单位" in report
    last = len(docx.Document(str(tmp_path / "方案.docx")).paragraphs)
    assert f"第{last}段：阅读次数：5868" in report


def test_the_plan_document_plandocs_writes_imports_back(tmp_path: Path, example: dict) -> None:
    plan = read_plan(EXAMPLE)
    (job,) = [j for j in phase1_jobs(plan, TemplateSet(None)).jobs if j.label == "方案"]
    document = tmp_path / job.path.name
    document.write_bytes(job.render())
    assert of(imported_from(document, tmp_path)) == example


@pytest.mark.parametrize(
    ("encoding", "newline"), [("gb18030", "\n"), ("utf-8-sig", "\r\n"), ("utf-16", "\r\n")]
)
def test_encodings_import_alike(
    seed_import: Imported, tmp_path: Path, encoding: str, newline: str
) -> None:
    path = tmp_path / "方案.txt"
    path.write_bytes(seed_text().replace("\n", newline).encode(encoding))
    imported = imported_from(path, tmp_path)
    assert imported.text == seed_import.text
    assert imported.ledger == seed_import.ledger
    assert [n.place for n in imported.notes] == [n.place for n in seed_import.notes]


def test_gb18030_is_not_mistaken_for_utf8() -> None:
    data = "责任单位：局办公室".encode("gb18030")
    assert decode(data) == "责任单位：局办公室"
    assert decode(b"\xff\xff\xff") is None


def test_unplaceable_lines_are_listed_with_their_line_numbers(tmp_path: Path) -> None:
    lines = seed_text().split("\n")
    date = next(n for n, line in enumerate(lines) if line.strip() == "2016年6月7日")
    attachment = next(n for n, line in enumerate(lines) if line.startswith("附件"))
    lines.insert(date + 1, "（此件公开发布）")
    lines.insert(attachment + 1, "抄送：市文明办")
    path = tmp_path / "方案.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    imported = imported_from(path, tmp_path)
    report = imported.report()
    assert f"第{attachment + 2}行：抄送：市文明办\n      位于附件说明和署名之间，未导入" in report
    assert f"第{date + 3}行：（此件公开发布）\n      位于成文日期之后、台账之前，未导入" in report
    assert imported.text is not None and imported.text.issuer == "孟州市园林处"


def test_existing_output_is_refused_without_force(tmp_path: Path) -> None:
    out = tmp_path / "data"
    assert invoke("import", str(SEED), "--out", str(out))[0] == 0
    (out / "units.yaml").write_text("# 已填写成员\n", encoding="utf-8")
    code, output = invoke("import", str(SEED), "--out", str(out))
    assert code == 2
    assert "units.yaml" in output and "文件已存在" in output and "--force" in output
    assert (out / "units.yaml").read_text("utf-8") == "# 已填写成员\n"
    code, output = invoke("import", str(SEED), "--out", str(out), "--force")
    assert code == 0, output
    assert "units:" in (out / "units.yaml").read_text("utf-8")


def test_a_plan_workbook_in_the_folder_is_not_shadowed(tmp_path: Path) -> None:
    out = tmp_path / "data"
    out.mkdir()
    (out / "plan.xlsx").write_bytes(b"staff's workbook")
    code, output = invoke("import", str(SEED), "--out", str(out))
    assert code == 2 and "plan.xlsx" in output and "文件已存在" in output
    assert sorted(p.name for p in out.iterdir()) == ["plan.xlsx"]


def test_unreadable_sources_are_reported(tmp_path: Path) -> None:
    odd = tmp_path / "方案.pdf"
    odd.write_bytes(b"%PDF-1.4")
    code, output = invoke("import", str(odd), "--out", str(tmp_path / "o"))
    assert code == 2 and "不支持的文件类型" in output
    flat = tmp_path / "方案.txt"
    flat.write_text("一段没有编号的文字。\n", encoding="utf-8")
    code, output = invoke("import", str(flat), "--out", str(tmp_path / "o"))
    assert code == 2 and "没有找到以「一、」编号的正文" in output
    assert not (tmp_path / "o").exists()


def test_normalisation_follows_the_example() -> None:
    assert normalise("\xa0 责任单位:局法制科、 局信息中心 ") == "责任单位：局法制科、局信息中心"
    assert normalise("迎宾路(塔南路),丰收路;") == "迎宾路（塔南路），丰收路；"
    assert (
        normalise("“互联网+政务服务” 1,000人 8:30 ２０１６年")
        == "“互联网+政务服务”1,000人8:30 2016年"
    )


def test_titles_and_texts() -> None:
    assert split_title("加强领导，提高认识。开展文明服务活动是…") == (
        "加强领导，提高认识。",
        "开展文明服务活动是…",
    )
    assert split_title("开展作风纪律监督检查") == ("开展作风纪律监督检查", "")
    long = "行政审批事项，局机关及服务窗口要实施承诺服务、限时服务、一站式办理；"
    assert split_title(long) == ("", long)


def test_responsibility_lists() -> None:
    assert split_names("局办公室、局监察室、各单位") == (["局办公室", "局监察室", "各单位"], False)
    assert split_names("局属各总支、支部") == (["局属各总支、支部"], False)
    assert split_names("各单位、局机关") == (["各单位", "局机关"], False)
    known = ["局精神文明办公室", "各单位"]
    assert split_names("局精神文明办公室、各单位局精神文明办公室、各单位", known) == (known, True)


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("5月份", "2016-05", "2016-05"),
        ("6至11月份", "2016-06", "2016-11"),
        ("6-11月", "2016-06", "2016-11"),
        ("5月10日至6月30日", dt.date(2016, 5, 10), dt.date(2016, 6, 30)),
        ("5月10日至20日", dt.date(2016, 5, 10), dt.date(2016, 5, 20)),
        ("2016年11月至2017年1月", "2016-11", "2017-01"),
    ],
)
def test_phase_periods(text: str, start: object, end: object) -> None:
    assert parse_period(text, 2016) == (start, end)
    phase = Phase(id="P", name="n", start=start, end=end, text="t", unit_text="u")  # type: ignore[arg-type]
    # What the documents write reads back to the same period.
    assert parse_period(phase_period(phase), 2016) == (start, end)


@pytest.mark.parametrize("text", ["5月上旬", "第二季度", "13月", "2月30日至3月"])
def test_unknown_periods_are_left_blank(text: str) -> None:
    assert parse_period(text, 2016) is None


def test_measures_from_wordings() -> None:
    found = find_measures(
        "每年举办讲座不少于6次；注册志愿者占职工总数的30%以上，设置2-3个宣传栏", 2016
    )
    assert [(m["comparator"], m["value"], m["unit"], m["basis"]) for m in found] == [
        (">=", 6, "次", "count"),
        (">=", 30, "%", "staff_share"),
        ("between", 2, "个", "count"),
    ]
    assert [m["wording"] for m in found] == ["不少于6次", "占职工总数的30%以上", "2-3个"]
    assert find_measures("严禁无故迟到、早退、旷工，24小时值班", 2016) == []
    (by_year,) = find_measures("到2020年内全系统至少有3家单位创建为市级文明单位", 2016)
    assert (by_year["scope"], by_year["deadline_year"], by_year["value"]) == ("system", 2020, 3)


OTHER_PLAN = """关于开展2020年读书月活动的工作方案
各科室、各单位：
为了做好工作，制定本方案。
一、总体要求
做好工作。
二、主要任务
（一）抓好学习。每季度组织学习不少于2次。（责任单位：局办公室（牵头）、局人事科）
（二）加强宣传。6月底前完成宣传栏更新。
牵头单位：局宣传科
配合单位：各单位
责任领导：张三
分值：10分
（三）做好服务（5分）
责任单位：局法制科
三、时间安排
1.动员部署阶段（2020年5月10日至5月31日）：召开动员会。
2.组织实施阶段（6月上旬至11月）：各单位要抓好落实。
附件：1.工作台账
2.联系表
"""


def test_a_plan_written_other_ways(tmp_path: Path) -> None:
    path = tmp_path / "方案.txt"
    path.write_text(OTHER_PLAN, encoding="utf-8")
    imported = imported_from(path, tmp_path)
    text, ledger = imported.text, imported.ledger
    assert text is not None and ledger is not None
    assert (text.activity, text.addressee, text.preamble) == (
        "读书月活动",
        "各科室、各单位",
        ["为了做好工作，制定本方案。"],
    )
    tasks = text.sections[1].items
    assert [(t.id, t.title, t.text) for t in tasks] == [
        ("T1", "抓好学习。", "每季度组织学习不少于2次。"),
        ("T2", "加强宣传。", "6月底前完成宣传栏更新。"),
        ("T3", "做好服务", ""),
    ]
    assert (tasks[0].lead, tasks[0].cooperating) == (["局办公室"], ["局人事科"])
    assert (tasks[1].lead, tasks[1].cooperating, tasks[1].leader) == (
        ["局宣传科"],
        ["各单位"],
        "张三",
    )
    assert (tasks[1].deadline, tasks[1].score, tasks[2].score) == ("6月底前", 10, 5)
    assert [(p.name, p.start, p.end) for p in text.phases] == [
        ("动员部署阶段", dt.date(2020, 5, 10), dt.date(2020, 5, 31)),
        ("组织实施阶段", None, None),
    ]
    # No ledger table: one target per task, its measures found in the text.
    assert ledger.title == "工作台账"
    assert [(t.id, t.task, t.project) for t in ledger.targets] == [
        ("L01", "T1", "抓好学习"),
        ("L02", "T2", "加强宣传"),
        ("L03", "T3", "做好服务"),
    ]
    assert [m.wording for m in ledger.targets[0].measures] == ["不少于2次"]
    report = imported.report()
    for expected in (
        "第19行：2.联系表\n      附件不是台账，未导入",
        "第17行：组织实施阶段\n      未能识别时间「6月上旬至11月」",
        "原文没有署名（issuer），请填写",
        "原文没有成文日期（date，暂填 2020-01-01，已列入 unconfirmed），请填写",
        "原文没有台账表格",
    ):
        assert expected in report
