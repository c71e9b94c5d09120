"""Fan-out for a news feed: push (fan-out on write), pull (fan-out on read) and a hybrid with a celebrity
threshold, over a seeded population whose follower counts have a heavy tail.

Plain functions and frozen dataclasses, no view code (the views are in :mod:`.views`). Rates are per
second, times in milliseconds (ms) unless a name says seconds (``_s``), sizes in bytes (decimal units:
1 GB = 10^9 B).

**The population.** U users; each has K followers, drawn independently from a discrete power law
truncated to the possible counts, P(K = k) = k^(-γ) / Z for k_min <= k <= U - 1, Z the sum of k^(-γ) over
that range (:func:`power_sum`). Kwak et al. (2010, Fig. 1) fitted the follower counts of 41.7 million Twitter
users with such a law, exponent 2.276, up to about 10^5 followers, with more users above that than the law
predicts; Myers et al. (2014) describe the follow graph of 2012 as having, among other traits, the very
large degrees of an information network. The default ``exponent`` is Kwak's 2.276 and ``min_followers``
is 17, which puts the mean close to the 75 followers a tweet reached on average at Twitter in 2012
(Kleppmann 2017, ch. 1). One extra account with
``celebrity_followers`` followers can be added: the celebrity. :func:`follower_population` draws the
counts (seeded) and keeps them as a histogram (each distinct count and how many users have it).

**The strategies** (Kleppmann 2017, ch. 1, "Describing Load"; Krikorian 2013 on Twitter's timelines). A
post is stored once in its author's list under every strategy; the *fan-out writes* are the copies
written into followers' feeds.

* push: a post is written into every follower's feed, so a post by an author with f followers costs f
  fan-out writes; a feed read is one lookup of the reader's own feed.
* pull: no fan-out writes; a feed read looks up the lists of everyone the reader follows and merges them.
* hybrid with threshold T: authors with at most T followers are pushed, authors with more are pulled; a
  read looks up the reader's own feed and the lists of the celebrities (more than T followers) it follows.

Posts come from users chosen uniformly at random, so the expected fan-out writes per post under push are
the mean follower count, and under the hybrid (1/U) times the sum of the follower counts at or below T
(:func:`writes_per_post`). Every follow is served once, at write time or at read time: the hybrid's
writes per post plus its pulled lookups per read (beyond the own feed) equal push's writes per post.

**Who follows whom.** Each account's followers are a uniform random set of users of its size, drawn
independently per account, so a uniformly chosen reader follows an account with f followers with
probability f / U, independently across accounts (the reader's own account is counted among the others:
an error of order 1/U). A reader's pulled lookups are then a sum of independent Bernoulli variables (a
Poisson-binomial count), close to a Poisson count when no account is followed by a large share of
users (Le Cam 1960).

**Read latency.** Each lookup takes ``base_ms`` plus an exponential delay of mean ``extra_ms`` (0.5 ms
is a round trip within a datacentre in Dean's 2009 table; the exponential part stands for queueing and
service, an assumption). A read's lookups run in parallel and it waits for the slowest, so a read of k
lookups takes the largest of k draws (Dean and Barroso 2013). Over uniformly chosen readers,
P(latency <= t) = F(t)^own * prod over accounts of (1 - p (1 - F(t))), with F the lookup's distribution,
own = 1 if the read looks up its own feed and p = f / U (:func:`read_latency_cdf`); a pull read with
nothing to look up returns at once. :func:`read_latency_quantile` inverts it.

* :func:`compare`: the three strategies side by side for given post and read rates and a threshold.
* :func:`threshold_sweep`: the hybrid against the threshold.
* :func:`simulate_posts`, :func:`simulate_reads`: seeded simulations that check the closed forms.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from widgets import _check

#: Kwak et al. (2010): the exponent of the power law fitted to Twitter's follower counts.
KWAK_EXPONENT = 2.276
#: The fewest followers a user has by default: with Kwak's exponent the mean is close to Twitter's 75 (2012).
MIN_FOLLOWERS = 17
#: The strategies, in the order every table shows them.
STRATEGIES = ("push", "pull", "hybrid")
#: Largest population the model takes, largest rate (per second), largest threshold (followers).
MAX_USERS = 1_000_000_000
MAX_RATE = 1e9
MAX_THRESHOLD = 1e12
#: One lookup: a round trip within a datacentre (Dean 2009: 500,000 ns) plus an exponential delay (assumed).
LOOKUP_BASE_MS, LOOKUP_EXTRA_MS = 0.5, 0.5
#: A feed entry: a post id, an author id and flags, the fields Krikorian (2013) lists; 8 + 8 + 4 bytes is assumed.
ENTRY_BYTES = 20
#: Storage is counted for this long a window of posts: a day.
RETENTION_S = 86_400
#: Feed writes per second the fan-out workers deliver (an assumption), and Twitter's delivery target
#: of five seconds (Kleppmann 2017, ch. 1).
FANOUT_RATE, DELIVERY_TARGET_S = 1_000_000.0, 5.0
#: The thresholds :func:`threshold_sweep` evaluates by default: 1 to 10^9 followers, 20 a decade.
SWEEP_THRESHOLDS = tuple(float(t) for t in np.logspace(0, 9, 181))

_EXACT_TERMS = 1_000  # a power sum adds this many terms one by one, then uses Euler-Maclaurin
_HEAD = 10_000  # follower counts below min_followers + _HEAD are drawn count by count, above by inversion
_MAX_SIMULATED = 10_000_000  # largest number of posts, or of lookup draws, a simulation makes


# --------------------------------------------------------------------------
# The follower distribution
# --------------------------------------------------------------------------


def _integral(s: float, m: float, b: float) -> float:
    """The integral of x^(-s) from m to b (b >= m > 0)."""
    log_ratio = math.log(b / m)
    if s == 1:
        return log_ratio
    return m ** (1 - s) * math.expm1((1 - s) * log_ratio) / (1 - s)


def _euler_maclaurin(s: float, m: int, b: int) -> float:
    """The sum of k^(-s) for k from m to b by Euler-Maclaurin, to the third-derivative term (m >= 1,000)."""
    ends = np.array([m, b], dtype=float)
    f = ends**-s  # x^(-s), then its first and third derivatives, at both ends
    d1, d3 = -s * ends ** (-s - 1), -s * (s + 1) * (s + 2) * ends ** (-s - 3)
    return _integral(s, m, b) + float((f[0] + f[1]) / 2 + (d1[1] - d1[0]) / 12 - (d3[1] - d3[0]) / 720)


def power_sum(s: float, low: int, high: int) -> float:
    """The sum of k^(-s) for k from ``low`` to ``high``: term by term for the first 1,000 terms, then by
    Euler-Maclaurin (relative error below 10^-13).

    >>> power_sum(2, 1, 3) == 1 + 1 / 4 + 1 / 9
    True
    >>> round(power_sum(2, 1, 10**9), 9) == round(math.pi**2 / 6 - 1e-9, 9)  # the tail beyond N is about 1/N
    True
    """
    s = _check.number("s", s, -3, 10)
    low = _check.integer("low", low, 1, MAX_USERS)
    high = _check.integer("high", high, low, MAX_USERS)
    split = min(high, low + _EXACT_TERMS - 1)
    head = float(np.sum(np.arange(low, split + 1, dtype=float) ** -s))
    return head + (_euler_maclaurin(s, split + 1, high) if split < high else 0.0)


def _law(exponent: Any, min_followers: Any, max_followers: Any) -> tuple[float, int, int]:
    exponent = _check.number("exponent", exponent, 1.1, 5)
    low = _check.integer("min_followers", min_followers, 1, 1_000)
    return exponent, low, _check.integer("max_followers", max_followers, low, MAX_USERS)


def follower_mean(exponent: float, min_followers: int, max_followers: int) -> float:
    """The mean follower count under the truncated power law: power_sum(γ - 1) / power_sum(γ).

    >>> round(follower_mean(KWAK_EXPONENT, MIN_FOLLOWERS, 10**8 - 1), 1)
    75.3
    """
    exponent, low, high = _law(exponent, min_followers, max_followers)
    return power_sum(exponent - 1, low, high) / power_sum(exponent, low, high)


def follower_ccdf(k: int, exponent: float, min_followers: int, max_followers: int) -> float:
    """P(K >= k) under the truncated power law.

    >>> follower_ccdf(1, 2.5, 1, 100), round(follower_ccdf(2, 2, 1, 2), 6)
    (1.0, 0.2)
    """
    exponent, low, high = _law(exponent, min_followers, max_followers)
    k = _check.integer("k", k, 0, MAX_USERS)
    if k > high:
        return 0.0
    return power_sum(exponent, max(k, low), high) / power_sum(exponent, low, high)


def _tail_draws(n: int, exponent: float, low: int, high: int, rng: np.random.Generator) -> np.ndarray:
    """n counts in [low, high] with P(k) close to k^(-γ): the continuous law on [low - 1/2, high + 1/2)
    by inversion, rounded (Clauset, Shalizi and Newman 2009, appendix D; relative error in each
    probability about γ² / (24 k²), below 10^-7 at the counts it is used for)."""
    lo, hi = low - 0.5, high + 0.5
    kept = -math.expm1((1 - exponent) * math.log(hi / lo))  # 1 - (hi/lo)^(1-γ): the share below hi
    x = lo * np.exp(-np.log1p(-rng.random(n) * kept) / (exponent - 1))
    return np.clip(np.floor(x + 0.5), low, high).astype(np.int64)


def _draw_counts(n: int, exponent: float, low: int, high: int, rng: np.random.Generator
                 ) -> tuple[np.ndarray, np.ndarray]:
    """Follower counts of n users as (distinct counts, users with each): a multinomial over the counts
    below low + _HEAD, inversion above (few users live there)."""
    head_end = min(high, low + _HEAD - 1)
    k = np.arange(low, head_end + 1)
    z = power_sum(exponent, low, high)
    head = k.astype(float) ** -exponent / z
    tail = power_sum(exponent, head_end + 1, high) / z if head_end < high else 0.0
    drawn = rng.multinomial(n, np.append(head, tail) / (head.sum() + tail))
    tail_values = _tail_draws(int(drawn[-1]), exponent, head_end + 1, high, rng) if drawn[-1] else np.empty(0, int)
    values, tail_counts = np.unique(tail_values, return_counts=True)
    keep = drawn[:-1] > 0
    return np.concatenate([k[keep], values]), np.concatenate([drawn[:-1][keep], tail_counts])


@dataclass(frozen=True, eq=False)
class Population:
    """Users' follower counts as a histogram: ``values[i]`` followers for ``counts[i]`` users, ascending.

    ``follows_at_or_below[i]`` is the number of follows held by accounts with at most ``values[i]``
    followers (a running sum), ``users_at_or_below[i]`` the number of those accounts.

    >>> p = follower_population(1_000, celebrity_followers=999, seed=1)
    >>> p.largest, p.accounts_above(998), p.largest_up_to(998) < 999, p.follows_up_to(998) == p.follows - 999
    (999, 1, True, True)
    >>> p.share_above(998) == 999 / p.follows, p.share_above(p.largest)
    (True, 0.0)
    >>> probabilities, accounts = p.follow_probabilities(998)
    >>> probabilities.tolist(), accounts.tolist()
    ([0.999], [1])
    """

    users: int
    exponent: float
    min_followers: int
    celebrity_followers: int
    seed: int
    values: np.ndarray
    counts: np.ndarray
    follows_at_or_below: np.ndarray
    users_at_or_below: np.ndarray

    @property
    def follows(self) -> int:
        """Follow relations in all: the sum of every user's follower count."""
        return int(self.follows_at_or_below[-1])

    @property
    def mean_followers(self) -> float:
        """The mean follower count, which is also the mean number of accounts a user follows."""
        return self.follows / self.users

    @property
    def largest(self) -> int:
        """The most followers any account has."""
        return int(self.values[-1])

    @property
    def expected_mean(self) -> float:
        """The mean follower count the law gives (:func:`follower_mean`), celebrity included."""
        ordinary = self.users - (1 if self.celebrity_followers else 0)
        mean = follower_mean(self.exponent, self.min_followers, self.users - 1)
        return (ordinary * mean + self.celebrity_followers) / self.users

    def _below(self, threshold: float) -> int:
        """How many distinct counts are at most the threshold."""
        return int(np.searchsorted(self.values, threshold, side="right"))

    def follows_up_to(self, threshold: float) -> int:
        """Follows held by accounts with at most ``threshold`` followers: the hybrid pushes these."""
        i = self._below(_threshold(threshold))
        return int(self.follows_at_or_below[i - 1]) if i else 0

    def accounts_above(self, threshold: float) -> int:
        """Accounts with more than ``threshold`` followers: the hybrid's celebrities."""
        i = self._below(_threshold(threshold))
        return self.users - (int(self.users_at_or_below[i - 1]) if i else 0)

    def share_above(self, threshold: float) -> float:
        """The share of all follows held by accounts with more than ``threshold`` followers: what the hybrid pulls."""
        return (self.follows - self.follows_up_to(threshold)) / self.follows

    def largest_up_to(self, threshold: float) -> int:
        """The most followers of any account with at most ``threshold`` of them (0 if none)."""
        i = self._below(_threshold(threshold))
        return int(self.values[i - 1]) if i else 0

    def follow_probabilities(self, threshold: float = -1) -> tuple[np.ndarray, np.ndarray]:
        """For the counts above ``threshold`` (all by default): p = f / U, the chance that a uniformly
        chosen reader follows one such account, and how many accounts have each count."""
        i = self._below(threshold)
        return self.values[i:] / self.users, self.counts[i:]


