"""Tests of widgets.consistency's model: quorums, PBS staleness, WARS, gossip, the techniques, leases, reads.

References for what is checked here:
* Bailis, Venkataraman, Franklin, Hellerstein & Stoica (2012), "Probabilistically Bounded Staleness for
  Practical Partial Quorums", PVLDB 5(8): p_s = C(N-W, R) / C(N, R), N = 3, R = W = 1 -> 2/3;
  k-staleness 1 - p_s^k; the WARS model of t-visibility.
* Frieze & Grimmett (1985), "The shortest-path problem for graphs with random arc-lengths", Discrete
  Applied Mathematics 10(1), and Pittel (1987), "On spreading a rumor", SIAM J. Appl. Math. 47(1):
  push gossip on a complete graph takes log2 n + ln n + O(1) rounds.
* Karp, Schindelhauer, Shenker & Vöcking (2000), "Randomized rumor spreading", FOCS: push-pull is faster.
* Kleppmann (2016), "How to do distributed locking" (fencing tokens 33 and 34), and Kleppmann (2017),
  "Designing Data-Intensive Applications", ch. 8 (leases, fencing) and ch. 5 (session guarantees).
"""

from __future__ import annotations

import itertools
import math
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from widgets import consistency
from widgets.consistency import model

# --------------------------------------------------------------------------
# Quorums: published figure, brute force over every quorum pair
# --------------------------------------------------------------------------


def test_pbs_published_figure():
    """Bailis et al. 2012, section 3 (PBS k-staleness): N = 3, R = W = 1 misses the latest write with p = 2/3."""
    assert consistency.stale_read_probability(3, 1, 1) == pytest.approx(2 / 3, abs=1e-15)
    assert consistency.k_staleness(3, 1, 1, 1) == pytest.approx(1 / 3, abs=1e-15)
    assert consistency.quorum(3, 1, 1).stale_read_probability == pytest.approx(2 / 3, abs=1e-15)


@st.composite
def sizes(draw, max_n=7):
    n = draw(st.integers(1, max_n))
    return n, draw(st.integers(1, n)), draw(st.integers(1, n))


@settings(max_examples=60, deadline=None)
@given(sizes())
def test_quorum_against_every_read_and_write_set(nrw):
    """Enumerate every write set of W and read set of R replicas out of N <= 7."""
    n, r, w = nrw
    q = consistency.quorum(n, r, w)
    writes, reads = list(itertools.combinations(range(n), w)), list(itertools.combinations(range(n), r))
    shared = [len(set(a) & set(b)) for a in writes for b in reads]
    assert q.overlap == min(shared)
    assert q.strict == (min(shared) >= 1) == (r + w > n)
    missed = Fraction(sum(s == 0 for s in shared), len(shared))
    assert consistency.stale_read_probability(n, r, w) == float(missed)
    two_writes = min(len(set(a) & set(b)) for a in writes for b in writes)
    assert q.write_majority == (two_writes >= 1)
    assert len(set(q.write_replicas) & set(q.read_replicas)) == q.overlap  # the drawn example is a tightest pair
    assert len(q.write_replicas) == w and len(q.read_replicas) == r


@settings(max_examples=40, deadline=None)
@given(sizes(), st.integers(0, 7), st.sampled_from(["0.9", "0.99", "0.5"]))
def test_quorum_availability_against_every_up_down_pattern(nrw, failed, availability):
    """Sum P(pattern) over all 2^N up/down patterns of independent replicas, exactly."""
    n, r, w = nrw
    failed = min(failed, n)
    a = Fraction(availability)
    q = consistency.quorum(n, r, w, failed=failed, replica_availability=float(availability))
    p_read = p_write = Fraction(0)
    for pattern in itertools.product((0, 1), repeat=n):
        up = sum(pattern)
        weight = a**up * (1 - a) ** (n - up)
        p_read += weight * (up >= r)
        p_write += weight * (up >= w)
    assert q.read_availability == pytest.approx(float(p_read), abs=1e-12)
    assert q.write_availability == pytest.approx(float(p_write), abs=1e-12)
    assert q.can_read == (n - failed >= r) and q.can_write == (n - failed >= w)


