"""The interview planner's model: share an interview's minutes among the phases of a design interview.

:func:`plan`, :data:`PHASES`, :data:`DEFAULT_WEIGHTS` and :data:`CHECKLISTS` are plain Python
(no view code; the planner is in :mod:`.views`): whole minutes, largest-remainder rounding, so
the phases always add up to the interview's length.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from widgets import _check

#: The phases of a design interview, in the order the course suggests running them.
PHASES: tuple[str, ...] = (
    "Clarify requirements",
    "Draft the API",
    "Data model",
    "Deep-dive topics",
    "Trade-offs and wrap-up",
)

#: Relative weights of the phases; for a 45-minute interview they are the minutes themselves.
DEFAULT_WEIGHTS: tuple[int, ...] = (10, 5, 8, 17, 5)

#: What to get done in each phase (the course's own checklist).
CHECKLISTS: Mapping[str, tuple[str, ...]] = {
    "Clarify requirements": (
        "State the system's purpose and the business goal it serves",
        "List the users and their roles: people in a browser or app, other services calling an endpoint",
        "Turn usage into numbers: daily active users, requests a day, peak factor, data per request",
        "Agree on the non-functional goals: latency percentile, availability, consistency",
        "Note who may see which data (authentication, authorisation), search and analytics needs",
        "Ask whether anything is missing; say the list may change later",
    ),
    "Draft the API": (
        "Write one signature per functional requirement: verb, path, inputs, response body",
        "Add the standard endpoints: health check, sign-up, login, CRUD on users",
        "Keep it short: the API is a contract to design against, not a finished spec",
    ),
    "Data model": (
        "Name the entities, their keys and the queries that read them",
        "Pick a store per access pattern; say why a shared database across services hurts",
        "Decide how concurrent writers to the same row are handled (locks or versions)",
        "Mention what analytics will need from the data",
    ),
    "Deep-dive topics": (
        "Split processing from storage, then into components; draw the diagram as you go",
        "Find the bottleneck and the single points of failure; add redundancy",
        "Load balancing, caching and how the design degrades gracefully under failure",
        "Logging, monitoring and alerting: golden signals, dashboards, alerts with runbooks",
        "Disaster recovery: backups, a second region, how long a restore takes",
    ),
    "Trade-offs and wrap-up": (
        "Summarise the design in a few sentences and the requirement each part serves",
        "Name what you traded away (consistency, cost, complexity) and why",
        "Cover maintenance, cost, and how the system would be deprecated one day",
        "Invite new requirements and sketch how the design would bend to them",
    ),
}

MIN_MINUTES, MAX_MINUTES = 15, 180


@dataclass(frozen=True)
class Phase:
    """One phase of a plan: its name, when it starts and how long it lasts (whole minutes)."""

    name: str
    start: int
    minutes: int
    checklist: tuple[str, ...]

    @property
    def end(self) -> int:
        """The minute the phase ends (the next one starts)."""
        return self.start + self.minutes


def _check_weights(weights: Any) -> list[Fraction]:
    if isinstance(weights, (str, bytes)) or not isinstance(weights, Sequence) or len(weights) != len(PHASES):
        count = len(weights) if isinstance(weights, Sequence) else type(weights).__name__
        raise ValueError(f"weights must be a sequence of {len(PHASES)} positive numbers (one per phase), got {count}")
    for i, weight in enumerate(weights):
        _check.number(f"weights[{i}]", weight, 0, open_low=True)
    return [Fraction(weight) for weight in weights]


def plan(total_minutes: int, weights: Sequence[float] = DEFAULT_WEIGHTS) -> tuple[Phase, ...]:
    """Split ``total_minutes`` among :data:`PHASES` in proportion to ``weights``, in whole minutes.

    Largest-remainder rounding: each phase first gets the whole part of its exact share;
    the minutes left over go to the phases with the largest fractions (the earlier phase
    first on a tie). The minutes always add up to ``total_minutes`` and each phase is
    within one minute of its exact share. Bad input raises ``ValueError``.

    >>> [p.minutes for p in plan(45)]
    [10, 5, 8, 17, 5]
    >>> [p.minutes for p in plan(60)]
    [13, 7, 11, 23, 6]
    """
    total = _check.integer("total_minutes", total_minutes, MIN_MINUTES, MAX_MINUTES)
    exact = _check_weights(weights)
    shares = [total * w / sum(exact) for w in exact]
    minutes = [math.floor(s) for s in shares]
    left = total - sum(minutes)
    by_remainder = sorted(range(len(shares)), key=lambda i: (-(shares[i] - minutes[i]), i))
    for i in by_remainder[:left]:
        minutes[i] += 1
    phases, start = [], 0
    for name, length in zip(PHASES, minutes):
        phases.append(Phase(name, start, length, CHECKLISTS[name]))
        start += length
    return tuple(phases)
