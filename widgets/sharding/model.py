"""Sharding's model: where keys live, how many move when nodes come and go, hot keys and range queries.

Plain functions and frozen dataclasses, no view code (the views are in :mod:`.views`).

* **Placement.** Key ``i`` of ``keys`` and node ``j`` of ``nodes`` are hashed once. Under ``"modulo"``
  a key lives on node ``hash mod N``; under ``"ring"`` (consistent hashing, Karger et al. 1997) each
  node puts ``vnodes`` points on a ring of hash values and a key lives on the node of the first point
  at or after its hash, clockwise (``np.searchsorted``). Three hash functions:

  - ``"fast"`` (the default): SplitMix64 of the key's and point's numbers, vectorised, seeded;
  - ``"md5"``: uhashring's default ``HashRing`` exactly: node ``node-j``'s points are the 128-bit
    MD5 of ``"node-j-w"`` for ``w < vnodes``, a key ``"key-<seed>-<i>"`` hashes to its 128-bit MD5;
  - ``"ketama"``: libketama as uhashring's ``hash_fn="ketama"`` computes it: each MD5 of ``"node-j-w"``
    gives four 32-bit points (little-endian), so ``vnodes`` must be a multiple of 4.

  Where two points collide the node that placed it last owns it, as in uhashring.
* **Moves.** :func:`moved_fraction` counts the keys whose owner changes when nodes join (or leave);
  :func:`expected_moved_fraction` is the closed form: ``added / (n + added)`` on a ring,
  ``1 - min(n, m) / lcm(n, m)`` for mod-N going from n to m nodes (so n/(n + 1) for one more node).
* **Balance.** :func:`load_imbalance` is the most loaded node's keys over the mean. With random
  points, node shares of the ring follow Dirichlet(V, ..., V), so each node's share times n has
  standard deviation sqrt((n - 1)/(nV + 1)) (:func:`share_spread`), which falls as vnodes V grow.
* **Range queries** (:func:`scatter_gather`): the shards a query over ``width`` consecutive keys
  touches, under key-range partitioning (about 1 + (width - 1)/span) and hash partitioning
  (about S(1 - (1 - 1/S)**width), at most min(S, width)).
* **Hot keys** (:func:`hot_key_load`): one key takes a share of the traffic; salting splits it into
  ``salt`` sub-keys: writes spread over them, reads must fan out to every shard holding one.
"""

from __future__ import annotations

import functools
import hashlib
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from widgets import _check

SCHEMES = ("ring", "modulo")
HASHES = ("fast", "md5", "ketama")
MAX_NODES = 1_000
MAX_VNODES = 10_000
MAX_POINTS = 2_000_000
MAX_KEYS = 10_000_000
MAX_SHARDS = 1_000
#: Points a ketama MD5 digest yields (uhashring's KetamaRing default ``replicas``).
KETAMA_POINTS_PER_DIGEST = 4

_U64 = np.uint64
_KEY_TAG, _POINT_TAG = 0x6B6579, 0x706F696E74  # "key", "point": keys and points draw different hashes


# --------------------------------------------------------------------------
# Hashing
# --------------------------------------------------------------------------


def splitmix64(x: np.ndarray) -> np.ndarray:
    """SplitMix64's finaliser (Steele, Lea and Flood 2014) of each uint64: a fast, well-mixed 64-bit hash.

    >>> int(splitmix64(np.array([0], dtype=np.uint64))[0])
    16294208416658607535
    """
    z = np.asarray(x, dtype=_U64) + _U64(0x9E3779B97F4A7C15)
    z = (z ^ (z >> _U64(30))) * _U64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> _U64(27))) * _U64(0x94D049BB133111EB)
    return z ^ (z >> _U64(31))


def _salt(seed: int, tag: int) -> np.uint64:
    return splitmix64(np.array([seed ^ tag], dtype=_U64))[0]


def node_name(j: int) -> str:
    """The name of node ``j`` (what the md5 and ketama hashes hash).

    >>> node_name(3)
    'node-3'
    """
    return f"node-{j}"


def key_name(i: int, seed: int = 0) -> str:
    """The name of key ``i`` for ``seed`` (what the md5 and ketama hashes hash).

    >>> key_name(7)
    'key-0-7'
    """
    return f"key-{seed}-{i}"


