"""GeoDNS and the speed of light: great-circle distances, the fibre round trip as a physical floor, and
which region a DNS-based geographic load balancer sends each user to.

* :func:`great_circle_km` (and :func:`great_circle_matrix_km` for many pairs at once): the haversine
  formula on a sphere of radius 6,371 km (the mean Earth radius);
* :func:`fiber_round_trip_ms`: light in glass fibre covers about 2×10^5 km/s (the vacuum speed over a
  refractive index near 1.5), so a round trip costs 1 ms per 100 km of path. That is a floor: real
  paths follow cables and routing policy, not great circles. Bozkurt et al. (2018) quote the rule of
  thumb of earlier measurements: latency ≈ 2.1 × the line-of-sight distance at fibre speed;
* :func:`geodns_answers`: GeoDNS answers a name with the region nearest to where it thinks the user is. Without
  EDNS Client Subnet (RFC 7871) it only sees the recursive resolver's address, so a user whose resolver
  sits far away (a public resolver in another country) is sent to the resolver's nearest region.

Places (user cities, region metros) and their sources are in :mod:`.places`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from widgets import _check

from .places import REGION_NAMES, REGIONS, USER_CITIES, USER_CITY_NAMES, Place

EARTH_RADIUS_KM = 6_371.0
#: Light in fibre, km/s: c / n with n ≈ 1.47 is 2.04×10^5; the round figure keeps 1 ms per 100 km.
FIBRE_KM_PER_S = 200_000.0
#: The longest distance the fibre floor takes (km): 50 times round the Earth.
MAX_PATH_KM = 2e6

PLACES: dict[str, Place] = {p.name: p for p in (*USER_CITIES, *REGIONS)}
#: Where users' DNS resolvers sit: None is each user's own ISP's resolver, in the user's city; a tuple
#: names the sites of a public resolver (each user reaches the nearest), here at region metros.
RESOLVERS: dict[str, tuple[str, ...] | None] = {
    "ISP's, in each user's city": None,
    "public, one site in N. Virginia": ("us-east (N. Virginia)",),
    "public, sites in N. Virginia and London": ("us-east (N. Virginia)", "eu-west (London)"),
}


def _points(name: str, value: Any) -> np.ndarray:
    """``value`` as an (n, 2) float array of (latitude, longitude) in degrees, checked."""
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        array = None
    if array is not None and array.ndim == 1:
        array = array[None, :]
    ok = (array is not None and array.ndim == 2 and array.shape[1] == 2 and len(array) > 0
          and bool(np.all(np.isfinite(array))) and bool(np.all(np.abs(array[:, 0]) <= 90))
          and bool(np.all(np.abs(array[:, 1]) <= 180)))
    if not ok:
        raise ValueError(f"{name} must be (latitude, longitude) pairs in degrees, latitude in [-90, 90] and "
                         f"longitude in [-180, 180], got {value!r}")
    return array


def _haversine(lat1: np.ndarray, lon1: np.ndarray, lat2: np.ndarray, lon2: np.ndarray) -> np.ndarray:
    """Central angle (radians) between points given in radians: the haversine formula, clipped so
    rounding never takes the square root's argument past 1."""
    h = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return 2 * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))


def great_circle_matrix_km(a: Any, b: Any) -> np.ndarray:
    """Great-circle distances (km) from every point of ``a`` to every point of ``b``: shape (len(a), len(b)).

    >>> great_circle_matrix_km([(0, 0), (90, 0)], [(0, 90), (0, 180)]).round(1)
    array([[10007.5, 20015.1],
           [10007.5, 10007.5]])
    """
    p, q = np.radians(_points("a", a)), np.radians(_points("b", b))
    return EARTH_RADIUS_KM * _haversine(p[:, None, 0], p[:, None, 1], q[None, :, 0], q[None, :, 1])


def great_circle_km(a: Any, b: Any) -> float:
    """Great-circle distance (km) between two (latitude, longitude) points in degrees: the haversine
    formula on a sphere of radius 6,371 km.

    >>> round(great_circle_km((0, 0), (0, 90)), 1)  # a quarter of the equator
    10007.5
    >>> round(great_circle_km((51.5083, -0.1253), (40.7142, -74.0064)))  # London to New York
    5570
    """
    for name, value in (("a", a), ("b", b)):
        if np.ndim(value) != 1:
            raise ValueError(f"{name} must be one (latitude, longitude) pair in degrees, got {value!r}")
    return float(great_circle_matrix_km(a, b)[0, 0])


def fiber_round_trip_ms(distance_km: Any) -> Any:
    """The round trip over ``distance_km`` of fibre at 2×10^5 km/s (ms): 1 ms per 100 km, the floor.

    A float for a number, an array for an array.

    >>> fiber_round_trip_ms(100), fiber_round_trip_ms(5_570)
    (1.0, 55.7)
    >>> fiber_round_trip_ms([0, 1_000])
    array([ 0., 10.])
    """
    if np.ndim(distance_km) == 0:
        return 2 * _check.number("distance_km", distance_km, 0, MAX_PATH_KM) / FIBRE_KM_PER_S * 1_000
    try:
        d = np.asarray(distance_km, dtype=float)
    except (TypeError, ValueError):
        d = None
    if d is None or not bool(np.all(np.isfinite(d) & (d >= 0) & (d <= MAX_PATH_KM))):
        raise ValueError(f"distance_km must be numbers{_check.range_text(0, MAX_PATH_KM)}, got {distance_km!r}")
    return 2 * d / FIBRE_KM_PER_S * 1_000


