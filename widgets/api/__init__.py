"""API paradigms, measured: payload formats (``model.py``, ``records.py``, ``encoders.py``), GraphQL against REST for one screen (``fetching.py``), polling against push (``polling.py``), and the views in ``views.py``."""

from widgets._topic import exports

VIEWS = ("payloads", "graphql_rest", "push_pull")
__getattr__, __dir__ = exports(__name__, VIEWS, models=("model", "records", "encoders", "fetching", "polling"))
