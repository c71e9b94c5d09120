"""Tests of widgets.rate_limiting: closed forms, hypothesis properties, a written-out queue, Cloudflare's
published example, and the ``limits`` library (5.8.0) as an independent implementation on the same streams.

References for what is checked here:
* Heinanen and Guerin (1999), RFC 2697, "A Single Rate Three Color Marker", section 3: a token bucket
  starts full and gains tokens at the committed rate up to its size, so from a full bucket of b tokens
  it passes b requests at once and b + r T over a saturated run of T seconds.
* ITU-T Recommendation I.371 (2004), annex A: the Generic Cell Rate Algorithm, GCRA(T, tau), as virtual
  scheduling and as a continuous-state leaky bucket (the leaky bucket as a meter). A token bucket of
  size b is that bucket counted the other way (tokens = b - content, with T = 1/r, tau = (b - 1)/r):
  the tests check the equivalence rather than cite it.
* Desgats (2017), "How we built rate limiting capable of scaling to millions of domains", Cloudflare
  blog: the sliding-window counter's estimate, 42 × (60 - 15)/60 + 18 = 49.5 requests.
* The ``limits`` library's documentation (strategies): its fixed window starts at the first request
  after the last one expired; its moving window admits a request if the limit-th newest entry is older
  than the window; its sliding window counter weights the previous aligned window's count.
"""

from __future__ import annotations

import math
from collections import deque
from unittest import mock

import limits.storage.memory as limits_memory
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from limits import RateLimitItemPerSecond
from limits.storage import MemoryStorage
from limits.strategies import FixedWindowRateLimiter, MovingWindowRateLimiter, SlidingWindowCounterRateLimiter

from widgets import rate_limiting
from widgets.rate_limiting import model

# --------------------------------------------------------------------------
# Closed forms: the token bucket
# --------------------------------------------------------------------------


@settings(max_examples=60)
@given(burst=st.integers(1, 60), extra=st.integers(0, 60), rate=st.floats(0.01, 1e4))
def test_a_bucket_admits_exactly_burst_of_a_burst_at_zero(burst, extra, rate):
    """RFC 2697: the bucket starts full, so of n >= b requests at t = 0 the first b pass, the rest not."""
    times = [0.0] * (burst + extra)
    expected = [True] * burst + [False] * extra
    for algorithm in ("token_bucket", "leaky_bucket"):
        assert model.rate_limit(times, algorithm=algorithm, rate=rate, burst=burst) == expected


@settings(max_examples=40)
@given(rate=st.sampled_from([1.0, 2.0, 3.0, 5.0, 10.0, 40.0]), seconds=st.integers(5, 120),
       burst=st.integers(1, 50), denser=st.integers(2, 9))
def test_a_saturated_bucket_admits_rate_times_t_plus_burst(rate, seconds, burst, denser):
    """A burst at 0, then requests far faster than the rate over [0, T]: the bucket passes its b tokens
    and r T more."""
    step = 1 / (denser * rate)
    times = np.concatenate([[0.0] * burst, np.arange(round(seconds / step) + 1) * step])  # then 0, step, ..., T
    for algorithm in ("token_bucket", "leaky_bucket"):
        admitted = model.rate_limit(times, algorithm=algorithm, rate=rate, burst=burst)
        assert sum(admitted) == burst + rate * seconds


@settings(max_examples=40)
@given(rate=st.sampled_from([2.0, 5.0, 10.0]), window=st.sampled_from([0.5, 1.0, 2.0]), windows=st.integers(3, 40))
def test_saturated_windows_admit_the_limit_per_window(rate, window, windows):
    """Requests far faster than the rate over [0, k w): each window algorithm passes L a window."""
    limit = model.window_limit(rate, window)
    step = window / (10 * limit)
    times = np.arange(round(windows * window / step)) * step
    for algorithm in ("fixed_window", "sliding_log", "sliding_counter"):
        admitted = sum(model.rate_limit(times, algorithm=algorithm, rate=rate, window=window))
        assert abs(admitted - limit * windows) <= 1, algorithm


# --------------------------------------------------------------------------
# The leaky bucket: the token bucket mirrored, and a FIFO queue
# --------------------------------------------------------------------------

