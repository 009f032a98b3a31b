"""The second bundled example (云河市, data/yunhe2020) through all three phases of the CLI.

A plan of another shape than the seed: issued by notice, four outline levels, 牵头/配合
named separately, deadlines, 责任领导 and 分值 per task, 42 units in groups of groups,
per-unit 计划数. The returns are written by tools/make_example_returns.py from the
scenario in tools/returns_scenarios.py (YUNHE): who lags, who is overdue, who beats the
plan, who misses a figure, who never reports.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path, PurePath

import docx
import openpyxl
import pytest
import yaml
from docx.oxml.ns import qn

from generator.formats.identity import read_row_keys
from generator.pipeline import kinds
from tests.conftest import convert_many
from tests.gbt9704_checks import check_gbt9704
from tests.helpers import ROOT, invoke, normalise

EXAMPLE = ROOT / "data" / "yunhe2020"
ACTIVITY = "2020年窗口文明服务提升行动"
ISSUER = "云河市精神文明建设指导委员会办公室"
PLAN_DOCX = "方案/云河市2020年窗口服务单位文明服务提升行动实施方案.docx"
MASTER_XLSX = "方案/云河市窗口服务单位文明服务提升行动任务台账.xlsx"
PHASES = ("动员部署阶段", "集中整治阶段")
NEVER_REPORTS = "市邮政分公司中心营业厅"
UNITS = yaml.safe_load((EXAMPLE / "units.yaml").read_text("utf-8"))["units"]
PLAN = yaml.safe_load((EXAMPLE / "plan.yaml").read_text("utf-8"))
STEPS = (
    ("plan",),
    ("collect", str(EXAMPLE / "returns")),
    ("summary", "--phase", "1"),
    ("summary", "--phase", "2"),
    ("nominate", "--forms"),
    ("nominate",),
    ("summary", "--phase", "3"),
)


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, tuple[int, str]]]:
    """Every step of `make all`, in order; each step's status and output, to be asserted."""
    out = tmp_path_factory.mktemp("yunhe") / "out"
    results = {}
    for step in STEPS:
        results[" ".join(step)] = invoke(*step, "--data", str(EXAMPLE), "--out", str(out))
    return out, results


@pytest.fixture(scope="module")
def out(run: tuple[Path, dict[str, tuple[int, str]]]) -> Path:
    return run[0]


def paragraphs(path: Path) -> list[str]:
    return [p.text for p in docx.Document(str(path)).paragraphs if p.text.strip()]


def all_text(path: Path) -> str:
    """Every character of the body (tables and text boxes included), then of the footers
    (where the 版记 sits), white space removed."""
    document = docx.Document(str(path))
    footers = [
        footer._element
        for section in document.sections
        for footer in (section.footer, section.even_page_footer, section.first_page_footer)
        if not footer.is_linked_to_previous
    ]
    parts = [document.element.body, *footers]
    return normalise("".join(t.text or "" for part in parts for t in part.iter(qn("w:t"))))


def table_rows(path: Path) -> list[list[str]]:
    return [
        [cell.text for cell in row.cells] for t in docx.Document(str(path)).tables for row in t.rows
    ]


def summary(out: Path, phase: str, unit: str = ISSUER) -> Path:
    folder = out / "阶段总结" / phase / ("" if unit == ISSUER else "各单位")
    return folder / f"{unit}{ACTIVITY}{phase}工作总结.docx"


def section(path: Path, start: str, end: str) -> str:
    return "\n".join(paragraphs(path)).split(start)[1].split(end)[0]


def test_every_step_of_the_year_succeeds(run: tuple[Path, dict[str, tuple[int, str]]]) -> None:
    _, results = run
    assert {step: output for step, (code, output) in results.items() if code != 0} == {}


# --- phase 1: the notice, the plan, every unit's 实施方案 and ledger ---------------------------


def test_every_unit_gets_its_plan_and_ledger(out: Path) -> None:
    assert len(UNITS) == 42
    for unit in UNITS:
        folder = out / "各单位" / f"{unit['id']}-{unit['name']}"
        assert (folder / f"{unit['name']}{ACTIVITY}实施方案.docx").is_file(), unit
        assert (folder / f"{unit['name']}工作台账.xlsx").is_file(), unit
    assert (out / PLAN_DOCX).is_file() and (out / MASTER_XLSX).is_file()


