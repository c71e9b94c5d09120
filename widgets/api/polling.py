"""Polling against long polling against push (WebSocket or server-sent events) for N clients, each sent
messages as a Poisson stream of rate λ: requests a second at the server, and the delay from a message
reaching the server to the client having it (mean, and the 99th percentile).

The three, on a network of round-trip time R (one way R/2):

* **short polling** every P s: a request per client every P s, answered at once with whatever has
  arrived: N/P requests/s whatever the traffic; a message waits for the next poll (uniform on [0, P])
  and then R/2, so the delay's mean is P/2 + R/2 and its 99th percentile 0.99 P + R/2;
* **long polling** with a timeout τ: the server holds each request until a message arrives (it answers
  at once with everything queued) or τ passes (an empty answer); the client asks again at once, so
  the next request reaches the server R after the answer left. A cycle is R when something arrived in
  that gap (probability 1 − e^(−λR)), else R + min(Exp(λ), τ):
  E[cycle] = R + e^(−λR) (1 − e^(−λτ)) / λ, and the server sees N / E[cycle] requests/s: about one a
  message when traffic is heavy (plus at most N/τ timeouts when idle). A message arriving while a request
  waits is delayed R/2; one arriving in a gap (a share R / E[cycle] of the time, by PASTA) waits the
  rest of the gap too, uniform on [0, R];
* **push** over a held-open connection: no requests after the handshake, N λ frames/s, delay R/2.

No server limits: load and delays do not interact here. The simulation drives the same seeded arrivals
through all three and scales the server's counts from the simulated clients to N (clients are independent).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from widgets import _check

MECHANISMS = ("short polling", "long polling", "push (WebSocket)")
#: The percentile of delay reported.
PERCENTILE = 99
#: Simulated clients at most, and messages the simulation aims at.
SIM_CLIENTS, SIM_MESSAGES = 20, 4_000


@dataclass(frozen=True)
class Delivery:
    """One mechanism's figures for N clients: at the server, and for a message's delay."""

    mechanism: str
    requests_per_s: float  # HTTP requests arriving at the server
    empty_per_s: float  # of those, answered with no message (short polls with nothing, long-poll timeouts)
    frames_per_s: float  # pushed frames (push only; polling's messages ride in the answers)
    mean_delay_ms: float
    p99_delay_ms: float


def _checked(clients: int, rate: float, rtt_ms: float) -> tuple[int, float, float]:
    clients = _check.integer("clients", clients, 1, 10**7)
    rate = _check.number("rate", rate, 0, 1e4, open_low=True)
    return clients, rate, _check.milliseconds("rtt_ms", rtt_ms)


def short_polling(clients: int, rate: float, poll_s: float, rtt_ms: float) -> Delivery:
    """Short polling every ``poll_s`` s in closed form: N/P requests/s, a share e^(−λP) of them empty;
    delay P/2 + R/2 on average, 0.99 P + R/2 at the 99th percentile.

    >>> d = short_polling(1_000, 0.1, 5.0, 100.0)
    >>> d.requests_per_s, d.mean_delay_ms, d.p99_delay_ms
    (200.0, 2550.0, 5000.0)
    """
    clients, rate, rtt_ms = _checked(clients, rate, rtt_ms)
    poll_s = _check.number("poll_s", poll_s, 0, 1e5, open_low=True)
    requests = clients / poll_s
    return Delivery(MECHANISMS[0], requests, requests * math.exp(-rate * poll_s), 0.0,
                    poll_s * 1e3 / 2 + rtt_ms / 2, PERCENTILE / 100 * poll_s * 1e3 + rtt_ms / 2)


def long_poll_cycle_s(rate: float, timeout_s: float, rtt_ms: float) -> float:
    """The mean time from one long-poll request reaching the server to the next: R + e^(−λR)(1 − e^(−λτ))/λ.

    >>> round(long_poll_cycle_s(1e-9, 30.0, 100.0), 6), round(long_poll_cycle_s(1e3, 30.0, 100.0), 6)
    (30.1, 0.1)
    """
    rate = _check.number("rate", rate, 0, 1e4, open_low=True)
    timeout_s = _check.number("timeout_s", timeout_s, 0, 1e5, open_low=True)
    r = _check.milliseconds("rtt_ms", rtt_ms) / 1e3
    return r + math.exp(-rate * r) * -math.expm1(-rate * timeout_s) / rate


def long_polling(clients: int, rate: float, timeout_s: float, rtt_ms: float) -> Delivery:
    """Long polling with a ``timeout_s`` timeout in closed form (see the module's docstring).

    >>> d = long_polling(1_000, 0.001, 30.0, 100.0)  # nearly idle: about N/τ timeouts
    >>> round(d.requests_per_s, 1), round(d.empty_per_s, 1), round(d.mean_delay_ms, 1)
    (33.7, 32.7, 50.2)
    """
    clients, rate, rtt_ms = _checked(clients, rate, rtt_ms)
    cycle = long_poll_cycle_s(rate, timeout_s, rtt_ms)
    r = rtt_ms / 1e3
    in_gap = r / cycle
    timeouts = clients * math.exp(-rate * (r + timeout_s)) / cycle
    q = PERCENTILE / 100
    p99 = rtt_ms / 2 + (rtt_ms * (q - (1 - in_gap)) / in_gap if q > 1 - in_gap else 0.0)
    return Delivery(MECHANISMS[1], clients / cycle, timeouts, 0.0, rtt_ms / 2 * (1 + in_gap), p99)


def push(clients: int, rate: float, rtt_ms: float) -> Delivery:
    """Push over a held-open connection (WebSocket, or server-sent events): no requests, N λ frames/s,
    every message R/2 after it reached the server.

    >>> push(1_000, 0.1, 100.0).frames_per_s, push(1_000, 0.1, 100.0).p99_delay_ms
    (100.0, 50.0)
    """
    clients, rate, rtt_ms = _checked(clients, rate, rtt_ms)
    return Delivery(MECHANISMS[2], 0.0, 0.0, clients * rate, rtt_ms / 2, rtt_ms / 2)


def closed_forms(clients: int, rate: float, poll_s: float, timeout_s: float, rtt_ms: float) -> tuple[Delivery, ...]:
    """The three mechanisms in closed form, in :data:`MECHANISMS` order.

    >>> [round(d.requests_per_s) for d in closed_forms(10_000, 1 / 60, 5.0, 30.0, 100.0)]
    [2000, 422, 0]
    """
    return (short_polling(clients, rate, poll_s, rtt_ms), long_polling(clients, rate, timeout_s, rtt_ms),
            push(clients, rate, rtt_ms))


# ---------------------------------------------------------------- the seeded simulation

def poisson_arrivals(rate: float, horizon_s: float, clients: int = 1, *, seed: int = 0) -> list[np.ndarray]:
    """Each client's message times (s) in [0, horizon): a seeded Poisson stream of ``rate`` a second.

    >>> a = poisson_arrivals(2.0, 1_000.0, 3, seed=1)
    >>> len(a), all(np.all(np.diff(x) > 0) for x in a), 1_800 < len(a[0]) < 2_200
    (3, True, True)
    """
    rate = _check.number("rate", rate, 0, 1e4, open_low=True)
    horizon_s = _check.number("horizon_s", horizon_s, 0, 1e9, open_low=True)
    clients = _check.integer("clients", clients, 1, 10_000)
    rng = np.random.default_rng(_check.seed(seed))
    streams = []
    for _ in range(clients):
        count = rng.poisson(rate * horizon_s)  # given the count, Poisson times are uniform and independent
        streams.append(np.sort(rng.uniform(0.0, horizon_s, count)))
    return streams


def short_poll_delays(arrivals: np.ndarray, phase_s: float | np.ndarray, poll_s: float, rtt_ms: float) -> np.ndarray:
    """Delays (ms) of messages whose client's polls reach the server at phase + k P (``phase_s`` one for
    all, or one per message): the wait for the next poll, then R/2 back.

    >>> short_poll_delays(np.array([0.5, 2.0]), 1.0, 2.0, 100.0).tolist()
    [550.0, 1050.0]
    """
    due = phase_s + np.ceil((arrivals - phase_s) / poll_s) * poll_s
    return (due - arrivals) * 1e3 + rtt_ms / 2


def long_poll_client(arrivals: list[float], timeout_s: float, rtt_ms: float, horizon_s: float
                     ) -> tuple[list[float], int, int]:
    """One long-polling client, event by event: (each message's delay in ms, requests reaching the
    server in [0, horizon], of which timed out). The first request reaches the server at 0.

    >>> long_poll_client([1.0, 1.0625, 50.0], 30.0, 125.0, 60.0)
    ([62.5, 125.0, 62.5], 5, 1)
    """
    r, cycle = rtt_ms / 1e3, timeout_s + rtt_ms / 1e3
    delays, requests, timeouts = [], 1, 0
    waiting_from, i, n = 0.0, 0, len(arrivals)  # when the pending request reached the server
    while i < n:
        first = arrivals[i]
        if first > waiting_from:
            skipped = int((first - waiting_from) // cycle)  # whole timed-out cycles before it
            waiting_from += skipped * cycle
            requests, timeouts = requests + skipped, timeouts + skipped
            if first < waiting_from + timeout_s:
                answered = first
            else:  # it came in the gap after a timeout: answered when the next request arrives
                waiting_from += cycle
                answered = waiting_from
                requests, timeouts = requests + (waiting_from <= horizon_s), timeouts + 1
        else:  # it waited in the queue for the request
            answered = waiting_from
        while i < n and arrivals[i] <= answered:
            delays.append((answered - arrivals[i]) * 1e3 + rtt_ms / 2)
            i += 1
        waiting_from = answered + r
        requests += waiting_from <= horizon_s
    if waiting_from <= horizon_s:
        last = int((horizon_s - waiting_from) // cycle)
        requests, timeouts = requests + last, timeouts + last + (horizon_s - waiting_from - last * cycle >= timeout_s)
    return delays, requests, timeouts


def simulation_plan(clients: int, rate: float, timeout_s: float, rtt_ms: float,
                    messages: int = SIM_MESSAGES) -> tuple[int, float]:
    """(clients simulated, horizon in s): up to :data:`SIM_CLIENTS` clients for about ``messages``
    messages in all, over at least 10 long-poll timeouts unless that would take one client over
    2 × ``messages`` (timeouts are then too rare to count).

    >>> simulation_plan(10_000, 1 / 60, 30.0, 100.0)
    (20, 12000.0)
    """
    clients, rate, rtt_ms = _checked(clients, rate, rtt_ms)
    timeout_s = _check.number("timeout_s", timeout_s, 0, 1e5, open_low=True)
    messages = _check.integer("messages", messages, 1, 10**7)
    simulated = min(clients, SIM_CLIENTS)
    horizon = min(max(messages / (simulated * rate), 10 * (timeout_s + rtt_ms / 1e3)), 2 * messages / rate)
    simulated = max(1, min(simulated, round(messages / (rate * horizon))))
    return simulated, horizon


def simulate_delivery(clients: int, rate: float, poll_s: float | tuple[float, ...], timeout_s: float, rtt_ms: float,
                      *, messages: int = SIM_MESSAGES, seed: int = 0) -> tuple[Delivery, ...]:
    """The same seeded arrivals through the three mechanisms (:data:`MECHANISMS` order), the server's counts
    scaled from the simulated clients to ``clients``. ``poll_s`` may be a tuple: then short polling is
    simulated at each interval (one Delivery each, first in the result).

    >>> s = simulate_delivery(1_000, 0.1, 5.0, 30.0, 100.0)
    >>> [round(d.requests_per_s) for d in s], [round(d.mean_delay_ms) for d in s]
    ([200, 106, 0], [2524, 51, 50])
    """
    intervals = poll_s if isinstance(poll_s, tuple) else (poll_s,)
    intervals = tuple(_check.number("poll_s", p, 0, 1e5, open_low=True) for p in intervals)
    simulated, horizon = simulation_plan(clients, rate, timeout_s, rtt_ms, messages)
    streams = poisson_arrivals(rate, horizon, simulated, seed=seed)
    phases = np.random.default_rng(_check.seed(seed, spare=1) + 1).uniform(0, 1, simulated)
    scale = clients / simulated / horizon
    everything = np.concatenate(streams)
    owner = np.repeat(np.arange(simulated), [len(a) for a in streams])  # each message's client
    out = []
    for p in intervals:
        delays = short_poll_delays(everything, phases[owner] * p, p, rtt_ms)
        polls = np.floor((horizon - phases * p) / p) + 1  # each client's polls in [0, horizon]
        index = np.ceil((everything - phases[owner] * p) / p)  # the poll that answers each message
        answered = index <= polls[owner] - 1
        busy = len(np.unique(owner[answered] * (polls.max() + 1) + index[answered]))  # polls with a message
        out.append(_simulated(MECHANISMS[0], polls.sum() * scale, (polls.sum() - busy) * scale, 0.0, delays))
    long = [long_poll_client(a.tolist(), timeout_s, rtt_ms, horizon) for a in streams]
    out.append(_simulated(MECHANISMS[1], sum(x[1] for x in long) * scale, sum(x[2] for x in long) * scale, 0.0,
                          np.array([d for x in long for d in x[0]])))
    out.append(_simulated(MECHANISMS[2], 0.0, 0.0, len(everything) * scale,
                          np.full(len(everything), rtt_ms / 2)))
    return tuple(out)


def _simulated(mechanism: str, requests: float, empty: float, frames: float, delays: np.ndarray) -> Delivery:
    if len(delays) == 0:
        return Delivery(mechanism, float(requests), float(empty), float(frames), math.nan, math.nan)
    return Delivery(mechanism, float(requests), float(empty), float(frames), float(delays.mean()),
                    float(np.percentile(delays, PERCENTILE)))
