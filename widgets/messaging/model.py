"""Message queues: a queue as a buffer for a traffic spike, push against pull consumers, and Kafka's
partitions, consumer groups and offset commits under a crash.

* **The spike.** Messages arrive at ``normal_rate`` per second, then at ``spike_rate`` for ``spike_s``
  seconds; ``consumers`` each handle ``per_consumer_rate`` a second, so the group drains at
  mu = consumers x per_consumer_rate. The closed form treats messages as a fluid: the backlog grows at
  spike_rate - mu through the spike, backlog = (spike_rate - mu) T, then shrinks at mu - normal_rate, so it
  drains in backlog / (mu - normal_rate); with mu <= normal_rate it never drains (:func:`drain_time` is
  infinite). :func:`spike_run` sets a seeded simulation (Poisson arrivals and completions, second by
  second, vectorised) beside the closed form; :func:`consumers_needed` inverts it for a target drain time.
* **Push against pull** (:func:`push_pull`): a broker that pushes at the arrival rate piles the backlog
  into the consumers' memory, and past their buffer it drops; pull consumers fetch a bounded batch when
  they are ready, so the backlog waits in the broker.
* **Kafka's model.** :func:`assign_partitions` gives each partition of a topic to one consumer of a group
  (Kafka's range and round-robin assignors): consumers beyond the partition count sit idle.
  :func:`consume` runs a group over a topic with offsets committed before or after processing, crashes
  injected after chosen messages (:func:`widgets._sim.crash_if`), and effects written to real SQLite:
  commit-before loses messages, commit-after duplicates them, and an idempotent consumer (a processed-ids
  table in the effect's transaction) turns at-least-once delivery into exactly-once effects.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from widgets import _check
from widgets._sim import Crash, connect, crash_if, transaction

MAX_RATE = 1e9
MAX_S = 1e6

# ---------------------------------------------------------------- the spike: closed forms


def _rate(name: str, value: float, *, positive: bool = False) -> float:
    return _check.number(name, value, 0, MAX_RATE, open_low=positive)


def capacity(consumers: int, per_consumer_rate: float) -> float:
    """Messages a second the group can handle: mu = consumers x per-consumer rate.

    >>> capacity(4, 100)
    400.0
    """
    consumers = _check.integer("consumers", consumers, 1, 100_000)
    return consumers * _rate("per_consumer_rate", per_consumer_rate, positive=True)


def spike_backlog(spike_rate: float, spike_s: float, consumers: int, per_consumer_rate: float) -> float:
    """The backlog a spike leaves (fluid, from an empty queue): max(0, spike_rate - mu) x T.

    >>> spike_backlog(1000, 60, 4, 100)
    36000.0
    """
    spike_rate = _rate("spike_rate", spike_rate)
    spike_s = _check.number("spike_s", spike_s, 0, MAX_S)
    return max(0.0, spike_rate - capacity(consumers, per_consumer_rate)) * spike_s


def drain_time(backlog: float, normal_rate: float, consumers: int, per_consumer_rate: float) -> float:
    """Seconds to clear ``backlog`` once arrivals are back to normal: backlog / (mu - normal_rate).

    Infinite when mu <= normal_rate and there is a backlog: the queue never drains.

    >>> drain_time(36000, 300, 4, 100), drain_time(36000, 300, 3, 100), drain_time(0, 300, 3, 100)
    (360.0, inf, 0.0)
    """
    backlog = _check.number("backlog", backlog, 0, 1e15)
    normal_rate = _rate("normal_rate", normal_rate)
    mu = capacity(consumers, per_consumer_rate)
    if backlog == 0:
        return 0.0
    return backlog / (mu - normal_rate) if mu > normal_rate else math.inf


def consumers_needed(spike_rate: float, spike_s: float, normal_rate: float, per_consumer_rate: float,
                     target_drain_s: float) -> int:
    """The fewest consumers that clear a spike's backlog within ``target_drain_s`` of its end.

    Draining within D needs (spike_rate - mu) T <= (mu - normal_rate) D, that is mu at least the mean
    arrival rate over the spike and the drain, (spike_rate T + normal_rate D) / (T + D); and mu must
    exceed normal_rate for the queue to drain at all.

    >>> consumers_needed(1000, 60, 300, 100, 60), consumers_needed(1000, 60, 300, 100, 0)
    (7, 10)
    """
    spike_rate = _rate("spike_rate", spike_rate)
    spike_s = _check.number("spike_s", spike_s, 0, MAX_S)
    normal_rate = _rate("normal_rate", normal_rate)
    per = _rate("per_consumer_rate", per_consumer_rate, positive=True)
    target = _check.number("target_drain_s", target_drain_s, 0, MAX_S)
    if spike_s + target == 0:
        mean_rate = spike_rate
    else:
        mean_rate = (spike_rate * spike_s + normal_rate * target) / (spike_s + target)
    enough = math.ceil(mean_rate / per - 1e-9)
    above_normal = math.floor(normal_rate / per + 1e-9) + 1  # mu > normal_rate, strictly
    return max(1, enough, above_normal)


# ---------------------------------------------------------------- the spike: closed form against simulation


@dataclass(frozen=True)
class SpikeRun:
    """A spike into a queue, second by second: the closed form (fluid) and one seeded simulation.

    ``times_s`` are the ends of each second; backlogs are messages waiting or in progress.
    """

    times_s: np.ndarray
    closed_form: np.ndarray
    simulated: np.ndarray
    capacity: float
    normal_rate: float
    spike_start_s: float
    spike_end_s: float
    backlog_at_end: float  # closed form, at the spike's end
    simulated_backlog_at_end: float
    drain_s: float  # closed form, from the spike's end; inf: never
    simulated_drain_s: float  # first empty second after the spike's end; inf: not within the run
    arrivals: np.ndarray  # messages arriving in each second (seeded)
    completions: np.ndarray  # completions each second could make if busy (seeded)

    @property
    def drains(self) -> bool:
        """Whether the queue ever drains (capacity above normal arrivals, or no backlog at all)."""
        return math.isfinite(self.drain_s)

    @property
    def peak_backlog(self) -> float:
        """The closed form's largest backlog within the run."""
        return float(self.closed_form.max())