def _threshold(threshold: Any) -> float:
    return _check.number("threshold", threshold, 0, MAX_THRESHOLD)


@functools.lru_cache(maxsize=16)
def _population(users: int, exponent: float, min_followers: int, celebrity_followers: int, seed: int) -> Population:
    rng = np.random.default_rng(seed)
    ordinary = users - (1 if celebrity_followers else 0)
    values, counts = _draw_counts(ordinary, exponent, min_followers, users - 1, rng)
    if celebrity_followers:
        values, where = np.unique(np.append(values, celebrity_followers), return_inverse=True)
        counts = np.bincount(where, weights=np.append(counts, 1), minlength=len(values)).astype(np.int64)
    arrays = [values.astype(np.int64), counts.astype(np.int64)]
    arrays += [np.cumsum(arrays[0] * arrays[1]), np.cumsum(arrays[1])]
    for array in arrays:
        array.flags.writeable = False  # populations are cached and shared
    return Population(users, exponent, min_followers, celebrity_followers, seed, *arrays)


def follower_population(users: int, exponent: float = KWAK_EXPONENT, *, min_followers: int = MIN_FOLLOWERS,
                        celebrity_followers: int = 0, seed: int = 0) -> Population:
    """U users' follower counts from the power law (exponent γ, at least ``min_followers``, at most U - 1),
    plus one celebrity with ``celebrity_followers`` followers if that is not 0. Seeded: the same
    arguments give the same population (kept for reuse, since a population is read-only).

    >>> p = follower_population(10**6, seed=1)
    >>> p.users == int(p.counts.sum()), p.min_followers == int(p.values[0]), round(p.mean_followers)
    (True, True, 72)
    >>> follower_population(10**6, celebrity_followers=999_999, seed=1).largest
    999999
    """
    users = _check.integer("users", users, 2, MAX_USERS)
    exponent = _check.number("exponent", exponent, 1.1, 5)
    min_followers = _check.integer("min_followers", min_followers, 1, min(1_000, users - 1))
    celebrity_followers = _check.integer("celebrity_followers", celebrity_followers, 0, users - 1)
    return _population(users, exponent, min_followers, celebrity_followers, _check.seed(seed))


