"""Views of fault tolerance: backoff and jitter, the circuit breaker, bulkheads and retry amplification.

Each interactive is declared as data (its controls and presets), a chart class that builds its
figure once and updates its artists, and a ``render`` that formats what :mod:`.model` computed.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator

from widgets import _view
from widgets._view.tables import fixed_percent, number_text

from . import model

BLUE, ORANGE, GREEN, VERMILLION, PURPLE, SKY, _, BLACK = _view.PALETTE
WIDTH_IN, SMALL_PT = _view.FIGURE_WIDTH_IN, _view.MIN_FONT_PT
OUTAGE_GREY = "#bbbbbb"


def _ms(x: float) -> str:
    """Milliseconds, one format for a whole column."""
    return f"{x:,.0f} ms" if x >= 100 else f"{x:,.1f} ms"


def _times(n: int, one: str, many: str | None = None) -> str:
    """A count and its noun, singular or plural: "1 time", "6 times"."""
    return f"{n:,} {one if n == 1 else many or one + 's'}"


def _log_ticks(low: float, high: float) -> list[float]:
    """Ticks for a log axis from low to high: 1, 2 and 5 times each power of ten over short ranges, else decades."""
    first, last = math.floor(math.log10(low)), math.ceil(math.log10(high))
    steps, stride = ((1, 3), 1) if last - first <= 3 else ((1,), 1 if last - first <= 5 else 2)
    return [m * 10.0**e for e in range(first, last + 1, stride) for m in steps if low <= m * 10.0**e <= high]


def _log_limits(ax, ticks: _view.Ticks, low: float, high: float) -> None:
    """Log y limits, and plain ticks (:func:`_log_ticks`) moved to them."""
    ax.set_ylim(low, high)
    at = _log_ticks(low, high)
    ticks.set(at, [number_text(t) for t in at])


def _axes(fig, left: float, bottom: float, width: float, height: float):
    """Axes at a fixed place in inches (no layout pass: a redraw costs half as much)."""
    w, h = fig.get_size_inches()
    ax = fig.add_axes((left / w, bottom / h, width / w, height / h))
    ax.tick_params(labelsize=SMALL_PT)
    return ax


# ---------------------------------------------------------------- backoff and jitter

RETRIES_SHOWN = 10
#: How the chart and table name the race's strategies ("none" is backoff with no jitter).
_STRATEGY_NAMES = {"no backoff": "no backoff", "none": "no jitter", "full": "full jitter", "equal": "equal jitter",
                   "decorrelated": "decorrelated"}
#: Per strategy of the race: colour, bar hatch, and for the jitters the waits' marker, line style and legend glyph.
_STRATEGY_STYLE = {
    "no backoff": (SKY, "", None, None, None),
    "none": (BLUE, "//", "o", "-", "—●—"),
    "full": (ORANGE, "\\\\", "s", "--", "–■–"),
    "equal": (GREEN, "xx", "^", ":", "·▲·"),
    "decorrelated": (PURPLE, "||", "D", "none", "◆"),  # "||": a dotted hatch would weigh 68 kB of SVG
}
_BACKOFF_CONTROLS = {
    "clients": ("IntSlider", "Clients", {"min": 2, "max": 40, "value": 10}),
    "base": ("FloatText", "Base wait (ms)", {"value": 5.0}),
    "cap": ("FloatLogSlider", "Cap (ms)", {"base": 10, "min": 1, "max": 5, "step": 0.1, "value": 2000.0,
                                           "readout_format": ",.2r"}),
}
_BACKOFF_PRESETS = {
    "10 clients": {"clients": 10, "base": 5.0, "cap": 2000.0},
    "40 clients": {"clients": 40, "base": 5.0, "cap": 2000.0},
    "40 clients, cap 50 ms": {"clients": 40, "base": 5.0, "cap": 50.0},
}
_BACKOFF_LEGEND = _view.legend(
    [(style[4], style[0], f"{jitter} jitter" if jitter != "none" else "no jitter")
     for jitter, style in _STRATEGY_STYLE.items() if style[4]]
)
_BACKOFF_NOTE = (
    "<p>The wait before each retry of one client, drawn (dots, seeded) and expected in closed "
    "form (lines: v, v/2 and 3v/4 for v = min(cap, base × 2<sup>k</sup>)); decorrelated jitter has no "
    "closed form.</p>"
)


class _RaceChart:
    """Calls and time until all succeed, one bar per strategy, each bar labelled with its value."""

    def __init__(self) -> None:
        self.figure = _view.new_figure(WIDTH_IN, 2.0)
        self.figure.set_layout_engine(None)
        names = list(_STRATEGY_STYLE)
        rows = range(len(names))
        self.calls_ax = _axes(self.figure, 1.0, 0.1, 1.5, 1.6)
        self.time_ax = _axes(self.figure, 2.95, 0.1, 1.5, 1.6)
        self.bars, self.labels = {}, {}
        for ax, title in ((self.calls_ax, "calls (the work)"), (self.time_ax, "until all succeed (s)")):
            ax.text(0.5, 1.03, title, transform=ax.transAxes, ha="center", va="bottom", fontsize=SMALL_PT)
            ax.set_ylim(len(names) - 0.5, -0.5)
            ax.set_yticks([])
            ax.set_xticks([])  # the bars carry their values: no ticks, far fewer texts to draw
            if ax is self.calls_ax:  # the strategies' names as plain texts: tick labels cost a third of a redraw
                for row, name in zip(rows, names):
                    ax.text(-0.04, row, _STRATEGY_NAMES[name], transform=ax.get_yaxis_transform(), ha="right",
                            va="center", fontsize=SMALL_PT)
            self.bars[ax] = ax.barh(list(rows), [1] * len(names), height=0.7, edgecolor=BLACK, linewidth=0.6,
                                    color=[s[0] for s in _STRATEGY_STYLE.values()]).patches
            for bar, style in zip(self.bars[ax], _STRATEGY_STYLE.values()):
                bar.set_hatch(style[1])
            self.labels[ax] = [ax.text(0, row, "", va="center", ha="left", fontsize=SMALL_PT) for row in rows]

    def _bars(self, ax, values: list[float], text: list[str]) -> None:
        top = max(values) * 1.55 or 1.0
        ax.set_xlim(0, top)
        for bar, label, value, shown in zip(self.bars[ax], self.labels[ax], values, text):
            bar.set_width(value)
            label.set_x(value + 0.02 * top)
            label.set_text(shown)

    def html(self, race: pd.DataFrame, clients: int) -> str:
        calls, seconds = race["calls"].tolist(), (race["completion ms"] / 1000).tolist()
        self._bars(self.calls_ax, calls, [f"{c:,.0f}" for c in calls])
        self._bars(self.time_ax, seconds, [f"{s:,.1f}" for s in seconds])
        alt = (
            f"Bar charts: {clients} clients racing to update one row, per strategy. Calls: "
            + ", ".join(f"{_STRATEGY_NAMES[s]} {c:,.0f}" for s, c in zip(race.index, calls))
            + ". Seconds until all succeed: "
            + ", ".join(f"{_STRATEGY_NAMES[s]} {t:,.1f}" for s, t in zip(race.index, seconds)) + "."
        )
        return _view.figure_html(self.figure, alt)


class _WaitsChart:
    """One client's wait before each retry per jitter, drawn (dots) and expected (lines), log y.

    It depends on base and cap only: a change of the number of clients reuses the last drawing.
    """

    def __init__(self) -> None:
        self.figure, ax = _view.fixed_axes(WIDTH_IN, 2.3, margins=(0.85, 0.5, 0.15, 0.1), axis=True)
        self.ax = ax
        ax.tick_params(labelsize=SMALL_PT)
        ax.set(xlim=(0.5, RETRIES_SHOWN + 0.5), yscale="log")
        retries = range(2, RETRIES_SHOWN + 1, 2)
        _view.Ticks(ax, "x", retries, [str(r) for r in retries], grid=False)
        self.y_ticks = _view.Ticks(ax, "y", slots=12)
        _view.x_label(ax, "retry")
        _view.y_label(ax, "wait before it (ms)", 42)
        self.expected, self.drawn, self.offsets = {}, {}, {}
        for k, (jitter, (colour, _, marker, line, _)) in enumerate(list(_STRATEGY_STYLE.items())[1:]):
            if line != "none":
                (self.expected[jitter],) = ax.plot([], [], linestyle=line, color=colour, linewidth=1.3)
            (self.drawn[jitter],) = ax.plot([], [], marker, color=colour, markersize=5, linestyle="none")
            self.offsets[jitter] = 0.24 * (k - 1.5)  # side by side at each retry, each line through its dots
        self.last: tuple[tuple, str] | None = None

    def html(self, base: float, cap: float) -> str:
        if self.last and self.last[0] == (base, cap):
            return self.last[1]
        waits = {j: model.backoff_delays(RETRIES_SHOWN, base=base, cap=cap, jitter=j) for j in model.JITTERS}
        retries = np.arange(1, RETRIES_SHOWN + 1)
        for jitter, dots in self.drawn.items():
            dots.set_data(retries + self.offsets[jitter], waits[jitter])
            if jitter in self.expected:
                expected = model.expected_backoff_delays(RETRIES_SHOWN, base=base, cap=cap, jitter=jitter)
                self.expected[jitter].set_data(retries + self.offsets[jitter], expected)
        everything = np.concatenate([np.asarray(w) for w in waits.values()])
        top = everything.max() * 1.6
        _log_limits(self.ax, self.y_ticks, max(everything[everything > 0].min() / 1.6, top * 1e-4), top)
        alt = (
            f"Log-scale chart of one client's wait in ms before retries 1 to {RETRIES_SHOWN}, base {base:g} ms, "
            f"cap {cap:,.0f} ms. Drawn: "
            + "; ".join(f"{_STRATEGY_NAMES[j]} " + ", ".join(f"{w:,.1f}" for w in waits[j]) for j in model.JITTERS)
            + ". The expected waits (v, v/2, 3v/4) lie on lines for no jitter, full and equal jitter."
        )
        self.last = ((base, cap), _view.figure_html(self.figure, alt))
        return self.last[1]


def backoff() -> _view.Interactive:
    """The same seeded contention race under every backoff strategy, and one client's waits per jitter.

    >>> "decorrelated" in backoff().view.value
    True
    """
    race_chart, waits_chart = _RaceChart(), _WaitsChart()

    def render(v: _view.Values) -> str:
        race = model.contention_table(v["clients"], base=v["base"], cap=v["cap"])
        table = (race.assign(**{"calls per client": race["calls"] / v["clients"]})
                 .rename(index=_STRATEGY_NAMES, columns={"completion ms": "until all succeed"}))
        caption = (
            f"{v['clients']} clients each update one row once with a conditional write, all starting at 0 ms; "
            "messages take 10 ± 2 ms; one seeded race, the same network for every strategy. Calls: writes "
            "sent, the failed ones included. Until all succeed: ms until the last client hears its write succeed."
        )
        formats = {"calls": "{:,.0f}".format, "until all succeed": _ms, "calls per client": "{:.1f}".format}
        return (race_chart.html(race, v["clients"]) + _view.table(table, caption, formats=formats, index=True)
                + waits_chart.html(v["base"], v["cap"]) + _BACKOFF_LEGEND + _BACKOFF_NOTE)

    return _view.Interactive(render, _view.controls(_BACKOFF_CONTROLS), _BACKOFF_PRESETS, principal="Race")


# ---------------------------------------------------------------- circuit breaker

BREAKER_RATE, BREAKER_S, BIN_S = 10.0, 120.0, 5.0
NORMAL_MS, TIMEOUT_MS, FALLBACK_MS = 20.0, 1000.0, 1.0
_BREAKER_CONTROLS = {
    "outage_start_s": ("IntSlider", "Outage starts at (s)", {"min": 0, "max": 110, "step": 5, "value": 30}),
    "outage_length_s": ("IntSlider", "Outage lasts (s)", {"min": 0, "max": 120, "step": 5, "value": 10}),
    "outage": ("Dropdown", "Failing calls", {"options": [("time out after 1 s", "timeout"),
                                                          ("fail at once (errors)", "error")]}),
    "failure_threshold": ("IntSlider", "Failures to open", {"min": 1, "max": 20, "value": 5}),
    "reset_timeout_s": ("FloatText", "Reset timeout (s)", {"value": 10.0}),
}
_BREAKER_PRESETS = {
    "A 10 s outage": {"outage_start_s": 30, "outage_length_s": 10, "outage": "timeout", "failure_threshold": 5,
                      "reset_timeout_s": 10.0},
    "A 60 s outage": {"outage_start_s": 30, "outage_length_s": 60, "outage": "timeout", "failure_threshold": 5,
                      "reset_timeout_s": 10.0},
    "A 60 s outage of errors, not timeouts": {"outage_start_s": 30, "outage_length_s": 60, "outage": "error",
                                              "failure_threshold": 5, "reset_timeout_s": 10.0},
}
_STATE_STYLE = {model.CLOSED: (GREEN, ""), model.OPEN: (VERMILLION, "//")}  # colour, hatch (white)
_BREAKER_LEGEND = _view.legend([
    ("■", GREEN, "closed"), ("■", VERMILLION, "open (hatched)"), ("▲", ORANGE, "half-open: one trial call"),
    ("■", OUTAGE_GREY, "outage (grey, hatched)"),
]) + _view.legend([
    ("—", BLUE, "calls to the dependency with the breaker"),
    ("– –", BLACK, "without it (on top: the lines coincide outside the outage)"),
])


class _BreakerChart:
    """The breaker's state as bands over time, above the calls per second reaching the dependency."""

    def __init__(self) -> None:
        self.figure = _view.new_figure(WIDTH_IN, 2.9)
        self.figure.set_layout_engine(None)
        self.band = _axes(self.figure, 0.75, 2.2, 3.7, 0.4)
        self.calls = _axes(self.figure, 0.75, 0.5, 3.7, 1.55)
        self.band.set(xlim=(0, BREAKER_S), ylim=(0, 1), xticks=[], yticks=[])  # no ticks: cheaper to draw
        self.band.text(-0.02, 0.5, "breaker", transform=self.band.transAxes, ha="right", va="center",
                       fontsize=SMALL_PT)
        ax = self.calls
        ax.set(xlim=(0, BREAKER_S), ylim=(0, 1.6 * BREAKER_RATE), xticks=np.arange(0, BREAKER_S + 1, 30),
               yticks=np.arange(0, 1.6 * BREAKER_RATE + 1, 5))
        _view.x_label(ax, "time (s)")
        _view.y_label(ax, "calls/s to the\ndependency", 33)
        ax.grid(True, axis="y", alpha=0.3)
        self.outages = [a.axvspan(0, 0, facecolor="#eeeeee", edgecolor=OUTAGE_GREY, hatch="xx", linewidth=0,
                                  zorder=0) for a in (self.band, self.calls)]
        (self.with_breaker,) = ax.step([], [], where="post", color=BLUE, linewidth=2.4)
        (self.without,) = ax.step([], [], where="post", color=BLACK, linestyle="--", linewidth=1.2)  # on top
        (self.trials,) = self.band.plot([], [], "^", color=ORANGE, markeredgecolor=BLACK, markersize=7,
                                        markeredgewidth=0.6, linestyle="none", zorder=3)
        self.states = []

    def html(self, on: model.BreakerRun, off: model.BreakerRun, v: _view.Values) -> str:
        start, end = v["outage_start_s"], v["outage_start_s"] + v["outage_length_s"]
        for span in self.outages:
            span.set_x(start)
            span.set_width(min(end, BREAKER_S) - start)
        for artist in self.states:
            artist.remove()
        spans = model.state_spans(on, duration_s=BREAKER_S)
        self.states = [
            self.band.broken_barh(list(zip(rows.start_s, rows.end_s - rows.start_s)), (0.1, 0.8),
                                  facecolors=colour, edgecolor="white", linewidth=0, hatch=hatch)
            for state, (colour, hatch) in _STATE_STYLE.items() for rows in [spans[spans.state == state]]
        ]
        trials = spans[spans.state == model.HALF_OPEN].start_s
        self.trials.set_data(trials, [0.5] * len(trials))
        for line, run in ((self.with_breaker, on), (self.without, off)):
            series = model.breaker_series(run, duration_s=BREAKER_S, bin_s=BIN_S)
            line.set_data(np.append(series.start_s, BREAKER_S), np.append(series.dependency,
                                                                         series.dependency.iloc[-1]))
        opened = int((spans.state == model.OPEN).sum())
        alt = (
            f"Timeline over {BREAKER_S:g} s with an outage from {start} to {end} s ({v['outage']}s). Band: the "
            f"breaker opened {_times(opened, 'time')}, with {_times(len(trials), 'half-open trial call')}. "
            f"Line chart: calls per second reaching the dependency in {BIN_S:g}-second bins, "
            f"{on.dependency_calls:,} calls in all with the breaker against {off.dependency_calls:,} without it."
        )
        return _view.figure_html(self.figure, alt)


