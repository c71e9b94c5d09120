"""Views of API design: three zero-argument factories over the models.

* :func:`payloads`: the same records in JSON, MessagePack, Avro and Protocol Buffers: real bytes, raw
  and gzip'd, and the stored encode and decode times of a stated run (:mod:`.model`);
* :func:`graphql_rest`: one profile screen by REST and by GraphQL: bytes, over-fetching, round trips,
  and the load time against the round-trip time (:mod:`.fetching`);
* :func:`push_pull`: short polling, long polling and push for N clients: requests a second at the
  server and delivery delay, against the poll interval (:mod:`.polling`).

Each is declared as data (controls and presets), a chart class that builds its figure once and
updates its artists, and a ``render`` that formats what the model computed.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from widgets import _view
from widgets._view.tables import number_text

from . import fetching, model, polling
from .encoders import FORMAT_NAMES, FORMATS, GZIP_LEVEL
from .records import KIND_NAMES

BLUE, ORANGE, GREEN, VERMILLION, PURPLE, SKY, _, BLACK = _view.PALETTE
WIDTH_IN, FONT = _view.FIGURE_WIDTH_IN, _view.MIN_FONT_PT


def _bytes(x: float, decimals: int = 0) -> str:
    """Bytes as a table shows them: B below 10,000, else decimal kB (1 kB = 1,000 B) or MB."""
    if x >= 1e6:
        return f"{x / 1e6:,.2f} MB"
    if x >= 1e4:
        return f"{x / 1e3:,.1f} kB"
    return f"{x:,.{decimals}f} B"


def _ms(x: float) -> str:
    if not math.isfinite(x):
        return "none"
    if x >= 10_000:
        return f"{x / 1e3:,.0f} s"
    if x >= 1_000:
        return f"{x / 1e3:,.2f} s"
    return f"{x:,.0f} ms" if x >= 100 else f"{x:,.1f} ms" if x >= 1 else f"{x:,.2f} ms"


def _decades(low: float, high: float, most: int = 6) -> list[float]:
    """Powers of ten in [low, high], every other one (or sparser) if there are more than ``most``.

    >>> _decades(0.5, 2e5)
    [1.0, 10.0, 100.0, 1000.0, 10000.0, 100000.0]
    >>> _decades(0.01, 1e6)
    [0.01, 1.0, 100.0, 10000.0, 1000000.0]
    """
    powers = [10.0 ** k for k in range(math.ceil(math.log10(low) - 1e-9), math.floor(math.log10(high) + 1e-9) + 1)]
    step = math.ceil(len(powers) / most) if powers else 1
    return powers[::step]


def _count(x: float) -> str:
    """A count a second on a log axis: 0.01, 1, 100, 10k, 1M."""
    for unit, size in (("M", 1e6), ("k", 1e3)):
        if x >= size:
            return f"{x / size:g}{unit}"
    return f"{x:g}"


def _time_tick(ms: float) -> str:
    return f"{ms / 1e3:g} s" if ms >= 1_000 else f"{ms:g} ms"


# ---------------------------------------------------------------- 1. payloads

_FORMAT_ROWS = [FORMAT_NAMES[f] for f in FORMATS]
_PAYLOAD_CONTROLS = {
    "kind": ("Dropdown", "Records", {"options": [(name, kind) for kind, name in KIND_NAMES.items()], "value": "user"}),
    "batch": ("Dropdown", "Records in the payload", {"options": _view.counted(1, 10, 100, 1_000), "value": 100}),
}
_PAYLOAD_PRESETS = {
    "One user record: gzip makes binary bigger": {"kind": "user", "batch": 1},
    "1,000 users: gzip helps JSON most": {"kind": "user", "batch": 1_000},
    "1,000 orders (integers): binary 4-5× smaller": {"kind": "order", "batch": 1_000},
    "1,000 sensor readings (doubles)": {"kind": "reading", "batch": 1_000},
}
_PAYLOAD_LEGEND = _view.legend([
    ("■", BLUE, "raw bytes per record"),
    ("■", ORANGE, f"gzip'd (level {GZIP_LEVEL}), hatched, lower bar"),
])


class _PayloadChart:
    """Bytes per record, raw and gzip'd, one row a format."""

    def __init__(self) -> None:
        self.figure, ax = _view.fixed_axes(WIDTH_IN, 2.2, margins=(1.25, 0.5, 0.55, 0.1), axis=True)
        self.ax = ax
        rows = np.arange(len(FORMATS))
        ax.set_ylim(len(FORMATS) - 0.5, -0.5)
        _view.Ticks(ax, "y", rows, _FORMAT_ROWS, grid=False)
        self.x_ticks = _view.Ticks(ax, "x", slots=7)
        _view.x_label(ax, "bytes per record (the payload's bytes / its records)")
        self.bars = [ax.barh(rows + offset, [0] * len(rows), height=0.36, color=colour, hatch=hatch,
                             edgecolor=BLACK, linewidth=0.5).patches
                     for offset, colour, hatch in ((-0.19, BLUE, ""), (0.19, ORANGE, "//"))]
        self.labels = [[ax.text(0, row + offset, "", va="center", ha="left", fontsize=FONT) for row in rows]
                       for offset in (-0.19, 0.19)]

    def html(self, sizes: pd.DataFrame, kind: str, batch: int) -> str:
        series = [sizes["per_record"].tolist(), sizes["per_record_gzip"].tolist()]
        top = max(series[0] + series[1]) * 1.25
        self.ax.set_xlim(0, top)
        ticks = _view.round_ticks(top / 1.1, 4)
        self.x_ticks.set(ticks, [f"{t:,g}" for t in ticks])
        for bars, labels, values in zip(self.bars, self.labels, series):
            for bar, label, value in zip(bars, labels, values):
                bar.set_width(value)
                label.set(x=value + top * 0.01, text=f"{value:,.0f}")
        alt = (f"Bar chart: bytes per record of {batch:,} {KIND_NAMES[kind]} records, raw and gzip'd: " + "; ".join(
            f"{FORMAT_NAMES[f]} {r:,.1f} raw, {g:,.1f} gzip'd" for f, r, g in zip(FORMATS, *series)) + ".")
        return _view.figure_html(self.figure, alt)


