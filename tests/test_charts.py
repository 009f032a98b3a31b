"""generator.render.charts: PNG bar charts with Chinese labels, reproducible byte for byte."""

from __future__ import annotations

import gc
import os
import re
from collections.abc import Mapping, Sequence
from types import SimpleNamespace

import matplotlib
import pytest
from matplotlib.font_manager import FontEntry
from matplotlib.ft2font import FT2Font

from generator.documents import summary_charts as summaries
from generator.render import charts
from generator.render.charts import ChartFontError, ChartImage, bar_chart
from generator.render.document_spec import PNG_SIGNATURE, Picture, png_size

UNITS = ["焦作市人民公园管理处", "焦作市龙源湖公园管理处", "局园林绿化工程质量监督站", "局办公室"]
RATES = {"完成率": [80.0, 92.3, 100.0, 66.7]}
TITLE = "各单位任务完成率"
VALUE_LABEL = "完成率（%）"
CJK_NAME = re.compile(
    r"CJK|Han ?(Sans|Serif)|WenQuanYi|wqy|SimHei|SimSun|YaHei|msyh|PingFang|Heiti|UKai|UMing",
    re.IGNORECASE,
)


def chart_or_skip(
    categories: Sequence[str] = tuple(UNITS),
    series: Mapping[str, Sequence[float]] = RATES,
    title: str = TITLE,
    percent: bool = True,
) -> ChartImage:
    """A chart, or a skip where no CJK font is installed (a failure where CI demands it)."""
    try:
        return bar_chart(categories, series, title, VALUE_LABEL, percent=percent)
    except ChartFontError as exc:
        if os.environ.get("PLANDOCS_REQUIRE_SOFFICE"):
            pytest.fail(str(exc))
        pytest.skip(str(exc))


@pytest.fixture(scope="module")
def chart() -> ChartImage:
    return chart_or_skip()


def test_font_is_a_cjk_font_with_the_glyphs(chart: ChartImage) -> None:
    assert CJK_NAME.search(chart.font_name) or CJK_NAME.search(chart.font_path)
    face = FT2Font(chart.font_path)
    missing = {
        ch for ch in "".join([*UNITS, TITLE, VALUE_LABEL]) if not face.get_char_index(ord(ch))
    }
    assert not missing


def test_png_is_valid_and_sized(chart: ChartImage) -> None:
    assert chart.png.startswith(PNG_SIGNATURE)
    assert png_size(chart.png) == (chart.width_px, chart.height_px)
    assert chart.width_px == round(charts.FIGURE_WIDTH * charts.DPI)
    assert chart.height_px > 0


def test_same_inputs_give_identical_bytes(chart: ChartImage) -> None:
    again = chart_or_skip()
    assert again.png == chart.png
    assert b"matplotlib" not in chart.png  # no Software stamp naming the version


def test_several_series_and_counts_render() -> None:
    image = chart_or_skip(
        ["第一阶段", "第二阶段"], {"计划": [10, 20], "完成": [8, 15]}, "", percent=False
    )
    assert image.png.startswith(PNG_SIGNATURE)
    assert image.png != chart_or_skip(["第一阶段", "第二阶段"], {"计划": [10, 20]}, "").png


def test_global_settings_are_untouched() -> None:
    before = dict(matplotlib.rcParams)
    chart_or_skip()
    assert dict(matplotlib.rcParams) == before


def test_as_picture_keeps_the_aspect_ratio(chart: ChartImage) -> None:
    picture = chart.as_picture(150, TITLE)
    assert isinstance(picture, Picture) and picture.png == chart.png
    width, height = picture.extent_emu
    assert width == 150 * 36000
    assert height == round(width * chart.height_px / chart.width_px)


# --- layout --------------------------------------------------------------------------------


def test_long_labels_get_horizontal_bars() -> None:
    assert charts.horizontal_bars(UNITS)
    assert not charts.horizontal_bars(["第一阶段", "第二阶段", "第三阶段"])
    assert charts.horizontal_bars([f"{n}月" for n in range(1, 13)])  # too many for columns


