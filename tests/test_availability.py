"""Tests of widgets.availability: published figures, closed forms, exactness, properties, bad input, views."""

from __future__ import annotations

import html
import math
from datetime import timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from widgets import availability as av

# --------------------------------------------------------------------------
# Published figures
# --------------------------------------------------------------------------

# Beyer et al., "Site Reliability Engineering", O'Reilly 2016, Appendix A, Table A-1
# "Availability table" (per year, quarter, month, week, day). Its calendar is a
# 365-day year, 90-day quarter and 30-day month (90 % -> 9 days a quarter, 3 days a month).
SRE_TABLE = {
    0.9: ("36.5 days", "9 days", "3 days", "16.8 hours", "2.4 hours"),
    0.99: ("3.65 days", "21.6 hours", "7.2 hours", "1.68 hours", "14.4 minutes"),
    0.999: ("8.76 hours", "2.16 hours", "43.2 minutes", "10.1 minutes", "1.44 minutes"),
}
# Single cells of the same table (its 99.99 % quarter, "12.96 minutes", has four digits; ours three).
SRE_CELLS = [
    (0.9999, "year", "52.6 minutes"),
    (0.9999, "month", "4.32 minutes"),
    (0.9999, "day", "8.64 seconds"),
    (0.99999, "year", "5.26 minutes"),
    (0.99999, "month", "25.9 seconds"),
    (0.99999, "week", "6.05 seconds"),
]
# The same levels with the Julian year (365.25 days) and month = year / 12 (30.4375 days):
# 0.001 * 365.25 d = 8.766 h, 0.001 * 30.4375 d = 43.83 min, 1e-4 * 365.25 d = 52.596 min,
# 1e-5 * 365.25 d = 5.2596 min, 1e-6 * 365.25 d = 31.5576 s.
JULIAN_CELLS = [
    (0.999, "year", "8.77 hours"),
    (0.999, "month", "43.8 minutes"),
    (0.9999, "year", "52.6 minutes"),
    (0.99999, "year", "5.26 minutes"),
    (0.999999, "year", "31.6 seconds"),
]


def test_sre_book_table_with_its_calendar():
    table = av.nines_table(list(SRE_TABLE), year_days=365, month_days=30)
    for i, expected in enumerate(SRE_TABLE.values()):
        assert tuple(table.loc[i, [f"per {p}" for p in av.PERIODS]]) == expected


@pytest.mark.parametrize(
    ("convention", "cells"),
    [({"year_days": 365, "month_days": 30}, SRE_CELLS), ({}, JULIAN_CELLS)],
    ids=["sre-book-365", "julian-365.25"],
)
def test_published_cells(convention, cells):
    for level, period, expected in cells:
        table = av.nines_table([level], **convention)
        assert table.loc[0, f"per {period}"] == expected, (level, period)


def test_downtime_values_for_three_nines():
    assert av.downtime(0.999) == timedelta(hours=8.766)
    assert av.downtime(0.999, "month") == timedelta(minutes=43.83)
    assert av.downtime(0.999, "year", year_days=365) == timedelta(hours=8.76)
    assert av.downtime(0.999, "month", year_days=365, month_days=30) == timedelta(minutes=43.2)
    assert av.downtime(0.999, "quarter") == av.downtime(0.999) / 4  # quarter = year / 4


def test_period_lengths():
    assert dict(av.PERIOD_DAYS) == {"year": 365.25, "quarter": 91.3125, "month": 30.4375, "week": 7, "day": 1}
    assert av.period_days(365, 30)["quarter"] == 90  # the SRE book's quarter


def test_nines_table_columns():
    table = av.nines_table()
    assert list(table["Availability"]) == ["90%", "99%", "99.9%", "99.99%", "99.999%", "99.9999%"]
    assert list(table["Nines"]) == ["1", "2", "3", "4", "5", "6"]
    assert av.nines_table([0.9995, 1]).loc[:, "Nines"].tolist() == ["3.3", "∞"]  # -log10(0.0005) = 3.30


