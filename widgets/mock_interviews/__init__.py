"""The worked interviews of chapter 7 (their estimates, and their data models on real SQLite): the model in
``model.py``, the views in ``views.py``."""

from widgets._topic import exports

VIEWS = ("estimates_table", "data_model_view", "deep_dive_table", "time_plan_table")
__getattr__, __dir__ = exports(__name__, VIEWS)
