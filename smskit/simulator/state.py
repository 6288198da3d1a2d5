"""The simulator's state: accounts, messages, owned numbers and opt-outs, behind one lock.

Records are frozen dataclasses; an update replaces the record, so a reader never sees half a change.
The HTTP routes (event-loop thread) and the Python handle (caller's thread) share one
:class:`Store`.

>>> store = Store()
>>> account = store.create_account()
>>> account.sid.startswith("AC") and len(account.sid) == 34
True
"""

from __future__ import annotations

import dataclasses
import hmac
import secrets
import string
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal

_ALPHANUMERIC = string.ascii_letters + string.digits


def new_sid(prefix: str) -> str:
    """Return a Twilio-style SID: two letters plus 32 lowercase hex digits.

    >>> sid = new_sid("SM"); sid[:2], len(sid)
    ('SM', 34)
    """
    return prefix + secrets.token_hex(16)


def utcnow() -> datetime:
    """The current time in UTC (one place, so tests can reason about it).

    >>> utcnow().tzinfo is UTC
    True
    """
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class Account:
    """A simulated account: SID, auth token and API keys (SK... -> secret)."""

    sid: str
    auth_token: str = field(repr=False)
    api_keys: tuple[tuple[str, str], ...] = field(default=(), repr=False)
    created: datetime = field(default_factory=lambda: utcnow())
    # The same account as Vonage sees it: an API key (8 hex digits), an API secret and a signature
    # secret for signed requests and webhooks (https://developer.vonage.com/en/getting-started/concepts/signing-messages).
    vonage_key: str = ""
    vonage_secret: str = field(default="", repr=False)
    signature_secret: str = field(default="", repr=False)

    def accepts(self, username: str, password: str) -> bool:
        """True if (username, password) is this account's SID+token or one of its API keys.

        >>> Account("AC" + "0" * 32, "t").accepts("AC" + "0" * 32, "t")
        True
        """
        if username == self.sid:
            return hmac.compare_digest(password.encode(), self.auth_token.encode())
        return any(
            username == key and hmac.compare_digest(password.encode(), secret.encode())
            for key, secret in self.api_keys
        )


@dataclass(frozen=True, slots=True)
class SimMessage:
    """One message as the simulator holds it (rendered to Twilio's JSON by ``render``)."""

    sid: str
    account_sid: str
    to: str
    from_: str
    body: str
    status: str
    direction: str
    date_created: datetime
    date_updated: datetime
    num_segments: int
    num_media: int = 0
    smart_encoded: bool = False
    country: str | None = None
    date_sent: datetime | None = None
    price: Decimal | None = None
    price_unit: str = "USD"
    error_code: int | None = None
    error_message: str | None = None
    messaging_service_sid: str | None = None
    status_callback: str | None = None
    validity_period: int | None = None
    send_at: datetime | None = None
    api: str = "twilio"  # "vonage": sent through the SMS API; one record per part
    client_ref: str | None = None  # Vonage client-ref, echoed in receipts and reports
    part: int = 1  # Vonage bills and reports each part of a long message as its own message
    parts: int = 1
    network: str | None = None


@dataclass(frozen=True, slots=True)
class OwnedNumber:
    """A number bought by an account (an IncomingPhoneNumber)."""

    sid: str
    account_sid: str
    phone_number: str
    friendly_name: str
    iso_country: str
    number_type: str
    date_created: datetime
    sms_url: str | None = None
    status_callback: str | None = None
    api: str = "twilio"  # "vonage": inbound messages go out in Vonage's webhook shape


