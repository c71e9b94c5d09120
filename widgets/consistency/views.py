"""Consistency's views: six zero-argument factories over :mod:`.model`.

* :func:`quorum_explorer`: N, R, W and failed replicas, drawn, with the quorum tests and their odds;
* :func:`visibility`: PBS t-visibility, P(consistent read) against time since commit;
* :func:`gossip`: a rumour spreading by push, pull and push-pull, animated, and rounds against n;
* :func:`techniques`: the consistency techniques' messages and convergence against cluster size;
* :func:`fencing`: split brain, an old leader's late write, with and without fencing tokens;
* :func:`lagging_replicas`: what readers at each replica see after one write, and session guarantees.

The factories are not named after the model's functions they draw (``t_visibility``, ``split_brain``,
``replica_reads``): the topic package exports both, and a factory's name would hide the function's.

Each is declared as data (controls and presets), a chart class that builds its figure once and
updates its artists, and a ``render`` that formats what the model computed.
"""

from __future__ import annotations

import functools
import math

import ipywidgets as w
import numpy as np
import pandas as pd
from matplotlib.patches import Rectangle
from matplotlib.ticker import NullLocator

from widgets import _view
from widgets._view.tables import number_text, percent

from . import model

BLUE, ORANGE, GREEN, VERMILLION, PURPLE, SKY = _view.PALETTE[:6]
BLACK, GREY = _view.PALETTE[7], "#777777"
WIDTH_IN, FONT = _view.FIGURE_WIDTH_IN, _view.MIN_FONT_PT


def _count(x: float) -> str:
    """A count for an axis: 10, 1k, 100k, 10M."""
    for size, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if x >= size:
            return f"{x / size:g}{suffix}"
    return f"{x:g}"


def _duration(ms: float) -> str:
    """A duration for an axis: 1 ms, 100 ms, 10 s."""
    return f"{ms:g} ms" if ms < 1_000 else f"{ms / 1_000:,g} s"


def _freeze(figure) -> None:
    """:func:`_view.freeze_layout`, and the axis labels pinned where that layout put them: placed anew, each
    redraw would measure every tick label again (a fifth of a chart's redraw)."""
    _view.freeze_layout(figure)
    for ax in figure.axes:
        box = ax.bbox
        x_label_y = (ax.xaxis.label.get_position()[1] - box.y0) / box.height  # it was in pixels
        y_label_x = (ax.yaxis.label.get_position()[0] - box.x0) / box.width
        ax.xaxis.set_label_coords(0.5, x_label_y)
        ax.yaxis.set_label_coords(y_label_x, 0.5)


# ---------------------------------------------------------------- 1. the quorum explorer

MAX_SHOWN_REPLICAS = 9
_REPLICAS = {"min": 1, "max": MAX_SHOWN_REPLICAS}
_QUORUM_CONTROLS = {
    "n": ("IntSlider", "Replicas N", {**_REPLICAS, "value": 3}),
    "r": ("IntSlider", "Read quorum R", {**_REPLICAS, "value": 1}),
    "w": ("IntSlider", "Write quorum W", {**_REPLICAS, "value": 1}),
    "failed": ("IntSlider", "Replicas down", {"min": 0, "max": MAX_SHOWN_REPLICAS, "value": 0}),
    "availability": ("FloatText", "Each replica up (0-1)", {"value": 0.99}),
}
_QUORUM_PRESETS = {
    "N = 3, R = W = 1: fast, may read stale": {"n": 3, "r": 1, "w": 1, "failed": 0, "availability": 0.99},
    "N = 3, R = W = 2: majorities overlap": {"n": 3, "r": 2, "w": 2, "failed": 0, "availability": 0.99},
    "N = 5, R = W = 3, 2 replicas down": {"n": 5, "r": 3, "w": 3, "failed": 2, "availability": 0.99},
    "N = 5, R = 1, W = 5, 1 down: writes stop": {"n": 5, "r": 1, "w": 5, "failed": 1, "availability": 0.99},
}
_QUORUM_LEGEND = _view.legend([
    ("■", BLUE, "holds the write (v2)"),
    ("□", GREY, "holds only the old value (v1)"),
    ("——", BLUE, "write quorum, above"),
    ("– –", ORANGE, "read quorum, below"),
    ("■", "#dddddd", "hatched, “down”: a replica that is down"),
])
K_VERSIONS = (1, 2, 3, 5, 10)


