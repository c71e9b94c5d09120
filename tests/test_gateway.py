"""Tests of widgets.gateway: an API gateway against sidecars, and a library against a service.

Checked against closed forms (2 k s, the host-sizing rule, a chain's availability as a product, the
lognormal's quantiles and mean, the mixture's mean and CDF, the uniform rollout), hypothesis properties,
Istio's published figures, and two independent re-computations: Python's ``statistics.NormalDist`` for the
lognormal, and an event-by-event ``simpy`` replay of the clients' redeploys for the version skew.

Published figures (Istio, "Performance and Scalability", istio.io):
* Istio 1.24 (released 2024-11-07): at 1,000 HTTP requests a second of 1 kB, "a single sidecar proxy with
  2 worker threads consumes about 0.20 vCPU and 60 MB of memory";
* Istio 1.20 (released 2023-11-14): "a proxy consumes about 0.5 vCPU per 1000 requests per second",
  about 50 MB in a large namespace, and "the two proxies add about 0.228 ms and 0.298 ms to the 90th and
  99th percentile latency".
Dean (2009), "Designs, Lessons and Advice from Building Large Distributed Systems" (LADIS keynote): a round trip within
the same data centre takes 500,000 ns, the default network round trip here.
"""

from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np
import pytest
import simpy
from hypothesis import given, settings
from hypothesis import strategies as st

from widgets import gateway
from widgets.gateway import model

# --------------------------------------------------------------------------
# Published figures
# --------------------------------------------------------------------------


def test_istio_figures_are_the_published_ones():
    """The constants are Istio's numbers (module docstring), and the defaults derive from them."""
    new, old = model.ISTIO_FIGURES["1.24"], model.ISTIO_FIGURES["1.20"]
    assert (new.released, new.vcpu_per_1000_rps, new.memory_mb, new.pair_p90_ms) == ("2024-11-07", 0.20, 60.0, None)
    assert (old.released, old.vcpu_per_1000_rps, old.memory_mb) == ("2023-11-14", 0.5, 50.0)
    assert (old.pair_p90_ms, old.pair_p99_ms) == (0.228, 0.298)
    assert model.SIDECAR_MS == pytest.approx(0.114)
    assert (model.SIDECAR_VCPU_PER_1000, model.SIDECAR_MB) == (0.20, 60.0)


def test_one_call_at_istios_test_rate_costs_istios_figures():
    """One service at 1,000 req/s: two proxies, each 0.20 vCPU (1.24), and the pair's 0.228 ms p90 (1.20)."""
    cost = gateway.mesh_cost(1, 1_000, replicas=1)
    assert cost.sidecar_vcpu == pytest.approx(2 * 0.20)
    assert cost.sidecar_ms == pytest.approx(0.228)
    assert cost.sidecar_memory_gb == pytest.approx(0.060)


def test_default_round_trip_is_deans_same_data_centre_figure():
    assert model.CallLatency().rtt_ms == 500_000 / 1e6


# --------------------------------------------------------------------------
# Latency added and hosts needed
# --------------------------------------------------------------------------


@settings(max_examples=60)
@given(k=st.integers(1, model.MAX_SERVICES), s=st.floats(0, 50))
def test_sidecars_add_two_proxies_per_service(k, s):
    assert gateway.sidecar_latency_ms(k, s) == pytest.approx(2 * k * s)
    cost = gateway.mesh_cost(k, 1_000, fleet=model.Fleet(sidecar_ms=s, gateway_ms=3.0))
    assert (cost.sidecar_ms, cost.gateway_ms) == (pytest.approx(2 * k * s), 3.0)  # the gateway: once, any k


@settings(max_examples=60)
@given(g=st.floats(0, 20), s=st.floats(0.001, 5))
def test_break_even_is_where_the_lines_cross(g, s):
    """g = 2 k s at k = g / 2s: the sidecars add less below it and more above."""
    k = gateway.break_even_services(g, s)
    assert 2 * k * s == pytest.approx(g)
    for services in (1, 2, 5, 10, 30):
        below = services < k * (1 - 1e-9)
        above = services > k * (1 + 1e-9)
        added = gateway.sidecar_latency_ms(services, s)
        assert (added < g) if below else (added > g) if above else True


