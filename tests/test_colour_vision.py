"""Colours that appear together in a figure stay distinguishable for colour-blind readers.

What is checked: every figure the course draws, read back from the SVG the reader gets: each
view an interactive of ``widgets.CATALOG`` holds as built (every preset's view, every animation
frame, with the HTML legend beside the chart) and each diagram of ``widgets.diagrams.DIAGRAMS``.

How: each colour is simulated under deuteranopia, protanopia and tritanopia at severity 100
(Machado, Oliveira & Fernandes 2009, as implemented by colorspacious), clipped to sRGB, and
every pair of distinct data colours in one figure must stay ``MIN_DELTA_E`` apart in CAM02-UCS
(``colorspacious.deltaE``).

Threshold, ΔE' >= 10: a CAM02-UCS unit is of the order of a just-noticeable difference, and
the difference needed grows as marks shrink to thin lines and small markers on uncalibrated
screens (Stone, Szafir & Setlur 2014, "An engineering model for color difference as a function
of size"), hence ten units rather than a few. Petroff's generator of accessible colour cycles
(same CVD model) asks for 20 when it designs a palette from scratch, but the Okabe-Ito palette,
designed for dichromats, has pairs at 11-15 under simulation: 20 would reject the reference.
10 keeps every Okabe-Ito pair (the weakest, orange-purple and blue-green under tritanopia, are
about 11) and rejects matplotlib's default red and green under deuteranopia (about 5). Machado's model is least
certain for tritanopia, which is where the margin is thinnest.

Data colours: every fill and stroke drawn (alpha blended over the white background), except

* axis artists (ticks, tick labels, axis labels, grid): they carry no series;
* white and greys (R = G = B) other than black: the simulation leaves them unchanged
  (``test_greys_look_the_same_to_every_reader``), so they look the same to every reader; they
  are the scaffolding (text, spines, connectors, outlines, separators), and the two grey series
  (caching's FIFO curve and answer arrows) differ by line style too. Black is kept: it is
  ``PALETTE[7]`` and a data colour in several figures;
* in diagrams, the light box tints of ``diagrams.views.STYLES``: under simulation they are NOT
  distinguishable (some pairs are under 4 apart), so a box's kind rests on its edge colour and
  line style, which ``test_diagram_box_kinds_differ_by_edge_colour_or_line_style`` checks instead.

Every other data colour must come from ``widgets._view.PALETTE``.
"""

from __future__ import annotations

import base64
import functools
import itertools
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

import numpy as np
import pytest
from colorspacious import cspace_convert, deltaE
from matplotlib.colors import is_color_like, to_hex, to_rgb

import widgets
from widgets import _view, diagrams
from widgets.diagrams import views as diagram_views
from widgets._drive import html_values

MIN_DELTA_E = 10.0
#: Dichromacy in the reader's words -> colorspacious's name for the defect (severity 100 = dichromacy).
CVD = {"deuteranopia": "deuteranomaly", "protanopia": "protanomaly", "tritanopia": "tritanomaly"}
PALETTE = frozenset(c.upper() for c in _view.PALETTE)
BLACK = "#000000"
TINTS = frozenset(face.upper() for face, _, _ in diagram_views.STYLES.values()) - {"#FFFFFF"}

_SVG_IMAGE = re.compile(r'<img src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)"')
_HTML_PAINT = re.compile(r"(?:fill|stroke|color)\s*[:=]\s*['\"]?\s*(#[0-9a-fA-F]{3,6}\b|[a-zA-Z]+)")


@dataclass(frozen=True)
class Paint:
    """A colour as drawn (upper-case hex) and its opacity."""

    colour: str
    alpha: float = 1.0

    @property
    def seen(self) -> str:
        """The colour on screen: blended over the white background."""
        rgb = np.array(to_rgb(self.colour)) * self.alpha + (1 - self.alpha)
        return to_hex(rgb).upper()


