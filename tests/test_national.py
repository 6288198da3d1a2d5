"""National language shift tables: when they apply, and UDH arithmetic (TS 23.040 §9.2.3.24)."""

from __future__ import annotations

import pytest

from smskit import analyze
from smskit.encoding.national import NationalShift, candidates, header_octets, septet_capacity

TURKISH = "Sayın müşterimiz, siparişiniz yola çıktı. Teşekkürler, iyi günler dileriz! "


@pytest.mark.parametrize(
    ("udh", "septets"), [(0, 160), (4, 155), (6, 153), (7, 152), (9, 149), (12, 146)]
)
def test_capacity_after_the_header_with_fill_bits(udh: int, septets: int) -> None:
    assert septet_capacity(udh) == septets


def test_capacities_per_table_combination() -> None:
    assert NationalShift.build(None, "spanish").single_capacity == 155
    shift = NationalShift.build("turkish", "turkish")
    assert (shift.single_capacity, shift.multi_capacity) == (152, 146)
    assert NationalShift.build("portuguese", None).multi_capacity == 149


def test_turkish_fits_gsm7_with_a_shift_table_and_saves_segments() -> None:
    text = TURKISH * 3
    plain = analyze(text)
    shifted = analyze(text, shift_tables=("turkish",))
    assert plain.encoding == "UCS-2"
    assert shifted.encoding == "GSM-7"
    assert shifted.shift is not None
    assert shifted.segment_count < plain.segment_count
    assert shifted.ucs2_segment_count == plain.segment_count
    assert all(s.units <= s.capacity for s in shifted.segments)
    assert {c.kind.value for c in shifted.characters} >= {"gsm-basic", "national-shift"}


def test_the_shift_ie_is_in_every_segment_header() -> None:
    shifted = analyze(TURKISH * 3, shift_tables=("turkish",))
    assert shifted.shift is not None
    for number, segment in enumerate(shifted.segments, start=1):
        header = segment.header
        assert header[0] == len(header) - 1  # UDHL
        assert header[1:6] == (0x00, 0x03, 0x00, shifted.segment_count, number)
        assert header[6:9] in {(0x24, 1, 1), (0x25, 1, 1)}


def test_a_lone_message_with_a_shift_table_still_has_a_udh() -> None:
    result = analyze("¿Cómo está?", shift_tables=("spanish",))
    assert result.shift is not None and result.shift.single == "spanish"
    assert result.segments[0].header == (3, 0x24, 1, 2)
    assert result.segments[0].capacity == 155
    assert result.characters[2].encoded == (0x1B, 0x6F)  # ó: ESC + 0x6F in annex A.2.2
    assert result.units == 13


def test_default_gsm_text_never_uses_a_shift_table() -> None:
    assert analyze("Hello", shift_tables=("turkish",)).shift is None


def test_unencodable_text_stays_ucs2() -> None:
    assert analyze("你好 ş", shift_tables=("turkish", "spanish")).encoding == "UCS-2"


@pytest.mark.parametrize("text", ["ş", "plain GSM"])
def test_unknown_language_is_a_clear_error(text: str) -> None:
    with pytest.raises(ValueError, match="unknown shift table language 'klingon'"):
        analyze(text, shift_tables=("klingon",))


def test_candidates_prefer_fewer_header_octets() -> None:
    combos = [(c.locking, c.single) for c in candidates(["turkish"])]
    assert combos[-1] == ("turkish", "turkish")
    assert set(combos[:2]) == {(None, "turkish"), ("turkish", None)}
    assert header_octets(None, 1, 1) == ()
