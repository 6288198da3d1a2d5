"""One stylesheet for every dashboard: no label cut short, no input squeezed, no overlap.

ipywidgets draws a description on one line in a fixed 80 px box and cuts the rest with "…"
("Nomor, ID atau laya…"), gives buttons a fixed 148 px ("Antrekan untuk ditin…"), a checkbox
300 px ("Smart encoding (ganti tanda kutip mele…") and lets a long label squeeze its input to a
sliver. Indonesian labels run 20–40% longer than English ones, and trainers use laptops from
1366 px down to 800 px wide (or half a projector screen). So on our pages:

- descriptions and checkbox labels wrap onto a second line instead of being cut;
- buttons, toggle buttons and upload buttons are at least as wide as their text;
- an input or a list keeps at least 7em beside its label;
- rows of widgets (``HBox``) wrap onto the next line when the window is too narrow;
- a list without a width set is as wide as its longest choice, up to the width of its box;
- a widget set to ``width: 100%`` fits inside its box with its margins.

The rules apply only inside a dashboard: the box that holds a ``.smskit-header`` (CSS ``:has``),
so the same widgets in a JupyterLab notebook keep JupyterLab's look. ``tests/browser/test_layout``
checks every dashboard at 1366 and 800 px, in English and Indonesian.
"""

from __future__ import annotations

import ipywidgets as W

# Every dashboard's root box has the header as a direct child.
_ROOT = ".jupyter-widgets:has(> .smskit-header)"

_RULES = {
    # Wrap, never cut: the label grows taller, the row with it.
    ".widget-label, {r} .widget-label-basic": (
        "white-space: normal; overflow-wrap: anywhere; text-overflow: clip; height: auto;"
        "line-height: 1.3; padding: 5px 0; flex-shrink: 1; min-width: 3em"
    ),
    # ``width: 100%`` plus ipywidgets' 2 px margins stuck out of the box and lost the right border.
    ".widget-inline-hbox": "height: auto; min-height: var(--jp-widgets-inline-height);"
    "max-width: calc(100% - 2 * var(--jp-widgets-margin))",
    ".widget-checkbox": "width: auto; max-width: 100%; line-height: normal",
    ".widget-dropdown": "width: fit-content; min-width: min(var(--jp-widgets-inline-width), 100%);"
    "max-width: 100%; line-height: normal",
    ".widget-dropdown > select": "height: var(--jp-widgets-inline-height); flex: 1 1 auto",
    ".widget-inline-hbox > input, {r} .widget-inline-hbox > select": "min-width: 7em",
    ".jupyter-button, {r} .widget-upload": "min-width: max-content",
    ".widget-hbox": "flex-wrap: wrap; max-width: 100%",
}

PAGE_CSS = "\n".join(
    f"{_ROOT} {selector.format(r=_ROOT)} {{ {declarations} }}"
    for selector, declarations in _RULES.items()
)


class PageStyle(W.HTML):
    """The stylesheet above as an invisible widget; :class:`DashboardHeader` carries it."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(
            value=f"<style>{PAGE_CSS}</style>", layout=W.Layout(display="none"), **kwargs
        )
        self.add_class("smskit-page-style")
