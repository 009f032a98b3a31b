"""PDF output through headless LibreOffice, with Chinese font stand-ins (PDF 转换).

Documents keep the fonts offices have (仿宋_GB2312, 方正小标宋简体 …). A Linux
server has none of them, and without help LibreOffice falls back to DejaVu Sans.
We give LibreOffice -- and only LibreOffice, through a private ``FONTCONFIG_FILE``
that includes the system configuration -- aliases to free faces that look alike.
Where a real font is installed, it wins: no alias is written for it.

Conversion is batched (one LibreOffice start costs seconds, a document a fraction
of that), with one private profile per worker so runs never collide with a
desktop LibreOffice or with each other.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from generator.write.atomic import write_bytes_atomic

INSTALL_HINT = (
    "apt-get install libreoffice-writer-nogui libreoffice-calc-nogui "
    "fonts-noto-cjk fonts-arphic-ukai fonts-liberation2"
)
# name in the documents → free stand-in (Debian package)
STAND_INS = {
    "仿宋_GB2312": "Noto Serif CJK SC",
    "仿宋": "Noto Serif CJK SC",
    "宋体": "Noto Serif CJK SC",
    "黑体": "Noto Sans CJK SC",
    "楷体_GB2312": "AR PL UKai CN",
    "楷体": "AR PL UKai CN",
    "Times New Roman": "Liberation Serif",
}
BOLD_STAND_INS = {"方正小标宋简体": "Noto Serif CJK SC"}  # 小标宋 reads like a bold 宋体
PACKAGES = {
    "Noto Serif CJK SC": "fonts-noto-cjk",
    "Noto Sans CJK SC": "fonts-noto-cjk",
    "AR PL UKai CN": "fonts-arphic-ukai",
    "Liberation Serif": "fonts-liberation2",
}
CONVERTIBLE = (".docx", ".xlsx")
BATCH_TIMEOUT = 120  # seconds for LibreOffice to start
PER_FILE_TIMEOUT = 20  # seconds more per document in a batch


class PdfError(Exception):
    """LibreOffice or the fonts are missing; the message says what to install."""


@dataclass
class Conversion:
    """What a conversion run did: PDFs written beside their sources, and failures."""

    written: list[Path] = field(default_factory=list)
    failed: list[tuple[Path, str]] = field(default_factory=list)


def find_soffice() -> str:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise PdfError(f"未安装 LibreOffice，无法转换 PDF。请安装：{INSTALL_HINT}")
    return soffice


def installed_families() -> set[str]:
    """Font families fontconfig knows on this machine."""
    try:
        listing = subprocess.run(
            ["fc-list", ":", "family"], capture_output=True, text=True, check=True, timeout=60
        ).stdout
    except (OSError, subprocess.SubprocessError) as exc:
        raise PdfError(f"无法列出本机字体（fc-list）：{exc}。请安装 fontconfig") from exc
    return {name.strip() for line in listing.splitlines() for name in line.split(",")}


def font_plan(families: set[str]) -> dict[str, str]:
    """Document font → stand-in, for the fonts the machine lacks; raise if a stand-in is missing."""
    wanted = {**STAND_INS, **BOLD_STAND_INS}
    plan = {name: face for name, face in wanted.items() if name not in families}
    missing = sorted({face for face in plan.values() if face not in families})
    if missing:
        packages = " ".join(sorted({PACKAGES[face] for face in missing}))
        raise PdfError(
            f"缺少中文替代字体 {'、'.join(missing)}，转换出的 PDF 会用错字体。"
            f"请安装：apt-get install {packages}"
        )
    return plan


def fontconfig_xml(plan: dict[str, str]) -> str:
    aliases = "".join(
        f'<alias binding="same"><family>{name}</family><prefer><family>{face}</family>'
        "</prefer></alias>"
        for name, face in plan.items()
        if name not in BOLD_STAND_INS
    )
    bold = "".join(
        f'<match target="pattern"><test name="family"><string>{name}</string></test>'
        f'<edit name="family" mode="assign" binding="same"><string>{face}</string></edit>'
        '<edit name="weight" mode="assign"><const>bold</const></edit></match>'
        for name, face in plan.items()
        if name in BOLD_STAND_INS
    )
    return (
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
        '<include ignore_missing="yes">/etc/fonts/fonts.conf</include>'
        f"{aliases}{bold}</fontconfig>"
    )


# Word documents keep their blank pages: a page left empty so that the 版记 falls on an
# even page (GB/T 9704) must reach the PDF, or a duplex print puts it on the wrong side.
WORD_PDF = 'pdf:writer_pdf_Export:{"IsSkipEmptyPages":{"type":"boolean","value":"false"}}'


def preflight() -> None:
    """Fail before any work if LibreOffice or the fonts are missing."""
    find_soffice()
    font_plan(installed_families())


def convert(
    sources: Sequence[Path],
    jobs: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> Conversion:
    """Convert each source to ``<source>.pdf`` beside it; a failing document is named, not fatal."""
    soffice = find_soffice()
    plan = font_plan(installed_families())
    workers = max(1, min(jobs or os.cpu_count() or 1, len(sources)))
    batches = [list(sources[i::workers]) for i in range(workers)]
    result = Conversion()
    with tempfile.TemporaryDirectory(prefix="plandocs-pdf-") as work:
        root = Path(work)
        (root / "fonts.conf").write_text(fontconfig_xml(plan), encoding="utf-8")
        with ThreadPoolExecutor(max_workers=workers) as pool:
            futures = [
                pool.submit(_convert_batch, soffice, root, n, batch, progress)
                for n, batch in enumerate(batches)
                if batch
            ]
            for future in futures:
                written, failed = future.result()
                result.written += written
                result.failed += failed
    result.written.sort()
    return result


def _convert_batch(
    soffice: str,
    root: Path,
    worker: int,
    batch: list[Path],
    progress: Callable[[int], None] | None,
) -> tuple[list[Path], list[tuple[Path, str]]]:
    """One LibreOffice run for many files; PDFs land beside their sources, atomically."""
    inbox, outbox = root / f"in{worker}", root / f"out{worker}"
    inbox.mkdir()
    outbox.mkdir()
    # Copies with distinct names: two sources called 台账.xlsx would share one PDF name.
    staged = []
    for n, source in enumerate(batch):
        copy = inbox / f"{n:05d}{source.suffix}"
        shutil.copyfile(source, copy)
        staged.append(copy)
    profile = (root / f"profile{worker}").as_uri()
    env = {**os.environ, "FONTCONFIG_FILE": str(root / "fonts.conf")}
    words = [copy for copy in staged if copy.suffix.lower() == ".docx"]
    others = [copy for copy in staged if copy.suffix.lower() != ".docx"]
    for target, copies in ((WORD_PDF, words), ("pdf", others)):
        if not copies:
            continue
        command = [
            soffice,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--norestore",
            "--convert-to",
            target,
            "--outdir",
            str(outbox),
            *map(str, copies),
        ]
        timeout = BATCH_TIMEOUT + PER_FILE_TIMEOUT * len(copies)
        # Whatever was converted before a time-out still counts.
        with contextlib.suppress(subprocess.TimeoutExpired):
            subprocess.run(command, capture_output=True, env=env, timeout=timeout, check=False)
    written, failed = [], []
    for source, copy in zip(batch, staged, strict=True):
        pdf = outbox / f"{copy.stem}.pdf"
        if pdf.is_file() and pdf.stat().st_size > 0:
            target = source.with_suffix(".pdf")
            write_bytes_atomic(target, pdf.read_bytes())
            written.append(target)
        else:
            failed.append((source, "LibreOffice 未能转换此文件（文件可能已损坏）"))
        if progress:
            progress(1)
    return written, failed


def convertible(paths: Sequence[Path], skip: Sequence[str] = ()) -> list[Path]:
    """The .docx/.xlsx files among ``paths`` (folders searched), minus folders named in ``skip``."""
    found: list[Path] = []
    for path in paths:
        candidates = sorted(path.rglob("*")) if path.is_dir() else [path]
        found += [
            p
            for p in candidates
            if p.is_file()
            and p.suffix.lower() in CONVERTIBLE
            and not p.name.startswith("~$")
            and not set(p.parts) & set(skip)
        ]
    return found
