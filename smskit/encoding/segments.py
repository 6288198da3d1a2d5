"""How many billed segments a message costs, and why: GSM-7 or UCS-2, split as Twilio splits it.

The rules follow 3GPP TS 23.038 (alphabets), TS 23.040 §9.2.3.24 (the User Data Header) and the
observed behaviour of Twilio's ``sms-segments-calculator`` 1.3.0:

* GSM-7 when every character is in the default alphabet or its extension table, else UCS-2.
* One segment holds 140 octets: 160 septets or 70 UTF-16 code units. A concatenated message spends 6
  octets per segment on the UDH (UDHL + the 8-bit concatenation IE, TS 23.040 §9.2.3.24.1), leaving
  153 septets or 67 units.
* An extension character costs 2 septets (ESC + code), an astral character 2 code units, and neither
  the escape pair, the surrogate pair nor a whole grapheme cluster is ever split across segments.

>>> analyze("a" * 160).segment_count, analyze("a" * 161).segment_count
(1, 2)
>>> analyze("€" * 81).segments[0].units  # 76 escape pairs: the 77th does not split
152
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from smskit.encoding import gsm7
from smskit.encoding.filling import split_units
from smskit.encoding.graphemes import clusters, join_surrogates, utf16_units
from smskit.encoding.national import NationalShift, check_languages, choose_shift, header_octets
from smskit.encoding.smart_encoding import Substitution, apply_smart_encoding
from smskit.i18n.catalog import Text

GSM7: Final = "GSM-7"
UCS2: Final = "UCS-2"
SEGMENT_OCTETS: Final = 140  # TS 23.040 §9.2.3.24: TP-User-Data holds at most 140 octets
CONCAT_UDH_OCTETS: Final = 6  # UDHL + IEI 0x00 + IEDL + reference + total + sequence (§9.2.3.24.1)
MAX_CHARACTERS: Final = 1600  # Twilio rejects longer bodies with error 21617
RECOMMENDED_SEGMENTS: Final = 10  # Twilio: keep messages to 10 segments or fewer


class CharClass(StrEnum):
    """How one character is encoded, which decides its colour and its cost."""

    BASIC = "gsm-basic"
    EXTENSION = "gsm-extension"
    NATIONAL = "national-shift"
    NON_GSM = "non-gsm"


@dataclass(frozen=True, slots=True)
class Character:
    """One character of the analysed text: what it is, how it is encoded and what it costs."""

    char: str
    code_point: int
    kind: CharClass
    units: int  # septets (GSM-7) or UTF-16 code units (UCS-2)
    encoded: tuple[int, ...]  # septet values (ESC first for a 2-septet char) or UTF-16 code units
    position: int  # index in the analysed text
    segment: int  # index of the segment that carries it


@dataclass(frozen=True, slots=True)
class Segment:
    """One billed SMS: its text, the units it uses, what it could hold and its header octets."""

    text: str
    units: int
    capacity: int
    start: int  # index of its first character in the analysed text
    header: tuple[int, ...]  # the User Data Header octets (empty for a lone plain message)


@dataclass(frozen=True, slots=True)
class AnalysisWarning:
    """Something staff should know before sending: a stable code and a translatable message."""

    code: str
    message: Text


@dataclass(frozen=True, slots=True)
class Analysis:
    """Everything about how one message is encoded, split and billed."""

    original: str  # the text as given
    text: str  # the text as encoded (after Smart Encoding, if on)
    encoding: str  # "GSM-7" or "UCS-2"
    segment_count: int
    segments: tuple[Segment, ...]
    units: int  # total septets (GSM-7) or UTF-16 code units (UCS-2), headers excluded
    characters: tuple[Character, ...]
    non_gsm_characters: tuple[str, ...]  # the clusters that forced UCS-2, in order, repeats kept
    substitutions: tuple[Substitution, ...]
    line_breaks: str  # "none", "LF", "CRLF", "CR" or "mixed"
    warnings: tuple[AnalysisWarning, ...]
    shift: NationalShift | None  # the national shift tables used, if any (GSM-7 only)
    ucs2_segment_count: int  # what the same text costs in UCS-2, to show a shift table's saving


def line_break_style(text: str) -> str:
    """The line breaks used: "none", "LF", "CRLF", "CR" or "mixed".

    >>> line_break_style("a\\r\\nb"), line_break_style("a\\nb\\r\\n"), line_break_style("ab")
    ('CRLF', 'mixed', 'none')
    """
    crlf = text.count("\r\n")
    lf = text.count("\n") - crlf
    cr = text.count("\r") - crlf
    styles = [name for name, count in (("LF", lf), ("CRLF", crlf), ("CR", cr)) if count]
    if not styles:
        return "none"
    return styles[0] if len(styles) == 1 else "mixed"


def check_text(text: object) -> str:
    """Return ``text`` if it is a ``str``; raise a clear TypeError otherwise.

    >>> check_text(42)
    Traceback (most recent call last):
    TypeError: message text must be a str, not int (42)
    """
    if not isinstance(text, str):
        raise TypeError(f"message text must be a str, not {type(text).__name__} ({text!r:.40})")
    return text


def analyze(
    text: str, *, smart_encoding: bool = False, shift_tables: Sequence[str] = ()
) -> Analysis:
    """Encode and segment ``text`` as Twilio bills it; optionally with Smart Encoding or shift
    tables.

    A lone surrogate (from bad decoding) is not GSM: it is counted as one UCS-2 code unit.

    >>> a = analyze("Hello “world”", smart_encoding=True)
    >>> a.encoding, a.segment_count, a.text
    ('GSM-7', 1, 'Hello "world"')
    >>> analyze("Merhaba ağabey, şimdi", shift_tables=("turkish",)).shift.single
    'turkish'
    """
    check_text(text)
    languages = check_languages(shift_tables)  # fail on a typo even when no shift is needed
    substitutions: tuple[Substitution, ...] = ()
    body = join_surrogates(text)
    if smart_encoding:
        encoded = apply_smart_encoding(body)
        body, substitutions = encoded.text, encoded.substitutions
    pieces = clusters(body)
    ucs2_costs = [utf16_units(piece) for piece in pieces]
    ucs2_count = len(split_units(ucs2_costs, 70, 67)) if body else 1
    shift: NationalShift | None = None
    if set(body) <= gsm7.GSM_CHARS:
        encoding = GSM7
        costs = [2 if piece in gsm7.EXTENSION else 1 for piece in pieces]
        single, multi = 160, 153
    else:
        shift = choose_shift(body, languages, ucs2_count)
        if shift is not None:
            encoding = GSM7
            costs = [shift.septets(piece) for piece in pieces]
            single, multi = shift.single_capacity, shift.multi_capacity
        else:
            encoding = UCS2
            costs = ucs2_costs
            single, multi = 70, 67
    starts = split_units(costs, single, multi)
    segments = _segments(body, pieces, costs, starts, single, multi, shift)
    characters = _characters(body, pieces, starts, encoding, shift)
    non_gsm = (
        tuple(piece for piece in pieces if piece not in gsm7.GSM_CHARS) if encoding == UCS2 else ()
    )
    return Analysis(
        original=text,
        text=body,
        encoding=encoding,
        segment_count=len(segments),
        segments=segments,
        units=sum(costs),
        characters=characters,
        non_gsm_characters=non_gsm,
        substitutions=substitutions,
        line_breaks=line_break_style(body),
        warnings=_warnings(text, len(segments)),
        shift=shift,
        ucs2_segment_count=ucs2_count,
    )


def _segments(
    body: str,
    pieces: list[str],
    costs: list[int],
    starts: list[int],
    single: int,
    multi: int,
    shift: NationalShift | None,
) -> tuple[Segment, ...]:
    total = len(starts)
    bounds = [*starts, len(pieces)]
    segments = []
    position = 0
    for number in range(total):
        part = "".join(pieces[bounds[number] : bounds[number + 1]])
        header = header_octets(shift, number + 1, total)
        segments.append(
            Segment(
                text=part,
                units=sum(costs[bounds[number] : bounds[number + 1]]),
                capacity=single if total == 1 else multi,
                start=position,
                header=header,
            )
        )
        position += len(part)
    return tuple(segments)


def _characters(
    body: str, pieces: list[str], starts: list[int], encoding: str, shift: NationalShift | None
) -> tuple[Character, ...]:
    result = []
    position = 0
    segment = 0
    boundaries = set(starts[1:])
    for index, piece in enumerate(pieces):
        while index in boundaries and segment + 1 < len(starts) and starts[segment + 1] <= index:
            segment += 1
        for char in piece:
            kind, encoded = _encode(char, encoding, shift)
            result.append(
                Character(char, ord(char), kind, len(encoded), encoded, position, segment)
            )
            position += 1
    return tuple(result)


def _encode(
    char: str, encoding: str, shift: NationalShift | None
) -> tuple[CharClass, tuple[int, ...]]:
    if shift is not None:
        encoded = shift.encode(char)
        if len(encoded) == 1:
            kind = CharClass.BASIC if char in gsm7.BASIC else CharClass.NATIONAL
        else:
            kind = CharClass.EXTENSION if char in gsm7.EXTENSION else CharClass.NATIONAL
        return kind, encoded
    if char in gsm7.BASIC:
        kind = CharClass.BASIC
    elif char in gsm7.EXTENSION:
        kind = CharClass.EXTENSION
    else:
        kind = CharClass.NON_GSM
    if encoding == UCS2:
        raw = char.encode("utf-16-be", "surrogatepass")
        return kind, tuple(int.from_bytes(raw[i : i + 2], "big") for i in range(0, len(raw), 2))
    if kind is CharClass.EXTENSION:
        return kind, (gsm7.ESCAPE, gsm7.EXTENSION[char])
    return kind, (gsm7.BASIC[char],)


def _warnings(text: str, segment_count: int) -> tuple[AnalysisWarning, ...]:
    warnings = []
    if len(text) > MAX_CHARACTERS:
        warnings.append(
            AnalysisWarning(
                "21617",
                Text(
                    "{count} characters: Twilio rejects messages over 1,600 characters "
                    "(error 21617).",
                    count=len(text),
                ),
            )
        )
    if segment_count > RECOMMENDED_SEGMENTS:
        warnings.append(
            AnalysisWarning(
                "over-10-segments",
                Text(
                    "{count} segments: more than 10 segments is not recommended.",
                    count=segment_count,
                ),
            )
        )
    return tuple(warnings)
