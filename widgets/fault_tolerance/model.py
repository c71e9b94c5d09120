"""Fault-tolerance models: backoff and jitter, a contention race, a circuit breaker, a bulkhead,
retry amplification across layers and a dead-letter queue.

Plain functions and frozen dataclasses, no widgets. Every simulation is seeded and small enough
to read like the prose that explains it, in the spirit of Marc Brooker's simple simulations.
Times are in the units each function names: backoff waits in the units of ``base``, the
contention race in milliseconds, the breaker's clock in seconds and latencies in milliseconds.
"""

from __future__ import annotations

import heapq
import itertools
import math
import random
from collections.abc import Iterator
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from .. import _check

#: Jitter strategies of :func:`backoff_delays` (AWS Architecture Blog, Brooker 2015).
JITTERS = ("none", "full", "equal", "decorrelated")
#: Strategies of the contention race: no backoff at all, then capped exponential backoff with each jitter.
CONTENTION_STRATEGIES = ("no backoff", *JITTERS)
MAX_RETRIES = 100

# ---------------------------------------------------------------- backoff and jitter


def _backoff_args(base, cap, jitter, allowed=JITTERS) -> tuple[float, float, str]:
    base = _check.number("base", base, 0, 1e9, open_low=True)
    cap = _check.number("cap", cap, 0, 1e12, open_low=True, optional=True)
    return base, math.inf if cap is None else cap, _check.choice("jitter", jitter, allowed)


def _capped(base: float, cap: float, k: int) -> float:
    """v = min(cap, base * 2**k), the capped exponential of attempt k (k = 0 is the first retry)."""
    return min(cap, base * 2.0 ** min(k, 1023))  # 2.0**1024 overflows; capped or not, it is huge


def _waits(jitter: str, base: float, cap: float, rng: np.random.Generator) -> Iterator[float]:
    """The waits before retry 1, 2, 3, ... of one client, drawn from ``rng`` as the AWS post defines them."""
    previous = base
    for k in itertools.count():
        v = _capped(base, cap, k)
        if jitter == "none":
            yield v
        elif jitter == "full":
            yield rng.uniform(0, v)
        elif jitter == "equal":
            yield v / 2 + rng.uniform(0, v / 2)
        else:  # decorrelated: grows from the previous wait, not from k
            previous = min(cap, rng.uniform(base, max(base, 3 * previous)))  # a cap below base/3 would invert the range
            yield previous


def backoff_delays(retries: int, *, base: float, cap: float | None = None, jitter: str = "none",
                   seed: int = 0) -> tuple[float, ...]:
    """The wait before each retry 1..``retries``, in the units of ``base``.

    With v = min(cap, base * 2**k) for attempt k = 0, 1, ...: "none" waits v, "full" uniform(0, v),
    "equal" v/2 + uniform(0, v/2), and "decorrelated" min(cap, uniform(base, 3 * previous wait)),
    the previous wait starting at base (Brooker, "Exponential Backoff and Jitter", AWS Architecture
    Blog, 2015). ``cap=None`` means no cap. Seeded: the same seed gives the same waits.

    >>> backoff_delays(5, base=100, cap=1000)
    (100.0, 200.0, 400.0, 800.0, 1000.0)
    >>> [round(w) for w in backoff_delays(3, base=100, jitter="full", seed=1)]
    [51, 190, 58]
    """
    retries = _check.integer("retries", retries, 0, MAX_RETRIES)
    base, cap, jitter = _backoff_args(base, cap, jitter)
    seed = _check.seed(seed)
    waits = _waits(jitter, base, cap, np.random.default_rng(seed))
    return tuple(float(w) for w in itertools.islice(waits, retries))


def expected_backoff_delays(retries: int, *, base: float, cap: float | None = None,
                            jitter: str = "none") -> tuple[float, ...]:
    """The expected wait before each retry in closed form: v, v/2 and 3v/4 for "none", "full" and "equal".

    Decorrelated jitter's waits depend on each other and have no such form: it raises ValueError.

    >>> expected_backoff_delays(3, base=100, cap=300, jitter="full")
    (50.0, 100.0, 150.0)
    """
    retries = _check.integer("retries", retries, 0, MAX_RETRIES)
    base, cap, jitter = _backoff_args(base, cap, jitter, allowed=("none", "full", "equal"))
    share = {"none": 1.0, "full": 0.5, "equal": 0.75}[jitter]
    return tuple(share * _capped(base, cap, k) for k in range(retries))


