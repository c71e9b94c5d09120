"""The worked interviews' numbers and data models: the estimates, from the capacity model through the
drills, and each design's schema on real SQLite with the queries it runs most and SQLite's plan for each.

Plain functions and frozen dataclasses, no view code (the views are in :mod:`.views`).

* :data:`INTERVIEWS`: the three worked interviews of chapter 7, by name.
* :func:`estimates`: one row per estimate of an interview (what, the arithmetic, the answer), computed
  by :mod:`widgets.drills`, which computes with :func:`widgets.capacity.model.estimate`.
* :func:`data_model`: an interview's schema created in an in-memory SQLite database, a few seeded
  rows, and its key queries run: each query's ``EXPLAIN QUERY PLAN`` (does it use an index, or scan?)
  and its first rows.
"""

from __future__ import annotations

import random
import sqlite3
from dataclasses import dataclass

from widgets import _check
from widgets._sim.sqlite import query_plan
from widgets.api.polling import closed_forms
from widgets.availability.model import k_of_n, parallel, serial
from widgets.caching.model import che_hit_ratio
from widgets.drills.model import drills
from widgets.fanout.model import compare, follower_population
from widgets.interview.model import Phase, plan
from widgets.messaging.model import drain_time, spike_backlog
from widgets.rate_limiting.model import rate_limit
from widgets.sharding.model import hot_key_load, load_imbalance, moved_fraction

#: The worked interviews, in the chapter's order: name -> title.
INTERVIEWS = {
    "url_shortener": "A URL shortener",
    "news_feed": "A news feed with celebrities",
    "chat": "A chat service",
}
#: Rows a query shows at most.
SHOWN_ROWS = 5


def _interview(name: str) -> str:
    return _check.choice("interview", name, tuple(INTERVIEWS))


@dataclass(frozen=True)
class Estimate:
    """One estimate of an interview: the drill it comes from, its answer in ``unit``, and the arithmetic."""

    drill: str
    label: str
    answer: float
    answer_text: str
    unit: str
    arithmetic: str


def estimates(interview: str) -> tuple[Estimate, ...]:
    """The interview's estimates, each computed by the capacity model (through :mod:`widgets.drills`).

    >>> [(e.answer_text, e.unit) for e in estimates("url_shortener")][:2]
    [('115.7', 'links/s'), ('34,722.2', 'redirects/s')]
    """
    return tuple(Estimate(d.id, d.label, d.answer, d.answer_text, d.unit, d.explanation)
                 for d in drills(_interview(interview)))


# --------------------------------------------------------------------------
# Data models on SQLite
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Query:
    """A query the design runs, what it is for, and the parameters it is shown with."""

    purpose: str
    sql: str
    params: tuple = ()


@dataclass(frozen=True)
class QueryRun:
    """A query run on the seeded database: SQLite's plan, the columns and the first rows."""

    query: Query
    plan: tuple[str, ...]
    columns: tuple[str, ...]
    rows: tuple[tuple, ...]


@dataclass(frozen=True)
class DataModel:
    """An interview's schema (its DDL), the rows seeded, and its queries run."""

    interview: str
    ddl: str
    rows_per_table: dict[str, int]
    runs: tuple[QueryRun, ...]


_BASE62 = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"