class _QuorumChart:
    """N replicas as boxes: the write's W above, the read's R below, down replicas crossed out."""

    def __init__(self) -> None:
        self.figure, self.ax = _view.fixed_axes(WIDTH_IN, 2.2)
        half = MAX_SHOWN_REPLICAS / 2 + 0.2
        self.ax.set(xlim=(-half, half), ylim=(-0.85, 1.78))

    def _bracket(self, first: float, last: float, y: float, tick: float, text: str, colour: str,
                 dashed: bool) -> None:
        style = {"color": colour, "linewidth": 2, "linestyle": "--" if dashed else "-"}
        self.ax.plot([first - 0.4, first - 0.4, last + 0.4, last + 0.4], [y + tick, y, y, y + tick], **style)
        self.ax.text((first + last) / 2, y - 0.06 if tick > 0 else y + 0.06, text, ha="center",
                     va="top" if tick > 0 else "bottom", fontsize=FONT)

    def html(self, q: model.Quorum) -> str:
        ax, n = self.ax, q.n
        _view.clear(ax)
        x = np.arange(n) - (n - 1) / 2
        down = set(range(q.failed))  # drawn worst case: the replicas holding the write fail first
        for i in range(n):
            has, is_down = i in q.write_replicas, i in down
            face = "#dddddd" if is_down else BLUE if has else "white"
            ax.add_patch(Rectangle((x[i] - 0.4, 0), 0.8, 0.8, facecolor=face, edgecolor=BLACK if has else GREY,
                                   linewidth=1.2, hatch="///" if is_down else None))
            light = has and not is_down
            ax.text(x[i], 0.4, ("v2" if has else "v1") + ("\ndown" if is_down else ""), ha="center", va="center",
                    fontsize=FONT, color="white" if light else BLACK, fontweight="bold" if has else "normal",
                    bbox={"facecolor": "white", "edgecolor": "none", "pad": 1} if is_down else None)
        writes, reads = q.write_replicas, q.read_replicas
        self._bracket(x[writes[0]], x[writes[-1]], 1.0, -0.12, f"write, W = {q.w}", BLUE, False)
        read_text = f"read, R = {q.r}" + ("" if q.can_read else f": only {n - q.failed} up, it fails")
        self._bracket(x[reads[0]], x[reads[-1]], -0.2, 0.12, read_text, ORANGE, True)
        if not q.can_read:
            verdict = f"The read cannot gather R = {q.r} answers"
        elif q.overlap:
            verdict = f"Every read meets the write on {q.overlap} replica{'s' if q.overlap > 1 else ''}: it sees v2"
        else:
            verdict = "This read misses the write: it returns v1"
        ax.text(0, 1.72, f"R + W = {q.r + q.w} {'>' if q.strict else '≤'} N = {n}.\n{verdict}", ha="center",
                va="top", fontsize=FONT, fontweight="bold", linespacing=1.3)
        up = n - q.failed
        new_write = (f"A new write now succeeds: {up} up ≥ W = {q.w}" if q.can_write
                     else f"A new write now fails: {up} up < W = {q.w}")
        ax.text(0, -0.8, new_write, ha="center", va="bottom", fontsize=FONT, style="italic")
        alt = (
            f"{n} replicas as boxes; the write went to replicas 1 to {q.w} (marked v2), the read asks the last "
            f"{q.r}; {q.failed} replica(s) down, crossed out. {verdict}. Shared replicas: {q.overlap}. "
            f"P(a read right after a write misses it) = {q.stale_read_probability:.3f}. {new_write}."
        )
        return _view.figure_html(self.figure, alt)


def _quorum_rows(q: model.Quorum) -> list[tuple[str, str]]:
    up = q.n - q.failed
    staleness = " / ".join(f"{model.k_staleness(q.n, q.r, q.w, k):.3f}" for k in K_VERSIONS)
    each = f"each replica up {percent(q.replica_availability)}"
    return [
        ("Strict quorum: R + W > N", f"{q.r} + {q.w} = {q.r + q.w} {'>' if q.strict else '≤'} {q.n}: "
                                     f"{'yes' if q.strict else 'no'}"),
        ("Writes need a majority: W > N/2", f"{q.w} {'>' if q.write_majority else '≤'} {q.n / 2:g}: "
                                            f"{'yes' if q.write_majority else 'no'}"),
        ("Fewest replicas any read and write share", f"{q.overlap}"),
        ("P(a read right after a write misses it)", f"{q.stale_read_probability:.3f}"),
        (f"P(a read returns one of the last k versions), k = {', '.join(map(str, K_VERSIONS))}", staleness),
        (f"Reads with {q.failed} down", f"{'possible' if q.can_read else 'impossible'}: {up} up, R = {q.r}"),
        (f"Writes with {q.failed} down", f"{'possible' if q.can_write else 'impossible'}: {up} up, W = {q.w}"),
        (f"Read availability, {each}", percent(q.read_availability)),
        (f"Write availability, {each}", percent(q.write_availability)),
        (f"Majority of {q.n}; failures it tolerates", f"{model.majority(q.n)}; {model.tolerated_failures(q.n)}"),
    ]


_QUORUM_CAPTION = (
    "Read and write quorums chosen at random, no read repair or anti-entropy (Bailis et al. 2012). "
    "Drawn: the worst case, a write on the first W replicas, the read on the last R, the first replicas down. "
    "Availability: replicas fail independently."
)


def quorum_explorer() -> _view.Interactive:
    """N replicas, read and write quorums R and W, failed replicas: overlap, staleness, availability.

    >>> "This read misses the write" in quorum_explorer().view.value
    True
    """
    chart = _QuorumChart()

    def render(v: _view.Values) -> str:
        q = model.quorum(v["n"], v["r"], v["w"], failed=v["failed"], replica_availability=v["availability"])
        return chart.html(q) + _QUORUM_LEGEND + _view.table(_quorum_rows(q), _QUORUM_CAPTION)

    return _view.Interactive(render, _view.controls(_QUORUM_CONTROLS), _QUORUM_PRESETS, principal="Quorum")


# ---------------------------------------------------------------- 2. PBS t-visibility

