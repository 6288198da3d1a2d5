"""English and Bahasa Indonesia: one gettext message catalogue per domain, read with Babel.

English text is the message id (the gettext convention), so code stays readable. Indonesian lives
in ``<package>/locale/id/LC_MESSAGES/<domain>.po``. The ``.po`` files are read directly with Babel,
so no compile step is needed on a fresh clone. ``SMSKIT_LANG=id`` sets the default language.

Text that smskit shows to staff (errors, compliance reasons) is built as a :class:`Text`: an English
template plus parameters, rendered in either language on demand.

>>> Text("{count} recipients", count=3).render("en")
'3 recipients'
>>> translate("Segments", "xx")  # unknown language: English
'Segments'
"""

from __future__ import annotations

import functools
import importlib.resources
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

LANGUAGES: tuple[str, ...] = ("en", "id")
LANGUAGE_NAMES = {"en": "English", "id": "Bahasa Indonesia"}
SMSKIT_LOCALE = Path(str(importlib.resources.files("smskit.i18n") / "locale"))


def default_language() -> str:
    """The language to start in: ``SMSKIT_LANG`` if it names a supported one, else English.

    >>> default_language() in LANGUAGES
    True
    """
    lang = os.environ.get("SMSKIT_LANG", "en").strip().lower()[:2]
    return lang if lang in LANGUAGES else "en"


@functools.cache
def catalogue(locale_dir: Path, lang: str, domain: str) -> dict[str, str]:
    """Return ``msgid -> msgstr`` for one ``.po`` file (empty for English or a missing file).

    >>> catalogue(SMSKIT_LOCALE, "en", "smskit")
    {}
    """
    path = locale_dir / lang / "LC_MESSAGES" / f"{domain}.po"
    if lang == "en" or not path.exists():
        return {}
    from babel.messages.pofile import read_po  # Babel is only needed once a catalogue is read

    with path.open("rb") as handle:
        parsed = read_po(handle, locale=lang)
    return {
        str(m.id): str(m.string)
        for m in parsed
        if m.id and isinstance(m.id, str) and m.string and not m.fuzzy
    }


@functools.cache
def plural_catalogue(locale_dir: Path, lang: str, domain: str) -> dict[str, tuple[str, ...]]:
    """Return ``singular msgid -> plural msgstr forms`` for one ``.po`` file's plural entries.

    >>> plural_catalogue(SMSKIT_LOCALE, "en", "smskit")
    {}
    """
    path = locale_dir / lang / "LC_MESSAGES" / f"{domain}.po"
    if lang == "en" or not path.exists():
        return {}
    from babel.messages.pofile import read_po

    with path.open("rb") as handle:
        parsed = read_po(handle, locale=lang)
    return {
        str(m.id[0]): tuple(str(s) for s in m.string)
        for m in parsed
        if isinstance(m.id, tuple) and isinstance(m.string, tuple | list) and not m.fuzzy
        if all(m.string)
    }


def translate_plural(
    singular: str,
    plural: str,
    count: int | float,
    lang: str,
    domain: str = "smskit",
    locale_dir: Path = SMSKIT_LOCALE,
) -> str:
    """gettext's ``ngettext``: the form of ``count`` in ``lang``, by Babel's CLDR plural rules.

    >>> translate_plural("{n} segment", "{n} segments", 1, "en")
    '{n} segment'
    >>> translate_plural("{n} segment", "{n} segments", 0, "en")
    '{n} segments'
    """
    from smskit.i18n.formatting import plural_index

    if domain == "smskit" and locale_dir == SMSKIT_LOCALE:
        folder = SMSKIT_LOCALE / lang / "LC_MESSAGES"
        domains = [p.stem for p in sorted(folder.glob("*.po"))] if lang != "en" else []
    else:
        domains = [domain]
    for name in domains:
        forms = plural_catalogue(locale_dir, lang, name).get(singular)
        if forms:
            return forms[min(plural_index(count, lang), len(forms) - 1)]
    for name in domains:  # a plain entry for the singular serves a language with one form (id)
        single = catalogue(locale_dir, lang, name).get(singular)
        if single and plural_index(2, lang) == 0:
            return single
    return singular if plural_index(count, "en") == 0 else plural