def _md5(texts) -> list[bytes]:
    return [hashlib.md5(t.encode("utf-8")).digest() for t in texts]


def _ketama_points(digests: list[bytes]) -> np.ndarray:
    """The four little-endian 32-bit points of each digest, in uhashring's order (replica 0..3)."""
    return np.frombuffer(b"".join(digests), dtype="<u4").astype(_U64)


def _check_common(nodes, vnodes, keys, seed, hash):
    n = _check.integer("nodes", nodes, 1, MAX_NODES)
    v = _check.integer("vnodes", vnodes, 1, MAX_VNODES)
    k = _check.integer("keys", keys, 1, MAX_KEYS)
    s = _check.seed(seed)
    h = _check.choice("hash", hash, HASHES)
    if h == "ketama" and v % KETAMA_POINTS_PER_DIGEST:
        raise ValueError(f"vnodes must be a multiple of {KETAMA_POINTS_PER_DIGEST} with hash 'ketama', got {v!r}")
    return n, v, k, s, h


def key_hashes(keys: int, *, seed: int = 0, hash: str = "fast") -> np.ndarray:
    """The hash of each key 0..keys-1, sortable: uint64 ("fast", "ketama") or 16 big-endian bytes ("md5").

    >>> key_hashes(3).dtype, key_hashes(3, hash="md5").dtype, key_hashes(3, hash="ketama").max() < 2**32
    (dtype('uint64'), dtype('S16'), np.True_)
    """
    _, _, k, s, h = _check_common(1, 4, keys, seed, hash)
    if h == "fast":
        return splitmix64(np.arange(k, dtype=_U64) ^ _salt(s, _KEY_TAG))
    digests = _md5(key_name(i, s) for i in range(k))
    if h == "md5":
        return np.array(digests, dtype="S16")
    return np.frombuffer(b"".join(d[:4] for d in digests), dtype="<u4").astype(_U64)


