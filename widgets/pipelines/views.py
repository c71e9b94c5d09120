"""Views of pipelines: one or two tiers of aggregators and their flush interval as a checkpoint interval
(:func:`aggregation`), and Lambda against Kappa with the batch layer's ETL job as a DAG (:func:`lambda_kappa`).

Each interactive is declared as data (its controls and presets), a chart class that builds its figure
once and updates its artists, and a ``render`` that formats what :mod:`.model` computed.
"""

from __future__ import annotations

import functools
import math

import numpy as np
import pandas as pd

from widgets import _view
from widgets._view.tables import number_text, percent, whole

from . import model

BLUE, ORANGE, GREEN, VERMILLION, PURPLE, SKY, _, BLACK = _view.PALETTE
WIDTH_IN, SMALL_PT = _view.FIGURE_WIDTH_IN, _view.MIN_FONT_PT


def _seconds(s: float) -> str:
    """Seconds as a reader says them: 0.5 s, 46 s, 5.0 min, 2.0 h."""
    if s >= 3600:
        return f"{s / 3600:,.1f} h"
    if s >= 100:
        return f"{s / 60:,.1f} min"
    return f"{s:.2g} s" if s < 10 else f"{s:,.0f} s"


# ---------------------------------------------------------------- aggregation

KEYS, SECOND_TIER, CRASH_SEED = 200_000, 5, 0
X_LOW, X_HIGH, Y_LOW, Y_HIGH = 0.1, 3600.0, 1e-5, 1.0  # flush interval (s); overhead (fraction)
X_LINE = np.geomspace(X_LOW, X_HIGH, 25)  # the sum's curve; its two terms are straight lines in log-log
X_ENDS = np.array([X_LOW, X_HIGH])
X_DOTS = np.geomspace(0.3, 1000, 7)  # simulated intervals
_AGGREGATION_CONTROLS = {
    "event_rate": ("FloatLogSlider", "Events per second", {"base": 10, "min": 3, "max": 7, "step": 0.1,
                                                             "value": 1e6, "readout_format": ",.2r"}),
    "aggregators": ("IntSlider", "First-tier hosts", {"min": 1, "max": 200, "value": 50}),
    "flush_s": ("FloatLogSlider", "Flush every (s)", {"base": 10, "min": -1, "max": 3.5, "step": 0.05,
                                                       "value": 10.0, "readout_format": ",.3r"}),
    "checkpoint_s": ("FloatText", "Cost of a flush (s)", {"value": 0.05}),
    "mtbf_h": ("FloatLogSlider", "Mean time between crashes (h)", {"base": 10, "min": -1, "max": 3, "step": 0.1,
                                                                    "value": 6.0, "readout_format": ",.2r"}),
}
_AGGREGATION_PRESETS = {
    name: {"event_rate": 1e6, "aggregators": 50, "flush_s": flush, "checkpoint_s": 0.05, "mtbf_h": 6.0}
    for name, flush in (("Flush every 10 s", 10.0), ("Flush every second", 1.0), ("Flush every 5 minutes", 300.0))
}
_AGGREGATION_LEGEND = _view.legend([
    ("—", BLUE, "overhead, first-order model"), ("■", ORANGE, "simulated (seeded crashes)"),
    ("– –", GREEN, "redone after crashes: F / 2M"), ("··", SKY, "flushing: C / F"),
    ("◆", PURPLE, "this flush interval"), ("▲", BLACK, "Young's optimum √(2CM)"),
])


@functools.lru_cache(maxsize=32)
def _simulated(checkpoint_s: float, mtbf_s: float) -> tuple[float, ...]:
    """Simulated overheads at the dot intervals (they depend on the flush cost and MTBF only)."""
    return tuple(model.simulate_checkpoints(x, checkpoint_s, mtbf_s, crashes=1000, seed=1).overhead for x in X_DOTS)


