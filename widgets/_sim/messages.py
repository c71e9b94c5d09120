"""The one message type of the course's simulations (sagas, two-phase commit, cache strategies)."""

from __future__ import annotations

from typing import NamedTuple


class Message(NamedTuple):
    """One message from ``sender`` to ``receiver``; ``via`` names the broker topic it passes through, if any."""

    sender: str
    receiver: str
    kind: str
    via: str | None = None
