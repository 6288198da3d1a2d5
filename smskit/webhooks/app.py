"""Twilio webhooks: status callbacks and inbound messages, signature-checked and idempotent.

:func:`create_app` is a Starlette app with two POST routes. Each request must carry a valid
``X-Twilio-Signature`` (HMAC-SHA1 of the URL and the sorted form parameters, keyed with the
account's Auth Token; checked with ``twilio.request_validator.RequestValidator``), else it gets 403.
Behind a proxy or tunnel the URL Twilio signed is the public one, so pass ``public_url``.

Each request is handed to a sink from :mod:`smskit.sending.tracking`, which applies it
idempotently to the store and the consent ledger.

>>> twiml(None)
'<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
"""

from __future__ import annotations

import logging
import os
from datetime import UTC, datetime
from html import escape
from typing import TYPE_CHECKING

from smskit.sending.tracking import (
    InboundMessage,
    LedgerSink,
    MessageSink,
    RepliesInbound,
    StatusUpdate,
)

if TYPE_CHECKING:
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response

    from smskit.providers.credentials import Secret

__all__ = ["app_from_env", "create_app", "inbound_message", "status_update", "twiml"]

log = logging.getLogger("smskit.webhooks")
XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>'
EMPTY_TWIML = f"{XML_DECLARATION}<Response></Response>"
STATUS_PATH = "/twilio/status"
INBOUND_PATH = "/twilio/inbound"


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

    ``auth_token`` (a str or :class:`smskit.providers.credentials.Secret`) is the account's Auth
    Token: Twilio signs webhooks with it even when the API is used with an API key.

    >>> from smskit.sending.tracking import MemoryLog
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
    """The webhook app of a deployment: ``uvicorn --factory smskit.webhooks.app:app_from_env``.

    It signs-checks with ``TWILIO_AUTH_TOKEN`` (or the saved Auth Token), writes to the store of
    ``SMSKIT_DATABASE_URL`` (default: SQLite under ``SMSKIT_HOME``), and takes the URL Twilio calls
    from ``SMSKIT_PUBLIC_URL`` when it sits behind a proxy or tunnel.

    >>> import tempfile; from unittest import mock
    >>> db = f"sqlite:///{tempfile.mkdtemp()}/smskit.db"
    >>> with mock.patch.dict(os.environ, TWILIO_AUTH_TOKEN="0" * 32, SMSKIT_DATABASE_URL=db):
    ...     sorted(route.path for route in app_from_env().routes)
    ['/twilio/inbound', '/twilio/status']
    """
    from smskit.i18n.catalog import LocalizedError
    from smskit.providers.credentials import load
    from smskit.store.database import Store

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
