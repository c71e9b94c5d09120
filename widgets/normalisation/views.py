"""Views of normalisation: one seeded data set in a normalised and a denormalised SQLite schema, and
what reading a feed page, renaming a user or adding a comment costs in each.

The interactive is declared as data (its controls and presets), a chart class that builds its figure
once and updates its artists, and a ``render`` that formats what :mod:`.model` measured.
"""

from __future__ import annotations

import pandas as pd

from widgets import _view
from widgets._view.tables import number_text

from . import model

BLUE, ORANGE, *_, BLACK = _view.PALETTE
WIDTH_IN, SMALL_PT = _view.FIGURE_WIDTH_IN, _view.MIN_FONT_PT
PAGE = 20
KIB = 1024
#: Per schema: bar colour and hatch (never colour alone).
_SCHEMA_STYLE = {"normalised": (BLUE, ""), "denormalised": (ORANGE, "//")}
_OPERATIONS = [(f"read a feed page ({PAGE} posts)", "feed"), ("rename a user", "rename"),
               ("add a comment to the newest post", "comment")]
_OPERATION_LABEL = {operation: label for label, operation in _OPERATIONS}
_CONTROLS = {
    "n_users": ("Dropdown", "Users", {"options": _view.counted(100, 1_000), "value": 1_000}),
    "n_posts": ("Dropdown", "Posts (3 comments each)", {"options": _view.counted(1_000, 10_000), "value": 10_000}),
    "operation": ("Dropdown", "Operation", {"options": _OPERATIONS}),
    "user": ("IntText", "User (id; 1 is the busiest)", {"value": 1}),
    "forget": ("Dropdown", "Denormalised write", {"options": [("updates every copy", False),
                                                               ("misses one table", True)]}),
}
_SCALE = {"n_users": 1_000, "n_posts": 10_000}
_PRESETS = {
    "Read a feed page": _SCALE | {"operation": "feed", "user": 1, "forget": False},
    "Rename the busiest user": _SCALE | {"operation": "rename", "user": 1, "forget": False},
    "A rename that misses the comments": _SCALE | {"operation": "rename", "user": 1, "forget": True},
    "Add a comment": _SCALE | {"operation": "comment", "user": 1, "forget": False},
}
_LEGEND = _view.legend([("■", BLUE, "normalised"), ("■", ORANGE, "denormalised (hatched)")])
_PANELS = (("rows touched (read + written)", "rows_touched"), ("SQLite VM steps", "vm_steps"))


class _CostChart:
    """Two bar panels, one bar per schema: rows touched and VM steps (the table adds the bytes stored).

    No frame but the baseline and no background, so each preset's SVG stays small."""

    def __init__(self) -> None:
        self.figure = _view.new_figure(WIDTH_IN, 1.25)
        self.figure.set_layout_engine(None)
        width_in, height_in = self.figure.get_size_inches()
        self.axes, self.bars, self.labels = [], [], []
        for k, (title, _) in enumerate(_PANELS):
            left = 1.08 + k * 1.8
            ax = self.figure.add_axes((left / width_in, 0.08 / height_in, 1.5 / width_in, 0.85 / height_in))
            ax.set(ylim=(1.5, -0.5), xticks=[], yticks=[])
            ax.patch.set_visible(False)
            for side in ("top", "right", "bottom"):
                ax.spines[side].set_visible(False)
            ax.text(0.5, 1.04, title, transform=ax.transAxes, ha="center", va="bottom", fontsize=SMALL_PT)
            if k == 0:
                for row, schema in enumerate(model.SCHEMAS):
                    ax.text(-0.05, row, schema, transform=ax.get_yaxis_transform(), ha="right", va="center",
                            fontsize=SMALL_PT)
            bars = ax.barh([0, 1], [1, 1], height=0.65, edgecolor=BLACK, linewidth=0.6,
                           color=[c for c, _ in _SCHEMA_STYLE.values()]).patches
            for bar, (_, hatch) in zip(bars, _SCHEMA_STYLE.values()):
                bar.set_hatch(hatch)
            self.axes.append(ax)
            self.bars.append(bars)
            self.labels.append([ax.text(0, row, "", va="center", ha="left", fontsize=SMALL_PT) for row in (0, 1)])

    def html(self, costs: pd.DataFrame, operation: str) -> str:
        for (_, column), ax, bars, labels in zip(_PANELS, self.axes, self.bars, self.labels):
            values = costs[column].tolist()
            top = max(values) * 1.9 or 1.0
            ax.set_xlim(0, top)
            for bar, label, value in zip(bars, labels, values):
                bar.set_width(value)
                label.set_x(value + 0.03 * top)
                label.set_text(number_text(value))
        alt = f"Bar charts comparing the normalised and denormalised schemas for {operation}: " + "; ".join(
            f"{title}: " + ", ".join(f"{schema} {number_text(costs.loc[schema, column])}" for schema in model.SCHEMAS)
            for title, column in _PANELS) + "."
        return _view.figure_html(self.figure, alt)


