"""Time widgets.caching.replay against cachetools replaying the same trace.

A seeded Zipf trace (default: 200 000 requests over 1 000 keys, alpha 0.8) goes through a
cache of 100 keys under each policy; every run is timed with time.perf_counter and the
median over --runs runs is printed, with the speed-up. Target: at least 5x for LRU and FIFO,
whose hit counts must also be equal (checked here). replay counts LRU's hits on an integer trace with
the standard library's LRU cache, functools.lru_cache, which runs in C (model._lru_hit_count), and FIFO's with one
insertion number per key (model._fifo_hit_count). cachetools gets the trace as a Python list (its
fastest input); replay gets the numpy array and converts it itself, inside the timing.

LFU and RANDOM are shown for information only: cachetools' LFUCache forgets a key's count
when it is evicted (replay's LFU keeps it) and RRCache draws from its own random generator,
so their hit counts differ by design.

    python benchmarks/caching_replay.py [--requests N] [--runs R]
"""

from __future__ import annotations

import argparse
import statistics
import time

import cachetools

from widgets.caching import replay, zipf_keys

CACHETOOLS = {"lru": cachetools.LRUCache, "fifo": cachetools.FIFOCache,
              "lfu": cachetools.LFUCache, "random": cachetools.RRCache}
EXACT = ("lru", "fifo")


def cachetools_hits(cache: cachetools.Cache, keys: list) -> int:
    """Read each key; on a miss, insert it (the same protocol as replay)."""
    hits = 0
    for key in keys:
        if key in cache:
            cache[key]
            hits += 1
        else:
            cache[key] = True
    return hits


def median_ms(run, runs: int) -> tuple[float, object]:
    """Median wall time of ``run()`` in ms over ``runs`` runs, and its last result."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        result = run()
        times.append((time.perf_counter() - start) * 1e3)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200_000)
    parser.add_argument("--keys", type=int, default=1000)
    parser.add_argument("--alpha", type=float, default=0.8)
    parser.add_argument("--cache", type=int, default=100)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    keys = zipf_keys(args.keys, args.alpha, args.requests, seed=0)
    as_list = keys.tolist()
    print(f"cachetools {cachetools.__version__}; {args.requests:,} requests, {args.keys:,} keys, "
          f"alpha {args.alpha:g}, cache {args.cache}; medians of {args.runs} runs")
    print(f"{'policy':8} {'replay ms':>10} {'cachetools ms':>14} {'speed-up':>9} {'hits':>8} {'cachetools':>10}")
    for policy, cls in CACHETOOLS.items():
        ours, result = median_ms(lambda: replay(policy, args.cache, keys), args.runs)
        theirs, hits = median_ms(lambda: cachetools_hits(cls(args.cache), as_list), args.runs)
        mark = "" if policy in EXACT else "  (different semantics)"
        if policy in EXACT and result.hits != hits:
            mark = "  MISMATCH"
        print(f"{policy:8} {ours:10.1f} {theirs:14.1f} {theirs / ours:8.1f}x {result.hits:8d} {hits:10d}{mark}")


if __name__ == "__main__":
    main()