def _sizes_table(sizes: pd.DataFrame, kind: str, batch: int) -> str:
    header, framing = model.avro_file_overhead(kind, batch)
    rows = pd.DataFrame({
        "format": _FORMAT_ROWS,
        "one record alone": [_bytes(x, 1) for x in sizes["alone"]],
        "gzip'd": [_bytes(x, 1) for x in sizes["alone_gzip"]],
        f"batch of {batch:,}": [_bytes(x) for x in sizes["batch"]],
        "gzip'd ": [_bytes(x) for x in sizes["batch_gzip"]],
        "vs JSON": [f"{x:.2f}×" for x in sizes["vs_json"]],
        "gzip'd vs JSON": [f"{x:.2f}×" for x in sizes["vs_json_gzip"]],
    })
    caption = (
        f"Real bytes of the same {batch:,} seeded {KIND_NAMES[kind]} records (1 kB = 1,000 B). JSON: compact, "
        "timestamps as RFC 3339 text. MessagePack: maps that keep their keys. Avro: schemaless (no schema in "
        f"the bytes; an Avro container file would add a {header:,}-byte header holding the schema, and "
        f"{framing:,} B of block framing here). Protocol Buffers: proto3, a Batch of length-prefixed Records. "
        f"gzip level {GZIP_LEVEL} (zlib's default) adds 18 B of framing. One record alone: "
        + ("the record sent by itself." if batch == 1 else
           f"the mean of the first {min(model.ALONE, batch)}, each sent by itself.")
    )
    return _view.table(rows, caption, formats=[str] * 7)


def _timings_table(run: model.EncodingRun, kind: str) -> str:
    t = run.table(kind)
    rows = pd.DataFrame({
        "format": _FORMAT_ROWS,
        "encode (µs/record)": [f"{x:,.1f}" for x in t["encode_us_per_record"]],
        "decode (µs/record)": [f"{x:,.1f}" for x in t["decode_us_per_record"]],
        f"gzip {run.batch:,} (ms)": [f"{x:,.2f}" for x in t["gzip_ms"]],
    })
    versions = ", ".join(f"{name} {v}" for name, v in run.versions)
    caption = (
        f"Stored times, measured on {run.date}, {run.cpu_count} cores ({run.machine}, load average "
        f"{run.load_average:g} as it ended), Python {run.python}, {versions}: the median of {run.runs} runs "
        f"(time.perf_counter) of a batch of {run.batch:,} {KIND_NAMES[kind]} records, whatever the batch "
        f"above; `{run.command}` measures again. Other machines and busier ones give other times."
    )
    return _view.table(rows, caption, formats=[str] * 4)