# ---------------------------------------------------------------- contention race


@dataclass(frozen=True)
class Contention:
    """Result of :func:`contention`: every client updated the row once.

    >>> contention(3, jitter="full").calls
    6
    """

    jitter: str
    clients: int
    calls: int  # conditional writes that reached the server, the failed ones included
    completion_ms: float  # until the last client heard its write succeed
    finished_ms: tuple[float, ...]  # per client, when it heard its write succeed


def contention(clients: int, *, jitter: str, base: float = 5.0, cap: float | None = 2000.0, seed: int = 0,
               delay_ms: float = 10.0, delay_sd_ms: float = 2.0) -> Contention:
    """``clients`` clients, all starting at 0 ms, each update one row once with optimistic concurrency.

    Each attempt reads the row's version, then writes it conditionally: the write succeeds only if
    no other write succeeded since that read. A loser hears so, backs off by its next wait
    (:func:`backoff_delays`; "no backoff" retries at once) and reads again. Every message takes
    |normal(delay_ms, delay_sd_ms)| ms. This is the model of Brooker's simulator for the AWS post
    (base 5 ms, cap 2,000 ms, network 10 ms ± 2 ms there too). The network's delays and the jitter
    come from two streams seeded by ``seed``, so every strategy meets the same network.

    >>> race = contention(10, jitter="none")
    >>> race.calls, round(race.completion_ms)
    (55, 2972)
    """
    clients = _check.integer("clients", clients, 1, 1000)
    base, cap, jitter = _backoff_args(base, cap, jitter, allowed=CONTENTION_STRATEGIES)
    seed = _check.seed(seed)
    mean = _check.number("delay_ms", delay_ms, 0, 1e4, open_low=True)
    sd = _check.number("delay_sd_ms", delay_sd_ms, 0, 1e4)
    network, jitter_rng = np.random.default_rng([seed, 0]), np.random.default_rng([seed, 1])

    def delay() -> float:
        return abs(network.normal(mean, sd))

    strategy, first = ("none", 0.0) if jitter == "no backoff" else (jitter, base)  # no backoff: waits from 0, all 0
    waits = [_waits(strategy, first, cap, jitter_rng) for _ in range(clients)]
    events = [(delay(), client, "read") for client in range(clients)]  # each client's first read
    heapq.heapify(events)
    version, calls, read_version, finished = 0, 0, [0] * clients, [0.0] * clients
    while events:
        now, client, kind = heapq.heappop(events)
        if kind == "read":  # reply with the version; the client then sends its write
            read_version[client] = version
            heapq.heappush(events, (now + delay() + delay(), client, "write"))
            continue
        calls += 1
        if read_version[client] == version:  # nobody wrote since this client read: it wins
            version += 1
            finished[client] = now + delay()
        else:  # the loser hears it failed, backs off, then reads again
            heapq.heappush(events, (now + delay() + next(waits[client]) + delay(), client, "read"))
    return Contention(jitter, clients, calls, max(finished), tuple(finished))


def contention_table(clients: int, *, base: float = 5.0, cap: float | None = 2000.0, seed: int = 0,
                     runs: int = 1, delay_ms: float = 10.0, delay_sd_ms: float = 2.0) -> pd.DataFrame:
    """Every strategy of :data:`CONTENTION_STRATEGIES` racing on the same seeds, one row each.

    Columns: "calls" (writes per race) and "completion ms" (until all succeed), each the mean over
    ``runs`` races seeded ``seed``, ``seed + 1``, ...

    >>> contention_table(10).round().astype(int).to_dict("index")["full"]
    {'calls': 41, 'completion ms': 443}
    """
    runs = _check.integer("runs", runs, 1, 100)
    seed = _check.seed(seed, spare=100)
    rows = {
        strategy: np.mean([
            (race.calls, race.completion_ms)
            for race in (contention(clients, jitter=strategy, base=base, cap=cap, seed=seed + run,
                                    delay_ms=delay_ms, delay_sd_ms=delay_sd_ms) for run in range(runs))
        ], axis=0)
        for strategy in CONTENTION_STRATEGIES
    }
    return pd.DataFrame.from_dict(rows, orient="index", columns=["calls", "completion ms"])


# ---------------------------------------------------------------- circuit breaker

