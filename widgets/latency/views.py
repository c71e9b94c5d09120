"""Latency's views: the tail at scale (:func:`fanout`), hedged requests (:func:`hedged_requests`, so named
because ``latency.hedging`` is the model's function), the queueing hockey stick with load shedding
(:func:`queueing`) and the latency-numbers ladder (:func:`ladder`).

Each interactive is declared as data (its controls and presets), a chart class that builds its figure
once and updates its artists, and a ``render`` that formats what :mod:`.model` computed.
"""

from __future__ import annotations

import functools
import html
import math
from typing import Any

import ipywidgets as w
import numpy as np
import pandas as pd
from matplotlib.ticker import NullLocator

from widgets import _view
from widgets._view.tables import number_text, percent

from . import model

BLUE, ORANGE, GREEN, VERMILLION, PURPLE, SKY, YELLOW, BLACK = _view.PALETTE
WIDTH_IN, SMALL_PT = _view.FIGURE_WIDTH_IN, _view.MIN_FONT_PT


def _percent(fraction: float) -> str:
    """A probability as a percentage (:func:`percent`), but never "100%" while some requests are still fast."""
    return "> 99.5%" if 0.995 <= fraction < 1 else percent(fraction)


def _rough_percent(fraction: float) -> str:
    """A percentage to one significant digit below 10% (0.09%, 2%), whole from 10% (25%): for tick labels."""
    value = 100 * fraction
    return f"{value:.0f}%" if value >= 9.5 else f"{value:.1g}%"


def _one_in(fraction: float) -> str:
    """A small probability as "1 in N", N with thousands commas and three significant digits at most."""
    if fraction <= 0:
        return "never"
    n = 1 / fraction
    digits = max(0, math.floor(math.log10(n)) - 2) if n >= 1 else 0
    return f"1 in {round(n, -digits):,.0f}"


def _quantile_name(fast: float) -> str:
    """A per-server fast probability as the percentile it names: 0.9999 -> "p99.99" (slow part to 2 digits)."""
    slow = 1 - fast
    if slow <= 0:
        return "p100"
    decimals = max(0, math.floor(-math.log10(slow)))
    text = f"{100 * fast:.{decimals}f}"
    return "p" + (text.rstrip("0").rstrip(".") if "." in text else text)


# ---------------------------------------------------------------- the tail at scale

FANOUT_MAX = 10_000
_FANOUTS = np.unique(np.round(np.logspace(0, 4, 49)).astype(int))
_TABLE_FANOUTS = (1, 10, 100, 1_000, 10_000)
_SLOW_OPTIONS = [(_one_in(1 - p), p) for p in (0.9, 0.99, 0.999, 0.9999, 0.99999)]
#: The two reference curves (Dean & Barroso's two examples): per-server fast probability -> style.
_REFERENCES = {0.99: (ORANGE, "--", "–"), 0.9999: (GREEN, ":", "·")}

_FANOUT_CONTROLS: dict[str, tuple[str, str, dict[str, Any]]] = {
    "per_server_fast_probability": ("Dropdown", "Each server slow", {"options": _SLOW_OPTIONS, "value": 0.99}),
    "fanout": ("BoundedIntText", "Fan-out (servers)", {"min": 1, "max": FANOUT_MAX, "value": 100}),
    "target_slow_probability": ("FloatText", "Target slow fraction", {"value": 0.01}),
}
_FANOUT_PRESETS = {
    name: {"per_server_fast_probability": p, "fanout": n, "target_slow_probability": 0.01}
    for name, p, n in (("1 slow in 100, fan-out 100", 0.99, 100), ("1 slow in 10,000, fan-out 2,000", 0.9999, 2000),
                       ("1 slow in 1,000, fan-out 10", 0.999, 10))
}


