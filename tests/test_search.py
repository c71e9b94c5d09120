"""Tests of widgets.search: real SQLite FTS5 against independent Python references, bm25 against its
published formula, Porter's published stems, the staleness closed forms, and the swap behind an alias.

References for what is checked here:
* SQLite FTS5 documentation, https://sqlite.org/fts5.html (SQLite 3.40): the unicode61 tokenizer (case
  folding, diacritics removed, tokens of letters and digits), the query syntax, and bm25 with k1 = 1.2,
  b = 0.75, IDF = ln((N − n + 0.5) / (n + 0.5)) clamped to 1e-6 when not positive, |D| the row's tokens
  over all columns, returned negated (smaller is better).
* SQLite's LIKE documentation, https://sqlite.org/lang_expr.html#like: case-insensitive for ASCII
  letters only; ESCAPE makes % and _ literal.
* Robertson and Zaragoza (2009), "The Probabilistic Relevance Framework: BM25 and Beyond", Foundations
  and Trends in Information Retrieval 3(4): the bm25 formula.
* Porter (1980), "An algorithm for suffix stripping", Program 14(3): the stems of its worked examples.
  SQLite's porter tokenizer (ext/fts5/fts5_tokenize.c and mkportersteps.tcl) leaves tokens under 3
  characters as they are and has the rule bli -> ble of Porter's later C implementation where the paper
  has abli -> able; snowballstemmer's "porter" follows the paper. Those are the only differences found.
"""

from __future__ import annotations

import gzip
import inspect
import json
import math
import os
import re
import sys
import unicodedata
from collections import defaultdict

import numpy as np
import pytest
import snowballstemmer
from hypothesis import given, settings
from hypothesis import strategies as st

from widgets import search
from widgets.search import corpus, model, reindex, staleness, timing
from widgets.search.corpus import Document

if not model.fts5_available():  # the only skip in this file; CI must have FTS5
    if os.environ.get("CI"):
        pytest.fail(model.FTS5_MISSING, pytrace=False)
    pytest.skip(model.FTS5_MISSING, allow_module_level=True)

N = corpus.corpus_size()


# --------------------------------------------------------------------------
# An independent reference: unicode61's rules in plain Python
# --------------------------------------------------------------------------


def reference_tokens(text: str) -> list[str]:
    """unicode61 by its documentation: fold case, drop diacritics, split at anything but letters/digits."""
    decomposed = unicodedata.normalize("NFD", text.lower())
    return re.findall(r"[^\W_]+", "".join(c for c in decomposed if unicodedata.category(c) != "Mn"))


@pytest.fixture(scope="module")
def tokens_of() -> dict[int, list[str]]:
    """Each corpus document's tokens (title, then body), by the reference tokenizer."""
    return {d.id: reference_tokens(d.title) + reference_tokens(d.body) for d in corpus.documents(N)}


@pytest.fixture(scope="module")
def inverted(tokens_of) -> dict[str, set[int]]:
    """The reference inverted index: token -> ids of the documents holding it."""
    index: dict[str, set[int]] = defaultdict(set)
    for doc_id, toks in tokens_of.items():
        for token in toks:
            index[token].add(doc_id)
    return index


@pytest.fixture(scope="module")
def porter_stem(inverted) -> dict[str, str]:
    """SQLite's porter stem of every token of the corpus."""
    return {token: model.tokens(token, "porter")[0] for token in inverted}


def fts_ids(conn, query: str) -> set[int]:
    return {row[0] for row in conn.execute("SELECT rowid FROM docs_fts WHERE docs_fts MATCH ?", (query,))}


# --------------------------------------------------------------------------
# The corpus
# --------------------------------------------------------------------------


