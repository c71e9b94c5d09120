"""Replication's views: three zero-argument factories over :mod:`.model`.

* :func:`read_routing`: one stream of users' writes and reads under every read-routing policy;
* :func:`failover`: the leader crashes; lost acknowledged writes and write latency per replication mode;
* :func:`multi_leader`: two leaders writing one key; last-writer-wins against siblings, over the delay.

Each is declared as data (controls and presets), a chart class that builds its figure once and
updates its artists, and a ``render`` that formats what the model computed.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from widgets import _view
from widgets._view.tables import fixed_percent

from . import model

BLUE, ORANGE, GREEN, VERMILLION, PURPLE, SKY, _, BLACK = _view.PALETTE
WIDTH_IN, FONT = _view.FIGURE_WIDTH_IN, _view.MIN_FONT_PT
GREY = "#777777"


def _ms(x: float) -> str:
    if math.isinf(x):
        return "blocks"
    if x == 0:
        return "0 ms"
    return f"{x:,.0f} ms" if x >= 100 else f"{x:,.1f} ms" if x >= 1 else f"{x:,.2f} ms"


def _nice_top(x: float) -> float:
    """The end of a bar scale: 1, 2 or 5 times a power of ten, above x (at least 1).

    >>> _nice_top(0.3), _nice_top(7.2), _nice_top(31)
    (1.0, 10.0, 50.0)
    """
    if x <= 1:
        return 1.0
    power = 10.0 ** math.floor(math.log10(x))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= x * 1.05)


class _Bars:
    """Horizontal bar panels side by side, one row per name, each bar labelled with its text."""

    def __init__(self, names: list[str], panels: list[tuple[str, float, float, list[tuple[str, str]]]],
                 height: float, label_in: float, *, labelled: bool = True) -> None:
        """``panels``: (title, left in inches, width in inches, per series (colour, hatch)); without
        ``labelled`` the bars carry no value, and each panel marks its scale's end instead (the table
        under the chart has the numbers: every text weighs about 300 bytes of SVG)."""
        self.figure = _view.new_figure(WIDTH_IN, height)
        self.figure.set_layout_engine(None)
        self.panels = []
        rows = np.arange(len(names))
        for k, (title, left, width, series) in enumerate(panels):
            bottom = 0.04 if labelled else 0.22 / height  # room for the scale's end under the panel
            ax = self.figure.add_axes((left / WIDTH_IN, bottom, width / WIDTH_IN, 1 - bottom - 0.3 / height))
            ax.set_ylim(len(names) - 0.5, -0.5)
            ax.set_axis_off()
            ax.text(0, 1.02, title, transform=ax.transAxes, ha="left", va="bottom", fontsize=FONT)
            ax.plot([0, 0], [-0.5, len(names) - 0.5], color=BLACK, linewidth=0.8)
            if k == 0:
                for row, name in zip(rows, names):
                    ax.text(-label_in / width, row, name, transform=ax.get_yaxis_transform(), ha="left",
                            va="center", fontsize=FONT)
            height_each = 0.75 / len(series)
            bars, labels = [], []
            for i, (colour, hatch) in enumerate(series):
                y = rows - 0.375 + height_each * (i + 0.5)
                bars.append(ax.barh(y, [0] * len(names), height=height_each * 0.92, color=colour, hatch=hatch,
                                    edgecolor=BLACK, linewidth=0.5).patches)
                labels.append([ax.text(0, yy, "", va="center", ha="left", fontsize=FONT) for yy in y]
                              if labelled else [])
            scale = None if labelled else ax.text(1, -0.02, "", transform=ax.transAxes, ha="right", va="top",
                                                  fontsize=FONT)
            self.panels.append((ax, bars, labels, scale))

    def set(self, panel: int, values: list[list[float]], texts: list[list[str]], top: float, scale: str = "") -> None:
        ax, bars, labels, scale_text = self.panels[panel]
        ax.set_xlim(0, top)
        if scale_text is not None:
            scale_text.set_text(scale)
        for series_bars, series_values in zip(bars, values):
            for bar, value in zip(series_bars, series_values):
                bar.set_width(min(value if math.isfinite(value) else 0.0, top))
        for series_labels, series_values, series_texts in zip(labels, values, texts):
            for label, value, text in zip(series_labels, series_values, series_texts):
                label.set_x(min(value if math.isfinite(value) else 0.0, top) + 0.02 * top)
                label.set_text(text)


# ---------------------------------------------------------------- 1. read routing

USERS, EVENTS = 100, 4_000
_POLICY_NAMES = list(model.ROUTING_POLICIES)
_ROUTING_CONTROLS = {
    "followers": ("IntSlider", "Followers", {"min": 1, "max": 6, "value": 3}),
    "mean_delay_ms": ("FloatLogSlider", "Delay to a follower, mean (ms)",
                      {"base": 10, "min": 0, "max": 3, "step": 0.1, "value": 100, "readout_format": ".3g"}),
    "window_ms": ("FloatText", "Leader window after a write (ms)", {"value": 1_000.0}),
    "think_ms": ("FloatLogSlider", "Gap between a user's actions, mean (ms)",
                 {"base": 10, "min": 1, "max": 4, "step": 0.1, "value": 500, "readout_format": ",.3g"}),
    "write_share": ("FloatSlider", "Share of actions that write", {"min": 0, "max": 1, "step": 0.05, "value": 0.2}),
}
_ROUTING_BASE = {"followers": 3, "mean_delay_ms": 100.0, "window_ms": 1_000.0, "think_ms": 500.0, "write_share": 0.2}
_ROUTING_PRESETS = {
    "Lag 100 ms: each simple policy keeps one guarantee": _ROUTING_BASE,
    "Leader window 50 ms, shorter than the lag": {**_ROUTING_BASE, "window_ms": 50.0},
    "Lag 5 ms: violations are rare": {**_ROUTING_BASE, "mean_delay_ms": 5.0},
    "Write-heavy (60% writes): the leader's load": {**_ROUTING_BASE, "write_share": 0.6},
}
_ROUTING_LEGEND = _view.legend([
    ("■", VERMILLION, "read-your-writes violated (% of reads after one's own write)"),
    ("■", ORANGE, "monotonic reads violated, hatched, lower bar (% of reads)"),
    ("■", BLUE, "reads sent to the leader (% of reads)"),
])


class _RoutingChart(_Bars):
    def __init__(self) -> None:
        super().__init__(_POLICY_NAMES, [
            ("guarantee violated", 1.55, 1.65, [(VERMILLION, ""), (ORANGE, "//")]),
            ("to the leader", 3.5, 0.9, [(BLUE, "")]),
        ], 2.2, 1.5, labelled=False)

    def html(self, r: model.ReadRouting) -> str:
        ryw = [100 * o.read_your_writes_violations / max(o.reads_after_own_write, 1) for o in r.outcomes]
        mr = [100 * o.monotonic_read_violations / max(o.reads, 1) for o in r.outcomes]
        leader = [100 * o.leader_share for o in r.outcomes]
        top = _nice_top(max(ryw + mr))
        self.set(0, [ryw, mr], [], top, f"0 to {top:g}%")
        self.set(1, [leader], [], 100, "0 to 100%")
        alt = ("Bar charts, one row per read-routing policy: " + "; ".join(
            f"{o.policy}: read-your-writes violated in {a:.1f}% of reads after an own write, monotonic reads "
            f"violated in {b:.1f}% of reads, {c:.0f}% of reads sent to the leader"
            for o, a, b, c in zip(r.outcomes, ryw, mr, leader)) + ".")
        return _view.figure_html(self.figure, alt)


def _routing_table(r: model.ReadRouting) -> str:
    rows = [{"policy": o.policy,
             "read-your-writes violated": f"{o.read_your_writes_violations:,} of {o.reads_after_own_write:,}",
             "monotonic reads violated": f"{o.monotonic_read_violations:,}",
             "stale (behind the leader)": fixed_percent(o.stale_reads / max(o.reads, 1)),
             "to the leader": fixed_percent(o.leader_share)} for o in r.outcomes]
    caption = (
        f"{USERS} users, {r.events:,} actions ({r.writes:,} writes, {r.reads:,} reads; {r.write_rate:,.3g} writes/s in "
        f"all), one seeded stream for every policy. A read returns its replica's whole log. Mean replication "
        f"lag {r.mean_lag_ms:,.0f} ms measured, {r.expected_mean_lag_ms:,.0f} ms in closed form."
    )
    return _view.table(pd.DataFrame(rows), caption, formats={"policy": str})


def read_routing() -> _view.Interactive:
    """Users' writes and reads over lagging followers: every read-routing policy on the same stream.

    >>> "caught-up replica" in read_routing().view.value
    True
    """
    chart = _RoutingChart()

    def render(v: _view.Values) -> str:
        r = model.route_reads(USERS, v["followers"], events=EVENTS, think_ms=v["think_ms"],
                               write_share=v["write_share"], mean_delay_ms=v["mean_delay_ms"],
                               window_ms=v["window_ms"])
        return chart.html(r) + _ROUTING_LEGEND + _routing_table(r)

    return _view.Interactive(render, _view.controls(_ROUTING_CONTROLS), _ROUTING_PRESETS, principal="Scenario")


# ---------------------------------------------------------------- 2. failover

_MODES = list(model.REPLICATION_MODES)
_FAILOVER_CONTROLS = {
    "write_rate": ("FloatLogSlider", "Writes per second",
                   {"base": 10, "min": 1, "max": 4, "step": 0.1, "value": 1_000, "readout_format": ",.3g"}),
    "followers": ("IntSlider", "Followers", {"min": 1, "max": 5, "value": 3}),
    "delay_ms": ("FloatText", "Delay to a nearby follower, mean (ms)", {"value": 2.0}),
    "remote_ms": ("FloatLogSlider", "Delay to the last follower, mean (ms)",
                  {"base": 10, "min": 0, "max": 2.5, "step": 0.1, "value": 2.0, "readout_format": ".3g"}),
    "down": ("IntSlider", "Followers down (the last ones)", {"min": 0, "max": 4, "value": 0}),
    "promote": ("Dropdown", "Promoted at the crash", {"options": list(model.PROMOTIONS), "value": "most up-to-date"}),
}
_FAILOVER_BASE = {"write_rate": 1_000.0, "followers": 3, "delay_ms": 2.0, "remote_ms": 2.0, "down": 0,
                  "promote": "most up-to-date"}
_FAILOVER_PRESETS = {
    "Three nearby followers, the most up-to-date promoted": _FAILOVER_BASE,
    "A designated standby promoted: semi-sync loses too": {**_FAILOVER_BASE, "promote": "designated"},
    "One follower in another region (30 ms)": {**_FAILOVER_BASE, "remote_ms": 30.0},
    "That remote follower down: synchronous writes block": {**_FAILOVER_BASE, "remote_ms": 30.0, "down": 1},
}
_FAILOVER_LEGEND = _view.legend([
    ("■", VERMILLION, "acknowledged writes lost per crash (mean)"),
    ("■", SKY, "ack time, median (p50)"),
    ("■", BLUE, "ack time, 99th percentile (p99), hatched"),
])


class _FailoverChart(_Bars):
    def __init__(self) -> None:
        super().__init__(_MODES, [
            ("writes lost per crash", 1.3, 1.2, [(VERMILLION, "")]),
            ("ack time (ms)", 3.05, 1.0, [(SKY, ""), (BLUE, "//")]),
        ], 1.7, 1.25)

    def html(self, f: model.Failover) -> str:
        lost = [r.lost_mean for r in f.results]
        p50, p99 = [r.ack_p50_ms for r in f.results], [r.ack_p99_ms for r in f.results]
        self.set(0, [lost], [[f"{x:.2f}" for x in lost]], max(max(lost) * 1.6, 0.1))
        finite = [x for x in p50 + p99 if math.isfinite(x)]
        self.set(1, [p50, p99], [[_ms(x) for x in p50], [_ms(x) for x in p99]], max(max(finite) * 1.9, 0.1))
        alt = ("Bar charts per replication mode: " + "; ".join(
            f"{r.mode}: {r.lost_mean:.2f} acknowledged writes lost per crash, ack time p50 {_ms(r.ack_p50_ms)}, "
            f"p99 {_ms(r.ack_p99_ms)}" for r in f.results) + ".")
        return _view.figure_html(self.figure, alt)


def _failover_table(f: model.Failover) -> str:
    def closed(x: float | None, digits: str) -> str:
        return "none" if x is None else _ms(x) if digits == "ms" else f"{x:.2f}"

    rows = [{"mode": r.mode, "lost per crash": "writes block" if r.blocked else f"{r.lost_mean:.2f}",
             "closed form": closed(r.expected_lost, "n"),
             "crashes losing any": fixed_percent(r.crashes_losing),
             "ack p50": _ms(r.ack_p50_ms), "closed p50": closed(r.expected_p50_ms, "ms"),
             "ack p99": _ms(r.ack_p99_ms), "closed p99": closed(r.expected_p99_ms, "ms")} for r in f.results]
    live = len(f.delays_ms) - f.down
    caption = (
        f"{f.writes:,} seeded writes at {f.write_rate:,.3g}/s, {f.crashes:,} crashes; followers' mean delays "
        f"{', '.join(f'{d:g}' for d in f.delays_ms)} ms, {f.down} down; at a crash the {f.promote} of the {live} "
        "live followers is promoted. Ack time: commit to acknowledgement (p50, p99). Closed forms: Little's law "
        "(lost = rate × mean lag) and the lag distribution of in-order logs."
    )
    return _view.table(pd.DataFrame(rows), caption, formats={"mode": str})


def failover() -> _view.Interactive:
    """The leader crashes: acknowledged writes lost and write latency, asynchronous, semi-sync and sync.

    >>> "semi-synchronous" in failover().view.value
    True
    """
    chart = _FailoverChart()

    def render(v: _view.Values) -> str:
        delays = [v["delay_ms"]] * (v["followers"] - 1) + [v["remote_ms"]]
        f = model.failover_losses(v["write_rate"], delays, down=v["down"], promote=v["promote"])
        return chart.html(f) + _FAILOVER_LEGEND + _failover_table(f)

    return _view.Interactive(render, _view.controls(_FAILOVER_CONTROLS), _FAILOVER_PRESETS, principal="Scenario")


# ---------------------------------------------------------------- 3. multi-leader

SWEEP_MS = (1.0, 3.0, 10.0, 30.0, 100.0, 300.0, 1_000.0)
ML_WRITES = 2_000
_RATE = {"base": 10, "min": -1, "max": 2, "step": 0.1, "readout_format": ".3g"}
_ML_CONTROLS = {
    "rate_a": ("FloatLogSlider", "Writes/s to the key at A", {**_RATE, "value": 1.0}),
    "rate_b": ("FloatLogSlider", "Writes/s to the key at B", {**_RATE, "value": 1.0}),
    "delay_ms": ("FloatLogSlider", "Replication delay A to B (ms)",
                 {"base": 10, "min": 0, "max": 3, "step": 0.1, "value": 100, "readout_format": ",.3g"}),
    "skew_ms": ("FloatText", "B's clock ahead of A's (ms)", {"value": 0.0}),
}
_ML_BASE = {"rate_a": 1.0, "rate_b": 1.0, "delay_ms": 100.0, "skew_ms": 0.0}
_ML_PRESETS = {
    "1 write/s at each leader, 100 ms apart": _ML_BASE,
    "A hot key: 5 writes/s each, 300 ms apart": {**_ML_BASE, "rate_a": 5.0, "rate_b": 5.0, "delay_ms": 300.0},
    "B's clock 100 ms ahead: A's writes lose": {**_ML_BASE, "skew_ms": 100.0},
}
_ML_LEGEND = _view.legend([
    ("—●—", BLUE, "writes in conflict (closed form, and simulated dots): kept as siblings"),
    ("–■–", VERMILLION, "writes last-writer-wins loses (simulated)"),
    ("···", ORANGE, "closed-form bound on those losses"),
    ("——", GREY, "the delay set"),
])


class _ConflictChart:
    """Share of writes in conflict and lost against the one-way delay (log x)."""

    def __init__(self) -> None:
        self.figure, ax = _view.fixed_axes(WIDTH_IN, 2.5, margins=(0.7, 0.5, 0.15, 0.1), axis=True)
        self.ax = ax
        _view.log_x(ax, SWEEP_MS[::2])
        ax.set(xlim=(0.8, 1_250), ylim=(0, 1.02))
        _view.Ticks(ax, "x", SWEEP_MS[::2], [f"{d:,g}" for d in SWEEP_MS[::2]])
        _view.Ticks(ax, "y", (0, 0.5, 1), ("0%", "50%", "100%"), grid=False)
        _view.x_label(ax, "one-way replication delay between the leaders (ms)")
        _view.y_label(ax, "share of writes", 34)
        self.fine = np.geomspace(0.8, 1_250, 22)
        (self.conflict_line,) = ax.plot([], [], color=BLUE, linewidth=1.5)
        (self.conflict_dots,) = ax.plot([], [], "o", color=BLUE, markersize=5)
        (self.lost,) = ax.plot([], [], "s--", color=VERMILLION, markersize=5, linewidth=1.2)
        (self.bound,) = ax.plot([], [], ":", color=ORANGE, linewidth=2)
        (self.now,) = ax.plot([], [], color=GREY, linewidth=1)

    def html(self, sweep: list[model.MultiLeader], v: _view.Values) -> str:
        ra, rb, skew = v["rate_a"], v["rate_b"], v["skew_ms"]
        total = ra + rb

        def share(fn, d: float, signed: bool) -> float:
            args = (d, skew) if signed else (d,)
            other = (d, -skew) if signed else (d,)
            return (ra * fn(ra, rb, *args) + rb * fn(rb, ra, *other)) / total

        self.conflict_line.set_data(self.fine, [share(model.conflict_probability, d, False) for d in self.fine])
        self.bound.set_data(self.fine, [share(model.unseen_overwrite_probability, d, True) for d in self.fine])
        self.conflict_dots.set_data(SWEEP_MS, [m.conflict_share for m in sweep])
        self.lost.set_data(SWEEP_MS, [m.lww_lost_share for m in sweep])
        self.now.set_data([v["delay_ms"]] * 2, [0, 1.02])
        alt = (f"Share of writes against the one-way delay, 1 to 1,000 ms (log scale), {ra:.3g} and {rb:.3g} writes/s, "
               f"B's clock {skew:g} ms ahead. In conflict: " + ", ".join(
                   f"{d:g} ms {fixed_percent(m.conflict_share)}" for d, m in zip(SWEEP_MS, sweep)) +
               ". Lost by last-writer-wins: " + ", ".join(f"{d:g} ms {fixed_percent(m.lww_lost_share)}"
                                                         for d, m in zip(SWEEP_MS, sweep)) + ".")
        return _view.figure_html(self.figure, alt)


def _ml_table(m: model.MultiLeader) -> str:
    rows = [
        ("Writes (A, B)", f"{m.writes_a:,}, {m.writes_b:,}"),
        ("In conflict: concurrent with a write at the other leader",
         f"{m.conflicting:,} ({fixed_percent(m.conflict_share)}; closed form {fixed_percent(m.expected_conflict_share)})"),
        ("Concurrent pairs", f"{m.concurrent_pairs:,}"),
        ("Last-writer-wins: updates lost (A, B)",
         f"{m.lww_lost:,} ({fixed_percent(m.lww_lost_share)}): {m.lww_lost_a:,}, {m.lww_lost_b:,}"),
        ("Beaten by a later stamp that never saw them (bound)",
         f"{m.unseen_overwritten:,} (closed form {fixed_percent(m.expected_unseen_overwrite_share)})"),
        ("Siblings (version vectors): updates lost", "0: every conflict kept and reported"),
    ]
    caption = (f"One key, Poisson writes, about {ML_WRITES:,} seeded; each leader's writes reach the other "
               f"{m.delay_ms:,.3g} ms later; B's clock {m.skew_ms:g} ms ahead. Two writes conflict when neither "
               "saw the other: less than one delay apart.")
    return _view.table(rows, caption)


def multi_leader() -> _view.Interactive:
    """Two leaders write one key: last-writer-wins loses updates, siblings keep and report them.

    >>> "Siblings" in multi_leader().view.value
    True
    """
    chart = _ConflictChart()

    def render(v: _view.Values) -> str:
        run = {d: model.two_leader_conflicts(v["rate_a"], v["rate_b"], d, skew_ms=v["skew_ms"], writes=ML_WRITES)
               for d in (*SWEEP_MS, v["delay_ms"])}
        return chart.html([run[d] for d in SWEEP_MS], v) + _ML_LEGEND + _ml_table(run[v["delay_ms"]])

    return _view.Interactive(render, _view.controls(_ML_CONTROLS), _ML_PRESETS, principal="Scenario")
