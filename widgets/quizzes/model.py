"""Self-check quizzes as data: one JSON file a chapter, ``widgets/quizzes/<chapter>.json``, checked on load."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from widgets import _check

QUIZZES = Path(__file__).parent

def names() -> list[str]:
    """The quizzes there are, by name (a chapter's file name).

    >>> names()[0]
    '01_concepts'
    """
    return sorted(path.stem for path in QUIZZES.glob("*.json"))


@cache
def questions(name: str) -> tuple[dict, ...]:
    """The questions of quiz ``name``, checked: each has a text, two or more answers, one or more right.

    >>> questions("02_interview_flow")[0]["type"]
    'multiple_choice'
    """
    _check.choice("name", name, names())
    items = json.loads((QUIZZES / f"{name}.json").read_text(encoding="utf-8"))
    for number, item in enumerate(items, 1):
        answers = item.get("answers", [])
        if not item.get("question") or len(answers) < 2 or not any(a.get("correct") for a in answers):
            raise ValueError(f"quiz {name!r}, question {number}: needs a question, 2+ answers and a right one")
        if not all(a.get("feedback") for a in answers):
            raise ValueError(f"quiz {name!r}, question {number}: every answer needs feedback")
    return tuple(items)
