"""The interview time planner: share an interview's minutes among the phases of a design interview.

The *model* (:func:`plan`, :data:`PHASES`, :data:`DEFAULT_WEIGHTS`, :data:`CHECKLISTS`) is plain
Python: whole minutes, largest-remainder rounding, so the phases always add up to the
interview's length. The *view* (:func:`planner`) draws the plan as a timeline with a
checklist per phase; its principal control, the interview's length, works on the static site.
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from matplotlib.patches import Rectangle
from matplotlib.ticker import MultipleLocator

from widgets import _check, _view

# ---------------------------------------------------------------- model

#: The phases of a design interview, in the order the course suggests running them.
PHASES: tuple[str, ...] = (
    "Clarify requirements",
    "Draft the API",
    "Data model",
    "Deep-dive topics",
    "Trade-offs and wrap-up",
)

#: Relative weights of the phases; for a 45-minute interview they are the minutes themselves.
DEFAULT_WEIGHTS: tuple[int, ...] = (10, 5, 8, 17, 5)

#: What to get done in each phase (the course's own checklist).
CHECKLISTS: Mapping[str, tuple[str, ...]] = {
    "Clarify requirements": (
        "State the system's purpose and the business goal it serves",
        "List the users and their roles: people in a browser or app, other services calling an endpoint",
        "Turn usage into numbers: daily active users, requests a day, peak factor, data per request",
        "Agree on the non-functional goals: latency percentile, availability, consistency",
        "Note who may see which data (authentication, authorization), search and analytics needs",
        "Ask whether anything is missing; say the list may change later",
    ),
    "Draft the API": (
        "Write one signature per functional requirement: verb, path, inputs, response body",
        "Add the standard endpoints: health check, sign-up, login, CRUD on users",
        "Keep it short: the API is a contract to design against, not a finished spec",
    ),
    "Data model": (
        "Name the entities, their keys and the queries that read them",
        "Pick a store per access pattern; say why a shared database across services hurts",
        "Decide how concurrent writers to the same row are handled (locks or versions)",
        "Mention what analytics will need from the data",
    ),
    "Deep-dive topics": (
        "Split processing from storage, then into components; draw the diagram as you go",
        "Find the bottleneck and the single points of failure; add redundancy",
        "Load balancing, caching and how the design degrades gracefully under failure",
        "Logging, monitoring and alerting: golden signals, dashboards, alerts with runbooks",
        "Disaster recovery: backups, a second region, how long a restore takes",
    ),
    "Trade-offs and wrap-up": (
        "Summarise the design in a few sentences and the requirement each part serves",
        "Name what you traded away (consistency, cost, complexity) and why",
        "Cover maintenance, cost, and how the system would be deprecated one day",
        "Invite new requirements and sketch how the design would bend to them",
    ),
}

MIN_MINUTES, MAX_MINUTES = 15, 180


@dataclass(frozen=True)
class Phase:
    """One phase of a plan: its name, when it starts and how long it lasts (whole minutes)."""

    name: str
    start: int
    minutes: int
    checklist: tuple[str, ...]

    @property
    def end(self) -> int:
        """The minute the phase ends (the next one starts)."""
        return self.start + self.minutes


def _check_weights(weights: Any) -> list[Fraction]:
    if isinstance(weights, (str, bytes)) or not isinstance(weights, Sequence) or len(weights) != len(PHASES):
        count = len(weights) if isinstance(weights, Sequence) else type(weights).__name__
        raise ValueError(f"weights must be a sequence of {len(PHASES)} positive numbers (one per phase), got {count}")
    for i, weight in enumerate(weights):
        _check.number(f"weights[{i}]", weight, 0, open_low=True)
    return [Fraction(weight) for weight in weights]


def plan(total_minutes: int, weights: Sequence[float] = DEFAULT_WEIGHTS) -> tuple[Phase, ...]:
    """Split ``total_minutes`` among :data:`PHASES` in proportion to ``weights``, in whole minutes.

    Largest-remainder rounding: each phase first gets the whole part of its exact share;
    the minutes left over go to the phases with the largest fractions (the earlier phase
    first on a tie). The minutes always add up to ``total_minutes`` and each phase is
    within one minute of its exact share. Bad input raises ``ValueError``.

    >>> [p.minutes for p in plan(45)]
    [10, 5, 8, 17, 5]
    >>> [p.minutes for p in plan(60)]
    [13, 7, 11, 23, 6]
    """
    total = _check.integer("total_minutes", total_minutes, MIN_MINUTES, MAX_MINUTES)
    exact = _check_weights(weights)
    shares = [total * w / sum(exact) for w in exact]
    minutes = [math.floor(s) for s in shares]
    left = total - sum(minutes)
    by_remainder = sorted(range(len(shares)), key=lambda i: (-(shares[i] - minutes[i]), i))
    for i in by_remainder[:left]:
        minutes[i] += 1
    phases, start = [], 0
    for name, length in zip(PHASES, minutes):
        phases.append(Phase(name, start, length, CHECKLISTS[name]))
        start += length
    return tuple(phases)


# ---------------------------------------------------------------- view

#: Presets of the principal control: the interview's length.
PRESETS: dict[str, int] = {"45 minutes": 45, "60 minutes": 60}

_ROW_HEIGHT = 0.6


class _Timeline:
    """A Gantt-style timeline, one row per phase: one figure, its bars and labels moved in place."""

    def __init__(self) -> None:
        self.figure = _view.new_figure(6.4, 2.4)
        self.figure.set_layout_engine(None)  # fixed margins: the phase names never change
        ax = self.axes = self.figure.add_axes((0.27, 0.2, 0.69, 0.76))
        ax.set_ylim(len(PHASES) - 0.5, -0.5)  # first phase on top
        ax.set_yticks(range(len(PHASES)), PHASES, fontsize=9)
        ax.set_xlabel("minutes into the interview", fontsize=9)
        ax.tick_params(axis="x", labelsize=8)
        self.ticks = MultipleLocator(10)  # retuned per length: few tick labels keep redraws cheap
        ax.xaxis.set_major_locator(self.ticks)
        ax.grid(True, axis="x", alpha=0.3)
        ax.set_axisbelow(True)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        self.bars, self.labels = [], []
        for row, colour in zip(range(len(PHASES)), _view.PALETTE):
            bar = Rectangle((0, row - _ROW_HEIGHT / 2), 1, _ROW_HEIGHT, facecolor=colour, edgecolor="white")
            ax.add_patch(bar)
            self.bars.append(bar)
            self.labels.append(ax.text(0, row, "", va="center", fontsize=8, color="#222222"))

    def html(self, phases: tuple[Phase, ...]) -> str:
        total = phases[-1].end
        for phase, bar, label in zip(phases, self.bars, self.labels):
            bar.set_x(phase.start)
            bar.set_width(phase.minutes)
            label.set_text(f"{phase.minutes} min")
            label.set_x(phase.end + total * 0.01)
        self.axes.set_xlim(0, total * 1.12)  # room for the last label
        self.ticks.set_params(base=5 if total <= 30 else 10 if total <= 90 else 20)
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


def planner() -> _view.Interactive:
    """The interview time planner: length presets, a weight slider per phase, timeline and checklists."""
    controls = {
        "total_minutes": _view.control(
            "IntSlider", "Length (minutes)", min=MIN_MINUTES, max=MAX_MINUTES, step=5, value=45
        ),
        **{
            f"weight_{i}": _view.control("IntSlider", f"Weight: {name}", min=1, max=40, value=weight)
            for i, (name, weight) in enumerate(zip(PHASES, DEFAULT_WEIGHTS))
        },
    }
    timeline = _Timeline()

    def render(values: _view.Values) -> str:
        weights = [values[f"weight_{i}"] for i in range(len(PHASES))]
        phases = plan(values["total_minutes"], weights)
        return timeline.html(phases) + _checklists_html(phases)

    presets = {name: {"total_minutes": minutes} for name, minutes in PRESETS.items()}
    return _view.Interactive(render, controls, presets, principal="Interview length")
