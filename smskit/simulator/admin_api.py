"""The simulator's own endpoints under ``/_simulator/`` (not part of Twilio's API).

They let a dashboard or a test in another process do what ``SimulatorHandle`` does in-process: check
the simulator is alive, read and change the knobs, inject an inbound SMS and provision a number (a
short code, say) without buying it. All need the account's basic auth.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from smskit.simulator import billing
from smskit.simulator.render import friendly_name, message_json, number_json
from smskit.simulator.state import OwnedNumber, Store, new_sid, utcnow
from smskit.simulator.web import ApiError, authenticate, sim

NUMBER_TYPES = ("local", "mobile", "toll_free", "short_code")


async def _fields(request: Request) -> dict[str, Any]:
    if request.headers.get("content-type", "").startswith("application/json"):
        try:
            data = json.loads(await request.body())
        except json.JSONDecodeError as error:
            raise ApiError(20001, f"Invalid JSON: {error.msg}") from None
        if not isinstance(data, dict):
            raise ApiError(20001, "Expected a JSON object")
        return data
    form = await request.form()
    return {k: v for k, v in form.items() if isinstance(v, str)}


async def health(request: Request) -> Response:
    """GET /_simulator/health: 200 with the account SID if the credentials are right."""
    account = authenticate(request)
    return JSONResponse({"status": "ok", "account_sid": account.sid})


async def get_config(request: Request) -> Response:
    """GET /_simulator/config: the knobs in force."""
    authenticate(request)
    return JSONResponse(sim(request).engine.config.public())


async def set_config(request: Request) -> Response:
    """POST /_simulator/config (JSON object of knobs): change them; 400 names an unknown knob."""
    authenticate(request)
    changes = await _fields(request)
    try:
        config = sim(request).engine.configure(**changes)
    except (ValueError, TypeError) as error:
        raise ApiError(20001, str(error)) from None
    return JSONResponse(config.public())


async def inbound(request: Request) -> Response:
    """POST /_simulator/inbound with From, To, Body: a handset texts one of our numbers."""
    account = authenticate(request)
    fields = await _fields(request)
    missing = [k for k in ("From", "To", "Body") if not isinstance(fields.get(k), str)]
    if missing:
        raise ApiError(20001, f"Missing field(s): {', '.join(missing)}")
    try:
        message = await sim(request).engine.receive(
            account.sid, fields["From"], fields["To"], fields["Body"]
        )
    except ValueError as error:
        raise ApiError(20001, str(error)) from None
    return JSONResponse(message_json(message), status_code=201)


async def add_number(request: Request) -> Response:
    """POST /_simulator/numbers with PhoneNumber (and Type): own it without buying it."""
    account = authenticate(request)
    fields = await _fields(request)
    phone = str(fields.get("PhoneNumber", ""))
    kind = str(fields.get("Type", ""))
    number = provision(sim(request).store, account.sid, phone, kind, fields.get("SmsUrl") or None)
    return JSONResponse(number_json(number), status_code=201)


def provision(
    store: Store,
    account_sid: str,
    phone: str,
    kind: str = "",
    sms_url: str | None = None,
    *,
    api: str = "twilio",
) -> OwnedNumber:
    """Give an account a number directly (short codes and test numbers are not in the stock).

    >>> store = Store(); provision(store, "AC" + "0" * 32, "12345").number_type
    'short_code'
    """
    kind = kind or ("short_code" if billing.is_short_code(phone) else "local")
    if kind not in NUMBER_TYPES:
        raise ApiError(20001, f"Type must be one of {', '.join(NUMBER_TYPES)}")
    if not (billing.is_short_code(phone) or billing.is_possible(phone)):
        raise ApiError(21421, f"PhoneNumber {phone!r} is invalid")
    try:
        return store.add_number(
            OwnedNumber(
                sid=new_sid("PN"),
                account_sid=account_sid,
                phone_number=phone,
                friendly_name=friendly_name(phone),
                iso_country=billing.country_of(phone) or "US",
                number_type=kind,
                date_created=utcnow(),
                sms_url=sms_url,
                api=api,
            )
        )
    except ValueError:
        raise ApiError(21422, f"PhoneNumber {phone} is not available") from None


ROUTES = [
    Route("/_simulator/health", health, methods=["GET"]),
    Route("/_simulator/config", get_config, methods=["GET"]),
    Route("/_simulator/config", set_config, methods=["POST"]),
    Route("/_simulator/inbound", inbound, methods=["POST"]),
    Route("/_simulator/numbers", add_number, methods=["POST"]),
]
