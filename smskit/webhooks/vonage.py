"""Vonage webhooks: delivery receipts (per part) and inbound messages, signature-checked.

Vonage signs SMS API webhooks with the account's *signature secret*: the fields carry ``sig`` (an
HMAC of the other fields sorted by name, the method chosen in the dashboard) and ``timestamp``
(https://developer.vonage.com/en/getting-started/concepts/signing-messages). The check is the SDK's
own, ``vonage_http_client.Auth.check_signature``. Refused with 403: no or a bad ``sig``, a
``timestamp`` more than five minutes away (a replay of an old request), a ``nonce`` seen before
(a replay of a recent one). Refused with 400 before anything is stored: not a form (POST) or query
(GET), over :data:`smskit.webhooks.fields.MAX_BODY_BYTES`, a repeated key, or a field outside
Vonage's shapes. Answers never repeat what the request sent.

Receipts are per part: a long message has one ``messageId`` per part, all with smskit's message id
as ``client-ref``. The receipt is matched to the message by that reference and the parts' statuses
are folded (:func:`smskit.providers.vonage_convert.combined_status`): delivered when every part is,
failed as soon as one fails. The parts' statuses live in the store
(:mod:`smskit.store.provider_parts`), so the receipts of one message may reach different webhook
processes, or one that restarted in between; only a sink without a store keeps them in memory.
The replay check's nonces are kept there too: a request replayed to another process is refused.
Inbound messages go to the consent ledger like Twilio's, without
``OptOutType`` (Vonage's SMS API leaves keywords to the application); the ledger's confirmation,
if any, is sent through ``send_reply`` (Vonage's webhook answer carries no reply, unlike TwiML).
A long inbound message arrives in parts (``concat``, ``concat-ref``, ``concat-total``,
``concat-part``); they are held (in the store, like the receipts) until the last one is in, so the
ledger reads the whole text, assembled once whichever process receives which part.

>>> sorted(route.path for route in create_vonage_app(object(), "s" * 32).routes)
['/vonage/dlr', '/vonage/inbound']
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from smskit.providers.vonage_codes import receipt_code
from smskit.providers.vonage_convert import combined_status, e164, smskit_status
from smskit.sending.tracking import InboundMessage, RepliesInbound, StatusUpdate
from smskit.webhooks.fields import FORM_TYPE, MAX_BODY_BYTES, Refused, parse_form

if TYPE_CHECKING:
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Route

    from smskit.providers.credentials import Secret

__all__ = ["DLR_PATH", "INBOUND_PATH", "MAX_AGE_SECONDS", "create_vonage_app", "vonage_routes"]

log = logging.getLogger("smskit.webhooks")
DLR_PATH = "/vonage/dlr"
INBOUND_PATH = "/vonage/inbound"
MAX_AGE_SECONDS = 300  # Vonage: reject a signed request whose timestamp is over 5 minutes away
VONAGE_STATUSES = frozenset(
    {"delivered", "expired", "failed", "rejected", "accepted", "buffered", "unknown"}
)
_ID = re.compile(r"[0-9A-Za-z-]{1,64}")
_ADDRESS = re.compile(r"[0-9A-Za-z ]{1,32}")
_DIGITS = re.compile(r"[0-9]{1,12}")
_SIG = re.compile(r"[0-9a-fA-F]{32,128}")
_NONCE = re.compile(r"[0-9A-Za-z-]{1,64}")
MAX_TEXT_CHARS = 1600
MAX_PARTS = 10  # 10 parts of 153 GSM-7 characters: about Twilio's 1,600 characters


def _field(form: Mapping[str, str], name: str, shape: re.Pattern[str], required: bool) -> str:
    value = form.get(name, "")
    if not value:
        if required:
            raise Refused(400, f"missing {name}")
        return ""
    if not shape.fullmatch(value):
        raise Refused(400, f"malformed {name}")
    return value


def _reference(form: Mapping[str, str]) -> str | None:
    ref = form.get("client-ref") or None
    if ref is not None and (len(ref) > 100 or not ref.isprintable()):
        raise Refused(400, "malformed client-ref")
    return ref


class _StoredParts:
    """Per-part statuses and long inbound messages' parts in the store, shared by every process."""

    def __init__(self, store: Any) -> None:
        self._store = store

    def fold(self, key: str, part: str, status: str, parts: int, code: int | None = None) -> str:
        statuses = self._store.record_part_status(key, part, status, code)
        return combined_status(list(statuses), parts)

    def add(self, key: str, part: int, total: int, sid: str, text: str) -> tuple[str, str] | None:
        """The first part's id and the whole text once all ``total`` parts are in, else None."""
        found: tuple[str, str] | None = self._store.add_inbound_part(key, part, total, sid, text)
        return found

    def first_time(self, nonce: str, _now: float) -> bool:
        """True unless any process saw ``nonce`` in the last ``2 * MAX_AGE_SECONDS``."""
        return bool(self._store.first_nonce(nonce, max_age=2 * MAX_AGE_SECONDS))


