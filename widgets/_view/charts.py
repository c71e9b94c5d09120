"""Charts: the palette, the phone-sized figure, one way to set a figure up, a log axis, cheap ticks and
axis labels, one way to clear it, a figure as inline SVG, and the HTML legend under a chart.

Every chart reuses one matplotlib figure per widget and updates its artists, so a control change
redraws in milliseconds.
"""

from __future__ import annotations

import base64
import html
import io
import math

import matplotlib
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.collections import LineCollection
from matplotlib.markers import TICKDOWN, TICKLEFT
from matplotlib.ticker import NullLocator

#: Okabe & Ito's colour-blind-safe palette (blue, orange, green, vermillion, purple, sky, yellow, black).
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")
#: The grey of secondary lines (approximations, markers of a setting): 5.7:1 against white.
GREY = "#666666"
#: Every figure's width (inches) and smallest text (points): on a phone a figure shrinks to a column of
#: about 340 CSS px, and 9 pt at 4.6 in (331 SVG units) still renders at 9 px or more there.
FIGURE_WIDTH_IN, MIN_FONT_PT = 4.6, 9


def new_figure(width: float = 6.4, height: float = 3.2) -> Figure:
    """A matplotlib figure outside pyplot: nothing global, nothing shown by accident."""
    return Figure(figsize=(width, height), dpi=96, layout="constrained")


def freeze_layout(fig: Figure) -> None:
    """Lay the figure out once (constrained), then keep that layout.

    With no layout engine, ``savefig`` skips the solver and the extra draw it
    needs: each redraw costs about half as much.
    """
    fig.draw_without_rendering()
    fig.set_layout_engine(None)


def fixed_axes(width: float, height: float, rect: tuple[float, float, float, float] = (0, 0, 1, 1), *,
               margins: tuple[float, float, float, float] | None = None, axis: bool = False) -> tuple[Figure, Axes]:
    """A figure with one axes at fixed margins and no layout pass: ``rect`` in figure fractions, or
    ``margins`` (left, bottom, right, top) in inches, which keep their size whatever the figure's.

    ``axis=False`` hides the axes (diagrams drawn in data coordinates).
    """
    if margins is not None:
        left, bottom, right, top = margins
        rect = (left / width, bottom / height, 1 - (left + right) / width, 1 - (bottom + top) / height)
    fig = new_figure(width, height)
    fig.set_layout_engine(None)
    ax = fig.add_axes(rect)
    if not axis:
        ax.set_axis_off()
    return fig, ax


def log_x(ax: Axes, ticks, unit: str = "") -> None:
    """A log x axis with fixed, plain-text ticks: mathtext powers of ten are slow to draw."""
    ax.set_xscale("log")
    ax.set_xticks(ticks, [f"{t:g}{unit}" for t in ticks])
    ax.xaxis.set_minor_locator(NullLocator())


class Ticks:
    """Tick marks, grid lines and tick labels of one axis as plain artists, set once or moved on a redraw.

    Matplotlib lays its own ticks out again at every draw: half of these charts' redraw time. Set the
    axis's scale and limits first (a new scale brings back matplotlib's ticks).
    """

    def __init__(self, ax, axis: str, positions=(), labels=(), *, slots: int | None = None, grid: bool = True):
        (ax.xaxis if axis == "x" else ax.yaxis).set_major_locator(NullLocator())
        (ax.xaxis if axis == "x" else ax.yaxis).set_minor_locator(NullLocator())
        self.axis = axis
        transform = ax.get_xaxis_transform() if axis == "x" else ax.get_yaxis_transform()
        (self.marks,) = ax.plot([], [], linestyle="none", marker=TICKDOWN if axis == "x" else TICKLEFT,
                                markersize=3.5, markeredgewidth=0.8, color="black", transform=transform,
                                clip_on=False)
        self.grid = ax.add_collection(LineCollection([], colors="#b0b0b0", alpha=0.3, linewidths=0.8,
                                                     transform=transform, zorder=0.5)) if grid else None
        offset = (0, -5) if axis == "x" else (-5, 0)
        align = {"ha": "center", "va": "top"} if axis == "x" else {"ha": "right", "va": "center"}
        self.texts = [ax.annotate("", (0, 0), xycoords=transform, xytext=offset, textcoords="offset points",
                                  fontsize=MIN_FONT_PT, **align) for _ in range(slots or len(positions))]
        self.set(positions, labels)

    def set(self, positions, labels) -> None:
        """Ticks at ``positions`` (data units), labelled; at most as many as the slots."""
        positions = list(positions)[: len(self.texts)]
        ends = [(p, 0) for p in positions] if self.axis == "x" else [(0, p) for p in positions]
        self.marks.set_data([x for x, _ in ends], [y for _, y in ends])
        if self.grid is not None:
            self.grid.set_segments([[(p, 0), (p, 1)] if self.axis == "x" else [(0, p), (1, p)] for p in positions])
        for i, text in enumerate(self.texts):
            text.set_visible(i < len(positions))
            if i < len(positions):
                text.xy = ends[i]
                text.set_text(labels[i])


