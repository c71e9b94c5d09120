"""Idempotency's views: two factories over :mod:`.model`.

* :func:`retries`: seeded payments over a lossy network, charged twice or more without a key and
  once with one, against the share of answers lost;
* :func:`one_payment`: one payment as a sequence diagram, attempt by attempt.

Each is declared as data (controls and presets), a chart class that builds its figure once and
updates its artists, and a ``render`` that formats what the model computed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from widgets import _view
from widgets._view.tables import number_text, percent, whole

from . import model

BLUE, _, _, VERMILLION, *_ = _view.PALETTE
BLACK = _view.PALETTE[7]
WIDTH_IN, FONT = _view.FIGURE_WIDTH_IN, _view.MIN_FONT_PT

# ---------------------------------------------------------------- 1. retries

#: The chapter's example: 300 payments a second (chapter 1, "Idempotency: safe to repeat").
PAYMENTS_PER_SECOND = 300
_P = {"min": 0.0, "max": 0.5, "step": 0.001, "readout_format": ".3f"}
_RETRY_CONTROLS = {
    "p_request_loss": ("FloatSlider", "Requests lost (probability)", {**_P, "value": 0.001}),
    "p_response_loss": ("FloatSlider", "Answers lost (probability)", {**_P, "value": 0.001}),
    "retries": ("IntSlider", "Retries after a timeout", {"min": 0, "max": 10, "value": 3}),
    "payments": ("Dropdown", "Payments simulated", {"options": _view.counted(1_000, 10_000, 100_000), "value": 10_000}),
}
_RETRY_PRESETS = {
    "Reliable network: 0.1% lost each way, 3 retries": {"p_request_loss": 0.001, "p_response_loss": 0.001,
                                                        "retries": 3, "payments": 10_000},
    "5% of answers lost, 3 retries": {"p_request_loss": 0.0, "p_response_loss": 0.05, "retries": 3,
                                      "payments": 10_000},
    "5% of answers lost, no retries": {"p_request_loss": 0.0, "p_response_loss": 0.05, "retries": 0,
                                       "payments": 10_000},
    "Flaky network: 20% lost each way, 8 retries": {"p_request_loss": 0.2, "p_response_loss": 0.2, "retries": 8,
                                                    "payments": 10_000},
}
_RETRY_LEGEND = _view.legend([
    ("—●—", BLUE, "charged twice or more, no key (closed form; dot: simulated)"),
    ("–■–", VERMILLION, "charged twice or more, with a key: never"),
    ("···▲", _view.GREY, "no confirmed answer, key or not"),
])


def _axis_top(p: float) -> float:
    """The x axis's end: the first of 1%, 2%, 5%, ... 100% at least twice ``p``.

    >>> _axis_top(0.001), _axis_top(0.05), _axis_top(0.3)
    (0.01, 0.1, 1.0)
    """
    return next(top for top in (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0) if top >= 2 * p - 1e-12)


def _percent_tick(t: float) -> str:
    return f"{100 * t:.3g}%"


class _RetriesChart:
    """Share of payments against the share of answers lost: closed-form curves, simulated dots."""

    POINTS = 26

    def __init__(self) -> None:
        self.figure, ax = _view.fixed_axes(WIDTH_IN, 2.5, margins=(0.72, 0.5, 0.15, 0.1), axis=True)
        self.ax = ax
        self.x_ticks = _view.Ticks(ax, "x", slots=7)
        self.y_ticks = _view.Ticks(ax, "y", slots=7)
        _view.x_label(ax, "share of answers lost on the way back")
        _view.y_label(ax, "share of payments", 40)
        (self.plain,) = ax.plot([], [], color=BLUE, linewidth=1.6)
        (self.keyed,) = ax.plot([], [], color=VERMILLION, linestyle="--", linewidth=1.6)
        (self.unconfirmed,) = ax.plot([], [], color=_view.GREY, linestyle=":", linewidth=1.8)
        (self.plain_dot,) = ax.plot([], [], "o", color=BLUE, markersize=8, markeredgecolor=BLACK)
        (self.keyed_dot,) = ax.plot([], [], "s", color=VERMILLION, markersize=5, markeredgecolor=BLACK)
        (self.unconfirmed_dot,) = ax.plot([], [], "^", color=_view.GREY, markersize=6, markeredgecolor=BLACK)

    def html(self, v: _view.Values, plain: model.PaymentOutcomes, keyed: model.PaymentOutcomes) -> str:
        x_top = _axis_top(v["p_response_loss"])
        xs = np.linspace(0, x_top, self.POINTS)
        curves = [[model.expected_outcomes(v["retries"], v["p_request_loss"], x, key=key) for x in xs]
                  for key in (False, True)]
        twice = [e.charged_2_plus for e in curves[0]]
        unknown = [e.unconfirmed for e in curves[0]]
        self.plain.set_data(xs, twice)
        self.keyed.set_data(xs, [e.charged_2_plus for e in curves[1]])
        self.unconfirmed.set_data(xs, unknown)
        x, m = v["p_response_loss"], plain.payments
        shares = (plain.charged_2_plus / m, keyed.charged_2_plus / m, plain.unconfirmed / m)
        for dot, share in zip((self.plain_dot, self.keyed_dot, self.unconfirmed_dot), shares):
            dot.set_data([x], [share])
        y_top = max(*twice, *unknown, *shares, 0.001) * 1.12
        self.ax.set(xlim=(0, x_top), ylim=(-0.03 * y_top, y_top))  # lines at 0 stay clear of the axis
        x_at, y_at = _view.round_ticks(x_top, 5), _view.round_ticks(y_top, 5)
        self.x_ticks.set(x_at, [_percent_tick(t) for t in x_at])
        self.y_ticks.set(y_at, [_percent_tick(t) for t in y_at])
        alt = (f"Line chart of the share of payments against the share of answers lost, 0 to {_percent_tick(x_top)}, "
               f"with {v['retries']} retries and {percent(v['p_request_loss'])} of requests lost. Charged twice or "
               f"more without a key: from {percent(twice[0])} to {percent(twice[-1])}; with a key: 0 everywhere; "
               f"no confirmed answer: from {percent(unknown[0])} to {percent(unknown[-1])}. Simulated at "
               f"{percent(x)}: {percent(shares[0])} charged twice or more without a key, {percent(shares[1])} with "
               f"one, {percent(shares[2])} unconfirmed.")
        return _view.figure_html(self.figure, alt)


def _retries_table(plain: model.PaymentOutcomes, keyed: model.PaymentOutcomes) -> str:
    m = plain.payments
    fields = {"charged 0 times": "charged_0", "charged once": "charged_1", "charged twice or more": "charged_2_plus",
              "duplicate charges": "duplicates", "no confirmed answer": "unconfirmed",
              "charged, no confirmed answer": "charged_unconfirmed", "attempts made": "attempts"}
    columns = {}
    for name, run in (("no key", plain), ("with key", keyed)):
        columns[name] = [whole(getattr(run, f)) for f in fields.values()]
        columns[f"{name}, expected"] = [number_text(round(m * getattr(run.expected, f), 1)) for f in fields.values()]
    frame = pd.DataFrame(columns, index=list(fields))
    per_day = plain.expected.duplicates_per_day(PAYMENTS_PER_SECOND)
    caption = (
        f"{m:,} seeded payments, the same losses with and without a key: up to {plain.retries + 1} attempts each, "
        f"{percent(plain.p_request_loss)} of requests and {percent(plain.p_response_loss)} of answers lost, "
        f"independently. Expected: payments × the closed-form probability (or mean). At {PAYMENTS_PER_SECOND} "
        f"payments a second, no key means about {number_text(round(per_day))} duplicate charges a day "
        "(86,400 s); a key means none."
    )
    return _view.table(frame, caption, formats=[str] * 4, index=True)


def retries() -> _view.Interactive:
    """A client retries card charges on timeout: duplicates with and without an idempotency key.

    >>> "charged twice or more" in retries().view.value
    True
    """
    chart = _RetriesChart()

    def render(v: _view.Values) -> str:
        plain, keyed = model.with_and_without_key(v["payments"], v["retries"], v["p_request_loss"],
                                                  v["p_response_loss"])
        return chart.html(v, plain, keyed) + _RETRY_LEGEND + _retries_table(plain, keyed)

    return _view.Interactive(render, _view.controls(_RETRY_CONTROLS), _RETRY_PRESETS, principal="Network")


# ---------------------------------------------------------------- 2. one payment

VIEW_MAX_ATTEMPTS = 5
_ONE_CONTROLS = {
    "fates": ("Text", "Each attempt: ok, request or response (lost)", {"value": "response, ok"}),
    "key": ("Checkbox", "Idempotency key", {"value": False}),
}
_ONE_PRESETS = {
    "Answer lost, no key: charged twice": {"fates": "response, ok", "key": False},
    "Answer lost, with a key: the retry is replayed": {"fates": "response, ok", "key": True},
    "Request lost: one charge, key or not": {"fates": "request, ok", "key": False},
    "Every answer lost, with a key: charged, never confirmed": {"fates": "response, response, response", "key": True},
}
_ONE_LEGEND = _view.legend([
    ("—", BLACK, "a message that arrived"),
    ("– –", VERMILLION, "a message lost (✗): the client times out and retries"),
])
_LANES = {"client": 0.0, "payment service": 1.0}
_ROW = 1.0  # height of one attempt in the diagram


class _SequenceChart:
    """One payment, time down: request and answer per attempt, the server's action, the timeouts."""

    INCHES_PER_ROW, TOP, FOOT = 0.62, 0.62, 0.42  # the figure grows with the attempts drawn, at one scale

    def __init__(self) -> None:
        self.figure, self.ax = _view.fixed_axes(WIDTH_IN, 2.0)  # axes fill the figure: resizing keeps the scale
        self.ax.set_xlim(-0.62, 1.62)

    def _lost(self, x0: float, y0: float, y1: float) -> None:
        """A message lost half-way: a dashed line that stops at a cross."""
        xm, ym = 0.5, (y0 + y1) / 2  # half-way between the lanes
        self.ax.plot([x0, xm], [y0, ym], color=VERMILLION, linestyle="--", linewidth=1.3)
        self.ax.plot([xm], [ym], marker="X", markersize=9, color=VERMILLION, markeredgecolor=BLACK, markeredgewidth=0.5)

    def html(self, story: model.PaymentStory) -> str:
        ax = self.ax
        _view.clear(ax)
        bottom = -_ROW * len(story.attempts) + 0.05
        ax.set_ylim(bottom - self.FOOT, self.TOP)
        self.figure.set_size_inches(WIDTH_IN, (self.TOP - bottom + self.FOOT) * self.INCHES_PER_ROW)
        arrows = []
        for a in story.attempts:
            top = -_ROW * (a.number - 1) - 0.05
            request, answer = (top, top - 0.28), (top - 0.5, top - 0.78)
            ax.text(-0.6, top - 0.35, f"attempt {a.number}", ha="left", va="center", fontsize=FONT, style="italic")
            if a.fate == "request":
                self._lost(0.0, *request)
            else:
                label = "charge + key" if story.key else "charge"
                arrows.append(_view.Arrow("client", "payment service", *request, label=label))
                ax.text(1.04, top - 0.39, "replays result" if a.server == "replayed" else f"charges card ({a.charge})",
                        ha="left", va="center", fontsize=FONT, color=VERMILLION if a.charge > 1 else BLACK)
            if a.fate == "response":
                self._lost(1.0, *answer)
            elif a.fate == "ok":
                arrows.append(_view.Arrow("payment service", "client", *answer, label="200 OK"))
            if a.fate != "ok":
                ax.text(-0.04, top - 0.82, "timeout", ha="right", va="center", fontsize=FONT)
        _view.draw_sequence(ax, _LANES, arrows, top=0.2, bottom=bottom, names_y=0.25, fontsize=FONT, label_size=FONT)
        outcome = "confirmed" if story.confirmed else f"gave up after {len(story.attempts)} attempts"
        ax.text(0.5, bottom - 0.12, f"card charged {story.charges} time{'s' * (story.charges != 1)}, {outcome}",
                ha="center", va="top", fontsize=FONT, fontweight="bold")
        alt = (f"Sequence diagram of one payment {'with' if story.key else 'without'} an idempotency key: " + "; ".join(
            f"attempt {a.number}: " + {"ok": "request and answer arrive", "request": "request lost",
                                       "response": "answer lost"}[a.fate] + (f", server {a.server}" if a.server else "")
            for a in story.attempts) + f". The card is charged {story.charges} times; {outcome}.")
        return _view.figure_html(self.figure, alt)


