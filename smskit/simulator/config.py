"""The simulator's knobs: lifecycle outcomes, pacing, queue size, API limits and injected faults.

Defaults follow Twilio's documented behaviour (business-sms-facts B3): a sender's throughput is
counted in message *segments* per second, by sender type, and a sender queues up to four hours of
traffic before new messages fail with error 30001 (https://www.twilio.com/docs/api/errors/30001).

>>> SimulatorConfig().rates["long_code"]
1.0
>>> SimulatorConfig().with_changes(step_delay=0.0).step_delay
0.0
"""

from __future__ import annotations

import dataclasses
import types
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

# Twilio's default MPS per sender type (B3: long code 1, toll-free 3, short code 100, alphanumeric
# and any sender to other countries 10).
DEFAULT_RATES: Mapping[str, float] = types.MappingProxyType(
    {
        "long_code": 1.0,
        "toll_free": 3.0,
        "short_code": 100.0,
        "alphanumeric": 10.0,
        "international": 10.0,
    }
)

# Final outcomes after "sent". The error codes are Twilio's carrier-side delivery errors (B4):
# 30003 unreachable, 30004 blocked, 30005 unknown destination, 30006 landline/unreachable carrier,
# 30007 filtered, 30008 unknown error.
DEFAULT_OUTCOMES: Mapping[str, float] = types.MappingProxyType(
    {"delivered": 1.0, "undelivered": 0.0, "failed": 0.0}
)
DELIVERY_ERRORS: tuple[int, ...] = (30003, 30004, 30005, 30006, 30007, 30008)

FOUR_HOURS = 4 * 3600.0


