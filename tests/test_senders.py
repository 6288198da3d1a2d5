"""Sender types, throughput and sender validation, against the spec (issue 3 §2, facts B3/B7).

Country rules come from the small fixture tables in ``tests/fixtures/senders``.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from smskit.i18n.catalog import LocalizedError
from smskit.senders.catalogue import SenderCatalogue, SenderType, UseCase
from smskit.senders.countries import CountryTable, UnknownCountryError
from smskit.senders.types import available_types, broadcast_time, throughput, validate_sender

FIXTURES = Path(__file__).parent / "fixtures" / "senders"


@pytest.fixture(scope="module")
def cat() -> SenderCatalogue:
    return SenderCatalogue.from_folder(FIXTURES, CountryTable.from_csv(FIXTURES / "countries.csv"))


def rules(check) -> list[str]:  # type: ignore[no-untyped-def]
    return [p.rule for p in check.problems]


# --- alphanumeric: 1-11 characters, at least one letter, Twilio's character set -------------------


@pytest.mark.parametrize("sender", ["A", "Acme", "ACME Bank 1", "A+B-C_D&E", "abcdefghijk"])
def test_alphanumeric_ids_twilio_accepts(sender: str, cat: SenderCatalogue) -> None:
    check = validate_sender(sender, "alphanumeric", catalogue=cat)
    assert check.valid, [str(p.message) for p in check.problems]
    assert check.normalized == sender


def test_twelve_characters_is_one_too_many(cat: SenderCatalogue) -> None:
    check = validate_sender("ABCDEFGHIJKL", SenderType.ALPHANUMERIC, catalogue=cat)
    assert rules(check) == ["alpha_length"]
    assert "12 characters" in str(check.problems[0].message)
    assert "11" in str(check.problems[0].message)
    assert check.normalized == ""


def test_digits_only_needs_a_letter(cat: SenderCatalogue) -> None:
    assert rules(validate_sender("12345", "alphanumeric", catalogue=cat)) == ["alpha_letter"]
    assert rules(validate_sender("123-45", "alphanumeric", catalogue=cat)) == ["alpha_letter"]


def test_disallowed_characters_are_named(cat: SenderCatalogue) -> None:
    check = validate_sender("Acme!Café", "alphanumeric", catalogue=cat)
    assert rules(check) == ["alpha_characters"]
    message = str(check.problems[0].message)
    assert "'!'" in message and "'é'" in message


def test_empty_sender_id(cat: SenderCatalogue) -> None:
    assert rules(validate_sender("   ", "alphanumeric", catalogue=cat)) == ["alpha_empty"]


def test_every_problem_cites_a_source(cat: SenderCatalogue) -> None:
    check = validate_sender("!" * 12, "alphanumeric", "US", catalogue=cat)
    assert {"alpha_length", "alpha_characters", "alpha_letter", "alpha_country"} <= set(
        rules(check)
    )
    assert all(p.source for p in check.problems)


# --- per-country rules -------------------------------------------------------------------------


@pytest.mark.parametrize("sender", ["INFO", "Info", "verify", "ALERT"])
def test_uk_blocks_generic_ids_since_sept_2023(sender: str, cat: SenderCatalogue) -> None:
    check = validate_sender(sender, "alphanumeric", "GB", catalogue=cat)
    assert rules(check) == ["alpha_blocked"]
    assert "12 Sep 2023" in str(check.problems[0].message)


def test_uk_accepts_a_brand_name(cat: SenderCatalogue) -> None:
    assert validate_sender("AcmeBank", "alphanumeric", "gb", catalogue=cat).valid


def test_uae_promotional_ids_need_ad_prefix(cat: SenderCatalogue) -> None:
    assert rules(
        validate_sender("AcmeShop", "alphanumeric", "AE", promotional=True, catalogue=cat)
    ) == ["alpha_promo_prefix"]
    assert validate_sender(
        "AD-AcmeShop", "alphanumeric", "AE", promotional=True, catalogue=cat
    ).valid
    # Transactional IDs need no prefix.
    assert validate_sender("AcmeShop", "alphanumeric", "AE", catalogue=cat).valid


def test_singapore_ids_are_at_least_three_characters(cat: SenderCatalogue) -> None:
    check = validate_sender("AB", "alphanumeric", "SG", catalogue=cat)
    assert rules(check) == ["alpha_length"]
    assert "3 to 11" in str(check.problems[0].message)
    assert validate_sender("ABC", "alphanumeric", "SG", catalogue=cat).valid


@pytest.mark.parametrize("sender", ["TEST", "sms", "SMARTdeals", "SunPromo"])
def test_philippines_banned_ids(sender: str, cat: SenderCatalogue) -> None:
    assert rules(validate_sender(sender, "alphanumeric", "PH", catalogue=cat)) == ["alpha_blocked"]


def test_alpha_not_supported_in_the_us(cat: SenderCatalogue) -> None:
    check = validate_sender("Acme", "alphanumeric", "US", catalogue=cat)
    assert rules(check) == ["alpha_country"]
    assert check.problems[0].source == "fixture:US"


def test_pre_registration_is_a_note_not_a_failure(cat: SenderCatalogue) -> None:
    check = validate_sender("ACMEBK", "alphanumeric", "IN", catalogue=cat)
    assert check.valid
    assert [n.rule for n in check.notes] == ["alpha_registration"]


def test_unknown_country_is_named(cat: SenderCatalogue) -> None:
    with pytest.raises(UnknownCountryError, match="XX"):
        validate_sender("Acme", "alphanumeric", "XX", catalogue=cat)


def test_unknown_sender_type_is_named(cat: SenderCatalogue) -> None:
    with pytest.raises(LocalizedError, match="pigeon"):
        validate_sender("Acme", "pigeon", catalogue=cat)


# --- short codes: 5-6 digits -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sender", "ok"),
    [
        ("12345", True),
        ("123456", True),
        ("1234", False),
        ("1234567", False),
        ("12a45", False),
        ("", False),
    ],
)
def test_short_code_is_five_or_six_digits(sender: str, ok: bool, cat: SenderCatalogue) -> None:
    check = validate_sender(sender, "short_code", catalogue=cat)
    assert check.valid is ok
    if not ok:
        assert rules(check) == ["short_code_format"]


def test_uk_short_codes_must_start_6_to_8(cat: SenderCatalogue) -> None:
    assert rules(validate_sender("51234", "short_code", "GB", catalogue=cat)) == [
        "short_code_pattern"
    ]
    assert validate_sender("61234", "short_code", "GB", catalogue=cat).valid


def test_singapore_short_codes_start_with_7(cat: SenderCatalogue) -> None:
    assert validate_sender("71234", "short_code", "SG", catalogue=cat).valid
    assert not validate_sender("81234", "short_code", "SG", catalogue=cat).valid


def test_no_short_codes_in_uae(cat: SenderCatalogue) -> None:
    assert rules(validate_sender("12345", "short_code", "AE", catalogue=cat)) == [
        "short_code_country"
    ]


# --- toll-free: NANP 800/888/877/866/855/844/833, vanity letters -------------------------------


def test_vanity_toll_free_is_converted() -> None:
    check = validate_sender("1-800-FLOWERS", "toll_free")
    assert check.valid
    assert check.normalized == "+18003569377"


@pytest.mark.parametrize("prefix", ["800", "888", "877", "866", "855", "844", "833"])
def test_every_toll_free_prefix(prefix: str) -> None:
    assert validate_sender(f"({prefix}) 555-0100", "toll_free").normalized == f"+1{prefix}5550100"


@pytest.mark.parametrize(
    ("sender", "rule"),
    [
        ("1-900-FLOWERS", "toll_free_prefix"),
        ("415-555-0100", "toll_free_prefix"),
        ("1-800-555", "toll_free_length"),
        ("1-800-FLOWERSS", "toll_free_length"),
    ],
)
def test_not_toll_free(sender: str, rule: str) -> None:
    assert rules(validate_sender(sender, "toll_free")) == [rule]


def test_toll_free_cannot_text_abroad(cat: SenderCatalogue) -> None:
    check = validate_sender("1-800-FLOWERS", "toll_free", "GB", catalogue=cat)
    assert rules(check) == ["toll_free_country"]


# --- long codes: E.164 via phonenumbers ---------------------------------------------------------


def test_long_code_normalised_to_e164(cat: SenderCatalogue) -> None:
    assert validate_sender("+44 7911 123456", "long_code", catalogue=cat).normalized == (
        "+447911123456"
    )
    assert validate_sender("(415) 555-0100", "long_code", "US", catalogue=cat).normalized == (
        "+14155550100"
    )


def test_national_long_code_without_country_fails(cat: SenderCatalogue) -> None:
    assert rules(validate_sender("4155550100", "long_code", catalogue=cat)) == ["long_code_invalid"]


def test_toll_free_number_is_not_a_long_code(cat: SenderCatalogue) -> None:
    assert rules(validate_sender("+18003569377", "long_code", catalogue=cat)) == [
        "long_code_toll_free"
    ]


def test_foreign_long_code_is_a_note(cat: SenderCatalogue) -> None:
    check = validate_sender("+14155550100", "long_code", "GB", catalogue=cat)
    assert check.valid
    assert [n.rule for n in check.notes] == ["long_code_international"]


# --- throughput (Twilio defaults, facts B3) -----------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "country", "mps"),
    [
        ("long_code", "US", 1),
        ("long_code", "CA", 1),
        ("long_code", "GB", 10),
        ("toll_free", "US", 3),
        ("short_code", "US", 100),
        ("alphanumeric", "GB", 10),
    ],
)
def test_default_throughput(kind: str, country: str, mps: int, cat: SenderCatalogue) -> None:
    assert throughput(kind, country, catalogue=cat).mps == mps


@pytest.mark.parametrize(
    ("score", "mps"), [(100, 225), (75, 225), (74, 120), (50, 120), (49, 12), (1, 12)]
)
def test_10dlc_throughput_by_trust_score(score: int, mps: int, cat: SenderCatalogue) -> None:
    assert throughput("long_code", "US", trust_score=score, catalogue=cat).mps == mps


def test_trust_score_out_of_range(cat: SenderCatalogue) -> None:
    with pytest.raises(LocalizedError, match="101"):
        throughput("long_code", "US", trust_score=101, catalogue=cat)


def test_broadcast_of_100k_at_each_speed(cat: SenderCatalogue) -> None:
    def seconds(kind: str, country: str = "US", **kw: int) -> int:
        return broadcast_time(100_000, kind, country, catalogue=cat, **kw).seconds

    assert seconds("long_code") == 100_000
    assert seconds("toll_free") == 33_334  # 100,000 / 3, rounded up
    assert seconds("short_code") == 1_000
    assert seconds("alphanumeric", "GB") == 10_000
    assert seconds("long_code", trust_score=80) == 445  # 225 MPS


def test_broadcast_paces_segments_not_messages(cat: SenderCatalogue) -> None:
    # Twilio: a 3-segment message on a 1-MPS long code leaves once every 3 s (facts B3).
    result = broadcast_time(10, "long_code", "US", segments_per_message=3, catalogue=cat)
    assert (result.segments, result.duration) == (30, timedelta(seconds=30))


def test_broadcast_rejects_negative_count(cat: SenderCatalogue) -> None:
    with pytest.raises(LocalizedError, match="-5"):
        broadcast_time(-5, "short_code", "US", catalogue=cat)


def test_available_types_follow_country_rules(cat: SenderCatalogue) -> None:
    assert available_types("US", cat) == (
        SenderType.SHORT_CODE,
        SenderType.LONG_CODE,
        SenderType.TOLL_FREE,
    )
    assert available_types("AE", cat) == (SenderType.ALPHANUMERIC, SenderType.LONG_CODE)


def test_number_type_facts(cat: SenderCatalogue) -> None:
    short = cat.number_type("short_code")
    assert short.provision_weeks == (8, 12) and short.two_way
    assert not cat.number_type("alphanumeric").two_way
    assert UseCase.OTP in cat.number_type("toll_free").use_cases