def _breaker_table(on: model.BreakerRun, off: model.BreakerRun, v: _view.Values) -> str:
    rows = {
        name: {"calls reaching it": run.dependency_calls, "failed": run.dependency_failures,
               "failed fast": run.failed_fast, "fallback rate": run.fallback_rate,
               "mean latency": run.mean_latency_ms, "p99 latency": run.p99_latency_ms}
        for name, run in (("breaker", on), ("no breaker", off))
    }
    failing = f"{TIMEOUT_MS:,.0f} ms (a timeout)" if v["outage"] == "timeout" else f"{NORMAL_MS:g} ms (an error)"
    caption = (
        f"The same seeded stream of {len(on.requests):,} requests ({BREAKER_RATE:g}/s for {BREAKER_S:g} s) with "
        f"and without a breaker that opens after {v['failure_threshold']} failures in a row. Latency seen by "
        f"callers: {NORMAL_MS:g} ms for a good call, {failing} for a failing one, plus {FALLBACK_MS:g} ms for a "
        "fallback; p99 is the 99th percentile (linear interpolation). Fallback rate: answers from the fallback "
        "(failed fast or failed)."
    )
    formats = {"fallback rate": fixed_percent, "mean latency": _ms, "p99 latency": _ms}
    return _view.table(pd.DataFrame.from_dict(rows, orient="index"), caption, formats=formats, index=True)


