"""Sessions' model: lose one host behind a load balancer, with sessions kept three ways.

Plain functions and frozen dataclasses, no view code (the views are in :mod:`.views`). Sizes are in
decimal units (1 MB = 1,000 kB = 10^6 bytes), times in milliseconds (ms) or seconds (s), rates per second.

The three set-ups (:data:`SETUPS`), for ``hosts`` N, ``sessions`` S of ``session_kb`` each and
``writes_per_second`` W session writes across the fleet:

* **sticky**: each session lives in its host's memory and the load balancer sends its user back there.
  When a host dies its sessions die with it: S/N on average, and their users must log in again.
  Nothing crosses the network; reading the session costs a memory reference.
* **replicated**: each host sends every session write to peers, asynchronously (off the request's
  path), either to every other host (``peers="all"``, Tomcat's all-to-all ``DeltaManager``) or to k
  backup hosts (Tomcat's ``BackupManager`` keeps k = 1) [Apache Tomcat, Clustering/Session Replication
  How-To]. One host's death loses no session, but each write is sent N - 1 (or k) times, and each host
  holds S (or S (k + 1) / N) sessions.
* **external store**: every session lives in a shared store (Redis, say). Hosts hold none; each write
  is sent once, to the store; each request pays a round trip to fetch its session (about 0.5 ms in a
  data centre [Dean 2009], about 0.2 ms on a 1 Gbit/s network [Redis, Diagnosing latency issues]).

:func:`compare_setups` gives the closed forms; :func:`simulate_host_loss` draws sessions over hosts and
the users' requests, kills a host, and counts the users forced to log in again.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from typing import Any

import numpy as np

from widgets import _check

#: The set-ups compared, in the order every table and chart shows them.
SETUPS = ("sticky", "replicated", "external store")
#: Largest fleet, session count (closed forms; the simulation takes fewer), session and write rate.
MAX_HOSTS = 10_000
MAX_SESSIONS = 10**9
MAX_SIMULATED_SESSIONS = 10_000_000
MAX_SESSION_KB = 1e6  # 1 GB
MAX_WRITES = 1e9  # session writes a second, fleet-wide
MAX_RATE = 1e4  # requests a second from one user
MAX_SECONDS = 1e7
#: Dean (2009): a main memory reference, 100 ns; a round trip within a data centre, 500 us.
MEMORY_LATENCY_MS = 1e-4
STORE_RTT_MS = 0.5


def _hosts(hosts: Any) -> int:
    return _check.integer("hosts", hosts, 2, MAX_HOSTS)


def _peers(peers: Any, hosts: int) -> int:
    """How many other hosts receive each session write: N - 1 for "all", else k in [1, N - 1]."""
    if isinstance(peers, str) and peers == "all":
        return hosts - 1
    if isinstance(peers, bool) or not isinstance(peers, numbers.Integral) or not 1 <= peers <= hosts - 1:
        raise ValueError(f"peers must be 'all' or an integer in [1, {hosts - 1}], got {peers!r}")
    return int(peers)


def copies_per_write(setup: str, hosts: int, peers: int | str = "all") -> int:
    """How many copies of one session write go over the network: 0 (sticky), N - 1 or k
    (replicated to every other host, or to k backups), 1 (to the external store).

    >>> [copies_per_write(s, 10) for s in SETUPS], copies_per_write("replicated", 10, peers=1)
    ([0, 9, 1], 1)
    """
    _check.choice("setup", setup, SETUPS)
    n = _hosts(hosts)
    return {"sticky": 0, "replicated": _peers(peers, n), "external store": 1}[setup]


@dataclass(frozen=True)
class SetupCost:
    """What one set-up costs, and loses, when one of N hosts dies (closed forms)."""

    setup: str
    sessions_lost: float  # expected sessions lost with the host: S/N sticky, 0 otherwise
    copies_per_write: int  # copies of each session write sent over the network
    traffic_mb_s: float  # W x size x copies: session writes on the network, MB/s (decimal)
    received_per_host_mb_s: float  # what each host receives of it, on average, MB/s (the store takes the rest)
    latency_added_ms: float  # per request, to read the session: a memory reference or a store round trip
    memory_per_host_mb: float  # session memory on each host, MB
    store_memory_mb: float  # session memory outside the hosts (the external store), MB


def compare_setups(
    hosts: int,
    sessions: int,
    *,
    session_kb: float,
    writes_per_second: float,
    store_rtt_ms: float = STORE_RTT_MS,
    memory_latency_ms: float = MEMORY_LATENCY_MS,
    peers: int | str = "all",
) -> tuple[SetupCost, ...]:
    """The three set-ups of :data:`SETUPS` side by side, when one of ``hosts`` dies.

    ``session_kb``: one session's size (decimal kB); ``writes_per_second``: session writes across the
    fleet; ``peers``: "all" (replicate to every other host) or k backup hosts. Replication is
    asynchronous, so it adds no latency to a request; the store's round trip does, on every request.

    >>> sticky, replicated, store = compare_setups(4, 10_000, session_kb=2, writes_per_second=1_000)
    >>> sticky.sessions_lost, replicated.traffic_mb_s, store.latency_added_ms, replicated.memory_per_host_mb
    (2500.0, 6.0, 0.5, 20.0)
    """
    n = _hosts(hosts)
    s = _check.integer("sessions", sessions, 0, MAX_SESSIONS)
    mb = _check.number("session_kb", session_kb, 0, MAX_SESSION_KB, open_low=True) / 1_000
    w = _check.number("writes_per_second", writes_per_second, 0, MAX_WRITES)
    rtt = _check.milliseconds("store_rtt_ms", store_rtt_ms)
    local = _check.milliseconds("memory_latency_ms", memory_latency_ms)
    k = _peers(peers, n)
    return (
        SetupCost("sticky", s / n, 0, 0.0, 0.0, local, s / n * mb, 0.0),
        SetupCost("replicated", 0.0, k, w * mb * k, w * mb * k / n, local, s * (k + 1) / n * mb, 0.0),
        SetupCost("external store", 0.0, 1, w * mb, 0.0, rtt, 0.0, s * mb),
    )


def expected_forced_logins(hosts: int, sessions: int, request_rate: float, window_s: float) -> float:
    """Users of sticky sessions who must log in again within ``window_s`` of one host's death:
    S/N x P(at least one request in the window) = S/N x (1 - e^(-r t)), for Poisson requests at
    ``request_rate`` r a second from each user.

    >>> round(expected_forced_logins(4, 10_000, 0.1, 60.0), 1)
    2493.8
    """
    n = _hosts(hosts)
    s = _check.integer("sessions", sessions, 0, MAX_SESSIONS)
    r = _check.number("request_rate", request_rate, 0, MAX_RATE)
    t = _check.number("window_s", window_s, 0, MAX_SECONDS)
    return s / n * -math.expm1(-r * t)


@dataclass(frozen=True)
class HostLoss:
    """One seeded run of :func:`simulate_host_loss`: a host dies at ``crash_at_s``."""

    hosts: int
    sessions: int
    request_rate: float  # requests a second from each user (Poisson)
    crash_at_s: float
    horizon_s: float
    requests: int  # every request in [0, horizon]
    on_dead_host: int  # sessions the load balancer had placed on the host that dies
    returned: int  # of those, users who sent a request after the crash, before the horizon
    rerouted_requests: int  # their requests after the crash, which the load balancer sends to survivors
    expected_on_dead_host: float  # S/N
    expected_returned: float  # S/N (1 - e^(-r (horizon - crash)))

    def sessions_lost(self, setup: str) -> int:
        """Sessions gone with the host: all it held under sticky sessions; none when a survivor has a
        copy (replicated) or the store has it."""
        return self.on_dead_host if _check.choice("setup", setup, SETUPS) == "sticky" else 0

    def forced_logins(self, setup: str) -> int:
        """Users who came back after the crash to a host that does not know their session."""
        return self.returned if _check.choice("setup", setup, SETUPS) == "sticky" else 0


def simulate_host_loss(
    hosts: int,
    sessions: int,
    *,
    request_rate: float,
    crash_at_s: float = 60.0,
    horizon_s: float = 120.0,
    seed: int = 0,
) -> HostLoss:
    """Sessions spread over hosts, users' requests, and one host dying at ``crash_at_s``.

    The load balancer places each session on a host at random and keeps its user there (sticky).
    Each user sends Poisson requests at ``request_rate`` a second, so the requests a session sends
    after the crash are a Poisson count, independent of those before it; the fleet's requests in all
    are one Poisson count (a sum of independent Poisson counts is Poisson). The host that dies is
    host 0 (placement is random, so any host is alike). A user whose host died and who sends a request
    before ``horizon_s`` is re-routed to a survivor: under sticky sessions it has no session for them.

    >>> run = simulate_host_loss(4, 10_000, request_rate=0.1, seed=1)
    >>> run.on_dead_host, run.returned, round(run.expected_returned, 1)
    (2487, 2479, 2493.8)
    """
    n = _hosts(hosts)
    s = _check.integer("sessions", sessions, 0, MAX_SIMULATED_SESSIONS)
    r = _check.number("request_rate", request_rate, 0, MAX_RATE)
    horizon = _check.number("horizon_s", horizon_s, 0, MAX_SECONDS, open_low=True)
    crash = _check.number("crash_at_s", crash_at_s, 0, horizon)
    rng = np.random.default_rng(_check.seed(seed))
    on_dead = int(np.count_nonzero(rng.integers(n, size=s, dtype=np.uint16) == 0))  # hosts <= MAX_HOSTS < 2^16
    after = rng.poisson(r * (horizon - crash), size=on_dead)  # each of their requests after the crash
    return HostLoss(
        hosts=n, sessions=s, request_rate=r, crash_at_s=crash, horizon_s=horizon,
        requests=int(rng.poisson(r * horizon * s)),
        on_dead_host=on_dead,
        returned=int(np.count_nonzero(after)),
        rerouted_requests=int(after.sum()),
        expected_on_dead_host=s / n,
        expected_returned=expected_forced_logins(n, s, r, horizon - crash),
    )
