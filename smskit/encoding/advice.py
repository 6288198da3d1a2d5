""" "Back to GSM-7": which characters force UCS-2, what to write instead, and what that saves.

One non-GSM character turns the whole message into UCS-2 (3GPP TS 23.038 has no mixed encodings in
one SM), cutting a segment from 160 to 70 characters. For each such character this module proposes a
GSM-7 replacement, in this order:

1. Twilio's Smart Encoding table (curly quotes, dashes, odd spaces; ``data/smart_encoding.csv``);
2. the composed form, when that is GSM (a decomposed ``e`` + U+0301 is the GSM ``é``);
3. the letter without its accents (Unicode NFKD, combining marks dropped), when that is GSM;
4. a Latin letter for a Greek capital that looks the same (``Α`` -> ``A``) and a few letters that
   have no decomposition (``ı`` -> ``i``).

Emoji and other scripts have no GSM equivalent: they are listed with no replacement.

>>> advice = back_to_gsm7("Olá, João! Seu código: 1234")
>>> [(r.character, r.replacement) for r in advice.replacements]
[('á', 'a'), ('ã', 'a'), ('ó', 'o')]
>>> advice.segments_now, advice.segments_after, advice.fully_gsm
(1, 1, True)
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Final

from smskit.encoding import gsm7
from smskit.encoding.bulk import count_one
from smskit.encoding.segments import UCS2, Analysis, analyze
from smskit.encoding.smart_encoding import smart_encoding_map
from smskit.i18n.catalog import LocalizedError

# Letters NFKD cannot strip to ASCII, and Greek capitals that read as Latin ones.
_LOOKALIKES: Final = {
    "ı": "i",
    "ł": "l",
    "Ł": "L",
    "đ": "d",
    "Đ": "D",
    "œ": "oe",
    "Œ": "OE",
    "þ": "th",
    "Þ": "Th",
    "ð": "d",
    "Α": "A",
    "Β": "B",
    "Ε": "E",
    "Ζ": "Z",
    "Η": "H",
    "Ι": "I",
    "Κ": "K",
    "Μ": "M",
    "Ν": "N",
    "Ο": "O",
    "Ρ": "P",
    "Τ": "T",
    "Υ": "Y",
    "Χ": "X",
}


@dataclass(frozen=True, slots=True)
class Replacement:
    """One character that forces UCS-2, how often it occurs, and its GSM-7 stand-in (if any)."""

    character: str
    replacement: str | None  # None: no GSM equivalent (emoji, CJK): remove or rephrase
    source: str  # "smart-encoding", "composed", "accents-removed", "look-alike" or "none"
    occurrences: int


@dataclass(frozen=True, slots=True)
class GsmAdvice:
    """The suggestions for one message and what applying all of them would cost."""

    replacements: tuple[Replacement, ...]
    segments_now: int
    segments_after: int  # after applying every replacement that exists
    suggested_text: str
    fully_gsm: bool  # whether the suggested text is GSM-7

    @property
    def saving(self) -> int:
        """Segments saved per recipient by applying every suggestion.

        >>> back_to_gsm7("Café “Ñ” " * 10).saving
        1
        """
        return self.segments_now - self.segments_after


def gsm_replacement(character: str) -> tuple[str | None, str]:
    """A GSM-7 replacement for one character (cluster) and where it came from.

    >>> gsm_replacement("’"), gsm_replacement("ş"), gsm_replacement("😀")
    (("'", 'smart-encoding'), ('s', 'accents-removed'), (None, 'none'))
    """
    mapped = smart_encoding_map().get(character)
    if mapped is not None and _is_gsm(mapped):
        return mapped, "smart-encoding"
    composed = unicodedata.normalize("NFC", character)
    if composed != character and _is_gsm(composed):
        return composed, "composed"
    stripped = "".join(
        char for char in unicodedata.normalize("NFKD", character) if not unicodedata.combining(char)
    )
    if stripped and stripped != character and _is_gsm(stripped):
        return stripped, "accents-removed"
    lookalike = _LOOKALIKES.get(character)
    if lookalike is not None:
        return lookalike, "look-alike"
    return None, "none"


def _is_gsm(text: str) -> bool:
    return all(char in gsm7.GSM_CHARS for char in text)


def apply_replacement(text: str, character: str, replacement: str) -> str:
    """Replace every occurrence of ``character`` (one cluster) in ``text``: a one-click fix.

    >>> apply_replacement("“Hi” “you”", "“", '"')
    '"Hi” "you”'
    """
    return text.replace(character, replacement)


def back_to_gsm7(text: str, *, smart_encoding: bool = False) -> GsmAdvice:
    """List the characters forcing UCS-2 with a GSM-7 replacement for each, and the segments saved.

    >>> back_to_gsm7("Hello").replacements
    ()
    >>> back_to_gsm7("Promo 🎉 " + "a" * 70).segments_now
    2
    """
    return advise(analyze(text, smart_encoding=smart_encoding))


def advise(analysis: Analysis) -> GsmAdvice:
    """The Back-to-GSM-7 advice for an analysis already made (a dashboard has one per keystroke).

    >>> advise(analyze("ça va?")).replacements[0].replacement
    'c'
    """
    if analysis.encoding != UCS2:
        return GsmAdvice((), analysis.segment_count, analysis.segment_count, analysis.text, True)
    counts: dict[str, int] = {}
    for character in analysis.non_gsm_characters:
        counts[character] = counts.get(character, 0) + 1
    replacements = []
    suggested = analysis.text
    for character, occurrences in counts.items():
        replacement, source = gsm_replacement(character)
        replacements.append(Replacement(character, replacement, source, occurrences))
        if replacement is not None:
            suggested = apply_replacement(suggested, character, replacement)
    return GsmAdvice(
        replacements=tuple(replacements),
        segments_now=analysis.segment_count,
        segments_after=count_one(suggested),
        suggested_text=suggested,
        fully_gsm=set(suggested) <= gsm7.GSM_CHARS,
    )


@dataclass(frozen=True, slots=True)
class SendCost:
    """What one message costs when sent to many recipients at a price per segment."""

    recipients: int
    segments_per_recipient: int
    segments: int
    price_per_segment: Decimal
    total: Decimal


def send_cost(segment_count: int, recipients: int, price_per_segment: Decimal | str) -> SendCost:
    """Carriers and Twilio bill every segment to every recipient: segments x recipients x price.

    >>> send_cost(2, 1000, "0.0083").total
    Decimal('16.6000')
    """
    try:
        price = Decimal(str(price_per_segment))
    except InvalidOperation as error:
        raise LocalizedError(
            "Price per segment {value} is not a number", value=price_per_segment
        ) from error
    if not price.is_finite() or price < 0:
        raise LocalizedError("Price per segment must be zero or more, not {value}", value=price)
    if isinstance(recipients, bool) or not isinstance(recipients, int) or recipients < 0:
        raise LocalizedError(
            "Recipients must be a whole number, zero or more, not {value}", value=recipients
        )
    segments = segment_count * recipients
    return SendCost(recipients, segment_count, segments, price, price * segments)