@pytest.mark.parametrize(
    ("duration", "text"),
    [
        (timedelta(hours=8.766), "8.77 hours"),
        (timedelta(days=1.825), "1.83 days"),  # a half rounds up, as in the SRE table (99.5 %: 1.83 days)
        (timedelta(minutes=52.596), "52.6 minutes"),
        (timedelta(hours=1), "1 hour"),
        (timedelta(seconds=0.864), "864 milliseconds"),
        (timedelta(microseconds=32), "32 microseconds"),
        (timedelta(0), "0 seconds"),
    ],
)
def test_human_duration(duration, text):
    assert av.human_duration(duration) == text


# --------------------------------------------------------------------------
# Closed forms
# --------------------------------------------------------------------------


def test_serial_and_parallel_closed_forms():
    assert av.serial(0.99, 0.999, 0.9) == pytest.approx(0.99 * 0.999 * 0.9, rel=1e-15)
    assert av.parallel(0.9, 0.8) == pytest.approx(1 - 0.1 * 0.2, rel=1e-15)
    assert av.serial_unavailability(0.9, 0.8) == pytest.approx(1 - 0.9 * 0.8, rel=1e-14)
    assert av.parallel_unavailability(0.9, 0.8) == pytest.approx(0.1 * 0.2, rel=1e-14)


def binomial_at_least(k: int, n: int, a: Fraction) -> Fraction:
    """P(at least k of n up), summed by hand in exact arithmetic."""
    return sum(math.comb(n, j) * a**j * (1 - a) ** (n - j) for j in range(k, n + 1))


@pytest.mark.parametrize(("k", "n", "a"), [(2, 3, "0.9"), (3, 5, "0.8"), (2, 4, "0.99"), (4, 7, "0.5")])
def test_k_of_n_is_a_binomial_sum(k, n, a):
    exact = binomial_at_least(k, n, Fraction(a))
    assert av.k_of_n(k, n, float(a)) == pytest.approx(float(exact), rel=1e-14)
    assert av.k_of_n_unavailability(k, n, float(a)) == pytest.approx(float(1 - exact), rel=1e-13)


def test_k_of_n_hand_values():
    assert av.k_of_n(2, 3, 0.9) == pytest.approx(3 * 0.9**2 * 0.1 + 0.9**3)  # 0.972
    assert av.k_of_n(3, 5, 0.8) == pytest.approx(0.94208)  # 10*.8^3*.2^2 + 5*.8^4*.2 + .8^5


@pytest.mark.parametrize("n", [1, 2, 3, 5])
@pytest.mark.parametrize("a", [0.5, 0.9, 0.999])
def test_k_of_n_special_cases(n, a):
    assert av.k_of_n(1, n, a) == pytest.approx(av.parallel(*[a] * n), rel=1e-14)
    assert av.k_of_n(n, n, a) == pytest.approx(av.serial(*[a] * n), rel=1e-14)
    assert av.k_of_n(0, n, a) == 1.0
    assert av.k_of_n_unavailability(1, n, a) == pytest.approx(av.parallel_unavailability(*[a] * n), rel=1e-13)


def test_from_mtbf():
    assert av.from_mtbf(999, 1) == 0.999
    assert av.from_mtbf(5, 0) == 1.0
    assert av.from_mtbf(timedelta(days=30), timedelta(hours=12)) == pytest.approx(720 / 732)
    assert av.from_mtbf(timedelta(hours=1), timedelta(hours=1)) == 0.5


def test_tier_is_a_k_of_n_group():
    assert av.Tier(3, 2, 0.9).unavailability == pytest.approx(1 - av.k_of_n(2, 3, 0.9), rel=1e-13)
    assert av.Tier(2, 1, 0.999999).unavailability == pytest.approx(1e-12, rel=1e-12)  # both down
    assert av.Tier(1, 1, Decimal("0.999")).unavailability == pytest.approx(0.001, rel=1e-15)


# The chapter's reference architecture: one LB at 99.9 %, app servers at 99 %, DB replicas at 99.9 %.
ARCHITECTURES = [  # (LBs, app servers, app servers needed, DB replicas)
    (1, 1, 1, 1), (1, 2, 1, 1), (1, 3, 1, 2), (2, 3, 1, 2), (2, 3, 2, 2), (3, 5, 4, 5),
]


