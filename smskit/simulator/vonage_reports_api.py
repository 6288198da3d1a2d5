"""Vonage's Reports API (synchronous SMS records) for the simulator: how a lost send is found.

``GET /v2/reports/records`` on the API host, basic auth, filtered by ``id``, ``client_ref``, ``to``,
``from`` and ``date_start``/``date_end``, one record per part
(https://developer.vonage.com/en/reports/code-snippets/before-you-begin). Vonage has no Messages
list like Twilio's; smskit reconciles through this.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

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
    record: dict[str, Any] = {
        "account_id": "",
        "message_id": message.sid,
        "client_ref": message.client_ref or "",
        "direction": "inbound" if message.direction == "inbound" else "outbound",
        "from": message.from_.lstrip("+"),
        "to": message.to.lstrip("+"),
        "network": message.network or "",
        "country": message.country or "",
        "date_received": _iso(message.date_created),
        "date_finalized": _iso(message.date_updated),
        "status": _REPORT_STATUS.get(message.status, "unknown"),
        "error_code": str(dlr_error(message.error_code)),
        "currency": "EUR",
        "total_price": f"{message.price or 0:.8f}",
        "concatenated": str(message.parts > 1).lower(),
    }
    if include_message:
        record["message_body"] = message.body
    return record


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


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
        )

    chosen = sim(request).store.messages(account.sid, wanted)
    include = query.get("include_message", "false").lower() == "true"
    records = [report_record(m, include) | {"account_id": account.vonage_key} for m in chosen]
    return JSONResponse(
        {
            "request_id": str(uuid.uuid4()),
            "request_status": "SUCCESS",
            "received_at": _iso(utcnow()),
            "product": "SMS",
            "account_id": account.vonage_key,
            "direction": direction,
            "include_message": include,
            "items_count": len(records),
            "records": records,
        }
    )


ROUTES = [Route("/v2/reports/records", report_records, methods=["GET"])]
