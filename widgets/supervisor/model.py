"""A transaction supervisor: a periodic job that finishes or undoes sagas stuck mid-way.

A saga's process can die between steps. The supervisor (a batch job or a
serverless function run every few minutes) scans the saga table in SQLite for
sagas that made no progress for a timeout, and completes them by retrying their
steps or, when a step fails or the saga was already compensating, compensates
them (Garcia-Molina & Salem, "Sagas", SIGMOD 1987, on backward recovery).
Retrying is only safe because every service applies a request at most once:
here each effect is keyed (saga, step, action). Start with a list for a person
to review (:meth:`SagaTable.stuck`), and automate only after much testing.
:func:`sweep_day` runs the job twice over a simulated day of bookings, as the
chapter's widget shows it.
"""

from __future__ import annotations

import json
import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from widgets import _check
from widgets._sim import Crash, connect, crash_if, transaction

SAGA_SCHEMA = """
CREATE TABLE IF NOT EXISTS sagas (
    id TEXT PRIMARY KEY,
    steps TEXT NOT NULL,               -- JSON list of step names
    status TEXT NOT NULL CHECK (status IN ('running', 'compensating', 'completed', 'compensated')),
    done INTEGER NOT NULL DEFAULT 0,   -- steps committed, from the first
    undone INTEGER NOT NULL DEFAULT 0, -- of those, compensated, from the last
    updated REAL NOT NULL              -- when the saga last made progress
);
CREATE TABLE IF NOT EXISTS effects (   -- what the services did; the key makes each action idempotent
    saga TEXT NOT NULL, step TEXT NOT NULL, action TEXT NOT NULL CHECK (action IN ('do', 'undo')),
    PRIMARY KEY (saga, step, action)
);
"""


@dataclass(frozen=True)
class SagaRow:
    """One row of the saga table.

    >>> SagaRow("trip-1", ("airline", "hotel"), "running", done=1, undone=0, updated=10.0).done
    1
    """

    id: str
    steps: tuple[str, ...]
    status: str
    done: int
    undone: int
    updated: float


#: Where a supervisor can crash within an action: after the service's effect, or after recording progress.
SUPERVISOR_CRASHES = ("after_effect", "after_progress")


@dataclass(frozen=True)
class SupervisorReport:
    """What one pass of :func:`supervise` found and did.

    >>> SupervisorReport(("trip-1",), ("trip-1",), (), actions=2, duplicates_ignored=0).completed
    ('trip-1',)
    """

    stuck: tuple[str, ...]  # sagas found idle past the timeout
    completed: tuple[str, ...]
    compensated: tuple[str, ...]
    actions: int  # steps run or compensated
    duplicates_ignored: int  # requests a service had already applied (after a crash)


