"""Normalisation's model: one seeded data set of users, posts and comments stored twice in real SQLite
(in memory), normalised and denormalised, and what each operation costs in each; and Snowflake-style IDs.

Plain functions and frozen dataclasses, no view code (the views are in :mod:`.views`).

* The data: :func:`generate` (seeded; authors and commenters follow Zipf's law, so user 1 is the
  busiest), :func:`database` (the data in one schema, built once and cached).
* The costs, measured by SQLite itself and deterministic: :func:`query_plan` (``EXPLAIN QUERY
  PLAN``), :func:`operation_cost` (rows read and written, SQLite VM steps, rows left inconsistent),
  :func:`compare` (both schemas side by side), :func:`storage` (bytes in B-tree pages, from the
  ``dbstat`` table), :func:`feed` and :func:`inconsistent_rows`.
  Every operation runs in a transaction that is rolled back, so the cached databases never change.
* Unique IDs: :func:`snowflake_id` and :func:`decode`, Twitter's 2010 layout (41-bit millisecond
  timestamp, 10-bit machine, 12-bit sequence).

Normalised: an author's name lives only in ``users``; a post's comment count is counted when read.
Denormalised: the name is copied into every post and comment row, and each post keeps a
``comment_count``: reads need no join, writes must keep every copy in step.
"""

from __future__ import annotations

import functools
import sqlite3
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from widgets import _check
from widgets._sim.sqlite import connect, query_plan

SCHEMAS = ("normalised", "denormalised")
#: Operations: read the newest feed page, rename a user, add a comment to the newest post.
OPERATIONS = ("feed", "rename", "comment")
MAX_USERS = 100_000
MAX_POSTS = 100_000
MAX_COMMENTS_PER_POST = 10
MAX_PAGE = 1_000
#: A post's creation time: post i at i minutes (the feed shows the newest first).
SECONDS_PER_POST = 60

_TABLES = {
    "normalised": """
        CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
        CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users (id),
                            created_at INTEGER NOT NULL, body TEXT NOT NULL);
        CREATE TABLE comments (id INTEGER PRIMARY KEY, post_id INTEGER NOT NULL REFERENCES posts (id),
                               user_id INTEGER NOT NULL REFERENCES users (id), body TEXT NOT NULL);
    """,
    "denormalised": """
        CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
        CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users (id),
                            author_name TEXT NOT NULL, created_at INTEGER NOT NULL, body TEXT NOT NULL,
                            comment_count INTEGER NOT NULL);
        CREATE TABLE comments (id INTEGER PRIMARY KEY, post_id INTEGER NOT NULL REFERENCES posts (id),
                               user_id INTEGER NOT NULL REFERENCES users (id), author_name TEXT NOT NULL,
                               body TEXT NOT NULL);
    """,
}
#: The same indexes in both schemas: the feed by time, a user's posts and comments, a post's comments.
_INDEXES = """
    CREATE INDEX posts_by_time ON posts (created_at);
    CREATE INDEX posts_by_user ON posts (user_id);
    CREATE INDEX comments_by_post ON comments (post_id);
    CREATE INDEX comments_by_user ON comments (user_id);
"""
#: The SQL of each operation, per schema, in the order it runs (all parameterised).
SQL = {
    ("normalised", "feed"): (
        "SELECT p.id, u.name, p.body, (SELECT count(*) FROM comments AS c WHERE c.post_id = p.id) "
        "FROM posts AS p JOIN users AS u ON u.id = p.user_id ORDER BY p.created_at DESC LIMIT ?",
    ),
    ("denormalised", "feed"): (
        "SELECT id, author_name, body, comment_count FROM posts ORDER BY created_at DESC LIMIT ?",
    ),
    ("normalised", "rename"): ("UPDATE users SET name = ? WHERE id = ?",),
    ("denormalised", "rename"): (
        "UPDATE users SET name = ? WHERE id = ?",
        "UPDATE posts SET author_name = ? WHERE user_id = ?",
        "UPDATE comments SET author_name = ? WHERE user_id = ?",
    ),
    ("normalised", "comment"): ("INSERT INTO comments (post_id, user_id, body) VALUES (?, ?, ?)",),
    ("denormalised", "comment"): (
        "INSERT INTO comments (post_id, user_id, author_name, body) "
        "VALUES (?, ?, (SELECT name FROM users WHERE id = ?), ?)",
        "UPDATE posts SET comment_count = comment_count + 1 WHERE id = ?",
    ),
}
#: The statement a denormalised write that "forgets one copy" leaves out (its index in SQL).
FORGOTTEN = {"rename": 2, "comment": 1}
#: Rows of the denormalised schema whose copy disagrees with its source: every row, or only the rows
#: about one user (?1) and one post (?2), which SQLite finds through the indexes.
_INCONSISTENT = (
    "SELECT (SELECT count(*) FROM posts AS p JOIN users AS u ON u.id = p.user_id WHERE p.author_name <> u.name)"
    " + (SELECT count(*) FROM comments AS c JOIN users AS u ON u.id = c.user_id WHERE c.author_name <> u.name)"
    " + (SELECT count(*) FROM posts AS p"
    "    WHERE p.comment_count <> (SELECT count(*) FROM comments AS c WHERE c.post_id = p.id))"
)
_INCONSISTENT_ABOUT = (
    "SELECT (SELECT count(*) FROM posts WHERE user_id = ?1 AND author_name <> (SELECT name FROM users WHERE id = ?1))"
    " + (SELECT count(*) FROM comments WHERE user_id = ?1"
    "    AND author_name <> (SELECT name FROM users WHERE id = ?1))"
    " + (SELECT count(*) FROM posts WHERE id = ?2"
    "    AND comment_count <> (SELECT count(*) FROM comments WHERE post_id = ?2))"
)


