"""Validate every generated .docx and .xlsx against the OOXML schemas, per document kind.

The validator is openxml-audit (PyPI): the ECMA-376 schemas and the semantic rules of
Microsoft's Open XML SDK, ported to Python -- what Word and Excel check before they offer
to "repair" a file. LibreOffice forgives what they do not, so this is the check that
stands in for the programs our users open documents with.

``python tools/ooxml_audit.py`` builds both bundled examples' whole year (every step of
``make all``, plus each plan as a plan workbook) in a temporary folder and prints, per
example and document kind, how many files were validated and how many errors and
warnings they had. ``python tools/ooxml_audit.py OUT [OUT ...]`` audits existing output
folders instead. Exit status 1 when any finding is not one of ``HARMLESS``.
"""

from __future__ import annotations

import fnmatch
import sys
import tempfile
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from openxml_audit import OpenXmlValidator, ValidationError  # noqa: E402
from openxml_audit.errors import ValidationSeverity  # noqa: E402

from generator.pipeline.kinds import KINDS as REGISTRY  # noqa: E402
from generator.pipeline.kinds import Engine  # noqa: E402

EXAMPLES = (ROOT / "data" / "jiaozuo2016", ROOT / "data" / "yunhe2020")
# The steps of `make all` after `plan`, in order (`plan` itself comes first).
STEPS = (
    ("collect", "{data}/returns"),
    ("summary", "--phase", "1"),
    ("summary", "--phase", "2"),
    ("nominate", "--forms"),
    ("nominate",),
    ("summary", "--phase", "3"),
)
PLAN_WORKBOOK = "方案工作簿/plan.xlsx"

# Document kind -> where its files are in an output folder: the registry's kinds that write
# Word or Excel files of ours (the returned originals are the units', not ours to validate),
# and the plan workbook `plandocs convert`/`init --xlsx` writes.
OURS = (Engine.DOCX, Engine.XLSX, Engine.STATISTICS)
KINDS: tuple[tuple[str, str], ...] = (
    *(
        (kind.label, pattern)
        for kind in REGISTRY
        if kind.engine in OURS or kind.name == "returned"
        for pattern in kind.files
    ),
    ("方案工作簿", PLAN_WORKBOOK),
)
NOT_OURS = ("台账汇总/原件/*", "评选推荐/原件/*")

# Findings a workbook written by openpyxl itself also has, each with why Excel and WPS do
# not mind (tests/test_ooxml_schema.py proves openpyxl's own output has each of them).
HARMLESS = {
    "Excel_InlineStrCells": (
        'a warning, not an error: inline strings (<c t="inlineStr">, ECMA-376 Part 1 '
        "§18.3.1.53) are valid SpreadsheetML; Excel opens them without a repair prompt and "
        "moves them to a shared-string table on its next save. Only the workbooks openpyxl "
        "writes for us (statistics, annotated copies, the plan workbook) have them; the "
        "ledger writer writes shared strings."
    ),
}


@dataclass
class KindCount:
    """What the files of one document kind gave."""

    files: int = 0
    errors: int = 0
    warnings: int = 0
    findings: Counter[str] = field(default_factory=Counter)

    def add(self, findings: Iterable[ValidationError]) -> None:
        self.files += 1
        for finding in findings:
            if finding.severity == ValidationSeverity.ERROR:
                self.errors += 1
            elif finding.severity == ValidationSeverity.WARNING:
                self.warnings += 1
            self.findings[finding_key(finding)] += 1


def finding_key(finding: ValidationError) -> str:
    """A finding's rule id, or (schema errors have none) its part and message."""
    return finding.id or f"{finding.part_uri}: {finding.description}"


def kind_of(relative: Path) -> str | None:
    """The document kind of a file at ``relative`` in an output folder; None: not ours."""
    if any(_matches(relative, pattern) for pattern in NOT_OURS):
        return None
    for kind, pattern in KINDS:
        if _matches(relative, pattern):
            return kind
    return "未归类"


