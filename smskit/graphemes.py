"""Grapheme clusters: the units that never straddle two SMS segments.

Twilio's calculator (``sms-segments-calculator`` 1.3.0, ``textUtils.splitGraphemes``) splits the
text into extended grapheme clusters (Unicode UAX #29) and then splits every CR LF cluster back
into CR and LF, because each is its own GSM character and a segment may end with CR and the next
start with LF.

>>> clusters("a👍🏽\\r\\nb")
['a', '👍🏽', '\\r', '\\n', 'b']
"""

from __future__ import annotations

import regex

_CLUSTER = regex.compile(r"\X")
# Code points that can join a neighbour into one cluster (UAX #29 rules GB6-GB13). A text without
# any of them has one cluster per code point, which lets the bulk path skip cluster splitting.
JOINERS = regex.compile(
    "["
    + "".join(
        rf"\p{{Grapheme_Cluster_Break={name}}}"
        for name in ("Extend", "ZWJ", "SpacingMark", "Prepend", "L", "V", "T", "LV", "LVT")
    )
    + r"\p{Grapheme_Cluster_Break=Regional_Indicator}]"
)


def clusters(text: str) -> list[str]:
    """Split ``text`` into extended grapheme clusters, with CR LF split into two.

    >>> [len(cluster) for cluster in clusters("e\\u0301!")]
    [2, 1]
    """
    found: list[str] = _CLUSTER.findall(text)
    if "\r\n" in text:
        split: list[str] = []
        for cluster in found:
            if cluster == "\r\n":
                split.extend(("\r", "\n"))
            else:
                split.append(cluster)
        return split
    return found


def utf16_units(text: str) -> int:
    """UTF-16 code units of ``text``: 2 for a character outside the BMP (most emoji), else 1.

    >>> utf16_units("a😀")
    3
    """
    return len(text.encode("utf-16-le", "surrogatepass")) // 2
