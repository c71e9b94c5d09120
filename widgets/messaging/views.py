"""Views of messaging: a traffic spike into a queue (:func:`spike`, with push against pull) and Kafka's
consumer groups with offset commits under a crash (:func:`consumer_groups`).

Each interactive is declared as data (its controls and presets), a chart class that builds its figure
once and updates its artists, and a ``render`` that formats what :mod:`.model` computed.
"""

from __future__ import annotations

import math

import pandas as pd
from matplotlib.patches import Rectangle

from widgets import _view
from widgets._view.tables import number_text, whole

from . import model

BLUE, _, _, VERMILLION, _, SKY, _, BLACK = _view.PALETTE
WIDTH_IN, SMALL_PT = _view.FIGURE_WIDTH_IN, _view.MIN_FONT_PT
SPIKE_GREY, IDLE_GREY = "#bbbbbb", "#dddddd"


# ---------------------------------------------------------------- the spike

NORMAL_RATE, PER_CONSUMER = 300.0, 100.0  # messages a second
SPIKE_START_S, HORIZON_S, PLOT_EVERY_S = 30, 600, 10
BUFFER, BATCH, MESSAGE_KB = 2000, 500, 1  # push buffer and pull batch per consumer (messages); kB a message
_SPIKE_CONTROLS = {
    "spike_rate": ("IntSlider", "Spike (msg/s)", {"min": 100, "max": 3000, "step": 100, "value": 1000}),
    "spike_s": ("IntSlider", "Spike lasts (s)", {"min": 10, "max": 300, "step": 10, "value": 60}),
    "consumers": ("IntSlider", "Consumers", {"min": 1, "max": 20, "value": 4}),
    "target_drain_s": ("FloatText", "Target drain (s)", {"value": 60.0}),
}
_SPIKE_PRESETS = {
    name: {"spike_rate": 1000, "spike_s": 60, "consumers": consumers, "target_drain_s": 60.0}
    for name, consumers in (("4 consumers: a six-minute drain", 4), ("8 consumers: drained in 24 s", 8),
                            ("3 consumers: never drains", 3))
}
_SPIKE_LEGEND = _view.legend([
    ("—", BLUE, "simulated (seeded Poisson arrivals)"), ("– –", BLACK, "closed form"),
    ("···", VERMILLION, "drained"), ("■", SPIKE_GREY, "the spike (hatched)"),
])


class _SpikeChart:
    """Backlog against time: the spike's window, the simulated line under the closed-form line, the drain."""

    def __init__(self) -> None:
        self.figure, ax = _view.fixed_axes(WIDTH_IN, 2.5, margins=(0.8, 0.5, 0.15, 0.12), axis=True)
        self.ax = ax
        ax.set(xlim=(0, HORIZON_S), ylim=(0, 1))
        at = range(0, HORIZON_S + 1, 100)
        _view.Ticks(ax, "x", at, [str(t) for t in at], grid=False)
        self.y_ticks = _view.Ticks(ax, "y", slots=8)
        _view.x_label(ax, "time (s)")
        _view.y_label(ax, "backlog (messages)", 48)
        self.window = ax.axvspan(0, 1, facecolor="#eeeeee", edgecolor=SPIKE_GREY, hatch="xx", linewidth=0, zorder=0)
        (self.simulated,) = ax.plot([], [], color=BLUE, linewidth=1.4)
        (self.closed,) = ax.plot([], [], color=BLACK, linestyle="--", linewidth=1.5)
        self.drained = ax.axvline(0, color=VERMILLION, linestyle=":", linewidth=1.8)
        self.note = ax.text(0.98, 0.94, "", transform=ax.transAxes, ha="right", va="top", fontsize=SMALL_PT,
                            bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.85, "pad": 1})

    def html(self, run: model.SpikeRun, v: _view.Values) -> str:
        self.window.set_x(run.spike_start_s)
        self.window.set_width(run.spike_end_s - run.spike_start_s)
        every = slice(PLOT_EVERY_S - 1, None, PLOT_EVERY_S)
        self.simulated.set_data(run.times_s[every], run.simulated[every])
        corners = sorted({0.0, run.spike_start_s, run.spike_end_s, HORIZON_S,
                          *([run.spike_end_s + run.drain_s] if run.spike_end_s + run.drain_s < HORIZON_S else [])})
        self.closed.set_data(corners, model.fluid_backlog(corners, NORMAL_RATE, v["spike_rate"], SPIKE_START_S,
                                                          v["spike_s"], run.capacity))  # straight between corners
        top = max(run.simulated.max(), run.closed_form.max(), 10) * 1.15
        self.ax.set_ylim(0, top)
        ticks = _view.round_ticks(top)
        self.y_ticks.set(ticks, [whole(t) for t in ticks])
        drained_at = run.spike_end_s + run.drain_s
        self.drained.set_visible(run.drains and run.backlog_at_end > 0 and drained_at <= HORIZON_S)
        self.drained.set_xdata([drained_at] * 2 if run.drains else [0, 0])
        if not run.drains:
            note = "never drains: capacity ≤ normal arrivals"
        elif run.backlog_at_end == 0:
            note = "no backlog: capacity ≥ the spike"
        else:
            note = f"drained {run.drain_s:,.0f} s after the spike"
        self.note.set_text(note)
        alt = (f"Line chart of the backlog over {HORIZON_S} s: {v['spike_rate']:,} msg/s for {v['spike_s']} s from "
               f"{SPIKE_START_S} s, normal {NORMAL_RATE:,.0f} msg/s, {v['consumers']} consumers handling "
               f"{run.capacity:,.0f} msg/s. Closed form: {run.backlog_at_end:,.0f} messages at the spike's end; "
               f"simulated {run.simulated_backlog_at_end:,.0f}. {note[0].upper() + note[1:]}.")
        return _view.figure_html(self.figure, alt)


