"""Real-client round trips: LibreOffice Calc fills our ledger through UNO, saves, we collect.

``tests/calc_client.py`` runs under the system Python that has LibreOffice's ``uno`` (Debian's
python3-uno): it opens the issued ledger in Calc, types values into cells and stores the
workbook with Calc's own filter. ``collect`` must then read exactly what was typed. Skipped
without soffice or uno; in CI (PLANDOCS_REQUIRE_SOFFICE) a missing one fails.
.ods and .xls are refused by name (see README), so their round trip is: saved as .ods, we
refuse each naming the format (.xls too); the same work saved as .xlsx is accepted.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import openpyxl
import pytest

from generator.documents.ledger_workbook import SHEET
from generator.formats.identity import read_sheet_map
from generator.read.returns import ReturnedFile, read_return, saved_utc
from tests.conftest import find_soffice
from tests.helpers import EXAMPLE, invoke
from tests.test_collect import issued

CLIENT = Path(__file__).with_name("calc_client.py")
SYSTEM_PYTHON = "/usr/bin/python3"
XLSX = "Calc MS Excel 2007 XML"
ODS = "calc8"
XLS = "MS Excel 97"


def require_calc() -> str:
    soffice = find_soffice()
    probe = subprocess.run(
        [SYSTEM_PYTHON, "-c", "import uno"], capture_output=True, text=True, check=False
    ) if Path(SYSTEM_PYTHON).exists() else None  # fmt: skip
    if probe is None or probe.returncode != 0:
        reason = (
            "跳过 Calc 实机往返测试：系统 Python 没有 uno 模块"
            "（Debian：apt-get install python3-uno）"
        )
        if os.environ.get("PLANDOCS_REQUIRE_SOFFICE"):
            pytest.fail(reason)
        pytest.skip(reason)
    return soffice


def calc(jobs: list[dict], work: Path) -> None:
    """Run the UNO client once for ``jobs`` (one LibreOffice start)."""
    soffice = require_calc()
    for job in jobs:
        job["profile"] = str(work / "profile")
    spec = work / "jobs.json"
    spec.write_text(json.dumps(jobs, ensure_ascii=False), encoding="utf-8")
    env = {**os.environ, "SOFFICE": soffice}
    env.pop("PYTHONPATH", None)
    done = subprocess.run(
        [SYSTEM_PYTHON, str(CLIENT), str(spec)], env=env, capture_output=True, text=True,
        timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]


class Layout:
    """Cell addresses of one unit's issued ledger, by row key and column key."""

    def __init__(self, data: bytes) -> None:
        import io

        book = openpyxl.load_workbook(io.BytesIO(data))
        layout = read_sheet_map(book, SHEET)
        self.columns = {key: index for index, key in layout.columns.items()}
        self.rows = {key: row for row, key in layout.rows.items()}

    def at(self, key: str, column: str) -> str:
        return f"{openpyxl.utils.get_column_letter(self.columns[column])}{self.rows[key]}"


def typed_values(layout: Layout) -> tuple[dict[str, object], dict[str, dict[str, tuple]]]:
    """What staff type (cell -> value) and what collect must read (row -> phase -> report)."""
    cells: dict[str, object] = {}
    expected: dict[str, dict[str, tuple]] = {}
    for n, key in enumerate(layout.rows):
        status = ["已完成", "正在推进", "滞后"][n % 3]
        text = f"第{n + 1}项：6月1日召开动员会，\n印发方案 {n}份"
        if n == 0:
            text = "照抄的文字 _x000D_ 与 _x000B_ 原样保留"
        cells[layout.at(key, "P1.status")] = status
        cells[layout.at(key, "P1.progress")] = text
        figure = None
        if "/" in key:
            figure = float(n + 2)
            cells[layout.at(key, "P1.figure")] = figure
        expected[key] = {"P1": (status, text, figure)}
    return cells, expected


def reports(out: Path, unit: str) -> dict[str, dict[str, tuple]]:
    record = json.loads((out / "台账汇总" / "进度记录.json").read_text("utf-8"))
    rows = record["accepted"][unit]["rows"]
    return {
        key: {p: (r["status"], r["progress"], r["figure"]) for p, r in phases.items()}
        for key, phases in rows.items()
    }


@pytest.fixture(autouse=True)
def office_time_zone(beijing: None) -> None:
    """Calc and collect on machines in one time zone (a bureau and its units), not UTC."""