class _FanoutChart:
    """P(a request is slow) against fan-out (log x): the chosen per-server slowness, two references, the target."""

    def __init__(self) -> None:
        self.figure, ax = _view.fixed_axes(WIDTH_IN, 2.9, margins=(0.78, 0.5, 0.3, 0.12), axis=True)
        self.ax = ax
        _view.log_x(ax, [1, 10, 100, 1_000, 10_000])
        ax.set_xticklabels(["1", "10", "100", "1,000", "10,000"])
        ax.set(xlim=(1, FANOUT_MAX), ylim=(0, 1.02))
        ax.set_xlabel("fan-out (servers a request waits for)", fontsize=SMALL_PT)
        ax.set_ylabel("requests that are slow", fontsize=SMALL_PT)
        ax.set_yticks([0, 0.25, 0.5, 0.75, 1], ["0%", "25%", "50%", "75%", "100%"])
        ax.tick_params(labelsize=SMALL_PT)
        ax.grid(True, alpha=0.3)
        self.references = {
            p: ax.plot(_FANOUTS, [model.fanout_slow_probability(int(n), p) for n in _FANOUTS], color=colour,
                       linestyle=style, linewidth=1.5)[0]
            for p, (colour, style, _) in _REFERENCES.items()
        }
        self.target = ax.axhline(0.01, color=_view.GREY, linestyle="-.", linewidth=1)
        self.target_label = ax.text(0.9 * FANOUT_MAX, 0.01, "", ha="right", va="bottom", fontsize=SMALL_PT,
                                    color="#333333")
        (self.chosen,) = ax.plot([], [], color=BLUE, linewidth=2.5)
        (self.here,) = ax.plot([], [], "o", color=BLUE, markersize=8, markeredgecolor=BLACK, clip_on=False, zorder=5)
        self.here_label = ax.annotate("", (1, 0), xytext=(0, 0), textcoords="offset points", fontsize=SMALL_PT,
                                      fontweight="bold", va="center")

    def html(self, p: float, fanout: int, slow: float, target: float) -> str:
        self.chosen.set_data(_FANOUTS, [model.fanout_slow_probability(int(n), p) for n in _FANOUTS])
        for reference, line in self.references.items():
            line.set_visible(reference != p)
        self.target.set_ydata([target] * 2)
        self.target_label.set_y(target)
        self.target_label.set_text(f"target {_percent(target)}")
        self.here.set_data([fanout], [slow])
        # The label sits left of the point on the right half, right of it on the left half; above or below the line.
        left = fanout > 300
        self.here_label.xy = (fanout, slow)
        self.here_label.set_position((-10 if left else 10, -12 if slow > 0.85 else 10))
        self.here_label.set_ha("right" if left else "left")
        self.here_label.set_text(f"{_percent(slow)} slow")
        references = " and ".join(f"{_one_in(1 - ref)} ({'dashed' if style == '--' else 'dotted'})"
                                  for ref, (_, style, _) in _REFERENCES.items() if ref != p)
        alt = (
            f"Line chart of the share of requests that are slow against fan-out from 1 to 10,000 servers (log "
            f"scale), for servers each slow {_one_in(1 - p)} (thick solid line), with reference curves for "
            f"{references} and the target {_percent(target)} (dash-dot line). Marked: fan-out {fanout:,}, "
            f"{_percent(slow)} of requests slow."
        )
        return _view.figure_html(self.figure, alt)


def _fanout_legend(p: float) -> str:
    items = [("—●—", BLUE, f"each server slow {_one_in(1 - p)} (this setting)")]
    items += [(symbol, colour, f"each server slow {_one_in(1 - ref)}")
              for ref, (colour, _, symbol) in _REFERENCES.items() if ref != p]
    return _view.legend([*items, ("–·", _view.GREY, "target slow fraction")])


