"""Idempotency (a client retries a card charge on timeout; duplicates with and without a key): the model in ``model.py``, the views in ``views.py``."""

from widgets._topic import exports

VIEWS = ("retries", "one_payment")
__getattr__, __dir__ = exports(__name__, VIEWS)
