"""The sender recommender: rank the four sender types for a business's needs, and explain why.

Each rule below looks at one sender type and the answers, and adds a reason for it, a caution
against it, or a disqualifier; every reason carries the source it rests on (the business SMS guide,
Twilio's documentation, or the row of ``data/`` it read). Eligible types come first, then by
(reasons for - cautions), then by monthly cost.

>>> needs = Needs(UseCase.OTP, replies_needed=False, monthly_volume=20_000, countries=("GB",),
...               weeks_to_launch=2)
>>> recommend(needs).best.sender_type.value
'alphanumeric'
>>> needs = Needs(UseCase.CUSTOMER_CARE, replies_needed=True, monthly_volume=2_000,
...               countries=("GB",), weeks_to_launch=2)
>>> [r.rule for r in recommend(needs).option("alphanumeric").disqualifiers]
['alpha_no_replies']
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal

from smskit.i18n.catalog import N_, LocalizedError, Text
from smskit.i18n.formatting import CountryNames, Money, Plural
from smskit.senders.catalogue import Reason, SenderCatalogue, SenderType, UseCase, sender_catalogue
from smskit.senders.checks import ALPHA_SOURCE, TOLL_FREE_SOURCE
from smskit.senders.countries import AlphaSupport, Country, Tristate, normalize_country_code
from smskit.senders.fees import FeeSchedule, fee_schedule
from smskit.senders.price_table import PriceTable
from smskit.senders.pricing import default_variant, ownership_cost
from smskit.senders.types import throughput

__all__ = ["RULES", "Needs", "Option", "Recommendation", "recommend"]

GUIDE = "Bisnis SMS: Panduan Utama (respond.io, July 2023)"
MPS_SOURCE = "[3P mirror of Twilio FAQ] https://anttone.paidot.net/help/voice/a9.htm (facts B3)"

# Every rule the recommender applies, with its source: shown to users as "how this was decided".
RULES: dict[str, tuple[str, str]] = {
    "alpha_no_replies": ("Alphanumeric IDs cannot receive replies", f"{GUIDE} s.4; {ALPHA_SOURCE}"),
    "alpha_country": ("Alphanumeric IDs must be supported in every country", "data/countries.csv"),
    "lead_time": ("The sender must be ready before launch", "data/number_types.csv"),
    "short_code_domestic": ("A short code reaches only its own country", f"{GUIDE} s.4 and s.8"),
    "short_code_country": ("Short codes must exist in the country", "data/countries.csv"),
    "throughput": ("The sender must be fast enough for the peak or deadline", MPS_SOURCE),
    "long_code_broadcast": ("Long codes are filtered for broadcasts", f"{GUIDE} s.4 and s.8"),
    "long_code_p2p_only": ("Some countries allow only P2P traffic on long codes", "countries.csv"),
    "toll_free_country": ("Toll-free numbers text the US and Canada only", TOLL_FREE_SOURCE),
    "toll_free_marketing": ("Some countries allow no marketing from toll-free", f"{GUIDE} s.4"),
    "use_case_fit": ("The sender type suits the use case", "data/number_types.csv"),
    "two_way": ("Replies need a two-way sender; some countries drop them", "data/countries.csv"),
    "short_code_deliverability": ("Vetted short codes deliver best at volume", f"{GUIDE} s.4"),
    "budget": ("The monthly cost must fit the budget", "data/sender_fees.csv, countries.csv"),
}

# One message per use case (not a parameter), so that each can be translated as a whole sentence.
USE_CASE_FIT: dict[UseCase, tuple[str, str]] = {
    UseCase.OTP: (
        N_("Suited to one-time passwords (OTP/2FA)"),
        N_("Not a usual choice for one-time passwords (OTP/2FA)"),
    ),
    UseCase.ALERTS: (N_("Suited to alerts"), N_("Not a usual choice for alerts")),
    UseCase.NOTIFICATIONS: (
        N_("Suited to notifications"),
        N_("Not a usual choice for notifications"),
    ),
    UseCase.MARKETING: (
        N_("Suited to marketing broadcasts"),
        N_("Not a usual choice for marketing broadcasts"),
    ),
    UseCase.CUSTOMER_CARE: (
        N_("Suited to customer care"),
        N_("Not a usual choice for customer care"),
    ),
    UseCase.CONVERSATIONAL: (
        N_("Suited to conversations"),
        N_("Not a usual choice for conversations"),
    ),
}


@dataclass(frozen=True, slots=True)
class Needs:
    """The questionnaire's answers. Speeds are message segments per second (MPS).

    >>> Needs(UseCase.OTP, False, -1, ("GB",), 2)
    Traceback (most recent call last):
    smskit.i18n.LocalizedError: monthly_volume must be 0 or more, not -1
    """

    use_case: UseCase
    replies_needed: bool
    monthly_volume: int
    countries: tuple[str, ...]
    weeks_to_launch: int
    peak_mps: Decimal | None = None
    broadcast_size: int | None = None
    deadline_minutes: int | None = None
    monthly_budget: Decimal | None = None
    segments_per_message: int = 1
    trust_score: int | None = None

    def __post_init__(self) -> None:
        try:
            object.__setattr__(self, "use_case", UseCase(self.use_case))
        except ValueError:
            names = ", ".join(u.value for u in UseCase)
            raise LocalizedError(
                "use_case {value!r} is not one of {names}", value=self.use_case, names=names
            ) from None
        for name in ("monthly_volume", "weeks_to_launch", "broadcast_size", "segments_per_message"):
            value = getattr(self, name)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
                raise LocalizedError(
                    "{field} must be a whole number, not {value!r}", field=name, value=value
                )
        for name in ("monthly_volume", "weeks_to_launch", "peak_mps", "monthly_budget"):
            value = getattr(self, name)
            if value is not None and value < 0:
                raise LocalizedError(
                    "{field} must be 0 or more, not {value}", field=name, value=value
                )
        for name in ("broadcast_size", "deadline_minutes", "segments_per_message"):
            value = getattr(self, name)
            if value is not None and value < 1:
                raise LocalizedError(
                    "{field} must be 1 or more, not {value}", field=name, value=value
                )
        if not self.countries:
            raise LocalizedError("countries is empty: name at least one destination country")
        codes = tuple(dict.fromkeys(normalize_country_code(c) for c in self.countries))
        object.__setattr__(self, "countries", codes)

    @property
    def required_mps(self) -> Decimal | None:
        """The speed needed: the stated peak, or the broadcast's segments over its deadline.

        >>> Needs(UseCase.MARKETING, False, 0, ("US",), 10, broadcast_size=6000,
        ...       deadline_minutes=10).required_mps
        Decimal('10')
        """
        needed = [self.peak_mps] if self.peak_mps is not None else []
        if self.broadcast_size and self.deadline_minutes:
            segments = self.broadcast_size * self.segments_per_message
            needed.append(Decimal(segments) / (self.deadline_minutes * 60))
        return max(needed) if needed else None


@dataclass(frozen=True, slots=True)
class Option:
    """One sender type's verdict: reasons for, cautions against, disqualifiers, speed and cost."""

    sender_type: SenderType
    eligible: bool
    reasons_for: tuple[Reason, ...]
    cautions: tuple[Reason, ...]
    disqualifiers: tuple[Reason, ...]
    mps: int
    monthly_cost: Decimal | None
    currency: str

    @property
    def score(self) -> int:
        """Reasons for minus cautions (disqualified options rank below every eligible one).

        >>> recommend(Needs("otp", False, 100, ("GB",), 2)).option("alphanumeric").score
        3
        """
        return len(self.reasons_for) - len(self.cautions)


