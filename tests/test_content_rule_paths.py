"""One content rule: the Campaign Sender's plan and the Consent dashboard's preflight agree.

Both paths ask :func:`smskit.compliance.content.content_findings`; this runs the same texts
through both (a contact who opted in, at noon in their zone, from a US short code) and asserts the
same verdict and the same content findings. Opt-out wording counts in any listed language
(``data/keywords.csv``: BERHENTI is Indonesian for STOP).
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from smskit.campaign.planner import Campaign, Recipient, Sender, plan
from smskit.compliance.preflight import PlannedMessage, Purpose, preflight_for
from smskit.consent.ledger import ConsentLedger
from smskit.store.database import Store

PHONE = "+14155550100"  # Los Angeles
SCOPE = "Acme"
NOON_LA = datetime(2026, 1, 6, 20, tzinfo=UTC)  # a Tuesday, 12:00 in Los Angeles

CASES = [
    # (text, purpose, may it go?)
    ("Acme: 20% off today!", "marketing", False),
    ("Acme: 20% off today. Reply STOP to opt out.", "marketing", True),
    ("Acme: diskon 20% hari ini!", "marketing", False),
    ("Acme: diskon 20% hari ini. Balas BERHENTI untuk berhenti", "marketing", True),
    ("Acme: diskon 20% hari ini. balas berhenti untuk berhenti.", "marketing", True),
    ("Acme: your order shipped.", "transactional", True),
    ("Acme: pesanan Anda sudah dikirim.", "transactional", True),
    ("Acme: casino night! Reply STOP to opt out.", "marketing", None),  # SHAFT: same either way
]


@pytest.fixture(scope="module")
def ledger() -> ConsentLedger:
    book = ConsentLedger(Store.open("sqlite://"))
    book.handle_inbound(PHONE, SCOPE, "START", at=datetime(2026, 1, 1, tzinfo=UTC))
    return book


def _content(codes: list[str]) -> list[str]:
    return sorted(c for c in codes if c.startswith("content."))


@pytest.mark.parametrize(("text", "purpose", "allowed"), CASES)
def test_the_same_text_gets_the_same_verdict_on_both_paths(
    ledger: ConsentLedger, text: str, purpose: str, allowed: bool | None
) -> None:
    campaign = Campaign("Paths", text, Sender("short_code", "12345"), purpose=purpose, scope=SCOPE)
    (planned,) = plan(campaign, [Recipient.of("a", PHONE)], now=NOON_LA, consent=ledger).messages
    # The dashboard asks with its "first message" box ticked (its default) and unticked.
    for first in (True, False) if purpose == "marketing" else (False,):
        message = PlannedMessage(
            text, Purpose(purpose), sender_type="short_code", first_message=first
        )
        checked = preflight_for(ledger, message, PHONE, SCOPE, at=NOON_LA)
        assert checked.allowed == planned.sendable, (text, first)
        assert _content([f.code for f in checked.findings]) == _content(
            [f.code for f in planned.findings]
        ), (text, first)
    if allowed is not None:
        assert planned.sendable is allowed, [f.code for f in planned.findings]
    no_opt_out = "content.no_opt_out" in [f.code for f in planned.findings]
    assert no_opt_out is (allowed is False)