CLOSED, OPEN, HALF_OPEN = "closed", "open", "half-open"


@dataclass(frozen=True)
class CircuitBreaker:
    """A circuit breaker's state: immutable, so each event returns the next breaker.

    Closed, it counts the outcomes of its last ``window_calls`` calls and opens when
    ``failure_threshold`` of them failed. Open, it fails calls fast until ``reset_timeout_s``
    seconds have passed since it opened; the first call after that finds it half-open
    (it turns lazily, at that call, as pybreaker does) and goes through as a trial:
    a success closes the breaker, a failure opens it again.

    The window counts calls, not seconds. With ``window_calls`` equal to ``failure_threshold``
    (the default, ``None``) it opens after that many *consecutive* failures: pybreaker's rule
    (``fail_max``). A larger window also trips on failures among successes (F of the last W calls).

    >>> breaker = CircuitBreaker(failure_threshold=2, reset_timeout_s=10)
    >>> breaker.record(0, failed=True).record(1, failed=True).state
    'open'
    """

    failure_threshold: int = 5
    window_calls: int | None = None
    reset_timeout_s: float = 30.0
    state: str = CLOSED
    opened_at_s: float = -math.inf
    recent: tuple[bool, ...] = ()  # closed: the outcomes of the last calls, True where one failed

    def __post_init__(self) -> None:
        threshold = _check.integer("failure_threshold", self.failure_threshold, 1, 10_000)
        window = threshold if self.window_calls is None else self.window_calls
        object.__setattr__(self, "window_calls", _check.integer("window_calls", window, threshold, 100_000))
        _check.number("reset_timeout_s", self.reset_timeout_s, 0, 1e6)
        _check.choice("state", self.state, (CLOSED, OPEN, HALF_OPEN))

    def admit(self, now_s: float) -> CircuitBreaker:
        """The breaker as a call at ``now_s`` finds it: half-open once an open breaker's timeout is over."""
        if self.state == OPEN and now_s >= self.opened_at_s + self.reset_timeout_s:
            return replace(self, state=HALF_OPEN)
        return self

    @property
    def allows_call(self) -> bool:
        """Whether a call goes through to the dependency (closed or half-open) or fails fast (open)."""
        return self.state != OPEN

    def record(self, now_s: float, *, failed: bool) -> CircuitBreaker:
        """The breaker after a call it let through finished at ``now_s``, failed or not."""
        if not self.allows_call:
            raise ValueError("state must be 'closed' or 'half-open' to record a call, got 'open'")
        if self.state == HALF_OPEN:
            return self._open(now_s) if failed else replace(self, state=CLOSED, recent=())
        recent = (*self.recent, bool(failed))[-self.window_calls:]
        return self._open(now_s) if sum(recent) >= self.failure_threshold else replace(self, recent=recent)

    def _open(self, now_s: float) -> CircuitBreaker:
        return replace(self, state=OPEN, opened_at_s=now_s, recent=())


@dataclass(frozen=True, eq=False)
class BreakerRun:
    """Result of :func:`breaker_run`.

    >>> breaker_run(duration_s=10, outage_start_s=2, outage_length_s=3, reset_timeout_s=1).timeline.state.tolist()
    ['closed', 'open', 'half-open', 'open', 'half-open', 'open', 'half-open', 'closed']
    """

    timeline: pd.DataFrame  # time_s, state: the starting state, then every change
    requests: pd.DataFrame  # per request: time_s, state (as it found the breaker), called, failed, latency_ms
    dependency_calls: int  # calls that reached the dependency
    dependency_failures: int
    failed_fast: int  # calls the open breaker refused
    fallback_rate: float  # the fraction answered by the fallback: failed fast or failed
    mean_latency_ms: float
    p99_latency_ms: float  # numpy's percentile, linear interpolation


def poisson_arrivals(rate_per_s: float, duration_s: float, rng: np.random.Generator) -> np.ndarray:
    """Sorted arrival times (s) of a Poisson stream: a Poisson count, then that many uniform times.

    >>> poisson_arrivals(2, 5, np.random.default_rng(0)).round(2).tolist()
    [0.01, 0.08, 0.2, 2.72, 3.03, 3.65, 4.07, 4.08, 4.29, 4.56, 4.68]
    """
    rate = _check.number("rate_per_s", rate_per_s, 0, 10_000, open_low=True)
    duration = _check.number("duration_s", duration_s, 0, 100_000, open_low=True)
    if rate * duration > 2_000_000:
        raise ValueError(f"rate_per_s must be at most {2_000_000 / duration:g} for this duration, got {rate_per_s!r}")
    return np.sort(rng.uniform(0, duration, rng.poisson(rate * duration)))


