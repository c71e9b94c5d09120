"""Replication (read routing over lagging followers, failover's lost writes, multi-leader conflicts): the model in ``model.py``, the views in ``views.py``."""

from widgets._topic import exports

VIEWS = ("read_routing", "failover", "multi_leader")
__getattr__, __dir__ = exports(__name__, VIEWS)
