"""Replication's model: read routing over lagging followers, failover's lost writes, multi-leader conflicts.

Plain functions and frozen dataclasses, no view code (the views are in :mod:`.views`).
Times are in milliseconds (ms); rates are per second. Definitions of the guarantees follow
Kleppmann, *Designing Data-Intensive Applications* (2017), ch. 5.

**The replication stream** (shared by the first two labs). The leader commits writes at times
t_1 < t_2 < ...; each write travels to follower f after an independent exponential network delay
X (mean m_f), but the follower applies its log in order, so it holds write k from
H_k = max over j <= k of (t_j + X_j) (:func:`held_times`). Its *replication lag* for write k is
D_k = H_k - t_k. For Poisson writes at rate lambda, in steady state (:func:`lag_cdf`)

    P(D <= s) = (1 - e^(-s/m)) * exp(-lambda m e^(-s/m)),

(the write's own delay, times the chance no earlier write is still on its way: the probability
generating functional of the Poisson past), and E[D] = m (Ein(a) + (1 - e^(-a))/a) with a = lambda m
(:func:`mean_lag`): about m (1 + a/2) when a is small. With one write (lambda -> 0) it is chapter 3's
``consistency.replica_reads``: each follower has the write after an exponential lag.

* :func:`route_reads`: users' seeded writes and reads, every read-routing policy on the same stream;
  read-your-writes and monotonic-read violations, and the reads each policy sends to the leader.
* :func:`failover_losses`: the leader crashes; acknowledged writes lost under asynchronous, semi-synchronous
  and synchronous replication, and what each costs in write latency. Little's law:
  :func:`expected_lost_writes`.
* :func:`two_leader_conflicts`: two leaders, one key, a replication delay between them; last-writer-wins
  against keeping siblings. Closed forms: :func:`conflict_probability`, :func:`unseen_overwrite_probability`.

Leaderless replication is chapter 3's quorum model (``consistency.quorum``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from widgets import _check
# Chapter 3's checks of a seed and of a duration in ms, reused so both chapters word them alike.

#: Largest number of followers, users, events and crashes the simulations take.
MAX_FOLLOWERS = 20
MAX_USERS = 100_000
MAX_EVENTS = 200_000
MAX_CRASHES = 100_000
#: Largest rate (per second) of writes or of a user's actions.
MAX_RATE = 1e6
#: Euler-Mascheroni constant, for Ein(a) = gamma + ln a + E1(a).
EULER_GAMMA = 0.5772156649015329


def _rate(name: str, value: Any) -> float:
    return _check.number(name, value, 0, MAX_RATE, open_low=True)


# --------------------------------------------------------------------------
# The replication stream: in-order logs and their lag
# --------------------------------------------------------------------------


def _ein(a: float) -> float:
    """Ein(a) = integral from 0 to a of (1 - e^(-t))/t dt (the entire exponential integral)."""
    if a <= 12:
        total, term, k = 0.0, 1.0, 0
        while True:
            k += 1
            term *= -a / k if k > 1 else a  # (-1)^(k+1) a^k / k!
            total += term / k
            if abs(term) < 1e-18 * max(1.0, abs(total)) and k > a:
                return total
    e1 = math.exp(-a) / a * sum((-1) ** n * math.factorial(n) / a**n for n in range(10))  # asymptotic E1(a)
    return EULER_GAMMA + math.log(a) + e1


def lag_cdf(s_ms: Any, *, write_rate: float, mean_delay_ms: float) -> Any:
    """P(replication lag <= s): (1 - e^(-s/m)) exp(-lambda m e^(-s/m)), steady state, Poisson writes.

    ``write_rate`` in writes per second (lambda), ``mean_delay_ms`` the mean network delay m (ms).

    >>> round(lag_cdf(10.0, write_rate=0.001, mean_delay_ms=10.0), 4)  # rare writes: 1 - 1/e
    0.6321
    >>> round(lag_cdf(10.0, write_rate=100, mean_delay_ms=10.0), 4)  # in-order logs wait for earlier writes
    0.4376
    """
    lam = _check.number("write_rate", write_rate, 0, MAX_RATE) / 1_000  # per ms
    m = _check.milliseconds("mean_delay_ms", mean_delay_ms, positive=True)
    s = np.maximum(np.asarray(s_ms, dtype=float), 0.0)
    x = np.exp(-s / m)
    p = -np.expm1(-s / m) * np.exp(-lam * m * x)
    return float(p) if p.ndim == 0 else p


def mean_lag(write_rate: float, mean_delay_ms: float) -> float:
    """E[replication lag] (ms) = m (Ein(a) + (1 - e^(-a))/a), a = lambda m: the mean of :func:`lag_cdf`.

    >>> round(mean_lag(0.001, 10.0), 4), round(mean_lag(1_000, 2.0), 3)
    (10.0, 3.503)
    """
    lam = _check.number("write_rate", write_rate, 0, MAX_RATE) / 1_000
    m = _check.milliseconds("mean_delay_ms", mean_delay_ms, positive=True)
    a = lam * m
    if a < 1e-8:
        return m * (1 + a / 2)
    return m * (_ein(a) - math.expm1(-a) / a)


def expected_lost_writes(write_rate: float, mean_delay_ms: float) -> float:
    """Writes the leader committed that one follower does not hold yet, on average: lambda E[D].

    Little's law on the writes in flight to that follower (arrival rate lambda, mean time in flight
    E[D]): the writes an asynchronous leader's crash loses if that follower is promoted. When writes
    are rare against the delay it is the rate times the mean delay.

    >>> round(expected_lost_writes(1_000, 2.0), 3), round(expected_lost_writes(1, 100.0), 4)
    (3.503, 0.1049)
    """
    return _rate("write_rate", write_rate) / 1_000 * mean_lag(write_rate, mean_delay_ms)


def held_times(write_times_ms: Any, delays_ms: Any) -> np.ndarray:
    """When each follower holds each write: H_k = max over j <= k of (t_j + X_j), per column.

    ``write_times_ms``: the leader's commit times, non-decreasing; ``delays_ms``: one network delay per
    write (a vector) or per write and follower (a matrix, one column a follower). A follower applies
    its log in order, so a write waits for every earlier one.

    >>> held_times([0, 1, 2], [5, 1, 1]).tolist()
    [5.0, 5.0, 5.0]
    """
    times = np.asarray(write_times_ms, dtype=float)
    delays = np.asarray(delays_ms, dtype=float)
    if times.ndim != 1 or not np.isfinite(times).all() or (np.diff(times) < 0).any():
        raise ValueError("write_times_ms must be a non-decreasing sequence of finite numbers")
    if delays.shape[:1] != times.shape or delays.ndim > 2 or not (np.isfinite(delays) & (delays >= 0)).all():
        raise ValueError(f"delays_ms must hold one finite number >= 0 per write (and per follower), "
                         f"got shape {delays.shape} for {len(times)} writes")
    arrivals = times.reshape((-1,) + (1,) * (delays.ndim - 1)) + delays
    return np.maximum.accumulate(arrivals, axis=0) if len(times) else arrivals


def _positions(held: np.ndarray, at_ms: np.ndarray) -> np.ndarray:
    """How many writes each follower (column of ``held``) holds at each time: its log position."""
    return np.stack([np.searchsorted(held[:, f], at_ms, side="right") for f in range(held.shape[1])], axis=1)


# --------------------------------------------------------------------------
# 1. Read routing
# --------------------------------------------------------------------------

#: The read-routing policies :func:`route_reads` compares, on one stream.
ROUTING_POLICIES = ("any replica", "leader after own write", "sticky replica", "caught-up replica",
                    "always the leader")


@dataclass(frozen=True)
class RoutingOutcome:
    """What the reads saw under one policy.

    A read returns the serving replica's whole state (say, a shared timeline); its log position is
    how many writes that replica holds. Read-your-writes is violated when the position is below the
    user's own last write; monotonic reads when it is below a position the user has read before;
    a read is stale when it is below the leader's position at that moment.
    """

    policy: str
    reads: int
    reads_after_own_write: int
    read_your_writes_violations: int
    monotonic_read_violations: int
    stale_reads: int
    leader_reads: int

    @property
    def leader_share(self) -> float:
        """Share of reads the policy sends to the leader: its cost."""
        return self.leader_reads / self.reads if self.reads else 0.0


@dataclass(frozen=True)
class ReadRouting:
    """Every policy of ``ROUTING_POLICIES`` over the same seeded stream (see :func:`route_reads`)."""

    users: int
    followers: int
    events: int
    writes: int
    reads: int
    think_ms: float
    write_share: float
    mean_delay_ms: float
    window_ms: float
    write_rate: float  # writes per second, all users together
    mean_lag_ms: float  # measured over every write and follower
    expected_mean_lag_ms: float  # :func:`mean_lag`
    outcomes: tuple[RoutingOutcome, ...]

    def outcome(self, policy: str) -> RoutingOutcome:
        """The outcome of one policy, by name."""
        return self.outcomes[ROUTING_POLICIES.index(_check.choice("policy", policy, ROUTING_POLICIES))]


def _latest(mask: np.ndarray, group: np.ndarray, *, strict: bool) -> np.ndarray:
    """Per event, the index of the latest event of the same group with ``mask`` at or (``strict``) before it; -1 if none."""
    n = len(mask)
    order = np.argsort(group, kind="stable")  # grouped, in time order within a group
    sorted_group = group[order]
    at = np.arange(n)
    starts = np.maximum.accumulate(np.where(np.r_[True, sorted_group[1:] != sorted_group[:-1]], at, 0))
    last = np.maximum.accumulate(np.where(mask[order], at, -1))
    if strict:
        last = np.r_[-1, last[:-1]]
    found = last >= starts
    result = np.empty(n, dtype=np.int64)
    result[order] = np.where(found, order[np.maximum(last, 0)], -1)
    return result


def _highest_before(values: np.ndarray, group: np.ndarray) -> np.ndarray:
    """Per event, the highest of ``values`` (integers >= 0) over the same group's earlier events; -1 if none."""
    if len(values) == 0:
        return values.astype(np.int64)
    order = np.argsort(group, kind="stable")
    g = group[order].astype(np.int64)
    span = int(values.max()) + 2
    running = np.maximum.accumulate(g * span + values[order] + 1) - g * span - 1
    first = np.r_[True, g[1:] != g[:-1]]
    before = np.where(first, -1, np.r_[-1, running[:-1]])
    result = np.empty(len(values), dtype=np.int64)
    result[order] = before
    return result


