"""count_segments(): the bulk path gives exactly analyze()'s counts, for lists and pandas Series."""

from __future__ import annotations

import random

import pandas as pd
import pytest

from smskit import analyze, count_segments


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
