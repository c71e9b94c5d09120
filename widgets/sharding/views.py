"""Views of sharding: the consistent-hash ring against mod-N, and hot keys, salting and range queries.

Each interactive is declared as data (its controls and presets), a chart class that builds its
figure once and updates its artists, and a ``render`` that formats what :mod:`.model` computed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.patches import PathPatch
from matplotlib.path import Path

from widgets import _view
from widgets._view.tables import fixed_percent

from . import model

BLUE, ORANGE, GREEN, VERMILLION, PURPLE, SKY, YELLOW, BLACK = _view.PALETTE
WIDTH_IN, SMALL_PT = _view.FIGURE_WIDTH_IN, _view.MIN_FONT_PT
KEYS, RANGE_KEYS, SEED = 50_000, 10_000, 0


def _axes(fig, left: float, bottom: float, width: float, height: float):
    """Axes at a fixed place in inches (no layout pass)."""
    w, h = fig.get_size_inches()
    ax = fig.add_axes((left / w, bottom / h, width / w, height / h))
    ax.tick_params(labelsize=SMALL_PT)
    return ax


def _bars(lefts: np.ndarray, heights: np.ndarray, width: float) -> Path:
    """Bars as one compound path: one SVG element for a whole series, not one per bar."""
    x0, x1, y = np.repeat(lefts, 5), np.repeat(lefts + width, 5), np.repeat(heights, 5)
    corner = np.tile(np.arange(5), len(lefts))
    xs = np.where((corner == 1) | (corner == 2), x1, x0)
    ys = np.where((corner == 2) | (corner == 3), y, 0.0)
    codes = np.tile([Path.MOVETO, Path.LINETO, Path.LINETO, Path.LINETO, Path.CLOSEPOLY], len(lefts))
    return Path(np.column_stack([xs, ys]), codes)


def _rgb(colour: str) -> np.ndarray:
    return np.array([int(colour[i:i + 2], 16) for i in (1, 3, 5)]) / 255


# ---------------------------------------------------------------- the ring against mod-N

VNODE_GRID = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000)
#: The old nodes' colours on the unrolled ring, in turn (paler after the first six); newcomers are black.
_NODE_COLOURS = np.array([_rgb(c) for c in (BLUE, ORANGE, GREEN, SKY, PURPLE, YELLOW)])
_NODE_COLOURS = np.vstack([_NODE_COLOURS, 0.55 * _NODE_COLOURS + 0.45])
_STRIP_ROWS = ("ring, before", "ring, after", "ring: keys moved", "mod-N: keys moved")
_RING_CONTROLS = {
    "nodes": ("IntSlider", "Nodes before", {"min": 1, "max": 30, "value": 10}),
    "added": ("IntSlider", "Nodes added (− removed)", {"min": -10, "max": 20, "value": 1}),
    "vnodes": ("IntText", "Virtual nodes each", {"value": 100}),
}
_RING_PRESETS = {
    "Add an 11th node, 100 virtual nodes each": {"nodes": 10, "added": 1, "vnodes": 100},
    "Add an 11th node, 1 point each": {"nodes": 10, "added": 1, "vnodes": 1},
    "Double 10 nodes to 20": {"nodes": 10, "added": 10, "vnodes": 100},
}
_RING_TITLE = ("<p style='margin:0.3em 0'>Top: the ring unrolled, hash values 0 to 2<sup>64</sup> from left to right; "
               "black marks a new node's arcs and the keys that moved. Bottom: balance against virtual nodes.</p>")
_RING_LEGEND = _view.legend([
    ("—", BLUE, "one ring: most loaded node's share of the hash space over the mean"),
    ("– –", ORANGE, "expected for random points (Dirichlet)"),
    ("◆", VERMILLION, f"these settings, {KEYS:,} keys"),
    ("···", BLACK, f"mod-N, {KEYS:,} keys"),
])


class _RingChart:
    """The ring unrolled (owners before and after, keys moved per scheme) above max/mean load against vnodes."""

    def __init__(self) -> None:
        self.figure = _view.new_figure(WIDTH_IN, 3.35)
        self.figure.set_layout_engine(None)
        self.strip = _axes(self.figure, 1.45, 2.3, 3.0, 0.95)
        self.strip.set(xticks=[], yticks=[])
        self.image = self.strip.imshow(np.ones((4, 360, 3)), aspect="auto", interpolation="none",
                                       extent=(0, 360, 4, 0))
        for row, name in enumerate(_STRIP_ROWS):
            self.strip.text(-0.03, row + 0.5, name, transform=self.strip.get_yaxis_transform(), ha="right",
                            va="center", fontsize=SMALL_PT)
        self.strip.axhline(2, color=BLACK, linewidth=0.8)
        ax = self.curve = _axes(self.figure, 0.75, 0.5, 3.7, 1.45)
        _view.log_x(ax, [1, 10, 100, 1000])
        ax.set(xlim=(0.8, 1250))
        _view.Ticks(ax, "x", [1, 10, 100, 1000], ["1", "10", "100", "1,000"], grid=False)
        self.y_ticks = _view.Ticks(ax, "y", slots=8)
        _view.x_label(ax, "virtual nodes per node (log scale)")
        _view.y_label(ax, "most loaded\nnode ÷ mean", 30)
        (self.measured,) = ax.plot(VNODE_GRID, np.ones(len(VNODE_GRID)), "-", color=BLUE, linewidth=1.6)
        (self.expected,) = ax.plot(VNODE_GRID, np.ones(len(VNODE_GRID)), "--", color=ORANGE, linewidth=1.6)
        self.modulo = ax.axhline(1, color=BLACK, linestyle=":", linewidth=1.3)
        (self.here,) = ax.plot([], [], "D", color=VERMILLION, markersize=7, markeredgecolor=BLACK)
        self.cached: dict[int, tuple[list[float], list[float]]] = {}

    def _curves(self, nodes: int) -> tuple[list[float], list[float]]:
        if nodes not in self.cached:
            self.cached[nodes] = (
                [nodes * model.ring_shares(nodes, vnodes=v, seed=SEED).max() for v in VNODE_GRID],
                [model.expected_imbalance(nodes, v, draws=400) for v in VNODE_GRID],
            )
        return self.cached[nodes]

    def html(self, change: model.RingChange) -> str:
        after = change.nodes + change.added
        rgb = np.ones((4, len(change.strip_before), 3))
        for row, owner in enumerate((change.strip_before, change.strip_after)):
            old = owner < change.nodes
            rgb[row, old] = _NODE_COLOURS[owner[old] % len(_NODE_COLOURS)]
            rgb[row, ~old] = 0.0
        for row, scheme in ((2, "ring"), (3, "modulo")):
            rgb[row] = 1 - change.strip_moved[scheme][:, None]
        self.image.set_data(rgb)
        measured, expected = self._curves(after)
        self.measured.set_ydata(measured)
        self.expected.set_ydata(expected)
        self.modulo.set_ydata([change.imbalance["modulo"]] * 2)
        ring = change.imbalance["ring"]
        self.here.set_data([change.vnodes] if change.vnodes <= 1000 else [], [ring] if change.vnodes <= 1000 else [])
        top = max(max(measured), max(expected), ring) * 1.08
        self.curve.set_ylim(0.9, top)
        step = 0.5 if top < 3 else 1.0
        at = np.arange(1.0, top, step)
        self.y_ticks.set(at, [f"{t:g}" for t in at])
        alt = (
            f"The hash space unrolled into 360 bins: owners before ({change.nodes} nodes) and after ({after}), "
            f"then the share of keys moved per bin: ring {fixed_percent(change.moved['ring'])} overall, mod-N "
            f"{fixed_percent(change.moved['modulo'])}. Below, on a log scale of virtual nodes per node 1 to 1,000, the most "
            f"loaded of {after} nodes over the mean: one ring (shares of the hash space) "
            + ", ".join(f"{v}: {m:.2f}" for v, m in zip(VNODE_GRID, measured))
            + f"; expected " + ", ".join(f"{v}: {e:.2f}" for v, e in zip(VNODE_GRID, expected))
            + f"; these settings, {KEYS:,} keys, {ring:.2f}; mod-N {change.imbalance['modulo']:.2f}."
        )
        return _view.figure_html(self.figure, alt)


def _ring_table(change: model.RingChange) -> str:
    n, after = change.nodes, change.nodes + change.added
    ring_rule = f"{change.added:,}/{after:,}" if change.added >= 0 else f"{-change.added:,}/{n:,}"
    table = pd.DataFrame({
        "keys moved": [fixed_percent(change.moved["ring"]), fixed_percent(change.moved["modulo"])],
        "closed form": [f"{fixed_percent(change.expected['ring'])} ({ring_rule})",
                        f"{fixed_percent(change.expected['modulo'])} (1 − min/lcm)"],
        "most loaded ÷ mean": [f"{change.imbalance['ring']:.2f}", f"{change.imbalance['modulo']:.2f}"],
    }, index=[f"ring, {change.vnodes:,} virtual node{'s' if change.vnodes > 1 else ''} each", "mod-N (hash mod nodes)"])
    where = "went to a new node" if change.added >= 0 else "came from a removed node"
    caption = (
        f"{KEYS:,} keys, {n:,} → {after:,} nodes, the same 64-bit key hashes for both schemes. Keys moved: the "
        f"share whose node changes. Most loaded ÷ mean: keys on the busiest node after the change over the "
        f"average. Every key the ring moved {where}: {'yes' if change.only_to_new else 'no'}."
    )
    return _view.table(table, caption, formats=[str, str, str], index=True)


def ring() -> _view.Interactive:
    """Consistent hashing against mod-N: keys moved when nodes join or leave, and balance as vnodes grow.

    >>> "mod-N" in ring().view.value
    True
    """
    chart = _RingChart()

    def render(v: _view.Values) -> str:
        change = model.ring_change(v["nodes"], added=v["added"], vnodes=v["vnodes"], keys=KEYS, seed=SEED)
        return _RING_TITLE + chart.html(change) + _RING_LEGEND + _ring_table(change)

    return _view.Interactive(render, _view.controls(_RING_CONTROLS), _RING_PRESETS, principal="Change")


# ---------------------------------------------------------------- hot keys, salting and range queries

_HOT_CONTROLS = {
    "shards": ("IntSlider", "Shards", {"min": 2, "max": 32, "value": 16}),
    "hot_share": ("FloatSlider", "Hot key's share of requests", {"min": 0, "max": 0.9, "step": 0.05, "value": 0.3}),
    "salt": ("IntSlider", "Sub-keys (salt)", {"min": 1, "max": 16, "value": 1}),
    "read_share": ("FloatSlider", "Reads among its requests", {"min": 0, "max": 1, "step": 0.1, "value": 0.0}),
    "width": ("IntText", "Range query width (keys)", {"value": 100}),
}
#: Each preset also widens the range query (10, 100, 1,000 keys), so the scatter-gather table changes too.
_HOT_PRESETS = {
    "A celebrity key: 30% of all writes": {"shards": 16, "hot_share": 0.3, "salt": 1, "read_share": 0.0,
                                           "width": 10},
    "Salted into 8 sub-keys": {"shards": 16, "hot_share": 0.3, "salt": 8, "read_share": 0.0, "width": 100},
    "Salted into 8, but 90% of its requests are reads": {"shards": 16, "hot_share": 0.3, "salt": 8,
                                                        "read_share": 0.9, "width": 1000},
}
_HOT_LEGEND = _view.legend([
    ("□", BLACK, "before salting (hatched)"), ("■", BLUE, "after salting"), ("–", VERMILLION, "even load (1)"),
])


class _HotChart:
    """Requests per shard over the even share, before (hatched) and after salting, one pair of bars a shard."""

    def __init__(self) -> None:
        self.figure, ax = _view.fixed_axes(WIDTH_IN, 2.3, margins=(0.75, 0.5, 0.15, 0.1), axis=True)
        self.ax = ax
        ax.tick_params(labelsize=SMALL_PT)
        self.before = ax.add_patch(PathPatch(_bars(np.zeros(1), np.zeros(1), 0.4), facecolor="white",
                                             edgecolor=BLACK, hatch="///", linewidth=0.6))
        self.after = ax.add_patch(PathPatch(_bars(np.zeros(1), np.zeros(1), 0.4), facecolor=BLUE,
                                            edgecolor=BLACK, linewidth=0.4))
        ax.axhline(1, color=VERMILLION, linestyle="--", linewidth=1.2)
        self.x_ticks = _view.Ticks(ax, "x", slots=9, grid=False)
        self.y_ticks = _view.Ticks(ax, "y", slots=8)
        _view.x_label(ax, "shard")
        _view.y_label(ax, "requests ÷ even share", 34)

    def html(self, load: model.HotKeyLoad) -> str:
        s = len(load.before)
        before, after = load.before * s, load.after * s
        self.before.set_path(_bars(np.arange(s) - 0.4, before, 0.4))
        self.after.set_path(_bars(np.arange(s), after, 0.4))
        self.ax.set_xlim(-0.7, s - 0.3)
        top = max(before.max(), after.max()) * 1.1
        self.ax.set_ylim(0, top)
        at = np.arange(0, top, 1.0 if top < 6 else 2.0 if top < 12 else 5.0)
        self.y_ticks.set(at, [f"{t:g}" for t in at])
        xs = list(range(0, s, 4 if s > 16 else 2))
        self.x_ticks.set(xs, [str(x) for x in xs])
        alt = (
            f"Bar chart of requests per shard over the even share, {s} shards. Before salting: "
            + ", ".join(f"{x:.2f}" for x in before) + ". After: " + ", ".join(f"{x:.2f}" for x in after) + "."
        )
        return _view.figure_html(self.figure, alt)


def _hot_tables(load: model.HotKeyLoad, v: _view.Values) -> str:
    rows = model.hot_key_table(load)
    salting = (f"Salting: a write goes to one of {v['salt']} sub-keys at random; a read of the hot key asks every "
               "shard that holds a sub-key." if v["salt"] > 1 else "No salting (1 sub-key): after = before.")
    caption = (
        f"One key takes {fixed_percent(v['hot_share'])} of all client requests ({fixed_percent(v['read_share'])} of them reads); "
        f"{RANGE_KEYS:,} other keys share the rest evenly, every key placed on {v['shards']} shards by its hash. "
        f"{salting} Hottest shard: its requests as a share of client requests, and over the even share 1/{v['shards']}."
    )
    hot = _view.table(rows, caption, index=True, formats=[fixed_percent, "{:.2f}".format, "{:,}".format, "{:.2f}".format])
    touched = model.scatter_gather(v["shards"], v["width"], keys=RANGE_KEYS, seed=SEED)
    scatter = pd.DataFrame({
        "shards touched": [touched["range"], touched["hash"]],
        "closed form": [model.expected_scatter_gather(v["shards"], v["width"], keys=RANGE_KEYS),
                        model.expected_scatter_gather(v["shards"], v["width"], scheme="hash", keys=RANGE_KEYS)],
        "formula": ["≈ 1 + (w − 1)/span", "S(1 − (1 − 1/S)ʷ)"],
    }, index=["key-range", "hash"])
    caption = (
        f"A range query over w = {v['width']:,} consecutive keys of {RANGE_KEYS:,}, {v['shards']} shards (span: "
        f"{RANGE_KEYS / v['shards']:,.0f} keys each under key-range): shards it must ask, averaged over every start."
    )
    return hot + _view.table(scatter, caption, index=True, formats=["{:.2f}".format, "{:.2f}".format, str])


def hot_keys() -> _view.Interactive:
    """A hot key on one shard, key salting and its read fan-out; range queries under key-range and hash.

    >>> "salting" in hot_keys().view.value
    True
    """
    chart = _HotChart()

    def render(v: _view.Values) -> str:
        load = model.hot_key_load(v["shards"], hot_share=v["hot_share"], salt=v["salt"], read_share=v["read_share"],
                                  keys=RANGE_KEYS, seed=SEED)
        return chart.html(load) + _HOT_LEGEND + _hot_tables(load, v)

    return _view.Interactive(render, _view.controls(_HOT_CONTROLS), _HOT_PRESETS, principal="Case")
