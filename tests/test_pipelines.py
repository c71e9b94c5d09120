"""Tests of widgets.pipelines: closed forms, the published checkpoint optima, brute force and independent
simulations (numpy, simpy) as oracles.

References for what is checked here:
* J. W. Young (1974), "A first order approximation to the optimum checkpoint interval",
  Communications of the ACM 17(9), 530-531: the optimum interval sqrt(2 × checkpoint time × MTBF).
* J. T. Daly (2006), "A higher order estimate of the optimum checkpoint interval for restart dumps",
  Future Generation Computer Systems 22(3), 303-312: the exact expected run time with exponential
  failures, M e^(R/M) (e^((tau + C)/M) - 1) per segment, and the higher-order estimate of its optimum,
  sqrt(2CM) [1 + (1/3) sqrt(C/2M) + (1/9)(C/2M)] - C for C < 2M, and its worked optima (figs. 3-5).
* J. Kreps (2014), "Questioning the Lambda Architecture", O'Reilly Radar: reprocessing in Kappa by
  replaying the retained log with a second copy of the job, switching over once it has caught up.
"""

from __future__ import annotations

import math
import random

import numpy as np
import pandas as pd
import pytest
import simpy
from hypothesis import given, settings
from hypothesis import strategies as st

from widgets import pipelines as pl

# --------------------------------------------------------------------------
# Aggregation
# --------------------------------------------------------------------------


def test_expected_distinct_agrees_with_sampling():
    """Draw a Poisson number (mean n) of keys uniformly from K, many times; the mean number of distinct
    keys matches the closed form."""
    rng = np.random.default_rng(42)
    for n, keys in ((50, 100), (1000, 300), (5000, 20_000), (0.5, 1)):
        counts = [len(np.unique(rng.integers(0, keys, rng.poisson(n)))) for _ in range(400)]
        se = np.std(counts) / math.sqrt(len(counts)) + 1e-9
        assert abs(np.mean(counts) - pl.expected_distinct(n, keys)) <= 5 * se + 0.01


@given(n=st.floats(0, 1e7), keys=st.integers(1, 10**7))
def test_expected_distinct_is_bounded_by_events_and_keys(n, keys):
    d = pl.expected_distinct(n, keys)
    assert 0 <= d <= min(n, keys) * (1 + 1e-12)
    assert pl.expected_distinct(n + 1, keys) >= d


def test_aggregation_writes_agree_with_a_simulated_window():
    """One flush window simulated event by event: each event to a random host, for a random key. One tier
    writes a row per distinct (host, key); two tiers, a row per distinct key."""
    rate, hosts, flush, keys = 20_000.0, 10, 1.0, 5_000
    rng = np.random.default_rng(7)
    single, two = [], []
    for _ in range(30):
        n = rng.poisson(rate * flush)
        window = pd.DataFrame({"host": rng.integers(0, hosts, n), "key": rng.integers(0, keys, n)})
        single.append(len(window.drop_duplicates()) / flush)
        two.append(window["key"].nunique() / flush)
    writes = pl.aggregation_writes(rate, hosts, flush, keys=keys)
    assert np.mean(single) == pytest.approx(writes.single_tier, rel=0.01)
    assert np.mean(two) == pytest.approx(writes.two_tiers, rel=0.01)
    assert writes.between_tiers == writes.single_tier and writes.no_aggregation == rate


def test_the_chapters_two_tier_figure():
    """The chapter's cell: a million events/s, 200,000 keys, 10 s windows: two tiers write about 20,000 rows/s."""
    writes = pl.aggregation_writes(1_000_000, 50, 10, keys=200_000)
    assert writes.two_tiers == pytest.approx(20_000, rel=1e-6)
    assert writes.two_tiers < writes.single_tier < writes.no_aggregation


@given(rate=st.floats(1, 1e8), hosts=st.integers(1, 500), flush=st.floats(0.01, 3600), keys=st.integers(1, 10**6))
def test_each_tier_cuts_writes(rate, hosts, flush, keys):
    w = pl.aggregation_writes(rate, hosts, flush, keys=keys)
    assert w.two_tiers <= w.single_tier * (1 + 1e-9) <= w.no_aggregation * (1 + 1e-9)
    assert w.two_tiers <= keys / flush * (1 + 1e-9)
    if hosts == 1:
        assert w.single_tier == pytest.approx(w.two_tiers, rel=1e-9)


