"""Segment counts for whole campaigns: exactly what :func:`smskit.analyze` counts, much faster.

Most marketing messages are plain GSM-7 with no extension character. For those a C-speed check
proves it (``bytes.translate`` for ASCII text, a compiled character class otherwise) and the count
is arithmetic: 1 segment up to 160 septets, else ``ceil(n / 153)``. The others take the shortest
exact path:

* GSM-7 with extension characters: the septets with each ESC counted, cut every 153 and moved back
  by one where a cut would fall between ESC and its character;
* UCS-2: the UTF-16 units, cut every 67 and moved back by one where a cut would fall inside a
  surrogate pair, as long as neither code point at a cut can join the other into a grapheme
  cluster (UAX #29); otherwise (a combining mark or emoji sequence at a cut) the clusters are split
  and segmented as :func:`smskit.segments.split_units` does.

>>> count_segments(["a" * 160, "a" * 161, "😀" * 36, ""])
[1, 2, 2, 1]
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterable, Sequence
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

_BASIC_ASCII: Final = bytes(sorted(ord(char) for char in gsm7.BASIC_CHARS if ord(char) < 128))
# The stdlib engine compiles these negated classes to a bitmap: several times faster than `regex`.
_NOT_BASIC: Final = re.compile(
    "[^" + "".join(re.escape(char) for char in sorted(gsm7.BASIC_CHARS)) + "]"
)
_NOT_GSM: Final = re.compile(
    "[^" + "".join(re.escape(char) for char in sorted(gsm7.GSM_CHARS)) + "]"
)
# UTF-16 in this machine's byte order, so that memoryview.cast("H") reads code units directly.
_UTF16_NATIVE: Final = "utf-16-le" if sys.byteorder == "little" else "utf-16-be"
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
    if isinstance(texts, str):
        raise TypeError("texts must be an iterable of str (e.g. a list), not a single str")
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
    counts = [1 if length <= 160 else (length + 152) // 153 for length in map(len, items)]
    search = _NOT_BASIC.search
    for index, text in enumerate(items):
        # ASCII (most messages): delete the basic GSM bytes; anything left needs a closer look.
        if text.isascii():
            if not text.encode().translate(None, _BASIC_ASCII):
                continue
        elif search(text) is None:
            continue
        counts[index] = count_one(text, smart_encoding)
    return counts


def count_one(text: str, smart_encoding: bool = False) -> int:
    """Segments for one message, by the shortest exact path (equal to ``analyze(...)``).

    >>> count_one("€" * 80 + "a"), count_one("😀" * 36), count_one("中" * 66 + "👍🏽" + "中")
    (2, 2, 2)
    """
    # Surrogate halves need no joining here: UTF-16 units are the same either way.
    if smart_encoding and _SMART_KEYS.search(text) is not None:
        # str.translate with multi-character replacements is slow; most texts have few matches.
        table = translation_table()
        text = _SMART_KEYS.sub(lambda match: table[ord(match.group())], text)
    if _NOT_GSM.search(text) is None:
        # The unit index of each ESC: an extension character at i, after k others, is at i + k.
        escapes = {match.start() + k for k, match in enumerate(_EXTENSION.finditer(text))}
        units = len(text) + len(escapes)
        return _cut(units, 160, 153, lambda end: end - 1 in escapes)
    raw = text.encode(_UTF16_NATIVE, "surrogatepass")
    if len(raw) <= 140:  # 70 units
        return 1
    count = _ucs2_cuts(memoryview(raw).cast("H"))
    if count:
        return count
    costs = [utf16_units(piece) for piece in clusters(join_surrogates(text))]
    return len(split_units(costs, 70, 67))


def _ucs2_cuts(units: Sequence[int]) -> int:
    """Segments of a UTF-16 stream cut every 67 units, or 0 if a cut may split a cluster.

    Only the code points on either side of each cut are examined: where neither can join its
    neighbour (UAX #29), the cluster boundary is certain and the greedy cut is Twilio's.
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
            return 0
        position = end
        count += 1
    return count + 1


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