@pytest.mark.parametrize(("lbs", "apps", "need", "dbs"), ARCHITECTURES)
def test_composite_system_is_k_of_n_tiers_in_series(lbs, apps, need, dbs):
    tiers = [av.Tier(lbs, 1, 0.999), av.Tier(apps, need, 0.99), av.Tier(dbs, 1, 0.999)]
    system = av.composite_system(tiers)
    assert system.tiers == tuple(tiers)
    groups = [(1, lbs, 0.999), (need, apps, 0.99), (1, dbs, 0.999)]
    for u, (k, n, a) in zip(system.tier_unavailability, groups):
        assert u == pytest.approx(av.k_of_n_unavailability(k, n, a), rel=1e-15)
    closed = av.serial(*(av.k_of_n(k, n, a) for k, n, a in groups))
    assert 1 - system.unavailability == pytest.approx(closed, rel=1e-13)
    exact = 1 - math.prod(binomial_at_least(k, n, Fraction(repr(a))) for k, n, a in groups)
    assert system.unavailability == pytest.approx(float(exact), rel=1e-12)
    assert system.nines == pytest.approx(-math.log10(float(exact)), rel=1e-12)
    assert system.downtime("year") == av.downtime(1 - Fraction(system.unavailability))


def test_composite_figures_the_chapter_shows():
    single = av.composite_system([av.Tier(1, 1, 0.999), av.Tier(1, 1, 0.99), av.Tier(1, 1, 0.999)])
    assert 1 - single.unavailability == pytest.approx(0.999 * 0.99 * 0.999, rel=1e-14)  # 98.80 %
    assert av.human_duration(single.downtime()) == "4.38 days"
    assert single.weakest == (1,)  # the one app server at 99 %
    spof = av.composite_system([av.Tier(1, 1, 0.999), av.Tier(3, 1, 0.99), av.Tier(2, 1, 0.999)])
    assert spof.weakest == (0,)  # the single load balancer caps the system near its 99.9 %
    assert av.human_duration(spof.downtime()) == "8.78 hours"


def test_weakest_tiers_include_ties_and_none_when_all_tie():
    assert av.weakest([0.001, 0.01, 0.01]) == (1, 2)
    assert av.weakest([0.01, 0.01 * (1 + 1e-12), 0.001]) == (0, 1)  # within 1e-9: a tie
    assert av.weakest([0.001, 0.001, 0.001]) == ()
    assert av.weakest([0.5]) == ()
    assert av.weakest([0, 0]) == ()
    system = av.composite_system([av.Tier(2, 1, 0.99), av.Tier(2, 1, 0.99)])
    assert system.weakest == ()


@given(st.lists(st.tuples(st.integers(1, 6), st.data(), st.floats(0, 1)), min_size=1, max_size=4))
def test_composite_system_properties(specs):
    tiers = []
    for count, data, a in specs:
        tiers.append(av.Tier(count, data.draw(st.integers(1, count)), a))
    system = av.composite_system(tiers)
    us = system.tier_unavailability
    assert max(us) - SLACK <= system.unavailability <= 1  # no chain beats its weakest link
    if system.weakest:
        assert all(us[i] >= max(us) * (1 - 1e-9) for i in system.weakest)
        assert len(system.weakest) < len(us)


def test_tier_messages_name_both_counts():
    with pytest.raises(ValueError, match=r"^App servers needed must be at most App servers \(2\), got 3$"):
        av.Tier(2, 3, 0.99, name="App servers")
    with pytest.raises(ValueError, match=r"^needed must be at most count \(2\), got 3$"):
        av.Tier(2, 3, 0.99)


