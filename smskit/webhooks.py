"""Twilio webhooks: status callbacks and inbound messages, signature-checked and idempotent.

:func:`create_app` is a Starlette app with two POST routes. Each request must carry a valid
``X-Twilio-Signature`` (HMAC-SHA1 of the URL and the sorted form parameters, keyed with the
account's Auth Token; checked with ``twilio.request_validator.RequestValidator``), else it gets 403.
Behind a proxy or tunnel the URL Twilio signed is the public one, so pass ``public_url``.

Twilio retries callbacks and may deliver them out of order, so every update is idempotent: a
duplicate changes nothing and a status never moves backwards (delivered stays delivered when a
late "sent" arrives). Without a public URL, :func:`sync` makes the same updates by polling the
Messages API.

>>> log = MemoryLog()
>>> log.apply_status(StatusUpdate("SM" + "0" * 32, "delivered"))
True
>>> log.apply_status(StatusUpdate("SM" + "0" * 32, "sent"))
False
>>> log.status("SM" + "0" * 32)
'delivered'
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from html import escape
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from smskit.providers import MessageRecord, Provider, later_status

if TYPE_CHECKING:
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response

    from smskit.consent import ConsentLedger
    from smskit.credentials import Secret
    from smskit.store import Store

__all__ = [
    "InboundMessage",
    "LedgerSink",
    "MemoryLog",
    "MessageSink",
    "StatusUpdate",
    "SyncReport",
    "app_from_env",
    "create_app",
    "sync",
]

log = logging.getLogger("smskit.webhooks")
XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>'
EMPTY_TWIML = f"{XML_DECLARATION}<Response></Response>"
STATUS_PATH = "/twilio/status"
INBOUND_PATH = "/twilio/inbound"


@dataclass(frozen=True, slots=True)
class StatusUpdate:
    """A delivery status report for one outbound message (``MessageStatus`` callback fields)."""

    sid: str
    status: str
    error_code: int | None = None
    to: str | None = None
    from_: str | None = None
    at: datetime | None = None


@dataclass(frozen=True, slots=True)
class InboundMessage:
    """A message a recipient sent to one of our numbers; ``opt_out_type`` is Twilio's ``OptOutType``
    (STOP, START or HELP) when Twilio's default keyword handling recognised it."""

    sid: str
    from_: str
    to: str
    body: str
    opt_out_type: str | None = None
    at: datetime | None = None


class MessageSink(Protocol):
    """Where webhook and sync updates go (the message log and consent ledger)."""

    def apply_status(self, update: StatusUpdate) -> bool:
        """Apply a status update; True if anything changed (False for a duplicate or regression)."""
        ...

    def record_inbound(self, message: InboundMessage) -> bool:
        """Record an inbound message once; True if it was new."""
        ...


@dataclass
class MemoryLog:
    """A thread-safe in-memory sink: statuses by SID and inbound messages, for demos and tests.

    >>> MemoryLog().record_inbound(InboundMessage("SM1", "+15550001", "+15550002", "STOP"))
    True
    """

    statuses: dict[str, str] = field(default_factory=dict)
    error_codes: dict[str, int] = field(default_factory=dict)
    inbound: dict[str, InboundMessage] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def apply_status(self, update: StatusUpdate) -> bool:
        """Keep the later status (:func:`smskit.providers.later_status`); True if it changed."""
        with self._lock:
            current = self.statuses.get(update.sid)
            new = later_status(current, update.status)
            if new == current:
                return False
            self.statuses[update.sid] = new
            if update.error_code is not None:
                self.error_codes[update.sid] = update.error_code
            return True

    def record_inbound(self, message: InboundMessage) -> bool:
        """Store an inbound message by SID; a repeat is ignored."""
        with self._lock:
            if message.sid in self.inbound:
                return False
            self.inbound[message.sid] = message
            return True

    def status(self, sid: str) -> str | None:
        """The current status of ``sid`` (None if never seen)."""
        with self._lock:
            return self.statuses.get(sid)


@runtime_checkable
class RepliesInbound(Protocol):
    """A sink that may want to answer an inbound message itself (a TwiML ``<Message>``)."""

    def reply_for(self, sid: str) -> str | None:
        """The auto-reply decided for inbound message ``sid``, once; None for no reply."""
        ...


