"""Two-phase commit: the protocol's model in ``model.py``, its sequence diagram in ``views.py``."""

from widgets._topic import exports

VIEWS = ("sequence",)
__getattr__, __dir__ = exports(__name__, VIEWS)