#: The N, R, W choices drawn, each with its marker, line style, colour, legend symbol. R = 1, W = 2 and
#: R = 2, W = 1 coincide without propagation: a large hollow square around a small filled triangle.
_NRW_STYLE = {
    (3, 1, 1): ("o", "-", BLUE, "—●—"),
    (3, 1, 2): ("s", "--", ORANGE, "–□–"),
    (3, 2, 1): ("^", ":", GREEN, "·▲·"),
    (5, 1, 1): ("D", "-", PURPLE, "—◆—"),
    (3, 2, 2): ("", "-", BLACK, "——"),
}
T_TIMES = tuple(float(t) for t in np.geomspace(0.1, 300, 22).round(3))
T_TABLE = (0.0, 1.0, 10.0, 100.0)
T_TRIALS = 5_000
_DELAY = {"base": 10, "min": -1, "max": 2, "step": 0.1, "readout_format": ".3g"}
_T_CONTROLS = {
    "write_ms": ("FloatLogSlider", "Write delay, mean (ms)", {**_DELAY, "value": 10}),
    "ack_ms": ("FloatLogSlider", "Ack delay, mean (ms)", {**_DELAY, "value": 1}),
    "read_ms": ("FloatLogSlider", "Read delay, mean (ms)", {**_DELAY, "value": 1}),
    "response_ms": ("FloatLogSlider", "Response delay, mean (ms)", {**_DELAY, "value": 1}),
    "propagate": ("Checkbox", "Write sent to all N replicas", {"value": True}),
}
_SLOW_WRITES = model.LATENCY_PROFILES["slow writes (W 10 ms)"]
_T_PRESETS = {name[0].upper() + name[1:]: {**delays, "propagate": True}
              for name, delays in model.LATENCY_PROFILES.items()} | {
    "Slow writes, kept on the W acking replicas": {**_SLOW_WRITES, "propagate": False},
}


def _nrw(n: int, r: int, w: int) -> str:
    return f"N = {n}, R = W = {r}" if r == w else f"N = {n}, R = {r}, W = {w}"


_T_LEGEND = _view.legend([(s[3], s[2], _nrw(*nrw) + (" (strict)" if nrw == (3, 2, 2) else ""))
                          for nrw, s in _NRW_STYLE.items()])


class _VisibilityChart:
    """P(consistent read) against the time since commit (log x), one line per N, R, W."""

    def __init__(self) -> None:
        self.figure = _view.new_figure(WIDTH_IN, 2.8)
        ax = self.figure.add_subplot()
        _view.log_x(ax, (0.1, 1, 10, 100))
        ax.set(xlim=(T_TIMES[0], T_TIMES[-1]), ylim=(0, 1.04), yticks=(0, 0.25, 0.5, 0.75, 1),
               xlabel="time since the write committed (ms)", ylabel="P(consistent read)")
        ax.grid(True, alpha=0.3)
        self.lines = {
            nrw: ax.plot([], [], marker=m, linestyle=ls, color=c, linewidth=1.5 if m else 1,
                         markersize=7 if m == "s" else 4, markerfacecolor="none" if m == "s" else c)[0]
            for nrw, (m, ls, c, _) in _NRW_STYLE.items()
        }
        _freeze(self.figure)

    def html(self, curves: dict, v: _view.Values) -> str:
        for nrw, line in self.lines.items():
            line.set_data(T_TIMES, curves[nrw].consistent[len(T_TABLE):])
        at = "; ".join(f"{_nrw(*nrw)}: {tv.consistent[0]:.2f} at 0 ms, {tv.consistent[2]:.2f} at 10 ms"
                       for nrw, tv in curves.items())
        alt = (
            f"P(consistent read) against the time since commit, 0.1 to 300 ms (log scale), mean delays: write "
            f"{v['write_ms']:.3g}, ack {v['ack_ms']:.3g}, read {v['read_ms']:.3g}, response {v['response_ms']:.3g} ms; "
            f"write {'sent to all N' if v['propagate'] else 'kept on the W acking replicas'}. {at}."
        )
        return _view.figure_html(self.figure, alt)


def _visibility_table(curves: dict) -> str:
    rows = [{"N, R, W": _nrw(*nrw), **{f"{t:g} ms": p for t, p in zip(T_TABLE, tv.consistent)},
             "closed form": tv.closed_form} for nrw, tv in curves.items()]
    caption = (
        f"P(consistent read) t ms after commit, from {T_TRIALS:,} seeded trials of the WARS model (exponential "
        "delays, means as set; standard error at most 0.007). Closed form: 1 − C(N−W, R)/C(N, R), the write "
        "kept on the W replicas that acknowledged it."
    )
    probability = "{:.3f}".format
    return _view.table(pd.DataFrame(rows), caption, formats={"N, R, W": str} | {
        c: probability for c in [*(f"{t:g} ms" for t in T_TABLE), "closed form"]})


def visibility() -> _view.Interactive:
    """PBS t-visibility: how consistent reads become as time passes after a write commits.

    >>> "N = 3, R = W = 1" in visibility().view.value
    True
    """
    chart = _VisibilityChart()

    def render(v: _view.Values) -> str:
        delays = {name: v[name] for name in ("write_ms", "ack_ms", "read_ms", "response_ms")}
        curves = {nrw: model.t_visibility(*nrw, T_TABLE + T_TIMES, trials=T_TRIALS, propagate=v["propagate"],
                                          **delays) for nrw in _NRW_STYLE}
        return chart.html(curves, v) + _T_LEGEND + _visibility_table(curves)

    return _view.Interactive(render, _view.controls(_T_CONTROLS), _T_PRESETS, principal="Latency profile")


# ---------------------------------------------------------------- 3. gossip, animated

GOSSIP_SHOWN = (100, 1_000, 10_000)
GOSSIP_CHART_SIZES = (10, 30, 100, 300, 1_000, 3_000, 10_000)
GOSSIP_RUNS = 30
GOSSIP_SEED = 0
#: Each mode's colour, marker, line style, legend symbol (push, pull, push-pull).
_MODE_STYLE = {
    "push": (BLUE, "o", "-", "—●—"),
    "pull": (ORANGE, "s", "--", "–■–"),
    "push-pull": (GREEN, "^", ":", "·▲·"),
}
_ROW = "display:flex;align-items:center;gap:0.5em;margin:0.2em 0"


