"""The Inbox dashboard: replies from customers, answered by staff, consent first.

Everything is decided in :class:`smskit.conversations.Inbox`: the handlers here turn widget values
into one call and render the result. A background ticker (a daemon thread, stopped by
:meth:`InboxDashboard.close`) looks about once a second: :meth:`~smskit.conversations.Inbox.poll`
reads new replies and delivery statuses from the provider (when no webhook can reach us) and folds
replies stored by the webhook app into threads; when anything changed, the list and the open
thread are redrawn, so a reply appears within about two seconds without a reload.

Unread counts are the signed-in person's own (a thread a teammate read is still unread for you).
The reply box offers a choice of sender when the contact has texted more than one of our numbers
or the campaign used another (:func:`smskit.conversations.reply_senders.reply_senders`), and
staff save what they typed as a quick reply, or delete one they saved, with any error in plain
words beside those controls.
"""

from __future__ import annotations

import contextlib
import threading
from typing import Any

import ipywidgets as W
import traitlets
from smskit_widgets.common.i18n import Translator, on_language_change, render_text
from smskit_widgets.common.layout import DashboardHeader
from smskit_widgets.common.status import StatusLine, shows_errors
from smskit_widgets.inbox import render as R
from smskit_widgets.inbox.quick_replies import QuickReplyControls

from smskit.conversations import Filter, Inbox, ReplyOutcome
from smskit.conversations.replies import new_key
from smskit.store.database import Store

t = Translator("inbox")


def _tag(css: str, widget: Any) -> Any:
    widget.add_class(f"smskit-inbox-{css}")
    return widget


def _auto() -> W.Layout:
    return W.Layout(width="auto")


