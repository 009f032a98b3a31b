"""The CLI's own words: click's messages, placeholders and defaults in Chinese."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from generator.cli import display_width, main
from generator.cli_text import MESSAGES

CLICK_SOURCE = "\n".join(p.read_text("utf-8") for p in Path(click.__file__).parent.glob("*.py"))
# What click prints in English when a message or a placeholder is left untranslated.
ENGLISH = re.compile(
    r"Usage|Options|Commands|Arguments|Show this|default:|\[OPTIONS\]|COMMAND|ARGS"
    r"|\bPATH\b|\bINTEGER\b|\bTEXT\b|\bDIRECTORY\b|\bFILE\b|RANGE|Did you mean|No such"
)


@pytest.mark.parametrize("message", sorted(MESSAGES))
def test_every_translated_message_is_one_click_still_has(message: str) -> None:
    # A click upgrade that rewords a message must fail here, not print English again.
    assert repr(message)[1:-1] in CLICK_SOURCE or message in CLICK_SOURCE


def _commands() -> list[list[str]]:
    return [[], *([name] for name in main.commands)]  # type: ignore[attr-defined]


@pytest.mark.parametrize("command", _commands(), ids=lambda c: " ".join(c) or "plandocs")
def test_help_has_no_english_left(command: list[str]) -> None:
    result = CliRunner().invoke(main, [*command, "--help"])
    assert result.exit_code == 0
    assert "用法：plandocs" in result.output and "选项：" in result.output
    assert not ENGLISH.search(result.output), ENGLISH.search(result.output)


def test_default_values_are_shown_in_chinese() -> None:
    output = CliRunner().invoke(main, ["plan", "--help"]).output
    assert "[默认：out]" in output and "--data 方案" in output and "--out 目录" in output


def test_a_mistyped_command_is_answered_in_chinese() -> None:
    result = CliRunner().invoke(main, ["plann"])
    assert result.exit_code == 2
    assert "没有命令 'plann'。" in result.output and "是否想写 'plan'？" in result.output
    assert not ENGLISH.search(result.output)


def test_a_wrong_value_is_answered_in_chinese() -> None:
    result = CliRunner().invoke(main, ["plan", "--jobs", "x"])
    assert result.exit_code == 2
    assert "'--jobs' 的值有误：'x' 不是有效的数字" in result.output
    result = CliRunner().invoke(main, ["summary", "--phase", "0"])
    assert result.exit_code == 2 and "0 不在允许的范围内（不小于 1）" in result.output


def test_version_is_the_installed_package_version() -> None:
    from importlib.metadata import version

    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0 and result.output == f"plandocs {version('plandocs')}\n"


@pytest.mark.parametrize("command", [["plan"], ["init"], []], ids=["plan", "init", "plandocs"])
def test_help_columns_line_up_as_displayed(command: list[str]) -> None:
    # click counts characters; a Chinese placeholder takes two columns on screen.
    output = CliRunner().invoke(main, [*command, "--help"], terminal_width=80).output
    heading = "\n选项：\n" if command else "\n命令：\n"
    table = output[output.index(heading) + len(heading) :]
    starts = set()
    for line in table.splitlines():
        if not line.strip():
            break
        assert display_width(line) <= 82, line  # a closing mark may overhang
        match = re.match(r"( {2}\S.*?\S? {2,})(\S)", line) or re.match(r"( +)(\S)", line)
        assert match is not None
        starts.add(display_width(match.group(1)))
    assert len(starts) == 1, starts
