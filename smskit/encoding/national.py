"""National language shift tables (3GPP TS 23.038 annex A) and what their headers cost.

A phone that supports them can read Turkish, Spanish or Portuguese letters in GSM-7 instead of
UCS-2. The sender announces the tables in the User Data Header of *every* segment (TS 23.040):

* §9.2.3.24.15 National Language Single Shift, IEI 0x24, 3 octets (IEI, length 1, language id);
* §9.2.3.24.16 National Language Locking Shift, IEI 0x25, 3 octets.

So even a one-segment message then carries a UDH (UDHL + IEs), and a concatenated one adds them to
the 5-octet concatenation IE. GSM-7 text starts on the next septet boundary after the UDH (fill
bits, TS 23.040 §9.2.3.16), so the septets left are ``floor((140 - udh_octets) * 8 / 7)``:

=====================  ==========  ============  =========
tables announced        lone UDH    concat UDH    septets
=====================  ==========  ============  =========
none                    0           6             160 / 153
one (single or lock)    4           9             155 / 149
both                    7           12            152 / 146
=====================  ==========  ============  =========

>>> shift = NationalShift.build("turkish", "turkish")
>>> shift.single_capacity, shift.multi_capacity
(152, 146)
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final

from smskit.encoding import gsm7
from smskit.encoding.filling import split_units
from smskit.encoding.graphemes import clusters

CONCAT_IE: Final = (0x00, 0x03)  # TS 23.040 §9.2.3.24.1: 8-bit reference concatenation, length 3
SINGLE_SHIFT_IEI: Final = 0x24  # TS 23.040 §9.2.3.24.15
LOCKING_SHIFT_IEI: Final = 0x25  # TS 23.040 §9.2.3.24.16
CONCAT_REFERENCE: Final = 0x00  # chosen by the sender per message; shown as 00 in the septet view


def septet_capacity(udh_octets: int) -> int:
    """Septets left in a 140-octet segment after a UDH of ``udh_octets`` (fill bits included).

    >>> septet_capacity(0), septet_capacity(6), septet_capacity(4), septet_capacity(12)
    (160, 153, 155, 146)
    """
    return (140 - udh_octets) * 8 // 7


@dataclass(frozen=True, slots=True)
class NationalShift:
    """The shift tables a GSM-7 message uses: a locking and/or a single shift language."""

    locking: str | None
    single: str | None
    lock_table: Mapping[str, int] = field(repr=False)
    single_table: Mapping[str, int] = field(repr=False)
    single_capacity: int  # septets in a lone segment (its UDH carries the shift IEs)
    multi_capacity: int  # septets per segment of a concatenated message

    @classmethod
    def build(cls, locking: str | None, single: str | None) -> NationalShift:
        """The shift for a locking and a single shift language (None = the default table).

        >>> NationalShift.build(None, "spanish").single_capacity
        155
        """
        ies = 3 * ((locking is not None) + (single is not None))
        lone = 1 + ies if ies else 0
        return cls(
            locking=locking,
            single=single,
            lock_table=gsm7.locking_table(locking),
            single_table=gsm7.single_table(single),
            single_capacity=septet_capacity(lone),
            multi_capacity=septet_capacity(1 + 5 + ies),
        )

    def encodes(self, char: str) -> bool:
        """Whether ``char`` is in the locking or the single shift table in use.

        >>> NationalShift.build(None, "spanish").encodes("á")
        True
        """
        return char in self.lock_table or char in self.single_table

    def encode(self, char: str) -> tuple[int, ...]:
        """Septet value(s) of ``char``: one from the locking table, or ESC + code from the single.

        >>> NationalShift.build(None, "spanish").encode("á")
        (27, 97)
        """
        if char in self.lock_table:
            return (self.lock_table[char],)
        return (gsm7.ESCAPE, self.single_table[char])

    def septets(self, piece: str) -> int:
        """Septets a cluster costs (1 per locking-table char, 2 per single-shift char).

        >>> NationalShift.build(None, "spanish").septets("á")
        2
        """
        return sum(1 if char in self.lock_table else 2 for char in piece)

    def header_ies(self) -> tuple[int, ...]:
        """The shift information elements this message carries in every segment.

        >>> NationalShift.build("turkish", None).header_ies()
        (37, 1, 1)
        """
        ies: list[int] = []
        if self.single is not None:
            ies += [SINGLE_SHIFT_IEI, 1, gsm7.SHIFT_LANGUAGES[self.single].language_id]
        if self.locking is not None:
            ies += [LOCKING_SHIFT_IEI, 1, gsm7.SHIFT_LANGUAGES[self.locking].language_id]
        return tuple(ies)


def check_languages(languages: Sequence[str] | str) -> tuple[str, ...]:
    """Validate shift table language names; a clear ValueError names an unknown one.

    >>> check_languages("Turkish")
    ('turkish',)
    """
    names = (languages,) if isinstance(languages, str) else tuple(languages)
    result = []
    for name in names:
        key = str(name).strip().lower()
        if key not in gsm7.SHIFT_LANGUAGES:
            known = ", ".join(gsm7.SHIFT_LANGUAGES)
            raise ValueError(f"unknown shift table language {name!r}; known: {known}")
        result.append(key)
    return tuple(result)


def candidates(languages: Sequence[str] | str) -> list[NationalShift]:
    """Every locking/single combination the given languages allow, fewest header octets first.

    >>> [(c.locking, c.single) for c in candidates(["spanish"])]
    [(None, 'spanish')]
    """
    names = check_languages(languages)
    locks: list[str | None] = [None, *(n for n in names if gsm7.SHIFT_LANGUAGES[n].has_locking)]
    singles: list[str | None] = [None, *(n for n in names if gsm7.SHIFT_LANGUAGES[n].has_single)]
    combos = [
        (lock, single) for lock, single in itertools.product(locks, singles) if lock or single
    ]
    combos.sort(key=lambda pair: (pair[0] is not None) + (pair[1] is not None))
    return [NationalShift.build(lock, single) for lock, single in combos]


def choose_shift(
    body: str, languages: Sequence[str] | str, ucs2_segments: int
) -> NationalShift | None:
    """The shift tables that encode ``body`` in the fewest segments, if no worse than UCS-2.

    >>> choose_shift("¿Qué tal, señora García?", ["spanish"], 1).single
    'spanish'
    >>> choose_shift("你好", ["spanish"], 1) is None
    True
    """
    best: tuple[int, NationalShift] | None = None
    chars = set(body)
    for shift in candidates(languages):
        if not all(shift.encodes(char) for char in chars):
            continue
        costs = [shift.septets(piece) for piece in clusters(body)]
        count = len(split_units(costs, shift.single_capacity, shift.multi_capacity))
        if best is None or count < best[0]:
            best = (count, shift)
    if best is None or best[0] > ucs2_segments:
        return None
    return best[1]


def header_octets(shift: NationalShift | None, number: int, total: int) -> tuple[int, ...]:
    """The UDH of segment ``number`` of ``total``: UDHL, then concatenation and shift IEs.

    >>> header_octets(None, 1, 2)
    (5, 0, 3, 0, 2, 1)
    >>> header_octets(None, 1, 1)
    ()
    """
    ies: tuple[int, ...] = ()
    if total > 1:
        ies += (*CONCAT_IE, CONCAT_REFERENCE, total, number)
    if shift is not None:
        ies += shift.header_ies()
    return (len(ies), *ies) if ies else ()
