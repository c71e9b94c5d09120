"""Tests of two-phase commit, event sourcing, the outbox and the transaction supervisor.

Two-phase commit follows Bernstein, Hadzilacos & Goodman, "Concurrency Control and
Recovery in Database Systems" (1987), ch. 7, and Gray & Lamport, "Consensus on
Transaction Commit" (2006): any NO vote aborts; a participant that voted YES waits
for the decision (it blocks if the coordinator is gone). The storage tests run on
real SQLite files in pytest's tmp_path, with crashes injected at every point.
"""

from __future__ import annotations

import doctest
import os
import random
import sqlite3
import subprocess
import sys
import tempfile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from widgets import event_sourcing, outbox, supervisor, transactions
from widgets._drive import controls, set_random
from widgets.event_sourcing import EventStore, account_history, balances, drop_balances, load, update_balances
from widgets.outbox import RELAY_CRASHES, Broker, consume, expected_totals, outbox_run, place_order, relay
from widgets.supervisor import DAY, SUPERVISOR_CRASHES, SagaTable, demo_table, simulate_day, supervise
from widgets.transactions import Crash, two_phase_commit

# --------------------------------------------------------------------------
# Two-phase commit
# --------------------------------------------------------------------------


@pytest.mark.parametrize("n", [1, 2, 3, 5, 10])
def test_all_yes_commits_with_4n_messages(n):
    run = two_phase_commit(n)
    assert run.decision == "commit" and len(run.messages) == 4 * n  # prepare, yes, commit, ack each
    assert [m.kind for m in run.messages] == ["prepare"] * n + ["yes"] * n + ["commit"] * n + ["ack"] * n
    assert set(run.states.values()) == {"committed"} and run.holding_locks == ()
    assert all("coordinator" in m[:2] for m in run.messages)  # participants never talk to each other


def test_one_no_aborts_everyone():
    run = two_phase_commit(3, ["yes", "no", "yes"])
    assert run.decision == "abort"
    assert run.states == {"P1": "aborted", "P2": "aborted", "P3": "aborted"}
    # The NO voter aborted unilaterally; only YES voters need the decision (and acknowledge it).
    assert [m[1:] for m in run.messages if m.kind == "abort"] == [("P1", "abort"), ("P3", "abort")]
    assert len(run.messages) == 2 * 3 + 2 * 2


def test_coordinator_crash_after_prepare_blocks_yes_voters():
    run = two_phase_commit(3, [True, True, False], coordinator_crash="after_prepare")
    assert run.decision is None and len(run.messages) == 6  # prepares and votes, then silence
    assert run.states == {"P1": "blocked", "P2": "blocked", "P3": "aborted"}
    assert run.holding_locks == ("P1", "P2")


@given(st.lists(st.booleans(), min_size=1, max_size=20), st.sampled_from([None, "after_prepare"]))
def test_property_atomic_decision_and_message_count(votes, crash):
    run = two_phase_commit(len(votes), votes, crash)
    states = set(run.states.values())
    assert not {"committed", "aborted"} <= states  # never some committed and some aborted
    if crash:
        assert run.decision is None and len(run.messages) == 2 * len(votes)
        assert len(run.holding_locks) == sum(votes)
    else:
        assert run.decision == ("commit" if all(votes) else "abort")
        assert len(run.messages) == 2 * len(votes) + 2 * sum(votes)  # = 4n when all vote yes


@pytest.mark.parametrize(
    ("args", "words"),
    [
        ((0,), "n_participants must be an integer in [1, 100], got 0"),
        ((True,), "n_participants must be an integer"),
        ((2.5,), "n_participants must be an integer"),
        ((2, ["yes"]), "votes must be None or a sequence of 2 votes"),
        ((2, "yes"), "votes must be None or a sequence of 2 votes"),
        ((2, ["yes", "maybe"]), "votes must hold only 'yes', 'no', True or False, got 'maybe'"),
        ((2, None, "during_commit"),
         "coordinator_crash must be one of None, 'after_prepare', got 'during_commit'"),
    ],
)
def test_two_phase_commit_bad_values(args, words):
    with pytest.raises(ValueError) as error:
        two_phase_commit(*args)
    assert words in str(error.value)


# --------------------------------------------------------------------------
# Event sourcing on SQLite files
# --------------------------------------------------------------------------


def balance_by_hand(history):
    return sum(500 if kind == "deposited" else -300 for kind, _, _ in history if kind != "opened")


