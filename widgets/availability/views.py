"""Availability's views: the nines table, the composite-system builder and the error budget.

Each factory wires controls (declared as data) to :mod:`.model` and draws; every number comes
from the model, and this module only formats it.
"""

from __future__ import annotations

import math
from decimal import Context, Decimal
from fractions import Fraction
from typing import Any

import networkx as nx
from matplotlib.ticker import FuncFormatter, MaxNLocator

from widgets import _view
from widgets._view.tables import number_text

from .model import (
    JULIAN_YEAR_DAYS,
    BudgetBurn,
    System,
    Tier,
    add_level,
    budget_burn,
    composite_system,
    human_duration,
    nines_table,
    parse_days,
    parse_percent,
    percent_text,
    period_days,
)

# --------------------------------------------------------------------------
# The nines table
# --------------------------------------------------------------------------

_NINES_CONTROLS: dict[str, tuple[str, str, dict[str, Any]]] = {
    "year_days": ("FloatText", "Days in a year", {"value": JULIAN_YEAR_DAYS}),
    "month_days": ("Text", "Days in a month", {"value": "", "placeholder": "blank: year / 12"}),
    "level": ("Text", "Add a level (%)", {"value": "", "placeholder": "e.g. 99.95"}),
}

_NINES_PRESETS = {
    "Julian year (365.25 days), month = year/12": {"year_days": JULIAN_YEAR_DAYS, "month_days": "", "level": ""},
    "365-day year, 30-day month (SRE book table)": {"year_days": 365.0, "month_days": "30", "level": ""},
    "Leap year (366 days), month = year/12": {"year_days": 366.0, "month_days": "", "level": ""},
}


def _nines_html(v: _view.Values) -> str:
    month = parse_days("Days in a month", v["month_days"])
    levels = add_level(parse_percent("Added level", v["level"], optional=True))
    table = nines_table(levels, year_days=v["year_days"], month_days=month)
    days = period_days(v["year_days"], month)
    caption = (
        f"Downtime allowed per period. Year = {days['year']:g} days, "
        f"quarter = {days['quarter']:.4g} days, month = {days['month']:.4g} days."
    )
    return _view.table(table, caption)


def nines() -> _view.Interactive:
    """The nines table under a chosen calendar, with an optional extra level.

    >>> "8.77 hours" in nines().view.value
    True
    """
    return _view.Interactive(_nines_html, _view.controls(_NINES_CONTROLS), _NINES_PRESETS, principal="Calendar")


# --------------------------------------------------------------------------
# The composite system
# --------------------------------------------------------------------------

_PRECISE = Context(prec=40)


def _decimal_percent(value: Decimal) -> str:
    return f"{(100 * value).normalize():f}%"


def _short_percent(u: float) -> str:
    """An availability from its unavailability: its nines and the next digit (99.79%, 99.9999%)."""
    if u == 0:
        return "100%"
    decimals = max(1, math.ceil(round(-math.log10(u), 9)) - 1)
    if decimals > 20:
        return f"100% - {u:.2g}"
    percent = 100 * (1 - Fraction(u))  # exact: no float has room for 15 nines and a digit
    digits = _PRECISE.divide(percent.numerator, percent.denominator).quantize(Decimal(1).scaleb(-decimals))
    return f"{digits:f}".rstrip("0").rstrip(".") + "%"


_NODE_LEVELS = ("0.9", "0.95", "0.99", "0.995", "0.999", "0.9995", "0.9999", "0.99999")
_LEVEL = {"options": [(_decimal_percent(Decimal(d)), Decimal(d)) for d in _NODE_LEVELS]}

_COMPOSITE_CONTROLS: dict[str, tuple[str, str, dict[str, Any]]] = {
    "lbs": ("IntSlider", "Load balancers", {"min": 1, "max": 3, "value": 1}),
    "lb": ("SelectionSlider", "Each LB", {"value": Decimal("0.999"), **_LEVEL}),
    "apps": ("IntSlider", "App servers", {"min": 1, "max": 5, "value": 1}),
    "need": ("IntSlider", "App servers needed", {"min": 1, "max": 5, "value": 1}),
    "app": ("SelectionSlider", "Each app server", {"value": Decimal("0.99"), **_LEVEL}),
    "dbs": ("IntSlider", "DB replicas", {"min": 1, "max": 5, "value": 1}),
    "db": ("SelectionSlider", "Each DB replica", {"value": Decimal("0.999"), **_LEVEL}),
}

