"""Tests of widgets.sharding: closed forms, published statements, and uhashring as an independent oracle.

References for what is checked here:
* Karger, Lehman, Leighton, Panigrahy, Levine and Lewin (1997), "Consistent hashing and random trees:
  distributed caching protocols for relieving hot spots on the World Wide Web", STOC '97, section 4:
  the *monotonicity* property (when buckets are added, an item moves only from an old bucket to a new
  one) and *balance* (with several copies of each bucket on the unit circle, each bucket gets about
  its share).
* DeCandia et al. (2007), "Dynamo: Amazon's Highly Available Key-value Store", SOSP, section 4.2:
  virtual nodes; when a node leaves, its load spreads over the remaining nodes, and only its keys move.
* Kleppmann (2017), "Designing Data-Intensive Applications", chapter 6, "Rebalancing partitions:
  how not to do it: hash mod N": hash 123456 lives on node 6 of 10, node 3 of 11 and node 0 of 12;
  and "Skewed workloads and relieving hot spots": a random suffix splits a hot key's writes over many
  keys, and reads must then read every one of them.
* uhashring 2.5 (Alexys Jacob): ``HashRing(nodes)`` (MD5 points, 160 per node by default) and
  ``HashRing(nodes, hash_fn="ketama")`` (libketama's continuum: 40 MD5 digests per node, 4 points each).
"""

from __future__ import annotations

import hashlib
import math
from itertools import product

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from uhashring import HashRing

from widgets import sharding
from widgets.sharding import model


def uhashring_owners(ring: HashRing, keys: int, seed: int = 0) -> np.ndarray:
    """The node number uhashring gives each key's name."""
    return np.array([int(ring.get_node(model.key_name(i, seed)).rsplit("-", 1)[1]) for i in range(keys)])


def names(n: int) -> list[str]:
    return [model.node_name(j) for j in range(n)]


# --------------------------------------------------------------------------
# uhashring as the oracle
# --------------------------------------------------------------------------


@pytest.mark.parametrize("nodes, vnodes", [(10, 160), (7, 100), (3, 1), (25, 20)])
def test_md5_ring_agrees_with_uhashring_on_every_key(nodes, vnodes):
    ring = HashRing(names(nodes), vnodes=vnodes)
    ours = model.owners(nodes, vnodes=vnodes, keys=20_000, hash="md5")
    assert np.array_equal(ours, uhashring_owners(ring, 20_000))


def test_md5_ring_agrees_with_uhashrings_default_ring():
    """HashRing(nodes) with no options: 160 points per node."""
    ring = HashRing(names(5))
    assert np.array_equal(model.owners(5, vnodes=160, keys=10_000, seed=3, hash="md5"),
                          uhashring_owners(ring, 10_000, seed=3))


