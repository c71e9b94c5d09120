"""Tests of widgets.replication: closed forms, hypothesis properties, simpy and an event-by-event
version-vector simulation as independent oracles.

References for what is checked here:
* Kleppmann (2017), "Designing Data-Intensive Applications", ch. 5: the definitions of
  read-your-writes and monotonic reads ("Problems with Replication Lag"), of synchronous,
  asynchronous and semi-synchronous replication and failover's lost writes ("Leaders and
  Followers", "Handling Node Outages"), of concurrent writes, last write wins and version vectors
  ("Detecting Concurrent Writes").
* Little (1961), "A Proof for the Queuing Formula: L = lambda W", Operations Research 9(3): the writes in
  flight to a follower are the write rate times the mean time in flight.
* The probability generating functional of a Poisson process, E[prod f(x_i)] = exp(-lambda integral
  (1 - f)), e.g. Kingman (1993), "Poisson Processes", section 3.2, which gives the lag's distribution
  under in-order logs.
No published table gives these numbers for a given seed; the oracles and closed forms stand in.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
import simpy
from hypothesis import given, settings
from hypothesis import strategies as st

from widgets import consistency, replication
from widgets.replication import model

# --------------------------------------------------------------------------
# The replication stream: in-order logs and their lag
# --------------------------------------------------------------------------


def test_held_times_is_the_running_maximum_written_out():
    times, delays = [0.0, 1.0, 2.0, 3.0], [5.0, 1.0, 0.5, 4.0]
    expected, latest = [], -math.inf
    for t, x in zip(times, delays):
        latest = max(latest, t + x)
        expected.append(latest)
    assert replication.held_times(times, delays).tolist() == expected


def _lags(rate: float, mean: float, n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    times = np.cumsum(rng.exponential(1_000 / rate, n))
    return (replication.held_times(times, rng.exponential(mean, n)) - times)[n // 10:]


@pytest.mark.parametrize("rate, mean", [(1_000, 2.0), (100, 10.0), (10, 50.0)])
def test_lag_cdf_matches_a_long_simulated_stream(rate, mean):
    lags = _lags(rate, mean, 200_000, seed=7)
    for s in (0.5 * mean, mean, 2 * mean, 5 * mean):
        assert np.mean(lags <= s) == pytest.approx(replication.lag_cdf(s, write_rate=rate, mean_delay_ms=mean),
                                                   abs=0.01)
    assert lags.mean() == pytest.approx(replication.mean_lag(rate, mean), rel=0.02)


@settings(max_examples=40)
@given(rate=st.floats(0.01, 5_000), mean=st.floats(0.1, 500))
def test_mean_lag_is_the_integral_of_the_tail(rate, mean):
    """E[D] = integral of P(D > s) ds, by quadrature, against the Ein closed form."""
    a = rate / 1_000 * mean
    s = np.concatenate([[0.0], np.geomspace(mean * 1e-7, mean * (60 + math.log1p(a)), 200_001)])
    tail = 1 - replication.lag_cdf(s, write_rate=rate, mean_delay_ms=mean)
    assert replication.mean_lag(rate, mean) == pytest.approx(float(np.trapezoid(tail, s)), rel=1e-5)
    assert replication.mean_lag(rate, mean) >= mean  # in-order logs only ever wait longer


def test_mean_lag_small_rate_limit_and_littles_law():
    """a = lambda m small: E[D] = m (1 + a/2 + O(a^2)); lost writes = rate x mean lag."""
    for a in (1e-4, 1e-3):
        rate, mean = a / 10.0 * 1_000, 10.0
        assert replication.mean_lag(rate, mean) == pytest.approx(mean * (1 + a / 2), rel=a)
    assert replication.expected_lost_writes(500, 4.0) == pytest.approx(0.5 * replication.mean_lag(500, 4.0))


def test_one_write_is_chapter_3s_lagging_replicas():
    """With rare writes the lag is exponential: the share of chapter 3's followers holding its one write."""
    times = (25, 50, 100, 200)
    reads = consistency.replica_reads(1_000, times, mean_lag_ms=100.0, seed=3)
    for t, row in zip(times, reads.sees_new):
        share = np.mean(row[1:])  # followers only
        p = replication.lag_cdf(t, write_rate=1e-9, mean_delay_ms=100.0)
        assert share == pytest.approx(p, abs=4 * math.sqrt(p * (1 - p) / 999))


