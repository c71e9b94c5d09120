"""Sagas drawn: the booking saga animated message by message (:func:`flow`), and both ways of
coordinating it compared on one run (:func:`comparison`). Every number comes from :mod:`.model`."""

from __future__ import annotations

import functools
import math
from typing import Any

import networkx as nx
import pandas as pd
from matplotlib.lines import Line2D

from widgets import _view

from . import model
from .model import BACKWARD, INITIATOR, MODES, ORCHESTRATOR, STEPS, SagaCost, is_topic, topic

# --------------------------------------------------------------------------
# flow: the saga animated, one frame per message
# --------------------------------------------------------------------------

_FORWARD_STYLE = {"edge_color": _view.PALETTE[7], "style": "solid"}
_BACKWARD_STYLE = {"edge_color": _view.PALETTE[3], "style": "dashed"}
#: Face colour and label of a step's state; the label carries the state without colour.
_STATE_LOOK = {
    "pending": ("#ffffff", ""),
    "committed": (_view.PALETTE[2], "✓ committed"),
    "failed": (_view.PALETTE[3], "✗ failed,\nrolled back"),
    "compensated": (_view.PALETTE[1], "↺ compensated"),
}
#: Marker shape and size of each kind of party: services, topics, the orchestrator.
_SHAPES = (("o", 560), ("s", 200), ("D", 560))
#: Behind a topic's name: an arrow passing under it fades, so the name stays readable.
_VEIL = {"facecolor": "#ffffff", "edgecolor": "none", "alpha": 0.75, "pad": 0.5}
#: The figure, in points (the axes' data units are points too): 4.6 in wide with 9 pt text, the
#: smallest, stays legible when a phone shrinks it to its column (9 pt x 340 px / 331 pt = 9.2 px).
_WIDTH, _HEIGHT, _FONT = 4.6 * 72, 4.0 * 72, 9


def scenario(mode: str, fail_at: str | None) -> str:
    """The name of one animation: its mode and failure."""
    return f"{mode.capitalize()}, {'no failure' if fail_at is None else f'{fail_at} fails'}"


def _positions(steps: tuple[str, ...], mode: str) -> dict[str, tuple[float, float]]:
    """Where each party and topic is drawn, in points from the middle of the figure's bottom edge."""
    if mode == "orchestration":  # a hub: the orchestrator above, each service below, its two topics between
        pos = {ORCHESTRATOR: (0.0, 222.0)}
        for i, step in enumerate(steps):
            x = 0.0 if len(steps) == 1 else -85 + 170 * i / (len(steps) - 1)
            pos |= {step: (x, 82.0), topic(step, "commands"): (x - 14, 162.0),
                    topic(step, "replies"): (x + 14, 126.0)}
        return pos
    # A ring, clockwise from the left: each service outside, its topic inside, on the way to the next.
    ring = (INITIATOR, *steps)
    sector = 2 * math.pi / len(ring)
    pos = {}
    for j, service in enumerate(ring):
        angle, ahead = math.pi - sector * j, math.pi - sector * (j + 0.5)  # its topic: on the way to the next
        pos |= {service: (112 * math.cos(angle), 137 + 71 * math.sin(angle)),
                topic(service): (68 * math.cos(ahead), 137 + 44 * math.sin(ahead))}
    return pos


def _layout(steps: tuple[str, ...], mode: str) -> nx.DiGraph:
    """The parties, the topics and the channels messages can take: publisher -> topic -> subscriber."""
    graph = nx.DiGraph()
    for name, xy in _positions(steps, mode).items():
        graph.add_node(name, pos=xy, shape="D" if name == ORCHESTRATOR else "s" if is_topic(name) else "o")
    for name, (publisher, subscribers) in model.topics(steps, mode).items():
        graph.add_edges_from([(publisher, name), *((name, s) for s in subscribers)])
    return graph


def _label(name: str, state: str, y: float) -> tuple[str, dict]:
    """A node's name (and its step's state) as text beside it, away from the centre and the arrows."""
    if is_topic(name):
        service, _, kind = name.rpartition(".")
        if kind == "events":
            return f"{service} topic", {"xytext": (0, -9), "va": "top", "bbox": _VEIL}
        # Outside its pair: commands (the upper square) on the left, replies (the lower) on the right.
        left = kind == "commands"
        return kind, {"xytext": (-10 if left else 10, 0), "va": "center", "ha": "right" if left else "left",
                      "bbox": _VEIL}
    text = "\n".join(filter(None, (name, state)))
    gap = 19 if name == ORCHESTRATOR else 13  # points from the centre: clear of the marker
    return text, {"xytext": (0, gap), "va": "bottom"} if y > _HEIGHT / 2 else {"xytext": (0, -gap), "va": "top"}


