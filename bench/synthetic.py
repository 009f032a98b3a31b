"""A synthetic plan of any size, with matching filled returns, for the benchmark.

``make_plan(folder, units=1000, targets=30)`` writes plan.yaml, units.yaml and
ledger.yaml: ``units`` 局属单位 in districts of 50 (groups of groups), a few
offices, six categories of tasks given to all units, to one district or to an
office, realistic Chinese text lengths, and quantitative targets.
``make_returns(plan, folder)`` fills every unit's issued ledger the way a unit would.
"""

from __future__ import annotations

import datetime as dt
import io
import random
from pathlib import Path

import openpyxl
import yaml

from generator.documents.ledger_workbook import SHEET, unit_ledger_spec
from generator.formats.identity import read_sheet_map
from generator.model.resolved import Plan
from generator.render.templates import TemplateSet
from generator.render.xlsx.values import workbook_bytes

DISTRICT = 50
OFFICES = ["局办公室", "局法制科", "局信息中心", "局监察室", "局精神文明办公室"]
WORDS = [
    "围绕文明服务创建目标",
    "完善岗位职责和服务规范",
    "开展宣传教育和志愿服务活动",
    "强化督查考核",
    "提升群众满意度",
]
PHASES = [
    ("P1", "宣传教育阶段", "2016-05", "2016-05"),
    ("P2", "集中提升行动阶段", "2016-06", "2016-11"),
    ("P3", "总结评比阶段", "2016-12", "2016-12"),
]


def sentence(rng: random.Random, length: int) -> str:
    text = ""
    while len(text) < length:
        text += rng.choice(WORDS) + "，"
    return text[:length].rstrip("，") + "。"


def make_plan(folder: Path, units: int = 1000, targets: int = 30, seed: int = 1) -> Path:
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    unit_rows = [
        {"id": f"o{n}", "name": name, "kind": "office", "staff_count": 6}
        for n, name in enumerate(OFFICES)
    ]
    unit_rows += [
        {
            "id": f"u{n:05d}",
            "name": f"第{n + 1}服务站",
            "kind": "unit",
            "staff_count": rng.randint(8, 200),
        }
        for n in range(units)
    ]
    districts = [
        {
            "id": f"d{k}",
            "name": f"第{k + 1}片区各单位",
            "members": [f"u{n:05d}" for n in range(k * DISTRICT, min(units, (k + 1) * DISTRICT))],
        }
        for k in range(-(-units // DISTRICT))
    ]
    groups = [*districts, {"id": "all", "name": "各单位", "includes": [d["id"] for d in districts]}]
    (folder / "units.yaml").write_text(
        yaml.safe_dump({"units": unit_rows, "groups": groups}, allow_unicode=True), "utf-8"
    )
    # The outline and ledger come from their own generator, so plans of every size share one
    # shape (the same tasks owned the same way): only the number of units differs, and the
    # time ratio between two sizes measures scaling, not a different draw of tasks.
    rng = random.Random(seed + 1)
    categories, ledger = [], []
    for c in range(6):
        tasks = []
        for t in range(max(1, targets // 6)):
            task_id = f"T{c + 1}.{t + 1}"
            owner = rng.choice(
                [
                    ["all"],
                    [rng.choice(OFFICES), "all"],
                    [f"d{rng.randrange(1 << 30) % len(districts)}"],
                    [rng.choice(OFFICES)],
                ]
            )
            tasks.append(
                {
                    "id": task_id,
                    "title": f"{sentence(rng, 10)}",
                    "text": sentence(rng, 80),
                    "responsible": owner,
                }
            )
            target: dict[str, object] = {
                "id": f"L{c + 1}{t + 1:02d}",
                "task": task_id,
                "project": f"第{c + 1}类创建项目",
                "text": sentence(rng, 60),
            }
            if rng.random() < 0.4:
                target["measures"] = [
                    {
                        "id": "m",
                        "wording": "不少于6次",
                        "reported": "开展活动次数",
                        "report_unit": "次",
                        "comparator": ">=",
                        "value": 6,
                        "unit": "次",
                        "deadline_year": 2016,
                    }
                ]
            ledger.append(target)
        categories.append({"id": f"C{c + 1}", "title": f"{sentence(rng, 12)}", "items": tasks})
    plan = {
        "id": f"synthetic-{units}",
        "title": f"{units}个单位文明服务活动方案（测试）",
        "year": 2016,
        "activity": "文明服务活动",
        "issuer": "某市文明办",
        "date": dt.date(2016, 6, 7),
        "preamble": [sentence(rng, 120)],
        "sections": [
            {"title": "指导思想", "paragraphs": [sentence(rng, 200)]},
            {"title": "活动内容", "items": categories},
            {"title": "工作步骤", "role": "phases", "child_numbering": "1."},
            {
                "title": "工作要求",
                "role": "requirements",
                "child_numbering": "1.",
                "items": [{"title": "加强领导。", "text": sentence(rng, 100)}],
            },
        ],
        "phases": [
            {
                "id": i,
                "name": n,
                "start": s,
                "end": e,
                "text": sentence(rng, 80),
                "unit_text": sentence(rng, 60),
            }
            for i, n, s, e in PHASES
        ],
    }
    (folder / "plan.yaml").write_text(
        yaml.safe_dump(plan, allow_unicode=True, sort_keys=False), "utf-8"
    )
    (folder / "ledger.yaml").write_text(
        yaml.safe_dump(
            {"title": "工作台账", "targets": ledger}, allow_unicode=True, sort_keys=False
        ),
        "utf-8",
    )
    return folder


def make_returns(plan: Plan, folder: Path, seed: int = 1) -> Path:
    """Every unit's issued ledger, filled and saved as its Excel would save it."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    engine = TemplateSet().xlsx("ledger.xlsx")
    for unit in plan.organisation.units:
        if not plan.targets_for(unit):
            continue
        book = openpyxl.load_workbook(io.BytesIO(engine.render(unit_ledger_spec(plan, unit))))
        layout = read_sheet_map(book, SHEET)
        column = {key: index for index, key in layout.columns.items()}
        sheet = book[SHEET]
        for row, key in layout.rows.items():
            sheet.cell(row, column["P2.status"]).value = rng.choice(
                ["已完成", "已完成", "正在推进", "滞后"]
            )
            sheet.cell(row, column["P2.progress"]).value = sentence(rng, 40)
            if "/" in key:
                sheet.cell(row, column["P2.figure"]).value = rng.randint(3, 9)
        book.properties.modified = dt.datetime(2016, 11, 28, 9, 0)
        (folder / f"{unit.name}台账.xlsx").write_bytes(workbook_bytes(book))
    return folder
