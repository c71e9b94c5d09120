"""Views of the caching chapter: five zero-argument factories over the models."""

from __future__ import annotations

import functools
import html

import ipywidgets as w
import numpy as np
import pandas as pd
from matplotlib.ticker import MaxNLocator, NullLocator

from .. import _check, _view
from . import model, strategies

BLUE, ORANGE, GREEN, VERMILLION, PURPLE, SKY = _view.PALETTE[:6]
STALE = "⚠ STALE"


def _frame_table(frame: pd.DataFrame, caption: str, formats: dict | None = None) -> str:
    """A DataFrame as the course's HTML table with a caption."""
    table = frame.to_html(border=0, classes="widget-table", formatters=formats, escape=True)
    head, tail = table.split(">", 1)
    return f"{head}><caption style='text-align:left'>{html.escape(caption)}</caption>{tail}"


def _ms(x: float) -> str:
    return f"{x:.3g} ms"


_SWATCH_MARKS = {  # legend glyph -> SVG shape at the swatch's centre (13, 6)
    "●": "<circle cx='13' cy='6' r='4'/>",
    "■": "<rect x='9' y='2' width='8' height='8'/>",
    "▲": "<polygon points='13,1 18,10 8,10'/>",
    "◆": "<polygon points='13,1 18,6 13,11 8,6'/>",
}


def _swatch(symbol: str, colour: str) -> str:
    """The legend glyph drawn as a small SVG (a line in the chart's dash style, and its marker).

    Drawn, not typed: a coloured glyph would be text that must meet text contrast; a swatch is a graphic.
    """
    dash = "4 3" if "–" in symbol else "1 3" if "·" in symbol else ""
    line = "" if symbol in _SWATCH_MARKS else (
        f"<line x1='1' y1='6' x2='25' y2='6' stroke-width='2' stroke-dasharray='{dash}' stroke='{colour}'/>"
    )
    marks = "".join(shape for glyph, shape in _SWATCH_MARKS.items() if glyph in symbol)
    return (f"<svg width='26' height='12' aria-hidden='true' style='vertical-align:middle' fill='{colour}'>"
            f"{line}{marks}</svg>")


def _legend(items: list[tuple[str, str, str]]) -> str:
    """A legend in HTML under a chart, (symbol, colour, label) each: free to draw, unlike matplotlib's."""
    entries = "".join(
        f"<span style='margin-right:1.2em;white-space:nowrap'>{_swatch(symbol, colour)} {html.escape(label)}</span>"
        for symbol, colour, label in items
    )
    return f"<div style='font-size:85%'>{entries}</div>"


def _log_x(ax, ticks, unit: str = "") -> None:
    """A log x axis with fixed, plain-text ticks: mathtext powers of ten are slow to draw."""
    ax.set_xscale("log")
    ax.set_xticks(ticks, [f"{t:g}{unit}" for t in ticks])
    ax.xaxis.set_minor_locator(NullLocator())


# ---------------------------------------------------------------- strategies, animated

_LANE_X = {"app": 0.14, "cache": 0.5, "database": 0.86}
CACHE_MS, DB_MS = 1.0, 10.0  # latencies stated under the strategies' summary table


def _state_text(step: strategies.Step | None) -> tuple[str, str]:
    """What the cache and the database hold, as short text."""
    if step is None:
        return "empty", ", ".join(f"{k}={v}" for k, v in strategies.INITIAL_DB)
    cache = ", ".join(
        f"{e.key}={e.value}{' dirty' if e.dirty else ''} (exp. {e.expires_s:g} s)" for e in step.cache
    )
    latest = dict(step.latest)
    missing = [f"{k}={latest[k]}" for k, v in step.database if v != latest[k]]
    db = ", ".join(f"{k}={v}" for k, v in step.database) + (f"\n(lacks {', '.join(missing)})" if missing else "")
    return cache or "empty", db


