"""GraphQL against REST for one screen: a profile page showing the user's name and avatar, the titles of
their last 3 posts, and their follower count.

One seeded in-memory data set serves both:

* REST endpoints that return whole resources, in pages of :data:`PAGE_SIZE` (GitHub's REST API's
  default ``per_page``): ``GET /users/{id}``, ``GET /users/{id}/posts`` (newest first) and
  ``GET /users/{id}/followers`` (with a ``total_count``, or, in the other design, without one, so a
  client counts by following every ``next`` link);
* a GraphQL schema executed by ``graphql-core`` (the reference implementation's Python port), where the
  client asks for exactly the screen's fields in one request.

Bytes are real: the compact JSON (``separators=(",", ":")``) of each body. Over-fetched bytes are those
of the fields and list items sent but not shown: a response's JSON minus the JSON of the same response
keeping only what the screen shows. Request and response headers are not counted. The time to load the
screen is ``round trips × RTT + bytes × 8 / bandwidth`` (no connection set-up, no server time, no
TCP slow start).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import random
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from graphql import (
    GraphQLArgument, GraphQLBoolean, GraphQLField, GraphQLID, GraphQLInt, GraphQLList, GraphQLNonNull,
    GraphQLObjectType, GraphQLSchema, GraphQLString, graphql_sync,
)

from widgets import _check

from .encoders import gzipped

#: Items per page of a list endpoint: GitHub's REST API's default ``per_page``.
PAGE_SIZE = 30
#: Posts the profile user has written.
POSTS = 40
#: The profile page's user.
PROFILE_ID = 1
#: The screen's query: its fields and nothing else.
PROFILE_QUERY = "query Profile($id: ID!) { user(id: $id) { name avatar_url posts(first: 3) { title } follower_count } }"
#: Followers a model takes at most.
MAX_FOLLOWERS = 100_000
API, CDN = "https://api.example.com", "https://cdn.example.com"

_WORDS = ("cache", "queue", "shard", "replica", "latency", "throughput", "quorum", "leader", "partition", "index",
          "stream", "batch", "token", "bucket", "gateway", "schema", "payload", "retry", "timeout", "backoff",
          "consensus", "clock", "vector", "snapshot", "log", "compaction", "bloom", "filter", "sketch", "ring",
          "hash", "load", "balancer", "edge", "origin", "region", "failover", "outbox", "saga", "idempotent")
_PLACES = ("London", "Lagos", "Lisbon", "Montréal", "Mumbai", "Osaka", "Santiago", "Sydney", "Toronto", "Zürich")


def _json(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _words(rng: random.Random, low: int, high: int) -> str:
    return " ".join(rng.choice(_WORDS) for _ in range(rng.randint(low, high)))


def _stamp(rng: random.Random) -> str:
    return dt.datetime.fromtimestamp(1_577_836_800 + rng.randrange(190_000_000), tz=dt.timezone.utc
                                     ).strftime("%Y-%m-%dT%H:%M:%SZ")


def _user(uid: int, rng: random.Random) -> dict[str, Any]:
    handle = f"{rng.choice(_WORDS)}_{rng.choice(_WORDS)}{uid}"
    return {"id": uid, "username": handle, "name": f"{rng.choice(_WORDS).title()} {rng.choice(_WORDS).title()}",
            "email": f"{handle}@example.com", "avatar_url": f"{CDN}/avatars/{uid}.png",
            "bio": _words(rng, 8, 22).capitalize() + ".", "location": rng.choice(_PLACES),
            "website": f"https://{handle}.example.org", "verified": rng.random() < 0.1, "created_at": _stamp(rng),
            "updated_at": _stamp(rng), "url": f"{API}/users/{uid}", "posts_url": f"{API}/users/{uid}/posts",
            "followers_url": f"{API}/users/{uid}/followers"}


def _post(pid: int, author: int, rng: random.Random) -> dict[str, Any]:
    return {"id": pid, "author_id": author, "title": _words(rng, 4, 9).capitalize(),
            "body": _words(rng, 40, 120).capitalize() + ".", "tags": rng.sample(_WORDS, rng.randrange(4)),
            "created_at": _stamp(rng), "updated_at": _stamp(rng), "like_count": int(rng.paretovariate(1.1)) - 1,
            "comment_count": rng.randrange(30), "url": f"{API}/posts/{pid}"}


@dataclass(frozen=True)
class SocialData:
    """The in-memory data set behind both APIs: whole resources, as the REST endpoints return them."""

    users: dict[int, dict[str, Any]]
    posts: dict[int, tuple[dict[str, Any], ...]]  # author id -> posts, newest first
    followers: dict[int, tuple[int, ...]]  # user id -> follower ids


def social_data(followers: int = 300, *, seed: int = 0) -> SocialData:
    """The profile user (id 1) with :data:`POSTS` posts and ``followers`` followers, each a whole user;
    the profile and its posts are the same whatever the number of followers.

    >>> d = social_data(5)
    >>> len(d.users), len(d.posts[1]), d.followers[1]
    (6, 40, (2, 3, 4, 5, 6))
    """
    return _social_data(_check.integer("followers", followers, 0, MAX_FOLLOWERS), _check.seed(seed))


@lru_cache(maxsize=16)
def _social_data(followers: int, seed: int) -> SocialData:
    rng = random.Random(seed)  # the profile and its posts first: the same whatever the follower count
    users = {PROFILE_ID: _user(PROFILE_ID, rng)}
    posts = tuple(_post(pid, PROFILE_ID, rng) for pid in range(POSTS, 0, -1))
    users.update((uid, _user(uid, rng)) for uid in range(2, followers + 2))
    return SocialData(users, {PROFILE_ID: posts}, {PROFILE_ID: tuple(range(2, followers + 2))})


# ---------------------------------------------------------------- REST: whole resources, paged lists

def _page(items: list, path: str, page: int) -> tuple[list, str | None]:
    chunk = items[(page - 1) * PAGE_SIZE: page * PAGE_SIZE]
    return chunk, (f"{path}?page={page + 1}" if page * PAGE_SIZE < len(items) else None)


def rest_get(data: SocialData, path: str, *, follower_total: bool = True) -> dict[str, Any]:
    """The body a REST endpoint returns for ``path``: ``/users/{id}``, ``/users/{id}/posts[?page=k]`` or
    ``/users/{id}/followers[?page=k]`` (with ``total_count`` when ``follower_total``).

    >>> d = social_data(40)
    >>> body = rest_get(d, "/users/1/followers")
    >>> body["total_count"], len(body["items"]), body["next"]
    (40, 30, '/users/1/followers?page=2')
    >>> rest_get(d, "/users/1/followers?page=2", follower_total=False)["next"] is None
    True
    """
    route, _, query = path.partition("?")
    page = int(query.removeprefix("page=")) if query else 1
    parts = route.strip("/").split("/")
    if len(parts) not in (2, 3) or parts[0] != "users" or not parts[1].isdigit() or int(parts[1]) not in data.users:
        raise ValueError(f"path must be /users/{{id}}[/posts|/followers] for a known id, got {path!r}")
    uid = int(parts[1])
    if len(parts) == 2:
        return data.users[uid]
    if parts[2] == "posts":
        items, following = _page(list(data.posts.get(uid, ())), route, page)
        return {"items": items, "next": following}
    if parts[2] == "followers":
        items, following = _page([data.users[f] for f in data.followers.get(uid, ())], route, page)
        total = {"total_count": len(data.followers.get(uid, ()))} if follower_total else {}
        return {**total, "items": items, "next": following}
    raise ValueError(f"path must be /users/{{id}}[/posts|/followers] for a known id, got {path!r}")


def prune(value: Any, shown: Any) -> Any:
    """``value`` keeping only what ``shown`` names: a set of keys, or a dict of key -> what to keep of its
    value; for a list, ``(how many items, what to keep of each)``; ``True`` keeps all.

    >>> prune({"a": 1, "b": [{"c": 2, "d": 3}] * 5, "e": 4}, {"a": True, "b": (2, {"c"})})
    {'a': 1, 'b': [{'c': 2}, {'c': 2}]}
    """
    if shown is True:
        return value
    if isinstance(shown, tuple):
        count, each = shown
        return [prune(item, each) for item in value[:count]]
    if isinstance(shown, (set, frozenset)):
        shown = dict.fromkeys(shown, True)
    return {key: prune(value[key], inner) for key, inner in shown.items() if key in value}


@dataclass(frozen=True)
class Exchange:
    """One HTTP request and its response: which round trip it went in, and its bodies' bytes."""

    method: str
    path: str
    round: int
    request_bytes: int
    response_bytes: int
    shown_bytes: int  # of the response, keeping only the fields the screen shows
    gzip_bytes: int  # the response gzip'd (level 6, zlib's default)

    @property
    def over_fetched_bytes(self) -> int:
        return self.response_bytes - self.shown_bytes


