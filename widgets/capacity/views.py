"""Capacity's view: the back-of-envelope calculator, sliders on :func:`.model.estimate` and a chart of
how the load grows with the number of users."""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any

import numpy as np
from matplotlib.lines import Line2D
from matplotlib.ticker import FixedLocator, FuncFormatter, LogLocator, NullFormatter, NullLocator

from widgets import _view
from widgets._view.tables import number_text

from .model import PRESETS, Estimate, LoadCurve, estimate, human_bytes, human_count, load_curve, matching_preset

#: Log sliders' step and readout (a d3-format): two significant digits, thousands commas, never an
#: exponent ("1,000,000,000", "50", "0.10"); two digits tell apart every step of a tenth of a decade.
_LOG = {"step": 0.1, "readout_format": ",.2r"}

#: The calculator's controls: name (a parameter of estimate) -> (widget class, label, options).
_CONTROLS: dict[str, tuple[str, str, dict[str, Any]]] = {
    "daily_active_users": ("FloatLogSlider", "Daily active users", {"min": 3, "max": 10, **_LOG}),
    "requests_per_user_per_day": ("FloatLogSlider", "Requests per user a day", {"min": -1, "max": 4, **_LOG}),
    "peak_factor": ("FloatSlider", "Peak / average", {"min": 1, "max": 30, "step": 0.1}),
    "write_fraction": ("FloatSlider", "Fraction that write", {"min": 0, "max": 1, "step": 0.01}),
    "bytes_per_write": ("FloatText", "Bytes per write", {}),
    "retention_days": ("IntSlider", "Retention (days)", {"min": 0, "max": 3650}),
    "replication_factor": ("IntSlider", "Replicas", {"min": 1, "max": 5}),
    "per_host_qps": ("FloatLogSlider", "Requests/s per host", {"min": 1, "max": 6, **_LOG}),
    "target_utilization": ("FloatSlider", "Target utilisation", {"min": 0.1, "max": 1, "step": 0.05}),
}

#: The chart's x axis: daily active users, 8 points a decade.
_USERS = np.logspace(3, 10, 57)


def _table(result: Estimate, values: Mapping[str, Any]) -> str:
    per_day, total = result.storage_bytes_per_day, result.storage_bytes_total
    days = values["retention_days"]
    rows = [
        ("Requests per day", f"{human_count(result.requests_per_day)} req/day"),
        ("Requests per hour", f"{human_count(result.requests_per_hour)} req/h"),
        ("Average load", f"{human_count(result.average_qps)} req/s"),
        (f"Peak load ({values['peak_factor']:g} × average)", f"{human_count(result.peak_qps)} req/s"),
        ("Writes per day", f"{human_count(result.writes_per_day)} writes/day"),
        ("Storage per day, decimal (SI)", f"{human_bytes(per_day)}/day"),
        ("Storage per day, binary (IEC)", f"{human_bytes(per_day, binary=True)}/day"),
        (f"Storage for {days:g} days, decimal (SI)", human_bytes(total)),
        (f"Storage for {days:g} days, binary (IEC)", human_bytes(total, binary=True)),
    ]
    if result.hosts is not None:
        rows.append((f"Hosts at {values['target_utilization']:.0%} utilisation", f"{result.hosts:,}"))
    return _view.table(rows, "Back-of-envelope estimate")


def _positive(ys) -> np.ndarray:
    """Values for a log axis: zeros and missing values become gaps."""
    array = np.array([np.nan if y is None else y for y in ys], dtype=float)
    return np.where(array > 0, array, np.nan)


def _tick_label(value: float, _position: float | None = None) -> str:
    """Axis labels in the table's words ("10 k", "1 B", "0.001"), never mathtext powers of ten (slow to
    draw) nor exponents."""
    return human_count(value) if value >= 1 else number_text(value)


