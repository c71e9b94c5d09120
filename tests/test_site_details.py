"""Site details of the built book (issue 11): the search field, the favicon, the launch buttons,
printing and maths in prose.

Run after `make site`. Each check is a small function the tests apply to the built site and, once
more, to a planted defect, so that every check is seen to fail.
"""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path
from urllib.parse import urlparse

import pytest
import yaml

from conftest import ROOT
from test_site import PAGES, TOC_FILES, WIDGET_OUTPUT, WIDGET_PAGES, visit

NOTEBOOK_PAGES = [f"{name}.html" for name in TOC_FILES if (ROOT / f"{name}.ipynb").exists()]


# --- the search field ------------------------------------------------------------------------------

#: How far (px) the search icon reaches into the input's text: the icon's right edge minus where
#: typed text starts (the input's left edge, border, padding and text-indent). 0 or less: no overlap.
SEARCH_OVERLAP_JS = """input => {
  const icon = input.closest("form").querySelector(".fa-magnifying-glass");
  const style = getComputedStyle(input);
  const textStart = input.getBoundingClientRect().left + parseFloat(style.borderLeftWidth)
    + parseFloat(style.paddingLeft) + parseFloat(style.textIndent);
  return icon.getBoundingClientRect().right - textStart;
}"""


def search_overlap(page, input_selector: str) -> float:
    """Type into the page's visible search field and return how far the icon overlaps the text (px)."""
    field = page.locator(f"{input_selector}:visible").first
    field.fill("Wash")
    return field.evaluate(SEARCH_OVERLAP_JS)


def _open_search_dialog(page) -> str:
    page.wait_for_function("typeof window.bootstrap === 'object'", timeout=5_000)  # the theme's script
    page.keyboard.press("Control+k")
    return "#pst-search-dialog input[name=q]"


@pytest.mark.browser
@pytest.mark.parametrize("path", ["chapters/01_concepts.html", "search.html"])
def test_typed_search_text_starts_after_the_icon(browser, site_url: str, path: str) -> None:
    """The dialog of any page (Ctrl+K) and the search page's own field: typed text clears the icon."""
    seen = visit(browser, f"{site_url}/{path}")
    selector = ".bd-search-container input[name=q]" if path == "search.html" else _open_search_dialog(seen.page)
    assert search_overlap(seen.page, selector) <= -2  # at least 2 px of air between icon and text
    seen.page.close()


@pytest.mark.browser
def test_search_check_catches_an_icon_over_the_text(browser, site_url: str) -> None:
    """The check can fail: with the theme's absolute icon back, it covers the first letter."""
    seen = visit(browser, f"{site_url}/chapters/01_concepts.html")
    selector = _open_search_dialog(seen.page)
    seen.page.add_style_tag(content=".bd-search .fa-solid.fa-magnifying-glass { position: absolute !important; }")
    assert search_overlap(seen.page, selector) > 0
    seen.page.close()


# --- the favicon -----------------------------------------------------------------------------------

ICON_LINK = re.compile(r'<link\b[^>]*\brel="(?:shortcut )?icon"[^>]*>')


def favicon_problem(site: Path, path: str, html: str) -> str | None:
    """What is wrong with the favicon of the built page at path, or None."""
    links = ICON_LINK.findall(html)
    if len(links) != 1:
        return f"{path}: {len(links)} favicon links"
    href = re.search(r'\bhref="([^"]+)"', links[0])[1]
    if urlparse(href).scheme or href.startswith("/"):
        return f"{path}: favicon {href} is not a file of the site"
    icon = ((site / path).parent / href).resolve()
    if not icon.is_file():
        return f"{path}: favicon {href} is missing"
    if icon.suffix not in (".svg", ".png", ".ico"):
        return f"{path}: favicon {href} is not an image"
    return None


@pytest.mark.parametrize("path", PAGES)
def test_every_page_links_a_favicon_of_the_site(site: Path, path: str) -> None:
    assert favicon_problem(site, path, (site / path).read_text(encoding="utf-8")) is None