@dataclass(frozen=True)
class ScreenFetch:
    """What one API costs to fill the screen, and what the screen shows."""

    api: str
    exchanges: tuple[Exchange, ...]
    screen: dict[str, Any]  # name, avatar_url, post_titles, follower_count

    @property
    def requests(self) -> int:
        return len(self.exchanges)

    @property
    def round_trips(self) -> int:
        return max(e.round for e in self.exchanges)

    @property
    def request_bytes(self) -> int:
        return sum(e.request_bytes for e in self.exchanges)

    @property
    def response_bytes(self) -> int:
        return sum(e.response_bytes for e in self.exchanges)

    @property
    def total_bytes(self) -> int:
        return self.request_bytes + self.response_bytes

    @property
    def gzip_bytes(self) -> int:
        return sum(e.gzip_bytes for e in self.exchanges)

    @property
    def over_fetched_bytes(self) -> int:
        return sum(e.over_fetched_bytes for e in self.exchanges)

    def time_ms(self, rtt_ms: float, bandwidth_mbps: float) -> float:
        """The screen's load time at that RTT and bandwidth (see :func:`screen_time_ms`)."""
        return screen_time_ms(self.round_trips, self.total_bytes, rtt_ms, bandwidth_mbps)


def _exchange(method: str, path: str, round_: int, request: bytes, body: Any, shown: Any) -> Exchange:
    raw = _json(body)
    return Exchange(method, path, round_, len(request), len(raw), len(_json(prune(body, shown))), len(gzipped(raw)))