@given(rate=st.floats(1, 1e9), hosts=st.integers(1, 10_000), flush=st.floats(0.001, 86_400),
       seed=st.integers(0, 2**32))
def test_expected_crash_loss_is_half_a_flush_of_one_hosts_events(rate, hosts, flush, seed):
    loss = pl.crash_loss(rate, hosts, flush, seed=seed)
    assert loss.expected == pytest.approx(rate / hosts * flush / 2, rel=1e-12)
    assert 0 <= loss.crash_s < flush and loss.lost >= 0
    assert loss == pl.crash_loss(rate, hosts, flush, seed=seed)


def test_seeded_crash_losses_average_to_the_closed_form():
    """Over 4,000 seeded crashes the mean loss is within 5 standard errors of rate / hosts × F / 2."""
    rate, hosts, flush = 1_000.0, 4, 2.0
    lost = np.array([pl.crash_loss(rate, hosts, flush, seed=s).lost for s in range(4000)])
    assert abs(lost.mean() - rate / hosts * flush / 2) <= 5 * lost.std() / math.sqrt(len(lost))


def test_bad_aggregation_inputs_name_the_parameter():
    with pytest.raises(ValueError, match=r"aggregators must be an integer in \[1, 10000\], got 0"):
        pl.aggregation_writes(1e6, 0, 10)
    with pytest.raises(ValueError, match=r"flush_s must be a number in \(0, 86400\], got -1"):
        pl.crash_loss(1e6, 5, -1)


# --------------------------------------------------------------------------
# Checkpointing
# --------------------------------------------------------------------------

costs = st.floats(1e-3, 1e3)
mtbfs = st.floats(10, 1e7)


@given(c=costs, m=mtbfs)
def test_youngs_interval_minimises_the_first_order_overhead(c, m):
    """Young (1974): the optimum is sqrt(2 C M); the overhead there is sqrt(2 C / M); a dense grid agrees."""
    young = pl.young_interval(c, m)
    assert young == pytest.approx(math.sqrt(2 * c * m), rel=1e-12)
    grid = young * np.geomspace(0.01, 100, 40_001)
    best = grid[np.argmin(pl.checkpoint_overhead(grid, c, m))]
    assert best == pytest.approx(young, rel=1e-3)
    assert pl.checkpoint_overhead(young, c, m) == pytest.approx(math.sqrt(2 * c / m), rel=1e-12)


@pytest.mark.parametrize("c, m", [(0.05, 21_600), (1, 3_600), (60, 3_600), (300, 3_600), (10, 86_400)])
def test_the_exact_optimum_matches_dalys_higher_order_estimate(c, m):
    """Daly (2006): his higher-order estimate of the optimum of the exact model, within 0.1 %; Young's
    first-order value is close when C is small next to M, and the exact overhead lies above the first order."""
    grid = np.geomspace(1e-3, 1e6, 400_001)
    exact = grid[np.argmin(pl.checkpoint_overhead_exact(grid, c, m))]
    x = c / (2 * m)
    daly = math.sqrt(2 * c * m) * (1 + math.sqrt(x) / 3 + x / 9) - c
    assert exact == pytest.approx(daly, rel=1e-3)
    assert exact == pytest.approx(pl.young_interval(c, m), rel=2 * math.sqrt(x) + 0.01)
    assert np.all(pl.checkpoint_overhead_exact(grid[::1000], c, m) >= pl.checkpoint_overhead(grid[::1000], c, m))


@pytest.mark.parametrize("mtbf_min, published_min", [(24 * 60, 117), (6 * 60, 57), (15, 9.1)])
def test_the_exact_optimum_matches_dalys_published_figures(mtbf_min, published_min):
    """Daly (2006), the captions of figs. 3-5: a 5-minute dump (checkpoint), R = 10 min (a constant factor
    e^(R/M) that does not move the optimum), M = 24 h, 6 h and 15 min: tau_opt = 117, 57 and 9.1 min."""
    grid = np.geomspace(0.1, 1e4, 400_001)
    best = grid[np.argmin(pl.checkpoint_overhead_exact(grid, 5, mtbf_min))]
    assert best == pytest.approx(published_min, rel=0.01)


