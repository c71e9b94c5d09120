"""Tests of widgets.monitoring: burn-rate arithmetic against the SRE Workbook's table, detection-time closed
forms for a step incident, pandas rolling windows as an independent oracle, the latency model's M/M/1 p99,
chapter 3's error budget, and the clean day's alarms.

References for what is checked here:
* Beyer, Murphy, Rensin, Kawahara and Thorne (eds., 2018), "The Site Reliability Workbook", O'Reilly,
  chapter 5 "Alerting on SLOs" (Steven Thurgood et al.), table 5-8 "Recommended parameters for a 99.9% SLO
  alerting configuration": page at 14.4x burn over 1 hour and 5 minutes (2% of the budget consumed), page
  at 6x over 6 hours and 30 minutes (5%), ticket at 1x over 3 days and 6 hours (10%); the short window a
  twelfth of the long one; and the detection time of a burn-rate alert, ((1 - SLO) / error ratio) x
  alerting window x burn rate (section "Alert on burn rate").
* Beyer, Jones, Petoff and Murphy (eds., 2016), "Site Reliability Engineering", O'Reilly, chapter 6: the
  four golden signals (latency, traffic, errors, saturation).
* Kleinrock (1975), "Queueing Systems, Volume 1", section 3.2: the M/M/1 response time is exponential
  with rate mu - lambda, so P(R > t) = exp(-(mu - lambda) t) and its p99 is ln(100) / (mu - lambda).
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from widgets import availability, latency
from widgets.monitoring import model

PAGE_FAST, PAGE_SLOW, TICKET = model.WORKBOOK_RULES
N = 10_000  # requests a minute in the synthetic step incidents


# --------------------------------------------------------------------------
# Burn-rate arithmetic: the Workbook's table 5-8
# --------------------------------------------------------------------------


def test_the_rules_are_the_workbooks_table_5_8():
    """SRE Workbook, ch. 5, table 5-8: (long window, short window, burn rate, severity) and the budget consumed
    when each can first fire: 2%, 5% and 10% of a 30-day budget."""
    published = [(60, 5, 14.4, "page", 0.02), (360, 30, 6.0, "page", 0.05), (3 * 24 * 60, 6 * 60, 1.0, "ticket", 0.10)]
    for rule, (long_min, short_min, burn, severity, consumed) in zip(model.WORKBOOK_RULES, published):
        assert (rule.long_min, rule.short_min, rule.burn_rate, rule.severity) == (long_min, short_min, burn, severity)
        assert rule.short_min * 12 == rule.long_min  # "a good guideline is 1/12 the duration of the long window"
        assert model.budget_share(rule) == pytest.approx(consumed, rel=1e-12)


@pytest.mark.parametrize("rule", model.WORKBOOK_RULES, ids=lambda r: r.name)
def test_budget_share_agrees_with_chapter_3s_budget_burn(rule):
    """At the rule's burn rate, chapter 3's ``budget_burn`` empties a 30-day budget in 30 days / burn rate; the
    rule's long window is then the table's share of it."""
    slo = 0.999
    burn = availability.budget_burn(slo, 100, rule.burn_rate * 0.001, 30)
    assert burn.burn_rate == pytest.approx(rule.burn_rate, rel=1e-12)
    lasts_days = 30 if burn.exhausted_after is None else burn.exhausted_after.total_seconds() / 86_400
    assert rule.long_min / (lasts_days * 1_440) == pytest.approx(model.budget_share(rule), rel=1e-9)


# --------------------------------------------------------------------------
# Detection time of a step incident: closed forms
# --------------------------------------------------------------------------


def _step(errors_per_min: int, *, baseline: int = 0, before: int, after: int) -> tuple[np.ndarray, np.ndarray]:
    """Constant traffic of N requests a minute; ``baseline`` failures a minute, then ``errors_per_min`` from
    minute ``before`` on."""
    requests = np.full(before + after, N)
    errors = np.concatenate([np.full(before, baseline), np.full(after, errors_per_min)])
    return requests, errors


def _first(firing: np.ndarray) -> int | None:
    hits = np.flatnonzero(firing)
    return int(hits[0]) if len(hits) else None


def _crossing(limit: Fraction, window: int, baseline: int, errors: int) -> Fraction:
    """Minutes k of the step after which the window's ratio (b (W - k) + x k) / (W N) reaches the limit."""
    return (limit * N - baseline) * window / (errors - baseline)