dyadic_times = st.lists(st.integers(0, 4_000), min_size=1, max_size=120).map(lambda ks: sorted(k / 64 for k in ks))


@settings(max_examples=150)
@given(times=dyadic_times, rate=st.sampled_from([0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0]),
       burst=st.integers(2, 40).map(lambda h: h / 2))
def test_leaky_bucket_admits_what_the_token_bucket_admits(times, rate, burst):
    """GCRA(1/r, (b - 1)/r) and a token bucket of size b at rate r decide alike.

    Times in 1/64 s and rates in powers of two keep the float arithmetic exact, so ties are ties."""
    assert (model.rate_limit(times, algorithm="leaky_bucket", rate=rate, burst=burst)
            == model.rate_limit(times, algorithm="token_bucket", rate=rate, burst=burst))


def test_leaky_bucket_admits_what_the_token_bucket_admits_on_bursty_streams():
    for seed in range(100):
        times = model.bursty_arrivals(7.3, 20, 4, seed, burst_size=25)
        rate, burst = (3.7, 7.9, 13.1)[seed % 3], (1, 4.5, 12)[seed % 3]
        assert (model.rate_limit(times, algorithm="leaky_bucket", rate=rate, burst=burst)
                == model.rate_limit(times, algorithm="token_bucket", rate=rate, burst=burst))


def _queue(times, rate: float, capacity: int) -> tuple[list[bool], list[float]]:
    """A FIFO queue written out: one request at a time, 1/rate s each, at most ``capacity`` in it
    (the one being let out included); a request leaves the bucket when its turn starts."""
    ends: deque[float] = deque()
    free_at, admitted, leaves = -math.inf, [], []
    for t in times:
        while ends and ends[0] <= t:
            ends.popleft()
        if len(ends) < capacity:
            start = max(t, free_at)
            free_at = start + 1 / rate
            ends.append(free_at)
            admitted.append(True)
            leaves.append(start)
        else:
            admitted.append(False)
            leaves.append(math.nan)
    return admitted, leaves


def test_leaky_bucket_is_a_fifo_queue_holding_burst_requests():
    for seed in range(60):
        times = model.bursty_arrivals(9.0, 15, 3, seed, burst_size=30)
        rate, burst = (4.0, 6.5, 11.0)[seed % 3], (1, 3, 10)[seed % 3]
        admitted, leaves = _queue(times, rate, burst)
        assert model.rate_limit(times, algorithm="leaky_bucket", rate=rate, burst=burst) == admitted
        np.testing.assert_allclose(model.leaky_bucket_departures(times, rate=rate, burst=burst), leaves,
                                   rtol=0, atol=1e-9)


@settings(max_examples=80)
@given(times=st.lists(st.floats(0, 100), min_size=1, max_size=200).map(sorted), rate=st.floats(0.1, 100),
       burst=st.floats(1, 30))
def test_leaky_bucket_sends_on_at_most_the_rate_and_waits_at_most_b_minus_1_over_r(times, rate, burst):
    leaves = model.leaky_bucket_departures(times, rate=rate, burst=burst)
    sent = leaves[~np.isnan(leaves)]
    assert (np.diff(sent) >= 1 / rate * (1 - 1e-9)).all()
    waits = sent - np.asarray(times)[~np.isnan(leaves)]
    assert (waits >= 0).all() and (waits <= (burst - 1) / rate + 1e-6).all()


# --------------------------------------------------------------------------
# Windows: the sliding log's guarantee and the fixed window's double burst
# --------------------------------------------------------------------------


def _most_in_a_window(times, window: float, tolerance: float = 0.0) -> int:
    """The most times in any [s, s + window - tolerance), counted one window at a time (each starting
    at one of the times)."""
    times = list(times)
    return max((sum(s <= x < s + window - tolerance for x in times) for s in times), default=0)


@settings(max_examples=150)
@given(times=st.lists(st.floats(0, 20), min_size=1, max_size=150).map(sorted),
       rate=st.floats(0.5, 20), window=st.sampled_from([0.25, 0.5, 1.0, 2.0, 3.0]))
