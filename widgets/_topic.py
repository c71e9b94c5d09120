"""How a topic package exposes its names: the model's at once, the view factories lazily (PEP 562).

A topic's ``__init__.py`` is two lines::

    VIEWS = ("nines", "composite")
    __getattr__, __dir__ = exports(__name__, VIEWS)

so ``availability.downtime`` comes from ``availability/model.py`` and ``availability.nines`` from
``availability/views.py``, which (with ipywidgets and matplotlib) is imported only when a factory is
first asked for. Importing ``widgets.<topic>.model`` therefore never imports view code.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from types import ModuleType


def exports(package: str, views: Sequence[str], models: Sequence[str] = ("model",)
            ) -> tuple[Callable[[str], object], Callable[[], list[str]]]:
    """``__getattr__`` and ``__dir__`` for the topic package named ``package``."""

    def modules() -> list[ModuleType]:
        return [importlib.import_module(f"{package}.{name}") for name in models]

    def __getattr__(name: str) -> object:
        if name in (*models, "views"):  # the submodules themselves: topic.model, topic.views
            return importlib.import_module(f"{package}.{name}")
        if name in views:
            return getattr(importlib.import_module(f"{package}.views"), name)
        for module in modules():
            if not name.startswith("__") and hasattr(module, name):
                return getattr(module, name)
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    def __dir__() -> list[str]:
        names = {name for module in modules() for name in dir(module) if not name.startswith("_")}
        return sorted(names | set(views))

    return __getattr__, __dir__
