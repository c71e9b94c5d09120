"""Lighthouse (npm, pinned) on the landing page and the heaviest chapter: performance >= 90, accessibility >= 95.

Lighthouse's defaults: a mid-range phone (Moto G Power) on simulated slow 4G (150 ms round trip,
1.6 Mbit/s down). The site is served as a static host serves it (gzip, see conftest.StaticHost).
Each page is measured three times and the median score is checked, as Lighthouse's documentation
advises for run-to-run variance. Reports go to `_build/lighthouse/`.

The phone's CPU is calibrated, as Lighthouse's docs/throttling.md ("Calibrating the CPU slowdown")
advises. By default Lighthouse slows whatever machine runs it by a fixed 4x, so a busy machine
emulates a slower phone and fails a page that has not changed. Here every run emulates the same
phone, of BenchmarkIndex :data:`PHONE_BENCHMARK_INDEX`: Lighthouse gathers the page (its simulated
throttling loads it unthrottled and measures the machine with its CPU benchmark as it does), and the
audits then run with the slowdown that makes the machine, as busy as it was, that phone.

That calibration holds only while the machine stays as busy as it was when Lighthouse benchmarked it.
Load that arrives in the middle of a run slows the page without changing the slowdown, and the score
drops for a page that has not changed. So Lighthouse's own benchmark (its BenchmarkIndex function, run
in Node, the median of :data:`SAMPLES` calls) is taken just before and just after each gather, and a run
across which it moved by more than :data:`STEADY` is set aside and the page measured again, up to
:data:`ATTEMPTS` runs in all. The median of the first :data:`RUNS` steady runs is judged.

A shared virtual machine's speed can wander by itself: on one here, idle, 50 benchmark calls in a row ranged
from 844 to 1,462, and half the runs of a page moved by more than 30 % between before and after. Failing
then would fail a page for the machine's sake, so if fewer than RUNS runs were steady, the median of all
ATTEMPTS runs is judged instead: a load that comes and goes cannot move the median of eight runs unless it
slows most of them. Each page's summary says which way it was judged.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import tempfile
from pathlib import Path

import pytest

from conftest import CHROMIUM_ARGS, ROOT
from test_site import TOC_FILES

LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
PAGE_FUNCTIONS = ROOT / "node_modules" / "lighthouse" / "core" / "lib" / "page-functions.js"
REPORTS = ROOT / "_build" / "lighthouse"
RUNS = 3
#: The largest relative change of the machine's speed across one run that still lets the run be judged.
STEADY = 0.3
#: Benchmark calls whose median is one reading of the machine's speed.
SAMPLES = 3
#: Runs per page at most, judged or not.
ATTEMPTS = 8
MINIMUM = {"performance": 0.90, "accessibility": 0.95}
#: The emulated phone's CPU as Lighthouse's BenchmarkIndex: near the top of the mid-tier mobile bracket
#: (125-800) of Lighthouse's docs/throttling.md. Lighthouse's default 4x makes this of the 2-core machine
#: the course is built on, idle (index about 3,000).
PHONE_BENCHMARK_INDEX = 750


def heaviest_chapter(site: Path) -> str:
    """The chapter page with the most bytes to fetch: its HTML and its widget state."""
    chapters = [f"{name}.html" for name in TOC_FILES if name.startswith("chapters/")]
    return max(chapters, key=lambda page: sum(f.stat().st_size for f in site.glob(page.replace(".html", ".*"))))


def machine_speed() -> float:
    """Lighthouse's CPU benchmark (the function behind BenchmarkIndex) run SAMPLES times in Node now: the median."""
    script = f"import {{pageFunctions}} from '{PAGE_FUNCTIONS.as_uri()}';" \
             f"for (let i = 0; i < {SAMPLES}; i++) console.log(pageFunctions.computeBenchmarkIndex());"
    result = subprocess.run(["node", "--input-type=module", "-e", script],
                            capture_output=True, text=True, check=True, timeout=60)
    return statistics.median(float(line) for line in result.stdout.split())