def _matches(relative: Path, pattern: str) -> bool:
    wanted = pattern.split("/")
    if len(wanted) != len(relative.parts):
        return False
    pairs = zip(relative.parts, wanted, strict=True)
    return all(fnmatch.fnmatchcase(part, glob) for part, glob in pairs)


def documents(out: Path) -> dict[str, list[Path]]:
    """The .docx and .xlsx files of an output folder, by kind (files not ours left out)."""
    found: dict[str, list[Path]] = {}
    for path in sorted(out.rglob("*")):
        if path.suffix not in (".docx", ".xlsx") or path.name.startswith("~$"):
            continue
        kind = kind_of(path.relative_to(out))
        if kind is not None:
            found.setdefault(kind, []).append(path)
    return found


def validator() -> OpenXmlValidator:
    return OpenXmlValidator(max_errors=0)  # every finding, not the first hundred


def audit(out: Path, per_kind: int | None = None) -> dict[str, KindCount]:
    """Validate the documents in ``out``: every one, or the first ``per_kind`` of each kind
    and the largest (the one most likely to hold every kind of content)."""
    checker = validator()
    counts: dict[str, KindCount] = {}
    for kind, paths in documents(out).items():
        chosen = paths
        if per_kind is not None and len(paths) > per_kind:
            largest = max(paths, key=lambda p: p.stat().st_size)
            chosen = list(dict.fromkeys([*paths[:per_kind], largest]))
        count = counts.setdefault(kind, KindCount())
        for path in chosen:
            count.add(checker.validate(path).errors)
    return counts


def build_year(data: Path, out: Path) -> None:
    """Every document of ``make all`` for ``data``, and the plan as a plan workbook."""
    from click.testing import CliRunner

    from generator.cli import main

    def run(*args: str) -> None:
        result = CliRunner().invoke(main, list(args))
        if result.exit_code != 0:
            raise RuntimeError(f"plandocs {' '.join(args)}: {result.output}")

    run("plan", "--data", str(data), "--out", str(out))
    for step in STEPS:
        args = [arg.format(data=data) for arg in step]
        run(*args, "--data", str(data), "--out", str(out))
    run("convert", str(data), str(out / PLAN_WORKBOOK))


def unexplained(counts: dict[str, KindCount]) -> dict[str, Counter[str]]:
    """Per kind, the findings that are not in ``HARMLESS``."""
    found = {}
    for kind, count in counts.items():
        rest = Counter({k: n for k, n in count.findings.items() if k not in HARMLESS})
        if rest:
            found[kind] = rest
    return found


def table(results: Sequence[tuple[str, dict[str, KindCount]]]) -> str:
    """A Markdown table: per document kind, files, errors and warnings in each output."""
    names = [name for name, _ in results]
    lines = [
        "| 文件类别 | " + " | ".join(f"{n}：文件 / 错误 / 警告" for n in names) + " |",
        "|---|" + "---|" * len(names),
    ]
    for kind in [k for k, _ in KINDS] + ["未归类"]:
        cells = []
        for _, counts in results:
            c = counts.get(kind)
            cells.append("—" if c is None else f"{c.files} / {c.errors} / {c.warnings}")
        if any(cell != "—" for cell in cells):
            lines.append(f"| {kind} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    if argv:
        results = [(Path(folder).name, audit(Path(folder))) for folder in argv]
    else:
        results = []
        with tempfile.TemporaryDirectory() as scratch:
            for data in EXAMPLES:
                out = Path(scratch) / data.name
                print(f"生成 {data.name} 全年文件……", file=sys.stderr)
                build_year(data, out)
                results.append((data.name, audit(out)))
    print(table(results))
    bad = False
    for name, counts in results:
        for kind, findings in unexplained(counts).items():
            bad = True
            for key, n in findings.most_common():
                print(f"{name} {kind}: {n} × {key}", file=sys.stderr)
    seen = {key for _, counts in results for c in counts.values() for key in c.findings}
    for key in sorted(seen & HARMLESS.keys()):
        print(f"\n{key}（无害）：{HARMLESS[key]}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
