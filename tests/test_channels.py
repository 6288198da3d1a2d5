"""smskit.guide.channels against the guide (§2, §3), Twilio's billing and 3GPP TS 23.038 segment
sizes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from smskit._data import read_table
from smskit.guide.channels import (
    MMS_MAX_CHARACTERS,
    break_even_segments,
    channels,
    message_price,
    sms_stats,
    sms_vs_mms,
)
from smskit.i18n.catalog import LocalizedError

SMS_PRICE = Decimal("0.0083")  # Twilio US list price per outbound segment (facts B6)
MMS_PRICE = Decimal("0.022")  # Twilio US list price per outbound MMS (facts B6)


def test_four_channels_in_the_guides_order_with_its_limits() -> None:
    by_name = {c.name: c for c in channels()}
    assert [c.name for c in channels()] == ["SMS", "MMS", "RCS", "iMessage"]
    assert by_name["SMS"].max_characters == 160
    assert by_name["MMS"].max_characters == 1600
    assert (by_name["SMS"].introduced, by_name["MMS"].introduced) == (1992, 2002)
    assert (by_name["RCS"].introduced, by_name["iMessage"].introduced) == (2019, 2011)


def test_only_sms_reaches_every_phone_and_only_imessage_is_end_to_end_encrypted() -> None:
    by_name = {c.name: c for c in channels()}
    assert [c.name for c in channels() if c.works_on_every_phone] == ["SMS"]
    assert [c.name for c in channels() if c.encryption.template == "End-to-end encrypted"] == [
        "iMessage"
    ]
    assert not by_name["SMS"].read_receipts and not by_name["MMS"].read_receipts
    assert by_name["RCS"].read_receipts and by_name["iMessage"].read_receipts
    assert by_name["SMS"].rich_content.template == "Text only"


def test_sms_and_mms_carry_their_us_price_and_the_others_none() -> None:
    by_name = {c.name: c for c in channels()}
    sms, mms = by_name["SMS"].cost_per_message, by_name["MMS"].cost_per_message
    assert sms is not None and (sms.price_usd, sms.unit) == (SMS_PRICE, "segment")
    assert mms is not None and (mms.price_usd, mms.unit) == (MMS_PRICE, "message")
    assert by_name["RCS"].cost_per_message is None
    assert by_name["iMessage"].cost_per_message is None


def test_channel_labels_are_translated() -> None:
    sms = channels()[0]
    assert sms.reach.render("en") == "Every mobile phone, on any network"
    assert sms.reach.render("id") != sms.reach.render("en")


@pytest.mark.parametrize(
    ("text", "segments"),
    [
        ("a" * 160, 1),
        ("a" * 161, 2),  # split: 153 septets per segment
        ("a" * 306, 2),
        ("a" * 307, 3),
        ("é" * 160, 1),  # é is in the GSM-7 basic table
        ("ç" * 70, 1),  # lowercase ç is not: UCS-2, 70 per segment
        ("ç" * 71, 2),
        ("ç" * 134, 2),
        ("ç" * 135, 3),
    ],
)
def test_sms_cost_is_segments_times_the_segment_price(text: str, segments: int) -> None:
    cost = sms_vs_mms(text)
    assert cost.sms_segments == segments
    assert cost.sms_cost == SMS_PRICE * segments
    assert cost.mms_cost == MMS_PRICE


@pytest.mark.parametrize(
    ("text", "cheaper"),
    [
        ("a" * 306, "sms"),  # 2 segments: $0.0166 < $0.022
        ("a" * 307, "mms"),  # 3 segments: $0.0249 > $0.022
        ("ç" * 134, "sms"),
        ("ç" * 135, "mms"),
        ("Hi", "sms"),
        ("", "sms"),  # the empty message is one GSM-7 segment
    ],
)
def test_a_long_sms_can_cost_more_than_one_mms(text: str, cheaper: str) -> None:
    assert sms_vs_mms(text).cheaper == cheaper


def test_break_even_is_three_segments_at_us_prices() -> None:
    assert break_even_segments(message_price("sms"), message_price("mms")) == 3
    assert sms_vs_mms("x").break_even_segments == 3


def test_mms_holds_1600_characters() -> None:
    assert MMS_MAX_CHARACTERS == 1600
    assert sms_vs_mms("a" * 1600).fits_in_mms
    assert not sms_vs_mms("a" * 1601).fits_in_mms


def test_cost_reports_encoding_and_length() -> None:
    cost = sms_vs_mms("Hello 😀")
    assert cost.encoding == "UCS-2"
    assert cost.characters == len("Hello 😀")


def test_smart_encoding_can_change_the_bill() -> None:
    text = "“" * 100  # curly quotes: UCS-2 without smart encoding, GSM-7 with it
    assert sms_vs_mms(text).sms_segments == 2
    assert sms_vs_mms(text, smart_encoding=True).sms_segments == 1


def test_non_text_is_refused_with_a_type_error() -> None:
    with pytest.raises(TypeError, match="str"):
        sms_vs_mms(42)  # type: ignore[arg-type]


def test_unknown_country_names_the_country_in_both_languages() -> None:
    with pytest.raises(LocalizedError, match="ZZ") as caught:
        message_price("sms", "ZZ")
    assert "ZZ" in caught.value.render("id")
    assert caught.value.render("id") != str(caught.value)


GUIDE_FIGURES = {
    ("users", "World", 2023): 5e9,
    ("users_forecast", "World", 2025): 5.9e9,
    ("users", "China", 2023): 1.1e9,
    ("users", "India", 2023): 7.3e8,
    ("population_share", "North America", 2023): 80,
    ("messages_sent", "United States", 2017): 1.5e12,
    ("messages_sent", "United States", 2018): 2e12,
    ("open_rate", "SMS", 2023): 98,
    ("click_through_rate", "SMS", 2023): 40,
    ("click_through_rate", "Email", 2023): 2,
}


def test_the_guides_figures_are_there_and_labelled_as_the_guides() -> None:
    stats = {(s.key, s.region, s.year): s for s in sms_stats()}
    for key, value in GUIDE_FIGURES.items():
        assert stats[key].value == value, key
        assert "respond.io" in stats[key].source
        assert "guide" in stats[key].source.lower()


def test_sms_stats_filters_by_key() -> None:
    assert {s.region for s in sms_stats("click_through_rate")} == {"SMS", "Email"}
    assert sms_stats("no such figure") == ()


@pytest.mark.parametrize("table", ["channels", "message_prices", "sms_stats"])
def test_every_row_has_a_source_and_an_iso_date(table: str) -> None:
    for row in read_table(table):
        assert row["source"].strip()
        dt.date.fromisoformat(row["as_of"])
