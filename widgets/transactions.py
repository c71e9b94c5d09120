"""Distributed transactions: two-phase commit, and the SQLite plumbing the other models share.

* **Two-phase commit** (Gray, "Notes on Data Base Operating Systems", 1978;
  Bernstein, Hadzilacos & Goodman, "Concurrency Control and Recovery in
  Database Systems", 1987, ch. 7; Gray & Lamport, "Consensus on Transaction
  Commit", 2006): a coordinator asks every participant to prepare, collects
  their votes, then tells all of them the decision. It blocks: a participant
  that voted yes may neither commit nor abort until it hears the decision.

Event sourcing lives in :mod:`widgets.event_sourcing`, the outbox pattern and
change data capture in :mod:`widgets.outbox`, the transaction supervisor in
:mod:`widgets.supervisor`; they share this module's SQLite plumbing
(:func:`connect`, :func:`transaction`, :class:`Crash`) and :func:`frame_table`.
Models first, views after.
"""

from __future__ import annotations

import contextlib
import html
import math
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
from matplotlib.collections import LineCollection, PolyCollection

from . import _check, _view
from .saga import Message

# --------------------------------------------------------------------------
# Model: shared SQLite plumbing
# --------------------------------------------------------------------------


class Crash(Exception):
    """An injected crash: the process dies here (its open SQLite transaction is lost)."""


def connect(path: str, schema: str) -> sqlite3.Connection:
    """A connection in autocommit mode (transactions are explicit) with ``schema`` created.

    ``synchronous = OFF``: a commit is handed to the operating system without
    waiting for the disk. It survives the process crashing, the failure modelled
    here, and keeps each step fast; a power cut could lose recent commits
    (production keeps the default, FULL, and pays a disk flush per commit).
    """
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA synchronous = OFF")
    conn.executescript(schema)
    return conn


@contextlib.contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One SQLite transaction. On a :class:`Crash` the connection dies uncommitted, as a process would."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except Crash:
        conn.close()  # no commit: SQLite discards the transaction
        raise
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def crash_if(point: str, crash_at: str | None, *, now: int = 1, crash_on: int = 1,
             item: str = "item") -> None:
    """Raise :class:`Crash` when the run reaches ``crash_at`` on its ``crash_on``-th item."""
    if point == crash_at and now == crash_on:
        raise Crash(f"crashed {point.replace('_', ' ')} on {item} {now}")


# --------------------------------------------------------------------------
# Model: two-phase commit
# --------------------------------------------------------------------------

COORDINATOR = "coordinator"
#: Where the coordinator can crash: after the votes are in, before any decision is sent.
COORDINATOR_CRASHES = ("after_prepare",)
MAX_PARTICIPANTS = 100


@dataclass(frozen=True)
class TwoPhaseCommit:
    """A run of two-phase commit: the decision, every message, each participant's final state."""

    participants: tuple[str, ...]
    votes: tuple[bool, ...]
    coordinator_crash: str | None
    decision: str | None  # "commit", "abort", or None: the coordinator crashed before deciding
    messages: tuple[Message, ...]
    states: dict[str, str]  # participant -> committed, aborted, or blocked (prepared, holding locks)

    @property
    def holding_locks(self) -> tuple[str, ...]:
        return tuple(p for p, state in self.states.items() if state == "blocked")


def _votes(n: int, votes: Any) -> tuple[bool, ...]:
    if votes is None:
        return (True,) * n
    words = {True: True, False: False, "yes": True, "no": False}
    if isinstance(votes, (str, bytes)) or not isinstance(votes, Sequence) or len(votes) != n:
        raise ValueError(
            f"votes must be None or a sequence of {n} votes (yes/no or True/False), got {votes!r}"
        )
    bad = [v for v in votes if not isinstance(v, (bool, str)) or v not in words]
    if bad:
        raise ValueError(f"votes must hold only 'yes', 'no', True or False, got {bad[0]!r}")
    return tuple(words[v] for v in votes)


