"""The gateway's model: an API gateway against a service-mesh sidecar, and a library against a service.

Plain functions and frozen dataclasses, no view code (the views are in :mod:`.views`).

**Gateway against sidecars.** A request crosses a chain of ``k`` services.

* *Gateway only*: one proxy at the edge adds ``gateway_ms`` once per request; its fleet is sized for
  the request rate, ``hosts = ceil(rate / per-host capacity / target utilisation)`` (:func:`hosts_needed`).
* *Sidecar mesh*: every service instance runs a proxy beside it. The convention here: the call into each
  of the ``k`` services, the first one included (from the ingress, itself a meshed client), crosses two
  proxies, the caller's and the callee's, so the sidecars add ``2 k s`` ms, ``s`` the latency one proxy
  adds to a call's round trip (:func:`sidecar_latency_ms`). Their CPU grows with the proxy crossings,
  ``2 k rate / 1,000 × vCPU per 1,000 req/s``, their memory with the instances, ``k × replicas × MB``.
* The figures are Istio's, from its documentation page "Performance and Scalability"
  (:data:`ISTIO_FIGURES`): for Istio 1.24 (released 2024-11-07), a sidecar with 2 worker threads uses
  about 0.20 vCPU and 60 MB at 1,000 HTTP requests a second of 1 kB each; for Istio 1.20 (released
  2023-11-14), about 0.5 vCPU per 1,000 req/s, about 50 MB, and the two proxies of one call add about
  0.228 ms to the 90th percentile (0.298 ms to the 99th). The 1.24 page gives its latency as charts only,
  so the default per-proxy latency is half of 1.20's p90 pair, 0.114 ms. The sources disagree by more
  than 2× on CPU: the releases, hardware and test set-ups differ.
* Percentiles do not add: summing per-proxy p90s is a convention (an estimate of the extra p90 when the
  proxies are slow together), not a theorem.
* *Failure*: a sidecar down makes its instance unreachable, exactly like the instance down; the mesh's
  health checks route around it when the service has another replica. The gateway fleet down fails every
  external request. The chain's availability is chapter 3's composite model
  (:func:`widgets.availability.model.composite_system`): tiers in series, each up while enough of its
  members are.

**Library against service.** The same function, called in process or over the network:

* latency (:class:`CallLatency`): the function's own time is lognormal; a service call adds a network
  round trip drawn from a two-part lognormal mixture (a fast path and, now and then, a slow one);
* version skew (:func:`rollout`): every ``release_every_weeks`` a new library version ships, and each of
  ``C`` clients picks it up when it next redeploys, at a seeded uniform time within ``rollout_weeks``;
  a service runs one version, changed once per release;
* who pays (:func:`scaling_bill`): a library's CPU runs on each client's hosts; a service's on its own team's
  fleet, plus a little serialisation on both sides.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from statistics import NormalDist
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from widgets import _check
from widgets.availability import model as availability

# --------------------------------------------------------------------------
# Published figures
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class ProxyFigures:
    """What Istio's "Performance and Scalability" page published for one release.

    ``vcpu_per_1000_rps``: vCPU one sidecar uses per 1,000 requests a second through it; ``memory_mb``:
    one sidecar's memory (it does not grow with the request rate); ``pair_p90_ms`` / ``pair_p99_ms``: the
    latency the client and server proxies of one call add together at that percentile (None: not given
    as a number).
    """

    version: str
    released: str  # ISO date of the x.y.0 release
    vcpu_per_1000_rps: float
    memory_mb: float
    pair_p90_ms: float | None
    pair_p99_ms: float | None
    url: str


#: Istio's published sidecar figures, by release (see the module's docstring for the conditions).
ISTIO_FIGURES = MappingProxyType({
    "1.24": ProxyFigures("1.24", "2024-11-07", 0.20, 60.0, None, None,
                         "https://istio.io/v1.24/docs/ops/deployment/performance-and-scalability/"),
    "1.20": ProxyFigures("1.20", "2023-11-14", 0.5, 50.0, 0.228, 0.298,
                         "https://istio.io/v1.20/docs/ops/deployment/performance-and-scalability/"),
})

#: Defaults: one proxy's latency (half of Istio 1.20's p90 pair), CPU and memory per sidecar (Istio 1.24).
SIDECAR_MS = ISTIO_FIGURES["1.20"].pair_p90_ms / 2
SIDECAR_VCPU_PER_1000 = ISTIO_FIGURES["1.24"].vcpu_per_1000_rps
SIDECAR_MB = ISTIO_FIGURES["1.24"].memory_mb

MAX_SERVICES = 100
MAX_REPLICAS = 100
MAX_RATE = 1e6  # requests a second


# --------------------------------------------------------------------------
# Gateway against sidecars: latency and hosts
# --------------------------------------------------------------------------


def _numbers(name: str, values: Any, low: float, high: float) -> np.ndarray:
    """``values`` as a non-empty 1-d float array within [low, high], else a ValueError naming ``name``."""
    try:
        array = np.atleast_1d(np.asarray(values, dtype=float))
    except (TypeError, ValueError):
        array = np.array([np.nan])
    if array.ndim != 1 or not array.size or not np.all(np.isfinite(array)) or array.min() < low or array.max() > high:
        raise ValueError(f"{name} must be numbers in [{low:g}, {high:g}], got {values!r}")
    return array


def _ceil(x: float) -> int:
    """``ceil`` that ignores float noise: 4.000000000001 is 4 (12 significant digits)."""
    return math.ceil(float(f"{x:.12g}"))


def hosts_needed(load: Any, per_host: Any, target_utilisation: Any = 1.0) -> int:
    """Hosts for ``load``: ceil(load / per-host capacity / target utilisation), in any one unit.

    Requests a second over requests a second per host, or busy vCPU over vCPU per host.

    >>> hosts_needed(10_000, 5_000, 0.6), hosts_needed(10_000, 5_000), hosts_needed(0, 5_000)
    (4, 2, 0)
    """
    load = _check.number("load", load, 0, 1e12)
    per_host = _check.number("per_host", per_host, 0, 1e12, open_low=True)
    target = _check.number("target_utilisation", target_utilisation, 0, 1, open_low=True)
    return _ceil(load / per_host / target)


def sidecar_latency_ms(services: Any, sidecar_ms: Any = SIDECAR_MS) -> float:
    """Latency the sidecars add to a request through ``services`` services: 2 k s (two proxies a call).

    >>> sidecar_latency_ms(5, 0.1)
    1.0
    """
    k = _check.integer("services", services, 1, MAX_SERVICES)
    return 2 * k * _check.milliseconds("sidecar_ms", sidecar_ms)


@dataclass(frozen=True)
class MeshCost:
    """What each architecture adds for ``services`` services at ``rate`` requests a second.

    Latency added per request (ms); the gateway fleet (hosts sized for the rate, the spares on top, and
    ``gateway_needed`` = hosts that carry the rate at full load); the sidecars' busy vCPU, their
    hosts at the target utilisation, and their memory (decimal GB, 1 GB = 1,000 MB).
    """

    services: int
    rate: float
    replicas: int
    gateway_ms: float
    sidecar_ms: float
    gateway_hosts: int
    gateway_needed: int
    sidecars: int
    sidecar_vcpu: float
    sidecar_hosts: int
    sidecar_memory_gb: float
    vcpu_per_host: float
    gateway_rps_per_host: float

    @property
    def gateway_vcpu(self) -> float:
        """The gateway fleet's vCPU (its hosts are whole)."""
        return self.gateway_hosts * self.vcpu_per_host

    @property
    def gateway_busy_vcpu(self) -> float:
        """The gateway's busy vCPU: a host's vCPU serve ``gateway_rps_per_host`` at full load."""
        return self.rate / self.gateway_rps_per_host * self.vcpu_per_host


