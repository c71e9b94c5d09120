"""Caching: eviction policies and their theory, caching strategies, staleness, warm-up, stampedes.

* :mod:`.model`: traces (:func:`zipf_keys`), :func:`replay` under LRU / LFU / FIFO / RANDOM,
  the IRM theory (:func:`che_hit_ratio`, :func:`fifo_hit_ratio_approx`,
  :func:`lfu_ideal_hit_ratio`), :func:`derived_load`, :func:`staleness`,
  :func:`cold_vs_warm` and :func:`stampede`.
* :mod:`.strategies`: cache-aside, read-through, write-through, write-back and
  write-around replayed step by step (:func:`run`, :func:`summary`).
* :mod:`.views`: the five interactives of the chapter.
"""

from .model import (
    POLICIES,
    Load,
    Replay,
    Stampede,
    approximation_curve,
    che_hit_ratio,
    cold_vs_warm,
    derived_load,
    fifo_hit_ratio_approx,
    hit_flags,
    lfu_ideal_hit_ratio,
    replay,
    stampede,
    staleness,
    zipf_keys,
    zipf_probabilities,
)
from .strategies import run as strategy_run
from .strategies import summary as strategy_summary
from .views import coalescing, cold_start, hit_ratio_simulator, strategy_animations, ttl_staleness

__all__ = [
    "POLICIES", "Load", "Replay", "Stampede", "approximation_curve", "che_hit_ratio", "coalescing",
    "cold_start", "cold_vs_warm", "derived_load", "fifo_hit_ratio_approx", "hit_flags", "hit_ratio_simulator",
    "lfu_ideal_hit_ratio", "replay", "stampede", "staleness", "strategy_animations", "strategy_run",
    "strategy_summary", "ttl_staleness", "zipf_keys", "zipf_probabilities",
]
