"""Frequency caps in plan() from the store's message log (smskit.campaign.send_history), SQLite +
PostgreSQL.

Expected values come from data/frequency_caps.csv: at most 2 broadcasts (marketing messages) per
contact per rolling 7 days; transactional messages do not count; a message that failed or was never
accepted by the provider (no SID) never reached the phone.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from smskit.campaign.model import WARN
from smskit.campaign.planner import Campaign, Recipient, Sender, plan
from smskit.campaign.send_history import recent_sends
from smskit.campaign.storage import save_plan
from smskit.compliance.frequency import Purpose, SentMessage
from smskit.consent.events import ConsentAction, ConsentEvent, ConsentSource, fold
from smskit.store.database import Store
from smskit.store.records import NewMessage
from smskit.store.schema import messages

PG_URL = os.environ.get("SMSKIT_TEST_POSTGRES_URL", "")
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
NOON_NY = datetime(2026, 1, 5, 17, 0, tzinfo=UTC)  # Monday, 12:00 in New York
SCOPE = "Acme"
CAPPED, ONCE, ORDERS, FAILED, OLD = (f"+1212201000{i}" for i in range(1, 6))
FRESH = "+12122010006"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    if request.param == "sqlite":
        with Store.open(f"sqlite:///{tmp_path / 'smskit.db'}") as opened:
            yield opened
        return
    if not PG_URL:
        if IN_CI:
            pytest.fail("SMSKIT_TEST_POSTGRES_URL is not set: CI must test PostgreSQL")
        pytest.skip("SMSKIT_TEST_POSTGRES_URL is not set")
    schema = f"smskit_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(PG_URL)
    with admin.begin() as connection:
        connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    url = sa.make_url(PG_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    with Store.open(url.render_as_string(hide_password=False)) as opened:
        yield opened
    with admin.begin() as connection:
        connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def _sent(store: Store, phone: str, at: datetime, campaign: str, status: str = "delivered") -> None:
    """A message the campaign ``campaign`` sent to ``phone`` at ``at`` (final with ``status``)."""
    message_id = uuid.uuid4().hex
    store.record_message(NewMessage(message_id, phone, "12345", "Sale!", campaign_id=campaign))
    sid = "SM" + uuid.uuid4().hex
    assert store.transition_message(message_id, "planned", "final", sid=sid, status=status)
    with store.engine.begin() as connection:
        connection.execute(
            messages.update().where(messages.c.id == message_id).values(updated_at=at)
        )


def _history(store: Store) -> None:
    store.save_campaign("promo", "Promo", {"purpose": "marketing"}, status="done")
    store.save_campaign("orders", "Orders", {"purpose": "transactional"}, status="done")
    day = timedelta(days=1)
    for ago in (6 * day, day):
        _sent(store, CAPPED, NOON_NY - ago, "promo")  # 2 broadcasts in 7 days: full
        _sent(store, ORDERS, NOON_NY - ago, "orders")  # order updates do not count
    _sent(store, ONCE, NOON_NY - 2 * day, "promo")
    _sent(store, FAILED, NOON_NY - 2 * day, "promo")
    _sent(store, FAILED, NOON_NY - day, "promo", status="undelivered")  # never reached it
    _sent(store, OLD, NOON_NY - 8 * day, "promo")  # outside the rolling window
    _sent(store, OLD, NOON_NY - 7 * day - timedelta(minutes=1), "promo")
    never = uuid.uuid4().hex  # planned, never submitted: no SID
    store.record_message(NewMessage(never, FRESH, "12345", "Sale!", campaign_id="promo"))


def _opted_in(*phones: str) -> dict[str, object]:
    at = NOON_NY - timedelta(days=30)
    return {
        p: fold(
            [ConsentEvent(p, SCOPE, ConsentAction.OPT_IN, ConsentSource.WEB_FORM, at, "form", "t")],
            p,
            SCOPE,
        )
        for p in phones
    }


def test_recent_sends_reads_what_reached_each_phone_in_the_window(store: Store) -> None:
    _history(store)
    sent = recent_sends(store, NOON_NY - timedelta(days=7))
    assert sorted(sent) == [CAPPED, ONCE, ORDERS, FAILED]
    assert [s.sent_at for s in sent[CAPPED]] == [NOON_NY - timedelta(days=d) for d in (6, 1)]
    assert {s.purpose for s in sent[CAPPED]} == {Purpose.MARKETING}
    assert {s.purpose for s in sent[ORDERS]} == {Purpose.TRANSACTIONAL}
    assert len(sent[FAILED]) == 1
    assert sorted(recent_sends(store, NOON_NY - timedelta(days=7), {ONCE, OLD})) == [ONCE]


def test_a_contact_with_two_broadcasts_this_week_waits_in_a_new_plan(store: Store) -> None:
    _history(store)
    phones = [CAPPED, ONCE, ORDERS, FAILED, OLD, FRESH]
    audience = [Recipient.of(p[-1], p, name="N") for p in phones]
    promo = Campaign(
        "Promo 2", "Hi {name}! Sale. Reply STOP to opt out", Sender("short_code", "1"), scope=SCOPE
    )
    p = plan(promo, audience, now=NOON_NY, consent=_opted_in(*phones), history=store)
    by_phone = {m.to: m for m in p.messages}
    capped = by_phone[CAPPED]
    assert [f.code for f in capped.findings] == ["frequency.broadcast"]
    assert (
        capped.status == "warned"
    )  # it waits: smskit.campaign.plan_compliance turns the cap into a wait
    # the oldest of the two leaves the window 7 days after it was sent: Tue 12:00 in New York
    assert capped.send_at == NOON_NY + timedelta(days=1)
    for phone in (ONCE, ORDERS, FAILED, OLD, FRESH):
        assert (by_phone[phone].findings, by_phone[phone].send_at) == ((), NOON_NY), phone
    without = plan(promo, audience, now=NOON_NY, consent=_opted_in(*phones))
    assert {m.to: m.send_at for m in without.messages}[CAPPED] == NOON_NY  # no history: no cap


def test_history_may_be_given_as_a_mapping() -> None:
    day = timedelta(days=1)
    sent = {CAPPED: [SentMessage(NOON_NY - 3 * day), SentMessage(NOON_NY - 2 * day)]}
    promo = Campaign("P", "Hi! Sale. Reply STOP to opt out", Sender("short_code", "1"), scope=SCOPE)
    p = plan(
        promo,
        [Recipient.of("a", CAPPED), Recipient.of("b", ONCE)],
        now=NOON_NY,
        consent=_opted_in(CAPPED, ONCE),
        history=sent,
    )
    capped, other = p.messages
    assert capped.send_at == NOON_NY + 4 * day and capped.status == "warned"
    assert other.send_at == NOON_NY and other.status == "eligible"


def test_replanning_a_campaign_does_not_count_its_own_sends(store: Store) -> None:
    _history(store)  # CAPPED: 2 broadcasts of "promo"; ONCE: 1
    phones = [CAPPED, ONCE, FRESH]
    audience = [Recipient.of(p[-1], p, name="N") for p in phones]
    promo = Campaign(
        "Promo 2", "Hi {name}! Sale. Reply STOP to opt out", Sender("short_code", "1"), scope=SCOPE
    )
    consent = _opted_in(*phones)
    first = plan(promo, audience, now=NOON_NY, consent=consent, history=store)
    campaign_id = save_plan(store, first)
    # The sender accepted this campaign's messages to ONCE and FRESH (CAPPED still waits).
    sent_at = NOON_NY + timedelta(minutes=5)
    for row in store.list_messages(campaign_id):
        if row.to_number == CAPPED:
            continue
        sid = "SM" + uuid.uuid4().hex
        assert store.transition_message(row.id, "planned", "submitted", sid=sid)
        with store.engine.begin() as connection:
            connection.execute(
                messages.update().where(messages.c.id == row.id).values(updated_at=sent_at)
            )
    later = NOON_NY + timedelta(hours=1)
    again = plan(promo, audience, now=later, consent=consent, history=store)
    assert again.fingerprint == first.fingerprint
    by_phone = {m.to: m for m in again.messages}
    # ONCE now has "promo" + this campaign's own send: 2 in 7 days, but its own does not count.
    for phone in (ONCE, FRESH):
        assert (by_phone[phone].findings, by_phone[phone].send_at) == ((), later), phone
    # another campaign's messages still count: CAPPED waits for the oldest "promo" to age out
    assert [f.code for f in by_phone[CAPPED].findings] == ["frequency.broadcast"]
    assert by_phone[CAPPED].send_at == NOON_NY + timedelta(days=1)
    # a different campaign sees this one's sends: ONCE is now at the cap for it
    other = Campaign("Promo 3", promo.template, promo.sender, scope=SCOPE)
    third = {
        m.to: m for m in plan(other, audience, now=later, consent=consent, history=store).messages
    }
    assert [f.code for f in third[ONCE].findings] == ["frequency.broadcast"]
    assert [f.code for f in third[FRESH].findings] == []
    own = recent_sends(store, NOON_NY - timedelta(days=7), excluding_plan=first.fingerprint)
    assert len(own[ONCE]) == 1 and FRESH not in own
    assert len(recent_sends(store, NOON_NY - timedelta(days=7))[ONCE]) == 2


def test_capped_recipients_wait_for_their_own_zone_and_state_windows() -> None:
    """Over-cap recipients share cached quiet-hour windows only with the same zones and state."""
    la, wa, ny = "+14155550100", "+12065550100", "+12125550123"
    release = datetime(2026, 1, 7, 4, 30, tzinfo=UTC)  # 20:30 in LA and Seattle, 23:30 in NY
    sent = [SentMessage(release - timedelta(days=7)), SentMessage(NOON_NY - timedelta(days=1))]
    promo = Campaign("P", "Hi! Sale. Reply STOP to opt out", Sender("short_code", "1"), scope=SCOPE)
    phones = (la, wa, ny, FRESH)
    p = plan(
        promo,
        [Recipient.of(str(i), phone) for i, phone in enumerate(phones)],
        now=NOON_NY,
        consent=_opted_in(*phones),
        history={la: sent, wa: sent, ny: sent},
    )
    send_at = {m.to: m.send_at for m in p.messages}
    assert send_at[la] == release  # TCPA 08:00-21:00 local: 20:30 is inside
    assert send_at[wa] == datetime(2026, 1, 7, 16, tzinfo=UTC)  # Washington ends at 20:00
    assert send_at[ny] == datetime(2026, 1, 7, 13, tzinfo=UTC)  # 08:00 in New York
    assert send_at[FRESH] == NOON_NY
    for m in p.messages[:3]:
        assert [(f.code, f.severity) for f in m.findings] == [("frequency.broadcast", WARN)]
