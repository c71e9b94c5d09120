"""Monitoring's view: :func:`golden_signals`, a dashboard of a simulated service's four golden signals
through an incident you inject, with the alerts of a static threshold and of SLO burn-rate rules.

Declared as data (its controls and presets), a chart class that builds its figure once and updates its
artists, and a ``render`` that formats what :mod:`.model` computed.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from matplotlib.collections import LineCollection

from widgets import _view
from widgets._view.tables import percent, whole

from . import model

BLUE, ORANGE, GREEN, VERMILLION, PURPLE, SKY, _, BLACK = _view.PALETTE
WIDTH_IN, FONT = _view.FIGURE_WIDTH_IN, _view.MIN_FONT_PT
INCIDENT_GREY, GREY = "#bbbbbb", _view.GREY
SLO = 0.999
BUCKET_MIN = 10  # the dashboard's resolution; the rules read every minute

_KIND_NAMES = {"none": "no incident", "errors": "extra errors", "latency": "a latency regression",
               "capacity": "lost capacity"}
_CONTROLS = {
    "kind": ("Dropdown", "Incident kind", {"options": [
        ("none: a clean day", "none"), ("errors: size% more requests fail", "errors"),
        ("latency: requests size% slower", "latency"), ("capacity: size% of servers lost", "capacity")],
        "value": "errors"}),
    "start_h": ("FloatSlider", "Starts at (hour)", {"min": 0, "max": 23.5, "step": 0.5, "value": 14.0}),
    "duration_min": ("IntSlider", "Lasts (min)", {"min": 5, "max": 720, "step": 5, "value": 30}),
    "size_pct": ("FloatText", "Size (%)", {"value": 50.0}),
    "threshold_pct": ("FloatText", "Static threshold (%)", {"value": 1.0}),
    "for_min": ("IntSlider", "… held for (min)", {"min": 1, "max": 30, "value": 5}),
    "seed": ("IntSlider", "Day (seed)", {"min": 0, "max": 20, "value": 1}),
}
_BASE = {"start_h": 14.0, "duration_min": 30, "threshold_pct": 1.0, "for_min": 5, "seed": 1}
_PRESETS = {
    "A big outage: half the requests fail for 30 min": {**_BASE, "kind": "errors", "size_pct": 50.0},
    "A slow burn: 0.8% more errors for 10 h": {**_BASE, "kind": "errors", "start_h": 8.0, "duration_min": 600,
                                               "size_pct": 0.8},
    "Capacity lost at the peak: 45% of servers for 2 h": {**_BASE, "kind": "capacity", "start_h": 13.0,
                                                           "duration_min": 120, "size_pct": 45.0},
    "A clean day, a tight threshold (0.5% for 1 min)": {**_BASE, "kind": "none", "size_pct": 10.0,
                                                       "threshold_pct": 0.5, "for_min": 1},
}
#: Each rule's row in the alert strip (top to bottom): its label, colour and marker.
_RULE_STYLE = [("static", VERMILLION, "o"), ("14.4×", BLUE, "^"), ("6×", ORANGE, "s"), ("1×", PURPLE, "D")]
_LEGEND = _view.legend([
    ("■", INCIDENT_GREY, "the incident (grey, hatched)"), ("– –", VERMILLION, "static threshold"),
    ("···", BLACK, "budget pace: 0.1% errors, burn rate 1"), ("···", GREY, "shedding starts (95%)"),
])  # the alert strip labels its rows: its markers need no legend

# Layout in inches: the margins; each signal panel's height, the gap between panels, the alert strip's height.
LEFT, RIGHT, TOP, BOTTOM, PANEL, GAP, STRIP = 0.62, 0.22, 0.06, 0.26, 0.62, 0.1, 0.62
HEIGHT_IN = TOP + 4 * (PANEL + GAP) + STRIP + BOTTOM
LOG_FLOOR = -4  # the error panel's floor: 10^-4 = 0.01%
HOURS = [0, 6, 12, 18, 24]


def _clock(minute: float) -> str:
    """A time of day from minutes after midnight: 14:02 (24:00 at the day's end)."""
    hours, minutes = divmod(int(round(minute)), 60)
    return f"{hours:02d}:{minutes:02d}"


def _duration(minutes: int | None, incident: bool) -> str:
    if minutes is None:
        return "missed" if incident else "no incident"
    hours, rest = divmod(minutes, 60)
    return f"{hours} h {rest} min" if hours else f"{rest} min"


class _Panel:
    """One signal's band of the dashboard's single axes: its values mapped to inches above the axes' bottom."""

    def __init__(self, title: str, bottom: float, limits: tuple[float, float]) -> None:
        self.title, self.bottom, self.limits = title, bottom, limits

    def y(self, values) -> np.ndarray:
        """Values (clipped to the panel's limits) as heights in inches, on a 0.1 pt grid: the SVG then writes
        each point with two decimals instead of six, a quarter fewer bytes, and nothing visible changes."""
        low, high = self.limits
        inches = self.bottom + (np.clip(np.asarray(values, dtype=float), low, high) - low) / (high - low) * PANEL
        return np.round(inches * 720) / 720


def _band(k: int) -> float:
    """The bottom (inches above the alert strip's bottom) of signal panel k, 0 at the top."""
    return STRIP + GAP + (3 - k) * (PANEL + GAP)


#: The signal panels, top to bottom, and their labelled ticks: few, since each text costs about a millisecond
#: at every redraw.
_PANELS = [(_Panel("traffic (req/s)", _band(0), (0, 300)), [0, 100, 200], ["0", "", "200"]),
           (_Panel("p99 latency (ms)", _band(1), (0, 1_300)), [0, 500, 1_000], ["0", "", "1,000"]),
           (_Panel("errors (% of requests, log)", _band(2), (LOG_FLOOR, 0.6)), [-4, -2, 0], ["0.01%", "1%", "100%"]),
           (_Panel("saturation (% of capacity)", _band(3), (0, 1.6)), [0, 0.5, 1.0], ["0", "", "100%"])]
TRAFFIC, LATENCY, ERRORS, SATURATION = (panel for panel, _, _ in _PANELS)


def _row(k: int) -> float:
    """The height of the alert strip's row k (0 at the top), in inches."""
    return STRIP - (k + 0.5) * STRIP / len(_RULE_STYLE)


class _Dashboard:
    """Four stacked panels sharing the time axis (traffic, p99 latency, errors, saturation) over an alert
    strip, one row per rule; the incident shaded across them all.

    One axes in hours across and inches up holds every panel as a band: one axes draws in a fraction of
    the time six would.
    """

    def __init__(self) -> None:
        height = HEIGHT_IN - TOP - BOTTOM
        self.figure, ax = _view.fixed_axes(WIDTH_IN, HEIGHT_IN, margins=(LEFT, BOTTOM, RIGHT, TOP))
        ax.set(xlim=(0, 24), ylim=(0, height))
        ax.vlines(HOURS, 0, height, colors="#b0b0b0", alpha=0.3, linewidths=0.8)
        self.span = ax.axvspan(0, 0, facecolor="#eeeeee", edgecolor=INCIDENT_GREY, hatch="xx", linewidth=0)
        bottoms = [STRIP - STRIP] + [panel.bottom for panel, _, _ in _PANELS]
        tops = [STRIP] + [panel.bottom + PANEL for panel, _, _ in _PANELS]
        ax.add_collection(LineCollection([[(0, top), (0, bottom), (24, bottom)] for bottom, top in zip(bottoms, tops)],
                                         colors=BLACK, linewidths=0.8))
        positions = [p for panel, ticks, _ in _PANELS for p in panel.y(ticks)] + [_row(k) for k in range(4)]
        labels = [label for _, _, texts in _PANELS for label in texts] + [name for name, _, _ in _RULE_STYLE]
        for ticks in (_view.Ticks(ax, "y", positions, labels, grid=False),
                      _view.Ticks(ax, "x", HOURS, [f"{h:02d}:00" if h % 12 == 0 else "" for h in HOURS], grid=False)):
            for text in ticks.texts:
                text.set_visible(bool(text.get_text()))  # an unlabelled tick's empty text still costs a draw
        for panel, _, _ in _PANELS:
            ax.text(0.2, panel.bottom + PANEL, panel.title, ha="left", va="top", fontsize=FONT, zorder=4)
        self.lines = {panel: ax.plot([], [], color=BLUE if panel is ERRORS else BLACK, linewidth=1.0)[0]
                      for panel, _, _ in _PANELS}
        budget, shedding = ERRORS.y([math.log10(1 - SLO)])[0], SATURATION.y([model.SERVICE.max_utilisation])[0]
        ax.add_collection(LineCollection([[(0, budget), (24, budget)], [(0, shedding), (24, shedding)]],
                                         colors=[BLACK, GREY], linestyles=":", linewidths=1.1))
        (self.threshold,) = ax.plot([0, 24], [0, 0], color=VERMILLION, linestyle="--", linewidth=1.1)
        self.bars = ax.add_collection(LineCollection([], linewidths=3, capstyle="butt"))
        self.marks = [ax.plot([], [], linestyle="none", marker=marker, color=colour, markeredgecolor=BLACK,
                              markeredgewidth=0.5, markersize=6, zorder=3)[0] for _, colour, marker in _RULE_STYLE]

    def html(self, c: model.Comparison, threshold_pct: float) -> str:
        day = c.day
        board = model.dashboard(day, BUCKET_MIN)
        hours = board.hour + BUCKET_MIN / 120  # each bucket drawn at its middle
        values = {TRAFFIC: board.rps, LATENCY: board.p99_ms, SATURATION: board.utilisation,
                  ERRORS: np.log10(np.maximum(board.error_ratio, 10.0**LOG_FLOOR))}
        for panel, line in self.lines.items():
            line.set_data(hours, panel.y(values[panel]))
        self.threshold.set_ydata(ERRORS.y([math.log10(threshold_pct / 100)] * 2))
        self.span.set_x(day.start / 60)
        self.span.set_width((day.end - day.start) / 60)
        bars, colours = [], []
        for k, (rule, marks, (_, colour, _)) in enumerate(zip(c.rules, self.marks, _RULE_STYLE)):
            marks.set_data([(first + 1) / 60 for first, _ in rule.alerts], [_row(k)] * len(rule.alerts))
            bars += [[((first + 1) / 60, _row(k)), ((last + 1) / 60, _row(k))] for first, last in rule.alerts]
            colours += [colour] * len(rule.alerts)
        self.bars.set_segments(bars)
        self.bars.set_colors(colours)
        return _view.figure_html(self.figure, _alt(c, board, threshold_pct))


def _incident_text(day: model.Day) -> str:
    if day.kind == "none":
        return "no incident"
    what = {"errors": f"{day.size_pct:g}% more requests fail", "latency": f"requests take {day.size_pct:g}% longer",
            "capacity": f"{day.size_pct:g}% of the servers lost"}[day.kind]
    return f"{_KIND_NAMES[day.kind]} ({what}) from {_clock(day.start)} to {_clock(day.end)}"


def _alt(c: model.Comparison, board: pd.DataFrame, threshold_pct: float) -> str:
    rules = "; ".join(
        f"{r.name}: {len(r.alerts)} alert{'s' * (len(r.alerts) != 1)}"
        + (f", detected after {_duration(r.detect_min, True)}" if r.detect_min is not None else "")
        + f", {r.false_alarms} false" for r in c.rules)
    return (f"Dashboard of one simulated day, {_incident_text(c.day)}. Traffic from {board.rps.min():,.0f} to "
            f"{board.rps.max():,.0f} req/s; p99 latency up to {board.p99_ms.max():,.0f} ms; error ratio up to "
            f"{percent(board.error_ratio.max())} in {BUCKET_MIN}-minute buckets against a static threshold of "
            f"{threshold_pct:g}%; saturation up to {percent(board.utilisation.max())} of capacity. Alerts: {rules}.")


def _fired(rule: model.RuleResult) -> str:
    """The count of alerts and the first few firing times: "2 (14:02, 14:40)"."""
    times = [_clock(first + 1) for first, _ in rule.alerts]
    shown = ", ".join(times[:3]) + (", …" if len(times) > 3 else "")
    return f"{len(times)} ({shown})" if times else "0"


def _table(c: model.Comparison, v: _view.Values) -> str:
    incident = c.day.kind != "none"
    names = [f"static: {c.rules[0].name}", *(f"burn rate {r.name} ({r.severity})" for r in c.rules[1:])]
    rows = pd.DataFrame({
        "alerts fired": [_fired(r) for r in c.rules],
        "time to detect": [_duration(r.detect_min, incident) for r in c.rules],
        "false alarms": [whole(r.false_alarms) for r in c.rules],
        "budget spent by then": [percent(r.budget_at_detection, 2) if r.budget_at_detection is not None else "–"
                                 for r in c.rules],
    }, index=names)
    spent = (f" It added {whole(c.incident_failures)} failed requests (expected, given the day's traffic): "
             f"{percent(c.incident_budget, 2)} of the month's error budget." if incident else "")
    caption = (
        f"One simulated day (seed {v['seed']}), {_incident_text(c.day)}, with 3 days of history before it. SLO "
        f"{percent(c.slo)} of requests succeed over 30 days: a month of days like this one has "
        f"{whole(c.day.day_requests.sum() * model.SLO_DAYS)} requests and an error budget of "
        f"{whole(c.budget_requests)} failed ones.{spent} Static: the one-minute error ratio above "
        f"{v['threshold_pct']:g}% for {v['for_min']} minute{'s' * (v['for_min'] != 1)} in a row. Burn rate: the "
        "error ratio over both windows above the burn rate × 0.1% (SRE Workbook, table 5-8). Time to detect: from "
        "the incident's start to the first alert whose short window holds a minute of it; any other alert is a "
        "false alarm. Budget spent: the incident's failed requests by then, as a share of the month's budget. "
        f"The chart shows {BUCKET_MIN}-minute buckets (p99: of the requests served, the worst minute's, at most "
        f"the {model.SERVICE.timeout_ms:,.0f} ms timeout); the rules read every minute."
    )
    return _view.table(rows, caption, formats=[str] * 4, index=True)


def golden_signals() -> _view.Interactive:
    """The four golden signals of a simulated day through an incident, and who pages: a static threshold
    or the SRE Workbook's burn-rate rules.

    >>> widget = golden_signals()
    >>> "burn rate 14.4× over 1 h and 5 min (page)" in widget.view.value
    True
    """
    chart = _Dashboard()

    def render(v: _view.Values) -> str:
        day = model.simulate_day(v["kind"], v["start_h"], v["duration_min"], v["size_pct"], seed=v["seed"])
        comparison = model.compare(day, v["threshold_pct"], v["for_min"], SLO)
        return chart.html(comparison, v["threshold_pct"]) + _LEGEND + _table(comparison, v)

    return _view.Interactive(render, _view.controls(_CONTROLS), _PRESETS, principal="Scenario")