def breaker() -> _view.Interactive:
    """A circuit breaker through an outage you place and size, against no breaker on the same requests.

    >>> "half-open" in breaker().view.value
    True
    """
    chart = _BreakerChart()

    def render(v: _view.Values) -> str:
        args = {"rate_per_s": BREAKER_RATE, "duration_s": BREAKER_S, "normal_ms": NORMAL_MS, "timeout_ms": TIMEOUT_MS,
                "fallback_ms": FALLBACK_MS, **v}
        on, off = model.breaker_run(**args), model.breaker_run(**args, use_breaker=False)
        return chart.html(on, off, v) + _BREAKER_LEGEND + _breaker_table(on, off, v)

    return _view.Interactive(render, _view.controls(_BREAKER_CONTROLS), _BREAKER_PRESETS, principal="Outage")


# ---------------------------------------------------------------- bulkhead

BULKHEAD_NORMAL_MS, BULKHEAD_S, MAX_ENDPOINTS = 50.0, 60.0, 6
_BULKHEAD_CONTROLS = {
    "slow_ms": ("FloatLogSlider", "Endpoint 0's dependency (ms)",
                {"base": 10, "min": 1, "max": 4, "step": 0.05, "value": 50.0, "readout_format": ",.3r"}),
    "pool_size": ("IntSlider", "Workers in all", {"min": MAX_ENDPOINTS, "max": 16, "value": 8}),
    "endpoints": ("IntSlider", "Endpoints", {"min": 2, "max": MAX_ENDPOINTS, "value": 4}),
    "rate_per_s": ("IntSlider", "Requests/s per endpoint", {"min": 1, "max": 20, "value": 10}),
    "timeout_ms": ("FloatText", "Timeout (ms)", {"value": 1000.0}),
}
_BULKHEAD_PRESETS = {
    name: {"slow_ms": float(slow), "pool_size": 8, "endpoints": 4, "rate_per_s": 10, "timeout_ms": 1000.0}
    for name, slow in (("Healthy: all at 50 ms", 50), ("Slow: endpoint 0 at 250 ms", 250),
                       ("Very slow: endpoint 0 at 1,000 ms", 1000))
}
_POOL_STYLE = {"shared": (ORANGE, "//"), "isolated": (BLUE, "")}  # colour, hatch
_BULKHEAD_LEGEND = _view.legend([("■", ORANGE, "one shared pool (hatched)"), ("■", BLUE, "a pool per endpoint"),
                                 ("– –", BLACK, "the timeout")])
