"""Make pages paint before their scripts and widgets load (loaded through `_config.yml`).

These changes are invisible to a reader once a page has loaded:

* every script file in the page head is deferred, so the text paints without waiting for
  them (except `documentation_options.js`, which inline scripts use at once);
* the print stylesheet is linked for print only (`media="print"`), so the screen does not wait
  for it (Jupyter Book links every stylesheet in `_static/` for all media);
* the theme's `fontawesome.js` (1.5 MB, to draw icons as SVG) is dropped: its stylesheet
  already draws the same icons from the Font Awesome web fonts;
* the search index and its scripts load on the search page only (elsewhere they serve
  search-as-you-type, which the course leaves off);
* the theme's own two scripts start after the first frame instead of being preloaded and
  deferred. Deferred, they can run before the first frame, and as they start they measure
  the page (`getBoundingClientRect`), which forces the whole page's first layout inside
  them: a long task that blocks input. After the first frame the layout is already done;
* a page's widget state (the models behind its widgets, often megabytes) moves out of the
  HTML into `<page>.widgets.json` beside it; `html_extra/widgetjs/load-widgets.js` fetches it,
  with the widget renderer, when a widget is about to scroll into view.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from sphinx.builders.html._assets import _CascadingStyleSheet, _JavaScript

#: Stylesheets used only on paper.
PRINT_ONLY = ("print.css",)
#: Scripts that inline scripts on the page call as soon as they are parsed.
RUN_AT_ONCE = ("documentation_options.js",)

#: Tags the theme writes into its templates rather than through `script_files`.
THEME_TAG = re.compile(
    r'\s*<script( defer)? src="(?:[^"]*/)?(fontawesome|searchtools|language_data|searchindex)\.js[^"]*"></script>'
    r'|\s*<link rel="preload" as="script" href="[^"]*"\s*/>'
)
#: The theme's scripts at the end of the body, which AFTER_FIRST_FRAME starts instead.
THEME_BODY_SCRIPT = re.compile(r'\s*<script defer src="((?:[^"]*/)?_static/scripts/(?:bootstrap|pydata-sphinx-theme)\.js[^"]*)"></script>')
AFTER_FIRST_FRAME = """<script>requestAnimationFrame(function () {{ setTimeout(function () {{
  {sources}.forEach(function (src) {{
    var script = document.createElement("script"); script.src = src; script.async = false; document.body.append(script);
  }});
}}); }});</script>"""
WIDGET_STATE = re.compile(r'<script type="application/vnd\.jupyter\.widget-state\+json">(.*?)</script>', re.S)


def _defer_scripts(app, pagename, templatename, context, doctree) -> None:
    scripts = context.get("script_files", [])
    for index, script in enumerate(scripts):
        filename = str(getattr(script, "filename", "") or "")
        attributes = dict(getattr(script, "attributes", {}))
        if not filename or filename.endswith(RUN_AT_ONCE) or {"async", "defer"} & attributes.keys():
            continue
        scripts[index] = _JavaScript(filename, priority=script.priority, **attributes, defer="defer")


def _print_only_stylesheets(app, pagename, templatename, context, doctree) -> None:
    sheets = context.get("css_files", [])
    for index, sheet in enumerate(sheets):
        filename = str(getattr(sheet, "filename", "") or "")
        if filename.endswith(PRINT_ONLY):
            attributes = {**dict(getattr(sheet, "attributes", {})), "media": "print"}
            sheets[index] = _CascadingStyleSheet(filename, priority=sheet.priority, **attributes)


def rewrite_theme_tags(html: str, search_page: bool) -> str:
    """html with the theme's script tags deferred, or dropped where the page does not need them."""

    def rewrite(found: re.Match) -> str:
        deferred, name = found.group(1), found.group(2)
        if name is None or name == "fontawesome" or not search_page:  # a preload, the icons, the search
            return ""
        return found.group(0) if deferred else found.group(0).replace("<script src=", "<script defer src=")

    return THEME_TAG.sub(rewrite, html)


def start_theme_after_first_frame(html: str) -> str:
    """html with the theme's body scripts started, in order, once the first frame is drawn."""
    sources = THEME_BODY_SCRIPT.findall(html)
    if not sources:
        return html
    first = THEME_BODY_SCRIPT.search(html)
    rest = THEME_BODY_SCRIPT.sub("", html[first.end():])
    loader = AFTER_FIRST_FRAME.format(sources=json.dumps(sources))
    return html[: first.start()] + "\n" + loader + rest


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
            html = start_theme_after_first_frame(html)
            page.write_text(split_widget_state(page, html), encoding="utf-8")


def setup(app):
    app.connect("html-page-context", _defer_scripts, priority=950)
    app.connect("html-page-context", _print_only_stylesheets, priority=950)
    app.connect("build-finished", _rewrite_pages)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
