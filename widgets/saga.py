"""Sagas: one long transaction as a chain of local transactions, each with a compensation.

A saga (Garcia-Molina & Salem, "Sagas", SIGMOD 1987) runs steps T1, T2, ..., Tn,
each a local transaction in its own service. If step Tk fails, it rolls back
locally and the steps that already committed are undone by compensating
transactions in reverse order: C(k-1), ..., C1. Later steps never run.

Two ways to coordinate the same saga:

* **orchestration**: an orchestrator sends each request and receives each result;
  every message goes through it, and it triggers every compensation.
* **choreography**: no coordinator. The initiator and the services form a ring:
  each publishes its outcome to its own topic on a broker; the next service
  subscribes to it (to do its step) and the previous one too (to hear of a
  failure and compensate). Compensation events flow back through the topics.

Message counts, with e steps executed (the failing one included) and c compensations:
orchestration sends 2e + 2c (a request and a result for each step and each
compensation); choreography publishes 1 + e + c events (the initiator's start,
then one outcome per step and per compensation).

The *model* comes first (:func:`run_saga`, :func:`cost`, :func:`compare`); the
*views* (:func:`saga_flow`, :func:`saga_comparison`) after.
"""

from __future__ import annotations

import functools
import html
import math
from dataclasses import dataclass
from typing import Any, NamedTuple

import ipywidgets as w
import networkx as nx
from matplotlib.lines import Line2D

from . import _check, _view

# --------------------------------------------------------------------------
# Model
# --------------------------------------------------------------------------

MODES = ("orchestration", "choreography")
STEPS = ("airline", "hotel", "payment")
ORCHESTRATOR = "orchestrator"
INITIATOR = "initiator"
TOPIC_SUFFIX = ".events"
BROKER = "broker"
#: Kinds of message that belong to the failure and compensation path.
BACKWARD = frozenset({"failed", "compensate", "compensated"})


class Message(NamedTuple):
    """One transfer: ``sender`` -> ``receiver``. In choreography one side is a topic."""

    sender: str
    receiver: str
    kind: str  # start, request, done, failed, compensate, compensated


def topic(service: str) -> str:
    """The topic a service publishes its events to (choreography)."""
    return f"{service}{TOPIC_SUFFIX}"


def is_topic(name: str) -> bool:
    return name.endswith(TOPIC_SUFFIX)


@dataclass(frozen=True)
class SagaRun:
    """What happened when a saga ran: outcome, compensations and every message in order."""

    steps: tuple[str, ...]
    fail_at: str | None
    mode: str
    outcome: str  # "completed" or "compensated"
    completed: tuple[str, ...]  # steps that committed (before the failure, if any)
    compensations: tuple[str, ...]  # steps compensated, in the order they ran
    messages: tuple[Message, ...]

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


def _check_steps(steps: Any) -> tuple[str, ...]:
    reserved = f"not {ORCHESTRATOR!r}, {INITIATOR!r} or ending in {TOPIC_SUFFIX!r}"
    if isinstance(steps, str) or not isinstance(steps, (tuple, list)) or not steps:
        raise ValueError(f"steps must be a non-empty sequence of unique names, got {steps!r}")
    for name in steps:
        if not isinstance(name, str) or not name.strip() or name != name.strip():
            raise ValueError(f"steps must hold non-empty names without outer spaces, got {name!r}")
        if name in (ORCHESTRATOR, INITIATOR, BROKER) or is_topic(name):
            raise ValueError(f"steps must hold service names {reserved} or {BROKER!r}, got {name!r}")
    if len(set(steps)) != len(steps):
        raise ValueError(f"steps must be unique names, got {tuple(steps)!r}")
    return tuple(steps)


def _orchestrated(executed: tuple[str, ...], ok: bool, compensations: tuple[str, ...]) -> list[Message]:
    """A request and a result per executed step, then a command and a reply per compensation."""
    messages = []
    for step in executed:
        result = "done" if ok or step != executed[-1] else "failed"
        messages += [Message(ORCHESTRATOR, step, "request"), Message(step, ORCHESTRATOR, result)]
    for step in compensations:
        messages += [Message(ORCHESTRATOR, step, "compensate"), Message(step, ORCHESTRATOR, "compensated")]
    return messages


