"""The eviction policies the field uses, side by side on one seeded trace, and LRU's whole curve in one pass.

The course's own simulator (:func:`~widgets.caching.model.replay`) runs LRU, FIFO and LFU; libCacheSim
(Yang et al., through its Python bindings ``libcachesim``) runs S3-FIFO, SIEVE, ARC, W-TinyLFU and
Belady's offline optimum on the very same keys. Objects have unit size, so a cache of C bytes holds C
keys, and every cache starts empty and inserts on every miss. :func:`lru_hits_by_size` counts LRU's
hits at every cache size at once from the stack distances of Mattson, Gecsei, Slutz & Traiger (1970);
:func:`simulated_lru_curve` draws that curve for the hit-ratio lab.
"""

from __future__ import annotations

import functools
import heapq
import os
import tempfile
from collections.abc import Iterable

import libcachesim
import numpy as np

from .. import _check
from .model import (
    CURVE_SPAN, MAX_ALPHA, MAX_KEYS, MAX_REQUESTS, SIM_REQUESTS, _as_list, hit_count, replay, zipf_keys,
)

#: Policies libCacheSim runs here, by the course's name, and the class that runs each.
LIBCACHESIM = {
    "s3fifo": libcachesim.S3FIFO, "sieve": libcachesim.Sieve, "arc": libcachesim.ARC,
    "wtinylfu": libcachesim.WTinyLFU, "belady": libcachesim.Belady,
    "lru": libcachesim.LRU, "fifo": libcachesim.FIFO,
}
#: Every policy :func:`policy_hit_ratios` compares: Belady first, then libCacheSim's, then the course's own.
COMPARED = ("belady", "s3fifo", "sieve", "wtinylfu", "arc", "lfu", "lru", "fifo")
#: How the views and tables name them.
LABELS = {
    "belady": "Belady (offline optimum)", "s3fifo": "S3-FIFO", "sieve": "SIEVE", "wtinylfu": "W-TinyLFU",
    "arc": "ARC", "lfu": "LFU", "lru": "LRU", "fifo": "FIFO",
}
#: The smallest cache (in keys) each libCacheSim policy runs correctly with unit-size objects:
#: S3-FIFO's small queue (10% of the cache, rounded down) must hold two objects, since libCacheSim
#: does not insert an object as large as that queue; W-TinyLFU needs a window of one key and a main
#: SLRU whose smaller segment (a fifth, rounded down) holds one. Smaller caches abort the process.
MIN_SIZE = {"s3fifo": 20, "wtinylfu": 6}
#: The traces :func:`policy_trace` makes.
WORKLOADS = ("zipf", "scans", "shifts")

_INT64_MAX = np.iinfo(np.int64).max
#: libCacheSim's "oracleGeneral" binary trace: time, object id, size, the request's next access time.
_ORACLE = np.dtype([("time", "<u4"), ("id", "<u8"), ("size", "<u4"), ("next", "<i8")])


# ---------------------------------------------------------------- traces


def _dense(keys) -> np.ndarray:
    """The keys renamed 0, 1, 2, ... (any hashable keys; the same key, the same number)."""
    if isinstance(keys, np.ndarray) and keys.ndim == 1 and keys.dtype.kind in "iu":
        return np.unique(keys, return_inverse=True)[1].astype(np.int64).ravel()
    names: dict = {}
    return np.array([names.setdefault(key, len(names)) for key in _as_list(keys)], dtype=np.int64)


def next_access(keys) -> np.ndarray:
    """For each request, the position of the next request of the same key (-1 if there is none).

    >>> next_access([1, 2, 1, 1, 3]).tolist()
    [2, -1, 3, -1, -1]
    """
    ids = _dense(keys)
    order = np.argsort(ids, kind="stable")  # by key, then by time
    nxt = np.full(len(ids), -1, dtype=np.int64)
    same = ids[order[1:]] == ids[order[:-1]]
    nxt[order[:-1][same]] = order[1:][same]
    return nxt