class _Parts:
    """Per-part statuses in memory, for a sink without a store (a restart forgets them)."""

    def __init__(self, limit: int = 50_000) -> None:
        self._seen: OrderedDict[str, dict[str, str]] = OrderedDict()
        self._limit = limit
        self._lock = threading.Lock()

    def fold(self, key: str, part: str, status: str, parts: int, code: int | None = None) -> str:
        with self._lock:
            statuses = self._seen.setdefault(key, {})
            self._seen.move_to_end(key)
            statuses[part] = status
            while len(self._seen) > self._limit:
                self._seen.popitem(last=False)
            return combined_status(list(statuses.values()), parts)


class _Concatenated:
    """Parts of long inbound messages in memory, for a sink without a store (a restart forgets)."""

    def __init__(self, limit: int = 10_000) -> None:
        self._parts: OrderedDict[str, dict[int, tuple[str, str]]] = OrderedDict()
        self._limit = limit
        self._lock = threading.Lock()

    def add(self, key: str, part: int, total: int, sid: str, text: str) -> tuple[str, str] | None:
        """The first part's id and the whole text once all ``total`` parts are in, else None."""
        with self._lock:
            parts = self._parts.setdefault(key, {})
            parts[part] = (sid, text)
            while len(self._parts) > self._limit:
                self._parts.popitem(last=False)
            if len(parts) < total:
                return None
            del self._parts[key]
        return parts[1][0], "".join(parts[n][1] for n in sorted(parts))


class _Nonces:
    """Nonces of the last ``MAX_AGE_SECONDS``: a request seen twice is a replay."""

    def __init__(self) -> None:
        self._seen: OrderedDict[str, float] = OrderedDict()
        self._lock = threading.Lock()

    def first_time(self, nonce: str, now: float) -> bool:
        with self._lock:
            while self._seen and next(iter(self._seen.values())) < now - 2 * MAX_AGE_SECONDS:
                self._seen.popitem(last=False)
            if nonce in self._seen:
                return False
            self._seen[nonce] = now
            return True