def test_budget_burn():
    burn = av.budget_burn(0.99, 100, 0.0005)  # the widget's default: SLO 99 %, 100 req/s, 0.05 % failing
    assert burn.budget.requests == 100 * 30 * 86_400 == 259_200_000
    assert burn.budget.failed_requests == pytest.approx(2_592_000)
    assert burn.budget.downtime == timedelta(hours=7.2)  # 1 % of 30 days
    assert burn.burn_rate == pytest.approx(0.05) and burn.exhausted_after is None
    fast = av.budget_burn(0.999, 100, 0.004, window_days=30)  # 4x the allowed error rate
    assert fast.burn_rate == 4 and fast.exhausted_after == timedelta(days=7.5)
    assert av.budget_burn(0.999, 100, 0.001).exhausted_after is None  # exactly on budget lasts the window
    assert av.budget_burn(1, 1, 0.1).exhausted_after == timedelta(0)  # no budget at all


# --------------------------------------------------------------------------
# What the reader types
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "fraction"),
    [("99.95", Fraction(1999, 2000)), (" 99.95 % ", Fraction(1999, 2000)), ("100", 1), ("0", 0), ("1e1", Fraction(1, 10)),
     (0.05, Fraction(1, 2000)), (Decimal("99.9"), Fraction(999, 1000)), (100, 1)],
)
def test_parse_percent(value, fraction):
    assert av.parse_percent("SLO", value) == fraction


@pytest.mark.parametrize("text", ["", " ", "abc", "100.5", "-1", "nan", "inf", "1e999", "0.5.5", "%"])
def test_parse_percent_rejects_what_is_no_percentage(text):
    with pytest.raises(ValueError, match=rf"^SLO must be a percentage in \[0, 100\], got {text!r}$"):
        av.parse_percent("SLO", text)


def test_parse_percent_blank_is_none_when_optional():
    assert av.parse_percent("Added level", "  ", optional=True) is None
    assert av.parse_percent("Added level", "99.5", optional=True) == Fraction(199, 200)


@pytest.mark.parametrize(("text", "days"), [("30", 30), (" 30.4375 ", Fraction("30.4375")), ("", None), ("  ", None)])
def test_parse_days(text, days):
    assert av.parse_days("Days in a month", text) == days


def test_add_level_keeps_the_defaults_exact_and_sorted():
    assert av.add_level() == tuple(Fraction(repr(a)) for a in av.DEFAULT_LEVELS)
    assert av.add_level(Fraction(1999, 2000))[3] == Fraction(1999, 2000)  # between 99.9 % and 99.99 %
    assert av.add_level(0.999) == av.add_level()  # already there: listed once


def test_percent_text():
    assert [av.percent_text(a) for a in av.add_level()] == ["90%", "99%", "99.9%", "99.99%", "99.999%", "99.9999%"]
    assert av.percent_text(Fraction(1, 2000)) == "0.05%"


def test_error_budget():
    budget = av.error_budget(0.999, 1_000_000)  # 0.1 % of a million requests
    assert budget.failed_requests == 1000
    assert budget.downtime == timedelta(minutes=43.83)  # Julian month
    assert av.error_budget(0.999, 0, month_days=30).downtime == timedelta(minutes=43.2)
    assert av.error_budget(0.9999, 1e9, "year").failed_requests == 100_000
    assert av.burn_rate(0.002, 0.999) == 2.0
    assert av.burn_rate(0.001, 1) == math.inf
    assert av.burn_rate(0, 1) == 0.0


# --------------------------------------------------------------------------
# Exactness for many nines (reference: Fraction arithmetic on the decimals as written)
# --------------------------------------------------------------------------


def exact(a) -> Fraction:
    return Fraction(repr(a)) if isinstance(a, float) else Fraction(a)


def test_parallel_of_two_six_nines_is_exactly_1e_12():
    reference = (1 - Fraction("0.999999")) ** 2
    assert reference == Fraction(1, 10**12)
    assert abs(Fraction(av.parallel_unavailability(0.999999, 0.999999)) - reference) < Fraction(1, 10**24)
    # The naive 1 - parallel(...) would be off by ~1e-4 relative: 1 - 1e-12 has no room for it.
    assert abs(1 - av.parallel(0.999999, 0.999999) - 1e-12) > 1e-18


