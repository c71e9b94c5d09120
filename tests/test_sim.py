"""Tests of widgets._sim, the simulation plumbing the models share: crash injection, one SQLite
transaction that a crash kills uncommitted, and the one Message type.

The storage tests run on real SQLite files in pytest's tmp_path; the last one kills a real child
process inside a transaction and checks that SQLite rolls the hot journal back on the next open.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys

import pytest

from widgets._sim import Crash, Message, connect, crash_if, transaction

SCHEMA = "CREATE TABLE IF NOT EXISTS items (id INTEGER PRIMARY KEY, name TEXT NOT NULL);"


def names(path: str) -> list[str]:
    with sqlite3.connect(path) as conn:
        return [name for (name,) in conn.execute("SELECT name FROM items ORDER BY id")]


# --------------------------------------------------------------------------
# Crash injection
# --------------------------------------------------------------------------


def test_crash_if_fires_only_at_its_point_and_item():
    crash_if("after_publish", None)
    crash_if("after_publish", "before_publish")
    crash_if("after_publish", "after_publish", now=1, crash_on=2)
    with pytest.raises(Crash, match="^crashed after publish on row 2$"):
        crash_if("after_publish", "after_publish", now=2, crash_on=2, item="row")


def test_a_crash_is_not_a_value_error():
    assert not issubclass(Crash, ValueError)  # never shown as bad input on a widget's error line


# --------------------------------------------------------------------------
# SQLite: a connection with a schema, one transaction
# --------------------------------------------------------------------------


def test_connect_creates_the_schema_in_autocommit_mode(tmp_path):
    conn = connect(str(tmp_path / "db.sqlite"), SCHEMA)
    assert conn.isolation_level is None and not conn.in_transaction
    assert conn.execute("PRAGMA synchronous").fetchone() == (0,)  # OFF
    conn.execute("INSERT INTO items (name) VALUES ('a')")  # autocommit: visible to another connection at once
    assert names(str(tmp_path / "db.sqlite")) == ["a"]
    connect(str(tmp_path / "db.sqlite"), SCHEMA).close()  # the schema again: no error, no data lost
    assert names(str(tmp_path / "db.sqlite")) == ["a"]


def test_a_transaction_commits_all_or_nothing(tmp_path):
    path = str(tmp_path / "db.sqlite")
    conn = connect(path, SCHEMA)
    with transaction(conn):
        conn.execute("INSERT INTO items (name) VALUES ('a')")
        conn.execute("INSERT INTO items (name) VALUES ('b')")
    assert names(path) == ["a", "b"]
    with pytest.raises(ZeroDivisionError), transaction(conn):  # any other error rolls back
        conn.execute("INSERT INTO items (name) VALUES ('c')")
        raise ZeroDivisionError
    assert names(path) == ["a", "b"] and not conn.in_transaction
    with transaction(conn):  # the connection is still usable
        conn.execute("INSERT INTO items (name) VALUES ('d')")
    assert names(path) == ["a", "b", "d"]


def test_a_crash_kills_the_connection_uncommitted_and_leaves_no_lock(tmp_path):
    path = str(tmp_path / "db.sqlite")
    conn = connect(path, SCHEMA)
    with pytest.raises(Crash), transaction(conn):
        conn.execute("INSERT INTO items (name) VALUES ('a')")
        crash_if("before_commit", "before_commit")
    with pytest.raises(sqlite3.ProgrammingError):  # the process is gone: so is its connection
        conn.execute("SELECT 1")
    after = connect(path, SCHEMA)  # the next process
    assert names(path) == []
    with transaction(after):  # no lock left behind
        after.execute("INSERT INTO items (name) VALUES ('b')")
    assert names(path) == ["b"]


def test_a_process_killed_mid_transaction_leaves_nothing_half_done(tmp_path):
    path = str(tmp_path / "db.sqlite")
    with transaction(connect(path, SCHEMA)) as conn:
        conn.execute("INSERT INTO items (name) VALUES ('kept')")
    code = (
        "import os\nfrom widgets._sim import connect, transaction\n"
        f"conn = connect({path!r}, {SCHEMA!r})\n"
        "with transaction(conn):\n"
        "    conn.execute(\"INSERT INTO items (name) VALUES ('lost')\")\n"
        "    conn.execute(\"UPDATE items SET name = 'changed'\")\n"
        "    os._exit(3)  # dies inside the transaction: no rollback, no close, no cleanup\n"
    )
    child = subprocess.run([sys.executable, "-c", code], timeout=60)
    assert child.returncode == 3
    assert os.path.exists(path + "-journal")  # a hot journal: SQLite rolls it back on the next open
    assert names(path) == ["kept"]


# --------------------------------------------------------------------------
# The one Message
# --------------------------------------------------------------------------


def test_message_is_one_tuple_with_an_optional_topic():
    direct, brokered = Message("a", "b", "ping"), Message("a", "b", "ping", via="a.events")
    assert direct.via is None and brokered.via == "a.events"
    assert direct[:3] == brokered[:3] == ("a", "b", "ping") and direct != brokered
