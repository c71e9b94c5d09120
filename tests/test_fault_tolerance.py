"""Tests of widgets.fault_tolerance: closed forms, the AWS post's findings, and tenacity, pybreaker
and simpy as independent oracles.

References for what is checked here:
* Brooker (2015), "Exponential Backoff and Jitter", AWS Architecture Blog: the four wait formulas,
  and the contention race's findings (no-jitter backoff does the most work and takes the longest;
  full and equal jitter do about the same work, equal takes much longer; full jitter does less
  work than decorrelated jitter but takes slightly longer).
* Brooker (2022), "What is Backoff For?", brooker.co.za: retries multiply load across layers;
  a retry budget (retries at most 10 % of requests) bounds the multiplication.
* Nygard (2018), "Release It!", 2nd ed.: the circuit breaker's states (closed, open, half-open).
* Erlang C (the M/M/c queue): e.g. Harchol-Balter (2013), "Performance Modeling and Design of
  Computer Systems", chapter 14.
"""

from __future__ import annotations

import math
import random
from datetime import UTC, datetime, timedelta
from unittest import mock

import numpy as np
import pybreaker
import pytest
import simpy
import tenacity
from hypothesis import given, settings
from hypothesis import strategies as st

from widgets import fault_tolerance as ft

# --------------------------------------------------------------------------
# Backoff and jitter
# --------------------------------------------------------------------------

caps = st.none() | st.floats(0.01, 1e4)
bases = st.floats(0.001, 100)


def tenacity_sleeps(wait: tenacity.wait.wait_base, retries: int) -> list[float]:
    """The sleeps tenacity's Retrying makes before retries 1..retries of a call that always fails.

    Tenacity numbers attempts from 1 and waits multiplier * 2**(attempt_number - 1) after attempt
    attempt_number, so its sleep after attempt n is our wait for attempt index k = n - 1.
    """
    sleeps: list[float] = []
    retrying = tenacity.Retrying(wait=wait, stop=tenacity.stop_after_attempt(retries + 1), sleep=sleeps.append,
                                 reraise=True)
    with pytest.raises(ZeroDivisionError):
        retrying(lambda: 1 / 0)
    return sleeps


@settings(max_examples=200, deadline=None)
@given(retries=st.integers(0, 30), base=bases, cap=caps)
def test_no_jitter_equals_tenacitys_wait_exponential(retries, base, cap):
    wait = tenacity.wait_exponential(multiplier=base, exp_base=2, **({} if cap is None else {"max": cap}))
    assert ft.backoff_delays(retries, base=base, cap=cap) == tuple(tenacity_sleeps(wait, retries))


def test_full_jitter_agrees_with_tenacitys_wait_random_exponential():
    """Tenacity's wait_random_exponential is full jitter: every wait in [0, v], mean v / 2.

    2,000 draws per attempt index from each; each mean is within 5 standard errors, v / sqrt(12 n),
    of v / 2 (a uniform(0, v) has standard deviation v / sqrt(12)).
    """
    base, cap, retries, n = 10.0, 200.0, 7, 2000
    expected = ft.expected_backoff_delays(retries, base=base, cap=cap, jitter="full")
    wait = tenacity.wait_random_exponential(multiplier=base, max=cap)
    with mock.patch.object(tenacity.wait, "random", random.Random(7)):
        theirs = np.array([tenacity_sleeps(wait, retries) for _ in range(n)])
    ours = np.array([ft.backoff_delays(retries, base=base, cap=cap, jitter="full", seed=s) for s in range(n)])
    v = np.array(ft.backoff_delays(retries, base=base, cap=cap))
    for sample in (theirs, ours):
        assert sample.shape == (n, retries)
        assert np.all((sample >= 0) & (sample <= v))
        assert np.all(np.abs(sample.mean(axis=0) - expected) <= 5 * v / math.sqrt(12 * n))


def test_equal_jitters_mean_is_three_quarters_of_the_capped_exponential():
    base, cap, retries, n = 1.0, 20.0, 6, 4000
    v = np.array(ft.backoff_delays(retries, base=base, cap=cap))
    ours = np.array([ft.backoff_delays(retries, base=base, cap=cap, jitter="equal", seed=s) for s in range(n)])
    assert np.all((ours >= v / 2) & (ours <= v))
    # uniform(v/2, v): standard deviation (v/2) / sqrt(12); 5 standard errors
    expected = ft.expected_backoff_delays(retries, base=base, cap=cap, jitter="equal")
    assert np.all(np.abs(ours.mean(axis=0) - expected) <= 5 * (v / 2) / math.sqrt(12 * n))


