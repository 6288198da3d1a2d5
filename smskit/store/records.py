"""The values the store takes and returns: frozen dataclasses, one per table row shape.

>>> ContactRecord("+14155550100", "US", "fixed_line_or_mobile", ("America/Los_Angeles",)).status
'ok'
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Protocol

from smskit.i18n.catalog import Text

__all__ = [
    "CampaignRecord",
    "ConsentRecord",
    "Contact",
    "ContactRecord",
    "InboundLike",
    "InboundRecord",
    "LoggedMessage",
    "NewConsentEvent",
    "NewMessage",
    "StatusLike",
]


@dataclass(frozen=True, slots=True)
class ContactRecord:
    """A contact to insert or update, keyed by its E.164 number; ``fields`` personalise messages."""

    phone_e164: str
    region: str | None
    line_type: str | None
    time_zones: tuple[str, ...] = ()
    fields: Mapping[str, str] = field(default_factory=dict)
    status: str = "ok"


@dataclass(frozen=True, slots=True)
class Contact:
    """A stored contact."""

    phone_e164: str
    region: str | None
    line_type: str | None
    time_zones: tuple[str, ...]
    fields: Mapping[str, str]
    status: str
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class NewConsentEvent:
    """A consent fact to append. ``action`` changes state (e.g. opt_in, opt_out, request), ``kind``
    says what happened in more detail (e.g. ``keyword:STOP``), ``source`` how it reached us
    (keyword, web_form, ivr, point_of_sale, import, manual, email, phone, carrier, ...)."""

    phone_e164: str
    scope: str
    action: str
    source: str
    occurred_at: datetime
    kind: str = ""
    evidence: str = ""
    actor: str = ""


@dataclass(frozen=True, slots=True)
class ConsentRecord:
    """A stored consent event; ``id`` orders events recorded at the same ``occurred_at``."""

    id: int
    phone_e164: str
    scope: str
    kind: str
    action: str
    source: str
    evidence: str
    actor: str
    occurred_at: datetime
    recorded_at: datetime


@dataclass(frozen=True, slots=True)
class CampaignRecord:
    """A stored campaign; ``spec`` is the campaign engineer's JSON description."""

    id: str
    name: str
    spec: Mapping[str, object]
    status: str
    created_at: datetime
    updated_at: datetime
    created_by: str | None = None
    approved_by: str | None = None
    sent_by: str | None = None
    canceled_by: str | None = None
    approved_at: datetime | None = None
    sent_at: datetime | None = None
    canceled_at: datetime | None = None
    kind: str = "campaign"  # migration 0008: "reply" for an Inbox reply's one-message campaign
    stop_reason: Text | None = None  # why it failed or is held (migration 0010)


@dataclass(frozen=True, slots=True)
class NewMessage:
    """An outbound message to log before it is submitted; ``id`` is the caller's idempotency key."""

    id: str
    to_number: str
    from_number: str
    body: str
    campaign_id: str | None = None
    segments: int | None = None


@dataclass(frozen=True, slots=True)
class LoggedMessage:
    """A row of the outbound message log."""

    id: str
    campaign_id: str | None
    to_number: str
    from_number: str
    body: str
    state: str
    sid: str | None
    status: str | None
    error_code: int | None
    segments: int | None
    price: Decimal | None
    price_unit: str | None
    attempts: int
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class InboundRecord:
    """A stored inbound message."""

    sid: str
    from_number: str
    to_number: str
    body: str
    opt_out_type: str | None
    received_at: datetime
    recorded_at: datetime


class StatusLike(Protocol):
    """A delivery status report (``smskit.sending.tracking.StatusUpdate`` has this shape)."""

    @property
    def sid(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def error_code(self) -> int | None: ...


class InboundLike(Protocol):
    """An inbound message (``smskit.sending.tracking.InboundMessage`` has this shape)."""

    @property
    def sid(self) -> str: ...
    @property
    def from_(self) -> str: ...
    @property
    def to(self) -> str: ...
    @property
    def body(self) -> str: ...
    @property
    def opt_out_type(self) -> str | None: ...
    @property
    def at(self) -> datetime | None: ...
