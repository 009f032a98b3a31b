"""Check the laid-out pages of every Word document in output folders (页面检查).

``python tools/page_check.py out/ out-yunhe/ [--convert] [--list]`` reads each .docx with
the PDF beside it (``plandocs pdf`` writes them; ``--convert`` converts first, into a
temporary folder) and prints, per document kind, how many problems each rule of
``tests/page_check.py`` found; ``--list`` names every problem. Exit status 1 when any
problem is found.

``python tools/page_check.py --build 目录`` first writes the whole year of both bundled
examples and of the stress plan (``tests/stress_plan.py``) into 目录, then checks them
all (the README's table).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.conftest import convert_many  # noqa: E402
from tests.page_check import CONVERT_CHUNK, Problem, check, kind_of, report, tally  # noqa: E402


def documents(folders: list[Path]) -> list[tuple[str, Path]]:
    """(relative name, path) of every .docx under ``folders``, the folder name first."""
    found = []
    for folder in folders:
        for path in sorted(folder.rglob("*.docx")):
            if not path.name.startswith("~$"):
                found.append((f"{folder.name}/{path.relative_to(folder).as_posix()}", path))
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="检查 Word 文件排版后的页面（需要 LibreOffice）")
    parser.add_argument("folders", nargs="*", type=Path, help="输出目录，如 out/")
    parser.add_argument("--build", type=Path, help="先在此目录生成两个示例和压力测试方案的全部文件")
    parser.add_argument("--convert", action="store_true", help="先用 LibreOffice 重新转换")
    parser.add_argument("--list", action="store_true", help="逐条列出问题")
    args = parser.parse_args(argv)
    if args.build:
        from tests.stress_plan import build_all

        args.folders = [*args.folders, *build_all(args.build)]
        args.convert = True
    docs = documents(args.folders)
    with tempfile.TemporaryDirectory(prefix="plandocs-page-") as work:
        if args.convert:
            paths = [path for _, path in docs]
            laid_out = []
            for start in range(0, len(paths), CONVERT_CHUNK):
                chunk = Path(work) / str(start)
                laid_out += convert_many(paths[start : start + CONVERT_CHUNK], chunk)
        else:
            laid_out = [path.with_suffix(".pdf") for _, path in docs]
        results: dict[str, list[tuple[str, list[Problem]]]] = {}
        for (name, path), laid in zip(docs, laid_out, strict=True):
            problems = check(path, laid)
            results.setdefault(name.split("/")[0], []).append((kind_of(name), problems))
            if args.list:
                for problem in problems:
                    print(f"{name} 第 {problem.page} 页 {problem.rule} {problem.detail}")
    for folder, found in results.items():
        print(f"\n{folder}\n")
        print(report(tally(found)))
    return 1 if any(p for found in results.values() for _, p in found) else 0


if __name__ == "__main__":
    sys.exit(main())
