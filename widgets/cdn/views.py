"""The CDN's view: :func:`cdn`, what still reaches the origin (requests and bytes) and what users wait,
against the hit ratio of the cached classes, for a mix of objects and a choice of what the CDN caches.

Declared as data (controls and presets), a chart class that builds its figure once and updates its
artists, and a ``render`` that formats what :mod:`.model` computed.
"""

from __future__ import annotations

import math

import pandas as pd
from matplotlib.ticker import NullLocator

from widgets import _view
from widgets._view.tables import fixed_percent, number_text, whole

from . import model

BLUE, ORANGE, GREEN, VERMILLION, PURPLE = _view.PALETTE[:5]
GREY, WIDTH_IN, FONT = _view.GREY, _view.FIGURE_WIDTH_IN, _view.MIN_FONT_PT

_CDN_CONTROLS = {
    "cached": ("Dropdown", "The CDN caches", {"options": list(model.CACHE_SCOPES)}),
    "hit_ratio": ("FloatSlider", "Hit ratio of cached objects",
                  {"min": 0, "max": 1, "step": 0.005, "value": 0.9, "readout_format": ".3f"}),
    "mix": ("Dropdown", "Traffic mix", {"options": list(model.MIXES)}),
    "requests_per_s": ("FloatText", "Requests per second", {"value": 10_000.0}),
    "user": ("Dropdown", "Users in", {"options": list(model.USER_CITY_NAMES), "value": "London"}),
    "origin": ("Dropdown", "Origin region", {"options": list(model.REGION_NAMES), "value": "us-east (N. Virginia)"}),
    "origin_ms": ("FloatText", "Origin's processing (ms)", {"value": 20.0}),
}
_BASE = {"cached": "nothing (no CDN)", "hit_ratio": 0.9, "mix": "web app", "requests_per_s": 10_000.0,
         "user": "London", "origin": "us-east (N. Virginia)", "origin_ms": 20.0}
_CDN_PRESETS = {
    "No CDN: every request crosses the Atlantic": _BASE,
    "Static objects cached, 90% hits": {**_BASE, "cached": "static objects"},
    "Static and media cached, 90% hits": {**_BASE, "cached": "static and media"},
    "Everything cached, 99.5% hits": {**_BASE, "cached": "everything, API too", "hit_ratio": 0.995},
}
_CDN_LEGEND = _view.legend([
    ("——", BLUE, "requests to the origin"), ("– –", ORANGE, "bytes from the origin (both as % of no CDN)"),
]) + _view.legend([
    ("——", GREEN, "mean latency"), ("– –", PURPLE, "p50"), ("···", VERMILLION, "p99"),
    ("|", GREY, "the hit ratio set"),
])
_XTICKS = (0, 0.25, 0.5, 0.75, 1)


class _CdnChart:
    """Two panels over the hit ratio of cached objects: the origin's share of the no-CDN load (top) and a
    request's latency (bottom), with the hit ratio set marked."""

    def __init__(self) -> None:
        height = 3.7
        self.figure = _view.new_figure(WIDTH_IN, height)
        self.figure.set_layout_engine(None)
        left, right = 0.62, 0.25

        def panel(bottom_in: float, top_in: float):
            return self.figure.add_axes((left / WIDTH_IN, bottom_in / height, 1 - (left + right) / WIDTH_IN,
                                         (top_in - bottom_in) / height))

        self.load_ax, self.latency_ax = panel(2.2, 3.5), panel(0.5, 1.85)
        for ax in (self.load_ax, self.latency_ax):
            ax.set_xlim(0, 1)
        _view.Ticks(self.latency_ax, "x", _XTICKS, [f"{t:.0%}" for t in _XTICKS])
        self.load_ax.xaxis.set_major_locator(NullLocator())  # the same grid, drawn as one line: no tick texts
        grid = [xy for t in _XTICKS[1:-1] for xy in ((t, 0), (t, 1.05), (math.nan, math.nan))]
        self.load_ax.plot(*zip(*grid), color="#b0b0b0", alpha=0.3, linewidth=0.8, zorder=0.5)
        self.load_ax.set_ylim(0, 1.05)
        _view.Ticks(self.load_ax, "y", (0, 0.5, 1), ("0%", "50%", "100%"))
        _view.y_label(self.load_ax, "to the origin", 36)
        _view.y_label(self.latency_ax, "latency (ms)", 36)
        _view.x_label(self.latency_ax, "hit ratio of the cached objects")
        self.y_ticks = _view.Ticks(self.latency_ax, "y", slots=5)
        (self.requests,) = self.load_ax.plot([], [], color=BLUE, linewidth=2)
        (self.bytes,) = self.load_ax.plot([], [], "--", color=ORANGE, linewidth=2)
        (self.mean,) = self.latency_ax.plot([], [], color=GREEN, linewidth=2)
        (self.p50,) = self.latency_ax.plot([], [], "--", color=PURPLE, linewidth=1.8, drawstyle="steps-post")
        (self.p99,) = self.latency_ax.plot([], [], ":", color=VERMILLION, linewidth=2.4, drawstyle="steps-post")
        self.marks = [ax.axvline(0, color=GREY, linewidth=1) for ax in (self.load_ax, self.latency_ax)]
        self.note = self.load_ax.text(0.5, 0.45, "no CDN: every request reaches the origin", ha="center",
                                      va="center", fontsize=FONT, transform=self.load_ax.transAxes)

    def html(self, sweep: pd.DataFrame, load: model.CdnLoad, latency: model.Latency, h: float) -> str:
        x = sweep["hit ratio"]
        self.requests.set_data(x, sweep["origin requests"])
        self.bytes.set_data(x, sweep["origin bytes"])
        for line, column in ((self.mean, "mean"), (self.p50, "p50"), (self.p99, "p99")):
            line.set_data(x, sweep[column])
        top = max(float(sweep["p99"].max()), 1.0) * 1.08
        self.latency_ax.set_ylim(0, top)
        ticks = _view.round_ticks(top, 3)
        self.y_ticks.set(ticks, [number_text(t) for t in ticks])
        for mark in self.marks:
            mark.set_xdata([h, h])
        self.note.set_visible(load.request_hit_ratio == 0 and float(sweep["origin requests"].iloc[-1]) == 1)
        alt = (f"Two line charts against the hit ratio of the cached objects, 0 to 100%. Top: the origin's "
               f"requests fall to {fixed_percent(sweep['origin requests'].iloc[-1])} and its bytes to "
               f"{fixed_percent(sweep['origin bytes'].iloc[-1])} of the no-CDN load at 100%. Bottom: latency "
               f"between {latency.hit_ms:,.1f} and {latency.miss_ms:,.1f} ms. At the hit ratio set, "
               f"{h:.1%}: {fixed_percent(1 - load.request_hit_ratio)} of requests reach the origin, mean "
               f"{latency.mean_ms:,.1f} ms, p50 {latency.p50_ms:,.1f} ms, p99 {latency.p99_ms:,.1f} ms.")
        return _view.figure_html(self.figure, alt)