def _seconds(x: float, never: str) -> str:
    return never if math.isinf(x) else f"{x:,.0f} s"


def _spike_tables(run: model.SpikeRun, pp: model.PushPull, needed: int, v: _view.Values) -> str:
    beyond = f"not within {HORIZON_S:,} s"
    rows = pd.DataFrame({
        "closed form": [whole(run.backlog_at_end), _seconds(run.drain_s, "never"), whole(run.peak_backlog)],
        "simulated": [whole(run.simulated_backlog_at_end), _seconds(run.simulated_drain_s, beyond),
                      whole(run.simulated.max())],
    }, index=["backlog at the spike's end (messages)", "drain after the spike", "peak backlog (messages)"])
    caption = (
        f"Capacity μ = {v['consumers']} consumers × {PER_CONSUMER:,.0f} msg/s = {run.capacity:,.0f} msg/s against "
        f"{NORMAL_RATE:,.0f} msg/s normal and {v['spike_rate']:,} msg/s in the spike. Closed form: backlog = "
        f"(spike − μ) × {v['spike_s']} s, drain = backlog / (μ − normal), never if μ ≤ normal. Simulated: drained "
        f"at the first empty second. To drain within {number_text(v['target_drain_s'])} s of the spike's end "
        f"you need {needed} consumers."
    )
    mb = MESSAGE_KB / 1000  # decimal: 1 MB = 1,000 kB
    push = pd.DataFrame({
        "peak in consumers' memory": [f"{pp.push_memory.max():,} ({pp.push_memory.max() * mb:,.1f} MB)",
                                      f"{pp.pull_memory.max():,} ({pp.pull_memory.max() * mb:,.1f} MB)"],
        "dropped": [whole(pp.push_dropped[-1]), "0"],
        "peak waiting in the broker": ["0", whole(pp.pull_broker.max())],
    }, index=["push at the arrival rate", "pull, a batch at a time"])
    push_caption = (
        f"The same seeded messages pushed or pulled (counts of messages of {MESSAGE_KB} kB; 1 MB = 1,000 kB). "
        f"Push: every message goes straight to a consumer, whose buffer holds {BUFFER:,}; the rest are "
        f"dropped. Pull: each consumer fetches at most {BATCH} when it is ready; the backlog stays in the broker."
    )
    return (_view.table(rows, caption, formats=[str, str], index=True)
            + _view.table(push, push_caption, formats=[str] * 3, index=True))