_DDL = {
    "url_shortener": """\
CREATE TABLE users (
  id         INTEGER PRIMARY KEY,
  email      TEXT NOT NULL UNIQUE
);
CREATE TABLE links (
  short_key  TEXT PRIMARY KEY,          -- 7 base-62 characters
  long_url   TEXT NOT NULL,
  owner_id   INTEGER REFERENCES users (id),
  created_at INTEGER NOT NULL,          -- Unix seconds
  expires_at INTEGER                    -- NULL: never
) WITHOUT ROWID;
CREATE INDEX links_by_owner ON links (owner_id, created_at);
CREATE TABLE clicks_by_day (             -- written by the click aggregator, not per redirect
  short_key  TEXT NOT NULL,
  day        TEXT NOT NULL,             -- YYYY-MM-DD, UTC
  clicks     INTEGER NOT NULL,
  PRIMARY KEY (short_key, day)
) WITHOUT ROWID;""",
    "news_feed": """\
CREATE TABLE users (
  id         INTEGER PRIMARY KEY,
  name       TEXT NOT NULL,
  followers  INTEGER NOT NULL DEFAULT 0 -- kept by the follow service; decides push or pull
);
CREATE TABLE follows (
  follower_id INTEGER NOT NULL,
  followee_id INTEGER NOT NULL,
  PRIMARY KEY (follower_id, followee_id)
) WITHOUT ROWID;
CREATE INDEX follows_by_followee ON follows (followee_id, follower_id);
CREATE TABLE posts (
  id         INTEGER PRIMARY KEY,       -- a Snowflake-style ID: sorts by time
  author_id  INTEGER NOT NULL REFERENCES users (id),
  created_at INTEGER NOT NULL,
  body       TEXT NOT NULL
);
CREATE INDEX posts_by_author ON posts (author_id, id);
CREATE TABLE timelines (                 -- the pushed feeds; in production a cache of ID lists
  user_id    INTEGER NOT NULL,
  post_id    INTEGER NOT NULL,
  PRIMARY KEY (user_id, post_id)
) WITHOUT ROWID;""",
    "chat": """\
CREATE TABLE conversations (
  id         INTEGER PRIMARY KEY,
  kind       TEXT NOT NULL CHECK (kind IN ('direct', 'group')),
  last_seq   INTEGER NOT NULL DEFAULT 0 -- the newest message's number
);
CREATE TABLE members (
  conversation_id INTEGER NOT NULL REFERENCES conversations (id),
  user_id         INTEGER NOT NULL,
  last_read_seq   INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (conversation_id, user_id)
) WITHOUT ROWID;
CREATE INDEX members_by_user ON members (user_id, conversation_id);
CREATE TABLE messages (                   -- partitioned by conversation_id
  conversation_id INTEGER NOT NULL REFERENCES conversations (id),
  seq             INTEGER NOT NULL,      -- per conversation: 1, 2, 3, ...
  sender_id       INTEGER NOT NULL,
  client_msg_id   TEXT NOT NULL,         -- the sender's idempotency key
  sent_at         INTEGER NOT NULL,
  body            TEXT NOT NULL,
  PRIMARY KEY (conversation_id, seq),
  UNIQUE (conversation_id, sender_id, client_msg_id)
) WITHOUT ROWID;""",
}

_QUERIES = {
    "url_shortener": (
        Query("Redirect: the hot path, one primary-key lookup",
              "SELECT long_url FROM links WHERE short_key = ? AND (expires_at IS NULL OR expires_at > ?)",
              ("k3Xa9Q0", 1_767_225_600)),
        Query("Create: insert a new key; a key already taken inserts nothing, and the service draws another",
              "INSERT INTO links (short_key, long_url, owner_id, created_at) VALUES (?, ?, ?, ?) "
              "ON CONFLICT (short_key) DO NOTHING RETURNING short_key",
              ("k3Xa9Q0", "https://example.org/taken", 2, 1_767_225_600)),
        Query("A user's newest links, for their dashboard",
              "SELECT short_key, long_url FROM links WHERE owner_id = ? ORDER BY created_at DESC LIMIT 3", (1,)),
        Query("A link's clicks over a week, from the aggregated table",
              "SELECT day, clicks FROM clicks_by_day WHERE short_key = ? AND day BETWEEN ? AND ? ORDER BY day",
              ("k3Xa9Q0", "2026-01-01", "2026-01-07")),
    ),
    "news_feed": (
        Query("Fan-out on write: copy a new post into every follower's timeline",
              "INSERT INTO timelines (user_id, post_id) SELECT follower_id, ? FROM follows WHERE followee_id = ?",
              (1_000_001, 5)),
        Query("Read a feed, pushed part: the newest IDs in the reader's own timeline",
              "SELECT post_id FROM timelines WHERE user_id = ? ORDER BY post_id DESC LIMIT 5", (7,)),
        Query("Read a feed, pulled part: the newest posts of the celebrities the reader follows",
              "SELECT p.id, p.author_id FROM follows f JOIN users u ON u.id = f.followee_id "
              "JOIN posts p ON p.author_id = f.followee_id "
              "WHERE f.follower_id = ? AND u.followers > ? ORDER BY p.id DESC LIMIT 5", (7, 30)),
    ),
    "chat": (
        Query("Send, a retry: the message this client ID already stored, found by the unique index; the service "
              "answers with its number and inserts nothing",
              "SELECT seq FROM messages WHERE conversation_id = ? AND sender_id = ? AND client_msg_id = ?",
              (1, 3, "c3-retry")),
        Query("Send, a new message: take the conversation's next number (the row's lock numbers concurrent sends "
              "one after another); in the same transaction, insert the message with it and move the sender's read "
              "marker",
              "UPDATE conversations SET last_seq = last_seq + 1 WHERE id = ? RETURNING last_seq", (1,)),
        Query("Sync: the messages after the last one this device has",
              "SELECT seq, sender_id, body FROM messages WHERE conversation_id = ? AND seq > ? ORDER BY seq LIMIT 5",
              (1, 3)),
        Query("Unread counts for a user's conversations list",
              "SELECT m.conversation_id, c.last_seq - m.last_read_seq AS unread FROM members m "
              "JOIN conversations c ON c.id = m.conversation_id WHERE m.user_id = ? ORDER BY unread DESC LIMIT 5",
              (3,)),
    ),
}


