"""Tests of widgets.saga: the saga rules, message counts, costs, bad input and the views.

The rules are those of Garcia-Molina & Salem, "Sagas" (SIGMOD 1987): a saga is a
sequence of local transactions T1..Tn; if Tk fails it rolls back locally, and the
committed T1..T(k-1) are undone by compensations C(k-1)..C1, in reverse order.
"""

from __future__ import annotations

import doctest
import random
import statistics
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from widgets import saga
from widgets._drive import controls, set_random
from widgets.saga import INITIATOR, MODES, ORCHESTRATOR, STEPS, compare, cost, run_saga, topic

FAILURES = (None, *STEPS)
SCENARIOS = [(mode, fail_at) for mode in MODES for fail_at in FAILURES]


def executed_and_compensated(steps, fail_at):
    """By hand: steps run (the failing one included) and compensations."""
    if fail_at is None:
        return len(steps), 0
    k = steps.index(fail_at)
    return k + 1, k


# --------------------------------------------------------------------------
# The saga rules, every mode and failure point
# --------------------------------------------------------------------------


@pytest.mark.parametrize(("mode", "fail_at"), SCENARIOS)
def test_saga_rules(mode, fail_at):
    run = run_saga(STEPS, fail_at, mode)
    cut = STEPS.index(fail_at) if fail_at else len(STEPS)
    assert run.outcome == ("completed" if fail_at is None else "compensated")
    assert run.completed == STEPS[:cut]
    # Completed steps are compensated in reverse order; the failing step is not compensated.
    assert run.compensations == (tuple(reversed(STEPS[:cut])) if fail_at else ())
    assert fail_at not in run.compensations
    # Later steps never run: no message to or from them.
    later = set(STEPS[cut + 1 :])
    for m in run.messages:
        assert not later & {m.sender, m.receiver, *(t.removesuffix(".events") for t in m[:2])}, m
    # The failing step reports its failure once and is never asked to compensate.
    failures = [m for m in run.messages if m.kind == "failed" and m.sender == fail_at]
    assert len(failures) == (1 if fail_at else 0)
    assert not [m for m in run.messages if m.kind.startswith("compensat") and fail_at in m[:2]]


@pytest.mark.parametrize(("mode", "fail_at"), SCENARIOS)
def test_compensations_run_in_the_order_of_their_messages(mode, fail_at):
    run = run_saga(STEPS, fail_at, mode)
    replies = [m.sender for m in run.messages if m.kind == "compensated" and m.sender in STEPS]
    assert tuple(replies) == run.compensations


@pytest.mark.parametrize("fail_at", FAILURES)
def test_orchestration_every_message_goes_through_the_orchestrator(fail_at):
    run = run_saga(STEPS, fail_at, "orchestration")
    assert all(ORCHESTRATOR in (m.sender, m.receiver) for m in run.messages)
    # Each request or compensation command is answered before the next one is sent.
    for command, reply in zip(run.messages[::2], run.messages[1::2]):
        assert command.sender == ORCHESTRATOR and reply == (command.receiver, ORCHESTRATOR, reply.kind)
        assert (command.kind, reply.kind) in {("request", "done"), ("request", "failed"),
                                              ("compensate", "compensated")}


@pytest.mark.parametrize("fail_at", FAILURES)
def test_choreography_publishes_to_topics_and_subscribers_react(fail_at):
    run = run_saga(STEPS, fail_at, "choreography")
    ring = (INITIATOR, *STEPS)
    for publish, deliver in zip(run.messages[::2], run.messages[1::2]):
        producer = publish.sender
        assert publish.receiver == topic(producer) == deliver.sender  # services publish to their own topic
        assert publish.kind == deliver.kind
        i = ring.index(producer)
        if deliver.kind in ("start", "done"):  # the next service subscribes to the previous step's topic
            assert deliver.receiver == ring[(i + 1) % len(ring)]
        else:  # failures and compensations flow back to the previous service
            assert deliver.receiver == ring[i - 1]
    assert not any(ORCHESTRATOR in m[:2] for m in run.messages)


def test_hand_written_runs():
    assert run_saga(fail_at="hotel").messages == (
        ("orchestrator", "airline", "request"), ("airline", "orchestrator", "done"),
        ("orchestrator", "hotel", "request"), ("hotel", "orchestrator", "failed"),
        ("orchestrator", "airline", "compensate"), ("airline", "orchestrator", "compensated"),
    )
    assert run_saga(fail_at="hotel", mode="choreography").messages == (
        ("initiator", "initiator.events", "start"), ("initiator.events", "airline", "start"),
        ("airline", "airline.events", "done"), ("airline.events", "hotel", "done"),
        ("hotel", "hotel.events", "failed"), ("hotel.events", "airline", "failed"),
        ("airline", "airline.events", "compensated"), ("airline.events", "initiator", "compensated"),
    )
    states = {"airline": "compensated", "hotel": "failed", "payment": "not run"}
    assert run_saga(fail_at="hotel").states == states