@given(retries=st.integers(0, 40), base=bases, cap=caps)
def test_expected_waits_in_closed_form(retries, base, cap):
    none = ft.expected_backoff_delays(retries, base=base, cap=cap)
    assert none == ft.backoff_delays(retries, base=base, cap=cap)
    assert all(w == min(math.inf if cap is None else cap, base * 2**k) for k, w in enumerate(none))
    full = ft.expected_backoff_delays(retries, base=base, cap=cap, jitter="full")
    equal = ft.expected_backoff_delays(retries, base=base, cap=cap, jitter="equal")
    assert full == tuple(w / 2 for w in none)  # the expected full-jitter wait is half the capped exponential
    assert equal == pytest.approx([w * 3 / 4 for w in none], rel=1e-15)


@given(retries=st.integers(1, 30), base=bases, cap=caps, seed=st.integers(0, 2**32),
       jitter=st.sampled_from(ft.JITTERS))
def test_every_wait_lies_in_its_strategys_range_and_is_seeded(retries, base, cap, seed, jitter):
    waits = ft.backoff_delays(retries, base=base, cap=cap, jitter=jitter, seed=seed)
    assert waits == ft.backoff_delays(retries, base=base, cap=cap, jitter=jitter, seed=seed)
    assert len(waits) == retries
    v = ft.backoff_delays(retries, base=base, cap=cap)
    top = math.inf if cap is None else cap
    previous = base
    for k, w in enumerate(waits):
        if jitter == "full":
            assert 0 <= w <= v[k]
        elif jitter == "equal":
            assert v[k] / 2 <= w <= v[k]
        elif jitter == "decorrelated":
            assert w == min(top, w) and (w == top or base <= w <= 3 * previous)
            previous = w


def test_decorrelated_jitter_grows_from_the_previous_wait():
    waits = [ft.backoff_delays(8, base=1, cap=10_000, jitter="decorrelated", seed=s) for s in range(2000)]
    # E[w_1] = (1 + 3) / 2 = 2; E[w_{k+1} | w_k] = (1 + 3 w_k) / 2, so E[w_2] = (1 + 6) / 2 = 3.5
    first, second = np.array(waits)[:, 0], np.array(waits)[:, 1]
    assert abs(first.mean() - 2) < 5 * first.std() / math.sqrt(2000)
    assert abs(second.mean() - 3.5) < 5 * second.std() / math.sqrt(2000)
    with pytest.raises(ValueError, match="^jitter must be one of 'none', 'full', 'equal', got 'decorrelated'$"):
        ft.expected_backoff_delays(3, base=1, jitter="decorrelated")


# --------------------------------------------------------------------------
# The contention race
# --------------------------------------------------------------------------


def test_contention_reproduces_the_aws_posts_findings():
    """Brooker (2015), AWS Architecture Blog, with his simulator's settings (base 5 ms, cap 2,000 ms,
    network 10 ms ± 2 ms), 100 clients, mean of 5 seeded races per strategy. The post finds:
    exponential backoff without jitter is the clear loser in work and in time; full and equal
    jitter do about the same work, far less than no jitter; equal jitter takes much longer than
    full; full does less work than decorrelated but takes slightly longer.
    """
    table = ft.contention_table(100, runs=5)
    calls, time = table["calls"], table["completion ms"]
    jittered = ["full", "equal", "decorrelated"]
    assert calls.loc["none"] == calls.loc[list(ft.JITTERS)].max()  # the most work of the backoff strategies
    assert (calls.loc[["full", "decorrelated"]] < 0.6 * calls.loc["none"]).all()  # "far fewer": under 60 %
    assert time.loc["none"] > 5 * time.loc[jittered].max()  # so long the post left it off its graph
    assert time.loc["full"] < time.loc["equal"]  # full jitter finishes sooner than equal jitter
    assert calls.loc["full"] == pytest.approx(calls.loc["equal"], rel=0.1)  # about the same work
    assert calls.loc["full"] < calls.loc["decorrelated"] and time.loc["full"] > time.loc["decorrelated"]


@pytest.mark.parametrize("clients", [1, 2, 7, 20])
def test_without_network_noise_clients_in_lockstep_take_turns(clients):
    """With a fixed 10 ms network every losing client retries together, with no backoff or with
    backoff but no jitter: each round one of the clients left wins, so N (N + 1) / 2 writes. With
    no backoff a round lasts one read and one write (four 10 ms legs); without jitter round r
    (0-based) adds the wait min(cap, base * 2**r).
    """
    plain = ft.contention(clients, jitter="no backoff", delay_sd_ms=0)
    assert plain.jitter == "no backoff" and plain.clients == clients
    assert plain.calls == clients * (clients + 1) // 2
    assert plain.completion_ms == pytest.approx(40 * clients)
    assert sorted(plain.finished_ms) == pytest.approx([40 * (r + 1) for r in range(clients)])
    backoff = ft.contention(clients, jitter="none", base=5, cap=100, delay_sd_ms=0)
    waits = ft.expected_backoff_delays(clients - 1, base=5, cap=100)
    assert backoff.calls == clients * (clients + 1) // 2
    assert backoff.completion_ms == pytest.approx(40 * clients + sum(waits))