def _names(name: str, value: Any, allowed: Sequence[str], *, empty: bool) -> tuple[str, ...]:
    """``value`` as a tuple of distinct names from ``allowed`` (at least one unless ``empty``)."""
    if isinstance(value, str) or not isinstance(value, Sequence | set | frozenset):
        raise ValueError(f"{name} must be a list of names from {', '.join(map(repr, allowed))}, got {value!r}")
    names = tuple(value)
    if not names and not empty:
        raise ValueError(f"{name} must name at least one of {', '.join(map(repr, allowed))}, got {value!r}")
    for item in names:
        _check.choice(name, item, allowed)
    if len(set(names)) != len(names):
        raise ValueError(f"{name} must not repeat a name, got {value!r}")
    return names


@dataclass(frozen=True)
class GeoDns:
    """Where GeoDNS sends each user city, from :func:`geodns_answers`.

    ``routes`` has a row per user city: "city", "resolver" (the resolver site it asks), "region" (the
    answer), "km" (great-circle distance to it), "floor ms" (the fibre round trip over that distance),
    "nearest" (the nearest region that is on), "nearest ms" (its floor) and "extra ms" (the difference).
    """

    regions: tuple[str, ...]
    ecs: bool
    resolver_sites: tuple[str, ...] | None
    routes: pd.DataFrame

    @property
    def mean_floor_ms(self) -> float:
        """Mean floor round trip over the cities (equally weighted)."""
        return float(self.routes["floor ms"].mean())

    @property
    def worst(self) -> pd.Series:
        """The row of the city with the longest floor."""
        return self.routes.loc[self.routes["floor ms"].idxmax()]

    @property
    def misrouted(self) -> int:
        """Cities sent to a region farther than their nearest one."""
        return int((self.routes["extra ms"] > 1e-9).sum())


def _nearest(points: np.ndarray, sites: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each point, the index of its nearest site and the distance (km) to it."""
    distances = great_circle_matrix_km(points, sites)
    index = distances.argmin(axis=1)
    return index, distances[np.arange(len(points)), index]


def geodns_answers(regions: Sequence[str], *, ecs: bool = True, resolver_sites: Sequence[str] | None = None) -> GeoDns:
    """Each user city's GeoDNS answer and its floor round trip, for the regions that are on.

    The authoritative server answers with the region nearest to the location it sees: the user's
    subnet when the resolver sends EDNS Client Subnet (``ecs``), else the resolver's own address.
    ``resolver_sites`` None: each user's resolver is in the user's city (an ISP's), so both agree;
    otherwise the users ask the nearest of these sites (names of places) of a public resolver. Chen et
    al. (2015) report what sending the subnet did at Akamai for users of public resolvers: an
    eight-fold drop in the distance to the server chosen and a two-fold drop in round-trip time.

    >>> paris = geodns_answers(["us-east (N. Virginia)", "eu-west (London)"]).routes.iloc[7]
    >>> paris["city"], paris["region"], float(paris["floor ms"])
    ('Paris', 'eu-west (London)', 3.4)
    >>> far = geodns_answers(["us-east (N. Virginia)", "eu-west (London)"], ecs=False,
    ...                      resolver_sites=["us-east (N. Virginia)"]).routes.iloc[7]
    >>> far["region"], float(far["extra ms"])
    ('us-east (N. Virginia)', 58.4)
    """
    on = _names("regions", regions, REGION_NAMES, empty=False)
    use_ecs = _check.choice("ecs", ecs, (True, False))
    sites = None if resolver_sites is None else _names("resolver_sites", resolver_sites, tuple(PLACES), empty=False)
    users = np.array([p.lat_lon for p in USER_CITIES])
    region_points = np.array([PLACES[name].lat_lon for name in on])
    if sites is None:
        resolver_names, resolver_points = list(USER_CITY_NAMES), users
    else:
        site_points = np.array([PLACES[name].lat_lon for name in sites])
        index, _ = _nearest(users, site_points)
        resolver_names, resolver_points = [PLACES[sites[i]].label for i in index], site_points[index]
    seen = users if (use_ecs or sites is None) else resolver_points
    answer, _ = _nearest(seen, region_points)
    to_answer = great_circle_matrix_km(users, region_points)[np.arange(len(users)), answer]
    best, to_best = _nearest(users, region_points)
    floor, best_floor = fiber_round_trip_ms(to_answer), fiber_round_trip_ms(to_best)
    routes = pd.DataFrame({
        "city": USER_CITY_NAMES, "resolver": resolver_names, "region": [on[i] for i in answer],
        "km": to_answer, "floor ms": floor.round(1), "nearest": [on[i] for i in best],
        "nearest ms": best_floor.round(1), "extra ms": (floor - best_floor).round(1),
    })
    return GeoDns(on, use_ecs, sites, routes)
