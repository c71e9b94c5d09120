"""Estimation drills (back-of-envelope questions for the mock interviews, answered by the capacity model): the model in ``model.py``; no views (the drills are a quiz)."""

from widgets._topic import exports

VIEWS = ()
__getattr__, __dir__ = exports(__name__, VIEWS)