def test_favicon_check_catches_a_missing_icon(site: Path) -> None:
    html = (site / "intro.html").read_text(encoding="utf-8")
    assert "0 favicon links" in favicon_problem(site, "intro.html", ICON_LINK.sub("", html))
    planted = ICON_LINK.sub('<link rel="icon" href="_static/no-such-icon.svg"/>', html)
    assert "missing" in favicon_problem(site, "intro.html", planted)


@pytest.mark.browser
@pytest.mark.parametrize("path", ["intro.html", "chapters/04_scaling_databases.html"])
def test_favicon_loads_in_the_browser(browser, site_url: str, path: str) -> None:
    """The browser finds the icon the page names (an image, not a 404), and no request of the page fails."""
    seen = visit(browser, f"{site_url}/{path}")
    href = seen.page.evaluate("document.querySelector('link[rel~=icon]').href")
    response = seen.page.request.get(href)
    assert response.status == 200 and response.headers["content-type"].startswith("image/")
    assert seen.failed == []
    seen.page.close()


# --- the JupyterHub button -------------------------------------------------------------------------

#: Host names reserved for examples and tests (RFC 2606, RFC 6761): never a real hub.
PLACEHOLDER_HOST = re.compile(r"(^|\.)(example\.(com|net|org)|example|test|invalid|localhost)$", re.I)
HUB_LAUNCH = "/hub/user-redirect/git-pull"


def is_placeholder(url: str) -> bool:
    return bool(PLACEHOLDER_HOST.search(urlparse(url).hostname or ""))


def placeholder_links(html: str) -> list[str]:
    """Every link of a page to a host reserved for examples."""
    return [unescape(href) for href in re.findall(r'\bhref="(https?://[^"]+)"', html) if is_placeholder(unescape(href))]


def configured_hub() -> str | None:
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    return (config.get("launch_buttons") or {}).get("jupyterhub_url") or None


def test_a_configured_hub_is_a_real_one() -> None:
    hub = configured_hub()
    assert hub is None or not is_placeholder(hub), f"jupyterhub_url is a placeholder: {hub}"


@pytest.mark.parametrize("path", PAGES)
def test_no_page_links_a_placeholder_host(site: Path, path: str) -> None:
    assert placeholder_links((site / path).read_text(encoding="utf-8")) == []


@pytest.mark.parametrize("path", NOTEBOOK_PAGES)
def test_jupyterhub_button_only_with_a_configured_hub(site: Path, path: str) -> None:
    """The theme draws the JupyterHub launch button from `launch_buttons.jupyterhub_url`: with no hub
    set, no page offers one; with one set, every notebook page launches there."""
    html = (site / path).read_text(encoding="utf-8")
    hub = configured_hub()
    if hub is None:
        assert HUB_LAUNCH not in html and 'title="Launch on JupyterHub"' not in html
    else:
        assert f'{hub.rstrip("/")}{HUB_LAUNCH}' in unescape(html)


def test_hub_checks_catch_a_placeholder() -> None:
    assert is_placeholder("https://hub.example.org") and is_placeholder("https://jupyter.example.com/hub")
    assert not is_placeholder("https://mybinder.org") and not is_placeholder("https://hub.example-university.edu")
    planted = '<a href="https://hub.example.org/hub/user-redirect/git-pull?repo=x&amp;urlpath=y">JupyterHub</a>'
    assert placeholder_links(planted) == ["https://hub.example.org/hub/user-redirect/git-pull?repo=x&urlpath=y"]


# --- printing --------------------------------------------------------------------------------------

#: Is an element drawn (a box, not hidden, not transparent)?
VISIBLE_JS = """e => e.checkVisibility({opacityProperty: true, visibilityProperty: true})
  && e.getBoundingClientRect().width > 0 && e.getBoundingClientRect().height > 0"""
