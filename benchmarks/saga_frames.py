"""Time the saga views: drawing the animation's frames, and redrawing the comparison on a control change.

Prints the median (p50) and 95th percentile (p95), in milliseconds, of

* one frame of ``sagas.flow``'s animations, drawn on the reused figure and saved as SVG
  (each of the 8 animations drawn ``--rounds`` times, with the frame cache cleared);
* one change of the comparison's hop latency, from setting the slider to the view being
  updated (the callback runs synchronously in Python; the browser's repaint is not included).
  Target: p50 well under 100 ms.

    python benchmarks/saga_frames.py [--rounds N] [--changes N]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

from widgets._drive import set_random
from widgets.sagas import MODES, STEPS, run_saga
from widgets.sagas import views as saga_views


def frame_times(rounds: int) -> list[float]:
    """Milliseconds per animation frame, over every mode and failure point, ``rounds`` times each."""
    times = []
    for _ in range(rounds):
        for mode in MODES:
            for fail_at in (None, *STEPS):
                chart = saga_views._FlowChart(run_saga(STEPS, fail_at, mode))
                for sent in range(len(chart.run.messages) + 1):
                    start = time.perf_counter()
                    chart.frame(sent)
                    times.append((time.perf_counter() - start) * 1e3)
    return times


def comparison_times(changes: int, seed: int = 0) -> list[float]:
    """Milliseconds per change of the comparison's hop latency, over ``changes`` seeded random changes."""
    rng = random.Random(seed)
    view = saga_views.comparison()
    times = []
    for _ in range(changes):
        start = time.perf_counter()
        set_random(view.controls["latency"], rng)
        times.append((time.perf_counter() - start) * 1e3)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="times each animation is drawn (default 3)")
    parser.add_argument("--changes", type=int, default=50, help="latency changes of the comparison (default 50)")
    args = parser.parse_args()
    print(f"{'measure':36} {'samples':>8} {'p50 ms':>8} {'p95 ms':>8}")
    for name, times in (("sagas.flow: one frame", frame_times(args.rounds)),
                        ("sagas.comparison: latency change", comparison_times(args.changes))):
        p95 = statistics.quantiles(times, n=20, method="inclusive")[18]
        print(f"{name:36} {len(times):8d} {statistics.median(times):8.1f} {p95:8.1f}")


if __name__ == "__main__":
    main()
