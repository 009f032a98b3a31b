"""The issuing notice (印发通知): a plan with ``notice`` in plan.yaml is issued inside it."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import docx
import pytest
import yaml

from generator.documents.notice import notice_context
from generator.model.plan import Notice, PlanText
from generator.render import gbt9704 as g
from tests.conftest import convert_to_pdf
from tests.gbt9704_checks import assert_gbt9704
from tests.helpers import EXAMPLE, copy_example, edit, invoke

NOTICE_YAML = """notice:
  authority: 焦作市园林局文件
  number: 焦园〔2016〕12号
  addressee: 局属各单位，机关各科室
  disclosure: 此件公开发布
  copy_to: [市文明办, 市直机关工委, 焦作日报社]
  printer: 焦作市园林局办公室
  print_date: 2016-06-08
"""
DATE_LINE = "date: 2016-06-07\n"
PLAN_TITLE = "2016年焦作市园林局文明服务活动方案"
COPY_TO = "抄送：市文明办，市直机关工委，焦作日报社。"
PRINTED = "焦作市园林局办公室\t2016年6月8日印发"
PT_PER_MM = 72 / 25.4
DPI = 200


def with_notice(tmp_path: Path, notice: str = NOTICE_YAML) -> Path:
    data = copy_example(tmp_path)
    edit(data / "plan.yaml", DATE_LINE, DATE_LINE + notice)
    return data


@pytest.fixture(scope="module")
def issued(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The plan document written by ``plandocs plan`` for the example with a notice."""
    tmp = tmp_path_factory.mktemp("notice")
    code, output = invoke("plan", "--data", str(with_notice(tmp)), "--out", str(tmp / "out"))
    assert code == 0, output
    (path,) = (tmp / "out" / "方案").glob("*.docx")
    return path


def texts(document: docx.document.Document) -> list[str]:
    return [p.text.replace("\n", "") for p in document.paragraphs if p.text.strip()]


def test_the_notice_comes_first_then_the_plan(issued: Path) -> None:
    document = docx.Document(str(issued))
    assert texts(document)[:9] == [
        "焦作市园林局文件",
        "焦园〔2016〕12号",
        f"关于印发《{PLAN_TITLE}》的通知",  # the default title
        "局属各单位，机关各科室：",
        f"现将《{PLAN_TITLE}》印发给你们，请结合实际，认真贯彻落实。",  # the default body
        "孟州市园林处",  # the plan's issuer and date by default
        "2016年6月7日",
        "（此件公开发布）",
        PLAN_TITLE,
    ]
    plan_title = next(p for p in document.paragraphs if p.text == PLAN_TITLE)
    assert plan_title.paragraph_format.page_break_before
    styles = [p.style.name for p in document.paragraphs]
    assert styles.count(g.STYLE_DATE) == styles.count(g.STYLE_SIGNATURE) == 1
    ledger = "焦作市园林局文明服务创建工作台账"
    assert texts(document)[-3:] == [f"附件：{ledger}", "附件", ledger]


def test_the_record_closes_the_document_on_a_portrait_page(issued: Path) -> None:
    document = docx.Document(str(issued))
    body, ledger, record = document.sections
    assert ledger.page_width > ledger.page_height
    assert record.page_width < record.page_height
    for footer in (record.footer, record.even_page_footer):
        rows = [row.cells[0].text for row in footer.tables[0].rows]
        assert rows == [COPY_TO, PRINTED]
    assert not body.footer.tables  # the other pages carry only their page numbers


def test_the_notice_meets_gbt9704(issued: Path) -> None:
    assert_gbt9704(issued)


def example_text() -> PlanText:
    return PlanText.model_validate(yaml.safe_load((EXAMPLE / "plan.yaml").read_text("utf-8")))


def test_notice_values_override_the_defaults() -> None:
    import datetime as dt

    notice = Notice(
        authority="焦作市文明办文件",
        number="焦文明办〔2016〕3号",
        title="关于印发方案的通知",
        addressee="各县（市）区文明办：",
        body=["第一段。", "第二段。"],
        issuer="焦作市文明办",
        date=dt.date(2016, 7, 1),
        disclosure="（此件不公开）",
        copy_to=["市委宣传部。"],
        printer="焦作市文明办秘书科",
    )
    context = notice_context(example_text().model_copy(update={"notice": notice}))
    assert context is not None
    assert (context["title"], context["addressee"], context["body"]) == (
        "关于印发方案的通知",
        "各县（市）区文明办：",  # one colon, not two
        ["第一段。", "第二段。"],
    )
    assert (context["signature"], context["date"], context["remark"]) == (
        "焦作市文明办",
        "2016年7月1日",
        "（此件不公开）",
    )
    assert context["copy_to"] == "抄送：市委宣传部。"
    assert context["print_date"] == "2016年7月1日印发"  # the notice's date by default
    assert notice_context(example_text()) is None


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        ("焦园〔2015〕12号", "与成文日期 2016-06-07 不是同一年"),
        ("焦园〔2016〕012号", "编了虚位"),
        ("焦园[2016]12号", "number"),  # the model's pattern: 〔〕 required
    ],
)
def test_a_wrong_doc_number_is_an_input_error(tmp_path: Path, number: str, expected: str) -> None:
    data = with_notice(tmp_path, NOTICE_YAML.replace("焦园〔2016〕12号", number))
    code, output = invoke("check", "--data", str(data))
    assert code == 2, output
    line = (data / "plan.yaml").read_text("utf-8").splitlines().index(f"  number: {number}") + 1
    assert f"plan.yaml:{line}:" in output
    assert expected in output


