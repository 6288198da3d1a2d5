"""Message lifecycle, sender queues and webhooks, run on the simulator's event loop.

A message goes queued (``accepted`` with a Messaging Service, ``scheduled`` with SendAt) -> sending
-> sent -> delivered or undelivered, or sending -> failed. Every change after the starting status is
POSTed to the message's StatusCallback, signed; the starting status is not, as on Twilio
(https://twilio.com/docs/messaging/guides/outbound-message-status-in-status-callbacks).

Each sender has a virtual clock: a message of n segments reserves n / rate seconds of it (Twilio
counts MPS in segments, facts B3), so excess traffic waits; a message that would wait longer than
the queue holds fails with 30001, and one that waited past its ValidityPeriod fails with 30036.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import threading
import time
from collections.abc import Coroutine, Mapping
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx

from smskit.i18n.catalog import LocalizedError
from smskit.simulator import billing, customers, optout, twiml, vonage_hooks
from smskit.simulator.config import SimulatorConfig
from smskit.simulator.render import API_VERSION, ERRORS
from smskit.simulator.signing import signature
from smskit.simulator.state import OwnedNumber, SimMessage, Store, new_sid, utcnow

log = logging.getLogger(__name__)


class Engine:
    """Moves messages through their lifecycle and delivers webhooks; one per simulator."""

    def __init__(self, store: Store, config: SimulatorConfig) -> None:
        self.store = store
        self._config = config
        self._config_lock = threading.Lock()
        self._rng = random.Random(config.seed)
        self._next_free: dict[str, float] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._http: httpx.AsyncClient | None = None
        self.callbacks_failed = 0
        self.last_request = time.monotonic()  # for idle shutdown of a shared simulator

    # --- configuration --------------------------------------------------------------------------
    @property
    def config(self) -> SimulatorConfig:
        """The knobs in force now."""
        return self._config

    def configure(self, **changes: Any) -> SimulatorConfig:
        """Change knobs (validated); a new seed restarts the random draws."""
        with self._config_lock:
            self._config = self._config.with_changes(**changes)
            if "seed" in changes:
                self._rng = random.Random(self._config.seed)
        return self._config

    def chance(self, share: float) -> bool:
        """True with probability ``share`` (seeded)."""
        return share > 0 and self._rng.random() < share

    def draw(self) -> float:
        """A uniform draw in [0, 1) from the simulator's (seeded) generator."""
        return self._rng.random()

    # --- loop plumbing --------------------------------------------------------------------------
    async def startup(self) -> None:
        """Bind to the running loop (called from the app's lifespan)."""
        self._loop = asyncio.get_running_loop()
        self._http = httpx.AsyncClient(timeout=10.0)

    async def shutdown(self) -> None:
        """Cancel pending lifecycles and close the webhook client."""
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._http is not None:
            await self._http.aclose()

    def run_coroutine(
        self, coroutine: Coroutine[Any, Any, SimMessage], timeout: float
    ) -> SimMessage:
        """Run ``coroutine`` on the simulator's loop from another thread and return its result."""
        if self._loop is None:
            coroutine.close()
            raise RuntimeError("the simulator is not running")
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout)

    def _spawn(self, coroutine: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # --- outbound -------------------------------------------------------------------------------
    def submit(self, message: SimMessage) -> None:
        """Start the lifecycle of a newly created outbound message (call on the loop)."""
        self._spawn(self._run(message.sid))

    async def _run(self, sid: str) -> None:
        # KeyError: the message was deleted (DELETE on the API) while in flight.
        with contextlib.suppress(KeyError):
            await self._lifecycle(sid)

    def _reserve(self, message: SimMessage) -> float | None:
        """Reserve the sender's capacity; return the loop time to leave at, or None on overflow."""
        loop = asyncio.get_running_loop()
        now = loop.time()
        config = self._config
        if not config.rate_limits:
            return now
        sender = message.from_
        rate = (
            config.sender_rates.get(sender)
            or config.rates[billing.sender_class(sender, message.country)]
        )
        start = max(now, self._next_free.get(sender, now))
        cost = message.num_segments / rate
        if start - now + cost > config.queue_seconds:
            return None
        self._next_free[sender] = start + cost
        return start

    async def _lifecycle(self, sid: str) -> None:
        config = self._config
        message = self.store.message(sid)
        if message is None:
            return
        if message.status == "scheduled":
            assert message.send_at is not None
            wait = config.schedule_delay
            if wait is None:
                wait = (message.send_at - utcnow()).total_seconds()
            await asyncio.sleep(max(0.0, wait))
            message = self.store.message(sid)
            if message is None or message.status != "scheduled":
                return  # canceled or deleted meanwhile
            message = await self._set(sid, status="queued", **self._sender_for(message))
        elif message.status == "accepted":
            await asyncio.sleep(config.step_delay)
            message = await self._set(sid, status="queued", **self._sender_for(message))
        depart = self._reserve(message)
        if depart is None:
            await self._set(sid, status="failed", **_error(30001))
            return
        await asyncio.sleep(max(0.0, depart - asyncio.get_running_loop().time()))
        validity = message.validity_period or 36_000  # Twilio's default and maximum, 10 h (B2)
        if (utcnow() - message.date_created).total_seconds() > validity:
            await self._set(sid, status="failed", **_error(30036))
            return
        await self._set(sid, status="sending")
        await asyncio.sleep(self._config.step_delay)
        outcome = self._draw_outcome()
        if outcome == "failed":
            await self._set(
                sid, status="failed", **_error(self._rng.choice(self._config.error_codes))
            )
            return
        price = self._price(message)
        await self._set(sid, status="sent", date_sent=utcnow(), price=price)
        await asyncio.sleep(self._config.step_delay)
        if outcome == "delivered":
            delivered = await self._set(sid, status="delivered")
            # Practice mode: the recipient of a campaign message may text back (customers.py).
            if delivered.direction == "outbound-api" and self.chance(config.customer_replies):
                delay = self._config.customer_reply_delay
                self._spawn(customers.reply_later(self, delivered, delay))
        else:
            await self._set(
                sid, status="undelivered", **_error(self._rng.choice(self._config.error_codes))
            )

    def _sender_for(self, message: SimMessage) -> dict[str, Any]:
        # A Messaging Service picks a number from its pool when the message is queued; the
        # simulator's pool is the account's numbers, preferring one in the destination's country
        # (like Area Code Geomatch, loosely). Only then are the segments known (Twilio OpenAPI).
        owned = self.store.owned(message.account_sid)
        same = [n for n in owned if n.iso_country == message.country]
        chosen = (same or list(owned))[0].phone_number if owned else "+15005550006"
        segments = billing.count_segments(message.body, message.smart_encoded)
        return {"from_": chosen, "num_segments": segments}

    def _draw_outcome(self) -> str:
        weights = self._config.outcomes
        names = [n for n in ("delivered", "undelivered", "failed") if weights.get(n, 0) > 0]
        return self._rng.choices(names, weights=[weights[n] for n in names])[0]

    @staticmethod
    def _price(message: SimMessage) -> Decimal | None:
        country = billing.country_prices().get(message.country or "")
        if country is None:
            return None
        unit = country.inbound if message.direction == "inbound" else country.outbound
        return unit * message.num_segments

    async def _set(self, sid: str, **changes: Any) -> SimMessage:
        message = self.store.update_message(sid, **changes)
        if message.status_callback and "status" in changes:
            if message.api == "vonage":  # one delivery receipt per part, Vonage's fields
                receipt = vonage_hooks.receipt_params(message)
                if receipt is not None:
                    await self._post_vonage(message.account_sid, message.status_callback, receipt)
            else:
                await self._post(
                    message.account_sid, message.status_callback, status_params(message)
                )
        return message

    async def _post_vonage(self, account_sid: str, url: str, params: dict[str, str]) -> str:
        """POST a Vonage webhook signed with the account's signature secret."""
        account = self.store.account(account_sid)
        if account is None or self._http is None:
            return ""
        body = vonage_hooks.signed(account, params, self._config.signature_method)
        try:
            answer = await self._http.post(url, data=body)
            return answer.text if answer.is_success else ""
        except httpx.HTTPError as error:
            self.callbacks_failed += 1
            where = httpx.URL(url)
            log.warning("webhook %s%s failed: %s", where.host, where.path, type(error).__name__)
            return ""

    # --- webhooks -------------------------------------------------------------------------------
    async def _post(self, account_sid: str, url: str, params: Mapping[str, str]) -> str:
        """POST a signed webhook; return the answer's text if it succeeded (else "")."""
        account = self.store.account(account_sid)
        if account is None or self._http is None:
            return ""
        headers = {"X-Twilio-Signature": signature(account.auth_token, url, params)}
        try:
            answer = await self._http.post(url, data=dict(params), headers=headers)
            return answer.text if answer.is_success else ""
        except httpx.HTTPError as error:  # an unreachable webhook must not stop the lifecycle
            self.callbacks_failed += 1
            # Host and path only: a webhook URL may carry basic-auth credentials or tokens.
            where = httpx.URL(url)
            log.warning("webhook %s%s failed: %s", where.host, where.path, type(error).__name__)
            return ""

    # --- inbound --------------------------------------------------------------------------------
    async def receive(self, account_sid: str, from_: str, to: str, body: str) -> SimMessage:
        """An inbound SMS from a handset to one of our numbers, with Twilio's keyword rules.

        ValueError if ``to`` is not one of the account's numbers: Twilio only delivers inbound
        messages to numbers you own.
        """
        if self.store.owned_number(account_sid, to) is None:
            raise LocalizedError(
                "{number} is not a number of this account; buy or add it first.", number=to
            )
        now = utcnow()
        owner = self.store.owned_number(account_sid, to)
        vonage = owner is not None and owner.api == "vonage"
        message = SimMessage(
            sid=vonage_hooks.message_id() if vonage else new_sid("SM"),
            account_sid=account_sid,
            to=to,
            from_=from_,
            body=body,
            status="received",
            api="vonage" if vonage else "twilio",
            direction="inbound",
            date_created=now,
            date_updated=now,
            date_sent=now,
            num_segments=billing.count_segments(body),
            country=billing.country_of(to),
        )
        message = self.store.add_message(message)
        message = self.store.update_message(
            message.sid, price=self._price(message), date_updated=now
        )
        number = self.store.owned_number(account_sid, to)
        toll_free = billing.sender_class(to, "US") == "toll_free" or (
            number is not None and number.number_type == "toll_free"
        )
        if vonage:
            await self._receive_vonage(message, number, toll_free)
            return message
        kind = optout.classify(body, toll_free=toll_free)
        if kind in ("opt_out", "opt_in"):
            for sender in self._scopes(account_sid, to, from_):
                self.store.set_opt_out(account_sid, sender, from_, kind == "opt_out")
        url = (number.sms_url if number else None) or self._config.inbound_url
        answer = ""
        if url:
            params = inbound_params(message)
            if kind is not None:
                params["OptOutType"] = optout.OPT_OUT_TYPE[kind]
            answer = await self._post(account_sid, url, params)
        if kind is not None:
            carrier = optout.carrier_reply(body, "toll_free") if toll_free else None
            text = carrier or optout.reply(kind)
            self._reply(account_sid, sender=to, recipient=from_, text=text)
        for wanted in twiml.replies(answer):
            sender, recipient = wanted.from_ or to, wanted.to or from_
            # A TwiML reply to someone who opted out is blocked like any send (21610).
            if not self.store.is_opted_out(account_sid, [sender], recipient):
                self._reply(account_sid, sender=sender, recipient=recipient, text=wanted.body)
        return message

    async def _receive_vonage(
        self, message: SimMessage, number: OwnedNumber | None, toll_free: bool
    ) -> None:
        """Vonage's SMS API leaves keywords to the application, except where someone else acts:
        on a US toll-free number the carrier blocks STOP itself and answers
        (https://help.nexmo.com/hc/en-us/articles/360049692172-US-Toll-Free-Restrictions-), and
        with Opt-Out Assist (US and Canada, on request) Vonage blocks and answers STOP, START and
        HELP (https://developer.vonage.com/en/opt-out-assist/technical-details). Either way the
        message still goes to the inbound webhook. A blocked recipient's sends get status 7.
        """
        account_sid, ours, handset = message.account_sid, message.to, message.from_
        country = billing.country_of(ours)
        assist = self._config.vonage_opt_out_assist and country in ("US", "CA")
        kind = optout.classify(message.body, toll_free=toll_free)
        if kind in ("opt_out", "opt_in") and (toll_free or assist):
            self.store.set_opt_out(account_sid, ours, handset, kind == "opt_out")
        if kind is not None and (toll_free or assist):
            carrier = optout.carrier_reply(message.body, "toll_free") if toll_free else None
            text = carrier or (optout.reply(kind) if assist else None)
            if text:
                self._reply(account_sid, sender=ours, recipient=handset, text=text, api="vonage")
        url = (number.sms_url if number else None) or self._config.inbound_url
        if url:
            body = message.body.strip()
            keyword = body.split(" ")[0].upper() if body else ""
            params = vonage_hooks.inbound_params(message, keyword)
            await self._post_vonage(account_sid, url, params)

    def _scopes(self, account_sid: str, number: str, recipient: str) -> set[str]:
        # The opt-out covers the number and every Messaging Service that sent from it to this person
        # (facts B1: with a Messaging Service the block covers the whole Service).
        sent = self.store.messages(account_sid, lambda m: m.from_ == number and m.to == recipient)
        return {number} | {m.messaging_service_sid for m in sent if m.messaging_service_sid}

    def _reply(
        self, account_sid: str, sender: str, recipient: str, text: str, api: str = "twilio"
    ) -> None:
        now = utcnow()
        reply = SimMessage(
            sid=vonage_hooks.message_id() if api == "vonage" else new_sid("SM"),
            api=api,
            account_sid=account_sid,
            to=recipient,
            from_=sender,
            body=text,
            status="queued",
            direction="outbound-reply",
            date_created=now + timedelta(microseconds=1),  # listed after the inbound it answers
            date_updated=now,
            num_segments=billing.count_segments(text),
            country=billing.country_of(recipient),
        )
        self.submit(self.store.add_message(reply))


def _error(code: int) -> dict[str, Any]:
    return {"error_code": code, "error_message": ERRORS.get(code, (400, "Unknown error"))[1]}


def status_params(message: SimMessage) -> dict[str, str]:
    """The form fields of a status callback, as Twilio posts them.

    >>> from smskit.simulator.state import _example
    >>> status_params(_example())["MessageStatus"]
    'queued'
    """
    params = {
        "AccountSid": message.account_sid,
        "ApiVersion": API_VERSION,
        "From": message.from_,
        "MessageSid": message.sid,
        "MessageStatus": message.status,
        "SmsSid": message.sid,
        "SmsStatus": message.status,
        "To": message.to,
    }
    if message.messaging_service_sid:
        params["MessagingServiceSid"] = message.messaging_service_sid
    if message.error_code is not None:
        params["ErrorCode"] = str(message.error_code)
    return params


def inbound_params(message: SimMessage) -> dict[str, str]:
    """The form fields of an incoming-message webhook, as Twilio posts them.

    >>> from smskit.simulator.state import _example
    >>> inbound_params(_example())["NumSegments"]
    '1'
    """
    return {
        "AccountSid": message.account_sid,
        "ApiVersion": API_VERSION,
        "Body": message.body,
        "From": message.from_,
        "FromCountry": billing.country_of(message.from_) or "",
        "MessageSid": message.sid,
        "NumMedia": "0",
        "NumSegments": str(message.num_segments),
        "SmsMessageSid": message.sid,
        "SmsSid": message.sid,
        "SmsStatus": message.status,
        "To": message.to,
        "ToCountry": billing.country_of(message.to) or "",
    }


def parse_send_at(value: str) -> datetime:
    """Parse SendAt (ISO 8601, UTC); ValueError if it is not a timestamp.

    >>> parse_send_at("2030-01-02T03:04:05Z").isoformat()
    '2030-01-02T03:04:05+00:00'
    """
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError("SendAt needs a time zone (UTC)")
    return moment