class _FlowChart:
    """One run's animation on one reused figure: :meth:`frame` draws the saga after ``sent`` messages."""

    def __init__(self, run: model.SagaRun) -> None:
        self.run, self.graph = run, _layout(run.steps, run.mode)
        self.pos = nx.get_node_attributes(self.graph, "pos")
        self.fig, self.ax = _view.fixed_axes(_WIDTH / 72, _HEIGHT / 72)
        self.ax.set(xlim=(-_WIDTH / 2, _WIDTH / 2), ylim=(0, _HEIGHT))
        handles = [Line2D([], [], color=c["edge_color"], linestyle=c["style"], linewidth=2)
                   for c in (_FORWARD_STYLE, _BACKWARD_STYLE)]
        self.ax.legend(handles, ["request / event", "failure / compensation"], loc="lower center", ncol=2,
                       fontsize=_FONT, frameon=False, borderaxespad=0.1, handlelength=2.2, columnspacing=1.2)

    def _draw(self, states: dict[str, str], message: model.Message | None, title: str) -> None:
        ax, graph, pos = self.ax, self.graph, self.pos
        _view.clear(ax)
        nx.draw_networkx_edges(graph, pos, ax=ax, edge_color="#c8c8c8", width=0.8, arrows=False)
        for shape, size in _SHAPES:
            nodes = [n for n, s in graph.nodes(data="shape") if s == shape]
            colours = [_STATE_LOOK[states.get(n, "pending")][0] for n in nodes]
            nx.draw_networkx_nodes(graph, pos, nodelist=nodes, node_shape=shape, node_color=colours,
                                   node_size=size, edgecolors="#000000", ax=ax)
        for name, (x, y) in pos.items():
            text, where = _label(name, _STATE_LOOK[states.get(name, "pending")][1], y)
            ax.annotate(text, (x, y), textcoords="offset points", **{"ha": "center", "fontsize": _FONT, **where})
        if self.run.fail_at and states[self.run.fail_at] == "failed":
            ax.plot(*pos[self.run.fail_at], marker="x", markersize=10, markeredgewidth=2.5, color="#000000")
        if message:  # producer -> topic -> consumer
            look = _BACKWARD_STYLE if message.kind in BACKWARD else _FORWARD_STYLE
            hops = [(message.sender, message.via), (message.via, message.receiver)]
            nx.draw_networkx_edges(graph, pos, edgelist=hops, ax=ax, width=2.4, arrows=True, arrowstyle="-|>",
                                   arrowsize=14, node_size=400, connectionstyle="arc3,rad=0.15", **look)
        ax.text(0.5, 0.99, title, transform=ax.transAxes, ha="center", va="top", fontsize=_FONT,
                linespacing=1.3)

    def frame(self, sent: int) -> str:
        """The saga once its first ``sent`` messages are delivered, as an SVG with alt text."""
        run, total = self.run, len(self.run.messages)
        message = run.messages[sent - 1] if sent else None
        states = run.states_after(sent)
        end = f" — saga {run.outcome}" if sent == total else ""
        if message:  # two lines, to fit a phone: what is sent, then its way through the broker
            title = f"{sent}/{total}: '{message.kind}'{end}\n{message.sender} → {message.via} → {message.receiver}"
            sentence = (f"{message.sender} publishes '{message.kind}' to topic {message.via}, "
                        f"and {message.receiver}, subscribed to it, receives it")
        else:
            title, sentence = f"0/{total}: before the saga starts", "nothing sent yet"
        self._draw(states, message, title)
        alt = (f"{scenario(run.mode, run.fail_at)}. Frame {sent} of {total}: {sentence}{end}. "
               + "; ".join(f"{step} {state}" for step, state in states.items()) + ".")
        return _view.figure_html(self.fig, alt)


def flow_frames(steps: Any = STEPS, fail_at: str | None = None, mode: str = "orchestration") -> tuple[str, ...]:
    """The saga's animation: one SVG frame before it starts, then one per message."""
    run = model.run_saga(steps, fail_at, mode)  # validates, before the cache needs hashable arguments
    return _frames(run.steps, fail_at, mode)


@functools.lru_cache(maxsize=None)  # frames are immutable strings: draw each animation once
def _frames(steps: tuple[str, ...], fail_at: str | None, mode: str) -> tuple[str, ...]:
    chart = _FlowChart(model.run_saga(steps, fail_at, mode))
    return tuple(chart.frame(sent) for sent in range(len(chart.run.messages) + 1))