def lighthouse(chromium: str, url: str, report: Path) -> dict:
    """One calibrated Lighthouse run of url: the score of each category in MINIMUM (0 to 1), and the
    run's BenchmarkIndex and CPU slowdown, the machine's speed before and after, and whether it was steady."""
    common = [str(LIGHTHOUSE), url, f"--only-categories={','.join(MINIMUM)}", "--quiet"]
    with tempfile.TemporaryDirectory() as gathered:
        before = machine_speed()
        subprocess.run([*common, f"--chrome-path={chromium}", f"--chrome-flags={' '.join(CHROMIUM_ARGS)}",
                        f"--gather-mode={gathered}"], check=True, timeout=180)
        after = machine_speed()
        artifacts_file = Path(gathered) / "artifacts.json"
        artifacts = json.loads(artifacts_file.read_text(encoding="utf-8"))
        slowdown = round(max(1.0, artifacts["BenchmarkIndex"] / PHONE_BENCHMARK_INDEX), 2)
        # The gathered settings must equal the audit's; simulated throttling used none while gathering.
        artifacts["settings"]["throttling"]["cpuSlowdownMultiplier"] = slowdown
        artifacts_file.write_text(json.dumps(artifacts), encoding="utf-8")
        subprocess.run([*common, f"--audit-mode={gathered}", f"--throttling.cpuSlowdownMultiplier={slowdown}",
                        "--output=json", f"--output-path={report}"], check=True, timeout=180)
    categories = json.loads(report.read_text(encoding="utf-8"))["categories"]
    return {**{name: categories[name]["score"] for name in MINIMUM},
            "benchmark index": artifacts["BenchmarkIndex"], "CPU slowdown": slowdown,
            "speed before and after": (before, after), "steady": abs(after / before - 1) <= STEADY}


def judged_runs(runs: list[dict]) -> list[dict]:
    """The runs a page is judged on: its steady runs if there are RUNS of them, else all of its runs."""
    steady = [run for run in runs if run["steady"]]
    return steady if len(steady) >= RUNS else runs


@pytest.mark.parametrize("steadiness, judged", [
    ([True, False, True, True], [0, 2, 3]),  # a run set aside, three steady
    ([False, True, False, False, True, False, False, True], [1, 4, 7]),
    ([False, True, False, False, True, False, False, False], list(range(8))),  # two steady of eight: all judged
])
def test_a_page_is_judged_on_its_steady_runs_or_else_on_all(steadiness: list[bool], judged: list[int]) -> None:
    runs = [{"run": index, "steady": steady} for index, steady in enumerate(steadiness)]
    assert [run["run"] for run in judged_runs(runs)] == judged


@pytest.mark.browser
@pytest.mark.parametrize("which", ["landing", "heaviest chapter"])
def test_lighthouse_scores(chromium: str, site: Path, site_url: str, which: str) -> None:
    if not LIGHTHOUSE.exists():
        pytest.fail("lighthouse is missing: run `make site` (it runs npm ci)")
    path = f"{TOC_FILES[0]}.html" if which == "landing" else heaviest_chapter(site)
    REPORTS.mkdir(parents=True, exist_ok=True)
    runs: list[dict] = []
    while sum(run["steady"] for run in runs) < RUNS and len(runs) < ATTEMPTS:
        runs.append(lighthouse(chromium, f"{site_url}/{path}", REPORTS / f"{Path(path).stem}-{len(runs) + 1}.json"))
    judged = judged_runs(runs)
    medians = {name: statistics.median(run[name] for run in judged) for name in MINIMUM}
    summary = f"{path}: " + ", ".join(f"{name} {[round(run[name] * 100) for run in judged]}" for name in MINIMUM)
    summary += "; " + ", ".join(f"{key} {[run[key] for run in judged]}" for key in ("benchmark index", "CPU slowdown", "speed before and after"))
    summary += f" (the phone: {PHONE_BENCHMARK_INDEX}); runs set aside as the machine's speed moved by over {STEADY:.0%}: "
    summary += str([run["speed before and after"] for run in runs if not run["steady"]] or "none")
    if len(judged) == len(runs) > RUNS:
        summary += f"; fewer than {RUNS} of {ATTEMPTS} runs were steady, so all {ATTEMPTS} are judged"
    (REPORTS / f"{Path(path).stem}-summary.txt").write_text(summary + "\n", encoding="utf-8")
    assert all(medians[name] >= MINIMUM[name] for name in MINIMUM), summary
