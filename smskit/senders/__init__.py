"""Sender types and what they cost: alphanumeric ID, short code, long code, toll-free.

The catalogue of sender and number types, per-country sender rules, sender-ID checks, throughput and
pacing, fees, per-country prices, cost of ownership and the recommender. Imports encoding and
numbers.
"""

from __future__ import annotations

from smskit.senders.catalogue import SenderType, UseCase
from smskit.senders.countries import Country, country
from smskit.senders.pacing import Pacer
from smskit.senders.price_table import PriceTable
from smskit.senders.pricing import campaign_cost, compare_costs, ownership_cost
from smskit.senders.recommender import Needs, Recommendation, recommend
from smskit.senders.types import broadcast_time, validate_sender

__all__ = [
    "Country",
    "Needs",
    "Pacer",
    "PriceTable",
    "Recommendation",
    "SenderType",
    "UseCase",
    "broadcast_time",
    "campaign_cost",
    "compare_costs",
    "country",
    "ownership_cost",
    "recommend",
    "validate_sender",
]
