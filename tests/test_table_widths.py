"""generator.render.docx.tables: the column-width search gives what the step-by-step search
gave (issue 19: it re-counted every row for every trial width, about 5 ms per unit summary).

The reference below is the search as it was before, kept here word for word: the new one
must pick the same widening at every step, so every table gets the same widths.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from generator.render.docx import tables
from generator.render.docx.tables import CELL_MARGINS, WIDTH_STEP, _lines


def reference_best_step(
    cells: list[list[int]], widths: list[int], natural: list[int], spare: int
) -> tuple[int, int] | None:
    """``_best_step`` before issue 19: every step of every column tried on every row."""
    lines = [
        [_lines(need, w) if need else 0 for need, w in zip(row, widths, strict=True)]
        for row in cells
    ]
    best: tuple[float, int, int] | None = None
    for column, width in enumerate(widths):
        others = [max((n for j, n in enumerate(row) if j != column), default=0) for row in lines]
        now = sum(max(1, o, row[column]) for o, row in zip(others, lines, strict=True))
        own = sum(row[column] for row in lines)
        for steps in range(1, spare + 1):
            if width + (steps - 1) * WIDTH_STEP >= natural[column]:
                break
            trial = [
                _lines(row[column], width + steps * WIDTH_STEP) if row[column] else 0
                for row in cells
            ]
            table = sum(max(1, o, t) for o, t in zip(others, trial, strict=True))
            saved = (now - table) + (own - sum(trial)) / 1000
            if saved > 0:
                rate = saved / steps
                if best is None or rate > best[0]:
                    best = (rate, column, steps)
                break
    return None if best is None else (best[1], best[2])


def reference_widths(cells: list[list[int]], total: int) -> list[int]:
    """``balanced_widths`` with the reference search in place of the new one."""
    original = tables._best_step
    tables._best_step = reference_best_step  # type: ignore[assignment]
    try:
        return tables.balanced_widths(cells, total)
    finally:
        tables._best_step = original


# A cell's need as natural_width gives it: margins and slack, then up to a long paragraph;
# 0 is a cell another one spans.
NEEDS = st.one_of(
    st.just(0),
    st.integers(CELL_MARGINS, CELL_MARGINS + 3000),
    st.integers(CELL_MARGINS, CELL_MARGINS + 60_000),
)


@st.composite
def tables_of_cells(draw: st.DrawFn) -> tuple[list[list[int]], int]:
    columns = draw(st.integers(1, 7))
    rows = draw(st.integers(1, 40))
    # Repeated rows are common (the same short texts unit after unit): draw from a few.
    pool = draw(st.lists(st.lists(NEEDS, min_size=columns, max_size=columns), min_size=1))
    cells = [draw(st.sampled_from(pool)) for _ in range(rows)]
    total = draw(st.integers(columns * 300, 16_000))
    return cells, total


@settings(max_examples=300, deadline=None)
@given(tables_of_cells(), st.data())
def test_the_best_step_is_the_one_trying_every_step_finds(
    table: tuple[list[list[int]], int], data: st.DataObject
) -> None:
    cells, _ = table
    natural = [max(CELL_MARGINS, *column) for column in zip(*cells, strict=True)]
    widths = [data.draw(st.integers(CELL_MARGINS, max(CELL_MARGINS, n))) for n in natural]
    spare = data.draw(st.integers(0, 60))
    assert tables._best_step(cells, widths, natural, spare) == reference_best_step(
        cells, widths, natural, spare
    )


@settings(max_examples=150, deadline=None)
@given(tables_of_cells())
def test_balanced_widths_are_those_of_the_step_by_step_search(
    table: tuple[list[list[int]], int],
) -> None:
    cells, total = table
    found = tables.balanced_widths(cells, total)
    assert found == reference_widths(cells, total)
    assert sum(found) == total


def test_a_ledger_table_of_long_texts_gets_the_width_where_it_saves_lines() -> None:
    """Hand-worked: column 1 holds long texts, column 0 a short number; the room goes to
    column 1, and the widths are those the step-by-step search chose."""
    cells = [[CELL_MARGINS + 560, CELL_MARGINS + 20 * 280 * n] for n in range(1, 9)]
    widths = tables.balanced_widths(cells, 9000)
    assert widths == reference_widths(cells, 9000)
    assert widths[1] > widths[0]
    assert sum(widths) == 9000


def _cell(*runs: tuple[str, int | None]) -> etree._Element:
    """A table cell of one paragraph whose runs have (text, size in half-points or None)."""
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    cell = etree.Element(f"{{{w}}}tc", nsmap={"w": w})
    paragraph = etree.SubElement(cell, f"{{{w}}}p")
    for text, size in runs:
        run = etree.SubElement(paragraph, f"{{{w}}}r")
        if size is not None:
            properties = etree.SubElement(run, f"{{{w}}}rPr")
            etree.SubElement(properties, f"{{{w}}}sz", {f"{{{w}}}val": str(size)})
        etree.SubElement(run, f"{{{w}}}t").text = text
    return cell


def test_cell_widths_follow_each_runs_font_size_however_often_a_text_repeats() -> None:
    """The widths are cached by text; the same text in another size is another width."""
    slack = CELL_MARGINS + tables.TEXT_SLACK
    for _ in range(2):  # the second round is answered from the cache
        # 已完成: 3 CJK characters of 10.5 pt (210 twips each); 2016.5: 6 narrow ones of 12 pt
        assert tables.natural_width(_cell(("已完成", None))) == 3 * 210 + slack
        assert tables.natural_width(_cell(("已完成", 24))) == 3 * 240 + slack
        assert tables.natural_width(_cell(("已完成", None), ("2016.5", 24))) == (
            3 * 210 + 6 * 120 + slack
        )
        assert tables.token_width(_cell(("共 2016.5 元", 24))) == 6 * 120 + slack
        assert tables.token_width(_cell(("共 2016.5 元", 20))) == 6 * 100 + slack
        assert tables.token_width(_cell(("已完成", 24))) == 0