@given(rule=st.sampled_from(model.WORKBOOK_RULES + (model.BurnRateRule("r", "page", 20, 4, 3.0),)),
       errors=st.integers(1, N), baseline=st.integers(0, 5))
def test_burn_rate_detection_time_closed_form(rule, errors, baseline):
    """Constant traffic, ``baseline`` failures a minute, then a step to ``errors`` failures a minute at minute s.
    After k minutes of it the long window's ratio is (b (W - k) + x k) / (W N): the rule first holds after
    k* = floor((θ N - b) W / (x - b)) + 1 minutes, θ = burn rate × (1 - SLO), if x / N > θ (the short window,
    a twelfth as long, crosses first); never otherwise."""
    limit = Fraction(rule.burn_rate * 0.001)  # the model's float limit, exactly
    requests, failures = _step(errors, baseline=baseline, before=rule.long_min, after=rule.long_min + 5)
    first = _first(model.burn_rate_firing(requests, failures, rule))
    if Fraction(errors, N) <= limit:
        assert first is None
        return
    crossing = _crossing(limit, rule.long_min, baseline, errors)
    assume(abs(crossing - round(crossing)) > Fraction(1, 10**6))  # no exact tie between ratio and limit
    assert first - rule.long_min + 1 == math.floor(crossing) + 1


@pytest.mark.parametrize("rule", model.WORKBOOK_RULES, ids=lambda r: r.name)
@pytest.mark.parametrize("error_ratio", [1.0, 0.5, 0.1, 0.05])
def test_detection_time_follows_the_workbooks_formula(rule, error_ratio):
    """SRE Workbook, ch. 5: detection time = ((1 - SLO) / error ratio) × alerting window × burn rate, for a
    step from no errors; the simulation's whole minutes round it up (it fires at the end of a minute)."""
    requests, failures = _step(round(error_ratio * N), before=rule.long_min, after=rule.long_min)
    fired = _first(model.burn_rate_firing(requests, failures, rule)) + 1  # the end of its minute
    formula = (1 - 0.999) / error_ratio * rule.long_min * rule.burn_rate
    assert formula <= fired - rule.long_min < formula + 1


@given(threshold=st.integers(1, 999), excess=st.integers(1, 500), for_min=st.integers(1, 30),
       before=st.integers(0, 40))
def test_static_threshold_fires_after_for_min_minutes(threshold, excess, for_min, before):
    """A step strictly above the threshold makes the one-minute ratio exceed it at once: the rule fires at the
    end of the step's ``for_min``-th minute. A step at the threshold exactly never fires (strictly above)."""
    x = threshold / 1_000
    requests, failures = _step(threshold * 10 + excess, before=before, after=for_min + 5)
    assert _first(model.static_firing(requests, failures, x, for_min)) + 1 - before == for_min
    requests, failures = _step(threshold * 10, before=before, after=for_min + 5)
    assert _first(model.static_firing(requests, failures, x, for_min)) is None


@given(errors=st.lists(st.integers(0, 100), min_size=1, max_size=200), short=st.integers(1, 30),
       factor=st.integers(1, 12), burn=st.floats(0.1, 1_000))
def test_multiwindow_fires_only_when_both_windows_do(errors, short, factor, burn):
    """The multiwindow rule is the AND of its two single-window rules; every ratio lies in [0, 1]."""
    requests = np.full(len(errors), 100)
    rule = model.BurnRateRule("r", "page", short * factor, short, burn)
    both = model.burn_rate_firing(requests, errors, rule)
    for window in (rule.long_min, rule.short_min):
        ratio = model.window_error_ratio(requests, errors, window)
        assert np.all((ratio >= 0) & (ratio <= 1))
        assert not np.any(both & ~(ratio > burn * 0.001))


def test_episodes_against_a_loop():
    firing = np.random.default_rng(3).random(500) < 0.3
    expected, start = [], None
    for i, on in enumerate([*firing, False]):
        if on and start is None:
            start = i
        elif not on and start is not None:
            expected.append((start, i))
            start = None
    assert model.episodes(firing) == expected