class Store:
    """Accounts, messages, numbers and opt-outs of one simulator, safe to use from any thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._accounts: dict[str, Account] = {}
        self._messages: dict[str, SimMessage] = {}
        self._numbers: dict[str, OwnedNumber] = {}
        # Opt-outs are scoped per sender (From number, or Messaging Service when one is used), as on
        # Twilio (facts B1): (account SID, sender, recipient).
        self._opt_outs: set[tuple[str, str, str]] = set()

    # --- accounts -------------------------------------------------------------------------------
    def create_account(self) -> Account:
        """Create an account with a random auth token and one API key.

        >>> Store().create_account().api_keys[0][0][:2]
        'SK'
        """
        account = Account(
            sid=new_sid("AC"),
            auth_token=secrets.token_hex(16),
            api_keys=((new_sid("SK"), secrets.token_urlsafe(24)),),
            vonage_key=secrets.token_hex(4),
            # Like the dashboard's: 16 letters and digits.
            vonage_secret="".join(secrets.choice(_ALPHANUMERIC) for _ in range(16)),
            signature_secret=secrets.token_urlsafe(24),
        )
        with self._lock:
            self._accounts[account.sid] = account
        return account

    def accounts(self) -> tuple[Account, ...]:
        """All accounts, oldest first.

        >>> len(Store().accounts())
        0
        """
        with self._lock:
            return tuple(self._accounts.values())

    def account(self, sid: str) -> Account | None:
        """The account with this SID, or None.

        >>> Store().account("AC" + "0" * 32) is None
        True
        """
        with self._lock:
            return self._accounts.get(sid)

    def account_for_vonage_key(self, api_key: str) -> Account | None:
        """The account whose Vonage API key is ``api_key``, or None.

        >>> store = Store(); a = store.create_account()
        >>> store.account_for_vonage_key(a.vonage_key) == a
        True
        """
        with self._lock:
            return next((a for a in self._accounts.values() if a.vonage_key == api_key), None)

    def accounts_for(self, username: str) -> tuple[Account, ...]:
        """Accounts that ``username`` (an account SID or API key SID) may act for.

        >>> store = Store(); a = store.create_account()
        >>> store.accounts_for(a.api_keys[0][0]) == (a,)
        True
        """
        with self._lock:
            return tuple(
                a
                for a in self._accounts.values()
                if a.sid == username or any(key == username for key, _ in a.api_keys)
            )

    # --- messages -------------------------------------------------------------------------------
    def add_message(self, message: SimMessage) -> SimMessage:
        """Store a new message and return it.

        >>> store = Store(); m = store.add_message(_example()); store.message(m.sid) == m
        True
        """
        with self._lock:
            self._messages[message.sid] = message
        return message

    def message(self, sid: str) -> SimMessage | None:
        """The message with this SID, or None.

        >>> Store().message("SM" + "0" * 32) is None
        True
        """
        with self._lock:
            return self._messages.get(sid)

    def update_message(self, sid: str, **changes: object) -> SimMessage:
        """Replace a message with ``changes`` applied (date_updated set to now) and return it.

        >>> store = Store(); m = store.add_message(_example())
        >>> store.update_message(m.sid, status="sending").status
        'sending'
        """
        with self._lock:
            current = self._messages[sid]
            changes.setdefault("date_updated", utcnow())
            updated = dataclasses.replace(current, **changes)  # type: ignore[arg-type]
            self._messages[sid] = updated
        return updated

    def delete_message(self, sid: str) -> None:
        """Forget a message (DELETE on the API).

        >>> store = Store(); m = store.add_message(_example()); store.delete_message(m.sid)
        >>> store.message(m.sid) is None
        True
        """
        with self._lock:
            self._messages.pop(sid, None)

    def messages(
        self, account_sid: str | None = None, where: Callable[[SimMessage], bool] | None = None
    ) -> tuple[SimMessage, ...]:
        """Messages, newest first (as Twilio lists them), optionally for one account and filtered.

        >>> store = Store(); _ = store.add_message(_example()); len(store.messages())
        1
        """
        with self._lock:
            values = list(self._messages.values())
        chosen = [
            m
            for m in reversed(values)
            if (account_sid is None or m.account_sid == account_sid) and (where is None or where(m))
        ]
        chosen.sort(
            key=lambda m: m.date_created, reverse=True
        )  # stable: creation order kept on ties
        return tuple(chosen)

    # --- numbers --------------------------------------------------------------------------------
    def add_number(self, number: OwnedNumber) -> OwnedNumber:
        """Record a bought number; buying one twice is refused with ValueError.

        >>> store = Store(); n = store.add_number(_example_number())
        >>> store.owned("AC" + "0" * 32)[0] == n
        True
        """
        with self._lock:
            if any(n.phone_number == number.phone_number for n in self._numbers.values()):
                raise ValueError(f"{number.phone_number} is already owned")
            self._numbers[number.sid] = number
        return number

    def update_number(self, sid: str, **changes: object) -> OwnedNumber:
        """Replace an owned number with ``changes`` applied (e.g. a new sms_url) and return it.

        >>> store = Store(); n = store.add_number(_example_number())
        >>> store.update_number(n.sid, sms_url="https://example.com/in").sms_url
        'https://example.com/in'
        """
        with self._lock:
            updated = dataclasses.replace(self._numbers[sid], **changes)  # type: ignore[arg-type]
            self._numbers[sid] = updated
        return updated

    def release_number(self, sid: str) -> None:
        """Give a number back (it becomes available again).

        >>> store = Store(); n = store.add_number(_example_number()); store.release_number(n.sid)
        >>> store.is_taken(n.phone_number)
        False
        """
        with self._lock:
            self._numbers.pop(sid, None)

    def owned(self, account_sid: str) -> tuple[OwnedNumber, ...]:
        """Numbers owned by an account, oldest first.

        >>> Store().owned("AC" + "0" * 32)
        ()
        """
        with self._lock:
            return tuple(n for n in self._numbers.values() if n.account_sid == account_sid)

    def owned_number(self, account_sid: str, phone_number: str) -> OwnedNumber | None:
        """The account's number with this E.164 value, or None.

        >>> Store().owned_number("AC" + "0" * 32, "+15005550006") is None
        True
        """
        return next((n for n in self.owned(account_sid) if n.phone_number == phone_number), None)

    def is_taken(self, phone_number: str) -> bool:
        """True if any account owns this number (so it is no longer available).

        >>> Store().is_taken("+15005550006")
        False
        """
        with self._lock:
            return any(n.phone_number == phone_number for n in self._numbers.values())

    # --- opt-outs -------------------------------------------------------------------------------
    def set_opt_out(self, account_sid: str, sender: str, recipient: str, opted_out: bool) -> None:
        """Block (or unblock) sends from ``sender`` to ``recipient``.

        >>> store = Store(); store.set_opt_out("AC1", "+1500", "+1400", True)
        >>> store.is_opted_out("AC1", ["+1500"], "+1400")
        True
        """
        key = (account_sid, sender, recipient)
        with self._lock:
            if opted_out:
                self._opt_outs.add(key)
            else:
                self._opt_outs.discard(key)

    def is_opted_out(self, account_sid: str, senders: Iterable[str], recipient: str) -> bool:
        """True if ``recipient`` opted out of any of ``senders`` (a number or a Messaging Service).

        >>> Store().is_opted_out("AC1", ["+1500"], "+1400")
        False
        """
        with self._lock:
            return any((account_sid, s, recipient) in self._opt_outs for s in senders)


def _example() -> SimMessage:
    now = utcnow()
    return SimMessage(
        sid=new_sid("SM"),
        account_sid="AC" + "0" * 32,
        to="+14155550100",
        from_="+15005550006",
        body="hi",
        status="queued",
        direction="outbound-api",
        date_created=now,
        date_updated=now,
        num_segments=1,
    )


def _example_number() -> OwnedNumber:
    return OwnedNumber(
        sid=new_sid("PN"),
        account_sid="AC" + "0" * 32,
        phone_number="+15005550006",
        friendly_name="(500) 555-0006",
        iso_country="US",
        number_type="local",
        date_created=utcnow(),
    )
