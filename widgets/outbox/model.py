"""Change data capture and the transactional outbox, on real SQLite files.

A service that writes its database and then publishes an event makes a *dual
write*: the two can disagree (the commit succeeds and the publish fails, or the
publish goes out and the commit never happens). The outbox pattern writes the
business row and an outbox row in ONE local transaction; a relay tails the
outbox in id order (change data capture from a table), publishes each row to the
broker and records its position. A relay that crashes may publish a row again,
never lose one: delivery is at-least-once. Consumers de-duplicate by event id
in the same transaction as their effect, so what they *do* happens exactly once.

The steps (:func:`dual_write`, :func:`place_order`, :func:`relay`, :func:`consume`),
whole runs of them (:func:`outbox_run`, :func:`dual_write_run`), and the chapter's
scenarios (:data:`SCENARIOS`, :func:`scenario_run`).
"""

from __future__ import annotations

import json
import sqlite3
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from widgets import _check
from widgets._sim import Crash, connect, crash_if, transaction

ORDERS_SCHEMA = """
CREATE TABLE IF NOT EXISTS orders (id INTEGER PRIMARY KEY, item TEXT NOT NULL, quantity INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,     -- the relay publishes in this order
    event_id TEXT NOT NULL UNIQUE,
    topic TEXT NOT NULL,
    payload TEXT NOT NULL                      -- JSON
);
CREATE TABLE IF NOT EXISTS relay_position (relay TEXT PRIMARY KEY, last_id INTEGER NOT NULL);
"""
CONSUMER_SCHEMA = """
CREATE TABLE IF NOT EXISTS processed (event_id TEXT PRIMARY KEY);   -- the de-duplication record
CREATE TABLE IF NOT EXISTS offsets (topic TEXT PRIMARY KEY, next INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS totals (item TEXT PRIMARY KEY, quantity INTEGER NOT NULL);
"""
TOPIC = "orders"
ITEMS = ("book", "lamp", "mug")
#: Where the relay can crash, for each row it handles.
RELAY_CRASHES = ("before_publish", "after_publish", "after_mark")
#: Which half of a dual write fails: the publish after the commit, or the commit after the publish.
DUAL_WRITE_FAILURES = ("publish", "commit")


class Broker:
    """An in-memory broker: topics of messages, read from an offset (a stand-in for Kafka).

    >>> broker = Broker()
    >>> broker.publish("orders", {"event_id": "order-1"})
    >>> broker.read("orders"), broker.read("orders", offset=1)
    ([{'event_id': 'order-1'}], [])
    """

    def __init__(self) -> None:
        self.topics: dict[str, list[dict]] = defaultdict(list)

    def publish(self, topic: str, message: dict) -> None:
        """Append a copy of ``message`` to ``topic``."""
        self.topics[topic].append(dict(message))

    def read(self, topic: str, offset: int = 0) -> list[dict]:
        """The messages of ``topic`` from ``offset`` on."""
        return self.topics[topic][offset:]


def _order(order_id: int) -> tuple[str, int]:
    """The item and quantity of a deterministic order."""
    return ITEMS[order_id % len(ITEMS)], 1 + order_id % 3


def _event(order_id: int) -> dict:
    item, quantity = _order(order_id)
    return {"event_id": f"order-{order_id}", "type": "order placed", "order": order_id, "item": item,
            "quantity": quantity}


def dual_write(path: str, broker: Broker, order_id: int, failure: str | None = None) -> None:
    """Commit the order, then publish (the publish can fail); or, for ``failure="commit"``,
    publish first and crash before the commit. Either failure leaves DB and broker disagreeing.

    >>> import tempfile
    >>> broker = Broker()
    >>> with tempfile.TemporaryDirectory() as d:
    ...     dual_write(f"{d}/orders.sqlite", broker, 1)
    >>> [m["event_id"] for m in broker.read(TOPIC)]
    ['order-1']
    """
    _check.choice("failure", failure, (None, *DUAL_WRITE_FAILURES))
    conn = connect(path, ORDERS_SCHEMA)
    try:
        if failure == "commit":
            broker.publish(TOPIC, _event(order_id))
        with transaction(conn):
            conn.execute("INSERT INTO orders VALUES (?, ?, ?)", (order_id, *_order(order_id)))
            if failure == "commit":
                raise Crash("published, then crashed before the commit")
        if failure == "publish":
            raise Crash("committed, then the publish failed (broker unreachable)")
        if failure is None:
            broker.publish(TOPIC, _event(order_id))
    finally:
        conn.close()


