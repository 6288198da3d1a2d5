"""Phone numbers: AvailablePhoneNumbers search and IncomingPhoneNumbers list, buy, update, release.

The stock is ``data/simulator_numbers.csv``: fictional ranges (NANP 555-01xx, Ofcom drama numbers),
so a demo never shows a real person's number. Filters follow Twilio's: AreaCode, Contains (digits,
letters as on a phone keypad, ``*`` for any one digit), InRegion, InLocality, InPostalCode.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from smskit._data import read_table
from smskit.simulator.render import friendly_name, number_json
from smskit.simulator.state import OwnedNumber, new_sid, utcnow
from smskit.simulator.web import ApiError, authenticate, int_param, sim, v2010_page

PREFIX = "/2010-04-01/Accounts/{account_sid}"
KINDS = {"Local": "local", "TollFree": "toll_free", "Mobile": "mobile"}
KEYPAD = {
    c: d
    for d, letters in zip(
        "23456789", ("ABC", "DEF", "GHI", "JKL", "MNO", "PQRS", "TUV", "WXYZ"), strict=True
    )
    for c in letters
}


@dataclass(frozen=True, slots=True)
class StockNumber:
    """A number the simulator can sell."""

    phone_number: str
    iso_country: str
    number_type: str
    locality: str
    region: str
    postal_code: str


@functools.cache
def stock() -> tuple[StockNumber, ...]:
    """Every number in the simulated inventory, in table order.

    >>> stock()[0].phone_number
    '+14155550100'
    """
    numbers = []
    for row in read_table("simulator_numbers"):
        digits, first = int(row["digits"]), int(row["first"])
        for i in range(first, first + int(row["count"])):
            numbers.append(
                StockNumber(
                    phone_number=row["prefix"] + str(i).zfill(digits),
                    iso_country=row["iso_country"],
                    number_type=row["number_type"],
                    locality=row["locality"],
                    region=row["region"],
                    postal_code=row["postal_code"],
                )
            )
    return tuple(numbers)


def contains_pattern(text: str) -> re.Pattern[str]:
    """Twilio's Contains filter as a regex: letters map to keypad digits, ``*`` to any digit.

    >>> bool(contains_pattern("555*1").search("+14155550100"))
    True
    >>> bool(contains_pattern("FLOWERS").search("+18003569377"))
    True
    """
    anchored = text.startswith("+")
    body = "".join(
        "[0-9]" if c == "*" else re.escape(KEYPAD.get(c.upper(), c)) for c in text.lstrip("+")
    )
    return re.compile(("^\\+" if anchored else "") + body)


def available_json(number: StockNumber) -> dict[str, Any]:
    """A stock number as Twilio's AvailablePhoneNumber resource."""
    return {
        "address_requirements": "none",
        "beta": False,
        "capabilities": {"mms": True, "sms": True, "voice": True, "fax": False},
        "friendly_name": friendly_name(number.phone_number),
        "iso_country": number.iso_country,
        "lata": None,
        "latitude": None,
        "locality": number.locality or None,
        "longitude": None,
        "phone_number": number.phone_number,
        "postal_code": number.postal_code or None,
        "rate_center": None,
        "region": number.region or None,
    }


async def search_available(request: Request) -> Response:
    """GET AvailablePhoneNumbers/{Country}/{Local|TollFree|Mobile}.json."""
    authenticate(request, request.path_params["account_sid"])
    country = request.path_params["country"].upper()
    kind = KINDS.get(request.path_params["kind"])
    if kind is None or not any(n.iso_country == country for n in stock()):
        raise ApiError(20404, f"The requested resource {request.url.path} was not found")
    query = request.query_params
    size = int_param(request, "PageSize", 50, 1, 1000)
    area = query.get("AreaCode")
    pattern = contains_pattern(query["Contains"]) if query.get("Contains") else None
    store = sim(request).store
    found = []
    for number in stock():
        if number.iso_country != country or number.number_type != kind:
            continue
        if area and not number.phone_number.startswith("+1" + area):
            continue
        if pattern and not pattern.search(number.phone_number):
            continue
        if any(
            query.get(k) and query[k].lower() != getattr(number, f).lower()
            for k, f in (
                ("InRegion", "region"),
                ("InLocality", "locality"),
                ("InPostalCode", "postal_code"),
            )
        ):
            continue
        if store.is_taken(number.phone_number):
            continue
        found.append(available_json(number))
        if len(found) == size:
            break
    return JSONResponse({"available_phone_numbers": found, "uri": request.url.path})


