"""Tests of widgets.cdn: origin load and egress in closed form, the latency mix against numpy's inverse-CDF
quantile on an explicit sample of requests, and the sweep against the scalar functions.

What is checked here is arithmetic, not a published measurement: the mixes are illustrative. The one
outside convention is the percentile's: numpy's ``method="inverted_cdf"`` (Hyndman and Fan 1996,
definition 1) is the smallest value whose distribution function reaches q, the model's definition.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from widgets import cdn
from widgets.cdn import model
from widgets.geography import places

rates = st.floats(0, 1e9, allow_nan=False)
ratios = st.floats(0, 1, allow_nan=False)
scopes = st.sampled_from(list(model.CACHE_SCOPES.values()))
mixes = st.sampled_from(list(model.MIXES))


@st.composite
def custom_mixes(draw):
    """Two to four classes with random shares (summing to 1) and sizes."""
    n = draw(st.integers(2, 4))
    weights = [draw(st.floats(0.01, 1)) for _ in range(n)]
    total = sum(weights)
    shares = [w / total for w in weights[:-1]]
    shares.append(1 - math.fsum(shares))
    return tuple(model.ObjectClass(f"c{i}", f"class {i}", s, draw(st.floats(0.1, 1e5))) for i, s in enumerate(shares))


# ---------------------------------------------------------------- load and egress


@given(rate=rates, h=ratios)
def test_origin_requests_is_the_miss_share_of_requests(rate, h):
    assert model.origin_requests(rate, h) == pytest.approx((1 - h) * rate, rel=1e-12, abs=1e-9)


def test_mean_size_of_the_mixes_in_closed_form():
    """The mix's mean: sum of share × size (decimal kB)."""
    assert model.mean_kb("web app") == pytest.approx(0.6 * 20 + 0.1 * 500 + 0.3 * 5)  # 63.5
    assert model.mean_kb("video streaming") == pytest.approx(0.1 * 20 + 0.85 * 2_000 + 0.05 * 5)  # 1,702.25
    assert model.mean_kb("API backend") == pytest.approx(0.1 * 20 + 0.9 * 5)  # 6.5


def test_egress_in_decimal_gigabits():
    """10,000 responses a second of 50 kB: 500,000,000 bytes a second, 4 Gb/s (1 kB = 1,000 B)."""
    assert model.gbps(10_000, 50) == pytest.approx(4.0)
    assert model.gbps(1, 125_000) == pytest.approx(1.0)  # 125 MB/s is 1 Gb/s


@settings(max_examples=60)
@given(rate=st.floats(1, 1e7), h=ratios, mix=st.one_of(mixes, custom_mixes()), data=st.data())
def test_load_per_class_adds_up_to_the_totals(rate, h, mix, data):
    """Class by class: a cached class sends (1 − h) of its requests and bytes to the origin, the others all."""
    classes = model.MIXES[mix] if isinstance(mix, str) else mix
    cached = data.draw(st.sets(st.sampled_from([c.key for c in classes])))
    load = model.cdn_load(rate, h, mix, sorted(cached))
    to_origin = [rate * c.share * ((1 - h) if c.key in cached else 1) for c in classes]
    bytes_per_s = [rate * c.share * c.size_kb * 1_000 for c in classes]
    origin_bytes = [b * ((1 - h) if c.key in cached else 1) for b, c in zip(bytes_per_s, classes)]
    assert load.origin_requests_per_s == pytest.approx(sum(to_origin), rel=1e-9, abs=1e-9)
    assert load.origin_requests_per_s == pytest.approx((1 - load.request_hit_ratio) * rate, rel=1e-9, abs=1e-9)
    assert load.user_gbps == pytest.approx(sum(bytes_per_s) * 8 / 1e9, rel=1e-9)
    assert load.origin_gbps == pytest.approx(sum(origin_bytes) * 8 / 1e9, rel=1e-9, abs=1e-12)
    assert 0 <= load.origin_gbps <= load.user_gbps * (1 + 1e-12)


def test_caching_the_small_objects_saves_requests_not_bytes():
    """Web app, static cached at 90%: 54% of requests hit but only 17% of bytes (12 of 63.5 kB a request)."""
    load = model.cdn_load(10_000, 0.9, "web app", ["static"])
    assert load.request_hit_ratio == pytest.approx(0.54)
    assert load.byte_hit_ratio == pytest.approx(0.9 * 12 / 63.5)
    assert load.origin_requests_per_s == pytest.approx(4_600)


def test_mix_table_shares():
    table = model.mix_table("video streaming", ["static", "media"])
    assert table["share of requests"].sum() == pytest.approx(1)
    assert table["share of bytes"].sum() == pytest.approx(1)
    assert table["share of bytes"].tolist() == pytest.approx([2 / 1702.25, 1700 / 1702.25, 0.25 / 1702.25])
    assert table["cached"].tolist() == ["yes", "yes", "no"]


# ---------------------------------------------------------------- latency


@settings(max_examples=80)
@given(hits=st.integers(0, 10_000), hit_ms=st.floats(0, 100), gap=st.floats(0, 500))
def test_two_point_mix_against_numpys_inverse_cdf_quantile(hits, hit_ms, gap):
    """An explicit sample of 10,000 requests, ``hits`` of them hits: its mean and inverse-CDF percentiles."""
    miss_ms = hit_ms + gap
    sample = np.concatenate([np.full(hits, hit_ms), np.full(10_000 - hits, miss_ms)])
    got = model.two_point_latency(hits / 10_000, hit_ms, miss_ms)
    assert got["mean"] == pytest.approx(sample.mean(), rel=1e-9, abs=1e-9)
    for q in (0.5, 0.99):
        assert got[f"p{round(100 * q)}"] == np.quantile(sample, q, method="inverted_cdf")


