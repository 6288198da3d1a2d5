"""The checks behind :func:`smskit.senders.types.validate_sender`: one per sender type, each cited.

- Alphanumeric: 1-11 characters from Twilio's set, at least one letter, plus per-country rules
  (``data/sender_id_rules.csv``: UK generic IDs, UAE ``AD-``, Singapore's minimum, Philippine bans).
- Short code: 5-6 digits, plus per-country formats (UK 6-8xxxx, Singapore 7xxxx).
- Toll-free: NANP 800/888/877/866/855/844/833; vanity letters become keypad digits (ITU E.161).
- Long code: E.164 through :func:`smskit.numbers.phone.parse_number` (phonenumbers).

>>> check_toll_free("1-800-FLOWERS")
('+18003569377', [])
"""

from __future__ import annotations

import re

from smskit.i18n.catalog import Text
from smskit.senders.catalogue import Reason, SenderCatalogue, SenderIdRule
from smskit.senders.countries import AlphaSupport, Tristate

__all__ = [
    "ALPHA_SOURCE",
    "E164_SOURCE",
    "SHORT_CODE_SOURCE",
    "TOLL_FREE_PREFIXES",
    "TOLL_FREE_SOURCE",
    "check_alphanumeric",
    "check_long_code",
    "check_short_code",
    "check_toll_free",
]

# Twilio's AlphaSender resource: "Valid characters are A-Z, a-z, 0-9, space, hyphen -, plus +,
# underscore _ and ampersand &" (messaging.twilio.com/v1 .../AlphaSenders); up to 11 characters.
ALPHA_SOURCE = (
    "[T] Messaging v1 AlphaSender resource"
    " (twilio.com/docs/messaging/services/api/alphasender-resource);"
    " [T] https://support.twilio.com/hc/en-us/articles/223181348"
)
ALPHA_ALLOWED = re.compile(r"[A-Za-z0-9 +\-_&]")
ALPHA_MAX = 11
SHORT_CODE_SOURCE = (
    "Bisnis SMS: Panduan Utama (respond.io, July 2023) section 4: short codes are 5-6 digits"
)
# NANP toll-free area codes (North American Numbering Plan Administrator; Twilio toll-free guide).
TOLL_FREE_PREFIXES = ("800", "888", "877", "866", "855", "844", "833")
TOLL_FREE_SOURCE = (
    "NANPA toll-free codes 800/888/877/866/855/844/833; toll-free SMS in the US and Canada only:"
    " [T] https://support.twilio.com/hc/en-us/articles/360038172934"
)
E164_SOURCE = "ITU-T E.164, validated with phonenumbers (Google libphonenumber metadata)"


def check_alphanumeric(
    sender: str, code: str | None, promotional: bool, cat: SenderCatalogue
) -> tuple[list[Reason], list[Reason]]:
    problems: list[Reason] = []
    notes: list[Reason] = []
    low, high = 1, ALPHA_MAX
    if code:
        for rule in cat.rules_for(code, "min_length"):
            low = max(low, int(rule.value))
        for rule in cat.rules_for(code, "max_length"):
            high = min(high, int(rule.value))
    length_source = ALPHA_SOURCE
    if code and (cat.rules_for(code, "min_length") or cat.rules_for(code, "max_length")):
        length_source = "; ".join(
            r.source for r in cat.rules_for(code, "min_length") + cat.rules_for(code, "max_length")
        )
    if not sender:
        problems.append(Reason("alpha_empty", Text("The sender ID is empty"), ALPHA_SOURCE))
        return problems, notes
    if not low <= len(sender) <= high:
        problems.append(
            Reason(
                "alpha_length",
                Text(
                    "{sender} has {n} characters; {country} allows {low} to {high}",
                    sender=sender,
                    n=len(sender),
                    country=code or "Twilio",
                    low=low,
                    high=high,
                ),
                length_source,
            )
        )
    bad = sorted({ch for ch in sender if not ALPHA_ALLOWED.fullmatch(ch)})
    if bad:
        problems.append(
            Reason(
                "alpha_characters",
                Text(
                    "Characters not allowed in a sender ID: {chars} "
                    "(use A-Z, a-z, 0-9, space, + - _ &)",
                    chars=" ".join(repr(ch) for ch in bad),
                ),
                ALPHA_SOURCE,
            )
        )
    if not any(ch.isascii() and ch.isalpha() for ch in sender):
        problems.append(
            Reason(
                "alpha_letter",
                Text("A sender ID needs at least one letter (it cannot be only digits)"),
                ALPHA_SOURCE,
            )
        )
    if code is None:
        return problems, notes
    place = cat.countries.get(code)
    if place.alpha_support is AlphaSupport.NOT_SUPPORTED:
        problems.append(
            Reason(
                "alpha_country",
                Text("{country} does not support alphanumeric sender IDs", country=place.name),
                place.source,
            )
        )
    elif place.alpha_support is AlphaSupport.PRE_REGISTRATION:
        notes.append(
            Reason(
                "alpha_registration",
                Text("{country} requires the sender ID to be registered first", country=place.name),
                place.source,
            )
        )
    upper = sender.upper()
    for rule in cat.rules_for(code, "blocked_id"):
        if upper == rule.value.upper():
            problems.append(_blocked(rule, sender))
    for rule in cat.rules_for(code, "blocked_prefix"):
        if upper.startswith(rule.value.upper()):
            problems.append(_blocked(rule, sender))
    for rule in cat.rules_for(code, "promo_prefix"):
        if promotional and not upper.startswith(rule.value.upper()):
            problems.append(
                Reason(
                    "alpha_promo_prefix",
                    Text(
                        "Promotional sender IDs in {country} must start with {prefix}",
                        country=place.name,
                        prefix=rule.value,
                    ),
                    rule.source,
                )
            )
    return problems, notes


