"""Consistency's model: quorums, probabilistic staleness, gossip, the techniques compared, leases, replica reads.

Plain functions and frozen dataclasses, no view code (the views are in :mod:`.views`).

* Quorums: :func:`quorum`, :func:`stale_read_probability`, :func:`k_staleness`, :func:`majority`,
  :func:`tolerated_failures`; and t-visibility, a seeded WARS simulation (:func:`t_visibility`).
  Source: Bailis et al., "Probabilistically Bounded Staleness for Practical Partial Quorums",
  PVLDB 5(8), 2012.
* Gossip on a complete graph: :func:`gossip_rounds`, :func:`gossip_counts` and :func:`push_rounds_estimate`.
* The techniques compared per update: :func:`technique_costs`, with :func:`random_leader`.
* Leases and fencing tokens: :func:`split_brain` (Kleppmann, "How to do distributed locking", 2016).
* Linearizable against eventual reads, with session guarantees: :func:`replica_reads`.

Times are in milliseconds (ms) throughout.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
import pandas as pd

from widgets import _check
from widgets.availability.model import k_of_n

#: Largest number of replicas a quorum may have.
MAX_REPLICAS = 100
#: Largest k for :func:`k_staleness`.
MAX_VERSIONS = 10**6
#: Largest cluster :func:`gossip_rounds` and :func:`technique_costs` simulate.
MAX_NODES = 100_000
#: Largest number of runs, and of run x node cells held at once, in a gossip simulation.
MAX_RUNS = 10_000
MAX_CELLS = 4 * 10**6
#: Largest number of replicas :func:`replica_reads` follows.
MAX_FOLLOWED = 1_000
#: Gossip modes: an informed caller pushes; an uninformed caller pulls; push-pull does both on one call.
GOSSIP_MODES = ("push", "pull", "push-pull")
#: Largest number of trials of the WARS simulation, and of times in its grid.
MAX_TRIALS = 10**6
MAX_TIMES = 10_000




def _sizes(n: Any, r: Any, w: Any) -> tuple[int, int, int]:
    """Validated N, R and W: 1 <= R, W <= N <= MAX_REPLICAS."""
    n = _check.integer("n", n, 1, MAX_REPLICAS)
    return n, _check.integer("r", r, 1, n), _check.integer("w", w, 1, n)


def _sequence(name: str, values: Any) -> list:
    """``values`` as a non-empty list (a single number counts as one value)."""
    if isinstance(values, (int, float, np.number)) and not isinstance(values, bool):
        return [values]
    if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        raise ValueError(f"{name} must be a number or a non-empty sequence of numbers, got {values!r}")
    given = list(np.asarray(values).ravel()) if isinstance(values, np.ndarray) else list(values)
    if not given:
        raise ValueError(f"{name} must be a number or a non-empty sequence of numbers, got {values!r}")
    return given


# --------------------------------------------------------------------------
# Quorums
# --------------------------------------------------------------------------


def majority(n: int) -> int:
    """The smallest majority of n nodes: floor(n/2) + 1.

    >>> majority(3), majority(4), majority(5)
    (2, 3, 3)
    """
    return _check.integer("n", n, 1, MAX_NODES) // 2 + 1


def tolerated_failures(n: int) -> int:
    """How many of n nodes may fail while a majority still stands: n - majority(n) = floor((n-1)/2).

    >>> tolerated_failures(3), tolerated_failures(4), tolerated_failures(5)
    (1, 1, 2)
    """
    return _check.integer("n", n, 1, MAX_NODES) - majority(n)


@dataclass(frozen=True)
class Quorum:
    """N replicas, reads asking R and writes waiting for W of them, with ``failed`` replicas down.

    ``overlap`` is the fewest replicas any read quorum and any write quorum share (max(0, R + W - N));
    ``write_replicas``/``read_replicas`` are one pair of quorums sharing exactly that many (the write
    on the first W replicas, the read on the last R: a read that misses the write when R + W <= N).
    The availabilities are for independent replicas each up with ``replica_availability``.
    """

    n: int
    r: int
    w: int
    failed: int
    replica_availability: float
    strict: bool  # R + W > N: every read quorum meets every write quorum
    write_majority: bool  # W > N/2: two writes cannot both succeed on disjoint replicas
    overlap: int
    stale_read_probability: float
    read_availability: float  # P(at least R replicas up)
    write_availability: float  # P(at least W replicas up)
    can_read: bool  # with ``failed`` replicas down, R replicas still answer
    can_write: bool
    write_replicas: tuple[int, ...]
    read_replicas: tuple[int, ...]


def quorum(n: int, r: int, w: int, *, failed: int = 0, replica_availability: float = 0.99) -> Quorum:
    """The quorum tests, overlap, staleness and availability of N, R, W.

    >>> q = quorum(3, 2, 2)
    >>> q.strict, q.write_majority, q.overlap, round(q.read_availability, 6)
    (True, True, 1, 0.999702)
    >>> quorum(3, 1, 1).read_replicas, quorum(3, 1, 1).write_replicas  # disjoint: a read can miss
    ((2,), (0,))
    """
    n, r, w = _sizes(n, r, w)
    failed = _check.integer("failed", failed, 0, n)
    a = _check.number("replica_availability", replica_availability, 0, 1)
    return Quorum(
        n=n, r=r, w=w, failed=failed, replica_availability=a,
        strict=r + w > n,
        write_majority=2 * w > n,
        overlap=max(0, r + w - n),
        stale_read_probability=stale_read_probability(n, r, w),
        read_availability=k_of_n(r, n, a),
        write_availability=k_of_n(w, n, a),
        can_read=n - failed >= r,
        can_write=n - failed >= w,
        write_replicas=tuple(range(w)),
        read_replicas=tuple(range(n - r, n)),
    )


def _stale_fraction(n: int, r: int, w: int) -> Fraction:
    """C(N-W, R) / C(N, R): the share of R-subsets that avoid a given W-subset."""
    return Fraction(math.comb(n - w, r), math.comb(n, r))


def stale_read_probability(n: int, r: int, w: int) -> float:
    """P(a read right after a write misses it): C(N-W, R) / C(N, R) (Bailis et al. 2012).

    Read and write quorums are chosen uniformly at random and nothing else spreads the write
    (no anti-entropy, no read repair). It is 0 exactly when R + W > N.

    >>> stale_read_probability(3, 1, 1), stale_read_probability(3, 2, 2)
    (0.6666666666666666, 0.0)
    """
    return float(_stale_fraction(*_sizes(n, r, w)))


def k_staleness(n: int, r: int, w: int, k: int) -> float:
    """P(a read returns one of the last k written versions): 1 - (C(N-W, R) / C(N, R))^k.

    Each of the last k writes went to its own random write quorum (Bailis et al. 2012, PBS k-staleness).

    >>> round(k_staleness(3, 1, 1, 1), 4), round(k_staleness(3, 1, 1, 3), 4)
    (0.3333, 0.7037)
    """
    n, r, w = _sizes(n, r, w)
    k = _check.integer("k", k, 1, MAX_VERSIONS)
    return float(1 - _stale_fraction(n, r, w) ** k)


# --------------------------------------------------------------------------
# t-visibility: the WARS model
# --------------------------------------------------------------------------

#: Latency profiles for :func:`t_visibility`: the mean (ms) of each exponential delay,
#: W (write to a replica), A (its ack back), R (read to a replica), S (its response back).
LATENCY_PROFILES = {
    "even (all 1 ms)": {"write_ms": 1.0, "ack_ms": 1.0, "read_ms": 1.0, "response_ms": 1.0},
    "slow writes (W 10 ms)": {"write_ms": 10.0, "ack_ms": 1.0, "read_ms": 1.0, "response_ms": 1.0},
    "slow acks (A 10 ms)": {"write_ms": 1.0, "ack_ms": 10.0, "read_ms": 1.0, "response_ms": 1.0},
}


def _latency(name: str, spec: Any) -> float | np.ndarray:
    """A delay distribution: a number is an exponential's mean (ms), a sequence an empirical distribution."""
    if isinstance(spec, (int, float, np.number)) and not isinstance(spec, bool):
        return _check.milliseconds(name, spec, positive=True)
    values = [_check.milliseconds(f"{name}[{i}]", v) for i, v in enumerate(_sequence(name, spec))]
    return np.asarray(values)


