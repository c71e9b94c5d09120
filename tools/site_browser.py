"""How the tests and benchmarks drive the built site in Debian's Chromium.

The binary and its flags (no background network: this machine refuses it), and how to make a page
render its widgets: html_extra/widgetjs/load-widgets.js fetches the renderer only when a widget
nears the viewport, so scroll to the first one.
"""

from __future__ import annotations

import shutil

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
#: A widget's place in a built page: a cell output holding a widget view.
WIDGET_AREA = f'.cell_output:has(> script[type="{WIDGET_MIME}"])'


#: True once every widget place on the page shows its widget whole: the renderer has drawn the
#: top-level view and no box still holds the empty placeholder that stands in for a child view
#: being drawn (ipywidgets' BoxView inserts one per child and swaps it for the view when ready; a
#: drawn view is marked jupyter-widgets, or jupyter-widgets-disconnected when its model has no kernel).
RENDERED_JS = """area => [...document.querySelectorAll(area)].every(place => place.querySelector('.jupyter-widgets'))
    && !document.querySelector('.widget-box > :not(.jupyter-widgets, .jupyter-widgets-disconnected)')"""


def load_widgets(page, timeout_ms: int = 15_000) -> None:
    """Scroll a Playwright page to its first widget, which renders them all; wait until every widget
    shows whole (RENDERED_JS) and the network is quiet. Every browser test and benchmark waits on this."""
    areas = page.locator(WIDGET_AREA)
    if areas.count():
        areas.first.scroll_into_view_if_needed()
        page.wait_for_function(RENDERED_JS, arg=WIDGET_AREA, timeout=timeout_ms)
        page.wait_for_load_state("networkidle")