async def buy_number(request: Request) -> Response:
    """POST IncomingPhoneNumbers.json with PhoneNumber (or AreaCode): buy from the stock."""
    account = authenticate(request, request.path_params["account_sid"])
    form = await request.form()
    store = sim(request).store
    wanted, area = form.get("PhoneNumber"), form.get("AreaCode")
    if isinstance(wanted, str) and wanted:
        number = next((n for n in stock() if n.phone_number == wanted), None)
        if number is None:
            raise ApiError(
                21421, f"PhoneNumber {wanted} is invalid or not in the simulator's stock"
            )
        if store.is_taken(wanted):
            raise ApiError(21422, f"PhoneNumber {wanted} is not available")
    elif isinstance(area, str) and area:
        free = (
            n
            for n in stock()
            if n.phone_number.startswith("+1" + area) and not store.is_taken(n.phone_number)
        )
        number = next(free, None)
        if number is None:
            raise ApiError(21452, f"No phone numbers found in area code {area}")
    else:
        raise ApiError(21421, "PhoneNumber or AreaCode is required")
    owned = store.add_number(
        OwnedNumber(
            sid=new_sid("PN"),
            account_sid=account.sid,
            phone_number=number.phone_number,
            friendly_name=_text(form.get("FriendlyName")) or friendly_name(number.phone_number),
            iso_country=number.iso_country,
            number_type=number.number_type,
            date_created=utcnow(),
            sms_url=_text(form.get("SmsUrl")),
            status_callback=_text(form.get("StatusCallback")),
        )
    )
    return JSONResponse(number_json(owned), status_code=201)


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


async def list_owned(request: Request) -> Response:
    """GET IncomingPhoneNumbers.json with PhoneNumber and FriendlyName filters, paged."""
    account = authenticate(request, request.path_params["account_sid"])
    query = request.query_params
    filters = {k: query[k] for k in ("PhoneNumber", "FriendlyName") if k in query}
    owned = [
        n
        for n in reversed(sim(request).store.owned(account.sid))  # newest first, as Twilio lists
        if filters.get("PhoneNumber", n.phone_number) == n.phone_number
        and filters.get("FriendlyName", n.friendly_name) == n.friendly_name
    ]
    page = v2010_page(
        request, "incoming_phone_numbers", owned, filters, lambda n: n.sid, number_json
    )
    return JSONResponse(page)


def _own_number(request: Request) -> OwnedNumber:
    account = authenticate(request, request.path_params["account_sid"])
    sid = request.path_params["sid"]
    number = next((n for n in sim(request).store.owned(account.sid) if n.sid == sid), None)
    if number is None:
        raise ApiError(20404, f"The requested resource {request.url.path} was not found")
    return number


async def fetch_owned(request: Request) -> Response:
    """GET IncomingPhoneNumbers/{Sid}.json."""
    return JSONResponse(number_json(_own_number(request)))


async def update_owned(request: Request) -> Response:
    """POST IncomingPhoneNumbers/{Sid}.json: SmsUrl, StatusCallback, FriendlyName."""
    number = _own_number(request)
    form = await request.form()
    names = {
        "SmsUrl": "sms_url",
        "StatusCallback": "status_callback",
        "FriendlyName": "friendly_name",
    }
    changes = {
        field: value for key, field in names.items() if isinstance(value := form.get(key), str)
    }
    return JSONResponse(number_json(sim(request).store.update_number(number.sid, **changes)))


async def release_owned(request: Request) -> Response:
    """DELETE IncomingPhoneNumbers/{Sid}.json: release the number."""
    number = _own_number(request)
    sim(request).store.release_number(number.sid)
    return Response(status_code=204)


ROUTES = [
    Route(
        PREFIX + "/AvailablePhoneNumbers/{country}/{kind}.json", search_available, methods=["GET"]
    ),
    Route(PREFIX + "/IncomingPhoneNumbers.json", list_owned, methods=["GET"]),
    Route(PREFIX + "/IncomingPhoneNumbers.json", buy_number, methods=["POST"]),
    Route(PREFIX + "/IncomingPhoneNumbers/{sid}.json", fetch_owned, methods=["GET"]),
    Route(PREFIX + "/IncomingPhoneNumbers/{sid}.json", update_owned, methods=["POST"]),
    Route(PREFIX + "/IncomingPhoneNumbers/{sid}.json", release_owned, methods=["DELETE"]),
]
