"""A mapping change done as build-new-then-swap behind an alias, on real SQLite.

Changing how documents are tokenised (here ``unicode61`` to ``porter`` stems) means a new index. Built
in place, searches would see it half-built. Instead searches go through an alias, a view named
``search`` over the live FTS5 table; the new table is built beside the old one, batch by batch, while the
alias still points at the old; then one transaction drops the view and creates it over the new table.
A reader on another connection (a second web server, say) sees the old index, whole, until that
transaction commits, and the new one, whole, from then on: never a part of either. SQLite's write-ahead
log gives each read the last committed state (https://sqlite.org/wal.html); Elasticsearch's index
aliases do the same job for its reindexing.
"""

from __future__ import annotations

import re
import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path

from widgets import _check

from .corpus import corpus_size, documents, max_documents
from .model import TOKENIZERS, _fts, _require_fts5, check_query

ALIAS = "search"


def index_table(tokenizer: str) -> str:
    """The FTS5 table that holds the index made with ``tokenizer`` (names from a fixed list, never input).

    >>> index_table("porter")
    'docs_fts_porter'
    """
    return f"docs_fts_{_check.choice('tokenizer', tokenizer, tuple(TOKENIZERS))}"


def _create_index(conn: sqlite3.Connection, tokenizer: str) -> None:
    conn.execute(f"CREATE VIRTUAL TABLE {index_table(tokenizer)} USING fts5(title, body, content='docs', "
                 f"content_rowid='id', tokenize='{TOKENIZERS[tokenizer]}')")


def _point_alias(conn: sqlite3.Connection, tokenizer: str) -> None:
    table = index_table(tokenizer)
    conn.execute(f"DROP VIEW IF EXISTS {ALIAS}")
    conn.execute(f"CREATE VIEW {ALIAS} AS SELECT rowid AS id, title, body, {table} AS fts FROM {table}")


def alias_target(conn: sqlite3.Connection) -> str:
    """The table the alias points at, as the schema says now.

    >>> conn = sqlite3.connect(":memory:"); _ = conn.execute("CREATE TABLE docs(id, title, body)")
    >>> _create_index(conn, "unicode61"); _point_alias(conn, "unicode61"); alias_target(conn)
    'docs_fts_unicode61'
    """
    (sql,) = conn.execute("SELECT sql FROM sqlite_schema WHERE type = 'view' AND name = ?", (ALIAS,)).fetchone()
    return re.search(r"FROM (\w+)\s*$", sql).group(1)


def search_ids(conn: sqlite3.Connection, query: str) -> tuple[int, ...]:
    """Ids of the documents a search through the alias finds, in id order."""
    return tuple(row[0] for row in _fts(conn, query, f"SELECT id FROM {ALIAS} WHERE fts MATCH ? ORDER BY id"))


@dataclass(frozen=True)
class Step:
    """What a reader on another connection sees at one step of the reindex."""

    label: str
    alias_target: str
    through_alias: tuple[int, ...]      # the ids a search through the alias finds
    new_rows: int                       # documents in the new index so far
    new_matches: int | None             # what the same search finds on the new table itself (None: none yet)


@dataclass(frozen=True)
class Reindex:
    """The steps of one reindex, and the results a complete old and new index give."""

    query: str
    n: int
    old_tokenizer: str
    new_tokenizer: str
    batches: int
    steps: tuple[Step, ...]
    old_ids: tuple[int, ...]
    new_ids: tuple[int, ...]


def reindex_with_swap(query: str, n: int | None = None, *, old: str = "unicode61", new: str = "porter",
                      batches: int = 4) -> Reindex:
    """Move the first ``n`` documents' search from the ``old`` tokenizer's index to the ``new`` one:
    build the new table in ``batches`` committed batches while the alias serves the old, swap the alias
    in one transaction, drop the old table. A second connection searches for ``query`` at every step.

    >>> r = reindex_with_swap("threads", 400)
    >>> [len(s.through_alias) for s in r.steps], len(r.old_ids), len(r.new_ids)
    ([2, 2, 2, 2, 2, 2, 8, 8], 2, 8)
    """
    query = check_query(query)
    n = corpus_size() if n is None else _check.integer("n", n, 1, max_documents())
    batches = _check.integer("batches", batches, 1, 20)
    if index_table(new) == index_table(old):
        raise ValueError(f"new must be a tokenizer other than old ({old!r}), got {new!r}")
    _require_fts5()
    with tempfile.TemporaryDirectory(prefix="search-reindex-") as folder:
        path = Path(folder) / "search.db"
        writer = sqlite3.connect(path, isolation_level=None)
        reader = sqlite3.connect(path, isolation_level=None)
        try:
            return _run(writer, reader, query, n, old, new, batches)
        finally:
            reader.close()
            writer.close()


def _run(writer: sqlite3.Connection, reader: sqlite3.Connection, query: str, n: int, old: str, new: str,
         batches: int) -> Reindex:
    writer.execute("PRAGMA journal_mode = WAL")
    writer.execute("PRAGMA synchronous = OFF")
    writer.execute("BEGIN")
    writer.execute("CREATE TABLE docs(id INTEGER PRIMARY KEY, title TEXT NOT NULL, body TEXT NOT NULL)")
    writer.executemany("INSERT INTO docs VALUES (?, ?, ?)", ((d.id, d.title, d.body) for d in documents(n)))
    _create_index(writer, old)
    writer.execute(f"INSERT INTO {index_table(old)}({index_table(old)}) VALUES ('rebuild')")
    _point_alias(writer, old)
    writer.execute("COMMIT")
    new_table, rows = index_table(new), 0
    steps: list[Step] = []

    def look(label: str, built: bool) -> None:
        on_new = f"SELECT rowid FROM {new_table} WHERE {new_table} MATCH ?"
        matches = len(_fts(reader, query, on_new)) if built else None
        steps.append(Step(label, alias_target(reader), search_ids(reader, query), rows, matches))

    look(f"the {old} index serves searches", built=False)
    writer.execute("BEGIN")
    _create_index(writer, new)
    writer.execute("COMMIT")
    ids = [row[0] for row in writer.execute("SELECT id FROM docs ORDER BY id")]
    for b in range(batches):
        part = ids[b * len(ids) // batches:(b + 1) * len(ids) // batches]
        writer.execute("BEGIN")
        writer.execute(f"INSERT INTO {new_table}(rowid, title, body) SELECT id, title, body FROM docs "
                       "WHERE id BETWEEN ? AND ?", (part[0], part[-1]) if part else (1, 0))
        writer.execute("COMMIT")
        rows += len(part)
        look(f"batch {b + 1} of {batches} built into the {new} index", built=True)
    writer.execute("BEGIN")
    _point_alias(writer, new)
    look("swap under way: the alias re-pointed, not yet committed", built=True)
    writer.execute("COMMIT")
    look(f"swap committed: the alias points at the {new} index", built=True)
    writer.execute(f"DROP TABLE {index_table(old)}")
    look(f"the {old} index dropped", built=True)
    return Reindex(query, n, old, new, batches, tuple(steps), steps[0].through_alias, steps[-1].through_alias)
