"""Tests of the transaction supervisor on SQLite files (widgets.supervisor).

The supervisor finishes sagas stuck mid-way by retrying their steps, or compensates them
(Garcia-Molina & Salem, "Sagas", SIGMOD 1987, on backward recovery). It is idempotent, it
resumes after crashing at every point without applying an effect twice, and over a simulated
day it leaves every saga completed or compensated.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from widgets._sim import Crash
from widgets.supervisor import (
    DAY, NOW, SUPERVISOR_CRASHES, SWEEP_CRASH_ON, SWEEP_MODES, SagaTable, census, demo_table, simulate_day,
    supervise, sweep, sweep_day,
)


def final_state(table: SagaTable):
    return [(r.id, r.status, r.done, r.undone) for r in table.rows()], sorted(table.effects())


@pytest.fixture
def saga_path(tmp_path):
    path = str(tmp_path / "sagas.sqlite")
    demo_table(path).close()
    return path


# --------------------------------------------------------------------------
# One pass of the supervisor
# --------------------------------------------------------------------------


def test_supervisor_finishes_and_compensates_stuck_sagas_only(saga_path):
    table = SagaTable(saga_path)
    report = supervise(table, NOW, timeout=60)
    assert report.stuck == ("trip-1", "trip-2")  # trip-3 is alive, trip-4 is done
    assert report.completed == ("trip-1",) and report.compensated == ("trip-2",)
    statuses, effects = final_state(table)
    assert statuses[2] == ("trip-3", "running", 1, 0)
    assert [e[1:] for e in effects if e[0] == "trip-2"] == [("airline", "do"), ("airline", "undo")]


def test_supervisor_is_idempotent(saga_path):
    table = SagaTable(saga_path)
    supervise(table, NOW, timeout=60)
    after_one = final_state(table)
    again = supervise(table, NOW, timeout=60)
    later = supervise(table, NOW + 10, timeout=60)
    assert (again.actions, later.actions) == (0, 0)
    assert final_state(table) == after_one


def test_a_failing_retry_compensates_without_undoing_the_failed_step(saga_path):
    table = SagaTable(saga_path)
    report = supervise(table, NOW, timeout=60, failing={("trip-1", "hotel")})
    assert report.compensated == ("trip-1", "trip-2")
    trip1 = [e[1:] for e in table.effects() if e[0] == "trip-1"]
    assert trip1 == [("airline", "do"), ("airline", "undo")]  # hotel rolled back locally: nothing to undo


@pytest.mark.parametrize(("crash_at", "crash_on"), [(p, k) for p in SUPERVISOR_CRASHES for k in (1, 2, 3)])
def test_supervisor_crash_at_every_point_then_rerun(tmp_path, saga_path, crash_at, crash_on):
    reference = str(tmp_path / "reference.sqlite")
    demo_table(reference).close()
    for now in (NOW, NOW + 61):  # two passes, no crash
        supervise(SagaTable(reference), now, timeout=60)
    with pytest.raises(Crash):
        supervise(SagaTable(saga_path), NOW, timeout=60, crash_at=crash_at, crash_on=crash_on)
    # The next run, once the crashed pass's progress has gone idle for the timeout:
    rerun = supervise(SagaTable(saga_path), NOW + 61, timeout=60)
    assert rerun.duplicates_ignored == (1 if crash_at == "after_effect" else 0)
    assert final_state(SagaTable(saga_path)) == final_state(SagaTable(reference))


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"now": -1}, "now must be a finite number >= 0, got -1"),
        ({"timeout": float("nan")}, "timeout must be a finite number >= 0"),
        ({"crash_at": "before_effect"}, "crash_at must be one of None, 'after_effect', 'after_progress'"),
        ({"crash_on": 0}, "crash_on must be an integer in [1, 1000000], got 0"),
    ],
)
def test_supervisor_bad_values(kwargs, words):
    with pytest.raises(ValueError) as error:
        supervise(demo_table(), **{"now": 300, "timeout": 60, **kwargs})
    assert words in str(error.value)


# --------------------------------------------------------------------------
# A day of bookings
# --------------------------------------------------------------------------


def consistent(table: SagaTable) -> bool:
    """Every saga ended cleanly: completed with all steps done, or compensated with every done step undone."""
    effects: dict[str, dict[str, set]] = {}
    for saga, step, action in table.effects():
        effects.setdefault(saga, {"do": set(), "undo": set()})[action].add(step)
    for row in table.rows():
        done = effects.get(row.id, {"do": set(), "undo": set()})
        if row.status == "completed" and (done["do"] != set(row.steps) or done["undo"]):
            return False
        if row.status == "compensated" and done["do"] != done["undo"]:
            return False
        if row.status not in ("completed", "compensated"):
            return False
    return True


@settings(max_examples=15, deadline=None)
@given(st.integers(20, 400), st.floats(0, 20), st.sampled_from([None, *SUPERVISOR_CRASHES]),
       st.integers(1, 5))
def test_property_a_day_ends_consistent_after_the_supervisor(bookings, stuck_percent, crash_at, crash_on):
    table = SagaTable(":memory:")
    day = simulate_day(table, bookings, stuck_percent, seed=bookings)
    assert len(table.stuck(DAY, 600)) <= len(day.stuck)  # the most recent may not have timed out yet
    for saga in day.live:  # their processes finish by themselves
        while table.get(saga).status == "running":
            table.advance(saga, DAY)
    try:
        supervise(table, 2 * DAY, 600, crash_at=crash_at, crash_on=crash_on)
    except Crash:
        supervise(table, 3 * DAY, 600)
    assert consistent(table) and sum(table.counts().values()) == bookings


def test_simulated_day_on_a_file(tmp_path):
    path = str(tmp_path / "day.sqlite")
    day = simulate_day(SagaTable(path), 2000, 2.0)
    table = SagaTable(path)
    assert len(day.stuck) == len(table.stuck(DAY + 3600, 600)) - len(day.live) > 0
    assert not consistent(table)
    report = supervise(table, DAY + 3600, 600)
    assert len(report.completed) + len(report.compensated) == len(day.stuck) + len(day.live)
    assert consistent(SagaTable(path))


def test_census_counts_every_saga_once(saga_path):
    table = SagaTable(saga_path)
    assert census(table, NOW, 60) == census(table, NOW, 60)  # counting changes nothing
    before = census(table, NOW, 60)
    assert (before.completed, before.compensated, before.progressing, before.stuck) == (1, 0, 1, 2)
    supervise(table, NOW, 60)
    after = census(table, NOW, 60)
    assert (after.completed, after.compensated, after.progressing, after.stuck) == (2, 1, 1, 0)


# --------------------------------------------------------------------------
# The widget's day: sweep_day
# --------------------------------------------------------------------------


def test_automatic_sweep_leaves_nothing_stuck():
    day = sweep_day(1000, 1.0, 600, "auto")
    first, second = day.runs
    assert len(first.report.stuck) == day.censuses[0].stuck == 11 and first.crash == ""
    assert len(first.report.completed) + len(first.report.compensated) == 11
    assert day.censuses[1].stuck == day.censuses[2].stuck == 0
    assert second.report.stuck == () and second.report.actions == 0  # nothing left for the second run


def test_report_only_changes_nothing():
    day = sweep_day(1000, 1.0, 600, "report")
    assert all(run.report is None and run.crash == "" for run in day.runs)
    assert len(set(day.censuses)) == 1  # no saga was repaired
    assert len(day.runs[0].listed) == day.censuses[0].stuck == 11
    assert day.runs[1].listed == day.runs[0].listed  # the same list again, a run later


def test_a_crashed_sweep_recovers_on_the_next_run():
    crashed, clean = sweep_day(1000, 1.0, 600, "crash"), sweep_day(1000, 1.0, 600, "auto")
    first, second = crashed.runs
    assert first.report is None and first.crash == f"crashed after effect on action {SWEEP_CRASH_ON}"
    assert 0 < crashed.censuses[1].stuck < crashed.censuses[0].stuck  # some repaired before the crash
    assert second.report.duplicates_ignored == 1  # the effect applied just before the crash, asked again
    assert crashed.censuses[2] == clean.censuses[2] and crashed.censuses[2].stuck == 0


@settings(max_examples=10, deadline=None)
@given(st.integers(100, 600), st.floats(0, 10), st.sampled_from([60, 600, 3600]), st.sampled_from(list(SWEEP_MODES)))
def test_property_every_census_counts_every_booking(bookings, stuck_percent, timeout, mode):
    day = sweep_day(bookings, stuck_percent, timeout, mode)
    for count in day.censuses:
        assert count.completed + count.compensated + count.progressing + count.stuck == bookings
    if mode != "report":
        assert day.censuses[-1].stuck == 0  # whatever was stuck is repaired by the second run at the latest
    else:
        assert day.censuses[-1].compensated == day.censuses[0].compensated


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"bookings": 0}, "bookings must be an integer in [1, 100000], got 0"),
        ({"stuck_percent": 101}, "stuck_percent must be a percentage in [0, 100], got 101"),
        ({"timeout": -1}, "timeout must be a finite number >= 0, got -1"),
        ({"mode": "fix"}, "mode must be one of 'report', 'auto', 'crash', got 'fix'"),
    ],
)
def test_sweep_day_bad_values(kwargs, words):
    with pytest.raises(ValueError) as error:
        sweep_day(**{"bookings": 100, "stuck_percent": 1.0, "timeout": 600, "mode": "auto", **kwargs})
    assert words in str(error.value)


# --------------------------------------------------------------------------
# The view (the catalog suite, tests/test_views.py, drives its controls)
# --------------------------------------------------------------------------


def test_default_view_lists_the_stuck_bookings():
    shown = sweep().view.value
    assert "listed 11 for review" in shown and "stuck past the timeout (inconsistent)" in shown


def test_crash_preset_says_the_job_died():
    widget = sweep()
    widget.principal.value = "Automatic, the job crashes mid-sweep"
    assert "crashed after effect on action 3: the job dies; the next run picks up" in widget.view.value
