"""Caching: eviction policies, their theory and what follows (``model.py``), the field's policies through libCacheSim and LRU's stack distances (``eviction.py``), the caching strategies step by step (``strategies.py``), and the chapter's six interactives (``views.py``)."""

from widgets._topic import exports

VIEWS = ("hit_ratio", "strategy_animations", "coalescing", "ttl_staleness", "policies", "cold_start")
__getattr__, __dir__ = exports(__name__, VIEWS, models=("model", "eviction", "strategies"))
