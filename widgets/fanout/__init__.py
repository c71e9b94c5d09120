"""Fan-out for a news feed (push, pull and a hybrid with a celebrity threshold, over a heavy-tailed follower
population): the model in ``model.py``, the views in ``views.py``."""

from widgets._topic import exports

VIEWS = ("strategies",)
__getattr__, __dir__ = exports(__name__, VIEWS)