@pytest.mark.parametrize(
    ("label", "chars", "expected"),
    [
        ("局办公室", 10, "局办公室"),
        ("焦作市人民公园管理处", 10, "焦作市人民公园管理处"),
        ("焦作市龙源湖公园管理处", 10, "焦作市龙源湖\n公园管理处"),
        ("局园林绿化工程质量监督站", 4, "局园林绿\n化工程质\n量监督站"),
        ("ABC局办公室", 4, "ABC局\n办公室"),
    ],
)
def test_wrap_label_balances_lines(label: str, chars: int, expected: str) -> None:
    assert charts.wrap_label(label, chars) == expected


def test_values_must_match_categories() -> None:
    with pytest.raises(ValueError, match="一一对应"):
        bar_chart(["局办公室", "局法制科"], {"完成率": [80.0]}, TITLE, VALUE_LABEL)


# --- no CJK font ------------------------------------------------------------------------------


def test_missing_cjk_font_raises_with_install_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    latin_only = [
        FontEntry(fname="/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", name="DejaVu Sans"),
        FontEntry(fname="/fonts/LiberationSerif-Regular.ttf", name="Liberation Serif"),
    ]
    monkeypatch.setattr(charts, "_installed_fonts", lambda: latin_only)
    monkeypatch.setattr(charts.font_manager, "findSystemFonts", lambda: [])  # none on disk
    with pytest.raises(ChartFontError) as caught:
        bar_chart(UNITS, RATES, TITLE, VALUE_LABEL)
    message = str(caught.value)
    assert "apt-get install fonts-noto-cjk" in message
    assert "黑体" in message and "微软雅黑" in message


