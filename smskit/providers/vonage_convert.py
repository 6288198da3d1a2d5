"""Vonage answers to smskit's frozen values (pure: works on anything with the same fields).

Vonage's SMS API reports a long message as several messages, one per part, each with its own
``message-id``, price and delivery receipt. smskit keeps one record per *send*: its ``sid`` is the
smallest part id (stable whatever order the parts are listed in), ``num_segments`` the number of
parts, ``price`` their sum, and its status combines the parts' (:func:`combined_status`): delivered
only when every part is, failed as soon as one part fails.

Vonage's statuses become smskit's (Twilio's) vocabulary: accepted/buffered -> sent, delivered ->
delivered, failed/expired -> undelivered, rejected -> failed
(https://developer.vonage.com/en/messaging/sms/guides/delivery-receipts).

>>> smskit_status("expired"), smskit_status("rejected"), smskit_status("buffered")
('undelivered', 'failed', 'sent')
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from smskit.providers import MessageRecord, later_status
from smskit.providers.convert import decimal_or_none
from smskit.providers.vonage_codes import receipt_code

__all__ = ["combined_status", "e164", "group_records", "report_record", "smskit_status"]

_STATUS = {
    "accepted": "sent",
    "buffered": "sent",
    "submitted": "sent",
    "unknown": "sent",
    "delivered": "delivered",
    "failed": "undelivered",
    "expired": "undelivered",
    "rejected": "failed",
}


def smskit_status(vonage_status: str) -> str:
    """smskit's status for a Vonage receipt or report status ("sent" for anything unknown).

    >>> smskit_status("delivered")
    'delivered'
    """
    return _STATUS.get(vonage_status.strip().lower(), "sent")


def e164(msisdn: str) -> str:
    """Vonage writes numbers without '+': give them back in E.164 (sender IDs stay as they are).

    >>> e164("14155550100"), e164("ACME")
    ('+14155550100', 'ACME')
    """
    text = msisdn.strip()
    return "+" + text if text.isdigit() else text


def combined_status(statuses: Sequence[str], parts: int) -> str:
    """One status for a message from its parts' statuses (smskit vocabulary).

    A failed part fails the message; it is delivered only when all ``parts`` are delivered;
    some delivered (or not all receipts in yet) is ``partially_delivered``.

    >>> combined_status(["delivered", "delivered"], 2), combined_status(["delivered"], 2)
    ('delivered', 'partially_delivered')
    >>> combined_status(["delivered", "undelivered"], 2)
    'undelivered'
    """
    bad = [s for s in statuses if s in ("undelivered", "failed")]
    if bad:
        return "failed" if "failed" in bad else "undelivered"
    delivered = sum(s == "delivered" for s in statuses)
    if delivered >= parts > 0:
        return "delivered"
    if delivered:
        return "partially_delivered"
    current: str | None = None
    for status in statuses:
        current = later_status(current, status)
    return current or "queued"


def _when(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def report_record(r: Mapping[str, Any]) -> MessageRecord:
    """One Reports API SMS record as a :class:`MessageRecord` (one part of a message).

    >>> report_record({"message_id": "0A1", "to": "14155550100", "from": "15005550006",
    ...     "direction": "outbound", "status": "failed", "error_code": "6"}).error_code
    200006
    """
    err = str(r.get("error_code") or "0")
    inbound = str(r.get("direction", "")).lower() == "inbound"
    return MessageRecord(
        sid=str(r.get("message_id", "")),
        to=e164(str(r.get("to", ""))),
        from_=e164(str(r.get("from", ""))) or None,
        body=str(r.get("message_body") or ""),
        status="received" if inbound else smskit_status(str(r.get("status", ""))),
        direction="inbound" if inbound else "outbound-api",
        error_code=receipt_code(int(err)) if err.isdigit() and int(err) else None,
        price=decimal_or_none(r.get("total_price")),
        price_unit=str(r.get("currency") or "EUR"),
        date_created=_when(r.get("date_received")),
        date_sent=_when(r.get("date_received")),
        date_updated=_when(r.get("date_finalized")),
    )


def group_records(records: Iterable[Mapping[str, Any]]) -> list[MessageRecord]:
    """Report records grouped into one record per send (by client-ref), newest first.

    >>> rows = [{"message_id": "B", "client_ref": "m1", "status": "delivered", "to": "1"},
    ...         {"message_id": "A", "client_ref": "m1", "status": "accepted", "to": "1"}]
    >>> [(r.sid, r.status, r.num_segments) for r in group_records(rows)]
    [('A', 'partially_delivered', 2)]
    >>> group_records(rows)[0].parts
    (('A', 'sent'), ('B', 'delivered'))
    """
    groups: dict[str, list[tuple[MessageRecord, Mapping[str, Any]]]] = {}
    for raw in records:
        record = report_record(raw)
        key = str(raw.get("client_ref") or "") or record.sid
        if record.direction == "inbound":
            key = "in:" + record.sid
        groups.setdefault(key, []).append((record, raw))
    out = []
    for members in groups.values():
        members.sort(key=lambda pair: pair[0].sid)
        first = members[0][0]
        if len(members) == 1:
            out.append(first)
            continue
        statuses = [m.status for m, _ in members]
        prices = [m.price for m, _ in members if m.price is not None]
        errors = [m.error_code for m, _ in members if m.error_code is not None]
        out.append(
            MessageRecord(
                sid=first.sid,
                to=first.to,
                from_=first.from_,
                body="".join(m.body for m, _ in members),
                status=combined_status(statuses, len(members)),
                direction=first.direction,
                error_code=errors[0] if errors else None,
                num_segments=len(members),
                price=sum(prices, Decimal(0)) if prices else None,
                price_unit=first.price_unit,
                date_created=min(
                    (m.date_created for m, _ in members if m.date_created), default=None
                ),
                date_sent=first.date_sent,
                date_updated=max(
                    (m.date_updated for m, _ in members if m.date_updated), default=None
                ),
                parts=tuple((m.sid, m.status) for m, _ in members),
            )
        )
    far = datetime.min.replace(tzinfo=UTC)
    out.sort(key=lambda r: r.date_created or far, reverse=True)
    return out