def payloads() -> _view.Interactive:
    """The same records in four formats: real bytes, raw and gzip'd, and the stored encode/decode times.

    >>> "Protocol Buffers" in payloads().view.value
    True
    """
    chart, run = _PayloadChart(), model.stored_timings()
    timings = {kind: _timings_table(run, kind) for kind in KIND_NAMES}
    for kind in KIND_NAMES:  # the model caches sizes: warm them all, so a control change only draws
        for _, batch in _PAYLOAD_CONTROLS["batch"][2]["options"]:
            model.payload_sizes(kind, batch)
            model.avro_file_overhead(kind, batch)

    def render(v: _view.Values) -> str:
        sizes = model.payload_sizes(v["kind"], v["batch"])
        return (chart.html(sizes, v["kind"], v["batch"]) + _PAYLOAD_LEGEND + _sizes_table(sizes, v["kind"], v["batch"])
                + timings[v["kind"]])

    return _view.Interactive(render, _view.controls(_PAYLOAD_CONTROLS), _PAYLOAD_PRESETS, principal="Payload")


# ---------------------------------------------------------------- 2. GraphQL against REST

RTT_SWEEP_MS = tuple(float(x) for x in np.geomspace(1, 1_000, 13))
_FETCH_CONTROLS = {
    "rtt_ms": ("FloatLogSlider", "Round-trip time (ms)",
               {"base": 10, "min": 0, "max": 3, "step": 0.1, "value": 50, "readout_format": ",.3g"}),
    "bandwidth_mbps": ("FloatLogSlider", "Bandwidth (Mbit/s)",
                       {"base": 10, "min": 0, "max": 3, "step": 0.1, "value": 20, "readout_format": ",.3g"}),
    "followers": ("Dropdown", "Followers", {"options": _view.counted(12, 300, 3_000), "value": 300}),
    "follower_total": ("Dropdown", "REST follower count",
                       {"options": [("a total_count field", True), ("none: count every page", False)], "value": True}),
    "parallel": ("Dropdown", "REST's three requests",
                 {"options": [("in parallel (HTTP/2)", True), ("one after another", False)], "value": True}),
}
_FETCH_BASE = {"rtt_ms": 50.0, "bandwidth_mbps": 20.0, "followers": 300, "follower_total": True, "parallel": True}
_FETCH_PRESETS = {
    "Phone on 4G, REST in parallel: bytes differ": _FETCH_BASE,
    "REST one after another, RTT 150 ms": {**_FETCH_BASE, "rtt_ms": 150.0, "parallel": False},
    "No total: REST pages through 3,000 followers": {**_FETCH_BASE, "followers": 3_000, "follower_total": False},
    "Same data centre: RTT 1 ms, 1 Gbit/s": {**_FETCH_BASE, "rtt_ms": 1.0, "bandwidth_mbps": 1_000.0},
}
_FETCH_LEGEND = _view.legend([
    ("–■–", VERMILLION, "REST: round trips × RTT + bytes / bandwidth"),
    ("—●—", BLUE, "GraphQL: one round trip, the screen's bytes"),
    ("——", _view.GREY, "the RTT set"),
])