def test_a_cjk_named_file_without_chinese_glyphs_is_not_used(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A file merely named like a CJK font must also have the glyphs."""
    dejavu = matplotlib.font_manager.findfont("DejaVu Sans")
    impostor = FontEntry(fname=dejavu, name="Noto Sans CJK SC")
    monkeypatch.setattr(charts, "_installed_fonts", lambda: [impostor])
    monkeypatch.setattr(charts.font_manager, "findSystemFonts", lambda: [dejavu])
    with pytest.raises(ChartFontError):
        charts.find_cjk_font()


def test_fonts_installed_after_matplotlib_cached_its_list_are_found(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """matplotlib's font cache is written once; fonts installed later are only on disk.
    A fresh scan of the font folders (what a new cache would hold) finds them."""
    chart_or_skip()  # a CJK font is installed here (or the test is skipped)
    stale = [e for e in matplotlib.font_manager.fontManager.ttflist if "DejaVu" in e.name]
    monkeypatch.setattr(charts, "_installed_fonts", lambda: stale)
    image = bar_chart(UNITS, RATES, TITLE, VALUE_LABEL)
    face = FT2Font(image.font_path)
    assert all(face.get_char_index(ord(ch)) for ch in "完成率单位")


def test_many_units_split_into_charts_that_fit_the_page() -> None:
    """41 units in one chart were 541 mm high; parts of at most 8 inches each instead."""
    names = [f"云河市第{n}窗口服务单位" for n in range(41)]
    parts = charts.chart_parts(names, max_height=8.0)
    assert len(parts) > 1
    assert [i for part in parts for i in part] == list(range(41))  # every unit, in order
    assert max(charts.figure_height([names[i] for i in part]) for part in parts) <= 8.0
    assert max(map(len, parts)) - min(map(len, parts)) <= 1  # near-equal parts


def _phase_result(units: int) -> SimpleNamespace:
    """What ``summaries.charts`` reads of a phase result: the reporting units' rates."""
    reported = [
        SimpleNamespace(unit=SimpleNamespace(name=f"云河市第{n}窗口服务单位"), rate=(n % 10) / 10)
        for n in range(units)
    ]
    return SimpleNamespace(
        reported=reported, targets=[], phase=SimpleNamespace(name="集中整治阶段")
    )


def _drawn(units: int) -> list[dict]:
    return summaries.charts(SimpleNamespace(), _phase_result(units))  # type: ignore[arg-type]


def test_a_few_dozen_units_each_get_a_bar_in_charts_that_fit_the_page() -> None:
    """Up to 50 reporting units (the bundled examples: 20 and 42), every unit has its bar,
    split into parts of at most the page's share (190 mm high at 150 mm wide)."""
    chart_or_skip()
    cap_height = summaries.CHART_MAX_HEIGHT_MM / summaries.CHART_WIDTH_MM * charts.FIGURE_WIDTH
    pictures = _drawn(50)
    assert len(pictures) > 2
    assert pictures[-1]["caption"].endswith(f"（{len(pictures)}/{len(pictures)}）")
    for picture in pictures:
        width, height = png_size(picture["picture"].png)
        assert width == round(charts.FIGURE_WIDTH * charts.DPI)
        assert height <= cap_height * charts.DPI


def test_the_summary_charts_pixel_size_and_count_do_not_grow_with_the_units() -> None:
    """Issue 19: one by-unit chart of 10,000 units was 1260 × 800,680 px, then 629 pictures.
    Beyond 50 units the by-unit charts are the 10 lowest, the 10 highest and the
    distribution: the same pictures, of the same pixel sizes, for 600 units as for 6,000."""
    chart_or_skip()
    found = {}
    for units in (600, 6000):
        pictures = _drawn(units)
        found[units] = [(p["caption"], png_size(p["picture"].png)) for p in pictures]
    assert [size for _, size in found[600]] == [size for _, size in found[6000]]
    assert [caption for caption, _ in found[6000]] == [
        "图1 集中整治阶段单位任务完成率最低的10个单位",
        "图2 集中整治阶段单位任务完成率最高的10个单位",
        "图3 集中整治阶段各单位完成率分布（单位数）",
    ]
    assert all(width == round(charts.FIGURE_WIDTH * charts.DPI) for _, (width, _) in found[6000])


def _units(rates: list[float]) -> list[SimpleNamespace]:
    return [
        SimpleNamespace(unit=SimpleNamespace(name=f"单位{n}"), rate=rate)
        for n, rate in enumerate(rates)
    ]


def test_the_extremes_are_the_lowest_and_highest_in_the_plans_order() -> None:
    rates = [0.5, 0.0, 1.0, 0.0, 0.25] * 11  # 55 units, worked by hand below
    (low, _), (high, _), (classes, rated) = summaries.unit_series(_units(rates))  # type: ignore[arg-type]
    extremes = summaries.EXTREMES
    # the 0% units are the 2nd and 4th of every five, the 100% ones the 3rd: plan order
    assert low[0] == [f"单位{n}" for n in range(55) if n % 5 in (1, 3)][:extremes]
    assert low[1] == [0.0] * extremes
    assert high[0] == [f"单位{n}" for n in range(55) if n % 5 == 2][:extremes]
    assert high[1] == [100.0] * extremes
    # 22 at 0%, 11 at 25% (20%～40%), 11 at 50% (40%～60%), 11 at 100%: 55 in all
    assert classes[1] == [22.0, 0.0, 11.0, 11.0, 0.0, 0.0, 11.0]
    assert rated is False  # counts of units, not rates


@pytest.mark.parametrize(
    ("rate", "label"),
    [
        (0.0, "0%"),
        (0.01, "不足20%"),
        (0.1994, "不足20%"),  # printed 19.9%
        (0.1996, "20%～40%"),  # printed 20.0%: in the class the table's figure says
        (0.4, "40%～60%"),
        (0.8, "80%～100%"),
        (0.9999, "80%～100%"),  # printed 100.0%, yet not every task done
        (1.0, "100%"),
    ],
)
def test_a_units_class_in_the_distribution_is_that_of_its_printed_rate(
    rate: float, label: str
) -> None:
    assert summaries.CLASSES[summaries.rate_class(rate)] == label


def test_the_summary_charts_drawn_are_freed_one_by_one() -> None:
    """Issue 19: a matplotlib figure is a reference cycle holding an 8 MB pixel buffer; with
    the cyclic collector waiting (as it does, the longer the bigger the heap), every chart
    drawn for thousands of units stayed in memory until the summary was done. With automatic
    collection off, no figure of the charts may be alive once they are made, and the
    collector is left as it was found (nothing frozen)."""
    from matplotlib.figure import Figure

    chart_or_skip()
    was_enabled = gc.isenabled()
    gc.collect()
    gc.disable()
    try:
        pictures = _drawn(50)
        alive = [o for o in gc.get_objects() if isinstance(o, Figure)]
    finally:
        if was_enabled:
            gc.enable()
    assert len(pictures) > 3
    assert alive == []
    assert gc.get_freeze_count() == 0
