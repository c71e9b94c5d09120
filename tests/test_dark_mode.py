"""Dark mode: widgets and quizzes follow the theme, and all their text reads at 4.5:1 or better.

The theme (pydata-sphinx-theme) switches to dark with data-theme="dark" on <html>; its colour-mode
button stores the reader's choice in localStorage ("mode", "theme"), which the page's first inline
script reads. Each test here opens pages as a reader who chose dark mode, so they load dark from the
start. _static/dark.css is what makes widgets and quizzes follow; the checks:

* axe's color-contrast rule finds nothing inside widgets (under every option of each widget's menu)
  or quizzes (with a wrong answer chosen, then a right one, so both kinds of feedback show);
* no text inside them sits on a light ground (the theme's grey-blue slab), and each figure (SVG drawn
  on white) is shown as a light card: white, padded, rounded, with an edge;
* dark.css touches nothing in light mode: every rule in it is scoped to html[data-theme="dark"].

Each check is shown to fail on a planted defect. (tests/test_phone.py writes the screenshots of every
widget and quiz, light and dark, phone and desktop.)
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from site_browser import RENDERED_JS, WIDGET_AREA

from conftest import ROOT
from test_accessibility import AXE
from test_site import NUMERIC_INPUT, PAGES, QUIZ_PAGES, WIDGET_OUTPUT, WIDGET_PAGES, choose, numeric_answers, visit

DARK_CSS = ROOT / "_static" / "dark.css"
DARK_PAGES = [path for path in PAGES if path in WIDGET_PAGES or path in QUIZ_PAGES]
QUIZ_OUTPUT = ".cell_output:has(.Quiz)"
STATIC_OUTPUT = ".cell_output:has(.static-output)"  # a table or schema drawn once, with no control
DESKTOP = {"width": 1280, "height": 900}

#: The reader's choice as the theme's colour-mode button stores it, in place before the page's scripts run.
CHOSE_DARK_JS = 'localStorage.setItem("mode", "dark"); localStorage.setItem("theme", "dark");'
#: Until the styles have settled: the theme applied the choice and no transition or animation that ends
#: (a quiz answer fading to its colour) is still running.
#: No transition or animation still running (colours have settled).
ANIMATIONS_DONE_JS = """() => document.getAnimations()
    .every(running => running.playState !== "running" || running.effect.getComputedTiming().endTime === Infinity)"""
SETTLED_JS = f"""() => document.documentElement.dataset.theme === "dark" && ({ANIMATIONS_DONE_JS})()"""
#: axe's color-contrast rule on the given elements only: "<target>: <message>" per violation.
CONTRAST_JS = """async elements => (await axe.run({include: elements}, {runOnly: ["color-contrast"], elementRef: true}))
    .violations.flatMap(v => v.nodes.map(n => `output ${elements.findIndex(e => e.contains(n.element))}, `
      + `${n.target.join(" ")}: ${n.any.map(a => a.message).join("; ")}`))"""
#: Visible elements in the given outputs that hold text of their own and sit on a light ground (the first
#: background colour behind them, walking up, has a relative luminance over 0.4; the dark page is 0.01).
ON_LIGHT_GROUND_JS = r"""outputs => {
  const luminance = ([r, g, b]) => [r, g, b].map(c => c / 255)
    .map(c => c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4)
    .reduce((sum, c, i) => sum + c * [0.2126, 0.7152, 0.0722][i], 0);
  const ground = element => {
    for (let e = element; e; e = e.parentElement) {
      const rgba = (getComputedStyle(e).backgroundColor.match(/[\d.]+/g) || [0, 0, 0, 0]).map(Number);
      if (rgba.length === 3 || rgba[3] > 0) return rgba.slice(0, 3);
    }
    return [255, 255, 255];
  };
  return outputs.flatMap(output => [...output.querySelectorAll("*")])
    .filter(e => e.getClientRects().length && [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()))
    .filter(e => luminance(ground(e)) > 0.4)
    .map(e => `${e.tagName.toLowerCase()}.${[...e.classList].join(".")} "${e.textContent.trim().slice(0, 40)}"`);
}"""
#: Visible figures in the given outputs not shown as a light card (white, padded, rounded, with an edge, undimmed).
NOT_A_CARD_JS = """outputs => outputs.flatMap(output => [...output.querySelectorAll("img")])
  .filter(img => img.getClientRects().length)
  .map(img => [img, getComputedStyle(img)])
  .filter(([img, s]) => !(s.backgroundColor === "rgb(255, 255, 255)" && parseFloat(s.paddingLeft) > 0
    && parseFloat(s.borderTopLeftRadius) > 0 && parseFloat(s.borderLeftWidth) > 0 && s.filter === "none"))
  .map(([img, s]) => `${img.alt.slice(0, 40)}: background ${s.backgroundColor}, padding ${s.paddingLeft},
    radius ${s.borderTopLeftRadius}, edge ${s.borderLeftWidth}, filter ${s.filter}`)"""
#: Visible legend keys (small inline SVGs drawn in the figure's colours, black included) not on a white chip.
KEY_NOT_ON_WHITE_JS = """outputs => outputs.flatMap(output => [...output.querySelectorAll("svg")])
  .filter(svg => svg.getClientRects().length && getComputedStyle(svg).backgroundColor !== "rgb(255, 255, 255)")
  .map(svg => svg.parentElement.textContent.trim().slice(0, 40))"""
#: For screenshots: the theme's sticky headers, skip link and back-to-top button would cover a tall element.
UNSTICK_CSS = """.bd-header, .bd-header-article { position: static !important; }
  .skip-link, #pst-back-to-top { display: none !important; }"""


