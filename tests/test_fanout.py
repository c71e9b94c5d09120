"""Tests of widgets.fanout: closed forms, hypothesis properties, seeded simulations, published figures,
and an event-by-event feed service on an explicit networkx follow graph as an independent oracle.

References for what is checked here:
* Kwak, Lee, Park and Moon (2010), "What is Twitter, a social network or a news media?", WWW '10, Fig. 1:
  Twitter's follower counts follow a power law with exponent 2.276 up to about 10^5 followers.
* Kleppmann (2017), "Designing Data-Intensive Applications", ch. 1 ("Describing Load"), from Krikorian's
  2012 talk: 4.6k tweets a second on average, each delivered to about 75 followers, so 345k writes a second
  to the home timeline caches; some users have over 30 million followers.
* Clauset, Shalizi and Newman (2009), "Power-law distributions in empirical data", SIAM Review 51(4):
  the maximum-likelihood estimate of a discrete power law's exponent (their eq. 3.7).
* Le Cam (1960), "An approximation theorem for the Poisson binomial distribution", Pacific J. Math. 10(4):
  a sum of independent Bernoulli(p_i) is within sum p_i^2 of a Poisson count in total variation.
* Euler: the sum of 1/k^2 is pi^2/6.
"""

from __future__ import annotations

import math
import random

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from widgets import fanout
from widgets.fanout import model


def _per_user(population: model.Population) -> np.ndarray:
    """Every user's follower count, one entry a user (the histogram written out)."""
    return np.repeat(population.values, population.counts)


def _sd_bound(p: float, n: int, k: float = 5.0) -> float:
    """k standard deviations of a share estimated from n independent draws."""
    return k * math.sqrt(max(p * (1 - p), 1e-12) / n)


# --------------------------------------------------------------------------
# The power law
# --------------------------------------------------------------------------


@settings(max_examples=60)
@given(s=st.floats(-0.9, 5.0), low=st.integers(1, 3_000), span=st.integers(0, 200_000))
def test_power_sum_is_the_sum_written_out(s, low, span):
    k = np.arange(low, low + span + 1, dtype=float)
    assert model.power_sum(s, low, low + span) == pytest.approx(float(np.sum(k**-s)), rel=1e-11)


def test_power_sum_reaches_eulers_pi_squared_over_six():
    """Basel: the sum of 1/k^2 is pi^2/6; the tail beyond N is 1/N - 1/(2N^2) + ..."""
    n = 10**9
    assert model.power_sum(2, 1, n) == pytest.approx(math.pi**2 / 6 - 1 / n + 1 / (2 * n * n), rel=1e-14)
    assert model.power_sum(1, 1, n) == pytest.approx(math.log(n) + 0.5772156649015329 + 1 / (2 * n), rel=1e-13)


@settings(max_examples=30)
@given(exponent=st.floats(1.2, 4.5), low=st.integers(1, 50), high=st.integers(60, 300_000))
def test_follower_mean_and_ccdf_match_the_pmf_summed_out(exponent, low, high):
    k = np.arange(low, high + 1, dtype=float)
    pmf = k**-exponent / np.sum(k**-exponent)
    assert model.follower_mean(exponent, low, high) == pytest.approx(float(np.dot(k, pmf)), rel=1e-10)
    for at in (low, low + 3, 59, high):
        assert model.follower_ccdf(at, exponent, low, high) == pytest.approx(float(pmf[k >= at].sum()), rel=1e-9)
    assert model.follower_ccdf(high + 1, exponent, low, high) == 0.0


def test_population_is_seeded_and_bounded():
    a = fanout.follower_population(200_000, seed=5)
    b = fanout.follower_population(200_000, seed=5)
    c = fanout.follower_population(200_000, seed=6)
    assert np.array_equal(a.values, b.values) and np.array_equal(a.counts, b.counts)
    assert not (np.array_equal(a.values, c.values) and np.array_equal(a.counts, c.counts))
    for p in (a, c):
        assert int(p.counts.sum()) == p.users and (np.diff(p.values) > 0).all()
        assert p.values[0] >= p.min_followers and p.largest <= p.users - 1
    with pytest.raises(ValueError):
        a.values[0] = 1  # shared populations are read-only