def _fanout_table(p: float, fanout: int, target: float) -> str:
    rows = []
    for n in sorted({*_TABLE_FANOUTS, fanout}):
        need = model.required_server_fast_probability(n, target)
        rows.append({
            "fan-out": f"{n:,}" + (" (chosen)" if n == fanout else ""),
            "requests slow": _percent(model.fanout_slow_probability(n, p)),
            "each server must be fast at": f"{_quantile_name(need)} (slow {_one_in(1 - need)})",
        })
    caption = (
        f"Servers each slow {_one_in(1 - p)}, independently; a request is slow if any server it waits for is. "
        f"Last column: the per-server percentile that keeps slow requests to {_percent(target)} "
        "(Dean & Barroso, “The Tail at Scale”, 2013)."
    )
    return _view.table(pd.DataFrame(rows), caption, formats=[str] * 3)


def fanout() -> _view.Interactive:
    """The tail at scale: the share of slow requests against fan-out, and the per-server percentile a target needs.

    >>> "63%" in fanout().view.value
    True
    """
    chart = _FanoutChart()

    def render(v: _view.Values) -> str:
        p, n = v["per_server_fast_probability"], v["fanout"]
        table = _fanout_table(p, n, v["target_slow_probability"])  # the model checks the target here
        slow = model.fanout_slow_probability(n, p)
        return chart.html(p, n, slow, v["target_slow_probability"]) + _fanout_legend(p) + table

    return _view.Interactive(render, _view.controls(_FANOUT_CONTROLS), _FANOUT_PRESETS, principal="Scenario")


# ---------------------------------------------------------------- hedged requests

HEDGE_REQUESTS = 20_000
HEDGE_QUANTILES = (0.999, 0.99, 0.98, 0.95, 0.9, 0.75, 0.5)
_HEDGE_STYLE = {  # request-latency percentile column -> colour, line style, marker, legend symbol
    "p50_ms": (BLUE, "-", "o", "—●—"),
    "p95_ms": (ORANGE, "--", "s", "–■–"),
    "p99_ms": (GREEN, ":", "^", "·▲·"),
    "p99.9_ms": (VERMILLION, "-.", "D", "–◆–"),
}
_HEDGE_CONTROLS: dict[str, tuple[str, str, dict[str, Any]]] = {
    "hedge_quantile": ("Dropdown", "Hedge at",
                       {"options": [(_quantile_name(q), q) for q in sorted(HEDGE_QUANTILES)], "value": 0.95}),
    "stall_probability": ("FloatSlider", "Stalling (fraction)",
                          {"min": 0, "max": 0.05, "step": 0.001, "value": 0.01, "readout_format": ".3f"}),
    "stall_ms": ("FloatText", "Stall (ms)", {"value": 1000.0}),
}
_HEDGE_PRESETS = {
    name: {"hedge_quantile": q, "stall_probability": stall, "stall_ms": 1000.0}
    for name, q, stall in (("Hedge at p95 (the paper's rule)", 0.95, 0.01), ("Hedge at p99: too late", 0.99, 0.01),
                           ("Hedge at p50: half as many again", 0.5, 0.01), ("Hedge at p95, no stalls", 0.95, 0.0))
}
_HEDGE_LEGEND = _view.legend([*[(symbol, colour, column.removesuffix("_ms") + " request latency")
                                for column, (colour, _, _, symbol) in _HEDGE_STYLE.items()],
                              ("■", "#dddddd", "shaded: this setting's hedge")])
_LOG_MS_TICKS = (1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000)


