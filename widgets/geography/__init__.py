"""Geography (great-circle distances, the fibre round trip as a floor, GeoDNS with and without EDNS Client Subnet): the model in ``model.py``, the places in ``places.py``, the views in ``views.py``."""

from widgets._topic import exports

VIEWS = ("geodns",)
__getattr__, __dir__ = exports(__name__, VIEWS)
