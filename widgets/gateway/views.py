"""The gateway's views: two zero-argument factories over :mod:`.model`.

* :func:`mesh`: an edge gateway against sidecars: latency added and hosts needed, against the services a
  request crosses and the request rate, then what fails and the chain's availability;
* :func:`library_service`: one function as a library or as a service: latency, versions live, who pays.

Each is declared as data (controls and presets), a chart class that builds its figure once and
updates its artists, and a ``render`` that formats what the model computed.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from widgets import _view
from widgets._view.tables import fixed_percent, number_text, percent
from widgets.availability.model import human_duration

from . import model

BLUE, ORANGE, GREEN, VERMILLION, PURPLE, SKY, _, BLACK = _view.PALETTE
WIDTH_IN, FONT = _view.FIGURE_WIDTH_IN, _view.MIN_FONT_PT


def _ms(x: float) -> str:
    return f"{x:,.0f} ms" if x >= 100 else f"{x:,.1f} ms" if x >= 10 else f"{x:,.2f} ms" if x >= 0.1 else f"{x:.3f} ms"


class _Memo:
    """A chart whose last view is kept: the same inputs give back the same HTML without a redraw (a control
    change that leaves a chart's inputs alone costs it nothing)."""

    def __init__(self) -> None:
        self.key, self.last = None, ""

    def html(self, key: tuple, draw) -> str:
        if key != self.key:
            self.key, self.last = key, draw()
        return self.last


# ---------------------------------------------------------------- 1. gateway against sidecars

MAX_K = 30
HOST_RATES = (1_000.0, 10_000.0, 100_000.0, 1_000_000.0)
INSTANCE, SIDECAR, GATEWAY_HOST = 0.999, 0.9999, 0.999  # availabilities assumed for the failure tables
_MESH_CONTROLS = {
    "services": ("IntSlider", "Services a request crosses", {"min": 1, "max": MAX_K, "value": 5}),
    "rate": ("FloatText", "Requests per second", {"value": 10_000.0}),
    "replicas": ("IntSlider", "Replicas per service", {"min": 1, "max": 6, "value": 3}),
    "spare_gateways": ("IntSlider", "Spare gateway hosts", {"min": 0, "max": 3, "value": 1}),
    "gateway_ms": ("FloatSlider", "Gateway adds (ms)", {"min": 0.1, "max": 10, "step": 0.1, "value": 1.0}),
    "sidecar_ms": ("FloatSlider", "One sidecar adds (ms)",
                   {"min": 0.01, "max": 3, "step": 0.001, "value": model.SIDECAR_MS, "readout_format": ".3f"}),
}
_MESH_BASE = {"services": 5, "rate": 10_000.0, "replicas": 3, "spare_gateways": 1, "gateway_ms": 1.0,
              "sidecar_ms": model.SIDECAR_MS}
_MESH_PRESETS = {
    "5 services at 10,000 req/s": _MESH_BASE,
    "20 services deep: the sidecars add up": {**_MESH_BASE, "services": 20},
    "1,000 req/s on one gateway host, no spare": {**_MESH_BASE, "rate": 1_000.0, "spare_gateways": 0},
    "One replica per service: a sidecar down fails all": {**_MESH_BASE, "replicas": 1},
}
_MESH_LEGEND = _view.legend([
    ("—", BLUE, "edge gateway only"), ("– –", ORANGE, "sidecars (mesh)"),
    ("···", _view.GREY, "gateway + sidecars"), ("|", VERMILLION, "this setting (○ gateway, ■ sidecars)"),
])
_MARKS = {  # the setting's point on each line: a large hollow circle around a small filled square when they meet
    "sidecars": {"marker": "s", "color": ORANGE, "markersize": 5},
    "gateway": {"marker": "o", "color": BLUE, "markersize": 10, "markerfacecolor": "none", "markeredgewidth": 1.6},
}


class _MeshChart(_Memo):
    """Latency added per request against the services a request crosses: gateway flat, sidecars linear."""

    def __init__(self) -> None:
        super().__init__()
        self.figure, ax = _view.fixed_axes(WIDTH_IN, 2.6, margins=(0.62, 0.5, 0.15, 0.12), axis=True)
        self.ax = ax
        ax.set_xlim(0.5, MAX_K + 0.5)
        _view.Ticks(ax, "x", (1, 5, 10, 15, 20, 25, 30), ("1", "5", "10", "15", "20", "25", "30"))
        self.y_ticks = _view.Ticks(ax, "y", slots=7)
        _view.x_label(ax, "services a request crosses (k)")
        _view.y_label(ax, "latency added (ms)", 34)
        k = np.arange(1, MAX_K + 1)
        self.lines = {
            name: ax.plot(k, k * 0.0, color=colour, linestyle=style, linewidth=1.6)[0]
            for name, colour, style in (("both", _view.GREY, ":"), ("gateway", BLUE, "-"), ("sidecars", ORANGE, "--"))
        }
        self.marks = {name: ax.plot([], [], linestyle="none", **style)[0] for name, style in _MARKS.items()}
        self.k_line = ax.axvline(5, color=VERMILLION, linewidth=1)

    def draw(self, cost: model.MeshCost, fleet: model.Fleet) -> str:
        latency = model.latency_against_services(MAX_K, fleet)
        for name, line in self.lines.items():
            line.set_ydata(latency[name].to_numpy())
        k = cost.services
        self.marks["gateway"].set_data([k], [cost.gateway_ms])
        self.marks["sidecars"].set_data([k], [cost.sidecar_ms])
        self.k_line.set_xdata([k, k])
        top = float(latency["both"].max()) * 1.08
        self.ax.set_ylim(0, top)
        ticks = _view.round_ticks(top, 5)
        self.y_ticks.set(ticks, [f"{t:g}" for t in ticks])
        alt = (f"Line chart of the latency added per request against the services a request crosses, 1 to "
               f"{MAX_K}: the edge gateway adds {cost.gateway_ms:g} ms whatever k; the sidecars add 2 × k × "
               f"{fleet.sidecar_ms:g} ms, {_ms(cost.sidecar_ms)} at k = {k}; both together "
               f"{_ms(cost.gateway_ms + cost.sidecar_ms)}.")
        return _view.figure_html(self.figure, alt)


def _hosts_table(cost: model.MeshCost, fleet: model.Fleet) -> str:
    rates = sorted({*HOST_RATES, cost.rate})
    hosts = model.hosts_against_rate(rates, cost.services, fleet)
    hosts.columns = ["gateway hosts", "sidecar hosts", "sidecar vCPU busy"]
    hosts.index = [f"{number_text(r)}{' (this setting)' if r == cost.rate else ''}" for r in rates]
    caption = (
        f"Hosts of 8 vCPU against the request rate, for k = {cost.services} services. Gateway: ceil(rate / "
        f"{fleet.gateway_rps_per_host:,.0f} / {fleet.target_utilisation:g}) + {fleet.spare_gateways} spare, at "
        f"least one sized host. Sidecars: 2 × k × rate / 1,000 × {fleet.sidecar_vcpu_per_1000:g} vCPU busy, "
        f"hosts = ceil(busy / 8 / {fleet.target_utilisation:g}). Both grow with the rate; only the sidecars' "
        "grow with k."
    )
    return _view.table(hosts, caption, formats=[number_text, number_text, "{:,.1f}".format], index=True)


def _mesh_summary(cost: model.MeshCost, fleet: model.Fleet) -> str:
    even = model.break_even_services(fleet.gateway_ms, fleet.sidecar_ms)
    than = "more than" if cost.sidecar_ms > cost.gateway_ms else "less than" if cost.sidecar_ms < cost.gateway_ms \
        else "as much as"
    return (f"<p>Through {cost.services} services the sidecars add {_ms(cost.sidecar_ms)}, {than} the "
            f"gateway's {_ms(cost.gateway_ms)}: they break even at k = g / 2s = {even:,.1f} services.</p>")


def _mesh_cost_table(cost: model.MeshCost, fleet: model.Fleet) -> str:
    spare, vcpu = fleet.spare_gateways, "{:,.1f}".format
    both_busy = cost.gateway_busy_vcpu + cost.sidecar_vcpu
    rows = pd.DataFrame({
        "latency added": [_ms(cost.gateway_ms), _ms(cost.sidecar_ms), _ms(cost.gateway_ms + cost.sidecar_ms)],
        "hosts": [f"{cost.gateway_hosts:,} ({cost.gateway_hosts - spare:,} + {spare} spare)",
                  f"{cost.sidecar_hosts:,}", f"{cost.gateway_hosts + cost.sidecar_hosts:,}"],
        "vCPU busy": [vcpu(cost.gateway_busy_vcpu), vcpu(cost.sidecar_vcpu), vcpu(both_busy)],
        "sidecar memory": ["—", f"{cost.sidecar_memory_gb:,.2f} GB", f"{cost.sidecar_memory_gb:,.2f} GB"],
    }, index=["edge gateway only", f"{cost.sidecars:,} sidecars", "gateway + sidecars"])
    new, old = model.ISTIO_FIGURES["1.24"], model.ISTIO_FIGURES["1.20"]
    caption = (
        f"{cost.services} services in a chain, {cost.replicas} replica{'s' if cost.replicas > 1 else ''} each, "
        f"{number_text(cost.rate)} req/s. Latency: the gateway's {fleet.gateway_ms:g} ms once; sidecars 2 × k × "
        f"{fleet.sidecar_ms:g} ms, two proxies a call (default: half of the {old.pair_p90_ms} ms at p90 that Istio "
        f"{old.version}, released {old.released}, published for a call's pair; p90s added as if the proxies are slow "
        f"together). Hosts of 8 vCPU at {fleet.target_utilisation:.0%} utilisation: a gateway host serves "
        f"{fleet.gateway_rps_per_host:,.0f} req/s at full load (assumed); a sidecar uses "
        f"{fleet.sidecar_vcpu_per_1000:g} vCPU per 1,000 req/s through it and {fleet.sidecar_mb:g} MB (Istio "
        f"{new.version}, released {new.released}; {old.version} published {old.vcpu_per_1000_rps:g} vCPU and "
        f"{old.memory_mb:g} MB). 1 GB = 1,000 MB."
    )
    return _view.table(rows, caption, formats=[str] * 4, index=True)


def _failure_tables(cost: model.MeshCost) -> str:
    fails = model.failure_table(cost)
    r, n = cost.replicas, cost.gateway_hosts
    fails_caption = (
        f"Share of external requests that fail, with {r} replica{'s' if r > 1 else ''} per service and {n} gateway "
        f"host{'s' if n > 1 else ''}, of which {cost.gateway_needed} carry the load at full utilisation: until health "
        "checks notice the failure, and once traffic is routed around it."
    )
    table = _view.table(fails, fails_caption, formats=[str, percent, percent], index=True)
    systems = {"edge gateway only": model.chain_availability(cost),
               "gateway + sidecars": model.chain_availability(cost, sidecar_availability=SIDECAR)}
    names = [tier.name for tier in systems["edge gateway only"].tiers]
    rows = pd.DataFrame({
        "availability": [percent(1 - s.unavailability, 3) for s in systems.values()],
        "downtime a year": [human_duration(s.downtime("year")) for s in systems.values()],
        "weakest": [", ".join(names[i] for i in s.weakest[:2]) + (" …" if len(s.weakest) > 2 else "")
                    if s.weakest else "all alike" for s in systems.values()],
    }, index=list(systems))
    caption = (
        f"Chapter 3's composite model: the gateway fleet (at least {cost.gateway_needed} of {cost.gateway_hosts} "
        f"hosts up, each {GATEWAY_HOST:.1%}), then {cost.services} services in series, each up while at least one "
        f"of its {cost.replicas} replica{'s' if cost.replicas > 1 else ''} is up (an instance {INSTANCE:.1%}; with "
        f"sidecars, its sidecar too, {SIDECAR:.2%}). Independent failures, a year of 365.25 days."
    )
    return table + _view.table(rows, caption, formats=[str] * 3, index=True)


def mesh() -> _view.Interactive:
    """An edge gateway against sidecars: latency added and hosts needed, what fails, the chain's availability.

    >>> "sidecars" in mesh().view.value
    True
    """
    chart = _MeshChart()

    def render(v: _view.Values) -> str:
        fleet = model.Fleet(gateway_ms=v["gateway_ms"], sidecar_ms=v["sidecar_ms"],
                            spare_gateways=v["spare_gateways"])
        cost = model.mesh_cost(v["services"], v["rate"], v["replicas"], fleet)
        figure = chart.html((cost.services, fleet.gateway_ms, fleet.sidecar_ms), lambda: chart.draw(cost, fleet))
        return (figure + _MESH_LEGEND + _mesh_summary(cost, fleet)
                + _mesh_cost_table(cost, fleet) + _hosts_table(cost, fleet) + _failure_tables(cost))

    return _view.Interactive(render, _view.controls(_MESH_CONTROLS), _MESH_PRESETS, principal="Scenario")


# ---------------------------------------------------------------- 2. library against service

CALLS, SEED, SLOW_EXTRA_MS = 100_000, 15, 20.0
TOTAL_RATE, OVERHEAD_MS, HORIZON = 10_000.0, 0.1, 26
_LIBRARY_CONTROLS = {
    "function_ms": ("FloatLogSlider", "Function's own time, median (ms)",
                    {"base": 10, "min": -2, "max": 2, "step": 0.1, "value": 2.0, "readout_format": ".3g"}),
    "rtt_ms": ("FloatLogSlider", "Network round trip, median (ms)",
               {"base": 10, "min": -1, "max": 1, "step": 0.1, "value": 0.5, "readout_format": ".3g"}),
    "slow_share": ("FloatSlider", "Slow round trips (share)", {"min": 0, "max": 0.1, "step": 0.005, "value": 0.01,
                                                               "readout_format": ".3f"}),
    "clients": ("IntSlider", "Client teams", {"min": 2, "max": 100, "value": 20}),
    "rollout_weeks": ("FloatText", "Clients redeploy within (weeks)", {"value": 8.0}),
    "release_every_weeks": ("IntSlider", "A release every (weeks)", {"min": 1, "max": 13, "value": 4}),
}
_LIBRARY_BASE = {"function_ms": 2.0, "rtt_ms": 0.5, "slow_share": 0.01, "clients": 20, "rollout_weeks": 8.0,
                 "release_every_weeks": 4}
_LIBRARY_PRESETS = {
    "A 2 ms function, 0.5 ms round trip": _LIBRARY_BASE,
    "A 0.05 ms function: the network is the call": {**_LIBRARY_BASE, "function_ms": 0.05},
    "A congested network: 5% of round trips slow": {**_LIBRARY_BASE, "slow_share": 0.05},
    "A release every 2 weeks, redeploys within 12": {**_LIBRARY_BASE, "release_every_weeks": 2,
                                                     "rollout_weeks": 12.0, "clients": 50},
}
_TAIL_LEGEND = _view.legend([("——", BLUE, "library (in process)"), ("– –", ORANGE, "service (over the network)")])
_VERSIONS_LEGEND = _view.legend([("——", BLUE, "library, simulated"), ("– –", BLACK, "library, closed form (mean)"),
                                 ("– –", ORANGE, "service")])
_LOG_TICKS = (0.001, 0.01, 0.1, 1, 10, 100, 1_000, 10_000)


def _latency(v: _view.Values) -> model.CallLatency:
    return model.CallLatency(function_ms=v["function_ms"], rtt_ms=v["rtt_ms"], slow_share=v["slow_share"],
                             slow_ms=v["rtt_ms"] + SLOW_EXTRA_MS)


class _TailChart(_Memo):
    """The share of calls slower than each latency, library against service (log scales: the tail shows)."""

    def __init__(self) -> None:
        super().__init__()
        self.figure, ax = _view.fixed_axes(WIDTH_IN, 2.5, margins=(0.72, 0.5, 0.3, 0.1), axis=True)
        self.ax = ax
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_ylim(4e-5, 1.6)
        self.x_ticks = _view.Ticks(ax, "x", slots=len(_LOG_TICKS))
        _view.Ticks(ax, "y", (1, 0.1, 0.01, 0.001, 0.0001), ("all", "10%", "1%", "0.1%", "0.01%"))
        _view.x_label(ax, "call latency x (ms, log scale)")
        _view.y_label(ax, "calls slower than x", 44)
        (self.library,) = ax.plot([], [], color=BLUE, linewidth=1.8)
        (self.service,) = ax.plot([], [], color=ORANGE, linestyle="--", linewidth=1.8)

    def draw(self, d: model.LatencyDistribution) -> str:
        low, high = float(d.quantiles(0.001)[0]), float(d.quantiles(0.9999)[1])
        left, right = 10 ** math.floor(math.log10(low)), 10 ** math.ceil(math.log10(high))
        self.ax.set_xlim(left, right)
        at = [t for t in _LOG_TICKS if left <= t <= right]
        self.x_ticks.set(at, [f"{t:,g}" for t in at])
        x = np.geomspace(left, right, 80)
        for line, done in zip((self.library, self.service), d.cdf(x)):
            slower = 1 - done
            line.set_data(x, np.where(slower > 0, slower, np.nan))  # none slower: off the log axis
        (lib99,), (svc99,) = d.quantiles([0.99])
        alt = (f"Line chart, log scales: the share of calls slower than each latency from {left:g} to {right:g} ms. "
               f"1% of library calls take longer than {_ms(lib99)}, 1% of service calls longer than {_ms(svc99)}; "
               "the service's curve has a long shoulder from its slow round trips.")
        return _view.figure_html(self.figure, alt)


class _VersionsChart(_Memo):
    """Library versions live week by week (simulated, and the closed form's mean), against a service's one."""

    def __init__(self) -> None:
        super().__init__()
        self.figure, ax = _view.fixed_axes(WIDTH_IN, 2.2, margins=(0.72, 0.5, 0.3, 0.1), axis=True)
        self.ax = ax
        ax.set_xlim(0, HORIZON)
        at = range(0, HORIZON + 1, 6)
        _view.Ticks(ax, "x", at, [str(w) for w in at])
        self.y_ticks = _view.Ticks(ax, "y", slots=6)
        _view.x_label(ax, "weeks")
        _view.y_label(ax, "versions live", 26)
        (self.versions,) = ax.plot([], [], color=BLUE, linewidth=1.6, drawstyle="steps-post")
        (self.expected,) = ax.plot([], [], color=BLACK, linestyle="--", linewidth=1.2)
        ax.plot([0, HORIZON], [1, 1], color=ORANGE, linestyle="--", linewidth=1.8)  # a service: one version

    def draw(self, r: model.Rollout) -> str:
        self.versions.set_data(r.weeks, r.versions_live)
        self.expected.set_data(r.weeks, r.expected_versions_live)
        top = max(int(r.versions_live.max()), math.ceil(r.expected_versions_live.max()), 2) + 0.6
        self.ax.set_ylim(0, top)
        ticks = [t for t in _view.round_ticks(top, 5) if t == int(t)]
        self.y_ticks.set(ticks, [f"{t:g}" for t in ticks])
        alt = (f"Step chart of the library versions live over {HORIZON} weeks among {r.clients} client teams, a "
               f"release every {r.release_every_weeks:g} weeks taken within {r.rollout_weeks:g} weeks: at most "
               f"{int(r.versions_live.max())} at once (closed-form mean at peak "
               f"{r.expected_versions_live.max():.2f}); the service runs one version throughout.")
        return _view.figure_html(self.figure, alt)


def _library_summary(table: pd.DataFrame) -> str:
    (lib50, svc50), (lib99, svc99) = table.loc["p50", ["library", "service"]], table.loc["p99", ["library", "service"]]
    return (f"<p>Median: {_ms(lib50)} in process, {_ms(svc50)} as a service. 99th percentile: {_ms(lib99)} "
            f"against {_ms(svc99)}, {svc99 / lib99:,.1f} times as long.</p>")


def _latency_table(table: pd.DataFrame, latency: model.CallLatency) -> str:
    shown = pd.DataFrame({"library": table["library"], "service": table["service"],
                          "difference": table["service"] - table["library"]})
    caption = (
        f"Call latency in ms, the same seeded {CALLS:,} calls for both. Library: lognormal, median "
        f"{latency.function_ms:g} ms, σ {latency.function_sigma:g} (closed form). Service: plus a round trip, "
        f"lognormal, median {latency.rtt_ms:g} ms, σ {latency.rtt_sigma:g}, or for {percent(latency.slow_share)} "
        f"of calls a slow one, {SLOW_EXTRA_MS:g} ms longer: median {latency.slow_ms:g} ms, σ "
        f"{latency.slow_sigma:g} (simulated; its mean in closed form: {_ms(latency.service_mean_ms())}). "
        "Difference: the service's percentile minus the library's."
    )
    return _view.table(shown, caption, formats=[_ms, _ms, _ms], index=True)


def _versions_table(r: model.Rollout) -> str:
    rows = [("Library versions live at once, most", f"{int(r.versions_live.max())} "
             f"(closed-form mean at peak {r.expected_versions_live.max():.2f})"),
            ("Weeks with more than one library version", f"{r.skewed_weeks:g} of {HORIZON}"),
            ("Service versions live", "1, changed once a release")]
    caption = (f"A release every {r.release_every_weeks:g} weeks; each of {r.clients} clients takes it at its next "
               f"redeploy, a seeded uniform time within {number_text(r.rollout_weeks)} weeks, and runs the newest "
               "release it has taken.")
    return _view.table(rows, caption)


def _bill_table(clients: int, function_ms: float) -> str:
    bill = model.scaling_bill(clients, TOTAL_RATE, function_ms, overhead_ms=OVERHEAD_MS)
    bill.columns = ["as a library (vCPU)", "as a service (vCPU)"]
    caption = (
        f"vCPU provisioned at 60% utilisation for {TOTAL_RATE:,.0f} calls/s shared by {clients} client teams in "
        f"proportion to 1/rank (the largest makes {fixed_percent(model.client_rates(clients, 1)[0])} of calls); "
        "the function's time is CPU time. The service team's fleet is in whole 8-vCPU hosts and also "
        f"(de)serialises, {OVERHEAD_MS:g} ms a call, as each client does on its side."
    )
    vcpu = "{:,.2f}".format
    return _view.table(bill, caption, formats=[vcpu, vcpu], index=True)


def library_service() -> _view.Interactive:
    """One function as a library or as a service: latency distributions, versions live, who pays.

    >>> "versions live" in library_service().view.value
    True
    """
    tail, versions = _TailChart(), _VersionsChart()

    def render(v: _view.Values) -> str:
        latency = _latency(v)
        r = model.rollout(v["clients"], v["rollout_weeks"], v["release_every_weeks"], horizon_weeks=HORIZON,
                          seed=SEED)
        d = model.latency_distribution(latency, CALLS, seed=SEED)
        table = model.latency_percentiles(d)
        return (tail.html(latency, lambda: tail.draw(d)) + _TAIL_LEGEND + _library_summary(table)
                + versions.html((r.clients, r.rollout_weeks, r.release_every_weeks), lambda: versions.draw(r))
                + _VERSIONS_LEGEND + _latency_table(table, latency) + _versions_table(r)
                + _bill_table(v["clients"], v["function_ms"]))

    return _view.Interactive(render, _view.controls(_LIBRARY_CONTROLS), _LIBRARY_PRESETS, principal="Scenario")