class _OverheadChart:
    """Overhead against the flush interval, log-log: flushing cost falls, redone work rises, Young's optimum between."""

    def __init__(self) -> None:
        self.figure, ax = _view.fixed_axes(WIDTH_IN, 2.6, margins=(0.75, 0.5, 0.15, 0.1), axis=True)
        self.ax = ax
        ax.tick_params(labelsize=SMALL_PT)
        ax.set(xscale="log", yscale="log", xlim=(X_LOW, X_HIGH), ylim=(Y_LOW, Y_HIGH))
        xs = (0.1, 1, 10, 60, 600, 3600)
        _view.Ticks(ax, "x", xs, ["0.1 s", "1 s", "10 s", "1 min", "10 min", "1 h"])
        ys = (1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1)
        _view.Ticks(ax, "y", ys, ["0.001%", "0.01%", "0.1%", "1%", "10%", "100%"])
        _view.x_label(ax, "flush (checkpoint) interval F")
        _view.y_label(ax, "overhead (share of\nthe hosts' time)", 42)
        (self.flushing,) = ax.plot(X_ENDS, X_ENDS, ":", color=SKY, linewidth=1.6)
        (self.redone,) = ax.plot(X_ENDS, X_ENDS, "--", color=GREEN, linewidth=1.4)
        (self.total,) = ax.plot(X_LINE, X_LINE, "-", color=BLUE, linewidth=2)
        (self.dots,) = ax.plot(X_DOTS, X_DOTS, "s", color=ORANGE, markersize=5, markeredgecolor=BLACK,
                               markeredgewidth=0.5)
        (self.young,) = ax.plot([1], [1], "^", color=BLACK, markersize=8, zorder=5)
        (self.here,) = ax.plot([1], [1], "D", color=PURPLE, markersize=8, markeredgecolor=BLACK, zorder=4)
        self.young_text = ax.text(1, 1, "", fontsize=SMALL_PT, ha="center", va="bottom")

    def html(self, v: _view.Values, young: float, here: float) -> str:
        c, m = v["checkpoint_s"], v["mtbf_h"] * 3600
        self.flushing.set_ydata(c / X_ENDS)
        self.redone.set_ydata(X_ENDS / (2 * m))
        self.total.set_ydata(model.checkpoint_overhead(X_LINE, c, m))
        self.dots.set_ydata(_simulated(c, m))
        self.young.set_data([young], [model.checkpoint_overhead(young, c, m)])
        self.here.set_data([v["flush_s"]], [here])
        self.young_text.set(x=young, y=float(model.checkpoint_overhead(young, c, m)) * 2.2,
                            text=f"Young: {_seconds(young)}")
        alt = (
            f"Log-log chart of the overhead against the flush interval, for a flush costing {c:g} s and a crash "
            f"every {v['mtbf_h']:g} h on average. Flushing cost falls as C/F, work redone after crashes rises as "
            f"F/(2M); their sum is least at Young's interval, {_seconds(young)}, where the overhead is "
            f"{percent(float(model.checkpoint_overhead(young, c, m)))}. This flush interval, {_seconds(v['flush_s'])}, "
            f"costs {percent(here)}. Seeded simulations lie on the curve: "
            + ", ".join(f"{_seconds(x)} {percent(y)}" for x, y in zip(X_DOTS, _simulated(c, m))) + "."
        )
        return _view.figure_html(self.figure, alt)


def _designs_table(v: _view.Values) -> str:
    writes = model.aggregation_writes(v["event_rate"], v["aggregators"], v["flush_s"], keys=KEYS)
    crash = model.crash_loss(v["event_rate"], v["aggregators"], v["flush_s"], seed=CRASH_SEED)
    rows = pd.DataFrame({
        "database writes/s": [writes.no_aggregation, writes.single_tier, writes.two_tiers],
        "messages to tier 2/s": [0, 0, writes.between_tiers],
        "lost if a host dies: expected": [0, crash.expected, crash.expected],
        "this crash": [0, crash.lost, crash.lost],
    }, index=["no aggregation", "one tier", "two tiers"])
    second = v["event_rate"] / SECOND_TIER * v["flush_s"] / 2
    caption = (
        f"{number_text(v['event_rate'])} events/s over {KEYS:,} equally likely keys, spread at random over "
        f"{v['aggregators']} first-tier hosts, each flushing one row per key it saw every {_seconds(v['flush_s'])}; "
        f"two tiers: {SECOND_TIER} second-tier hosts, partitioned by key, write one row per key per flush. Lost: "
        f"events in a first-tier host's memory when it dies, expected (rate per host × F/2) and in one seeded crash "
        f"{crash.crash_s:.3g} s after a flush. A second-tier host holds {whole(second)} events' worth on average. "
        "With a durable log (Kafka) nothing is lost: a replacement re-reads them."
    )
    return _view.table(rows, caption, formats=[whole] * 4, index=True)