def test_latency_paths_from_the_geography_floor():
    """London to N. Virginia: hit = 0.5 ms (50 km of fibre) + 1 ms; direct = floor + 20 ms; miss = both."""
    hit, miss, direct = model.path_ms("London", "us-east (N. Virginia)", 20)
    floor = model.great_circle_km(places.USER_CITIES[6].lat_lon, places.REGIONS[1].lat_lon) / 100
    assert hit == pytest.approx(1.5)
    assert direct == pytest.approx(floor + 20)
    assert miss == pytest.approx(hit + direct)


@pytest.mark.parametrize("share, p50_hit, p99_hit", [(0.4, False, False), (0.5, True, False), (0.98, True, False),
                                                     (0.99, True, True), (1.0, True, True)])
def test_percentiles_flip_at_their_share(share, p50_hit, p99_hit):
    lat = model.cdn_latency(share, user="Tokyo", origin="eu-west (London)", origin_ms=10)
    assert (lat.p50_ms == lat.hit_ms) is p50_hit and (lat.p99_ms == lat.hit_ms) is p99_hit
    assert lat.mean_ms == pytest.approx(share * lat.hit_ms + (1 - share) * lat.miss_ms)


def test_no_cdn_sends_everything_straight_to_the_origin():
    lat = model.cdn_latency(0.9, user="Sydney", origin="us-east (N. Virginia)", origin_ms=20, cdn=False)
    _, _, direct = model.path_ms("Sydney", "us-east (N. Virginia)", 20)
    assert lat.mean_ms == lat.p50_ms == lat.p99_ms == direct


@settings(max_examples=30)
@given(mix=mixes, cached=scopes, user=st.sampled_from(places.USER_CITY_NAMES),
       origin=st.sampled_from(places.REGION_NAMES))
def test_sweep_matches_the_scalar_functions_and_only_improves(mix, cached, user, origin):
    sweep = model.hit_ratio_sweep(mix, cached, user=user, origin=origin, origin_ms=20, points=11)
    for row in sweep.itertuples(index=False):
        load = model.cdn_load(1_000, row[0], mix, cached)
        lat = model.cdn_latency(load.request_hit_ratio, user=user, origin=origin, origin_ms=20, cdn=bool(cached))
        assert row[1] == pytest.approx(load.origin_requests_per_s / 1_000)
        assert row[2] == pytest.approx(load.origin_gbps / load.user_gbps)
        assert (row[3], row[4], row[5]) == pytest.approx((lat.mean_ms, lat.p50_ms, lat.p99_ms))
    for column in ("origin requests", "origin bytes", "mean", "p50", "p99"):
        assert bool((np.diff(sweep[column]) <= 1e-12).all()), column


def test_the_package_exposes_the_model_and_the_view_by_name():
    assert cdn.cdn_load is model.cdn_load and callable(cdn.cdn)


# ---------------------------------------------------------------- input checks

BAD_SHARES = (model.ObjectClass("a", "a", 0.5, 1.0), model.ObjectClass("b", "b", 0.6, 1.0))
WHERE = {"user": "London", "origin": "us-east (N. Virginia)"}


@pytest.mark.parametrize("call, message", [
    (lambda: model.origin_requests(-1, 0.5), "requests_per_s must be a number in [0, 1e12], got -1"),
    (lambda: model.origin_requests(10, 1.5), "hit_ratio must be a number in [0, 1], got 1.5"),
    (lambda: model.cdn_load(10, math.nan, "web app", []), "hit_ratio must be a number in [0, 1], got nan"),
    (lambda: model.cdn_load(10, 0.5, "podcasts", []), "mix must be one of 'web app'"),
    (lambda: model.cdn_load(10, 0.5, BAD_SHARES, []), "mix shares must sum to 1, got 1.1"),
    (lambda: model.cdn_load(10, 0.5, (model.ObjectClass("a", "a", 1.0, 0.0),), []),
     "mix size_kb of 'a' must be a number in (0, 1e9], got 0.0"),
    (lambda: model.cdn_load(10, 0.5, "web app", ["video"]), "cached must be one of 'static', 'media', 'api'"),
    (lambda: model.cdn_load(10, 0.5, "web app", "static"), "cached must be a list of keys from"),
    (lambda: model.gbps(10, -1), "kb must be a number in [0, 1e9], got -1"),
    (lambda: model.path_ms("Atlantis", "eu-west (London)", 1), "user must be one of 'New York'"),
    (lambda: model.path_ms("London", "eu-north", 1), "origin must be one of 'us-west (Oregon)'"),
    (lambda: model.path_ms("London", "eu-west (London)", -1), "origin_ms must be a number in [0, 1e9], got -1"),
    (lambda: model.cdn_latency(2, origin_ms=1, **WHERE), "request_hit_ratio must be a number in [0, 1], got 2"),
    (lambda: model.cdn_latency(0.5, origin_ms=1, cdn="no", **WHERE), "cdn must be one of True, False"),
    (lambda: model.two_point_latency(1.2, 1, 2), "hit_share must be numbers in [0, 1], got 1.2"),
    (lambda: model.two_point_latency("most", 1, 2), "hit_share must be numbers in [0, 1], got 'most'"),
    (lambda: model.two_point_latency(0.5, 3, 2), "miss_ms must be a number in [3, 1e9], got 2"),
    (lambda: model.hit_ratio_sweep("web app", [], origin_ms=1, points=1, **WHERE),
     "points must be an integer in [2, 10001], got 1"),
])
def test_bad_input_names_the_parameter(call, message):
    with pytest.raises(ValueError) as error:
        call()
    assert message in str(error.value)