def test_plan_is_issued_by_its_notice(out: Path) -> None:
    text = all_text(out / PLAN_DOCX)
    notice = PLAN["notice"]
    expected = [
        notice["authority"],
        notice["number"],
        f"关于印发《{PLAN['title']}》的通知",
        f"{notice['addressee']}：",
        *notice["body"],
        notice["disclosure"],
        "抄送：",
        *notice["copy_to"],
        notice["printer"],
        "2020年4月9日印发",
    ]
    missing = [part for part in expected if normalise(part) not in text]
    assert missing == []
    # the notice comes first, then the plan it issues
    assert text.index(normalise(notice["number"])) < text.index(normalise("一、工作目标"))


def test_plan_sections_in_order_with_four_outline_levels(out: Path) -> None:
    body = paragraphs(out / PLAN_DOCX)
    headings = [p for p in body if re.match(r"^[一二三四五]、", p)]
    assert headings == [
        "一、工作目标",
        "二、组织领导",
        "三、主要任务",
        "四、实施步骤",
        "五、保障措施",
    ]
    start = body.index("三、主要任务")
    assert body[start + 1 : start + 3] == ["（一）规范窗口服务标准。", "1.推行服务标准化。"]
    assert body[start + 3].startswith("（1）全面公开服务承诺。各窗口单位在服务场所醒目位置")
    assert "（一）动员部署阶段（4月10日至4月30日）。" in "\n".join(body)
    assert any(p.startswith("（三）总结评估阶段。领导小组办公室") for p in body)  # no time given


@pytest.mark.parametrize(
    ("lead", "cooperating", "deadline"),
    [
        ("全市窗口单位", "各行业主管部门", "6月底前"),
        ("市总工会", "全市窗口单位", "10月31日前"),
        ("政务服务窗口", "市政务服务管理局", "2020年9月30日前"),
        ("市政务服务管理局", "政务服务窗口", "6月底前"),
        ("市文明办", "各行业主管部门", "年底前"),
    ],
)
def test_plan_names_lead_and_cooperating_units_with_the_deadline(
    out: Path, lead: str, cooperating: str, deadline: str
) -> None:
    lines = [p for p in paragraphs(out / PLAN_DOCX) if p.startswith(f"牵头单位：{lead}；")]
    assert any(f"配合单位：{cooperating}" in p and f"完成时限：{deadline}" in p for p in lines)


def tasks(items: list[dict], found: list[dict] | None = None) -> list[dict]:
    found = [] if found is None else found
    for item in items:
        if item.get("lead"):
            found.append(item)
        tasks(item.get("items", []), found)
    return found


TASKS = tasks(PLAN["sections"])
NUMBER = re.compile(r"^(（[一二三四五六七八九十]+）|[一二三四五六七八九十]+、|\d+\.|（\d+）)")


def task_text(out: Path, title: str) -> str:
    """The task's paragraphs in the plan and its targets' rows in the attached ledger."""
    body = paragraphs(out / PLAN_DOCX)
    start = next(n for n, p in enumerate(body) if NUMBER.match(p) and title in p)
    end = next((n for n in range(start + 1, len(body)) if NUMBER.match(body[n])), len(body))
    ledger = yaml.safe_load((EXAMPLE / "ledger.yaml").read_text("utf-8"))["targets"]
    task_id = next(t["id"] for t in TASKS if t["title"] == title)
    contents = [t["text"] for t in ledger if t["task"] == task_id]
    rows = [
        " ".join(row[1:])  # without 序号, which a score could be taken for
        for row in table_rows(out / PLAN_DOCX)
        if any(normalise(c) in normalise(" ".join(row)) for c in contents)
    ]
    return "\n".join([*body[start:end], *rows])


def test_scores_total_100_and_each_appears_with_its_task(out: Path) -> None:
    assert sum(task["score"] for task in TASKS) == 100
    missing = [
        task["title"]
        for task in TASKS
        if not re.search(rf"(?<![\d.]){task['score']}(分|\s|$)", task_text(out, task["title"]))
    ]
    assert missing == []


def test_responsible_leaders_appear_with_their_tasks(out: Path) -> None:
    led = [task for task in TASKS if task.get("leader")]
    assert 0 < len(led) < len(TASKS)  # some tasks name no leader
    missing = [task["title"] for task in led if task["leader"] not in task_text(out, task["title"])]
    assert missing == []


def unit_plan(out: Path, unit_id: str) -> list[str]:
    (path,) = (out / "各单位").glob(f"{unit_id}-*/*实施方案.docx")
    return paragraphs(path)


