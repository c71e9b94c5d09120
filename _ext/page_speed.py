"""Make pages paint before their scripts and widgets load (loaded through `_config.yml`).

These changes are invisible to a reader once a page has loaded:

* every script file in the page head is deferred, so the text paints without waiting for
  them (except `documentation_options.js`, which inline scripts use at once);
* the theme's `fontawesome.js` (1.5 MB, to draw icons as SVG) is dropped: its stylesheet
  already draws the same icons from the Font Awesome web fonts;
* the search index and its scripts load on the search page only (elsewhere they serve
  search-as-you-type, which the course leaves off), and the theme's own scripts are no
  longer preloaded ahead of the stylesheets (they load deferred at the end of the page);
* a page's widget state (the models behind its widgets, often megabytes) moves out of the
  HTML into `<page>.widgets.json` beside it; `html_extra/widgetjs/load-widgets.js` fetches it,
  with the widget renderer, when a widget is about to scroll into view.
"""

from __future__ import annotations

import re
from pathlib import Path

from sphinx.builders.html._assets import _JavaScript

#: Scripts that inline scripts on the page call as soon as they are parsed.
RUN_AT_ONCE = ("documentation_options.js",)

#: Tags the theme writes into its templates rather than through `script_files`.
THEME_TAG = re.compile(
    r'\s*<script( defer)? src="(?:[^"]*/)?(fontawesome|searchtools|language_data|searchindex)\.js[^"]*"></script>'
    r'|\s*<link rel="preload" as="script" href="[^"]*"\s*/>'
)
WIDGET_STATE = re.compile(r'<script type="application/vnd\.jupyter\.widget-state\+json">(.*?)</script>', re.S)


def _defer_scripts(app, pagename, templatename, context, doctree) -> None:
    scripts = context.get("script_files", [])
    for index, script in enumerate(scripts):
        filename = str(getattr(script, "filename", "") or "")
        attributes = dict(getattr(script, "attributes", {}))
        if not filename or filename.endswith(RUN_AT_ONCE) or {"async", "defer"} & attributes.keys():
            continue
        scripts[index] = _JavaScript(filename, priority=script.priority, **attributes, defer="defer")


def rewrite_theme_tags(html: str, search_page: bool) -> str:
    """html with the theme's script tags deferred, or dropped where the page does not need them."""

    def rewrite(found: re.Match) -> str:
        deferred, name = found.group(1), found.group(2)
        if name is None or name == "fontawesome" or not search_page:  # a preload, the icons, the search
            return ""
        return found.group(0) if deferred else found.group(0).replace("<script src=", "<script defer src=")

    return THEME_TAG.sub(rewrite, html)


def split_widget_state(page: Path, html: str) -> str:
    """Move the widget state out of page's html into a JSON file beside it; return the new html."""
    found = WIDGET_STATE.search(html)
    if found is None:
        return html
    state = page.with_suffix(".widgets.json")
    state.write_text(found.group(1), encoding="utf-8")
    pointer = f'<script type="application/vnd.jupyter.widget-state+json" data-src="{state.name}"></script>'
    return html[: found.start()] + pointer + html[found.end():]


def _rewrite_pages(app, exception) -> None:
    if exception is None and app.builder.format == "html":
        if app.config.html_theme_options.get("search_as_you_type"):
            raise ValueError("page_speed drops the search index from pages other than search.html: "
                             "search_as_you_type must stay off")
        outdir = Path(app.outdir)
        for page in outdir.rglob("*.html"):
            html = rewrite_theme_tags(page.read_text(encoding="utf-8"), search_page=page == outdir / "search.html")
            page.write_text(split_widget_state(page, html), encoding="utf-8")


def setup(app):
    app.connect("html-page-context", _defer_scripts, priority=950)
    app.connect("build-finished", _rewrite_pages)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