def test_the_bundled_corpus_is_what_the_script_writes_from_this_interpreter():
    """tools/search_corpus.py is deterministic and the file holds its output (a Python other than 3.11
    has other docstrings: regenerate under 3.11 with `python tools/search_corpus.py`)."""
    import search_corpus

    assert sys.version_info[:2] == (3, 11), "the bundled corpus is Python 3.11's"
    fresh = search_corpus.corpus()
    bundled = json.loads(gzip.decompress(corpus.CORPUS_PATH.read_bytes()))
    assert fresh == bundled
    assert search_corpus.corpus() == fresh  # the same walk twice


def test_corpus_size_licence_and_shape():
    c = corpus.corpus()
    assert corpus.CORPUS_PATH.stat().st_size < 700_000 and 2_000 <= len(c.documents) <= 10_000
    assert "Python Software Foundation" in c.licence and "PSF" in c.licence
    assert [d.id for d in c.documents] == list(range(len(c.documents)))
    assert len({d.title for d in c.documents}) == len(c.documents) and all(d.body.strip() for d in c.documents)
    assert c.modules == tuple(sorted(c.modules))


def test_a_document_is_the_interpreters_own_docstring():
    by_title = {d.title: d.body for d in corpus.corpus().documents}
    assert by_title["json.dumps"] == inspect.cleandoc(json.dumps.__doc__)
    assert by_title["collections.OrderedDict.move_to_end"].startswith("Move an existing element to the end")


def test_documents_past_the_corpus_repeat_it_with_new_ids():
    docs = corpus.documents(3 * N + 5)
    assert len({d.id for d in docs}) == len(docs) == 3 * N + 5
    assert [(d.title, d.body) for d in docs[2 * N:3 * N]] == [(d.title, d.body) for d in docs[:N]]
    assert docs[N].id == N and docs[-1].id == 3 * N + 4


# --------------------------------------------------------------------------
# FTS5 and LIKE against independent references
# --------------------------------------------------------------------------


def test_every_token_of_the_index_matches_the_documents_the_reference_finds(inverted):
    """All 7,317 tokens of the corpus, each searched as a phrase: identical id sets."""
    conn = model.corpus_index(N)
    vocabulary = [t for (t,) in conn.execute("SELECT term FROM docs_terms")]
    assert set(vocabulary) == set(inverted)
    assert [t for t in vocabulary if fts_ids(conn, f'"{t}"') != inverted[t]] == []


@pytest.mark.parametrize("prefix", ["log", "thread", "con", "sock", "ab", "z"])
def test_prefix_queries_match_the_tokens_that_start_with_the_prefix(inverted, prefix):
    expected = set().union(*(ids for token, ids in inverted.items() if token.startswith(prefix)))
    assert fts_ids(model.corpus_index(N), f"{prefix}*") == expected


@pytest.mark.parametrize("query, words", [
    ('"context manager"', ["context", "manager"]), ('"event loop"', ["event", "loop"]),
])
def test_phrase_queries_match_consecutive_tokens(tokens_of, query, words):
    expected = {i for i, toks in tokens_of.items()
                if any(toks[j:j + len(words)] == words for j in range(len(toks)))}
    assert fts_ids(model.corpus_index(N), query) == expected and expected


def test_boolean_queries_are_set_algebra_on_token_matches(inverted):
    conn = model.corpus_index(N)
    lock, thread, queue = inverted["lock"], inverted["thread"], inverted["queue"]
    assert fts_ids(conn, "lock AND thread") == fts_ids(conn, "lock thread") == lock & thread
    assert fts_ids(conn, "lock OR queue") == lock | queue
    assert fts_ids(conn, "thread NOT lock") == thread - lock


LIKE_TEXTS = ["log", "thread", "context manager", "LOG", "Ing", "50%", "_", "a_b", "'", "x", "json.dumps",
              "haring", "\\", "%s"]


@pytest.mark.parametrize("text", LIKE_TEXTS)
def test_like_matches_pythons_in_on_ascii_lowered_text(text):
    """LIKE's matches are the rows whose title or body contains the text, ASCII letters folded."""
    docs = corpus.documents(N)
    needle = model.ascii_lower(text)
    expected = [d.id for d in docs if needle in model.ascii_lower(d.title) or needle in model.ascii_lower(d.body)]
    query = '"' + text.replace('"', '""') + '"'
    assert list(model.like_search(model.corpus_index(N), query).ids) == expected


