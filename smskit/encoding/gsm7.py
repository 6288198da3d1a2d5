"""The GSM 7-bit default alphabet and the national language shift tables (3GPP TS 23.038).

The tables are not typed by hand: they come from the MIT-licensed ``gsmcodecs`` package, which is
generated from 3GPP TS 23.038 v18.0.0 (§6.2.1 default alphabet, §6.2.1.1 its extension table, annex
A national language locking and single shift tables).

* ``BASIC``: the 127 characters of the default alphabet (§6.2.1), one septet each. 0x1B is the
  escape to the extension table, not a character.
* ``EXTENSION``: the default extension table (§6.2.1.1): form feed ``^ { } \\ [ ~ ] |`` and ``€``.
  Each costs two septets, ESC (0x1B) plus its code, and Twilio never splits that pair across
  segments.

>>> BASIC["@"], EXTENSION["€"]
(0, 101)
>>> "ç" in GSM_CHARS, "Ç" in GSM_CHARS
(False, True)
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

from gsmcodecs import GSMCHARMAPS

ESCAPE: Final = 0x1B  # TS 23.038 §6.2.1: escape to the extension (single shift) table


def _table(language_id: int, kind: str) -> dict[str, int]:
    encode: dict[int, int] = GSMCHARMAPS[language_id][kind]["encode"]
    # gsmcodecs decodes an unknown ESC sequence as a space (TS 23.038 §6.2.1.1 note), so its single
    # shift "encode" maps ' ' to 0x1B; a space is always a basic character, never an escape pair.
    return {
        chr(cp): code for cp, code in encode.items() if not (kind == "singleShift" and cp == 32)
    }


BASIC: Final = MappingProxyType(_table(0, "locking"))
EXTENSION: Final = MappingProxyType(_table(0, "singleShift"))
GSM_CHARS: Final = frozenset(BASIC) | frozenset(EXTENSION)
BASIC_CHARS: Final = frozenset(BASIC)
EXTENSION_CHARS: Final = frozenset(EXTENSION)


@dataclass(frozen=True, slots=True)
class ShiftLanguage:
    """One national language of TS 23.038 annex A, with the shift tables it defines."""

    name: str
    language_id: int  # the value carried in the UDH information element (TS 23.040 §9.2.3.24.15/16)
    has_locking: bool
    has_single: bool


# TS 23.038 annex A: A.2.x are single shift tables, A.3.x locking shift tables. Spanish has only a
# single shift table.
SHIFT_LANGUAGES: Final = MappingProxyType(
    {
        "turkish": ShiftLanguage("turkish", 1, True, True),
        "spanish": ShiftLanguage("spanish", 2, False, True),
        "portuguese": ShiftLanguage("portuguese", 3, True, True),
    }
)


def locking_table(language: str | None) -> MappingProxyType[str, int]:
    """The 1-septet table in use: the default alphabet, or a national locking shift table.

    >>> "ş" in locking_table("turkish"), "ş" in locking_table(None)
    (True, False)
    """
    if language is None:
        return BASIC
    return MappingProxyType(_table(SHIFT_LANGUAGES[language].language_id, "locking"))


def single_table(language: str | None) -> MappingProxyType[str, int]:
    """The 2-septet (ESC + code) table in use: the default extension or a national single shift.

    >>> single_table("spanish")["á"], "á" in single_table(None)
    (97, False)
    """
    if language is None:
        return EXTENSION
    return MappingProxyType(_table(SHIFT_LANGUAGES[language].language_id, "singleShift"))


def septets(char: str) -> int | None:
    """Septets one character costs in the default alphabet: 1, 2 (extension) or None (not GSM).

    >>> septets("a"), septets("€"), septets("😀")
    (1, 2, None)
    """
    if char in BASIC:
        return 1
    if char in EXTENSION:
        return 2
    return None