class _HedgingChart:
    """Request-latency percentiles (log y) for no hedging and each hedge point, by the extra load it costs."""

    def __init__(self) -> None:
        self.figure, ax = _view.fixed_axes(WIDTH_IN, 3.1, margins=(0.72, 0.62, 0.12, 0.12), axis=True)
        self.ax = ax
        self.x = np.arange(len(HEDGE_QUANTILES) + 1)
        ax.set(yscale="log", xlim=(-0.4, self.x[-1] + 0.4))
        ax.yaxis.set_minor_locator(NullLocator())
        ax.set_ylabel("request latency (ms)", fontsize=SMALL_PT)
        ax.set_xlabel("hedge sent at (service-time percentile), extra load", fontsize=SMALL_PT)
        ax.tick_params(labelsize=SMALL_PT)
        ax.tick_params(axis="x", bottom=False)  # categories: no tick marks to draw
        ax.grid(True, axis="y", alpha=0.3)
        self.band = ax.axvspan(-0.3, 0.3, color="#dddddd", zorder=0)
        # A hedge at the q-th percentile of the service time re-sends the 1 - q of requests slower than it.
        labels = [f"{_quantile_name(q)}\n+{_rough_percent(1 - q)}" for q in HEDGE_QUANTILES]
        ax.set_xticks(self.x, ["none\n+0%", *labels])
        self.top = 0.0
        self.lines = {
            column: ax.plot([], [], color=colour, linestyle=style, marker=marker, markersize=5)[0]
            for column, (colour, style, marker, _) in _HEDGE_STYLE.items()
        }

    def html(self, curve: pd.DataFrame, chosen: int, alt: str) -> str:
        ordered = curve.iloc[[len(HEDGE_QUANTILES), *range(len(HEDGE_QUANTILES))]]  # no hedging first
        for column, line in self.lines.items():
            line.set_data(self.x, ordered[column])
        top = max(2_000.0, 2 * float(ordered[list(_HEDGE_STYLE)].to_numpy().max()))
        if top != self.top:  # new ticks only when the range changes
            self.top = top
            self.ax.set_ylim(1, top)
            self.ax.set_yticks([t for t in _LOG_MS_TICKS if t <= top], [f"{t:,}" for t in _LOG_MS_TICKS if t <= top])
        x = chosen + 1
        self.band.set_x(x - 0.3)
        return _view.figure_html(self.figure, alt)


def _hedge_table(curve: pd.DataFrame, chosen: int) -> pd.DataFrame:
    without, with_ = curve.iloc[-1], curve.iloc[chosen]
    rows = [{"": f"p{100 * p:g}", "without hedging": without[f"p{100 * p:g}_ms"], "hedged": with_[f"p{100 * p:g}_ms"]}
            for p in model.PERCENTILES]
    return pd.DataFrame(rows).set_index("")


def _hedge_texts(service: model.ServiceTime, curve: pd.DataFrame, chosen: int,
                 table: pd.DataFrame) -> tuple[str, str, str]:
    """The summary line, the table's caption and the chart's alt text."""
    row, name = curve.iloc[chosen], _quantile_name(HEDGE_QUANTILES[chosen])
    summary = (f"Hedging at {name} ({row['hedge_delay_ms']:,.1f} ms) sends {_percent(row['extra_load'])} more "
               f"requests and takes p99.9 from {table.iloc[-1, 0]:,.0f} ms to {table.iloc[-1, 1]:,.0f} ms.")
    caption = (
        f"Request latency percentiles (ms) over {HEDGE_REQUESTS:,} seeded requests, fan-out 1. Service time: "
        f"lognormal with median {service.median_ms:g} ms and σ {service.sigma:g}, plus a stall of "
        f"{number_text(service.stall_ms)} ms for {_percent(service.stall_probability)} of requests. A hedge is "
        "a second copy sent if the first has not answered by the hedge delay; the earlier answer wins. "
        "For comparison, Dean & Barroso (2013) report for Bigtable: hedging after 10 ms cut p99.9 from "
        "1,800 ms to 74 ms for 2% more requests."
    )
    alt = (
        "Chart of request latency p50, p95, p99 and p99.9 in ms (log scale) with no hedging and with a hedge "
        "at p99.9, p99, p98, p95, p90, p75 and p50 of the service time, each labelled with the extra load it "
        f"costs; the chosen hedge, {name}, is shaded. {summary}"
    )
    return summary, caption, alt


