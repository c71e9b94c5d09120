"""A CDN in front of the origin: what still reaches the origin (requests and bytes), and what users wait,
against the CDN's hit ratio and the mix of objects.

Conventions:

* decimal units: 1 kB = 1,000 bytes, 1 Gb/s = 10^9 bits a second;
* ``hit_ratio`` is the share of requests *for cached classes* the edge answers; uncached classes
  (and every class with no CDN) always go to the origin, so the hit ratio over all requests is
  ``hit_ratio`` × the cached classes' share of requests;
* latency is one request on a warm connection (no handshakes, transfer time not counted): a hit costs
  the fibre round trip to an edge :data:`EDGE_KM` away plus :data:`EDGE_MS`; a miss adds the fibre
  floor from the user's city to the origin region (:mod:`widgets.geography.model`) and the origin's
  processing. With no CDN a request goes straight to the origin. Latency is that two-point mix;
* a percentile ``q`` is the smallest latency that at least ``q`` of requests get (the inverse of the
  distribution function), so p99 is the hit latency only once at least 99% of requests hit.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from widgets import _check
from widgets.geography.model import PLACES, fiber_round_trip_ms, great_circle_km
from widgets.geography.places import REGION_NAMES, USER_CITY_NAMES

#: The edge site's distance from its users (km): a CDN puts one in or near each large metro.
EDGE_KM = 50.0
#: The edge's own time on a request (ms): a cache lookup and the answer.
EDGE_MS = 1.0
MAX_RATE = 1e12
#: Shares that sum to 1 within this are accepted (0.6 + 0.1 + 0.3 is not exactly 1 in floating point).
SHARE_TOLERANCE = 1e-9


@dataclass(frozen=True)
class ObjectClass:
    """A kind of object: ``share`` of all requests, ``size_kb`` per response (decimal kB)."""

    key: str
    name: str
    share: float
    size_kb: float


def _classes(static: float, media: float, api: float, media_kb: float) -> tuple[ObjectClass, ...]:
    return (ObjectClass("static", "small static (JS, CSS, icons)", static, 20.0),
            ObjectClass("media", "large media (images, video)", media, media_kb),
            ObjectClass("api", "API responses (per user)", api, 5.0))


#: Illustrative mixes (shares of requests; sizes in decimal kB), not measurements.
MIXES: dict[str, tuple[ObjectClass, ...]] = {
    "web app": _classes(0.6, 0.1, 0.3, 500.0),
    "video streaming": _classes(0.1, 0.85, 0.05, 2_000.0),
    "API backend": _classes(0.1, 0.0, 0.9, 500.0),
}
#: What the CDN caches: the keys of the cached classes. Caching nothing means no CDN at all.
CACHE_SCOPES: dict[str, tuple[str, ...]] = {
    "nothing (no CDN)": (),
    "static objects": ("static",),
    "static and media": ("static", "media"),
    "everything, API too": ("static", "media", "api"),
}


def _mix(value: Any) -> tuple[ObjectClass, ...]:
    """A mix by name (one of :data:`MIXES`) or as object classes, checked: shares in [0, 1] summing to 1,
    sizes in (0, 1e9] kB, distinct keys."""
    if isinstance(value, str):
        return MIXES[_check.choice("mix", value, tuple(MIXES))]
    if not isinstance(value, Sequence) or not value or not all(isinstance(c, ObjectClass) for c in value):
        raise ValueError(f"mix must be one of {', '.join(map(repr, MIXES))} or a list of ObjectClass, got {value!r}")
    for c in value:
        _check.number(f"mix share of {c.key!r}", c.share, 0, 1)
        _check.number(f"mix size_kb of {c.key!r}", c.size_kb, 0, 1e9, open_low=True)
    total = math.fsum(c.share for c in value)
    if abs(total - 1) > SHARE_TOLERANCE:
        raise ValueError(f"mix shares must sum to 1, got {total!r}")
    if len({c.key for c in value}) != len(value):
        raise ValueError(f"mix keys must be distinct, got {[c.key for c in value]!r}")
    return tuple(value)


def _cached(value: Any, mix: tuple[ObjectClass, ...]) -> frozenset[str]:
    keys = tuple(c.key for c in mix)
    if isinstance(value, str) or not isinstance(value, Sequence | set | frozenset):
        raise ValueError(f"cached must be a list of keys from {', '.join(map(repr, keys))}, got {value!r}")
    return frozenset(_check.choice("cached", key, keys) for key in value)


def cached_shares(mix: Any, cached: Sequence[str]) -> tuple[float, float]:
    """The cached classes' share of requests and share of bytes.

    >>> cached_shares("web app", ["static"])  # 60% of requests, 12 of 63.5 kB per request
    (0.6, 0.1889763779527559)
    """
    classes = _mix(mix)
    on = _cached(cached, classes)
    requests = math.fsum(c.share for c in classes if c.key in on)
    total_bytes = math.fsum(c.share * c.size_kb for c in classes)
    return requests, math.fsum(c.share * c.size_kb for c in classes if c.key in on) / total_bytes


def origin_requests(requests_per_s: float, hit_ratio: float) -> float:
    """Requests a second that reach the origin: (1 − hit ratio) × requests.

    >>> origin_requests(10_000, 0.75)
    2500.0
    """
    rate = _check.number("requests_per_s", requests_per_s, 0, MAX_RATE)
    return (1 - _check.number("hit_ratio", hit_ratio, 0, 1)) * rate


def mean_kb(mix: Any) -> float:
    """Mean response size (decimal kB) over the mix's requests: the sum of share × size.

    >>> mean_kb("web app")  # 0.6 × 20 + 0.1 × 500 + 0.3 × 5
    63.5
    """
    return math.fsum(c.share * c.size_kb for c in _mix(mix))


def gbps(requests_per_s: float, kb: float) -> float:
    """Bits a second (decimal Gb/s) for ``requests_per_s`` responses of ``kb`` decimal kB each.

    >>> gbps(10_000, 50)  # 500 MB/s
    4.0
    """
    rate = _check.number("requests_per_s", requests_per_s, 0, MAX_RATE)
    return rate * _check.number("kb", kb, 0, 1e9) * 1_000 * 8 / 1e9


@dataclass(frozen=True)
class CdnLoad:
    """Load at the edge and at the origin, from :func:`cdn_load` (requests a second, decimal Gb/s)."""

    requests_per_s: float
    request_hit_ratio: float
    origin_requests_per_s: float
    byte_hit_ratio: float
    user_gbps: float
    origin_gbps: float


def cdn_load(requests_per_s: float, hit_ratio: float, mix: Any, cached: Sequence[str]) -> CdnLoad:
    """What reaches the origin when the CDN answers ``hit_ratio`` of the requests for ``cached`` classes.

    >>> load = cdn_load(10_000, 0.9, "web app", ["static"])
    >>> round(load.request_hit_ratio, 6), round(load.origin_requests_per_s), round(load.origin_gbps, 3)
    (0.54, 4600, 4.216)
    """
    rate = _check.number("requests_per_s", requests_per_s, 0, MAX_RATE)
    h = _check.number("hit_ratio", hit_ratio, 0, 1)
    request_share, byte_share = cached_shares(mix, cached)
    user = gbps(rate, mean_kb(mix))
    request_hits = h * request_share
    return CdnLoad(rate, request_hits, origin_requests(rate, request_hits), h * byte_share, user,
                   user * (1 - h * byte_share))


@dataclass(frozen=True)
class Latency:
    """A request's latency (ms) as a two-point mix, from :func:`cdn_latency`."""

    hit_ms: float
    miss_ms: float
    mean_ms: float
    p50_ms: float
    p99_ms: float


