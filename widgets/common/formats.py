"""Numbers, money, country names and local times in the page's language (Babel, via
:mod:`smskit.i18n.formatting`): what every renderer uses instead of ``f"{x:,}"`` or ``strftime``."""

from __future__ import annotations

from smskit_widgets.common.i18n import LANGUAGE


def num(value: object, decimals: int | None = None) -> str:
    """A number with the current language's separators: 1,000 in English, 1.000 in Indonesian."""
    from smskit.i18n.formatting import format_number

    return format_number(value, LANGUAGE.lang, decimals=decimals)  # type: ignore[arg-type]


def money(amount: object, currency: str, *, rate: bool = False) -> str:
    """An amount with its currency in the current language: $2.07, US$2,07."""
    from smskit.i18n.formatting import format_money

    return format_money(amount, currency, LANGUAGE.lang, rate=rate)  # type: ignore[arg-type]


def country(code: str, fallback: str | None = None) -> str:
    """A country's name in the current language (CLDR): Amerika Serikat, Inggris Raya."""
    from smskit.i18n.formatting import country_name

    return country_name(code, LANGUAGE.lang, fallback)


def local_time(moment: object, zone: object, *, with_zone: bool = True) -> str:
    """An aware datetime in ``zone``'s local time, with the day and the zone named."""
    from smskit.i18n.formatting import format_local_time

    return format_local_time(moment, zone, LANGUAGE.lang, with_zone=with_zone)  # type: ignore[arg-type]