# --------------------------------------------------------------------------
# pandas rolling windows: an independent oracle on the simulated counts
# --------------------------------------------------------------------------


def _pandas_ratio(requests: np.ndarray, errors: np.ndarray, window: int) -> np.ndarray:
    sent = pd.Series(requests).rolling(window, min_periods=1).sum()
    failed = pd.Series(errors).rolling(window, min_periods=1).sum()
    return (failed / sent).to_numpy()


DAYS = [("errors", 14.0, 30, 50.0, 1), ("errors", 8.0, 600, 0.8, 2), ("capacity", 13.0, 120, 45.0, 3),
        ("latency", 12.0, 180, 70.0, 4), ("none", 12.0, 60, 10.0, 5)]


@pytest.mark.parametrize("kind, start_h, duration_min, size_pct, seed", DAYS)
def test_window_ratios_and_firing_match_pandas_exactly(kind, start_h, duration_min, size_pct, seed):
    """Every window of every rule, over the whole four simulated days, recomputed with pandas' rolling sums:
    equal to the last bit; and so the alerts, recomputed from them."""
    day = model.simulate_day(kind, start_h, duration_min, size_pct, seed=seed)
    n, x = day.requests, day.errors
    for window in (1, 5, 30, 60, 360, 4_320):
        assert np.array_equal(model.window_error_ratio(n, x, window), _pandas_ratio(n, x, window))
    for rule in model.WORKBOOK_RULES:
        limit = rule.burn_rate * 0.001
        expected = (_pandas_ratio(n, x, rule.long_min) > limit) & (_pandas_ratio(n, x, rule.short_min) > limit)
        assert np.array_equal(model.burn_rate_firing(n, x, rule), expected)
    above = pd.Series(_pandas_ratio(n, x, 1) > 0.005).astype(int)
    assert np.array_equal(model.static_firing(n, x, 0.005, 3), (above.rolling(3).min() == 1).to_numpy())


# --------------------------------------------------------------------------
# The service: queueing closed forms and the latency model
# --------------------------------------------------------------------------


@pytest.mark.parametrize("arrival_rps", [0.0, 5.0, 25.0, 45.0, 49.9])
def test_p99_is_the_latency_models_mm1_percentile(arrival_rps):
    """The vectorised p99 against ``latency.response_time_quantile`` for one server (μ = 50/s: 20 ms)."""
    expected_ms = 1_000 * latency.response_time_quantile(arrival_rps, 50.0, 1, 0.99)
    assert float(model.mm1_p99_ms(arrival_rps, 20.0)) == pytest.approx(expected_ms, rel=1e-9)
    assert float(model.mm1_slower_than(arrival_rps, 20.0, expected_ms)) == pytest.approx(0.01, rel=1e-6)


@given(rps=st.floats(1, 2_000), servers=st.floats(0.5, 16), service_ms=st.floats(1, 100),
       base=st.floats(0, 0.5))
def test_signals_closed_forms(rps, servers, service_ms, base):
    """Utilisation = λ / (c μ); above 95% the excess is shed, so 1 - error = (1 - base) × min(1, 0.95 / ρ) ×
    (1 - e^{-(μ - λ_s) T}) with λ_s each serving server's arrival rate, and p99 = min(T, ln 100 / (μ - λ_s))."""
    s = model.signals([rps * 60], servers=servers, service_ms=service_ms, error_ratio=base)
    mu = 1_000 / service_ms
    rho = rps / (servers * mu)
    busy = min(rho, 0.95)
    served = min(1.0, 0.95 / rho)
    gap = mu * (1 - busy)
    assert s.utilisation[0] == pytest.approx(rho, rel=1e-12)
    assert 1 - s.error_ratio[0] == pytest.approx((1 - base) * served * (1 - math.exp(-gap)), rel=1e-9, abs=1e-15)
    assert s.p99_ms[0] == pytest.approx(min(1_000.0, 1_000 * math.log(100) / gap), rel=1e-9)


