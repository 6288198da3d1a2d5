"""The Inbox end to end: a campaign to the simulator, customers reply, staff answer, consent first.

Real twilio client over HTTP to the local simulator, real SQLite and PostgreSQL; what was sent is
counted at the simulator, never in our own database. Two staff answering one thread are two real
processes.
"""

from __future__ import annotations

import contextlib
import json
import socket
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from smskit.campaign.planner import Campaign, Recipient, Sender, plan
from smskit.campaign.storage import save_plan
from smskit.consent.ledger import ConsentLedger
from smskit.conversations import Filter, Inbox, InboxSink, ReplyOutcome
from smskit.providers.twilio import TwilioProvider
from smskit.sending.runner import CampaignRunner
from smskit.simulator import SimulatorHandle, start
from smskit.store.database import Store
from smskit.store.schema import campaign_recipients, thread_replies

ROOT = Path(__file__).resolve().parents[1]
SENDER = "+15005550006"
# Noon in California: quiet hours never decide these tests unless they mean to.
NOON_PACIFIC = datetime(2026, 3, 3, 20, 0, tzinfo=UTC)
PEOPLE = {
    "question": "+14152010001",
    "berhenti": "+14152010002",
    "revocation": "+14152010003",
    "thanks": "+14152010004",
}


@pytest.fixture
def sim() -> Iterator[SimulatorHandle]:
    with start(step_delay=0, rate_limits=False) as handle:
        yield handle


def _campaign_and_replies(store: Store, sim: SimulatorHandle) -> str:
    """A transactional campaign to four people, sent; then each of them replies."""
    camp = Campaign(
        "Order",
        "Hi {name}, your order shipped",
        Sender("long_code", SENDER),
        purpose="transactional",
    )
    people = [
        Recipient.of(k, phone, i, name=k.title()) for i, (k, phone) in enumerate(PEOPLE.items())
    ]
    campaign_id = save_plan(store, plan(camp, people, now=datetime.now(UTC)))
    provider = TwilioProvider.for_simulator(sim)
    report = CampaignRunner(store, provider, campaign_id, ledger=ConsentLedger(store), rate=None)
    assert report.run(dry=False).sent == 4  # type: ignore[union-attr]
    replies = {
        "question": "What time do you open on Saturday?",
        "berhenti": "BERHENTI",
        "revocation": "wrong number",
        "thanks": "thanks!",
    }
    for key, body in replies.items():
        sim.inject_inbound(PEOPLE[key], SENDER, body)
    return campaign_id


def _sent_to(sim: SimulatorHandle, phone: str, body: str | None = None) -> list[str]:
    return [
        m.body
        for m in sim.messages()
        if m.to == phone and m.direction == "outbound-api" and (body is None or m.body == body)
    ]


def _thread(inbox: Inbox, phone: str) -> int:
    (found,) = [t for t in inbox.threads("all").threads if t.phone == phone]
    return found.id


