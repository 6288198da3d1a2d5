"""Language switching for the dashboards: one shared language per kernel, a switch, a translator.

Each dashboard module makes ``t = Translator("<domain>")`` and writes every visible string as
``t("English text")``; the Indonesian lives in ``widgets/locale/id/LC_MESSAGES/<domain>.po``.
A widget calls ``on_language_change(self._refresh)`` (or its own relabel method) so that the
switch re-renders it in place.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import ipywidgets as W
import traitlets

from smskit.i18n import LANGUAGE_NAMES, LANGUAGES, Text, default_language, translate

WIDGETS_LOCALE = Path(__file__).resolve().parent / "locale"


class _Language(traitlets.HasTraits):
    lang = traitlets.Enum(LANGUAGES, default_value=default_language(), help="Current UI language")


LANGUAGE = _Language()


class Translator:
    """``t("Segments")`` in the current language, from one ``.po`` domain."""

    def __init__(self, domain: str) -> None:
        self.domain = domain

    def __call__(self, message: str, **params: object) -> str:
        text = translate(message, LANGUAGE.lang, self.domain, WIDGETS_LOCALE)
        return text.format(**params) if params else text


def render_text(text: Text | str) -> str:
    """smskit's own messages (errors, findings) in the current language."""
    return text.render(LANGUAGE.lang) if isinstance(text, Text) else str(text)


def on_language_change(callback: Callable[[], None]) -> None:
    """Call ``callback()`` whenever the language switch changes."""
    LANGUAGE.observe(lambda _change: callback(), names="lang")


class LanguageSwitch(W.ToggleButtons):
    """The EN / ID switch every dashboard shows in its top bar."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(
            options=[(LANGUAGE_NAMES[code], code) for code in LANGUAGES],
            value=LANGUAGE.lang,
            style={"button_width": "auto"},
            **kwargs,
        )
        self.add_class("smskit-language-switch")
        traitlets.link((self, "value"), (LANGUAGE, "lang"))
