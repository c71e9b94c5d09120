"""Keyboard operation of the built site: every widget, animation and quiz with the keyboard alone.

Each test opens a page in headless Chromium and tabs through it from the top, as a reader
without a mouse does; where focus lands on a control under test it presses keys (arrows, Space,
Enter) and checks what the page then shows. No clicks, no scripted focus. Focus must be visible
where it lands: html_extra/widgetjs/a11y.js and _static/course.css make it so.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from test_site import (
    ANIMATION_PAGES, NUMERIC_INPUT, PAGES, QUIZ_PAGES, WIDGET_MIME, WIDGET_OUTPUT, WIDGET_PAGES, Visit,
    numeric_answers, visit,
)

MAX_TAB_STOPS = 2_000  # far more than any page has; a focus trap fails instead of hanging

#: Where focus is, in the terms of these tests (null once focus has left the page or come round again).
WHERE_JS = """([selector, first]) => {
  const e = document.activeElement;
  if (!e || e === document.body || e === first) return null;
  const outputs = [...document.querySelectorAll(selector)];
  const widget = outputs.findIndex(output => output.contains(e));
  const output = outputs[widget];
  return {
    widget,
    principal: !!output && output.querySelector("select") === e,
    animated: !!output && !!output.querySelector(".widget-play"),
    control: e.closest(".widget-play button") ? ["play", "stop", "repeat"][[...e.parentElement.children].indexOf(e)]
      : e.getAttribute("role") === "slider" ? "slider" : e.tagName.toLowerCase(),
    name: e.getAttribute("aria-label"),
    question: [...document.querySelectorAll(".Quiz .Answer")].findIndex(answers => answers.contains(e)),
  };
}"""
#: What a sighted reader sees as focused: the focused element, or the label of a visually hidden input.
INDICATOR_JS = """() => {
  const e = document.activeElement, box = e.getBoundingClientRect();
  return box.width > 1 && box.height > 1 ? e : (e.closest("label") || e);
}"""
#: An element's focus ring: an outline or a box shadow that can be seen (not none, not transparent).
RING_JS = r"""e => {
  const s = getComputedStyle(e);
  const seen = color => !/^(transparent|rgba\(.*,\s*0\))$/.test(color);
  const outline = s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0 && seen(s.outlineColor)
    ? `outline ${s.outlineWidth} ${s.outlineStyle} ${s.outlineColor}` : "";
  const shadows = s.boxShadow === "none" ? [] : s.boxShadow.split(/,(?![^(]*\))/).filter(part => {
    const color = part.match(/rgba?\([^)]*\)/);
    return !color || seen(color[0]);
  });
  return [outline, shadows.length ? `box-shadow ${shadows.join(",")}` : ""].filter(Boolean).join("; ");
}"""
#: What an animation shows besides its controls: its visible leaf widgets' text and images.
FRAME_JS = """output => [...output.querySelectorAll(
    ".jupyter-widgets:not(.widget-box):not(.widget-play):not(.widget-slider):not(.widget-dropdown)")]
  .filter(w => w.offsetParent !== null)
  .map(w => w.innerText + [...w.querySelectorAll("img")].map(img => img.alt + img.src.length).join("|"))
  .join("||")"""


def tab_stops(page) -> Iterator[dict]:
    """Press Tab from the top of the page until focus leaves it, yielding where focus is each time.

    The caller may press other keys between stops; tabbing resumes from wherever focus is then.
    """
    page.keyboard.press("Tab")
    first = page.evaluate_handle("document.activeElement")
    now = where(page)
    for _ in range(MAX_TAB_STOPS):
        if now is None:
            return
        yield now
        page.keyboard.press("Tab")
        now = page.evaluate(WHERE_JS, [WIDGET_OUTPUT, first])
    raise AssertionError(f"focus did not leave the page after {MAX_TAB_STOPS} Tab presses")


def where(page) -> dict:
    return page.evaluate(WHERE_JS, [WIDGET_OUTPUT, None])


def assert_focus_visible(page, what: str) -> None:
    """The focused control shows a ring (outline or box shadow) that it does not show unfocused.

    Focus steps back (Shift+Tab) to see the control unfocused, then returns (Tab).
    """
    target = page.evaluate_handle(INDICATOR_JS)
    focused = target.evaluate(RING_JS)
    page.keyboard.press("Shift+Tab")
    unfocused = target.evaluate(RING_JS)
    page.keyboard.press("Tab")
    assert page.evaluate(f"target => ({INDICATOR_JS})() === target", target), f"{what}: Tab did not return to it"
    assert focused and focused != unfocused, \
        f"{what}: focus is not visible (focused {focused!r}, unfocused {unfocused!r})"


def wait_until(seen: Visit, script: str, arg=None) -> None:
    """Wait (5 s at most) until script, called with arg, is true."""
    seen.page.wait_for_function(script, arg=arg, timeout=5_000)


def wait_frame(seen: Visit, output, before: str, *, changed: bool = True) -> None:
    """Wait until the animation in output shows a frame other than before (or before again)."""
    compare = "!==" if changed else "==="
    wait_until(seen, f"([output, before]) => ({FRAME_JS})(output) {compare} before", [output.element_handle(), before])


def selected(page) -> tuple[int, int]:
    """The focused dropdown's selected index and number of options."""
    return tuple(page.evaluate("() => [document.activeElement.selectedIndex, document.activeElement.options.length]"))


