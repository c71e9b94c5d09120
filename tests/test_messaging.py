"""Tests of widgets.messaging: the spike's closed forms, the seeded simulation against them, simpy as an
independent engine, push against pull, and Kafka's assignors and delivery semantics.

References for what is checked here:
* Apache Kafka documentation, section 4.6 "Message Delivery Semantics" (kafka.apache.org/documentation/
  #semantics): a consumer that saves its position and then processes gives at-most-once delivery (a crash
  between the two loses messages); one that processes and then saves its position gives at-least-once
  (a crash between the two processes messages again).
* Apache Kafka documentation, section 1 "Introduction" and the consumer javadoc: each partition is read
  by exactly one consumer of a group; consumers beyond the partition count get no partition.
* Apache Kafka source, the javadoc of clients/.../consumer/RangeAssignor.java and RoundRobinAssignor.java:
  the worked example of two consumers C0 and C1 and topics t0 and t1 of three partitions each.
* Lindley (1952), "The theory of queues with a single server", Proc. Cambridge Phil. Soc. 48(2): the
  recursion W(n+1) = max(0, W(n) + U(n)).
"""

from __future__ import annotations

import math
import random

import numpy as np
import pytest
import simpy
from hypothesis import given, settings
from hypothesis import strategies as st

from widgets import messaging
from widgets.messaging import model

# --------------------------------------------------------------------------
# The spike: closed forms
# --------------------------------------------------------------------------

rates = st.floats(0, 5000)
per_rates = st.floats(1, 500)
counts = st.integers(1, 50)
durations = st.floats(1, 3600)


@given(spike=rates, duration=durations, consumers=counts, per=per_rates)
def test_the_spike_leaves_its_excess_over_capacity(spike, duration, consumers, per):
    backlog = messaging.spike_backlog(spike, duration, consumers, per)
    assert backlog == pytest.approx(max(0.0, spike - consumers * per) * duration)


@given(backlog=st.floats(1, 1e7), normal=rates, consumers=counts, per=per_rates)
def test_drain_time_is_backlog_over_spare_capacity_or_never(backlog, normal, consumers, per):
    mu = consumers * per
    drain = messaging.drain_time(backlog, normal, consumers, per)
    if mu > normal:
        assert drain == pytest.approx(backlog / (mu - normal))
    else:  # capacity at or below normal arrivals: the backlog never shrinks, and no exception
        assert drain == math.inf


@given(spike=st.floats(0, 5000), duration=durations, normal=st.floats(0, 2000), per=per_rates,
       target=st.floats(0, 3600))
def test_consumers_needed_is_the_fewest_that_drain_in_time(spike, duration, normal, per, target):
    def drains_in_time(c):
        backlog = messaging.spike_backlog(spike, duration, c, per)
        return messaging.drain_time(backlog, normal, c, per) <= target * (1 + 1e-9) + 1e-9 and c * per > normal

    needed = messaging.consumers_needed(spike, duration, normal, per, target)
    assert drains_in_time(needed)
    assert needed == 1 or not drains_in_time(needed - 1)


def test_consumers_needed_for_the_chapter_numbers():
    """1,000 msg/s for 60 s over 300 msg/s normal, 100 msg/s each: a 60 s drain needs the mean rate over
    the 120 s, (1,000 x 60 + 300 x 60) / 120 = 650 msg/s, so 7 consumers; no backlog at all needs 10."""
    assert messaging.consumers_needed(1000, 60, 300, 100, 60) == 7
    assert messaging.consumers_needed(1000, 60, 300, 100, 0) == 10
    assert messaging.drain_time(messaging.spike_backlog(1000, 60, 7, 100), 300, 7, 100) <= 60
    assert messaging.drain_time(messaging.spike_backlog(1000, 60, 6, 100), 300, 6, 100) > 60


@given(normal=st.floats(0, 1000), spike=st.floats(0, 3000), start=st.integers(0, 100), duration=st.integers(1, 300),
       mu=st.floats(1, 2000))
def test_the_fluid_backlog_joins_the_closed_forms(normal, spike, start, duration, mu):
    end = start + duration
    at_end = model.fluid_backlog([end], normal, spike, start, duration, mu)[0]
    before = max(0.0, normal - mu) * start
    assert at_end == pytest.approx(max(0.0, before + (spike - mu) * duration), abs=1e-6)
    if normal < mu and at_end > 0:
        drain = at_end / (mu - normal)
        assert model.fluid_backlog([end + drain], normal, spike, start, duration, mu)[0] == pytest.approx(0, abs=1e-6)
        half = model.fluid_backlog([end + drain / 2], normal, spike, start, duration, mu)[0]
        assert half == pytest.approx(at_end / 2, rel=1e-9)


