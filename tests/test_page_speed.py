"""What _ext/page_speed.py and _ext/icon_fonts.py do to the built site, checked on the output.

Scripts must not hold up the first paint, and the cut-down icon fonts must still hold every
icon a page shows.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

from test_site import PAGES

SCRIPT_TAG = re.compile(r"<script\b[^>]*(?<![\w-])src=[^>]*>")
CSS_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")


@pytest.mark.parametrize("path", PAGES)
def test_no_script_blocks_the_first_paint(site: Path, path: str) -> None:
    html = (site / path).read_text(encoding="utf-8")
    blocking = [tag for tag in SCRIPT_TAG.findall(html) if not re.search(r"\b(defer|async)\b", tag)]
    assert [tag for tag in blocking if "documentation_options.js" not in tag] == []
    assert "fontawesome.js" not in html  # 1.5 MB of SVG icons the stylesheet already draws
    assert 'rel="preload"' not in html  # nothing jumps ahead of the stylesheets
    theme = re.search(r"<script>requestAnimationFrame\(.*?</script>", html, re.S)  # started after the first frame
    assert theme and "bootstrap.js" in theme[0] and "pydata-sphinx-theme.js" in theme[0]
    assert ("searchindex.js" in html) == (path == "search.html")  # search-as-you-type is off


def _icon_code_points(site: Path) -> dict[str, int]:
    """Icon class -> code point, from every `.fa-x:before{content:"\\f09b"}` rule of the site's stylesheets."""
    icons = {}
    for css in site.glob("_static/**/*.css"):
        for selectors, body in CSS_RULE.findall(css.read_text(encoding="utf-8")):
            content = re.search(r'content:\s*"\\([0-9a-fA-F]+)"', body)
            for name in re.findall(r"\.(fa-[\w-]+)::?before", selectors) if content else []:
                icons[name] = int(content[1], 16)
    return icons


def _font_code_points(site: Path) -> set[int]:
    fonts = site / "_static" / "vendor" / "fontawesome" / "webfonts"
    return {code for font in fonts.glob("*.woff2") for code in TTFont(font).getBestCmap()}


def test_icon_fonts_hold_every_icon_the_pages_use(site: Path) -> None:
    icons, in_fonts = _icon_code_points(site), _font_code_points(site)
    assert len(icons) > 1000  # the theme's stylesheet names the whole icon set...
    assert len(in_fonts) < 200  # ...but the fonts keep only the icons the site uses
    used = set()
    for page in site.rglob("*.html"):
        for classes in re.findall(r'class="([^"]*\bfa-[^"]*)"', page.read_text(encoding="utf-8")):
            used.update(name for name in classes.split() if name in icons)
    assert {"fa-github", "fa-download", "fa-rocket", "fa-magnifying-glass"} <= used  # the test sees the icons
    assert sorted(name for name in used if icons[name] not in in_fonts) == []


@pytest.mark.browser
def test_theme_scripts_still_run_after_the_first_frame(browser, site_url: str) -> None:
    """The theme's scripts, started after the first frame, still wire its search and colour-mode buttons."""
    page = browser.new_page()
    page.goto(f"{site_url}/intro.html", wait_until="networkidle")
    page.wait_for_function("typeof window.bootstrap === 'object'", timeout=5_000)
    page.locator("button.search-button__button").first.click()
    assert page.locator("#pst-search-dialog").evaluate("dialog => dialog.open")
    page.keyboard.press("Escape")
    before = page.evaluate("document.documentElement.dataset.mode")
    page.locator("button.theme-switch-button").first.click()
    assert page.evaluate("document.documentElement.dataset.mode") != before
    page.close()
