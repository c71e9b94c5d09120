"""Keeping a search index fresh: periodic indexing (a run every T seconds indexes what was written since
the last) against event-triggered indexing (each write indexed d seconds after it, from a change event).

A write is *stale* from when it is written until the index holds it: search cannot find it then.
Periodic runs at 0, T, 2T, ... make each write wait until the next run: uniform on [0, T) for writes that
arrive independently of the schedule (Poisson here), so T/2 on average and T at worst. Event-triggered
indexing makes every write wait exactly d, whatever the rate; what it costs is one index run (a commit
into the index) per write, where periodic indexing does one run per interval with writes in it.

:func:`indexing_staleness` computes both from a seeded write stream with numpy; :func:`replay_on_sqlite` runs the
same schedule on a real FTS5 index and reads when each write first turns up in a search.
"""

from __future__ import annotations

import math
import sqlite3
from dataclasses import dataclass

import numpy as np

from widgets import _check

from .model import _require_fts5

MAX_INTERVAL_S = 86_400.0      # a day
MIN_INTERVAL_S = 0.01
MIN_RATE, MAX_RATE = 0.001, 1_000.0   # writes a second
EXPECTED_WRITES = 20_000
MAX_WRITES = 100_000


def _rate(rate: float) -> float:
    return _check.number("rate", rate, MIN_RATE, MAX_RATE)


def _interval(interval_s: float) -> float:
    return _check.number("interval_s", interval_s, MIN_INTERVAL_S, MAX_INTERVAL_S)


def write_times(rate: float, horizon_s: float, seed: int = 0) -> np.ndarray:
    """Times (s) of a Poisson stream of ``rate`` writes a second over [0, horizon_s): a Poisson number
    of writes at uniform times, sorted (given their number, a Poisson stream's times are uniform).
    Past 100,000 writes it keeps 100,000 of them, a random thinning: still Poisson, at a lower rate.

    >>> write_times(2.0, 3.0, seed=1).round(3).tolist()
    [0.083, 0.402, 0.91, 0.989, 1.36, 1.614, 2.261, 2.365]
    """
    rate = _rate(rate)
    horizon_s = _check.number("horizon_s", horizon_s, 0, 1e12, open_low=True)
    rng = np.random.default_rng(_check.seed(seed))
    count = min(int(rng.poisson(rate * horizon_s)), MAX_WRITES)
    return np.sort(rng.uniform(0, horizon_s, count))


def whole_intervals(rate: float, interval_s: float, expected_writes: int = EXPECTED_WRITES) -> float:
    """A horizon (s) of whole periodic intervals long enough for ``expected_writes`` writes on average:
    a stream cut mid-interval would leave its last writes waiting for a run past its end.

    >>> whole_intervals(0.5, 60.0), whole_intervals(50.0, 3_600.0)
    (40020.0, 3600.0)
    """
    rate, interval_s = _rate(rate), _interval(interval_s)
    expected_writes = _check.integer("expected_writes", expected_writes, 1, MAX_WRITES)
    return max(1, math.ceil(expected_writes / (rate * interval_s))) * interval_s


def _times(times) -> np.ndarray:
    array = np.asarray(times, dtype=float)
    if array.ndim != 1 or not np.all(np.isfinite(array)) or np.any(array < 0):
        raise ValueError(f"times must be finite times >= 0 in seconds, got {times!r}")
    return array


def periodic_visible(times, interval_s: float) -> np.ndarray:
    """When each write becomes searchable under runs at 0, T, 2T, ...: the first run at or after it.

    >>> periodic_visible([0.5, 10.0, 10.1], 10.0).tolist()
    [10.0, 10.0, 20.0]
    """
    return np.ceil(_times(times) / _interval(interval_s)) * interval_s


def event_visible(times, delay_s: float) -> np.ndarray:
    """When each write becomes searchable if an event indexes it ``delay_s`` seconds after it.

    >>> event_visible([0.5, 10.0], 2.0).tolist()
    [2.5, 12.0]
    """
    delay_s = _check.number("delay_s", delay_s, 0, MAX_INTERVAL_S)
    return _times(times) + delay_s


def closed_form(interval_s: float, delay_s: float) -> dict[str, float]:
    """Staleness in seconds: periodic mean T/2 and worst T (writes independent of the schedule),
    event-triggered d for every write.

    >>> closed_form(60.0, 1.0)
    {'periodic_mean_s': 30.0, 'periodic_max_s': 60.0, 'event_mean_s': 1.0, 'event_max_s': 1.0}
    """
    interval_s, delay_s = _interval(interval_s), _check.number("delay_s", delay_s, 0, MAX_INTERVAL_S)
    return {"periodic_mean_s": interval_s / 2, "periodic_max_s": interval_s,
            "event_mean_s": delay_s, "event_max_s": delay_s}


