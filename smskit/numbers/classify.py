"""Validating a national number the way phonenumbers does, with fewer regular-expression calls.

phonenumbers' ``region_code_for_number``, ``is_valid_number``, ``number_type`` and
``time_zones_for_number`` each work out the number type again (ten pattern matches in the worst
case). :func:`classify` works it out once, with one alternation per region and number length, and
gives the same answers: ``tests/test_numbers.py`` compares them on every example number of every
region and on random neighbours.

>>> classify(44, "2079460958")
('+442079460958', 'GB', 'fixed_line', ('Europe/London',), False)
>>> classify(1, "1235550100")  # no US area code starts with 1: the region is returned
'US'
"""

from __future__ import annotations

import functools
import re
from typing import Any

import phonenumbers
from phonenumbers import PhoneNumberType
from phonenumbers.phonenumberutil import _GEO_MOBILE_COUNTRIES, COUNTRY_CODE_TO_REGION_CODE
from phonenumbers.tzdata import TIMEZONE_DATA

__all__ = ["LINE_TYPES", "Valid", "classify", "regions"]

#: phonenumbers.PhoneNumberType value -> our line-type name (lower-case of the library's names).
LINE_TYPES: dict[int, str] = {
    PhoneNumberType.FIXED_LINE: "fixed_line",
    PhoneNumberType.MOBILE: "mobile",
    PhoneNumberType.FIXED_LINE_OR_MOBILE: "fixed_line_or_mobile",
    PhoneNumberType.TOLL_FREE: "toll_free",
    PhoneNumberType.PREMIUM_RATE: "premium_rate",
    PhoneNumberType.SHARED_COST: "shared_cost",
    PhoneNumberType.VOIP: "voip",
    PhoneNumberType.PERSONAL_NUMBER: "personal_number",
    PhoneNumberType.PAGER: "pager",
    PhoneNumberType.UAN: "uan",
    PhoneNumberType.VOICEMAIL: "voicemail",
    PhoneNumberType.UNKNOWN: "unknown",
}

# Landlines cannot receive SMS (Twilio error 30006 "Landline or unreachable carrier"). Where the
# metadata cannot tell fixed from mobile (US/CA "fixed_line_or_mobile") we do not flag the number.
_NO_SMS_LINE_TYPES = frozenset({"fixed_line"})

_UNKNOWN_TZ = "Etc/Unknown"
Valid = tuple[str, str, str, tuple[str, ...], bool]  # the fields of smskit.numbers.phone.NumberInfo


@functools.cache
def regions(country_code: int) -> tuple[tuple[str, Any, re.Pattern[str] | None], ...]:
    """The regions sharing a calling code with their metadata and compiled leading-digit pattern.

    >>> [region for region, _, _ in regions(44)]
    ['GB', 'GG', 'IM', 'JE']
    """
    out = []
    for region in COUNTRY_CODE_TO_REGION_CODE.get(country_code, ()):
        if region == "001":  # non-geographic entities (+800, +882, ...)
            meta = phonenumbers.PhoneMetadata.metadata_for_nongeo_region(country_code, None)
        else:
            meta = phonenumbers.PhoneMetadata.metadata_for_region(region, None)
        if meta is None:
            continue
        leading = re.compile(meta.leading_digits) if meta.leading_digits else None
        out.append((region, meta, leading))
    return tuple(out)


@functools.cache
def _country_time_zones(country_code: int) -> tuple[str, ...]:
    return _known_zones(TIMEZONE_DATA.get(str(country_code), ()))


