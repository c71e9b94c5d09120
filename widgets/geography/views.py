"""Geography's view: :func:`geodns`, the regions a GeoDNS answer sends each user city to, on a map, with the
fibre round trip's floor per city, and what EDNS Client Subnet changes when users ask a far resolver.

Declared as data (controls and presets), a chart class that builds its figure once and updates its
artists, and a ``render`` that formats what :mod:`.model` computed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.ticker import NullLocator

from widgets import _view

from . import model

BLUE, ORANGE, _, VERMILLION = _view.PALETTE[:4]
BLACK, GREY = _view.PALETTE[7], _view.GREY
WIDTH_IN, FONT = _view.FIGURE_WIDTH_IN, _view.MIN_FONT_PT

#: One checkbox per region: its control name (``us_east``) and the region's name.
_REGION_KEYS = {name.split(" ")[0].replace("-", "_"): name for name in model.REGION_NAMES}
_GEODNS_CONTROLS = {
    **{key: ("Checkbox", name, {"value": False}) for key, name in _REGION_KEYS.items()},
    "resolver": ("Dropdown", "Users' DNS resolver", {"options": list(model.RESOLVERS)}),
    "ecs": ("Checkbox", "Resolver sends ECS (RFC 7871)", {"value": True}),
}


def _regions_on(*keys: str) -> dict[str, bool]:
    return {key: key in keys for key in _REGION_KEYS}


_ISP, _PUBLIC = "ISP's, in each user's city", "public, sites in N. Virginia and London"
_GEODNS_PRESETS = {
    "One region, N. Virginia": {**_regions_on("us_east"), "resolver": _ISP, "ecs": True},
    "Three regions: N. Virginia, London, Singapore": {
        **_regions_on("us_east", "eu_west", "ap_southeast"), "resolver": _ISP, "ecs": True},
    "Nine regions, a public resolver far away, no ECS": {
        **_regions_on(*_REGION_KEYS), "resolver": _PUBLIC, "ecs": False},
    "Nine regions, the same resolver sending ECS": {**_regions_on(*_REGION_KEYS), "resolver": _PUBLIC, "ecs": True},
}
_GEODNS_LEGEND = _view.legend([
    ("▲", BLACK, "region on"), ("△", GREY, "region off"), ("●", BLUE, "user city"),
    ("——", BLUE, "sent to its nearest region"),
    ("– –", VERMILLION, "sent farther (the resolver's nearest)"),
    ("□", ORANGE, "public resolver site"),
])
#: Where each region's label sits: offset in points from its marker, and horizontal alignment.
_LABEL_AT = {
    "Oregon": ((-6, 9), "left"), "N. Virginia": ((5, 5), "left"), "São Paulo": ((6, -6), "left"),
    "London": ((0, 7), "center"), "Johannesburg": ((6, -4), "left"), "Mumbai": ((-5, -9), "right"),
    "Singapore": ((6, 7), "left"), "Tokyo": ((5, 5), "left"), "Sydney": ((-6, -5), "right"),
}
XLIM, YLIM = (-130, 180), (-48, 68)


def _ms(x: float) -> str:
    return f"{x:,.1f} ms"


def _map_segments(a: tuple[float, float], b: tuple[float, float]) -> list[list[tuple[float, float]]]:
    """A straight line on the map from a to b, (longitude, latitude), the short way round: a line whose
    longitudes differ by more than 180° leaves one edge of the map and comes back at the other."""
    (lat1, lon1), (lat2, lon2) = a, b
    if abs(lon2 - lon1) <= 180:
        return [[(lon1, lat1), (lon2, lat2)]]
    edge = 180.0 if lon1 > lon2 else -180.0  # the edge a's side of the line leaves by
    lon2_beyond = lon2 + 2 * edge
    lat_edge = lat1 + (lat2 - lat1) * (edge - lon1) / (lon2_beyond - lon1)
    return [[(lon1, lat1), (edge, lat_edge)], [(-edge, lat_edge), (lon2, lat2)]]


class _MapChart:
    """User cities and regions on an equirectangular map (longitude, latitude; no coastlines), each city
    joined by a straight line on the map to the region its GeoDNS answer names."""

    def __init__(self) -> None:
        self.figure, ax = _view.fixed_axes(WIDTH_IN, 2.7, margins=(0.12, 0.3, 0.12, 0.08), axis=True)
        ax.set(xlim=XLIM, ylim=YLIM)
        lons, lats = (-120, -60, 0, 60, 120), (-30, 0, 30, 60)
        _view.Ticks(ax, "x", lons, [f"{abs(x)}°{'W' if x < 0 else 'E' if x > 0 else ''}" for x in lons])
        ax.yaxis.set_major_locator(NullLocator())
        parallels = [xy for lat in lats for xy in ((XLIM[0], lat), (XLIM[1], lat), (np.nan, np.nan))]
        ax.plot(*zip(*parallels), color="#b0b0b0", alpha=0.3, linewidth=0.8, zorder=0.5)  # every 30°
        (self.direct,) = ax.plot([], [], color=BLUE, linewidth=0.9)  # one path, NaN between lines
        (self.detour,) = ax.plot([], [], "--", color=VERMILLION, linewidth=1.5)
        cities = np.array([p.lat_lon for p in model.USER_CITIES])
        ax.plot(cities[:, 1], cities[:, 0], "o", color=BLUE, markersize=3.5, zorder=3)
        self.region_at = {p.name: p.lat_lon for p in model.REGIONS}
        (self.off,) = ax.plot([], [], "^", color=GREY, markerfacecolor="white", markersize=7, zorder=4)
        (self.on,) = ax.plot([], [], "^", color=BLACK, markersize=8, zorder=5)
        (self.resolvers,) = ax.plot([], [], "s", color=ORANGE, markerfacecolor="none", markeredgewidth=1.8,
                                    markersize=12, zorder=6)
        self.labels = {}
        for place in model.REGIONS:
            offset, align = _LABEL_AT[place.label]
            lat, lon = place.lat_lon
            self.labels[place.name] = ax.annotate(
                place.label, (lon, lat), xytext=offset, textcoords="offset points", ha=align, va="center",
                fontsize=FONT, zorder=7)
        self.city_at = dict(zip(model.USER_CITY_NAMES, map(tuple, cities)))

    def html(self, g: model.GeoDns) -> str:
        direct, detour = [], []
        for city, region, extra in zip(g.routes["city"], g.routes["region"], g.routes["extra ms"]):
            (detour if extra > 1e-9 else direct).extend(_map_segments(self.city_at[city], self.region_at[region]))
        for line, segments in ((self.direct, direct), (self.detour, detour)):
            joined = [(np.nan, np.nan)] if not segments else [
                xy for segment in segments for xy in [*segment, (np.nan, np.nan)]]
            line.set_data(*zip(*joined))
        on = np.array([self.region_at[name] for name in g.regions])
        off = np.array([at for name, at in self.region_at.items() if name not in g.regions] or np.empty((0, 2)))
        self.on.set_data(on[:, 1], on[:, 0])
        self.off.set_data(off[:, 1], off[:, 0])
        sites = np.array([model.PLACES[name].lat_lon for name in g.resolver_sites or ()] or np.empty((0, 2)))
        self.resolvers.set_data(sites[:, 1], sites[:, 0])
        for name, label in self.labels.items():
            label.set_visible(name in g.regions)
        worst = g.worst
        alt = (f"Map of {len(g.routes)} user cities and {len(g.regions)} regions on "
               f"({', '.join(model.PLACES[r].label for r in g.regions)}), each city joined to the region GeoDNS "
               f"sends it to. Mean floor round trip {_ms(g.mean_floor_ms)}; longest {worst['city']} "
               f"{_ms(worst['floor ms'])}. {g.misrouted} cities sent farther than their nearest region.")
        return _view.figure_html(self.figure, alt)


def _summary(g: model.GeoDns) -> str:
    worst, extra = g.worst, g.routes.loc[g.routes["extra ms"] > 1e-9, "extra ms"]
    detours = f"{g.misrouted} of {len(g.routes)}" + (f", {_ms(extra.mean())} more on average" if len(extra) else "")
    return _view.table([
        ("Mean floor round trip (cities equally weighted)", _ms(g.mean_floor_ms)),
        ("Longest floor", f"{_ms(worst['floor ms'])} ({worst['city']} to {model.PLACES[worst['region']].label})"),
        ("Cities sent past their nearest region", detours),
    ])


def _routes_table(g: model.GeoDns) -> str:
    label = {name: model.PLACES[name].label for name in model.REGION_NAMES}
    columns = {"city": g.routes["city"], "resolver in": g.routes["resolver"],
               "sent to": g.routes["region"].map(label), "floor (ms)": g.routes["floor ms"],
               "nearest on": g.routes["nearest"].map(label), "extra (ms)": g.routes["extra ms"]}
    if g.resolver_sites is None:
        del columns["resolver in"]
    frame = pd.DataFrame(columns)
    how = ("the user's subnet (ECS)" if g.ecs else "the resolver's address (no ECS)") if g.resolver_sites else (
        "the resolver, in the user's own city")
    caption = (
        "Floor round trip: the great-circle distance (sphere of radius 6,371 km) at 200,000 km/s in fibre, "
        "1 ms per 100 km. Real paths are longer (a rule of thumb: 2.1 × the line-of-sight distance, "
        "Bozkurt et al. 2018) and "
        f"queues and servers add more. GeoDNS locates each user by {how}. Extra: the floor over that of "
        "the nearest region that is on."
    )
    return _view.table(frame, caption, formats={"floor (ms)": "{:,.1f}".format, "extra (ms)": "{:,.1f}".format})


def geodns() -> _view.Interactive:
    """GeoDNS over the regions that are on: each user city's region and floor round trip, on a map.

    >>> "Mean floor round trip" in geodns().view.value
    True
    """
    chart = _MapChart()

    def render(v: _view.Values) -> str:
        regions = [name for key, name in _REGION_KEYS.items() if v[key]]
        g = model.geodns_answers(regions, ecs=v["ecs"], resolver_sites=model.RESOLVERS[v["resolver"]])
        return chart.html(g) + _GEODNS_LEGEND + _summary(g) + _routes_table(g)

    return _view.Interactive(render, _view.controls(_GEODNS_CONTROLS), _GEODNS_PRESETS, principal="Scenario")
