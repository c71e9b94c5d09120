"""Views of fan-out: push, pull and the hybrid against the celebrity threshold (:func:`strategies`).

The interactive is declared as data (its controls and presets), a chart class that builds its figure
once and updates its artists, and a ``render`` that formats what :mod:`.model` computed.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from widgets import _view
from widgets._view.tables import number_text, whole

from . import model

BLUE, ORANGE, GREEN, VERMILLION = _view.PALETTE[:4]
WIDTH_IN, SMALL_PT = _view.FIGURE_WIDTH_IN, _view.MIN_FONT_PT
PERCENTILE = 0.99
THRESHOLDS = (10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000)
_CELEBRITIES = [("none", 0)] + [(f"{n:,} followers", n) for n in (1_000_000, 10_000_000, 30_000_000)]
_CONTROLS = {
    "users": ("Dropdown", "Users", {"options": _view.counted(10_000, 100_000, 1_000_000, 10_000_000, 100_000_000),
                                    "value": 100_000_000}),
    "exponent": ("FloatSlider", "Tail exponent γ",
                 {"min": 2.0, "max": 4.0, "step": 0.001, "value": model.KWAK_EXPONENT, "readout_format": ".3f"}),
    "celebrity_followers": ("Dropdown", "One extra celebrity", {"options": _CELEBRITIES, "value": 0}),
    "posts_per_s": ("FloatText", "Posts / second", {"value": 4_600.0}),
    "reads_per_s": ("FloatText", "Feed reads / second", {"value": 300_000.0}),
    "threshold": ("Dropdown", "Celebrity threshold T",
                  {"options": [(f"{t:,} followers", t) for t in THRESHOLDS], "value": 1_000_000}),
}
_TWITTER = {"users": 100_000_000, "posts_per_s": 4_600.0, "reads_per_s": 300_000.0}  # Kleppmann 2017, ch. 1
_PRESETS = {
    "No celebrities: push is fine": {**_TWITTER, "exponent": 3.5, "celebrity_followers": 0, "threshold": 100_000},
    "A 10,000,000-follower celebrity: push explodes":
        {**_TWITTER, "exponent": 3.5, "celebrity_followers": 10_000_000, "threshold": 100_000},
    "Twitter's tail, T = 1,000,000: the sweet spot":
        {**_TWITTER, "exponent": model.KWAK_EXPONENT, "celebrity_followers": 0, "threshold": 1_000_000},
    "Twitter's tail, T = 1,000: the hybrid pulls too much":
        {**_TWITTER, "exponent": model.KWAK_EXPONENT, "celebrity_followers": 0, "threshold": 1_000},
}
_STYLE = {  # strategy -> line style, colour, width, marker, legend symbol, legend label
    "push": ("-", BLUE, 2.6, "", "——", "push: fan-out on write"),
    "pull": ("--", ORANGE, 1.6, "", "– –", "pull: fan-out on read"),
    "hybrid": ("-", GREEN, 1.3, "o", "—●", "hybrid, against the threshold T (x axis)"),
}
_LEGEND = _view.legend([(symbol, colour, label) for _, colour, _, _, symbol, label in _STYLE.values()]
                       + [("···", VERMILLION, "T of the table")])
X_TICKS = (1, 100, 10_000, 1_000_000, 100_000_000)
X_LABELS = ("1", "100", "10k", "1M", "100M")
PANEL_IN, GAP_IN, TOP_IN, BOTTOM_IN, LEFT_IN = 0.95, 0.42, 0.3, 0.55, 0.55
HEIGHT_IN = TOP_IN + 3 * PANEL_IN + 2 * GAP_IN + BOTTOM_IN


def _scaled(top: float) -> tuple[float, str]:
    """A divisor for an axis whose largest value is ``top``, and the words for its title.

    >>> _scaled(345_000), _scaled(80)
    ((1000.0, ' (thousands)'), (1.0, ''))
    """
    for divisor, word in ((1e6, " (millions)"), (1e3, " (thousands)")):
        if top >= divisor:
            return divisor, word
    return 1.0, ""


def _tick_text(x: float) -> str:
    return f"{x:,.0f}" if x == int(x) else f"{x:g}"


class _Panel:
    """One panel: the three strategies against the threshold (log x), a rescaling y axis and a title."""

    def __init__(self, figure, bottom_in: float, x_labels: bool) -> None:
        ax = figure.add_axes((LEFT_IN / WIDTH_IN, bottom_in / HEIGHT_IN, 1 - (LEFT_IN + 0.15) / WIDTH_IN,
                              PANEL_IN / HEIGHT_IN))
        ax.set_xlim(0, 9)  # log10 of the threshold, drawn on a linear axis: no log transform at every draw
        _view.Ticks(ax, "x", [math.log10(t) for t in X_TICKS], X_LABELS if x_labels else [""] * len(X_TICKS))
        self.ax, self.y_ticks = ax, _view.Ticks(ax, "y", slots=7, grid=False)
        self.title = ax.text(0, 1.04, "", transform=ax.transAxes, ha="left", va="bottom", fontsize=SMALL_PT)
        self.lines = {s: ax.plot([], [], linestyle=ls, color=c, linewidth=lw, marker=m, markersize=3.5,
                                 markevery=40)[0] for s, (ls, c, lw, m, _, _) in _STYLE.items()}
        self.chosen = ax.axvline(1, color=VERMILLION, linestyle=":", linewidth=1.6)
        self.at = ax.plot([], [], "o", color=VERMILLION, markersize=5)[0]

    def set(self, title: str, lines: dict[str, tuple[np.ndarray, np.ndarray]], chosen: tuple[float, float],
            top: float, divisor: float = 1.0) -> None:
        """Each strategy's (x, y), y scaled by ``divisor``; ``chosen``: the table's T and the hybrid's value there."""
        for strategy, line in self.lines.items():
            x, y = lines[strategy]
            line.set_data(np.log10(np.maximum(x, 1)), y / divisor)
        top = max(top / divisor, 1e-9) * 1.1
        self.ax.set_ylim(-0.04 * top, top)
        ticks = _view.round_ticks(top, most=4)
        self.y_ticks.set(ticks, [_tick_text(t) for t in ticks])
        self.title.set_text(title)
        x = math.log10(max(chosen[0], 1))
        self.chosen.set_xdata([x, x])
        self.at.set_data([x], [chosen[1] / divisor])