class _FetchChart:
    """The screen's load time against the round-trip time, REST and GraphQL (log-log)."""

    Y_MS = (0.3, 3e5)

    def __init__(self) -> None:
        self.figure, ax = _view.fixed_axes(WIDTH_IN, 2.6, margins=(0.75, 0.5, 0.15, 0.1), axis=True)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set(xlim=(0.8, 1_250), ylim=self.Y_MS)
        at = (1, 10, 100, 1_000)
        _view.Ticks(ax, "x", at, [f"{x:,}" for x in at])
        decades = _decades(*self.Y_MS)
        _view.Ticks(ax, "y", decades, [_time_tick(d) for d in decades])
        _view.x_label(ax, "round-trip time (ms)")
        _view.y_label(ax, "time to load the screen", 44)
        (self.rest,) = ax.plot([], [], "s-", color=VERMILLION, markersize=4, linewidth=1.4)
        (self.graphql,) = ax.plot([], [], "o--", color=BLUE, markersize=4, linewidth=1.4)
        (self.now,) = ax.plot([], [], color=_view.GREY, linewidth=1)
        self.note = ax.text(0.97, 0.04, "", transform=ax.transAxes, ha="right", va="bottom", fontsize=FONT,
                            zorder=5, multialignment="left",
                            bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.85, "pad": 1})

    def html(self, p: fetching.ProfileFetch, v: _view.Values) -> str:
        bw = v["bandwidth_mbps"]
        rest = [p.rest.time_ms(r, bw) for r in RTT_SWEEP_MS]
        graphql = [p.graphql.time_ms(r, bw) for r in RTT_SWEEP_MS]
        self.rest.set_data(RTT_SWEEP_MS, rest)
        self.graphql.set_data(RTT_SWEEP_MS, graphql)
        self.now.set_data([v["rtt_ms"]] * 2, self.Y_MS)
        rest_now, graphql_now = p.rest.time_ms(v["rtt_ms"], bw), p.graphql.time_ms(v["rtt_ms"], bw)
        self.note.set_text(f"at RTT {v['rtt_ms']:,.3g} ms:\nREST {_ms(rest_now)}, GraphQL {_ms(graphql_now)}")
        alt = (f"Log-log chart of the profile screen's load time against the round-trip time, 1 to 1,000 ms, at "
               f"{bw:,.3g} Mbit/s. REST ({p.rest.round_trips} round trips, {p.rest.total_bytes:,} B): "
               + ", ".join(f"{r:g} ms {_ms(t)}" for r, t in zip(RTT_SWEEP_MS[::6], rest[::6]))
               + f". GraphQL (1 round trip, {p.graphql.total_bytes:,} B): "
               + ", ".join(f"{r:g} ms {_ms(t)}" for r, t in zip(RTT_SWEEP_MS[::6], graphql[::6]))
               + f". At {v['rtt_ms']:,.3g} ms: REST {_ms(rest_now)}, GraphQL {_ms(graphql_now)}.")
        return _view.figure_html(self.figure, alt)


def _endpoint_rows(fetch: fetching.ScreenFetch) -> list[dict]:
    """One row an endpoint: a list's pages summed into one row."""
    rows: dict[str, dict] = {}
    for e in fetch.exchanges:
        key = f"{e.method} {e.path.partition('?')[0]}"
        row = rows.setdefault(key, {"request": key, "n": 0, "rounds": [], "sent": 0, "response": 0, "shown": 0})
        row["n"] += 1
        row["rounds"].append(e.round)
        row["sent"] += e.request_bytes
        row["response"] += e.response_bytes
        row["shown"] += e.shown_bytes
    return list(rows.values())


