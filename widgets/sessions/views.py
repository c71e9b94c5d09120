"""Sessions' view: :func:`stateless`, one host lost behind a load balancer with sessions kept three ways.

Declared as data (controls and presets), a chart class that builds its figure once and updates its
artists, and a ``render`` that formats what :mod:`.model` computed.
"""

from __future__ import annotations

import pandas as pd
from matplotlib.collections import LineCollection

from widgets import _view
from widgets._view.tables import number_text, whole

from . import model

BLUE, ORANGE, GREEN, *_ = _view.PALETTE
BLACK = _view.PALETTE[7]
WIDTH_IN, FONT = _view.FIGURE_WIDTH_IN, _view.MIN_FONT_PT
#: Each set-up's short name on the chart, colour and hatch (never colour alone).
_STYLE = {"sticky": ("sticky", BLUE, ""), "replicated": ("replicated", ORANGE, "///"),
          "external store": ("store", GREEN, "xx")}
CRASH_S, WINDOW_S = 60.0, 60.0  # the host dies a minute in; forced logins counted over the next minute

_CONTROLS = {
    "hosts": ("IntSlider", "Hosts", {"min": 2, "max": 100, "value": 4}),
    "sessions": ("Dropdown", "Active sessions", {"options": _view.counted(1_000, 10_000, 100_000),
                                                 "value": 10_000}),
    "session_kb": ("FloatLogSlider", "Session size (kB)",
                   {"base": 10, "min": -1, "max": 3, "step": 0.1, "value": 2, "readout_format": ",.3g"}),
    "writes_per_second": ("FloatLogSlider", "Session writes/s (all hosts)",
                          {"base": 10, "min": 1, "max": 6, "step": 0.1, "value": 1_000, "readout_format": ",.3g"}),
    "store_rtt_ms": ("FloatText", "Store round trip (ms)", {"value": 0.5}),
    "peers": ("Dropdown", "Replicate each write to", {"options": [("every other host", "all"), ("one backup host", 1)],
                                                      "value": "all"}),
}
_BIG = {"hosts": 40, "sessions": 100_000, "session_kb": 50.0, "writes_per_second": 20_000.0, "store_rtt_ms": 0.5,
        "peers": "all"}
_PRESETS = {
    "4 hosts, 2 kB sessions: all three are cheap": {"hosts": 4, "sessions": 10_000, "session_kb": 2.0,
                                                    "writes_per_second": 1_000.0, "store_rtt_ms": 0.5, "peers": "all"},
    "40 hosts, 50 kB sessions: copying to all explodes": _BIG,
    "The same, one backup host each": {**_BIG, "peers": 1},
    "100 hosts, a store 1 ms away: its cost stays flat": {"hosts": 100, "sessions": 100_000, "session_kb": 10.0,
                                                          "writes_per_second": 50_000.0, "store_rtt_ms": 1.0,
                                                          "peers": "all"},
}

#: One 10 Gbit/s network link, in MB/s: the mark on the traffic panel.
LINK_MB_S = 10e9 / 8 / 1e6
#: The chart's panels: title (two lines), how a value reads, and the least scale (so that presets
#: compare: a few MB/s stay small beside a network link, a fraction of a ms beside 1 ms).
_PANELS = (("sessions lost\nwhen a host dies", whole, 0.0),
           ("session writes\nsent (MB/s)", number_text, LINK_MB_S),
           ("latency added\nper request (ms)", number_text, 1.0))
_LEGEND = _view.legend([("■", BLUE, "sticky: sessions in the host's memory"),
                        ("■", ORANGE, "replicated to other hosts (hatched ///)"),
                        ("■", GREEN, "external store, e.g. Redis (cross-hatched)"),
                        ("·", _view.GREY, f"marks: one 10 Gbit/s network link ({LINK_MB_S:,.0f} MB/s)")])


