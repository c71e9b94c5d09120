"""Tests of widgets.geography: the fibre floor in closed form, the haversine distance against published
worked examples and against independent formulas, the bundled places against their source, and GeoDNS's
answers against a brute-force search.

References for what is checked here:
* Williams, E. "Aviation Formulary V1.46", worked example "Distance between points": LAX
  (33°57'N, 118°24'W) to JFK (40°38'N, 73°47'W) is d = 0.623585 radians (2,144 nm), a central angle,
  so independent of the Earth's radius.
* Rosetta Code, task "Haversine formula": Nashville BNA (36.12, -86.67) to Los Angeles LAX (33.94,
  -118.40) is 2,887.2599506071106 km on a sphere of radius 6,372.8 km.
* Vincenty, T. (1975), "Direct and inverse solutions of geodesics on the ellipsoid", Survey Review 23(176):
  the atan2 form of the central angle, well conditioned at every distance; on a sphere it is the oracle
  here, with the spherical law of cosines and the chord of the unit vectors (no geodesy library such as
  geopy or pyproj is installed, so these independent formulas stand in for one).
* The IANA time zone database, zone1970.tab (public domain): the source of the cities' coordinates.
* RFC 7871 (Client Subnet in DNS Queries): the authoritative server sees the client's subnet only when
  the resolver sends it; otherwise it sees the resolver's address.
"""

from __future__ import annotations

import importlib.resources
import math
import re
from itertools import combinations
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from widgets import geography
from widgets.geography import model, places

R = model.EARTH_RADIUS_KM
latitudes = st.floats(-90, 90, allow_nan=False)
longitudes = st.floats(-180, 180, allow_nan=False)
points = st.tuples(latitudes, longitudes)


# ---------------------------------------------------------------- independent formulas (the oracles)


def _vincenty_sphere_km(a, b, radius=R):
    """Central angle by the atan2 form (Vincenty 1975, on a sphere), times the radius."""
    (lat1, lon1), (lat2, lon2) = (map(math.radians, p) for p in (a, b))
    dlon = lon2 - lon1
    y = math.hypot(math.cos(lat2) * math.sin(dlon),
                   math.cos(lat1) * math.sin(lat2) - math.sin(lat1) * math.cos(lat2) * math.cos(dlon))
    x = math.sin(lat1) * math.sin(lat2) + math.cos(lat1) * math.cos(lat2) * math.cos(dlon)
    return radius * math.atan2(y, x)


def _law_of_cosines_km(a, b, radius=R):
    (lat1, lon1), (lat2, lon2) = (map(math.radians, p) for p in (a, b))
    c = math.sin(lat1) * math.sin(lat2) + math.cos(lat1) * math.cos(lat2) * math.cos(lon2 - lon1)
    return radius * math.acos(max(-1.0, min(1.0, c)))


def _chord_km(a, b, radius=R):
    """2 R asin(|u - v| / 2) for the unit vectors u, v of the two points."""
    def unit(p):
        lat, lon = map(math.radians, p)
        return np.array([math.cos(lat) * math.cos(lon), math.cos(lat) * math.sin(lon), math.sin(lat)])

    return 2 * radius * math.asin(min(1.0, float(np.linalg.norm(unit(a) - unit(b))) / 2))


# ---------------------------------------------------------------- the fibre floor


@given(d=st.floats(0, model.MAX_PATH_KM, allow_nan=False))
def test_fibre_round_trip_is_one_ms_per_100_km(d):
    assert model.fiber_round_trip_ms(d) == pytest.approx(d / 100, rel=1e-12, abs=1e-12)


def test_fibre_round_trip_closed_form_values_and_arrays():
    """2 × d / (2×10^5 km/s): 100 km is 1 ms, half the equator (20,037.5 km) is 200.375 ms."""
    assert model.fiber_round_trip_ms(100) == 1.0
    assert model.fiber_round_trip_ms(20_037.5) == pytest.approx(200.375)
    distances = np.array([0.0, 50.0, 5_570.0, 1e5])
    assert model.fiber_round_trip_ms(distances).tolist() == pytest.approx([0.0, 0.5, 55.7, 1_000.0])


# ---------------------------------------------------------------- the great-circle distance