# --------------------------------------------------------------------------
# Writes and lookups: closed forms
# --------------------------------------------------------------------------


def _population_arg(population: Any) -> Population:
    if not isinstance(population, Population):
        raise ValueError(f"population must be a Population (from follower_population), got {population!r}")
    return population


def _strategy(strategy: Any) -> str:
    return _check.choice("strategy", strategy, STRATEGIES)


def writes_per_post(population: Population, strategy: str, threshold: float = MAX_THRESHOLD) -> float:
    """Expected fan-out writes per post, posts by uniformly chosen users: push, the mean follower count;
    pull, 0; hybrid, (1/U) times the sum of the follower counts at or below the threshold.

    >>> p = follower_population(10**5, seed=2)
    >>> writes_per_post(p, "push") == p.follows / p.users, writes_per_post(p, "pull")
    (True, 0.0)
    >>> writes_per_post(p, "hybrid", threshold=p.largest) == writes_per_post(p, "push")
    True
    """
    population, strategy, threshold = _population_arg(population), _strategy(strategy), _threshold(threshold)
    if strategy == "pull":
        return 0.0
    pushed = population.follows if strategy == "push" else population.follows_up_to(threshold)
    return pushed / population.users


def lookups_per_read(population: Population, strategy: str, threshold: float = MAX_THRESHOLD) -> float:
    """Expected lookups per feed read, readers chosen uniformly: push, 1 (the reader's own feed); pull,
    the mean number of accounts a reader follows (= the mean follower count); hybrid, 1 plus the mean
    number of celebrities (more than ``threshold`` followers) a reader follows, (1/U) times their
    follower counts summed.

    >>> p = follower_population(10**5, seed=2)
    >>> lookups_per_read(p, "push"), lookups_per_read(p, "pull") == p.mean_followers
    (1.0, True)
    >>> lookups_per_read(p, "hybrid", 0) == 1 + p.mean_followers
    True
    """
    population, strategy, threshold = _population_arg(population), _strategy(strategy), _threshold(threshold)
    if strategy == "push":
        return 1.0
    if strategy == "pull":
        return population.mean_followers
    return 1 + (population.follows - population.follows_up_to(threshold)) / population.users