@pytest.mark.parametrize("exponent", [1.8, model.KWAK_EXPONENT, 3.5])
def test_population_shares_match_the_law(exponent):
    """The shares of users at or above a count, head (counted exactly) and tail (drawn by inversion)."""
    users, low = 2_000_000, model.MIN_FOLLOWERS
    population = fanout.follower_population(users, exponent, seed=11)
    each = _per_user(population)
    for k in (low, low + 1, low + 10, 200, 5_000, low + model._HEAD, 50_000, 500_000):
        expected = model.follower_ccdf(k, exponent, low, users - 1)
        assert np.mean(each >= k) == pytest.approx(expected, abs=_sd_bound(expected, users))
    at_min = model.follower_ccdf(low, exponent, low, users - 1) - model.follower_ccdf(low + 1, exponent, low, users - 1)
    assert np.mean(each == low) == pytest.approx(at_min, abs=_sd_bound(at_min, users))


@pytest.mark.parametrize("exponent", [1.5, model.KWAK_EXPONENT, 4.0])
def test_tail_sampler_matches_the_discrete_law(exponent):
    """Inversion with half-integer rounding (Clauset et al. 2009, app. D) against the exact discrete pmf, from
    the first count of its range on (where rounding matters most)."""
    low, high, n = 1_000, 10**6, 2_000_000
    draws = model._tail_draws(n, exponent, low, high, np.random.default_rng(12))
    assert draws.min() >= low and draws.max() <= high
    for k in (low, low + 1, low + 2):
        p = model.follower_ccdf(k, exponent, low, high) - model.follower_ccdf(k + 1, exponent, low, high)
        assert np.mean(draws == k) == pytest.approx(p, abs=_sd_bound(p, n))
    for k in (2_000, 10_000, 100_000):
        p = model.follower_ccdf(k, exponent, low, high)
        assert np.mean(draws >= k) == pytest.approx(p, abs=_sd_bound(p, n))


@pytest.mark.parametrize("exponent", [3.5, 4.5])
def test_thin_tailed_population_mean_matches_the_closed_form(exponent):
    """Finite variance: the sample mean is within 5 standard errors of the law's mean."""
    users, low = 1_000_000, model.MIN_FOLLOWERS
    mean = model.follower_mean(exponent, low, users - 1)
    second = model.power_sum(exponent - 2, low, users - 1) / model.power_sum(exponent, low, users - 1)
    population = fanout.follower_population(users, exponent, seed=3)
    assert population.expected_mean == pytest.approx(mean)
    assert population.mean_followers == pytest.approx(mean, abs=5 * math.sqrt((second - mean**2) / users))


def test_kwaks_exponent_is_recovered_by_clauset_maximum_likelihood():
    """Kwak et al. (2010) fitted 2.276; Clauset et al.'s (2009, eq. 3.7) estimator, applied to the
    population's counts from 100 to 10^5 followers (below the truncation), gives it back."""
    population = fanout.follower_population(10**7, seed=4)
    x_min, x_max = 100, 100_000
    keep = (population.values >= x_min) & (population.values <= x_max)
    values, counts = population.values[keep], population.counts[keep]
    n = counts.sum()
    # Clauset's eq. 3.7 is for an untruncated law; the window's upper end changes it by (x_max/x_min)^-1.276 ~ 1e-4
    estimate = 1 + n / np.dot(counts, np.log(values / (x_min - 0.5)))
    assert estimate == pytest.approx(model.KWAK_EXPONENT, abs=0.01)


def test_default_population_has_twitters_2012_mean_and_celebrities():
    """Kleppmann (2017, ch. 1): 75 followers per tweet on average, 4.6k tweets/s -> 345k writes/s, and some
    users with over 30 million followers. The defaults at 100 million users land close to all three."""
    population = fanout.follower_population(10**8, seed=0)
    assert population.mean_followers == pytest.approx(75, abs=1.5)
    assert population.expected_mean == pytest.approx(75, abs=0.5)
    push = fanout.compare(population, 4_600, 300_000, 10**9).load("push")
    assert push.feed_writes_per_s == pytest.approx(345_000, rel=0.02)
    assert 10**7 < population.largest < 10**8  # tens of millions: Twitter's celebrities


def test_celebrity_is_one_more_account():
    plain = fanout.follower_population(10**6, seed=9)
    star = fanout.follower_population(10**6, celebrity_followers=999_999, seed=9)
    assert star.users == plain.users and star.largest == 999_999
    assert star.counts[-1] == 1 and star.expected_mean > plain.expected_mean


