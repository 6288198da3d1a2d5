"""Numbers, money, plurals, dates, day and country names in English or Bahasa Indonesia, via Babel.

One place for every locale-dependent format, so a dashboard never mixes "1,000 × 0.0083" with
"US$1.658,80": Babel's CLDR data decides separators, currency symbols, day names ("Kam" for
Thursday), territory names ("Amerika Serikat") and plural categories.

>>> format_number(1658.8, "id"), format_number(1658.8, "en")
('1.658,8', '1,658.8')
>>> format_money("2.07", "USD", "en"), format_money("2.07", "USD", "id")
('$2.07', 'US$2,07')
>>> country_name("US", "id")
'Amerika Serikat'
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime, tzinfo
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

Number = int | float | Decimal | str


@functools.cache
def _locale(lang: str) -> Any:
    from babel import Locale  # Babel is loaded on first use, like every Babel use in smskit

    return Locale.parse(lang)


@functools.cache
def plural_index(count: int | float | Decimal, lang: str) -> int:
    """Which gettext plural form ``count`` takes in ``lang``: CLDR's category, in gettext's order.

    English has "one" and "other" (forms 0 and 1); Indonesian has only "other" (form 0), so
    "1 segmen", "2 segmen" and English "1 segment", "2 segments" both come out right.

    >>> plural_index(1, "en"), plural_index(2, "en"), plural_index(0, "en"), plural_index(1, "id")
    (0, 1, 1, 0)
    >>> plural_index(1.5, "en")  # "1.5 hours"
    1
    """
    rule = _locale(lang).plural_form
    categories = [c for c in ("zero", "one", "two", "few", "many") if c in rule.tags] + ["other"]
    return categories.index(rule(abs(count)))


def format_number(value: Number, lang: str, *, decimals: int | None = None) -> str:
    """A number with the language's separators; ``decimals`` fixes the fraction digits.

    >>> format_number(1000, "en"), format_number(0.0083, "id"), format_number(8.3, "en", decimals=2)
    ('1,000', '0,0083', '8.30')
    """
    from babel.numbers import format_decimal

    if decimals is None:
        return str(format_decimal(Decimal(str(value)), locale=lang, decimal_quantization=False))
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return str(format_decimal(Decimal(str(value)), format=pattern, locale=lang))


def format_money(amount: Number, currency: str, lang: str, *, rate: bool = False) -> str:
    """An amount with its currency symbol; a ``rate`` (a per-segment price) keeps 5 decimals.

    >>> format_money("0.0083", "USD", "en", rate=True), format_money(1658.8, "USD", "id")
    ('$0.0083', 'US$1.658,80')
    """
    from babel.numbers import format_currency

    pattern = "¤#,##0.00###" if rate else None
    return str(
        format_currency(
            Decimal(str(amount)), currency, format=pattern, locale=lang, currency_digits=not rate
        )
    )


def country_name(code: str, lang: str, fallback: str | None = None) -> str:
    """A country's name in ``lang`` from CLDR (``XK`` and other codes Babel lacks: ``fallback``).

    >>> country_name("GB", "en"), country_name("TR", "en"), country_name("TR", "id")
    ('United Kingdom', 'Türkiye', 'Turki')
    """
    return str(_locale(lang).territories.get(code.upper(), fallback or code))


def day_name(weekday: int, lang: str, width: str = "abbreviated") -> str:
    """Monday = 0, as :meth:`datetime.weekday`: ``day_name(3, "id")`` is ``'Kam'``.

    >>> day_name(3, "en"), day_name(3, "id"), day_name(6, "id", "wide")
    ('Thu', 'Kam', 'Minggu')
    """
    return str(_locale(lang).days["format"][width][weekday])


def zone_label(zone: tzinfo | str, lang: str, when: datetime | None = None) -> str:
    """A time zone as people read it: its CLDR name and its IANA key.

    >>> zone_label("Asia/Jakarta", "id")
    'Waktu Indonesia Barat, Asia/Jakarta'
    >>> zone_label("UTC", "en")
    'UTC'
    """
    from babel.dates import get_timezone_name

    tz = ZoneInfo(zone) if isinstance(zone, str) else zone
    key = getattr(tz, "key", str(tz))
    if key in {"UTC", "Etc/UTC"} or str(tz) == "UTC":
        return "UTC"
    from datetime import UTC

    moment = (when or datetime.now(UTC)).astimezone(tz)
    name = str(get_timezone_name(moment, width="long", locale=lang))
    return f"{name}, {key}"


def format_local_time(
    moment: datetime, zone: tzinfo | str, lang: str, *, with_zone: bool = True
) -> str:
    """An aware moment in ``zone``'s local time, with the day, date and (by default) the zone.

    >>> from datetime import UTC
    >>> format_local_time(datetime(2026, 12, 3, 2, 0, tzinfo=UTC), "Asia/Jakarta", "id")
    'Kam, 3 Des 2026 09:00 (Waktu Indonesia Barat, Asia/Jakarta)'
    >>> format_local_time(datetime(2026, 12, 3, 2, 0, tzinfo=UTC), "UTC", "en", with_zone=False)
    'Thu, Dec 3, 2026 02:00'
    """
    from babel.dates import format_date, format_time

    if moment.tzinfo is None:
        raise ValueError("a naive datetime has no time zone")
    tz = ZoneInfo(zone) if isinstance(zone, str) else zone
    local = moment.astimezone(tz)
    text = (
        f"{format_date(local, 'EEE', locale=lang)}, "
        f"{format_date(local, 'medium', locale=lang)} {format_time(local, 'HH:mm', locale=lang)}"
    )
    return f"{text} ({zone_label(tz, lang, moment)})" if with_zone else text


@dataclass(frozen=True, slots=True)
class CountryNames:
    """Country codes that render as names in the sentence's language (a :class:`Text` parameter).

    >>> CountryNames(("US", "GB")).render("id"), str(CountryNames(("TR",)))
    ('Amerika Serikat, Inggris Raya', 'Türkiye')
    """

    codes: tuple[str, ...]

    def render(self, lang: str) -> str:
        """The names joined with commas."""
        return ", ".join(country_name(code, lang) for code in self.codes)

    def __str__(self) -> str:
        return self.render("en")


@dataclass(frozen=True, slots=True)
class Money:
    """An amount and its currency that render with the language's symbol and separators.

    >>> Money(Decimal("1658.8"), "USD").render("id"), str(Money(Decimal("2.5"), "USD"))
    ('US$1.658,80', '$2.50')
    """

    amount: Decimal
    currency: str
    rate: bool = False

    def render(self, lang: str) -> str:
        """The amount formatted for ``lang``."""
        return format_money(self.amount, self.currency, lang, rate=self.rate)

    def __str__(self) -> str:
        return self.render("en")


@dataclass(frozen=True, slots=True)
class Num:
    """A number that renders with the language's separators: 1,000 or 1.000.

    >>> Num(1000).render("id"), str(Num(1000))
    ('1.000', '1,000')
    """

    value: int | float | Decimal

    def render(self, lang: str) -> str:
        """The number formatted for ``lang``."""
        return format_number(self.value, lang)

    def __str__(self) -> str:
        return self.render("en")


@dataclass(frozen=True, slots=True)
class Plural:
    """A count with its noun in the right plural form for the language (gettext ``ngettext``).

    >>> str(Plural("{n} week", "{n} weeks", 1)), str(Plural("{n} week", "{n} weeks", 4))
    ('1 week', '4 weeks')
    >>> Plural("{n} week", "{n} weeks", 4).render("id")
    '4 minggu'
    """

    singular: str
    plural: str
    n: int

    def render(self, lang: str) -> str:
        """The form for ``n`` in ``lang``, with ``n`` formatted for ``lang``."""
        from smskit.i18n.catalog import translate_plural

        form = translate_plural(self.singular, self.plural, self.n, lang)
        return form.format(n=format_number(self.n, lang))

    def __str__(self) -> str:
        return self.render("en")


@dataclass(frozen=True, slots=True)
class ZoneNames:
    """Time zones for a sentence: up to two by name, the rest counted (a US test number has 40+).

    >>> str(ZoneNames(("America/New_York",)))
    'America/New_York'
    >>> ZoneNames(("America/New_York", "America/Chicago", "America/Denver")).render("id")
    'America/New_York, America/Chicago dan 1 zona waktu lain'
    """

    zones: tuple[str, ...]

    def render(self, lang: str) -> str:
        """Two names, then how many more."""
        head = ", ".join(self.zones[:2])
        if len(self.zones) <= 2:
            return head
        more = Plural("and {n} other time zone", "and {n} other time zones", len(self.zones) - 2)
        return f"{head} {more.render(lang)}"

    def __str__(self) -> str:
        return self.render("en")


@dataclass(frozen=True, slots=True)
class Prerendered:
    """A parameter stored already rendered in every language (JSON keeps no objects).

    >>> Prerendered((("en", "2 weeks"), ("id", "2 minggu"))).render("id")
    '2 minggu'
    """

    texts: tuple[tuple[str, str], ...]

    def render(self, lang: str) -> str:
        """The text in ``lang``, else English."""
        found = dict(self.texts)
        return found.get(lang) or found.get("en", "")

    def __str__(self) -> str:
        return self.render("en")


# The zone a moment in a sentence is shown in: UTC unless the dashboard sets the user's zone (one
# kernel serves one person, so a module-level setting is enough).
_display_zone = ["UTC"]


def set_display_zone(zone: str) -> None:
    """Show :class:`Moment` parameters in ``zone`` from now on (a dashboard sets the user's).

    >>> set_display_zone("UTC")
    """
    ZoneInfo(zone)  # refuse an unknown zone here, not later while rendering
    _display_zone[0] = zone


@dataclass(frozen=True, slots=True)
class Moment:
    """A moment in a sentence, shown in the display zone with the zone named.

    >>> from datetime import UTC
    >>> Moment(datetime(2026, 12, 3, 2, 0, tzinfo=UTC)).render("en")
    'Thu, Dec 3, 2026 02:00 (UTC)'
    """

    at: datetime

    def render(self, lang: str) -> str:
        """The moment in the display zone and ``lang``."""
        return format_local_time(self.at, _display_zone[0], lang)

    def __str__(self) -> str:
        return self.render("en")