@pytest.fixture
def store_path(tmp_path):
    return str(tmp_path / "events.sqlite")


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
# Dual write and the outbox on SQLite files
# --------------------------------------------------------------------------


def test_dual_write_disagrees_when_the_publish_fails(tmp_path):
    run = outbox.dual_write_run(tmp_path, orders=3, failure="publish", fail_on=2)
    assert run.orders == (1, 2, 3) and run.published == ("order-1", "order-3")
    assert run.missing_events == ("order-2",) and run.ghost_events == ()


def test_dual_write_disagrees_when_the_commit_fails(tmp_path):
    run = outbox.dual_write_run(tmp_path, orders=3, failure="commit", fail_on=3)
    assert run.orders == (1, 2) and run.ghost_events == ("order-3",)


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
    assert run.totals == expected_totals(range(1, 5))
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
    assert run.totals == expected_totals(range(1, orders + 1))


@pytest.mark.parametrize(
    ("call", "words"),
    [
        (lambda d: outbox_run(d, orders=0), "orders must be an integer in [1, 1000], got 0"),
        (lambda d: outbox_run(d, crash_at="sideways"), "crash_at must be one of None, 'before_publish'"),
        (lambda d: outbox_run(d, crash_on=0), "crash_on must be an integer"),
        (lambda d: outbox.dual_write_run(d, failure="network"), "failure must be one of 'publish', 'commit'"),
    ],
)
def test_outbox_bad_values(tmp_path, call, words):
    with pytest.raises(ValueError) as error:
        call(tmp_path)
    assert words in str(error.value)


# --------------------------------------------------------------------------
# Transaction supervisor on a SQLite file
# --------------------------------------------------------------------------


def final_state(table: SagaTable):
    return [(r.id, r.status, r.done, r.undone) for r in table.rows()], sorted(table.effects())


@pytest.fixture
def saga_path(tmp_path):
    path = str(tmp_path / "sagas.sqlite")
    demo_table(path).close()
    return path


def test_supervisor_finishes_and_compensates_stuck_sagas_only(saga_path):
    table = SagaTable(saga_path)
    report = supervise(table, supervisor.NOW, timeout=60)
    assert report.stuck == ("trip-1", "trip-2")  # trip-3 is alive, trip-4 is done
    assert report.completed == ("trip-1",) and report.compensated == ("trip-2",)
    statuses, effects = final_state(table)
    assert statuses[2] == ("trip-3", "running", 1, 0)
    assert [e[1:] for e in effects if e[0] == "trip-2"] == [("airline", "do"), ("airline", "undo")]


def test_supervisor_is_idempotent(saga_path):
    table = SagaTable(saga_path)
    supervise(table, supervisor.NOW, timeout=60)
    after_one = final_state(table)
    again = supervise(table, supervisor.NOW, timeout=60)
    later = supervise(table, supervisor.NOW + 10, timeout=60)
    assert (again.actions, later.actions) == (0, 0)
    assert final_state(table) == after_one


def test_a_failing_retry_compensates_without_undoing_the_failed_step(saga_path):
    table = SagaTable(saga_path)
    report = supervise(table, supervisor.NOW, timeout=60, failing={("trip-1", "hotel")})
    assert report.compensated == ("trip-1", "trip-2")
    trip1 = [e[1:] for e in table.effects() if e[0] == "trip-1"]
    assert trip1 == [("airline", "do"), ("airline", "undo")]  # hotel rolled back locally: nothing to undo


@pytest.mark.parametrize(("crash_at", "crash_on"), [(p, k) for p in SUPERVISOR_CRASHES for k in (1, 2, 3)])
def test_supervisor_crash_at_every_point_then_rerun(tmp_path, saga_path, crash_at, crash_on):
    reference = str(tmp_path / "reference.sqlite")
    demo_table(reference).close()
    for now in (supervisor.NOW, supervisor.NOW + 61):  # two passes, no crash
        supervise(SagaTable(reference), now, timeout=60)
    with pytest.raises(Crash):
        supervise(SagaTable(saga_path), supervisor.NOW, timeout=60, crash_at=crash_at, crash_on=crash_on)
    # The next run, once the crashed pass's progress has gone idle for the timeout:
    rerun = supervise(SagaTable(saga_path), supervisor.NOW + 61, timeout=60)
    assert rerun.duplicates_ignored == (1 if crash_at == "after_effect" else 0)
    assert final_state(SagaTable(saga_path)) == final_state(SagaTable(reference))


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