def test_a_campaign_its_replies_and_answers_with_consent_first(
    tmp_path: Path, sim: SimulatorHandle
) -> None:
    store = Store.open(f"sqlite:///{tmp_path / 'smskit.db'}")
    campaign_id = _campaign_and_replies(store, sim)
    inbox = Inbox(store, TwilioProvider.for_simulator(sim), actor="ana", clock=lambda: NOON_PACIFIC)
    assert inbox.poll() == 4
    assert inbox.poll() == 0  # folding again counts nothing twice

    counts = inbox.counts()
    assert (counts.open, counts.unread, counts.opted_out, counts.review) == (4, 4, 1, 1)
    assert {t.phone for t in inbox.threads(Filter.OPTED_OUT).threads} == {PEOPLE["berhenti"]}
    assert {t.phone for t in inbox.threads(Filter.REVIEW).threads} == {PEOPLE["revocation"]}
    assert PEOPLE["berhenti"] not in {t.phone for t in inbox.threads(Filter.NEEDS_REPLY).threads}
    assert len(inbox.threads(Filter.CAMPAIGN, campaign_id=campaign_id).threads) == 4

    # A question: the thread holds the campaign message (delivered) and the reply, in order.
    question = _thread(inbox, PEOPLE["question"])
    conversation = inbox.open(question)
    assert [(i.direction, i.status) for i in conversation.items] == [
        ("outbound", "delivered"),
        ("inbound", "received"),
    ]
    assert conversation.items[0].body == "Hi Question, your order shipped"
    assert inbox.thread(question).unread == 0 and inbox.counts().unread == 3

    check = inbox.check(question, "We open at 9 – see you ☺")
    assert (check.encoding, check.segments, check.blocked, check.send_at) == (
        "UCS-2",
        1,
        None,
        None,
    )
    seen = conversation.thread.version
    answer = "We open at 09:00 on Saturday."
    result = inbox.reply(question, answer, seen_version=seen, key="draft-1")
    assert result.outcome is ReplyOutcome.SENT, result.text
    assert (
        inbox.reply(question, answer, seen_version=seen, key="draft-1").outcome
        is ReplyOutcome.ALREADY
    )
    late = inbox.reply(question, "We open at nine.", seen_version=seen)
    assert late.outcome is ReplyOutcome.CONFLICT and "ana answered" in str(late.text)
    sim.wait_for(result.sid or "", ["delivered"], timeout=30)
    assert _sent_to(sim, PEOPLE["question"], answer) == [answer]
    inbox.poll()
    items = inbox.open(question).items
    assert (items[-1].direction, items[-1].actor, items[-1].status) == (
        "outbound",
        "ana",
        "delivered",
    )
    assert not inbox.thread(question).needs_reply

    # BERHENTI: refused in plain words, nothing sent.
    stopped = _thread(inbox, PEOPLE["berhenti"])
    refused = inbox.reply(stopped, "Sorry to see you go!")
    assert refused.outcome is ReplyOutcome.REFUSED
    assert "has opted out" in str(refused.text) and "BERHENTI" in str(refused.text)
    assert "telah berhenti berlangganan" in refused.text.render("id")
    assert _sent_to(sim, PEOPLE["berhenti"], "Sorry to see you go!") == []
    # The one confirmation the rules allow (within five minutes), in their language, once.
    assert inbox.check(stopped, "x").confirmation_allowed
    confirmed = inbox.confirm_opt_out(stopped)
    assert confirmed.outcome is ReplyOutcome.SENT, confirmed.text
    (confirmation,) = [
        b for b in _sent_to(sim, PEOPLE["berhenti"]) if b != "Hi Berhenti, your order shipped"
    ]
    assert "berhenti" in confirmation.lower()
    assert inbox.confirm_opt_out(stopped).outcome is ReplyOutcome.REFUSED

    # "wrong number": a possible revocation, reviewed first.
    flagged = _thread(inbox, PEOPLE["revocation"])
    blocked = inbox.reply(flagged, "Who is this?")
    assert blocked.outcome is ReplyOutcome.REFUSED and "Review first" in str(blocked.text)
    with pytest.raises(ValueError, match="Say why"):
        inbox.review(flagged, apply=False)
    assert inbox.review(flagged, apply=False, reason="they asked about the order") != "opted_out"
    assert inbox.reply(flagged, "Sorry, who is this?").outcome is ReplyOutcome.SENT
    assert inbox.threads(Filter.REVIEW).threads == ()

    # Assignment and done.
    thanks = _thread(inbox, PEOPLE["thanks"])
    assert inbox.assign(thanks)
    assert [t.id for t in inbox.threads(Filter.MINE).threads] == [thanks]
    assert Inbox(store, actor="budi").threads(Filter.MINE).threads == ()
    inbox.done(thanks)
    assert thanks not in {t.id for t in inbox.threads(Filter.ALL).threads}
    assert [t.id for t in inbox.threads(Filter.DONE).threads] == [thanks]
    text = inbox.quick_reply_text(thanks, "thanks", "id")
    assert text == "Terima kasih, Thanks! Senang bisa membantu." or text.startswith("Terima kasih")


