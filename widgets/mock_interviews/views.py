"""The worked interviews' figures as HTML: the estimates with their arithmetic, and a data model on SQLite
(the schema, each query with SQLite's plan and its first rows). Static: they show the model's output, with
no control to move."""

from __future__ import annotations

import html

import pandas as pd
from IPython.display import HTML

from widgets import _view
from widgets._view.tables import number_text, percent

from . import model

_PRE = "white-space:pre-wrap;overflow-wrap:anywhere;font-size:0.85em;margin:0.3em 0"


#: The class of every output here: _static/dark.css gives it the page's colours in dark mode.
STATIC = "static-output"


def _static(inner: str) -> HTML:
    return HTML(f"<div class='{STATIC}'>{inner}</div>")


def _pre(text: str) -> str:
    return f"<pre style='{_PRE}'><code>{html.escape(text)}</code></pre>"


def estimates_table(interview: str) -> HTML:
    """The interview's estimates: what, the arithmetic, the answer (decimal units, a day of 86,400 s)."""
    rows = pd.DataFrame([(e.label, e.arithmetic, f"{e.answer_text} {e.unit}") for e in model.estimates(interview)],
                        columns=["estimate", "arithmetic", "answer"])
    caption = (f"{model.INTERVIEWS[interview]}: the estimates, computed by the capacity model (widgets.drills). "
               "A day has 86,400 s; a year 365.25 days; decimal units (1 TB = 10¹² bytes).")
    return _static(_view.table(rows, caption, formats=[str, str, str]))


def _run_html(run: model.QueryRun) -> str:
    plan = "\n".join(run.plan) or "(no search: the statement writes one row by its key)"
    result = (_view.table(pd.DataFrame(run.rows, columns=list(run.columns)), formats=[str] * len(run.columns))
              if run.rows else "<p><i>No rows.</i></p>")
    return (f"<p><b>{html.escape(run.query.purpose)}</b></p>{_pre(run.query.sql)}"
            f"<p style='margin:0.2em 0'>SQLite's plan (EXPLAIN QUERY PLAN):</p>{_pre(plan)}{result}")


def data_model_view(interview: str) -> HTML:
    """The interview's schema created in SQLite, and its key queries run on a few seeded rows."""
    m = model.data_model(interview)
    counts = ", ".join(f"{table} {n:,}" for table, n in m.rows_per_table.items())
    return _static(f"<p>The schema, created in an in-memory SQLite database:</p>{_pre(m.ddl)}"
                   f"<p>Rows seeded: {html.escape(counts)}. Writes are shown, then rolled back.</p>"
                   + "".join(_run_html(run) for run in m.runs))


def _value(f: model.Finding) -> str:
    if f.unit == "share":
        return percent(f.value, 3)
    return f"{number_text(f.value)} {f.unit}".strip()


def deep_dive_table(interview: str, topic: str) -> HTML:
    """One deep dive: the question, the lab's numbers for this design, and the assumptions behind them."""
    d = model.deep_dive(interview, topic)
    caption = f"{d.question} From {d.lab}. Assumptions: {d.assumptions}"
    return _static(_view.table([(f.label, _value(f)) for f in d.findings], caption))


def time_plan_table(interview: str) -> HTML:
    """The interview's time plan from the interview planner: each phase, when it starts and ends."""
    phases = model.time_plan(interview)
    rows = pd.DataFrame([(p.name, f"{p.start}–{p.end}", p.minutes) for p in phases],
                        columns=["phase", "minutes from the start", "minutes"])
    return _static(_view.table(rows, f"{model.INTERVIEWS[interview]}: a {phases[-1].end}-minute plan "
                                     "(the interview planner of chapter 2, largest-remainder rounding)."))
