"""A search bar on real SQLite: ``LIKE '%term%'`` scanning a table against an FTS5 inverted index ranked
by bm25, over the standard library's docstrings (:mod:`.corpus`).

* :func:`build_index`: an in-memory database with a plain table ``docs(id, title, body)`` and an FTS5
  index over it (``unicode61`` tokens, or ``porter`` stems of them), plus its vocabulary.
* :func:`like_search` scans every row for the characters as typed (inside words, case-insensitive for
  ASCII only, no ranking); :func:`fts_search` looks the query's tokens up in the index (whole tokens,
  ``log*`` prefixes, ``"a phrase"``, ``AND``/``OR``/``NOT``), ranked by bm25.
* :func:`side_by_side`: both on the same documents, with what each reads and where they differ.

SQL takes every value as a parameter. Table names and tokenizer options are identifiers, which SQL
cannot bind: they come from fixed tables in this module, never from input. A query FTS5 cannot parse
raises ``ValueError`` naming the query.

FTS5, bm25, the unicode61 and porter tokenizers and fts5vocab are as documented at
https://sqlite.org/fts5.html (SQLite 3.40); bm25 is Robertson and Zaragoza's (2009).
"""

from __future__ import annotations

import functools
import re
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from widgets import _check

from .corpus import Document, documents, max_documents

#: The fix named wherever FTS5 is missing.
FTS5_MISSING = ("this Python's SQLite was built without FTS5: install a Python whose sqlite3 has "
                "SQLITE_ENABLE_FTS5")
#: Tokenizer name -> FTS5's tokenize option. porter stems the tokens unicode61 makes.
TOKENIZERS = {"unicode61": "unicode61", "porter": "porter unicode61"}
#: Snippet markers around a matched word (plain text: the tables escape HTML).
OPEN, CLOSE, ELLIPSIS = "«", "»", "…"
MAX_QUERY_CHARS = 200
MAX_K = 100
_SNIPPET_TOKENS = 10
_LIKE_CONTEXT = 32  # characters either side of a LIKE match in its snippet
_OPERATORS = {"AND", "OR", "NOT", "NEAR"}
_BAREWORD = r"[A-Za-z0-9_\x1a\u0080-\U0010ffff]+"  # FTS5's bareword characters
_QUERY_PART = re.compile(rf'"((?:[^"]|"")*)"(\*?)|({_BAREWORD})(\*?)(:?)')
_QUERY_HINT = ('words, "a phrase", a prefix* and AND, OR, NOT between terms; put anything else in double '
               'quotes to search for it as written')


def fts5_available() -> bool:
    """True if this Python's SQLite has FTS5 (compiled with SQLITE_ENABLE_FTS5).

    >>> fts5_available()
    True
    """
    try:
        sqlite3.connect(":memory:").execute("CREATE VIRTUAL TABLE t USING fts5(x)")
    except sqlite3.OperationalError:
        return False
    return True


def _require_fts5() -> None:
    if not fts5_available():
        raise RuntimeError(FTS5_MISSING)


def _tokenizer(tokenizer: str) -> str:
    return TOKENIZERS[_check.choice("tokenizer", tokenizer, tuple(TOKENIZERS))]


def build_index(docs: Iterable[Document], tokenizer: str = "unicode61") -> sqlite3.Connection:
    """An in-memory database: table ``docs(id, title, body)``, its FTS5 index ``docs_fts`` (an external
    content table: the index keeps tokens and positions, the text stays in ``docs``), and the index's
    vocabulary ``docs_vocab`` (term, documents holding it, occurrences), with a copy of it in the
    plain table ``docs_terms`` (reading fts5vocab walks the whole index; the copy is a small table).

    >>> conn = build_index([Document(0, "a", "The catalogue of logs")])
    >>> conn.execute("SELECT term, doc FROM docs_terms ORDER BY term").fetchall()
    [('a', 1), ('catalogue', 1), ('logs', 1), ('of', 1), ('the', 1)]
    """
    option = _tokenizer(tokenizer)
    _require_fts5()
    conn = sqlite3.connect(":memory:", check_same_thread=False)
    conn.executescript(f"""
        CREATE TABLE docs(id INTEGER PRIMARY KEY, title TEXT NOT NULL, body TEXT NOT NULL);
        CREATE VIRTUAL TABLE docs_fts USING fts5(title, body, content='docs', content_rowid='id',
                                                 tokenize='{option}');
        CREATE VIRTUAL TABLE docs_vocab USING fts5vocab(docs_fts, 'row');
    """)
    with conn:
        conn.executemany("INSERT INTO docs(id, title, body) VALUES (?, ?, ?)",
                         ((d.id, d.title, d.body) for d in docs))
        conn.execute("INSERT INTO docs_fts(docs_fts) VALUES ('rebuild')")
        conn.execute("CREATE TABLE docs_terms AS SELECT term, doc, cnt FROM docs_vocab")
    return conn