def test_latency_against_services_is_flat_for_the_gateway_and_linear_for_sidecars():
    table = gateway.latency_against_services(20, model.Fleet(gateway_ms=1.5, sidecar_ms=0.25))
    assert table.index.tolist() == list(range(1, 21))
    assert (table["gateway"] == 1.5).all()
    assert table["sidecars"].tolist() == pytest.approx([0.5 * k for k in range(1, 21)])
    assert (table["both"] - table["gateway"] - table["sidecars"]).abs().max() < 1e-12


@pytest.mark.parametrize("load, per_host, util, hosts", [
    (10_000, 5_000, 0.6, 4), (10_000, 5_000, 1.0, 2), (10_001, 5_000, 1.0, 3), (0, 5_000, 0.6, 0),
    (3_000, 1_000, 0.5, 6), (0.3 * 10, 1, 1.0, 3),  # 3.0000000000000004 is 3 hosts, not 4
])
def test_hosts_needed_closed_form(load, per_host, util, hosts):
    assert gateway.hosts_needed(load, per_host, util) == hosts


@settings(max_examples=80)
@given(load=st.floats(0, 1e7), per_host=st.floats(1, 1e5), util=st.floats(0.05, 1))
def test_hosts_needed_is_the_fewest_that_carry_the_load(load, per_host, util):
    hosts = gateway.hosts_needed(load, per_host, util)
    capacity = per_host * util
    assert hosts * capacity >= load * (1 - 1e-9)
    assert hosts == 0 or (hosts - 1) * capacity < load * (1 + 1e-9)


def test_mesh_cost_worked_example():
    """5 services, 10,000 req/s, 3 replicas, the default fleet, by hand."""
    cost = gateway.mesh_cost(5, 10_000, replicas=3)
    assert cost.gateway_hosts == math.ceil(10_000 / 5_000 / 0.6) + 1 == 5
    assert cost.gateway_needed == 2
    assert cost.sidecar_vcpu == pytest.approx(2 * 5 * 10_000 / 1_000 * 0.20) == 20
    assert cost.sidecar_hosts == math.ceil(20 / (8 * 0.6)) == 5
    assert (cost.sidecars, cost.sidecar_memory_gb) == (15, pytest.approx(15 * 60 / 1_000))
    assert cost.gateway_vcpu == 5 * 8


@settings(max_examples=40)
@given(k=st.integers(1, 50), rates=st.lists(st.floats(0, 1e6), min_size=1, max_size=8),
       spare=st.integers(0, 3), util=st.floats(0.1, 1))
def test_hosts_against_rate_is_mesh_cost_vectorised(k, rates, spare, util):
    fleet = model.Fleet(spare_gateways=spare, target_utilisation=util)
    table = gateway.hosts_against_rate(rates, k, fleet)
    for rate, row in zip(rates, table.itertuples(index=False)):
        cost = gateway.mesh_cost(k, rate, fleet=fleet)
        assert (row.gateway, row.sidecars) == (cost.gateway_hosts, cost.sidecar_hosts)
        assert row.sidecar_vcpu == pytest.approx(cost.sidecar_vcpu)


@settings(max_examples=40)
@given(k=st.integers(1, 50), rate=st.floats(1, 2e5), factor=st.integers(2, 5))
def test_sidecar_cpu_is_linear_in_services_and_rate(k, rate, factor):
    base = gateway.mesh_cost(k, rate).sidecar_vcpu
    assert gateway.mesh_cost(k, rate * factor).sidecar_vcpu == pytest.approx(factor * base)
    assert gateway.mesh_cost(min(k * factor, 100), rate).sidecar_vcpu == pytest.approx(min(k * factor, 100) / k * base)


# --------------------------------------------------------------------------
# What fails
# --------------------------------------------------------------------------


@settings(max_examples=60)
@given(k=st.integers(1, 20), replicas=st.integers(1, 4), spare=st.integers(0, 2), rate=st.floats(0, 50_000),
       a_i=st.floats(0.9, 1), a_s=st.floats(0.9, 1), a_g=st.floats(0.9, 1))
