"""Tests of widgets.caching.eviction: the field's policies through libCacheSim beside the course's replay,
LRU's whole curve from stack distances, and Belady's optimum.

Oracles and sources:
* libCacheSim (Yang et al., github.com/1a1a11a/libCacheSim; Python bindings ``libcachesim`` 0.3.5): its
  LRU and FIFO must count exactly the hits of the course's ``replay``, a second oracle beside cachetools;
  its Belady must count exactly the hits of the course's own MIN.
* Mattson, Gecsei, Slutz & Traiger (1970), "Evaluation techniques for storage hierarchies", IBM Systems
  Journal 9(2): an LRU cache of C entries hits exactly the requests of stack distance at most C.
* Belady (1966), "A study of replacement algorithms for a virtual-storage computer", IBM Systems
  Journal 5(2): MIN (evict the page used furthest in the future) is optimal, so no policy beats it.
* Silberschatz, Galvin & Gagne, "Operating System Concepts", 9th ed. (2012), section 9.4 (figures 9.12,
  9.14 and 9.15): the reference string 7,0,1,2,0,3,0,4,2,3,0,3,2,1,2,0,1,7,0,1 with three frames takes
  15 page faults under FIFO, 9 under the optimal policy and 12 under LRU.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from widgets import caching
from widgets.caching import eviction

TEXTBOOK = [7, 0, 1, 2, 0, 3, 0, 4, 2, 3, 0, 3, 2, 1, 2, 0, 1, 7, 0, 1]


# --------------------------------------------------------------------------
# libCacheSim's LRU and FIFO count exactly what replay counts
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("n_keys", "alpha", "n_requests", "seed", "sizes"),
    [(1000, 0.8, 20_000, 0, (1, 7, 100, 999, 1000)), (200, 0.6, 10_000, 5, (3, 50, 150)),
     (10_000, 1.2, 20_000, 3, (1, 500, 4000)), (50, 0.0, 5000, 2, (1, 25, 49, 50))],
)
@pytest.mark.parametrize("policy", ["lru", "fifo"])
def test_libcachesim_lru_and_fifo_equal_replay(policy, n_keys, alpha, n_requests, seed, sizes):
    keys = caching.zipf_keys(n_keys, alpha, n_requests, seed)
    expected = [caching.replay(policy, size, keys).hits for size in sizes]
    assert caching.libcachesim_hits(policy, sizes, keys).tolist() == expected


@pytest.mark.parametrize("workload", eviction.WORKLOADS)
def test_libcachesim_equals_replay_on_every_workload(workload):
    keys = caching.policy_trace(workload, 1000, 0.8, 20_000, seed=7)
    for policy in ("lru", "fifo"):
        assert caching.libcachesim_hits(policy, [20, 100, 300], keys).tolist() == [
            caching.replay(policy, size, keys).hits for size in (20, 100, 300)]


@given(st.lists(st.sampled_from("abcdefghij"), max_size=300), st.integers(1, 11))
def test_libcachesim_lru_and_fifo_equal_replay_on_any_trace(keys, size):
    for policy in ("lru", "fifo"):
        assert caching.libcachesim_hits(policy, [size], keys)[0] == caching.replay(policy, size, keys).hits


# --------------------------------------------------------------------------
# Stack distances: LRU at every size from one pass
# --------------------------------------------------------------------------


def distances_by_definition(keys) -> list[int]:
    """1 + distinct keys since the key's last request, by scanning back; 0 for a first request."""
    out = []
    for i, key in enumerate(keys):
        back = [k for k in keys[:i]][::-1]
        out.append(len(set(back[: back.index(key)])) + 1 if key in back else 0)
    return out


@given(st.lists(st.integers(0, 15), max_size=200))
def test_stack_distances_follow_their_definition(keys):
    assert caching.stack_distances(keys).tolist() == distances_by_definition(keys)


@given(st.lists(st.integers(0, 20), max_size=300))
def test_lru_hits_by_size_equal_replay_at_every_size(keys):
    by_size = caching.lru_hits_by_size(keys)
    assert len(by_size) == len(set(keys)) + 1
    assert by_size.tolist() == [caching.replay("lru", size, keys).hits if size else 0 for size in range(len(by_size))]


def test_lru_hits_by_size_equal_replay_on_a_long_trace():
    keys = caching.zipf_keys(5000, 0.9, 200_000, seed=11)
    by_size = caching.lru_hits_by_size(keys)
    sizes = np.unique(np.geomspace(1, len(by_size) - 1, 25).round().astype(int))
    assert [int(by_size[size]) for size in sizes] == [caching.replay("lru", size, keys).hits for size in sizes]
    assert by_size[-1] == len(keys) - len(np.unique(keys))  # a cache of every key misses only first requests


