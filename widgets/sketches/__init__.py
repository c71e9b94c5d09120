"""Sketches (HyperLogLog, Count-Min, Bloom filters and their accuracy): the model in ``model.py``, the views in ``views.py``."""

from widgets._topic import exports

VIEWS = ("hyperloglog_view", "count_min_view", "bloom")
__getattr__, __dir__ = exports(__name__, VIEWS)