def hedged_requests() -> _view.Interactive:
    """Hedged requests: tail latency without and with a second copy, against the extra load it costs.

    >>> "p99.9" in hedged_requests().view.value
    True
    """
    chart = _HedgingChart()
    ms = "{:,.1f} ms".format

    def render(v: _view.Values) -> str:
        service = model.ServiceTime(stall_probability=v["stall_probability"], stall_ms=v["stall_ms"])
        curve = model.hedging_curve(HEDGE_QUANTILES, n_requests=HEDGE_REQUESTS, service=service)
        chosen = HEDGE_QUANTILES.index(v["hedge_quantile"])
        table = _hedge_table(curve, chosen)
        summary, caption, alt = _hedge_texts(service, curve, chosen, table)
        return (chart.html(curve, chosen, alt) + _HEDGE_LEGEND + f"<p>{html.escape(summary)}</p>"
                + _view.table(table, caption, formats=[ms, ms], index=True))

    return _view.Interactive(render, _view.controls(_HEDGE_CONTROLS), _HEDGE_PRESETS, principal="Hedge")


# ---------------------------------------------------------------- the queueing hockey stick

_UTILIZATIONS = tuple(float(u) for u in np.round(np.linspace(0.02, 0.99, 50), 4))
Y_MAX = 30  # the chart's y axis, in mean service times: the hockey stick leaves through the top
NO_LIMIT = "none"
_QUEUE_STYLE = {  # line -> colour, line style, marker, legend symbol, label
    "mean_response": (BLUE, "-", "o", "—●—", "mean response time, unbounded queue"),
    "p99_response": (ORANGE, "--", "s", "–■–", "p99 response time, unbounded queue"),
    "shed": (GREEN, ":", "^", "·▲·", "mean response time with a queue limit (shedding)"),
}
_QUEUE_CONTROLS: dict[str, tuple[str, str, dict[str, Any]]] = {
    "servers": ("Dropdown", "Servers", {"options": _view.counted(1, 2, 4, 8, 16, 32, 64), "value": 1}),
    "utilization": ("FloatSlider", "Utilisation (fraction)", {"min": 0.05, "max": 0.99, "step": 0.01, "value": 0.7}),
    "service_rate": ("FloatText", "Service rate (req/s per server)", {"value": 100.0}),
    "queue_limit": ("Dropdown", "Queue limit (shed beyond)",
                    {"options": [("none (unbounded queue)", NO_LIMIT), *_view.counted(0, 1, 2, 5, 10, 20, 50, 100)],
                     "value": NO_LIMIT}),
}
_QUEUE_PRESETS = {
    name: {"servers": c, "utilization": u, "service_rate": 100.0, "queue_limit": k}
    for name, c, u, k in (("1 server at 70%", 1, 0.7, NO_LIMIT), ("1 server at 95%", 1, 0.95, NO_LIMIT),
                          ("8 servers at 95%", 8, 0.95, NO_LIMIT),
                          ("1 server at 95%, shedding beyond 10 queued", 1, 0.95, 10))
}


class _QueueChart:
    """Mean and p99 response time (in mean service times) against utilisation, and with a queue limit."""

    def __init__(self) -> None:
        self.figure, ax = _view.fixed_axes(WIDTH_IN, 3.0, margins=(0.62, 0.5, 0.25, 0.12), axis=True)
        self.ax = ax
        ax.set(xlim=(0, 1), ylim=(0, Y_MAX))
        ax.set_xticks([0, 0.25, 0.5, 0.75, 1], ["0%", "25%", "50%", "75%", "100%"])  # few, plain: cheap to draw
        ax.set_yticks(range(0, Y_MAX + 1, 10), [f"{t}" for t in range(0, Y_MAX + 1, 10)])
        ax.set_xlabel("utilisation (offered load per server)", fontsize=SMALL_PT)
        ax.set_ylabel("response time (× service time)", fontsize=SMALL_PT)
        ax.tick_params(labelsize=SMALL_PT)
        ax.grid(True, alpha=0.3)
        ax.axvspan(0.6, 0.7, color="#e4e4e4", zorder=0)
        ax.text(0.65, Y_MAX * 0.97, "plans\ntarget\n60–70%", ha="center", va="top", fontsize=SMALL_PT,
                color="#333333", linespacing=1.1)
        self.lines, self.points = {}, {}
        for name, (colour, style, marker, _, _) in _QUEUE_STYLE.items():
            (self.lines[name],) = ax.plot([], [], color=colour, linestyle=style, marker=marker, markersize=4,
                                          markevery=7, linewidth=2)
            (self.points[name],) = ax.plot([], [], marker=marker, color=colour, markersize=9, markeredgecolor=BLACK,
                                           linestyle="none", clip_on=False, zorder=5)
        self.note = ax.text(0.03, 0.96, "", transform=ax.transAxes, ha="left", va="top", fontsize=SMALL_PT,
                            bbox={"facecolor": "white", "edgecolor": "#999999", "alpha": 0.9, "pad": 2})

    def html(self, curves: dict[str, np.ndarray], point: dict[str, float], utilization: float, alt: str) -> str:
        notes = []
        for name, line in self.lines.items():
            ys = curves.get(name)
            line.set_data(([], []) if ys is None else (_UTILIZATIONS, np.minimum(ys, 10 * Y_MAX)))
            y = point.get(name)
            self.points[name].set_data([] if y is None else [utilization], [] if y is None else [min(y, Y_MAX)])
            if y is not None and y > Y_MAX:
                notes.append(f"{name.split('_')[0].replace('shed', 'shedding')}: {y:,.0f}× (off the chart)")
        self.note.set_text("\n".join(notes))
        self.note.set_visible(bool(notes))
        return _view.figure_html(self.figure, alt)


