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
#: Each participant's fate under its lifeline: a symbol, then its words (one a line) if the lanes have room.
_MARKS = {"committed": ("✓", "committed"), "aborted": ("✗", "aborted"), "blocked": ("?", "blocked", "locks held")}
#: The most participants the diagram has room for.
VIEW_MAX_PARTICIPANTS = 8

#: The figure's size and its one font size: 4.6 in wide with 9 pt text stays legible when a phone
#: shrinks it to its column (9 pt x 340 px / 331 pt = 9.2 px).
_WIDTH, _HEIGHT, _FONT = 4.6, 3.5, 9
_PT = _WIDTH * 72  # the figure's width in points


def _fit(n: int) -> tuple[float, float, bool]:
    """How the coordinator and ``n`` participants share the width, in points: the margin left of the
    coordinator's lifeline (the phase labels), the gap between lifelines (at most 90, lanes centred),
    and whether each fate fits in words under its lifeline (56 pt a lane) or needs symbols and a key.
    Lanes closer than 45 pt leave no room for the coordinator's name centred: it ends at its lifeline.

    >>> [(round(left), round(gap), in_words) for left, gap, in_words in map(_fit, (1, 3, 8))]
    [(130, 90, True), (44, 87, True), (56, 33, False)]
    """
    in_words = (_PT - 44 - 26) / n >= 56
    right = 26 if in_words else 8  # room for the last lane's fate
    labels = 44 if (_PT - 44 - right) / n >= 45 else 56
    gap = min(90.0, (_PT - labels - right) / n)
    return labels + (_PT - labels - right - n * gap) / 2, gap, in_words


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
        self.fig, self.ax = _view.fixed_axes(_WIDTH, _HEIGHT)

    def _draw(self, run: TwoPhaseCommit) -> None:
        ax, n = self.ax, len(run.participants)
        _view.clear(ax)
        left, gap, in_words = _fit(n)
        ax.set(xlim=(-left / gap, (_PT - left) / gap), ylim=(-5.75, 0.55))
        labels_x = (3 - left) / gap  # 3 pt in from the figure's left edge
        lanes = {COORDINATOR: 0, **{p: i for i, p in enumerate(run.participants, start=1)}}
        arrows = [
            _view.Arrow(m.sender, m.receiver, -0.25 - 1.1 * _PHASES[m.kind], -0.95 - 1.1 * _PHASES[m.kind],
                        colour=_view.PALETTE[3 if m.kind in _BACKWARD else 7], dashed=m.kind in _BACKWARD)
            for m in run.messages
        ]
        _view.draw_sequence(ax, lanes, arrows, top=0, bottom=-4.55, names_y=0.15, fontsize=_FONT,
                            names_ha={COORDINATOR: "center" if gap >= 45 else "right"})
        crashed = run.coordinator_crash is not None
        for phase, label in enumerate(("prepare", "vote", "crash" if crashed else run.decision, "ack")):
            ax.text(labels_x, -0.6 - 1.1 * phase, label, ha="left", va="center", fontsize=_FONT, style="italic")
        if crashed:  # on the coordinator's lifeline, level with the phase label "crash"
            ax.plot([0], [-2.8], marker="X", markersize=13, color=_view.PALETTE[3], markeredgecolor="#000000")
        for p in run.holding_locks:  # prepared and waiting: locks held, line dotted
            ax.plot([lanes[p], lanes[p]], [-1.35, -4.55], color=_view.PALETTE[1], linewidth=3, linestyle="dotted")
        for p, state in run.states.items():
            mark = _MARKS[state]
            ax.text(lanes[p], -4.65, "\n".join(mark) if in_words else mark[0], ha="center", va="top", fontsize=_FONT)
        if not in_words:  # a key to the symbols this run shows
            key = "  ·  ".join(f"{m[0]} {', '.join(m[1:])}" for s, m in _MARKS.items() if s in run.states.values())
            ax.text(labels_x, -5.7, key, ha="left", va="bottom", fontsize=_FONT)

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
