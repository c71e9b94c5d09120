"""Shared view plumbing: every interactive's frame, tables, charts and sequence diagrams live here once.

* :mod:`.frame`: the static-site frame (presets in a browser-linked stack, live controls, the error
  line, the animation player);
* :mod:`.tables`: the one HTML table renderer;
* :mod:`.charts`: the palette, figure setup, clearing artists, a figure as inline SVG;
* :mod:`.sequence`: the one sequence-diagram drawer.

Views import this package; models never do.
"""

from .charts import PALETTE, clear, figure_html, fixed_axes, freeze_layout, new_figure
from .frame import (
    KERNEL_NOTE, Interactive, Values, Views, control, controls, error_html, linked_choice, player, views,
)
from .sequence import Arrow, draw_sequence
from .tables import table

__all__ = [
    "KERNEL_NOTE", "PALETTE", "Arrow", "Interactive", "Values", "Views", "clear", "control", "controls", "draw_sequence",
    "error_html", "figure_html", "fixed_axes", "freeze_layout", "linked_choice", "new_figure", "player", "table",
    "views",
]