def place_order(path: str, order_id: int, *, crash_before_commit: bool = False) -> None:
    """The order row and its outbox row in one local transaction: both or neither.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     place_order(f"{d}/orders.sqlite", 1)
    ...     relay(f"{d}/orders.sqlite", Broker())
    1
    """
    conn = connect(path, ORDERS_SCHEMA)
    try:
        with transaction(conn):
            conn.execute("INSERT INTO orders VALUES (?, ?, ?)", (order_id, *_order(order_id)))
            event = _event(order_id)
            conn.execute("INSERT INTO outbox (event_id, topic, payload) VALUES (?, ?, ?)",
                         (event["event_id"], TOPIC, json.dumps(event, sort_keys=True)))
            if crash_before_commit:
                raise Crash("crashed before the commit")
    finally:
        conn.close()


def relay(path: str, broker: Broker, *, crash_at: str | None = None, crash_on: int = 1,
          name: str = "relay") -> int:
    """Tail the outbox after the recorded position, publish each row, then record the new position.

    ``crash_at`` (one of RELAY_CRASHES) kills the relay at that point of the
    ``crash_on``-th row it handles. Returns how many rows it published.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     for order_id in (1, 2):
    ...         place_order(f"{d}/orders.sqlite", order_id)
    ...     relay(f"{d}/orders.sqlite", Broker()), relay(f"{d}/orders.sqlite", Broker())
    (2, 0)
    """
    _check.choice("crash_at", crash_at, (None, *RELAY_CRASHES))
    _check.integer("crash_on", crash_on, 1, 10**6)
    conn = connect(path, ORDERS_SCHEMA)
    try:
        row = conn.execute("SELECT last_id FROM relay_position WHERE relay = ?", (name,)).fetchone()
        position = row[0] if row else 0
        rows = conn.execute("SELECT id, payload FROM outbox WHERE id > ? ORDER BY id", (position,))
        published = 0
        for count, (outbox_id, payload) in enumerate(rows.fetchall(), start=1):
            crash_if("before_publish", crash_at, now=count, crash_on=crash_on, item="row")
            broker.publish(TOPIC, json.loads(payload))
            published += 1
            crash_if("after_publish", crash_at, now=count, crash_on=crash_on, item="row")
            with transaction(conn):
                conn.execute("INSERT OR REPLACE INTO relay_position VALUES (?, ?)", (name, outbox_id))
            crash_if("after_mark", crash_at, now=count, crash_on=crash_on, item="row")
        return published
    finally:
        conn.close()


def consume(path: str, broker: Broker, *, deduplicate: bool = True) -> int:
    """Apply the orders topic to the consumer's totals from its stored offset; how many were applied.

    Each message is one transaction: record its event id (skip it if already
    there), add its quantity, advance the offset. Without ``deduplicate`` a
    redelivered event is counted again.

    >>> import tempfile
    >>> broker = Broker()
    >>> for _ in range(2):  # delivered twice
    ...     broker.publish(TOPIC, {"event_id": "order-1", "item": "lamp", "quantity": 2})
    >>> with tempfile.TemporaryDirectory() as d:
    ...     consume(f"{d}/good.sqlite", broker), consume(f"{d}/naive.sqlite", broker, deduplicate=False)
    (1, 2)
    """
    conn = connect(path, CONSUMER_SCHEMA)
    try:
        row = conn.execute("SELECT next FROM offsets WHERE topic = ?", (TOPIC,)).fetchone()
        offset = row[0] if row else 0
        applied = 0
        for message in broker.read(TOPIC, offset):
            offset += 1
            with transaction(conn):
                seen = conn.execute("INSERT OR IGNORE INTO processed VALUES (?)", (message["event_id"],))
                new = seen.rowcount
                if new or not deduplicate:
                    conn.execute(
                        "INSERT INTO totals VALUES (?, ?) "
                        "ON CONFLICT (item) DO UPDATE SET quantity = quantity + excluded.quantity",
                        (message["item"], message["quantity"]),
                    )
                    applied += 1
                conn.execute("INSERT OR REPLACE INTO offsets VALUES (?, ?)", (TOPIC, offset))
        return applied
    finally:
        conn.close()


