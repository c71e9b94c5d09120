"""Tests of event sourcing on SQLite files (widgets.event_sourcing).

The log is append-only and state is rebuilt by replay (Fowler, "Event Sourcing", 2005): from the
first event or from a snapshot, with old events upcast on read. Balances are checked against the
closed form of :func:`account_history` (deposits of 5.00 EUR, a withdrawal of 3.00 EUR every third
event), and crashes are injected mid-append, in the process and by killing a real child process.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from widgets._sim import Crash
from widgets.event_sourcing import (
    SHOWN_EVENTS, EventStore, account_history, balances, drop_balances, load, rebuild, rebuild_scenario,
    update_balances,
)


def balance_by_hand(history):
    return sum(500 if kind == "deposited" else -300 for kind, _, _ in history if kind != "opened")


def closed_form_balance(n: int) -> int:
    """Event i = 1 .. n-1 after "opened" is a withdrawal of 300 cents if 3 divides i, else a deposit of 500."""
    withdrawals = (n - 1) // 3
    return 500 * (n - 1 - withdrawals) - 300 * withdrawals


@pytest.fixture
def store_path(tmp_path):
    return str(tmp_path / "events.sqlite")


# --------------------------------------------------------------------------
# The store
# --------------------------------------------------------------------------


def test_replay_rebuilds_state_and_survives_reopening(store_path):
    history = account_history(10)
    store = EventStore(store_path)
    load(store, "acc", history)
    store.close()
    replay = EventStore(store_path).replay("acc")
    assert replay.state == {"owner": "Ada", "balances": {"EUR": balance_by_hand(history)}}
    assert (replay.version, replay.events_read, replay.from_snapshot) == (10, 10, 0)


def test_the_log_is_append_only(store_path):
    store = EventStore(store_path)
    load(store, "acc", account_history(3))
    for sql in ("UPDATE events SET data = '{}'", "DELETE FROM events"):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            store.conn.execute(sql)
    assert store.version("acc") == 3


def test_snapshot_shortens_the_replay(store_path):
    store = EventStore(store_path)
    load(store, "acc", account_history(50), snapshot_at=40)
    full, fast = store.replay("acc", use_snapshot=False), store.replay("acc")
    assert (full.events_read, fast.events_read, fast.from_snapshot) == (50, 10, 40)
    assert fast.state == full.state and fast.version == full.version == 50


def test_old_events_are_upcast_on_read_and_never_rewritten(store_path):
    store = EventStore(store_path)
    store.append("acc", [("opened", {"owner": "Ada"})])
    store.append("acc", [("deposited", {"amount": 500})], schema=1)  # written before currencies existed
    store.append("acc", [("deposited", {"amount": 200, "currency": "USD"})])
    stored = store.conn.execute("SELECT schema, data FROM events WHERE version = 2").fetchone()
    assert stored == (1, '{"amount": 500}')  # the row on disk stays v1
    replay = store.replay("acc")
    assert replay.upcast == 1 and replay.state["balances"] == {"EUR": 500, "USD": 200}


@pytest.mark.parametrize("crash_after", [1, 2, 3])
def test_a_crash_mid_append_leaves_no_partial_batch(store_path, crash_after):
    store = EventStore(store_path)
    load(store, "acc", account_history(4))
    batch = [("deposited", {"amount": 100, "currency": "EUR"})] * 3
    with pytest.raises(Crash):
        store.append("acc", batch, crash_after=crash_after)
    reopened = EventStore(store_path)  # the next process
    assert reopened.version("acc") == 4
    assert reopened.replay("acc").state["balances"] == {"EUR": balance_by_hand(account_history(4))}
    assert reopened.append("acc", batch) == 7  # no lock left behind


def test_optimistic_concurrency(store_path):
    first, second = EventStore(store_path), EventStore(store_path)
    load(first, "acc", account_history(2))
    first.append("acc", [("withdrawn", {"amount": 1, "currency": "EUR"})], expected_version=2)
    with pytest.raises(ValueError, match="expected_version must be the stream's version 3, got 2"):
        second.append("acc", [("withdrawn", {"amount": 1, "currency": "EUR"})], expected_version=2)


def test_dropped_read_model_is_rebuilt_from_the_log(store_path):
    store = EventStore(store_path)
    history = account_history(30, old_events=10)
    load(store, "acc", history[:20])
    assert update_balances(store) == 20
    load(store, "acc", history[20:])
    assert update_balances(store) == 10 and update_balances(store) == 0  # reads only what is new
    kept = balances(store, "acc")
    assert kept == {"EUR": balance_by_hand(history)}
    drop_balances(store)
    assert balances(store, "acc") == {}
    assert update_balances(store) == 30 and balances(store, "acc") == kept


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 60).flatmap(lambda n: st.tuples(st.just(n), st.integers(0, n), st.integers(0, n))))
def test_property_snapshot_and_upcast_never_change_the_state(case):
    n, snapshot_at, old = case
    store = EventStore(":memory:")
    history = account_history(n, old)
    load(store, "acc", history, snapshot_at)
    full, fast = store.replay("acc", use_snapshot=False), store.replay("acc")
    assert fast.state == full.state
    assert full.events_read == n and fast.events_read == n - snapshot_at
    assert full.upcast == sum(schema == 1 for _, _, schema in history)
    assert sum(full.state["balances"].values()) == balance_by_hand(history)


@pytest.mark.parametrize(
    ("call", "words"),
    [
        (lambda s: load(s, "acc", account_history(3), snapshot_at=4),
         "snapshot_at must be an integer in [0, 3]"),
        (lambda s: account_history(0), "n_events must be an integer in [1, 10000], got 0"),
        (lambda s: account_history(3, 4), "old_events must be an integer in [0, 3], got 4"),
        (lambda s: s.append("acc", [("opened", {})], schema=3), "schema must be one of 1, 2, got 3"),
        (lambda s: s.append("acc", [("stolen", {})]), "event type must be one of"),
    ],
)
def test_event_store_bad_values(call, words):
    with pytest.raises(ValueError) as error:
        call(EventStore(":memory:"))
    assert words in str(error.value)


# --------------------------------------------------------------------------
# The widget's scenario: rebuild_scenario
# --------------------------------------------------------------------------


@pytest.mark.parametrize("n", [1, 2, 3, 4, 20, 100])
def test_history_balance_has_a_closed_form(n):
    assert balance_by_hand(account_history(n)) == closed_form_balance(n)


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 80).flatmap(lambda n: st.tuples(st.just(n), st.integers(0, n), st.integers(0, n))))
def test_property_every_rebuild_gives_the_closed_form_balance(case):
    n, snapshot_at, old = case
    run = rebuild_scenario(n, snapshot_at, old)
    balance = {"EUR": closed_form_balance(n)} if n > 1 else {}
    assert run.full.state["balances"] == run.fast.state["balances"] == balance
    assert run.kept == run.rebuilt == balance  # the read model agrees with the replay, before and after the drop
    assert run.events == n and run.reread == n
    assert run.full.events_read == n and run.full.from_snapshot == 0
    assert run.fast.events_read == n - snapshot_at and run.fast.from_snapshot == snapshot_at
    assert run.full.upcast == sum(schema == 1 for _, _, schema in account_history(n, old))


def test_rebuild_shows_the_first_events_as_stored_and_as_read():
    run = rebuild_scenario(20, old_events=6)
    assert len(run.first) == SHOWN_EVENTS
    assert [stored.schema for stored, _ in run.first] == [2, 1, 1, 2, 1, 1]  # event 4 is a withdrawal, always v2
    assert all(read.schema == 2 and read.data.get("currency", "EUR") == "EUR" for _, read in run.first)
    assert [stored.version for stored, _ in run.first] == [read.version for _, read in run.first] == [1, 2, 3, 4, 5, 6]
    assert len(rebuild_scenario(3).first) == 3


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"events": 0}, "events must be an integer in [1, 10000], got 0"),
        ({"events": 20, "snapshot_at": 400}, "snapshot_at must be an integer in [0, 20], got 400"),
        ({"events": 20, "old_events": 21}, "old_events must be an integer in [0, 20], got 21"),
        ({"events": 5, "snapshot_at": -1}, "snapshot_at must be an integer in [0, 5], got -1"),
        ({"events": 2.0}, "events must be an integer"),
    ],
)
def test_rebuild_scenario_bad_values(kwargs, words):
    with pytest.raises(ValueError) as error:
        rebuild_scenario(**kwargs)
    assert words in str(error.value)


# --------------------------------------------------------------------------
# The view (the catalog suite, tests/test_views.py, drives its controls)
# --------------------------------------------------------------------------


def test_default_view_shows_the_balance_and_the_rebuild():
    shown = rebuild().view.value
    assert "EUR 47.00" in shown  # 13 deposits of 5.00, 6 withdrawals of 3.00
    assert "rebuilt from 20 events" in shown and "no snapshot" in shown


def test_snapshot_preset_reads_only_the_events_after_it():
    widget = rebuild()
    widget.principal.value = "Snapshot after event 15"
    assert "5 (snapshot at event 15)" in widget.view.value


# --------------------------------------------------------------------------
# A real process death: the child exits mid-transaction, the parent recovers the file
# --------------------------------------------------------------------------

# The child replaces the injected Crash by an immediate exit: no rollback, no close, no cleanup.
DIE = "import os, widgets.event_sourcing.model as e; e.Crash = lambda _: os._exit(3); "


def test_process_killed_mid_append_leaves_nothing_half_done(tmp_path):
    path = str(tmp_path / "db.sqlite")
    load(EventStore(path), "acc", account_history(2))
    batch = "[('withdrawn', {'amount': 1, 'currency': 'EUR'})] * 3"
    code = f"e.EventStore({path!r}).append('acc', {batch}, crash_after=2)"
    child = subprocess.run([sys.executable, "-c", DIE + code], timeout=60)
    assert child.returncode == 3  # died inside the transaction, no commit, no cleanup
    assert os.path.exists(path + "-journal")  # a hot journal: SQLite rolls it back on the next open
    assert EventStore(path).version("acc") == 2
