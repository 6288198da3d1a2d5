"""Segment counts for whole campaigns: exactly what :func:`smskit.analyze` counts, much faster.

Most marketing messages are plain GSM-7 with no extension character. For those, one C-speed regular
expression scan over all messages at once proves it, and the count is arithmetic: 1 segment up to
160 septets, else ``ceil(n / 153)``. The other messages take the shortest exact path:

* GSM-7 with extension characters: the septet stream with each ESC written out, cut every 153
  septets and moved back by one where the cut would fall between ESC and its character;
* UCS-2 where every code point is its own grapheme cluster: the UTF-16 stream, cut every 67 units
  and moved back by one where the cut would fall inside a surrogate pair;
* anything else (combining marks, emoji sequences, Hangul, flags): the full analysis.

>>> count_segments(["a" * 160, "a" * 161, "😀" * 36, ""])
[1, 2, 2, 1]
"""

from __future__ import annotations

import bisect
import itertools
import re
import sys
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Final, overload

from . import gsm7
from .graphemes import (
    STICKY_AFTER,
    STICKY_BEFORE,
    break_property,
    clusters,
    join_surrogates,
    utf16_units,
)
from .segments import split_units
from .smart_encoding import translation_table

if TYPE_CHECKING:
    import pandas as pd

_SEPARATOR: Final = "\n"  # a basic GSM character, so joining never flags a message by itself
# The stdlib engine compiles these negated classes to a bitmap: several times faster than `regex`.
_NOT_BASIC: Final = re.compile(
    "[^" + "".join(re.escape(char) for char in sorted(gsm7.BASIC_CHARS)) + "]"
)
_NOT_GSM: Final = re.compile(
    "[^" + "".join(re.escape(char) for char in sorted(gsm7.GSM_CHARS)) + "]"
)
_EXTENSION: Final = re.compile("[" + "".join(re.escape(char) for char in gsm7.EXTENSION) + "]")
_SMART_KEYS: Final = re.compile(
    "[" + "".join(re.escape(chr(code)) for code in sorted(translation_table())) + "]"
)


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
    pandas = sys.modules.get("pandas")  # a Series can only exist once pandas is imported
    if pandas is not None and isinstance(texts, pandas.Series):
        counts = _count_all(texts.tolist(), smart_encoding)
        result: pd.Series = pandas.Series(counts, index=texts.index, name="segments", dtype="int64")
        return result
    return _count_all(list(texts), smart_encoding)


def _count_all(items: list[str], smart_encoding: bool) -> list[int]:
    if not all(type(item) is str for item in items):
        for index, item in enumerate(items):
            if not isinstance(item, str):
                raise TypeError(
                    f"texts[{index}] must be a str, not {type(item).__name__} ({item!r:.40})"
                )
    lengths = list(map(len, items))
    counts = [1 if length <= 160 else (length + 152) // 153 for length in lengths]
    joined = _SEPARATOR.join(items)
    # Offsets of each message's first character in ``joined``.
    starts = list(itertools.accumulate((length + 1 for length in lengths), initial=0))
    search = _NOT_BASIC.search
    position = 0
    while (match := search(joined, position)) is not None:
        index = bisect.bisect_right(starts, match.start()) - 1
        counts[index] = count_one(items[index], smart_encoding)
        position = starts[index + 1]
    return counts


def count_one(text: str, smart_encoding: bool = False) -> int:
    """Segments for one message, by the shortest exact path (equal to ``analyze(...)``).

    >>> count_one("€" * 80 + "a"), count_one("😀" * 36), count_one("中" * 66 + "👍🏽" + "中")
    (2, 2, 2)
    """
    text = join_surrogates(text)
    if smart_encoding and _SMART_KEYS.search(text) is not None:
        # str.translate with multi-character replacements is slow; most texts have few matches.
        table = translation_table()
        text = _SMART_KEYS.sub(lambda match: table[ord(match.group())], text)
    if _NOT_GSM.search(text) is None:
        # The unit index of each ESC: an extension character at i, after k others, is at i + k.
        escapes = {match.start() + k for k, match in enumerate(_EXTENSION.finditer(text))}
        units = len(text) + len(escapes)
        return _cut(units, 160, 153, lambda end: end - 1 in escapes)
    raw = text.encode("utf-16-le", "surrogatepass")
    units = len(raw) // 2
    if units <= 70:
        return 1
    count = _ucs2_cuts(raw, units)
    if count:
        return count
    costs = [utf16_units(piece) for piece in clusters(text)]
    return len(split_units(costs, 70, 67))


def _ucs2_cuts(raw: bytes, units: int) -> int:
    """Segments of a UTF-16 stream cut every 67 units, or 0 if a cut may split a cluster.

    Only the code points on either side of each cut are examined: where neither can join its
    neighbour (UAX #29), the cluster boundary is certain and the greedy cut is Twilio's.
    """
    count = 0
    position = 0
    while units - position > 67:
        end = position + 67
        if _is_low(raw, end) and _is_high(raw, end - 1):  # never split a surrogate pair
            end -= 1
        if not _certain_break(raw, end):
            return 0
        position = end
        count += 1
    return count + 1


def _is_high(raw: bytes, unit: int) -> bool:
    return 0xD8 <= raw[2 * unit + 1] <= 0xDB


def _is_low(raw: bytes, unit: int) -> bool:
    return 0xDC <= raw[2 * unit + 1] <= 0xDF


def _unit(raw: bytes, unit: int) -> int:
    return raw[2 * unit] | raw[2 * unit + 1] << 8


def _certain_break(raw: bytes, end: int) -> bool:
    after = _unit(raw, end)
    if _is_high(raw, end) and end + 1 < len(raw) // 2 and _is_low(raw, end + 1):
        after = 0x10000 + ((after - 0xD800) << 10) + (_unit(raw, end + 1) - 0xDC00)
    before = _unit(raw, end - 1)
    if _is_low(raw, end - 1) and end >= 2 and _is_high(raw, end - 2):
        before = 0x10000 + ((_unit(raw, end - 2) - 0xD800) << 10) + (before - 0xDC00)
    return break_property(before) not in STICKY_BEFORE and break_property(after) not in STICKY_AFTER


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
