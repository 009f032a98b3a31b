"""How the command behaves for a real office: no silent example, no mixing of plans,
documents kept when the PDF step cannot run, a short report with the next step."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest

from generator.write import manifest, pdf
from tests.helpers import EXAMPLE, ROOT, copy_example, edit, invoke

YUNHE = ROOT / "data" / "yunhe2020"
JIAOZUO_TITLE = "2016年焦作市园林局文明服务活动方案"
YUNHE_TITLE = "云河市2020年窗口服务单位文明服务提升行动实施方案"


def digests(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in folder.rglob("*")
        if p.is_file()
    }


@pytest.mark.parametrize("command", [["check"], ["plan"], ["summary", "--phase", "1"]])
def test_without_data_in_a_folder_without_a_plan_is_a_clear_error(
    command: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, output = invoke(*command)
    assert code == 2
    assert "没有指定 --data，当前目录中也没有方案数据（plan.yaml 或 plan.xlsx）" in output
    assert "--example jiaozuo2016" in output and str(tmp_path) in output
    assert JIAOZUO_TITLE not in output  # the bundled example is never used silently
    assert list(tmp_path.iterdir()) == []


def test_without_data_the_plan_in_the_current_folder_is_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert invoke("init", str(tmp_path / "我局"), "--example", "yunhe2020")[0] == 0
    monkeypatch.chdir(tmp_path / "我局")
    code, output = invoke("check")
    assert code == 0 and f"检查通过：{YUNHE_TITLE}" in output


def test_init_example_copies_the_example_with_its_schemas_and_returns(tmp_path: Path) -> None:
    target = tmp_path / "示例"
    code, output = invoke("init", str(target), "--example", "jiaozuo2016")
    assert code == 0 and "下一步" in output
    for name in ("plan.yaml", "units.yaml", "ledger.yaml", "awards.yaml", "nominations.yaml"):
        copied = (target / name).read_text("utf-8")
        assert copied.startswith(f"# yaml-language-server: $schema=schema/{name[:-5]}.schema.json")
        assert (target / "schema" / f"{name[:-5]}.schema.json").is_file()
    assert sorted(p.name for p in (target / "returns").iterdir()) == sorted(
        p.name for p in (EXAMPLE / "returns").iterdir()
    )
    code, output = invoke("init", str(target), "--example", "jiaozuo2016")
    assert code == 2 and "文件已存在" in output  # never over an existing plan
    code, output = invoke("init", str(tmp_path / "x"), "--example", "nosuch")
    assert code == 2 and "可选：jiaozuo2016、yunhe2020" in output


def test_init_templates_copies_the_bundled_templates_to_edit(tmp_path: Path) -> None:
    code, output = invoke("init", str(tmp_path / "模板"), "--templates")
    assert code == 0 and "plandocs lint" in output
    bundled = {p.name: p.read_bytes() for p in (ROOT / "templates").iterdir()}
    assert {p.name: p.read_bytes() for p in (tmp_path / "模板").iterdir()} == bundled


def test_an_output_folder_of_another_plan_is_refused_naming_both(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert invoke("plan", "--data", str(EXAMPLE), "--out", str(out))[0] == 0
    before = digests(out)
    code, output = invoke("plan", "--data", str(YUNHE), "--out", str(out))
    assert code == 2
    assert f"另一份方案《{JIAOZUO_TITLE}》" in output and f"《{YUNHE_TITLE}》" in output
    assert "--other-plan" in output
    assert digests(out) == before  # nothing written, nothing overwritten
    code, output = invoke("plan", "--data", str(YUNHE), "--out", str(out), "--other-plan")
    assert code == 0
    code, _ = invoke("plan", "--data", str(YUNHE), "--out", str(out))
    assert code == 0  # the folder is now the other plan's


def test_a_title_reworded_within_its_year_is_the_same_plan(tmp_path: Path) -> None:
    data = copy_example(tmp_path)
    out = tmp_path / "out"
    assert invoke("plan", "--data", str(data), "--out", str(out), "--unit", "fzk")[0] == 0
    reworded = "title: 2016年焦作市园林局文明服务提升活动方案"
    edit(data / "plan.yaml", f"title: {JIAOZUO_TITLE}", reworded)
    code, output = invoke("plan", "--data", str(data), "--out", str(out), "--unit", "fzk")
    assert code == 0, output
    edit(data / "plan.yaml", "title: 2016年焦作市", "title: 2027年焦作市")
    code, output = invoke("plan", "--data", str(data), "--out", str(out), "--unit", "fzk")
    assert code == 2 and "另一份方案《2016年焦作市园林局文明服务提升活动方案》" in output


def test_a_renamed_copy_of_the_example_refuses_the_examples_returns(tmp_path: Path) -> None:
    data = copy_example(tmp_path)
    edit(data / "plan.yaml", f"title: {JIAOZUO_TITLE}", "title: 2027年焦作市园林局文明服务活动方案")
    out = tmp_path / "out"
    code, output = invoke("collect", str(data / "returns"), "--data", str(data), "--out", str(out))
    assert code == 2
    assert f"另一份方案《{JIAOZUO_TITLE}》下发的台账" in output
    assert "《2027年焦作市园林局文明服务活动方案》" in output and "局法制科工作台账.xlsx" in output
    assert not out.exists()
    code, output = invoke(
        "collect", str(data / "returns"), "--data", str(data), "--out", str(out), "--other-plan"
    )
    assert code == 0 and (out / "台账汇总" / "进度记录.json").is_file()


def test_pdf_without_libreoffice_keeps_the_documents_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(pdf.SOFFICE_VARIABLE, raising=False)
    monkeypatch.setattr(pdf.shutil, "which", lambda name: None)
    monkeypatch.setattr(pdf, "soffice_candidates", lambda *a, **k: [])
    out = tmp_path / "o"
    code, output = invoke("plan", "--data", str(EXAMPLE), "--out", str(out), "--pdf")
    assert code == 3
    assert "PDF 未转换：未找到 LibreOffice" in output and "文件已写出" in output
    assert (out / "方案" / f"{JIAOZUO_TITLE}.docx").is_file()
    assert len(list((out / "各单位").rglob("*.xlsx"))) == 20
    assert not list(out.rglob("*.pdf"))
    code, output = invoke("pdf", str(out))
    assert code == 2 and "未找到 LibreOffice" in output


def test_the_final_report_counts_per_folder_and_names_the_next_step(tmp_path: Path) -> None:
    out = tmp_path / "out"
    code, output = invoke("plan", "--data", str(EXAMPLE), "--out", str(out))
    assert code == 0
    # The example: one plan and its master ledger, 20 units with a plan and a ledger each.
    assert "已生成 42 个文件" in output
    assert "方案/  Word 1 个、Excel 1 个" in output and "各单位/  Word 20 个、Excel 20 个" in output
    assert "下一步：" in output and "plandocs collect" in output
    assert len(output.splitlines()) < 10
    edit_out = tmp_path / "again"
    code, listed = invoke("plan", "--data", str(EXAMPLE), "--out", str(edit_out), "--list")
    assert code == 0 and len([line for line in listed.splitlines() if ".docx" in line]) == 21


def test_a_library_upgrade_changes_the_fingerprint(monkeypatch: pytest.MonkeyPatch) -> None:
    manifest.code_fingerprint.cache_clear()
    before = manifest.code_fingerprint()
    real = manifest.metadata.version

    def upgraded(name: str) -> str:
        return "9.9.9" if name == "openpyxl" else real(name)

    monkeypatch.setattr(manifest.metadata, "version", upgraded)
    manifest.code_fingerprint.cache_clear()
    try:
        assert manifest.code_fingerprint() != before
    finally:
        monkeypatch.undo()
        manifest.code_fingerprint.cache_clear()
    assert manifest.code_fingerprint() == before


def test_progress_is_one_line_per_stage_when_not_a_terminal(tmp_path: Path) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "generator", "plan", "--data", str(EXAMPLE), "--out", "o", "--pdf"],
        cwd=tmp_path,
        capture_output=True,
        env={"PATH": "", "PLANDOCS_SOFFICE": str(tmp_path / "none")},  # no LibreOffice: fast
        check=False,
    )
    stderr = run.stderr.decode("utf-8")
    assert run.returncode == 3, stderr
    assert stderr.count("正在生成 42 个文件") == 1 and "\r" not in stderr and "%" not in stderr
