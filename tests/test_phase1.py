"""Phase 1 end to end on the bundled example: content, per-unit scope, determinism."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import docx
import openpyxl
import pytest
import yaml
from click.testing import CliRunner

from generator.cli import main
from generator.formats.identity import read_identity, read_row_keys
from tests.conftest import convert_many
from tests.gbt9704_checks import check_gbt9704
from tests.helpers import EXAMPLE, FIXTURES, copy_example, edit, normalise

PLAN_DOCX = "方案/2016年焦作市园林局文明服务活动方案.docx"
MASTER_XLSX = "方案/焦作市园林局文明服务创建工作台账.xlsx"


def unit_docx(folder: str, name: str) -> str:
    return f"各单位/{folder}/{name}2016年文明服务活动实施方案.docx"


def unit_xlsx(folder: str, name: str) -> str:
    return f"各单位/{folder}/{name}工作台账.xlsx"


def run_plan(data: Path, out: Path, *extra: str) -> str:
    result = CliRunner().invoke(main, ["plan", "--data", str(data), "--out", str(out), *extra])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("phase1")
    run_plan(EXAMPLE, folder / "out")
    return folder / "out"


def body_paragraphs(path: Path) -> list[str]:
    return [p.text for p in docx.Document(str(path)).paragraphs if p.text.strip()]


def seed_body() -> list[str]:
    lines = (FIXTURES / "seed_body.txt").read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line and not line.startswith("#")]


def test_plan_paragraphs_equal_the_seed_in_order(out: Path) -> None:
    expected = [*seed_body(), "附件", "焦作市园林局文明服务创建工作台账"]
    # GB/T 9704 puts the label 附件 above the attachment's title; the web copy lacks it.
    assert [normalise(p) for p in body_paragraphs(out / PLAN_DOCX)] == [
        normalise(p) for p in expected
    ]


def ledger_table_rows(path: Path) -> list[dict]:
    table = docx.Document(str(path)).tables[0]
    rows = []
    for tr in table.rows[1:]:
        cells = tr._tr.tc_lst
        texts = [
            "\n".join(p.text for p in cell.iterchildren(docx.oxml.ns.qn("w:p")) if True)
            for cell in cells
        ]
        merged = [
            cell.tcPr is not None
            and cell.tcPr.find(docx.oxml.ns.qn("w:vMerge")) is not None
            and cell.tcPr.find(docx.oxml.ns.qn("w:vMerge")).get(docx.oxml.ns.qn("w:val"))
            != "restart"
            for cell in cells
        ]
        rows.append(
            {
                "seq": texts[0],
                "project": "" if merged[1] else texts[1],
                "content": [line for line in texts[2].split("\n") if line],
                "responsible": texts[3],
                "status": texts[4],
            }
        )
    return rows


def test_ledger_table_equals_the_seed_row_by_row(out: Path) -> None:
    seed = json.loads((FIXTURES / "seed_ledger.json").read_text(encoding="utf-8"))["rows"]
    # The web copy repeats one cell's text ("…各单位局精神文明办公室、各单位"); the data
    # names those units once, so the document does too.
    repaired = {"局精神文明办公室、各单位局精神文明办公室、各单位": "局精神文明办公室、各单位"}
    rows = ledger_table_rows(out / PLAN_DOCX)
    assert len(rows) == len(seed) == 13
    for n, (got, want) in enumerate(zip(rows, seed, strict=True), 1):
        assert got["seq"] == str(n)
        assert normalise(got["project"]) == normalise(want["project"])
        assert [normalise(c) for c in got["content"]] == [normalise(c) for c in want["content"]]
        assert normalise(got["responsible"]) == normalise(
            repaired.get(want["responsible"], want["responsible"])
        )
        assert got["status"] == ""


TARGETS = {
    t["id"]: t for t in yaml.safe_load((EXAMPLE / "ledger.yaml").read_text("utf-8"))["targets"]
}
ALL_UNITS = ["L02", "L03", "L04", "L05", "L10", "L11", "L12", "L13"]
EXPECTED = {
    # named directly: 局法制科 leads 行政审批 and 互联网+政务服务
    ("fzk-局法制科", "局法制科"): {
        "targets": ["L06", "L07"],
        "rows": ["L06", "L07"],
        "roles": ["牵头", "牵头"],
    },
    # only through 各单位: every 各单位 target, as a co-operating unit
    ("gcc-园林绿化工程处", "园林绿化工程处"): {
        "targets": ALL_UNITS,
        "rows": [
            "L02",
            "L03/lectures",
            "L04/county-level",
            "L04/city-level",
            "L05",
            "L10",
            "L11",
            "L12",
            "L13",
        ],
        "roles": ["配合"] * 9,
    },
    # through 各绿地监管单位 (leads 进绿地) and through 各单位
    ("rmgy-人民公园管理处", "人民公园管理处"): {
        "targets": ["L01a", "L01b", "L01c", *ALL_UNITS],
        "rows": [
            "L01a",
            "L01b/boards",
            "L01c",
            "L02",
            "L03/lectures",
            "L04/county-level",
            "L04/city-level",
            "L05",
            "L10",
            "L11",
            "L12",
            "L13",
        ],
        "roles": ["牵头"] * 3 + ["配合"] * 9,
    },
    # through 局属各总支、支部: the volunteer targets, with both measures
    ("gyzz-公园党总支", "公园党总支"): {
        "targets": ["L08", "L09"],
        "rows": ["L08/volunteers", "L08/activities", "L09"],
        "roles": ["牵头"] * 3,
    },
}


def plan_targets(path: Path) -> list[str]:
    """The target paragraphs listed under 台账目标： in a 实施方案, numbering stripped."""
    found, style = [], None
    for text in body_paragraphs(path):
        if text == "台账目标：":
            style = "start"
            continue
        if style and text.startswith("量化指标："):
            continue
        number = re.match(r"^(（\d+）|\d+\.)", text)
        kind = number and ("（" if number.group().startswith("（") else ".")
        if style and number and style in ("start", kind):
            style = kind
            found.append(text[number.end() :])
            continue
        style = None
    return found


@pytest.mark.parametrize("unit", list(EXPECTED), ids=lambda u: u[1])
def test_unit_plan_lists_exactly_its_targets(out: Path, unit: tuple[str, str]) -> None:
    # Each target by its text -- or, where it only restates its task (printed just above),
    # by its short name (issue 13) -- with its number in the 方案's ledger.
    listed = plan_targets(out / unit_docx(*unit))
    assert len(listed) == len(EXPECTED[unit]["targets"]), listed
    for entry, target_id in zip(listed, EXPECTED[unit]["targets"], strict=True):
        target = TARGETS[target_id]
        own = target["text"].replace("各单位", "本单位").rstrip("。；")  # the unit's voice
        assert entry.startswith(own + "（台账第") or entry.startswith(
            target["short"] + "：按上述任务要求完成（台账第"
        ), (target_id, entry)


def test_unit_plan_opening_title_and_phases(out: Path) -> None:
    paragraphs = body_paragraphs(out / unit_docx("fzk-局法制科", "局法制科"))
    assert paragraphs[0] == "局法制科2016年文明服务活动实施方案"
    assert (
        paragraphs[1]
        == "根据《2016年焦作市园林局文明服务活动方案》要求，结合本单位实际，制定本实施方案。"
    )
    joined = "\n".join(paragraphs)
    for phase in (
        "宣传教育阶段（5月份）",
        "集中提升行动阶段（6至11月份）",
        "总结评比阶段（12月份）",
    ):
        assert phase in joined
    assert "本单位职责：牵头（责任单位：局法制科、局生产技术科、局绿化办）" in paragraphs
    assert "（一）大力开展文明服务活动。" in paragraphs
    assert paragraphs[-2:] == ["局法制科", "2016年6月14日"]  # a week after the bureau's plan
    # 局法制科 has nothing to do with volunteers or 三亮三评
    assert "志愿者" not in joined and "三亮三评" not in joined


def test_quantitative_target_shown_in_unit_plan(out: Path) -> None:
    joined = "\n".join(body_paragraphs(out / unit_docx("gyzz-公园党总支", "公园党总支")))
    assert (
        "量化指标：占职工总数的30%以上（本单位；填报注册志愿者人数，单位：人；2016年底前）"
        in joined
    )
    assert "量化指标：不少6次" in joined


@pytest.mark.parametrize("unit", list(EXPECTED), ids=lambda u: u[1])
def test_unit_ledger_rows_and_identity(out: Path, unit: tuple[str, str]) -> None:
    book = openpyxl.load_workbook(out / unit_xlsx(*unit))
    identity = read_identity(book)
    assert identity["unit_id"] == unit[0].split("-")[0]
    assert identity["unit_name"] == unit[1]
    assert identity["kind"] == "unit-ledger"
    assert re.fullmatch(r"[0-9a-f]{16}", identity["plan_version"])
    keys = read_row_keys(book, "台账")
    assert list(keys.values()) == EXPECTED[unit]["rows"]
    sheet = book["台账"]
    headers = {
        cell.value: cell.column for row in sheet.iter_rows(max_row=6) for cell in row if cell.value
    }
    roles = [sheet.cell(row, headers["本单位职责"]).value for row in keys]
    merged_roles = _unmerge(sheet, list(keys), headers["本单位职责"], roles)
    assert merged_roles == EXPECTED[unit]["roles"]


def _unmerge(sheet, rows: list[int], column: int, values: list) -> list:
    """Values of a column where vertically merged cells repeat the top cell's value."""
    result = []
    for row, value in zip(rows, values, strict=True):
        if value is None:
            for merged in sheet.merged_cells.ranges:
                if (
                    merged.min_col <= column <= merged.max_col
                    and merged.min_row <= row <= merged.max_row
                ):
                    value = sheet.cell(merged.min_row, column).value
        result.append(value)
    return result