def policy_trace(workload: str, n_keys: int, alpha: float, n_requests: int, seed: int = 0) -> np.ndarray:
    """A seeded trace for comparing policies: Zipf keys 0 … n_keys-1 (:func:`~widgets.caching.model.zipf_keys`).

    "zipf": independent requests (IRM). "shifts": the popularity ranking is reshuffled at the
    start of each quarter (``phases=4``). "scans": a fifth of the requests belong to scans:
    every 5 × n_keys/10 requests, the last n_keys/10 are replaced by keys n_keys, n_keys+1, …
    requested once each and never again, like a batch job or a crawler reading cold data.

    >>> t = policy_trace("scans", 100, 0.8, 100)
    >>> bool(t[:40].max() < 100), t[40:50].tolist() == list(range(100, 110)), len(t)
    (True, True, 100)
    """
    workload = _check.choice("workload", workload, WORKLOADS)
    n_keys = _check.integer("n_keys", n_keys, 10, MAX_KEYS)
    keys = zipf_keys(n_keys, alpha, n_requests, seed, phases=4 if workload == "shifts" else 1)
    if workload == "scans":
        scan = n_keys // 10
        ends = np.arange(5 * scan, len(keys) + 1, 5 * scan)
        positions = (ends[:, None] - scan + np.arange(scan)).ravel()
        keys[positions] = n_keys + np.arange(len(positions))
    return keys


# ---------------------------------------------------------------- LRU at every size: stack distances