def spike() -> _view.Interactive:
    """A traffic spike into a queue: the backlog over time, closed form over simulation, and the drain.

    >>> "Never drains: capacity ≤ normal arrivals" in spike().stack.children[2].value
    True
    """
    chart = _SpikeChart()

    def render(v: _view.Values) -> str:
        needed = model.consumers_needed(v["spike_rate"], v["spike_s"], NORMAL_RATE, PER_CONSUMER,
                                        v["target_drain_s"])
        run = model.spike_run(v["spike_rate"], v["spike_s"], v["consumers"], normal_rate=NORMAL_RATE,
                              per_consumer_rate=PER_CONSUMER, spike_start_s=SPIKE_START_S, horizon_s=HORIZON_S)
        pp = model.push_pull(run, v["consumers"], buffer=BUFFER, batch=BATCH)
        return chart.html(run, v) + _SPIKE_LEGEND + _spike_tables(run, pp, needed, v)

    return _view.Interactive(render, _view.controls(_SPIKE_CONTROLS), _SPIKE_PRESETS, principal="Consumers")


# ---------------------------------------------------------------- consumer groups and commits

MESSAGES = 24
MAX_PARTITIONS, MAX_CONSUMERS = 8, 10
_GROUP_CONTROLS = {
    "partitions": ("IntSlider", "Partitions", {"min": 1, "max": MAX_PARTITIONS, "value": 6}),
    "consumers": ("IntSlider", "Consumers", {"min": 1, "max": MAX_CONSUMERS, "value": 4}),
    "batch": ("IntSlider", "Messages per poll", {"min": 1, "max": 8, "value": 3}),
    "crash_after": ("BoundedIntText", "Crash after message (0: none)", {"min": 0, "max": MESSAGES, "value": 5}),
}
_GROUP_PRESETS = {
    "4 consumers, a crash mid-batch": {"partitions": 6, "consumers": 4, "batch": 3, "crash_after": 5},
    "4 consumers, a crash at a batch's end": {"partitions": 6, "consumers": 4, "batch": 3, "crash_after": 6},
    "8 consumers for 6 partitions: 2 idle": {"partitions": 6, "consumers": 8, "batch": 3, "crash_after": 5},
}
_GROUP_LEGEND = _view.legend([("■", SKY, "partition or working consumer; a line joins a partition to its reader"),
                              ("■", VERMILLION, "the consumer that crashes"),
                              ("□", "#777777", "idle consumer (grey, hatched)")])


class _GroupChart:
    """Partitions (left) joined to the consumers that read them (right); idle and crashed consumers marked."""

    def __init__(self) -> None:
        self.figure, ax = _view.fixed_axes(WIDTH_IN, 2.6)
        ax.set(xlim=(0, 1), ylim=(MAX_CONSUMERS - 0.4, -1.4))
        ax.text(0.11, -1.0, "partitions", ha="center", va="center", fontsize=SMALL_PT)
        ax.text(0.5, -1.0, "consumers", ha="center", va="center", fontsize=SMALL_PT)
        self.parts = [(ax.add_patch(Rectangle((0.02, 0), 0.18, 0.7, linewidth=0.8, edgecolor=BLACK)),
                       ax.text(0.11, 0, f"P{p}", ha="center", va="center", fontsize=SMALL_PT))
                      for p in range(MAX_PARTITIONS)]
        self.links = [ax.plot([], [], linewidth=1.3)[0] for _ in range(MAX_PARTITIONS)]
        self.consumers = [(ax.add_patch(Rectangle((0.41, 0), 0.18, 0.7, linewidth=0.8, edgecolor=BLACK,
                                                  hatchcolor="#aaaaaa")),
                           ax.text(0.5, 0, f"C{c}", ha="center", va="center", fontsize=SMALL_PT),
                           ax.text(0.61, 0, "", ha="left", va="center", fontsize=SMALL_PT))
                          for c in range(MAX_CONSUMERS)]

    @staticmethod
    def _rows(n: int) -> list[float]:
        """Centres of n boxes spread over the consumers' column height."""
        gap = (MAX_CONSUMERS - 1) / max(n - 1, 1) if n > 1 else 0
        return [k * gap + (0 if n > 1 else (MAX_CONSUMERS - 1) / 2) for k in range(n)]

    def html(self, run: model.GroupRun, crash_after: int) -> str:
        n_parts, n_cons = sum(len(a) for a in run.assignment), len(run.assignment)
        p_rows, c_rows = self._rows(n_parts), self._rows(n_cons)
        owner = {p: c for c, parts in enumerate(run.assignment) for p in parts}
        for p, (box, label) in enumerate(self.parts):
            shown = p < n_parts
            for artist in (box, label, self.links[p]):
                artist.set_visible(shown)
            if shown:
                box.set(y=p_rows[p] - 0.35, facecolor=SKY, alpha=0.55)
                label.set_y(p_rows[p])
                self.links[p].set(data=([0.2, 0.41], [p_rows[p], c_rows[owner[p]]]), color=BLUE)
        for c, (box, label, note) in enumerate(self.consumers):
            shown = c < n_cons
            for artist in (box, label, note):
                artist.set_visible(shown)
            if shown:
                idle, crashed = not run.assignment[c], c in run.crashed
                box.set(y=c_rows[c] - 0.35, facecolor=IDLE_GREY if idle else VERMILLION if crashed else SKY,
                        hatch="//" if idle else "", alpha=1 if idle else 0.55)
                label.set_y(c_rows[c])  # only idle and crashed consumers get a note: the lines show the rest
                note.set(y=c_rows[c], text="idle" if idle else f"crashed after message {crash_after}" if crashed
                         else "")
        crash = f" Consumer C{run.crashed[0]} crashed after message {crash_after}." if run.crashed else ""
        alt = (f"Diagram: {n_parts} partitions and {n_cons} consumers of one group. "
               + " ".join(f"C{c} reads {', '.join(f'P{p}' for p in parts) or 'nothing (idle)'}."
                          for c, parts in enumerate(run.assignment)) + crash)
        return _view.figure_html(self.figure, alt)


