"""Event sourcing on SQLite: the events are the data.

An append-only ``events`` table (stdlib ``sqlite3``; triggers refuse UPDATE and
DELETE) holds every change to an account. State is rebuilt by replaying the
events in order (Fowler, "Event Sourcing", 2005); a snapshot of the state
shortens the replay; events stored in an old schema are *upcast* when read, never
rewritten. A handler keeps a derived ``balances`` table (a read model) up to date
from the log; drop it and the log rebuilds it.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from . import _check, _view
from .transactions import Crash, connect, frame_table, transaction

# --------------------------------------------------------------------------
# Model
# --------------------------------------------------------------------------

EVENT_SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    stream TEXT NOT NULL,
    version INTEGER NOT NULL,          -- 1, 2, ... within the stream
    type TEXT NOT NULL,
    schema INTEGER NOT NULL,           -- the event's schema version when it was written
    data TEXT NOT NULL,                -- JSON
    UNIQUE (stream, version)           -- optimistic concurrency: one writer per version
);
CREATE TRIGGER IF NOT EXISTS events_append_only_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE TRIGGER IF NOT EXISTS events_append_only_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE TABLE IF NOT EXISTS snapshots (
    stream TEXT PRIMARY KEY,
    version INTEGER NOT NULL,          -- the last event folded into the state
    state TEXT NOT NULL                -- JSON
);
"""
#: The read model: balances kept up to date by a handler that remembers how far it has read.
READ_MODEL_SCHEMA = """
CREATE TABLE IF NOT EXISTS balances (
    stream TEXT NOT NULL, currency TEXT NOT NULL, cents INTEGER NOT NULL, PRIMARY KEY (stream, currency)
);
CREATE TABLE IF NOT EXISTS handler_position (handler TEXT PRIMARY KEY, last_id INTEGER NOT NULL);
"""
#: The schema version :meth:`EventStore.append` writes; older events are upcast on read.
CURRENT_SCHEMA = 2
DEFAULT_CURRENCY = "EUR"


@dataclass(frozen=True)
class Event:
    stream: str
    version: int
    type: str
    schema: int
    data: dict


@dataclass(frozen=True)
class Replay:
    """State rebuilt from the log: where it came from and how many events were read."""

    state: dict
    version: int
    events_read: int
    from_snapshot: int  # the snapshot's version (0: replayed from the first event)
    upcast: int  # events read in an old schema and upcast


def upcast(event: Event) -> Event:
    """An event in the current schema. v1 "deposited" had no currency: it was always euros.

    >>> upcast(Event("acc", 2, "deposited", 1, {"amount": 500})).data
    {'amount': 500, 'currency': 'EUR'}
    """
    if event.schema == 1 and event.type == "deposited":
        return Event(event.stream, event.version, event.type, 2, {**event.data, "currency": DEFAULT_CURRENCY})
    return event


def _money(event: Event) -> tuple[str, int]:
    """The currency and signed amount in cents a (current-schema) money event moves."""
    return event.data["currency"], {"deposited": 1, "withdrawn": -1}[event.type] * event.data["amount"]


def apply(state: dict, event: Event) -> dict:
    """Fold one (current-schema) event into an account's state: balances in cents per currency."""
    if event.type == "opened":
        return {"owner": event.data["owner"], "balances": {}}
    currency, cents = _money(event)
    balances = dict(state.get("balances", {}))
    balances[currency] = balances.get(currency, 0) + cents
    return {**state, "balances": balances}


