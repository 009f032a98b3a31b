"""Write the bundled example's returned ledgers (data/jiaozuo2016/returns/).

Each unit's phase-1 ledger is filled the way its office would fill it in November,
then saved with the time its Excel would record. The set shows every path of
``plandocs collect``: complete units, lagging ones, a quantitative target missed,
a unit that never reports, and a careless return followed by its correction.
Run ``python tools/make_example_returns.py`` after changing the example plan.
"""

from __future__ import annotations

import datetime as dt
import io
import sys
from pathlib import Path

import openpyxl

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from generator.build.ledger_workbook import SHEET, unit_ledger_spec  # noqa: E402
from generator.read.plan_reader import read_plan  # noqa: E402
from generator.render.templates import TemplateSet  # noqa: E402
from generator.render.xlsx_engine import read_sheet_map, workbook_bytes  # noqa: E402
from generator.write.atomic import write_bytes_atomic  # noqa: E402

DATA = ROOT / "data" / "jiaozuo2016"
RETURNS = DATA / "returns"

# What a unit writes for a target, by target id: (done, under way).
TEXTS = {
    "L01a": (
        "辖区绿地内灯杆、阅报栏商业广告已全部更换为核心价值观公益广告",
        "已更换灯杆广告，阅报栏广告正在更换",
    ),
    "L01b": ("主要出入口均已设置核心价值观宣传栏、宣传墙", "部分出入口宣传栏已设置，其余正在制作"),
    "L01c": ("主题公园、主题道路宣传设施已建成并投入使用", "主题道路宣传设施正在施工"),
    "L02": ("机关办公区建成核心价值观文化墙一处、黑板报两块", "文化廊设计方案已定稿，正在施工"),
    "L03": (
        "已将核心价值观学习列入年度学习计划，举办讲座和道德讲堂",
        "已举办讲座，道德讲堂按计划推进",
    ),
    "L04": (
        "文明单位创建已列入班子议事日程，按测评体系逐项落实",
        "已对照测评体系梳理差距，正在整改",
    ),
    "L05": ("修订岗位职责和文明服务规范，汇编规章制度", "岗位职责已修订，服务规范正在征求意见"),
    "L06": ("审批事项全部实行承诺服务、限时办结和一站式办理", "已公布承诺时限，一站式办理正在完善"),
    "L07": (
        "权力清单和行政许可流程已在局网站公布，网上审批已开通",
        "网站栏目已建成，网上审批正在调试",
    ),
    "L08": (
        "党员志愿者服务队开展绿色环保、清洁家园等公益活动",
        "志愿者注册正在进行，已开展公益活动",
    ),
    "L09": ("志愿者服务站已设立，创办“绿色守护”特色志愿服务", "服务站选址已定，特色项目正在筹划"),
    "L10": (
        "职工佩戴胸牌上岗，岗位职责上墙，服务承诺公开，开展三层次评议",
        "胸牌已配发，评议活动正在组织",
    ),
    "L11": ("开展“岗位学雷锋”活动，评选岗位学雷锋标兵", "学雷锋活动已启动，标兵评选正在推进"),
    "L12": ("开展作风纪律常态化监督检查，未发现“四风”问题", "已开展自查，专项检查正在进行"),
    "L13": (
        "开展纪律明察暗访，严格执行请销假和值班带班制度",
        "已开展暗访一次，制度执行情况正在督查",
    ),
}

# Phase-2 figures by measure id for most units; the exceptions are in SCENARIOS.
FIGURES = {
    "boards": 3,
    "lectures": 7,
    "county-level": 1,
    "city-level": 0,
    "volunteers": None,
    "activities": 8,
}
NOVEMBER = dt.datetime(2016, 11, 28, 9, 30)


def status_for(unit_id: str, key: str) -> str:
    """Phase-2 status: most targets done; a few units lag on some."""
    lagging = {"mpc": ("L05", "L10", "L12"), "zwy": ("L01c",), "gcc": ("L04",)}
    under_way = {"lhglc": ("L01b", "L03"), "jujiguan": ("L02",), "xxzx": ("L07",)}
    target = key.split("/")[0]
    if target in lagging.get(unit_id, ()):
        return "滞后"
    if target in under_way.get(unit_id, ()):
        return "正在推进"
    return "已完成"


