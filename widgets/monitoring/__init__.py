"""Monitoring (the four golden signals of a simulated service, an injected incident, a static threshold
against SLO burn-rate alerts): the model in ``model.py``, the views in ``views.py``."""

from widgets._topic import exports

VIEWS = ("golden_signals",)
__getattr__, __dir__ = exports(__name__, VIEWS)