class DarkReader:
    """Stands in for the browser in test_site.visit: its pages open for a reader who chose dark mode."""

    def __init__(self, browser, viewport: dict = DESKTOP) -> None:
        self.context = browser.new_context(viewport=viewport)
        self.context.add_init_script(CHOSE_DARK_JS)

    def new_page(self):
        return self.context.new_page()

    def close(self) -> None:
        self.context.close()


def visit_dark(browser, url: str, viewport: dict = DESKTOP):
    """test_site.visit as a reader in dark mode; returns (the Visit, the reader to close)."""
    reader = DarkReader(browser, viewport)
    seen = visit(reader, url)
    seen.page.wait_for_function(SETTLED_JS)
    return seen, reader


def settle(page) -> None:
    """Wait until every widget shows whole again and nothing is still fading."""
    page.wait_for_function(RENDERED_JS, arg=WIDGET_AREA)
    page.wait_for_function(SETTLED_JS)


def contrast_violations(page, where) -> list[str]:
    """axe's color-contrast violations inside the elements of the locator where."""
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    return where.evaluate_all(CONTRAST_JS)


def answer_every_question(page, correct: bool) -> None:
    """Choose the first right (or wrong) answer of every quiz question, and wait for the colours to settle."""
    questions = page.locator(".Quiz .Answer")
    for index in range(questions.count()):
        if questions.nth(index).locator(NUMERIC_INPUT).count():
            field = questions.nth(index).locator(NUMERIC_INPUT)
            field.fill(numeric_answers(questions.nth(index))[0 if correct else 1])
            field.press("Enter")
            continue
        questions.nth(index).locator(f".MCButton[data-correct='{str(correct).lower()}']").first.click()
    page.wait_for_function(ANIMATIONS_DONE_JS)


def dark_mode_contrast(seen) -> list[str]:
    """Every color-contrast violation inside the page's widgets (each under every option of its menu),
    static outputs and quizzes (a wrong answer chosen everywhere, then a right one), labelled with where it showed.

    The widgets go through their options together: round k shows option k of every widget that has one
    (the others keep their last), and one axe run checks them all, labelled "output <widget index>"."""
    page = seen.page
    widgets = page.locator(WIDGET_OUTPUT)
    options = [seen.widget(index).locator("select").first.locator("option").count() for index in range(widgets.count())]
    found = []
    for option in range(max(options, default=0)):
        if option:
            for index in (index for index, count in enumerate(options) if count > option):
                choose(seen, index, option)
            settle(page)
        found += [f"option {option} of each widget, {v}" for v in contrast_violations(page, widgets)]
    if page.locator(STATIC_OUTPUT).count():
        found += [f"static output: {v}" for v in contrast_violations(page, page.locator(STATIC_OUTPUT))]
    if page.locator(QUIZ_OUTPUT).count():
        for correct in (False, True):
            answer_every_question(page, correct)
            found += [f"quiz, {'right' if correct else 'wrong'} answers: {v}"
                      for v in contrast_violations(page, page.locator(QUIZ_OUTPUT))]
    return found


