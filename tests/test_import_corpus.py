"""Plans as other bureaus write them (issue 17): the corpus in tests/fixtures/plans/.

Each plan was written for these tests (fictional bureaus). ``expected/<plan>.yaml``,
written by hand from the plan's text, says what the import must read from it; the
checks here compare the import with it, prove that every line of the source is either
in the imported data or named (with its line number) in 导入说明.txt, and -- after the
导入说明 items are answered as ``answers/<plan>.yaml`` says -- run the plan through
``check`` and ``plan`` and convert every document with LibreOffice.

``PAGE_CHECKS`` holds the per-document checks of the laid-out pages (issue 12's page check
module, tests/page_check.py): each callable gets the .docx and its PDF.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.model.plan import Item, PlanText
from generator.pipeline.plan_files import write_import
from generator.read.import_source import read_source
from generator.read.plan_import import REPORT_FILE, Imported, import_plan
from tests.fixtures.plans import docx_plans
from tests.helpers import FIXTURES, invoke

CORPUS = FIXTURES / "plans"
EXPECTED = CORPUS / "expected"
ANSWERS = CORPUS / "answers"
TEXT_PLANS = sorted(p.name for p in CORPUS.glob("*.txt"))
PLANS = sorted([*TEXT_PLANS, *docx_plans.PLANS])


def laid_out_pages_pass(document: Path, pdf: Path) -> None:
    """Issue 12's page check of a Word document, with its one known exception (LibreOffice
    misplaces the turned number of a one-page landscape section; see test_page_check)."""
    if document.suffix != ".docx":
        return
    from tests import page_check

    found = [p for p in page_check.check(document, pdf) if p.rule != "page_number_side"]
    assert not found, f"{document}: {found}"


# Checks of a converted document: (the .docx or .xlsx, its PDF) -> None, raising on a fault.
PAGE_CHECKS: list[Callable[[Path, Path], None]] = [laid_out_pages_pass]


def test_the_corpus_covers_each_kind_of_source() -> None:
    assert len(PLANS) >= 12
    assert {Path(p).suffix for p in PLANS} == {".txt", ".docx"}
    assert {p for p in PLANS} == {f"{p.stem}.{_suffix(p.stem)}" for p in EXPECTED.glob("*.yaml")}


def _suffix(stem: str) -> str:
    return "docx" if f"{stem}.docx" in docx_plans.PLANS else "txt"


@pytest.fixture(scope="module")
def sources(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every corpus plan as a file: the .txt as written, the .docx built now."""
    folder = tmp_path_factory.mktemp("corpus")
    built = {
        name: docx_plans.build(blocks, folder / name) for name, blocks in docx_plans.PLANS.items()
    }
    return {**{name: CORPUS / name for name in TEXT_PLANS}, **built}


def _import(source: Path, out: Path) -> tuple[Imported, str]:
    imported = import_plan(source, out)
    write_import(imported, force=False)
    return imported, (out / REPORT_FILE).read_text(encoding="utf-8")


# --- what each plan must import to -----------------------------------------------------


@pytest.mark.parametrize("name", PLANS)
def test_each_plan_imports_to_its_expected_data(
    name: str, sources: dict[str, Path], tmp_path: Path
) -> None:
    imported, report = _import(sources[name], tmp_path / "out")
    expected = yaml.safe_load((EXPECTED / f"{Path(name).stem}.yaml").read_text(encoding="utf-8"))
    assert digest(imported, report, expected) == expected


