"""Tests of the shared input checks (widgets._check) and of the one message pattern they give."""

from __future__ import annotations

import math
import re
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from widgets import _check, availability, caching, capacity, interview, sagas, supervisor, two_phase_commit
from widgets._check import choice, integer, number, range_text

#: "<name> must be <allowed>, got <value!r>", the pattern of every message.
PATTERN = re.compile(r"^(?P<name>\S+) must be (?P<allowed>.+), got (?P<value>.+)$")


def message(call, *args, **kwargs) -> str:
    with pytest.raises(ValueError) as error:
        call(*args, **kwargs)
    return str(error.value)


# --------------------------------------------------------------------------
# range_text
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "kwargs", "text"),
    [
        ((0, 1), {}, " in [0, 1]"),
        ((0, 1), {"open_low": True}, " in (0, 1]"),
        ((0, 1), {"open_high": True}, " in [0, 1)"),
        ((0, 1), {"open_low": True, "open_high": True}, " in (0, 1)"),
        ((0, 1e6), {}, " in [0, 1e6]"),
        ((1e-9, 0.5), {}, " in [1e-9, 0.5]"),
        ((1, 1_000_000), {}, " in [1, 1000000]"),
        ((0, Fraction(487, 4)), {}, " in [0, 121.75]"),
        ((0, math.inf), {}, " >= 0"),
        ((0, math.inf), {"open_low": True}, " > 0"),
        ((-math.inf, 5), {}, " <= 5"),
        ((-math.inf, 5), {"open_high": True}, " < 5"),
        ((-math.inf, math.inf), {}, ""),
    ],
)
def test_range_text(args, kwargs, text):
    assert range_text(*args, **kwargs) == text


# --------------------------------------------------------------------------
# integer
# --------------------------------------------------------------------------


@pytest.mark.parametrize("value", [1, 5, 10, np.int64(7), np.int8(1)])
def test_integer_accepts_integers_in_range_as_int(value):
    result = integer("n", value, 1, 10)
    assert result == value and type(result) is int


@pytest.mark.parametrize("value", [True, False, np.bool_(True), 2.0, 2.5, "2", None, Fraction(2), Decimal(2), [2]])
def test_integer_rejects_non_integers(value):
    assert message(integer, "n", value, 0, 10) == f"n must be an integer in [0, 10], got {value!r}"


@pytest.mark.parametrize(("value", "ok"), [(0, False), (1, True), (10, True), (11, False), (-10**400, False)])
def test_integer_bounds_are_inclusive(value, ok):
    if ok:
        assert integer("n", value, 1, 10) == value
    else:
        with pytest.raises(ValueError, match=r"^n must be an integer in \[1, 10\], got "):
            integer("n", value, 1, 10)


def test_integer_without_a_high_bound():
    assert integer("replicas", 10**400, 1) == 10**400
    assert message(integer, "replicas", 0, 1) == "replicas must be an integer >= 1, got 0"


# --------------------------------------------------------------------------
# number
# --------------------------------------------------------------------------


@pytest.mark.parametrize("value", [0, 1, 0.5, Fraction(1, 3), np.float64(0.25), np.int32(1)])
def test_number_accepts_reals_in_range_as_float(value):
    result = number("ratio", value, 0, 1)
    assert result == float(value) and type(result) is float


@pytest.mark.parametrize(
    "value", [True, False, np.bool_(False), math.nan, math.inf, -math.inf, "0.5", None, Decimal("0.5"), [0.5], 1j]
)
def test_number_rejects_bools_non_finite_and_non_numbers(value):
    assert message(number, "ratio", value, 0, 1) == f"ratio must be a number in [0, 1], got {value!r}"


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf, np.float64("nan"), True, 10**400])
def test_number_without_bounds_still_needs_a_finite_number(value):
    assert message(number, "x", value) == f"x must be a finite number, got {value!r}"


@pytest.mark.parametrize(
    ("kwargs", "low_ok", "high_ok", "brackets"),
    [
        ({}, True, True, "[]"),
        ({"open_low": True}, False, True, "(]"),
        ({"open_high": True}, True, False, "[)"),
        ({"open_low": True, "open_high": True}, False, False, "()"),
    ],
)
def test_number_bounds_inclusive_or_exclusive(kwargs, low_ok, high_ok, brackets):
    for value, ok in ((2, low_ok), (5, high_ok), (3.5, True), (1.999, False), (5.001, False)):
        if ok:
            assert number("t", value, 2, 5, **kwargs) == value
        else:
            text = message(number, "t", value, 2, 5, **kwargs)
            assert text == f"t must be a number in {brackets[0]}2, 5{brackets[1]}, got {value!r}"


def test_number_half_bounded_ranges():
    assert number("t", 0, 0) == 0.0
    assert message(number, "t", -1, 0) == "t must be a finite number >= 0, got -1"
    assert message(number, "t", 0, 0, open_low=True) == "t must be a finite number > 0, got 0"
    assert number("t", -1e300, high=0) == -1e300
    assert message(number, "t", 1, high=0) == "t must be a finite number <= 0, got 1"


def test_number_optional_accepts_none_and_says_so():
    assert number("qps", None, 0, optional=True) is None
    assert message(number, "qps", None, 0) == "qps must be a finite number >= 0, got None"
    assert message(number, "qps", 0, 0, open_low=True, optional=True) == "qps must be a finite number > 0 or None, got 0"


