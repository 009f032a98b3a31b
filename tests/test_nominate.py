"""Phase 3: nomination rules, the nomination documents, and the year-end summary."""

from __future__ import annotations

import subprocess
from pathlib import Path

import docx
import openpyxl
import pytest

from generator.formats.identity import read_sheet_map
from generator.intake.nominations import read_nomination_returns
from generator.intake.record import load_record
from generator.model.awards import Nominee
from generator.model.evaluation import evaluate
from generator.model.nomination_rules import judge
from generator.read.plan_reader import read_nominations, read_plan
from generator.render.xlsx.values import workbook_bytes
from tests.conftest import convert_many
from tests.gbt9704_checks import check_gbt9704
from tests.helpers import EXAMPLE, collect_and_summarise, copy_example, edit, invoke

PLAN = read_plan(EXAMPLE)
NOMINEES = read_nominations(EXAMPLE, PLAN).nominations
FOLDER = "评选推荐"


@pytest.fixture(scope="module")
def collected(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return collect_and_summarise(EXAMPLE, tmp_path_factory.mktemp("phase3") / "out", phases=())


@pytest.fixture(scope="module")
def out(collected: Path) -> Path:
    out = collected
    data = ["--data", str(EXAMPLE), "--out", str(out)]
    code, output = invoke("nominate", *data)
    assert code == 0, output
    code, output = invoke("summary", "--phase", "3", *data)
    assert code == 0, output
    return out


@pytest.fixture(scope="module")
def year(collected: Path):  # type: ignore[no-untyped-def]
    return evaluate(PLAN, load_record(collected), PLAN.text.phases[-1], cumulative=True)


def verdict_of(year, **changes: str):  # type: ignore[no-untyped-def]
    """The verdict on 王丽 (N04, who passes) with some fields changed."""
    base = next(n for n in NOMINEES if n.id == "N04")
    nominee = Nominee.model_validate({**base.model_dump(), **changes})
    (verdict,) = judge(PLAN, [nominee], year)
    return verdict


# --- rules: each asserts the nominee and the reason ----------------------------------------


def test_example_verdicts(year) -> None:  # type: ignore[no-untyped-def]
    failed = {v.nominee.id: v.reasons for v in judge(PLAN, NOMINEES, year) if not v.passed}
    assert failed == {
        "N03": ["所在单位全年台账完成率55.6%，低于90%"],
        "N05": ["超出名额：龙源湖公园管理处可推荐先进个人1名（职工72人，每50人1名），此为第2名"],
    }


def test_a_passing_nominee_passes(year) -> None:  # type: ignore[no-untyped-def]
    assert verdict_of(year).passed


def test_required_field_missing(year) -> None:  # type: ignore[no-untyped-def]
    assert verdict_of(year, politics="", education="").reasons == ["缺少必填项：政治面貌、学历"]


def test_story_too_short_and_too_long(year) -> None:  # type: ignore[no-untyped-def]
    assert verdict_of(year, story="爱岗敬业。" * 20).reasons == ["主要事迹100字，少于300字"]
    assert verdict_of(year, story="爱岗敬业，服务群众。" * 210).reasons == [
        "主要事迹2100字，多于2000字"
    ]


@pytest.mark.parametrize(
    ("birth", "work_start", "reason"),
    [
        ("2010-05", "2007-07", "出生年月2010.05，按2016年计6岁，不在18至60岁之间"),
        ("1950-01", "1970-07", "出生年月1950.01，按2016年计66岁，不在18至60岁之间"),
        ("1985-13", "2007-07", "出生年月「1985-13」无法识别"),
        ("一九八五年", "2007-07", "出生年月「一九八五年」无法识别"),
        ("1985-06", "1995-07", "参加工作时间1995.07与出生年月1985.06不符"),
    ],
)
def test_birth_and_work_dates_must_make_sense(
    year, birth: str, work_start: str, reason: str
) -> None:  # type: ignore[no-untyped-def]
    reasons = verdict_of(year, birth=birth, work_start=work_start).reasons
    assert any(r.startswith(reason) for r in reasons), reasons


def test_a_unit_nominates_only_its_own_people(year) -> None:  # type: ignore[no-untyped-def]
    reasons = verdict_of(year, position="人民公园管理处游园服务科科长").reasons
    assert reasons == [
        "工作单位及职务为「人民公园管理处游园服务科科长」，不是推荐单位龙源湖公园管理处的人员"
    ]


def test_collective_of_another_unit(year) -> None:  # type: ignore[no-untyped-def]
    base = next(n for n in NOMINEES if n.id == "N01")
    nominee = Nominee.model_validate({**base.model_dump(), "name": "植物园管理处"})
    (verdict,) = judge(PLAN, [nominee], year)
    assert verdict.reasons == [
        "集体「植物园管理处」不属于推荐单位人民公园管理处，单位只能推荐本单位集体"
    ]


def test_collective_whose_unit_never_reported(year) -> None:  # type: ignore[no-untyped-def]
    base = next(n for n in NOMINEES if n.id == "N01")
    nominee = Nominee.model_validate(
        {**base.model_dump(), "unit": "园林科学研究所", "name": "园林科学研究所"}
    )
    (verdict,) = judge(PLAN, [nominee], year)
    assert verdict.reasons == ["所在单位未报送工作台账，无法核实台账目标完成情况"]


def test_unknown_award_or_unit_is_an_input_error(tmp_path: Path) -> None:
    data = copy_example(tmp_path)
    line = edit(data / "nominations.yaml", "    award: leifeng\n", "    award: leifeng2\n")
    unit_line = edit(data / "nominations.yaml", "    unit: 局法制科\n", "    unit: 各单位\n")
    code, output = invoke("check", "--data", str(data))
    assert code == 2
    assert f"nominations.yaml:{line}:" in output and "表彰类别「leifeng2」未定义" in output
    assert (
        f"nominations.yaml:{unit_line}:" in output
        and "推荐单位「各单位」不是已定义的单位" in output
    )


# --- documents -------------------------------------------------------------------------------

EXPECTED_LIST = [
    ("先进集体", "人民公园管理处"),
    ("先进集体", "局法制科"),
    ("先进个人", "王丽"),
    ("先进个人", "李强"),
    ("先进个人", "赵敏"),
    ("岗位学雷锋标兵", "陈静"),
]


def test_summary_list_equals_the_accepted_nominees_in_order(out: Path) -> None:
    book = openpyxl.load_workbook(
        out / FOLDER / "2016年度文明服务先进集体和先进个人推荐汇总表.xlsx"
    )
    sheet = book["推荐汇总表"]
    header = next(r for r in sheet.iter_rows(values_only=True) if r[0] == "序号")
    rows = [
        r for r in sheet.iter_rows(values_only=True) if isinstance(r[0], str) and r[0].isdigit()
    ]
    names = [r[header.index("推荐对象")] for r in rows]
    assert names == [name for _, name in EXPECTED_LIST]
    awards = [r[header.index("类别")] for r in rows]
    assert [a for a in awards if a] == ["先进集体", "先进个人", "岗位学雷锋标兵"]  # merged blocks
    assert "填报单位（盖章）：孟州市园林处" in str(sheet["A2"].value)


def test_cover_report_lists_the_nominees_and_attaches_the_list(out: Path) -> None:
    document = docx.Document(
        str(out / FOLDER / "关于推荐2016年度文明服务先进集体和先进个人的报告.docx")
    )
    texts = [p.text for p in document.paragraphs if p.text.strip()]
    assert texts[1] == "市直机关工委："
    assert "一、先进集体（2个）" in texts and "二、先进个人（3名）" in texts
    assert "1.王丽，女，龙源湖公园管理处游园服务科科长" in texts
    table = document.tables[-1]
    assert [row.cells[2].text for row in table.rows[1:]] == [name for _, name in EXPECTED_LIST]


def test_results_name_every_failing_nominee_with_the_reason(out: Path) -> None:
    text = (out / FOLDER / "审核结果.txt").read_text("utf-8-sig")
    assert (
        "N03 苗圃场（先进集体，苗圃场推荐）：\n    - 所在单位全年台账完成率55.6%，低于90%" in text
    )
    assert "N05 张伟（先进个人，龙源湖公园管理处推荐）：\n    - 超出名额" in text
    assert "三、各单位全年台账完成情况排名" in text and "园林科学研究所：未报送台账" in text


def forms(out: Path) -> list[Path]:
    return sorted((out / FOLDER / "推荐表").rglob("*.docx"))


def test_one_form_per_accepted_nominee(out: Path) -> None:
    names = [p.name for p in forms(out)]
    assert len(names) == 6
    assert "N04-王丽-先进个人推荐表.docx" in names
    assert not any("张伟" in n or "苗圃场" in n for n in names)


def test_long_story_is_complete_and_runs_onto_a_second_page(out: Path, tmp_path: Path) -> None:
    long_form = next(p for p in forms(out) if "王丽" in p.name)
    story = next(n for n in NOMINEES if n.id == "N04").story
    cells = {c.text for t in docx.Document(str(long_form)).tables for r in t.rows for c in r.cells}
    assert any("".join(story.split()) == "".join(c.split()) for c in cells)
    short_form = next(p for p in forms(out) if "陈静" in p.name)
    long_pdf, short_pdf = convert_many([long_form, short_form], tmp_path)
    # A 300-字 story with three opinion rows takes two pages; 1262 字 take more.
    assert _pages(long_pdf) > _pages(short_pdf) >= 1
    assert _pages(long_pdf) > 1
    last_sentence = "是全局系统学习的榜样"
    text = subprocess.run(["pdftotext", str(long_pdf), "-"], capture_output=True, text=True).stdout
    assert last_sentence in "".join(text.split())
    assert "审批意见" in "".join(text.split())


def _pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def test_year_end_summary(out: Path) -> None:
    (path,) = (out / "年度总结").glob("*工作总结.docx")
    assert path.name == "孟州市园林处2016年文明服务活动工作总结.docx"
    body = "\n".join(p.text for p in docx.Document(str(path)).paragraphs)
    # the year: each line's latest report, here the November returns
    assert "台账共列15项目标，全部责任单位均已完成的3项，占20.0%" in body
    # The results with names and units (nominations.yaml; two nominees fail the rules).
    assert (
        "先进集体2个：人民公园管理处、局法制科；先进个人3名：王丽（龙源湖公园管理处）、"
        "李强（市区绿化管理处）、赵敏（局精神文明办公室）；岗位学雷锋标兵1名：陈静（人民公园管理处）。"
        "另有2个推荐对象不符合推荐条件，未予推荐。"
    ) in body
    assert "现将全年工作总结如下" in body
    # A year's review: the figures at each phase's end, and next year's intentions.
    assert "从各阶段看：宣传教育阶段末全部完成目标3项" in body and "2017年工作打算" in body
    unit = out / "年度总结" / "各单位" / "苗圃场2016年文明服务活动工作总结.docx"
    assert "现将本单位全年工作情况总结如下" in "\n".join(
        p.text for p in docx.Document(str(unit)).paragraphs
    )


def test_phase_3_documents_meet_gbt9704_and_open(out: Path, tmp_path: Path) -> None:
    report = out / FOLDER / "关于推荐2016年度文明服务先进集体和先进个人的报告.docx"
    year_end = next((out / "年度总结").glob("孟州市园林处*.docx"))
    documents = [report, year_end, *forms(out)]
    assert {p.name: check_gbt9704(p) for p in documents if check_gbt9704(p)} == {}
    workbooks = sorted((out / FOLDER).glob("*.xlsx"))
    assert len(convert_many([*documents, *workbooks], tmp_path)) == len(documents) + 1


def test_nominate_before_collect_is_an_input_error(tmp_path: Path) -> None:
    code, output = invoke("nominate", "--data", str(EXAMPLE), "--out", str(tmp_path))
    assert code == 2 and "plandocs collect" in output
    assert not list(tmp_path.iterdir())


# --- nomination workbooks: sent out, filled in, read back ------------------------------------


def issued_form(tmp_path: Path, unit: str) -> Path:
    code, output = invoke("nominate", "--forms", "--data", str(EXAMPLE), "--out", str(tmp_path))
    assert code == 0, output
    return tmp_path / FOLDER / "推荐表格" / f"{unit}推荐表格.xlsx"


def fill_form(path: Path, sheet: str, values: dict[str, str], target: Path) -> dict[str, str]:
    """Fill the first row of a sheet like a unit would; return field → cell address."""
    book = openpyxl.load_workbook(path)
    layout = read_sheet_map(book, sheet)
    columns = {key: index for index, key in layout.columns.items()}
    row = min(layout.rows)
    places = {}
    for key, value in values.items():
        cell = book[sheet].cell(row, columns[key])
        cell.value = value
        places[key] = f"{sheet}!{cell.coordinate}"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(workbook_bytes(book))
    return places


PERSON = {
    "name": "周志明",
    "gender": "男",
    "ethnicity": "汉族",
    "birth": "1978.04",
    "politics": "中共党员",
    "education": "大学本科",
    "work_start": "2000-07",
    "position": "局法制科科长",
    "phone": "13900000009",
    "honours": "2015年度局机关先进工作者",
    "story": "认真履行审批服务职责，推行承诺服务、限时办结。" * 14,
}


def test_forms_have_a_sheet_per_award_and_rows_per_quota(tmp_path: Path) -> None:
    book = openpyxl.load_workbook(issued_form(tmp_path, "市区绿化管理处"))
    assert book.sheetnames[:3] == ["先进集体", "先进个人", "岗位学雷锋标兵"]
    assert len(read_sheet_map(book, "先进个人").rows) == 2  # 128 staff, one per 50
    assert len(read_sheet_map(book, "先进集体").rows) == 1


def test_a_returned_form_adds_its_nominee(collected: Path, tmp_path: Path) -> None:
    returns = tmp_path / "returns"
    fill_form(issued_form(tmp_path, "局法制科"), "先进个人", PERSON, returns / "法制科.xlsx")
    before = (returns / "法制科.xlsx").read_bytes()
    data = ["--data", str(EXAMPLE), "--out", str(collected)]
    code, output = invoke("nominate", "--returns", str(returns), *data)
    assert code == 0, output
    assert (returns / "法制科.xlsx").read_bytes() == before  # never modified
    assert "周志明（局法制科）" in (collected / FOLDER / "审核结果.txt").read_text("utf-8-sig")
    kept = list((collected / FOLDER / "原件").iterdir())
    assert [p.read_bytes() for p in kept] == [before]


@pytest.mark.parametrize(
    ("change", "field", "fragment"),
    [
        ({"politics": "党员"}, "politics", "「党员」不是可选值"),
        ({"name": None}, "name", "姓名：不能为空"),
        ({"story": None}, "story", "主要事迹（300字以上）：不能为空"),
    ],
)
def test_bad_cells_in_a_returned_form(
    tmp_path: Path, change: dict[str, str | None], field: str, fragment: str
) -> None:
    returns = tmp_path / "returns"
    places = fill_form(
        issued_form(tmp_path, "局法制科"), "先进个人", {**PERSON, **change}, returns / "a.xlsx"
    )
    (result,) = read_nomination_returns(PLAN, returns)
    assert not result.check.accepted and result.nominees == []
    assert any(p.place == places[field] and fragment in p.message for p in result.check.errors), (
        result.check.errors
    )


def test_a_ledger_is_not_a_nomination_form(tmp_path: Path) -> None:
    returns = tmp_path / "returns"
    returns.mkdir()
    ledger = next((EXAMPLE / "returns").glob("局法制科*.xlsx"))
    (returns / ledger.name).write_bytes(ledger.read_bytes())
    (result,) = read_nomination_returns(PLAN, returns)
    assert [p.message for p in result.check.errors] == [
        "不是本系统下发的推荐表格（缺少推荐表格标识）"
    ]