def test_dark_css_leaves_light_mode_alone() -> None:
    """Every rule in _static/dark.css applies only under html[data-theme="dark"]."""
    css = re.sub(r"/\*.*?\*/", "", DARK_CSS.read_text(encoding="utf-8"), flags=re.S)
    blocks = re.findall(r"([^{}]+)\{[^{}]*\}", css)
    selectors = [s.strip() for block in blocks for s in re.split(r",(?![^()]*\))", block)]  # commas outside (...)
    assert selectors
    assert [s for s in selectors if not s.startswith('html[data-theme="dark"]')] == []


@pytest.mark.parametrize("path", PAGES)
def test_every_page_loads_the_dark_stylesheet(site: Path, path: str) -> None:
    html = (site / path).read_text(encoding="utf-8")
    assert re.search(r'<link rel="stylesheet"[^>]*href="[^"]*_static/dark\.css', html)


@pytest.mark.browser
@pytest.mark.parametrize("path", DARK_PAGES)
def test_widgets_and_quizzes_read_at_4_5_to_1_in_dark_mode(browser, site_url: str, path: str) -> None:
    """axe's color-contrast rule finds nothing inside widgets (every option of each menu) or quizzes
    (the feedback to a wrong answer and to a right one, and the answer buttons so marked)."""
    seen, reader = visit_dark(browser, f"{site_url}/{path}")
    assert dark_mode_contrast(seen) == []
    assert seen.errors == []
    reader.close()


@pytest.mark.browser
@pytest.mark.parametrize("path", DARK_PAGES)
def test_widgets_and_quizzes_follow_the_dark_theme(browser, site_url: str, path: str) -> None:
    """No text inside a widget or quiz sits on a light ground; every figure is a light card, and every
    legend key beside one sits on white as the figure's lines do."""
    seen, reader = visit_dark(browser, f"{site_url}/{path}")
    outputs = seen.page.locator(f"{WIDGET_OUTPUT}, {QUIZ_OUTPUT}")
    assert outputs.count() >= 1
    answer_every_question(seen.page, correct=True)
    assert outputs.evaluate_all(ON_LIGHT_GROUND_JS) == []
    assert outputs.evaluate_all(NOT_A_CARD_JS) == []
    assert outputs.evaluate_all(KEY_NOT_ON_WHITE_JS) == []
    reader.close()


@pytest.mark.browser
@pytest.mark.parametrize("defect", [
    ".cell_output .widget-html-content * { color: #555 !important; }",  # grey widget text: 2.4:1
    ".Quiz .Feedback.correct { color: #4a7040 !important; }",  # light mode's green feedback on the dark page: 3.1:1
])
def test_contrast_check_catches_a_planted_defect(browser, site_url: str, defect: str) -> None:
    """The check can fail: a colour that reads in light mode but not on the dark page."""
    seen, reader = visit_dark(browser, f"{site_url}/chapters/02_interview_flow.html")
    answer_every_question(seen.page, correct=True)
    checked = seen.page.locator(f"{WIDGET_OUTPUT}, {QUIZ_OUTPUT}")
    assert contrast_violations(seen.page, checked) == []
    seen.page.add_style_tag(content=defect)
    assert contrast_violations(seen.page, checked) != []
    reader.close()


@pytest.mark.browser
def test_theme_check_catches_the_slab(browser, site_url: str) -> None:
    """The check can fail: without dark.css, the theme paints widgets and figures as a grey-blue slab
    (and the caching page's black legend keys vanish into the dark page)."""
    seen, reader = visit_dark(browser, f"{site_url}/chapters/04_scaling_databases.html")
    seen.page.evaluate("document.querySelector('link[href*=\"dark.css\"]').disabled = true")
    outputs = seen.page.locator(WIDGET_OUTPUT)
    assert outputs.evaluate_all(ON_LIGHT_GROUND_JS) != []
    assert outputs.evaluate_all(NOT_A_CARD_JS) != []
    assert outputs.evaluate_all(KEY_NOT_ON_WHITE_JS) != []
    reader.close()
