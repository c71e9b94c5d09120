"""Rate limiting's model: five limiters on one stream of requests, and per-client limits at a gateway.

Plain functions and frozen dataclasses, no view code (the views are in :mod:`.views`). Times are in
seconds; rates are requests per second.

**The limiters** (:func:`rate_limit`: one admit or reject per request, in arrival order). Each takes a
``rate`` r and a ``window`` w; the window algorithms allow L = floor(r × w) requests per window
(:func:`window_limit`), the buckets hold ``burst`` b requests (default r × w, the window's worth).

* ``"token_bucket"``: a bucket of b tokens, full at the first request, refilled continuously at r a
  second up to b; a request takes one whole token or is refused. The token bucket of RFC 2697
  (Heinanen and Guerin 1999: "initially full", refilled at the committed rate).
* ``"leaky_bucket"``: the leaky bucket *as a queue*: admitted requests leave the bucket in arrival
  order, one every 1/r s (the first at once), so the service behind sees a steady stream; a request that
  would wait more than (b - 1)/r s (b requests would be in the bucket, each taking 1/r s to leak out)
  is refused. The admission test is the *leaky bucket as a meter*, which is the virtual-scheduling form
  of the Generic Cell Rate Algorithm, GCRA(T = 1/r, tau = (b - 1)/r) (ITU-T I.371; Turner 1986 named the
  leaky bucket). It admits exactly the requests the token bucket of the same r and b admits (the tests
  check it): the two differ in what they pass on, the token bucket at once, in bursts of up to b, the
  leaky bucket smoothed to r, at the price of a delay of up to (b - 1)/r s
  (:func:`leaky_bucket_departures`).
* ``"fixed_window"``: at most L requests in each window [k w, (k + 1) w), k = floor(t / w): aligned to
  multiples of w (as the "start of minute" fixed window of early versions of the ``limits`` library).
  Up to 2 L can pass in a span much shorter than w, across an edge.
* ``"sliding_log"``: a log of the admitted times; a request is admitted if fewer than L admitted times
  lie in (t - w, t]. Never more than L in any window [s, s + w) (the tests check it).
* ``"sliding_counter"``: the sliding-window counter of Cloudflare's rate limiter (Desgats 2017): the
  previous aligned window's count, weighted by the share of the sliding window (t - w, t] that
  overlaps it, plus the current window's count, estimates the requests in the last w seconds; a
  request is admitted if that estimate is below L (then it is counted). Like the ``limits`` library we
  count admitted requests only; Cloudflare counts every request that matches the rule, so a client that
  keeps sending above the limit stays blocked. With an empty previous window it is the fixed window.

**The stream** (:func:`bursty_arrivals`): seeded Poisson background traffic plus bursts of many
requests within a fraction of a second, at random times or centred on window edges.

**The gateway** (:func:`noisy_neighbour`): several clients share one server of fixed capacity; one sends
k times as fast as the others. The server is a FIFO queue served one request at a time, 1/capacity s
each, holding at most ``queue`` requests (more are shed with a 503): the same GCRA, now at the server.
With no limits the noisy client fills the queue and every client loses the same share; with a token
bucket per client at the gateway (429 above the limit) the others keep their service.

References: Heinanen and Guerin (1999), RFC 2697; ITU-T Recommendation I.371 (2004), annex A (GCRA);
Turner (1986), IEEE Communications Magazine 24(10); Desgats (2017), "How we built rate limiting capable
of scaling to millions of domains", Cloudflare blog; the ``limits`` library's documentation
(strategies), used in the tests as an independent implementation.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass
from typing import Any

import numpy as np

from widgets import _check

#: The algorithms :func:`rate_limit` runs, in the order the views show them.
ALGORITHMS = ("token_bucket", "leaky_bucket", "fixed_window", "sliding_log", "sliding_counter")
#: Largest rate (requests a second), window (s), stream length (s) and number of requests taken.
MAX_RATE = 1e6
MAX_WINDOW = 1e6
MAX_DURATION = 1e5
MAX_REQUESTS = 2_000_000
#: Tolerance, in tokens, for float rounding: a bucket 1e-9 of a token short of a whole one counts as full.
EPS = 1e-9
#: Tolerance, in seconds, at a window's end in :func:`largest_in_window`: a time within 1 ns of the end
#: counts as outside (departures 1/rate apart, added up in floats, land a hair early).
TIME_EPS = 1e-9


def _rate(name: str, value: Any) -> float:
    return _check.number(name, value, 0, MAX_RATE, open_low=True)


def _window(value: Any) -> float:
    return _check.number("window", value, 0, MAX_WINDOW, open_low=True)


def _times(times: Any) -> np.ndarray:
    """``times`` as a float array: a non-decreasing sequence of finite numbers (seconds)."""
    try:
        array = np.asarray(times, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"times must be a non-decreasing sequence of finite numbers (seconds), got {times!r}") from None
    if array.ndim != 1 or len(array) > MAX_REQUESTS or not np.isfinite(array).all() or (np.diff(array) < 0).any():
        shown = array.tolist()[:8] if array.ndim == 1 else array.shape
        raise ValueError(f"times must be a non-decreasing sequence of at most {MAX_REQUESTS:,} finite numbers "
                         f"(seconds), got {shown!r}")
    return array


def window_limit(rate: float, window: float) -> int:
    """L = floor(rate × window): the whole requests the window algorithms allow per window (at least 1).

    >>> window_limit(10, 1.0), window_limit(2.3, 10), window_limit(7.5, 2)
    (10, 23, 15)
    >>> window_limit(0.5, 1.0)
    Traceback (most recent call last):
    ValueError: rate × window must be at least 1 request, got rate=0.5, window=1.0
    """
    r, w = _rate("rate", rate), _window(window)
    limit = math.floor(r * w * (1 + 1e-12))  # 2.3 × 10 is 22.999999999999996 in floats
    if limit < 1:
        raise ValueError(f"rate × window must be at least 1 request, got rate={r!r}, window={w!r}")
    return limit


def _burst(burst: Any, rate: float, window: float) -> float:
    """The buckets' size: ``burst`` if given, else rate × window; at least 1 (else nothing passes)."""
    if burst is None:
        burst = rate * window
        if burst < 1:
            raise ValueError(f"burst must be given when rate × window < 1, got rate={rate!r}, window={window!r}")
        return burst
    return _check.number("burst", burst, 1, MAX_REQUESTS)


