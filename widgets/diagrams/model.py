"""Architecture diagrams as data: boxes with a position, a label and a kind, and labelled arrows.

:func:`graph` turns a panel's boxes and arrows into a ``networkx.DiGraph``; :data:`DIAGRAMS` holds
every diagram of the course (its panels and its alt text). ``views.py`` draws them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import networkx as nx

from widgets import _check

#: The kinds of box; each is drawn in its own style (edge colour and line style, not colour alone).
KINDS = ("client", "service", "store", "infra", "topic", "risk")

Box = tuple[str, float, float, str, str]  # name, x, y, label, kind
Arrow = tuple[str, str, str]  # from, to, label
Panel = tuple[str, list[Box], list[Arrow]]  # title, boxes, arrows


@dataclass(frozen=True)
class Diagram:
    """Panels drawn side by side (``columns`` a row, ``height`` inches a row) and the words for a screen reader."""

    panels: list[Panel]
    alt: str
    columns: int = 2
    height: float = 2.6


def graph(boxes: Iterable[Box], arrows: Iterable[Arrow]) -> nx.DiGraph:
    """The diagram as a directed graph; every arrow must join two boxes.

    >>> g = graph([("a", 0, 0, "A", "client"), ("b", 1, 0, "B", "service")], [("a", "b", "HTTP")])
    >>> list(g.edges(data="label"))
    [('a', 'b', 'HTTP')]
    """
    g = nx.DiGraph()
    for name, x, y, label, kind in boxes:
        _check.choice("kind", kind, KINDS)
        g.add_node(name, pos=(x, y), label=label, kind=kind)
    for source, target, label in arrows:
        if source not in g or target not in g:
            raise ValueError(f"arrow {source!r} -> {target!r} must join two boxes")
        g.add_edge(source, target, label=label)
    return g


def _design_phases() -> Diagram:
    """The four passes of drawing a design, from one box to a reviewed architecture."""
    users = ("users", 0, 1, "Users", "client")
    phase1 = ([users, ("system", 2, 1, "The system", "service")], [("users", "system", "requests")])
    phase2 = (
        [users, ("api", 1.5, 1, "Request\nprocessing", "service"), ("db", 3, 1, "Storage", "store")],
        [("users", "api", ""), ("api", "db", "")],
    )
    services = [
        users, ("gw", 1, 1, "API\ngateway", "infra"),
        ("search", 2.2, 1.8, "Search", "service"), ("book", 2.2, 1, "Booking", "service"),
        ("pay", 2.2, 0.2, "Payment", "service"),
        ("index", 3.4, 1.8, "Search\nindex", "store"), ("db", 3.4, 1, "Bookings\nDB", "store"),
        ("obs", 3.4, 0.2, "Logs, metrics,\nalerts", "infra"),
    ]
    wiring = [("users", "gw", ""), ("gw", "search", ""), ("gw", "book", ""), ("gw", "pay", ""),
              ("search", "index", ""), ("book", "db", ""), ("pay", "obs", "")]
    reviewed = services + [("spof", 1, 0.1, "Single point\nof failure?", "risk"),
                           ("lag", 3.4, 2.6, "Index lag:\nstale results?", "risk")]
    phase4 = (reviewed, wiring + [("spof", "gw", ""), ("lag", "index", "")])
    return Diagram(
        [("1. Users and one box", *phase1), ("2. Split processing from storage", *phase2),
         ("3. Components, observability, security", services, wiring),
         ("4. Summary and failure analysis", *phase4)],
        alt=(
            "Four panels. 1: users send requests to one box, the system. 2: the box splits into request "
            "processing and storage. 3: users reach an API gateway that routes to search, booking and payment "
            "services with their own stores, plus logs, metrics and alerts. 4: the same design annotated with "
            "risks: the gateway as a possible single point of failure and a lagging search index."
        ),
        height=2.8,
    )


def _load_balancer_layers() -> Diagram:
    """Layer 4 against layer 7 load balancing."""
    l4 = (
        [("c", 0, 1, "Client", "client"), ("lb", 1.5, 1, "L4 balancer\n(IP, port)", "infra"),
         ("s1", 3, 1.7, "Server 1", "service"), ("s2", 3, 1, "Server 2", "service"),
         ("s3", 3, 0.3, "Server 3", "service")],
        [("c", "lb", "TCP"), ("lb", "s1", ""), ("lb", "s2", "conn."), ("lb", "s3", "")],
    )
    l7 = (
        [("c", 0, 1, "Client", "client"),
         ("lb", 1.5, 1, "L7 balancer\nTLS ends, auth,\nreads the URL", "infra"),
         ("api", 3, 1.7, "API servers", "service"), ("static", 3, 1, "Static files", "service"),
         ("v2", 3, 0.3, "Canary v2", "service")],
        [("c", "lb", "HTTPS"), ("lb", "api", "/api"), ("lb", "static", "/img"), ("lb", "v2", "cookie")],
    )
    return Diagram(
        [("Layer 4: routes connections", *l4), ("Layer 7: routes requests", *l7)],
        alt=(
            "Left: a layer-4 load balancer sees only addresses and ports and spreads TCP connections across "
            "three identical servers. Right: a layer-7 load balancer terminates TLS, authenticates, reads each "
            "HTTP request and routes /api to API servers, /img to static file servers and a flagged cookie to "
            "a canary version."
        ),
    )


def _lambda_vs_kappa() -> Diagram:
    """Lambda (batch and speed layers side by side) against Kappa (one replayable stream)."""
    lam = (
        [("ev", 0, 1, "Events", "client"), ("batch", 1.6, 1.7, "Batch layer\n(HDFS + Spark)", "service"),
         ("speed", 1.6, 0.3, "Speed layer\n(stream, approx.)", "service"),
         ("serve", 3.2, 1, "Serving\nviews", "store")],
        [("ev", "batch", "all data"), ("ev", "speed", "new data"), ("batch", "serve", "exact, late"),
         ("speed", "serve", "fast, rough")],
    )
    kap = (
        [("ev", 0, 1, "Events", "client"), ("log", 1.1, 1, "Kafka log\n(retained)", "topic"),
         ("stream", 2.2, 1, "Stream job\n(Flink)", "service"), ("serve", 3.3, 1, "Serving\nviews", "store"),
         ("replay", 2.2, 0.2, "Reprocess:\nreplay from 0", "infra")],
        [("ev", "log", ""), ("log", "stream", ""), ("stream", "serve", ""), ("log", "replay", "")],
    )
    return Diagram(
        [("Lambda: two pipelines, one answer", *lam), ("Kappa: one stream, replayed", *kap)],
        alt=(
            "Left, Lambda: events go both to a batch layer (HDFS and Spark) that is exact but late and to a "
            "speed layer that is fast but approximate; both update the serving views. Right, Kappa: events go "
            "to a retained Kafka log read by one stream job that updates the serving views; reprocessing "
            "replays the log from the start."
        ),
    )


def _event_driven_flow() -> Diagram:
    """An order placed once, announced as an event, handled by independent consumers."""
    flow = (
        [("user", 0, 1, "Customer", "client"), ("orders", 1.2, 1, "Order\nservice", "service"),
         ("odb", 1.2, 0.1, "Orders DB", "store"), ("topic", 2.5, 1, "order-placed\ntopic", "topic"),
         ("stock", 3.8, 1.8, "Inventory", "service"), ("mail", 3.8, 1, "E-mail", "service"),
         ("stats", 3.8, 0.2, "Analytics", "service")],
        [("user", "orders", "POST"), ("orders", "odb", "commit"), ("orders", "topic", "publish"),
         ("topic", "stock", ""), ("topic", "mail", ""), ("topic", "stats", "")],
    )
    return Diagram(
        [("Event-driven: announce what happened, let others react", *flow)],
        columns=1, height=3.0,
        alt=(
            "A customer posts an order to the order service, which commits it to its own database and "
            "publishes an order-placed event to a topic. Inventory, e-mail and analytics services each "
            "consume the event independently, at their own pace."
        ),
    )


def _gateway_vs_mesh() -> Diagram:
    """Shared concerns in one API gateway against a sidecar proxy beside every service."""
    gateway = (
        [("c", 0, 1, "Clients", "client"),
         ("gw", 1.5, 1, "API gateway\nauth, TLS, rate\nlimits, logging", "infra"),
         ("a", 3, 1.7, "Service A", "service"), ("b", 3, 1, "Service B", "service"),
         ("d", 3, 0.3, "Service C", "service")],
        [("c", "gw", ""), ("gw", "a", ""), ("gw", "b", ""), ("gw", "d", "")],
    )
    mesh = (
        [("a", 0, 1.6, "Service A", "service"), ("pa", 1.2, 1.6, "Sidecar", "infra"),
         ("pb", 2.4, 1.6, "Sidecar", "infra"), ("b", 3.6, 1.6, "Service B", "service"),
         ("cp", 1.8, 0.3, "Control plane\n(config, certs)", "infra")],
        [("a", "pa", "local"), ("pa", "pb", "mTLS"), ("pb", "b", "local"), ("cp", "pa", ""), ("cp", "pb", "")],
    )
    return Diagram(
        [("API gateway: one shared front door", *gateway), ("Service mesh: a proxy beside each service", *mesh)],
        alt=(
            "Left: clients call one API gateway that handles authentication, TLS, rate limits and logging "
            "before routing to services A, B and C. Right: service A talks to service B through two sidecar "
            "proxies over mutual TLS; a control plane pushes configuration and certificates to every sidecar."
        ),
    )


#: Every diagram of the course, by name (its view factory has the same name).
DIAGRAMS: dict[str, Diagram] = {
    "design_phases": _design_phases(),
    "load_balancer_layers": _load_balancer_layers(),
    "lambda_vs_kappa": _lambda_vs_kappa(),
    "event_driven_flow": _event_driven_flow(),
    "gateway_vs_mesh": _gateway_vs_mesh(),
}
