"""Hostile and careless plan data: each case a located Chinese error, or a faithful result."""

from __future__ import annotations

from pathlib import Path

import docx
import openpyxl
import pytest

from tests.helpers import copy_example, edit, invoke
from tests.hostile.helpers import assert_refused

PLAN_DOCX = "方案/2016年焦作市园林局文明服务活动方案.docx"
MASTER_XLSX = "方案/焦作市园林局文明服务创建工作台账.xlsx"


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return copy_example(tmp_path)


def place(data: Path, name: str, line: int) -> str:
    return f"{data / name}:{line}:"


# --- YAML that would hurt a naive loader ------------------------------------------------------

CASES = [
    # (id, file, old, new, message fragments)
    (
        "billion-laughs",
        "plan.yaml",
        "year: 2016\n",
        "year: 2016\nx: &a [1, 1, 1, 1, 1, 1, 1, 1, 1]\n"
        "y: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
        "z: [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n",
        ["不支持 YAML 锚点和别名"],
    ),
    (
        "python-object-tag",
        "plan.yaml",
        "issuer: 孟州市园林处",
        'issuer: !!python/object/apply:os.system ["echo pwned"]',
        ["不支持的 YAML 标签"],
    ),
    (
        "custom-tag",
        "plan.yaml",
        "activity: 文明服务活动",
        "activity: !include other.yaml",
        ["不支持的 YAML 标签「!include」"],
    ),
    (
        "merge-key",
        "units.yaml",
        "  - {id: fzk, name: 局法制科, kind: office, staff_count: 4}",
        "  - {<<: {kind: office}, id: fzk, name: 局法制科, staff_count: 4}",
        ["合并键"],
    ),
    (
        "tab-indentation",
        "plan.yaml",
        "  - title: 指导思想",
        "\t- title: 指导思想",
        ["YAML 语法错误", "缩进"],
    ),
    (
        "uppercase-NO-as-name",
        "units.yaml",
        "{id: jcs, name: 局监察室,",
        "{id: jcs, name: NO,",
        ["应为文字", "布尔值", '"NO"'],
    ),
    ("sexagesimal-time", "plan.yaml", "issuer: 孟州市园林处", "issuer: 12:30", ["六十进制"]),
    (
        "long-number-as-name",
        "units.yaml",
        "{id: jcs, name: 局监察室,",
        "{id: jcs, name: 410800000000000000001,",
        ["应为文字", "整数"],
    ),
    (
        "octal-staff-count",
        "units.yaml",
        "{id: jujiguan, name: 局机关, kind: unit, staff_count: 46,",
        "{id: jujiguan, name: 局机关, kind: unit, staff_count: 046,",
        ["八进制"],
    ),
    (
        "control-character",
        "plan.yaml",
        "title: 2016年焦作市园林局文明服务活动方案",
        'title: "2016年焦作市\\x01园林局文明服务活动方案"',
        ["U+0001"],
    ),
    (
        "null-where-list",
        "plan.yaml",
        "responsible: [局法制科, 局信息中心]",
        "responsible:",
        ["应为列表"],
    ),
    (
        "zero-width-in-reference",
        "plan.yaml",
        "responsible: [局法制科, 局信息中心]",
        "responsible: [局法制科, 局信息\u200b中心]",
        ["不是已定义的单位或分组", "不可见字符"],
    ),
    ("decomposed-accent-name", "units.yaml", "name: 局监察室,", "name: Cafe\u0301,", []),
    (
        "duplicate-key-in-list-item",
        "ledger.yaml",
        "  - id: L13\n    task: T7.2\n",
        "  - id: L13\n    task: T7.2\n    task: T7.1\n",
        ["键「task」重复"],
    ),
    (
        "top-level-list",
        "ledger.yaml",
        "title: 焦作市园林局文明服务创建工作台账\ntargets:",
        "- title: 焦作市园林局文明服务创建工作台账\n- targets:",
        ["文件内容应为键值对"],
    ),
    (
        "unknown-unit-kind",
        "units.yaml",
        "{id: jcs, name: 局监察室, kind: office",
        "{id: jcs, name: 局监察室, kind: bureau",
        ["不是允许的取值", "office"],
    ),
    (
        "negative-staff",
        "units.yaml",
        "{id: jujiguan, name: 局机关, kind: unit, staff_count: 46,",
        "{id: jujiguan, name: 局机关, kind: unit, staff_count: -46,",
        ["超出允许范围"],
    ),
    ("id-with-path", "units.yaml", "{id: jcs,", "{id: ../../etc,", ["格式不对", "编号只能"]),
]