def _fetch_tables(p: fetching.ProfileFetch, v: _view.Values) -> str:
    def rounds(r: list[int]) -> str:
        return str(r[0]) if len(r) == 1 else f"{min(r)} to {max(r)}"

    rows = [{"API": f.api, "request": row["request"] + (f" (×{row['n']:,} pages)" if row["n"] > 1 else ""),
             "round trip": rounds(row["rounds"]), "sent": _bytes(row["sent"]), "received": _bytes(row["response"]),
             "over-fetched": _bytes(row["response"] - row["shown"])}
            for f in (p.rest, p.graphql) for row in _endpoint_rows(f)]
    endpoints = _view.table(pd.DataFrame(rows), (
        f"Each request's body bytes (compact JSON; headers not counted; 1 kB = 1,000 B). Over-fetched: the bytes of "
        f"fields and list items sent but not shown. REST lists come in pages of {fetching.PAGE_SIZE}."),
        formats=[str] * 6)
    summary = pd.DataFrame({
        "requests": [f.requests for f in (p.rest, p.graphql)],
        "round trips": [f.round_trips for f in (p.rest, p.graphql)],
        "bytes": [_bytes(f.total_bytes) for f in (p.rest, p.graphql)],
        "gzip'd": [_bytes(f.gzip_bytes + f.request_bytes) for f in (p.rest, p.graphql)],
        "over-fetched": [_bytes(f.over_fetched_bytes) for f in (p.rest, p.graphql)],
        "load time": [_ms(f.time_ms(v["rtt_ms"], v["bandwidth_mbps"])) for f in (p.rest, p.graphql)],
    }, index=["REST", "GraphQL"])
    shown = p.graphql.screen
    caption = (
        f"The screen: {shown['name']}'s name and avatar, the last 3 posts' titles, {shown['follower_count']:,} "
        f"followers; both APIs show the same values. Load time: round trips × {v['rtt_ms']:,.3g} ms + bytes × 8 / "
        f"{v['bandwidth_mbps']:,.3g} Mbit/s, on a warm connection, with no server time. gzip'd: responses at level "
        f"{GZIP_LEVEL}, requests as sent."
    )
    return _view.table(summary, caption, formats=[number_text, number_text, str, str, str, str], index=True) + endpoints


def graphql_rest() -> _view.Interactive:
    """One profile screen by REST and by GraphQL: bytes, over-fetching, round trips, load time against RTT.

    >>> "over-fetched" in graphql_rest().view.value
    True
    """
    chart = _FetchChart()
    for followers, total, parallel in ((f, t, q) for _, f in _FETCH_CONTROLS["followers"][2]["options"]
                                       for t in (True, False) for q in (True, False)):
        fetching.fetch_profile(followers, follower_total=total, parallel=parallel)  # cached: warm it

    def render(v: _view.Values) -> str:
        p = fetching.fetch_profile(v["followers"], follower_total=v["follower_total"], parallel=v["parallel"])
        return chart.html(p, v) + _FETCH_LEGEND + _fetch_tables(p, v)

    return _view.Interactive(render, _view.controls(_FETCH_CONTROLS), _FETCH_PRESETS, principal="Scenario")


# ---------------------------------------------------------------- 3. polling against push

POLL_SWEEP_S = (0.1, 0.3, 1.0, 3.0, 10.0, 30.0, 100.0)
_PUSH_CONTROLS = {
    "clients": ("Dropdown", "Clients", {"options": _view.counted(100, 1_000, 10_000, 100_000), "value": 10_000}),
    "rate": ("FloatLogSlider", "Messages/s per client (λ)",
             {"base": 10, "min": -4, "max": 0.7, "step": 0.1, "value": 1 / 60, "readout_format": ".3g"}),
    "poll_s": ("FloatLogSlider", "Poll every (s)",
               {"base": 10, "min": -1, "max": 2, "step": 0.1, "value": 5, "readout_format": ".3g"}),
    "timeout_s": ("FloatText", "Long-poll timeout (s)", {"value": 30.0}),
    "rtt_ms": ("FloatLogSlider", "Round-trip time (ms)",
               {"base": 10, "min": 0, "max": 3, "step": 0.1, "value": 100, "readout_format": ",.3g"}),
}
_PUSH_BASE = {"clients": 10_000, "rate": 1 / 60, "poll_s": 5.0, "timeout_s": 30.0, "rtt_ms": 100.0}
_PUSH_PRESETS = {
    "Chat: a message a minute each, polls every 5 s": _PUSH_BASE,
    "Poll every second for fresher messages": {**_PUSH_BASE, "poll_s": 1.0},
    "A busy feed: 2 messages a second each": {**_PUSH_BASE, "rate": 2.0},
    "Idle dashboards: a message an hour each": {**_PUSH_BASE, "rate": 1 / 3_600},
}
_PUSH_LEGEND = _view.legend([
    ("—●—", BLUE, "short polling: closed form, and simulated dots"),
    ("–■–", ORANGE, "long polling (closed form; square: simulated)"),
    ("···▲", GREEN, "push: frames a second (top; no requests) and delay"),
    ("——", _view.GREY, "the poll interval set"),
])