def digest(imported: Imported, report: str, expected: dict[str, Any]) -> dict[str, Any]:
    """The imported data in the shape of an expected file (only the keys it names)."""
    text, org, ledger = imported.text, imported.organisation, imported.ledger
    assert text is not None and org is not None and ledger is not None
    found: dict[str, Any] = {
        "title": text.title,
        "year": text.year,
        "activity": text.activity,
        "issuer": text.issuer,
        "date": text.date,
        "addressee": text.addressee,
        "ledger_title": ledger.title,
        "notice": text.notice.model_dump(exclude_defaults=True) if text.notice else None,
        "sections": [_item(s, e) for s, e in zip(text.sections, expected["sections"], strict=False)]
        + [{"extra": s.title} for s in text.sections[len(expected["sections"]) :]],
        "phases": [_phase(p) for p in text.phases],
        "units": [u.name for u in org.units],
        "groups": [_group(g) for g in org.groups],
        "measures": [
            {
                "wording": m.wording,
                "comparator": m.comparator,
                "value": m.value,
                "unit": m.unit,
                "scope": m.scope,
            }
            for t in ledger.targets
            for m in t.measures
        ],
        "left_out": left_out_places(report),
        "unconfirmed": list(text.unconfirmed),
    }
    return {key: found[key] for key in expected}