def _gossip_bar(mode: str, informed: int, n: int) -> str:
    """One mode's informed nodes as an HTML bar (labelled, so its colour is not the only cue)."""
    colour = _MODE_STYLE[mode][0]
    done = " ✓" if informed == n else ""
    return (
        f"<div style='{_ROW}'><span style='flex:0 0 5.2em'>{mode}</span>"
        f"<span role='img' aria-label='{mode}: {informed:,} of {n:,} informed' style='flex:1 1 auto;"
        f"height:1.1em;border:1px solid #555555'><span style='display:block;height:100%;"
        f"width:{100 * informed / n:.2f}%;background-color:{colour}'></span></span>"
        f"<span style='flex:0 0 5em;text-align:right;white-space:nowrap'>{informed:,}{done}</span></div>"
    )


def _gossip_frame(n: int, counts: dict[str, tuple[int, ...]], step: int) -> str:
    """Round ``step`` of one seeded run per mode: bars, and the round each mode finished in so far."""
    bars = "".join(_gossip_bar(mode, c[min(step, len(c) - 1)], n) for mode, c in counts.items())
    finished = " · ".join(f"{mode} in round {len(c) - 1}" if step >= len(c) - 1 else f"{mode} not yet"
                          for mode, c in counts.items())
    return (
        f"<p style='margin:0.2em 0'><b>Round {step}</b>: nodes that know the rumour, of {n:,} "
        f"(one node knew it at round 0; the same seed for each mode).</p>{bars}"
        f"<p style='margin:0.2em 0'>All informed: {finished}.</p>"
    )


def gossip_frames(n: int) -> tuple[str, ...]:
    """The animation for ``n`` nodes: one HTML frame per round until every mode has informed all."""
    counts = {mode: model.gossip_counts(n, mode=mode, seed=GOSSIP_SEED) for mode in _MODE_STYLE}
    rounds = max(len(c) for c in counts.values())
    return tuple(_gossip_frame(n, counts, step) for step in range(rounds))


_GOSSIP_LEGEND = _view.legend([(s[3], s[0], f"{mode}, mean of {GOSSIP_RUNS} runs") for mode, s in _MODE_STYLE.items()]
                              + [("——", BLACK, "log2 n + ln n")])


@functools.cache
def gossip_chart() -> str:
    """Mean rounds against n for each mode, with log2 n + ln n, its legend and its table (drawn once)."""
    means = {mode: [float(np.mean(model.gossip_rounds(n, runs=GOSSIP_RUNS, mode=mode, seed=GOSSIP_SEED)))
                    for n in GOSSIP_CHART_SIZES] for mode in _MODE_STYLE}
    theory = [model.push_rounds_estimate(n) for n in GOSSIP_CHART_SIZES]
    figure = _view.new_figure(WIDTH_IN, 2.6)
    ax = figure.add_subplot()
    _view.log_x(ax, (10, 100, 1_000, 10_000))
    ax.set_xticks((10, 100, 1_000, 10_000), ("10", "100", "1,000", "10,000"))
    ax.set(xlim=(8, 12_500), ylim=(0, 30), xlabel="nodes n", ylabel="rounds until all know")
    ax.grid(True, alpha=0.3)
    ax.plot(GOSSIP_CHART_SIZES, theory, color=BLACK, linewidth=1)
    for mode, (colour, marker, style, _) in _MODE_STYLE.items():
        ax.plot(GOSSIP_CHART_SIZES, means[mode], marker=marker, linestyle=style, color=colour, markersize=4)
    _view.freeze_layout(figure)
    at = "; ".join(f"{mode} {means[mode][-1]:.1f}" for mode in _MODE_STYLE)
    alt = (f"Mean rounds until every node knows a rumour against the number of nodes, 10 to 10,000 (log scale), "
           f"for push, pull and push-pull gossip, with log2 n + ln n. At 10,000 nodes: {at}; "
           f"log2 n + ln n = {theory[-1]:.1f}.")
    table = pd.DataFrame({"nodes": GOSSIP_CHART_SIZES, **means, "log2 n + ln n": theory})
    caption = (f"Mean rounds until all n nodes know, over {GOSSIP_RUNS} seeded runs each. Synchronous rounds on "
               "a complete graph: each round every node calls one random other node.")
    one_decimal = "{:.1f}".format
    return (_view.figure_html(figure, alt) + _GOSSIP_LEGEND
            + _view.table(table, caption, formats={"nodes": "{:,}".format} | {
                c: one_decimal for c in [*_MODE_STYLE, "log2 n + ln n"]}))


def gossip() -> _view.Views:
    """A rumour spreading by push, pull and push-pull gossip (same seed), animated per cluster size,
    and the rounds each needs against n (plays with no kernel).

    >>> gossip().principal.options
    ('100 nodes', '1,000 nodes', '10,000 nodes')
    """
    players = {f"{n:,} nodes": _view.player(list(gossip_frames(n)), interval_ms=700, label="Round")
               for n in GOSSIP_SHOWN}
    box = _view.views("Cluster size", players)
    box.children = (*box.children, w.HTML(gossip_chart()))
    return box


# ---------------------------------------------------------------- 4. the techniques compared

