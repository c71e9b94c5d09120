"""Tests of widgets.drills: every answer against its formula written out here in exact arithmetic, the quiz
format against jupyterquiz's own checking script, published figures, properties of the small model functions.

Conventions the formulas below use, each stated in the drills' prompts:
* a day is 86,400 s and the decimal prefixes k = 10³, M = 10⁶, G = 10⁹, T = 10¹², P = 10¹⁵: BIPM, "The International
  System of Units (SI)", 9th edition (2019), Table 7 (prefixes) and Table 8 (the day, d = 86 400 s);
* a byte is 8 bits: IEC 80000-13:2008, "Quantities and units, Part 13: Information science and technology"
  (the byte, 1 B = 8 bit);
* a year is 365.25 days: the Julian year of the IAU (Wilkins, "The IAU Style Manual", 1989);
* whole units are ceil(load / (capacity × utilisation)), as ``capacity.estimate`` rounds its hosts (chapter 2).

Published figures:
* Sinha and Chopra (2024), "System Design Guide for Software Professionals", Packt, ch. 9 (URL shortener,
  "Estimates and calculations"): 100 M URLs a day for 10 years of 365 days is 365 B URLs; 62^6 = 56 B is too
  few, 62^7 = 3.5 T is enough, so a key has 7 base-62 characters.
* Hoff (2013), "The Architecture Twitter Uses to Deal with 150M Active Users, 300K QPS, a 22 MB/S Firehose, and
  Send Tweets in Under 5 Seconds", High Scalability, 8 July 2013 (Krikorian's "Timelines at Scale" talk): a
  tweet could take up to 5 minutes to reach Lady Gaga's 31 million followers.
* jupyterquiz 2.9.6.4's README, "Numerical Questions": a range answer is [A, B), A included and B not; the
  first answer whose value or range holds the typed number gives the feedback; "default" gives it otherwise.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import jupyterquiz
from conftest import ROOT
from widgets import drills, quizzes

DAY = 86_400                  # s (SI Brochure, Table 8)
YEAR = Fraction("365.25")     # days (the Julian year)
BITS = 8                      # bits a byte (IEC 80000-13)
DRILLS = {d.id: d for d in drills.drills()}


def ceil(x: Fraction) -> int:
    return math.ceil(x)  # exact for a Fraction


# For each drill: its answer written out from its inputs (exact rationals: Fraction(str(x)) is the decimal
# the prompt prints), and the conventions its prompt must state for a reader to reach that answer.
PER_DAY, PER_YEAR, DECIMAL, PER_BIT, UP = "86,400 s", "365.25 days", "1 GB = 10⁹ bytes", "A byte is 8 bits", "Round up"
FORMULAS = {
    "url_new_links_per_second": (lambda v: v.daily_active_users * v.links_per_user_per_day / DAY, (PER_DAY,)),
    "url_peak_redirects": (lambda v: v.daily_active_users * v.redirects_per_user_per_day / DAY * v.peak_factor,
                           (PER_DAY, "peak factor")),
    "url_storage_5_years": (lambda v: v.daily_active_users * v.links_per_user_per_day * v.bytes_per_link
                            * v.replication_factor * v.years * YEAR / 10**12, (PER_YEAR, DECIMAL, "1 TB = 10¹² bytes")),
    "url_key_length": (lambda v: math.ceil(math.log(ceil(v.daily_active_users * v.links_per_user_per_day * v.years
                                                         * YEAR)) / math.log(v.alphabet_size)), (PER_YEAR, UP)),
    "url_cache_memory": (lambda v: v.daily_active_users * v.redirects_per_user_per_day * v.hot_percent / 100
                         * v.bytes_per_link / 10**9, (DECIMAL,)),
    "feed_peak_posts": (lambda v: v.daily_active_users * v.posts_per_user_per_day / DAY * v.peak_factor,
                        (PER_DAY, "peak factor")),
    "feed_fanout_writes": (lambda v: v.daily_active_users * v.posts_per_user_per_day / DAY * v.peak_factor
                           * v.mean_followers, (PER_DAY, "peak factor")),
    "feed_celebrity_fanout_seconds": (lambda v: v.followers / v.inserts_per_second, ()),
    "feed_read_servers": (lambda v: ceil(v.daily_active_users * v.feed_reads_per_user_per_day / DAY * v.peak_factor
                                         / (v.reads_per_server * v.target_utilization)), (PER_DAY, UP)),
    "feed_timeline_cache": (lambda v: v.daily_active_users * v.ids_per_timeline * v.bytes_per_id / 10**9, (DECIMAL,)),
    "chat_peak_messages": (lambda v: v.daily_active_users * v.messages_per_user_per_day / DAY * v.peak_factor,
                           (PER_DAY, "peak factor")),
    "chat_storage_1_year": (lambda v: v.daily_active_users * v.messages_per_user_per_day * v.bytes_per_message
                            * v.replication_factor * YEAR / 10**15, (PER_YEAR, "1 PB = 10¹⁵ bytes")),
    "chat_gateway_hosts": (lambda v: ceil(v.daily_active_users * v.online_percent / 100
                                          / (v.connections_per_gateway * v.target_utilization)), (UP,)),
    "chat_message_shards": (lambda v: ceil(v.daily_active_users * v.messages_per_user_per_day / DAY * v.peak_factor
                                           / (v.writes_per_shard * v.target_utilization)), (PER_DAY, UP)),
    "notification_peak_bandwidth": (lambda v: v.daily_active_users * v.pushes_per_user_per_day / DAY * v.peak_factor
                                    * v.bytes_per_push * BITS / 10**6, (PER_DAY, PER_BIT, "1 Mbit/s = 10⁶ bit/s")),
    "general_read_replicas": (lambda v: ceil(v.daily_active_users * v.page_views_per_user_per_day
                                             * v.reads_per_page_view / DAY * v.peak_factor
                                             / (v.reads_per_replica * v.target_utilization)), (PER_DAY, UP)),
    "general_storage_shards": (lambda v: ceil(v.dataset_bytes / (v.disk_bytes_per_shard * v.fill_fraction)),
                               ("1 TB = 10¹² bytes", UP)),
    "general_image_bandwidth": (lambda v: v.daily_active_users * v.images_per_user_per_day / DAY * v.peak_factor
                                * v.bytes_per_image * BITS / 10**9, (PER_DAY, PER_BIT, "1 Gbit/s = 10⁹ bit/s")),
    "general_origin_requests": (lambda v: v.daily_active_users * v.images_per_user_per_day / DAY * v.peak_factor
                                * (1 - v.hit_ratio), (PER_DAY, "peak factor")),
}


class Exact:
    """A drill's inputs as attributes, each the exact rational of the decimal the prompt prints."""

    def __init__(self, inputs) -> None:
        self.__dict__.update({name: Fraction(str(value)) for name, value in inputs.items()})