_P99_TICKS = (10, 100, 1000, 10_000, 100_000, 1_000_000)


class _BulkheadChart:
    """Success rate and p99 per endpoint, a shared pool's bar beside the isolated pools' bar."""

    def __init__(self) -> None:
        self.figure = _view.new_figure(WIDTH_IN, 3.6)
        self.figure.set_layout_engine(None)
        self.rate = _axes(self.figure, 0.85, 2.15, 3.6, 1.25)
        self.p99 = _axes(self.figure, 0.85, 0.5, 3.6, 1.4)
        self.rate.set(ylim=(0, 105), yticks=(0, 50, 100))
        _view.y_label(self.rate, "answered in\ntime (%)", 36)
        self.rate.set_xticks([])
        self.p99.set(yscale="log", ylim=(_P99_TICKS[0], _P99_TICKS[-1] * 3))
        self.p99.yaxis.set_major_locator(FixedLocator(_P99_TICKS))
        self.p99.yaxis.set_major_formatter(FuncFormatter(lambda ms, _p: f"{ms / 1000:g} s" if ms >= 1000
                                                         else f"{ms:g} ms"))
        self.p99.yaxis.set_minor_locator(NullLocator())
        _view.y_label(self.p99, "p99", 44)
        _view.x_label(self.p99, "endpoint (0: the one whose dependency slows)")
        self.bars = {}
        for ax in (self.rate, self.p99):
            ax.grid(True, axis="y", alpha=0.3)
            for k, (pool, (colour, hatch)) in enumerate(_POOL_STYLE.items()):
                xs = np.arange(MAX_ENDPOINTS) + (k - 0.5) * 0.4
                bars = ax.bar(xs, [1] * MAX_ENDPOINTS, width=0.4, color=colour, edgecolor=BLACK, linewidth=0.6)
                for bar in bars:
                    bar.set_hatch(hatch)
                self.bars[ax, pool] = bars.patches
        self.timeout = self.p99.axhline(1000, color=BLACK, linestyle="--", linewidth=1)

    def html(self, table: pd.DataFrame, v: _view.Values) -> str:
        n = v["endpoints"]
        for ax in (self.rate, self.p99):
            ax.set_xlim(-0.6, n - 0.4)
        self.p99.set_xticks(range(n), [f"{e}" for e in range(n)])
        for pool in _POOL_STYLE:
            rows = table.loc[pool]
            for column, ax, scale in (("success_rate", self.rate, 100), ("p99_ms", self.p99, 1)):
                for e, bar in enumerate(self.bars[ax, pool]):
                    bar.set_visible(e < n)
                    if e < n:
                        bar.set_height(max(scale * rows[column].iloc[e], 1e-9))
        self.timeout.set_ydata([v["timeout_ms"]] * 2)
        others = {pool: table.loc[pool].iloc[1:] for pool in _POOL_STYLE}
        alt = (
            f"Grouped bars for {n} endpoints, one shared pool of {v['pool_size']} workers against a pool each, "
            f"endpoint 0's dependency at {v['slow_ms']:,.0f} ms, the others' at {BULKHEAD_NORMAL_MS:g} ms. "
            "The other endpoints answered in time: "
            + ", ".join(f"{pool} {fixed_percent(o.success_rate.min())} to {fixed_percent(o.success_rate.max())}" for pool, o in
                        others.items())
            + "; their p99: " + ", ".join(f"{pool} up to {_ms(o.p99_ms.max())}" for pool, o in others.items())
            + f". Endpoint 0 answered in time: shared {fixed_percent(table.loc['shared'].success_rate.iloc[0])}, "
            f"isolated {fixed_percent(table.loc['isolated'].success_rate.iloc[0])}."
        )
        return _view.figure_html(self.figure, alt)


