"""Benchmark: batch PDF conversion of the whole example document set (documents per second).

Usage: .venv/bin/python bench/bench_pdf.py [OUT]   (OUT defaults to out/, built by `make all`)

Compares one LibreOffice call per document (a sample) with the batched conversion,
for one worker and for one worker per core. Wall-clock figures vary with the
machine; the ratios are what to read.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from generator.write.pdf import convert, convertible  # noqa: E402

SAMPLE = 6  # documents converted one call each


def staged(sources: list[Path], folder: Path) -> list[Path]:
    copies = []
    for n, source in enumerate(sources):
        copy = folder / f"{n:04d}{source.suffix}"
        shutil.copyfile(source, copy)
        copies.append(copy)
    return copies


def timed(label: str, sources: list[Path], run) -> float:  # type: ignore[no-untyped-def]
    with tempfile.TemporaryDirectory() as work:
        copies = staged(sources, Path(work))
        start = time.perf_counter()
        run(copies)
        seconds = time.perf_counter() - start
    rate = len(sources) / seconds
    print(f"| {label} | {len(sources)} | {seconds:.1f} | {rate:.2f} | {1000 / rate:.0f} |")
    return rate


def main(out: Path) -> None:
    sources = convertible([out], skip=("原件", "预览"))
    if not sources:
        sys.exit(f"{out} 中没有文件，请先运行 make all")
    cores = os.cpu_count() or 1
    print("| conversion | documents | seconds | documents/s | ms/document |")
    print("|---|---|---|---|---|")
    single = timed(
        "one LibreOffice call per document",
        sources[:SAMPLE],
        lambda copies: [convert([c], jobs=1) for c in copies],
    )
    one = timed("batched, 1 worker", sources, lambda copies: convert(copies, jobs=1))
    many = timed(f"batched, {cores} workers", sources, lambda copies: convert(copies, jobs=cores))
    print(f"\nbatched/1-per-call: {one / single:.1f}x; {cores} workers/1 worker: {many / one:.2f}x")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "out"))
