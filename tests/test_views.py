"""Every interactive of widgets.CATALOG, checked by one suite from a small spec each.

For every entry: it builds; its presets render distinct views; rendering the same values twice gives
the same HTML. For every entry with live controls (an ``_view.Interactive``): random and bad values in
every live control never let an exception escape (a message starting "unexpected" is a bug, not bad
input); the spec's bad value shows the model's own message on the error line, and a preset clears it;
every preset sets every live control.
"""

from __future__ import annotations

import html
import random
from dataclasses import dataclass
from typing import Any

import ipywidgets as w
import pytest

import widgets
from widgets import _view
from widgets._drive import html_values, set_random


@dataclass(frozen=True)
class Spec:
    """What the suite needs to know of one interactive."""

    live: bool = True  # has live controls (an _view.Interactive); False: precomputed views only
    bad: tuple[str, Any, str] | None = None  # (live control, a bad value, a fragment of the model's message)


SPEC = {
    "sessions.stateless": Spec(bad=("store_rtt_ms", -1.0, "store_rtt_ms must be a number in [0, 1e9], got -1.0")),
    "geography.geodns": Spec(bad=("us_east", False, "regions must name at least one of")),  # preset 0: only us_east on
    "cdn.cdn": Spec(bad=("origin_ms", -1.0, "origin_ms must be a number in [0, 1e9], got -1.0")),
    "idempotency.one_payment": Spec(bad=("fates", "abc", "fates must be 1 to 5 words, each ok, request or response, got 'abc'")),
    "idempotency.retries": Spec(),  # bounded sliders and a dropdown: every value they take is valid
    "monitoring.golden_signals": Spec(bad=("size_pct", -1.0, "size_pct must be a number in (0, 100], got -1.0")),
    "search.compare": Spec(bad=("query", '"context', "query must be FTS5 query syntax")),
    "search.freshness": Spec(bad=("interval_s", -1.0, "interval_s must be a number in [0.01, 86400], got -1.0")),
    "search.swap": Spec(live=False),
    "rate_limiting.algorithms": Spec(bad=("rate", -1.0, "rate must be a number in (0, 1e6], got -1.0")),
    "rate_limiting.per_client_limits": Spec(bad=("limit", -1.0, "limit must be a number in (0, 1e6], got -1.0")),
    "gateway.mesh": Spec(bad=("rate", -1.0, "rate must be a number in [0, 1e6], got -1.0")),
    "gateway.library_service": Spec(bad=("rollout_weeks", -1.0, "rollout_weeks must be a number in (0, 520], got -1.0")),
    "api.payloads": Spec(),  # dropdowns only: every value they take is valid
    "api.graphql_rest": Spec(),  # bounded sliders and dropdowns: every value they take is valid
    "api.push_pull": Spec(bad=("timeout_s", -1.0, "timeout_s must be a number in (0, 100000], got -1.0")),
    "replication.read_routing": Spec(bad=("window_ms", -1.0, "window_ms must be a number in [0, 1e9], got -1.0")),
    "replication.failover": Spec(bad=("delay_ms", -1.0, "delays_ms[0] must be a number in (0, 1e9], got -1.0")),
    "replication.multi_leader": Spec(bad=("skew_ms", -2e9, "skew_ms must be a number in [-1e9, 1e9], got -2000000000.0")),
    "sharding.ring": Spec(bad=("vnodes", 0, "vnodes must be an integer in [1, 10000], got 0")),
    "sharding.hot_keys": Spec(bad=("width", 0, "width must be an integer in [1, 10000], got 0")),
    "pipelines.aggregation": Spec(bad=("checkpoint_s", -1.0, "checkpoint_s must be a number in (0, 1e6], got -1.0")),
    "messaging.spike": Spec(bad=("target_drain_s", -1.0, "target_drain_s must be a number in [0, 1e6], got -1.0")),
    "messaging.consumer_groups": Spec(),  # bounded sliders and a bounded box: every value they take is valid
    "pipelines.lambda_kappa": Spec(bad=("replay_speed", 1.0, "replay_speed must be a number in (1, 1000], got 1.0")),
    "normalisation.schemas": Spec(bad=("user", 0, "user must be an integer in [1, 1000], got 0")),
    "caching.policies": Spec(),  # dropdowns only: every value they take is valid
    "interview.planner": Spec(),  # bounded sliders only: every value they take is valid
    "capacity.calculator": Spec(bad=("bytes_per_write", -1.0, "bytes_per_write must be a finite number >= 0")),
    "availability.nines": Spec(bad=("year_days", -1.0, "year_days must be a number in (0, 1000], got -1.0")),
    "availability.composite": Spec(bad=("need", 5, "App servers needed must be at most App servers (1), got 5")),
    "availability.error_budget_view": Spec(bad=("slo", "abc", "SLO must be a percentage")),
    "fault_tolerance.breaker": Spec(bad=("reset_timeout_s", -1.0, "reset_timeout_s must be a number in [0, 1e6]")),
    "fault_tolerance.backoff": Spec(bad=("base", -1.0, "base must be a number in (0, 1e9], got -1.0")),
    "fault_tolerance.amplification": Spec(),  # bounded sliders only: every value they take is valid
    "fault_tolerance.bulkheads": Spec(bad=("timeout_ms", -1.0, "timeout_ms must be a number in (0, 1e7], got -1.0")),
    "latency.fanout": Spec(bad=("target_slow_probability", -1.0, "target_slow_probability must be a number in [0, 1]")),
    "latency.hedged_requests": Spec(bad=("stall_ms", -1.0, "stall_ms must be a number in [0, 1e7], got -1.0")),
    "latency.queueing": Spec(bad=("service_rate", -1.0, "service_rate must be a finite number > 0, got -1.0")),
    "latency.ladder": Spec(live=False),
    "consistency.quorum_explorer": Spec(bad=("r", 5, "r must be an integer in [1, 3], got 5")),
    "consistency.visibility": Spec(),  # bounded sliders and a checkbox: every value they take is valid
    "consistency.gossip": Spec(live=False),
    "consistency.techniques": Spec(bad=("hop_ms", -1.0, "hop_ms must be a number in [0, 1e9], got -1.0")),
    "consistency.fencing": Spec(bad=("pause_at_ms", 12_000.0, "pause_at_ms must be a number in [0, 10000), got 12000.0")),
    "consistency.lagging_replicas": Spec(bad=("seed", -1, "seed must be an integer in [0, ")),
    "sketches.hyperloglog_view": Spec(bad=("seed", -1, "seed must be an integer in [0, ")),
    "sketches.count_min_view": Spec(bad=("seed", -1, "seed must be an integer in [0, ")),
    "sketches.bloom": Spec(bad=("seed", -1, "seed must be an integer in [0, ")),
    "caching.hit_ratio": Spec(bad=("rate", -1.0, "requests_per_second must be a number in [0, 1e12], got -1.0")),
    "caching.strategy_animations": Spec(live=False),
    "caching.coalescing": Spec(bad=("n_requests", -1, "n_requests must be an integer in [1, 100000], got -1")),
    "caching.ttl_staleness": Spec(bad=("rate", -1.0, "requests_per_second must be a number in (0, 1e9], got -1.0")),
    "caching.cold_start": Spec(bad=("window", -1, "window must be an integer in [100, 20000], got -1")),
    "event_sourcing.rebuild": Spec(bad=("snapshot_at", 500, "snapshot_at must be an integer in [0, 20], got 500")),
    "outbox.delivery": Spec(bad=("crash_on", 8, "crash_on must be an integer in [1, 4], got 8")),
    "supervisor.sweep": Spec(),  # bounded sliders and a dropdown: every value they take is valid
    "sagas.flow": Spec(live=False),
    "sagas.comparison": Spec(bad=("fail", "train", "fail_at must be one of None, 'airline', 'hotel', 'payment'")),
    "two_phase_commit.sequence": Spec(bad=("votes", "maybe", "votes must be 1 to 8 words")),
    "fanout.strategies": Spec(bad=("posts_per_s", -1.0, "posts_per_s must be a number in [0, 1e9], got -1.0")),
}
NAMES = sorted(widgets.CATALOG)
LIVE = [name for name in NAMES if SPEC[name].live]
BAD = [name for name in NAMES if SPEC[name].bad]