@pytest.mark.parametrize(
    ("case", "name", "old", "new", "fragments"), CASES, ids=[c[0] for c in CASES]
)
def test_hostile_yaml(
    data: Path, tmp_path: Path, case: str, name: str, old: str, new: str, fragments: list[str]
) -> None:
    line = edit(data / name, old, new)
    if case == "decomposed-accent-name":
        # a second unit whose name looks the same but is composed differently
        edit(
            data / "units.yaml",
            "  - {id: mpc,",
            "  - {id: cafe, name: Caf\u00e9, kind: office}\n  - {id: mpc,",
        )
        fragments = ["看起来相同，但编码不同"]
        lines = (data / name).read_text(encoding="utf-8").split("\n")
        line = next(n for n, text in enumerate(lines, 1) if "id: cafe" in text)
    output = assert_refused(data, tmp_path / "out", f"{data / name}:", *fragments)
    assert f"{data / name}:" in output
    if case == "duplicate-key-in-list-item":
        line += 2  # the second "task:" is the one reported
    if case not in ("tab-indentation", "top-level-list", "billion-laughs"):
        assert place(data, name, line) in output, output


def test_file_too_large(data: Path, tmp_path: Path) -> None:
    with open(data / "plan.yaml", "a", encoding="utf-8") as handle:
        handle.write("# " + "填充" * 3_000_000 + "\n")
    assert_refused(data, tmp_path / "out", f"{data / 'plan.yaml'}", "文件过大", "上限")


def test_deep_nesting(data: Path, tmp_path: Path) -> None:
    with open(data / "plan.yaml", "a", encoding="utf-8") as handle:
        handle.write("deep: " + "[" * 60 + "]" * 60 + "\n")
    assert_refused(data, tmp_path / "out", f"{data / 'plan.yaml'}:", "嵌套超过")


def test_not_utf8(data: Path, tmp_path: Path) -> None:
    text = (data / "units.yaml").read_text("utf-8")
    (data / "units.yaml").write_bytes(text.encode("gb18030"))
    assert_refused(data, tmp_path / "out", f"{data / 'units.yaml'}", "不是 UTF-8", "另存")


def test_empty_file(data: Path, tmp_path: Path) -> None:
    (data / "ledger.yaml").write_text("", encoding="utf-8")
    assert_refused(data, tmp_path / "out", f"{data / 'ledger.yaml'}:1:1", "文件是空的")


# --- legitimate but unusual: a faithful result --------------------------------------------------


def test_byte_order_mark_from_notepad_is_accepted(data: Path, tmp_path: Path) -> None:
    path = data / "plan.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    code, output = invoke("plan", "--data", str(data), "--out", str(tmp_path / "out"))
    assert code == 0, output


def test_jinja_in_a_value_is_printed_not_run(data: Path, tmp_path: Path) -> None:
    edit(data / "plan.yaml", "真正做到便民服务。", "真正做到便民服务{{ 7*7 }}{% raw %}。")
    code, output = invoke("plan", "--data", str(data), "--out", str(tmp_path / "out"))
    assert code == 0, output
    text = "\n".join(p.text for p in docx.Document(str(tmp_path / "out" / PLAN_DOCX)).paragraphs)
    assert "真正做到便民服务{{ 7*7 }}{% raw %}。" in text and "49" not in text


@pytest.mark.parametrize(
    "value", ['=HYPERLINK("http://x","点击")', "=1+1", "#N/A", "+86 10", "@SUM(A1)", "0012"]
)
def test_ledger_cells_from_data_stay_text(data: Path, tmp_path: Path, value: str) -> None:
    line = "开展工作纪律明察暗访，严格执行请销假制度、24小时值班和领导带班制度。"
    edit(data / "ledger.yaml", f"    text: {line}", f"    text: '{value}{line}'")
    code, output = invoke("plan", "--data", str(data), "--out", str(tmp_path / "out"))
    assert code == 0, output
    sheet = openpyxl.load_workbook(tmp_path / "out" / MASTER_XLSX)["台账"]
    cells = [
        c for row in sheet.iter_rows() for c in row if isinstance(c.value, str) and line in c.value
    ]
    assert cells and all(c.data_type == "s" and c.value == value + line for c in cells)


def test_text_too_long_for_an_excel_cell_is_refused_not_truncated(
    data: Path, tmp_path: Path
) -> None:
    edit(
        data / "ledger.yaml",
        "    text: 开展工作纪律明察暗访，",
        "    text: " + "长" * 33000 + "开展工作纪律明察暗访，",
    )
    code, output = invoke("plan", "--data", str(data), "--out", str(tmp_path / "out"))
    assert code == 2
    assert "台账!" in output and "32767" in output
    assert not (tmp_path / "out").exists()
