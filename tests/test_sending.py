"""Sending end to end through the real twilio client and the local simulator (no mocks).

The store runs on SQLite and, when ``SMSKIT_TEST_POSTGRES_URL`` is set, on PostgreSQL too (in CI a
missing URL is a failure). Expected outcomes come from the rules, not from the code under test:
consent (CTIA; Twilio 21610), quiet hours 08:00-21:00 recipient time (TCPA 47 CFR 64.1200(c)(1)),
Twilio's test numbers (+15005550001 -> 21211, ...0004 -> 21610, ...0009 -> 21614).
"""

from __future__ import annotations

import os
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from smskit.campaign.planner import Campaign, Recipient, Sender, plan
from smskit.campaign.storage import (
    campaign_id_for,
    delivery_summary,
    progress,
    results,
    save_plan,
    unreachable_numbers,
)
from smskit.consent.events import ConsentAction, ConsentEvent, ConsentSource, ConsentState
from smskit.consent.ledger import ConsentLedger
from smskit.providers.retry import Backoff
from smskit.providers.twilio import TwilioProvider
from smskit.sending.runner import CampaignRunner
from smskit.sending.support import DryRun, RunReport, send_test, track
from smskit.simulator import start
from smskit.store.database import Store
from smskit.store.records import ContactRecord

from .conftest import fresh_schema_url

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
SENDER = "+15005550006"
# Monday 5 Jan 2026, 17:00 UTC: 12:00 in New York (inside 08-21), 07:00 in Honolulu (outside;
# its window opens at 08:00 HST = 18:00 UTC).
NOON_NY = datetime(2026, 1, 5, 17, 0, tzinfo=UTC)


def _store_urls() -> list[object]:
    urls: list[object] = ["sqlite"]
    pg = os.environ.get("SMSKIT_TEST_POSTGRES_URL") or "missing"
    urls.append(pytest.param(pg, marks=pytest.mark.postgres, id="postgresql"))
    return urls


@pytest.fixture(params=_store_urls(), ids=lambda p: "sqlite" if p == "sqlite" else "postgresql")
def store(request: pytest.FixtureRequest, tmp_path: object) -> Iterator[Store]:
    if request.param == "missing":
        message = "SMSKIT_TEST_POSTGRES_URL is not set: the PostgreSQL store tests need it"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    if request.param == "sqlite":
        s = Store.open(f"sqlite:///{tmp_path}/smskit.db")
        yield s
        s.close()
        return
    # A fresh schema per test: opt-outs and messages left by earlier runs must not leak in.
    with fresh_schema_url(request.param) as url:
        s = Store.open(url)
        yield s
        s.close()


@pytest.fixture
def sim() -> Iterator[object]:
    with start(step_delay=0, rate_limits=False) as handle:
        yield handle


def _provider(sim: object) -> TwilioProvider:
    return TwilioProvider.for_simulator(sim, backoff=Backoff(base=0.01, cap=0.05, max_attempts=8))


def _opt_in(ledger: ConsentLedger, scope: str, phones: list[str]) -> None:
    for phone in phones:
        ledger.record(
            ConsentEvent(
                phone,
                scope,
                ConsentAction.OPT_IN,
                ConsentSource.WEB_FORM,
                NOON_NY - timedelta(days=30),
                "signup form",
                "test",
            )
        )


