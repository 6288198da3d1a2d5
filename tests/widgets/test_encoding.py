"""The Encoding Visualizer, headless: live readout, colouring, toggles, advice buttons, cost."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

import pytest
from smskit_widgets.common.i18n import LANGUAGE, Translator
from smskit_widgets.encoding import render as R
from smskit_widgets.encoding.dashboard import EXAMPLES, SHIFT_OPTIONS, EncodingVisualizer

from smskit import analyze

t = Translator("encoding")


@pytest.fixture
def indonesian() -> Iterator[None]:
    LANGUAGE.lang = "id"
    yield
    LANGUAGE.lang = "en"


def example(label: str) -> str:
    return dict(EXAMPLES)[label]


def test_typing_updates_result_readout_and_colouring() -> None:
    w = EncodingVisualizer()
    w.editor.value = "a" * 161
    assert w.result is not None and w.result.segment_count == 2
    assert '<b class="smskit-segment-count">2</b>' in w.readout.value
    assert "GSM-7" in w.readout.value
    assert w.characters.value.count("smskit-char-gsm") >= 161
    assert w.characters.value.count('class="smskit-boundary"') == 1
    w.editor.value = "Hi 😀"
    assert w.result.encoding == "UCS-2"
    assert "smskit-char smskit-char-nongsm" in w.characters.value
    assert '<b class="smskit-encoding">UCS-2</b>' in w.readout.value


def test_fill_bars_and_septet_view_with_udh() -> None:
    w = EncodingVisualizer("a" * 200)
    assert "153/153" in w.bars.value and "47/153" in w.bars.value
    assert "05 00 03 00 02 01" in w.septets.value
    assert "05 00 03 00 02 02" in w.septets.value
    assert "On the air (140 of 140 octets)" in w.septets.value
    w.editor.value = "€"
    assert "1B 65" in w.septets.value
    w.editor.value = "hellohello"  # the packing example of 3GPP TS 23.038 §6.1.2.1.1
    assert "E8 32 9B FD 46 97 D9 EC 37" in w.septets.value


def test_smart_encoding_toggle_highlights_substitutions() -> None:
    w = EncodingVisualizer(example("One curly quote"))
    assert w.result is not None and w.result.encoding == "UCS-2"
    w.smart.value = True
    assert w.result.encoding == "GSM-7"
    assert ' smskit-char-substituted"' in w.characters.value
    assert "smskit-substitutions" in w.substitutions.value
    w.smart.value = False
    assert ' smskit-char-substituted"' not in w.characters.value


def test_removed_characters_are_marked() -> None:
    w = EncodingVisualizer("a\u200bb")
    w.smart.value = True
    assert "smskit-char-removed" in w.characters.value


def test_national_shift_option() -> None:
    w = EncodingVisualizer(example("Turkish"))
    assert w.result is not None and w.result.encoding == "UCS-2"
    w.shift.value = ("turkish",)
    assert w.result.encoding == "GSM-7" and w.result.shift is not None
    assert "smskit-char-shift" in w.characters.value
    assert "saves 1 segment against UCS-2" in w.readout.value
    assert "03 24 01 01" in w.septets.value  # UDHL + national single shift IE, Turkish


def test_one_click_replacement_and_apply_all() -> None:
    w = EncodingVisualizer("Şule, don’t miss it 😀")
    assert w.advice is not None
    assert [r.character for r in w.advice.replacements] == ["Ş", "’", "😀"]
    assert len(w.advice_rows.children) == 3
    apply_first = w.advice_rows.children[0].children[1]
    apply_first.click()
    assert w.editor.value == "Sule, don’t miss it 😀"
    # The emoji has no GSM-7 equivalent: its button removes it.
    assert w.advice_rows.children[-1].children[1].description == "Remove"
    w.editor.value = "Şule, don’t miss it"
    w.apply_all.click()
    assert w.editor.value == "Sule, don't miss it"
    assert w.result is not None and w.result.encoding == "GSM-7"


def test_cost_to_many_recipients() -> None:
    w = EncodingVisualizer("a" * 161)
    w.recipients.value = 10_000
    w.price.value = 0.0083
    assert w.cost is not None
    assert (w.cost.segments, w.cost.total) == (20_000, Decimal("166.0000"))
    assert "2 segments × 10,000 recipients × $0.0083 = $166.00" in w.cost_view.value


def test_empty_message_negative_recipients_and_emoji_removal() -> None:
    w = EncodingVisualizer("")
    assert '<b class="smskit-segment-count">0</b> segments' in w.readout.value
    assert w.cost is not None and w.cost.total == 0
    w.recipients.value = -5
    # Refused in words beside the field, and no stale bill left on screen.
    assert "zero or more, not -5" in w.cost_feedback.value and w.cost_view.value == ""
    w.recipients.value = 2
    assert w.cost_feedback.value == "" and "2 recipients" in w.cost_view.value
    w.editor.value = "Party tonight 🎉 see you"
    assert w.result is not None and w.result.encoding == "UCS-2"
    remove = [
        row.children[1]
        for row in w.advice_rows.children
        if "smskit-remove-character" in row.children[1]._dom_classes
    ]
    assert len(remove) == 1
    remove[0].click()
    assert w.editor.value == "Party tonight  see you" and w.result.encoding == "GSM-7"


@pytest.mark.parametrize(
    ("label", "encoding", "segments"),
    [
        ("Exactly 160 characters (1 segment)", "GSM-7", 1),
        ("161 characters (2 segments)", "GSM-7", 2),
        ("One emoji", "UCS-2", 1),
        ("One curly quote", "UCS-2", 2),
        ("€ sign at a segment boundary", "GSM-7", 2),
        ("Indonesian", "GSM-7", 1),
        ("Spanish", "UCS-2", 2),
        ("Turkish", "UCS-2", 2),
        ("Chinese", "UCS-2", 1),
    ],
)
def test_examples_say_what_they_show(label: str, encoding: str, segments: int) -> None:
    w = EncodingVisualizer()
    w.examples.value = example(label)
    assert w.editor.value == example(label)
    assert w.result is not None
    assert (w.result.encoding, w.result.segment_count) == (encoding, segments)


def test_exact_lengths_and_the_euro_at_the_boundary() -> None:
    assert len(example("Exactly 160 characters (1 segment)")) == 160
    assert len(example("161 characters (2 segments)")) == 161
    euro = analyze(example("€ sign at a segment boundary"))
    assert euro.segments[0].units == 152 and euro.segments[1].text.startswith("€")


def test_over_long_text_warns_in_the_page() -> None:
    w = EncodingVisualizer("a" * 1601)
    assert "21617" in w.readout.value
    assert "smskit-warning" in w.readout.value


def test_a_lone_surrogate_never_crashes_the_dashboard() -> None:
    w = EncodingVisualizer()
    w.editor.value = "bad \ud800 decode"
    assert w.result is not None and w.result.encoding == "UCS-2"
    assert "error" not in w.status.value


def test_indonesian_labels(indonesian: None) -> None:
    w = EncodingVisualizer("a" * 161)
    assert "segmen" in w.readout.value
    assert w.apply_all.description == "Terapkan semua saran"
    assert "Contoh" in w.examples.description


def test_language_switch_relabels_in_place() -> None:
    w = EncodingVisualizer("a" * 161)
    assert w.recipients.description == "Recipients"
    LANGUAGE.lang = "id"
    try:
        assert w.recipients.description == "Penerima"
        assert "segmen" in w.readout.value
    finally:
        LANGUAGE.lang = "en"


def test_renderers_escape_html() -> None:
    html = R.render_characters(analyze("<b>&"), t)
    assert "<b>&" not in html and "&lt;" in html and "&amp;" in html


def test_every_visible_string_has_an_indonesian_translation() -> None:
    from pathlib import Path

    po = Path(__file__).resolve().parents[2] / "widgets/locale/id/LC_MESSAGES/encoding.po"
    ids = set(re.findall(r'^msgid "(.+)"$', po.read_text(encoding="utf-8"), re.MULTILINE))
    sources = "".join(
        (Path(__file__).resolve().parents[2] / "widgets" / name).read_text(encoding="utf-8")
        for name in ("encoding/dashboard.py", "encoding/render.py")
    )
    used = set(re.findall(r'\bt\(\s*"([^"]+)"', sources))
    used |= set(re.findall(r"\bt\(\s*'([^']+)'", sources)) | set(
        re.findall(r'N_\("([^"]+)"\)', sources)
    )
    used |= {label for label, _ in EXAMPLES} | {label for label, _ in SHIFT_OPTIONS}
    missing = sorted(used - ids)
    assert not missing
