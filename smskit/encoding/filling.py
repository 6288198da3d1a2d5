"""How a message's pieces fill its segments: greedily, never splitting a piece, as Twilio does.

A piece is a grapheme cluster (or an escape pair): 3GPP TS 23.040 concatenation carries septets or
UCS-2 units, but a phone shows a character split across two segments as garbage, so Twilio's
calculator never splits one. Shared by :mod:`~smskit.encoding.segments`, the national shift tables
and the bulk counter.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["split_units"]


def split_units(costs: Sequence[int], single: int, multi: int) -> list[int]:
    """Start index (into ``costs``) of each segment, filling greedily as Twilio does.

    ``costs`` are the units of each indivisible piece (cluster). The first segment holds ``single``
    units while the message fits in one; once a second is needed, every segment holds ``multi`` and
    the pieces that no longer fit in the first move to the second. A piece is never split, so a
    segment may hold less than its capacity (and one piece larger than a whole segment is carried
    alone, over capacity, as Twilio's calculator does).

    >>> split_units([1] * 161, 160, 153)
    [0, 153]
    >>> split_units([1] * 152 + [2] * 5, 160, 153)  # an escape pair at septets 153-154 moves
    [0, 152]
    """
    starts = [0]
    used = 0
    capacity = single
    for index, cost in enumerate(costs):
        if capacity - used < cost:
            if len(starts) == 1:
                # The first segment now needs a UDH too: move its tail pieces out until it fits.
                start = index
                while used > multi:
                    start -= 1
                    used -= costs[start]
                starts.append(start)
                used = sum(costs[start:index])
            else:
                starts.append(index)
                used = 0
            capacity = multi
        used += cost
    return starts
