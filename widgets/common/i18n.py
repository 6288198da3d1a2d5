"""Language switching for the dashboards: one shared language per kernel, a switch, a translator.

Each dashboard module makes ``t = Translator("<domain>")`` and writes every visible string as
``t("English text")``; the Indonesian lives in ``widgets/locale/id/LC_MESSAGES/<domain>.po``.
A widget calls ``on_language_change(self._refresh)`` (or its own relabel method) so that the
switch re-renders it in place.
"""

from __future__ import annotations

import contextlib
import importlib.resources
import logging
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import ipywidgets as W
import traitlets

from smskit.i18n.catalog import (
    LANGUAGE_NAMES,
    LANGUAGES,
    Text,
    catalogue,
    default_language,
    plural_catalogue,
    translate,
    translate_plural,
)

GLOSSARY = "glossary"  # widgets/locale/<lang>/LC_MESSAGES/glossary.po: the shared terms
WIDGETS_LOCALE = Path(str(importlib.resources.files("smskit_widgets") / "locale"))
log = logging.getLogger("smskit.widgets")


def initial_language(query_string: str | None = None) -> str:
    """``?lang=id`` in the page URL (Voilà sets each kernel's ``QUERY_STRING``), else SMSKIT_LANG.

    The language travels in links between dashboards, because each Voilà page is its own kernel.
    """
    query = os.environ.get("QUERY_STRING", "") if query_string is None else query_string
    wanted = parse_qs(query).get("lang", [""])[0].strip().lower()[:2]
    return wanted if wanted in LANGUAGES else default_language()


class _Language(traitlets.HasTraits):
    lang = traitlets.Enum(LANGUAGES, default_value=initial_language(), help="Current UI language")


LANGUAGE = _Language()


def link_with_language(href: str, lang: str | None = None) -> str:
    """``href`` with ``lang=<current language>`` in its query, so the next dashboard opens in it."""
    parts = urlsplit(href)
    query = {k: v for k, v in parse_qs(parts.query).items() if k != "lang"}
    query["lang"] = [lang or LANGUAGE.lang]
    return urlunsplit(parts._replace(query=urlencode(query, doseq=True)))


class Translator:
    """``t("Segments")`` in the current language, from one ``.po`` domain."""

    def __init__(self, domain: str) -> None:
        self.domain = domain

    def __call__(self, message: str, **params: object) -> str:
        # The glossary (glossary.po) first: a shared term has one translation on every page.
        text = catalogue(WIDGETS_LOCALE, LANGUAGE.lang, GLOSSARY).get(message) or translate(
            message, LANGUAGE.lang, self.domain, WIDGETS_LOCALE
        )
        if not params:
            return text
        try:
            return text.format(**params)
        except (KeyError, IndexError, ValueError):
            # A translation with broken placeholders must not break the page: show English.
            log.warning("bad placeholders in %s translation of %r", self.domain, message)
            return message.format(**params)

    def ngettext(self, singular: str, plural: str, n: float, **params: object) -> str:
        """The right plural form for ``n`` (Babel's plural rules), formatted with ``n`` and params.

        ``t.ngettext("{n} segment", "{n} segments", 2)`` is "2 segments", "2 segmen" in Indonesian.
        Numbers passed as ``n`` are shown with the language's separators.
        """
        from smskit.i18n.formatting import format_number, plural_index

        shared = plural_catalogue(WIDGETS_LOCALE, LANGUAGE.lang, GLOSSARY).get(singular)
        if shared:  # the glossary first, as for single messages
            text = shared[min(plural_index(n, LANGUAGE.lang), len(shared) - 1)]
        else:
            text = translate_plural(singular, plural, n, LANGUAGE.lang, self.domain, WIDGETS_LOCALE)
        values = {"n": format_number(n, LANGUAGE.lang), **params}
        try:
            return text.format(**values)
        except (KeyError, IndexError, ValueError):
            log.warning("bad placeholders in %s translation of %r", self.domain, singular)
            return (singular if n == 1 else plural).format(**values)


def render_text(text: Text | str) -> str:
    """smskit's own messages (errors, findings) in the current language."""
    return text.render(LANGUAGE.lang) if isinstance(text, Text) else str(text)


def on_language_change(callback: Callable[[], None]) -> None:
    """Call ``callback()`` whenever the language switch changes."""

    def handler(_change: object) -> None:
        callback()

    LANGUAGE.observe(handler, names="lang")
    _record(lambda: LANGUAGE.unobserve(handler, names="lang"))


_RECORDING: list[list[Callable[[], None]]] = []


def _record(undo: Callable[[], None]) -> None:
    for recorded in _RECORDING:
        recorded.append(undo)


@contextlib.contextmanager
def language_listeners_discarded() -> Iterator[None]:
    """Listeners (and language switches) registered inside the block are removed after it.

    For a throwaway build (``smskit_widgets.common.page``): its widgets must not re-render on
    every later language change.
    """
    recorded: list[Callable[[], None]] = []
    _RECORDING.append(recorded)
    try:
        yield
    finally:
        _RECORDING.remove(recorded)
        for undo in recorded:
            undo()


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
        _record(traitlets.link((self, "value"), (LANGUAGE, "lang")).unlink)
