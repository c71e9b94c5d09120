"""Pipelines (aggregating events in tiers, checkpoint intervals, an ETL job as a DAG, Lambda against Kappa):
the model in ``model.py``, the views in ``views.py``."""

from widgets._topic import exports

VIEWS = ("aggregation", "lambda_kappa")
__getattr__, __dir__ = exports(__name__, VIEWS)