@settings(max_examples=60, deadline=None)
@given(sizes(max_n=30), st.integers(1, 50))
def test_k_staleness_is_monotone_and_matches_its_closed_form(nrw, k):
    n, r, w = nrw
    p = Fraction(math.comb(n - w, r), math.comb(n, r))
    now, later = consistency.k_staleness(n, r, w, k), consistency.k_staleness(n, r, w, k + 1)
    assert now == pytest.approx(float(1 - p**k), abs=1e-15)
    assert 0 <= now <= later <= 1
    assert consistency.k_staleness(n, r, w, 1) == pytest.approx(1 - consistency.stale_read_probability(n, r, w))
    if r + w > n:
        assert now == 1.0


@pytest.mark.parametrize("n", range(1, 40))
def test_majority_and_tolerated_failures(n):
    """The smallest m with any two m-subsets sharing a node (2m > n), and what is left to fail."""
    smallest = next(m for m in range(1, n + 1) if 2 * m > n)
    assert consistency.majority(n) == smallest
    assert consistency.tolerated_failures(n) == n - smallest == (n - 1) // 2


# --------------------------------------------------------------------------
# t-visibility (WARS)
# --------------------------------------------------------------------------

TIMES = (0, 0.5, 1, 2, 5, 10, 20, 50)


@pytest.mark.parametrize(("n", "r", "w"), [(3, 1, 1), (3, 1, 2), (5, 2, 2), (5, 1, 3), (10, 3, 3)])
def test_without_propagation_wars_is_the_closed_form_at_every_t(n, r, w):
    """Write on exactly the W ackers, reads on the R fastest (a uniform R-subset): 1 - C(N-W,R)/C(N,R)."""
    tv = consistency.t_visibility(n, r, w, TIMES, trials=40_000, propagate=False, seed=3)
    expected = 1 - consistency.stale_read_probability(n, r, w)
    se = math.sqrt(expected * (1 - expected) / tv.trials)
    assert len(set(tv.consistent)) == 1  # nothing changes with t
    assert abs(tv.consistent[0] - expected) <= 4 * se + 1e-12
    assert tv.closed_form == pytest.approx(expected)


@pytest.mark.parametrize(("n", "r", "w"), [(3, 1, 1), (5, 1, 2), (5, 2, 2), (3, 2, 2), (5, 3, 3)])
def test_with_propagation_wars_rises_from_the_closed_form_to_one(n, r, w):
    with_spread = consistency.t_visibility(n, r, w, (*TIMES, 1e6), trials=20_000, seed=5)
    without = consistency.t_visibility(n, r, w, (*TIMES, 1e6), trials=20_000, propagate=False, seed=5)
    assert all(a >= b for a, b in zip(with_spread.consistent, without.consistent))  # same draws
    assert list(with_spread.consistent) == sorted(with_spread.consistent)  # monotone in t
    assert with_spread.consistent[-1] == 1.0
    if r + w > n:
        assert set(with_spread.consistent) == set(without.consistent) == {1.0}
    else:
        assert with_spread.consistent[0] > with_spread.closed_form  # a non-acker often has it already


def wars_exact(n, r, w, t, delays, propagate=True):
    """P(consistent at t) by enumerating every combination of two-valued W, A, R, S for each replica."""
    hits = total = 0
    for combo in itertools.product(*[delays[k] for k in "WARS" for _ in range(n)]):
        write, ack, read, response = (combo[i * n:(i + 1) * n] for i in range(4))
        ackers = sorted(range(n), key=lambda i: (write[i] + ack[i], i))[:w]
        commit = write[ackers[-1]] + ack[ackers[-1]]
        readers = sorted(range(n), key=lambda i: (read[i] + response[i], i))[:r]
        ok = any((propagate or i in ackers) and write[i] <= commit + t + read[i] for i in readers)
        hits += ok
        total += 1
    return hits / total