def route_reads(
    users: int = 100,
    followers: int = 3,
    *,
    events: int = 4_000,
    think_ms: float = 500.0,
    write_share: float = 0.2,
    mean_delay_ms: float = 100.0,
    window_ms: float = 1_000.0,
    seed: int = 0,
) -> ReadRouting:
    """Users' writes and reads over a single-leader, asynchronous database, under every routing policy.

    Each user acts as a Poisson process with a mean gap ``think_ms``; an action is a write (to the
    leader) with probability ``write_share``, else a read. Followers apply the leader's log in order
    after exponential network delays of mean ``mean_delay_ms`` (:func:`held_times`). Reads are routed:

    * any replica: a follower drawn at random for each read;
    * leader after own write: the leader within ``window_ms`` of the user's own last write, else as above;
    * sticky replica: each user pinned to one follower, drawn at random once;
    * caught-up replica: the random follower if it holds the user's session position (its last write,
      and the leader's position at its previous read), else the leader;
    * always the leader.

    Followers are drawn with the same seeded draws under every policy, so the policies differ only
    in their rule.

    >>> r = route_reads(50, 3, events=2_000, seed=1)
    >>> [(o.read_your_writes_violations, o.monotonic_read_violations) for o in r.outcomes]
    [(122, 82), (0, 61), (123, 0), (0, 0), (0, 0)]
    """
    users = _check.integer("users", users, 1, MAX_USERS)
    followers = _check.integer("followers", followers, 1, MAX_FOLLOWERS)
    events = _check.integer("events", events, 1, MAX_EVENTS)
    think = _check.milliseconds("think_ms", think_ms, positive=True)
    share = _check.number("write_share", write_share, 0, 1)
    mean_delay = _check.milliseconds("mean_delay_ms", mean_delay_ms, positive=True)
    window = _check.milliseconds("window_ms", window_ms)
    rng = np.random.default_rng(_check.seed(seed))
    times = np.cumsum(rng.exponential(think / users, events))  # all users together: rate users / think
    who = rng.integers(0, users, events)
    is_write = rng.random(events) < share
    delays = rng.exponential(mean_delay, (int(is_write.sum()), followers))
    pinned = rng.integers(0, followers, users)
    drawn = rng.integers(0, followers, events)  # the follower a random read goes to

    held = held_times(times[is_write], delays)
    leader_position = np.cumsum(is_write)  # the leader's log position just after each event
    last_write = _latest(is_write, who, strict=False)
    previous_read = _latest(~is_write, who, strict=True)
    reads = ~is_write
    at, user, follower = times[reads], who[reads], drawn[reads]
    leader_now = leader_position[reads]
    own = np.where(last_write[reads] >= 0, leader_position[last_write[reads]], 0)
    own_time = np.where(last_write[reads] >= 0, times[np.maximum(last_write[reads], 0)], -np.inf)
    seen = np.where(previous_read[reads] >= 0, leader_position[np.maximum(previous_read[reads], 0)], 0)
    positions = _positions(held, at)  # reads x followers
    index = np.arange(len(at))
    token = np.maximum(own, seen)
    routes = {  # the follower each read goes to; -1: the leader
        "any replica": follower,
        "leader after own write": np.where(at - own_time < window, -1, follower),
        "sticky replica": pinned[user],
        "caught-up replica": np.where(positions[index, follower] >= token, follower, -1),
        "always the leader": np.full(len(at), -1),
    }
    outcomes = []
    for policy in ROUTING_POLICIES:
        served = routes[policy]
        position = np.where(served < 0, leader_now, positions[index, np.maximum(served, 0)])
        outcomes.append(RoutingOutcome(
            policy=policy, reads=len(at), reads_after_own_write=int((own > 0).sum()),
            read_your_writes_violations=int((position < own).sum()),
            monotonic_read_violations=int((position < _highest_before(position, user)).sum()),
            stale_reads=int((position < leader_now).sum()),
            leader_reads=int((served < 0).sum()),
        ))
    rate = users * share / think * 1_000
    return ReadRouting(
        users=users, followers=followers, events=events, writes=int(is_write.sum()), reads=len(at),
        think_ms=think, write_share=share, mean_delay_ms=mean_delay, window_ms=window, write_rate=rate,
        mean_lag_ms=float((held - times[is_write][:, None]).mean()) if len(held) else 0.0,
        expected_mean_lag_ms=mean_lag(rate, mean_delay),
        outcomes=tuple(outcomes),
    )


