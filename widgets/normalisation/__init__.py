"""Normalisation against denormalisation on real SQLite, and Snowflake-style IDs: the model in ``model.py``, the views in ``views.py``."""

from widgets._topic import exports

VIEWS = ("schemas",)
__getattr__, __dir__ = exports(__name__, VIEWS)
