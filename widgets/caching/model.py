"""Cache models: traces, eviction policies, the theory that predicts them, and what follows.

Plain functions and frozen dataclasses, no widgets. Requests follow the
*independent reference model* (IRM): each request picks key i independently
with probability ∝ (i+1)**-alpha (Zipf; key 0 is the most popular).
What the views show is computed here: :func:`simulated_hit_ratios` and :func:`theory_curves`
(hit ratio against cache size), :func:`predicted_load`, :func:`warm_up`, :func:`staleness_by_ttl`,
:func:`stampede_summary` and :func:`stampede_sample`.
"""

from __future__ import annotations

import collections
import functools
import heapq
import math
import random
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import _check

#: The eviction policies the IRM theory predicts, in the order the widgets show them.
IRM_POLICIES = ("lru", "lfu", "fifo", "random")
#: Eviction policies :func:`replay` knows: those, and LIFO (evict the newest arrival).
POLICIES = (*IRM_POLICIES, "lifo")
MAX_PHASES = 100
MAX_KEYS = 10**6
MAX_ALPHA = 4.0
MAX_REQUESTS = 10**7

# ---------------------------------------------------------------- traces


def zipf_probabilities(n_keys: int, alpha: float) -> np.ndarray:
    """Request probability of each key under Zipf's law, most popular first.

    >>> zipf_probabilities(3, 1.0).round(3).tolist()
    [0.545, 0.273, 0.182]
    """
    n_keys = _check.integer("n_keys", n_keys, 1, MAX_KEYS)
    alpha = _check.number("alpha", alpha, 0, MAX_ALPHA)
    weights = np.arange(1, n_keys + 1, dtype=float) ** -alpha
    return weights / weights.sum()


def zipf_keys(n_keys: int, alpha: float, n_requests: int, seed: int = 0, phases: int = 1) -> np.ndarray:
    """A seeded IRM trace: ``n_requests`` keys, key i with probability ∝ (i+1)**-alpha.

    ``phases`` > 1 cuts the trace into that many equal parts and reshuffles the popularity
    ranking (seeded) at the start of every part after the first, as when new content becomes
    popular: within a part, the key of rank i is requested with probability ∝ (i+1)**-alpha.
    The first part is the same whatever ``phases`` is.

    >>> zipf_keys(1000, 0.8, 5, seed=1).tolist()
    [91, 821, 3, 815, 21]
    >>> zipf_keys(1000, 0.8, 6, seed=1, phases=2).tolist()
    [91, 821, 3, 393, 778, 964]
    """
    p = zipf_probabilities(n_keys, alpha)
    n_requests = _check.integer("n_requests", n_requests, 0, MAX_REQUESTS)
    seed = _check.seed(seed)
    phases = _check.integer("phases", phases, 1, MAX_PHASES)
    keys = np.random.default_rng(seed).choice(n_keys, size=n_requests, p=p)
    rankings = np.random.default_rng([seed, 2])
    bounds = np.arange(phases + 1) * n_requests // phases
    for start, end in zip(bounds[1:-1], bounds[2:]):
        keys[start:end] = rankings.permutation(n_keys)[keys[start:end]]  # rank -> the key holding it
    return keys


# ---------------------------------------------------------------- replay


@dataclass(frozen=True)
class Replay:
    """Result of :func:`replay`; ``hit_ratio`` is 0 for an empty trace.

    >>> replay("fifo", 1, [7, 7]).hits
    1
    """

    policy: str
    cache_size: int
    hits: int
    misses: int
    hit_ratio: float


def _queue(keys: list, size: int, warm: list, policy: str) -> bytearray:
    """LRU, FIFO or LIFO: the cache keeps its keys in order of arrival, oldest first.

    LRU moves a key to the back on each hit, so the front is the least recently used.
    On a miss with the cache full, LRU and FIFO evict the front, LIFO the back (the
    newest arrival); then the new key joins at the back.
    """
    cache = OrderedDict.fromkeys(warm)
    # For FIFO and LIFO a hit changes nothing: __contains__ is a no-op here, cheaper than testing a flag.
    touch = cache.move_to_end if policy == "lru" else cache.__contains__
    evict, newest = cache.popitem, policy == "lifo"
    room = size - len(cache)
    flags = bytearray(len(keys))
    for i, key in enumerate(keys):
        if key in cache:
            flags[i] = 1
            touch(key)
        else:
            if room:
                room -= 1
            else:
                evict(newest)  # last=False: the front; last=True: the back
            cache[key] = None
    return flags


def _last_seen(keys) -> list | collections.defaultdict:
    """A table key -> a time, -1 until set: a list when ``keys`` is an array of small non-negative integers
    (the fastest), else a dict."""
    if isinstance(keys, np.ndarray) and keys.dtype.kind in "iu" and len(keys):
        low, high = int(keys.min()), int(keys.max())
        if low >= 0 and high <= 4 * len(keys) + 1024:
            return [-1] * (high + 1)
    return collections.defaultdict(lambda: -1)