def test_chain_availability_is_the_product_of_its_tiers(k, replicas, spare, rate, a_i, a_s, a_g):
    """Series: the product; a replica needs its instance and its sidecar; a service needs one replica;
    the gateway fleet needs ``gateway_needed`` of its hosts (the binomial tail, written out)."""
    cost = gateway.mesh_cost(k, rate, replicas, model.Fleet(spare_gateways=spare))
    n, m = cost.gateway_hosts, cost.gateway_needed
    fleet_up = sum(math.comb(n, j) * a_g**j * (1 - a_g) ** (n - j) for j in range(m, n + 1))
    for sidecar, replica in ((None, a_i), (a_s, a_i * a_s)):
        expected = fleet_up * (1 - (1 - replica) ** replicas) ** k
        system = gateway.chain_availability(cost, instance_availability=a_i, sidecar_availability=sidecar,
                                            gateway_availability=a_g)
        assert 1 - system.unavailability == pytest.approx(expected, abs=1e-9)
        assert len(system.tiers) == k + 1


def test_sidecars_lower_availability_by_their_own_factor():
    """One replica per service: the sidecars multiply the chain by a_s^k."""
    cost = gateway.mesh_cost(4, 1_000, replicas=1)
    plain = 1 - gateway.chain_availability(cost).unavailability
    meshed = 1 - gateway.chain_availability(cost, sidecar_availability=0.999).unavailability
    assert meshed == pytest.approx(plain * 0.999**4, rel=1e-12)


def test_a_lone_gateway_host_is_the_weakest_tier():
    cost = gateway.mesh_cost(5, 1_000, replicas=3, fleet=model.Fleet(spare_gateways=0))
    assert cost.gateway_hosts == 1
    assert gateway.chain_availability(cost, sidecar_availability=0.9999).weakest == (0,)
    lone = gateway.chain_availability(cost, sidecar_availability=0.9999)
    spared = gateway.chain_availability(gateway.mesh_cost(5, 1_000, replicas=3), sidecar_availability=0.9999)
    assert (lone.tier_unavailability[0], spared.tier_unavailability[0]) == pytest.approx((1e-3, 1e-6))
    assert spared.unavailability < lone.unavailability / 900  # a spare host: about a thousand times fewer outages


@pytest.mark.parametrize("replicas", [1, 2, 3, 5])
def test_a_sidecar_down_is_its_instance_down(replicas):
    table = gateway.failure_table(gateway.mesh_cost(3, 10_000, replicas))
    sidecar, instance = table.iloc[0], table.iloc[1]
    assert (sidecar["until detected"], sidecar["after rerouting"]) == (instance["until detected"], instance["after rerouting"])
    assert sidecar["until detected"] == pytest.approx(1 / replicas)
    assert sidecar["after rerouting"] == (1.0 if replicas == 1 else 0.0)


def test_gateway_failures():
    """A spare host absorbs one loss; without one, the survivors carry their capacity; a lone host fails all."""
    spare = gateway.failure_table(gateway.mesh_cost(3, 10_000))  # 5 hosts, 2 needed
    assert spare.loc["one gateway host down", "until detected"] == pytest.approx(1 / 5)
    assert spare.loc["one gateway host down", "after rerouting"] == 0.0
    assert spare.loc["every gateway host down"].tolist()[1:] == [1.0, 1.0]
    tight = gateway.mesh_cost(3, 10_000, fleet=model.Fleet(spare_gateways=0, target_utilisation=1.0))
    assert (tight.gateway_hosts, tight.gateway_needed) == (2, 2)
    assert gateway.failure_table(tight).loc["one gateway host down", "after rerouting"] == pytest.approx(0.5)
    lone = gateway.mesh_cost(3, 100, fleet=model.Fleet(spare_gateways=0))
    assert gateway.failure_table(lone).loc["one gateway host down"].tolist()[1:] == [1.0, 1.0]


# --------------------------------------------------------------------------
# Library against service: latency
# --------------------------------------------------------------------------


@settings(max_examples=80)
@given(median=st.floats(0.01, 1_000), sigma=st.floats(0, 2), q=st.floats(0.001, 0.999))
def test_lognormal_quantile_against_normaldist(median, sigma, q):
    """ln X ~ N(ln median, sigma): its quantile from NormalDist's own parameters."""
    if sigma == 0:
        expected = median
    else:
        expected = math.exp(NormalDist(math.log(median), sigma).inv_cdf(q))
    assert gateway.lognormal_quantile(median, sigma, q) == pytest.approx(expected, rel=1e-9)


