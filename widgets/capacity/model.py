"""Capacity's model: back-of-envelope requests, storage and hosts from a few numbers.

:func:`estimate`, :func:`load_curve`, :func:`human_count`, :func:`human_bytes` and the
scenarios :data:`PRESETS`; plain Python, no view code (the calculator is in :mod:`.views`).
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from widgets import _check

SECONDS_PER_DAY = 86_400
HOURS_PER_DAY = 24

@dataclass(frozen=True)
class Estimate:
    """The result of :func:`estimate`: rates per day, hour and second, storage, hosts."""

    requests_per_day: float
    requests_per_hour: float
    average_qps: float
    peak_qps: float
    writes_per_day: float
    storage_bytes_per_day: float
    storage_bytes_total: float
    hosts: int | None


def _ceil(x: float) -> int:
    """``ceil`` that ignores float noise: 100.00000000001 is 100, not 101 (12 significant digits)."""
    return math.ceil(float(f"{x:.12g}"))


def estimate(
    daily_active_users: float,
    requests_per_user_per_day: float,
    *,
    peak_factor: float = 1.0,
    write_fraction: float = 0.0,
    bytes_per_write: float = 0,
    retention_days: float = 365,
    replication_factor: int = 1,
    per_host_qps: float | None = None,
    target_utilization: float = 1.0,
) -> Estimate:
    """Requests, storage and hosts for a service; bad parameters raise ``ValueError``.

    >>> e = estimate(1e9, 10)
    >>> human_count(e.requests_per_day), human_count(e.average_qps)
    ('10 B', '115.7 k')
    """
    _check.number("daily_active_users", daily_active_users, 0)
    _check.number("requests_per_user_per_day", requests_per_user_per_day, 0)
    _check.number("peak_factor", peak_factor, 1)
    _check.number("write_fraction", write_fraction, 0, 1)
    _check.number("bytes_per_write", bytes_per_write, 0)
    _check.number("retention_days", retention_days, 0)
    _check.integer("replication_factor", replication_factor, 1)
    _check.number("per_host_qps", per_host_qps, 0, open_low=True, optional=True)
    _check.number("target_utilization", target_utilization, 0, 1, open_low=True)

    try:
        per_day = daily_active_users * requests_per_user_per_day
        peak = per_day / SECONDS_PER_DAY * peak_factor
        writes = per_day * write_fraction
        stored_per_day = writes * bytes_per_write * replication_factor
        stored = stored_per_day * retention_days
        load = None if per_host_qps is None else peak / per_host_qps / target_utilization
        finite = all(math.isfinite(x) for x in (peak, stored, load or 0))
    except OverflowError:  # ints whose product no float can hold
        finite = False
    if not finite:
        raise ValueError("the estimate overflows a float: the inputs are too large")
    return Estimate(
        requests_per_day=per_day,
        requests_per_hour=per_day / HOURS_PER_DAY,
        average_qps=per_day / SECONDS_PER_DAY,
        peak_qps=peak,
        writes_per_day=writes,
        storage_bytes_per_day=stored_per_day,
        storage_bytes_total=stored,
        # Any load needs a host, even one so small that the division underflows to 0.
        hosts=None if load is None else max(_ceil(load), int(peak > 0)),
    )


#: The parameters :func:`estimate` takes, in order.
_PARAMETERS = tuple(inspect.signature(estimate).parameters)


def _scaled(name: str, x: float, base: int, units: tuple[str, ...]) -> str:
    """``x`` in the largest unit that keeps it below ``base`` after rounding to one decimal."""
    _check.number(name, x)
    value = abs(x)
    for unit in units:
        text = f"{value:.1f}".removesuffix(".0")
        if float(text) < base or unit == units[-1]:
            break
        value /= base
    sign = "-" if x < 0 and text != "0" else ""
    return f"{sign}{text}{unit}"


def human_count(x: float) -> str:
    """A count with short-scale suffixes k, M, B, T (thousand … trillion), one decimal.

    >>> human_count(115740.74), human_count(10e9), human_count(999)
    ('115.7 k', '10 B', '999')
    """
    return _scaled("x", x, 1000, ("", " k", " M", " B", " T"))


def human_bytes(n: float, binary: bool = False) -> str:
    """Bytes in decimal SI units (kB, MB …, powers of 1000) or binary IEC units (KiB, MiB …, 1024).

    >>> human_bytes(30e12), human_bytes(2**40, binary=True)
    ('30 TB', '1 TiB')
    """
    if binary:
        return _scaled("n", n, 1024, (" B", " KiB", " MiB", " GiB", " TiB", " PiB"))
    return _scaled("n", n, 1000, (" B", " kB", " MB", " GB", " TB", " PB"))


@dataclass(frozen=True)
class Preset:
    """A named scenario: the values of :func:`estimate`'s parameters, where they come from, what is assumed."""

    values: Mapping[str, float]
    source: str
    note: str