@given(clients=st.integers(1, 30), seed=st.integers(0, 1000), jitter=st.sampled_from(ft.CONTENTION_STRATEGIES))
@settings(max_examples=40, deadline=None)
def test_every_client_succeeds_exactly_once(clients, seed, jitter):
    race = ft.contention(clients, jitter=jitter, seed=seed)
    assert len(race.finished_ms) == clients and all(t > 0 for t in race.finished_ms)
    assert race.completion_ms == max(race.finished_ms)
    assert clients <= race.calls <= clients * (clients + 1) // 2  # a write succeeds in every round that has one
    assert race == ft.contention(clients, jitter=jitter, seed=seed)


# --------------------------------------------------------------------------
# Circuit breaker
# --------------------------------------------------------------------------

EPOCH = datetime(2024, 1, 1, tzinfo=UTC)


class Clock(datetime):
    """pybreaker reads ``datetime.now(UTC)``; this one reads ``Clock.now_s`` seconds after EPOCH."""

    now_s = 0.0

    @classmethod
    def now(cls, tz=None):
        return EPOCH + timedelta(seconds=cls.now_s)


class Outage(Exception):
    pass


def pybreaker_run(events, fail_max: int, reset_timeout_s: float):
    """pybreaker driven through ``events`` (time_s, failed) with a controlled clock.

    Returns per event (called, state after it) and the (time_s, state) timeline from its listener.
    """
    timeline, steps = [(0.0, "closed")], []

    class Recorder(pybreaker.CircuitBreakerListener):
        def state_change(self, cb, old_state, new_state):
            timeline.append((Clock.now_s, new_state.name))

    breaker = pybreaker.CircuitBreaker(fail_max=fail_max, reset_timeout=reset_timeout_s, listeners=[Recorder()])
    with mock.patch.object(pybreaker, "datetime", Clock):
        for now, failed in events:
            Clock.now_s, called = now, []

            def dependency(failed=failed, called=called):
                called.append(True)
                if failed:
                    raise Outage

            try:
                breaker.call(dependency)
            except (Outage, pybreaker.CircuitBreakerError):
                pass
            steps.append((bool(called), breaker.current_state))
    return steps, timeline


def our_steps(events, failure_threshold: int, reset_timeout_s: float, window_calls=None):
    breaker, steps = ft.CircuitBreaker(failure_threshold, window_calls, reset_timeout_s), []
    for now, failed in events:
        breaker = breaker.admit(now)
        called = breaker.allows_call
        if called:
            breaker = breaker.record(now, failed=failed)
        steps.append((called, breaker.state))
    return steps


@st.composite
def event_streams(draw):
    gaps = draw(st.lists(st.integers(0, 12), min_size=1, max_size=80))  # whole seconds: exact clock arithmetic
    failures = draw(st.lists(st.booleans(), min_size=len(gaps), max_size=len(gaps)))
    return list(zip(np.cumsum(gaps).astype(float).tolist(), failures))


@settings(max_examples=200, deadline=None)
@given(events=event_streams(), threshold=st.integers(1, 6), reset=st.integers(1, 30))
def test_breaker_steps_equal_pybreakers(events, threshold, reset):
    """With the window as long as the threshold (F failures among the last F calls = F in a row),
    our breaker makes the same call-or-fail-fast decision and reaches the same state as
    pybreaker.CircuitBreaker(fail_max=F, reset_timeout=...) after every event."""
    theirs, _ = pybreaker_run(events, threshold, reset)
    assert our_steps(events, threshold, reset) == theirs


@pytest.mark.parametrize(("seed", "threshold", "outage"), [(0, 5, "timeout"), (1, 3, "error"), (2, 1, "timeout"),
                                                           (3, 8, "error")])
def test_breaker_run_timeline_equals_pybreakers(seed, threshold, outage):
    run = ft.breaker_run(rate_per_s=5, duration_s=120, outage_start_s=20, outage_length_s=50,
                         failure_threshold=threshold, reset_timeout_s=7, outage=outage, seed=seed)
    requests = run.requests
    events = list(zip(requests.time_s, (requests.time_s >= 20) & (requests.time_s < 70)))
    steps, timeline = pybreaker_run(events, threshold, 7)
    assert list(run.timeline.itertuples(index=False, name=None)) == timeline
    assert requests.called.tolist() == [called for called, _ in steps]
    assert len(timeline) > 6  # it opened, tried and reopened several times


