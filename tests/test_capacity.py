"""Tests of the back-of-envelope calculator: model, formatting, presets and view."""

from __future__ import annotations

import math
import re
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from widgets import capacity
from widgets.capacity import PRESETS, calculator, estimate, human_bytes, human_count, load_curve, matching_preset
from widgets.capacity import views as capacity_views

DAY, HOUR = 86_400, 24

# ---------------------------------------------------------------- the outline's example


def test_outline_example_rates():
    e = estimate(1e9, 10)
    assert e.requests_per_day == pytest.approx(10e9, rel=1e-12)
    assert e.requests_per_hour == pytest.approx(10e9 / HOUR, rel=1e-12)
    assert e.average_qps == pytest.approx(10e9 / DAY, rel=1e-12)
    assert e.peak_qps == e.average_qps  # peak_factor defaults to 1
    assert (human_count(e.requests_per_day), human_count(e.requests_per_hour)) == ("10 B", "416.7 M")
    assert human_count(e.average_qps) == "115.7 k"
    assert round(e.requests_per_hour, -7) == 420e6  # the outline's rounded figure


def test_storage_is_writes_times_bytes_times_replicas_over_retention():
    e = estimate(1e6, 20, write_fraction=0.25, bytes_per_write=500, retention_days=30, replication_factor=3)
    writes = 1e6 * 20 * 0.25
    assert e.writes_per_day == pytest.approx(writes, rel=1e-12)
    assert e.storage_bytes_per_day == pytest.approx(writes * 500 * 3, rel=1e-12)
    assert e.storage_bytes_total == pytest.approx(writes * 500 * 3 * 30, rel=1e-12)


def test_peak_is_average_times_peak_factor():
    e = estimate(1e9, 10, peak_factor=2.5)
    assert e.peak_qps == pytest.approx(10e9 / DAY * 2.5, rel=1e-12)


def test_hosts_against_hand_computation():
    e = estimate(1e9, 10, peak_factor=2, per_host_qps=1000, target_utilization=0.5)
    by_hand = math.ceil(Fraction(10**10, DAY) * 2 / (1000 * Fraction(1, 2)))  # ceil(462.96...)
    assert e.hosts == by_hand == 463


def test_hosts_ignore_float_noise():
    # 864 million users × 10 = 100,000 req/s; × 1.1 = 110,000 at peak; 100/s per host at 80%:
    # exactly 1,375 hosts, but float arithmetic gives 1375.0000000000002.
    assert math.ceil(864e6 * 10 / DAY * 1.1 / (100 * 0.8)) == 1376  # the naive ceil is wrong here
    exact = math.ceil(Fraction(864 * 10**6 * 10, DAY) * Fraction("1.1") / (100 * Fraction("0.8")))
    e = estimate(864e6, 10, peak_factor=1.1, per_host_qps=100, target_utilization=0.8)
    assert e.hosts == exact == 1375


def test_hosts_round_noise_below_twelve_significant_digits_only():
    noisy = estimate(8_640_000.000000864, 1, per_host_qps=1)  # 100.00000000001 req/s
    assert noisy.peak_qps > 100
    assert noisy.hosts == 100
    real = estimate(8_640_086.4, 1, per_host_qps=1)  # 100.001 req/s: a real excess
    assert real.hosts == 101


def test_no_hosts_without_per_host_qps():
    assert estimate(1e9, 10).hosts is None


def test_zero_load_needs_zero_hosts():
    assert estimate(0, 10, per_host_qps=100).hosts == 0


def test_any_load_needs_a_host_even_when_the_division_underflows():
    e = estimate(1e-300, 1e-10, per_host_qps=1e10)
    assert 0 < e.peak_qps and e.peak_qps / 1e10 == 0
    assert e.hosts == 1


def test_overflow_is_a_value_error():
    with pytest.raises(ValueError, match="overflows"):
        estimate(1e300, 1e300)
    with pytest.raises(ValueError, match="overflows"):
        estimate(1e6, 1e3, per_host_qps=1e-320, target_utilization=1e-10)
    with pytest.raises(ValueError, match="overflows"):  # ints no float can hold
        estimate(1, 1, write_fraction=1, bytes_per_write=1, replication_factor=10**400)
    with pytest.raises(ValueError, match="overflows"):
        estimate(10**300, 10**300)


# ---------------------------------------------------------------- published figures


