"""The Inbox in a team: each person's own unread counts, the sender a reply goes from, reply
campaigns told apart by their kind, and quick replies saved and deleted by their authors.

Real SQLite and PostgreSQL (the ``db_url`` fixture); replies arrive through the webhook sink, as
in production. Without a provider a reply is queued for the sending worker, which is enough to see
what was written: the message's sender, its campaign's kind, the replier's read mark.
"""

from __future__ import annotations

from datetime import UTC, datetime
from itertools import count

import pytest
import sqlalchemy as sa

from smskit.campaign.overview import campaign_lines
from smskit.conversations import Inbox, InboxSink, ReplyOutcome
from smskit.i18n.catalog import LocalizedError
from smskit.sending.tracking import InboundMessage
from smskit.store.database import Store
from smskit.store.schema import campaigns, messages

OURS, OTHER, THIRD = "+15005550006", "+15005550007", "+15005550008"
ALICE, BOB = "+14152010101", "+14152010102"
NOON_PACIFIC = datetime(2026, 3, 3, 20, 0, tzinfo=UTC)
_SIDS = count(1)


def _reply(store: Store, phone: str, body: str, to: str = OURS) -> None:
    sid = f"SM{next(_SIDS):032d}"
    assert InboxSink(store).record_inbound(InboundMessage(sid, phone, to, body))


def _thread(inbox: Inbox, phone: str, ours: str = OURS) -> int:
    (found,) = [
        t for t in inbox.threads("all").threads if t.phone == phone and t.our_number == ours
    ]
    return found.id


def _unread(inbox: Inbox) -> dict[str, int]:
    return {t.phone: t.unread for t in inbox.threads("all").threads}


def test_each_person_has_their_own_unread_counts(db_url: str) -> None:
    store = Store.open(db_url)
    ana = Inbox(store, actor="ana", clock=lambda: NOON_PACIFIC)
    budi = Inbox(store, actor="budi", clock=lambda: NOON_PACIFIC)
    _reply(store, ALICE, "Are you open today?")
    _reply(store, ALICE, "And tomorrow?")
    _reply(store, BOB, "Do you deliver?")
    assert ana.counts().unread == budi.counts().unread == 3
    alice = _thread(ana, ALICE)

    # Ana reads Alice's thread: read for her, still unread for Budi.
    ana.open(alice)
    assert (ana.counts().unread, budi.counts().unread) == (1, 3)
    assert _unread(ana) == {ALICE: 0, BOB: 1} and _unread(budi) == {ALICE: 2, BOB: 1}
    assert (ana.thread(alice).unread, budi.thread(alice).unread) == (0, 2)

    # A new reply is unread for both, counted once each.
    _reply(store, ALICE, "Hello?")
    assert _unread(ana)[ALICE] == 1 and _unread(budi)[ALICE] == 3
    assert (ana.counts().unread, budi.counts().unread) == (2, 4)

    # Budi answers: he has read what he answered; Ana has not read the new reply yet.
    answered = budi.reply(alice, "Yes, 9 to 6, both days.")
    assert answered.outcome is ReplyOutcome.QUEUED
    assert _unread(budi)[ALICE] == 0 and _unread(ana)[ALICE] == 1

    # Marking unread again is one's own too; a thread marked done leaves one's unread total.
    bob = _thread(ana, BOB)
    ana.open(bob)
    assert ana.thread(bob).unread == 0
    assert ana.mark_unread(bob) and ana.thread(bob).unread == 1 and budi.thread(bob).unread == 1
    budi.done(bob)
    assert (ana.counts().unread, budi.counts().unread) == (1, 0)
    assert not ana.mark_read(10**6)  # no such thread: nothing written

    # Replies are campaigns of kind "reply", kept out of the Campaigns list.
    with store.engine.connect() as connection:
        kinds = connection.execute(sa.select(campaigns.c.id, campaigns.c.kind)).all()
    assert [kind for _, kind in kinds] == ["reply"]
    assert kinds[0][0] not in {line.id for line in campaign_lines(store)}


