"""Tests of widgets.sessions: the closed forms written out again, hypothesis properties, and the seeded
host-loss simulation against its closed forms within binomial bounds.

References for what is checked here:
* Apache Tomcat, "Clustering/Session Replication How-To" and "The ClusterManager object": the
  DeltaManager replicates session deltas to all the other nodes ("all-to-all"; fine for small clusters,
  not recommended for large ones), the BackupManager to one backup node.
* Dean (2009), "Designs, Lessons and Advice from Building Large Distributed Systems" (LADIS keynote):
  a main memory reference 100 ns, a round trip within a data centre 500 us.
* Redis documentation, "Diagnosing latency issues": the typical latency of a 1 Gbit/s network is about 200 us.
No published table gives these counts for a given seed; the closed forms stand in.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from widgets import sessions
from widgets.sessions import model


@settings(max_examples=60)
@given(hosts=st.integers(2, 500), s=st.integers(0, 10**7), kb=st.floats(0.1, 1_000), w=st.floats(0, 10**6),
       rtt=st.floats(0, 50), local=st.floats(0, 0.01), backups=st.one_of(st.just("all"), st.integers(1, 3)))
def test_compare_setups_written_out(hosts, s, kb, w, rtt, local, backups):
    peers = backups if backups == "all" else min(backups, hosts - 1)
    k = hosts - 1 if peers == "all" else peers
    sticky, replicated, store = sessions.compare_setups(hosts, s, session_kb=kb, writes_per_second=w,
                                                       store_rtt_ms=rtt, memory_latency_ms=local, peers=peers)
    assert [c.setup for c in (sticky, replicated, store)] == list(sessions.SETUPS)
    assert sticky.sessions_lost == pytest.approx(s / hosts) and replicated.sessions_lost == store.sessions_lost == 0
    bytes_per_second = w * kb * 1_000
    assert sticky.traffic_mb_s == 0
    assert replicated.traffic_mb_s == pytest.approx(bytes_per_second * k / 1e6)
    assert store.traffic_mb_s == pytest.approx(bytes_per_second / 1e6)
    assert replicated.received_per_host_mb_s * hosts == pytest.approx(replicated.traffic_mb_s)
    assert sticky.latency_added_ms == replicated.latency_added_ms == local and store.latency_added_ms == rtt
    # Every session is held k + 1 times (sticky: once) across the hosts; the store holds each once.
    total_bytes = s * kb * 1_000
    assert sticky.memory_per_host_mb * hosts == pytest.approx(total_bytes / 1e6)
    assert replicated.memory_per_host_mb * hosts == pytest.approx(total_bytes * (k + 1) / 1e6)
    assert store.memory_per_host_mb == 0 and store.store_memory_mb == pytest.approx(total_bytes / 1e6)


@settings(max_examples=40)
@given(small=st.integers(2, 50), extra=st.integers(1, 200), w=st.floats(1, 10**5), kb=st.floats(0.1, 100))
def test_all_to_all_traffic_grows_with_the_fleet_and_one_backup_does_not(small, extra, w, kb):
    """Tomcat's DeltaManager sends each write to all the other nodes, its BackupManager to one."""
    def replicated(n: int, peers):
        return sessions.compare_setups(n, 1_000, session_kb=kb, writes_per_second=w, peers=peers)[1]

    large = small + extra
    assert replicated(large, "all").traffic_mb_s / replicated(small, "all").traffic_mb_s == pytest.approx(
        (large - 1) / (small - 1))
    assert replicated(large, 1).traffic_mb_s == pytest.approx(replicated(small, 1).traffic_mb_s)
    # Each host receives about the whole fleet's writes with all-to-all, whatever the fleet's size.
    assert replicated(large, "all").received_per_host_mb_s == pytest.approx(w * kb / 1_000 * (large - 1) / large)
    assert [sessions.copies_per_write(s, large) for s in sessions.SETUPS] == [0, large - 1, 1]
    assert sessions.copies_per_write("replicated", large, peers=1) == 1


def test_deans_numbers_put_the_store_thousands_of_times_further_than_memory():
    """Dean (2009): 500 us a round trip in a data centre against 100 ns a memory reference, 5,000 times;
    Redis's documentation gives about 200 us on a 1 Gbit/s network, still 2,000 times."""
    sticky, _, store = sessions.compare_setups(10, 1_000, session_kb=1, writes_per_second=1)
    assert store.latency_added_ms / sticky.latency_added_ms == pytest.approx(5_000)
    redis = sessions.compare_setups(10, 1_000, session_kb=1, writes_per_second=1, store_rtt_ms=0.2)[2]
    assert redis.latency_added_ms / sticky.latency_added_ms == pytest.approx(2_000)


def _within(count: int, n: int, p: float, sigmas: float = 5.0) -> bool:
    """A binomial count within ``sigmas`` standard deviations of n p, and one count of slack."""
    return abs(count - n * p) <= sigmas * math.sqrt(max(n * p * (1 - p), 0.0)) + 1


@settings(max_examples=60)
@given(hosts=st.integers(2, 200), s=st.integers(0, 200_000), rate=st.floats(0, 2), crash=st.floats(0, 300),
       window=st.floats(0, 300), seed=st.integers(0, 10**6))