def _draw_step(ax, name: str, index: int, step: strategies.Step | None) -> str:
    """Draw one frame of a strategy's sequence diagram; return its alt text."""
    for artist in [*ax.texts, *ax.patches, *ax.lines]:
        artist.remove()
    for actor, x in _LANE_X.items():
        ax.text(x, 0.86, actor, ha="center", va="center", fontsize=9, fontweight="bold",
                bbox={"boxstyle": "round", "facecolor": "#eeeeee", "edgecolor": "#555555"})
        ax.plot([x, x], [0.8, 0.24], color="#aaaaaa", linestyle=":", linewidth=1)
    cache, db = _state_text(step)
    ax.text(_LANE_X["cache"], 0.17, f"cache holds\n{cache}", ha="center", va="top", fontsize=7.5)
    ax.text(_LANE_X["database"], 0.17, f"DB holds\n{db}", ha="center", va="top", fontsize=7.5)
    if step is None:
        ax.text(0.5, 0.96, f"{name}: before the first request", ha="center", va="center", fontsize=9)
        return f"{name}, start: the cache is empty; the database holds {db}."
    stale, latest = step.stale, dict(step.latest).get(step.key)
    title = f"t = {step.time_s:g} s: {step.action} → {step.outcome}" + (f"  {STALE}" if stale else "")
    ax.text(0.5, 0.96, title, ha="center", va="center", fontsize=9,
            color=VERMILLION if stale else "black", fontweight="bold" if stale else "normal")
    n = len(step.messages)
    for k, message in enumerate(step.messages):
        y = 0.74 - k * min(0.08, 0.48 / max(n - 1, 1))
        x0, x1 = _LANE_X[message.sender], _LANE_X[message.receiver]
        answer = message.receiver == "app" or message.sender == "database"
        colour = VERMILLION if stale and message.receiver == "app" else (BLUE if not answer else "#444444")
        ax.annotate("", (x1, y), (x0, y), arrowprops={
            "arrowstyle": "-|>", "color": colour, "linestyle": "--" if answer else "-", "linewidth": 1.2,
        })
        ax.text((x0 + x1) / 2, y + 0.012, message.kind, ha="center", va="bottom", fontsize=7, color=colour)
    if step.returned is not None:
        text = f"got {step.returned}" + (f"\n{STALE}: latest is {latest}" if stale else "")
        ax.text(_LANE_X["app"], 0.17, text, ha="center", va="top", fontsize=7.5,
                color=VERMILLION if stale else "black", fontweight="bold" if stale else "normal")
    if step.note:
        lost = "lost" in step.note
        ax.text(0.5, 0.22, ("✗ " if lost else "") + step.note, ha="center", fontsize=7.5, style="italic",
                color=VERMILLION if lost else "black", fontweight="bold" if lost else "normal")
    arrows = "; ".join(f"{m.sender} to {m.receiver}: {m.kind}" for m in step.messages) or "no messages"
    warning = f" STALE: the read returned {step.returned}, the latest write is {latest}." if stale else ""
    return (
        f"{name}, step {index} of {len(strategies.SCRIPT)}, t = {step.time_s:g} s, {step.action}: "
        f"{step.outcome}.{warning} Messages: {arrows}. {step.note + '. ' if step.note else ''}"
        f"Cache: {cache}. Database: {db.replace(chr(10), ' ')}."
    )


@functools.cache
def strategy_frames() -> dict[str, tuple[str, ...]]:
    """Every run's frames as inline SVG (computed once per process: they never change)."""
    fig = _view.new_figure(6, 3)
    fig.set_layout_engine(None)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set(xlim=(0, 1), ylim=(0, 1))
    ax.set_axis_off()
    frames = {}
    for name in strategies.RUNS:
        steps = [None, *strategies.run(name)]
        frames[name] = tuple(_view.figure_html(fig, _draw_step(ax, name, i, s)) for i, s in enumerate(steps))
    return frames


