"""Latency's model: the tail at scale, hedged requests, queueing and the latency numbers.

Plain functions and frozen dataclasses, no view code (the views are in :mod:`.views`).

* **Fan-out** (Dean and Barroso, "The Tail at Scale", CACM 56(2), 2013): a request that waits
  for ``fanout`` servers is slow when any of them is.
* **Hedged requests**: send a second copy of a request still outstanding after a delay (the
  paper's p95 rule), on a seeded heavy-tailed service time (:class:`ServiceTime`).
* **Queueing**: Little's law, M/M/1 and M/M/c (Erlang C), the waiting and response-time
  percentiles of M/M/c under first-come first-served, the "hockey stick" of latency against
  utilisation (:func:`load_curve`) and load shedding with a finite queue, M/M/c/K (:func:`shed`).
  Rates are per unit of time (say per second) and times are in the reciprocal unit (seconds);
  any unit works if all inputs share it.
* **The latency numbers** everyone should know (Dean 2009, and the 2012 list of Bonér's gist),
  in nanoseconds, and :func:`human_scale`, which stretches 1 ns to 1 s.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from widgets import _check

MAX_FANOUT = 100_000
MAX_SERVERS = 10_000
MAX_QUEUE_LIMIT = 100_000
#: Largest number of leaf requests (requests × fan-out) one hedging run draws.
MAX_DRAWS = 10**7
#: The latency percentiles :func:`hedging` reports, as fractions.
PERCENTILES = (0.5, 0.95, 0.99, 0.999)

# --------------------------------------------------------------------------
# Fan-out: the tail at scale
# --------------------------------------------------------------------------


def fanout_slow_probability(fanout: int, per_server_fast_probability: float) -> float:
    """The chance that a request sent to ``fanout`` servers meets at least one slow one: 1 - p**fanout.

    ``per_server_fast_probability`` p is each server's chance of answering fast, independently.
    One server in 100 slow (p = 0.99) and a fan-out of 100: 63 % of requests are slow.

    >>> round(fanout_slow_probability(100, 0.99), 3)
    0.634
    """
    n = _check.integer("fanout", fanout, 1, MAX_FANOUT)
    p = _check.number("per_server_fast_probability", per_server_fast_probability, 0, 1)
    return 1.0 if p == 0 else -math.expm1(n * math.log(p))  # 1 - p**n without losing digits near p = 1


def required_server_fast_probability(fanout: int, target_slow_probability: float) -> float:
    """The per-server fast probability (quantile) that keeps a fan-out request slow with the target chance.

    The inverse of :func:`fanout_slow_probability`: (1 - target) ** (1 / fanout). To keep a request to
    100 servers slow only 1 % of the time, each server must be fast 99.99 % of the time.

    >>> round(required_server_fast_probability(100, 0.01), 6)
    0.9999
    """
    n = _check.integer("fanout", fanout, 1, MAX_FANOUT)
    target = _check.number("target_slow_probability", target_slow_probability, 0, 1)
    return 0.0 if target == 1 else math.exp(math.log1p(-target) / n)


# --------------------------------------------------------------------------
# Hedged requests
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class ServiceTime:
    """A heavy-tailed service time in ms: a lognormal body plus, now and then, a fixed stall.

    The body has median ``median_ms`` and shape ``sigma`` (the standard deviation of its log);
    with probability ``stall_probability`` a request also stalls for ``stall_ms`` (a garbage
    collection, a queue behind a slow disk). The defaults: median 5 ms, sigma 0.5, and one
    request in 100 stalls for 1,000 ms.

    >>> round(ServiceTime().quantile(0.5), 2), round(ServiceTime().quantile(0.999))
    (5.03, 1009)
    """

    median_ms: float = 5.0
    sigma: float = 0.5
    stall_probability: float = 0.01
    stall_ms: float = 1000.0

    def __post_init__(self) -> None:
        _check.number("median_ms", self.median_ms, 0, 1e6, open_low=True)
        _check.number("sigma", self.sigma, 0, 3, open_low=True)
        _check.number("stall_probability", self.stall_probability, 0, 1)
        _check.number("stall_ms", self.stall_ms, 0, 1e7)

    def sample(self, shape: int | tuple[int, ...], rng: np.random.Generator) -> np.ndarray:
        """Service times in ms drawn from ``rng``.

        >>> ServiceTime().sample(3, np.random.default_rng(1)).round(2).tolist()
        [5.94, 7.54, 5.9]
        """
        body = rng.lognormal(math.log(self.median_ms), self.sigma, shape)
        return body + self.stall_ms * (rng.random(shape) < self.stall_probability)

    def _body_survival(self, t: float) -> float:
        if t <= 0:
            return 1.0
        return 0.5 * math.erfc((math.log(t) - math.log(self.median_ms)) / (self.sigma * math.sqrt(2)))

    def survival(self, t_ms: float) -> float:
        """P(service time > t_ms), in closed form (the lognormal's erfc, mixed with the stall).

        >>> ServiceTime(stall_probability=0).survival(5.0)
        0.5
        """
        t = _check.number("t_ms", t_ms)
        s = self.stall_probability
        return (1 - s) * self._body_survival(t) + s * self._body_survival(t - self.stall_ms)

    def quantile(self, q: float) -> float:
        """The service time in ms that a fraction ``q`` of requests stay within (bisection on the survival).

        >>> round(ServiceTime(stall_probability=0).quantile(0.5), 9)
        5.0
        """
        q = _check.number("q", q, 0, 1, open_high=True)
        low, high = 0.0, self.stall_ms + self.median_ms * math.exp(10 * self.sigma)  # survival < 1e-23 there
        for _ in range(200):
            mid = (low + high) / 2
            if self.survival(mid) > 1 - q:
                low = mid
            else:
                high = mid
            if high - low <= 1e-12 * high:
                break
        return high


@dataclass(frozen=True)
class Hedging:
    """Result of :func:`hedging`: latency percentiles in ms with and without the second copy.

    ``extra_load`` is the measured fraction of leaf requests that sent a second copy;
    ``expected_extra_load`` is its expectation, P(service time > hedge delay).
    """

    hedge_delay_ms: float
    fanout: int
    n_requests: int
    extra_load: float
    expected_extra_load: float
    percentiles: tuple[float, ...]
    unhedged_ms: tuple[float, ...]
    hedged_ms: tuple[float, ...]


def _draws(fanout: Any, n_requests: Any, service: Any, seed: Any) -> tuple[np.ndarray, np.ndarray]:
    """The seeded service times in ms of each leaf's first and second copy, shape (n_requests, fanout)."""
    fanout = _check.integer("fanout", fanout, 1, MAX_FANOUT)
    n_requests = _check.integer("n_requests", n_requests, 1, MAX_DRAWS // fanout)
    rng = np.random.default_rng(_check.seed(seed))
    return service.sample((n_requests, fanout), rng), service.sample((n_requests, fanout), rng)


def _service(service: Any) -> ServiceTime:
    if not isinstance(service, ServiceTime):
        raise ValueError(f"service must be a ServiceTime, got {service!r}")
    return service


def _hedge_delay(service: ServiceTime, name: str, hedge_quantile: Any) -> float:
    """The hedge delay in ms: the service time's ``hedge_quantile``."""
    return service.quantile(_check.number(name, hedge_quantile, 0, 0.9999))


def _hedged(first: np.ndarray, second: np.ndarray, delay: float) -> np.ndarray:
    """Leaf latency with a second copy sent at ``delay`` if the first is still out: the earlier answer."""
    return np.minimum(first, delay + second)


def _request_percentiles(leaf_ms: np.ndarray) -> tuple[float, ...]:
    """Percentiles of the request latency: a request waits for its slowest leaf."""
    return tuple(np.quantile(leaf_ms.max(axis=1), PERCENTILES).tolist())


def hedging(
    hedge_quantile: float = 0.95,
    *,
    hedge_delay_ms: float | None = None,
    fanout: int = 1,
    n_requests: int = 100_000,
    service: ServiceTime = ServiceTime(),
    seed: int = 0,
) -> Hedging:
    """Hedged requests: a second copy goes out if the first has not answered by the hedge delay.

    The delay is the ``hedge_quantile`` of the service time (the paper's rule: its p95);
    ``hedge_delay_ms``, if given, overrides it. Each request fans out to ``fanout`` leaves and waits for the
    slowest; each leaf takes the earlier of its two copies (the other is cancelled). Seeded:
    ``n_requests`` × ``fanout`` leaves, two independent draws each.

    >>> h = hedging()
    >>> round(h.hedge_delay_ms, 1), round(h.extra_load, 3), round(h.unhedged_ms[-1]), round(h.hedged_ms[-1])
    (12.0, 0.05, 1010, 23)
    """
    service = _service(service)
    delay = _hedge_delay(service, "hedge_quantile", hedge_quantile)
    if hedge_delay_ms is not None:
        delay = _check.number("hedge_delay_ms", hedge_delay_ms, 0, 1e7)
    first, second = _draws(fanout, n_requests, service, seed)
    return Hedging(
        hedge_delay_ms=delay,
        fanout=first.shape[1],
        n_requests=first.shape[0],
        extra_load=float(np.mean(first > delay)),
        expected_extra_load=service.survival(delay),
        percentiles=PERCENTILES,
        unhedged_ms=_request_percentiles(first),
        hedged_ms=_request_percentiles(_hedged(first, second, delay)),
    )


def hedging_curve(
    hedge_quantiles: Iterable[float] = (0.5, 0.75, 0.9, 0.95, 0.98, 0.99, 0.999),
    *,
    fanout: int = 1,
    n_requests: int = 100_000,
    service: ServiceTime = ServiceTime(),
    seed: int = 0,
) -> pd.DataFrame:
    """Tail latency against the extra load, one row per hedge quantile, all on the same seeded draws.

    Columns: hedge_quantile, hedge_delay_ms, extra_load (fraction of leaf requests hedged) and the
    hedged request latency p50_ms, p95_ms, p99_ms, p99.9_ms. The last row, hedge quantile 1, is no
    hedging at all (extra load 0).

    >>> hedging_curve((0.95,)).round(3).loc[:, ["hedge_quantile", "extra_load", "p99.9_ms"]].to_dict("list")
    {'hedge_quantile': [0.95, 1.0], 'extra_load': [0.05, 0.0], 'p99.9_ms': [22.52, 1009.628]}
    """
    service = _service(service)
    quantiles = _sequence("hedge_quantiles", hedge_quantiles)
    delays = [_hedge_delay(service, f"hedge_quantiles[{i}]", q) for i, q in enumerate(quantiles)]
    first, second = _draws(fanout, n_requests, service, seed)
    columns = [f"p{100 * p:g}_ms" for p in PERCENTILES]
    rows = [
        {"hedge_quantile": q, "hedge_delay_ms": d, "extra_load": float(np.mean(first > d)),
         **dict(zip(columns, _request_percentiles(_hedged(first, second, d))))}
        for q, d in zip(quantiles, delays)
    ]
    rows.append({"hedge_quantile": 1.0, "hedge_delay_ms": math.inf, "extra_load": 0.0,
                 **dict(zip(columns, _request_percentiles(first)))})
    return pd.DataFrame(rows)


def _sequence(name: str, values: Any, max_length: int = 1000) -> tuple:
    """``values`` as a non-empty tuple of at most ``max_length`` items, else a ValueError naming it."""
    if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        raise ValueError(f"{name} must be a non-empty sequence of numbers, got {values!r}")
    values = tuple(values)
    if not 1 <= len(values) <= max_length:
        raise ValueError(f"{name} must hold 1 to {max_length:,} numbers, got {len(values):,}")
    return values


# --------------------------------------------------------------------------
# Little's law
# --------------------------------------------------------------------------


def littles_law(
    *, arrival_rate: float | None = None, time_in_system: float | None = None, in_system: float | None = None
) -> float:
    """Little's law, L = λ W: given exactly two of the three, the third.

    ``arrival_rate`` λ (requests per second), ``time_in_system`` W (seconds), ``in_system`` L
    (requests in flight). 10,000 requests/s at 200 ms each keep 2,000 in flight.

    >>> littles_law(arrival_rate=10_000, time_in_system=0.2)
    2000.0
    >>> littles_law(in_system=2_000, time_in_system=0.2)
    10000.0
    """
    given = {"arrival_rate": arrival_rate, "time_in_system": time_in_system, "in_system": in_system}
    if sum(value is not None for value in given.values()) != 2:
        named = ", ".join(f"{name}={value!r}" for name, value in given.items())
        raise ValueError(f"arrival_rate, time_in_system, in_system: give exactly two of them, got {named}")
    if in_system is None:
        return _check.number("arrival_rate", arrival_rate, 0) * _check.number("time_in_system", time_in_system, 0)
    in_system = _check.number("in_system", in_system, 0)
    if arrival_rate is None:
        return in_system / _check.number("time_in_system", time_in_system, 0, open_low=True)
    return in_system / _check.number("arrival_rate", arrival_rate, 0, open_low=True)


# --------------------------------------------------------------------------
# M/M/1 and M/M/c
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueMetrics:
    """The steady state of an M/M/c queue (first come, first served; an unlimited queue).

    ``utilization`` is each server's busy fraction; ``in_system`` and ``in_queue`` are mean
    numbers of requests; ``response_time`` (waiting plus service) and ``wait`` (in the queue only)
    are mean times in the reciprocal unit of the rates; ``wait_probability`` is the chance an
    arrival waits at all (Erlang C).
    """

    arrival_rate: float
    service_rate: float
    servers: int
    utilization: float
    in_system: float
    in_queue: float
    response_time: float
    wait: float
    wait_probability: float


def _stable_rates(arrival_rate: Any, service_rate: Any, servers: Any) -> tuple[float, float, int]:
    """Validated λ, μ and c with λ < c μ: at or above it the queue grows without bound."""
    mu = _check.number("service_rate", service_rate, 0, open_low=True)
    c = _check.integer("servers", servers, 1, MAX_SERVERS)
    lam = _check.number("arrival_rate", arrival_rate, 0)
    if lam >= c * mu:
        raise ValueError(
            f"arrival_rate must be a number{_check.range_text(0, c * mu, open_high=True)} "
            f"(below servers × service_rate, or the queue grows without bound), got {arrival_rate!r}"
        )
    return lam, mu, c


def _erlang_b(servers: int, offered_load: float) -> float:
    """Erlang B by its recursion B(k) = a B(k-1) / (k + a B(k-1)), B(0) = 1: no factorials, no overflow."""
    b = 1.0
    for k in range(1, servers + 1):
        b = offered_load * b / (k + offered_load * b)
    return b


def _erlang_c(servers: int, offered_load: float) -> float:
    """Erlang C from Erlang B: C = c B / (c - a (1 - B)), for a < c."""
    b = _erlang_b(servers, offered_load)
    return servers * b / (servers - offered_load * (1 - b))


def erlang_b(servers: int, offered_load: float) -> float:
    """The Erlang B blocking probability: ``servers`` lines, ``offered_load`` erlangs, no queue.

    >>> round(erlang_b(10, 4.461), 4)
    0.01
    """
    c = _check.integer("servers", servers, 1, MAX_SERVERS)
    return _erlang_b(c, _check.number("offered_load", offered_load, 0, 1e6))


def erlang_c(servers: int, offered_load: float) -> float:
    """The Erlang C probability of waiting: ``servers`` servers, ``offered_load`` erlangs (< servers).

    >>> round(erlang_c(2, 2 / 3), 4)
    0.1667
    """
    c = _check.integer("servers", servers, 1, MAX_SERVERS)
    a = _check.number("offered_load", offered_load, 0, c, open_high=True)
    return _erlang_c(c, a)


def mm1(arrival_rate: float, service_rate: float) -> QueueMetrics:
    """M/M/1 in its textbook closed forms: ρ = λ/μ, W = 1/(μ - λ), Wq = ρ/(μ - λ), P(wait) = ρ.

    >>> q = mm1(2, 3)
    >>> q.utilization, q.in_system, q.response_time
    (0.6666666666666666, 2.0, 1.0)
    """
    lam, mu, _ = _stable_rates(arrival_rate, service_rate, 1)
    rho = lam / mu
    return QueueMetrics(lam, mu, 1, rho, in_system=lam / (mu - lam), in_queue=rho * lam / (mu - lam),
                        response_time=1 / (mu - lam), wait=rho / (mu - lam), wait_probability=rho)


def mmc(arrival_rate: float, service_rate: float, servers: int) -> QueueMetrics:
    """M/M/c: Erlang C (by the stable Erlang B recursion), Wq = C / (c μ - λ), W = Wq + 1/μ, Little for L.

    >>> q = mmc(2, 3, 2)
    >>> round(q.wait_probability, 4), round(q.in_queue, 4), q.response_time
    (0.1667, 0.0833, 0.375)
    """
    lam, mu, c = _stable_rates(arrival_rate, service_rate, servers)
    a = lam / mu
    wait_probability = _erlang_c(c, a)
    wait = wait_probability / (c * mu - lam)
    response_time = wait + 1 / mu
    return QueueMetrics(lam, mu, c, a / c, in_system=lam * response_time, in_queue=lam * wait,
                        response_time=response_time, wait=wait, wait_probability=wait_probability)


def _bounded_quantile(name: str, quantile: Any) -> float:
    return _check.number(name, quantile, 0, 1, open_high=True)


def wait_quantile(arrival_rate: float, service_rate: float, servers: int, quantile: float = 0.99) -> float:
    """The waiting time (in the queue) that a fraction ``quantile`` of requests stay within, M/M/c FCFS.

    Closed form from P(Wq > t) = C e^{-(c μ - λ) t}: 0 if C <= 1 - quantile,
    else ln(C / (1 - quantile)) / (c μ - λ).

    >>> round(wait_quantile(2, 3, 1, 0.99), 4)
    4.1997
    """
    lam, mu, c = _stable_rates(arrival_rate, service_rate, servers)
    q = _bounded_quantile("quantile", quantile)
    wait_probability = _erlang_c(c, lam / mu)
    return max(0.0, math.log(wait_probability / (1 - q)) / (c * mu - lam)) if wait_probability > 0 else 0.0


def _relative_expm1(x: np.ndarray) -> np.ndarray:
    """(1 - e^{-x}) / x for x >= 0, and 1 at x = 0."""
    safe = np.where(x > 0, x, 1.0)
    return np.where(x > 0, -np.expm1(-safe) / safe, 1.0)


def _response_survival(t: np.ndarray, mu: np.ndarray, theta: np.ndarray, c_wait: np.ndarray) -> np.ndarray:
    """P(R > t) for R = Wq + S: S ~ Exp(μ); Wq is 0 with probability 1 - C, else Exp(θ), θ = c μ - λ.

    The sum of two exponentials, written with the smaller rate m and the larger M so that no
    step overflows or cancels: P(E_θ + E_μ > t) = e^{-m t} (1 + m t (1 - e^{-(M - m) t}) / ((M - m) t)).
    """
    low, high = np.minimum(mu, theta), np.maximum(mu, theta)
    both = np.exp(-low * t) * (1 + low * t * _relative_expm1((high - low) * t))
    return (1 - c_wait) * np.exp(-mu * t) + c_wait * both


def _response_quantiles(mu: np.ndarray, theta: np.ndarray, c_wait: np.ndarray, q: float) -> np.ndarray:
    """Vectorised bisection of the response-time survival for the ``q`` quantile."""
    tail = 1 - q
    low = np.zeros_like(theta)
    # P(R > t) <= e^{-m t}(1 + m t) (two exponentials at the smaller rate m); below e^{-L-5} = tail e^{-5} at
    # m t = 2 L + 10 with L = -ln(tail), since 1 + k < e^{k/2} for k >= 10.
    high = (2 * -math.log(tail) + 10) / np.minimum(mu, theta)
    for _ in range(100):
        mid = (low + high) / 2
        above = _response_survival(mid, mu, theta, c_wait) > tail
        low, high = np.where(above, mid, low), np.where(above, high, mid)
    return high


def response_time_quantile(arrival_rate: float, service_rate: float, servers: int, quantile: float = 0.99) -> float:
    """The response time (wait plus service) that a fraction ``quantile`` of requests stay within, M/M/c FCFS.

    Found numerically from the closed-form survival of the wait plus an exponential service; for
    one server it is exactly ln(1 / (1 - quantile)) / (μ - λ).

    >>> round(response_time_quantile(2, 3, 1, 0.99), 4), round(math.log(100), 4)
    (4.6052, 4.6052)
    """
    lam, mu, c = _stable_rates(arrival_rate, service_rate, servers)
    q = _bounded_quantile("quantile", quantile)
    c_wait = _erlang_c(c, lam / mu)
    return float(_response_quantiles(np.array([mu]), np.array([c * mu - lam]), np.array([c_wait]), q)[0])


DEFAULT_UTILIZATIONS = (0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 0.97, 0.99)


def load_curve(
    service_rate: float, servers: int, utilizations: Iterable[float] = DEFAULT_UTILIZATIONS, quantile: float = 0.99
) -> pd.DataFrame:
    """The queueing hockey stick: M/M/c latency against utilisation, one row per utilisation.

    Columns: utilization, arrival_rate, wait_probability, mean_response, p99_wait and p99_response
    (named for the default ``quantile``; the time unit is that of 1 / ``service_rate``).

    >>> load_curve(1.0, 1, (0.5, 0.9)).round(2).to_dict("list")["mean_response"]
    [2.0, 10.0]
    """
    mu = _check.number("service_rate", service_rate, 0, open_low=True)
    c = _check.integer("servers", servers, 1, MAX_SERVERS)
    q = _bounded_quantile("quantile", quantile)
    rho = np.array([_check.number(f"utilizations[{i}]", u, 0, 1, open_high=True)
                    for i, u in enumerate(_sequence("utilizations", utilizations))])
    lam = rho * c * mu
    c_wait = np.array([_erlang_c(c, a) for a in lam / mu])
    theta = c * mu - lam
    label = f"p{100 * q:g}"
    with np.errstate(divide="ignore"):
        wait_q = np.maximum(0.0, np.log(c_wait / (1 - q)) / theta)
    return pd.DataFrame({
        "utilization": rho,
        "arrival_rate": lam,
        "wait_probability": c_wait,
        "mean_response": c_wait / theta + 1 / mu,
        f"{label}_wait": wait_q,
        f"{label}_response": _response_quantiles(np.full_like(theta, mu), theta, c_wait, q),
    })


# --------------------------------------------------------------------------
# Load shedding: M/M/c/K
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Shedding:
    """The steady state of M/M/c/K: ``servers`` servers and room for ``queue_limit`` waiting requests.

    An arrival that finds all K = servers + queue_limit places taken is shed (rejected at once).
    ``throughput`` is the accepted rate, λ (1 - blocking_probability); ``utilization`` each server's
    busy fraction; ``response_time`` and ``wait`` are the mean times of the *accepted* requests.
    """

    arrival_rate: float
    service_rate: float
    servers: int
    queue_limit: int
    blocking_probability: float
    throughput: float
    utilization: float
    in_system: float
    in_queue: float
    response_time: float
    wait: float


def _finite_queue_distribution(offered_load: float, servers: int, capacity: int) -> np.ndarray:
    """P(n in system), n = 0..capacity, for M/M/c/K: ∝ a^n / n! up to c, then a^c / c! (a/c)^{n-c}.

    Built in logs (the terms overflow for long queues under overload), normalised at the end.
    """
    if offered_load == 0:
        return np.eye(1, capacity + 1).ravel()
    n = np.arange(1, capacity + 1)
    log_terms = np.concatenate(([0.0], np.cumsum(math.log(offered_load) - np.log(np.minimum(n, servers)))))
    p = np.exp(log_terms - log_terms.max())
    return p / p.sum()


def shed(arrival_rate: float, service_rate: float, servers: int, queue_limit: int) -> Shedding:
    """Load shedding with a finite queue, M/M/c/K in closed form (Kleinrock 1975, ch. 3).

    Stable at any load: what does not fit is rejected. The blocking probability is P(K in system)
    (Poisson arrivals see time averages); the accepted requests' times follow by Little's law.

    >>> s = shed(2, 1, 1, 3)
    >>> round(s.blocking_probability, 4), round(s.throughput, 4), round(s.response_time, 4)
    (0.5161, 0.9677, 3.2667)
    """
    mu = _check.number("service_rate", service_rate, 0, open_low=True)
    c = _check.integer("servers", servers, 1, MAX_SERVERS)
    limit = _check.integer("queue_limit", queue_limit, 0, MAX_QUEUE_LIMIT)
    lam = _check.number("arrival_rate", arrival_rate, 0, 1e12)
    p = _finite_queue_distribution(lam / mu, c, c + limit)
    n = np.arange(c + limit + 1)
    busy = c - float(np.maximum(c - n, 0) @ p)  # mean busy servers: c less the idle ones, so never above c
    in_queue = float(np.maximum(n - c, 0) @ p)
    throughput = mu * busy  # = λ (1 - P(K)) in balance, without the cancellation of 1 - P(K) near 1
    wait = in_queue / throughput if throughput > 0 else 0.0
    return Shedding(lam, mu, c, limit, float(p[-1]), throughput, utilization=busy / c,
                    in_system=busy + in_queue, in_queue=in_queue, response_time=wait + 1 / mu, wait=wait)


# --------------------------------------------------------------------------
# The latency numbers
# --------------------------------------------------------------------------

#: Jeff Dean's "numbers everyone should know" in nanoseconds, shortest first: the list of his LADIS 2009
#: keynote ("Designs, Lessons and Advice from Building Large Distributed Systems") plus the three entries
#: the widely copied 2012 version adds (Jonas Bonér's gist "Latency Numbers Every Programmer Should Know"):
#: the 1K network send and the two SSD reads. Names as the lists print them.
LATENCY_NUMBERS = MappingProxyType({
    "L1 cache reference": 0.5,
    "Branch mispredict": 5,
    "L2 cache reference": 7,
    "Mutex lock/unlock": 25,
    "Main memory reference": 100,
    "Compress 1K bytes with Zippy": 3_000,
    "Send 1K bytes over 1 Gbps network": 10_000,
    "Send 2K bytes over 1 Gbps network": 20_000,
    "Read 4K randomly from SSD": 150_000,
    "Read 1 MB sequentially from memory": 250_000,
    "Round trip within same datacenter": 500_000,
    "Read 1 MB sequentially from SSD": 1_000_000,
    "Disk seek": 10_000_000,
    "Read 1 MB sequentially from disk": 20_000_000,
    "Send packet CA->Netherlands->CA": 150_000_000,
})

_COMMON = ("L1 cache reference", "Branch mispredict", "L2 cache reference", "Mutex lock/unlock",
           "Main memory reference", "Compress 1K bytes with Zippy")

#: Each list's entries in its published order (both lists print them in increasing latency).
LATENCY_LISTS = MappingProxyType({
    "Dean 2009": (*_COMMON, "Send 2K bytes over 1 Gbps network", "Read 1 MB sequentially from memory",
                  "Round trip within same datacenter", "Disk seek", "Read 1 MB sequentially from disk",
                  "Send packet CA->Netherlands->CA"),
    "Bonér 2012": (*_COMMON, "Send 1K bytes over 1 Gbps network", "Read 4K randomly from SSD",
                   "Read 1 MB sequentially from memory", "Round trip within same datacenter",
                   "Read 1 MB sequentially from SSD", "Disk seek", "Read 1 MB sequentially from disk",
                   "Send packet CA->Netherlands->CA"),
})

#: Where the two lists differ; every other entry is in both, with the same value.
LATENCY_LIST_DIFFERENCES = MappingProxyType({
    "Send 2K bytes over 1 Gbps network": "2009 only; the 2012 list sends 1K in 10,000 ns instead (the same 1 Gbps)",
    "Send 1K bytes over 1 Gbps network": "2012 only; replaces the 2009 entry for 2K (20,000 ns)",
    "Read 4K randomly from SSD": "2012 only: the 2009 list has no SSD",
    "Read 1 MB sequentially from SSD": "2012 only: the 2009 list has no SSD",
})

_HUMAN_UNITS = (("year", 365.25 * 86_400), ("day", 86_400), ("hour", 3_600), ("minute", 60), ("second", 1))


def _amount(value: float) -> str:
    """Two significant digits below 10 (5.8, 0.5, 3), whole numbers with commas from 10 (231, 1,157)."""
    if value >= 9.95:
        return f"{round(value):,}"
    return f"{value:.2g}" if value >= 0.001 or value == 0 else f"{value:.1e}"


def human_scale(ns: float) -> tuple[float, str]:
    """A latency stretched so that 1 ns lasts 1 s: the stretched duration in seconds, and it in words.

    Units: seconds, minutes, hours, days and years of 365.25 days; the largest that keeps the number >= 1.

    >>> human_scale(100), human_scale(500_000), human_scale(150_000_000)
    ((100.0, '1.7 minutes'), (500000.0, '5.8 days'), (150000000.0, '4.8 years'))
    """
    seconds = _check.number("ns", ns, 0, 1e18)
    unit, size = next(((u, s) for u, s in _HUMAN_UNITS if seconds >= s), _HUMAN_UNITS[-1])
    text = _amount(seconds / size)
    return seconds, f"{text} {unit}" if text == "1" else f"{text} {unit}s"


def latency_table() -> pd.DataFrame:
    """The latency ladder: one row per entry of :data:`LATENCY_NUMBERS`, shortest first.

    Columns: operation, ns, human_seconds and human_time (1 ns stretched to 1 s), and lists
    (which of the two published lists print it).

    >>> latency_table().loc[4, ["operation", "human_time", "lists"]].tolist()
    ['Main memory reference', '1.7 minutes', 'Dean 2009, Bonér 2012']
    """
    rows = []
    for name, ns in LATENCY_NUMBERS.items():
        seconds, text = human_scale(ns)
        lists = ", ".join(source for source, names in LATENCY_LISTS.items() if name in names)
        rows.append({"operation": name, "ns": ns, "human_seconds": seconds, "human_time": text, "lists": lists})
    return pd.DataFrame(rows)