def test_a_longer_window_trips_on_failures_among_successes():
    pattern = [True, False, True, False, True]  # failed, succeeded, ...
    for window, state in ((3, "closed"), (5, "open")):  # 3 of the last 3 never failed; 3 of the last 5 did
        breaker = ft.CircuitBreaker(failure_threshold=3, window_calls=window, reset_timeout_s=10)
        for t, failed in enumerate(pattern):
            breaker = breaker.admit(t).record(t, failed=failed)
        assert breaker.state == state
    with pytest.raises(ValueError, match="^state must be 'closed' or 'half-open' to record a call, got 'open'$"):
        breaker.record(5, failed=False)
    assert breaker.admit(13.999).state == "open" and breaker.admit(14).state == "half-open"


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), threshold=st.integers(1, 8), extra=st.integers(0, 10),
       reset=st.floats(0, 20), start=st.floats(0, 50), length=st.floats(0, 60),
       outage=st.sampled_from(["timeout", "error"]))
def test_the_breaker_never_calls_the_dependency_while_open(seed, threshold, extra, reset, start, length, outage):
    run = ft.breaker_run(rate_per_s=10, duration_s=60, outage_start_s=start, outage_length_s=length,
                         failure_threshold=threshold, window_calls=threshold + extra, reset_timeout_s=reset,
                         outage=outage, seed=seed)
    requests, timeline = run.requests, run.timeline
    assert not (requests.called & (requests.state == "open")).any()
    # independently of the per-request state: no call within reset_timeout_s after any opening,
    # other than the call that opened it
    for opened in timeline.time_s[timeline.state == "open"]:
        later = requests[(requests.time_s > opened) & (requests.time_s < opened + reset)]
        assert not later.called.any()
    assert run.dependency_calls + run.failed_fast == len(requests)
    assert run.dependency_failures <= threshold + extra + run.dependency_calls  # a sanity bound
    assert not (requests.failed & ~requests.called).any()


def test_breaker_run_outputs_in_closed_form_where_they_have_one():
    healthy = ft.breaker_run(outage_length_s=0, normal_ms=20, seed=3)
    assert healthy.dependency_calls == len(healthy.requests) and healthy.failed_fast == 0
    assert healthy.fallback_rate == 0 and healthy.mean_latency_ms == healthy.p99_latency_ms == 20
    assert healthy.timeline.state.tolist() == ["closed"]
    # no breaker: every request in the outage waits out the timeout, then gets the fallback
    bare = ft.breaker_run(use_breaker=False, seed=3, timeout_ms=1000, fallback_ms=1, normal_ms=20)
    in_outage = ((bare.requests.time_s >= 30) & (bare.requests.time_s < 70)).to_numpy()
    assert bare.failed_fast == 0 and bare.dependency_failures == in_outage.sum()
    assert bare.fallback_rate == pytest.approx(in_outage.mean())
    assert bare.mean_latency_ms == pytest.approx(20 + in_outage.mean() * (1001 - 20))
    guarded = ft.breaker_run(seed=3)  # failure_threshold 5, reset_timeout_s 10, outage 40 s
    # F failures trip it; after that at most one trial per reset timeout: 5 + floor(40 / 10)
    assert 5 < guarded.dependency_failures <= 5 + 40 // 10 < bare.dependency_failures / 50
    assert guarded.mean_latency_ms < bare.mean_latency_ms / 10
    assert guarded.fallback_rate == pytest.approx(bare.fallback_rate, abs=0.01)  # the outage's requests either way
    assert len(guarded.requests) == len(bare.requests)  # the same seeded stream


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10_000), threshold=st.integers(1, 8), reset=st.floats(0, 20), start=st.floats(0, 50),
       length=st.floats(0, 60), bin_s=st.floats(0.5, 60))
def test_state_spans_and_series_account_for_every_request(seed, threshold, reset, start, length, bin_s):
    run = ft.breaker_run(rate_per_s=10, duration_s=60, outage_start_s=start, outage_length_s=length,
                         failure_threshold=threshold, reset_timeout_s=reset, seed=seed)
    spans = ft.state_spans(run, duration_s=60)
    # the spans tile [0, 60] in the timeline's order; a half-open trial has no length
    assert spans.start_s.iloc[0] == 0 and spans.end_s.iloc[-1] == 60
    assert (spans.start_s.iloc[1:].to_numpy() == spans.end_s.iloc[:-1].to_numpy()).all()
    assert spans.state.tolist() == run.timeline.state.tolist()
    assert (spans.end_s[spans.state == "half-open"] == spans.start_s[spans.state == "half-open"]).all()
    # no call reached the dependency strictly inside an open span
    called = run.requests.time_s[run.requests.called].to_numpy()
    for begin, end in spans[spans.state == "open"][["start_s", "end_s"]].itertuples(index=False):
        assert not ((called > begin) & (called < end)).any()
    # rates times bin widths give back the counts, the last bin shorter when bin_s does not divide 60
    series = ft.breaker_series(run, duration_s=60, bin_s=bin_s)
    widths = np.diff(np.append(series.start_s.to_numpy(), 60))
    assert (widths > 0).all() and widths.max() == pytest.approx(min(bin_s, 60))
    assert (series.dependency * widths).sum() == pytest.approx(run.dependency_calls)
    assert (series["failed fast"] * widths).sum() == pytest.approx(run.failed_fast)