def test_mixed_audience_of_500_gives_exact_counts_per_outcome(store: Store, sim: object) -> None:
    scope = f"Acme-{uuid.uuid4().hex[:8]}"
    ledger = ConsentLedger(store)
    ny = [f"+1212201{i:04d}" for i in range(418)]  # 398 to send, 20 with no first name
    hawaii = [f"+1808201{i:04d}" for i in range(20)]
    opted_out = [f"+1212301{i:04d}" for i in range(20)]
    unknown = [f"+1212401{i:04d}" for i in range(20)]
    invalid = [
        "12",
        "+1 212",
        "not a number",
        "+999 123",
        "+1212555",
        *(f"0{i}" for i in range(10)),
    ]
    landline = "+442079460958"  # a London landline: no SMS
    magic = ["+15005550009", "+15005550004", "+15005550001"]  # 21614, 21610, 21211
    _opt_in(ledger, scope, ny + hawaii + magic + [landline] + opted_out)
    for phone in opted_out:
        ledger.record_opt_out(
            phone, scope, ConsentSource.KEYWORD, "STOP", "test", NOON_NY - timedelta(days=1)
        )
    store.upsert_contacts(ContactRecord(p, "US", "fixed_line_or_mobile") for p in magic)

    audience = [Recipient.of(f"ny{i}", p, i, first_name=f"Ana{i}") for i, p in enumerate(ny)]
    audience[398:] = [Recipient.of(r.key, r.phone, r.row) for r in audience[398:]]  # no name
    audience += [Recipient.of(f"hi{i}", p, first_name="Kai") for i, p in enumerate(hawaii)]
    audience += [Recipient.of(f"out{i}", p, first_name="Bo") for i, p in enumerate(opted_out)]
    audience += [Recipient.of(f"unk{i}", p, first_name="Cy") for i, p in enumerate(unknown)]
    audience += [Recipient.of(f"bad{i}", p, first_name="Di") for i, p in enumerate(invalid)]
    audience += [Recipient.of("land", landline, first_name="Ed")]
    audience += [Recipient.of(f"magic{i}", p, first_name="Flo") for i, p in enumerate(magic)]
    audience += [Recipient.of(f"dup{i}", ny[i], first_name="Gus") for i in range(3)]
    assert len(audience) == 500

    template = "Hi {first_name}, spring sale: 20% off today. Reply STOP to opt out."
    camp = Campaign(f"Spring {scope}", template, Sender("long_code", SENDER), scope=scope)
    planned = plan(camp, audience, now=NOON_NY, consent=ledger)
    again = plan(camp, audience, now=NOON_NY, consent=ledger)
    assert again == planned  # stable
    totals = planned.totals
    assert (totals.recipients, totals.sendable, totals.blocked) == (500, 421, 79)
    reasons = {(r.code, r.severity): r.count for r in totals.by_reason}
    assert reasons[("consent.opted_out", "block")] == 20
    assert reasons[("consent.unknown", "block")] == 20
    assert reasons[("invalid_number", "block")] == 15
    assert reasons[("landline", "block")] == 1
    assert reasons[("missing_field", "block")] == 20
    assert reasons[("duplicate", "block")] == 3
    # Honolulu opens at 08:00 HST = 18:00 UTC. Twilio's +1 500 test numbers may be anywhere in
    # the NANP (Guam to St John's), so all those zones are open together only from 22:00 UTC.
    assert reasons[("quiet_hours", "warn")] == 23
    hi = [m for m in planned.messages if m.key.startswith("hi")]
    assert {m.send_at for m in hi} == {datetime(2026, 1, 5, 18, 0, tzinfo=UTC)}
    assert not any("{" in (m.text or "") for m in planned.messages)  # "Hi {first_name}" never sent

    campaign_id = save_plan(store, planned)
    assert save_plan(store, again) == campaign_id

    def runner_at(moment: datetime) -> CampaignRunner:
        return CampaignRunner(
            store, _provider(sim), campaign_id, ledger=ledger, rate=None, clock=lambda: moment
        )

    first = runner_at(NOON_NY).run()  # a dry run by default the first time
    assert isinstance(first, DryRun) and not sim.messages()
    assert (first.messages, first.due_now, first.scheduled) == (421, 398, 23)

    report = runner_at(NOON_NY).run(wait_for_windows=False)
    assert isinstance(report, RunReport)
    assert (report.sent, report.refused, report.status) == (398, 0, "waiting")
    outbound = Counter(m.to for m in sim.messages(direction="outbound-api"))
    assert len(outbound) == 398 and max(outbound.values()) == 1
    assert not set(outbound) & set(hawaii + opted_out + unknown + magic)

    report = runner_at(NOON_NY + timedelta(hours=1, minutes=1)).run(wait_for_windows=False)
    assert (report.sent, report.refused, report.status) == (20, 0, "waiting")
    report = runner_at(NOON_NY + timedelta(hours=5, minutes=1)).run(wait_for_windows=False)
    assert (report.sent, report.refused, report.status) == (0, 3, "finished")
    assert runner_at(NOON_NY + timedelta(days=1)).run(dry=False).sent == 0  # finished: no more
    assert len(sim.messages(direction="outbound-api")) == 418

    time.sleep(0.3)
    track(store, _provider(sim), campaign_id, ledger)
    summary = delivery_summary(store, campaign_id)
    assert dict(summary.by_status) == {"delivered": 418, "failed": 3}
    errors = {e.code: e.count for e in summary.by_error}
    assert errors == {21614: 1, 21610: 1, 21211: 1}
    assert all(str(e.meaning) for e in summary.by_error)
    assert unreachable_numbers(store) == {"+15005550009": "landline", "+15005550001": "invalid"}
    assert ledger.status("+15005550004", scope).state is ConsentState.OPTED_OUT

    rows = results(store, campaign_id)
    assert len(rows) == 500 and Counter(r.plan_status for r in rows)["blocked"] == 79

    # the next campaign skips the numbers this one found invalid or landline
    nxt = plan(
        Campaign(f"Next {scope}", template, Sender("long_code", SENDER), scope=scope),
        audience,
        now=NOON_NY,
        consent=ledger,
        unreachable=unreachable_numbers(store),
    )
    marked = [m for m in nxt.messages if m.to in ("+15005550009", "+15005550001")]
    assert [f.code for m in marked for f in m.findings if f.code == "unreachable"] == [
        "unreachable",
        "unreachable",
    ]