def two_point_latency(hit_share: Any, hit_ms: float, miss_ms: float) -> dict[str, Any]:
    """Mean, p50 and p99 (ms) of a mix: ``hit_share`` of requests take ``hit_ms``, the rest ``miss_ms``.

    Vectorised over ``hit_share``. A percentile q is ``hit_ms`` once ``hit_share`` ≥ q (within 1e-12),
    else ``miss_ms``.

    >>> two_point_latency(0.75, 2, 10)
    {'mean': 4.0, 'p50': 2.0, 'p99': 10.0}
    """
    try:
        share = np.asarray(hit_share, dtype=float)
    except (TypeError, ValueError):
        share = np.asarray(np.nan)
    if not bool(np.all((share >= 0) & (share <= 1))):
        raise ValueError(f"hit_share must be numbers in [0, 1], got {hit_share!r}")
    low = _check.number("hit_ms", hit_ms, 0, _check.MAX_MS)
    high = _check.number("miss_ms", miss_ms, low, _check.MAX_MS)

    def quantile(q: float) -> Any:
        return np.where(share >= q - 1e-12, low, high)

    out = {"mean": share * low + (1 - share) * high, "p50": quantile(0.5), "p99": quantile(0.99)}
    return {k: float(v) for k, v in out.items()} if share.ndim == 0 else out


