"""The event-sourcing interactive: an account's log rebuilt by replay, from a snapshot, and into a read model."""

from __future__ import annotations

import json

import pandas as pd

from widgets import _view

from .model import Rebuild, rebuild_scenario

_CONTROLS = {
    "events": ("IntSlider", "Events in the log", {"min": 1, "max": 500, "value": 20}),
    "snapshot_at": ("IntSlider", "Snapshot after event", {"min": 0, "max": 500, "value": 0}),
    "old_events": ("IntSlider", "First events in v1", {"min": 0, "max": 500, "value": 0}),
}
_PRESETS = {
    "Replay from the start": {"events": 20, "snapshot_at": 0, "old_events": 0},
    "Snapshot after event 15": {"events": 20, "snapshot_at": 15, "old_events": 0},
    "Old v1 deposits, upcast on read": {"events": 20, "snapshot_at": 0, "old_events": 6},
}


def _money_text(balances: dict[str, int]) -> str:
    return ", ".join(f"{currency} {cents / 100:.2f}" for currency, cents in balances.items()) or "0"


def _rows(run: Rebuild) -> list[tuple[str, str]]:
    full, fast = run.full, run.fast
    return [
        ("Events in the log (append-only)", f"{run.events}"),
        ("Events read to rebuild, from the start", f"{full.events_read}"),
        ("Events read to rebuild, from the snapshot",
         f"{fast.events_read} (snapshot at event {fast.from_snapshot})" if fast.from_snapshot else "no snapshot"),
        ("Old v1 events upcast on read", f"{full.upcast}"),
        ("Balance, replayed from the start", _money_text(full.state["balances"])),
        ("Balance, replayed from the snapshot", _money_text(fast.state["balances"])),
        ("Balances table, kept up to date by a handler", _money_text(run.kept)),
        (f"Balances table dropped, rebuilt from {run.reread} events", _money_text(run.rebuilt)),
    ]


def _log(run: Rebuild) -> pd.DataFrame:
    return pd.DataFrame(
        [{"event #": stored.version, "type": stored.type,
          "stored (schema)": f"v{stored.schema}: {json.dumps(stored.data)}",
          "read as": f"v{read.schema}: {json.dumps(read.data)}"} for stored, read in run.first]
    )


def render(values: _view.Values) -> str:
    """The rebuild table and the first events of the log, for the controls' values."""
    run = rebuild_scenario(**values)
    return (_view.table(_rows(run), "Rebuilding an account by replay")
            + _view.table(_log(run), f"The first {len(run.first)} events: stored, and read",
                         code=("stored (schema)", "read as")))


def rebuild() -> _view.Interactive:
    """An account as an event log in SQLite: replay from the start or a snapshot, upcast old events,
    and drop the balances table to see the log rebuild it.

    >>> "Events read to rebuild" in rebuild().view.value
    True
    """
    return _view.Interactive(render, _view.controls(_CONTROLS), _PRESETS, principal="Scenario")
