"""Availability's model: nines, downtime budgets, composite systems and error budgets.

Plain functions and frozen dataclasses, no view code (the views are in :mod:`.views`).

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

import pandas as pd

from widgets import _check

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


def percent_text(fraction: Any) -> str:
    """A fraction of 1 as a percentage, to 12 significant digits.

    >>> percent_text(Fraction(1999, 2000)), percent_text(0.9)
    ('99.95%', '90%')
    """
    return f"{float(100 * _check.number('fraction', fraction, exact=True)):.12g}%"


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
        row = {"Availability": percent_text(exact), "Nines": _nines_text(number_of_nines(exact))}
        for period in PERIODS:
            row[f"per {period}"] = _human_seconds(_downtime_seconds(exact, period, year_days, month_days))
        rows.append(row)
    return pd.DataFrame(rows)


def add_level(level: Any = None, levels: Any = DEFAULT_LEVELS) -> tuple[Fraction, ...]:
    """``levels`` with ``level`` added (None adds nothing), as exact fractions, sorted, each once.

    >>> [str(x) for x in add_level(0.9995, (0.9999, 0.999, 0.999))]
    ['999/1000', '1999/2000', '9999/10000']
    """
    given = [] if isinstance(levels, (str, bytes)) or not isinstance(levels, Iterable) else list(levels)
    if not given:
        raise ValueError(f"levels must be a non-empty sequence of availabilities, got {levels!r}")
    exact = {_probability(a, f"levels[{i}]") for i, a in enumerate(given)}
    if level is not None:
        exact.add(_probability(level, "level"))
    return tuple(sorted(exact))


# --------------------------------------------------------------------------
# Model: what the reader types
# --------------------------------------------------------------------------


def parse_percent(name: str, value: Any, *, optional: bool = False) -> Fraction | None:
    """A percentage the reader typed ("99.95", "99.95 %") or chose (0.05) as an exact fraction of 1.

    ``name`` is what the message calls it; with ``optional`` a blank text gives None.

    >>> parse_percent("SLO", "99.95 %"), parse_percent("Failing", 0.05)
    (Fraction(1999, 2000), Fraction(1, 2000))
    >>> parse_percent("SLO", "100.5")
    Traceback (most recent call last):
    ValueError: SLO must be a percentage in [0, 100], got '100.5'
    """
    if not isinstance(value, str):
        return _check.number(name, value, 0, 100, exact=True, what="a percentage") / 100
    if optional and not value.strip():
        return None
    try:
        number = Decimal(value.strip().removesuffix("%").strip())
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite() or not 0 <= number <= 100:
        raise ValueError(f"{name} must be a percentage in [0, 100], got {value!r}")
    return Fraction(number) / 100


def parse_days(name: str, text: Any) -> Fraction | None:
    """A number of days the reader typed, exactly; None for a blank (use the default).

    Only the text is read here; the calendar's functions check the range.

    >>> parse_days("Days in a month", " 30 "), parse_days("Days in a month", "")
    (Fraction(30, 1), None)
    >>> parse_days("Days in a month", "inf")
    Traceback (most recent call last):
    ValueError: Days in a month must be a number of days or blank, got 'inf'
    """
    if not isinstance(text, str):
        raise ValueError(f"{name} must be a number of days or blank, got {text!r}")
    if not text.strip():
        return None
    try:
        return Fraction(Decimal(text.strip()))
    except (InvalidOperation, ValueError, OverflowError):
        raise ValueError(f"{name} must be a number of days or blank, got {text!r}") from None


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


@dataclass(frozen=True)
class Tier:
    """A tier of ``count`` identical nodes, each up with ``node_availability``; ``needed`` must be up.

    Nodes fail independently. ``name`` words the messages, e.g. "App servers needed must be at
    most App servers (2), got 3"; unnamed, "needed must be at most count (2), got 3".

    >>> round(Tier(3, 2, 0.9).unavailability, 9)  # fewer than 2 of 3 up
    0.028
    """

    count: int
    needed: int
    node_availability: Any
    name: str = ""

    def __post_init__(self) -> None:
        count = _check.integer("count", self.count, 1, MAX_N)
        needed = _check.integer("needed", self.needed, 1, MAX_N)
        if needed > count:
            who = f"{self.name} needed" if self.name else "needed"
            raise ValueError(f"{who} must be at most {self.name or 'count'} ({count}), got {needed}")
        _probability(self.node_availability, "node_availability")

    @property
    def unavailability(self) -> float:
        """P(fewer than ``needed`` nodes up), accurate for many nines."""
        return k_of_n_unavailability(self.needed, self.count, self.node_availability)


@dataclass(frozen=True)
class System:
    """Tiers in series (a request crosses every tier): each tier's unavailability, the end-to-end
    unavailability, and the indices of the weakest tiers (the largest unavailability, ties
    included; none when every tier ties)."""

    tiers: tuple[Tier, ...]
    tier_unavailability: tuple[float, ...]
    unavailability: float
    weakest: tuple[int, ...]

    @property
    def nines(self) -> float:
        """How many nines the whole system has."""
        return number_of_nines(1 - Fraction(self.unavailability))

    def downtime(self, period: str = "year", **calendar: Any) -> timedelta:
        """The system's expected downtime per ``period`` (calendar as for :func:`downtime`)."""
        return downtime(1 - Fraction(self.unavailability), period, **calendar)