def breaker_run(*, rate_per_s: float = 20.0, duration_s: float = 120.0, outage_start_s: float = 30.0,
                outage_length_s: float = 40.0, failure_threshold: int = 5, window_calls: int | None = None,
                reset_timeout_s: float = 10.0, normal_ms: float = 20.0, timeout_ms: float = 1000.0,
                outage: str = "timeout", fallback_ms: float = 1.0, use_breaker: bool = True,
                seed: int = 0) -> BreakerRun:
    """A circuit breaker over a seeded Poisson stream of requests with an outage of the dependency.

    Requests arrive at ``rate_per_s`` for ``duration_s`` seconds. During [outage_start_s,
    outage_start_s + outage_length_s) every call to the dependency fails: after ``timeout_ms`` if
    ``outage`` is "timeout", at once (``normal_ms``) if "error". Otherwise a call succeeds in
    ``normal_ms``. A failed or refused call is answered by a fallback (a cached or degraded
    answer) in ``fallback_ms`` more. The breaker sees each outcome at the request's arrival time
    (a synchronous breaker, as pybreaker is); the latencies are what callers wait.
    ``use_breaker=False`` sends every call to the dependency, for comparison.

    >>> run = breaker_run(seed=1)
    >>> run.dependency_calls, run.failed_fast, round(run.fallback_rate, 3)
    (1580, 822, 0.346)
    """
    seed = _check.seed(seed)
    arrivals = poisson_arrivals(rate_per_s, duration_s, np.random.default_rng(seed))
    start = _check.number("outage_start_s", outage_start_s, 0, 1e6)
    end = start + _check.number("outage_length_s", outage_length_s, 0, 1e6)
    normal = _check.number("normal_ms", normal_ms, 0, 1e6)
    timeout = _check.number("timeout_ms", timeout_ms, 0, 1e6)
    failure_ms = normal if _check.choice("outage", outage, ("timeout", "error")) == "error" else timeout
    fallback = _check.number("fallback_ms", fallback_ms, 0, 1e6)
    use_breaker = _check.choice("use_breaker", use_breaker, (True, False))
    breaker = CircuitBreaker(failure_threshold, window_calls, reset_timeout_s)
    timeline, rows = [(0.0, CLOSED)], []
    for now in arrivals.tolist():
        breaker = breaker.admit(now) if use_breaker else breaker
        state, called, failed = breaker.state, breaker.allows_call, start <= now < end
        if called and use_breaker:
            breaker = breaker.record(now, failed=failed)
        latency = (failure_ms + fallback if failed else normal) if called else fallback
        rows.append((now, state, called, called and failed, latency))
        for seen in (state, breaker.state):
            if seen != timeline[-1][1]:
                timeline.append((now, seen))
    requests = pd.DataFrame(rows, columns=["time_s", "state", "called", "failed", "latency_ms"])
    latency = requests.latency_ms.to_numpy()
    return BreakerRun(
        timeline=pd.DataFrame(timeline, columns=["time_s", "state"]),
        requests=requests,
        dependency_calls=int(requests.called.sum()),
        dependency_failures=int(requests.failed.sum()),
        failed_fast=int((~requests.called).sum()),
        fallback_rate=float((requests.failed | ~requests.called).mean()) if rows else 0.0,
        mean_latency_ms=float(latency.mean()) if rows else 0.0,
        p99_latency_ms=float(np.percentile(latency, 99)) if rows else 0.0,
    )


def state_spans(run: BreakerRun, *, duration_s: float) -> pd.DataFrame:
    """The breaker's timeline as spans (start_s, end_s, state) until ``duration_s``, for drawing.

    A half-open trial starts and ends at the call that tried it: a span of no length.

    >>> state_spans(breaker_run(duration_s=10, outage_start_s=2, outage_length_s=3, reset_timeout_s=1),
    ...             duration_s=10).round(2).values.tolist()[:3]
    [[0.0, 2.39, 'closed'], [2.39, 3.44, 'open'], [3.44, 3.44, 'half-open']]
    """
    duration = _check.number("duration_s", duration_s, 0, 1e6, open_low=True)
    starts = run.timeline.time_s.to_numpy()
    ends = np.minimum(np.append(starts[1:], max(duration, starts[-1])), duration)
    return pd.DataFrame({"start_s": np.minimum(starts, duration), "end_s": ends, "state": run.timeline.state})