#: Scenarios of the calculator; the first is its default.
PRESETS: dict[str, Preset] = {
    "1 billion users × 10 searches a day": Preset(
        values={
            "daily_active_users": 1e9,
            "requests_per_user_per_day": 10,
            "peak_factor": 2.0,
            "write_fraction": 1.0,
            "bytes_per_write": 1000.0,
            "retention_days": 365,
            "replication_factor": 3,
            "per_host_qps": 1000.0,
            "target_utilization": 0.5,
        },
        source="A worked example: 1 billion users × 10 searches a day.",
        note=(
            "10 billion searches a day is about 416.7 million an hour (about 420 million, "
            "rounded for mental arithmetic) and 115.7 thousand a second. Assumed: peak 2× the average, every "
            "search logged as a 1 kB record kept a year on 3 replicas, 1,000 searches/s per "
            "host run at 50% utilisation."
        ),
    ),
    "Twitter 2013: 500 million tweets a day": Preset(
        values={
            "daily_active_users": 100e6,
            "requests_per_user_per_day": 5,
            "peak_factor": 25.0,
            "write_fraction": 1.0,
            "bytes_per_write": 1000.0,
            "retention_days": 3650,
            "replication_factor": 3,
            "per_host_qps": 1000.0,
            "target_utilization": 0.5,
        },
        source=(
            'Raffi Krikorian, "New Tweets per second record, and how!", Twitter Engineering '
            "Blog, 16 August 2013: more than 500 million Tweets a day, about 5,700 a second on "
            "average, and a record 143,199 Tweets in one second (3 August 2013, Japan): "
            "143,199 / 5,700 ≈ 25 times the average."
        ),
        note=(
            "Only the 500 million a day and the peak are published; splitting them into "
            "100 million users × 5 tweets is an assumption. Peak 25× the average (the record). "
            "Assumed: 1 kB per tweet (text and metadata, no media), kept 10 years on 3 "
            "replicas, 1,000 writes/s per host at 50% utilisation."
        ),
    ),
    "WhatsApp 2020: 100 billion messages a day": Preset(
        values={
            "daily_active_users": 2e9,
            "requests_per_user_per_day": 50,
            "peak_factor": 3.0,
            "write_fraction": 1.0,
            "bytes_per_write": 1000.0,
            "retention_days": 30,
            "replication_factor": 3,
            "per_host_qps": 10_000.0,
            "target_utilization": 0.5,
        },
        source=(
            "Roughly 100 billion messages delivered a day: Mark Zuckerberg on Facebook's Q3 2020 "
            "earnings call and Will Cathcart (head of WhatsApp) on Twitter, 29 October 2020. "
            'Two billion users: WhatsApp blog, "Two Billion Users -- Connecting the World '
            'Privately", 12 February 2020.'
        ),
        note=(
            "Treating all 2 billion users as daily actives sending 50 messages each is an "
            "assumption; only the product is published. Assumed: peak 3× the average, 1 kB "
            "per message (media stored separately), held at most 30 days on 3 replicas "
            "(an upper bound: messages leave the servers once delivered), 10,000 messages/s "
            "per host at 50% utilisation."
        ),
    ),
}


def matching_preset(values: Mapping[str, Any]) -> Preset | None:
    """The preset whose values ``values`` holds (to 1e-9 relative), if any.

    >>> matching_preset(PRESETS["Twitter 2013: 500 million tweets a day"].values).source[:15]
    'Raffi Krikorian'
    >>> matching_preset({**PRESETS["Twitter 2013: 500 million tweets a day"].values, "peak_factor": 7}) is None
    True
    """
    for preset in PRESETS.values():
        if all(k in values and _close(values[k], v) for k, v in preset.values.items()):
            return preset
    return None


def _close(a: Any, b: float) -> bool:
    try:
        return math.isclose(a, b, rel_tol=1e-9)
    except TypeError:  # not a number: no preset holds it
        return False


@dataclass(frozen=True)
class LoadCurve:
    """Peak load and hosts of one service shape at each number of daily active users."""

    users: tuple[float, ...]
    peak_qps: tuple[float, ...]
    hosts: tuple[int | None, ...]


def load_curve(values: Mapping[str, Any], users: Iterable[float]) -> LoadCurve:
    """:func:`estimate` with the parameters ``values`` as ``daily_active_users`` runs over ``users``.

    >>> curve = load_curve({"requests_per_user_per_day": 10, "per_host_qps": 1000}, [8.64e6, 8.64e7])
    >>> curve.peak_qps, curve.hosts
    ((1000.0, 10000.0), (1, 10))
    """
    points = tuple(users) if isinstance(users, Iterable) and not isinstance(users, (str, bytes)) else ()
    if not points:
        raise ValueError(f"users must be a non-empty sequence of user counts, got {users!r}")
    if not isinstance(values, Mapping):
        raise ValueError(f"values must be a mapping of estimate's parameters, got {values!r}")
    unknown = sorted(set(values) - set(_PARAMETERS))
    if unknown:
        raise ValueError(f"values must name only parameters of estimate, got {', '.join(unknown)}")
    shape = {name: value for name, value in values.items() if name != "daily_active_users"}
    curve = [estimate(u, **shape) for u in points]
    return LoadCurve(
        users=tuple(float(u) for u in points),
        peak_qps=tuple(e.peak_qps for e in curve),
        hosts=tuple(e.hosts for e in curve),
    )
