"""The live path in a real JupyterLab: run a chapter, then drive its widget through the kernel.

The static-site tests (test_site.py) only prove what works without Python. Here a private
`jupyter lab` serves the repository on 127.0.0.1; headless Chromium opens chapter 2, runs
every cell, and checks that the capacity calculator's live controls recompute in the kernel.

Nothing is written into the repository: settings, workspaces, runtime files and checkpoints
live in a temporary directory, autosave is off, and the notebook is never saved (the server's
log is checked at teardown).
"""

from __future__ import annotations

import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from conftest import ROOT

NOTEBOOK = "chapters/02_interview_flow.ipynb"
STARTUP_TIMEOUT = 60  # seconds for the server to answer /api/status
RUN_TIMEOUT = 240_000  # ms for the kernel to start and run every cell (a fresh venv compiles every import first)
KERNEL_TIMEOUT = 15_000  # ms for one round trip through the kernel
OUTPUT = ".jp-Notebook .jp-OutputArea-output"
WIDGET = ".jp-OutputArea-output > .jupyter-widgets.widget-vbox"  # an interactive's top-level box

#: User settings for this server only: no autosave (the notebook is never written) and every
#: cell kept in the DOM (no virtual scrolling hiding the widget's output).
LAB_SETTINGS = {
    "@jupyterlab/docmanager-extension/plugin": {"autosave": False},
    "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none"},
}

expect.set_options(timeout=KERNEL_TIMEOUT)  # process-wide; only this module uses expect()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _scratch() -> set[Path]:
    """Scratch directories JupyterLab could leave in the repository."""
    return {path for name in (".ipynb_checkpoints", ".virtual_documents") for path in ROOT.glob(f"**/{name}")
            if not {".venv", "node_modules"} & set(path.parts)}


@pytest.fixture(scope="session")
def jupyterlab(tmp_path_factory):
    """Base URL and token of a private JupyterLab serving the repository on 127.0.0.1."""
    home = tmp_path_factory.mktemp("jupyterlab")
    for plugin, settings in LAB_SETTINGS.items():
        path = home / "lab-settings" / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(settings))
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(home / "config"),
        "JUPYTER_DATA_DIR": str(home / "data"),
        "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
        "JUPYTERLAB_SETTINGS_DIR": str(home / "lab-settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces"),
        "IPYTHONDIR": str(home / "ipython"),
    }
    port, token = _free_port(), secrets.token_hex(16)
    before = _scratch()
    log = (home / "server.log").open("wb")
    server = subprocess.Popen(
        [
            sys.executable, "-m", "jupyterlab", "--no-browser", "--ServerApp.open_browser=False",
            "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
            f"--ServerApp.root_dir={ROOT}", f"--IdentityProvider.token={token}",
            # An absolute checkpoint_dir puts the checkpoint JupyterLab makes on open outside the repo.
            f"--FileCheckpoints.checkpoint_dir={home / 'checkpoints'}",
            # Nothing that would reach the internet from the server side.
            "--LabApp.news_url=None", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            "--LabApp.extension_manager=readonly",
            *(["--allow-root"] if os.geteuid() == 0 else []),  # e.g. in a container
        ],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log,
        start_new_session=True,  # its own process group, so teardown can reach its kernels too
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while True:
            if server.poll() is not None:
                pytest.fail(f"jupyter lab exited ({server.returncode}):\n{(home / 'server.log').read_text()}")
            try:
                with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2) as reply:
                    if reply.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"jupyter lab did not answer in {STARTUP_TIMEOUT} s:\n{(home / 'server.log').read_text()}")
            time.sleep(0.25)
        yield base, token
    finally:
        server.terminate()  # the server shuts its kernels down on SIGTERM
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=5)
        log.close()
    # The server logs every save; the notebook itself may change under a concurrent `make execute`.
    assert "Saving file at" not in (home / "server.log").read_text(), "JupyterLab saved a file"
    assert _scratch() <= before, f"JupyterLab left files in the repository: {sorted(_scratch() - before)}"


