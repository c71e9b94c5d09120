"""Models and interactive views of the system design course.

Each topic module holds a *model* (plain functions and frozen dataclasses,
checked by the tests) and a *view* (factories returning ipywidgets).
``CATALOG`` names every interactive the course shows, so tests and
benchmarks can find them all.
"""

from . import availability, caching, capacity, event_sourcing, interview, outbox, saga, supervisor, transactions

#: Every interactive of the course: name -> zero-argument factory.
CATALOG = {
    "capacity.calculator": capacity.calculator,
    "availability.nines": availability.nines,
    "availability.composite": availability.composite,
    "availability.error_budget": availability.error_budget_view,
    "caching.strategies": caching.strategy_animations,
    "caching.hit_ratio": caching.hit_ratio_simulator,
    "caching.ttl": caching.ttl_staleness,
    "caching.cold_start": caching.cold_start,
    "caching.coalescing": caching.coalescing,
    "interview.planner": interview.planner,
    "saga.flow": saga.saga_flow,
    "saga.comparison": saga.saga_comparison,
    "transactions.two_phase_commit": transactions.two_phase_commit_view,
    "transactions.event_sourcing": event_sourcing.event_sourcing_view,
    "transactions.outbox": outbox.outbox_view,
    "transactions.supervisor": supervisor.supervisor_view,
}

__all__ = ["CATALOG"]
