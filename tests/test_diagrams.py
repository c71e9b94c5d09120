"""Diagrams drawn by code: valid graphs, alt text, identical output run to run."""

import re

import pytest

from widgets import diagrams


@pytest.mark.parametrize("name", sorted(diagrams.DIAGRAMS))
def test_diagram_is_an_svg_with_alt_text_and_deterministic(name: str) -> None:
    factory = getattr(diagrams, name)  # each diagram has a view factory of its name
    first, second = factory().data, factory().data
    assert first == second
    assert first.startswith('<img src="data:image/svg+xml;base64,')
    alt = re.search(r'alt="([^"]*)"', first).group(1)
    assert len(alt.split()) >= 15


@pytest.mark.parametrize("name", sorted(diagrams.DIAGRAMS))
def test_every_panel_is_a_valid_graph(name: str) -> None:
    """Every box of every panel has a known kind and every arrow joins two of its boxes."""
    for title, boxes, arrows in diagrams.DIAGRAMS[name].panels:
        g = diagrams.graph(boxes, arrows)
        assert title and g.number_of_nodes() == len(boxes) and g.number_of_edges() == len(arrows)


def test_graph_keeps_boxes_and_labelled_arrows() -> None:
    g = diagrams.graph([("a", 0, 0, "A", "client"), ("b", 1, 0, "B", "store")], [("a", "b", "SQL")])
    assert g.nodes["b"]["kind"] == "store" and g.edges["a", "b"]["label"] == "SQL"


def test_unknown_kind_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="kind must be one of"):
        diagrams.graph([("a", 0, 0, "A", "cloud")], [])


def test_arrow_to_a_missing_box_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="must join two boxes"):
        diagrams.graph([("a", 0, 0, "A", "client")], [("a", "z", "")])