# --------------------------------------------------------------------------
# The five limiters
# --------------------------------------------------------------------------


def _token_bucket(times: np.ndarray, rate: float, burst: float) -> np.ndarray:
    admitted = [False] * len(times)
    tokens, last, whole = burst, float(times[0]) if len(times) else 0.0, 1 - EPS
    for i, t in enumerate(times.tolist()):
        tokens += (t - last) * rate
        if tokens > burst:
            tokens = burst
        last = t
        if tokens >= whole:
            tokens -= 1
            admitted[i] = True
    return np.array(admitted, dtype=bool)


def _gcra(times: np.ndarray, rate: float, burst: float) -> tuple[np.ndarray, np.ndarray]:
    """GCRA's virtual scheduling: (admitted, when each admitted request leaves; NaN if refused).

    TAT, the theoretical arrival time, is when the bucket is next free to let a request out; a request at
    t leaves at max(t, TAT) and is admitted if that wait is at most tau = (burst - 1)/rate.
    """
    interval, slack = 1 / rate, (burst - 1) / rate + EPS / rate  # tau, and the float tolerance
    admitted, leaves = [False] * len(times), [math.nan] * len(times)
    tat = -math.inf
    for i, t in enumerate(times.tolist()):
        start = tat if tat > t else t
        if start - t <= slack:
            admitted[i], leaves[i] = True, start
            tat = start + interval
    return np.array(admitted, dtype=bool), np.array(leaves, dtype=float)


def _fixed_window(times: np.ndarray, window: float, limit: int) -> np.ndarray:
    """Admit the first ``limit`` requests of each aligned window (its rank within the window < limit)."""
    index = np.floor(times / window)
    first = np.searchsorted(index, index, side="left")  # position of the window's first request
    return np.arange(len(times)) - first < limit


def _sliding_log(times: np.ndarray, window: float, limit: int) -> np.ndarray:
    admitted = np.zeros(len(times), dtype=bool)
    log: deque[float] = deque()
    for i, t in enumerate(times.tolist()):
        while log and log[0] <= t - window:
            log.popleft()
        if len(log) < limit:
            log.append(t)
            admitted[i] = True
    return admitted