class InboxDashboard(W.VBox):
    """Filters with counts, the thread list, the open thread with consent, review and reply."""

    view = traitlets.Unicode(Filter.ALL.value, help="The filter shown (smskit Filter value)")
    thread_id = traitlets.Int(0, help="The open thread (0: none)")
    conversation = traitlets.Any(None, allow_none=True, help="smskit Conversation open now")
    check = traitlets.Any(None, allow_none=True, help="smskit ReplyCheck of the draft")
    poll_seconds = traitlets.Float(1.0, help="Seconds between looks for new replies (0: none)")

    def __init__(
        self,
        store: Store | None = None,
        provider: Any = None,
        *,
        actor: str | None = None,
        **kwargs: Any,
    ) -> None:
        self.inbox = Inbox(store, provider, actor=actor)
        self._provider_given = provider is not None
        self._lock = threading.RLock()
        self._closed = threading.Event()
        self._seen: Any = None  # what the list showed last: (counts, first page)
        self._draft_key = new_key()
        self.header = DashboardHeader("Inbox", t)
        self.intro = W.HTML()
        self.status = _tag("status", StatusLine())
        self.filters = _tag(
            "filters", W.ToggleButtons(options=[("", "all")], style={"button_width": "auto"})
        )
        self.campaign = _tag(
            "campaign", W.Dropdown(options=[("", "")], layout=W.Layout(width="320px"))
        )
        self.threads = _tag("threads", W.Select(options=[], rows=14, layout=W.Layout(width="100%")))
        self.empty = _tag("empty", W.HTML())
        self.thread_html = _tag("conversation", W.HTML())
        self.consent_html = _tag("consent-panel", W.HTML())
        self.reason = _tag("reason", W.Text(layout=W.Layout(width="320px")))
        self.apply_button = _tag("apply", W.Button(button_style="danger", layout=_auto()))
        self.dismiss_button = _tag("dismiss", W.Button(layout=_auto()))
        self.review_box = W.HBox([self.reason, self.dismiss_button, self.apply_button])
        self.teammate = _tag("teammate", W.Text(layout=W.Layout(width="200px")))
        self.assign_button = _tag("assign", W.Button(layout=_auto()))
        self.mine_button = _tag("assign-me", W.Button(layout=_auto()))
        self.done_button = _tag("done", W.Button(layout=_auto()))
        self.quick_replies = QuickReplyControls(self.inbox, self.reply_to_thread)
        q = self.quick_replies  # its widgets, by the names the tests and the page use
        self.quick, self.quick_button, self.quick_delete = q.choice, q.insert, q.delete
        self.quick_name, self.quick_language, self.quick_save = q.name, q.language, q.save
        self.quick_feedback = q.feedback
        self.sender = _tag("sender", W.Dropdown(options=[], layout=W.Layout(width="320px")))
        self.reply = _tag(
            "reply",
            W.Textarea(layout=W.Layout(width="100%", height="80px"), continuous_update=True),
        )
        self.check_html = _tag("check-panel", W.HTML())
        self.schedule = _tag("schedule", W.Checkbox(value=False, indent=False))
        self.send_button = _tag("send", W.Button(button_style="primary", layout=_auto()))
        self.confirm_button = _tag("confirm-optout", W.Button(layout=_auto()))
        self.result_html = _tag("result", W.HTML())
        self.thread_panel = W.VBox(
            [
                self.thread_html,
                self.consent_html,
                self.review_box,
                W.HBox([self.teammate, self.assign_button, self.mine_button, self.done_button]),
                q.pick_row,
                q.save_row,
                q.feedback,  # beside the quick reply controls, above the reply box
                self.sender,
                self.reply,
                self.check_html,
                W.HBox([self.schedule, self.send_button, self.confirm_button]),
                self.result_html,
            ],
            layout=W.Layout(width="60%", padding="0 0 0 12px"),
        )
        list_panel = W.VBox([self.campaign, self.threads, self.empty], layout=W.Layout(width="40%"))
        super().__init__(
            [
                self.header,
                self.intro,
                self.status,
                self.filters,
                W.HBox([list_panel, self.thread_panel], layout=W.Layout(width="100%")),
            ],
            **kwargs,
        )
        self.add_class("smskit-inbox")
        self.filters.observe(self._on_filters_value, names="value")
        self.campaign.observe(self._on_campaign_value, names="value")
        self.threads.observe(self._on_threads_value, names="value")
        self.reply.observe(self._on_reply_value, names="value")
        self.apply_button.on_click(self._on_apply_button_click)
        self.dismiss_button.on_click(self._on_dismiss_button_click)
        self.assign_button.on_click(self._on_assign_button_click)
        self.mine_button.on_click(self._on_mine_button_click)
        self.done_button.on_click(self._on_done_button_click)
        self.sender.observe(self._on_reply_value, names="value")
        self.send_button.on_click(self._on_send_button_click)
        self.confirm_button.on_click(self._on_confirm_button_click)
        self._refresh()
        self.reload()
        self._show_thread_controls()
        on_language_change(self._refresh)
        if self.poll_seconds > 0:
            threading.Thread(target=self._tick_forever, name="smskit-inbox", daemon=True).start()

    # -- reading ------------------------------------------------------------------------------

    def _ensure_provider(self) -> None:
        if self.inbox.provider is None and not self._provider_given:
            from smskit.deployment import default_provider

            with contextlib.suppress(Exception):  # offline: replies queue for the worker
                self.inbox.provider = default_provider()

    def poll(self) -> None:
        """Look once, as the ticker does: new replies and statuses; redraw what changed."""
        self._ensure_provider()
        with self._lock:
            self.inbox.poll()
            self.reload()
            if self.thread_id and self.conversation is not None:
                # New messages, delivery statuses or consent of the open thread: redraw it.
                fresh = self.inbox.open(self.thread_id)
                if (fresh.items, fresh.consent, fresh.thread.version) != (
                    self.conversation.items,
                    self.conversation.consent,
                    self.conversation.thread.version,
                ):
                    self._show(fresh)

    def _tick_forever(self) -> None:
        while not self._closed.wait(max(self.poll_seconds, 0.2)):
            try:
                self.poll()
            except Exception:  # a database or network hiccup: look again next second
                continue

    @shows_errors
    def reload(self, force: bool = False) -> None:
        """Read the filter's first page and the counts; redraw the list when they changed."""
        with self._lock:
            page = self.inbox.threads(self.view, campaign_id=self.campaign.value or None, limit=100)
            seen = (page.counts, page.threads)
            if seen == self._seen and not force:
                return
            self._seen = seen
            options = [(R.thread_label(th, t), th.id) for th in page.threads]
            self.empty.value = (
                ""
                if options
                else "<i>"
                + R.e(
                    t(
                        "Nothing here yet. When customers answer a campaign, their replies "
                        "appear here within a second or two."
                    )
                )
                + "</i>"
            )
            chosen = self.threads.value
            self.threads.unobserve(self._on_threads_value, names="value")
            self.threads.options = options
            ids = [th.id for th in page.threads]
            self.threads.value = chosen if chosen in ids else None
            self.threads.observe(self._on_threads_value, names="value")
            self.filters.unobserve(self._on_filters_value, names="value")
            self.filters.options = R.filter_options(page.counts, t)
            self.filters.value = self.view
            self.filters.observe(self._on_filters_value, names="value")

    def _open(self, thread_id: int) -> None:
        self.thread_id = thread_id
        self._show(self.inbox.open(thread_id))

    def _show(self, conversation: Any) -> None:
        fresh = self.conversation is None or self.conversation.thread.id != conversation.thread.id
        self.conversation = conversation
        senders = list(conversation.senders)
        labels = [
            (t("{number} (this conversation's number)", number=s) if i == 0 else s, s)
            for i, s in enumerate(senders)
        ]
        if fresh or list(self.sender.options) != labels:
            self.sender.unobserve(self._on_reply_value, names="value")
            chosen = self.sender.value
            self.sender.options = labels
            # The thread's own number unless staff chose another one for this same thread.
            self.sender.value = chosen if chosen in senders and not fresh else senders[0]
            self.sender.observe(self._on_reply_value, names="value")
        self.sender.layout.display = None if len(senders) > 1 else "none"
        self.thread_html.value = R.conversation_html(self.conversation, t)
        self.consent_html.value = R.consent_html(self.conversation, t)
        self._show_thread_controls()
        self._check_draft()

    def _show_thread_controls(self) -> None:
        shown = self.conversation is not None
        review = shown and self.conversation.consent.needs_review
        self.thread_panel.layout.display = None if shown else "none"
        self.review_box.layout.display = None if review else "none"

    def _check_draft(self) -> None:
        if not self.thread_id:
            return
        self.check = self.inbox.check(self.thread_id, self.reply.value, sender=self._sender())
        self.check_html.value = R.check_html(self.check, t)
        self.confirm_button.layout.display = None if self.check.confirmation_allowed else "none"

    def reply_to_thread(self) -> tuple[W.Textarea, int]:
        """The reply box and the open thread (for the quick reply controls)."""
        return self.reply, self.thread_id

    def _sender(self) -> str | None:
        return self.sender.value or None

    # -- handlers -----------------------------------------------------------------------------

    @shows_errors
    def _on_filters_value(self, change: dict[str, Any]) -> None:
        self.view = change["new"] or Filter.ALL.value
        if self.view == Filter.CAMPAIGN.value:
            self._campaigns()  # campaigns answered since the page opened, too
        self.campaign.layout.display = None if self.view == Filter.CAMPAIGN.value else "none"
        self.reload(force=True)

    @shows_errors
    def _on_campaign_value(self, _change: dict[str, Any]) -> None:
        self.reload(force=True)

    @shows_errors
    def _on_threads_value(self, change: dict[str, Any]) -> None:
        if change["new"] is None:
            return
        with self._lock:
            self._draft_key = new_key()
            self.result_html.value = ""
            self._open(int(change["new"]))
            self.reload()

    @shows_errors
    def _on_reply_value(self, _change: dict[str, Any]) -> None:
        self._check_draft()

    @shows_errors
    def _on_apply_button_click(self, _button: W.Button) -> None:
        self.inbox.review(self.thread_id, apply=True, reason=self.reason.value)
        self.status.show(t("Applied: the contact is opted out."), "ok")
        self._after_change()

    @shows_errors
    def _on_dismiss_button_click(self, _button: W.Button) -> None:
        self.inbox.review(self.thread_id, apply=False, reason=self.reason.value)
        self.status.show(t("Marked as not a revocation; you can answer now."), "ok")
        self._after_change()

    @shows_errors
    def _on_assign_button_click(self, _button: W.Button) -> None:
        self.inbox.assign(self.thread_id, self.teammate.value)
        self._after_change()

    @shows_errors
    def _on_mine_button_click(self, _button: W.Button) -> None:
        self.inbox.assign(self.thread_id)
        self._after_change()

    @shows_errors
    def _on_done_button_click(self, _button: W.Button) -> None:
        self.inbox.done(self.thread_id)
        self._after_change()

    @shows_errors
    def _on_send_button_click(self, _button: W.Button) -> None:
        if not self.thread_id or self.conversation is None:
            return
        self.send_button.disabled = True
        try:
            result = self.inbox.reply(
                self.thread_id,
                self.reply.value,
                schedule=self.schedule.value,
                key=self._draft_key,
                seen_version=self.conversation.thread.version,
                sender=self._sender(),
            )
        finally:
            self.send_button.disabled = False
        self._show_result(result)

    @shows_errors
    def _on_confirm_button_click(self, _button: W.Button) -> None:
        self._show_result(self.inbox.confirm_opt_out(self.thread_id, key=self._draft_key))

    def _show_result(self, result: Any) -> None:
        ok = result.outcome in (ReplyOutcome.SENT, ReplyOutcome.SCHEDULED, ReplyOutcome.QUEUED)
        colour = "#1e7b34" if ok else "#a4262c"
        self.result_html.value = (
            f'<div class="smskit-inbox-outcome smskit-inbox-outcome-{result.outcome.value}" '
            f'style="color:{colour}">{R.e(render_text(result.text))}</div>'
        )
        if ok:
            self._draft_key = new_key()
            self.reply.value = ""
            self.schedule.value = False
        self._after_change()

    def _after_change(self) -> None:
        with self._lock:
            if self.thread_id:
                self._open(self.thread_id)
            self.reload(force=True)

    # -- language -----------------------------------------------------------------------------

    def _refresh(self) -> None:
        self.intro.value = (
            '<p class="smskit-inbox-intro">'
            + R.e(
                t(
                    "Replies to your campaigns, one conversation per contact. Opted-out contacts "
                    "cannot be answered, a possible request to stop is reviewed first, and replies "
                    "wait for the morning when it is night where the contact is."
                )
            )
            + "</p>"
        )
        self.reason.placeholder = t("Reason (required to dismiss)")
        self.apply_button.description = t("Apply as opt-out")
        self.dismiss_button.description = t("Not a revocation")
        self.teammate.placeholder = t("Teammate")
        self.assign_button.description = t("Assign")
        self.mine_button.description = t("Assign to me")
        self.done_button.description = t("Mark done")
        self.quick_replies.refresh()
        self.sender.description = t("From")
        self.reply.placeholder = t("Type your answer…")
        self.schedule.description = t("Schedule for their morning if it is night there")
        self.send_button.description = t("Send reply")
        self.confirm_button.description = t("Send the one opt-out confirmation")
        self.campaign.description = t("Campaign")
        if self.conversation is not None:
            self._open(self.thread_id)
        self._seen = None
        with contextlib.suppress(Exception):
            self.reload()
        self._campaigns()

    def _campaigns(self) -> None:
        ids = self.inbox.campaigns()
        chosen = self.campaign.value
        self.campaign.options = [("", "")] + [(name, cid) for cid, name in ids]
        self.campaign.value = chosen if chosen in {c for c, _ in ids} else ""
        self.campaign.layout.display = None if self.view == Filter.CAMPAIGN.value else "none"

    def close(self) -> None:
        """Stop the ticker, then close the widget."""
        self._closed.set()
        super().close()
