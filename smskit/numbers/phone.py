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
import gc
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import phonenumbers
from phonenumbers import NumberParseException, ValidationResult
from phonenumbers.phonenumberutil import COUNTRY_CODE_TO_REGION_CODE

from smskit.i18n.catalog import LocalizedError, Text
from smskit.numbers.classify import LINE_TYPES, classify, regions

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

REASONS: dict[str, str] = {
    "empty": "No phone number given",
    "not_a_number": "'{raw}' is not a phone number",
    "missing_region": (
        "'{raw}' is in national format: give a default country (e.g. US) or write it with +"
    ),
    "invalid_country_code": "'{raw}' does not start with a known country code",
    # Where the tool has no default-country field: only the + form can be asked for.
    "needs_plus": "'{raw}' has no country code: write it with + and the country code (+62 812…)",
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
    result = classify(country_code, phonenumbers.national_significant_number(number))
    if not isinstance(result, str):
        return NumberInfo(*result)
    raise InvalidNumber(raw, _invalid_reason(number), result)


def _invalid_reason(number: phonenumbers.PhoneNumber) -> str:
    """Why a parsed number is not valid: a length problem, else 'not valid for the region'."""
    possible = phonenumbers.is_possible_number_with_reason(number)
    return _POSSIBLE_ERRORS.get(possible, "invalid_for_region")


#: Columns of :func:`parse_series`' result (``reason`` is "" for a valid number).
BULK_COLUMNS = ("e164", "region", "line_type", "time_zones", "can_receive_sms", "reason")
# Separators phonenumbers ignores between digits; deleting them lets "+1 415-555-0100" and
# "+14155550100" share one parse. Anything else keeps the input as written (stripped).
_SEPARATORS = str.maketrans(dict.fromkeys(" \t\n\r\f\v\u00a0\u2007\u2009\u202f-.()"))
_INTERNATIONAL = re.compile(r"\+([1-9][0-9]{5,16})")


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a bulk step builds many small objects.

    Bulk parsing makes hundreds of thousands of tuples and strings, none in reference cycles;
    each batch of new objects would trigger a collection that scans them all (about a quarter of
    the time here). They are still freed by reference counting; collection resumes afterwards.

    >>> with gc_paused():
    ...     gc.isenabled()
    False
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


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

    region = _check_region(default_region)
    with gc_paused():
        return _parse_all(values, region)


def _parse_all(values: pd.Series, region: str | None) -> pd.DataFrame:
    import numpy as np
    import pandas as pd

    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    cache: dict[str, _Row] = {}
    rows: list[_Row] = []
    for raw in uniques.tolist():
        text = raw if isinstance(raw, str) else ""
        key = text.translate(_SEPARATORS)
        if key and not (key.isascii() and key.replace("+", "").isdigit()):
            key = text.strip()
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
                if nsn[:1] not in ("", "0") and not _may_strip(regions(country_code)[0][1], nsn):
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
    result = classify(country_code, nsn)
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
