"""Architecture diagrams drawn with matplotlib: each factory returns one diagram of
:data:`~widgets.diagrams.model.DIAGRAMS` as an inline SVG with alt text, for a notebook or the static site."""

from __future__ import annotations

import networkx as nx
from IPython.display import HTML
from matplotlib.axes import Axes

from widgets import _view

from .model import DIAGRAMS, Diagram, graph

#: Box styles by kind: face colour, edge colour, line style (style differs too, not only colour).
STYLES = {
    "client": ("#FFFFFF", _view.PALETTE[7], "solid"),
    "service": ("#D6EAF8", _view.PALETTE[0], "solid"),
    "store": ("#FCE9C8", _view.PALETTE[1], "solid"),
    "infra": ("#D5F5E3", _view.PALETTE[2], "solid"),
    "topic": ("#F5E1EE", _view.PALETTE[4], "dashed"),
    "risk": ("#FBE3D6", _view.PALETTE[3], "dotted"),
}


def draw(ax: Axes, g: nx.DiGraph, title: str) -> None:
    """Draw graph g on ax: boxes, then arrows clipped at the boxes' edges."""
    pos = nx.get_node_attributes(g, "pos")
    boxes = {}
    for name, data in g.nodes(data=True):
        face, edge, style = STYLES[data["kind"]]
        boxes[name] = ax.text(*data["pos"], data["label"], fontsize=8, ha="center", va="center", zorder=3,
                              bbox={"boxstyle": "round,pad=0.4", "fc": face, "ec": edge, "ls": style, "lw": 1.3})
    for source, target, label in g.edges(data="label"):
        ax.annotate(
            "", xy=pos[target], xytext=pos[source],
            arrowprops={"arrowstyle": "-|>", "color": "#444444", "lw": 1.1, "shrinkA": 2, "shrinkB": 2,
                        "patchA": boxes[source].get_bbox_patch(), "patchB": boxes[target].get_bbox_patch()},
        )
        if label:
            (x0, y0), (x1, y1) = pos[source], pos[target]
            ax.text((x0 + x1) / 2, (y0 + y1) / 2, label, fontsize=7, ha="center", va="center", zorder=2,
                    color="#222222", bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none"})
    xs, ys = zip(*pos.values())
    ax.set_xlim(min(xs) - 0.7, max(xs) + 0.7)
    ax.set_ylim(min(ys) - 0.6, max(ys) + 0.6)
    ax.set_title(title, fontsize=9, loc="left")
    ax.axis("off")


def figure(diagram: Diagram) -> HTML:
    """A diagram's panels side by side as one inline SVG with its alt text."""
    rows = -(-len(diagram.panels) // diagram.columns)
    fig = _view.new_figure(9.0, diagram.height * rows)
    for ax, (title, boxes, arrows) in zip(fig.subplots(rows, diagram.columns, squeeze=False).flat, diagram.panels):
        draw(ax, graph(boxes, arrows), title)
    return HTML(_view.figure_html(fig, diagram.alt))


def design_phases() -> HTML:
    """The four passes of drawing a design, from one box to a reviewed architecture."""
    return figure(DIAGRAMS["design_phases"])


def load_balancer_layers() -> HTML:
    """Layer 4 against layer 7 load balancing."""
    return figure(DIAGRAMS["load_balancer_layers"])


def lambda_vs_kappa() -> HTML:
    """Lambda (batch and speed layers side by side) against Kappa (one replayable stream)."""
    return figure(DIAGRAMS["lambda_vs_kappa"])


def event_driven_flow() -> HTML:
    """An order placed once, announced as an event, handled by independent consumers."""
    return figure(DIAGRAMS["event_driven_flow"])


def gateway_vs_mesh() -> HTML:
    """Shared concerns in one API gateway against a sidecar proxy beside every service."""
    return figure(DIAGRAMS["gateway_vs_mesh"])


def url_shortener_phases() -> HTML:
    """The URL shortener drawn in four passes."""
    return figure(DIAGRAMS["url_shortener_phases"])


def news_feed_phases() -> HTML:
    """The news feed drawn in four passes."""
    return figure(DIAGRAMS["news_feed_phases"])


def chat_phases() -> HTML:
    """The chat service drawn in four passes."""
    return figure(DIAGRAMS["chat_phases"])
