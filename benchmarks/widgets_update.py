"""Time how long each CATALOG widget takes to redraw after a control change.

Drives every control of every interactive with seeded random (valid) values and
prints the median (p50) and 95th percentile (p95) of the time from setting a
control's value to the view being updated (the callback runs synchronously in
Python; the browser's own repaint is not included). Target: p95 < 50 ms.

Each change is timed twice: wall-clock time, what a reader waits on an idle machine, and this
process's CPU time, which other jobs on a busy machine inflate far less. The two agree on an idle
machine; when they differ, the machine was busy and the CPU figures are the ones to compare.

    python benchmarks/widgets_update.py [--changes N]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

import widgets
from widgets._drive import controls, set_random


def update_times(factory, changes: int, seed: int = 0) -> tuple[list[float], list[float]]:
    """Milliseconds per control change, over `changes` random changes: (wall clock, CPU time) of each."""
    rng = random.Random(seed)
    widget = factory()
    all_controls = list(controls(widget))
    wall, cpu = [], []
    for _ in range(changes):
        control = rng.choice(all_controls)
        start, start_cpu = time.perf_counter(), time.process_time()
        set_random(control, rng)
        wall.append((time.perf_counter() - start) * 1e3)
        cpu.append((time.process_time() - start_cpu) * 1e3)
    return wall, cpu


def p50_p95(times: list[float]) -> tuple[float, float]:
    return statistics.median(times), statistics.quantiles(times, n=20, method="inclusive")[18]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changes", type=int, default=200, help="control changes per widget (default 200)")
    args = parser.parse_args()
    print(f"{'widget':32} {'changes':>8} {'p50 ms':>8} {'p95 ms':>8} {'CPU p50':>8} {'CPU p95':>8}")
    for name in sorted(widgets.CATALOG):
        wall, cpu = map(p50_p95, update_times(widgets.CATALOG[name], args.changes))
        print(f"{name:32} {args.changes:8d} {wall[0]:8.1f} {wall[1]:8.1f} {cpu[0]:8.1f} {cpu[1]:8.1f}")


if __name__ == "__main__":
    main()
