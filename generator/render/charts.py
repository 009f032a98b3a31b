"""Bar charts as PNG images with Chinese labels, for pictures in Word documents.

``bar_chart`` knows nothing about plans: categories (unit names, phases, …), one or
more series of values, a title and the value axis label. It draws with matplotlib's
Agg canvas directly (no pyplot, no change to the global ``rcParams``): every text
gets the chosen CJK font through ``FontProperties``. The PNG carries no software
or time stamp, so the same inputs give the same bytes.

matplotlib's default fonts have no Chinese glyphs, so a CJK font must be installed;
without one ``ChartFontError`` says how to install it.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from matplotlib import font_manager
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontEntry, FontProperties
from matplotlib.ft2font import FT2Font

from generator.render.document_spec import Picture, png_size

__all__ = [
    "ChartFontError",
    "ChartImage",
    "bar_chart",
    "find_cjk_font",
    "horizontal_bars",
    "wrap_label",
]

# Preferred faces, best first: sans-serif faces read best in a chart.
CJK_FAMILIES: tuple[str, ...] = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "SimHei",
    "Microsoft YaHei",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "PingFang SC",
    "Heiti SC",
    "Noto Serif CJK SC",
    "Source Han Serif SC",
    "SimSun",
    "AR PL UKai CN",
    "AR PL UMing CN",
)
# Font files whose names say they hold Chinese, for faces not in the list above.
CJK_FILE_NAME = re.compile(
    r"cjk|sourcehan|hansans|hanserif|wqy|wenquanyi|simhei|simsun|msyh|yahei|pingfang"
    r"|ukai|uming|droidsansfallback|notosanssc|notoserifsc",
    re.IGNORECASE,
)
CJK_FILE_SUFFIXES = (".ttc", ".otf", ".ttf")
GLYPH_PROBE = "中文图表完成率"  # a usable face has glyphs for all of these

INSTALL_HINT = (
    "未找到可显示中文的字体，无法生成统计图。请先安装中文字体："
    "Debian/Ubuntu 运行 apt-get install fonts-noto-cjk；"
    "Windows 自带黑体、微软雅黑，无需安装；安装后重新运行。"
)

# Layout, in inches at DPI: 160 mm wide, the width of the 版心 (156 mm) at about 1:1.
DPI = 200
FIGURE_WIDTH = 6.3
LABEL_SIZE = 12  # 小四
TITLE_SIZE = 14  # 四号
VERTICAL_LABEL_CHARS = 4  # short labels: vertical bars, wrapped after 4 字
HORIZONTAL_LABEL_CHARS = 10  # long labels: horizontal bars, wrapped after 10 字
VERTICAL_MAX_CATEGORIES = 8
COLOURS = ("#2f5d8a", "#c8782a", "#5b8c5a", "#8c5b8a", "#a33b3b", "#6b6b6b")
PERCENT_AXIS_MAX = 100.0
HEADROOM = 1.15  # room beyond the longest bar for its value label


class ChartFontError(RuntimeError):
    """No font that can show Chinese text is installed; the message says how to get one."""


@dataclass(frozen=True)
class ChartImage:
    """A rendered chart: PNG bytes, their pixel size and the font the text was set in."""

    png: bytes = field(repr=False)
    width_px: int
    height_px: int
    font_name: str
    font_path: str

    def as_picture(self, width_mm: float, description: str) -> Picture:
        """The chart as a ``Picture`` for a docx template context."""
        return Picture(png=self.png, width_mm=width_mm, description=description)


# --- fonts ---------------------------------------------------------------------------------


def _installed_fonts() -> list[FontEntry]:
    """Every face matplotlib knows (system fonts included)."""
    return list(font_manager.fontManager.ttflist)


def _has_chinese_glyphs(entry: FontEntry) -> bool:
    try:
        face = FT2Font(entry.fname)
    except (OSError, RuntimeError, ValueError):
        return False
    return all(face.get_char_index(ord(ch)) for ch in GLYPH_PROBE)


def _weight(entry: FontEntry) -> int:
    """The numeric weight (400 regular); entries may also carry names such as "bold"."""
    weight = entry.weight
    return int(weight) if not isinstance(weight, str) else font_manager.weight_dict.get(weight, 400)


def _regular_first(entries: Iterable[FontEntry]) -> list[FontEntry]:
    """Deterministic order: the weight nearest to regular (400) first, then by file."""
    return sorted(entries, key=lambda e: (abs(_weight(e) - 400), str(e.fname), e.name))


def _candidates(fonts: Sequence[FontEntry]) -> Iterable[FontEntry]:
    for family in CJK_FAMILIES:
        yield from _regular_first(e for e in fonts if e.name == family)
    by_file = (
        e
        for e in fonts
        if Path(e.fname).suffix.lower() in CJK_FILE_SUFFIXES
        and CJK_FILE_NAME.search(Path(e.fname).name)
    )
    yield from _regular_first(by_file)


def _fonts_on_disk(known: Iterable[FontEntry]) -> list[FontEntry]:
    """Faces in the system's font folders that matplotlib's cache does not list.

    The cache (fontlist-*.json) is written at matplotlib's first run and not refreshed:
    fonts installed later are missing from it, though a fresh scan finds them.
    """
    seen = {str(Path(e.fname).resolve()) for e in known}
    found = []
    for path in sorted(font_manager.findSystemFonts()):
        if str(Path(path).resolve()) in seen or Path(path).suffix.lower() not in CJK_FILE_SUFFIXES:
            continue
        try:
            found.append(font_manager.ttfFontProperty(FT2Font(path)))
        except (OSError, RuntimeError, ValueError, KeyError):
            continue
    return found


def find_cjk_font() -> FontEntry:
    """The first installed face from ``CJK_FAMILIES``, else any CJK font file found.

    Looks in matplotlib's font cache first, then (when the cache predates the fonts)
    in the font folders themselves, as a fresh process would.
    Raises ``ChartFontError`` (Chinese message with the install hint) if there is none.
    """
    cached = _installed_fonts()
    for fonts in (cached, _fonts_on_disk(cached)):
        for entry in _candidates(fonts):
            if _has_chinese_glyphs(entry):
                return entry
    raise ChartFontError(INSTALL_HINT)


# --- labels --------------------------------------------------------------------------------


def _display_width(text: str) -> float:
    """Width in 字: CJK and full-width characters 1, others ½."""
    return sum(1.0 if ord(ch) >= 0x2E80 else 0.5 for ch in text)


def wrap_label(text: str, chars: int) -> str:
    """Break ``text`` into balanced lines of at most ``chars`` 字.

    Chinese has no spaces to break at; balanced lines avoid a lone last character
    (``焦作市龙源湖公园管理`` / ``处``).
    """
    width = _display_width(text)
    if width <= chars:
        return text
    limit = math.ceil(width / math.ceil(width / chars))
    lines, line = [], ""
    for ch in text:
        if line and _display_width(line + ch) > limit:
            lines.append(line)
            line = ""
        line += ch
    return "\n".join([*lines, line])


def _value_text(value: float, percent: bool) -> str:
    return f"{value:.1f}%" if percent else f"{value:g}"


# --- drawing -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Layout:
    horizontal: bool
    labels: list[str]
    height: float


def horizontal_bars(categories: Sequence[str]) -> bool:
    """Horizontal bars for long labels (unit names) or many categories, else vertical."""
    longest = max((_display_width(c) for c in categories), default=0.0)
    return longest > VERTICAL_LABEL_CHARS or len(categories) > VERTICAL_MAX_CATEGORIES


def _layout(categories: Sequence[str], series_count: int) -> _Layout:
    horizontal = horizontal_bars(categories)
    chars = HORIZONTAL_LABEL_CHARS if horizontal else VERTICAL_LABEL_CHARS
    labels = [wrap_label(c, chars) for c in categories]
    if not horizontal:
        return _Layout(False, labels, 3.4)
    lines = max((label.count("\n") + 1 for label in labels), default=1)
    row = max(0.22 * series_count + 0.18, 0.2 * lines + 0.12)
    return _Layout(True, labels, max(1.4 + row * len(categories), 2.6))


def figure_height(categories: Sequence[str], series_count: int = 1) -> float:
    """The height (inches) ``bar_chart`` gives a chart of these categories."""
    return _layout(categories, series_count).height


def chart_parts(categories: Sequence[str], max_height: float, series_count: int = 1) -> list[range]:
    """Index ranges splitting ``categories`` into the fewest near-equal parts whose charts
    are at most ``max_height`` inches high (at least one category a part).

    A picture never reaches outside the page however many units there are: a long list
    becomes several charts of readable bars, not one squeezed or cut-off chart.
    """
    count = len(categories)
    for parts in range(1, count + 1):
        sizes = [count // parts + (1 if n < count % parts else 0) for n in range(parts)]
        starts = [sum(sizes[:n]) for n in range(parts)]
        ranges = [range(start, start + size) for start, size in zip(starts, sizes, strict=True)]
        heights = [figure_height([categories[i] for i in r], series_count) for r in ranges]
        if max(heights) <= max_height:
            return ranges
    return [range(n, n + 1) for n in range(count)]


def _value_axis_limit(series: Mapping[str, Sequence[float]], percent: bool) -> float:
    largest = max((max(values, default=0.0) for values in series.values()), default=0.0)
    if percent:
        return max(PERCENT_AXIS_MAX, largest) * HEADROOM
    return max(largest, 1.0) * HEADROOM


def _draw_bars(
    axes: Axes,
    layout: _Layout,
    series: Mapping[str, Sequence[float]],
    percent: bool,
    font: FontProperties,
) -> None:
    count = len(series)
    thickness = 0.8 / count
    for index, (name, values) in enumerate(series.items()):
        offset = (index - (count - 1) / 2) * thickness
        positions = [n + offset for n in range(len(layout.labels))]
        colour = COLOURS[index % len(COLOURS)]
        draw = axes.barh if layout.horizontal else axes.bar
        bars = draw(positions, list(values), thickness * 0.9, label=name, color=colour)
        axes.bar_label(
            bars,
            labels=[_value_text(v, percent) for v in values],
            padding=2,
            fontproperties=font,
        )


def _style_axes(
    axes: Axes, layout: _Layout, limit: float, value_label: str, percent: bool, font: FontProperties
) -> None:
    category_axis, value_axis = (
        (axes.yaxis, axes.xaxis) if layout.horizontal else (axes.xaxis, axes.yaxis)
    )
    category_axis.set_ticks(range(len(layout.labels)), layout.labels, fontproperties=font)
    ticks = [t for t in value_axis.get_major_locator().tick_values(0, limit) if 0 <= t <= limit]
    if percent:
        ticks = [t for t in ticks if t <= PERCENT_AXIS_MAX]
    value_axis.set_ticks(ticks, [_value_text(t, False) for t in ticks], fontproperties=font)
    value_axis.set_label_text(value_label, fontproperties=font)
    (axes.set_xlim if layout.horizontal else axes.set_ylim)(0, limit)
    if layout.horizontal:
        axes.invert_yaxis()  # the first category on top
    axes.grid(axis="x" if layout.horizontal else "y", color="#d9d9d9", linewidth=0.6)
    axes.set_axisbelow(True)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)


def _validate(categories: Sequence[str], series: Mapping[str, Sequence[float]]) -> None:
    if not categories or not series:
        raise ValueError("统计图至少需要一个类别和一组数据")
    for name, values in series.items():
        if len(values) != len(categories):
            raise ValueError(
                f"数据“{name}”有 {len(values)} 个值，类别有 {len(categories)} 个，应一一对应"
            )


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    # No "Software" entry (it names the matplotlib version): same inputs, same bytes.
    FigureCanvasAgg(figure).print_png(buffer, metadata={"Software": None})
    return buffer.getvalue()


def bar_chart(
    categories: Sequence[str],
    series: Mapping[str, Sequence[float]],
    title: str,
    value_label: str,
    percent: bool = True,
) -> ChartImage:
    """A bar chart of ``series`` (name → one value per category) as a PNG.

    Short category labels give vertical bars; long ones (unit names) or many
    categories give horizontal bars with labels wrapped. Each bar shows its value
    (``80.0%`` when ``percent``, where values are percentages 0–100). A legend
    appears for two or more series; an empty ``title`` draws none.
    """
    _validate(categories, series)
    entry = find_cjk_font()
    # By file, not by family name: a face found on disk is not in matplotlib's cache.
    font = FontProperties(fname=entry.fname, size=LABEL_SIZE)
    layout = _layout(categories, len(series))
    figure = Figure(figsize=(FIGURE_WIDTH, layout.height), dpi=DPI, layout="constrained")
    axes = figure.add_subplot()
    _draw_bars(axes, layout, series, percent, font)
    limit = _value_axis_limit(series, percent)
    _style_axes(axes, layout, limit, value_label, percent, font)
    if title:
        title_font = FontProperties(fname=entry.fname, size=TITLE_SIZE, weight="bold")
        axes.set_title(title, fontproperties=title_font)
    if len(series) > 1:
        figure.legend(
            loc="outside lower center", ncols=min(len(series), 4), prop=font, frameon=False
        )
    png = _png(figure)
    width, height = png_size(png)
    return ChartImage(png, width, height, entry.name, str(entry.fname))
