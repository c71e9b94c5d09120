"""Availability (nines, composite systems, error budgets): the model in ``model.py``, the views in ``views.py``."""

from widgets._topic import exports

VIEWS = ("nines", "composite", "error_budget_view")
__getattr__, __dir__ = exports(__name__, VIEWS)