# --------------------------------------------------------------------------
# 2. Failover: lost writes and write latency
# --------------------------------------------------------------------------

#: How many followers must hold a write before the leader acknowledges it: none, one, all.
REPLICATION_MODES = ("asynchronous", "semi-synchronous", "synchronous")
#: Which follower becomes the leader: the one holding the most writes, or a designated standby (follower 1).
PROMOTIONS = ("most up-to-date", "designated")


@dataclass(frozen=True)
class ModeResult:
    """One replication mode over the same writes and crashes.

    ``lost_*``: acknowledged writes the promoted follower lacks when the leader crashes (a write not
    yet acknowledged was never promised to its client). ``ack_p*_ms``: time from the leader's commit to
    the client's acknowledgement (median and 99th percentile), infinite when writes block.
    ``expected_*``: closed forms, None where there is none.
    """

    mode: str
    blocked: bool
    lost_mean: float
    lost_max: int
    crashes_losing: float
    ack_p50_ms: float
    ack_p99_ms: float
    expected_lost: float | None
    expected_p50_ms: float
    expected_p99_ms: float


@dataclass(frozen=True)
class Failover:
    """The three modes of ``REPLICATION_MODES`` over one seeded stream of writes and crashes."""

    write_rate: float
    delays_ms: tuple[float, ...]
    down: int
    promote: str
    writes: int
    crashes: int
    results: tuple[ModeResult, ...]

    def result(self, mode: str) -> ModeResult:
        """The result of one mode, by name."""
        return self.results[REPLICATION_MODES.index(_check.choice("mode", mode, REPLICATION_MODES))]


