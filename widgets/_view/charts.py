"""Charts: the palette, one way to set a figure up, one way to clear it, a figure as inline SVG.

Every chart reuses one matplotlib figure per widget and updates its artists, so a control change
redraws in milliseconds.
"""

from __future__ import annotations

import base64
import html
import io

import matplotlib
from matplotlib.axes import Axes
from matplotlib.figure import Figure

#: Okabe & Ito's colour-blind-safe palette (blue, orange, green, vermillion, purple, sky, yellow, black).
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")


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