def test_like_folds_ascii_case_only_and_fts5_folds_case_and_accents():
    conn = model.build_index([Document(0, "t", "Ärger im Büro"), Document(1, "t", "a LOG"),
                              Document(2, "t", "ärger")])
    assert model.like_search(conn, "ärger").ids == (2,)  # Ä is not folded by LIKE
    assert model.like_search(conn, "log").ids == (1,)    # L, O, G are
    assert set(model.fts_search(conn, "ärger").ids) == {0, 2}
    assert set(model.fts_search(conn, "arger").ids) == {0, 2}  # diacritics removed
    assert model.like_search(conn, "arger").ids == ()


def test_like_matches_inside_words_where_fts5_matches_tokens(inverted):
    c = model.side_by_side(N, "log")
    assert set(c.fts.ids) == inverted["log"] and set(c.fts.ids) < set(c.like.ids)
    for hit in c.only_like:  # each is a "log" inside a longer word, and no token "log"
        assert re.search(r"\w«log»|«log»\w", hit.snippet, re.IGNORECASE), hit.snippet
        assert hit.id not in inverted["log"]
    assert {w.token for w in c.words} >= {"logging", "log"}
    assert all("log" in w.token and w.documents == len(inverted[w.token]) for w in c.words)
    assert [w.token for w in c.words if w.fts_matches] == ["log"]


# --------------------------------------------------------------------------
# bm25: the published formula, and its ordering
# --------------------------------------------------------------------------


def reference_bm25(tokens_of: dict[int, list[str]], inverted: dict[str, set[int]], terms: list[str],
                   doc_id: int) -> float:
    rows, average = len(tokens_of), sum(map(len, tokens_of.values())) / len(tokens_of)
    k1, b, score = 1.2, 0.75, 0.0
    for term in terms:
        idf = math.log((rows - len(inverted[term]) + 0.5) / (len(inverted[term]) + 0.5))
        f, length = tokens_of[doc_id].count(term), len(tokens_of[doc_id])
        score += (idf if idf > 0 else 1e-6) * f * (k1 + 1) / (f + k1 * (1 - b + b * length / average))
    return -score


@pytest.mark.parametrize("query, terms", [("log", ["log"]), ("thread", ["thread"]), ("the", ["the"]),
                                          ("lock OR thread", ["lock", "thread"]),
                                          ("context manager", ["context", "manager"])])
def test_bm25_scores_equal_the_published_formula(tokens_of, inverted, query, terms):
    rows = model.corpus_index(N).execute("SELECT rowid, bm25(docs_fts) FROM docs_fts WHERE docs_fts MATCH ?",
                                         (query,)).fetchall()
    assert rows
    worst = max(abs(score - reference_bm25(tokens_of, inverted, terms, i)) / abs(score) for i, score in rows[:400])
    assert worst < 1e-12


def test_search_results_come_in_bm25_order():
    hits = model.fts_search(model.corpus_index(N), "thread", 50).top
    assert [h.score for h in hits] == sorted(h.score for h in hits)


@settings(max_examples=25)
@given(more=st.integers(2, 6), fewer=st.integers(1, 5), length=st.integers(8, 30), others=st.integers(3, 20))
def test_more_occurrences_of_a_rare_term_rank_higher_all_else_equal(more, fewer, length, others):
    fewer = min(fewer, more - 1)
    docs = [Document(0, "t", " ".join(["zebra"] * fewer + ["filler"] * (length - fewer))),
            Document(1, "t", " ".join(["zebra"] * more + ["filler"] * (length - more))),
            *[Document(2 + i, "t", " ".join(["filler"] * length)) for i in range(others)]]
    assert model.fts_search(model.build_index(docs), "zebra").ids == (1, 0)


