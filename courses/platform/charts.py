"""Charts as geometry: numbers in, the coordinates an SVG needs out.

Pure: no database and no markup. A template draws the `<svg>` from what these return (bars,
polyline points, axis ticks, marks), with its text labels and a table of the same numbers
beside it. Coordinates are in the SVG's own units (its viewBox), so a chart scales to any width.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from courses.platform.days import day_month
from courses.platform.numbers import percent


def linear(domain: tuple[float, float], span: tuple[float, float]) -> Callable[[float], float]:
    """The straight map from `domain` onto `span` (either may run backwards: y grows down).
    An empty domain (one value) maps everything to the start of the span."""
    (d0, d1), (r0, r1) = domain, span
    if d1 == d0:
        return lambda value: float(r0)
    ratio = (r1 - r0) / (d1 - d0)
    return lambda value: r0 + (value - d0) * ratio


def nice_ticks(top: float, count: int = 5, *, whole: bool = False) -> list[float]:
    """Round values from 0 to at least `top`, about `count` of them: 0, 2, 4 … or 0, 5, 10 …
    `whole`: the values are counts, so no step is less than one."""
    if top <= 0:
        return [0, 1]
    raw = top / max(count - 1, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    if whole:
        step = max(step, 1)
    steps = math.ceil(top / step - 1e-9)
    return [round(i * step, 10) for i in range(steps + 1)]


@dataclass(frozen=True)
class Tick:
    position: float
    label: str


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    x: float
    y: float
    width: float
    height: float
    css: str = ""
    text_x: float = 0  # where its value is written
    text_y: float = 0


@dataclass
class BarChart:
    width: int
    height: int
    bars: list[Bar]
    ticks: list[Tick]  # along the value axis
    baseline: float  # where the value axis starts
    total: int
    marks: list[Tick] = field(default_factory=list)  # e.g. the pass mark
    axis: list[Tick] = field(default_factory=list)  # along the category axis, when numeric

    @property
    def empty(self) -> bool:
        return self.total == 0


# Horizontal bars, a row per category: the label is written above its bar, so the chart keeps
# its size on a phone.
ROW = 44
BAR = 20
LEFT = 8
RIGHT = 48


def horizontal_bars(items: Sequence[tuple[str, int, str]], *, width: int = 400) -> BarChart:
    """One bar per (label, count, css class), longest for the largest count."""
    total = sum(value for _, value, _ in items)
    top = max((value for _, value, _ in items), default=0)
    ticks = nice_ticks(top, 4, whole=True)
    scale = linear((0, ticks[-1]), (LEFT, width - RIGHT))
    bars = []
    for index, (label, value, css) in enumerate(items):
        y = index * ROW + 20
        length = scale(value) - LEFT
        bars.append(
            Bar(
                label=label,
                value=value,
                x=LEFT,
                y=y,
                width=round(length, 1),
                height=BAR,
                css=css,
                text_x=round(LEFT + length + 6, 1),
                text_y=y + BAR - 5,
            )
        )
    height = len(items) * ROW + 8
    return BarChart(
        width=width,
        height=height,
        bars=bars,
        ticks=[Tick(round(scale(t), 1), f"{t:g}") for t in ticks],
        baseline=LEFT,
        total=total,
    )


# Vertical bars over a 0-100 axis: the histogram of scores.
PLOT_LEFT = 36
PLOT_RIGHT = 8
PLOT_TOP = 16
PLOT_BOTTOM = 36


def score_bins(scores: Sequence[float], size: int = 10) -> list[tuple[str, int]]:
    """Scores (0-100) counted in bins of `size` points: 0-9, 10-19 … 90-100 (100 goes in the
    last bin, with 90-99)."""
    count = math.ceil(100 / size)
    bins = [0] * count
    for score in scores:
        bins[min(int(float(score) // size), count - 1)] += 1
    labels = [f"{low}-{low + size - 1}" for low in range(0, 100, size)]
    labels[-1] = f"{(count - 1) * size}-100"
    return list(zip(labels, bins, strict=True))


def histogram(
    scores: Sequence[float], *, mark: float | None = None, width: int = 400, height: int = 220
) -> BarChart:
    """Scores in 10-point bins as vertical bars on a 0-100 axis, with `mark` (a pass mark, in
    points) drawn across it."""
    bins = score_bins(scores)
    top = max((n for _, n in bins), default=0)
    ticks = nice_ticks(top, 5, whole=True)
    y = linear((0, ticks[-1]), (height - PLOT_BOTTOM, PLOT_TOP))
    x = linear((0, 100), (PLOT_LEFT, width - PLOT_RIGHT))
    step = x(10) - x(0)
    bars = []
    for index, (label, n) in enumerate(bins):
        left = x(index * 10)
        top_y = y(n)
        bars.append(
            Bar(
                label=label,
                value=n,
                x=round(left + 1, 1),
                y=round(top_y, 1),
                width=round(step - 2, 1),
                height=round(height - PLOT_BOTTOM - top_y, 1),
                css="chart-bar",
                text_x=round(left + step / 2, 1),
                text_y=round(top_y - 4, 1),
            )
        )
    marks = []
    if mark is not None:
        label = _("pass mark %(percent)s") % {"percent": percent(mark, None)}
        marks = [Tick(round(x(float(mark)), 1), label)]
    return BarChart(
        width=width,
        height=height,
        bars=bars,
        ticks=[Tick(round(y(t), 1), f"{t:g}") for t in ticks],
        baseline=height - PLOT_BOTTOM,
        total=sum(n for _, n in bins),
        marks=marks,
        axis=[Tick(round(x(score), 1), str(score)) for score in range(0, 101, 20)],
    )


@dataclass(frozen=True)
class Series:
    """One line: a name, a value (0-1) per day, and the days to mark on it (due dates)."""

    name: str
    values: Sequence[tuple[datetime.date, float]]
    marks: Sequence[datetime.date] = ()


@dataclass
class Line:
    name: str
    css: str
    points: str  # "x,y x,y …" for <polyline points>
    last: tuple[float, float] | None  # the latest point, drawn as a dot
    marks: list[Tick]  # due dates: x and their day


@dataclass
class LineChart:
    width: int
    height: int
    lines: list[Line]
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    plot: tuple[float, float, float, float]  # left, top, right, bottom
    today: float | None = None

    @property
    def empty(self) -> bool:
        return not self.lines

    @property
    def left(self) -> float:
        return self.plot[0]

    @property
    def top(self) -> float:
        return self.plot[1]

    @property
    def right(self) -> float:
        return self.plot[2]

    @property
    def bottom(self) -> float:
        return self.plot[3]


LINE_CLASSES = 6  # chart-series-0 … chart-series-5 in the site's CSS


def share_over_time(
    series: Sequence[Series],
    *,
    start: datetime.date,
    end: datetime.date,
    today: datetime.date | None = None,
    width: int = 640,
    height: int = 260,
) -> LineChart:
    """Lines of shares (0-1, drawn as 0-100%) over the days from `start` to `end`, a tick at
    each Monday, and each line's marked days that fall in the range."""
    left, top, right, bottom = 56, 12, width - 16, height - 40
    span = max((end - start).days, 1)
    x = linear((0, span), (left, right))
    y = linear((0, 1), (bottom, top))

    def x_of(day: datetime.date) -> float:
        return round(x((day - start).days), 1)

    lines = []
    for index, one in enumerate(series):
        inside = [(day, value) for day, value in one.values if start <= day <= end]
        coords = [(x_of(day), round(y(min(max(value, 0), 1)), 1)) for day, value in inside]
        lines.append(
            Line(
                name=one.name,
                css=f"chart-series-{index % LINE_CLASSES}",
                points=" ".join(f"{cx:g},{cy:g}" for cx, cy in coords),
                last=coords[-1] if coords else None,
                marks=[
                    Tick(x_of(day), day_month(day))
                    for day in sorted(set(one.marks))
                    if start <= day <= end
                ],
            )
        )
    monday = start + datetime.timedelta(days=(7 - start.weekday()) % 7)
    x_ticks = []
    while monday <= end:
        x_ticks.append(Tick(x_of(monday), day_month(monday)))
        monday += datetime.timedelta(days=7)
    y_ticks = [Tick(round(y(share), 1), percent(share * 100)) for share in (0, 0.5, 1)]
    return LineChart(
        width=width,
        height=height,
        lines=lines,
        x_ticks=x_ticks,
        y_ticks=y_ticks,
        plot=(left, top, right, bottom),
        today=x_of(today) if today is not None and start <= today <= end else None,
    )
