"""Phone numbers: parse any formatting to E.164, with country, line type and time zones.

Built on python-phonenumbers (Google's libphonenumber metadata). :func:`parse_number` handles
one number and raises :class:`InvalidNumber` with a reason; :func:`parse_series` is the bulk path
used by contact import, which parses each distinct input once and skips phonenumbers' full
``parse`` for numbers already in international form (the common case in exported contact lists).

>>> info = parse_number("+1 (415) 555-0100")
>>> info.e164, info.region, info.line_type, info.can_receive_sms
('+14155550100', 'US', 'fixed_line_or_mobile', True)
>>> parse_number("020 7946 0958", "GB").line_type  # a London landline cannot receive SMS
'fixed_line'
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberType, ValidationResult
from phonenumbers.phonenumberutil import _GEO_MOBILE_COUNTRIES, COUNTRY_CODE_TO_REGION_CODE
from phonenumbers.tzdata import TIMEZONE_DATA

from smskit.i18n import LocalizedError, Text

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "BULK_COLUMNS",
    "LINE_TYPES",
    "REASONS",
    "InvalidNumber",
    "NumberInfo",
    "invalid_number_text",
    "parse_number",
    "parse_series",
]

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

#: Reason code -> English message template (``{raw}`` is the input, ``{region}`` a region code).
REASONS: dict[str, str] = {
    "empty": "No phone number given",
    "not_a_number": "'{raw}' is not a phone number",
    "missing_region": (
        "'{raw}' is in national format: give a default country (e.g. US) or write it with +"
    ),
    "invalid_country_code": "'{raw}' does not start with a known country code",
    "too_short": "'{raw}' is too short to be a phone number",
    "too_long": "'{raw}' is too long to be a phone number",
    "invalid_length": "'{raw}' has the wrong number of digits for {region}",
    "local_only": "'{raw}' is a local number: add the area code",
    "invalid_for_region": "'{raw}' is not a valid number for {region}",
}

_PARSE_ERRORS = {
    NumberParseException.INVALID_COUNTRY_CODE: "invalid_country_code",
    NumberParseException.NOT_A_NUMBER: "not_a_number",
    NumberParseException.TOO_SHORT_AFTER_IDD: "too_short",
    NumberParseException.TOO_SHORT_NSN: "too_short",
    NumberParseException.TOO_LONG: "too_long",
}
_POSSIBLE_ERRORS = {
    ValidationResult.TOO_SHORT: "too_short",
    ValidationResult.TOO_LONG: "too_long",
    ValidationResult.INVALID_LENGTH: "invalid_length",
    ValidationResult.INVALID_COUNTRY_CODE: "invalid_country_code",
    ValidationResult.IS_POSSIBLE_LOCAL_ONLY: "local_only",
}
_UNKNOWN_TZ = "Etc/Unknown"
_Valid = tuple[str, str, str, tuple[str, ...], bool]  # the fields of NumberInfo
_Row = tuple[str | None, str | None, str | None, tuple[str, ...], bool, str]  # + reason code


@dataclass(frozen=True, slots=True)
class NumberInfo:
    """A valid phone number: E.164 form, ISO region, line type, IANA time zones, SMS reachability.

    >>> parse_number("+447911123456").time_zones
    ('Europe/Guernsey', 'Europe/Isle_of_Man', 'Europe/Jersey', 'Europe/London')
    """

    e164: str
    region: str
    line_type: str
    time_zones: tuple[str, ...]
    can_receive_sms: bool


class InvalidNumber(LocalizedError):
    """A number that cannot be used; ``reason`` is a code from :data:`REASONS`.

    >>> try:
    ...     parse_number("12")
    ... except InvalidNumber as error:
    ...     print(error.reason, "|", error)
    missing_region | '12' is in national format: give a default country (e.g. US) or write it with +
    """

    def __init__(self, raw: str, reason: str, region: str = "") -> None:
        text = invalid_number_text(raw, reason, region)
        super().__init__(text.template, **text.params)
        self.raw = raw
        self.reason = reason
        self.region = region


def invalid_number_text(raw: str, reason: str, region: str = "") -> Text:
    """The translatable message for a reason code (as used in import reports).

    >>> str(invalid_number_text("+1 555", "too_short"))
    "'+1 555' is too short to be a phone number"
    """
    shown = raw if len(raw) <= 40 else raw[:37] + "..."  # a runaway cell can hold a whole file
    return Text(REASONS[reason], raw=shown, region=region or "?")


@functools.cache
def _check_region(default_region: str | None) -> str | None:
    if default_region is None or not default_region.strip():
        return None
    region = default_region.strip().upper()
    if region not in phonenumbers.SUPPORTED_REGIONS:
        raise LocalizedError("Unknown country code '{region}'", region=default_region)
    return region


def parse_number(raw: str, default_region: str | None = None) -> NumberInfo:
    """Parse and validate one number in any formatting; raise :class:`InvalidNumber` if unusable.

    >>> parse_number("(415) 555-0100", "US").e164
    '+14155550100'
    >>> parse_number("0812-3456-7890", "ID").region, parse_number("0812-3456-7890", "ID").line_type
    ('ID', 'mobile')
    """
    region = _check_region(default_region)
    text = raw.strip() if isinstance(raw, str) else ""
    if not text:
        raise InvalidNumber(str(raw) if raw is not None else "", "empty")
    try:
        number = phonenumbers.parse(text, region)
    except NumberParseException as error:
        reason = _PARSE_ERRORS.get(error.error_type, "not_a_number")
        if reason == "invalid_country_code" and region is None and not text.startswith("+"):
            reason = "missing_region"
        raise InvalidNumber(raw, reason) from None
    country_code = number.country_code or 0
    result = _classify(country_code, phonenumbers.national_significant_number(number))
    if not isinstance(result, str):
        return NumberInfo(*result)
    raise InvalidNumber(raw, _invalid_reason(number), result)


def _invalid_reason(number: phonenumbers.PhoneNumber) -> str:
    """Why a parsed number is not valid: a length problem, else 'not valid for the region'."""
    possible = phonenumbers.is_possible_number_with_reason(number)
    return _POSSIBLE_ERRORS.get(possible, "invalid_for_region")


@functools.cache
def _regions(country_code: int) -> tuple[tuple[str, Any, re.Pattern[str] | None], ...]:
    """The regions sharing a calling code with their metadata and compiled leading-digit pattern."""
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


def _classify(country_code: int, nsn: str) -> _Valid | str:
    """Validate a national significant number; the same decisions as phonenumbers'
    ``region_code_for_number`` + ``is_valid_number`` + ``number_type`` + ``time_zones_for_number``,
    but computing the number type once instead of three times. Returns the region on failure.
    """
    regions = _regions(country_code)
    if not regions:
        return ""
    found = None
    kind = PhoneNumberType.UNKNOWN
    for region, meta, leading in regions:
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
        return regions[0][0] if regions[0][0] != "001" else ""
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


# --- Bulk path ------------------------------------------------------------------------------

#: Columns of :func:`parse_series`' result (``reason`` is "" for a valid number).
BULK_COLUMNS = ("e164", "region", "line_type", "time_zones", "can_receive_sms", "reason")
_IGNORABLE = re.compile(r"[0-9+\s\-.()\u00a0]*")  # characters phonenumbers strips anyway
_SEPARATORS = re.compile(r"[\s\-.()\u00a0]")
_INTERNATIONAL = re.compile(r"\+([1-9][0-9]{5,16})")


def parse_series(values: pd.Series, default_region: str | None = None) -> pd.DataFrame:
    """Parse a column of numbers at once: one row per input, columns :data:`BULK_COLUMNS`.

    Each distinct input (after removing spaces, dashes, dots and brackets) is parsed once;
    ``+<digits>`` inputs skip phonenumbers' ``parse`` and the number type is computed once.
    Invalid rows have ``e164`` missing and a ``reason`` code (see :func:`invalid_number_text`).

    >>> import pandas as pd
    >>> out = parse_series(pd.Series(["+1 415-555-0100", "(415) 555 0100", "nope"]), "US")
    >>> out["e164"].tolist()[:2], out["e164"].isna().tolist(), out["reason"].tolist()
    (['+14155550100', '+14155550100'], [False, False, True], ['', '', 'not_a_number'])
    """
    import numpy as np
    import pandas as pd

    region = _check_region(default_region)
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    cache: dict[str, _Row] = {}
    rows: list[_Row] = []
    for raw in uniques.tolist():
        text = raw if isinstance(raw, str) else ""
        key = _SEPARATORS.sub("", text) if _IGNORABLE.fullmatch(text) else text.strip()
        if not key:
            rows.append((None, None, None, (), False, "not_a_number" if text.strip() else "empty"))
            continue
        row = cache.get(key)
        if row is None:
            row = cache[key] = _parse_key(key, region)
        rows.append(row)
    columns = list(zip(*rows, strict=True)) if rows else [()] * len(BULK_COLUMNS)
    data = {}
    for name, column in zip(BULK_COLUMNS, columns, strict=True):
        array = np.empty(len(column), dtype=object)
        array[:] = column
        data[name] = array[codes]
    frame = pd.DataFrame(data, index=values.index)
    frame["can_receive_sms"] = frame["can_receive_sms"].astype(bool)
    return frame


def _parse_key(key: str, region: str | None) -> _Row:
    """Parse one cleaned input. ``+<digits>``, and plain national digits when a default region is
    given, go straight to classification when phonenumbers' ``parse`` could not have changed the
    digits (no national prefix, IDD or leading zero to interpret); anything else, and anything
    invalid (to get phonenumbers' exact reason), takes the full ``parse``."""
    match = _INTERNATIONAL.fullmatch(key)
    if match:
        digits = match.group(1)
        for size in (1, 2, 3):
            country_code = int(digits[:size])
            if country_code in COUNTRY_CODE_TO_REGION_CODE:
                nsn = digits[size:]
                if nsn[:1] not in ("", "0") and not _may_strip(_regions(country_code)[0][1], nsn):
                    return _fast_row(country_code, nsn)
                break
    elif region is not None and key.isdigit() and key.isascii() and key[0] != "0" and len(key) > 2:
        meta = phonenumbers.PhoneMetadata.metadata_for_region(region, None)
        if (
            meta is not None
            and meta.country_code
            and not key.startswith(str(meta.country_code))
            and not (meta.international_prefix and _compiled(meta.international_prefix).match(key))
            and not _may_strip(meta, key)
        ):
            return _fast_row(meta.country_code, key)
    try:
        info = parse_number(key, region)
        return (info.e164, info.region, info.line_type, info.time_zones, info.can_receive_sms, "")
    except InvalidNumber as error:
        return (None, error.region or None, None, (), False, error.reason)


def _fast_row(country_code: int, nsn: str) -> _Row:
    """Classify digits that ``parse`` would have turned into exactly (country_code, nsn)."""
    result = _classify(country_code, nsn)
    if not isinstance(result, str):
        return (*result, "")
    number = phonenumbers.PhoneNumber(country_code=country_code, national_number=int(nsn))
    return (None, result or None, None, (), False, _invalid_reason(number))


def _may_strip(meta: Any, nsn: str) -> bool:
    """Whether phonenumbers might strip a national prefix here (then take the exact, slow path)."""
    pattern = meta.national_prefix_for_parsing
    if not pattern:
        return False
    found = _compiled(pattern).match(nsn)
    return found is not None and (found.end() > 0 or bool(meta.national_prefix_transform_rule))


@functools.cache
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)