def _choreographed(
    steps: tuple[str, ...], executed: tuple[str, ...], ok: bool, compensations: tuple[str, ...]
) -> list[Message]:
    """Events around the ring initiator -> step 1 -> ... -> step n -> initiator, failures flowing back."""
    ring = (INITIATOR, *steps)

    def event(producer: str, kind: str, consumer: str) -> list[Message]:
        return [Message(producer, topic(producer), kind), Message(topic(producer), consumer, kind)]

    def after(name: str) -> str:
        return ring[(ring.index(name) + 1) % len(ring)]

    def before(name: str) -> str:
        return ring[ring.index(name) - 1]

    messages = event(INITIATOR, "start", steps[0])
    for step in executed:
        if ok or step != executed[-1]:
            messages += event(step, "done", after(step))
        else:
            messages += event(step, "failed", before(step))
    for step in compensations:
        messages += event(step, "compensated", before(step))
    return messages


def run_saga(steps: Any = STEPS, fail_at: str | None = None, mode: str = "orchestration") -> SagaRun:
    """Run a saga whose step ``fail_at`` fails (None: none fails), coordinated by ``mode``.

    >>> run = run_saga(fail_at="payment")
    >>> run.outcome, run.compensations, len(run.messages)
    ('compensated', ('hotel', 'airline'), 10)
    >>> run.messages[0]
    Message(sender='orchestrator', receiver='airline', kind='request')
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


@dataclass(frozen=True)
class SagaCost:
    """What a run cost: messages, sequential hops, latency, who compensates, what must stay up."""

    mode: str
    outcome: str
    messages: int  # messages sent (in choreography: events published)
    hops: int  # messages one after another on the critical path
    latency_ms: float  # hops x per-hop latency: the time spent in messages
    end_to_end_ms: float  # latency plus the work: each step run and each compensation
    compensation_triggers: tuple[tuple[str, str], ...]  # (compensated step, who triggered it)
    single_points_of_failure: tuple[str, ...]  # parties every message passes through


def _party(name: str) -> str:
    """Who a message end belongs to: a topic is part of the broker."""
    return BROKER if is_topic(name) else name


def _milliseconds(name: str, value: Any) -> float:
    return _check.number(name, value, 0, 1e6, what="a number of milliseconds")


def cost(run: SagaRun, hop_latency_ms: float = 10.0, step_ms: Any = 0.0) -> SagaCost:
    """Messages, hops and time of a run, who triggered each compensation, and its single points of failure.

    A hop is one message from its producer to its consumer (through the broker
    in choreography). Each message here is caused by the one before it, so the
    hops on the critical path are all the messages. ``step_ms`` is how long each
    step's local transaction takes (one number, or one per step by name); a
    compensation is taken to last as long as its step.

    >>> c = cost(run_saga(fail_at="hotel"), hop_latency_ms=5, step_ms=100)
    >>> c.messages, c.latency_ms, c.end_to_end_ms, c.compensation_triggers, c.single_points_of_failure
    (6, 30.0, 330.0, (('airline', 'orchestrator'),), ('orchestrator',))
    """
    hop = _milliseconds("hop_latency_ms", hop_latency_ms)
    if isinstance(step_ms, dict):
        if set(step_ms) != set(run.steps):
            raise ValueError(f"step_ms must give a time for each of {run.steps}, got {step_ms!r}")
        times = {step: _milliseconds(f"step_ms[{step!r}]", t) for step, t in step_ms.items()}
    else:
        times = dict.fromkeys(run.steps, _milliseconds("step_ms", step_ms))
    work = sum(times[step] for step in run.executed + run.compensations)
    sent = [m for m in run.messages if not is_topic(m.sender)]  # a delivery is part of its message
    triggers = []
    for previous, message in zip(run.messages, run.messages[1:]):
        if message.kind == "compensated" and not is_topic(message.sender):
            # Orchestration: the command just before; choreography: the event just delivered.
            cause = previous.sender
            triggers.append((message.sender, cause[: -len(TOPIC_SUFFIX)] if is_topic(cause) else cause))
    # Coordination every message depends on (a step's own service only fails its own step).
    parties = {_party(p) for m in run.messages for p in m[:2]} - set(run.steps)
    ends = [{_party(m.sender), _party(m.receiver)} for m in run.messages]
    spof = sorted(p for p in parties if all(p in pair for pair in ends))
    return SagaCost(
        mode=run.mode,
        outcome=run.outcome,
        messages=len(sent),
        hops=len(sent),
        latency_ms=len(sent) * hop,
        end_to_end_ms=len(sent) * hop + work,
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


def message_count(mode: str, executed: int, compensations: int) -> int:
    """The closed form: orchestration 2e + 2c, choreography 1 + e + c.

    >>> message_count("orchestration", 3, 2), message_count("choreography", 3, 2)
    (10, 6)
    """
    _check.choice("mode", mode, MODES)
    return 2 * executed + 2 * compensations if mode == "orchestration" else 1 + executed + compensations


# --------------------------------------------------------------------------
# Views
# --------------------------------------------------------------------------

_FORWARD_STYLE = {"edge_color": _view.PALETTE[7], "style": "solid"}
_BACKWARD_STYLE = {"edge_color": _view.PALETTE[3], "style": "dashed"}
#: Face colour and label of a step's state; the label carries the state without colour.
_STATE_LOOK = {
    "pending": ("#ffffff", ""),
    "committed": (_view.PALETTE[2], "✓ committed"),
    "failed": (_view.PALETTE[3], "✗ failed, rolled back"),
    "compensated": (_view.PALETTE[1], "↺ compensated"),
}


def _scenario(mode: str, fail_at: str | None) -> str:
    return f"{mode.capitalize()}, {'no failure' if fail_at is None else f'{fail_at} fails'}"


def _layout(steps: tuple[str, ...], mode: str) -> nx.DiGraph:
    """The parties, their positions and the channels messages can take."""
    graph = nx.DiGraph()
    if mode == "orchestration":  # a hub: the orchestrator above the services
        graph.add_node(ORCHESTRATOR, pos=(0.0, 0.8), shape="D")
        for i, step in enumerate(steps):
            x = 0.0 if len(steps) == 1 else -2.1 + 4.2 * i / (len(steps) - 1)
            graph.add_node(step, pos=(x, -0.7), shape="o")
            graph.add_edge(ORCHESTRATOR, step)
        return graph
    # A ring, clockwise from the left: each service outside, its topic inside, on the way to the next.
    ring = (INITIATOR, *steps)
    sector = 2 * math.pi / len(ring)
    for j, service in enumerate(ring):
        angle = math.pi - sector * j
        graph.add_node(service, pos=(2.25 * math.cos(angle), 1.0 * math.sin(angle)), shape="o")
        ahead = angle - 0.4 * sector  # toward the next service, which subscribes to it
        graph.add_node(topic(service), pos=(1.3 * math.cos(ahead), 0.55 * math.sin(ahead)), shape="s")
    for j, service in enumerate(ring):
        graph.add_edge(service, topic(service))  # publish
        graph.add_edge(topic(service), ring[(j + 1) % len(ring)])  # the next service subscribes
        if j:
            graph.add_edge(topic(service), ring[j - 1])  # and the previous one, for failures
    return graph


def _groups(run: SagaRun) -> list[tuple[Message, ...]]:
    """One animation frame per group: a message, or an event's publish and delivery together."""
    size = 1 if run.mode == "orchestration" else 2
    return [run.messages[i : i + size] for i in range(0, len(run.messages), size)]


