"""The octets each segment really carries: its User Data Header, then the packed text.

GSM-7 septets are packed 8 septets into 7 octets, least significant bit first (3GPP TS 23.038
§6.1.2.1.1). After a UDH the text starts on a septet boundary, so 0-6 fill bits follow the header
(TS 23.040 §9.2.3.24). UCS-2 text is UTF-16 big-endian. Either way a segment is at most 140 octets.

>>> from smskit.encoding.segments import analyze
>>> segment_user_data(analyze("hellohello"), 0).hex().upper()
'E8329BFD4697D9EC37'
"""

from __future__ import annotations

from collections.abc import Sequence

from smskit.encoding.segments import GSM7, Analysis


def fill_bits(header_octets: int) -> int:
    """Bits of padding after a UDH so that the first septet starts on a septet boundary.

    >>> fill_bits(0), fill_bits(6), fill_bits(4), fill_bits(7)
    (0, 1, 3, 0)
    """
    return (7 - header_octets * 8 % 7) % 7


def pack_septets(septets: Sequence[int], padding: int = 0) -> bytes:
    """Pack 7-bit values into octets, LSB first, after ``padding`` zero bits (TS 23.038 §6.1.2.1.1).

    >>> pack_septets([0x68, 0x65, 0x6C, 0x6C, 0x6F]).hex()
    'e8329bfd06'
    """
    out = bytearray()
    accumulator = 0
    bits = padding
    for septet in septets:
        accumulator |= (septet & 0x7F) << bits
        bits += 7
        while bits >= 8:
            out.append(accumulator & 0xFF)
            accumulator >>= 8
            bits -= 8
    if bits > 0:
        out.append(accumulator & 0xFF)
    return bytes(out)


def user_data(analysis: Analysis) -> tuple[bytes, ...]:
    """TP-User-Data of every segment: UDH octets, then the packed septets or UTF-16 text.

    >>> from smskit.encoding.segments import analyze
    >>> [len(data) for data in user_data(analyze("a" * 161))]
    [140, 14]
    """
    values: list[list[int]] = [[] for _ in analysis.segments]
    for char in analysis.characters:
        values[char.segment].extend(char.encoded)
    result = []
    for segment, body in zip(analysis.segments, values, strict=True):
        header = bytes(segment.header)
        if analysis.encoding == GSM7:
            result.append(header + pack_septets(body, fill_bits(len(header))))
        else:
            result.append(header + b"".join(value.to_bytes(2, "big") for value in body))
    return tuple(result)


def segment_user_data(analysis: Analysis, index: int) -> bytes:
    """TP-User-Data of segment ``index`` (0-based).

    >>> from smskit.encoding.segments import analyze
    >>> segment_user_data(analyze("a" * 161), 1)[:6].hex()
    '050003000202'
    """
    return user_data(analysis)[index]
