"""Tests of widgets.normalisation: SQLite's own query plans, row counts against closed forms of the
generated data, the denormalised feed against the normalised join and against pandas, the update
anomaly, and Snowflake IDs against their published layouts.

References for what is checked here:
* SQLite, "EXPLAIN QUERY PLAN" (sqlite.org/eqp.html): SCAN is a full pass over a table or an index
  in order, SEARCH visits only the entries an index (or the rowid) selects.
* Twitter, snowflake README (github.com/twitter-archive/snowflake, tag snowflake-2010, announced in
  Ryan King's "Announcing Snowflake", Twitter Engineering Blog, 1 June 2010): a 41-bit millisecond
  timestamp ("gives us 69 years"), a 10-bit machine id ("up to 1024 machines"), a 12-bit sequence
  ("rolls over every 4096 per machine"); IdWorker.scala: ``twepoch = 1288834974657L``.
* Discord Developer Documentation, API Reference, "Snowflakes" (2016 onwards): the same layout with a
  5-bit worker and a 5-bit process id in the 10 machine bits and the epoch 1420070400000 (the first
  second of 2015); its worked example 175928847299117063 is 2016-04-30 11:18:25.796 UTC, worker 1,
  process 0, increment 7.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from widgets import normalisation as norm
from widgets.normalisation import model

SCALE = (1_000, 10_000)  # the presets' users and posts


@st.composite
def data_sets(draw):
    """Small data sets (every one built in SQLite twice), and one of their users."""
    n_users = draw(st.integers(1, 40))
    n_posts = draw(st.integers(1, 300))
    comments = draw(st.integers(0, 4))
    seed = draw(st.integers(0, 2**32))
    return n_users, n_posts, comments, seed, draw(st.integers(1, n_users))


def cost(schema, operation, n_users, n_posts, comments, seed, user=1, forget=False, page=20):
    return norm.operation_cost(schema, operation, n_users, n_posts, user=user, forget=forget, page=page,
                               comments_per_post=comments, seed=seed)


# --------------------------------------------------------------------------
# The generated data
# --------------------------------------------------------------------------


def test_data_has_the_asked_sizes_and_ids_in_range():
    data = norm.generate(50, 700, comments_per_post=4, seed=3)
    assert (data.n_posts, data.n_comments) == (700, 2_800)
    assert data.post_author.min() >= 1 and data.post_author.max() <= 50
    assert data.comment_post.min() >= 1 and data.comment_post.max() <= 700


def test_busiest_author_share_follows_zipf():
    """User 1 has weight 1 / H_n (H_n the n-th harmonic number): within 5 binomial standard deviations."""
    n_users, n_posts = SCALE
    share = 1 / sum(1 / k for k in range(1, n_users + 1))
    data = norm.generate(n_users, n_posts)
    sd = math.sqrt(n_posts * share * (1 - share))
    assert abs(data.posts_by(1) - n_posts * share) < 5 * sd
    assert data.posts_by(1) > data.posts_by(2) > data.posts_by(100)


def test_same_seed_same_data_and_another_seed_other_data():
    a, b, c = norm.generate(30, 200, seed=1), norm.generate(30, 200, seed=1), norm.generate(30, 200, seed=2)
    assert np.array_equal(a.post_author, b.post_author) and np.array_equal(a.comment_post, b.comment_post)
    assert not np.array_equal(a.post_author, c.post_author)


@given(data_sets())
@settings(max_examples=25)
def test_databases_hold_the_generated_rows(case):
    n_users, n_posts, comments, seed, _ = case
    data = norm.generate(n_users, n_posts, comments, seed)
    for schema in norm.SCHEMAS:
        conn = norm.database(schema, n_users, n_posts, comments, seed)
        counts = [conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("users", "posts", "comments")]
        assert counts == [n_users, n_posts, data.n_comments]
        authors = [a for (a,) in conn.execute("SELECT user_id FROM posts ORDER BY id")]
        assert authors == data.post_author.tolist()
    denormalised = norm.database("denormalised", n_users, n_posts, comments, seed)
    stored_counts = [n for (n,) in denormalised.execute("SELECT comment_count FROM posts ORDER BY id")]
    assert stored_counts == [data.comments_on(p) for p in range(1, n_posts + 1)]
    assert norm.inconsistent_rows(denormalised) == 0


# --------------------------------------------------------------------------
# Query plans, from SQLite itself
# --------------------------------------------------------------------------


def test_normalised_feed_joins_users_and_counts_comments_through_indexes():
    plan = cost("normalised", "feed", *SCALE, 3, 0).plan
    assert plan[0] == "SCAN p USING INDEX posts_by_time"
    assert "SEARCH u USING INTEGER PRIMARY KEY (rowid=?)" in plan
    assert "CORRELATED SCALAR SUBQUERY 1" in plan
    assert "  SEARCH c USING COVERING INDEX comments_by_post (post_id=?)" in plan  # nested under the subquery


def test_denormalised_feed_reads_one_table_with_no_join():
    assert cost("denormalised", "feed", *SCALE, 3, 0).plan == ("SCAN posts USING INDEX posts_by_time",)


def test_denormalised_rename_searches_each_copy_through_its_index():
    plans = cost("denormalised", "rename", *SCALE, 3, 0).plans
    assert plans == (("SEARCH users USING INTEGER PRIMARY KEY (rowid=?)",),
                     ("SEARCH posts USING INDEX posts_by_user (user_id=?)",),
                     ("SEARCH comments USING INDEX comments_by_user (user_id=?)",))
    assert cost("normalised", "rename", *SCALE, 3, 0).plans == (("SEARCH users USING INTEGER PRIMARY KEY (rowid=?)",),)


def test_without_the_index_sqlite_scans():
    """query_plan reports what SQLite would do: forbid the index and the SEARCH becomes a SCAN."""
    conn = norm.database("denormalised", *SCALE)
    assert norm.query_plan(conn, "UPDATE posts NOT INDEXED SET author_name = ? WHERE user_id = ?", ("x", 1)) == (
        "SCAN posts",)


# --------------------------------------------------------------------------
# Row counts against closed forms of the generated data
# --------------------------------------------------------------------------


@given(data_sets(), st.booleans())
@settings(max_examples=30)
def test_rename_touches_one_row_or_every_copy(case, forget):
    n_users, n_posts, comments, seed, user = case
    data = norm.generate(n_users, n_posts, comments, seed)
    posts, comments_by = data.posts_by(user), data.comments_by(user)
    normalised = cost("normalised", "rename", n_users, n_posts, comments, seed, user, forget)
    denormalised = cost("denormalised", "rename", n_users, n_posts, comments, seed, user, forget)
    assert (normalised.rows_written, normalised.inconsistent_rows) == (1, 0)
    if forget:  # posts fixed, comments missed: every comment of the user is now stale
        assert (denormalised.rows_written, denormalised.inconsistent_rows) == (1 + posts, comments_by)
    else:
        assert (denormalised.rows_written, denormalised.inconsistent_rows) == (1 + posts + comments_by, 0)


@given(data_sets(), st.booleans())
@settings(max_examples=20)
def test_a_comment_writes_one_row_normalised_and_two_denormalised(case, forget):
    n_users, n_posts, comments, seed, user = case
    normalised = cost("normalised", "comment", n_users, n_posts, comments, seed, user, forget)
    denormalised = cost("denormalised", "comment", n_users, n_posts, comments, seed, user, forget)
    assert (normalised.rows_written, normalised.rows_read, normalised.inconsistent_rows) == (1, 0, 0)
    assert (denormalised.rows_written, denormalised.rows_read) == ((1, 1) if forget else (2, 1))
    assert denormalised.inconsistent_rows == (1 if forget else 0)  # the newest post's count


@given(data_sets(), st.integers(1, 50))
@settings(max_examples=25)
def test_feed_reads_its_posts_and_in_the_normalised_schema_their_authors_and_comments(case, page):
    n_users, n_posts, comments, seed, _ = case
    data = norm.generate(n_users, n_posts, comments, seed)
    shown = min(page, n_posts)
    newest = range(n_posts, n_posts - shown, -1)
    normalised = cost("normalised", "feed", n_users, n_posts, comments, seed, page=page)
    denormalised = cost("denormalised", "feed", n_users, n_posts, comments, seed, page=page)
    assert normalised.rows_read == 2 * shown + sum(data.comments_on(p) for p in newest)
    assert denormalised.rows_read == shown
    assert normalised.rows_written == denormalised.rows_written == 0


def test_denormalised_reads_cost_fewer_vm_steps_and_its_rename_far_more():
    feed = norm.compare("feed", *SCALE)
    rename = norm.compare("rename", *SCALE)
    assert feed.loc["denormalised", "vm_steps"] < feed.loc["normalised", "vm_steps"]
    assert rename.loc["denormalised", "vm_steps"] > 100 * rename.loc["normalised", "vm_steps"]


def test_operations_are_rolled_back():
    conn = norm.database("denormalised", 30, 200)
    before = conn.execute("SELECT count(*), sum(comment_count) FROM posts").fetchone()
    for operation in norm.OPERATIONS:
        cost("denormalised", operation, 30, 200, 3, 0, user=1, forget=True)
    assert conn.execute("SELECT name FROM users WHERE id = 1").fetchone() == (norm.name(1),)
    assert conn.execute("SELECT count(*), sum(comment_count) FROM posts").fetchone() == before
    assert conn.execute("SELECT count(*) FROM comments").fetchone() == (600,)
    assert norm.inconsistent_rows(conn) == 0


def test_measures_are_identical_on_a_fresh_build():
    """VM steps, rows and plans depend on the data and SQLite, not on the run: rebuild and compare."""
    cached = cost("denormalised", "rename", 100, 1_000, 3, 7, user=2)
    for cache in (model._generate, model._database, model._operation_cost):
        cache.cache_clear()
    rebuilt = cost("denormalised", "rename", 100, 1_000, 3, 7, user=2)
    assert rebuilt == cached and rebuilt is not cached


@given(data_sets(), st.sampled_from(["rename", "comment"]), st.booleans())
@settings(max_examples=20)
def test_scoped_inconsistency_check_agrees_with_the_full_scan(case, operation, forget):
    """The operation's check looks only at its user's rows and the newest post; a scan of every row agrees."""
    n_users, n_posts, comments, seed, user = case
    conn = norm.database("denormalised", n_users, n_posts, comments, seed)
    statements = list(model.SQL["denormalised", operation])
    params = list(model._params("denormalised", operation, user, n_posts, 20))
    if forget:
        del statements[model.FORGOTTEN[operation]], params[model.FORGOTTEN[operation]]
    conn.execute("BEGIN")
    try:
        for sql, p in zip(statements, params):
            conn.execute(sql, p)
        assert norm.inconsistent_rows(conn) == norm.inconsistent_rows(conn, user=user, post=n_posts)
    finally:
        conn.execute("ROLLBACK")


# --------------------------------------------------------------------------
# The denormalised read agrees with the normalised join, and with pandas
# --------------------------------------------------------------------------


def pandas_feed(data: model.Data, page: int) -> list[tuple]:
    """The feed computed from the generated arrays with pandas: an independent join and count."""
    posts = pd.DataFrame({"id": np.arange(1, data.n_posts + 1), "user_id": data.post_author})
    posts["name"] = posts["user_id"].map(norm.name)
    posts["body"] = "post " + posts["id"].astype(str)
    counts = pd.Series(data.comment_post).value_counts()
    posts["comments"] = posts["id"].map(counts).fillna(0).astype(int)
    newest = posts.sort_values("id", ascending=False).head(page)
    return [(int(i), n, b, int(c)) for i, n, b, c in newest[["id", "name", "body", "comments"]].itertuples(index=False)]


@given(data_sets(), st.integers(1, 60))
@settings(max_examples=25)
def test_both_schemas_return_the_feed_pandas_computes(case, page):
    n_users, n_posts, comments, seed, _ = case
    expected = pandas_feed(norm.generate(n_users, n_posts, comments, seed), page)
    for schema in norm.SCHEMAS:
        assert norm.feed(schema, n_users, n_posts, page, comments, seed) == expected
    assert cost("normalised", "feed", n_users, n_posts, comments, seed, page=page).result == tuple(expected)


# --------------------------------------------------------------------------
# Storage
# --------------------------------------------------------------------------


def test_storage_counts_every_page_sqlite_holds():
    for schema in norm.SCHEMAS:
        conn = norm.database(schema, *SCALE)
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        schema_page = 1  # sqlite_schema's own page, not a table of ours
        assert norm.storage(schema, *SCALE)["total bytes"] == (pages - schema_page) * page_size


def test_denormalised_payload_grows_by_at_least_the_copied_names():
    data = norm.generate(*SCALE)
    normalised, denormalised = norm.storage("normalised", *SCALE), norm.storage("denormalised", *SCALE)
    names = lambda ids: sum(len(norm.name(u)) for u in ids.tolist())  # noqa: E731
    assert denormalised["posts payload"] - normalised["posts payload"] >= names(data.post_author)
    assert denormalised["comments payload"] - normalised["comments payload"] >= names(data.comment_author)
    assert denormalised["users bytes"] == normalised["users bytes"]
    assert denormalised["total bytes"] > normalised["total bytes"]


# --------------------------------------------------------------------------
# Bad input
# --------------------------------------------------------------------------


@pytest.mark.parametrize("call, message", [
    (lambda: norm.operation_cost("star", "feed", 10, 10), "schema must be one of 'normalised', 'denormalised'"),
    (lambda: norm.operation_cost("normalised", "delete", 10, 10), "operation must be one of 'feed'"),
    (lambda: norm.operation_cost("normalised", "feed", 0, 10), "n_users must be an integer in [1, 100000], got 0"),
    (lambda: norm.operation_cost("normalised", "feed", 10, 0), "n_posts must be an integer in [1, 100000], got 0"),
    (lambda: norm.operation_cost("normalised", "rename", 10, 10, user=11),
     "user must be an integer in [1, 10], got 11"),
    (lambda: norm.operation_cost("normalised", "rename", 10, 10, user=0), "user must be an integer in [1, 10], got 0"),
    (lambda: norm.operation_cost("normalised", "rename", 10, 10, forget="yes"), "forget must be one of False, True"),
    (lambda: norm.operation_cost("normalised", "feed", 10, 10, page=0), "page must be an integer in [1, 1000], got 0"),
    (lambda: norm.generate(10, 10, comments_per_post=11), "comments_per_post must be an integer in [0, 10]"),
    (lambda: norm.generate(10, 10, seed=-1), "seed must be an integer in [0, "),
    (lambda: norm.feed("normalised", 10, 10, page=1001), "page must be an integer in [1, 1000], got 1001"),
    (lambda: norm.compare("feed", 10, 10.5), "n_posts must be an integer in [1, 100000], got 10.5"),
    (lambda: norm.snowflake_id(norm.TWITTER_EPOCH_MS - 1, 0, 0), "timestamp_ms must be an integer in"),
    (lambda: norm.snowflake_id(norm.TWITTER_EPOCH_MS, 1024, 0), "machine must be an integer in [0, 1023], got 1024"),
    (lambda: norm.snowflake_id(norm.TWITTER_EPOCH_MS, 0, 4096), "sequence must be an integer in [0, 4095], got 4096"),
    (lambda: norm.decode(-1), "snowflake must be an integer in [0, 9223372036854775807], got -1"),
])
def test_bad_input_raises_naming_the_parameter(call, message):
    with pytest.raises(ValueError) as error:
        call()
    assert message in str(error.value)


# --------------------------------------------------------------------------
# Snowflake IDs
# --------------------------------------------------------------------------

timestamps = st.integers(norm.TWITTER_EPOCH_MS, norm.TWITTER_EPOCH_MS + 2**41 - 1)
machines, sequences = st.integers(0, 1023), st.integers(0, 4095)


@given(timestamps, machines, sequences)
def test_snowflake_round_trips_and_fits_a_signed_64_bit_integer(t, machine, sequence):
    snowflake = norm.snowflake_id(t, machine, sequence)
    assert 0 <= snowflake < 2**63
    assert norm.decode(snowflake) == model.Snowflake(t, machine, sequence)


@given(timestamps, timestamps, machines, machines, sequences, sequences)
def test_a_later_millisecond_always_sorts_later(t1, t2, m1, m2, s1, s2):
    """Whatever the machines and sequences: IDs sort by time first (k-sorted across machines)."""
    if t1 < t2:
        assert norm.snowflake_id(t1, m1, s1) < norm.snowflake_id(t2, m2, s2)


@given(timestamps, machines)
def test_within_a_millisecond_a_machine_has_4096_distinct_increasing_ids(t, machine):
    ids = [norm.snowflake_id(t, machine, s) for s in range(4096)]
    assert ids == sorted(set(ids)) and ids[-1] - ids[0] == 4095


def test_twitters_published_layout():
    """Twitter's snowflake README (2010): 41 bits give 69 years, 10 bits 1,024 machines, 12 bits 4,096 IDs."""
    assert (norm.TIMESTAMP_BITS, norm.MACHINE_BITS, norm.SEQUENCE_BITS) == (41, 10, 12)
    assert 1 + norm.TIMESTAMP_BITS + norm.MACHINE_BITS + norm.SEQUENCE_BITS == 64  # with the sign bit
    years = 2**41 / (1000 * 86_400 * 365.25)
    assert math.floor(years) == 69
    assert 2**norm.MACHINE_BITS == 1024 and 2**norm.SEQUENCE_BITS == 4096
    epoch = datetime.fromtimestamp(norm.TWITTER_EPOCH_MS / 1000, tz=UTC)
    assert epoch.isoformat(timespec="milliseconds") == "2010-11-04T01:42:54.657+00:00"
    assert norm.snowflake_id(norm.TWITTER_EPOCH_MS + 2**41 - 1, 1023, 4095) == 2**63 - 1


def test_discords_worked_example():
    """Discord's API reference: 175928847299117063 is 2016-04-30 11:18:25.796 UTC, worker 1, process 0,
    increment 7, with its epoch 1420070400000 (the worker's 5 bits sit above the process's 5)."""
    decoded = norm.decode(175928847299117063, epoch_ms=1_420_070_400_000)
    moment = datetime.fromtimestamp(decoded.timestamp_ms / 1000, tz=UTC)
    assert moment.isoformat(timespec="milliseconds") == "2016-04-30T11:18:25.796+00:00"
    assert (decoded.machine >> 5, decoded.machine & 31, decoded.sequence) == (1, 0, 7)