def _simple_campaign(store: Store, n: int, tag: str) -> str:
    audience = [Recipient.of(f"r{i}", f"+1415202{i:04d}", i, name=f"N{i}") for i in range(n)]
    camp = Campaign(
        f"{tag} {uuid.uuid4().hex[:6]}",
        "Hi {name}, your order shipped",
        Sender("long_code", SENDER),
        purpose="transactional",
    )
    return save_plan(store, plan(camp, audience, now=NOON_NY))


def test_stop_mid_run_means_no_later_message(store: Store, sim: object) -> None:
    campaign_id = _simple_campaign(store, 150, "Stop")
    ledger = ConsentLedger(store)
    runner = CampaignRunner(
        store,
        _provider(sim),
        campaign_id,
        ledger=ledger,
        rate=40.0,
        poll_seconds=0.1,
        clock=lambda: NOON_NY,
    )
    target = "+14152020120"
    thread = threading.Thread(target=runner.run, kwargs={"dry": False})
    thread.start()
    while len(sim.messages(direction="outbound-api")) < 30:
        time.sleep(0.01)
    sim.inject_inbound(target, SENDER, "STOP")
    thread.join(timeout=60)
    sent_to = {m.to for m in sim.messages(direction="outbound-api")}
    assert target not in sent_to
    assert len(sent_to) == 149
    mine = [m for m in store.list_messages(campaign_id) if m.to_number == target]
    assert [(m.state, m.status) for m in mine] == [("final", "opted_out")]  # skipped by us
    scope = runner.campaign.consent_scope
    assert ledger.status(target, scope).state is ConsentState.OPTED_OUT