def strategy_animations():
    """Five caching strategies (and write-back losing a write) as step-by-step sequence diagrams.

    >>> strategy_animations().principal.options[:2]
    ('cache-aside', 'read-through')
    """
    players = {name: _view.player(list(frames), interval_ms=1500) for name, frames in strategy_frames().items()}
    box = _view.views("Strategy", players)
    table = strategies.summary(cache_ms=CACHE_MS, db_ms=DB_MS)
    caption = (
        f"The same {len(strategies.SCRIPT)} steps under each strategy. Latency: {CACHE_MS:g} ms per request "
        f"to the cache, {DB_MS:g} ms per request to the database (answers included). TTL "
        f"{strategies.TTL_S:g} s; the cache holds {strategies.CAPACITY} entry."
    )
    legend = (
        "<p>Solid arrows are requests, dashed arrows answers. A read that returns an outdated value is "
        f"drawn in vermillion and marked <b>{STALE}</b>.</p>"
    )
    formats = {"read ms": _ms, "write ms": _ms, "stale window (s)": "{:g}".format}
    box.children = (*box.children, w.HTML(legend + _frame_table(table, caption, formats)))
    return box


# ---------------------------------------------------------------- hit ratio against cache size

#: Simulated cache sizes (fraction of the catalogue) and the trace behind each point.
SIM_FRACTIONS = (0.01, 0.03, 0.1, 0.3)
SIM_REQUESTS = 6000  # hits are counted over the second half: the first warms the cache up
_MARKERS = {  # marker, colour, symbol in the legend
    "lru": ("o", BLUE, "●"), "fifo": ("s", ORANGE, "■"), "random": ("^", GREEN, "▲"), "lfu": ("D", PURPLE, "◆"),
}
_THEORY_STYLE = {  # line style, colour, symbol in the legend, label
    "lru": ("-", "black", "——", "LRU by Che's approximation"),
    "fifo": ("--", "#666666", "– –", "FIFO = RANDOM, approximation"),
    "lfu": (":", PURPLE, "···", "ideal static cache (LFU's limit)"),
}


@functools.lru_cache(maxsize=64)
def _simulated(alpha: float, n_keys: int) -> dict[str, list[float]]:
    """Each policy's hit ratio at :data:`SIM_FRACTIONS` on one seeded trace (common to all)."""
    keys = model.zipf_keys(n_keys, alpha, SIM_REQUESTS, seed=0).tolist()
    half = SIM_REQUESTS // 2
    return {
        policy: [
            model.hit_flags(policy, max(1, round(f * n_keys)), keys)[half:].count(1) / (SIM_REQUESTS - half)
            for f in SIM_FRACTIONS
        ]
        for policy in model.POLICIES
    }


@functools.lru_cache(maxsize=64)
def _theory(alpha: float, n_keys: int) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Che's curve, the FIFO/RANDOM curve and the ideal static cache, x in % of the catalogue."""
    curves = {
        policy: model.approximation_curve(n_keys, alpha, policy, points=20, sizes=(0.004 * n_keys, 0.6 * n_keys))
        for policy in ("lru", "fifo")
    }
    sizes = np.unique(np.geomspace(1, 0.6 * n_keys, 40).round().astype(int))
    ideal = np.cumsum(model.zipf_probabilities(n_keys, alpha))[sizes - 1]
    return {p: (100 * s / n_keys, h) for p, (s, h) in {**curves, "lfu": (sizes, ideal)}.items()}