@settings(max_examples=40)
@given(followers=st.integers(1, 5), s=st.floats(0.01, 50), mean=st.floats(0.5, 20))
def test_ack_cdf_rare_writes_is_min_and_max_of_exponentials(followers, s, mean):
    delays = (mean,) * followers
    x = math.exp(-s / mean)
    sync = replication.ack_cdf(s, write_rate=1e-9, delays_ms=delays, mode="synchronous")
    semi = replication.ack_cdf(s, write_rate=1e-9, delays_ms=delays, mode="semi-synchronous")
    assert sync == pytest.approx((1 - x) ** followers, abs=1e-9)
    assert semi == pytest.approx(1 - x**followers, abs=1e-9)
    assert replication.ack_cdf(s, write_rate=1e-9, delays_ms=delays, mode="asynchronous") == 1.0


@settings(max_examples=30)
@given(rate=st.floats(1, 3_000), delays=st.lists(st.sampled_from([1.0, 2.0, 5.0, 30.0]), min_size=1, max_size=4),
       s=st.floats(0.1, 100))
def test_ack_cdf_one_follower_and_ordering(rate, delays, s):
    """One follower: both modes are its lag; semi-sync is acknowledged no later than sync."""
    one = replication.lag_cdf(s, write_rate=rate, mean_delay_ms=delays[0])
    for mode in ("synchronous", "semi-synchronous"):
        assert replication.ack_cdf(s, write_rate=rate, delays_ms=delays[:1], mode=mode) == pytest.approx(one, abs=1e-9)
    semi = replication.ack_cdf(s, write_rate=rate, delays_ms=delays, mode="semi-synchronous")
    sync = replication.ack_cdf(s, write_rate=rate, delays_ms=delays, mode="synchronous")
    assert -1e-9 <= sync <= semi + 1e-9 <= 1 + 2e-9