@settings(max_examples=25)
@given(short=st.integers(2, 10), extra=st.integers(1, 20))
def test_the_same_count_in_a_shorter_document_ranks_higher(short, extra):
    docs = [Document(0, "t", "zebra " + "filler " * (short + extra)), Document(1, "t", "zebra " + "filler " * short),
            *[Document(2 + i, "t", "filler filler") for i in range(5)]]
    assert model.fts_search(model.build_index(docs), "zebra").ids == (1, 0)


# --------------------------------------------------------------------------
# Stemming (porter)
# --------------------------------------------------------------------------

PORTER_1980 = {  # Porter (1980): the section 1 example, GENERALIZATIONS, and the steps' examples whose stem is final
    "connect": "connect", "connected": "connect", "connecting": "connect", "connection": "connect",
    "connections": "connect", "generalizations": "gener", "caresses": "caress", "ponies": "poni", "ties": "ti",
    "caress": "caress", "cats": "cat", "feed": "feed", "plastered": "plaster", "bled": "bled", "motoring": "motor",
    "sing": "sing", "sized": "size", "hopping": "hop", "tanned": "tan", "falling": "fall", "hissing": "hiss",
    "fizzed": "fizz", "failing": "fail", "filing": "file", "happy": "happi", "sky": "sky",
}


@pytest.mark.parametrize("word, stem", PORTER_1980.items())
def test_porter_stems_are_the_papers(word, stem):
    assert model.tokens(word, "porter") == (stem,)


def test_porter_stems_equal_snowballs_porter_but_for_two_documented_departures(porter_stem):
    """Every ASCII token of the corpus (7,316): SQLite leaves tokens under 3 characters unstemmed, and
    stems -bli as -ble; snowballstemmer's porter (the 1980 paper) differs in exactly those."""
    snowball = snowballstemmer.stemmer("porter")
    vocabulary = [t for t in porter_stem if t.isascii()]
    differ = [(t, porter_stem[t], snowball.stemWord(t)) for t in vocabulary if porter_stem[t] != snowball.stemWord(t)]
    short = [t for t, _, _ in differ if len(t) < 3]
    bli = [(t, ours, theirs) for t, ours, theirs in differ if len(t) >= 3]
    assert all(model.tokens(t, "porter") == (t,) for t in short)
    assert bli and all(theirs.endswith("bli") and ours == theirs[:-1] for _, ours, theirs in bli)
    assert len(differ) < 0.005 * len(vocabulary)


def test_a_porter_index_matches_every_token_with_the_querys_stem(inverted, porter_stem):
    conn = model.corpus_index(N, "porter")
    for query in ("threads", "locking", "connection", "manager"):
        (stem,) = model.tokens(query, "porter")
        expected = set().union(*(ids for token, ids in inverted.items() if porter_stem[token] == stem))
        assert fts_ids(conn, query) == expected and len(expected) > len(inverted.get(query, ()))


# --------------------------------------------------------------------------
# Bad queries and bad input
# --------------------------------------------------------------------------

BAD_QUERIES = ["AND", '"context', "log AND", "(", "NEAR(", "-log", "*", "x:y", "o'reilly", "0.5", "a OR", "log)"]


@pytest.mark.parametrize("query", BAD_QUERIES)
def test_a_query_fts5_cannot_parse_is_a_value_error_naming_it(query):
    with pytest.raises(ValueError) as error:
        model.side_by_side(N, query)
    message = str(error.value)
    assert message.startswith("query must be FTS5 query syntax") and message.endswith(f"got {query!r}")
    assert "SQLite says:" in message and "Traceback" not in message


@pytest.mark.parametrize("query", ["", "   ", None, 3, "x" * 201])
def test_an_empty_or_oversized_query_is_a_value_error(query):
    with pytest.raises(ValueError, match="query must be a non-empty search"):
        model.fts_search(model.corpus_index(N), query)


def test_quoting_makes_any_text_searchable():
    conn = model.corpus_index(N)
    for text in ("o'reilly", "0.5", "-log", "x:y", "AND"):
        model.fts_search(conn, '"' + text + '"')  # no error


