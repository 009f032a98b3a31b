"""A stress plan for the page check, and the document sets the check lays out.

The stress plan is the 云河 example made harder where pages break: 66 units (24 more
window units with long names, all in the 政务服务窗口 group, so every task and chart
has them), a long 署名, a 发文机关标志 that would take two lines at 小初, and a
主要事迹 three times as long. Its returns are written by the example's own scenario.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import yaml

from tests.helpers import ROOT, invoke

EXAMPLES = ("jiaozuo2016", "yunhe2020")
EXTRA_UNITS = 24
# Long names: about 20 字, and words (服务中心, 分局) a line break must not cut.
LONG_NAMES = (
    "云河市经济技术开发区智慧政务服务第{n}分中心",
    "云河市高新技术产业开发区税务局第{n}办税服务厅",
    "云河市城乡居民医疗保险经办服务第{n}网点",
)
LONG_AUTHORITY = "云河市精神文明建设指导委员会办公室云河市政务服务管理局文件"
LONG_ISSUER = "云河市精神文明建设指导委员会办公室云河市政务服务管理局窗口服务提升行动领导小组"


def make_stress_plan(folder: Path) -> Path:
    """Write the stress plan (and its returned ledgers) into ``folder``; return it."""
    shutil.copytree(ROOT / "data" / "yunhe2020", folder, ignore=shutil.ignore_patterns("returns"))
    units_file = folder / "units.yaml"
    units = yaml.safe_load(units_file.read_text("utf-8"))
    extra = [
        {
            "id": f"st{n:02d}",
            "name": LONG_NAMES[n % len(LONG_NAMES)].format(n=n + 1),
            "kind": "unit",
            "staff_count": 20 + 3 * n,
        }
        for n in range(EXTRA_UNITS)
    ]
    units["units"] += extra
    group = next(g for g in units["groups"] if g["id"] == "gov")
    group["members"] += [u["id"] for u in extra]
    units_file.write_text(yaml.safe_dump(units, allow_unicode=True, sort_keys=False), "utf-8")
    plan_file = folder / "plan.yaml"
    plan = yaml.safe_load(plan_file.read_text("utf-8"))
    plan["issuer"] = LONG_ISSUER
    plan["notice"]["authority"] = LONG_AUTHORITY
    plan_file.write_text(yaml.safe_dump(plan, allow_unicode=True, sort_keys=False), "utf-8")
    nominations_file = folder / "nominations.yaml"
    nominations = yaml.safe_load(nominations_file.read_text("utf-8"))
    first = nominations["nominations"][0]
    first["story"] = "\n".join([first["story"].strip()] * 3)
    nominations_file.write_text(
        yaml.safe_dump(nominations, allow_unicode=True, sort_keys=False), "utf-8"
    )
    sys.path.insert(0, str(ROOT))
    from tools.make_example_returns import write_returns
    from tools.returns_scenarios import SCENARIOS

    write_returns(SCENARIOS["yunhe2020"], folder)
    return folder


def build_set(data: Path, out: Path) -> Path:
    """Every document of the year for ``data`` into ``out``, as `make all` writes them."""
    steps = [
        ("plan",),
        ("collect", str(data / "returns")),
        ("summary", "--phase", "1"),
        ("summary", "--phase", "2"),
        ("nominate", "--forms"),
        ("nominate",),
        ("summary", "--phase", "3"),
    ]
    for step in steps:
        code, output = invoke(*step, "--data", str(data), "--out", str(out))
        if code != 0:
            raise RuntimeError(f"plandocs {' '.join(step)} 失败（{code}）：{output}")
    return out


def build_all(root: Path) -> list[Path]:
    """Both examples and the stress plan, each in ``root/<name>``; their output folders."""
    outs = []
    for name in EXAMPLES:
        outs.append(build_set(ROOT / "data" / name, root / name))
    stress = make_stress_plan(root / "stress-data")
    outs.append(build_set(stress, root / "stress"))
    return outs