@pytest.mark.parametrize("median, sigma", [(2.0, 0.25), (0.5, 0.4), (20.0, 1.0)])
def test_lognormal_mean_and_quantiles_against_a_long_sample(median, sigma):
    x = np.random.default_rng(3).lognormal(math.log(median), sigma, 400_000)
    assert x.mean() == pytest.approx(gateway.lognormal_mean(median, sigma), rel=0.01)
    for q in (0.5, 0.9, 0.99):
        assert np.quantile(x, q) == pytest.approx(gateway.lognormal_quantile(median, sigma, q), rel=0.02)


LATENCIES = [model.CallLatency(), model.CallLatency(function_ms=0.05, rtt_ms=0.5, slow_share=0.05),
             model.CallLatency(function_ms=5.0, rtt_ms=60.0, rtt_sigma=0.2, slow_share=0.0),
             model.CallLatency(slow_share=0.2, slow_ms=200.0, slow_sigma=0.8)]


@pytest.mark.parametrize("latency", LATENCIES)
def test_service_mean_is_the_mixtures_closed_form(latency):
    """E = m_f e^(σ_f²/2) + (1 - p) m_r e^(σ_r²/2) + p m_s e^(σ_s²/2), against 10^6 seeded calls."""
    expected = (latency.function_ms * math.exp(latency.function_sigma**2 / 2)
                + (1 - latency.slow_share) * latency.rtt_ms * math.exp(latency.rtt_sigma**2 / 2)
                + latency.slow_share * latency.slow_ms * math.exp(latency.slow_sigma**2 / 2))
    assert latency.service_mean_ms() == pytest.approx(expected, rel=1e-12)
    library, service = gateway.latency_samples(latency, 10**6, seed=5)
    assert service.mean() == pytest.approx(expected, rel=0.01)
    assert library.mean() == pytest.approx(latency.library_mean_ms(), rel=0.005)


@pytest.mark.parametrize("latency", LATENCIES)
def test_round_trip_cdf_matches_the_simulation(latency):
    """The round trip is service minus library call by call; its CDF against the mixture's closed form."""
    library, service = gateway.latency_samples(latency, 200_000, seed=2)
    rtt = np.sort(service - library)
    for q in (0.1, 0.5, 0.9, 0.99, 0.999):
        x = float(np.quantile(rtt, q))
        assert latency.rtt_cdf(x) == pytest.approx(q, abs=0.004)


def test_library_percentiles_closed_form_and_simulated_agree():
    table = gateway.latency_percentiles(gateway.latency_distribution(model.CallLatency(), 100_000, seed=4))
    assert (table["library simulated"] / table["library"] - 1).abs().max() < 0.02
    assert table.loc["p50", "library"] == pytest.approx(2.0)
    z99 = NormalDist().inv_cdf(0.99)
    assert table.loc["p99", "library"] == pytest.approx(2.0 * math.exp(0.25 * z99))


@settings(max_examples=30)
@given(f=st.floats(0.01, 50), rtt=st.floats(0.01, 100), p=st.floats(0, 0.5), seed=st.integers(0, 1000))
def test_a_service_call_is_slower_call_by_call_and_at_every_percentile(f, rtt, p, seed):
    latency = model.CallLatency(function_ms=f, rtt_ms=rtt, slow_share=p)
    library, service = gateway.latency_samples(latency, 2_000, seed)
    assert np.all(service > library)
    d = gateway.latency_distribution(latency, 2_000, seed)
    lib_q, svc_q = d.quantiles(model.PERCENTILES)
    assert np.all(svc_q > lib_q)


def test_distribution_quantiles_and_cdf_are_numpys_on_the_raw_samples():
    latency = model.CallLatency(slow_share=0.05)
    library, service = gateway.latency_samples(latency, 5_001, seed=9)
    d = gateway.latency_distribution(latency, 5_001, seed=9)
    qs = [0.0, 0.25, 0.5, 0.9, 0.999, 1.0]
    assert d.quantiles(qs)[0] == pytest.approx(np.quantile(library, qs), rel=1e-12)
    assert d.quantiles(qs)[1] == pytest.approx(np.quantile(service, qs), rel=1e-12)
    x = [0.5, 2.0, 3.0, 10.0, 100.0]
    assert d.cdf(x)[1].tolist() == [float(np.mean(service <= v)) for v in x]


