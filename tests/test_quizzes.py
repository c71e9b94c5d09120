"""Quizzes are data: each loads, is well formed, and each chapter shows only quizzes that exist."""

import json
import re

import pytest

from conftest import ROOT
from widgets import quizzes


@pytest.mark.parametrize("name", quizzes.names())
def test_quiz_is_well_formed(name: str) -> None:
    items = quizzes.questions(name)
    assert len(items) >= 2
    for item in items:
        assert sum(bool(answer["correct"]) for answer in item["answers"]) >= 1
        assert all(answer["feedback"] for answer in item["answers"])


def test_every_quiz_a_chapter_shows_exists() -> None:
    shown = set()
    for notebook in (ROOT / "chapters").glob("*.ipynb"):
        cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
        for cell in cells:
            shown.update(re.findall(r'quizzes\.show\("([^"]+)"\)', "".join(cell["source"])))
    assert shown and shown <= set(quizzes.names())


@pytest.mark.parametrize("bad", ["", "no_such_chapter", "../README"])
def test_unknown_quiz_is_a_value_error(bad: str) -> None:
    with pytest.raises(ValueError, match="name must be one of"):
        quizzes.questions(bad)


def test_shown_quiz_never_reaches_for_mathjax() -> None:
    """jupyterquiz loads MathJax from a CDN where a MathJax object is not ready; show() disables that."""
    from IPython.core.interactiveshell import InteractiveShell
    from IPython.utils.capture import capture_output

    InteractiveShell.instance()
    with capture_output() as captured:
        quizzes.show("02_interview_flow")
    scripts = [o.data["application/javascript"] for o in captured.outputs if "application/javascript" in o.data]
    assert scripts and not any("typeof MathJax" in script for script in scripts)
    assert all("this.fbDiv.setAttribute('role', 'status')" in script for script in scripts)  # feedback is announced
    assert any("data-shufflequestions" in o.data.get("text/html", "") for o in captured.outputs)