def printed(x: float) -> str:
    """An input as a reader sees it in a prompt: whole numbers with thousands commas, others as written."""
    return f"{int(x):,}" if float(x).is_integer() else f"{x:g}"


# --------------------------------------------------------------------------
# The drills and their answers
# --------------------------------------------------------------------------


def test_enough_drills_over_every_interview() -> None:
    assert len(DRILLS) == len(drills.drills()) >= 12  # ids are unique
    for interview in drills.INTERVIEWS:
        assert len(drills.drills(interview)) >= 3
    assert drills.INTERVIEWS[:3] == ("url_shortener", "news_feed", "chat")
    assert [d for i in drills.INTERVIEWS for d in drills.drills(i)] == sorted(
        drills.drills(), key=lambda d: drills.INTERVIEWS.index(d.interview))


def test_every_drill_has_a_short_label_of_its_own() -> None:
    labels = [d.label for d in drills.drills()]
    assert all(0 < len(label) <= 60 and not label.endswith((".", "?")) for label in labels)
    assert len(set(labels)) == len(labels)


def test_every_drill_has_its_formula_here() -> None:
    assert set(FORMULAS) == set(DRILLS)


@pytest.mark.parametrize("drill_id", list(FORMULAS))
def test_answer_is_the_formula_written_out(drill_id: str) -> None:
    drill, (formula, _) = DRILLS[drill_id], FORMULAS[drill_id]
    expected = formula(Exact(drill.inputs))
    if drill.whole:
        assert drill.answer == expected and isinstance(expected, int)
    else:
        assert math.isclose(drill.answer, expected, rel_tol=1e-12)


