"""The package's shape: models import no view code, `import widgets` is light, and the notebooks,
CATALOG and CHAPTERS agree.

Layering is checked in a fresh interpreter (this test process has long imported ipywidgets).
"""

from __future__ import annotations

import ast
import importlib
import json
import re
import subprocess
import sys

import pytest

import widgets
from conftest import ROOT

PACKAGE = ROOT / "widgets"
MODELS = sorted(path for path in PACKAGE.glob("*/*.py") if path.name not in ("__init__.py", "views.py")
                and not path.parent.name.startswith("_"))
VIEW_LIBRARIES = ("ipywidgets", "matplotlib", "IPython")
NOTEBOOKS = sorted((ROOT / "chapters").glob("*.ipynb"))


def module_name(path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts)


def loaded_after_import(module: str) -> list[str]:
    """The view libraries (and widgets._view) in sys.modules after importing module in a fresh interpreter."""
    script = (f"import sys, {module}; banned = {VIEW_LIBRARIES + ('widgets._view',)!r}; "
              "print(sorted({m for m in sys.modules if m.split('.')[0] in banned or m.startswith('widgets._view')}))")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT)
    return ast.literal_eval(out.stdout.strip())


def test_every_topic_is_a_package_with_a_model() -> None:
    topics = {path.parent.name for path in PACKAGE.glob("*/__init__.py") if not path.parent.name.startswith("_")}
    assert topics and all((PACKAGE / topic / "model.py").exists() for topic in topics)
    assert [path.name for path in PACKAGE.glob("*.py") if path.name not in
            ("__init__.py", "_check.py", "_drive.py", "_measure.py", "_topic.py")] == [], "a topic module outside a package"


@pytest.mark.parametrize("module", ["widgets", *map(module_name, MODELS)])
def test_model_imports_no_view_code(module: str) -> None:
    """Importing widgets, or any model, in a fresh interpreter loads no ipywidgets, matplotlib, IPython or _view."""
    assert loaded_after_import(module) == []


def test_the_layer_check_can_fail() -> None:
    assert "ipywidgets" in loaded_after_import("widgets.capacity.views")


@pytest.mark.parametrize("path", MODELS, ids=module_name)
def test_model_source_names_no_view_library(path) -> None:
    """The same rule read in the source: no import of a view library or of _view, even a deferred one."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    imported = [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names]
    imported += [node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
    imported += [f"{node.module}.{alias.name}" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
                 for alias in node.names if node.module == "widgets" or node.level]
    assert [name for name in imported if name.split(".")[0] in VIEW_LIBRARIES or "_view" in name] == []


#: Topics whose views show a fixed figure, quiz or table rather than an interactive.
STATIC_TOPICS = {"diagrams", "quizzes", "mock_interviews"}


def code_cells(notebook) -> list[str]:
    return ["".join(cell["source"]) for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"]
            if cell["cell_type"] == "code"]


def views_of(topic: str) -> tuple[str, ...]:
    """The view factories a topic package declares."""
    return importlib.import_module(f"widgets.{topic}").VIEWS


def factories_called(notebook) -> list[str]:
    """The "<topic>.<factory>" interactives a notebook builds, in page order (diagrams, quizzes and the
    worked interviews' tables are figures, questions and tables, not interactives)."""
    imported: set[str] = set()
    called = []
    for source in code_cells(notebook):
        imported |= set(re.findall(r"^from widgets import (\w+)$", source, re.M))
        called += [f"{topic}.{name}" for topic, name in re.findall(r"\b(\w+)\.(\w+)\(", source)
                   if topic in imported - STATIC_TOPICS and name in views_of(topic)]
    return called


def test_chapters_lists_every_chapter_notebook() -> None:
    assert list(widgets.CHAPTERS) == [notebook.stem for notebook in NOTEBOOKS]


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda path: path.stem)
def test_notebook_shows_what_chapters_says(notebook) -> None:
    """Every factory a chapter calls is in CATALOG, and CHAPTERS lists exactly those, in page order."""
    called = factories_called(notebook)
    assert set(called) <= set(widgets.CATALOG)
    assert tuple(called) == widgets.CHAPTERS[notebook.stem]


def test_every_catalog_entry_is_shown_and_named_for_its_path() -> None:
    shown = [name for notebook in NOTEBOOKS for name in factories_called(notebook)]
    assert sorted(shown) == sorted(widgets.CATALOG)
    for name in widgets.CATALOG:
        topic, factory = name.split(".")
        assert factory in views_of(topic)
        assert (PACKAGE / topic / "views.py").exists()


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda path: path.stem)
def test_notebook_cells_call_and_never_define(notebook) -> None:
    defining = [source.splitlines()[0] for source in code_cells(notebook)
                if any(isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
                       for node in ast.walk(ast.parse(source)))]
    assert defining == []