def test_without_a_breaker_the_series_is_the_request_rate():
    run = ft.breaker_run(use_breaker=False, rate_per_s=20, duration_s=120, seed=2)
    series = ft.breaker_series(run, duration_s=120, bin_s=120)
    assert series.values.tolist() == [[0.0, len(run.requests) / 120, 0.0]]
    assert ft.state_spans(run, duration_s=120).values.tolist() == [[0.0, 120.0, "closed"]]


# --------------------------------------------------------------------------
# Bulkhead
# --------------------------------------------------------------------------


def simpy_response_ms(arrivals, service, workers) -> np.ndarray:
    """The same FCFS pool in simpy: a Resource with ``workers`` slots, one process per request."""
    env, out = simpy.Environment(), np.empty(len(arrivals))
    pool = simpy.Resource(env, capacity=workers)

    def job(i):
        with pool.request() as slot:
            yield slot
            yield env.timeout(service[i])
            out[i] = env.now - arrivals[i]

    def source():
        for i, arrival in enumerate(arrivals):
            yield env.timeout(arrival - env.now)
            env.process(job(i))

    env.process(source())
    env.run()
    return out


def erlang_c_response(arrival_rate, service_rate, servers) -> float:
    """M/M/c mean response time: 1/mu + C(c, a) / (c mu - lambda), with Erlang C's wait probability."""
    a = arrival_rate / service_rate
    top = a**servers / math.factorial(servers) * servers / (servers - a)
    wait_probability = top / (sum(a**k / math.factorial(k) for k in range(servers)) + top)
    return 1 / service_rate + wait_probability / (servers * service_rate - arrival_rate)


@pytest.mark.parametrize("workers", [1, 3, 8])
def test_fcfs_pool_equals_simpys_resource(workers):
    rng = np.random.default_rng(workers)
    arrivals = np.sort(rng.uniform(0, 10_000, 3000))
    service = rng.exponential(3 * workers, 3000)
    ours, theirs = ft.fcfs_response_ms(arrivals, service, workers), simpy_response_ms(arrivals, service, workers)
    assert np.max(np.abs(ours - theirs)) < 1e-9


def test_without_slowdown_the_shared_pool_is_m_m_c():
    """3 endpoints at 20 requests/s each share 8 workers with a mean service of 100 ms: M/M/8 at
    utilisation 0.75, mean response 117.8 ms (Erlang C). 2,000 s of traffic (about 120,000
    requests) per seed; the mean over 3 seeds within 3 % (the seeds' own spread is about 1 %)."""
    means = []
    for seed in range(3):
        shared = ft.bulkhead(8, 3, rate_per_s=20, normal_ms=100, slow_ms=100, isolated=False, duration_s=2000,
                             seed=seed)
        requests = sum(e.requests for e in shared)
        means.append(sum(e.mean_ms * e.requests for e in shared) / requests)
    assert np.mean(means) == pytest.approx(1000 * erlang_c_response(60, 10, 8), rel=0.03)
    isolated = ft.bulkhead(9, 3, rate_per_s=20, normal_ms=100, slow_ms=100, isolated=True, duration_s=2000)
    for endpoint in isolated:  # each its own M/M/3 at utilisation 2/3
        assert endpoint.workers == 3
        assert endpoint.mean_ms == pytest.approx(1000 * erlang_c_response(20, 10, 3), rel=0.06)


def test_isolated_endpoints_are_unaffected_by_the_slow_one_exactly():
    args = {"rate_per_s": 10, "normal_ms": 50, "isolated": True, "seed": 4}
    calm = ft.bulkhead(8, 4, slow_ms=50, **args)
    slowed = ft.bulkhead(8, 4, slow_ms=2000, **args)
    assert calm[1:] == slowed[1:]
    assert slowed[0].slow and slowed[0].success_rate < calm[0].success_rate


def test_a_shared_pool_lets_the_slow_dependency_starve_the_others():
    table = ft.bulkhead_table(8, 4, rate_per_s=10, normal_ms=50, slow_ms=800, timeout_ms=500)
    healthy_shared, healthy_isolated = table.loc["shared"].iloc[1:], table.loc["isolated"].iloc[1:]
    assert (healthy_shared.success_rate < healthy_isolated.success_rate).all()
    assert (healthy_shared.p99_ms > 2 * healthy_isolated.p99_ms).all()
    assert (table.loc["shared", "workers"] == 8).all() and (table.loc["isolated", "workers"] == 2).all()
    # the same traffic: shared and isolated see the same requests per endpoint
    assert table.loc["shared"].index.tolist() == [0, 1, 2, 3] and table.loc["shared", "slow"].tolist()[0]