def largest_fanout(population: Population, strategy: str, threshold: float = MAX_THRESHOLD) -> int:
    """Fan-out writes of the single largest post: push, the largest account's followers; pull, 0; hybrid,
    the largest account at or below the threshold.

    >>> p = follower_population(10**5, celebrity_followers=99_999, seed=2)
    >>> largest_fanout(p, "push"), largest_fanout(p, "hybrid", 10_000) <= 10_000, largest_fanout(p, "pull")
    (99999, True, 0)
    """
    population, strategy, threshold = _population_arg(population), _strategy(strategy), _threshold(threshold)
    if strategy == "pull":
        return 0
    return population.largest if strategy == "push" else population.largest_up_to(threshold)


# --------------------------------------------------------------------------
# Read latency: the slowest of a read's parallel lookups
# --------------------------------------------------------------------------


def _lookup(base_ms: Any, extra_ms: Any) -> tuple[float, float]:
    return _check.milliseconds("base_ms", base_ms), _check.milliseconds("extra_ms", extra_ms, positive=True)


def _reader_law(population: Population, strategy: str, threshold: Any) -> tuple[int, np.ndarray, np.ndarray]:
    """(own, p, n): whether a read looks up the reader's own feed, and the follow probabilities and
    account counts of the accounts it pulls."""
    threshold = _threshold(threshold)
    if strategy == "push":
        return 1, np.empty(0), np.empty(0)
    if strategy == "pull":
        return 0, *population.follow_probabilities()
    return 1, *population.follow_probabilities(threshold)