def _estimate(previous: float, current: float, elapsed: float, window: float) -> float:
    return previous * (1 - elapsed / window) + current


def sliding_estimate(previous: float, current: float, elapsed: float, window: float) -> float:
    """The sliding-window counter's estimate of the requests in the last ``window`` seconds.

    ``previous``: the previous aligned window's count; ``current``: this window's so far; ``elapsed``:
    seconds since this window began. The previous count is weighted by the share of the last ``window``
    seconds that lies in the previous window, as if its requests had been spread evenly. Cloudflare's
    example (Desgats 2017): a limit of 50 a minute, 42 requests in the previous minute, 18 in this one
    which began 15 s ago:

    >>> sliding_estimate(42, 18, 15, 60)
    49.5
    """
    w = _window(window)
    return _estimate(_check.number("previous", previous, 0, MAX_REQUESTS),
                     _check.number("current", current, 0, MAX_REQUESTS),
                     _check.number("elapsed", elapsed, 0, w, open_high=True), w)


def _sliding_counter(times: np.ndarray, window: float, limit: int) -> np.ndarray:
    admitted = np.zeros(len(times), dtype=bool)
    current_index, current, previous = None, 0, 0
    for i, t in enumerate(times.tolist()):
        k = math.floor(t / window)
        if k != current_index:
            previous = current if current_index is not None and k == current_index + 1 else 0
            current_index, current = k, 0
        if _estimate(previous, current, t - k * window, window) < limit:
            current += 1
            admitted[i] = True
    return admitted


def rate_limit(times: Any, *, algorithm: str, rate: float, burst: float | None = None,
               window: float = 1.0) -> list[bool]:
    """One admit (True) or reject (False) per request at ``times`` (seconds, non-decreasing).

    ``algorithm``: one of :data:`ALGORITHMS` (see the module's docstring); ``rate``: requests a second;
    ``window``: seconds; ``burst``: the buckets' size in requests, default rate × window (the window
    algorithms ignore it and allow floor(rate × window) a window).

    >>> burst_at_zero = [0.0] * 5
    >>> rate_limit(burst_at_zero, algorithm="token_bucket", rate=1, burst=3)
    [True, True, True, False, False]
    >>> rate_limit([0.9, 0.95, 1.0, 1.05], algorithm="fixed_window", rate=2)  # 2 before the edge, 2 after
    [True, True, True, True]
    >>> rate_limit([0.9, 0.95, 1.0, 1.05], algorithm="sliding_log", rate=2)
    [True, True, False, False]
    """
    _check.choice("algorithm", algorithm, ALGORITHMS)
    t = _times(times)
    r, w = _rate("rate", rate), _window(window)
    if algorithm in ("token_bucket", "leaky_bucket"):
        b = _burst(burst, r, w)
        admitted = _token_bucket(t, r, b) if algorithm == "token_bucket" else _gcra(t, r, b)[0]
        return admitted.tolist()
    if burst is not None:
        _check.number("burst", burst, 1, MAX_REQUESTS)
    limit = window_limit(r, w)
    run = {"fixed_window": _fixed_window, "sliding_log": _sliding_log, "sliding_counter": _sliding_counter}
    return run[algorithm](t, w, limit).tolist()


def leaky_bucket_departures(times: Any, *, rate: float, burst: float | None = None,
                            window: float = 1.0) -> np.ndarray:
    """When each request leaves the leaky bucket for the service (NaN if refused): one every 1/rate s.

    >>> leaky_bucket_departures([0, 0, 0, 0], rate=10, burst=3).tolist()  # the 4th would wait 0.3 s > 0.2 s
    [0.0, 0.1, 0.2, nan]
    """
    t = _times(times)
    r, w = _rate("rate", rate), _window(window)
    return _gcra(t, r, _burst(burst, r, w))[1]


# --------------------------------------------------------------------------
# The stream and what passes
# --------------------------------------------------------------------------