def test_haversine_matches_the_aviation_formulary_example():
    """LAX to JFK: 0.623585 radians (Williams, Aviation Formulary V1.46)."""
    lax, jfk = (33 + 57 / 60, -(118 + 24 / 60)), (40 + 38 / 60, -(73 + 47 / 60))
    assert model.great_circle_km(lax, jfk) / R == pytest.approx(0.623585, abs=5e-7)


def test_haversine_matches_rosetta_codes_published_distance():
    """BNA to LAX: 2,887.2599506071106 km with R = 6,372.8 km (Rosetta Code, "Haversine formula")."""
    km = model.great_circle_km((36.12, -86.67), (33.94, -118.40))
    assert km * 6_372.8 / R == pytest.approx(2_887.2599506071106, abs=1e-6)


#: Haversine's rounding: sqrt(h) near 1 (nearly antipodal points) keeps only about half the digits of the
#: angle, about 0.2 m of distance; everywhere else it agrees to well under a millimetre.
ANTIPODAL_KM = 1e-3


@given(a=points, b=points)
def test_haversine_agrees_with_vincentys_atan2_form(a, b):
    assert model.great_circle_km(a, b) == pytest.approx(_vincenty_sphere_km(a, b), abs=ANTIPODAL_KM)


def test_three_formulas_agree_on_a_seeded_sample():
    """Haversine against the atan2 form, the law of cosines and the chord on 2,000 seeded pairs uniform on
    the sphere: every gap under 1 mm (measured: under 1e-10 km)."""
    rng = np.random.default_rng(15)
    lat = np.degrees(np.arcsin(rng.uniform(-1, 1, (2_000, 2))))  # uniform on the sphere
    lon = rng.uniform(-180, 180, (2_000, 2))
    gaps = {"atan2": [], "cosines": [], "chord": []}
    for (lat1, lat2), (lon1, lon2) in zip(lat, lon):
        a, b = (lat1, lon1), (lat2, lon2)
        d = model.great_circle_km(a, b)
        gaps["atan2"].append(abs(d - _vincenty_sphere_km(a, b)))
        gaps["cosines"].append(abs(d - _law_of_cosines_km(a, b)))
        gaps["chord"].append(abs(d - _chord_km(a, b)))
    assert max(max(g) for g in gaps.values()) < 1e-6


@given(a=points, b=points)
def test_distance_is_symmetric_bounded_and_zero_to_itself(a, b):
    d = model.great_circle_km(a, b)
    assert d == pytest.approx(model.great_circle_km(b, a), abs=1e-9)
    assert 0 <= d <= math.pi * R + 1e-9
    assert model.great_circle_km(a, a) == pytest.approx(0, abs=1e-6)


@settings(max_examples=200)
@given(a=points, b=points, c=points)
def test_triangle_inequality(a, b, c):
    assert model.great_circle_km(a, c) <= model.great_circle_km(a, b) + model.great_circle_km(b, c) + 1e-6


@given(lat=latitudes, lon=longitudes)
def test_antipodes_are_half_a_great_circle_apart(lat, lon):
    antipode = (-lat, lon - 180 if lon > 0 else lon + 180)
    assert model.great_circle_km((lat, lon), antipode) == pytest.approx(math.pi * R, abs=ANTIPODAL_KM)


def test_a_degree_of_latitude_is_2_pi_r_over_360():
    assert model.great_circle_km((10, 20), (11, 20)) == pytest.approx(2 * math.pi * R / 360, rel=1e-12)
    assert model.great_circle_km((0, 179.5), (0, -179.5)) == pytest.approx(2 * math.pi * R / 360, rel=1e-9)


@settings(max_examples=30)
@given(a=st.lists(points, min_size=1, max_size=5), b=st.lists(points, min_size=1, max_size=5))
def test_the_matrix_is_every_pair_of_the_scalar_function(a, b):
    matrix = model.great_circle_matrix_km(a, b)
    assert matrix.shape == (len(a), len(b))
    for i, p in enumerate(a):
        for j, q in enumerate(b):
            assert matrix[i, j] == pytest.approx(_vincenty_sphere_km(p, q), abs=ANTIPODAL_KM)


# ---------------------------------------------------------------- the bundled places