def _earlier_smaller(values: np.ndarray) -> np.ndarray:
    """For each i, how many j < i have values[j] < values[i] (values in 0 … len(values)).

    Bottom-up merge counting: at the level of width w, each element in the right half of a
    block of 2w counts the smaller elements of the left half, by binary search in that half
    sorted. Every earlier element is counted once, at the level where the two first share a
    block: log2(n) levels of numpy work, O(n log² n) in all.
    """
    n = len(values)
    counts = np.zeros(n, dtype=np.int64)
    position = np.arange(n)
    width = 1
    while width < n:
        block = position // (2 * width)
        right = (position // width) % 2 == 1
        sort_key = block * (n + 1) + values  # block first, then value
        left = np.sort(sort_key[~right])
        counts[right] += np.searchsorted(left, sort_key[right]) - np.searchsorted(left, block[right] * (n + 1))
        width *= 2
    return counts


def stack_distances(keys) -> np.ndarray:
    """Each request's LRU stack distance: 1 + the number of distinct keys since the key's last request.

    0 marks a key's first request (an infinite distance: a miss at any size). An LRU cache of C
    keys hits exactly the requests at distance 1 … C (Mattson, Gecsei, Slutz & Traiger 1970).
    Computed in one pass: the distinct keys since request p of a key, re-requested at i, are
    the requests j in (p, i) whose previous request came before p; counted for all i at once
    by :func:`_earlier_smaller` on the previous-request times.

    >>> stack_distances(["a", "b", "c", "b", "a", "a"]).tolist()
    [0, 0, 0, 2, 3, 1]
    """
    nxt = next_access(keys)
    prev = np.full(len(nxt), -1, dtype=np.int64)
    has_next = nxt >= 0
    prev[nxt[has_next]] = np.flatnonzero(has_next)
    # distinct keys in (p, i) = #{j < i: prev[j] < p} - (p + 1): every j <= p has prev[j] < p
    distances = _earlier_smaller(prev + 1) - prev
    distances[prev < 0] = 0
    return distances


def lru_hits_by_size(keys) -> np.ndarray:
    """Hits of an LRU cache of every size: element C is the hits of a cache of C keys, from C = 0
    to the number of distinct keys (beyond it, nothing more hits). One pass over the trace.

    >>> lru_hits_by_size(["a", "b", "c", "b", "a", "a"]).tolist()
    [0, 1, 2, 3]
    """
    distances = stack_distances(keys)
    distinct = int((distances == 0).sum())
    return np.concatenate([[0], np.cumsum(np.bincount(distances, minlength=distinct + 1)[1 : distinct + 1])])


@functools.lru_cache(maxsize=64)
def _lru_curve(n_keys: int, alpha: float, n_requests: int, seed: int, points: int) -> tuple:
    half = n_requests // 2
    distances = stack_distances(zipf_keys(n_keys, alpha, n_requests, seed))[half:]
    hits = np.cumsum(np.bincount(distances, minlength=n_keys + 1)[1 : n_keys + 1])  # sizes 1 … n_keys
    low, high = CURVE_SPAN
    sizes = np.unique(np.clip(np.geomspace(low * n_keys, high * n_keys, points).round(), 1, n_keys).astype(int))
    ratios = hits[sizes - 1] / (n_requests - half)
    sizes.setflags(write=False)
    ratios.setflags(write=False)
    return sizes, ratios


def simulated_lru_curve(
    n_keys: int, alpha: float, n_requests: int = SIM_REQUESTS, seed: int = 0, points: int = 60
) -> tuple[np.ndarray, np.ndarray]:
    """LRU's simulated hit ratio as a curve: (cache sizes in entries, hit ratios), read-only arrays.

    The trace and the window of :func:`~widgets.caching.model.simulated_hit_ratios` (a cache that
    starts empty, hits counted over the second half of ``n_requests``), at up to ``points`` sizes
    spread evenly on a log scale over :data:`~widgets.caching.model.CURVE_SPAN` of the keys. One pass
    of stack distances gives every size, so the curve equals replay wherever it is read.

    >>> sizes, hits = simulated_lru_curve(1000, 0.8, points=3)
    >>> sizes.tolist(), hits.round(3).tolist()
    ([4, 49, 600], [0.038, 0.257, 0.825])
    """
    n_keys = _check.integer("n_keys", n_keys, 2, MAX_KEYS)
    alpha = _check.number("alpha", alpha, 0, MAX_ALPHA)
    n_requests = _check.integer("n_requests", n_requests, 2, MAX_REQUESTS)
    seed = _check.seed(seed)
    points = _check.integer("points", points, 2, 1000)
    return _lru_curve(n_keys, alpha, n_requests, seed, points)


# ---------------------------------------------------------------- Belady, the course's own


def belady_hits(cache_size: int, keys) -> int:
    """Hits of Belady's MIN: on a miss with the cache full, evict the key requested again furthest
    in the future (or never). The offline optimum for a cache that inserts on every miss
    (Belady 1966, IBM Systems Journal 5(2)); a heap of next-request times, updated lazily.

    >>> belady_hits(2, [1, 2, 3, 1, 2, 3])
    2
    """
    size = _check.integer("cache_size", cache_size, 1, MAX_KEYS)
    nxt = next_access(keys)
    nxt[nxt < 0] = _INT64_MAX
    ids = _dense(keys).tolist()
    cached: dict[int, int] = {}  # key -> its next request
    heap: list[tuple[int, int]] = []  # (-next request, key); stale entries are skipped
    hits = 0
    for key, upcoming in zip(ids, nxt.tolist()):
        if key in cached:
            hits += 1
        elif len(cached) == size:
            while True:
                when, victim = heapq.heappop(heap)
                if cached.get(victim) == -when:
                    del cached[victim]
                    break
        cached[key] = upcoming
        heapq.heappush(heap, (-upcoming, key))
    return hits


# ---------------------------------------------------------------- libCacheSim


def _make_cache(policy: str, size: int, hashpower: int):
    cls = LIBCACHESIM[policy]
    if policy == "wtinylfu":
        # libCacheSim's window is floor(1% of the cache): none at all below 100 keys. Caffeine
        # rounds the window up to whole entries; so do we (the half entry guards the rounding down).
        window = (max(1, -(-size // 100)) + 0.5) / size
        return cls(size, hashpower=hashpower, window_size=round(window, 6))
    return cls(size, hashpower=hashpower)


def libcachesim_hits(policy: str, cache_sizes: Iterable[int], keys) -> np.ndarray:
    """Hits of a libCacheSim policy at each cache size, replaying ``keys`` through an empty cache.

    Objects have size 1 (a cache of C bytes holds C keys) and libCacheSim reads the trace in C
    from an "oracleGeneral" file written for the purpose (it carries each request's next access
    time, which Belady needs). Policies: :data:`LIBCACHESIM`.

    >>> libcachesim_hits("lru", [1, 2], [1, 2, 1, 3, 2, 1]).tolist() == [replay("lru", c, [1, 2, 1, 3, 2, 1]).hits
    ...                                                                   for c in (1, 2)]
    True
    """
    policy = _check.choice("policy", policy, tuple(LIBCACHESIM))
    sizes = [_check.integer("cache_size", c, MIN_SIZE.get(policy, 1), MAX_KEYS) for c in cache_sizes]
    ids = _dense(keys)
    n = len(ids)
    _check.integer("len(keys)", n, 0, MAX_REQUESTS)
    if n == 0:
        return np.zeros(len(sizes), dtype=np.int64)
    nxt = next_access(keys)
    records = np.zeros(n, dtype=_ORACLE)
    records["time"], records["id"], records["size"] = np.arange(n), ids + 1, 1  # ids from 1: 0 is no object
    records["next"] = np.where(nxt >= 0, nxt, _INT64_MAX)
    hashpower = min(24, max(12, int(ids.max()).bit_length() + 1))
    hits = []
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "trace.oracleGeneral.bin")
        records.tofile(path)
        for size in sizes:
            reader = libcachesim.TraceReader(path, libcachesim.TraceType.ORACLE_GENERAL_TRACE)
            miss_ratio, _ = _make_cache(policy, size, hashpower).process_trace(reader)
            hits.append(n - round(miss_ratio * n))
            del reader
    return np.array(hits, dtype=np.int64)


# ---------------------------------------------------------------- all policies on one trace


def _hits(policy: str, sizes: list[int], keys: np.ndarray) -> np.ndarray:
    if policy == "lru":
        by_size = lru_hits_by_size(keys)
        return by_size[np.minimum(sizes, len(by_size) - 1)]
    if policy in ("fifo", "lfu"):
        return np.array([hit_count(policy, size, keys) for size in sizes], dtype=np.int64)
    return libcachesim_hits(policy, sizes, keys)


@functools.lru_cache(maxsize=32)
def _policy_hit_ratios(workload: str, n_keys: int, alpha: float, n_requests: int, seed: int, sizes: tuple) -> tuple:
    keys = policy_trace(workload, n_keys, alpha, n_requests, seed)
    ratios = []
    for policy in COMPARED:
        hit_ratio = _hits(policy, list(sizes), keys) / n_requests
        hit_ratio.setflags(write=False)
        ratios.append((policy, hit_ratio))
    return tuple(ratios)


def policy_hit_ratios(
    workload: str, n_keys: int, alpha: float, n_requests: int, cache_sizes: Iterable[int], seed: int = 0
) -> dict[str, np.ndarray]:
    """Hit ratio of every policy of :data:`COMPARED` at each cache size, on one seeded trace.

    The trace is :func:`policy_trace`; each cache starts empty and every request counts. LRU comes
    from :func:`lru_hits_by_size`, FIFO and LFU from the course's replay, the rest from
    :func:`libcachesim_hits`. The arrays are read-only (results are cached).

    >>> r = policy_hit_ratios("zipf", 1000, 0.8, 5000, (20, 100))
    >>> {p: r[p].round(2).tolist() for p in ("belady", "s3fifo", "lru")}
    {'belady': [0.37, 0.61], 's3fifo': [0.26, 0.46], 'lru': [0.15, 0.37]}
    """
    workload = _check.choice("workload", workload, WORKLOADS)
    n_keys = _check.integer("n_keys", n_keys, 10, MAX_KEYS)
    alpha = _check.number("alpha", alpha, 0, MAX_ALPHA)
    n_requests = _check.integer("n_requests", n_requests, 1, MAX_REQUESTS)
    seed = _check.seed(seed)
    sizes = tuple(_check.integer("cache_size", c, max(MIN_SIZE.values()), MAX_KEYS) for c in cache_sizes)
    return dict(_policy_hit_ratios(workload, n_keys, alpha, n_requests, seed, sizes))