@dataclass(frozen=True, slots=True)
class SimulatorConfig:
    """Every knob of one simulator; change them with ``handle.configure(name=value, ...)``.

    >>> SimulatorConfig(rate_limits=False).rate_limits
    False
    """

    step_delay: float = 0.5
    """Seconds between lifecycle steps (queued -> sending -> sent -> final); 0 for fast tests."""
    outcomes: Mapping[str, float] = field(default_factory=lambda: DEFAULT_OUTCOMES)
    """Relative weights of the final status: delivered, undelivered, failed."""
    error_codes: tuple[int, ...] = DELIVERY_ERRORS
    """Error codes drawn (uniformly) for undelivered/failed outcomes."""
    rate_limits: bool = True
    """Pace each sender at its segments-per-second rate; False sends everything at once."""
    rates: Mapping[str, float] = field(default_factory=lambda: DEFAULT_RATES)
    """Segments per second by sender type (long_code, toll_free, short_code, alphanumeric, ...)."""
    sender_rates: Mapping[str, float] = field(default_factory=lambda: types.MappingProxyType({}))
    """Segments per second for particular senders (e.g. a 10DLC number's trust-tier rate),
    overriding their type's rate."""
    queue_seconds: float = FOUR_HOURS
    """A sender's queue holds this many seconds of traffic at its rate; beyond it: error 30001."""
    api_concurrency: int = 100
    """Concurrent API requests per account before 429 / 20429 (Twilio's default is 100)."""
    api_rate: float | None = None
    """API requests per second per account before 429 / 20429; None = unlimited."""
    retry_after: int = 1
    """Seconds announced in the Retry-After header of every 429."""
    schedule_delay: float | None = None
    """If set, scheduled messages are released after this many seconds instead of at SendAt."""
    fault_500: float = 0.0
    """Share of API requests answered 500 / 20500."""
    fault_503: float = 0.0
    """Share of API requests answered 503 / 20503."""
    fault_429: float = 0.0
    """Share of API requests answered 429 / 20429 with Retry-After."""
    fault_slow: float = 0.0
    """Share of API requests delayed by ``slow_seconds`` before being handled."""
    slow_seconds: float = 2.0
    """Delay of a slow response."""
    fault_drop: float = 0.0
    """Share of message creations whose connection is closed after the message was created."""
    seed: int | None = None
    """Seed for outcome and fault draws, for reproducible tests."""
    inbound_url: str | None = None
    """Webhook for inbound messages to numbers without their own SmsUrl."""
    customer_replies: float = 0.0
    """Practice mode: share of delivered campaign messages whose recipient texts back once
    (questions, thanks, opt-outs in several languages, wrong numbers; simulator/customers.py)."""
    customer_reply_delay: float = 1.0
    """Seconds between a message's delivery and its recipient's reply, in practice mode."""
    trial: bool = False
    """Act as a trial account: only ``verified_numbers`` are reachable (21608), bodies prefixed."""
    verified_numbers: tuple[str, ...] = ()
    """Numbers a trial account may send to (Twilio's Verified Caller IDs)."""
    vonage_dlr_url: str | None = None
    """Where Vonage delivery receipts go when a send names no ``callback`` (the account's
    default delivery receipt webhook)."""
    vonage_opt_out_assist: bool = False
    """Vonage's Opt-Out Assist on the account (US and Canada numbers): Vonage blocks and answers
    STOP, START and HELP itself. Off by default, as on Vonage (enabled on request)."""
    signature_method: str = "sha256"
    """The HMAC of Vonage's signed webhooks: md5, sha1, sha256 or sha512 (dashboard setting)."""

    def with_changes(self, **changes: Any) -> SimulatorConfig:
        """Return a copy with ``changes`` applied; an unknown knob raises ValueError naming it.

        >>> SimulatorConfig().with_changes(fault_500=0.1).fault_500
        0.1
        """
        known = {f.name for f in dataclasses.fields(self)}
        unknown = sorted(set(changes) - known)
        if unknown:
            raise ValueError(f"unknown simulator setting(s): {', '.join(unknown)}")
        if "rates" in changes:
            changes["rates"] = types.MappingProxyType({**self.rates, **changes["rates"]})
        if "sender_rates" in changes:
            changes["sender_rates"] = types.MappingProxyType(
                {str(k): float(v) for k, v in changes["sender_rates"].items()}
            )
        if "outcomes" in changes:
            changes["outcomes"] = types.MappingProxyType(dict(changes["outcomes"]))
        if "verified_numbers" in changes:
            changes["verified_numbers"] = tuple(str(n) for n in changes["verified_numbers"])
        if "error_codes" in changes:
            changes["error_codes"] = tuple(int(c) for c in changes["error_codes"])
        updated = dataclasses.replace(self, **changes)
        updated.check()
        return updated

    def check(self) -> None:
        """Raise ValueError naming the first knob whose value is out of range.

        >>> SimulatorConfig().check()
        """
        for name in (
            "fault_500",
            "fault_503",
            "fault_429",
            "fault_slow",
            "fault_drop",
            "customer_replies",
        ):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{name} must be a share between 0 and 1, got {value}")
        if self.fault_500 + self.fault_503 + self.fault_429 > 1.0:
            raise ValueError("fault_500 + fault_503 + fault_429 must not exceed 1")
        if self.step_delay < 0 or self.slow_seconds < 0 or self.queue_seconds <= 0:
            raise ValueError("step_delay and slow_seconds must be >= 0, queue_seconds > 0")
        if self.customer_reply_delay < 0:
            raise ValueError("customer_reply_delay must be >= 0")
        if set(self.outcomes) - set(DEFAULT_OUTCOMES) or sum(self.outcomes.values()) <= 0:
            raise ValueError("outcomes takes positive weights for delivered, undelivered, failed")
        if any(v < 0 for v in self.outcomes.values()):
            raise ValueError("outcome weights must not be negative")
        unknown_rates = set(self.rates) - set(DEFAULT_RATES)
        if unknown_rates or any(v <= 0 for v in self.rates.values()):
            raise ValueError(f"rates takes positive values for {', '.join(DEFAULT_RATES)}")
        if any(v <= 0 for v in self.sender_rates.values()):
            raise ValueError("sender_rates takes positive segments per second")
        if self.signature_method not in ("md5", "sha1", "sha256", "sha512"):
            raise ValueError("signature_method must be md5, sha1, sha256 or sha512")
        if not self.error_codes:
            raise ValueError("error_codes must name at least one code")
        if self.api_concurrency < 1 or (self.api_rate is not None and self.api_rate <= 0):
            raise ValueError("api_concurrency must be >= 1 and api_rate positive or None")

    def public(self) -> dict[str, Any]:
        """The knobs as JSON-ready values (for the admin endpoint).

        >>> SimulatorConfig().public()["step_delay"]
        0.5
        """
        out: dict[str, Any] = {}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if isinstance(value, Mapping):
                value = dict(value)
            elif isinstance(value, tuple):
                value = list(value)
            out[f.name] = value
        return out