TECH_SIZES = (10, 30, 100, 300, 1_000, 3_000, 10_000)
TECH_RUNS = 5
_TECH_CONTROLS = {
    "n": ("Dropdown", "Cluster size (table)", {"options": _view.counted(*TECH_SIZES), "value": 100}),
    "gossip_mode": ("Dropdown", "Gossip mode", {"options": list(model.GOSSIP_MODES), "value": "push"}),
    "hop_ms": ("FloatText", "Network hop (ms)", {"value": 1.0}),
    "refresh_ms": ("FloatText", "Cache refresh (ms)", {"value": 1_000.0}),
    "gossip_round_ms": ("FloatText", "Gossip round (ms)", {"value": 1_000.0}),
    "election_ms": ("FloatText", "Election (ms)", {"value": 150.0}),
}
_TECH_TIMES = {"hop_ms": 1.0, "refresh_ms": 1_000.0, "gossip_round_ms": 1_000.0, "election_ms": 150.0}
_TECH_PRESETS = {
    "10 nodes: a full mesh is cheap and fastest": {"n": 10, "gossip_mode": "push", **_TECH_TIMES},
    "1,000 nodes: the full mesh sends a million": {"n": 1_000, "gossip_mode": "push", **_TECH_TIMES},
    "10,000 nodes, push-pull gossip every 100 ms": {"n": 10_000, "gossip_mode": "push-pull", **_TECH_TIMES,
                                                    "gossip_round_ms": 100.0},
}
#: Each technique's colour, marker, hollow, line style, legend symbol.
_TECH_STYLE = {
    "full mesh": (BLUE, "o", False, "-", "—●—"),
    "leader": (ORANGE, "s", False, "--", "–■–"),
    "distributed cache": (GREEN, "^", False, ":", "·▲·"),
    "gossip": (VERMILLION, "D", False, "-", "—◆—"),
    "random leader": (PURPLE, "s", True, "--", "–□–"),  # a large hollow square: the cache's triangles show inside
}
_TECH_LEGEND = _view.legend([(s[4], s[0], name) for name, s in _TECH_STYLE.items()]
                            + [("– –", GREY, "the cluster size of the table")])
_TECH_FORMATS = {"technique": str, "converge (ms)": lambda ms: f"{ms:,.0f}"}


def _decades(values: np.ndarray) -> tuple[list[float], tuple[float, float]]:
    """Ticks at powers of ten (every other one on a wide span) and limits for a log axis holding values."""
    positive = values[values > 0]
    low, high = (0, 1) if positive.size == 0 else (math.floor(math.log10(positive.min())),
                                                    math.ceil(math.log10(positive.max())))
    high = max(high, low + 1)
    step = 1 if high - low <= 4 else 2
    return [10.0**k for k in range(low, high + 1, step)], (10.0**low / 1.5, 10.0**high * 1.5)


class _TechniquesChart:
    """Messages per round (every node shares one update) and time to converge against cluster size, side by
    side, log-log."""

    def __init__(self) -> None:
        self.figure = _view.new_figure(WIDTH_IN, 2.7)
        self.messages, self.time = self.figure.subplots(1, 2)
        for ax, title in ((self.messages, "messages per round"), (self.time, "time to converge")):
            _view.log_x(ax, (10, 100, 1_000, 10_000))
            ax.set_xticks((10, 100, 1_000, 10_000), ("10", "100", "1k", "10k"))
            ax.set_xlim(7, 14_000)
            ax.set_yscale("log")
            ax.yaxis.set_minor_locator(NullLocator())
            # A text, not a title: a title is placed anew each redraw, measuring the tick labels again.
            ax.text(0.5, 1.03, title, transform=ax.transAxes, ha="center", va="bottom", fontsize=FONT)
            ax.set_xlabel("nodes", fontsize=FONT)
            ax.tick_params(labelsize=FONT)  # no grid: on log axes its lines cost a third of the redraw
        ticks = [1, 100, 1e4, 1e6, 1e8]
        self.messages.set_ylim(1, 3e8)
        self.messages.set_yticks(ticks, [_count(t) for t in ticks])
        self.lines = {
            (ax, name): ax.plot([], [], marker=m, linestyle=ls, color=c, markersize=7 if hollow else 4,
                                markerfacecolor="none" if hollow else c)[0]
            for ax in (self.messages, self.time) for name, (c, m, hollow, ls, _) in _TECH_STYLE.items()
        }
        self.chosen = [ax.axvline(100, color=GREY, linestyle="--", linewidth=1) for ax in (self.messages, self.time)]
        self.time.set_yticks([1, 1e5], ["1 ms", "100 s"])  # the widest labels, for the layout
        self.time_ticks: list[float] = []
        _freeze(self.figure)

    def html(self, costs: pd.DataFrame, n: int) -> str:
        for name in _TECH_STYLE:
            rows = costs[costs["technique"] == name]
            for ax, column in ((self.messages, "messages_per_round"), (self.time, "converge_ms")):
                values = rows[column].to_numpy()
                self.lines[ax, name].set_data(rows["n"], np.where(values > 0, values, np.nan))
        ticks, limits = _decades(costs["converge_ms"].to_numpy())
        self.time.set_ylim(*limits)
        if ticks != self.time_ticks:  # new tick labels cost a redraw's worth of text layout
            self.time.set_yticks(ticks, [_duration(t) for t in ticks])
            self.time_ticks = ticks
        for line in self.chosen:
            line.set_xdata([n, n])
        at = costs[costs["n"] == TECH_SIZES[-1]].set_index("technique")
        alt = (
            "Two log-log charts against cluster size, 10 to 10,000 nodes: messages per round (every node shares one "
            "update) and time to converge for full mesh, leader, distributed cache, gossip and random leader. "
            "At 10,000 nodes: "
            + "; ".join(f"{name} {number_text(row.messages_per_round)} messages, {_duration(row.converge_ms)}"
                        for name, row in at.iterrows())
            + f". Marked: {n:,} nodes."
        )
        return _view.figure_html(self.figure, alt)