def test_unit_plans_say_whether_the_unit_leads_or_cooperates(out: Path) -> None:
    window = unit_plan(out, "sbzx")  # 市社会保险服务中心, one of the 政务服务窗口
    assert "本单位职责：牵头（牵头单位：政务服务窗口；配合单位：市政务服务管理局）" in window
    assert "本单位职责：配合（牵头单位：市政务服务管理局；配合单位：政务服务窗口）" in window
    assert "本单位职责：配合（牵头单位：市总工会；配合单位：全市窗口单位）" in window
    assert any(p.startswith("完成时限：2020年9月30日前；责任领导：") for p in window)
    office = unit_plan(out, "zwj")  # 市政务服务管理局
    assert "本单位职责：牵头（牵头单位：市政务服务管理局；配合单位：政务服务窗口）" in office
    assert "本单位职责：配合（牵头单位：政务服务窗口；配合单位：市政务服务管理局）" in office
    library = "\n".join(unit_plan(out, "tsg"))  # 市图书馆: a 公用事业窗口, no 政务/交通 tasks
    # Its part of 提升公共服务便利度 in its own voice; the hospitals' part is not its to do.
    assert "提升公共服务便利度。本单位推行水电气业务“网上办、掌上办”" in library
    assert "医疗卫生窗口推行分时段预约诊疗" not in library
    assert "一窗受理" not in library and "交通场站" not in library


def ledger_cells(out: Path, unit: str) -> dict[str, dict[str, object]]:
    """Row key → header → value of a unit's issued ledger (target columns only)."""
    book = openpyxl.load_workbook(next(out.glob(f"各单位/*-{unit}/{unit}工作台账.xlsx")))
    sheet = book["台账"]
    header = next(r for r in sheet.iter_rows(values_only=True) if "本单位职责" in r)
    return {
        key: {title: sheet.cell(row, n).value for n, title in enumerate(header, 1) if title}
        for row, key in read_row_keys(book, "台账").items()
    }


def test_unit_ledgers_show_role_deadline_and_planned_figures(out: Path) -> None:
    hospital = ledger_cells(out, "市第一人民医院")
    assert hospital["Y01"]["本单位职责"] == "牵头" and hospital["Y01"]["完成时限"] == "6月底前"
    assert hospital["Y06"]["本单位职责"] == "配合" and hospital["Y06"]["完成时限"] == "10月31日前"
    assert hospital["Y04"]["完成时限"] == "2020年9月30日前"
    assert float(hospital["Y05/training"]["计划数"]) == 8  # type: ignore[arg-type]
    assert float(hospital["Y08/hours"]["计划数"]) == 5000  # type: ignore[arg-type]
    assert ledger_cells(out, "市总工会")["Y06"]["本单位职责"] == "牵头"
    assert (
        ledger_cells(out, "市总工会")["Y06"]["责任单位"]
        == "牵头单位：市总工会；配合单位：全市窗口单位"
    )
    assert "Y09/waiting" in ledger_cells(out, "青山县政务服务中心")
    assert "Y09/waiting" not in ledger_cells(out, "市图书馆")


# --- phase 2: collecting the returns, the phase summaries --------------------------------------


def test_returns_collected_with_the_careless_one_sent_back(out: Path) -> None:
    report = (out / "台账汇总" / "报送情况.txt").read_text("utf-8-sig")
    assert "应报单位 42 个；已通过 41 个；退回待改正 0 份；未报 1 个。" in report
    assert "市不动产登记中心台账（第一次报送）.xlsx，3 个问题（该单位已另报改正后的台账" in report
    assert "完成数「四次」不是阿拉伯数字" in report
    assert report.split("三、未报送")[1].split("\n")[1].strip() == NEVER_REPORTS


def test_a_summary_for_every_reporting_unit_in_every_phase(out: Path) -> None:
    reporting = [u["name"] for u in UNITS if u["name"] != NEVER_REPORTS]
    for phase in PHASES:
        assert summary(out, phase).is_file()
        missing = [name for name in reporting if not summary(out, phase, name).is_file()]
        assert missing == [], phase
        assert not summary(out, phase, NEVER_REPORTS).exists()
    year = out / "年度总结" / "各单位"
    assert sorted(p.name for p in year.glob("*.docx")) == sorted(
        f"{name}{ACTIVITY}工作总结.docx" for name in reporting
    )


def problems(out: Path, phase: str) -> str:
    return section(summary(out, phase), "三、存在的问题", "四、下一步工作打算")


