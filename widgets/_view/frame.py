"""The frame every interactive is built in: :class:`Interactive` (presets and live controls) and
:class:`Views` (precomputed views), and the animation :func:`player`.

An interactive has

* a *principal control* (a dropdown of presets) linked in the browser to a
  ``Stack`` of views rendered in advance, one per preset, so it works on the
  static site with no kernel;
* *live controls* that re-render the visible view through Python (in
  JupyterLab or Binder); on the static site a note says they need a kernel;
* an error line: a ``ValueError`` from the model shows its message there and
  the widget keeps working.

Views are HTML strings; charts come from one reused matplotlib figure per
widget (:mod:`.charts`), tables from :func:`.tables.table`.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping
from typing import Any

import ipywidgets as w

from .tables import number_text

Values = dict[str, Any]

#: Shown only on the static site, right under the principal control (the book's stylesheet un-hides
#: ``.needs-kernel`` and hides the live controls, class ``kernel-only``, which need Python). Its links
#: get their addresses from the page's own launch and download buttons (html_extra/widgetjs/a11y.js).
KERNEL_NOTE = (
    '<div class="needs-kernel" role="note" style="display:none">'
    "<b>The menu above switches between worked settings.</b> To set your own values, "
    '<a data-launch="binder">open this chapter on Binder</a> or '
    '<a data-launch="download">download the notebook</a> for JupyterLab: every control is live there.'
    "</div>"
)
KERNEL_ONLY = "kernel-only"

#: Width of the controls' labels, so every control lines up.
_STYLE = {"description_width": "11em"}
_LAYOUT = {"width": "30em"}


def error_html(error: Exception) -> str:
    """A short message for the error line (never a traceback)."""
    if isinstance(error, ValueError):
        text = str(error)
    else:  # a bug, not bad input: still keep the widget alive
        text = f"unexpected {type(error).__name__}: {error}"
    return f'<div role="alert" style="color:#b00020">&#9888; {html.escape(text)}</div>'


def control(kind: str, description: str, **kwargs: Any) -> w.ValueWidget:
    """An ipywidgets control (``kind`` names its class) with the course's label width.

    Sliders report on release, so a drag costs one recomputation, not dozens.
    """
    cls = getattr(w, kind)
    if "continuous_update" in cls.class_trait_names():
        kwargs.setdefault("continuous_update", False)
    kwargs.setdefault("tooltip", description)  # the full label on hover, however narrow the column
    return cls(description=description, style=_STYLE, layout=_LAYOUT, **kwargs)


def counted(*counts: int) -> list[tuple[str, int]]:
    """Dropdown options for counts, labelled with thousands separators (the settings line shows the label)."""
    return [(f"{n:,}", n) for n in counts]


def shown_value(control: w.ValueWidget) -> str:
    """A control's value as the reader sees it: an option's label, yes/no, a number with commas.

    >>> shown_value(w.IntSlider(value=1500, max=2000)), shown_value(w.Checkbox(value=True))
    ('1,500', 'yes')
    """
    if hasattr(control, "options"):
        return str(control.label)
    value = control.value
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)):
        return number_text(value)
    return str(value) if str(value).strip() else "blank"


def settings_html(controls: Mapping[str, w.ValueWidget]) -> str:
    """The settings a view was computed with, one "label: value" each, so a view states its parameters."""
    items = " · ".join(f"{html.escape(c.description)}: <b>{html.escape(shown_value(c))}</b>" for c in controls.values())
    return f'<p class="view-settings" style="margin:0.2em 0 0.4em">Settings: {items}</p>' if items else ""


def label_width(labels: list[str]) -> str:
    """A label column wide enough for the longest label (about 0.55 em a character), 11 em at least.

    >>> label_width(["Step"]), label_width(["Requests per user a day"])
    ('11em', '13.2em')
    """
    return f"{max(11.0, round(0.55 * max(map(len, labels), default=0) + 0.5, 1)):g}em"


def controls(spec: Mapping[str, tuple[str, str, Mapping[str, Any]]]) -> dict[str, w.ValueWidget]:
    """Controls declared as data: name -> (widget class, label, options), built by :func:`control`,
    their labels in one column wide enough for the longest, so no label is cut."""
    width = label_width([label for _, label, _ in spec.values()])
    built = {name: control(kind, label, **options) for name, (kind, label, options) in spec.items()}
    for built_control in built.values():
        built_control.style.description_width = width
        built_control.layout.width = f"calc({width} + 19em)"
    return built


def linked_choice(description: str, names: list[str], views: list[w.Widget]) -> tuple[w.Dropdown, w.Stack]:
    """A dropdown and a stack of views, linked in the browser: it switches views with no kernel."""
    dropdown = w.Dropdown(options=names, description=description, tooltip=description, style=_STYLE, layout=_LAYOUT)
    stack = w.Stack(children=views, selected_index=0)
    w.jslink((dropdown, "index"), (stack, "selected_index"))
    return dropdown, stack


def player(frames: list[str], interval_ms: int = 1000, label: str = "Step") -> w.VBox:
    """An animation of HTML frames: Play and a scrubbing slider, linked in the browser.

    Plays on the static site (the Play widget ticks in the front end) and in JupyterLab.
    """
    last = len(frames) - 1
    play = w.Play(min=0, max=last, interval=interval_ms, description="Play", tooltip="Play / pause", show_repeat=False)
    step = w.IntSlider(min=0, max=last, description=label, tooltip=label, readout=True,
                       style={"description_width": f"{0.55 * len(label) + 0.5:.1f}em"})
    stack = w.Stack(children=[w.HTML(frame) for frame in frames], selected_index=0)
    w.jslink((play, "value"), (step, "value"))
    w.jslink((step, "value"), (stack, "selected_index"))
    return w.VBox([w.HBox([play, step]), stack])


class Views(w.VBox):
    """Precomputed views (e.g. animations) behind one dropdown that works with no kernel."""

    def __init__(self, description: str, choices: Mapping[str, w.Widget]) -> None:
        self.principal, self.stack = linked_choice(description, list(choices), list(choices.values()))
        super().__init__(children=[self.principal, self.stack])

    def __repr__(self) -> str:
        # Short and stable: notebooks store it as the cell's text output, which nbval compares.
        return f"<views: {self.principal.description} = {self.principal.value!r}>"


def views(description: str, choices: Mapping[str, w.Widget]) -> Views:
    """Precomputed views (e.g. animations) behind one dropdown that works with no kernel."""
    return Views(description, choices)


class Interactive(w.VBox):
    """Presets in a browser-linked stack, plus live controls that re-render it.

    ``render(values) -> str`` turns the controls' values into the view's HTML.
    ``presets`` maps each preset's name to the control values it sets: every live control, so
    that each precomputed view states the settings it was computed with.
    """

    def __init__(
        self,
        render: Callable[[Values], str],
        controls: Mapping[str, w.ValueWidget],
        presets: Mapping[str, Values],
        *,
        principal: str = "Preset",
    ) -> None:
        self.render = render
        self.controls = dict(controls)
        self.presets = dict(presets)
        self.error = w.HTML()
        views = []
        for name in self.presets:
            self._apply(self.presets[name])
            views.append(w.HTML(self._html()))
        self.principal, self.stack = linked_choice(principal, list(self.presets), views)
        self._apply(self.presets[self.principal.value])
        self.principal.observe(self._on_preset, names="value")
        for control in self.controls.values():
            control.observe(self._on_control, names="value")
            control.add_class(KERNEL_ONLY)
        live = list(self.controls.values())
        note = [w.HTML(KERNEL_NOTE)] if live else []
        super().__init__(children=[self.principal, *note, self.stack, *live, self.error])

    def __repr__(self) -> str:
        # Short and stable: notebooks store it as the cell's text output, which nbval compares.
        return f"<interactive: {self.principal.description} = {self.principal.value!r}>"

    @property
    def values(self) -> Values:
        """The live controls' current values, by name."""
        return {name: control.value for name, control in self.controls.items()}

    @property
    def view(self) -> w.HTML:
        """The view on show (the stack's selected child)."""
        return self.stack.children[self.principal.index]

    def _apply(self, preset: Values) -> None:
        self._updating = True
        try:
            for name, value in preset.items():
                self.controls[name].value = value
        finally:
            self._updating = False

    def _html(self) -> str:
        """The view for the controls' values: the settings it shows, then what ``render`` draws."""
        return settings_html(self.controls) + self.render(self.values)

    def refresh(self) -> None:
        """Re-render the visible view from the controls; errors go to the error line."""
        try:
            self.view.value = self._html()
            self.error.value = ""
        except Exception as error:  # noqa: BLE001 - a callback must never raise
            self.error.value = error_html(error)

    def _on_preset(self, change: dict) -> None:
        self._apply(self.presets[change["new"]])
        self.refresh()

    def _on_control(self, change: dict) -> None:
        if not self._updating:
            self.refresh()
