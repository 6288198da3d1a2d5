"""The GSM 03.38 tables against 3GPP TS 23.038 §6.2.1, §6.2.1.1 and annex A, written out by hand."""

from __future__ import annotations

import pytest

from smskit.encoding import gsm7

# TS 23.038 §6.2.1, positions 0x00..0x7F in order; 0x1B (shown as \x1b) is the escape, not a char.
DEFAULT_ALPHABET = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# TS 23.038 §6.2.1.1: the default extension table.
EXTENSION_TABLE = {
    "\x0c": 0x0A,
    "^": 0x14,
    "{": 0x28,
    "}": 0x29,
    "\\": 0x2F,
    "[": 0x3C,
    "~": 0x3D,
    "]": 0x3E,
    "|": 0x40,
    "€": 0x65,
}


def test_default_alphabet_matches_the_specification_position_by_position() -> None:
    assert len(DEFAULT_ALPHABET) == 128
    expected = {char: code for code, char in enumerate(DEFAULT_ALPHABET) if code != 0x1B}
    assert dict(gsm7.BASIC) == expected


def test_extension_table_matches_the_specification() -> None:
    assert dict(gsm7.EXTENSION) == EXTENSION_TABLE


@pytest.mark.parametrize(
    "char",
    ["ç", "Α", "Β", "Ε", "\u0301", "á", "`", "\x1b", "\t", "\u00a0", "’", "😀", "ı"],
)
def test_characters_that_are_not_gsm(char: str) -> None:
    assert char not in gsm7.GSM_CHARS
    assert gsm7.septets(char) is None


@pytest.mark.parametrize(("char", "cost"), [("Ç", 1), ("@", 1), ("\r", 1), ("€", 2), ("|", 2)])
def test_septet_cost(char: str, cost: int) -> None:
    assert gsm7.septets(char) == cost


def test_turkish_tables_annex_a_2_1_and_a_3_1() -> None:
    single = gsm7.single_table("turkish")
    assert {"Ş", "ş", "Ğ", "ğ", "İ", "ı", "ç", "€"} <= set(single)
    assert single["ş"] == 0x73
    locking = gsm7.locking_table("turkish")
    assert {"ş", "ğ", "ı", "İ", "Ş", "Ğ", "ç"} <= set(locking)


def test_spanish_has_only_a_single_shift_table() -> None:
    assert not gsm7.SHIFT_LANGUAGES["spanish"].has_locking
    single = gsm7.single_table("spanish")
    assert {"á", "í", "ó", "ú", "ç", "Á", "Í", "Ó", "Ú"} <= set(single)
    assert single["á"] == 0x61


def test_portuguese_tables_annex_a_2_3_and_a_3_3() -> None:
    assert {"ã", "õ", "ê", "ô", "â", "Ã", "Õ"} <= set(gsm7.single_table("portuguese"))
    assert {"ã", "õ", "ê", "ç", "á"} <= set(gsm7.locking_table("portuguese"))


def test_a_space_is_never_an_escape_pair() -> None:
    assert " " not in gsm7.EXTENSION
    for language in gsm7.SHIFT_LANGUAGES:
        assert " " not in gsm7.single_table(language)