def _blocked(rule: SenderIdRule, sender: str) -> Reason:
    if rule.country == "GB":
        text = Text(
            "UK carriers block generic sender IDs such as {sender} (since 12 Sep 2023)",
            sender=sender.upper(),
        )
    else:
        text = Text(
            "{sender} is a banned sender ID in {country}", sender=sender, country=rule.country
        )
    return Reason("alpha_blocked", text, rule.source)


def check_short_code(sender: str, code: str | None, cat: SenderCatalogue) -> list[Reason]:
    digits = sender.replace(" ", "")
    if not (digits.isascii() and digits.isdigit() and 5 <= len(digits) <= 6):
        text = Text("A short code is 5 or 6 digits; {sender!r} is not", sender=sender)
        return [Reason("short_code_format", text, SHORT_CODE_SOURCE)]
    problems = []
    if code:
        place = cat.countries.get(code)
        if place.short_code is Tristate.NO:
            text = Text("Short codes are not available in {country}", country=place.name)
            problems.append(Reason("short_code_country", text, place.source))
        for rule in cat.rules_for(code, "short_code_pattern"):
            if not re.fullmatch(rule.value, digits):
                text = Text(
                    "{code} does not fit the short-code format allowed in {country}",
                    code=digits,
                    country=place.name,
                )
                problems.append(Reason("short_code_pattern", text, rule.source))
    return problems


def check_toll_free(sender: str) -> tuple[str, list[Reason]]:
    import phonenumbers  # keypad letters -> digits, as dialled (ITU E.161)

    digits = "".join(
        ch for ch in phonenumbers.convert_alpha_characters_in_number(sender) if ch.isdigit()
    )
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    if len(digits) != 10:
        text = Text(
            "{sender!r} gives {n} digits; a toll-free number has 10 after the 1",
            sender=sender,
            n=len(digits),
        )
        return "", [Reason("toll_free_length", text, TOLL_FREE_SOURCE)]
    if digits[:3] not in TOLL_FREE_PREFIXES:
        text = Text(
            "{prefix} is not a toll-free prefix (use 800, 888, 877, 866, 855, 844 or 833)",
            prefix=digits[:3],
        )
        return "", [Reason("toll_free_prefix", text, TOLL_FREE_SOURCE)]
    return "+1" + digits, []


def check_long_code(sender: str, code: str | None) -> tuple[str, list[Reason], list[Reason]]:
    from smskit.numbers.phone import InvalidNumber, parse_number

    try:
        info = parse_number(sender, code)
    except InvalidNumber as error:
        return "", [Reason("long_code_invalid", error.text, E164_SOURCE)], []
    problems, notes = [], []
    if info.line_type == "toll_free":
        text = Text("{number} is a toll-free number, not a long code", number=info.e164)
        problems.append(Reason("long_code_toll_free", text, E164_SOURCE))
    if code and info.region != code:
        text = Text(
            "{number} is a {region} number: sending to {country} is international",
            number=info.e164,
            region=info.region,
            country=code,
        )
        notes.append(Reason("long_code_international", text, E164_SOURCE))
    return info.e164, problems, notes
