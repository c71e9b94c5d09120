"""Budgets and links of the built site: page weight as a static host serves it, and no broken link.

Page weight counts every file a page loads, compressed with gzip as any static host serves text
(level 6, the usual default). Budget: 3 MB (decimal) per page.
"""

from __future__ import annotations

import gzip
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlparse

import pytest

from test_site import PAGES, load_widgets

BUDGET_BYTES = 3_000_000


@pytest.mark.browser
@pytest.mark.parametrize("path", PAGES)
def test_page_weight_within_budget(browser, site: Path, site_url: str, path: str) -> None:
    requested: set[str] = set()
    page = browser.new_page()
    page.on("request", lambda request: requested.add(request.url))
    page.goto(f"{site_url}/{path}", wait_until="networkidle")
    load_widgets(page)  # the weight of reading the whole page, widgets included
    page.close()
    files = {site / unquote(urlparse(url).path).lstrip("/") for url in requested if not url.startswith("data:")}
    files = {f / "index.html" if f.is_dir() else f for f in files}
    assert all(f.is_file() for f in files), sorted(str(f) for f in files if not f.is_file())
    weight = sum(len(gzip.compress(f.read_bytes(), 6)) for f in files)
    assert weight <= BUDGET_BYTES, f"{path}: {weight / 1e6:.2f} MB gzip"


class _Links(HTMLParser):
    """Every href and every id (anchor) of one HTML page."""

    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs) -> None:
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.hrefs.append(attrs["href"])
        if attrs.get("id"):
            self.ids.add(attrs["id"])


def _parse(page: Path) -> _Links:
    links = _Links()
    links.feed(page.read_text(encoding="utf-8"))
    return links


def test_every_internal_link_and_anchor_resolves(site: Path) -> None:
    pages = {p: _parse(p) for p in site.rglob("*.html") if "_static" not in p.parts and "_sources" not in p.parts}
    broken, checked = [], 0
    for page, links in pages.items():
        for href in links.hrefs:
            if re.match(r"^[a-z]+:", href):  # http:, https:, mailto:, javascript: are not ours to check
                continue
            checked += 1
            target, anchor = urldefrag(href)
            file = (page.parent / unquote(target)).resolve() if target else page
            if file.is_dir():
                file = file / "index.html"
            if not file.is_file():
                broken.append(f"{page.relative_to(site)}: {href}")
            elif anchor and file.suffix == ".html" and anchor not in (pages.get(file) or _parse(file)).ids:
                broken.append(f"{page.relative_to(site)}: {href} (no such anchor)")
    assert checked > 100  # the pages link to each other, their sections, glossary terms and citations
    assert broken == []
