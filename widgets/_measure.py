"""The one clock of the models: a measurement's median wall time. Nothing else in ``widgets`` reads a clock."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def median_ms(run: Callable[[], object], runs: int) -> float:
    """The median wall time of ``run()`` over ``runs`` calls, in milliseconds (``time.perf_counter``).

    >>> median_ms(lambda: None, 3) >= 0
    True
    """
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1e3)
    return statistics.median(times)