def test_docstring_examples():
    for module in (transactions, event_sourcing, outbox, supervisor):
        assert doctest.testmod(module).failed == 0, module.__name__


# --------------------------------------------------------------------------
# Views
# --------------------------------------------------------------------------

FACTORIES = [
    transactions.two_phase_commit_view,
    event_sourcing.event_sourcing_view,
    outbox.outbox_view,
    supervisor.supervisor_view,
]
DEFAULT_FIGURES = {  # a key figure of each default view
    "two_phase_commit_view": ["12 = 4 × 3", 'alt="Sequence diagram'],
    "event_sourcing_view": ["EUR 47.00", "rebuilt from 20 events"],  # 13 deposits of 5.00, 6 withdrawals of 3
    "outbox_view": ["ran without a crash"],
    "supervisor_view": ["listed 11 for review"],
}
BAD_LIVE = {  # control, bad value, words in the message
    "two_phase_commit_view": ("votes", "yes, perhaps", "Votes must be 1 to 8 words"),
    "event_sourcing_view": ("snapshot_at", 400, "must be at most Events in the log (20)"),
    "outbox_view": ("crash_on", 7, "Failure on order must be at most Orders (4), got 7"),
    "supervisor_view": None,  # every control value is valid
}


@pytest.fixture(params=FACTORIES, ids=lambda f: f.__name__)
def view(request):
    return request.param()


def test_every_preset_differs_and_renders_without_error(view):
    assert len(view.stack.children) == len(view.presets) >= 3
    seen = {view.view.value}
    for name in list(view.presets)[1:]:
        view.principal.value = name
        assert view.error.value == ""
        assert view.view.value not in seen
        seen.add(view.view.value)


@pytest.mark.parametrize("factory", FACTORIES, ids=lambda f: f.__name__)
def test_rendering_twice_gives_identical_html(factory):
    view = factory()
    before = [child.value for child in view.stack.children]
    view.refresh()
    assert view.view.value == before[0]
    assert [child.value for child in factory().stack.children] == before


def test_default_view_key_figures_and_bad_input(view, request):
    name = request.node.callspec.id
    assert all(figure in view.view.value for figure in DEFAULT_FIGURES[name]), view.view.value
    if BAD_LIVE[name]:
        control, bad, words = BAD_LIVE[name]
        before = view.view.value
        view.controls[control].value = bad
        assert words in view.error.value and view.view.value == before


def test_views_take_random_and_bad_values(view, request):
    rng = random.Random(request.node.callspec.id)
    all_controls = list(controls(view))
    for _ in range(40):
        set_random(rng.choice(all_controls), rng, bad=rng.random() < 0.3)
        assert "unexpected" not in view.error.value, view.error.value


# --------------------------------------------------------------------------
# A real process death: the child exits mid-transaction, the parent recovers the file
# --------------------------------------------------------------------------

# The child replaces the injected Crash by an immediate exit: no rollback, no close, no cleanup.
DIE = (
    "import os, widgets.transactions as t, widgets.outbox as o, widgets.event_sourcing as e; "
    "t.Crash = o.Crash = e.Crash = lambda _: os._exit(3); "
)


@pytest.mark.parametrize(
    "code",
    [
        "e.EventStore(PATH).append('acc', [('withdrawn', {'amount': 1, 'currency': 'EUR'})] * 3,"
        " crash_after=2)",
        "o.place_order(PATH, 2, crash_before_commit=True)",
    ],
    ids=["event-append", "outbox-order"],
)
def test_process_killed_mid_transaction_leaves_nothing_half_done(tmp_path, code):
    path = str(tmp_path / "db.sqlite")
    if "EventStore" in code:
        load(EventStore(path), "acc", account_history(2))
    else:
        place_order(path, 1)
    child = subprocess.run([sys.executable, "-c", DIE + code.replace("PATH", repr(path))], timeout=60)
    assert child.returncode == 3  # died inside the transaction, no commit, no cleanup
    assert os.path.exists(path + "-journal")  # a hot journal: SQLite rolls it back on the next open
    conn = sqlite3.connect(path)
    if "EventStore" in code:
        assert EventStore(path).version("acc") == 2
    else:
        assert conn.execute("SELECT COUNT(*) FROM orders").fetchone() == (1,)
        assert conn.execute("SELECT COUNT(*) FROM outbox").fetchone() == (1,)
