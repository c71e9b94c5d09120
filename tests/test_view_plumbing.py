"""The shared view plumbing: the one table style, and what a precomputed view states about itself."""

from __future__ import annotations

import re

import ipywidgets as w
import pandas as pd

from widgets import _view
from widgets._view.frame import KERNEL_ONLY, settings_html


def cells(html: str, tag: str) -> list[tuple[str, str]]:
    """(style, text) of every cell of one tag."""
    return re.findall(rf"<{tag}[^>]*style='([^']*)'[^>]*>(.*?)</{tag}>", html)


def test_numbers_are_right_aligned_under_right_aligned_headers_and_never_wrap() -> None:
    frame = pd.DataFrame({"policy": ["LRU", "FIFO"], "hit ratio": [0.61234, 0.5], "latency": ["1.2 ms", "10 ms"]})
    html = _view.table(frame, "Two policies")
    headers, values = cells(html, "th"), cells(html, "td")
    assert [style for style, _ in headers] == ["text-align:left", *["text-align:right;white-space:nowrap"] * 2]
    assert values[:3] == [("text-align:left", "LRU"), ("text-align:right;white-space:nowrap", "0.6123"),
                          ("text-align:right;white-space:nowrap", "1.2 ms")]


def test_no_index_or_column_name_rows_leak_from_a_dataframe() -> None:
    frame = pd.DataFrame({"a": [1, 2]}, index=pd.Index(["x", "y"], name="strategy"))
    frame.columns.name = "write_policy"
    for index in (True, False):
        html = _view.table(frame, index=index)
        assert "strategy" not in html and "write_policy" not in html
        assert html.count("<tr>") == 3  # the header and two rows: no extra header row
    assert "<th scope='row' style='text-align:left;padding-right:1em;min-width:6em'>x</th>" in _view.table(frame, index=True)


def test_two_level_columns_become_one_header_row() -> None:
    frame = pd.DataFrame([[1.0, 2.0]], columns=pd.MultiIndex.from_tuples([("stale %", "ttl only"), ("hit", "ttl only")]))
    assert "<th scope='col' style='text-align:right;white-space:nowrap'>stale % ttl only</th>" in _view.table(frame)


def test_code_columns_are_monospaced_and_escaped() -> None:
    frame = pd.DataFrame({"event": ['{"amount": 5}']})
    assert "<code>{&quot;amount&quot;: 5}</code>" in _view.table(frame, code=("event",))


def test_one_number_format_a_column_by_default() -> None:
    frame = pd.DataFrame({"n": [10_000.0, 8005.0, 1e9]})
    assert [text for _, text in cells(_view.table(frame), "td")] == ["10,000", "8,005", "1,000,000,000"]


def test_a_view_states_the_settings_it_was_computed_with() -> None:
    controls = {"n": w.IntSlider(value=1500, max=2000, description="Bookings"),
                "mode": w.Dropdown(options=[("report only", "report"), ("automatic", "auto")], value="auto",
                                   description="Supervisor")}
    assert settings_html(controls).endswith("Settings: Bookings: <b>1,500</b> · Supervisor: <b>automatic</b></p>")


def test_live_controls_are_marked_kernel_only_and_carry_their_label_as_tooltip() -> None:
    control = _view.control("IntSlider", "A rather long label that a narrow column cuts")
    widget = _view.Interactive(lambda values: str(values["n"]), {"n": control}, {"one": {"n": 1}, "two": {"n": 2}})
    assert KERNEL_ONLY in control._dom_classes and control.tooltip == control.description
    assert widget.children[1].value.startswith('<div class="needs-kernel"')  # the note sits under the menu
    label = "A rather long label that a narrow column cuts"
    assert [child.value.split("Settings: ")[1] for child in widget.stack.children] == [
        f"{label}: <b>1</b></p>1", f"{label}: <b>2</b></p>2"]  # each view states its own settings


def test_cheap_ticks_show_the_positions_given_and_hide_the_spare_slots() -> None:
    fig, ax = _view.fixed_axes(4.6, 2.0, axis=True)
    ax.set(yscale="log", ylim=(1, 1000))
    ticks = _view.Ticks(ax, "y", slots=4)
    ticks.set([1, 10, 100], ["1", "10", "100"])
    shown = [(t.xy, t.get_text()) for t in ticks.texts if t.get_visible()]
    assert shown == [((0, 1), "1"), ((0, 10), "10"), ((0, 100), "100")]
    assert list(ticks.marks.get_ydata()) == [1, 10, 100]
    assert len(ticks.grid.get_segments()) == 3
    ticks.set([1, 10, 100, 1000, 10_000], ["a", "b", "c", "d", "e"])  # more than the slots: the first four
    assert [t.get_text() for t in ticks.texts if t.get_visible()] == ["a", "b", "c", "d"]
    assert len(ax.yaxis.get_ticklocs()) == 0  # matplotlib's own ticks are gone