def _delays(delays_ms: Any) -> tuple[float, ...]:
    """Per follower, its mean network delay (ms): a number (one follower) or a sequence."""
    if isinstance(delays_ms, (int, float, np.number)) and not isinstance(delays_ms, bool):
        values = [delays_ms]
    elif isinstance(delays_ms, Iterable) and not isinstance(delays_ms, (str, bytes)):
        values = list(delays_ms)
    else:
        values = []
    if not values or len(values) > MAX_FOLLOWERS:
        raise ValueError(f"delays_ms must be 1 to {MAX_FOLLOWERS} mean delays (ms), one per follower, got {delays_ms!r}")
    return tuple(_check.milliseconds(f"delays_ms[{i}]", d, positive=True) for i, d in enumerate(values))


def _groups(delays: tuple[float, ...]) -> list[tuple[float, int]]:
    """Followers grouped by mean delay: (delay, how many)."""
    return [(d, delays.count(d)) for d in sorted(set(delays))]


def _subsets(groups: list[tuple[float, int]]) -> list[tuple[int, float, tuple[int, ...]]]:
    """Every non-empty subset of the followers, up to relabelling within a group: (how many subsets
    it stands for, the sum of 1/m over it, how many followers it takes from each group)."""
    out = [(1, 0.0, ())]
    for delay, count in groups:
        out = [(mult * math.comb(count, k), rate + k / delay, (*taken, k))
               for mult, rate, taken in out for k in range(count + 1)]
    return [item for item in out if sum(item[2]) > 0]


