"""Availability: nines, downtime budgets, composite systems and error budgets.

The *model* comes first: plain functions, no widgets, checked by the tests.
The *views* come after: three factories returning :class:`_view.Interactive`.

Many nines are fragile in floating point: two redundant servers at 0.999999
are both down with probability 1e-12, but floats near 1 are 1.1e-16 apart,
so ``1 - availability`` gives back only about four significant digits of it.
So the model works with *unavailabilities* (``u = 1 - a``): it computes them
exactly from the inputs and combines them without ever subtracting a number
close to 1 from 1.

* A float is read as the decimal it prints as: ``0.999999`` means
  999999/10**6, so its unavailability is exactly 1e-6 (then rounded once).
* ``Fraction`` and ``Decimal`` inputs are exact. Pass ``1 - Fraction(u)`` to
  carry an unavailability ``u`` from one call to the next without loss.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation
from fractions import Fraction
from types import MappingProxyType
from typing import Any

import networkx as nx
import pandas as pd

from . import _check, _view

# --------------------------------------------------------------------------
# Model: calendar
# --------------------------------------------------------------------------

#: The periods a downtime budget can be given for, longest first.
PERIODS = ("year", "quarter", "month", "week", "day")

#: The Julian year (365.25 days), the default year of every function.
JULIAN_YEAR_DAYS = 365.25

#: Largest n accepted by :func:`k_of_n` (binomial coefficients stay finite floats).
MAX_N = 1000

_SECONDS_PER_DAY = 86_400


def _probability(value: Any, name: str) -> Fraction:
    """``value`` as an exact Fraction in [0, 1] (a float read as the decimal it prints as)."""
    return _check.number(name, value, 0, 1, exact=True)


def _calendar(year_days: Any, month_days: Any) -> dict[str, Fraction]:
    """Validated period lengths in days; a quarter is three months."""
    year = _check.number("year_days", year_days, 0, 1000, open_low=True, exact=True)
    month = _check.number("month_days", month_days, 0, year / 3, open_low=True, optional=True, exact=True)
    if month is None:
        month = year / 12
    return {"year": year, "quarter": 3 * month, "month": month, "week": Fraction(7), "day": Fraction(1)}


def _period_seconds(period: Any, year_days: Any, month_days: Any) -> Fraction:
    calendar = _calendar(year_days, month_days)
    return calendar[_check.choice("period", period, PERIODS)] * _SECONDS_PER_DAY


def period_days(year_days: float = JULIAN_YEAR_DAYS, month_days: float | None = None) -> dict[str, float]:
    """Length of each period in days; by default month = year / 12 and quarter = 3 months.

    >>> period_days()["month"], period_days(365, 30)["quarter"]
    (30.4375, 90.0)
    """
    return {name: float(days) for name, days in _calendar(year_days, month_days).items()}


#: Period lengths in days for the default convention (Julian year, month = year / 12).
PERIOD_DAYS = MappingProxyType(period_days())

# --------------------------------------------------------------------------
# Model: downtime and the nines table
# --------------------------------------------------------------------------


def _downtime_seconds(availability: Any, period: Any, year_days: Any, month_days: Any) -> Fraction:
    u = 1 - _probability(availability, "availability")
    return u * _period_seconds(period, year_days, month_days)


def downtime(
    availability: Any,
    period: str = "year",
    *,
    year_days: float = JULIAN_YEAR_DAYS,
    month_days: float | None = None,
) -> timedelta:
    """Downtime allowed per ``period`` at ``availability`` (to the microsecond).

    >>> downtime(0.999)
    datetime.timedelta(seconds=31557, microseconds=600000)
    """
    return timedelta(seconds=float(_downtime_seconds(availability, period, year_days, month_days)))


_UNITS = (
    ("day", 86_400),
    ("hour", 3_600),
    ("minute", 60),
    ("second", 1),
    ("millisecond", Fraction(1, 10**3)),
    ("microsecond", Fraction(1, 10**6)),
    ("nanosecond", Fraction(1, 10**9)),
)
_THREE_DIGITS = Context(prec=3, rounding=ROUND_HALF_UP)
_PRECISE = Context(prec=40)


def _human_seconds(seconds: Fraction) -> str:
    """Seconds as three significant digits of the largest unit that keeps the number >= 1."""
    if seconds == 0:
        return "0 seconds"
    unit, size = next(((u, s) for u, s in _UNITS if seconds >= s), _UNITS[-1])
    value = seconds / size
    digits = _THREE_DIGITS.plus(Decimal(value.numerator) / Decimal(value.denominator))
    text = format(digits.normalize(), "f")
    return f"{text} {unit}" if text == "1" else f"{text} {unit}s"


def human_duration(duration: timedelta) -> str:
    """A duration as three significant digits and a unit, rounding halves up.

    >>> human_duration(timedelta(hours=8.766)), human_duration(timedelta(days=1.825))
    ('8.77 hours', '1.83 days')
    """
    if not isinstance(duration, timedelta) or duration < timedelta(0):
        raise ValueError(f"duration must be a timedelta >= 0, got {duration!r}")
    return _human_seconds(Fraction(duration // timedelta(microseconds=1), 10**6))


def number_of_nines(availability: Any) -> float:
    """How many nines: -log10(1 - availability) (inf for 1).

    >>> number_of_nines(0.999), round(number_of_nines(0.9995), 2)
    (3.0, 3.3)
    """
    u = 1 - _probability(availability, "availability")
    return math.inf if u == 0 else -math.log10(u)


def _percent(exact: Fraction) -> str:
    return f"{float(100 * exact):.12g}%"


def _nines_text(nines: float) -> str:
    return "∞" if math.isinf(nines) else f"{nines:.2f}".rstrip("0").rstrip(".")


DEFAULT_LEVELS = (0.9, 0.99, 0.999, 0.9999, 0.99999, 0.999999)


def nines_table(
    levels: Any = DEFAULT_LEVELS,
    *,
    year_days: float = JULIAN_YEAR_DAYS,
    month_days: float | None = None,
) -> pd.DataFrame:
    """One row per availability level: percent, nines, and downtime per period as text.

    >>> nines_table([0.999]).loc[0, "per year"]
    '8.77 hours'
    """
    given = [] if isinstance(levels, (str, bytes)) or not isinstance(levels, Iterable) else list(levels)
    if not given:
        raise ValueError(f"levels must be a non-empty sequence of availabilities, got {levels!r}")
    rows = []
    for i, level in enumerate(given):
        exact = _probability(level, f"levels[{i}]")
        row = {"Availability": _percent(exact), "Nines": _nines_text(number_of_nines(exact))}
        for period in PERIODS:
            row[f"per {period}"] = _human_seconds(_downtime_seconds(exact, period, year_days, month_days))
        rows.append(row)
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------
# Model: composite availability
# --------------------------------------------------------------------------


def _complements(values: tuple, name: str) -> tuple[list[float], list[float]]:
    """Each availability and its exact unavailability, both rounded once to floats."""
    if not values:
        raise ValueError(f"{name} must hold at least one availability, got none")
    exact = [_probability(a, f"{name}[{i}]") for i, a in enumerate(values)]
    return [float(a) for a in exact], [float(1 - a) for a in exact]


def _all(probabilities: list[float]) -> float:
    """P(every one of independent events happens)."""
    return math.prod(probabilities)


def _any(probabilities: list[float]) -> float:
    """P(at least one of independent events happens) = 1 - prod(1 - p), without cancellation."""
    if any(p == 1 for p in probabilities):
        return 1.0
    return -math.expm1(math.fsum(math.log1p(-p) for p in probabilities))


def serial(*availabilities: Any) -> float:
    """Availability of components that must all be up: the product.

    >>> round(serial(0.99, 0.999), 8)
    0.98901
    """
    a, _ = _complements(availabilities, "availabilities")
    return _all(a)


def serial_unavailability(*availabilities: Any) -> float:
    """Unavailability of components in series, accurate for many nines: 1 - prod(a).

    >>> serial_unavailability(0.999999, 0.999999)
    1.999999e-06
    """
    _, u = _complements(availabilities, "availabilities")
    return _any(u)


def parallel(*availabilities: Any) -> float:
    """Availability of redundant components, any one enough: 1 - prod(1 - a).

    >>> parallel(0.9, 0.9)
    0.99
    """
    a, _ = _complements(availabilities, "availabilities")
    return _any(a)


def parallel_unavailability(*availabilities: Any) -> float:
    """Unavailability of redundant components, accurate for many nines: prod(1 - a).

    >>> parallel_unavailability(0.999999, 0.999999)
    1e-12
    """
    _, u = _complements(availabilities, "availabilities")
    return _all(u)


def _k_of_n_terms(k: Any, n: Any, availability: Any) -> tuple[int, list[float]]:
    """k and the binomial terms P(exactly j of n up), j = 0..n."""
    n = _check.integer("n", n, 1, MAX_N)
    k = _check.integer("k", k, 0, n)
    (a,), (u,) = _complements((availability,), "availability")
    return k, [math.comb(n, j) * a**j * u ** (n - j) for j in range(n + 1)]


def k_of_n(k: int, n: int, availability: Any) -> float:
    """Availability when at least k of n identical independent components must be up.

    >>> round(k_of_n(2, 3, 0.9), 6)
    0.972
    """
    k, terms = _k_of_n_terms(k, n, availability)
    return min(1.0, math.fsum(terms[k:]))  # the terms sum to 1 give or take an ulp


def k_of_n_unavailability(k: int, n: int, availability: Any) -> float:
    """Unavailability of k-of-n (fewer than k up), accurate for many nines.

    >>> k_of_n_unavailability(1, 2, 0.999999)
    1e-12
    """
    k, terms = _k_of_n_terms(k, n, availability)
    return min(1.0, math.fsum(terms[:k]))


def from_mtbf(mtbf: Any, mttr: Any) -> float:
    """Steady-state availability MTBF / (MTBF + MTTR); same-unit numbers or two timedeltas.

    >>> from_mtbf(999, 1), from_mtbf(timedelta(days=30), timedelta(hours=12))
    (0.999, 0.9836065573770492)
    """
    if isinstance(mtbf, timedelta) or isinstance(mttr, timedelta):
        if not (isinstance(mtbf, timedelta) and isinstance(mttr, timedelta)):
            raise ValueError(
                "mtbf and mttr must be both numbers in one unit or both timedeltas, "
                f"got {mtbf!r} and {mttr!r}"
            )
        mtbf, mttr = (Fraction(t // timedelta(microseconds=1)) for t in (mtbf, mttr))
    what = "a number or timedelta"
    up = _check.number("mtbf", mtbf, 0, open_low=True, exact=True, what=what)
    down = _check.number("mttr", mttr, 0, exact=True, what=what)
    return float(up / (up + down))


# --------------------------------------------------------------------------
# Model: error budgets
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class ErrorBudget:
    """What an SLO lets you lose over a period."""

    slo: float
    period: str
    requests: float
    failed_requests: float  # may be fractional: 0.6 means the first failure breaks the SLO
    downtime: timedelta  # the budget spent as one full outage


def error_budget(
    slo: Any,
    requests: Any,
    period: str = "month",
    *,
    year_days: float = JULIAN_YEAR_DAYS,
    month_days: float | None = None,
) -> ErrorBudget:
    """Failed requests and full-outage downtime allowed for ``requests`` per ``period`` at ``slo``.

    >>> error_budget(0.999, 1_000_000).failed_requests
    1000.0
    """
    target = _probability(slo, "slo")
    count = _check.number("requests", requests, 0, exact=True)
    seconds = (1 - target) * _period_seconds(period, year_days, month_days)
    return ErrorBudget(
        slo=float(target),
        period=period,
        requests=float(count),
        failed_requests=float((1 - target) * count),
        downtime=timedelta(seconds=float(seconds)),
    )


def burn_rate(error_rate: Any, slo: Any) -> float:
    """How many times faster than allowed the budget burns: error_rate / (1 - slo).

    >>> burn_rate(0.002, 0.999)
    2.0
    """
    errors = _probability(error_rate, "error_rate")
    budget = 1 - _probability(slo, "slo")
    if budget == 0:
        return math.inf if errors else 0.0
    return float(errors / budget)


# --------------------------------------------------------------------------
# Views
# --------------------------------------------------------------------------


def _parse_percent(text: str, label: str) -> Fraction:
    """A percentage typed by the reader ("99.95" or "99.95 %") as an exact fraction."""
    try:
        value = Decimal(text.strip().removesuffix("%").strip())
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite() or not 0 <= value <= 100:
        raise ValueError(f"{label} must be a percentage in [0, 100], got {text!r}")
    return Fraction(value) / 100


def _parse_days(text: str, label: str) -> Fraction | None:
    """Days typed by the reader; blank means 'use the default'."""
    if not text.strip():
        return None
    try:
        return Fraction(Decimal(text.strip()))
    except (InvalidOperation, ValueError, OverflowError):
        raise ValueError(f"{label} must be a number of days or blank, got {text!r}") from None


def nines() -> _view.Interactive:
    """The nines table under a chosen calendar, with an optional extra level.

    >>> "8.77 hours" in nines().view.value
    True
    """
    controls = {
        "year_days": _view.control("FloatText", "Days in a year", value=JULIAN_YEAR_DAYS),
        "month_days": _view.control("Text", "Days in a month", value="", placeholder="blank: year / 12"),
        "level": _view.control("Text", "Add a level (%)", value="", placeholder="e.g. 99.95"),
    }

    def render(v: _view.Values) -> str:
        month = _parse_days(v["month_days"], "Days in a month")
        levels = set(map(Fraction, map(repr, DEFAULT_LEVELS)))
        if v["level"].strip():
            levels.add(_parse_percent(v["level"], "Added level"))
        table = nines_table(sorted(levels), year_days=v["year_days"], month_days=month)
        days = period_days(v["year_days"], month)
        caption = (
            f"Downtime allowed per period. Year = {days['year']:g} days, "
            f"quarter = {days['quarter']:.4g} days, month = {days['month']:.4g} days."
        )
        head, tail = table.to_html(index=False, border=0, classes="widget-table").split(">", 1)
        return f"{head}><caption style='text-align:left'>{caption}</caption>{tail}"

    presets = {
        "Julian year (365.25 days), month = year/12": {"year_days": JULIAN_YEAR_DAYS, "month_days": ""},
        "365-day year, 30-day month (SRE book table)": {"year_days": 365.0, "month_days": "30"},
        "Leap year (366 days), month = year/12": {"year_days": 366.0, "month_days": ""},
    }
    return _view.Interactive(render, controls, presets, principal="Calendar")


def _decimal_percent(value: Decimal) -> str:
    return f"{(100 * value).normalize():f}%"


_NODE_LEVELS = ("0.9", "0.95", "0.99", "0.995", "0.999", "0.9995", "0.9999", "0.99999")
_LEVEL_OPTIONS = [(_decimal_percent(Decimal(d)), Decimal(d)) for d in _NODE_LEVELS]
_TIERS = (  # controls for the node count and the per-node availability, label, node name, colour
    ("lbs", "lb", "Load balancers", "LB", _view.PALETTE[0]),
    ("apps", "app", "App servers", "App", _view.PALETTE[1]),
    ("dbs", "db", "DB replicas", "DB", _view.PALETTE[2]),
)


def _short_percent(u: float) -> str:
    """An availability from its unavailability: its nines and the next digit (99.79%, 99.9999%)."""
    if u == 0:
        return "100%"
    decimals = max(1, math.ceil(round(-math.log10(u), 9)) - 1)
    if decimals > 20:
        return f"100% - {u:.2g}"
    percent = 100 * (1 - Fraction(u))  # exact: no float has room for 15 nines and a digit
    digits = _PRECISE.divide(percent.numerator, percent.denominator).quantize(Decimal(1).scaleb(-decimals))
    return f"{digits:f}".rstrip("0").rstrip(".") + "%"


def _draw_tiers(ax, tiers: list[dict]) -> None:
    """Tiers as columns of nodes, every node wired to every node of the next tier."""
    graph = nx.Graph()  # requests flow left to right, through one node of every tier
    for x, tier in enumerate(tiers):
        tier["nodes"] = [(x, i) for i in range(tier["count"])]
        for node in tier["nodes"]:
            graph.add_node(node, pos=(x, node[1] - (tier["count"] - 1) / 2), color=tier["colour"])
    for left, right in zip(tiers, tiers[1:]):
        graph.add_edges_from((a, b) for a in left["nodes"] for b in right["nodes"])
    for artist in [*ax.collections, *ax.texts]:  # cheaper than ax.clear(): limits and layout stay
        artist.remove()
    pos = nx.get_node_attributes(graph, "pos")
    nx.draw_networkx_edges(graph, pos, ax=ax, edge_color="#999999")
    colours = [graph.nodes[n]["color"] for n in graph]
    nx.draw_networkx_nodes(graph, pos, ax=ax, node_color=colours, node_size=400, edgecolors="#000000")
    weakest = _weakest(tiers)
    for x, tier in enumerate(tiers):  # few glyphs: text is most of the drawing time
        text = f"{tier['label']}\n{_short_percent(tier['u'])}"
        style = {}
        if tier in weakest:
            text = f"weakest: {text}"
            style = {"color": _view.PALETTE[3], "fontweight": "bold"}
        ax.text(x, 2.5, text, ha="center", va="bottom", fontsize=8, **style)


def _weakest(tiers: list[dict]) -> list[dict]:
    """The tiers with the largest unavailability (ties included; none if all tie)."""
    worst = max(t["u"] for t in tiers)
    weakest = [t for t in tiers if t["u"] >= worst * (1 - 1e-9)]
    return [] if len(weakest) == len(tiers) else weakest


def _tier_rule(tier: dict) -> str:
    """'2 × 99.9%, any 1 up' or 'need 2 of 3 × 99%'."""
    if tier["k"] > 1:
        return f"need {tier['k']} of {tier['count']} × {tier['node']}"
    return f"{tier['count']} × {tier['node']}, any 1 up" if tier["count"] > 1 else f"1 × {tier['node']}"


def composite() -> _view.Interactive:
    """Load balancers -> app servers -> database replicas: redundancy per tier, end to end.

    >>> composite().principal.value
    'Single server everywhere'
    """
    fig = _view.new_figure(6.4, 3.2)
    ax = fig.add_subplot()
    ax.set_axis_off()
    ax.set_xlim(-0.5, len(_TIERS) - 0.5)
    ax.set_ylim(-2.5, 3.6)
    _view.freeze_layout(fig)
    level = {"options": _LEVEL_OPTIONS}
    controls = {
        "lbs": _view.control("IntSlider", "Load balancers", min=1, max=3, value=1),
        "lb": _view.control("SelectionSlider", "Each LB", value=Decimal("0.999"), **level),
        "apps": _view.control("IntSlider", "App servers", min=1, max=5, value=1),
        "need": _view.control("IntSlider", "App servers needed", min=1, max=5, value=1),
        "app": _view.control("SelectionSlider", "Each app server", value=Decimal("0.99"), **level),
        "dbs": _view.control("IntSlider", "DB replicas", min=1, max=5, value=1),
        "db": _view.control("SelectionSlider", "Each DB replica", value=Decimal("0.999"), **level),
    }

    def render(v: _view.Values) -> str:
        if v["need"] > v["apps"]:
            raise ValueError(
                f"App servers needed must be at most App servers ({v['apps']}), got {v['need']}"
            )
        tiers = []
        for count, node, label, short, colour in _TIERS:
            k = v["need"] if count == "apps" else 1
            tiers.append({
                "label": label, "short": short, "colour": colour, "count": v[count], "k": k,
                "node": _decimal_percent(v[node]), "u": k_of_n_unavailability(k, v[count], v[node]),
            })
        # Carry each tier's unavailability exactly into the series: 1 - Fraction(u).
        tier_availabilities = [1 - Fraction(t["u"]) for t in tiers]
        u_total = serial_unavailability(*tier_availabilities)
        _draw_tiers(ax, tiers)
        rows = [(f"{t['label']}: {_tier_rule(t)}", _short_percent(t["u"])) for t in tiers]
        rows += [
            ("End to end (tiers in series)", _short_percent(u_total)),
            ("Nines", f"{number_of_nines(1 - Fraction(u_total)):.2f}"),
            ("Downtime per year", human_duration(downtime(1 - Fraction(u_total)))),
        ]
        alt = (
            f"Diagram: {v['lbs']} load balancer(s) feed {v['apps']} app server(s) "
            f"(at least {v['need']} needed), which feed {v['dbs']} database replica(s). "
            f"End-to-end availability {_short_percent(u_total)}; weakest tier: "
            f"{', '.join(t['label'].lower() for t in _weakest(tiers)) or 'none, all equal'}."
        )
        table = _view.table_html(rows, caption="Availability (nodes fail independently)")
        return _view.figure_html(fig, alt=alt) + table

    presets = {
        "Single server everywhere": {"lbs": 1, "apps": 1, "need": 1, "dbs": 1},
        "Two app servers": {"lbs": 1, "apps": 2, "need": 1, "dbs": 1},
        "Redundant app and DB tiers, one LB (the SPOF)": {"lbs": 1, "apps": 3, "need": 1, "dbs": 2},
        "Redundant everything (two LBs)": {"lbs": 2, "apps": 3, "need": 1, "dbs": 2},
        "Two of three app servers needed (capacity)": {"lbs": 2, "apps": 3, "need": 2, "dbs": 2},
    }
    node_levels = {"lb": Decimal("0.999"), "app": Decimal("0.99"), "db": Decimal("0.999")}
    presets = {name: {**node_levels, **preset} for name, preset in presets.items()}
    return _view.Interactive(render, controls, presets, principal="Architecture")


WINDOW_DAYS = 30


def error_budget_view() -> _view.Interactive:
    """Failed requests and downtime an SLO allows over 30 days, and how fast failures burn it.

    >>> error_budget_view().principal.options
    ('SLO 99%', 'SLO 99.9%', 'SLO 99.95%', 'SLO 99.99%')
    """
    fig = _view.new_figure(6.4, 2.8)
    ax = fig.add_subplot()
    (line,) = ax.plot([0, WINDOW_DAYS], [0, 0], color=_view.PALETTE[0], linewidth=2)
    ax.axhline(100, color=_view.PALETTE[3], linestyle="--", linewidth=1)
    ax.set(xlim=(0, WINDOW_DAYS), ylim=(0, 200), xticks=range(0, WINDOW_DAYS + 1, 10), yticks=(0, 100, 200))
    ax.set_xlabel(f"day of the {WINDOW_DAYS}-day window")
    ax.set_ylabel("budget used (%)")  # the dashed line: all of it
    ax.set_title(" ", fontsize=10)  # reserve the title's room before the layout is frozen
    _view.freeze_layout(fig)
    controls = {
        "slo": _view.control("Text", "SLO (%)", value="99"),
        "rate": _view.control("FloatLogSlider", "Requests / second", value=100, base=10, min=-1, max=5,
                              readout_format=".3g"),
        "failing": _view.control("FloatLogSlider", "Failing requests (%)", value=0.05, base=10, min=-3,
                                 max=1, readout_format=".3g"),
    }

    def render(v: _view.Values) -> str:
        slo = _parse_percent(v["slo"], "SLO")
        error_rate = Fraction(repr(v["failing"])) / 100
        requests = Fraction(repr(v["rate"])) * WINDOW_DAYS * _SECONDS_PER_DAY
        budget = error_budget(slo, requests, "month", month_days=WINDOW_DAYS)
        burn = burn_rate(error_rate, slo)
        line.set_ydata([0, min(100 * burn, 1e6)])  # the axes clip it at 200 %
        if burn > 1:
            verdict = f"budget gone after {human_duration(timedelta(days=WINDOW_DAYS / burn))}"
        else:
            verdict = f"{100 * burn:.3g}% of the budget used in {WINDOW_DAYS} days"
        ax.set_title(f"burn rate {burn:.3g}×", fontsize=10)  # short titles draw fast
        failures = budget.failed_requests
        rows = [
            ("SLO", _percent(slo)),
            (f"Requests in {WINDOW_DAYS} days", f"{budget.requests:,.0f}"),
            ("Allowed failed requests", f"{failures:,.0f}" if failures >= 10 else f"{failures:.3g}"),
            ("Allowed downtime (one full outage)", human_duration(budget.downtime)),
            ("Failing now", _percent(error_rate)),
            ("Burn rate (1 = exactly on budget)", f"{burn:.3g}"),
            ("Verdict", verdict[0].upper() + verdict[1:]),
        ]
        alt = (
            f"Line chart of error budget used over a {WINDOW_DAYS}-day window at SLO {_percent(slo)} "
            f"with {_percent(error_rate)} of requests failing: burn rate {burn:.3g}, {verdict}."
        )
        table = _view.table_html(rows, caption=f"Error budget for {WINDOW_DAYS} days")
        return _view.figure_html(fig, alt=alt) + table

    presets = {f"SLO {s}%": {"slo": s} for s in ("99", "99.9", "99.95", "99.99")}
    return _view.Interactive(render, controls, presets, principal="SLO")
