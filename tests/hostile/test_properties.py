"""Property tests: arbitrary Unicode in plan and return texts survives into every document.

The documented normalisation (README, "What the tool guarantees"):
- surrounding white space of a text field is removed when the plan is read;
- a line break inside a text ("\\n", "\\r\\n" or "\\r") becomes a Word line break;
- XML-illegal characters (C0 controls other than tab/newline, U+FFFE/U+FFFF, lone surrogates)
  are refused with the file and place -- never dropped or passed through.
Nothing else is changed: what remains must come back out of every document exactly.
"""

from __future__ import annotations

import io
import re
import zipfile

import docx
import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from generator.documents import ledger_workbook, plan_document, unit_plan
from generator.documents.unit_voice import unit_voice
from generator.model.resolved import Plan
from generator.pipeline import kinds
from generator.read.plan_reader import read_plan
from generator.render.templates import TemplateSet
from tests.helpers import EXAMPLE

BASE = read_plan(EXAMPLE)
TEMPLATES = TemplateSet()
ILLEGAL = {*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0xFFFE, 0xFFFF}
# Any character XML can carry; hypothesis never produces lone surrogates from this alphabet.
TEXT = (
    st.text(
        alphabet=st.characters(
            blacklist_categories=("Cs",), blacklist_characters=[chr(c) for c in ILLEGAL]
        ),
        min_size=1,
        max_size=60,
    )
    .map(str.strip)
    .filter(bool)
)
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def normalised(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def strictly_parsed(data: bytes) -> None:
    """Every XML part of a docx/xlsx parses with a strict parser."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if name.endswith((".xml", ".rels")):
                etree.fromstring(archive.read(name), etree.XMLParser(recover=False))


def with_texts(task_text: str, unit_name: str, target_text: str) -> Plan:
    """The example plan with three text fields replaced (as if typed into the YAML)."""
    sections = BASE.text.model_dump()["sections"]
    sections[1]["items"][2]["items"][1]["text"] = task_text  # T3.2, 局法制科 leads
    units = BASE.organisation.model_dump()
    units["units"][1]["name"] = unit_name
    _refer_by_id(sections, "局法制科", "fzk")  # the tasks named the unit by its old name
    targets = BASE.ledger.model_dump()
    targets["targets"][8]["text"] = target_text  # L06, task T3.2
    return Plan(
        BASE.text.model_validate({**BASE.text.model_dump(), "sections": sections}),
        BASE.organisation.model_validate(units),
        BASE.ledger.model_validate(targets),
        BASE.awards,
    )


def _refer_by_id(items: list[dict], name: str, unit_id: str) -> None:  # type: ignore[type-arg]
    for item in items:
        item["responsible"] = [unit_id if ref == name else ref for ref in item["responsible"]]
        _refer_by_id(item["items"], name, unit_id)


@SETTINGS
@given(task_text=TEXT, unit_name=TEXT, target_text=TEXT)
def test_plan_texts_survive_in_every_document(
    task_text: str, unit_name: str, target_text: str
) -> None:
    if unit_name in {u.name for u in BASE.organisation.units} | {
        g.name for g in BASE.organisation.groups
    }:
        return  # a name already taken is a duplicate, reported by check
    plan = with_texts(task_text, unit_name, target_text)
    unit = plan.units["fzk"]
    document = TEMPLATES.docx(kinds.PLAN.name).render(plan_document.plan_context(plan))
    own = TEMPLATES.docx(kinds.UNIT_PLAN.name).render(
        unit_plan.unit_plan_context(plan, unit, plan.duties(unit))
    )
    ledger = TEMPLATES.xlsx(kinds.LEDGER.name).render(ledger_workbook.unit_ledger_spec(plan, unit))
    for data in (document, own, ledger):
        strictly_parsed(data)

    paragraphs = [p.text for p in docx.Document(io.BytesIO(document)).paragraphs]
    assert "2." + normalised(task_text) in paragraphs
    cells = {
        c.text for t in docx.Document(io.BytesIO(document)).tables for r in t.rows for c in r.cells
    }
    assert normalised(target_text) in cells

    own_paragraphs = [p.text for p in docx.Document(io.BytesIO(own)).paragraphs]
    # The signature: a name too long to stand centred over the date is broken into lines
    # (a Word line break, read back as "\n") -- every character is still there, in order.
    signature = next(p for p in docx.Document(io.BytesIO(own)).paragraphs if p.style.name == "署名")
    assert signature.text.replace("\n", "") == normalised(unit_name).replace("\n", "")
    # The target's text as the unit says it (各单位 read as 本单位; unit_voice is tested on
    # its own in test_unit_voice), with its ledger number -- or, where it only restates
    # its task's text (shown just above), its short name (issue 13).
    own_text = normalised(unit_voice(plan, unit, target_text)).rstrip("。；")
    restated = re.sub(r"[\s，。；：、,.;:“”（）()]", "", target_text) in re.sub(
        r"[\s，。；：、,.;:“”（）()]", "", task_text
    )
    assert any(
        p.startswith("（1）") and (own_text in p or (restated and "按上述任务要求完成" in p))
        for p in own_paragraphs
    )

    sheet = openpyxl.load_workbook(io.BytesIO(ledger))["台账"]
    values = {c.value for row in sheet.iter_rows() for c in row}
    assert target_text in values
    assert any(isinstance(v, str) and unit_name in v for v in values)  # the title names the unit


@SETTINGS
@given(progress=TEXT)
def test_what_a_unit_reports_is_kept_exactly(progress: str) -> None:
    from tests.test_collect import Ledger, check

    ledger = Ledger("fzk").fill_all()
    ledger.cell("L06", "P1.progress").value = progress
    ledger.cell(
        "L06", "P1.progress"
    ).data_type = "s"  # typed as text, as Excel keeps '=0 typed with
    result = check(ledger.bytes())
    assert result.accepted, result.errors
    assert result.rows["L06"]["P1"].progress == progress.strip()


@settings(max_examples=30, deadline=None)
@given(bad=st.sampled_from(sorted(ILLEGAL)), text=TEXT)
def test_illegal_characters_are_refused_never_dropped(bad: int, text: str) -> None:
    from generator.render.docx.errors import TemplateRenderError

    plan = with_texts(f"{text}{chr(bad)}末", "某单位", "某目标")  # inside: ends are stripped
    try:
        TEMPLATES.docx(kinds.PLAN.name).render(plan_document.plan_context(plan))
    except TemplateRenderError as error:
        assert f"U+{bad:04X}" in str(error)
    else:
        raise AssertionError(f"U+{bad:04X} was not refused")