def _seed_url_shortener(conn: sqlite3.Connection, rng: random.Random) -> None:
    conn.executemany("INSERT INTO users VALUES (?, ?)", [(i, f"user{i}@example.org") for i in range(1, 21)])
    keys = ["k3Xa9Q0"] + ["".join(rng.choice(_BASE62) for _ in range(7)) for _ in range(199)]
    conn.executemany(
        "INSERT INTO links VALUES (?, ?, ?, ?, ?)",
        [(key, f"https://example.org/page/{i}", 1 + i % 20, 1_767_225_600 - 3_600 * i,
          None if i % 4 else 1_767_225_600 + 86_400 * 365) for i, key in enumerate(keys)])
    conn.executemany("INSERT INTO clicks_by_day VALUES (?, ?, ?)",
                     [(key, f"2026-01-{d:02d}", rng.randint(0, 500)) for key in keys[:20] for d in range(1, 8)])


def _seed_news_feed(conn: sqlite3.Connection, rng: random.Random) -> None:
    users = 60
    conn.executemany("INSERT INTO users (id, name) VALUES (?, ?)", [(i, f"user {i}") for i in range(1, users + 1)])
    # Users 1 and 2 are celebrities (nearly everyone follows them); the others follow a few each.
    follows = {(f, c) for f in range(3, users + 1) for c in (1, 2)}
    follows |= {(f, rng.randint(3, users)) for f in range(1, users + 1) for _ in range(4)}
    conn.executemany("INSERT INTO follows VALUES (?, ?)", sorted((f, e) for f, e in follows if f != e))
    conn.execute("UPDATE users SET followers = (SELECT COUNT(*) FROM follows WHERE followee_id = users.id)")
    conn.executemany("INSERT INTO posts VALUES (?, ?, ?, ?)",
                     [(1_000_000 - 300 + i, rng.randint(1, users), 1_767_225_600 + 60 * i, f"post {i}")
                      for i in range(300)])
    conn.execute("INSERT INTO timelines SELECT f.follower_id, p.id FROM posts p JOIN follows f "
                 "ON f.followee_id = p.author_id JOIN users u ON u.id = p.author_id WHERE u.followers <= 30")