@functools.lru_cache(maxsize=6)
def corpus_index(n: int, tokenizer: str = "unicode61") -> sqlite3.Connection:
    """:func:`build_index` over the first ``n`` documents of the corpus, built once per (n, tokenizer).

    >>> corpus_index(100).execute("SELECT count(*) FROM docs").fetchone()
    (100,)
    """
    _check.integer("n", n, 1, max_documents())
    _tokenizer(tokenizer)
    return build_index(documents(n), tokenizer)


# ---------------------------------------------------------------- queries


def check_query(query: str) -> str:
    """The query, stripped, if it is a non-empty string of at most 200 characters.

    >>> check_query("  log* ")
    'log*'
    """
    if not isinstance(query, str) or not query.strip() or len(query) > MAX_QUERY_CHARS:
        raise ValueError(f"query must be a non-empty search of at most {MAX_QUERY_CHARS} characters, "
                         f"got {query!r}")
    return query.strip()


def _k(k: int) -> int:
    return _check.integer("k", k, 1, MAX_K)


def like_text(query: str) -> str:
    """What ``LIKE`` looks for, given a search-bar query: the text with FTS5's double quotes and
    prefix stars removed (LIKE has no query language; it looks for the characters as typed).

    >>> like_text('thread*'), like_text('"context manager"')
    ('thread', 'context manager')
    """
    text = " ".join(check_query(query).replace('"', " ").replace("*", " ").split())
    if not text:
        raise ValueError(f"query must contain a word to search for, got {query!r}")
    return text


def like_pattern(text: str) -> str:
    """``%text%`` with LIKE's wildcards in ``text`` escaped (``ESCAPE '\\'``), so % and _ mean themselves.

    >>> like_pattern("50%_off")
    '%50\\\\%\\\\_off%'
    """
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def ascii_lower(text: str) -> str:
    """``text`` with A-Z lowered and every other character kept: how SQLite's LIKE compares case.

    >>> ascii_lower("LOG Ärger")
    'log Ärger'
    """
    return text.translate(_ASCII_LOWER)


_ASCII_LOWER = {c: c + 32 for c in range(ord("A"), ord("Z") + 1)}


@dataclass(frozen=True)
class Hit:
    """One result: document id, title, a snippet with the match between « and », and the bm25 score
    (FTS5: smaller is better, as SQLite returns it; None for LIKE, which cannot rank)."""

    id: int
    title: str
    snippet: str
    score: float | None = None


@dataclass(frozen=True)
class Results:
    """What one search found: every matching id (in result order) and the first ``k`` as hits."""

    ids: tuple[int, ...]
    top: tuple[Hit, ...]

    @property
    def count(self) -> int:
        return len(self.ids)


_LIKE_WHERE = "title LIKE ?1 ESCAPE '\\' OR body LIKE ?1 ESCAPE '\\'"
LIKE_SQL = f"SELECT id FROM docs WHERE {_LIKE_WHERE} ORDER BY id"
FTS_SQL = "SELECT rowid, bm25(docs_fts) FROM docs_fts WHERE docs_fts MATCH ? ORDER BY bm25(docs_fts), rowid"


