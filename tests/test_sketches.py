"""Tests of widgets.sketches: closed forms, published figures, properties, measured error over many seeds,
and Apache DataSketches (``datasketches`` 5.2.0) as the oracle on the same streams.

DataSketches 5.2.0's Python package has ``hll_sketch`` and ``count_min_sketch`` but no Bloom filter, so
the Bloom filter is checked against the formula and an independent reference written here (k separate
BLAKE2b hashes, no double hashing).

References for what is checked here:
* Flajolet, Fusy, Gandouet & Meunier (2007), "HyperLogLog: the analysis of a near-optimal cardinality
  estimation algorithm", AofA 2007: the estimator, α_m, linear counting below 2.5 m, and the standard
  error β_∞/√m with β_∞ = √(3 ln 2 − 1) ≈ 1.03896, rounded to 1.04/√m.
* Heule, Nunkesser & Hall (2013), "HyperLogLog in practice", EDBT 2013: 64-bit hashes (no large-range
  correction), precisions 4 to 18, 6-bit registers.
* Whang, Vander-Zanden & Taylor (1990), "A linear-time probabilistic counting algorithm for database
  applications", ACM TODS 15(2): linear counting's standard error √(m(e^t − t − 1)) / n, t = n/m.
* Cormode & Muthukrishnan (2005), "An improved data stream summary: the count-min sketch and its
  applications", J. Algorithms 55(1): width ⌈e/ε⌉, depth ⌈ln 1/δ⌉, error at most εN with prob. 1 − δ.
* Bloom (1970), CACM 13(7), and Broder & Mitzenmacher (2004), "Network applications of Bloom filters:
  a survey", Internet Mathematics 1(4): the false positive rate, the optimal k = (m/n) ln 2, and
  m/n = log2(1/p) / ln 2 ≈ 1.44 log2(1/p) bits per item.
* Bose, Guo, Kranakis, Maheshwari, Morin, Morrison, Smid & Tang (2008), "On the false-positive rate of
  Bloom filters", Information Processing Letters 108(4): the classic formula understates the true rate.
* Kirsch & Mitzenmacher (2006), "Less hashing, same performance: building a better Bloom filter",
  ESA 2006: double hashing keeps the false positive rate.
* Redis, PFCOUNT / "HyperLogLog" documentation: 12 KB per key, standard error 0.81 %.
"""

from __future__ import annotations

import hashlib
import math

import datasketches as ds
import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from widgets import sketches
from widgets.caching.model import zipf_keys
from widgets.sketches import model

# --------------------------------------------------------------------------
# HyperLogLog: closed forms and published figures
# --------------------------------------------------------------------------


@pytest.mark.parametrize("m", [16, 1_024, 16_384, 2**18, 3_000])
def test_hll_standard_error_is_1_04_over_root_m(m):
    assert sketches.hll_standard_error(m) == pytest.approx(1.04 / m**0.5, rel=1e-15)


def test_redis_figures_twelve_kilobytes_and_0_81_percent():
    """Redis's HyperLogLog: 16,384 registers of 6 bits, "12k bytes", "standard error of 0.81%"."""
    assert sketches.hll_memory_bytes(14) == 12 * 1024
    assert round(100 * sketches.hll_standard_error(2**14), 2) == 0.81


def test_flajolet_two_percent_with_2048_registers():
    """Flajolet et al. (2007), abstract: "a typical accuracy of 2% using 1.5 kilobytes of memory" (m = 2,048)."""
    assert round(100 * sketches.hll_standard_error(2_048)) == 2
    assert sketches.hll_memory_bytes(11, register_bits=5) <= 1_536  # 5-bit registers: 1,280 bytes


@pytest.mark.parametrize("lg_k", range(13, 22))
def test_standard_error_agrees_with_datasketches_a_priori_bound(lg_k):
    """DataSketches' a priori error of the (non-HIP) HLL estimator is √(3 ln 2 − 1)/√k = 1.03896/√k."""
    theirs = ds.hll_sketch.get_rel_err(False, True, lg_k, 1)
    assert sketches.hll_standard_error(2**lg_k) == pytest.approx(theirs, rel=2e-3)