def _schema(schema: Any) -> str:
    return _check.choice("schema", schema, SCHEMAS)


def _sizes(n_users: Any, n_posts: Any, comments_per_post: Any, seed: Any) -> tuple[int, int, int, int]:
    return (_check.integer("n_users", n_users, 1, MAX_USERS), _check.integer("n_posts", n_posts, 1, MAX_POSTS),
            _check.integer("comments_per_post", comments_per_post, 0, MAX_COMMENTS_PER_POST),
            _check.seed(seed))


def name(user: int) -> str:
    """A user's name as generated: ``name(7) == 'user7'``."""
    return f"user{user}"


def new_name(user: int) -> str:
    """The name a rename gives: ``new_name(7) == 'user7-renamed'``."""
    return f"{name(user)}-renamed"


# ---------------------------------------------------------------- the data


@dataclass(frozen=True, eq=False)
class Data:
    """A generated data set: who wrote each post and comment, and which post each comment is on.

    Ids start at 1: post ``i`` is ``post_author[i - 1]``'s; comment ``j`` is on
    ``comment_post[j - 1]`` by ``comment_author[j - 1]``.
    """

    n_users: int
    post_author: np.ndarray
    comment_post: np.ndarray
    comment_author: np.ndarray

    @property
    def n_posts(self) -> int:
        return len(self.post_author)

    @property
    def n_comments(self) -> int:
        return len(self.comment_post)

    def posts_by(self, user: int) -> int:
        """How many posts ``user`` wrote."""
        return int(np.count_nonzero(self.post_author == user))

    def comments_by(self, user: int) -> int:
        """How many comments ``user`` wrote."""
        return int(np.count_nonzero(self.comment_author == user))

    def comments_on(self, post: int) -> int:
        """How many comments ``post`` has."""
        return int(np.count_nonzero(self.comment_post == post))


@functools.lru_cache(maxsize=16)
def _generate(n_users: int, n_posts: int, comments_per_post: int, seed: int) -> Data:
    rng = np.random.default_rng(seed)
    weights = 1.0 / np.arange(1, n_users + 1)
    weights /= weights.sum()
    post_author = rng.choice(n_users, size=n_posts, p=weights) + 1
    n_comments = comments_per_post * n_posts
    comment_post = rng.integers(1, n_posts + 1, size=n_comments)
    comment_author = rng.choice(n_users, size=n_comments, p=weights) + 1
    for array in (post_author, comment_post, comment_author):
        array.flags.writeable = False
    return Data(n_users, post_author, comment_post, comment_author)


def generate(n_users: int, n_posts: int, comments_per_post: int = 3, seed: int = 0) -> Data:
    """A seeded data set: posts and comments by users drawn by Zipf's law (user k with weight 1/k),
    ``comments_per_post × n_posts`` comments, each on a post drawn uniformly.

    >>> data = generate(100, 1_000)
    >>> data.n_comments, data.posts_by(1) > data.posts_by(100)
    (3000, True)
    """
    return _generate(*_sizes(n_users, n_posts, comments_per_post, seed))


