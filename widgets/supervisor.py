"""A transaction supervisor: a periodic job that finishes or undoes sagas stuck mid-way.

A saga's process can die between steps. The supervisor (a batch job or a
serverless function run every few minutes) scans the saga table in SQLite for
sagas that made no progress for a timeout, and completes them by retrying their
steps or, when a step fails or the saga was already compensating, compensates
them (Garcia-Molina & Salem, "Sagas", SIGMOD 1987, on backward recovery).
Retrying is only safe because every service applies a request at most once:
here each effect is keyed (saga, step, action). Start with a list for a person
to review (:meth:`SagaTable.stuck`), and automate only after much testing.
"""

from __future__ import annotations

import json
import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from . import _check, _view
from .transactions import Crash, connect, crash_if, frame_table, transaction

# --------------------------------------------------------------------------
# Model
# --------------------------------------------------------------------------

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
    """

    def __init__(self, path: str = ":memory:") -> None:
        self.conn = connect(path, SAGA_SCHEMA)

    def close(self) -> None:
        self.conn.close()

    def start(self, saga: str, steps: Sequence[str], now: float) -> None:
        with transaction(self.conn):
            self.conn.execute("INSERT INTO sagas (id, steps, status, updated) VALUES (?, ?, 'running', ?)",
                              (saga, json.dumps(list(steps)), now))

    def _select(self, where: str = "1", parameters: tuple = ()) -> list[SagaRow]:
        rows = self.conn.execute(f"SELECT * FROM sagas WHERE {where} ORDER BY id", parameters)
        return [SagaRow(r[0], tuple(json.loads(r[1])), *r[2:]) for r in rows]

    def get(self, saga: str) -> SagaRow:
        rows = self._select("id = ?", (saga,))
        if not rows:
            raise ValueError(f"saga must be a saga id in the table, got {saga!r}")
        return rows[0]

    def rows(self) -> list[SagaRow]:
        return self._select()

    def counts(self) -> dict[str, int]:
        """How many sagas are in each status."""
        return dict(self.conn.execute("SELECT status, COUNT(*) FROM sagas GROUP BY status").fetchall())

    def effects(self) -> list[tuple[str, str, str]]:
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
    """Four booking sagas: one stuck mid-way, one stuck compensating, one in progress, one done."""
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
    stuck: tuple[str, ...]  # sagas whose process died mid-way
    live: tuple[str, ...]  # sagas still running at the end of the day, their process alive


def simulate_day(table: SagaTable, bookings: int = 1000, stuck_percent: float = 1.0, *,
                 failure_percent: float = 5.0, seed: int = 0) -> Day:
    """Fill the table with a day of bookings, one every DAY / bookings seconds (seeded, so repeatable).

    Most complete; ``failure_percent`` fail at a step and are compensated at once;
    ``stuck_percent`` stop mid-way because their process died (half of those while
    compensating); those started in the last minute are still running. Written in
    one transaction, as the services would have left it.
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


# --------------------------------------------------------------------------
# View
# --------------------------------------------------------------------------

SWEEP_MODES = {"report": "report only", "auto": "automatic", "crash": "automatic, crashing mid-sweep"}


def _census(table: SagaTable, now: float, timeout: float) -> dict[str, int]:
    counts = table.counts()
    stuck = len(table.stuck(now, timeout))
    in_flight = counts.get("running", 0) + counts.get("compensating", 0)
    return {
        "completed": counts.get("completed", 0),
        "compensated": counts.get("compensated", 0),
        "in flight, making progress": in_flight - stuck,
        "stuck past the timeout (inconsistent)": stuck,
    }


def _sweep_text(report: SupervisorReport | str) -> str:
    if isinstance(report, str):
        return report
    return (f"found {len(report.stuck)}, completed {len(report.completed)}, compensated "
            f"{len(report.compensated)}; {report.duplicates_ignored} repeated request(s) ignored")


def supervisor_view() -> _view.Interactive:
    """A day of bookings with a few stuck mid-way, swept by the supervisor: report only, or repair.

    >>> "stuck past the timeout" in supervisor_view().view.value
    True
    """
    controls = {
        "bookings": _view.control("IntSlider", "Bookings in the day", min=100, max=2000, step=100,
                                  value=1000),
        "stuck": _view.control("FloatSlider", "Stuck mid-way (%)", min=0, max=10, step=0.1, value=1.0),
        "timeout": _view.control("IntSlider", "Timeout (s)", min=60, max=7200, step=60, value=600),
        "mode": _view.control("Dropdown", "Supervisor", value="report",
                              options=[(label, key) for key, label in SWEEP_MODES.items()]),
    }

    def render(v: _view.Values) -> str:
        table = SagaTable(":memory:")
        try:
            day = simulate_day(table, v["bookings"], v["stuck"])
            timeout, sweeps, censuses = v["timeout"], [], [_census(table, DAY, v["timeout"])]
            for now in (DAY, DAY + timeout):  # two runs of the periodic job
                if v["mode"] == "report":
                    found = table.stuck(now, timeout)
                    sweeps.append(f"listed {len(found)} for review: " + ", ".join(r.id for r in found[:5])
                                  + (", …" if len(found) > 5 else ""))
                else:
                    crash = "after_effect" if v["mode"] == "crash" and not sweeps else None
                    try:
                        sweeps.append(supervise(table, now, timeout, crash_at=crash, crash_on=3))
                    except Crash as error:
                        sweeps.append(f"{error}: the job dies; the next run picks up")
                for saga in day.live:  # meanwhile the live sagas finish by themselves
                    while table.get(saga).status == "running":
                        table.advance(saga, now + 1)
                censuses.append(_census(table, now + timeout, timeout))
        finally:
            table.close()
        frame = pd.DataFrame(censuses, index=["end of day", "after run 1", "after run 2"]).T
        frame.insert(0, "bookings", frame.index)
        caption = (f"{v['bookings']} bookings in a day; the supervisor runs every {timeout} s "
                   f"({SWEEP_MODES[v['mode']]})")
        rows = [(f"Run {i}", _sweep_text(sweep)) for i, sweep in enumerate(sweeps, start=1)]
        return frame_table(frame, caption) + _view.table_html(rows, caption="What each run did")

    presets = {
        "Report only: a person reviews the list": {"mode": "report"},
        "Automatic: complete or compensate": {"mode": "auto"},
        "Automatic, the job crashes mid-sweep": {"mode": "crash"},
        "More stuck bookings (5 %)": {"mode": "auto", "stuck": 5.0},
    }
    base = {"bookings": 1000, "stuck": 1.0, "timeout": 600}
    return _view.Interactive(render, controls, {name: {**base, **p} for name, p in presets.items()},
                             principal="Scenario")
