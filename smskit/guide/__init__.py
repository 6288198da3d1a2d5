"""What the business SMS guide teaches beside sending: how an SMS travels, and the channels
compared.

Imports encoding (to count SMS-versus-MMS segments).
"""

from __future__ import annotations

from smskit.guide.channels import ChannelCost, sms_vs_mms

__all__ = [
    "ChannelCost",
    "sms_vs_mms",
]
