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


def _check_numeric(name: str, number: int, answers: list[dict]) -> None:
    """A numeric question's answers: ranges [low, high) with low < high, then one default (any other number)."""
    *ranges, default = answers
    if default.get("type") != "default" or any(a.get("type") != "range" for a in ranges):
        raise ValueError(f"quiz {name!r}, question {number}: a numeric question's answers are ranges, then a default")
    for answer in ranges:
        low, high = answer.get("range", (None, None))
        if not (isinstance(low, (int, float)) and isinstance(high, (int, float)) and low < high):
            raise ValueError(f"quiz {name!r}, question {number}: a range must be [low, high) with low < high, "
                             f"got {answer.get('range')!r}")


@cache
def questions(name: str) -> tuple[dict, ...]:
    """The questions of quiz ``name``, checked: each has a text, two or more answers, one or more right;
    a numeric question's answers are ranges of numbers and a default.

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
        if item.get("type") == "numeric":
            _check_numeric(name, number, answers)
    return tuple(items)
