"""Vonage's Reports API (synchronous SMS records) for the simulator: how a lost send is found.

``GET /v2/reports/records`` on the API host, basic auth, filtered by ``id``, ``client_ref``, ``to``,
``from`` and ``date_start``/``date_end``, one record per part
(https://developer.vonage.com/en/reports/code-snippets/before-you-begin). Vonage has no Messages
list like Twilio's; smskit reconciles through this.

The vonage SDK has no models for the Reports API, so the bodies follow Vonage's published example
(https://developer.vonage.com/en/reports/code-snippets/load-records-sync-dates, kept in
``tests/fixtures/vonage/reports_records_sync_dates.json``): every key of it, the same JSON types,
dates as ``2020-06-04T12:21:35+0000``, a ``client_ref`` of null when the send had none, and
``error_code_description`` in Vonage's own words (``data/vonage_codes.csv``).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from smskit.i18n.formatting import country_name
from smskit.providers.vonage_codes import vonage_codes
from smskit.simulator.state import SimMessage, utcnow
from smskit.simulator.vonage_api import VonageRefusal, rest_account
from smskit.simulator.vonage_hooks import dlr_error
from smskit.simulator.web import sim

_REPORT_STATUS = {
    "queued": "accepted",
    "sending": "accepted",
    "sent": "accepted",
    "delivered": "delivered",
    "undelivered": "failed",
    "failed": "rejected",
    "received": "delivered",
}


def report_record(message: SimMessage, include_message: bool) -> dict[str, Any]:
    """One SMS record of the Reports API."""
    error = dlr_error(message.error_code)
    latency = (message.date_updated - message.date_created).total_seconds() * 1000
    record: dict[str, Any] = {
        "account_id": "",
        "message_id": message.sid,
        "client_ref": message.client_ref,  # null without one, as in Vonage's example
        "direction": "inbound" if message.direction == "inbound" else "outbound",
        "from": message.from_.lstrip("+"),
        "to": message.to.lstrip("+"),
        "network": message.network or "",
        "network_name": f"Simulated network {message.network}" if message.network else "",
        "country": message.country or "",
        "country_name": country_name(message.country, "en") if message.country else "",
        "date_received": _iso(message.date_created),
        "date_finalized": _iso(message.date_updated),
        "latency": str(max(0, round(latency))),
        "status": _REPORT_STATUS.get(message.status, "unknown"),
        "error_code": str(error),
        "error_code_description": _description(error),
        "currency": "EUR",
        "total_price": f"{message.price or 0:.8f}",
    }
    if include_message:
        record["message_body"] = message.body
    return record


def _description(error: int) -> str:
    """Vonage's name for a DLR err-code ("Delivered" for 0), as its records carry it."""
    if not error:
        return "Delivered"
    found = vonage_codes().get(("receipt", error))
    return found[0] if found else "General Error"


def _iso(moment: datetime) -> str:
    # Vonage's records write "2020-06-04T12:21:35+0000" (published example). Milliseconds are
    # kept ("...:35.123+0000", still ISO 8601): two parts of one send are milliseconds apart.
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "+0000"


def _when(raw: str | None) -> datetime | None:
    if not raw:
        return None
    try:
        moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise VonageRefusal(400, "Bad Request", f"invalid date: {raw!r}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


async def report_records(request: Request) -> Response:
    """GET /v2/reports/records: the synchronous Reports API, SMS records of one account."""
    account = rest_account(request)
    query = request.query_params
    if query.get("account_id") != account.vonage_key:
        raise VonageRefusal(403, "Forbidden", "account_id is not the authenticated account")
    if query.get("product", "").upper() != "SMS":
        raise VonageRefusal(400, "Bad Request", "product must be SMS")
    direction = query.get("direction", "outbound")
    wanted_id, ref = query.get("id"), query.get("client_ref")
    to, sender = query.get("to"), query.get("from")
    start, end = _when(query.get("date_start")), _when(query.get("date_end"))
    status = query.get("status") or None

    def wanted(m: SimMessage) -> bool:
        inbound = m.direction == "inbound"
        return (
            (m.api == "vonage" or inbound)
            and inbound == (direction == "inbound")
            and (wanted_id is None or m.sid in wanted_id.split(","))
            and (ref is None or m.client_ref == ref)
            and (to is None or m.to.lstrip("+") == to.lstrip("+"))
            and (sender is None or m.from_.lstrip("+") == sender.lstrip("+"))
            and (start is None or m.date_created >= start)
            and (end is None or m.date_created <= end)
            and (status is None or _REPORT_STATUS.get(m.status, "unknown") == status)
        )

    chosen = sim(request).store.messages(account.sid, wanted)
    include = query.get("include_message", "false").lower() == "true"
    records = [report_record(m, include) | {"account_id": account.vonage_key} for m in chosen]
    body: dict[str, Any] = {
        "_links": {"self": {"href": str(request.url)}},
        "request_id": str(uuid.uuid4()),
        "request_status": "SUCCESS",
        "received_at": _iso(utcnow()),
        "price": 0.0,
        "currency": "EUR",
        "direction": direction,
        "product": "SMS",
        "account_id": account.vonage_key,
        "include_subaccounts": False,
        "include_message": include,
    }
    # The filters are echoed as Vonage's example does (dates, status; ids and the ones not found).
    if start is not None:
        body["date_start"] = start.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+0000")
    if start is not None or end is not None:  # no date_end: up to now
        body["date_end"] = (end or utcnow()).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+0000")
    if status is not None:
        body["status"] = status
    if wanted_id is not None:
        body["id"] = wanted_id
        missing = [i for i in wanted_id.split(",") if i not in {m.sid for m in chosen}]
        if missing:
            body["ids_not_found"] = ",".join(missing)
    return JSONResponse(body | {"items_count": len(records), "records": records})


ROUTES = [Route("/v2/reports/records", report_records, methods=["GET"])]
