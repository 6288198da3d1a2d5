"""The octets on the air: 7-bit packing (TS 23.038 §6.1.2.1.1), fill bits after the UDH, 140 max."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smskit import analyze
from smskit.encoding.pdu import fill_bits, pack_septets, segment_user_data, user_data


def test_the_specification_example_hellohello() -> None:
    assert segment_user_data(analyze("hellohello"), 0).hex().upper() == "E8329BFD4697D9EC37"


def test_eight_septets_fit_seven_octets() -> None:
    assert len(pack_septets([0x7F] * 8)) == 7
    assert pack_septets([0x7F] * 8) == b"\xff" * 7


def test_fill_bit_after_a_six_octet_udh() -> None:
    assert fill_bits(6) == 1
    assert pack_septets([0x61], padding=1) == bytes([0x61 << 1])


@pytest.mark.parametrize(
    ("text", "sizes"),
    [
        ("a" * 160, [140]),
        ("a" * 306, [140, 140]),
        ("中" * 70, [140]),
        ("中" * 134, [140, 140]),
        ("€" * 81, [140, 15]),  # 152 septets + 1 fill bit = 134 octets; then 10 septets
    ],
    ids=["gsm-160", "gsm-306", "ucs2-70", "ucs2-134", "euro-81"],
)
def test_full_segments_are_140_octets(text: str, sizes: list[int]) -> None:
    analysis = analyze(text)
    assert [len(segment_user_data(analysis, i)) for i in range(analysis.segment_count)] == sizes


def test_udh_leads_each_concatenated_segment() -> None:
    data = segment_user_data(analyze("a" * 200), 1)
    assert data[:6] == bytes([5, 0, 3, 0, 2, 2])


TEXTS = st.text(alphabet=st.sampled_from(list("abc €[]^\n😀中ç’şğıİáãõ")), max_size=500)


@settings(max_examples=200, deadline=None)
@given(TEXTS, st.sampled_from([(), ("turkish",), ("spanish", "portuguese")]))
def test_no_segment_ever_exceeds_140_octets(text: str, shift: tuple[str, ...]) -> None:
    analysis = analyze(text, shift_tables=shift)
    assert all(len(data) <= 140 for data in user_data(analysis))
    if analysis.shift is not None:
        assert analysis.segment_count <= analysis.ucs2_segment_count
        assert all(s.units <= s.capacity for s in analysis.segments)