def _log_cdf(y: float, own: int, p: np.ndarray, n: np.ndarray) -> tuple[float, float]:
    """log P(latency <= t) and its derivative in y, where y = 1 - F(t) is the chance one lookup is slower."""
    return (own * math.log1p(-y) + float((n * np.log1p(-p * y)).sum()),
            -own / (1 - y) - float((n * p / (1 - p * y)).sum()))


def _solve_y(log_q: float, own: int, p: np.ndarray, n: np.ndarray) -> float:
    """The y in (0, 1) at which the log CDF equals log q: Newton's method kept inside a bracket."""
    lo, hi = 0.0, 1.0
    y = min(0.5, -log_q / (own + float((n * p).sum())))  # the Poisson approximation's guess
    for _ in range(100):
        value, slope = _log_cdf(y, own, p, n)
        if value > log_q:
            lo = y
        else:
            hi = y
        step = y - (value - log_q) / slope
        if abs(step - y) <= 1e-14 * y:
            return step
        y = step if lo < step < hi else (lo + hi) / 2
    return y


def read_latency_cdf(t_ms: float, population: Population, strategy: str, threshold: float = MAX_THRESHOLD, *,
                     base_ms: float = LOOKUP_BASE_MS, extra_ms: float = LOOKUP_EXTRA_MS) -> float:
    """P(a feed read by a uniformly chosen reader takes at most t ms).

    F(t)^own * prod over pulled accounts (1 - p (1 - F(t))), F(t) = 1 - exp(-(t - base) / extra) for
    t >= base, else 0; own = 1 except under pull. A pull read with nothing to look up takes 0 ms.

    >>> p = follower_population(10**5, seed=2)
    >>> round(read_latency_cdf(1.0, p, "push"), 4)  # 1 - e^-1: one lookup
    0.6321
    >>> read_latency_cdf(0.4, p, "push"), read_latency_cdf(0.4, p, "pull") < 1e-12
    (0.0, True)
    """
    population, strategy = _population_arg(population), _strategy(strategy)
    base, extra = _lookup(base_ms, extra_ms)
    t = _check.milliseconds("t_ms", t_ms)
    own, p, n = _reader_law(population, strategy, threshold)
    y = 1.0 if t <= base else math.exp(-(t - base) / extra)
    if y >= 1.0:
        return 0.0 if own else math.exp(float((n * np.log1p(-p)).sum()))
    return math.exp(_log_cdf(y, own, p, n)[0])


