"""The interview planner (minutes per phase of a design interview): the model in ``model.py``, the view in ``views.py``."""

from widgets._topic import exports

VIEWS = ("planner",)
__getattr__, __dir__ = exports(__name__, VIEWS)
