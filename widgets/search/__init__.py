"""Search (LIKE against an FTS5 index on real SQLite, keeping the index fresh, a reindex behind an alias): the
model in ``model.py``, ``corpus.py``, ``staleness.py``, ``reindex.py`` and ``timing.py``, the views in ``views.py``."""

from widgets._topic import exports

VIEWS = ("compare", "freshness", "swap")
__getattr__, __dir__ = exports(__name__, VIEWS, models=("model", "corpus", "staleness", "reindex", "timing"))
