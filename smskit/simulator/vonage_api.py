"""Vonage's SMS, Account, Pricing, Numbers and Reports APIs, as the official SDK calls them.

Paths as the SDK builds them (``https://{rest_host}/sms/json`` and so on; hosts come from
``vonage.HttpClientOptions``), so one server answers both Twilio's paths and Vonage's:

- ``POST /sms/json`` (form): the SMS API. Vonage answers HTTP 200 even for a refusal: each part's
  ``status`` is "0" or an error code with ``error-text``
  (https://developer.vonage.com/en/messaging/sms/guides/troubleshooting-sms). A long message comes
  back as several messages, one per part, each with its own ``message-id``; ``client-ref`` is
  echoed in each part, in each delivery receipt and in the Reports API.
- ``GET /account/get-balance``, ``GET /account/get-pricing/outbound/sms?country=``.
- ``GET /number/search``, ``POST /number/buy``, ``GET /account/numbers``.
- ``GET /v2/reports/records`` (the Reports API, in :mod:`smskit.simulator.vonage_reports_api`), by
  ``id``, ``client_ref``, ``to``, ``from`` and ``date_start``/``date_end``: how smskit finds a send
  whose answer was lost (Vonage has no Messages list like Twilio's).

Magic recipients mirror Twilio's test numbers (there are no official Vonage ones):
+15005550001 -> status 3 (invalid), ...0003 -> 29 (non-whitelisted destination, a demo account's
limit), ...0004 -> 7 (barred: opted out), ...0009 -> 6 (unroutable, e.g. a landline).
"""

from __future__ import annotations

import base64
import binascii
import hmac
import uuid
from decimal import Decimal
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from smskit.encoding.segments import analyze
from smskit.simulator import billing
from smskit.simulator.numbers_api import stock
from smskit.simulator.render import friendly_name
from smskit.simulator.signing import vonage_signature
from smskit.simulator.state import Account, OwnedNumber, SimMessage, new_sid, utcnow
from smskit.simulator.vonage_hooks import message_id
from smskit.simulator.web import sim

MAGIC_TO = {
    "+15005550001": ("3", "Invalid to address"),
    "+15005550003": ("29", "Non-Whitelisted Destination"),
    "+15005550004": ("7", "Number barred"),
    "+15005550009": ("6", "Unroutable message - rejected"),
}
STARTING_BALANCE = Decimal("10.00")
MAX_TEXT = 3200  # the simulator refuses longer texts with status 12 ("Message too long")
NUMBER_TYPES = {"local": "landline", "mobile": "mobile-lvn", "toll_free": "landline-toll-free"}
_balances: dict[str, Decimal] = {}


class VonageRefusal(Exception):
    """A Vonage REST error: HTTP status and an RFC 7807 body, as Vonage's newer APIs answer."""

    def __init__(self, status: int, title: str, detail: str = "") -> None:
        super().__init__(title)
        self.status = status
        self.body = {
            "type": f"https://developer.vonage.com/api-errors#{title.lower().replace(' ', '-')}",
            "title": title,
            "detail": detail or title,
            "instance": str(uuid.uuid4()),
        }

    def response(self) -> JSONResponse:
        """The JSON error response."""
        return JSONResponse(self.body, status_code=self.status)


