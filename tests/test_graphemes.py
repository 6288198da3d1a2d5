"""Grapheme clusters as Twilio's calculator forms them (UAX #29 rules and data of Unicode 10)."""

from __future__ import annotations

import pytest

from smskit.encoding.graphemes import break_property, clusters, join_surrogates, utf16_units


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("abc", ["a", "b", "c"]),
        ("a\r\nb", ["a", "\r", "\n", "b"]),  # CR LF is one cluster, split back into two
        ("e\u0301x", ["e\u0301", "x"]),
        ("👍🏽!", ["👍🏽", "!"]),
        ("🇮🇩🇺🇸🇮", ["🇮🇩", "🇺🇸", "🇮"]),
        ("👨‍👩‍👧", ["👨‍👩‍👧"]),
        ("1️⃣", ["1️⃣"]),
        ("각가", ["각", "가"]),
        ("\u1100\u1161\u11a8", ["\u1100\u1161\u11a8"]),  # L V T jamo
    ],
)
def test_clusters(text: str, expected: list[str]) -> None:
    assert clusters(text) == expected


def test_unicode_10_rules_differ_from_newer_ones_as_twilio_does() -> None:
    # U+1F525 FIRE is not Glue_After_Zwj in Unicode 10, so heart-on-fire is two clusters.
    assert clusters("❤️‍🔥") == ["❤️‍", "🔥"]
    # A skin tone after a letter is not joined (E_Modifier is not Extend before Unicode 11).
    assert clusters("a🏽") == ["a", "🏽"]


def test_properties() -> None:
    assert break_property(0x200D) == "ZWJ"
    assert break_property(0x1F1EE) == "RI"
    assert break_property(0xAC00) == "LV"
    assert break_property(0xAC01) == "LVT"
    assert break_property(0x0600) == "PP"


def test_utf16_units_and_surrogates() -> None:
    assert utf16_units("a中😀") == 4
    assert utf16_units("\ud800") == 1
    assert join_surrogates("\ud83d\ude00") == "😀"
    assert join_surrogates("\ude00\ud83d") == "\ude00\ud83d"
