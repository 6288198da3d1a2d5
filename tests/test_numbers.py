"""smskit.numbers.phone against phonenumbers' own API (the specification) and the documented
reasons."""

from __future__ import annotations

import random

import pandas as pd
import phonenumbers
import pytest
from phonenumbers import PhoneNumberFormat, PhoneNumberType
from phonenumbers.timezone import time_zones_for_number

from smskit.i18n.catalog import LocalizedError
from smskit.numbers.phone import (
    LINE_TYPES,
    InvalidNumber,
    NumberInfo,
    parse_number,
    parse_series,
)

TYPES = [t for t in LINE_TYPES if t != PhoneNumberType.UNKNOWN]


def example_numbers() -> list[phonenumbers.PhoneNumber]:
    """One example of every number type of every region and non-geographic entity."""
    found = []
    for region in sorted(phonenumbers.SUPPORTED_REGIONS):
        for kind in TYPES:
            number = phonenumbers.example_number_for_type(region, kind)
            if number is not None:
                found.append(number)
    for code in sorted(phonenumbers.COUNTRY_CODES_FOR_NON_GEO_REGIONS):
        number = phonenumbers.example_number_for_non_geo_entity(code)
        if number is not None:
            found.append(number)
    return found


EXAMPLES = example_numbers()


def reference(number: phonenumbers.PhoneNumber) -> tuple[str, str, str, tuple[str, ...]]:
    """What phonenumbers itself says about a number."""
    return (
        phonenumbers.format_number(number, PhoneNumberFormat.E164),
        phonenumbers.region_code_for_number(number),
        LINE_TYPES[phonenumbers.number_type(number)],
        tuple(time_zones_for_number(number)),
    )


def test_examples_cover_the_world() -> None:
    assert len(EXAMPLES) > 1000


@pytest.mark.parametrize("style", [PhoneNumberFormat.E164, PhoneNumberFormat.INTERNATIONAL])
def test_parse_number_agrees_with_phonenumbers_on_every_example(style: int) -> None:
    mismatches = []
    for number in EXAMPLES:
        text = phonenumbers.format_number(number, style)
        e164, region, line_type, zones = reference(number)
        if not phonenumbers.is_valid_number(number):
            continue
        info = parse_number(text)
        got = (info.e164, info.region, info.line_type)
        if got != (e164, region, line_type):
            mismatches.append((text, got, (e164, region, line_type)))
        # "Etc/Unknown" is replaced by the country's zones; otherwise identical.
        if zones != ("Etc/Unknown",) and info.time_zones != zones:
            mismatches.append((text, info.time_zones, zones))
    assert mismatches == []


def test_random_neighbours_agree_with_phonenumbers_on_validity_and_type() -> None:
    """Change the last three digits of every example: valid or not, judge as phonenumbers does."""
    rng = random.Random(23)
    checked = valid = 0
    for number in EXAMPLES:
        e164 = phonenumbers.format_number(number, PhoneNumberFormat.E164)
        for _ in range(3):
            text = e164[:-3] + f"{rng.randrange(1000):03d}"
            reference_number = phonenumbers.parse(text)
            checked += 1
            if not phonenumbers.is_valid_number(reference_number):
                with pytest.raises(InvalidNumber):
                    parse_number(text)
                continue
            valid += 1
            info = parse_number(text)
            assert (info.e164, info.region, info.line_type) == reference(reference_number)[:3]
    assert checked > 3000 and valid > checked // 2


def test_national_format_needs_the_default_region() -> None:
    for number in EXAMPLES[::7]:
        region = phonenumbers.region_code_for_number(number)
        if region in (None, "001") or not phonenumbers.is_valid_number(number):
            continue
        national = phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)
        expected = phonenumbers.parse(national, region)
        if not phonenumbers.is_valid_number(expected):
            continue  # a few regions' national format is ambiguous without context
        assert parse_number(national, region).e164 == phonenumbers.format_number(
            expected, PhoneNumberFormat.E164
        )


def test_bulk_path_matches_single_parse_exactly() -> None:
    rng = random.Random(4)
    inputs: list[str] = []
    for number in EXAMPLES:
        inputs.append(phonenumbers.format_number(number, PhoneNumberFormat.E164))
        inputs.append(phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL))
        digits = list(phonenumbers.format_number(number, PhoneNumberFormat.E164)[1:])
        digits[-1] = str(rng.randrange(10))  # a neighbour: valid or not, both paths must agree
        inputs.append("+" + "".join(digits))
        inputs.append("+" + "".join(digits[:-2]))  # too short, usually
    inputs += ["(415) 555-0100", "415.555.0100", "+44 (0)20 7946 0958", "0044 20 7946 0958"]
    inputs += ["", "   ", "-", "abc", "1-800-FLOWERS", "+0 12", "+999 1234567", "12"]
    out = parse_series(pd.Series(inputs), "US")
    for text, row in zip(inputs, out.itertuples(index=False), strict=True):
        try:
            info = parse_number(text, "US")
        except InvalidNumber as error:
            assert pd.isna(row.e164), text
            assert row.reason == error.reason or (text.strip() == "-"), text
            continue
        assert (row.e164, row.region, row.line_type, row.time_zones, row.can_receive_sms) == (
            info.e164,
            info.region,
            info.line_type,
            info.time_zones,
            info.can_receive_sms,
        ), text
        assert row.reason == ""


