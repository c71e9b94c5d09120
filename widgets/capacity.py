"""Back-of-envelope capacity estimates: requests, storage and hosts from a few numbers.

The *model* (:func:`estimate`, :func:`human_count`, :func:`human_bytes`,
:data:`PRESETS`) is plain Python; the *view* (:func:`calculator`) puts sliders
on it and draws how the load grows with the number of users.
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from matplotlib.ticker import FuncFormatter, LogLocator, NullLocator

from widgets import _check, _view

SECONDS_PER_DAY = 86_400
HOURS_PER_DAY = 24

# ---------------------------------------------------------------- model


@dataclass(frozen=True)
class Estimate:
    """The result of :func:`estimate`: rates per day, hour and second, storage, hosts."""

    requests_per_day: float
    requests_per_hour: float
    average_qps: float
    peak_qps: float
    writes_per_day: float
    storage_bytes_per_day: float
    storage_bytes_total: float
    hosts: int | None


def _ceil(x: float) -> int:
    """``ceil`` that ignores float noise: 100.00000000001 is 100, not 101 (12 significant digits)."""
    return math.ceil(float(f"{x:.12g}"))


def estimate(
    daily_active_users: float,
    requests_per_user_per_day: float,
    *,
    peak_factor: float = 1.0,
    write_fraction: float = 0.0,
    bytes_per_write: float = 0,
    retention_days: float = 365,
    replication_factor: int = 1,
    per_host_qps: float | None = None,
    target_utilization: float = 1.0,
) -> Estimate:
    """Requests, storage and hosts for a service; bad parameters raise ``ValueError``.

    >>> e = estimate(1e9, 10)
    >>> human_count(e.requests_per_day), human_count(e.average_qps)
    ('10 B', '115.7 k')
    """
    _check.number("daily_active_users", daily_active_users, 0)
    _check.number("requests_per_user_per_day", requests_per_user_per_day, 0)
    _check.number("peak_factor", peak_factor, 1)
    _check.number("write_fraction", write_fraction, 0, 1)
    _check.number("bytes_per_write", bytes_per_write, 0)
    _check.number("retention_days", retention_days, 0)
    _check.integer("replication_factor", replication_factor, 1)
    _check.number("per_host_qps", per_host_qps, 0, open_low=True, optional=True)
    _check.number("target_utilization", target_utilization, 0, 1, open_low=True)

    try:
        per_day = daily_active_users * requests_per_user_per_day
        peak = per_day / SECONDS_PER_DAY * peak_factor
        writes = per_day * write_fraction
        stored_per_day = writes * bytes_per_write * replication_factor
        stored = stored_per_day * retention_days
        load = None if per_host_qps is None else peak / per_host_qps / target_utilization
        finite = all(math.isfinite(x) for x in (peak, stored, load or 0))
    except OverflowError:  # ints whose product no float can hold
        finite = False
    if not finite:
        raise ValueError("the estimate overflows a float: the inputs are too large")
    return Estimate(
        requests_per_day=per_day,
        requests_per_hour=per_day / HOURS_PER_DAY,
        average_qps=per_day / SECONDS_PER_DAY,
        peak_qps=peak,
        writes_per_day=writes,
        storage_bytes_per_day=stored_per_day,
        storage_bytes_total=stored,
        # Any load needs a host, even one so small that the division underflows to 0.
        hosts=None if load is None else max(_ceil(load), int(peak > 0)),
    )


def _scaled(name: str, x: float, base: int, units: tuple[str, ...]) -> str:
    """``x`` in the largest unit that keeps it below ``base`` after rounding to one decimal."""
    _check.number(name, x)
    value = abs(x)
    for unit in units:
        text = f"{value:.1f}".removesuffix(".0")
        if float(text) < base or unit == units[-1]:
            break
        value /= base
    sign = "-" if x < 0 and text != "0" else ""
    return f"{sign}{text}{unit}"


def human_count(x: float) -> str:
    """A count with short-scale suffixes k, M, B, T (thousand … trillion), one decimal.

    >>> human_count(115740.74), human_count(10e9), human_count(999)
    ('115.7 k', '10 B', '999')
    """
    return _scaled("x", x, 1000, ("", " k", " M", " B", " T"))


def human_bytes(n: float, binary: bool = False) -> str:
    """Bytes in decimal SI units (kB, MB …, powers of 1000) or binary IEC units (KiB, MiB …, 1024).

    >>> human_bytes(30e12), human_bytes(2**40, binary=True)
    ('30 TB', '1 TiB')
    """
    if binary:
        return _scaled("n", n, 1024, (" B", " KiB", " MiB", " GiB", " TiB", " PiB"))
    return _scaled("n", n, 1000, (" B", " kB", " MB", " GB", " TB", " PB"))


@dataclass(frozen=True)
class Preset:
    """A named scenario: the values of :func:`estimate`'s parameters, where they come from, what is assumed."""

    values: Mapping[str, float]
    source: str
    note: str