def _all_hold(s: np.ndarray, lam: float, groups: list[tuple[float, int]], taken: tuple[int, ...]) -> np.ndarray:
    """P(every follower of a subset holds a write of age s): each got it, and no earlier write is still
    on its way to any of them (the probability generating functional of the Poisson past):
    prod (1 - e^(-s/m_f)) * exp(-lambda * sum over non-empty T of (-1)^(|T|+1) e^(-s r_T) / r_T),
    r_T the sum of 1/m_f over T."""
    chosen = [(d, k) for (d, _), k in zip(groups, taken) if k]
    own = np.prod([(-np.expm1(-s / d)) ** k for d, k in chosen], axis=0)
    waiting = sum((-1) ** (sum(t) + 1) * mult * np.exp(-s * rate) / rate for mult, rate, t in _subsets(chosen))
    return own * np.exp(-lam * waiting)


#: Most follower subsets (up to relabelling within groups of equal delay) the closed forms sum over.
MAX_SUBSETS = 1_024


def ack_cdf(s_ms: Any, *, write_rate: float, delays_ms: Any, mode: str) -> Any:
    """P(a write is acknowledged within s ms of its commit) under ``mode``, steady state, Poisson writes.

    Asynchronous: at once. Synchronous: once every follower holds it. Semi-synchronous: once one
    does, by inclusion-exclusion over the subsets that all hold it. Exact: the followers' lags share
    the same past writes, so they are not independent (a product of :func:`lag_cdf` would assume so).

    >>> round(ack_cdf(2.0, write_rate=1e-6, delays_ms=(2.0, 2.0), mode="synchronous"), 4)  # (1 - 1/e)^2
    0.3996
    >>> round(ack_cdf(2.0, write_rate=1e-6, delays_ms=(2.0, 2.0), mode="semi-synchronous"), 4)  # 1 - e^-2
    0.8647
    """
    lam = _check.number("write_rate", write_rate, 0, MAX_RATE) / 1_000
    delays = _delays(delays_ms)
    mode = _check.choice("mode", mode, REPLICATION_MODES)
    s = np.maximum(np.asarray(s_ms, dtype=float), 0.0)
    groups = _groups(delays)
    if math.prod(c + 1 for _, c in groups) > MAX_SUBSETS:
        raise ValueError(f"delays_ms must form at most {MAX_SUBSETS:,} subsets of followers for the closed form "
                         f"(the product of (followers + 1) over distinct delays), got {delays_ms!r}")
    if mode == "asynchronous":
        p = np.ones_like(s)
    elif mode == "synchronous":
        p = _all_hold(s, lam, groups, tuple(c for _, c in groups))
    else:
        p = sum((-1) ** (sum(t) + 1) * mult * _all_hold(s, lam, groups, t) for mult, _, t in _subsets(groups))
    return float(p) if p.ndim == 0 else p


def _grid(delays: tuple[float, ...], lam: float) -> np.ndarray:
    """Ages (ms) fine near 0 and long enough for every lag's tail."""
    top = max(delays) * (45 + math.log1p(lam * max(delays) * len(delays)))
    return np.concatenate([[0.0], np.geomspace(min(delays) * 1e-5, top, 3_000)])