class _LoadChart:
    """Peak load and hosts against users, log-log: one figure, its artists updated in place.

    Phone-sized: 4.6 in wide, no text under 9 pt, a tick label every other decade, the legend above
    the axes. Cheap to redraw (text dominates the cost): fixed margins instead of a layout pass,
    few plain-text tick labels.
    """

    def __init__(self) -> None:
        width, height = 4.6, 3.1
        margins = (0.66, 0.5, 0.2, 0.36)  # left, bottom, right, top in inches: room for "0.001" and the legend
        self.figure, ax = _view.fixed_axes(width, height, margins=margins, axis=True)
        self.axes = ax
        ax.set(xscale="log", yscale="log", xlim=(_USERS[0], _USERS[-1]))
        ax.set_xlabel("daily active users", fontsize=9)
        ax.set_ylabel("per second / hosts", fontsize=9)
        for axis in (ax.xaxis, ax.yaxis):
            axis.set_major_formatter(FuncFormatter(_tick_label))
            axis.set_minor_formatter(NullFormatter())
        ax.xaxis.set_major_locator(FixedLocator([1e3, 1e5, 1e7, 1e9]))  # labelled: every other decade
        ax.xaxis.set_minor_locator(FixedLocator([1e4, 1e6, 1e8, 1e10]))  # the decades between, unlabelled
        ax.yaxis.set_major_locator(LogLocator(numticks=5))  # every other decade on wide ranges
        ax.yaxis.set_minor_locator(NullLocator())
        ax.tick_params(labelsize=9)
        ax.grid(True, alpha=0.3)
        # Line style and marker too, not colour alone. Where the lines coincide (one request/s per
        # host), the dashes and the smaller dot on top of the square keep both in sight.
        peak, peak_mark = {"color": _view.PALETTE[0]}, {"marker": "o", "markersize": 5}
        hosts, hosts_mark = {"color": _view.PALETTE[1], "linestyle": "--"}, {"marker": "s", "markersize": 7}
        (self.peak,) = ax.plot(_USERS, _USERS, **peak)
        (self.hosts,) = ax.plot(_USERS, _USERS, **hosts)
        (self.peak_here,) = ax.plot([], [], **peak, **peak_mark, linestyle="none", clip_on=False, zorder=4)
        (self.hosts_here,) = ax.plot([], [], color=hosts["color"], **hosts_mark, linestyle="none", clip_on=False)
        handles = [Line2D([], [], **peak, **peak_mark), Line2D([], [], **hosts, **hosts_mark)]
        ax.legend(handles, ["peak requests/s", "hosts"], loc="lower left", bbox_to_anchor=(0, 1), ncol=2,
                  fontsize=9, frameon=False, borderaxespad=0.2, handlelength=2.6)

    def html(self, curve: LoadCurve, users: float, result: Estimate) -> str:
        """The curve, with the point of ``users`` (whose estimate is ``result``) marked."""
        self.peak.set_data(curve.users, _positive(curve.peak_qps))
        self.hosts.set_data(curve.users, _positive(curve.hosts))
        self.peak_here.set_data([users], _positive([result.peak_qps]))
        self.hosts_here.set_data([users], _positive([result.hosts]))
        self.axes.relim()
        self.axes.autoscale_view(scalex=False)
        hosts = "no host count" if result.hosts is None else f"{result.hosts:,} hosts"
        alt = (
            "Log-log chart of peak requests per second (solid line) and hosts needed (dashed line) "
            "against daily active users from 1 thousand to 10 billion; both grow in proportion to "
            "the users (at least one host while there is any load). "
            f"Marked with a dot and a square: {human_count(users)} users, {human_count(result.peak_qps)} "
            f"requests/s at peak, {hosts}."
        )
        return _view.figure_html(self.figure, alt)


def _render(chart: _LoadChart, values: Mapping[str, Any]) -> str:
    result = estimate(**values)
    preset = matching_preset(values)
    about = f"<p><b>Source:</b> {html.escape(preset.source)}<br>{html.escape(preset.note)}</p>" if preset else ""
    curve = load_curve(values, _USERS)
    return _table(result, values) + about + chart.html(curve, values["daily_active_users"], result)


def calculator() -> _view.Interactive:
    """The back-of-envelope calculator: presets, live controls, result table and chart."""
    chart = _LoadChart()
    presets = {name: preset.values for name, preset in PRESETS.items()}
    return _view.Interactive(lambda values: _render(chart, values), _view.controls(_CONTROLS), presets,
                             principal="Scenario")