def test_print_date_before_the_date_is_an_input_error(tmp_path: Path) -> None:
    data = with_notice(tmp_path, NOTICE_YAML.replace("2016-06-08", "2016-06-01"))
    code, output = invoke("check", "--data", str(data))
    assert code == 2, output
    assert "印发日期 2016-06-01 早于成文日期 2016-06-07" in output


# --- rendered by LibreOffice -----------------------------------------------------------------


def page_image(pdf: Path, page: int, tmp_path: Path) -> object:
    """Page ``page`` of ``pdf`` as an RGB image (Pillow), DPI pixels an inch."""
    image_module = pytest.importorskip("PIL.Image")
    stem = tmp_path / f"page{page}"
    pages = ["-f", str(page), "-l", str(page)]
    subprocess.run(
        ["pdftoppm", "-r", str(DPI), "-png", "-singlefile", *pages, str(pdf), str(stem)], check=True
    )
    return image_module.open(stem.with_suffix(".png")).convert("RGB")


def rule_rows(image: object, wanted: object, min_share: float = 0.5) -> list[float]:
    """The y (pt from the page top) of pixel rows where ``wanted`` pixels span most of the
    版心 width: the rules."""
    width, height = image.size  # type: ignore[attr-defined]
    pixels = image.load()  # type: ignore[attr-defined]
    block = round(g.TEXT_WIDTH / 20 / 72 * DPI)
    return [
        y * 72 / DPI
        for y in range(height)
        if sum(wanted(pixels[x, y]) for x in range(0, width, 2)) * 2 > block * min_share
    ]


def ink_rows(image: object, wanted: object, top_pt: float, bottom_pt: float) -> list[float]:
    """The y (pt) of pixel rows between ``top_pt`` and ``bottom_pt`` with any ``wanted`` pixel."""
    width, _ = image.size  # type: ignore[attr-defined]
    pixels = image.load()  # type: ignore[attr-defined]
    rows = range(round(top_pt / 72 * DPI), round(bottom_pt / 72 * DPI))
    return [y * 72 / DPI for y in rows if any(wanted(pixels[x, y]) for x in range(width))]


def is_red(pixel: tuple[int, int, int]) -> bool:
    return pixel[0] > 180 and pixel[1] < 90 and pixel[2] < 90


def is_black(pixel: tuple[int, int, int]) -> bool:
    return max(pixel) < 100


def words(pdf: Path, page: int) -> list[tuple[str, float, float]]:
    """(text, yMin, yMax) of every word pdftotext finds on ``page``."""
    html = subprocess.run(
        ["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    pattern = r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>'
    return [(text, float(y0), float(y1)) for y0, y1, text in re.findall(pattern, html)]


@pytest.fixture(scope="module")
def issued_pdf(issued: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not (shutil.which("pdftoppm") and shutil.which("pdftotext")):
        pytest.skip("未安装 poppler-utils（pdftoppm、pdftotext），跳过版面位置检查")
    return convert_to_pdf(issued, tmp_path_factory.mktemp("pdf"))


def page_count(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    return int(re.search(r"Pages:\s+(\d+)", info.stdout).group(1))


def test_the_head_in_libreoffice(issued_pdf: Path, tmp_path: Path) -> None:
    """标志 35 mm below the 版心 top; the red rule 4 mm below the 发文字号, 版心 wide."""
    image = page_image(issued_pdf, 1, tmp_path)
    text_top = g.MARGIN_TOP / 20
    authority_top = ink_rows(image, is_red, text_top, text_top + 60 * PT_PER_MM)[0]
    assert abs(authority_top - text_top - 35 * PT_PER_MM) < PT_PER_MM
    (number,) = [w for w in words(issued_pdf, 1) if w[0].startswith("焦园")]
    rule = rule_rows(image, is_red, min_share=0.95)
    assert rule and max(rule) - min(rule) < 3  # one rule, about 1.5 pt thick
    glyphs_bottom = ink_rows(image, is_black, number[1], number[2])[-1]
    assert abs(min(rule) - glyphs_bottom - g.RULE_GAP_MM * PT_PER_MM) < PT_PER_MM


def test_the_record_at_the_foot_of_the_last_page(issued_pdf: Path, tmp_path: Path) -> None:
    last = page_count(issued_pdf)
    image = page_image(issued_pdf, last, tmp_path)
    assert image.size[0] < image.size[1]  # type: ignore[attr-defined]  # portrait
    found = words(issued_pdf, last)
    assert any(text.startswith("抄送：") for text, _, _ in found)
    # GB/T 9704 7.5: the 版记 page carries no page number ...
    assert not re.search(r"—\s*\d+\s*—", " ".join(text for text, _, _ in found))
    # ... and it is an even page, in the PDF too: a page left blank for it is kept, so
    # duplex prints stay right (the page before it is numbered odd, or is that blank page)
    assert last % 2 == 0
    rules = rule_rows(image, is_black, min_share=0.95)
    text_bottom = (g.PAGE_HEIGHT - g.MARGIN_BOTTOM) / 20
    assert abs(max(rules) - text_bottom) < PT_PER_MM  # the last rule on the 版心's bottom edge
    # three rules (thick, thin, thick): the 抄送 line and the 印发 line between them
    starts = [y for n, y in enumerate(rules) if n == 0 or y - rules[n - 1] > 2]
    assert len(starts) == 3
