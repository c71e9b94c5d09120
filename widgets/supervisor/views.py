"""The supervisor interactive: a day of bookings swept twice, report only or repairing."""

from __future__ import annotations

import pandas as pd

from widgets import _view

from .model import SWEEP_MODES, SweepDay, SweepRun, sweep_day

_CONTROLS = {
    "bookings": ("IntSlider", "Bookings in the day", {"min": 100, "max": 2000, "step": 100, "value": 1000}),
    "stuck_percent": ("FloatSlider", "Stuck mid-way (%)", {"min": 0, "max": 10, "step": 0.1, "value": 1.0}),
    "timeout": ("IntSlider", "Timeout (s)", {"min": 60, "max": 7200, "step": 60, "value": 600}),
    "mode": ("Dropdown", "Supervisor",
             {"value": "report", "options": [(label, key) for key, label in SWEEP_MODES.items()]}),
}
_BASE = {"bookings": 1000, "stuck_percent": 1.0, "timeout": 600}
_PRESETS = {
    "Report only: a person reviews the list": {**_BASE, "mode": "report"},
    "Automatic: complete or compensate": {**_BASE, "mode": "auto"},
    "Automatic, the job crashes mid-sweep": {**_BASE, "mode": "crash"},
    "More stuck bookings (5 %)": {**_BASE, "mode": "auto", "stuck_percent": 5.0},
}
#: Census field -> its row label; then the census columns.
_STATES = {"completed": "completed", "compensated": "compensated", "progressing": "in flight, making progress",
           "stuck": "stuck past the timeout (inconsistent)"}
_WHEN = ("end of day", "after run 1", "after run 2")


def _run_text(run: SweepRun) -> str:
    if run.crash:
        return f"{run.crash}: the job dies; the next run picks up"
    if run.report is None:
        return (f"listed {len(run.listed)} for review: " + ", ".join(run.listed[:5])
                + (", …" if len(run.listed) > 5 else ""))
    report = run.report
    return (f"found {len(report.stuck)}, completed {len(report.completed)}, compensated "
            f"{len(report.compensated)}; {report.duplicates_ignored} repeated request(s) ignored")


def _censuses(day: SweepDay) -> pd.DataFrame:
    columns = {when: [getattr(census, state) for state in _STATES] for when, census in zip(_WHEN, day.censuses)}
    return pd.DataFrame({"bookings": list(_STATES.values()), **columns})


def render(values: _view.Values) -> str:
    """The censuses and what each run of the supervisor did, for the controls' values."""
    day = sweep_day(**values)
    caption = (f"{values['bookings']:,} bookings in a day; the supervisor runs every {values['timeout']:,} s "
               f"({SWEEP_MODES[values['mode']]})")
    rows = [(f"Run {i}", _run_text(run)) for i, run in enumerate(day.runs, start=1)]
    return _view.table(_censuses(day), caption) + _view.table(rows, "What each run did")


def sweep() -> _view.Interactive:
    """A day of bookings with a few stuck mid-way, swept by the supervisor: report only, or repair.

    >>> "stuck past the timeout" in sweep().view.value
    True
    """
    return _view.Interactive(render, _view.controls(_CONTROLS), _PRESETS, principal="Scenario")
