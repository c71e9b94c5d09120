"""Tests of widgets.caching: exact agreement with cachetools, the IRM theory, properties, strategies,
what the views show (computed by the model), and two views' specific content.

The catalog-driven view suite (tests/test_views.py) builds every interactive, drives its controls
with random and bad values, compares its presets and renders it twice; none of that is repeated here.

References for the theory checked here:
* Che, Tung & Wang (2002), "Hierarchical Web caching systems: modeling, design and experimental
  results", IEEE JSAC 20(7): the characteristic-time approximation of LRU.
* Fricker, Robert & Roberts (2012), "A versatile and accurate approximation for LRU cache
  performance", ITC 24: why Che's approximation is accurate; the FIFO/RANDOM variant.
* Gelenbe (1973), "A unified approach to the evaluation of a class of replacement algorithms",
  IEEE Trans. Computers 22(6): FIFO and RANDOM have the same hit ratio under IRM.
* Martina, Garetto & Leonardi (2014), "A unified approach to the performance analysis of caching
  systems", IEEE INFOCOM: p_i T / (1 + p_i T) as the occupancy of FIFO and RANDOM.
* Mattson, Gecsei, Slutz & Traiger (1970), "Evaluation techniques for storage hierarchies",
  IBM Systems Journal 9(2): LRU is a stack algorithm (inclusion property).
* Aho, Denning & Ullman (1971), "Principles of optimal page replacement", JACM 18(1): under IRM
  keeping the most probable keys is optimal; LFU's counts converge to that static cache.
* Belady, Nelson & Shedler (1969), "An anomaly in space-time characteristics of certain programs
  running in a paging machine", CACM 12(6): FIFO is not (more memory, more faults).
"""

from __future__ import annotations

import random
from collections import OrderedDict

import cachetools
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import widgets
from widgets import caching
from widgets._drive import html_values
from widgets._sim import Message
from widgets.caching import model, strategies, views

# --------------------------------------------------------------------------
# Traces
# --------------------------------------------------------------------------


def test_zipf_probabilities_are_normalised_and_decreasing():
    p = caching.zipf_probabilities(1000, 0.8)
    assert p.sum() == pytest.approx(1.0, abs=1e-12)
    assert np.all(np.diff(p) < 0)
    assert p[0] / p[9] == pytest.approx(10**0.8)
    assert np.all(caching.zipf_probabilities(50, 0) == 1 / 50)


def test_zipf_keys_are_seeded_and_follow_the_law():
    keys = caching.zipf_keys(100, 1.0, 200_000, seed=3)
    assert np.array_equal(keys, caching.zipf_keys(100, 1.0, 200_000, seed=3))
    assert not np.array_equal(keys, caching.zipf_keys(100, 1.0, 200_000, seed=4))
    assert keys.min() >= 0 and keys.max() <= 99
    p = caching.zipf_probabilities(100, 1.0)
    counts = np.bincount(keys, minlength=100)
    # every key's count within 5 binomial standard errors of its expectation
    assert np.all(np.abs(counts - 200_000 * p) <= 5 * np.sqrt(200_000 * p * (1 - p)))


def test_phases_rerank_the_keys_and_keep_the_law():
    plain = caching.zipf_keys(10_000, 1.0, 100_000, seed=4)
    phased = caching.zipf_keys(10_000, 1.0, 100_000, seed=4, phases=4)
    assert np.array_equal(caching.zipf_keys(10_000, 1.0, 100_000, seed=4, phases=1), plain)
    assert np.array_equal(phased[:25_000], plain[:25_000])  # the first phase is the unshuffled trace
    tops = []
    for part in np.split(np.arange(100_000), 4):
        counts, plain_counts = (np.bincount(keys[part], minlength=10_000) for keys in (phased, plain))
        # a relabelling of the keys: the same counts, held by other keys
        assert np.array_equal(np.sort(counts), np.sort(plain_counts))
        tops.append(int(counts.argmax()))
    assert tops[0] == 0 and len(set(tops)) == 4  # a new most popular key in each phase
    assert np.array_equal(phased, caching.zipf_keys(10_000, 1.0, 100_000, seed=4, phases=4))


def test_phases_cut_the_trace_into_equal_parts():
    keys = caching.zipf_keys(50, 0.0, 10, seed=1, phases=3)  # parts of 3, 3 and 4 requests
    assert len(keys) == 10 and np.array_equal(keys[:3], caching.zipf_keys(50, 0.0, 10, seed=1)[:3])
    assert len(caching.zipf_keys(50, 0.8, 0, phases=5)) == 0