def hit_ratio_simulator() -> _view.Interactive:
    """Hit ratio against cache size for four eviction policies, simulated and predicted; load and latency.

    >>> "Che" in hit_ratio_simulator().view.value
    True
    """
    fig = _view.new_figure(6.4, 3.2)
    ax = fig.add_subplot()
    _log_x(ax, (0.5, 1, 3, 10, 30), "%")
    ax.set(xlim=(0.4, 60), ylim=(0, 1), yticks=(0, 0.5, 1), xlabel="cache size (% of the keys)", ylabel="hit ratio")
    ax.grid(True, alpha=0.3)
    theory = {p: ax.plot([], [], linestyle=ls, color=c)[0] for p, (ls, c, _, _) in _THEORY_STYLE.items()}
    dots = {p: ax.plot([], [], marker, color=c, linestyle="none")[0] for p, (marker, c, _) in _MARKERS.items()}
    chosen = ax.axvline(10, color=VERMILLION, linewidth=1)
    legend = _legend([(symbol, c, f"{p.upper()} simulated") for p, (_, c, symbol) in _MARKERS.items()]) + _legend(
        [(symbol, c, label) for _, c, symbol, label in _THEORY_STYLE.values()]
        + [("|", VERMILLION, "the cache size of the table")]
    )
    _view.freeze_layout(fig)
    controls = {
        "alpha": _view.control("FloatSlider", "Zipf skew α", min=0, max=1.5, step=0.05, value=0.8),
        "n_keys": _view.control("Dropdown", "Keys in the catalogue", options=[100, 1000, 10_000], value=1000),
        "cache_pct": _view.control("FloatLogSlider", "Cache size (% of keys)", base=10, min=-1, max=2, value=10,
                                   readout_format=".3g"),
        "rate": _view.control("FloatText", "Requests / second", value=10_000),
        "cache_ms": _view.control("FloatSlider", "Cache latency (ms)", min=0.1, max=5, step=0.1, value=1),
        "db_ms": _view.control("FloatSlider", "Database latency (ms)", min=1, max=100, step=1, value=10),
    }

    def render(v: _view.Values) -> str:
        alpha, n = v["alpha"], v["n_keys"]
        size = round(v["cache_pct"] / 100 * n)
        model.derived_load(v["rate"], 0, v["cache_ms"], v["db_ms"])  # check the inputs first
        for policy, (x, y) in _theory(alpha, n).items():
            theory[policy].set_data(x, y)
        simulated = _simulated(alpha, n)
        for policy, line in dots.items():
            line.set_data(100 * np.array(SIM_FRACTIONS), simulated[policy])
        chosen.set_xdata([v["cache_pct"]] * 2)
        predicted = {
            "no cache": 0.0,
            "FIFO or RANDOM (approximation)": model.fifo_hit_ratio_approx(size, n, alpha),
            "LRU (Che)": model.che_hit_ratio(size, n, alpha),
            "LFU in the limit (ideal)": model.lfu_ideal_hit_ratio(size, n, alpha),
        }
        rows = {}
        for name, hit in predicted.items():
            load = model.derived_load(v["rate"], hit, v["cache_ms"], v["db_ms"])
            rows[name] = {"hit ratio": hit, "DB requests/s": load.db_requests_per_second,
                          "mean": load.mean_ms, "p99": load.p99_ms}
        caption = (
            f"Steady state with a cache of {size:,} of {n:,} keys at {v['rate']:,.6g} requests/s. "
            "A hit costs the cache latency, a miss the cache plus the database latency; "
            "mean and p99 come from that two-point mix."
        )
        formats = {"hit ratio": "{:.3f}".format, "DB requests/s": "{:,.4g}".format, "mean": _ms, "p99": _ms}
        table = _frame_table(pd.DataFrame.from_dict(rows, orient="index"), caption, formats)
        sim = ", ".join(f"{p.upper()} {hits[SIM_FRACTIONS.index(0.1)]:.2f}" for p, hits in simulated.items())
        alt = (
            f"Hit ratio against cache size (0.4% to 60% of {n:,} keys, log scale), Zipf skew {alpha:g}. "
            f"Curves: Che's approximation for LRU, the FIFO/RANDOM approximation, the ideal static cache. "
            f"Simulated at 10% of the keys: {sim}. Marked: a cache of {v['cache_pct']:.3g}% of the keys."
        )
        note = (
            f"<p>Dots: one seeded trace of {SIM_REQUESTS:,} requests per setting, hits counted over the "
            f"last {SIM_REQUESTS // 2:,} (the first half fills the cache). LFU needs long traces to learn "
            "the popularities: on short ones it stays below its limit.</p>"
        )
        return _view.figure_html(fig, alt) + legend + note + table

    presets = {
        f"α = {alpha:g}, {n:,} keys": {"alpha": alpha, "n_keys": n}
        for n in (1000, 10_000) for alpha in (0.6, 0.8, 1.0)
    }
    return _view.Interactive(render, controls, presets, principal="Workload")


# ---------------------------------------------------------------- staleness against TTL

TTLS = (0.1, 0.3, 1, 3, 10)
TTL_REQUESTS = 4000
_WRITE_STYLE = {  # marker, line style, colour, symbol in the legend
    "ttl only": ("o", "-", ORANGE, "—●—"),
    "invalidate": ("s", "--", BLUE, "–■–"),
    "write-through": ("^", ":", GREEN, "·▲·"),
}