def flow() -> _view.Views:
    """The booking saga animated, for each mode and failure point (plays with no kernel).

    >>> len(flow().stack.children)
    8
    """
    choices = {
        scenario(mode, fail_at): _view.player(list(flow_frames(STEPS, fail_at, mode)), 1200, "Message")
        for mode in MODES
        for fail_at in (None, *STEPS)
    }
    return _view.views("Mode and failure", choices)


# --------------------------------------------------------------------------
# comparison: both modes on the same saga
# --------------------------------------------------------------------------

_CONTROLS = {
    "steps": ("Text", "Steps (comma-separated)", {"value": ", ".join(STEPS)}),
    "times": ("Text", "Step times (ms)", {"value": "300, 300, 200"}),
    "fail": ("Text", "Failing step (or none)", {"value": "none"}),
    "latency": ("FloatLogSlider", "Latency a hop (ms)",
                {"value": 10, "base": 10, "min": -1, "max": 3, "readout_format": ".3g"}),
}
_BOOKING = {"steps": ", ".join(STEPS), "times": "300, 300, 200", "latency": 10.0}
PRESETS = {"No failure": {**_BOOKING, "fail": "none"}} | {
    f"{step.capitalize()} fails": {**_BOOKING, "fail": step} for step in STEPS
}


def _who_compensates(c: SagaCost) -> str:
    if not c.compensation_triggers:
        return "nobody (nothing to undo)"
    return "; ".join(f"{step} by {who}" for step, who in c.compensation_triggers)


#: Soft hyphens (U+00AD) let the longest words of the comparison break on a phone, and only there:
#: the table then fits a 360 px column instead of scrolling sideways.
_SHY = "\u00ad"
_MODE_HEADERS = {"choreography": f"Choreo{_SHY}graphy", "orchestration": f"Orches{_SHY}tration"}


def _unbroken(sum_text: str) -> str:
    """A number, its unit and a sum kept on one line (no-break spaces), breakable only after "=".

    >>> _unbroken("840 ms = 40 + 800").replace("\\xa0", "~")  # ~: a no-break space
    '840~ms~= 40~+~800'
    """
    return "= ".join(part.replace(" ", "\u00a0") for part in sum_text.split("= "))


def _rows(hop_latency_ms: float) -> dict[str, Any]:
    """Each row of the comparison: its label, and how a cost shows in it."""
    return {
        "Outcome": lambda k: k.outcome,
        f"Steps run / compen{_SHY}sated": lambda k: _unbroken(f"{k.steps_run} / {k.steps_compensated}"),
        "Messages": lambda k: _unbroken(k.formula),
        "Sequential hops": lambda k: str(k.hops),
        f"Time in messages, {hop_latency_ms:.3g} ms a hop": lambda k: _unbroken(f"{k.latency_ms:.4g} ms"),
        "End to end, with the steps' work":
            lambda k: _unbroken(f"{k.end_to_end_ms:.4g} ms = {k.latency_ms:.4g} + {k.work_ms:.4g}"),
        f"Compen{_SHY}sations triggered by": _who_compensates,
        "Every message goes through": lambda k: ", ".join(k.single_points_of_failure),
    }


def comparison_table(
    steps: Any = STEPS, fail_at: str | None = None, hop_latency_ms: float = 10.0, step_ms: Any = 0.0
) -> str:
    """Choreography and orchestration side by side, as an HTML table."""
    costs = model.compare(steps, fail_at, hop_latency_ms, step_ms)
    rows = _rows(hop_latency_ms)
    frame = pd.DataFrame({_MODE_HEADERS[mode]: [cell(c) for cell in rows.values()] for mode, c in costs.items()},
                         index=list(rows))
    caption = (
        f"Saga {' → '.join(steps)}, {'no failure' if fail_at is None else f'{fail_at} fails'}. "
        "A hop is one message from producer to consumer; each waits for the one before, "
        "and the steps run one after another in both modes."
    )
    return _view.table(frame, caption, index=True)


def render(values: _view.Values) -> str:
    """The comparison for the controls' values."""
    steps = model.parse_steps(values["steps"])
    times = model.parse_step_times(values["times"], steps)
    return comparison_table(steps, model.parse_failure(values["fail"], steps), values["latency"], times)


def comparison() -> _view.Interactive:
    """Choreography against orchestration for the same saga: messages, latency, who compensates.

    >>> "6 = 1 + 3 + 2" in comparison().stack.children[3].value.replace("\\xa0", " ")  # no-break spaces
    True
    """
    return _view.Interactive(render, _view.controls(_CONTROLS), PRESETS, principal="Failure")