def test_serial_and_k_of_n_unavailability_for_many_nines():
    a = 0.9999999
    assert av.serial_unavailability(a, a, a) == pytest.approx(float(1 - exact(a) ** 3), rel=1e-15)
    reference = 1 - binomial_at_least(2, 3, exact(a))  # ~3e-14
    assert av.k_of_n_unavailability(2, 3, a) == pytest.approx(float(reference), rel=1e-14)


@pytest.mark.parametrize("a", [1 - 1e-12, Decimal("0.999999999999"), Fraction(999_999_999_999, 10**12)])
def test_downtime_of_twelve_nines(a):
    # 1e-12 * 365.25 d = 31.5576 microseconds; timedelta keeps whole microseconds.
    assert av.downtime(a) == timedelta(microseconds=32)
    assert av.downtime(a, "day") == timedelta(0)
    assert av.nines_table([a]).loc[0, "per day"] == "86.4 nanoseconds"  # the table is exact


many = st.lists(st.floats(0, 1), min_size=1, max_size=6)


@given(many)
def test_unavailabilities_match_exact_arithmetic(avails):
    us = [1 - exact(a) for a in avails]
    assert av.parallel_unavailability(*avails) == pytest.approx(float(math.prod(us)), rel=1e-14, abs=1e-300)
    series = 1 - math.prod(1 - u for u in us)
    assert av.serial_unavailability(*avails) == pytest.approx(float(series), rel=1e-13)


# --------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------

SLACK = 1e-15  # a few ulps near 1: the float results are rounded, the properties are exact


@given(many)
def test_serial_at_most_min_parallel_at_least_max(avails):
    s, p = av.serial(*avails), av.parallel(*avails)
    assert 0 <= s <= min(avails)
    assert max(avails) - SLACK <= p <= 1
    assert s + av.serial_unavailability(*avails) == pytest.approx(1, abs=SLACK)
    assert p + av.parallel_unavailability(*avails) == pytest.approx(1, abs=SLACK)


@given(st.integers(1, 12), st.floats(0, 1))
def test_k_of_n_decreases_with_k(n, a):
    values = [av.k_of_n(k, n, a) for k in range(n + 1)]
    assert all(0 <= v <= 1 for v in values)
    assert values == sorted(values, reverse=True)
    losses = [av.k_of_n_unavailability(k, n, a) for k in range(n + 1)]
    assert losses == sorted(losses) and losses[0] == 0


@given(st.integers(1, 12), st.data(), st.floats(0, 1), st.floats(0, 1))
def test_k_of_n_increases_with_availability(n, data, a, b):
    k = data.draw(st.integers(0, n))
    low, high = sorted((a, b))
    assert av.k_of_n(k, n, low) <= av.k_of_n(k, n, high) + SLACK


@given(st.floats(0, 1), st.floats(0, 1), st.sampled_from(av.PERIODS))
def test_downtime_never_grows_with_availability(a, b, period):
    low, high = sorted((a, b))
    assert av.downtime(high, period) <= av.downtime(low, period)
    assert timedelta(0) <= av.downtime(high, period) <= timedelta(days=av.PERIOD_DAYS[period])


# --------------------------------------------------------------------------
# Bad arguments
# --------------------------------------------------------------------------

