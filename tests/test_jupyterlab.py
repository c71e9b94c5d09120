"""The live path in a real JupyterLab: run every chapter through the UI, then drive widgets.

The static-site tests (test_site.py) only prove what works without Python. Here a private
`jupyter lab` serves the repository on 127.0.0.1 and headless Chromium, with every request
outside 127.0.0.1 refused, opens each chapter, clears its outputs and runs all cells from the
menu. Every code cell must get an execution count, no output may be an error or a traceback,
every widget must render, and each widget's dropdown must switch what it shows. Two widget
families are then driven through the kernel, which the static site cannot do: the capacity
calculator (chapter 2) and the composite-availability builder (chapter 3).

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
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect
from site_browser import WIDGET_MIME

from conftest import ROOT
from test_site import SHOWN_JS  # what a widget shows: its visible text plus its visible images

CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))
STARTUP_TIMEOUT = 60  # seconds for the server to answer /api/status
RUN_TIMEOUT = 240_000  # ms for the kernel to start and run every cell (a fresh venv compiles every import first)
KERNEL_TIMEOUT = 15_000  # ms for one round trip through the kernel
OUTPUT = ".jp-Notebook .jp-OutputArea-output"
STDERR = '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'  # stderr and errors
WIDGET_OUTPUT = ".jp-OutputArea-output:has(> .jupyter-widgets)"  # a widget view (it has no data-mime-type)
TOP_WIDGET = ".jp-OutputArea-output > .jupyter-widgets"  # a widget output's top-level view
WIDGET = f"{TOP_WIDGET}.widget-vbox"  # an interactive's top-level box
PROMPT = ".jp-CodeCell .jp-InputPrompt"
#: The kernel is idle, as the status bar shows it: "Python 3 (ipykernel) | Idle". The execution indicator alone
#: is not enough: it reads "idle" while the bar still says "No Kernel | Initializing", and a Run All clicked
#: then runs nothing (every prompt stays "[ ]:").
IDLE_JS = """(document.querySelector('.jp-Notebook-ExecutionIndicator[data-status="idle"]') !== null
    && [...document.querySelectorAll('.jp-StatusBar-TextItem')]
        .some(item => /^(?!No Kernel\\b).+ \\| Idle$/.test(item.textContent.trim())))"""

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
    """Choose item in one of JupyterLab's top-level menus, once JupyterLab enables it.

    A menu item is greyed out (class lm-mod-disabled, which Playwright's own enabled check does not
    see) until its command applies, e.g. "Run All Cells" until the notebook is the current widget;
    clicked then, it does nothing, as for a reader. So wait, as a reader would, until it is live (an
    open menu re-renders when its commands change).
    """
    page.locator(f'.lm-MenuBar-item:has(.lm-MenuBar-itemLabel:text-is("{menu}"))').click()
    entry = page.locator(f'.lm-Menu-item:has(.lm-Menu-itemLabel:text-is("{item}"))')
    expect(entry).not_to_have_class(re.compile(r"\blm-mod-disabled\b"))
    entry.click()


def stored(notebook: Path) -> dict:
    """The notebook as stored in the repository (its outputs come from `make execute`)."""
    return json.loads(notebook.read_text(encoding="utf-8"))


def _api(jupyterlab, method: str, path: str):
    base, token = jupyterlab
    request = urllib.request.Request(f"{base}{path}", method=method, headers={"Authorization": f"token {token}"})
    with urllib.request.urlopen(request, timeout=15) as reply:
        body = reply.read()
    return json.loads(body) if body else None


def shut_down_kernels(jupyterlab, notebook: str) -> None:
    """End the notebook's sessions (and so its kernels): idle kernels would pile up on a small machine."""
    for session in _api(jupyterlab, "GET", "/api/sessions"):
        if session["path"] == notebook:
            _api(jupyterlab, "DELETE", f"/api/sessions/{session['id']}")


@contextmanager
def open_notebook(browser, jupyterlab, notebook: Path):
    """A page with notebook open in JupyterLab, its kernel idle; only 127.0.0.1 is reachable.

    Each call gets its own workspace, so JupyterLab never restores another test's tabs.
    """
    base, token = jupyterlab
    relative = notebook.relative_to(ROOT).as_posix()
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
        workspace = f"test-{secrets.token_hex(4)}"
        page.goto(f"{base}/lab/workspaces/{workspace}/tree/{relative}?token={token}", timeout=RUN_TIMEOUT)
        wait_for_cells(page, len(stored(notebook)["cells"]))
        yield page
    finally:
        page.close()
        shut_down_kernels(jupyterlab, relative)
    assert outside == []  # e.g. no CDN MathJax from the quiz (widgets.quizzes switches it off)