def test_like_wildcards_in_the_query_are_literal():
    conn = model.build_index([Document(0, "t", "50% off"), Document(1, "t", "500 off"), Document(2, "t", "a_b"),
                              Document(3, "t", "axb")])
    assert model.like_search(conn, '"0%"').ids == (0,) and model.like_search(conn, '"a_b"').ids == (2,)


_TINY = model.build_index([Document(0, "t", "b")])
BAD_CALLS = [  # (the parameter the message must name, the call), one or more per public function
    ("n", lambda: corpus.documents(0)),
    ("n", lambda: model.corpus_index(10 * N + 1)),
    ("tokenizer", lambda: model.build_index([], "stemmed")),
    ("query", lambda: model.check_query("")),
    ("k", lambda: model.like_search(_TINY, "b", 0)),
    ("k", lambda: model.fts_search(_TINY, "b", 101)),
    ("text", lambda: model.tokens(3)),
    ("tokenizer", lambda: model.tokens("a", "snowball")),
    ("query", lambda: model.query_terms("")),
    ("query", lambda: model.like_text('"*"')),
    ("query", lambda: model.postings_read(_TINY, " ")),
    ("limit", lambda: model.words_containing(_TINY, "b", limit=0)),
    ("examples", lambda: model.side_by_side(100, "b", examples=-1)),
    ("n", lambda: model.side_by_side(0, "b")),
    ("rate", lambda: staleness.write_times(0, 10)),
    ("horizon_s", lambda: staleness.write_times(1.0, 0)),
    ("seed", lambda: staleness.write_times(1.0, 10, seed=-1)),
    ("expected_writes", lambda: staleness.whole_intervals(1.0, 1.0, 0)),
    ("interval_s", lambda: staleness.writes_per_run(1.0, 0.001)),
    ("times", lambda: staleness.periodic_visible([-1.0], 1.0)),
    ("interval_s", lambda: staleness.periodic_visible([1.0], 0)),
    ("delay_s", lambda: staleness.event_visible([1.0], -1)),
    ("interval_s", lambda: staleness.closed_form(math.nan, 1.0)),
    ("rate", lambda: staleness.runs_per_hour(-1, 1.0)),
    ("delay_s", lambda: staleness.indexing_staleness(1.0, 1.0, math.inf)),
    ("visible_at", lambda: staleness.replay_on_sqlite([1.0, 2.0], [0.5, 2.0])),
    ("times", lambda: staleness.replay_on_sqlite([2.0, 1.0], [2.0, 2.0])),
    ("batches", lambda: reindex.reindex_with_swap("b", 10, batches=0)),
    ("new", lambda: reindex.reindex_with_swap("b", 10, new="unicode61")),
    ("tokenizer", lambda: reindex.index_table("trigram")),
    ("runs", lambda: timing.time_queries(["b"], [10], runs=0)),
    ("sizes[]", lambda: timing.time_queries(["b"], [0])),
    ("queries", lambda: timing.time_queries([], [10])),
    ("sizes", lambda: timing.time_queries(["b"], [])),
]


@pytest.mark.parametrize("name, call", BAD_CALLS, ids=[f"{i}-{name}" for i, (name, _) in enumerate(BAD_CALLS)])
def test_bad_input_is_a_value_error_naming_the_parameter(name, call):
    with pytest.raises(ValueError) as error:
        call()
    assert str(error.value).startswith(f"{name} must"), str(error.value)


# --------------------------------------------------------------------------
# The shape of the cost: the scan reads every row, the index its postings
# --------------------------------------------------------------------------


@pytest.mark.parametrize("n", [100, 1_000, N, 3 * N])
def test_like_scans_the_table_and_fts5_uses_its_index(n):
    conn = model.corpus_index(n)
    assert model.query_plan(conn, model.LIKE_SQL, ("%log%",)) == "SCAN docs"
    plan = model.query_plan(conn, model.FTS_SQL, ("log",))
    assert re.match(r"SCAN docs_fts VIRTUAL TABLE INDEX \d+:M", plan), plan