@dataclass(frozen=True)
class Figure:
    """A figure read back: where it comes from and every paint drawn in it."""

    source: str
    paints: frozenset[Paint]

    @property
    def data_colours(self) -> frozenset[str]:
        """Colours a reader must tell apart (see the module docstring for what is left out)."""
        seen = {p.seen for p in self.paints}
        keep = {c for c in seen if not neutral(c) or c == BLACK}
        return frozenset(keep - TINTS if self.source.startswith("diagrams.") else keep)


def neutral(colour: str) -> bool:
    """White, grey or black: no hue for a colour-vision defect to remove."""
    colour = colour.upper()
    return colour[1:3] == colour[3:5] == colour[5:7]


def _svg_paints(svg: str) -> set[Paint]:
    """Fill and stroke colours drawn in a matplotlib SVG, outside axis groups."""
    paints: set[Paint] = set()

    def walk(element: ET.Element, in_axis: bool) -> None:
        in_axis = in_axis or element.get("id", "").startswith("matplotlib.axis")
        if not in_axis:
            props = dict(element.attrib)
            for declaration in props.pop("style", "").split(";"):
                if ":" in declaration:
                    key, value = declaration.split(":", 1)
                    props[key.strip()] = value.strip()
            for paint in ("fill", "stroke"):
                value = props.get(paint, "")
                if re.fullmatch(r"#[0-9a-fA-F]{6}", value):
                    alpha = float(props.get(f"{paint}-opacity", 1)) * float(props.get("opacity", 1))
                    paints.add(Paint(value.upper(), alpha))
        for child in element:
            walk(child, in_axis)

    walk(ET.fromstring(svg), False)
    return paints


def html_paints(html: str) -> set[Paint]:
    """Colours of the SVG images in an HTML view, plus those of its HTML legend (swatches, glyphs)."""
    paints = {p for data in _SVG_IMAGE.findall(html) for p in _svg_paints(base64.b64decode(data).decode())}
    rest = _SVG_IMAGE.sub("", html)
    paints |= {Paint(to_hex(c).upper()) for c in _HTML_PAINT.findall(rest) if c != "none" and is_color_like(c)}
    return paints


@functools.cache
def _views() -> dict[str, tuple[str, ...]]:
    """Every HTML view of every interactive (as built) and every diagram, by source."""
    views = {name: tuple(html_values(widgets.CATALOG[name]())) for name in sorted(widgets.CATALOG)}
    views |= {f"diagrams.{name}": (getattr(diagrams, name)().data,) for name in sorted(diagrams.DIAGRAMS)}
    return views


@functools.cache
def figures() -> tuple[Figure, ...]:
    """Every figure: each HTML view that holds an SVG image."""
    return tuple(
        Figure(source if source.startswith("diagrams.") else f"{source} (view {i})", frozenset(html_paints(html)))
        for source, htmls in _views().items()
        for i, html in enumerate(htmls)
        if _SVG_IMAGE.search(html)
    )


@functools.cache
def simulate(colour: str, vision: str) -> np.ndarray:
    """sRGB (0-1) of colour as seen with the given dichromacy."""
    space = {"name": "sRGB1+CVD", "cvd_type": CVD[vision], "severity": 100}
    return np.clip(cspace_convert(np.array(to_rgb(colour)), space, "sRGB1"), 0, 1)


@functools.cache
def distance(a: str, b: str, vision: str) -> float:
    """CAM02-UCS distance between colours a and b as seen with the given dichromacy."""
    return float(deltaE(simulate(a, vision), simulate(b, vision), input_space="sRGB1"))


def too_close(colours, vision: str) -> list[tuple[str, str, float]]:
    """The pairs of colours less than MIN_DELTA_E apart for this reader."""
    pairs = itertools.combinations(sorted(colours), 2)
    return [(a, b, round(d, 1)) for a, b in pairs if (d := distance(a, b, vision)) < MIN_DELTA_E]