# --------------------------------------------------------------------------
# Message counts: orchestration 2e + 2c, choreography 1 + e + c
# --------------------------------------------------------------------------
# e = steps executed (the failing one included), c = compensations.
# Orchestration: a request and a result per executed step, a command and a reply per compensation.
# Choreography: the initiator's start event, one outcome event per executed step, one per compensation;
# each event is two transfers in .messages (publish to the topic, delivery to the subscriber).
EXPECTED_COUNTS = {  # (mode, failing step): (messages, from the formula)
    ("orchestration", None): 6, ("orchestration", "airline"): 2,
    ("orchestration", "hotel"): 6, ("orchestration", "payment"): 10,
    ("choreography", None): 4, ("choreography", "airline"): 2,
    ("choreography", "hotel"): 4, ("choreography", "payment"): 6,
}


@pytest.mark.parametrize(("mode", "fail_at"), SCENARIOS)
def test_message_counts(mode, fail_at):
    run = run_saga(STEPS, fail_at, mode)
    e, c = executed_and_compensated(STEPS, fail_at)
    expected = EXPECTED_COUNTS[mode, fail_at]
    assert saga.message_count(mode, e, c) == expected
    assert cost(run).messages == expected
    assert len(run.messages) == expected * (2 if mode == "choreography" else 1)


def saga_cases():
    """Any unique step names, a failure point among them (or none), and a mode."""
    names = st.lists(st.sampled_from("abcdefghij"), min_size=1, max_size=10, unique=True)
    return names.flatmap(
        lambda s: st.tuples(st.just(tuple(s)), st.sampled_from([None, *s]), st.sampled_from(MODES))
    )


@given(saga_cases())
def test_property_compensations_reverse_the_completed_steps(case):
    steps, fail_at, mode = case
    run = run_saga(steps, fail_at, mode)
    cut = steps.index(fail_at) if fail_at else len(steps)
    assert run.completed == steps[:cut]
    assert run.compensations == (tuple(reversed(steps[:cut])) if fail_at else ())
    e, c = executed_and_compensated(steps, fail_at)
    assert cost(run).messages == saga.message_count(mode, e, c)
    assert set(run.states.values()) <= {"committed", "compensated", "failed", "not run"}


# --------------------------------------------------------------------------
# Costs: the textbook comparison, computed from runs
# --------------------------------------------------------------------------


@pytest.mark.parametrize("fail_at", FAILURES)
def test_choreography_needs_no_more_messages_and_no_coordinator(fail_at):
    costs = compare(STEPS, fail_at, hop_latency_ms=5)
    chor, orch = costs["choreography"], costs["orchestration"]
    assert chor.messages <= orch.messages and chor.latency_ms <= orch.latency_ms
    assert orch.latency_ms == 5 * orch.hops
    assert orch.single_points_of_failure == ("orchestrator",)
    assert chor.single_points_of_failure == ("broker",)  # no service: only the transport
    assert all(who == ORCHESTRATOR for _, who in orch.compensation_triggers)
    # Choreography: each compensation is triggered by its successor's event (failure or compensation).
    ring = (INITIATOR, *STEPS)
    for step, who in chor.compensation_triggers:
        assert who == ring[ring.index(step) + 1]


def test_costs_of_the_payment_failure():
    times = {"airline": 300, "hotel": 300, "payment": 200}
    costs = compare(STEPS, "payment", hop_latency_ms=10, step_ms=times)
    # Work: the three steps run (800 ms), then hotel and airline are compensated (600 ms).
    assert (costs["orchestration"].messages, costs["orchestration"].latency_ms) == (10, 100.0)
    assert costs["orchestration"].end_to_end_ms == 100 + 800 + 600
    assert (costs["choreography"].messages, costs["choreography"].latency_ms) == (6, 60.0)
    assert costs["choreography"].end_to_end_ms == 60 + 800 + 600
    assert costs["choreography"].compensation_triggers == (("hotel", "payment"), ("airline", "hotel"))


# --------------------------------------------------------------------------
# Bad input
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"steps": ()}, "steps must be a non-empty sequence"),
        ({"steps": "airline"}, "steps must be a non-empty sequence"),
        ({"steps": ("a", "a")}, "steps must be unique names, got ('a', 'a')"),
        ({"steps": ("a", "")}, "steps must hold non-empty names"),
        ({"steps": ("a", 3)}, "steps must hold non-empty names"),
        ({"steps": ("orchestrator",)}, "steps must hold service names"),
        ({"steps": ("x.events",)}, "steps must hold service names"),
        ({"fail_at": "train"}, "fail_at must be one of None, 'airline', 'hotel', 'payment', got 'train'"),
        ({"mode": "dance"}, "mode must be one of 'orchestration', 'choreography', got 'dance'"),
    ],
)
def test_bad_values_name_the_parameter(kwargs, words):
    with pytest.raises(ValueError) as error:
        run_saga(**kwargs)
    assert words in str(error.value)


