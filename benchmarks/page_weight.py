"""Bytes each page of the built site transfers, as a gzip static host serves it (tools/static_host.py).

Two figures per page, both read from Chromium's own network accounting (encoded bodies plus headers):
on load, and after the reader scrolls to the first widget (which fetches the widget renderer and the
page's widget state). Decimal megabytes. The budget test (tests/test_site_budget.py) holds every page
to 3 MB with widgets included.

    python benchmarks/page_weight.py
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))  # tools/ is not a package
from site_browser import CHROMIUM, CHROMIUM_ARGS, load_widgets  # noqa: E402
from static_host import SITE, serving  # noqa: E402


def transferred(page, url: str) -> tuple[int, int]:
    """Bytes over the wire loading url, then after scrolling to its first widget."""
    sizes: list[int] = []

    def count(request) -> None:
        sizes_now = request.sizes()
        sizes.append(sizes_now["responseBodySize"] + sizes_now["responseHeadersSize"])

    page.on("requestfinished", count)
    page.goto(url, wait_until="networkidle")
    on_load = sum(sizes)
    load_widgets(page)
    page.remove_listener("requestfinished", count)
    return on_load, sum(sizes)


def main() -> None:
    pages = sorted(p.relative_to(SITE).as_posix() for p in SITE.rglob("*.html")
                   if not {"_static", "_sources"} & set(p.parts) and p.name != "index.html")
    with serving() as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        print(f"{'page':45} {'on load':>9} {'with widgets':>13}")
        for path in pages:
            page = browser.new_page()
            on_load, full = transferred(page, f"{base}/{path}")
            page.close()
            print(f"{path:45} {on_load / 1e6:8.2f}M {full / 1e6:12.2f}M")
        browser.close()


if __name__ == "__main__":
    main()