@dataclass(frozen=True, slots=True)
class Recommendation:
    """The four sender types ranked best first, each explaining itself."""

    needs: Needs
    options: tuple[Option, ...]

    @property
    def best(self) -> Option | None:
        """The top eligible option, or None when every type is ruled out.

        >>> needs = Needs("alerts", True, 100, ("IN", "AE"), 0, peak_mps=Decimal(500))
        >>> recommend(needs).best is None
        True
        """
        return self.options[0] if self.options and self.options[0].eligible else None

    def option(self, sender_type: SenderType | str) -> Option:
        """The verdict on one type.

        >>> recommend(Needs("otp", False, 100, ("US",), 2)).option("alphanumeric").eligible
        False
        """
        kind = SenderType(sender_type)
        return next(o for o in self.options if o.sender_type is kind)


def _names(places: list[Country]) -> CountryNames:
    # Rendered in the sentence's language: "Tidak didukung di Amerika Serikat", not "United States".
    return CountryNames(tuple(p.code for p in places))


def _judge(
    kind: SenderType, needs: Needs, places: list[Country], cat: SenderCatalogue
) -> tuple[list[Reason], list[Reason], list[Reason]]:
    pro: list[Reason] = []
    con: list[Reason] = []
    out: list[Reason] = []
    home = places[0].code
    row = cat.number_type(kind, default_variant(kind, home))

    def add(target: list[Reason], rule: str, message: Text, source: str | None = None) -> None:
        target.append(Reason(rule, message, source or RULES[rule][1]))

    if kind is SenderType.ALPHANUMERIC:
        if needs.replies_needed:
            add(out, "alpha_no_replies", Text("Alphanumeric IDs are one-way: nobody can reply"))
        else:
            add(
                pro,
                "alpha_no_replies",
                Text("No replies needed, and your brand name is the sender"),
            )
        blocked = [p for p in places if p.alpha_support is AlphaSupport.NOT_SUPPORTED]
        register = [p for p in places if p.alpha_support is AlphaSupport.PRE_REGISTRATION]
        if blocked:
            text = Text("Not supported in {countries}", countries=_names(blocked))
            add(out, "alpha_country", text, "; ".join(p.source for p in blocked))
        elif register:
            text = Text("Must be registered first in {countries}", countries=_names(register))
            add(con, "alpha_country", text, "; ".join(p.source for p in register))
        else:
            text = Text("Supported without registration in {countries}", countries=_names(places))
            add(pro, "alpha_country", text, "; ".join(p.source for p in places))
    # The slowest destination decides (UK short codes take 12-16 weeks, not 8-12).
    (low, high), weeks_source = max(cat.provision_weeks(kind, row.variant, p.code) for p in places)
    if needs.weeks_to_launch < low:
        text = Text(
            "Takes {low}-{high} weeks to get; launch is in {weeks}",
            low=low,
            high=high,
            weeks=Plural("{n} week", "{n} weeks", needs.weeks_to_launch),
        )
        add(out, "lead_time", text, weeks_source)
    if kind is SenderType.SHORT_CODE:
        if len(places) > 1:
            text = Text("A short code reaches only its own country; you send to {n}", n=len(places))
            add(out, "short_code_domestic", text)
        missing = [p for p in places if p.short_code is Tristate.NO]
        if missing:
            text = Text("No short codes in {countries}", countries=_names(missing))
            add(out, "short_code_country", text, "; ".join(p.source for p in missing))
        if needs.use_case in {UseCase.MARKETING, UseCase.ALERTS, UseCase.OTP}:
            add(pro, "short_code_deliverability", Text("Carrier-vetted: best deliverability"))
    rate = min(throughput(kind, p.code, needs.trust_score, cat).mps for p in places)
    wanted = needs.required_mps
    if wanted is not None and rate < wanted:
        text = Text(
            "Sends {mps} segments per second; you need {needed}", mps=rate, needed=math.ceil(wanted)
        )
        add(out, "throughput", text)
    elif wanted is not None:
        text = Text(
            "{mps} segments per second covers your {needed}", mps=rate, needed=math.ceil(wanted)
        )
        add(pro, "throughput", text)
    if kind is SenderType.LONG_CODE:
        if needs.use_case is UseCase.MARKETING:
            add(con, "long_code_broadcast", Text("Carriers filter broadcasts from long codes"))
        p2p = [p for p in places if p.long_code_a2p is Tristate.NO]
        if p2p:
            text = Text(
                "Long codes may carry only P2P traffic in {countries}", countries=_names(p2p)
            )
            add(out, "long_code_p2p_only", text, "; ".join(p.source for p in p2p))
    if kind is SenderType.TOLL_FREE:
        abroad = [p for p in places if p.toll_free_sms is not Tristate.YES]
        if abroad:
            text = Text("Toll-free numbers cannot text {countries}", countries=_names(abroad))
            add(out, "toll_free_country", text)
        if needs.use_case is UseCase.MARKETING:
            banned = [p for p in places if p.toll_free_marketing is Tristate.NO]
            unsure = [p for p in places if p.toll_free_marketing is Tristate.UNKNOWN]
            if banned:
                text = Text("No marketing from toll-free in {countries}", countries=_names(banned))
                add(out, "toll_free_marketing", text, "; ".join(p.source for p in banned))
            elif unsure:
                text = Text(
                    "Check whether {countries} allow marketing from toll-free",
                    countries=_names(unsure),
                )
                add(con, "toll_free_marketing", text)
    suited, unsuited = USE_CASE_FIT[needs.use_case]
    if needs.use_case in row.use_cases:
        add(pro, "use_case_fit", Text(suited), row.source)
    else:
        add(con, "use_case_fit", Text(unsuited), row.source)
    if needs.replies_needed and row.two_way:
        add(pro, "two_way", Text("Two-way: customers can reply"), row.source)
        silent = [
            p for p in places if p.two_way is Tristate.NO or p.sender_rewriting is Tristate.YES
        ]
        if silent:
            text = Text(
                "Replies from {countries} may not come back (sender rewritten or one-way)",
                countries=_names(silent),
            )
            add(con, "two_way", text, "; ".join(p.source for p in silent))
    return pro, con, out


