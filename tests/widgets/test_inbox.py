"""The Inbox dashboard headless: widget values in, smskit calls, rendered results out."""

from __future__ import annotations

from pathlib import Path

from smskit_widgets.common.i18n import LANGUAGE
from smskit_widgets.inbox import InboxDashboard

from smskit.conversations import InboxSink
from smskit.providers.twilio import TwilioProvider
from smskit.sending.tracking import InboundMessage
from smskit.simulator import start
from smskit.store.database import Store

SENDER = "+15005550006"


def test_staff_answer_from_the_dashboard_and_an_opted_out_contact_is_refused(
    tmp_path: Path,
) -> None:
    store = Store.open(f"sqlite:///{tmp_path / 'smskit.db'}")
    sink = InboxSink(store)
    sink.record_inbound(InboundMessage("SM" + "6" * 32, "+442071838750", SENDER, "Open today?"))
    sink.record_inbound(InboundMessage("SM" + "7" * 32, "+442071838751", SENDER, "BERHENTI"))
    with start(step_delay=0, rate_limits=False) as sim:
        board = InboxDashboard(
            store, TwilioProvider.for_simulator(sim), actor="ana", poll_seconds=0
        )
        labels = dict(board.filters.options)
        assert labels["All open (2) · 2 unread"] == "all" and labels["Opted out (1)"] == "opted_out"
        (question,) = [v for label, v in board.threads.options if "Open today?" in label]
        board.threads.value = question
        assert "Open today?" in board.thread_html.value
        board.reply.value = "Yes 🙂 until six"
        assert "UCS-2" in board.check_html.value and "1 segment" in board.check_html.value
        board.schedule.value = True  # at night in London it waits for 08:00 there instead
        board.send_button.click()
        assert "outcome-sent" in board.result_html.value or "outcome-scheduled" in (
            board.result_html.value
        )
        board.filters.value = "opted_out"
        ((_, stopped),) = board.threads.options
        board.threads.value = stopped
        board.reply.value = "Sorry to see you go"
        assert "has opted out" in board.check_html.value
        board.send_button.click()
        assert "outcome-refused" in board.result_html.value
        LANGUAGE.lang = "id"
        try:
            assert "telah berhenti berlangganan" in board.check_html.value
            assert board.send_button.description == "Kirim balasan"
        finally:
            LANGUAGE.lang = "en"
        board.close()
    assert [m.body for m in sim.messages() if m.direction == "outbound-api"] in (
        ["Yes 🙂 until six"],
        [],  # night in London: scheduled for the morning instead
    )


def test_quick_replies_saved_from_the_dashboard_and_the_reply_sender_chosen(
    tmp_path: Path,
) -> None:
    store = Store.open(f"sqlite:///{tmp_path / 'smskit.db'}")
    sink = InboxSink(store)
    sink.record_inbound(InboundMessage("SM" + "1" * 32, "+442071838750", SENDER, "Parking?"))
    sink.record_inbound(InboundMessage("SM" + "2" * 32, "+442071838750", "+15005550007", "Hi"))
    board = InboxDashboard(store, actor="ana", poll_seconds=0)
    budi = InboxDashboard(store, actor="budi", poll_seconds=0)
    try:
        (first, _) = [v for _, v in board.threads.options]
        board.threads.value = first
        # Ana's unread count goes down as she reads; Budi's does not.
        board.reload(force=True)
        budi.reload(force=True)
        assert "· 1 unread" in board.filters.options[0][0]
        assert "· 2 unread" in budi.filters.options[0][0]
        # She texted two of our numbers: the reply box offers both, this thread's number first.
        opened = board.conversation.thread.our_number
        assert board.sender.value == opened and len(board.sender.options) == 2
        assert board.sender.options[0][0] == f"{opened} (this conversation's number)"
        assert board.sender.layout.display is None

        # A bad placeholder is refused beside the control, in plain words; nothing is saved.
        board.reply.value = "Park at the back, {nmae}."
        board.quick_name.value = "parking"
        board.quick_save.click()
        assert board.quick_feedback.kind == "error" and "{nmae}" in board.quick_feedback.value
        assert "en:parking" not in {v for _, v in board.quick.options}
        board.reply.value = "Park at the back, {name|friend}."
        board.quick_save.click()
        assert board.quick_feedback.kind == "ok" and board.quick.value == "en:parking"
        # Budi sees it, can use it, but cannot delete it.
        budi.quick_replies.options()
        budi.threads.value = first
        budi.quick.value = "en:parking"
        budi.quick_button.click()
        assert budi.reply.value == "Park at the back, friend."
        budi.quick_delete.click()
        assert budi.quick_feedback.kind == "error" and "only they" in budi.quick_feedback.value
        board.quick_delete.click()
        assert board.quick_feedback.kind == "ok" and board.quick.value == ""
        board.quick_name.value = ""
        board.quick_save.click()
        assert "needs a name" in board.quick_feedback.value

        # The reply goes from the number chosen.
        other = next(v for _, v in board.sender.options if v != opened)
        board.sender.value = other
        board.reply.value = "See you at six."
        board.schedule.value = True  # at night in London it waits for 08:00 there
        board.send_button.click()
        assert "outcome-queued" in board.result_html.value or "outcome-scheduled" in (
            board.result_html.value
        )
        (sent,) = [m for m in store.list_messages() if m.body == "See you at six."]
        assert sent.from_number == other
    finally:
        board.close()
        budi.close()
