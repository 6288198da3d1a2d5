"""Twilio webhooks: status callbacks and inbound messages, signature-checked and idempotent.

:func:`create_app` is a Starlette app with two POST routes. Each request must carry a valid
``X-Twilio-Signature`` (HMAC-SHA1 of the URL and the sorted form parameters, keyed with the
account's Auth Token; checked with ``twilio.request_validator.RequestValidator``), else it gets 403.

Everything else that is not a Twilio callback gets 400 with a short fixed reason, before anything
is stored (the shapes are in :mod:`smskit.webhooks.fields`): a body that is not
``application/x-www-form-urlencoded`` (Twilio posts forms; facts B5),
over :data:`MAX_BODY_BYTES`, not UTF-8, with a repeated or empty key; and, once the signature holds,
a field out of Twilio's shapes (SIDs are two letters and 32 hex digits, statuses are Twilio's
documented ones, error codes have 5 digits, addresses fit the store, bodies at most 1,600
characters, ``OptOutType`` is STOP, START or HELP). Responses and log lines never repeat what the
request sent, beyond an accepted callback's checked SID and status.

The URL whose signature is checked is never taken from the request's own ``Host``:

- With ``public_url`` (the address Twilio calls, e.g. ``https://hooks.example.org``), only that URL
  plus the route's path counts. :func:`app_from_env` refuses to start without
  ``SMSKIT_PUBLIC_URL``.
- Without it, the URL is the address the server itself listens on (ASGI ``server``), unless the
  immediate peer is one of ``trusted_proxies`` (IP addresses or CIDR networks): only then do its
  ``X-Forwarded-Proto`` and ``X-Forwarded-Host`` (or the ``Host`` it passed on) name the URL.
  uvicorn's own ``--proxy-headers`` rewrites the scheme and peer from ``--forwarded-allow-ips``
  (127.0.0.1 by default) before the app sees them; run it with ``--no-proxy-headers`` to make
  ``trusted_proxies`` the only list, or set the public URL.

Each request is handed to a sink from :mod:`smskit.sending.tracking`, which applies it
idempotently to the store and the consent ledger.

>>> twiml(None)
'<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
"""

from __future__ import annotations

import ipaddress
import logging
import os
import re
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from html import escape
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from smskit.sending.tracking import (
    LedgerSink,
    MessageSink,
    RepliesInbound,
)
from smskit.webhooks.fields import (
    FORM_TYPE,
    MAX_BODY_BYTES,
    Refused,
    inbound_message,
    parse_form,
    status_update,
)

if TYPE_CHECKING:
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response

    from smskit.providers.credentials import Secret

__all__ = [
    "app_from_env",
    "create_app",
    "trusted_networks",
    "twiml",
]

log = logging.getLogger("smskit.webhooks")
XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>'
EMPTY_TWIML = f"{XML_DECLARATION}<Response></Response>"
STATUS_PATH = "/twilio/status"
INBOUND_PATH = "/twilio/inbound"

# A base64 HMAC-SHA1 is 28 characters; HMAC-SHA256 would be 44.
MAX_SIGNATURE_CHARS = 64

_LENGTH = re.compile(r"[0-9]{1,9}")
# A forwarded host: a DNS name or an IP (IPv6 in brackets), and an optional port. Nothing else, so
# that no "/", "@" or "?" can move the checked URL's path or host.
_FORWARDED_HOST = re.compile(
    r"(?P<host>[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?|\[[0-9A-Fa-f:.]{2,45}\])"
    r"(?::(?P<port>[0-9]{1,5}))?"
)

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def twiml(reply: str | None) -> str:
    """A TwiML response: empty, or one ``<Message>`` with the (escaped) reply.

    >>> twiml("Reply STOP & save").removeprefix(XML_DECLARATION)
    '<Response><Message>Reply STOP &amp; save</Message></Response>'
    """
    if not reply:
        return EMPTY_TWIML
    return f"{XML_DECLARATION}<Response><Message>{escape(reply)}</Message></Response>"


