"""Segment counts for whole campaigns: exactly what :func:`smskit.analyze` counts, much faster.

Most marketing messages are plain GSM-7 with no extension character. For those a C-speed check
proves it and the count is arithmetic: 1 segment up to 160 septets, else ``ceil(n / 153)``. ASCII
messages are checked all at once (one ``bytes.translate`` over them joined), the others one by one
with a compiled character class. The rest take the shortest exact path:

* GSM-7 with extension characters: the septets with each ESC counted, cut every 153 and moved back
  by one where a cut would fall between ESC and its character;
* UCS-2 with no character outside the BMP: if no code point beside a cut at 67, 134, ... units can
  join its neighbour into a grapheme cluster (UAX #29) or is a surrogate, the cuts stay where they
  are and the count is ``ceil(n / 67)``;
* other UCS-2: the UTF-16 units, cut every 67 and moved back by one where a cut would fall inside
  a surrogate pair. Where a code point at a cut could join the other into a grapheme cluster (an
  emoji sequence, combining marks), the cut moves back to the start of that cluster, found from
  the few code points before it; only a cluster too long to settle there sends the whole text
  through :func:`smskit.encoding.graphemes.clusters` and
  :func:`smskit.encoding.filling.split_units`.

>>> count_segments(["a" * 160, "a" * 161, "😀" * 36, ""])
[1, 2, 2, 1]
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterable, Sequence
from itertools import compress
from operator import not_
from typing import TYPE_CHECKING, Final, overload

from smskit.encoding import gsm7
from smskit.encoding._uax29_v10 import RANGES
from smskit.encoding.filling import split_units
from smskit.encoding.graphemes import (
    HANGUL_FIRST,
    HANGUL_LAST,
    STICKY_AFTER,
    STICKY_BEFORE,
    break_property,
    clusters,
    join_surrogates,
    utf16_units,
)
from smskit.encoding.smart_encoding import smart_encoding_map

if TYPE_CHECKING:
    import pandas as pd

_BASIC_ASCII: Final = bytes(sorted(ord(char) for char in gsm7.BASIC_CHARS if ord(char) < 128))
# Texts checked together: their ASCII ones joined stay in cache (and need no fresh pages).
_CHUNK: Final = 256
# Segments of a pure basic GSM-7 text by its length (TS 23.040 §9.2.3.24: 160, or 153 with a UDH).
_GSM_COUNTS: Final = tuple(1 if length <= 160 else (length + 152) // 153 for length in range(4096))
# The stdlib engine compiles these negated classes to a bitmap: several times faster than `regex`.
_NOT_BASIC: Final = re.compile(
    "[^" + "".join(re.escape(char) for char in sorted(gsm7.BASIC_CHARS)) + "]"
)
_NOT_GSM: Final = re.compile(
    "[^" + "".join(re.escape(char) for char in sorted(gsm7.GSM_CHARS)) + "]"
)
# UTF-16 in this machine's byte order, so that memoryview.cast("H") reads code units directly.
_UTF16_NATIVE: Final = "utf-16-le" if sys.byteorder == "little" else "utf-16-be"
_EXTENSION_CHARS: Final = gsm7.EXTENSION_CHARS
_EXTENSION: Final = re.compile("[" + "".join(re.escape(char) for char in gsm7.EXTENSION) + "]")
_SMART_MAP: Final = dict(smart_encoding_map())
# One group: split() returns the text between keys and, at odd indices, the keys themselves.
_SMART_KEYS: Final = re.compile("([" + "".join(re.escape(key) for key in sorted(_SMART_MAP)) + "])")


def _sticky_class() -> str:
    """A regex class body: code points that a cut must not fall beside without a closer look.

    Those that may join a neighbour (UAX #29, Unicode 10), surrogates, and every astral code point
    as one range: listing the astral sticky ranges one by one makes ``re`` test each in turn,
    about 20 times slower; a cut beside an astral character needs the pair check anyway.
    """
    sticky = STICKY_BEFORE | STICKY_AFTER
    spans = [(HANGUL_FIRST, HANGUL_LAST), (0xD800, 0xDFFF), (0x10000, 0x10FFFF)]
    for token in RANGES.split():
        span, value = token.split(":")
        first, _, last = span.partition("-")
        if value in sticky and int(first, 16) < 0x10000:
            spans.append((int(first, 16), int(last or first, 16)))
    return "".join(f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in sorted(spans))


# Either side of a cut: where none of these is, the break there is certain (every rule that keeps
# two code points together, GB3 and GB6-GB13, names one of them) and no surrogate pair is split.
# The BMP part compiles to one bitmap (BIGCHARSET), tested in one step per character.
_STICKY: Final = re.compile("[" + _sticky_class() + "]")


@overload
def count_segments(texts: pd.Series, *, smart_encoding: bool = False) -> pd.Series: ...


@overload
def count_segments(texts: Iterable[str], *, smart_encoding: bool = False) -> list[int]: ...


def count_segments(
    texts: Iterable[str] | pd.Series, *, smart_encoding: bool = False
) -> list[int] | pd.Series:
    """Segments for each text: a list, or a Series with the same index for a pandas Series.

    A value that is not a ``str`` (``None``, ``NaN``, a number) raises TypeError naming its
    position.

    >>> count_segments(["Hi “there”"], smart_encoding=True)
    [1]
    >>> count_segments(["ok", None])
    Traceback (most recent call last):
    TypeError: texts[1] must be a str, not NoneType (None)
    """
    if isinstance(texts, str):
        raise TypeError("texts must be an iterable of str (e.g. a list), not a single str")
    pandas = sys.modules.get("pandas")  # a Series can only exist once pandas is imported
    if pandas is not None and isinstance(texts, pandas.Series):
        counts = _count_all(texts.tolist(), smart_encoding)
        result: pd.Series = pandas.Series(counts, index=texts.index, name="segments", dtype="int64")
        return result
    return _count_all(list(texts), smart_encoding)


def _count_all(items: list[str], smart_encoding: bool) -> list[int]:
    try:
        ascii_flags = list(map(str.isascii, items))  # also the type check, at C speed
    except TypeError:
        for index, item in enumerate(items):
            if not isinstance(item, str):
                raise TypeError(
                    f"texts[{index}] must be a str, not {type(item).__name__} ({item!r:.40})"
                ) from None
        raise
    try:
        counts = list(map(_GSM_COUNTS.__getitem__, map(len, items)))
    except IndexError:  # a text longer than the table
        counts = [1 if length <= 160 else (length + 152) // 153 for length in map(len, items)]
    search = _NOT_BASIC.search
    # Chunks small enough that the joined ASCII text stays in cache (and never needs fresh pages).
    for start in range(0, len(items), _CHUNK):
        chunk = items[start : start + _CHUNK]
        flags = ascii_flags[start : start + _CHUNK]
        # ASCII texts, all at once: delete the basic GSM bytes; anything left needs a closer look.
        if "".join(compress(chunk, flags)).encode().translate(None, _BASIC_ASCII):
            for offset in compress(range(len(chunk)), flags):
                text = chunk[offset]
                if text.encode().translate(None, _BASIC_ASCII):
                    counts[start + offset] = count_one(text, smart_encoding)
        for offset in compress(range(len(chunk)), map(not_, flags)):
            text = chunk[offset]
            match = search(text)
            if match is not None:
                counts[start + offset] = _count_from(text, match.start(), smart_encoding)
    return counts


def count_one(text: str, smart_encoding: bool = False) -> int:
    """Segments for one message, by the shortest exact path (equal to ``analyze(...)``).

    >>> count_one("€" * 80 + "a"), count_one("😀" * 36), count_one("中" * 66 + "👍🏽" + "中")
    (2, 2, 2)
    """
    match = _NOT_BASIC.search(text)
    if match is None:
        return 1 if len(text) <= 160 else (len(text) + 152) // 153
    return _count_from(text, match.start(), smart_encoding)


def _count_from(text: str, first: int, smart_encoding: bool) -> int:
    """Segments of a text whose first character that is not basic GSM is at ``first``."""
    # Every Smart Encoding key is outside the basic alphabet, so none comes before ``first``.
    # Surrogate halves need no joining here: UTF-16 units are the same either way.
    if smart_encoding and _SMART_KEYS.search(text, first) is not None:
        # str.translate with multi-character replacements is slow; most texts have few keys.
        parts = _SMART_KEYS.split(text)
        parts[1::2] = map(_SMART_MAP.__getitem__, parts[1::2])
        text = "".join(parts)
        # Replacements are GSM characters, so text[:first] stays basic and in place.
        match = _NOT_BASIC.search(text, first)
        if match is None:
            return 1 if len(text) <= 160 else (len(text) + 152) // 153
        first = match.start()
    # A first non-basic character outside the extension table settles it: UCS-2.
    if text[first] in _EXTENSION_CHARS and _NOT_GSM.search(text, first) is None:
        # The unit index of each ESC: an extension character at i, after k others, is at i + k.
        escapes = {match.start() + k for k, match in enumerate(_EXTENSION.finditer(text))}
        units = len(text) + len(escapes)
        return _cut(units, 160, 153, lambda end: end - 1 in escapes)
    raw = text.encode(_UTF16_NATIVE, "surrogatepass")
    length = len(text)
    units = len(raw) >> 1
    if units <= 70:
        return 1
    if units == length and _STICKY.search(text[66 : length - 1 : 67] + text[67::67]) is None:
        # BMP only, and each cut at 67k (k >= 1, 67k < length) has neither a surrogate nor a code
        # point that could join across it beside it: every segment is exactly 67 units.
        return (length + 66) // 67
    count = _ucs2_cuts(memoryview(raw).cast("H"))
    if count:
        return count
    costs = [utf16_units(piece) for piece in clusters(join_surrogates(text))]
    return len(split_units(costs, 70, 67))


def _ucs2_cuts(units: Sequence[int]) -> int:
    """Segments of a UTF-16 stream cut every 67 units, or 0 if a cluster is too long to tell.

    Only the code points on either side of each cut are examined: where neither can join its
    neighbour (UAX #29), the cluster boundary is certain and the greedy cut is Twilio's. Elsewhere
    (an emoji sequence or combining marks at the cut) the cut moves back to the start of the
    cluster it would split, found from a few units around it.
    """
    total = len(units)
    count = 0
    position = 0
    while total - position > 67:
        end = position + 67
        after, before = units[end], units[end - 1]
        if 0xDC00 <= after <= 0xDFFF and 0xD800 <= before <= 0xDBFF:  # never split a pair
            end -= 1
            after, before = before, units[end - 1]
        # Below U+0300 only CR and LF can join a neighbour (UAX #29): the common case, no lookup.
        common = after < 0x300 and before < 0x300 and before != 0x0D and after != 0x0A
        if not common and not _certain_break(units, end):
            end = _cluster_cut(units, end)
            if not end:
                return 0
        position = end
        count += 1
    return count + 1


# How far back from a cut a certain break is looked for. Below 32, a cluster that split_units
# carries over capacity (longer than ~48 units) is never resolved here: it has no certain break
# within reach of the next cut, so the caller falls back to splitting the whole text.
_WINDOW: Final = 16


def _cluster_cut(units: Sequence[int], end: int) -> int:
    """The last grapheme cluster boundary at or before unit ``end``, or 0 if not found nearby."""
    # A certain break before the cut: the clusters of the text from there on are those of the
    # whole text, because a cluster's breaks depend only on its own code points and the next.
    start = end - 1
    while _inside_pair(units, start) or not _certain_break(units, start):
        start -= 1
        if end - start > _WINDOW:
            return 0
    window = join_surrogates("".join(map(chr, units[start : end + 2])))
    boundary = start
    for piece in clusters(window):
        if boundary + utf16_units(piece) > end:
            break
        boundary += utf16_units(piece)
    return boundary


def _inside_pair(units: Sequence[int], index: int) -> bool:
    return 0xDC00 <= units[index] <= 0xDFFF and 0xD800 <= units[index - 1] <= 0xDBFF


def _code_point_at(units: Sequence[int], index: int) -> int:
    unit = units[index]
    if 0xD800 <= unit <= 0xDBFF and index + 1 < len(units) and 0xDC00 <= units[index + 1] <= 0xDFFF:
        return 0x10000 + ((unit - 0xD800) << 10) + (units[index + 1] - 0xDC00)
    return unit


def _code_point_before(units: Sequence[int], index: int) -> int:
    unit = units[index - 1]
    if 0xDC00 <= unit <= 0xDFFF and index >= 2 and 0xD800 <= units[index - 2] <= 0xDBFF:
        return 0x10000 + ((units[index - 2] - 0xD800) << 10) + (unit - 0xDC00)
    return unit


def _certain_break(units: Sequence[int], end: int) -> bool:
    before = break_property(_code_point_before(units, end))
    after = break_property(_code_point_at(units, end))
    return before not in STICKY_BEFORE and after not in STICKY_AFTER


def _cut(total: int, single: int, multi: int, inside_pair: Callable[[int], bool]) -> int:
    """Count segments of a unit stream whose cuts must not fall inside a 2-unit pair."""
    if total <= single:
        return 1
    count = 0
    position = 0
    while total - position > multi:
        end = position + multi
        if inside_pair(end):
            end -= 1
        position = end
        count += 1
    return count + 1
