"""Every kind of generated .docx and .xlsx validates against the OOXML schemas.

The validator (openxml-audit) applies the ECMA-376 schemas and the Open XML SDK's rules --
what Word and Excel check before offering to repair a file, and LibreOffice forgives.
Both bundled examples' whole year is built once (tools/ooxml_audit.py), then the first two
documents of each kind and its largest are validated: Word documents must have no finding
at all; workbooks no error, and only the warnings listed in ``HARMLESS``, each of which a
workbook openpyxl writes itself also has. `python tools/ooxml_audit.py` validates every
file and prints the counts the README shows.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from lxml import etree
from openpyxl.styles import Font

from generator.pipeline import kinds
from tests.helpers import load_tool

audit = load_tool("ooxml_audit")
WORD_KINDS = {kind for kind, pattern in audit.KINDS if pattern.endswith(".docx")}
# Written by our own ledger writer (render/xlsx/writer.py): not even a warning.
MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
# The workbooks our ledger writer renders from the workbook template (the registry says which).
LEDGER_WRITER_KINDS = {k.label for k in kinds.KINDS if k.engine is kinds.Engine.XLSX and k.files}


@pytest.fixture(scope="module")
def years(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    built = {}
    for data in audit.EXAMPLES:
        out = tmp_path_factory.mktemp(data.name) / "out"
        audit.build_year(data, out)
        built[data.name] = out
    return built


@pytest.fixture(scope="module")
def counts(years: dict[str, Path]) -> dict[str, dict[str, object]]:
    return {name: audit.audit(out, per_kind=2) for name, out in years.items()}


@pytest.mark.parametrize("example", [data.name for data in audit.EXAMPLES])
def test_every_document_kind_is_there_and_known(
    years: dict[str, Path], counts: dict[str, dict[str, object]], example: str
) -> None:
    found = audit.documents(years[example])
    assert "未归类" not in found, found.get("未归类")
    assert set(counts[example]) == {kind for kind, _ in audit.KINDS}


@pytest.mark.parametrize("example", [data.name for data in audit.EXAMPLES])
def test_word_documents_have_no_finding(counts: dict[str, dict[str, object]], example: str) -> None:
    for kind in WORD_KINDS:
        count = counts[example][kind]
        assert count.files >= 1, kind
        assert not count.findings, (kind, count.findings)


@pytest.mark.parametrize("example", [data.name for data in audit.EXAMPLES])
def test_workbooks_have_no_error_and_only_harmless_warnings(
    counts: dict[str, dict[str, object]], example: str
) -> None:
    workbooks = {k: c for k, c in counts[example].items() if k not in WORD_KINDS}
    assert workbooks
    assert {kind: c.errors for kind, c in workbooks.items() if c.errors} == {}
    assert audit.unexplained(workbooks) == {}
    for kind in LEDGER_WRITER_KINDS:  # shared strings, fonts in order: nothing at all
        assert not workbooks[kind].findings, (kind, workbooks[kind].findings)


def test_the_harmless_findings_are_openpyxls_own(tmp_path: Path) -> None:
    """What HARMLESS excuses, a workbook openpyxl writes with no help from us has too."""
    wb = openpyxl.Workbook()
    wb.active["A1"] = "文字"
    wb.active["A1"].font = Font(name="仿宋", size=12, bold=True)
    buffer = io.BytesIO()
    wb.save(buffer)
    path = tmp_path / "openpyxl.xlsx"
    path.write_bytes(buffer.getvalue())
    findings = {audit.finding_key(f) for f in audit.validator().validate(path).errors}
    assert set(audit.HARMLESS) <= findings
    # ... and the font order it writes is an error, which our writers avoid
    assert any("styles.xml: Unexpected element" in key for key in findings)


def rewritten(path: Path, member: str, old: str, new: str, tmp_path: Path) -> Path:
    """A copy of ``path`` with the first match of ``old`` in ``member`` replaced."""
    source = zipfile.ZipFile(path)
    target = tmp_path / f"broken{path.suffix}"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for name in source.namelist():
            data = source.read(name)
            if name == member:
                text, n = re.subn(old, new, data.decode("utf-8"), count=1)
                assert n == 1, f"{old!r} not in {member}"
                data = text.encode("utf-8")
            out.writestr(name, data)
    return target


def test_a_paragraph_property_out_of_order_is_caught(
    years: dict[str, Path], tmp_path: Path
) -> None:
    """The check can fail: one w:pPr child moved behind another is a schema error."""
    plan = next((years["jiaozuo2016"] / "方案").glob("*.docx"))
    assert not audit.validator().validate(plan).errors
    broken = rewritten(
        plan,
        "word/document.xml",
        r"<w:pPr>(<w:pStyle [^>]*/>)(<w:[^>]*/>)",
        r"<w:pPr>\2\1",
        tmp_path,
    )
    errors = audit.validator().validate(broken).errors
    assert any("document.xml" in e.part_uri for e in errors), errors


def test_a_font_out_of_order_in_a_ledger_is_caught(years: dict[str, Path], tmp_path: Path) -> None:
    ledger = next((years["jiaozuo2016"] / "方案").glob("*.xlsx"))
    broken = rewritten(
        ledger, "xl/styles.xml", r"<font>(<sz [^>]*/>)(.*?)</font>", r"<font>\2\1</font>", tmp_path
    )
    errors = audit.validator().validate(broken).errors
    assert any(e.part_uri == "/xl/styles.xml" for e in errors), errors


def test_ledger_text_is_in_the_shared_string_table(years: dict[str, Path]) -> None:
    ledger = next((years["yunhe2020"] / "各单位").glob("*/*.xlsx"))
    archive = zipfile.ZipFile(ledger)
    sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/")]
    assert all(b"inlineStr" not in archive.read(name) for name in sheets)
    table = etree.fromstring(archive.read("xl/sharedStrings.xml"))
    strings = {t.text for t in table.iter(f"{MAIN}t")}
    book = openpyxl.load_workbook(ledger)
    texts = {c.value for ws in book.worksheets for row in ws.iter_rows() for c in row}
    assert {t for t in texts if isinstance(t, str)} <= strings
    assert len(strings) == int(table.get("uniqueCount"))


# --- Word documents as Word and WPS open them ----------------------------------------------

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# Chinese faces every Windows (Vista and later) and WPS install carries, by either name.
SHIPPED_FACES = {"宋体", "SimSun", "黑体", "SimHei", "仿宋", "FangSong", "楷体", "KaiTi"}


def word_documents(years: dict[str, Path]) -> list[Path]:
    """One document of each Word kind in each example."""
    return [
        paths[0]
        for out in years.values()
        for kind, paths in audit.documents(out).items()
        if kind in WORD_KINDS
    ]


def parts_of(path: Path) -> dict[str, etree._Element]:
    archive = zipfile.ZipFile(path)
    return {
        name: etree.fromstring(archive.read(name))
        for name in archive.namelist()
        if name.startswith("word/") and name.endswith(".xml")
    }


def test_word_opens_them_without_compatibility_mode_or_prompt(years: dict[str, Path]) -> None:
    """compatibilityMode 15 (Word 2013+: no [兼容模式]); no updateFields (Word would ask on
    every opening); the only field is PAGE, which Word and WPS compute when laying out."""
    for path in word_documents(years):
        parts = parts_of(path)
        settings = parts["word/settings.xml"]
        modes = [
            s.get(f"{W}val")
            for s in settings.iter(f"{W}compatSetting")
            if s.get(f"{W}name") == "compatibilityMode"
        ]
        assert modes == ["15"], path
        assert settings.find(f"{W}updateFields") is None, path
        fields = {
            "".join(t.itertext()).split()[0]
            for root in parts.values()
            for t in root.iter(f"{W}instrText")
        }
        simple = [f for root in parts.values() for f in root.iter(f"{W}fldSimple")]
        assert fields <= {"PAGE"} and not simple, (path, fields)


def test_every_face_is_in_the_font_table_with_a_fallback(years: dict[str, Path]) -> None:
    """Each face a document names is in its font table; each Chinese face is one Windows
    and WPS ship, or names one as its altName (仿宋_GB2312 → 仿宋, 方正小标宋简体 → 宋体)."""
    for path in word_documents(years):
        parts = parts_of(path)
        table = {
            font.get(f"{W}name"): next(
                (alt.get(f"{W}val") for alt in font.iter(f"{W}altName")), None
            )
            for font in parts["word/fontTable.xml"].iter(f"{W}font")
        }
        used: set[str] = set()
        east_asian: set[str] = set()
        for name, root in parts.items():
            if name == "word/fontTable.xml":
                continue
            for fonts in root.iter(f"{W}rFonts"):
                for attribute in ("ascii", "hAnsi", "eastAsia", "cs"):
                    face = fonts.get(f"{W}{attribute}")
                    if face:
                        used.add(face)
                        if attribute == "eastAsia":
                            east_asian.add(face)
        assert used <= table.keys(), (path, used - table.keys())
        assert {"仿宋_GB2312", "方正小标宋简体", "黑体", "楷体_GB2312"} <= east_asian
        for face in east_asian:
            assert face in SHIPPED_FACES or table[face] in SHIPPED_FACES, (path, face)
