"""PDF output: checks on the rendered pages (lines, page numbers, fonts, print layout)."""

from __future__ import annotations

import re
import subprocess
import unicodedata
from pathlib import Path

import pytest

from generator.write import pdf
from tests.conftest import find_soffice
from tests.helpers import EXAMPLE, invoke

PLAN_PDF = "方案/2016年焦作市园林局文明服务活动方案.pdf"
LEDGER_PDF = "方案/焦作市园林局文明服务创建工作台账.pdf"


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    find_soffice()
    out = tmp_path_factory.mktemp("pdf") / "out"
    code, output = invoke("plan", "--data", str(EXAMPLE), "--out", str(out), "--pdf")
    assert code == 0, output
    return out


def run(*command: str) -> str:
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


def page_sizes(path: Path) -> list[tuple[float, float]]:
    info = run("pdfinfo", "-f", "1", "-l", "999", str(path))
    return [
        (float(m.group(1)), float(m.group(2)))
        for m in re.finditer(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", info)
    ]


def page_text(path: Path, page: int, layout: bool = True) -> str:
    flags = ["-layout"] if layout else []
    return run("pdftotext", *flags, "-f", str(page), "-l", str(page), str(path), "-")


def width(line: str) -> float:
    """Characters as the standard counts them: a Chinese character 1, a digit or letter ½."""
    text = "".join(line.split())
    return sum(1 if unicodedata.east_asian_width(c) in "WF" else 0.5 for c in text)


def body_lines(path: Path, page: int) -> list[str]:
    lines = [line for line in page_text(path, page).splitlines() if line.strip()]
    return [line for line in lines if not line.strip().startswith("—")]


def test_a_full_body_page_holds_22_lines_of_at_most_28_characters(out: Path) -> None:
    plan = out / PLAN_PDF
    portrait = [n for n, (w, h) in enumerate(page_sizes(plan), 1) if h > w]
    counts = {n: body_lines(plan, n) for n in portrait[1:-1]}  # body pages between title and date
    assert max(len(lines) for lines in counts.values()) == 22
    full = [n for n, lines in counts.items() if len(lines) == 22]
    assert full, counts
    for n in full:
        assert max(width(line) for line in counts[n]) <= 28, counts[n]
    assert max(width(line) for lines in counts.values() for line in lines) <= 28


def number_boxes(path: Path) -> dict[int, tuple[float, float, float]]:
    """Page → (xMin, xMax, page width) of its — N — page number."""
    html = run("pdftotext", "-bbox", str(path), "-")
    boxes = {}
    for n, page in enumerate(re.findall(r"<page (.*?)</page>", html, re.S), 1):
        page_width = float(re.search(r'width="([\d.]+)"', page).group(1))
        words = re.findall(
            r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)"[^>]*>([^<]*)</word>', page
        )
        numbered = [
            (float(a), float(b)) for a, b, w in words if re.fullmatch(rf"—?{n}—?", w.strip())
        ]
        dashes = [(float(a), float(b)) for a, b, w in words if w.strip() == "—"]
        spans = numbered + dashes
        if spans:
            boxes[n] = (min(a for a, _ in spans), max(b for _, b in spans), page_width)
    return boxes


def test_page_numbers_alternate_right_and_left(out: Path) -> None:
    plan = out / PLAN_PDF
    pages = len(page_sizes(plan))
    boxes = number_boxes(plan)
    assert sorted(boxes) == list(range(1, pages + 1))
    sizes = page_sizes(plan)
    for n, (x_min, x_max, page_width) in boxes.items():
        if sizes[n - 1][0] > sizes[n - 1][1]:
            # GB/T 9704 §8: a landscape page keeps the number where the sheet has it --
            # turned with it, left of the 版心 (tests/page_check.py checks where exactly)
            assert x_max < page_width * 0.15, (n, x_min, x_max)
        elif n % 2:
            assert x_max > page_width * 0.75, (n, x_min, x_max)
        else:
            assert x_min < page_width * 0.25, (n, x_min, x_max)
    for n in range(1, pages + 1):
        text = page_text(plan, n, layout=sizes[n - 1][0] < sizes[n - 1][1])
        assert re.search(rf"—\s*{n}\s*—", text)