def _bulkhead_table(table: pd.DataFrame, v: _view.Values) -> str:
    shown = pd.DataFrame({
        f"{pool}: {label}": table.loc[pool][column].to_numpy()
        for pool in _POOL_STYLE for column, label in (("success_rate", "in time"), ("p99_ms", "p99"))
    }, index=[f"{e} ({v['slow_ms'] if e == 0 else BULKHEAD_NORMAL_MS:,.0f} ms)" for e in range(v["endpoints"])])
    each = v["pool_size"] // v["endpoints"]
    caption = (
        f"Per endpoint: the share answered within {number_text(v['timeout_ms'])} ms, and the p99 response time "
        f"(99th percentile, ms). {v['rate_per_s']} Poisson requests/s per endpoint for {BULKHEAD_S:g} s, "
        f"exponential service times of mean {BULKHEAD_NORMAL_MS:g} ms ({v['slow_ms']:,.0f} ms for endpoint 0). "
        f"Shared: one first-come, first-served pool of {v['pool_size']} workers; isolated: {_times(each, 'worker')} "
        f"each{' (the rest idle)' if v['pool_size'] % v['endpoints'] else ''}. "
        "Same seeded traffic in both."
    )
    formats = [fixed_percent, _ms, fixed_percent, _ms]
    return _view.table(shown, caption, formats=formats, index=True)


