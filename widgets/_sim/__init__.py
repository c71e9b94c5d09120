"""Shared simulation plumbing for the models: SQLite, crash injection and the one :class:`Message`.

Models import it; it imports no view code.
"""

from .crash import Crash, crash_if
from .messages import Message
from .sqlite import connect, transaction

__all__ = ["Crash", "Message", "connect", "crash_if", "transaction"]
