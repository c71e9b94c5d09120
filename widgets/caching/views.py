"""Views of the caching chapter: six zero-argument factories over the models.

Each interactive is declared as data (its controls and presets), a chart class that builds its
figure once and updates its artists, and a ``render`` that formats what the model computed.
"""

from __future__ import annotations

import functools
import html
import math
from collections.abc import Callable

import ipywidgets as w
import numpy as np
import pandas as pd

from widgets import _view
from widgets._view.tables import number_text

from . import eviction, model, strategies

BLUE, ORANGE, GREEN, VERMILLION, PURPLE, SKY = _view.PALETTE[:6]
STALE = "⚠ STALE"
WIDTH_IN, SMALL_PT = _view.FIGURE_WIDTH_IN, _view.MIN_FONT_PT


def _ms(x: float) -> str:
    """Milliseconds, one format for a whole column: thousands separators and two decimals."""
    return f"{x:,.2f} ms"


# ---------------------------------------------------------------- strategies, animated

_LANE_X = {"app": 0.14, "cache": 0.5, "database": 0.86}
CACHE_MS, DB_MS = 1.0, 10.0  # latencies stated under the strategies' summary table
_STRATEGY_CAPTION = (
    f"The same {len(strategies.SCRIPT)} steps under each strategy. Latency: {CACHE_MS:g} ms per request "
    f"to the cache, {DB_MS:g} ms per request to the database (answers included). TTL "
    f"{strategies.TTL_S:g} s; the cache holds {strategies.CAPACITY} entry."
)
_STRATEGY_LEGEND = (
    "<p>Solid arrows are requests, dashed arrows answers. A read that returns an outdated value is "
    f"drawn in vermillion and marked <b>{STALE}</b>.</p>"
)
_STRATEGY_FORMATS = {"read ms": _ms, "write ms": _ms, "stale window (s)": number_text}
#: The frame's layout, in axes fractions of a WIDTH_IN x 3.4 in figure: title, lane names, lifelines from
#: top to bottom (the first arrow at FIRST_ARROW), the step's note, then what each lane holds.
_FRAME = {"title": 0.955, "names": 0.865, "top": 0.8, "bottom": 0.3, "note": 0.255, "holds": 0.2}
FIRST_ARROW, ARROWS_SPAN = 0.76, 0.42


def _state_text(step: strategies.Step | None) -> tuple[str, str]:
    """What the cache and the database hold, as short text."""
    if step is None:
        return "empty", ", ".join(f"{k}={v}" for k, v in strategies.INITIAL_DB)
    cache = ", ".join(
        f"{e.key}={e.value}{' dirty' if e.dirty else ''} (exp. {e.expires_s:g} s)" for e in step.cache
    )
    lacks = ", ".join(f"{k}={v}" for k, v in step.lacking)
    db = ", ".join(f"{k}={v}" for k, v in step.database) + (f"\n(lacks {lacks})" if lacks else "")
    return cache or "empty", db


def _arrows(step: strategies.Step) -> list[_view.Arrow]:
    """The step's messages top to bottom: requests solid, answers dashed, a stale answer in vermillion."""
    gap = min(0.08, ARROWS_SPAN / max(len(step.messages) - 1, 1))
    arrows = []
    for k, message in enumerate(step.messages):
        answer = message.receiver == "app" or message.sender == "database"
        colour = VERMILLION if step.stale and message.receiver == "app" else ("#444444" if answer else BLUE)
        arrows.append(_view.Arrow(message.sender, message.receiver, FIRST_ARROW - k * gap, label=message.kind,
                                  colour=colour, dashed=answer))
    return arrows


def _step_alt(name: str, index: int, step: strategies.Step, cache: str, db: str) -> str:
    arrows = "; ".join(f"{m.sender} to {m.receiver}: {m.kind}" for m in step.messages) or "no messages"
    warning = f" STALE: the read returned {step.returned}, the latest write is {step.latest_value}." if step.stale else ""
    return (
        f"{name}, step {index} of {len(strategies.SCRIPT)}, t = {step.time_s:g} s, {step.action}: "
        f"{step.outcome}.{warning} Messages: {arrows}. {step.note + '. ' if step.note else ''}"
        f"Cache: {cache}. Database: {db.replace(chr(10), ' ')}."
    )


