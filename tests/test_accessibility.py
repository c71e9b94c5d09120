"""Accessibility of the built site: axe-core (npm, pinned) on every page, after widgets render.

No violation of serious or critical impact is allowed. Widgets get their accessible names from
html_extra/widgetjs/a11y.js, the theme's search and colour-mode buttons from _templates/.
"""

from __future__ import annotations

import json
import re

import pytest

from conftest import ROOT
from test_site import PAGES, visit

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