def collect(returns: Path, out: Path) -> tuple[int, str]:
    return invoke("collect", str(returns), "--data", str(EXAMPLE), "--out", str(out))


def test_ledger_filled_and_saved_in_calc_is_read_exactly(tmp_path: Path) -> None:
    source = tmp_path / "局工会台账.xlsx"
    source.write_bytes(issued("gyzz"))
    layout = Layout(source.read_bytes())
    cells, expected = typed_values(layout)
    returns = tmp_path / "returns"
    returns.mkdir()
    target = returns / "局工会台账.xlsx"
    before = time.time()
    calc([{"source": str(source), "target": str(target), "filter": XLSX, "cells": cells}], tmp_path)
    code, output = collect(returns, tmp_path / "out")
    assert code == 0, output
    assert reports(tmp_path / "out", "gyzz") == expected
    assert "标识表" not in output  # Calc's hidden identity sheet is not the unit's doing
    # Calc writes local time marked as UTC; read as local time it is the real moment
    opened = read_return(ReturnedFile(target, target.read_bytes()))
    assert "LibreOffice" in opened.application
    utc = saved_utc(opened.stamp, opened.application, dt.datetime.now(dt.timezone.utc))
    moment = dt.datetime.fromisoformat(utc).replace(tzinfo=dt.timezone.utc).timestamp()
    assert before - 120 < moment < time.time() + 120, (opened.stamp, utc)


def test_the_rejected_copy_corrected_in_calc_is_accepted(tmp_path: Path) -> None:
    """A unit gets its annotated 退回 copy, corrects it in Calc and sends it back."""
    source = tmp_path / "局法制科台账.xlsx"
    source.write_bytes(issued("fzk"))
    layout = Layout(source.read_bytes())
    cells, expected = typed_values(layout)
    first_key = next(iter(layout.rows))
    wrong = {**cells, layout.at(first_key, "P1.status"): "完成"}
    day1, day2, out = tmp_path / "day1", tmp_path / "day2", tmp_path / "out"
    day1.mkdir()
    day2.mkdir()
    calc([{"source": str(source), "target": str(day1 / source.name), "filter": XLSX,
           "cells": wrong}], tmp_path)  # fmt: skip
    code, output = collect(day1, out)
    assert code == 2 and "「完成」不是可选值" in output
    (annotated,) = (out / "台账汇总" / "退回").iterdir()
    fix = {layout.at(first_key, "P1.status"): cells[layout.at(first_key, "P1.status")]}
    shutil.rmtree(tmp_path / "profile", ignore_errors=True)
    calc([{"source": str(annotated), "target": str(day2 / "局法制科台账（改正）.xlsx"),
           "filter": XLSX, "cells": fix}], tmp_path)  # fmt: skip
    code, output = collect(day2, out)
    assert code == 0, output
    assert reports(out, "fzk") == expected
    assert "退回待改正 0 份" in output


def test_saved_as_ods_or_xls_is_refused_by_name_and_as_xlsx_accepted(tmp_path: Path) -> None:
    source = tmp_path / "局工会台账.xlsx"
    source.write_bytes(issued("gyzz"))
    cells, expected = typed_values(Layout(source.read_bytes()))
    returns = tmp_path / "returns"
    returns.mkdir()
    calc(
        [
            {"source": str(source), "target": str(returns / "局工会台账.ods"), "filter": ODS,
             "cells": cells},
            {"source": str(source), "target": str(returns / "局工会台账.xls"),
             "filter": XLS, "cells": cells},
        ],
        tmp_path,
    )  # fmt: skip
    code, output = collect(returns, tmp_path / "out")
    assert code == 2
    assert "OpenDocument 电子表格（.ods）" in output and "已损坏" not in output
    assert "旧版 .xls 格式" in output
    # the unit re-saves its .ods as .xlsx in Calc: accepted, exactly what it typed
    fixed = tmp_path / "fixed"
    fixed.mkdir()
    shutil.rmtree(tmp_path / "profile", ignore_errors=True)
    calc([{"source": str(returns / "局工会台账.ods"), "target": str(fixed / "局工会台账.xlsx"),
           "filter": XLSX, "cells": {}}], tmp_path)  # fmt: skip
    code, output = collect(fixed, tmp_path / "out")
    assert code == 0, output
    assert reports(tmp_path / "out", "gyzz") == expected