def breaker_series(run: BreakerRun, *, duration_s: float, bin_s: float = 5.0) -> pd.DataFrame:
    """Calls per second in bins of ``bin_s`` seconds over [0, ``duration_s``): those that reached the
    dependency ("dependency") and those the open breaker failed fast ("failed fast"), by the bin's start.

    >>> breaker_series(breaker_run(seed=1), duration_s=120, bin_s=30).round(1).values.tolist()
    [[0.0, 20.1, 0.0], [30.0, 0.2, 20.4], [60.0, 12.4, 7.0], [90.0, 20.0, 0.0]]
    """
    duration = _check.number("duration_s", duration_s, 0, 1e6, open_low=True)
    width = _check.number("bin_s", bin_s, 0, duration, open_low=True)
    starts = np.arange(0, duration, width)
    edges = np.append(starts[starts < duration - 1e-9 * width], duration)  # the last bin may be shorter
    times, called = run.requests.time_s.to_numpy(), run.requests.called.to_numpy(dtype=bool)
    counts = [np.histogram(times[mask], edges)[0] / np.diff(edges) for mask in (called, ~called)]
    return pd.DataFrame({"start_s": edges[:-1], "dependency": counts[0], "failed fast": counts[1]})


# ---------------------------------------------------------------- bulkhead


@dataclass(frozen=True)
class Endpoint:
    """What one endpoint's callers see in :func:`bulkhead`.

    >>> bulkhead(4, 2, rate_per_s=5, normal_ms=100, slow_ms=100, isolated=True)[1].workers
    2
    """

    endpoint: int
    slow: bool  # endpoint 0 is the one whose dependency slows down
    workers: int  # the workers that may serve it: the whole pool when shared
    requests: int
    success_rate: float  # the fraction answered within timeout_ms
    mean_ms: float
    p99_ms: float  # numpy's percentile, linear interpolation


def fcfs_response_ms(arrivals_ms: np.ndarray, service_ms: np.ndarray, workers: int) -> np.ndarray:
    """Response times of a first-come, first-served queue with ``workers`` workers (arrivals sorted).

    Each request starts when it arrives or when the earliest-free worker frees up, whichever is later.

    >>> fcfs_response_ms(np.array([0, 0, 0]), np.array([5, 5, 5]), 2).tolist()
    [5.0, 5.0, 10.0]
    """
    free = [0.0] * _check.integer("workers", workers, 1, 10_000)
    response = np.empty(len(arrivals_ms))
    for i, (arrival, service) in enumerate(zip(arrivals_ms.tolist(), service_ms.tolist())):
        done = max(arrival, free[0]) + service
        heapq.heapreplace(free, done)
        response[i] = done - arrival
    return response


def _endpoint_traffic(endpoint: int, rate_per_s: float, duration_s: float, mean_ms: float,
                      seed: int) -> tuple[np.ndarray, np.ndarray]:
    """One endpoint's arrivals (ms) and exponential service times, from its own seeded stream."""
    rng = np.random.default_rng([seed, endpoint])
    arrivals = poisson_arrivals(rate_per_s, duration_s, rng) * 1000
    return arrivals, rng.standard_exponential(len(arrivals)) * mean_ms


