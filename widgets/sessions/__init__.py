"""Sessions (lose a host behind a load balancer: sticky, replicated, or in an external store): the model in ``model.py``, the views in ``views.py``."""

from widgets._topic import exports

VIEWS = ("stateless",)
__getattr__, __dir__ = exports(__name__, VIEWS)