def _story(v: _view.Values, costs: dict[str, model.Cost]) -> str:
    """One paragraph: what the operation did in each schema, with the generated data's own counts."""
    data = model.generate(v["n_users"], v["n_posts"])
    user, old = v["user"], model.name(v["user"])
    if v["operation"] == "feed":
        same = costs["normalised"].result == costs["denormalised"].result
        first, last = costs["normalised"].result[0][0], costs["normalised"].result[-1][0]
        return (f"<p>Both schemas return {'the same' if same else 'DIFFERENT'} {PAGE} posts (ids {first:,} down to "
                f"{last:,}), author names and comment counts: the normalised one joins three tables to get them, "
                "the denormalised one reads them from the post rows.</p>")
    if v["operation"] == "rename":
        posts, comments = data.posts_by(user), data.comments_by(user)
        text = (f"<p>{old} wrote {posts:,} posts and {comments:,} comments. Normalised: one row changes. "
                f"Denormalised: the user row and every copy of the name, 1 + {posts:,} + {comments:,} = "
                f"{1 + posts + comments:,} rows")
        if v["forget"]:
            text += (f". This rename skipped the comments: it wrote {costs['denormalised'].rows_written:,} rows and "
                     f"left <b>{costs['denormalised'].inconsistent_rows:,}</b> comments saying <code>{old}</code> "
                     f"while the user is now <code>{model.new_name(user)}</code>")
        return text + ".</p>"
    count = data.comments_on(v["n_posts"])
    text = (f"<p>A comment by {old} on post {v['n_posts']:,}, which had {count:,}. Normalised: one row inserted. "
            "Denormalised: the comment row, with the author's name copied in, and the post's "
            "<code>comment_count</code>")
    if v["forget"]:
        text += (f". This write forgot the count: the post still says {count:,} but has {count + 1:,} "
                 f"(<b>{costs['denormalised'].inconsistent_rows:,}</b> row inconsistent)")
    return text + ".</p>"


def _tables(costs: pd.DataFrame, by_schema: dict[str, model.Cost]) -> str:
    shown = pd.DataFrame({
        "rows read": costs["rows_read"], "rows written": costs["rows_written"], "VM steps": costs["vm_steps"],
        "statements": costs["statements"], "inconsistent rows": costs["inconsistent_rows"],
        "stored (KiB)": costs["stored_kib"],
    })
    caption = ("Per schema, measured by SQLite in memory, each operation rolled back afterwards. Rows read: rows "
               "and index entries its plan visits; rows written: changes(); VM steps: instructions of SQLite's "
               "virtual machine; inconsistent rows: copies that disagree with their source afterwards; stored: "
               "B-tree pages of tables and indexes (dbstat), 4,096 B each, in KiB (1,024 B).")
    plans = pd.DataFrame(
        [(schema, sql, "; ".join(line.strip() for line in plan) or "(no lookup)")
         for schema, cost in by_schema.items() for sql, plan in zip(cost.statements, cost.plans)],
        columns=["schema", "SQL (parameterised)", "SQLite's query plan"])
    plan_caption = ("Each statement and the plan EXPLAIN QUERY PLAN gives for it: SCAN reads an index or table in "
                    "order, SEARCH jumps to the matching entries through an index.")
    return (_view.table(shown, caption, index=True)
            + _view.table(plans, plan_caption, code=("SQL (parameterised)", "SQLite's query plan")))


def schemas() -> _view.Interactive:
    """The same seeded users, posts and comments, normalised and denormalised, and one operation in both.

    >>> "SCAN posts USING INDEX posts_by_time" in schemas().view.value
    True
    """
    chart = _CostChart()

    def render(v: _view.Values) -> str:
        costs = model.compare(v["operation"], v["n_users"], v["n_posts"], user=v["user"], forget=v["forget"],
                              page=PAGE)
        costs["stored_kib"] = costs["stored_bytes"] / KIB
        by_schema = {schema: model.operation_cost(schema, v["operation"], v["n_users"], v["n_posts"],
                                                  user=v["user"], forget=v["forget"], page=PAGE)
                     for schema in model.SCHEMAS}
        return (chart.html(costs, _OPERATION_LABEL[v["operation"]]) + _LEGEND + _story(v, by_schema)
                + _tables(costs, by_schema))

    return _view.Interactive(render, _view.controls(_CONTROLS), _PRESETS, principal="Scenario")