def test_simulated_host_loss_within_binomial_bounds(hosts, s, rate, crash, window, seed):
    """Sessions on the dead host: Binomial(S, 1/N). Users forced to log in: Binomial(S, (1 - e^(-r t)) / N).
    Their re-routed requests: a Poisson mixture with mean S r t / N (checked within five of its
    standard deviations, S r t (1 + r t) / N)."""
    run = sessions.simulate_host_loss(hosts, s, request_rate=rate, crash_at_s=crash, horizon_s=crash + window + 1e-3,
                                      seed=seed)
    t = run.horizon_s - run.crash_at_s
    q = -math.expm1(-rate * t)
    assert _within(run.on_dead_host, s, 1 / hosts)
    assert _within(run.returned, s, q / hosts)
    mean = s * rate * t / hosts
    assert abs(run.rerouted_requests - mean) <= 5 * math.sqrt(mean * (1 + rate * t)) + 1
    assert abs(run.requests - s * rate * run.horizon_s) <= 5 * math.sqrt(s * rate * run.horizon_s) + 1
    assert run.returned <= run.on_dead_host and run.returned <= run.rerouted_requests
    assert run.expected_on_dead_host == pytest.approx(s / hosts)
    assert run.expected_returned == pytest.approx(s / hosts * q)
    assert sessions.expected_forced_logins(hosts, s, rate, t) == pytest.approx(s / hosts * (1 - math.exp(-rate * t)))


def test_sticky_loses_s_over_n_on_average_over_seeds():
    """Over 400 seeds the mean of sessions lost is S/N to within five standard errors."""
    hosts, s = 8, 20_000
    lost = np.array([sessions.simulate_host_loss(hosts, s, request_rate=0.05, seed=seed).sessions_lost("sticky")
                     for seed in range(400)])
    assert abs(lost.mean() - s / hosts) <= 5 * math.sqrt(s * (1 / hosts) * (1 - 1 / hosts) / 400)
    assert lost.std() == pytest.approx(math.sqrt(s / hosts * (1 - 1 / hosts)), rel=0.15)


def test_only_sticky_sessions_die_with_their_host():
    run = sessions.simulate_host_loss(5, 50_000, request_rate=0.1, seed=3)
    assert run.sessions_lost("sticky") == run.on_dead_host > 0 and run.forced_logins("sticky") == run.returned > 0
    for setup in ("replicated", "external store"):
        assert run.sessions_lost(setup) == run.forced_logins(setup) == 0


def test_nobody_comes_back_when_nobody_asks():
    quiet = sessions.simulate_host_loss(4, 10_000, request_rate=0.0, seed=1)
    assert quiet.returned == quiet.rerouted_requests == quiet.requests == 0 and quiet.on_dead_host > 0
    at_the_end = sessions.simulate_host_loss(4, 10_000, request_rate=1.0, crash_at_s=120.0, horizon_s=120.0, seed=1)
    assert at_the_end.returned == 0 and at_the_end.requests > 0
    busy = sessions.simulate_host_loss(4, 10_000, request_rate=10.0, seed=1)
    assert busy.returned == busy.on_dead_host  # everyone asks again within the minute


def test_same_seed_same_run():
    one = sessions.simulate_host_loss(7, 30_000, request_rate=0.2, seed=9)
    assert one == sessions.simulate_host_loss(7, 30_000, request_rate=0.2, seed=9)
    assert one != sessions.simulate_host_loss(7, 30_000, request_rate=0.2, seed=10)


GOOD = {"session_kb": 2.0, "writes_per_second": 100.0}
BAD = [
    (sessions.compare_setups, (1, 100), GOOD, "hosts"),
    (sessions.compare_setups, (4.0, 100), GOOD, "hosts"),
    (sessions.compare_setups, (4, -1), GOOD, "sessions"),
    (sessions.compare_setups, (4, 100), {**GOOD, "session_kb": 0}, "session_kb"),
    (sessions.compare_setups, (4, 100), {**GOOD, "writes_per_second": -1.0}, "writes_per_second"),
    (sessions.compare_setups, (4, 100), {**GOOD, "store_rtt_ms": -1.0}, "store_rtt_ms"),
    (sessions.compare_setups, (4, 100), {**GOOD, "memory_latency_ms": math.nan}, "memory_latency_ms"),
    (sessions.compare_setups, (4, 100), {**GOOD, "peers": 4}, "peers"),
    (sessions.compare_setups, (4, 100), {**GOOD, "peers": "some"}, "peers"),
    (sessions.compare_setups, (4, 100), {**GOOD, "peers": True}, "peers"),
    (sessions.copies_per_write, ("cookie", 4), {}, "setup"),
    (sessions.copies_per_write, ("replicated", 0), {}, "hosts"),
    (sessions.expected_forced_logins, (4, 100, -0.1, 60.0), {}, "request_rate"),
    (sessions.expected_forced_logins, (4, 100, 0.1, -1.0), {}, "window_s"),
    (sessions.simulate_host_loss, (4, model.MAX_SIMULATED_SESSIONS + 1), {"request_rate": 0.1}, "sessions"),
    (sessions.simulate_host_loss, (4, 100), {"request_rate": math.inf}, "request_rate"),
    (sessions.simulate_host_loss, (4, 100), {"request_rate": 0.1, "horizon_s": 0.0}, "horizon_s"),
    (sessions.simulate_host_loss, (4, 100), {"request_rate": 0.1, "crash_at_s": 200.0}, "crash_at_s"),
    (sessions.simulate_host_loss, (4, 100), {"request_rate": 0.1, "seed": -1}, "seed"),
    (sessions.simulate_host_loss(4, 100, request_rate=0.1).sessions_lost, ("cookie",), {}, "setup"),
]


@pytest.mark.parametrize("function, args, kwargs, name", BAD, ids=lambda x: getattr(x, "__name__", None))
def test_bad_input_names_the_parameter(function, args, kwargs, name):
    with pytest.raises(ValueError, match=rf"^{name} must be"):
        function(*args, **kwargs)