def test_simulated_lru_curve_equals_replay_at_every_size_it_draws():
    sizes, hits = caching.simulated_lru_curve(1000, 0.8)
    assert (sizes[0], sizes[-1]) == (4, 600) and 50 < len(sizes) <= 60 and not hits.flags.writeable
    replayed = caching.simulated_hit_ratios(1000, 0.8, tuple(sizes / 1000))["lru"]
    assert hits.tolist() == list(replayed)  # the same trace and window, replayed size by size
    assert np.all(np.diff(hits) >= 0)
    assert hits[-1] == pytest.approx(caching.che_hit_ratio(600, 1000, 0.8), abs=0.03)  # 3,000 requests counted


def test_stack_distances_give_the_textbook_lru_faults():
    # Silberschatz, Galvin & Gagne (2012), figure 9.15: LRU with 3 frames, 12 page faults of 20 references.
    assert len(TEXTBOOK) - caching.lru_hits_by_size(TEXTBOOK)[3] == 12
    # Mattson et al. (1970): inclusion, so the hits never fall as the cache grows
    assert np.all(np.diff(caching.lru_hits_by_size(caching.zipf_keys(300, 0.7, 5000, seed=1))) >= 0)


# --------------------------------------------------------------------------
# Belady's optimum
# --------------------------------------------------------------------------


def test_belady_on_the_textbook_string():
    # Silberschatz, Galvin & Gagne (2012), figures 9.12 and 9.14: FIFO 15 faults, optimal 9, with 3 frames.
    assert len(TEXTBOOK) - caching.belady_hits(3, TEXTBOOK) == 9
    assert len(TEXTBOOK) - caching.libcachesim_hits("belady", [3], TEXTBOOK)[0] == 9
    assert caching.replay("fifo", 3, TEXTBOOK).misses == 15


@given(st.lists(st.integers(0, 25), max_size=300), st.integers(1, 12))
def test_libcachesim_belady_equals_the_course_min(keys, size):
    assert caching.libcachesim_hits("belady", [size], keys)[0] == caching.belady_hits(size, keys)


def min_by_definition(keys, size) -> int:
    """Belady's MIN by scanning the future at each eviction: slow and obviously right."""
    cached, hits = set(), 0
    for i, key in enumerate(keys):
        if key in cached:
            hits += 1
            continue
        if len(cached) == size:
            later = keys[i + 1:]
            cached.remove(max(cached, key=lambda k: later.index(k) if k in later else len(keys)))
        cached.add(key)
    return hits


@given(st.lists(st.integers(0, 12), max_size=120), st.integers(1, 6))
def test_belady_equals_its_definition(keys, size):
    assert caching.belady_hits(size, keys) == min_by_definition(keys, size)


@given(st.lists(st.integers(0, 60), min_size=1, max_size=400), st.integers(6, 45))
def test_no_policy_beats_belady(keys, size):
    best = caching.belady_hits(size, keys)
    for policy in ("s3fifo", "sieve", "arc", "wtinylfu", "lru", "fifo"):
        if size < eviction.MIN_SIZE.get(policy, 1):
            continue
        assert caching.libcachesim_hits(policy, [size], keys)[0] <= best, policy
    for policy in ("lru", "fifo", "lfu", "random", "lifo"):
        assert caching.replay(policy, size, keys).hits <= best, policy


@pytest.mark.parametrize("workload", eviction.WORKLOADS)
def test_belady_tops_every_curve(workload):
    ratios = caching.policy_hit_ratios(workload, 1000, 0.8, 10_000, (20, 50, 100, 300))
    for policy, hit_ratio in ratios.items():
        assert np.all(hit_ratio <= ratios["belady"]), policy
        assert np.all(np.diff(hit_ratio) >= 0) or policy == "fifo", policy  # more room, more hits


# --------------------------------------------------------------------------
# What the comparison shows, and its setup
# --------------------------------------------------------------------------


def test_scan_resistant_policies_beat_lru_on_scans():
    # S3-FIFO (Yang et al., SOSP 2023) and SIEVE (Zhang et al., NSDI 2024) keep one-hit keys out of the
    # main queue; ARC (Megiddo & Modha, FAST 2003) and W-TinyLFU (Einziger et al., ACM ToS 2017) too.
    ratios = caching.policy_hit_ratios("scans", 1000, 0.8, 10_000, (20, 100, 300))
    for policy in ("s3fifo", "sieve", "arc", "wtinylfu"):
        assert np.all(ratios[policy] > ratios["lru"] + 0.05), policy


def test_stale_counts_sink_lfu_when_popularity_shifts():
    steady = caching.policy_hit_ratios("zipf", 1000, 1.0, 10_000, (100,))
    shifted = caching.policy_hit_ratios("shifts", 1000, 1.0, 10_000, (100,))
    assert steady["lfu"][0] > steady["lru"][0]  # under IRM counting pays
    assert shifted["lfu"][0] < shifted["lru"][0]  # after a shift the old counts keep stale keys in


