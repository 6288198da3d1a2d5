"""Phone numbers: any formatting to E.164, with country, line type and time zones.

Built on python-phonenumbers; a bottom layer beside :mod:`smskit.encoding`.
"""

from __future__ import annotations

from smskit.numbers.phone import InvalidNumber, NumberInfo, parse_number

__all__ = [
    "InvalidNumber",
    "NumberInfo",
    "parse_number",
]