def _seed_chat(conn: sqlite3.Connection, rng: random.Random) -> None:
    conn.executemany("INSERT INTO conversations (id, kind) VALUES (?, ?)",
                     [(i, "group" if i % 5 == 0 else "direct") for i in range(1, 21)])
    for conversation in range(1, 21):
        people = rng.sample(range(1, 31), 6 if conversation % 5 == 0 else 2)
        if conversation == 1:
            people = [3, 8]
        conn.executemany("INSERT INTO members (conversation_id, user_id) VALUES (?, ?)",
                         [(conversation, p) for p in people])
        for seq in range(1, rng.randint(3, 12) + 1):
            sender = rng.choice(people)
            conn.execute("INSERT INTO messages VALUES (?, ?, ?, ?, ?, ?)",
                         (conversation, seq, sender, f"c{sender}-{seq:04d}", 1_767_225_600 + 30 * seq, f"message {seq}"))
        conn.execute("UPDATE conversations SET last_seq = (SELECT MAX(seq) FROM messages WHERE conversation_id = ?) "
                      "WHERE id = ?", (conversation, conversation))
    conn.execute("UPDATE members SET last_read_seq = MAX(0, (SELECT last_seq FROM conversations "
                 "WHERE id = members.conversation_id) - (user_id % 4))")
    # The retry shown must find its first attempt already stored.
    conn.execute("INSERT INTO messages SELECT 1, last_seq + 1, 3, 'c3-retry', 1767225600, 'again?' "
                 "FROM conversations WHERE id = 1")
    conn.execute("UPDATE conversations SET last_seq = last_seq + 1 WHERE id = 1")


_SEEDERS = {"url_shortener": _seed_url_shortener, "news_feed": _seed_news_feed, "chat": _seed_chat}


def _run(conn: sqlite3.Connection, query: Query) -> QueryRun:
    plan = query_plan(conn, query.sql, query.params)
    conn.execute("SAVEPOINT shown")  # a write is shown with its result, then undone
    try:
        cursor = conn.execute(query.sql, query.params)
        rows = cursor.fetchall()
        columns = tuple(d[0] for d in cursor.description or ())
        if not columns:
            rows, columns = [(cursor.rowcount,)], ("rows written",)
    finally:
        conn.execute("ROLLBACK TO shown")
        conn.execute("RELEASE shown")
    return QueryRun(query, plan, columns, tuple(tuple(r) for r in rows[:SHOWN_ROWS]))


def data_model(interview: str, seed: int = 0) -> DataModel:
    """The interview's schema in a fresh in-memory SQLite database, seeded rows, and its queries run.

    >>> m = data_model("url_shortener")
    >>> m.runs[0].plan, m.runs[0].rows
    (('SEARCH links USING PRIMARY KEY (short_key=?)',), (('https://example.org/page/0',),))
    >>> m.runs[1].rows  # the key is taken: nothing inserted, nothing returned
    ()
    """
    name = _interview(interview)
    rng = random.Random(_check.seed(seed))
    conn = sqlite3.connect(":memory:", isolation_level=None)
    try:
        conn.executescript(_DDL[name])
        conn.execute("BEGIN")
        _SEEDERS[name](conn, rng)
        conn.execute("COMMIT")
        tables = [row[0] for row in conn.execute("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY rowid")]
        counts = {table: conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] for table in tables}
        runs = tuple(_run(conn, query) for query in _QUERIES[name])
    finally:
        conn.close()
    return DataModel(name, _DDL[name], counts, runs)


# --------------------------------------------------------------------------
# Deep dives: the course's labs run on each design's numbers
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    """One number a deep dive finds, with its unit: "share" for a fraction of 1, "" for a plain count."""

    label: str
    value: float
    unit: str


@dataclass(frozen=True)
class DeepDive:
    """A question about one design, answered by one of the course's labs on the design's numbers."""

    interview: str
    topic: str
    question: str
    lab: str  # the model the numbers come from, as the reader would call it
    assumptions: str
    findings: tuple[Finding, ...]


#: A year of 365.25 days, in minutes, for downtime figures.
MINUTES_PER_YEAR = 365.25 * 24 * 60