class _Chart:
    """Fan-out writes/s, the read latency percentile and the largest post's delivery, against T."""

    def __init__(self) -> None:
        self.figure = _view.new_figure(WIDTH_IN, HEIGHT_IN)
        self.figure.set_layout_engine(None)
        bottoms = [BOTTOM_IN + k * (PANEL_IN + GAP_IN) for k in (2, 1, 0)]
        self.panels = [_Panel(self.figure, b, x_labels=(k == 2)) for k, b in enumerate(bottoms)]
        bottom = self.panels[2].ax
        _view.x_label(bottom, "celebrity threshold T (followers, log scale)")
        self.target = bottom.axhline(model.DELIVERY_TARGET_S, color=_view.GREY, linewidth=0.9, linestyle="-.")
        self.target_label = bottom.text(0.1, model.DELIVERY_TARGET_S, f"{model.DELIVERY_TARGET_S:g} s target",
                                        va="bottom", ha="left", fontsize=SMALL_PT, color=_view.GREY)
        self.t_label = self.panels[1].ax.text(1, 1.04, "", transform=self.panels[1].ax.transAxes, ha="right",
                                              va="bottom", fontsize=SMALL_PT, color=VERMILLION)  # a short title

    def html(self, sweep: pd.DataFrame, comparison: model.Comparison) -> str:
        t, threshold = sweep["threshold"].to_numpy(), comparison.threshold
        hybrid = comparison.load("hybrid")

        def series(field: str) -> tuple[dict[str, tuple[np.ndarray, np.ndarray]], tuple[float, float], float]:
            """Each strategy's (x, y): push and pull flat (two points), the hybrid swept."""
            lines = {s: (t[[0, -1]], np.full(2, getattr(comparison.load(s), field))) for s in ("push", "pull")}
            lines["hybrid"] = (t, sweep[field].to_numpy())
            return lines, (threshold, getattr(hybrid, field)), max(y.max() for _, y in lines.values())

        writes, at, top = series("feed_writes_per_s")
        divisor, unit = _scaled(max(top, 1.0))
        self.panels[0].set(f"fan-out writes per second{unit}", writes, at, max(top, 1.0), divisor)
        self.panels[1].set(f"feed read p{PERCENTILE * 100:g} (ms)", *series("latency_ms"))
        delivery, at, top = series("delivery_s")
        self.panels[2].set(f"largest post's fan-out (s at {comparison.fanout_rate:,.0f} writes/s)", delivery, at,
                           max(top, 1.3 * model.DELIVERY_TARGET_S))  # room for the target's label
        self.t_label.set_text(f"dotted: T = {threshold:,.0f}")
        return _view.figure_html(self.figure, _alt(comparison))


def _alt(c: model.Comparison) -> str:
    parts = "; ".join(
        f"{load.strategy} {load.feed_writes_per_s:,.0f} fan-out writes/s, p{PERCENTILE * 100:g} read "
        f"{load.latency_ms:.2f} ms, largest post delivered in {load.delivery_s:,.2f} s" for load in c.loads)
    return (f"Three panels against the celebrity threshold T from 1 to 1,000,000,000 followers (log scale): fan-out "
            f"writes per second, feed read latency p{PERCENTILE * 100:g}, and the seconds to deliver the largest "
            f"pushed post at {c.fanout_rate:,.0f} writes/s against a {model.DELIVERY_TARGET_S:g} s target. Push and "
            f"pull are flat; the hybrid moves from pull to push as T grows. At T = {c.threshold:,.0f}: {parts}.")


