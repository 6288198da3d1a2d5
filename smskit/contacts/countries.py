"""Countries in contact files: a country cell's ISO code, and the country a national number is from.

A country column may hold ISO codes (``MX``, ``MEX``), names in smskit's six languages (``Mexico``,
``Meksiko``, ``México``) or dialling codes (``+52``, ``52``, ``0052``). Nothing here is typed by
hand: codes and dialling codes come from phonenumbers (libphonenumber's metadata), names and
ISO 3166 alpha-3 codes from the Unicode CLDR through Babel, the languages from ``data/keywords.csv``
and the markets tried for a national number from ``data/countries.csv``.

>>> region_for_value("Meksiko"), region_for_value("+52"), region_for_value("Atlantis")
('MX', 'MX', None)
"""

from __future__ import annotations

import functools
import re
import unicodedata

import phonenumbers

from smskit._data import read_table
from smskit.numbers.phone import InvalidNumber, parse_number

__all__ = ["fold", "markets", "national_region", "region_for_value", "region_kind"]

# A dialling code as written in a country column: +52, 0052 (with the international prefix 00), 52.
_DIALLING = re.compile(r"\s*(\+|00)?\s*([1-9][0-9]{0,2})\s*")
_MARKS = re.compile(r"[^0-9a-z]")


def fold(text: str) -> str:
    """``text`` for comparison: accents dropped, case folded, only letters and digits kept.

    >>> fold("États-Unis"), fold("Länder-Code"), fold("No. HP")
    ('etatsunis', 'landercode', 'nohp')
    """
    plain = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    return _MARKS.sub("", plain.casefold())


def region_for_value(value: str) -> str | None:
    """The ISO region code a country cell names, or None.

    >>> region_for_value("UK"), region_for_value("deu"), region_for_value("0062")
    ('GB', 'DE', 'ID')
    """
    found = region_kind(value)
    return found[0] if found else None


@functools.lru_cache(maxsize=4096)
def region_kind(value: str) -> tuple[str, str] | None:
    """(ISO region code, how it was written) for a country cell: ``code`` (ISO alpha-2 or -3),
    ``name``, ``dialling`` (+52, 0052) or ``number`` (52: a dialling code, or any number).

    >>> region_kind("+44"), region_kind("44"), region_kind("Inggris Raya"), region_kind("gb")
    (('GB', 'dialling'), ('GB', 'number'), ('GB', 'name'), ('GB', 'code'))
    """
    if not isinstance(value, str) or not value.strip():
        return None
    dialling = _DIALLING.fullmatch(value)
    if dialling:
        region = phonenumbers.region_code_for_country_code(int(dialling.group(2)))
        if region not in phonenumbers.SUPPORTED_REGIONS:  # "ZZ" unknown, "001" non-geographic
            return None
        return region, "dialling" if dialling.group(1) else "number"
    return _names().get(fold(value))


@functools.cache
def _names() -> dict[str, tuple[str, str]]:
    """Folded ISO code, alpha-3 code or country name -> (region, kind); names that mean different
    countries in different languages are left out."""
    from babel import Locale
    from babel.core import get_global

    regions = phonenumbers.SUPPORTED_REGIONS
    table: dict[str, tuple[str, str]] = {fold(code): (code, "code") for code in regions}
    # CLDR's territory aliases: ISO 3166 alpha-3 codes (MEX, USA) and old codes (UK for GB).
    for alias, targets in get_global("territory_aliases").items():
        if alias.isalpha() and alias not in regions and len(targets) == 1 and targets[0] in regions:
            table.setdefault(fold(alias), (targets[0], "code"))
    names: dict[str, set[str]] = {}
    for language in languages():
        for code, name in Locale.parse(language).territories.items():
            if code in regions:
                names.setdefault(fold(name), set()).add(code)
    for key, codes in names.items():
        if key and len(codes) == 1 and key not in table:
            table[key] = (codes.pop(), "name")
    return table


@functools.cache
def languages() -> tuple[str, ...]:
    """The languages smskit supports for its customers' words: those of ``data/keywords.csv``.

    >>> languages()
    ('de', 'en', 'es', 'fr', 'id', 'pt')
    """
    return tuple(sorted({row["language"] for row in read_table("keywords") if row["language"]}))


@functools.cache
def markets() -> tuple[str, ...]:
    """The countries smskit documents (``data/countries.csv``), in its order.

    >>> markets()[:3]
    ('US', 'CA', 'GB')
    """
    return tuple(row["code"] for row in read_table("countries"))


@functools.lru_cache(maxsize=4096)
def national_region(raw: str, default_region: str | None) -> str | None:
    """The country (other than ``default_region``) in whose national format ``raw`` is a valid
    number that can receive SMS, trying the :func:`markets` in order; None if there is none, or if
    ``raw`` is written with ``+``. Landlines do not count: a few numbering plans (Germany's,
    Kenya's) take almost any digits for one, so junk such as 555-CALL would.

    >>> national_region("07400 123456", "US"), national_region("(415) 555-0100", None)
    ('GB', 'US')
    >>> national_region("+44 7400 123456", "US"), national_region("555-CALL", "US")
    (None, None)
    """
    text = raw.strip()
    if not text or text.startswith("+"):
        return None
    for region in markets():
        if region == default_region:
            continue
        try:
            info = parse_number(text, region)
        except InvalidNumber:
            continue
        if info.can_receive_sms and info.region != default_region:
            return info.region
    return None