@pytest.mark.parametrize("interval, c, m", [(46.5, 0.05, 21_600), (10, 0.05, 21_600), (600, 5, 3_600),
                                            (14, 1, 100)])
def test_simulated_overhead_matches_the_exact_expectation(interval, c, m):
    runs = [pl.simulate_checkpoints(interval, c, m, crashes=5000, seed=s) for s in range(4)]
    mean = np.mean([r.overhead for r in runs])
    assert mean == pytest.approx(float(pl.checkpoint_overhead_exact(interval, c, m)), rel=0.03)
    s = interval + c  # mean of an exponential cut off at s: M - s / (e^(s/M) - 1)
    redone = np.mean([r.redone_per_crash_s for r in runs])
    assert redone == pytest.approx(m - s / math.expm1(s / m), rel=0.03)


def simpy_overhead(interval: float, c: float, m: float, segments: int, seed: int) -> float:
    """An independent event-driven run in simpy: a job of `segments` (work + checkpoint) segments, and a
    crasher interrupting it at exponential times; an interrupted segment starts again."""
    env, rng = simpy.Environment(), random.Random(seed)

    def job():
        done = 0
        while done < segments:
            try:
                yield env.timeout(interval + c)
                done += 1
            except simpy.Interrupt:
                pass

    def crasher(worker):
        while worker.is_alive:
            yield env.timeout(rng.expovariate(1 / m))
            if worker.is_alive:
                worker.interrupt()

    worker = env.process(job())
    env.process(crasher(worker))
    env.run(until=worker)
    return env.now / (segments * interval) - 1


def test_simpy_agrees_with_the_simulation_and_the_exact_form():
    interval, c, m = 14.0, 1.0, 100.0  # about 7 segments per crash: a quick event-driven run
    theirs = np.mean([simpy_overhead(interval, c, m, 4000, seed) for seed in range(3)])
    ours = np.mean([pl.simulate_checkpoints(interval, c, m, crashes=2000, seed=s).overhead for s in range(3)])
    exact = float(pl.checkpoint_overhead_exact(interval, c, m))
    assert theirs == pytest.approx(exact, rel=0.05)
    assert ours == pytest.approx(theirs, rel=0.06)


def test_checkpoint_inputs_are_checked():
    with pytest.raises(ValueError, match=r"checkpoint_s must be a number in \(0, 1e6\], got -1"):
        pl.young_interval(-1, 100)
    with pytest.raises(ValueError, match="interval_s must be numbers in"):
        pl.checkpoint_overhead([1, 0], 1, 100)


# --------------------------------------------------------------------------
# An ETL job as a DAG
# --------------------------------------------------------------------------


def test_the_course_dags_critical_path_by_hand():
    """extract_orders 20 + join 12 + aggregate 10 + load 14 + email 4 = 60 min; extract_customers (8 min,
    needed at 20) and refresh_dashboard (6 min, from 42 to a 60-min end) have 12 min of slack each."""
    dag = pl.etl_dag()
    assert pl.critical_path(dag) == (("extract_orders", "join_orders_customers", "aggregate_by_region",
                                      "load_warehouse", "email_report"), 60.0)
    plan = pl.schedule(dag)
    assert plan.loc["extract_customers", "slack"] == 12 and plan.loc["refresh_dashboard", "slack"] == 12
    assert plan.loc["refresh_dashboard", "start"] == 42
    assert pl.rerun(dag, "extract_customers").finish_with_retry == 60  # 2 × 8 = 16 < 20: the slack absorbs it
    assert pl.rerun(dag, "extract_orders").finish_with_retry == 80
    assert pl.rerun(dag, "load_warehouse").reruns == ("load_warehouse", "email_report")


def test_a_small_diamond_by_hand():
    dag = pl.etl_dag({"a": (1, ()), "b": (5, ("a",)), "c": (2, ("a",)), "d": (1, ("b", "c"))})
    assert pl.critical_path(dag) == (("a", "b", "d"), 7.0)
    r = pl.rerun(dag, "c")
    assert set(r.reruns) == {"c", "d"} and r.rerun_minutes == 3 and r.finish_with_retry == 7
    assert pl.rerun(dag, "b").finish_with_retry == 12