def _query(path: str, sql: str) -> list[tuple]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def expected_totals(order_ids) -> dict[str, int]:
    """What the consumer should hold: each order's quantity counted once.

    >>> expected_totals([1, 2, 3, 4])
    {'book': 1, 'lamp': 4, 'mug': 3}
    """
    totals: dict[str, int] = {}
    for order_id in order_ids:
        item, quantity = _order(order_id)
        totals[item] = totals.get(item, 0) + quantity
    return dict(sorted(totals.items()))


@dataclass(frozen=True)
class OutboxRun:
    """What each side saw after orders, a relay crash, a restart, and consumers catching up.

    >>> run = OutboxRun((1,), ("order-1",), ("order-1", "order-1"), "", {"lamp": 2}, {"lamp": 4})
    >>> run.lost, run.duplicates, run.exactly_once
    ((), ('order-1',), True)
    """

    orders: tuple[int, ...]  # order ids committed in the service's database
    outbox: tuple[str, ...]  # event ids in the outbox, in id order
    published: tuple[str, ...]  # event ids in the broker, in publish order
    crash: str  # what the crash did ("" if none)
    totals: dict[str, int]  # the de-duplicating consumer's totals
    naive_totals: dict[str, int]  # a consumer that trusts every delivery

    @property
    def lost(self) -> tuple[str, ...]:
        """Outbox rows the broker never received."""
        return tuple(e for e in self.outbox if e not in self.published)

    @property
    def duplicates(self) -> tuple[str, ...]:
        """Events the broker received more than once."""
        return tuple(sorted({e for e in self.published if self.published.count(e) > 1}))

    @property
    def exactly_once(self) -> bool:
        """The de-duplicating consumer counted every committed order exactly once."""
        return self.totals == expected_totals(self.orders)


def _totals(path: str) -> dict[str, int]:
    return dict(_query(path, "SELECT item, quantity FROM totals ORDER BY item"))


def outbox_run(
    directory: str | Path, orders: int = 4, crash_at: str | None = None, crash_on: int = 2
) -> OutboxRun:
    """Place ``orders`` orders through the outbox, crash the relay at ``crash_at`` on its ``crash_on``-th
    row, restart it, and let a de-duplicating and a naive consumer read everything. Files go in ``directory``.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     run = outbox_run(d, orders=3, crash_at="after_publish", crash_on=2)
    >>> run.published, run.lost, run.totals == expected_totals([1, 2, 3])
    (('order-1', 'order-2', 'order-2', 'order-3'), (), True)
    """
    n = _check.integer("orders", orders, 1, 1000)
    _check.integer("crash_on", crash_on, 1, 10**6)
    db, good, naive = (str(Path(directory) / f) for f in ("orders.sqlite", "consumer.sqlite", "naive.sqlite"))
    broker = Broker()
    for order_id in range(1, n + 1):
        place_order(db, order_id)
    crash = ""
    try:
        relay(db, broker, crash_at=crash_at, crash_on=crash_on)
    except Crash as error:
        crash = str(error)
    for path, deduplicate in ((good, True), (naive, False)):
        consume(path, broker, deduplicate=deduplicate)  # the consumers keep up with what is there
    relay(db, broker)  # the restarted relay resumes from its recorded position
    for path, deduplicate in ((good, True), (naive, False)):
        consume(path, broker, deduplicate=deduplicate)
    return OutboxRun(
        orders=tuple(o for (o,) in _query(db, "SELECT id FROM orders ORDER BY id")),
        outbox=tuple(e for (e,) in _query(db, "SELECT event_id FROM outbox ORDER BY id")),
        published=tuple(m["event_id"] for m in broker.read(TOPIC)),
        crash=crash,
        totals=_totals(good),
        naive_totals=_totals(naive),
    )