def _known_zones(zones: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    return tuple(z for z in zones if z != _UNKNOWN_TZ)


# phonenumbers' _number_type_helper tries these descriptions in this order; the first that matches
# (allowed length, then the whole national number against its pattern) gives the type.
_TYPE_ORDER = (
    ("premium_rate", PhoneNumberType.PREMIUM_RATE),
    ("toll_free", PhoneNumberType.TOLL_FREE),
    ("shared_cost", PhoneNumberType.SHARED_COST),
    ("voip", PhoneNumberType.VOIP),
    ("personal_number", PhoneNumberType.PERSONAL_NUMBER),
    ("pager", PhoneNumberType.PAGER),
    ("uan", PhoneNumberType.UAN),
    ("voicemail", PhoneNumberType.VOICEMAIL),
    ("fixed_line", PhoneNumberType.FIXED_LINE),
    ("mobile", PhoneNumberType.MOBILE),
)
_GROUP_TYPES = dict(_TYPE_ORDER)
_Matcher = tuple[re.Pattern[str] | None, re.Pattern[str] | None, re.Pattern[str] | None, bool]
_MATCHERS: dict[tuple[int, int], _Matcher] = {}


def _applies(desc: Any, length: int) -> bool:
    if desc is None or not desc.national_number_pattern:
        return False
    return not desc.possible_length or length in desc.possible_length


def _matcher(meta: Any, length: int) -> _Matcher:
    """For one region and number length: the general pattern, one alternation of every type's
    pattern in phonenumbers' order (a single ``fullmatch`` finds the first type that matches), the
    mobile pattern (to tell fixed from fixed-or-mobile) and whether fixed and mobile share one."""
    key = (id(meta), length)  # metadata objects live as long as the process
    found = _MATCHERS.get(key)
    if found is None:
        same = bool(meta.same_mobile_and_fixed_line_pattern)
        alternatives = [
            f"(?P<{name}>{getattr(meta, name).national_number_pattern})"
            for name, _ in _TYPE_ORDER
            if _applies(getattr(meta, name), length) and not (name == "mobile" and same)
        ]
        general = meta.general_desc
        found = _MATCHERS[key] = (
            re.compile(general.national_number_pattern) if _applies(general, length) else None,
            re.compile("|".join(alternatives)) if alternatives else None,
            re.compile(meta.mobile.national_number_pattern)
            if _applies(meta.mobile, length)
            else None,
            same,
        )
    return found


def _number_type(nsn: str, meta: Any) -> int:
    """The same answer as phonenumbers' ``_number_type_helper``, in two or three regex calls."""
    general, alternation, mobile, same = _matcher(meta, len(nsn))
    if general is None or alternation is None or general.fullmatch(nsn) is None:
        return PhoneNumberType.UNKNOWN
    match = alternation.fullmatch(nsn)
    if match is None:
        return PhoneNumberType.UNKNOWN
    name = match.lastgroup or next(n for n, _ in _TYPE_ORDER if match.group(n) is not None)
    kind = _GROUP_TYPES[name]
    if kind == PhoneNumberType.FIXED_LINE and (
        same or (mobile is not None and mobile.fullmatch(nsn))
    ):
        return PhoneNumberType.FIXED_LINE_OR_MOBILE
    return kind


@functools.cache
def _zone_prefix_lengths(first_two: str) -> tuple[int, ...]:
    """Lengths of the time-zone prefixes that start like this number, longest first."""
    lengths = {
        len(key) for key in TIMEZONE_DATA if first_two.startswith(key) or key[:2] == first_two
    }
    return tuple(sorted(lengths, reverse=True))


def classify(country_code: int, nsn: str) -> Valid | str:
    """E.164, region, line type, time zones and SMS reachability; the region alone if invalid.

    The same decisions as phonenumbers' ``region_code_for_number``, ``is_valid_number``,
    ``number_type`` and ``time_zones_for_number``, computing the number type once, not three times.

    >>> classify(49, "15123456789")
    ('+4915123456789', 'DE', 'mobile', ('Europe/Berlin',), True)
    """
    candidates = regions(country_code)
    if not candidates:
        return ""
    found = None
    kind = PhoneNumberType.UNKNOWN
    for region, meta, leading in candidates:
        if leading is not None:
            if leading.match(nsn):
                found, kind = region, _number_type(nsn, meta)
                break
        else:
            kind = _number_type(nsn, meta)
            if kind != PhoneNumberType.UNKNOWN:
                found = region
                break
    if found is None or kind == PhoneNumberType.UNKNOWN:
        return candidates[0][0] if candidates[0][0] != "001" else ""
    line_type = LINE_TYPES[kind]
    e164 = f"+{country_code}{nsn}"
    geographic = kind in (PhoneNumberType.FIXED_LINE, PhoneNumberType.FIXED_LINE_OR_MOBILE) or (
        kind == PhoneNumberType.MOBILE and country_code in _GEO_MOBILE_COUNTRIES
    )
    zones: tuple[str, ...] = ()
    if geographic:
        for length in _zone_prefix_lengths(e164[1:3]):
            hit = TIMEZONE_DATA.get(e164[1 : 1 + length])
            if hit is not None:
                zones = _known_zones(hit)
                break
    if not zones:
        # phonenumbers answers "Etc/Unknown" here; the country's zones are more useful for
        # quiet hours (and the compliance rules take the most restrictive one).
        zones = _country_time_zones(country_code)
    return (e164, found, line_type, zones, line_type not in _NO_SMS_LINE_TYPES)