def like_snippet(title: str, body: str, text: str) -> str:
    """The body (or the title, if only it matches) around the first match of ``text`` as LIKE
    compares (ASCII case folded), the match between « and », whitespace collapsed.

    >>> like_snippet("t", "A catalogue of things", "log")
    'A cata«log»ue of things'
    """
    needle = ascii_lower(text)
    source = body if needle in ascii_lower(body) else title
    at = ascii_lower(source).find(needle)
    if at < 0:
        return ""
    start, end = max(0, at - _LIKE_CONTEXT), min(len(source), at + len(text) + _LIKE_CONTEXT)
    inner = f"{source[start:at]}{OPEN}{source[at:at + len(text)]}{CLOSE}{source[at + len(text):end]}"
    return (ELLIPSIS if start else "") + " ".join(inner.split()) + (ELLIPSIS if end < len(source) else "")


def like_search(conn: sqlite3.Connection, query: str, k: int = 10) -> Results:
    """``LIKE '%text%'`` over titles and bodies (text: :func:`like_text` of the query): every match
    in table order (LIKE cannot rank), the first ``k`` with a snippet.

    >>> conn = build_index([Document(0, "a", "A catalogue"), Document(1, "b", "the LOG")])
    >>> like_search(conn, "log").ids
    (0, 1)
    """
    text, k = like_text(query), _k(k)
    ids = tuple(row[0] for row in conn.execute(LIKE_SQL, (like_pattern(text),)))
    rows = _rows(conn, ids[:k])
    return Results(ids, tuple(Hit(i, rows[i][0], like_snippet(*rows[i], text)) for i in ids[:k]))


def _rows(conn: sqlite3.Connection, ids: Sequence[int]) -> dict[int, tuple[str, str]]:
    marks = ",".join("?" * len(ids))
    return {i: (t, b) for i, t, b in conn.execute(f"SELECT id, title, body FROM docs WHERE id IN ({marks})", ids)}


def _bad_query(query: str, error: sqlite3.OperationalError) -> ValueError:
    return ValueError(f"query must be FTS5 query syntax ({_QUERY_HINT}); SQLite says: {error}; got {query!r}")


def _fts(conn: sqlite3.Connection, query: str, sql: str, params: tuple = ()) -> list[tuple]:
    """Rows of an FTS5 MATCH; a query FTS5 cannot parse becomes a ValueError naming it."""
    try:
        return conn.execute(sql, (query, *params)).fetchall()
    except sqlite3.OperationalError as error:
        raise _bad_query(query, error) from None


def _fts_snippets(conn: sqlite3.Connection, query: str, ids: Sequence[int]) -> tuple[Hit, ...]:
    """Hits for ``ids`` (in id order) with FTS5's snippets of where ``query`` matches them."""
    if not ids:
        return ()
    marks = ",".join("?" * len(ids))
    sql = (f"SELECT rowid, title, snippet(docs_fts, -1, '{OPEN}', '{CLOSE}', '{ELLIPSIS}', {_SNIPPET_TOKENS}) "
           f"FROM docs_fts WHERE docs_fts MATCH ? AND rowid IN ({marks}) ORDER BY rowid")
    return tuple(Hit(i, t, " ".join(s.split())) for i, t, s in _fts(conn, query, sql, tuple(ids)))


def fts_search(conn: sqlite3.Connection, query: str, k: int = 10) -> Results:
    """``docs_fts MATCH query`` ranked by bm25 (ties by id): every match, the best ``k`` with a snippet.

    >>> conn = build_index([Document(0, "a", "A catalogue"), Document(1, "b", "the LOG, the log")])
    >>> fts_search(conn, "log").ids, fts_search(conn, "cat*").ids
    ((1,), (0,))
    >>> fts_search(conn, "AND")
    Traceback (most recent call last):
    ValueError: query must be FTS5 query syntax (...); SQLite says: fts5: syntax error near "AND"; got 'AND'
    """
    query, k = check_query(query), _k(k)
    ranked = _fts(conn, query, FTS_SQL)
    snippets = {hit.id: hit for hit in _fts_snippets(conn, query, [i for i, _ in ranked[:k]])}
    top = tuple(Hit(i, snippets[i].title, snippets[i].snippet, score) for i, score in ranked[:k])
    return Results(tuple(i for i, _ in ranked), top)


