"""Twilio Smart Encoding: replace Unicode look-alikes with GSM-7 characters before segmenting.

The table is ``data/smart_encoding.csv``: the 271 substitutions of Twilio's Smart Encoding as
shipped in ``sms-segments-calculator`` 1.3.0 (``SmartEncodingMap``). An empty replacement removes
the character (zero-width spaces and the like).

How it is applied follows that package's ``SegmentedMessage`` constructor: every code point found
in the map is replaced, one by one, whatever else the message contains (it is *not*
all-or-nothing), and only then is the encoding chosen and the message segmented. A message can
therefore stay UCS-2 (an emoji is not in the map) while its curly quotes are still replaced, and a
replacement can make it longer (``…`` becomes ``...``, a no-break space two spaces).

>>> apply_smart_encoding("It’s 5…6").text
"It's 5...6"
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from smskit._data import read_table


@dataclass(frozen=True, slots=True)
class Substitution:
    """One character Smart Encoding replaced: where (index in the original text), what, and with
    what.

    An empty ``replacement`` means the character was removed.
    """

    position: int
    original: str
    replacement: str


@dataclass(frozen=True, slots=True)
class SmartEncoded:
    """The text after Smart Encoding and every substitution that produced it."""

    text: str
    substitutions: tuple[Substitution, ...]


@functools.cache
def smart_encoding_map() -> Mapping[str, str]:
    """The substitution table, original character -> replacement ('' = removed).

    >>> smart_encoding_map()["\\u201c"], smart_encoding_map()["\\u200b"]
    ('"', '')
    """
    table: dict[str, str] = {}
    for number, row in enumerate(read_table("smart_encoding"), start=2):
        code = row["code_point"].strip()
        if not code.startswith("U+"):
            raise ValueError(f"smart_encoding.csv row {number}: bad code_point {code!r}")
        table[chr(int(code[2:], 16))] = row["replacement"]
    return MappingProxyType(table)


@functools.cache
def translation_table() -> dict[int, str]:
    """The map as a ``str.translate`` table (code point -> replacement), for the bulk path.

    A plain dict, because ``str.translate`` takes a fast path for it; treat it as read-only.

    >>> "a\\u2019b".translate(translation_table())
    "a'b"
    """
    return {ord(char): repl for char, repl in smart_encoding_map().items()}


def apply_smart_encoding(text: str) -> SmartEncoded:
    """Replace every mapped character of ``text`` and report each substitution.

    >>> result = apply_smart_encoding("“Hi”\\u200b")
    >>> result.text, [(s.position, s.replacement) for s in result.substitutions]
    ('"Hi"', [(0, '"'), (3, '"'), (4, '')])
    """
    table = smart_encoding_map()
    substitutions = tuple(
        Substitution(index, char, table[char]) for index, char in enumerate(text) if char in table
    )
    if not substitutions:
        return SmartEncoded(text, ())
    return SmartEncoded(text.translate(translation_table()), substitutions)