NAN, INF = float("nan"), float("inf")
BAD = [
    ("availability", av.downtime, (1.2,), {}),
    ("availability", av.downtime, (-0.1,), {}),
    ("availability", av.downtime, (NAN,), {}),
    ("availability", av.downtime, (INF,), {}),
    ("availability", av.downtime, (True,), {}),
    ("availability", av.downtime, ("0.9",), {}),
    ("availability", av.downtime, (Decimal("NaN"),), {}),
    ("period", av.downtime, (0.9, "decade"), {}),
    ("period", av.downtime, (0.9, ["year"]), {}),
    ("year_days", av.downtime, (0.9,), {"year_days": 0}),
    ("year_days", av.downtime, (0.9,), {"year_days": NAN}),
    ("month_days", av.downtime, (0.9,), {"month_days": 200}),
    ("month_days", av.downtime, (0.9,), {"month_days": 0}),
    ("levels", av.nines_table, ([],), {}),
    ("levels", av.nines_table, ("0.9",), {}),
    ("levels", av.nines_table, ([0.9, 2],), {}),
    ("availability", av.number_of_nines, (2,), {}),
    ("duration", av.human_duration, (5,), {}),
    ("duration", av.human_duration, (timedelta(seconds=-1),), {}),
    ("availabilities", av.serial, (), {}),
    ("availabilities", av.serial, (0.9, 1.5), {}),
    ("availabilities", av.parallel, (NAN,), {}),
    ("availabilities", av.serial_unavailability, (-1,), {}),
    ("availabilities", av.parallel_unavailability, ("x",), {}),
    ("k", av.k_of_n, (3, 2, 0.9), {}),
    ("k", av.k_of_n, (-1, 2, 0.9), {}),
    ("k", av.k_of_n, (1.0, 2, 0.9), {}),
    ("n", av.k_of_n, (1, 0, 0.9), {}),
    ("n", av.k_of_n, (1, 2.5, 0.9), {}),
    ("n", av.k_of_n, (1, True, 0.9), {}),
    ("n", av.k_of_n_unavailability, (1, av.MAX_N + 1, 0.9), {}),
    ("availability", av.k_of_n, (1, 2, 1.1), {}),
    ("mtbf", av.from_mtbf, (0, 1), {}),
    ("mtbf", av.from_mtbf, (NAN, 1), {}),
    ("mtbf", av.from_mtbf, (timedelta(0), timedelta(hours=1)), {}),
    ("mttr", av.from_mtbf, (1, -1), {}),
    ("mttr", av.from_mtbf, (timedelta(days=1), 2), {}),
    ("slo", av.error_budget, (1.5, 100), {}),
    ("requests", av.error_budget, (0.9, -1), {}),
    ("requests", av.error_budget, (0.9, INF), {}),
    ("period", av.error_budget, (0.9, 10, "fortnight"), {}),
    ("error_rate", av.burn_rate, (2, 0.9), {}),
    ("slo", av.burn_rate, (0.1, -0.1), {}),
    ("count", av.Tier, (0, 1, 0.9), {}),
    ("count", av.Tier, (2.0, 1, 0.9), {}),
    ("needed", av.Tier, (2, 0, 0.9), {}),
    ("needed", av.Tier, (2, 3, 0.9), {}),
    ("count", av.Tier, (2, 3, 0.9), {}),
    ("node_availability", av.Tier, (2, 1, 1.5), {}),
    ("tiers", av.composite_system, ([],), {}),
    ("tiers", av.composite_system, ([(1, 1, 0.9)],), {}),
    ("tiers", av.composite_system, (None,), {}),
    ("unavailabilities", av.weakest, ([],), {}),
    ("unavailabilities", av.weakest, ([0.1, 2],), {}),
    ("levels", av.add_level, (None, []), {}),
    ("level", av.add_level, (1.5,), {}),
    ("SLO", av.parse_percent, ("SLO", "abc"), {}),
    ("Failing", av.parse_percent, ("Failing", 101.0), {}),
    ("Days in a month", av.parse_days, ("Days in a month", "x"), {}),
    ("Days in a month", av.parse_days, ("Days in a month", None), {}),
    ("fraction", av.percent_text, ("99",), {}),
    ("slo", av.budget_burn, (1.5, 100, 0.001), {}),
    ("requests_per_second", av.budget_burn, (0.99, -1, 0.001), {}),
    ("error_rate", av.budget_burn, (0.99, 100, 2), {}),
    ("window_days", av.budget_burn, (0.99, 100, 0.001, 0), {}),
]


@pytest.mark.parametrize(
    ("name", "function", "args", "kwargs"), BAD, ids=[f"{f.__name__}-{n}" for n, f, *_ in BAD]
)
def test_bad_arguments_raise_value_error_naming_them(name, function, args, kwargs):
    with pytest.raises(ValueError, match=name) as error:
        function(*args, **kwargs)
    assert "got" in str(error.value)


