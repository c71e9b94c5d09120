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
in Node) is taken just before and just after each gather; a run across which it moved by more than
:data:`STEADY` is not judged but measured again, up to :data:`ATTEMPTS` runs in all.
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
STEADY = 0.2
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
    """Lighthouse's CPU benchmark (the function behind BenchmarkIndex), run once in Node now."""
    script = f"import {{pageFunctions}} from '{PAGE_FUNCTIONS.as_uri()}';" \
             "console.log(pageFunctions.computeBenchmarkIndex());"
    result = subprocess.run(["node", "--input-type=module", "-e", script],
                            capture_output=True, text=True, check=True, timeout=60)
    return float(result.stdout)


def lighthouse(chromium: str, url: str, report: Path) -> dict | None:
    """One calibrated Lighthouse run of url: the score of each category in MINIMUM (0 to 1), and the
    run's BenchmarkIndex and CPU slowdown; None if the machine's speed moved during the gather."""
    common = [str(LIGHTHOUSE), url, f"--only-categories={','.join(MINIMUM)}", "--quiet"]
    with tempfile.TemporaryDirectory() as gathered:
        before = machine_speed()
        subprocess.run([*common, f"--chrome-path={chromium}", f"--chrome-flags={' '.join(CHROMIUM_ARGS)}",
                        f"--gather-mode={gathered}"], check=True, timeout=180)
        after = machine_speed()
        if abs(after / before - 1) > STEADY:
            return None
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
            "speed before and after": (before, after)}


@pytest.mark.browser
@pytest.mark.parametrize("which", ["landing", "heaviest chapter"])
def test_lighthouse_scores(chromium: str, site: Path, site_url: str, which: str) -> None:
    if not LIGHTHOUSE.exists():
        pytest.fail("lighthouse is missing: run `make site` (it runs npm ci)")
    path = f"{TOC_FILES[0]}.html" if which == "landing" else heaviest_chapter(site)
    REPORTS.mkdir(parents=True, exist_ok=True)
    runs: list[dict] = []
    unsteady = 0
    while len(runs) < RUNS and len(runs) + unsteady < ATTEMPTS:
        run = lighthouse(chromium, f"{site_url}/{path}", REPORTS / f"{Path(path).stem}-{len(runs) + 1}.json")
        if run is None:
            unsteady += 1
        else:
            runs.append(run)
    if len(runs) < RUNS:
        pytest.fail(f"{path}: the machine's speed moved by more than {STEADY:.0%} during {unsteady} of "
                    f"{ATTEMPTS} runs, so only {len(runs)} could be judged; run Lighthouse on a steadier machine")
    medians = {name: statistics.median(run[name] for run in runs) for name in MINIMUM}
    summary = f"{path}: " + ", ".join(f"{name} {[round(run[name] * 100) for run in runs]}" for name in MINIMUM)
    summary += "; " + ", ".join(f"{key} {[run[key] for run in runs]}" for key in ("benchmark index", "CPU slowdown", "speed before and after"))
    summary += f" (the phone: {PHONE_BENCHMARK_INDEX}); runs measured again as the machine's speed moved: {unsteady}"
    (REPORTS / f"{Path(path).stem}-summary.txt").write_text(summary + "\n", encoding="utf-8")
    assert all(medians[name] >= MINIMUM[name] for name in MINIMUM), summary
