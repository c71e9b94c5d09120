"""Self-check quizzes: questions as data in ``model.py`` (and the JSON files beside it), shown by ``views.py``."""

from widgets._topic import exports

VIEWS = ("show",)
__getattr__, __dir__ = exports(__name__, VIEWS)