def ttl_staleness() -> _view.Interactive:
    """Stale reads and hit ratio against the TTL, for three ways of handling writes.

    >>> ttl_staleness().principal.value
    '5% writes'
    """
    fig = _view.new_figure(6.4, 2.6)
    ax = fig.add_subplot()
    lines = {
        policy: ax.plot([], [], marker=marker, linestyle=ls, color=colour, label=policy)[0]
        for policy, (marker, ls, colour, _) in _WRITE_STYLE.items()
    }
    _log_x(ax, TTLS)
    ax.set(xlim=(TTLS[0] / 1.5, TTLS[-1] * 1.5), ylim=(0, 10), xlabel="TTL (s)", ylabel="stale reads (% of reads)")
    ax.yaxis.set_major_locator(MaxNLocator(4))
    ax.grid(True, alpha=0.3)
    legend = _legend([(symbol, colour, f"on a write: {p}") for p, (_, _, colour, symbol) in _WRITE_STYLE.items()])
    _view.freeze_layout(fig)
    controls = {
        "write_fraction": _view.control("FloatSlider", "Writes (fraction)", min=0, max=0.5, step=0.01, value=0.05),
        "rate": _view.control("FloatText", "Requests / second", value=200),
        "load_ms": _view.control("FloatSlider", "Load from DB (ms)", min=0, max=500, step=5, value=20),
        "alpha": _view.control("FloatSlider", "Zipf skew α", min=0, max=1.5, step=0.05, value=0.8),
    }

    def render(v: _view.Values) -> str:
        runs = model.staleness(
            TTLS, write_fraction=v["write_fraction"], requests_per_second=v["rate"], load_ms=v["load_ms"],
            alpha=v["alpha"], n_keys=1000, n_requests=TTL_REQUESTS,
        )
        stale = 100 * runs.pivot(index="ttl_s", columns="write_policy", values="stale_fraction")[list(_WRITE_STYLE)]
        hits = runs.pivot(index="ttl_s", columns="write_policy", values="hit_ratio")[list(_WRITE_STYLE)]
        for policy, line in lines.items():
            line.set_data(TTLS, stale[policy])
        ax.set_ylim(0, max(1.0, 1.15 * stale.to_numpy().max()))
        shown = pd.concat({"stale reads (%)": stale, "hit ratio": hits}, axis=1)
        shown.index = pd.Index([f"{t:g} s" for t in TTLS], name="TTL")
        caption = (
            f"{TTL_REQUESTS:,} seeded requests at {v['rate']:,.6g}/s over 1,000 keys (Zipf {v['alpha']:g}), "
            f"{v['write_fraction']:.0%} of them writes; a miss takes {v['load_ms']:g} ms to load."
        )
        worst = stale.max()
        alt = (
            "Stale reads in percent against the TTL from 0.1 to 10 seconds (log scale) for three write "
            "policies. Most stale reads: " + ", ".join(f"{p} {worst[p]:.2g}%" for p in _WRITE_STYLE) + "."
        )
        formats = [("{:.2f}" if top == "stale reads (%)" else "{:.3f}").format for top, _ in shown.columns]
        return _view.figure_html(fig, alt) + legend + _frame_table(shown, caption, formats)

    presets = {f"{p:.0%} writes": {"write_fraction": p} for p in (0.05, 0.01, 0.2)}
    return _view.Interactive(render, controls, presets, principal="Workload")


# ---------------------------------------------------------------- cold against warm cache

COLD_REQUESTS = 20_000
MIN_WINDOW = COLD_REQUESTS // 200
_STEADY = {"lru": model.che_hit_ratio, "fifo": model.fifo_hit_ratio_approx,
           "random": model.fifo_hit_ratio_approx, "lfu": model.lfu_ideal_hit_ratio}