# --------------------------------------------------------------------------
# Writes and lookups: closed forms and properties
# --------------------------------------------------------------------------

POPULATIONS = {
    "heavy": fanout.follower_population(100_000, seed=1),
    "celebrity": fanout.follower_population(100_000, 3.0, celebrity_followers=90_000, seed=2),
    "very heavy": fanout.follower_population(20_000, 1.6, min_followers=2, seed=3),
}


@pytest.mark.parametrize("name", sorted(POPULATIONS))
def test_push_writes_per_post_is_the_mean_follower_count(name):
    population = POPULATIONS[name]
    each = _per_user(population)
    assert fanout.writes_per_post(population, "push") == pytest.approx(float(each.mean()), rel=1e-12)
    assert fanout.writes_per_post(population, "pull") == 0.0
    assert fanout.lookups_per_read(population, "pull") == pytest.approx(float(each.mean()), rel=1e-12)
    assert fanout.lookups_per_read(population, "push") == 1.0


@pytest.mark.parametrize("name", sorted(POPULATIONS))
def test_hybrid_is_push_above_the_largest_and_pull_at_zero(name):
    population = POPULATIONS[name]
    for strategy_fn in (fanout.writes_per_post, fanout.largest_fanout):
        assert strategy_fn(population, "hybrid", population.largest) == strategy_fn(population, "push")
        assert strategy_fn(population, "hybrid", 1e12) == strategy_fn(population, "push")
        assert strategy_fn(population, "hybrid", 0) == strategy_fn(population, "pull") == 0
    assert fanout.lookups_per_read(population, "hybrid", population.largest) == 1.0
    assert fanout.read_latency_quantile(population, "hybrid", population.largest) == pytest.approx(
        fanout.read_latency_quantile(population, "push"), rel=1e-12)


@settings(max_examples=60)
@given(name=st.sampled_from(sorted(POPULATIONS)), threshold=st.floats(0, 2e5))
def test_hybrid_writes_are_the_followers_at_or_below_the_threshold(name, threshold):
    population = POPULATIONS[name]
    each = _per_user(population)
    pushed = float(each[each <= threshold].sum()) / population.users
    pulled = float(each[each > threshold].sum()) / population.users
    assert fanout.writes_per_post(population, "hybrid", threshold) == pytest.approx(pushed, rel=1e-12, abs=1e-12)
    assert fanout.lookups_per_read(population, "hybrid", threshold) == pytest.approx(1 + pulled, rel=1e-12)
    assert fanout.largest_fanout(population, "hybrid", threshold) == int(each[each <= threshold].max(initial=0))
    assert population.accounts_above(threshold) == int(np.sum(each > threshold))


@settings(max_examples=60)
@given(name=st.sampled_from(sorted(POPULATIONS)), threshold=st.floats(0, 2e5))
def test_every_follow_is_served_once_at_write_or_at_read_time(name, threshold):
    population = POPULATIONS[name]
    writes = fanout.writes_per_post(population, "hybrid", threshold)
    pulled = fanout.lookups_per_read(population, "hybrid", threshold) - 1
    assert writes + pulled == pytest.approx(fanout.writes_per_post(population, "push"), rel=1e-12)


@settings(max_examples=50)
@given(name=st.sampled_from(sorted(POPULATIONS)), t=st.lists(st.floats(0, 2e5), min_size=2, max_size=2))
def test_hybrid_is_monotone_in_the_threshold(name, t):
    """A higher threshold pushes more: more writes, a larger largest post, fewer lookups, faster reads."""
    population, (low, high) = POPULATIONS[name], sorted(t)
    assert fanout.writes_per_post(population, "hybrid", low) <= fanout.writes_per_post(population, "hybrid", high)
    assert fanout.largest_fanout(population, "hybrid", low) <= fanout.largest_fanout(population, "hybrid", high)
    assert fanout.lookups_per_read(population, "hybrid", low) >= fanout.lookups_per_read(population, "hybrid", high)
    slow, fast = (fanout.read_latency_quantile(population, "hybrid", x) for x in (low, high))
    assert slow >= fast - 1e-9


