"""Capacity (back-of-envelope estimates): the model in ``model.py``, the calculator in ``views.py``."""

from widgets._topic import exports

VIEWS = ("calculator",)
__getattr__, __dir__ = exports(__name__, VIEWS)