def click_menu(page, menu: str, item: str) -> None:
    """Choose item in one of JupyterLab's top-level menus."""
    page.locator(f'.lm-MenuBar-item:has(.lm-MenuBar-itemLabel:text-is("{menu}"))').click()
    page.locator(f'.lm-Menu-item:has(.lm-Menu-itemLabel:text-is("{item}"))').click()


def wait_for_cells(page) -> None:
    """Wait until every cell of the notebook is on the page and the kernel is idle."""
    cells = len(json.loads((ROOT / NOTEBOOK).read_text(encoding="utf-8"))["cells"])
    page.wait_for_function(
        """n => document.querySelectorAll('.jp-Notebook .jp-Cell').length === n
            && document.querySelector('.jp-Notebook-ExecutionIndicator[data-status="idle"]') !== null""",
        arg=cells,
        timeout=RUN_TIMEOUT,
    )


def wait_until_run(page) -> None:
    """Wait for Run All to finish: every code cell numbered, or stopped by an error; kernel idle."""
    page.wait_for_function(
        """() => {
            const prompts = [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')]
                .map(p => p.textContent.trim());
            const failed = [...document.querySelectorAll('.jp-OutputArea-output')]
                .some(o => o.textContent.includes('Traceback'));
            return !prompts.includes('[*]:') && (failed || prompts.every(p => /^\\[\\d+\\]:$/.test(p)))
                && document.querySelector('.jp-Notebook-ExecutionIndicator[data-status="idle"]') !== null;
        }""",
        timeout=RUN_TIMEOUT,
    )


@pytest.mark.browser
def test_capacity_calculator_recomputes_in_the_kernel(browser, jupyterlab) -> None:
    base, token = jupyterlab
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.set_default_timeout(KERNEL_TIMEOUT)
    outside: list[str] = []

    def only_local(route) -> None:
        if urlparse(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", only_local)
    try:
        page.goto(f"{base}/lab/tree/{NOTEBOOK}?token={token}", timeout=RUN_TIMEOUT)
        wait_for_cells(page)

        # Start from no outputs, so everything checked below comes from this run.
        click_menu(page, "Edit", "Clear Outputs of All Cells")
        expect(page.locator(OUTPUT)).to_have_count(0)
        expect(page.locator(".jp-CodeCell .jp-InputPrompt", has_text=re.compile(r"\d"))).to_have_count(0)
        click_menu(page, "Run", "Run All Cells")
        wait_until_run(page)

        tracebacks = [t for t in page.locator(OUTPUT).all_inner_texts() if "Traceback" in t]
        assert tracebacks == []  # an exception's output, on stderr or as an error
        widget = page.locator(WIDGET).filter(has_text="Back-of-envelope estimate")
        expect(widget).to_have_count(1)
        view = widget.locator(".widget-html-content", has_text="Back-of-envelope estimate").locator("visible=true")
        expect(view).to_contain_text("115.7 k req/s")

        # The principal dropdown: a linked stack in the browser, and a preset in the kernel.
        widget.locator("select").first.select_option(index=1)
        expect(view).to_contain_text("Twitter")
        expect(view).to_contain_text("1.5 TB/day")

        # A live control: only the kernel can reject a value and recompute the view.
        bytes_per_write = widget.locator(".widget-inline-hbox", has_text="Bytes per write").locator("input")
        alert = widget.locator('[role="alert"]')
        bytes_per_write.fill("-1")
        bytes_per_write.press("Enter")
        expect(alert).to_contain_text("bytes_per_write must be a finite number >= 0, got -1")
        bytes_per_write.fill("2000")
        bytes_per_write.press("Enter")
        expect(alert).to_have_count(0)
        expect(view).to_contain_text("3 TB/day")
        expect(view).not_to_contain_text("1.5 TB/day")
        assert outside == []  # e.g. no CDN MathJax from the quiz (widgets.quiz switches it off)
    finally:
        page.close()
