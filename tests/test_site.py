"""The built static site, offline: every page in headless Chromium with the network cut off.

Run after `make site` (`make test` builds first). Pages come from the book's sources, so a
page missing from the build fails rather than silently dropping out of the test.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from site_browser import WIDGET_AREA, WIDGET_MIME, load_widgets

from conftest import ROOT

TOC_FILES = re.findall(r"^\s*(?:root|- file):\s*(\S+)", (ROOT / "_toc.yml").read_text(encoding="utf-8"), re.M)
PAGES = [f"{name}.html" for name in TOC_FILES] + ["search.html", "genindex.html"]


def pages_whose_notebook_has(marker: str) -> list[str]:
    """The built pages of the notebooks whose file contains marker."""
    return [
        f"{name}.html" for name in TOC_FILES
        if (ROOT / f"{name}.ipynb").exists() and marker in (ROOT / f"{name}.ipynb").read_text(encoding="utf-8")
    ]
RENDERER = ("require.js", "embed-amd.js", "a11y.js")
WIDGET_OUTPUT = ".cell_output:has(.jupyter-widgets)"
#: What a widget shows: its visible text and its visible images (figures are SVG images).
SHOWN_JS = """el => el.innerText + [...el.querySelectorAll('img')]
    .filter(img => img.offsetParent !== null).map(img => img.alt + img.src.length).join('|')"""
EXTERNAL_ASSET = re.compile(r"""<(?:script|link|img)\b[^>]*\b(?:src|href)=["'](?:https?:)?//""", re.I)


@dataclass
class Visit:
    """What a browser saw while loading one page."""

    page: object
    errors: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)

    def widget(self, index: int):
        """The output area of the page's index-th widget cell."""
        return self.page.locator(WIDGET_OUTPUT).nth(index)

    def find(self, text: str) -> int:
        """Index of the first widget on the page that shows text."""
        for index in range(self.page.locator(WIDGET_OUTPUT).count()):
            if text in self.widget_text(index):
                return index
        raise AssertionError(f"no widget shows {text!r}")

    def widget_text(self, index: int = 0) -> str:
        """The rendered text of the page's index-th widget (hidden stack views excluded)."""
        return self.widget(index).inner_text()

    def shown(self, index: int) -> str:
        """What the page's index-th widget shows: visible text and images."""
        return self.widget(index).evaluate(SHOWN_JS)

    def wait_shown(self, index: int, before: str, *, changed: bool = True) -> str:
        """Wait (5 s at most) until the index-th widget shows something other than before (or before
        again), and return what it shows."""
        compare = "!==" if changed else "==="
        self.page.wait_for_function(
            f"([selector, i, before]) => ({SHOWN_JS})(document.querySelectorAll(selector)[i]) {compare} before",
            arg=[WIDGET_OUTPUT, index, before],
            timeout=5_000,
        )
        return self.shown(index)


