"""Monitoring's model: a simulated service's four golden signals, an incident, and two ways to alert on it.

Plain functions and frozen dataclasses, no view code (the views are in :mod:`.views`).

* **The service** (:func:`simulate_day`): one day at one-minute resolution, after three days of history
  (so that a three-day alert window is full when the day starts). Traffic follows a daily cycle with
  seeded noise; each of ``servers`` servers is an M/M/1 queue taking an equal share of it (the p99 closed
  form of :func:`widgets.latency.model.response_time_quantile` for one server, vectorised); load above
  ``max_utilisation`` is shed (fails fast) and a request slower than ``timeout_ms`` fails. A small share of
  requests fails at random, and a few brief error blips a day (a bad deploy's first minutes, a restarting
  pod) add noise. These are the four golden signals of Beyer et al. (2016), chapter 6: traffic, latency
  (the p99 of the requests served), errors (the share of requests that fail) and saturation (utilisation).
* **The incident** you inject: extra errors, a latency regression (slower service) or lost capacity.
* **Alerting** on the same counts: a static threshold ("the one-minute error ratio above X% for M minutes
  in a row") against the multiwindow, multi-burn-rate rules of the SRE Workbook, chapter 5 (Beyer et al.
  2018, table 5-8): page at 14.4× burn over 1 h and 5 min, page at 6× over 6 h and 30 min, ticket at 1×
  over 3 days and 6 h, for an SLO over 30 days.

Time runs in whole minutes: minute ``i`` holds the requests that arrive in [i, i + 1) and its counts are
known at its end, when every rule is evaluated. An alert that fires at minute ``i`` fires at time ``i + 1``.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
import pandas as pd

from widgets import _check
from widgets.availability.model import error_budget

MINUTES_PER_DAY = 1_440
#: Days simulated before the day shown: the longest window (the ticket rule's three days) is full at 00:00.
HISTORY_DAYS = 3
HISTORY_MIN = HISTORY_DAYS * MINUTES_PER_DAY
#: The SLO's period in days (the Workbook's 30-day window).
SLO_DAYS = 30
#: The kinds of incident :func:`simulate_day` injects ("none": a clean day).
KINDS = ("none", "errors", "latency", "capacity")
#: The percentile the latency signal shows.
LATENCY_QUANTILE = 0.99


# --------------------------------------------------------------------------
# The service
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Service:
    """The simulated service's constants: its daily traffic, its servers and its noise.

    Rates are per second, times in ms. Each server is M/M/1 with mean service time ``service_ms``.
    """

    peak_rps: float = 200.0
    trough_rps: float = 40.0
    peak_hour: float = 15.0  # the daily peak, hours after midnight
    traffic_noise: float = 0.05  # minute-to-minute multiplicative noise (lognormal sigma)
    servers: int = 8
    service_ms: float = 20.0
    max_utilisation: float = 0.95  # beyond it, the excess load is shed (fails fast)
    timeout_ms: float = 1_000.0  # a request slower than this fails
    base_error_ratio: float = 0.0003  # the share of requests that fail at random
    blips_per_day: float = 4.0  # brief error blips: a Poisson number a day
    blip_max_min: int = 3  # each lasts 1 to blip_max_min minutes
    blip_ratio: tuple[float, float] = (0.01, 0.05)  # and adds an error ratio drawn uniformly in this range

    def __post_init__(self) -> None:
        _check.number("trough_rps", self.trough_rps, 0, 1e6, open_low=True)
        _check.number("peak_rps", self.peak_rps, self.trough_rps, 1e6)
        _check.number("peak_hour", self.peak_hour, 0, 24, open_high=True)
        _check.number("traffic_noise", self.traffic_noise, 0, 1)
        _check.integer("servers", self.servers, 1, 10_000)
        _check.number("service_ms", self.service_ms, 0, 1e6, open_low=True)
        _check.number("max_utilisation", self.max_utilisation, 0, 1, open_low=True, open_high=True)
        _check.number("timeout_ms", self.timeout_ms, 0, 1e7, open_low=True)
        _check.number("base_error_ratio", self.base_error_ratio, 0, 1)
        _check.number("blips_per_day", self.blips_per_day, 0, 1_000)
        _check.integer("blip_max_min", self.blip_max_min, 1, 60)
        low, high = self.blip_ratio
        _check.number("blip_ratio[0]", low, 0, 1)
        _check.number("blip_ratio[1]", high, low, 1)


SERVICE = Service()


def daily_rps(minutes: Any, service: Service = SERVICE) -> np.ndarray:
    """Mean requests a second at each minute (after midnight of day 0; negative: days before), noise aside:
    a cosine from the trough to the peak at ``peak_hour``.

    >>> daily_rps([15 * 60, 3 * 60]).tolist()
    [200.0, 40.0]
    """
    t = np.asarray(minutes, dtype=float)
    middle, swing = (service.peak_rps + service.trough_rps) / 2, (service.peak_rps - service.trough_rps) / 2
    return middle + swing * np.cos(2 * np.pi * (t / 60 - service.peak_hour) / 24)


def mm1_p99_ms(arrival_rps: Any, service_ms: Any) -> np.ndarray:
    """The p99 response time (ms) of an M/M/1 server, elementwise: ln(100) / (μ − λ), μ = 1000 / service_ms.

    Infinite where λ ≥ μ. The same closed form as ``latency.response_time_quantile(λ, μ, 1, 0.99)``.

    >>> round(float(mm1_p99_ms(25.0, 20.0)), 1)  # half busy: twice the idle p99 of 92.1 ms
    184.2
    """
    lam, mu = np.asarray(arrival_rps, dtype=float), 1_000 / np.asarray(service_ms, dtype=float)
    gap = mu - lam
    with np.errstate(divide="ignore"):
        return np.where(gap > 0, 1_000 * math.log(1 / (1 - LATENCY_QUANTILE)) / np.where(gap > 0, gap, 1), np.inf)


def mm1_slower_than(arrival_rps: Any, service_ms: Any, limit_ms: float) -> np.ndarray:
    """The share of an M/M/1 server's requests slower than ``limit_ms``: P(R > t) = e^{−(μ − λ) t}; 1 at λ ≥ μ.

    >>> round(float(mm1_slower_than(25.0, 20.0, 184.2068)), 4)
    0.01
    """
    lam, mu = np.asarray(arrival_rps, dtype=float), 1_000 / np.asarray(service_ms, dtype=float)
    return np.exp(-np.clip(mu - lam, 0, None) * limit_ms / 1_000)


@dataclass(frozen=True)
class Signals:
    """The golden signals minute by minute, given each minute's requests (arrays of equal length)."""

    utilisation: np.ndarray  # offered load / capacity (above 1: overloaded)
    p99_ms: np.ndarray  # the p99 of the requests served (capped at the timeout)
    error_ratio: np.ndarray  # the chance a request fails: random, blip, incident, shed or timed out


