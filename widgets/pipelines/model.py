"""Pipeline models: aggregating events in one or two tiers, checkpoint intervals (Young's optimum),
an ETL job as a DAG of tasks (its critical path, what a failed task reruns), and Lambda against Kappa
(a batch layer correcting a speed layer, against one log replayed after a code change).

Plain functions and frozen dataclasses, no widgets; every random draw is seeded. Units are in the
names: event rates per second, flush and checkpoint times in seconds, ETL tasks and the Lambda/Kappa
timeline in minutes.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import networkx as nx
import numpy as np
import pandas as pd

from .. import _check


# ---------------------------------------------------------------- aggregation


def expected_distinct(events: float, keys: int) -> float:
    """Expected number of distinct keys in a window of Poisson arrivals, ``events`` on average, each for one
    of ``keys`` equally likely keys: keys × (1 − e^(−events/keys)) (each key's count is Poisson).

    >>> round(expected_distinct(1, 10), 4), round(expected_distinct(200_000, 200_000))
    (0.9516, 126424)
    """
    events = _check.number("events", events, 0, 1e15)
    keys = _check.integer("keys", keys, 1, 10**9)
    return float(-keys * math.expm1(-events / keys))


@dataclass(frozen=True)
class TierWrites:
    """Database writes per second of each design, and the messages the first tier sends the second."""

    no_aggregation: float
    single_tier: float
    two_tiers: float
    between_tiers: float


def aggregation_writes(event_rate: float, aggregators: int, flush_s: float, *, keys: int = 200_000) -> TierWrites:
    """Database writes per second with no aggregation, one tier and two tiers of aggregators.

    Events (Poisson, ``event_rate`` a second, each for one of ``keys`` equally likely keys) reach the
    ``aggregators`` first-tier hosts at random. Each host sums counts per key in memory and flushes every
    ``flush_s`` seconds one row per key it saw. One tier: those rows go to the database. Two tiers: they
    go to a second tier partitioned by key, which writes one row per key seen in the window.

    >>> w = aggregation_writes(1_000_000, 50, 10)
    >>> round(w.single_tier), round(w.two_tiers), round(w.between_tiers) == round(w.single_tier)
    (632121, 20000, True)
    """
    event_rate = _check.number("event_rate", event_rate, 0, 1e9, open_low=True)
    aggregators = _check.integer("aggregators", aggregators, 1, 10_000)
    flush_s = _check.number("flush_s", flush_s, 0, 86_400, open_low=True)
    per_host = aggregators * expected_distinct(event_rate * flush_s / aggregators, keys) / flush_s
    return TierWrites(event_rate, per_host, expected_distinct(event_rate * flush_s, keys) / flush_s, per_host)


@dataclass(frozen=True)
class CrashLoss:
    """Events an aggregator held in memory when it died: expected over a random crash time, and one seeded crash."""

    expected: float
    crash_s: float  # seconds since the host's last flush when it died
    lost: int


def crash_loss(event_rate: float, aggregators: int, flush_s: float, *, seed: int = 0) -> CrashLoss:
    """Events lost when one of ``aggregators`` hosts dies between flushes.

    A host receives event_rate / aggregators events a second (Poisson); a crash at a uniformly random
    moment falls uniformly within its flush interval, so the expected loss is
    event_rate / aggregators × flush_s / 2. One seeded crash: its time since the last flush and its loss.

    >>> c = crash_loss(1_000_000, 50, 10, seed=1)
    >>> c.expected, round(c.crash_s, 2), c.lost
    (100000.0, 5.12, 103094)
    """
    event_rate = _check.number("event_rate", event_rate, 0, 1e9, open_low=True)
    aggregators = _check.integer("aggregators", aggregators, 1, 10_000)
    flush_s = _check.number("flush_s", flush_s, 0, 86_400, open_low=True)
    rng = np.random.default_rng(_check.seed(seed))
    rate = event_rate / aggregators
    crash_s = float(rng.uniform(0, flush_s))
    return CrashLoss(rate * flush_s / 2, crash_s, int(rng.poisson(rate * crash_s)))


# ---------------------------------------------------------------- checkpointing


def _checkpoint_args(checkpoint_s, mtbf_s) -> tuple[float, float]:
    return (_check.number("checkpoint_s", checkpoint_s, 0, 1e6, open_low=True),
            _check.number("mtbf_s", mtbf_s, 0, 1e9, open_low=True))


def young_interval(checkpoint_s: float, mtbf_s: float) -> float:
    """Young's first-order optimum checkpoint interval, √(2 × checkpoint cost × MTBF), in seconds
    (J. W. Young, "A first order approximation to the optimum checkpoint interval", CACM 17(9), 1974).

    >>> young_interval(0.05, 6 * 3600)
    46.475800154489
    """
    checkpoint_s, mtbf_s = _checkpoint_args(checkpoint_s, mtbf_s)
    return math.sqrt(2 * checkpoint_s * mtbf_s)


def checkpoint_overhead(interval_s, checkpoint_s: float, mtbf_s: float):
    """First-order overhead per second of useful work: checkpoint_s / interval + interval / (2 × MTBF).

    The first term is time spent checkpointing; the second is work redone after crashes (one crash per
    MTBF, each redoing half an interval on average). Accepts an array of intervals.

    >>> round(checkpoint_overhead(10, 0.05, 6 * 3600), 6)
    0.005231
    """
    checkpoint_s, mtbf_s = _checkpoint_args(checkpoint_s, mtbf_s)
    interval = _intervals(interval_s)
    return checkpoint_s / interval + interval / (2 * mtbf_s)


def checkpoint_overhead_exact(interval_s, checkpoint_s: float, mtbf_s: float):
    """Exact expected overhead with crashes at exponential times (also during a checkpoint), no restart
    cost: MTBF × (e^((interval + checkpoint_s) / MTBF) − 1) / interval − 1 (the model of Daly, "A higher
    order estimate of the optimum checkpoint interval for restart dumps", FGCS 22(3), 2006, with R = 0).

    >>> round(float(checkpoint_overhead_exact(10, 0.05, 6 * 3600)), 6)
    0.005234
    """
    checkpoint_s, mtbf_s = _checkpoint_args(checkpoint_s, mtbf_s)
    interval = _intervals(interval_s)
    return mtbf_s * np.expm1((interval + checkpoint_s) / mtbf_s) / interval - 1


def _intervals(interval_s):
    interval = np.asarray(interval_s, dtype=float)
    if interval.size == 0 or not np.all(np.isfinite(interval) & (interval > 0) & (interval <= 1e9)):
        raise ValueError(f"interval_s must be numbers in (0, 1e9], got {interval_s!r}")
    return interval if interval.ndim else float(interval)


@dataclass(frozen=True)
class CheckpointRun:
    """One seeded run of a job that checkpoints every ``interval_s`` seconds of work."""

    overhead: float  # (wall time − work) / work
    crashes: int
    redone_per_crash_s: float  # mean time lost per crash (work since the last checkpoint, or a checkpoint's part)


def simulate_checkpoints(interval_s: float, checkpoint_s: float, mtbf_s: float, *, crashes: float = 2000,
                         seed: int = 0) -> CheckpointRun:
    """Run a job checkpointing every ``interval_s`` of work through crashes at exponential times (mean MTBF).

    Each segment (interval + checkpoint) is attempted until it completes without a crash: the number of
    crashes before all segments succeed is negative binomial, and each crash wastes an exponential time
    cut off at the segment's length. The job has enough segments for about ``crashes`` crashes.

    >>> run = simulate_checkpoints(46.5, 0.05, 6 * 3600, seed=1)
    >>> round(run.overhead, 4), run.crashes
    (0.0021, 1976)
    """
    checkpoint_s, mtbf_s = _checkpoint_args(checkpoint_s, mtbf_s)
    interval_s = _check.number("interval_s", interval_s, 0, 1e9, open_low=True)
    crashes = _check.number("crashes", crashes, 1, 1e6)
    rng = np.random.default_rng(_check.seed(seed))
    segment = interval_s + checkpoint_s
    if segment > 30 * mtbf_s:  # a segment would almost never complete: the run would never end
        raise ValueError(f"interval_s + checkpoint_s must be at most 30 × mtbf_s ({30 * mtbf_s:g} s), got {segment:g}")
    survive = math.exp(-segment / mtbf_s)
    segments = max(1, math.ceil(crashes / math.expm1(segment / mtbf_s)))  # about `crashes` crashes in all
    failures = int(rng.negative_binomial(segments, survive))
    u = rng.uniform(size=failures)
    wasted = -mtbf_s * np.log1p(-u * -math.expm1(-segment / mtbf_s))  # exponential, cut off at the segment
    work = segments * interval_s
    total = segments * segment + wasted.sum()
    return CheckpointRun(float(total / work - 1), failures, float(wasted.mean()) if failures else 0.0)


# ---------------------------------------------------------------- an ETL job as a DAG

#: The nightly revenue report of the chapter, with a dashboard refresh: task -> (minutes, upstream tasks).
ETL_TASKS: dict[str, tuple[float, tuple[str, ...]]] = {
    "extract_orders": (20, ()),
    "extract_customers": (8, ()),
    "join_orders_customers": (12, ("extract_orders", "extract_customers")),
    "aggregate_by_region": (10, ("join_orders_customers",)),
    "load_warehouse": (14, ("aggregate_by_region",)),
    "email_report": (4, ("load_warehouse",)),
    "refresh_dashboard": (6, ("aggregate_by_region",)),
}


def etl_dag(tasks: Mapping[str, tuple[float, tuple[str, ...]]] = ETL_TASKS) -> nx.DiGraph:
    """A DAG of tasks, each with its duration in ``minutes``: an edge runs from a task to one that needs it.

    >>> sorted(etl_dag().successors("aggregate_by_region"))
    ['load_warehouse', 'refresh_dashboard']
    """
    dag = nx.DiGraph()
    for name, (minutes, upstream) in tasks.items():
        dag.add_node(name, minutes=_check.number(f"minutes of {name}", minutes, 0, 1e6))
        dag.add_edges_from((u, name) for u in upstream)
    if set(dag) != set(tasks):
        raise ValueError(f"upstream tasks must be tasks of the job, got {sorted(set(dag) - set(tasks))}")
    if not nx.is_directed_acyclic_graph(dag):
        raise ValueError("tasks must form a DAG (no task may depend on itself, even indirectly)")
    return dag


_END = object()  # the sink the critical path runs to, so each task's duration sits on an edge


def critical_path(dag: nx.DiGraph) -> tuple[tuple[str, ...], float]:
    """The longest chain of tasks by total duration, and its minutes: no schedule finishes sooner.

    Each task's duration is put on its outgoing edges (and on an edge to an added end node), so
    ``networkx.dag_longest_path`` with weights finds it.

    >>> critical_path(etl_dag())
    (('extract_orders', 'join_orders_customers', 'aggregate_by_region', 'load_warehouse', 'email_report'), 60.0)
    """
    if dag.number_of_nodes() == 0:
        return (), 0.0
    weighted = nx.DiGraph()
    weighted.add_weighted_edges_from((u, v, dag.nodes[u]["minutes"]) for u, v in dag.edges)
    weighted.add_weighted_edges_from((u, _END, dag.nodes[u]["minutes"]) for u in dag if dag.out_degree(u) == 0)
    path = nx.dag_longest_path(weighted, weight="weight")
    return tuple(path[:-1]), float(nx.dag_longest_path_length(weighted, weight="weight"))


def schedule(dag: nx.DiGraph, *, failed: str | None = None) -> pd.DataFrame:
    """Each task's earliest start and finish (minutes, every task starting as soon as its inputs are
    ready, unlimited workers), latest start that keeps the job's finish, and slack.

    ``failed``: that task fails as it would have finished and is retried at once (it runs twice).

    >>> schedule(etl_dag()).loc["extract_customers", ["start", "slack"]].tolist()
    [0.0, 12.0]
    """
    if failed is not None:
        _check.choice("failed", failed, list(dag))
    order = list(nx.topological_sort(dag))
    minutes = {t: dag.nodes[t]["minutes"] * (2 if t == failed else 1) for t in order}
    start, finish = {}, {}
    for t in order:
        start[t] = max((finish[u] for u in dag.predecessors(t)), default=0.0)
        finish[t] = start[t] + minutes[t]
    end = max(finish.values(), default=0.0)
    latest = {}
    for t in reversed(order):
        latest[t] = min((latest[v] for v in dag.successors(t)), default=end) - minutes[t]
    frame = pd.DataFrame({"minutes": minutes, "start": start, "finish": finish, "latest start": latest}, index=order)
    return frame.assign(slack=frame["latest start"] - frame["start"]).astype(float)


@dataclass(frozen=True)
class Rerun:
    """What one failed task costs."""

    task: str
    reruns: tuple[str, ...]  # the task and everything downstream of it, in a runnable order
    rerun_minutes: float  # to rerun those after a fix, upstream results reused (their critical path)
    finish_with_retry: float  # the job's finish if the task fails at its end and is retried at once
    finish: float  # the job's finish with no failure


def rerun(dag: nx.DiGraph, task: str) -> Rerun:
    """The tasks a failure of ``task`` reruns (it and its descendants) and the minutes it costs.

    >>> r = rerun(etl_dag(), "aggregate_by_region")
    >>> r.reruns, r.rerun_minutes, r.finish_with_retry
    (('aggregate_by_region', 'load_warehouse', 'refresh_dashboard', 'email_report'), 28.0, 70.0)
    """
    _check.choice("task", task, list(dag))
    down = dag.subgraph({task} | nx.descendants(dag, task))
    return Rerun(task, tuple(nx.topological_sort(down)), critical_path(down)[1],
                 float(schedule(dag, failed=task)["finish"].max()), critical_path(dag)[1])


def failure_table(dag: nx.DiGraph) -> pd.DataFrame:
    """Per task: minutes, earliest start, slack, the job's finish if it fails once at its end, and the
    tasks and minutes a rerun after a fix takes.

    >>> float(failure_table(etl_dag()).loc["extract_orders", "finish with a retry"])
    80.0
    """
    plan = schedule(dag)
    reruns = [rerun(dag, t) for t in plan.index]
    return plan[["minutes", "start", "slack"]].assign(**{
        "finish with a retry": [r.finish_with_retry for r in reruns],
        "tasks rerun": [len(r.reruns) for r in reruns],
        "rerun minutes": [r.rerun_minutes for r in reruns],
    })


# ---------------------------------------------------------------- Lambda against Kappa


@dataclass(frozen=True)
class Stream:
    """A seeded stream, per minute: events arriving, and those of them arriving late."""

    arrived: np.ndarray  # events arriving in minute m
    late: np.ndarray  # of which arrive after the speed layer closed their window

    @property
    def minutes(self) -> int:
        return len(self.arrived)


def event_stream(minutes: int, rate_per_min: float, late_share: float, *, seed: int = 0) -> Stream:
    """Poisson arrivals per minute, each late with probability ``late_share`` (independently).

    >>> s = event_stream(3, 1000, 0.1, seed=1)
    >>> s.arrived.tolist(), s.late.tolist()
    ([1001, 982, 1034], [84, 95, 105])
    """
    minutes = _check.integer("minutes", minutes, 1, 10**6)
    rate_per_min = _check.number("rate_per_min", rate_per_min, 0, 1e9)
    late_share = _check.number("late_share", late_share, 0, 1)
    rng = np.random.default_rng(_check.seed(seed))
    arrived = rng.poisson(rate_per_min, minutes)
    return Stream(arrived, rng.binomial(arrived, late_share))


def _cumulative(per_minute: np.ndarray, horizon: int) -> np.ndarray:
    """c[t] = events in minutes [0, t), for t = 0..horizon (nothing after the stream ends)."""
    c = np.zeros(horizon + 1, dtype=np.int64)
    n = min(len(per_minute), horizon)
    c[1:n + 1] = np.cumsum(per_minute[:n])
    c[n + 1:] = c[n]
    return c


@dataclass(frozen=True)
class LambdaKappa:
    """The served answer's error (exact count − served count) at each minute 0..horizon, both designs."""

    exact: np.ndarray
    lambda_error: np.ndarray
    kappa_error: np.ndarray
    batch_cutoffs: np.ndarray  # minute each batch run reads up to
    batch_done: np.ndarray  # minute it publishes its result
    catch_up_min: float  # when Kappa's replaying new version catches up with the live head (may be inf)


def kappa_catch_up(change_min: float, replay_speed: float) -> float:
    """Minutes after a code change at ``change_min`` until the new version, replaying the log from its
    start at ``replay_speed`` × the live rate, reaches the live head: change_min / (replay_speed − 1).

    >>> kappa_catch_up(240, 5)
    60.0
    """
    change_min = _check.number("change_min", change_min, 0, 1e9)
    replay_speed = _check.number("replay_speed", replay_speed, 1, 1e3, open_low=True)
    return change_min / (replay_speed - 1)


def served_errors(stream: Stream, *, batch_min: int, batch_run_min: float, replay_speed: float,
                 change_min: float, horizon: int, slow_run: tuple[int, float] | None = None) -> LambdaKappa:
    """Error of the served answer over time, Lambda against Kappa, on one stream.

    Exact: every event arrived so far. The streaming code drops late events.
    Lambda: every ``batch_min`` minutes a batch run reads everything arrived so far and publishes an exact
    count ``batch_run_min`` later; the serving view = the newest published batch + the speed layer's count
    since that batch's cut-off (late events there are missing). ``slow_run`` = (cut-off, minutes): that
    run takes longer (e.g. a failed task).
    Kappa: one streaming job (dropping late events) serves; at ``change_min`` fixed code starts replaying
    the log from its start at ``replay_speed`` × live, and serves the exact count once caught up.

    >>> r = served_errors(event_stream(600, 1000, 0.05, seed=0), batch_min=60, batch_run_min=30,
    ...                  replay_speed=5, change_min=240, horizon=720)
    >>> int(r.lambda_error.max()), r.catch_up_min, int(r.kappa_error[-1]), int(r.lambda_error[-1])
    (4480, 300.0, 0, 0)
    """
    batch_min = _check.integer("batch_min", batch_min, 1, 10**6)
    batch_run_min = _check.number("batch_run_min", batch_run_min, 0, 1e6)
    horizon = _check.integer("horizon", horizon, 1, 10**6)
    catch_up = change_min + kappa_catch_up(change_min, replay_speed)
    exact = _cumulative(stream.arrived, horizon)
    late = _cumulative(stream.late, horizon)
    cutoffs = np.arange(batch_min, horizon + 1, batch_min)
    run = np.full(len(cutoffs), float(batch_run_min))
    if slow_run is not None:
        run[cutoffs == slow_run[0]] = slow_run[1]
    done = cutoffs + run
    order = np.argsort(done, kind="stable")
    newest = np.maximum.accumulate(cutoffs[order])  # newest cut-off published by each completion
    published = np.searchsorted(done[order], np.arange(horizon + 1), side="right")
    cutoff_at = np.where(published > 0, newest[np.maximum(published - 1, 0)], 0)
    t = np.arange(horizon + 1)
    return LambdaKappa(exact, late - late[cutoff_at], np.where(t >= catch_up, 0, late), cutoffs, done, catch_up)


def error_summary(result: LambdaKappa) -> pd.DataFrame:
    """Largest and mean error (events) of each design, and the minute from which it serves the exact count.

    >>> r = served_errors(event_stream(600, 1000, 0.05), batch_min=60, batch_run_min=30, replay_speed=5,
    ...                  change_min=240, horizon=720)
    >>> float(error_summary(r).loc["Kappa", "exact from minute"])
    300.0
    """
    rows = {}
    for name, error in (("Lambda", result.lambda_error), ("Kappa", result.kappa_error)):
        wrong = np.flatnonzero(error != 0)
        exact_from = float(wrong[-1] + 1) if len(wrong) else 0.0
        rows[name] = {"largest error": int(error.max()), "mean error": float(error.mean()),
                      "exact from minute": math.inf if exact_from > len(error) - 1 else exact_from}
    return pd.DataFrame.from_dict(rows, orient="index")
