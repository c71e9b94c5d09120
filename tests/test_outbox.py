"""Tests of the dual write and the transactional outbox on SQLite files (widgets.outbox).

A dual write leaves the database and the broker disagreeing when either half fails; the outbox
commits the order and its event together, and a relay that crashes at any point publishes every
row at least once, so a consumer that de-duplicates by event id counts each order exactly once.
"""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
import tempfile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from widgets._sim import Crash
from widgets.outbox import (
    RELAY_CRASHES, SCENARIOS, Broker, DualWriteRun, OutboxRun, consume, delivery, dual_write_run, expected_totals,
    outbox_run, place_order, relay, scenario_run,
)

# --------------------------------------------------------------------------
# Dual write and the outbox
# --------------------------------------------------------------------------


def test_dual_write_disagrees_when_the_publish_fails(tmp_path):
    run = dual_write_run(tmp_path, orders=3, failure="publish", fail_on=2)
    assert run.orders == (1, 2, 3) and run.published == ("order-1", "order-3")
    assert run.missing_events == ("order-2",) and run.ghost_events == () and not run.agree


def test_dual_write_disagrees_when_the_commit_fails(tmp_path):
    run = dual_write_run(tmp_path, orders=3, failure="commit", fail_on=3)
    assert run.orders == (1, 2) and run.ghost_events == ("order-3",) and not run.agree


def test_dual_write_agrees_when_nothing_fails(tmp_path):
    run = dual_write_run(tmp_path, orders=3, fail_on=4)
    assert run.agree and run.failure == ""


def test_order_and_outbox_row_commit_together(tmp_path):
    db = str(tmp_path / "orders.sqlite")
    place_order(db, 1)
    with pytest.raises(Crash):
        place_order(db, 2, crash_before_commit=True)
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT id FROM orders").fetchall() == [(1,)]
        assert conn.execute("SELECT event_id FROM outbox").fetchall() == [("order-1",)]


CRASHES = [(point, on) for point in RELAY_CRASHES for on in (1, 2, 4)]


@pytest.mark.parametrize(("crash_at", "crash_on"), CRASHES)
def test_relay_crash_at_every_point_loses_nothing(tmp_path, crash_at, crash_on):
    run = outbox_run(tmp_path, orders=4, crash_at=crash_at, crash_on=crash_on)
    assert run.crash.startswith("crashed") and f"row {crash_on}" in run.crash
    assert run.lost == ()
    # At-least-once: only a crash between the publish and recording the position repeats a row.
    assert run.duplicates == ((f"order-{crash_on}",) if crash_at == "after_publish" else ())
    first_seen = list(dict.fromkeys(run.published))
    assert first_seen == list(run.outbox)  # published in outbox id order
    # Exactly-once effect: the de-duplicating consumer counts each order once.
    assert run.totals == expected_totals(range(1, 5)) and run.exactly_once
    assert (run.naive_totals == run.totals) == (crash_at != "after_publish")


def test_relay_records_its_position_and_consumers_are_idempotent(tmp_path):
    db, consumer = str(tmp_path / "orders.sqlite"), str(tmp_path / "consumer.sqlite")
    broker = Broker()
    for order_id in (1, 2, 3):
        place_order(db, order_id)
    assert relay(db, broker) == 3 and relay(db, broker) == 0  # resumes after its position
    assert consume(consumer, broker) == 3 and consume(consumer, broker) == 0  # resumes after its offset
    with sqlite3.connect(consumer) as conn:
        conn.execute("DELETE FROM offsets")  # the offset is lost: everything is delivered again
    assert consume(consumer, broker) == 0  # ... and ignored by event id
    assert consume(str(tmp_path / "naive.sqlite"), broker, deduplicate=False) == 3


@settings(max_examples=25, deadline=None)
@given(st.integers(1, 6).flatmap(
    lambda n: st.tuples(st.just(n), st.sampled_from([None, *RELAY_CRASHES]), st.integers(1, n + 1))
))
def test_property_outbox_is_at_least_once_and_consumer_exactly_once(case):
    orders, crash_at, crash_on = case
    with tempfile.TemporaryDirectory() as folder:
        run = outbox_run(folder, orders, crash_at, crash_on)
    assert run.lost == () and set(run.published) == set(run.outbox)
    assert len(run.published) - len(run.outbox) == len(run.duplicates) <= 1
    assert run.totals == expected_totals(range(1, orders + 1)) and run.exactly_once


