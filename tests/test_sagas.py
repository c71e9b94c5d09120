"""Tests of widgets.sagas: the saga rules, the broker's topics, message counts against the closed form,
costs, bad input, and what the views show.

The rules are those of Garcia-Molina & Salem, "Sagas" (SIGMOD 1987): a saga is a
sequence of local transactions T1..Tn; if Tk fails it rolls back locally, and the
committed T1..T(k-1) are undone by compensations C(k-1)..C1, in reverse order.
A message is one publish to a topic, consumed by the one party that acts on it, in both modes.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from widgets import sagas
from widgets.sagas import (
    BROKER, INITIATOR, MODES, ORCHESTRATOR, STEPS, compare, cost, message_count, message_formula, run_saga, topic,
    topics,
)
from widgets.sagas import views as saga_views

FAILURES = (None, *STEPS)
SCENARIOS = [(mode, fail_at) for mode in MODES for fail_at in FAILURES]


def executed_and_compensated(steps, fail_at):
    """By hand: steps run (the failing one included) and compensations."""
    if fail_at is None:
        return len(steps), 0
    k = steps.index(fail_at)
    return k + 1, k


def saga_cases():
    """Any unique step names, a failure point among them (or none), and a mode."""
    names = st.lists(st.sampled_from("abcdefghij"), min_size=1, max_size=10, unique=True)
    return names.flatmap(
        lambda s: st.tuples(st.just(tuple(s)), st.sampled_from([None, *s]), st.sampled_from(MODES))
    )


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
    # Later steps never run: no message to, from or through a topic of them.
    later = set(STEPS[cut + 1 :])
    for m in run.messages:
        assert not later & {m.sender, m.receiver, m.via.rpartition(".")[0]}, m
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
def test_orchestration_commands_and_replies_go_through_each_services_two_topics(fail_at):
    run = run_saga(STEPS, fail_at, "orchestration")
    assert all(ORCHESTRATOR in (m.sender, m.receiver) for m in run.messages)
    # Each request or compensation command is answered before the next one is sent.
    for command, reply in zip(run.messages[::2], run.messages[1::2]):
        step = command.receiver
        assert command[:2] == (ORCHESTRATOR, step) and command.via == f"{step}.commands"
        assert reply[:2] == (step, ORCHESTRATOR) and reply.via == f"{step}.replies"
        assert (command.kind, reply.kind) in {("request", "done"), ("request", "failed"),
                                              ("compensate", "compensated")}


@pytest.mark.parametrize("fail_at", FAILURES)
def test_choreography_publishes_to_own_topic_and_subscribers_react(fail_at):
    run = run_saga(STEPS, fail_at, "choreography")
    ring = (INITIATOR, *STEPS)
    for m in run.messages:
        assert m.via == f"{m.sender}.events"  # services publish to their own topic
        i = ring.index(m.sender)
        if m.kind in ("start", "done"):  # the next service subscribes to the previous step's topic
            assert m.receiver == ring[(i + 1) % len(ring)]
        else:  # failures and compensations flow back to the previous service
            assert m.receiver == ring[i - 1]
    assert not any(ORCHESTRATOR in m[:2] for m in run.messages)


def test_hand_written_runs():
    assert run_saga(fail_at="hotel").messages == (
        ("orchestrator", "airline", "request", "airline.commands"),
        ("airline", "orchestrator", "done", "airline.replies"),
        ("orchestrator", "hotel", "request", "hotel.commands"),
        ("hotel", "orchestrator", "failed", "hotel.replies"),
        ("orchestrator", "airline", "compensate", "airline.commands"),
        ("airline", "orchestrator", "compensated", "airline.replies"),
    )
    assert run_saga(fail_at="hotel", mode="choreography").messages == (
        ("initiator", "airline", "start", "initiator.events"),
        ("airline", "hotel", "done", "airline.events"),
        ("hotel", "airline", "failed", "hotel.events"),
        ("airline", "initiator", "compensated", "airline.events"),
    )
    states = {"airline": "compensated", "hotel": "failed", "payment": "not run"}
    assert run_saga(fail_at="hotel").states == states


def test_topics_two_per_service_in_orchestration_one_per_party_in_choreography():
    orchestrated, choreographed = topics(STEPS, "orchestration"), topics(STEPS, "choreography")
    assert sorted(orchestrated) == sorted(f"{s}.{k}" for s in STEPS for k in ("commands", "replies"))
    assert sorted(choreographed) == sorted(f"{p}.events" for p in (INITIATOR, *STEPS))
    assert orchestrated["hotel.replies"] == ("hotel", (ORCHESTRATOR,))
    assert choreographed["hotel.events"] == ("hotel", ("payment", "airline"))  # the next, and the previous
    assert choreographed["initiator.events"] == ("initiator", ("airline",))


@given(saga_cases())
def test_property_every_message_is_one_publish_its_receiver_subscribes_to(case):
    steps, fail_at, mode = case
    run = run_saga(steps, fail_at, mode)
    channels = topics(steps, mode)
    for m in run.messages:
        publisher, subscribers = channels[m.via]
        assert m.sender == publisher and m.receiver in subscribers, m


@given(saga_cases())
def test_property_states_after_each_message(case):
    steps, fail_at, mode = case
    run = run_saga(steps, fail_at, mode)
    assert set(run.states_after(0).values()) == {"pending"}
    final = {step: "pending" if state == "not run" else state for step, state in run.states.items()}
    assert run.states_after(len(run.messages)) == final
    for sent in range(1, len(run.messages) + 1):  # only the sender of the last message can change state
        before, after = run.states_after(sent - 1), run.states_after(sent)
        assert {s for s in steps if before[s] != after[s]} <= {run.messages[sent - 1].sender}


# --------------------------------------------------------------------------
# Message counts: orchestration 2e + 2c, choreography 1 + e + c, one convention for both
# --------------------------------------------------------------------------
# e = steps executed (the failing one included), c = compensations.
# Orchestration: a command and a reply per executed step and per compensation.
# Choreography: the initiator's start event, one outcome event per executed step, one per compensation.
EXPECTED_COUNTS = {  # (mode, failing step): messages, counted by hand
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
    assert len(run.messages) == message_count(mode, e, c) == cost(run).messages == expected


@given(saga_cases())
def test_property_the_messages_are_the_closed_form(case):
    steps, fail_at, mode = case
    run = run_saga(steps, fail_at, mode)
    e, c = len(run.executed), len(run.compensations)
    assert (e, c) == executed_and_compensated(steps, fail_at)
    assert len(run.messages) == message_count(mode, e, c)
    assert cost(run).formula == message_formula(mode, e, c)
    assert cost(run).formula.startswith(f"{len(run.messages)} = ")


@given(saga_cases())
def test_property_orchestration_sends_more_messages_than_choreography(case):
    steps, fail_at, _ = case
    orchestrated, choreographed = (len(run_saga(steps, fail_at, mode).messages) for mode in MODES)
    e, c = executed_and_compensated(steps, fail_at)
    assert orchestrated - choreographed == e + c - 1  # 2e + 2c against 1 + e + c
    # More whenever more than one step runs; a saga whose first step fails (or that has one step) is 2 and 2.
    assert orchestrated > choreographed if e + c > 1 else orchestrated == choreographed == 2


@given(saga_cases())
def test_property_compensations_reverse_the_completed_steps(case):
    steps, fail_at, mode = case
    run = run_saga(steps, fail_at, mode)
    cut = steps.index(fail_at) if fail_at else len(steps)
    assert run.completed == steps[:cut]
    assert run.compensations == (tuple(reversed(steps[:cut])) if fail_at else ())
    assert set(run.states.values()) <= {"committed", "compensated", "failed", "not run"}


# --------------------------------------------------------------------------
# Costs: the textbook comparison, computed from the runs' messages
# --------------------------------------------------------------------------


@pytest.mark.parametrize("fail_at", FAILURES)
def test_choreography_needs_no_more_messages_and_no_coordinator(fail_at):
    costs = compare(STEPS, fail_at, hop_latency_ms=5)
    chor, orch = costs["choreography"], costs["orchestration"]
    assert chor.messages <= orch.messages and chor.latency_ms <= orch.latency_ms
    assert orch.latency_ms == 5 * orch.hops
    assert orch.single_points_of_failure == (BROKER, ORCHESTRATOR)  # both on every message's path
    assert chor.single_points_of_failure == (BROKER,)  # no service: only the transport
    assert all(who == ORCHESTRATOR for _, who in orch.compensation_triggers)
    # Choreography: each compensation is triggered by its successor's event (failure or compensation).
    ring = (INITIATOR, *STEPS)
    for step, who in chor.compensation_triggers:
        assert who == ring[ring.index(step) + 1]


def test_costs_of_the_payment_failure():
    times = {"airline": 300, "hotel": 300, "payment": 200}
    costs = compare(STEPS, "payment", hop_latency_ms=10, step_ms=times)
    orch, chor = costs["orchestration"], costs["choreography"]
    # Work: the three steps run (800 ms), then hotel and airline are compensated (600 ms).
    assert (orch.messages, orch.latency_ms, orch.work_ms, orch.end_to_end_ms) == (10, 100.0, 1400.0, 1500.0)
    assert (chor.messages, chor.latency_ms, chor.work_ms, chor.end_to_end_ms) == (6, 60.0, 1400.0, 1460.0)
    assert (orch.formula, chor.formula) == ("10 = 2·3 + 2·2", "6 = 1 + 3 + 2")
    assert (orch.steps_run, orch.steps_compensated) == (chor.steps_run, chor.steps_compensated) == (3, 2)
    assert chor.compensation_triggers == (("hotel", "payment"), ("airline", "hotel"))


@given(saga_cases(), st.floats(0, 1e3), st.floats(0, 1e3))
def test_property_costs_follow_the_messages(case, hop, step):
    steps, fail_at, mode = case
    run = run_saga(steps, fail_at, mode)
    k = cost(run, hop, step)
    assert k.hops == k.messages == len(run.messages)
    assert k.latency_ms == k.hops * hop and k.end_to_end_ms == k.latency_ms + k.work_ms
    assert k.work_ms == pytest.approx(step * (len(run.executed) + len(run.compensations)))
    assert [s for s, _ in k.compensation_triggers] == list(run.compensations)
    assert BROKER in k.single_points_of_failure  # every message is published through the broker
    assert (ORCHESTRATOR in k.single_points_of_failure) == (mode == "orchestration")


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
        ({"steps": ("broker",)}, "steps must hold service names"),
        ({"steps": ("x.events",)}, "steps must hold service names"),
        ({"steps": ("x.replies",)}, "steps must hold service names"),
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


@pytest.mark.parametrize(
    ("call", "words"),
    [
        (lambda: message_count("dance", 1, 0), "mode must be one of"),
        (lambda: message_count("choreography", 0, 0), "executed must be an integer >= 1, got 0"),
        (lambda: message_count("choreography", 3, 3), "compensations must be an integer in [0, 2], got 3"),
        (lambda: topic("hotel", "orders"), "kind must be one of 'events', 'commands', 'replies', got 'orders'"),
        (lambda: topics(STEPS, "dance"), "mode must be one of"),
        (lambda: run_saga().states_after(7), "sent must be an integer in [0, 6], got 7"),
        (lambda: sagas.parse_steps("airline, , hotel"), "steps must hold non-empty names"),
        (lambda: sagas.parse_steps(None), "steps must be comma-separated names, got None"),
        (lambda: sagas.parse_failure("train", STEPS), "fail_at must be one of None, 'airline'"),
        (lambda: sagas.parse_step_times("300, 300", STEPS),
         "step_ms must be 3 numbers of milliseconds in [0, 1e6], one per step, got '300, 300'"),
        (lambda: sagas.parse_step_times("300, x, 1", STEPS), "step_ms must be 3 numbers"),
        (lambda: sagas.parse_step_times("300, -1, 1", STEPS), "step_ms must be 3 numbers"),
        (lambda: sagas.parse_step_times("300, nan, 1", STEPS), "step_ms must be 3 numbers"),
    ],
)
def test_other_bad_values(call, words):
    with pytest.raises(ValueError) as error:
        call()
    assert words in str(error.value)


def test_text_inputs():
    assert sagas.parse_steps(" airline,hotel ") == ("airline", "hotel")
    assert [sagas.parse_failure(t, STEPS) for t in ("", "None", " hotel ")] == [None, None, "hotel"]
    assert sagas.parse_step_times("1, 2.5, 1e3", STEPS) == {"airline": 1.0, "hotel": 2.5, "payment": 1000.0}


# --------------------------------------------------------------------------
# Views: what they show (the catalog suite checks the generic properties)
# --------------------------------------------------------------------------


def frames_of(flow):
    """The HTML frames of each precomputed animation of sagas.flow()."""
    return [[frame.value for frame in player.children[1].children] for player in flow.stack.children]


def alt_of(frame: str) -> str:
    return re.search(r'alt="([^"]*)"', frame).group(1).replace("&#x27;", "'")


def test_flow_shows_exactly_the_models_messages():
    flow = sagas.flow()
    assert flow.principal.options == tuple(saga_views.scenario(m, f) for m in MODES for f in FAILURES)
    animations = frames_of(flow)
    for (mode, fail_at), frames in zip(SCENARIOS, animations):
        run = run_saga(STEPS, fail_at, mode)
        assert len(frames) == 1 + len(run.messages)  # the start, then one frame per message
        assert "nothing sent yet" in alt_of(frames[0])
        for frame, m in zip(frames[1:], run.messages):  # frame i draws message i: producer -> topic -> consumer
            assert (f"{m.sender} publishes '{m.kind}' to topic {m.via}, and {m.receiver}, subscribed to it, "
                    "receives it") in alt_of(frame)
        assert f"saga {run.outcome}" in frames[-1] and f"saga {run.outcome}" not in frames[-2]
    size = sum(map(len, (f for a in animations for f in a)))
    assert size < 2_000_000, f"widget state of {size:,} characters"


def test_flow_frames_are_deterministic():
    before = saga_views.flow_frames(STEPS, "hotel", "orchestration")
    saga_views._frames.cache_clear()
    assert saga_views.flow_frames(STEPS, "hotel", "orchestration") == before


def test_flow_frame_alt_text_tells_the_story():
    frames = saga_views.flow_frames(STEPS, "payment", "choreography")
    assert "payment publishes 'failed' to topic payment.events, and hotel" in alt_of(frames[4])
    assert "airline committed; hotel committed; payment failed" in alt_of(frames[4])
    frames = saga_views.flow_frames(STEPS, "payment", "orchestration")
    assert "hotel publishes 'compensated' to topic hotel.replies, and orchestrator" in alt_of(frames[8])
    assert "airline committed; hotel compensated; payment failed" in alt_of(frames[8])


def spaced(html: str) -> str:
    """The comparison's HTML with its no-break spaces (which keep a sum on one line) as plain spaces."""
    return html.replace("\u00a0", " ")


