"""Crash injection: a model names its crash points, and a run dies at the one asked for."""

from __future__ import annotations


class Crash(Exception):
    """An injected crash: the process dies here (its open SQLite transaction is lost)."""


def crash_if(point: str, crash_at: str | None, *, now: int = 1, crash_on: int = 1,
             item: str = "item") -> None:
    """Raise :class:`Crash` when the run reaches ``crash_at`` on its ``crash_on``-th item."""
    if point == crash_at and now == crash_on:
        raise Crash(f"crashed {point.replace('_', ' ')} on {item} {now}")