def press_until(page, key: str, wanted, what: str, limit: int = 12) -> dict:
    """Press key until where-focus-is satisfies wanted; fail after limit presses."""
    for _ in range(limit):
        page.keyboard.press(key)
        now = where(page)
        if now and wanted(now):
            return now
    raise AssertionError(f"{key} never reached {what}")


def test_keyboard_tests_cover_every_page_with_widgets_animations_or_quizzes(site: Path) -> None:
    """The page lists these tests run on are exactly the built pages with widgets, Play buttons, quizzes."""
    html = {path: (site / path).read_text(encoding="utf-8") for path in PAGES}
    state = {  # the widget state load-widgets.js fetches
        path: "".join((site / path).parent.joinpath(src).read_text(encoding="utf-8")
                      for src in re.findall(r'widget-state\+json"[^>]*data-src="([^"]+)"', html[path]))
        for path in PAGES
    }
    assert WIDGET_PAGES == [path for path in PAGES if WIDGET_MIME in html[path]]
    assert ANIMATION_PAGES == [path for path in PAGES if '"PlayModel"' in html[path] + state[path]]
    assert QUIZ_PAGES == [path for path in PAGES if "MCButton" in html[path]]
    assert WIDGET_PAGES and ANIMATION_PAGES and QUIZ_PAGES


@pytest.mark.browser
@pytest.mark.parametrize("path", WIDGET_PAGES)
def test_every_widget_dropdown_works_from_the_keyboard(browser, site_url: str, path: str) -> None:
    """Tab reaches every widget's principal dropdown, focus shows, and the arrow keys switch the view."""
    seen = visit(browser, f"{site_url}/{path}")
    page = seen.page
    count = page.locator(WIDGET_OUTPUT).count()
    assert count >= 1
    switched = set()
    for stop in tab_stops(page):
        widget = stop["widget"]
        if not stop["principal"] or widget in switched:
            continue
        assert_focus_visible(page, f"widget {widget}'s dropdown")
        index, options = selected(page)
        assert options >= 2, f"widget {widget}'s dropdown has one option"
        forward, back = ("ArrowDown", "ArrowUp") if index < options - 1 else ("ArrowUp", "ArrowDown")
        before = seen.shown(widget)
        page.keyboard.press(forward)
        assert selected(page)[0] != index, f"{forward} did not change widget {widget}'s dropdown"
        seen.wait_shown(widget, before)
        page.keyboard.press(back)
        assert selected(page)[0] == index
        seen.wait_shown(widget, before, changed=False)
        switched.add(widget)
        if len(switched) == count:
            break  # no need to tab through the rest of the page
    assert sorted(switched) == list(range(count)), "Tab did not reach every widget's dropdown"
    assert seen.errors == [] and seen.failed == [] and seen.outside == []
    seen.page.close()


