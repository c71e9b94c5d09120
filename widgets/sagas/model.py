"""Sagas: one long transaction as a chain of local transactions, each with a compensation.

A saga (Garcia-Molina & Salem, "Sagas", SIGMOD 1987) runs steps T1, T2, ..., Tn,
each a local transaction in its own service. If step Tk fails, it rolls back
locally and the steps that already committed are undone by compensating
transactions in reverse order: C(k-1), ..., C1. Later steps never run.

Two ways to coordinate the same saga, both through a broker:

* **orchestration**: an orchestrator publishes each command to the service's
  command topic and hears each reply on the service's reply topic (two topics per
  service); it triggers every compensation.
* **choreography**: no coordinator. The initiator and the services form a ring:
  each publishes its outcome to its own event topic (one topic per service); the
  next service subscribes to it (to do its step) and the previous one too (to
  hear of a failure and compensate). Compensation events flow back through the topics.

A message is one publish to a topic, consumed by the one party that acts on it.
With e steps executed (the failing one included) and c compensations,
orchestration sends 2e + 2c (a command and a reply for each step and each
compensation); choreography 1 + e + c (the initiator's start, then one outcome
per step and per compensation). :func:`message_count` is that closed form, and
``len(run_saga(...).messages)`` equals it for every mode and failure point.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from widgets import _check
from widgets._sim import Message

MODES = ("orchestration", "choreography")
STEPS = ("airline", "hotel", "payment")
ORCHESTRATOR = "orchestrator"
INITIATOR = "initiator"
BROKER = "broker"
#: Topic kinds: a service's events (choreography), commands to it and its replies (orchestration).
TOPIC_KINDS = ("events", "commands", "replies")
#: Kinds of message that belong to the failure and compensation path.
BACKWARD = frozenset({"failed", "compensate", "compensated"})
#: State of a step after a message it sent, by the message's kind.
_STATE_AFTER = {"done": "committed", "failed": "failed", "compensated": "compensated"}


def topic(service: str, kind: str = "events") -> str:
    """The broker topic of ``service`` of this kind: its events, the commands to it, or its replies.

    >>> topic("hotel"), topic("hotel", "commands")
    ('hotel.events', 'hotel.commands')
    """
    _check.choice("kind", kind, TOPIC_KINDS)
    return f"{service}.{kind}"


def is_topic(name: str) -> bool:
    """Whether ``name`` is a topic's name (it ends in one of the topic kinds).

    >>> is_topic("hotel.replies"), is_topic("hotel")
    (True, False)
    """
    return name.rpartition(".")[2] in TOPIC_KINDS and "." in name


def topics(steps: Any = STEPS, mode: str = "orchestration") -> dict[str, tuple[str, tuple[str, ...]]]:
    """The broker's topics for a saga: topic -> (its publisher, its subscribers).

    Orchestration: two per service (commands from the orchestrator, replies to it).
    Choreography: one per party of the ring initiator -> step 1 -> ... -> step n -> initiator,
    read by the next party (to go on) and by the previous step (to hear of a failure).

    >>> topics(("a", "b"), "orchestration")["a.commands"], topics(("a", "b"), "choreography")["a.events"]
    (('orchestrator', ('a',)), ('a', ('b', 'initiator')))
    """
    steps = _check_steps(steps)
    _check.choice("mode", mode, MODES)
    if mode == "orchestration":
        return {
            name: pair
            for step in steps
            for name, pair in ((topic(step, "commands"), (ORCHESTRATOR, (step,))),
                               (topic(step, "replies"), (step, (ORCHESTRATOR,))))
        }
    ring = (INITIATOR, *steps)
    return {
        topic(party): (party, (ring[(j + 1) % len(ring)],) + ((ring[j - 1],) if j else ()))
        for j, party in enumerate(ring)
    }


@dataclass(frozen=True)
class SagaRun:
    """What happened when a saga ran: outcome, compensations and every message in order.

    >>> run_saga(fail_at="hotel").states
    {'airline': 'compensated', 'hotel': 'failed', 'payment': 'not run'}
    """

    steps: tuple[str, ...]
    fail_at: str | None
    mode: str
    outcome: str  # "completed" or "compensated"
    completed: tuple[str, ...]  # steps that committed (before the failure, if any)
    compensations: tuple[str, ...]  # steps compensated, in the order they ran
    messages: tuple[Message, ...]  # each one publish to a topic (``via``) and its one consumer

    @property
    def executed(self) -> tuple[str, ...]:
        """Steps that ran: the committed ones and the failing one."""
        return self.completed + ((self.fail_at,) if self.fail_at else ())

    @property
    def states(self) -> dict[str, str]:
        """Final state of each step: compensated, committed, failed (rolled back locally) or not run."""
        states = dict.fromkeys(self.steps, "not run")
        states.update(dict.fromkeys(self.completed, "committed"))
        states.update(dict.fromkeys(self.compensations, "compensated"))
        if self.fail_at:
            states[self.fail_at] = "failed"
        return states

    def states_after(self, sent: int) -> dict[str, str]:
        """Each step's state once the first ``sent`` messages are delivered: pending, committed,
        failed or compensated (a step's state changes when it reports its outcome).

        >>> run = run_saga(fail_at="hotel")
        >>> run.states_after(2), run.states_after(4)["hotel"]
        ({'airline': 'committed', 'hotel': 'pending', 'payment': 'pending'}, 'failed')
        """
        sent = _check.integer("sent", sent, 0, len(self.messages))
        states = dict.fromkeys(self.steps, "pending")
        for m in self.messages[:sent]:
            if m.sender in states and m.kind in _STATE_AFTER:
                states[m.sender] = _STATE_AFTER[m.kind]
        return states


def _check_steps(steps: Any) -> tuple[str, ...]:
    reserved = f"not {ORCHESTRATOR!r}, {INITIATOR!r}, {BROKER!r} or ending in .{'/.'.join(TOPIC_KINDS)}"
    if isinstance(steps, str) or not isinstance(steps, (tuple, list)) or not steps:
        raise ValueError(f"steps must be a non-empty sequence of unique names, got {steps!r}")
    for name in steps:
        if not isinstance(name, str) or not name.strip() or name != name.strip():
            raise ValueError(f"steps must hold non-empty names without outer spaces, got {name!r}")
        if name in (ORCHESTRATOR, INITIATOR, BROKER) or is_topic(name):
            raise ValueError(f"steps must hold service names {reserved}, got {name!r}")
    if len(set(steps)) != len(steps):
        raise ValueError(f"steps must be unique names, got {tuple(steps)!r}")
    return tuple(steps)


def _orchestrated(executed: tuple[str, ...], ok: bool, compensations: tuple[str, ...]) -> list[Message]:
    """A command and a reply per executed step, then per compensation, each through the service's topics."""

    def exchange(step: str, command: str, reply: str) -> list[Message]:
        return [Message(ORCHESTRATOR, step, command, topic(step, "commands")),
                Message(step, ORCHESTRATOR, reply, topic(step, "replies"))]

    messages = []
    for step in executed:
        messages += exchange(step, "request", "done" if ok or step != executed[-1] else "failed")
    for step in compensations:
        messages += exchange(step, "compensate", "compensated")
    return messages


def _choreographed(
    steps: tuple[str, ...], executed: tuple[str, ...], ok: bool, compensations: tuple[str, ...]
) -> list[Message]:
    """Events around the ring initiator -> step 1 -> ... -> step n -> initiator, failures flowing back."""
    ring = (INITIATOR, *steps)

    def event(producer: str, kind: str, forward: bool) -> Message:
        i = ring.index(producer)
        return Message(producer, ring[(i + 1) % len(ring)] if forward else ring[i - 1], kind, topic(producer))

    messages = [event(INITIATOR, "start", True)]
    for step in executed:
        failed = not ok and step == executed[-1]
        messages.append(event(step, "failed" if failed else "done", not failed))
    messages += [event(step, "compensated", False) for step in compensations]
    return messages


def run_saga(steps: Any = STEPS, fail_at: str | None = None, mode: str = "orchestration") -> SagaRun:
    """Run a saga whose step ``fail_at`` fails (None: none fails), coordinated by ``mode``.

    >>> run = run_saga(fail_at="payment")
    >>> run.outcome, run.compensations, len(run.messages)
    ('compensated', ('hotel', 'airline'), 10)
    >>> run.messages[0]
    Message(sender='orchestrator', receiver='airline', kind='request', via='airline.commands')
    >>> run_saga(fail_at="payment", mode="choreography").messages[3]
    Message(sender='payment', receiver='hotel', kind='failed', via='payment.events')
    """
    steps = _check_steps(steps)
    _check.choice("fail_at", fail_at, (None, *steps))
    _check.choice("mode", mode, MODES)
    cut = steps.index(fail_at) if fail_at else len(steps)
    completed = steps[:cut]
    executed = steps[: cut + 1]
    ok = fail_at is None
    compensations = () if ok else tuple(reversed(completed))
    if mode == "orchestration":
        messages = _orchestrated(executed, ok, compensations)
    else:
        messages = _choreographed(steps, executed, ok, compensations)
    return SagaRun(
        steps=steps,
        fail_at=fail_at,
        mode=mode,
        outcome="completed" if ok else "compensated",
        completed=completed,
        compensations=compensations,
        messages=tuple(messages),
    )


def message_count(mode: str, executed: int, compensations: int) -> int:
    """The closed form: orchestration 2e + 2c, choreography 1 + e + c.

    >>> message_count("orchestration", 3, 2), message_count("choreography", 3, 2)
    (10, 6)
    """
    _check.choice("mode", mode, MODES)
    e = _check.integer("executed", executed, 1)
    c = _check.integer("compensations", compensations, 0, e - 1)
    return 2 * e + 2 * c if mode == "orchestration" else 1 + e + c


def message_formula(mode: str, executed: int, compensations: int) -> str:
    """The closed form written out with its total.

    >>> message_formula("orchestration", 3, 2), message_formula("choreography", 3, 2)
    ('10 = 2·3 + 2·2', '6 = 1 + 3 + 2')
    """
    total = message_count(mode, executed, compensations)
    terms = f"2·{executed} + 2·{compensations}" if mode == "orchestration" else f"1 + {executed} + {compensations}"
    return f"{total} = {terms}"


@dataclass(frozen=True)
class SagaCost:
    """What a run cost: messages, sequential hops, latency, who compensates, what must stay up.

    >>> cost(run_saga(fail_at="payment"), step_ms=100).formula
    '10 = 2·3 + 2·2'
    """

    mode: str
    outcome: str
    steps_run: int  # e: steps executed, the failing one included
    steps_compensated: int  # c: compensations
    messages: int  # messages sent, each one publish through the broker
    formula: str  # the closed form of ``messages``, e.g. "6 = 1 + 3 + 2"
    hops: int  # messages one after another on the critical path
    latency_ms: float  # hops x per-hop latency: the time spent in messages
    work_ms: float  # the steps' local transactions and the compensations, one after another
    end_to_end_ms: float  # latency plus work
    compensation_triggers: tuple[tuple[str, str], ...]  # (compensated step, who triggered it)
    single_points_of_failure: tuple[str, ...]  # parties every message passes through


def _milliseconds(name: str, value: Any) -> float:
    return _check.number(name, value, 0, 1e6, what="a number of milliseconds")


def _step_times(run: SagaRun, step_ms: Any) -> dict[str, float]:
    if isinstance(step_ms, dict):
        if set(step_ms) != set(run.steps):
            raise ValueError(f"step_ms must give a time for each of {run.steps}, got {step_ms!r}")
        return {step: _milliseconds(f"step_ms[{step!r}]", t) for step, t in step_ms.items()}
    return dict.fromkeys(run.steps, _milliseconds("step_ms", step_ms))


def cost(run: SagaRun, hop_latency_ms: float = 10.0, step_ms: Any = 0.0) -> SagaCost:
    """Messages, hops and time of a run, who triggered each compensation, and its single points of failure.

    A hop is one message from its producer, through its topic on the broker, to its
    consumer. Each message here is caused by the one before it, so the hops on the
    critical path are all the messages. ``step_ms`` is how long each step's local
    transaction takes (one number, or one per step by name); a compensation is
    taken to last as long as its step. Every message passes through the broker, so
    it is on every path in both modes; in orchestration the orchestrator is too.

    >>> c = cost(run_saga(fail_at="hotel"), hop_latency_ms=5, step_ms=100)
    >>> c.messages, c.latency_ms, c.end_to_end_ms, c.compensation_triggers, c.single_points_of_failure
    (6, 30.0, 330.0, (('airline', 'orchestrator'),), ('broker', 'orchestrator'))
    """
    hop = _milliseconds("hop_latency_ms", hop_latency_ms)
    times = _step_times(run, step_ms)
    work = sum(times[step] for step in run.executed + run.compensations)
    # A compensation is triggered by the message just delivered to the step that runs it.
    triggers = [(m.sender, previous.sender) for previous, m in zip(run.messages, run.messages[1:])
                if m.kind == "compensated"]
    # Coordination every message depends on: a step's own service only fails its own step, and the
    # initiator only starts the saga and hears how it ended.
    paths = [{m.sender, m.receiver} | ({BROKER} if m.via else set()) for m in run.messages]
    spof = sorted(set.intersection(*paths) - {*run.steps, INITIATOR})
    e, c = len(run.executed), len(run.compensations)
    return SagaCost(
        mode=run.mode,
        outcome=run.outcome,
        steps_run=e,
        steps_compensated=c,
        messages=len(run.messages),
        formula=message_formula(run.mode, e, c),
        hops=len(run.messages),
        latency_ms=len(run.messages) * hop,
        work_ms=work,
        end_to_end_ms=len(run.messages) * hop + work,
        compensation_triggers=tuple(triggers),
        single_points_of_failure=tuple(spof),
    )


def compare(
    steps: Any = STEPS, fail_at: str | None = None, hop_latency_ms: float = 10.0, step_ms: Any = 0.0
) -> dict[str, SagaCost]:
    """The same saga run both ways: mode -> cost.

    >>> {mode: c.messages for mode, c in compare().items()}
    {'choreography': 4, 'orchestration': 6}
    """
    return {mode: cost(run_saga(steps, fail_at, mode), hop_latency_ms, step_ms) for mode in sorted(MODES)}


# --------------------------------------------------------------------------
# The comparison's text inputs, read and checked
# --------------------------------------------------------------------------


def parse_steps(text: str) -> tuple[str, ...]:
    """Step names from comma-separated text, checked as :func:`run_saga` checks them.

    >>> parse_steps("airline, hotel")
    ('airline', 'hotel')
    """
    if not isinstance(text, str):
        raise ValueError(f"steps must be comma-separated names, got {text!r}")
    return _check_steps(tuple(name.strip() for name in text.split(",")))


def parse_failure(text: str, steps: tuple[str, ...]) -> str | None:
    """The failing step named in ``text``, or None for "none" or nothing.

    >>> parse_failure("none", STEPS), parse_failure(" hotel", STEPS)
    (None, 'hotel')
    """
    name = text.strip() if isinstance(text, str) else text
    fail_at = None if isinstance(name, str) and name.lower() in ("", "none") else name
    return _check.choice("fail_at", fail_at, (None, *steps))


def parse_step_times(text: str, steps: tuple[str, ...]) -> dict[str, float]:
    """One time per step, in milliseconds, from comma-separated text ("300, 300, 200").

    >>> parse_step_times("300, 300, 200", STEPS)
    {'airline': 300.0, 'hotel': 300.0, 'payment': 200.0}
    >>> parse_step_times("300", STEPS)
    Traceback (most recent call last):
    ValueError: step_ms must be 3 numbers of milliseconds in [0, 1e6], one per step, got '300'
    """
    try:
        times = [float(t) for t in text.split(",")]
    except (ValueError, AttributeError):
        times = []
    if len(times) != len(steps) or not all(0 <= t <= 1e6 for t in times):
        raise ValueError(
            f"step_ms must be {len(steps)} numbers of milliseconds in [0, 1e6], one per step, got {text!r}"
        )
    return dict(zip(steps, times))