@dataclass(frozen=True)
class DualWriteRun:
    """What the database and the broker hold after a run of dual writes.

    >>> run = DualWriteRun(orders=(1, 2), published=("order-1", "order-3"), failure="")
    >>> run.missing_events, run.ghost_events, run.agree
    (('order-2',), ('order-3',), False)
    """

    orders: tuple[int, ...]  # committed in the database
    published: tuple[str, ...]  # in the broker
    failure: str

    @property
    def missing_events(self) -> tuple[str, ...]:
        """Orders the database has and the broker never heard of."""
        return tuple(f"order-{o}" for o in self.orders if f"order-{o}" not in self.published)

    @property
    def ghost_events(self) -> tuple[str, ...]:
        """Events announcing orders the database does not have."""
        return tuple(e for e in self.published if int(e.removeprefix("order-")) not in self.orders)

    @property
    def agree(self) -> bool:
        """The database and the broker tell the same story."""
        return not (self.missing_events or self.ghost_events)


def dual_write_run(
    directory: str | Path, orders: int = 4, failure: str = "publish", fail_on: int = 2
) -> DualWriteRun:
    """Place ``orders`` orders by dual write; the ``fail_on``-th one fails (``failure``). Nothing retries it.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     run = dual_write_run(d, orders=3, failure="publish", fail_on=2)
    >>> run.missing_events, run.ghost_events
    (('order-2',), ())
    """
    n = _check.integer("orders", orders, 1, 1000)
    _check.choice("failure", failure, DUAL_WRITE_FAILURES)
    _check.integer("fail_on", fail_on, 1, 10**6)
    db = str(Path(directory) / "orders.sqlite")
    broker = Broker()
    failed = ""
    for order_id in range(1, n + 1):
        try:
            dual_write(db, broker, order_id, failure if order_id == fail_on else None)
        except Crash as error:
            failed = f"order {order_id}: {error}"
    return DualWriteRun(
        orders=tuple(o for (o,) in _query(db, "SELECT id FROM orders ORDER BY id")),
        published=tuple(m["event_id"] for m in broker.read(TOPIC)),
        failure=failed,
    )


#: The chapter's scenarios: label -> (pattern, crash point of the relay or failure of the dual write).
SCENARIOS = {
    "Outbox, no crash": ("outbox", None),
    "Outbox, relay crashes before publishing": ("outbox", "before_publish"),
    "Outbox, relay crashes after publishing, before recording": ("outbox", "after_publish"),
    "Outbox, relay crashes after recording its position": ("outbox", "after_mark"),
    "Dual write, the publish fails after the commit": ("dual", "publish"),
    "Dual write, crash after the publish, before the commit": ("dual", "commit"),
}


def scenario_run(scenario: str, orders: int = 4, crash_on: int = 2) -> OutboxRun | DualWriteRun:
    """Run one of :data:`SCENARIOS` with ``orders`` orders, failing on order (or relay row) ``crash_on``,
    on SQLite files in a temporary folder: :func:`outbox_run` or :func:`dual_write_run`.

    >>> scenario_run("Dual write, the publish fails after the commit", orders=3, crash_on=2).missing_events
    ('order-2',)
    >>> scenario_run("Outbox, no crash", orders=3, crash_on=4)
    Traceback (most recent call last):
    ValueError: crash_on must be an integer in [1, 3], got 4
    """
    _check.choice("scenario", scenario, SCENARIOS)
    n = _check.integer("orders", orders, 1, 1000)
    _check.integer("crash_on", crash_on, 1, n)
    pattern, point = SCENARIOS[scenario]
    with tempfile.TemporaryDirectory(prefix="outbox-") as folder:
        if pattern == "dual":
            return dual_write_run(folder, n, point, crash_on)
        return outbox_run(folder, n, point, crash_on)