def _zone1970() -> dict[str, str]:
    """zone name -> ISO 6709 coordinates, from the tzdata package or the system's time zone files."""
    candidates = []
    try:
        candidates.append(importlib.resources.files("tzdata") / "zoneinfo" / "zone1970.tab")
    except ModuleNotFoundError:
        pass
    candidates.append(Path("/usr/share/zoneinfo/zone1970.tab"))
    for path in candidates:
        if path.is_file():
            lines = path.read_text(encoding="utf-8").splitlines()
            return {f[2]: f[1] for f in (line.split("\t") for line in lines if not line.startswith("#"))}
    pytest.fail("zone1970.tab not found: install the tzdata package (pip install tzdata) or the system's tzdata")


def test_places_coordinates_are_their_sources_text():
    """Every place sourced from zone1970.tab carries that file's coordinates, character for character."""
    zones = _zone1970()
    checked = 0
    for place in (*places.USER_CITIES, *places.REGIONS):
        zone = re.search(r"zone1970\.tab, (\S+)$", place.source)
        if zone:
            assert zones[zone.group(1)] == place.iso6709, place.name
            checked += 1
    assert checked == len(places.USER_CITIES) + 6


def test_the_table_has_the_shape_the_lab_needs():
    assert 12 <= len(places.USER_CITIES) <= 20 and 8 <= len(places.REGIONS) <= 12
    names = [p.name for p in (*places.USER_CITIES, *places.REGIONS)]
    assert len(set(names)) == len(names)
    for place in (*places.USER_CITIES, *places.REGIONS):
        lat, lon = place.lat_lon
        assert -90 <= lat <= 90 and -180 <= lon <= 180 and place.source


def test_iso6709_reads_degrees_minutes_and_seconds():
    assert places.iso6709_degrees("+404251-0740023") == pytest.approx((40 + 42 / 60 + 51 / 3600, -(74 + 23 / 3600)))
    assert places.iso6709_degrees("-0117+03649") == pytest.approx((-(1 + 17 / 60), 36 + 49 / 60))


def test_ashburn_the_dalles_and_mumbai_are_where_wikipedia_puts_them():
    """Coordinates of the metros not in zone1970.tab, against their Wikipedia articles (decimal form)."""
    expected = {"us-east (N. Virginia)": (39.04361, -77.48750), "us-west (Oregon)": (45.60167, -121.17500),
                "ap-south (Mumbai)": (19.07611, 72.87750)}
    for name, (lat, lon) in expected.items():
        assert model.PLACES[name].lat_lon == pytest.approx((lat, lon), abs=1e-4)


# ---------------------------------------------------------------- GeoDNS


def _nearest_by_search(point, names):
    """The nearest of the named places to a point, by the atan2 formula (brute force)."""
    return min(names, key=lambda name: _vincenty_sphere_km(point, model.PLACES[name].lat_lon))


ALL = places.REGION_NAMES


@settings(max_examples=40)
@given(on=st.lists(st.sampled_from(ALL), min_size=1, max_size=len(ALL), unique=True), ecs=st.booleans())
def test_with_local_resolvers_every_city_gets_its_nearest_region(on, ecs):
    g = model.geodns_answers(on, ecs=ecs)
    for city, region, floor, extra in zip(g.routes["city"], g.routes["region"], g.routes["floor ms"],
                                          g.routes["extra ms"]):
        point = model.PLACES[city].lat_lon
        assert region == _nearest_by_search(point, on)
        assert floor == pytest.approx(_vincenty_sphere_km(point, model.PLACES[region].lat_lon) / 100, abs=0.051)
        assert extra == 0
    assert g.misrouted == 0


@pytest.mark.parametrize("sites", [s for s in model.RESOLVERS.values() if s])
def test_without_ecs_a_far_resolver_decides_the_region(sites):
    """No ECS: the answer is the region nearest the user's resolver (the nearest site); with ECS, the user's."""
    blind = model.geodns_answers(ALL, ecs=False, resolver_sites=sites)
    sighted = model.geodns_answers(ALL, ecs=True, resolver_sites=sites)
    for i, city in enumerate(places.USER_CITY_NAMES):
        point = model.PLACES[city].lat_lon
        site = _nearest_by_search(point, sites)
        assert blind.routes["region"][i] == _nearest_by_search(model.PLACES[site].lat_lon, ALL)
        assert sighted.routes["region"][i] == _nearest_by_search(point, ALL)
        assert blind.routes["extra ms"][i] >= 0 and sighted.routes["extra ms"][i] == 0
    assert blind.misrouted > 0 and sighted.misrouted == 0
    assert blind.mean_floor_ms > sighted.mean_floor_ms