def test_the_daily_cycle_and_the_lost_servers():
    assert model.daily_rps([15 * 60, 3 * 60, -21 * 60]).tolist() == [200.0, 40.0, 40.0]
    everything_lost = model.signals([6_000.0], servers=0.0, service_ms=20.0, error_ratio=0.0)
    assert everything_lost.error_ratio[0] == 1.0 and everything_lost.utilisation[0] == math.inf


# --------------------------------------------------------------------------
# One day: determinism, the incident, the budget of chapter 3
# --------------------------------------------------------------------------


def test_same_inputs_same_day_and_the_incident_changes_only_its_minutes():
    first = model.simulate_day("capacity", 13.0, 120, 45.0, seed=7)
    again = model.simulate_day("capacity", 13.0, 120, 45.0, seed=7)
    clean = model.simulate_day("none", 13.0, 120, 45.0, seed=7)
    other = model.simulate_day("capacity", 13.0, 120, 45.0, seed=8)
    assert np.array_equal(first.errors, again.errors) and np.array_equal(first.p99_ms, again.p99_ms)
    assert not np.array_equal(first.requests, other.requests)
    assert np.array_equal(first.requests, clean.requests)
    inside = np.zeros(len(first.errors), dtype=bool)
    inside[model.HISTORY_MIN + 13 * 60: model.HISTORY_MIN + 15 * 60] = True
    assert np.array_equal(first.errors[~inside], clean.errors[~inside])
    assert (first.errors[inside] > clean.errors[inside]).mean() > 0.9
    assert np.array_equal(first.clean_error_ratio, clean.error_ratio)


def test_the_incident_is_cut_at_midnight():
    day = model.simulate_day("errors", 23.5, 120, 5.0, seed=1)
    assert (day.start, day.end) == (23 * 60 + 30, 1_440)


def test_an_error_incident_spends_its_size_of_the_budget():
    """Below saturation, extra errors of size s add s × the incident's requests; the budget is chapter 3's
    ``error_budget`` for a 30-day month of days like this one: 0.1% of 30 × the day's requests."""
    day = model.simulate_day("errors", 9.0, 90, 2.0, seed=11)
    comparison = model.compare(day)
    incident_requests = day.day_requests[9 * 60: 10 * 60 + 30].sum()
    assert comparison.incident_failures == pytest.approx(0.02 * incident_requests, rel=1e-6)
    assert comparison.budget_requests == pytest.approx(0.001 * 30 * day.day_requests.sum(), rel=1e-12)
    assert comparison.incident_budget == pytest.approx(0.02 * incident_requests / comparison.budget_requests)


def test_the_budget_spent_by_detection_is_the_incidents_failures_until_then():
    day = model.simulate_day("errors", 14.0, 30, 50.0, seed=1)
    comparison = model.compare(day)
    excess = day.day_requests * (day.error_ratio - day.clean_error_ratio)
    for rule in comparison.rules:
        spent = excess[day.start: day.start + rule.detect_min].sum() / comparison.budget_requests
        assert rule.budget_at_detection == pytest.approx(spent, rel=1e-12)


# --------------------------------------------------------------------------
# The lessons the presets teach, on the model
# --------------------------------------------------------------------------


def test_a_big_outage_pages_on_both_and_burn_rate_first():
    comparison = model.compare(model.simulate_day("errors", 14.0, 30, 50.0, seed=1), 1.0, 5)
    static, fast, slow, ticket = comparison.rules
    assert all(r.detect_min is not None and r.false_alarms == 0 for r in comparison.rules)
    assert static.detect_min == 5 and fast.detect_min < static.detect_min


@pytest.mark.parametrize("seed", range(5))
def test_a_slow_burn_escapes_the_threshold_not_the_6x_rule(seed):
    comparison = model.compare(model.simulate_day("errors", 8.0, 600, 0.8, seed=seed), 1.0, 5)
    static, fast, slow, ticket = comparison.rules
    assert static.alerts == () and fast.alerts == ()
    assert slow.detect_min is not None and ticket.detect_min is not None


