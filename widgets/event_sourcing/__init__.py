"""Event sourcing: the log, replay, snapshots and read model in ``model.py``; the interactive in ``views.py``."""

from widgets._topic import exports

VIEWS = ("rebuild",)
__getattr__, __dir__ = exports(__name__, VIEWS)