def trusted_networks(proxies: str | Iterable[str] | None) -> tuple[Network, ...]:
    """The networks of ``proxies``: IPs or CIDRs, in a list or comma-separated; ValueError if bad.

    >>> trusted_networks("10.0.0.0/8, 192.0.2.7")
    (IPv4Network('10.0.0.0/8'), IPv4Network('192.0.2.7/32'))
    >>> trusted_networks(None)
    ()
    """
    if proxies is None:
        return ()
    items = proxies.split(",") if isinstance(proxies, str) else list(proxies)
    return tuple(ipaddress.ip_network(item.strip(), strict=False) for item in items if item.strip())


def _public_base(url: str) -> str:
    """``url`` without a trailing slash if it is an http(s) URL with a host, else ValueError."""
    parts = urlsplit(url.strip())
    _ = parts.port  # ValueError if the port is out of range
    if (
        parts.scheme not in ("http", "https")
        or not parts.hostname
        or parts.username is not None
        or parts.query
        or parts.fragment
    ):
        raise ValueError("public_url must be an http(s) URL without query or fragment")
    return url.strip().rstrip("/")


def _netloc(host: str, port: int | None, scheme: str) -> str:
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    default = 443 if scheme == "https" else 80
    return host if port in (None, default) else f"{host}:{port}"


def _last(value: str) -> str:
    # A proxy appends to a list: the last item is what the immediate (trusted) one saw.
    return value.rsplit(",", 1)[-1].strip()


