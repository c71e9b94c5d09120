"""Consistency (quorums, staleness, gossip, leases, replica reads): the model in ``model.py``, the views in ``views.py``."""

from widgets._topic import exports

VIEWS = ("quorum_explorer", "visibility", "gossip", "techniques", "fencing", "lagging_replicas")
__getattr__, __dir__ = exports(__name__, VIEWS)