def fill(book: openpyxl.Workbook, plan, unit, careless: bool = False) -> None:  # type: ignore[no-untyped-def]
    ws = book[SHEET]
    layout = read_sheet_map(book, SHEET)
    column = {key: index for index, key in layout.columns.items()}
    for row, key in layout.rows.items():
        target, _, measure = key.partition("/")
        done, doing = TEXTS[target]
        ws.cell(row, column["P1.status"]).value = "已完成"
        ws.cell(row, column["P1.progress"]).value = f"已组织学习并制定措施：{doing}"
        status = status_for(unit.id, key)
        ws.cell(row, column["P2.status"]).value = status
        ws.cell(row, column["P2.progress"]).value = {
            "已完成": done,
            "正在推进": doing,
            "滞后": f"受经费和人员调整影响进度滞后，{doing}",
        }[status]
        if measure:
            # In May the year's figures are only partly reached: under way, not done.
            ws.cell(row, column["P1.status"]).value = "正在推进"
            ws.cell(row, column["P1.figure"]).value = figure(unit, measure) // 2
            ws.cell(row, column["P2.figure"]).value = figure(unit, measure)
    if careless:
        first = min(layout.rows)
        ws.cell(first, column["P2.status"]).value = "完成"  # not one of the choices
        ws.cell(first + 1, column["P2.progress"]).value = None  # 已完成 without a word
        lectures = next(r for r, k in layout.rows.items() if k.endswith("/lectures"))
        ws.cell(lectures, column["P2.figure"]).value = "六次"  # not a number


def figure(unit, measure: str) -> int:  # type: ignore[no-untyped-def]
    if measure == "volunteers":
        share = 0.25 if unit.id == "gyzz" else 0.34  # 公园党总支 misses the 30% target
        return round(unit.staff_count * share)
    if measure == "lectures" and unit.id == "mpc":
        return 4  # 苗圃场 held 4 of 6 lectures
    return FIGURES[measure]  # type: ignore[return-value]


def save(book: openpyxl.Workbook, saved: dt.datetime, who: str) -> bytes:
    """What the unit's Excel writes: the workbook with its own save time inside."""
    book.properties.modified = saved
    book.properties.lastModifiedBy = who
    return workbook_bytes(book)


def main() -> None:
    plan = read_plan(DATA)
    engine = TemplateSet().xlsx("ledger.xlsx")
    for old in RETURNS.glob("*"):
        old.unlink()
    for n, unit in enumerate(plan.organisation.units):
        if unit.id == "kys" or not plan.duties(unit):
            continue  # 园林科学研究所 never reports
        issued = engine.render(unit_ledger_spec(plan, unit))
        saved = NOVEMBER + dt.timedelta(minutes=17 * n)
        name = f"{unit.name}工作台账.xlsx"
        if unit.id == "lyhgy":
            careless = openpyxl.load_workbook(io.BytesIO(issued))
            fill(careless, plan, unit, careless=True)
            first = save(careless, saved - dt.timedelta(days=2), f"{unit.name}办公室")
            write_bytes_atomic(RETURNS / f"{unit.name}台账（第一次报送）.xlsx", first)
            name = f"{unit.name}台账（修改后）.xlsx"
        book = openpyxl.load_workbook(io.BytesIO(issued))
        fill(book, plan, unit)
        write_bytes_atomic(RETURNS / name, save(book, saved, f"{unit.name}办公室"))
    # Excel leaves a lock file beside a workbook that is open; units mail them by accident.
    write_bytes_atomic(
        RETURNS / "~$龙源湖公园管理处台账（修改后）.xlsx", b"\x0c\x00lock" + b"\x00" * 150
    )
    print(f"已写出 {len(list(RETURNS.glob('*')))} 个文件到 {RETURNS}")


if __name__ == "__main__":
    main()