@given(st.lists(st.tuples(st.integers(0, 50), st.integers(0, 50)), min_size=1, max_size=60))
def test_lindley_running_minimum_equals_the_recursion(steps):
    arrivals, completions = zip(*steps)
    backlog, expected = 0, []
    for a, s in steps:
        backlog = max(0, backlog + a - s)
        expected.append(backlog)
    assert model.lindley(arrivals, completions).tolist() == expected


# --------------------------------------------------------------------------
# The spike: the seeded simulation agrees with the closed form
# --------------------------------------------------------------------------

SCENARIOS = [  # spike msg/s, spike s, consumers (normal 300 msg/s, 100 msg/s per consumer)
    (1000, 60, 4), (1000, 60, 8), (2000, 120, 12), (600, 200, 5),
]


@pytest.mark.parametrize("spike, duration, consumers", SCENARIOS)
def test_one_simulation_lies_within_four_standard_deviations(spike, duration, consumers):
    """Arrivals and completions through the spike are Poisson: the backlog at its end has standard
    deviation about sqrt((spike + mu) T); the drain adds (normal + mu) per second of draining."""
    run = messaging.spike_run(spike, duration, consumers, horizon_s=1200)
    mu, normal = run.capacity, run.normal_rate
    sd_end = math.sqrt((spike + mu) * duration)
    assert abs(run.simulated_backlog_at_end - run.backlog_at_end) <= 4 * sd_end
    sd_drain = math.sqrt(sd_end**2 + (normal + mu) * run.drain_s) / (mu - normal)
    assert abs(run.simulated_drain_s - run.drain_s) <= 4 * sd_drain + 2


def test_the_mean_of_many_simulations_converges_on_the_closed_form():
    """200 seeds: the mean backlog at the spike's end within 4 standard errors (plus a few messages for
    the slotted queue's small backlog at normal load), and the mean drain within 2 %."""
    runs = [messaging.spike_run(1000, 60, 4, seed=s) for s in range(200)]
    ends = np.array([r.simulated_backlog_at_end for r in runs])
    drains = np.array([r.simulated_drain_s for r in runs])
    sd_end = math.sqrt((1000 + 400) * 60)
    assert abs(ends.mean() - 36_000) <= 4 * sd_end / math.sqrt(200) + 10
    assert drains.mean() == pytest.approx(360, rel=0.02)


def test_the_simulation_follows_the_closed_line_all_along():
    run = messaging.spike_run(1000, 60, 8, horizon_s=300)
    assert np.max(np.abs(run.simulated - run.closed_form)) <= 4 * math.sqrt((1000 + 800) * 60)


def simpy_spike(spike, duration, consumers, *, normal=30.0, per=10.0, start=30.0, horizon=900, seed=1):
    """Message by message in simpy: Poisson arrivals (exponential gaps, the rate of the phase they fall
    in), ``consumers`` processes taking messages from a Store and handling each for an exponential time
    of mean 1 / per. Returns the messages in the system (waiting or in hand) at the end of each second."""
    rng = random.Random(seed)
    env = simpy.Environment()
    store = simpy.Store(env)
    in_system = [0]
    samples = []
    end = start + duration

    def producer():
        while True:
            now = env.now
            rate, boundary = (normal, start) if now < start else (spike, end) if now < end else (normal, math.inf)
            gap = rng.expovariate(rate)
            if now + gap >= boundary:  # memoryless: start afresh at the phase's boundary
                yield env.timeout(boundary - now)
                continue
            yield env.timeout(gap)
            in_system[0] += 1
            yield store.put(env.now)

    def consumer():
        while True:
            yield store.get()
            yield env.timeout(rng.expovariate(per))
            in_system[0] -= 1

    def sampler():
        while True:
            yield env.timeout(1)
            samples.append(in_system[0])

    env.process(producer())
    for _ in range(consumers):
        env.process(consumer())
    env.process(sampler())
    env.run(until=horizon + 0.5)
    return np.array(samples)


@pytest.mark.parametrize("consumers", [4, 8])
def test_simpy_message_by_message_agrees_with_the_closed_form(consumers):
    """An independent engine: simpy queues each message. Spike 100 msg/s for 60 s over 30 msg/s normal,
    consumers at 10 msg/s each. Closed form: backlog (100 - mu) 60, drain backlog / (mu - 30)."""
    spike, duration, start = 100.0, 60, 30
    backlog = messaging.spike_backlog(spike, duration, consumers, 10.0)
    drain = messaging.drain_time(backlog, 30.0, consumers, 10.0)
    mu = consumers * 10.0
    seen = simpy_spike(spike, duration, consumers)
    end = start + duration
    sd_end = math.sqrt((spike + mu) * duration)
    assert abs(seen[end - 1] - backlog) <= 4 * sd_end
    emptied = next(t + 1 for t in range(end - 1, len(seen)) if seen[t] <= consumers)  # only those in hand
    sd_drain = math.sqrt(sd_end**2 + (30 + mu) * drain) / (mu - 30)
    assert abs((emptied - end) - drain) <= 4 * sd_drain + 2
    ours = messaging.spike_run(spike, duration, consumers, normal_rate=30.0, per_consumer_rate=10.0, horizon_s=900)
    assert abs(ours.simulated_backlog_at_end - seen[end - 1]) <= 4 * math.sqrt(2) * sd_end