# --------------------------------------------------------------------------
# Replay: exact agreement with cachetools
# --------------------------------------------------------------------------


def cachetools_hits(cache: cachetools.Cache, keys) -> int:
    hits = 0
    for key in keys:
        if key in cache:
            cache[key]  # a read: LRUCache moves the key to the back, FIFOCache does not
            hits += 1
        else:
            cache[key] = True
    return hits


@pytest.mark.parametrize(
    ("n_keys", "alpha", "n_requests", "cache_size", "seed"),
    [(1000, 0.8, 20_000, 100, 0), (1000, 0.8, 20_000, 1, 1), (50, 0.0, 5000, 49, 2),
     (10_000, 1.2, 20_000, 500, 3), (30, 1.0, 2000, 30, 4), (200, 0.6, 10_000, 7, 5)],
)
@pytest.mark.parametrize(("policy", "cls"), [("lru", cachetools.LRUCache), ("fifo", cachetools.FIFOCache)])
def test_lru_and_fifo_hit_counts_equal_cachetools(policy, cls, n_keys, alpha, n_requests, cache_size, seed):
    keys = caching.zipf_keys(n_keys, alpha, n_requests, seed)
    result = caching.replay(policy, cache_size, keys)
    assert result.hits == cachetools_hits(cls(maxsize=cache_size), keys.tolist())
    assert result.hits + result.misses == n_requests


@given(st.lists(st.sampled_from("abcdefgh"), max_size=200), st.integers(1, 9))
def test_lru_and_fifo_equal_cachetools_on_any_trace(keys, cache_size):
    for policy, cls in (("lru", cachetools.LRUCache), ("fifo", cachetools.FIFOCache)):
        assert caching.replay(policy, cache_size, keys).hits == cachetools_hits(cls(cache_size), keys)


def test_fifo_shows_beladys_anomaly_and_lru_does_not():
    # Belady, Nelson & Shedler (1969): the classic reference string.
    trace = [1, 2, 3, 4, 1, 2, 5, 1, 2, 3, 4, 5]
    assert [caching.replay("fifo", c, trace).misses for c in (3, 4)] == [9, 10]
    assert [caching.replay("lru", c, trace).misses for c in (3, 4)] == [10, 8]


def test_lfu_evicts_the_least_frequent_then_the_least_recent():
    # counts survive eviction ("perfect" LFU): 1 was requested twice, so 3 is evicted for 4
    assert list(caching.hit_flags("lfu", 2, [1, 1, 2, 3, 1, 4, 2])) == [0, 1, 0, 0, 1, 0, 0]
    # ties: the least recently used goes (1, not 2, makes room for 3)
    assert list(caching.hit_flags("lfu", 2, [1, 2, 3, 2])) == [0, 0, 0, 1]


def _lfu_by_definition(keys, size):
    """Evict min (count, last use) by scanning: slow and obviously right."""
    counts, cached, hits = {}, {}, 0
    for i, key in enumerate(keys):
        counts[key] = counts.get(key, 0) + 1
        if key in cached:
            hits += 1
        elif len(cached) >= size:
            del cached[min(cached, key=lambda k: (counts[k], cached[k]))]
        cached[key] = i
    return hits


@given(st.lists(st.integers(0, 12), max_size=300), st.integers(1, 8))
def test_lfu_equals_its_definition(keys, cache_size):
    assert caching.replay("lfu", cache_size, keys).hits == _lfu_by_definition(keys, cache_size)


def first_simulator_hit_ratio(trace, size, policy):
    """Chapter 4's first simulator (a notebook cell before the model had LIFO), kept as an oracle."""
    cache, hits = OrderedDict(), 0
    for key in trace:
        if key in cache:
            hits += 1
            if policy == "lru":
                cache.move_to_end(key)
            continue
        if len(cache) >= size:
            cache.popitem(last=policy == "lifo")
        cache[key] = True
    return hits / len(trace) if trace else 0.0


@given(st.lists(st.integers(0, 12), max_size=300), st.integers(1, 8), st.sampled_from(["lru", "fifo", "lifo"]))
def test_lru_fifo_lifo_equal_the_first_simulator(keys, cache_size, policy):
    assert caching.replay(policy, cache_size, keys).hit_ratio == first_simulator_hit_ratio(keys, cache_size, policy)


def test_lifo_keeps_its_first_keys_and_churns_one_slot():
    assert list(caching.hit_flags("lifo", 2, [1, 2, 3, 4, 1, 4, 3])) == [0, 0, 0, 0, 1, 1, 0]
    assert list(caching.hit_flags("lifo", 2, [1, 5, 3, 4], warm=[3, 4])) == [0, 0, 1, 0]  # 4, the newest, goes first