def _states_after(run: SagaRun, groups: list[tuple[Message, ...]]) -> dict[str, str]:
    states = dict.fromkeys(run.steps, "pending")
    for group in groups:
        sender = group[0].sender
        if sender in states:
            states[sender] = {"done": "committed"}.get(group[0].kind, group[0].kind)
    return states


def _describe(group: tuple[Message, ...]) -> tuple[str, str]:
    """A short title and a sentence for the alt text."""
    first, last = group[0], group[-1]
    if len(group) == 2:
        return (
            f"{first.sender} → {first.receiver} → {last.receiver}: {first.kind}",
            f"{first.sender} publishes '{first.kind}' to topic {first.receiver}, "
            f"and {last.receiver}, subscribed to it, receives it",
        )
    sentence = f"{first.sender} sends '{first.kind}' to {first.receiver}"
    return f"{first.sender} → {first.receiver}: {first.kind}", sentence


def _label(name: str, state: str, y: float) -> tuple[str, dict]:
    """A node's name (and its step's state) as text above or below it, away from the centre."""
    if is_topic(name):
        return f"{name.removesuffix(TOPIC_SUFFIX)} topic", {"xytext": (0, -7), "va": "top", "fontsize": 6.5}
    text = "\n".join(filter(None, (name, state)))
    gap = 19 if name == ORCHESTRATOR else 13  # points from the centre: clear of the marker
    return text, {"xytext": (0, gap), "va": "bottom"} if y > 0.3 else {"xytext": (0, -gap), "va": "top"}