@pytest.mark.parametrize("latency", [-1, float("nan"), float("inf"), True, "10"])
def test_bad_times(latency):
    with pytest.raises(ValueError, match=r"hop_latency_ms must be a number of milliseconds in \[0, 1e6\]"):
        cost(run_saga(), latency)
    with pytest.raises(ValueError, match=r"^step_ms must be a number of milliseconds"):
        cost(run_saga(), 10, latency)
    with pytest.raises(ValueError, match=r"step_ms\['hotel'\] must be a number"):
        cost(run_saga(), 10, {"airline": 1, "hotel": latency, "payment": 1})
    with pytest.raises(ValueError, match="step_ms must give a time for each of"):
        cost(run_saga(), 10, {"airline": 1})


def test_docstring_examples():
    assert doctest.testmod(saga).failed == 0


# --------------------------------------------------------------------------
# Views
# --------------------------------------------------------------------------


def frames_of(flow):
    """The HTML frames of each precomputed animation of saga_flow."""
    return [[frame.value for frame in player.children[1].children] for player in flow.stack.children]


def test_flow_has_an_animation_per_mode_and_failure():
    flow = saga.saga_flow()
    assert flow.principal.options == tuple(saga._scenario(m, f) for m in MODES for f in FAILURES)
    animations = frames_of(flow)
    assert len({tuple(a) for a in animations}) == 8  # switching the principal changes the view
    for (mode, fail_at), frames in zip(SCENARIOS, animations):
        events = saga.message_count(mode, *executed_and_compensated(STEPS, fail_at))
        assert len(frames) == 1 + events  # the start, then one frame per message or event
        assert all('alt="' in f and "<img" in f for f in frames)
        assert f"saga {run_saga(STEPS, fail_at).outcome}" in frames[-1]
    size = sum(map(len, (f for a in animations for f in a)))
    assert size < 2_000_000, f"widget state of {size:,} characters"


def test_flow_frames_are_deterministic():
    before = saga.flow_frames(STEPS, "hotel", "orchestration")
    saga._frames.cache_clear()
    assert saga.flow_frames(STEPS, "hotel", "orchestration") == before


def test_flow_frame_alt_text_tells_the_story():
    frames = saga.flow_frames(STEPS, "payment", "choreography")
    assert "payment publishes &#x27;failed&#x27; to topic payment.events, and hotel" in frames[4]
    assert "airline committed; hotel committed; payment failed" in frames[4]


def test_comparison_presets_and_live_controls():
    view = saga.saga_comparison()
    seen = {view.view.value}
    for name in list(view.presets)[1:]:
        view.principal.value = name
        assert view.view.value not in seen
        seen.add(view.view.value)
    assert "6 = 1 + 3 + 2" in view.view.value and "10 = 2·3 + 2·2" in view.view.value
    view.controls["latency"].value = 100
    assert "1000 ms" in view.view.value and "2400 ms = 1000 + 1400" in view.view.value
    html = view.view.value
    view.controls["fail"].value = "train"
    assert "fail_at must be one of" in view.error.value and view.view.value == html
    view.controls["times"].value = "300, 300"
    assert "Step times must be 3 numbers of milliseconds" in view.error.value
    view.controls["times"].value = "300, 300, 200"
    view.controls["fail"].value = "none"
    assert view.error.value == "" and "completed" in view.view.value


def test_comparison_renders_deterministically():
    assert saga.comparison_table(STEPS, "hotel", 7.5) == saga.comparison_table(STEPS, "hotel", 7.5)
    assert [c.value for c in saga.saga_comparison().stack.children] == [
        c.value for c in saga.saga_comparison().stack.children
    ]


@pytest.mark.parametrize("factory", [saga.saga_flow, saga.saga_comparison])
def test_views_take_random_and_bad_values(factory):
    rng = random.Random(factory.__name__)
    widget = factory()
    all_controls = list(controls(widget))
    for _ in range(60):
        set_random(rng.choice(all_controls), rng, bad=rng.random() < 0.3)
        assert "unexpected" not in getattr(getattr(widget, "error", None), "value", "")


def test_comparison_redraws_fast():
    view = saga.saga_comparison()
    rng = random.Random(0)
    times = []
    for _ in range(50):
        start = time.perf_counter()
        set_random(view.controls["latency"], rng)
        times.append(time.perf_counter() - start)
    assert statistics.median(times) < 0.1
