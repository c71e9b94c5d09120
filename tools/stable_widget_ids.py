"""Give the widget models stored in notebooks ids that do not change from one `make execute` to the next.

The kernel names each widget model with a random uuid, so every re-execution rewrote thousands of
lines of the notebooks. This renames the models by where they sit: walking from each displayed widget
(cells in order) through the models it references, then from the links between them, the n-th model
met in notebook `name` becomes md5("name:n"). Same code, same notebook: same ids.

    python tools/stable_widget_ids.py chapters/*.ipynb
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from pathlib import Path

import nbformat

STATE_MIME = "application/vnd.jupyter.widget-state+json"
VIEW_MIME = "application/vnd.jupyter.widget-view+json"
REFERENCE = re.compile(r"IPY_MODEL_([0-9a-f]{32})")


def _references(model: dict) -> list[str]:
    return REFERENCE.findall(json.dumps(model["state"], sort_keys=True))


def _walk_order(notebook: dict, state: dict) -> list[str]:
    """Model ids in the order a walk from the displayed widgets meets them; then the models nothing
    references (jslinks), ordered by the positions of the models they link."""
    order: list[str] = []

    def visit(model_id: str) -> None:
        if model_id in state and model_id not in order:
            order.append(model_id)
            for referenced in _references(state[model_id]):
                visit(referenced)

    for cell in notebook["cells"]:
        for output in cell.get("outputs", []):
            if VIEW_MIME in output.get("data", {}):
                visit(output["data"][VIEW_MIME]["model_id"])
    position = {model_id: n for n, model_id in enumerate(order)}
    unreferenced = sorted(set(state) - set(order), key=lambda model_id: (
        [position.get(r, len(state)) for r in _references(state[model_id])], state[model_id]["model_name"]))
    for model_id in unreferenced:
        visit(model_id)
    return order


def stable_ids(path: Path) -> bool:
    """Rename the widget models of the notebook at path in place; True if it changed."""
    text = path.read_text(encoding="utf-8")
    notebook = json.loads(text)
    state = notebook.get("metadata", {}).get("widgets", {}).get(STATE_MIME, {}).get("state", {})
    renames = {old: hashlib.md5(f"{path.stem}:{n}".encode()).hexdigest()
               for n, old in enumerate(_walk_order(notebook, state))}
    if all(old == new for old, new in renames.items()):
        return False
    pattern = re.compile("|".join(map(re.escape, renames)))
    renamed = nbformat.reads(pattern.sub(lambda found: renames[found.group(0)], text), as_version=4)
    path.write_text(nbformat.writes(renamed) + "\n", encoding="utf-8")  # as nbformat writes it: keys sorted
    return True


if __name__ == "__main__":
    for name in sys.argv[1:]:
        print(f"{name}: {'renamed' if stable_ids(Path(name)) else 'already stable'}")
