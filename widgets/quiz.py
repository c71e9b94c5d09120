"""Self-check quizzes: questions as data (``widgets/quizzes/<name>.json``), shown with jupyterquiz.

jupyterquiz renders each quiz as HTML plus inline JavaScript, so a quiz answers on
the static site with no kernel and no CDN, and in JupyterLab.
"""

from __future__ import annotations

import json
import random
import re
from functools import cache
from pathlib import Path

from widgets import _check

QUIZZES = Path(__file__).with_name("quizzes")

#: jupyterquiz typesets maths when it sees a MathJax object, and where that object is
#: not ready (JupyterLab) it loads MathJax 3 from a CDN. The course's quizzes hold no
#: maths, so those branches are switched off: no request leaves the page.
_MATHJAX_CHECK = re.compile(r"typeof MathJax !==? 'undefined'")
#: jupyterquiz writes "right"/"wrong" feedback into a plain div, which a screen reader does not
#: announce; as a live status region it is read out when it changes.
_FEEDBACK_DIV = "this.fbDiv.className = 'Feedback';"
_LIVE_FEEDBACK_DIV = _FEEDBACK_DIV + " this.fbDiv.setAttribute('role', 'status');"


def _fix_script(text: str) -> str:
    """jupyterquiz's script with no MathJax branch and its feedback announced."""
    if _FEEDBACK_DIV not in text:
        raise RuntimeError("jupyterquiz changed: its feedback div is no longer created as widgets/quiz.py expects")
    return _MATHJAX_CHECK.sub("false", text).replace(_FEEDBACK_DIV, _LIVE_FEEDBACK_DIV)


def names() -> list[str]:
    """The quizzes there are, by name (a chapter's file name)."""
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


def show(name: str) -> None:
    """Display quiz ``name`` (the same output every run, so nbval can compare it)."""
    from IPython.display import display
    from IPython.utils.capture import capture_output
    from jupyterquiz import display_quiz

    state = random.getstate()
    random.seed(name)  # jupyterquiz names its HTML element with the global random generator
    try:
        with capture_output(display=True) as captured:
            display_quiz(list(questions(name)), shuffle_answers=False, colors="fdsp")
    finally:
        random.setstate(state)
    for output in captured.outputs:
        bundle = {mime: _fix_script(text) if mime == "application/javascript" else text
                  for mime, text in output.data.items()}
        display(bundle, raw=True)