_USER_SHOWN, _POSTS_SHOWN = {"name", "avatar_url"}, {"items": (3, {"title"})}


def rest_screen(data: SocialData, *, follower_total: bool = True, parallel: bool = True) -> ScreenFetch:
    """Fill the profile screen from the REST endpoints, as a client would: the user, the posts' first page,
    and the follower count (``total_count``, or, without it, the length of every followers page, following
    ``next``). ``parallel``: the three first requests share one round trip (HTTP/2, or three connections);
    otherwise they go one after another. Pages after the first always wait for the one before.

    >>> f = rest_screen(social_data(100), follower_total=False)
    >>> f.requests, f.round_trips, f.screen["follower_count"]
    (6, 4, 100)
    """
    user = rest_get(data, f"/users/{PROFILE_ID}")
    posts = rest_get(data, f"/users/{PROFILE_ID}/posts")
    exchanges = [_exchange("GET", f"/users/{PROFILE_ID}", 1, b"", user, _USER_SHOWN),
                 _exchange("GET", f"/users/{PROFILE_ID}/posts", 1 if parallel else 2, b"", posts, _POSTS_SHOWN)]
    path, count, round_ = f"/users/{PROFILE_ID}/followers", 0, 1 if parallel else 3
    while path is not None:
        body = rest_get(data, path, follower_total=follower_total)
        exchanges.append(_exchange("GET", path, round_, b"", body, {"total_count"} if follower_total else set()))
        count += len(body["items"])
        path, round_ = (None if follower_total else body["next"]), round_ + 1
    screen = {"name": user["name"], "avatar_url": user["avatar_url"],
              "post_titles": [p["title"] for p in posts["items"][:3]],
              "follower_count": body["total_count"] if follower_total else count}
    return ScreenFetch("REST", tuple(exchanges), screen)


def rest_round_trips(followers: int, *, follower_total: bool = True, parallel: bool = True) -> tuple[int, int]:
    """(requests, round trips) of :func:`rest_screen` in closed form: 2 + 1 requests with a total,
    2 + max(1, ⌈followers / PAGE_SIZE⌉) without; round trips 1 + (pages − 1) in parallel, else the requests.

    >>> rest_round_trips(100, follower_total=False), rest_round_trips(100, parallel=False)
    ((6, 4), (3, 3))
    """
    followers = _check.integer("followers", followers, 0, MAX_FOLLOWERS)
    pages = 1 if follower_total else max(1, math.ceil(followers / PAGE_SIZE))
    return 2 + pages, pages if parallel else 2 + pages


# ---------------------------------------------------------------- GraphQL: the screen's fields, one request

def _posts(user: dict, info: Any, first: int) -> list[dict]:
    return list(info.context.posts.get(user["id"], ()))[:first]


def _followers(user: dict, info: Any, first: int) -> list[dict]:
    return [info.context.users[f] for f in info.context.followers.get(user["id"], ())[:first]]


def _follower_count(user: dict, info: Any) -> int:
    return len(info.context.followers.get(user["id"], ()))


def _user_by_id(_: Any, info: Any, id: str) -> dict | None:  # noqa: A002 - GraphQL's argument name
    return info.context.users.get(int(id))


