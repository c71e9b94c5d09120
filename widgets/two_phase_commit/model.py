"""Two-phase commit: a coordinator asks every participant to prepare, collects their votes, then
tells all of them the decision.

Gray, "Notes on Data Base Operating Systems" (1978); Bernstein, Hadzilacos & Goodman,
"Concurrency Control and Recovery in Database Systems" (1987), ch. 7; Gray & Lamport,
"Consensus on Transaction Commit" (2006). It blocks: a participant that voted yes may
neither commit nor abort until it hears the decision.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from widgets import _check
from widgets._sim import Message

COORDINATOR = "coordinator"
#: Where the coordinator can crash: after the votes are in, before any decision is sent.
COORDINATOR_CRASHES = ("after_prepare",)
MAX_PARTICIPANTS = 100


def message_count(n_participants: int, yes_votes: int, decided: bool = True) -> int:
    """The closed form: a prepare and a vote per participant (2n), then, once decided, the decision
    and an acknowledgement per yes voter (2·yes; those that voted no have already aborted).
    All yes: 4n. The coordinator crashed before deciding: 2n.

    >>> message_count(3, 3), message_count(3, 2), message_count(3, 3, decided=False)
    (12, 10, 6)
    """
    n = _check.integer("n_participants", n_participants, 1, MAX_PARTICIPANTS)
    yes = _check.integer("yes_votes", yes_votes, 0, n)
    return 2 * n + 2 * yes if _check.choice("decided", decided, (True, False)) else 2 * n


@dataclass(frozen=True)
class TwoPhaseCommit:
    """A run of two-phase commit: the decision, every message, each participant's final state.

    >>> two_phase_commit(3, ["yes", "no", "yes"]).formula
    '10 = 2 × 3 + 2 × 2 yes votes'
    """

    participants: tuple[str, ...]
    votes: tuple[bool, ...]
    coordinator_crash: str | None
    decision: str | None  # "commit", "abort", or None: the coordinator crashed before deciding
    messages: tuple[Message, ...]
    states: dict[str, str]  # participant -> committed, aborted, or blocked (prepared, holding locks)

    @property
    def holding_locks(self) -> tuple[str, ...]:
        """The participants that voted yes and wait for a decision that does not come."""
        return tuple(p for p, state in self.states.items() if state == "blocked")

    @property
    def message_count(self) -> int:
        """How many messages the closed form :func:`message_count` gives for this run."""
        return message_count(len(self.participants), sum(self.votes), self.decision is not None)

    @property
    def formula(self) -> str:
        """The closed form written out with its total: "12 = 4 × 3" and so on."""
        n, yes = len(self.participants), sum(self.votes)
        if self.decision == "commit":
            terms = f"4 × {n}"
        elif self.decision == "abort":
            terms = f"2 × {n} + 2 × {yes} yes votes"
        else:
            terms = f"2 × {n}, then silence"
        return f"{self.message_count} = {terms}"


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
    >>> run.decision, len(run.messages), run.formula, run.states["P1"]
    ('commit', 12, '12 = 4 × 3', 'committed')
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


def parse_votes(text: str, max_participants: int = MAX_PARTICIPANTS) -> tuple[str, ...]:
    """The votes in ``text``, one word each (yes or no, any case, separated by commas or spaces).

    >>> parse_votes("yes, No yes")
    ('yes', 'no', 'yes')
    >>> parse_votes("yes, perhaps", 8)
    Traceback (most recent call last):
    ValueError: votes must be 1 to 8 words, each yes or no (e.g. 'yes, no, yes'), got 'yes, perhaps'
    """
    most = _check.integer("max_participants", max_participants, 1, MAX_PARTICIPANTS)
    votes = tuple(v.strip().lower() for v in text.replace(",", " ").split()) if isinstance(text, str) else ()
    if not 1 <= len(votes) <= most or any(v not in ("yes", "no") for v in votes):
        raise ValueError(f"votes must be 1 to {most} words, each yes or no (e.g. 'yes, no, yes'), got {text!r}")
    return votes
