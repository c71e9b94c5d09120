"""The built site on a phone (390 x 844): every widget fits its column under every option of its menu,
and its charts' smallest text is at least 9 CSS px as rendered (tools/phone_check.py measures both).

Also writes a screenshot of every widget and quiz, phone and desktop, light and dark, to
_build/screenshots/ for a person to look at before calling a view done.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from phone_check import PHONE, page_fits
from site_browser import load_widgets

from conftest import ROOT
from test_dark_mode import DESKTOP, QUIZ_OUTPUT, UNSTICK_CSS, answer_every_question
from test_site import QUIZ_PAGES, WIDGET_OUTPUT, WIDGET_PAGES

MIN_TEXT_PX = 9
SCREENSHOTS = ROOT / "_build" / "screenshots"


def open_page(browser, url: str, viewport: dict, *, dark: bool = False):
    """The page with its widgets rendered; dark: the reader's system prefers dark (the theme's "auto" mode follows).

    The other way to dark, a choice made with the theme's button, is test_dark_mode.DarkReader's: the
    screenshots take this one, so each way is exercised.
    """
    page = browser.new_page(viewport=viewport, color_scheme="dark" if dark else "light")
    page.goto(url, wait_until="networkidle")
    load_widgets(page)
    if dark:
        page.wait_for_function("document.documentElement.dataset.theme === 'dark'")
    return page


def misfits(page) -> list[str]:
    """The widgets that do not fit the phone, or whose chart text is too small, in words."""
    fits = page_fits(page)
    assert fits, "no widget measured"
    return [str(fit) for fit in fits if not fit.fits or fit.text_px < MIN_TEXT_PX]


@pytest.mark.browser
@pytest.mark.parametrize("path", WIDGET_PAGES)
def test_every_widget_fits_a_phone_with_legible_charts(browser, site_url: str, path: str) -> None:
    page = open_page(browser, f"{site_url}/{path}", PHONE)
    assert misfits(page) == []
    page.close()


@pytest.mark.browser
@pytest.mark.parametrize("defect", [
    ".cell_output .widget-vbox { min-width: 600px; }",  # a widget wider than the column
    ".cell_output img { max-width: 40% !important; }",  # figures shrunk: their text below 9 px
])
def test_phone_check_catches_a_planted_defect(browser, site_url: str, defect: str) -> None:
    page = open_page(browser, f"{site_url}/chapters/02_interview_flow.html", PHONE)
    page.add_style_tag(content=defect)
    assert misfits(page) != []
    page.close()


@pytest.mark.browser
@pytest.mark.parametrize("path", sorted(set(WIDGET_PAGES) | set(QUIZ_PAGES)))
def test_screenshots_of_every_widget_and_quiz(browser, site_url: str, path: str) -> None:
    """Phone and desktop, light and dark: one PNG per widget and quiz (answered) in _build/screenshots/<mode>-<width>/.

    One page serves all four: the viewport is resized and the system's colour scheme switched (the theme's
    "auto" mode follows it), so the widgets load and the quizzes are answered once."""
    written = []
    page = open_page(browser, f"{site_url}/{path}", PHONE)
    page.add_style_tag(content=UNSTICK_CSS)  # the sticky header would cover a tall element
    answer_every_question(page, correct=True)
    outputs = page.locator(f"{WIDGET_OUTPUT}, {QUIZ_OUTPUT}")
    for viewport in (PHONE, DESKTOP):
        page.set_viewport_size(viewport)
        for mode in ("light", "dark"):
            page.emulate_media(color_scheme=mode)
            page.wait_for_function(f"document.documentElement.dataset.theme === '{mode}'")
            folder = SCREENSHOTS / f"{mode}-{viewport['width']}"
            folder.mkdir(parents=True, exist_ok=True)
            for index in range(outputs.count()):
                target = folder / f"{Path(path).stem}-{index}.png"
                outputs.nth(index).screenshot(path=str(target), animations="disabled")
                written.append(target)
    page.close()
    assert written and all(target.stat().st_size > 1_000 for target in written)