def _checkpoint_table(v: _view.Values, young: float) -> str:
    c, m = v["checkpoint_s"], v["mtbf_h"] * 3600
    rows = [(f"flush every {_seconds(x)}" + (" (Young)" if x == young else ""), x) for x in (v["flush_s"], young)]
    runs = [model.simulate_checkpoints(x, c, m, crashes=1000, seed=1) for _, x in rows]
    table = pd.DataFrame({
        "overhead": [float(model.checkpoint_overhead(x, c, m)) for _, x in rows],
        "simulated": [r.overhead for r in runs],
        "redone per crash": [r.redone_per_crash_s for r in runs],
    }, index=[name for name, _ in rows])
    caption = (
        f"A flush as a checkpoint: it pauses a host for C = {c:g} s; a crash (exponential, mean {v['mtbf_h']:g} h) "
        "makes the replacement re-read the events since the last flush (half an interval on average). Overhead: "
        "C/F + F/(2M); simulated: about 1,000 seeded crashes."
    )
    return _view.table(table, caption, formats=[percent, percent, _seconds], index=True)


def aggregation() -> _view.Interactive:
    """Database writes and crash losses of one and two aggregation tiers, and the flush interval's best value.

    >>> "two tiers" in aggregation().view.value
    True
    """
    chart = _OverheadChart()

    def render(v: _view.Values) -> str:
        young = model.young_interval(v["checkpoint_s"], v["mtbf_h"] * 3600)
        here = float(model.checkpoint_overhead(v["flush_s"], v["checkpoint_s"], v["mtbf_h"] * 3600))
        return (_designs_table(v) + chart.html(v, young, here) + _AGGREGATION_LEGEND
                + _checkpoint_table(v, young))

    return _view.Interactive(render, _view.controls(_AGGREGATION_CONTROLS), _AGGREGATION_PRESETS,
                             principal="Flush interval")


# ---------------------------------------------------------------- Lambda against Kappa

RATE_PER_MIN, STREAM_MIN, HORIZON_MIN, CHANGE_MIN, SLOW_RUN_AT = 1000, 600, 720, 240, 300
NO_FAILURE = "none"
_DAG = model.etl_dag()
_LAMBDA_KAPPA_CONTROLS = {
    "batch_min": ("Dropdown", "Batch run every", {"options": [("15 min", 15), ("30 min", 30), ("1 h", 60),
                                                               ("2 h", 120), ("5 h", 300)], "value": 60}),
    "late_share": ("FloatSlider", "Share of events late", {"min": 0, "max": 0.3, "step": 0.01, "value": 0.05,
                                                  "readout_format": ".0%"}),
    "replay_speed": ("FloatText", "Replay speed (× live)", {"value": 5.0}),
    "failed_task": ("Dropdown", "Task failing in the 5 h run", {"options": [NO_FAILURE, *_DAG], "value": NO_FAILURE}),
}
_LAMBDA_KAPPA_PRESETS = {
    "Hourly batches; Kappa replays at 5×": {"batch_min": 60, "late_share": 0.05, "replay_speed": 5.0,
                                            "failed_task": NO_FAILURE},
    "Batches every 5 h; Kappa replays at 2×": {"batch_min": 300, "late_share": 0.05, "replay_speed": 2.0,
                                               "failed_task": NO_FAILURE},
    "Hourly; extract_orders fails at 5 h": {"batch_min": 60, "late_share": 0.05, "replay_speed": 5.0,
                                            "failed_task": "extract_orders"},
}
_LAMBDA_KAPPA_LEGEND = _view.legend([
    ("—", BLUE, "Lambda: newest batch + speed layer"), ("– –", ORANGE, "Kappa: one stream job, replayed after the fix"),
    ("··", _view.GREY, f"code change ({CHANGE_MIN // 60} h) and events stop ({STREAM_MIN // 60} h)"),
    ("··", ORANGE, "Kappa's new version caught up"),
])