@pytest.mark.parametrize(("bits", "target"), [(6, ds.HLL_6), (8, ds.HLL_8)])
def test_memory_is_datasketches_size_less_a_fixed_header(bits, target):
    """DataSketches' HLL_6 / HLL_8 serialised size is a fixed header plus the registers we count."""
    headers = {ds.hll_sketch.get_max_updatable_serialization_bytes(p, target) - sketches.hll_memory_bytes(p, bits)
               for p in range(model.MIN_PRECISION, model.MAX_PRECISION + 1)}
    assert len(headers) == 1 and 0 < headers.pop() <= 64


@given(st.floats(model.hll_standard_error(2**18), 0.999))
def test_hll_precision_is_the_smallest_that_meets_the_target(relative_error):
    p = sketches.hll_precision(relative_error)
    assert sketches.hll_standard_error(2**p) <= relative_error * (1 + 1e-9)
    if p > model.MIN_PRECISION:
        assert sketches.hll_standard_error(2 ** (p - 1)) > relative_error


# --------------------------------------------------------------------------
# The hash
# --------------------------------------------------------------------------


def test_hash_is_seeded_and_distinct_integers_never_collide():
    hashes = sketches.hash64(np.arange(100_000), seed=3)
    assert np.array_equal(hashes, sketches.hash64(list(range(100_000)), seed=3))
    assert len(np.unique(hashes)) == 100_000
    assert np.mean(hashes == sketches.hash64(np.arange(100_000), seed=4)) < 1e-4
    assert sketches.hash64(["a", "b"]).tolist() == sketches.hash64(np.array(["a", "b"], dtype=object)).tolist()
    assert sketches.hash64([-1]).tolist() == sketches.hash64(np.array([2**64 - 1], dtype=np.uint64)).tolist()


def test_every_hash_bit_is_a_fair_coin():
    hashes = sketches.hash64(np.arange(100_000))
    ones = np.array([np.count_nonzero(hashes >> np.uint64(b) & np.uint64(1)) for b in range(64)])
    assert np.all(np.abs(ones - 50_000) <= 5 * math.sqrt(100_000 / 4))  # 5 binomial standard errors


# --------------------------------------------------------------------------
# HyperLogLog: the working sketch
# --------------------------------------------------------------------------


