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


def test_numeric_questions_keep_focus_and_name_their_input() -> None:
    """A numeric question's script no longer blurs the input on Enter or moves focus to the next one, and
    its label names the input."""
    from IPython.core.interactiveshell import InteractiveShell
    from IPython.utils.capture import capture_output

    InteractiveShell.instance()
    with capture_output() as captured:
        quizzes.show("07_drills")
    script = "".join(o.data.get("application/javascript", "") for o in captured.outputs)
    assert "ths.blur()" not in script and "nextInput.focus()" not in script
    assert 'lab.htmlFor = id + "-0";' in script


def test_a_numeric_range_must_be_increasing(tmp_path, monkeypatch) -> None:
    item = {"question": "How many?", "type": "numeric", "answers": [
        {"type": "range", "range": [5, 1], "correct": True, "feedback": "Right."},
        {"type": "default", "correct": False, "feedback": "No."}]}
    (tmp_path / "bad.json").write_text(json.dumps([item, item]), encoding="utf-8")
    monkeypatch.setattr(quizzes.model, "QUIZZES", tmp_path)
    quizzes.model.questions.cache_clear()
    try:
        with pytest.raises(ValueError, match="low < high"):
            quizzes.model.questions("bad")
    finally:
        quizzes.model.questions.cache_clear()