@pytest.mark.browser
@pytest.mark.parametrize("path", ANIMATION_PAGES)
def test_every_animation_plays_from_the_keyboard(browser, site_url: str, path: str) -> None:
    """For every option of every animation: Tab to Play, start it (Space or Enter) and the frame
    advances; Stop returns to the first frame; the slider handle steps with the arrow keys."""
    seen = visit(browser, f"{site_url}/{path}")
    page = seen.page
    outputs = page.locator(WIDGET_OUTPUT)
    animations = [i for i in range(outputs.count()) if outputs.nth(i).locator(".widget-play").count()]
    assert animations
    played = set()
    for stop in tab_stops(page):
        widget = stop["widget"]
        if not (stop["principal"] and stop["animated"]) or widget in played:
            continue
        output = outputs.nth(widget)
        readout = output.locator(".widget-slider:visible .widget-readout")
        index, options = selected(page)
        for option in range(options):
            for _ in range(abs(option - index)):
                page.keyboard.press("ArrowDown" if option > index else "ArrowUp")
            index = selected(page)[0]
            assert index == option, f"the arrow keys did not reach option {option} of widget {widget}"
            start, stop_key = ("Space", "Enter") if option % 2 == 0 else ("Enter", "Space")
            on = f"widget {widget}, option {option}"
            play = press_until(page, "Tab", lambda w: w["widget"] == widget and w["control"] == "play", f"Play ({on})")
            assert play["name"] == "Play", f"the Play button is named {play['name']!r} ({on})"
            assert_focus_visible(page, f"Play ({on})")
            assert readout.inner_text() == "0"
            first_frame = output.evaluate(FRAME_JS)
            page.keyboard.press(start)
            wait_until(seen, "() => document.activeElement.getAttribute('aria-label') === 'Pause'")  # Play became Pause
            wait_until(seen, "readout => readout.innerText !== '0'", readout.element_handle())
            wait_frame(seen, output, first_frame)
            stop_button = press_until(page, "Tab", lambda w: w["control"] == "stop", f"Stop ({on})", limit=1)
            assert stop_button["name"] == "Stop"
            page.keyboard.press(stop_key)
            wait_until(seen, "readout => readout.innerText === '0'", readout.element_handle())
            wait_until(seen, "e => e.previousElementSibling.getAttribute('aria-label') === 'Play'",
                       page.evaluate_handle("document.activeElement"))
            press_until(page, "Tab", lambda w: w["widget"] == widget and w["control"] == "slider", f"the slider ({on})")
            assert_focus_visible(page, f"slider handle ({on})")
            page.keyboard.press("ArrowRight")
            wait_until(seen, "readout => readout.innerText !== '0'", readout.element_handle())
            wait_frame(seen, output, first_frame)
            page.keyboard.press("ArrowLeft")
            wait_until(seen, "readout => readout.innerText === '0'", readout.element_handle())
            wait_frame(seen, output, first_frame, changed=False)
            press_until(page, "Shift+Tab", lambda w: w["widget"] == widget and w["principal"], f"the dropdown ({on})")
        played.add(widget)
        if len(played) == len(animations):
            break
    assert sorted(played) == animations, "Tab did not reach every animation"
    assert seen.errors == []
    seen.page.close()


#: The focused numeric field's state after Enter: its marks, its question's feedback, and whether it kept focus.
NUMERIC_STATE_JS = """() => {
  const field = document.activeElement;
  if (!field.matches("input.Input-text")) return {kept: false};
  const feedback = field.closest(".Quiz").querySelector(".Feedback");
  return {kept: true, marks: [...field.classList], feedback: [...feedback.classList],
          says: feedback.innerText, role: feedback.getAttribute("role"), named: field.labels.length > 0};
}"""


