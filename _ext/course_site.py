"""Sphinx fixes the course's static site needs (loaded through `_config.yml`)."""

from __future__ import annotations


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


def setup(app):
    app.connect("html-page-context", _dedupe_scripts, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