@pytest.mark.parametrize("drill_id", list(FORMULAS))
def test_prompt_states_every_input_and_its_conventions(drill_id: str) -> None:
    drill, (_, conventions) = DRILLS[drill_id], FORMULAS[drill_id]
    for name, value in drill.inputs.items():
        assert printed(value) in drill.prompt, name
    for convention in conventions:
        assert convention in drill.prompt
    assert drill.prompt.endswith(f"Answer in {drill.unit}.")


@pytest.mark.parametrize("drill_id", list(FORMULAS))
def test_explanation_shows_the_inputs_and_the_rounded_answer(drill_id: str) -> None:
    drill = DRILLS[drill_id]
    rounded = f"{drill.answer:,.{drill.decimals}f}"
    assert f"{rounded} {drill.unit}" in drill.explanation
    assert abs(float(rounded.replace(",", "")) - drill.answer) <= drill.tolerance * drill.answer
    for name, value in drill.inputs.items():
        assert printed(value) in drill.explanation, name


def test_tolerances_are_positive_and_a_whole_answer_has_one_whole_number() -> None:
    for drill in DRILLS.values():
        low, high = drill.accepted(drill.answer)
        assert drill.tolerance > 0 and low < drill.answer < high
        if drill.whole:
            assert drill.answer == int(drill.answer) >= 1
            assert [n for n in range(math.floor(low), math.ceil(high) + 1) if low <= n < high] == [drill.answer]
        else:
            assert (low, high) == pytest.approx((0.95 * drill.answer, 1.05 * drill.answer), rel=1e-12)


def test_every_slip_lies_outside_the_right_range_and_the_other_slips() -> None:
    slips = 0
    for drill in DRILLS.values():
        ranges = [drill.accepted(drill.answer), *(drill.accepted(p.value) for p in drill.pitfalls)]
        ranges.sort()
        assert all(a[1] <= b[0] for a, b in zip(ranges, ranges[1:])), drill.id
        slips += len(drill.pitfalls)
    assert slips >= len(DRILLS)


def test_drills_are_deterministic_across_processes() -> None:
    """The same JSON in this process and in two fresh interpreters with different hash seeds."""
    script = "import json; from widgets.drills import quiz_items; print(json.dumps(quiz_items()))"
    runs = [subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT,
                           env={**os.environ, "PYTHONHASHSEED": seed}).stdout for seed in ("1", "2")]
    assert runs[0] == runs[1] == json.dumps(drills.quiz_items()) + "\n"
    assert drills.drills() == drills.drills()


def test_interview_filter_partitions_the_drills() -> None:
    parts = [drills.drills(i) for i in drills.INTERVIEWS]
    assert sorted(d.id for part in parts for d in part) == sorted(DRILLS)
    assert all(d.interview == i for i, part in zip(drills.INTERVIEWS, parts) for d in part)
    assert len(drills.quiz_items("chat")) == len(drills.drills("chat"))


# --------------------------------------------------------------------------
# Published figures
# --------------------------------------------------------------------------


def test_key_length_matches_the_published_url_shortener() -> None:
    """Sinha and Chopra (2024), ch. 9: 365 B URLs; 62^6 = 56 B is too few, 62^7 = 3.5 T is enough: 7 characters."""
    urls = 100e6 * 365 * 10
    assert urls == 365e9
    assert round(62**6 / 1e9) == 57 and round(62**7 / 1e12, 1) == 3.5  # "56 B" truncated, "3.5 T"
    assert drills.key_length(urls) == 7
    assert drills.key_length(62**6) == 6 and drills.key_length(62**6 + 1) == 7