def _tech_table(costs: pd.DataFrame, n: int, v: _view.Values) -> str:
    shown = costs[costs["n"] == n].drop(columns="n").rename(columns={
        "messages_per_update": "messages per update", "messages_per_round": "messages per round",
        "duplicates_per_update": "duplicates per update", "converge_ms": "converge (ms)"})
    caption = (
        f"{n:,} nodes. One-way messages, acknowledgements not counted. A round: every node shares one update, "
        "batched where the technique can. Converge: one update until the last node holds it, with a hop of "
        f"{number_text(v['hop_ms'])} ms, a cache refresh every {number_text(v['refresh_ms'])} ms, {v['gossip_mode']} "
        f"gossip rounds of {number_text(v['gossip_round_ms'])} ms (mean rounds of {TECH_RUNS} seeded runs), "
        f"elections of {number_text(v['election_ms'])} ms, each node claiming leadership with p = 1/n."
    )
    return _view.table(shown, caption, formats=_TECH_FORMATS)


def techniques() -> _view.Interactive:
    """Full mesh, leader, distributed cache, gossip and random leader: messages and convergence against n.

    >>> "full mesh" in techniques().view.value
    True
    """
    chart = _TechniquesChart()

    def render(v: _view.Values) -> str:
        costs = model.technique_costs(TECH_SIZES, hop_ms=v["hop_ms"], refresh_ms=v["refresh_ms"],
                                      gossip_round_ms=v["gossip_round_ms"], gossip_mode=v["gossip_mode"],
                                      election_ms=v["election_ms"], runs=TECH_RUNS)
        return chart.html(costs, v["n"]) + _TECH_LEGEND + _tech_table(costs, v["n"], v)

    return _view.Interactive(render, _view.controls(_TECH_CONTROLS), _TECH_PRESETS, principal="Cluster")


# ---------------------------------------------------------------- 5. split brain: leases and fencing tokens

_LEASE_CONTROLS = {
    "fencing": ("Checkbox", "Storage checks fencing tokens", {"value": False}),
    "lease_ms": ("FloatSlider", "Lease (ms)", {"min": 1_000, "max": 20_000, "step": 500, "value": 10_000}),
    "pause_at_ms": ("FloatSlider", "A pauses at (ms)", {"min": 0, "max": 20_000, "step": 500, "value": 1_000}),
    "pause_ms": ("FloatSlider", "A's pause (ms)", {"min": 0, "max": 30_000, "step": 500, "value": 15_000}),
    "new_write_after_ms": ("FloatSlider", "B writes after (ms)", {"min": 0, "max": 10_000, "step": 250,
                                                                  "value": 1_000}),
}
_LEASE = {"lease_ms": 10_000.0, "pause_at_ms": 1_000.0, "new_write_after_ms": 1_000.0}
_LEASE_PRESETS = {
    "Without fencing: A's late write wins": {"fencing": False, **_LEASE, "pause_ms": 15_000.0},
    "With fencing: the storage rejects token 33": {"fencing": True, **_LEASE, "pause_ms": 15_000.0},
    "A short pause (5 s, within the lease)": {"fencing": False, **_LEASE, "pause_ms": 5_000.0},
}
#: Lanes' x in inches across the figure; the time column ends at TIME_X.
_LEASE_LANES = {"A": 0.95, "lock service": 2.05, "B": 3.1, "storage": 4.1}
_LANE_NAMES = {"A": "A", "lock service": "lock service", "B": "B", "storage": "storage"}
TIME_X = 0.55
_LEASE_LEGEND = _view.legend([
    ("——", BLACK, "request, accepted"),
    ("——", VERMILLION, "a write from A after its lease expired"),
    ("– –", VERMILLION, "a write the storage rejects"),
    ("·", ORANGE, "A paused (a GC pause or a partition)"),
])


