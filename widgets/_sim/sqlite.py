"""SQLite plumbing the transaction models share: a connection with a schema, and one transaction
that a :class:`~widgets._sim.crash.Crash` kills uncommitted, as a process dying would."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator

from .crash import Crash


def connect(path: str, schema: str) -> sqlite3.Connection:
    """A connection in autocommit mode (transactions are explicit) with ``schema`` created.

    ``synchronous = OFF``: a commit is handed to the operating system without
    waiting for the disk. It survives the process crashing, the failure modelled
    here, and keeps each step fast; a power cut could lose recent commits
    (production keeps the default, FULL, and pays a disk flush per commit).
    """
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA synchronous = OFF")
    conn.executescript(schema)
    return conn


@contextlib.contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One SQLite transaction. On a :class:`Crash` the connection dies uncommitted, as a process would."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except Crash:
        conn.close()  # no commit: SQLite discards the transaction
        raise
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def query_plan(conn: sqlite3.Connection, sql: str, params: tuple = ()) -> tuple[str, ...]:
    """SQLite's ``EXPLAIN QUERY PLAN`` of ``sql``, one line a step, indented two spaces a level.

    >>> query_plan(connect(":memory:", "CREATE TABLE t (id INTEGER PRIMARY KEY)"), "SELECT * FROM t WHERE id = ?", (1,))
    ('SEARCH t USING INTEGER PRIMARY KEY (rowid=?)',)
    """
    depth: dict[int, int] = {0: -1}
    lines = []
    for node, parent, _, detail in conn.execute(f"EXPLAIN QUERY PLAN {sql}", params):
        depth[node] = depth.get(parent, -1) + 1
        lines.append("  " * depth[node] + detail)
    return tuple(lines)