def test_faults_5xx_429_and_dropped_connections_still_exactly_once(
    store: Store, sim: object
) -> None:
    sim.configure(
        fault_500=0.1, fault_503=0.05, fault_429=0.1, fault_drop=0.15, seed=7, retry_after=0
    )
    campaign_id = _simple_campaign(store, 200, "Faults")
    runner = CampaignRunner(store, _provider(sim), campaign_id, rate=None, clock=lambda: NOON_NY)
    report = runner.run(dry=False)
    sim.configure(fault_500=0.0, fault_503=0.0, fault_429=0.0, fault_drop=0.0)
    if report.status != "finished":  # a message whose retries all failed stays for the next run
        report = runner.run(dry=False)
    assert report.status == "finished"
    sent = Counter(m.to for m in sim.messages(direction="outbound-api"))
    assert len(sent) == 200 and max(sent.values()) == 1
    assert progress(store, campaign_id).count("planned") == 0


def test_pause_resume_and_cancel(store: Store, sim: object) -> None:
    campaign_id = _simple_campaign(store, 120, "Pause")
    runner = CampaignRunner(store, _provider(sim), campaign_id, rate=30.0, clock=lambda: NOON_NY)
    result: list[object] = []
    thread = threading.Thread(target=lambda: result.append(runner.run(dry=False)))
    thread.start()
    while len(sim.messages()) < 10:
        time.sleep(0.01)
    runner.pause()
    time.sleep(0.5)
    paused_at = len(sim.messages())
    time.sleep(0.5)
    assert len(sim.messages()) == paused_at  # nothing goes while paused
    runner.resume()
    while len(sim.messages()) < paused_at + 10:
        time.sleep(0.01)
    runner.cancel()
    thread.join(timeout=30)
    report = result[0]
    assert isinstance(report, RunReport) and report.status == "canceled"
    sent = len(sim.messages())
    assert sent < 120 and report.canceled == 120 - sent
    assert dict(progress(store, campaign_id).by_status)["canceled"] == 120 - sent
    assert CampaignRunner(store, _provider(sim), campaign_id).run(dry=False).sent == 0


def test_send_a_test_to_myself_is_outside_the_campaign(store: Store, sim: object) -> None:
    campaign_id = _simple_campaign(store, 3, "Test")
    sent = send_test(_provider(sim), store, campaign_id, "+14155550100")
    assert sent.body == "Hi N0, your order shipped" and sent.to == "+14155550100"
    assert progress(store, campaign_id).count("planned") == 3


def test_campaign_id_is_the_plan_fingerprint(store: Store) -> None:
    camp = Campaign("Same", "Hi", Sender("short_code", "12345"), purpose="transactional")
    one = plan(camp, [Recipient.of("a", "+14155550100")], now=NOON_NY)
    assert campaign_id_for(one) == campaign_id_for(
        plan(camp, [Recipient.of("a", "+14155550100")], now=NOON_NY)
    )


def test_later_window_goes_to_twilio_with_send_at_through_a_messaging_service(
    store: Store, sim: object
) -> None:
    # Twilio schedules only through a Messaging Service, 5 minutes to 35 days ahead (SendAt).
    at = (datetime.now(UTC) + timedelta(hours=2)).replace(second=0, microsecond=0)
    service = "MG" + "a" * 32
    people = [Recipient.of(f"r{i}", f"+1415203{i:04d}", i, name="N") for i in range(5)]
    camp = Campaign(
        f"Later {uuid.uuid4().hex[:6]}",
        "Hi {name}, see you soon",
        Sender("messaging_service", service),
        send_at=at,
        purpose="transactional",
    )
    campaign_id = save_plan(store, plan(camp, people))
    report = CampaignRunner(store, _provider(sim), campaign_id, rate=None).run(dry=False)
    assert (report.sent, report.status) == (5, "finished")
    scheduled = sim.messages(direction="outbound-api")
    assert {m.status for m in scheduled} == {"scheduled"}
    assert {m.send_at for m in scheduled} == {at}
    assert {m.messaging_service_sid for m in scheduled} == {service}