@dataclass(frozen=True)
class Fleet:
    """The fixed assumptions of a comparison: gateway and sidecar figures, host size and headroom.

    Defaults: a gateway host serves 5,000 req/s and adds 1 ms (assumed, for an edge proxy that
    terminates TLS and checks tokens); Istio's sidecar figures (:data:`SIDECAR_MS`, ...); 8-vCPU hosts
    run at 60%; one spare gateway host.

    >>> Fleet().sidecar_ms
    0.114
    """

    gateway_ms: float = 1.0
    gateway_rps_per_host: float = 5_000.0
    spare_gateways: int = 1
    sidecar_ms: float = SIDECAR_MS
    sidecar_vcpu_per_1000: float = SIDECAR_VCPU_PER_1000
    sidecar_mb: float = SIDECAR_MB
    vcpu_per_host: float = 8.0
    target_utilisation: float = 0.6

    def __post_init__(self) -> None:
        _check.milliseconds("gateway_ms", self.gateway_ms)
        _check.number("gateway_rps_per_host", self.gateway_rps_per_host, 0, 1e9, open_low=True)
        _check.integer("spare_gateways", self.spare_gateways, 0, 100)
        _check.milliseconds("sidecar_ms", self.sidecar_ms)
        _check.number("sidecar_vcpu_per_1000", self.sidecar_vcpu_per_1000, 0, 100)
        _check.number("sidecar_mb", self.sidecar_mb, 0, 1e6)
        _check.number("vcpu_per_host", self.vcpu_per_host, 0, 1e4, open_low=True)
        _check.number("target_utilisation", self.target_utilisation, 0, 1, open_low=True)


