"""Drive a widget's controls programmatically, as a reader would (used by tests and benchmarks)."""

from __future__ import annotations

import math
import random
from collections.abc import Iterator

import ipywidgets as w

_OUTPUTS = (w.HTML, w.HTMLMath, w.Label, w.Image, w.Valid)
BAD_NUMBERS = (-1.0, 0.0, -1e9, 1e30, math.nan, math.inf, -math.inf)
BAD_INTS = (-1, 0, -(10**9), 10**12)
BAD_TEXTS = ("", "abc", "-1", "1e999", "nan", "0.5.5", "2")


def controls(widget: w.Widget) -> Iterator[w.ValueWidget]:
    """Every enabled, user-settable control inside widget, depth first."""
    if isinstance(widget, w.ValueWidget) and not isinstance(widget, _OUTPUTS) and not getattr(widget, "disabled", False):
        yield widget
    for child in getattr(widget, "children", ()):
        yield from controls(child)


def html_values(widget: w.Widget) -> Iterator[str]:
    """Every HTML string a view holds (an HTML widget, or a box of them such as an animation), depth first."""
    if isinstance(widget, w.HTML):
        yield widget.value
    for child in getattr(widget, "children", ()):
        yield from html_values(child)


def _random_value(control: w.ValueWidget, rng: random.Random, bad: bool):
    if isinstance(control, w.FloatLogSlider):
        return control.base ** rng.uniform(control.min, control.max)
    if isinstance(control, (w.IntSlider, w.BoundedIntText, w.Play)):
        return rng.randint(control.min, control.max)
    if isinstance(control, (w.FloatSlider, w.BoundedFloatText)):
        return rng.uniform(control.min, control.max)
    if isinstance(control, (w.Checkbox, w.ToggleButton)):
        return rng.random() < 0.5
    if isinstance(control, w.FloatText):
        return rng.choice(BAD_NUMBERS) if bad else rng.uniform(0, 1e3)
    if isinstance(control, w.IntText):
        return rng.choice(BAD_INTS) if bad else rng.randint(1, 10**3)
    if isinstance(control, w.Text):
        return rng.choice(BAD_TEXTS) if bad else f"{rng.uniform(0.9, 0.99999):.5f}"
    raise TypeError(f"no random values for {type(control).__name__}")


def set_random(control: w.ValueWidget, rng: random.Random, *, bad: bool = False) -> None:
    """Give control a random value it accepts; with bad=True, free-input controls get bad input."""
    if hasattr(control, "options"):
        control.index = rng.randrange(len(control.options))
    else:
        control.value = _random_value(control, rng, bad)