def read_latency_quantile(population: Population, strategy: str, threshold: float = MAX_THRESHOLD, *,
                          percentile: float = 0.99, base_ms: float = LOOKUP_BASE_MS,
                          extra_ms: float = LOOKUP_EXTRA_MS) -> float:
    """The ``percentile`` (a fraction, 0.99 for p99) of feed read latency in ms: :func:`read_latency_cdf`
    inverted. Push: one lookup, base - extra ln(1 - q).

    >>> p = follower_population(10**5, seed=2)
    >>> round(read_latency_quantile(p, "push"), 3)  # 0.5 + 0.5 ln 100
    2.803
    >>> read_latency_quantile(p, "pull") > read_latency_quantile(p, "hybrid", 1_000) > 2.803
    True
    """
    population, strategy = _population_arg(population), _strategy(strategy)
    base, extra = _lookup(base_ms, extra_ms)
    q = _check.number("percentile", percentile, 0, 1, open_low=True, open_high=True)
    own, p, n = _reader_law(population, strategy, threshold)
    if own == 0 and float((n * np.log1p(-p)).sum()) >= math.log(q):
        return 0.0  # at least a share q of reads have nothing to look up
    return base - extra * math.log(_solve_y(math.log(q), own, p, n))


def _series_terms(q: float) -> int:
    """Terms of the series for log(1 - p y) that reach 10^-17 when y <= 1 - q (the hybrid's range)."""
    return int(math.ceil(math.log(1e-17) / math.log(1 - q))) + 1


def _hybrid_quantiles(population: Population, thresholds: np.ndarray, q: float, base: float, extra: float
                      ) -> np.ndarray:
    """The hybrid's latency quantile at each threshold, all at once.

    log P(latency <= t) = log(1 - y) - sum over j of y^j S_j / j, where S_j sums n p^j over the pulled
    accounts; the hybrid's own lookup keeps y <= 1 - q, so a few terms of the series are exact to
    10^-17. Solved for y by bisection on log y, all thresholds together.
    """
    terms = _series_terms(q)
    p, n = population.follow_probabilities()
    powers = n * np.cumprod(np.broadcast_to(p, (terms, len(p))), axis=0)  # n p^j: (terms, counts)
    suffix = np.concatenate([np.cumsum(powers[:, ::-1], axis=1)[:, ::-1], np.zeros((terms, 1))], axis=1)
    moments = suffix[:, np.searchsorted(population.values, thresholds, side="right")]  # S_j at each threshold
    j = np.arange(1, terms + 1)[:, None]
    lo, hi = np.full(len(thresholds), math.log(1e-300)), np.full(len(thresholds), math.log1p(-q))
    for _ in range(100):
        mid = (lo + hi) / 2
        y = np.exp(mid)
        log_cdf = np.log1p(-y) - np.sum(y ** j * moments / j, axis=0)
        above = log_cdf > math.log(q)
        lo, hi = np.where(above, mid, lo), np.where(above, hi, mid)
    return base - extra * (lo + hi) / 2


# --------------------------------------------------------------------------
# The three strategies side by side, and the hybrid against its threshold
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class StrategyLoad:
    """What one strategy costs at the given rates (rates per second, latencies in ms, storage in bytes)."""

    strategy: str
    writes_per_post: float  # fan-out writes per post, expected
    feed_writes_per_s: float  # fan-out writes per second: write amplification times the post rate
    largest_fanout: int  # fan-out writes of the single largest post
    delivery_s: float  # seconds to deliver that post at the fan-out rate
    fanout_utilisation: float  # feed writes per second over the fan-out rate
    lookups_per_read: float
    lookups_per_s: float
    median_ms: float
    latency_ms: float  # at the comparison's percentile
    storage_bytes: float  # feed entries and author lists for the retention window


@dataclass(frozen=True)
class Comparison:
    """The three strategies (:data:`STRATEGIES`) on one population at one threshold (see :func:`compare`)."""

    posts_per_s: float
    reads_per_s: float
    threshold: float
    percentile: float
    fanout_rate: float
    loads: tuple[StrategyLoad, ...]

    def load(self, strategy: str) -> StrategyLoad:
        """One strategy's load, by name."""
        return self.loads[STRATEGIES.index(_strategy(strategy))]


@functools.lru_cache(maxsize=64)
def _quantile(population: Population, strategy: str, threshold: float, q: float, base: float, extra: float) -> float:
    return read_latency_quantile(population, strategy, threshold, percentile=q, base_ms=base, extra_ms=extra)