class SagaTable:
    """Sagas in a SQLite file, and the effects of their steps (standing in for the services).

    A step's effect and the saga's progress are two local transactions, as they are
    when the service and the saga table live in different databases. The effect is
    keyed (saga, step, action), so a service asked twice applies it once.

    >>> table = SagaTable()
    >>> table.start("trip-1", ["airline", "hotel"], now=0)
    >>> table.advance("trip-1", now=1), table.get("trip-1").status, table.effects()
    (True, 'running', [('trip-1', 'airline', 'do')])
    """

    def __init__(self, path: str = ":memory:") -> None:
        self.conn = connect(path, SAGA_SCHEMA)

    def close(self) -> None:
        """Close the table's connection."""
        self.conn.close()

    def start(self, saga: str, steps: Sequence[str], now: float) -> None:
        """Start a saga of ``steps``, none done yet, at time ``now``."""
        with transaction(self.conn):
            self.conn.execute("INSERT INTO sagas (id, steps, status, updated) VALUES (?, ?, 'running', ?)",
                              (saga, json.dumps(list(steps)), now))

    def _select(self, where: str = "1", parameters: tuple = ()) -> list[SagaRow]:
        rows = self.conn.execute(f"SELECT * FROM sagas WHERE {where} ORDER BY id", parameters)
        return [SagaRow(r[0], tuple(json.loads(r[1])), *r[2:]) for r in rows]

    def get(self, saga: str) -> SagaRow:
        """The row of ``saga`` (a ValueError if there is none)."""
        rows = self._select("id = ?", (saga,))
        if not rows:
            raise ValueError(f"saga must be a saga id in the table, got {saga!r}")
        return rows[0]

    def rows(self) -> list[SagaRow]:
        """Every saga, by id."""
        return self._select()

    def counts(self) -> dict[str, int]:
        """How many sagas are in each status."""
        return dict(self.conn.execute("SELECT status, COUNT(*) FROM sagas GROUP BY status").fetchall())

    def effects(self) -> list[tuple[str, str, str]]:
        """What the services did: (saga, step, "do" or "undo"), by saga, in the order they did it."""
        return self.conn.execute("SELECT saga, step, action FROM effects ORDER BY saga, rowid").fetchall()

    def _effect(self, saga: str, step: str, action: str) -> bool:
        """The service's local transaction; False if it had already applied this one."""
        with transaction(self.conn):
            cursor = self.conn.execute("INSERT OR IGNORE INTO effects VALUES (?, ?, ?)", (saga, step, action))
        return cursor.rowcount == 1

    def _update(self, saga: str, now: float, **columns: Any) -> None:
        sets = ", ".join(f"{name} = ?" for name in columns)  # names from this module only
        with transaction(self.conn):
            sql = f"UPDATE sagas SET {sets}, updated = ? WHERE id = ?"
            self.conn.execute(sql, (*columns.values(), now, saga))

    def advance(self, saga: str, now: float, *, fail: bool = False, between=None) -> bool:
        """Move a saga one action on: run its next step, or record that step's failure, or
        compensate its last committed step not yet undone. ``between()`` runs after the
        effect, before the progress is recorded. False if the effect was a duplicate.
        """
        row = self.get(saga)
        if row.status == "running" and fail:  # the step rolled back locally: nothing to undo there
            self._update(saga, now, status="compensating" if row.done else "compensated")
            return True
        if row.status == "running":
            step, action = row.steps[row.done], "do"
            last = row.done + 1 == len(row.steps)
            progress = {"done": row.done + 1, "status": "completed" if last else "running"}
        elif row.status == "compensating":
            step, action = row.steps[row.done - row.undone - 1], "undo"
            last = row.undone + 1 == row.done
            progress = {"undone": row.undone + 1, "status": "compensated" if last else "compensating"}
        else:
            return True
        applied = self._effect(saga, step, action)
        if between:
            between()
        self._update(saga, now, **progress)
        return applied

    def stuck(self, now: float, timeout: float) -> list[SagaRow]:
        """Sagas in flight that made no progress for ``timeout`` (the list a person would review first)."""
        return self._select("status IN ('running', 'compensating') AND updated <= ?", (now - timeout,))


def supervise(
    table: SagaTable,
    now: float,
    timeout: float,
    *,
    failing: frozenset[tuple[str, str]] = frozenset(),
    crash_at: str | None = None,
    crash_on: int = 1,
) -> SupervisorReport:
    """One pass of the supervisor: finish every saga idle for ``timeout`` by retrying its steps,
    or compensate it if it was compensating or a step fails (``(saga, step)`` in ``failing``).

    Idempotent: a second pass finds nothing to do, and a pass after a crash
    (``crash_at`` one of SUPERVISOR_CRASHES, on the ``crash_on``-th action) resumes
    where the first stopped; no effect is ever applied twice.

    >>> table = SagaTable()
    >>> table.start("trip-1", ["airline", "hotel", "payment"], now=0)
    >>> table.advance("trip-1", now=1)  # airline booked, then the saga's process died
    True
    >>> report = supervise(table, now=100, timeout=60)
    >>> report.stuck, report.completed, report.actions
    (('trip-1',), ('trip-1',), 2)
    """
    _check.number("now", now, 0)
    _check.number("timeout", timeout, 0)
    _check.choice("crash_at", crash_at, (None, *SUPERVISOR_CRASHES))
    _check.integer("crash_on", crash_on, 1, 10**6)
    stuck = table.stuck(now, timeout)
    actions = duplicates = 0

    def crash(point: str) -> None:
        crash_if(point, crash_at, now=actions, crash_on=crash_on, item="action")

    for row in stuck:
        while (current := table.get(row.id)).status in ("running", "compensating"):
            step = current.steps[current.done] if current.status == "running" else None
            actions += 1
            fail = (row.id, step) in failing
            applied = table.advance(row.id, now, fail=fail, between=lambda: crash("after_effect"))
            duplicates += not applied
            crash("after_progress")
    final = {r.id: table.get(r.id).status for r in stuck}
    return SupervisorReport(
        stuck=tuple(r.id for r in stuck),
        completed=tuple(s for s, status in final.items() if status == "completed"),
        compensated=tuple(s for s, status in final.items() if status == "compensated"),
        actions=actions,
        duplicates_ignored=duplicates,
    )


