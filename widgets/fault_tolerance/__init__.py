"""Fault tolerance (backoff and jitter, circuit breakers, bulkheads, retry amplification, dead letters): the model in ``model.py``, the views in ``views.py``."""

from widgets._topic import exports

VIEWS = ("backoff", "breaker", "bulkheads", "amplification")  # "bulkhead" is the model's
__getattr__, __dir__ = exports(__name__, VIEWS)