def test_a_reply_at_22_00_their_time_is_scheduled_for_their_morning(tmp_path: Path) -> None:
    store = Store.open(f"sqlite:///{tmp_path / 'smskit.db'}")
    jakarta = "+6281234567890"
    from smskit.sending.tracking import InboundMessage

    assert InboxSink(store).record_inbound(
        InboundMessage("SM" + "4" * 32, jakarta, SENDER, "Buka jam berapa?")
    )
    ten_pm = datetime(2026, 1, 5, 15, 0, tzinfo=UTC)  # 22:00 in Jakarta
    inbox = Inbox(store, actor="ana", clock=lambda: ten_pm)
    thread = _thread(inbox, jakarta)
    check = inbox.check(thread, "Kami buka jam 9.")
    assert check.blocked is None and check.local_time == "08:00 Tue 6 Jan"
    refused = inbox.reply(thread, "Kami buka jam 9.")
    assert refused.outcome is ReplyOutcome.REFUSED and "08:00 Tue 6 Jan" in str(refused.text)
    scheduled = inbox.reply(thread, "Kami buka jam 9.", schedule=True)
    assert scheduled.outcome is ReplyOutcome.SCHEDULED
    assert scheduled.send_at == datetime(2026, 1, 6, 1, 0, tzinfo=UTC)
    with store.engine.connect() as connection:
        send_at = connection.execute(sa.select(campaign_recipients.c.send_at)).scalar()
    assert send_at == scheduled.send_at
    assert inbox.open(thread).items[-1].status == "scheduled"
    # The sending worker holds it through the night and sends it when their morning comes.
    from smskit.sending.worker import Worker

    with start(step_delay=0, rate_limits=False) as sim:
        provider = TwilioProvider.for_simulator(sim)
        night = Worker(store, provider, clock=lambda: ten_pm, rate=None, worker_id="w-night")
        assert night.run_once().started == ()
        morning = scheduled.send_at + timedelta(minutes=1)
        worker = Worker(store, provider, clock=lambda: morning, rate=None, worker_id="w-day")
        assert len(worker.run_once().started) == 1
        deadline = time.monotonic() + 20
        while not _sent_to(sim, jakarta):
            assert time.monotonic() < deadline, "the scheduled reply was not sent in the morning"
            time.sleep(0.05)
        assert _sent_to(sim, jakarta) == ["Kami buka jam 9."]


CHILD = textwrap.dedent(
    """
    import json, os, sys, time
    from datetime import UTC, datetime
    from smskit.conversations import Inbox
    from smskit.providers.twilio import TwilioProvider
    from smskit.store.database import Store
    url, sim_url, sid, token, thread, version, go, key, body = sys.argv[1:]
    # Noon in California (NOON_PACIFIC): a reply at the real time of day could fall in quiet hours.
    noon = datetime(2026, 3, 3, 20, 0, tzinfo=UTC)
    provider = TwilioProvider.for_url(sim_url, sid, token)
    inbox = Inbox(Store.open(url), provider, actor=key, clock=lambda: noon)
    inbox.thread(int(thread))  # connected and ready
    print("ready", flush=True)
    while not os.path.exists(go):  # both press Send at the same moment
        time.sleep(0.0005)
    result = inbox.reply(int(thread), body, seen_version=int(version), key=key)
    print(json.dumps({"outcome": result.outcome.value, "text": str(result.text)}))
    """
)