def _lru_by_recency(keys: list, size: int, last) -> bytearray:
    """LRU as :func:`_queue` computes it, faster: no reordering on a hit, only a time per key.

    ``last[key]`` is the time of the key's latest request. The cache holds the keys requested at
    time ``oldest`` or later (the ``size`` most recent distinct keys), so a request hits when its
    key's previous request came at ``oldest`` or later. A miss with the cache full evicts the
    least recently used key: ``oldest`` moves past times whose key has been requested since.
    """
    flags = bytearray(len(keys))
    oldest, room = 0, size
    for i, key in enumerate(keys):
        previous = last[key]
        last[key] = i
        if previous >= oldest:
            flags[i] = 1
        elif room:
            room -= 1
        else:
            while last[keys[oldest]] != oldest:  # its key came back later: not the least recent
                oldest += 1
            oldest += 1
    return flags


def _fifo_by_insertion(keys: list, size: int, inserted) -> bytearray:
    """FIFO as :func:`_queue` computes it, faster: only a number per key.

    The misses are numbered 0, 1, 2, ... as they insert. A key inserted as miss m stays until miss
    m + size evicts it, so ``inserted[key]`` holds m + size (``-1`` for a key never inserted) and a
    request hits while fewer than that many misses have happened.
    """
    flags = bytearray(len(keys))
    misses = 0
    for i, key in enumerate(keys):
        if inserted[key] >= misses:
            flags[i] = 1
        else:
            inserted[key] = misses + size
            misses += 1
    return flags


def _lru_hit_count(keys: list[int], size: int) -> int:
    """The hits :func:`_lru_by_recency` flags, only counted, by the standard library's LRU cache (for integer keys).

    ``functools.lru_cache`` keeps the ``size`` most recently used keys and counts its hits, in C;
    what it caches does not matter (``callable(key)``, a shared ``False``: nothing to allocate on a
    miss). The deque drains the requests without a Python loop.
    """
    lookup = functools.lru_cache(maxsize=size)(callable)
    collections.deque(map(lookup, keys), maxlen=0)
    return lookup.cache_info().hits


def _fifo_hit_count(keys: list, size: int, inserted) -> int:
    """The hits :func:`_fifo_by_insertion` flags, only counted: no request's position is needed."""
    misses = 0
    for key in keys:
        if inserted[key] < misses:
            inserted[key] = misses + size
            misses += 1
    return len(keys) - misses


def _lfu(keys: list, size: int, warm: list) -> bytearray:
    """"Perfect" LFU: counts every request of every key, also while it is out of the cache.

    Evicts the cached key with the fewest requests, the least recently used among ties.
    A heap holds one (count, last use, key) entry per cached key, updated lazily: a hit
    only bumps the count, and an entry found out of date at the top is pushed back down.
    """
    counts = dict.fromkeys(warm, 0)
    cached = {key: j - len(warm) for j, key in enumerate(warm)}  # key -> time of last use
    heap = [(0, t, key) for key, t in cached.items()]  # sorted, so already a heap
    push, replace = heapq.heappush, heapq.heapreplace
    flags = bytearray(len(keys))
    for i, key in enumerate(keys):
        count = counts[key] = counts.get(key, 0) + 1
        if key in cached:
            flags[i] = 1
        elif len(cached) < size:
            push(heap, (count, i, key))
        else:
            while True:
                recorded, _, old = heap[0]
                if recorded == counts[old]:
                    break
                replace(heap, (counts[old], cached[old], old))  # out of date: push it back with its count
            del cached[old]
            replace(heap, (count, i, key))  # evict the top, insert the newcomer
        cached[key] = i
    return flags


def _random(keys: list, size: int, warm: list, seed: int) -> bytearray:
    """Evict a uniformly random cached key (seeded)."""
    draw = random.Random(seed).random
    slots = list(warm)
    where = {key: j for j, key in enumerate(slots)}
    flags = bytearray(len(keys))
    for i, key in enumerate(keys):
        if key in where:
            flags[i] = 1
        elif len(slots) < size:
            where[key] = len(slots)
            slots.append(key)
        else:
            j = int(draw() * size)
            del where[slots[j]]
            slots[j] = key
            where[key] = j
    return flags


def _as_list(keys) -> list[Hashable]:
    if isinstance(keys, np.ndarray):
        if keys.ndim != 1:
            raise ValueError(f"keys must be one-dimensional, got an array of shape {keys.shape}")
        return keys.tolist()
    if isinstance(keys, (str, bytes)) or not isinstance(keys, Iterable):
        raise ValueError(f"keys must be a sequence of hashable keys, got {type(keys).__name__}")
    return list(keys)