@st.composite
def random_dags(draw):
    n = draw(st.integers(1, 8))
    minutes = draw(st.lists(st.integers(0, 50), min_size=n, max_size=n))
    edges = draw(st.lists(st.booleans(), min_size=n * n, max_size=n * n))
    names = [f"t{i}" for i in range(n)]
    return {names[j]: (minutes[j], tuple(names[i] for i in range(j) if edges[i * n + j])) for j in range(n)}


def all_paths(tasks):
    """Every path of the DAG, enumerated by brute force (a path may be a single task)."""
    children = {t: [u for u, (_, ups) in tasks.items() if t in ups] for t in tasks}

    def from_(t):
        yield (t,)
        for child in children[t]:
            for rest in from_(child):
                yield (t, *rest)

    return [p for t in tasks for p in from_(t)]


def longest(tasks, minutes=None):
    minutes = minutes or {t: m for t, (m, _) in tasks.items()}
    return max((sum(minutes[t] for t in p) for p in all_paths(tasks)), default=0)


@given(tasks=random_dags())
@settings(max_examples=150)
def test_critical_path_equals_brute_force_over_all_paths(tasks):
    dag = pl.etl_dag(tasks)
    path, minutes = pl.critical_path(dag)
    assert minutes == longest(tasks)
    assert all(dag.has_edge(u, v) for u, v in zip(path, path[1:]))
    assert sum(tasks[t][0] for t in path) == minutes
    plan = pl.schedule(dag)
    assert plan["finish"].max() == minutes and (plan["slack"] >= 0).all()
    assert (plan.loc[list(path), "slack"] == 0).all()


@given(tasks=random_dags(), pick=st.integers(0, 7))
@settings(max_examples=150)
def test_a_failure_reruns_the_task_and_everything_downstream(tasks, pick):
    dag = pl.etl_dag(tasks)
    task = sorted(tasks)[pick % len(tasks)]
    reached, frontier = {task}, [task]
    while frontier:  # downstream by plain search, not networkx
        t = frontier.pop()
        for u, (_, ups) in tasks.items():
            if t in ups and u not in reached:
                reached.add(u)
                frontier.append(u)
    r = pl.rerun(dag, task)
    assert set(r.reruns) == reached and len(r.reruns) == len(reached)
    assert all(r.reruns.index(u) < r.reruns.index(v) for u, v in dag.subgraph(reached).edges)
    sub = {t: (m, tuple(u for u in ups if u in reached)) for t, (m, ups) in tasks.items() if t in reached}
    assert r.rerun_minutes == longest(sub)
    doubled = {t: m * (2 if t == task else 1) for t, (m, _) in tasks.items()}
    assert r.finish_with_retry == longest(tasks, doubled)


def test_dag_inputs_are_checked():
    with pytest.raises(ValueError, match="must form a DAG"):
        pl.etl_dag({"a": (1, ("b",)), "b": (1, ("a",))})
    with pytest.raises(ValueError, match="upstream tasks must be tasks of the job"):
        pl.etl_dag({"a": (1, ("ghost",))})
    with pytest.raises(ValueError, match="task must be one of"):
        pl.rerun(pl.etl_dag(), "nope")


# --------------------------------------------------------------------------
# Lambda against Kappa
# --------------------------------------------------------------------------


@given(change=st.floats(0, 10_000), speed=st.floats(1.05, 100))
def test_kappa_catch_up_agrees_with_a_replay_run_minute_by_minute(change, speed):
    """Kreps (2014): the new job replays the log from its start; the live head keeps moving. Stepping the
    reader S log-minutes per minute reaches the head after change / (S - 1) minutes."""
    closed = pl.kappa_catch_up(change, speed)
    step = 0.01 * max(closed, 1)
    k = 0
    while speed * k * step < change + k * step:  # the reader is behind the head
        k += 1
    assert closed * (1 - 1e-9) <= k * step < closed + step * (1 + 1e-9)


def test_replay_must_be_faster_than_live():
    with pytest.raises(ValueError, match=r"replay_speed must be a number in \(1, 1000\], got 1"):
        pl.kappa_catch_up(240, 1)