def _at_once(script: str, argvs: list[list[str]], go: Path) -> list[object]:
    """Run ``script`` once per argv, release them together (``go``), return each one's JSON."""
    children = [
        subprocess.Popen(
            [sys.executable, "-c", script, *argv],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=ROOT,
        )
        for argv in argvs
    ]
    for child in children:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == b"ready", child.stderr
    go.touch()
    outcomes = []
    for child in children:
        out, err = child.communicate(timeout=120)
        assert child.returncode == 0, err.decode()[-2000:]
        outcomes.append(json.loads(out))
    return outcomes


def _race(
    db_url: str, sim: SimulatorHandle, thread: int, version: int, runs: list[tuple[str, str]]
) -> list[str]:
    go = Path(tempfile.mkdtemp()) / "go"
    common = [db_url, sim.url, sim.account_sid, sim.auth_token, str(thread), str(version), str(go)]
    outcomes = _at_once(CHILD, [[*common, key, body] for key, body in runs], go)
    return sorted(str(o["outcome"]) for o in outcomes)  # type: ignore[index]


def test_two_staff_answering_one_thread_at_once_send_it_once(
    db_url: str, sim: SimulatorHandle
) -> None:
    store = Store.open(db_url)
    phone = PEOPLE["question"]
    sim.inject_inbound(phone, SENDER, "Are you open today?")
    inbox = Inbox(store, TwilioProvider.for_simulator(sim), actor="lead")
    assert inbox.poll() == 1
    thread = _thread(inbox, phone)
    # Two people, two different answers, both seeing version 0: one goes, one is told.
    outcomes = _race(
        db_url, sim, thread, 0, [("ana", "Yes, until 6."), ("budi", "Yes! Till 18:00")]
    )
    assert outcomes == ["conflict", "sent"]
    assert len(_sent_to(sim, phone)) == 1
    # The same reply from two tabs at once (one key): sent once.
    version = inbox.thread(thread).version
    outcomes = _race(db_url, sim, thread, version, [("tab", "See you!"), ("tab", "See you!")])
    assert outcomes in (["already", "sent"], ["conflict", "sent"])
    assert _sent_to(sim, phone, "See you!") == ["See you!"]
    with store.engine.connect() as connection:
        assert (
            connection.execute(sa.select(sa.func.count()).select_from(thread_replies)).scalar() == 2
        )


@contextlib.contextmanager
def _webhook_app(sim: SimulatorHandle, store: Store) -> Iterator[None]:
    """Our webhook app (InboxSink) under uvicorn on loopback: the simulator's inbound URL."""
    import uvicorn

    from smskit.webhooks.app import create_app

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.bind(("127.0.0.1", 0))
    base = f"http://127.0.0.1:{sock.getsockname()[1]}"
    app = create_app(sim.auth_token, InboxSink(store), public_url=base)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.01)
    sim.configure(inbound_url=base + "/twilio/inbound")
    try:
        yield
    finally:
        server.should_exit = True
        thread.join(10)