def test_number_cells_only_where_the_target_is_quantitative(out: Path) -> None:
    book = openpyxl.load_workbook(out / unit_xlsx("gyzz-公园党总支", "公园党总支"))
    sheet = book["台账"]
    keys = read_row_keys(book, "台账")
    figure_columns = [
        c.column for row in sheet.iter_rows(max_row=6) for c in row if c.value == "完成数"
    ]
    assert len(figure_columns) == 3  # one per phase
    for row, key in keys.items():
        for column in figure_columns:
            locked = sheet.cell(row, column).protection.locked
            assert locked == ("/" not in key), (key, column)


def test_master_ledger_has_every_reporting_line(out: Path) -> None:
    book = openpyxl.load_workbook(out / MASTER_XLSX)
    assert read_identity(book)["kind"] == "master-ledger"
    keys = list(read_row_keys(book, "台账").values())
    expected = []
    for target in TARGETS.values():
        measures = target.get("measures") or [None]
        expected += [f"{target['id']}/{m['id']}" if m else target["id"] for m in measures]
    assert keys == expected


def test_two_runs_are_byte_identical(out: Path, tmp_path: Path) -> None:
    second = tmp_path / "again"
    run_plan(EXAMPLE, second)
    first_files = sorted(p.relative_to(out) for p in generated(out, ""))
    second_files = sorted(p.relative_to(second) for p in generated(second, ""))
    assert first_files == second_files and len(first_files) == 2 + 2 * 20
    for rel in first_files:
        assert (out / rel).read_bytes() == (second / rel).read_bytes(), rel


