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
#: (Dark mode: _static/dark.css sets the quiz's colours for the dark page.)
COLOURS = {
    "--jq-multiple-choice-bg": "#345995",
    "--jq-mc-button-bg": "#fafafa",
    "--jq-mc-button-border": "#e0e0e0e0",
    "--jq-mc-button-inset-shadow": "#555555",
    "--jq-many-choice-bg": "#e26d5a",
    "--jq-numeric-bg": "#5bc0eb",
    "--jq-numeric-input-bg": "#c0c0c0",
    "--jq-numeric-input-label": "#101010",
    "--jq-numeric-input-shadow": "#999999",
    "--jq-string-bg": "#861657",
    "--jq-incorrect-color": "#666666",
    "--jq-correct-color": "#4a7040",
    "--jq-text-color": "#fafafa",
    "--jq-link-color": "#9abafa",
}


def _fix_script(text: str) -> str:
    """jupyterquiz's script with no MathJax branch and its feedback announced."""
    if _FEEDBACK_DIV not in text:
        raise RuntimeError("jupyterquiz changed: its feedback div is no longer created as widgets/quizzes/views.py expects")
    return _MATHJAX_CHECK.sub("false", text).replace(_FEEDBACK_DIV, _LIVE_FEEDBACK_DIV)


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