# --------------------------------------------------------------------------
# Retry amplification
# --------------------------------------------------------------------------


@given(layers=st.integers(1, 6), retries=st.integers(0, 5), p=st.floats(0, 1))
def test_retry_amplification_in_closed_form(layers, retries, p):
    result = ft.retry_amplification(layers, retries, p)
    assert result.worst == result.ceiling == (1 + retries) ** layers
    assert 1 <= result.expected <= result.worst * (1 + 1e-12)
    one = (retries + 1) if p == 1 else (1 - p ** (retries + 1)) / (1 - p)  # one layer: a truncated geometric
    assert ft.retry_amplification(1, retries, p).expected == pytest.approx(one, rel=1e-9)  # 1 - p cancels near 1
    assert ft.retry_amplification(layers, retries, 1.0).expected == (1 + retries) ** layers
    assert ft.retry_amplification(layers, retries, 0.0).expected == 1


@pytest.mark.parametrize(("layers", "retries", "p"), [(1, 3, 0.5), (3, 2, 0.3), (3, 2, 0.7), (4, 1, 0.9)])
def test_retry_amplification_simulation_agrees_with_the_closed_form(layers, retries, p):
    """20 seeded runs of 500 user requests; their mean within 5 standard errors of the closed form."""
    runs = np.array([ft.retry_amplification_sim(layers, retries, p, requests=500, seed=s) for s in range(20)])
    expected = ft.retry_amplification(layers, retries, p).expected
    assert abs(runs.mean() - expected) <= 5 * runs.std(ddof=1) / math.sqrt(len(runs))


@pytest.mark.parametrize(("layers", "retries", "budget"), [(3, 3, 0.1), (2, 1, 0.5), (4, 2, 0.25)])
def test_a_retry_budget_bounds_the_storm_when_everything_fails(layers, retries, budget):
    """Brooker (2022): with retries at most 10 % of requests the load grows by at most 10 % a layer,
    1.1**L rather than (1 + k)**L. When everything fails the budget is spent exactly: each layer
    sends down its n requests plus floor(b n) retries."""
    requests = 1000
    n = requests
    for _ in range(layers):
        n += math.floor(budget * n)
    assert ft.retry_amplification_sim(layers, retries, 1.0, budget=budget, requests=requests) == n / requests
    bound = ft.retry_amplification(layers, retries, 1.0, budget=budget)
    assert bound.ceiling == pytest.approx((1 + budget) ** layers) and n / requests <= bound.ceiling
    assert bound.worst == (1 + retries) ** layers == ft.retry_amplification_sim(layers, retries, 1.0)


@settings(max_examples=40, deadline=None)
@given(layers=st.integers(1, 4), retries=st.integers(0, 3), p=st.floats(0, 1), budget=st.floats(0, 4),
       seed=st.integers(0, 1000))
def test_no_run_exceeds_the_budgets_ceiling(layers, retries, p, budget, seed):
    load = ft.retry_amplification_sim(layers, retries, p, budget=budget, requests=200, seed=seed)
    assert 1 <= load <= ft.retry_amplification(layers, retries, p, budget=budget).ceiling * (1 + 1e-12)
    if budget >= retries:  # a budget that large never binds: the very same run
        assert load == ft.retry_amplification_sim(layers, retries, p, requests=200, seed=seed)


@pytest.mark.parametrize(("layers", "retries", "budget"), [(3, 3, 0.1), (5, 2, 0.1), (1, 3, 0.5), (2, 0, 0.2)])
def test_amplification_points_side_by_side(layers, retries, budget):
    """The closed form beside seeded simulations that each run about ``calls`` deepest calls."""
    points = ft.amplification_points(layers, retries, [0.2, 0.5, 0.9, 1.0], budget=budget, calls=2000, seed=1)
    bound = ft.retry_amplification(layers, retries, 1.0, budget=budget)
    for p, row in points.iterrows():
        assert row.expected == ft.retry_amplification(layers, retries, p).expected
        assert row.simulated == ft.retry_amplification_sim(layers, retries, p, requests=int(row.requests), seed=1)
        assert 1 <= row["with budget"] <= bound.ceiling * (1 + 1e-12)
        assert 1 <= row.requests <= 2000 and 1 <= row["requests with budget"] <= 2000
        assert row.requests == 1 or row.requests * row.expected <= 2000
    assert points.loc[1.0, "simulated"] == points.loc[1.0, "expected"] == bound.worst  # every call fails
    assert points.loc[1.0, "with budget"] <= bound.ceiling < bound.worst or retries == 0