# --------------------------------------------------------------------------
# Library against service: version skew
# --------------------------------------------------------------------------


@pytest.mark.parametrize("clients, weeks", [(20, 8.0), (50, 4.0), (5, 12.0)])
def test_clients_not_yet_upgraded_match_the_uniform_closed_form(clients, weeks):
    """One release at week 15 (the next after the horizon): C (1 - s / W) clients still on the old one
    s weeks later, on average over 400 seeds."""
    runs = [gateway.rollout(clients, weeks, 15, horizon_weeks=29, step_weeks=0.5, seed=s) for s in range(400)]
    for s in (0.0, weeks / 4, weeks / 2, 0.75 * weeks, weeks):
        at = int(round((15 + s) / 0.5))
        mean_old = np.mean([np.sum(r.versions[:, at] == 0) for r in runs])
        assert mean_old == pytest.approx(gateway.expected_not_upgraded(clients, weeks, s), abs=0.05 * clients)


@pytest.mark.parametrize("clients, weeks", [(20, 8.0), (3, 10.0)])
def test_skew_lasts_from_the_first_redeploy_to_the_last(clients, weeks):
    """One release: two versions live from the first of C uniform redeploys to the last, the range of C
    uniforms on (0, W): E[max - min] = W (C - 1) / (C + 1)."""
    runs = [gateway.rollout(clients, weeks, 15, horizon_weeks=29, step_weeks=0.05, seed=s) for s in range(300)]
    mean = np.mean([r.skewed_weeks for r in runs])
    assert mean == pytest.approx(weeks * (clients - 1) / (clients + 1), abs=0.15)


@pytest.mark.parametrize("clients, rollout_weeks, every", [(20, 8, 4), (5, 12, 2), (50, 3, 4), (2, 6, 1)])
def test_versions_live_match_the_closed_form_on_average(clients, rollout_weeks, every):
    runs = [gateway.rollout(clients, rollout_weeks, every, seed=s) for s in range(300)]
    mean_live = np.mean([r.versions_live for r in runs], axis=0)
    assert np.abs(mean_live - runs[0].expected_versions_live).max() < 0.12


def _simpy_versions(r: model.Rollout) -> np.ndarray:
    """Replay the same redeploys event by event in simpy: each client a process that sleeps to its next
    redeploy and takes the release; a monitor reads every client's version at each grid week."""
    env = simpy.Environment()
    running = [0] * r.clients
    seen = np.zeros((r.clients, r.weeks.size), dtype=int)

    def client(c):
        for when, release in sorted(zip(r.adoption_weeks[c], range(1, r.release_weeks.size + 1))):
            yield env.timeout(when - env.now)
            running[c] = max(running[c], release)

    def monitor():
        for g, week in enumerate(r.weeks):
            yield env.timeout(week - env.now)
            seen[:, g] = running

    for c in range(r.clients):
        env.process(client(c))
    env.process(monitor())
    env.run()
    return seen


@pytest.mark.parametrize("seed", range(5))
def test_rollout_agrees_with_an_event_by_event_simpy_replay(seed):
    r = gateway.rollout(15, 9, 3, seed=seed)
    assert not np.isin(r.adoption_weeks, r.weeks).any()  # no redeploy on a grid week: no ties to order
    seen = _simpy_versions(r)
    assert np.array_equal(seen, r.versions)
    assert [len(set(col)) for col in seen.T] == r.versions_live.tolist()


@settings(max_examples=40)
@given(clients=st.integers(1, 100), rollout_weeks=st.floats(0.5, 30), every=st.floats(0.5, 26))
def test_expected_versions_live_bounds(clients, rollout_weeks, every):
    weeks = np.arange(0, 27.0, 0.5)
    e = gateway.expected_versions_live(clients, rollout_weeks, every, weeks)
    releases = np.floor(weeks / every)
    assert np.all(e >= 1 - 1e-9)
    assert np.all(e <= np.minimum(clients, releases + 1) + 1e-9)
    if clients == 1:
        assert np.allclose(e, 1)
    if rollout_weeks <= every:  # a rollout ends before the next release: never more than two
        assert np.all(e <= 2 + 1e-9)