def test_expected_totals_counts_each_order_once():
    # Order k buys 1 + k % 3 of ITEMS[k % 3]: 1 book, 2 lamps, 3 mugs for k = 0, 1, 2 (mod 3).
    assert expected_totals(range(1, 7)) == {"book": 2, "lamp": 4, "mug": 6}
    assert expected_totals([1, 1]) == {"lamp": 4}


@pytest.mark.parametrize(
    ("call", "words"),
    [
        (lambda d: outbox_run(d, orders=0), "orders must be an integer in [1, 1000], got 0"),
        (lambda d: outbox_run(d, crash_at="sideways"), "crash_at must be one of None, 'before_publish'"),
        (lambda d: outbox_run(d, crash_on=0), "crash_on must be an integer"),
        (lambda d: dual_write_run(d, failure="network"), "failure must be one of 'publish', 'commit'"),
    ],
)
def test_outbox_bad_values(tmp_path, call, words):
    with pytest.raises(ValueError) as error:
        call(tmp_path)
    assert words in str(error.value)


# --------------------------------------------------------------------------
# The widget's scenarios: scenario_run
# --------------------------------------------------------------------------


@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_each_scenario_runs_its_pattern_with_its_failure(tmp_path, scenario):
    pattern, point = SCENARIOS[scenario]
    run = scenario_run(scenario, orders=4, crash_on=2)
    if pattern == "dual":
        assert isinstance(run, DualWriteRun) and run == dual_write_run(tmp_path, 4, point, 2)
        assert not run.agree  # a dual write that fails halfway always disagrees
    else:
        assert isinstance(run, OutboxRun) and run == outbox_run(tmp_path, 4, point, 2)
        assert run.lost == () and run.exactly_once  # the outbox never loses an order, whatever the crash
        assert bool(run.crash) == (point is not None)


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"crash_on": 7}, "crash_on must be an integer in [1, 4], got 7"),
        ({"orders": 2, "crash_on": 3}, "crash_on must be an integer in [1, 2], got 3"),
        ({"orders": 0}, "orders must be an integer in [1, 1000], got 0"),
        ({"scenario": "Outbox, relay on fire"}, "scenario must be one of 'Outbox, no crash'"),
    ],
)
def test_scenario_run_bad_values(kwargs, words):
    with pytest.raises(ValueError) as error:
        scenario_run(**{"scenario": "Outbox, no crash", "orders": 4, "crash_on": 2, **kwargs})
    assert words in str(error.value)


# --------------------------------------------------------------------------
# The view (the catalog suite, tests/test_views.py, drives its controls)
# --------------------------------------------------------------------------


def test_default_view_shows_a_clean_run():
    shown = delivery().view.value
    assert "ran without a crash" in shown and re.search(r"Exactly-once effect</th><td[^>]*>yes<", shown)


def test_dual_write_preset_shows_the_disagreement():
    widget = delivery()
    widget.principal.value = "Dual write, the publish fails after the commit"
    assert re.search(r"Database and broker agree</th><td[^>]*>no<", widget.view.value)


# --------------------------------------------------------------------------
# A real process death: the child exits mid-transaction, the parent recovers the file
# --------------------------------------------------------------------------

# The child replaces the injected Crash by an immediate exit: no rollback, no close, no cleanup.
DIE = "import os, widgets.outbox.model as o; o.Crash = lambda _: os._exit(3); "


def test_process_killed_mid_order_leaves_nothing_half_done(tmp_path):
    path = str(tmp_path / "db.sqlite")
    place_order(path, 1)
    child = subprocess.run([sys.executable, "-c", DIE + f"o.place_order({path!r}, 2, crash_before_commit=True)"],
                           timeout=60)
    assert child.returncode == 3  # died inside the transaction, no commit, no cleanup
    assert os.path.exists(path + "-journal")  # a hot journal: SQLite rolls it back on the next open
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT COUNT(*) FROM orders").fetchone() == (1,)
    assert conn.execute("SELECT COUNT(*) FROM outbox").fetchone() == (1,)
