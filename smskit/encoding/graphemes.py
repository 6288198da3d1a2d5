"""Grapheme clusters: the units that never straddle two SMS segments.

Twilio's calculator (``sms-segments-calculator`` 1.3.0, ``textUtils.splitGraphemes``) splits the
text into extended grapheme clusters with ``grapheme-splitter`` 1.0.4, an implementation of UAX #29
for Unicode 10.0, and then splits every CR LF cluster back into CR and LF: each is its own GSM
character, and a segment may end with CR and the next start with LF.

smskit ports those same rules (GB3-GB13 of UAX #29 rev. 31, including that library's reading of
GB10/GB12-13) onto the same Unicode 10 property data (:mod:`smskit.encoding._uax29_v10`), so that
segment
boundaries agree with Twilio's even where newer Unicode versions cluster differently (a ZWJ followed
by an emoji released after 2017, a skin tone after a non-emoji, Indic conjuncts).

>>> clusters("a👍🏽\\r\\nb")
['a', '👍🏽', '\\r', '\\n', 'b']
"""

from __future__ import annotations

import bisect
import functools
import re
from typing import Final

from smskit.encoding._uax29_v10 import RANGES

# Property codes (see _uax29_v10): the values the break rules compare.
OTHER: Final = "XX"
CONTROL_LIKE: Final = frozenset({"CN", "CR", "LF"})
HANGUL_FIRST, HANGUL_LAST = 0xAC00, 0xD7A3
# Properties that can join a code point to its neighbour (rules GB6-GB13). A text with none of them
# has one cluster per code point.
_EXTENDING: Final = frozenset({"EX", "ZWJ", "SM"})
JOINING: Final = frozenset({"EX", "ZWJ", "SM", "PP", "L", "V", "T", "LV", "LVT", "RI", "EM"})
# A break between code points a and b is certain unless a is in STICKY_BEFORE or b in STICKY_AFTER:
# every rule that forbids a break (GB3, GB6-GB11, GB13) looks at one of them; the rest only break.
STICKY_BEFORE: Final = frozenset({"CR", "PP", "ZWJ", "L", "V", "T", "LV", "LVT", "RI"})
STICKY_AFTER: Final = frozenset({"LF", "EX", "ZWJ", "SM", "EM", "L", "V", "T", "LV", "LVT", "RI"})


@functools.cache
def _table() -> tuple[list[int], list[int], list[str]]:
    starts: list[int] = []
    ends: list[int] = []
    values: list[str] = []
    for token in RANGES.split():
        span, value = token.split(":")
        first, _, last = span.partition("-")
        starts.append(int(first, 16))
        ends.append(int(last or first, 16))
        values.append(value)
    return starts, ends, values


@functools.cache
def break_property(code_point: int) -> str:
    """The Unicode 10 Grapheme_Cluster_Break code of a code point ("XX" = Other).

    >>> break_property(0x0301), break_property(0x1F3FD), break_property(ord("a"))
    ('EX', 'EM', 'XX')
    """
    if HANGUL_FIRST <= code_point <= HANGUL_LAST:
        return "LV" if (code_point - HANGUL_FIRST) % 28 == 0 else "LVT"
    starts, ends, values = _table()
    index = bisect.bisect_right(starts, code_point) - 1
    if index >= 0 and code_point <= ends[index]:
        return values[index]
    return OTHER


def _should_break(start: str, mid: list[str], end: str) -> bool:
    """UAX #29 (Unicode 10) break test between a cluster and ``end``, as in grapheme-splitter."""
    every = [start, *mid, end]
    previous = every[-2]
    # GB10 look-ahead terminator: an E_Modifier not preceded by (E_Base | EBG) Extend*.
    if "EM" in every:
        index = len(every) - 1 - every[::-1].index("EM")
        if (
            index > 1
            and all(p == "EX" for p in every[1:index])
            and start not in ("EX", "EB", "EBG")
        ):
            return True
    # GB12/GB13 look-ahead terminator for runs of regional indicators.
    if "RI" in every:
        index = len(every) - 1 - every[::-1].index("RI")
        if index > 0 and all(p == "RI" for p in every[1:index]) and previous not in ("PP", "RI"):
            return True
    if previous == "CR" and end == "LF":  # GB3
        return False
    if previous in CONTROL_LIKE or end in CONTROL_LIKE:  # GB4, GB5
        return True
    if previous == "L" and end in ("L", "V", "LV", "LVT"):  # GB6
        return False
    if previous in ("LV", "V") and end in ("V", "T"):  # GB7
        return False
    if previous in ("LVT", "T") and end == "T":  # GB8
        return False
    if end in ("EX", "ZWJ", "SM") or previous == "PP":  # GB9, GB9a, GB9b
        return False
    # GB10: (E_Base | EBG) Extend* x E_Modifier
    last_non_extend = (
        (len(every) - 1 - every[::-1].index("EX")) - 1 if "EX" in every else len(every) - 2
    )
    if (
        last_non_extend >= 0
        and every[last_non_extend] in ("EB", "EBG")
        and all(p == "EX" for p in every[last_non_extend + 1 : -1])
        and end == "EM"
    ):
        return False
    if previous == "ZWJ" and end in ("GAZ", "EBG"):  # GB11
        return False
    if "RI" in mid:  # GB12, GB13
        return True
    return not (previous == "RI" and end == "RI")


def clusters(text: str) -> list[str]:
    """Split ``text`` into extended grapheme clusters (Unicode 10 rules), CR LF split into two.

    >>> [len(cluster) for cluster in clusters("e\\u0301!🇮🇩")]
    [2, 1, 2]
    """
    props = [break_property(ord(char)) for char in text]
    if JOINING.isdisjoint(props):
        return list(text)  # no code point can join a neighbour: one cluster each
    result: list[str] = []
    first = 0
    length = len(text)
    while first < length:
        start = props[first]
        mid: list[str] = []
        special = False  # whether mid holds an E_Modifier or a regional indicator
        end = first + 1
        while end < length:
            prop = props[end]
            if prop in _EXTENDING and not special:
                # Shortcut, same answer as _should_break: with no EM/RI in mid, no look-ahead
                # rule applies, and GB9/GB9a keep Extend, ZWJ and SpacingMark unless GB4 breaks.
                # It keeps long runs of combining marks linear instead of quadratic.
                if (mid[-1] if mid else start) in CONTROL_LIKE:
                    break
            elif _should_break(start, mid, prop):
                break
            special = special or prop in ("EM", "RI")
            mid.append(prop)
            end += 1
        piece = text[first:end]
        if piece == "\r\n":
            result.extend(("\r", "\n"))
        else:
            result.append(piece)
        first = end
    return result


_SURROGATE: Final = re.compile("[\ud800-\udfff]")


def join_surrogates(text: str) -> str:
    """Read ``text`` as UTF-16 (as JavaScript and Twilio do): a surrogate pair is one character.

    Python can hold the two halves of a pair as two code points (bad decoding); a lone half stays.

    >>> join_surrogates("\\ud83d\\ude00") == "\\U0001F600"
    True
    >>> join_surrogates("a\\ud800") == "a\\ud800"
    True
    """
    if _SURROGATE.search(text) is None:
        return text
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")


def utf16_units(text: str) -> int:
    """UTF-16 code units of ``text``: 2 for a character outside the BMP (most emoji), else 1.

    >>> utf16_units("a😀")
    3
    """
    return len(text.encode("utf-16-le", "surrogatepass")) // 2