def bursty_arrivals(rate: float, duration: float, bursts: int, seed: int, *, burst_size: int = 20,
                    burst_s: float = 0.2, align_to: float | None = None) -> np.ndarray:
    """Seeded request times (s, sorted) over [0, duration): Poisson at ``rate`` a second, plus bursts.

    Each of the ``bursts`` bursts is ``burst_size`` requests spread uniformly over ``burst_s`` seconds,
    starting at a uniform random time; with ``align_to`` (a window, s) the k-th of n bursts is instead
    centred on the multiple of ``align_to`` nearest duration × k/(n + 1), so half of it falls on each
    side of a window's edge. The same seed gives the same background and the same spread within each
    burst, whether or not the bursts are aligned.

    >>> len(bursty_arrivals(0, 10, 2, seed=1, burst_size=5))
    10
    >>> t = bursty_arrivals(0, 10, 1, seed=1, burst_size=4, burst_s=0.2, align_to=1.0)
    >>> bool(((t > 4.9) & (t < 5.1)).all())
    True
    """
    lam = _check.number("rate", rate, 0, MAX_RATE)
    d = _check.number("duration", duration, 0, MAX_DURATION, open_low=True)
    n_bursts = _check.integer("bursts", bursts, 0, 1_000)
    size = _check.integer("burst_size", burst_size, 0, 100_000)
    spread = _check.number("burst_s", burst_s, 0, d, open_low=True)
    align = _check.number("align_to", align_to, 0, d, open_low=True, optional=True)
    if lam * d + n_bursts * size > MAX_REQUESTS:
        raise ValueError(f"rate × duration + bursts × burst_size must be at most {MAX_REQUESTS:,}, "
                         f"got {lam * d + n_bursts * size:,.0f}")
    rng = np.random.default_rng(_check.seed(seed))
    background = rng.uniform(0, d, rng.poisson(lam * d))  # a Poisson process: a Poisson count, uniform times
    starts = rng.uniform(0, d - spread, n_bursts)
    offsets = rng.uniform(0, spread, (n_bursts, size))
    if align is not None and n_bursts:
        targets = d * np.arange(1, n_bursts + 1) / (n_bursts + 1)
        centres = np.clip(np.round(targets / align) * align, spread / 2, d - spread / 2)
        starts = centres - spread / 2
    return np.sort(np.concatenate([background, (starts[:, None] + offsets).ravel()]))


def counts_per_bin(times: Any, *, duration: float, bin_s: float) -> np.ndarray:
    """How many of ``times`` fall in each bin [k bin_s, (k + 1) bin_s) of [0, duration); others are left out.

    >>> counts_per_bin([0.05, 0.1, 0.15, 0.95, 1.2], duration=1.0, bin_s=0.5).tolist()
    [3, 1]
    """
    t = np.asarray(times, dtype=float)
    d = _check.number("duration", duration, 0, MAX_DURATION, open_low=True)
    width = _check.number("bin_s", bin_s, 0, d, open_low=True)
    bins = max(1, round(d / width))
    index = np.floor(t[(t >= 0) & (t < d)] / width).astype(np.int64)
    return np.bincount(np.minimum(index, bins - 1), minlength=bins)


def largest_in_window(times: Any, window: float) -> int:
    """The most of ``times`` (sorted) in any window [s, s + window): what a limit per window is about.

    The most is reached by a window starting at one of the times; times within :data:`TIME_EPS` of a
    window's end count as outside it.

    >>> largest_in_window([0.9, 0.95, 1.0, 1.05, 2.5], 1.0)
    4
    """
    t = _times(times)
    w = _window(window)
    if not len(t):
        return 0
    return int((np.searchsorted(t, t + (w - TIME_EPS), side="left") - np.arange(len(t))).max())


@dataclass(frozen=True)
class LimiterRun:
    """One algorithm on the stream: what it admitted and what it passed on to the service, and when.

    ``sent``: the times admitted requests reach the service (their arrival times, except the leaky
    bucket's, which are its departures); ``counts``: ``sent`` per bin; ``largest_in_window``: the most
    sent in any window of the limit's length; ``max_delay_s``: the longest a request waited (the leaky
    bucket's queue; 0 for the others).
    """

    algorithm: str
    admitted: np.ndarray
    sent: np.ndarray
    counts: np.ndarray
    largest_in_window: int
    max_delay_s: float

    @property
    def admitted_count(self) -> int:
        return int(self.admitted.sum())

    @property
    def rejected_count(self) -> int:
        return int(len(self.admitted) - self.admitted.sum())