def test_message_names_the_range_and_the_value():
    with pytest.raises(ValueError, match=r"^availability must be a number in \[0, 1\], got 1.2$"):
        av.downtime(1.2)
    with pytest.raises(ValueError, match=r"^k must be an integer in \[0, 2\], got 3$"):
        av.k_of_n(3, 2, 0.9)
    with pytest.raises(ValueError, match="'year', 'quarter', 'month', 'week', 'day'"):
        av.downtime(0.9, "decade")


# --------------------------------------------------------------------------
# Views
# --------------------------------------------------------------------------

FACTORIES = ["nines", "composite", "error_budget_view"]
# A key figure of each default view (the first preset):
# nines: 99.9 % of a Julian year; composite: 99.9 % x 99 % x 99.9 % = 98.80 %, 4.38 days a year;
# error budget (SLO 99 %): 1 % of 100 req/s x 30 days = 2,592,000 requests, 1 % of 30 days = 7.2 hours.
DEFAULT_FIGURES = {
    "nines": ["8.77 hours", "43.8 minutes"],
    "composite": ["98.8%", "4.38 days", 'alt="Diagram', "weakest tier: app servers."],
    "error_budget_view": ["2,592,000", "7.2 hours", 'alt="Line chart'],
}
# Figures of other presets: the SRE book's calendar, a single load balancer capping the
# redundant tiers at its 99.9 %, and 0.1 % and 0.01 % of 30 days.
PRESET_FIGURES = {
    "nines": {
        "365-day year, 30-day month (SRE book table)": ["8.76 hours", "43.2 minutes"],
        "Leap year (366 days), month = year/12": ["8.78 hours"],
    },
    "composite": {
        "Redundant app and DB tiers, one LB (the SPOF)": ["nowrap'>99.9%</td>", "8.78 hours",
                                                          "weakest tier: load balancers."],
        "Redundant everything (two LBs)": ["weakest tier: none, all equal."],  # each tier 1e-6
        "Two of three app servers needed (capacity)": ["need 2 of 3 × 99%"],
    },
    "error_budget_view": {
        "SLO 99.9%": ["43.2 minutes", "259,200"],
        "SLO 99.99%": ["4.32 minutes", "25,920"],
    },
}


@pytest.fixture(params=FACTORIES)
def view(request):
    return getattr(av, request.param)()


def test_default_view_shows_its_key_figures(view, request):
    name = request.node.callspec.id
    assert view.error.value == ""
    for figure in DEFAULT_FIGURES[name]:
        assert figure in view.view.value


@pytest.mark.parametrize(
    ("factory", "preset"), [(f, p) for f, presets in PRESET_FIGURES.items() for p in presets]
)
def test_preset_shows_its_figures(factory, preset):
    widget = getattr(av, factory)()
    widget.principal.value = preset
    for figure in PRESET_FIGURES[factory][preset]:
        assert figure in widget.view.value, figure
    assert widget.error.value == ""


BAD_LIVE = {  # control, bad value, words in the model's message, good value, text then on show
    "nines": [
        ("level", "abc", "Added level must be a percentage in [0, 100]", "99.95", "99.95%"),
        ("month_days", "inf", "Days in a month must be a number of days or blank", "", "43.8 minutes"),
        ("year_days", 0.0, "year_days must be a number in (0, 1000]", 365.0, "8.76 hours"),
    ],
    "composite": [("need", 3, "App servers needed must be at most App servers (1), got 3", 1, "98.8%")],
    "error_budget_view": [("slo", "100.5", "SLO must be a percentage in [0, 100]", "99.5", "3.6 hours")],
}


def test_bad_live_value_shows_the_model_message_then_clears(view, request):
    for control, bad, words, good, shown in BAD_LIVE[request.node.callspec.id]:
        before = view.view.value
        view.controls[control].value = bad
        assert words in html.unescape(view.error.value) and "got" in view.error.value
        assert view.view.value == before  # the last good view stays
        view.controls[control].value = good
        assert view.error.value == ""
        assert shown in view.view.value