def test_eviction_policies_rank_as_chapter_4_says():
    # 100,000 requests for 10,000 keys (Zipf, alpha 1), reranked three times; a cache of 500 entries:
    # LRU wins, FIFO and RANDOM do a little worse, LIFO collapses after the first reshuffle.
    trace = caching.zipf_keys(10_000, 1.0, 100_000, seed=4, phases=4)
    ratio = {policy: caching.replay(policy, 500, trace).hit_ratio for policy in ("lru", "fifo", "random", "lifo")}
    assert ratio["lru"] > max(ratio["fifo"], ratio["random"]) + 0.02
    assert min(ratio["fifo"], ratio["random"]) > ratio["lru"] - 0.1
    assert ratio["lifo"] < 0.5 * min(ratio["fifo"], ratio["random"])
    lifo = np.frombuffer(caching.hit_flags("lifo", 500, trace), dtype=np.uint8)
    assert lifo[25_000:].mean() < 0.5 * lifo[:25_000].mean()


def test_random_eviction_is_seeded():
    keys = caching.zipf_keys(500, 0.8, 20_000)
    one, again = (caching.replay("random", 50, keys, seed=7) for _ in range(2))
    assert one == again
    assert {caching.replay("random", 50, keys, seed=s).hits for s in range(5)} != {one.hits}


def test_warm_keys_are_hits_from_the_start():
    flags = caching.hit_flags("lru", 3, [0, 1, 2, 0, 5], warm=[2, 1, 0])
    assert list(flags) == [1, 1, 1, 1, 0]
    assert caching.replay("lru", 0, [1, 1, 1]) == caching.Replay("lru", 0, 0, 3, 0.0)
    assert caching.replay("fifo", 3, []).hit_ratio == 0.0


traces = st.lists(st.integers(0, 30), max_size=300)


@given(traces, st.integers(0, 40), st.sampled_from(caching.POLICIES))
def test_replay_counts_add_up(keys, cache_size, policy):
    result = caching.replay(policy, cache_size, keys)
    assert 0 <= result.hit_ratio <= 1
    assert result.hits + result.misses == len(keys)
    if cache_size >= len(set(keys)) and cache_size > 0:
        assert result.misses == len(set(keys))  # only the compulsory (first) misses


@given(traces, st.integers(1, 30))
def test_lru_inclusion_property(keys, cache_size):
    # Mattson et al. (1970): an LRU cache of size C holds a subset of one of size C + 1 at every step
    smaller = caching.hit_flags("lru", cache_size, keys)
    larger = caching.hit_flags("lru", cache_size + 1, keys)
    assert all(b >= a for a, b in zip(smaller, larger))


# --------------------------------------------------------------------------
# Theory under the independent reference model
# --------------------------------------------------------------------------

# 200 000 requests, 1 000 keys, alpha 0.8, cache 100. The hit ratio is a mean of 200 000
# hit indicators; if they were independent its standard error would be
# sqrt(h (1 - h) / n) = sqrt(0.38 * 0.62 / 2e5) = 0.0011. Over 20 seeds we measured a spread
# of 0.0012 (LRU), 0.0011 (FIFO, RANDOM) and 0.0013 (LFU), and mean errors against the theory
# of -0.00006 (Che), +0.0005 (FIFO/RANDOM approximation) and -0.003 (LFU against the ideal
# cache: one slot keeps churning because every miss is admitted). The cold start costs at
# most a few hundred misses, < 0.002. A tolerance of 0.01 is about 8 standard errors beyond
# those biases: a real modelling error of 1 point fails, noise does not.
LONG = {"n_keys": 1000, "alpha": 0.8, "cache_size": 100, "n_requests": 200_000}
TOLERANCE = 0.01


@pytest.fixture(scope="module")
def long_trace():
    return caching.zipf_keys(LONG["n_keys"], LONG["alpha"], LONG["n_requests"], seed=11)


@pytest.mark.parametrize(
    ("policy", "theory"),
    [("lru", caching.che_hit_ratio), ("fifo", caching.fifo_hit_ratio_approx),
     ("random", caching.fifo_hit_ratio_approx), ("lfu", caching.lfu_ideal_hit_ratio)],
)
def test_simulation_matches_theory_on_a_long_trace(long_trace, policy, theory):
    simulated = caching.replay(policy, LONG["cache_size"], long_trace, seed=1).hit_ratio
    assert simulated == pytest.approx(theory(LONG["cache_size"], LONG["n_keys"], LONG["alpha"]), abs=TOLERANCE)