class _PushChart:
    """Requests a second at the server (top band) and mean delay (bottom band) against the poll interval.

    Both bands share one axes (a second axes would double the machinery drawn at every redraw): x is the
    log poll interval, y runs 0 to 1, and each band maps its own decades of a log scale onto its part of
    y. Every series is one line across both bands, broken by a NaN in the gap.
    """

    BANDS = ((0.56, 1.0), (0.0, 0.44))  # (bottom, top) in y: requests/s, then mean delay
    X = (0.08, 125.0)

    def __init__(self) -> None:
        self.figure, ax = _view.fixed_axes(WIDTH_IN, 3.5, margins=(0.8, 0.5, 0.15, 0.1))
        self.ax = ax
        ax.set_xscale("log")
        ax.set(xlim=self.X, ylim=(0, 1))
        frame_x = [0, 1, 1, 0, 0, math.nan]
        ax.plot(frame_x * 2, [y for b, t in self.BANDS for y in (b, b, t, t, b, math.nan)], transform=ax.transAxes,
                color=BLACK, linewidth=0.8, clip_on=False)
        self.fine = tuple(float(x) for x in np.geomspace(*self.X, 24))
        _view.Ticks(ax, "x", POLL_SWEEP_S[::2], [f"{p:g}" for p in POLL_SWEEP_S[::2]], grid=False)
        self.y_ticks = _view.Ticks(ax, "y", slots=8)
        for (bottom, top), label in zip(self.BANDS, ("requests/s\nat the server", "mean delay")):
            ax.annotate(label, (0, (bottom + top) / 2), xycoords="axes fraction", xytext=(-48, 0),
                        textcoords="offset points", ha="center", va="center", rotation=90, fontsize=FONT,
                        linespacing=1.1)
        _view.x_label(ax, "poll interval P (s)")
        self.lines = {"short": ax.plot([], [], color=BLUE, linewidth=1.4)[0],
                      "dots": ax.plot([], [], "o", color=BLUE, markersize=4)[0],
                      "long": ax.plot([], [], "--", color=ORANGE, linewidth=1.6)[0],
                      "long_sim": ax.plot([], [], "s", color=ORANGE, markersize=5)[0],
                      "push": ax.plot([], [], ":", color=GREEN, linewidth=2)[0],
                      "push_sim": ax.plot([], [], "^", color=GREEN, markersize=5)[0],
                      "now": ax.plot([], [], color=_view.GREY, linewidth=1)[0]}

    def html(self, v: _view.Values, closed: tuple[polling.Delivery, ...], short_sweep: tuple[polling.Delivery, ...],
             sim: tuple[polling.Delivery, ...]) -> str:
        n, rate, tau, rtt, poll = v["clients"], v["rate"], v["timeout_s"], v["rtt_ms"], v["poll_s"]
        (_, long, push), (_, long_sim, push_sim) = closed, sim
        short_fine = [polling.short_polling(n, rate, p, rtt) for p in self.fine]
        series = {name: ([], []) for name in self.lines}
        ticks, labels = [], []
        for (bottom, top), field, fmt in zip(self.BANDS, ("requests_per_s", "mean_delay_ms"), (_count, _time_tick)):
            push_field = "frames_per_s" if field == "requests_per_s" else field
            values = {"short": [getattr(d, field) for d in short_fine],
                      "dots": [getattr(d, field) for d in short_sweep],
                      "long": [getattr(long, field)] * 2, "long_sim": [getattr(long_sim, field)],
                      "push": [getattr(push, push_field)] * 2, "push_sim": [getattr(push_sim, push_field)]}
            shown = [x for xs in values.values() for x in xs if math.isfinite(x) and x > 0]
            low, high = math.log10(min(shown) / 2.5), math.log10(max(shown) * 2.5)

            def y(xs: list[float]) -> list[float]:
                return [bottom + (math.log10(x) - low) / (high - low) * (top - bottom) if x > 0 else math.nan
                        for x in xs]

            xs = {"short": self.fine, "dots": POLL_SWEEP_S, "long": self.X, "long_sim": (poll,), "push": self.X,
                  "push_sim": (poll,)}
            for name, data in values.items():
                series[name][0].extend([*xs[name], math.nan])
                series[name][1].extend([*y(data), math.nan])
            series["now"][0].extend([poll, poll, math.nan])
            series["now"][1].extend([bottom, top, math.nan])
            decades = _decades(10 ** low, 10 ** high, 4)
            ticks += y(decades)
            labels += [fmt(d) for d in decades]
        for name, line in self.lines.items():
            line.set_data(*series[name])
        self.y_ticks.set(ticks, labels)
        alt = (f"Two log-log panels against the poll interval, 0.1 to 100 s, for {n:,} clients at {rate:.3g} "
               f"messages/s each, long-poll timeout {tau:g} s, RTT {rtt:,.3g} ms. Requests/s at the server: short "
               f"polling {n:,}/P (" + ", ".join(f"{d.requests_per_s:,.3g} at {p:g} s"
                                                 for p, d in zip(POLL_SWEEP_S[::3], short_sweep[::3]))
               + f" simulated); long polling {long.requests_per_s:,.3g}; push {push.frames_per_s:,.3g} frames/s, "
               f"no requests. Mean delay: short polling P/2 + RTT/2 (" + ", ".join(
                   f"{_ms(d.mean_delay_ms)} at {p:g} s" for p, d in zip(POLL_SWEEP_S[::3], short_sweep[::3]))
               + f"); long polling {_ms(long.mean_delay_ms)}; push {_ms(push.mean_delay_ms)}.")
        return _view.figure_html(self.figure, alt)