def _basic(request: Request) -> tuple[str, str] | None:
    scheme, _, encoded = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        key, sep, secret = base64.b64decode(encoded).decode("utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return (key, secret) if sep else None


def authenticate(request: Request, fields: dict[str, str] | None = None) -> Account | None:
    """The account of basic auth, ``api_key``+``api_secret`` or a signed request; None if none."""
    store = sim(request).store
    given = _basic(request)
    if given is None and fields is not None:
        key = fields.get("api_key", "")
        if "api_secret" in fields:
            given = (key, fields["api_secret"])
        elif "sig" in fields:
            account = store.account_for_vonage_key(key)
            if account is None:
                return None
            unsigned = {k: v for k, v in fields.items() if k != "sig"}
            expected = vonage_signature(account.signature_secret, unsigned)
            return account if hmac.compare_digest(fields["sig"].lower(), expected) else None
    if given is None:
        return None
    account = store.account_for_vonage_key(given[0])
    if account is None or not hmac.compare_digest(given[1], account.vonage_secret):
        return None
    return account


def rest_account(request: Request) -> Account:
    account = authenticate(request, dict(request.query_params))
    if account is None:
        raise VonageRefusal(401, "Unauthorized", "You did not provide correct credentials.")
    return account


def balance(account_sid: str) -> Decimal:
    """What is left on a simulated account (it starts with 10.00)."""
    return _balances.get(account_sid, STARTING_BALANCE)


def _charge(account_sid: str, amount: Decimal) -> Decimal:
    left = balance(account_sid) - amount
    _balances[account_sid] = left
    return left


def _refused(to: str, status: str, text: str) -> JSONResponse:
    part = {"to": to.lstrip("+"), "status": status, "error-text": text}
    return JSONResponse({"message-count": "1", "messages": [part]})


def _e164(value: str) -> str:
    value = value.strip()
    return value if value.startswith("+") or not value.isdigit() else "+" + value


async def send_sms(request: Request) -> Response:
    """POST /sms/json: validate like Vonage, one stored message per part, answer 200."""
    form = await request.form()
    fields = {k: v for k, v in form.items() if isinstance(v, str)}
    simulator = sim(request)
    account = authenticate(request, fields)
    raw_to = fields.get("to", "")
    if account is None:
        code = "14" if "sig" in fields else "4"
        return _refused(raw_to, code, "Invalid Signature" if code == "14" else "Bad Credentials")
    missing = [name for name in ("to", "from", "text") if not fields.get(name)]
    if missing:
        return _refused(raw_to, "2", f"Missing {missing[0]} param")
    to, sender, text = _e164(raw_to), fields["from"].strip(), fields["text"]
    config = simulator.engine.config
    if to in MAGIC_TO:
        return _refused(raw_to, *MAGIC_TO[to])
    if not billing.is_possible(to):
        return _refused(raw_to, "3", "Invalid to address")
    if config.trial and to not in config.verified_numbers:
        return _refused(raw_to, "29", "Non-Whitelisted Destination")
    if len(text) > MAX_TEXT:
        return _refused(raw_to, "12", "Message too long")
    sender = _e164(sender)
    if not (billing.is_alphanumeric_sender(sender) or sender.startswith("+")):
        return _refused(raw_to, "15", "Illegal Sender Address - rejected")
    if simulator.store.is_opted_out(account.sid, [sender], to):
        return _refused(raw_to, "7", "Number barred")
    parts = [s.text for s in analyze(text).segments] or [text]
    country = billing.country_of(to)
    unit = _unit_price(country)
    client_ref = fields.get("client-ref") or None
    callback = fields.get("callback") or config.vonage_dlr_url
    now = utcnow()
    answers = []
    for index, part in enumerate(parts, start=1):
        message = SimMessage(
            sid=message_id(),
            account_sid=account.sid,
            to=to,
            from_=sender,
            body=part,
            status="queued",
            direction="outbound-api",
            date_created=now,
            date_updated=now,
            num_segments=1,
            country=country,
            price_unit="EUR",
            status_callback=callback,
            api="vonage",
            client_ref=client_ref,
            part=index,
            parts=len(parts),
            network=_network(country),
        )
        simulator.store.add_message(message)
        simulator.engine.submit(message)
        left = _charge(account.sid, unit)
        answer = {
            "to": to.lstrip("+"),
            "message-id": message.sid,
            "status": "0",
            "remaining-balance": f"{left:.8f}",
            "message-price": f"{unit:.8f}",
            "network": message.network,
        }
        if client_ref:
            answer["client-ref"] = client_ref
        answers.append(answer)
    return JSONResponse({"message-count": str(len(answers)), "messages": answers})


def _unit_price(country: str | None) -> Decimal:
    # smskit's price table figure (USD, data/countries.csv) under Vonage's default account currency
    # label, EUR: the simulator shows Vonage's shapes, not Vonage's tariff.
    price = billing.country_prices().get(country or "")
    return price.outbound if price is not None else Decimal("0.05")


def _network(country: str | None) -> str:
    # Mobile network codes are MCC+MNC; the simulator names one fictional network per country.
    return {"US": "310999", "GB": "23499", "ID": "51099"}.get(country or "", "99999")


async def get_balance(request: Request) -> Response:
    """GET /account/get-balance."""
    account = rest_account(request)
    return JSONResponse({"value": float(balance(account.sid)), "autoReload": False})


async def get_pricing(request: Request) -> Response:
    """GET /account/get-pricing/outbound/sms?country=XX."""
    rest_account(request)
    iso = request.query_params.get("country", "").upper()
    price = billing.country_prices().get(iso)
    if price is None:
        return JSONResponse({"countryCode": iso, "networks": []})
    amount = f"{price.outbound:.8f}"
    return JSONResponse(
        {
            "countryCode": iso,
            "countryName": price.country,
            "countryDisplayName": price.country,
            "currency": "EUR",
            "defaultPrice": amount,
            "dialingPrefix": str(_dialing_prefix(iso)),
            "networks": [
                {
                    "type": "mobile",
                    "price": amount,
                    "currency": "EUR",
                    "mcc": _network(iso)[:3],
                    "mnc": _network(iso)[3:],
                    "networkCode": _network(iso),
                    "networkName": f"Simulated {iso} Mobile",
                }
            ],
        }
    )


def _dialing_prefix(iso: str) -> int:
    import phonenumbers

    return phonenumbers.country_code_for_region(iso)


def _number_json(number: Any, owned: bool) -> dict[str, Any]:
    kind = NUMBER_TYPES.get(number.number_type, "landline")
    body: dict[str, Any] = {
        "country": number.iso_country,
        "msisdn": number.phone_number.lstrip("+"),
        "type": kind,
        "features": ["SMS", "VOICE"],
    }
    if owned:
        if number.sms_url:
            body["moHttpUrl"] = number.sms_url
    else:
        body["cost"] = "1.25"
    return body


def _page(request: Request) -> tuple[int, int]:
    try:
        size = min(100, max(1, int(request.query_params.get("size", "10"))))
        index = max(1, int(request.query_params.get("index", "1")))
    except ValueError:
        raise VonageRefusal(400, "Bad Request", "size and index must be numbers") from None
    return size, index


def _matches(msisdn: str, pattern: str | None, how: str | None) -> bool:
    if not pattern:
        return True
    if how == "0":
        return msisdn.startswith(pattern)
    if how == "2":
        return msisdn.endswith(pattern)
    return pattern in msisdn


async def search_numbers(request: Request) -> Response:
    """GET /number/search?country=&type=&pattern=&search_pattern=&size=&index=."""
    rest_account(request)
    query = request.query_params
    iso = query.get("country", "").upper()
    wanted = {v: k for k, v in NUMBER_TYPES.items()}.get(query.get("type", ""))
    store = sim(request).store
    size, index = _page(request)
    found = [
        n
        for n in stock()
        if n.iso_country == iso
        and (wanted is None or n.number_type == wanted)
        and not store.is_taken(n.phone_number)
        and _matches(n.phone_number.lstrip("+"), query.get("pattern"), query.get("search_pattern"))
    ]
    chosen = found[(index - 1) * size : index * size]
    return JSONResponse({"count": len(found), "numbers": [_number_json(n, False) for n in chosen]})


async def buy_number(request: Request) -> Response:
    """POST /number/buy with country and msisdn: 200 with error-code "200", else 420."""
    form = await request.form()
    account = authenticate(request, {k: v for k, v in form.items() if isinstance(v, str)})
    if account is None:
        raise VonageRefusal(401, "Unauthorized", "You did not provide correct credentials.")
    msisdn = str(form.get("msisdn", "")).lstrip("+")
    number = next((n for n in stock() if n.phone_number == "+" + msisdn), None)
    store = sim(request).store
    if number is None or store.is_taken(number.phone_number):
        # Vonage answers a failed purchase with HTTP 420 and {"error-code": "420", ...}.
        body = {"error-code": "420", "error-code-label": "method failed"}
        return JSONResponse(body, status_code=420)
    store.add_number(
        OwnedNumber(
            sid=new_sid("PN"),
            account_sid=account.sid,
            phone_number=number.phone_number,
            friendly_name=friendly_name(number.phone_number),
            iso_country=number.iso_country,
            number_type=number.number_type,
            date_created=utcnow(),
            api="vonage",
        )
    )
    return JSONResponse({"error-code": "200", "error-code-label": "success"})


async def owned_numbers(request: Request) -> Response:
    """GET /account/numbers (paged by size and index)."""
    account = rest_account(request)
    size, index = _page(request)
    owned = sim(request).store.owned(account.sid)
    chosen = owned[(index - 1) * size : index * size]
    return JSONResponse({"count": len(owned), "numbers": [_number_json(n, True) for n in chosen]})


async def _refusal(request: Request, error: Exception) -> Response:
    assert isinstance(error, VonageRefusal)
    return error.response()


ROUTES = [
    Route("/sms/json", send_sms, methods=["POST"]),
    Route("/account/get-balance", get_balance, methods=["GET"]),
    Route("/account/get-pricing/outbound/sms", get_pricing, methods=["GET"]),
    Route("/number/search", search_numbers, methods=["GET"]),
    Route("/number/buy", buy_number, methods=["POST"]),
    Route("/account/numbers", owned_numbers, methods=["GET"]),
]
EXCEPTION_HANDLERS = {VonageRefusal: _refusal}