@pytest.mark.parametrize(("n", "r", "w"), [(3, 1, 1), (3, 1, 2), (2, 1, 1)])
def test_wars_against_exhaustive_enumeration_of_empirical_delays(n, r, w):
    """Two-valued empirical delays (ms): every one of the 2^(4N) equally likely cases, in plain Python."""
    delays = {"W": (0.5, 8.0), "A": (1.0, 3.0), "R": (0.2, 2.0), "S": (0.5, 4.0)}
    times = (0, 1, 3, 6)
    tv = consistency.t_visibility(n, r, w, times, trials=100_000, seed=11, write_ms=delays["W"],
                                  ack_ms=delays["A"], read_ms=delays["R"], response_ms=delays["S"])
    for t, p, se in zip(times, tv.consistent, tv.standard_error):
        exact = wars_exact(n, r, w, t, delays)
        assert abs(p - exact) <= 4 * max(se, 1 / tv.trials), (t, p, exact)


def test_t_visibility_is_seeded():
    one = consistency.t_visibility(5, 1, 2, TIMES, trials=1_000, seed=9)
    assert one == consistency.t_visibility(5, 1, 2, TIMES, trials=1_000, seed=9)
    assert one != consistency.t_visibility(5, 1, 2, TIMES, trials=1_000, seed=10)


# --------------------------------------------------------------------------
# Gossip
# --------------------------------------------------------------------------


def test_push_tracks_log2_n_plus_ln_n():
    """Frieze & Grimmett 1985; Pittel 1987: push takes log2 n + ln n + O(1) rounds (here within 1.5)."""
    n = 1_000
    rounds = consistency.gossip_rounds(n, runs=100, mode="push", seed=1)
    assert abs(np.mean(rounds) - (math.log2(n) + math.log(n))) <= 1.5
    assert consistency.push_rounds_estimate(n) == pytest.approx(math.log2(n) + math.log(n), rel=1e-15)
    assert consistency.push_rounds_estimate(1) == 0


def test_push_pull_is_faster():
    """Karp, Schindelhauer, Shenker & Vöcking 2000: push-pull needs log3 n + O(log log n) rounds."""
    n = 1_000
    mean = {mode: np.mean(consistency.gossip_rounds(n, runs=50, mode=mode, seed=2)) for mode in model.GOSSIP_MODES}
    assert mean["push-pull"] < mean["pull"] and mean["push-pull"] < mean["push"]
    assert mean["push-pull"] <= math.log(n, 3) + 2 * math.log(math.log(n))


def gossip_transitions(n: int, mode: str) -> dict[int, dict[int, Fraction]]:
    """Exact P(i informed -> j informed) for one round, by enumerating every node's choice of callee."""
    chains = {}
    for i in range(1, n):
        informed = [node < i for node in range(n)]
        counts: dict[int, int] = {}
        for calls in itertools.product(range(n - 1), repeat=n):
            callee = [c + (c >= node) for node, c in enumerate(calls)]
            after = list(informed)
            for node, other in enumerate(callee):
                if mode != "pull" and informed[node]:
                    after[other] = True
                if mode != "push" and informed[other]:
                    after[node] = True
            counts[sum(after)] = counts.get(sum(after), 0) + 1
        chains[i] = {j: Fraction(c, (n - 1) ** n) for j, c in counts.items()}
    chains[n] = {n: Fraction(1)}
    return chains


