"""plandocs lint: every template checked, every problem reported at once with its place."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.lint import example_contexts, lint_templates
from generator.pipeline import kinds
from generator.render.docx.engine import DocxTemplateEngine
from tests.helpers import ROOT, invoke
from tests.hostile.helpers import snapshot
from tests.hostile.test_templates import field_code, first_in_body, make_variant, run

TEMPLATES = ROOT / "templates"


@pytest.fixture(scope="module")
def contexts() -> dict[str, list[dict[str, object]]]:
    return example_contexts()


def test_bundled_templates_pass() -> None:
    before = snapshot(TEMPLATES)
    code, output = invoke("lint")
    assert code == 0, output
    assert f"检查通过：共 {len(kinds.docx_templates())} 个模板，0 个错误" in output
    assert "[错误]" not in output
    assert snapshot(TEMPLATES) == before


def test_every_template_has_the_data_it_uses(
    contexts: dict[str, list[dict[str, object]]],
) -> None:
    """The contract the lint relies on: bundled templates use only keys the builders make."""
    for name, made in contexts.items():
        used = DocxTemplateEngine(TEMPLATES / name).undeclared_variables()
        assert used <= set.intersection(*(set(c) for c in made)), name


def test_unknown_variable_is_an_error_naming_it_and_its_paragraph(tmp_path: Path) -> None:
    make_variant(tmp_path, {"word/document.xml": first_in_body(run("签发：{{ issuer }}"))})
    code, output = invoke("lint", str(tmp_path))
    assert code == 2, output
    assert "[错误]" in output
    assert "plan.docx:正文第 1 段 [issuer]" in output
    assert "模板使用了变量 issuer，但生成该文件时的数据中没有它" in output


def test_a_misspelt_variable_gets_a_suggestion(tmp_path: Path) -> None:
    make_variant(tmp_path, {"word/document.xml": first_in_body(run("{{ signatrue }}"))})
    code, output = invoke("lint", str(tmp_path))
    assert code == 2
    assert "是不是 signature？" in output


def test_unused_key_is_a_warning(tmp_path: Path) -> None:
    # The bureau deleted the line showing the signing office.
    make_variant(tmp_path, {"word/document.xml": lambda xml: xml.replace("{{ signature }}", "")})
    code, output = invoke("lint", str(tmp_path))
    assert code == 0, output
    assert "[警告]" in output and "[错误]" not in output
    assert "数据中的 signature 在模板中没有用到" in output
    assert "0 个错误，1 个警告" in output


def test_several_problems_are_all_reported(tmp_path: Path) -> None:
    make_variant(
        tmp_path,
        {
            "word/document.xml": first_in_body(
                field_code(" INCLUDETEXT c:\\secret.txt "), run("{{ title }"), run("{{ titel }}")
            ),
        },
    )
    make_variant(
        tmp_path,
        {"word/document.xml": lambda xml: xml.replace("{{ b.heading }}", "{{ b.haeding }}")},
        TEMPLATES / "unit_plan.docx",
    )
    shutil.copy(TEMPLATES / "summary.docx", tmp_path / "总结（本局）.docx")
    report = lint_templates(tmp_path)
    text = report.text()
    assert len(report.checked) == 3
    for expected in (
        "plan.docx:正文第 1 段",
        "INCLUDETEXT",
        "plan.docx:正文第 2 段",
        "“{{ title }”",
        "unit_plan.docx:",
        "不是 plandocs 使用的模板文件名",
    ):
        assert expected in text, expected
    # The plan template's load errors stop it there; unit_plan renders and fails on haeding.
    assert "haeding" in text
    assert len(report.errors) >= 3 and report.warnings


def test_several_problems_in_one_template_need_no_second_run(tmp_path: Path) -> None:
    make_variant(
        tmp_path,
        {"word/document.xml": first_in_body(run("{{ titel }}"), run("{{ sigature }}"))},
    )
    report = lint_templates(tmp_path)
    places = [(f.problem.field, f.problem.place) for f in report.errors]
    assert places == [("titel", "正文第 1 段"), ("sigature", "正文第 2 段")]


def test_empty_folder_is_an_error(tmp_path: Path) -> None:
    code, output = invoke("lint", str(tmp_path))
    assert code == 2
    assert "目录中没有 Word 模板（.docx）" in output


def test_word_lock_files_are_ignored(tmp_path: Path) -> None:
    shutil.copy(TEMPLATES / "plan.docx", tmp_path / "plan.docx")
    (tmp_path / "~$plan.docx").write_bytes(b"\x00lock")
    code, output = invoke("lint", str(tmp_path))
    assert code == 0, output
    assert "共 1 个模板" in output


def test_help_is_chinese() -> None:
    code, output = invoke("lint", "--help")
    assert code == 0
    assert "用法：" in output and "[模板目录]" in output
    assert "有错误时退出码为 2" in output
