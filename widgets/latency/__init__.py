"""Latency (the tail at scale, hedged requests, queueing, the latency numbers): the model in ``model.py``, the views in ``views.py``."""

from widgets._topic import exports

VIEWS = ("fanout", "hedged_requests", "queueing", "ladder")
__getattr__, __dir__ = exports(__name__, VIEWS)