@pytest.mark.parametrize("name", sorted(POPULATIONS))
def test_simulated_posts_average_the_closed_form(name):
    """Posts by uniformly chosen authors: the mean writes per post is within 5 standard errors."""
    population, posts, threshold = POPULATIONS[name], 400_000, 1_000
    run = fanout.simulate_posts(population, posts, threshold, seed=8)
    each = _per_user(population)
    for strategy, per_user in (("push", each), ("hybrid", np.where(each <= threshold, each, 0))):
        expected = fanout.writes_per_post(population, strategy, threshold)
        assert expected == pytest.approx(per_user.mean())
        assert run[strategy].mean() == pytest.approx(expected, abs=5 * per_user.std() / math.sqrt(posts))
    assert (run["pull"] == 0).all()


# --------------------------------------------------------------------------
# Read latency
# --------------------------------------------------------------------------


@settings(max_examples=40)
@given(q=st.floats(0.01, 0.9999), base=st.floats(0, 5), extra=st.floats(0.01, 5))
def test_push_read_is_one_lookup(q, base, extra):
    population = POPULATIONS["heavy"]
    t = fanout.read_latency_quantile(population, "push", percentile=q, base_ms=base, extra_ms=extra)
    assert t == pytest.approx(base - extra * math.log(1 - q), rel=1e-12)


@settings(max_examples=40)
@given(name=st.sampled_from(sorted(POPULATIONS)), strategy=st.sampled_from(["pull", "hybrid"]),
       q=st.floats(0.05, 0.9999), threshold=st.sampled_from([0, 50, 1_000, 30_000]))
def test_latency_quantile_inverts_the_cdf(name, strategy, q, threshold):
    population = POPULATIONS[name]
    t = fanout.read_latency_quantile(population, strategy, threshold, percentile=q)
    if t == 0.0:  # a share q of pull reads have nothing to look up
        assert fanout.read_latency_cdf(0.0, population, strategy, threshold) >= q
    else:
        assert fanout.read_latency_cdf(t, population, strategy, threshold) == pytest.approx(q, rel=1e-9)


@pytest.mark.parametrize("name", sorted(POPULATIONS))
def test_hybrid_at_zero_waits_for_pulls_own_lookups_and_one_more(name):
    population = POPULATIONS[name]
    for t in (0.6, 1.0, 2.0, 4.0, 8.0):
        pull = fanout.read_latency_cdf(t, population, "pull")
        push = fanout.read_latency_cdf(t, population, "push")
        assert fanout.read_latency_cdf(t, population, "hybrid", 0) == pytest.approx(pull * push, rel=1e-12)


@settings(max_examples=40)
@given(name=st.sampled_from(sorted(POPULATIONS)), t=st.floats(0.5, 20),
       threshold=st.sampled_from([0, 30, 300, 3_000, 30_000]))
def test_le_cams_bound_on_the_poisson_approximation(name, t, threshold):
    """|exact - Poisson| <= sum of p^2 over the pulled accounts (Le Cam 1960), at every t."""
    population = POPULATIONS[name]
    p, n = population.follow_probabilities(threshold)
    f = -math.expm1(-(t - 0.5) / 0.5)
    poisson = f * math.exp(-float(np.dot(n, p)) * (1 - f))
    exact = fanout.read_latency_cdf(t, population, "hybrid", threshold)
    assert abs(exact - poisson) <= float(np.dot(n, p * p)) + 1e-12


@pytest.mark.parametrize("name", sorted(POPULATIONS))
@pytest.mark.parametrize("percentile", [0.5, 0.99, 0.9999])
def test_sweep_series_equals_the_exact_solver(name, percentile):
    population = POPULATIONS[name]
    grid = (0.0, 3.0, 30.0, 1e3, 2e4, 1e9)
    sweep = fanout.threshold_sweep(population, 100, 1_000, grid, percentile=percentile)
    for threshold, latency in zip(grid, sweep["latency_ms"]):
        exact = fanout.read_latency_quantile(population, "hybrid", threshold, percentile=percentile)
        assert latency == pytest.approx(exact, rel=1e-9)
    compared = [fanout.compare(population, 100, 1_000, t) for t in grid]
    assert sweep["feed_writes_per_s"].tolist() == pytest.approx([c.load("hybrid").feed_writes_per_s for c in compared])
    assert sweep["lookups_per_s"].tolist() == pytest.approx([c.load("hybrid").lookups_per_s for c in compared])
    assert sweep["delivery_s"].tolist() == pytest.approx([c.load("hybrid").delivery_s for c in compared])