#: The tiers, left to right: controls for the node count, the nodes needed (None: one) and the
#: per-node availability, the tier's name, its colour.
_TIERS = (
    ("lbs", None, "lb", "Load balancers", _view.PALETTE[0]),
    ("apps", "need", "app", "App servers", _view.PALETTE[1]),
    ("dbs", None, "db", "DB replicas", _view.PALETTE[2]),
)

_ARCHITECTURES = {
    "Single server everywhere": {"lbs": 1, "apps": 1, "need": 1, "dbs": 1},
    "Two app servers": {"lbs": 1, "apps": 2, "need": 1, "dbs": 1},
    "Redundant app and DB tiers, one LB (the SPOF)": {"lbs": 1, "apps": 3, "need": 1, "dbs": 2},
    "Redundant everything (two LBs)": {"lbs": 2, "apps": 3, "need": 1, "dbs": 2},
    "Two of three app servers needed (capacity)": {"lbs": 2, "apps": 3, "need": 2, "dbs": 2},
}
_NODE_AVAILABILITY = {"lb": Decimal("0.999"), "app": Decimal("0.99"), "db": Decimal("0.999")}
_COMPOSITE_PRESETS = {name: {**_NODE_AVAILABILITY, **preset} for name, preset in _ARCHITECTURES.items()}


class _TierChart:
    """Tiers as columns of nodes, every node wired to every node of the next tier; one figure."""

    def __init__(self) -> None:
        # Phone-sized: 4.6 in wide, 10 pt labels (over 9 px on a 340 px column).
        self.figure, ax = _view.fixed_axes(4.6, 3.0)
        self.axes = ax
        ax.set_xlim(-0.5, len(_TIERS) - 0.5)
        ax.set_ylim(-2.4, 4.2)

    def html(self, system: System, alt: str) -> str:
        graph = nx.Graph()  # requests flow left to right, through one node of every tier
        for x, (tier, (*_, colour)) in enumerate(zip(system.tiers, _TIERS)):
            for i in range(tier.count):
                graph.add_node((x, i), pos=(x, i - (tier.count - 1) / 2), color=colour)
            if x:
                graph.add_edges_from(((x - 1, j), (x, i)) for j in range(system.tiers[x - 1].count)
                                     for i in range(tier.count))
        ax = self.axes
        _view.clear(ax)
        pos = nx.get_node_attributes(graph, "pos")
        nx.draw_networkx_edges(graph, pos, ax=ax, edge_color="#999999")
        colours = [graph.nodes[n]["color"] for n in graph]
        nx.draw_networkx_nodes(graph, pos, ax=ax, node_color=colours, node_size=400, edgecolors="#000000")
        for x, (tier, u) in enumerate(zip(system.tiers, system.tier_unavailability)):
            text, style = f"{tier.name}\n{_short_percent(u)}", {}  # few glyphs: text is most of the time
            if x in system.weakest:  # in words and bold, not by colour alone
                text, style = f"{text}\nweakest", {"color": _view.PALETTE[3], "fontweight": "bold"}
            ax.text(x, 4.05, text, ha="center", va="top", fontsize=10, linespacing=1.15, **style)
        return _view.figure_html(self.figure, alt)


def _tier_rule(tier: Tier) -> str:
    """'2 × 99.9%, any 1 up' or 'need 2 of 3 × 99%'."""
    node = _decimal_percent(tier.node_availability)
    if tier.needed > 1:
        return f"need {tier.needed} of {tier.count} × {node}"
    return f"{tier.count} × {node}, any 1 up" if tier.count > 1 else f"1 × {node}"


def _system(v: _view.Values) -> System:
    """The model's system for the controls' values (a bad combination raises the model's ValueError)."""
    return composite_system(
        Tier(v[count], v[needed] if needed else 1, v[node], name=name) for count, needed, node, name, _ in _TIERS
    )


