"""Pieces every dashboard shares: the header (back to Start, title, language switch) and lessons.

Lesson text is markdown in ``widgets/lessons/<lang>/<name>.md``: one file per language, so a
translator works on whole paragraphs, and a test checks that every English lesson has its Indonesian
twin with the same headings.
"""

from __future__ import annotations

import functools
import html
import importlib.resources
from pathlib import Path

import ipywidgets as W
import mistune
from smskit_widgets.common.i18n import (
    LANGUAGE,
    LanguageSwitch,
    Translator,
    link_with_language,
    on_language_change,
)
from smskit_widgets.common.page_style import PageStyle

LESSONS = Path(str(importlib.resources.files("smskit_widgets") / "lessons"))
t = Translator("common")


@functools.cache
def lesson_html(name: str, lang: str) -> str:
    """The lesson ``name`` in ``lang`` as HTML (English if the translation is missing)."""
    path = LESSONS / lang / f"{name}.md"
    if not path.exists():
        path = LESSONS / "en" / f"{name}.md"
    return str(mistune.html(path.read_text(encoding="utf-8")))


class Lesson(W.HTML):
    """Teaching text that follows the language switch."""

    def __init__(self, name: str, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.name = name
        self.add_class("smskit-lesson")
        self.add_class(f"smskit-lesson-{name}")
        self._refresh()
        on_language_change(self._refresh)

    def _refresh(self) -> None:
        self.value = (
            f'<div class="smskit-lesson-body">{lesson_html(self.name, LANGUAGE.lang)}</div>'
        )


class DashboardHeader(W.HBox):
    """« Start | <title> | EN/ID switch, with stable classes for browser tests.

    The back link carries the current language (``start.ipynb?lang=id``); ``back=False`` hides it
    on the Start page itself.
    """

    def __init__(
        self, title: str, translator: Translator, *, back: bool = True, **kwargs: object
    ) -> None:
        self._title_msgid = title
        self._t = translator
        self.back = W.HTML()
        self.back.add_class("smskit-back")
        if not back:
            self.back.layout.visibility = "hidden"
        self.title = W.HTML()
        self.title.add_class("smskit-title")
        self.language = LanguageSwitch()
        # Every dashboard has a header: it brings the layout rules that keep labels whole.
        self.page_style = PageStyle()
        super().__init__(
            [self.back, self.title, self.language, self.page_style],
            layout=W.Layout(justify_content="space-between", align_items="center", width="100%"),
            **kwargs,
        )
        self.add_class("smskit-header")
        self._refresh()
        on_language_change(self._refresh)

    def _refresh(self) -> None:
        href = html.escape(link_with_language("./start.ipynb"))
        self.back.value = (
            f'<a class="smskit-back-link" href="{href}">&larr; {html.escape(t("Start"))}</a>'
        )
        self.title.value = (
            f"<h2 style='margin:4px 0'>{html.escape(self._t(self._title_msgid))}</h2>"
        )
