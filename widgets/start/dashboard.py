"""The Start dashboard: what smskit is, where it runs, a card per dashboard, the guide's map."""

from __future__ import annotations

import importlib.resources
from pathlib import Path

import ipywidgets as W
import traitlets
from smskit_widgets.common.i18n import Translator, on_language_change
from smskit_widgets.common.layout import DashboardHeader, Lesson
from smskit_widgets.start import render

from smskit.deployment import Deployment, describe_deployment

t = Translator("start")
NOTEBOOKS = Path(str(importlib.resources.files("smskit_widgets.notebooks")))


def available_notebooks(folder: Path = NOTEBOOKS) -> frozenset[str]:
    """The dashboard notebooks present in ``folder`` (cards link only to these)."""
    return frozenset(p.name for p in folder.glob("*.ipynb"))


class StartPage(W.VBox):
    """Landing page: intro, simulator or real account, data location, cards, guide sections."""

    deployment = traitlets.Instance(Deployment, help="Simulator or Twilio, and where data lives")
    notebooks = traitlets.Instance(frozenset, help="Notebook file names that exist in notebooks/")

    def __init__(self, folder: Path = NOTEBOOKS, **kwargs: object) -> None:
        self.header = DashboardHeader("Start here", t, back=False)
        self.intro = Lesson("start")
        self.environment = W.HTML()
        self.environment.add_class("smskit-environment-panel")
        self.cards = W.HTML()
        self.cards.add_class("smskit-cards-panel")
        self.guide_map = W.HTML()
        self.guide_map.add_class("smskit-guide-map-panel")
        super().__init__(
            [self.header, self.intro, self.environment, self.cards, self.guide_map], **kwargs
        )
        self.add_class("smskit-start")
        self.deployment = describe_deployment()
        self.notebooks = available_notebooks(folder)
        self.observe(lambda _change: self._refresh(), names=["deployment", "notebooks"])
        self._refresh()
        on_language_change(self._refresh)

    def _refresh(self) -> None:
        self.environment.value = render.environment_html(self.deployment)
        self.cards.value = render.cards_html(self.notebooks)
        self.guide_map.value = render.guide_map_html(self.notebooks)
