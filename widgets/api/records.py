"""The records every API payload carries: three kinds, each a field table, and seeded records of each.

A kind is a tuple of :class:`Field` (a name and a type); every encoder builds its schema from that
table, so the four formats carry exactly the same fields. The types:

* ``int``: a non-negative integer (JSON digits; MessagePack's smallest int; Avro ``long``; protobuf ``int64``);
* ``float``: a double (JSON's shortest round-tripping decimal; 8 bytes in the binary formats);
* ``str``: UTF-8 text;
* ``timestamp``: a UTC instant in whole seconds (JSON: RFC 3339 text such as ``"2026-03-01T12:00:00Z"``;
  MessagePack's timestamp extension; Avro's ``timestamp-millis``; protobuf's ``google.protobuf.Timestamp``);
* ``int_list``, ``float_list``, ``str_list``: lists of those;
* ``optional_int``: an ``int`` or ``None`` (JSON ``null``; Avro ``["null", "long"]``; proto3 ``optional``).

The kinds: ``user`` (text-heavy: a profile), ``order`` (integer-heavy: ids, quantities, cents) and
``reading`` (double-heavy: a sensor's samples at full precision).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from widgets import _check

#: The largest batch a model builds (records).
MAX_RECORDS = 100_000
TYPES = ("int", "float", "str", "timestamp", "int_list", "float_list", "str_list", "optional_int")


@dataclass(frozen=True)
class Field:
    """One field of a record kind: its name and one of :data:`TYPES`."""

    name: str
    type: str


KINDS: dict[str, tuple[Field, ...]] = {
    "user": (Field("id", "int"), Field("name", "str"), Field("email", "str"), Field("created_at", "timestamp"),
             Field("karma", "int"), Field("rating", "float"), Field("tags", "str_list"),
             Field("referrer_id", "optional_int")),
    "order": (Field("order_id", "int"), Field("customer_id", "int"), Field("created_at", "timestamp"),
              Field("status", "int"), Field("item_ids", "int_list"), Field("quantities", "int_list"),
              Field("total_cents", "int"), Field("coupon_id", "optional_int")),
    "reading": (Field("sensor_id", "int"), Field("taken_at", "timestamp"), Field("samples", "float_list"),
                Field("battery", "float"), Field("firmware", "str"), Field("fault_code", "optional_int")),
}
#: What each kind stands for, as the views name it.
KIND_NAMES = {"user": "user profile (text)", "order": "order (integers)", "reading": "sensor reading (doubles)"}

_FIRST = ("Ada", "Alan", "Barbara", "Claude", "Donald", "Edsger", "Frances", "Grace", "John", "Leslie",
          "Margaret", "Niklaus", "Radia", "Sophie", "Tim", "Vint")
_LAST = ("Lovelace", "Turing", "Liskov", "Shannon", "Knuth", "Dijkstra", "Allen", "Hopper", "Backus",
         "Lamport", "Hamilton", "Wirth", "Perlman", "Wilson", "Berners-Lee", "Cerf")
_TAGS = ("admin", "beta", "billing", "churn-risk", "early-adopter", "mobile", "newsletter", "premium", "support", "vip")
_FIRMWARE = ("1.4.2", "1.4.3", "2.0.0-rc1", "2.0.1")
_EPOCH_2020 = 1_577_836_800  # 2020-01-01T00:00:00Z in Unix seconds
_SIX_YEARS_S = 6 * 365 * 86_400


def kind_fields(kind: str) -> tuple[Field, ...]:
    """The field table of a record kind.

    >>> [f.name for f in kind_fields("order")][:3]
    ['order_id', 'customer_id', 'created_at']
    """
    return KINDS[_check.choice("kind", kind, tuple(KINDS))]


def _instant(rng: random.Random) -> dt.datetime:
    return dt.datetime.fromtimestamp(_EPOCH_2020 + rng.randrange(_SIX_YEARS_S), tz=dt.timezone.utc)


def _user(rng: random.Random) -> dict[str, Any]:
    first, last = rng.choice(_FIRST), rng.choice(_LAST)
    return {"id": rng.randrange(100_000, 1_000_000), "name": f"{first} {last}",
            "email": f"{first}.{last}{rng.randrange(100)}@example.com".lower(), "created_at": _instant(rng),
            "karma": int(rng.paretovariate(1.2)) - 1, "rating": round(rng.uniform(1, 5), 2),
            "tags": rng.sample(_TAGS, rng.randrange(4)),
            "referrer_id": rng.randrange(100_000, 1_000_000) if rng.random() < 0.4 else None}


def _order(rng: random.Random) -> dict[str, Any]:
    items = rng.randrange(1, 7)
    return {"order_id": rng.randrange(10**9, 10**10), "customer_id": rng.randrange(100_000, 1_000_000),
            "created_at": _instant(rng), "status": rng.randrange(6),
            "item_ids": [rng.randrange(10_000, 100_000) for _ in range(items)],
            "quantities": [rng.randrange(1, 6) for _ in range(items)], "total_cents": rng.randrange(100, 500_000),
            "coupon_id": rng.randrange(1_000, 10_000) if rng.random() < 0.2 else None}


def _reading(rng: random.Random) -> dict[str, Any]:
    return {"sensor_id": rng.randrange(1, 50_000), "taken_at": _instant(rng),
            "samples": [rng.gauss(21.5, 3.0) for _ in range(8)], "battery": round(rng.uniform(3.0, 4.2), 3),
            "firmware": rng.choice(_FIRMWARE), "fault_code": rng.randrange(1, 100) if rng.random() < 0.05 else None}


_MAKERS = {"user": _user, "order": _order, "reading": _reading}


@lru_cache(maxsize=64)
def _cached(kind: str, n: int, seed: int) -> tuple[dict[str, Any], ...]:
    rng = random.Random(seed)
    return tuple(_MAKERS[kind](rng) for _ in range(n))


def make_records(kind: str = "user", n: int = 10, *, seed: int = 0) -> list[dict[str, Any]]:
    """``n`` seeded records of ``kind``: dicts in the field table's order, timestamps as aware UTC datetimes.

    The same (kind, n, seed) gives the same records; a longer batch starts with the shorter one.

    >>> r = make_records("order", 3, seed=1)
    >>> len(r), list(r[0]) == [f.name for f in kind_fields("order")], r == make_records("order", 3, seed=1)
    (3, True, True)
    >>> make_records("order", 5, seed=1)[:3] == r
    True
    """
    kind_fields(kind)
    n = _check.integer("n", n, 1, MAX_RECORDS)
    seed = _check.seed(seed)
    return [{name: list(value) if isinstance(value, list) else value for name, value in record.items()}
            for record in _cached(kind, n, seed)]