@pytest.mark.parametrize("nodes, vnodes", [(10, 160), (4, 8), (12, 40)])
def test_ketama_ring_agrees_with_uhashrings_ketama_ring(nodes, vnodes):
    ring = HashRing(names(nodes), hash_fn="ketama", vnodes=vnodes // model.KETAMA_POINTS_PER_DIGEST)
    assert ring.size <= nodes * vnodes  # each node places vnodes points (fewer if two collide)
    ours = model.owners(nodes, vnodes=vnodes, keys=20_000, hash="ketama")
    assert np.array_equal(ours, uhashring_owners(ring, 20_000))


def test_ring_points_are_uhashrings_points():
    ring = HashRing(names(4), vnodes=30)
    points, owner = model.ring_points(4, vnodes=30, hash="md5")
    theirs = ring.get_points()
    assert [int.from_bytes(p, "big") for p in points.tolist()] == [p for p, _ in theirs]
    assert [model.node_name(j) for j in owner] == [name for _, name in theirs]


def test_moves_agree_with_uhashring_when_a_node_joins_and_leaves():
    ring, keys = HashRing(names(8), vnodes=100), 10_000
    before = uhashring_owners(ring, keys)
    ring.add_node(model.node_name(8))
    joined = uhashring_owners(ring, keys)
    ring.remove_node(model.node_name(8))
    ring.remove_node(model.node_name(7))
    left = uhashring_owners(ring, keys)
    for added, theirs in ((1, joined), (-1, left)):
        assert model.moved_fraction(8, vnodes=100, keys=keys, added=added, hash="md5") == np.mean(before != theirs)


def test_md5_modulo_is_the_128_bit_hash_mod_n():
    keys = 2_000
    for n in (1, 2, 7, 10, 999):
        expected = [int(hashlib.md5(model.key_name(i).encode()).hexdigest(), 16) % n for i in range(keys)]
        assert model.owners(n, scheme="modulo", keys=keys, hash="md5").tolist() == expected


def test_fast_ring_is_statistically_equivalent_to_uhashring():
    """The fast hash's ring moves and balances keys as uhashring's MD5 ring does, within sampling error.

    Over 12 independent rings each (seeds for ours; 12 disjoint node-name sets for uhashring's), the
    newcomer's share follows Beta(V, nV) with mean 1/(n + 1); each mean of 12 lies within 4 of its
    standard errors of it, and the two means within 4 standard errors of each other.
    """
    n, v, keys, rings = 10, 40, 4_000, 12
    ours = [model.moved_fraction(n, vnodes=v, keys=keys, seed=s) for s in range(rings)]
    theirs = []
    for r in range(rings):
        ring_names = [f"ring{r}-node-{j}" for j in range(n)]
        ring = HashRing(ring_names, vnodes=v)
        before = [ring.get_node(model.key_name(i)) for i in range(keys)]
        ring.add_node(f"ring{r}-node-{n}")
        theirs.append(np.mean([ring.get_node(model.key_name(i)) != b for i, b in enumerate(before)]))
    mean = 1 / (n + 1)
    share_var = n / ((n + 1) ** 2 * ((n + 1) * v + 1))  # Beta(V, nV)
    sampling_var = mean * (1 - mean) / keys
    se = math.sqrt((share_var + sampling_var) / rings)
    assert abs(np.mean(ours) - mean) < 4 * se
    assert abs(np.mean(theirs) - mean) < 4 * se
    assert abs(np.mean(ours) - np.mean(theirs)) < 4 * math.sqrt(2) * se


# --------------------------------------------------------------------------
# Keys moved: closed forms and properties
# --------------------------------------------------------------------------


@settings(max_examples=60)
@given(n=st.integers(1, 40), m=st.integers(1, 40))
def test_modulo_closed_form_counts_the_staying_hashes(n, m):
    """Over one full period lcm(n, m) of hashes, h mod n == h mod m for exactly min(n, m) of them."""
    period = math.lcm(n, m)
    h = np.arange(period)
    stay = np.mean(h % n == h % m)
    assert math.isclose(1 - stay, model.expected_moved_fraction(n, scheme="modulo", added=m - n))


@settings(max_examples=25)
@given(n=st.integers(1, 30), added=st.integers(-29, 30))
def test_modulo_moves_its_closed_form_share(n, added):
    added = max(added, 1 - n)
    keys = 50_000
    moved = model.moved_fraction(n, scheme="modulo", keys=keys, added=added)
    p = model.expected_moved_fraction(n, scheme="modulo", added=added)
    assert abs(moved - p) <= 5 * math.sqrt(p * (1 - p) / keys) + 1e-12


def test_one_more_node_moves_n_over_n_plus_1_under_mod_n_and_1_over_n_plus_1_on_a_ring():
    """The two headline numbers, averaged over 20 seeded rings of 10 nodes with 200 virtual nodes each."""
    n, seeds = 10, range(20)
    modulo = np.mean([model.moved_fraction(n, scheme="modulo", keys=20_000, seed=s) for s in seeds])
    ring = np.mean([model.moved_fraction(n, vnodes=200, keys=20_000, seed=s) for s in seeds])
    assert abs(modulo - n / (n + 1)) < 0.005
    assert abs(ring - 1 / (n + 1)) < 0.005


def test_doubling_the_nodes_moves_half_the_keys_under_both():
    assert model.expected_moved_fraction(10, scheme="modulo", added=10) == 0.5
    assert model.expected_moved_fraction(10, scheme="ring", added=10) == 0.5
    assert abs(model.moved_fraction(10, scheme="modulo", added=10) - 0.5) < 0.01


def test_published_mod_n_example():
    """Kleppmann (2017), DDIA chapter 6, "How not to do it: hash mod N": 123456 on node 6, 3, 0."""
    h = np.array([123456], dtype=np.uint64)
    assert [int(model._modulo(h, n)[0]) for n in (10, 11, 12)] == [6, 3, 0]


@settings(max_examples=30)
@given(n=st.integers(1, 15), added=st.integers(1, 5), vnodes=st.integers(1, 50), seed=st.integers(0, 10**6),
       hash=st.sampled_from(["fast", "md5"]))
def test_a_ring_moves_keys_only_to_the_new_nodes(n, added, vnodes, seed, hash):
    """Karger et al. (1997), section 4, monotonicity: items move only from old buckets to new ones."""
    before = model.owners(n, vnodes=vnodes, keys=2_000, seed=seed, hash=hash)
    after = model.owners(n + added, vnodes=vnodes, keys=2_000, seed=seed, hash=hash)
    moved = before != after
    assert np.all(after[moved] >= n)
    assert np.all(moved[after >= n])  # and every key a newcomer holds came from an old node


@settings(max_examples=30)
@given(n=st.integers(2, 15), removed=st.integers(1, 5), vnodes=st.integers(1, 50), seed=st.integers(0, 10**6))
def test_removing_nodes_moves_only_their_keys(n, removed, vnodes, seed):
    """DeCandia et al. (2007), section 4.2: a departing node's keys go to the others; no other key moves."""
    removed = min(removed, n - 1)
    before = model.owners(n, vnodes=vnodes, keys=2_000, seed=seed)
    after = model.owners(n - removed, vnodes=vnodes, keys=2_000, seed=seed)
    moved = before != after
    assert np.array_equal(moved, before >= n - removed)
    change = model.ring_change(n, added=-removed, vnodes=vnodes, keys=2_000, seed=seed)
    assert change.only_to_new and math.isclose(change.moved["ring"], moved.mean())


def test_the_monotonicity_check_can_fail():
    """Mod-N breaks monotonicity: keys move between old nodes, so the check above would catch it."""
    before, after = (model.owners(n, scheme="modulo", keys=2_000) for n in (10, 11))
    moved = before != after
    assert not np.all(after[moved] >= 10)


def test_ring_change_matches_moved_fraction_and_the_closed_forms():
    change = model.ring_change(12, added=3, vnodes=50, keys=30_000, seed=4)
    for scheme in model.SCHEMES:
        assert change.moved[scheme] == model.moved_fraction(12, scheme=scheme, vnodes=50, keys=30_000, seed=4,
                                                            added=3)
        assert change.expected[scheme] == model.expected_moved_fraction(12, scheme=scheme, added=3)
        assert change.loads[scheme].sum() == 30_000 and len(change.loads[scheme]) == 15
    # the strip's bins: their moved shares, weighted by the keys in each bin, add up to the total
    keys_per_bin = np.bincount(model._hash_shard(model.key_hashes(30_000, seed=4), 360), minlength=360)
    for scheme in model.SCHEMES:
        assert change.strip_moved[scheme].shape == (360,)
        assert math.isclose(change.strip_moved[scheme] @ keys_per_bin / 30_000, change.moved[scheme])
    assert set(np.unique(change.strip_before)) <= set(range(12))


# --------------------------------------------------------------------------
# Balance and virtual nodes
# --------------------------------------------------------------------------


@pytest.mark.parametrize("vnodes", [1, 10, 100, 1000])
def test_share_spread_matches_the_beta_closed_form(vnodes):
    """Node shares of a ring of n·V random points are Dirichlet(V, ..., V): sd of n·share = sqrt((n-1)/(nV+1)).

    200 seeded rings of 10 nodes (2,000 shares); the sample sd lies within 12 % of the closed form.
    """
    n = 10
    shares = np.concatenate([model.ring_shares(n, vnodes=vnodes, seed=s) for s in range(200)])
    assert np.allclose([model.ring_shares(n, vnodes=vnodes, seed=s).sum() for s in range(5)], 1)
    spread = model.share_spread(n, vnodes)
    assert abs(np.mean(n * shares) - 1) < 1e-9
    assert abs(np.std(n * shares) / spread - 1) < 0.12


@pytest.mark.parametrize("vnodes", [1, 10, 100])
def test_ring_imbalance_matches_the_dirichlet_expectation(vnodes):
    """Karger et al. (1997) balance: the mean of max/mean over 100 seeded rings of 10 nodes matches
    n·E[max of Dirichlet(V, ..., V)], drawn independently from Gamma variables, within 5 %."""
    n = 10
    ours = np.mean([n * model.ring_shares(n, vnodes=vnodes, seed=s).max() for s in range(100)])
    assert abs(ours / model.expected_imbalance(n, vnodes, draws=20_000) - 1) < 0.05


def test_imbalance_falls_as_virtual_nodes_grow():
    """DeCandia et al. (2007), section 4.2: more virtual nodes per node spread the load more evenly."""
    means = [np.mean([model.load_imbalance(10, vnodes=v, keys=50_000, seed=s) for s in range(8)])
             for v in (1, 10, 100, 1000)]
    assert all(a > b for a, b in zip(means, means[1:]))
    assert means[0] > 2 and means[-1] < 1.1


def test_load_imbalance_is_max_over_mean_of_node_loads():
    loads = model.node_loads(6, vnodes=7, keys=9_000, seed=2)
    assert loads.sum() == 9_000
    assert model.load_imbalance(6, vnodes=7, keys=9_000, seed=2) == loads.max() / loads.mean()
    assert model.load_imbalance(1, vnodes=3, keys=100) == 1.0


# --------------------------------------------------------------------------
# Range queries: scatter-gather
# --------------------------------------------------------------------------


def brute_force_touched(shards: int, width: int, keys: int, seed: int) -> tuple[float, float]:
    """Shards touched, averaged over every start, with Python sets and integer arithmetic."""
    hashes = [int(h) for h in model.key_hashes(keys, seed=seed)]
    by_range = [i * shards // keys for i in range(keys)]
    by_hash = [h * shards >> 64 for h in hashes]
    starts = range(keys - width + 1)
    ranged = [len({by_range[i] for i in range(a, a + width)}) for a in starts]
    hashed = [len({by_hash[i] for i in range(a, a + width)}) for a in starts]
    return sum(ranged) / len(ranged), sum(hashed) / len(hashed)


@settings(max_examples=40)
@given(shards=st.integers(1, 12), data=st.data(), seed=st.integers(0, 1000))
def test_scatter_gather_agrees_with_brute_force_and_the_key_range_closed_form(shards, data, seed):
    keys = data.draw(st.integers(shards, 120))
    width = data.draw(st.integers(1, keys))
    got = model.scatter_gather(shards, width, keys=keys, seed=seed)
    ranged, hashed = brute_force_touched(shards, width, keys, seed)
    assert math.isclose(got["range"], ranged) and math.isclose(got["hash"], hashed)
    assert math.isclose(model.expected_scatter_gather(shards, width, keys=keys), ranged)
    assert 1 <= hashed <= min(shards, width)


@pytest.mark.parametrize("shards, width", [(10, 2), (10, 10), (16, 30), (4, 3), (32, 100)])
def test_hash_partitioning_touches_the_occupancy_closed_form(shards, width):
    """Each key of the range on an independent uniform shard: S(1 - (1 - 1/S)**w) shards on average."""
    got = np.mean([model.scatter_gather(shards, width, keys=5_000, seed=s)["hash"] for s in range(5)])
    assert abs(got / model.expected_scatter_gather(shards, width, scheme="hash") - 1) < 0.03


def test_key_range_closed_form_is_about_width_over_span_plus_one():
    for shards, width in product((4, 10, 50), (1, 10, 100, 150)):
        span = 10_000 / shards
        exact = model.expected_scatter_gather(shards, width)
        approx = min(shards, 1 + (width - 1) / span)
        assert abs(exact - approx) <= approx * width / (10_000 - width + 1)


# --------------------------------------------------------------------------
# Hot keys and salting
# --------------------------------------------------------------------------


@settings(max_examples=40)
@given(shards=st.integers(1, 40), hot=st.floats(0, 1), salt=st.integers(1, 20), reads=st.floats(0, 1),
       seed=st.integers(0, 1000))
def test_salting_conserves_writes_and_reads_fan_out(shards, hot, salt, reads, seed):
    """Kleppmann (2017), DDIA chapter 6, hot spots: writes spread over the sub-keys; every read of the
    hot key must visit each shard holding one, so shard requests grow by h·r·(fan-out - 1)."""
    load = model.hot_key_load(shards, hot_share=hot, salt=salt, read_share=reads, keys=2_000, seed=seed)
    assert math.isclose(load.before.sum(), 1)
    assert load.fan_out == len(set(load.sub_key_shards)) <= min(salt, shards)
    assert math.isclose(load.requests, 1 + hot * reads * (load.fan_out - 1), rel_tol=1e-9)
    background = load.before.copy()
    background[load.hot_shard] -= hot
    assert load.before[load.hot_shard] >= hot - 1e-12
    per_shard = np.bincount(load.sub_key_shards, minlength=shards)
    expected = background + hot * (1 - reads) * per_shard / salt + hot * reads * (per_shard > 0)
    assert np.allclose(load.after, expected)


def test_salting_a_write_hot_key_cools_the_hottest_shard():
    """A celebrity with 30 % of all writes over 16 shards: about 0.3 + 0.7/16 before, 0.3/8 + 0.7/16 after."""
    load = model.hot_key_load(16, hot_share=0.3, salt=8, read_share=0.0, keys=50_000, seed=1)
    before, after = load.hottest
    assert abs(before - (0.3 + 0.7 / 16)) < 0.005
    most_sub_keys = max(np.bincount(load.sub_key_shards))
    assert after <= 0.3 * most_sub_keys / 8 + 0.7 / 16 + 0.005
    assert after < before / 2


def test_salting_a_read_hot_key_does_not_help():
    """All reads: each read visits every sub-key's shard, so the hottest shard keeps the whole hot load."""
    load = model.hot_key_load(16, hot_share=0.3, salt=8, read_share=1.0, keys=50_000, seed=1)
    before, after = load.hottest
    assert after >= before - 0.01
    assert load.requests == pytest.approx(1 + 0.3 * (load.fan_out - 1))


def test_fan_out_follows_the_occupancy_closed_form():
    """k sub-keys on S shards land on S(1 - (1 - 1/S)**k) distinct shards on average (200 seeds)."""
    fan = np.mean([model.hot_key_load(16, salt=8, keys=100, seed=s).fan_out for s in range(200)])
    assert abs(fan - 16 * (1 - (15 / 16) ** 8)) < 0.25


# --------------------------------------------------------------------------
# Validation
# --------------------------------------------------------------------------


@pytest.mark.parametrize("call, message", [
    (lambda: model.moved_fraction(0), "nodes must be an integer in [1, 1000], got 0"),
    (lambda: model.moved_fraction(3, added=-3), "added must be an integer in [-2, 997], got -3"),
    (lambda: model.moved_fraction(3, scheme="range"), "scheme must be one of 'ring', 'modulo', got 'range'"),
    (lambda: model.load_imbalance(3, vnodes=0), "vnodes must be an integer in [1, 10000], got 0"),
    (lambda: model.owners(3, vnodes=6, hash="ketama"), "vnodes must be a multiple of 4 with hash 'ketama'"),
    (lambda: model.owners(3, hash="sha1"), "hash must be one of 'fast', 'md5', 'ketama', got 'sha1'"),
    (lambda: model.scatter_gather(10, 0), "width must be an integer in [1, 10000], got 0"),
    (lambda: model.hot_key_load(10, hot_share=1.5), "hot_share must be a number in [0, 1], got 1.5"),
    (lambda: model.hot_key_load(10, salt=0), "salt must be an integer in [1, 1000], got 0"),
])
def test_bad_input_names_the_parameter_and_range(call, message):
    with pytest.raises(ValueError) as error:
        call()
    assert message in str(error.value)


def test_the_package_exposes_the_model_and_the_views():
    assert sharding.moved_fraction is model.moved_fraction
    assert {"ring", "hot_keys"} <= set(dir(sharding))
