"""Caching strategies step by step: who talks to whom on each read and write, and what it costs.

:func:`run` replays one short scripted scenario (:data:`SCRIPT`) under a strategy and
returns each step's messages among the app, the cache and the database, what the
cache and the database hold afterwards, and whether a read returned an outdated
value. :func:`summary` turns the runs into a table of database traffic, latency,
staleness and data-loss risk. Plain Python: no widgets.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd

from .. import _check
from widgets._sim import Message

ACTORS = ("app", "cache", "database")

#: Each strategy: (who loads a missing key, what a write does), in the order shown.
STRATEGIES = {
    "cache-aside": ("app", "invalidate"),  # app reads the DB on a miss and fills the cache; writes: DB, then delete
    "read-through": ("cache", "database"),  # cache loads misses; writes go to the DB only: old copy lives to its TTL
    "write-through": ("cache", "through"),  # writes go to the cache, which writes the DB before answering
    "write-back": ("cache", "back"),  # writes stay in the cache (dirty) until a flush or an eviction
    "write-around": ("cache", "invalidate"),  # writes bypass the cache (DB, then delete): the next read misses
}
#: The write-back variant in which the cache crashes where the others flush.
CRASH = "write-back, cache crashes before flush"
RUNS = (*STRATEGIES, CRASH)

TTL_S = 30.0
CAPACITY = 1  # entries: small, so that the script shows evictions
INITIAL_DB = (("x", 1), ("y", 1))

#: The scenario: (time in seconds, operation, key, value written).
SCRIPT = (
    (0, "read", "x", None),  # cold miss
    (5, "read", "x", None),  # hit
    (10, "write", "x", 2),
    (15, "read", "x", None),  # after the write: miss, fresh hit or stale hit
    (20, "flush", None, None),  # write-back flushes dirty entries (the crash variant crashes here)
    (35, "read", "x", None),  # an entry loaded at t = 0 has expired (TTL 30 s)
    (38, "write", "y", 2),  # a key not in the cache: write-allocate or not
    (42, "read", "y", None),  # capacity 1: a miss here evicts x
    (50, "read", "x", None),  # x was evicted: miss (write-back first flushes dirty y)
)


@dataclass(frozen=True)
class Entry:
    """A cached value; ``dirty``: written to the cache but not yet to the database.

    >>> run("write-back")[2].cache
    (Entry(key='x', value=2, expires_s=40.0, dirty=True),)
    """

    key: str
    value: int
    expires_s: float
    dirty: bool = False


@dataclass(frozen=True)
class Step:
    """One operation of a run and the state after it.

    >>> step = run("cache-aside")[0]
    >>> step.action, step.outcome, [m.kind for m in step.messages]
    ('read x', 'miss', ['get x', 'miss', 'read x', 'x=1', 'set x=1'])
    """

    time_s: float
    action: str  # "read x", "write x=2", "flush", "cache crash"
    key: str | None  # the key read or written
    messages: tuple[Message, ...]
    outcome: str  # "hit", "miss", "stale hit", "written", ...
    returned: int | None  # the value a read returned
    stale: bool  # a read returned something other than the latest acknowledged write
    note: str  # "evicts x", "x expired", ...
    cache: tuple[Entry, ...]
    database: tuple[tuple[str, int], ...]
    latest: tuple[tuple[str, int], ...]  # the latest acknowledged value of each key

    @property
    def latest_value(self) -> int | None:
        """The latest acknowledged value of the key read or written (None for a flush or a crash).

        >>> run("read-through")[3].latest_value
        2
        """
        return dict(self.latest).get(self.key)

    @property
    def lacking(self) -> tuple[tuple[str, int], ...]:
        """The acknowledged writes the database does not have yet: (key, latest value).

        >>> run("write-back")[2].lacking, run("write-back")[4].lacking
        ((('x', 2),), ())
        """
        latest = dict(self.latest)
        return tuple((key, latest[key]) for key, value in self.database if value != latest[key])


class _Run:
    """The mutable state of one run; :func:`run` freezes it into Steps."""

    def __init__(self, strategy: str) -> None:
        self.loader, self.on_write = STRATEGIES["write-back" if strategy == CRASH else strategy]
        self.cache: dict[str, Entry] = {}
        self.db = dict(INITIAL_DB)
        self.latest = dict(INITIAL_DB)
        self.messages: list[Message] = []
        self.notes: list[str] = []

    def send(self, sender: str, receiver: str, kind: str) -> None:
        self.messages.append(Message(sender, receiver, kind))

    def make_room(self, key: str, now: float) -> None:
        """Evict the oldest entry (flushing it first if dirty) when ``key`` needs a place."""
        if key in self.cache or len(self.cache) < CAPACITY:
            return
        old = next(iter(self.cache.values()))
        del self.cache[old.key]
        if old.dirty:
            self.flush_entry(old)
        self.notes.append(f"evicts {old.key}" + (" (expired)" if old.expires_s <= now else ""))

    def store(self, key: str, value: int, now: float, dirty: bool = False) -> None:
        self.make_room(key, now)
        self.cache.pop(key, None)
        self.cache[key] = Entry(key, value, now + TTL_S, dirty)

    def flush_entry(self, entry: Entry) -> None:
        self.send("cache", "database", f"write {entry.key}={entry.value}")
        self.send("database", "cache", "ok")
        self.db[entry.key] = entry.value
        if entry.key in self.cache:  # still cached (a flush), not on its way out (an eviction)
            self.cache[entry.key] = replace(entry, dirty=False)

    def read(self, key: str, now: float) -> tuple[str, int]:
        self.send("app", "cache", f"get {key}")
        entry = self.cache.get(key)
        if entry is not None and now < entry.expires_s:
            self.send("cache", "app", f"{key}={entry.value}")
            return "hit", entry.value
        if entry is not None:  # expired: drop it (a dirty entry is flushed first)
            del self.cache[key]
            if entry.dirty:
                self.flush_entry(entry)
            self.notes.append(f"{key} expired")
        self.make_room(key, now)
        value = self.db[key]
        if self.loader == "app":
            self.send("cache", "app", "miss")
            self.send("app", "database", f"read {key}")
            self.send("database", "app", f"{key}={value}")
            self.send("app", "cache", f"set {key}={value}")
        else:
            self.send("cache", "database", f"read {key}")
            self.send("database", "cache", f"{key}={value}")
            self.send("cache", "app", f"{key}={value}")
        self.store(key, value, now)
        return "miss", value

    def write(self, key: str, value: int, now: float) -> None:
        self.latest[key] = value
        if self.on_write in ("invalidate", "database"):
            self.send("app", "database", f"write {key}={value}")
            self.send("database", "app", "ok")
            self.db[key] = value
            if self.on_write == "invalidate":
                self.send("app", "cache", f"delete {key}")
                self.cache.pop(key, None)
            return
        self.send("app", "cache", f"write {key}={value}")
        if self.on_write == "through":
            self.send("cache", "database", f"write {key}={value}")
            self.send("database", "cache", "ok")
            self.db[key] = value
        self.send("cache", "app", "ok")
        self.store(key, value, now, dirty=self.on_write == "back")

    def flush(self) -> None:
        dirty = [entry for entry in self.cache.values() if entry.dirty]
        for entry in dirty:
            self.flush_entry(entry)
        self.notes.append("flushes " + ", ".join(e.key for e in dirty) if dirty else "nothing to flush")

    def crash(self) -> None:
        lost = [f"{e.key}={e.value}" for e in self.cache.values() if e.dirty]
        self.cache.clear()
        self.notes.append("cache restarts empty" + (f": {', '.join(lost)} lost" if lost else ""))


def run(strategy: str) -> tuple[Step, ...]:
    """The steps of :data:`SCRIPT` under ``strategy`` (a key of :data:`STRATEGIES`, or :data:`CRASH`).

    >>> [s.outcome for s in run("read-through")][:4]
    ['miss', 'hit', 'written', 'stale hit']
    """
    strategy = _check.choice("strategy", strategy, RUNS)
    state = _Run(strategy)
    steps = []
    for now, operation, key, value in SCRIPT:
        state.messages, state.notes = [], []
        returned, stale = None, False
        if operation == "read":
            outcome, returned = state.read(key, now)
            stale = returned != state.latest[key]
            outcome = f"stale {outcome}" if stale else outcome
            action = f"read {key}"
        elif operation == "write":
            state.write(key, value, now)
            outcome, action = "written", f"write {key}={value}"
        elif strategy == CRASH:
            state.crash()
            outcome, action = "crashed", "cache crash"
        else:
            state.flush()
            outcome, action = "flushed", "flush"
        steps.append(Step(
            time_s=float(now), action=action, key=key, messages=tuple(state.messages), outcome=outcome,
            returned=returned, stale=stale, note="; ".join(state.notes), cache=tuple(state.cache.values()),
            database=tuple(sorted(state.db.items())), latest=tuple(sorted(state.latest.items())),
        ))
    return tuple(steps)


def _latency(step: Step, cache_ms: float, db_ms: float) -> float:
    """A request to the cache costs ``cache_ms`` and one to the database ``db_ms``, answers included."""
    return sum(
        db_ms if m.receiver == "database" else cache_ms if (m.sender, m.receiver) == ("app", "cache") else 0.0
        for m in step.messages
    )


def _exposure(steps: tuple[Step, ...]) -> tuple[float, float]:
    """Seconds the cache served an outdated value, and seconds the database missed an acknowledged write."""
    stale = behind = 0.0
    for step, after in zip(steps, steps[1:]):
        latest = dict(step.latest)
        stale += max(
            (min(after.time_s, e.expires_s) - step.time_s for e in step.cache if e.value != latest[e.key]),
            default=0.0,
        )
        behind += (after.time_s - step.time_s) * (dict(step.database) != latest)
    return max(stale, 0.0), behind


def summary(cache_ms: float = 1.0, db_ms: float = 10.0) -> pd.DataFrame:
    """Database traffic, mean latency, staleness and data-loss risk of every run of :data:`SCRIPT`.

    Latency: each request to the cache costs ``cache_ms``, each to the database ``db_ms``
    (answers included); flushes and crashes are not operations of the app.

    >>> table = summary()
    >>> table[["DB reads", "DB writes"]].loc["write-through"].tolist(), float(table.loc["write-back", "write ms"])
    ([2, 2], 1.0)
    """
    cache_ms = _check.number("cache_ms", cache_ms, 0, 1e6)
    db_ms = _check.number("db_ms", db_ms, 0, 1e6)
    rows = {}
    for name in RUNS:
        steps = run(name)
        messages = [m for s in steps for m in s.messages if m.receiver == "database"]
        reads = [_latency(s, cache_ms, db_ms) for s in steps if s.action.startswith("read")]
        writes = [_latency(s, cache_ms, db_ms) for s in steps if s.action.startswith("write")]
        stale_s, behind_s = _exposure(steps)
        final = steps[-1]
        cached = {e.key: e.value for e in final.cache}
        lost = sum(dict(final.database)[k] != v and cached.get(k) != v for k, v in final.latest)
        if lost:
            risk = f"{lost} acknowledged write lost"
        elif behind_s:
            risk = f"writes only in the cache for {behind_s:g} s"
        else:
            risk = "none"
        rows[name] = {
            "DB reads": sum(m.kind.startswith("read") for m in messages),
            "DB writes": sum(m.kind.startswith("write") for m in messages),
            "read ms": sum(reads) / len(reads),
            "write ms": sum(writes) / len(writes),
            "stale reads": sum(s.stale for s in steps),
            "stale window (s)": stale_s,
            "data-loss risk": risk,
        }
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("strategy")