def test_a_reply_goes_from_a_number_they_texted_with_that_numbers_consent(db_url: str) -> None:
    store = Store.open(db_url)
    inbox = Inbox(store, actor="ana", clock=lambda: NOON_PACIFIC)
    _reply(store, ALICE, "Is my order ready?", to=OURS)
    _reply(store, ALICE, "STOP", to=OTHER)  # opted out of our other number only
    _reply(store, ALICE, "Hi again", to=THIRD)
    thread = _thread(inbox, ALICE, OURS)
    conversation = inbox.open(thread)
    assert conversation.senders[0] == OURS and set(conversation.senders) == {OURS, OTHER, THIRD}
    assert inbox.senders(thread) == conversation.senders

    # Consent is the chosen sender's: refused from the number she stopped, fine from the others.
    assert "opted out" in str(inbox.check(thread, "Ready!", sender=OTHER).blocked)
    assert inbox.check(thread, "Ready!").blocked is None
    refused = inbox.reply(thread, "Ready!", sender=OTHER)
    assert refused.outcome is ReplyOutcome.REFUSED and "opted out" in str(refused.text)
    stranger = inbox.reply(thread, "Ready!", sender="+15005550999")
    assert stranger.outcome is ReplyOutcome.REFUSED and "+15005550999" in str(stranger.text)
    sent = inbox.reply(thread, "Ready for pickup.", sender=THIRD)
    assert sent.outcome is ReplyOutcome.QUEUED
    with store.engine.connect() as connection:
        rows = connection.execute(sa.select(messages.c.from_number, messages.c.body)).all()
    assert [tuple(r) for r in rows] == [(THIRD, "Ready for pickup.")]
    # The reply shows in the thread it answered, though it went from another of our numbers.
    bodies = [(i.direction, i.body) for i in inbox.open(thread).items]
    assert bodies[-1] == ("outbound", "Ready for pickup.")


def test_a_campaigns_own_sender_is_offered_for_its_replies(db_url: str) -> None:
    """A campaign sent through a messaging service: its replies may go back through it."""
    store = Store.open(db_url)
    service = "MG" + "a" * 32
    store.save_campaign("cmp_pool", "Pool", {"sender": {"address": service}}, "finished")
    now = datetime.now(UTC)
    with store.engine.begin() as connection:
        connection.execute(
            messages.insert().values(
                id="cmp_pool:0000000",
                campaign_id="cmp_pool",
                to_number=ALICE,
                from_number="",  # a messaging service picks the number
                body="Sale today",
                state="final",
                attempts=1,
                created_at=now,
                updated_at=now,
            )
        )
    _reply(store, ALICE, "Which shop?")
    inbox = Inbox(store, actor="ana", clock=lambda: NOON_PACIFIC)
    thread = _thread(inbox, ALICE)
    assert inbox.senders(thread) == (OURS, service)
    assert inbox.reply(thread, "The one on Main St.", sender=service).outcome is (
        ReplyOutcome.QUEUED
    )