def exact_expectations(n: int, mode: str, rounds: int) -> tuple[list[Fraction], list[Fraction], Fraction]:
    """E[I_t] and Var[I_t] for t = 0..rounds from the Markov chain, and the exact expected rounds to inform all."""
    step = gossip_transitions(n, mode)
    dist, means, variances = {1: Fraction(1)}, [], []
    for _ in range(rounds + 1):
        means.append(sum(i * p for i, p in dist.items()))
        variances.append(sum(i * i * p for i, p in dist.items()) - means[-1] ** 2)
        new: dict[int, Fraction] = {}
        for i, p in dist.items():
            for j, q in step[i].items():
                new[j] = new.get(j, 0) + p * q
        dist = new
    expected = {n: Fraction(0)}  # E_i = (1 + sum_{j>i} P_ij E_j) / (1 - P_ii)
    for i in range(n - 1, 0, -1):
        expected[i] = (1 + sum(q * expected[j] for j, q in step[i].items() if j > i)) / (1 - step[i].get(i, 0))
    return means, variances, expected[1]


@pytest.mark.parametrize("mode", model.GOSSIP_MODES)
def test_gossip_against_the_exact_markov_chain(mode):
    """n = 5: every round's expected informed count and the expected rounds, exactly, against 3,000 runs.

    Push and pull have the same E[I_t] on a complete graph (the exact chains agree to the last digit),
    so the expected rounds, 72,271/18,375 against 2,924/875, are what tells them apart.
    """
    n, runs, shown = 5, 3_000, 4
    means, variances, expected_rounds = exact_expectations(n, mode, shown)
    history = np.full((runs, shown + 1), n)
    for seed in range(runs):
        counts = consistency.gossip_counts(n, mode=mode, seed=seed)[: shown + 1]
        history[seed, : len(counts)] = counts
    for t in range(1, shown + 1):
        se = math.sqrt(float(variances[t]) / runs)
        assert abs(history[:, t].mean() - float(means[t])) <= 4 * se, (t, history[:, t].mean(), means[t])
    rounds = np.asarray(consistency.gossip_rounds(n, runs=runs, mode=mode, seed=7))
    se = rounds.std(ddof=1) / math.sqrt(runs)
    assert abs(rounds.mean() - float(expected_rounds)) <= 4 * se


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 300), st.sampled_from(model.GOSSIP_MODES), st.integers(0, 10**6))
def test_gossip_counts_are_one_run_of_gossip_rounds(n, mode, seed):
    counts = consistency.gossip_counts(n, mode=mode, seed=seed)
    assert counts[0] == 1 and counts[-1] == n
    assert all(a <= b for a, b in zip(counts, counts[1:]))
    assert len(counts) - 1 == consistency.gossip_rounds(n, runs=1, mode=mode, seed=seed)[0]
    if mode == "push":  # each informed node informs at most one more node a round
        assert all(b <= 2 * a for a, b in zip(counts, counts[1:]))


@pytest.mark.parametrize("mode", model.GOSSIP_MODES)
def test_gossip_tiny_clusters(mode):
    assert consistency.gossip_rounds(1, runs=3, mode=mode) == (0, 0, 0)
    assert consistency.gossip_rounds(2, runs=3, mode=mode) == (1, 1, 1)  # the only other node is called


def test_gossip_is_seeded():
    assert consistency.gossip_rounds(200, runs=10, seed=4) == consistency.gossip_rounds(200, runs=10, seed=4)
    assert consistency.gossip_rounds(200, runs=10, seed=4) != consistency.gossip_rounds(200, runs=10, seed=5)


# --------------------------------------------------------------------------
# The techniques compared
# --------------------------------------------------------------------------


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 12), st.sampled_from([None, 0.05, 0.3, 1.0]))
def test_random_leader_against_every_claim_pattern(n, p):
    """Enumerate all 2^n claim patterns with exact probabilities."""
    exact_p = Fraction(1, n) if p is None else Fraction(str(p))
    by_leaders = [Fraction(0)] * (n + 1)
    for pattern in itertools.product((0, 1), repeat=n):
        k = sum(pattern)
        by_leaders[k] += exact_p**k * (1 - exact_p) ** (n - k)
    e = consistency.random_leader(n, claim_probability=p)
    assert e.p_none == pytest.approx(float(by_leaders[0]), abs=1e-12)
    assert e.p_single == pytest.approx(float(by_leaders[1]), abs=1e-12)
    assert e.p_split == pytest.approx(float(sum(by_leaders[2:])), abs=1e-12)
    at_least_one = 1 - by_leaders[0]
    assert e.expected_leaders == pytest.approx(float(sum(k * q for k, q in enumerate(by_leaders)) / at_least_one))
    assert e.expected_elections == pytest.approx(float(1 / at_least_one))