def _queue_rows(v: _view.Values) -> tuple[dict[str, np.ndarray], dict[str, float], pd.DataFrame]:
    """The curves (in mean service times), the chosen point on each, and the table of the chosen point."""
    mu, c, limit = v["service_rate"], v["servers"], v["queue_limit"]
    curve = model.load_curve(mu, c, _UTILIZATIONS)
    here = model.load_curve(mu, c, (v["utilization"],)).iloc[0]
    curves = {name: mu * curve[name].to_numpy() for name in ("mean_response", "p99_response")}
    point = {name: mu * here[name] for name in ("mean_response", "p99_response")}
    ms = "{:,.1f} ms".format
    table = {"unbounded queue": [f"{here['arrival_rate']:,.1f} req/s", _percent(here["wait_probability"]),
                                 ms(1e3 * here["mean_response"]), ms(1e3 * here["p99_response"]), "0%",
                                 f"{here['arrival_rate']:,.1f} req/s"]}
    if limit != NO_LIMIT:
        curves["shed"] = np.array([mu * model.shed(lam, mu, c, limit).response_time for lam in curve["arrival_rate"]])
        shed = model.shed(here["arrival_rate"], mu, c, limit)
        point["shed"] = mu * shed.response_time
        table[f"queue limit {limit:,}"] = [
            f"{shed.arrival_rate:,.1f} req/s", "–", ms(1e3 * shed.response_time), "not computed",
            _percent(shed.blocking_probability), f"{shed.throughput:,.1f} req/s"]
    index = ["Arrivals", "Chance of waiting (Erlang C)", "Mean response time", "p99 response time",
             "Requests shed", "Served"]
    return curves, point, pd.DataFrame(table, index=index)


def _queue_texts(v: _view.Values, point: dict[str, float], table: pd.DataFrame) -> tuple[str, str]:
    """The chart's alt text and the table's caption."""
    c, u, mu = v["servers"], v["utilization"], v["service_rate"]
    shedding = "" if v["queue_limit"] == NO_LIMIT else (
        f" With at most {v['queue_limit']:,} queued, the mean is {point['shed']:.1f}× and "
        f"{table.iloc[4, 1]} of requests are shed.")
    alt = (
        f"Chart of M/M/{c} response time, in multiples of the mean service time (0 to {Y_MAX}), against "
        f"utilisation from 0 to 100%, rising slowly, then steeply near 100%; 60 to 70% is shaded. Marked at "
        f"{u:.0%}: mean {point['mean_response']:.1f}×, p99 {point['p99_response']:.1f}×.{shedding}"
    )
    caption = (
        f"M/M/{c} (Poisson arrivals, exponential service times, first come first served) at {u:.0%} "
        f"utilisation, each server serving {number_text(mu)} req/s (mean service time "
        f"{number_text(1e3 / mu)} ms). Response time = wait + service. With a queue limit (M/M/{c}/K), an "
        "arrival that finds the queue full is shed at once; its mean is over the requests served."
    )
    return alt, caption


