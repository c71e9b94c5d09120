"""Sphinx fixes the course's static site needs (loaded through `_config.yml`)."""

from __future__ import annotations

from pathlib import Path


def _dedupe_scripts(app, pagename, templatename, context, doctree) -> None:
    """Drop script tags added twice.

    sphinx-thebe registers its inline config twice under Jupyter Book, which
    makes every page log "Identifier 'THEBE_JS_URL' has already been declared".
    """
    seen: set[tuple] = set()
    unique = []
    for script in context.get("script_files", []):
        filename = getattr(script, "filename", script) or ""  # inline scripts: None or ""
        key = (str(filename), tuple(sorted(getattr(script, "attributes", {}).items())))
        if key not in seen:
            seen.add(key)
            unique.append(script)
    context["script_files"][:] = unique  # in place: other handlers hold this list


def _drop_list_role_of_citations(app, exception) -> None:
    """docutils marks the bibliography's container role="list" though its children are not list items
    (an accessibility error): the plain container is right."""
    if exception is None and app.builder.format == "html":
        for page in Path(app.outdir).rglob("*.html"):
            text = page.read_text(encoding="utf-8")
            if 'role="list" class="citation-list"' in text:
                page.write_text(text.replace('role="list" class="citation-list"', 'class="citation-list"'), encoding="utf-8")


def setup(app):
    app.connect("html-page-context", _dedupe_scripts, priority=900)
    app.connect("build-finished", _drop_list_role_of_citations)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