def test_technique_closed_forms():
    sizes, hop, refresh, gossip_ms, election_ms = (2, 10, 50, 200), 2.0, 500.0, 100.0, 150.0
    table = consistency.technique_costs(sizes, hop_ms=hop, refresh_ms=refresh, gossip_round_ms=gossip_ms,
                                        election_ms=election_ms, runs=10, seed=3)
    assert list(table["technique"].unique()) == list(model.TECHNIQUES)
    rows = table.set_index(["technique", "n"])
    for n in sizes:
        assert tuple(rows.loc[("full mesh", n), ["messages_per_update", "messages_per_round"]]) == (n - 1, n * (n - 1))
        assert tuple(rows.loc[("leader", n), ["messages_per_update", "messages_per_round"]]) == (n, 2 * (n - 1))
        cache = rows.loc[("distributed cache", n)]
        assert (cache.messages_per_update, cache.messages_per_round) == (2 * n - 1, 3 * n)
        assert cache.converge_ms == 3 * hop + refresh
        rounds = np.mean(consistency.gossip_rounds(n, runs=10, mode="push", seed=3))
        assert rows.loc[("gossip", n), "messages_per_update"] == pytest.approx(n * rounds)
        assert rows.loc[("gossip", n), "converge_ms"] == pytest.approx(rounds * gossip_ms)
        leader = consistency.random_leader(n)
        random = rows.loc[("random leader", n)]
        assert random.messages_per_update == pytest.approx(n * leader.expected_leaders)
        assert random.messages_per_round == pytest.approx(2 * (n - 1) * leader.expected_leaders)
        assert random.duplicates_per_update == pytest.approx(n * (leader.expected_leaders - 1))
        assert random.converge_ms == pytest.approx(leader.expected_elections * election_ms + 2 * hop)
        assert rows.loc[("full mesh", n), "converge_ms"] == hop and rows.loc[("leader", n), "converge_ms"] == 2 * hop
    again = consistency.technique_costs(sizes, hop_ms=hop, refresh_ms=refresh, gossip_round_ms=gossip_ms,
                                        election_ms=election_ms, runs=10, seed=3)  # the cached gossip rounds
    pd.testing.assert_frame_equal(again, table)


def test_gossip_messages_grow_as_n_log_n():
    """Push gossip costs about n (log2 n + ln n) messages per update, far below a full mesh's n(n - 1) per round."""
    table = consistency.technique_costs((100, 1_000), runs=20, seed=1).set_index(["technique", "n"])
    for n in (100, 1_000):
        ratio = table.loc[("gossip", n), "messages_per_update"] / (n * (math.log2(n) + math.log(n)))
        assert 0.9 <= ratio <= 1.3
    mesh = table.loc[("full mesh", 1_000), "messages_per_round"]
    assert table.loc[("gossip", 1_000), "messages_per_round"] < mesh / 10


# --------------------------------------------------------------------------
# Leases and fencing
# --------------------------------------------------------------------------


def test_kleppmann_fencing_example():
    """Kleppmann 2016: client 1 (token 33) pauses past its lease; client 2 (token 34) writes; 33 must be rejected."""
    fenced, unfenced = consistency.split_brain(fencing=True), consistency.split_brain(fencing=False)
    a_writes = [e for e in fenced.events if e.node == "A" and e.action == "writes"]
    assert [(e.value, e.token, e.accepted) for e in a_writes] == [("A1", 33, True), ("A2", 33, False)]
    assert fenced.final_value == "B1" and fenced.lost_writes == () and fenced.rejected_writes == ("A2",)
    assert unfenced.final_value == "A2" and unfenced.lost_writes == ("B1",) and unfenced.rejected_writes == ()
    assert [e.token for e in fenced.events if e.action == "acquires lease"] == [33, 34]
    assert fenced.split_brain_ms == unfenced.split_brain_ms == 6_000  # A resumes at 16 s, the lease ended at 10 s