def test_the_celebrity_drill_is_of_the_published_order() -> None:
    """Hoff (2013): up to 5 minutes for a tweet to reach Lady Gaga's 31 million followers."""
    drill = DRILLS["feed_celebrity_fanout_seconds"]
    assert drill.inputs["followers"] == 31_000_000
    assert drill.answer == pytest.approx(5 * 60, rel=0.05)
    assert "5 minutes" in drill.explanation and "31 million" in drill.explanation


# --------------------------------------------------------------------------
# The small model functions
# --------------------------------------------------------------------------


@given(keys=st.integers(1, 10**15), alphabet=st.integers(2, 100))
def test_key_length_is_the_shortest_that_fits(keys: int, alphabet: int) -> None:
    n = drills.key_length(keys, alphabet)
    assert alphabet**n >= keys and (n == 1 or alphabet ** (n - 1) < keys)


@given(load=st.floats(0, 1e12), capacity=st.floats(1e-3, 1e9), utilization=st.integers(1, 100))
def test_units_needed_carry_the_load_and_one_fewer_do_not(load: float, capacity: float, utilization: int) -> None:
    u = utilization / 100
    n = drills.units_needed(load, capacity, u)
    assert n >= 1 if load > 0 else n == 0
    assert n * capacity * u >= load * (1 - 1e-9)
    assert load == 0 or (n - 1) * capacity * u < load * (1 + 1e-9)


def test_units_needed_agrees_with_the_capacity_models_hosts() -> None:
    from widgets import capacity
    for peak, per_host, u in [(80_000, 1_500, 0.6), (694_444.44, 20_000, 0.7), (1e-9, 1.0, 1.0), (100.0, 1.0, 1.0)]:
        hosts = capacity.estimate(peak * 86_400, 1, per_host_qps=per_host, target_utilization=u).hosts
        assert drills.units_needed(peak, per_host, u) == hosts


@given(rate=st.floats(0, 1e9), size=st.floats(0, 1e9), share=st.floats(0, 1))
def test_linear_quantities_are_their_closed_forms(rate: float, size: float, share: float) -> None:
    assert drills.bandwidth_bits_per_second(rate, size) == pytest.approx(8 * rate * size)
    assert drills.hot_set_bytes(rate, size, share) == pytest.approx(rate * share * size)
    assert drills.misses_per_second(rate, share) + rate * share == pytest.approx(rate)
    assert drills.fanout_writes(rate, size) == pytest.approx(rate * size)
    if size > 0:
        assert drills.drain_seconds(rate * size, size) == pytest.approx(rate)