def test_embedded_fonts_are_cjk_faces_never_dejavu(out: Path) -> None:
    documents = sorted(out.rglob("*.pdf"))
    assert len(documents) == 42
    for document in [out / PLAN_PDF, out / LEDGER_PDF, documents[5], documents[6]]:
        fonts = run("pdffonts", str(document))
        assert "DejaVu" not in fonts, document
        assert re.search(r"NotoSerifCJK|NotoSansCJK", fonts), fonts
    assert "UKai" in run("pdffonts", str(out / PLAN_PDF))  # 楷体 for the （一） headings


def test_ledger_prints_a4_landscape_with_its_header_on_every_page(out: Path) -> None:
    ledger = out / LEDGER_PDF
    sizes = page_sizes(ledger)
    assert len(sizes) >= 2
    for w, h in sizes:
        assert abs(w - 841.9) < 2 and abs(h - 595.3) < 2
    for n in range(1, len(sizes) + 1):
        text = "".join(page_text(ledger, n, layout=False).split())
        assert "具体目标内容" in text and "实施情况" in text, n


def test_pdf_command_converts_a_folder_and_names_a_broken_document(tmp_path: Path) -> None:
    find_soffice()
    good = next((EXAMPLE / "returns").glob("局法制科*.xlsx"))
    (tmp_path / "good.xlsx").write_bytes(good.read_bytes())
    (tmp_path / "broken.docx").write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    code, output = invoke("pdf", str(tmp_path))
    assert code == 2
    assert "broken.docx" in output and "转换失败" in output
    assert (tmp_path / "good.pdf").read_bytes().startswith(b"%PDF")
    assert not (tmp_path / "broken.pdf").exists()


def test_many_files_share_one_libreoffice_per_worker(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    find_soffice()
    sources = []
    for n in range(5):
        path = tmp_path / f"{n}.xlsx"
        path.write_bytes(next((EXAMPLE / "returns").glob("局法制科*.xlsx")).read_bytes())
        sources.append(path)
    calls = []
    real_run = subprocess.run

    def counting_run(command, *args, **kwargs):  # type: ignore[no-untyped-def]
        if "--convert-to" in command:
            calls.append(command)
        return real_run(command, *args, **kwargs)

    monkeypatch.setattr(pdf.subprocess, "run", counting_run)
    result = pdf.convert(sources, jobs=2)
    assert len(result.written) == 5 and not result.failed
    assert len(calls) == 2  # two workers, each one LibreOffice start for its files
    profiles = {next(a for a in c if a.startswith("-env:UserInstallation")) for c in calls}
    assert len(profiles) == 2  # a private profile per worker


def test_missing_libreoffice_is_a_clear_error_naming_the_packages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `plan --pdf` without LibreOffice: tests/test_cli_runs.py (the documents are kept).
    monkeypatch.setattr(pdf.shutil, "which", lambda name: None)
    monkeypatch.setattr(pdf, "soffice_candidates", lambda *a, **k: [])
    monkeypatch.setattr(pdf.sys, "platform", "linux")
    (tmp_path / "a.xlsx").write_bytes(b"PK")
    code, output = invoke("pdf", str(tmp_path))
    assert code == 2
    assert "未找到 LibreOffice" in output and "apt-get install libreoffice-writer-nogui" in output
    assert not (tmp_path / "a.pdf").exists()


def test_missing_fonts_name_the_package(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf, "installed_families", lambda: {"DejaVu Sans"})
    with pytest.raises(
        pdf.PdfError, match="apt-get install fonts-arphic-ukai fonts-liberation2 fonts-noto-cjk"
    ):
        pdf.font_plan(pdf.installed_families())


def test_real_fonts_win_over_stand_ins() -> None:
    families = {
        "仿宋_GB2312",
        "Noto Serif CJK SC",
        "Noto Sans CJK SC",
        "AR PL UKai CN",
        "Liberation Serif",
    }
    plan = pdf.font_plan(families)
    assert "仿宋_GB2312" not in plan and plan["黑体"] == "Noto Sans CJK SC"
    assert "<family>仿宋_GB2312</family>" not in pdf.fontconfig_xml(plan)