@functools.lru_cache(maxsize=8)
def _database(schema: str, n_users: int, n_posts: int, comments_per_post: int, seed: int) -> sqlite3.Connection:
    data = _generate(n_users, n_posts, comments_per_post, seed)
    conn = connect(":memory:", _TABLES[schema])
    authors, posts, commenters = (a.tolist() for a in (data.post_author, data.comment_post, data.comment_author))
    conn.execute("BEGIN")
    conn.executemany("INSERT INTO users VALUES (?, ?)", ((u, name(u)) for u in range(1, n_users + 1)))
    if schema == "normalised":
        conn.executemany("INSERT INTO posts VALUES (?, ?, ?, ?)",
                         ((i, a, SECONDS_PER_POST * i, f"post {i}") for i, a in enumerate(authors, 1)))
        conn.executemany("INSERT INTO comments VALUES (?, ?, ?, ?)",
                         ((j, p, a, f"comment {j}") for j, (p, a) in enumerate(zip(posts, commenters), 1)))
    else:
        counts = np.bincount(data.comment_post, minlength=n_posts + 1).tolist()
        conn.executemany("INSERT INTO posts VALUES (?, ?, ?, ?, ?, ?)",
                         ((i, a, name(a), SECONDS_PER_POST * i, f"post {i}", counts[i])
                          for i, a in enumerate(authors, 1)))
        conn.executemany("INSERT INTO comments VALUES (?, ?, ?, ?, ?)",
                         ((j, p, a, name(a), f"comment {j}") for j, (p, a) in enumerate(zip(posts, commenters), 1)))
    conn.execute("COMMIT")
    conn.executescript(_INDEXES)  # after the rows: one sort per index instead of one insert per row
    if schema == "denormalised" and inconsistent_rows(conn):  # every copy agrees with its source
        raise AssertionError("a denormalised database was built with copies that disagree")
    return conn


def database(schema: str, n_users: int, n_posts: int, comments_per_post: int = 3, seed: int = 0
             ) -> sqlite3.Connection:
    """The :func:`generate` data in ``schema``, in an in-memory SQLite database (built once, cached:
    read it, or write inside a transaction you roll back).

    >>> conn = database("denormalised", 100, 1_000)
    >>> conn.execute("SELECT author_name, comment_count FROM posts WHERE id = 1").fetchone()
    ('user15', 2)
    """
    return _database(_schema(schema), *_sizes(n_users, n_posts, comments_per_post, seed))


# ---------------------------------------------------------------- measuring with SQLite


def inconsistent_rows(conn: sqlite3.Connection, user: int | None = None, post: int | None = None) -> int:
    """Rows of a denormalised database whose copy disagrees with its source: a post or comment whose
    ``author_name`` is not its author's name, or a post whose ``comment_count`` is not its comments'.

    Every row (a scan of both tables), or, given ``user`` and ``post``, only ``user``'s posts and
    comments and the post ``post`` (found through the indexes: what an operation on them can spoil).

    >>> conn = database("denormalised", 100, 1_000)
    >>> inconsistent_rows(conn), inconsistent_rows(conn, user=1, post=1_000)
    (0, 0)
    """
    if user is None and post is None:
        return conn.execute(_INCONSISTENT).fetchone()[0]
    return conn.execute(_INCONSISTENT_ABOUT, (user, post)).fetchone()[0]


@functools.lru_cache(maxsize=16)
def _storage(schema: str, n_users: int, n_posts: int, comments_per_post: int, seed: int) -> dict[str, int]:
    conn = _database(schema, n_users, n_posts, comments_per_post, seed)
    rows = conn.execute(
        "SELECT s.tbl_name, sum(d.pgsize), sum(d.payload) FROM dbstat AS d JOIN sqlite_schema AS s "
        "ON s.name = d.name GROUP BY s.tbl_name ORDER BY s.tbl_name").fetchall()
    stored = {f"{table} bytes": pages for table, pages, _ in rows}
    stored |= {f"{table} payload": payload for table, _, payload in rows}
    stored["total bytes"] = sum(pages for _, pages, _ in rows)
    return stored


def storage(schema: str, n_users: int, n_posts: int, comments_per_post: int = 3, seed: int = 0) -> dict[str, int]:
    """Bytes stored per table with its indexes, from SQLite's ``dbstat`` table: ``"<table> bytes"``
    (the B-tree pages it fills, 4,096 B each), ``"<table> payload"`` (the records' bytes in them) and
    ``"total bytes"``.

    >>> s = storage("normalised", 100, 1_000)
    >>> s["total bytes"] % 4096, s["users bytes"] < s["posts bytes"] < s["comments bytes"]
    (0, True)
    """
    return _storage(_schema(schema), *_sizes(n_users, n_posts, comments_per_post, seed))