#: Scenarios of the calculator; the first is its default.
PRESETS: dict[str, Preset] = {
    "1 billion users × 10 searches a day": Preset(
        values={
            "daily_active_users": 1e9,
            "requests_per_user_per_day": 10,
            "peak_factor": 2.0,
            "write_fraction": 1.0,
            "bytes_per_write": 1000.0,
            "retention_days": 365,
            "replication_factor": 3,
            "per_host_qps": 1000.0,
            "target_utilization": 0.5,
        },
        source="The course outline's worked example: 1 billion users × 10 searches a day.",
        note=(
            "10 billion searches a day is about 416.7 million an hour (the outline rounds it "
            "to 420 million) and 115.7 thousand a second. Assumed: peak 2× the average, every "
            "search logged as a 1 kB record kept a year on 3 replicas, 1,000 searches/s per "
            "host run at 50% utilization."
        ),
    ),
    "Twitter 2013: 500 million tweets a day": Preset(
        values={
            "daily_active_users": 100e6,
            "requests_per_user_per_day": 5,
            "peak_factor": 25.0,
            "write_fraction": 1.0,
            "bytes_per_write": 1000.0,
            "retention_days": 3650,
            "replication_factor": 3,
            "per_host_qps": 1000.0,
            "target_utilization": 0.5,
        },
        source=(
            'Raffi Krikorian, "New Tweets per second record, and how!", Twitter Engineering '
            "Blog, 16 August 2013: more than 500 million Tweets a day, about 5,700 a second on "
            "average, and a record 143,199 Tweets in one second (3 August 2013, Japan): "
            "143,199 / 5,700 ≈ 25 times the average."
        ),
        note=(
            "Only the 500 million a day and the peak are published; splitting them into "
            "100 million users × 5 tweets is an assumption. Peak 25× the average (the record). "
            "Assumed: 1 kB per tweet (text and metadata, no media), kept 10 years on 3 "
            "replicas, 1,000 writes/s per host at 50% utilization."
        ),
    ),
    "WhatsApp 2020: 100 billion messages a day": Preset(
        values={
            "daily_active_users": 2e9,
            "requests_per_user_per_day": 50,
            "peak_factor": 3.0,
            "write_fraction": 1.0,
            "bytes_per_write": 1000.0,
            "retention_days": 30,
            "replication_factor": 3,
            "per_host_qps": 10_000.0,
            "target_utilization": 0.5,
        },
        source=(
            "Roughly 100 billion messages delivered a day: Mark Zuckerberg on Facebook's Q3 2020 "
            "earnings call and Will Cathcart (head of WhatsApp) on Twitter, 29 October 2020. "
            'Two billion users: WhatsApp blog, "Two Billion Users -- Connecting the World '
            'Privately", 12 February 2020.'
        ),
        note=(
            "Treating all 2 billion users as daily actives sending 50 messages each is an "
            "assumption; only the product is published. Assumed: peak 3× the average, 1 kB "
            "per message (media stored separately), held at most 30 days on 3 replicas "
            "(an upper bound: messages leave the servers once delivered), 10,000 messages/s "
            "per host at 50% utilization."
        ),
    ),
}

# ---------------------------------------------------------------- view

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


def _matching_preset(values: Mapping[str, Any]) -> Preset | None:
    """The preset whose values the controls hold, if any."""
    for preset in PRESETS.values():
        if all(math.isclose(values[k], v, rel_tol=1e-9) for k, v in preset.values.items()):
            return preset
    return None


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
    return _view.table_html(rows, caption="Back-of-envelope estimate")


def _positive(ys: list[float | None]) -> np.ndarray:
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
        self.figure = _view.new_figure()
        self.figure.set_layout_engine(None)  # no layout pass: the margins below are fixed
        ax = self.axes = self.figure.add_axes((0.12, 0.16, 0.84, 0.81))
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

    def html(self, values: Mapping[str, Any], result: Estimate) -> str:
        curve = [estimate(**{**values, "daily_active_users": u}) for u in _USERS]
        users = [values["daily_active_users"]]
        self.peak.set_ydata(_positive([e.peak_qps for e in curve]))
        self.hosts.set_ydata(_positive([e.hosts for e in curve]))
        self.peak_here.set_data(users, _positive([result.peak_qps]))
        self.hosts_here.set_data(users, _positive([result.hosts]))
        self.axes.relim()
        self.axes.autoscale_view(scalex=False)
        hosts = "no host count" if result.hosts is None else f"{result.hosts:,} hosts"
        alt = (
            "Log-log chart of peak requests per second and hosts needed against daily active "
            "users from 1 thousand to 10 billion; both grow in proportion to the users (at least "
            "one host while there is any load). "
            f"Marked: {human_count(users[0])} users, {human_count(result.peak_qps)} requests/s "
            f"at peak, {hosts}."
        )
        return _view.figure_html(self.figure, alt)


def calculator() -> _view.Interactive:
    """The back-of-envelope calculator: presets, live controls, result table and chart."""
    controls = {name: _view.control(kind, label, **opts) for name, (kind, label, opts) in _CONTROLS.items()}
    chart = _LoadChart()

    def render(values: dict[str, Any]) -> str:
        result = estimate(**values)
        preset = _matching_preset(values)
        about = (
            f"<p><b>Source:</b> {html.escape(preset.source)}<br>{html.escape(preset.note)}</p>"
            if preset
            else ""
        )
        return _table(result, values) + about + chart.html(values, result)

    presets = {name: preset.values for name, preset in PRESETS.items()}
    return _view.Interactive(render, controls, presets, principal="Scenario")