class LedgerSink:
    """The deployment sink: the store's message log plus the consent ledger.

    Status reports update the message log (never backwards). An inbound message is stored once per
    SID and passed to :meth:`smskit.consent.ConsentLedger.handle_inbound`, which records STOP,
    START, HELP, localised keywords and possible revocations (FCC 24-18). The consent event is
    written before the inbound row, so a crash in between is repaired by Twilio's retry (an opt-out
    is never lost; a repeated STOP changes nothing). ``scope`` is the consent scope: by default the
    number that received the message, as Twilio scopes opt-outs to the From number.

    >>> from smskit.store import Store
    >>> sink = LedgerSink(Store.open("sqlite://"))
    >>> sink.record_inbound(InboundMessage("SM" + "2" * 32, "+14155550100", "+15005550006", "STOP"))
    True
    >>> sink.ledger.status("+14155550100", "+15005550006").state.value
    'opted_out'
    """

    def __init__(
        self,
        store: Store,
        ledger: ConsentLedger | None = None,
        *,
        scope: str | Callable[[InboundMessage], str] | None = None,
    ) -> None:
        from smskit.consent import ConsentLedger

        self.store = store
        self.ledger = ledger if ledger is not None else ConsentLedger(store)
        self.scope = scope
        self._replies: dict[str, str] = {}
        self._lock = threading.Lock()

    def _scope(self, message: InboundMessage) -> str:
        if self.scope is None:
            return message.to
        return self.scope if isinstance(self.scope, str) else self.scope(message)

    def apply_status(self, update: StatusUpdate) -> bool:
        """Update the message log by SID (:meth:`smskit.store.Store.apply_status`)."""
        return self.store.apply_status(update)

    def record_inbound(self, message: InboundMessage) -> bool:
        """Record consent, then the inbound message, once per SID; True if it was new."""
        known = self.store.list_inbound(from_number=message.from_, limit=500)
        if any(row.sid == message.sid for row in known):
            return False
        reply = None
        try:
            result = self.ledger.handle_inbound(
                message.from_, self._scope(message), message.body, message.at
            )
            reply = result.reply
        except ValueError as error:  # e.g. a sender that is not a phone number: log, keep the row
            log.warning("inbound %s not applied to consent: %s", message.sid, error)
        new = self.store.record_inbound(message)
        if new and reply:
            with self._lock:
                self._replies[message.sid] = reply
        return new

    def reply_for(self, sid: str) -> str | None:
        """The ledger's auto-reply for inbound ``sid`` (handed out once)."""
        with self._lock:
            return self._replies.pop(sid, None)


def twiml(reply: str | None) -> str:
    """A TwiML response: empty, or one ``<Message>`` with the (escaped) reply.

    >>> twiml("Reply STOP & save").removeprefix(XML_DECLARATION)
    '<Response><Message>Reply STOP &amp; save</Message></Response>'
    """
    if not reply:
        return EMPTY_TWIML
    return f"{XML_DECLARATION}<Response><Message>{escape(reply)}</Message></Response>"


def _int(value: str | None) -> int | None:
    return int(value) if value and value.strip().isdigit() else None


def status_update(form: dict[str, str]) -> StatusUpdate:
    """Read a status callback's form fields (``MessageSid``, ``MessageStatus``, ``ErrorCode``).

    >>> status_update({"MessageSid": "SMx", "MessageStatus": "undelivered", "ErrorCode": "30003"})
    StatusUpdate(sid='SMx', status='undelivered', error_code=30003, to=None, from_=None, at=None)
    """
    sid = form.get("MessageSid") or form.get("SmsSid") or ""
    status = form.get("MessageStatus") or form.get("SmsStatus") or ""
    if not sid or not status:
        raise ValueError("status callback without MessageSid or MessageStatus")
    return StatusUpdate(sid, status, _int(form.get("ErrorCode")), form.get("To"), form.get("From"))


def inbound_message(form: dict[str, str], at: datetime | None = None) -> InboundMessage:
    """Read an inbound message's form fields (``MessageSid``, ``From``, ``To``, ``Body``).

    >>> inbound_message({"MessageSid": "SMy", "From": "+1", "To": "+2", "Body": "STOP"}).body
    'STOP'
    """
    sid = form.get("MessageSid") or form.get("SmsSid") or ""
    if not sid or "From" not in form:
        raise ValueError("inbound message without MessageSid or From")
    return InboundMessage(
        sid, form["From"], form.get("To", ""), form.get("Body", ""), form.get("OptOutType"), at
    )