def test_twitter_2013_average_matches_published():
    # Krikorian, "New Tweets per second record, and how!", Twitter Engineering Blog,
    # 16 Aug 2013: 500 million Tweets a day, "an average of 5,700 Tweets per second".
    e = estimate(500e6, 1)
    assert e.average_qps == pytest.approx(500e6 / DAY, rel=1e-12)  # 5,787.04 /s
    assert e.average_qps == pytest.approx(5_700, rel=0.02)


def test_presets_reproduce_their_published_daily_totals():
    daily = {name: estimate(**p.values).requests_per_day for name, p in PRESETS.items()}
    search, twitter, whatsapp = PRESETS  # in this order; the first is the default
    assert daily[search] == pytest.approx(10e9, rel=1e-12)  # 1 billion users × 10 searches
    assert daily[twitter] == pytest.approx(500e6, rel=1e-12)  # Krikorian 2013
    assert daily[whatsapp] == pytest.approx(100e9, rel=1e-12)  # Facebook Q3 2020 call
    # Twitter's record second, 143,199 Tweets, was about 25× the average (same post).
    assert estimate(**PRESETS[twitter].values).peak_qps == pytest.approx(143_199, rel=0.02)


def test_presets_cite_a_source_and_set_every_parameter():
    parameters = set(_VALID)
    for preset in PRESETS.values():
        assert set(preset.values) == parameters
        assert preset.source and preset.note
        estimate(**preset.values)  # valid


# ---------------------------------------------------------------- properties

users = st.floats(0, 1e12)
shape = st.fixed_dictionaries(
    {
        "requests_per_user_per_day": st.floats(0, 1e5),
        "peak_factor": st.floats(1, 100),
        "write_fraction": st.floats(0, 1),
        "bytes_per_write": st.floats(0, 1e7),
        "retention_days": st.integers(0, 3650),
        "replication_factor": st.integers(1, 5),
        "per_host_qps": st.floats(1e-2, 1e7),
        "target_utilization": st.floats(1e-2, 1),
    }
)


@given(users, users, shape)
def test_monotone_in_users(a, b, kwargs):
    low, high = sorted((a, b))
    e_low, e_high = estimate(low, **kwargs), estimate(high, **kwargs)
    assert e_low.peak_qps <= e_high.peak_qps
    assert e_low.hosts <= e_high.hosts
    assert e_low.storage_bytes_total <= e_high.storage_bytes_total


@given(users, shape)
def test_linear_in_users(n, kwargs):
    one, two = estimate(n, **kwargs), estimate(2 * n, **kwargs)
    for field in ("requests_per_day", "requests_per_hour", "average_qps", "peak_qps",
                  "writes_per_day", "storage_bytes_per_day", "storage_bytes_total"):
        assert getattr(two, field) == pytest.approx(2 * getattr(one, field), rel=1e-12), field


@given(users, shape)
def test_hosts_are_the_fewest_that_carry_the_peak(n, kwargs):
    e = estimate(n, **kwargs)
    capacity_per_host = kwargs["per_host_qps"] * kwargs["target_utilization"]
    # Within the 12 significant digits the ceil keeps (float noise below that is ignored).
    assert e.hosts * capacity_per_host >= e.peak_qps * (1 - 1e-11)
    assert (e.hosts - 1) * capacity_per_host < e.peak_qps * (1 + 1e-11)


# ---------------------------------------------------------------- validation

_VALID = {
    "daily_active_users": 1e6,
    "requests_per_user_per_day": 10,
    "peak_factor": 2,
    "write_fraction": 0.1,
    "bytes_per_write": 100,
    "retention_days": 365,
    "replication_factor": 3,
    "per_host_qps": 1000,
    "target_utilization": 0.5,
}
_NOT_NUMBERS = [math.nan, math.inf, -math.inf, "10", True, [1]]
_OUT_OF_RANGE = {
    "daily_active_users": [-5, -1e-9],
    "requests_per_user_per_day": [-1],
    "peak_factor": [0.99, 0, -2],
    "write_fraction": [-0.1, 1.01],
    "bytes_per_write": [-1],
    "retention_days": [-1],
    "replication_factor": [0, -1, 2.5, 3.0],
    "per_host_qps": [0, -1],
    "target_utilization": [0, -0.5, 1.5],
}
_BAD = [
    pytest.param(name, value, id=f"{name}={value!r}")
    for name, values in _OUT_OF_RANGE.items()
    for value in values + _NOT_NUMBERS + ([] if name == "per_host_qps" else [None])
]