def mesh_cost(services: Any, rate: Any, replicas: Any = 3, fleet: Fleet = Fleet()) -> MeshCost:
    """Latency added and hosts needed by an edge gateway and by sidecars, for one chain of services.

    >>> c = mesh_cost(5, 10_000)
    >>> c.gateway_ms, round(c.sidecar_ms, 3), c.gateway_hosts, c.sidecar_vcpu, c.sidecar_hosts
    (1.0, 1.14, 5, 20.0, 5)
    """
    k = _check.integer("services", services, 1, MAX_SERVICES)
    rate = _check.number("rate", rate, 0, MAX_RATE)
    replicas = _check.integer("replicas", replicas, 1, MAX_REPLICAS)
    if not isinstance(fleet, Fleet):
        raise ValueError(f"fleet must be a Fleet, got {fleet!r}")
    sized = max(1, hosts_needed(rate, fleet.gateway_rps_per_host, fleet.target_utilisation))
    busy = 2 * k * rate / 1_000 * fleet.sidecar_vcpu_per_1000
    return MeshCost(
        services=k, rate=rate, replicas=replicas,
        gateway_ms=float(fleet.gateway_ms), sidecar_ms=sidecar_latency_ms(k, fleet.sidecar_ms),
        gateway_hosts=sized + fleet.spare_gateways,
        gateway_needed=max(1, hosts_needed(rate, fleet.gateway_rps_per_host)),
        sidecars=k * replicas, sidecar_vcpu=busy,
        sidecar_hosts=hosts_needed(busy, fleet.vcpu_per_host, fleet.target_utilisation),
        sidecar_memory_gb=k * replicas * fleet.sidecar_mb / 1_000,
        vcpu_per_host=float(fleet.vcpu_per_host), gateway_rps_per_host=float(fleet.gateway_rps_per_host),
    )


def break_even_services(gateway_ms: Any, sidecar_ms: Any) -> float:
    """The chain length at which the sidecars add as much as the gateway: g = 2 k s, so k = g / 2s.

    >>> break_even_services(1.0, 0.114) == 1.0 / 0.228
    True
    """
    g = _check.milliseconds("gateway_ms", gateway_ms)
    s = _check.milliseconds("sidecar_ms", sidecar_ms, positive=True)
    return g / (2 * s)


def latency_against_services(max_services: Any, fleet: Fleet = Fleet()) -> pd.DataFrame:
    """Latency added per request (ms) for 1 to ``max_services`` services: gateway, sidecars, both.

    >>> latency_against_services(3, Fleet(sidecar_ms=0.5)).loc[3].tolist()
    [1.0, 3.0, 4.0]
    """
    n = _check.integer("max_services", max_services, 1, MAX_SERVICES)
    k = np.arange(1, n + 1)
    sidecars = 2 * k * float(fleet.sidecar_ms)
    return pd.DataFrame({"gateway": np.full(n, float(fleet.gateway_ms)), "sidecars": sidecars,
                         "both": fleet.gateway_ms + sidecars}, index=pd.Index(k, name="services"))


def hosts_against_rate(rates: Any, services: Any, fleet: Fleet = Fleet()) -> pd.DataFrame:
    """Gateway hosts (spares included), sidecar hosts and the sidecars' busy vCPU at each request rate.

    The same rules as :func:`mesh_cost`, vectorised over the rates, for ``services`` services.

    >>> hosts_against_rate([1_000, 10_000], 5).to_dict("list")
    {'gateway': [2, 5], 'sidecars': [1, 5], 'sidecar_vcpu': [2.0, 20.0]}
    """
    k = _check.integer("services", services, 1, MAX_SERVICES)
    r = _numbers("rates", rates, 0, MAX_RATE)
    util = fleet.target_utilisation

    def ceil(x: np.ndarray) -> np.ndarray:
        return np.array([_ceil(v) for v in x], dtype=int)

    gateway = np.maximum(1, ceil(r / fleet.gateway_rps_per_host / util)) + fleet.spare_gateways
    busy = 2 * k * r / 1_000 * fleet.sidecar_vcpu_per_1000
    sidecars = ceil(busy / fleet.vcpu_per_host / util)
    return pd.DataFrame({"gateway": gateway, "sidecars": sidecars, "sidecar_vcpu": busy},
                        index=pd.Index(r, name="rate"))