def hit_flags(policy: str, cache_size: int, keys, seed: int = 0, warm: Iterable = ()) -> bytearray:
    """1 for each request that hits, 0 for each miss; ``warm`` pre-fills the cache.

    ``warm`` lists keys in order of arrival, oldest first: for LRU, FIFO and RANDOM from the
    first to be evicted to the last (LFU gives them count 0; LIFO evicts the last first).

    >>> list(hit_flags("lru", 1, [1, 1, 2, 1])), list(hit_flags("lifo", 2, [1, 2, 3, 1, 3]))
    ([0, 1, 0, 0], [0, 0, 0, 1, 1])
    """
    policy = _check.choice("policy", policy, POLICIES)
    size = _check.integer("cache_size", cache_size, 0, MAX_KEYS)
    seed = _check.seed(seed)
    array = keys
    keys = _as_list(keys)
    warm = list(dict.fromkeys(warm))[-size:] if size else []
    if size == 0:
        return bytearray(len(keys))
    if policy in ("lru", "fifo"):  # _queue's cache, computed faster: warm keys first, as misses that fill it
        run = _lru_by_recency if policy == "lru" else _fifo_by_insertion
        flags = run(warm + keys if warm else keys, size, _last_seen(None if warm else array))
        return flags[len(warm):] if warm else flags
    if policy == "lfu":
        return _lfu(keys, size, warm)
    if policy == "random":
        return _random(keys, size, warm, seed)
    return _queue(keys, size, warm, policy)


def hit_count(policy: str, cache_size: int, keys, seed: int = 0) -> int:
    """The hits of an empty cache replaying ``keys``: ``hit_flags(...).count(1)``; FIFO's, and LRU's on an
    integer array, counted directly.

    >>> hit_count("fifo", 2, [1, 2, 1, 3, 1, 2]), hit_flags("fifo", 2, [1, 2, 1, 3, 1, 2]).count(1)
    (1, 1)
    """
    policy = _check.choice("policy", policy, POLICIES)
    size = _check.integer("cache_size", cache_size, 0, MAX_KEYS)
    _check.seed(seed)
    if size and policy == "fifo":
        return _fifo_hit_count(_as_list(keys), size, _last_seen(keys))
    if size and policy == "lru" and isinstance(keys, np.ndarray) and keys.dtype.kind in "iu":
        # integers only: lru_cache tells 1 from 1.0 and True, which a dict does not
        return _lru_hit_count(_as_list(keys), size)
    return hit_flags(policy, size, keys, seed).count(1)


def replay(policy: str, cache_size: int, keys, seed: int = 0) -> Replay:
    """Replay a trace through an empty cache that inserts on every miss.

    Policies: "lru", "fifo" (hit counts equal cachetools' LRUCache / FIFOCache),
    "lfu" (perfect LFU: counts survive eviction), "random" (seeded eviction) and
    "lifo" (evicts the newest arrival).

    >>> replay("lru", 2, [1, 2, 1, 3, 2, 1])
    Replay(policy='lru', cache_size=2, hits=1, misses=5, hit_ratio=0.16666666666666666)
    """
    keys = keys if isinstance(keys, np.ndarray) else _as_list(keys)
    hits = hit_count(policy, cache_size, keys, seed)
    n = len(keys)
    return Replay(policy, int(cache_size), hits, n - hits, hits / n if n else 0.0)


# ---------------------------------------------------------------- theory under IRM