def signals(requests: Any, *, servers: Any, service_ms: Any, error_ratio: Any,
            service: Service = SERVICE) -> Signals:
    """The signals of minutes with ``requests`` arrivals, on ``servers`` servers (a fraction: capacity lost)
    of mean service time ``service_ms``, where ``error_ratio`` of requests fail on their own.

    Load above ``max_utilisation`` is shed; each server then runs at most that busy, and its requests slower
    than the timeout fail. Failures combine as independent causes.

    >>> s = signals([6_000.0], servers=8, service_ms=20.0, error_ratio=0.0)
    >>> float(s.utilisation[0]), round(float(s.p99_ms[0]), 1), float(s.error_ratio[0]) < 1e-10
    (0.25, 122.8, True)
    """
    rps = np.asarray(requests, dtype=float) / 60
    c = np.broadcast_to(np.asarray(servers, dtype=float), rps.shape)
    service_s = np.broadcast_to(np.asarray(service_ms, dtype=float), rps.shape)
    capacity = c * 1_000 / service_s
    with np.errstate(divide="ignore", invalid="ignore"):
        offered = np.where(capacity > 0, rps / np.where(capacity > 0, capacity, 1), np.inf)
        served = np.where(offered > service.max_utilisation, service.max_utilisation / offered, 1.0)
    busy = np.minimum(offered, service.max_utilisation)
    per_server = busy * 1_000 / service_s  # each served server's arrival rate
    p99 = np.minimum(mm1_p99_ms(per_server, service_s), service.timeout_ms)
    timed_out = mm1_slower_than(per_server, service_s, service.timeout_ms)
    ok = (1 - np.clip(error_ratio, 0, 1)) * served * (1 - timed_out)
    return Signals(utilisation=offered, p99_ms=np.where(c > 0, p99, service.timeout_ms), error_ratio=1 - ok)