def _draw_frame(ax, graph: nx.DiGraph, run: SagaRun, shown: list[tuple[Message, ...]], title: str) -> None:
    ax.clear()
    ax.set_axis_off()
    ax.set(xlim=(-2.9, 2.9), ylim=(-1.75, 1.65))
    pos = nx.get_node_attributes(graph, "pos")
    nx.draw_networkx_edges(graph, pos, ax=ax, edge_color="#c8c8c8", width=0.8, arrows=False)
    states = _states_after(run, shown)
    for shape, size in (("o", 560), ("s", 200), ("D", 560)):
        nodes = [n for n, s in graph.nodes(data="shape") if s == shape]
        colours = [_STATE_LOOK[states.get(n, "pending")][0] for n in nodes]
        nx.draw_networkx_nodes(graph, pos, nodelist=nodes, node_shape=shape, node_color=colours,
                               node_size=size, edgecolors="#000000", ax=ax)
    for name, (x, y) in pos.items():
        text, where = _label(name, _STATE_LOOK[states.get(name, "pending")][1], y)
        ax.annotate(text, (x, y), textcoords="offset points", ha="center", **{"fontsize": 7.5, **where})
    if run.fail_at and states[run.fail_at] == "failed":
        ax.plot(*pos[run.fail_at], marker="x", markersize=10, markeredgewidth=2.5, color="#000000")
    if shown:
        group = shown[-1]
        look = _BACKWARD_STYLE if group[0].kind in BACKWARD else _FORWARD_STYLE
        nx.draw_networkx_edges(graph, pos, edgelist=[m[:2] for m in group], ax=ax, width=2.4, arrows=True,
                               arrowstyle="-|>", arrowsize=14, node_size=400,
                               connectionstyle="arc3,rad=0.15", **look)
    ax.text(0.5, 0.99, title, transform=ax.transAxes, ha="center", va="top", fontsize=9)
    handles = [Line2D([], [], color=c["edge_color"], linestyle=c["style"], linewidth=2)
               for c in (_FORWARD_STYLE, _BACKWARD_STYLE)]
    ax.legend(handles, ["request / event", "failure / compensation"], loc="lower center", ncol=2,
              fontsize=7, frameon=False, borderaxespad=0.1)


def flow_frames(
    steps: Any = STEPS, fail_at: str | None = None, mode: str = "orchestration"
) -> tuple[str, ...]:
    """The saga's animation: one SVG frame before it starts, then one per message (or event)."""
    run = run_saga(steps, fail_at, mode)  # validates, before the cache needs hashable arguments
    return _frames(run.steps, fail_at, mode)


@functools.lru_cache(maxsize=None)  # frames are immutable strings: draw each animation once
def _frames(steps: tuple[str, ...], fail_at: str | None, mode: str) -> tuple[str, ...]:
    run = run_saga(steps, fail_at, mode)
    graph = _layout(run.steps, mode)
    fig = _view.new_figure(6, 3.2)
    fig.set_layout_engine(None)
    ax = fig.add_axes((0, 0, 1, 1))
    groups = _groups(run)
    frames = []
    for i in range(len(groups) + 1):
        shown = groups[:i]
        title, sentence = _describe(shown[-1]) if shown else ("before the saga starts", "nothing sent yet")
        end = f" — saga {run.outcome}" if i == len(groups) else ""
        states = _states_after(run, shown)
        _draw_frame(ax, graph, run, shown, f"{i}/{len(groups)}: {title}{end}")
        alt = (
            f"{_scenario(mode, fail_at)}. Frame {i} of {len(groups)}: {sentence}{end}. "
            + "; ".join(f"{step} {state}" for step, state in states.items())
            + "."
        )
        frames.append(_view.figure_html(fig, alt))
    return tuple(frames)


def saga_flow() -> w.VBox:
    """The booking saga animated, for each mode and failure point (plays with no kernel).

    >>> len(saga_flow().stack.children)
    8
    """
    choices = {
        _scenario(mode, fail_at): _view.player(list(flow_frames(STEPS, fail_at, mode)), 1200, "Message")
        for mode in MODES
        for fail_at in (None, *STEPS)
    }
    return _view.views("Mode and failure", choices)