def _lru_occupancy(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Che: key i is cached with probability 1 - exp(-p_i T); and the derivative in x."""
    return -np.expm1(-x), np.exp(-x)


def _fifo_occupancy(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """FIFO and RANDOM: key i is cached with probability p_i T / (1 + p_i T); and the derivative."""
    return x / (1 + x), 1 / (1 + x) ** 2


def _characteristic_time(p: np.ndarray, size: int, occupancy: Callable) -> float:
    """The T solving Σ occupancy(p_i T) = size, for 0 < size < len(p).

    Newton's method from T = size, where the sum is at most size (occupancy(x) <= x):
    the sum is increasing and concave in T, so every step stays left of the root
    and the iterates rise monotonically to it.
    """
    t = float(size)
    for _ in range(200):
        filled, slope = occupancy(p * t)
        gap = size - filled.sum()
        step = gap / (p @ slope)
        t += step
        if gap <= 1e-12 * size or step <= 1e-15 * t:
            return t
    raise RuntimeError("the characteristic time did not converge")  # pragma: no cover


def _fixed_point_hit_ratio(cache_size, n_keys, alpha, occupancy) -> float:
    p = zipf_probabilities(n_keys, alpha)
    size = _check.integer("cache_size", cache_size, 0, MAX_KEYS)
    if size == 0:
        return 0.0
    if size >= len(p):
        return 1.0
    t = _characteristic_time(p, size, occupancy)
    return float(p @ occupancy(p * t)[0])


def che_hit_ratio(cache_size: int, n_keys: int, alpha: float) -> float:
    """LRU hit ratio under IRM by Che's approximation.

    Solve Σ(1 - exp(-p_i T)) = C for the characteristic time T; the hit ratio is
    Σ p_i (1 - exp(-p_i T)). Che, Tung & Wang (2002), IEEE JSAC 20(7); why it is so
    accurate: Fricker, Robert & Roberts (2012), ITC 24.

    >>> round(che_hit_ratio(100, 1000, 0.8), 3)
    0.378
    """
    return _fixed_point_hit_ratio(cache_size, n_keys, alpha, _lru_occupancy)


def fifo_hit_ratio_approx(cache_size: int, n_keys: int, alpha: float) -> float:
    """FIFO and RANDOM hit ratio under IRM (the two are equal: Gelenbe 1973).

    The Che-like fixed point with occupancy p_i T / (1 + p_i T): Σ p_i T / (1 + p_i T) = C,
    hit ratio Σ p_i · p_i T / (1 + p_i T). Fricker, Robert & Roberts (2012); Martina,
    Garetto & Leonardi (2014), IEEE INFOCOM.

    >>> round(fifo_hit_ratio_approx(100, 1000, 0.8), 3)
    0.334
    """
    return _fixed_point_hit_ratio(cache_size, n_keys, alpha, _fifo_occupancy)


def lfu_ideal_hit_ratio(cache_size: int, n_keys: int, alpha: float) -> float:
    """The static cache of the C most popular keys: the best any policy can do under IRM
    (Aho, Denning & Ullman 1971, "Principles of optimal page replacement", JACM 18(1)),
    and the limit of LFU, whose counts converge to the popularities.

    >>> round(lfu_ideal_hit_ratio(100, 1000, 0.8), 3)
    0.526
    """
    p = zipf_probabilities(n_keys, alpha)
    size = _check.integer("cache_size", cache_size, 0, MAX_KEYS)
    return float(min(1.0, p[:size].sum()))


def approximation_curve(
    n_keys: int, alpha: float, policy: str = "lru", points: int = 60, sizes: tuple[float, float] | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """(cache sizes, hit ratios) along Che's curve ("lru") or the FIFO one ("fifo", "random").

    Parametric in T, so nothing is solved per point: size(T) = Σ occupancy(p_i T) and
    hit(T) = Σ p_i occupancy(p_i T), for T spaced geometrically so that the sizes run
    from ``sizes[0]`` to ``sizes[1]`` (default: from 1 key to 99% of the keys).

    >>> sizes, hits = approximation_curve(1000, 0.8, points=3, sizes=(10, 500))
    >>> sizes.round(6).tolist(), hits.round(3).tolist()
    ([10.0, 87.211233, 500.0], [0.082, 0.353, 0.77])
    """
    p = zipf_probabilities(n_keys, alpha)
    occupancy = {"lru": _lru_occupancy, "fifo": _fifo_occupancy, "random": _fifo_occupancy}[
        _check.choice("policy", policy, ("lru", "fifo", "random"))
    ]
    points = _check.integer("points", points, 2, 10_000)
    low, high = sizes if sizes is not None else (1, 0.99 * n_keys)
    low = _check.number("sizes[0]", low, 0, n_keys, open_low=True)
    high = _check.number("sizes[1]", high, low, n_keys, open_high=True)
    ends = [_characteristic_time(p, size, occupancy) for size in (low, high)]
    times = np.geomspace(*ends, points)
    filled = occupancy(np.outer(times, p))[0]
    return filled.sum(axis=1), filled @ p


#: Cache sizes of :func:`simulated_hit_ratios` (fractions of the keys), and its trace's length.
SIM_FRACTIONS = (0.01, 0.03, 0.1, 0.3)
SIM_REQUESTS = 6000
#: The span of :func:`theory_curves`, in fractions of the keys.
CURVE_SPAN = (0.004, 0.6)


def cache_entries(cache_pct: float, n_keys: int) -> int:
    """A cache of ``cache_pct`` percent of ``n_keys`` keys, in whole entries (rounded half to even).

    >>> cache_entries(10, 1000), cache_entries(0.1, 100)
    (100, 0)
    """
    cache_pct = _check.number("cache_pct", cache_pct, 0, 100)
    n_keys = _check.integer("n_keys", n_keys, 1, MAX_KEYS)
    return round(cache_pct / 100 * n_keys)


@functools.lru_cache(maxsize=64)
def _simulated(n_keys: int, alpha: float, fractions: tuple, n_requests: int, seed: int) -> tuple:
    keys = zipf_keys(n_keys, alpha, n_requests, seed).tolist()
    half = n_requests // 2
    return tuple(
        (policy, tuple(
            hit_flags(policy, max(1, round(f * n_keys)), keys)[half:].count(1) / (n_requests - half)
            for f in fractions
        ))
        for policy in IRM_POLICIES
    )


def simulated_hit_ratios(
    n_keys: int, alpha: float, fractions: Iterable[float] = SIM_FRACTIONS, n_requests: int = SIM_REQUESTS,
    seed: int = 0,
) -> dict[str, tuple[float, ...]]:
    """Each policy of :data:`IRM_POLICIES` replaying one seeded trace (the same for all), per cache size.

    A cache of ``fractions`` of the keys (at least one entry) starts empty; the hit ratio is
    counted over the second half of the ``n_requests`` requests, once the first has filled it.

    >>> {p: [round(h, 2) for h in hits] for p, hits in simulated_hit_ratios(100, 0.8, (0.1, 0.5), 2000).items()}
    {'lru': [0.3, 0.76], 'lfu': [0.46, 0.79], 'fifo': [0.26, 0.7], 'random': [0.25, 0.68]}
    """
    n_keys = _check.integer("n_keys", n_keys, 1, MAX_KEYS)
    alpha = _check.number("alpha", alpha, 0, MAX_ALPHA)
    fractions = tuple(_check.number("fraction", f, 0, 1, open_low=True) for f in fractions)
    n_requests = _check.integer("n_requests", n_requests, 2, MAX_REQUESTS)
    seed = _check.seed(seed)
    return dict(_simulated(n_keys, alpha, fractions, n_requests, seed))


@functools.lru_cache(maxsize=64)
def _curves(n_keys: int, alpha: float) -> tuple:
    low, high = CURVE_SPAN
    curves = {
        policy: approximation_curve(n_keys, alpha, policy, points=20, sizes=(low * n_keys, high * n_keys))
        for policy in ("lru", "fifo")
    }
    sizes = np.unique(np.geomspace(1, high * n_keys, 40).round().astype(int))
    curves["lfu"] = sizes, np.cumsum(zipf_probabilities(n_keys, alpha))[sizes - 1]
    for x, y in curves.values():
        x.setflags(write=False)
        y.setflags(write=False)
    return tuple(curves.items())


def theory_curves(n_keys: int, alpha: float) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Hit ratio against cache size by theory, from 0.4% to 60% of the keys (:data:`CURVE_SPAN`).

    policy -> (cache sizes in entries, hit ratios): "lru" is Che's approximation and "fifo" the
    FIFO/RANDOM one (:func:`approximation_curve`, 20 points each), "lfu" the ideal static cache
    (:func:`lfu_ideal_hit_ratio`, at up to 40 whole sizes from 1 entry). The arrays are read-only.

    >>> curves = theory_curves(1000, 0.8)
    >>> [(p, len(x), round(float(x[-1])), round(float(y[-1]), 3)) for p, (x, y) in curves.items()]
    [('lru', 20, 600, 0.828), ('fifo', 20, 600, 0.791), ('lfu', 34, 600, 0.875)]
    """
    n_keys = _check.integer("n_keys", n_keys, 2, MAX_KEYS)
    alpha = _check.number("alpha", alpha, 0, MAX_ALPHA)
    return dict(_curves(n_keys, alpha))


def steady_hit_ratio(policy: str, cache_size: int, n_keys: int, alpha: float) -> float:
    """The steady-state hit ratio of ``policy`` by theory: Che's approximation for LRU, the
    FIFO/RANDOM approximation for FIFO and RANDOM, the ideal static cache for LFU.

    >>> round(steady_hit_ratio("random", 100, 1000, 0.8), 3) == round(fifo_hit_ratio_approx(100, 1000, 0.8), 3)
    True
    """
    policy = _check.choice("policy", policy, IRM_POLICIES)
    theory = {"lru": che_hit_ratio, "lfu": lfu_ideal_hit_ratio}.get(policy, fifo_hit_ratio_approx)
    return theory(cache_size, n_keys, alpha)


# ---------------------------------------------------------------- load and latency


@dataclass(frozen=True)
class Load:
    """What reaches the database and what a request waits, from :func:`derived_load`.

    >>> derived_load(100, 0.5, 1, 10).db_requests_per_second
    50.0
    """

    db_requests_per_second: float
    mean_ms: float
    p99_ms: float


def derived_load(requests_per_second: float, hit_ratio: float, cache_ms: float, db_ms: float) -> Load:
    """Database load and latency behind a cache.

    Model: a hit costs ``cache_ms``; a miss costs ``cache_ms + db_ms`` (look in the cache,
    then ask the database). Latency is that two-point mixture, so p99 is ``cache_ms`` when
    at most 1% of requests miss, else ``cache_ms + db_ms``.

    >>> derived_load(1000, 0.75, 1, 10)
    Load(db_requests_per_second=250.0, mean_ms=3.5, p99_ms=11.0)
    """
    rate = _check.number("requests_per_second", requests_per_second, 0, 1e12)
    hit = _check.number("hit_ratio", hit_ratio, 0, 1)
    cache = _check.number("cache_ms", cache_ms, 0, 1e6)
    db = _check.number("db_ms", db_ms, 0, 1e6)
    miss = 1 - hit
    return Load(rate * miss, cache + miss * db, cache + (db if miss > 0.01 + 1e-12 else 0.0))


def predicted_load(
    cache_size: int, n_keys: int, alpha: float, requests_per_second: float, cache_ms: float, db_ms: float
) -> pd.DataFrame:
    """Steady-state hit ratio, database load and latency with no cache and under each policy's theory.

    One row each for no cache, FIFO or RANDOM (:func:`fifo_hit_ratio_approx`), LRU
    (:func:`che_hit_ratio`) and LFU's limit (:func:`lfu_ideal_hit_ratio`); columns "hit ratio",
    "DB requests/s", "mean" and "p99" (ms), by :func:`derived_load`.

    >>> predicted_load(100, 1000, 0.8, 1000, 1, 10).round(2).loc["LRU (Che)"].tolist()
    [0.38, 622.21, 7.22, 11.0]
    """
    derived_load(requests_per_second, 0, cache_ms, db_ms)  # the load's inputs first: they are typed in
    hit_ratios = {
        "no cache": 0.0,
        "FIFO or RANDOM (approximation)": fifo_hit_ratio_approx(cache_size, n_keys, alpha),
        "LRU (Che)": che_hit_ratio(cache_size, n_keys, alpha),
        "LFU in the limit (ideal)": lfu_ideal_hit_ratio(cache_size, n_keys, alpha),
    }
    rows = {}
    for name, hit in hit_ratios.items():
        load = derived_load(requests_per_second, hit, cache_ms, db_ms)
        rows[name] = {"hit ratio": hit, "DB requests/s": load.db_requests_per_second,
                      "mean": load.mean_ms, "p99": load.p99_ms}
    return pd.DataFrame.from_dict(rows, orient="index")


# ---------------------------------------------------------------- cold and warm caches


def cold_vs_warm(
    policy: str, cache_size: int, n_keys: int, alpha: float, n_requests: int, window: int, seed: int = 0
) -> pd.DataFrame:
    """Hit ratio per window of requests, for an empty cache and one pre-filled with the C most popular keys.

    >>> cold_vs_warm("lru", 100, 1000, 0.8, 4000, 2000).round(2).to_dict("list")
    {'requests': [2000, 4000], 'cold': [0.37, 0.38], 'warm': [0.38, 0.38]}
    """
    keys = zipf_keys(n_keys, alpha, n_requests, seed)
    window = _check.integer("window", window, 1, max(1, n_requests))
    size = _check.integer("cache_size", cache_size, 0, MAX_KEYS)
    warm = range(min(size, n_keys) - 1, -1, -1)  # most popular last: the last to go
    ends = np.arange(window, n_requests + 1, window)
    curves = {}
    for name, start in (("cold", ()), ("warm", warm)):
        flags = np.frombuffer(hit_flags(policy, size, keys, seed, warm=start), dtype=np.uint8)
        curves[name] = flags[: len(ends) * window].reshape(-1, window).mean(axis=1) if len(ends) else []
    return pd.DataFrame({"requests": ends, **curves})


@dataclass(frozen=True)
class WarmUp:
    """Result of :func:`warm_up`: the two curves of :func:`cold_vs_warm`, the misses under each and the theory.

    >>> warm_up("lfu", 100, 1000, 0.8, 2000, 1000).curves.round(2).to_dict("list")
    {'requests': [1000, 2000], 'cold': [0.37, 0.51], 'warm': [0.4, 0.51]}
    """

    curves: pd.DataFrame  # requests (end of each window), cold, warm: hit ratio per window
    window: int
    misses_cold: int  # over every whole window
    misses_warm: int
    steady: float  # the steady-state hit ratio (steady_hit_ratio)

    @property
    def extra_reads(self) -> int:
        """The database reads the cold start costs: misses of the cold cache beyond the warmed one's.

        >>> warm_up("lru", 100, 1000, 0.8, 2000, 1000).extra_reads
        26
        """
        return self.misses_cold - self.misses_warm


def warm_up(
    policy: str, cache_size: int, n_keys: int, alpha: float, n_requests: int = 20_000, window: int = 1000,
    seed: int = 0,
) -> WarmUp:
    """An empty cache against one warmed with the most popular keys: hit ratio per window, misses, theory.

    ``window`` runs from ``n_requests // 200`` to ``n_requests`` (at most 200 windows).

    >>> w = warm_up("lru", 3000, 10_000, 0.8)
    >>> w.misses_cold, w.misses_warm, w.extra_reads, round(w.steady, 3)
    (7799, 6489, 1310, 0.659)
    """
    policy = _check.choice("policy", policy, IRM_POLICIES)
    n_requests = _check.integer("n_requests", n_requests, 1, MAX_REQUESTS)
    window = _check.integer("window", window, max(1, n_requests // 200), n_requests)
    curves = cold_vs_warm(policy, cache_size, n_keys, alpha, n_requests, window, seed)
    misses = {name: round(((1 - curves[name]) * window).sum()) for name in ("cold", "warm")}
    return WarmUp(curves, window, misses["cold"], misses["warm"], steady_hit_ratio(policy, cache_size, n_keys, alpha))


# ---------------------------------------------------------------- staleness against TTL

#: What a write does to the cache, in :func:`staleness`.
WRITE_POLICIES = ("ttl only", "invalidate", "write-through")


def _stale_reads(times, keys, writes, n_keys: int, ttl: float, on_write: str, load_s: float) -> tuple[int, int, int]:
    """(stale reads, hits, reads) of one run; see :func:`staleness` for the model. Keys are 0 … n_keys-1."""
    never = math.inf
    version = [0] * n_keys  # latest version in the database
    cached = [0] * n_keys  # version in the cache ...
    expires = [-never] * n_keys  # ... valid until then
    done = [never] * n_keys  # when the load in flight (one per key) returns ...
    loaded = [0] * n_keys  # ... and the version it read
    invalidate, through = on_write == "invalidate", on_write == "write-through"
    stale = hits = reads = 0
    for t, key, write in zip(times, keys, writes):
        if done[key] <= t:  # the load finished before this request: it fills the cache
            cached[key], expires[key], done[key] = loaded[key], done[key] + ttl, never
        if write:
            version[key] += 1
            if invalidate:
                expires[key] = -never
            elif through:
                cached[key], expires[key] = version[key], t + ttl
            continue
        reads += 1
        if t < expires[key]:
            hits += 1
            stale += cached[key] != version[key]
        elif done[key] < never:  # wait for the load in flight (coalesced)
            stale += loaded[key] != version[key]
        else:
            done[key], loaded[key] = t + load_s, version[key]
    return stale, hits, reads


def staleness(
    ttls: Iterable[float],
    *,
    write_fraction: float = 0.05,
    requests_per_second: float = 200.0,
    load_ms: float = 10.0,
    n_keys: int = 1000,
    alpha: float = 0.8,
    n_requests: int = 20_000,
    seed: int = 0,
) -> pd.DataFrame:
    """Fraction of reads that return an outdated value, for each TTL (seconds) and write policy.

    Model: Poisson requests over Zipf keys, a fraction of them writes to the database.
    A read hit returns the cached value; a miss loads from the database, which takes
    ``load_ms``, then caches what it read (reads of that key meanwhile wait for it).
    On a write the cache does nothing ("ttl only", plain cache-aside relying on expiry),
    drops the key ("invalidate") or stores the new value ("write-through"). A load that
    finishes after a write stores the value it read before it: the race that leaves even
    invalidation stale until the TTL (Nishtala et al. 2013, "Scaling Memcache at Facebook").

    >>> staleness([1, 10], n_requests=5000).round(3).to_dict("list")["stale_fraction"][:3]
    [0.033, 0.0, 0.0]
    """
    ttls = [_check.number("ttl", ttl, 0, 1e6) for ttl in ttls]
    fraction = _check.number("write_fraction", write_fraction, 0, 1)
    rate = _check.number("requests_per_second", requests_per_second, 0, 1e9, open_low=True)
    load_s = _check.number("load_ms", load_ms, 0, 1e6) / 1000
    keys = zipf_keys(n_keys, alpha, n_requests, seed).tolist()
    rng = np.random.default_rng([seed, 1])
    times = np.cumsum(rng.exponential(1 / rate, n_requests)).tolist()
    writes = (rng.random(n_requests) < fraction).tolist()
    rows = []
    for ttl in ttls:
        for on_write in WRITE_POLICIES:
            stale, hits, reads = _stale_reads(times, keys, writes, n_keys, ttl, on_write, load_s)
            rows.append((ttl, on_write, stale / reads if reads else 0.0, hits / reads if reads else 0.0))
    return pd.DataFrame(rows, columns=["ttl_s", "write_policy", "stale_fraction", "hit_ratio"])


def staleness_by_ttl(ttls: Iterable[float], **options) -> pd.DataFrame:
    """:func:`staleness` with one row per TTL: columns ("stale_fraction" or "hit_ratio", write policy).

    The write policies come in the order of :data:`WRITE_POLICIES`; ``options`` go to :func:`staleness`.

    >>> staleness_by_ttl([1, 10], n_requests=5000)["stale_fraction"].round(3).to_dict("list")
    {'ttl only': [0.033, 0.186], 'invalidate': [0.0, 0.0], 'write-through': [0.0, 0.0]}
    """
    runs = staleness(ttls, **options)
    return pd.concat({
        measure: runs.pivot(index="ttl_s", columns="write_policy", values=measure)[list(WRITE_POLICIES)]
        for measure in ("stale_fraction", "hit_ratio")
    }, axis=1)


# ---------------------------------------------------------------- request coalescing


@dataclass(frozen=True)
class Stampede:
    """Result of :func:`stampede`: database queries and a per-request timeline for each mode.

    >>> stampede(3).timeline.query("coalesced").action.tolist()
    ['DB query', 'waits', 'waits']
    """

    queries_without: int
    queries_with: int
    timeline: pd.DataFrame  # request, arrival_ms, coalesced, action, done_ms


def stampede(
    n_requests: int, spread_ms: float = 5.0, cache_ms: float = 1.0, db_ms: float = 50.0, seed: int = 0
) -> Stampede:
    """A hot key expires at time 0 and ``n_requests`` arrive within ``spread_ms``: who queries the database?

    Each request looks in the cache (``cache_ms``). Without coalescing every request that
    finds the key missing queries the database (``db_ms``); the first answer refills the
    cache. With coalescing ("single flight") only the first queries; the others wait for
    its answer. Requests arriving after the refill hit.

    >>> s = stampede(100)
    >>> s.queries_without, s.queries_with
    (100, 1)
    """
    n = _check.integer("n_requests", n_requests, 1, 100_000)
    spread = _check.number("spread_ms", spread_ms, 0, 1e6)
    cache = _check.number("cache_ms", cache_ms, 0, 1e6)
    db = _check.number("db_ms", db_ms, 0, 1e6)
    seed = _check.seed(seed)
    arrivals = np.sort(np.random.default_rng(seed).uniform(0, spread, n))
    arrivals[0] = 0.0
    refill = cache + db  # the first request's answer is back
    checked = arrivals + cache
    missed = checked < refill
    rows = []
    for coalesced in (False, True):
        queries = (np.arange(n) == 0) if coalesced else missed
        waits = missed & ~queries
        done = np.where(queries, checked + db, np.where(waits, refill, checked))
        action = np.where(queries, "DB query", np.where(waits, "waits", "hit"))
        rows.append(pd.DataFrame({
            "request": np.arange(n), "arrival_ms": arrivals, "coalesced": coalesced, "action": action, "done_ms": done,
        }))
    return Stampede(int(missed.sum()), 1, pd.concat(rows, ignore_index=True))


def stampede_summary(result: Stampede) -> pd.DataFrame:
    """Database queries, mean and slowest latency (ms, arrival to answer) without and with coalescing.

    >>> stampede_summary(stampede(100)).round(1).to_dict("index")["with coalescing"]
    {'DB queries': 1, 'mean latency': 48.3, 'slowest': 51.0}
    """
    if not isinstance(result, Stampede):
        raise ValueError(f"result must be a Stampede, got {type(result).__name__}")
    rows = {}
    for coalesced, queries in ((False, result.queries_without), (True, result.queries_with)):
        mode = result.timeline[result.timeline["coalesced"] == coalesced]
        latency = mode["done_ms"].to_numpy() - mode["arrival_ms"].to_numpy()
        rows["with coalescing" if coalesced else "without"] = {
            "DB queries": queries, "mean latency": latency.mean(), "slowest": latency.max(),
        }
    return pd.DataFrame.from_dict(rows, orient="index")


def stampede_sample(result: Stampede, k: int) -> pd.DataFrame:
    """The timeline rows of at most ``k`` requests, spread evenly in order of arrival, for each mode.

    The first and the last request are always in; fewer than ``k`` when there are fewer requests.

    >>> stampede_sample(stampede(100), 3).query("coalesced")[["request", "action"]].to_numpy().tolist()
    [[0, 'DB query'], [50, 'waits'], [99, 'waits']]
    """
    if not isinstance(result, Stampede):
        raise ValueError(f"result must be a Stampede, got {type(result).__name__}")
    k = _check.integer("k", k, 1, 100_000)
    n = int(result.timeline["request"].max()) + 1
    shown = np.unique(np.linspace(0, n - 1, k).round().astype(int))
    return result.timeline[result.timeline["request"].isin(shown)]