#: Per widget output: the controls (and the note about controls) a reader would see; the current
#: view (its visible figures, tables and settings line); how far a figure or table reaches past the
#: output's right edge.
PRINT_JS = f"""selector => {{
  const visible = {VISIBLE_JS};
  const describe = e => [e.tagName.toLowerCase(), ...e.classList].join(".");
  return [...document.querySelectorAll(selector)].map(output => ({{
    controls: [...output.querySelectorAll(
        "select, input, textarea, button, [role=slider], .noUi-handle, .widget-play, .needs-kernel")]
      .filter(visible).map(describe),
    view: [...output.querySelectorAll(
        ".widget-html-content img, .widget-html-content table, .widget-html-content .view-settings")]
      .filter(visible).map(e => e.tagName === "IMG" ? "img " + e.src.length
        : e.tagName === "TABLE" ? "table " + e.textContent.trim() : e.textContent.trim()),
    beyondEdge: Math.max(0, ...[...output.querySelectorAll(".widget-html-content img, .widget-html-content table")]
      .filter(visible).map(e => e.getBoundingClientRect().right - output.getBoundingClientRect().right)),
  }}));
}}"""
#: The width (CSS px) of an A4 page inside the browser's default print margins: 210 mm less 2 x 10 mm.
PAPER_WIDTH = 718
#: The theme's chrome that has no business on paper.
CHROME = ", ".join([".bd-header", ".article-header-buttons", ".bd-sidebar-primary", ".bd-sidebar-secondary",
                   ".prev-next-area", "button.copybtn"])


def printed(seen, *, planted_css: str | None = None) -> tuple[list[dict], list[dict], list[str]]:
    """What the page's widgets show on screen and under print media (laid out at a page's width), and
    the chrome printed."""
    page = seen.page
    on_screen = page.evaluate(PRINT_JS, WIDGET_OUTPUT)
    if planted_css is not None:
        page.add_style_tag(content=planted_css)
    page.set_viewport_size({"width": PAPER_WIDTH, "height": 1000})
    page.emulate_media(media="print")
    on_paper = page.evaluate(PRINT_JS, WIDGET_OUTPUT)
    chrome = page.evaluate(f"selector => [...document.querySelectorAll(selector)].filter({VISIBLE_JS})"
                           ".map(e => e.className)", CHROME)
    page.emulate_media(media="screen")
    return on_screen, on_paper, chrome


def print_problems(on_screen: list[dict], on_paper: list[dict], chrome: list[str]) -> list[str]:
    """Controls printed, current views lost, changed or cut at the page's edge, the theme's chrome printed."""
    problems = [f"printed: {item}" for item in chrome]
    for index, (screen, paper) in enumerate(zip(on_screen, on_paper, strict=True)):
        if paper["controls"]:
            problems.append(f"widget {index} prints its controls: {paper['controls']}")
        if not paper["view"] or paper["view"] != screen["view"]:
            problems.append(f"widget {index} prints {paper['view']} instead of its current view {screen['view']}")
        if paper["beyondEdge"] > 1:
            problems.append(f"widget {index}'s view runs {paper['beyondEdge']:.0f} px past the page's edge")
    return problems


@pytest.mark.browser
@pytest.mark.parametrize("path", WIDGET_PAGES)
def test_print_shows_each_widgets_current_view_without_controls(browser, site_url: str, path: str) -> None:
    """On paper: no dropdown, slider, Play button or kernel note, no header buttons or sidebars, and each
    widget's current view (after the reader picked the last preset of the first widget) as on screen."""
    seen = visit(browser, f"{site_url}/{path}")
    select = seen.widget(0).locator("select").first
    select.select_option(index=select.locator("option").count() - 1)  # the current view, not the default
    on_screen, on_paper, chrome = printed(seen)
    assert on_screen[0]["controls"]  # the check sees controls on screen
    assert print_problems(on_screen, on_paper, chrome) == []
    seen.page.close()