def build(name: str) -> w.Widget:
    return widgets.CATALOG[name]()


def shown(widget: w.Widget) -> str:
    """All the HTML a view holds (an HTML widget, or a box of them such as an animation)."""
    return "".join(html_values(widget))


def test_spec_covers_the_catalog() -> None:
    assert sorted(SPEC) == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_builds_with_a_principal_control(name: str) -> None:
    widget = build(name)
    assert isinstance(widget, _view.Interactive) == SPEC[name].live
    assert isinstance(widget.principal, w.Dropdown) and len(widget.principal.options) >= 2
    assert len(widget.stack.children) == len(widget.principal.options)


@pytest.mark.parametrize("name", NAMES)
def test_presets_render_distinct_views(name: str) -> None:
    views = [shown(child) for child in build(name).stack.children]
    assert all(views), "a preset renders an empty view"
    assert len(set(views)) == len(views), "two presets render the same view"


@pytest.mark.parametrize("name", NAMES)
def test_same_values_render_the_same_html(name: str) -> None:
    first, second = build(name), build(name)
    assert shown(first) == shown(second)
    if SPEC[name].live:
        for index in range(len(first.principal.options)):
            first.principal.index = index
            before = first.view.value
            first.refresh()  # the same values rendered again, on the reused figure
            assert first.view.value == before


@pytest.mark.parametrize("name", LIVE)
def test_random_and_bad_values_never_escape(name: str) -> None:
    rng = random.Random(name)
    widget = build(name)
    live = list(widget.controls.values())
    assert live and widget.error in widget.children
    for _ in range(40):
        set_random(rng.choice(live), rng, bad=rng.random() < 0.3)  # raises if a callback let one escape
        assert "unexpected" not in widget.error.value, widget.error.value


@pytest.mark.parametrize("name", BAD)
def test_bad_input_shows_the_model_message(name: str) -> None:
    control, value, message = SPEC[name].bad
    widget = build(name)
    widget.controls[control].value = value
    assert message in html.unescape(widget.error.value) and 'role="alert"' in widget.error.value
    widget.principal.index = (widget.principal.index + 1) % len(widget.principal.options)
    assert widget.error.value == "", "a preset did not clear the error line"


@pytest.mark.parametrize("name", LIVE)
def test_every_preset_sets_every_live_control(name: str) -> None:
    widget = build(name)
    for index, (preset, values) in enumerate(widget.presets.items()):
        assert set(values) == set(widget.controls), f"preset {preset!r} leaves controls as they were"
        widget.principal.index = index
        assert widget.values == values