def expected_failover(write_rate: float, delays_ms: Any, promote: str = "most up-to-date") -> dict:
    """Closed forms per mode: (acknowledged writes a crash loses on average, ack time p50, p99 in ms).

    By Little's law (Campbell's formula) each loss is lambda times a mean lag. Asynchronous, designated
    follower: lambda E[D_1]; asynchronous, most up-to-date: lambda E[min over followers of D] (the
    union of prefix logs is the longest one); semi-synchronous, designated: lambda (E[D_1] - E[min D])
    (acknowledged by some follower, not yet held by follower 1); semi-synchronous with the most
    up-to-date, and synchronous: none. The quantiles invert :func:`ack_cdf`.

    >>> e = expected_failover(1_000, (2.0, 2.0, 2.0), "designated")
    >>> {mode: round(lost, 2) for mode, (lost, p50, p99) in e.items()}
    {'asynchronous': 3.5, 'semi-synchronous': 1.74, 'synchronous': 0.0}
    """
    rate = _check.number("write_rate", write_rate, 0, MAX_RATE)
    delays = _delays(delays_ms)
    promote = _check.choice("promote", promote, PROMOTIONS)
    lam = rate / 1_000
    s = _grid(delays, lam)
    semi = ack_cdf(s, write_rate=rate, delays_ms=delays, mode="semi-synchronous")
    sync = ack_cdf(s, write_rate=rate, delays_ms=delays, mode="synchronous")
    first = lam * mean_lag(rate, delays[0])
    fastest = lam * float(np.trapezoid(1 - semi, s))

    def quantiles(cdf: np.ndarray) -> tuple[float, float]:
        return float(np.interp(0.5, cdf, s)), float(np.interp(0.99, cdf, s))

    designated = promote == "designated"
    return {
        "asynchronous": (first if designated else fastest, 0.0, 0.0),
        "semi-synchronous": (max(0.0, first - fastest) if designated else 0.0, *quantiles(semi)),
        "synchronous": (0.0, *quantiles(sync)),
    }


def failover_losses(
    write_rate: float = 1_000.0,
    delays_ms: Any = (2.0, 2.0, 2.0),
    *,
    down: int = 0,
    promote: str = "most up-to-date",
    writes: int = 20_000,
    crashes: int = 2_000,
    seed: int = 0,
) -> Failover:
    """The leader crashes at seeded random moments: the acknowledged writes each mode loses, and its latency.

    Writes arrive as a Poisson stream at ``write_rate`` per second. Follower f (in the order of
    ``delays_ms``, its mean network delay in ms) holds each write as :func:`held_times` says; the
    leader hears its acknowledgement at that moment (the way back is folded into the delay). The last
    ``down`` followers are down: they hold nothing, acknowledge nothing and cannot be promoted.

    * asynchronous: the leader acknowledges at once;
    * semi-synchronous: once one live follower holds the write (the fastest);
    * synchronous: once every follower holds it (the slowest); with a follower down, writes block.

    At each crash (uniform over the stream, after a warm-up of a tenth of it) a live follower is
    promoted: the most up-to-date one (holding the most writes) or the designated one (follower 1),
    and every acknowledged write it lacks is lost. Logs are prefixes, so a semi-synchronous write's
    acknowledging follower always holds it: promoting the most up-to-date loses none, promoting
    the designated loses one only when another follower acknowledged it. Synchronous never loses one.

    >>> f = failover_losses(1_000, (2.0, 2.0, 2.0), promote="designated")
    >>> [round(r.lost_mean, 2) for r in f.results], round(f.results[0].expected_lost, 2)
    ([3.57, 1.78, 0.0], 3.5)
    """
    rate = _rate("write_rate", write_rate)
    delays = _delays(delays_ms)
    down = _check.integer("down", down, 0, len(delays) - 1)
    promote = _check.choice("promote", promote, PROMOTIONS)
    n = _check.integer("writes", writes, 10, MAX_EVENTS)
    crashes = _check.integer("crashes", crashes, 1, MAX_CRASHES)
    rng = np.random.default_rng(_check.seed(seed))
    times = np.cumsum(rng.exponential(1_000 / rate, n))
    held = held_times(times, rng.exponential(delays, (n, len(delays))))
    live = len(delays) - down
    held[:, live:] = np.inf
    warm = n // 10
    crash_at = rng.uniform(times[warm], times[-1], crashes)
    holding = _positions(held[:, :live], crash_at)
    promoted = holding.max(axis=1) if promote == "most up-to-date" else holding[:, 0]
    acks = {"asynchronous": times, "semi-synchronous": held[:, :live].min(axis=1), "synchronous": held.max(axis=1)}
    closed = expected_failover(rate, delays[:live], promote)
    results = []
    for mode in REPLICATION_MODES:
        acked = np.searchsorted(acks[mode], crash_at, side="right")
        lost = np.maximum(acked - promoted, 0)
        blocked = mode == "synchronous" and down > 0
        latency = acks[mode][warm:] - times[warm:]
        p50, p99 = (math.inf, math.inf) if blocked else np.percentile(latency, (50, 99)).tolist()
        expected = closed[mode] if not blocked else (None, math.inf, math.inf)
        results.append(ModeResult(
            mode=mode, blocked=blocked, lost_mean=float(lost.mean()), lost_max=int(lost.max()),
            crashes_losing=float((lost > 0).mean()), ack_p50_ms=p50, ack_p99_ms=p99,
            expected_lost=expected[0], expected_p50_ms=expected[1], expected_p99_ms=expected[2],
        ))
    return Failover(write_rate=rate, delays_ms=delays, down=down, promote=promote, writes=n, crashes=crashes,
                    results=tuple(results))


