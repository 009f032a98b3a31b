"""What a Windows (or macOS) office meets, tested where it can be on Linux.

Fonts are found without ``fc-list``, LibreOffice where its installers put it, a GBK
console never crashes the run, text reports carry a BOM. What could not be tested
without Windows is listed in the README (Windows 与 WPS).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from fontTools.fontBuilder import FontBuilder
from fontTools.ttLib import TTCollection

from generator.write import pdf
from tests.helpers import EXAMPLE, ROOT, copy_example, invoke

ZH_CN = 0x804  # Windows language id of a font's Chinese (PRC) name record


def make_font(path: Path, family: str, chinese: str | None = None) -> None:
    """A minimal TrueType font whose name table says ``family`` (and ``chinese`` in zh-CN)."""
    build = FontBuilder(1000, isTTF=True)
    build.setupGlyphOrder([".notdef"])
    build.setupCharacterMap({})
    build.setupGlyf({".notdef": _empty_glyph()})
    build.setupHorizontalMetrics({".notdef": (500, 0)})
    build.setupHorizontalHeader(ascent=800, descent=-200)
    names: dict[str, object] = {"familyName": family, "styleName": "Regular"}
    if chinese:
        names["familyName"] = {"en": family, "zh-CN": chinese}
    build.setupNameTable(names)
    build.setupOS2()
    build.setupPost()
    build.save(str(path))


def _empty_glyph():  # type: ignore[no-untyped-def]
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    return TTGlyphPen(None).glyph()


def no_fc_list(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make any attempt to run fc-list (or any program) fail, as on Windows."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"a program was run: {args}")

    monkeypatch.setattr(subprocess, "run", refuse)
    monkeypatch.setattr(pdf.subprocess, "run", refuse)


def test_fonts_are_found_from_their_files_without_fc_list(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    no_fc_list(monkeypatch)
    fonts = tmp_path / "Windows" / "Fonts"
    fonts.mkdir(parents=True)
    make_font(fonts / "simfang.ttf", "FangSong", chinese="仿宋")
    make_font(fonts / "FZXBSJW.TTF", "FZXiaoBiaoSong-B05S", chinese="方正小标宋简体")
    (fonts / "broken.ttf").write_bytes(b"not a font")  # skipped, not fatal
    found = pdf.installed_families(pdf.font_folders("win32", {"WINDIR": str(tmp_path / "Windows")}))
    assert {"FangSong", "仿宋", "方正小标宋简体", "FZXiaoBiaoSong-B05S"} <= found


def test_every_face_of_a_font_collection_is_seen(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Noto CJK ships as one .ttc whose first face is JP: the SC face must be found too.
    make_font(tmp_path / "jp.ttf", "Noto Serif CJK JP")
    make_font(tmp_path / "sc.ttf", "Noto Serif CJK SC")
    from fontTools.ttLib import TTFont

    collection = TTCollection()
    collection.fonts = [TTFont(str(tmp_path / "jp.ttf")), TTFont(str(tmp_path / "sc.ttf"))]
    folder = tmp_path / "fonts"
    folder.mkdir()
    collection.save(str(folder / "NotoSerifCJK-Regular.ttc"))
    no_fc_list(monkeypatch)
    assert {"Noto Serif CJK JP", "Noto Serif CJK SC"} <= pdf.installed_families([folder])


@pytest.mark.skipif(shutil.which("fc-list") is None, reason="fc-list 不可用，无法对照")
def test_the_stand_in_faces_found_agree_with_fontconfig() -> None:
    listing = subprocess.run(
        ["fc-list", ":", "family"], capture_output=True, text=True, check=True
    ).stdout
    fontconfig = {name.strip() for line in listing.splitlines() for name in line.split(",")}
    ours = pdf.installed_families()
    wanted = set(pdf.PACKAGES)
    assert wanted & fontconfig == wanted & ours


def _fake_soffice(folder: Path, name: str = "soffice.exe") -> Path:
    folder.mkdir(parents=True)
    program = folder / name
    program.write_bytes(b"MZ")
    return program


def test_libreoffice_is_found_in_program_files(tmp_path: Path) -> None:
    program_files = tmp_path / "Program Files"
    soffice = _fake_soffice(program_files / "LibreOffice" / "program")
    env = {"ProgramFiles": str(program_files), "ProgramFiles(x86)": str(tmp_path / "x86")}
    found = pdf.find_soffice(platform="win32", env=env, which=lambda name: None)
    assert Path(found) == soffice


def test_an_older_versioned_install_folder_is_found_too(tmp_path: Path) -> None:
    x86 = tmp_path / "Program Files (x86)"
    soffice = _fake_soffice(x86 / "LibreOffice 7" / "program")
    env = {"ProgramFiles": str(tmp_path / "Program Files"), "ProgramFiles(x86)": str(x86)}
    assert Path(pdf.find_soffice("win32", env, lambda name: None)) == soffice


def test_libreoffice_in_the_users_applications_on_macos(tmp_path: Path) -> None:
    app = tmp_path / "Applications" / "LibreOffice.app" / "Contents" / "MacOS"
    soffice = _fake_soffice(app, "soffice")
    assert Path(pdf.find_soffice("darwin", {"HOME": str(tmp_path)}, lambda n: None)) == soffice


def test_without_libreoffice_the_hint_fits_the_machine(tmp_path: Path) -> None:
    env = {"ProgramFiles": str(tmp_path)}
    with pytest.raises(pdf.PdfError, match=r"libreoffice\.org") as error:
        pdf.find_soffice("win32", env, lambda name: None)
    assert "apt-get" not in str(error.value)


def test_an_explicit_soffice_path_wins(tmp_path: Path) -> None:
    soffice = _fake_soffice(tmp_path / "LO")
    env = {pdf.SOFFICE_VARIABLE: str(soffice)}
    assert pdf.find_soffice("win32", env, lambda name: "/usr/bin/soffice") == str(soffice)


def _rare_unit_plan(tmp_path: Path) -> Path:
    data = copy_example(tmp_path)
    units = data / "units.yaml"
    text = units.read_text("utf-8")
    assert text.count("园林科学研究所") == 2  # its definition and its group
    units.write_text(text.replace("园林科学研究所", "𠮷园林科学研究所"), "utf-8")
    return data


def test_a_gbk_console_with_a_rare_character_does_not_crash(tmp_path: Path) -> None:
    data = _rare_unit_plan(tmp_path)
    out = tmp_path / "out"
    env = {**os.environ, "PYTHONIOENCODING": "gbk"}
    env.pop("PYTHONUTF8", None)
    runs = [
        ["plan", "--data", str(data), "--out", str(out), "--list"],
        ["collect", str(EXAMPLE / "returns"), "--data", str(data), "--out", str(out)],
    ]
    for arguments in runs:
        run = subprocess.run(
            [sys.executable, "-m", "generator", *arguments],
            capture_output=True,
            env=env,
            cwd=tmp_path,
            check=False,
        )
        stdout, stderr = run.stdout.decode("gbk"), run.stderr.decode("gbk")
        assert run.returncode == 0, stderr
        assert "Traceback" not in stderr and "UnicodeEncodeError" not in stderr
        assert "?园林科学研究所" in stdout  # shown as the console can, not dropped
    assert any("𠮷园林科学研究所" in p.name for p in (out / "各单位").iterdir())


def test_text_reports_start_with_a_bom(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert (
        invoke("collect", str(EXAMPLE / "returns"), "--data", str(EXAMPLE), "--out", str(out))[0]
        == 0
    )
    report = (out / "台账汇总" / "报送情况.txt").read_bytes()
    assert report.startswith(b"\xef\xbb\xbf") and "台账回收情况" in report.decode("utf-8-sig")


def test_python_dash_m_runs_the_command() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "generator", "--help"], capture_output=True, cwd=ROOT, check=False
    )
    assert run.returncode == 0 and "用法：plandocs" in run.stdout.decode("utf-8")
