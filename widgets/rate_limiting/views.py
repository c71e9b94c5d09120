"""Views of rate limiting: five limiters on one bursty stream (:func:`algorithms`), and per-client limits at
the gateway against a noisy neighbour (:func:`per_client_limits`).

Each interactive is declared as data (its controls and presets), a chart class that builds its figure
once and updates its artists, and a ``render`` that formats what :mod:`.model` computed.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from matplotlib.collections import LineCollection
from matplotlib.patches import Polygon

from widgets import _view
from widgets._view.tables import fixed_percent, number_text

from . import model

BLUE, ORANGE, GREEN, VERMILLION, PURPLE, SKY, _, BLACK = _view.PALETTE
WIDTH_IN, FONT = _view.FIGURE_WIDTH_IN, _view.MIN_FONT_PT
OFFERED_GREY = "#d9d9d9"


# ---------------------------------------------------------------- five limiters, one stream

DURATION_S, BIN_S, BURSTS, BURST_S = 10.0, 0.1, 3, 0.2
_NAMES = {"token_bucket": "token bucket", "leaky_bucket": "leaky bucket", "fixed_window": "fixed window",
          "sliding_log": "sliding log", "sliding_counter": "sliding counter"}
_COLOURS = {"token_bucket": BLUE, "leaky_bucket": GREEN, "fixed_window": VERMILLION, "sliding_log": PURPLE,
            "sliding_counter": ORANGE}
_ALGORITHM_CONTROLS = {
    "rate": ("FloatText", "Limit (requests/s)", {"value": 10.0}),
    "window": ("Dropdown", "Window (s)", {"options": [("0.5", 0.5), ("1", 1.0), ("2", 2.0)], "value": 1.0}),
    "burst": ("IntSlider", "Bucket size (requests)", {"min": 1, "max": 60, "value": 10}),
    "background": ("FloatSlider", "Background (requests/s)", {"min": 0, "max": 30, "step": 1, "value": 5}),
    "burst_size": ("IntSlider", "Requests in each burst", {"min": 0, "max": 80, "value": 30}),
    "on_edges": ("Checkbox", "Bursts on window edges", {"value": False}),
    "seed": ("IntText", "Seed", {"value": 7}),
}
_ALGORITHM_BASE = {"rate": 10.0, "window": 1.0, "burst": 10, "background": 5.0, "burst_size": 30,
                   "on_edges": False, "seed": 7}
_ALGORITHM_PRESETS = {
    "Three bursts at random times": _ALGORITHM_BASE,
    "Bursts on window edges: the fixed window passes 2 × 10": {**_ALGORITHM_BASE, "on_edges": True},
    "A bucket of 40: bursts pass the token bucket, wait in the leaky one": {**_ALGORITHM_BASE, "burst": 40},
    "Steady overload, 25/s: all near 10 a second, the fixed window in rushes": {
        **_ALGORITHM_BASE, "background": 25.0, "burst_size": 0},
}
_ALGORITHM_LEGEND = _view.legend([
    ("■", OFFERED_GREY, "arrived per 0.1 s (its own scale)"),
    ("■", BLUE, "passed on per 0.1 s, each limiter in its colour (leaky bucket: when it lets them out)"),
    ("– –", BLACK, "the limit's rate, per 0.1 s"),
    ("···", _view.GREY, "window edges"),
])


def _steps(counts: np.ndarray, base: float, scale: float) -> np.ndarray:
    """The outline of a bar per bin, as few corners as it takes: a run of equal bins is one flat step.

    >>> _steps(np.array([0, 2, 2, 0]), 1.0, 0.5).tolist()  # bins of BIN_S = 0.1 s
    [[0.0, 1.0], [0.0, 1.0], [0.1, 1.0], [0.1, 2.0], [0.3, 2.0], [0.3, 1.0], [0.4, 1.0], [0.4, 1.0]]
    """
    change = np.flatnonzero(np.diff(counts)) + 1
    starts, ends = np.concatenate([[0], change]), np.concatenate([change, [len(counts)]])
    xs = np.round(np.column_stack([starts, ends]).ravel() * BIN_S, 9)
    ys = base + np.repeat(counts[starts], 2) * scale
    return np.column_stack([np.concatenate([[0.0], xs, [xs[-1]]]), np.concatenate([[base], ys, [base]])])


class _StripsChart:
    """One strip of requests per bin for the stream (grey, its own scale), then one per limiter, top to
    bottom, of what it passed on (one scale for the five); the limit's rate dashed, window edges dotted.
    (The most passed on in any window is in the table: every text costs about a millisecond a redraw.)"""

    STRIP = 0.84  # of a unit of height: the rest is the gap between strips

    def __init__(self) -> None:
        self.figure, ax = _view.fixed_axes(WIDTH_IN, 3.5, margins=(1.05, 0.45, 0.15, 0.1), axis=True)
        self.ax, n = ax, len(model.ALGORITHMS) + 1
        ax.set(xlim=(0, DURATION_S), ylim=(0, n))
        at = range(0, int(DURATION_S) + 1, 2)
        _view.Ticks(ax, "x", at, [str(t) for t in at], grid=False)
        _view.x_label(ax, "time (s)")
        self.bases = [n - 1 - i + 0.08 for i in range(n)]
        _view.Ticks(ax, "y", [b + self.STRIP / 2 for b in self.bases], ["arrived", *_NAMES.values()], grid=False)
        self.edges = ax.add_collection(LineCollection([], colors=_view.GREY, linestyles=":", linewidths=0.8,
                                                      zorder=0.6))
        self.strips = []
        for colour, base in zip([OFFERED_GREY, *_COLOURS.values()], self.bases):
            bars = ax.add_patch(Polygon([(0, base)], closed=True, facecolor=colour, edgecolor="none", zorder=2))
            (rate,) = ax.plot([0, DURATION_S], [base, base], color=BLACK, linestyle="--", linewidth=0.9, zorder=3)
            self.strips.append((bars, rate))

    def _strip(self, k: int, counts: np.ndarray, top: float, rate: float) -> None:
        bars, line = self.strips[k]
        base, scale = self.bases[k], self.STRIP / top
        bars.set_xy(_steps(counts, base, scale))
        line.set_ydata([base + min(rate * BIN_S, top) * scale] * 2)

    def html(self, run: model.Comparison) -> str:
        self.edges.set_segments([[(x, 0), (x, len(self.bases))] for x in np.arange(run.window, DURATION_S, run.window)])
        self._strip(0, run.offered, max(int(run.offered.max()), 1) * 1.05, run.rate)
        top = max(max(int(r.counts.max()) for r in run.runs), 1) * 1.05
        for k, limiter in enumerate(run.runs, start=1):
            self._strip(k, limiter.counts, top, run.rate)
        alt = (f"Six strips of requests per {BIN_S:g} s over {DURATION_S:g} s: the {len(run.times):,} requests of "
               f"one seeded stream as they arrived, then what each of five rate limiters passed on: limit "
               f"{number_text(run.rate)} a second, window {number_text(run.window)} s, buckets of "
               f"{number_text(run.burst)}. Most passed on in any {number_text(run.window)} s: " + "; ".join(
                   f"{_NAMES[r.algorithm]} {r.largest_in_window}" for r in run.runs) + ".")
        return _view.figure_html(self.figure, alt)


def _wait(seconds: float) -> str:
    return "0 ms" if seconds == 0 else f"{seconds * 1_000:,.0f} ms"


def _algorithm_table(run: model.Comparison) -> str:
    rows = pd.DataFrame({
        "admitted": [r.admitted_count for r in run.runs],
        "rejected": [r.rejected_count for r in run.runs],
        f"most in any {number_text(run.window)} s": [r.largest_in_window for r in run.runs],
        "longest wait": [_wait(r.max_delay_s) for r in run.runs],
    }, index=list(_NAMES.values()))
    caption = (
        f"The same {len(run.times):,} requests over {DURATION_S:g} s into each limiter, limited to "
        f"{number_text(run.rate)} requests a second: the windows allow L = {run.limit:,} a {number_text(run.window)} s window, the "
        f"buckets hold {number_text(run.burst)}. Most in any window: the most requests passed on in any "
        f"[s, s + {number_text(run.window)} s), for the leaky bucket when it lets them out (its strip stops at "
        f"{DURATION_S:g} s; requests still in it leave later). Longest wait: how long the leaky bucket held a "
        "request; the others pass or refuse at once."
    )
    return _view.table(rows, caption, formats={"longest wait": str}, index=True)


def algorithms() -> _view.Interactive:
    """One seeded bursty stream into five rate limiters side by side: what each passes on, and when.

    >>> widget = algorithms()
    >>> "sliding counter" in widget.stack.children[1].value
    True
    """
    chart = _StripsChart()

    def render(v: _view.Values) -> str:
        times = model.bursty_arrivals(v["background"], DURATION_S, BURSTS, v["seed"], burst_size=v["burst_size"],
                                      burst_s=BURST_S, align_to=v["window"] if v["on_edges"] else None)
        run = model.compare(times, rate=v["rate"], burst=v["burst"], window=v["window"], duration=DURATION_S,
                            bin_s=BIN_S)
        return chart.html(run) + _ALGORITHM_LEGEND + _algorithm_table(run)

    return _view.Interactive(render, _view.controls(_ALGORITHM_CONTROLS), _ALGORITHM_PRESETS, principal="Stream")


# ---------------------------------------------------------------- per-client limits at the gateway

CLIENT_RATE, QUEUE, NEIGHBOUR_S, NEIGHBOUR_SEED = 20.0, 20, 20.0, 1
_NEIGHBOUR_CONTROLS = {
    "noisy_factor": ("IntSlider", "Noisy client sends (×)", {"min": 1, "max": 20, "value": 10}),
    "clients": ("IntSlider", "Clients", {"min": 2, "max": 8, "value": 4}),
    "limit": ("FloatText", "Limit per client (requests/s)", {"value": 25.0}),
    "capacity": ("FloatSlider", "Server capacity (requests/s)", {"min": 50, "max": 300, "step": 10, "value": 100}),
}
_NEIGHBOUR_BASE = {"noisy_factor": 10, "clients": 4, "limit": 25.0, "capacity": 100.0}
_NEIGHBOUR_PRESETS = {
    "One client sends 10×: a limit of 25/s protects the rest": _NEIGHBOUR_BASE,
    "Everyone polite: the limit changes nothing": {**_NEIGHBOUR_BASE, "noisy_factor": 1},
    "A limit of 75/s, 3× a fair share: little protection": {**_NEIGHBOUR_BASE, "limit": 75.0},
    "A limit of 15/s, below what clients need: 429s for all": {**_NEIGHBOUR_BASE, "limit": 15.0},
}
_SEGMENTS = (("served", BLUE, ""), ("limited", ORANGE, "//"), ("shed", VERMILLION, "xx"))
_NEIGHBOUR_LEGEND = _view.legend([
    ("■", BLUE, "served"), ("■", ORANGE, "429: over the client's limit (hatched //)"),
    ("■", VERMILLION, "503: shed by the full server (hatched ××)"),
])
_ROWS = ("noisy, no limit", "others, no limit", "noisy, limited", "others, limited")


def _groups(run: model.NoisyNeighbour) -> list[model.ClientOutcome]:
    return [run.without.noisy, run.without.others, run.with_limits.noisy, run.with_limits.others]


class _ShareChart:
    """What became of each group's requests (% of those sent), without and with per-client limits (the
    numbers are in the table: every text costs about a millisecond a redraw)."""

    def __init__(self) -> None:
        self.figure, ax = _view.fixed_axes(WIDTH_IN, 2.1, margins=(1.25, 0.45, 0.2, 0.1), axis=True)
        self.ax = ax
        ax.set(xlim=(0, 100), ylim=(len(_ROWS) - 0.5, -0.5))
        _view.Ticks(ax, "x", range(0, 101, 25), [f"{p}%" for p in range(0, 101, 25)])
        _view.Ticks(ax, "y", range(len(_ROWS)), list(_ROWS), grid=False)
        _view.x_label(ax, "share of the requests sent")
        ax.axhline(1.5, color=BLACK, linewidth=0.8)
        self.bars = [ax.barh(range(len(_ROWS)), [0] * len(_ROWS), height=0.62, color=colour, hatch=hatch,
                             edgecolor="white" if not hatch else BLACK, linewidth=0.4).patches
                     for _, colour, hatch in _SEGMENTS]

    def html(self, run: model.NoisyNeighbour) -> str:
        groups = _groups(run)
        for row, group in enumerate(groups):
            left = 0.0
            for (what, _, _), bars in zip(_SEGMENTS, self.bars):
                width = 100 * group.share(what)
                bars[row].set_x(left)
                bars[row].set_width(width)
                left += width
        alt = (f"Stacked bars of what became of the requests of a noisy client sending {number_text(run.noisy_factor)} "
               f"times as fast as {run.clients - 1} others, on a server of {number_text(run.capacity)} requests/s, "
               f"without and with a limit of {number_text(run.limit)} requests/s per client. "
               + "; ".join(f"{name}: {fixed_percent(g.share('served'))} served, {fixed_percent(g.share('limited'))} "
                           f"limited (429), {fixed_percent(g.share('shed'))} shed (503)"
                           for name, g in zip(_ROWS, groups)) + ".")
        return _view.figure_html(self.figure, alt)


def _ms(x: float) -> str:
    return "none served" if math.isnan(x) else f"{x:,.0f} ms"


def _neighbour_table(run: model.NoisyNeighbour) -> str:
    groups = _groups(run)
    rows = pd.DataFrame({
        "sent (requests/s)": [f"{g.sent / run.duration:,.1f}" for g in groups],
        "served": [fixed_percent(g.share("served")) for g in groups],
        "429": [fixed_percent(g.share("limited")) for g in groups],
        "503": [fixed_percent(g.share("shed")) for g in groups],
        "p50": [_ms(g.p50_ms) for g in groups],
        "p99": [_ms(g.p99_ms) for g in groups],
    }, index=list(_ROWS))
    caption = (
        f"{run.clients} clients send seeded Poisson requests for {run.duration:g} s: the noisy one "
        f"{number_text(run.noisy_factor * run.client_rate)} a second, each other {number_text(run.client_rate)} "
        f"(\"others\": the {run.clients - 1} pooled), {number_text(run.offered_rate)} in all; sent: as measured, "
        "per group. The server takes "
        f"{number_text(run.capacity)} requests/s, one at a time, first come first served, and holds {run.queue} "
        f"(more are shed, 503). Limited: a token bucket per client at the gateway, {number_text(run.limit)} "
        f"requests/s with one second's worth of burst (429 above it). Latency: arrival at the server to the end "
        "of service, p50 and p99 of the requests served (ms, linear interpolation). The fluid estimate of the "
        f"share served with no limit is {fixed_percent(model.fluid_served_share(run.offered_rate, run.capacity))}."
    )
    return _view.table(rows, caption, formats={"sent (requests/s)": str, "served": str, "429": str,
                                               "503": str, "p50": str, "p99": str}, index=True)


def per_client_limits() -> _view.Interactive:
    """A noisy client and polite ones share a server: without and with a per-client limit at the gateway.

    >>> "others, limited" in per_client_limits().stack.children[0].value
    True
    """
    chart = _ShareChart()

    def render(v: _view.Values) -> str:
        run = model.noisy_neighbour(clients=v["clients"], noisy_factor=v["noisy_factor"], client_rate=CLIENT_RATE,
                                    capacity=v["capacity"], limit=v["limit"], queue=QUEUE, duration=NEIGHBOUR_S,
                                    seed=NEIGHBOUR_SEED)
        return chart.html(run) + _NEIGHBOUR_LEGEND + _neighbour_table(run)

    return _view.Interactive(render, _view.controls(_NEIGHBOUR_CONTROLS), _NEIGHBOUR_PRESETS, principal="Set-up")