def compare(population: Population, posts_per_s: float, reads_per_s: float, threshold: float, *,
            percentile: float = 0.99, base_ms: float = LOOKUP_BASE_MS, extra_ms: float = LOOKUP_EXTRA_MS,
            entry_bytes: float = ENTRY_BYTES, retention_s: float = RETENTION_S,
            fanout_rate: float = FANOUT_RATE) -> Comparison:
    """Push, pull and the hybrid at ``threshold``: fan-out writes, lookups, read latency (median and
    ``percentile``) and storage for ``retention_s`` of posts (every post once in its author's list,
    plus its fan-out entries, each ``entry_bytes``).

    >>> p = follower_population(10**6, seed=1)
    >>> c = compare(p, 4_600, 300_000, threshold=100_000)
    >>> round(c.load("push").feed_writes_per_s), c.load("pull").feed_writes_per_s, c.load("push").lookups_per_s
    (332579, 0.0, 300000.0)
    >>> c.load("hybrid").largest_fanout <= 100_000 < c.load("push").largest_fanout
    True
    """
    population = _population_arg(population)
    posts = _check.number("posts_per_s", posts_per_s, 0, MAX_RATE)
    reads = _check.number("reads_per_s", reads_per_s, 0, MAX_RATE)
    threshold = _threshold(threshold)
    q = _check.number("percentile", percentile, 0, 1, open_low=True, open_high=True)
    base, extra = _lookup(base_ms, extra_ms)
    entry = _check.number("entry_bytes", entry_bytes, 0, 1e6)
    retention = _check.number("retention_s", retention_s, 0, 1e9)
    rate = _check.number("fanout_rate", fanout_rate, 0, MAX_RATE, open_low=True)

    def load(strategy: str) -> StrategyLoad:
        writes = writes_per_post(population, strategy, threshold)
        lookups = lookups_per_read(population, strategy, threshold)
        largest = largest_fanout(population, strategy, threshold)
        return StrategyLoad(
            strategy, writes, posts * writes, largest, largest / rate, posts * writes / rate, lookups,
            reads * lookups, _quantile(population, strategy, threshold, 0.5, base, extra),
            _quantile(population, strategy, threshold, q, base, extra),
            posts * retention * (1 + writes) * entry)

    return Comparison(posts, reads, threshold, q, rate, tuple(load(s) for s in STRATEGIES))


@functools.lru_cache(maxsize=16)
def _sweep_latency(population: Population, thresholds: tuple[float, ...], q: float, base: float, extra: float
                   ) -> np.ndarray:
    return _hybrid_quantiles(population, np.asarray(thresholds), q, base, extra)


def threshold_sweep(population: Population, posts_per_s: float, reads_per_s: float,
                    thresholds: tuple[float, ...] = SWEEP_THRESHOLDS, *, percentile: float = 0.99,
                    base_ms: float = LOOKUP_BASE_MS, extra_ms: float = LOOKUP_EXTRA_MS,
                    fanout_rate: float = FANOUT_RATE) -> pd.DataFrame:
    """The hybrid at each threshold: fan-out writes per second, lookups per second, the latency
    ``percentile`` (ms, in [0.5, 0.9999]) and the seconds to deliver its largest pushed post.

    >>> p = follower_population(10**5, seed=2)
    >>> sweep = threshold_sweep(p, 1_000, 10_000, thresholds=(0.0, 1e9))
    >>> sweep["feed_writes_per_s"].round(2).tolist(), round(1_000 * p.mean_followers, 2)
    ([0.0, 69497.87], 69497.87)
    >>> sweep.columns.tolist()
    ['threshold', 'feed_writes_per_s', 'lookups_per_s', 'latency_ms', 'delivery_s']
    """
    population = _population_arg(population)
    posts = _check.number("posts_per_s", posts_per_s, 0, MAX_RATE)
    reads = _check.number("reads_per_s", reads_per_s, 0, MAX_RATE)
    q = _check.number("percentile", percentile, 0.5, 0.9999)
    base, extra = _lookup(base_ms, extra_ms)
    rate = _check.number("fanout_rate", fanout_rate, 0, MAX_RATE, open_low=True)
    if not isinstance(thresholds, (tuple, list)) or not thresholds:
        raise ValueError(f"thresholds must be a non-empty tuple of numbers in [0, 1e12], got {thresholds!r}")
    grid = tuple(_threshold(t) for t in thresholds)
    t = np.asarray(grid)
    i = np.searchsorted(population.values, t, side="right")
    pushed = np.where(i > 0, population.follows_at_or_below[np.maximum(i - 1, 0)], 0)
    largest = np.where(i > 0, population.values[np.maximum(i - 1, 0)], 0)
    return pd.DataFrame({
        "threshold": t,
        "feed_writes_per_s": posts * pushed / population.users,
        "lookups_per_s": reads * (1 + (population.follows - pushed) / population.users),
        "latency_ms": _sweep_latency(population, grid, q, base, extra),
        "delivery_s": largest / rate,
    })


