"""Quizzes shown with jupyterquiz: HTML plus inline JavaScript, so a quiz answers on the static
site with no kernel and no CDN, and in JupyterLab."""

from __future__ import annotations

import random
import re

from .model import questions

#: jupyterquiz typesets maths when it sees a MathJax object, and where that object is
#: not ready (JupyterLab) it loads MathJax 3 from a CDN. The course's quizzes hold no
#: maths, so those branches are switched off: no request leaves the page.
_MATHJAX_CHECK = re.compile(r"typeof MathJax !==? 'undefined'")
#: jupyterquiz writes "right"/"wrong" feedback into a plain div, which a screen reader does not
#: announce; as a live status region it is read out when it changes.
_FEEDBACK_DIV = "this.fbDiv.className = 'Feedback';"
_LIVE_FEEDBACK_DIV = _FEEDBACK_DIV + " this.fbDiv.setAttribute('role', 'status');"
#: jupyterquiz's "fdsp" palette, but for its "right" colour: that colour is both the text of the feedback
#: on the page and the background of the chosen answer under white text, and fdsp's sage (#87a878)
#: reaches 2.7:1 either way. #4a7040 reaches 5.7:1 on white and 5.5:1 under the answer's #fafafa.
#: Numeric questions: fdsp's light blue card (#5bc0eb) under white text reaches 2.0:1, and its grey
#: input under white text 1.8:1; a dark blue card (#1c6e8c, 5.5:1) and a dark input (#0f3e50, 11:1)
#: read. The input's label sits on the page, in near-black (dark mode: the page's text colour).
#: (Dark mode: _static/dark.css sets the quiz's colours for the dark page.)
COLOURS = {
    "--jq-multiple-choice-bg": "#345995",
    "--jq-mc-button-bg": "#fafafa",
    "--jq-mc-button-border": "#e0e0e0e0",
    "--jq-mc-button-inset-shadow": "#555555",
    "--jq-many-choice-bg": "#e26d5a",
    "--jq-numeric-bg": "#1c6e8c",
    "--jq-numeric-input-bg": "#0f3e50",
    "--jq-numeric-input-label": "#101010",
    "--jq-numeric-input-shadow": "#999999",
    "--jq-string-bg": "#861657",
    "--jq-incorrect-color": "#666666",
    "--jq-correct-color": "#4a7040",
    "--jq-text-color": "#fafafa",
    "--jq-link-color": "#9abafa",
}


#: Numeric questions, as jupyterquiz writes them, are hard to use from the keyboard: Enter checks the
#: answer, then blurs the input, and a right answer moves focus on to the next question's input, so a
#: keyboard or screen-reader user loses their place; and the label "Type numeric answer here:" is not
#: tied to its input, so the field has no accessible name. Focus stays where the reader put it, and
#: the label names its input. Each is (jupyterquiz's text, the course's).
_NUMERIC_FIXES = (
    ("if (event.keyCode === 13) {\n        ths.blur();", "if (event.keyCode === 13) {"),
    ("nextInput.focus();", "/* focus stays in the answered input (widgets/quizzes/views.py) */"),
    ('lab.innerHTML = "Type numeric answer here:";',
     'lab.innerHTML = "Type numeric answer here:"; lab.htmlFor = id + "-0";'),
)


def _fix_script(text: str) -> str:
    """jupyterquiz's script with no MathJax branch, its feedback announced and its numeric input usable
    from the keyboard (:data:`_NUMERIC_FIXES`)."""
    for old in (_FEEDBACK_DIV, *(old for old, _ in _NUMERIC_FIXES)):
        if old not in text:
            raise RuntimeError(f"jupyterquiz changed: {old!r} is no longer in its script as widgets/quizzes/views.py expects")
    text = _MATHJAX_CHECK.sub("false", text).replace(_FEEDBACK_DIV, _LIVE_FEEDBACK_DIV)
    for old, new in _NUMERIC_FIXES:
        text = text.replace(old, new)
    return text


def show(name: str) -> None:
    """Display quiz ``name`` (the same output every run, so nbval can compare it)."""
    from IPython.display import display
    from IPython.utils.capture import capture_output
    from jupyterquiz import display_quiz

    state = random.getstate()
    random.seed(name)  # jupyterquiz names its HTML element with the global random generator
    try:
        with capture_output(display=True) as captured:
            display_quiz(list(questions(name)), shuffle_answers=False, colors=COLOURS)
    finally:
        random.setstate(state)
    for output in captured.outputs:
        bundle = {mime: _fix_script(text) if mime == "application/javascript" else text
                  for mime, text in output.data.items()}
        display(bundle, raw=True)