@pytest.mark.parametrize("name, threshold", [("heavy", 200), ("celebrity", 1_000), ("very heavy", 2_000)])
def test_simulated_reads_match_the_closed_form(name, threshold):
    """Readers drawn one by one, each lookup's latency drawn and the slowest kept: the share of reads
    within the model's p50, p90 and p99 is within 5 standard errors of 50%, 90% and 99%."""
    population, reads = POPULATIONS[name], 8_000
    run = fanout.simulate_reads(population, reads, threshold, seed=21)
    for strategy in model.STRATEGIES:
        lookups = run[f"{strategy}_lookups"]
        expected = fanout.lookups_per_read(population, strategy, threshold)
        assert lookups.mean() == pytest.approx(expected, abs=5 * max(lookups.std(), 1e-9) / math.sqrt(reads))
        for q in (0.5, 0.9, 0.99):
            t = fanout.read_latency_quantile(population, strategy, threshold, percentile=q)
            assert np.mean(run[f"{strategy}_ms"] <= t) == pytest.approx(q, abs=_sd_bound(q, reads))


def test_max_of_k_lookups_drawn_one_by_one():
    """The simulation's slowest-of-k sampler against P(max <= t) = F(t)^k."""
    rng = np.random.default_rng(4)
    k = np.repeat([1, 5, 40], 20_000)
    slowest = model._slowest(k, 0.5, 0.5, rng)
    for size in (1, 5, 40):
        t = 0.5 - 0.5 * math.log(1 - 0.9 ** (1 / size))  # the 90th percentile of the slowest of `size`
        assert np.mean(slowest[k == size] <= t) == pytest.approx(0.9, abs=_sd_bound(0.9, 20_000))


# --------------------------------------------------------------------------
# The oracle: an explicit follow graph (networkx) and a feed service run event by event
# --------------------------------------------------------------------------


def _follow_graph(population: model.Population, seed: int) -> nx.DiGraph:
    """author -> follower edges: each account's followers a uniform random set of users of its size."""
    rng = random.Random(seed)
    graph = nx.DiGraph()
    graph.add_nodes_from(range(population.users))
    for author, followers in enumerate(_per_user(population).tolist()):
        graph.add_edges_from((author, reader) for reader in rng.sample(range(population.users), followers))
    return graph


class _FeedService:
    """Push, pull or hybrid, event by event: posts into author lists and feeds, reads gather them."""

    def __init__(self, graph: nx.DiGraph, threshold: float) -> None:
        self.graph, self.threshold = graph, threshold
        self.lists = {user: [] for user in graph}
        self.feeds = {user: [] for user in graph}
        self.writes = 0

    def pushed(self, author: int) -> bool:
        return self.graph.out_degree(author) <= self.threshold

    def post(self, author: int, post: int) -> None:
        self.lists[author].append(post)
        if self.pushed(author):
            for follower in self.graph.successors(author):
                self.feeds[follower].append(post)
                self.writes += 1

    def read(self, reader: int) -> tuple[set[int], int]:
        """The reader's timeline and the lookups it took (own feed plus each pulled author's list)."""
        pulled = [a for a in self.graph.predecessors(reader) if not self.pushed(a)]
        own = 1 if self.threshold >= 0 else 0  # a threshold below 0: pure pull, no feed of its own
        timeline = set(self.feeds[reader]) | {p for a in pulled for p in self.lists[a]}
        return timeline, own + len(pulled)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_event_by_event_feed_service_on_a_networkx_graph(seed):
    """Every user posts once, every user reads once: write and lookup counts equal the closed forms
    (to rounding), and all strategies deliver the same timelines."""
    population = fanout.follower_population(1_500, 2.0, min_followers=3, seed=seed)
    graph = _follow_graph(population, seed)
    assert graph.number_of_edges() == population.follows
    for threshold, strategy in ((1e12, "push"), (-1, "pull"), (0, "hybrid"), (20, "hybrid"), (100, "hybrid")):
        service = _FeedService(graph, threshold)
        for author in graph:
            service.post(author, post=author)
        timelines, lookups = zip(*(service.read(reader) for reader in graph))
        assert all(t == set(graph.predecessors(r)) for r, t in zip(graph, timelines))
        t = max(threshold, 0)
        assert service.writes / population.users == pytest.approx(fanout.writes_per_post(population, strategy, t))
        assert np.mean(lookups) == pytest.approx(fanout.lookups_per_read(population, strategy, t))
        largest = max((graph.out_degree(a) for a in graph if service.pushed(a)), default=0)
        assert largest == fanout.largest_fanout(population, strategy, t)