def fluid_backlog(times_s, normal_rate: float, spike_rate: float, spike_start_s: float, spike_s: float,
                  mu: float) -> np.ndarray:
    """The closed-form (fluid) backlog at ``times_s``: piecewise linear, floored at zero.

    Before the spike it grows at max(0, normal_rate - mu); through it at spike_rate - mu; after it at
    normal_rate - mu, never below zero.

    >>> fluid_backlog([0, 30, 90, 150, 600], 300, 1000, 30, 60, 400).tolist()
    [0.0, 0.0, 36000.0, 30000.0, 0.0]
    """
    t = np.asarray(times_s, dtype=float)
    end = spike_start_s + spike_s
    before = max(0.0, normal_rate - mu) * np.minimum(t, spike_start_s)
    at_start = max(0.0, normal_rate - mu) * spike_start_s
    during = np.maximum(0.0, at_start + (spike_rate - mu) * np.clip(t - spike_start_s, 0, spike_s))
    at_end = max(0.0, at_start + (spike_rate - mu) * spike_s)
    after = np.maximum(0.0, at_end + (normal_rate - mu) * np.maximum(t - end, 0))
    return np.where(t <= spike_start_s, before, np.where(t <= end, during, after))


def lindley(arrivals, completions) -> np.ndarray:
    """A queue's backlog after each step, from arrivals and possible completions per step, vectorised.

    B_k = max(0, B_(k-1) + A_k - S_k) from B_0 = 0 is X_k - min(0, min over j <= k of X_j), X the running
    sum of A - S (Lindley's recursion as a running minimum).

    >>> lindley([5, 0, 0, 3], [2, 2, 2, 2]).tolist()
    [3, 1, 0, 1]
    """
    x = np.cumsum(np.asarray(arrivals) - np.asarray(completions))
    return x - np.minimum(0, np.minimum.accumulate(x))


