"""The transactional outbox versus a dual write: the runs on SQLite in ``model.py``; the interactive in ``views.py``."""

from widgets._topic import exports

VIEWS = ("delivery",)
__getattr__, __dir__ = exports(__name__, VIEWS)