def test_rows_scanned_grow_with_the_table_and_postings_with_the_matches(inverted):
    """'haring' occurs once, in document 2,962 (Gerhard Häring, sqlite3's author): from there on, more
    rows add no postings (up to the copy of that document), while the scan reads every row."""
    (first,) = sorted(inverted["haring"])
    sizes = [first + 1, N, N + first]
    t = timing.time_queries(["haring", "log"], sizes, runs=1)
    haring, log = t[t["query"] == "haring"], t[t["query"] == "log"]
    assert haring["rows_scanned"].tolist() == sizes and haring["postings"].tolist() == [1, 1, 1]
    assert log["postings"].tolist() == log["fts_matches"].tolist()  # one term: a posting per match
    copies = range(corpus.MAX_COPIES)
    assert log["fts_matches"].tolist() == [sum(c * N + i < n for c in copies for i in inverted["log"]) for n in sizes]


def test_repeating_the_corpus_multiplies_rows_and_matches_alike():
    one, three = model.side_by_side(N, "log"), model.side_by_side(3 * N, "log")
    assert three.rows_scanned == 3 * one.rows_scanned and three.fts.count == 3 * one.fts.count
    assert three.like.count == 3 * one.like.count and three.postings == 3 * one.postings


def test_postings_read_sum_the_terms_document_frequencies(inverted):
    conn = model.corpus_index(N)
    assert model.postings_read(conn, '"context manager"') == len(inverted["context"]) + len(inverted["manager"])
    covered = [ids for token, ids in inverted.items() if token.startswith("thread")]
    assert model.postings_read(conn, "thread*") == sum(map(len, covered))
    assert model.query_terms("lock AND thread") == (model.Term("lock"), model.Term("thread"))


def test_time_queries_counts_agree_with_the_searches():
    t = timing.time_queries(["log", '"context manager"'], [300, 900], runs=2)
    assert list(t.columns) == timing.COLUMNS and len(t) == 4 and (t[["like_ms", "fts_ms"]] > 0).all().all()
    for row in t.itertuples():
        conn = model.corpus_index(row.n)
        assert row.like_matches == model.like_search(conn, row.query).count
        assert row.fts_matches == model.fts_search(conn, row.query).count


def test_the_stored_timing_run_states_its_details_and_its_counts_are_current():
    stored = timing.stored_timing()
    assert {"command", "date", "python", "sqlite", "cpu_count", "runs", "machine"} <= set(stored.details)
    assert stored.details["command"].startswith("python benchmarks/search_timing.py")
    assert stored.table["n"].max() == corpus.max_documents() and stored.table["n"].min() < N
    for row in stored.table[stored.table["n"] <= N].itertuples():
        conn = model.corpus_index(row.n, row.tokenizer)
        assert (row.like_matches, row.fts_matches) == (model.like_search(conn, row.query).count,
                                                      model.fts_search(conn, row.query).count)


# --------------------------------------------------------------------------
# Keeping the index fresh
# --------------------------------------------------------------------------


@settings(max_examples=40)
@given(interval=st.floats(0.01, 10_000), rate=st.floats(0.01, 100), seed=st.integers(0, 2**32))
def test_periodic_staleness_lies_in_zero_to_the_interval_and_ends_on_a_run(interval, rate, seed):
    times = staleness.write_times(rate, 500 / rate, seed)
    visible = staleness.periodic_visible(times, interval)
    assert np.all(visible >= times) and np.all(visible - times < interval * (1 + 1e-12))
    assert np.allclose(visible / interval, np.round(visible / interval), rtol=0, atol=1e-6)


