"""Every chapter has the shape the course promises: goals, exercises with hidden solutions, a quiz."""

import json
import re

import pytest

from conftest import ROOT

CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))


def markdown(notebook) -> str:
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")


def code(notebook) -> str:
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")


#: The capstone chapter works every interview step as an exercise, so it may hold many more.
CAPSTONE = "07_mock_interviews"


def test_seven_chapters() -> None:
    assert len(CHAPTERS) == 7


@pytest.mark.parametrize("notebook", CHAPTERS, ids=lambda p: p.stem)
def test_chapter_has_goals_exercises_solutions_and_quiz(notebook) -> None:
    text = markdown(notebook)
    assert "```{admonition} Learning goals" in text
    exercises = re.findall(r"```\{exercise\}[^\n]*\n:label: (\S+)", text)
    solutions = re.findall(r"```\{solution\} (\S+)\n:class: dropdown", text)
    # at least three; a chapter full of labs has one for every lab or two
    assert 3 <= len(exercises) <= (60 if notebook.stem == CAPSTONE else 16)
    assert sorted(exercises) == sorted(solutions), "each exercise has one hidden solution"
    assert f'quizzes.show("{notebook.stem}")' in code(notebook)
    assert "In the interview" in text
    assert "This section is an outline" not in text


def test_exercise_labels_are_unique_across_the_book() -> None:
    labels = [label for nb in CHAPTERS for label in re.findall(r":label: (\S+)", markdown(nb))]
    assert len(labels) == len(set(labels))