def create_app(
    auth_token: str | Secret,
    sink: MessageSink,
    *,
    public_url: str | None = None,
    status_path: str = STATUS_PATH,
    inbound_path: str = INBOUND_PATH,
) -> Starlette:
    """A Starlette app receiving Twilio's status callbacks and inbound messages for ``sink``.

    ``auth_token`` (a str or :class:`smskit.credentials.Secret`) is the account's Auth Token: Twilio
    signs webhooks with it even when the API is used with an API key.

    >>> app = create_app("0" * 32, MemoryLog(), public_url="https://example.org/hooks")
    >>> sorted(route.path for route in app.routes)
    ['/twilio/inbound', '/twilio/status']
    """
    from starlette.applications import Starlette
    from starlette.responses import Response
    from starlette.routing import Route
    from twilio.request_validator import RequestValidator

    token = auth_token if isinstance(auth_token, str) else auth_token.reveal()
    validator = RequestValidator(token)
    del token
    base = public_url.rstrip("/") if public_url else None

    async def verified_form(request: Request) -> dict[str, str] | None:
        form = await request.form()
        # Twilio signs the URL it called: behind a proxy that is the public one, not ours.
        url = str(request.url)
        if base is not None:
            query = f"?{request.url.query}" if request.url.query else ""
            url = f"{base}{request.url.path}{query}"
        signature = request.headers.get("X-Twilio-Signature", "")
        if not signature or not validator.validate(url, form, signature):
            log.warning("rejected a webhook with a bad signature on %s", request.url.path)
            return None
        return {key: str(value) for key, value in form.items()}

    async def on_status(request: Request) -> Response:
        form = await verified_form(request)
        if form is None:
            return Response("invalid signature", status_code=403)
        try:
            update = status_update(form)
        except ValueError:
            return Response("missing MessageSid or MessageStatus", status_code=400)
        changed = sink.apply_status(update)
        log.info(
            "status %s -> %s (%s)", update.sid, update.status, "applied" if changed else "kept"
        )
        return Response(status_code=204)

    async def on_inbound(request: Request) -> Response:
        form = await verified_form(request)
        if form is None:
            return Response("invalid signature", status_code=403)
        try:
            message = inbound_message(form, datetime.now(UTC))
        except ValueError:
            return Response("missing MessageSid or From", status_code=400)
        sink.record_inbound(message)
        reply = sink.reply_for(message.sid) if isinstance(sink, RepliesInbound) else None
        if message.opt_out_type:
            # Twilio's own keyword handling already answered STOP/START/HELP: one confirmation
            # only (FCC 24-18; Spoke#2184 asks for no second one).
            reply = None
        return Response(twiml(reply), media_type="text/xml")

    return Starlette(
        routes=[
            Route(status_path, on_status, methods=["POST"]),
            Route(inbound_path, on_inbound, methods=["POST"]),
        ]
    )


def app_from_env() -> Starlette:
    """The webhook app of a deployment: ``uvicorn --factory smskit.webhooks:app_from_env``.

    It signs-checks with ``TWILIO_AUTH_TOKEN`` (or the saved Auth Token), writes to the store of
    ``SMSKIT_DATABASE_URL`` (default: SQLite under ``SMSKIT_HOME``), and takes the URL Twilio calls
    from ``SMSKIT_PUBLIC_URL`` when it sits behind a proxy or tunnel.

    >>> import tempfile; from unittest import mock
    >>> db = f"sqlite:///{tempfile.mkdtemp()}/smskit.db"
    >>> with mock.patch.dict(os.environ, TWILIO_AUTH_TOKEN="0" * 32, SMSKIT_DATABASE_URL=db):
    ...     sorted(route.path for route in app_from_env().routes)
    ['/twilio/inbound', '/twilio/status']
    """
    from smskit.credentials import load
    from smskit.i18n import LocalizedError
    from smskit.store import Store

    token: str | Secret | None = os.environ.get("TWILIO_AUTH_TOKEN") or None
    if token is None:
        saved = load()
        token = saved.secret if saved is not None and not saved.uses_api_key else None
    if token is None:
        raise LocalizedError(
            "Webhooks need the account's Auth Token (TWILIO_AUTH_TOKEN): Twilio signs with it."
        )
    sink = LedgerSink(Store.open())
    return create_app(token, sink, public_url=os.environ.get("SMSKIT_PUBLIC_URL") or None)


@dataclass(frozen=True, slots=True)
class SyncReport:
    """What one :func:`sync` pass did; ``next_since`` is where the next pass should start."""

    seen: int
    status_changes: int
    new_inbound: int
    next_since: datetime


def _from_record(record: MessageRecord) -> StatusUpdate | InboundMessage:
    if record.direction == "inbound":
        return InboundMessage(
            record.sid, record.from_ or "", record.to, record.body, None, record.date_sent
        )
    return StatusUpdate(
        record.sid, record.status, record.error_code, record.to, record.from_, record.date_updated
    )


def sync(
    provider: Provider,
    sink: MessageSink,
    since: datetime,
    *,
    overlap: timedelta = timedelta(minutes=5),
    limit: int | None = None,
) -> SyncReport:
    """Poll the Messages API for messages sent since ``since`` and apply them like webhooks would.

    Repeating a pass is harmless (updates are idempotent), so the next ``since`` overlaps the last
    one by ``overlap`` to catch messages whose ``date_sent`` was stamped late. ``sink`` may be the
    :class:`smskit.store.Store` itself (message log only) or a :class:`LedgerSink` (plus consent).
    Replies decided by the ledger are not sent from here: polling has no TwiML answer.

    >>> class NoMessages:
    ...     def list_messages(self, **kwargs): return []
    >>> sync(NoMessages(), MemoryLog(), datetime(2026, 1, 1, tzinfo=UTC)).seen
    0
    """
    records: Sequence[MessageRecord] = provider.list_messages(sent_after=since, limit=limit)
    changes = inbound = 0
    newest = since
    for record in records:
        item = _from_record(record)
        if isinstance(item, InboundMessage):
            inbound += sink.record_inbound(item)
        else:
            changes += sink.apply_status(item)
        if record.date_sent and record.date_sent > newest:
            newest = record.date_sent
    next_since = max(since, newest - overlap)
    return SyncReport(len(records), changes, inbound, next_since)