def test_one_region_sends_everyone_there():
    g = model.geodns_answers(["us-east (N. Virginia)"])
    assert set(g.routes["region"]) == {"us-east (N. Virginia)"}
    sydney = g.routes.set_index("city").loc["Sydney"]
    km = _vincenty_sphere_km(model.PLACES["Sydney"].lat_lon, model.PLACES["us-east (N. Virginia)"].lat_lon)
    assert sydney["floor ms"] == pytest.approx(km / 100, abs=0.051)


@settings(max_examples=30)
@given(on=st.lists(st.sampled_from(ALL), min_size=1, max_size=len(ALL) - 1, unique=True),
       extra=st.sampled_from(ALL))
def test_adding_a_region_never_lengthens_a_citys_floor(on, extra):
    before = model.geodns_answers(on).routes["floor ms"]
    after = model.geodns_answers(list(dict.fromkeys([*on, extra]))).routes["floor ms"]
    assert bool((after <= before).all())


def test_every_pair_of_regions_is_at_least_a_few_ms_apart():
    """The regions are distinct metros: no two closer than 5 ms of floor (500 km)."""
    for a, b in combinations(places.REGIONS, 2):
        assert model.fiber_round_trip_ms(model.great_circle_km(a.lat_lon, b.lat_lon)) > 5


def test_the_package_exposes_the_model_and_the_view_by_name():
    assert geography.great_circle_km is model.great_circle_km
    assert geography.geodns_answers is model.geodns_answers


# ---------------------------------------------------------------- input checks


@pytest.mark.parametrize("call, message", [
    (lambda: model.great_circle_km((91, 0), (0, 0)), "a must be (latitude, longitude) pairs in degrees"),
    (lambda: model.great_circle_km((0, 0), (0, 181)), "b must be (latitude, longitude) pairs in degrees"),
    (lambda: model.great_circle_km((0, 0), [(0, 1), (0, 2)]), "b must be one (latitude, longitude) pair"),
    (lambda: model.great_circle_km("London", (0, 0)), "a must be one (latitude, longitude) pair"),
    (lambda: model.great_circle_km((math.nan, 0), (0, 0)), "a must be (latitude, longitude) pairs"),
    (lambda: model.great_circle_matrix_km([], [(0, 0)]), "a must be (latitude, longitude) pairs"),
    (lambda: model.great_circle_matrix_km([(0, 0)], [(0, 0, 0)]), "b must be (latitude, longitude) pairs"),
    (lambda: model.fiber_round_trip_ms(-1), "distance_km must be a number in [0, 2e6], got -1"),
    (lambda: model.fiber_round_trip_ms(math.inf), "distance_km must be a number in [0, 2e6], got inf"),
    (lambda: model.fiber_round_trip_ms([1.0, -1.0]), "distance_km must be numbers in [0, 2e6]"),
    (lambda: model.geodns_answers([]), "regions must name at least one of"),
    (lambda: model.geodns_answers("eu-west (London)"), "regions must be a list of names from"),
    (lambda: model.geodns_answers(["eu-west (Paris)"]), "regions must be one of"),
    (lambda: model.geodns_answers(["eu-west (London)"] * 2), "regions must not repeat a name"),
    (lambda: model.geodns_answers(ALL, ecs="yes"), "ecs must be one of True, False, got 'yes'"),
    (lambda: model.geodns_answers(ALL, resolver_sites=["Atlantis"]), "resolver_sites must be one of"),
    (lambda: model.geodns_answers(ALL, resolver_sites=[]), "resolver_sites must name at least one of"),
    (lambda: places.iso6709_degrees("51N 0W"), "coordinates must be ISO 6709 text"),
])
def test_bad_input_names_the_parameter(call, message):
    with pytest.raises(ValueError) as error:
        call()
    assert message in str(error.value)