def test_scans_are_one_time_keys():
    keys = caching.policy_trace("scans", 1000, 0.8, 10_000)
    scanned = keys[keys >= 1000]
    assert len(scanned) == 10_000 // 5 and len(np.unique(scanned)) == len(scanned)
    assert np.array_equal(keys[keys < 1000], caching.zipf_keys(1000, 0.8, 10_000)[keys < 1000])


def test_wtinylfu_caches_below_100_keys():
    # libCacheSim's own window (1% rounded down) is empty below 100 keys, which would never cache a key
    keys = caching.zipf_keys(200, 0.8, 5000, seed=2)
    hits = caching.libcachesim_hits("wtinylfu", [6, 10, 50], keys)
    assert np.all(hits > 0) and np.all(hits <= [caching.belady_hits(size, keys) for size in (6, 10, 50)])
    with pytest.raises(ValueError, match=r"cache_size must be an integer in \[6, "):
        caching.libcachesim_hits("wtinylfu", [5], keys)  # its SLRU would have an empty segment


def test_bad_input_is_named():
    with pytest.raises(ValueError, match=r"cache_size must be an integer in \[20, 1000000\], got 10"):
        caching.libcachesim_hits("s3fifo", [10], [1, 2, 3])
    with pytest.raises(ValueError, match="policy must be one of"):
        caching.libcachesim_hits("clock", [10], [1, 2, 3])
    with pytest.raises(ValueError, match="workload must be one of"):
        caching.policy_trace("bursty", 100, 0.8, 100)
    with pytest.raises(ValueError, match="cache_size must be an integer in"):
        caching.belady_hits(0, [1, 2])
    with pytest.raises(ValueError, match=r"n_keys must be an integer in \[2, "):
        caching.simulated_lru_curve(1, 0.8)
    with pytest.raises(ValueError, match=r"points must be an integer in \[2, 1000\]"):
        caching.simulated_lru_curve(100, 0.8, points=1)


def test_results_are_cached_read_only_and_seeded():
    first = caching.policy_hit_ratios("zipf", 1000, 0.8, 5000, (20, 100))
    assert not first["lru"].flags.writeable
    again = caching.policy_hit_ratios("zipf", 1000, 0.8, 5000, (20, 100), seed=1)
    assert any(not np.array_equal(first[p], again[p]) for p in first)


# --------------------------------------------------------------------------
# replay's fast LRU and FIFO compute the cache the chapter shows (model._queue)
# --------------------------------------------------------------------------


@given(st.lists(st.integers(0, 30), max_size=300), st.integers(1, 12), st.lists(st.integers(0, 40), max_size=15),
       st.booleans())
def test_fast_lru_and_fifo_equal_the_readable_queue(keys, size, warm, as_array):
    from widgets.caching import model

    warm = list(dict.fromkeys(warm))[-size:]
    trace = np.array(keys, dtype=np.int64) if as_array else keys
    for policy in ("lru", "fifo"):
        assert caching.hit_flags(policy, size, trace, warm=warm) == model._queue(keys, size, warm, policy)


@given(st.lists(st.integers(0, 30), max_size=300), st.integers(1, 12), st.booleans())
def test_hit_count_counts_the_readable_queues_hits(keys, size, as_array):
    """replay's hit count (LRU's and FIFO's counted without flags) equals the hits of the chapter's queue."""
    from widgets.caching import model

    trace = np.array(keys, dtype=np.int64) if as_array else keys
    for policy in ("lru", "fifo", "lifo"):
        assert caching.hit_count(policy, size, trace) == model._queue(keys, size, [], policy).count(1)
        assert caching.replay(policy, size, trace).hits == caching.hit_count(policy, size, trace)
        assert caching.hit_count(policy, 0, trace) == 0  # no room: every request misses


def test_fast_paths_take_any_hashable_keys():
    keys = ["a", ("b", 1), "a", 2.5, ("b", 1), None, "a"]
    for policy in ("lru", "fifo"):
        assert caching.hit_flags(policy, 2, keys) == caching.model._queue(keys, 2, [], policy)
    assert list(caching.hit_flags("lru", 2, np.array([-5, 7, -5, 10**12, 7]))) == [0, 0, 1, 0, 0]
    for policy in ("lru", "fifo"):
        assert caching.hit_count(policy, 2, keys) == caching.model._queue(keys, 2, [], policy).count(1)
    equal_keys = [1, 1.0, True, 2, 1, 3, 1.0]  # one key to a dict: 1 == 1.0 == True
    assert caching.hit_count("lru", 2, equal_keys) == caching.model._queue(equal_keys, 2, [], "lru").count(1) == 4