def bulkhead(pool_size: int, endpoints: int, *, rate_per_s: float, normal_ms: float, slow_ms: float,
             isolated: bool, timeout_ms: float = 1000.0, duration_s: float = 60.0,
             seed: int = 0) -> tuple[Endpoint, ...]:
    """Endpoints sharing one pool of ``pool_size`` workers, or with a pool each, when one dependency slows.

    Each endpoint gets Poisson requests at ``rate_per_s`` with exponential service times of mean
    ``normal_ms``, except endpoint 0, whose dependency has slowed to a mean of ``slow_ms``. Shared:
    one first-come, first-served M/M/c queue for all. Isolated (bulkheads): each endpoint has
    ``pool_size // endpoints`` workers of its own (the remainder idle). Each endpoint's traffic
    comes from its own seeded stream, so under isolation the others do not depend on ``slow_ms``.

    >>> [round(e.success_rate, 3) for e in bulkhead(8, 4, rate_per_s=10, normal_ms=50, slow_ms=500, isolated=False)]
    [0.808, 0.976, 0.987, 0.975]
    >>> [round(e.success_rate, 3) for e in bulkhead(8, 4, rate_per_s=10, normal_ms=50, slow_ms=500, isolated=True)]
    [0.01, 1.0, 1.0, 1.0]
    """
    pool_size = _check.integer("pool_size", pool_size, 1, 10_000)
    endpoints = _check.integer("endpoints", endpoints, 1, min(pool_size, 100))
    normal = _check.number("normal_ms", normal_ms, 0, 1e6, open_low=True)
    slow = _check.number("slow_ms", slow_ms, 0, 1e6, open_low=True)
    isolated = _check.choice("isolated", isolated, (True, False))
    timeout = _check.number("timeout_ms", timeout_ms, 0, 1e7, open_low=True)
    seed = _check.seed(seed)
    traffic = [_endpoint_traffic(e, rate_per_s, duration_s, slow if e == 0 else normal, seed) for e in range(endpoints)]
    if isolated:
        workers = pool_size // endpoints
        responses = [fcfs_response_ms(arrivals, service, workers) for arrivals, service in traffic]
    else:
        workers = pool_size
        owner = np.concatenate([np.full(len(arrivals), e) for e, (arrivals, _) in enumerate(traffic)])
        order = np.argsort(np.concatenate([arrivals for arrivals, _ in traffic]), kind="stable")
        merged = fcfs_response_ms(*(np.concatenate(part)[order] for part in zip(*traffic)), workers)
        responses = [merged[owner[order] == e] for e in range(endpoints)]
    return tuple(_endpoint(e, workers, r, timeout) for e, r in enumerate(responses))


def _endpoint(endpoint: int, workers: int, response_ms: np.ndarray, timeout_ms: float) -> Endpoint:
    if not len(response_ms):  # no requests: none failed
        return Endpoint(endpoint, endpoint == 0, workers, 0, 1.0, 0.0, 0.0)
    return Endpoint(endpoint, endpoint == 0, workers, len(response_ms),
                    float(np.mean(response_ms <= timeout_ms)), float(response_ms.mean()),
                    float(np.percentile(response_ms, 99)))


def bulkhead_table(pool_size: int, endpoints: int, *, rate_per_s: float, normal_ms: float, slow_ms: float,
                   timeout_ms: float = 1000.0, duration_s: float = 60.0, seed: int = 0) -> pd.DataFrame:
    """:func:`bulkhead` shared and isolated on the same seeded traffic, one row per (pool, endpoint).

    >>> bulkhead_table(8, 4, rate_per_s=10, normal_ms=50, slow_ms=500).loc["isolated", "success_rate"].round(3).tolist()
    [0.01, 1.0, 1.0, 1.0]
    """
    rows = {
        (pool, e.endpoint): {"slow": e.slow, "workers": e.workers, "success_rate": e.success_rate,
                             "mean_ms": e.mean_ms, "p99_ms": e.p99_ms}
        for pool, isolated in (("shared", False), ("isolated", True))
        for e in bulkhead(pool_size, endpoints, rate_per_s=rate_per_s, normal_ms=normal_ms, slow_ms=slow_ms,
                          isolated=isolated, timeout_ms=timeout_ms, duration_s=duration_s, seed=seed)
    }
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis(["pool", "endpoint"])


# ---------------------------------------------------------------- retry amplification


@dataclass(frozen=True)
class Amplification:
    """Calls reaching the deepest dependency per user request, from :func:`retry_amplification`.

    >>> retry_amplification(3, 2, 1.0)
    Amplification(expected=27.0, worst=27.0, ceiling=27.0)
    """

    expected: float  # with no budget, for the given failure probability
    worst: float  # (1 + retries) ** layers: every call fails, no budget
    ceiling: float  # (1 + min(budget, retries)) ** layers with a budget, else worst


def _amplification_args(layers, retries, failure_probability, budget):
    return (_check.integer("layers", layers, 1, 8), _check.integer("retries", retries, 0, 10),
            _check.number("failure_probability", failure_probability, 0, 1),
            _check.number("budget", budget, 0, 10, optional=True))


