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

from generator.write.pdf import PdfError, convert  # noqa: E402

KINDS = {
    "方案": "方案/*.docx",
    "总台账": "方案/*.xlsx",
    "单位实施方案": "各单位/*/*实施方案.docx",
    "单位台账": "各单位/*/*台账.xlsx",
    "台账汇总": "台账汇总/台账汇总.xlsx",
    "退回批注副本": "台账汇总/退回/*.xlsx",
    "局阶段总结": "阶段总结/*/孟州市*.docx",
    "单位阶段总结": "阶段总结/*/各单位/*.docx",
    "阶段统计": "阶段总结/*/*统计.xlsx",
    "推荐表-个人": "评选推荐/推荐表/先进个人/*.docx",
    "推荐表-集体": "评选推荐/推荐表/先进集体/*.docx",
    "推荐汇总表": "评选推荐/*推荐汇总表.xlsx",
    "推荐报告": "评选推荐/关于*.docx",
    "推荐表格": "评选推荐/推荐表格/*.xlsx",
    "年度总结": "年度总结/*.docx",
}


def main(out: Path) -> int:
    if shutil.which("pdftoppm") is None:
        print("未安装 pdftoppm，请安装：apt-get install poppler-utils", file=sys.stderr)
        return 2
    target = out / "预览"
    target.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as work:
        samples = {}
        for kind, pattern in KINDS.items():
            found = sorted(out.glob(pattern))
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