def _item(item: Item, expected: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = {
        "title": item.title,
        "text": item.text,
        "id": item.id,
        "responsible": list(item.responsible),
        "lead": list(item.lead),
        "cooperating": list(item.cooperating),
        "leader": item.leader,
        "deadline": item.deadline,
        "score": item.score,
        "role": item.role,
        "child_numbering": item.child_numbering,
        "details": [[d.label, d.value] for d in item.details],
    }
    shown = {k: v for k, v in found.items() if k in expected or v not in ("", [], None)}
    shown = {k: v for k, v in shown.items() if k != "text" or "text" in expected}
    shown.pop("id", None) if "id" not in expected else None
    wanted = expected.get("items", [])
    if item.items or wanted:
        shown["items"] = [_item(c, e) for c, e in zip(item.items, wanted, strict=False)] + [
            {"extra": c.title or c.text} for c in item.items[len(wanted) :]
        ]
    return shown


def _phase(phase: Any) -> dict[str, Any]:
    found = {"name": phase.name, "start": phase.start, "end": phase.end}
    return {k: v for k, v in found.items() if v is not None}


def _group(group: Any) -> dict[str, Any]:
    found: dict[str, Any] = {"name": group.name, "members": list(group.members)}
    if group.count is not None:
        found["count"] = group.count
    return found


def left_out_places(report: str) -> list[str]:
    """The places 导入说明 lists under 未导入的内容."""
    part = report.split("未导入的内容", 1)[1] if "未导入的内容" in report else ""
    part = re.split(r"\n(?=\S)", part, maxsplit=1)[0]
    return re.findall(r"^  ((?:表格\d+)?第\d+[行段])：", part, re.MULTILINE)


# --- no silent drop ------------------------------------------------------------------


@pytest.mark.parametrize("name", PLANS)
def test_every_source_line_is_placed_or_listed(
    name: str, sources: dict[str, Path], tmp_path: Path
) -> None:
    """Each line's words are in the written data, or 导入说明 names the line."""
    out = tmp_path / "out"
    _, report = _import(sources[name], out)
    written = "".join(
        yaml.safe_dump(yaml.safe_load((out / f).read_text("utf-8")), allow_unicode=True)
        for f in ("plan.yaml", "units.yaml", "ledger.yaml")
    )
    written = re.sub(r"\s+", "", written)
    named = set(re.findall(r"((?:表格\d+)?第\d+[行段])", report))
    source = read_source(sources[name])
    unplaced = []
    for number, line in _source_lines(sources[name]):
        place = f"{line[0]}第{number}{'行' if line[0] else source.unit}"
        if place in named or (line[0] and line[0] in named):
            continue
        # Chinese words of two or more characters, the outline number and labels aside.
        body = re.sub(r"^[（(]?[一二三四五六七八九十\d]+[)）]?[、.]?|^[①-⑳]", "", line[1])
        # Words the documents print themselves: field labels, 附件, the 版记's 印发.
        for label in (
            "责任单位",
            "主责单位",
            "牵头单位",
            "配合单位",
            "责任领导",
            "完成时限",
            "抄送",
        ):
            body = body.replace(label, "")
        body = re.sub(r"^附件|日印发$", "", body)
        missing = [w for w in re.findall(r"[一-鿿]{2,}", body) if w not in written]
        if missing:
            unplaced.append((place, line[1], missing))
    assert unplaced == []


def _source_lines(path: Path) -> list[tuple[int, tuple[str, str]]]:
    """(number, (table or "", text)) of every non-blank line, paragraph and table row."""
    if path.suffix == ".txt":
        lines = path.read_text(encoding="utf-8").split("\n")
        return [(n, ("", t)) for n, t in enumerate(lines, 1) if t.strip()]
    found: list[tuple[int, tuple[str, str]]] = []
    paragraph = table = 0
    for block in docx_plans.PLANS[path.name]:
        if isinstance(block, str):
            paragraph += 1
            found.append((paragraph, ("", block)))
        else:
            table += 1
            # The header row is the table's layout, printed by the documents themselves.
            found += [
                (r, (f"表格{table}", cell))
                for r, row in enumerate(block, 1)
                for cell in row
                if r > 1 and cell
            ]
    return found


@pytest.mark.parametrize("name", TEXT_PLANS)
def test_a_text_plan_pasted_into_word_imports_the_same(name: str, tmp_path: Path) -> None:
    text = (CORPUS / name).read_text(encoding="utf-8")
    as_docx = docx_plans.from_text(text, tmp_path / f"{Path(name).stem}.docx")
    expected = yaml.safe_load((EXPECTED / f"{Path(name).stem}.yaml").read_text(encoding="utf-8"))
    imported, report = _import(as_docx, tmp_path / "out")
    found = digest(imported, report, expected)
    # Paragraphs are counted without the blank lines a .txt has: compare how many.
    assert len(found.pop("left_out")) == len(expected.pop("left_out"))
    assert found == expected


# --- answered, then issued -----------------------------------------------------------


@pytest.mark.parametrize("name", PLANS)
def test_check_asks_for_what_the_import_left_to_fill_in(
    name: str, sources: dict[str, Path], tmp_path: Path
) -> None:
    out = tmp_path / "out"
    _import(sources[name], out)
    code, output = invoke("check", "--data", str(out))
    assert code == 2, output
    # Every problem is something the import left to fill in, at its line in the files.
    problems = re.findall(r"问题：(.+)", output)
    to_fill = ("尚未填写", "没有成员", "方案写明", "是导入时推断的")
    assert problems and all(any(w in p for w in to_fill) for p in problems), output
    assert re.search(rf"{re.escape(str(out))}/(?:plan|units|ledger)\.yaml:\d+:\d+", output)


@pytest.fixture(scope="module")
def issued(sources: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Each corpus plan imported, its 导入说明 answered, checked and issued with ``plan``:
    plan name -> (check's output, plan's output, the documents written)."""
    found: dict[str, Any] = {}
    for name in PLANS:
        folder = tmp_path_factory.mktemp(Path(name).stem)
        data, out = folder / "data", folder / "out"
        _import(sources[name], data)
        answer(data, yaml.safe_load((ANSWERS / f"{Path(name).stem}.yaml").read_text("utf-8")))
        checked = invoke("check", "--data", str(data))
        made = invoke("plan", "--data", str(data), "--out", str(out))
        documents = sorted(p for p in out.rglob("*") if p.suffix in (".docx", ".xlsx"))
        found[name] = (checked, made, documents)
    return found


@pytest.mark.parametrize("name", PLANS)
def test_each_plan_answered_goes_through_plan(name: str, issued: dict[str, Any]) -> None:
    (code, output), (made, made_output), documents = issued[name]
    assert code == 0, output
    assert made == 0, made_output
    assert any(p.parent.name == "方案" and p.suffix == ".docx" for p in documents)
    assert any(p.suffix == ".xlsx" and p.parent.parent.name == "各单位" for p in documents)
    _no_placeholder_in(documents)


def test_every_corpus_document_converts_and_passes_the_page_checks(
    issued: dict[str, Any], tmp_path: Path
) -> None:
    """All documents of all answered plans, in one LibreOffice batch; then each page check."""
    documents = [d for *_, docs in issued.values() for d in docs]
    _convert_and_check(documents, tmp_path / "pdf")


def _no_placeholder_in(documents: list[Path]) -> None:
    import docx
    import openpyxl

    for path in documents:
        if path.suffix == ".docx":
            words = "\n".join(p.text for p in docx.Document(str(path)).paragraphs)
        else:
            book = openpyxl.load_workbook(path)
            words = "\n".join(
                str(c.value) for s in book.worksheets for row in s.iter_rows() for c in row
            )
        assert "待填写" not in words, path


def _convert_and_check(documents: list[Path], folder: Path) -> None:
    from tests.conftest import convert_many

    pdfs = convert_many(documents, folder)
    assert len(pdfs) == len(documents)
    for document, pdf in zip(documents, pdfs, strict=True):
        assert pdf.stat().st_size > 0, document
        for check in PAGE_CHECKS:
            check(document, pdf)


def answer(data: Path, answers: dict[str, Any]) -> None:
    """Answer an import's 导入说明 items in its YAML files, as a user would by hand:
    group members, the units of unassigned tasks, what units report, the phases."""
    plan = _load(data / "plan.yaml")
    units = _load(data / "units.yaml")
    ledger = _load(data / "ledger.yaml")
    known = {u["name"] for u in units["units"]}
    for name in answers.get("units", []):
        if name not in known:
            units["units"].append(
                {"id": f"a{len(units['units']):02d}", "name": name, "kind": "unit"}
            )
            known.add(name)
    for group in units.get("groups", []):
        if group["name"] in answers.get("members", {}):
            group["members"] = answers["members"][group["name"]]
            for member in group["members"]:
                if member not in known:
                    units["units"].append(
                        {"id": f"a{len(units['units']):02d}", "name": member, "kind": "unit"}
                    )
                    known.add(member)
    assign = answers.get("assign", {})
    for item in _walk(plan["sections"]):
        if item.get("responsible") == ["待填写"]:
            item["responsible"] = assign[item.get("title") or item.get("text")]
    units["units"] = [u for u in units["units"] if u["name"] != "待填写"]
    if "phases" in answers:
        plan["phases"] = answers["phases"]
    for key in ("issuer", "notice"):
        if key in answers:
            plan[key] = answers[key] if key != "notice" else {**plan[key], **answers[key]}
    reported = answers.get("reported", {})
    for target in ledger["targets"]:
        for measure in target.get("measures", []):
            measure["reported"] = reported[measure["wording"]]
    _dump(data / "plan.yaml", plan)
    _dump(data / "units.yaml", units)
    _dump(data / "ledger.yaml", ledger)


def _walk(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [x for i in items for x in (i, *_walk(i.get("items", [])))]


def _load(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _dump(path: Path, data: Any) -> None:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_the_plan_text_model_takes_the_corpus_shapes() -> None:
    """A fifth-level item, a blank detail and a group count are valid data."""
    text = PlanText.model_validate(
        {
            "id": "p",
            "title": "某方案",
            "year": 2024,
            "activity": "某活动",
            "issuer": "某局",
            "date": dt.date(2024, 1, 5),
            "sections": [
                {
                    "title": "一",
                    "items": [
                        {"title": "二", "details": [{"label": "时间", "value": "  年 月 日"}]}
                    ],
                }
            ],
            "phases": [{"id": "P1", "name": "阶段", "text": "做", "unit_text": "做"}],
        }
    )
    assert text.sections[0].items[0].details[0].value == "  年 月 日"


@pytest.mark.parametrize("name", PLANS)
def test_an_import_round_trips_through_the_plan_workbook(
    name: str, sources: dict[str, Path], tmp_path: Path
) -> None:
    """Details with blanks, ① numbering, roster counts and notices survive Excel."""
    from generator.read.plan_reader import read_plan

    imported, _ = _import(sources[name], tmp_path / "data")
    workbook = tmp_path / "excel" / "plan.xlsx"
    code, output = invoke("convert", str(tmp_path / "data"), str(workbook))
    assert code == 0, output
    again = read_plan(workbook, unfinished=True)
    assert again.text == imported.text
    assert again.organisation == imported.organisation
    assert again.ledger == imported.ledger