def _draw(rng: np.random.Generator, spec: float | np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    if isinstance(spec, np.ndarray):
        return rng.choice(spec, size=shape)  # each value equally likely
    return rng.exponential(spec, size=shape)


@dataclass(frozen=True)
class TVisibility:
    """P(consistent read) ``t`` ms after a write commits, from a seeded WARS simulation.

    ``closed_form`` is 1 - :func:`stale_read_probability`, what the simulation gives at every t when
    the write never spreads beyond the W acknowledging replicas (``propagate=False``).
    ``standard_error`` is each estimate's binomial standard error.
    """

    n: int
    r: int
    w: int
    propagate: bool
    trials: int
    times_ms: tuple[float, ...]
    consistent: tuple[float, ...]
    standard_error: tuple[float, ...]
    closed_form: float


def _visibility_thresholds(n: int, r: int, w: int, trials: int, delays: dict, propagate: bool,
                           seed: int) -> np.ndarray:
    """Per trial, the smallest t (ms after commit) at which the read sees the write.

    The coordinator sends the write to all N replicas (replica i has it W_i after the write starts)
    and commits when W acks are in (the W-th smallest W_i + A_i). A read starts t after commit and goes
    to all N replicas; it arrives at replica i at commit + t + R_i, and the coordinator keeps the first
    R responses (the R smallest R_i + S_i, ties to the lower index). The read is consistent if one of
    those R replicas had the write when the read arrived: W_i <= commit + t + R_i.
    Without ``propagate`` only the W replicas that acked first (ties to the lower index) ever get it.
    """
    rng = np.random.default_rng(seed)
    shape = (trials, n)
    names = ("write_ms", "ack_ms", "read_ms", "response_ms")
    write, ack, read, response = (_draw(rng, delays[name], shape) for name in names)
    acked = write + ack
    order = np.argsort(acked, axis=1, kind="stable")
    commit = np.take_along_axis(acked, order[:, w - 1 : w], axis=1)
    has_write_at = write
    if not propagate:
        has_write_at = np.full(shape, np.inf)
        np.put_along_axis(has_write_at, order[:, :w], np.take_along_axis(write, order[:, :w], axis=1), axis=1)
    readers = np.argsort(read + response, axis=1, kind="stable")[:, :r]
    lateness = has_write_at - commit - read  # t must be at least this for replica i to have it
    return np.take_along_axis(lateness, readers, axis=1).min(axis=1)


def t_visibility(
    n: int,
    r: int,
    w: int,
    times_ms: Any = (0, 1, 2, 5, 10, 20, 50, 100),
    *,
    trials: int = 10_000,
    write_ms: Any = 10.0,
    ack_ms: Any = 1.0,
    read_ms: Any = 1.0,
    response_ms: Any = 1.0,
    propagate: bool = True,
    seed: int = 0,
) -> TVisibility:
    """P(a read t ms after commit returns the write), by a seeded WARS simulation (Bailis et al. 2012).

    Each delay (W, A, R, S) is independent per replica and trial: a number is the mean (ms) of an
    exponential, a sequence of values (ms) an empirical distribution drawn uniformly. The defaults are
    writes slower than the rest (W mean 10 ms; A, R, S mean 1 ms).

    Where it meets the closed form: with ``propagate=False`` the write reaches exactly the W replicas
    that acknowledged it, and the R fastest responders are a uniformly random R-subset independent of
    them (all delays are independent and identically distributed), so every t gives
    1 - C(N-W, R)/C(N, R). Where they differ: with ``propagate=True`` (Dynamo-style, the write goes to
    all N) the other N - W replicas receive it too, so at t = 0 it is at least that (a replica may have
    the write before its ack is counted) and it rises to 1 as t grows; with R + W > N it is 1 at every t.

    >>> tv = t_visibility(3, 1, 1, (0, 10, 1000), trials=2_000)
    >>> [round(p, 2) for p in tv.consistent], round(tv.closed_form, 4)
    ([0.43, 0.8, 1.0], 0.3333)
    """
    n, r, w = _sizes(n, r, w)
    times = np.asarray([_check.milliseconds(f"times_ms[{i}]", t) for i, t in enumerate(_sequence("times_ms", times_ms))])
    if len(times) > MAX_TIMES:
        raise ValueError(f"times_ms must hold at most {MAX_TIMES:,} times, got {len(times):,}")
    trials = _check.integer("trials", trials, 1, min(MAX_TRIALS, MAX_CELLS // n))
    delays = {"write_ms": _latency("write_ms", write_ms), "ack_ms": _latency("ack_ms", ack_ms),
              "read_ms": _latency("read_ms", read_ms), "response_ms": _latency("response_ms", response_ms)}
    propagate = _check.choice("propagate", propagate, (True, False))
    thresholds = np.sort(_visibility_thresholds(n, r, w, trials, delays, propagate, _check.seed(seed)))
    p = np.searchsorted(thresholds, times, side="right") / trials
    return TVisibility(
        n=n, r=r, w=w, propagate=propagate, trials=trials,
        times_ms=tuple(times.tolist()),
        consistent=tuple(p.tolist()),
        standard_error=tuple(np.sqrt(p * (1 - p) / trials).tolist()),
        closed_form=1 - stale_read_probability(n, r, w),
    )


# --------------------------------------------------------------------------
# Gossip on a complete graph
# --------------------------------------------------------------------------


def _gossip_round(informed: np.ndarray, mode: str, rng: np.random.Generator) -> np.ndarray:
    """One synchronous round: every node calls one uniformly random other node.

    Push: an informed caller informs its callee. Pull: an uninformed caller learns from an informed
    callee. Push-pull: both, over the same call. All decisions use the state at the start of the round.
    """
    runs, n = informed.shape
    callee = rng.integers(0, n - 1, size=(runs, n))
    callee += callee >= np.arange(n)  # skip the caller itself: uniform over the n - 1 others
    callee += (np.arange(runs) * n)[:, None]  # flat index into informed
    after = informed.copy()
    if mode != "pull":
        after.ravel()[callee[informed]] = True
    if mode != "push":
        after |= informed.ravel()[callee]
    return after


def _spread(n: int, runs: int, mode: str, seed: int) -> np.ndarray:
    """Informed count per round (rows: round 0, 1, ...; columns: runs) until every run is done."""
    rng = np.random.default_rng(seed)
    informed = np.zeros((runs, n), dtype=bool)
    informed[:, 0] = True
    counts = [informed.sum(axis=1)]
    while counts[-1].min() < n:
        informed = _gossip_round(informed, mode, rng)
        counts.append(informed.sum(axis=1))
    return np.stack(counts)


def _gossip_inputs(n: Any, runs: Any, mode: Any, seed: Any) -> tuple[int, int, str, int]:
    n = _check.integer("n", n, 1, MAX_NODES)
    runs = _check.integer("runs", runs, 1, min(MAX_RUNS, MAX_CELLS // n))
    return n, runs, _check.choice("mode", mode, GOSSIP_MODES), _check.seed(seed)


def gossip_rounds(n: int, *, runs: int = 100, mode: str = "push", seed: int = 0) -> tuple[int, ...]:
    """Rounds until all n nodes know a rumour started by one node, one value per seeded run.

    Synchronous rounds on a complete graph; each round every node calls one uniformly random other
    node (see ``GOSSIP_MODES``). Push takes about log2 n + ln n rounds (Frieze & Grimmett 1985,
    Pittel 1987); push-pull about log3 n + O(log log n) (Karp et al. 2000).

    >>> gossip_rounds(1_000, runs=5)
    (17, 18, 16, 17, 18)
    """
    n, runs, mode, seed = _gossip_inputs(n, runs, mode, seed)
    done = _spread(n, runs, mode, seed) == n
    return tuple(done.argmax(axis=0).tolist())


def push_rounds_estimate(n: int) -> float:
    """log2 n + ln n: about the rounds push gossip needs on n nodes (Frieze & Grimmett 1985, Pittel 1987).

    >>> round(push_rounds_estimate(1_000), 2)
    16.87
    """
    n = _check.integer("n", n, 1, MAX_NODES)
    return math.log2(n) + math.log(n)


def gossip_counts(n: int, *, mode: str = "push", seed: int = 0) -> tuple[int, ...]:
    """Informed nodes after each round of one seeded run, from round 0 (one node) until all n know.

    It is the run ``gossip_rounds(n, runs=1, mode=mode, seed=seed)`` counts.

    >>> gossip_counts(10, mode="push-pull")
    (1, 5, 9, 10)
    """
    n, runs, mode, seed = _gossip_inputs(n, 1, mode, seed)
    return tuple(_spread(n, runs, mode, seed)[:, 0].tolist())


# --------------------------------------------------------------------------
# The techniques compared
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class LeaderElection:
    """Random leader selection: each of n nodes claims leadership with ``claim_probability``, independently.

    An election with no claimant is repeated; ``expected_elections`` counts them. ``p_split`` is the
    chance of two or more leaders, each then forwarding every update (duplicates).
    """

    n: int
    claim_probability: float
    p_none: float
    p_single: float
    p_split: float
    expected_leaders: float  # given at least one
    expected_elections: float


def random_leader(n: int, *, claim_probability: float | None = None) -> LeaderElection:
    """Chances of no, one and several leaders when each node claims with probability p (default 1/n).

    Leaders L ~ Binomial(n, p): P(L = 0) = (1-p)^n, P(L = 1) = n p (1-p)^(n-1),
    E[L | L >= 1] = n p / (1 - (1-p)^n), and elections until L >= 1 are geometric: 1 / (1 - (1-p)^n).

    >>> e = random_leader(10)
    >>> round(e.p_none, 4), round(e.p_split, 4), round(e.expected_leaders, 4)
    (0.3487, 0.2639, 1.5353)
    """
    n = _check.integer("n", n, 1, MAX_NODES)
    p = _check.number("claim_probability", claim_probability, 0, 1, open_low=True, optional=True)
    p = 1 / n if p is None else p
    p_none = (1 - p) ** n
    p_single = n * p * (1 - p) ** (n - 1)
    return LeaderElection(
        n=n, claim_probability=p, p_none=p_none, p_single=p_single,
        p_split=max(0.0, 1 - p_none - p_single),
        expected_leaders=n * p / (1 - p_none),
        expected_elections=1 / (1 - p_none),
    )


#: The techniques :func:`technique_costs` compares, most consistent first.
TECHNIQUES = ("full mesh", "leader", "distributed cache", "gossip", "random leader")


@functools.lru_cache(maxsize=1_024)
def _mean_rounds(n: int, runs: int, mode: str, seed: int) -> float:
    """The mean of :func:`gossip_rounds`, cached: it is pure, the costliest part of :func:`technique_costs`,
    and independent of the times that function's callers vary."""
    return float(np.mean(gossip_rounds(n, runs=runs, mode=mode, seed=seed)))


def _technique_rows(n: int, hop_ms: float, refresh_ms: float, gossip_round_ms: float, gossip_mode: str,
                    election_ms: float, claim_probability: float | None, runs: int, seed: int) -> list[dict]:
    """One row per technique for a cluster of n nodes (see :func:`technique_costs`)."""
    rounds = _mean_rounds(n, min(runs, MAX_CELLS // n), gossip_mode, seed)
    per_gossip_round = n if gossip_mode == "push" else 2 * n  # a pull is a request and a reply
    election = random_leader(n, claim_probability=claim_probability)
    leaders = election.expected_leaders
    rows = [
        ("full mesh", n - 1, n * (n - 1), 0.0, hop_ms),
        ("leader", n, 2 * (n - 1), 0.0, 2 * hop_ms),
        ("distributed cache", 1 + 2 * (n - 1), 3 * n, 0.0, 3 * hop_ms + refresh_ms),
        ("gossip", per_gossip_round * rounds, per_gossip_round * rounds, 0.0, rounds * gossip_round_ms),
        ("random leader", n * leaders, 2 * (n - 1) * leaders, n * (leaders - 1),
         election.expected_elections * election_ms + 2 * hop_ms),
    ]
    names = ("technique", "messages_per_update", "messages_per_round", "duplicates_per_update", "converge_ms")
    return [{"n": n, **dict(zip(names, row))} for row in rows]


def technique_costs(
    n: Any = (10, 30, 100, 300, 1_000),
    *,
    hop_ms: float = 1.0,
    refresh_ms: float = 1_000.0,
    gossip_round_ms: float = 1_000.0,
    gossip_mode: str = "push",
    election_ms: float = 150.0,
    claim_probability: float | None = None,
    runs: int = 20,
    seed: int = 0,
) -> pd.DataFrame:
    """Messages and time to converge of each technique in ``TECHNIQUES``, for each cluster size in ``n``.

    One-way messages; acknowledgements are not counted. ``messages_per_update``: one node's update
    until all n nodes hold it (the writer is not the leader). ``messages_per_round``: every node shares
    one update, batched where the technique can. ``converge_ms``: one update until the last node has it.

    * full mesh: the writer sends to the n - 1 others; a round is n(n - 1); one hop.
    * leader (coordination service): writer to leader, leader to the n - 1 others: n; a round is
      2(n - 1) (each follower's update in, one batch out to each follower); two hops.
    * distributed cache: the writer writes the cache (1 message); each reader polls every
      ``refresh_ms``, and its next poll (request and response) fetches the update: 1 + 2(n - 1); a round
      is n writes and one poll per node, 3n. Converges within one write hop, ``refresh_ms`` and a poll.
    * gossip: every node sends one message per gossip round (push; a pull or push-pull call is two), so
      n x the mean rounds of :func:`gossip_rounds`, about n(log2 n + ln n) for push; messages carry all
      a node knows, so a round of n updates costs the same (but the last of n rumours lands later).
    * random leader: L leaders (:func:`random_leader`, L >= 1) each get the update and forward it:
      n E[L]; ``duplicates_per_update`` n(E[L] - 1); a round 2(n - 1) E[L]; converges after the expected
      elections of ``election_ms`` each and two hops.

    >>> table = technique_costs(10, runs=5)
    >>> table.set_index("technique").loc[["full mesh", "leader"], "messages_per_round"].tolist()
    [90.0, 18.0]
    """
    sizes = [_check.integer(f"n[{i}]" if not isinstance(n, int) else "n", size, 2, MAX_NODES)
             for i, size in enumerate(_sequence("n", n))]
    args = dict(
        hop_ms=_check.milliseconds("hop_ms", hop_ms), refresh_ms=_check.milliseconds("refresh_ms", refresh_ms),
        gossip_round_ms=_check.milliseconds("gossip_round_ms", gossip_round_ms, positive=True),
        gossip_mode=_check.choice("gossip_mode", gossip_mode, GOSSIP_MODES),
        election_ms=_check.milliseconds("election_ms", election_ms),
        claim_probability=_check.number("claim_probability", claim_probability, 0, 1, open_low=True, optional=True),
        runs=_check.integer("runs", runs, 1, MAX_RUNS), seed=_check.seed(seed),
    )
    table = pd.DataFrame([row for size in sizes for row in _technique_rows(size, **args)])
    numbers = ["messages_per_update", "messages_per_round", "duplicates_per_update", "converge_ms"]
    table[numbers] = table[numbers].astype(float)
    return table


# --------------------------------------------------------------------------
# Leases and fencing tokens
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class LeaseEvent:
    """One step of the lease timeline; a write's ``accepted`` says whether the storage kept it."""

    time_ms: float
    node: str
    action: str
    token: int | None = None
    value: str | None = None
    accepted: bool | None = None


@dataclass(frozen=True)
class SplitBrain:
    """The timeline of :func:`split_brain`, in time order, and what the storage holds at the end.

    ``lost_writes``: accepted values later overwritten by a write holding an older lease (lost updates).
    ``split_brain_ms``: how long both nodes believed they held the lease.
    """

    fencing: bool
    events: tuple[LeaseEvent, ...]
    final_value: str
    lost_writes: tuple[str, ...]
    rejected_writes: tuple[str, ...]
    split_brain_ms: float


def _store(writes: list[LeaseEvent], fencing: bool, initial: str) -> tuple[list[LeaseEvent], str, list[str]]:
    """Apply writes in order; with fencing the storage rejects a token lower than the highest it has seen."""
    value, value_token, highest, lost, done = initial, -1, -1, [], []
    for write in writes:
        accepted = not fencing or write.token >= highest
        if accepted:
            if write.token < value_token:
                lost.append(value)
            value, value_token = write.value, write.token
            highest = max(highest, write.token)
        done.append(LeaseEvent(write.time_ms, write.node, write.action, write.token, write.value, accepted))
    return done, value, lost


def split_brain(
    *,
    fencing: bool,
    lease_ms: float = 10_000.0,
    pause_at_ms: float = 1_000.0,
    pause_ms: float = 15_000.0,
    new_write_after_ms: float = 1_000.0,
    token: int = 33,
) -> SplitBrain:
    """An old leader paused past its lease writes late: with fencing tokens the storage rejects it.

    Node A takes a lease (fencing token ``token``, valid ``lease_ms``), checks it at ``pause_at_ms`` and
    writes "A1", then stalls for ``pause_ms`` (a GC pause or a partition) before sending its next write,
    "A2". When the lease expires, node B takes it (token + 1) and writes "B1" ``new_write_after_ms``
    later. A, unaware, still believes it leads. With fencing the storage rejects any token lower than
    the highest it has seen; without, A's late write overwrites B's (a lost update). Writes at the same
    instant: B's first.
    (Kleppmann 2016; Kleppmann 2017, ch. 8.)

    >>> split_brain(fencing=False).final_value, split_brain(fencing=True).final_value
    ('A2', 'B1')
    >>> split_brain(fencing=False).lost_writes, split_brain(fencing=True).rejected_writes
    (('B1',), ('A2',))
    """
    fencing = _check.choice("fencing", fencing, (True, False))
    lease = _check.milliseconds("lease_ms", lease_ms, positive=True)
    pause_at = _check.number("pause_at_ms", pause_at_ms, 0, lease, open_high=True)
    pause, after = _check.milliseconds("pause_ms", pause_ms), _check.milliseconds("new_write_after_ms", new_write_after_ms)
    token = _check.integer("token", token, 0, 2**62)
    resume, b_writes = pause_at + pause, lease + after
    steps = [  # in the order they happen when times tie
        LeaseEvent(0.0, "A", "acquires lease", token),
        LeaseEvent(pause_at, "A", "checks lease: valid", token),
        LeaseEvent(pause_at, "A", "writes", token, "A1"),
        LeaseEvent(pause_at, "A", "pauses", token),
        LeaseEvent(lease, "lock service", "lease of A expires", token),
        LeaseEvent(lease, "B", "acquires lease", token + 1),
        LeaseEvent(b_writes, "B", "writes", token + 1, "B1"),
        LeaseEvent(resume, "A", "resumes, believing it still leads" if resume > lease else "resumes", token),
        LeaseEvent(resume, "A", "writes", token, "A2"),
    ]
    timeline = [e for _, e in sorted(enumerate(steps), key=lambda pair: (pair[1].time_ms, pair[0]))]
    stored, final, lost = _store([e for e in timeline if e.value is not None], fencing, "initial")
    outcome = iter(stored)
    events = [next(outcome) if e.value is not None else e for e in timeline]
    return SplitBrain(
        fencing=fencing,
        events=tuple(events),
        final_value=final,
        lost_writes=tuple(lost),
        rejected_writes=tuple(e.value for e in stored if not e.accepted),
        split_brain_ms=max(0.0, resume - lease),
    )


# --------------------------------------------------------------------------
# Linearizable against eventual reads
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class ReplicaReads:
    """One write at t = 0 to the leader (replica 0), copied to each follower after its lag.

    ``sees_new[j][i]``: a read at ``read_times_ms[j]`` from replica i returns the new value.
    ``stale_eventual``: stale reads among all those (time, replica) reads (any replica may answer);
    ``stale_linearizable``: the same reads sent to the leader. The writing client then reads once at
    each time from a random replica (``hops``): ``read_your_writes_violations`` counts its reads that
    miss its own write, ``monotonic_read_violations`` those that return the old value after it
    has already seen the new one; ``monotonic_violated`` flags those reads, in the order of ``read_times_ms``.
    """

    lags_ms: tuple[float, ...]
    read_times_ms: tuple[float, ...]
    sees_new: tuple[tuple[bool, ...], ...]
    stale_eventual: int
    stale_linearizable: int
    hops: tuple[int, ...]
    hop_sees_new: tuple[bool, ...]
    read_your_writes_violations: int
    monotonic_read_violations: int
    monotonic_violated: tuple[bool, ...]


def replica_reads(
    replicas: int = 3,
    read_times_ms: Any = (0, 25, 50, 100, 200, 400),
    *,
    mean_lag_ms: float = 100.0,
    seed: int = 0,
) -> ReplicaReads:
    """What readers at each replica see over time after one write, with seeded replication lags.

    Followers apply the write after an exponential lag of mean ``mean_lag_ms`` (asynchronous
    replication). A linearizable read goes to the leader (or to a quorum overlapping the write's,
    which returns the same), so it is never stale after the write; an eventual read may hit any replica.

    >>> reads = replica_reads(3, (0, 50, 400), seed=1)
    >>> reads.stale_eventual, reads.stale_linearizable, reads.hops
    (3, 0, (2, 2, 0))
    >>> replica_reads(3, (0, 50, 100, 150, 200), mean_lag_ms=100, seed=4).monotonic_violated
    (False, False, False, False, True)
    """
    replicas = _check.integer("replicas", replicas, 2, MAX_FOLLOWED)
    times = np.asarray([_check.milliseconds(f"read_times_ms[{i}]", t) for i, t in enumerate(_sequence("read_times_ms", read_times_ms))])
    if len(times) > MAX_TIMES:
        raise ValueError(f"read_times_ms must hold at most {MAX_TIMES:,} times, got {len(times):,}")
    mean = _check.milliseconds("mean_lag_ms", mean_lag_ms, positive=True)
    rng = np.random.default_rng(_check.seed(seed))
    lags = np.concatenate([[0.0], rng.exponential(mean, replicas - 1)])
    sees = times[:, None] >= lags[None, :]
    hops = rng.integers(0, replicas, size=len(times))
    hop_sees = sees[np.arange(len(times)), hops]
    order = np.argsort(times, kind="stable")
    seen_before = np.maximum.accumulate(hop_sees[order]) & ~hop_sees[order]  # old after new, in time order
    violated = np.empty_like(seen_before)
    violated[order] = seen_before  # back in the order of read_times_ms
    return ReplicaReads(
        lags_ms=tuple(lags.tolist()),
        read_times_ms=tuple(times.tolist()),
        sees_new=tuple(map(tuple, sees.tolist())),
        stale_eventual=int((~sees).sum()),
        stale_linearizable=int((~sees[:, 0]).sum()) * replicas,  # the same reads, all sent to the leader
        hops=tuple(hops.tolist()),
        hop_sees_new=tuple(hop_sees.tolist()),
        read_your_writes_violations=int((~hop_sees).sum()),
        monotonic_read_violations=int(seen_before.sum()),
        monotonic_violated=tuple(violated.tolist()),
    )
