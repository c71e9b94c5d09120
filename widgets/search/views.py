"""Views of the search bar on real SQLite: LIKE against FTS5 side by side with the stored timings
(:func:`compare`), periodic against event-triggered indexing (:func:`freshness`), and a tokenizer change
built beside the live index and swapped in behind an alias (:func:`swap`).

Each interactive is declared as data (its controls and presets), a chart class that builds its figure
once and updates its artists, and a ``render`` that formats what the model computed.
"""

from __future__ import annotations

import functools

import ipywidgets as w
import numpy as np
import pandas as pd

from widgets import _view
from widgets._view.tables import number_text, whole

from . import model, reindex, staleness, timing
from .corpus import corpus_size

BLUE, ORANGE, _, VERMILLION = _view.PALETTE[:4]
WIDTH_IN, SMALL_PT = _view.FIGURE_WIDTH_IN, _view.MIN_FONT_PT
N = corpus_size()
K = 5  # results shown side by side


def _seconds(x: float) -> str:
    return f"{number_text(x)} s"


# ---------------------------------------------------------------- LIKE against FTS5

_COMPARE_CONTROLS = {
    "query": ("Text", "Query (FTS5 syntax)", {"value": "log", "placeholder": 'log*, "event loop", lock AND thread'}),
    "n": ("Dropdown", "Documents", {"options": _view.counted(1_000, N, 2 * N), "value": N}),
    "tokenizer": ("Dropdown", "Tokenizer", {"options": [("unicode61 (whole words)", "unicode61"),
                                                        ("porter (word stems)", "porter")], "value": "unicode61"}),
}
_COMPARE_PRESETS = {
    "log: LIKE also matches inside words": {"query": "log", "n": N, "tokenizer": "unicode61"},
    "thread*: a prefix query": {"query": "thread*", "n": N, "tokenizer": "unicode61"},
    '"context manager": a phrase': {"query": '"context manager"', "n": N, "tokenizer": "unicode61"},
    "locking, stemmed (porter)": {"query": "locking", "n": N, "tokenizer": "porter"},
}
_COMPARE_LEGEND = _view.legend([("—●—", VERMILLION, "LIKE: scans every row"),
                                ("–■–", BLUE, "FTS5: reads its terms' postings"),
                                ("···", _view.GREY, "documents searched above")])
TIME_XLIM, TIME_XTICKS = (350, 55_000), (500, 2_000, 10_000, 40_000)
TIME_YLIM, TIME_YTICKS = (0.005, 500), (0.01, 0.1, 1, 10, 100)


class _TimingChart:
    """Median query time against documents (log-log) from the stored run: LIKE and FTS5, one query."""

    def __init__(self) -> None:
        self.figure, ax = _view.fixed_axes(WIDTH_IN, 2.6, margins=(0.62, 0.5, 0.15, 0.25), axis=True)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set(xlim=TIME_XLIM, ylim=TIME_YLIM)
        _view.Ticks(ax, "x", TIME_XTICKS, [f"{t:,}" for t in TIME_XTICKS])
        _view.Ticks(ax, "y", TIME_YTICKS, [f"{t:g}" for t in TIME_YTICKS])
        _view.x_label(ax, "documents in the table (log scale)")
        _view.y_label(ax, "median time (ms, log)", 36)
        (self.like,) = ax.plot([], [], "o-", color=VERMILLION, markersize=4.5, linewidth=1.6)
        (self.fts,) = ax.plot([], [], "s--", color=BLUE, markersize=4.5, linewidth=1.6)
        self.searched = ax.axvline(N, color=_view.GREY, linestyle=":", linewidth=1.4)
        self.note = ax.text(0.02, 0.96, "", transform=ax.transAxes, ha="left", va="top", fontsize=SMALL_PT,
                            bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.85, "pad": 1})

    def html(self, runs: pd.DataFrame, n: int) -> str:
        self.like.set_data(runs["n"], runs["like_ms"])
        self.fts.set_data(runs["n"], runs["fts_ms"])
        self.searched.set_xdata([n, n])
        first, last = runs.iloc[0], runs.iloc[-1]
        query = f"{first['query']} ({first['tokenizer']})"
        self.note.set_text(f"stored timings of {query}")
        alt = (f"Log-log chart of the stored median query times of {query} against documents in the table, from "
               f"{first.n:,} to {last.n:,}: LIKE from {first.like_ms:.3g} to {last.like_ms:.3g} ms, FTS5 from "
               f"{first.fts_ms:.3g} to {last.fts_ms:.3g} ms. A dotted line marks the {n:,} documents searched above.")
        return _view.figure_html(self.figure, alt)