def _url_cache() -> DeepDive:
    links, alpha, peak = 1_000_000, 0.9, 34_722
    findings = []
    for share in (0.01, 0.05, 0.2):
        hit = che_hit_ratio(int(links * share), links, alpha)
        findings += [Finding(f"LRU hit ratio, cache of {share:.0%} of the links", hit, "share"),
                     Finding(f"store reads at the peak, cache of {share:.0%}", peak * (1 - hit), "reads/s")]
    return DeepDive("url_shortener", "cache", "How large must the redirect cache be?", "caching.che_hit_ratio",
                    f"the links clicked in a day, their popularity a Zipf law with skew α = {alpha}, computed on "
                    f"{links:,} of them (at a given share of the links the hit ratio grows slowly with their "
                    f"number, so the day's 20 million or so would do a little better); {peak:,} redirects a second "
                    "at the peak; Che's approximation of LRU (chapter 4).",
                    tuple(findings))


def _url_sharding() -> DeepDive:
    return DeepDive("url_shortener", "sharding", "How do links spread over shards, and what moves when one is added?",
                    "sharding.moved_fraction, sharding.load_imbalance",
                    "8 shards, one added; 100,000 sample keys; consistent hashing with 100 virtual nodes a shard "
                    "against hash mod N (chapter 4).",
                    (Finding("keys moved, consistent hashing", moved_fraction(8, scheme="ring"), "share"),
                     Finding("keys moved, hash mod N", moved_fraction(8, scheme="modulo"), "share"),
                     Finding("busiest shard, 100 virtual nodes", load_imbalance(8, vnodes=100), "× the mean"),
                     Finding("busiest shard, 1 virtual node", load_imbalance(8, vnodes=1), "× the mean")))


def _url_availability() -> DeepDive:
    servers = k_of_n(2, 3, 0.999)
    store = parallel(0.999, 0.999)
    path = serial(0.9999, servers, store)
    return DeepDive("url_shortener", "availability", "How available is a redirect?",
                    "availability.serial, availability.parallel, availability.k_of_n",
                    "A load balancer at 99.99 %; 3 redirect servers at 99.9 % each, 2 of which carry the peak; "
                    "the store as a primary and a replica at 99.9 % each, either of which serves reads; "
                    "failures independent (chapter 3). A year of 365.25 days.",
                    (Finding("redirect servers (2 of 3 up)", servers, "share"), Finding("store (1 of 2 up)", store, "share"),
                     Finding("the redirect path", path, "share"),
                     Finding("downtime a year", (1 - path) * MINUTES_PER_YEAR, "minutes")))


def _url_rate_limit() -> DeepDive:
    burst_times = [i * 0.1 for i in range(100)]  # a script creating 10 links a second for 10 s
    admitted = rate_limit(burst_times, algorithm="token_bucket", rate=10 / 60, burst=20)
    return DeepDive("url_shortener", "rate_limit", "What stops a script from minting keys?",
                    "rate_limiting.rate_limit",
                    "A token bucket per account on the create endpoint: 10 links a minute, bursts of 20 "
                    "(chapter 6); a script sends 100 creates in 10 s.",
                    (Finding("creates admitted", sum(admitted), ""),
                     Finding("creates refused (HTTP 429)", len(admitted) - sum(admitted), "")))


def _feed_population():
    return follower_population(200_000_000, celebrity_followers=30_000_000)


def _feed_fanout() -> DeepDive:
    c = compare(_feed_population(), 2_315, 46_296, threshold=10_000)
    findings = []
    for strategy in ("push", "pull", "hybrid"):
        load = c.load(strategy)
        findings += [Finding(f"{strategy}: fan-out writes", load.feed_writes_per_s, "writes/s"),
                     Finding(f"{strategy}: the largest pushed post delivered in", load.delivery_s, "s"),
                     Finding(f"{strategy}: feed read, p99", load.latency_ms, "ms")]
    return DeepDive("news_feed", "fanout", "Push, pull or both?", "fanout.compare",
                    "200 million users whose follower counts follow the fan-out lab's power law, plus one "
                    "celebrity with 30 million followers; 2,315 posts and 46,296 feed reads a second at the peak; "
                    "the hybrid pushes authors with at most 10,000 followers; the lab's lookup latencies and "
                    "fan-out rate.",
                    tuple(findings))


