"""A CDN in front of the origin (origin requests and egress, users' latency, against the hit ratio and the object mix): the model in ``model.py``, the views in ``views.py``."""

from widgets._topic import exports

VIEWS = ("cdn",)
__getattr__, __dir__ = exports(__name__, VIEWS)