# --------------------------------------------------------------------------
# One simulated day and its incident
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Day:
    """One simulated day after :data:`HISTORY_DAYS` of history: counts per minute, from minute −HISTORY_MIN.

    ``requests`` and ``errors`` cover history and day (index ``HISTORY_MIN`` is 00:00); the signals and
    ``clean_error_ratio`` (the same day without the incident) cover the day only. The incident spans minutes
    [start, end) of the day (``end`` cut at 24:00). ``blips``: (first minute, minutes) of the day's blips.
    """

    kind: str
    size_pct: float
    start: int
    end: int
    requests: np.ndarray
    errors: np.ndarray
    utilisation: np.ndarray
    p99_ms: np.ndarray
    error_ratio: np.ndarray
    clean_error_ratio: np.ndarray
    blips: tuple[tuple[int, int], ...]
    service: Service

    @property
    def day_requests(self) -> np.ndarray:
        return self.requests[HISTORY_MIN:]

    @property
    def day_errors(self) -> np.ndarray:
        return self.errors[HISTORY_MIN:]


def _incident_args(kind: Any, start_h: Any, duration_min: Any, size_pct: Any) -> tuple[str, int, int, float]:
    kind = _check.choice("kind", kind, KINDS)
    start = round(_check.number("start_h", start_h, 0, 24, open_high=True) * 60)
    duration = _check.integer("duration_min", duration_min, 1, MINUTES_PER_DAY)
    top = 1_000 if kind == "latency" else 100  # a latency regression may make requests 10 times slower
    size = _check.number("size_pct", size_pct, 0, top, open_low=True)
    return kind, min(start, MINUTES_PER_DAY - 1), min(start + duration, MINUTES_PER_DAY), size


def _blips(rng: np.random.Generator, service: Service, minutes: int) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """The blips' added error ratio per minute over ``minutes``, and each blip's (first minute, length)."""
    added = np.zeros(minutes)
    count = rng.poisson(service.blips_per_day * minutes / MINUTES_PER_DAY)
    firsts = rng.integers(0, minutes, count)
    lengths = rng.integers(1, service.blip_max_min + 1, count)
    ratios = rng.uniform(*service.blip_ratio, count)
    for first, length, ratio in zip(firsts, lengths, ratios):
        added[first:first + length] += ratio
    return added, [(int(f), int(n)) for f, n in zip(firsts, lengths)]


@dataclass(frozen=True)
class _Clean:
    """The days with no incident, which every incident on the same seed shares (arrays read-only)."""

    requests: np.ndarray
    errors: np.ndarray
    random_errors: np.ndarray  # random and blip error ratio, before queueing
    signals: Signals
    blips: tuple[tuple[int, int], ...]  # the day's blips: (first minute of the day, minutes)


@functools.lru_cache(maxsize=16)  # about 280 kB a seed
def _clean_days(seed: int, service: Service) -> _Clean:
    """History and day without an incident: traffic, blips, signals and failures, drawn in that order."""
    rng = np.random.default_rng(seed)
    total = HISTORY_MIN + MINUTES_PER_DAY
    noise = rng.lognormal(-service.traffic_noise**2 / 2, service.traffic_noise, total)
    requests = rng.poisson(daily_rps(np.arange(-HISTORY_MIN, MINUTES_PER_DAY), service) * 60 * noise)
    blips, where = _blips(rng, service, total)
    random_errors = np.minimum(service.base_error_ratio + blips, 1)
    clean = signals(requests, servers=service.servers, service_ms=service.service_ms, error_ratio=random_errors,
                    service=service)
    errors = rng.binomial(requests, clean.error_ratio)
    for array in (requests, errors, random_errors, clean.utilisation, clean.p99_ms, clean.error_ratio):
        array.flags.writeable = False
    return _Clean(requests, errors, random_errors, clean,
                  tuple((f - HISTORY_MIN, n) for f, n in sorted(where) if f + n > HISTORY_MIN))