def _one_table(story: model.PaymentStory) -> str:
    lost = {"ok": "nothing", "request": "the request", "response": "the answer"}
    server = {"": "never saw it", "charged": "charged the card", "replayed": "replayed the stored result"}
    rows = [(f"Attempt {a.number}: {lost[a.fate]} lost", f"{server[a.server]}; charges so far {a.charge}")
            for a in story.attempts]
    rows.append(("Outcome", f"charged {story.charges} time{'s' * (story.charges != 1)}, "
                            + ("confirmed" if story.confirmed else "no confirmed answer")))
    caption = (f"One payment, {'with' if story.key else 'without'} an idempotency key, up to "
               f"{story.attempts_allowed} attempts (as many as the fates typed); the client stops at the first answer.")
    return _view.table(rows, caption)


def one_payment() -> _view.Interactive:
    """One payment as a sequence diagram: which attempt lost what, and what the server did.

    >>> "replayed the stored result" in one_payment().stack.children[1].value
    True
    """
    chart = _SequenceChart()

    def render(v: _view.Values) -> str:
        story = model.payment_story(model.parse_fates(v["fates"], VIEW_MAX_ATTEMPTS), key=v["key"])
        return chart.html(story) + _ONE_LEGEND + _one_table(story)

    return _view.Interactive(render, _view.controls(_ONE_CONTROLS), _ONE_PRESETS, principal="Scenario")