@pytest.mark.parametrize("alpha", [0.6, 1.0, 1.2])
def test_che_matches_lru_at_other_skews(alpha):
    keys = caching.zipf_keys(1000, alpha, 100_000, seed=5)
    for size in (10, 100, 300):  # 100 000 requests: standard error <= 0.0016
        assert caching.replay("lru", size, keys).hit_ratio == pytest.approx(
            caching.che_hit_ratio(size, 1000, alpha), abs=TOLERANCE
        )


def test_uniform_popularity_gives_the_exact_answer():
    # With equal popularities every policy holds C of the n keys: hit ratio C / n exactly,
    # and both fixed points give it (1 - e^{-T/n} = C/n, and (T/n)/(1 + T/n) = C/n).
    for f in (caching.che_hit_ratio, caching.fifo_hit_ratio_approx, caching.lfu_ideal_hit_ratio):
        assert f(37, 100, 0) == pytest.approx(0.37, abs=1e-12)


@given(st.integers(1, 2000), st.integers(2, 2000), st.floats(0, 2))
@settings(max_examples=60, deadline=None)
def test_theory_is_ordered_and_bounded(cache_size, n_keys, alpha):
    ideal = caching.lfu_ideal_hit_ratio(cache_size, n_keys, alpha)
    che = caching.che_hit_ratio(cache_size, n_keys, alpha)
    fifo = caching.fifo_hit_ratio_approx(cache_size, n_keys, alpha)
    assert 0 <= fifo <= che + 1e-12 <= ideal + 2e-12 <= 1 + 3e-12  # ideal >= LRU >= FIFO under IRM
    if cache_size >= n_keys:
        assert che == fifo == 1.0


@given(st.integers(1, 999), st.floats(0, 3))
@settings(max_examples=60, deadline=None)
def test_characteristic_time_solves_its_equation(cache_size, alpha):
    p = caching.zipf_probabilities(1000, alpha)
    for occupancy in (model._lru_occupancy, model._fifo_occupancy):
        t = model._characteristic_time(p, cache_size, occupancy)
        assert occupancy(p * t)[0].sum() == pytest.approx(cache_size, rel=1e-9)


def test_che_grows_with_the_cache():
    ratios = [caching.che_hit_ratio(c, 1000, 0.8) for c in range(0, 1001, 50)]
    assert ratios[0] == 0 and ratios[-1] == 1 and all(np.diff(ratios) > 0)


def test_approximation_curve_ends_at_the_solved_points():
    sizes, hits = caching.approximation_curve(1000, 0.8, "lru", points=30, sizes=(10, 500))
    assert sizes[0] == pytest.approx(10) and sizes[-1] == pytest.approx(500)
    assert hits[0] == pytest.approx(caching.che_hit_ratio(10, 1000, 0.8))
    assert hits[-1] == pytest.approx(caching.che_hit_ratio(500, 1000, 0.8))
    _, fifo = caching.approximation_curve(1000, 0.8, "fifo", points=2, sizes=(10, 500))
    assert fifo[-1] == pytest.approx(caching.fifo_hit_ratio_approx(500, 1000, 0.8))


# --------------------------------------------------------------------------
# Derived load, warm-up, staleness, stampedes
# --------------------------------------------------------------------------


def test_derived_load_is_the_two_point_mixture():
    load = caching.derived_load(10_000, 0.75, 1.0, 20.0)
    assert load == caching.Load(2500.0, 1.0 + 0.25 * 20.0, 21.0)
    assert caching.derived_load(10_000, 0.995, 1.0, 20.0).p99_ms == 1.0  # 0.5% miss: p99 is a hit
    assert caching.derived_load(10_000, 0.98, 1.0, 20.0).p99_ms == 21.0
    assert caching.derived_load(10_000, 0.99, 1.0, 20.0).p99_ms == 1.0  # exactly 1% miss: P(L <= hit) = 0.99


def test_a_warmed_cache_starts_higher_and_both_converge():
    curves = caching.cold_vs_warm("lru", 3000, 10_000, 0.8, 20_000, 1000)
    assert list(curves.columns) == ["requests", "cold", "warm"] and len(curves) == 20
    assert curves["warm"].iloc[0] > curves["cold"].iloc[0] + 0.3
    steady = caching.che_hit_ratio(3000, 10_000, 0.8)
    assert curves[["cold", "warm"]].iloc[-5:].mean().to_numpy() == pytest.approx([steady] * 2, abs=0.03)


