"""The file system as an adversary: odd unit names, unwritable or full disks, locked files."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from generator.write import atomic
from tests.helpers import EXAMPLE, copy_example, edit, invoke
from tests.hostile.helpers import snapshot


def run_plan(data: Path, out: Path) -> tuple[int, str]:
    return invoke("plan", "--data", str(data), "--out", str(out))


@pytest.mark.parametrize(
    "name",
    ["/etc/passwd", "..\\\\..\\\\x", "CON", "a:b", "nul.txt", "园" * 85, " . ", "a/../../b"],
    ids=[
        "absolute",
        "windows-parent",
        "device",
        "ntfs-stream",
        "device-with-suffix",
        "85-hanzi",
        "dots",
        "parent",
    ],
)
def test_unit_names_never_leave_the_output_folder(tmp_path: Path, name: str) -> None:
    data = copy_example(tmp_path)
    edit(data / "units.yaml", "{id: jcs, name: 局监察室,", f'{{id: jcs, name: "{name}",')
    edit(
        data / "plan.yaml",
        "responsible: [局办公室, 局监察室, 各单位]",
        "responsible: [局办公室, jcs, 各单位]",
    )
    out = tmp_path / "out"
    code, output = run_plan(data, out)
    assert code == 0, output
    before = snapshot(data)
    written = [p for p in tmp_path.rglob("*") if p.is_file() and data not in p.parents]
    assert written and all(out in p.parents for p in written)  # nothing escaped
    assert snapshot(data) == before
    folder = next(p for p in (out / "各单位").iterdir() if p.name.startswith("jcs-"))
    for path in folder.iterdir():
        assert len(path.name.encode("utf-8")) <= 255
        assert not set(path.name) & set('<>:"/\\|?*')
        assert path.name.split(".")[0].upper() not in ("CON", "NUL")


def test_names_that_differ_only_in_case_get_separate_folders(tmp_path: Path) -> None:
    data = copy_example(tmp_path)
    edit(data / "units.yaml", "{id: jcs, name: 局监察室,", "{id: jcs, name: Unit A,")
    edit(data / "units.yaml", "{id: bgs, name: 局办公室,", "{id: bgs, name: unit a,")
    edit(
        data / "plan.yaml",
        "responsible: [局办公室, 局监察室, 各单位]",
        "responsible: [bgs, jcs, 各单位]",
    )
    edit(data / "plan.yaml", "responsible: [局办公室, 各单位]", "responsible: [bgs, 各单位]")
    code, output = run_plan(data, tmp_path / "out")
    assert code == 0, output
    folders = sorted(p.name for p in (tmp_path / "out" / "各单位").iterdir())
    assert "jcs-Unit A" in folders and "bgs-unit a" in folders


def existing_output(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    out = tmp_path / "out"
    assert run_plan(EXAMPLE, out)[0] == 0
    return out, snapshot(out)


def test_unwritable_output_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(path: Path, data: bytes) -> Path:
        raise PermissionError(errno.EACCES, "Permission denied", str(path))

    monkeypatch.setattr(atomic, "_write_temp", refuse)
    code, output = run_plan(EXAMPLE, tmp_path / "out")
    assert code == 2 and "没有写权限" in output and "未写出任何文件" in output
    assert not (tmp_path / "out").exists()


def test_disk_full_halfway_leaves_the_last_good_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out, before = existing_output(tmp_path)
    real = atomic._write_temp
    calls = []

    def fill_up(path: Path, data: bytes) -> Path:
        calls.append(path)
        if len(calls) > 3:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(path, data)

    monkeypatch.setattr(atomic, "_write_temp", fill_up)
    edit_data = copy_example(tmp_path)
    edit(edit_data / "plan.yaml", "真正做到便民服务。", "真正做到便民服务（修订）。")
    code, output = run_plan(edit_data, out)
    assert code == 2 and "磁盘空间不足" in output
    assert snapshot(out) == before  # every earlier file intact, no temp file left


def test_output_file_open_in_word(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """On Windows a document open in Word cannot be replaced: the whole run is rolled back."""
    out, before = existing_output(tmp_path)
    real = os.replace
    locked = out / "各单位" / "fzk-局法制科" / "局法制科2016年文明服务活动实施方案.docx"

    def replace(src: str | Path, dst: str | Path) -> None:
        if Path(src) == locked:
            raise PermissionError(errno.EACCES, "The process cannot access the file", str(src))
        real(src, dst)

    monkeypatch.setattr(atomic.os, "replace", replace)
    data = copy_example(tmp_path)
    edit(data / "plan.yaml", "真正做到便民服务。", "真正做到便民服务（修订）。")
    code, output = run_plan(data, out)
    assert code == 2 and "正在 Word/Excel/WPS 中打开" in output and str(locked) in output
    assert snapshot(out) == before


def test_output_path_is_a_file(tmp_path: Path) -> None:
    target = tmp_path / "out"
    target.write_text("not a folder")
    code, output = run_plan(EXAMPLE, target)
    assert code == 2 and "'--out' 的值有误" in output and "是文件，不是目录" in output
    assert target.read_text() == "not a folder"
