"""Charts as SVG built on the server: no script, no CDN, nothing inline for the CSP to refuse.

Every piece of text goes in through ``Markup.format`` (which escapes it), so a query or topic someone typed
can never become markup. Colours come from CSS classes in app.css (``chart-series-1`` ...); sizes are
presentation attributes. Each chart is ``role="img"`` with an ``aria-label`` and a ``<desc>``; each bar
carries its numbers as a ``<title>`` (the tooltip); the page shows them in a table below.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup

WIDTH = 560
HEIGHT = 260
_LEFT, _RIGHT, _TOP, _BOTTOM = 52, 12, 14, 36


@dataclass(frozen=True)
class Series:
    """One row of bars: its name (for the legend), its values, and a tooltip for each value."""

    name: str
    values: Sequence[float]
    tooltips: Sequence[str]


def _nice_max(value: float, percent: bool) -> float:
    """The top of the value axis: 100 for shares, else four round steps (1, 2, 2.5 or 5 times a power of ten)
    reaching at least the largest value."""
    if percent:
        return 100.0
    wanted = max(value, 1) / 4
    scale = 1.0
    while True:
        for factor in (1, 2, 2.5, 5):
            if factor * scale >= wanted:
                return 4 * factor * scale
        scale *= 10


def _number(value: float) -> str:
    return f"{value:g}"


def _svg_open(label: str, description: str, width: int, height: int) -> Markup:
    return Markup(
        '<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg" viewBox="0 0 {w} {h}" width="{w}" '
        'height="{h}" role="img" aria-label="{label}" preserveAspectRatio="xMinYMin meet">'
        "<title>{label}</title><desc>{desc}</desc>"
    ).format(w=width, h=height, label=label, desc=description)


def _legend(series: Sequence[Series], x: float, y: float) -> Markup:
    parts = []
    for n, one in enumerate(series, start=1):
        parts.append(
            Markup(
                '<rect class="chart-series-{n}" x="{x}" y="{y}" width="12" height="12"></rect>'
                '<text class="chart-legend" x="{tx}" y="{ty}">{name}</text>'
            ).format(n=n, x=x, y=y - 11, tx=x + 16, ty=y, name=one.name)
        )
        x += 28 + 8 * len(one.name)
    return Markup("").join(parts)


def bar_chart(
    label: str, description: str, categories: Sequence[str], series: Sequence[Series], percent: bool = False
) -> Markup:
    """Vertical bars, one per category (a week), stacked when there is more than one series."""
    legend_space = 22 if len(series) > 1 else 0
    top = _TOP + legend_space
    plot_w, plot_h = WIDTH - _LEFT - _RIGHT, HEIGHT - top - _BOTTOM
    totals = [sum(one.values[i] for one in series) for i in range(len(categories))]
    top_value = _nice_max(max(totals, default=0), percent)
    parts = [_svg_open(label, description, WIDTH, HEIGHT)]
    if legend_space:
        parts.append(_legend(series, _LEFT, _TOP + 10))
    # Value axis: four steps, gridlines and labels.
    for step in range(5):
        value = top_value * step / 4
        y = top + plot_h - plot_h * step / 4
        parts.append(
            Markup(
                '<line class="chart-grid" x1="{x1}" y1="{y:.1f}" x2="{x2}" y2="{y:.1f}"></line>'
                '<text class="chart-axis" x="{tx}" y="{ty:.1f}" text-anchor="end">{text}</text>'
            ).format(
                x1=_LEFT,
                x2=WIDTH - _RIGHT,
                y=y,
                tx=_LEFT - 6,
                ty=y + 4,
                text=_number(value) + ("%" if percent else ""),
            )  # fmt: skip
        )
    slot = plot_w / max(len(categories), 1)
    bar_w = max(slot * 0.7, 1)
    # Label every category while they fit, else every second, fourth ...
    every = 1
    while slot * every < 48:
        every *= 2
    for i, category in enumerate(categories):
        x = _LEFT + slot * i + (slot - bar_w) / 2
        base = top + plot_h
        for n, one in enumerate(series, start=1):
            value = one.values[i]
            height = plot_h * value / top_value if top_value else 0
            base -= height
            parts.append(
                Markup(
                    '<rect class="chart-bar chart-series-{n}" x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" '
                    'height="{h:.1f}"><title>{tip}</title></rect>'
                ).format(n=n, x=x, y=base, w=bar_w, h=height, tip=one.tooltips[i])
            )
        if i % every == 0:
            parts.append(
                Markup(
                    '<text class="chart-axis" x="{x:.1f}" y="{y}" text-anchor="middle">{text}</text>'
                ).format(x=_LEFT + slot * i + slot / 2, y=top + plot_h + 20, text=category)
            )
    parts.append(
        Markup('<line class="chart-baseline" x1="{x1}" y1="{y}" x2="{x2}" y2="{y}"></line>').format(
            x1=_LEFT, x2=WIDTH - _RIGHT, y=top + plot_h
        )
    )
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)


def hbar_chart(label: str, description: str, categories: Sequence[str], series: Sequence[Series]) -> Markup:
    """Horizontal bars, one group per category (an age bucket), one bar per series in each group."""
    label_w, row_gap, bar_h = 150, 14, 20
    legend_space = 26 if len(series) > 1 else 0
    group_h = bar_h * len(series) + row_gap
    height = _TOP + legend_space + group_h * len(categories) + 24
    plot_w = WIDTH - label_w - _RIGHT - 40
    top_value = _nice_max(max((v for one in series for v in one.values), default=0), False)
    parts = [_svg_open(label, description, WIDTH, height)]
    if legend_space:
        parts.append(_legend(series, label_w, _TOP + 10))
    y = _TOP + legend_space
    for i, category in enumerate(categories):
        parts.append(
            Markup(
                '<text class="chart-axis chart-category" x="{x}" y="{y}" text-anchor="end">{text}</text>'
            ).format(x=label_w - 8, y=y + bar_h * len(series) / 2 + 4, text=category)
        )
        for n, one in enumerate(series, start=1):
            value = one.values[i]
            width = plot_w * value / top_value if top_value else 0
            parts.append(
                Markup(
                    '<rect class="chart-bar chart-series-{n}" x="{x}" y="{y}" width="{w:.1f}" height="{h}">'
                    "<title>{tip}</title></rect>"
                    '<text class="chart-value" x="{tx:.1f}" y="{ty}">{value}</text>'
                ).format(
                    n=n,
                    x=label_w,
                    y=y,
                    w=width,
                    h=bar_h - 2,
                    tip=one.tooltips[i],
                    tx=label_w + width + 4,
                    ty=y + bar_h - 5,
                    value=_number(value),
                )  # fmt: skip
            )
            y += bar_h
        y += row_gap
    parts.append(
        Markup('<line class="chart-baseline" x1="{x}" y1="{y1}" x2="{x}" y2="{y2}"></line>').format(
            x=label_w, y1=_TOP + legend_space - 4, y2=y - row_gap + 4
        )
    )
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)