def _composite_html(chart: _TierChart, v: _view.Values) -> str:
    system = _system(v)
    total = _short_percent(system.unavailability)
    rows = [(f"{tier.name}: {_tier_rule(tier)}", _short_percent(u))
            for tier, u in zip(system.tiers, system.tier_unavailability)]
    rows += [
        ("End to end (tiers in series)", total),
        ("Nines", f"{system.nines:.2f}"),
        ("Downtime per year", human_duration(system.downtime("year"))),
    ]
    weakest = ", ".join(system.tiers[i].name.lower() for i in system.weakest) or "none, all equal"
    alt = (
        f"Diagram: {v['lbs']} load balancer(s) feed {v['apps']} app server(s) "
        f"(at least {v['need']} needed), which feed {v['dbs']} database replica(s); each tier is labelled "
        f"with its availability, the weakest in bold and marked weakest. "
        f"End-to-end availability {total}; weakest tier: {weakest}."
    )
    return chart.html(system, alt) + _view.table(rows, "Availability (nodes fail independently)")


def composite() -> _view.Interactive:
    """Load balancers -> app servers -> database replicas: redundancy per tier, end to end.

    >>> composite().principal.value
    'Single server everywhere'
    """
    chart = _TierChart()
    return _view.Interactive(lambda v: _composite_html(chart, v), _view.controls(_COMPOSITE_CONTROLS),
                             _COMPOSITE_PRESETS, principal="Architecture")


# --------------------------------------------------------------------------
# The error budget
# --------------------------------------------------------------------------

WINDOW_DAYS = 30

#: Log sliders' readout (a d3-format): two significant digits, thousands commas, never an exponent
#: ("100", "0.050", "1,000,000"); two digits tell apart every step of a tenth of a decade.
_LOG_READOUT = ",.2r"

_BUDGET_CONTROLS: dict[str, tuple[str, str, dict[str, Any]]] = {
    "slo": ("Text", "SLO (%)", {"value": "99"}),
    "rate": ("FloatLogSlider", "Requests / second",
             {"value": 100, "base": 10, "min": -1, "max": 5, "readout_format": _LOG_READOUT}),
    "failing": ("FloatLogSlider", "Failing requests (%)",
                {"value": 0.05, "base": 10, "min": -3, "max": 1, "readout_format": _LOG_READOUT}),
}

_BUDGET_PRESETS = {f"SLO {s}%": {"slo": s, "rate": 100.0, "failing": 0.05} for s in ("99", "99.9", "99.95", "99.99")}


#: The burn chart's y axis stops here (%): a steeper line leaves through the top, as it should.
_BURN_AXIS_MAX = 1000.0


class _BurnChart:
    """Budget used over the window at the current burn rate: one line, moved in place.

    Phone-sized (4.6 in wide, no text under 9 pt); the y axis follows the line (at least 120 %, so the
    labelled whole-budget line always shows; at most :data:`_BURN_AXIS_MAX` %).
    """

    def __init__(self) -> None:
        width, height = 4.6, 2.8
        margins = (0.78, 0.5, 0.12, 0.34)  # left, bottom, right, top in inches: tick labels up to "1,000"
        self.figure, ax = _view.fixed_axes(width, height, margins=margins, axis=True)
        self.axes = ax
        (self.line,) = ax.plot([0, WINDOW_DAYS], [0, 0], color=_view.PALETTE[0], linewidth=2)
        ax.axhline(100, color=_view.PALETTE[3], linestyle="--", linewidth=1.2)
        self.whole = ax.text(0, 100, "whole budget (100%)", va="bottom", fontsize=9, color="#333333")
        # The point the title names: the line's end, or where it crosses the whole budget.
        (self.point,) = ax.plot([], [], "o", color=_view.PALETTE[0], markersize=6, clip_on=False)
        self.point_label = ax.annotate("", (0, 0), xytext=(0, 0), textcoords="offset points", fontsize=9,
                                       color="#333333")
        ax.set(xlim=(0, WINDOW_DAYS), xticks=range(0, WINDOW_DAYS + 1, 10))
        ax.yaxis.set_major_locator(MaxNLocator(nbins=4, steps=[1, 2, 2.5, 5, 10], integer=True))
        ax.yaxis.set_major_formatter(FuncFormatter(lambda y, _: f"{y:,.0f}"))
        ax.tick_params(labelsize=9)
        ax.set_xlabel(f"day of the {WINDOW_DAYS}-day window", fontsize=9)
        ax.set_ylabel("budget used (%)", fontsize=9)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        self.title = ax.set_title(" ", fontsize=10)

    def html(self, burn: BudgetBurn, alt: str) -> str:
        rate = burn.burn_rate
        end = min(100 * rate, 1e6)  # budget used by the window's end, in %
        self.line.set_ydata([0, end])  # past the axis maximum, the axes clip it
        top = min(max(120.0, 1.15 * end), _BURN_AXIS_MAX)
        self.axes.set_ylim(0, top)
        # The reference line's label sits above it, on the side the burn line keeps clear of.
        early = burn.exhausted_after is not None and rate > 2
        self.whole.set(x=WINDOW_DAYS if early else 0.3, ha="right" if early else "left")
        if burn.exhausted_after is None:  # the end, labelled above and to its left
            point, label = (WINDOW_DAYS, end), (f"{number_text(end)}%", (-5, 5), "right", "bottom")
        else:  # the crossing, labelled below and to its right (the line is above there)
            day = burn.exhausted_after.total_seconds() / 86_400
            point, label = (day, 100), (f"day {number_text(day)}", (5, -5), "left", "top")
        self.point.set_data([point[0]], [point[1]])
        text, offset, ha, va = label
        self.point_label.set(text=text, ha=ha, va=va)
        self.point_label.xy, self.point_label.xyann = point, offset
        self.title.set_text(_burn_title(burn))
        return _view.figure_html(self.figure, alt)