def _busy(utilisation: float) -> str:
    text = f"{100 * utilisation:,.1f}%" if utilisation < 10 else f"{100 * utilisation:,.0f}%"
    return text + (" (falls behind)" if utilisation >= 1 else "")


def _delivery(seconds: float) -> str:
    return f"{seconds:,.2f} s" + (f" (over {model.DELIVERY_TARGET_S:g} s)" if seconds > model.DELIVERY_TARGET_S else "")


def _bytes(x: float) -> str:
    return f"{x / 1e12:,.2f} TB" if x >= 1e12 else f"{x / 1e9:,.1f} GB"


_ROWS = {  # row -> (field, format)
    "fan-out writes per post (mean)": ("writes_per_post", number_text),
    "fan-out writes/s": ("feed_writes_per_s", whole),
    f"fan-out workers busy (of {model.FANOUT_RATE:,.0f} writes/s)": ("fanout_utilisation", _busy),
    "largest post's fan-out (writes)": ("largest_fanout", whole),
    "largest post delivered in": ("delivery_s", _delivery),
    "lookups per feed read (mean)": ("lookups_per_read", number_text),
    "lookups/s for feed reads": ("lookups_per_s", whole),
    "feed read p50 (ms)": ("median_ms", "{:.2f}".format),
    f"feed read p{PERCENTILE * 100:g} (ms)": ("latency_ms", "{:.2f}".format),
    "storage for a day of posts": ("storage_bytes", _bytes),
}


def _tables(population: model.Population, c: model.Comparison) -> str:
    columns = {load.strategy if load.strategy != "hybrid" else f"hybrid, T = {c.threshold:,.0f}":
               [fmt(getattr(load, field)) for field, fmt in _ROWS.values()] for load in c.loads}
    caption = (
        f"{number_text(c.posts_per_s)} posts/s and {number_text(c.reads_per_s)} feed reads/s, by users chosen "
        "uniformly. Fan-out writes are copies of a post in followers' feeds; each post is also stored once in its "
        "author's list under every strategy. A read's lookups run in parallel, each "
        f"{model.LOOKUP_BASE_MS:g} ms plus an exponential delay of mean {model.LOOKUP_EXTRA_MS:g} ms, and the read "
        f"waits for the slowest: p50 and p{PERCENTILE * 100:g} over reads. Storage: {model.ENTRY_BYTES} B an entry, "
        f"{model.RETENTION_S:,} s of posts, one copy; 1 GB = 10^9 B."
    )
    facts = [
        ("users", whole(population.users)),
        ("mean followers (= mean accounts followed)", f"{population.mean_followers:,.1f}"),
        ("mean followers the law gives", f"{population.expected_mean:,.1f}"),
        ("largest account (followers)", whole(population.largest)),
        (f"accounts above T = {c.threshold:,.0f}", whole(population.accounts_above(c.threshold))),
        ("share of follows they hold (pulled)", f"{100 * population.share_above(c.threshold):.2f}%"),
    ]
    law = (f"The seeded population: follower counts from a power law P(k) ∝ k^-{population.exponent:g} from "
           f"{population.min_followers} to {population.users - 1:,} followers"
           + (f", plus one account with {population.celebrity_followers:,}" if population.celebrity_followers else "")
           + ". Kwak et al. (2010) fitted γ = 2.276 to Twitter's follower counts.")
    return (_view.table(pd.DataFrame(columns, index=list(_ROWS)), caption, formats=[str] * 3, index=True)
            + _view.table(facts, law))


def strategies() -> _view.Interactive:
    """Push, pull and the hybrid on one seeded population: fan-out writes, read latency, the largest post's
    delivery and storage, against the celebrity threshold.

    >>> "falls behind" in strategies().stack.children[0].value, len(strategies().presets)
    (False, 4)
    """
    chart = _Chart()

    def render(v: _view.Values) -> str:
        population = model.follower_population(v["users"], v["exponent"],
                                               celebrity_followers=v["celebrity_followers"])
        comparison = model.compare(population, v["posts_per_s"], v["reads_per_s"], v["threshold"],
                                   percentile=PERCENTILE)
        sweep = model.threshold_sweep(population, v["posts_per_s"], v["reads_per_s"], percentile=PERCENTILE)
        return chart.html(sweep, comparison) + _LEGEND + _tables(population, comparison)

    return _view.Interactive(render, _view.controls(_CONTROLS), _PRESETS, principal="Scenario")