def test_graph_followee_counts_have_the_model_variance():
    """In-degrees of the graph (accounts a reader follows) have the Poisson-binomial variance sum n p (1 - p),
    averaged over graphs: an independent check of the follow model the latency rests on."""
    population = fanout.follower_population(1_500, 2.0, min_followers=3, seed=7)
    p, n = population.follow_probabilities()
    expected = float(np.dot(n, p * (1 - p)))
    variances = [np.var([d for _, d in _follow_graph(population, s).in_degree()]) for s in range(20)]
    # every graph's mean in-degree is exactly E/U, so its variance over readers is unbiased; 20 graphs, 10%
    assert np.mean(variances) == pytest.approx(expected, rel=0.1)


# --------------------------------------------------------------------------
# compare and the sweep
# --------------------------------------------------------------------------


def test_compare_rates_storage_and_delivery():
    population = POPULATIONS["celebrity"]
    c = fanout.compare(population, 2_000, 50_000, 10_000, entry_bytes=16, retention_s=3_600, fanout_rate=250_000)
    for load in c.loads:
        writes = fanout.writes_per_post(population, load.strategy, 10_000)
        assert load.feed_writes_per_s == pytest.approx(2_000 * writes)
        assert load.lookups_per_s == pytest.approx(50_000 * fanout.lookups_per_read(population, load.strategy, 10_000))
        assert load.storage_bytes == pytest.approx(2_000 * 3_600 * (1 + writes) * 16)
        assert load.delivery_s == pytest.approx(load.largest_fanout / 250_000)
        assert load.fanout_utilisation == pytest.approx(load.feed_writes_per_s / 250_000)
        assert load.median_ms <= load.latency_ms
    assert c.load("push").largest_fanout == 90_000 and c.load("hybrid").largest_fanout <= 10_000
    assert c.load("pull").storage_bytes == pytest.approx(2_000 * 3_600 * 16)


def test_sweep_columns_are_monotone():
    sweep = fanout.threshold_sweep(POPULATIONS["heavy"], 1_000, 30_000)
    assert sweep["threshold"].tolist() == list(model.SWEEP_THRESHOLDS)
    assert sweep["feed_writes_per_s"].is_monotonic_increasing and sweep["delivery_s"].is_monotonic_increasing
    assert sweep["lookups_per_s"].is_monotonic_decreasing and sweep["latency_ms"].is_monotonic_decreasing


# --------------------------------------------------------------------------
# Bad input: a ValueError naming the parameter
# --------------------------------------------------------------------------

