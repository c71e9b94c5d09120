"""Sketches' model: HyperLogLog, Count-Min and Bloom filters, their closed forms and their measured error.

Plain functions and frozen dataclasses, no view code (the views are in :mod:`.views`).

* **Closed forms.** :func:`hll_standard_error` (1.04/√m, Flajolet, Fusy, Gandouet & Meunier 2007),
  :func:`hll_memory_bytes`, :func:`count_min_dimensions` (Cormode & Muthukrishnan 2005),
  :func:`bloom_false_positive_rate`, :func:`bloom_optimal_hashes` and :func:`bloom_size`
  (Bloom 1970; the forms in Broder & Mitzenmacher 2004).
* **Working sketches**, vectorised with numpy and seeded: :func:`hyperloglog`, :func:`count_min` and
  :func:`bloom_filter`. Every item goes through one hash, :func:`hash64`: a 64-bit fingerprint of the
  item (an integer as its 64-bit two's complement, a string as its 8-byte BLAKE2b digest), XORed with a
  key drawn from the seed, then splitmix64's finaliser (Steele, Lea & Flood 2014). Same items and
  seed, same hashes, on any machine.
* **What the widget shows**: :func:`hll_error_curve`, :func:`hll_regime`, :func:`count_min_overestimate`,
  :func:`bloom_measured_fpr`, :func:`bloom_fpr_curve`, :func:`bloom_formula_curve` and
  :func:`exact_vs_approximate_memory`.

Sizes are in bytes; where a size is written out, decimal units are powers of 1,000 (kB, MB) and
binary units powers of 1,024 (KiB, MiB).
"""

from __future__ import annotations

import hashlib
import math
import numbers
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from widgets import _check
from widgets.caching.model import zipf_keys
from widgets.capacity.model import human_bytes

#: Largest stream a working sketch takes at once, in items.
MAX_ITEMS = 10**7
#: Precisions of HyperLogLog++ (Heule, Nunkesser & Hall 2013): 16 to 262,144 registers.
MIN_PRECISION, MAX_PRECISION = 4, 18
#: Largest Bloom filter or Count-Min table built here (one byte a bit or eight a counter).
MAX_BLOOM_BITS = 2**24
MAX_COUNT_MIN_CELLS = 2**22
MAX_WORKING_HASHES = 64
#: Largest sizes the closed forms take (no memory is allocated for them).
MAX_BITS = 2**53
MAX_HASHES = 1_000
#: The Count-Min hashes' prime, 2^31 − 1, as in Cormode & Muthukrishnan's own code.
PRIME = 2**31 - 1

_GAMMA = 0x9E3779B97F4A7C15  # splitmix64's increment, 2^64 / the golden ratio
_MASK64 = 2**64 - 1

# --------------------------------------------------------------------------
# The hash
# --------------------------------------------------------------------------


