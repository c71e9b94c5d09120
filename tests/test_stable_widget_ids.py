"""tools/stable_widget_ids.py: re-executing a notebook gives its widget models the same ids."""

from __future__ import annotations

import json
import shutil
import uuid
from pathlib import Path

import nbformat
import pytest

from conftest import ROOT
from stable_widget_ids import REFERENCE, STATE_MIME, VIEW_MIME, stable_ids

NOTEBOOKS = sorted((ROOT / "chapters").glob("*.ipynb"))


def _model(name: str, **state) -> dict:
    return {"model_module": "@jupyter-widgets/controls", "model_module_version": "2.0.0", "model_name": name,
            "state": state}


def _notebook(path: Path, ids: list[str]) -> Path:
    """A notebook showing a box of two sliders jslinked together, its models named by ids."""
    box, slider_a, slider_b, link, layout = ids
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell("box", id="show-box", outputs=[nbformat.v4.new_output(
        "display_data", data={VIEW_MIME: {"model_id": box, "version_major": 2, "version_minor": 0},
                              "text/plain": "Box()"})])]
    notebook.metadata["widgets"] = {STATE_MIME: {"version_major": 2, "version_minor": 0, "state": {
        link: _model("LinkModel", source=[f"IPY_MODEL_{slider_a}", "value"], target=[f"IPY_MODEL_{slider_b}", "value"]),
        box: _model("BoxModel", children=[f"IPY_MODEL_{slider_a}", f"IPY_MODEL_{slider_b}"], layout=f"IPY_MODEL_{layout}"),
        slider_a: _model("IntSliderModel", value=1, layout=f"IPY_MODEL_{layout}"),
        slider_b: _model("IntSliderModel", value=1, layout=f"IPY_MODEL_{layout}"),
        layout: _model("LayoutModel"),
    }}}
    path.write_text(nbformat.writes(notebook), encoding="utf-8")
    return path


def test_two_runs_with_different_random_ids_give_the_same_notebook(tmp_path: Path) -> None:
    (tmp_path / "first").mkdir(), (tmp_path / "second").mkdir()
    first = _notebook(tmp_path / "first" / "demo.ipynb", [uuid.uuid4().hex for _ in range(5)])
    second = _notebook(tmp_path / "second" / "demo.ipynb", [uuid.uuid4().hex for _ in range(5)])
    assert first.read_text() != second.read_text()
    assert stable_ids(first) and stable_ids(second)
    assert first.read_text() == second.read_text()
    assert not stable_ids(first)  # a second pass changes nothing


def test_renamed_references_still_point_at_their_models(tmp_path: Path) -> None:
    path = _notebook(tmp_path / "demo.ipynb", [uuid.uuid4().hex for _ in range(5)])
    stable_ids(path)
    notebook = json.loads(path.read_text())
    state = notebook["metadata"]["widgets"][STATE_MIME]["state"]
    shown = notebook["cells"][0]["outputs"][0]["data"][VIEW_MIME]["model_id"]
    assert state[shown]["model_name"] == "BoxModel"
    children = [state[r]["model_name"] for r in REFERENCE.findall(json.dumps(state[shown]["state"]["children"]))]
    assert children == ["IntSliderModel", "IntSliderModel"]
    assert all(r in state for r in REFERENCE.findall(path.read_text()))


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.name)
def test_stored_notebooks_have_stable_ids(tmp_path: Path, notebook: Path) -> None:
    """`make execute` renamed the models: renaming again changes nothing."""
    copy = shutil.copy(notebook, tmp_path / notebook.name)
    assert not stable_ids(Path(copy))
