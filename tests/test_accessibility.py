"""Accessibility of the built site: axe-core (npm, pinned) on every page, after widgets render.

No violation of serious or critical impact is allowed. Widgets get their accessible names from
html_extra/widgetjs/a11y.js, the theme's search and colour-mode buttons from _templates/.
"""

from __future__ import annotations

import json
import re

import pytest

from conftest import ROOT
from test_site import ANIMATION_PAGES, PAGES, WIDGET_OUTPUT, visit

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
RUN_AXE = """async () => (await axe.run(document, {resultTypes: ["violations"]})).violations
    .filter(v => v.impact === "serious" || v.impact === "critical")
    .map(v => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(", ")}`)"""


@pytest.mark.browser
@pytest.mark.parametrize("path", PAGES)
def test_no_serious_accessibility_violation(browser, site_url: str, path: str) -> None:
    if not AXE.exists():
        pytest.fail("axe-core is missing: run `make site` (it runs npm ci)")
    seen = visit(browser, f"{site_url}/{path}")
    seen.page.add_script_tag(path=str(AXE))
    assert seen.page.evaluate(RUN_AXE) == []
    seen.page.close()


@pytest.mark.browser
def test_axe_finds_a_planted_violation(browser, site_url: str) -> None:
    """The check can fail: an unnamed button is a critical violation."""
    seen = visit(browser, f"{site_url}/intro.html")
    seen.page.evaluate("document.querySelector('main').append(document.createElement('button'))")
    seen.page.add_script_tag(path=str(AXE))
    assert any(v.startswith("button-name") for v in seen.page.evaluate(RUN_AXE))
    seen.page.close()


#: Watches the page from now on: each time the DOM changes, records any Play/Pause/Stop/Repeat button
#: whose accessible name is not the one its icon shows. Observers run in the order they were made, so
#: this one runs after a11y.js's: what it records is what the next key press would meet.
WATCH_NAMES_JS = """() => {
  const NAMES = {"fa-play": "Play", "fa-pause": "Pause", "fa-stop": "Stop", "fa-retweet": "Repeat"};
  window.misnamed = [];
  window.buttonsSeen = 0;
  new MutationObserver(() => {
    for (const button of document.querySelectorAll(".widget-play button")) {
      const icon = button.querySelector("[class*='fa-']");
      const shown = Object.keys(NAMES).find(key => icon && icon.classList.contains(key));
      window.buttonsSeen += 1;
      if (button.getAttribute("aria-label") !== NAMES[shown]) window.misnamed.push(button.getAttribute("aria-label"));
    }
  }).observe(document.documentElement, {childList: true, subtree: true, attributes: true, attributeFilter: ["class"]});
}"""


@pytest.mark.browser
@pytest.mark.parametrize("path", ANIMATION_PAGES)
def test_animation_buttons_are_named_the_moment_they_are_drawn(browser, site_url: str, path: str) -> None:
    """A preset switch draws a new Play button, and playing turns it into Pause: at no moment a key
    press could reach it is it unnamed or named for the other state (issue: a reader tabbing fast
    met an unnamed Play button)."""
    seen = visit(browser, f"{site_url}/{path}")
    page = seen.page
    page.evaluate(WATCH_NAMES_JS)
    outputs = page.locator(WIDGET_OUTPUT).filter(has=page.locator(".widget-play"))
    assert outputs.count() >= 1
    for i in range(outputs.count()):
        output = outputs.nth(i)
        select = output.locator("select").first
        for option in [*range(1, select.locator("option").count()), 0]:
            select.select_option(index=option)
            play = output.locator(".widget-play:visible button").first
            play.click()
            page.wait_for_function("button => button.getAttribute('aria-label') === 'Pause'", arg=play.element_handle())
            play.click()
            page.wait_for_function("button => button.getAttribute('aria-label') === 'Play'", arg=play.element_handle())
    assert page.evaluate("window.buttonsSeen") > 0  # the watch ran
    assert page.evaluate("window.misnamed") == []
    assert seen.errors == []
    page.close()


def _strings(value):
    """Every string inside a JSON value."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


@pytest.mark.parametrize("path", PAGES)
def test_every_figure_has_alt_text(site, path: str) -> None:
    """Every image on the page, and every figure in every widget view (hidden presets and animation
    frames included, which axe cannot see), has alt text; a figure's alt text describes it in words."""
    page = site / path
    html = [page.read_text(encoding="utf-8")]
    state = page.with_suffix(".widgets.json")
    if state.exists():
        html += [text for text in _strings(json.loads(state.read_text(encoding="utf-8"))) if "<img" in text]
    images = [tag for text in html for tag in re.findall(r"<img\b[^>]*>", text)]
    assert [tag[:120] for tag in images if not re.search(r'\balt="[^"]+"', tag)] == []
    figures = [re.search(r'\balt="([^"]*)"', tag)[1] for tag in images if 'src="data:image/svg' in tag]
    assert [alt for alt in figures if len(alt.split()) < 5] == []
    if state.exists():
        assert figures  # a page with widgets shows figures
