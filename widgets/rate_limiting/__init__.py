"""Rate limiting (five limiters on one bursty stream; per-client limits against a noisy neighbour): the model in ``model.py``, the views in ``views.py``."""

from widgets._topic import exports

VIEWS = ("algorithms", "per_client_limits")
__getattr__, __dir__ = exports(__name__, VIEWS)