def spike_run(spike_rate: float, spike_s: float, consumers: int, *, normal_rate: float = 300.0,
              per_consumer_rate: float = 100.0, spike_start_s: int = 30, horizon_s: int = 600,
              seed: int = 0) -> SpikeRun:
    """A spike into a queue over ``horizon_s`` seconds: the closed form and a seeded simulation.

    The simulation draws each second's arrivals, Poisson with the second's rate, and its completions,
    Poisson with mean mu (exponential handling times while every consumer is busy); the backlog follows
    Lindley's recursion (:func:`lindley`).

    >>> run = spike_run(1000, 60, 4)
    >>> run.backlog_at_end, run.drain_s, abs(run.simulated_drain_s - run.drain_s) < 36
    (36000.0, 360.0, True)
    """
    spike_rate = _rate("spike_rate", spike_rate)
    spike_s = _check.integer("spike_s", spike_s, 0, 100_000)
    normal_rate = _rate("normal_rate", normal_rate)
    horizon_s = _check.integer("horizon_s", horizon_s, 1, 1_000_000)
    spike_start_s = _check.integer("spike_start_s", spike_start_s, 0, horizon_s - 1)
    seed = _check.integer("seed", seed, 0, 2**32 - 1)
    mu = capacity(consumers, per_consumer_rate)
    times = np.arange(1, horizon_s + 1, dtype=float)
    end = spike_start_s + spike_s
    in_spike = (times > spike_start_s) & (times <= end)
    rng = np.random.default_rng(seed)
    arrivals = rng.poisson(np.where(in_spike, spike_rate, normal_rate))
    completions = rng.poisson(mu, horizon_s)
    simulated = lindley(arrivals, completions)
    closed = fluid_backlog(times, normal_rate, spike_rate, spike_start_s, spike_s, mu)
    at_end = float(fluid_backlog([end], normal_rate, spike_rate, spike_start_s, spike_s, mu)[0])
    drain = drain_time(at_end, normal_rate, consumers, per_consumer_rate)
    sim_at_end = float(simulated[end - 1]) if 0 < end <= horizon_s else math.nan
    empty = np.flatnonzero((times >= end) & (simulated == 0))
    sim_drain = float(times[empty[0]] - end) if empty.size else math.inf
    return SpikeRun(times, closed, simulated, mu, normal_rate, float(spike_start_s), float(end), at_end,
                    sim_at_end, drain, sim_drain, arrivals, completions)


@dataclass(frozen=True)
class PushPull:
    """Where a spike's backlog sits, second by second, with push and with pull consumers."""

    push_memory: np.ndarray  # messages held in the consumers' memory (push)
    push_dropped: np.ndarray  # messages dropped so far (push: the buffers were full)
    pull_memory: np.ndarray  # messages fetched but not yet handled (pull: at most a batch each)
    pull_broker: np.ndarray  # messages waiting in the broker (pull)


def push_pull(run: SpikeRun, consumers: int, *, buffer: int = 2000, batch: int = 500) -> PushPull:
    """Push against pull on the same seeded arrivals and completions as ``run``.

    Push: the broker forwards every message as it arrives, so the whole backlog sits in the consumers'
    memory; beyond ``buffer`` messages each it is dropped (a real broker may redeliver instead: more
    load, the same overflow). Pull: each consumer fetches at most ``batch`` messages when it is ready,
    so it holds at most a batch and the rest waits, stored, in the broker.

    >>> run = spike_run(1000, 60, 4)
    >>> pp = push_pull(run, 4)
    >>> int(pp.push_memory.max()), int(pp.pull_memory.max()), int(pp.push_dropped[-1]) > 0
    (8000, 2000, True)
    """
    consumers = _check.integer("consumers", consumers, 1, 100_000)
    buffer = _check.integer("buffer", buffer, 1, 10**9)
    batch = _check.integer("batch", batch, 1, 10**9)
    limit = consumers * buffer
    memory = np.empty(len(run.arrivals), dtype=np.int64)
    dropped = np.empty_like(memory)
    held = lost = 0
    for k, (a, s) in enumerate(zip(run.arrivals.tolist(), run.completions.tolist())):
        held = max(0, held + a - s)
        if held > limit:
            lost, held = lost + held - limit, limit
        memory[k], dropped[k] = held, lost
    pulled = np.minimum(run.simulated, consumers * batch)
    return PushPull(memory, dropped, pulled, run.simulated - pulled)


