"""Sharding (consistent hashing against mod-N, virtual nodes, range queries, hot keys and salting): the model in ``model.py``, the views in ``views.py``."""

from widgets._topic import exports

VIEWS = ("ring", "hot_keys")
__getattr__, __dir__ = exports(__name__, VIEWS)
