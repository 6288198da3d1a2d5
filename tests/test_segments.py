"""analyze(): encoding choice, every capacity boundary, what never straddles a boundary, warnings.

Expected values come from the specification (3GPP TS 23.038/23.040 and Twilio's documented billing),
and from recorded outputs of Twilio's own calculator (tests/fixtures/twilio_segments_1.3.0.json).
"""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smskit import CharClass, analyze, count_segments
from smskit.encoding.filling import split_units
from smskit.encoding.graphemes import clusters, utf16_units

GSM_SINGLE, GSM_MULTI, UCS_SINGLE, UCS_MULTI = 160, 153, 70, 67


def expected_count(units: int, single: int, multi: int) -> int:
    return 1 if units <= single else -(-units // multi)


# --- every boundary: 160/161, 153n +- 1, 70/71, 67n +- 1 ---


@pytest.mark.parametrize(
    "length", [0, 1, 159, 160, 161, 305, 306, 307, 458, 459, 460, 1529, 1530, 1531]
)
def test_gsm_boundaries(length: int) -> None:
    result = analyze("a" * length)
    assert result.encoding == "GSM-7"
    assert result.units == length
    assert result.segment_count == expected_count(length, GSM_SINGLE, GSM_MULTI)


@pytest.mark.parametrize("length", [1, 69, 70, 71, 133, 134, 135, 200, 201, 202, 268, 269])
def test_ucs2_boundaries(length: int) -> None:
    result = analyze("中" * length)
    assert result.encoding == "UCS-2"
    assert result.units == length
    assert result.segment_count == expected_count(length, UCS_SINGLE, UCS_MULTI)


def test_segment_capacities_and_units() -> None:
    result = analyze("a" * 307)
    assert [s.capacity for s in result.segments] == [153, 153, 153]
    assert [s.units for s in result.segments] == [153, 153, 1]
    assert analyze("a" * 160).segments[0].capacity == 160
    assert analyze("中" * 70).segments[0].capacity == 70
    assert [s.units for s in analyze("中" * 135).segments] == [67, 67, 1]


def test_empty_message_is_one_gsm_segment() -> None:
    result = analyze("")
    assert (result.encoding, result.segment_count, result.units) == ("GSM-7", 1, 0)


# --- escape pairs, surrogate pairs and clusters straddling each boundary ---


@pytest.mark.parametrize("k", [1, 2, 3])
def test_escape_pair_straddling_a_boundary_moves_whole(k: int) -> None:
    text = "a" * (153 * k - 1) + "€" + "b" * 200
    result = analyze(text)
    assert result.segments[k - 1].units == 152
    assert result.segments[k].text.startswith("€")
    assert result.segments[k].units == 153


def test_escape_pair_at_the_single_segment_limit() -> None:
    assert analyze("a" * 158 + "€").segment_count == 1  # 160 septets exactly
    result = analyze("a" * 159 + "€")  # 161 septets
    assert result.segment_count == 2
    assert [s.units for s in result.segments] == [153, 8]


def test_eighty_euro_signs_fill_one_segment() -> None:
    assert analyze("€" * 80).segment_count == 1
    assert [s.units for s in analyze("€" * 81).segments] == [152, 10]


@pytest.mark.parametrize("k", [1, 2, 3])
def test_surrogate_pair_straddling_a_boundary_moves_whole(k: int) -> None:
    text = "中" * (67 * k - 1) + "😀" + "中" * 100
    result = analyze(text)
    assert result.segments[k - 1].units == 66
    assert result.segments[k].text.startswith("😀")


def test_surrogate_pairs_at_the_single_segment_limit() -> None:
    assert analyze("😀" * 35).segment_count == 1  # 70 units
    assert [s.units for s in analyze("😀" * 36).segments] == [66, 6]


@pytest.mark.parametrize(
    "cluster",
    ["👍🏽", "👨‍👩‍👧", "🇮🇩", "1️⃣", "e\u0301", "🏳️‍🌈"],
    ids=["skin-tone", "zwj-family", "flag", "keycap", "combining", "rainbow-flag"],
)
@pytest.mark.parametrize("k", [1, 2])
def test_cluster_straddling_a_boundary_moves_whole(cluster: str, k: int) -> None:
    text = "中" * (67 * k - 1) + cluster + "中" * 100
    result = analyze(text)
    assert result.segments[k].text.startswith(cluster)
    assert result.segments[k - 1].units == 66
    assert "".join(s.text for s in result.segments) == text


def test_crlf_costs_two_septets_and_may_be_split() -> None:
    result = analyze("a" * 152 + "\r\n" + "b" * 10)
    assert result.units == 164
    assert result.segments[0].text.endswith("\r")
    assert result.segments[1].text.startswith("\n")
    assert result.line_breaks == "CRLF"


# --- the encoding choice ---


@pytest.mark.parametrize("text", ["ç", "Α", "e\u0301", "Hello 😀", "it’s", "\u00a0", "`"])
def test_one_non_gsm_character_makes_the_message_ucs2(text: str) -> None:
    result = analyze(text)
    assert result.encoding == "UCS-2"
    assert result.non_gsm_characters


def test_extension_characters_cost_two_septets() -> None:
    result = analyze("^{}\\[~]|€\x0c")
    assert result.encoding == "GSM-7"
    assert result.units == 20
    assert {c.kind for c in result.characters} == {CharClass.EXTENSION}
    assert result.characters[-2].encoded == (0x1B, 0x65)


def test_non_gsm_characters_are_the_clusters_in_order() -> None:
    result = analyze("Hi 👍🏽 ç 👍🏽")
    assert result.non_gsm_characters == ("👍🏽", "ç", "👍🏽")


def test_character_breakdown() -> None:
    result = analyze("a€ç")
    kinds = [(c.char, c.kind, c.units, c.encoded) for c in result.characters]
    assert kinds == [
        ("a", CharClass.BASIC, 1, (0x61,)),
        ("€", CharClass.EXTENSION, 1, (0x20AC,)),
        ("ç", CharClass.NON_GSM, 1, (0xE7,)),
    ]
    assert [c.code_point for c in result.characters] == [0x61, 0x20AC, 0xE7]


def test_characters_carry_their_segment() -> None:
    result = analyze("a" * 161)
    assert result.characters[152].segment == 0
    assert result.characters[153].segment == 1


def test_headers_of_a_concatenated_message() -> None:
    result = analyze("a" * 200)
    assert result.segments[0].header == (5, 0, 3, 0, 2, 1)
    assert result.segments[1].header == (5, 0, 3, 0, 2, 2)
    assert analyze("a").segments[0].header == ()


# --- smart encoding ---


def test_smart_encoding_replaces_before_choosing_the_encoding() -> None:
    result = analyze("It’s “great” — really…", smart_encoding=True)
    assert result.encoding == "GSM-7"
    assert result.text == 'It\'s "great" - really...'
    assert [(s.position, s.original) for s in result.substitutions] == [
        (2, "’"),
        (5, "“"),
        (11, "”"),
        (13, "—"),
        (21, "…"),
    ]
    assert result.original == "It’s “great” — really…"


def test_smart_encoding_is_per_character_not_all_or_nothing() -> None:
    result = analyze("“Hi” 😀", smart_encoding=True)
    assert result.encoding == "UCS-2"
    assert result.text == '"Hi" 😀'
    assert result.non_gsm_characters == ("😀",)


def test_smart_encoding_can_cost_more_segments() -> None:
    text = "a" * 150 + "…" * 4  # UCS-2: 154 units = 3 segments; GSM after: 162 septets = 2
    assert analyze(text).segment_count == 3
    assert analyze(text, smart_encoding=True).segment_count == 2
    text = "a" * 60 + "\u00a0" * 5  # UCS-2 65 units: 1 segment; GSM-7 70 septets: 1
    assert analyze(text, smart_encoding=True).units == 70


def test_removed_characters_cost_nothing() -> None:
    result = analyze("a\u200bb\ufeff", smart_encoding=True)
    assert (result.text, result.units, result.encoding) == ("ab", 2, "GSM-7")
    assert [s.replacement for s in result.substitutions] == ["", ""]


# --- line breaks, warnings and bad input ---


@pytest.mark.parametrize(
    ("text", "style"),
    [("ab", "none"), ("a\nb", "LF"), ("a\r\nb", "CRLF"), ("a\rb", "CR"), ("a\nb\r\n", "mixed")],
)
def test_line_break_style(text: str, style: str) -> None:
    assert analyze(text).line_breaks == style


def test_warnings() -> None:
    assert analyze("a" * 1600).warnings[0].code == "over-10-segments"
    codes = [w.code for w in analyze("a" * 1601).warnings]
    assert codes == ["21617", "over-10-segments"]
    assert analyze("a" * 1530).warnings == ()  # 10 segments exactly
    assert [w.code for w in analyze("a" * 1531).warnings] == ["over-10-segments"]
    assert "1,600" in str(analyze("a" * 1601).warnings[0].message)


@pytest.mark.parametrize("value", [None, 42, b"bytes", ["a"]])
def test_non_str_input_is_a_type_error(value: object) -> None:
    with pytest.raises(TypeError, match="must be a str"):
        analyze(value)  # type: ignore[arg-type]


def test_a_lone_surrogate_counts_as_one_ucs2_unit() -> None:
    result = analyze("ab\ud800")
    assert (result.encoding, result.units, result.segment_count) == ("UCS-2", 3, 1)


def test_surrogate_halves_are_read_as_one_character() -> None:
    assert analyze("\ud83d\ude00" * 36).segment_count == analyze("😀" * 36).segment_count == 2


def test_a_cluster_larger_than_a_segment_is_carried_whole() -> None:
    # Twilio's calculator starts a new segment for it and leaves the first segment empty.
    result = analyze("a" + "\u0301" * 100)
    assert result.segment_count == 2
    assert result.segments[0].text == ""
    assert split_units([101], 70, 67) == [0, 0]


# --- the reference: recorded outputs of Twilio's calculator ---


def _reference_cases() -> list[dict[str, object]]:
    from pathlib import Path

    path = Path(__file__).parent / "fixtures" / "twilio_segments_1.3.0.json"
    cases: list[dict[str, object]] = json.loads(path.read_text(encoding="utf-8"))["cases"]
    return cases


@pytest.mark.parametrize("smart", [False, True], ids=["plain", "smart"])
def test_agrees_with_twilios_calculator(smart: bool) -> None:
    mismatches = []
    for case in _reference_cases():
        text = str(case["text"])
        encoding, count, lengths, non_gsm_count, non_gsm = case["smart" if smart else "plain"]  # type: ignore[misc]
        result = analyze(text, smart_encoding=smart)
        mine = (
            result.encoding,
            result.segment_count,
            [len(s.text) for s in result.segments],
            len(result.non_gsm_characters),
            "".join(result.non_gsm_characters),
        )
        if mine != (encoding, count, lengths, non_gsm_count, non_gsm):
            mismatches.append(text[:40])
        if count_segments([text], smart_encoding=smart) != [count]:
            mismatches.append(f"bulk: {text[:40]}")
    assert mismatches == []


# --- properties ---

TEXTS = st.text(
    alphabet=st.one_of(
        st.sampled_from(list("abc €[]^\r\n“”’…\u00a0\u200bçé\u0301😀👍🏽🇮🇩中‍")),
        st.characters(codec="utf-8"),
    ),
    max_size=400,
)


@settings(max_examples=300, deadline=None)
@given(TEXTS, st.booleans())
def test_segments_join_back_to_the_encoded_text(text: str, smart: bool) -> None:
    result = analyze(text, smart_encoding=smart)
    assert "".join(s.text for s in result.segments) == result.text
    assert "".join(c.char for c in result.characters) == result.text
    assert sum(s.units for s in result.segments) == result.units


@settings(max_examples=300, deadline=None)
@given(TEXTS, st.booleans())
def test_every_segment_is_within_capacity(text: str, smart: bool) -> None:
    result = analyze(text, smart_encoding=smart)
    capacity = GSM_SINGLE if result.encoding == "GSM-7" else UCS_SINGLE
    if result.segment_count > 1:
        capacity = GSM_MULTI if result.encoding == "GSM-7" else UCS_MULTI
    for segment in result.segments:
        assert segment.capacity == capacity
        # Only a cluster longer than a whole segment (e.g. 70 stacked accents) may overflow one.
        if all(utf16_units(piece) <= 20 for piece in clusters(segment.text)):
            assert segment.units <= capacity


@settings(max_examples=300, deadline=None)
@given(st.lists(TEXTS, max_size=20), st.booleans())
def test_bulk_count_equals_analyze(texts: list[str], smart: bool) -> None:
    expected = [analyze(text, smart_encoding=smart).segment_count for text in texts]
    assert count_segments(texts, smart_encoding=smart) == expected