# --------------------------------------------------------------------------
# Model: a day of bookings
# --------------------------------------------------------------------------

TRIP = ("airline", "hotel", "payment")
NOW = 300  # seconds after the first saga of :func:`demo_table` started, when the supervisor runs
DAY = 86_400


def demo_table(path: str = ":memory:") -> SagaTable:
    """Four booking sagas: one stuck mid-way, one stuck compensating, one in progress, one done.

    >>> [(row.id, row.status) for row in demo_table().stuck(NOW, timeout=60)]
    [('trip-1', 'running'), ('trip-2', 'compensating')]
    """
    table = SagaTable(path)
    table.start("trip-1", TRIP, now=0)
    table.advance("trip-1", now=10)  # airline booked; then its process died
    table.start("trip-2", TRIP, now=20)
    table.advance("trip-2", now=30)
    table.advance("trip-2", now=40, fail=True)  # hotel failed; the compensation never ran
    table.start("trip-3", TRIP, now=NOW - 30)
    table.advance("trip-3", now=NOW - 20)  # alive: its process is just slower
    table.start("trip-4", TRIP, now=50)
    for t in (60, 70, 80):
        table.advance("trip-4", now=t)
    return table


@dataclass(frozen=True)
class Day:
    """The sagas :func:`simulate_day` left in flight.

    >>> Day(stuck=("booking-00007",), live=()).stuck
    ('booking-00007',)
    """

    stuck: tuple[str, ...]  # sagas whose process died mid-way
    live: tuple[str, ...]  # sagas still running at the end of the day, their process alive


def simulate_day(table: SagaTable, bookings: int = 1000, stuck_percent: float = 1.0, *,
                 failure_percent: float = 5.0, seed: int = 0) -> Day:
    """Fill the table with a day of bookings, one every DAY / bookings seconds (seeded, so repeatable).

    Most complete; ``failure_percent`` fail at a step and are compensated at once;
    ``stuck_percent`` stop mid-way because their process died (half of those while
    compensating); those started in the last minute are still running. Written in
    one transaction, as the services would have left it.

    >>> table = SagaTable()
    >>> day = simulate_day(table, 2000, stuck_percent=1.0)
    >>> len(day.stuck), len(day.live), sum(table.counts().values())
    (24, 1, 2000)
    """
    n = _check.integer("bookings", bookings, 1, 100_000)
    _check.number("stuck_percent", stuck_percent, 0, 100, what="a percentage")
    _check.number("failure_percent", failure_percent, 0, 100, what="a percentage")
    rng = random.Random(seed)
    sagas, effects, stuck, live = [], [], [], []
    for i in range(n):
        saga, start = f"booking-{i + 1:05d}", i * DAY / n
        roll = 100 * rng.random()
        done, undone = rng.randrange(len(TRIP)), 0  # steps committed before a failure or a crash
        if start > DAY - 60:
            status, target = "running", live
        elif roll < stuck_percent:
            status, target = "running", stuck
            if done and rng.random() < 0.5:  # a step failed, then the process died compensating
                status, undone = "compensating", rng.randrange(done)
        elif roll < stuck_percent + failure_percent:
            status, undone, target = "compensated", done, None
        else:
            status, done, target = "completed", len(TRIP), None
        if target is not None:
            target.append(saga)
        effects += [(saga, step, "do") for step in TRIP[:done]]
        effects += [(saga, step, "undo") for step in TRIP[done - undone : done]]
        sagas.append((saga, json.dumps(TRIP), status, done, undone, start + done + undone))
    with transaction(table.conn):
        table.conn.executemany("INSERT INTO sagas VALUES (?, ?, ?, ?, ?, ?)", sagas)
        table.conn.executemany("INSERT INTO effects VALUES (?, ?, ?)", effects)
    return Day(tuple(stuck), tuple(live))