def cold_start() -> _view.Interactive:
    """Hit ratio over time for an empty cache and one pre-filled with the most popular keys.

    >>> cold_start().principal.options[0]
    'LRU, 30% of 10,000 keys'
    """
    fig = _view.new_figure(6.4, 2.8)
    ax = fig.add_subplot()
    (cold,) = ax.plot([], [], "o-", color=BLUE, markersize=3)
    (warm,) = ax.plot([], [], "s--", color=ORANGE, markersize=3)
    steady = ax.axhline(0, color="black", linestyle=":")
    legend = _legend([
        ("—●—", BLUE, "cold (starts empty)"),
        ("–■–", ORANGE, "warmed (starts with the most popular keys)"),
        ("···", "black", "steady state (theory)"),
    ])
    ticks = np.linspace(0, COLD_REQUESTS, 5)
    ax.set_xticks(ticks, [f"{t / 1000:g}k" for t in ticks])
    ax.set(xlim=(0, COLD_REQUESTS), ylim=(0, 1), yticks=(0, 0.5, 1))
    ax.set(xlabel="requests", ylabel="hit ratio in the window")
    ax.grid(True, alpha=0.3)
    _view.freeze_layout(fig)
    controls = {
        "policy": _view.control("Dropdown", "Eviction policy", options=list(model.POLICIES), value="lru"),
        "n_keys": _view.control("Dropdown", "Keys in the catalogue", options=[1000, 10_000], value=10_000),
        "cache_pct": _view.control("FloatLogSlider", "Cache size (% of keys)", base=10, min=-1, max=2, value=10,
                                   readout_format=".3g"),
        "alpha": _view.control("FloatSlider", "Zipf skew α", min=0, max=1.5, step=0.05, value=0.8),
        "window": _view.control("IntText", "Window (requests)", value=1000),
    }

    def render(v: _view.Values) -> str:
        n, size = v["n_keys"], round(v["cache_pct"] / 100 * v["n_keys"])
        window = _check.integer("window", v["window"], MIN_WINDOW, COLD_REQUESTS)  # at most 200 points
        curves = model.cold_vs_warm(v["policy"], size, n, v["alpha"], COLD_REQUESTS, window)
        cold.set_data(curves["requests"], curves["cold"])
        warm.set_data(curves["requests"], curves["warm"])
        level = _STEADY[v["policy"]](size, n, v["alpha"])
        steady.set_ydata([level] * 2)
        misses = {name: (1 - curves[name]).sum() * window for name in ("cold", "warm")}
        first = curves.iloc[0]
        rows = [
            ("Cache", f"{size:,} of {n:,} keys, {v['policy'].upper()}"),
            (f"Hit ratio, first {window:,} requests: cold / warmed", f"{first['cold']:.2f} / {first['warm']:.2f}"),
            (f"Misses over {len(curves) * window:,} requests: cold / warmed",
             f"{misses['cold']:,.0f} / {misses['warm']:,.0f}"),
            ("Extra database reads of the cold start", f"{misses['cold'] - misses['warm']:,.0f}"),
            ("Steady state (theory)", f"{level:.3f}"),
        ]
        alt = (
            f"Hit ratio per window of {window:,} requests over {COLD_REQUESTS:,} requests for a cold and a "
            f"warmed {v['policy'].upper()} cache of {size:,} of {n:,} keys: the first window's hit ratio is "
            f"{first['cold']:.2f} cold and {first['warm']:.2f} warmed; both approach the steady state {level:.2f}."
        )
        table = _view.table_html(rows, caption="Warming a cache (seeded Zipf trace)")
        return _view.figure_html(fig, alt) + legend + table

    presets = {
        "LRU, 30% of 10,000 keys": {"policy": "lru", "n_keys": 10_000, "cache_pct": 30.0},
        "LRU, 10% of 10,000 keys": {"policy": "lru", "n_keys": 10_000, "cache_pct": 10.0},
        "LFU, 30% of 10,000 keys": {"policy": "lfu", "n_keys": 10_000, "cache_pct": 30.0},
    }
    return _view.Interactive(render, controls, presets, principal="Cache")


# ---------------------------------------------------------------- request coalescing