@settings(max_examples=80, deadline=None)
@given(
    st.floats(1, 20_000), st.floats(0, 1), st.floats(0, 40_000), st.floats(0, 10_000), st.booleans()
)
def test_split_brain_properties(lease, check_share, pause, after, fencing):
    check = lease * check_share * 0.999
    run = consistency.split_brain(fencing=fencing, lease_ms=lease, pause_at_ms=check, pause_ms=pause,
                                  new_write_after_ms=after)
    resume, b_write = check + pause, lease + after
    late = resume >= b_write  # A's write lands after B's (B first at a tie)
    times = [e.time_ms for e in run.events]
    assert times == sorted(times)
    accepted = [e.token for e in run.events if e.action == "writes" and e.accepted]
    if fencing:
        assert accepted == sorted(accepted) and run.lost_writes == ()
        assert run.rejected_writes == (("A2",) if late else ())  # A's writes before B's are kept
        assert run.final_value == "B1"
    else:
        assert run.rejected_writes == ()
        assert run.lost_writes == (("B1",) if late else ())
        assert run.final_value == ("A2" if late else "B1")
    assert run.split_brain_ms == pytest.approx(max(0.0, resume - lease))


# --------------------------------------------------------------------------
# Linearizable against eventual reads, session guarantees
# --------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(st.integers(2, 12), st.lists(st.floats(0, 1_000), min_size=1, max_size=12), st.floats(1, 500),
       st.integers(0, 10**6))
def test_replica_reads_against_a_plain_replay(replicas, times, mean, seed):
    reads = consistency.replica_reads(replicas, times, mean_lag_ms=mean, seed=seed)
    lags = reads.lags_ms
    assert lags[0] == 0 and len(lags) == replicas
    assert reads.stale_eventual == sum(t < lag for t in times for lag in lags)
    assert reads.stale_linearizable == 0
    # The hopping client, replayed in time order.
    ryw = monotonic = 0
    seen_new = False
    violated = [False] * len(times)
    for i, t, hop in sorted(zip(range(len(times)), times, reads.hops), key=lambda read: read[1]):
        new = t >= lags[hop]
        ryw += not new
        monotonic += seen_new and not new
        violated[i] = seen_new and not new
        seen_new |= new
    assert (reads.read_your_writes_violations, reads.monotonic_read_violations) == (ryw, monotonic)
    assert reads.monotonic_violated == tuple(violated)
    assert reads.monotonic_read_violations <= reads.read_your_writes_violations


def test_followers_lag_exponentially():
    """With exponential lags of mean m, a follower is still stale t after the write with p = exp(-t/m)."""
    reads = consistency.replica_reads(1_000, (50, 100, 200), mean_lag_ms=100, seed=2)
    followers = np.asarray(reads.sees_new)[:, 1:]
    for row, t in zip(followers, (50, 100, 200)):
        p = math.exp(-t / 100)
        assert abs((~row).mean() - p) <= 4 * math.sqrt(p * (1 - p) / row.size)