BAD_INPUT = [
    (drills.hot_set_bytes, {"items": -1, "bytes_per_item": 1}, "items must be"),
    (drills.hot_set_bytes, {"items": 1, "bytes_per_item": float("nan")}, "bytes_per_item must be"),
    (drills.hot_set_bytes, {"items": 1, "bytes_per_item": 1, "hot_fraction": 1.5}, "hot_fraction must be"),
    (drills.bandwidth_bits_per_second, {"requests_per_second": -1, "bytes_per_request": 1}, "requests_per_second must"),
    (drills.bandwidth_bits_per_second, {"requests_per_second": 1, "bytes_per_request": math.inf}, "bytes_per_request"),
    (drills.units_needed, {"load": -1, "capacity_per_unit": 1}, "load must be"),
    (drills.units_needed, {"load": 1, "capacity_per_unit": 0}, "capacity_per_unit must be"),
    (drills.units_needed, {"load": 1, "capacity_per_unit": 1, "target_utilization": 0}, "target_utilization must be"),
    (drills.key_length, {"keys": 0}, "keys must be"),
    (drills.key_length, {"keys": 10, "alphabet_size": 1}, "alphabet_size must be"),
    (drills.key_length, {"keys": 10, "alphabet_size": 62.0}, "alphabet_size must be"),
    (drills.misses_per_second, {"requests_per_second": -5, "hit_ratio": 0.5}, "requests_per_second must be"),
    (drills.misses_per_second, {"requests_per_second": 5, "hit_ratio": 1.2}, "hit_ratio must be"),
    (drills.fanout_writes, {"posts_per_second": -1, "mean_followers": 1}, "posts_per_second must be"),
    (drills.fanout_writes, {"posts_per_second": 1, "mean_followers": True}, "mean_followers must be"),
    (drills.drain_seconds, {"items": "many", "items_per_second": 1}, "items must be"),
    (drills.drain_seconds, {"items": 1, "items_per_second": 0}, "items_per_second must be"),
    (drills.drills, {"interview": "dating_app"}, "interview must be one of"),
    (drills.quiz_items, {"interview": 3}, "interview must be one of"),
    (drills.write_quiz, {"path": "drills.txt"}, "path must be"),
    (drills.write_quiz, {"path": 5}, "path must be"),
    (drills.write_quiz, {"path": "/no/such/folder/drills.json"}, "path must be"),
    (drills.write_quiz, {"path": "drills.json", "interview": "dating_app"}, "interview must be one of"),
]


@pytest.mark.parametrize("function, kwargs, message", BAD_INPUT,
                         ids=[f"{f.__name__}-{'-'.join(k)}" for f, k, _ in BAD_INPUT])
def test_bad_input_is_a_value_error_naming_the_parameter(function, kwargs, message, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)  # a relative path that is accepted would land here, not in the repository
    with pytest.raises(ValueError, match=message):
        function(**kwargs)
    assert list(tmp_path.iterdir()) == []


# --------------------------------------------------------------------------
# The quiz: jupyterquiz's numeric format
# --------------------------------------------------------------------------


def test_quiz_json_round_trips(tmp_path: Path) -> None:
    path = drills.write_quiz(tmp_path / "drills.json")
    text = path.read_text(encoding="utf-8")
    assert json.loads(text) == drills.quiz_items()
    assert text == json.dumps(drills.quiz_items(), ensure_ascii=False, indent=1) + "\n"
    assert "×" in text and "\\u00d7" not in text  # ensure_ascii=False: the signs stay readable in the file


@pytest.mark.parametrize("drill_id", list(FORMULAS))
def test_quiz_item_has_a_correct_range_holding_the_answer(drill_id: str) -> None:
    drill = DRILLS[drill_id]
    (item,) = [i for i in drills.quiz_items() if i["question"].startswith(drill.prompt)]
    assert item["type"] == "numeric" and "precision" not in item
    right = [a for a in item["answers"] if a.get("correct")]
    assert len(right) == 1 and right[0] is item["answers"][0] and right[0]["type"] == "range"
    low, high = right[0]["range"]
    assert low <= drill.answer < high  # jupyterquiz's ranges are [A, B)
    if not drill.whole:
        tol = drill.tolerance
        assert (low, high) == pytest.approx((drill.answer * (1 - tol), drill.answer * (1 + tol)))
    assert drill.explanation in right[0]["feedback"]
    *slips, default = item["answers"][1:]
    assert default["type"] == "default" and drill.explanation in default["feedback"]
    assert [(a["type"], a["correct"]) for a in slips] == [("range", False)] * len(drill.pitfalls)
    for answer in item["answers"]:  # the shape widgets.quizzes and tests/test_quizzes.py read
        assert answer["feedback"] and "correct" in answer
    texts = [item["question"], *(a["feedback"] for a in item["answers"])]
    # jupyterquiz's jaxify turns $ into maths and [a](b) into a link, and sets the text as innerHTML.
    assert not any(bad in t for t in texts for bad in ("$", "<", ">", "&", "]("))