# --------------------------------------------------------------------------
# Gateway against sidecars: what fails
# --------------------------------------------------------------------------


def chain_availability(
    cost: MeshCost,
    *,
    instance_availability: Any = 0.999,
    sidecar_availability: Any = None,
    gateway_availability: Any = 0.999,
) -> availability.System:
    """The chain's availability in chapter 3's composite model: the gateway fleet, then each service.

    Tiers in series: the gateway fleet (at least ``gateway_needed`` of its hosts up), then each of the
    ``k`` services (at least one of its replicas up: health checks route around the rest). With
    ``sidecar_availability`` a replica is up only if its instance and its sidecar both are
    (:func:`~widgets.availability.model.serial`); None: no sidecars. Failures are independent.

    >>> cost = mesh_cost(2, 1_000, replicas=1)
    >>> round(chain_availability(cost).unavailability, 9)  # 2 gateway hosts (1 needed), 2 lone instances
    0.001999998
    """
    if not isinstance(cost, MeshCost):
        raise ValueError(f"cost must be a MeshCost, got {cost!r}")
    if cost.gateway_hosts > availability.MAX_N:
        raise ValueError(f"gateway_hosts must be at most {availability.MAX_N} for the availability model, "
                         f"got {cost.gateway_hosts}")
    node = _check.number("instance_availability", instance_availability, 0, 1)
    gateway = _check.number("gateway_availability", gateway_availability, 0, 1)
    if sidecar_availability is not None:
        node = availability.serial(node, _check.number("sidecar_availability", sidecar_availability, 0, 1))
    tiers = [availability.Tier(cost.gateway_hosts, cost.gateway_needed, gateway, "Gateway hosts")]
    tiers += [availability.Tier(cost.replicas, 1, node, f"Service {i + 1}") for i in range(cost.services)]
    return availability.composite_system(tiers)


def failure_table(cost: MeshCost) -> pd.DataFrame:
    """What fails, and the share of external requests failing before and after health checks react.

    Every request crosses every service, so one of ``replicas`` instances unreachable fails 1/replicas
    of requests until it is routed around; after, none, unless it was the only replica. A sidecar down is
    its instance down. One gateway host down: 1/hosts of requests until it is routed around; after, the
    share beyond the survivors' full capacity (all of it if it was the only host).

    >>> failure_table(mesh_cost(3, 10_000, replicas=2))["after rerouting"].tolist()
    [0.0, 0.0, 0.0, 1.0]
    """
    if not isinstance(cost, MeshCost):
        raise ValueError(f"cost must be a MeshCost, got {cost!r}")
    r, n = cost.replicas, cost.gateway_hosts
    lost_instance = 0.0 if r > 1 else 1.0
    if n == 1:
        over = 1.0
    else:
        over = max(0.0, 1 - (n - 1) * cost.gateway_rps_per_host / cost.rate) if cost.rate else 0.0
    rows = [
        ("one sidecar down (mesh only)", "its instance's calls: unreachable, as if the instance were down",
         1 / r, lost_instance),
        ("one service instance down", "the calls routed to it, in either design", 1 / r, lost_instance),
        ("one gateway host down", "the external requests routed to it", 1 / n, over),
        ("every gateway host down", "every external request (calls inside still work)", 1.0, 1.0),
    ]
    return pd.DataFrame(rows, columns=["failure", "what fails", "until detected", "after rerouting"]
                        ).set_index("failure")


# --------------------------------------------------------------------------
# Library against service: latency
# --------------------------------------------------------------------------

_NORMAL = NormalDist()


def lognormal_quantile(median: Any, sigma: Any, q: Any) -> float:
    """The q-quantile of a lognormal with this median and log-standard deviation: median e^(σ z_q).

    >>> round(lognormal_quantile(2.0, 0.25, 0.99), 4)
    3.5778
    """
    m = _check.number("median", median, 0, 1e9, open_low=True)
    s = _check.number("sigma", sigma, 0, 5)
    p = _check.number("q", q, 0, 1, open_low=True, open_high=True)
    return m * math.exp(s * _NORMAL.inv_cdf(p))