@dataclass(frozen=True)
class Comparison:
    """Every algorithm of :data:`ALGORITHMS` on the same stream (see :func:`compare`)."""

    times: np.ndarray
    rate: float
    burst: float
    window: float
    limit: int  # floor(rate × window): the window algorithms' requests per window
    duration: float
    bin_s: float
    offered: np.ndarray  # requests arriving per bin
    runs: tuple[LimiterRun, ...]

    def run(self, algorithm: str) -> LimiterRun:
        """The run of one algorithm, by name."""
        return next(run for run in self.runs if run.algorithm == _check.choice("algorithm", algorithm, ALGORITHMS))


def compare(times: Any, *, rate: float, burst: float | None = None, window: float = 1.0, duration: float,
            bin_s: float = 0.1) -> Comparison:
    """All five limiters on one stream: admitted, rejected, what reaches the service per bin, and the
    largest count in any window of length ``window``.

    >>> c = compare([0.9, 0.95, 1.0, 1.05], rate=2, duration=2.0, bin_s=0.5)
    >>> [(run.algorithm, run.admitted_count, run.largest_in_window) for run in c.runs[2:4]]
    [('fixed_window', 4, 4), ('sliding_log', 2, 2)]
    """
    t = _times(times)
    r, w = _rate("rate", rate), _window(window)
    limit = window_limit(r, w)
    b = _burst(burst, r, w)
    runs = []
    for algorithm in ALGORITHMS:
        if algorithm == "leaky_bucket":
            admitted, leaves = _gcra(t, r, b)
            sent = leaves[admitted]
        else:
            admitted = np.asarray(rate_limit(t, algorithm=algorithm, rate=r, burst=b, window=w), dtype=bool)
            sent = t[admitted]
        delay = float((sent - t[admitted]).max()) if admitted.any() else 0.0
        runs.append(LimiterRun(algorithm, admitted, sent, counts_per_bin(sent, duration=duration, bin_s=bin_s),
                               largest_in_window(sent, w), delay))
    return Comparison(t, r, b, w, limit, float(duration), float(bin_s),
                      counts_per_bin(t, duration=duration, bin_s=bin_s), tuple(runs))


# --------------------------------------------------------------------------
# Per-client limits at the gateway: a noisy neighbour
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class ClientOutcome:
    """What happened to one client's requests (or a group's, pooled): counts, and latency of those served.

    ``limited``: refused by the gateway's per-client limit (HTTP 429); ``shed``: refused by the full
    server queue (HTTP 503); latency (ms) from arrival at the server to the end of service, p50 and p99
    by linear interpolation (NaN when none was served).
    """

    name: str
    sent: int
    limited: int
    shed: int
    served: int
    p50_ms: float
    p99_ms: float

    def share(self, what: str) -> float:
        """``limited``, ``shed`` or ``served`` as a share of the requests sent (0 if none were sent)."""
        count = getattr(self, _check.choice("what", what, ("limited", "shed", "served")))
        return count / self.sent if self.sent else 0.0


@dataclass(frozen=True)
class GatewayRun:
    """One set-up of the gateway: every client, the noisy one first, and the polite ones pooled."""

    limited: bool
    clients: tuple[ClientOutcome, ...]
    noisy: ClientOutcome
    others: ClientOutcome


@dataclass(frozen=True)
class NoisyNeighbour:
    """The same seeded requests through a gateway without and with per-client limits (:func:`noisy_neighbour`)."""

    clients: int
    noisy_factor: float
    client_rate: float
    capacity: float
    limit: float
    queue: int
    duration: float
    offered_rate: float  # all clients together, requests a second
    without: GatewayRun
    with_limits: GatewayRun


def fluid_served_share(offered_rate: float, capacity: float) -> float:
    """The share of requests a server of ``capacity`` a second serves in the long run: min(1, capacity/offered).

    The fluid limit of an overloaded queue: it serves at its capacity and sheds the rest, whoever sent it.

    >>> fluid_served_share(260, 100), fluid_served_share(80, 100)
    (0.38461538461538464, 1.0)
    """
    offered = _check.number("offered_rate", offered_rate, 0, MAX_RATE)
    cap = _rate("capacity", capacity)
    return 1.0 if offered <= cap else cap / offered


