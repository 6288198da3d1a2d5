"""Pure HTML renderers for the Encoding Visualizer: an ``Analysis`` in, an HTML string out.

Stable CSS classes for tests and styling: ``smskit-readout``, ``smskit-encoding``,
``smskit-segment-count``, ``smskit-char`` plus one of ``smskit-char-gsm`` / ``smskit-char-ext`` /
``smskit-char-shift`` / ``smskit-char-nongsm`` (and ``smskit-char-substituted``),
``smskit-boundary``, ``smskit-segment-bar``, ``smskit-septets``, ``smskit-substitutions``,
``smskit-cost``.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass

from smskit_widgets.common.formats import money, num
from smskit_widgets.common.i18n import render_text

from smskit.encoding.advice import GsmAdvice, Replacement, SendCost
from smskit.encoding.graphemes import join_surrogates
from smskit.encoding.pdu import user_data
from smskit.encoding.segments import Analysis, CharClass
from smskit.i18n.catalog import N_

Translate = Callable[..., str]

#: The shift tables' languages (3GPP TS 23.038 annex A), as staff read them.
SHIFT_LANGUAGES = {
    "turkish": N_("Turkish"),
    "spanish": N_("Spanish"),
    "portuguese": N_("Portuguese"),
}

# Where a replacement comes from (smskit.encoding.advice), as staff read it.
SOURCES = {
    "smart-encoding": N_("Twilio Smart Encoding"),
    "composed": N_("same letter, composed"),
    "accents-removed": N_("accent removed"),
    "look-alike": N_("look-alike letter"),
}

CHAR_CLASSES = {
    CharClass.BASIC: "smskit-char-gsm",
    CharClass.EXTENSION: "smskit-char-ext",
    CharClass.NATIONAL: "smskit-char-shift",
    CharClass.NON_GSM: "smskit-char-nongsm",
}
STYLE = """<style>
.smskit-chars{font-family:monospace;font-size:15px;line-height:2;white-space:normal;
  word-break:break-all;border:1px solid #ccc;border-radius:4px;padding:6px;background:#fff}
.smskit-char{padding:1px 0;border-radius:2px}
.smskit-char-gsm{background:#e3f2e1}
.smskit-char-ext{background:#fff1b8;outline:1px solid #d9a400}
.smskit-char-shift{background:#dcecff;outline:1px solid #3b7dd8}
.smskit-char-nongsm{background:#ffd6d6;outline:1px solid #c62828}
.smskit-char-substituted{text-decoration:underline wavy #7b1fa2}
.smskit-char-removed{color:#7b1fa2;font-size:11px}
.smskit-boundary{display:inline-block;background:#333;color:#fff;font-size:11px;
  padding:0 3px;margin:0 2px;border-radius:3px}
.smskit-legend span{margin-right:10px;padding:1px 4px}
.smskit-segment-bar{display:inline-block;width:220px;height:12px;background:#eee;
  border:1px solid #bbb;vertical-align:middle;margin-right:6px}
.smskit-segment-bar>div{height:100%;background:#1f77b4}
.smskit-septets code{font-size:12px;word-break:break-all}
.smskit-udh{background:#ffe0b2}
</style>"""


@dataclass(frozen=True, slots=True)
class EncodingView:
    """Every HTML fragment the dashboard shows for one analysis."""

    readout: str
    characters: str
    bars: str
    septets: str
    substitutions: str


def render_readout(analysis: Analysis, t: Translate) -> str:
    """Encoding, segment count and units, with the warnings, in one line."""
    unit = t("septets") if analysis.encoding == "GSM-7" else t("UTF-16 code units")
    if not analysis.text:
        # Nothing typed: no message, nothing billed (not "1 segment").
        hint = t("Type or pick a message to see how it is encoded, split and billed.")
        return (
            f'<div class="smskit-readout" id="smskit-readout" style="font-size:18px;margin:6px 0">'
            f'<b class="smskit-segment-count">0</b> '
            f"{html.escape(t.ngettext('segment', 'segments', 0))}"
            f' · <span class="smskit-empty-hint">{html.escape(hint)}</span></div>'
        )
    shift = ""
    if analysis.shift is not None:
        tables = ", ".join(
            template.format(language=t(SHIFT_LANGUAGES.get(name, name.capitalize())))
            for template, name in (
                (t("{language} locking table"), analysis.shift.locking),
                (t("{language} single shift table"), analysis.shift.single),
            )
            if name
        )
        saving = analysis.ucs2_segment_count - analysis.segment_count
        saves = t.ngettext(
            "saves {n} segment against UCS-2", "saves {n} segments against UCS-2", saving
        )
        shift = (
            f' <span class="smskit-shift-note">· {html.escape(t("national shift"))}: '
            f"{html.escape(tables)} · {html.escape(saves)}</span>"
        )
    warnings = "".join(
        f'<div class="smskit-warning" style="color:#a4262c">⚠ '
        f"{html.escape(render_text(w.message))}</div>"
        for w in analysis.warnings
    )
    return (
        f'<div class="smskit-readout" id="smskit-readout" style="font-size:18px;margin:6px 0">'
        f'<b class="smskit-encoding">{html.escape(analysis.encoding)}</b> · '
        f'<b class="smskit-segment-count">{analysis.segment_count}</b> '
        f"{html.escape(t.ngettext('segment', 'segments', analysis.segment_count))} · "
        f"{num(analysis.units)} {html.escape(unit)} · "
        f"{html.escape(t.ngettext('{n} character', '{n} characters', len(analysis.text)))}"
        f"{shift}</div>{warnings}"
    )


def substituted_positions(analysis: Analysis) -> tuple[frozenset[int], dict[int, list[str]]]:
    """Indices in ``analysis.text`` that Smart Encoding wrote, and removed characters by index."""
    if not analysis.substitutions:
        return frozenset(), {}
    changed = {s.position: s for s in analysis.substitutions}
    written: set[int] = set()
    removed: dict[int, list[str]] = {}
    out = 0
    for index, char in enumerate(join_surrogates(analysis.original)):
        sub = changed.get(index)
        if sub is None:
            out += 1
            continue
        if not sub.replacement:
            removed.setdefault(out, []).append(char)
        written.update(range(out, out + len(sub.replacement)))
        out += len(sub.replacement)
    return frozenset(written), removed


def render_characters(analysis: Analysis, t: Translate) -> str:
    """The text, every character coloured by class, with a marker where each segment starts."""
    written, removed = substituted_positions(analysis)
    starts = {segment.start: number for number, segment in enumerate(analysis.segments, 1)}
    parts = [STYLE, '<div class="smskit-chars">']
    seg_label = html.escape(t("segment"))
    spans: dict[tuple[str, CharClass, int, bool], str] = {}  # a message repeats its characters
    for char in analysis.characters:
        number = starts.get(char.position)
        if number is not None and number > 1:
            parts.append(
                f'<span class="smskit-boundary" title="{seg_label} {number}">│{number}</span>'
            )
        if removed:
            parts.extend(_removed(gone, t) for gone in removed.get(char.position, ()))
        key = (char.char, char.kind, char.units, char.position in written)
        span = spans.get(key)
        if span is None:
            span = spans[key] = _span(*key)
        parts.append(span)
    parts.extend(_removed(gone, t) for gone in removed.get(len(analysis.text), ()))
    parts.append("</div>")
    parts.append(
        '<div class="smskit-legend" style="font-size:12px;margin-top:4px">'
        f'<span class="smskit-char-gsm">{html.escape(t("GSM basic: 1 septet"))}</span>'
        f'<span class="smskit-char-ext">{html.escape(t("GSM extension: 2 septets"))}</span>'
        f'<span class="smskit-char-shift">{html.escape(t("national shift table"))}</span>'
        f'<span class="smskit-char-nongsm">{html.escape(t("not GSM: forces UCS-2"))}</span>'
        f'<span class="smskit-char-substituted">{html.escape(t("Smart Encoding replaced"))}</span>'
        "</div>"
    )
    return "".join(parts)


def _span(char: str, kind: CharClass, units: int, substituted: bool) -> str:
    classes = f"smskit-char {CHAR_CLASSES[kind]}"
    if substituted:
        classes += " smskit-char-substituted"
    shown = {"\n": "↵", "\r": "␍", "\x0c": "␌", " ": "&nbsp;"}.get(char) or html.escape(char)
    title = f"U+{ord(char):04X} · {kind.value} · {units}"
    span = f'<span class="{classes}" title="{title}">{shown}</span>'
    return span + "<br>" if char == "\n" else span


def _removed(char: str, t: Translate) -> str:
    label = html.escape(t("removed"))
    return f'<span class="smskit-char-removed" title="U+{ord(char):04X} {label}">⌫</span>'


def render_bars(analysis: Analysis, t: Translate) -> str:
    """One fill bar per segment: units used out of the segment's capacity."""
    rows = []
    for number, segment in enumerate(analysis.segments, 1):
        share = min(100.0, 100.0 * segment.units / segment.capacity) if segment.capacity else 0
        rows.append(
            f'<div class="smskit-segment-row">{html.escape(t("Segment {n}", n=number))}: '
            f'<span class="smskit-segment-bar"><div style="width:{share:.1f}%"></div></span>'
            f'<span class="smskit-segment-fill">{segment.units}/{segment.capacity}</span></div>'
        )
    return "".join(rows)


def render_septets(analysis: Analysis, t: Translate) -> str:
    """Each segment as a trainer draws it: UDH octets, then every septet or UTF-16 unit in hex."""
    form = "{:02X}" if analysis.encoding == "GSM-7" else "{:04X}"
    values: list[list[str]] = [[] for _ in analysis.segments]
    for char in analysis.characters:
        values[char.segment].extend(map(form.format, char.encoded))
    on_air = user_data(analysis)
    unit = t("Septets") if analysis.encoding == "GSM-7" else t("UTF-16 units")
    rows = ['<div class="smskit-septets">']
    for number, segment in enumerate(analysis.segments, 1):
        udh = " ".join(f"{octet:02X}" for octet in segment.header) or t("none")
        octets = on_air[number - 1]
        rows.append(
            f"<div style='margin-bottom:6px'><b>{html.escape(t('Segment {n}', n=number))}</b> · "
            f"UDH: <code class='smskit-udh'>{html.escape(udh)}</code><br>"
            f"{html.escape(unit)}: <code>{' '.join(values[number - 1])}</code><br>"
            f"{html.escape(t('On the air ({n} of 140 octets)', n=len(octets)))}: "
            f"<code class='smskit-octets'>{octets.hex(' ').upper()}</code></div>"
        )
    rows.append("</div>")
    return "".join(rows)


def render_substitutions(analysis: Analysis, t: Translate) -> str:
    """The Smart Encoding substitutions applied, one line each."""
    if not analysis.substitutions:
        return ""
    removed = html.escape(t("removed"))
    counts: dict[tuple[str, str], int] = {}
    for sub in analysis.substitutions:  # one line per kind of change, not per position
        counts[(sub.original, sub.replacement)] = counts.get((sub.original, sub.replacement), 0) + 1
    items = "".join(
        f'<li class="smskit-substitution"><code>{html.escape(original)}</code> → '
        f"<code>{html.escape(replacement) if replacement else removed}</code> "
        f"{html.escape(t.ngettext('({n} time)', '({n} times)', n))} "
        f'<small style="color:#718096">U+{ord(original):04X}</small></li>'
        for (original, replacement), n in counts.items()
    )
    title = html.escape(t("Smart Encoding substitutions ({n})", n=len(analysis.substitutions)))
    return f'<div class="smskit-substitutions"><b>{title}</b><ul>{items}</ul></div>'


def render_advice_summary(advice: GsmAdvice, t: Translate) -> str:
    """One line: what applying every suggestion would save."""
    if not advice.replacements:
        text = t("Already GSM-7: nothing to replace.")
        return f'<div class="smskit-advice-summary">{html.escape(text)}</div>'
    if advice.fully_gsm:
        text = t(
            "Replacing them all gives GSM-7: {before} → {after} per recipient.",
            before=advice.segments_now,
            after=t.ngettext("{n} segment", "{n} segments", advice.segments_after),
        )
    else:
        text = t(
            "Some characters have no GSM-7 equivalent: UCS-2, {before} → {after}.",
            before=advice.segments_now,
            after=t.ngettext("{n} segment", "{n} segments", advice.segments_after),
        )
    return f'<div class="smskit-advice-summary">{html.escape(text)}</div>'


def render_replacement(replacement: Replacement, t: Translate) -> str:
    """One suggestion: the character, its code point(s), how often, and what to write instead."""
    points = " ".join(f"U+{ord(char):04X}" for char in replacement.character)
    shown = (
        f"<code class='smskit-advice-char'>{html.escape(replacement.character)}</code> ({points})"
    )
    times = html.escape(t("×{n}", n=replacement.occurrences))
    if replacement.replacement is None:
        instead = html.escape(t("no GSM-7 equivalent: remove it or rephrase"))
    else:
        source = html.escape(t(SOURCES.get(replacement.source, replacement.source)))
        instead = (
            f"→ <code class='smskit-advice-replacement'>{html.escape(replacement.replacement)}"
            f"</code> <small>({source})</small>"
        )
    return f'<span class="smskit-advice-row">{shown} {times} {instead}</span>'


def render_cost(cost: SendCost, t: Translate, currency: str = "USD") -> str:
    """The bill: segments per recipient x recipients x price per segment, with the currency."""
    text = t(
        "{segments} × {recipients} × {price} = {total}",
        segments=t.ngettext("{n} segment", "{n} segments", cost.segments_per_recipient),
        recipients=t.ngettext("{n} recipient", "{n} recipients", cost.recipients),
        price=money(cost.price_per_segment, currency, rate=True),
        total=money(cost.total, currency),
    )
    return f'<div class="smskit-cost" style="font-size:16px">{html.escape(text)}</div>'


def render_all(analysis: Analysis, t: Translate) -> EncodingView:
    """Every fragment for one analysis (what one keystroke re-renders)."""
    return EncodingView(
        readout=render_readout(analysis, t),
        characters=render_characters(analysis, t),
        bars=render_bars(analysis, t),
        septets=render_septets(analysis, t),
        substitutions=render_substitutions(analysis, t),
    )