# --------------------------------------------------------------------------
# Seeded simulations, to check the closed forms
# --------------------------------------------------------------------------


def _uniform_users(population: Population, size: int, rng: np.random.Generator) -> np.ndarray:
    """Indices into ``population.values`` of ``size`` users chosen uniformly."""
    return np.searchsorted(population.users_at_or_below, rng.integers(0, population.users, size), side="right")


def simulate_posts(population: Population, posts: int, threshold: float = MAX_THRESHOLD, *, seed: int = 0
                   ) -> pd.DataFrame:
    """``posts`` posts by uniformly chosen users: each post's author's followers and its fan-out writes
    under each strategy (one row a post).

    >>> run = simulate_posts(follower_population(10**5, seed=2), 1_000, threshold=100, seed=3)
    >>> run.columns.tolist(), bool((run["hybrid"] <= run["push"]).all())
    (['followers', 'push', 'pull', 'hybrid'], True)
    """
    population = _population_arg(population)
    posts = _check.integer("posts", posts, 1, _MAX_SIMULATED)
    threshold = _threshold(threshold)
    followers = population.values[_uniform_users(population, posts, np.random.default_rng(_check.seed(seed)))]
    return pd.DataFrame({"followers": followers, "push": followers, "pull": np.zeros(posts, dtype=np.int64),
                         "hybrid": np.where(followers <= threshold, followers, 0)})


def _followed(population: Population, reads: int, rng: np.random.Generator) -> np.ndarray:
    """For each read (a row), how many accounts of each count (a column) its reader follows."""
    p, n = population.follow_probabilities()
    return rng.binomial(n, p, size=(reads, len(n)))


def _slowest(counts: np.ndarray, base: float, extra: float, rng: np.random.Generator) -> np.ndarray:
    """For each read, the slowest of ``counts[i]`` lookups drawn one by one (0 ms when there are none)."""
    total = int(counts.sum())
    if total > _MAX_SIMULATED:
        raise ValueError(f"reads must be fewer: they make {total:,} lookups, more than {_MAX_SIMULATED:,}")
    draws = base + rng.exponential(extra, total)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    slowest = np.zeros(len(counts))
    some = counts > 0
    if some.any():
        slowest[some] = np.maximum.reduceat(draws, starts[some])
    return slowest


def simulate_reads(population: Population, reads: int, threshold: float = MAX_THRESHOLD, *, seed: int = 0,
                   base_ms: float = LOOKUP_BASE_MS, extra_ms: float = LOOKUP_EXTRA_MS) -> pd.DataFrame:
    """``reads`` feed reads by uniformly chosen readers, each with its own follows (drawn as the model
    says) and its lookups' latencies drawn one by one: lookups and latency (ms) under each strategy.
    The same reader and the same draws serve all three strategies.

    >>> run = simulate_reads(follower_population(10**4, seed=2), 200, threshold=1_000, seed=3)
    >>> run.columns.tolist()
    ['push_lookups', 'pull_lookups', 'hybrid_lookups', 'push_ms', 'pull_ms', 'hybrid_ms']
    >>> bool((run["push_ms"] <= run["hybrid_ms"]).all())
    True
    """
    population = _population_arg(population)
    reads = _check.integer("reads", reads, 1, 100_000)
    threshold = _threshold(threshold)
    base, extra = _lookup(base_ms, extra_ms)
    rng = np.random.default_rng(_check.seed(seed))
    if reads * len(population.values) > _MAX_SIMULATED * 5:
        raise ValueError(f"reads must be at most {_MAX_SIMULATED * 5 // len(population.values):,} for this "
                         f"population ({len(population.values):,} distinct follower counts), got {reads:,}")
    followed = _followed(population, reads, rng)
    pulled = population.values > threshold
    celebrities, others = followed[:, pulled].sum(axis=1), followed[:, ~pulled].sum(axis=1)
    own = base + rng.exponential(extra, reads)
    slowest_celebrity = _slowest(celebrities, base, extra, rng)
    slowest_other = _slowest(others, base, extra, rng)
    return pd.DataFrame({
        "push_lookups": np.ones(reads, dtype=np.int64), "pull_lookups": celebrities + others,
        "hybrid_lookups": 1 + celebrities,
        "push_ms": own, "pull_ms": np.maximum(slowest_celebrity, slowest_other),
        "hybrid_ms": np.maximum(own, slowest_celebrity),
    })