def _cell(hit: model.Hit | None) -> str:
    return f"{hit.title}: {hit.snippet}" if hit else ""


def _results_table(c: model.Comparison) -> str:
    like, fts = list(c.like.top), list(c.fts.top)
    rows = pd.DataFrame({
        f"LIKE '%{c.like_text}%' (table order)": [_cell(like[i] if i < len(like) else None) for i in range(K)],
        f"FTS5 {c.query} (bm25 order)": [_cell(fts[i] if i < len(fts) else None) for i in range(K)],
    }, index=range(1, K + 1))
    caption = (f"The first {K} results of each, as title: snippet, the match between « and ». LIKE cannot rank: "
               "its rows come in table order. FTS5 ranks by bm25 (term frequency against document length, "
               "rarer terms weigh more).")
    return _view.table(rows.loc[: max(len(like), len(fts), 1)], caption, formats=[str, str], index=True)


def _counts_table(c: model.Comparison) -> str:
    rows = pd.DataFrame({
        "matches": [c.like.count, c.fts.count],
        "reads": [f"{c.rows_scanned:,} rows", f"{c.postings:,} postings"],
        "query plan": [c.like_plan, c.fts_plan.split(";")[0]],
    }, index=[f"LIKE '%{c.like_text}%'", f"FTS5 MATCH {c.query}"])
    caption = (f"{c.n:,} documents (standard-library docstrings{'' if c.n <= N else ', the corpus repeated'}), "
               f"{c.tokenizer} tokens. Both find {c.both:,}; only LIKE {c.like_only_count:,}; only FTS5 "
               f"{c.fts_only_count:,}. Reads: LIKE tests every row (plan SCAN docs); FTS5 reads the postings "
               "lists of its terms, one entry per document holding a term (plan VIRTUAL TABLE INDEX).")
    return _view.table(rows, caption, formats={"reads": str, "query plan": str}, index=True, code=["query plan"])


def _differences(c: model.Comparison) -> str:
    html = ""
    if c.words:
        words = pd.DataFrame({"documents": [wd.documents for wd in c.words],
                              "FTS5 matches it": ["yes" if wd.fts_matches else "no" if wd.fts_matches is not None
                                                  else "depends" for wd in c.words]},
                             index=[wd.token for wd in c.words])
        caption = (f"Tokens of the index that contain '{c.like_text}', most documents first: LIKE matches all of "
                   "them, FTS5 only whole tokens (or the tokens a prefix* covers). Tokens are lower-cased and "
                   "stripped of accents; porter keeps stems.")
        html += _view.table(words, caption, formats={"FTS5 matches it": str}, index=True)
    examples = [("only LIKE", h) for h in c.only_like] + [("only FTS5", h) for h in c.only_fts]
    if examples:
        rows = pd.DataFrame({"title": [h.title for _, h in examples], "snippet": [h.snippet for _, h in examples]},
                            index=[who for who, _ in examples])
        caption = ("Documents one search finds and the other does not (up to 3 each). LIKE compares characters: "
                   "inside words, ASCII case only, spaces as typed; FTS5 compares tokens: whole words (or stems), "
                   "any case or accent, phrases across punctuation and line breaks.")
        html += _view.table(rows, caption, formats=[str, str], index=True)
    return html