@lru_cache(maxsize=1)
def profile_schema() -> GraphQLSchema:
    """The GraphQL schema over the same data set (field names as the REST resources spell them); the data
    set is the execution's context.

    >>> sorted(profile_schema().query_type.fields)
    ['user']
    """
    def strings(*names: str) -> dict[str, GraphQLField]:
        return {name: GraphQLField(GraphQLString) for name in names}

    first = {"first": GraphQLArgument(GraphQLInt, default_value=PAGE_SIZE)}
    post = GraphQLObjectType("Post", lambda: {
        "id": GraphQLField(GraphQLNonNull(GraphQLID)),
        "author": GraphQLField(user, resolve=lambda p, info: info.context.users[p["author_id"]]),
        **strings("title", "body", "created_at", "updated_at", "url"),
        "tags": GraphQLField(GraphQLList(GraphQLString)),
        "like_count": GraphQLField(GraphQLInt), "comment_count": GraphQLField(GraphQLInt)})
    user = GraphQLObjectType("User", lambda: {
        "id": GraphQLField(GraphQLNonNull(GraphQLID)),
        **strings("username", "name", "email", "avatar_url", "bio", "location", "website", "created_at", "updated_at"),
        "verified": GraphQLField(GraphQLBoolean),
        "posts": GraphQLField(GraphQLList(post), args=first, resolve=_posts),
        "followers": GraphQLField(GraphQLList(user), args=first, resolve=_followers),
        "follower_count": GraphQLField(GraphQLInt, resolve=_follower_count)})
    by_id = {"id": GraphQLArgument(GraphQLNonNull(GraphQLID))}
    return GraphQLSchema(GraphQLObjectType("Query", {"user": GraphQLField(user, args=by_id, resolve=_user_by_id)}))


def graphql_execute(data: SocialData, query: str = PROFILE_QUERY, variables: dict | None = None) -> dict[str, Any]:
    """The response body graphql-core gives for ``query`` over the data set (``{"data": ...}``); a query
    with errors raises ValueError with graphql-core's messages.

    >>> graphql_execute(social_data(2), "{ user(id: 1) { follower_count } }")
    {'data': {'user': {'follower_count': 2}}}
    """
    result = graphql_sync(profile_schema(), query, context_value=data,
                          variable_values={"id": str(PROFILE_ID)} if variables is None else variables)
    if result.errors:
        raise ValueError("query must be valid GraphQL for the profile schema, got errors: "
                         + "; ".join(e.message for e in result.errors))
    return {"data": result.data}


def graphql_screen(data: SocialData) -> ScreenFetch:
    """Fill the profile screen with one GraphQL request (a POST of the query and its variables).

    >>> f = graphql_screen(social_data(100))
    >>> f.requests, f.round_trips, f.over_fetched_bytes, f.screen["follower_count"]
    (1, 1, 0, 100)
    """
    variables = {"id": str(PROFILE_ID)}
    request = _json({"query": PROFILE_QUERY, "operationName": "Profile", "variables": variables})
    body = graphql_execute(data, PROFILE_QUERY, variables)
    user = body["data"]["user"]
    screen = {"name": user["name"], "avatar_url": user["avatar_url"],
              "post_titles": [p["title"] for p in user["posts"]], "follower_count": user["follower_count"]}
    shown = {"data": {"user": {"name": True, "avatar_url": True, "posts": (3, {"title"}), "follower_count": True}}}
    return ScreenFetch("GraphQL", (_exchange("POST", "/graphql", 1, request, body, shown),), screen)


def screen_time_ms(round_trips: int, total_bytes: int, rtt_ms: float, bandwidth_mbps: float) -> float:
    """Load time: round trips × RTT + bytes × 8 / bandwidth (decimal: 1 Mbit/s = 1,000,000 bit/s), in ms.

    >>> screen_time_ms(3, 25_000, 50, 10)
    170.0
    """
    round_trips = _check.integer("round_trips", round_trips, 0, 10**9)
    total_bytes = _check.integer("total_bytes", total_bytes, 0, 10**15)
    rtt_ms = _check.milliseconds("rtt_ms", rtt_ms)
    bandwidth_mbps = _check.number("bandwidth_mbps", bandwidth_mbps, 0, 1e6, open_low=True)
    return round_trips * rtt_ms + total_bytes * 8 / (bandwidth_mbps * 1e3)


@dataclass(frozen=True)
class ProfileFetch:
    """The profile screen through both APIs, on the same data set."""

    rest: ScreenFetch
    graphql: ScreenFetch
    followers: int
    follower_total: bool
    parallel: bool


def fetch_profile(followers: int = 300, *, follower_total: bool = True, parallel: bool = True,
                  seed: int = 0) -> ProfileFetch:
    """The profile screen by REST and by GraphQL, same data set; both show the same values.

    >>> p = fetch_profile(300)
    >>> p.rest.screen == p.graphql.screen, p.rest.round_trips, p.graphql.round_trips
    (True, 1, 1)
    """
    followers = _check.integer("followers", followers, 0, MAX_FOLLOWERS)
    follower_total = _check.choice("follower_total", follower_total, (True, False))
    parallel = _check.choice("parallel", parallel, (True, False))
    return _fetch(followers, follower_total, parallel, _check.seed(seed))


@lru_cache(maxsize=64)
def _fetch(followers: int, follower_total: bool, parallel: bool, seed: int) -> ProfileFetch:
    data = social_data(followers, seed=seed)
    return ProfileFetch(rest_screen(data, follower_total=follower_total, parallel=parallel), graphql_screen(data),
                        followers, follower_total, parallel)