class _SequenceChart:
    """One strategy step as a sequence diagram (app, cache, database), with what each holds afterwards."""

    def __init__(self) -> None:
        self.figure, self.ax = _view.fixed_axes(WIDTH_IN, 3.4)
        self.ax.set(xlim=(0, 1), ylim=(0, 1))

    def _text(self, x: float, y: float, text: str, warn: bool = False, **style) -> None:
        style.setdefault("fontsize", SMALL_PT)
        self.ax.text(x, y, text, ha="center", color=VERMILLION if warn else "black",
                     fontweight="bold" if warn else "normal", **style)

    def _holds(self, lane: str, text: str, warn: bool = False) -> None:
        """What a lane holds (or got), under its lifeline."""
        self._text(_LANE_X[lane], _FRAME["holds"], text, warn, va="top", linespacing=1.15)

    def html(self, name: str, index: int, step: strategies.Step | None) -> str:
        """Draw the frame; return it as inline SVG with its alt text."""
        _view.clear(self.ax)
        arrows = [] if step is None else _arrows(step)
        _view.draw_sequence(self.ax, _LANE_X, arrows, top=_FRAME["top"], bottom=_FRAME["bottom"],
                            names_y=_FRAME["names"], boxed=True, fontsize=10, label_size=SMALL_PT)
        cache, db = _state_text(step)
        self._holds("cache", "cache holds\n" + cache.replace(" (exp.", "\n(exp."))
        self._holds("database", f"DB holds\n{db}")
        if step is None:
            title = f"{name}:{chr(10) if len(name) > 24 else ' '}before the first request"
            self._text(0.5, _FRAME["title"], title, va="center", fontsize=10)
            return _view.figure_html(self.figure, f"{name}, start: the cache is empty; the database holds {db}.")
        title = f"t = {step.time_s:g} s: {step.action} → {step.outcome}" + (f"  {STALE}" if step.stale else "")
        self._text(0.5, _FRAME["title"], title, step.stale, va="center", fontsize=10)
        if step.returned is not None:
            got = f"got {step.returned}" + (f"\n{STALE}:\nlatest is {step.latest_value}" if step.stale else "")
            self._holds("app", got, step.stale)
        if step.note:
            lost = "lost" in step.note
            self._text(0.5, _FRAME["note"], ("✗ " if lost else "") + step.note, lost, va="center", style="italic")
        return _view.figure_html(self.figure, _step_alt(name, index, step, cache, db))


@functools.cache
def strategy_frames() -> dict[str, tuple[str, ...]]:
    """Every run's frames as inline SVG (computed once per process: they never change)."""
    chart = _SequenceChart()
    return {
        name: tuple(chart.html(name, i, step) for i, step in enumerate([None, *strategies.run(name)]))
        for name in strategies.RUNS
    }


def strategy_animations() -> _view.Views:
    """Five caching strategies (and write-back losing a write) as step-by-step sequence diagrams.

    >>> strategy_animations().principal.options[:2]
    ('cache-aside', 'read-through')
    """
    players = {name: _view.player(list(frames), interval_ms=1500) for name, frames in strategy_frames().items()}
    box = _view.views("Strategy", players)
    summary = strategies.summary(cache_ms=CACHE_MS, db_ms=DB_MS)
    table = _view.table(summary, _STRATEGY_CAPTION, formats=_STRATEGY_FORMATS, index=True)
    box.children = (*box.children, w.HTML(_STRATEGY_LEGEND + table))
    return box


# ---------------------------------------------------------------- hit ratio against cache size

_HIT_CONTROLS = {
    "alpha": ("FloatSlider", "Zipf skew α", {"min": 0, "max": 1.5, "step": 0.05, "value": 0.8}),
    "n_keys": ("Dropdown", "Keys in the catalogue", {"options": _view.counted(100, 1000, 10_000), "value": 1000}),
    "cache_pct": ("FloatLogSlider", "Cache size (% of keys)",
                  {"base": 10, "min": -1, "max": 2, "value": 10, "readout_format": ".3g"}),
    "rate": ("FloatText", "Requests / second", {"value": 10_000}),
    "cache_ms": ("FloatSlider", "Cache latency (ms)", {"min": 0.1, "max": 5, "step": 0.1, "value": 1}),
    "db_ms": ("FloatSlider", "Database latency (ms)", {"min": 1, "max": 100, "step": 1, "value": 10}),
}
_HIT_PRESETS = {
    f"α = {alpha:g}, {n:,} keys": {"alpha": alpha, "n_keys": n, "cache_pct": 10.0, "rate": 10_000.0,
                                   "cache_ms": 1.0, "db_ms": 10.0}
    for n in (1000, 10_000) for alpha in (0.6, 0.8, 1.0)
}
_MARKERS = {  # marker, colour, symbol in the legend, size, hollow; drawn in this order
    # FIFO and RANDOM (often LRU too) coincide: large hollow shapes under small filled ones keep each visible
    "fifo": ("s", ORANGE, "□", 9, True), "random": ("^", GREEN, "△", 8, True),
    "lfu": ("D", PURPLE, "◆", 5, False),
}
_THEORY_STYLE = {  # line style, colour, symbol in the legend, label
    "lru": ("-", "black", "——", "LRU by Che's approximation"),
    "fifo": ("--", _view.GREY, "– –", "FIFO = RANDOM, approximation"),
    "lfu": (":", PURPLE, "···", "ideal static cache (LFU's limit)"),
}
_HIT_LEGEND = _view.legend(
    [("━━", BLUE, "LRU simulated, every size")]
    + [(_MARKERS[p][2], _MARKERS[p][1], f"{p.upper()} simulated") for p in ("fifo", "random", "lfu")]
) + _view.legend(
    [(symbol, c, label) for _, c, symbol, label in _THEORY_STYLE.values()]
    + [("|", VERMILLION, "“table”: the cache size of the table below")]
)
_HIT_NOTE = (
    f"<p>Simulated: one seeded trace of {model.SIM_REQUESTS:,} requests per setting, hits counted over the "
    f"last {model.SIM_REQUESTS // 2:,} (the first half fills the cache). LRU is read at every size from one "
    "pass over the trace (stack distances); the dots are replays at four sizes. Once the cache holds every key "
    "the trace requests, it cannot hit more: what is left are first requests (compulsory misses), and the LRU "
    "line goes flat. LFU needs long traces to learn the popularities: on short ones it stays below its "
    "limit.</p>"
)
_HIT_FORMATS = {"hit ratio": "{:.3f}".format, "DB requests/s": number_text, "mean": _ms, "p99": _ms}
HIT_XLIM, HIT_XTICKS = (0.4, 60), (0.5, 1, 3, 10, 30)


