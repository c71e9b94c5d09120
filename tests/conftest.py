"""Shared fixtures: the built site served on 127.0.0.1 and a headless Chromium; hypothesis made repeatable."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings
from site_browser import CHROMIUM, CHROMIUM_ARGS
from static_host import SITE, serving

ROOT = Path(__file__).resolve().parents[1]

# Property tests draw the same examples on every run (a new counter-example must not turn a green run
# red), and no example fails for being slow on a busy machine: no timing in pass/fail tests.
settings.register_profile("course", derandomize=True, deadline=None, database=None)
settings.load_profile("course")


@pytest.fixture(scope="session")
def site() -> Path:
    """The built book; `make test` builds it first."""
    if not (SITE / "index.html").exists():
        pytest.fail("no built site in _build/html: run `make site` (or `make test`, which builds it)")
    return SITE


@pytest.fixture(scope="session")
def site_url(site: Path):
    """Base URL of the built site served on 127.0.0.1 (an ephemeral port), gzip as a static host."""
    with serving(site) as url:
        yield url


@pytest.fixture(scope="session")
def chromium() -> str:
    """Path of Debian's Chromium.

    Without it the browser tests skip with the install command, except in CI (CI=true),
    where .ci/run installs it and they must run.
    """
    if not Path(CHROMIUM).exists():
        reason = "Chromium is not installed: apt-get install -y chromium"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    return CHROMIUM


@pytest.fixture(scope="session")
def browser(chromium: str):
    """Debian's headless Chromium driven by Playwright (no browser download)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield launched
        launched.close()