def test_staleness_grows_with_the_ttl_only_when_writes_leave_the_cache_alone():
    runs = caching.staleness([0.1, 1, 10], write_fraction=0.05, n_requests=20_000)
    stale = runs.pivot(index="ttl_s", columns="write_policy", values="stale_fraction")
    assert stale["ttl only"].is_monotonic_increasing and stale.loc[10, "ttl only"] > 0.1
    assert (stale["invalidate"] < 0.01).all() and (stale["write-through"] < 0.01).all()
    hits = runs.pivot(index="ttl_s", columns="write_policy", values="hit_ratio")
    assert hits["ttl only"].is_monotonic_increasing


def test_no_race_no_stale_reads():
    # Loads that take no time cannot straddle a write: invalidation and write-through are then exact.
    runs = caching.staleness([0.1, 10], load_ms=0, write_fraction=0.2, n_requests=10_000)
    assert (runs[runs.write_policy != "ttl only"].stale_fraction == 0).all()
    assert (caching.staleness([1, 10], write_fraction=0, n_requests=5000).stale_fraction == 0).all()


def test_coalescing_turns_n_queries_into_one():
    result = caching.stampede(500, spread_ms=5, cache_ms=1, db_ms=50)
    assert (result.queries_without, result.queries_with) == (500, 1)
    late = caching.stampede(1000, spread_ms=200, cache_ms=1, db_ms=50)
    assert late.queries_with == 1 and 200 < late.queries_without < 300  # arrivals in the first 50 ms of 200
    timeline = late.timeline
    assert (timeline.done_ms >= timeline.arrival_ms).all()
    assert set(timeline[timeline.coalesced].action) == {"DB query", "waits", "hit"}
    assert (timeline[timeline.action == "waits"].done_ms == 51).all()


# --------------------------------------------------------------------------
# What the views show, computed by the model
# --------------------------------------------------------------------------


def test_cache_entries_round_a_percentage_of_the_keys():
    assert [caching.cache_entries(pct, 1000) for pct in (0, 0.1, 0.05, 0.15, 10, 100)] == [0, 1, 0, 2, 100, 1000]


def test_simulated_hit_ratios_equal_cachetools_on_the_second_half():
    simulated = caching.simulated_hit_ratios(1000, 0.8)
    assert list(simulated) == list(model.IRM_POLICIES)
    assert all(len(hits) == len(model.SIM_FRACTIONS) for hits in simulated.values())
    keys = caching.zipf_keys(1000, 0.8, model.SIM_REQUESTS, seed=0).tolist()
    half = model.SIM_REQUESTS // 2
    for policy, cls in (("lru", cachetools.LRUCache), ("fifo", cachetools.FIFOCache)):
        for fraction, hit_ratio in zip(model.SIM_FRACTIONS, simulated[policy]):
            cache = cls(maxsize=round(fraction * 1000))
            cachetools_hits(cache, keys[:half])  # the first half fills the cache
            assert hit_ratio == cachetools_hits(cache, keys[half:]) / (model.SIM_REQUESTS - half)
    simulated["lru"] = ()  # a copy: the next call is not affected
    assert caching.simulated_hit_ratios(1000, 0.8)["lru"] != ()


def test_simulated_hit_ratios_grow_with_the_cache_and_follow_the_theory():
    simulated = caching.simulated_hit_ratios(10_000, 0.8, n_requests=60_000)
    for policy, hits in simulated.items():
        assert all(np.diff(hits) > 0)
        theory = caching.steady_hit_ratio(policy, 3000, 10_000, 0.8)
        assert hits[-1] == pytest.approx(theory, abs=0.05 if policy == "lfu" else 0.02)  # 30,000 requests counted
    assert caching.simulated_hit_ratios(100, 0.8, (0.001,))["lru"][0] > 0  # at least one entry


def test_theory_curves_are_the_closed_forms():
    curves = caching.theory_curves(1000, 0.8)
    sizes, hits = curves["lru"]
    assert len(sizes) == 20 and sizes[0] == pytest.approx(4) and sizes[-1] == pytest.approx(600)
    assert hits[-1] == pytest.approx(caching.che_hit_ratio(600, 1000, 0.8))
    sizes, hits = curves["fifo"]
    assert hits[0] == pytest.approx(caching.fifo_hit_ratio_approx(4, 1000, 0.8))
    sizes, hits = curves["lfu"]
    assert sizes[0] == 1 and sizes[-1] == 600 and all(np.diff(sizes) > 0)
    assert hits.tolist() == pytest.approx([caching.lfu_ideal_hit_ratio(int(s), 1000, 0.8) for s in sizes])
    with pytest.raises(ValueError):
        hits[0] = 0.0  # read-only: the curves are cached