class _HitRatioChart:
    """Hit ratio against cache size (log x): theory as curves, the simulation as dots, the chosen size marked."""

    def __init__(self) -> None:
        self.figure, ax = _view.fixed_axes(WIDTH_IN, 3.1, margins=(0.6, 0.5, 0.15, 0.3), axis=True)
        ax.set_xscale("log")
        ax.set(xlim=HIT_XLIM, ylim=(0, 1))
        _view.Ticks(ax, "x", HIT_XTICKS, [f"{t:g}%" for t in HIT_XTICKS])
        _view.Ticks(ax, "y", (0, 0.5, 1), ("0", "0.5", "1"))
        _view.x_label(ax, "cache size (% of the keys)")
        _view.y_label(ax, "hit ratio")
        self.lru = ax.plot([], [], color=BLUE, linewidth=2.6)[0]  # under Che's curve, which it should follow
        self.theory = {p: ax.plot([], [], linestyle=ls, color=c)[0] for p, (ls, c, _, _) in _THEORY_STYLE.items()}
        self.dots = {
            p: ax.plot([], [], m, color=c, markersize=size, linestyle="none",
                       markerfacecolor="none" if hollow else c, markeredgewidth=1.3 if hollow else 1)[0]
            for p, (m, c, _, size, hollow) in _MARKERS.items()
        }
        self.chosen = ax.axvline(10, color=VERMILLION, linewidth=1)
        self.chosen_label = ax.text(10, 1.01, "table: 10%", transform=ax.get_xaxis_transform(), ha="center",
                                    va="bottom", fontsize=SMALL_PT, color=VERMILLION)

    def _mark(self, pct: float) -> None:
        """The table's cache size: a line, labelled above the axes (an arrow when it is off the axis)."""
        low, high = HIT_XLIM
        shown = min(max(pct, low), high)
        where = math.log(shown / low) / math.log(high / low)
        self.chosen.set_xdata([pct] * 2)
        arrow = "← " if pct < low else " →" if pct > high else ""
        text = f"table: {pct:.3g}%"
        self.chosen_label.set_text(arrow + text if pct < low else text + arrow)
        self.chosen_label.set_x(shown)
        self.chosen_label.set_horizontalalignment("left" if where < 0.12 else "right" if where > 0.88 else "center")

    def html(self, v: _view.Values) -> str:
        alpha, n = v["alpha"], v["n_keys"]
        for policy, (sizes, hits) in model.theory_curves(n, alpha).items():
            self.theory[policy].set_data(100 * sizes / n, hits)
        sizes, hits = eviction.simulated_lru_curve(n, alpha)
        self.lru.set_data(100 * sizes / n, hits)
        simulated = model.simulated_hit_ratios(n, alpha)
        for policy, line in self.dots.items():
            line.set_data([100 * f for f in model.SIM_FRACTIONS], simulated[policy])
        self._mark(v["cache_pct"])
        at_10 = model.SIM_FRACTIONS.index(0.1)
        sim = ", ".join(f"{p.upper()} {hits[at_10]:.2f}" for p, hits in simulated.items())
        alt = (
            f"Hit ratio against cache size (0.4% to 60% of {n:,} keys, log scale), Zipf skew α = {alpha:g}. "
            f"Curves: LRU simulated at every size, Che's approximation for LRU, the FIFO/RANDOM approximation, "
            f"the ideal static cache. "
            f"Simulated at 10% of the keys: {sim}. Marked: a cache of {v['cache_pct']:.3g}% of the keys."
        )
        return _view.figure_html(self.figure, alt)