# --------------------------------------------------------------------------
# 3. Multi-leader: last-writer-wins against siblings
# --------------------------------------------------------------------------


def conflict_probability(rate: float, other_rate: float, delay_ms: float) -> float:
    """P(a write at one leader is concurrent with at least one write at the other): 1 - e^(-2 lambda' d).

    Writes to one key are Poisson, ``rate`` and ``other_rate`` per second at the two leaders, and each
    reaches the other leader ``delay_ms`` later. Writes at t and t' are concurrent (neither saw the
    other) exactly when |t - t'| < d: a window of 2d around each write. ``rate`` does not enter:
    writes at the same leader are ordered.

    >>> round(conflict_probability(1, 1, 100), 4)
    0.1813
    """
    _rate("rate", rate)
    other = _rate("other_rate", other_rate) / 1_000
    return -math.expm1(-2 * other * _check.milliseconds("delay_ms", delay_ms))


def unseen_overwrite_probability(rate: float, other_rate: float, delay_ms: float, skew_ms: float = 0.0) -> float:
    """P(a write at leader A meets a later-stamped write at B that had not seen it): 1 - e^(-lambda_B (d + s)).

    ``skew_ms`` (s): how far B's clock runs ahead of A's. A write at A at t, stamped t, is beaten by a
    B write at t' (stamped t' + s) that had not seen it when t' < t + d and t' + s > t: a window of
    d + s (none if negative). Every write last-writer-wins loses is such a write (the converse fails:
    the write that beat it may itself lose later), so this bounds A's share of lost writes.
    For B's writes swap the rates and negate the skew.

    >>> round(unseen_overwrite_probability(1, 1, 100), 4), round(unseen_overwrite_probability(1, 1, 100, 100), 4)
    (0.0952, 0.1813)
    """
    _rate("rate", rate)
    other = _rate("other_rate", other_rate) / 1_000
    skew = _check.number("skew_ms", skew_ms, -_check.MAX_MS, _check.MAX_MS)
    return -math.expm1(-other * max(0.0, _check.milliseconds("delay_ms", delay_ms) + skew))


@dataclass(frozen=True)
class MultiLeader:
    """Two leaders, A and B, writing one key (see :func:`two_leader_conflicts`); shares are of all writes.

    ``conflicting``: writes concurrent with at least one write at the other leader, what version
    vectors keep as siblings and report; ``lww_lost``: writes whose update is missing from the value
    both leaders converge to under last-writer-wins (siblings lose none); ``unseen_overwritten``:
    writes beaten by a later-stamped write that had not seen them, a superset of the lost ones.
    """

    rate_a: float
    rate_b: float
    delay_ms: float
    skew_ms: float
    writes_a: int
    writes_b: int
    concurrent_pairs: int
    conflicting: int
    lww_lost_a: int
    lww_lost_b: int
    unseen_overwritten: int  # writes beaten by a later-stamped write that had not seen them
    expected_conflict_share: float
    expected_unseen_overwrite_share: float

    @property
    def writes(self) -> int:
        return self.writes_a + self.writes_b

    @property
    def lww_lost(self) -> int:
        return self.lww_lost_a + self.lww_lost_b

    @property
    def conflict_share(self) -> float:
        return self.conflicting / self.writes if self.writes else 0.0

    @property
    def lww_lost_share(self) -> float:
        return self.lww_lost / self.writes if self.writes else 0.0


def _poisson_times(rng: np.random.Generator, rate_per_ms: float, duration_ms: float) -> np.ndarray:
    expected = rate_per_ms * duration_ms
    gaps = rng.exponential(1 / rate_per_ms, int(expected + 10 * math.sqrt(expected) + 10))
    times = np.cumsum(gaps)
    return times[times < duration_ms]