# --------------------------------------------------------------------------
# Dead-letter queue
# --------------------------------------------------------------------------


@settings(max_examples=80, deadline=None)
@given(messages=st.integers(0, 300), p=st.floats(0, 1), start=st.floats(0, 300), length=st.floats(0, 300),
       attempts=st.integers(1, 6), delay=st.floats(0.5, 100), rate=st.floats(0.1, 10),
       horizon=st.none() | st.floats(0, 400), seed=st.integers(0, 1000))
def test_nothing_is_lost(messages, p, start, length, attempts, delay, rate, horizon, seed):
    run = ft.dead_letter_run(messages, failure_probability=p, outage_start_s=start, outage_length_s=length,
                             max_attempts=attempts, retry_delay_s=delay, rate_per_s=rate, horizon_s=horizon,
                             seed=seed)
    sent = sum(1 for i in range(messages) if horizon is None or i / rate <= horizon)
    assert run.sent == sent == run.delivered + run.dead_lettered + run.in_flight
    table = run.messages
    assert table.message.tolist() == list(range(sent))  # every message sent, each in exactly one place
    assert (table.attempts[table.status == "dead-lettered"] == attempts).all()
    assert (table.attempts.between(1, attempts)).all()
    assert run.retries == (table.attempts - 1).sum() and run.retried <= run.retries
    if horizon is None:
        assert run.in_flight == 0


def test_dead_letters_follow_the_failure_probability():
    """Independent failures with probability p, 4 attempts: a message is dead-lettered with probability
    p**4 and makes (1 - p**4) / (1 - p) attempts on average; both within 5 standard errors."""
    p, attempts, n = 0.5, 4, 20_000
    run = ft.dead_letter_run(n, failure_probability=p, max_attempts=attempts, seed=5)
    dead = p**attempts
    assert abs(run.dead_lettered / n - dead) <= 5 * math.sqrt(dead * (1 - dead) / n)
    tries = run.messages.attempts
    assert abs(tries.mean() - (1 - p**attempts) / (1 - p)) <= 5 * tries.std() / math.sqrt(n)
    assert run.retries == tries.sum() - n and run.retried == (tries > 1).sum()


def test_an_outage_dead_letters_exactly_the_messages_whose_attempts_all_fall_in_it():
    # one message a second; outage [100 s, 300 s); attempts at t, t + 60, t + 120: t in [100, 180) all fail
    run = ft.dead_letter_run(600, failure_probability=0, outage_start_s=100, outage_length_s=200, max_attempts=3,
                             retry_delay_s=60)
    dead = run.messages[run.messages.status == "dead-lettered"].message
    assert dead.tolist() == list(range(100, 180))
    assert run.delivered == 520 and run.retried == 200  # every message sent during the outage retried
    cut = ft.dead_letter_run(600, failure_probability=0, outage_start_s=100, outage_length_s=200, max_attempts=3,
                             retry_delay_s=60, horizon_s=250)
    assert cut.sent == 251 and cut.in_flight == 120  # sent in [130 s, 250 s], retrying after 250 s