def test_overdue_tasks_are_named_with_the_units_not_done(out: Path) -> None:
    found = [p for p in problems(out, "集中整治阶段").splitlines() if "已过完成时限" in p]
    expected = {
        "2020年6月30日": ["市汽车客运东站", "青山县政务服务中心"],
        "2020年9月30日": ["市公交集团第三分公司、云河港客运码头", "青山县政务服务中心", "市博物馆"],
        "2020年10月31日": ["市交通运输局、市公交集团第三分公司、市出租汽车服务中心"],
    }
    for day, units in expected.items():
        late = [p.split("），")[1] for p in found if f"已过完成时限（{day}）" in p]
        assert sorted(late) == sorted(f"{names}尚未完成。" for names in units), day
    assert len(found) == 6
    # 市疾病预防控制中心 is still training, but that task is due at year end
    assert "市疾病预防控制中心" not in "".join(found)
    assert "已过完成时限" not in problems(out, "动员部署阶段")


def test_missed_figure_and_system_totals_are_problems(out: Path) -> None:
    november = problems(out, "集中整治阶段")
    assert re.search(r"市中心血站[^。；]*培训[^。；]*2[^。；\d]*4次[^。；]*未达到目标", november)
    assert "学雷锋志愿服务岗合计" not in november  # 70 posts by November
    april = problems(out, "动员部署阶段")
    assert (
        "全系统设立的学雷锋志愿服务岗合计35个（目标不少于60个，须于年底前达到），尚未达到" in april
    )
    assert (
        "全系统36个责任单位中0个已通过文明窗口达标验收，占0.0%（目标90%以上，须于年底前达到）"
        in april
    )


@pytest.mark.parametrize(
    ("unit", "done", "planned"),
    [("市民服务中心", 5500, 5000), ("市轨道交通运营分公司", 3600, 3000), ("团市委", 1300, 1000)],
)
def test_planned_against_actual_hours(out: Path, unit: str, done: int, planned: int) -> None:
    rows = table_rows(summary(out, "集中整治阶段"))
    hours = next(" ".join(r) for r in rows if "志愿服务时长" in " ".join(r) and unit in " ".join(r))
    mine = next(part for part in hours.split("；") if part.startswith(unit))
    assert re.search(rf"{done}\D+{planned}|{planned}\D+{done}", mine), mine
    assert "计划" in mine and "完成" in mine
    own = "\n".join(paragraphs(summary(out, "集中整治阶段", unit)))
    own += "\n".join(" ".join(r) for r in table_rows(summary(out, "集中整治阶段", unit)))
    assert str(done) in own and str(planned) in own


# --- phase 3: nominations and the year ----------------------------------------------------------


def test_nominees_that_break_a_rule_are_named_with_the_reason(out: Path) -> None:
    text = (out / "评选推荐" / "审核结果.txt").read_text("utf-8-sig")
    failing = text.split("一、未通过审核的推荐对象")[1].split("二、通过审核的推荐对象")[0]
    for reason in [
        "W03 青山县政务服务中心（文明服务示范窗口，青山县政务服务中心推荐）：\n"
        "    - 所在单位全年台账完成率78.6%，低于90%",
        "W04 市邮政分公司中心营业厅（文明服务示范窗口，市邮政分公司中心营业厅推荐）：\n"
        "    - 所在单位未报送工作台账",
        "S03 黄雅琴（文明服务标兵，市第一人民医院推荐）：\n    - 超出名额",
        "S04 马秀兰（文明服务标兵，市民服务中心推荐）：\n    - 出生年月1958.05，按2020年计62岁",
        "S05 吴志刚（文明服务标兵，市急救指挥中心推荐）：\n    - 主要事迹53字，少于300字",
        "V02 何建军（优秀窗口志愿者，市中医院推荐）：\n    - 缺少必填项：出生年月",
    ]:
        assert reason in failing
    assert re.findall(r"^  (\w+) ", failing, re.M) == ["W03", "W04", "S03", "S04", "S05", "V02"]
    forms = sorted(p.name for p in (out / "评选推荐" / "推荐表").rglob("*.docx"))
    assert forms == sorted(
        [
            "W01-市不动产登记中心-文明服务示范窗口推荐表.docx",
            "W02-市长途汽车客运中心站-文明服务示范窗口推荐表.docx",
            "S01-林晓燕-文明服务标兵推荐表.docx",
            "S02-郑国华-文明服务标兵推荐表.docx",
            "V01-周小雨-优秀窗口志愿者推荐表.docx",
        ]
    )