def create_app(
    auth_token: str | Secret,
    sink: MessageSink,
    *,
    public_url: str | None = None,
    trusted_proxies: str | Iterable[str] | None = None,
    status_path: str = STATUS_PATH,
    inbound_path: str = INBOUND_PATH,
    extra_routes: Iterable[Any] = (),
) -> Starlette:
    """A Starlette app receiving Twilio's status callbacks and inbound messages for ``sink``.

    ``auth_token`` (a str or :class:`smskit.providers.credentials.Secret`) is the account's Auth
    Token: Twilio signs webhooks with it even when the API is used with an API key.
    ``public_url`` is the address Twilio calls; without it, the server's own address is checked,
    or the forwarded one when the peer is in ``trusted_proxies`` (see the module's docstring).
    ``extra_routes`` are served beside them (Vonage's: see :mod:`smskit.webhooks.vonage`).

    >>> from smskit.sending.tracking import MemoryLog
    >>> app = create_app("0" * 32, MemoryLog(), public_url="https://example.org/hooks")
    >>> sorted(route.path for route in app.routes)
    ['/health', '/twilio/inbound', '/twilio/status']
    >>> _ = create_app("0" * 32, MemoryLog(), trusted_proxies="10.0.0.0/8")
    """
    from starlette.applications import Starlette
    from starlette.concurrency import run_in_threadpool
    from starlette.requests import ClientDisconnect
    from starlette.responses import Response
    from starlette.routing import Route
    from twilio.request_validator import RequestValidator

    token = auth_token if isinstance(auth_token, str) else auth_token.reveal()
    validator = RequestValidator(token)
    del token
    base = _public_base(public_url) if public_url is not None else None
    proxies = trusted_networks(trusted_proxies)

    def refuse(error: Refused, path: str) -> Response:
        log.warning("refused a webhook on %s (%d): %s", path, error.status, error.reason)
        return Response(error.reason, status_code=error.status, media_type="text/plain")

    def is_trusted(scope: Mapping[str, Any]) -> bool:
        client = scope.get("client")
        if not proxies or not client:
            return False
        try:
            peer = ipaddress.ip_address(str(client[0]))
        except ValueError:
            return False
        if isinstance(peer, ipaddress.IPv6Address) and peer.ipv4_mapped is not None:
            peer = peer.ipv4_mapped
        return any(peer in network for network in proxies)

    def checked_url(request: Request) -> str:
        # Twilio signs the URL it called (facts B5). Never the request's own Host: a signature made
        # for another app of the same account would pass with that app's Host.
        scope = request.scope
        try:
            path = str(scope["path"])
            query = bytes(scope.get("query_string", b"")).decode("ascii")
        except UnicodeDecodeError:
            raise Refused(400, "malformed URL") from None
        tail = f"{path}?{query}" if query else path
        if base is not None:
            return base + tail
        scheme = str(scope.get("scheme", "http"))
        server = scope.get("server")
        netloc = _netloc(str(server[0]), server[1], scheme) if server else None
        if is_trusted(scope):
            headers = request.headers
            proto = _last(headers.get("x-forwarded-proto", "")).lower() or scheme
            host = _last(headers.get("x-forwarded-host", "")) or headers.get("host", "")
            named = _FORWARDED_HOST.fullmatch(host)
            port = int(named["port"]) if named and named["port"] else None
            if (
                proto not in ("http", "https")
                or not named
                or (port is not None and not 0 < port < 65536)
            ):
                raise Refused(400, "malformed forwarded headers")
            scheme, netloc = proto, _netloc(named["host"], port, proto)
        if netloc is None:
            raise Refused(403, "invalid signature")
        return f"{scheme}://{netloc}{tail}"

    async def read_body(request: Request) -> bytes:
        media, _, parameters = request.headers.get("content-type", "").partition(";")
        if media.strip().lower() != FORM_TYPE:
            raise Refused(400, f"expected {FORM_TYPE}")
        for parameter in parameters.split(";"):
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "charset" and value.strip(' "').lower() not in (
                "utf-8",
                "utf8",
            ):
                raise Refused(400, "expected UTF-8")
        length = request.headers.get("content-length")
        # Checked as text first: int() of thousands of digits raises (Python's 4300-digit limit).
        if length is not None and not (_LENGTH.fullmatch(length) and int(length) <= MAX_BODY_BYTES):
            raise Refused(400, "request body too large")
        body = bytearray()
        try:
            async for chunk in request.stream():
                body += chunk
                if len(body) > MAX_BODY_BYTES:
                    raise Refused(400, "request body too large")
        except ClientDisconnect:
            raise Refused(400, "incomplete request body") from None
        return bytes(body)

    async def verified_form(request: Request) -> dict[str, str]:
        """The signed form fields, or :class:`Refused` (403 bad signature, 400 malformed)."""
        signature = request.headers.get("X-Twilio-Signature", "")
        if not signature or len(signature) > MAX_SIGNATURE_CHARS or not signature.isascii():
            raise Refused(403, "invalid signature")
        body = await read_body(request)
        try:
            form = parse_form(body)
        except ValueError:  # UnicodeDecodeError included
            raise Refused(400, "malformed form body") from None
        url = checked_url(request)
        try:
            valid = validator.validate(url, form, signature)
        except ValueError:  # e.g. a port urllib cannot read
            valid = False
        if not valid:
            raise Refused(403, "invalid signature")
        return form

    async def on_status(request: Request) -> Response:
        try:
            form = await verified_form(request)
            try:
                update = status_update(form)
            except ValueError as error:  # fixed reasons: they repeat no value
                raise Refused(400, str(error)) from None
        except Refused as error:
            return refuse(error, status_path)
        # The sink writes to the store: in a worker thread, so one slow commit never holds up the
        # event loop and with it every other callback arriving at the same moment.
        changed = await run_in_threadpool(sink.apply_status, update)
        log.info(
            "status %s -> %s (%s)", update.sid, update.status, "applied" if changed else "kept"
        )
        return Response(status_code=204)

    async def on_inbound(request: Request) -> Response:
        try:
            form = await verified_form(request)
            try:
                message = inbound_message(form, datetime.now(UTC))
            except ValueError as error:
                raise Refused(400, str(error)) from None
        except Refused as error:
            return refuse(error, inbound_path)
        await run_in_threadpool(sink.record_inbound, message)
        reply = sink.reply_for(message.sid) if isinstance(sink, RepliesInbound) else None
        if message.opt_out_type:
            # Twilio's own keyword handling already answered STOP/START/HELP: one confirmation
            # only (FCC 24-24; Spoke#2184 asks for no second one).
            reply = None
        return Response(twiml(reply), media_type="text/xml")

    async def health(_request: Request) -> Response:
        # For the Hub, a load balancer or a monitor: the app is up (it says nothing else).
        return Response("ok", media_type="text/plain")

    return Starlette(
        routes=[
            Route(status_path, on_status, methods=["POST"]),
            Route(inbound_path, on_inbound, methods=["POST"]),
            Route("/health", health, methods=["GET"]),
            *extra_routes,
        ]
    )