def bulkheads() -> _view.Interactive:
    """One shared worker pool against a pool per endpoint when one endpoint's dependency slows.

    >>> "0 (50 ms)" in bulkheads().view.value
    True
    """
    chart = _BulkheadChart()

    def render(v: _view.Values) -> str:
        table = model.bulkhead_table(v["pool_size"], v["endpoints"], rate_per_s=v["rate_per_s"],
                                     normal_ms=BULKHEAD_NORMAL_MS, slow_ms=v["slow_ms"], timeout_ms=v["timeout_ms"],
                                     duration_s=BULKHEAD_S)
        return chart.html(table, v) + _BULKHEAD_LEGEND + _bulkhead_table(table, v)

    return _view.Interactive(render, _view.controls(_BULKHEAD_CONTROLS), _BULKHEAD_PRESETS, principal="Dependency")


# ---------------------------------------------------------------- retry amplification

P_LINE = np.linspace(0, 1, 101)
P_DOTS = (0.2, 0.5, 0.7, 0.8, 0.9, 1.0)
SIM_CALLS = 1000
_AMPLIFICATION_CONTROLS = {
    "layers": ("IntSlider", "Layers", {"min": 1, "max": 5, "value": 3}),
    "retries": ("IntSlider", "Retries per layer", {"min": 0, "max": 3, "value": 3}),
    "budget": ("FloatSlider", "Retry budget", {"min": 0, "max": 1, "step": 0.05, "value": 0.1,
                                               "readout_format": ".2f"}),
}
_AMPLIFICATION_PRESETS = {
    "3 layers, 3 retries": {"layers": 3, "retries": 3, "budget": 0.1},
    "5 layers, 2 retries": {"layers": 5, "retries": 2, "budget": 0.1},
    "1 layer, 3 retries": {"layers": 1, "retries": 3, "budget": 0.1},
}
_AMPLIFICATION_LEGEND = _view.legend([
    ("—●—", BLUE, "no budget: closed form (line), simulated (dots)"),
    ("–■–", ORANGE, "with the budget, simulated"),
    ("···", BLACK, "worst case (1 + k)ᴸ"), ("—", VERMILLION, "the budget's ceiling (1 + min(b, k))ᴸ"),
])


