"""`plandocs check`: one test per error kind, asserting file, line and message."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from tests.helpers import copy_example, edit


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return copy_example(tmp_path)


def run_check(data: Path) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["check", "--data", str(data)])
    return result.exit_code, result.output


def assert_reported(output: str, path: Path, line: int, *fragments: str) -> None:
    """Some reported problem is at ``path:line`` and carries every fragment."""
    blocks = output.split(f"{path}:")
    for block in blocks[1:]:
        head = block.partition(":")[0]
        if head == str(line) and all(f in block.split(f"\n{path.parent}")[0] for f in fragments):
            return
    raise AssertionError(f"no problem at {path.name}:{line} with {fragments} in:\n{output}")


def test_the_bundled_example_passes(data: Path) -> None:
    code, output = run_check(data)
    assert code == 0, output
    assert "检查通过" in output and "20 个单位" in output


def test_yaml_syntax_error(data: Path) -> None:
    line = edit(data / "plan.yaml", "year: 2016", "year: [2016")
    code, output = run_check(data)
    assert code == 2
    assert "YAML 语法错误" in output
    assert f"{data / 'plan.yaml'}:" in output and "修改方法" in output
    # the parser reports where it noticed the problem: at or after the broken line
    reported = int(output.split(f"{data / 'plan.yaml'}:")[1].split(":")[0])
    assert reported >= line


def test_duplicate_key(data: Path) -> None:
    line = edit(data / "plan.yaml", "year: 2016\n", "year: 2016\nyear: 2017\n")
    code, output = run_check(data)
    assert code == 2
    assert_reported(output, data / "plan.yaml", line + 1, "键「year」重复", f"第 {line} 行")


def test_unknown_key_suggests_the_right_one(data: Path) -> None:
    line = edit(data / "plan.yaml", "activity: 文明服务活动", "activty: 文明服务活动")
    code, output = run_check(data)
    assert code == 2
    assert_reported(output, data / "plan.yaml", line, "未知字段「activty」", "是否想写「activity」")


def test_yaml_11_boolean_where_text_expected(data: Path) -> None:
    line = edit(data / "plan.yaml", "issuer: 孟州市园林处", "issuer: no")
    code, output = run_check(data)
    assert code == 2
    assert_reported(output, data / "plan.yaml", line, "应为文字", "布尔值", '"no"')


def test_yaml_11_octal_number(data: Path) -> None:
    line = edit(data / "units.yaml", "staff_count: 86,", "staff_count: 010,")
    code, output = run_check(data)
    assert code == 2
    assert_reported(output, data / "units.yaml", line, "以 0 开头", "八进制")


def test_unknown_unit_named_by_a_task(data: Path) -> None:
    line = edit(
        data / "plan.yaml",
        "responsible: [局法制科, 局信息中心]",
        "responsible: [局法制科, 局信息科]",
    )
    code, output = run_check(data)
    assert code == 2
    assert_reported(output, data / "plan.yaml", line, "「局信息科」不是已定义的单位或分组")


def test_group_member_that_is_not_a_unit(data: Path) -> None:
    line = edit(
        data / "units.yaml",
        "members: [人民公园管理处, 龙源湖公园管理处, 植物园管理处, 市区绿化管理处]",
        "members: [人民公园管理处, 龙源湖公园管理处, 植物园管理处, 各单位]",
    )
    code, output = run_check(data)
    assert code == 2
    assert_reported(output, data / "units.yaml", line, "成员「各单位」不是已定义的单位", "includes")


def test_duplicate_unit_id(data: Path) -> None:
    line = edit(data / "units.yaml", "{id: fzk,", "{id: JMB,")
    code, output = run_check(data)
    assert code == 2
    assert_reported(output, data / "units.yaml", line, "「JMB」重复", "units[0].id")


def test_duplicate_target_id(data: Path) -> None:
    line = edit(data / "ledger.yaml", "  - id: L13\n", "  - id: L12\n")
    code, output = run_check(data)
    assert code == 2
    assert_reported(output, data / "ledger.yaml", line, "编号「L12」重复")


def test_target_pointing_at_a_missing_task(data: Path) -> None:
    line = edit(data / "ledger.yaml", "task: T7.2", "task: T7.9")
    code, output = run_check(data)
    assert code == 2
    assert_reported(output, data / "ledger.yaml", line, "任务「T7.9」不存在")


def test_phases_overlapping(data: Path) -> None:
    line = edit(data / "plan.yaml", "start: 2016-12", "start: 2016-11")
    code, output = run_check(data)
    assert code == 2
    assert_reported(output, data / "plan.yaml", line, "总结评比阶段", "重叠或顺序颠倒")


def test_phase_ending_before_it_starts(data: Path) -> None:
    line = edit(data / "plan.yaml", "end: 2016-11", "end: 2016-04")
    code, output = run_check(data)
    assert code == 2
    assert_reported(output, data / "plan.yaml", line, "早于开始时间")


def test_impossible_date(data: Path) -> None:
    line = edit(data / "plan.yaml", "date: 2016-06-07", "date: 2016-02-30")
    code, output = run_check(data)
    assert code == 2
    assert_reported(output, data / "plan.yaml", line, "日期「2016-02-30」不存在")


def test_impossible_month(data: Path) -> None:
    line = edit(data / "plan.yaml", "end: 2016-11", "end: 2016-13")
    code, output = run_check(data)
    assert code == 2
    assert_reported(output, data / "plan.yaml", line, "月份「2016-13」不存在")


def test_empty_required_text(data: Path) -> None:
    line = edit(data / "plan.yaml", "title: 2016年焦作市园林局文明服务活动方案", 'title: "  "')
    code, output = run_check(data)
    assert code == 2
    assert_reported(output, data / "plan.yaml", line, "文字不能为空")


def test_missing_required_field(data: Path) -> None:
    line = edit(
        data / "units.yaml",
        "{id: bgs, name: 局办公室, kind: office, staff_count: 8}",
        "{id: bgs, kind: office, staff_count: 8}",
    )
    code, output = run_check(data)
    assert code == 2
    assert_reported(output, data / "units.yaml", line, "缺少必填字段「name」")


def test_control_character_pasted_from_word(data: Path) -> None:
    line = edit(data / "plan.yaml", "issuer: 孟州市园林处", 'issuer: "孟州市\\v园林处"')
    code, output = run_check(data)
    assert code == 2
    assert_reported(output, data / "plan.yaml", line, "U+000B")


def test_every_problem_in_one_run_and_nothing_written(data: Path, tmp_path: Path) -> None:
    """Problems in three files, of different kinds, come out together; no output, inputs intact."""
    lines = [
        edit(data / "plan.yaml", "activity: 文明服务活动", "activty: 文明服务活动"),
        edit(
            data / "plan.yaml",
            "responsible: [局法制科, 局信息中心]",
            "responsible: [局法制科, 局信息科]",
        ),
        edit(data / "units.yaml", "{id: fzk,", "{id: jmb,"),
        edit(data / "ledger.yaml", "task: T7.2", "task: T7.9"),
    ]
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in data.rglob("*.*")}
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["plan", "--data", str(data), "--out", str(out)])
    assert result.exit_code == 2
    assert_reported(result.output, data / "plan.yaml", lines[0], "activty")
    assert_reported(result.output, data / "plan.yaml", lines[1], "局信息科")
    assert_reported(result.output, data / "units.yaml", lines[2], "「jmb」重复")
    assert_reported(result.output, data / "ledger.yaml", lines[3], "T7.9")
    assert "共发现 4 个问题" in result.output
    assert not out.exists()
    after = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in data.rglob("*.*")}
    assert before == after


def test_help_and_usage_errors_are_chinese() -> None:
    runner = CliRunner()
    bare = runner.invoke(main, [])
    assert bare.exit_code == 0 and "用法：plandocs" in bare.output
    typo = runner.invoke(main, ["plan", "--outt", "x"])
    assert typo.exit_code == 2 and "没有选项 '--outt'" in typo.output and "'--out'" in typo.output
    missing = runner.invoke(main, ["collect", "不存在的目录"])
    assert missing.exit_code == 2
    assert "'回收目录' 的值有误：目录 '不存在的目录' 不存在" in missing.output