def runs_per_hour(rate: float, interval_s: float) -> dict[str, float]:
    """Index runs an hour: periodic, the runs whose interval holds a write (3,600/T × (1 − e^(−rate·T))
    for Poisson writes); event-triggered, one per write (rate × 3,600).

    >>> {k: round(v, 1) for k, v in runs_per_hour(0.5, 60.0).items()}
    {'periodic': 60.0, 'event': 1800.0}
    """
    rate, interval_s = _rate(rate), _interval(interval_s)
    return {"periodic": 3_600 / interval_s * -math.expm1(-rate * interval_s), "event": rate * 3_600}


def writes_per_run(rate: float, interval_s: float) -> float:
    """The mean writes a periodic run indexes, over runs with any: rate·T / (1 − e^(−rate·T)).

    >>> round(writes_per_run(0.5, 60.0), 3), round(writes_per_run(0.01, 1.0), 3)
    (30.0, 1.005)
    """
    rate, interval_s = _rate(rate), _interval(interval_s)
    return rate * interval_s / -math.expm1(-rate * interval_s)


@dataclass(frozen=True)
class Staleness:
    """Staleness (s) of each write of one seeded stream under both ways of indexing, and their runs."""

    rate: float
    interval_s: float
    delay_s: float
    horizon_s: float         # whole periodic intervals
    times_s: np.ndarray
    periodic_s: np.ndarray   # staleness of each write, periodic runs
    event_s: np.ndarray      # staleness of each write, event-triggered
    periodic_runs: int       # runs that indexed at least one write
    event_runs: int


def indexing_staleness(rate: float, interval_s: float, delay_s: float, seed: int = 0,
                       expected_writes: int = EXPECTED_WRITES) -> Staleness:
    """One seeded Poisson stream of writes over whole intervals (:func:`whole_intervals`), indexed every
    ``interval_s`` seconds or ``delay_s`` after each write: each write's staleness under both, and the
    index runs each takes.

    >>> s = indexing_staleness(0.5, 60.0, 1.0, seed=1, expected_writes=2_000)
    >>> round(float(s.periodic_s.mean()), 1), round(float(s.periodic_s.max()), 1), float(s.event_s.max())
    (30.0, 60.0, 1.0)
    """
    horizon = whole_intervals(rate, interval_s, expected_writes)
    times = write_times(rate, horizon, seed)
    periodic = periodic_visible(times, interval_s)
    event = event_visible(times, delay_s)  # validates delay_s; each write then waits exactly delay_s
    return Staleness(float(rate), float(interval_s), float(delay_s), horizon, times, periodic - times,
                     np.full(len(times), float(delay_s)), len(np.unique(periodic)), len(event))


# ---------------------------------------------------------------- the same schedule on real SQLite


def replay_on_sqlite(times, visible_at) -> np.ndarray:
    """Run an indexing schedule on a real FTS5 index and observe when each write turns up in a search.

    Write i (a document holding the word ``w<i>``) goes into the table at ``times[i]``; at
    ``visible_at[i]`` an index run indexes every write due by then. After each run, a MATCH query for
    each write not yet seen tells whether the index holds it: the first run that finds it is when it
    became searchable, which this returns (s, one a write).

    >>> replay_on_sqlite([0.5, 1.0, 12.0], periodic_visible([0.5, 1.0, 12.0], 10.0)).tolist()
    [10.0, 10.0, 20.0]
    """
    times = _times(times)
    due = _times(visible_at)
    if np.any(np.diff(times) < 0):
        raise ValueError(f"times must be in order, got {times!r}")
    if len(due) != len(times) or np.any(due < times):
        raise ValueError(f"visible_at must give one time at or after each write, got {visible_at!r}")
    _require_fts5()
    conn = sqlite3.connect(":memory:")
    conn.executescript("""
        CREATE TABLE writes(id INTEGER PRIMARY KEY, body TEXT NOT NULL, written_s REAL NOT NULL);
        CREATE VIRTUAL TABLE writes_fts USING fts5(body, content='writes', content_rowid='id');
    """)
    seen = np.full(len(times), np.nan)
    written = 0
    for run_s in np.unique(due):
        with conn:  # the writes made before this run, then the run: one transaction each
            while written < len(times) and times[written] <= run_s:
                conn.execute("INSERT INTO writes VALUES (?, ?, ?)", (written, f"write w{written}", times[written]))
                written += 1
            conn.execute("INSERT INTO writes_fts(rowid, body) SELECT id, body FROM writes WHERE id IN "
                         "(SELECT value FROM json_each(?))", (str(np.flatnonzero(due == run_s).tolist()),))
        for i in np.flatnonzero(np.isnan(seen[:written])):
            if conn.execute("SELECT 1 FROM writes_fts WHERE writes_fts MATCH ?", (f"w{i}",)).fetchone():
                seen[i] = run_s
    return seen