def simulate_day(kind: str = "none", start_h: float = 12.0, duration_min: int = 60, size_pct: float = 10.0,
                 *, seed: int = 0, service: Service = SERVICE) -> Day:
    """One seeded day of the service with an incident from ``start_h`` (hours after midnight) lasting
    ``duration_min`` minutes (cut at midnight):

    * ``"errors"``: ``size_pct``% more of the requests fail;
    * ``"latency"``: every request takes ``size_pct``% longer to serve (up to 1,000%);
    * ``"capacity"``: ``size_pct``% of the servers are lost, the rest share the load;
    * ``"none"``: a clean day (``size_pct`` is still checked).

    Minutes outside the incident draw the same random numbers with or without it, so the clean day and the
    day with the incident differ only inside it.

    >>> day = simulate_day("errors", 14.0, 30, 50.0, seed=1)
    >>> day.start, day.end, round(float(day.error_ratio[day.start]), 2), len(day.day_requests)
    (840, 870, 0.5, 1440)
    """
    kind, start, end, size = _incident_args(kind, start_h, duration_min, size_pct)
    seed = _check.seed(seed, spare=1)
    if not isinstance(service, Service):
        raise ValueError(f"service must be a Service, got {service!r}")
    clean = _clean_days(seed, service)
    start, end = (start, end) if kind != "none" else (0, 0)
    during = slice(HISTORY_MIN + start, HISTORY_MIN + end)
    requests, random_errors = clean.requests[during], clean.random_errors[during]
    hit = signals(requests, service=service,
                  servers=service.servers * (1 - size / 100 if kind == "capacity" else 1),
                  service_ms=service.service_ms * (1 + size / 100 if kind == "latency" else 1),
                  error_ratio=np.minimum(random_errors + size / 100, 1) if kind == "errors" else random_errors)
    errors = clean.errors.copy()
    errors[during] = np.random.default_rng(seed + 1).binomial(requests, hit.error_ratio)
    day = slice(HISTORY_MIN, None)
    shown = {name: getattr(clean.signals, name)[day].copy() for name in ("utilisation", "p99_ms", "error_ratio")}
    for name, values in shown.items():
        values[start:end] = getattr(hit, name)
    return Day(kind=kind, size_pct=size, start=start, end=end, requests=clean.requests, errors=errors, **shown,
               clean_error_ratio=clean.signals.error_ratio[day], blips=clean.blips,
               service=service)