def test_stop_and_status_by_signed_webhook_reach_the_run(store: Store, sim: object) -> None:
    from starlette.testclient import TestClient
    from twilio.request_validator import RequestValidator

    from smskit.webhooks.app import INBOUND_PATH, STATUS_PATH, create_app

    campaign_id = _simple_campaign(store, 20, "Webhook")
    ledger = ConsentLedger(store)
    runner = CampaignRunner(
        store, _provider(sim), campaign_id, ledger=ledger, rate=None, clock=lambda: NOON_NY
    )
    token = "t" * 32
    client = TestClient(create_app(token, runner.sink, public_url="https://hooks.example"))

    def post(path: str, form: dict[str, str]) -> int:
        url = "https://hooks.example" + path
        signature = RequestValidator(token).compute_signature(url, form)
        return client.post(path, data=form, headers={"X-Twilio-Signature": signature}).status_code

    target = "+14152020007"
    stop = {
        "MessageSid": "SM" + "5" * 32,
        "From": target,
        "To": SENDER,
        "Body": "STOP",
        "OptOutType": "STOP",
    }
    assert post(INBOUND_PATH, stop) == 200
    report = runner.run(dry=False)
    assert (report.sent, report.opted_out) == (19, 1)
    assert target not in {m.to for m in sim.messages(direction="outbound-api")}
    assert ledger.status(target, runner.campaign.consent_scope).state is ConsentState.OPTED_OUT

    first = store.list_messages(campaign_id, "submitted")[0]
    status = {
        "MessageSid": first.sid or "",
        "MessageStatus": "undelivered",
        "ErrorCode": "30006",
        "To": first.to_number,
        "From": SENDER,
    }
    assert post(STATUS_PATH, status) in (200, 204)
    assert store.get_message(first.id).status == "undelivered"  # type: ignore[union-attr]
    assert {e.code for e in delivery_summary(store, campaign_id).by_error} == {30006}


def test_cancel_cancels_the_messages_twilio_holds_with_send_at(store: Store, sim: object) -> None:
    # Twilio cancels a scheduled message by POST Messages/{Sid}.json Status=canceled; one that
    # has left "scheduled" answers 30409 and is left as it is.
    at = (datetime.now(UTC) + timedelta(hours=3)).replace(second=0, microsecond=0)
    service = "MG" + "c" * 32
    people = [Recipient.of(f"h{i}", f"+1415204{i:04d}", i, name="N") for i in range(4)]
    camp = Campaign(
        f"Held {uuid.uuid4().hex[:6]}",
        "Hi {name}, the sale starts tomorrow",
        Sender("messaging_service", service),
        send_at=at,
        purpose="transactional",
    )
    campaign_id = save_plan(store, plan(camp, people))
    runner = CampaignRunner(store, _provider(sim), campaign_id, rate=None)
    assert runner.run(dry=False).sent == 4
    held = [m for m in sim.messages(direction="outbound-api") if m.messaging_service_sid == service]
    assert {m.status for m in held} == {"scheduled"} and len(held) == 4
    # Twilio released one just before the cancel (its docs warn of this race): it stays sent.
    released = held[0].sid
    sim._simulator.store.update_message(released, status="sent")

    runner.cancel()
    report = runner.run(dry=False)
    assert isinstance(report, RunReport)
    assert (report.status, report.unscheduled, report.sent) == ("canceled", 3, 0)
    after = {m.sid: m.status for m in sim.messages() if m.messaging_service_sid == service}
    assert after == {m.sid: "sent" if m.sid == released else "canceled" for m in held}
    assert "delivered" not in after.values()
    assert dict(progress(store, campaign_id).by_status) == {"canceled": 3, "sent": 1}
    assert store.get_campaign(campaign_id).status == "canceled"
    # Nothing is left to cancel, and nothing is sent again.
    again = CampaignRunner(store, _provider(sim), campaign_id).run(dry=False)
    assert (again.sent, again.unscheduled) == (0, 0)
    assert len([m for m in sim.messages() if m.messaging_service_sid == service]) == 4
