"""Estimation drills: back-of-envelope questions for the mock interviews, answered by the capacity model.

A drill is data: the inputs of one estimate, a prompt that states every input and the conventions it
needs, and a solver that computes the answer with :func:`widgets.capacity.model.estimate` (requests a
day, average and peak per second, storage, hosts) or, where the capacity model has nothing for the
quantity, with a small function here (:func:`hot_set_bytes`, :func:`bandwidth_bits_per_second`,
:func:`units_needed`, :func:`key_length`, :func:`misses_per_second`, :func:`fanout_writes`,
:func:`drain_seconds`). No answer is
typed by hand: the prompt, the answer, the arithmetic shown and the hints for common slips all come
from the same inputs.

Conventions (each prompt states the ones it uses):

* a day has 86,400 s (``capacity.model.SECONDS_PER_DAY``); a year has 365.25 days (the Julian year);
* decimal units: 1 kB = 1,000 bytes, 1 GB = 10⁹ bytes, 1 Mbit/s = 10⁶ bit/s (the SI prefixes);
  a byte is 8 bits (IEC 80000-13);
* the peak factor multiplies the day's average rate;
* whole things (hosts, replicas, shards, characters) are rounded up, as ``estimate`` rounds its hosts.

The drills follow the three interviews of the capstone chapter (a URL shortener, a news feed with
celebrities, a chat and notification service) plus a few general ones; :data:`INTERVIEWS` names them.
:func:`drills` returns them as :class:`Drill`; :func:`quiz_items` in jupyterquiz's numeric format;
:func:`write_quiz` writes that list as JSON, the form ``widgets.quizzes`` stores and shows.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from widgets import _check
from widgets.capacity.model import SECONDS_PER_DAY, estimate, human_bytes, human_count
# The capacity model's round-up, which ignores float noise (100.00000000001 hosts is 100): the drills'
# whole units are rounded exactly as estimate() rounds its hosts.
from widgets.capacity.model import _ceil

#: A year of 365.25 days (the Julian year), as the course's other yearly figures take it.
DAYS_PER_YEAR = 365.25
#: A byte is 8 bits (an octet; IEC 80000-13:2008).
BITS_PER_BYTE = 8
#: The interviews the drills belong to, in the chapter's order; "general" ones belong to none.
INTERVIEWS = ("url_shortener", "news_feed", "chat", "general")
#: Largest count, size or rate the small model functions take (products of two stay finite).
MAX_QUANTITY = 1e18
#: Relative tolerance of an answer that is not a whole number: ±5 % leaves room for rounding
#: intermediate results to two or three figures, and none for a slip of a factor (peak, replicas, bits).
TOLERANCE = 0.05
#: A whole-number answer's range is the answer ± this much, so exactly one whole number is right.
WHOLE_HALF_WIDTH = 0.4


# --------------------------------------------------------------------------
# The quantities the capacity model does not compute
# --------------------------------------------------------------------------


def _quantity(name: str, value: Any, *, positive: bool = False) -> float:
    return _check.number(name, value, 0, MAX_QUANTITY, open_low=positive)


def hot_set_bytes(items: float, bytes_per_item: float, hot_fraction: float = 1.0) -> float:
    """Memory for the hot set: ``hot_fraction`` of ``items``, ``bytes_per_item`` bytes each.

    An upper bound when ``items`` counts requests: repeated requests for one key share an entry.

    >>> hot_set_bytes(1e9, 500, hot_fraction=0.2)  # 20 % of a billion requests, 500 B each
    100000000000.0
    """
    items = _quantity("items", items)
    bytes_per_item = _quantity("bytes_per_item", bytes_per_item)
    hot_fraction = _check.number("hot_fraction", hot_fraction, 0, 1)
    return items * hot_fraction * bytes_per_item


def bandwidth_bits_per_second(requests_per_second: float, bytes_per_request: float) -> float:
    """Bits a second on the wire: ``requests_per_second`` × ``bytes_per_request`` × 8 bits a byte.

    >>> bandwidth_bits_per_second(1_000, 1_500)  # 1,000 responses/s of 1.5 kB: 12 Mbit/s
    12000000.0
    """
    requests_per_second = _quantity("requests_per_second", requests_per_second)
    bytes_per_request = _quantity("bytes_per_request", bytes_per_request)
    return requests_per_second * bytes_per_request * BITS_PER_BYTE


def units_needed(load: float, capacity_per_unit: float, target_utilization: float = 1.0) -> int:
    """Whole units (hosts, shards, replicas) to carry ``load``, none more than ``target_utilization`` busy.

    ``ceil(load / (capacity_per_unit × target_utilization))`` and at least one unit for any load: the
    rule ``estimate`` applies to requests a second, for loads of another kind (connections, bytes).

    >>> units_needed(100e6, 500_000, target_utilization=0.8)  # 100 M connections, 500 k a host
    250
    """
    load = _quantity("load", load)
    capacity_per_unit = _quantity("capacity_per_unit", capacity_per_unit, positive=True)
    target_utilization = _check.number("target_utilization", target_utilization, 0, 1, open_low=True)
    return max(_ceil(load / capacity_per_unit / target_utilization), int(load > 0))


def key_length(keys: float, alphabet_size: int = 62) -> int:
    """Shortest key (at least one character) from an alphabet of ``alphabet_size`` that gives ``keys`` keys.

    The smallest n with ``alphabet_size ** n >= keys``, in exact integer arithmetic (no logarithm to round).

    >>> key_length(365e9), 62 ** 6 < 365e9 <= 62 ** 7  # 365 billion keys need 7 base-62 characters
    (7, True)
    """
    keys = _check.number("keys", keys, 1, MAX_QUANTITY)
    alphabet_size = _check.integer("alphabet_size", alphabet_size, 2, 1_000_000)
    needed, length, distinct = math.ceil(keys), 1, alphabet_size
    while distinct < needed:
        length, distinct = length + 1, distinct * alphabet_size
    return length


def misses_per_second(requests_per_second: float, hit_ratio: float) -> float:
    """Requests a second that miss a cache with ``hit_ratio`` and go on to the origin: rate × (1 − hit ratio).

    >>> misses_per_second(10_000, 0.95)
    500.0
    """
    requests_per_second = _quantity("requests_per_second", requests_per_second)
    hit_ratio = _check.number("hit_ratio", hit_ratio, 0, 1)
    return requests_per_second - requests_per_second * hit_ratio


def fanout_writes(posts_per_second: float, mean_followers: float) -> float:
    """Timeline writes a second under fan-out on write: every post is copied to each follower's timeline.

    The mean follower count is what matters (the expected writes per post are the mean followers).

    >>> fanout_writes(1_000, 200)
    200000.0
    """
    posts_per_second = _quantity("posts_per_second", posts_per_second)
    mean_followers = _quantity("mean_followers", mean_followers)
    return posts_per_second * mean_followers


def drain_seconds(items: float, items_per_second: float) -> float:
    """Seconds to work through ``items`` at ``items_per_second`` (a fan-out, a backlog, a copy).

    >>> drain_seconds(31e6, 100_000)
    310.0
    """
    items = _quantity("items", items)
    items_per_second = _quantity("items_per_second", items_per_second, positive=True)
    return items / items_per_second


# --------------------------------------------------------------------------
# Drills as data
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Pitfall:
    """A common slip: the value it gives and the hint shown to a reader who types it."""

    value: float
    hint: str


@dataclass(frozen=True)
class Drill:
    """One numeric question: its prompt, the model's answer in ``unit``, a relative tolerance, the arithmetic.

    ``label`` says what it estimates in a few words (chapter 7's estimate tables head their rows with it);
    ``inputs`` are the numbers the prompt states; ``answer_text`` is the answer rounded as the
    explanation prints it; ``whole`` drills (hosts, shards, characters) accept one whole number.
    """

    id: str
    interview: str
    label: str
    prompt: str
    answer: float
    unit: str
    tolerance: float
    explanation: str
    decimals: int
    whole: bool
    inputs: Mapping[str, float]
    pitfalls: tuple[Pitfall, ...]

    @property
    def answer_text(self) -> str:
        return f"{self.answer:,.{self.decimals}f}"

    def accepted(self, value: float) -> tuple[float, float]:
        """The range around ``value`` that counts as typing it: ±tolerance, or ±0.4 for a whole number."""
        if self.whole:
            return (value - WHOLE_HALF_WIDTH, value + WHOLE_HALF_WIDTH)
        return (value * (1 - self.tolerance), value * (1 + self.tolerance))


@dataclass(frozen=True)
class _Solution:
    answer: float
    steps: tuple[str, ...]
    pitfalls: tuple[Pitfall, ...] = ()


@dataclass(frozen=True)
class _Spec:
    id: str
    interview: str
    label: str  # what the drill estimates, in a few words (a table's row heading)
    inputs: Mapping[str, float]
    question: str  # a str.format template over the inputs, as _printed prints them
    conventions: tuple[str, ...]
    unit: str
    solve: Callable[[Mapping[str, float]], _Solution]
    decimals: int = 1
    whole: bool = False


def _num(x: float) -> str:
    """A number as the drills print it: thousands with commas, at most two decimals, no trailing zeros."""
    if float(x).is_integer():
        return f"{x:,.0f}"
    if abs(x) >= 1:
        return f"{x:,.2f}".rstrip("0").rstrip(".")
    return f"{x:.3g}"


def _count(x: float) -> str:
    """A count with its short-scale form, e.g. '10,000,000 (10 M)'."""
    short = human_count(x)
    return _num(x) if short == _num(x) else f"{_num(x)} ({short})"


def _size(n: float) -> str:
    """Bytes with their decimal form, e.g. '100,000,000,000 bytes (100 GB)'."""
    return f"{_num(n)} bytes ({human_bytes(n)})"


#: The conventions a prompt states, each where its arithmetic needs it.
_DAY = f"A day has {_num(SECONDS_PER_DAY)} s."
_YEAR = f"A year has {_num(DAYS_PER_YEAR)} days."
_DECIMAL = "Decimal units: 1 kB = 1,000 bytes, 1 GB = 10⁹ bytes, 1 TB = 10¹² bytes, 1 PB = 10¹⁵ bytes."
_BITS = f"A byte is {BITS_PER_BYTE} bits; 1 Mbit/s = 10⁶ bit/s and 1 Gbit/s = 10⁹ bit/s."
_PEAK = "The peak factor multiplies the day's average rate."
_ROUND_UP = "Round up to a whole number."


def _converted(x: float, unit: str, scale: float, scale_text: str, new_unit: str) -> str:
    return f"In {new_unit}: {_num(x)} {unit} ÷ {scale_text} = {_num(x / scale)} {new_unit}."


def _per_day(what: str, users: float, per_user: float, per_day: float) -> str:
    return f"{what} a day = {_num(users)} users × {_num(per_user)} = {_count(per_day)}."


def _peak(e, peak_factor: float, per: str) -> str:
    return (f"Average = {_num(e.requests_per_day)} ÷ {_num(SECONDS_PER_DAY)} s = {_num(e.average_qps)} {per}/s; "
            f"peak = {_num(e.average_qps)} × {_num(peak_factor)} = {_num(e.peak_qps)} {per}/s.")


def _sized_for_peak(e, per_unit: float, target: float, unit: str, verb: str, work: str) -> tuple[str, Pitfall]:
    """The step that divides the peak by what one ``unit`` may carry at the ``target`` utilisation, and the slip
    of running every unit flat out."""
    usable = per_unit * target
    step = (f"A {unit} may {verb} {_num(per_unit)} × {_num(target)} = {_num(usable)} {work}/s; "
            f"{_num(e.peak_qps)} ÷ {_num(usable)} = {_num(e.peak_qps / usable)}, rounded up: {e.hosts} {unit}s.")
    flat_out = Pitfall(float(units_needed(e.peak_qps, per_unit)),
                       f"That runs every {unit} flat out at the peak; keep each at the target utilisation.")
    return step, flat_out


#: What a bandwidth unit is called when the slip reads it as bytes.
_BYTES_NAMED = {"Mbit/s": "megabytes", "Gbit/s": "gigabytes"}


def _bandwidth(e, bytes_each: float, scale: float, scale_text: str, unit: str) -> tuple[float, tuple, Pitfall]:
    """The peak's bandwidth in ``unit`` (``scale`` bit/s), the two steps that compute it, and the slip of
    answering in bytes."""
    bits = bandwidth_bits_per_second(e.peak_qps, bytes_each)
    steps = (f"Bandwidth = {_num(e.peak_qps)} × {_num(bytes_each)} bytes × {BITS_PER_BYTE} bits = "
             f"{_num(bits)} bit/s.",
             _converted(bits, "bit/s", scale, scale_text, unit))
    in_bytes = Pitfall(bits / BITS_PER_BYTE / scale,
                       f"That is {_BYTES_NAMED[unit]} a second; a byte is {BITS_PER_BYTE} bits.")
    return bits / scale, steps, in_bytes


def _forgot_peak(e, what: str) -> Pitfall:
    return Pitfall(e.average_qps, f"That is the day's average {what} rate; the question asks for the peak: "
                                  "multiply by the peak factor.")


# --- The URL shortener -----------------------------------------------------------------------------

_URL = {"daily_active_users": 50_000_000, "links_per_user_per_day": 0.2, "redirects_per_user_per_day": 20,
        "peak_factor": 3, "bytes_per_link": 500, "replication_factor": 3}


def _pick(scenario: Mapping[str, float], *names: str, **more: float) -> dict[str, float]:
    return {**{name: scenario[name] for name in names}, **more}


def _url_new_links(v: Mapping[str, float]) -> _Solution:
    e = estimate(v["daily_active_users"], v["links_per_user_per_day"])
    return _Solution(e.average_qps, (
        _per_day("New links", v["daily_active_users"], v["links_per_user_per_day"], e.requests_per_day),
        f"A second, on average: {_num(e.requests_per_day)} ÷ {_num(SECONDS_PER_DAY)} s = {_num(e.average_qps)}.",
    ), (Pitfall(e.requests_per_hour, "That is links an hour (the day ÷ 24); a second is the day ÷ 86,400."),))


def _url_peak_redirects(v: Mapping[str, float]) -> _Solution:
    e = estimate(v["daily_active_users"], v["redirects_per_user_per_day"], peak_factor=v["peak_factor"])
    return _Solution(e.peak_qps, (
        _per_day("Redirects", v["daily_active_users"], v["redirects_per_user_per_day"], e.requests_per_day),
        _peak(e, v["peak_factor"], "redirects"),
    ), (_forgot_peak(e, "redirect"),))


def _url_storage(v: Mapping[str, float]) -> _Solution:
    days = v["years"] * DAYS_PER_YEAR
    e = estimate(v["daily_active_users"], v["links_per_user_per_day"], write_fraction=1.0,
                 bytes_per_write=v["bytes_per_link"], retention_days=days, replication_factor=v["replication_factor"])
    one_copy = e.storage_bytes_total / v["replication_factor"]
    return _Solution(e.storage_bytes_total / 1e12, (
        _per_day("New links", v["daily_active_users"], v["links_per_user_per_day"], e.writes_per_day),
        f"Bytes a day = {_num(e.writes_per_day)} × {_num(v['bytes_per_link'])} bytes × {_num(v['replication_factor'])} "
        f"replicas = {_size(e.storage_bytes_per_day)}.",
        f"Over {_num(v['years'])} years = {_num(v['years'])} × {_num(DAYS_PER_YEAR)} = {_num(days)} days: "
        f"{_num(e.storage_bytes_per_day)} × {_num(days)} = {_num(e.storage_bytes_total)} bytes.",
        _converted(e.storage_bytes_total, "bytes", 1e12, "10¹²", "TB"),
    ), (Pitfall(one_copy / 1e12, f"That is one copy; {_num(v['replication_factor'])} replicas store "
                                 f"{_num(v['replication_factor'])} times as much."),))


def _superscript(n: int) -> str:
    """An exponent as superscript digits, e.g. 6 -> '⁶' (a caret would show as a caret on the page)."""
    return str(n).translate(str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹"))


def _url_key_length(v: Mapping[str, float]) -> _Solution:
    e = estimate(v["daily_active_users"], v["links_per_user_per_day"])
    days = v["years"] * DAYS_PER_YEAR
    keys = e.requests_per_day * days
    n = key_length(keys, v["alphabet_size"])
    alphabet = v["alphabet_size"]
    return _Solution(float(n), (
        _per_day("New links", v["daily_active_users"], v["links_per_user_per_day"], e.requests_per_day),
        f"Keys in {_num(v['years'])} years = {_num(e.requests_per_day)} × {_num(days)} days = {_count(keys)}.",
        f"{_num(alphabet)}{_superscript(n - 1)} = {_count(alphabet ** (n - 1))} is too few; "
        f"{_num(alphabet)}{_superscript(n)} = {_count(alphabet ** n)} is enough.",
    ))


def _url_cache(v: Mapping[str, float]) -> _Solution:
    e = estimate(v["daily_active_users"], v["redirects_per_user_per_day"])
    hot = hot_set_bytes(e.requests_per_day, v["bytes_per_link"], hot_fraction=v["hot_percent"] / 100)
    everything = hot_set_bytes(e.requests_per_day, v["bytes_per_link"])
    return _Solution(hot / 1e9, (
        _per_day("Redirects", v["daily_active_users"], v["redirects_per_user_per_day"], e.requests_per_day),
        f"Hot set = {_num(e.requests_per_day)} × {_num(v['hot_percent'])} % × {_num(v['bytes_per_link'])} bytes "
        f"= {_num(hot)} bytes.",
        _converted(hot, "bytes", 1e9, "10⁹", "GB"),
    ), (Pitfall(everything / 1e9, f"That caches every redirect of the day; the hot set is "
                                  f"{_num(v['hot_percent'])} % of them."),))


# --- The news feed ---------------------------------------------------------------------------------

_FEED = {"daily_active_users": 200_000_000, "posts_per_user_per_day": 0.5, "peak_factor": 2,
         "mean_followers": 200, "feed_reads_per_user_per_day": 10}


def _feed_posts(v: Mapping[str, float]) -> Any:
    return estimate(v["daily_active_users"], v["posts_per_user_per_day"], peak_factor=v["peak_factor"])


def _feed_peak_posts(v: Mapping[str, float]) -> _Solution:
    e = _feed_posts(v)
    return _Solution(e.peak_qps, (
        _per_day("Posts", v["daily_active_users"], v["posts_per_user_per_day"], e.requests_per_day),
        _peak(e, v["peak_factor"], "posts"),
    ), (_forgot_peak(e, "post"),))


def _feed_fanout(v: Mapping[str, float]) -> _Solution:
    e = _feed_posts(v)
    writes = fanout_writes(e.peak_qps, v["mean_followers"])
    return _Solution(writes, (
        _per_day("Posts", v["daily_active_users"], v["posts_per_user_per_day"], e.requests_per_day),
        _peak(e, v["peak_factor"], "posts"),
        f"Timeline writes = {_num(e.peak_qps)} posts/s × {_num(v['mean_followers'])} followers = {_num(writes)}/s.",
    ), (Pitfall(fanout_writes(e.average_qps, v["mean_followers"]),
                "That is the average; at the peak there are peak-factor times as many posts to fan out."),
        Pitfall(e.peak_qps, "That counts posts, not copies: each post is written to every follower's timeline.")))


def _feed_celebrity(v: Mapping[str, float]) -> _Solution:
    seconds = drain_seconds(v["followers"], v["inserts_per_second"])
    return _Solution(seconds, (
        f"Time = {_num(v['followers'])} timeline inserts ÷ {_num(v['inserts_per_second'])} inserts/s "
        f"= {_num(seconds)} s, about {_num(round(seconds / 60, 1))} minutes. Twitter reported in 2013 that a "
        "post could take up to 5 minutes to reach Lady Gaga's 31 million followers.",
    ), (Pitfall(seconds / 60, "That is in minutes; the question asks for seconds."),))


def _feed_hosts(v: Mapping[str, float]) -> _Solution:
    e = estimate(v["daily_active_users"], v["feed_reads_per_user_per_day"], peak_factor=v["peak_factor"],
                 per_host_qps=v["reads_per_server"], target_utilization=v["target_utilization"])
    step, flat_out = _sized_for_peak(e, v["reads_per_server"], v["target_utilization"], "server", "carry", "reads")
    return _Solution(float(e.hosts), (
        _per_day("Feed reads", v["daily_active_users"], v["feed_reads_per_user_per_day"], e.requests_per_day),
        _peak(e, v["peak_factor"], "reads"),
        step,
    ), (flat_out,))


def _feed_timeline_cache(v: Mapping[str, float]) -> _Solution:
    per_user = v["ids_per_timeline"] * v["bytes_per_id"]
    total = hot_set_bytes(v["daily_active_users"], per_user)
    return _Solution(total / 1e9, (
        f"One timeline = {_num(v['ids_per_timeline'])} IDs × {_num(v['bytes_per_id'])} bytes = {_num(per_user)} bytes.",
        f"All = {_num(v['daily_active_users'])} users × {_num(per_user)} bytes = {_num(total)} bytes.",
        _converted(total, "bytes", 1e9, "10⁹", "GB"),
    ), (Pitfall(v["bytes_per_id"] * v["daily_active_users"] / 1e9,
                f"That counts one ID a user; each timeline holds {_num(v['ids_per_timeline'])} IDs."),))


# --- The chat and notification service --------------------------------------------------------------

_CHAT = {"daily_active_users": 500_000_000, "messages_per_user_per_day": 40, "peak_factor": 3}


def _chat_messages(v: Mapping[str, float], **kwargs: float) -> Any:
    return estimate(v["daily_active_users"], v["messages_per_user_per_day"], peak_factor=v["peak_factor"], **kwargs)


def _chat_peak(v: Mapping[str, float]) -> _Solution:
    e = _chat_messages(v)
    return _Solution(e.peak_qps, (
        _per_day("Messages", v["daily_active_users"], v["messages_per_user_per_day"], e.requests_per_day),
        _peak(e, v["peak_factor"], "messages"),
    ), (_forgot_peak(e, "message"),))


def _chat_storage(v: Mapping[str, float]) -> _Solution:
    e = estimate(v["daily_active_users"], v["messages_per_user_per_day"], write_fraction=1.0,
                 bytes_per_write=v["bytes_per_message"], retention_days=DAYS_PER_YEAR,
                 replication_factor=v["replication_factor"])
    return _Solution(e.storage_bytes_total / 1e15, (
        _per_day("Messages", v["daily_active_users"], v["messages_per_user_per_day"], e.writes_per_day),
        f"Bytes a day = {_num(e.writes_per_day)} × {_num(v['bytes_per_message'])} bytes × "
        f"{_num(v['replication_factor'])} replicas = {_size(e.storage_bytes_per_day)}.",
        f"A year = {_num(e.storage_bytes_per_day)} × {_num(DAYS_PER_YEAR)} days = {_num(e.storage_bytes_total)} bytes.",
        _converted(e.storage_bytes_total, "bytes", 1e15, "10¹⁵", "PB"),
    ), (Pitfall(e.storage_bytes_total / v["replication_factor"] / 1e15,
                f"That is one copy; {_num(v['replication_factor'])} replicas store "
                f"{_num(v['replication_factor'])} times as much."),))


def _chat_gateways(v: Mapping[str, float]) -> _Solution:
    online = v["daily_active_users"] * v["online_percent"] / 100
    n = units_needed(online, v["connections_per_gateway"], v["target_utilization"])
    usable = v["connections_per_gateway"] * v["target_utilization"]
    return _Solution(float(n), (
        f"Open connections = {_num(v['daily_active_users'])} × {_num(v['online_percent'])} % = {_count(online)}.",
        f"A gateway may hold {_num(v['connections_per_gateway'])} × {_num(v['target_utilization'])} = "
        f"{_num(usable)}; {_num(online)} ÷ {_num(usable)} = {_num(online / usable)}, rounded up: {n} gateways.",
    ), (Pitfall(float(units_needed(online, v["connections_per_gateway"])),
                "That fills every gateway to its limit; keep each at the target utilisation."),))


def _chat_shards(v: Mapping[str, float]) -> _Solution:
    e = _chat_messages(v, per_host_qps=v["writes_per_shard"], target_utilization=v["target_utilization"])
    step, flat_out = _sized_for_peak(e, v["writes_per_shard"], v["target_utilization"], "shard", "take", "writes")
    return _Solution(float(e.hosts), (
        _per_day("Messages", v["daily_active_users"], v["messages_per_user_per_day"], e.requests_per_day),
        _peak(e, v["peak_factor"], "writes"),
        step,
    ), (flat_out,
        Pitfall(float(units_needed(e.average_qps, v["writes_per_shard"], v["target_utilization"])),
                "That sizes for the day's average; shards must take the peak.")))


def _notification_bandwidth(v: Mapping[str, float]) -> _Solution:
    e = estimate(v["daily_active_users"], v["pushes_per_user_per_day"], peak_factor=v["peak_factor"])
    answer, steps, in_bytes = _bandwidth(e, v["bytes_per_push"], 1e6, "10⁶", "Mbit/s")
    return _Solution(answer, (
        _per_day("Pushes", v["daily_active_users"], v["pushes_per_user_per_day"], e.requests_per_day),
        _peak(e, v["peak_factor"], "pushes"),
        *steps,
    ), (in_bytes,
        Pitfall(bandwidth_bits_per_second(e.average_qps, v["bytes_per_push"]) / 1e6,
                "That is the day's average; the question asks for the peak.")))


# --- General drills -------------------------------------------------------------------------------


def _general_replicas(v: Mapping[str, float]) -> _Solution:
    reads_per_user = v["page_views_per_user_per_day"] * v["reads_per_page_view"]
    e = estimate(v["daily_active_users"], reads_per_user, peak_factor=v["peak_factor"],
                 per_host_qps=v["reads_per_replica"], target_utilization=v["target_utilization"])
    step, flat_out = _sized_for_peak(e, v["reads_per_replica"], v["target_utilization"], "replica", "serve", "reads")
    return _Solution(float(e.hosts), (
        f"Reads a user a day = {_num(v['page_views_per_user_per_day'])} views × {_num(v['reads_per_page_view'])} "
        f"= {_num(reads_per_user)}.",
        _per_day("Reads", v["daily_active_users"], reads_per_user, e.requests_per_day),
        _peak(e, v["peak_factor"], "reads"),
        step,
    ), (flat_out,))


def _general_storage_shards(v: Mapping[str, float]) -> _Solution:
    n = units_needed(v["dataset_bytes"], v["disk_bytes_per_shard"], v["fill_fraction"])
    usable = v["disk_bytes_per_shard"] * v["fill_fraction"]
    return _Solution(float(n), (
        f"A shard may hold {_size(v['disk_bytes_per_shard'])} × {_num(v['fill_fraction'])} = {_size(usable)}.",
        f"{_num(v['dataset_bytes'])} ÷ {_num(usable)} = {_num(v['dataset_bytes'] / usable)}, rounded up: {n} shards.",
    ), (Pitfall(float(units_needed(v["dataset_bytes"], v["disk_bytes_per_shard"])),
                "That fills every disk to the brim; keep the headroom the question asks for."),))


def _general_image_bandwidth(v: Mapping[str, float]) -> _Solution:
    e = estimate(v["daily_active_users"], v["images_per_user_per_day"], peak_factor=v["peak_factor"])
    answer, steps, in_bytes = _bandwidth(e, v["bytes_per_image"], 1e9, "10⁹", "Gbit/s")
    return _Solution(answer, (
        _per_day("Images", v["daily_active_users"], v["images_per_user_per_day"], e.requests_per_day),
        _peak(e, v["peak_factor"], "images"),
        *steps,
    ), (in_bytes,))


def _general_origin_load(v: Mapping[str, float]) -> _Solution:
    e = estimate(v["daily_active_users"], v["images_per_user_per_day"], peak_factor=v["peak_factor"])
    origin = misses_per_second(e.peak_qps, v["hit_ratio"])
    return _Solution(origin, (
        _per_day("Images", v["daily_active_users"], v["images_per_user_per_day"], e.requests_per_day),
        _peak(e, v["peak_factor"], "images"),
        f"Misses = {_num(e.peak_qps)} × (1 − {_num(v['hit_ratio'])}) = {_num(origin)}/s.",
    ), (Pitfall(e.peak_qps * v["hit_ratio"], "That is the hits, which the CDN serves; the origin sees the misses."),
        Pitfall(misses_per_second(e.average_qps, v["hit_ratio"]), "That is the day's average; the question asks "
                                                                   "for the peak.")))


_SPECS: tuple[_Spec, ...] = (
    _Spec("url_new_links_per_second", "url_shortener", "New links a second (average)",
          _pick(_URL, "daily_active_users", "links_per_user_per_day"),
          "A URL shortener has {daily_active_users} daily active users; each creates {links_per_user_per_day} "
          "short links a day on average. How many new links a second does it store, on average?",
          (_DAY,), "links/s", _url_new_links),
    _Spec("url_peak_redirects", "url_shortener", "Redirects a second at the peak",
          _pick(_URL, "daily_active_users", "redirects_per_user_per_day", "peak_factor"),
          "The URL shortener's {daily_active_users} daily users each follow {redirects_per_user_per_day} short "
          "links a day, and the busiest hour runs at a peak factor of {peak_factor}. How many redirects a second "
          "must it serve at the peak?",
          (_DAY, _PEAK), "redirects/s", _url_peak_redirects),
    _Spec("url_storage_5_years", "url_shortener", "Storage for 5 years, replicas included",
          _pick(_URL, "daily_active_users", "links_per_user_per_day", "bytes_per_link", "replication_factor",
                years=5),
          "The URL shortener's {daily_active_users} daily users each create {links_per_user_per_day} links a "
          "day. A link's record (short key, long URL, owner, dates) takes {bytes_per_link} bytes and is kept "
          "{years} years on {replication_factor} replicas. How much storage does that take after {years} years?",
          (_YEAR, _DECIMAL), "TB", _url_storage),
    _Spec("url_key_length", "url_shortener", "Key length for 10 years of links",
          _pick(_URL, "daily_active_users", "links_per_user_per_day", years=10, alphabet_size=62),
          "The URL shortener's {daily_active_users} daily users each create {links_per_user_per_day} links a "
          "day, and a key is never reused. Keys use the {alphabet_size} characters a-z, A-Z and 0-9. How many "
          "characters must a key have to last {years} years?",
          (_YEAR, _ROUND_UP), "characters", _url_key_length, decimals=0, whole=True),
    _Spec("url_cache_memory", "url_shortener", "Cache for the hottest 20 % of a day's redirects",
          _pick(_URL, "daily_active_users", "redirects_per_user_per_day", "bytes_per_link", hot_percent=20),
          "The URL shortener's {daily_active_users} daily users each follow {redirects_per_user_per_day} links "
          "a day. You cache the hottest {hot_percent} % of a day's redirects, {bytes_per_link} bytes a cached "
          "entry; count each of those redirects as its own entry (an upper bound). How much cache memory is "
          "that?",
          (_DECIMAL,), "GB", _url_cache, decimals=0),
    _Spec("feed_peak_posts", "news_feed", "Posts a second at the peak",
          _pick(_FEED, "daily_active_users", "posts_per_user_per_day", "peak_factor"),
          "A social network has {daily_active_users} daily active users; each posts {posts_per_user_per_day} "
          "times a day on average, with a peak factor of {peak_factor}. How many posts a second arrive at the "
          "peak?",
          (_DAY, _PEAK), "posts/s", _feed_peak_posts),
    _Spec("feed_fanout_writes", "news_feed", "Timeline writes a second if every post is pushed",
          _pick(_FEED, "daily_active_users", "posts_per_user_per_day", "peak_factor", "mean_followers"),
          "The feed of {daily_active_users} daily users, who post {posts_per_user_per_day} times a day each "
          "(peak factor {peak_factor}), fans out on write: every post is copied into each follower's timeline, "
          "and the mean follower count is {mean_followers}. How many timeline writes a second at the peak?",
          (_DAY, _PEAK), "writes/s", _feed_fanout, decimals=0),
    _Spec("feed_celebrity_fanout_seconds", "news_feed", "Time to push one celebrity post",
          {"followers": 31_000_000, "inserts_per_second": 100_000},
          "A celebrity with {followers} followers posts. The fan-out workers together insert "
          "{inserts_per_second} timeline entries a second. How many seconds until the last follower's "
          "timeline holds the post?",
          (), "seconds", _feed_celebrity, decimals=0),
    _Spec("feed_read_servers", "news_feed", "Feed servers for the peak reads",
          _pick(_FEED, "daily_active_users", "feed_reads_per_user_per_day", "peak_factor", reads_per_server=2_000,
                target_utilization=0.6),
          "The feed's {daily_active_users} daily users open their feed {feed_reads_per_user_per_day} times a day, "
          "with a peak factor of {peak_factor}. One feed server answers {reads_per_server} reads a second, and "
          "you run each at a target utilisation of {target_utilization}. How many servers at the peak?",
          (_DAY, _PEAK, _ROUND_UP), "servers", _feed_hosts, decimals=0, whole=True),
    _Spec("feed_timeline_cache", "news_feed", "Memory for every user's cached timeline",
          _pick(_FEED, "daily_active_users", ids_per_timeline=800, bytes_per_id=8),
          "For each of the feed's {daily_active_users} daily users you cache a timeline of the newest "
          "{ids_per_timeline} post IDs, {bytes_per_id} bytes an ID. How much memory do the timelines take?",
          (_DECIMAL,), "GB", _feed_timeline_cache, decimals=0),
    _Spec("chat_peak_messages", "chat", "Messages a second at the peak",
          dict(_CHAT),
          "A chat service has {daily_active_users} daily active users; each sends {messages_per_user_per_day} "
          "messages a day, with a peak factor of {peak_factor}. How many messages a second at the peak?",
          (_DAY, _PEAK), "messages/s", _chat_peak, decimals=0),
    _Spec("chat_storage_1_year", "chat", "Storage for a year of messages, replicas included",
          _pick(_CHAT, "daily_active_users", "messages_per_user_per_day", bytes_per_message=200,
                replication_factor=3),
          "The chat service's {daily_active_users} daily users each send {messages_per_user_per_day} messages a "
          "day. A stored message takes {bytes_per_message} bytes (text and metadata; media is stored apart) on "
          "{replication_factor} replicas. How much storage does a year of messages take?",
          (_YEAR, _DECIMAL), "PB", _chat_storage, decimals=2),
    _Spec("chat_gateway_hosts", "chat", "Connection gateways at the peak",
          _pick(_CHAT, "daily_active_users", online_percent=20, connections_per_gateway=500_000,
                target_utilization=0.8),
          "At the chat service's peak, {online_percent} % of its {daily_active_users} daily users hold an open "
          "WebSocket connection. One gateway host holds at most {connections_per_gateway} connections, and you "
          "run each at a target utilisation of {target_utilization}. How many gateway hosts?",
          (_ROUND_UP,), "gateways", _chat_gateways, decimals=0, whole=True),
    _Spec("chat_message_shards", "chat", "Message-store shards for the peak writes",
          {**_CHAT, "writes_per_shard": 20_000, "target_utilization": 0.7},
          "The chat service's {daily_active_users} daily users send {messages_per_user_per_day} messages a day "
          "each (peak factor {peak_factor}), and every message is one write to the message store. One shard's "
          "primary takes {writes_per_shard} writes a second, run at a target utilisation of "
          "{target_utilization}. How many shards for the peak write load?",
          (_DAY, _PEAK, _ROUND_UP), "shards", _chat_shards, decimals=0, whole=True),
    _Spec("notification_peak_bandwidth", "chat", "Push notifications' bandwidth at the peak",
          {"daily_active_users": 400_000_000, "pushes_per_user_per_day": 5, "peak_factor": 4, "bytes_per_push": 1_000},
          "A notification service sends {pushes_per_user_per_day} push notifications a day to each of "
          "{daily_active_users} daily users, with a peak factor of {peak_factor}. A push takes {bytes_per_push} "
          "bytes on the wire. What outbound bandwidth does the peak need?",
          (_DAY, _PEAK, _BITS), "Mbit/s", _notification_bandwidth),
    _Spec("general_read_replicas", "general", "Read replicas for the peak reads",
          {"daily_active_users": 50_000_000, "page_views_per_user_per_day": 30, "reads_per_page_view": 3,
           "peak_factor": 2.5, "reads_per_replica": 5_000, "target_utilization": 0.7},
          "A shop has {daily_active_users} daily users who view {page_views_per_user_per_day} pages a day each; "
          "a page view makes {reads_per_page_view} database reads, and the peak factor is {peak_factor}. One "
          "read replica serves {reads_per_replica} reads a second, run at a target utilisation of "
          "{target_utilization}. How many read replicas for the peak?",
          (_DAY, _PEAK, _ROUND_UP), "replicas", _general_replicas, decimals=0, whole=True),
    _Spec("general_storage_shards", "general", "Shards for the dataset",
          {"dataset_bytes": 40_000_000_000_000, "disk_bytes_per_shard": 2_000_000_000_000, "fill_fraction": 0.7},
          "A dataset of {dataset_bytes} bytes ({dataset_bytes_short}, replicas included) is split over shards "
          "whose disks hold {disk_bytes_per_shard} bytes ({disk_bytes_per_shard_short}) each; to leave room for "
          "growth and compaction, a disk is filled to at most {fill_fraction} of its size. How many shards?",
          (_DECIMAL, _ROUND_UP), "shards", _general_storage_shards, decimals=0, whole=True),
    _Spec("general_image_bandwidth", "general", "Image bandwidth at the peak",
          {"daily_active_users": 10_000_000, "images_per_user_per_day": 50, "peak_factor": 3,
           "bytes_per_image": 200_000},
          "A photo app's {daily_active_users} daily users each view {images_per_user_per_day} images a day, "
          "with a peak factor of {peak_factor}; an image is {bytes_per_image} bytes. What outbound bandwidth "
          "does the peak need?",
          (_DAY, _PEAK, _BITS), "Gbit/s", _general_image_bandwidth, decimals=2),
    _Spec("general_origin_requests", "general", "Requests a second that reach the origin",
          {"daily_active_users": 10_000_000, "images_per_user_per_day": 50, "peak_factor": 3, "hit_ratio": 0.95},
          "The photo app's {daily_active_users} daily users each view {images_per_user_per_day} images a day "
          "(peak factor {peak_factor}). A CDN answers with a hit ratio of {hit_ratio}; every miss goes to the "
          "origin servers. How many requests a second reach the origin at the peak?",
          (_DAY, _PEAK), "requests/s", _general_origin_load, decimals=0),
)


def _printed(inputs: Mapping[str, float]) -> dict[str, str]:
    """What a prompt's template may print: each input as ``{name}`` (10,000,000) and ``{name_short}`` (10 M, 2 TB)."""
    printed = {name: _num(x) for name, x in inputs.items()}
    printed |= {f"{name}_short": human_bytes(x) if "bytes" in name else human_count(x) for name, x in inputs.items()}
    return printed


def _drill(spec: _Spec) -> Drill:
    solution = spec.solve(spec.inputs)
    prompt = " ".join((spec.question.format(**_printed(spec.inputs)), *spec.conventions, f"Answer in {spec.unit}."))
    answer_text = f"{solution.answer:,.{spec.decimals}f}"
    return Drill(
        id=spec.id, interview=spec.interview, label=spec.label, prompt=prompt, answer=solution.answer,
        unit=spec.unit,
        tolerance=WHOLE_HALF_WIDTH / solution.answer if spec.whole else TOLERANCE,
        explanation=" ".join((*solution.steps, f"Answer: {answer_text} {spec.unit}.")),
        decimals=spec.decimals, whole=spec.whole, inputs=MappingProxyType(dict(spec.inputs)),
        pitfalls=solution.pitfalls,
    )


@cache
def _all_drills() -> tuple[Drill, ...]:
    return tuple(_drill(spec) for spec in _SPECS)


def drills(interview: str | None = None) -> tuple[Drill, ...]:
    """The drills, in the chapter's order; only one interview's if ``interview`` names one of :data:`INTERVIEWS`.

    >>> d = drills("url_shortener")[0]
    >>> d.answer_text, d.unit
    ('115.7', 'links/s')
    """
    _check.choice("interview", interview, (None, *INTERVIEWS))
    return tuple(d for d in _all_drills() if interview is None or d.interview == interview)


def _range_answer(low: float, high: float, correct: bool, feedback: str) -> dict:
    return {"type": "range", "range": [low, high], "correct": correct, "feedback": feedback}


def _quiz_item(drill: Drill) -> dict:
    off = ("Not the model's answer (a whole number, rounded up)." if drill.whole
           else f"Not within ±{drill.tolerance * 100:g} % of the model's answer.")
    answers = [_range_answer(*drill.accepted(drill.answer), True, f"Right. {drill.explanation}")]
    answers += [_range_answer(*drill.accepted(p.value), False, f"{p.hint} Try again.") for p in drill.pitfalls]
    answers.append({"type": "default", "correct": False,
                    "feedback": f"{off} {drill.explanation}"})
    return {"question": f"{drill.prompt} Type a plain number without commas, e.g. 2500000 or 2.5e6.", "type": "numeric",
            "answers": answers}


def quiz_items(interview: str | None = None) -> list[dict]:
    """The drills as jupyterquiz numeric questions: a correct range, a hint for each slip, the arithmetic.

    The first answer is the correct range [answer × (1 − tolerance), answer × (1 + tolerance)) (a whole
    number's is answer ± 0.4); jupyterquiz takes the first range that holds the typed number, so a slip's
    range only catches what the correct one does not. The default answer shows the arithmetic.

    >>> item = quiz_items("news_feed")[2]
    >>> item["type"], [a["type"] for a in item["answers"]], item["answers"][0]["range"]
    ('numeric', ['range', 'range', 'default'], [294.5, 325.5])
    """
    return [_quiz_item(d) for d in drills(interview)]


def write_quiz(path: str | os.PathLike, interview: str | None = None) -> Path:
    """Write :func:`quiz_items` to ``path`` (a .json file in an existing folder) as UTF-8 JSON, and return it.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     len(json.loads(write_quiz(Path(folder) / "drills.json").read_text(encoding="utf-8")))
    19
    """
    target = Path(path) if isinstance(path, (str, os.PathLike)) else None
    if target is None or target.suffix != ".json" or not target.parent.is_dir():
        raise ValueError(f"path must be a .json file in an existing folder, got {path!r}")
    items = quiz_items(interview)
    target.write_text(json.dumps(items, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return target