def test_sliding_log_never_admits_more_than_the_limit_in_any_window(times, rate, window):
    if rate * window < 1:
        rate = 1 / window
    limit = model.window_limit(rate, window)
    admitted = np.asarray(times)[model.rate_limit(times, algorithm="sliding_log", rate=rate, window=window)]
    assert _most_in_a_window(admitted, window) <= limit
    assert model.largest_in_window(admitted, window) <= limit


@settings(max_examples=100)
@given(times=st.lists(st.floats(0, 20), min_size=1, max_size=150).map(sorted),
       rate=st.floats(2, 20), window=st.sampled_from([0.5, 1.0, 2.0]))
def test_fixed_window_and_counter_admit_at_most_the_limit_per_window_and_twice_across_an_edge(times, rate, window):
    limit = model.window_limit(rate, window)
    for algorithm in ("fixed_window", "sliding_counter"):
        admitted = np.asarray(times)[model.rate_limit(times, algorithm=algorithm, rate=rate, window=window)]
        per_window = np.bincount(np.floor(admitted / window).astype(int)) if len(admitted) else np.zeros(1)
        assert per_window.max() <= limit
        assert _most_in_a_window(admitted, window) <= 2 * limit


@pytest.mark.parametrize("limit, window", [(1, 1.0), (10, 1.0), (25, 2.0), (60, 60.0)])
def test_fixed_window_admits_twice_the_limit_across_an_edge(limit, window):
    """L requests just before the edge at w and L just after: all 2 L pass within 20 ms."""
    times = [window - 0.01] * limit + [window + 0.01] * limit
    rate = limit / window
    fixed = model.rate_limit(times, algorithm="fixed_window", rate=rate, window=window)
    assert fixed == [True] * (2 * limit)
    assert model.largest_in_window(np.asarray(times)[fixed], window) == 2 * limit
    log = model.rate_limit(times, algorithm="sliding_log", rate=rate, window=window)
    assert log == [True] * limit + [False] * limit
    run = model.compare(times, rate=rate, window=window, duration=2 * window, bin_s=window / 10)
    assert run.run("fixed_window").largest_in_window == 2 * limit
    assert run.run("sliding_log").largest_in_window == limit


# --------------------------------------------------------------------------
# The sliding-window counter: Cloudflare's example
# --------------------------------------------------------------------------


def test_cloudflares_estimate_and_its_threshold():
    """Desgats (2017): 50 a minute; 42 last minute, 18 this minute which began 15 s ago: 49.5 requests.

    49.5 is under the limit, so one more request passes (limits' rule: estimate < L), and it brings the
    estimate to 50.5, so the next one in the same instant is refused."""
    assert model.sliding_estimate(42, 18, 15, 60) == pytest.approx(49.5)
    previous = list(np.linspace(0, 59, 42))  # 42 requests spread over the previous minute (admitted: < 50)
    current = [60 + 14.9] * 18 + [60 + 15.0] * 2  # 18 by the 15th second, then two more at 15 s
    admitted = model.rate_limit(previous + current, algorithm="sliding_counter", rate=50 / 60, window=60)
    assert admitted == [True] * 42 + [True] * 18 + [True, False]


def test_sliding_counter_with_an_empty_previous_window_is_the_fixed_window():
    times = model.bursty_arrivals(20, 1.0, 2, seed=4, burst_size=15)  # one window: nothing before it
    for rate in (3.0, 10.0, 30.0):
        assert (model.rate_limit(times, algorithm="sliding_counter", rate=rate, window=1.0)
                == model.rate_limit(times, algorithm="fixed_window", rate=rate, window=1.0))


# --------------------------------------------------------------------------
# The limits library on the same streams, with a controlled clock
# --------------------------------------------------------------------------

EPOCH = 1_000.0  # limits' keys use int((t - w)/w): below t = w it rounds toward 0, so start later


class _Clock:
    now = 0.0

    def time(self) -> float:
        return self.now