class _LeaseChart:
    """The lease timeline as a sequence diagram: A, the lock service, B and the storage; one row per event."""

    def __init__(self) -> None:
        self.figure, self.ax = _view.fixed_axes(WIDTH_IN, 3.9)
        self.ax.set(xlim=(0, WIDTH_IN), ylim=(-10.6, 1.05))

    def _note(self, lane: str, y: float, text: str, **style) -> None:
        self.ax.text(_LEASE_LANES[lane] + 0.08, y, text, ha="left", va="center", fontsize=FONT,
                     bbox={"facecolor": "white", "edgecolor": "none", "pad": 1}, **style)

    def html(self, run: model.SplitBrain, lease_ms: float) -> str:
        ax = self.ax
        _view.clear(ax)
        arrows, paused_at, resumed_at = [], None, None
        for row, e in enumerate(run.events):
            y = -row - 0.3
            ax.text(TIME_X, y, f"{e.time_ms:,.0f}", ha="right", va="center", fontsize=FONT)
            if e.action == "acquires lease":
                arrows.append(_view.Arrow(e.node, "lock service", y, label=f"lease, token {e.token}"))
            elif e.action == "writes":
                late = e.node == "A" and e.time_ms > lease_ms
                outcome = "✓" if e.accepted else "✗ rejected"
                arrows.append(_view.Arrow(e.node, "storage", y, label=f"write {e.value}, token {e.token} {outcome}",
                                          colour=VERMILLION if late else BLACK, dashed=not e.accepted))
            elif e.action == "pauses":
                paused_at = y
                self._note("A", y, "pauses (GC, network)")
            elif e.action.startswith("resumes"):
                resumed_at = y
                self._note("A", y, "resumes, still\nbelieving it leads" if "believing" in e.action else "resumes")
            elif e.action == "lease of A expires":
                self._note("lock service", y, "A's lease expires")
            else:  # the lease check
                self._note("A", y, "checks its lease: valid")
        if paused_at is not None and resumed_at is not None:
            x = _LEASE_LANES["A"]
            ax.plot([x, x], [paused_at, resumed_at], color=ORANGE, linewidth=5, linestyle=":", zorder=3)
            ax.text(x - 0.1, (paused_at + resumed_at) / 2, "paused", ha="right", va="center", fontsize=FONT,
                    rotation=90)
        ax.text(TIME_X, 0.7, "t (ms)", ha="right", va="center", fontsize=FONT)
        lanes = {_LANE_NAMES[lane]: x for lane, x in _LEASE_LANES.items()}
        named = [_view.Arrow(_LANE_NAMES[a.sender], _LANE_NAMES[a.receiver], a.y0, label=a.label, colour=a.colour,
                             dashed=a.dashed) for a in arrows]
        _view.draw_sequence(ax, lanes, named, top=0.4, bottom=-len(run.events) + 0.2, names_y=0.7, boxed=True,
                            fontsize=FONT, label_size=FONT)
        ending = _ending(run)
        ax.text(WIDTH_IN / 2, -len(run.events) - 0.35, ending, ha="center", va="top", fontsize=FONT,
                fontweight="bold", color=VERMILLION if run.lost_writes else BLACK)
        alt = "Sequence diagram of a lease: " + "; ".join(
            f"at {e.time_ms:,.0f} ms {e.node} {e.action}" + (f" {e.value} with token {e.token}" if e.value else "")
            + ("" if e.accepted is None else " (accepted)" if e.accepted else " (rejected)") for e in run.events
        ) + f". {ending}"
        return _view.figure_html(self.figure, alt)


def _ending(run: model.SplitBrain) -> str:
    """What the storage ends with, in words."""
    if run.lost_writes:
        return f"Storage ends with {run.final_value}: {', '.join(run.lost_writes)} is lost (overwritten)."
    if run.rejected_writes:
        return f"Storage ends with {run.final_value}: {', '.join(run.rejected_writes)} was fenced off."
    return f"Storage ends with {run.final_value}: no write lost."


def fencing() -> _view.Interactive:
    """An old leader paused past its lease writes late: without fencing its write wins, with fencing it is rejected.

    >>> "fenced off" in fencing().stack.children[1].value
    True
    """
    chart = _LeaseChart()

    def render(v: _view.Values) -> str:
        run = model.split_brain(fencing=v["fencing"], lease_ms=v["lease_ms"], pause_at_ms=v["pause_at_ms"],
                                pause_ms=v["pause_ms"], new_write_after_ms=v["new_write_after_ms"])
        rows = [
            ("Both A and B believe they hold the lease for", f"{run.split_brain_ms:,.0f} ms"),
            ("Storage ends with", run.final_value),
            ("Writes lost (overwritten by an older token)", ", ".join(run.lost_writes) or "none"),
            ("Writes rejected (older token than one seen)", ", ".join(run.rejected_writes) or "none"),
        ]
        caption = ("Lease and fencing tokens (Kleppmann 2016): A's token is 33, B's 34; with fencing the storage "
                   "rejects a token lower than the highest it has seen. Times in ms since A took the lease.")
        return chart.html(run, v["lease_ms"]) + _LEASE_LEGEND + _view.table(rows, caption)

    return _view.Interactive(render, _view.controls(_LEASE_CONTROLS), _LEASE_PRESETS, principal="Scenario")


# ---------------------------------------------------------------- 6. linearizable against eventual reads

READ_TIMES = tuple(float(t) for t in range(0, 501, 50))
MAX_SHOWN_FOLLOWERS = 5
_READS_CONTROLS = {
    "replicas": ("IntSlider", "Replicas (leader + followers)", {"min": 2, "max": MAX_SHOWN_FOLLOWERS + 1,
                                                                 "value": 3}),
    "mean_lag_ms": ("FloatLogSlider", "Mean replication lag (ms)",
                    {"base": 10, "min": 0, "max": 3, "step": 0.1, "value": 100, "readout_format": ".3g"}),
    "seed": ("IntText", "Seed", {"value": 4}),
}
_READS_PRESETS = {
    "3 replicas, lag 100 ms: stale and out-of-order reads": {"replicas": 3, "mean_lag_ms": 100.0, "seed": 4},
    "3 replicas, lag 10 ms: stale only at first": {"replicas": 3, "mean_lag_ms": 10.0, "seed": 4},
    "6 replicas, lag 300 ms: slow followers": {"replicas": 6, "mean_lag_ms": 300.0, "seed": 5},
}
_READS_LEGEND = _view.legend([
    ("■", SKY, "replica holds the new value"),
    ("●", BLACK, "a read that returns the new value"),
    ("▲", VERMILLION, "a stale read (the old value)"),
    ("– –", ORANGE, "the writing client's reads, one replica each (ringed)"),
]) + "<p style='margin:0.2em 0'>White and hatched: the replica still holds the old value.</p>"
_READ_END = READ_TIMES[-1] + 25


