"""The Inbox in a real browser, served by ``smskit serve`` on the built-in simulator.

A campaign is sent to the simulator and customers reply; the replies appear in the open Inbox
without a reload; a staff member answers one and the simulator delivers it; answering an opted-out
contact is refused in plain words; a possible revocation must be reviewed before a reply goes; a
reply typed when it is night where the contact is gets scheduled for their morning; an answer is
saved as a quick reply and used. The contacts
are chosen at test time among several countries, so that one is in its daytime and one at night
whatever the hour of the run.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from smskit.campaign.planner import Campaign, Recipient, Sender, plan
from smskit.campaign.storage import save_plan
from smskit.compliance.quiet_hours import who_may_be_texted
from smskit.consent.ledger import ConsentLedger
from smskit.providers.twilio import TwilioProvider
from smskit.sending.runner import CampaignRunner
from smskit.simulator import shared
from smskit.store.database import Store

from .conftest import screenshot, serve_dashboards

SENDER = "+15005550006"
LONG = 90_000
# Valid mobile numbers in eight time zones (one zone each): some are awake at any hour.
CANDIDATES = (
    "+14152010101",  # San Francisco
    "+12125550123",  # New York
    "+971501234567",  # Dubai
    "+5511987654321",  # São Paulo
    "+919876543210",  # India
    "+6281234567890",  # Jakarta
    "+819012345678",  # Tokyo
    "+525512345678",  # Mexico City
)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    home = tmp_path_factory.mktemp("inbox-home")
    with serve_dashboards(SMSKIT_HOME=str(home)) as base:
        yield base, home


def _awake_and_asleep(now: datetime) -> tuple[list[str], str]:
    windows = who_may_be_texted(list(CANDIDATES), at=now)
    awake = [w.phone for w in windows if w.allowed_now and len(w.time_zones) == 1]
    asleep = [w.phone for w in windows if not w.allowed_now and len(w.time_zones) == 1]
    assert len(awake) >= 3 and asleep, [(w.phone, w.allowed_now) for w in windows]
    return awake, asleep[0]


def _choose(page: Page, text: str) -> None:
    """Open the thread whose line shows ``text``."""
    option = page.locator(".smskit-inbox-threads option", has_text=text)
    expect(option).to_have_count(1, timeout=30_000)
    page.locator(".smskit-inbox-threads select").select_option(label=option.inner_text())
    expect(page.locator(".smskit-inbox-conversation")).to_contain_text(text, timeout=30_000)


def _answer(page: Page, text: str) -> None:
    page.locator(".smskit-inbox-reply textarea").fill(text)
    expect(page.locator(".smskit-inbox-check")).to_contain_text(
        f"{len(text)} characters", timeout=30_000
    )
    page.locator("button.smskit-inbox-send").click()


def test_staff_answer_replies_live_with_consent_first(served: tuple[str, Path], page: Page) -> None:
    base, home = served
    awake, asleep = _awake_and_asleep(datetime.now(UTC))
    question, stopper, revoker = awake[:3]
    store = Store.open(f"sqlite:///{home / 'smskit.db'}")
    sim = shared(home)
    provider = TwilioProvider.for_simulator(sim)

    # A campaign to four customers, sent to the simulator.
    camp = Campaign(
        "Pickup",
        "Hi {name}, your order is ready",
        Sender("long_code", SENDER),
        purpose="transactional",
    )
    people = [
        Recipient.of(str(i), phone, i, name=f"Customer{i}")
        for i, phone in enumerate([question, stopper, revoker, asleep])
    ]
    campaign_id = save_plan(store, plan(camp, people, now=datetime.now(UTC)))
    runner = CampaignRunner(store, provider, campaign_id, ledger=ConsentLedger(store), rate=None)
    assert runner.run(dry=False).sent == 4  # type: ignore[union-attr]

    page.goto(f"{base}/voila/render/inbox.ipynb", timeout=LONG)
    page.wait_for_selector(".smskit-inbox", timeout=LONG)
    expect(page.locator(".smskit-title")).to_contain_text("Inbox", timeout=30_000)
    expect(page.locator(".smskit-back")).to_contain_text("Start")

    # Customers reply; the open page shows them without a reload.
    started = time.monotonic()
    sim.inject_inbound(question, SENDER, "Can I pick it up on Saturday?")
    threads = page.locator(".smskit-inbox-threads")
    expect(threads).to_contain_text("Can I pick it up on Saturday?", timeout=30_000)
    print(f"first reply shown {time.monotonic() - started:.1f} s after it was sent")
    sim.inject_inbound(stopper, SENDER, "BERHENTI")
    sim.inject_inbound(revoker, SENDER, "Please stop texting me")
    sim.inject_inbound(asleep, SENDER, "Is it still open tonight?")
    expect(threads).to_contain_text("Is it still open tonight?", timeout=30_000)
    expect(page.locator(".smskit-inbox-filters")).to_contain_text("unread")
    expect(page.locator(".smskit-inbox-filters")).to_contain_text("Opted out (1)")
    expect(page.locator(".smskit-inbox-filters")).to_contain_text(
        "Possible revocation to review (1)"
    )

    # A staff member answers; the simulator delivers it and the thread says so.
    _choose(page, "Can I pick it up on Saturday?")
    conversation = page.locator(".smskit-inbox-conversation")
    expect(conversation).to_contain_text("your order is ready")
    _answer(page, "Yes, Saturday 9-17 is fine!")
    expect(page.locator(".smskit-inbox-result")).to_contain_text("Sent to", timeout=60_000)
    expect(conversation).to_contain_text("Yes, Saturday 9-17 is fine!", timeout=30_000)
    expect(conversation.locator(".smskit-inbox-msg-out").last).to_contain_text(
        "delivered", timeout=60_000
    )
    sent = [m for m in sim.messages() if m.to == question and m.body.startswith("Yes, Saturday")]
    assert [m.status for m in sent] == ["delivered"]

    # The opted-out contact: refused in plain words, nothing sent.
    _choose(page, "BERHENTI")
    _answer(page, "Sorry to see you go")
    result = page.locator(".smskit-inbox-result")
    expect(result).to_contain_text("has opted out", timeout=30_000)
    expect(result).to_contain_text("cannot be texted")
    assert not [m for m in sim.messages() if m.to == stopper and m.body == "Sorry to see you go"]

    # A possible revocation: reviewed first, then the answer goes.
    _choose(page, "Please stop texting me")
    expect(page.locator(".smskit-inbox-review-note")).to_be_visible()
    _answer(page, "Sorry, which messages do you mean?")
    expect(result).to_contain_text("Review first", timeout=30_000)
    page.locator(".smskit-inbox-reason input").fill("asks which messages; keeps the order ones")
    page.locator("button.smskit-inbox-dismiss").click()
    expect(page.locator(".smskit-inbox-status")).to_contain_text("not a revocation")
    page.locator("button.smskit-inbox-send").click()
    expect(result).to_contain_text("Sent to", timeout=60_000)

    # Night where the contact is: the answer is saved as a quick reply (a wrong placeholder is
    # refused beside the control first) and used; "this will go at 08:00 their time", scheduled.
    _choose(page, "Is it still open tonight?")
    reply_box = page.locator(".smskit-inbox-reply textarea")
    reply_box.fill("We open again tomorrow morning, {nam}.")
    page.locator(".smskit-inbox-quick-name input").fill("tomorrow")
    page.locator("button.smskit-inbox-quick-save").click()
    feedback = page.locator(".smskit-feedback-quick")
    expect(feedback).to_contain_text("{nam} is not a placeholder", timeout=30_000)
    reply_box.fill("We open again tomorrow morning, {name|friend}.")
    page.locator("button.smskit-inbox-quick-save").click()
    expect(feedback).to_contain_text("Saved the quick reply", timeout=30_000)
    reply_box.fill("")
    option = page.locator(".smskit-inbox-quick option", has_text="tomorrow")
    page.locator(".smskit-inbox-quick select").select_option(label=option.inner_text())
    page.locator("button.smskit-inbox-quick-insert").click()
    expect(reply_box).to_have_value(re.compile(r"We open again tomorrow morning, \w+\."))
    typed = reply_box.input_value()  # the contact's name, or "friend" when none is saved
    expect(page.locator(".smskit-inbox-check")).to_contain_text(
        f"{len(typed)} characters", timeout=30_000
    )
    page.locator("button.smskit-inbox-send").click()
    expect(page.locator(".smskit-inbox-quiet")).to_contain_text("their time")
    expect(result).to_contain_text("if you schedule it", timeout=30_000)
    page.locator(".smskit-inbox-schedule input").check()
    page.locator("button.smskit-inbox-send").click()
    expect(result).to_contain_text("Scheduled: this will go at", timeout=60_000)
    expect(conversation).to_contain_text("scheduled for", timeout=30_000)
    assert not [m for m in sim.messages() if m.to == asleep and m.body.startswith("We open")]
    (scheduled,) = [
        m for m in store.list_messages() if m.to_number == asleep and m.state == "planned"
    ]
    assert scheduled.body == typed
    screenshot(page, "inbox")