def test_every_unit_gets_a_nomination_workbook(out: Path) -> None:
    names = sorted(p.name for p in (out / "评选推荐" / "推荐表格").glob("*.xlsx"))
    assert names == sorted(f"{u['name']}推荐表格.xlsx" for u in UNITS)


def test_year_end_summary_counts_the_commendations(out: Path) -> None:
    (path,) = (out / "年度总结").glob(f"{ISSUER}*.docx")
    body = "\n".join(paragraphs(path))
    assert "现将全年工作总结如下" in body
    # The results with names and units (nominations.yaml; six nominees fail the rules).
    assert (
        "文明服务示范窗口2个：市不动产登记中心、市长途汽车客运中心站；文明服务标兵2名："
        "林晓燕（市第一人民医院）、郑国华（市第一人民医院）；优秀窗口志愿者1名：周小雨（云河机场航站楼）。"
        "另有6个推荐对象不符合推荐条件，未予推荐。"
    ) in body


# --- every document: GB/T 9704, and LibreOffice opens one of each kind ------------------------


def test_every_word_document_meets_gbt9704(out: Path) -> None:
    documents = sorted(out.rglob("*.docx"))
    assert len(documents) > 2 * len(UNITS)
    failures = {str(p.relative_to(out)): check_gbt9704(p) for p in documents}
    assert {name: found for name, found in failures.items() if found} == {}


KINDS = [
    PLAN_DOCX,
    MASTER_XLSX,
    "各单位/dyyy-市第一人民医院/市第一人民医院2020年窗口文明服务提升行动实施方案.docx",
    "各单位/dyyy-市第一人民医院/市第一人民医院工作台账.xlsx",
    f"阶段总结/集中整治阶段/{ISSUER}{ACTIVITY}集中整治阶段工作总结.docx",
    "阶段总结/集中整治阶段/集中整治阶段统计.xlsx",
    f"阶段总结/集中整治阶段/各单位/市不动产登记中心{ACTIVITY}集中整治阶段工作总结.docx",
    "台账汇总/台账汇总.xlsx",
    "评选推荐/推荐表/文明服务示范窗口/W01-市不动产登记中心-文明服务示范窗口推荐表.docx",
    "评选推荐/推荐表/优秀窗口志愿者/V01-周小雨-优秀窗口志愿者推荐表.docx",
    "评选推荐/推荐表格/市第一人民医院推荐表格.xlsx",
    "评选推荐/2020年度全市文明服务示范窗口和文明服务标兵推荐汇总表.xlsx",
    "评选推荐/关于2020年度全市文明服务示范窗口和文明服务标兵推荐情况的报告.docx",
    f"年度总结/{ISSUER}{ACTIVITY}工作总结.docx",
    "台账汇总/关于报送集中整治阶段《云河市窗口服务单位文明服务提升行动任务台账》的催报通知.docx",
    "阶段总结/集中整治阶段/整改通知/市公交集团第三分公司整改通知.docx",
]


def test_the_list_has_a_file_of_every_kind_of_document_the_registry_names() -> None:
    """A kind added to the registry must be added here too, with one of its files."""
    listed = {getattr(kinds.kind_of(PurePath(path)), "name", None) for path in KINDS}
    wanted = {
        kind.name
        for kind in kinds.KINDS
        if kind.files and kind.engine in (kinds.Engine.DOCX, kinds.Engine.XLSX)
    }
    wanted.discard("returned")  # the annotated copy, added in the test below
    assert wanted - listed == set()


def test_one_document_of_each_kind_converts_in_libreoffice(out: Path, tmp_path: Path) -> None:
    # the annotated copy of 市不动产登记中心's careless first return
    (returned,) = (out / "台账汇总" / "退回").glob("市不动产登记中心-*.xlsx")
    pdfs = convert_many([*(out / kind for kind in KINDS), returned], tmp_path)
    assert len(pdfs) == len(KINDS) + 1
    for pdf in pdfs:
        assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 1000
    # The notice's 版记 closes an even page, and so does the PDF: a page left blank for it
    # is kept (this plan's ledger ends on an odd page).
    if not shutil.which("pdfinfo"):
        pytest.skip("未安装 poppler-utils（pdfinfo），跳过页数检查")
    info = subprocess.run(["pdfinfo", str(pdfs[0])], capture_output=True, text=True, check=True)
    pages = int(re.search(r"Pages:\s+(\d+)", info.stdout).group(1))  # type: ignore[union-attr]
    assert pages % 2 == 0