@settings(max_examples=50)
@given(st.lists(st.integers(-(2**63), 2**63 - 1), max_size=300), st.integers(0, 100))
def test_hll_ignores_duplicates_and_order(items, seed):
    once = sketches.hyperloglog(items, 8, seed=seed).registers
    shuffled = list(reversed(items)) + items[: len(items) // 2]
    assert np.array_equal(once, sketches.hyperloglog(shuffled, 8, seed=seed).registers)
    assert once.max(initial=0) <= 64 - 8 + 1


def test_hll_relative_error_over_200_seeds_is_its_standard_error():
    """n = 20 m distinct items (past the small-range correction): errors ~ 1.04/√m (Flajolet et al. 2007)."""
    se = sketches.hll_standard_error(1_024)
    curve = sketches.hll_error_curve(20_480, (10,), runs=200, seed=0).iloc[0]
    assert curve["rms_error"] == pytest.approx(se, rel=0.15)  # the rms of 200 runs varies by about 5 %
    assert abs(curve["mean_error"]) <= 4 * se / math.sqrt(200)


@pytest.mark.parametrize("seed", range(5))
def test_hll_counts_small_cardinalities_by_linear_counting(seed):
    """Below 2.5 m the estimate is linear counting, within 3 of its standard errors (Whang et al. 1990)."""
    m = 2**14
    for n in (1, 10, 100, 1_000, 10_000):
        t = n / m
        tolerance = 3 * math.sqrt(m * (math.exp(t) - t - 1)) + 0.5
        assert abs(sketches.hyperloglog(np.arange(n) * 7919, 14, seed=seed).estimate - n) <= tolerance
    assert sketches.hyperloglog([], 14).estimate == 0


def test_error_curve_run_zero_is_the_sketch_and_error_falls_with_memory():
    curve = sketches.hll_error_curve(50_000, (4, 8, 12), runs=20, seed=7)
    for row in curve.itertuples():
        assert row.estimate == pytest.approx(sketches.hyperloglog(range(50_000), row.precision, seed=7).estimate)
        assert row.memory_bytes == sketches.hll_memory_bytes(row.precision)
    assert curve["rms_error"].is_monotonic_decreasing
    assert curve["memory_bytes"].tolist() == [12, 192, 3_072]  # 2^p registers × 6 bits / 8


def _reference_registers(hashes, precision):
    """Registers one hash at a time, in plain Python: top p bits pick the register, the rank is the
    position of the first 1 bit in the other 64 − p bits (65 − p if none)."""
    registers = [0] * 2**precision
    tail_bits = 64 - precision
    for h in map(int, hashes):
        tail = h & (2**tail_bits - 1)
        registers[h >> tail_bits] = max(registers[h >> tail_bits], tail_bits + 1 - tail.bit_length())
    return registers


@settings(max_examples=40)
@given(st.lists(st.integers(0, 2**64 - 1), max_size=200), st.integers(model.MIN_PRECISION + 1, model.MAX_PRECISION))
def test_registers_and_their_halving_match_a_direct_computation(hashes, precision):
    """Registers keep each one's largest rank (that of its smallest remainder), and halving the registers
    at p gives those at p − 1 exactly, as hll_error_curve relies on."""
    array = np.array(hashes + [0, 1, 2**63, 2**64 - 1, 2**(64 - precision) - 1], dtype=np.uint64)
    for p in (precision - 1, precision):
        assert model._registers(array[None, :], p)[0].tolist() == _reference_registers(array, p)
    assert np.array_equal(model._halve(model._registers(array[None, :], precision)),
                          model._registers(array[None, :], precision - 1))


def test_error_is_largest_near_the_switch_from_linear_counting():
    """Without HyperLogLog++'s bias correction, the rms error of 200 runs with m = 4,096 registers rises
    well above 1.04/√m around n = 2.5 m, where the estimator switches, and not far from it."""
    m = 4_096
    se = sketches.hll_standard_error(m)
    rms = {ratio: sketches.hll_error_curve(int(ratio * m), (12,), runs=200, seed=1)["rms_error"].item()
           for ratio in (1.5, 2.5, 8)}
    assert rms[2.5] > 1.3 * se
    assert rms[1.5] < 1.1 * se and rms[8] < 1.15 * se
    assert [sketches.hll_regime(int(ratio * m), m) for ratio in (1.5, 2.5, 8)] == [
        "linear counting", "near the switch", "raw estimate"]
    assert [sketches.hll_regime(n, 16) for n in (32, 33, 80, 81)] == [
        "linear counting", "near the switch", "near the switch", "raw estimate"]


def test_hll_and_datasketches_on_the_same_streams_are_both_within_their_bounds():
    """20 streams of 20,000 distinct integers, precision 10: ours within 4 standard errors of the truth,
    DataSketches (HLL_8) within its own 3-standard-deviation bounds; both rms errors near 1.04/√m."""
    n, se = 20_000, sketches.hll_standard_error(1_024)
    ours, theirs = [], []
    for stream in range(20):
        items = np.arange(n) + stream * 10**9
        oracle = ds.hll_sketch(10, ds.HLL_8)
        for item in items.tolist():
            oracle.update(item)
        assert oracle.get_lower_bound(3) <= n <= oracle.get_upper_bound(3)
        ours.append(sketches.hyperloglog(items, 10, seed=stream).estimate / n - 1)
        theirs.append(oracle.get_estimate() / n - 1)
    assert np.max(np.abs(ours)) <= 4 * se
    for errors in (ours, theirs):
        assert 0.5 * se <= math.sqrt(np.mean(np.square(errors))) <= 1.5 * se


# --------------------------------------------------------------------------
# Count-Min
# --------------------------------------------------------------------------


@given(st.floats(1e-9, 1, exclude_min=True, exclude_max=True), st.floats(1e-9, 1, exclude_max=True))
def test_count_min_dimensions_are_the_formula_and_datasketches_suggestion(epsilon, delta):
    width, depth = sketches.count_min_dimensions(epsilon, delta)
    assert width - 1 < math.e / epsilon <= width and depth - 1 < math.log(1 / delta) <= depth
    assume(1 - (1 - delta) == delta)  # DataSketches takes the confidence 1 − δ
    assert width == ds.count_min_sketch.suggest_num_buckets(epsilon)
    assert depth == ds.count_min_sketch.suggest_num_hashes(1 - delta)


def test_count_min_dimensions_for_one_percent():
    """ε = δ = 0.01: e/0.01 = 271.8 → 272 columns, ln 100 = 4.6 → 5 rows (Cormode & Muthukrishnan 2005)."""
    assert sketches.count_min_dimensions(0.01, 0.01) == (272, 5)


@settings(max_examples=60)
@given(st.lists(st.integers(0, 50), max_size=300), st.integers(1, 40), st.integers(1, 6), st.integers(0, 99))
def test_count_min_never_underestimates(items, width, depth, seed):
    sketch = sketches.count_min(items, width, depth, seed=seed)
    true = np.bincount(np.array(items, dtype=int), minlength=51)
    assert np.all(sketch.estimate(np.arange(51)) >= true)
    assert np.all(sketch.table.sum(axis=1) == len(items)) and sketch.total == len(items)


@settings(max_examples=40)
@given(st.lists(st.integers(0, 30), max_size=100), st.integers(1, 40), st.integers(1, 4), st.integers(0, 99))
def test_count_min_with_counts_is_the_items_repeated(counts, width, depth, seed):
    items = np.arange(len(counts))
    repeated = sketches.count_min(np.repeat(items, counts), width, depth, seed=seed)
    weighted = sketches.count_min(items, width, depth, seed=seed, counts=np.array(counts, dtype=np.int64))
    assert np.array_equal(repeated.table, weighted.table)


def test_one_row_overestimates_by_n_over_width_on_average():
    """A pairwise-independent row adds, on average, (N − c_x)/width to key x's count c_x."""
    ratios = []
    for seed in range(30):
        keys = zipf_keys(5_000, 1.0, 50_000, seed)
        seen, true = np.unique(keys, return_counts=True)
        over = sketches.count_min(keys, 100, 1, seed=seed).estimate(seen) - true
        ratios.append(np.mean(over) / np.mean((50_000 - true) / 100))
    assert np.mean(ratios) == pytest.approx(1, abs=4 * np.std(ratios) / math.sqrt(30))


def test_overestimate_within_epsilon_n_at_least_as_often_as_promised():
    for seed in range(10):
        result = sketches.count_min_overestimate(10_000, 1.0, 100_000, 272, 3, seed=seed)
        assert result.bound == pytest.approx(math.e / 272 * 100_000)
        assert result.within_bound >= result.confidence == pytest.approx(1 - math.exp(-3))


def test_heavy_hitters_table_is_the_true_top_counts():
    result = sketches.count_min_overestimate(2_000, 1.2, 30_000, 50, 2, top=5, seed=4)
    true = np.bincount(zipf_keys(2_000, 1.2, 30_000, 4), minlength=2_000)
    assert result.top["true"].tolist() == sorted(true, reverse=True)[:5]
    assert result.top["true"].tolist() == true[result.top["key"]].tolist()
    assert (result.top["estimate"] - result.top["true"] == result.top["overestimate"]).all()
    assert (result.top["overestimate"] >= 0).all() and result.total == 30_000


def test_count_min_and_datasketches_on_the_same_streams():
    """Same Zipf streams, width 272, depth 3: both never underestimate, and their mean overestimates agree
    within 10 % (seeds differ, so the collisions differ; the expectation is the same)."""
    ours, theirs = [], []
    for seed in range(10):
        keys = zipf_keys(5_000, 1.0, 50_000, seed)
        seen, true = np.unique(keys, return_counts=True)
        estimate = sketches.count_min(keys, 272, 3, seed=seed).estimate(seen)
        oracle = ds.count_min_sketch(3, 272, 9001 + seed)
        for key, count in zip(seen.tolist(), true.tolist()):
            oracle.update(key, float(count))
        oracle_estimate = np.array([oracle.get_estimate(key) for key in seen.tolist()])
        assert np.all(estimate >= true) and np.all(oracle_estimate >= true)
        ours.append(np.mean(estimate - true))
        theirs.append(np.mean(oracle_estimate - true))
    assert np.mean(ours) == pytest.approx(np.mean(theirs), rel=0.1)


# --------------------------------------------------------------------------
# Bloom filters: closed forms
# --------------------------------------------------------------------------


def _true_false_positive_rate(bits: int, items: int, hashes: int) -> float:
    """The exact rate of a filter with truly random positions: E[(set bits / m)^k] over the occupancy of
    k n uniform throws into m bits, by dynamic programming (Bose et al. 2008)."""
    occupancy = np.zeros(bits + 1)
    occupancy[0] = 1.0
    j = np.arange(1, bits + 1)
    for _ in range(hashes * items):
        occupancy[1:] = occupancy[1:] * j / bits + occupancy[:-1] * (bits - j + 1) / bits
        occupancy[0] = 0.0
    return float(np.sum(occupancy * (np.arange(bits + 1) / bits) ** hashes))


@given(st.integers(1, 60), st.integers(0, 12), st.integers(1, 5))
def test_classic_formula_understates_the_true_rate_and_is_exact_for_one_hash(bits, items, hashes):
    """Bose et al. (2008): (1 − (1 − 1/m)^(kn))^k ≤ the true rate, with equality when k = 1."""
    true = _true_false_positive_rate(bits, items, hashes)
    classic = sketches.bloom_false_positive_rate(bits, items, hashes, exact=True)
    assert classic <= true + 1e-12
    if hashes == 1 or items == 0:
        assert classic == pytest.approx(true, abs=1e-12)


@given(st.integers(1, 10**9), st.integers(0, 10**6), st.integers(1, 30))
def test_exact_form_is_above_the_exponential_and_both_grow_with_items(bits, items, hashes):
    approx = sketches.bloom_false_positive_rate(bits, items, hashes)
    exact = sketches.bloom_false_positive_rate(bits, items, hashes, exact=True)
    assert 0 <= approx <= exact * (1 + 1e-9) <= 1 + 1e-9  # (1 − 1/m)^x ≤ e^(−x/m)
    assert sketches.bloom_false_positive_rate(bits, items + 1, hashes) >= approx
    assert sketches.bloom_false_positive_rate(bits + 1, items, hashes) <= approx


@given(st.integers(1, 10**5), st.floats(0.1, 100))
def test_optimal_hashes_is_where_the_best_integer_sits(items, bits_per_item):
    """The best integer k is the floor or the ceiling of (m/n) ln 2 (Broder & Mitzenmacher 2004)."""
    bits = max(1, int(bits_per_item * items))
    k_star = sketches.bloom_optimal_hashes(bits, items)
    candidates = range(1, math.ceil(k_star) + 3)
    rates = [sketches.bloom_false_positive_rate(bits, items, k) for k in candidates]
    best = candidates[int(np.argmin(rates))]
    assert best in {max(1, math.floor(k_star)), math.ceil(k_star)}
    assert min(rates) >= 0.5**k_star * (1 - 1e-9)  # (1/2)^k*: the real-valued optimum


@given(st.integers(1, 10**9), st.floats(1e-12, 0.5))
def test_bloom_size_meets_the_target_within_five_percent(items, false_positive_rate):
    """Rounding k to an integer costs at most 4.6 % (the worst case, k = 1 near p = 2^−1.5): tolerance 5 %."""
    bits, hashes = sketches.bloom_size(items, false_positive_rate)
    assert sketches.bloom_false_positive_rate(bits, items, hashes) <= 1.05 * false_positive_rate
    assert bits - 1 < -items * math.log(false_positive_rate) / math.log(2) ** 2 <= bits


def test_bloom_size_one_percent_is_about_ten_bits_per_item():
    """Broder & Mitzenmacher (2004): m/n = log2(1/p)/ln 2 ≈ 1.44 log2(1/p): 9.59 bits per item at 1 %."""
    bits, hashes = sketches.bloom_size(10**6, 0.01)
    assert bits / 10**6 == pytest.approx(math.log2(100) / math.log(2), rel=1e-6)
    assert hashes == 7  # round(9.585 × ln 2) = round(6.64)
    assert sketches.bloom_size(1, 0.9) == (1, 1)  # rounding alone would give 0 hashes


# --------------------------------------------------------------------------
# Bloom filters: the working filter, measured
# --------------------------------------------------------------------------


@settings(max_examples=50)
@given(st.lists(st.integers(-(2**63), 2**63 - 1), max_size=200), st.integers(1, 5_000),
       st.integers(1, 12), st.integers(0, 99))
def test_bloom_filter_has_no_false_negatives(items, bits, hashes, seed):
    bloom = sketches.bloom_filter(items, bits, hashes, seed=seed)
    assert bloom.contains(items).all()
    assert bloom.array.sum() <= min(bits, hashes * len(items))


def test_measured_fpr_over_100_seeds_is_the_formula():
    """100 filters of 2,000 items in 20,000 bits with 7 hashes, 5,000 queries each."""
    results = [sketches.bloom_measured_fpr(10, 7, 2_000, queries=5_000, seed=seed) for seed in range(100)]
    measured = np.array([r.measured for r in results])
    assert measured.mean() == pytest.approx(results[0].exact, abs=4 * measured.std() / 10)
    # the spread is the binomial one: the fill's own variation adds under 2 % here
    assert measured.std() == pytest.approx(results[0].standard_error, rel=0.25)
    fills = [sketches.bloom_filter(range(2_000), 20_000, 7, seed=seed).fill for seed in range(100)]
    expected_fill = 1 - (1 - 1 / 20_000) ** (7 * 2_000)
    assert np.mean(fills) == pytest.approx(expected_fill, abs=4 * np.std(fills) / 10)


def _reference_false_positive_rate(bits: int, hashes: int, items: int, queries: int, salt: int) -> float:
    """A plain Bloom filter with k separate hashes (slices of one BLAKE2b digest), no double hashing."""
    def positions(x: int) -> list[int]:
        digest = hashlib.blake2b(f"{salt}:{x}".encode(), digest_size=8 * hashes).digest()
        return [int.from_bytes(digest[8 * i: 8 * i + 8], "little") % bits for i in range(hashes)]

    array = bytearray(bits)
    for x in range(items):
        for p in positions(x):
            array[p] = 1
    return sum(all(array[p] for p in positions(q)) for q in range(items, items + queries)) / queries


def test_double_hashing_matches_a_filter_of_independent_hashes():
    """Kirsch & Mitzenmacher (2006): two hashes make a filter as good as k; over 10 seeds each, our filter
    and the reference sit within 4 standard errors of the formula and of each other."""
    ours = [sketches.bloom_measured_fpr(8, 6, 2_000, queries=10_000, seed=s).measured for s in range(10)]
    reference = [_reference_false_positive_rate(16_000, 6, 2_000, 10_000, salt) for salt in range(10)]
    formula = sketches.bloom_false_positive_rate(16_000, 2_000, 6, exact=True)
    se = math.sqrt(formula * (1 - formula) / 100_000)  # the binomial part only, pooled over 10 × 10,000
    se = max(se, np.std(ours) / math.sqrt(10), np.std(reference) / math.sqrt(10))
    for mean in (np.mean(ours), np.mean(reference)):
        assert mean == pytest.approx(formula, abs=4 * se)
    assert np.mean(ours) == pytest.approx(np.mean(reference), abs=4 * math.sqrt(2) * se)


@settings(max_examples=40)
@given(st.integers(1, 2_000), st.integers(1, 200), st.integers(1, 12), st.integers(0, 99))
def test_contains_answers_as_checking_every_position(items, bits_per_item, hashes, seed):
    """contains probes hash by hash and stops early; its answers are those of all k positions at once."""
    bloom = sketches.bloom_filter(np.arange(items), items * bits_per_item // 8 + 1, hashes, seed=seed)
    queries = np.arange(items - 50, items + 500)
    every = bloom.array[model._bloom_positions(queries, bloom.bits, hashes, seed)].all(axis=1)
    assert np.array_equal(bloom.contains(queries), every)


def test_formula_curve_is_the_formula_at_each_size():
    sizes = (0.5, 3, 9.59, 20)
    for hashes in (None, 1, 7):
        curve = sketches.bloom_formula_curve(5_000, sizes, hashes)
        for b, rate in zip(sizes, curve):
            bits = math.ceil(b * 5_000)
            k = max(1, round(bits / 5_000 * math.log(2))) if hashes is None else hashes
            assert rate == sketches.bloom_false_positive_rate(bits, 5_000, k)
    grid = np.linspace(1, 20, 191)
    fixed = sketches.bloom_formula_curve(5_000, grid, 7)
    envelope = sketches.bloom_formula_curve(5_000, grid)
    optimal_here = np.array([round(math.ceil(b * 5_000) / 5_000 * math.log(2)) == 7 for b in grid])
    assert optimal_here.any() and np.array_equal(fixed[optimal_here], envelope[optimal_here])
    assert np.all(fixed[~optimal_here] >= 0.99 * envelope[~optimal_here])  # the optimum, rounded, is the best k


def test_fpr_curve_follows_the_formula_and_falls_with_bits():
    curve = sketches.bloom_fpr_curve(5_000, (2, 6, 10, 14), queries=20_000, seed=3)
    assert curve["hashes"].tolist() == [max(1, round(b * math.log(2))) for b in (2, 6, 10, 14)]
    assert curve["measured"].is_monotonic_decreasing
    assert np.all(np.abs(curve["measured"] - curve["formula"]) <= 5 * curve["standard_error"] + 1e-4)


# --------------------------------------------------------------------------
# Exact against approximate
# --------------------------------------------------------------------------


def test_memory_table_for_100_million_ids():
    table = sketches.exact_vs_approximate_memory(100_000_000).set_index("structure")
    assert table.loc["Exact set of ids", "bytes"] == 1_600_000_000  # 16-byte ids
    assert table.loc["Hash map of counts", "bytes"] == 2_400_000_000  # + 8-byte counts
    assert table.loc["HyperLogLog", "bytes"] == 12_288  # 1 % → 16,384 registers, as Redis
    assert table.loc["Count-Min sketch", "bytes"] == math.ceil(math.e / 1e-4) * 5 * 8
    assert table.loc["Bloom filter", "bytes"] == pytest.approx(100_000_000 * 9.585 / 8, rel=1e-3)
    assert table.loc["Exact set of ids", "decimal"] == "1.6 GB"  # 1.6 × 10^9 bytes
    assert table.loc["Exact set of ids", "binary"] == "1.5 GiB"  # 1.6 × 10^9 / 2^30 = 1.49


# --------------------------------------------------------------------------
# Seeds and bad input
# --------------------------------------------------------------------------


def test_same_inputs_same_outputs_and_seeds_matter():
    for call in (lambda s: sketches.hll_error_curve(5_000, (8,), runs=3, seed=s)["rms_error"].item(),
                 lambda s: sketches.count_min_overestimate(1_000, 1.0, 10_000, 20, 2, seed=s).mean_overestimate,
                 lambda s: sketches.bloom_measured_fpr(4, 3, 1_000, seed=s).false_positives):
        assert call(1) == call(1) != call(2)


BAD = [
    ("registers", sketches.hll_standard_error, (8,), {}),
    ("registers", sketches.hll_standard_error, (1.5,), {}),
    ("precision", sketches.hll_memory_bytes, (3,), {}),
    ("register_bits", sketches.hll_memory_bytes, (10, 0), {}),
    ("relative_error", sketches.hll_precision, (0.001,), {}),
    ("relative_error", sketches.hll_precision, (1,), {}),
    ("registers", sketches.hll_estimate, (np.zeros(8),), {}),
    ("registers", sketches.hll_estimate, (np.zeros(48),), {}),
    ("items", sketches.hash64, ([1.5],), {}),
    ("items", sketches.hash64, ([[1, 2]],), {}),
    ("items", sketches.hash64, (["a", 1],), {}),
    ("seed", sketches.hash64, ([1], -1), {}),
    ("precision", sketches.hyperloglog, ([1], 19), {}),
    ("seed", sketches.hyperloglog, ([1],), {"seed": -1}),
    ("cardinality", sketches.hll_regime, (-1, 16), {}),
    ("registers", sketches.hll_regime, (10, 8), {}),
    ("cardinality", sketches.hll_error_curve, (0,), {}),
    ("cardinality", sketches.hll_error_curve, (10**6,), {"runs": 100}),
    ("precisions", sketches.hll_error_curve, (100, (3,)), {}),
    ("runs", sketches.hll_error_curve, (100,), {"runs": 0}),
    ("seed", sketches.hll_error_curve, (100,), {"seed": -1}),
    ("epsilon", sketches.count_min_dimensions, (0, 0.5), {}),
    ("epsilon", sketches.count_min_dimensions, (1, 0.5), {}),
    ("epsilon", sketches.count_min_dimensions, (float("nan"), 0.5), {}),
    ("delta", sketches.count_min_dimensions, (0.5, 0), {}),
    ("delta", sketches.count_min_dimensions, (0.5, 1), {}),
    ("width", sketches.count_min, ([1], 0, 1), {}),
    ("counts", sketches.count_min, ([1, 2], 10, 1), {"counts": [1]}),
    ("counts", sketches.count_min, ([1, 2], 10, 1), {"counts": [1, -1]}),
    ("counts", sketches.count_min, ([1, 2], 10, 1), {"counts": [1.5, 1]}),
    ("depth", sketches.count_min, ([1], 10, 0), {}),
    ("items", sketches.count_min, ([1.5], 10, 1), {}),
    ("seed", sketches.count_min, ([1], 10, 1), {"seed": -1}),
    ("items", sketches.count_min([1], 10, 1).estimate, ([True],), {}),
    ("n_keys", sketches.count_min_overestimate, (0,), {}),
    ("alpha", sketches.count_min_overestimate, (100, -1), {}),
    ("n_requests", sketches.count_min_overestimate, (100, 1.0, -1), {}),
    ("width", sketches.count_min_overestimate, (100, 1.0, 100, 0), {}),
    ("depth", sketches.count_min_overestimate, (100, 1.0, 100, 10, 0), {}),
    ("top", sketches.count_min_overestimate, (), {"top": 0}),
    ("seed", sketches.count_min_overestimate, (), {"seed": -1}),
    ("bits", sketches.bloom_false_positive_rate, (0, 1, 1), {}),
    ("items", sketches.bloom_false_positive_rate, (10, -1, 1), {}),
    ("hashes", sketches.bloom_false_positive_rate, (10, 1, 0), {}),
    ("bits", sketches.bloom_optimal_hashes, (0, 10), {}),
    ("items", sketches.bloom_optimal_hashes, (10, 0), {}),
    ("items", sketches.bloom_size, (0, 0.01), {}),
    ("false_positive_rate", sketches.bloom_size, (10, 0), {}),
    ("false_positive_rate", sketches.bloom_size, (10, 1), {}),
    ("bits", sketches.bloom_filter, ([1], 0, 1), {}),
    ("hashes", sketches.bloom_filter, ([1], 10, 0), {}),
    ("hashes", sketches.bloom_filter, ([1], 10, 65), {}),
    ("items", sketches.bloom_filter([1], 10, 1).contains, (["a", 1],), {}),
    ("bits_per_item", sketches.bloom_measured_fpr, (0,), {}),
    ("hashes", sketches.bloom_measured_fpr, (10, 0), {}),
    ("items", sketches.bloom_measured_fpr, (10, 7, 0), {}),
    ("queries", sketches.bloom_measured_fpr, (10, 7, 100), {"queries": 0}),
    ("seed", sketches.bloom_measured_fpr, (10, 7, 100), {"seed": -1}),
    ("items", sketches.bloom_fpr_curve, (0,), {}),
    ("items", sketches.bloom_formula_curve, (0, (1,)), {}),
    ("bits_per_item", sketches.bloom_formula_curve, (10, (0,)), {}),
    ("hashes", sketches.bloom_formula_curve, (10, (1,), 0), {}),
    ("bits_per_item", sketches.bloom_fpr_curve, (100, (0,)), {}),
    ("distinct_items", sketches.exact_vs_approximate_memory, (0,), {}),
    ("relative_error", sketches.exact_vs_approximate_memory, (100,), {"relative_error": 0}),
    ("epsilon", sketches.exact_vs_approximate_memory, (100,), {"epsilon": 1}),
    ("delta", sketches.exact_vs_approximate_memory, (100,), {"delta": 0}),
    ("false_positive_rate", sketches.exact_vs_approximate_memory, (100,), {"false_positive_rate": 1.5}),
    ("id_bytes", sketches.exact_vs_approximate_memory, (100,), {"id_bytes": 0}),
    ("counter_bytes", sketches.exact_vs_approximate_memory, (100,), {"counter_bytes": 0}),
]


@pytest.mark.parametrize(
    ("name", "function", "args", "kwargs"), BAD, ids=[f"{getattr(f, '__name__', 'f')}-{n}-{i}"
                                                        for i, (n, f, *_) in enumerate(BAD)]
)
def test_bad_arguments_raise_value_error_naming_them(name, function, args, kwargs):
    with pytest.raises(ValueError, match=name) as error:
        function(*args, **kwargs)
    assert "got" in str(error.value)


def test_message_names_the_range_and_the_value():
    with pytest.raises(ValueError, match=r"^epsilon must be a number in \(0, 1\), got 0$"):
        sketches.count_min_dimensions(0, 0.5)
    with pytest.raises(ValueError, match=r"^delta must be a number in \(0, 1\), got 1.5$"):
        sketches.count_min_dimensions(0.5, 1.5)
    with pytest.raises(ValueError, match=r"^precision must be an integer in \[4, 18\], got 20$"):
        sketches.hll_memory_bytes(20)
