"""How every widget of the built site fits a phone: its width at 390 x 844 and its smallest chart text.

For each widget and each option of its principal menu it measures, as a reader's phone renders it:

* ``overflow_px``: how far the widget, or any box in it, scrolls sideways (only a table's own scroll
  container may), and ``right_px``: the right edge of what it shows, against the viewport (a scrolling
  table's caption counts: it must wrap inside the box, not run off with the table);
* ``text_px``: the smallest chart text, in CSS pixels: each figure is an SVG image, so it is the
  smallest ``font`` size in the SVG times the image's rendered width over the SVG's own width.

Used by tests/test_phone.py, and from the command line for the figures a note quotes::

    .venv/bin/python tools/phone_check.py [SITE_DIR]
"""

from __future__ import annotations

import base64
import re
import sys
from dataclasses import dataclass
from pathlib import Path

PHONE = {"width": 390, "height": 844}
OUTPUT = ".cell_output:has(.jupyter-widgets)"
_FONT = re.compile(r"font(?:-size)?:\s*(?:[a-z]+\s+)*?(\d+(?:\.\d+)?)px")
_VIEWBOX = re.compile(r'viewBox="[\d.]+ [\d.]+ ([\d.]+) [\d.]+"')

#: A widget output as shown now: how far any box inside it scrolls sideways (a table's own scroll
#: container, class table-scroll, may), the right edge of what it shows (table captions included), and
#: each visible figure (its data URI and rendered width).
MEASURE_JS = """output => {
  const shown = [...output.querySelectorAll("*")]
    .filter(e => e.getClientRects().length && (!e.closest(".table-scroll") || e.matches("caption")));
  const scrolls = shown.filter(e => !e.matches(".table-scroll") && getComputedStyle(e).overflowX !== "visible")
    .map(e => e.scrollWidth - e.clientWidth);
  return {
    overflow: Math.max(0, output.scrollWidth - output.clientWidth, ...scrolls),
    right: Math.max(...shown.map(e => e.getBoundingClientRect().right)),
    images: [...output.querySelectorAll("img")].filter(img => img.offsetParent !== null && img.src.startsWith("data:image/svg"))
              .map(img => [img.src, img.getBoundingClientRect().width]),
  };
}"""


def smallest_font(data_uri: str) -> tuple[float, float]:
    """(smallest font size, width) of an SVG data URI, both in the SVG's own units."""
    svg = base64.b64decode(data_uri.split(",", 1)[1]).decode("utf-8")
    sizes = [float(size) for size in _FONT.findall(svg)]
    return (min(sizes) if sizes else float("inf")), float(_VIEWBOX.search(svg)[1])


@dataclass
class Fit:
    """How one widget (over all its views) fits the phone."""

    widget: int
    overflow_px: int  # how far the widget, or a box in it, scrolls sideways
    right_px: float  # the right edge of what it shows
    viewport_px: int
    text_px: float  # the smallest chart text; inf: no chart

    @property
    def fits(self) -> bool:
        return self.overflow_px <= 0 and self.right_px <= self.viewport_px

    def __str__(self) -> str:
        text = "no chart" if self.text_px == float("inf") else f"{self.text_px:.1f} px"
        return (f"widget {self.widget}: scrolls sideways {self.overflow_px} px, right edge {self.right_px:.0f} of "
                f"{self.viewport_px} px; smallest chart text {text}")


def measure(output) -> tuple[int, float, float]:
    """(sideways scroll, right edge, smallest chart text px) of one widget output as shown now."""
    seen = output.evaluate(MEASURE_JS)
    text = float("inf")
    for uri, rendered in seen["images"]:
        size, width = smallest_font(uri)
        text = min(text, size * rendered / width)
    return seen["overflow"], seen["right"], text


def page_fits(page) -> list[Fit]:
    """Every widget of an open page, measured under every option of its principal menu."""
    outputs = page.locator(OUTPUT)
    fits = []
    for index in range(outputs.count()):
        output = outputs.nth(index)
        select = output.locator("select").first
        options = select.locator("option").count() if select.count() else 1
        worst = Fit(index, 0, 0.0, page.viewport_size["width"], float("inf"))
        for option in range(options):
            if select.count():
                select.select_option(index=option)
                page.wait_for_function(
                    "output => !output.querySelector('.widget-box > :not(.jupyter-widgets, .jupyter-widgets-disconnected)')",
                    arg=output.element_handle())
            overflow, right, text = measure(output)
            worst.overflow_px = max(worst.overflow_px, overflow)
            worst.right_px = max(worst.right_px, right)
            worst.text_px = min(worst.text_px, text)
        if select.count():
            select.select_option(index=0)
        fits.append(worst)
    return fits


def main() -> None:
    sys.path.insert(0, str(Path(__file__).parent))
    from playwright.sync_api import sync_playwright
    from site_browser import CHROMIUM, CHROMIUM_ARGS, WIDGET_MIME, load_widgets
    from static_host import SITE, serving

    site = Path(sys.argv[1]) if len(sys.argv) > 1 else SITE
    pages = sorted(p.relative_to(site).as_posix() for p in (site / "chapters").glob("*.html")
                   if WIDGET_MIME in p.read_text(encoding="utf-8"))
    with serving(site) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for path in pages:
            page = browser.new_page(viewport=PHONE)
            page.goto(f"{url}/{path}", wait_until="networkidle")
            load_widgets(page)
            for fit in page_fits(page):
                print(f"{path} {fit}{'' if fit.fits else '  DOES NOT FIT'}")
            page.close()
        browser.close()


if __name__ == "__main__":
    main()
