"""Cut the theme's Font Awesome fonts down to the icons the site uses (loaded through `_config.yml`).

The theme ships the whole icon set (about 275 kB of fonts, gzip makes no difference) and every
page downloads it for a dozen icons. After the build, this keeps in each font only:

* the icons whose class (`fa-github`, ...) appears in a built page or script, and
* every icon a stylesheet draws by itself (its code point outside a `.fa-*:before` rule).

The font files keep their names, so the stylesheets need no change.
"""

from __future__ import annotations

import re
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

FONTS = "_static/vendor/fontawesome/webfonts"
#: `.fa-github:before,.fa-x:before{content:"\f09b"}`: the icon classes and their code point.
ICON_RULE = re.compile(r'((?:\.fa-[\w-]+:(?:before|after),?)+)\{content:"\\([0-9a-f]{4,5})"\}')
ICON_CLASS = re.compile(r"(?<![.\w-])fa-[a-z0-9-]+")  # a class in use, not a CSS selector
PRIVATE_USE = re.compile(r'\\([ef][0-9a-f]{3})\b|([\ue000-\uf8ff])')


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace")


def icons_in_use(outdir: Path) -> set[int]:
    """Code points of every icon the built site can show."""
    classes: dict[str, int] = {}
    always: set[int] = set()
    for css in outdir.glob("_static/**/*.css"):
        text = _read(css)
        for selectors, code in ICON_RULE.findall(text):
            for name in re.findall(r"\.(fa-[\w-]+)", selectors):
                classes[name] = int(code, 16)
        for escaped, literal in PRIVATE_USE.findall(ICON_RULE.sub("", text)):
            always.add(int(escaped, 16) if escaped else ord(literal))
    used = set()
    for page in [*outdir.rglob("*.html"), *outdir.rglob("*.js")]:
        used.update(ICON_CLASS.findall(_read(page)))
    return always | {classes[name] for name in used if name in classes}


def subset_font(path: Path, code_points: set[int]) -> None:
    """Keep only code_points in the font at path (woff2 or ttf), in place."""
    font = TTFont(path)
    options = subset.Options()
    options.flavor = font.flavor  # "woff2" or None (ttf)
    options.layout_features = ["*"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=code_points)
    subsetter.subset(font)
    font.flavor = options.flavor
    font.save(path)


def _subset_icon_fonts(app, exception) -> None:
    if exception is None and app.builder.format == "html":
        outdir = Path(app.outdir)
        code_points = icons_in_use(outdir)
        for path in (outdir / FONTS).glob("*"):
            if path.suffix in (".woff2", ".ttf"):
                subset_font(path, code_points)


def setup(app):
    app.connect("build-finished", _subset_icon_fonts)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
