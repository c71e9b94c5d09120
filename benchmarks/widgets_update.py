"""Time how long each CATALOG widget takes to redraw after a control change.

Drives every control of every interactive with seeded random (valid) values and
prints the median (p50) and 95th percentile (p95) of the time from setting a
control's value to the view being updated (the callback runs synchronously in
Python; the browser's own repaint is not included). Target: p95 < 50 ms.

    python benchmarks/widgets_update.py [--changes N]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

import widgets
from widgets._drive import controls, set_random


def update_times(factory, changes: int, seed: int = 0) -> list[float]:
    """Milliseconds per control change, over `changes` random changes."""
    rng = random.Random(seed)
    widget = factory()
    all_controls = list(controls(widget))
    times = []
    for _ in range(changes):
        control = rng.choice(all_controls)
        start = time.perf_counter()
        set_random(control, rng)
        times.append((time.perf_counter() - start) * 1e3)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changes", type=int, default=200, help="control changes per widget (default 200)")
    args = parser.parse_args()
    print(f"{'widget':32} {'changes':>8} {'p50 ms':>8} {'p95 ms':>8}")
    for name in sorted(widgets.CATALOG):
        times = update_times(widgets.CATALOG[name], args.changes)
        p95 = statistics.quantiles(times, n=20, method="inclusive")[18]
        print(f"{name:32} {len(times):8d} {statistics.median(times):8.1f} {p95:8.1f}")


if __name__ == "__main__":
    main()