def _limits_admits(times, strategy, amount: int, seconds: int) -> list[bool]:
    """limits' decisions for requests at ``times``, its memory storage reading our clock.

    MemoryStorage reads ``time.time()`` through its module's ``time``, which we replace; its background
    timer only drops expired entries early (get() and acquire_entry() check expiry themselves), so we
    stop it: its thread would read the clock at arbitrary moments."""
    clock = _Clock()
    with mock.patch.object(limits_memory, "time", clock):
        storage = MemoryStorage()
        storage.timer.cancel()
        storage._MemoryStorage__schedule_expiry = lambda: None
        limiter, item = strategy(storage), RateLimitItemPerSecond(amount, seconds)
        admitted = []
        for t in times:
            clock.now = float(t)
            admitted.append(limiter.hit(item, "client"))
    return admitted


def _oracle_streams(count: int):
    """Seeded bursty streams, whole-second windows (limits' granularity), bursts on edges or not."""
    for seed in range(count):
        window, rate = (1, 2)[seed % 2], (3.0, 5.0, 10.0)[seed % 3]
        limit = model.window_limit(rate, window)
        align = float(window) if seed % 4 < 2 else None
        times = model.bursty_arrivals(0.8 * rate, 10, 3, seed, burst_size=3 * limit, align_to=align) + EPOCH
        yield times, rate, window, limit


def test_limits_moving_window_is_the_sliding_log():
    decisions = 0
    for times, rate, window, limit in _oracle_streams(200):
        assert (model.rate_limit(times, algorithm="sliding_log", rate=rate, window=window)
                == _limits_admits(times, MovingWindowRateLimiter, limit, window))
        decisions += len(times)
    assert decisions > 15_000


def test_limits_sliding_window_counter_is_the_sliding_counter():
    """Same aligned windows, same weight (the share of the last w seconds in the previous window), admitted
    requests counted only, and the same threshold: admit if floor(estimate) + 1 <= L, i.e. estimate < L."""
    for times, rate, window, limit in _oracle_streams(200):
        assert (model.rate_limit(times, algorithm="sliding_counter", rate=rate, window=window)
                == _limits_admits(times, SlidingWindowCounterRateLimiter, limit, window))