def test_every_figure_is_read() -> None:
    """Each image in a view is an SVG read here, and each source of figures yields data colours."""
    views = _views()
    assert set(views) == set(widgets.CATALOG) | {f"diagrams.{n}" for n in diagrams.DIAGRAMS}
    for source, htmls in views.items():
        for html in htmls:
            assert html.count("<img") == len(_SVG_IMAGE.findall(html)), f"{source}: an image that is not an SVG"
    assert all(f.paints for f in figures()), "an SVG with no fill or stroke read from it"
    colours: dict[str, set[str]] = {}
    for f in figures():  # a single frame may be all grey (an animation's first step), a whole source may not
        colours.setdefault(f.source.split(" (view")[0], set()).update(f.data_colours)
    assert set(colours) >= {f"diagrams.{n}" for n in diagrams.DIAGRAMS}
    assert all(colours.values()), f"no data colour read from {[s for s, c in colours.items() if not c]}"


@pytest.mark.parametrize("vision", sorted(CVD))
def test_colours_in_one_figure_stay_apart(vision: str) -> None:
    """Every pair of distinct data colours in a figure is at least MIN_DELTA_E apart for this reader."""
    failures = [f"{f.source}: {pair}" for f in figures() for pair in too_close(f.data_colours, vision)]
    assert sum(len(f.data_colours) >= 2 for f in figures()) >= 10, "too few figures with two colours to compare"
    assert not failures, f"{vision}: colours closer than ΔE' {MIN_DELTA_E}:\n" + "\n".join(failures)


def test_data_colours_come_from_the_palette() -> None:
    """Data colours are Okabe-Ito (PALETTE); the only exception is the diagrams' box tints."""
    strays = sorted(
        f"{f.source}: {p.colour} (alpha {p.alpha:g})"
        for f in figures()
        for p in f.paints
        if not neutral(p.colour)
        and p.colour not in PALETTE
        and not (f.source.startswith("diagrams.") and p.colour in TINTS)
    )
    assert not strays, "colours outside the palette:\n" + "\n".join(strays)


@pytest.mark.parametrize("vision", sorted(CVD))
def test_greys_look_the_same_to_every_reader(vision: str) -> None:
    """Why greys are left out: the simulation maps each grey the figures use to itself."""
    greys = {p.seen for f in figures() for p in f.paints if neutral(p.seen)}
    assert len(greys) >= 3
    shifts = {g: float(deltaE(to_rgb(g), simulate(g, vision), input_space="sRGB1")) for g in greys}
    assert max(shifts.values()) < 0.5, shifts


@pytest.mark.parametrize("vision", sorted(CVD))
def test_diagram_box_kinds_differ_by_edge_colour_or_line_style(vision: str) -> None:
    """Box tints merge for dichromats, so two kinds must differ by edge colour or by line style."""
    kinds = diagram_views.STYLES.items()
    alike = [
        (k1, k2)
        for (k1, (_, edge1, style1)), (k2, (_, edge2, style2)) in itertools.combinations(kinds, 2)
        if style1 == style2 and distance(edge1.upper(), edge2.upper(), vision) < MIN_DELTA_E
    ]
    assert not alike


def test_red_and_green_are_flagged_under_deuteranopia() -> None:
    """The check can fail: matplotlib's default red and green are distinct, except to a deuteranope."""
    red, green = "#D62728", "#2CA02C"
    assert float(deltaE(to_rgb(red), to_rgb(green), input_space="sRGB1")) >= MIN_DELTA_E
    assert [(a, b) for a, b, _ in too_close({red, green}, "deuteranopia")] == [(green, red)]


def test_a_rendered_red_green_chart_is_flagged() -> None:
    """The whole path can fail: a chart drawn and rendered as the widgets do, read back, flagged."""
    fig = _view.new_figure()
    ax = fig.add_subplot()
    ax.plot([0, 1], [0, 1], color="#D62728")
    ax.plot([0, 1], [1, 0], color="#2CA02C", marker="o")
    ax.grid(True, alpha=0.3)
    chart = Figure("planted", frozenset(html_paints(_view.figure_html(fig, "planted red and green lines"))))
    assert chart.data_colours == {"#D62728", "#2CA02C", BLACK}  # black: the spines
    assert [(a, b) for a, b, _ in too_close(chart.data_colours, "deuteranopia")] == [("#2CA02C", "#D62728")]