def test_estimate_accepts_the_valid_baseline():
    estimate(**_VALID)


@pytest.mark.parametrize(("name", "value"), _BAD)
def test_bad_parameter_raises_value_error_naming_it(name, value):
    with pytest.raises(ValueError) as raised:
        estimate(**{**_VALID, name: value})
    message = str(raised.value)
    assert message.startswith(f"{name} must be ")
    assert f"got {value}" in message or f"got {value!r}" in message


def test_error_message_names_parameter_value_and_range():
    with pytest.raises(ValueError) as raised:
        estimate(-5, 10)
    assert str(raised.value) == "daily_active_users must be a finite number >= 0, got -5"
    with pytest.raises(ValueError, match=r"target_utilization must be a number in \(0, 1\], got 0"):
        estimate(1, 1, target_utilization=0)
    with pytest.raises(ValueError, match=r"per_host_qps must be a finite number > 0 or None, got 0"):
        estimate(1, 1, per_host_qps=0)


@pytest.mark.parametrize("value", [0, 1e-9, 1, 1e10])
def test_range_edges_are_allowed(value):
    estimate(value, value, write_fraction=min(value, 1), per_host_qps=None, target_utilization=1)


# ---------------------------------------------------------------- formatting


@pytest.mark.parametrize(
    ("x", "text"),
    [
        (115740.74, "115.7 k"),
        (10e9, "10 B"),
        (416_666_666.7, "416.7 M"),
        (0, "0"),
        (999, "999"),
        (999.94, "999.9"),
        (999.95, "1 k"),  # rounds up into the next unit, not "1000.0"
        (999_950, "1 M"),
        (2500, "2.5 k"),
        (2e12, "2 T"),
        (1e15, "1000 T"),  # no unit beyond T
        (-1500, "-1.5 k"),
        (0.04, "0"),
    ],
)
def test_human_count(x, text):
    assert human_count(x) == text


@pytest.mark.parametrize(
    ("n", "binary", "text"),
    [
        (30e12, False, "30 TB"),
        (2**40, True, "1 TiB"),
        (0, False, "0 B"),
        (0, True, "0 B"),
        (999, False, "999 B"),
        (999.95, False, "1 kB"),
        (1000, False, "1 kB"),
        (1000, True, "1000 B"),  # below 1 KiB
        (1024, True, "1 KiB"),
        (1023.96, True, "1 KiB"),
        (2**40, False, f"{2**40 / 1e12:.1f} TB"),
        (30e12, True, f"{30e12 / 2**40:.1f} TiB"),
        (1e12, True, f"{1e12 / 2**30:.1f} GiB"),
        (5 * 2**50, True, "5 PiB"),
        (1e18, False, "1000 PB"),
    ],
)
def test_human_bytes(n, binary, text):
    assert human_bytes(n, binary=binary) == text


@pytest.mark.parametrize("bad", [math.nan, math.inf, "1", None])
def test_formatting_rejects_non_numbers(bad):
    with pytest.raises(ValueError, match="^x must be a finite number, got"):
        human_count(bad)
    with pytest.raises(ValueError, match="^n must be a finite number, got"):
        human_bytes(bad)


# ---------------------------------------------------------------- the chart's curve and the presets


def test_load_curve_is_estimate_at_each_user_count():
    shape = {k: v for k, v in _VALID.items() if k != "daily_active_users"}
    users = [0, 1e3, 8.64e6, 1e9]
    curve = load_curve(_VALID, users)  # its own daily_active_users is ignored
    assert curve.users == tuple(users)
    assert curve.peak_qps == tuple(estimate(u, **shape).peak_qps for u in users)
    assert curve.hosts == tuple(estimate(u, **shape).hosts for u in users)
    # 8.64 million users × 10 a day = 1,000 req/s average, 2,000 at peak; 1,000/s per host at 50 %: 4 hosts.
    assert curve.peak_qps[2] == pytest.approx(2_000, rel=1e-12) and curve.hosts[2] == 4
    assert curve.hosts[0] == 0


def test_load_curve_without_hosts_per_second_has_no_host_counts():
    curve = load_curve({"requests_per_user_per_day": 1}, [86_400, 2 * 86_400])
    assert curve.peak_qps == (1.0, 2.0) and curve.hosts == (None, None)