def test_capacity_at_normal_arrivals_never_drains_and_says_so():
    run = messaging.spike_run(1000, 60, 3)  # mu = 300 msg/s = normal arrivals
    assert not run.drains and run.drain_s == math.inf and run.simulated_drain_s == math.inf
    assert np.all(run.closed_form[int(run.spike_end_s):] == run.backlog_at_end)  # flat: it never shrinks
    under = messaging.spike_run(1000, 60, 2)  # mu = 200 msg/s: it grows even before the spike
    assert under.closed_form[29] == pytest.approx(100 * 30) and np.all(np.diff(under.closed_form) > 0)


def test_a_spike_below_capacity_leaves_no_backlog():
    run = messaging.spike_run(1000, 60, 11)
    assert run.backlog_at_end == 0 and run.drain_s == 0 and run.drains
    assert run.simulated.max() < 100


# --------------------------------------------------------------------------
# Push against pull
# --------------------------------------------------------------------------


@pytest.mark.parametrize("spike, duration, consumers", SCENARIOS)
def test_push_and_pull_conserve_messages(spike, duration, consumers):
    run = messaging.spike_run(spike, duration, consumers)
    pp = messaging.push_pull(run, consumers, buffer=2000, batch=500)
    assert pp.push_memory.max() <= consumers * 2000 and pp.pull_memory.max() <= consumers * 500
    assert np.all(np.diff(pp.push_dropped) >= 0)
    # pull: nothing is dropped, the backlog is split between the broker and the fetched batches
    assert np.array_equal(pp.pull_memory + pp.pull_broker, run.simulated)
    # push without a full buffer is the same queue, held by the consumers
    if run.simulated.max() <= consumers * 2000:
        assert pp.push_dropped[-1] == 0 and np.array_equal(pp.push_memory, run.simulated)


@given(spike=st.integers(400, 3000), duration=st.integers(10, 200), consumers=st.integers(1, 9),
       buffer=st.integers(100, 5000))
@settings(max_examples=40)
def test_push_drops_about_the_backlog_beyond_the_buffers(spike, duration, consumers, buffer):
    """Fluid: the consumers' buffers fill, then every extra message is dropped: max(0, backlog - c K).
    Within 4 standard deviations of the spike's arrivals and completions."""
    run = messaging.spike_run(spike, duration, consumers)
    pp = messaging.push_pull(run, consumers, buffer=buffer)
    at_end = int(run.spike_end_s) - 1
    expected = max(0.0, run.backlog_at_end - consumers * buffer)
    mu = consumers * 100.0
    assert abs(pp.push_dropped[at_end] - expected) <= 4 * math.sqrt((spike + mu + 300) * (duration + 30)) + 5


# --------------------------------------------------------------------------
# Kafka: partitions and consumer groups
# --------------------------------------------------------------------------


def test_range_assignor_matches_kafkas_javadoc_example():
    """RangeAssignor.java: C0 and C1, topics t0 and t1 of 3 partitions: C0 [t0p0, t0p1, t1p0, t1p1], C1 [t0p2, t1p2]."""
    assert messaging.assign_partitions((3, 3), 2, "range") == (
        ((0, 0), (0, 1), (1, 0), (1, 1)), ((0, 2), (1, 2)))


def test_round_robin_assignor_matches_kafkas_javadoc_example():
    """RoundRobinAssignor.java, same group and topics: C0 [t0p0, t0p2, t1p1], C1 [t0p1, t1p0, t1p2]."""
    assert messaging.assign_partitions((3, 3), 2, "roundrobin") == (
        ((0, 0), (0, 2), (1, 1)), ((0, 1), (1, 0), (1, 2)))


@given(partitions=st.integers(1, 40), consumers=st.integers(1, 40), strategy=st.sampled_from(model.ASSIGNORS))
def test_each_partition_has_one_reader_and_extra_consumers_idle(partitions, consumers, strategy):
    assignment = messaging.assign_partitions(partitions, consumers, strategy)
    owned = [p for parts in assignment for _, p in parts]
    assert sorted(owned) == list(range(partitions))  # every partition, exactly once
    loads = [len(parts) for parts in assignment]
    assert max(loads) - min(loads) <= 1
    assert sum(load == 0 for load in loads) == max(0, consumers - partitions)


def test_idle_consumers_read_nothing():
    run = messaging.consume(6, 8, 24)
    assert run.idle == (6, 7) and run.effects == (1,) * 24 and run.deliveries == 24


