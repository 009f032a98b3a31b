"""The page check over every Word document of both examples and the stress plan.

Each document is laid out once per test session by LibreOffice (the product's batched
conversion); every rule of ``tests/page_check.py`` must find nothing. The counts per
rule and document kind are printed (the README's table). The rules themselves are
shown to fail on pages that break them.
"""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest

from generator.write import pdf
from tests import page_check as pc
from tests.conftest import find_soffice
from tests.stress_plan import build_all


@pytest.fixture(scope="session")
def laid_out(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[str, Path, Path]]:
    """(name, docx, pdf) of every Word document of the three sets, laid out once."""
    find_soffice()
    root = tmp_path_factory.mktemp("page-check")
    outs = build_all(root)
    docs = [
        (f"{out.name}/{path.relative_to(out).as_posix()}", path)
        for out in outs
        for path in sorted(out.rglob("*.docx"))
    ]
    # The unit plans with every keep-with-next removed: the check must see what it prevents
    # (where a heading then ends a page depends on the wording, so all of them are tried).
    plans = [p for name, p in docs if name.startswith("yunhe2020/各单位/") and "实施方案" in p.name]
    for n, unit_plan in enumerate(plans):
        broken = root / f"broken-unit-plan-{n:02d}.docx"
        strip_keep_with_next(unit_plan, broken)
        docs.append((f"broken/{n:02d}-实施方案.docx", broken))
    paths = [path for _, path in docs]
    for start in range(0, len(paths), pc.CONVERT_CHUNK):
        result = pdf.convert(paths[start : start + pc.CONVERT_CHUNK])
        assert not result.failed, result.failed
    return [(name, path, path.with_suffix(".pdf")) for name, path in docs]


@pytest.fixture(scope="session")
def checked(laid_out: list[tuple[str, Path, Path]]) -> list[tuple[str, list[pc.Problem]]]:
    """(name, problems) of every document of the three sets, checked once."""
    return [
        (name, pc.check(docx, laid))
        for name, docx, laid in laid_out
        if not name.startswith("broken/")
    ]


def strip_keep_with_next(source: Path, target: Path) -> None:
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for item in old.infolist():
            data = old.read(item)
            if item.filename in ("word/document.xml", "word/styles.xml"):
                text = data.decode("utf-8")
                for tag in ('<w:keepNext w:val="true"/>', "<w:keepNext/>"):
                    text = text.replace(tag, "")
                data = text.encode("utf-8")
            new.writestr(item, data)


def test_every_page_of_every_document_passes_the_page_check(
    checked: list[tuple[str, list[pc.Problem]]], capsys: pytest.CaptureFixture[str]
) -> None:
    results: dict[str, list[tuple[str, list[pc.Problem]]]] = {}
    problems = []
    for name, found in checked:
        results.setdefault(name.split("/")[0], []).append((pc.kind_of(name), found))
        problems += [f"{name} 第 {p.page} 页 {p.rule}：{p.detail}" for p in found]
    with capsys.disabled():
        for folder, found in results.items():
            print(f"\n页面检查 {folder}（{len(found)} 个文件）\n" + pc.report(pc.tally(found)))
    assert sorted(results) == ["jiaozuo2016", "stress", "yunhe2020"]
    assert sum(map(len, results.values())) > 400  # both examples and the stress plan
    assert not problems, "\n".join(problems[:50])


def test_landscape_numbers_are_where_the_sheet_has_them(
    laid_out: list[tuple[str, Path, Path]], checked: list[tuple[str, list[pc.Problem]]]
) -> None:
    """§8 on every landscape page: the turned number left of the 版心, odd toward the
    bottom, even toward the top. A DrawingML box anchored to the page was put in the
    page's top-left corner by LibreOffice on the first of two landscape pages that follow
    two portrait ones (21 unit summaries of 534 documents); such pages must be there."""
    first_of_two = []
    for name, _, laid in laid_out:
        if "总结" not in name or name.startswith("broken/"):
            continue
        turned = [page.landscape for page in pc.read_pdf(laid)]
        if turned == [False, False, True, True]:
            first_of_two.append(name)
    assert len(first_of_two) >= 20, first_of_two  # 21 now (3 + 9 + 9)
    wrong = [
        f"{name} 第 {p.page} 页：{p.detail}"
        for name, found in checked
        for p in found
        if p.rule == "page_number_side"
    ]
    assert not wrong, "\n".join(wrong)