def two_phase_commit(
    n_participants: int, votes: Any = None, coordinator_crash: str | None = None
) -> TwoPhaseCommit:
    """Run 2PC with a separate coordinator and ``n_participants`` participants.

    Phase 1: the coordinator sends *prepare*; each participant votes *yes*
    (prepared: it holds its locks and can no longer abort on its own) or *no*
    (it aborts at once). Phase 2: all yes -> *commit* to everyone; any no ->
    *abort* to those that voted yes (those that voted no have already aborted);
    each acknowledges. All yes costs 4n messages; an abort costs 2n + 2·(yes votes).
    If the coordinator crashes after the votes, the yes voters are *blocked*.

    >>> run = two_phase_commit(3)
    >>> run.decision, len(run.messages), run.states["P1"]
    ('commit', 12, 'committed')
    >>> two_phase_commit(2, coordinator_crash="after_prepare").states
    {'P1': 'blocked', 'P2': 'blocked'}
    """
    n = _check.integer("n_participants", n_participants, 1, MAX_PARTICIPANTS)
    ballot = _votes(n, votes)
    _check.choice("coordinator_crash", coordinator_crash, (None, *COORDINATOR_CRASHES))
    names = tuple(f"P{i}" for i in range(1, n + 1))
    messages = [Message(COORDINATOR, p, "prepare") for p in names]
    messages += [Message(p, COORDINATOR, "yes" if yes else "no") for p, yes in zip(names, ballot)]
    states = {p: "blocked" if yes else "aborted" for p, yes in zip(names, ballot)}
    decision = None
    if coordinator_crash is None:
        decision = "commit" if all(ballot) else "abort"
        told = [p for p, yes in zip(names, ballot) if yes]
        messages += [Message(COORDINATOR, p, decision) for p in told]
        messages += [Message(p, COORDINATOR, "ack") for p in told]
        states.update(dict.fromkeys(told, "committed" if decision == "commit" else "aborted"))
    return TwoPhaseCommit(names, ballot, coordinator_crash, decision, tuple(messages), states)


# --------------------------------------------------------------------------
# Views
# --------------------------------------------------------------------------

_FORWARD = {"color": _view.PALETTE[7], "linestyle": "solid"}
_BACKWARD = {"color": _view.PALETTE[3], "linestyle": "dashed"}
_PHASES = {"prepare": 0, "yes": 1, "no": 1, "commit": 2, "abort": 2, "ack": 3}
_VIEW_MAX_PARTICIPANTS = 8


def frame_table(frame: pd.DataFrame, caption: str) -> str:
    """A DataFrame as the course's HTML table, with a caption."""
    head, tail = frame.to_html(index=False, border=0, classes="widget-table").split(">", 1)
    return f"{head}><caption style='text-align:left'>{html.escape(caption)}</caption>{tail}"


def _draw_arrows(ax, segments: list, looks: list[dict], head: float = 0.08) -> None:
    """Arrows as one line collection and one polygon collection: many times faster to save than
    one annotation each. Heads are ``head`` inches long whatever the axes' aspect."""
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    inches = ax.bbox.width / ax.figure.dpi / (x1 - x0), ax.bbox.height / ax.figure.dpi / (y1 - y0)
    heads = []
    for (xa, ya), (xb, yb) in segments:
        dx, dy = (xb - xa) * inches[0], (yb - ya) * inches[1]
        length = math.hypot(dx, dy)
        ux, uy = dx / length * head, dy / length * head  # along the arrow, in inches
        corners = [(0, 0), (-ux - 0.35 * uy, -uy + 0.35 * ux), (-ux + 0.35 * uy, -uy - 0.35 * ux)]
        heads.append([(xb + cx / inches[0], yb + cy / inches[1]) for cx, cy in corners])
    colours = [look["color"] for look in looks]
    styles = [look["linestyle"] for look in looks]
    ax.add_collection(LineCollection(segments, colors=colours, linestyles=styles, linewidths=1.3))
    ax.add_collection(PolyCollection(heads, facecolors=colours, edgecolors=colours, linewidths=0.5))