def hit_ratio() -> _view.Interactive:
    """Hit ratio against cache size for four eviction policies, simulated and predicted; load and latency.

    >>> "Che" in hit_ratio().view.value
    True
    """
    chart = _HitRatioChart()

    def render(v: _view.Values) -> str:
        size = model.cache_entries(v["cache_pct"], v["n_keys"])
        load = model.predicted_load(size, v["n_keys"], v["alpha"], v["rate"], v["cache_ms"], v["db_ms"])
        caption = (
            f"Steady state with a cache of {size:,} of {v['n_keys']:,} keys at {number_text(v['rate'])} "
            "requests/s. "
            "A hit costs the cache latency, a miss the cache plus the database latency; "
            "mean and p99 come from that two-point mix."
        )
        table = _view.table(load, caption, formats=_HIT_FORMATS, index=True)
        return chart.html(v) + _HIT_LEGEND + _HIT_NOTE + table

    return _view.Interactive(render, _view.controls(_HIT_CONTROLS), _HIT_PRESETS, principal="Workload")


# ---------------------------------------------------------------- staleness against TTL

TTLS = (0.1, 0.3, 1, 3, 10)
TTL_REQUESTS = 4000
TTL_KEYS = 1000
_TTL_CONTROLS = {
    "write_fraction": ("FloatSlider", "Writes (fraction)", {"min": 0, "max": 0.5, "step": 0.01, "value": 0.05}),
    "rate": ("FloatText", "Requests / second", {"value": 200}),
    "load_ms": ("FloatSlider", "Load from DB (ms)", {"min": 0, "max": 500, "step": 5, "value": 20}),
    "alpha": ("FloatSlider", "Zipf skew α", {"min": 0, "max": 1.5, "step": 0.05, "value": 0.8}),
}
_TTL_PRESETS = {
    f"{p:.0%} writes": {"write_fraction": p, "rate": 200.0, "load_ms": 20.0, "alpha": 0.8} for p in (0.05, 0.01, 0.2)
}
_WRITE_STYLE = {  # marker, line style, colour, symbol in the legend, marker size, hollow
    # invalidate and write-through often coincide near zero: a large hollow square around a small filled triangle
    "ttl only": ("o", "-", ORANGE, "—●—", 5, False),
    "invalidate": ("s", "--", BLUE, "–□–", 8, True),
    "write-through": ("^", ":", GREEN, "·▲·", 5, False),
}
_TTL_LEGEND = _view.legend([(style[3], style[2], f"on a write: {p}") for p, style in _WRITE_STYLE.items()])
#: Lines closer than this share of the y axis everywhere overlap: the figure says so.
OVERLAP = 0.03


def _overlapping(lines: pd.DataFrame, tolerance: float) -> list[list[str]]:
    """Groups of columns (two or more) that stay within ``tolerance`` of the group's first column."""
    groups: list[list[str]] = []
    for name in lines:
        group = next((g for g in groups if (lines[name] - lines[g[0]]).abs().max() <= tolerance), None)
        if group is None:
            groups.append([name])
        else:
            group.append(name)
    return [g for g in groups if len(g) > 1]