def test_steady_hit_ratio_names_each_policys_theory():
    args = (300, 1000, 0.9)
    assert caching.steady_hit_ratio("lru", *args) == caching.che_hit_ratio(*args)
    assert caching.steady_hit_ratio("fifo", *args) == caching.steady_hit_ratio("random", *args)
    assert caching.steady_hit_ratio("fifo", *args) == caching.fifo_hit_ratio_approx(*args)
    assert caching.steady_hit_ratio("lfu", *args) == caching.lfu_ideal_hit_ratio(*args)


def test_predicted_load_is_the_two_point_mixture_of_each_theory():
    table = caching.predicted_load(100, 1000, 0.8, 10_000, 1.0, 10.0)
    assert list(table.index) == ["no cache", "FIFO or RANDOM (approximation)", "LRU (Che)", "LFU in the limit (ideal)"]
    assert table.loc["no cache"].tolist() == [0.0, 10_000.0, 11.0, 11.0]
    che = caching.che_hit_ratio(100, 1000, 0.8)
    load = caching.derived_load(10_000, che, 1.0, 10.0)
    assert table.loc["LRU (Che)"].tolist() == [che, load.db_requests_per_second, load.mean_ms, load.p99_ms]
    assert table["hit ratio"].is_monotonic_increasing and table["DB requests/s"].is_monotonic_decreasing
    assert (caching.predicted_load(1000, 1000, 0.8, 10_000, 1.0, 10.0)["p99"].iloc[1:] == 1.0).all()


def test_warm_up_counts_the_misses_of_each_start():
    result = caching.warm_up("lru", 3000, 10_000, 0.8, 20_000, 1000)
    keys = caching.zipf_keys(10_000, 0.8, 20_000)
    cold = caching.hit_flags("lru", 3000, keys)
    warm = caching.hit_flags("lru", 3000, keys, warm=range(2999, -1, -1))
    assert (result.misses_cold, result.misses_warm) == (cold.count(0), warm.count(0))
    assert result.extra_reads == cold.count(0) - warm.count(0) > 1000
    assert result.curves["cold"].iloc[0] == pytest.approx(cold[:1000].count(1) / 1000)
    assert result.steady == caching.che_hit_ratio(3000, 10_000, 0.8) and result.window == 1000
    # the misses of whole windows only: 20,000 requests in windows of 3,000 count 18,000
    partial = caching.warm_up("lfu", 300, 1000, 0.8, 20_000, 3000)
    flags = caching.hit_flags("lfu", 300, caching.zipf_keys(1000, 0.8, 20_000))
    assert partial.misses_cold == flags[:18_000].count(0) and len(partial.curves) == 6


def test_warm_up_allows_at_most_200_windows():
    assert len(caching.warm_up("fifo", 10, 100, 0.8, 20_000, 100).curves) == 200
    for window in (99, 20_001):
        with pytest.raises(ValueError, match=rf"^window must be an integer in \[100, 20000\], got {window}$"):
            caching.warm_up("fifo", 10, 100, 0.8, 20_000, window)


def test_staleness_by_ttl_is_the_runs_one_row_per_ttl():
    runs = caching.staleness([0.1, 1, 10], n_requests=5000)
    table = caching.staleness_by_ttl([0.1, 1, 10], n_requests=5000)
    assert list(table.index) == [0.1, 1, 10]
    assert list(table.columns) == [(m, p) for m in ("stale_fraction", "hit_ratio") for p in model.WRITE_POLICIES]
    for row in runs.itertuples():
        assert table.loc[row.ttl_s, ("stale_fraction", row.write_policy)] == row.stale_fraction
        assert table.loc[row.ttl_s, ("hit_ratio", row.write_policy)] == row.hit_ratio


def test_stampede_summary_in_closed_form():
    # 100 requests within 5 ms all find the key missing (the refill is back at 1 + 50 = 51 ms).
    result = caching.stampede(100, spread_ms=5, cache_ms=1, db_ms=50)
    table = caching.stampede_summary(result)
    arrivals = result.timeline.query("coalesced").arrival_ms
    assert table.loc["without"].tolist() == [100, 51.0, 51.0]  # every request waits for its own query
    assert table.loc["with coalescing", "DB queries"] == 1
    assert table.loc["with coalescing", "mean latency"] == pytest.approx(51 - arrivals.mean())  # all answered at 51
    assert table.loc["with coalescing", "slowest"] == 51.0


def test_stampede_sample_spreads_evenly_in_order_of_arrival():
    result = caching.stampede(1000, spread_ms=100)
    sample = caching.stampede_sample(result, 10)
    for _, mode in sample.groupby("coalesced"):
        assert mode.request.tolist() == [0, 111, 222, 333, 444, 555, 666, 777, 888, 999]
        assert mode.arrival_ms.is_monotonic_increasing
    assert len(caching.stampede_sample(caching.stampede(3), 10)) == 6  # fewer requests than asked for


