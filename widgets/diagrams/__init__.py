"""Architecture diagrams: the boxes and arrows in ``model.py``, drawn by the factories of ``views.py``."""

from widgets._topic import exports

VIEWS = ("design_phases", "load_balancer_layers", "lambda_vs_kappa", "event_driven_flow", "gateway_vs_mesh",
         "url_shortener_phases", "news_feed_phases", "chat_phases")
__getattr__, __dir__ = exports(__name__, VIEWS)
