"""Back-to-GSM-7 advice: what forces UCS-2, a GSM-7 replacement for each, and the segments saved."""

from __future__ import annotations

import pytest

from smskit import analyze, back_to_gsm7
from smskit.encoding.advice import apply_replacement, gsm_replacement


@pytest.mark.parametrize(
    ("char", "replacement", "source"),
    [
        ("’", "'", "smart-encoding"),
        ("\u00a0", "  ", "smart-encoding"),
        ("e\u0301", "é", "composed"),
        ("á", "a", "accents-removed"),
        ("ş", "s", "accents-removed"),
        ("İ", "I", "accents-removed"),
        ("ı", "i", "look-alike"),
        ("Α", "A", "look-alike"),
        ("😀", None, "none"),
        ("中", None, "none"),
    ],
)
def test_replacement_per_character(char: str, replacement: str | None, source: str) -> None:
    assert gsm_replacement(char) == (replacement, source)


def test_advice_lists_each_character_once_with_its_count() -> None:
    advice = back_to_gsm7("“Sale” ends soon — don’t miss it 😀 " * 3)
    chars = {r.character: r.occurrences for r in advice.replacements}
    assert chars == {"“": 3, "”": 3, "—": 3, "’": 3, "😀": 3}
    assert not advice.fully_gsm  # the emoji has no GSM equivalent


def test_saving_when_every_character_has_a_replacement() -> None:
    text = "Olá Sr. João, a sua encomenda nº 123 já está a caminho. Obrigado pela preferência! " * 2
    advice = back_to_gsm7(text)
    assert advice.fully_gsm
    assert advice.segments_now == analyze(text).segment_count == 3
    assert advice.segments_after == analyze(advice.suggested_text).segment_count == 2
    assert advice.saving == 1


def test_gsm_text_needs_no_advice() -> None:
    advice = back_to_gsm7("Hello")
    assert (advice.replacements, advice.saving, advice.fully_gsm) == ((), 0, True)


def test_one_click_applies_one_replacement_everywhere() -> None:
    assert apply_replacement("a’b’", "’", "'") == "a'b'"