# ---------------------------------------------------------------- Kafka: partitions and consumer groups

ASSIGNORS = ("range", "roundrobin")
COMMITS = ("before", "after")


def assign_partitions(partitions: int | tuple[int, ...], consumers: int, strategy: str = "range"
                      ) -> tuple[tuple[tuple[int, int], ...], ...]:
    """Each consumer's (topic, partition) pairs, as Kafka's range or round-robin assignor gives them.

    ``partitions`` is one topic's partition count, or a tuple of counts for topics 0, 1, ... Range works
    topic by topic: consecutive partitions, the first consumers one extra when they do not divide.
    Round robin deals every topic's partitions in turn. Each partition goes to exactly one consumer;
    with more consumers than partitions, the extra ones get nothing (idle).

    >>> [[p for _, p in a] for a in assign_partitions(3, 5)]
    [[0], [1], [2], [], []]
    """
    counts = (partitions,) if not isinstance(partitions, tuple) else partitions
    counts = tuple(_check.integer("partitions", n, 1, 10_000) for n in counts)
    consumers = _check.integer("consumers", consumers, 1, 10_000)
    strategy = _check.choice("strategy", strategy, ASSIGNORS)
    owned: list[list[tuple[int, int]]] = [[] for _ in range(consumers)]
    if strategy == "range":
        for topic, n in enumerate(counts):
            each, extra = divmod(n, consumers)
            for c in range(consumers):
                start = each * c + min(c, extra)
                owned[c] += [(topic, p) for p in range(start, start + each + (c < extra))]
    else:
        every = [(topic, p) for topic, n in enumerate(counts) for p in range(n)]
        for k, tp in enumerate(every):
            owned[k % consumers].append(tp)
    return tuple(tuple(a) for a in owned)


EFFECTS_SCHEMA = """
CREATE TABLE IF NOT EXISTS effects (message_id INTEGER PRIMARY KEY, times INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS processed (message_id INTEGER PRIMARY KEY);  -- the idempotent consumer's record
"""


@dataclass(frozen=True)
class GroupRun:
    """A consumer group's run over a topic: who read what, and each message's effect count."""

    assignment: tuple[tuple[int, ...], ...]  # partitions of each consumer
    partition_of: tuple[int, ...]  # each message's partition
    offset_of: tuple[int, ...]  # each message's offset in it
    effects: tuple[int, ...]  # times each message's effect was applied (read back from SQLite)
    deliveries: int  # messages handed to the consumers, redeliveries included
    crashed: tuple[int, ...]  # the consumer that crashed, for each crash that happened

    @property
    def crashes(self) -> int:
        """How many crashes happened."""
        return len(self.crashed)

    @property
    def idle(self) -> tuple[int, ...]:
        """Consumers with no partition."""
        return tuple(c for c, parts in enumerate(self.assignment) if not parts)

    @property
    def processed(self) -> int:
        """Messages whose effect was applied at least once."""
        return sum(e > 0 for e in self.effects)

    @property
    def lost(self) -> tuple[int, ...]:
        """Messages whose effect never happened."""
        return tuple(m for m, e in enumerate(self.effects) if e == 0)

    @property
    def duplicated(self) -> tuple[int, ...]:
        """Messages whose effect happened more than once."""
        return tuple(m for m, e in enumerate(self.effects) if e > 1)


def _apply(conn, message: int, idempotent: bool) -> None:
    """Apply one message's effect in one SQLite transaction; idempotent: only if its id is new."""
    with transaction(conn):
        if idempotent and not conn.execute("INSERT OR IGNORE INTO processed VALUES (?)", (message,)).rowcount:
            return
        conn.execute("INSERT INTO effects VALUES (?, 1) ON CONFLICT (message_id) DO UPDATE SET times = times + 1",
                     (message,))