class EventStore:
    """An append-only event log in a SQLite file (or ``":memory:"``).

    >>> store = EventStore(":memory:")
    >>> store.append("acc", [("opened", {"owner": "Ada"}), ("deposited", {"amount": 500})], schema=1)
    2
    >>> store.replay("acc").state
    {'owner': 'Ada', 'balances': {'EUR': 500}}
    """

    def __init__(self, path: str = ":memory:") -> None:
        self.conn = connect(path, EVENT_SCHEMA)

    def close(self) -> None:
        self.conn.close()

    def version(self, stream: str) -> int:
        sql = "SELECT COALESCE(MAX(version), 0) FROM events WHERE stream = ?"
        (version,) = self.conn.execute(sql, (stream,)).fetchone()
        return version

    def append(
        self,
        stream: str,
        events: Sequence[tuple[str, dict]],
        *,
        expected_version: int | None = None,
        schema: int = CURRENT_SCHEMA,
        crash_after: int | None = None,
    ) -> int:
        """Append (type, data) events in one transaction; the stream's new version.

        ``expected_version`` guards against a concurrent writer; ``crash_after=k``
        kills the process after k inserts, before the commit: none of them survive.
        """
        _check.choice("schema", schema, (1, CURRENT_SCHEMA))
        with transaction(self.conn):
            version = self.version(stream)
            if expected_version is not None and expected_version != version:
                raise ValueError(
                    f"expected_version must be the stream's version {version}, got {expected_version!r}"
                )
            for i, (kind, data) in enumerate(events, start=1):
                _check.choice("event type", kind, ("opened", "deposited", "withdrawn"))
                self.conn.execute(
                    "INSERT INTO events (stream, version, type, schema, data) VALUES (?, ?, ?, ?, ?)",
                    (stream, version + i, kind, schema, json.dumps(data, sort_keys=True)),
                )
                if i == crash_after:
                    raise Crash(f"crash after {i} of {len(events)} inserts, before the commit")
        return version + len(events)

    def read(self, stream: str, after: int = 0) -> list[Event]:
        """The stream's events after version ``after``, in order, upcast to the current schema."""
        rows = self.conn.execute(
            "SELECT version, type, schema, data FROM events "
            "WHERE stream = ? AND version > ? ORDER BY version",
            (stream, after),
        )
        return [Event(stream, v, t, s, json.loads(d)) for v, t, s, d in rows]

    def snapshot(self, stream: str) -> int:
        """Store the current state; later replays start from it. Returns its version."""
        replay = self.replay(stream)
        with transaction(self.conn):
            self.conn.execute(
                "INSERT OR REPLACE INTO snapshots (stream, version, state) VALUES (?, ?, ?)",
                (stream, replay.version, json.dumps(replay.state, sort_keys=True)),
            )
        return replay.version

    def replay(self, stream: str, *, use_snapshot: bool = True) -> Replay:
        """Rebuild the state: from the latest snapshot if asked, then the events after it."""
        state, start = {}, 0
        row = self.conn.execute("SELECT version, state FROM snapshots WHERE stream = ?", (stream,)).fetchone()
        if use_snapshot and row:
            start, state = row[0], json.loads(row[1])
        events = self.read(stream, after=start)
        current = [upcast(event) for event in events]
        for event in current:
            state = apply(state, event)
        version = events[-1].version if events else start
        old = sum(new is not event for new, event in zip(current, events))
        return Replay(state, version, len(events), start, old)


def update_balances(store: EventStore) -> int:
    """The balances handler: fold the events it has not read yet into the ``balances`` table.

    Its position and its updates commit together, so it never counts an event
    twice. Returns how many events it read.
    """
    conn = store.conn
    conn.executescript(READ_MODEL_SCHEMA)
    with transaction(conn):
        row = conn.execute("SELECT last_id FROM handler_position WHERE handler = 'balances'").fetchone()
        sql = "SELECT id, stream, version, type, schema, data FROM events WHERE id > ? ORDER BY id"
        rows = conn.execute(sql, (row[0] if row else 0,)).fetchall()
        for _, stream, version, kind, schema, data in rows:
            event = upcast(Event(stream, version, kind, schema, json.loads(data)))
            if event.type != "opened":
                conn.execute(
                    "INSERT INTO balances VALUES (?, ?, ?) "
                    "ON CONFLICT (stream, currency) DO UPDATE SET cents = cents + excluded.cents",
                    (stream, *_money(event)),
                )
        if rows:
            conn.execute("INSERT OR REPLACE INTO handler_position VALUES ('balances', ?)", (rows[-1][0],))
    return len(rows)


def balances(store: EventStore, stream: str) -> dict[str, int]:
    """The read model's balances of a stream, in cents per currency."""
    store.conn.executescript(READ_MODEL_SCHEMA)
    sql = "SELECT currency, cents FROM balances WHERE stream = ? ORDER BY currency"
    return dict(store.conn.execute(sql, (stream,)).fetchall())


def drop_balances(store: EventStore) -> None:
    """Throw the read model away (a bug was found in it, say); :func:`update_balances` rebuilds it."""
    store.conn.executescript("DROP TABLE IF EXISTS balances; DROP TABLE IF EXISTS handler_position;")


