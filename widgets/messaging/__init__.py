"""Messaging (a queue through a traffic spike, push against pull, Kafka's consumer groups and offset commits): the model in ``model.py``, the views in ``views.py``."""

from widgets._topic import exports

VIEWS = ("spike", "consumer_groups")
__getattr__, __dir__ = exports(__name__, VIEWS)