def test_a_service_runs_one_version():
    r = gateway.rollout(30, 12, 2, seed=1)
    assert r.versions_live.max() > 4
    assert (r.service_versions_live == 1).all()


# --------------------------------------------------------------------------
# Library against service: who pays
# --------------------------------------------------------------------------


@settings(max_examples=40)
@given(clients=st.integers(1, 200), total=st.floats(0, 1e6))
def test_client_rates_are_zipf_and_sum_to_the_total(clients, total):
    rates = gateway.client_rates(clients, total)
    assert rates.sum() == pytest.approx(total, abs=1e-6)
    harmonic = sum(1 / k for k in range(1, clients + 1))
    assert rates[0] == pytest.approx(total / harmonic)
    assert rates[-1] == pytest.approx(rates[0] / clients)


def test_scaling_bill_worked_example():
    """20 clients, 10,000 calls/s, a 2 ms function, 0.1 ms (de)serialisation, 8-vCPU hosts at 60%."""
    bill = gateway.scaling_bill(20, 10_000, 2.0)
    harmonic = sum(1 / k for k in range(1, 21))
    assert bill.loc["all clients", "library"] == pytest.approx(10_000 * 0.002 / 0.6)
    assert bill.loc["largest client", "library"] == pytest.approx(10_000 / harmonic * 0.002 / 0.6)
    assert bill.loc["all clients", "service"] == pytest.approx(10_000 * 0.0001 / 0.6)
    assert bill.loc["service team", "service"] == math.ceil(10_000 * 0.0021 / (8 * 0.6)) * 8 == 40
    assert bill.loc["service team", "library"] == 0


# --------------------------------------------------------------------------
# Bad input
# --------------------------------------------------------------------------