def test_event_stream_is_seeded_and_late_events_are_a_share():
    s = pl.event_stream(2000, 500, 0.2, seed=3)
    again = pl.event_stream(2000, 500, 0.2, seed=3)
    assert np.array_equal(s.arrived, again.arrived) and np.array_equal(s.late, again.late)
    assert np.all(s.late <= s.arrived)
    assert s.late.sum() / s.arrived.sum() == pytest.approx(0.2, abs=0.005)
    assert s.arrived.mean() == pytest.approx(500, rel=0.01)


def served_by_hand(stream, batch_min, run_min, speed, change, horizon, slow_run=None):
    """The serving views, minute by minute, with plain loops: Lambda = newest published batch + speed
    layer since its cut-off; Kappa = the old job until the replay has caught up."""
    arrived = list(stream.arrived) + [0] * horizon
    late = list(stream.late) + [0] * horizon
    runs = [(cut, cut + (slow_run[1] if slow_run and cut == slow_run[0] else run_min))
            for cut in range(batch_min, horizon + 1, batch_min)]
    lam, kap = [], []
    for t in range(horizon + 1):
        exact = sum(arrived[:t])
        cut = max([c for c, done in runs if done <= t], default=0)
        speed_layer = sum(a - lt for a, lt in zip(arrived[cut:t], late[cut:t]))
        lam.append(exact - (sum(arrived[:cut]) + speed_layer))
        caught_up = t >= change + change / (speed - 1)
        kap.append(0 if caught_up else sum(late[:t]))
    return np.array(lam), np.array(kap)


@pytest.mark.parametrize("batch, run, speed, slow", [(60, 60, 5.0, None), (300, 60, 2.0, None),
                                                     (60, 60, 5.0, (300, 80)), (30, 45, 1.5, (120, 10))])
def test_served_errors_agree_with_a_minute_by_minute_count(batch, run, speed, slow):
    stream = pl.event_stream(600, 200, 0.1, seed=5)
    result = pl.served_errors(stream, batch_min=batch, batch_run_min=run, replay_speed=speed, change_min=240,
                             horizon=720, slow_run=slow)
    lam, kap = served_by_hand(stream, batch, run, speed, 240, 720, slow)
    assert np.array_equal(result.lambda_error, lam)
    assert np.array_equal(result.kappa_error, kap)


@pytest.mark.parametrize("batch, run, share", [(60, 30, 0.05), (120, 60, 0.2), (15, 45, 0.1)])
def test_lambdas_mean_error_is_late_rate_times_half_a_batch_plus_a_run(batch, run, share):
    """In steady state the error at time t counts the late events since the newest published cut-off,
    which is run + (uniform in [0, batch)) minutes old: on average rate × share × (batch / 2 + run)."""
    rate, minutes = 1000, 60_000
    result = pl.served_errors(pl.event_stream(minutes, rate, share, seed=2), batch_min=batch, batch_run_min=run,
                             replay_speed=5, change_min=0, horizon=minutes)
    steady = result.lambda_error[2 * (batch + run):minutes - (minutes % batch)]
    assert steady.mean() == pytest.approx(rate * share * (batch / 2 + run), rel=0.02)


@given(share=st.floats(0, 0.5), batch=st.sampled_from([15, 30, 60, 120, 300]), speed=st.floats(1.6, 50),
       seed=st.integers(0, 1000))
@settings(max_examples=40)
def test_both_converge_on_the_exact_count(share, batch, speed, seed):
    result = pl.served_errors(pl.event_stream(600, 100, share, seed=seed), batch_min=batch, batch_run_min=60,
                             replay_speed=speed, change_min=240, horizon=720)
    assert result.lambda_error[-1] == 0 and result.kappa_error[-1] == 0
    assert (result.lambda_error >= 0).all() and (result.kappa_error >= 0).all()
    summary = pl.error_summary(result)
    assert summary.loc["Kappa", "exact from minute"] <= math.ceil(result.catch_up_min)
    if share == 0:
        assert not result.lambda_error.any() and not result.kappa_error.any()


def test_kappa_never_catching_up_is_reported():
    result = pl.served_errors(pl.event_stream(600, 100, 0.1), batch_min=60, batch_run_min=30, replay_speed=1.2,
                             change_min=240, horizon=720)
    assert result.catch_up_min == pytest.approx(1440)
    assert pl.error_summary(result).loc["Kappa", "exact from minute"] == math.inf