def _outcome(name: str, mine: np.ndarray, limited: np.ndarray, shed: np.ndarray, latency_s: np.ndarray) -> ClientOutcome:
    """The outcome of the requests in ``mine`` (a mask over the merged stream)."""
    served = mine & ~limited & ~shed
    ms = latency_s[served] * 1_000
    p50, p99 = (np.percentile(ms, [50, 99]).tolist() if len(ms) else [math.nan, math.nan])
    return ClientOutcome(name, int(mine.sum()), int((mine & limited).sum()), int((mine & shed).sum()),
                         int(served.sum()), p50, p99)


def _gateway(times: np.ndarray, client: np.ndarray, clients: int, capacity: float, queue: int,
             limit: float | None) -> GatewayRun:
    """The merged stream through the gateway (a token bucket per client if ``limit``) into the server."""
    limited = np.zeros(len(times), dtype=bool)
    if limit is not None:
        for c in range(clients):
            mine = client == c
            limited[mine] = ~_token_bucket(times[mine], limit, max(limit, 1.0))  # a second's worth, at least 1
    passed = ~limited
    server_admits, starts = _gcra(times[passed], capacity, float(queue))
    shed = np.zeros(len(times), dtype=bool)
    shed[np.flatnonzero(passed)[~server_admits]] = True
    latency = np.full(len(times), np.nan)
    latency[np.flatnonzero(passed)[server_admits]] = starts[server_admits] - times[passed][server_admits] + 1 / capacity
    outcomes = tuple(_outcome("noisy" if c == 0 else f"client {c + 1}", client == c, limited, shed, latency)
                     for c in range(clients))
    return GatewayRun(limit is not None, outcomes, outcomes[0], _outcome("others", client > 0, limited, shed, latency))


def noisy_neighbour(*, clients: int = 4, noisy_factor: float = 10.0, client_rate: float = 20.0,
                    capacity: float = 100.0, limit: float = 25.0, queue: int = 20, duration: float = 60.0,
                    seed: int = 0) -> NoisyNeighbour:
    """Several clients share a server; one sends ``noisy_factor`` times as fast. Without and with a
    per-client token bucket of ``limit`` a second (bucket size ``limit``, one second's worth) at the gateway.

    Each client sends seeded Poisson requests (``client_rate`` a second, the noisy one, client 1,
    ``noisy_factor`` × that) for ``duration`` s. The server serves one request at a time, 1/``capacity``
    s each, first come first served, and holds at most ``queue`` requests (the one in service
    included); a request that finds it full is shed (503). Both set-ups see the same requests.

    A limited noisy client's requests pass one per token, a steady stream, and a steady stream loses
    less at a full queue than Poisson ones do: above a fair share, the polite clients fare worse than
    the fluid estimate :func:`fluid_served_share` of the traffic the gateway lets through says.

    >>> run = noisy_neighbour(clients=4, noisy_factor=10, client_rate=20, capacity=100, limit=25, seed=1)
    >>> round(run.without.others.share("served"), 2), round(run.with_limits.others.share("served"), 2)
    (0.39, 1.0)
    """
    n = _check.integer("clients", clients, 1, 100)
    k = _check.number("noisy_factor", noisy_factor, 1, 1_000)
    lam = _rate("client_rate", client_rate)
    cap = _rate("capacity", capacity)
    ell = _check.number("limit", limit, 0, MAX_RATE, open_low=True)
    q = _check.integer("queue", queue, 1, 1_000_000)
    d = _check.number("duration", duration, 0, MAX_DURATION, open_low=True)
    rates = np.array([k * lam] + [lam] * (n - 1))
    if rates.sum() * d > MAX_REQUESTS:
        raise ValueError(f"the clients would send about {rates.sum() * d:,.0f} requests; at most {MAX_REQUESTS:,}")
    rng = np.random.default_rng(_check.seed(seed))
    # Independent Poisson streams merged are one Poisson stream at the total rate, each request from
    # client c with probability rate_c / total (superposition and thinning).
    times = np.sort(rng.uniform(0, d, rng.poisson(rates.sum() * d)))
    client = rng.choice(n, size=len(times), p=rates / rates.sum())
    return NoisyNeighbour(n, k, lam, cap, ell, q, d, float(rates.sum()),
                          _gateway(times, client, n, cap, q, None), _gateway(times, client, n, cap, q, ell))
