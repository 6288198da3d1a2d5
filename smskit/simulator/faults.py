"""API limits and injected faults, as an ASGI middleware in front of the Twilio routes.

Twilio answers 429 with error 20429 when an account makes too many requests at once or too fast
(facts B3); the simulator does the same, with a Retry-After header. For reliability tests it can
also answer a chosen share of requests with 500 / 503 / 429, delay them, or create a message and
then drop the connection without an answer, so a client cannot tell whether the send happened.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections import defaultdict
from typing import Any

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from smskit.simulator.lifecycle import Engine
from smskit.simulator.web import ApiError

VONAGE_PREFIXES = ("/sms/", "/account/", "/number/", "/v2/reports/")
API_PREFIXES = ("/2010-04-01/", "/v1/", *VONAGE_PREFIXES)
# Vonage's HTTP answers to the same faults: RFC 7807 bodies; a throttled SMS submission is HTTP 200
# with status "1" (https://developer.vonage.com/en/messaging/sms/guides/troubleshooting-sms).
_VONAGE_TITLES = {
    20500: (500, "Internal Error"),
    20503: (503, "Service Unavailable"),
    20429: (429, "Throttled"),
}


class FaultsAndLimits:
    """ASGI middleware: per-account request limits, then injected faults, then the app."""

    def __init__(self, app: ASGIApp, engine: Engine) -> None:
        self.app = app
        self.engine = engine
        self._active: defaultdict[str, int] = defaultdict(int)
        self._buckets: dict[str, tuple[float, float]] = {}  # key -> (tokens, last refill time)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            self.engine.last_request = time.monotonic()
        if scope["type"] != "http" or not str(scope["path"]).startswith(API_PREFIXES):
            await self.app(scope, receive, send)
            return
        config = self.engine.config
        key = _client_key(scope)
        if self._active[key] >= config.api_concurrency or not self._take_token(
            key, config.api_rate
        ):
            if str(scope["path"]) == "/sms/json":  # Vonage: HTTP 200, status "1" Throttled
                throttled = {
                    "message-count": "1",
                    "messages": [{"status": "1", "error-text": "Throttled"}],
                }
                await JSONResponse(throttled)(scope, receive, send)
                return
            await self._error(scope, receive, send, 20429, "Too Many Requests")
            return
        self._active[key] += 1
        try:
            if self.engine.chance(config.fault_slow):
                await asyncio.sleep(config.slow_seconds)
            draw = self.engine.draw()
            if draw < config.fault_500:
                await self._error(scope, receive, send, 20500, "Internal Server Error (injected)")
            elif draw < config.fault_500 + config.fault_503:
                await self._error(scope, receive, send, 20503, "Service Unavailable (injected)")
            elif draw < config.fault_500 + config.fault_503 + config.fault_429:
                await self._error(scope, receive, send, 20429, "Too Many Requests (injected)")
            elif _is_create(scope) and self.engine.chance(config.fault_drop):
                await self._drop_after_create(scope, receive, send)
            else:
                await self.app(scope, receive, send)
        finally:
            self._active[key] -= 1

    def _take_token(self, key: str, rate: float | None) -> bool:
        if rate is None:
            return True
        now = time.monotonic()
        tokens, last = self._buckets.get(key, (rate, now))
        tokens = min(rate, tokens + (now - last) * rate)  # bucket holds one second's worth
        if tokens < 1.0:
            self._buckets[key] = (tokens, now)
            return False
        self._buckets[key] = (tokens - 1.0, now)
        return True

    async def _error(
        self, scope: Scope, receive: Receive, send: Send, code: int, text: str
    ) -> None:
        headers = {"Retry-After": str(self.engine.config.retry_after)} if code == 20429 else None
        if str(scope["path"]).startswith(VONAGE_PREFIXES):
            status, title = _VONAGE_TITLES[code]
            body = {
                "type": "https://developer.vonage.com/api-errors#"
                + title.lower().replace(" ", "-"),
                "title": title,
                "detail": text,
                "instance": str(uuid.uuid4()),
            }
            await JSONResponse(body, status, headers)(scope, receive, send)
            return
        await ApiError(code, text, headers).response()(scope, receive, send)

    async def _drop_after_create(self, scope: Scope, receive: Receive, send: Send) -> None:
        held: list[Message] = []

        async def hold(message: Message) -> None:
            held.append(message)

        await self.app(scope, receive, hold)
        created = bool(held) and held[0].get("status") in (200, 201)
        transport: Any = getattr(getattr(send, "__self__", None), "transport", None)
        if not created or transport is None:
            for message in held:  # a refusal (4xx) is answered normally; only a created send drops
                await send(message)
            return
        # uvicorn's send is a bound method of its request cycle, which owns the socket: closing it
        # before any byte of the answer leaves the client with "connection closed without response".
        transport.close()
        await asyncio.sleep(0)


def _client_key(scope: Scope) -> str:
    parts = str(scope["path"]).split("/")
    if len(parts) > 3 and parts[2] == "Accounts":
        return parts[3]
    for name, value in scope.get("headers", []):
        if name == b"authorization":
            return str(value.decode("latin-1"))[-16:]
    return "anonymous"


def _is_create(scope: Scope) -> bool:
    path = str(scope["path"])
    return scope["method"] == "POST" and (path.endswith("/Messages.json") or path == "/sms/json")