class _AmplificationChart:
    """Calls at the deepest dependency per user request against the failure probability (log y)."""

    def __init__(self) -> None:
        self.figure, ax = _view.fixed_axes(WIDTH_IN, 2.9, margins=(0.7, 0.5, 0.15, 0.1), axis=True)
        self.ax = ax
        ax.tick_params(labelsize=SMALL_PT)
        ax.set(xlim=(0, 1.02), yscale="log")
        _view.Ticks(ax, "x", (0, 0.25, 0.5, 0.75, 1), ["0", "0.25", "0.5", "0.75", "1"], grid=False)
        self.y_ticks = _view.Ticks(ax, "y", slots=12)
        _view.x_label(ax, "failure probability of each call to the deepest dependency")
        _view.y_label(ax, "calls at the deepest\ndependency per request", 36)
        (self.line,) = ax.plot([], [], color=BLUE, linewidth=1.6)
        (self.dots,) = ax.plot([], [], "o", color=BLUE, markersize=5)
        (self.budget,) = ax.plot([], [], "s--", color=ORANGE, markersize=5)
        self.worst = ax.axhline(1, color=BLACK, linestyle=":", linewidth=1.3)
        self.ceiling = ax.axhline(1, color=VERMILLION, linewidth=1.2)
        self.worst_text = ax.text(0.02, 1, "", va="bottom", fontsize=SMALL_PT)
        self.ceiling_text = ax.text(1.0, 1, "", va="top", ha="right", fontsize=SMALL_PT)

    def html(self, line: list[float], points: pd.DataFrame, bound: model.Amplification, v: _view.Values) -> str:
        self.line.set_data(P_LINE, line)
        self.dots.set_data(points.index, points["simulated"])
        self.budget.set_data(points.index, points["with budget"])
        self.worst.set_ydata([bound.worst] * 2)
        self.ceiling.set_ydata([bound.ceiling] * 2)
        _log_limits(self.ax, self.y_ticks, 0.8, max(bound.worst, 2) * 2.5)
        self.worst_text.set(y=bound.worst * 1.06, text=f"worst {number_text(bound.worst)}")
        self.ceiling_text.set(y=bound.ceiling / 1.06, text=f"budget ceiling {bound.ceiling:.3g}")
        alt = (
            f"Log-scale chart of the calls reaching the deepest dependency per user request against the failure "
            f"probability, for {_times(v['layers'], 'layer')} retrying {_times(v['retries'], 'time')} each. "
            f"Without a budget the closed form rises from 1 to the worst case {number_text(bound.worst)} at "
            f"probability 1; the simulated dots lie on it. With a retry budget of {number_text(v['budget'])} the "
            f"simulated load stays at most {points['with budget'].max():.3g}, under the ceiling {bound.ceiling:.3g}."
        )
        return _view.figure_html(self.figure, alt)