def path_ms(user: str, origin: str, origin_ms: float) -> tuple[float, float, float]:
    """The edge hit, the miss through the edge, and the request straight to the origin (ms).

    >>> [round(x, 1) for x in path_ms("London", "us-east (N. Virginia)", 20)]
    [1.5, 80.7, 79.2]
    """
    city = _check.choice("user", user, USER_CITY_NAMES)
    region = _check.choice("origin", origin, REGION_NAMES)
    processing = _check.milliseconds("origin_ms", origin_ms)
    edge = fiber_round_trip_ms(EDGE_KM) + EDGE_MS
    direct = fiber_round_trip_ms(great_circle_km(PLACES[city].lat_lon, PLACES[region].lat_lon)) + processing
    return edge, edge + direct, direct


def cdn_latency(request_hit_ratio: float, *, user: str, origin: str, origin_ms: float, cdn: bool = True) -> Latency:
    """A request's latency for users in ``user`` (a city) of an origin in ``origin`` (a region).

    ``request_hit_ratio``: the share of all requests the edge answers. With ``cdn`` False every request
    goes straight to the origin.

    >>> cdn_latency(0.995, user="London", origin="us-east (N. Virginia)", origin_ms=20).p99_ms
    1.5
    """
    share = _check.number("request_hit_ratio", request_hit_ratio, 0, 1)
    hit, miss, direct = path_ms(user, origin, origin_ms)
    if not _check.choice("cdn", cdn, (True, False)):
        share, miss = 0.0, direct
    mix = two_point_latency(share, hit, miss)
    return Latency(hit, miss, mix["mean"], mix["p50"], mix["p99"])


def hit_ratio_sweep(mix: Any, cached: Sequence[str], *, user: str, origin: str, origin_ms: float,
                    points: int = 101) -> pd.DataFrame:
    """Origin load (shares of the no-CDN load) and latency (ms) against the hit ratio of cached classes.

    Columns "hit ratio", "origin requests", "origin bytes" (shares), "mean", "p50", "p99" (ms).

    >>> hit_ratio_sweep("web app", ["static"], user="London", origin="us-east (N. Virginia)",
    ...                 origin_ms=20, points=3).round(3).values.tolist()[-1]
    [1.0, 0.4, 0.811, 33.17, 1.5, 80.674]
    """
    n = _check.integer("points", points, 2, 10_001)
    request_share, byte_share = cached_shares(mix, cached)
    hit, miss, direct = path_ms(user, origin, origin_ms)
    h = np.linspace(0.0, 1.0, n)
    if not request_share:  # nothing cached: no CDN, every request straight to the origin
        miss = direct
    latency = two_point_latency(h * request_share, hit, miss)
    return pd.DataFrame({"hit ratio": h, "origin requests": 1 - h * request_share,
                         "origin bytes": 1 - h * byte_share, **latency})


def mix_table(mix: Any, cached: Sequence[str]) -> pd.DataFrame:
    """The mix's classes: "class", "share of requests", "size kB", "share of bytes", "cached" (yes/no).

    >>> mix_table("web app", ["static"])["share of bytes"].round(3).tolist()
    [0.189, 0.787, 0.024]
    """
    classes = _mix(mix)
    on = _cached(cached, classes)
    total = mean_kb(classes)
    return pd.DataFrame({
        "class": [c.name for c in classes], "share of requests": [c.share for c in classes],
        "size kB": [c.size_kb for c in classes],
        "share of bytes": [c.share * c.size_kb / total for c in classes],
        "cached": ["yes" if c.key in on else "no" for c in classes],
    })
