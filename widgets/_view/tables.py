"""The one HTML table renderer: every table in every widget goes through :func:`table`."""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping, Sequence

import pandas as pd


def table(data: pd.DataFrame | Sequence[tuple[str, str]], caption: str = "", *,
          formats: Mapping[str, Callable] | Sequence[Callable] | None = None, index: bool = False) -> str:
    """A captioned HTML table of (label, value) rows or of a DataFrame.

    Rows: a label column (row headers) and a value column. A DataFrame: its columns, formatted by
    ``formats`` (column -> function, or one function a column), with its index as row headers
    when ``index`` is true.

    >>> table([("Peak", "2 req/s")])
    "<table class='widget-table'><tr><th scope='row' style='text-align:left;padding-right:1em'>Peak</th><td style='text-align:right'>2 req/s</td></tr></table>"
    """
    head = f"<caption style='text-align:left'>{html.escape(caption)}</caption>" if caption else ""
    if isinstance(data, pd.DataFrame):
        body = data.to_html(index=index, border=0, classes="widget-table", formatters=formats, escape=True)
        opening, rest = body.split(">", 1)
        return f"{opening}>{head}{rest}"
    rows = "".join(
        f"<tr><th scope='row' style='text-align:left;padding-right:1em'>{html.escape(label)}</th>"
        f"<td style='text-align:right'>{html.escape(value)}</td></tr>"
        for label, value in data
    )
    return f"<table class='widget-table'>{head}{rows}</table>"