def lww_survivors(times_a: Any, times_b: Any, delay_ms: float, skew_ms: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """Which writes' updates survive last-writer-wins: (mask over A's writes, mask over B's).

    Each write builds on the value its leader holds (the highest-stamped write it has received: its own
    earlier writes, and the other leader's written more than ``delay_ms`` ago); A stamps with its clock,
    B with its clock ``skew_ms`` ahead. Both leaders converge to the highest-stamped write, whose value
    carries exactly its chain of predecessors: the survivors. Times in ms, each leader's sorted.

    >>> [m.tolist() for m in lww_survivors([0, 200], [50], 100)]  # A's at 200 builds on B's, which never saw A's at 0
    [[False, True], [True]]
    """
    a, b = np.asarray(times_a, dtype=float), np.asarray(times_b, dtype=float)
    delay = _check.milliseconds("delay_ms", delay_ms)
    skew = _check.number("skew_ms", skew_ms, -_check.MAX_MS, _check.MAX_MS)
    stamps = np.concatenate([a, b + skew])
    na = len(a)

    def parent(own: np.ndarray, own_offset: int, other: np.ndarray, other_offset: int) -> np.ndarray:
        at = np.arange(len(own))
        mine = np.where(at > 0, at - 1 + own_offset, -1)  # the previous write at the same leader
        theirs = np.searchsorted(other, own - delay, side="left") - 1  # last one written before t - d
        theirs = np.where(theirs >= 0, theirs + other_offset, -1)
        stamp = lambda i: np.where(i >= 0, stamps[np.maximum(i, 0)], -np.inf)  # noqa: E731
        return np.where(stamp(theirs) > stamp(mine), theirs, mine)

    parents = np.concatenate([parent(a, 0, b, na), parent(b, na, a, 0)]).tolist()
    alive = np.zeros(len(stamps), dtype=bool)
    node = int(np.argmax(stamps)) if len(stamps) else -1
    while node >= 0:
        alive[node] = True
        node = parents[node]
    return alive[:na], alive[na:]


def two_leader_conflicts(
    rate_a: float = 1.0,
    rate_b: float = 1.0,
    delay_ms: float = 100.0,
    *,
    skew_ms: float = 0.0,
    writes: int = 4_000,
    seed: int = 0,
) -> MultiLeader:
    """Two leaders take writes to one key; last-writer-wins loses updates, siblings keep and report them.

    Seeded Poisson writes at ``rate_a`` and ``rate_b`` per second, about ``writes`` in all; each
    leader's writes reach the other ``delay_ms`` later; B's clock runs ``skew_ms`` ahead of A's.
    Concurrent pairs (|t - t'| < d) are counted directly; last-writer-wins by :func:`lww_survivors`.

    >>> m = two_leader_conflicts(1, 1, 100, seed=1)
    >>> m.writes, m.conflicting, m.lww_lost, round(m.expected_conflict_share, 4)
    (4014, 688, 329, 0.1813)
    """
    ra, rb = _rate("rate_a", rate_a), _rate("rate_b", rate_b)
    delay = _check.milliseconds("delay_ms", delay_ms)
    skew = _check.number("skew_ms", skew_ms, -_check.MAX_MS, _check.MAX_MS)
    n = _check.integer("writes", writes, 2, MAX_EVENTS)
    rng = np.random.default_rng(_check.seed(seed))
    duration = n / (ra + rb) * 1_000
    a, b = _poisson_times(rng, ra / 1_000, duration), _poisson_times(rng, rb / 1_000, duration)
    low, high = np.searchsorted(b, a - delay, side="right"), np.searchsorted(b, a + delay, side="left")
    near_a = high - low  # B's writes concurrent with each of A's
    low_b, high_b = np.searchsorted(a, b - delay, side="right"), np.searchsorted(a, b + delay, side="left")
    kept_a, kept_b = lww_survivors(a, b, delay, skew)
    beaten_a = np.searchsorted(b, a + delay, side="left") > np.searchsorted(b, a - skew, side="right")
    beaten_b = np.searchsorted(a, b + delay, side="left") > np.searchsorted(a, b + skew, side="right")
    total = ra + rb
    return MultiLeader(
        rate_a=ra, rate_b=rb, delay_ms=delay, skew_ms=skew, writes_a=len(a), writes_b=len(b),
        concurrent_pairs=int(near_a.sum()),
        conflicting=int((near_a > 0).sum() + (high_b > low_b).sum()),
        lww_lost_a=int((~kept_a).sum()),
        lww_lost_b=int((~kept_b).sum()),
        unseen_overwritten=int(beaten_a.sum() + beaten_b.sum()),
        expected_conflict_share=(ra * conflict_probability(ra, rb, delay) + rb * conflict_probability(rb, ra, delay))
        / total,
        expected_unseen_overwrite_share=(ra * unseen_overwrite_probability(ra, rb, delay, skew)
                                         + rb * unseen_overwrite_probability(rb, ra, delay, -skew)) / total,
    )