@given(st.lists(users, min_size=1, max_size=5), shape)
def test_load_curve_peak_is_linear_in_users(points, kwargs):
    curve = load_curve(kwargs, points)
    for u, peak in zip(points, curve.peak_qps):
        average = u * kwargs["requests_per_user_per_day"] / DAY
        assert peak == pytest.approx(average * kwargs["peak_factor"], rel=1e-12)


@pytest.mark.parametrize(
    ("values", "points", "message"),
    [
        (_VALID, [], "users must be a non-empty sequence"),
        (_VALID, None, "users must be a non-empty sequence"),
        (_VALID, [1, -5], "daily_active_users must be a finite number >= 0, got -5"),
        ({**_VALID, "peak_factor": 0.5}, [1], "peak_factor must be a finite number >= 1, got 0.5"),
        ({**_VALID, "colour": 1}, [1], "values must name only parameters of estimate, got colour"),
        ([("peak_factor", 2)], [1], "values must be a mapping"),
    ],
)
def test_load_curve_bad_input_names_it(values, points, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        load_curve(values, points)


def test_matching_preset_finds_each_preset_and_only_it():
    for preset in PRESETS.values():
        assert matching_preset(preset.values) is preset
        assert matching_preset({**preset.values, "peak_factor": preset.values["peak_factor"] + 0.1}) is None
    assert matching_preset({}) is None
    assert matching_preset({**_VALID, "peak_factor": "2"}) is None


# ---------------------------------------------------------------- view


@pytest.fixture(scope="module")
def view():
    return calculator()


def test_default_view_shows_the_outline_example(view):
    assert view.principal.value == next(iter(PRESETS))
    assert "10 B req/day" in view.view.value
    assert "115.7 k req/s" in view.view.value
    assert "30 TB/day" in view.view.value  # decimal storage
    assert f"{30e12 / 2**40:.1f} TiB/day" in view.view.value  # binary storage, labelled
    assert "decimal (SI)" in view.view.value and "binary (IEC)" in view.view.value
    assert "<img" in view.view.value and 'alt="Log-log chart' in view.view.value


def test_switching_preset_changes_the_view(view):
    first, second = list(PRESETS)[:2]
    before = view.view.value
    view.principal.value = second
    try:
        assert view.view.value != before
        assert "500 M req/day" in view.view.value
        assert view.values == PRESETS[second].values  # no control clamped the preset
    finally:
        view.principal.value = first


@pytest.mark.parametrize("name", list(PRESETS))
def test_every_preset_fits_its_controls_and_shows_its_source(name):
    view = calculator()
    view.principal.value = name
    assert view.values == PRESETS[name].values
    assert "Source:" in view.view.value
    assert not view.error.value


def test_changed_values_drop_the_source(view):
    view.controls["peak_factor"].value = 7.3
    try:
        assert "Source:" not in view.view.value
    finally:
        view.principal.value = list(PRESETS)[1]
        view.principal.value = list(PRESETS)[0]


def test_bad_bytes_per_write_shows_the_model_message(view):
    good = view.controls["bytes_per_write"].value
    view.controls["bytes_per_write"].value = -1  # no exception escapes
    assert "bytes_per_write" in view.error.value
    assert "got -1" in view.error.value
    view.controls["bytes_per_write"].value = good
    assert view.error.value == ""


def test_render_survives_zero_load(view):
    html = view.render({**view.values, "requests_per_user_per_day": 0})
    assert "0 req/s" in html


def test_chart_reuses_one_figure_and_its_artists():
    chart = capacity_views._LoadChart()
    values = PRESETS[next(iter(PRESETS))].values
    lines = list(chart.axes.lines)
    curve = load_curve(values, capacity_views._USERS)
    first = chart.html(curve, values["daily_active_users"], estimate(**values))
    second = chart.html(curve, 1e4, estimate(**{**values, "daily_active_users": 1e4}))
    assert list(chart.axes.lines) == lines and len(chart.figure.axes) == 1
    assert first != second
    assert list(chart.peak_here.get_xdata()) == [1e4]


def test_hosts_exercise_of_chapter_2() -> None:
    """The call chapter 2's exercise ex-02-hosts gives the reader matches its worked solution: 80 000 / 900 -> 89."""
    e = capacity.estimate(20_000 * 86_400, 1, peak_factor=4, per_host_qps=1_500, target_utilization=0.6)
    assert e.peak_qps == 80_000 and e.hosts == math.ceil(80_000 / (1_500 * 0.6)) == 89
