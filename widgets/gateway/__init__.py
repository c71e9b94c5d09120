"""API gateway against a service-mesh sidecar, and a library against a service: the model in ``model.py``, the views in ``views.py``."""

from widgets._topic import exports

VIEWS = ("mesh", "library_service")
__getattr__, __dir__ = exports(__name__, VIEWS)
