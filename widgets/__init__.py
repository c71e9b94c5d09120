"""Models and interactive views of the system design course.

One package per topic, ``widgets/<topic>/``: ``model.py`` (plain functions and frozen dataclasses,
no view code) and ``views.py`` (ipywidgets factories). ``CHAPTERS`` lists, for each chapter
notebook, the interactives it shows in page order; ``CATALOG`` maps each one's name,
``"<topic>.<factory>"``, to a zero-argument callable that builds it. Importing this package
imports no topic, ipywidgets or matplotlib: a view module is imported when its factory is called.
"""

from __future__ import annotations

import functools
import importlib
import inspect


#: Chapter notebook (file stem) -> the CATALOG names it shows, in page order.
CHAPTERS: dict[str, tuple[str, ...]] = {
    "01_concepts": (
        "sessions.stateless", "geography.geodns", "cdn.cdn", "idempotency.one_payment", "idempotency.retries",
    ),
    "02_interview_flow": (
        "interview.planner", "capacity.calculator", "monitoring.golden_signals", "search.compare", "search.freshness",
        "search.swap",
    ),
    "03_non_functional_requirements": (
        "availability.nines", "availability.composite", "availability.error_budget_view",
        "fault_tolerance.breaker", "fault_tolerance.backoff", "fault_tolerance.amplification", "fault_tolerance.bulkheads",
        "latency.fanout", "latency.hedged_requests", "latency.queueing", "latency.ladder",
        "consistency.quorum_explorer", "consistency.visibility", "consistency.gossip", "consistency.techniques",
        "consistency.fencing", "consistency.lagging_replicas",
        "sketches.hyperloglog_view", "sketches.count_min_view", "sketches.bloom",
    ),
    "04_scaling_databases": (
        "replication.read_routing", "replication.failover", "replication.multi_leader",
        "sharding.ring", "sharding.hot_keys", "pipelines.aggregation",
        "messaging.spike", "messaging.consumer_groups", "pipelines.lambda_kappa", "normalisation.schemas",
        "caching.hit_ratio", "caching.strategy_animations", "caching.coalescing", "caching.ttl_staleness",
        "caching.policies", "caching.cold_start",
    ),
    "05_distributed_transactions": (
        "event_sourcing.rebuild", "outbox.delivery", "supervisor.sweep", "sagas.flow", "sagas.comparison",
        "two_phase_commit.sequence",
    ),
    "06_common_services": (
        "rate_limiting.algorithms", "rate_limiting.per_client_limits", "gateway.mesh", "gateway.library_service",
        "api.payloads", "api.graphql_rest", "api.push_pull",
    ),
    "07_mock_interviews": ("fanout.strategies",),
}


def _build(name: str):
    """Build the interactive ``name`` = "<topic>.<factory>": ``widgets.<topic>.views.<factory>()``."""
    topic, factory = name.split(".")
    return getattr(importlib.import_module(f"{__name__}.{topic}.views"), factory)()


#: Every interactive of the course: "<topic>.<factory>" -> zero-argument callable that builds it.
CATALOG = {name: functools.partial(_build, name) for names in CHAPTERS.values() for name in names}



def source(obj: object) -> str:
    """The source code of a model's function or class, for a page that teaches an algorithm by its code.

    >>> print(source(source).splitlines()[0])
    def source(obj: object) -> str:
    """
    return inspect.getsource(obj)


__all__ = ["CATALOG", "CHAPTERS", "source"]
