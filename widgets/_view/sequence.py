"""The one sequence-diagram drawer: lanes (lifelines) across, time down, one arrow per message.

Arrows are drawn as one line collection and one polygon collection of heads, many times faster
to save as SVG than one annotation each.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from matplotlib.axes import Axes
from matplotlib.collections import LineCollection, PolyCollection

LIFELINE = "#999999"


@dataclass(frozen=True)
class Arrow:
    """One message: from lane ``sender`` at height ``y0`` to lane ``receiver`` at ``y1`` (None: level)."""

    sender: str
    receiver: str
    y0: float
    y1: float | None = None
    label: str = ""
    colour: str = "#000000"
    dashed: bool = False


def _heads(ax: Axes, segments: list, head: float) -> list:
    """Triangular heads ``head`` inches long at each segment's end, whatever the axes' aspect."""
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    inches = ax.bbox.width / ax.figure.dpi / (x1 - x0), ax.bbox.height / ax.figure.dpi / (y1 - y0)
    heads = []
    for (xa, ya), (xb, yb) in segments:
        dx, dy = (xb - xa) * inches[0], (yb - ya) * inches[1]
        length = math.hypot(dx, dy) or 1.0
        ux, uy = dx / length * head, dy / length * head
        corners = [(0, 0), (-ux - 0.35 * uy, -uy + 0.35 * ux), (-ux + 0.35 * uy, -uy - 0.35 * ux)]
        heads.append([(xb + cx / inches[0], yb + cy / inches[1]) for cx, cy in corners])
    return heads


def draw_sequence(ax: Axes, lanes: Mapping[str, float], arrows: Sequence[Arrow], *, top: float, bottom: float,
                  names_y: float, boxed: bool = False, fontsize: float = 8, label_size: float = 7,
                  head: float = 0.08, names_ha: Mapping[str, str] | None = None) -> None:
    """Draw lifelines at each lane's x from ``top`` down to ``bottom``, the lane names at ``names_y``
    (in rounded boxes if ``boxed``; centred on the lifeline, or aligned as ``names_ha`` says for a lane:
    "right" ends its name at the lifeline), and the arrows with their labels. Set the axes' limits first."""
    ax.add_collection(LineCollection([((x, top), (x, bottom)) for x in lanes.values()], colors=LIFELINE,
                                     linewidths=1, linestyles="dotted" if boxed else "solid", zorder=0))
    box = {"boxstyle": "round", "facecolor": "#eeeeee", "edgecolor": "#555555"} if boxed else None
    for name, x in lanes.items():
        ha = (names_ha or {}).get(name, "center")
        ax.text(x, names_y, name, ha=ha, va="center" if boxed else "bottom", fontsize=fontsize,
                fontweight="bold" if boxed else "normal", bbox=box)
    if not arrows:
        return
    segments = [((lanes[a.sender], a.y0), (lanes[a.receiver], a.y0 if a.y1 is None else a.y1)) for a in arrows]
    colours = [a.colour for a in arrows]
    ax.add_collection(LineCollection(segments, colors=colours, linewidths=1.3,
                                     linestyles=["dashed" if a.dashed else "solid" for a in arrows]))
    ax.add_collection(PolyCollection(_heads(ax, segments, head), facecolors=colours, edgecolors=colours,
                                     linewidths=0.5))
    for arrow, ((xa, ya), (xb, yb)) in zip(arrows, segments):
        if arrow.label:
            ax.text((xa + xb) / 2, (ya + yb) / 2 + 0.012 * (ax.get_ylim()[1] - ax.get_ylim()[0]), arrow.label,
                    ha="center", va="bottom", fontsize=label_size, color=arrow.colour)