def lognormal_mean(median: Any, sigma: Any) -> float:
    """The mean of a lognormal with this median and log-standard deviation: median e^(σ²/2).

    >>> round(lognormal_mean(1.0, 1.0), 6)
    1.648721
    """
    m = _check.number("median", median, 0, 1e9, open_low=True)
    s = _check.number("sigma", sigma, 0, 5)
    return m * math.exp(s * s / 2)


@dataclass(frozen=True)
class CallLatency:
    """One call's latency in ms, in process (library) or over the network (service).

    Library: the function's own time, lognormal with median ``function_ms`` and log-sd
    ``function_sigma``. Service: the same time plus a network round trip, a mixture: with probability
    ``1 - slow_share`` lognormal (median ``rtt_ms``, log-sd ``rtt_sigma``), else lognormal (median
    ``slow_ms``, log-sd ``slow_sigma``): a retransmission, a pause or a queue on the way. Defaults: a 2 ms
    function, a 0.5 ms round trip within a data centre (Dean 2009), 1% of round trips slow at a median of
    20 ms (assumed).

    >>> round(CallLatency().library_quantile(0.5), 3), round(CallLatency().service_mean_ms(), 3)
    (2.0, 2.826)
    """

    function_ms: float = 2.0
    function_sigma: float = 0.25
    rtt_ms: float = 0.5
    rtt_sigma: float = 0.4
    slow_share: float = 0.01
    slow_ms: float = 20.0
    slow_sigma: float = 0.5

    def __post_init__(self) -> None:
        _check.number("function_ms", self.function_ms, 0, 1e6, open_low=True)
        _check.number("function_sigma", self.function_sigma, 0, 3)
        _check.number("rtt_ms", self.rtt_ms, 0, 1e6, open_low=True)
        _check.number("rtt_sigma", self.rtt_sigma, 0, 3)
        _check.number("slow_share", self.slow_share, 0, 1)
        _check.number("slow_ms", self.slow_ms, 0, 1e6, open_low=True)
        _check.number("slow_sigma", self.slow_sigma, 0, 3)

    def library_quantile(self, q: Any) -> float:
        """The library call's q-quantile in ms (closed form)."""
        return lognormal_quantile(self.function_ms, self.function_sigma, q)

    def library_mean_ms(self) -> float:
        """The library call's mean in ms (closed form)."""
        return lognormal_mean(self.function_ms, self.function_sigma)

    def rtt_mean_ms(self) -> float:
        """The network round trip's mean in ms: the mixture's weighted means."""
        fast = lognormal_mean(self.rtt_ms, self.rtt_sigma)
        return (1 - self.slow_share) * fast + self.slow_share * lognormal_mean(self.slow_ms, self.slow_sigma)

    def service_mean_ms(self) -> float:
        """The service call's mean in ms: the function's mean plus the round trip's."""
        return self.library_mean_ms() + self.rtt_mean_ms()

    def rtt_cdf(self, x_ms: Any) -> float:
        """P(round trip <= x_ms): (1 - p) Φ(ln(x / rtt) / σ) + p Φ(ln(x / slow) / σ_slow).

        >>> round(CallLatency(slow_share=0).rtt_cdf(0.5), 6)
        0.5
        """
        x = _check.number("x_ms", x_ms, 0, 1e12)
        if x == 0:
            return 0.0

        def part(median: float, sigma: float) -> float:
            if sigma == 0:
                return float(x >= median)
            return _NORMAL.cdf(math.log(x / median) / sigma)

        return ((1 - self.slow_share) * part(self.rtt_ms, self.rtt_sigma)
                + self.slow_share * part(self.slow_ms, self.slow_sigma))


MAX_DRAWS = 10**6


