"""Views of the sketches: HyperLogLog's memory against its error, Count-Min's overestimate of heavy
hitters, and a Bloom filter's bits per item against its false positive rate.

Each interactive is declared as data (its controls and presets), a chart class that builds its
figure once and updates its artists, and a ``render`` that formats what :mod:`.model` computed.
"""

from __future__ import annotations

import math

import numpy as np

from widgets import _view
from widgets._view.tables import number_text, percent
from widgets.capacity.model import human_bytes

from . import model

BLUE, ORANGE, GREEN, VERMILLION, PURPLE, SKY = _view.PALETTE[:6]
WIDTH_IN, SMALL_PT = _view.FIGURE_WIDTH_IN, _view.MIN_FONT_PT


def _percent3(x: float) -> str:
    """A rate as a percentage to three significant digits, for a table column."""
    return percent(x, 3)


def _label_axes(ax, left_in: float, xlabel: str, ylabel: str) -> None:
    """Cheap axis labels (:func:`_view.x_label`), the y label just inside the left margin (``left_in``, inches)."""
    _view.x_label(ax, xlabel)
    _view.y_label(ax, ylabel, 72 * left_in - 8.5)


def _top_labels(ax, xs, labels, title: str) -> list:
    """Labels above the axes at data x positions, and a title over them: a second x axis, cheaply."""
    style = {"xycoords": ("data", "axes fraction"), "textcoords": "offset points", "fontsize": SMALL_PT,
             "ha": "center", "va": "bottom"}
    texts = [ax.annotate(label, (x, 1), xytext=(0, 3), **style) for x, label in zip(xs, labels)]
    ax.annotate(title, (0.5, 1), xytext=(0, 16), **{**style, "xycoords": "axes fraction"})
    return texts


# ---------------------------------------------------------------- HyperLogLog: memory against error

HLL_PRECISIONS = tuple(range(model.MIN_PRECISION, 17))  # 16 to 65,536 registers
#: Hashes plus registers a redraw may touch, summed over the runs: the number of runs follows from it.
HLL_BUDGET = 400_000
HLL_MAX_RUNS = 10
HLL_YLIM = (1e-4, 1.0)  # relative error, 0.01% to 100%
_HLL_CONTROLS = {
    "cardinality": ("Dropdown", "Distinct visitors",
                    {"options": _view.counted(1_000, 10_000, 100_000, 1_000_000), "value": 10_000}),
    "precision": ("IntSlider", "Precision p (table)", {"min": HLL_PRECISIONS[0], "max": HLL_PRECISIONS[-1],
                                                         "value": 14}),
    "seed": ("IntText", "Seed", {"value": 0}),
}
_HLL_PRESETS = {
    "1,000,000 visitors, p = 14 (Redis)": {"cardinality": 1_000_000, "precision": 14, "seed": 0},
    "10,000 visitors, p = 12 (near the switch)": {"cardinality": 10_000, "precision": 12, "seed": 0},
    "1,000 visitors, p = 14": {"cardinality": 1_000, "precision": 14, "seed": 0},
}
_REGIME_STYLE = {  # marker, colour, legend symbol, size, hollow, legend label
    "raw estimate": ("o", BLUE, "●", 6, False, "measured, raw estimate (n > 5 m)"),
    "near the switch": ("^", VERMILLION, "▲", 8, False, "measured near the switch (2 m < n ≤ 5 m)"),
    "linear counting": ("s", GREEN, "□", 7, True, "measured, linear counting (n ≤ 2 m)"),
}
_HLL_LEGEND = _view.legend(
    [("——", "black", "1.04/√m, one standard error")]
    + [(symbol, colour, label) for _, colour, symbol, _, _, label in _REGIME_STYLE.values()]
    + [("···", PURPLE, "the precision in the table")]
)


