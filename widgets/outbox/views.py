"""The outbox interactive: what the database, broker and consumers saw, scenario by scenario."""

from __future__ import annotations

from widgets import _view

from .model import SCENARIOS, DualWriteRun, OutboxRun, scenario_run

_CONTROLS = {
    "scenario": ("Dropdown", "Scenario", {"options": list(SCENARIOS)}),
    "orders": ("IntSlider", "Orders", {"min": 1, "max": 8, "value": 4}),
    "crash_on": ("IntSlider", "Failure on order", {"min": 1, "max": 8, "value": 2}),
}
_PRESETS = {name: {"scenario": name, "orders": 4, "crash_on": 2} for name in SCENARIOS}


def _ids(ids) -> str:
    return ", ".join(str(i).removeprefix("order-") for i in ids) or "none"


def _totals_text(totals: dict[str, int]) -> str:
    return ", ".join(f"{item} {quantity}" for item, quantity in totals.items()) or "nothing"


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def _outbox_rows(run: OutboxRun) -> list[tuple[str, str]]:
    return [
        ("Orders in the database", _ids(run.orders)),
        ("Outbox rows (same transaction)", _ids(run.outbox)),
        ("Relay", run.crash + ", then restarted" if run.crash else "ran without a crash"),
        ("Broker received, in order", _ids(run.published)),
        ("Lost", _ids(run.lost)),
        ("Delivered twice (at-least-once)", _ids(run.duplicates)),
        ("Consumer totals, de-duplicated by event id", _totals_text(run.totals)),
        ("Consumer totals, trusting every delivery", _totals_text(run.naive_totals)),
        ("Exactly-once effect", _yes(run.exactly_once)),
    ]


def _dual_rows(run: DualWriteRun) -> list[tuple[str, str]]:
    return [
        ("Orders in the database", _ids(run.orders)),
        ("Broker received", _ids(run.published)),
        ("What failed", run.failure or "nothing"),
        ("Orders the broker never heard of", _ids(run.missing_events)),
        ("Events for orders that do not exist", _ids(run.ghost_events)),
        ("Database and broker agree", _yes(run.agree)),
    ]


def render(values: _view.Values) -> str:
    """The scenario's table (each render runs it on real SQLite files in a temporary folder)."""
    run = scenario_run(**values)
    rows = _dual_rows(run) if isinstance(run, DualWriteRun) else _outbox_rows(run)
    return _view.table(rows, f"{values['scenario']} (numbers are order ids)")


def delivery() -> _view.Interactive:
    """What the database, broker and consumers saw under a dual write or the outbox, crash by crash.

    >>> "Exactly-once effect" in delivery().view.value
    True
    """
    return _view.Interactive(render, _view.controls(_CONTROLS), _PRESETS, principal="Scenario")