def queueing() -> _view.Interactive:
    """The queueing hockey stick: M/M/c response time against utilisation, and what a queue limit buys.

    >>> "Erlang C" in queueing().view.value
    True
    """
    chart = _QueueChart()

    def render(v: _view.Values) -> str:
        curves, point, table = _queue_rows(v)
        alt, caption = _queue_texts(v, point, table)
        legend = _view.legend([(symbol, colour, label) for name, (colour, _, _, symbol, label) in _QUEUE_STYLE.items()
                               if name in curves])
        shown = _view.table(table, caption, formats=[str] * table.shape[1], index=True)
        return chart.html(curves, point, v["utilization"], alt) + legend + shown

    return _view.Interactive(render, _view.controls(_QUEUE_CONTROLS), _QUEUE_PRESETS, principal="System")


# ---------------------------------------------------------------- the latency-numbers ladder

#: Chart labels short enough for a phone; the table under the chart gives each name as the lists print it.
SHORT_NAMES = {
    "L1 cache reference": "L1 cache",
    "Branch mispredict": "Branch mispredict",
    "L2 cache reference": "L2 cache",
    "Mutex lock/unlock": "Mutex lock/unlock",
    "Main memory reference": "Main memory",
    "Compress 1K bytes with Zippy": "Zippy 1K",
    "Send 1K bytes over 1 Gbps network": "Send 1K, 1 Gbps",
    "Send 2K bytes over 1 Gbps network": "Send 2K, 1 Gbps",
    "Read 4K randomly from SSD": "SSD 4K random",
    "Read 1 MB sequentially from memory": "Memory 1 MB",
    "Round trip within same datacenter": "DC round trip",
    "Read 1 MB sequentially from SSD": "SSD 1 MB",
    "Disk seek": "Disk seek",
    "Read 1 MB sequentially from disk": "Disk 1 MB",
    "Send packet CA->Netherlands->CA": "CA→NL→CA",
}
_LISTED = {  # which lists print an entry -> colour, hatch, legend symbol, label
    "Dean 2009, Bonér 2012": (BLUE, "", "■", "in both lists"),
    "Bonér 2012": (ORANGE, "///", "■", "2012 list only (hatched ///)"),
    "Dean 2009": (VERMILLION, "xx", "■", "2009 list only (hatched ×××)"),
}
_NS_TICKS = {1: "1 ns", 1e3: "1 µs", 1e6: "1 ms", 1e9: "1 s"}
_HUMAN_TICKS = {1: "1 s", 60: "1 min", 3_600: "1 h", 86_400: "1 day", 365.25 * 86_400: "1 year"}
_LADDER_SOURCES = (
    "Sources: Jeff Dean, “Designs, Lessons and Advice from Building Large Distributed Systems”, LADIS 2009 "
    "keynote; Jonas Bonér, “Latency Numbers Every Programmer Should Know” (gist, 2012), which adds the 1K "
    "network send and the SSD reads and drops the 2K send. Figures for the hardware of their day: orders of "
    "magnitude, not measurements of your system. Decimal units: 1 µs = 1,000 ns, 1 ms = 1,000,000 ns; a year is "
    "365.25 days."
)


def _ns_text(ns: float) -> str:
    """A latency in the largest unit that keeps it >= 1: 0.5 ns, 100 ns, 10 µs, 150 ms."""
    for size, unit in ((1e9, "s"), (1e6, "ms"), (1e3, "µs")):
        if ns >= size:
            return f"{number_text(ns / size)} {unit}"
    return f"{number_text(ns)} ns"


