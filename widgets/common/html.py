"""Small HTML building blocks shared by the dashboards' renderers: headings, table header cells,
and matplotlib figures as inline SVG.

Pure functions, no widgets: the render modules (``widgets/<dashboard>/render.py``) and the
dashboards use them so that escaping and the chart setup are written once. Charts are drawn with
matplotlib's Agg backend and embedded as ``<svg>`` in a ``W.HTML``: no extra JavaScript on the
Voilà page.
"""

from __future__ import annotations

import html
import io
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

#: The left-aligned, lightly padded cell style of the dashboards' plain data tables.
CELL_STYLE = "text-align:left;padding:2px 8px"


def heading(text: str, level: int = 3, style: str = "") -> str:
    """An ``<hN>`` heading with its text escaped: ``heading("A & B")`` is ``<h3>A &amp; B</h3>``."""
    attribute = f" style='{style}'" if style else ""
    return f"<h{level}{attribute}>{html.escape(text)}</h{level}>"


def header_cells(labels: Iterable[str], style: str = "") -> str:
    """One escaped ``<th>`` per label, with an optional inline style, for a table's header row."""
    attribute = f" style='{style}'" if style else ""
    return "".join(f"<th{attribute}>{html.escape(label)}</th>" for label in labels)


@contextmanager
def svg_pyplot() -> Iterator[Any]:
    """pyplot on the Agg backend, set up so that the figures drawn inside save as compact SVG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    # Text stays text in the SVG (smaller, selectable); a fixed salt keeps element ids stable.
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "smskit"}):
        yield plt


def figure_svg(fig: Any) -> str:
    """The figure as an inline ``<svg>`` element (no XML prolog or doctype); closes the figure."""
    import matplotlib.pyplot as plt

    buffer = io.StringIO()
    fig.savefig(buffer, format="svg")
    plt.close(fig)
    svg = buffer.getvalue()
    return svg[svg.find("<svg") :]