@pytest.mark.parametrize("interval, rate", [(60.0, 0.5), (5.0, 3.0), (3_600.0, 2.0), (0.5, 50.0)])
def test_periodic_staleness_averages_half_the_interval_and_peaks_at_it(interval, rate):
    """Uniform on [0, T): mean T/2 within 4 standard errors (T/sqrt(12 n)), max within 1% of T."""
    f = staleness.indexing_staleness(rate, interval, 1.0, seed=3, expected_writes=50_000)
    closed = staleness.closed_form(interval, 1.0)
    assert f.horizon_s % interval == 0 and len(f.times_s) > 40_000
    assert abs(f.periodic_s.mean() - closed["periodic_mean_s"]) < 4 * interval / math.sqrt(12 * len(f.times_s))
    assert closed["periodic_max_s"] * 0.99 < f.periodic_s.max() < closed["periodic_max_s"]


@settings(max_examples=30)
@given(delay=st.floats(0, 1_000), rate=st.floats(0.01, 100), seed=st.integers(0, 2**32))
def test_event_triggered_staleness_is_the_delay_for_every_write(delay, rate, seed):
    f = staleness.indexing_staleness(rate, 60.0, delay, seed=seed, expected_writes=300)
    visible = staleness.event_visible(f.times_s, delay)
    assert np.allclose(visible - f.times_s, delay, atol=1e-9 * max(1.0, f.horizon_s))
    assert np.all(f.event_s == delay) and f.event_runs == len(f.times_s)


@pytest.mark.parametrize("interval, rate", [(60.0, 0.5), (10.0, 0.05), (1.0, 2.0)])
def test_periodic_runs_an_hour_match_the_poisson_closed_form(interval, rate):
    """Runs with at least one write: 3,600/T × (1 − e^(−rate·T)) an hour, within 3%, and the writes a
    run rate·T / (1 − e^(−rate·T)), over about 40,000 writes."""
    f = staleness.indexing_staleness(rate, interval, 1.0, seed=5, expected_writes=40_000)
    simulated = f.periodic_runs / (f.horizon_s / 3_600)
    assert simulated == pytest.approx(staleness.runs_per_hour(rate, interval)["periodic"], rel=0.03)
    assert len(f.times_s) / f.periodic_runs == pytest.approx(staleness.writes_per_run(rate, interval), rel=0.03)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_real_fts5_index_finds_each_write_when_the_schedule_says(seed):
    """Replayed on SQLite (writes inserted, runs indexing what is due, searches finding each write):
    the first search that finds a write is at the time the closed schedule gives, for both schedules."""
    times = staleness.write_times(0.5, 600.0, seed)
    for visible in (staleness.periodic_visible(times, 30.0), staleness.event_visible(times, 2.0)):
        assert np.array_equal(staleness.replay_on_sqlite(times, visible), visible)


# --------------------------------------------------------------------------
# A mapping change: build new, then swap behind the alias
# --------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["threads", "locking", '"context manager"'])
def test_searches_through_the_alias_see_a_whole_index_at_every_step(query):
    r = reindex.reindex_with_swap(query, batches=5)
    old = model.fts_search(model.corpus_index(N, "unicode61"), query).ids
    new = model.fts_search(model.corpus_index(N, "porter"), query).ids
    assert set(r.old_ids) == set(old) and set(r.new_ids) == set(new) and r.old_ids != r.new_ids
    commit = next(i for i, s in enumerate(r.steps) if s.label.startswith("swap committed"))
    assert all(s.through_alias == r.old_ids and s.alias_target == "docs_fts_unicode61" for s in r.steps[:commit])
    assert all(s.through_alias == r.new_ids and s.alias_target == "docs_fts_porter" for s in r.steps[commit:])
    half_built = [s.new_matches for s in r.steps if s.new_matches is not None and s.new_rows < N]
    assert half_built and min(half_built) < len(new)  # what a search on the half-built table would have seen
    assert [s.new_rows for s in r.steps[1:6]] == sorted(s.new_rows for s in r.steps[1:6]) and r.steps[5].new_rows == N


def test_the_package_exports_the_models_names():
    assert search.side_by_side is model.side_by_side and search.indexing_staleness is staleness.indexing_staleness
    assert search.reindex_with_swap is reindex.reindex_with_swap and search.time_queries is timing.time_queries