def query_plan(conn: sqlite3.Connection, sql: str, params: Sequence = ()) -> str:
    """SQLite's EXPLAIN QUERY PLAN for ``sql``, its steps joined by "; ".

    >>> conn = build_index([Document(0, "a", "b")])
    >>> query_plan(conn, LIKE_SQL, ("%b%",)), query_plan(conn, FTS_SQL, ("b",)).startswith("SCAN docs_fts VIRTUAL")
    ('SCAN docs', True)
    """
    return "; ".join(row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}", tuple(params)))


# ---------------------------------------------------------------- tokens and postings


@functools.lru_cache(maxsize=2)
def _tokenizing(tokenizer: str) -> sqlite3.Connection:
    """A scratch FTS5 table per tokenizer, to tokenise text with SQLite's own tokenizer."""
    _require_fts5()
    conn = sqlite3.connect(":memory:", check_same_thread=False)
    conn.executescript(f"""
        CREATE VIRTUAL TABLE scratch USING fts5(x, tokenize='{TOKENIZERS[tokenizer]}');
        CREATE VIRTUAL TABLE scratch_tokens USING fts5vocab(scratch, 'instance');
    """)
    return conn


def tokens(text: str, tokenizer: str = "unicode61") -> tuple[str, ...]:
    """``text`` as SQLite's FTS5 tokenizer cuts it, in order: unicode61 folds case and strips diacritics
    and splits at anything but letters and digits; porter then stems each token.

    >>> tokens("Gerhard Häring's context-manager"), tokens("Threads connected", "porter")
    (('gerhard', 'haring', 's', 'context', 'manager'), ('thread', 'connect'))
    """
    if not isinstance(text, str):
        raise ValueError(f"text must be a string, got {text!r}")
    conn = _tokenizing(_check.choice("tokenizer", tokenizer, tuple(TOKENIZERS)))
    with conn:
        conn.execute("INSERT INTO scratch(rowid, x) VALUES (1, ?)", (text,))
        found = tuple(t for (t,) in conn.execute("SELECT term FROM scratch_tokens ORDER BY offset"))
        conn.execute("DELETE FROM scratch")
    return found


@dataclass(frozen=True)
class Term:
    """One token of a query as the index sees it, and whether it is a prefix (``log*``)."""

    token: str
    prefix: bool = False


def query_terms(query: str, tokenizer: str = "unicode61") -> tuple[Term, ...]:
    """The index terms an FTS5 query looks up: its words and phrases, tokenised as the index was
    (operators AND, OR, NOT, NEAR and column names left out); a star makes a phrase's last token a prefix.

    >>> [(t.token, t.prefix) for t in query_terms('"context manager" OR log* NOT title:x')]
    [('context', False), ('manager', False), ('log', True), ('x', False)]
    """
    found = []
    for quoted, quoted_star, bare, bare_star, column in _QUERY_PART.findall(check_query(query)):
        if column or bare in _OPERATORS:
            continue
        words = tokens(quoted.replace('""', '"') if not bare else bare, tokenizer)
        star = bool(quoted_star or bare_star)
        found += [Term(t, star and i == len(words) - 1) for i, t in enumerate(words)]
    return tuple(found)


def postings_read(conn: sqlite3.Connection, query: str, tokenizer: str = "unicode61") -> int:
    """The document entries in the postings lists of the query's terms, summed: what the index reads,
    where a scan reads every row (a prefix term reads the lists of every token it covers).

    >>> conn = build_index([Document(0, "a", "log logs"), Document(1, "b", "log")])
    >>> postings_read(conn, "log"), postings_read(conn, "log*"), postings_read(conn, '"log logs"')
    (2, 3, 3)
    """
    total = 0
    for term in query_terms(query, tokenizer):
        if term.prefix:
            (found,) = conn.execute("SELECT sum(doc) FROM docs_vocab WHERE term >= ? AND term < ?",
                                    (term.token, term.token + "\U0010ffff")).fetchone()
        else:
            found = next(iter(conn.execute("SELECT doc FROM docs_vocab WHERE term = ?", (term.token,))), (0,))[0]
        total += found or 0
    return total


