"""Capacity's view: the back-of-envelope calculator, sliders on :func:`.model.estimate` and a chart of
how the load grows with the number of users."""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any

import numpy as np
from matplotlib.ticker import FuncFormatter, LogLocator, NullLocator

from widgets import _view

from .model import PRESETS, Estimate, LoadCurve, estimate, human_bytes, human_count, load_curve, matching_preset

#: The calculator's controls: name (a parameter of estimate) -> (widget class, label, options).
_CONTROLS: dict[str, tuple[str, str, dict[str, Any]]] = {
    "daily_active_users": ("FloatLogSlider", "Daily active users", {"min": 3, "max": 10, "step": 0.1}),
    "requests_per_user_per_day": (
        "FloatLogSlider", "Requests per user a day", {"min": -1, "max": 4, "step": 0.1}
    ),
    "peak_factor": ("FloatSlider", "Peak / average", {"min": 1, "max": 30, "step": 0.1}),
    "write_fraction": ("FloatSlider", "Fraction that write", {"min": 0, "max": 1, "step": 0.01}),
    "bytes_per_write": ("FloatText", "Bytes per write", {}),
    "retention_days": ("IntSlider", "Retention (days)", {"min": 0, "max": 3650}),
    "replication_factor": ("IntSlider", "Replicas", {"min": 1, "max": 5}),
    "per_host_qps": ("FloatLogSlider", "Requests/s per host", {"min": 1, "max": 6, "step": 0.1}),
    "target_utilization": ("FloatSlider", "Target utilization", {"min": 0.1, "max": 1, "step": 0.05}),
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
        rows.append((f"Hosts at {values['target_utilization']:.0%} utilization", f"{result.hosts:,}"))
    return _view.table(rows, "Back-of-envelope estimate")


def _positive(ys) -> np.ndarray:
    """Values for a log axis: zeros and missing values become gaps."""
    array = np.array([np.nan if y is None else y for y in ys], dtype=float)
    return np.where(array > 0, array, np.nan)


def _tick_label(value: float, _position: float | None = None) -> str:
    """Axis labels in the table's words ("10 k", "1 B"), not mathtext powers of ten (slow to draw)."""
    return human_count(value) if value >= 1 else f"{value:g}"


class _LoadChart:
    """Peak load and hosts against users, log-log: one figure, its artists updated in place.

    Cheap to redraw (text dominates the cost): fixed margins instead of a layout pass,
    no minor ticks, few plain-text tick labels.
    """

    def __init__(self) -> None:
        self.figure, ax = _view.fixed_axes(6.4, 3.2, (0.12, 0.16, 0.84, 0.81), axis=True)
        self.axes = ax
        ax.set(xscale="log", yscale="log", xlim=(_USERS[0], _USERS[-1]))
        ax.set(xlabel="daily active users", ylabel="per second / hosts")
        for axis in (ax.xaxis, ax.yaxis):
            axis.set_major_formatter(FuncFormatter(_tick_label))
            axis.set_minor_locator(NullLocator())
        ax.yaxis.set_major_locator(LogLocator(numticks=6))  # every other decade on wide ranges
        ax.grid(True, alpha=0.3)
        blue, orange = _view.PALETTE[0], _view.PALETTE[1]
        (self.peak,) = ax.plot(_USERS, _USERS, color=blue, label="peak requests/s")
        (self.hosts,) = ax.plot(_USERS, _USERS, color=orange, label="hosts")
        (self.peak_here,) = ax.plot([], [], "o", color=blue, clip_on=False)
        (self.hosts_here,) = ax.plot([], [], "s", color=orange, clip_on=False)
        ax.legend(loc="upper left")

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
            "Log-log chart of peak requests per second and hosts needed against daily active "
            "users from 1 thousand to 10 billion; both grow in proportion to the users (at least "
            "one host while there is any load). "
            f"Marked: {human_count(users)} users, {human_count(result.peak_qps)} requests/s "
            f"at peak, {hosts}."
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