def test_the_check_sees_a_heading_left_at_a_page_foot(
    laid_out: list[tuple[str, Path, Path]],
) -> None:
    """Without keep-with-next, headings end pages of the unit plans (before issue 12,
    「（三）深化学雷锋志愿服务。」 ended page 3 in 40 of 42 yunhe unit plans)."""
    broken = [(docx, laid) for name, docx, laid in laid_out if name.startswith("broken/")]
    assert len(broken) == 42
    found = [p.rule for docx, laid in broken for p in pc.check(docx, laid)]
    assert "heading_at_foot" in found


def page(number: int, lines: list[str], width: float = 595.3, height: float = 841.9) -> pc.Page:
    """A laid-out page of ``lines`` (a page number is a line "— N —"), 30 pt apart."""
    boxes = []
    for n, text in enumerate(lines):
        if pc.NUMBER_LINE.match(text):
            x0 = 460.0 if number % 2 else 100.0
            boxes.append(pc.Line(x0, 770.0, x0 + 40, 784.0, text))
        else:
            boxes.append(pc.Line(80.0, 110.0 + 30 * n, 520.0, 130.0 + 30 * n, text))
    return pc.Page(number, width, height, boxes)


def test_page_numbers_are_checked_against_the_page_and_the_record_page() -> None:
    pages = [page(1, ["正文", "— 1 —"]), page(2, ["正文", "— 3 —"]), page(3, ["版记", "— 3 —"])]
    problems = pc._page_numbers(pages, record={3})
    assert [(p.rule, p.page) for p in problems] == [("page_number", 2), ("page_number", 3)]
    wrong_side = [page(1, ["正文"]), page(2, ["正文"])]
    wrong_side[0].lines.append(pc.Line(100.0, 770.0, 140.0, 784.0, "— 1 —"))  # left: even side
    wrong_side[1].lines.append(pc.Line(460.0, 770.0, 500.0, 784.0, "— 2 —"))
    assert [p.rule for p in pc._page_numbers(wrong_side, set())] == ["page_number_side"] * 2


def test_a_page_of_only_the_closing_block_is_found() -> None:
    pages = [page(1, ["正文第一段。", "— 1 —"]), page(2, ["焦作市园林局", "2016年6月7日", "— 2 —"])]
    layout = pc.Layout(pages)
    roles = (("正文第一段。", "body"), ("焦作市园林局", "signature"), ("2016年6月7日", "closing"))
    for text, role in roles:
        layout.place(pc.Paragraph("", text, role))
    assert [(p.rule, p.page) for p in pc._closing_alone(pages, layout)] == [("closing_alone", 2)]


def test_a_cell_cut_by_a_page_break_is_found_in_its_column() -> None:
    first, second = page(1, []), page(2, [])
    first.words = [pc.Line(100, 700, 200, 714, "局属各总支、支"), pc.Line(300, 700, 400, 714, "别")]
    second.words = [pc.Line(100, 120, 200, 134, "部"), pc.Line(300, 120, 400, 134, "列")]
    columns = [p.column_text(90, 210) for p in (first, second)]
    assert pc.split_across("局属各总支、支部", columns, [first, second]) == 1
    assert pc.split_across("别列", columns, [first, second]) is None  # another column


def test_blank_pages_are_allowed_only_before_the_record_page() -> None:
    pages = [page(1, ["正文", "— 1 —"]), page(2, []), page(3, ["印发"])]
    assert pc._blank_pages(pages, record={2, 3}) == []
    assert [p.page for p in pc._blank_pages(pages, record={3})] == [2]


def test_stress_plan_is_what_it_claims(tmp_path: Path) -> None:
    from tests.stress_plan import LONG_AUTHORITY, make_stress_plan

    data = make_stress_plan(tmp_path / "stress")
    assert (data / "units.yaml").read_text("utf-8").count("kind: unit") >= 60
    assert LONG_AUTHORITY in (data / "plan.yaml").read_text("utf-8")
    assert len(LONG_AUTHORITY) * 36 * 25.4 / 72 > 156  # more than one line at 小初
    assert any((data / "returns").iterdir())
    shutil.rmtree(data)