@dataclass(frozen=True)
class Word:
    """A token of the index that contains LIKE's text, the documents holding it, and whether the
    FTS5 query matches it (None where that depends on more than one term)."""

    token: str
    documents: int
    fts_matches: bool | None


def words_containing(conn: sqlite3.Connection, query: str, tokenizer: str = "unicode61",
                     limit: int = 8) -> tuple[Word, ...]:
    """The index's tokens that contain LIKE's text, most documents first: each is a word LIKE matches
    inside (``log`` in ``catalog``); for a one-word query, whether FTS5 matches the token too.

    >>> conn = build_index([Document(0, "a", "logging: a log catalog"), Document(1, "b", "logging")])
    >>> [(w.token, w.documents, w.fts_matches) for w in words_containing(conn, "log")]
    [('logging', 2, False), ('catalog', 1, False), ('log', 1, True)]
    """
    text = ascii_lower(like_text(query))
    limit = _check.integer("limit", limit, 1, 100)
    if tokens(text) != (text,):
        return ()  # several words, or text the tokenizer changes: no single token to look for
    terms = query_terms(query, tokenizer)
    single = terms[0] if len(terms) == 1 else None
    rows = conn.execute("SELECT term, doc FROM docs_terms WHERE term LIKE ? ESCAPE '\\' "
                        "ORDER BY doc DESC, term LIMIT ?", (like_pattern(text), limit))
    return tuple(Word(token, docs, None if single is None else
                      (token.startswith(single.token) if single.prefix else token == single.token))
                 for token, docs in rows)


# ---------------------------------------------------------------- both, side by side


@dataclass(frozen=True)
class Comparison:
    """LIKE and FTS5 on the same documents and query: results, plans, work, and where they differ."""

    n: int
    query: str
    like_text: str
    tokenizer: str
    like: Results
    fts: Results
    like_plan: str
    fts_plan: str
    rows_scanned: int       # LIKE reads every row
    postings: int           # FTS5 reads the postings lists of its terms
    only_like: tuple[Hit, ...]   # a few documents LIKE finds and FTS5 does not
    only_fts: tuple[Hit, ...]    # and the other way round
    words: tuple[Word, ...]

    @property
    def both(self) -> int:
        return len(set(self.like.ids) & set(self.fts.ids))

    @property
    def like_only_count(self) -> int:
        return len(set(self.like.ids) - set(self.fts.ids))

    @property
    def fts_only_count(self) -> int:
        return len(set(self.fts.ids) - set(self.like.ids))


def side_by_side(n: int, query: str, tokenizer: str = "unicode61", k: int = 5, examples: int = 3) -> Comparison:
    """LIKE against FTS5 over the first ``n`` documents: the top ``k`` of each, counts, plans, the rows
    or postings each reads, up to ``examples`` documents only one of them finds, and the tokens that
    contain LIKE's text.

    >>> c = side_by_side(3809, "log")
    >>> c.like.count > c.fts.count, c.rows_scanned, c.like_plan, c.fts_only_count
    (True, 3809, 'SCAN docs', 0)
    """
    examples = _check.integer("examples", examples, 0, 20)
    conn = corpus_index(n, tokenizer)
    query = check_query(query)
    fts, like = fts_search(conn, query, k), like_search(conn, query, k)
    only_like = sorted(set(like.ids) - set(fts.ids))[:examples]
    only_fts = sorted(set(fts.ids) - set(like.ids))[:examples]
    text, rows = like_text(query), _rows(conn, only_like)
    return Comparison(
        n=n, query=query, like_text=text, tokenizer=tokenizer, like=like, fts=fts,
        like_plan=query_plan(conn, LIKE_SQL, (like_pattern(text),)), fts_plan=query_plan(conn, FTS_SQL, (query,)),
        rows_scanned=n,  # the plan is SCAN docs: every row of the n
        postings=postings_read(conn, query, tokenizer),
        only_like=tuple(Hit(i, rows[i][0], like_snippet(*rows[i], text)) for i in only_like),
        only_fts=_fts_snippets(conn, query, only_fts),
        words=words_containing(conn, query, tokenizer),
    )