def test_unit_without_tasks_gets_no_documents_and_is_named(tmp_path: Path) -> None:
    data = copy_example(tmp_path)
    edit(
        data / "units.yaml",
        "  - {id: mpc,",
        "  - {id: idle, name: 档案室, kind: office}\n  - {id: mpc,",
    )
    output = run_plan(data, tmp_path / "out")
    assert "未生成实施方案和台账：档案室" in output
    assert not list((tmp_path / "out").rglob("*档案室*"))


def test_one_unit_only(tmp_path: Path) -> None:
    output = run_plan(EXAMPLE, tmp_path / "out", "--unit", "局法制科")
    files = sorted(
        p.relative_to(tmp_path / "out").as_posix()
        for p in (tmp_path / "out").rglob("*.*")
        if p.suffix in (".docx", ".xlsx")
    )
    assert files == [unit_docx("fzk-局法制科", "局法制科"), unit_xlsx("fzk-局法制科", "局法制科")]
    assert "已生成 2 个文件" in output


def test_unknown_unit_option_is_an_input_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["plan", "--data", str(EXAMPLE), "--out", str(tmp_path / "o"), "--unit", "局财务科"]
    )
    assert result.exit_code == 2
    assert "没有名为「局财务科」的单位" in result.output
    assert not (tmp_path / "o").exists()