def dashboard(day: Day, bucket_min: int = 5) -> pd.DataFrame:
    """The day's signals in buckets of ``bucket_min`` minutes, as a dashboard draws them: mean req/s, the
    worst minute's p99 (ms), the error ratio of the bucket's requests, and the mean utilisation.

    >>> board = dashboard(simulate_day(seed=1))
    >>> len(board), list(board.columns)
    (288, ['hour', 'rps', 'p99_ms', 'error_ratio', 'utilisation'])
    """
    size = _check.integer("bucket_min", bucket_min, 1, MINUTES_PER_DAY)
    if MINUTES_PER_DAY % size:
        raise ValueError(f"bucket_min must divide {MINUTES_PER_DAY:,}, got {bucket_min!r}")
    shape = (MINUTES_PER_DAY // size, size)
    requests, errors = day.day_requests.reshape(shape).sum(axis=1), day.day_errors.reshape(shape).sum(axis=1)
    return pd.DataFrame({
        "hour": np.arange(shape[0]) * size / 60,
        "rps": requests / (60 * size),
        "p99_ms": day.p99_ms.reshape(shape).max(axis=1),
        "error_ratio": errors / np.maximum(requests, 1),
        "utilisation": day.utilisation.reshape(shape).mean(axis=1),
    })


# --------------------------------------------------------------------------
# Alerting: windows, a static threshold, burn-rate rules
# --------------------------------------------------------------------------


def _counts(requests: Any, errors: Any) -> tuple[np.ndarray, np.ndarray]:
    n, x = np.asarray(requests), np.asarray(errors)
    if n.ndim != 1 or x.shape != n.shape or len(n) == 0:
        raise ValueError(f"errors must be a non-empty 1-d array as long as requests, got shapes {x.shape} "
                         f"and {n.shape}")
    if not (np.all(np.isfinite(n)) and np.all(n >= 0)):
        raise ValueError("requests must be finite counts >= 0")
    if not (np.all(np.isfinite(x)) and np.all(x >= 0) and np.all(x <= n)):
        raise ValueError("errors must be finite counts in [0, requests]")
    return n, x


def _window_sums(counts: np.ndarray, window: int) -> np.ndarray:
    """Sums over the trailing ``window`` entries ending at each entry (fewer at the start)."""
    total = np.concatenate(([0], np.cumsum(counts)))
    ends = np.arange(1, len(counts) + 1)
    return total[ends] - total[np.maximum(ends - window, 0)]


def window_error_ratio(requests: Any, errors: Any, window_min: int) -> np.ndarray:
    """The error ratio over the ``window_min`` minutes ending at each minute (the ones there are, at the
    start): failed requests / requests in the window, 0 where the window has no requests.

    >>> window_error_ratio([100, 100, 100, 100], [0, 10, 0, 30], 2).tolist()
    [0.0, 0.05, 0.05, 0.15]
    """
    n, x = _counts(requests, errors)
    window = _check.integer("window_min", window_min, 1, 10**7)
    sent, failed = _window_sums(n, window), _window_sums(x, window)
    return np.where(sent > 0, failed / np.where(sent > 0, sent, 1), 0.0)


def static_firing(requests: Any, errors: Any, threshold: float, for_min: int) -> np.ndarray:
    """Minutes at which "the one-minute error ratio above ``threshold`` for ``for_min`` minutes in a row" holds.

    >>> static_firing([100] * 5, [0, 5, 5, 5, 0], 0.01, 2).tolist()
    [False, False, True, True, False]
    """
    above = window_error_ratio(requests, errors, 1) > _check.number("threshold", threshold, 0, 1, open_low=True)
    held = _check.integer("for_min", for_min, 1, MINUTES_PER_DAY)
    return _window_sums(above.astype(np.int64), held) == held


@dataclass(frozen=True)
class BurnRateRule:
    """A multiwindow burn-rate rule: fires when the error ratio over both windows exceeds
    ``burn_rate`` × (1 − SLO)."""

    name: str
    severity: str  # "page" or "ticket"
    long_min: int
    short_min: int
    burn_rate: float

    def __post_init__(self) -> None:
        _check.choice("severity", self.severity, ("page", "ticket"))
        _check.integer("long_min", self.long_min, 1, HISTORY_MIN)
        _check.integer("short_min", self.short_min, 1, self.long_min)
        _check.number("burn_rate", self.burn_rate, 0, 1e6, open_low=True)


#: The SRE Workbook's table 5-8: the recommended rules for an SLO over 30 days.
WORKBOOK_RULES = (
    BurnRateRule("14.4× over 1 h and 5 min", "page", 60, 5, 14.4),
    BurnRateRule("6× over 6 h and 30 min", "page", 360, 30, 6.0),
    BurnRateRule("1× over 3 days and 6 h", "ticket", HISTORY_MIN, 360, 1.0),
)


def _budget_ratio(slo: Any) -> float:
    """1 − slo, computed exactly from the decimal the SLO prints as, then rounded once (0.999 gives 0.001)."""
    target = _check.number("slo", slo, 0, 1, open_high=True, exact=True)
    return float(1 - Fraction(target))


def budget_share(rule: BurnRateRule, slo_days: float = SLO_DAYS) -> float:
    """The share of an SLO period's error budget a rule lets burn before it can fire: burn rate × long
    window / period.

    >>> [round(budget_share(rule), 6) for rule in WORKBOOK_RULES]
    [0.02, 0.05, 0.1]
    """
    days = _check.number("slo_days", slo_days, 0, 366, open_low=True)
    return rule.burn_rate * rule.long_min / (days * MINUTES_PER_DAY)


def burn_rate_firing(requests: Any, errors: Any, rule: BurnRateRule, slo: float = 0.999) -> np.ndarray:
    """Minutes at which ``rule`` holds: the error ratios over its long and its short window both above
    ``rule.burn_rate`` × (1 − ``slo``).

    >>> rule = BurnRateRule("test", "page", 4, 2, 10.0)
    >>> burn_rate_firing([1_000] * 6, [0, 0, 20, 20, 20, 0], rule).tolist()  # 1% is not above 10 × 0.1%
    [False, False, False, False, True, False]
    """
    if not isinstance(rule, BurnRateRule):
        raise ValueError(f"rule must be a BurnRateRule, got {rule!r}")
    limit = rule.burn_rate * _budget_ratio(slo)
    return ((window_error_ratio(requests, errors, rule.long_min) > limit)
            & (window_error_ratio(requests, errors, rule.short_min) > limit))


def episodes(firing: Any) -> list[tuple[int, int]]:
    """The runs of a firing array: (first minute, minute after the last) of each alert.

    >>> episodes([False, True, True, False, True])
    [(1, 3), (4, 5)]
    """
    on = np.asarray(firing, dtype=bool)
    edges = np.diff(np.concatenate(([0], on.astype(np.int8), [0])))
    return list(zip(np.flatnonzero(edges == 1).tolist(), np.flatnonzero(edges == -1).tolist()))


# --------------------------------------------------------------------------
# Comparing the rules on one day
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class RuleResult:
    """One rule on one day. Minutes are of the day; an alert at minute ``i`` fires at time ``i + 1``.

    An alert is a detection when the rule's short window at its first minute holds a minute of the incident
    (for the static rule: its ``for_min`` minutes); any other alert is a false alarm.
    """

    name: str
    severity: str
    alerts: tuple[tuple[int, int], ...]  # (first minute, minute after the last) of each alert
    detections: tuple[int, ...]  # indices into alerts
    detect_min: int | None  # from the incident's start to the first detection's firing time
    budget_at_detection: float | None  # the incident's share of the month's budget spent by then

    @property
    def false_alarms(self) -> int:
        return len(self.alerts) - len(self.detections)


@dataclass(frozen=True)
class Comparison:
    """Every rule on one day, and the error budget the incident spent."""

    day: Day
    slo: float
    rules: tuple[RuleResult, ...]
    budget_requests: float  # failed requests a 30-day month of days like this one may have
    incident_failures: float  # failed requests the incident added (expected, given the day's traffic)

    @property
    def incident_budget(self) -> float:
        """The share of the month's error budget the incident spent."""
        return self.incident_failures / self.budget_requests if self.budget_requests else math.inf

    def table(self) -> pd.DataFrame:
        """One row per rule: alerts, detection time (minutes), false alarms, budget spent by detection."""
        return pd.DataFrame({
            "rule": [r.name for r in self.rules], "severity": [r.severity for r in self.rules],
            "alerts": [len(r.alerts) for r in self.rules], "detect_min": [r.detect_min for r in self.rules],
            "false_alarms": [r.false_alarms for r in self.rules],
            "budget_at_detection": [r.budget_at_detection for r in self.rules],
        })


def _rule_result(name: str, severity: str, firing: np.ndarray, short_min: int, day: Day,
                 excess: np.ndarray, budget: float) -> RuleResult:
    alerts = [(a - HISTORY_MIN, b - HISTORY_MIN) for a, b in episodes(firing) if a >= HISTORY_MIN]
    on = day.kind != "none"
    detections = tuple(k for k, (first, _) in enumerate(alerts)
                       if on and day.start <= first and first - short_min + 1 < day.end)
    detect = budget_spent = None
    if detections:
        fired = alerts[detections[0]][0] + 1
        detect = fired - day.start
        budget_spent = float(excess[day.start:fired].sum() / budget) if budget else math.inf
    return RuleResult(name, severity, tuple(alerts), detections, detect, budget_spent)


def compare(day: Day, threshold_pct: float = 1.0, for_min: int = 5, slo: float = 0.999,
            rules: tuple[BurnRateRule, ...] = WORKBOOK_RULES) -> Comparison:
    """The static threshold (``threshold_pct``% for ``for_min`` minutes) and the burn-rate ``rules`` on one
    day, at an SLO of ``slo`` over :data:`SLO_DAYS` days.

    The budget is the one of ``availability.error_budget`` for a month of 30 days like this one.

    >>> c = compare(simulate_day("errors", 14.0, 30, 50.0, seed=1))
    >>> [(r.detect_min, r.false_alarms) for r in c.rules], round(c.incident_budget, 2)
    ([(5, 0), (2, 0), (4, 0), (3, 0)], 0.57)
    """
    if not isinstance(day, Day):
        raise ValueError(f"day must be a Day, got {day!r}")
    threshold = _check.number("threshold_pct", threshold_pct, 0, 100, open_low=True) / 100
    _budget_ratio(slo)  # checked here, in this model's words, before the budget is drawn
    budget = error_budget(slo, int(day.day_requests.sum()) * SLO_DAYS, "month", month_days=SLO_DAYS).failed_requests
    excess = day.day_requests * (day.error_ratio - day.clean_error_ratio)
    results = [_rule_result(f"{threshold_pct:g}% for {for_min} min", "page",
                            static_firing(day.requests, day.errors, threshold, for_min), for_min, day, excess,
                            budget)]
    results += [_rule_result(rule.name, rule.severity, burn_rate_firing(day.requests, day.errors, rule, slo),
                             rule.short_min, day, excess, budget) for rule in rules]
    return Comparison(day=day, slo=float(slo), rules=tuple(results), budget_requests=budget,
                      incident_failures=float(excess.sum()))