def _where(run: model.GroupRun, messages: tuple[int, ...]) -> str:
    """Messages as partition and offsets: "P2 offset 2", "P1 offsets 0, 1"."""
    by_partition: dict[int, list[int]] = {}
    for m in messages:
        by_partition.setdefault(run.partition_of[m], []).append(run.offset_of[m])
    return "; ".join(f"P{p} offset{'s' if len(o) > 1 else ''} {', '.join(map(str, o))}"
                     for p, o in sorted(by_partition.items())) or "none"


def _group_table(table: dict[str, model.GroupRun], v: _view.Values) -> str:
    rows = pd.DataFrame({
        "handled": [run.deliveries for run in table.values()],
        "effects once": [sum(e == 1 for e in run.effects) for run in table.values()],
        "lost": [len(run.lost) for run in table.values()],
        "duplicated": [len(run.duplicated) for run in table.values()],
        "which": [_where(run, run.lost) + " lost" if run.lost else
                  _where(run, run.duplicated) + " twice" if run.duplicated else "none" for run in table.values()],
    }, index=["commit, then process (at most once)", "process, then commit (at least once)",
              "process, then commit, idempotent"])
    crash = (f"a consumer crashes after the group's message {v['crash_after']} (redeliveries counted) and "
             "resumes from its partitions' committed offsets" if v["crash_after"] else "no crash")
    caption = (
        f"{MESSAGES} messages spread evenly over {v['partitions']} partitions, read by a group of {v['consumers']} "
        f"(Kafka's range assignor) in polls of up to {v['batch']}; {crash}. Handled: messages delivered to a "
        "consumer. Effects: rows written to SQLite; the idempotent consumer records each message id in the "
        "same transaction and skips ids it has seen."
    )
    return _view.table(rows, caption, formats={"which": str}, index=True)


def consumer_groups() -> _view.Interactive:
    """Partitions against consumers (idle ones shown), and commit timing under an injected crash.

    >>> "idle" in consumer_groups().stack.children[2].value
    True
    """
    chart = _GroupChart()

    def render(v: _view.Values) -> str:
        table = model.commit_table(v["partitions"], v["consumers"], MESSAGES, batch=v["batch"],
                                   crash_after=v["crash_after"])
        return (chart.html(table["process, then commit"], v["crash_after"]) + _GROUP_LEGEND
                + _group_table(table, v))

    return _view.Interactive(render, _view.controls(_GROUP_CONTROLS), _GROUP_PRESETS, principal="Group")