@functools.lru_cache(maxsize=8)
def _draws(n: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The seeded standard draws behind ``n`` calls (read-only, computed once per ``n`` and seed):
    the function's normals, their sorted copy, the uniforms that pick the slow path, the round trip's normals."""
    rng = np.random.default_rng(seed)
    function, pick, rtt = rng.standard_normal(n), rng.random(n), rng.standard_normal(n)
    arrays = (function, np.sort(function), pick, rtt)
    for array in arrays:
        array.flags.writeable = False
    return arrays


def latency_samples(latency: CallLatency, n: Any = 100_000, seed: Any = 0) -> tuple[np.ndarray, np.ndarray]:
    """``n`` seeded calls, the same function times for both: (library ms, service ms).

    >>> library, service = latency_samples(CallLatency(), 3, seed=1)
    >>> bool(np.all(service > library))
    True
    """
    if not isinstance(latency, CallLatency):
        raise ValueError(f"latency must be a CallLatency, got {latency!r}")
    z_function, _, pick, z_rtt = _draws(_check.integer("n", n, 1, MAX_DRAWS), _check.seed(seed))
    function = latency.function_ms * np.exp(latency.function_sigma * z_function)
    slow = pick < latency.slow_share
    median = np.where(slow, latency.slow_ms, latency.rtt_ms)
    rtt = median * np.exp(np.where(slow, latency.slow_sigma, latency.rtt_sigma) * z_rtt)
    return function, function + rtt


def _sorted_quantile(ordered: np.ndarray, q: Any) -> np.ndarray:
    """Quantiles of sorted samples, interpolated linearly between order statistics (numpy's default)."""
    h = (ordered.size - 1) * np.asarray(q, dtype=float)
    low = np.floor(h).astype(int)
    high = np.minimum(low + 1, ordered.size - 1)
    return ordered[low] + (h - low) * (ordered[high] - ordered[low])


@dataclass(frozen=True)
class LatencyDistribution:
    """The seeded calls of :func:`latency_distribution`, each set sorted (ms)."""

    latency: CallLatency
    library: np.ndarray
    service: np.ndarray

    def quantiles(self, q: Any) -> tuple[np.ndarray, np.ndarray]:
        """(library, service) quantiles of the samples, as :func:`numpy.quantile` computes them."""
        q = _numbers("q", q, 0, 1) if np.ndim(q) else float(_numbers("q", q, 0, 1)[0])
        return _sorted_quantile(self.library, q), _sorted_quantile(self.service, q)

    def cdf(self, x_ms: Any) -> tuple[np.ndarray, np.ndarray]:
        """(library, service) shares of calls at or below each of ``x_ms``."""
        x = _numbers("x_ms", x_ms, 0, 1e12)
        return tuple(np.searchsorted(s, x, side="right") / s.size for s in (self.library, self.service))


@functools.lru_cache(maxsize=4)
def latency_distribution(latency: CallLatency, n: Any = 100_000, seed: Any = 0) -> LatencyDistribution:
    """The library's and the service's latency over ``n`` seeded calls, sorted (the last few kept, read-only).

    >>> d = latency_distribution(CallLatency(), 1_000, seed=1)
    >>> [round(float(x), 2) for x in d.quantiles(0.5)]
    [1.98, 2.53]
    """
    if not isinstance(latency, CallLatency):
        raise ValueError(f"latency must be a CallLatency, got {latency!r}")
    _, z_sorted, _, _ = _draws(_check.integer("n", n, 1, MAX_DRAWS), _check.seed(seed))
    library = latency.function_ms * np.exp(latency.function_sigma * z_sorted)  # increasing in z: sorted
    service = np.sort(latency_samples(latency, n, seed)[1])
    for array in (library, service):
        array.flags.writeable = False
    return LatencyDistribution(latency, library, service)


#: The percentiles the latency table shows, as fractions.
PERCENTILES = (0.5, 0.9, 0.99, 0.999)


def latency_percentiles(distribution: LatencyDistribution) -> pd.DataFrame:
    """Percentiles and mean in ms: the library's in closed form and simulated, the service's simulated.

    The service's mean has a closed form too (:meth:`CallLatency.service_mean_ms`); its percentiles,
    a lognormal plus a mixture, do not.

    >>> table = latency_percentiles(latency_distribution(CallLatency(), 20_000, seed=1))
    >>> table.index.tolist(), round(float(table.loc["p50", "library"]), 2)
    (['p50', 'p90', 'p99', 'p99.9', 'mean'], 2.0)
    """
    if not isinstance(distribution, LatencyDistribution):
        raise ValueError(f"distribution must be a LatencyDistribution, got {distribution!r}")
    latency = distribution.latency
    library, service = distribution.quantiles(PERCENTILES)
    return pd.DataFrame({
        "library": [latency.library_quantile(q) for q in PERCENTILES] + [latency.library_mean_ms()],
        "library simulated": [*library, distribution.library.mean()],
        "service": [*service, distribution.service.mean()],
    }, index=[f"p{100 * q:g}" for q in PERCENTILES] + ["mean"])


# --------------------------------------------------------------------------
# Library against service: version skew
# --------------------------------------------------------------------------

MAX_CLIENTS = 1_000
MAX_WEEKS = 520.0
MAX_RELEASES = 520


@dataclass(frozen=True)
class Rollout:
    """Library versions over time: releases every ``release_every_weeks``, each picked up by every client
    at its next redeploy, a seeded uniform time within ``rollout_weeks`` of the release.

    ``adoption_weeks[c, j]``: when client c takes release j + 1 (version 0 runs everywhere at week 0);
    a client that redeploys runs the newest release it has taken. ``versions_live``: distinct versions
    across the clients at each of ``weeks``; ``expected_versions_live``: its mean in closed form;
    ``on_newest``: the share of clients on the newest release shipped; a service has one version
    live throughout (a rolling deploy of minutes is not visible at this scale).
    """

    clients: int
    rollout_weeks: float
    release_every_weeks: float
    weeks: np.ndarray
    release_weeks: np.ndarray
    adoption_weeks: np.ndarray
    versions: np.ndarray  # (clients, weeks): the version each client runs
    versions_live: np.ndarray
    expected_versions_live: np.ndarray
    on_newest: np.ndarray

    @property
    def service_versions_live(self) -> np.ndarray:
        """A service's versions live at each week: one."""
        return np.ones_like(self.versions_live)

    @property
    def skewed_weeks(self) -> float:
        """Weeks with more than one version live (each grid week stands for the step after it)."""
        return float(np.sum(self.versions_live[:-1] > 1) * (self.weeks[1] - self.weeks[0]))


def _releases(release_every_weeks: float, last_week: float) -> np.ndarray:
    """The weeks of the releases after the first version, up to ``last_week`` (at most MAX_RELEASES)."""
    count = int(last_week // release_every_weeks)
    if count > MAX_RELEASES:
        raise ValueError(f"release_every_weeks must be at least {last_week / MAX_RELEASES:g} for "
                         f"{last_week:g} weeks (at most {MAX_RELEASES} releases), got {release_every_weeks!r}")
    return release_every_weeks * np.arange(1, count + 1)


def _adopted_share(release_weeks: np.ndarray, rollout_weeks: float, weeks: np.ndarray) -> np.ndarray:
    """F[j, t]: the chance a client has taken release j + 1 by week t (uniform within the rollout)."""
    return np.clip((weeks[None, :] - release_weeks[:, None]) / rollout_weeks, 0.0, 1.0)


def expected_not_upgraded(clients: Any, rollout_weeks: Any, week: Any) -> float:
    """Expected clients still on the old version ``week`` weeks after one release: C (1 - t / W), t <= W.

    >>> expected_not_upgraded(20, 8, 2), expected_not_upgraded(20, 8, 9)
    (15.0, 0.0)
    """
    c = _check.integer("clients", clients, 1, MAX_CLIENTS)
    w = _check.number("rollout_weeks", rollout_weeks, 0, MAX_WEEKS, open_low=True)
    t = _check.number("week", week, 0, MAX_WEEKS)
    return c * (1 - min(t / w, 1.0))


def expected_versions_live(clients: Any, rollout_weeks: Any, release_every_weeks: Any, weeks: Any) -> np.ndarray:
    """The expected number of distinct versions across ``clients`` at each week, in closed form.

    A client runs version j (0 = the first) with probability q_j = F_j ∏_{i>j} (1 - F_i), F_j the chance it
    has taken release j (F_0 = 1); version j is live unless every client misses it: E = Σ_j 1 - (1 - q_j)^C.

    >>> expected_versions_live(2, 4, 10, [10, 12, 14]).tolist()  # half-way through, each client 50:50
    [1.0, 1.5, 1.0]
    """
    c = _check.integer("clients", clients, 1, MAX_CLIENTS)
    w = _check.number("rollout_weeks", rollout_weeks, 0, MAX_WEEKS, open_low=True)
    p = _check.number("release_every_weeks", release_every_weeks, 0.5, MAX_WEEKS)
    t = _numbers("weeks", weeks, 0, MAX_WEEKS)
    releases = _releases(p, float(t.max()))
    taken = np.vstack([np.ones((1, t.size)), _adopted_share(releases, w, t)])  # F_0 = 1, then F_1...
    later_missed = np.vstack([np.cumprod((1 - taken)[::-1], axis=0)[::-1][1:], np.ones((1, t.size))])
    q = taken * later_missed
    return (1 - (1 - q) ** c).sum(axis=0)


def rollout(clients: Any = 20, rollout_weeks: Any = 8.0, release_every_weeks: Any = 4.0, *,
            horizon_weeks: Any = 26.0, step_weeks: Any = 0.25, seed: Any = 0) -> Rollout:
    """Versions live week by week as seeded clients redeploy, against the closed form.

    >>> r = rollout(20, 8, 4, seed=1)
    >>> int(r.versions_live.max()), round(float(r.expected_versions_live.max()), 2)
    (3, 2.99)
    """
    c = _check.integer("clients", clients, 1, MAX_CLIENTS)
    w = _check.number("rollout_weeks", rollout_weeks, 0, MAX_WEEKS, open_low=True)
    p = _check.number("release_every_weeks", release_every_weeks, 0.5, MAX_WEEKS)
    horizon = _check.number("horizon_weeks", horizon_weeks, 0, MAX_WEEKS, open_low=True)
    step = _check.number("step_weeks", step_weeks, 0, horizon, open_low=True)
    rng = np.random.default_rng(_check.seed(seed))
    weeks = np.arange(0.0, horizon + step / 2, step)
    releases = _releases(p, horizon)
    adoption = releases[None, :] + rng.uniform(0.0, w, (c, releases.size))
    taken = adoption[:, :, None] <= weeks[None, None, :]  # (clients, releases, weeks)
    number = np.arange(1, releases.size + 1)[None, :, None]
    versions = np.where(taken, number, 0).max(axis=1) if releases.size else np.zeros((c, weeks.size), int)
    ordered = np.sort(versions, axis=0)
    live = 1 + (np.diff(ordered, axis=0) != 0).sum(axis=0)
    newest = np.searchsorted(releases, weeks, side="right")  # the newest release shipped by each week
    return Rollout(
        clients=c, rollout_weeks=w, release_every_weeks=p, weeks=weeks, release_weeks=releases,
        adoption_weeks=adoption, versions=versions, versions_live=live,
        expected_versions_live=expected_versions_live(c, w, p, weeks),
        on_newest=(versions == newest[None, :]).mean(axis=0),
    )


# --------------------------------------------------------------------------
# Library against service: who pays for scaling
# --------------------------------------------------------------------------


def client_rates(clients: Any, total_rate: Any) -> np.ndarray:
    """Each client's calls a second: ``total_rate`` shared in proportion to 1/rank (Zipf, exponent 1).

    >>> client_rates(3, 1_100).round(1).tolist()
    [600.0, 300.0, 200.0]
    """
    c = _check.integer("clients", clients, 1, MAX_CLIENTS)
    total = _check.number("total_rate", total_rate, 0, MAX_RATE)
    weights = 1 / np.arange(1, c + 1)
    return total * weights / weights.sum()


def scaling_bill(clients: Any, total_rate: Any, function_ms: Any, *, overhead_ms: Any = 0.1,
                 vcpu_per_host: Any = 8.0, target_utilisation: Any = 0.6) -> pd.DataFrame:
    """vCPU provisioned, and by whom, for the function as a library and as a service.

    The function's time is CPU time: ``rate × function_ms / 1,000`` busy vCPU, provisioned at the target
    utilisation. A library runs it on each client's hosts. A service runs it, plus ``overhead_ms`` of
    (de)serialisation a call, on its own team's fleet (in whole hosts); each client keeps ``overhead_ms``
    a call to encode requests and decode answers.

    >>> bill = scaling_bill(2, 3_000, 2.0, overhead_ms=0.0, target_utilisation=1.0)
    >>> bill["library"].tolist(), bill["service"].tolist()
    ([4.0, 2.0, 6.0, 0.0], [0.0, 0.0, 0.0, 8.0])
    """
    rates = client_rates(clients, total_rate)
    work = _check.number("function_ms", function_ms, 0, 1e6) / 1_000
    extra = _check.number("overhead_ms", overhead_ms, 0, 1e6) / 1_000
    per_host = _check.number("vcpu_per_host", vcpu_per_host, 0, 1e4, open_low=True)
    util = _check.number("target_utilisation", target_utilisation, 0, 1, open_low=True)
    service_busy = rates.sum() * (work + extra)
    rows = {
        "largest client": (rates[0] * work / util, rates[0] * extra / util),
        "smallest client": (rates[-1] * work / util, rates[-1] * extra / util),
        "all clients": (rates.sum() * work / util, rates.sum() * extra / util),
        "service team": (0.0, hosts_needed(service_busy, per_host, util) * per_host),
    }
    return pd.DataFrame(rows.values(), columns=["library", "service"], index=list(rows))