def test_ack_cdf_inclusion_exclusion_against_the_joint_simulation():
    """Followers' lags share the past writes: the exact joint law, not the product of marginals, fits."""
    rng = np.random.default_rng(11)
    rate, delays, n = 1_000.0, (2.0, 2.0, 10.0), 200_000
    times = np.cumsum(rng.exponential(1_000 / rate, n))
    lags = (replication.held_times(times, rng.exponential(delays, (n, 3))) - times[:, None])[n // 10:]
    for s in (1.0, 3.0, 10.0, 30.0):
        assert np.mean(lags.min(axis=1) <= s) == pytest.approx(
            replication.ack_cdf(s, write_rate=rate, delays_ms=delays, mode="semi-synchronous"), abs=0.01)
        assert np.mean(lags.max(axis=1) <= s) == pytest.approx(
            replication.ack_cdf(s, write_rate=rate, delays_ms=delays, mode="synchronous"), abs=0.01)


# --------------------------------------------------------------------------
# Failover
# --------------------------------------------------------------------------


@pytest.mark.parametrize("promote", model.PROMOTIONS)
@pytest.mark.parametrize("delays", [(2.0, 2.0, 2.0), (2.0, 2.0, 30.0), (5.0,)])
def test_failover_matches_its_closed_forms(promote, delays):
    run = replication.failover_losses(1_000, delays, promote=promote, writes=200_000, crashes=50_000, seed=5)
    for r in run.results:
        assert r.lost_mean == pytest.approx(r.expected_lost, rel=0.05, abs=0.02), r.mode
        assert r.ack_p50_ms == pytest.approx(r.expected_p50_ms, rel=0.05, abs=1e-9), r.mode
        assert r.ack_p99_ms == pytest.approx(r.expected_p99_ms, rel=0.06, abs=1e-9), r.mode


@settings(max_examples=25)
@given(rate=st.floats(10, 3_000), delays=st.lists(st.floats(0.5, 50), min_size=1, max_size=4),
       seed=st.integers(0, 1_000), designated=st.booleans())
def test_failover_guarantees(rate, delays, seed, designated):
    """Sync never loses an acknowledged write; nor does semi-sync when the most up-to-date is promoted;
    promoting the most up-to-date never loses more than a designated standby."""
    promote = "designated" if designated else "most up-to-date"
    run = replication.failover_losses(rate, delays, promote=promote, writes=3_000, crashes=300, seed=seed)
    other = replication.failover_losses(rate, delays, promote="most up-to-date", writes=3_000, crashes=300, seed=seed)
    sync, semi, asynchronous = run.result("synchronous"), run.result("semi-synchronous"), run.result("asynchronous")
    assert sync.lost_max == 0
    assert semi.lost_mean <= asynchronous.lost_mean
    if not designated:
        assert semi.lost_max == 0
    assert other.result("asynchronous").lost_mean <= asynchronous.lost_mean
    assert asynchronous.ack_p99_ms == 0 <= semi.ack_p50_ms <= sync.ack_p50_ms


def test_a_follower_down_blocks_synchronous_writes_only():
    run = replication.failover_losses(1_000, (2.0, 2.0, 2.0), down=1)
    assert run.result("synchronous").blocked and math.isinf(run.result("synchronous").ack_p50_ms)
    assert not run.result("semi-synchronous").blocked and math.isfinite(run.result("semi-synchronous").ack_p99_ms)
    # The down follower holds nothing: the same losses as with two followers only.
    two = replication.failover_losses(1_000, (2.0, 2.0), seed=0)
    assert run.result("asynchronous").expected_lost == pytest.approx(two.result("asynchronous").expected_lost)


def _simpy_positions(times: np.ndarray, delays: np.ndarray, checks: np.ndarray) -> np.ndarray:
    """A follower's log position at each check time, simulated message by message in simpy.

    The leader sends each write as it commits; each message travels its own delay; the follower
    buffers messages that overtake an earlier one and applies its log strictly in order.
    """
    env = simpy.Environment()
    state = {"applied": 0, "buffer": set()}
    seen = []

    def deliver(k: int, commit: float, delay: float):
        yield env.timeout(commit + delay - env.now)
        state["buffer"].add(k)
        while state["applied"] in state["buffer"]:
            state["buffer"].remove(state["applied"])
            state["applied"] += 1

    def leader():
        for k, (commit, delay) in enumerate(zip(times, delays)):
            yield env.timeout(commit - env.now)
            env.process(deliver(k, commit, delay))

    def monitor():
        for at in checks:
            yield env.timeout(at - env.now)
            seen.append(state["applied"])

    env.process(leader())
    env.process(monitor())
    env.run()
    return np.asarray(seen)


def test_simpy_follower_agrees_exactly_with_held_times():
    rng = np.random.default_rng(2)
    times = np.cumsum(rng.exponential(1.0, 3_000))  # 1,000 writes/s
    delays = rng.exponential(4.0, 3_000)
    checks = np.sort(rng.uniform(300, times[-1], 500)) + 1e-7  # never exactly on an arrival
    held = replication.held_times(times, delays)
    assert _simpy_positions(times, delays, checks).tolist() == np.searchsorted(held, checks, side="right").tolist()


def test_simpy_async_failover_loss_obeys_littles_law():
    """An independent stream (simpy's own draws): writes committed minus writes the follower holds."""
    rng = np.random.default_rng(9)
    rate, mean, n = 500.0, 6.0, 60_000
    times = np.cumsum(rng.exponential(1_000 / rate, n))
    checks = np.sort(rng.uniform(times[n // 10], times[-1], 4_000)) + 1e-7
    applied = _simpy_positions(times, rng.exponential(mean, n), checks)
    lost = np.searchsorted(times, checks, side="right") - applied
    assert lost.mean() == pytest.approx(replication.expected_lost_writes(rate, mean), rel=0.06)


# --------------------------------------------------------------------------
# Read routing
# --------------------------------------------------------------------------

routing_inputs = dict(
    users=st.integers(1, 60), followers=st.integers(1, 5), think_ms=st.floats(20, 2_000),
    write_share=st.floats(0, 1), mean_delay_ms=st.floats(0.5, 500), window_ms=st.floats(0, 2_000),
    seed=st.integers(0, 10_000),
)


@settings(max_examples=40)
@given(**routing_inputs)
def test_routing_guarantees(users, followers, think_ms, write_share, mean_delay_ms, window_ms, seed):
    r = replication.route_reads(users, followers, events=600, think_ms=think_ms, write_share=write_share,
                                 mean_delay_ms=mean_delay_ms, window_ms=window_ms, seed=seed)
    leader, caught_up = r.outcome("always the leader"), r.outcome("caught-up replica")
    assert (leader.read_your_writes_violations, leader.monotonic_read_violations, leader.stale_reads) == (0, 0, 0)
    assert leader.leader_share == (1.0 if r.reads else 0.0)
    assert (caught_up.read_your_writes_violations, caught_up.monotonic_read_violations) == (0, 0)
    assert r.outcome("sticky replica").monotonic_read_violations == 0
    for policy in ("any replica", "sticky replica"):
        assert r.outcome(policy).leader_reads == 0
    for o in r.outcomes:
        assert o.read_your_writes_violations <= o.reads_after_own_write <= o.reads == r.reads
        assert o.read_your_writes_violations <= o.stale_reads  # missing one's own write is being behind
    assert r.writes + r.reads == r.events


@settings(max_examples=25)
@given(**routing_inputs)
def test_a_longer_leader_window_never_adds_read_your_writes_violations(users, followers, think_ms, write_share,
                                                                      mean_delay_ms, window_ms, seed):
    args = dict(events=600, think_ms=think_ms, write_share=write_share, mean_delay_ms=mean_delay_ms, seed=seed)
    short = replication.route_reads(users, followers, window_ms=window_ms, **args).outcome("leader after own write")
    long = replication.route_reads(users, followers, window_ms=window_ms * 2 + 1, **args)
    assert long.outcome("leader after own write").read_your_writes_violations <= short.read_your_writes_violations
    forever = replication.route_reads(users, followers, window_ms=1e9, **args).outcome("leader after own write")
    assert forever.read_your_writes_violations == 0


def _routing_by_hand(users, followers, *, events, think_ms, write_share, mean_delay_ms, window_ms, seed):
    """The same stream and draws, each read judged one at a time in plain Python."""
    rng = np.random.default_rng(seed)
    times = np.cumsum(rng.exponential(think_ms / users, events))
    who = rng.integers(0, users, events)
    is_write = rng.random(events) < write_share
    delays = rng.exponential(mean_delay_ms, (int(is_write.sum()), followers))
    pinned = rng.integers(0, followers, users)
    drawn = rng.integers(0, followers, events)
    write_times = times[is_write]
    arrivals = write_times[:, None] + delays
    counts = {p: [0, 0, 0] for p in model.ROUTING_POLICIES}
    last_write, last_write_time, best_seen, last_read_leader = {}, {}, {}, {}
    leader_log = 0

    def position(replica, t):
        if replica < 0:
            return leader_log
        held = 0  # in order: write k is held once it and every earlier write have arrived
        while held < len(write_times) and write_times[held] <= t and arrivals[: held + 1, replica].max() <= t:
            held += 1
        return held

    for i in range(events):
        t, u = times[i], who[i]
        if is_write[i]:
            leader_log += 1
            last_write[u], last_write_time[u] = leader_log, t
            continue
        own = last_write.get(u, 0)
        token = max(own, last_read_leader.get(u, 0))
        f = int(drawn[i])
        routes = {
            "any replica": f,
            "leader after own write": -1 if t - last_write_time.get(u, -math.inf) < window_ms else f,
            "sticky replica": int(pinned[u]),
            "caught-up replica": f if position(f, t) >= token else -1,
            "always the leader": -1,
        }
        for policy, replica in routes.items():
            p = position(replica, t)
            counts[policy][0] += p < own
            counts[policy][1] += p < best_seen.get((policy, u), -1)
            counts[policy][2] += replica < 0
            best_seen[(policy, u)] = max(best_seen.get((policy, u), -1), p)
        last_read_leader[u] = leader_log
    return counts


@pytest.mark.parametrize("seed, window", [(0, 1_000.0), (1, 50.0), (2, 300.0)])
def test_read_routing_against_a_read_by_read_loop(seed, window):
    args = dict(events=700, think_ms=300.0, write_share=0.3, mean_delay_ms=80.0, window_ms=window, seed=seed)
    r = replication.route_reads(12, 3, **args)
    by_hand = _routing_by_hand(12, 3, **args)
    for o in r.outcomes:
        assert [o.read_your_writes_violations, o.monotonic_read_violations, o.leader_reads] == by_hand[o.policy]


def test_same_stream_for_every_policy_and_seeded():
    a = replication.route_reads(seed=4)
    assert a == replication.route_reads(seed=4) != replication.route_reads(seed=5)
    assert len({o.reads for o in a.outcomes}) == 1
    assert a.mean_lag_ms == pytest.approx(a.expected_mean_lag_ms, rel=0.15)


# --------------------------------------------------------------------------
# Multi-leader
# --------------------------------------------------------------------------


def _replay(a: list[float], b: list[float], d: float, skew: float):
    """Two replicas, event by event: local writes and replicated arrivals in time order.

    Last-writer-wins: each replica keeps the value (a set of update ids) with the highest stamp.
    Version vectors: each replica keeps every sibling no other dominates; a write records the
    vector it saw. Returns the LWW survivors and the writes that ever stood as siblings.
    """
    events = []  # (time, order, kind, leader, id)
    for leader, times in ((0, a), (1, b)):
        for k, t in enumerate(times):
            wid = (leader, k)
            events.append((t, 1, "write", leader, wid))
            events.append((t + d, 0, "arrive", 1 - leader, wid))  # an arrival at the same instant comes first
    events.sort(key=lambda e: (e[0], e[1]))
    lww = [(-math.inf, frozenset()), (-math.inf, frozenset())]
    siblings = [[], []]  # per replica: list of (vector, id)
    made = {}
    ever_sibling = set()
    for t, _, kind, replica, wid in events:
        if kind == "write":
            stamp = t + (skew if replica == 1 else 0.0)
            value = (stamp, lww[replica][1] | {wid})
            made[wid] = value
            if stamp > lww[replica][0]:
                lww[replica] = value
            vector = [0, 0]
            for seen_vector, _ in siblings[replica]:
                vector = [max(x, y) for x, y in zip(vector, seen_vector)]
            vector[replica] += 1
            siblings[replica] = [((*vector,), wid)]
            made[("vv", wid)] = (*vector,)
        else:
            if made[wid][0] > lww[replica][0]:
                lww[replica] = made[wid]
            incoming = made[("vv", wid)]
            if any(all(x >= y for x, y in zip(v, incoming)) for v, _ in siblings[replica]):
                continue  # already superseded
            kept = [(v, w) for v, w in siblings[replica] if not all(y >= x for x, y in zip(v, incoming))]
            kept.append((incoming, wid))
            if len(kept) > 1:
                ever_sibling.update(w for _, w in kept)
            siblings[replica] = kept
    assert lww[0] == lww[1]  # both replicas converge
    return lww[0][1], ever_sibling


@settings(max_examples=60)
@given(a=st.lists(st.floats(0, 1_000), max_size=15, unique=True), b=st.lists(st.floats(0, 1_000), max_size=15,
       unique=True), d=st.floats(0.5, 300), skew=st.sampled_from([0.0, 40.0, -25.0]))
def test_lww_survivors_against_an_event_by_event_replay(a, b, d, skew):
    a, b = sorted(a), sorted(b)
    stamps = [*a, *(t + skew for t in b)]
    if len(set(stamps)) < len(stamps) or any(abs(x - y - d) < 1e-9 for x in a for y in b) or \
            any(abs(y - x - d) < 1e-9 for x in a for y in b):
        return  # ties in stamps or at the delay have no defined winner
    kept_a, kept_b = replication.lww_survivors(a, b, d, skew)
    survivors, ever_sibling = _replay(a, b, d, skew)
    assert {(0, k) for k in np.flatnonzero(kept_a)} | {(1, k) for k in np.flatnonzero(kept_b)} == set(survivors)
    concurrent = {(0, i) for i, x in enumerate(a) for y in b if abs(x - y) < d} | \
                 {(1, j) for j, y in enumerate(b) for x in a if abs(x - y) < d}
    # Version vectors keep every concurrent write as a sibling; their keepers may also be later writes
    # that saw only part of a conflict, so the siblings contain the concurrent ones.
    assert concurrent <= ever_sibling
    # Last-writer-wins keeps at most one of every concurrent pair.
    for i, x in enumerate(a):
        for j, y in enumerate(b):
            if abs(x - y) < d:
                assert not (kept_a[i] and kept_b[j])
    if skew == 0:
        assert {(0, k) for k in np.flatnonzero(~kept_a)} | {(1, k) for k in np.flatnonzero(~kept_b)} <= concurrent


@pytest.mark.parametrize("rates, delay", [((1.0, 1.0), 100.0), ((5.0, 1.0), 300.0), ((0.2, 2.0), 30.0)])
def test_conflict_share_matches_its_closed_form(rates, delay):
    m = replication.two_leader_conflicts(*rates, delay, writes=100_000, seed=3)
    assert m.conflict_share == pytest.approx(m.expected_conflict_share, abs=0.006)
    assert m.unseen_overwritten / m.writes == pytest.approx(m.expected_unseen_overwrite_share, abs=0.006)


def test_conflict_probability_definition():
    """P(some write of the other leader within d either side) for a Poisson stream: 1 - e^(-2 lambda d)."""
    assert replication.conflict_probability(3, 2, 100) == pytest.approx(1 - math.exp(-2 * 0.002 * 100))
    assert replication.conflict_probability(3, 2, 0) == 0


@settings(max_examples=30)
@given(ra=st.floats(0.1, 10), rb=st.floats(0.1, 10), d=st.floats(0, 1_000), skew=st.floats(-500, 500),
       seed=st.integers(0, 1_000))
def test_multi_leader_bounds(ra, rb, d, skew, seed):
    m = replication.two_leader_conflicts(ra, rb, d, skew_ms=skew, writes=800, seed=seed)
    assert m.lww_lost <= m.unseen_overwritten <= m.writes
    assert 2 * m.lww_lost >= 0 and m.conflicting <= 2 * m.concurrent_pairs
    if skew == 0:
        assert m.lww_lost <= m.conflicting


def test_clock_skew_makes_the_fast_clock_win():
    """B's clock 100 ms ahead of a 100 ms delay: B's writes never lose, A's lose over a 200 ms window."""
    m = replication.two_leader_conflicts(1, 1, 100, skew_ms=100, writes=20_000, seed=2)
    assert m.lww_lost_b == 0 and m.lww_lost_a > 0
    assert replication.unseen_overwrite_probability(1, 1, 100, -100) == 0
    assert replication.unseen_overwrite_probability(1, 1, 100, 100) == pytest.approx(1 - math.exp(-0.2))


# --------------------------------------------------------------------------
# Input checks
# --------------------------------------------------------------------------


@pytest.mark.parametrize("call, message", [
    (lambda: replication.route_reads(0), "users must be an integer in [1, 100000], got 0"),
    (lambda: replication.route_reads(window_ms=-1.0), "window_ms must be a number in [0, 1e9], got -1.0"),
    (lambda: replication.route_reads(write_share=2), "write_share must be a number in [0, 1], got 2"),
    (lambda: replication.failover_losses(delays_ms=(2.0, -1.0)), "delays_ms[1] must be a number in (0, 1e9], got -1.0"),
    (lambda: replication.failover_losses(delays_ms=(2.0, 2.0), down=2), "down must be an integer in [0, 1], got 2"),
    (lambda: replication.failover_losses(promote="oldest"), "promote must be one of 'most up-to-date', 'designated'"),
    (lambda: replication.failover_losses(write_rate=0), "write_rate must be a number in (0, 1e6], got 0"),
    (lambda: replication.two_leader_conflicts(skew_ms=-2e9), "skew_ms must be a number in [-1e9, 1e9], got -2000000000.0"),
    (lambda: replication.held_times([1.0, 0.0], [1.0, 1.0]), "write_times_ms must be a non-decreasing"),
    (lambda: replication.ack_cdf(1.0, write_rate=1, delays_ms=tuple(range(1, 12)), mode="synchronous"),
     "delays_ms must form at most 1,024 subsets"),
])
def test_bad_input_names_the_parameter(call, message):
    with pytest.raises(ValueError) as error:
        call()
    assert message in str(error.value)


def test_subset_enumeration_counts_every_subset():
    groups = model._groups((1.0, 1.0, 2.0, 5.0, 5.0, 5.0))
    subsets = model._subsets(groups)
    assert sum(mult for mult, _, _ in subsets) == 2**6 - 1
    assert all(itertools.starmap(lambda mult, rate, taken: rate > 0, subsets))
