"""When no sender type fits: which requirement to relax, and what that would give.

For every ruled-out type whose disqualifiers all come from answers a business can change (the
peak speed or the broadcast deadline, the weeks until launch, the need for replies, the budget),
the answers are changed just enough for that type and the recommender is asked again; only
changes that really make the type eligible are offered. Country rules are not relaxed: where a
business sends is not a preference.

>>> from decimal import Decimal
>>> from smskit.senders.recommender import Needs, recommend
>>> rec = recommend(Needs("otp", False, 10_000, ("ID",), 4, peak_mps=Decimal(50)))
>>> rec.best is None
True
>>> [(w.sender_type.value, w.requirements) for w in ways_forward(rec)][:2]
[('alphanumeric', ('peak_mps',)), ('long_code', ('peak_mps',))]
>>> str(ways_forward(rec)[0].changes[0])
'Accept a peak speed of 10 segments per second'
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from decimal import Decimal

from smskit.i18n.catalog import Text
from smskit.i18n.formatting import Money
from smskit.senders.catalogue import SenderCatalogue, SenderType, sender_catalogue
from smskit.senders.price_table import PriceTable
from smskit.senders.pricing import default_variant
from smskit.senders.recommender import Needs, Option, Recommendation, recommend

__all__ = ["WayForward", "ways_forward"]

# The disqualifying rules an answer can lift, and the answer (a Needs field) that lifts them.
_RELAXABLE = {
    "throughput": "peak_mps",
    "lead_time": "weeks_to_launch",
    "alpha_no_replies": "replies_needed",
    "budget": "monthly_budget",
}


@dataclass(frozen=True, slots=True)
class WayForward:
    """One way to make ``sender_type`` fit: the answers to change, in words, and what it gives."""

    sender_type: SenderType
    requirements: tuple[str, ...]
    changes: tuple[Text, ...]
    needs: Needs
    option: Option


def _relaxed(
    needs: Needs, option: Option, rules: set[str], cat: SenderCatalogue
) -> tuple[Needs, list[Text]]:
    changes: list[Text] = []
    updates: dict[str, object] = {}
    if "throughput" in rules:
        mps = option.mps
        if needs.peak_mps is not None and needs.peak_mps > mps:
            updates["peak_mps"] = Decimal(mps)
            changes.append(Text("Accept a peak speed of {mps} segments per second", mps=mps))
        if needs.broadcast_size and needs.deadline_minutes:
            minutes = math.ceil(needs.broadcast_size * needs.segments_per_message / (mps * 60))
            if minutes > needs.deadline_minutes:
                updates["deadline_minutes"] = minutes
                changes.append(Text("Allow {minutes} minutes for the broadcast", minutes=minutes))
    if "lead_time" in rules:
        kind = option.sender_type
        weeks = max(
            cat.provision_weeks(kind, default_variant(kind, code), code)[0][0]
            for code in needs.countries
        )
        updates["weeks_to_launch"] = weeks
        changes.append(Text("Launch in {weeks} weeks or later", weeks=weeks))
    if "alpha_no_replies" in rules:
        updates["replies_needed"] = False
        changes.append(Text("Do without replies (customers cannot answer this sender)"))
    if "budget" in rules and option.monthly_cost is not None:
        updates["monthly_budget"] = option.monthly_cost
        changes.append(
            Text(
                "Raise the monthly budget to {cost}",
                cost=Money(option.monthly_cost, option.currency),
            )
        )
    return dataclasses.replace(needs, **updates), changes  # type: ignore[arg-type]


def ways_forward(
    recommendation: Recommendation,
    *,
    catalogue: SenderCatalogue | None = None,
    prices: PriceTable | None = None,
) -> tuple[WayForward, ...]:
    """The smallest changes to the answers that would make a ruled-out type fit, best first.

    Fewer changed answers come first, then the faster sender. Empty when some type already fits
    or when only country rules stand in the way.
    """
    if recommendation.best is not None:
        return ()
    cat = catalogue or sender_catalogue()
    found = []
    for option in recommendation.options:
        rules = {reason.rule for reason in option.disqualifiers}
        if not rules or not rules <= set(_RELAXABLE):
            continue
        needs, changes = _relaxed(recommendation.needs, option, rules, cat)
        if not changes:
            continue
        again = recommend(needs, catalogue=cat, prices=prices).option(option.sender_type)
        if again.eligible:
            fields = tuple(dict.fromkeys(_RELAXABLE[r] for r in sorted(rules)))
            found.append(WayForward(option.sender_type, fields, tuple(changes), needs, again))
    found.sort(key=lambda w: (len(w.requirements), -w.option.mps))
    return tuple(found)