def retry_amplification(layers: int, retries: int, failure_probability: float, *,
                        budget: float | None = None) -> Amplification:
    """Calls reaching the deepest dependency per user request when each of ``layers`` layers retries.

    ``retries`` k retries means k + 1 attempts. Each call to the deepest dependency fails
    independently with probability p; a layer's call fails when all its attempts failed. With
    q_0 = p and q_i = q_{i-1} ** (k + 1), a call into layer i makes 1 + q + ... + q**k attempts
    on average at q = q_{i-1}, each costing what a call into layer i - 1 costs, independently of
    whether earlier attempts failed. So the expected load is the product over i of
    (1 + q_i + ... + q_i**k), which is (k + 1) ** layers when everything fails.

    A retry budget of ``budget`` b (each layer retries at most b times per request it received,
    as in Finagle's RetryBudget and Brooker's "What is Backoff For?", 2022, with b = 0.1 there)
    caps what each layer sends down at (1 + min(b, k)) times what it received, so no mix of outcomes
    exceeds (1 + min(b, k)) ** layers in the long run. With a budget the expectation itself has no
    simple closed form: :func:`retry_amplification_sim` gives it.

    >>> retry_amplification(2, 1, 0.5, budget=0.1)
    Amplification(expected=1.875, worst=4.0, ceiling=1.2100000000000002)
    """
    layers, retries, p, budget = _amplification_args(layers, retries, failure_probability, budget)
    expected, q = 1.0, p
    for _ in range(layers):
        expected *= sum(q**j for j in range(retries + 1))
        q **= retries + 1
    worst = float((1 + retries) ** layers)
    ceiling = worst if budget is None else (1 + min(budget, retries)) ** layers
    return Amplification(expected, worst, ceiling)


def retry_amplification_sim(layers: int, retries: int, failure_probability: float, *,
                            budget: float | None = None, requests: int = 2000, seed: int = 0) -> float:
    """The mean calls reaching the deepest dependency per user request, simulated (seeded).

    Each user request calls the top layer; a layer calls the one below up to ``retries`` + 1 times
    until one succeeds; each call to the deepest dependency fails with ``failure_probability``.
    With a ``budget`` b, a layer allows a retry only while its retries stay at most b times the
    requests it has received so far (Finagle's RetryBudget without its per-second floor).

    >>> retry_amplification_sim(3, 2, 1.0), retry_amplification_sim(3, 2, 1.0, budget=0.1)
    (27.0, 1.331)
    """
    layers, retries, p, budget = _amplification_args(layers, retries, failure_probability, budget)
    requests = _check.integer("requests", requests, 1, 100_000)
    draw = random.Random(_check.seed(seed)).random
    received, retried = [0] * (layers + 1), [0] * (layers + 1)
    deepest = 0

    def call(layer: int) -> bool:
        """One call into ``layer`` (0 is the deepest dependency); True if it succeeded."""
        nonlocal deepest
        if layer == 0:
            deepest += 1
            return draw() >= p
        received[layer] += 1
        for attempt in range(retries + 1):
            if attempt:
                if budget is not None and retried[layer] + 1 > budget * received[layer]:
                    return False  # the budget is spent: give up
                retried[layer] += 1
            if call(layer - 1):
                return True
        return False

    for _ in range(requests):
        call(layers)
    return deepest / requests


