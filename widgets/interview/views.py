"""The interview planner's view: the plan of :func:`.model.plan` as a timeline with a checklist per
phase; its principal control, the interview's length, works on the static site."""

from __future__ import annotations

import html
from typing import Any

from matplotlib.patches import Rectangle

from widgets import _view

from .model import DEFAULT_WEIGHTS, MAX_MINUTES, MIN_MINUTES, PHASES, Phase, plan

#: The planner's controls: the length, then a weight per phase (weight_0 ... weight_4).
_CONTROLS: dict[str, tuple[str, str, dict[str, Any]]] = {
    "total_minutes": (
        "IntSlider", "Length (minutes)", {"min": MIN_MINUTES, "max": MAX_MINUTES, "step": 5, "value": 45}
    ),
    **{
        f"weight_{i}": ("IntSlider", f"Weight: {name}", {"min": 1, "max": 40, "value": weight})
        for i, (name, weight) in enumerate(zip(PHASES, DEFAULT_WEIGHTS))
    },
}

_DEFAULT_WEIGHTS = {f"weight_{i}": weight for i, weight in enumerate(DEFAULT_WEIGHTS)}

#: Presets of the principal control: the interview's length (with the course's weights).
PRESETS: dict[str, dict[str, int]] = {
    "45 minutes": {"total_minutes": 45, **_DEFAULT_WEIGHTS},
    "60 minutes": {"total_minutes": 60, **_DEFAULT_WEIGHTS},
}

_ROW_HEIGHT = 0.6


class _Timeline:
    """A Gantt-style timeline, one row per phase: one figure, its bars and labels moved in place."""

    def __init__(self) -> None:
        # Phone-sized (4.6 in wide, no text under 9 pt); fixed margins: the phase names never change.
        width, height = 4.6, 2.5
        margins = (1.62, 0.48, 0.06, 0.08)  # left, bottom, right, top in inches: room for "Trade-offs and wrap-up"
        self.figure, ax = _view.fixed_axes(width, height, margins=margins, axis=True)
        self.axes = ax
        ax.set_ylim(len(PHASES) - 0.5, -0.5)  # first phase on top
        ax.set_yticks(range(len(PHASES)), PHASES, fontsize=9)
        ax.set_xlabel("minutes into the interview", fontsize=9)
        ax.tick_params(axis="x", labelsize=9)
        ax.grid(True, axis="x", alpha=0.3)
        ax.set_axisbelow(True)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        self.bars, self.labels = [], []
        for row, colour in zip(range(len(PHASES)), _view.PALETTE):
            bar = Rectangle((0, row - _ROW_HEIGHT / 2), 1, _ROW_HEIGHT, facecolor=colour, edgecolor="white")
            ax.add_patch(bar)
            self.bars.append(bar)
            self.labels.append(ax.text(0, row, "", va="center", fontsize=9, color="#222222"))

    def html(self, phases: tuple[Phase, ...]) -> str:
        total = phases[-1].end
        for phase, bar, label in zip(phases, self.bars, self.labels):
            bar.set_x(phase.start)
            bar.set_width(phase.minutes)
            label.set_text(f"{phase.minutes} min")
            label.set_x(phase.end + total * 0.01)
        self.axes.set_xlim(0, total * 1.18)  # room for the last label
        step = 5 if total <= 30 else 10 if total <= 90 else 30  # at most ten tick labels
        self.axes.set_xticks(range(0, total + 1, step))  # no tick past the interview's end
        alt = (
            f"Timeline of a {total}-minute interview, one bar per phase, in order: "
            + "; ".join(f"{p.name.lower()} {p.minutes} min (minute {p.start} to {p.end})" for p in phases)
            + "."
        )
        return _view.figure_html(self.figure, alt)


def _checklists_html(phases: tuple[Phase, ...]) -> str:
    """The checklist of every phase, headed by its slot in the interview."""
    parts = []
    for phase, colour in zip(phases, _view.PALETTE):
        items = "".join(f"<li>{html.escape(item)}</li>" for item in phase.checklist)
        parts.append(
            f"<p style='margin:0.6em 0 0.1em'><span style='color:{colour}'>&#9632;</span> "
            f"<b>{html.escape(phase.name)}</b>: {phase.minutes} min "
            f"(minute {phase.start} to {phase.end})</p>"
            f"<ul style='margin-top:0'>{items}</ul>"
        )
    return "".join(parts)


def _render(timeline: _Timeline, values: _view.Values) -> str:
    phases = plan(values["total_minutes"], [values[f"weight_{i}"] for i in range(len(PHASES))])
    return timeline.html(phases) + _checklists_html(phases)


def planner() -> _view.Interactive:
    """The interview time planner: length presets, a weight slider per phase, timeline and checklists."""
    timeline = _Timeline()
    return _view.Interactive(lambda values: _render(timeline, values), _view.controls(_CONTROLS), PRESETS,
                             principal="Interview length")