def app_from_env() -> Starlette:
    """The webhook app of a deployment: ``uvicorn --factory smskit.webhooks.app:app_from_env``.

    It signs-checks with ``TWILIO_AUTH_TOKEN`` (or the saved Auth Token) against
    ``SMSKIT_PUBLIC_URL``, the address Twilio calls, which it needs: a URL taken from the request's
    headers would accept signatures made for another app. It writes to the store of
    ``SMSKIT_DATABASE_URL`` (default: SQLite under ``SMSKIT_HOME``).

    >>> import tempfile; from unittest import mock
    >>> db = f"sqlite:///{tempfile.mkdtemp()}/smskit.db"
    >>> env = dict(TWILIO_AUTH_TOKEN="0" * 32, SMSKIT_DATABASE_URL=db,
    ...            SMSKIT_PUBLIC_URL="https://hooks.example.org")
    >>> with mock.patch.dict(os.environ, env):
    ...     sorted(route.path for route in app_from_env().routes)
    ['/health', '/twilio/inbound', '/twilio/status']
    """
    from smskit.conversations.sink import InboxSink
    from smskit.i18n.catalog import LocalizedError
    from smskit.providers.credentials import load
    from smskit.store.database import Store

    sink = InboxSink(Store.open())  # consent, the message log, and the Inbox's threads
    vonage = _vonage_routes_from_env(sink)
    token: str | Secret | None = os.environ.get("TWILIO_AUTH_TOKEN") or None
    if token is None:
        saved = load()
        token = saved.secret if saved is not None and not saved.uses_api_key else None
    if token is None and vonage:  # a Vonage-only deployment: Vonage signs with its own secret
        from starlette.applications import Starlette

        return Starlette(routes=vonage)
    if token is None:
        raise LocalizedError(
            "Webhooks need the account's Auth Token (TWILIO_AUTH_TOKEN): Twilio signs with it."
        )
    try:
        public_url = _public_base(os.environ.get("SMSKIT_PUBLIC_URL", ""))
    except ValueError:
        raise LocalizedError(
            "Webhooks need SMSKIT_PUBLIC_URL, the http(s) address Twilio calls "
            "(e.g. https://hooks.example.org): signatures are checked against it."
        ) from None
    return create_app(token, sink, public_url=public_url, extra_routes=vonage)


def _vonage_routes_from_env(sink: LedgerSink) -> list[Any]:
    """Vonage's routes when ``VONAGE_SIGNATURE_SECRET`` is set (with VONAGE_API_KEY/SECRET, the
    consent ledger's confirmations are sent back through Vonage); none otherwise."""
    secret = os.environ.get("VONAGE_SIGNATURE_SECRET")
    if not secret:
        return []
    from smskit.i18n.catalog import LocalizedError
    from smskit.providers.vonage_credentials import METHODS, SIGNATURE_SECRET, vonage_from_env
    from smskit.webhooks.vonage import vonage_routes

    creds = vonage_from_env()
    if creds is None:  # no API key and secret: check the secret's shape, send no replies
        method = os.environ.get("VONAGE_SIGNATURE_METHOD", "sha256").strip().lower()
        if not SIGNATURE_SECRET.fullmatch(secret.strip()) or method not in METHODS:
            raise LocalizedError(
                "VONAGE_SIGNATURE_SECRET or VONAGE_SIGNATURE_METHOD is malformed: copy them from "
                "the Vonage dashboard's API settings."
            )
        return vonage_routes(sink, secret.strip(), signature_method=method)
    from smskit.providers.vonage import VonageProvider

    provider = VonageProvider.from_credentials(creds)

    def reply(to: str, from_: str, text: str) -> object:
        return provider.send(to, text, from_=from_)

    assert creds.signature_secret is not None  # VONAGE_SIGNATURE_SECRET is set
    return vonage_routes(
        sink,
        creds.signature_secret,
        api_key=creds.api_key,
        signature_method=creds.signature_method,
        send_reply=reply,
    )