def amplification_points(layers: int, retries: int, probabilities, *, budget: float, calls: int = 3000,
                         seed: int = 0) -> pd.DataFrame:
    """Calls at the deepest dependency per user request at each failure probability: the closed form
    without a budget ("expected"), simulated without ("simulated") and with the retry ``budget``
    ("with budget"), and the user requests each simulation ran ("requests", "requests with budget").

    Each simulation runs about ``calls`` deepest calls (at least one request, at most 2,000), so its
    cost stays the same wherever the storm is worst; fewer requests make noisier dots.

    >>> amplification_points(3, 2, [0.5, 1.0], budget=0.1).round(3).values.tolist()
    [[2.0, 1.971, 1.33, 1500.0, 2000.0], [27.0, 27.0, 1.331, 111.0, 2000.0]]
    """
    calls = _check.integer("calls", calls, 1, 1_000_000)
    rows = {}
    for p in probabilities:
        bound = retry_amplification(layers, retries, p, budget=budget)
        without, within = (max(1, min(2000, int(calls // cost))) for cost in (bound.expected,
                                                                               min(bound.expected, bound.ceiling)))
        rows[float(p)] = (bound.expected,
                          retry_amplification_sim(layers, retries, p, requests=without, seed=seed),
                          retry_amplification_sim(layers, retries, p, budget=budget, requests=within, seed=seed),
                          without, within)
    columns = ["expected", "simulated", "with budget", "requests", "requests with budget"]
    return pd.DataFrame.from_dict(rows, orient="index", columns=columns).rename_axis("failure_probability")


# ---------------------------------------------------------------- dead-letter queue


@dataclass(frozen=True, eq=False)
class DeadLetterRun:
    """Result of :func:`dead_letter_run`; ``messages`` has one row per message sent.

    >>> run = dead_letter_run(100, failure_probability=0.5, max_attempts=2, seed=1)
    >>> run.delivered, run.dead_lettered, run.in_flight
    (72, 28, 0)
    """

    sent: int  # messages whose first attempt was at or before the horizon
    delivered: int
    dead_lettered: int  # failed max_attempts times: parked for a person or a later replay
    in_flight: int  # failed, waiting for a retry after the horizon
    retries: int  # attempts after the first, over all messages
    retried: int  # messages that needed at least one retry
    messages: pd.DataFrame  # message, attempts, status ("delivered", "dead-lettered", "in flight"), at_s


def dead_letter_run(messages: int, *, failure_probability: float = 0.05, outage_start_s: float = 0.0,
                    outage_length_s: float = 0.0, max_attempts: int = 5, retry_delay_s: float = 60.0,
                    rate_per_s: float = 1.0, horizon_s: float | None = None, seed: int = 0) -> DeadLetterRun:
    """Writes to a third-party API: a failed write is parked and retried ``retry_delay_s`` later.

    Message i is first sent at i / ``rate_per_s`` seconds. An attempt fails with
    ``failure_probability``, and always during the outage [outage_start_s, outage_start_s +
    outage_length_s). After ``max_attempts`` failed attempts the message goes to the dead-letter
    queue. The run stops at ``horizon_s`` (``None``: when nothing is left to retry); messages
    still parked then are in flight. Nothing is lost: delivered + dead-lettered + in flight = sent.

    >>> dead_letter_run(600, outage_start_s=100, outage_length_s=200, max_attempts=3).dead_lettered
    84
    """
    messages = _check.integer("messages", messages, 0, 1_000_000)
    p = _check.number("failure_probability", failure_probability, 0, 1)
    start = _check.number("outage_start_s", outage_start_s, 0, 1e9)
    end = start + _check.number("outage_length_s", outage_length_s, 0, 1e9)
    max_attempts = _check.integer("max_attempts", max_attempts, 1, 100)
    delay = _check.number("retry_delay_s", retry_delay_s, 0, 1e9, open_low=True)
    rate = _check.number("rate_per_s", rate_per_s, 0, 1e6, open_low=True)
    horizon = _check.number("horizon_s", horizon_s, 0, 1e12, optional=True)
    draw = random.Random(_check.seed(seed)).random
    sends = [i / rate for i in range(messages)]
    parked = [(t, i, 1) for i, t in enumerate(sends)]  # (when, message, attempt): a heap, already sorted
    outcome = {}  # message -> (attempts, status, at_s)
    while parked and (horizon is None or parked[0][0] <= horizon):
        now, message, attempt = heapq.heappop(parked)
        if not (start <= now < end or draw() < p):
            outcome[message] = (attempt, "delivered", now)
        elif attempt == max_attempts:
            outcome[message] = (attempt, "dead-lettered", now)
        else:
            heapq.heappush(parked, (now + delay, message, attempt + 1))
    waiting = [(message, attempt - 1, "in flight", now) for now, message, attempt in parked if attempt > 1]
    table = pd.DataFrame([(m, *o) for m, o in outcome.items()] + waiting,
                         columns=["message", "attempts", "status", "at_s"]).sort_values("message", ignore_index=True)
    count = table.status.value_counts()
    sent = messages if horizon is None else sum(t <= horizon for t in sends)
    return DeadLetterRun(
        sent=sent, delivered=int(count.get("delivered", 0)),
        dead_lettered=int(count.get("dead-lettered", 0)), in_flight=len(waiting),
        retries=int((table.attempts - 1).sum()), retried=int((table.attempts > 1).sum()), messages=table,
    )