def test_bulk_path_matches_single_parse_for_national_formats_in_every_region() -> None:
    rng = random.Random(5)
    by_region: dict[str, list[str]] = {}
    for number in EXAMPLES:
        region = phonenumbers.region_code_for_number(number)
        if region in (None, "001"):
            continue
        national = phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)
        digits = "".join(c for c in national if c.isdigit())
        neighbour = digits[:-2] + f"{rng.randrange(100):02d}"
        by_region.setdefault(region, []).extend([national, digits, neighbour, digits[1:]])
    compared = 0
    for region, inputs in by_region.items():
        out = parse_series(pd.Series(inputs), region)
        for text, row in zip(inputs, out.itertuples(index=False), strict=True):
            compared += 1
            try:
                info = parse_number(text, region)
            except InvalidNumber as error:
                assert (pd.isna(row.e164), row.reason) == (True, error.reason), (region, text)
                continue
            got = (row.e164, row.region, row.line_type, row.time_zones, row.can_receive_sms)
            assert got == (
                info.e164,
                info.region,
                info.line_type,
                info.time_zones,
                info.can_receive_sms,
            ), (region, text)
    assert compared > 4000


def test_number_info_is_frozen() -> None:
    info = parse_number("+14155550100")
    assert isinstance(info, NumberInfo)
    with pytest.raises(AttributeError):
        info.e164 = "+1"  # type: ignore[misc]


def test_landline_is_flagged_and_mobile_is_not() -> None:
    london = parse_number("+44 20 7946 0958")
    assert (london.line_type, london.can_receive_sms) == ("fixed_line", False)
    mobile = parse_number("+49 151 23456789")
    assert (mobile.region, mobile.line_type, mobile.can_receive_sms) == ("DE", "mobile", True)
    assert mobile.time_zones == ("Europe/Berlin",)


def test_us_number_has_its_own_time_zone_and_uk_mobile_has_several() -> None:
    assert parse_number("+1 212 555 0100").time_zones == ("America/New_York",)
    assert len(parse_number("+447400123456").time_zones) == 4


@pytest.mark.parametrize(
    ("raw", "region", "reason"),
    [
        ("", None, "empty"),
        ("   ", "US", "empty"),
        ("hello", "US", "not_a_number"),
        ("415 555 0100", None, "missing_region"),
        ("+999 123 4567", None, "invalid_country_code"),
        ("+1 415", None, "too_short"),
        ("+1 415 555 0100 123456789", None, "too_long"),
        ("+1 415 555 010", None, "too_short"),
        ("+1 123 555 0100", None, "invalid_for_region"),
        ("+61 9999 9999 999", None, "invalid_length"),
        ("+44 20 7946", None, "local_only"),
    ],
)
def test_invalid_numbers_say_why(raw: str, region: str | None, reason: str) -> None:
    with pytest.raises(InvalidNumber) as caught:
        parse_number(raw, region)
    assert caught.value.reason == reason
    assert isinstance(caught.value, LocalizedError)
    if raw.strip():
        assert raw in str(caught.value)


def test_invalid_message_is_translated() -> None:
    with pytest.raises(InvalidNumber) as caught:
        parse_number("hello", "US")
    assert caught.value.render("id") == "'hello' bukan nomor telepon"


def test_unknown_default_region_is_rejected() -> None:
    with pytest.raises(LocalizedError, match="XX"):
        parse_number("0123", "XX")


def test_region_is_case_insensitive() -> None:
    assert parse_number("020 7946 0958", "gb").e164 == "+442079460958"


def test_bulk_keeps_index_and_order() -> None:
    series = pd.Series(["+33 6 12 34 56 78", "bad", "+33612345678"], index=[10, 20, 30])
    out = parse_series(series)
    assert list(out.index) == [10, 20, 30]
    assert out.loc[10, "e164"] == out.loc[30, "e164"] == "+33612345678"
    assert out.loc[20, "reason"] == "not_a_number"
    assert out["can_receive_sms"].tolist() == [True, False, True]