def _per_s(x: float) -> str:
    """A rate a second: whole above 100, three digits below, "under 0.01" for what rounds away."""
    return f"{x:,.0f}" if x >= 100 or x == 0 else f"{x:,.3g}" if x >= 0.01 else "under 0.01"


def _push_table(v: _view.Values, closed: tuple[polling.Delivery, ...], sim: tuple[polling.Delivery, ...]) -> str:
    per_s = _per_s

    rows = pd.DataFrame({
        name: [per_s(c.requests_per_s), per_s(s.requests_per_s), per_s(c.empty_per_s), per_s(c.frames_per_s),
               _ms(c.mean_delay_ms), _ms(s.mean_delay_ms), _ms(c.p99_delay_ms), _ms(s.p99_delay_ms)]
        for name, c, s in zip(("short polling", "long polling", "push"), closed, sim)
    }, index=["requests/s", "simulated", "answers with nothing/s", "frames pushed/s", "mean delay", "simulated",
              "p99 delay", "simulated"])
    k, horizon = polling.simulation_plan(v["clients"], v["rate"], v["timeout_s"], v["rtt_ms"])
    caption = (
        f"{v['clients']:,} clients, each sent seeded Poisson messages at λ = {v['rate']:.3g}/s "
        f"({per_s(v['clients'] * v['rate'])}/s in all); polls every {v['poll_s']:.3g} s; long polls time out after "
        f"{v['timeout_s']:g} s; RTT {v['rtt_ms']:,.3g} ms, one way half that. Delay: from a message reaching the "
        f"server to the client having it; p99 the 99th percentile. Closed forms first, then a simulation of "
        f"{k} clients over {horizon:,.0f} s on the same arrivals, its server counts scaled to {v['clients']:,}."
    )
    return _view.table(rows, caption, formats=[str] * 3, index=True)


def push_pull() -> _view.Interactive:
    """Short polling, long polling and push for N clients: requests/s at the server and delivery delay.

    >>> "long polling" in push_pull().view.value
    True
    """
    chart = _PushChart()

    def render(v: _view.Values) -> str:
        closed = polling.closed_forms(v["clients"], v["rate"], v["poll_s"], v["timeout_s"], v["rtt_ms"])
        sweep = polling.simulate_delivery(v["clients"], v["rate"], (*POLL_SWEEP_S, v["poll_s"]), v["timeout_s"],
                                          v["rtt_ms"])
        short_sweep, sim = sweep[:len(POLL_SWEEP_S)], sweep[len(POLL_SWEEP_S):]  # sim: at P, long polling, push
        return chart.html(v, closed, short_sweep, sim) + _PUSH_LEGEND + _push_table(v, closed, sim)

    return _view.Interactive(render, _view.controls(_PUSH_CONTROLS), _PUSH_PRESETS, principal="Scenario")
