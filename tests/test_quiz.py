"""Quizzes are data: each loads, is well formed, and each chapter shows only quizzes that exist."""

import json
import re

import pytest

from conftest import ROOT
from widgets import quiz


@pytest.mark.parametrize("name", quiz.names())
def test_quiz_is_well_formed(name: str) -> None:
    items = quiz.questions(name)
    assert len(items) >= 2
    for item in items:
        assert sum(bool(answer["correct"]) for answer in item["answers"]) >= 1
        assert all(answer["feedback"] for answer in item["answers"])


def test_every_quiz_a_chapter_shows_exists() -> None:
    shown = set()
    for notebook in (ROOT / "chapters").glob("*.ipynb"):
        cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
        for cell in cells:
            shown.update(re.findall(r'quiz\.show\("([^"]+)"\)', "".join(cell["source"])))
    assert shown and shown <= set(quiz.names())


@pytest.mark.parametrize("bad", ["", "no_such_chapter", "../README"])
def test_unknown_quiz_is_a_value_error(bad: str) -> None:
    with pytest.raises(ValueError, match="name must be one of"):
        quiz.questions(bad)
