"""Time LIKE '%term%' against an FTS5 MATCH at several corpus sizes, and store the run for the search lab.

Builds the in-memory SQLite database of the first n documents of the bundled standard-library corpus
(repeated past its 3,809 documents, with new ids, up to ten times over) at each size, and times each
query both ways with widgets.search.timing.time_queries (median of --runs runs, time.perf_counter):
LIKE returns every match in table order; FTS5 every match ranked by bm25, on the index (unicode61 or
porter) the lab's preset for that query uses. Writes
widgets/search/measured_timing.json with the command, the date, the Python, SQLite and pandas versions
and the machine, which the lab's views show as "measured on ...".

    python benchmarks/search_timing.py [--runs R] [--date YYYY-MM-DD]
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import sqlite3
import sys

import pandas as pd

from widgets.search import corpus_size, max_documents, time_queries
from widgets.search.timing import TIMING_PATH

#: The search lab's presets (query -> tokenizer), and a word in almost every document.
QUERIES = {"log": "unicode61", "thread*": "unicode61", '"context manager"': "unicode61", "locking": "porter",
           "the": "unicode61"}


def sizes() -> list[int]:
    n = corpus_size()
    return [500, 1_000, 2_000, n, 2 * n, 5 * n, max_documents()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="runs per query and size; the median is kept (7)")
    parser.add_argument("--date", default=datetime.date.today().isoformat(), help="the run's date (today)")
    args = parser.parse_args()
    table = pd.concat([time_queries([q for q, t in QUERIES.items() if t == tokenizer], sizes(), runs=args.runs,
                                    tokenizer=tokenizer) for tokenizer in dict.fromkeys(QUERIES.values())])
    table = table.sort_values("query", key=lambda q: q.map(list(QUERIES).index), kind="stable").reset_index(drop=True)
    details = {
        "command": "python benchmarks/search_timing.py" + (f" --runs {args.runs}" if args.runs != 7 else ""),
        "date": args.date,
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "pandas": pd.__version__,
        "machine": f"{platform.system()} {platform.machine()}",
        "cpu_count": os.cpu_count(),
        "runs": args.runs,
        "statistic": "median",
        "clock": "time.perf_counter",
        "corpus_documents": corpus_size(),
        "what": "LIKE: every match in table order; FTS5: every match ranked by bm25",
        "results": table.to_dict(orient="records"),
    }
    TIMING_PATH.write_text(json.dumps(details, indent=1) + "\n", encoding="utf-8")
    with pd.option_context("display.width", 140, "display.max_columns", 20):
        print(table.to_string(index=False, float_format=lambda x: f"{x:.3f}"))
    print(f"-> {TIMING_PATH}", file=sys.stderr)


if __name__ == "__main__":
    main()