def _hll_runs(cardinality: int) -> int:
    """Seeded runs per redraw: as many as the budget allows (1 to 10), so a redraw stays fast.

    >>> _hll_runs(10_000), _hll_runs(1_000_000)
    (5, 1)
    """
    return max(1, min(HLL_MAX_RUNS, HLL_BUDGET // (cardinality + 2 ** HLL_PRECISIONS[-1])))


class _HllChart:
    """Relative error against memory (log-log): 1.04/√m as a line, the measured rms error as dots."""

    def __init__(self) -> None:
        self.figure, ax = _view.fixed_axes(WIDTH_IN, 3.2, margins=(0.72, 0.5, 0.2, 0.55), axis=True)
        self.ax = ax
        memory = [model.hll_memory_bytes(p) for p in HLL_PRECISIONS]
        ax.set(xscale="log", yscale="log", xlim=(memory[0] / 1.5, memory[-1] * 1.5), ylim=HLL_YLIM)
        shown = HLL_PRECISIONS[::4]  # 16, 256, 4,096 and 65,536 registers
        at = [model.hll_memory_bytes(p) for p in shown]
        _view.Ticks(ax, "x", at, [human_bytes(b) for b in at])
        _view.Ticks(ax, "y", [1e-4, 1e-3, 1e-2, 1e-1, 1], ["0.01%", "0.1%", "1%", "10%", "100%"])
        _top_labels(ax, at, [f"{2**p:,}" for p in shown], "registers m")
        _label_axes(ax, 0.72, "memory (6-bit registers, decimal units)", "relative error (rms)")
        ax.plot(memory, [model.hll_standard_error(2**p) for p in HLL_PRECISIONS], "-", color="black", linewidth=1.2)
        self.dots = {
            regime: ax.plot([], [], marker, color=colour, markersize=size, linestyle="none", clip_on=False,
                            markerfacecolor="none" if hollow else colour, markeredgewidth=1.5 if hollow else 1,
                            zorder=3)[0]
            for regime, (marker, colour, _, size, hollow, _) in _REGIME_STYLE.items()
        }
        self.chosen = ax.axvline(memory[0], color=PURPLE, linestyle=":", linewidth=1.5)

    def html(self, curve, regimes: list[str], precision: int, cardinality: int, runs: int) -> str:
        errors = np.clip(curve["rms_error"].to_numpy(), *HLL_YLIM)  # a smaller error sits on the axis
        for regime, line in self.dots.items():
            here = np.array([r == regime for r in regimes])
            line.set_data(curve["memory_bytes"][here], errors[here])
        self.chosen.set_xdata([model.hll_memory_bytes(precision)] * 2)
        points = "; ".join(f"{row.registers:,} registers ({human_bytes(row.memory_bytes)}): "
                           f"{_percent3(row.rms_error)} against {_percent3(row.standard_error)}"
                           for row in curve.iloc[::2].itertuples())
        bumps = [f"{2**p:,}" for p, r in zip(HLL_PRECISIONS, regimes) if r == "near the switch"]
        alt = (
            f"Log-log chart of HyperLogLog's relative error against its memory, {cardinality:,} distinct items, "
            f"rms over {runs} seeded run{'s' if runs > 1 else ''}, beside the line 1.04/√m. Measured against "
            f"formula: {points}."
            + (f" Near the switch from linear counting: {' and '.join(bumps)} registers." if bumps else "")
            + f" Dotted line: precision {precision}."
        )
        return _view.figure_html(self.figure, alt)


def _hll_table(curve, regime: str, precision: int, cardinality: int, runs: int, seed: int) -> str:
    row = curve.set_index("precision").loc[precision]
    memory = int(row["memory_bytes"])
    estimate = row["estimate"]
    rows = [
        ("Registers m = 2ᵖ", f"{2**precision:,}"),
        ("Memory (6-bit registers)", f"{memory:,} B = {human_bytes(memory)} = {human_bytes(memory, binary=True)}"),
        ("Standard error 1.04/√m", _percent3(row["standard_error"])),
        (f"Measured rms error over {runs} run{'s' if runs > 1 else ''}", _percent3(row["rms_error"])),
        ("First run: estimate against exact",
         f"{estimate:,.0f} against {cardinality:,} ({estimate / cardinality - 1:+.2%})"),
        ("Estimator at this size", regime),
    ]
    seeds = f"hash seed {seed}" if runs == 1 else f"hash seeds {seed} to {seed + runs - 1}"
    caption = (f"HyperLogLog of the distinct integers 0 to {cardinality - 1:,}, precision {precision}, {seeds}. "
               "Relative error: estimate / exact − 1.")
    return _view.table(rows, caption)


def _hll_note(cardinality: int, runs: int) -> str:
    dots = (f"the root mean square of {runs} seeded runs' errors" if runs > 1 else
            "one seeded run's error (with one run, about a third of the dots lie above the line)")
    return (f"<p>m registers, n = {cardinality:,} distinct items; each dot is {dots}. At n = 2.5 m the "
            "estimator switches from linear counting, whose error grows with n/m, to the raw estimate, "
            "biased upwards below about 5 m (HyperLogLog++'s empirical bias correction is not applied "
            "here): around the switch the error can exceed 1.04/√m.</p>")


def _memory_table(cardinality: int, precision: int) -> str:
    table = model.exact_vs_approximate_memory(cardinality, relative_error=model.hll_standard_error(2**precision))
    shown = table[["structure", "answers", "error", "decimal", "binary"]]
    caption = (
        f"Memory for {cardinality:,} distinct 16-byte ids: exact structures (payload only, so a lower bound) "
        f"against sketches; the HyperLogLog at precision {precision}. Decimal units: 1 kB = 1,000 B; "
        "binary: 1 KiB = 1,024 B."
    )
    return _view.table(shown, caption)


def hyperloglog_view() -> _view.Interactive:
    """HyperLogLog's measured error against its memory, beside 1.04/√m, and exact against approximate memory.

    >>> "1.04/√m" in hyperloglog_view().view.value
    True
    """
    chart = _HllChart()

    def render(v: _view.Values) -> str:
        cardinality, precision, runs = v["cardinality"], v["precision"], _hll_runs(v["cardinality"])
        curve = model.hll_error_curve(cardinality, HLL_PRECISIONS, runs=runs, seed=v["seed"])
        regimes = [model.hll_regime(cardinality, 2**p) for p in HLL_PRECISIONS]
        return (chart.html(curve, regimes, precision, cardinality, runs) + _HLL_LEGEND + _hll_note(cardinality, runs)
                + _hll_table(curve, regimes[HLL_PRECISIONS.index(precision)], precision, cardinality, runs,
                             v["seed"])
                + _memory_table(cardinality, precision))

    return _view.Interactive(render, _view.controls(_HLL_CONTROLS), _HLL_PRESETS, principal="Stream")


# ---------------------------------------------------------------- Count-Min: heavy hitters

CM_KEYS, CM_REQUESTS, CM_TOP = 10_000, 50_000, 10
CM_COUNTER_BYTES = 8
_LOG_SLIDER = {"base": 10, "step": 0.1, "readout_format": ".2g"}
_CM_CONTROLS = {
    "epsilon": ("FloatLogSlider", "Error ε (share of N)", {"min": -4, "max": -0.5, "value": 0.01, **_LOG_SLIDER}),
    "delta": ("FloatLogSlider", "Failure chance δ", {"min": -4, "max": -0.3, "value": 0.01, **_LOG_SLIDER}),
    "alpha": ("FloatSlider", "Zipf skew α", {"min": 0.5, "max": 1.5, "step": 0.05, "value": 1.0}),
    "seed": ("IntText", "Seed", {"value": 0}),
}


def _cm_preset(epsilon: float, delta: float) -> tuple[str, dict]:
    width, depth = model.count_min_dimensions(epsilon, delta)
    name = f"ε = {epsilon:.2g}, δ = {delta:.2g}: {width:,} × {depth}"
    return name, {"epsilon": epsilon, "delta": delta, "alpha": 1.0, "seed": 0}


_CM_PRESETS = dict(_cm_preset(e, d) for e, d in ((0.01, 0.01), (0.001, 0.01), (0.1, 0.01), (0.01, 0.5)))
_CM_LEGEND = _view.legend([
    ("■", BLUE, "true count"),
    ("■", ORANGE, "overestimate (hatched ///, on top)"),
    ("—", "black", "bound: true count + εN"),
])


class _HeavyHittersChart:
    """The top keys' true counts as bars, each with its overestimate stacked on top and its bound marked."""

    def __init__(self) -> None:
        self.figure, ax = _view.fixed_axes(WIDTH_IN, 3.0, margins=(0.84, 0.5, 0.12, 0.15), axis=True)
        self.ax = ax
        ranks = np.arange(1, CM_TOP + 1)
        self.true = ax.bar(ranks, 1, width=0.7, color=BLUE, edgecolor="black", linewidth=0.6).patches
        self.over = ax.bar(ranks, 1, width=0.7, color=ORANGE, edgecolor="black", linewidth=0.6,
                           hatch="///").patches
        (self.bound,) = ax.plot(ranks, ranks, linestyle="none", marker="_", markersize=17, markeredgewidth=2,
                                color="black")
        ax.set(xlim=(0.4, CM_TOP + 0.6))
        _view.Ticks(ax, "x", ranks, [str(r) for r in ranks], grid=False)
        self.y_ticks = _view.Ticks(ax, "y", slots=7)
        _label_axes(ax, 0.84, f"key by rank (1 = most frequent of {CM_KEYS:,})", "count")

    def html(self, result: model.HeavyHitters, alpha: float) -> str:
        top = result.top
        for bar, over, true, extra in zip(self.true, self.over, top["true"], top["overestimate"]):
            bar.set_height(true)
            over.set_y(true)
            over.set_height(extra)
        self.bound.set_ydata(top["true"] + result.bound)
        highest = max(top["estimate"].max(), (top["true"] + result.bound).max())
        self.ax.set_ylim(0, 1.08 * highest)
        ticks = _view.round_ticks(1.08 * highest)
        self.y_ticks.set(ticks, [f"{y:,.0f}" for y in ticks])
        counts = "; ".join(f"rank {i + 1}: {t:,} true, {e:,} estimated"
                           for i, (t, e) in enumerate(zip(top["true"], top["estimate"])))
        alt = (
            f"Bar chart of the {CM_TOP} most frequent keys in {result.total:,} requests (Zipf skew {alpha:g}), "
            f"counted by a Count-Min sketch of {result.width:,} × {result.depth} counters: {counts}. "
            f"Each bar's bound, true count + εN, is {result.bound:,.0f} above it."
        )
        return _view.figure_html(self.figure, alt)


def _cm_tables(result: model.HeavyHitters, epsilon: float, delta: float, alpha: float, seed: int) -> str:
    memory = result.width * result.depth * CM_COUNTER_BYTES
    rows = [
        ("Width ⌈e/ε⌉ × depth ⌈ln(1/δ)⌉", f"{result.width:,} × {result.depth}"),
        (f"Memory ({CM_COUNTER_BYTES}-byte counters)", f"{memory:,} B = {human_bytes(memory)}"),
        ("N, requests counted", f"{result.total:,}"),
        ("Bound εN, with ε = e / width", f"{result.bound:,.0f}"),
        ("Promised: a key within the bound", f"with probability ≥ {result.confidence:.3g} (1 − e⁻ᵈᵉᵖᵗʰ)"),
        ("Measured: keys within the bound", f"{result.within_bound:.2%} of the keys seen"),
        ("Mean overestimate, all keys seen", f"{result.mean_overestimate:,.1f}"),
    ]
    summary = _view.table(rows, f"Count-Min sketch for ε = {epsilon:.2g}, δ = {delta:.2g}. "
                                "An estimate is never below the true count.")
    top = result.top.assign(rank=np.arange(1, len(result.top) + 1),
                            share=result.top["overestimate"] / result.top["true"])
    top = top[["rank", "key", "true", "estimate", "overestimate", "share"]].rename(
        columns={"overestimate": "over", "share": "over (% of true)"})
    caption = (f"The {CM_TOP} most frequent of {CM_KEYS:,} keys in {CM_REQUESTS:,} seeded Zipf requests "
               f"(skew α = {alpha:g}, seed {seed}): true counts against the sketch's.")
    return summary + _view.table(top, caption, formats={"over (% of true)": lambda x: f"{100 * x:.1f}%"})


def count_min_view() -> _view.Interactive:
    """Count-Min's overestimate of the heaviest keys of a seeded Zipf stream, against the bound εN.

    >>> "εN" in count_min_view().view.value
    True
    """
    chart = _HeavyHittersChart()

    def render(v: _view.Values) -> str:
        width, depth = model.count_min_dimensions(v["epsilon"], v["delta"])
        result = model.count_min_overestimate(CM_KEYS, v["alpha"], CM_REQUESTS, width, depth, top=CM_TOP,
                                              seed=v["seed"])
        return (chart.html(result, v["alpha"]) + _CM_LEGEND
                + _cm_tables(result, v["epsilon"], v["delta"], v["alpha"], v["seed"]))

    return _view.Interactive(render, _view.controls(_CM_CONTROLS), _CM_PRESETS, principal="Sketch")


# ---------------------------------------------------------------- Bloom filter: bits per item against FPR

BLOOM_ITEMS, BLOOM_QUERIES = 5_000, 20_000
BLOOM_GRID = (2, 4, 6, 8, 10, 12, 14, 16)  # bits per item of the measured dots
BLOOM_XS = np.linspace(1, 20, 77)  # the formula curves' bits per item
BLOOM_YLIM = (1e-5, 1.0)
_BLOOM_CONTROLS = {
    "bits_per_item": ("FloatSlider", "Bits per item m/n", {"min": 1, "max": 20, "step": 0.01, "value": 9.59}),
    "hashes": ("IntSlider", "Hashes k", {"min": 1, "max": 20, "value": 7}),
    "seed": ("IntText", "Seed", {"value": 0}),
}


def _bloom_target(rate: float) -> dict:
    bits, hashes = model.bloom_size(BLOOM_ITEMS, rate)
    return {"bits_per_item": round(bits / BLOOM_ITEMS, 2), "hashes": hashes, "seed": 0}


_ONE_PERCENT, _TENTH = _bloom_target(0.01), _bloom_target(0.001)
_BLOOM_PRESETS = {
    f"1% target: {_ONE_PERCENT['bits_per_item']:g} bits/item, k = {_ONE_PERCENT['hashes']}": _ONE_PERCENT,
    f"0.1% target: {_TENTH['bits_per_item']:g} bits/item, k = {_TENTH['hashes']}": _TENTH,
    f"k = 1 at {_ONE_PERCENT['bits_per_item']:g} bits/item": {**_ONE_PERCENT, "hashes": 1},
    f"k = 20 at {_ONE_PERCENT['bits_per_item']:g} bits/item": {**_ONE_PERCENT, "hashes": 20},
}
_BLOOM_LEGEND = _view.legend([
    ("——", "black", "formula, optimal k (rounded)"),
    ("●", BLUE, "measured, optimal k"),
    ("– –", ORANGE, "formula, the chosen k"),
    ("▲", ORANGE, "where the chosen k is optimal"),
    ("◆", VERMILLION, "measured, the chosen filter"),
])


class _BloomChart:
    """False positive rate (log) against bits per item: formula curves, measured dots, the chosen filter."""

    def __init__(self) -> None:
        self.figure, ax = _view.fixed_axes(WIDTH_IN, 3.2, margins=(0.86, 0.5, 0.15, 0.55), axis=True)
        self.ax = ax
        ax.set(yscale="log", xlim=(0, 20.5), ylim=BLOOM_YLIM)
        _view.Ticks(ax, "x", range(0, 21, 4), [str(x) for x in range(0, 21, 4)])
        _view.Ticks(ax, "y", [1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1], ["0.001%", "0.01%", "0.1%", "1%", "10%", "100%"])
        self.top = _top_labels(ax, BLOOM_GRID, [""] * len(BLOOM_GRID), "optimal k = (m/n) ln 2, rounded")
        _label_axes(ax, 0.86, "bits per item m/n", "false positive rate")
        ax.plot(BLOOM_XS, model.bloom_formula_curve(BLOOM_ITEMS, BLOOM_XS), "-", color="black", linewidth=1.2)
        (self.fixed,) = ax.plot([], [], "--", color=ORANGE, linewidth=1.5)
        (self.optimum,) = ax.plot([], [], "^", color=ORANGE, markersize=9, markeredgecolor="black",
                                  markeredgewidth=0.6, linestyle="none", zorder=4)
        (self.measured,) = ax.plot([], [], "o", color=BLUE, markersize=5, linestyle="none", zorder=3, clip_on=False)
        (self.chosen,) = ax.plot([], [], "D", color=VERMILLION, markersize=8, markeredgecolor="black",
                                 markeredgewidth=0.6, linestyle="none", zorder=5, clip_on=False)

    def html(self, curve, chosen: model.BloomMeasurement, bits_per_item: float) -> str:
        k = chosen.hashes
        self.fixed.set_data(BLOOM_XS, model.bloom_formula_curve(BLOOM_ITEMS, BLOOM_XS, k))
        best = k / math.log(2)  # the bits per item at which k = (m/n) ln 2
        self.optimum.set_data([best], model.bloom_formula_curve(BLOOM_ITEMS, [best], k))
        self.optimum.set_visible(best <= BLOOM_XS[-1])
        self.measured.set_data(curve["bits_per_item"], np.clip(curve["measured"], *BLOOM_YLIM))
        for text, hashes in zip(self.top, curve["hashes"]):
            text.set_text(str(hashes))
        self.chosen.set_data([bits_per_item], [min(max(chosen.measured, BLOOM_YLIM[0]), BLOOM_YLIM[1])])
        dots = "; ".join(f"{row.bits_per_item:g} bits/item, k = {row.hashes}: {_percent3(row.measured)} measured, "
                         f"{_percent3(row.formula)} by the formula" for row in curve.itertuples())
        alt = (
            f"Chart of a Bloom filter's false positive rate (log scale) against its bits per item, {BLOOM_ITEMS:,} "
            f"items, {BLOOM_QUERIES:,} queries. Optimal hashes: {dots}. Dashed curve: the formula with k = {k}, "
            f"optimal at {best:.1f} bits/item. The chosen filter, {bits_per_item:g} bits/item and k = {k}: "
            f"{_percent3(chosen.measured)} measured, {_percent3(chosen.formula)} by the formula."
        )
        return _view.figure_html(self.figure, alt)


def _bloom_tables(curve, chosen: model.BloomMeasurement, seed: int) -> str:
    optimal = model.bloom_optimal_hashes(chosen.bits, chosen.items)
    rows = [
        ("Filter", f"{chosen.bits:,} bits ({human_bytes(math.ceil(chosen.bits / 8))}) for {chosen.items:,} items"),
        ("Hashes k (optimal (m/n) ln 2)", f"{chosen.hashes} ({optimal:.2f})"),
        ("Formula (1 − exp(−kn/m))ᵏ", _percent3(chosen.formula)),
        ("Exact form (1 − (1 − 1/m)ᵏⁿ)ᵏ", _percent3(chosen.exact)),
        (f"Measured: false positives in {chosen.queries:,} queries",
         f"{chosen.false_positives:,} = {_percent3(chosen.measured)} ± {_percent3(chosen.standard_error)}"),
    ]
    caption = (f"The chosen filter: items 0 to {chosen.items - 1:,} inserted, the next {chosen.queries:,} integers "
               f"queried (none inserted), hash seed {seed}. ± one binomial standard error of the formula.")
    shown = curve.assign(error=curve["standard_error"])[["bits_per_item", "hashes", "measured", "formula", "error"]]
    shown = shown.rename(columns={"bits_per_item": "bits/item", "hashes": "k", "error": "± 1 s.e."})
    dots = _view.table(shown, "The measured dots: optimal k (rounded) at each size, same items, queries and seed.",
                       formats={"bits/item": number_text, "k": number_text, "measured": _percent3,
                                "formula": _percent3, "± 1 s.e.": _percent3})
    return _view.table(rows, caption) + dots


def bloom() -> _view.Interactive:
    """A Bloom filter's false positive rate against its bits per item: formulas, measurements, optimal k.

    >>> "optimal k" in bloom().view.value
    True
    """
    chart = _BloomChart()

    def render(v: _view.Values) -> str:
        curve = model.bloom_fpr_curve(BLOOM_ITEMS, BLOOM_GRID, queries=BLOOM_QUERIES, seed=v["seed"])
        chosen = model.bloom_measured_fpr(v["bits_per_item"], v["hashes"], BLOOM_ITEMS, queries=BLOOM_QUERIES,
                                          seed=v["seed"])
        return chart.html(curve, chosen, v["bits_per_item"]) + _BLOOM_LEGEND + _bloom_tables(curve, chosen, v["seed"])

    return _view.Interactive(render, _view.controls(_BLOOM_CONTROLS), _BLOOM_PRESETS, principal="Filter")
