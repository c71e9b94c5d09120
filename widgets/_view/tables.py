"""The one HTML table renderer: every table in every widget goes through :func:`table`.

One style everywhere: a column whose cells are all numbers (with or without a unit) is right-aligned
under a right-aligned header and never wraps inside a cell; other columns are left-aligned; a
DataFrame's index and column names never show as extra rows; code and JSON are monospaced; a table
wider than its column scrolls inside its own container (the static site adds a cue). The styles are
inline, so a table reads the same on the static site and in JupyterLab.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from numbers import Number

import pandas as pd

_NUMBER = re.compile(r"^[-+−]?(\d|∞|\.\d)")
_LEFT = "text-align:left"
_RIGHT = "text-align:right;white-space:nowrap"
#: Row headers keep a readable width when a wide table is squeezed into a phone's column (it scrolls instead).
_ROW_HEADER = "text-align:left;padding-right:1em;min-width:6em"


def number_text(x: object) -> str:
    """A number as a table shows it by default: thousands separators, up to four significant digits,
    no scientific notation below 10^12.

    >>> number_text(86400), number_text(0.0123456), number_text(123456.7), number_text(1e9), number_text(0.5)
    ('86,400', '0.01235', '123,457', '1,000,000,000', '0.5')
    >>> number_text(3e12)
    '3e+12'
    """
    if isinstance(x, bool) or not isinstance(x, Number):
        return str(x)
    if isinstance(x, int) or (math.isfinite(x) and float(x).is_integer() and abs(x) < 1e12):
        return f"{int(x):,}"
    if not math.isfinite(x) or abs(x) >= 1e12:
        return f"{x:.3g}"
    decimals = max(0, 3 - math.floor(math.log10(abs(x))))
    text = f"{x:,.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def percent(fraction: float, digits: int = 2) -> str:
    """A fraction as a percentage to ``digits`` significant digits of the smaller of it and its complement,
    so 99.97% keeps the digits that say how much is missing.

    >>> percent(0.999702), percent(0.999999), percent(0.99), percent(0.0015), percent(0.00813, 3), percent(0)
    ('99.97%', '99.9999%', '99%', '0.15%', '0.813%', '0%')
    """
    if fraction >= 1 or fraction <= 0:
        return "100%" if fraction >= 1 else "0%"
    small = min(fraction, 1 - fraction) * 100
    decimals = min(12, max(0, digits - 1 - math.floor(math.log10(small))))
    text = f"{100 * fraction:.{decimals}f}"
    return (text.rstrip("0").rstrip(".") if "." in text else text) + "%"


def fixed_percent(fraction: float) -> str:
    """A fraction as a percentage with one decimal, the same for every cell of a column.

    >>> fixed_percent(0.0123), fixed_percent(1)
    ('1.2%', '100.0%')
    """
    return f"{100 * fraction:.1f}%"


def whole(x: float) -> str:
    """A number rounded to a whole, with thousands separators.

    >>> whole(1234.5), whole(7)
    ('1,234', '7')
    """
    return f"{x:,.0f}"


def _aligned(cells: Sequence[str]) -> str:
    """The style of a column: right and unwrapped if every cell is a number, else left."""
    return _RIGHT if cells and all(_NUMBER.match(cell) for cell in cells) else _LEFT


def _label(key: object) -> str:
    return " ".join(map(str, key)) if isinstance(key, tuple) else str(key)


def _formatters(frame: pd.DataFrame, formats: Mapping[str, Callable] | Sequence[Callable] | None) -> list[Callable]:
    if formats is None:
        return [number_text] * len(frame.columns)
    if isinstance(formats, Mapping):
        return [formats.get(column, number_text) for column in frame.columns]
    return list(formats)


def _html_table(caption: str, header: Iterable[str] | None, rows: list[tuple[str | None, list[str]]],
                styles: list[str], code: set[int]) -> str:
    cap = f"<caption style='text-align:left'>{html.escape(caption)}</caption>" if caption else ""
    head = ""
    if header is not None:
        has_row_labels = rows and rows[0][0] is not None
        cells = "<th></th>" if has_row_labels else ""
        cells += "".join(f"<th scope='col' style='{style}'>{html.escape(text)}</th>"
                         for text, style in zip(header, styles))
        head = f"<thead><tr>{cells}</tr></thead>"
    body = []
    for label, values in rows:
        cells = "" if label is None else (
            f"<th scope='row' style='{_ROW_HEADER}'>{html.escape(label)}</th>")
        for i, (value, style) in enumerate(zip(values, styles)):
            text = html.escape(value)
            cells += f"<td style='{style}'>{f'<code>{text}</code>' if i in code else text}</td>"
        body.append(f"<tr>{cells}</tr>")
    table_html = f"<table class='widget-table'>{cap}{head}<tbody>{''.join(body)}</tbody></table>"
    return f"<div class='table-scroll' style='overflow-x:auto;max-width:100%'>{table_html}</div>"


def table(data: pd.DataFrame | Sequence[tuple[str, str]], caption: str = "", *,
          formats: Mapping[str, Callable] | Sequence[Callable] | None = None, index: bool = False,
          code: Sequence[str] = ()) -> str:
    """A captioned HTML table of (label, value) rows or of a DataFrame.

    Rows: row headers and a value column. A DataFrame: its columns, each formatted by ``formats``
    (column -> function, or one function a column; :func:`number_text` otherwise), with its index as
    row headers when ``index`` is true; the columns named in ``code`` are monospaced.

    >>> table([("Peak", "2 req/s")])  # doctest: +NORMALIZE_WHITESPACE
    "<div class='table-scroll' style='overflow-x:auto;max-width:100%'><table class='widget-table'><tbody><tr><th
    scope='row' style='text-align:left;padding-right:1em;min-width:6em'>Peak</th><td
    style='text-align:right;white-space:nowrap'>2 req/s</td></tr></tbody></table></div>"
    """
    if not isinstance(data, pd.DataFrame):
        values = [value for _, value in data]
        return _html_table(caption, None, [(label, [value]) for label, value in data], [_aligned(values)], set())
    columns = [_label(column) for column in data.columns]
    formatters = _formatters(data, formats)
    cells = [[formatter(value) for formatter, value in zip(formatters, row)] for row in data.itertuples(index=False)]
    styles = [_aligned([row[i] for row in cells]) for i in range(len(columns))]
    labels = [_label(key) for key in data.index] if index else [None] * len(cells)
    code_at = {columns.index(name) for name in code}
    return _html_table(caption, columns, list(zip(labels, cells)), styles, code_at)