def test_number_what_names_the_kind_of_number():
    text = message(number, "hop_ms", -1, 0, 1e6, what="a number of milliseconds")
    assert text == "hop_ms must be a number of milliseconds in [0, 1e6], got -1"


def test_number_exact_reads_floats_as_their_decimals():
    assert number("a", 0.999999, 0, 1, exact=True) == Fraction(999999, 10**6)
    assert number("a", 0.1, 0, 1, exact=True) == Fraction(1, 10)  # not the binary 0.1000000000000000055...
    assert number("a", Decimal("0.95"), 0, 1, exact=True) == Fraction(19, 20)
    assert type(number("a", 1, 0, 1, exact=True)) is Fraction
    assert number("n", 10**400, 0, exact=True) == 10**400  # exact: no float needed


@pytest.mark.parametrize("value", [True, math.nan, math.inf, Decimal("NaN"), Decimal("Infinity"), "0.5", None])
def test_number_exact_rejects_what_number_rejects(value):
    assert message(number, "a", value, 0, 1, exact=True) == f"a must be a number in [0, 1], got {value!r}"


def test_number_exact_compares_the_decimal_not_the_binary_float():
    tenth = Fraction(1, 10)
    assert number("p", 0.1, 0, tenth, exact=True) == tenth  # the decimal 0.1 is the bound
    with pytest.raises(ValueError, match=r"^p must be a number in \[0, 0.1\], got 0.1$"):
        number("p", 0.1, 0, tenth)  # the binary float 0.1 is a hair above 1/10
    third = Fraction(1, 3)
    assert number("m", third, 0, third, exact=True) == third
    with pytest.raises(ValueError, match=r"^m must be a number in \[0, 0.333333\], got "):
        number("m", third + Fraction(1, 10**30), 0, third, exact=True)


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_number_property_accepts_every_finite_float_in_its_range(x):
    assert number("x", x) == x
    assert number("x", x, x, x) == x


# --------------------------------------------------------------------------
# choice
# --------------------------------------------------------------------------


def test_choice_returns_an_allowed_value():
    assert choice("mode", "slow", ("fast", "slow")) == "slow"
    assert choice("crash_at", None, (None, "after")) is None
    assert choice("policy", "lru", (p for p in ("lru", "fifo"))) == "lru"  # any iterable
    assert choice("policy", np.str_("lru"), ("lru",)) == "lru"  # a str subclass is a str


@pytest.mark.parametrize("value", ["dance", None, True, 1.0, "", ["fast"]])
def test_choice_rejects_other_values(value):
    assert message(choice, "mode", value, ("fast", 1)) == f"mode must be one of 'fast', 1, got {value!r}"


def test_choice_bool_and_int_are_different():
    assert choice("schema", 1, (1, 2)) == 1
    with pytest.raises(ValueError, match="schema must be one of 1, 2, got True"):
        choice("schema", True, (1, 2))
    with pytest.raises(ValueError, match="flag must be one of False, got 0"):
        choice("flag", 0, (False,))


# --------------------------------------------------------------------------
# Every model speaks through these checks
# --------------------------------------------------------------------------

_MODEL_ERRORS = [
    (lambda: capacity.estimate(-5, 10), "daily_active_users must be a finite number >= 0, got -5"),
    (lambda: capacity.estimate(1, 1, replication_factor=0), "replication_factor must be an integer >= 1, got 0"),
    (lambda: availability.downtime(1.2), "availability must be a number in [0, 1], got 1.2"),
    (lambda: availability.k_of_n(3, 2, 0.9), "k must be an integer in [0, 2], got 3"),
    (lambda: availability.downtime(0.9, "decade"),
     "period must be one of 'year', 'quarter', 'month', 'week', 'day', got 'decade'"),
    (lambda: availability.period_days(365, 200), "month_days must be a number in (0, 121.667] or None, got 200"),
    (lambda: two_phase_commit.two_phase_commit(0), "n_participants must be an integer in [1, 100], got 0"),
    (lambda: caching.zipf_keys(10, 5.0, 10), "alpha must be a number in [0, 4], got 5.0"),
    (lambda: caching.replay("mru", 10, [1]), "policy must be one of 'lru', 'lfu', 'fifo', 'random', 'lifo', got 'mru'"),
    (lambda: sagas.run_saga(mode="dance"), "mode must be one of 'orchestration', 'choreography', got 'dance'"),
    (lambda: sagas.cost(sagas.run_saga(), 2e6), "hop_latency_ms must be a number of milliseconds in [0, 1e6], got 2000000.0"),
    (lambda: interview.plan(10), "total_minutes must be an integer in [15, 180], got 10"),
    (lambda: interview.plan(45, (1, 1, math.nan, 1, 1)), "weights[2] must be a finite number > 0, got nan"),
    (lambda: supervisor.supervise(supervisor.demo_table(), now=-1, timeout=60),
     "now must be a finite number >= 0, got -1"),
    (lambda: supervisor.simulate_day(supervisor.SagaTable(), 10, 101),
     "stuck_percent must be a percentage in [0, 100], got 101"),
]


@pytest.mark.parametrize(("call", "text"), _MODEL_ERRORS, ids=[t.split()[0] for _, t in _MODEL_ERRORS])
def test_models_raise_the_shared_message(call, text):
    got = message(call)
    assert got == text
    assert PATTERN.match(got)