def answer_numeric_from_the_keyboard(page, question: int) -> list[bool]:
    """In the focused numeric field, type a wrong number and Enter, then a right one and Enter: each is
    marked and announced, and focus stays in the field throughout."""
    wrong_then_right = numeric_answers(page.locator(".Quiz .Answer").nth(question))[::-1]
    verdicts = []
    for number, right in zip(wrong_then_right, (False, True)):
        page.keyboard.press("Control+A")
        page.keyboard.press("Backspace")
        page.keyboard.type(number)
        page.keyboard.press("Enter")
        state = page.evaluate(NUMERIC_STATE_JS)
        assert state["kept"], f"question {question}: Enter took focus out of the field"
        assert state["named"], f"question {question}: the field has no label"
        assert ("correctButton" in state["marks"]) == right and ("incorrectButton" in state["marks"]) != right
        assert ("correct" in state["feedback"]) == right and ("incorrect" in state["feedback"]) != right
        assert state["says"] and state["role"] == "status"
        verdicts.append(right)
    return verdicts


@pytest.mark.browser
@pytest.mark.parametrize("path", QUIZ_PAGES)
def test_every_quiz_answers_from_the_keyboard(browser, site_url: str, path: str) -> None:
    """Tab reaches each question's answers (a radio group), focus shows on the answer, Space picks
    it and the arrow keys pick the others: right answers are accepted, wrong ones rejected. A numeric
    question's field takes a typed number and Enter, and keeps focus."""
    seen = visit(browser, f"{site_url}/{path}")
    page = seen.page
    count = page.locator(".Quiz .Answer").count()
    assert count >= 2
    answered = {}
    for stop in tab_stops(page):
        question = stop["question"]
        if question < 0 or question in answered:
            continue
        assert_focus_visible(page, f"question {question}'s first answer")
        if page.locator(".Quiz .Answer").nth(question).locator(NUMERIC_INPUT).count():
            answered[question] = answer_numeric_from_the_keyboard(page, question)
            if len(answered) == count:
                break
            continue
        verdicts = []
        answers = page.locator(".Quiz .Answer").nth(question).locator(".MCButton").count()
        for key in ["Space"] + ["ArrowDown"] * (answers - 1):
            page.keyboard.press(key)
            answer = page.evaluate("""() => {
              const label = document.activeElement.closest(".MCButton");
              const feedback = label.closest(".Quiz").querySelector(".Feedback");
              return {correct: label.dataset.correct, marks: [...label.classList], feedback: [...feedback.classList],
                      says: feedback.innerText, expected: label.dataset.feedback, checked: document.activeElement.checked,
                      role: feedback.getAttribute("role")};
            }""")
            right = answer["correct"] == "true"
            assert answer["checked"], f"question {question}: {key} did not pick the focused answer"
            assert ("correctButton" in answer["marks"]) == right and ("incorrectButton" in answer["marks"]) != right
            assert ("correct" in answer["feedback"]) == right and ("incorrect" in answer["feedback"]) != right
            assert answer["says"] == answer["expected"]
            assert answer["role"] == "status", "the feedback is not announced to screen readers"
            verdicts.append(right)
        assert True in verdicts and False in verdicts
        answered[question] = verdicts
        if len(answered) == count:
            break
    assert sorted(answered) == list(range(count)), "Tab did not reach every question"
    assert seen.errors == []
    seen.page.close()


@pytest.mark.browser
def test_focus_check_catches_a_control_without_focus_style(browser, site_url: str) -> None:
    """The focus check can fail: a dropdown whose focus style is stripped has no visible focus."""
    seen = visit(browser, f"{site_url}/{WIDGET_PAGES[0]}")
    page = seen.page
    page.add_style_tag(content="select:focus, select:focus-visible { outline: none !important; box-shadow: none !important; }")
    stop = next(stop for stop in tab_stops(page) if stop["principal"])
    assert stop["widget"] == 0
    with pytest.raises(AssertionError, match="focus is not visible"):
        assert_focus_visible(page, "a stripped dropdown")
    seen.page.close()