def _chat_delivery() -> DeepDive:
    clients, per_client = 10_000_000, 40 / 86_400
    short, long, push = closed_forms(clients, per_client, 10.0, 30.0, 150.0)
    return DeepDive("chat", "delivery", "Poll or hold a connection?", "api.closed_forms",
                    "10 million phones online in one region at the peak, each receiving 40 messages a day; short polling every "
                    "10 s, long polling with a 30 s timeout, or push over a WebSocket; a 150 ms round trip "
                    "(chapter 6).",
                    (Finding("short polling: requests", short.requests_per_s, "requests/s"),
                     Finding("short polling: mean delay", short.mean_delay_ms, "ms"),
                     Finding("long polling: requests", long.requests_per_s, "requests/s"),
                     Finding("push: frames", push.frames_per_s, "frames/s"),
                     Finding("push: mean delay", push.mean_delay_ms, "ms")))


def _chat_reconnect() -> DeepDive:
    connections, window_s, normal, per_worker, workers = 400_000, 10.0, 2_000.0, 1_000.0, 10
    spike = connections / window_s + normal
    backlog = spike_backlog(spike, window_s, workers, per_worker)
    return DeepDive("chat", "reconnect", "What happens when a gateway restarts?", "messaging.spike_backlog, messaging.drain_time",
                    f"A gateway holding {connections:,} connections restarts; its clients reconnect within "
                    f"{window_s:.0f} s on top of {normal:,.0f} handshakes a second; {workers} session workers "
                    f"each authenticate {per_worker:,.0f} a second (chapter 4's queue as a buffer).",
                    (Finding("handshakes a second during the storm", spike, "handshakes/s"),
                     Finding("backlog when the storm ends", backlog, "handshakes"),
                     Finding("time to drain it", drain_time(backlog, normal, workers, per_worker), "s")))


def _chat_hot_group() -> DeepDive:
    plain = hot_key_load(50, hot_share=0.05)
    salted = hot_key_load(50, hot_share=0.05, salt=8, read_share=0.0)
    return DeepDive("chat", "hot_group", "What does one huge group do to the message shards?", "sharding.hot_key_load",
                    "50 message shards keyed by conversation; one group takes 5 % of all messages; its writes "
                    "spread over 8 sub-keys (chapter 4's salting).",
                    (Finding("hottest shard, one key", plain.hottest[0] * 50, "× the mean"),
                     Finding("hottest shard, 8 sub-keys", salted.hottest[1] * 50, "× the mean"),
                     Finding("shards a read of the group visits after salting", salted.fan_out, "")))


_DEEP_DIVES = {
    "url_shortener": {"cache": _url_cache, "sharding": _url_sharding, "availability": _url_availability,
                      "rate_limit": _url_rate_limit},
    "news_feed": {"fanout": _feed_fanout},
    "chat": {"delivery": _chat_delivery, "reconnect": _chat_reconnect, "hot_group": _chat_hot_group},
}


def deep_dive(interview: str, topic: str) -> DeepDive:
    """One deep dive of the interview, computed by the course's lab models on the design's numbers.

    >>> d = deep_dive("url_shortener", "sharding")
    >>> [round(f.value, 2) for f in d.findings[:2]]
    [0.1, 0.89]
    """
    dives = _DEEP_DIVES[_interview(interview)]
    return dives[_check.choice("topic", topic, tuple(dives))]()


# --------------------------------------------------------------------------
# Time plans
# --------------------------------------------------------------------------

#: Each interview's minutes and the weights of the planner's phases (clarify, API, data model, deep
#: dives, wrap-up): the URL shortener's data model is small, the feed's deep dive is the interview,
#: the chat service needs longer on requirements (groups, devices, delivery guarantees).
TIME_PLANS = {
    "url_shortener": (45, (8, 4, 6, 20, 7)),
    "news_feed": (45, (7, 4, 6, 22, 6)),
    "chat": (45, (10, 5, 7, 17, 6)),
}


def time_plan(interview: str) -> tuple[Phase, ...]:
    """The interview's minutes shared among the planner's phases (:func:`widgets.interview.model.plan`).

    >>> [(p.name, p.minutes) for p in time_plan("url_shortener")][:2]
    [('Clarify requirements', 8), ('Draft the API', 4)]
    """
    return plan(*TIME_PLANS[_interview(interview)])