@pytest.mark.browser
def test_print_check_catches_printed_controls_and_a_lost_view(browser, site_url: str) -> None:
    """The check can fail: without print.css the controls print; with the figure hidden the view is lost;
    with a table wider than the paper, it is cut."""
    seen = visit(browser, f"{site_url}/chapters/04_scaling_databases.html")
    seen.page.evaluate("document.querySelector('link[href*=\"print.css\"]').remove()")
    problems = print_problems(*printed(seen))
    assert any("prints its controls" in problem and "select" in problem for problem in problems)
    assert any(".widget-play" in problem or "button" in problem for problem in problems)
    seen.page.close()
    seen = visit(browser, f"{site_url}/chapters/04_scaling_databases.html")
    problems = print_problems(*printed(seen, planted_css="@media print { .widget-html-content img { display: none } }"))
    assert any("instead of its current view" in problem for problem in problems)
    seen.page.close()
    seen = visit(browser, f"{site_url}/chapters/04_scaling_databases.html")
    planted = "@media print { .widget-html-content table { min-width: 900px } }"
    assert any("past the page's edge" in problem for problem in print_problems(*printed(seen, planted_css=planted)))
    seen.page.close()


# --- maths in prose --------------------------------------------------------------------------------

#: TeX a reader should never see in prose: a caret exponent, or maths delimiters left unrendered.
RAW_TEX = re.compile(r"[\w)\]]\^[\w(α-ω{]|\$[^$\s][^$]*\$|\\\(|\\\[|\\(?:alpha|frac|sum)\b")
#: Blocks whose text is code or data rather than prose.
NOT_PROSE = re.compile(r"<(pre|code|script|style|kbd|samp)\b.*?</\1>", re.S | re.I)


def raw_tex_in_prose(html: str) -> list[str]:
    """Literal TeX in the text of a page's article (code, scripts and styles left out)."""
    article = re.search(r"<article\b.*?</article>", html, re.S)
    text = unescape(re.sub(r"<[^>]+>", "", NOT_PROSE.sub("", article[0] if article else html)))
    return [text[max(0, m.start() - 30): m.end() + 10] for m in RAW_TEX.finditer(text)]


@pytest.mark.parametrize("path", PAGES)
def test_no_page_shows_raw_tex_in_prose(site: Path, path: str) -> None:
    assert raw_tex_in_prose((site / path).read_text(encoding="utf-8")) == []


def test_raw_tex_check_catches_a_literal_exponent() -> None:
    assert raw_tex_in_prose("<article><p>proportional to 1/(<em>i</em> + 1)^α into</p></article>")
    assert raw_tex_in_prose(r"<article><p>proportional to $1/(i+1)^\alpha$</p></article>")
    assert raw_tex_in_prose("<article><p>key <code>x^2</code>: 1/(i + 1)<sup>α</sup></p></article>") == []


@pytest.mark.browser
def test_zipf_formula_renders_as_maths(browser, site_url: str) -> None:
    """Chapter 4's Zipf law reads 1/k with α raised as an exponent, not a literal ^α."""
    seen = visit(browser, f"{site_url}/chapters/04_scaling_databases.html")
    prose = seen.page.locator("article p", has_text="is requested with probability proportional to")
    assert prose.count() == 1
    text = prose.inner_text()
    assert "proportional to 1/kα" in text and "^" not in text
    raised = prose.locator("sup", has_text="α").evaluate(
        """sup => { const base = sup.previousSibling; const range = document.createRange();
          range.selectNodeContents(base); const b = range.getBoundingClientRect(), s = sup.getBoundingClientRect();
          return {raised: s.bottom < b.bottom - 1, smaller: parseFloat(getComputedStyle(sup).fontSize)
            < parseFloat(getComputedStyle(sup.parentElement).fontSize)}; }""")
    assert raised == {"raised": True, "smaller": True}
    assert seen.outside == []  # no maths renderer from a CDN
    seen.page.close()