def wait_for_cells(page, cells: int) -> None:
    """Wait until every cell of the notebook is on the page and the kernel is idle."""
    page.wait_for_function(
        f"n => document.querySelectorAll('.jp-Notebook .jp-Cell').length === n && {IDLE_JS}",
        arg=cells,
        timeout=RUN_TIMEOUT,
    )


def wait_for_idle(page) -> None:
    """Wait until the kernel is idle (e.g. done with the comm messages a control sent)."""
    page.wait_for_function(f"() => {IDLE_JS}")


#: Where a run that never ends leaves its screenshot, for the person reading the failure.
FAILURES = ROOT / "_build" / "jupyterlab-failures"
#: What the notebook shows when a wait runs out: each code cell's prompt, the kernel's status, any dialog.
STATE_JS = """() => ({
    prompts: [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')].map(p => p.textContent.trim()),
    status: [...document.querySelectorAll('.jp-Notebook-ExecutionIndicator')].map(e => e.dataset.status),
    dialog: document.querySelector('.jp-Dialog')?.innerText ?? null,
})"""


def wait_until_run(page) -> None:
    """Wait for Run All to finish: every code cell numbered, or stopped by an error; kernel idle.

    If it never does, the failure says what the notebook showed, and a screenshot is kept in FAILURES.
    """
    try:
        _wait_until_run(page)
    except Exception as error:
        FAILURES.mkdir(parents=True, exist_ok=True)
        shot = FAILURES / f"run-all-{secrets.token_hex(3)}.png"
        page.screenshot(path=str(shot))
        raise AssertionError(f"Run All did not finish; the notebook showed {page.evaluate(STATE_JS)}; "
                             f"screenshot {shot}") from error


def _wait_until_run(page) -> None:
    page.wait_for_function(
        """() => {
            const prompts = [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')]
                .map(p => p.textContent.trim());
            const failed = [...document.querySelectorAll('.jp-OutputArea-output')]
                .some(o => o.textContent.includes('Traceback'));
            return !prompts.includes('[*]:') && (failed || prompts.every(p => /^\\[\\d+\\]:$/.test(p)))
                && """ + IDLE_JS + """;
        }""",
        timeout=RUN_TIMEOUT,
    )


def run_all(page) -> None:
    """Clear every output, then Run All Cells from the menu and wait for the run to end."""
    click_menu(page, "Edit", "Clear Outputs of All Cells")
    # Start from no outputs, so everything checked afterwards comes from this run.
    expect(page.locator(OUTPUT)).to_have_count(0)
    expect(page.locator(PROMPT, has_text=re.compile(r"\d"))).to_have_count(0)
    click_menu(page, "Run", "Run All Cells")
    wait_until_run(page)


def shown(widget) -> str:
    """What a widget shows: visible text, plus visible images' alt text and src length."""
    return widget.evaluate(SHOWN_JS)


def switch_principal(widget) -> tuple[str, str]:
    """Choose another option of the widget's first dropdown; (shown before, shown after) once it changed."""
    select = widget.locator("select").first
    before = shown(widget)
    options = select.locator("option").count()
    assert options > 1, f"a dropdown with {options} option(s)"
    select.select_option(index=(select.evaluate("s => s.selectedIndex") + 1) % options)
    widget.page.wait_for_function(
        f"([el, before]) => ({SHOWN_JS})(el) !== before", arg=[widget.element_handle(), before],
    )
    return before, shown(widget)


@pytest.mark.browser
@pytest.mark.parametrize(("kernel", "idle"), [
    ("No Kernel | Initializing", False),  # the notebook is drawn, the kernel not yet started: Run All would do nothing
    ("Python 3 (ipykernel) | Connecting", False),
    ("Python 3 (ipykernel) | Busy", False),
    ("Python 3 (ipykernel) | Idle", True),
])
def test_idle_waits_for_a_connected_kernel(browser, kernel: str, idle: bool) -> None:
    """IDLE_JS, on a status bar as JupyterLab draws it while a notebook opens (the indicator already "idle")."""
    page = browser.new_page()
    page.set_content(f'<div class="jp-Notebook-ExecutionIndicator" data-status="idle"></div>'
                     f'<div class="jp-StatusBar-TextItem">{kernel}</div>')
    assert page.evaluate(f"() => {IDLE_JS}") is idle
    page.close()