def test_practice_mode_customers_reply_to_a_campaign(tmp_path: Path) -> None:
    store = Store.open(f"sqlite:///{tmp_path / 'smskit.db'}")
    with (
        start(
            step_delay=0, rate_limits=False, customer_replies=1.0, customer_reply_delay=0.05, seed=7
        ) as sim,
        _webhook_app(sim, store),
    ):
        camp = Campaign("Promo", "Hi {name}", Sender("long_code", SENDER), purpose="transactional")
        people = [Recipient.of(f"p{i}", f"+1415202{i:04d}", i, name=f"P{i}") for i in range(30)]
        campaign_id = save_plan(store, plan(camp, people, now=datetime.now(UTC)))
        provider = TwilioProvider.for_simulator(sim)
        runner = CampaignRunner(
            store, provider, campaign_id, ledger=ConsentLedger(store), rate=None
        )
        assert runner.run(dry=False).sent == 30  # type: ignore[union-attr]
        # The customers' replies come through the signed webhook into threads: no polling.
        inbox = Inbox(store, provider, actor="trainer", clock=lambda: NOON_PACIFIC)
        deadline = time.monotonic() + 30
        while inbox.counts().open < 30:
            assert time.monotonic() < deadline, "the customers' replies did not all arrive"
            time.sleep(0.05)
        assert inbox.poll() == 0  # already in their threads
        bodies = {m.body for m in sim.messages() if m.direction == "inbound"}
        counts = inbox.counts()
        # A realistic mix: questions to answer, keyword opt-outs (BERHENTI among the languages),
        # and replies staff must review before anyone answers.
        assert counts.open == 30 and counts.opted_out >= 3 and counts.review >= 1
        assert counts.needs_reply >= 5
        assert any("?" in b for b in bodies) and len(bodies) >= 8
        assert {t.phone for t in inbox.threads(Filter.CAMPAIGN, campaign_id=campaign_id).threads}
        # Each customer replied once: answering one does not make the simulator answer back.
        thread = next(t for t in inbox.threads(Filter.NEEDS_REPLY).threads if not t.needs_review)
        assert inbox.reply(thread.id, "Thanks for your message!").outcome is ReplyOutcome.SENT
        time.sleep(0.5)
        assert len([m for m in sim.messages() if m.direction == "inbound"]) == 30


@pytest.mark.parametrize("sender", ["+16291418000", "22395"])
def test_a_first_reply_from_a_sender_without_a_consent_status_opens_its_thread(
    db_url: str, sender: str
) -> None:
    """A number the ledger can't parse (no such area code, a short code texting us) still opens a
    thread; its consent stays unknown. Named parameters once collided with the thread's columns
    and inserted a NULL consent state: a 500 that Twilio would retry forever."""
    from smskit.sending.tracking import InboundMessage

    store = Store.open(db_url)
    sid = "SM" + f"{abs(hash(sender + db_url)) % 10**30:032d}"
    assert InboxSink(store).record_inbound(InboundMessage(sid, sender, SENDER, "Hello?")) is True
    (found,) = [t for t in Inbox(store, actor="ana").threads("all").threads if t.phone == sender]
    assert (found.consent_state, found.needs_reply, found.unread) == ("unknown", True, 1)


DELIVERY_CHILD = textwrap.dedent(
    """
    import json, sys, time
    from pathlib import Path
    from smskit.conversations import InboxSink
    from smskit.sending.tracking import InboundMessage
    from smskit.store.database import Store

    url, go, count = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3])
    sink = InboxSink(Store.open(url, upgrade=False))
    replies = [
        InboundMessage(f"SM{i:032d}", f"+1415202{i:04d}", "+15005550006",
                       "STOP" if i % 2 else "Do you deliver on Sundays?")
        for i in range(count)
    ]
    print("ready", flush=True)
    while not go.exists():
        time.sleep(0.0005)
    print(json.dumps([sink.record_inbound(r) for r in replies]))
    """
)


def test_one_reply_delivered_to_two_webhook_processes_at_once_counts_once(db_url: str) -> None:
    """Twilio retries a webhook that is slow to answer, possibly to another webhook process: the
    reply is stored once, its opt-out recorded once, and its thread counts it once."""
    store = Store.open(db_url)
    count = 40
    go = Path(tempfile.mkdtemp()) / "go"
    outcomes = _at_once(DELIVERY_CHILD, [[db_url, str(go), str(count)]] * 2, go)
    # Each reply was new to exactly one of the two processes.
    assert [a + b for a, b in zip(*outcomes, strict=True)] == [1] * count
    assert len(store.list_inbound(limit=1000)) == count
    with store.engine.connect() as connection:
        opt_outs = connection.execute(
            sa.text("SELECT phone_e164, COUNT(*) FROM consent_events GROUP BY phone_e164")
        ).all()
    assert sorted(n for _, n in opt_outs) == [1] * (count // 2)
    threads = Inbox(store, actor="ana").threads("all").threads
    assert sorted(t.unread for t in threads) == [1] * count