def _mix(z: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser, on an array of uint64 (arithmetic wraps modulo 2^64)."""
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


def _seed_key(seed: int) -> np.uint64:
    """A 64-bit key for the seed: splitmix64's output for the state (seed + 1) × γ."""
    seed = _check.seed(seed)
    return _mix(np.array([(seed + 1) * _GAMMA & _MASK64], dtype=np.uint64))[0]


def _fingerprints(items) -> np.ndarray:
    """The items as uint64: integers as their 64-bit two's complement, strings as 8 bytes of BLAKE2b.

    A numpy array is taken as it is; any other iterable is read item by item, so a list mixing
    integers and strings is refused rather than turned into strings.
    """
    if isinstance(items, range):
        items = np.arange(items.start, items.stop, items.step)
    values = items if isinstance(items, np.ndarray) else np.array(list(items), dtype=object)
    if values.ndim != 1 or len(values) > MAX_ITEMS:
        raise ValueError(f"items must be a one-dimensional sequence of at most {MAX_ITEMS:,} items, "
                         f"got shape {values.shape}")
    if values.dtype.kind == "O" and len(values):
        if all(isinstance(v, str) for v in values):
            digests = b"".join(hashlib.blake2b(v.encode(), digest_size=8).digest() for v in values)
            return np.frombuffer(digests, dtype="<u8").astype(np.uint64)
        if all(isinstance(v, numbers.Integral) and not isinstance(v, bool) and -(2**63) <= v < 2**64
               for v in values):
            return np.array([int(v) & _MASK64 for v in values], dtype=np.uint64)  # two's complement
    if values.dtype.kind == "u":
        return values.astype(np.uint64)
    if values.dtype.kind == "i" or len(values) == 0:
        return values.astype(np.int64).view(np.uint64)
    if values.dtype.kind == "U":
        return _fingerprints(values.astype(object))
    raise ValueError(f"items must be all integers (64-bit) or all strings, got {values.dtype} values")


def hash64(items, seed: int = 0) -> np.ndarray:
    """One seeded 64-bit hash per item (uint64): splitmix64's finaliser of fingerprint XOR seed key.

    The same item and seed always give the same hash; distinct integers never collide.

    >>> hash64([1, 2], seed=0).tolist() == hash64([1, 2], seed=0).tolist() != hash64([1, 2], seed=1).tolist()
    True
    >>> int(hash64(["a"])[0]) == int(hash64(np.array(["a"], dtype=object))[0])
    True
    """
    return _mix(_fingerprints(items) ^ _seed_key(seed))


# --------------------------------------------------------------------------
# HyperLogLog
# --------------------------------------------------------------------------


def hll_standard_error(registers: int) -> float:
    """Relative standard error of HyperLogLog with ``registers`` (m) registers: 1.04/√m.

    The course's convention, after Flajolet, Fusy, Gandouet & Meunier (2007), whose constant is
    √(3 ln 2 − 1) ≈ 1.03896. 16,384 registers: 0.8125 %.

    >>> hll_standard_error(16_384)
    0.008125
    """
    registers = _check.integer("registers", registers, 2**MIN_PRECISION, 2**32)
    return 1.04 / math.sqrt(registers)


def hll_memory_bytes(precision: int, register_bits: int = 6) -> int:
    """Bytes of a HyperLogLog's 2**precision registers of ``register_bits`` bits each (no header).

    Six bits hold any rank of a 64-bit hash. Precision 14: 16,384 registers, 12,288 bytes.

    >>> hll_memory_bytes(14), hll_memory_bytes(14, register_bits=8)
    (12288, 16384)
    """
    precision = _check.integer("precision", precision, MIN_PRECISION, MAX_PRECISION)
    register_bits = _check.integer("register_bits", register_bits, 1, 64)
    return math.ceil(2**precision * register_bits / 8)


def hll_precision(relative_error: float) -> int:
    """The smallest precision p whose standard error 1.04/√(2^p) is at most ``relative_error``.

    >>> hll_precision(0.01), hll_precision(0.0325), hll_precision(0.5)
    (14, 10, 4)
    """
    smallest = hll_standard_error(2**MAX_PRECISION)
    relative_error = _check.number("relative_error", relative_error, smallest, 1, open_high=True)
    needed = math.log2((1.04 / relative_error) ** 2)
    return max(MIN_PRECISION, math.ceil(needed - 1e-9))  # 1e-9: 1.04/0.0325 is 32 up to rounding


def hll_regime(cardinality: int, registers: int) -> str:
    """Where ``cardinality`` distinct items sit for :func:`hll_estimate` with ``registers`` (m) registers.

    * ``"linear counting"`` up to 2 m: the small-range correction, at or below 1.04/√m;
    * ``"near the switch"`` above 2 m and up to 5 m: around 2.5 m the estimator hands over from linear
      counting, whose error grows with n/m, to the raw estimate, biased upwards below about 5 m
      (HyperLogLog++'s empirical bias correction is not applied). With 4,096 registers the rms error
      peaks near 1.8 × 1.04/√m at 2.5 m; the peak is lower with fewer registers;
    * ``"raw estimate"`` above 5 m: about 1.04/√m.

    >>> [hll_regime(10_000, 2**p) for p in (10, 11, 12, 13)]
    ['raw estimate', 'near the switch', 'near the switch', 'linear counting']
    """
    cardinality = _check.integer("cardinality", cardinality, 0, MAX_BITS)
    registers = _check.integer("registers", registers, 2**MIN_PRECISION, 2**32)
    if cardinality <= 2 * registers:
        return "linear counting"
    return "near the switch" if cardinality <= 5 * registers else "raw estimate"


@dataclass(frozen=True, eq=False)
class HyperLogLog:
    """A HyperLogLog sketch: 2**precision registers, each the largest rank seen in its share of the hashes.

    ``registers`` is a read-only uint8 array. ``estimate`` is the distinct count it estimates.

    >>> hyperloglog(range(1_000), precision=10).estimate > 900
    True
    """

    precision: int
    seed: int
    registers: np.ndarray

    @property
    def estimate(self) -> float:
        """Estimated number of distinct items (see :func:`hll_estimate`)."""
        return float(hll_estimate(self.registers))


def _bit_length(x: np.ndarray) -> np.ndarray:
    """Bits needed to write each uint64 (0 for 0), exactly: frexp on 32-bit halves, which floats hold exactly."""
    high, low = (x >> np.uint64(32)).astype(float), (x & np.uint64(0xFFFFFFFF)).astype(float)
    return np.where(high > 0, 32 + np.frexp(high)[1], np.frexp(low)[1])


def _registers(hashes: np.ndarray, precision: int) -> np.ndarray:
    """Registers (runs, 2**p) from hashes (runs, n): the top p bits pick a register, the rest give a rank.

    The rank is the position of the first 1 bit in the remaining 64 − p bits (1 for a leading 1,
    65 − p if they are all 0), and each register keeps the largest rank it sees: that of its
    smallest remainder, so only one bit length per register is needed, not one per hash.
    """
    runs, m, tail_bits = hashes.shape[0], 2**precision, 64 - precision
    index = (hashes >> np.uint64(tail_bits)).astype(np.intp) + m * np.arange(runs)[:, None]
    empty = np.uint64(2**tail_bits)  # above every remainder
    smallest = np.full(runs * m, empty, dtype=np.uint64)
    np.minimum.at(smallest, index.ravel(), (hashes & np.uint64(2**tail_bits - 1)).ravel())
    filled = np.flatnonzero(smallest != empty)
    tails = smallest[filled]
    # A remainder below 2^53 is a float exactly, so one frexp gives its bit length.
    lengths = np.frexp(tails.astype(float))[1] if tail_bits <= 53 else _bit_length(tails)
    ranks = np.zeros(runs * m, dtype=np.uint8)
    ranks[filled] = tail_bits + 1 - lengths
    return ranks.reshape(runs, m)


def _halve(registers: np.ndarray) -> np.ndarray:
    """Registers at precision p − 1 from registers at p (last axis), exactly as if built from the hashes.

    Registers 2j and 2j + 1 at p share register j at p − 1, where the bit that told them apart
    becomes the first bit of the rank: 1 (rank 1) for register 2j + 1's hashes, 0 (rank + 1) for 2j's.

    >>> _halve(np.array([0, 0, 0, 3, 2, 0, 2, 5], dtype=np.uint8)).tolist()
    [0, 1, 3, 3]
    """
    even, odd = registers[..., 0::2], registers[..., 1::2]
    return np.maximum(np.where(even > 0, even + 1, 0), odd > 0).astype(np.uint8)


def _alpha(m: int) -> float:
    """The bias correction α_m of Flajolet et al. (2007)."""
    return {16: 0.673, 32: 0.697, 64: 0.709}.get(m, 0.7213 / (1 + 1.079 / m))


def hll_estimate(registers) -> np.ndarray | float:
    """The distinct count estimated from HyperLogLog registers (last axis), as in Flajolet et al. (2007).

    The raw estimate α_m m² / Σ 2^(−M[j]); where it is at most 2.5 m and some register is still 0,
    linear counting m ln(m / zeros) instead (the small-range correction). A 64-bit hash needs no
    large-range correction (Heule, Nunkesser & Hall 2013). HyperLogLog++'s empirical bias correction
    is not applied, so the error has a bump between about 2.5 m and 5 m distinct items.

    >>> float(hll_estimate(np.zeros(16, dtype=np.uint8)))
    0.0
    """
    registers = np.asarray(registers)
    m = registers.shape[-1]
    if not 2**MIN_PRECISION <= m <= 2**MAX_PRECISION or m & (m - 1):
        raise ValueError(f"registers must hold 2^p values on the last axis, p in [{MIN_PRECISION}, "
                         f"{MAX_PRECISION}], got {m} values")
    raw = _alpha(m) * m * m / np.exp2(-registers.astype(float)).sum(axis=-1)
    zeros = np.count_nonzero(registers == 0, axis=-1)
    linear = m * np.log(m / np.maximum(zeros, 1))
    return np.where((raw <= 2.5 * m) & (zeros > 0), linear, raw)


def _readonly(array: np.ndarray) -> np.ndarray:
    array.setflags(write=False)
    return array


def hyperloglog(items, precision: int = 12, *, seed: int = 0) -> HyperLogLog:
    """A HyperLogLog of the items (integers or strings) with 2**precision registers, hashed by :func:`hash64`.

    >>> sketch = hyperloglog(np.arange(100_000), precision=12, seed=1)
    >>> abs(sketch.estimate / 100_000 - 1) < 3 * hll_standard_error(4_096)
    True
    """
    precision = _check.integer("precision", precision, MIN_PRECISION, MAX_PRECISION)
    hashes = hash64(items, seed)
    return HyperLogLog(precision, seed, _readonly(_registers(hashes[None, :], precision)[0]))


def hll_error_curve(cardinality: int = 10_000, precisions: Iterable[int] = (4, 6, 8, 10, 12, 14), *,
                    runs: int = 10, seed: int = 0) -> pd.DataFrame:
    """HyperLogLog's measured relative error against its memory, beside 1.04/√m.

    Each run sketches the distinct integers 0 … cardinality − 1 with hash seed ``seed + run``
    (so run 0 is ``hyperloglog(range(cardinality), p, seed=seed)``); one hash per item serves every
    precision. One row per precision: ``registers``, ``memory_bytes`` (6-bit registers),
    ``standard_error`` (1.04/√m), ``rms_error`` and ``mean_error`` (measured, relative, over the runs)
    and ``estimate`` (run 0's).

    >>> hll_error_curve(10_000, (10,), runs=5)[["registers", "memory_bytes", "standard_error"]].values.tolist()
    [[1024.0, 768.0, 0.0325]]
    """
    cardinality = _check.integer("cardinality", cardinality, 1, MAX_ITEMS)
    precisions = [_check.integer("precisions", p, MIN_PRECISION, MAX_PRECISION) for p in precisions]
    runs = _check.integer("runs", runs, 1, 1_000)
    seed = _check.seed(seed, spare=1_000)
    if cardinality * runs > MAX_ITEMS:
        raise ValueError(f"cardinality × runs must be at most {MAX_ITEMS:,}, got {cardinality * runs:,}")
    fingerprints = _fingerprints(np.arange(cardinality))
    keys = np.array([_seed_key(seed + run) for run in range(runs)], dtype=np.uint64)
    hashes = _mix(fingerprints[None, :] ^ keys[:, None])
    # One pass over the hashes at the largest precision; each smaller one by halving (the same registers).
    registers = {max(precisions): _registers(hashes, max(precisions))} if precisions else {}
    for p in range(max(precisions, default=0) - 1, min(precisions, default=0) - 1, -1):
        registers[p] = _halve(registers[p + 1])
    rows = []
    for p in precisions:
        errors = hll_estimate(registers[p]) / cardinality - 1
        rows.append({"precision": p, "registers": 2**p, "memory_bytes": hll_memory_bytes(p),
                     "standard_error": hll_standard_error(2**p), "rms_error": math.sqrt(np.mean(errors**2)),
                     "mean_error": float(np.mean(errors)), "estimate": cardinality * (1 + float(errors[0]))})
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------
# Count-Min
# --------------------------------------------------------------------------


def _probability(name: str, value: float) -> float:
    return _check.number(name, value, 0, 1, open_low=True, open_high=True)


def count_min_dimensions(epsilon: float, delta: float) -> tuple[int, int]:
    """Width ⌈e/ε⌉ and depth ⌈ln(1/δ)⌉ of a Count-Min sketch (Cormode & Muthukrishnan 2005).

    Then every estimate is at least the true count, and at most the true count + ε N (N the
    stream's total count) with probability at least 1 − δ.

    >>> count_min_dimensions(0.01, 0.01)
    (272, 5)
    """
    epsilon, delta = _probability("epsilon", epsilon), _probability("delta", delta)
    return math.ceil(math.e / epsilon), math.ceil(math.log(1 / delta))


@dataclass(frozen=True, eq=False)
class CountMin:
    """A Count-Min sketch: ``depth`` rows of ``width`` counters (``table``, read-only int64).

    Row j counts item x in column h_j(x) = ((a_j x' + b_j) mod p) mod width, where x' is
    :func:`hash64` of x mod p, p = 2^31 − 1, and a_j ∈ [1, p), b_j ∈ [0, p) are drawn from the seed:
    a pairwise-independent family (Carter & Wegman 1979). An item's estimate is its smallest counter.

    >>> count_min([5, 5, 9], width=50, depth=3).estimate([5, 7]).tolist()
    [2, 0]
    """

    width: int
    depth: int
    seed: int
    table: np.ndarray

    def estimate(self, items) -> np.ndarray:
        """Estimated count of each item (int64): never below its true count."""
        columns = _count_min_columns(items, self.width, self.depth, self.seed)
        return self.table[np.arange(self.depth)[:, None], columns].min(axis=0)

    @property
    def total(self) -> int:
        """N, the number of items counted."""
        return int(self.table[0].sum())


def _count_min_columns(items, width: int, depth: int, seed: int) -> np.ndarray:
    """The column of each item in each row: shape (depth, items)."""
    x = hash64(items, seed) % np.uint64(PRIME)
    rng = np.random.default_rng(seed)
    a = rng.integers(1, PRIME, depth, dtype=np.uint64)[:, None]
    b = rng.integers(0, PRIME, depth, dtype=np.uint64)[:, None]
    return ((a * x[None, :] + b) % np.uint64(PRIME) % np.uint64(width)).astype(np.intp)  # a x + b < 2^63


def count_min(items, width: int, depth: int, *, seed: int = 0, counts=None) -> CountMin:
    """A Count-Min sketch of the items (integers or strings), each counted once per occurrence.

    ``counts``, if given, counts each item that many times instead (the same table as the items
    repeated, hashed once each).

    >>> sketch = count_min(np.repeat([1, 2, 3], [10, 20, 30]), width=272, depth=5)
    >>> sketch.estimate([1, 2, 3]).tolist(), sketch.total
    ([10, 20, 30], 60)
    >>> count_min([1, 2, 3], width=272, depth=5, counts=[10, 20, 30]).table.tolist() == sketch.table.tolist()
    True
    """
    width = _check.integer("width", width, 1, MAX_COUNT_MIN_CELLS)
    depth = _check.integer("depth", depth, 1, MAX_COUNT_MIN_CELLS // width)
    columns = _count_min_columns(items, width, depth, seed)
    weights = None
    if counts is not None:
        weights = np.asarray(counts)
        if weights.shape != columns.shape[1:] or weights.dtype.kind not in "iu" or (weights < 0).any():
            raise ValueError(f"counts must be one integer >= 0 per item, got shape {weights.shape} of "
                             f"{weights.dtype} for {columns.shape[1]} items")
        weights = np.tile(weights, depth).astype(float)  # exact: float64 holds integers below 2^53
    cells = (np.arange(depth)[:, None] * width + columns).ravel()
    table = np.bincount(cells, weights, minlength=depth * width).astype(np.int64).reshape(depth, width)
    return CountMin(width, depth, seed, _readonly(table))


@dataclass(frozen=True, eq=False)
class HeavyHitters:
    """Result of :func:`count_min_overestimate`.

    ``top`` has one row per most frequent key: ``key``, ``true``, ``estimate``, ``overestimate``.
    ``bound`` is ε N with ε = e/width; ``confidence`` = 1 − e^(−depth) is the promised chance that a
    key's overestimate is within it; ``within_bound`` is the measured share of all keys seen that are.
    """

    width: int
    depth: int
    total: int
    bound: float
    confidence: float
    within_bound: float
    mean_overestimate: float
    top: pd.DataFrame


def count_min_overestimate(n_keys: int = 10_000, alpha: float = 1.0, n_requests: int = 100_000,
                           width: int = 272, depth: int = 5, *, top: int = 10, seed: int = 0) -> HeavyHitters:
    """True against Count-Min counts on a seeded Zipf stream (``caching.zipf_keys``: key i ∝ (i+1)^−alpha).

    >>> result = count_min_overestimate(1_000, 1.0, 10_000, width=100, depth=4, top=3)
    >>> result.top["key"].tolist(), bool((result.top["overestimate"] >= 0).all())
    ([0, 1, 2], True)
    """
    top = _check.integer("top", top, 1, 1_000)
    keys = zipf_keys(n_keys, alpha, n_requests, seed)
    counts = np.bincount(keys, minlength=n_keys)  # keys are 0 … n_keys − 1: as np.unique, without a sort
    seen = np.flatnonzero(counts)
    true = counts[seen]
    sketch = count_min(seen, width, depth, seed=seed, counts=true)  # as count_min(keys, ...), hashing each key once
    over = sketch.estimate(seen) - true
    bound = math.e / sketch.width * sketch.total
    order = np.argsort(-true, kind="stable")[:top]
    table = pd.DataFrame({"key": seen[order], "true": true[order], "estimate": true[order] + over[order],
                          "overestimate": over[order]})
    return HeavyHitters(sketch.width, sketch.depth, sketch.total, bound, 1 - math.exp(-sketch.depth),
                        float(np.mean(over <= bound)) if len(seen) else 1.0,
                        float(np.mean(over)) if len(seen) else 0.0, table)


# --------------------------------------------------------------------------
# Bloom filters
# --------------------------------------------------------------------------


def bloom_false_positive_rate(bits: int, items: int, hashes: int, *, exact: bool = False) -> float:
    """Chance that a Bloom filter of m bits, n items and k hashes says yes to an item it lacks.

    (1 − e^(−kn/m))^k; with ``exact``, (1 − (1 − 1/m)^(kn))^k, the form before e^x replaces the power
    (Bloom 1970; Broder & Mitzenmacher 2004). Both treat the k probed bits as set independently, which
    slightly understates the true rate of a small filter (Bose et al. 2008); the gap vanishes as m grows.

    >>> round(bloom_false_positive_rate(9_586, 1_000, 7), 5), round(bloom_false_positive_rate(10, 1, 1, exact=True), 5)
    (0.01003, 0.1)
    """
    bits = _check.integer("bits", bits, 1, MAX_BITS)
    items = _check.integer("items", items, 0, MAX_BITS)
    hashes = _check.integer("hashes", hashes, 1, MAX_HASHES)
    if exact:
        unset = math.exp(hashes * items * math.log1p(-1 / bits)) if bits > 1 else float(items == 0)
    else:
        unset = math.exp(-hashes * items / bits)
    return (1 - unset) ** hashes


def bloom_optimal_hashes(bits: int, items: int) -> float:
    """The number of hashes (m/n) ln 2, as a float, that minimises (1 − e^(−kn/m))^k.

    >>> round(bloom_optimal_hashes(10_000, 1_000), 3)
    6.931
    """
    bits = _check.integer("bits", bits, 1, MAX_BITS)
    items = _check.integer("items", items, 1, MAX_BITS)
    return bits / items * math.log(2)


def bloom_formula_curve(items: int, bits_per_item: Iterable[float], hashes: int | None = None) -> np.ndarray:
    """:func:`bloom_false_positive_rate` at each bits per item (⌈bits_per_item × items⌉ bits), as an array.

    ``hashes`` fixed, or None for the optimal number at each size, rounded (at least 1), as in
    :func:`bloom_measured_fpr`.

    >>> bloom_formula_curve(1_000, (5, 10), hashes=1).round(4).tolist()
    [0.1813, 0.0952]
    >>> bloom_formula_curve(1_000, (10,)).round(4).tolist()
    [0.0082]
    """
    items = _check.integer("items", items, 1, MAX_BITS)
    rates = []
    for b in bits_per_item:
        bits = max(1, math.ceil(_check.number("bits_per_item", b, 0, MAX_BITS / items, open_low=True) * items))
        k = max(1, round(bloom_optimal_hashes(bits, items))) if hashes is None else hashes
        rates.append(bloom_false_positive_rate(bits, items, k))
    return np.array(rates, dtype=float)


def bloom_size(items: int, false_positive_rate: float) -> tuple[int, int]:
    """Bits ⌈−n ln p / (ln 2)²⌉ and hashes round((bits/n) ln 2) for n items at false positive rate p.

    The hashes are at least 1 (the rounding gives 0 only for p above about 0.7).
    1,000 items at 1 %: 9,586 bits (1,199 bytes) and 7 hashes.

    >>> bloom_size(1_000, 0.01)
    (9586, 7)
    """
    items = _check.integer("items", items, 1, MAX_BITS)
    p = _probability("false_positive_rate", false_positive_rate)
    bits = math.ceil(-items * math.log(p) / math.log(2) ** 2)
    return bits, max(1, round(bits / items * math.log(2)))


@dataclass(frozen=True, eq=False)
class BloomFilter:
    """A Bloom filter of ``bits`` bits (``array``, read-only bool) set by ``hashes`` positions an item.

    Item x sets positions (h1 + i h2) mod m for i = 0 … k − 1, where h1 and h2 are the low and high
    32 bits of :func:`hash64` (double hashing, Kirsch & Mitzenmacher 2006).

    >>> bloom_filter(["a", "b"], bits=64, hashes=3).contains(["a", "b"]).tolist()
    [True, True]
    """

    bits: int
    hashes: int
    seed: int
    array: np.ndarray

    def contains(self, items) -> np.ndarray:
        """For each item, whether the filter may hold it (bool): never False for an item added.

        Probes hash by hash, and only the items whose bits were all set so far: the same answers as
        checking all k positions, at about 1/(1 − fill) probes an absent item instead of k.
        """
        h1, h2 = _double_hash(items, self.seed)
        maybe = np.arange(len(h1))
        for i in range(self.hashes):
            maybe = maybe[self.array[((h1[maybe] + np.uint64(i) * h2[maybe]) % np.uint64(self.bits)).astype(np.intp)]]
        found = np.zeros(len(h1), dtype=bool)
        found[maybe] = True
        return found

    @property
    def fill(self) -> float:
        """Share of the bits set."""
        return float(self.array.mean())


def _double_hash(items, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """h1 and h2, the low and high 32 bits of each item's hash: its i-th position is (h1 + i h2) mod m."""
    h = hash64(items, seed)
    return h & np.uint64(0xFFFFFFFF), h >> np.uint64(32)


def _bloom_positions(items, bits: int, hashes: int, seed: int) -> np.ndarray:
    """Each item's k bit positions, shape (items, hashes)."""
    h1, h2 = _double_hash(items, seed)
    steps = np.arange(hashes, dtype=np.uint64)
    return ((h1[:, None] + steps * h2[:, None]) % np.uint64(bits)).astype(np.intp)


def bloom_filter(items, bits: int, hashes: int, *, seed: int = 0) -> BloomFilter:
    """A Bloom filter of ``bits`` bits and ``hashes`` hashes holding the items (integers or strings).

    >>> bloom_filter(range(100), bits=1_000, hashes=7).fill < 1 - math.exp(-7 * 100 / 1_000) + 0.05
    True
    """
    bits = _check.integer("bits", bits, 1, MAX_BLOOM_BITS)
    hashes = _check.integer("hashes", hashes, 1, MAX_WORKING_HASHES)
    array = np.zeros(bits, dtype=bool)
    array[_bloom_positions(items, bits, hashes, seed).ravel()] = True
    return BloomFilter(bits, hashes, seed, _readonly(array))


@dataclass(frozen=True)
class BloomMeasurement:
    """Result of :func:`bloom_measured_fpr`: the measured false positive rate beside the formulas.

    ``standard_error`` is the binomial √(f(1 − f)/queries) of the measurement, with f the formula.
    """

    bits: int
    items: int
    hashes: int
    queries: int
    false_positives: int
    measured: float
    formula: float
    exact: float
    standard_error: float


def bloom_measured_fpr(bits_per_item: float = 10, hashes: int | None = None, items: int = 10_000, *,
                       queries: int = 20_000, seed: int = 0) -> BloomMeasurement:
    """Insert ``items`` distinct integers, ask about ``queries`` others, count the false positives.

    The filter has ⌈bits_per_item × items⌉ bits and ``hashes`` hashes (None: the optimal number,
    rounded, at least 1). The inserted items are 0 … items − 1, the queries the next ``queries`` integers.

    >>> result = bloom_measured_fpr(10, 7, 10_000, queries=20_000, seed=1)
    >>> result.bits, round(result.formula, 4), abs(result.measured - result.formula) < 4 * result.standard_error
    (100000, 0.0082, True)
    """
    items = _check.integer("items", items, 1, MAX_ITEMS)
    bits_per_item = _check.number("bits_per_item", bits_per_item, 0, MAX_BLOOM_BITS / items, open_low=True)
    bits = max(1, math.ceil(bits_per_item * items))
    if hashes is None:
        hashes = max(1, round(bloom_optimal_hashes(bits, items)))
    queries = _check.integer("queries", queries, 1, MAX_ITEMS)
    hashes = _check.integer("hashes", hashes, 1, MAX_WORKING_HASHES)
    bloom = bloom_filter(np.arange(items), bits, hashes, seed=seed)
    false_positives = int(bloom.contains(np.arange(items, items + queries)).sum())
    formula = bloom_false_positive_rate(bits, items, hashes)
    return BloomMeasurement(bits, items, hashes, queries, false_positives, false_positives / queries, formula,
                            bloom_false_positive_rate(bits, items, hashes, exact=True),
                            math.sqrt(formula * (1 - formula) / queries))


def bloom_fpr_curve(items: int = 10_000, bits_per_item: Iterable[float] = (2, 4, 6, 8, 10, 12, 14, 16), *,
                    queries: int = 20_000, seed: int = 0) -> pd.DataFrame:
    """A Bloom filter's false positive rate against its bits per item, each with the optimal hashes.

    One row per bits per item: ``bits_per_item``, ``hashes``, ``measured``, ``formula`` and
    ``standard_error`` (see :func:`bloom_measured_fpr`, whose results these are).

    >>> bloom_fpr_curve(1_000, (8, 16), queries=1_000)["hashes"].tolist()
    [6, 11]
    """
    rows = [bloom_measured_fpr(b, None, items, queries=queries, seed=seed) for b in bits_per_item]
    return pd.DataFrame({"bits_per_item": [r.bits / r.items for r in rows], "hashes": [r.hashes for r in rows],
                         "measured": [r.measured for r in rows], "formula": [r.formula for r in rows],
                         "standard_error": [r.standard_error for r in rows]})


# --------------------------------------------------------------------------
# Exact against approximate
# --------------------------------------------------------------------------


def exact_vs_approximate_memory(distinct_items: int = 100_000_000, *, relative_error: float = 0.01,
                                epsilon: float = 0.0001, delta: float = 0.01, false_positive_rate: float = 0.01,
                                id_bytes: int = 16, counter_bytes: int = 8) -> pd.DataFrame:
    """Memory of exact structures against sketches for ``distinct_items`` distinct ids.

    One row per structure, with what it ``answers``, its ``error``, its size in ``bytes`` and that size
    written in ``decimal`` (kB = 1,000 B) and ``binary`` (KiB = 1,024 B) units:

    * an exact set of the ids (``id_bytes`` each) and an exact hash map of id → count
      (plus ``counter_bytes``): payload only, so a lower bound (a real hash table adds pointers and slack);
    * a HyperLogLog (6-bit registers) with standard error at most ``relative_error``;
    * a Count-Min sketch for ``epsilon`` and ``delta``, of ``counter_bytes`` counters;
    * a Bloom filter at ``false_positive_rate``.

    >>> exact_vs_approximate_memory(100_000_000)[["structure", "decimal"]].values.tolist()[:3]
    [['Exact set of ids', '1.6 GB'], ['Hash map of counts', '2.4 GB'], ['HyperLogLog', '12.3 kB']]
    """
    n = _check.integer("distinct_items", distinct_items, 1, MAX_BITS)
    id_bytes = _check.integer("id_bytes", id_bytes, 1, 1_024)
    counter_bytes = _check.integer("counter_bytes", counter_bytes, 1, 16)
    precision = hll_precision(relative_error)
    width, depth = count_min_dimensions(epsilon, delta)
    bloom_bits, bloom_hashes = bloom_size(n, false_positive_rate)
    rows = [
        ("Exact set of ids", "distinct count, membership", "none", n * id_bytes),
        ("Hash map of counts", "distinct count, membership, counts", "none", n * (id_bytes + counter_bytes)),
        ("HyperLogLog", "distinct count", f"±{hll_standard_error(2**precision):.2%} (one standard error), "
         f"{2**precision:,} registers", hll_memory_bytes(precision)),
        ("Count-Min sketch", "counts", f"over by at most {epsilon:g} × total with probability {1 - delta:g}, "
         f"{width:,} × {depth} counters", width * depth * counter_bytes),
        ("Bloom filter", "membership", f"{false_positive_rate:g} false positives, {bloom_hashes} hashes",
         math.ceil(bloom_bits / 8)),
    ]
    table = pd.DataFrame(rows, columns=["structure", "answers", "error", "bytes"])
    table["decimal"] = [human_bytes(b) for b in table["bytes"]]
    table["binary"] = [human_bytes(b, binary=True) for b in table["bytes"]]
    return table
