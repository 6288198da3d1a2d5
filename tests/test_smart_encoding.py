"""Twilio Smart Encoding: the table in data/ and how it is applied (per character, reported)."""

from __future__ import annotations

from smskit import apply_smart_encoding
from smskit.encoding.gsm7 import GSM_CHARS
from smskit.encoding.smart_encoding import smart_encoding_map


def test_the_table_has_twilios_271_substitutions() -> None:
    table = smart_encoding_map()
    assert len(table) == 271
    assert table["\u201c"] == '"' and table["\u2019"] == "'"
    assert table["\u2026"] == "..." and table["\u00a0"] == "  "
    assert table["\u200b"] == "" and table["\ufeff"] == ""


def test_no_gsm_character_is_substituted() -> None:
    assert not set(smart_encoding_map()) & GSM_CHARS


def test_every_substitution_is_reported_with_its_position() -> None:
    result = apply_smart_encoding("a\u2019b\u200bc\u2026")
    assert result.text == "a'bc..."
    assert [(s.position, s.original, s.replacement) for s in result.substitutions] == [
        (1, "\u2019", "'"),
        (3, "\u200b", ""),
        (5, "\u2026", "..."),
    ]


def test_nothing_to_substitute() -> None:
    result = apply_smart_encoding("plain 😀")
    assert (result.text, result.substitutions) == ("plain 😀", ())