def _replica_name(i: int) -> str:
    return "leader" if i == 0 else f"follower {i}"


class _ReadsChart:
    """Replicas across time: old value (hatched) until the write arrives, then new; every read marked."""

    def __init__(self) -> None:
        self.figure, self.ax = _view.fixed_axes(WIDTH_IN, 2.9, margins=(0.95, 0.45, 0.12, 0.1), axis=True)
        ax = self.ax
        ax.set_xlim(-10, _READ_END)
        ax.set_xticks(READ_TIMES[::2], [f"{t:g}" for t in READ_TIMES[::2]])
        ax.set_xlabel("time since the write (ms)", fontsize=FONT)
        ax.tick_params(labelsize=FONT)
        ax.yaxis.set_major_locator(NullLocator())
        ax.xaxis.set_minor_locator(NullLocator())
        _freeze(self.figure)

    def html(self, reads: model.ReplicaReads) -> str:
        ax = self.ax
        _view.clear(ax)
        # Tick labels cost far more to draw than text: the rows are named with text, the read times are lines.
        ax.vlines(READ_TIMES, 0, 1, transform=ax.get_xaxis_transform(), color="#dddddd", linewidth=0.8, zorder=0)
        n = len(reads.lags_ms)
        ax.set_ylim(n - 0.5, -0.5)
        for i, lag in enumerate(reads.lags_ms):
            ax.text(-0.03, i, f"{_replica_name(i)}\nlag {lag:,.0f} ms", transform=ax.get_yaxis_transform(),
                    ha="right", va="center", fontsize=FONT)
            arrives = min(lag, _READ_END)
            ax.add_patch(Rectangle((-10, i - 0.22), arrives + 10, 0.44, facecolor="white", edgecolor=GREY,
                                   hatch="///", linewidth=0.8))
            ax.add_patch(Rectangle((arrives, i - 0.22), _READ_END - arrives, 0.44, facecolor=SKY, edgecolor=GREY,
                                   linewidth=0.8))
        sees = np.asarray(reads.sees_new)
        t, replica = np.meshgrid(reads.read_times_ms, np.arange(n), indexing="ij")
        ax.plot(t[sees], replica[sees], "o", color=BLACK, markersize=4, linestyle="none")
        ax.plot(t[~sees], replica[~sees], "^", color=VERMILLION, markersize=6, linestyle="none",
                markeredgecolor=BLACK, markeredgewidth=0.5)
        ax.plot(reads.read_times_ms, reads.hops, color=ORANGE, linestyle="--", linewidth=1.2, marker="o",
                markersize=11, markerfacecolor="none", markeredgewidth=1.5)
        alt = (
            f"{n} replicas over 0 to {READ_TIMES[-1]:g} ms after a write to the leader; the followers apply it after "
            + ", ".join(f"{lag:,.0f} ms" for lag in reads.lags_ms[1:])
            + f". Reads every {READ_TIMES[1]:g} ms at every replica: {reads.stale_eventual} of {sees.size} stale. "
            f"The writing client reads from replicas {', '.join(map(str, reads.hops))} in turn (0 is the leader): "
            f"{reads.read_your_writes_violations} miss its write, {reads.monotonic_read_violations} go back to "
            "the old value after it saw the new one."
        )
        return _view.figure_html(self.figure, alt)


def _session_table(reads: model.ReplicaReads) -> str:
    rows = []
    for t, hop, new, back in zip(reads.read_times_ms, reads.hops, reads.hop_sees_new, reads.monotonic_violated):
        broken = ["read-your-writes"] if not new else []
        broken += ["monotonic reads"] if back else []
        rows.append({"t (ms)": t, "replica": _replica_name(hop), "returns": "new" if new else "old",
                     "guarantee broken": " and ".join(broken) or "none"})
    caption = ("The writing client's reads after its own write, each from one replica picked at random "
               "(no session stickiness). Read-your-writes: it sees its write; monotonic reads: never older "
               "than what it saw before.")
    return _view.table(pd.DataFrame(rows), caption, formats={"t (ms)": "{:,.0f}".format})


def lagging_replicas() -> _view.Interactive:
    """One write, followers that lag: what readers at each replica see over time, linearizable against
    eventual reads, and the writing client's session guarantees.

    >>> "monotonic reads" in lagging_replicas().view.value
    True
    """
    chart = _ReadsChart()

    def render(v: _view.Values) -> str:
        reads = model.replica_reads(v["replicas"], READ_TIMES, mean_lag_ms=v["mean_lag_ms"], seed=v["seed"])
        total = len(READ_TIMES) * v["replicas"]
        rows = [
            ("Eventual reads (any replica answers)", f"{reads.stale_eventual} of {total} stale"),
            ("Linearizable reads (the leader, or a quorum overlapping the write's)",
             f"{reads.stale_linearizable} of {total} stale"),
            ("Writing client: reads missing its own write", f"{reads.read_your_writes_violations}"),
            ("Writing client: reads older than one it saw", f"{reads.monotonic_read_violations}"),
        ]
        caption = (f"A write at t = 0 to the leader; each follower applies it after an exponential lag (mean "
                   f"{v['mean_lag_ms']:.3g} ms, seeded). Reads every {READ_TIMES[1]:g} ms from 0 to "
                   f"{READ_TIMES[-1]:g} ms at every replica.")
        return (chart.html(reads) + _READS_LEGEND + _view.table(rows, caption) + _session_table(reads))

    return _view.Interactive(render, _view.controls(_READS_CONTROLS), _READS_PRESETS, principal="Replication")