def consume(partitions: int, consumers: int, messages: int, *, commit: str = "after", batch: int = 3,
            crashes: tuple[int, ...] = (), idempotent: bool = False, strategy: str = "range") -> GroupRun:
    """A consumer group reads a topic; offsets are committed ``before`` or ``after`` processing a batch.

    Message m goes to partition m mod ``partitions``. In turns, each consumer polls up to ``batch``
    messages from its next partition, from its position. ``commit="before"`` commits the new offset,
    then processes; ``"after"`` processes, then commits. A crash after the n-th message handled (n in
    ``crashes``, redeliveries counted) kills that consumer; it comes back (as a rebalance would hand its
    partitions to another member) and resumes from the committed offsets. Each effect is a row in an
    SQLite table; ``idempotent`` records each message id in the effect's own transaction and skips ids
    already there.

    >>> run = consume(6, 4, 24, commit="before", crashes=(5,))
    >>> run.lost, run.duplicated
    ((14,), ())
    >>> consume(6, 4, 24, commit="after", crashes=(5,)).duplicated
    (2, 8)
    >>> consume(6, 4, 24, commit="after", crashes=(5,), idempotent=True).effects == (1,) * 24
    True
    """
    assignment = tuple(tuple(p for _, p in a) for a in assign_partitions(partitions, consumers, strategy))
    messages = _check.integer("messages", messages, 1, 100_000)
    commit = _check.choice("commit", commit, COMMITS)
    batch = _check.integer("batch", batch, 1, 10_000)
    pending = sorted({_check.integer("crashes", n, 1, 10**6) for n in crashes})
    logs = [list(range(p, messages, partitions)) for p in range(partitions)]
    committed = [0] * partitions  # the broker's record of each partition's next offset to read
    position = list(committed)  # each partition's position in its consumer's memory
    turn = [0] * consumers  # which of its partitions each consumer polls next
    conn = connect(":memory:", EFFECTS_SCHEMA)
    handled, crashed = 0, []
    try:
        while any(position[p] < len(logs[p]) for p in range(partitions)):
            for c, owned in enumerate(assignment):
                ready = [p for p in owned if position[p] < len(logs[p])]
                if not ready:
                    continue
                p = ready[turn[c] % len(ready)]
                turn[c] += 1
                polled = logs[p][position[p]:position[p] + batch]
                position[p] += len(polled)
                if commit == "before":
                    committed[p] = position[p]
                try:
                    for message in polled:
                        _apply(conn, message, idempotent)
                        handled += 1
                        crash_if("after_processing", "after_processing" if pending else None, now=handled,
                                 crash_on=pending[0] if pending else 0, item="message")
                except Crash:
                    pending.pop(0)
                    crashed.append(c)
                    for q in owned:  # the restarted consumer knows only the committed offsets
                        position[q] = committed[q]
                    continue
                committed[p] = position[p]
        rows = dict(conn.execute("SELECT message_id, times FROM effects").fetchall())
    finally:
        conn.close()
    return GroupRun(assignment, tuple(m % partitions for m in range(messages)),
                    tuple(m // partitions for m in range(messages)),
                    tuple(rows.get(m, 0) for m in range(messages)), handled, tuple(crashed))


def commit_table(partitions: int, consumers: int, messages: int, *, batch: int = 3,
                 crash_after: int = 0) -> dict[str, GroupRun]:
    """The same topic, group and crash under each way to commit: before, after, after + idempotent.

    ``crash_after``: a consumer crashes after the group has handled that many messages (0: no crash).

    >>> {name: len(run.lost) for name, run in commit_table(6, 4, 24, crash_after=5).items()}
    {'commit, then process': 1, 'process, then commit': 0, 'process, then commit, idempotent': 0}
    """
    messages = _check.integer("messages", messages, 1, 100_000)
    crash_after = _check.integer("crash_after", crash_after, 0, messages)
    args = {"batch": batch, "crashes": (crash_after,) if crash_after else ()}
    return {
        "commit, then process": consume(partitions, consumers, messages, commit="before", **args),
        "process, then commit": consume(partitions, consumers, messages, commit="after", **args),
        "process, then commit, idempotent": consume(partitions, consumers, messages, commit="after",
                                                    idempotent=True, **args),
    }
