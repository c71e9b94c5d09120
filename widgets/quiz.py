"""Self-check quizzes: questions as data (``widgets/quizzes/<name>.json``), shown with jupyterquiz.

jupyterquiz renders each quiz as HTML plus inline JavaScript, so a quiz answers on
the static site with no kernel and no CDN, and in JupyterLab.
"""

from __future__ import annotations

import json
import random
from functools import cache
from pathlib import Path

QUIZZES = Path(__file__).with_name("quizzes")


def names() -> list[str]:
    """The quizzes there are, by name (a chapter's file name)."""
    return sorted(path.stem for path in QUIZZES.glob("*.json"))


@cache
def questions(name: str) -> tuple[dict, ...]:
    """The questions of quiz ``name``, checked: each has a text, two or more answers, one or more right.

    >>> questions("02_interview_flow")[0]["type"]
    'multiple_choice'
    """
    if name not in names():
        raise ValueError(f"name must be one of {names()}, got {name!r}")
    items = json.loads((QUIZZES / f"{name}.json").read_text(encoding="utf-8"))
    for number, item in enumerate(items, 1):
        answers = item.get("answers", [])
        if not item.get("question") or len(answers) < 2 or not any(a.get("correct") for a in answers):
            raise ValueError(f"quiz {name!r}, question {number}: needs a question, 2+ answers and a right one")
        if not all(a.get("feedback") for a in answers):
            raise ValueError(f"quiz {name!r}, question {number}: every answer needs feedback")
    return tuple(items)


def show(name: str) -> None:
    """Display quiz ``name`` (the same output every run, so nbval can compare it)."""
    from jupyterquiz import display_quiz

    state = random.getstate()
    random.seed(name)  # jupyterquiz names its HTML element with the global random generator
    try:
        display_quiz(list(questions(name)), shuffle_answers=False, colors="fdsp")
    finally:
        random.setstate(state)