@functools.lru_cache(maxsize=8)
def _stream(late_share: float) -> model.Stream:
    return model.event_stream(STREAM_MIN, RATE_PER_MIN, late_share, seed=0)


def _shown_minutes(result: model.LambdaKappa) -> np.ndarray:
    """Every 15th minute and both sides of each drop: few points (a small SVG), every sawtooth corner kept."""
    drops = np.concatenate([result.batch_done, [math.ceil(min(result.catch_up_min, HORIZON_MIN + 1))]])
    drops = np.ceil(drops[drops <= HORIZON_MIN]).astype(int)
    return np.unique(np.clip(np.concatenate([np.arange(0, HORIZON_MIN + 1, 15), drops, drops - 1]), 0, HORIZON_MIN))


class _ErrorChart:
    """Events missing from the served answer over the day, Lambda against Kappa."""

    def __init__(self) -> None:
        self.figure, ax = _view.fixed_axes(WIDTH_IN, 2.5, margins=(0.95, 0.5, 0.15, 0.1), axis=True)
        self.ax = ax
        ax.tick_params(labelsize=SMALL_PT)
        ax.set(xlim=(0, HORIZON_MIN), ylim=(0, 1))
        hours = range(0, HORIZON_MIN // 60 + 1, 2)
        _view.Ticks(ax, "x", [60 * h for h in hours], [f"{h} h" for h in hours])
        self.y_ticks = _view.Ticks(ax, "y", slots=6)
        _view.x_label(ax, "time of day")
        _view.y_label(ax, "events missing from\nthe served count", 52)
        for at in (CHANGE_MIN, STREAM_MIN):
            ax.axvline(at, color=_view.GREY, linestyle=":", linewidth=1.2)
        self.caught_up = ax.axvline(0, color=ORANGE, linestyle=":", linewidth=1.2)
        (self.lam,) = ax.plot([], [], "-", color=BLUE, linewidth=1.6)
        (self.kappa,) = ax.plot([], [], "--", color=ORANGE, linewidth=1.8)  # on top: dashes show both where they meet
        self.slow_text = ax.text(0, 0, "", fontsize=SMALL_PT, ha="center", va="bottom")

    def html(self, result: model.LambdaKappa, v: _view.Values, delay: float) -> str:
        t = _shown_minutes(result)
        self.lam.set_data(t, result.lambda_error[t])
        self.kappa.set_data(t, result.kappa_error[t])
        self.caught_up.set_xdata([min(result.catch_up_min, 10 * HORIZON_MIN)] * 2)
        top = max(result.lambda_error.max(), result.kappa_error.max(), 10) * 1.1
        self.ax.set_ylim(0, top)
        at = _view.round_ticks(top)  # at most 6 ticks: texts are slow
        self.y_ticks.set(at, [whole(a) for a in at])
        slow = int(SLOW_RUN_AT + _run_minutes(NO_FAILURE) + delay)
        self.slow_text.set(x=slow, y=result.lambda_error[slow - 1] + 0.03 * top,
                           text=f"run late\n+{delay:g} min" if delay else "")
        alt = (
            f"Line chart of the events missing from the served count over {HORIZON_MIN // 60} hours, "
            f"{percent(v['late_share'])} of events late. Lambda, batches every {v['batch_min']} min: a sawtooth up "
            f"to {whole(result.lambda_error.max())}, dropping as each batch publishes, exact after the last. "
            f"Kappa: grows to {whole(result.kappa_error.max())} until the fixed job replaying at "
            f"{v['replay_speed']:g}× catches up at minute {result.catch_up_min:,.0f}, then exact."
        )
        return _view.figure_html(self.figure, alt)


@functools.lru_cache(maxsize=16)
def _run_minutes(failed: str) -> float:
    """The batch job's minutes: its critical path, or its finish when ``failed`` fails once and is retried."""
    return model.critical_path(_DAG)[1] if failed == NO_FAILURE else model.rerun(_DAG, failed).finish_with_retry


def _lambda_kappa_tables(result: model.LambdaKappa, v: _view.Values) -> str:
    summary = model.error_summary(result)
    summary["exact from"] = [f"{m / 60:.1f} h" if math.isfinite(m) else "after 12 h" for m in summary.pop(
        "exact from minute")]
    run, slow, failed = _run_minutes(NO_FAILURE), _run_minutes(v["failed_task"]), v["failed_task"]
    failure = "" if failed == NO_FAILURE else (
        f", {slow:g} min for the 5 h run, where {failed} fails once" if slow > run else
        f"; {failed} fails once in the 5 h run, but its slack absorbs the retry")
    caption = (
        f"{RATE_PER_MIN:,} events/min (Poisson, seeded) for {STREAM_MIN // 60} h, {percent(v['late_share'])} late: "
        "the streaming code drops them. Error: exact count (every event arrived) − served count. Lambda: a batch "
        f"run every {v['batch_min']} min publishes an exact count {run:g} min later (the ETL job below{failure}); "
        f"expected peak error: late rate × (batch interval + run) = "
        f"{whole(RATE_PER_MIN * v['late_share'] * (v['batch_min'] + slow))}. Kappa: at {CHANGE_MIN // 60} h fixed code replays the log from its start at {v['replay_speed']:g}× live; "
        f"it catches up after {CHANGE_MIN:g}/({v['replay_speed']:g} − 1) = {whole(result.catch_up_min - CHANGE_MIN)} min."
    )
    errors = _view.table(summary, caption, formats={"largest error": whole, "mean error": whole}, index=True)
    return errors + _dag_table(v["failed_task"])


@functools.lru_cache(maxsize=16)
def _dag_table(failed: str) -> str:
    table = model.failure_table(_DAG).rename(columns={"finish with a retry": "finish if it fails"})
    path, minutes = model.critical_path(_DAG)
    table.index = [f"{t} {'*' if t in path else ''}".strip() + (" ← fails" if t == failed else "") for t in table.index]
    caption = (
        f"The batch layer's ETL job (minutes; * on the critical path, {minutes:g} min). Slack: how late a task may "
        "start without delaying the job. Finish if it fails: the job's end when the task fails as it finishes and is "
        "retried at once. A rerun after a fix reruns the task and everything downstream of it."
    )
    return _view.table(table, caption, formats=[number_text] * 6, index=True)


def lambda_kappa() -> _view.Interactive:
    """The served answer's error over a day: Lambda's batch layer correcting its speed layer, against Kappa
    replaying one log after a code change; and the batch job as a DAG of tasks.

    >>> "Kappa" in lambda_kappa().view.value
    True
    """
    chart = _ErrorChart()

    def render(v: _view.Values) -> str:
        run, slow = _run_minutes(NO_FAILURE), _run_minutes(v["failed_task"])
        result = model.served_errors(_stream(v["late_share"]), batch_min=v["batch_min"], batch_run_min=run,
                                    replay_speed=v["replay_speed"], change_min=CHANGE_MIN, horizon=HORIZON_MIN,
                                    slow_run=(SLOW_RUN_AT, slow))
        return chart.html(result, v, slow - run) + _LAMBDA_KAPPA_LEGEND + _lambda_kappa_tables(result, v)

    return _view.Interactive(render, _view.controls(_LAMBDA_KAPPA_CONTROLS), _LAMBDA_KAPPA_PRESETS,
                             principal="Design")