def test_comparison_shows_the_models_numbers():
    view = sagas.comparison()
    view.principal.value = "Payment fails"
    shown = spaced(view.view.value)
    for k in compare(STEPS, "payment", 10, {"airline": 300, "hotel": 300, "payment": 200}).values():
        assert f">{k.formula}<" in shown
        assert f">{k.end_to_end_ms:.4g} ms = {k.latency_ms:.4g} + {k.work_ms:.4g}<" in shown
    assert ">6 = 1 + 3 + 2<" in shown and ">10 = 2·3 + 2·2<" in shown and ">broker, orchestrator<" in shown
    view.controls["latency"].value = 100
    assert "1000 ms" in spaced(view.view.value) and "2400 ms = 1000 + 1400" in spaced(view.view.value)


@given(saga_cases(), st.floats(0.1, 1e3))
def test_property_comparison_table_shows_every_cost_from_the_model(case, hop):
    steps, fail_at, _ = case
    table = spaced(saga_views.comparison_table(steps, fail_at, hop, 50))
    for k in compare(steps, fail_at, hop, 50).values():
        assert f">{k.formula}<" in table and f">{k.steps_run} / {k.steps_compensated}<" in table
        assert f">{k.hops}<" in table and f">{', '.join(k.single_points_of_failure)}<" in table


def test_comparison_bad_input_shows_the_models_message():
    view = sagas.comparison()
    html = view.view.value
    view.controls["fail"].value = "train"
    assert "fail_at must be one of" in view.error.value and view.view.value == html
    view.controls["times"].value = "300, 300"
    assert "step_ms must be 3 numbers of milliseconds" in view.error.value
    view.controls["times"].value = "300, 300, 200"
    view.controls["fail"].value = "none"
    assert view.error.value == "" and "completed" in view.view.value