def _timing_table(stored: timing.StoredTiming, runs: pd.DataFrame) -> str:
    d = stored.details
    rows = runs[["n", "like_ms", "fts_ms", "like_matches", "fts_matches"]].rename(columns={
        "n": "documents", "like_ms": "LIKE ms", "fts_ms": "FTS5 ms", "like_matches": "LIKE finds",
        "fts_matches": "FTS5 finds"})
    caption = (f"Measured on {d['date']}, {d['cpu_count']} cores ({d['machine']}), Python {d['python']}, SQLite "
               f"{d['sqlite']}: median of {d['runs']} runs (time.perf_counter) of every match, LIKE in table order, "
               f"FTS5 ({runs['tokenizer'].iloc[0]} index) ranked by bm25. Past {N:,} documents the corpus "
               "repeats, so matches grow with the table. "
               f"`{d['command']}` measures again.")
    formats = {"LIKE ms": "{:.3f}".format, "FTS5 ms": "{:.3f}".format}
    return _view.table(rows, caption, formats=formats)


def compare() -> _view.Interactive:
    """LIKE '%term%' against an FTS5 MATCH on the same documents: results, counts, reads, differences, and
    the stored timings against corpus size.

    >>> "epi«log»" in compare().stack.children[0].value
    True
    """
    chart, stored = _TimingChart(), timing.stored_timing()

    @functools.lru_cache(maxsize=32)
    def timings(query: str, tokenizer: str, n: int, stored_for_query: bool) -> str:  # stored: drawn once a key
        runs = stored.of(query, tokenizer)
        missing = "" if stored_for_query else f": none for this query, so here {query} ({tokenizer}), a preset's"
        return (f"<p><b>Query time against documents</b>, a stored run{missing}:</p>" + chart.html(runs, n)
                + _COMPARE_LEGEND + _timing_table(stored, runs))

    def render(v: _view.Values) -> str:
        c = model.side_by_side(v["n"], v["query"], v["tokenizer"], k=K)
        stored_for_query = (c.query, c.tokenizer) in stored.queries
        shown = (c.query, c.tokenizer) if stored_for_query else stored.queries[0]
        return (_counts_table(c) + _results_table(c) + _differences(c)
                + timings(*shown, v["n"], stored_for_query))

    return _view.Interactive(render, _view.controls(_COMPARE_CONTROLS), _COMPARE_PRESETS, principal="Query")


# ---------------------------------------------------------------- keeping the index fresh

INTERVALS_SHOWN = 3
DOTS = 60
_FRESH_CONTROLS = {
    "interval_s": ("FloatText", "Periodic: every T (s)", {"value": 60.0}),
    "delay_s": ("FloatText", "Event: delay d (s)", {"value": 1.0}),
    "rate": ("FloatText", "Writes a second", {"value": 0.5}),
    "seed": ("IntText", "Seed", {"value": 1}),
}
_FRESH_PRESETS = {
    "Every 60 s, or 1 s after each write": {"interval_s": 60.0, "delay_s": 1.0, "rate": 0.5, "seed": 1},
    "Every 5 s: fresher, more runs": {"interval_s": 5.0, "delay_s": 1.0, "rate": 0.5, "seed": 1},
    "50 writes a second: a run a write": {"interval_s": 60.0, "delay_s": 1.0, "rate": 50.0, "seed": 1},
    "A 45 s event queue against every 60 s": {"interval_s": 60.0, "delay_s": 45.0, "rate": 0.5, "seed": 1},
}
_FRESH_LEGEND = _view.legend([("—●", BLUE, "periodic: each write (dots) waits for the next run"),
                              ("–▲–", ORANGE, "event-triggered: each write waits d"),
                              ("···", _view.GREY, "periodic mean T/2")])


