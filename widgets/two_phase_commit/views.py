"""Two-phase commit drawn: :func:`sequence`, a sequence diagram of one run of :mod:`.model` with its
decision, message count and each participant's fate."""

from __future__ import annotations

import functools

from widgets import _view

from . import model
from .model import COORDINATOR, TwoPhaseCommit

#: The diagram's rows, top to bottom: the phase of each kind of message.
_PHASES = {"prepare": 0, "yes": 1, "no": 1, "commit": 2, "abort": 2, "ack": 3}
_BACKWARD = frozenset({"no", "abort"})  # drawn dashed, in the warning colour
_MARKS = {"committed": "✓\ncommitted", "aborted": "✗\naborted", "blocked": "blocked\nlocks held"}
#: The most participants the diagram has room for.
VIEW_MAX_PARTICIPANTS = 8

_CONTROLS = {
    "votes": ("Text", "Votes (yes/no each)", {"value": "yes, yes, yes"}),
    "crash": ("Checkbox", "Coordinator crashes after the votes", {"value": False}),
}
PRESETS = {
    "All vote yes": {"votes": "yes, yes, yes", "crash": False},
    "One votes no": {"votes": "yes, no, yes", "crash": False},
    "Coordinator crashes after the votes": {"votes": "yes, yes, yes", "crash": True},
}


class _SequenceChart:
    """One figure, redrawn for each run: lifelines across, time down, one arrow per message."""

    def __init__(self) -> None:
        self.fig, self.ax = _view.fixed_axes(6, 3.2)

    def _draw(self, run: TwoPhaseCommit) -> None:
        ax, n = self.ax, len(run.participants)
        _view.clear(ax)
        ax.set(xlim=(-1.0, n + 0.7), ylim=(-5.5, 0.55))
        lanes = {COORDINATOR: 0, **{p: i for i, p in enumerate(run.participants, start=1)}}
        arrows = [
            _view.Arrow(m.sender, m.receiver, -0.25 - 1.1 * _PHASES[m.kind], -0.95 - 1.1 * _PHASES[m.kind],
                        colour=_view.PALETTE[3 if m.kind in _BACKWARD else 7], dashed=m.kind in _BACKWARD)
            for m in run.messages
        ]
        _view.draw_sequence(ax, lanes, arrows, top=0, bottom=-4.55, names_y=0.15)
        for phase, label in enumerate(("prepare", "vote", run.decision or "decision", "ack")):
            ax.text(-0.95, -0.6 - 1.1 * phase, label, ha="left", va="center", fontsize=7.5, style="italic")
        if run.coordinator_crash is not None:
            ax.plot([0], [-2.45], marker="X", markersize=13, color=_view.PALETTE[3], markeredgecolor="#000000")
            ax.text(0.15, -2.45, "coordinator crashes", va="center", fontsize=7.5,
                    bbox={"facecolor": "#ffffff", "edgecolor": "none", "pad": 1})
        for p in run.holding_locks:  # prepared and waiting: locks held, line dotted
            ax.plot([lanes[p], lanes[p]], [-1.35, -4.55], color=_view.PALETTE[1], linewidth=3, linestyle="dotted")
        for p, state in run.states.items():
            ax.text(lanes[p], -4.65, _MARKS[state], ha="center", va="top", fontsize=7.5 if n <= 5 else 6.5)

    def html(self, run: TwoPhaseCommit) -> str:
        """The run's diagram as an SVG with alt text."""
        self._draw(run)
        votes = ", ".join("yes" if yes else "no" for yes in run.votes)
        alt = (
            f"Sequence diagram of two-phase commit with a coordinator and {len(run.participants)} participants "
            f"voting {votes}. {len(run.messages)} messages. "
            + (f"Decision: {run.decision}. " if run.decision else "The coordinator crashes after the votes. ")
            + "; ".join(f"{p} {s}" for p, s in run.states.items()) + "."
        )
        return _view.figure_html(self.fig, alt)


def render(values: _view.Values, chart: _SequenceChart) -> str:
    """The diagram and the table for the controls' values."""
    votes = model.parse_votes(values["votes"], VIEW_MAX_PARTICIPANTS)
    run = model.two_phase_commit(len(votes), votes, "after_prepare" if values["crash"] else None)
    rows = [("Decision", run.decision or "none: the coordinator crashed"), ("Messages", run.formula)]
    rows += [(f"{p} voted {'yes' if y else 'no'}", s) for (p, s), y in zip(run.states.items(), run.votes)]
    rows.append(("Holding locks, waiting", ", ".join(run.holding_locks) or "nobody"))
    return chart.html(run) + _view.table(rows, "Two-phase commit")


def sequence() -> _view.Interactive:
    """Two-phase commit as a sequence diagram: all yes, a no vote, or a coordinator crash.

    >>> "12 = 4 × 3" in sequence().view.value
    True
    """
    chart = _SequenceChart()
    return _view.Interactive(functools.partial(render, chart=chart), _view.controls(_CONTROLS), PRESETS,
                             principal="Scenario")