@functools.cache
def smskit_catalogue(lang: str) -> dict[str, str]:
    """All of smskit's own catalogues for ``lang`` merged (one ``.po`` file per module).

    >>> smskit_catalogue("en")
    {}
    """
    merged: dict[str, str] = {}
    folder = SMSKIT_LOCALE / lang / "LC_MESSAGES"
    for path in sorted(folder.glob("*.po")) if lang != "en" else ():
        merged.update(catalogue(SMSKIT_LOCALE, lang, path.stem))
    return merged


def translate(
    message: str, lang: str, domain: str = "smskit", locale_dir: Path = SMSKIT_LOCALE
) -> str:
    """Translate one English message id; fall back to English when no translation exists.

    ``domain="smskit"`` means all of smskit's own catalogues; widgets pass their domain and folder.

    >>> translate("Segments", "en")
    'Segments'
    """
    if domain == "smskit" and locale_dir == SMSKIT_LOCALE:
        return smskit_catalogue(lang).get(message, message)
    return catalogue(locale_dir, lang, domain).get(message, message)


def N_(message: str) -> str:
    """Mark a string for extraction without translating it now (gettext's ``N_``).

    >>> N_("Quiet hours")
    'Quiet hours'
    """
    return message


@dataclass(frozen=True, slots=True)
class Text:
    """A translatable message: an English template with ``{named}`` parameters.

    >>> str(Text("Row {row}: {field} is empty", row=3, field="phone"))
    'Row 3: phone is empty'
    """

    template: str
    params: dict[str, Any] = field(default_factory=dict)

    def __init__(self, template: str, /, **params: Any) -> None:
        object.__setattr__(self, "template", template)
        object.__setattr__(self, "params", params)

    def render(self, lang: str = "en", domain: str = "smskit") -> str:
        """Render in ``lang``; parameters are formatted into the translated template.

        >>> Text("{n} segments", n=2).render("en")
        '2 segments'

        A parameter that can render itself (a nested :class:`Text`, a list of country names, an
        amount of money) is rendered in ``lang`` too, so no English name is left in a sentence.

        >>> from smskit.i18n.formatting import CountryNames
        >>> Text("Not supported in {countries}", countries=CountryNames(("US", "GB"))).render("id")
        'Tidak didukung di Amerika Serikat, Inggris Raya'
        """
        params = {
            key: value.render(lang) if callable(getattr(value, "render", None)) else value
            for key, value in self.params.items()
        }
        return translate(self.template, lang, domain).format(**params)

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready form to store, rendered later in whichever language the reader uses.

        Numbers, strings, booleans and None are kept; any other parameter is kept as its English.

        >>> Text("Twilio error {code}", code=20003).to_json()
        {'template': 'Twilio error {code}', 'params': {'code': 20003}}
        """
        plain = (str, int, float, bool, type(None))
        params = {k: v if isinstance(v, plain) else str(v) for k, v in self.params.items()}
        return {"template": self.template, "params": params}

    @classmethod
    def from_json(cls, stored: Any) -> Text | None:
        """The :class:`Text` that :meth:`to_json` stored; None for anything else.

        >>> Text.from_json(Text("Row {row}", row=3).to_json()).render("id")
        'Baris 3'
        >>> Text.from_json({"template": 7}) is None
        True
        """
        if not isinstance(stored, dict) or not isinstance(stored.get("template"), str):
            return None
        params = stored.get("params")
        return cls(stored["template"], **(params if isinstance(params, dict) else {}))

    def __str__(self) -> str:
        return self.render("en")

    def __hash__(self) -> int:
        return hash((self.template, tuple(sorted((k, repr(v)) for k, v in self.params.items()))))


class LocalizedError(ValueError):
    """A ValueError whose message is a :class:`Text`, so a dashboard can show it in any language.

    >>> str(LocalizedError("Row {row}: no phone number", row=7))
    'Row 7: no phone number'
    """

    def __init__(self, template: str, /, **params: Any) -> None:
        self.text = Text(template, **params)
        super().__init__(str(self.text))

    def render(self, lang: str) -> str:
        """The message in ``lang``.

        >>> LocalizedError("Unknown country {code}", code="XX").render("en")
        'Unknown country XX'
        """
        return self.text.render(lang)