def feed(schema: str, n_users: int, n_posts: int, page: int = 20, comments_per_post: int = 3, seed: int = 0
         ) -> list[tuple[int, str, str, int]]:
    """The newest ``page`` posts as (post id, author's name, body, comment count), from ``schema``'s SQL.

    >>> feed("denormalised", 100, 1_000, page=2) == feed("normalised", 100, 1_000, page=2)
    True
    """
    page = _check.integer("page", page, 1, MAX_PAGE)
    conn = database(schema, n_users, n_posts, comments_per_post, seed)
    return conn.execute(SQL[schema, "feed"][0], (page,)).fetchall()


@dataclass(frozen=True)
class Cost:
    """What one operation costs in one schema, as SQLite counts it.

    ``rows_read``: rows and index entries the plan visits to answer (a feed page: its posts, plus in
    the normalised schema each post's author and the comment index entries it counts; a write: the
    rows it looks up to copy from). ``rows_written``: rows inserted or updated (SQLite's
    ``changes()``). ``vm_steps``: instructions SQLite's virtual machine ran (a progress handler
    called at every one). ``inconsistent_rows``: :func:`inconsistent_rows` after the operation,
    over the rows it concerns (its user's posts and comments, the newest post): the database was
    consistent before it (:func:`database` checks every row when it builds one).
    """

    schema: str
    operation: str
    statements: tuple[str, ...]
    plans: tuple[tuple[str, ...], ...]  # each statement's query plan (:func:`query_plan`)
    rows_read: int
    rows_written: int
    vm_steps: int
    inconsistent_rows: int
    result: tuple = ()

    @property
    def plan(self) -> tuple[str, ...]:
        """Every statement's plan lines, in order."""
        return tuple(line for plan in self.plans for line in plan)

    @property
    def rows_touched(self) -> int:
        return self.rows_read + self.rows_written


def _params(schema: str, operation: str, user: int, n_posts: int, page: int) -> tuple[tuple, ...]:
    """Each statement's parameters: a comment goes on the newest post."""
    if operation == "feed":
        return ((page,),)
    if operation == "rename":
        return ((new_name(user), user),) * len(SQL[schema, operation])
    body = f"a comment by {name(user)}"
    return ((n_posts, user, body),) if schema == "normalised" else ((n_posts, user, user, body), (n_posts,))


@functools.lru_cache(maxsize=64)
def _operation_cost(schema: str, operation: str, sizes: tuple[int, int, int, int], user: int, forget: bool,
                    page: int) -> Cost:
    conn = _database(schema, *sizes)
    statements, params = SQL[schema, operation], _params(schema, operation, user, sizes[1], page)
    if forget and schema == "denormalised" and operation in FORGOTTEN:
        skipped = FORGOTTEN[operation]
        statements = statements[:skipped] + statements[skipped + 1:]
        params = params[:skipped] + params[skipped + 1:]
    plans = tuple(query_plan(conn, sql, p) for sql, p in zip(statements, params))
    steps = [0]

    def count() -> int:
        steps[0] += 1
        return 0  # go on

    conn.execute("BEGIN")
    try:
        before = conn.total_changes
        conn.set_progress_handler(count, 1)
        try:
            result = tuple(row for sql, p in zip(statements, params) for row in conn.execute(sql, p).fetchall())
        finally:
            conn.set_progress_handler(None, 1)
        written = conn.total_changes - before
        inconsistent = inconsistent_rows(conn, user, sizes[1]) if schema == "denormalised" else 0
    finally:
        conn.execute("ROLLBACK")  # the cached database stays as generated
    if operation == "feed":
        read = len(result) * (1 if schema == "denormalised" else 2) + (
            0 if schema == "denormalised" else sum(row[3] for row in result))
    elif operation == "rename":
        read = 0
    else:
        read = 1 if schema == "denormalised" else 0  # the commenter's name, to copy
    return Cost(schema, operation, statements, plans, read, written, steps[0], inconsistent, result)


def operation_cost(schema: str, operation: str, n_users: int, n_posts: int, *, user: int = 1, forget: bool = False,
                   page: int = 20, comments_per_post: int = 3, seed: int = 0) -> Cost:
    """Run ``operation`` on ``schema``'s database in a transaction, measure it, and roll it back.

    ``feed`` reads the newest ``page`` posts; ``rename`` renames ``user``; ``comment`` adds a comment
    by ``user`` to the newest post. ``forget`` (denormalised only) leaves out one write a copy needs:
    a rename that fixes the posts but not the comments, a comment that does not bump the post's count.

    >>> cost = operation_cost("denormalised", "rename", 100, 1_000, user=1)
    >>> data = generate(100, 1_000)
    >>> cost.rows_written == 1 + data.posts_by(1) + data.comments_by(1)
    True
    """
    schema = _schema(schema)
    operation = _check.choice("operation", operation, OPERATIONS)
    sizes = _sizes(n_users, n_posts, comments_per_post, seed)
    user = _check.integer("user", user, 1, sizes[0])
    forget = _check.choice("forget", forget, (False, True))
    page = _check.integer("page", page, 1, MAX_PAGE)
    return _operation_cost(schema, operation, sizes, user, forget, page)


