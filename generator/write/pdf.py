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
import sys
import tempfile
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from fontTools.ttLib import TTCollection, TTFont

from generator.write.atomic import write_bytes_atomic

LINUX_PACKAGES = (
    "libreoffice-writer-nogui libreoffice-calc-nogui "
    "fonts-noto-cjk fonts-arphic-ukai fonts-liberation2"
)
INSTALL_HINTS = {
    "win32": "请从 https://zh-cn.libreoffice.org/ 下载安装 LibreOffice（安装时保持默认目录）",
    "darwin": "请从 https://zh-cn.libreoffice.org/ 下载 LibreOffice，拖入“应用程序”文件夹",
}
INSTALL_HINT = f"apt-get install {LINUX_PACKAGES}"
SOFFICE_VARIABLE = "PLANDOCS_SOFFICE"  # an explicit path wins over every search
FONT_SUFFIXES = (".ttf", ".otf", ".ttc", ".otc")
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


def install_hint(platform: str | None = None) -> str:
    """How to install LibreOffice on this kind of machine."""
    return INSTALL_HINTS.get(platform or sys.platform, f"请安装：{INSTALL_HINT}")


def soffice_candidates(
    platform: str | None = None, env: Mapping[str, str] | None = None
) -> list[Path]:
    """Where LibreOffice's installers put ``soffice`` when it is not on ``PATH``."""
    platform = platform or sys.platform
    env = os.environ if env is None else env
    if platform == "win32":
        roots = [
            env.get(name)
            for name in ("ProgramFiles", "ProgramW6432", "ProgramFiles(x86)", "LOCALAPPDATA")
        ]
        found: list[Path] = []
        for root in dict.fromkeys(r for r in roots if r):
            base = Path(root) / "Programs" if root == env.get("LOCALAPPDATA") else Path(root)
            # "LibreOffice", or "LibreOffice 7" / "LibreOffice 24.8" from older installers
            for folder in sorted(_glob(base, "LibreOffice*"), reverse=True):
                found.append(folder / "program" / "soffice.exe")
        return found
    if platform == "darwin":
        apps = [Path("/Applications")]
        if env.get("HOME"):
            apps.append(Path(env["HOME"]) / "Applications")
        return [app / "LibreOffice.app" / "Contents" / "MacOS" / "soffice" for app in apps]
    return [
        Path("/usr/bin/soffice"),
        Path("/usr/local/bin/soffice"),
        Path("/opt/libreoffice/program/soffice"),
    ]


def _glob(base: Path, pattern: str) -> list[Path]:
    try:
        return [p for p in base.glob(pattern) if p.is_dir()]
    except OSError:
        return []


def find_soffice(
    platform: str | None = None,
    env: Mapping[str, str] | None = None,
    which: Callable[[str], str | None] | None = None,
) -> str:
    """LibreOffice's ``soffice``: ``PLANDOCS_SOFFICE``, then ``PATH``, then the install folders."""
    env = os.environ if env is None else env
    which = which or shutil.which
    explicit = env.get(SOFFICE_VARIABLE)
    if explicit:
        if Path(explicit).is_file():
            return explicit
        raise PdfError(f"环境变量 {SOFFICE_VARIABLE} 指向的 {explicit} 不存在。请改正或删去该变量")
    on_path = which("soffice") or which("libreoffice")
    if on_path:
        return on_path
    for candidate in soffice_candidates(platform, env):
        if candidate.is_file():
            return str(candidate)
    raise PdfError(f"未找到 LibreOffice，无法转换 PDF。{install_hint(platform)}")


def font_folders(platform: str | None = None, env: Mapping[str, str] | None = None) -> list[Path]:
    """The folders a machine keeps its fonts in (what fontconfig or Windows would search)."""
    platform = platform or sys.platform
    env = os.environ if env is None else env
    home = Path(env["HOME"]) if env.get("HOME") else None
    if platform == "win32":
        windows = env.get("WINDIR") or env.get("SystemRoot") or r"C:\Windows"
        folders = [Path(windows) / "Fonts"]
        if env.get("LOCALAPPDATA"):
            folders.append(Path(env["LOCALAPPDATA"]) / "Microsoft" / "Windows" / "Fonts")
        return folders
    if platform == "darwin":
        folders = [Path("/System/Library/Fonts"), Path("/Library/Fonts")]
        return folders + ([home / "Library" / "Fonts"] if home else [])
    data_home = Path(env["XDG_DATA_HOME"]) if env.get("XDG_DATA_HOME") else None
    folders = [Path("/usr/share/fonts"), Path("/usr/local/share/fonts")]
    if data_home:
        folders.append(data_home / "fonts")
    if home:
        folders += [home / ".local" / "share" / "fonts", home / ".fonts"]
    return folders


def installed_families(folders: Sequence[Path] | None = None) -> set[str]:
    """Font family names (every language's) of the font files in ``folders``.

    Read from each file's ``name`` table with fontTools (a matplotlib dependency), so
    no ``fc-list`` is needed: Windows and macOS have none. A collection (.ttc) gives
    every face's names -- Noto CJK's SC face is not its first.
    """
    families: set[str] = set()
    for folder in font_folders() if folders is None else folders:
        try:
            files = [p for p in folder.rglob("*") if p.suffix.lower() in FONT_SUFFIXES]
        except OSError:
            continue
        for path in files:
            families |= _font_families(path)
    return families


def _font_families(path: Path) -> set[str]:
    try:
        if path.suffix.lower() in (".ttc", ".otc"):
            faces = TTCollection(str(path), lazy=True).fonts
        else:
            faces = [TTFont(str(path), lazy=True)]
        names = [record for face in faces for record in face["name"].names]
    except Exception:  # a damaged or exotic font file is not ours to judge
        return set()
    found = set()
    for record in names:
        if record.nameID in (1, 16):  # family, typographic family
            with contextlib.suppress(UnicodeDecodeError):
                found.add(record.toUnicode().strip())
    return found


def uses_fontconfig(platform: str | None = None) -> bool:
    """LibreOffice reads our private fontconfig file only where it uses fontconfig."""
    return (platform or sys.platform) not in ("win32", "cygwin", "darwin")


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
    if uses_fontconfig():
        font_plan(installed_families())


def convert(
    sources: Sequence[Path],
    jobs: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> Conversion:
    """Convert each source to ``<source>.pdf`` beside it; a failing document is named, not fatal."""
    soffice = find_soffice()
    plan = font_plan(installed_families()) if uses_fontconfig() else {}
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
    env = dict(os.environ)
    if uses_fontconfig():
        env["FONTCONFIG_FILE"] = str(root / "fonts.conf")
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
    written: list[Path] = []
    failed: list[tuple[Path, str]] = []
    for source, copy in zip(batch, staged, strict=True):
        pdf = outbox / f"{copy.stem}.pdf"
        if pdf.is_file() and pdf.stat().st_size > 0:
            beside = source.with_suffix(".pdf")
            write_bytes_atomic(beside, pdf.read_bytes())
            written.append(beside)
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
