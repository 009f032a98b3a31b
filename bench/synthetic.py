"""A synthetic plan of any size, with matching filled returns, for the benchmark.

``make_plan(folder, units=1000, targets=30)`` writes plan.yaml, units.yaml and
ledger.yaml: ``units`` 局属单位 in districts of 50 (groups of groups), a few
offices, six categories of tasks given to all units, to one district or to an
office, realistic Chinese text lengths, and quantitative targets.
``make_returns(plan, folder)`` fills every unit's issued ledger the way a unit would.
The plan has an awards.yaml (three awards, as the bundled examples'), and
``make_nomination_returns(plan, folder)`` fills the nomination workbook (推荐表格) that
``plandocs nominate --forms`` issues, for a share of the units, the way they send it back.
"""

from __future__ import annotations

import datetime as dt
import io
import random
from dataclasses import replace
from pathlib import Path

import openpyxl
import yaml

from generator.documents.ledger_workbook import SHEET, unit_ledger_spec
from generator.documents.nomination_workbook import nomination_form_spec
from generator.formats.identity import read_sheet_map
from generator.model.awards import CHOICES, Award
from generator.model.plan import Unit
from generator.model.resolved import Plan
from generator.render.templates import TemplateSet
from generator.render.workbook_spec import CellValue, WorkbookSpec
from generator.render.xlsx.engine import XlsxEngine
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
    write_awards(folder)
    return folder


def write_awards(folder: Path) -> Path:
    """awards.yaml beside the plan (a plan made before it had one gains it: the ledgers'
    versions hash only what each ledger shows, so its returns stay valid)."""
    path = folder / "awards.yaml"
    path.write_text(yaml.safe_dump(AWARDS, allow_unicode=True, sort_keys=False), "utf-8")
    return path


# The bundled example's three awards: a collective per unit (here from units that completed
# 40% of the year's ledger: the synthetic returns report about a third done, so some pass and
# some do not), one person per 50 staff, one 岗位学雷锋标兵 per unit.
AWARDS = {
    "title": "2016年度文明服务先进集体和先进个人",
    "awards": [
        {
            "id": "collective",
            "name": "先进集体",
            "kind": "collective",
            "rules": {"min_unit_completion": 0.4, "max_per_unit": 1},
        },
        {
            "id": "individual",
            "name": "先进个人",
            "kind": "individual",
            "rules": {"staff_per_nominee": 50, "min_age": 18, "max_age": 60},
        },
        {
            "id": "leifeng",
            "name": "岗位学雷锋标兵",
            "kind": "individual",
            "rules": {"max_per_unit": 1},
        },
    ],
    "report": {
        "to": "市文明委",
        "title": "关于推荐2016年度文明服务先进集体和先进个人的报告",
        "date": dt.date(2016, 12, 20),
        "opening": "根据活动方案要求，我办在全市开展了文明服务先进集体、先进个人推荐工作，"
        "现将推荐情况报告如下：",
        "contact": "某市文明办，0391-0000000",
    },
}


def make_returns(plan: Plan, folder: Path, seed: int = 1, fast: bool = False) -> Path:
    """Every unit's issued ledger, filled and saved as its Excel would save it.

    ``fast``: the same values written by our own engine into the issued workbook instead
    (no openpyxl round trip: several times faster, for 10,000 units; the cells read the same).
    """
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    engine = TemplateSet().xlsx("ledger.xlsx")
    saved = dt.datetime(2016, 11, 28, 9, 0)
    for unit in plan.organisation.units:
        if not plan.targets_for(unit):
            continue
        spec = unit_ledger_spec(plan, unit)
        values = {row.key: _ledger_values(rng, row.key) for row in spec.sheets[0].rows}
        data = filled(engine, spec, {SHEET: values}, saved, fast)
        (folder / f"{unit.name}台账.xlsx").write_bytes(data)
    return folder


def _ledger_values(rng: random.Random, key: str) -> dict[str, CellValue]:
    values: dict[str, CellValue] = {
        "P2.status": rng.choice(["已完成", "已完成", "正在推进", "滞后"]),
        "P2.progress": sentence(rng, 40),
    }
    if "/" in key:  # a measure's row: the figure reported
        values["P2.figure"] = rng.randint(3, 9)
    return values


def filled(
    engine: XlsxEngine,
    spec: WorkbookSpec,
    values: dict[str, dict[str, dict[str, CellValue]]],
    saved: dt.datetime,
    fast: bool = False,
) -> bytes:
    """The issued workbook with ``values`` (sheet → row key → column key → value) typed in.

    As a unit's Excel saves it (openpyxl loads the issued file, the cells are set, it is
    saved with ``saved`` as its time), or, ``fast``, rendered with the values by our engine
    (the identity stays the issued one, so the file is still the unit's issued workbook).
    """
    if fast:
        sheets = [
            replace(
                sheet,
                rows=[
                    replace(
                        row, values={**row.values, **values.get(sheet.name, {}).get(row.key, {})}
                    )
                    for row in sheet.rows
                ],
            )
            for sheet in spec.sheets
        ]
        return engine.render(replace(spec, sheets=sheets, created=saved))
    book = openpyxl.load_workbook(io.BytesIO(engine.render(spec)))
    for name, rows in values.items():
        layout = read_sheet_map(book, name)
        column = {key: index for index, key in layout.columns.items()}
        number = {key: row for row, key in layout.rows.items()}
        for key, cells in rows.items():
            for field, value in cells.items():
                book[name].cell(number[key], column[field]).value = value
    book.properties.modified = saved
    return workbook_bytes(book)


SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华"
ROLES = ["科长", "副科长", "窗口负责人", "服务标兵", "业务骨干"]


def person_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))


def _story(rng: random.Random) -> str:
    """主要事迹 in three paragraphs; about one in twenty is too short (under 300 characters),
    as a unit in a hurry writes it, so the rules have something to turn down."""
    length = rng.randint(200, 280) if rng.random() < 0.05 else rng.randint(320, 700)
    third = length // 3
    return "\n".join(sentence(rng, n) for n in (third, third, length - 2 * third))


def _person(rng: random.Random, unit: Unit) -> dict[str, CellValue]:
    born = rng.randint(1952, 1994)  # a few over 60 in 2016: turned down by the age rule
    return {
        "name": person_name(rng),
        "gender": rng.choice(CHOICES["gender"]),
        "ethnicity": rng.choice(["汉族", "汉族", "汉族", "回族", "满族"]),
        "birth": f"{born}-{rng.randint(1, 12):02d}",
        "politics": rng.choice(CHOICES["politics"]),
        "education": rng.choice(CHOICES["education"]),
        "work_start": f"{born + rng.randint(18, 24)}-07",
        "position": f"{unit.name}{rng.choice(ROLES)}",
        "phone": f"139{rng.randrange(10**8):08d}",
        "honours": rng.choice(["", "2015年度优秀共产党员", "2015年度先进工作者"]),
        "story": _story(rng),
    }


def _collective(rng: random.Random, unit: Unit) -> dict[str, CellValue]:
    head = person_name(rng)
    return {
        "name": unit.name,
        "nature": rng.choice(CHOICES["nature"]),
        "head": head,
        "staff": str(unit.staff_count or 10),
        "contact": f"{head} 0391-{rng.randrange(10**7):07d}",
        "honours": rng.choice(["", "2015年度市级文明单位"]),
        "story": _story(rng),
    }


def _household(rng: random.Random, unit: Unit) -> dict[str, CellValue]:
    head = person_name(rng)
    return {
        "name": head,
        "address": f"{unit.name}服务社区{rng.randint(1, 30)}号楼",
        "family": f"{head}、{person_name(rng)}、{person_name(rng)}",
        "phone": f"139{rng.randrange(10**8):08d}",
        "honours": "",
        "story": _story(rng),
    }


KINDS = {"collective": _collective, "individual": _person, "household": _household}


def _nominee(rng: random.Random, award: Award, unit: Unit, keys: set[str]) -> dict[str, CellValue]:
    """One row of the award's sheet: the fields its form has (an award may ask for fewer)."""
    return {k: v for k, v in KINDS[award.kind](rng, unit).items() if k in keys}


def make_nomination_returns(
    plan: Plan, folder: Path, share: float = 0.2, seed: int = 1, fast: bool = False
) -> list[Path]:
    """The issued 推荐表格 of about ``share`` of the units, filled and saved as Excel would
    (``fast``: as :func:`make_returns`).

    Each returning unit puts forward a collective (half of them), one or more people up to
    its quota, and a 岗位学雷锋标兵 (two in three); the rows it leaves empty stay empty. About
    one story in twenty is too short and some people are too old: the rules turn them down.
    The same plan, share and seed make the same files, byte for byte.
    """
    assert plan.awards is not None, "the plan has no awards.yaml"
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    engine = TemplateSet().xlsx("ledger.xlsx")
    keep = {"collective": 0.5, "leifeng": 0.67}
    saved = dt.datetime(2016, 12, 10, 9, 0)
    made = []
    for unit in plan.organisation.units:
        if rng.random() >= share:
            continue
        spec = nomination_form_spec(plan, unit)
        values: dict[str, dict[str, dict[str, CellValue]]] = {}
        for award, sheet in zip(plan.awards.awards, spec.sheets, strict=True):
            rows = [row.key for row in sheet.rows]
            count = rng.randint(1, len(rows)) if rng.random() < keep.get(award.id, 1.0) else 0
            keys = {column.key for column in sheet.columns}
            values[sheet.name] = {key: _nominee(rng, award, unit, keys) for key in rows[:count]}
        path = folder / f"{unit.name}推荐表格.xlsx"
        path.write_bytes(filled(engine, spec, values, saved, fast))
        made.append(path)
    return made