# --------------------------------------------------------------------------
# Bad input
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda: consistency.quorum(3, 4, 1), "r"),  # R > N
        (lambda: consistency.quorum(3, 1, 0), "w"),  # W = 0
        (lambda: consistency.quorum(0, 1, 1), "n"),
        (lambda: consistency.quorum(3, 1, 1, failed=4), "failed"),
        (lambda: consistency.quorum(3, 1, 1, replica_availability=1.5), "replica_availability"),
        (lambda: consistency.stale_read_probability(3, 0, 1), "r"),
        (lambda: consistency.stale_read_probability(3, 1, 4), "w"),
        (lambda: consistency.k_staleness(3, 1, 1, 0), "k"),
        (lambda: consistency.k_staleness(3, 1.5, 1, 2), "r"),
        (lambda: consistency.majority(0), "n"),
        (lambda: consistency.tolerated_failures(True), "n"),
        (lambda: consistency.t_visibility(3, 1, 1, (0, -1)), "times_ms[1]"),
        (lambda: consistency.t_visibility(3, 1, 1, "soon"), "times_ms"),
        (lambda: consistency.t_visibility(3, 1, 1, trials=0), "trials"),
        (lambda: consistency.t_visibility(3, 1, 1, write_ms=0), "write_ms"),
        (lambda: consistency.t_visibility(3, 1, 1, ack_ms=(1, float("nan"))), "ack_ms[1]"),
        (lambda: consistency.t_visibility(3, 1, 1, read_ms=()), "read_ms"),
        (lambda: consistency.t_visibility(3, 1, 1, response_ms=-2), "response_ms"),
        (lambda: consistency.t_visibility(3, 1, 1, propagate="yes"), "propagate"),
        (lambda: consistency.t_visibility(3, 1, 1, seed=-1), "seed"),
        (lambda: consistency.gossip_rounds(0), "n"),
        (lambda: consistency.gossip_rounds(10, runs=0), "runs"),
        (lambda: consistency.gossip_rounds(100_000, runs=1_000), "runs"),
        (lambda: consistency.gossip_rounds(10, mode="flood"), "mode"),
        (lambda: consistency.gossip_rounds(10, seed=1.5), "seed"),
        (lambda: consistency.gossip_counts(10**6), "n"),
        (lambda: consistency.push_rounds_estimate(0), "n"),
        (lambda: consistency.gossip_counts(10, mode="push pull"), "mode"),
        (lambda: consistency.random_leader(0), "n"),
        (lambda: consistency.random_leader(5, claim_probability=0), "claim_probability"),
        (lambda: consistency.technique_costs(1), "n"),
        (lambda: consistency.technique_costs((10, 1)), "n[1]"),
        (lambda: consistency.technique_costs(10, hop_ms=-1), "hop_ms"),
        (lambda: consistency.technique_costs(10, refresh_ms=float("inf")), "refresh_ms"),
        (lambda: consistency.technique_costs(10, gossip_round_ms=0), "gossip_round_ms"),
        (lambda: consistency.technique_costs(10, gossip_mode="rumour"), "gossip_mode"),
        (lambda: consistency.technique_costs(10, election_ms=-5), "election_ms"),
        (lambda: consistency.technique_costs(10, claim_probability=2), "claim_probability"),
        (lambda: consistency.technique_costs(10, runs=0), "runs"),
        (lambda: consistency.split_brain(fencing=1), "fencing"),
        (lambda: consistency.split_brain(fencing=True, lease_ms=0), "lease_ms"),
        (lambda: consistency.split_brain(fencing=True, pause_at_ms=10_000), "pause_at_ms"),
        (lambda: consistency.split_brain(fencing=True, pause_ms=-1), "pause_ms"),
        (lambda: consistency.split_brain(fencing=True, new_write_after_ms=float("nan")), "new_write_after_ms"),
        (lambda: consistency.split_brain(fencing=True, token=-1), "token"),
        (lambda: consistency.replica_reads(1), "replicas"),
        (lambda: consistency.replica_reads(3, (0, -5)), "read_times_ms[1]"),
        (lambda: consistency.replica_reads(3, mean_lag_ms=0), "mean_lag_ms"),
        (lambda: consistency.replica_reads(3, seed="x"), "seed"),
    ],
)
def test_bad_parameters_raise_value_errors_naming_them(call, name):
    with pytest.raises(ValueError, match=r"^" + name.replace("[", r"\[").replace("]", r"\]") + " must be") as error:
        call()
    assert "got" in str(error.value)