def compare(operation: str, n_users: int, n_posts: int, *, user: int = 1, forget: bool = False, page: int = 20,
            comments_per_post: int = 3, seed: int = 0) -> pd.DataFrame:
    """:func:`operation_cost` in both schemas, one row each (index: the schema), with the bytes stored.

    >>> compare("comment", 100, 1_000)[["rows_written", "inconsistent_rows"]].to_dict("list")
    {'rows_written': [1, 2], 'inconsistent_rows': [0, 0]}
    """
    costs = [operation_cost(schema, operation, n_users, n_posts, user=user, forget=forget, page=page,
                            comments_per_post=comments_per_post, seed=seed) for schema in SCHEMAS]
    frame = pd.DataFrame({
        "rows_read": [c.rows_read for c in costs], "rows_written": [c.rows_written for c in costs],
        "rows_touched": [c.rows_touched for c in costs], "vm_steps": [c.vm_steps for c in costs],
        "statements": [len(c.statements) for c in costs], "inconsistent_rows": [c.inconsistent_rows for c in costs],
        "stored_bytes": [storage(s, n_users, n_posts, comments_per_post, seed)["total bytes"] for s in SCHEMAS],
    }, index=pd.Index(SCHEMAS, name="schema"))
    return frame


# ---------------------------------------------------------------- unique IDs

#: Twitter's Snowflake (2010): bits of the timestamp (ms since its epoch), the machine and the sequence.
TIMESTAMP_BITS, MACHINE_BITS, SEQUENCE_BITS = 41, 10, 12
#: Twitter's epoch, 2010-11-04 01:42:54.657 UTC, in ms since 1970 (``twepoch`` in its IdWorker.scala).
TWITTER_EPOCH_MS = 1_288_834_974_657
MAX_ID = 2**63 - 1  # a signed 64-bit integer's largest: the top bit stays 0


@dataclass(frozen=True)
class Snowflake:
    """A decoded Snowflake ID: Unix time in ms, machine id, sequence within that millisecond."""

    timestamp_ms: int
    machine: int
    sequence: int


def snowflake_id(timestamp_ms: int, machine: int, sequence: int, *, epoch_ms: int = TWITTER_EPOCH_MS) -> int:
    """A 64-bit ID: (timestamp_ms - epoch_ms) in the top 41 bits under the sign bit, then 10 bits of
    machine id, then 12 bits of sequence, so IDs sort by time, then machine, then sequence.

    >>> snowflake_id(TWITTER_EPOCH_MS + 1, machine=0, sequence=0)
    4194304
    """
    epoch_ms = _check.integer("epoch_ms", epoch_ms, 0, MAX_ID)
    elapsed = _check.integer("timestamp_ms", timestamp_ms, epoch_ms, epoch_ms + 2**TIMESTAMP_BITS - 1) - epoch_ms
    machine = _check.integer("machine", machine, 0, 2**MACHINE_BITS - 1)
    sequence = _check.integer("sequence", sequence, 0, 2**SEQUENCE_BITS - 1)
    return (elapsed << (MACHINE_BITS + SEQUENCE_BITS)) | (machine << SEQUENCE_BITS) | sequence


def decode(snowflake: int, *, epoch_ms: int = TWITTER_EPOCH_MS) -> Snowflake:
    """The fields of a Snowflake ID (the inverse of :func:`snowflake_id`).

    >>> decode(4194304 + (5 << 12) + 9)
    Snowflake(timestamp_ms=1288834974658, machine=5, sequence=9)
    """
    snowflake = _check.integer("snowflake", snowflake, 0, MAX_ID)
    epoch_ms = _check.integer("epoch_ms", epoch_ms, 0, MAX_ID)
    return Snowflake(epoch_ms + (snowflake >> (MACHINE_BITS + SEQUENCE_BITS)),
                     (snowflake >> SEQUENCE_BITS) & (2**MACHINE_BITS - 1), snowflake & (2**SEQUENCE_BITS - 1))