@pytest.mark.browser
@pytest.mark.parametrize("notebook", CHAPTERS, ids=lambda path: path.stem)
def test_chapter_runs_in_jupyterlab(browser, jupyterlab, notebook: Path) -> None:
    cells = [cell for cell in stored(notebook)["cells"] if cell["cell_type"] == "code"]
    widget_outputs = sum(WIDGET_MIME in output.get("data", {}) for cell in cells for output in cell["outputs"])
    with open_notebook(browser, jupyterlab, notebook) as page:
        run_all(page)

        prompts = [prompt.strip() for prompt in page.locator(PROMPT).all_inner_texts()]
        assert len(prompts) == len(cells)
        assert [p for p in prompts if not re.fullmatch(r"\[\d+\]:", p)] == []  # every cell ran
        assert [t for t in page.locator(OUTPUT).all_inner_texts() if "Traceback" in t] == []
        assert [t for t in page.locator(STDERR).all_inner_texts() if t.strip()] == []

        # Every widget output of the stored notebook renders again, and shows something.
        expect(page.locator(WIDGET_OUTPUT)).to_have_count(widget_outputs)
        widgets = page.locator(TOP_WIDGET)
        expect(widgets).to_have_count(widget_outputs)
        for index in range(widget_outputs):
            expect(widgets.nth(index)).to_have_text(re.compile(r"\S"), use_inner_text=True)

        # Each widget's principal dropdown switches what it shows.
        switched = 0
        for index in range(widget_outputs):
            widget = widgets.nth(index)
            if widget.locator("select").count():
                before, after = switch_principal(widget)
                assert after != before
                switched += 1
        assert switched or not widget_outputs, "no widget of this chapter has a dropdown"
        # Presets also re-render in the kernel; none may end on the error line (a late one could be missed).
        wait_for_idle(page)
        expect(page.locator(f'{TOP_WIDGET} [role="alert"]')).to_have_count(0)
        assert [t for t in page.locator(STDERR).all_inner_texts() if t.strip()] == []


@pytest.mark.browser
def test_capacity_calculator_recomputes_in_the_kernel(browser, jupyterlab) -> None:
    with open_notebook(browser, jupyterlab, ROOT / "chapters" / "02_interview_flow.ipynb") as page:
        run_all(page)
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


@pytest.mark.browser
def test_composite_availability_recomputes_in_the_kernel(browser, jupyterlab) -> None:
    with open_notebook(browser, jupyterlab, ROOT / "chapters" / "03_non_functional_requirements.ipynb") as page:
        run_all(page)
        widget = page.locator(WIDGET).filter(has_text="App servers needed")
        expect(widget).to_have_count(1)
        diagram = widget.locator("img").locator("visible=true")  # the view's figure; its alt describes it
        expect(diagram).to_have_attribute("alt", re.compile(r"feed 1 app server\(s\) \(at least 1 needed\)"))

        def slider(label: str):
            row = widget.locator(".widget-inline-hbox").filter(has=page.get_by_text(label, exact=True))
            return row.locator('[role="slider"]')

        # A live slider from the keyboard: the kernel redraws the diagram for two app servers.
        slider("App servers").focus()
        page.keyboard.press("ArrowRight")
        expect(diagram).to_have_attribute("alt", re.compile(r"feed 2 app server\(s\) \(at least 1 needed\)"))
        # An impossible combination reaches the error line; stepping back clears it.
        alert = widget.locator('[role="alert"]')
        needed = slider("App servers needed")
        needed.focus()
        page.keyboard.press("ArrowRight")
        expect(diagram).to_have_attribute("alt", re.compile(r"\(at least 2 needed\)"))
        page.keyboard.press("ArrowRight")
        expect(alert).to_contain_text("App servers needed must be at most App servers (2), got 3")
        page.keyboard.press("ArrowLeft")
        expect(alert).to_have_count(0)
