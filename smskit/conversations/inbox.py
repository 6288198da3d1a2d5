"""The shared Inbox: threads per contact, filters, reads, assignment, review and replies.

:class:`Inbox` is what the dashboard calls and what a notebook uses::

    from smskit import Inbox
    inbox = Inbox(provider=provider)          # the store of SMSKIT_DATABASE_URL / SMSKIT_HOME
    page = inbox.threads("needs_reply")
    conversation = inbox.open(page.threads[0].id)
    inbox.reply(conversation.thread.id, "We open at 9.", seen_version=conversation.thread.version)

"Assigned to me", what is unread, and every reply's author are ``actor``: by default who is signed
in to JupyterHub, else the operating-system user (:func:`smskit.team.actor.current_actor_name`).
Each person has their own read state: a thread Ana has read is still unread for Budi.

>>> from smskit.store.database import Store
>>> inbox = Inbox(Store.open("sqlite://"), actor="ana")
>>> inbox.threads().counts.open, inbox.poll()
(0, 0)
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from smskit.consent.events import ConsentSource, ConsentState
from smskit.consent.ledger import ConsentLedger
from smskit.conversations.checks import check_reply, thread_scopes
from smskit.conversations.ingest import consent_of, ingest, set_consent_flags
from smskit.conversations.model import (
    Conversation,
    Filter,
    InboxCounts,
    ReplyCheck,
    ReplyResult,
    ThreadPage,
    ThreadSummary,
)
from smskit.conversations.quick_replies import (
    QuickReply,
    delete_quick_reply,
    list_quick_replies,
    render_quick_reply,
    save_quick_reply,
)
from smskit.conversations.reads import mark_read, mark_unread
from smskit.conversations.replies import send_reply
from smskit.conversations.reply_senders import reply_senders
from smskit.conversations.threads import (
    count_threads,
    get_thread,
    list_threads,
    open_thread,
    thread_campaigns,
    update_thread,
)
from smskit.i18n.catalog import LocalizedError
from smskit.providers import Provider, ProviderError
from smskit.sending.tracking import LedgerSink, sync
from smskit.store.database import Store
from smskit.team.actor import current_actor_name

__all__ = ["Inbox", "current_actor"]


def current_actor() -> str:
    """The default actor ("assigned to me", reply authors): the Hub user, else the OS user.

    >>> bool(current_actor())
    True
    """
    try:
        return current_actor_name() or "staff"
    except (KeyError, OSError):  # no user name (some containers)
        return "staff"


class Inbox:
    """One person's view of the shared Inbox; see the module docstring."""

    def __init__(
        self,
        store: Store | None = None,
        provider: Provider | None = None,
        *,
        actor: str | None = None,
        ledger: ConsentLedger | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.store = store if store is not None else Store.open()
        self.provider = provider
        self.actor = (actor or current_actor())[:128]
        self.ledger = ledger if ledger is not None else ConsentLedger(self.store)
        self._since = datetime.now(UTC) - timedelta(days=1)
        #: The moment quiet hours are judged at (tests and demos may pin it).
        self.clock = clock or (lambda: datetime.now(UTC))

    # -- arriving messages ---------------------------------------------------------------------

    def refresh(self) -> int:
        """Fold replies stored since the last look into threads; how many were new.

        >>> from smskit.store.database import Store
        >>> Inbox(Store.open("sqlite://"), actor="ana").refresh()
        0
        """
        return ingest(self.store, self.ledger)

    def poll(self) -> int:
        """Without a public URL: read new replies and statuses from the provider, then refresh.

        >>> from smskit.store.database import Store
        >>> Inbox(Store.open("sqlite://"), actor="ana").poll()
        0
        """
        # With a public URL, Twilio posts replies and statuses to the webhook app: no polling.
        if self.provider is not None and not os.environ.get("SMSKIT_PUBLIC_URL"):
            try:
                report = sync(self.provider, LedgerSink(self.store, self.ledger), self._since)
                self._since = report.next_since
            except ProviderError:
                pass  # the network is down: the next poll tries again
        return self.refresh()

    # -- lists and threads ---------------------------------------------------------------------

    def counts(self) -> InboxCounts:
        """My unread messages and the size of each filter.

        >>> from smskit.store.database import Store
        >>> Inbox(Store.open("sqlite://"), actor="ana").counts().unread
        0
        """
        return count_threads(self.store, self.actor)

    def threads(
        self,
        view: Filter | str = Filter.ALL,
        *,
        campaign_id: str | None = None,
        limit: int = 50,
        before: tuple[datetime, int] | None = None,
    ) -> ThreadPage:
        """One page of a filter (all, needs_reply, opted_out, review, mine, campaign, done).

        >>> from smskit.store.database import Store
        >>> Inbox(Store.open("sqlite://"), actor="ana").threads("mine").threads
        ()
        """
        page = list_threads(
            self.store,
            view,
            actor=self.actor,
            campaign_id=campaign_id,
            limit=limit,
            before=before,
        )
        return ThreadPage(page, self.counts())

    def campaigns(self) -> list[tuple[str, str]]:
        """``(id, name)`` of the campaigns the threads answer (for the campaign filter).

        >>> from smskit.store.database import Store
        >>> Inbox(Store.open("sqlite://"), actor="ana").campaigns()
        []
        """
        return thread_campaigns(self.store)

    def thread(self, thread_id: int) -> ThreadSummary:
        """One thread's summary (its version, flags, assignment, my unread)."""
        return get_thread(self.store, thread_id, self.actor)

    def senders(self, thread_id: int) -> tuple[str, ...]:
        """The numbers a reply in this thread may come from; the thread's own number first."""
        return reply_senders(self.store, self.thread(thread_id))

    def open(self, thread_id: int, *, mark_read: bool = True) -> Conversation:
        """A thread with every message in order and the contact's consent; marks it read (for me).

        The consent copy used by the filters is refreshed from the ledger at the same time.
        """
        conversation = open_thread(self.store, self.ledger, thread_id, self.actor)
        t = conversation.thread
        if mark_read and t.unread:
            self.mark_read(thread_id)
        consent = conversation.consent
        if (consent.state, consent.needs_review) != (t.consent_state, t.needs_review):
            update_thread(
                self.store,
                thread_id,
                consent_state=consent.state,
                needs_review=consent.needs_review,
            )
        return conversation

    def mark_read(self, thread_id: int) -> bool:
        """Mark a thread read for me (everything in it now); my teammates keep their own state."""
        return mark_read(self.store, thread_id, self.actor)

    def mark_unread(self, thread_id: int) -> bool:
        """Mark a thread's newest reply unread again, for me."""
        return mark_unread(self.store, thread_id, self.actor)

    def assign(self, thread_id: int, to: str | None = None) -> bool:
        """Assign a thread to a teammate (default: yourself); ``to=""`` unassigns it."""
        who = self.actor if to is None else to.strip()[:128]
        return update_thread(self.store, thread_id, assigned_to=who or None)

    def done(self, thread_id: int, done: bool = True) -> bool:
        """Mark a thread done (it leaves the open lists until the contact writes again)."""
        return update_thread(self.store, thread_id, done=done, needs_reply=not done)

    # -- consent review ------------------------------------------------------------------------

    def review(self, thread_id: int, *, apply: bool, reason: str = "") -> str:
        """Decide a possible revocation: ``apply`` it as an opt-out, or dismiss it with a reason.

        Returns the contact's consent state afterwards. FCC 24-24 asks for a decision within 10
        business days; until then no reply can go.
        """
        t = self.thread(thread_id)
        if not apply and not reason.strip():
            raise LocalizedError("Say why this is not a request to stop (the reason is kept).")
        scopes = self._scopes(t)
        for scope in scopes:
            status = self.ledger.status(t.phone, scope)
            if not status.needs_review:
                continue
            if apply:
                flagged = next(
                    (
                        e.evidence
                        for e in reversed(status.events)
                        if e.action.value == "flag_revocation"
                    ),
                    "",
                )
                evidence = f"{flagged} (reviewed: {reason.strip()})" if reason.strip() else flagged
                self.ledger.record_opt_out(
                    t.phone, scope, ConsentSource.SMS_REPLY, evidence or "reviewed", self.actor
                )
            else:
                self.ledger.dismiss_review(t.phone, scope, reason.strip(), self.actor)
        status = consent_of(self.ledger, t.phone, scopes)
        more: dict[str, Any] = {}
        if status.state is ConsentState.OPTED_OUT:
            more["needs_reply"] = False
        set_consent_flags(self.store, t.phone, t.our_number, status, **more)
        return status.state.value

    def _scopes(self, t: ThreadSummary) -> list[str]:
        return list(dict.fromkeys(thread_scopes(self.store, t)))

    # -- replies -------------------------------------------------------------------------------

    def check(self, thread_id: int, body: str, *, sender: str | None = None) -> ReplyCheck:
        """Segments, cost, encoding advice, and whether the reply may go now (or when).

        ``sender``: one of :meth:`senders` (default: the thread's number); consent is read for it.
        """
        return check_reply(
            self.store, self.ledger, self.thread(thread_id), body, self.clock(), sender
        )

    def reply(
        self,
        thread_id: int,
        body: str,
        *,
        schedule: bool = False,
        key: str | None = None,
        seen_version: int | None = None,
        sender: str | None = None,
    ) -> ReplyResult:
        """Answer a thread, exactly once and only with consent; see :func:`send_reply`.

        ``seen_version``: the thread version you read (``open(...).thread.version``); a reply made
        by someone else since then wins, and yours is not sent. ``sender``: one of
        :meth:`senders` (default: the thread's number).
        """
        t = self.thread(thread_id)
        return send_reply(
            self.store,
            self.ledger,
            self.provider,
            t,
            body,
            actor=self.actor,
            key=key,
            seen_version=seen_version,
            schedule=schedule,
            now=self.clock(),
            sender=sender,
        )

    def confirm_opt_out(self, thread_id: int, *, key: str | None = None) -> ReplyResult:
        """Send the one opt-out confirmation the rules allow (within five minutes, once)."""
        t = self.thread(thread_id)
        return send_reply(
            self.store,
            self.ledger,
            self.provider,
            t,
            "",
            actor=self.actor,
            key=key,
            kind="confirmation",
        )

    # -- quick replies -------------------------------------------------------------------------

    def quick_replies(self, language: str | None = None) -> tuple[QuickReply, ...]:
        """Saved answers (the team's and the built-in ones), in one language or all."""
        return list_quick_replies(self.store, language)

    def save_quick_reply(self, name: str, language: str, body: str) -> QuickReply:
        """Save a quick reply for the team (or replace one you saved); a plain error if the
        name, language or a placeholder is wrong, or a teammate saved that name."""
        return save_quick_reply(self.store, name, language, body, self.actor)

    def delete_quick_reply(self, name: str, language: str) -> bool:
        """Delete a quick reply you saved (built-in ones and teammates' stay)."""
        return delete_quick_reply(self.store, name, language, self.actor)

    def quick_reply_text(
        self, thread_id: int, name: str, language: str = "en", **values: str
    ) -> str:
        """A quick reply filled in for a thread's contact (their name, plus ``values``)."""
        t = self.thread(thread_id)
        found = [q for q in self.quick_replies(language) if q.name == name]
        if not found:
            raise LocalizedError(
                "No quick reply {name!r} in {language}", name=name, language=language
            )
        return render_quick_reply(found[0], {"name": t.name, "phone": t.phone, **values})