@pytest.mark.parametrize("seed", range(20))
def test_a_clean_day_never_burns_and_the_tight_threshold_pages_only_on_blips(seed):
    """With 0.03% random failures and a few 1-3 minute blips at 1-5% a day, no burn-rate rule fires; the
    static rule at 0.5% for 1 minute fires, and only inside blips; at 10% it never fires."""
    day = model.simulate_day("none", seed=seed)
    tight = model.compare(day, 0.5, 1)
    assert all(r.alerts == () for r in tight.rules[1:])
    blip_minutes = {m for first, length in day.blips for m in range(first, first + length)}
    assert all(first in blip_minutes for first, _ in tight.rules[0].alerts)
    assert tight.rules[0].false_alarms == len(tight.rules[0].alerts) <= len(day.blips)
    assert model.compare(day, 10.0, 1).rules[0].alerts == ()


def test_tight_thresholds_do_page_for_nothing():
    alarms = [model.compare(model.simulate_day("none", seed=seed), 0.5, 1).rules[0].false_alarms
              for seed in range(20)]
    assert sum(alarms) >= 20 and sum(a > 0 for a in alarms) >= 15


# --------------------------------------------------------------------------
# Bad input
# --------------------------------------------------------------------------

_N, _X = [100, 100], [1, 2]


@pytest.mark.parametrize("call, message", [
    (lambda: model.simulate_day("meteor"), "kind must be one of"),
    (lambda: model.simulate_day("errors", 24.0), "start_h must be a number in [0, 24)"),
    (lambda: model.simulate_day("errors", 1.0, 0), "duration_min must be an integer in [1, 1440]"),
    (lambda: model.simulate_day("errors", 1.0, 10, -1.0), "size_pct must be a number in (0, 100], got -1.0"),
    (lambda: model.simulate_day("capacity", 1.0, 10, 101.0), "size_pct must be a number in (0, 100]"),
    (lambda: model.simulate_day("latency", 1.0, 10, 1_001.0), "size_pct must be a number in (0, 1000]"),
    (lambda: model.simulate_day("none", size_pct=math.nan), "size_pct must be"),
    (lambda: model.simulate_day(seed=-1), "seed must be an integer"),
    (lambda: model.simulate_day(service="fast"), "service must be a Service"),
    (lambda: model.Service(servers=0), "servers must be an integer in [1, 10000]"),
    (lambda: model.Service(max_utilisation=1.0), "max_utilisation must be a number in (0, 1)"),
    (lambda: model.window_error_ratio(_N, _X, 0), "window_min must be an integer"),
    (lambda: model.window_error_ratio(_N, [1], 5), "errors must be a non-empty 1-d array as long as requests"),
    (lambda: model.window_error_ratio([100, -1], _X, 5), "requests must be finite counts >= 0"),
    (lambda: model.window_error_ratio(_N, [1, 200], 5), "errors must be finite counts in [0, requests]"),
    (lambda: model.static_firing(_N, _X, 0.0, 1), "threshold must be a number in (0, 1]"),
    (lambda: model.static_firing(_N, _X, 0.01, 0), "for_min must be an integer in [1, 1440]"),
    (lambda: model.BurnRateRule("r", "page", 5, 60, 14.4), "short_min must be an integer in [1, 5]"),
    (lambda: model.BurnRateRule("r", "email", 60, 5, 14.4), "severity must be one of"),
    (lambda: model.BurnRateRule("r", "page", 60, 5, 0.0), "burn_rate must be a number in (0, 1e6]"),
    (lambda: model.burn_rate_firing(_N, _X, "fast"), "rule must be a BurnRateRule"),
    (lambda: model.burn_rate_firing(_N, _X, PAGE_FAST, 1.0), "slo must be a number in [0, 1)"),
    (lambda: model.budget_share(PAGE_FAST, 0), "slo_days must be a number in (0, 366]"),
    (lambda: model.compare("day"), "day must be a Day"),
    (lambda: model.compare(model.simulate_day(), 0.0), "threshold_pct must be a number in (0, 100]"),
    (lambda: model.compare(model.simulate_day(), 1.0, 0), "for_min must be an integer in [1, 1440]"),
    (lambda: model.dashboard(model.simulate_day(), 7), "bucket_min must divide 1,440"),
])
def test_bad_input_names_the_parameter(call, message):
    with pytest.raises(ValueError) as error:
        call()
    assert message in str(error.value)