def _joined(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


class _StalenessChart:
    """Stale reads (% of reads) against the TTL (log x), one line per way of handling writes."""

    def __init__(self) -> None:
        self.figure, ax = _view.fixed_axes(WIDTH_IN, 2.9, margins=(0.6, 0.5, 0.15, 0.1), axis=True)
        self.ax = ax
        self.lines = {
            policy: ax.plot([], [], marker=marker, linestyle=ls, color=colour, label=policy, markersize=size,
                            markerfacecolor="none" if hollow else colour, markeredgewidth=1.3 if hollow else 1)[0]
            for policy, (marker, ls, colour, _, size, hollow) in _WRITE_STYLE.items()
        }
        self.note = ax.text(0.03, 0.95, "", transform=ax.transAxes, ha="left", va="top", fontsize=SMALL_PT)
        ax.set_xscale("log")
        ax.set(xlim=(TTLS[0] / 1.5, TTLS[-1] * 1.5), ylim=(0, 10))
        _view.Ticks(ax, "x", TTLS, [f"{t:g}" for t in TTLS])
        self.y_ticks = _view.Ticks(ax, "y", slots=6)
        _view.x_label(ax, "TTL (s)")
        _view.y_label(ax, "stale reads (%)")

    @staticmethod
    def _range(lines: pd.DataFrame, count: int) -> str:
        """Where overlapping lines lie, e.g. "both at most 0.21%"."""
        most = lines.to_numpy().max()
        return f"{'both' if count == 2 else 'all'} {f'at most {most:.2g}%' if most else 'at 0%'}"

    def html(self, stale_pct: pd.DataFrame) -> str:
        for policy, line in self.lines.items():
            line.set_data(TTLS, stale_pct[policy])
        top = max(1.0, 1.15 * stale_pct.to_numpy().max())
        self.ax.set_ylim(0, top)
        at = _view.round_ticks(top, most=4)
        self.y_ticks.set(at, [f"{t:g}" for t in at])
        groups = _overlapping(stale_pct[list(_WRITE_STYLE)], OVERLAP * top)
        self.note.set_text("\n".join(f"{_joined(g)} overlap:\n{self._range(stale_pct[g], len(g))}" for g in groups))
        worst = stale_pct.max()
        alt = (
            "Stale reads in percent against the TTL from 0.1 to 10 seconds (log scale) for three write "
            "policies. Most stale reads: " + ", ".join(f"{p} {worst[p]:.2g}%" for p in _WRITE_STYLE) + "."
            + "".join(f" The lines of {_joined(g)} overlap." for g in groups)
        )
        return _view.figure_html(self.figure, alt)


def _by_ttl(values: pd.DataFrame, caption: str, fmt: Callable[[float], str]) -> str:
    """A policy x TTL table (the chart's layout: TTL across), one format for every cell."""
    shown = values[list(_WRITE_STYLE)].T
    shown.columns = [f"{t:g} s" for t in TTLS]
    return _view.table(shown, caption, formats=[fmt] * len(TTLS), index=True)


def ttl_staleness() -> _view.Interactive:
    """Stale reads and hit ratio against the TTL, for three ways of handling writes.

    >>> ttl_staleness().principal.value
    '5% writes'
    """
    chart = _StalenessChart()

    def render(v: _view.Values) -> str:
        runs = model.staleness_by_ttl(
            TTLS, write_fraction=v["write_fraction"], requests_per_second=v["rate"], load_ms=v["load_ms"],
            alpha=v["alpha"], n_keys=TTL_KEYS, n_requests=TTL_REQUESTS,
        )
        stale = 100 * runs["stale_fraction"]
        caption = (
            f"Stale reads (% of reads) by TTL. {TTL_REQUESTS:,} seeded requests at {number_text(v['rate'])}/s "
            f"over {TTL_KEYS:,} keys (Zipf skew α = {v['alpha']:g}), {v['write_fraction']:.0%} of them writes; a miss "
            f"takes {v['load_ms']:g} ms to load."
        )
        hits = _by_ttl(runs["hit_ratio"], "Hit ratio by TTL, same run.", "{:.3f}".format)
        return chart.html(stale) + _TTL_LEGEND + _by_ttl(stale, caption, "{:.2f}".format) + hits

    return _view.Interactive(render, _view.controls(_TTL_CONTROLS), _TTL_PRESETS, principal="Workload")


# ---------------------------------------------------------------- cold against warm cache

COLD_REQUESTS = 20_000
_COLD_CONTROLS = {
    "policy": ("Dropdown", "Eviction policy",
               {"options": [(policy.upper(), policy) for policy in model.IRM_POLICIES], "value": "lru"}),
    "n_keys": ("Dropdown", "Keys in the catalogue", {"options": _view.counted(1000, 10_000), "value": 10_000}),
    "cache_pct": ("FloatLogSlider", "Cache size (% of keys)",
                  {"base": 10, "min": -1, "max": 2, "value": 10, "readout_format": ".3g"}),
    "alpha": ("FloatSlider", "Zipf skew α", {"min": 0, "max": 1.5, "step": 0.05, "value": 0.8}),
    "window": ("IntText", "Window (requests)", {"value": 1000}),
}
_COLD_PRESETS = {
    f"{policy.upper()}, {pct:g}% of 10,000 keys": {"policy": policy, "n_keys": 10_000, "cache_pct": float(pct),
                                                   "alpha": 0.8, "window": 1000}
    for policy, pct in (("lru", 30), ("lru", 10), ("lfu", 30))
}
_COLD_LEGEND = _view.legend([
    ("—●—", BLUE, "cold (starts empty)"),
    ("–■–", ORANGE, "warmed (starts with the most popular keys)"),
    ("···", "black", "steady state (theory), labelled “steady”"),
])


class _WarmUpChart:
    """Hit ratio per window of requests for a cold and a warmed cache, and the steady state by theory."""

    def __init__(self) -> None:
        self.figure, ax = _view.fixed_axes(WIDTH_IN, 2.9, margins=(0.6, 0.5, 0.55, 0.1), axis=True)
        (self.cold,) = ax.plot([], [], "o-", color=BLUE, markersize=3)
        (self.warm,) = ax.plot([], [], "s--", color=ORANGE, markersize=3)
        self.steady = ax.axhline(0.5, color="black", linestyle=":")
        self.steady_label = ax.text(1.02, 0.5, "steady", transform=ax.get_yaxis_transform(), ha="left",
                                    va="center", fontsize=SMALL_PT)
        ax.set(xlim=(0, COLD_REQUESTS), ylim=(0, 1))
        ticks = [COLD_REQUESTS * i // 4 for i in range(5)]
        _view.Ticks(ax, "x", ticks, [f"{t:,}" for t in ticks])
        _view.Ticks(ax, "y", (0, 0.5, 1), ("0", "0.5", "1"))
        _view.x_label(ax, "requests")
        _view.y_label(ax, "hit ratio in the window")

    def html(self, v: _view.Values, size: int, result: model.WarmUp) -> str:
        curves, first = result.curves, result.curves.iloc[0]
        self.cold.set_data(curves["requests"], curves["cold"])
        self.warm.set_data(curves["requests"], curves["warm"])
        self.steady.set_ydata([result.steady] * 2)
        self.steady_label.set_y(result.steady)
        alt = (
            f"Hit ratio per window of {result.window:,} requests over {COLD_REQUESTS:,} requests for a cold and a "
            f"warmed {v['policy'].upper()} cache of {size:,} of {v['n_keys']:,} keys: the first window's hit "
            f"ratio is {first['cold']:.2f} cold and {first['warm']:.2f} warmed; both approach the steady state "
            f"{result.steady:.2f}."
        )
        return _view.figure_html(self.figure, alt)


def cold_start() -> _view.Interactive:
    """Hit ratio over time for an empty cache and one pre-filled with the most popular keys.

    >>> cold_start().principal.options[0]
    'LRU, 30% of 10,000 keys'
    """
    chart = _WarmUpChart()

    def render(v: _view.Values) -> str:
        size = model.cache_entries(v["cache_pct"], v["n_keys"])
        result = model.warm_up(v["policy"], size, v["n_keys"], v["alpha"], COLD_REQUESTS, v["window"])
        first, window = result.curves.iloc[0], result.window
        rows = [
            ("Cache", f"{size:,} of {v['n_keys']:,} keys, {v['policy'].upper()}"),
            (f"Hit ratio, first {window:,} requests: cold / warmed", f"{first['cold']:.2f} / {first['warm']:.2f}"),
            (f"Misses over {len(result.curves) * window:,} requests: cold / warmed",
             f"{result.misses_cold:,} / {result.misses_warm:,}"),
            ("Extra database reads of the cold start", f"{result.extra_reads:,}"),
            ("Steady state (theory)", f"{result.steady:.3f}"),
        ]
        table = _view.table(rows, "Warming a cache (seeded Zipf trace)")
        return chart.html(v, size, result) + _COLD_LEGEND + table

    return _view.Interactive(render, _view.controls(_COLD_CONTROLS), _COLD_PRESETS, principal="Cache")


# ---------------------------------------------------------------- request coalescing

SHOWN_REQUESTS = 10
_STAMPEDE_CONTROLS = {
    "n_requests": ("IntText", "Concurrent requests", {"value": 100}),
    "spread_ms": ("FloatSlider", "Arrive within (ms)", {"min": 0, "max": 200, "step": 1, "value": 5}),
    "db_ms": ("FloatSlider", "Database query (ms)", {"min": 1, "max": 200, "step": 1, "value": 50}),
    "cache_ms": ("FloatSlider", "Cache lookup (ms)", {"min": 0.1, "max": 10, "step": 0.1, "value": 1}),
}
_STAMPEDE_PRESETS = {
    f"{n:,} requests within {spread:g} ms": {"n_requests": n, "spread_ms": float(spread), "db_ms": 50.0,
                                             "cache_ms": 1.0}
    for n, spread in ((100, 5), (10, 5), (1000, 100))
}
_ACTION_STYLE = {  # colour, hatch, the hatch in words
    "DB query": (VERMILLION, "//", "hatched ///"), "waits": (SKY, "\\\\", "hatched \\\\\\"), "hit": (GREEN, "", "plain"),
}
_STAMPEDE_LEGEND = _view.legend([("■", c, f"{a} ({pattern})") for a, (c, h, pattern) in _ACTION_STYLE.items()])
_STAMPEDE_FORMATS = {"mean latency": _ms, "slowest": _ms, "DB queries": "{:,}".format}


class _StampedeChart:
    """Bars from arrival to answer for a sample of the requests, without coalescing (top) and with it."""

    def __init__(self) -> None:
        self.figure, ax = _view.fixed_axes(WIDTH_IN, 3.0, margins=(0.95, 0.5, 0.2, 0.1), axis=True)
        self.ax = ax
        self.rows_of = {False: range(SHOWN_REQUESTS), True: range(SHOWN_REQUESTS + 1, 2 * SHOWN_REQUESTS + 1)}
        ax.set(ylim=(2 * SHOWN_REQUESTS + 0.5, -0.5))
        _view.Ticks(ax, "y", [sum(rows) / len(rows) for rows in self.rows_of.values()],
                    ["without\ncoalescing", "with\ncoalescing"], grid=False)
        self.x_ticks = _view.Ticks(ax, "x", slots=7, grid=False)
        _view.x_label(ax, "time since the key expired (ms)")
        ax.axhline(SHOWN_REQUESTS, color="#999999", linewidth=0.8)
        # One bar per row, made once and moved on each redraw: far cheaper than new bars each time.
        self.bars = {
            coalesced: ax.barh(rows, 1, left=0, height=0.7, edgecolor="black").patches
            for coalesced, rows in self.rows_of.items()
        }

    def html(self, result: model.Stampede, alt: str) -> str:
        sample = model.stampede_sample(result, SHOWN_REQUESTS)
        for coalesced, bars in self.bars.items():
            mode = sample[sample["coalesced"] == coalesced]
            for bar, (start, done, action) in zip(bars, mode[["arrival_ms", "done_ms", "action"]].itertuples(False)):
                colour, hatch, _ = _ACTION_STYLE[action]
                bar.set(x=start, width=done - start, facecolor=colour, hatch=hatch)
            for i, bar in enumerate(bars):
                bar.set_visible(i < len(mode))
        end = 1.05 * result.timeline["done_ms"].max()
        self.ax.set_xlim(0, end)
        at = _view.round_ticks(end)
        self.x_ticks.set(at, [f"{t:g}" for t in at])
        return _view.figure_html(self.figure, alt)


def coalescing() -> _view.Interactive:
    """A hot key expires under concurrent requests: database queries with and without coalescing.

    >>> coalescing().principal.value
    '100 requests within 5 ms'
    """
    chart = _StampedeChart()

    def render(v: _view.Values) -> str:
        result = model.stampede(v["n_requests"], v["spread_ms"], v["cache_ms"], v["db_ms"])
        caption = (
            f"{v['n_requests']:,} requests arrive within {v['spread_ms']:g} ms of the expiry; a lookup takes "
            f"{v['cache_ms']:g} ms, a database query {v['db_ms']:g} ms. Chart: {SHOWN_REQUESTS} of them, "
            "spread evenly in order of arrival."
        )
        alt = (
            f"Timelines of {SHOWN_REQUESTS} of {v['n_requests']:,} requests after a hot key expires, "
            f"bars from arrival to answer. Without coalescing {result.queries_without:,} requests query the "
            "database; with coalescing one does and the others wait for its answer."
        )
        table = _view.table(model.stampede_summary(result), caption, formats=_STAMPEDE_FORMATS, index=True)
        return chart.html(result, alt) + _STAMPEDE_LEGEND + table

    return _view.Interactive(render, _view.controls(_STAMPEDE_CONTROLS), _STAMPEDE_PRESETS, principal="Stampede")


# ---------------------------------------------------------------- the field's policies on one trace

POLICY_KEYS, POLICY_REQUESTS = 1000, 10_000
POLICY_PCTS = (2, 3, 5, 10, 20, 30, 50)  # cache sizes simulated, % of the keys
TABLE_PCTS = (2, 10, 30)
POLICY_ALPHAS = (0.6, 0.8, 1.0, 1.2)
_WORKLOAD_NAMES = {"zipf": "independent requests", "scans": "with scans of one-time keys",
                   "shifts": "popularity shifts"}
_POLICY_CONTROLS = {
    "workload": ("Dropdown", "Trace", {"options": [(n, k) for k, n in _WORKLOAD_NAMES.items()], "value": "zipf"}),
    "alpha": ("Dropdown", "Zipf skew α", {"options": [(f"{a:g}", a) for a in POLICY_ALPHAS], "value": 0.8}),
}
_POLICY_PRESETS = {
    "Independent requests (α = 0.8)": {"workload": "zipf", "alpha": 0.8},
    "Scans of one-time keys (α = 0.8)": {"workload": "scans", "alpha": 0.8},
    "Popularity shifts (α = 1)": {"workload": "shifts", "alpha": 1.0},
}
_POLICY_STYLE = {  # matplotlib marker, line style, colour, legend symbol, marker size, hollow
    "belady": ("", ":", "black", "···", 0, False),
    "s3fifo": ("o", "-", VERMILLION, "—●—", 4, False),
    "sieve": ("s", "--", GREEN, "–□–", 7.5, True),
    "wtinylfu": ("D", "-", PURPLE, "—◆—", 4, False),
    "arc": ("^", "--", SKY, "–△–", 7, True),
    "lfu": ("s", ":", ORANGE, "·■·", 4, False),
    "lru": ("", "-", BLUE, "——", 0, False),
    "fifo": ("^", "--", _view.GREY, "–▲–", 4, False),
}
_POLICY_LEGEND = _view.legend([(s[3], s[2], eviction.LABELS[p]) for p, s in _POLICY_STYLE.items()])
_POLICY_NOTE = (
    f"<p>Each trace: {POLICY_REQUESTS:,} seeded requests over {POLICY_KEYS:,} keys, unit-size objects, "
    "every cache starts empty and every request counts. LRU is drawn at every size from one pass "
    f"(stack distances); the others are simulated at {', '.join(f'{p}%' for p in POLICY_PCTS)} of the keys, "
    "with markers at the table's sizes. LRU, FIFO and LFU: the course's simulator; "
    "S3-FIFO, SIEVE, W-TinyLFU, ARC and Belady: libCacheSim 0.3.5.</p>"
)


def _policy_sizes(pcts) -> tuple[int, ...]:
    return tuple(round(p / 100 * POLICY_KEYS) for p in pcts)


@functools.cache
def _policy_runs() -> dict[tuple[str, float], dict[str, tuple]]:
    """Every trace and skew the controls offer, simulated once per process (about a second in all)."""
    sizes = _policy_sizes(POLICY_PCTS)
    lru_sizes = np.unique(np.concatenate([np.geomspace(sizes[0], sizes[-1], 40).round().astype(int), sizes]))
    runs = {}
    for workload in _WORKLOAD_NAMES:
        for alpha in POLICY_ALPHAS:
            ratios = eviction.policy_hit_ratios(workload, POLICY_KEYS, alpha, POLICY_REQUESTS, sizes)
            keys = eviction.policy_trace(workload, POLICY_KEYS, alpha, POLICY_REQUESTS)
            lru = eviction.lru_hits_by_size(keys)[lru_sizes] / POLICY_REQUESTS
            runs[workload, alpha] = {p: (POLICY_PCTS, r) for p, r in ratios.items()} | {
                "lru": (100 * lru_sizes / POLICY_KEYS, lru)}
    return runs


class _PoliciesChart:
    """Hit ratio against cache size (log x), one line per policy, all on the same trace."""

    def __init__(self) -> None:
        self.figure, ax = _view.fixed_axes(WIDTH_IN, 3.0, margins=(0.6, 0.5, 0.15, 0.1), axis=True)
        ax.set_xscale("log")
        ax.set(xlim=(1.8, 56), ylim=(0, 1))
        _view.Ticks(ax, "x", (2, 5, 10, 20, 50), ("2%", "5%", "10%", "20%", "50%"), grid=False)
        _view.Ticks(ax, "y", (0, 0.25, 0.5, 0.75, 1), ("0", "0.25", "0.5", "0.75", "1"))
        _view.x_label(ax, "cache size (% of the keys, log scale)")
        _view.y_label(ax, "hit ratio")
        self.lines = {
            p: ax.plot([], [], marker=m or None, linestyle=ls, color=c, markersize=size, linewidth=1.4,
                       markerfacecolor="none" if hollow else c, markeredgewidth=1.3 if hollow else 1,
                       markevery=[POLICY_PCTS.index(pct) for pct in TABLE_PCTS])[0]
            for p, (m, ls, c, _, size, hollow) in _POLICY_STYLE.items()
        }

    def html(self, curves: dict[str, tuple], v: _view.Values) -> str:
        for policy, (x, y) in curves.items():
            self.lines[policy].set_data(x, y)
        ranked = sorted(eviction.COMPARED, key=lambda p: -_policy_at(curves, p, 10))
        alt = (
            f"Hit ratio against cache size (2% to 50% of {POLICY_KEYS:,} keys, log scale) for eight policies on one "
            f"trace ({_WORKLOAD_NAMES[v['workload']]}, Zipf skew {v['alpha']:g}). At 10%: "
            + ", ".join(f"{eviction.LABELS[p]} {_policy_at(curves, p, 10):.2f}" for p in ranked) + "."
        )
        return _view.figure_html(self.figure, alt)


def _policy_at(curves: dict[str, tuple], policy: str, pct: float) -> float:
    """A policy's hit ratio at one of the simulated sizes (LRU's line has every size)."""
    x, y = curves[policy]
    return float(y[int(np.argmin(np.abs(np.asarray(x) - pct)))])


def policies() -> _view.Interactive:
    """Hit ratio against cache size for eight policies (S3-FIFO, SIEVE, ARC, W-TinyLFU, Belady and the course's
    LRU, FIFO, LFU) on one seeded trace, with a table at three sizes.

    >>> "S3-FIFO" in policies().view.value
    True
    """
    chart, runs = _PoliciesChart(), _policy_runs()

    def render(v: _view.Values) -> str:
        curves = runs[v["workload"], v["alpha"]]
        rows = {eviction.LABELS[p]: {f"{pct}%": _policy_at(curves, p, pct) for pct in TABLE_PCTS}
                for p in eviction.COMPARED}
        caption = (
            f"Hit ratio by cache size (% of {POLICY_KEYS:,} keys: "
            + ", ".join(f"{s:,}" for s in _policy_sizes(TABLE_PCTS)) + " entries). Belady, the offline optimum, "
            f"is the ceiling for the others. Trace: {_WORKLOAD_NAMES[v['workload']]}, Zipf skew α = {v['alpha']:g}."
        )
        table = _view.table(pd.DataFrame.from_dict(rows, orient="index"), caption,
                            formats=["{:.3f}".format] * len(TABLE_PCTS), index=True)
        return chart.html(curves, v) + _POLICY_LEGEND + _POLICY_NOTE + table

    return _view.Interactive(render, _view.controls(_POLICY_CONTROLS), _POLICY_PRESETS, principal="Trace")