def test_quick_replies_are_saved_checked_and_deleted_by_their_author(tmp_path: object) -> None:
    store = Store.open("sqlite://")
    ana, budi = Inbox(store, actor="ana"), Inbox(store, actor="budi")
    saved = ana.save_quick_reply("parking", "id", "Parkir di belakang, {name|Kak}.")
    assert (saved.name, saved.created_by) == ("parking", "ana")
    assert [(q.name, q.created_by) for q in budi.quick_replies("id") if q.name == "parking"] == [
        ("parking", "ana")
    ]
    for name, language, body, words in (
        ("", "en", "Hi", "needs a name"),
        ("x", "fr", "Salut", "not 'fr'"),
        ("x", "en", "  ", "Type the answer first"),
        ("x", "en", "é" * 1601, "at most 1600 characters; this one has 1601"),
        ("x", "en", "Hi {nmae}", "{nmae} is not a placeholder"),
        ("x", "en", "Hi {name", "{"),  # the template's own syntax error names the position
        ("parking", "id", "Parkir di depan", "ana saved"),
    ):
        with pytest.raises(LocalizedError, match=words.replace("{", r"\{")):
            budi.save_quick_reply(name, language, body)
    with pytest.raises(LocalizedError, match="only they can delete it"):
        budi.delete_quick_reply("parking", "id")
    with pytest.raises(LocalizedError, match="built-in"):
        ana.delete_quick_reply("thanks", "en")
    assert ana.delete_quick_reply("parking", "id")
    assert "parking" not in {q.name for q in budi.quick_replies()}


def test_a_store_at_0007_keeps_its_read_state_and_tells_replies_apart(db_url: str) -> None:
    """Migration 0008 on a store in use: the last reader keeps the thread read up to where it
    was, everyone else sees its replies unread, and old ``rep_`` campaigns become replies."""
    from smskit.store.schema import UTCDateTime, inbound_messages

    now = datetime.now(UTC)
    old_threads = sa.table(
        "threads",
        *(sa.column(c) for c in ("phone_e164", "our_number", "scope", "preview", "consent_state")),
        *(sa.column(c, sa.Integer) for c in ("last_inbound_id", "unread", "version")),
        *(sa.column(c, sa.Boolean) for c in ("needs_reply", "needs_review", "done")),
        *(sa.column(c) for c in ("read_by", "assigned_to", "campaign_id")),
        *(sa.column(c, UTCDateTime()) for c in ("last_message_at", "read_at", "created_at")),
        sa.column("updated_at", UTCDateTime()),
    )
    with Store.open(db_url, upgrade=False) as store:
        store.upgrade("0007")
        with store.engine.begin() as connection:
            for n, body in enumerate(["Open?", "Hello??", "Anyone?"]):
                connection.execute(
                    inbound_messages.insert().values(
                        sid=f"SM{n:03d}{'e' * 29}",
                        from_number=ALICE,
                        to_number=OURS,
                        body=body,
                        received_at=now,
                        recorded_at=now,
                    )
                )
            last = connection.execute(sa.select(sa.func.max(inbound_messages.c.id))).scalar()
            connection.execute(
                old_threads.insert().values(
                    phone_e164=ALICE,
                    our_number=OURS,
                    scope=OURS,
                    preview="Anyone?",
                    consent_state="unknown",
                    last_inbound_id=last,
                    unread=1,
                    version=0,
                    needs_reply=True,
                    needs_review=False,
                    done=False,
                    read_by="ana",
                    last_message_at=now,
                    read_at=now,
                    created_at=now,
                    updated_at=now,
                )
            )
            for cid in ("rep_abc", "cmp_sale"):
                connection.execute(
                    campaigns.insert().values(
                        id=cid,
                        name=cid,
                        spec={},
                        status="finished",
                        created_at=now,
                        updated_at=now,
                    )
                )
    with Store.open(db_url) as store:  # 0008 and every later migration
        assert store.revision() is not None and store.revision() >= "0008"
        ana, budi = Inbox(store, actor="ana"), Inbox(store, actor="budi")
        assert (_unread(ana), _unread(budi)) == ({ALICE: 1}, {ALICE: 3})
        with store.engine.connect() as connection:
            kinds = dict(connection.execute(sa.select(campaigns.c.id, campaigns.c.kind)).all())
        assert kinds == {"rep_abc": "reply", "cmp_sale": "campaign"}
        assert [line.id for line in campaign_lines(store)] == ["cmp_sale"]
        _reply(store, ALICE, "Still there?")  # the migrated thread counts on from where it was
        assert (_unread(ana), _unread(budi)) == ({ALICE: 2}, {ALICE: 4})