def vonage_routes(
    sink: Any,
    signature_secret: str | Secret,
    *,
    api_key: str | None = None,
    signature_method: str = "sha256",
    send_reply: Callable[[str, str, str], object] | None = None,
    clock: Callable[[], float] = time.time,
    dlr_path: str = DLR_PATH,
    inbound_path: str = INBOUND_PATH,
) -> list[Route]:
    """Starlette routes for Vonage's delivery receipts and inbound messages into ``sink``.

    ``signature_secret`` and ``signature_method`` are the dashboard's; ``api_key``, when given,
    must match the webhook's ``api-key``. ``send_reply(to, from_, text)`` sends the consent
    ledger's confirmation (e.g. ``VonageProvider.send``); without it none is sent.
    """
    from starlette.concurrency import run_in_threadpool
    from starlette.requests import ClientDisconnect
    from starlette.responses import Response
    from starlette.routing import Route
    from vonage_http_client import Auth

    secret = signature_secret if isinstance(signature_secret, str) else signature_secret.reveal()
    # The SDK's Auth wants an API key beside a signature secret; only the secret signs.
    checker = Auth(
        api_key=api_key or "smskit", signature_secret=secret, signature_method=signature_method
    )
    del secret
    # A LedgerSink carries its store; a Store may be the sink itself (message log only).
    store = getattr(sink, "store", None) or (sink if hasattr(sink, "record_part_status") else None)
    stored = _StoredParts(store) if store is not None else None
    parts: _StoredParts | _Parts = stored or _Parts()
    concatenated: _StoredParts | _Concatenated = stored or _Concatenated()
    nonces: _StoredParts | _Nonces = stored or _Nonces()

    async def fields(request: Request) -> dict[str, str]:
        if request.method == "GET":
            raw = request.scope.get("query_string", b"")
            body = bytes(raw)
        else:
            media = request.headers.get("content-type", "").partition(";")[0].strip().lower()
            if media != FORM_TYPE:
                raise Refused(400, f"expected {FORM_TYPE}")
            chunks = bytearray()
            try:
                async for chunk in request.stream():
                    chunks += chunk
                    if len(chunks) > MAX_BODY_BYTES:
                        raise Refused(400, "request body too large")
            except ClientDisconnect:
                raise Refused(400, "incomplete request body") from None
            body = bytes(chunks)
        if len(body) > MAX_BODY_BYTES:
            raise Refused(400, "request body too large")
        try:
            form = parse_form(body)
        except ValueError:
            raise Refused(400, "malformed form body") from None
        if not _SIG.fullmatch(form.get("sig", "")):
            raise Refused(403, "invalid signature")
        stamp = form.get("timestamp", "")
        if not _DIGITS.fullmatch(stamp) or abs(clock() - int(stamp)) > MAX_AGE_SECONDS:
            raise Refused(403, "invalid signature")
        if not checker.check_signature(dict(form)):
            raise Refused(403, "invalid signature")
        if api_key is not None and form.get("api-key") != api_key:
            raise Refused(403, "invalid signature")
        nonce = _field(form, "nonce", _NONCE, required=False)
        if nonce and not await run_in_threadpool(nonces.first_time, nonce, clock()):
            raise Refused(403, "replayed request")
        return form

    def refuse(error: Refused, path: str) -> Response:
        log.warning("refused a webhook on %s (%d): %s", path, error.status, error.reason)
        return Response(error.reason, status_code=error.status, media_type="text/plain")

    def update_from(form: Mapping[str, str]) -> StatusUpdate:
        part = _field(form, "messageId", _ID, required=True)
        status = form.get("status", "")
        if status not in VONAGE_STATUSES:
            raise Refused(400, "unknown status")
        err = _field(form, "err-code", _DIGITS, required=False)
        ref = _reference(form)
        ours = smskit_status(status)
        code = receipt_code(int(err)) if err and int(err) and ours != "delivered" else None
        to = e164(_field(form, "msisdn", _ADDRESS, required=False)) or None
        from_ = e164(_field(form, "to", _ADDRESS, required=False)) or None
        sid, count = part, 1
        logged = store.get_message(ref) if store is not None and ref else None
        if logged is not None and logged.sid:
            sid, count = logged.sid, logged.segments or 1
        if count > 1:
            ours = parts.fold(ref or sid, part, ours, count, code)
        return StatusUpdate(sid, ours, code, to, from_, datetime.now(UTC))

    def inbound_from(form: Mapping[str, str]) -> InboundMessage | None:
        sid = _field(form, "messageId", _ID, required=True)
        from_ = e164(_field(form, "msisdn", _ADDRESS, required=True))
        to = e164(_field(form, "to", _ADDRESS, required=True))
        text = form.get("text", "")
        if len(text) > MAX_TEXT_CHARS:
            raise Refused(400, "text too long")
        if any((ord(c) < 32 and c not in "\t\n\r") or c == "\x7f" for c in text):
            raise Refused(400, "malformed text")
        if form.get("concat", "").lower() == "true":
            # A long message arrives in parts (concat-ref, concat-total, concat-part): the consent
            # ledger reads the whole text once the last part is in (a STOP may be in part 2).
            ref = _field(form, "concat-ref", _NONCE, required=True)
            total = int(_field(form, "concat-total", _DIGITS, required=True))
            part = int(_field(form, "concat-part", _DIGITS, required=True))
            if not 2 <= total <= MAX_PARTS or not 1 <= part <= total:
                raise Refused(400, "malformed concat-part")
            whole = concatenated.add(f"{from_}|{to}|{ref}", part, total, sid, text)
            if whole is None:
                return None
            sid, text = whole
        return InboundMessage(sid, from_, to, text, None, datetime.now(UTC))

    async def on_dlr(request: Request) -> Response:
        try:
            # The store is read and written here (the parts): off the event loop.
            update = await run_in_threadpool(update_from, await fields(request))
        except Refused as error:
            return refuse(error, dlr_path)
        changed = await run_in_threadpool(sink.apply_status, update)
        log.info("vonage receipt %s -> %s (%s)", update.sid, update.status, changed)
        return Response(status_code=204)

    async def on_inbound(request: Request) -> Response:
        try:
            message = await run_in_threadpool(inbound_from, await fields(request))
        except Refused as error:
            return refuse(error, inbound_path)
        if message is None:  # one part of a longer message: kept until the rest arrives
            return Response(status_code=204)
        new = await run_in_threadpool(sink.record_inbound, message)
        reply = sink.reply_for(message.sid) if isinstance(sink, RepliesInbound) else None
        if new and reply and send_reply is not None:
            try:
                await run_in_threadpool(send_reply, message.from_, message.to, reply)
            except Exception as error:  # the inbound message is stored; the reply is best effort
                log.warning("vonage reply failed: %s", type(error).__name__)
        return Response(status_code=204)

    return [
        Route(dlr_path, on_dlr, methods=["POST", "GET"]),
        Route(inbound_path, on_inbound, methods=["POST", "GET"]),
    ]


def create_vonage_app(sink: Any, signature_secret: str | Secret, **options: Any) -> Starlette:
    """A Starlette app with only Vonage's two routes (options as :func:`vonage_routes`).

    >>> from smskit.sending.tracking import MemoryLog
    >>> len(create_vonage_app(MemoryLog(), "s" * 32, api_key="abcd1234").routes)
    2
    """
    from starlette.applications import Starlette

    return Starlette(routes=vonage_routes(sink, signature_secret, **options))