class _StalenessChart:
    """Staleness of each write against when it was written, over the first three periodic intervals."""

    def __init__(self) -> None:
        self.figure, ax = _view.fixed_axes(WIDTH_IN, 2.5, margins=(0.62, 0.5, 0.15, 0.12), axis=True)
        self.ax = ax
        self.x_ticks, self.y_ticks = _view.Ticks(ax, "x", slots=8), _view.Ticks(ax, "y", slots=8)
        _view.x_label(ax, "written at (s)")
        _view.y_label(ax, "invisible to search (s)", 38)
        (self.saw,) = ax.plot([], [], color=BLUE, linewidth=1.2)
        (self.periodic,) = ax.plot([], [], "o", color=BLUE, markersize=3.5)
        (self.event,) = ax.plot([], [], "^--", color=ORANGE, markersize=4, linewidth=1.4)
        self.mean = ax.axhline(0, color=_view.GREY, linestyle=":", linewidth=1.4)

    def html(self, s: staleness.Staleness) -> str:
        end = INTERVALS_SHOWN * s.interval_s
        corners = np.arange(INTERVALS_SHOWN + 1) * s.interval_s
        self.saw.set_data(np.repeat(corners, 2)[1:-1], np.tile([s.interval_s, 0.0], INTERVALS_SHOWN))
        shown = np.flatnonzero(s.times_s <= end)
        dots = shown[np.linspace(0, len(shown) - 1, min(DOTS, len(shown))).astype(int)] if len(shown) else shown
        self.periodic.set_data(s.times_s[dots], s.periodic_s[dots])
        self.event.set_data(s.times_s[dots], s.event_s[dots])
        self.mean.set_ydata([s.interval_s / 2] * 2)
        top = max(s.interval_s, s.delay_s) * 1.12
        self.ax.set(xlim=(0, end), ylim=(0, top))
        for ticks, limit in ((self.x_ticks, end), (self.y_ticks, top / 1.12)):
            at = _view.round_ticks(limit, 4)
            ticks.set(at, [number_text(t) for t in at])
        alt = (f"Staleness of each write in seconds against when it was written, over the first {end:g} s: periodic "
               f"runs every {s.interval_s:g} s make a sawtooth from {s.interval_s:g} s down to 0 before each run, "
               f"mean {s.interval_s / 2:g} s; event-triggered indexing is a flat line at {s.delay_s:g} s. "
               f"{len(shown):,} writes in that window, {len(dots)} drawn.")
        return _view.figure_html(self.figure, alt)


def _fresh_table(s: staleness.Staleness, seed: int) -> str:
    closed, runs = staleness.closed_form(s.interval_s, s.delay_s), staleness.runs_per_hour(s.rate, s.interval_s)
    rows = pd.DataFrame({
        "mean": [_seconds(s.periodic_s.mean()), _seconds(s.event_s.mean())],
        "mean, closed form": [_seconds(closed["periodic_mean_s"]), _seconds(closed["event_mean_s"])],
        "worst": [_seconds(s.periodic_s.max()), _seconds(s.event_s.max())],
        "worst, closed form": [_seconds(closed["periodic_max_s"]), _seconds(closed["event_max_s"])],
        "index runs an hour": [whole(runs["periodic"]), whole(runs["event"])],
        "writes a run": [number_text(round(staleness.writes_per_run(s.rate, s.interval_s), 1)), "1"],
    }, index=[f"periodic, every {number_text(s.interval_s)} s", f"event-triggered, {number_text(s.delay_s)} s after"])
    intervals = round(s.horizon_s / s.interval_s)
    caption = (f"{len(s.times_s):,} writes of one seeded Poisson stream, {number_text(s.rate)} a second (seed {seed}), "
               f"over {intervals:,} whole interval{'s' if intervals > 1 else ''} of {number_text(s.interval_s)} s. "
               "Staleness: seconds from a write until an index run holds it, while search cannot find it. "
               "Closed forms: periodic T/2 on average and T at worst (each write waits for the next run), "
               "event-triggered d for every write. Runs an hour (closed forms): periodic, those with a write "
               "to index (3,600/T × (1 − exp(−rate × T))); event-triggered, one a write (rate × 3,600).")
    return _view.table(rows, caption, formats=[str] * 6, index=True)