def amplification() -> _view.Interactive:
    """Retries at every layer multiply the load on the deepest dependency; a retry budget bounds it.

    >>> "budget" in amplification().view.value
    True
    """
    chart = _AmplificationChart()

    def render(v: _view.Values) -> str:
        line = [model.retry_amplification(v["layers"], v["retries"], p).expected for p in P_LINE]
        points = model.amplification_points(v["layers"], v["retries"], P_DOTS, budget=v["budget"], calls=SIM_CALLS)
        bound = model.retry_amplification(v["layers"], v["retries"], 1.0, budget=v["budget"])
        caption = (
            f"Calls reaching the deepest dependency per user request, {_times(v['layers'], 'layer')}, each making "
            f"up to {_times(v['retries'], 'retry', 'retries')} ({v['retries'] + 1} attempts), every call to the "
            f"deepest dependency failing independently. Worst case (1 + k)ᴸ = {number_text(bound.worst)}; with a "
            f"budget of {number_text(v['budget'])} retries per request received, at most {bound.ceiling:.4g}. "
            f"Simulations are seeded; each runs about {SIM_CALLS:,} deepest calls (the requests columns), so few "
            "requests where retries pile up."
        )
        formats = {"requests": "{:,.0f}".format, "requests with budget": "{:,.0f}".format}
        table = points.rename(columns={"expected": "closed form"}).rename_axis("failure probability").reset_index()
        return (chart.html(line, points, bound, v) + _AMPLIFICATION_LEGEND
                + _view.table(table, caption, formats=formats | {"failure probability": "{:g}".format}))

    return _view.Interactive(render, _view.controls(_AMPLIFICATION_CONTROLS), _AMPLIFICATION_PRESETS,
                             principal="Layers")