def _tables(load: model.CdnLoad, latency: model.Latency, v: _view.Values) -> str:
    cdn = bool(model.CACHE_SCOPES[v["cached"]])
    rows = [
        ("Requests (all at the edge with a CDN)", f"{whole(load.requests_per_s)} /s"),
        ("Hit ratio over all requests", fixed_percent(load.request_hit_ratio)),
        ("Requests to the origin", f"{whole(load.origin_requests_per_s)} /s "
                                   f"({fixed_percent(1 - load.request_hit_ratio)})"),
        ("Egress to users", f"{load.user_gbps:,.2f} Gb/s"),
        ("Egress from the origin", f"{load.origin_gbps:,.2f} Gb/s ({fixed_percent(1 - load.byte_hit_ratio)})"),
        ("Latency of a hit, at the edge" if cdn else "Latency (straight to the origin)",
         f"{latency.hit_ms if cdn else latency.miss_ms:,.1f} ms"),
        ("Latency of a miss, through the edge", f"{latency.miss_ms:,.1f} ms" if cdn else "no CDN"),
        ("Latency: mean, p50, p99", f"{latency.mean_ms:,.1f}, {latency.p50_ms:,.1f}, {latency.p99_ms:,.1f} ms"),
    ]
    caption = (
        f"Users in {v['user']}, origin in {v['origin']}. Decimal units: 1 kB = 1,000 B, 1 Gb/s = 1,000,000,000 bit/s. "
        f"A request on a warm connection (no handshakes, transfer not counted): a hit costs the fibre round "
        f"trip to an edge {model.EDGE_KM:g} km away and {model.EDGE_MS:g} ms there; a miss adds the fibre floor to "
        f"the origin (1 ms per 100 km of great circle) and {number_text(v['origin_ms'])} ms of processing. "
        "p50 and p99: the smallest latency at least 50% and 99% of requests get."
    )
    mix = model.mix_table(v["mix"], model.CACHE_SCOPES[v["cached"]])
    mix_caption = f"The {v['mix']} mix (illustrative): shares of requests and of bytes; sizes in decimal kB."
    formats = {"class": str, "share of requests": fixed_percent, "size kB": number_text,
               "share of bytes": fixed_percent, "cached": str}
    return _view.table(rows, caption) + _view.table(mix, mix_caption, formats=formats)


def cdn() -> _view.Interactive:
    """A CDN in front of the origin: origin requests and egress, and latency, against the hit ratio.

    >>> "Egress from the origin" in cdn().view.value
    True
    """
    chart = _CdnChart()

    def render(v: _view.Values) -> str:
        cached = model.CACHE_SCOPES[v["cached"]]
        load = model.cdn_load(v["requests_per_s"], v["hit_ratio"], v["mix"], cached)
        where = {"user": v["user"], "origin": v["origin"], "origin_ms": v["origin_ms"]}
        latency = model.cdn_latency(load.request_hit_ratio, cdn=bool(cached), **where)
        sweep = model.hit_ratio_sweep(v["mix"], cached, **where)
        return chart.html(sweep, load, latency, v["hit_ratio"]) + _CDN_LEGEND + _tables(load, latency, v)

    return _view.Interactive(render, _view.controls(_CDN_CONTROLS), _CDN_PRESETS, principal="Scenario")