_COST = model.mesh_cost(3, 1_000)
BAD = [
    (lambda: gateway.hosts_needed(-1, 5_000), "load must be"),
    (lambda: gateway.hosts_needed(10, 0), "per_host must be"),
    (lambda: gateway.hosts_needed(10, 10, 0), "target_utilisation must be"),
    (lambda: gateway.sidecar_latency_ms(0, 0.1), "services must be"),
    (lambda: gateway.sidecar_latency_ms(3, -1), "sidecar_ms must be"),
    (lambda: gateway.mesh_cost(0, 1_000), "services must be"),
    (lambda: gateway.mesh_cost(3, -1.0), "rate must be"),
    (lambda: gateway.mesh_cost(3, 1_000, replicas=0), "replicas must be"),
    (lambda: gateway.mesh_cost(3, 1_000, fleet="big"), "fleet must be"),
    (lambda: model.Fleet(gateway_ms=-1), "gateway_ms must be"),
    (lambda: model.Fleet(gateway_rps_per_host=0), "gateway_rps_per_host must be"),
    (lambda: model.Fleet(spare_gateways=-1), "spare_gateways must be"),
    (lambda: model.Fleet(sidecar_vcpu_per_1000=-1), "sidecar_vcpu_per_1000 must be"),
    (lambda: model.Fleet(sidecar_mb=math.nan), "sidecar_mb must be"),
    (lambda: model.Fleet(vcpu_per_host=0), "vcpu_per_host must be"),
    (lambda: model.Fleet(target_utilisation=1.5), "target_utilisation must be"),
    (lambda: gateway.latency_against_services(0), "max_services must be"),
    (lambda: gateway.break_even_services(-1, 0.1), "gateway_ms must be"),
    (lambda: gateway.break_even_services(1, 0), "sidecar_ms must be"),
    (lambda: gateway.hosts_against_rate([-5], 3), "rates must be"),
    (lambda: gateway.hosts_against_rate([10], 0), "services must be"),
    (lambda: gateway.chain_availability("cost"), "cost must be"),
    (lambda: gateway.chain_availability(_COST, instance_availability=1.5), "instance_availability must be"),
    (lambda: gateway.chain_availability(_COST, sidecar_availability=-0.1), "sidecar_availability must be"),
    (lambda: gateway.chain_availability(_COST, gateway_availability=2), "gateway_availability must be"),
    (lambda: gateway.chain_availability(model.mesh_cost(3, 1e6, fleet=model.Fleet(gateway_rps_per_host=100))),
     "gateway_hosts must be"),
    (lambda: gateway.failure_table(None), "cost must be"),
    (lambda: gateway.lognormal_quantile(0, 1, 0.5), "median must be"),
    (lambda: gateway.lognormal_quantile(1, -1, 0.5), "sigma must be"),
    (lambda: gateway.lognormal_quantile(1, 1, 1.0), "q must be"),
    (lambda: gateway.lognormal_mean(-1, 1), "median must be"),
    (lambda: model.CallLatency(function_ms=0), "function_ms must be"),
    (lambda: model.CallLatency(function_sigma=-1), "function_sigma must be"),
    (lambda: model.CallLatency(rtt_ms=-1), "rtt_ms must be"),
    (lambda: model.CallLatency(rtt_sigma=9), "rtt_sigma must be"),
    (lambda: model.CallLatency(slow_share=1.5), "slow_share must be"),
    (lambda: model.CallLatency(slow_ms=0), "slow_ms must be"),
    (lambda: model.CallLatency(slow_sigma=-0.1), "slow_sigma must be"),
    (lambda: model.CallLatency().rtt_cdf(-1), "x_ms must be"),
    (lambda: gateway.latency_samples("fast"), "latency must be"),
    (lambda: gateway.latency_samples(model.CallLatency(), 0), "n must be"),
    (lambda: gateway.latency_samples(model.CallLatency(), 10, seed=-1), "seed must be"),
    (lambda: gateway.latency_distribution(None), "latency must be"),
    (lambda: gateway.latency_percentiles(None), "distribution must be"),
    (lambda: gateway.latency_distribution(model.CallLatency(), 10).quantiles(1.5), "q must be"),
    (lambda: gateway.latency_distribution(model.CallLatency(), 10).cdf(["x"]), "x_ms must be"),
    (lambda: gateway.hosts_against_rate("fast", 3), "rates must be"),
    (lambda: gateway.expected_not_upgraded(0, 8, 1), "clients must be"),
    (lambda: gateway.expected_not_upgraded(5, 0, 1), "rollout_weeks must be"),
    (lambda: gateway.expected_not_upgraded(5, 8, -1), "week must be"),
    (lambda: gateway.expected_versions_live(5, 8, 0.1, [1]), "release_every_weeks must be"),
    (lambda: gateway.expected_versions_live(5, 8, 4, [-1]), "weeks must be"),
    (lambda: gateway.rollout(0), "clients must be"),
    (lambda: gateway.rollout(5, -1.0), "rollout_weeks must be"),
    (lambda: gateway.rollout(5, 8, 0), "release_every_weeks must be"),
    (lambda: gateway.rollout(5, 8, 4, horizon_weeks=0), "horizon_weeks must be"),
    (lambda: gateway.rollout(5, 8, 0.5, horizon_weeks=520), "release_every_weeks must be at least 1"),
    (lambda: gateway.rollout(5, 8, 4, step_weeks=0), "step_weeks must be"),
    (lambda: gateway.rollout(5, 8, 4, seed=1.5), "seed must be"),
    (lambda: gateway.client_rates(0, 100), "clients must be"),
    (lambda: gateway.client_rates(3, -1), "total_rate must be"),
    (lambda: gateway.scaling_bill(3, 100, -1), "function_ms must be"),
    (lambda: gateway.scaling_bill(3, 100, 1, overhead_ms=-1), "overhead_ms must be"),
    (lambda: gateway.scaling_bill(3, 100, 1, vcpu_per_host=0), "vcpu_per_host must be"),
    (lambda: gateway.scaling_bill(3, 100, 1, target_utilisation=0), "target_utilisation must be"),
]


@pytest.mark.parametrize("call, message", BAD, ids=[message for _, message in BAD])
def test_bad_input_names_the_parameter(call, message):
    with pytest.raises(ValueError, match=message):
        call()
