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


def _url_shortener_phases() -> Diagram:
    """The URL shortener drawn in four passes (chapter 7's first worked interview)."""
    users = ("users", 0, 1, "Users", "client")
    one = ([users, ("svc", 2, 1, "Shortener", "service")], [("users", "svc", "create, redirect")])
    two = ([users, ("app", 1.5, 1, "API servers\n(stateless)", "service"), ("db", 3, 1, "Links\nstore", "store")],
           [("users", "app", ""), ("app", "db", "")])
    parts = [
        users, ("cdn", 1, 1.8, "CDN / edge", "infra"), ("lb", 1, 0.6, "Load\nbalancer", "infra"),
        ("read", 2.2, 1.8, "Redirect\nservice", "service"), ("write", 2.2, 0.6, "Create\nservice", "service"),
        ("cache", 3.4, 1.8, "Cache\n(hot keys)", "store"), ("db", 3.4, 0.6, "Links store\n(sharded by key)", "store"),
        ("clicks", 2.2, 2.7, "Click log", "topic"),
    ]
    wires = [("users", "cdn", "GET /k"), ("users", "lb", "POST"), ("cdn", "read", "miss"), ("lb", "write", ""),
             ("read", "cache", ""), ("cache", "db", "miss"), ("write", "db", ""), ("read", "clicks", "")]
    risks = parts + [("hot", 3.4, 2.7, "A viral link:\none hot key", "risk"),
                     ("dup", 2.2, -0.4, "Key collision:\nretry the insert", "risk")]
    return Diagram(
        [("1. Users and one box", *one), ("2. Stateless API over a store", *two),
         ("3. Reads and writes apart, cache, clicks", parts, wires),
         ("4. What breaks first", risks, wires + [("hot", "cache", ""), ("dup", "write", "")])],
        alt=(
            "Four panels. 1: users create and follow links through one box. 2: stateless API servers over a "
            "links store. 3: redirects come through a CDN to a redirect service that reads a cache in front of "
            "the store, sharded by key; creates go through a load balancer to a create service that inserts into "
            "the store; each redirect is logged for click counts. 4: the same design with its risks marked: one "
            "viral link making a hot key in the cache, and key collisions retried on insert."
        ),
        height=2.8,
    )


def _news_feed_phases() -> Diagram:
    """The news feed drawn in four passes (chapter 7's second worked interview)."""
    users = ("users", 0, 1, "Users", "client")
    one = ([users, ("svc", 2, 1, "Feed\nsystem", "service")], [("users", "svc", "post, read feed")])
    two = ([users, ("app", 1.5, 1, "Post and feed\nservices", "service"), ("db", 3, 1, "Posts and\nfollows", "store")],
           [("users", "app", ""), ("app", "db", "")])
    parts = [
        users, ("post", 1.1, 1.8, "Post\nservice", "service"), ("feed", 1.1, 0.3, "Feed\nservice", "service"),
        ("q", 2.3, 1.8, "New-post\nqueue", "topic"), ("fan", 3.5, 1.8, "Fan-out\nworkers", "service"),
        ("tl", 3.5, 0.3, "Timeline\ncache", "store"), ("posts", 2.3, 1.0, "Posts DB", "store"),
    ]
    wires = [("users", "post", "POST"), ("users", "feed", "GET"), ("post", "q", ""), ("q", "fan", ""),
             ("post", "posts", ""), ("fan", "tl", "push"), ("feed", "tl", "own feed"), ("feed", "posts", "")]
    risks = parts + [("celeb", 3.6, 2.7, "A celebrity post:\nmillions of writes", "risk"),
                     ("lag", 2.0, 2.7, "Queue backlog:\nlate feeds", "risk")]
    return Diagram(
        [("1. Users and one box", *one), ("2. Services over storage", *two),
         ("3. Fan-out on write, celebrities pulled", parts, wires),
         ("4. What breaks first", risks, wires + [("celeb", "fan", ""), ("lag", "q", "")])],
        alt=(
            "Four panels. 1: users post and read feeds through one box. 2: post and feed services over a store "
            "of posts and follows. 3: a new post goes to a queue; fan-out workers push it into followers' "
            "timelines in a cache; the feed service reads the reader's own timeline and pulls celebrities' posts "
            "from the posts database. 4: the risks marked: a celebrity post meaning millions of writes, and a "
            "queue backlog delaying feeds."
        ),
        height=2.8,
    )


def _chat_phases() -> Diagram:
    """The chat service drawn in four passes (chapter 7's third worked interview)."""
    users = ("users", 0, 1, "Phones", "client")
    one = ([users, ("svc", 2, 1, "Chat\nsystem", "service")], [("users", "svc", "send, receive")])
    two = ([users, ("gw", 1.5, 1, "Connection\ngateways", "service"), ("db", 3, 1, "Message\nstore", "store")],
           [("users", "gw", "WebSocket"), ("gw", "db", "")])
    parts = [
        users, ("gw", 1.1, 1, "Connection\ngateways", "infra"), ("chat", 2.3, 1.8, "Chat\nservice", "service"),
        ("pres", 2.3, 0.2, "Presence and\nroutes (who is\non which gateway)", "store"),
        ("msgs", 3.5, 1.8, "Messages\n(sharded by\nconversation)", "store"),
        ("push", 3.5, 0.2, "Push\nnotifications", "service"),
    ]
    wires = [("users", "gw", ""), ("gw", "chat", ""), ("chat", "msgs", ""), ("chat", "pres", "route"),
             ("chat", "push", "offline")]
    risks = parts + [("storm", 1.1, 2.6, "Gateway restart:\nreconnect storm", "risk"),
                     ("group", 3.5, 2.9, "Large group:\nfan-out per message", "risk")]
    return Diagram(
        [("1. Phones and one box", *one), ("2. Held connections over a store", *two),
         ("3. Gateways, routing, storage, push", parts, wires),
         ("4. What breaks first", risks, wires + [("storm", "gw", ""), ("group", "msgs", "")])],
        alt=(
            "Four panels. 1: phones send and receive through one box. 2: phones hold WebSocket connections to "
            "gateways that write to a message store. 3: gateways pass messages to a chat service that appends "
            "them to a message store sharded by conversation, looks up which gateway holds each recipient in a "
            "presence and routing store, and sends push notifications to offline users. 4: the risks marked: "
            "a reconnect storm when a gateway restarts, and fan-out per message in large groups."
        ),
        height=2.8,
    )


#: Every diagram of the course, by name (its view factory has the same name).
DIAGRAMS: dict[str, Diagram] = {
    "design_phases": _design_phases(),
    "load_balancer_layers": _load_balancer_layers(),
    "lambda_vs_kappa": _lambda_vs_kappa(),
    "event_driven_flow": _event_driven_flow(),
    "gateway_vs_mesh": _gateway_vs_mesh(),
    "url_shortener_phases": _url_shortener_phases(),
    "news_feed_phases": _news_feed_phases(),
    "chat_phases": _chat_phases(),
}