def weakest(unavailabilities: Any) -> tuple[int, ...]:
    """Indices of the largest unavailabilities (within 1e-9 relative); none if all tie.

    >>> weakest([0.001, 0.01, 0.01]), weakest([0.001, 0.001])
    ((1, 2), ())
    """
    given = unavailabilities if isinstance(unavailabilities, Iterable) else ()
    us = [_check.number(f"unavailabilities[{i}]", u, 0, 1) for i, u in enumerate(given)]
    if not us:
        raise ValueError("unavailabilities must hold at least one unavailability, got none")
    worst = max(us)
    found = tuple(i for i, u in enumerate(us) if u >= worst * (1 - 1e-9))
    return () if len(found) == len(us) else found


def composite_system(tiers: Iterable[Tier]) -> System:
    """Tiers in series, each a k-of-n group: every unavailability exact, no 1 - (1 - u) loss.

    >>> system = composite_system([Tier(1, 1, 0.999), Tier(2, 1, 0.99), Tier(2, 1, 0.999)])
    >>> round(system.unavailability, 12), system.weakest  # the single load balancer
    (0.0011008989, (0,))
    """
    given = tuple(tiers) if isinstance(tiers, Iterable) and not isinstance(tiers, (str, bytes)) else ()
    if not given or not all(isinstance(tier, Tier) for tier in given):
        raise ValueError(f"tiers must be a non-empty sequence of Tier, got {tiers!r}")
    us = tuple(tier.unavailability for tier in given)
    # Carry each tier's unavailability exactly into the series: 1 - Fraction(u).
    total = serial_unavailability(*(1 - Fraction(u) for u in us))
    return System(tiers=given, tier_unavailability=us, unavailability=total, weakest=weakest(us))


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


@dataclass(frozen=True)
class BudgetBurn:
    """An error budget over a window and how a steady failure rate spends it."""

    budget: ErrorBudget
    error_rate: float
    burn_rate: float  # 1: the budget lasts exactly the window
    exhausted_after: timedelta | None  # when the budget is all spent; None if it lasts the window


def budget_burn(slo: Any, requests_per_second: Any, error_rate: Any, window_days: Any = 30) -> BudgetBurn:
    """The budget of ``requests_per_second`` over ``window_days`` at ``slo``, burnt at ``error_rate``.

    >>> burn = budget_burn(0.999, 100, 0.002)
    >>> burn.budget.failed_requests, burn.burn_rate, burn.exhausted_after
    (259200.0, 2.0, datetime.timedelta(days=15))
    """
    target = _probability(slo, "slo")
    rate = _check.number("requests_per_second", requests_per_second, 0, exact=True)
    days = _check.number("window_days", window_days, 0, JULIAN_YEAR_DAYS / 3, open_low=True, exact=True)
    errors = _probability(error_rate, "error_rate")
    budget = error_budget(target, rate * days * _SECONDS_PER_DAY, "month", month_days=days)
    burn = burn_rate(errors, target)
    after = timedelta(days=float(days) / burn) if burn > 1 else None
    return BudgetBurn(budget=budget, error_rate=float(errors), burn_rate=burn, exhausted_after=after)