def round_ticks(top: float, most: int = 5) -> list[float]:
    """Round ticks from 0 up to ``top``, for :class:`Ticks` on an axis that rescales: the step is the
    smallest 1, 2 or 5 times a power of ten at least ``top`` / ``most``, so at most ``most`` + 1 ticks.

    >>> round_ticks(2_600), round_ticks(0.9)
    ([0.0, 1000.0, 2000.0], [0.0, 0.2, 0.4, 0.6, 0.8])
    """
    if not top > 0:
        return [0]
    power = 10.0 ** math.floor(math.log10(top / most))
    step = next(m * power for m in (1, 2, 5, 10) if m * power * most >= top)
    return [round(k * step, 12) for k in range(int(top / step + 1e-9) + 1)]


def x_label(ax: Axes, text: str, pad_pt: float = 19) -> None:
    """An x label as a plain text under the axes: ``set_xlabel`` measures the tick labels again at every
    draw (a third of a cheap chart's redraw)."""
    ax.annotate(text, (0.5, 0), xycoords="axes fraction", xytext=(0, -pad_pt), textcoords="offset points",
                ha="center", va="top", fontsize=MIN_FONT_PT)


def y_label(ax: Axes, text: str, pad_pt: float = 30) -> None:
    """A y label as a plain text ``pad_pt`` left of the axes (its centre line), as :func:`x_label`."""
    ax.annotate(text, (0, 0.5), xycoords="axes fraction", xytext=(-pad_pt, 0), textcoords="offset points",
                ha="center", va="center", rotation=90, fontsize=MIN_FONT_PT, linespacing=1.1)


def clear(ax: Axes) -> None:
    """Remove every line, text, patch and collection from ax; limits, ticks and layout stay.

    Much cheaper than ``ax.clear()``, which rebuilds the axis machinery.
    """
    for artist in [*ax.lines, *ax.texts, *ax.patches, *ax.collections]:
        artist.remove()


def figure_html(fig: Figure, alt: str) -> str:
    """The figure as an inline SVG ``<img>`` with alt text (no files, works offline).

    SVG with text left as text is faster to produce than a PNG (no glyph
    rasterising), smaller, and sharp at any zoom; the fixed hash salt and the
    missing date keep the output identical run to run.
    """
    buffer = io.BytesIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "system-design-course"}):
        fig.savefig(buffer, format="svg", metadata={"Date": None})
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return (
        f'<img src="data:image/svg+xml;base64,{data}" alt="{html.escape(alt)}" '
        f'style="max-width:100%;height:auto">'
    )


_HOLLOW = "fill='none' stroke='{c}' stroke-width='1.5'"
_SWATCH_MARKS = {  # legend glyph -> SVG shape at the swatch's centre (13, 6)
    "●": "<circle cx='13' cy='6' r='4'/>",
    "■": "<rect x='9' y='2' width='8' height='8'/>",
    "□": f"<rect x='8.5' y='1.5' width='9' height='9' {_HOLLOW}/>",
    "▲": "<polygon points='13,1 18,10 8,10'/>",
    "△": f"<polygon points='13,1.5 18,10 8,10' {_HOLLOW}/>",
    "◆": "<polygon points='13,1 18,6 13,11 8,6'/>",
}


def _swatch(symbol: str, colour: str) -> str:
    """The legend glyph drawn as a small SVG (a line in the chart's dash style, and its marker).

    Drawn, not typed: a coloured glyph would be text that must meet text contrast; a swatch is a graphic.
    """
    dash = "4 3" if "–" in symbol else "1 3" if "·" in symbol else ""
    line = "" if symbol in _SWATCH_MARKS else (
        f"<line x1='1' y1='6' x2='25' y2='6' stroke-width='2' stroke-dasharray='{dash}' stroke='{colour}'/>"
    )
    marks = "".join(shape.format(c=colour) for glyph, shape in _SWATCH_MARKS.items() if glyph in symbol)
    return (f"<svg width='26' height='12' aria-hidden='true' style='vertical-align:middle' fill='{colour}'>"
            f"{line}{marks}</svg>")


def legend(items: list[tuple[str, str, str]]) -> str:
    """A legend in HTML under a chart, (symbol, colour, label) each: free to draw, unlike matplotlib's."""
    entries = "".join(
        f"<span style='margin-right:1.2em;display:inline-block;max-width:100%'>{_swatch(symbol, colour)} {html.escape(label)}</span>"
        for symbol, colour, label in items
    )
    return f"<div style='font-size:85%'>{entries}</div>"
