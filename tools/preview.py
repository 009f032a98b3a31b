"""Write a PNG of the first page of each document kind (make preview), for a quick look.

Converts one example of each kind found under the output folder (LibreOffice, through
``plandocs``'s own conversion) and renders its first page with pdftoppm.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from generator.pipeline.kinds import KINDS as REGISTRY  # noqa: E402
from generator.pipeline.kinds import Engine  # noqa: E402
from generator.write.pdf import PdfError, convert  # noqa: E402

# One sample of every kind of Word or Excel file the registry lists: label -> its files.
KINDS = {
    kind.label: kind.files
    for kind in REGISTRY
    if kind.engine in (Engine.DOCX, Engine.XLSX, Engine.STATISTICS) and kind.files
}


def main(out: Path) -> int:
    if shutil.which("pdftoppm") is None:
        print("未安装 pdftoppm，请安装：apt-get install poppler-utils", file=sys.stderr)
        return 2
    target = out / "预览"
    target.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as work:
        samples = {}
        for kind, patterns in KINDS.items():
            found = sorted(p for pattern in patterns for p in out.glob(pattern))
            if found:
                copy = Path(work) / f"{kind}{found[0].suffix}"
                shutil.copyfile(found[0], copy)
                samples[kind] = copy
        try:
            result = convert(list(samples.values()))
        except PdfError as error:
            print(error, file=sys.stderr)
            return 2
        for kind, source in samples.items():
            pdf = source.with_suffix(".pdf")
            if pdf.exists():
                subprocess.run(
                    [
                        "pdftoppm",
                        "-png",
                        "-r",
                        "60",
                        "-f",
                        "1",
                        "-l",
                        "1",
                        "-singlefile",
                        str(pdf),
                        str(target / kind),
                    ],
                    check=True,
                )
        for source, reason in result.failed:
            print(f"转换失败：{source.stem}：{reason}", file=sys.stderr)
    print(f"已写出 {len(list(target.glob('*.png')))} 张预览图到 {target}/")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "out")))