def visit(browser, url: str) -> Visit:
    """Open url with every request outside 127.0.0.1 refused, and wait for widgets to render."""
    page = browser.new_page()
    seen = Visit(page)

    def only_local(route) -> None:
        if urlparse(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            seen.outside.append(route.request.url)
            route.abort()

    page.route("**/*", only_local)
    page.on("console", lambda message: message.type == "error" and seen.errors.append(message.text))
    page.on("pageerror", lambda error: seen.errors.append(str(error)))
    page.on("requestfailed", lambda request: seen.failed.append(request.url))
    page.on("response", lambda response: response.status >= 400 and seen.failed.append(f"{response.status} {response.url}"))
    page.goto(url, wait_until="networkidle")
    load_widgets(page)
    return seen


@pytest.mark.parametrize("path", PAGES)
def test_page_is_self_contained(site: Path, path: str) -> None:
    """No page loads a script, stylesheet or image from another host (no CDN)."""
    html = (site / path).read_text(encoding="utf-8")
    assert not EXTERNAL_ASSET.findall(html)


@pytest.mark.parametrize("path", PAGES)
def test_widget_js_only_where_widgets_are(site: Path, path: str) -> None:
    """Pages with widgets, and only they, load the widget loader and point to their widget state."""
    html = (site / path).read_text(encoding="utf-8")
    has_widgets = WIDGET_MIME in html
    assert ("widgetjs/load-widgets.js" in html) == has_widgets
    state = re.search(r'<script type="application/vnd.jupyter.widget-state\+json" data-src="([^"]+)"></script>', html)
    assert bool(state) == has_widgets
    if has_widgets:
        models = json.loads((site / path).parent.joinpath(state[1]).read_text(encoding="utf-8"))["state"]
        for model_id in re.findall(r'"model_id": "(\w+)"', html):
            assert model_id in models


@pytest.mark.browser
def test_widget_renderer_waits_until_a_widget_is_near(browser, site_url: str) -> None:
    """The renderer (megabytes) is not fetched with the page, only when the reader nears a widget."""
    path = max(pages_whose_notebook_has(WIDGET_MIME), key=lambda p: _first_widget_depth(browser, site_url, p))
    page = browser.new_page()
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(f"{site_url}/{path}", wait_until="networkidle")
    assert page.evaluate(f"document.querySelector('{WIDGET_AREA}').getBoundingClientRect().top > 2 * innerHeight")
    assert [url for url in requested if url.split("?")[0].endswith(RENDERER + (".widgets.json",))] == []
    load_widgets(page)
    loaded = {url.split("?")[0].rsplit("/", 1)[-1] for url in requested}
    assert set(RENDERER) <= loaded and any(name.endswith(".widgets.json") for name in loaded)
    page.close()


@pytest.mark.browser
def test_widget_places_say_what_they_wait_for(browser, site_url: str) -> None:
    """Before a widget renders its place says so; without JavaScript it says what to do instead."""
    path = pages_whose_notebook_has(WIDGET_MIME)[0]
    placeholder = f"document.querySelector('{WIDGET_AREA}')"
    texts = {}
    for javascript in (True, False):
        context = browser.new_context(java_script_enabled=javascript)
        page = context.new_page()
        page.route("**/embed-amd.js*", lambda route: route.abort())  # keep the widgets from rendering
        page.goto(f"{site_url}/{path}")
        texts[javascript] = page.evaluate(f"getComputedStyle({placeholder}, '::before').content")
        context.close()
    assert "loading" in texts[True]
    assert "needs JavaScript" in texts[False] and "notebook" in texts[False]


def _first_widget_depth(browser, site_url: str, path: str) -> float:
    page = browser.new_page()
    page.goto(f"{site_url}/{path}")
    depth = page.evaluate(f"document.querySelector('{WIDGET_AREA}').getBoundingClientRect().top")
    page.close()
    return depth


@pytest.mark.parametrize("path", [p for p in PAGES if p.startswith("chapters/")])
def test_notebook_pages_have_launch_download_and_repository_buttons(site: Path, path: str) -> None:
    html = (site / path).read_text(encoding="utf-8")
    notebook = Path(path).with_suffix(".ipynb").as_posix()
    for launcher in ("mybinder.org/v2/gh/", "colab.research.google.com/github/"):
        assert launcher in html and notebook in html
    download = re.search(rf'href="([^"]*_sources/{re.escape(notebook)})"', html)
    assert download and (site / "_sources" / notebook).is_file()
    assert "btn-repository-button" in html or 'title="Source repository"' in html


def test_search_indexes_the_chapters(site: Path) -> None:
    assert "searchindex.js" in (site / "search.html").read_text(encoding="utf-8")
    index = (site / "searchindex.js").read_text(encoding="utf-8")
    for stem in ("calcul", "nine", "saga"):  # Sphinx indexes word stems
        assert f'"{stem}"' in index


@pytest.mark.browser
def test_search_from_any_page_finds_the_chapter(browser, site_url: str) -> None:
    """The search box of a chapter page leads to search.html, which lists the chapter that teaches the word."""
    seen = visit(browser, f"{site_url}/chapters/01_concepts.html")
    page = seen.page
    page.keyboard.press("Control+k")
    page.locator("#pst-search-dialog input[name=q]").fill("compensating")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search.html?q=compensating*")
    results = page.locator("#search-results ul.search li a")
    results.first.wait_for(timeout=10_000)
    assert any("05_distributed_transactions" in href for href in results.evaluate_all("links => links.map(a => a.href)"))
    assert seen.errors == [] and seen.outside == []
    page.close()


@pytest.mark.browser
@pytest.mark.parametrize("path", PAGES)
def test_page_loads_offline_without_errors(browser, site_url: str, path: str) -> None:
    seen = visit(browser, f"{site_url}/{path}")
    assert seen.errors == []
    assert seen.failed == []
    assert seen.outside == []
    seen.page.close()


def choose(seen: Visit, widget: int, option: int) -> str:
    """Pick an option of a widget's principal dropdown (no kernel) and return the text shown after."""
    before = seen.shown(widget)
    seen.widget(widget).locator("select").first.select_option(index=option)
    return seen.wait_shown(widget, before)


@pytest.mark.browser
def test_capacity_calculator_shows_outline_example_and_switches_preset(browser, site_url: str) -> None:
    seen = visit(browser, f"{site_url}/chapters/02_interview_flow.html")
    calculator = seen.find("Back-of-envelope estimate")
    default = seen.widget_text(calculator)
    for figure in ("10 B req/day", "416.7 M req/h", "115.7 k req/s", "420 million"):
        assert figure in default
    assert "switches between worked settings" in default  # the note says what works on the static site
    links = seen.widget(calculator).locator(".needs-kernel a")
    assert [links.nth(i).get_attribute("href") for i in range(links.count())] == [
        seen.page.locator("a[href*='mybinder.org']").first.get_attribute("href"),
        "../_sources/chapters/02_interview_flow.ipynb",
    ]  # the note links to Binder and to the notebook's download
    assert "Settings: Daily active users: 1,000,000,000" in default  # the view states its parameters
    twitter = choose(seen, calculator, 1)
    assert "Twitter" in twitter and "115.7 k req/s" not in twitter
    seen.page.close()


@pytest.mark.browser
def test_availability_widgets_show_defaults_and_switch_presets(browser, site_url: str) -> None:
    seen = visit(browser, f"{site_url}/chapters/03_non_functional_requirements.html")
    nines = seen.find("Downtime allowed per period")
    assert "8.77 hours" in seen.widget_text(nines)
    assert "8.76 hours" in choose(seen, nines, 1)  # the 365-day year of the SRE book's table
    for caption in ("Availability (nodes fail independently)", "Error budget for"):
        widget = seen.find(caption)
        before = seen.widget_text(widget)
        assert choose(seen, widget, 2) != before
    assert seen.errors == [] and seen.failed == []
    seen.page.close()


QUIZ_PAGES = pages_whose_notebook_has("quizzes.show(")
#: A numeric question's answer field (jupyterquiz): the reader types a number and presses Enter.
NUMERIC_INPUT = "input.Input-text"


def typed(x: float) -> str:
    """A number as a reader types it into a numeric question (the field takes digits, '.', 'e' and '-')."""
    return format(x, ".6g").replace("e+", "e")


def numeric_answers(answers) -> tuple[str, str]:
    """A right and a wrong number for the numeric question whose answer area is the locator answers: the
    middle of its right range, and a number far above it."""
    ranges = json.loads(answers.locator(NUMERIC_INPUT).get_attribute("data-answers"))
    low, high = next(answer["range"] for answer in ranges if answer["correct"])
    return typed((low + high) / 2), typed(abs(high) * 1_000 + 1)


@pytest.mark.browser
@pytest.mark.parametrize("path", QUIZ_PAGES)
def test_quizzes_answer_offline(browser, site_url: str, path: str) -> None:
    """Each question marks a right answer right and a wrong one wrong, with no kernel (a choice clicked, or
    a number typed and Enter pressed)."""
    seen = visit(browser, f"{site_url}/{path}")
    questions = seen.page.locator(".Quiz .Answer")
    assert questions.count() >= 2
    for i in range(questions.count()):
        if questions.nth(i).locator(NUMERIC_INPUT).count():
            field = questions.nth(i).locator(NUMERIC_INPUT)
            for number, mark in zip(numeric_answers(questions.nth(i)), ("correctButton", "incorrectButton")):
                field.fill(number)
                field.press("Enter")
                assert mark in field.get_attribute("class"), f"question {i}: {number} not marked {mark}"
            continue
        answers = questions.nth(i).locator(".MCButton")
        right = answers.locator("xpath=self::*[@data-correct='true']").first
        wrong = answers.locator("xpath=self::*[@data-correct='false']").first
        right.click()
        assert "correctButton" in right.get_attribute("class")
        wrong.click()
        assert "incorrectButton" in wrong.get_attribute("class")
    assert seen.errors == []
    seen.page.close()


ANIMATION_PAGES = pages_whose_notebook_has('"PlayModel"')


@pytest.mark.browser
@pytest.mark.parametrize("path", ANIMATION_PAGES)
def test_animations_play_offline_for_every_choice(browser, site_url: str, path: str) -> None:
    """Every animation, under every option of its dropdown, advances after Play with no kernel."""
    seen = visit(browser, f"{site_url}/{path}")
    outputs = seen.page.locator(WIDGET_OUTPUT).filter(has=seen.page.locator(".widget-play"))
    assert outputs.count() >= 1
    for i in range(outputs.count()):
        output = outputs.nth(i)
        select = output.locator("select").first
        for option in range(select.locator("option").count()):
            select.select_option(index=option)
            play = output.locator(".widget-play:visible")
            readout = output.locator(".widget-slider:visible .widget-readout")
            assert readout.inner_text() == "0"
            play.locator("button").first.click()
            seen.page.wait_for_function(
                "element => element.innerText !== '0'", arg=readout.element_handle(), timeout=5_000
            )
            play.locator("button").nth(1).click()  # stop: back to the first frame
    assert seen.errors == []
    seen.page.close()


WIDGET_PAGES = pages_whose_notebook_has(WIDGET_MIME)


@pytest.mark.browser
@pytest.mark.parametrize("path", WIDGET_PAGES)
def test_every_principal_control_switches_its_view_offline(browser, site_url: str, path: str) -> None:
    """Every widget shows output, and its first dropdown changes what is shown, with no kernel."""
    seen = visit(browser, f"{site_url}/{path}")
    count = seen.page.locator(WIDGET_OUTPUT).count()
    assert count >= 1
    for index in range(count):
        assert seen.widget_text(index).strip(), f"widget {index} shows nothing"
        options = seen.widget(index).locator("select").first.locator("option").count()
        assert options >= 2, f"widget {index} has no principal dropdown"
        assert choose(seen, index, options - 1) != choose(seen, index, 0)
    assert seen.errors == [] and seen.failed == [] and seen.outside == []
    seen.page.close()


#: Every visible, enabled control inside the page's widgets, in page order: its widget's index, its kind
#: and the element.
CONTROLS_JS = """selector => [...document.querySelectorAll(selector)].flatMap((output, widget) =>
  [...output.querySelectorAll("select, input, textarea, button, [role=slider]")]
    .filter(e => e.offsetParent !== null && !e.disabled && e.getAttribute("aria-disabled") !== "true")
    .map(element => ({widget, element, kind: element.matches("[role=slider]") ? "slider"
      : element.type === "checkbox" ? "checkbox" : element.tagName === "BUTTON" ? "button"
      : element.tagName.toLowerCase()})))"""


def live_controls(seen: Visit) -> list:
    """(widget index, kind, element handle) of every visible, enabled control inside a widget."""
    found = seen.page.evaluate_handle(CONTROLS_JS, WIDGET_OUTPUT).get_properties()
    items = [found[key] for key in sorted(found, key=int)]
    return [(item.get_property("widget").json_value(), item.get_property("kind").json_value(),
             item.get_property("element").as_element()) for item in items]


def operate(page, kind: str, element) -> None:
    """Use a control as a reader would: another option, an arrow key, a click, a typed value."""
    if kind == "select":
        element.evaluate("s => { s.selectedIndex = (s.selectedIndex + 1) % s.options.length;"
                         " s.dispatchEvent(new Event('change', {bubbles: true})); }")
    elif kind == "slider":
        element.focus()
        at_max = element.get_attribute("aria-valuenow") == element.get_attribute("aria-valuemax")
        page.keyboard.press("ArrowLeft" if at_max else "ArrowRight")
    elif kind == "input" or kind == "textarea":
        element.fill((element.input_value() or "1") + "1")
        element.press("Enter")
    else:  # button or checkbox
        element.click()


def dead_controls(seen: Visit, *, first_only: bool = False) -> list[str]:
    """The controls that change nothing a widget shows when operated (each given 3 s to show a change)."""
    dead = []
    for widget, kind, element in live_controls(seen):
        if not element.is_visible():  # an earlier control switched it out of view
            continue
        before = seen.shown(widget)
        operate(seen.page, kind, element)
        try:
            seen.page.wait_for_function(
                f"([selector, i, before]) => ({SHOWN_JS})(document.querySelectorAll(selector)[i]) !== before",
                arg=[WIDGET_OUTPUT, widget, before], timeout=3_000)
        except PlaywrightTimeout:
            dead.append(f"widget {widget}: a {kind} labelled {element.evaluate(LABEL_JS)!r}")
            if first_only:
                break
    return dead


#: The label a reader sees next to a control (or its own text or accessible name).
LABEL_JS = """e => (e.closest(".widget-inline-hbox")?.querySelector(".widget-label")?.textContent
  || e.getAttribute("aria-label") || e.textContent || "").trim()"""


@pytest.mark.browser
@pytest.mark.parametrize("path", WIDGET_PAGES)
def test_every_visible_control_works_offline(browser, site_url: str, path: str) -> None:
    """No control pretends: every visible, enabled control inside a widget changes what it shows, with no
    kernel (dropdowns, slider handles by keyboard, Play and Stop; kernel-only controls are hidden)."""
    seen = visit(browser, f"{site_url}/{path}")
    assert live_controls(seen), "no control found on a page with widgets"
    assert dead_controls(seen) == []
    assert seen.errors == []
    seen.page.close()


@pytest.mark.browser
def test_dead_control_check_catches_a_control_that_needs_a_kernel(browser, site_url: str) -> None:
    """The check can fail: shown again, the calculator's kernel-only controls change nothing offline."""
    seen = visit(browser, f"{site_url}/chapters/02_interview_flow.html")
    seen.page.add_style_tag(content=".kernel-only { display: flex !important; }")
    assert dead_controls(seen, first_only=True) != []
    seen.page.close()


def test_no_label_tooltip_says_null(site: Path) -> None:
    """Every control carries its full label as its tooltip (so a cut label can be read in full)."""
    for path in WIDGET_PAGES:
        state = json.loads((site / path).with_suffix(".widgets.json").read_text(encoding="utf-8"))
        for model in state["state"].values():
            values = model["state"]
            if values.get("description") and model["model_name"] != "HTMLModel":
                assert values.get("tooltip") == values["description"] or model["model_name"] == "PlayModel", values
