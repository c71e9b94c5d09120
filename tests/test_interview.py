"""Tests of the interview time planner: whole minutes that add up, proportional shares, bad input, the view."""

from __future__ import annotations

import html
import math
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from widgets import interview
from widgets.interview import CHECKLISTS, DEFAULT_WEIGHTS, PHASES, plan, planner

totals = st.integers(min_value=interview.MIN_MINUTES, max_value=interview.MAX_MINUTES)
weight = st.one_of(
    st.integers(min_value=1, max_value=10**6),
    st.floats(min_value=1e-6, max_value=1e6, allow_nan=False, allow_infinity=False),
)
weight_lists = st.lists(weight, min_size=len(PHASES), max_size=len(PHASES))


def test_default_45_minutes_are_the_weights():
    assert [p.minutes for p in plan(45)] == list(DEFAULT_WEIGHTS)
    assert sum(DEFAULT_WEIGHTS) == 45


def test_60_minutes_by_hand():
    # exact shares 13.33, 6.67, 10.67, 22.67, 6.67: floors sum to 57; the three largest
    # fractions (0.67, ties broken by order) go to the API, the data model and the deep dive
    assert [p.minutes for p in plan(60)] == [13, 7, 11, 23, 6]


def test_phases_follow_each_other_in_order():
    phases = plan(90, (1, 2, 3, 4, 5))
    assert [p.name for p in phases] == list(PHASES)
    assert phases[0].start == 0
    assert all(a.end == b.start for a, b in zip(phases, phases[1:]))
    assert phases[-1].end == 90


def test_every_phase_has_a_checklist():
    assert set(CHECKLISTS) == set(PHASES)
    for phase in plan(45):
        assert phase.checklist == CHECKLISTS[phase.name] and len(phase.checklist) >= 3


@given(totals, weight_lists)
def test_minutes_sum_exactly_to_the_total(total, weights):
    phases = plan(total, weights)
    assert sum(p.minutes for p in phases) == total
    assert all(isinstance(p.minutes, int) and p.minutes >= 0 for p in phases)


@given(totals, weight_lists)
def test_each_phase_within_one_minute_of_its_exact_share(total, weights):
    exact = [Fraction(w) for w in weights]
    for phase, w in zip(plan(total, weights), exact):
        share = total * w / sum(exact)
        assert math.floor(share) <= phase.minutes <= math.ceil(share)
        assert abs(phase.minutes - share) < 1


@given(totals, st.integers(min_value=1, max_value=1000))
def test_equal_weights_split_evenly(total, w):
    minutes = [p.minutes for p in plan(total, [w] * len(PHASES))]
    assert max(minutes) - min(minutes) <= 1


@given(totals, weight_lists, st.integers(min_value=2, max_value=50))
def test_scaling_the_weights_changes_nothing(total, weights, k):
    scaled = [w * k for w in weights]
    assert [p.minutes for p in plan(total, weights)] == [p.minutes for p in plan(total, scaled)]


@pytest.mark.parametrize("bad", [14, 181, 0, -45, 45.0, 60.5, True, "45", None, math.nan, 10**30])
def test_bad_total_is_a_value_error_naming_it(bad):
    with pytest.raises(ValueError, match="total_minutes"):
        plan(bad)


@pytest.mark.parametrize(
    "bad",
    [
        (10, 5, 8, 17),  # too short
        (10, 5, 8, 17, 5, 1),  # too long
        (10, 5, 0, 17, 5),  # zero
        (10, -5, 8, 17, 5),  # negative
        (10, 5, math.nan, 17, 5),
        (10, 5, math.inf, 17, 5),
        (10, 5, "8", 17, 5),
        (10, 5, True, 17, 5),
        (10, 5, 10**400, 17, 5),
        "abcde",
        None,
        45,
    ],
)
def test_bad_weights_are_a_value_error_naming_them(bad):
    with pytest.raises(ValueError, match="weights"):
        plan(45, bad)


# ---------------------------------------------------------------- view


def test_the_view_builds_with_the_presets():
    widget = planner()
    assert list(widget.presets) == ["45 minutes", "60 minutes"]
    assert widget.principal.description == "Interview length"
    assert widget.principal.value == "45 minutes"
    assert 'alt="Timeline of a 45-minute interview' in widget.view.value
    assert "Clarify requirements</b>: 10 min" in widget.view.value


def test_switching_preset_changes_the_view():
    widget = planner()
    first = widget.view.value
    widget.principal.value = "60 minutes"
    assert widget.controls["total_minutes"].value == 60
    assert widget.view.value != first
    assert 'alt="Timeline of a 60-minute interview' in widget.view.value
    assert [child.value for child in widget.stack.children][0] == first


def test_a_weight_slider_redraws_the_view():
    widget = planner()
    before = widget.view.value
    widget.controls["weight_3"].value = 30  # a longer deep dive
    assert widget.view.value != before
    assert widget.error.value == ""


def test_a_preset_sets_the_length_and_the_course_weights():
    widget = planner()
    widget.controls["weight_3"].value = 30
    widget.principal.value = "60 minutes"
    assert widget.values == {"total_minutes": 60, **{f"weight_{i}": w for i, w in enumerate(DEFAULT_WEIGHTS)}}
    assert "Deep-dive topics</b>: 23 min" in widget.view.value  # plan(60) with the course's weights


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("weight_0", 0, "weights[0] must be a finite number > 0, got 0"),
        ("weight_2", -3, "weights[2] must be a finite number > 0, got -3"),
        ("total_minutes", 5, "total_minutes must be an integer in [15, 180], got 5"),
        ("total_minutes", 200, "total_minutes must be an integer in [15, 180], got 200"),
    ],
)
def test_bad_values_show_the_model_message_on_the_error_line(name, value, message):
    """The sliders keep values in range; widen one, as a hand-set value would, and the model's message shows."""
    widget = planner()
    good = widget.view.value
    control = widget.controls[name]
    control.min, control.max = min(control.min, value), max(control.max, value)
    control.value = value  # the callback must catch the model's ValueError
    assert message in html.unescape(widget.error.value)
    assert widget.view.value == good  # the last good view stays
    control.value = 45 if name == "total_minutes" else 3
    assert widget.error.value == ""