def test_markup_characters_survive(tmp_path: Path) -> None:
    """docxtpl without escaping drops everything after & or <; ours keeps the text."""
    data = copy_example(tmp_path)
    edit(data / "plan.yaml", "真正做到便民服务。", '真正做到便民服务（R&D <试点> "A&B"）。')
    run_plan(data, tmp_path / "out")
    text = "\n".join(body_paragraphs(tmp_path / "out" / PLAN_DOCX))
    assert '真正做到便民服务（R&D <试点> "A&B"）。' in text
    assert text.endswith("焦作市园林局文明服务创建工作台账")


def generated(out: Path, suffix: str) -> list[Path]:
    """The documents of a run (the manifest in .plandocs/ aside)."""
    return sorted(p for p in out.rglob(f"*{suffix}") if p.suffix in (".docx", ".xlsx"))


def test_every_word_document_meets_gbt9704(out: Path) -> None:
    documents = generated(out, ".docx")
    assert len(documents) == 21
    failures = {str(p.relative_to(out)): check_gbt9704(p) for p in documents}
    assert {name: f for name, f in failures.items() if f} == {}


def test_every_file_reopens(out: Path) -> None:
    for path in generated(out, ".docx"):
        assert docx.Document(str(path)).paragraphs
    for path in generated(out, ".xlsx"):
        assert openpyxl.load_workbook(path)["台账"].max_row > 4


def test_every_file_converts_in_libreoffice(out: Path, tmp_path: Path) -> None:
    files = generated(out, ".docx") + generated(out, ".xlsx")
    pdfs = convert_many(files, tmp_path / "pdf")
    assert len(pdfs) == 42
    for pdf in pdfs:
        assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 1000


def stamps(out: Path) -> dict[str, tuple[int, str]]:
    return {
        p.relative_to(out).as_posix(): (
            p.stat().st_mtime_ns,
            hashlib.sha256(p.read_bytes()).hexdigest(),
        )
        for p in generated(out, "")
    }


def test_rerun_after_an_edit_reissues_only_the_affected_documents(tmp_path: Path) -> None:
    data = copy_example(tmp_path)
    out = tmp_path / "out"
    run_plan(data, out)
    before = stamps(out)
    # L06 (行政审批) belongs to 局法制科, 局生产技术科 and 局绿化办 only
    edit(data / "ledger.yaml", "一站式办理\n", "一站式办理，公开办理时限\n")
    output = run_plan(data, out)
    after = stamps(out)
    changed = sorted(name for name in before if before[name] != after[name])
    assert changed == sorted(
        [
            PLAN_DOCX,
            MASTER_XLSX,
            *(unit_docx(f, n) for f, n in UNITS_OF_L06),
            *(unit_xlsx(f, n) for f, n in UNITS_OF_L06),
        ]
    )
    assert "34 个文件的输入未改动" in output
    # nothing changed: nothing rewritten
    output = run_plan(data, out)
    assert stamps(out) == after and "42 个文件的输入未改动" in output


UNITS_OF_L06 = [
    ("fzk-局法制科", "局法制科"),
    ("scjsk-局生产技术科", "局生产技术科"),
    ("lhb-局绿化办", "局绿化办"),
]


def test_several_processes_give_the_same_files(out: Path, tmp_path: Path) -> None:
    parallel = tmp_path / "parallel"
    run_plan(EXAMPLE, parallel, "--jobs", "2")
    assert stamps_only_hashes(parallel) == stamps_only_hashes(out)


def stamps_only_hashes(folder: Path) -> dict[str, str]:
    return {name: digest for name, (_, digest) in stamps(folder).items()}


def test_without_jobs_a_large_run_uses_two_workers_a_small_one_none(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from generator.pipeline import parallel

    monkeypatch.setattr(parallel.os, "sched_getaffinity", lambda _: {0, 1, 2, 3}, raising=False)
    assert parallel.auto_workers(399) == 1  # a pool takes longer to start than these take
    assert parallel.auto_workers(400) == 2
    monkeypatch.setattr(parallel.os, "sched_getaffinity", lambda _: {0}, raising=False)
    assert parallel.auto_workers(20_000) == 1  # one core: no pool


def test_a_worker_leaves_ctrl_c_and_sigterm_to_the_writer() -> None:
    import signal

    from generator.pipeline import parallel

    before = {n: signal.getsignal(n) for n in (signal.SIGINT, signal.SIGTERM)}
    try:
        parallel._worker_start()
        assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
        assert signal.getsignal(signal.SIGTERM) is signal.SIG_IGN
    finally:
        for number, handler in before.items():
            signal.signal(number, handler)