@pytest.mark.parametrize("batch", [1, 3, 5])
@pytest.mark.parametrize("crash", [1, 2, 3, 4, 5, 6, 7, 11, 12])
def test_one_consumer_loses_or_repeats_the_rest_of_its_batch(batch, crash):
    """Kafka's section 4.6 on one partition and one consumer. The crash comes after the crash-th message,
    the k-th of its batch, k = crash - batch x floor((crash - 1) / batch). Commit first: the batch's last
    (batch - k) messages are lost (fewer at the log's end). Commit after: the k handled are handled again."""
    n = 12
    k = crash - batch * ((crash - 1) // batch)
    batch_end = min(n, crash - k + batch)
    before = messaging.consume(1, 1, n, commit="before", batch=batch, crashes=(crash,))
    assert before.lost == tuple(range(crash, batch_end)) and before.duplicated == ()
    after = messaging.consume(1, 1, n, commit="after", batch=batch, crashes=(crash,))
    assert after.lost == () and after.duplicated == tuple(range(crash - k, crash))
    assert after.deliveries == n + k


crash_lists = st.lists(st.integers(1, 80), max_size=4)
groups = {"partitions": st.integers(1, 8), "consumers": st.integers(1, 10), "messages": st.integers(1, 40),
          "batch": st.integers(1, 6), "crashes": crash_lists.map(tuple)}


@given(**groups)
@settings(max_examples=150)
def test_commit_after_processing_never_loses_a_message(partitions, consumers, messages, batch, crashes):
    run = messaging.consume(partitions, consumers, messages, commit="after", batch=batch, crashes=crashes)
    assert run.lost == () and run.processed == messages
    assert run.deliveries == sum(run.effects)  # every delivery had its effect: duplicates, not losses


@given(**groups)
@settings(max_examples=150)
def test_commit_before_processing_never_duplicates_a_message(partitions, consumers, messages, batch, crashes):
    run = messaging.consume(partitions, consumers, messages, commit="before", batch=batch, crashes=crashes)
    assert run.duplicated == () and max(run.effects) <= 1
    assert len(run.lost) <= batch * run.crashes


@given(**groups)
@settings(max_examples=150)
def test_the_idempotent_consumer_has_exactly_once_effects(partitions, consumers, messages, batch, crashes):
    run = messaging.consume(partitions, consumers, messages, commit="after", batch=batch, crashes=crashes,
                            idempotent=True)
    assert run.effects == (1,) * messages
    plain = messaging.consume(partitions, consumers, messages, commit="after", batch=batch, crashes=crashes)
    assert run.deliveries == plain.deliveries  # the same redeliveries: only their effects were skipped


@given(partitions=st.integers(1, 8), consumers=st.integers(1, 10), messages=st.integers(1, 40),
       batch=st.integers(1, 6))
def test_without_a_crash_every_way_is_exactly_once(partitions, consumers, messages, batch):
    for run in messaging.commit_table(partitions, consumers, messages, batch=batch).values():
        assert run.effects == (1,) * messages and run.crashes == 0 and run.deliveries == messages


def test_the_chapter_scenario():
    table = messaging.commit_table(6, 4, 24, batch=3, crash_after=5)
    before, after, idempotent = table.values()
    assert (len(before.lost), len(before.duplicated)) == (1, 0)
    assert (len(after.lost), len(after.duplicated)) == (0, 2)
    assert idempotent.effects == (1,) * 24 and idempotent.deliveries == after.deliveries == 26


# --------------------------------------------------------------------------
# Input checks
# --------------------------------------------------------------------------


@pytest.mark.parametrize("call, message", [
    (lambda: messaging.spike_run(-1, 60, 4), "spike_rate must be a number in [0, 1e9], got -1"),
    (lambda: messaging.spike_run(1000, 60, 0), "consumers must be an integer in [1, 100000], got 0"),
    (lambda: messaging.consumers_needed(1000, 60, 300, 100, -1.0), "target_drain_s must be a number in [0, 1e6]"),
    (lambda: messaging.drain_time(10, 300, 4, 0), "per_consumer_rate must be a number in (0, 1e9], got 0"),
    (lambda: messaging.assign_partitions(0, 3), "partitions must be an integer in [1, 10000], got 0"),
    (lambda: messaging.consume(3, 3, 10, commit="during"), "commit must be one of 'before', 'after'"),
    (lambda: messaging.consume(3, 3, 10, crashes=(0,)), "crashes must be an integer in [1, 1000000], got 0"),
    (lambda: messaging.commit_table(3, 3, 10, crash_after=11), "crash_after must be an integer in [0, 10], got 11"),
])
def test_bad_input_names_the_parameter_and_range(call, message):
    with pytest.raises(ValueError, match=None) as error:
        call()
    assert message in str(error.value)