class _LadderChart:
    """Horizontal bars on a log scale, shortest at the top, each labelled with its value."""

    def __init__(self, table: pd.DataFrame) -> None:
        n = len(table)
        self.figure, ax = _view.fixed_axes(WIDTH_IN, 0.22 * n + 0.75, margins=(1.32, 0.45, 0.12, 0.1), axis=True)
        self.ax = ax
        ax.set(xscale="log", ylim=(n - 0.4, -0.6))
        ax.set_yticks(range(n), [SHORT_NAMES[name] for name in table["operation"]])
        ax.tick_params(labelsize=SMALL_PT)
        ax.xaxis.set_minor_locator(NullLocator())
        ax.grid(True, axis="x", alpha=0.3)
        for y, (ns, lists) in enumerate(zip(table["ns"], table["lists"])):
            colour, hatch, _, _ = _LISTED[lists]
            ax.barh(y, ns - 0.1, left=0.1, height=0.7, color=colour, hatch=hatch, edgecolor=BLACK, linewidth=0.6)
        self.values = [ax.text(ns * 1.4, y, "", va="center", fontsize=SMALL_PT) for y, ns in enumerate(table["ns"])]

    def html(self, ticks: dict[float, str], labels: list[str], xlabel: str, alt: str) -> str:
        self.ax.set_xticks(list(ticks), list(ticks.values()))
        self.ax.set_xlim(0.1, 3e11)
        self.ax.set_xlabel(xlabel, fontsize=SMALL_PT)
        for text, label in zip(self.values, labels):
            text.set_text(label)
        return _view.figure_html(self.figure, alt)


@functools.cache
def _ladder_views() -> tuple[str, str, str]:
    """The ladder in nanoseconds, in human time, and the table under both (computed once: they never change)."""
    table = model.latency_table()
    chart = _LadderChart(table)
    entries = "; ".join(f"{name}: {_ns_text(ns)}, {human}"
                        for name, ns, human in zip(table["operation"], table["ns"], table["human_time"]))
    differ = ("Bars hatched /// are only in the 2012 list (the SSD reads and the 1K send), the bar hatched ××× "
              "only in the 2009 list (the 2K send).")
    legend = _view.legend([(symbol, colour, label) for colour, _, symbol, label in _LISTED.values()])
    ns_view = chart.html(_NS_TICKS, [_ns_text(ns) for ns in table["ns"]], "latency (log scale, decimal units)",
                         "Bar chart of the latency numbers on a log scale from 0.5 ns to 150 ms. " + differ + " "
                         + entries + ".") + legend
    # The human scale is the same axis relabelled: 1 ns is 1 s, so a tick at t seconds sits at t ns.
    human_view = chart.html(_HUMAN_TICKS, list(table["human_time"]), "stretched so that 1 ns lasts 1 s (log scale)",
                            "The same bars with every latency stretched so that 1 ns lasts 1 s: from half a "
                            "second (L1 cache) to 4.8 years (a packet from California to the Netherlands and "
                            "back). " + differ + " " + entries + ".") + legend
    rows = pd.DataFrame({
        "chart": [SHORT_NAMES[name] for name in table["operation"]],
        "operation, as the lists print it": table["operation"],
        "ns": [number_text(ns) for ns in table["ns"]],
        "1 ns = 1 s": table["human_time"],
        "lists": [model.LATENCY_LIST_DIFFERENCES.get(name, "both lists") for name in table["operation"]],
    })
    return ns_view, human_view, _view.table(rows, _LADDER_SOURCES, formats=[str] * 5)


def ladder() -> _view.Views:
    """The latency-numbers ladder on a log scale, in nanoseconds or stretched to human time (1 ns = 1 s).

    >>> ladder().principal.options
    ('Nanoseconds', 'Human time (1 ns = 1 s)')
    """
    ns_view, human_view, table = _ladder_views()
    box = _view.views("View", {"Nanoseconds": w.HTML(ns_view), "Human time (1 ns = 1 s)": w.HTML(human_view)})
    box.children = (*box.children, w.HTML(table))
    return box
