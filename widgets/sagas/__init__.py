"""Sagas, by orchestration and by choreography: the model in ``model.py``, the views in ``views.py``."""

from widgets._topic import exports

VIEWS = ("flow", "comparison")
__getattr__, __dir__ = exports(__name__, VIEWS)