def freshness() -> _view.Interactive:
    """Periodic against event-triggered indexing on one seeded write stream: staleness and index runs.

    >>> "30 s" in freshness().stack.children[0].value
    True
    """
    chart = _StalenessChart()

    def render(v: _view.Values) -> str:
        s = staleness.indexing_staleness(v["rate"], v["interval_s"], v["delay_s"], seed=v["seed"])
        return chart.html(s) + _FRESH_LEGEND + _fresh_table(s, v["seed"])

    return _view.Interactive(render, _view.controls(_FRESH_CONTROLS), _FRESH_PRESETS, principal="Schedule")


# ---------------------------------------------------------------- a mapping change behind an alias

SWAP_QUERIES = {"threads: porter finds thread, threading, ...": "threads",
                "locking: porter finds lock, locks, locked, ...": "locking"}
BATCHES = 4


class _SwapChart:
    """Matches at each step of the reindex: through the alias, and on the half-built new table."""

    def __init__(self) -> None:
        self.figure, ax = _view.fixed_axes(WIDTH_IN, 2.4, margins=(0.62, 0.5, 0.15, 0.12), axis=True)
        self.ax = ax
        steps = BATCHES + 4
        ax.set_xlim(-0.4, steps - 0.6)
        _view.Ticks(ax, "x", range(steps), [str(i) for i in range(steps)])
        self.y_ticks = _view.Ticks(ax, "y", slots=8)
        _view.x_label(ax, "step (the table below says what happens)")
        _view.y_label(ax, "documents found", 38)
        (self.alias,) = ax.plot([], [], "o-", color=BLUE, markersize=5, linewidth=1.8, drawstyle="steps-mid")
        (self.direct,) = ax.plot([], [], "s--", color=VERMILLION, markersize=4.5, linewidth=1.4)

    def html(self, r: reindex.Reindex) -> str:
        found = [len(s.through_alias) for s in r.steps]
        built = [(i, s.new_matches) for i, s in enumerate(r.steps) if s.new_matches is not None]
        self.alias.set_data(range(len(found)), found)
        self.direct.set_data([i for i, _ in built], [m for _, m in built])
        top = max(found + [m for _, m in built]) * 1.15
        self.ax.set_ylim(0, top)
        at = _view.round_ticks(top, 4)
        self.y_ticks.set(at, [whole(t) for t in at])
        alt = (f"Documents found for {r.query} at each of {len(found)} steps: through the alias "
               f"{', '.join(map(str, found))}; on the new table alone, from step {built[0][0]}, "
               f"{', '.join(str(m) for _, m in built)}.")
        return _view.figure_html(self.figure, alt)


def _swap_table(r: reindex.Reindex) -> str:
    rows = pd.DataFrame({
        "what happens": [s.label for s in r.steps],
        "alias points at": [s.alias_target for s in r.steps],
        "alias finds": [len(s.through_alias) for s in r.steps],
        "new table alone": ["—" if s.new_matches is None else f"{s.new_matches:,} of {s.new_rows:,} docs"
                            for s in r.steps],
    })
    caption = (f"A second connection searches for {r.query} at each step; {r.n:,} documents, the new index built "
               f"in {r.batches} committed batches while the alias (a view) serves the old. The swap drops and "
               "recreates the view in one transaction; SQLite's write-ahead log shows readers the last commit, "
               "so they see the whole old index, then the whole new one: never a part.")
    return _view.table(rows, caption, formats={"what happens": str, "alias points at": str,
                                                "new table alone": str}, code=["alias points at"])


@functools.cache
def _swap_views() -> dict[str, str]:
    chart = _SwapChart()
    legend = _view.legend([("—●—", BLUE, "a search through the alias"),
                           ("–■–", VERMILLION, "the same search on the half-built new table")])
    runs = {label: reindex.reindex_with_swap(q, batches=BATCHES) for label, q in SWAP_QUERIES.items()}
    return {label: chart.html(r) + legend + _swap_table(r) for label, r in runs.items()}


def swap() -> _view.Views:
    """A tokenizer change (unicode61 to porter) built beside the live index and swapped in behind an alias.

    >>> "swap committed" in swap().stack.children[0].value
    True
    """
    return _view.views("Query", {label: w.HTML(html) for label, html in _swap_views().items()})