def _draw_sequence(ax, run: TwoPhaseCommit) -> None:
    """A sequence diagram: lifelines across, time down, one arrow per message, phase by phase."""
    for artist in [*ax.lines, *ax.texts, *ax.patches, *ax.collections]:
        artist.remove()
    n = len(run.participants)
    x = {COORDINATOR: 0, **{p: i for i, p in enumerate(run.participants, start=1)}}
    ax.set(xlim=(-1.0, n + 0.7), ylim=(-5.5, 0.55))
    crashed = run.coordinator_crash is not None
    for name, column in x.items():
        ax.plot([column, column], [0, -4.55], color="#999999", linewidth=1, zorder=0)
        ax.text(column, 0.15, name, ha="center", va="bottom", fontsize=8)
    for phase, label in enumerate(("prepare", "vote", run.decision or "decision", "ack")):
        ax.text(-0.95, -0.6 - 1.1 * phase, label, ha="left", va="center", fontsize=7.5, style="italic")
    segments, looks = [], []
    for m in run.messages:
        top = -0.25 - 1.1 * _PHASES[m.kind]
        segments.append(((x[m.sender], top), (x[m.receiver], top - 0.7)))
        looks.append(_BACKWARD if m.kind in ("no", "abort") else _FORWARD)
    _draw_arrows(ax, segments, looks)
    if crashed:
        ax.plot([0], [-2.45], marker="X", markersize=13, color=_view.PALETTE[3], markeredgecolor="#000000")
        ax.text(0.15, -2.45, "coordinator crashes", va="center", fontsize=7.5,
                bbox={"facecolor": "#ffffff", "edgecolor": "none", "pad": 1})
    for p in run.participants:
        state = run.states[p]
        if state == "blocked":  # prepared and waiting: locks held, line dotted
            ax.plot([x[p], x[p]], [-1.35, -4.55], color=_view.PALETTE[1], linewidth=3, linestyle="dotted")
        mark = {"committed": "✓\ncommitted", "aborted": "✗\naborted", "blocked": "blocked\nlocks held"}
        mark = mark[state]
        ax.text(x[p], -4.65, mark, ha="center", va="top", fontsize=7.5 if n <= 5 else 6.5)


def _parse_votes(text: str) -> list[str]:
    votes = [v.strip().lower() for v in text.replace(",", " ").split()]
    if not 1 <= len(votes) <= _VIEW_MAX_PARTICIPANTS or any(v not in ("yes", "no") for v in votes):
        raise ValueError(
            f"Votes must be 1 to {_VIEW_MAX_PARTICIPANTS} words, each yes or no "
            f"(e.g. 'yes, no, yes'), got {text!r}"
        )
    return votes


def two_phase_commit_view() -> _view.Interactive:
    """Two-phase commit as a sequence diagram: all yes, a no vote, or a coordinator crash.

    >>> "12 = 4 × 3" in two_phase_commit_view().view.value
    True
    """
    fig = _view.new_figure(6, 3.2)
    fig.set_layout_engine(None)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_axis_off()
    controls = {
        "votes": _view.control("Text", "Votes (yes/no each)", value="yes, yes, yes"),
        "crash": _view.control("Checkbox", "Coordinator crashes after the votes", value=False),
    }

    def render(v: _view.Values) -> str:
        votes = _parse_votes(v["votes"])
        run = two_phase_commit(len(votes), votes, "after_prepare" if v["crash"] else None)
        _draw_sequence(ax, run)
        n, yes = len(votes), sum(run.votes)
        if run.decision == "commit":
            formula = f"{4 * n} = 4 × {n}"
        elif run.decision == "abort":
            formula = f"{2 * n + 2 * yes} = 2 × {n} + 2 × {yes} yes votes"
        else:
            formula = f"{2 * n} = 2 × {n}, then silence"
        rows = [("Decision", run.decision or "none: the coordinator crashed"), ("Messages", formula)]
        rows += [(f"{p} voted {'yes' if y else 'no'}", s) for (p, s), y in zip(run.states.items(), run.votes)]
        rows.append(("Holding locks, waiting", ", ".join(run.holding_locks) or "nobody"))
        alt = (
            f"Sequence diagram of two-phase commit with a coordinator and {n} participants voting "
            f"{', '.join(votes)}. {len(run.messages)} messages. "
            + (f"Decision: {run.decision}. " if run.decision else "The coordinator crashes after the votes. ")
            + "; ".join(f"{p} {s}" for p, s in run.states.items()) + "."
        )
        return _view.figure_html(fig, alt) + _view.table_html(rows, caption="Two-phase commit")

    presets = {
        "All vote yes": {"votes": "yes, yes, yes", "crash": False},
        "One votes no": {"votes": "yes, no, yes", "crash": False},
        "Coordinator crashes after the votes": {"votes": "yes, yes, yes", "crash": True},
    }
    return _view.Interactive(render, controls, presets, principal="Scenario")
