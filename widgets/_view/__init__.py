"""Shared view plumbing: every interactive's frame, tables, charts and sequence diagrams live here once.

* :mod:`.frame`: the static-site frame (presets in a browser-linked stack, live controls, the error
  line, the animation player);
* :mod:`.tables`: the one HTML table renderer;
* :mod:`.charts`: the palette, the phone-sized figure, figure setup, a log axis, cheap ticks (and round
  steps for them) and axis labels, clearing artists, a figure as inline SVG, the HTML legend under a chart;
* :mod:`.sequence`: the one sequence-diagram drawer.

Views import this package; models never do.
"""

from .charts import (
    FIGURE_WIDTH_IN, GREY, MIN_FONT_PT, PALETTE, Ticks, clear, figure_html, fixed_axes, freeze_layout, legend, log_x, new_figure,
    round_ticks, x_label, y_label,
)
from .frame import (
    KERNEL_NOTE, Interactive, Values, Views, control, controls, counted, error_html, linked_choice, player, views,
)
from .sequence import Arrow, draw_sequence
from .tables import table

__all__ = [
    "FIGURE_WIDTH_IN", "GREY", "KERNEL_NOTE", "MIN_FONT_PT", "PALETTE", "Arrow", "Interactive", "Values", "Views", "clear",
    "control", "controls", "counted", "draw_sequence", "error_html", "figure_html", "fixed_axes", "freeze_layout",
    "legend", "linked_choice", "log_x", "new_figure", "player", "round_ticks", "table", "Ticks", "views", "x_label",
    "y_label",
]
