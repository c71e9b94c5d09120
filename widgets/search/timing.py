"""Query time against corpus size, measured: ``LIKE`` scans every row, FTS5 reads its terms' postings.

:func:`time_queries` is the lab's one clock: it times both searches (median of ``runs`` runs,
``time.perf_counter``) at several corpus sizes, with the counts that explain the times (rows scanned,
postings read, matches). ``benchmarks/search_timing.py`` runs it and stores the result with the run's
details in ``measured_timing.json``, which :func:`stored_timing` reads for the static site.

Past the bundled corpus the table repeats it (:func:`.corpus.documents`), so a word's matches grow with
the table too: the scan's time follows the rows, the index's follows the matches.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from widgets import _check
from widgets._measure import median_ms

from .corpus import documents, max_documents
from .model import FTS_SQL, LIKE_SQL, TOKENIZERS, _fts, build_index, check_query, like_pattern, like_text, postings_read

TIMING_PATH = Path(__file__).with_name("measured_timing.json")
COLUMNS = ["query", "tokenizer", "n", "like_ms", "fts_ms", "like_matches", "fts_matches", "rows_scanned", "postings"]



def time_queries(queries: Sequence[str], sizes: Sequence[int], *, runs: int = 7,
                 tokenizer: str = "unicode61") -> pd.DataFrame:
    """Median ms of LIKE (every match, table order) and FTS5 (every match, ranked by bm25) for each
    query at each corpus size, with the matches, the rows LIKE scans and the postings FTS5 reads.
    One row per (query, n), in the order given. Times vary run to run; the counts do not.

    >>> t = time_queries(["log"], [200, 400], runs=1)
    >>> t[["n", "like_matches", "fts_matches", "rows_scanned", "postings"]].values.tolist()
    [[200, 2, 1, 200, 1], [400, 6, 1, 400, 1]]
    """
    queries = [check_query(q) for q in queries]
    sizes = [_check.integer("sizes[]", n, 1, max_documents()) for n in sizes]
    runs = _check.integer("runs", runs, 1, 1_000)
    _check.choice("tokenizer", tokenizer, tuple(TOKENIZERS))
    for name, values in (("queries", queries), ("sizes", sizes)):
        if not values:
            raise ValueError(f"{name} must hold at least one value, got {values!r}")
    rows = []
    for n in sizes:
        conn = build_index(documents(n), tokenizer)
        for query in queries:
            pattern = (like_pattern(like_text(query)),)
            like = conn.execute(LIKE_SQL, pattern).fetchall()
            fts = _fts(conn, query, FTS_SQL)
            rows.append({
                "query": query, "tokenizer": tokenizer, "n": n,
                "like_ms": median_ms(lambda: conn.execute(LIKE_SQL, pattern).fetchall(), runs),
                "fts_ms": median_ms(lambda: conn.execute(FTS_SQL, (query,)).fetchall(), runs),
                "like_matches": len(like), "fts_matches": len(fts), "rows_scanned": n,
                "postings": postings_read(conn, query, tokenizer),
            })
        conn.close()
    rows.sort(key=lambda row: (queries.index(row["query"]), row["n"]))
    return pd.DataFrame(rows, columns=COLUMNS)


@dataclass(frozen=True)
class StoredTiming:
    """A stored run of :func:`time_queries`: its details (command, date, versions, machine) and table."""

    details: dict
    table: pd.DataFrame

    def of(self, query: str, tokenizer: str = "unicode61") -> pd.DataFrame:
        """The rows of one query on one tokenizer's index, by corpus size (empty if the run did not time it)."""
        rows = self.table[(self.table["query"] == query) & (self.table["tokenizer"] == tokenizer)]
        return rows.sort_values("n").reset_index(drop=True)

    @property
    def queries(self) -> tuple[tuple[str, str], ...]:
        """The (query, tokenizer) pairs the run timed, in its order."""
        return tuple(dict.fromkeys(zip(self.table["query"], self.table["tokenizer"])))


@functools.cache
def stored_timing(path: Path = TIMING_PATH) -> StoredTiming:
    """The stored timing run (``benchmarks/search_timing.py`` writes it).

    >>> t = stored_timing()
    >>> {"date", "command", "python", "sqlite", "cpu_count"} <= set(t.details), ("log", "unicode61") in t.queries
    (True, True)
    """
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    table = pd.DataFrame(data.pop("results"), columns=COLUMNS)
    return StoredTiming(data, table)