def test_limits_fixed_window_is_the_aligned_one_once_a_request_opens_each_window():
    """limits' fixed window starts at the first request after the last window expired, ours at multiples
    of w. Add a request at every multiple of w and limits' windows start there too: identical decisions.
    Without those requests the two differ on many streams (the design difference is real)."""
    differing = 0
    for times, rate, window, limit in _oracle_streams(200):
        edges = EPOCH + window * np.arange(0, 10 // window + 2)
        anchored = np.sort(np.concatenate([times, edges]))
        assert (model.rate_limit(anchored, algorithm="fixed_window", rate=rate, window=window)
                == _limits_admits(anchored, FixedWindowRateLimiter, limit, window))
        differing += (model.rate_limit(times, algorithm="fixed_window", rate=rate, window=window)
                      != _limits_admits(times, FixedWindowRateLimiter, limit, window))
    assert differing > 100


def test_limits_moving_window_counts_a_request_exactly_w_ago_ours_does_not():
    """The one place the sliding log and limits' moving window differ: limits counts the window [t - w, t]
    closed, ours (t - w, t], so that a window [s, s + w) holds at most L, as the fixed windows do."""
    times = [EPOCH, EPOCH + 1.0]
    assert model.rate_limit(times, algorithm="sliding_log", rate=1, window=1.0) == [True, True]
    assert _limits_admits(times, MovingWindowRateLimiter, 1, 1) == [True, False]


# --------------------------------------------------------------------------
# The stream and the comparison
# --------------------------------------------------------------------------


def test_bursty_arrivals_is_seeded_poisson_plus_bursts():
    a = model.bursty_arrivals(12, 50, 4, seed=3, burst_size=10)
    assert np.array_equal(a, model.bursty_arrivals(12, 50, 4, seed=3, burst_size=10))
    assert (np.diff(a) >= 0).all() and a.min() >= 0 and a.max() < 50
    counts = [len(model.bursty_arrivals(12, 50, 0, seed=s)) for s in range(400)]
    assert np.mean(counts) == pytest.approx(600, abs=4 * math.sqrt(600 / 400))  # Poisson: mean = variance
    assert np.var(counts) == pytest.approx(600, rel=0.2)


def test_aligned_bursts_straddle_window_edges_and_keep_the_background():
    free = model.bursty_arrivals(3, 10, 3, seed=8, burst_size=40, burst_s=0.2)
    aligned = model.bursty_arrivals(3, 10, 3, seed=8, burst_size=40, burst_s=0.2, align_to=1.0)
    assert len(free) == len(aligned)
    for edge in (2.0, 5.0, 8.0):  # 10 × k/4 rounded to whole seconds: 2.5 -> 2, 5, 7.5 -> 8
        near = aligned[(aligned > edge - 0.1) & (aligned < edge + 0.1)]
        assert len(near) >= 40 and (near < edge).any() and (near >= edge).any()
    background = np.setdiff1d(free, aligned)  # only the bursts moved
    assert len(background) == 3 * 40


def test_compare_counts_what_each_limiter_sends_on():
    times = model.bursty_arrivals(6, 10, 3, seed=2, burst_size=30)
    run = model.compare(times, rate=10, burst=10, window=1.0, duration=10, bin_s=0.1)
    assert run.offered.sum() == len(times) and len(run.offered) == 100
    for limiter in run.runs:
        assert limiter.admitted_count + limiter.rejected_count == len(times)
        assert limiter.counts.sum() == np.sum(limiter.sent < 10)
        # the leaky bucket's departures, 0.1 s apart added up in floats, land a hair early: 1 ns of slack
        assert limiter.largest_in_window == _most_in_a_window(limiter.sent, 1.0, model.TIME_EPS)
    leaky = run.run("leaky_bucket")
    assert leaky.admitted_count == run.run("token_bucket").admitted_count
    assert 0 < leaky.max_delay_s <= 0.9 + 1e-9 and leaky.largest_in_window <= 10
    assert run.run("sliding_log").largest_in_window <= 10 < run.run("fixed_window").largest_in_window


# --------------------------------------------------------------------------
# Per-client limits at the gateway
# --------------------------------------------------------------------------


def test_without_limits_every_client_loses_the_fluid_share():
    """An overloaded server serves capacity/offered of what it is sent, whoever sent it."""
    run = model.noisy_neighbour(clients=4, noisy_factor=10, client_rate=20, capacity=100, queue=20,
                                duration=600, seed=5)
    share = model.fluid_served_share(run.offered_rate, 100)
    assert share == pytest.approx(100 / 260)
    assert run.without.others.share("served") == pytest.approx(share, abs=0.02)
    assert run.without.noisy.share("served") == pytest.approx(share, abs=0.02)
    assert run.without.others.limited == 0
    assert run.without.others.p99_ms <= 20 / 100 * 1_000 + 1e-6  # at most the queue's 20 requests ahead, 10 ms each


def test_per_client_limits_protect_the_others():
    run = model.noisy_neighbour(clients=4, noisy_factor=10, client_rate=20, capacity=100, limit=25, queue=20,
                                duration=600, seed=5)
    limited = run.with_limits
    assert limited.noisy.served <= 25 * 600 + 25  # a token bucket passes at most b + r T
    assert limited.noisy.served == pytest.approx(25 * 600, rel=0.01)
    assert limited.others.share("served") > 0.99 > 0.5 > run.without.others.share("served")
    assert limited.others.p99_ms < run.without.others.p99_ms


def test_limits_above_every_clients_rate_change_nothing_when_all_are_polite():
    run = model.noisy_neighbour(clients=5, noisy_factor=1, client_rate=10, capacity=100, limit=1_000, seed=2)
    assert run.with_limits.clients == run.without.clients
    assert sum(c.sent for c in run.without.clients) == run.without.noisy.sent + run.without.others.sent


# --------------------------------------------------------------------------
# Bad input: a ValueError naming the parameter
# --------------------------------------------------------------------------

OK = {"times": [0.0, 0.5, 1.0]}
BAD_CALLS = [
    ("times", lambda: model.rate_limit([1.0, 0.0], algorithm="token_bucket", rate=1)),
    ("times", lambda: model.rate_limit([0.0, math.nan], algorithm="sliding_log", rate=1)),
    ("times", lambda: model.rate_limit("abc", algorithm="sliding_log", rate=1)),
    ("algorithm", lambda: model.rate_limit(OK["times"], algorithm="gcra", rate=1)),
    ("rate", lambda: model.rate_limit(OK["times"], algorithm="token_bucket", rate=-1)),
    ("burst", lambda: model.rate_limit(OK["times"], algorithm="token_bucket", rate=1, burst=0.5)),
    ("burst", lambda: model.rate_limit(OK["times"], algorithm="fixed_window", rate=1, burst=0)),
    ("window", lambda: model.rate_limit(OK["times"], algorithm="fixed_window", rate=1, window=0)),
    ("rate", lambda: model.rate_limit(OK["times"], algorithm="sliding_counter", rate=0.5, window=1.0)),
    ("burst", lambda: model.rate_limit(OK["times"], algorithm="leaky_bucket", rate=0.5, window=1.0)),
    ("rate", lambda: model.window_limit(math.inf, 1.0)),
    ("window", lambda: model.window_limit(1.0, -1.0)),
    ("rate", lambda: model.leaky_bucket_departures(OK["times"], rate=0)),
    ("times", lambda: model.leaky_bucket_departures([[0.0]], rate=1)),
    ("previous", lambda: model.sliding_estimate(-1, 0, 0, 1)),
    ("current", lambda: model.sliding_estimate(0, -1, 0, 1)),
    ("elapsed", lambda: model.sliding_estimate(0, 0, 1, 1)),
    ("window", lambda: model.sliding_estimate(0, 0, 0, 0)),
    ("rate", lambda: model.bursty_arrivals(-1, 10, 1, 0)),
    ("duration", lambda: model.bursty_arrivals(1, 0, 1, 0)),
    ("bursts", lambda: model.bursty_arrivals(1, 10, -1, 0)),
    ("seed", lambda: model.bursty_arrivals(1, 10, 1, -1)),
    ("burst_size", lambda: model.bursty_arrivals(1, 10, 1, 0, burst_size=1.5)),
    ("burst_s", lambda: model.bursty_arrivals(1, 10, 1, 0, burst_s=11)),
    ("align_to", lambda: model.bursty_arrivals(1, 10, 1, 0, align_to=0)),
    ("rate × duration", lambda: model.bursty_arrivals(1e6, 1e5, 0, 0)),
    ("duration", lambda: model.counts_per_bin([0.1], duration=-1, bin_s=0.1)),
    ("bin_s", lambda: model.counts_per_bin([0.1], duration=1, bin_s=0)),
    ("window", lambda: model.largest_in_window([0.1], 0)),
    ("times", lambda: model.largest_in_window([2.0, 1.0], 1)),
    ("duration", lambda: model.compare(OK["times"], rate=1, duration=0)),
    ("algorithm", lambda: model.compare(OK["times"], rate=1, duration=1).run("gcra")),
    ("what", lambda: model.noisy_neighbour(duration=1).without.noisy.share("dropped")),
    ("offered_rate", lambda: model.fluid_served_share(-1, 1)),
    ("capacity", lambda: model.fluid_served_share(1, 0)),
    ("clients", lambda: model.noisy_neighbour(clients=0)),
    ("noisy_factor", lambda: model.noisy_neighbour(noisy_factor=0.5)),
    ("client_rate", lambda: model.noisy_neighbour(client_rate=0)),
    ("capacity", lambda: model.noisy_neighbour(capacity=-5)),
    ("limit", lambda: model.noisy_neighbour(limit=0)),
    ("queue", lambda: model.noisy_neighbour(queue=0)),
    ("duration", lambda: model.noisy_neighbour(duration=math.nan)),
    ("seed", lambda: model.noisy_neighbour(seed=-1)),
    ("requests", lambda: model.noisy_neighbour(client_rate=1e5, duration=1e5)),
]


@pytest.mark.parametrize("name, call", BAD_CALLS, ids=[f"{i}-{name}" for i, (name, _) in enumerate(BAD_CALLS)])
def test_bad_input_names_the_parameter(name, call):
    with pytest.raises(ValueError, match=name):
        call()


def test_topic_exports_the_model_and_the_views():
    assert rate_limiting.rate_limit is model.rate_limit
    assert set(rate_limiting.VIEWS) <= set(dir(rate_limiting))
    assert not set(rate_limiting.VIEWS) & set(dir(model))