def account_history(n_events: int, old_events: int = 0) -> list[tuple[str, dict, int]]:
    """A deterministic account history: (type, data, schema), opened then deposits and withdrawals.

    Deposits among the first ``old_events`` events are written in schema 1 (no currency).

    >>> [(kind, schema) for kind, _, schema in account_history(4, old_events=3)]
    [('opened', 2), ('deposited', 1), ('deposited', 1), ('withdrawn', 2)]
    """
    n = _check.integer("n_events", n_events, 1, 10_000)
    old = _check.integer("old_events", old_events, 0, n)
    history = [("opened", {"owner": "Ada"}, CURRENT_SCHEMA)]
    for i in range(1, n):
        if i % 3 == 0:
            history.append(("withdrawn", {"amount": 300, "currency": "EUR"}, CURRENT_SCHEMA))
        elif i < old:
            history.append(("deposited", {"amount": 500}, 1))
        else:
            history.append(("deposited", {"amount": 500, "currency": "EUR"}, CURRENT_SCHEMA))
    return history


def load(store: EventStore, stream: str, history: list[tuple[str, dict, int]], snapshot_at: int = 0) -> None:
    """Append a history, one transaction per run of events in one schema, with a snapshot
    taken after event ``snapshot_at`` (0: none)."""
    _check.integer("snapshot_at", snapshot_at, 0, len(history))
    for start, end in ((0, snapshot_at), (snapshot_at, len(history))):
        for schema, events in itertools.groupby(history[start:end], key=lambda event: event[2]):
            store.append(stream, [(kind, data) for kind, data, _ in events], schema=schema)
        if end == snapshot_at > 0:
            store.snapshot(stream)


# --------------------------------------------------------------------------
# View
# --------------------------------------------------------------------------


def _money_text(balances: dict[str, int]) -> str:
    return ", ".join(f"{currency} {cents / 100:.2f}" for currency, cents in balances.items()) or "0"


def event_sourcing_view() -> _view.Interactive:
    """An account as an event log in SQLite: replay from the start or a snapshot, upcast old events,
    and drop the balances table to see the log rebuild it.

    >>> "Events read to rebuild" in event_sourcing_view().view.value
    True
    """
    controls = {
        "events": _view.control("IntSlider", "Events in the log", min=1, max=500, value=20),
        "snapshot_at": _view.control("IntSlider", "Snapshot after event", min=0, max=500, value=0),
        "old_events": _view.control("IntSlider", "First events in v1", min=0, max=500, value=0),
    }

    def render(v: _view.Values) -> str:
        if v["snapshot_at"] > v["events"] or v["old_events"] > v["events"]:
            raise ValueError(
                f"Snapshot after event ({v['snapshot_at']}) and First events in v1 ({v['old_events']}) "
                f"must be at most Events in the log ({v['events']})"
            )
        store = EventStore(":memory:")
        try:
            load(store, "account", account_history(v["events"], v["old_events"]), v["snapshot_at"])
            full = store.replay("account", use_snapshot=False)
            fast = store.replay("account")
            shown = store.read("account")[:6]
            update_balances(store)
            table = balances(store, "account")
            drop_balances(store)
            reread = update_balances(store)
            rebuilt = balances(store, "account")
        finally:
            store.close()
        rows = [
            ("Events in the log (append-only)", f"{v['events']}"),
            ("Events read to rebuild, from the start", f"{full.events_read}"),
            ("Events read to rebuild, from the snapshot",
             f"{fast.events_read} (snapshot at event {fast.from_snapshot})"
             if fast.from_snapshot else "no snapshot"),
            ("Old v1 events upcast on read", f"{full.upcast}"),
            ("Balance, replayed from the start", _money_text(full.state["balances"])),
            ("Balance, replayed from the snapshot", _money_text(fast.state["balances"])),
            ("Balances table, kept up to date by a handler", _money_text(table)),
            (f"Balances table dropped, rebuilt from {reread} events", _money_text(rebuilt)),
        ]
        log = pd.DataFrame(
            [{"event #": e.version, "type": e.type, "stored (schema)": f"v{e.schema}: {json.dumps(e.data)}",
              "read as": f"v{upcast(e).schema}: {json.dumps(upcast(e).data)}"} for e in shown]
        )
        return _view.table_html(rows, caption="Rebuilding an account by replay") + frame_table(
            log, f"The first {len(shown)} events: stored, and read"
        )

    presets = {
        "Replay from the start": {"events": 20, "snapshot_at": 0, "old_events": 0},
        "Snapshot after event 15": {"events": 20, "snapshot_at": 15, "old_events": 0},
        "Old v1 deposits, upcast on read": {"events": 20, "snapshot_at": 0, "old_events": 6},
    }
    return _view.Interactive(render, controls, presets, principal="Scenario")