def ring_points(nodes: int, *, vnodes: int = 100, seed: int = 0, hash: str = "fast") -> tuple[np.ndarray, np.ndarray]:
    """The ring: its points in increasing order and the node (0..nodes-1) that owns each.

    Node j's points do not depend on how many nodes there are, so adding a node only adds points.
    The md5 and ketama rings ignore ``seed`` (uhashring has none).

    >>> points, owner = ring_points(3, vnodes=2)
    >>> len(points), sorted(owner.tolist())
    (6, [0, 0, 1, 1, 2, 2])
    """
    n, v, _, s, h = _check_common(nodes, vnodes, 1, seed, hash)
    if n * v > MAX_POINTS:
        raise ValueError(f"nodes × vnodes must be at most {MAX_POINTS:,}, got {n * v:,}")
    if h == "fast":
        ids = (np.arange(n, dtype=_U64)[:, None] << _U64(32)) | np.arange(v, dtype=_U64)[None, :]
        points = splitmix64(ids.ravel() ^ _salt(s, _POINT_TAG))
        owner = np.repeat(np.arange(n), v)
    else:
        per = 1 if h == "md5" else KETAMA_POINTS_PER_DIGEST
        digests = _md5(f"{node_name(j)}-{w}" for j in range(n) for w in range(v // per))
        points = np.array(digests, dtype="S16") if h == "md5" else _ketama_points(digests)
        owner = np.repeat(np.arange(n), v)
    order = np.argsort(points, kind="stable")
    ordered = points[order]
    if not np.any(ordered[1:] == ordered[:-1]):
        return ordered, owner[order]
    # The last node to place a point owns it (uhashring's dict): keep each value's last occurrence.
    reverse = points[::-1]
    unique, first_in_reverse = np.unique(reverse, return_index=True)
    return unique, owner[::-1][first_in_reverse]


def _modulo(hashes: np.ndarray, n: int) -> np.ndarray:
    """hash mod n; for md5, of the 128-bit number the 16 bytes spell (big-endian)."""
    if hashes.dtype.kind != "S":
        return (hashes % _U64(n)).astype(np.int64)
    words = np.frombuffer(hashes.tobytes(), dtype=">u8").reshape(-1, 2).astype(_U64)
    high, low = words[:, 0] % _U64(n), words[:, 1] % _U64(n)
    return ((high * _U64(pow(2, 64, n)) + low) % _U64(n)).astype(np.int64)


def _ring_lookup(hashes: np.ndarray, points: np.ndarray, owner: np.ndarray) -> np.ndarray:
    """The owner of the first point strictly after each hash, wrapping to the first (bisect_right, as uhashring)."""
    at = np.searchsorted(points, hashes, side="right")
    at[at == len(points)] = 0
    return owner[at]


def owners(nodes: int, *, scheme: str = "ring", vnodes: int = 100, keys: int = 100_000, seed: int = 0,
           hash: str = "fast") -> np.ndarray:
    """The node (0..nodes-1) each key 0..keys-1 lives on.

    >>> owners(4, keys=8).tolist(), owners(4, scheme="modulo", keys=8).tolist()
    ([1, 0, 2, 1, 2, 0, 0, 0], [0, 1, 3, 3, 0, 2, 2, 0])
    """
    _check.choice("scheme", scheme, SCHEMES)
    hashes = key_hashes(keys, seed=seed, hash=hash)
    return _owners_of(hashes, nodes, scheme, vnodes, seed, hash)


def _owners_of(hashes, nodes, scheme, vnodes, seed, hash) -> np.ndarray:
    if scheme == "modulo":
        _check_common(nodes, vnodes, 1, seed, hash)
        return _modulo(hashes, nodes)
    return _ring_lookup(hashes, *ring_points(nodes, vnodes=vnodes, seed=seed, hash=hash))


def _check_added(nodes: int, added: int) -> int:
    n = _check.integer("nodes", nodes, 1, MAX_NODES)
    return _check.integer("added", added, 1 - n, MAX_NODES - n)


def moved_fraction(nodes: int, *, scheme: str = "ring", vnodes: int = 100, keys: int = 100_000, seed: int = 0,
                   added: int = 1, hash: str = "fast") -> float:
    """The share of keys whose node changes when ``added`` nodes join ``nodes`` (a negative ``added``: leave).

    Nodes leave from the end (node n-1 first). About 1/(n + 1) on a ring, n/(n + 1) under mod-N.

    >>> round(moved_fraction(10), 3), round(moved_fraction(10, scheme="modulo"), 3)
    (0.095, 0.91)
    """
    _check.choice("scheme", scheme, SCHEMES)
    a = _check_added(nodes, added)
    hashes = key_hashes(keys, seed=seed, hash=hash)
    before = _owners_of(hashes, nodes, scheme, vnodes, seed, hash)
    after = _owners_of(hashes, nodes + a, scheme, vnodes, seed, hash)
    return float(np.mean(before != after))


def expected_moved_fraction(nodes: int, *, scheme: str = "ring", added: int = 1) -> float:
    """The closed form of :func:`moved_fraction` for uniformly random hashes.

    Ring: the newcomers' share, added/(n + added) (leaving: the leavers' share, -added/n).
    Mod-N from n to m nodes: a key stays when h mod n = h mod m, which happens for min(n, m) of
    every lcm(n, m) consecutive hashes, so 1 - min(n, m)/lcm(n, m): n/(n + 1) for one more node.

    >>> expected_moved_fraction(10), expected_moved_fraction(10, scheme="modulo"), expected_moved_fraction(10, scheme="modulo", added=10)
    (0.09090909090909091, 0.9090909090909091, 0.5)
    """
    _check.choice("scheme", scheme, SCHEMES)
    a = _check_added(nodes, added)
    m = nodes + a
    if scheme == "ring":
        return a / m if a >= 0 else -a / nodes
    return 1 - min(nodes, m) / math.lcm(nodes, m)


def node_loads(nodes: int, *, vnodes: int = 100, keys: int = 100_000, seed: int = 0, hash: str = "fast") -> np.ndarray:
    """Keys per node on the ring.

    >>> node_loads(4, keys=1000).tolist()
    [271, 303, 216, 210]
    """
    n = _check.integer("nodes", nodes, 1, MAX_NODES)
    return np.bincount(owners(n, vnodes=vnodes, keys=keys, seed=seed, hash=hash), minlength=n)


def load_imbalance(nodes: int, *, vnodes: int = 100, keys: int = 100_000, seed: int = 0, hash: str = "fast") -> float:
    """The ring's most loaded node's keys over the mean (1 is perfect balance).

    >>> round(load_imbalance(10, vnodes=1), 2), round(load_imbalance(10, vnodes=1000), 2)
    (2.18, 1.07)
    """
    loads = node_loads(nodes, vnodes=vnodes, keys=keys, seed=seed, hash=hash)
    return float(loads.max() / loads.mean())


def ring_shares(nodes: int, *, vnodes: int = 100, seed: int = 0) -> np.ndarray:
    """Each node's share of the "fast" ring's hash space: its load as the keys grow without bound.

    >>> ring_shares(2, vnodes=1).round(3).tolist()
    [0.255, 0.745]
    """
    points, owner = ring_points(nodes, vnodes=vnodes, seed=seed)
    unit = points.astype(np.float64) / 2.0**64
    arcs = np.diff(unit, prepend=unit[-1] - 1.0)  # a point owns the arc that ends at it
    return np.bincount(owner, weights=arcs, minlength=nodes)


def share_spread(nodes: int, vnodes: int) -> float:
    """The standard deviation of a node's share of a ring with random points, times n: sqrt((n-1)/(nV+1)).

    The n·V points cut the ring into arcs with a flat Dirichlet law, so a node's V arcs add up to a
    Beta(V, (n-1)V) share, of mean 1/n and variance (n-1)/(n²(nV+1)).

    >>> round(share_spread(10, 1), 3), round(share_spread(10, 100), 3)
    (0.905, 0.095)
    """
    n = _check.integer("nodes", nodes, 1, MAX_NODES)
    v = _check.integer("vnodes", vnodes, 1, MAX_VNODES)
    return math.sqrt((n - 1) / (n * v + 1))


def expected_imbalance(nodes: int, vnodes: int, *, draws: int = 2_000, seed: int = 0) -> float:
    """The expected max/mean of node shares for random points: n · E[max of Dirichlet(V, ..., V)], by sampling.

    Independent of the ring's hashing: it draws the shares as normalised Gamma(V) variables.

    >>> round(expected_imbalance(10, 1), 1), round(expected_imbalance(10, 100), 2)
    (2.9, 1.16)
    """
    n = _check.integer("nodes", nodes, 1, MAX_NODES)
    v = _check.integer("vnodes", vnodes, 1, MAX_VNODES)
    d = _check.integer("draws", draws, 1, 1_000_000)
    s = _check.seed(seed)
    gamma = np.random.default_rng(s).gamma(v, size=(d, n))
    return float(np.mean(n * gamma.max(axis=1) / gamma.sum(axis=1)))


@dataclass(frozen=True)
class RingChange:
    """What one change of the node count does under each scheme, on the same keys.

    ``moved``/``expected``: the share of keys that move, per scheme (simulated, closed form).
    ``loads``: keys per node after the change (ring and mod-N). ``strip_*``: per bin of the hash
    space (the ring unrolled), the ring's owner before and after, and the share of the bin's keys
    that moved under each scheme. ``only_to_new``: every key the ring moved went to a newcomer
    (joining) or came from a leaver (leaving).
    """

    nodes: int
    added: int
    vnodes: int
    moved: dict
    expected: dict
    loads: dict
    imbalance: dict
    strip_before: np.ndarray
    strip_after: np.ndarray
    strip_moved: dict
    only_to_new: bool


@functools.lru_cache(maxsize=4)
def _sorted_key_hashes(keys: int, seed: int) -> np.ndarray:
    """The fast hashes of keys 0..keys-1 in increasing order (read-only, cached): sorted needles make
    ``np.searchsorted`` several times faster, and which key is which does not matter to counts."""
    hashes = np.sort(key_hashes(keys, seed=seed))
    hashes.flags.writeable = False
    return hashes


def ring_change(nodes: int, *, added: int = 1, vnodes: int = 100, keys: int = 100_000, seed: int = 0,
                bins: int = 360) -> RingChange:
    """Ring against mod-N for one change of the node count, with the ring unrolled into ``bins`` bins.

    >>> change = ring_change(10)
    >>> round(change.moved["ring"], 3), round(change.moved["modulo"], 3), change.only_to_new
    (0.095, 0.91, True)
    """
    a = _check_added(nodes, added)
    b = _check.integer("bins", bins, 1, 100_000)
    _check_common(nodes, vnodes, keys, seed, "fast")
    hashes = _sorted_key_hashes(keys, seed)
    counts = {"before": nodes, "after": nodes + a}
    rings = {when: ring_points(n, vnodes=vnodes, seed=seed) for when, n in counts.items()}
    own = {("ring", when): _ring_lookup(hashes, *rings[when]) for when in counts}
    own |= {("modulo", when): _modulo(hashes, n) for when, n in counts.items()}
    moved = {scheme: own[scheme, "before"] != own[scheme, "after"] for scheme in SCHEMES}
    # Bin j of the unrolled ring holds the hashes h with floor(h·bins / 2**64) = j; the hashes are sorted.
    edges = np.searchsorted(hashes, np.array([-(-j * 2**64 // b) for j in range(b)], dtype=_U64))
    edges = np.append(edges, len(hashes))
    per_bin = np.maximum(np.diff(edges), 1)
    mids = ((np.arange(b) + 0.5) / b * 2.0**64).astype(_U64)
    strips = {when: _ring_lookup(mids, *rings[when]) for when in counts}
    changed = moved["ring"]
    newcomer = own["ring", "after"][changed] >= nodes if a > 0 else own["ring", "before"][changed] >= nodes + a
    loads = {scheme: np.bincount(own[scheme, "after"], minlength=nodes + a) for scheme in SCHEMES}
    return RingChange(
        nodes=nodes, added=a, vnodes=vnodes,
        moved={scheme: float(m.mean()) for scheme, m in moved.items()},
        expected={scheme: expected_moved_fraction(nodes, scheme=scheme, added=a) for scheme in SCHEMES},
        loads=loads, imbalance={scheme: float(load.max() / load.mean()) for scheme, load in loads.items()},
        strip_before=strips["before"], strip_after=strips["after"],
        strip_moved={scheme: np.diff(np.concatenate([[0], np.cumsum(m)])[edges]) / per_bin
                     for scheme, m in moved.items()},
        only_to_new=bool(np.all(newcomer)),
    )


# --------------------------------------------------------------------------
# Range queries: key-range against hash partitioning
# --------------------------------------------------------------------------


def expected_scatter_gather(shards: int, width: int, *, scheme: str = "range", keys: int = 10_000) -> float:
    """Shards a query over ``width`` consecutive keys touches, closed form, its start uniform over 0..keys-width.

    Key-range (shard j starts at key ceil(j·keys/S)): 1 plus, for each of the S - 1 shard boundaries,
    the share of starts whose query crosses it; about 1 + (width - 1)/span for span = keys/S, at most S.
    Hash (each key on a random shard): S(1 - (1 - 1/S)**width), at most min(S, width).

    >>> round(expected_scatter_gather(10, 100), 4), round(expected_scatter_gather(10, 100, scheme="hash"), 3)
    (1.09, 10.0)
    """
    s = _check.integer("shards", shards, 1, MAX_SHARDS)
    k = _check.integer("keys", keys, s, MAX_KEYS)
    w = _check.integer("width", width, 1, k)
    _check.choice("scheme", scheme, ("range", "hash"))
    if scheme == "hash":
        return s * -math.expm1(w * math.log1p(-1 / s)) if s > 1 else 1.0
    starts = k - w + 1
    crossing = 0
    for j in range(1, s):
        b = -(-j * k // s)  # the first key of shard j; a query from a crosses it when a < b <= a + w - 1
        crossing += max(0, min(b - 1, k - w) - max(0, b - w + 1) + 1)
    return 1 + crossing / starts


def scatter_gather(shards: int, width: int, *, keys: int = 10_000, seed: int = 0) -> dict[str, float]:
    """The mean number of shards a range query over ``width`` consecutive keys touches, over every start.

    Key-range: key i on shard i·S // keys. Hash: key i on the shard of its hash's range (its top bits).

    >>> {k: round(v, 2) for k, v in scatter_gather(10, 100).items()}
    {'range': 1.09, 'hash': 10.0}
    """
    s = _check.integer("shards", shards, 1, MAX_SHARDS)
    k = _check.integer("keys", keys, s, 1_000_000)
    w = _check.integer("width", width, 1, k)
    if k * s > 50_000_000:
        raise ValueError(f"keys × shards must be at most 50,000,000, got {k * s:,}")
    starts = np.arange(k - w + 1)
    by_range = np.arange(k) * s // k
    touched_range = by_range[starts + w - 1] - by_range[starts] + 1
    by_hash = _hash_shard(key_hashes(k, seed=seed), s)
    prefix = np.zeros((k + 1, s), dtype=np.int32)
    np.add.at(prefix, (np.arange(1, k + 1), by_hash), 1)
    prefix = prefix.cumsum(axis=0, dtype=np.int32)
    touched_hash = ((prefix[starts + w] - prefix[starts]) > 0).sum(axis=1)
    return {"range": float(touched_range.mean()), "hash": float(touched_hash.mean())}


def _hash_shard(hashes: np.ndarray, shards: int) -> np.ndarray:
    """Hash partitioning: shard s holds the hashes in [s, s + 1) · 2**64 / S, i.e. floor(h · S / 2**64).

    Exact in uint64: h = high · 2**32 + low, so floor(h·S / 2**64) = (high·S + (low·S >> 32)) >> 32.
    """
    size, low_bits = _U64(shards), _U64(0xFFFFFFFF)
    high, low = hashes >> _U64(32), hashes & low_bits
    return ((high * size + ((low * size) >> _U64(32))) >> _U64(32)).astype(np.int64)


# --------------------------------------------------------------------------
# Hot keys and salting
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class HotKeyLoad:
    """Requests per shard, as a share of all client requests, before and after salting the hot key.

    ``fan_out``: distinct shards one read of the hot key must visit after salting (1 before).
    ``requests``: shard requests per client request after salting (1 before: reads fan out).
    ``bound``: the hottest shard's load if every sub-key landed on its own shard,
    h·(1 - r)/k + h·r + (1 - h)/S.
    """

    before: np.ndarray
    after: np.ndarray
    hot_shard: int
    sub_key_shards: tuple[int, ...]
    fan_out: int
    requests: float
    bound: float

    @property
    def hottest(self) -> tuple[float, float]:
        """The hottest shard's share of the requests, before and after."""
        return float(self.before.max()), float(self.after.max())


def hot_key_load(shards: int, *, hot_share: float = 0.2, salt: int = 1, read_share: float = 0.0,
                 keys: int = 10_000, seed: int = 0) -> HotKeyLoad:
    """One celebrity key takes ``hot_share`` of the requests; the others spread over ``keys`` ordinary keys.

    Salting appends a suffix 0..salt-1 to the hot key: a write goes to one sub-key (spread evenly),
    a read must read them all, one request per distinct shard holding one. Every key is placed by
    hash partitioning (:func:`scatter_gather`'s), the hot key's sub-keys as keys ``keys``, ``keys``+1, ...

    >>> load = hot_key_load(10, hot_share=0.3, salt=5)
    >>> [round(x, 3) for x in load.hottest], load.fan_out
    ([0.377, 0.137], 5)
    """
    s = _check.integer("shards", shards, 1, MAX_SHARDS)
    h = _check.number("hot_share", hot_share, 0, 1)
    k = _check.integer("salt", salt, 1, MAX_SHARDS)
    r = _check.number("read_share", read_share, 0, 1)
    n = _check.integer("keys", keys, 1, 1_000_000)
    sd = _check.seed(seed)
    shard = _hash_shard(key_hashes(n + k, seed=sd), s)
    background = (1 - h) * np.bincount(shard[:n], minlength=s) / n
    subs = shard[n:]
    before = background.copy()
    before[subs[0]] += h
    held = np.unique(subs)
    after = background + h * (1 - r) * np.bincount(subs, minlength=s) / k
    after[held] += h * r
    return HotKeyLoad(before=before, after=after, hot_shard=int(subs[0]), sub_key_shards=tuple(map(int, subs)),
                      fan_out=len(held), requests=float(after.sum()),
                      bound=h * (1 - r) / k + h * r + (1 - h) / s)


def hot_key_table(load: HotKeyLoad) -> pd.DataFrame:
    """Before and after salting: the hottest shard's share of the client requests and that share over
    the even share 1/S, the shards one read of the hot key visits, and shard requests per client request.

    >>> hot_key_table(hot_key_load(10, hot_share=0.3, salt=5))["÷ even share"].round(2).tolist()
    [3.77, 1.37]
    """
    s = len(load.before)
    rows = {
        "before": (load.before.max(), load.before.max() * s, 1, 1.0),
        "after": (load.after.max(), load.after.max() * s, load.fan_out, load.requests),
    }
    return pd.DataFrame.from_dict(rows, orient="index",
                                  columns=["hottest shard", "÷ even share", "shards per hot read",
                                           "shard requests per request"])
