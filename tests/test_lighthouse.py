"""Lighthouse (npm, pinned) on the landing page and the heaviest chapter: performance >= 90, accessibility >= 95.

Lighthouse's defaults: a mid-range phone (Moto G Power), simulated slow 4G (150 ms round trip,
1.6 Mbit/s down) and a CPU 4x slower than this machine. The site is served as a static host
serves it (gzip, see conftest.StaticHost). Each page is measured three times and the median
score is checked, as Lighthouse's documentation advises for run-to-run variance. Reports go
to `_build/lighthouse/`.
"""

from __future__ import annotations

import json
import statistics
import subprocess
from pathlib import Path

import pytest

from conftest import CHROMIUM_ARGS, ROOT
from test_site import TOC_FILES

LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
REPORTS = ROOT / "_build" / "lighthouse"
RUNS = 3
MINIMUM = {"performance": 0.90, "accessibility": 0.95}


def heaviest_chapter(site: Path) -> str:
    """The chapter page with the most bytes to fetch: its HTML and its widget state."""
    chapters = [f"{name}.html" for name in TOC_FILES if name.startswith("chapters/")]
    return max(chapters, key=lambda page: sum(f.stat().st_size for f in site.glob(page.replace(".html", ".*"))))


def lighthouse(chromium: str, url: str, report: Path) -> dict[str, float]:
    """One Lighthouse run of url: the score of each category in MINIMUM, from 0 to 1."""
    subprocess.run(
        [str(LIGHTHOUSE), url, f"--chrome-path={chromium}", f"--chrome-flags={' '.join(CHROMIUM_ARGS)}",
         f"--only-categories={','.join(MINIMUM)}", "--output=json", f"--output-path={report}", "--quiet"],
        check=True, timeout=180,
    )
    categories = json.loads(report.read_text(encoding="utf-8"))["categories"]
    return {name: categories[name]["score"] for name in MINIMUM}


@pytest.mark.browser
@pytest.mark.parametrize("which", ["landing", "heaviest chapter"])
def test_lighthouse_scores(chromium: str, site: Path, site_url: str, which: str) -> None:
    if not LIGHTHOUSE.exists():
        pytest.fail("lighthouse is missing: run `make site` (it runs npm ci)")
    path = f"{TOC_FILES[0]}.html" if which == "landing" else heaviest_chapter(site)
    REPORTS.mkdir(parents=True, exist_ok=True)
    runs = [
        lighthouse(chromium, f"{site_url}/{path}", REPORTS / f"{Path(path).stem}-{run}.json")
        for run in range(1, RUNS + 1)
    ]
    medians = {name: statistics.median(run[name] for run in runs) for name in MINIMUM}
    summary = f"{path}: " + ", ".join(f"{name} {[round(run[name] * 100) for run in runs]}" for name in MINIMUM)
    (REPORTS / f"{Path(path).stem}-summary.txt").write_text(summary + "\n", encoding="utf-8")
    assert all(medians[name] >= MINIMUM[name] for name in MINIMUM), summary