def _monthly_cost(
    kind: SenderType, needs: Needs, prices: PriceTable | None, fees: FeeSchedule
) -> tuple[Decimal | None, str]:
    # The volume is split evenly over the countries; one sender per country (short codes and
    # local numbers are national). Average of a 12-month total, so setup fees are spread out.
    share = needs.monthly_volume // len(needs.countries)
    total, currency = Decimal(0), ""
    for code in needs.countries:
        if not fees.fees_for(kind, default_variant(kind, code), code):
            return None, ""
        cost = ownership_cost(
            kind,
            code,
            share,
            segments_per_message=needs.segments_per_message,
            prices=prices,
            fees=fees,
        )
        if currency and cost.currency != currency:
            return None, ""
        total, currency = total + cost.total, cost.currency
    return (total / 12).quantize(Decimal("0.01")), currency


def recommend(
    needs: Needs,
    *,
    catalogue: SenderCatalogue | None = None,
    prices: PriceTable | None = None,
    fees: FeeSchedule | None = None,
) -> Recommendation:
    """Rank the four sender types for ``needs``, each with reasons for, cautions and disqualifiers.

    >>> needs = Needs("marketing", False, 50_000, ("US",), weeks_to_launch=4, peak_mps=Decimal(50),
    ...               trust_score=80)
    >>> [(o.sender_type.value, o.eligible) for o in recommend(needs).options]
    [('long_code', True), ('short_code', False), ('toll_free', False), ('alphanumeric', False)]
    """
    cat = catalogue or sender_catalogue()
    schedule = fees or fee_schedule()
    places = [cat.countries.get(code) for code in needs.countries]
    options = []
    for kind in SenderType:
        pro, con, out = _judge(kind, needs, places, cat)
        cost, currency = _monthly_cost(kind, needs, prices, schedule)
        if cost is not None and needs.monthly_budget is not None:
            if cost > needs.monthly_budget:
                text = Text(
                    "About {cost} a month; budget {budget}",
                    cost=Money(cost, currency),
                    budget=Money(needs.monthly_budget, currency),
                )
                out.append(Reason("budget", text, RULES["budget"][1]))
            else:
                text = Text("About {cost} a month, within budget", cost=Money(cost, currency))
                pro.append(Reason("budget", text, RULES["budget"][1]))
        rate = min(throughput(kind, p.code, needs.trust_score, cat).mps for p in places)
        options.append(
            Option(kind, not out, tuple(pro), tuple(con), tuple(out), rate, cost, currency)
        )
    big = Decimal("Infinity")
    options.sort(
        key=lambda o: (not o.eligible, len(o.disqualifiers), -o.score, o.monthly_cost or big)
    )
    return Recommendation(needs, tuple(options))