def _parse_steps(text: str) -> tuple[str, ...]:
    return tuple(name.strip() for name in text.split(","))


def _parse_failure(text: str) -> str | None:
    name = text.strip()
    return None if name.lower() in ("", "none") else name


def _parse_times(text: str, steps: tuple[str, ...]) -> dict[str, float]:
    """One time per step, in milliseconds ("300, 300, 200")."""
    try:
        times = [float(t) for t in text.split(",")]
    except ValueError:
        times = []
    if len(times) != len(steps) or not all(0 <= t <= 1e6 for t in times):
        raise ValueError(
            f"Step times must be {len(steps)} numbers of milliseconds in [0, 1e6], one per step, got {text!r}"
        )
    return dict(zip(steps, times))


def _who_compensates(c: SagaCost) -> str:
    if not c.compensation_triggers:
        return "nobody (nothing to undo)"
    return "; ".join(f"{step} by {who}" for step, who in c.compensation_triggers)


def comparison_table(
    steps: Any = STEPS, fail_at: str | None = None, hop_latency_ms: float = 10.0, step_ms: Any = 0.0
) -> str:
    """Choreography and orchestration side by side, as an HTML table."""
    costs = compare(steps, fail_at, hop_latency_ms, step_ms)
    run = run_saga(steps, fail_at)
    e, c = len(run.executed), len(run.compensations)
    work = costs["orchestration"].end_to_end_ms - costs["orchestration"].latency_ms
    rows = {
        "Outcome": lambda k: k.outcome,
        "Steps run / compensated": lambda k: f"{e} / {c}",
        "Messages": lambda k: f"{k.messages} = " + (
            f"2·{e} + 2·{c}" if k.mode == "orchestration" else f"1 + {e} + {c}"
        ),
        "Sequential hops": lambda k: str(k.hops),
        f"Time in messages, {hop_latency_ms:.3g} ms a hop": lambda k: f"{k.latency_ms:.4g} ms",
        "End to end, with the steps' work": lambda k: f"{k.end_to_end_ms:.4g} ms = "
        f"{k.latency_ms:.4g} + {work:.4g}",
        "Compensations triggered by": _who_compensates,
        "Every message goes through": lambda k: ", ".join(k.single_points_of_failure),
    }
    modes = sorted(MODES)
    head = "".join(f"<th scope='col' style='text-align:left'>{m.capitalize()}</th>" for m in modes)
    body = "".join(
        f"<tr><th scope='row' style='text-align:left;padding-right:1em'>{html.escape(label)}</th>"
        + "".join(f"<td style='padding-right:1em'>{html.escape(cell(costs[m]))}</td>" for m in modes)
        + "</tr>"
        for label, cell in rows.items()
    )
    caption = (
        f"Saga {' → '.join(run.steps)}, {'no failure' if fail_at is None else f'{fail_at} fails'}. "
        "A hop is one message from producer to consumer; each waits for the one before, "
        "and the steps run one after another in both modes."
    )
    return (
        f"<table class='widget-table'><caption style='text-align:left'>{html.escape(caption)}</caption>"
        f"<tr><th></th>{head}</tr>{body}</table>"
    )


def saga_comparison() -> _view.Interactive:
    """Choreography against orchestration for the same saga: messages, latency, who compensates.

    >>> "1 + 3 + 2" in saga_comparison().stack.children[3].value
    True
    """
    controls = {
        "steps": _view.control("Text", "Steps (comma-separated)", value=", ".join(STEPS)),
        "times": _view.control("Text", "Step times (ms)", value="300, 300, 200"),
        "fail": _view.control("Text", "Failing step (or none)", value="none"),
        "latency": _view.control("FloatLogSlider", "Latency a hop (ms)", value=10, base=10, min=-1, max=3,
                                 readout_format=".3g"),
    }

    def render(v: _view.Values) -> str:
        steps = _check_steps(_parse_steps(v["steps"]))
        times = _parse_times(v["times"], steps)
        return comparison_table(steps, _parse_failure(v["fail"]), v["latency"], times)

    failures = {"No failure": "none"} | {f"{step.capitalize()} fails": step for step in STEPS}
    booking = {"steps": ", ".join(STEPS), "times": "300, 300, 200"}
    presets = {name: {**booking, "fail": fail} for name, fail in failures.items()}
    return _view.Interactive(render, controls, presets, principal="Failure")