def _run_jupyterquiz(cases: list[dict]) -> list[dict]:
    """jupyterquiz's own check_numeric (helpers.js + numeric.js) under Node, on minimal DOM stand-ins."""
    node = shutil.which("node")
    assert node, "Node.js is needed (the Makefile's `npm ci` needs it too)"
    js = Path(jupyterquiz.__file__).parent / "js"
    driver = """
    console.log = () => {};
    let fb;
    const document = {getElementById: (id) => (id.startsWith("fb") ? fb : null)};
    const results = [];
    for (const c of JSON.parse(require("fs").readFileSync(0, "utf8"))) {
        fb = {style: {}, innerHTML: "", className: "", classList: {add() {}},
              parentElement: {parentElement: {id: "outer"}}};
        const input = {id: "q-0", value: c.typed, dataset: {answers: JSON.stringify(c.answers)}, blur() {},
                       classes: [], classList: {add(name) { input.classes.push(name); }}, closest: () => null};
        check_numeric(input, {keyCode: 13});
        results.push({correct: input.classes.includes("correctButton"), feedback: fb.innerHTML});
    }
    process.stdout.write(JSON.stringify(results));
    """
    source = "\n".join((js / name).read_text(encoding="utf-8") for name in ("helpers.js", "numeric.js")) + driver
    out = subprocess.run([node, "-e", source], input=json.dumps(cases), capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def test_jupyterquiz_marks_the_answers_as_intended() -> None:
    """Typed as a reader would (no commas): the rounded answer is right, a slip gets its hint, a number far off
    gets the arithmetic."""
    cases, expected = [], []
    for drill, item in zip(drills.drills(), drills.quiz_items()):
        answers = item["answers"]
        cases.append({"answers": answers, "typed": drill.answer_text.replace(",", "")})
        expected.append({"correct": True, "feedback": answers[0]["feedback"]})
        for pitfall, answer in zip(drill.pitfalls, answers[1:]):
            cases.append({"answers": answers, "typed": f"{pitfall.value:.6g}"})
            expected.append({"correct": False, "feedback": answer["feedback"]})
        for far in (drill.answer * 2.5, drill.answer / 2.5 + 1e-9, -1):
            cases.append({"answers": answers, "typed": f"{far:.6g}"})
            expected.append({"correct": False, "feedback": answers[-1]["feedback"]})
    assert len(cases) > 4 * len(DRILLS)
    assert _run_jupyterquiz(cases) == expected


def test_the_course_quiz_viewer_shows_the_items(tmp_path: Path, monkeypatch) -> None:
    """widgets.quizzes loads and shows a drills file as it is: questions() accepts it, show() renders it."""
    from IPython.core.interactiveshell import InteractiveShell
    from IPython.utils.capture import capture_output

    monkeypatch.setattr(quizzes.model, "QUIZZES", tmp_path)
    drills.write_quiz(tmp_path / "07_drills.json")
    quizzes.model.questions.cache_clear()
    try:
        assert list(quizzes.model.questions("07_drills")) == drills.quiz_items()
        InteractiveShell.instance()
        with capture_output() as captured:
            quizzes.show("07_drills")
    finally:
        quizzes.model.questions.cache_clear()
    scripts = "".join(o.data.get("application/javascript", "") for o in captured.outputs)
    assert scripts.count('"type": "numeric"') == len(DRILLS)


def test_stored_drills_are_the_models() -> None:
    """Chapter 7's stored drills are exactly what the model generates now, answers included (a stale or
    hand-edited file fails), and no other quiz stores a numeric question the model does not generate."""
    generated = drills.quiz_items()
    stored = json.loads((ROOT / "widgets" / "quizzes" / "07_drills.json").read_text(encoding="utf-8"))
    assert len(stored) >= 10 and stored == generated
    others = [item for path in sorted((ROOT / "widgets" / "quizzes").glob("*.json")) if path.stem != "07_drills"
              for item in json.loads(path.read_text(encoding="utf-8")) if item.get("type") == "numeric"]
    assert [item for item in others if item not in generated] == []
