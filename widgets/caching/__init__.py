"""Caching: eviction policies, their theory and what follows (``model.py``), the caching strategies step by step (``strategies.py``), and the chapter's five interactives (``views.py``)."""

from widgets._topic import exports

VIEWS = ("hit_ratio", "strategy_animations", "coalescing", "ttl_staleness", "cold_start")
__getattr__, __dir__ = exports(__name__, VIEWS, models=("model", "strategies"))