#: The supervisor's modes: a list for a person to review, automatic repair, automatic repair whose first run crashes.
SWEEP_MODES = {"report": "report only", "auto": "automatic", "crash": "automatic, crashing mid-sweep"}
#: In "crash" mode the first run dies after the service's effect of its SWEEP_CRASH_ON-th action.
SWEEP_CRASH_ON = 3


@dataclass(frozen=True)
class Census:
    """How many sagas are in each state at one moment.

    >>> census(demo_table(), NOW, timeout=60)
    Census(completed=1, compensated=0, progressing=1, stuck=2)
    """

    completed: int
    compensated: int
    progressing: int  # in flight and making progress
    stuck: int  # in flight and idle past the timeout: inconsistent until someone finishes or undoes them


def census(table: SagaTable, now: float, timeout: float) -> Census:
    """Count the sagas of ``table`` by state at time ``now``; idle for ``timeout`` counts as stuck.

    >>> census(demo_table(), NOW, timeout=1000).stuck
    0
    """
    counts = table.counts()
    stuck = len(table.stuck(now, timeout))
    in_flight = counts.get("running", 0) + counts.get("compensating", 0)
    return Census(counts.get("completed", 0), counts.get("compensated", 0), in_flight - stuck, stuck)


@dataclass(frozen=True)
class SweepRun:
    """What one run of the periodic job did: listed the stuck sagas, repaired them, or died.

    >>> SweepRun(listed=("trip-1",)).report is None
    True
    """

    listed: tuple[str, ...] = ()  # "report" mode: the stuck sagas listed for a person to review
    report: SupervisorReport | None = None  # the automatic modes: what the pass found and did
    crash: str = ""  # the crash that killed the pass ("" if none)


@dataclass(frozen=True)
class SweepDay:
    """A day of bookings, then two runs of the supervisor ``timeout`` seconds apart.

    >>> [c.stuck for c in sweep_day(1000, 1.0, 600, "auto").censuses]
    [11, 0, 0]
    """

    censuses: tuple[Census, Census, Census]  # at the end of the day, after run 1, after run 2
    runs: tuple[SweepRun, SweepRun]


def _sweep(table: SagaTable, now: float, timeout: float, mode: str, first: bool) -> SweepRun:
    """One run of the job at ``now`` in ``mode``; in "crash" mode the first run dies mid-sweep."""
    if mode == "report":
        return SweepRun(listed=tuple(row.id for row in table.stuck(now, timeout)))
    crash_at = "after_effect" if mode == "crash" and first else None
    try:
        return SweepRun(report=supervise(table, now, timeout, crash_at=crash_at, crash_on=SWEEP_CRASH_ON))
    except Crash as error:
        return SweepRun(crash=str(error))


def sweep_day(bookings: int = 1000, stuck_percent: float = 1.0, timeout: float = 600,
              mode: str = "report") -> SweepDay:
    """Simulate a day of ``bookings`` (:func:`simulate_day`, ``stuck_percent`` stuck), then run the
    supervisor in ``mode`` (one of SWEEP_MODES) at the end of the day and ``timeout`` seconds later.

    A census is taken at the end of the day and ``timeout`` seconds after each run; meanwhile the
    sagas still alive finish by themselves.

    >>> day = sweep_day(1000, 1.0, 600, "crash")
    >>> day.runs[0].crash, day.runs[1].report.duplicates_ignored, day.censuses[-1].stuck
    ('crashed after effect on action 3', 1, 0)
    >>> sweep_day(mode="fix")
    Traceback (most recent call last):
    ValueError: mode must be one of 'report', 'auto', 'crash', got 'fix'
    """
    _check.number("timeout", timeout, 0)
    _check.choice("mode", mode, SWEEP_MODES)
    table = SagaTable(":memory:")
    try:
        day = simulate_day(table, bookings, stuck_percent)
        censuses, runs = [census(table, DAY, timeout)], []
        for now in (DAY, DAY + timeout):  # two runs of the periodic job
            runs.append(_sweep(table, now, timeout, mode, first=not runs))
            for saga in day.live:  # meanwhile the live sagas finish by themselves
                while table.get(saga).status == "running":
                    table.advance(saga, now + 1)
            censuses.append(census(table, now + timeout, timeout))
    finally:
        table.close()
    return SweepDay(tuple(censuses), tuple(runs))