def test_source_shows_the_models_own_code():
    code = widgets.source(model._queue)
    assert code.startswith("def _queue(") and "popitem" in code and "move_to_end" in code


# --------------------------------------------------------------------------
# Bad parameters
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda: caching.zipf_keys(0, 0.8, 10), "n_keys"),
        (lambda: caching.zipf_keys(10, -1, 10), "alpha"),
        (lambda: caching.zipf_keys(10, float("nan"), 10), "alpha"),
        (lambda: caching.zipf_keys(10, 0.8, -1), "n_requests"),
        (lambda: caching.zipf_keys(10, 0.8, 10, seed=-1), "seed"),
        (lambda: caching.replay("mru", 10, [1]), "policy"),
        (lambda: caching.replay("lru", -1, [1]), "cache_size"),
        (lambda: caching.replay("lru", 2.5, [1]), "cache_size"),
        (lambda: caching.replay("lru", True, [1]), "cache_size"),
        (lambda: caching.replay("lru", 2, np.zeros((2, 2))), "keys"),
        (lambda: caching.replay("lru", 2, 5), "keys"),
        (lambda: caching.che_hit_ratio(-1, 100, 0.8), "cache_size"),
        (lambda: caching.che_hit_ratio(10, 10**9, 0.8), "n_keys"),
        (lambda: caching.fifo_hit_ratio_approx(10, 100, 99), "alpha"),
        (lambda: caching.lfu_ideal_hit_ratio(10, 100, "0.8"), "alpha"),
        (lambda: caching.derived_load(-5, 0.5, 1, 10), "requests_per_second"),
        (lambda: caching.derived_load(5, 1.5, 1, 10), "hit_ratio"),
        (lambda: caching.derived_load(5, 0.5, float("inf"), 10), "cache_ms"),
        (lambda: caching.derived_load(5, 0.5, 1, -10), "db_ms"),
        (lambda: caching.cold_vs_warm("lru", 10, 100, 0.8, 1000, 0), "window"),
        (lambda: caching.staleness([-1]), "ttl"),
        (lambda: caching.staleness([1], write_fraction=2), "write_fraction"),
        (lambda: caching.staleness([1], requests_per_second=0), "requests_per_second"),
        (lambda: caching.stampede(0), "n_requests"),
        (lambda: caching.stampede(10, spread_ms=-1), "spread_ms"),
        (lambda: caching.approximation_curve(100, 0.8, sizes=(10, 100)), "sizes[1]"),
        (lambda: caching.zipf_keys(10, 0.8, 10, phases=0), "phases"),
        (lambda: caching.zipf_keys(10, 0.8, 10, phases=101), "phases"),
        (lambda: caching.cache_entries(101, 1000), "cache_pct"),
        (lambda: caching.cache_entries(10, 0), "n_keys"),
        (lambda: caching.simulated_hit_ratios(100, 0.8, (0.1, 0)), "fraction"),
        (lambda: caching.simulated_hit_ratios(100, 0.8, n_requests=1), "n_requests"),
        (lambda: caching.simulated_hit_ratios(100, -0.8), "alpha"),
        (lambda: caching.theory_curves(1, 0.8), "n_keys"),
        (lambda: caching.steady_hit_ratio("lifo", 10, 100, 0.8), "policy"),
        (lambda: caching.predicted_load(10, 100, 0.8, float("nan"), 1, 10), "requests_per_second"),
        (lambda: caching.predicted_load(10, 100, 0.8, 1000, 1, -10), "db_ms"),
        (lambda: caching.warm_up("lru", 10, 100, 0.8, 20_000, -1), "window"),
        (lambda: caching.warm_up("lifo", 10, 100, 0.8), "policy"),
        (lambda: caching.staleness_by_ttl([1], load_ms=-1), "load_ms"),
        (lambda: caching.stampede_sample(caching.stampede(10), 0), "k"),
        (lambda: caching.stampede_summary("stampede"), "result"),
        (lambda: strategies.run("write-sideways"), "strategy"),
        (lambda: strategies.summary(cache_ms=-1), "cache_ms"),
    ],
)
def test_bad_parameters_raise_value_errors_naming_them(call, name):
    with pytest.raises(ValueError, match=r"^" + name.replace("[", r"\[").replace("]", r"\]") + " must be") as error:
        call()
    assert "got" in str(error.value)


