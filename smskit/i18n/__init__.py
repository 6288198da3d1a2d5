"""English and Bahasa Indonesia: message catalogues, localized text, Babel formats (numbers, money,
plurals, dates, country names: ``formatting``), and the translation checker.

A bottom layer: every other package may import it.
"""

from __future__ import annotations

from smskit.i18n.catalog import (
    LANGUAGE_NAMES,
    LANGUAGES,
    N_,
    LocalizedError,
    Text,
    default_language,
    translate,
)

# Their public home is this package: tracebacks and reprs say ``smskit.i18n.LocalizedError``.
LocalizedError.__module__ = Text.__module__ = __name__

__all__ = [
    "LANGUAGES",
    "LANGUAGE_NAMES",
    "N_",
    "LocalizedError",
    "Text",
    "default_language",
    "translate",
]