def _rate_text(rate: float) -> str:
    """A burn rate as a plain number (0.05, 1,000, ∞): no exponents."""
    return "∞" if math.isinf(rate) else number_text(rate)


def _burn_title(burn: BudgetBurn) -> str:
    """'burn rate 0.05×: 5% used by day 30' or 'burn rate 5×: all used by day 6'."""
    rate = _rate_text(burn.burn_rate)
    if burn.exhausted_after is None:
        return f"burn rate {rate}×: {number_text(100 * burn.burn_rate)}% used by day {WINDOW_DAYS}"
    return f"burn rate {rate}×: all used by day {number_text(burn.exhausted_after.total_seconds() / 86_400)}"


def _budget_html(chart: _BurnChart, v: _view.Values) -> str:
    slo, failing = parse_percent("SLO", v["slo"]), parse_percent("Failing requests", v["failing"])
    burn = budget_burn(slo, v["rate"], failing, WINDOW_DAYS)
    rate, failures = burn.burn_rate, burn.budget.failed_requests
    if burn.exhausted_after is not None:
        verdict = f"budget gone after {human_duration(burn.exhausted_after)}"
    else:
        verdict = f"{number_text(100 * rate)}% of the budget used in {WINDOW_DAYS} days"
    rows = [
        ("SLO", percent_text(slo)),
        (f"Requests in {WINDOW_DAYS} days", f"{burn.budget.requests:,.0f}"),
        ("Allowed failed requests", f"{failures:,.0f}" if failures >= 10 else number_text(failures)),
        ("Allowed downtime (one full outage)", human_duration(burn.budget.downtime)),
        ("Failing now", percent_text(failing)),
        ("Burn rate (1 = exactly on budget)", _rate_text(rate)),
        ("Verdict", verdict[0].upper() + verdict[1:]),
    ]
    alt = (
        f"Line chart of error budget used over a {WINDOW_DAYS}-day window at SLO {percent_text(slo)} "
        f"with {percent_text(failing)} of requests failing, against a dashed line at the whole budget "
        f"(100%): burn rate {_rate_text(rate)}, {verdict}."
    )
    return chart.html(burn, alt) + _view.table(rows, f"Error budget for {WINDOW_DAYS} days")


def error_budget_view() -> _view.Interactive:
    """Failed requests and downtime an SLO allows over 30 days, and how fast failures burn it.

    >>> error_budget_view().principal.options
    ('SLO 99%', 'SLO 99.9%', 'SLO 99.95%', 'SLO 99.99%')
    """
    chart = _BurnChart()
    return _view.Interactive(lambda v: _budget_html(chart, v), _view.controls(_BUDGET_CONTROLS),
                             _BUDGET_PRESETS, principal="SLO")