# --------------------------------------------------------------------------
# Strategies, step by step
# --------------------------------------------------------------------------


def outcomes(name: str) -> list[str]:
    return [step.outcome for step in strategies.run(name)]


def test_every_run_follows_the_script():
    for name in strategies.RUNS:
        steps = strategies.run(name)
        assert len(steps) == len(strategies.SCRIPT)
        for step in steps:
            assert all(isinstance(m, Message) and m.via is None for m in step.messages)  # the one Message type
            assert all({m.sender, m.receiver} <= set(strategies.ACTORS) and m.sender != m.receiver
                       for m in step.messages)
            assert step.stale == (step.returned is not None and step.returned != step.latest_value)
            database = dict(step.database)
            assert step.lacking == tuple((k, v) for k, v in step.latest if database[k] != v)


def test_what_each_strategy_does_after_a_write():
    after_write = 3  # the read at t = 15 s, just after x=2 was written
    assert {name: outcomes(name)[after_write] for name in strategies.RUNS} == {
        "cache-aside": "miss", "read-through": "stale hit", "write-through": "hit", "write-back": "hit",
        "write-around": "miss", strategies.CRASH: "hit",
    }
    # write-allocate: only write-through and write-back have y cached when it is read back
    assert [outcomes(name)[7] for name in strategies.STRATEGIES] == ["miss", "miss", "hit", "hit", "miss"]


def test_read_through_serves_the_old_value_until_its_ttl():
    steps = strategies.run("read-through")
    assert steps[3].returned == 1 and steps[3].stale and steps[3].latest_value == 2
    assert steps[5].outcome == "miss" and "x expired" in steps[5].note and steps[5].returned == 2


def test_write_back_flushes_late_and_loses_the_write_if_the_cache_crashes():
    back = strategies.run("write-back")
    assert dict(back[2].database)["x"] == 1 and dict(back[4].database)["x"] == 2  # DB catches up at the flush
    assert back[2].lacking == (("x", 2),) and back[4].lacking == ()
    assert back[-1].messages[1].kind == "write y=2"  # the dirty y is written before it is evicted
    crash = strategies.run(strategies.CRASH)
    assert "x=2 lost" in crash[4].note and crash[4].cache == ()
    assert [s.returned for s in crash if s.stale] == [1, 1]


def test_summary_counts_and_latencies():
    table = strategies.summary(cache_ms=1.0, db_ms=10.0)
    assert list(table.index) == list(strategies.RUNS)
    assert table.loc["write-through", "write ms"] == 11.0  # cache, then the cache writes the DB
    assert table.loc["write-back", "write ms"] == 1.0
    assert table.loc["cache-aside", "write ms"] == 11.0  # DB write, then delete in the cache
    assert table.loc["read-through", "stale window (s)"] == 20.0  # written at 10 s, expired at 30 s
    assert table.loc["write-through", "stale reads"] == 0
    assert table.loc["write-back", "data-loss risk"] == "writes only in the cache for 22 s"
    assert table.loc[strategies.CRASH, "data-loss risk"] == "1 acknowledged write lost"
    assert (table.loc[list(strategies.STRATEGIES)[:3], "data-loss risk"] == "none").all()
    # read-through and write-around read the DB on the same misses as cache-aside, one round trip cheaper
    assert table.loc["cache-aside", "read ms"] - table.loc["write-around", "read ms"] == pytest.approx(4 / 6)


# --------------------------------------------------------------------------
# Views: specific content (the catalog suite covers the generic behaviour)
# --------------------------------------------------------------------------


def test_strategy_animation_frames_are_small_and_marked():
    frames = views.strategy_frames()
    assert list(frames) == list(strategies.RUNS)
    assert all(len(f) == len(strategies.SCRIPT) + 1 <= 14 for f in frames.values())
    assert sum(len(frame) for f in frames.values() for frame in f) < 1_500_000
    stale = [frame for f in frames.values() for frame in f if "STALE: the read returned" in frame]
    assert len(stale) == 3  # read-through once, the crashed write-back twice: alt text says so
    assert 'alt="read-through, step 4 of 9, t = 15 s, read x: stale hit. STALE: the read returned 1, ' in stale[0]
    widget = views.strategy_animations()
    assert "data-loss risk" in list(html_values(widget))[-1]


def test_hit_ratio_table_follows_the_live_controls():
    widget = views.hit_ratio()
    widget.controls["db_ms"].value = 50
    assert "51.00 ms" in widget.view.value  # p99 of a miss: 1 ms cache + 50 ms database
    widget.controls["cache_pct"].value = 100
    assert "1.000" in widget.view.value  # every key fits: every policy hits