SHOWN_REQUESTS = 10
_ACTION_STYLE = {  # colour, hatch, the hatch in words
    "DB query": (VERMILLION, "//", "hatched ///"), "waits": (SKY, "\\\\", "hatched \\\\\\"), "hit": (GREEN, "", "plain"),
}


def coalescing() -> _view.Interactive:
    """A hot key expires under concurrent requests: database queries with and without coalescing.

    >>> coalescing().principal.value
    '100 requests within 5 ms'
    """
    fig = _view.new_figure(6.4, 3.0)
    ax = fig.add_subplot()
    rows_of = {False: np.arange(SHOWN_REQUESTS), True: np.arange(SHOWN_REQUESTS) + SHOWN_REQUESTS + 1}
    ax.set_yticks([rows.mean() for rows in rows_of.values()], ["without\ncoalescing", "with\ncoalescing"])
    ax.set(ylim=(2 * SHOWN_REQUESTS + 0.5, -0.5), xlabel="time since the key expired (ms)")
    ax.axhline(SHOWN_REQUESTS, color="#999999", linewidth=0.8)
    ax.xaxis.set_major_locator(MaxNLocator(5))
    legend = _legend([("■", c, f"{a} ({pattern})") for a, (c, h, pattern) in _ACTION_STYLE.items()])
    _view.freeze_layout(fig)
    controls = {
        "n_requests": _view.control("IntText", "Concurrent requests", value=100),
        "spread_ms": _view.control("FloatSlider", "Arrive within (ms)", min=0, max=200, step=1, value=5),
        "db_ms": _view.control("FloatSlider", "Database query (ms)", min=1, max=200, step=1, value=50),
        "cache_ms": _view.control("FloatSlider", "Cache lookup (ms)", min=0.1, max=10, step=0.1, value=1),
    }

    def render(v: _view.Values) -> str:
        result = model.stampede(v["n_requests"], v["spread_ms"], v["cache_ms"], v["db_ms"])
        timeline = result.timeline
        for artist in [p for p in ax.patches if p.get_width() > 0]:
            artist.remove()
        summary = {}
        for coalesced, queries in ((False, result.queries_without), (True, result.queries_with)):
            mode = timeline[timeline["coalesced"] == coalesced]
            start, done = mode["arrival_ms"].to_numpy(), mode["done_ms"].to_numpy()
            shown = np.unique(np.linspace(0, len(mode) - 1, SHOWN_REQUESTS).round().astype(int))
            styles = [_ACTION_STYLE[a] for a in mode["action"].to_numpy()[shown]]
            ax.barh(rows_of[coalesced][: len(shown)], (done - start)[shown], left=start[shown], height=0.7,
                    color=[c for c, _, _ in styles], hatch=[h for _, h, _ in styles], edgecolor="black")
            summary["with coalescing" if coalesced else "without"] = {
                "DB queries": queries, "mean latency": (done - start).mean(), "slowest": (done - start).max(),
            }
        ax.set_xlim(0, 1.05 * timeline["done_ms"].max())
        caption = (
            f"{v['n_requests']:,} requests arrive within {v['spread_ms']:g} ms of the expiry; a lookup takes "
            f"{v['cache_ms']:g} ms, a database query {v['db_ms']:g} ms. Chart: {SHOWN_REQUESTS} of them, "
            "spread evenly in order of arrival."
        )
        frame = pd.DataFrame.from_dict(summary, orient="index")
        table = _frame_table(frame, caption, {"mean latency": _ms, "slowest": _ms, "DB queries": "{:,}".format})
        alt = (
            f"Timelines of {SHOWN_REQUESTS} of {v['n_requests']:,} requests after a hot key expires, "
            f"bars from arrival to answer. Without coalescing {result.queries_without:,} requests query the "
            "database; with coalescing one does and the others wait for its answer."
        )
        return _view.figure_html(fig, alt) + legend + table

    presets = {
        "100 requests within 5 ms": {"n_requests": 100, "spread_ms": 5.0},
        "10 requests within 5 ms": {"n_requests": 10, "spread_ms": 5.0},
        "1,000 requests within 100 ms": {"n_requests": 1000, "spread_ms": 100.0},
    }
    return _view.Interactive(render, controls, presets, principal="Stampede")