# --------------------------------------------------------------------------
# Bad input
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda: ft.backoff_delays(-1, base=1), "retries"),
        (lambda: ft.backoff_delays(101, base=1), "retries"),
        (lambda: ft.backoff_delays(3, base=0), "base"),
        (lambda: ft.backoff_delays(3, base=1, cap=-1), "cap"),
        (lambda: ft.backoff_delays(3, base=1, jitter="half"), "jitter"),
        (lambda: ft.backoff_delays(3, base=1, seed=-1), "seed"),
        (lambda: ft.expected_backoff_delays(2.5, base=1), "retries"),
        (lambda: ft.expected_backoff_delays(3, base=float("nan")), "base"),
        (lambda: ft.expected_backoff_delays(3, base=1, jitter="decorrelated"), "jitter"),
        (lambda: ft.contention(0, jitter="full"), "clients"),
        (lambda: ft.contention(5, jitter="most"), "jitter"),
        (lambda: ft.contention(5, jitter="full", delay_ms=0), "delay_ms"),
        (lambda: ft.contention(5, jitter="full", delay_sd_ms=-1), "delay_sd_ms"),
        (lambda: ft.contention(5, jitter="full", base=-5), "base"),
        (lambda: ft.contention_table(5, runs=0), "runs"),
        (lambda: ft.contention_table(5, cap=0), "cap"),
        (lambda: ft.CircuitBreaker(failure_threshold=0), "failure_threshold"),
        (lambda: ft.CircuitBreaker(failure_threshold=5, window_calls=4), "window_calls"),
        (lambda: ft.CircuitBreaker(reset_timeout_s=-1), "reset_timeout_s"),
        (lambda: ft.CircuitBreaker(state="ajar"), "state"),
        (lambda: ft.breaker_run(rate_per_s=0), "rate_per_s"),
        (lambda: ft.breaker_run(duration_s=-1), "duration_s"),
        (lambda: ft.breaker_run(outage_start_s=-1), "outage_start_s"),
        (lambda: ft.breaker_run(outage_length_s=float("inf")), "outage_length_s"),
        (lambda: ft.breaker_run(timeout_ms=-1), "timeout_ms"),
        (lambda: ft.breaker_run(normal_ms=-1), "normal_ms"),
        (lambda: ft.breaker_run(outage="flood"), "outage"),
        (lambda: ft.breaker_run(fallback_ms=-1), "fallback_ms"),
        (lambda: ft.breaker_run(use_breaker=1), "use_breaker"),
        (lambda: ft.breaker_run(failure_threshold=2.0), "failure_threshold"),
        (lambda: ft.breaker_run(seed=1.5), "seed"),
        (lambda: ft.poisson_arrivals(10_000, 100_000, np.random.default_rng()), "rate_per_s"),
        (lambda: ft.fcfs_response_ms(np.zeros(1), np.zeros(1), 0), "workers"),
        (lambda: ft.bulkhead(0, 1, rate_per_s=1, normal_ms=1, slow_ms=1, isolated=True), "pool_size"),
        (lambda: ft.bulkhead(4, 5, rate_per_s=1, normal_ms=1, slow_ms=1, isolated=True), "endpoints"),
        (lambda: ft.bulkhead(4, 2, rate_per_s=-1, normal_ms=1, slow_ms=1, isolated=True), "rate_per_s"),
        (lambda: ft.bulkhead(4, 2, rate_per_s=1, normal_ms=0, slow_ms=1, isolated=True), "normal_ms"),
        (lambda: ft.bulkhead(4, 2, rate_per_s=1, normal_ms=1, slow_ms=0, isolated=True), "slow_ms"),
        (lambda: ft.bulkhead(4, 2, rate_per_s=1, normal_ms=1, slow_ms=1, isolated="yes"), "isolated"),
        (lambda: ft.bulkhead(4, 2, rate_per_s=1, normal_ms=1, slow_ms=1, isolated=True, timeout_ms=0), "timeout_ms"),
        (lambda: ft.bulkhead(4, 2, rate_per_s=1, normal_ms=1, slow_ms=1, isolated=True, duration_s=0), "duration_s"),
        (lambda: ft.bulkhead_table(4, 2, rate_per_s=1, normal_ms=1, slow_ms=1, seed=-1), "seed"),
        (lambda: ft.retry_amplification(0, 1, 0.5), "layers"),
        (lambda: ft.retry_amplification(2, -1, 0.5), "retries"),
        (lambda: ft.retry_amplification(2, 1, 1.5), "failure_probability"),
        (lambda: ft.retry_amplification(2, 1, 0.5, budget=-0.1), "budget"),
        (lambda: ft.retry_amplification_sim(2, 1, 0.5, requests=0), "requests"),
        (lambda: ft.retry_amplification_sim(2, 1, 0.5, seed=-1), "seed"),
        (lambda: ft.state_spans(ft.breaker_run(duration_s=10), duration_s=0), "duration_s"),
        (lambda: ft.breaker_series(ft.breaker_run(duration_s=10), duration_s=10, bin_s=0), "bin_s"),
        (lambda: ft.breaker_series(ft.breaker_run(duration_s=10), duration_s=-1), "duration_s"),
        (lambda: ft.amplification_points(2, 1, [0.5], budget=0.1, calls=0), "calls"),
        (lambda: ft.amplification_points(2, 1, [1.5], budget=0.1), "failure_probability"),
        (lambda: ft.amplification_points(2, 1, [0.5], budget=-1), "budget"),
        (lambda: ft.dead_letter_run(-1), "messages"),
        (lambda: ft.dead_letter_run(10, failure_probability=2), "failure_probability"),
        (lambda: ft.dead_letter_run(10, outage_start_s=-1), "outage_start_s"),
        (lambda: ft.dead_letter_run(10, outage_length_s=-1), "outage_length_s"),
        (lambda: ft.dead_letter_run(10, max_attempts=0), "max_attempts"),
        (lambda: ft.dead_letter_run(10, retry_delay_s=0), "retry_delay_s"),
        (lambda: ft.dead_letter_run(10, rate_per_s=0), "rate_per_s"),
        (lambda: ft.dead_letter_run(10, horizon_s=-1), "horizon_s"),
        (lambda: ft.dead_letter_run(10, seed=True), "seed"),
    ],
)
def test_bad_parameters_raise_value_errors_naming_them(call, name):
    with pytest.raises(ValueError, match=rf"^{name} must be") as error:
        call()
    assert "got" in str(error.value)