class _Chart:
    """Three panels of horizontal bars side by side, one row a set-up, each bar labelled with its value."""

    HEIGHT_IN, NAMES_IN, PANEL_IN, GAP_IN = 1.45, 0.78, 1.2, 0.07
    CHAR_IN = 0.075  # about one digit's width at 9 pt: room for a label right of its bar

    def __init__(self) -> None:
        self.figure = _view.new_figure(WIDTH_IN, self.HEIGHT_IN)
        self.figure.set_layout_engine(None)
        self.panels = []
        for i, (title, _, floor) in enumerate(_PANELS):
            left = self.NAMES_IN + i * (self.PANEL_IN + self.GAP_IN)
            ax = self.figure.add_axes((left / WIDTH_IN, 0.03, self.PANEL_IN / WIDTH_IN, 0.97 - 0.42 / self.HEIGHT_IN))
            ax.set_axis_off()
            ax.set_ylim(2.5, -0.5)
            ax.text(0, 1.04, title, transform=ax.transAxes, ha="left", va="bottom", fontsize=FONT, linespacing=1.1)
            ax.plot([0, 0], [-0.5, 2.5], color=BLACK, linewidth=0.8)
            bars = ax.barh(range(3), [0, 0, 0], height=0.72, color=[s[1] for s in _STYLE.values()],
                           edgecolor=BLACK, linewidth=0.5).patches
            for bar, (name, _, hatch) in zip(bars, _STYLE.values()):
                bar.set_hatch(hatch)
                if i == 0:
                    ax.text(-0.04, bar.get_y() + 0.36, name, transform=ax.get_yaxis_transform(), ha="right",
                            va="center", fontsize=FONT)
            labels = [ax.text(0, row, "", ha="left", va="center", fontsize=FONT) for row in range(3)]
            if floor == LINK_MB_S:  # the link's mark, in the gaps between the rows (clear of the labels)
                marks = [((floor, y - 0.14), (floor, y + 0.14)) for y in (-0.5, 0.5, 1.5, 2.5)]
                ax.add_collection(LineCollection(marks, colors=_view.GREY, linewidths=1.2))
            self.panels.append((ax, bars, labels))

    def html(self, costs: tuple[model.SetupCost, ...]) -> str:
        columns = ([c.sessions_lost for c in costs], [c.traffic_mb_s for c in costs],
                   [c.latency_added_ms for c in costs])
        texts = []
        for (ax, bars, labels), values, (_, fmt, floor) in zip(self.panels, columns, _PANELS):
            shown = [fmt(v) for v in values]
            room = min(self.CHAR_IN * max(map(len, shown)) + 0.08, 0.8 * self.PANEL_IN)  # inches the label needs
            top = max(*values, floor, 1e-12) * self.PANEL_IN / (self.PANEL_IN - room)
            ax.set_xlim(0, top)
            for bar, label, value, text in zip(bars, labels, values, shown):
                bar.set_width(value)
                label.set_x(value + 0.03 * top)
                label.set_text(text)
            texts.append(shown)
        alt = "Bar charts of three set-ups, sticky, replicated and external store: " + "; ".join(
            f"{title.replace(chr(10), ' ')}: {', '.join(t)}" for (title, *_), t in zip(_PANELS, texts)) + "."
        return _view.figure_html(self.figure, alt)


def _table(costs: tuple[model.SetupCost, ...], run: model.HostLoss, v: _view.Values) -> str:
    rows = {
        "Sessions lost when one host dies (expected)": [whole(c.sessions_lost) for c in costs],
        f"Users logging in again within {WINDOW_S:.0f} s (simulated, expected)": [
            f"{run.forced_logins(c.setup):,} ({whole(run.expected_returned)})" if c.setup == "sticky" else "0"
            for c in costs],
        "Copies of each session write sent": [str(c.copies_per_write) for c in costs],
        "Session writes on the network (MB/s)": [number_text(c.traffic_mb_s) for c in costs],
        "Received by each host (MB/s)": [number_text(c.received_per_host_mb_s) for c in costs],
        "Latency added to each request (ms)": [number_text(c.latency_added_ms) for c in costs],
        "Session memory on each host (MB)": [number_text(c.memory_per_host_mb) for c in costs],
        "Session memory in the store (MB)": [number_text(c.store_memory_mb) for c in costs],
    }
    frame = pd.DataFrame(rows, index=[_STYLE[c.setup][0] for c in costs]).T
    target = "every other host (all-to-all, as Tomcat's DeltaManager)" if v["peers"] == "all" else \
        "one backup host (as Tomcat's BackupManager)"
    caption = (
        f"{v['hosts']} hosts, {v['sessions']:,} sessions of {number_text(v['session_kb'])} kB, "
        f"{number_text(v['writes_per_second'])} session writes/s across all hosts; decimal units "
        f"(1 MB = 1,000 kB). Replication is asynchronous, to {target}; the store takes each write once. "
        f"Reading a session from memory: {number_text(model.MEMORY_LATENCY_MS * 1e6)} ns. Simulated (seeded): a "
        f"host dies {CRASH_S:.0f} s in; each user sends one request per session write "
        f"({number_text(run.request_rate)} a second each); sessions on the dead host: {run.on_dead_host:,}."
    )
    return _view.table(frame, caption, formats=[str] * 3, index=True)


def stateless() -> _view.Interactive:
    """Lose one host behind a load balancer: sticky, replicated and externally stored sessions side by side.

    >>> "Session writes on the network" in stateless().view.value
    True
    """
    chart = _Chart()

    def render(v: _view.Values) -> str:
        costs = model.compare_setups(v["hosts"], v["sessions"], session_kb=v["session_kb"],
                                     writes_per_second=v["writes_per_second"], store_rtt_ms=v["store_rtt_ms"],
                                     peers=v["peers"])
        run = model.simulate_host_loss(v["hosts"], v["sessions"], request_rate=v["writes_per_second"] / v["sessions"],
                                       crash_at_s=CRASH_S, horizon_s=CRASH_S + WINDOW_S)
        return chart.html(costs) + _LEGEND + _table(costs, run, v)

    return _view.Interactive(render, _view.controls(_CONTROLS), _PRESETS, principal="Scenario")
