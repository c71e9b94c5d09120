"""Every interactive in widgets.CATALOG: it builds, and its controls survive random and bad values.

A callback must never raise: bad input shows a message in the widget's error line.
A message that starts with "unexpected" means a bug (an exception that is not a
ValueError from the model), so it fails the test too.
"""

from __future__ import annotations

import random

import ipywidgets as w
import pytest

import widgets
from widgets._drive import controls, html_values, set_random


def shown_html(widget: w.Widget) -> str:
    """All the HTML a view holds (an HTML widget, or a box of them such as an animation)."""
    return "".join(html_values(widget))


@pytest.mark.parametrize("name", sorted(widgets.CATALOG))
def test_builds_with_no_arguments(name: str) -> None:
    widget = widgets.CATALOG[name]()
    assert isinstance(widget, w.Widget)
    assert list(controls(widget)), f"{name} has no control"


@pytest.mark.parametrize("name", sorted(widgets.CATALOG))
def test_controls_take_random_and_bad_values(name: str) -> None:
    rng = random.Random(name)
    widget = widgets.CATALOG[name]()
    all_controls = list(controls(widget))
    for _ in range(40):
        # raises if a callback let an exception escape
        set_random(rng.choice(all_controls), rng, bad=rng.random() < 0.3)
        error = getattr(widget, "error", None)
        if error is not None:
            assert "unexpected" not in error.value, error.value


@pytest.mark.parametrize("name", sorted(widgets.CATALOG))
def test_principal_control_switches_precomputed_views(name: str) -> None:
    widget = widgets.CATALOG[name]()
    views = [shown_html(child) for child in widget.stack.children]
    assert len(views) >= 2, "a principal control needs at least two views"
    assert len(set(views)) == len(views), "two presets render the same view"
