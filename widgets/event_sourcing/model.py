"""Event sourcing on SQLite: the events are the data.

An append-only ``events`` table (stdlib ``sqlite3``; triggers refuse UPDATE and
DELETE) holds every change to an account. State is rebuilt by replaying the
events in order (Fowler, "Event Sourcing", 2005); a snapshot of the state
shortens the replay; events stored in an old schema are *upcast* when read, never
rewritten. A handler keeps a derived ``balances`` table (a read model) up to date
from the log; drop it and the log rebuilds it. :func:`rebuild_scenario` runs all of
it on one account, as the chapter's widget shows it.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Sequence
from dataclasses import dataclass

from widgets import _check
from widgets._sim import Crash, connect, transaction

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
    """One stored event: its stream, its version in the stream, its type, schema version and data.

    >>> Event("acc", 1, "opened", 2, {"owner": "Ada"}).type
    'opened'
    """

    stream: str
    version: int
    type: str
    schema: int
    data: dict


@dataclass(frozen=True)
class Replay:
    """State rebuilt from the log: where it came from and how many events were read.

    >>> Replay({"balances": {}}, version=3, events_read=1, from_snapshot=2, upcast=0).events_read
    1
    """

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
    """Fold one (current-schema) event into an account's state: balances in cents per currency.

    >>> withdrawn = Event("acc", 2, "withdrawn", 2, {"amount": 300, "currency": "EUR"})
    >>> apply({"owner": "Ada", "balances": {}}, withdrawn)
    {'owner': 'Ada', 'balances': {'EUR': -300}}
    """
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
        """Close the store's connection."""
        self.conn.close()

    def version(self, stream: str) -> int:
        """The stream's version: its last event's (0 for an empty stream)."""
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
        """The stream's events after version ``after``, in order, as stored (:func:`upcast` reads them)."""
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

    >>> store = EventStore()
    >>> load(store, "acc", account_history(4))
    >>> update_balances(store), update_balances(store), balances(store, "acc")
    (4, 0, {'EUR': 700})
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
    """The read model's balances of a stream, in cents per currency.

    >>> balances(EventStore(), "acc")
    {}
    """
    store.conn.executescript(READ_MODEL_SCHEMA)
    sql = "SELECT currency, cents FROM balances WHERE stream = ? ORDER BY currency"
    return dict(store.conn.execute(sql, (stream,)).fetchall())


def drop_balances(store: EventStore) -> None:
    """Throw the read model away (a bug was found in it, say); :func:`update_balances` rebuilds it.

    >>> store = EventStore()
    >>> load(store, "acc", account_history(4))
    >>> update_balances(store), drop_balances(store), balances(store, "acc"), update_balances(store)
    (4, None, {}, 4)
    """
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
    taken after event ``snapshot_at`` (0: none).

    >>> store = EventStore()
    >>> load(store, "acc", account_history(5), snapshot_at=3)
    >>> store.version("acc"), store.replay("acc").events_read
    (5, 2)
    """
    _check.integer("snapshot_at", snapshot_at, 0, len(history))
    for start, end in ((0, snapshot_at), (snapshot_at, len(history))):
        for schema, events in itertools.groupby(history[start:end], key=lambda event: event[2]):
            store.append(stream, [(kind, data) for kind, data, _ in events], schema=schema)
        if end == snapshot_at > 0:
            store.snapshot(stream)


#: How many of the log's first events :func:`rebuild_scenario` keeps, as stored and as read.
SHOWN_EVENTS = 6


@dataclass(frozen=True)
class Rebuild:
    """One account's log rebuilt every way: replayed from the start and from the snapshot, and its
    balances table kept up to date by the handler, then dropped and rebuilt from the log.

    >>> rebuild_scenario(4).reread
    4
    """

    events: int  # events in the log
    full: Replay  # replayed from the first event
    fast: Replay  # replayed from the snapshot (as ``full`` if there is none)
    first: tuple[tuple[Event, Event], ...]  # the first SHOWN_EVENTS events: as stored, and as read (upcast)
    kept: dict[str, int]  # the balances table the handler kept up to date, in cents per currency
    reread: int  # events the handler read to rebuild the dropped table
    rebuilt: dict[str, int]  # the rebuilt balances table


def rebuild_scenario(events: int = 20, snapshot_at: int = 0, old_events: int = 0) -> Rebuild:
    """Load :func:`account_history` (``events`` events, the first ``old_events`` deposits in schema 1)
    with a snapshot after event ``snapshot_at`` (0: none) into a store in memory, and rebuild it every way.

    >>> run = rebuild_scenario(20, snapshot_at=15)
    >>> run.full.events_read, run.fast.events_read, run.fast.state == run.full.state
    (20, 5, True)
    >>> run.kept == run.rebuilt == {"EUR": 4700}, run.reread
    (True, 20)
    >>> rebuild_scenario(20, snapshot_at=21)
    Traceback (most recent call last):
    ValueError: snapshot_at must be an integer in [0, 20], got 21
    """
    n = _check.integer("events", events, 1, 10_000)
    _check.integer("snapshot_at", snapshot_at, 0, n)
    _check.integer("old_events", old_events, 0, n)
    stream, store = "account", EventStore(":memory:")
    try:
        load(store, stream, account_history(n, old_events), snapshot_at)
        full, fast = store.replay(stream, use_snapshot=False), store.replay(stream)
        first = tuple((event, upcast(event)) for event in store.read(stream)[:SHOWN_EVENTS])
        update_balances(store)
        kept = balances(store, stream)
        drop_balances(store)
        reread = update_balances(store)
        return Rebuild(n, full, fast, first, kept, reread, balances(store, stream))
    finally:
        store.close()
