"""The transaction supervisor: sagas, the sweep and a simulated day in ``model.py``; the interactive in ``views.py``."""

from widgets._topic import exports

VIEWS = ("sweep",)
__getattr__, __dir__ = exports(__name__, VIEWS)
