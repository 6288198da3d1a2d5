"""count_segments(): the bulk path gives exactly analyze()'s counts, for lists and pandas Series."""

from __future__ import annotations

import random

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smskit import analyze, count_segments
from smskit.encoding.bulk import count_one


def _corpus(seed: int, size: int) -> list[str]:
    rng = random.Random(seed)
    alphabets = [
        "abc ",
        "abc €[]",
        "abc ’“”…\u00a0",
        "中文 abc",
        "a😀👍🏽🇮🇩",
        "e\u0301ç ",
        "\r\n a",
    ]
    texts = []
    for _ in range(size):
        alphabet = rng.choice(alphabets)
        length = rng.choice([rng.randint(0, 400), rng.randint(60, 80), rng.randint(150, 170)])
        texts.append("".join(rng.choice(alphabet) for _ in range(length)))
    return texts


@pytest.mark.parametrize("smart", [False, True])
def test_equals_analyze_on_a_mixed_corpus(smart: bool) -> None:
    texts = _corpus(7, 1500)
    expected = [analyze(text, smart_encoding=smart).segment_count for text in texts]
    assert count_segments(texts, smart_encoding=smart) == expected


def test_boundaries_on_the_fast_paths() -> None:
    texts = ["a" * n for n in (0, 160, 161, 306, 307)] + ["a" * 152 + "€" + "b"]
    texts += ["中" * n for n in (70, 71, 134, 135)] + ["中" * 66 + "😀" + "中" * 5]
    assert count_segments(texts) == [1, 1, 2, 2, 3, 1, 1, 2, 2, 3, 2]


def test_series_in_series_out_with_the_same_index() -> None:
    series = pd.Series(["a" * 161, "b", "😀" * 36], index=["x", "y", "z"])
    result = count_segments(series)
    assert isinstance(result, pd.Series)
    assert result.to_dict() == {"x": 2, "y": 1, "z": 2}


def test_any_iterable() -> None:
    assert count_segments(text for text in ["a", "b" * 200]) == [1, 2]
    assert count_segments([]) == []


@pytest.mark.parametrize("bad", [None, float("nan"), 3, b"x"])
def test_a_non_str_value_is_named_by_position(bad: object) -> None:
    with pytest.raises(TypeError, match=r"texts\[1\] must be a str"):
        count_segments(["ok", bad, "ok"])  # type: ignore[list-item]


def test_a_single_string_is_not_taken_for_a_list_of_characters() -> None:
    with pytest.raises(TypeError, match="iterable of str"):
        count_segments("hello")  # type: ignore[arg-type]


# --- the fast paths' edges: cuts at 67n, 70, 153n, 160 with something awkward on either side ---

FILLERS = ["a", "中", "é", "€", "😀", "a中", "Δ"]
PIECES = [
    "Hi there. ",
    "€",
    "[",
    "~",
    "\\",
    "\x0c",
    "中文",
    "👍🏽",  # E_Base + E_Modifier: one cluster of 4 units
    "✌🏿",  # a BMP E_Base with an astral modifier
    "👩\u200d👩\u200d👧",  # ZWJ sequence
    "❤️",  # U+2764 + VS16
    "🇮🇩",  # regional indicator pair
    "🇮🇩🇺",  # an odd run of regional indicators
    "#️⃣",  # keycap
    "e\u0301",
    "\u0301\u0301\u0301",
    "e" + "\u0301" * 40,  # a cluster longer than the window searched around a cut
    "a" + "\u0301" * 70,  # a cluster longer than a whole segment
    "\u1100\u1161\u11a8",  # Hangul L V T
    "\uac00\u11a8",  # LV syllable + T
    "\u0915\u094d\u0937\u093f",  # Devanagari: virama and a spacing mark
    "\u0600a",  # Prepend
    "\r\n",
    "\r",
    "\n",
    "\u200d",
    "\u200b",  # removed by Smart Encoding
    "“",
    "’",
    "…",  # three characters after Smart Encoding
    "\u00a0",
    "\u0302",  # combining circumflex: Smart Encoding turns it into "^", an extension character
    "`",
    "\t",
    "\ud83d",  # lone surrogate halves, and a pair split into two code points
    "\ude00",
    "\ud83d\ude00",
]
RUNS = [
    0,
    1,
    2,
    3,
    31,
    64,
    65,
    66,
    67,
    68,
    69,
    70,
    131,
    132,
    133,
    134,
    150,
    151,
    152,
    153,
    159,
    160,
]


@st.composite
def edge_texts(draw: st.DrawFn) -> str:
    """A filler run, then awkward pieces after runs whose lengths put them near every cut."""
    filler = draw(st.sampled_from(FILLERS))
    pieces = draw(st.lists(st.tuples(st.sampled_from(RUNS), st.sampled_from(PIECES)), max_size=5))
    tail = draw(st.sampled_from(RUNS))
    return "".join(filler * run + piece for run, piece in pieces) + filler * tail


@settings(max_examples=400, deadline=None)
@given(st.lists(edge_texts(), min_size=1, max_size=8), st.booleans())
def test_fast_paths_equal_analyze_at_every_edge(texts: list[str], smart: bool) -> None:
    expected = [analyze(text, smart_encoding=smart).segment_count for text in texts]
    assert count_segments(texts, smart_encoding=smart) == expected
    assert [count_one(text, smart) for text in texts] == expected


def test_texts_needing_a_closer_look_are_found_in_every_chunk() -> None:
    # ASCII texts are checked in joined chunks; the odd ones out must be found wherever they sit.
    texts = ["plain ascii " * 14 for _ in range(700)]
    odd = {0, 1, 255, 256, 257, 511, 512, 699}
    for index in odd:
        texts[index] = "[link] " * 23 + "`tick`\t" * (index % 3)
    texts[300] = "José " * 40  # non-ASCII but basic GSM
    texts[301] = "中" * 135
    for smart in (False, True):
        expected = [analyze(text, smart_encoding=smart).segment_count for text in texts]
        assert count_segments(texts, smart_encoding=smart) == expected
    assert count_segments(texts)[0] == 2 and count_segments(texts)[2] == 2  # 161 and 168 chars


def test_a_cluster_at_a_ucs2_cut_moves_it_back_whole() -> None:
    # 65 units, then a 4-unit cluster over the cut at 67: it opens segment 2 (65 + 4 + 65 > 134).
    text = "中" * 65 + "👍🏽" + "中" * 65
    assert count_segments([text]) == [analyze(text).segment_count] == [3]
    # BMP only: the cut at 67 falls between "e" and its combining accent, so it moves to 66.
    text = "中" * 66 + "e\u0301" + "中" * 66
    assert count_segments([text]) == [analyze(text).segment_count] == [3]