P = POPULATIONS["heavy"]
_GOOD = {
    model.power_sum: {"s": 2, "low": 1, "high": 10},
    fanout.follower_mean: {"exponent": 2.0, "min_followers": 5, "max_followers": 10},
    fanout.follower_ccdf: {"k": 3, "exponent": 2.0, "min_followers": 1, "max_followers": 10},
    fanout.follower_population: {"users": 1_000},
    fanout.writes_per_post: {"population": P, "strategy": "hybrid"},
    fanout.lookups_per_read: {"population": P, "strategy": "hybrid"},
    fanout.largest_fanout: {"population": P, "strategy": "hybrid"},
    fanout.read_latency_cdf: {"t_ms": 1.0, "population": P, "strategy": "hybrid"},
    fanout.read_latency_quantile: {"population": P, "strategy": "hybrid"},
    fanout.compare: {"population": P, "posts_per_s": 10, "reads_per_s": 10, "threshold": 100},
    fanout.threshold_sweep: {"population": P, "posts_per_s": 10, "reads_per_s": 10},
    fanout.simulate_posts: {"population": P, "posts": 10},
    fanout.simulate_reads: {"population": P, "reads": 10},
}
BAD = [
    (model.power_sum, {"s": math.nan}), (model.power_sum, {"low": 0}), (model.power_sum, {"low": 5, "high": 4}),
    (fanout.follower_mean, {"exponent": 1.0}), (fanout.follower_mean, {"min_followers": 0}),
    (fanout.follower_mean, {"max_followers": 4}),
    (fanout.follower_ccdf, {"k": -1}), (fanout.follower_ccdf, {"exponent": "2"}),
    (fanout.follower_population, {"users": 1}), (fanout.follower_population, {"exponent": 6.0}),
    (fanout.follower_population, {"min_followers": 1_000}),
    (fanout.follower_population, {"celebrity_followers": 1_000}), (fanout.follower_population, {"seed": -1}),
    (fanout.writes_per_post, {"population": "users"}), (fanout.writes_per_post, {"strategy": "fan-out"}),
    (fanout.writes_per_post, {"threshold": -1.0}),
    (fanout.lookups_per_read, {"strategy": "poll"}), (fanout.lookups_per_read, {"threshold": math.inf}),
    (fanout.largest_fanout, {"population": None}), (fanout.largest_fanout, {"threshold": "x"}),
    (fanout.read_latency_cdf, {"t_ms": -1.0}), (fanout.read_latency_cdf, {"base_ms": -1.0}),
    (fanout.read_latency_cdf, {"extra_ms": 0.0}), (fanout.read_latency_cdf, {"threshold": -5}),
    (fanout.read_latency_quantile, {"percentile": 1.0}), (fanout.read_latency_quantile, {"strategy": "all"}),
    (fanout.read_latency_quantile, {"extra_ms": -1.0}),
    (fanout.compare, {"posts_per_s": -1.0}), (fanout.compare, {"reads_per_s": math.nan}),
    (fanout.compare, {"threshold": -1}), (fanout.compare, {"percentile": 0}), (fanout.compare, {"entry_bytes": -1}),
    (fanout.compare, {"retention_s": -1}), (fanout.compare, {"fanout_rate": 0}), (fanout.compare, {"base_ms": -1}),
    (fanout.threshold_sweep, {"posts_per_s": 2e9}), (fanout.threshold_sweep, {"reads_per_s": -1}),
    (fanout.threshold_sweep, {"thresholds": ()}), (fanout.threshold_sweep, {"thresholds": (1.0, -2.0)}),
    (fanout.threshold_sweep, {"percentile": 0.2}), (fanout.threshold_sweep, {"fanout_rate": -1}),
    (fanout.threshold_sweep, {"extra_ms": 0}),
    (fanout.simulate_posts, {"posts": 0}), (fanout.simulate_posts, {"threshold": -1}),
    (fanout.simulate_posts, {"seed": 1.5}),
    (fanout.simulate_reads, {"reads": 0}), (fanout.simulate_reads, {"reads": 90_000}),
    (fanout.simulate_reads, {"threshold": math.nan}), (fanout.simulate_reads, {"seed": -3}),
    (fanout.simulate_reads, {"base_ms": -3}),
]


def _named(bad: dict) -> str:
    """The parameter a bad case is about: its last key, or "threshold" for a list of thresholds."""
    name = list(bad)[-1]
    return "threshold" if bad.get("thresholds") == (1.0, -2.0) else name


@pytest.mark.parametrize("fn, bad", BAD, ids=[f"{fn.__name__}-{'-'.join(bad)}-{i}" for i, (fn, bad) in enumerate(BAD)])
def test_bad_input_names_the_parameter(fn, bad):
    _GOOD[fn] and fn(**_GOOD[fn])  # the good arguments pass
    with pytest.raises(ValueError, match=rf"^{_named(bad)} must"):
        fn(**{**_GOOD[fn], **bad})


def test_every_public_function_has_a_bad_input_case():
    public = {name for name in dir(model) if callable(getattr(model, name)) and not name.startswith("_")
              and getattr(getattr(model, name), "__module__", "") == model.__name__
              and not isinstance(getattr(model, name), type)}
    assert public == {fn.__name__ for fn, _ in BAD} == {fn.__name__ for fn in _GOOD}


@settings(max_examples=30)
@given(name=st.sampled_from(sorted(POPULATIONS)), threshold=st.floats(0, 2e5))
def test_share_above_is_the_pulled_follows(name, threshold):
    population = POPULATIONS[name]
    each = _per_user(population)
    assert population.share_above(threshold) == pytest.approx(each[each > threshold].sum() / each.sum(), abs=1e-12)
