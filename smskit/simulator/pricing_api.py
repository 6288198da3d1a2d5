"""Twilio's Pricing API v1: ``/v1/Messaging/Countries[/{IsoCountry}]``, ``/v1/PhoneNumbers/...``.

The real API lives at https://pricing.twilio.com; its list uses the newer ``meta`` paging block with
absolute URLs, which the twilio client follows as given (so they name pricing.twilio.com, and a
client pointed at the simulator rewrites them like any other Twilio URL).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from smskit._data import read_table
from smskit.simulator.billing import CountryPrice, country_prices
from smskit.simulator.web import ApiError, authenticate, int_param

BASE = "https://pricing.twilio.com/v1/Messaging/Countries"
NUMBER_TYPES = ("local", "mobile", "toll free", "shortcode")


def _url(size: int, page: int) -> str:
    return f"{BASE}?{urlencode({'PageSize': size, 'Page': page})}"


async def list_countries(request: Request) -> Response:
    """GET /v1/Messaging/Countries: every country with a price, paged."""
    authenticate(request)
    size = int_param(request, "PageSize", 50, 1, 1000)
    page = int_param(request, "Page", 0, 0, 10_000)
    countries = sorted(country_prices().values(), key=lambda c: c.country)
    chosen = countries[page * size : (page + 1) * size]
    more = (page + 1) * size < len(countries)
    body = {
        "countries": [
            {"country": c.country, "iso_country": c.iso_country, "url": f"{BASE}/{c.iso_country}"}
            for c in chosen
        ],
        "meta": {
            "first_page_url": _url(size, 0),
            "key": "countries",
            "next_page_url": _url(size, page + 1) if more else None,
            "page": page,
            "page_size": size,
            "previous_page_url": _url(size, page - 1) if page > 0 else None,
            "url": _url(size, page),
        },
    }
    return JSONResponse(body)


def country_json(price: CountryPrice) -> dict[str, Any]:
    """One country's messaging prices in the Pricing API's shape (prices as decimal strings).

    >>> country_json(country_prices()["US"])["outbound_sms_prices"][0]["prices"][0]["current_price"]
    '0.0083'
    """
    outbound = [
        {"base_price": str(price.outbound), "current_price": str(price.outbound), "number_type": t}
        for t in NUMBER_TYPES
    ]
    return {
        "country": price.country,
        "inbound_sms_prices": [
            {
                "base_price": str(price.inbound),
                "current_price": str(price.inbound),
                "number_type": t,
            }
            for t in NUMBER_TYPES
        ],
        "iso_country": price.iso_country,
        # One entry for all carriers: the simulator does not price per network (MCC/MNC).
        "outbound_sms_prices": [
            {"carrier": "All carriers", "mcc": "", "mnc": "", "prices": outbound}
        ],
        "price_unit": price.price_unit,
        "url": f"{BASE}/{price.iso_country}",
    }


async def fetch_country(request: Request) -> Response:
    """GET /v1/Messaging/Countries/{IsoCountry}."""
    authenticate(request)
    code = request.path_params["iso"].upper()
    price = country_prices().get(code)
    if price is None:
        raise ApiError(20404, f"The requested resource {request.url.path} was not found")
    return JSONResponse(country_json(price))


def number_rentals(country: str) -> list[dict[str, str]]:
    """Monthly number rental by Twilio number type, from ``data/sender_fees.csv`` (published set).

    A country without its own figure gets the table's ``*`` row, as the table itself notes.

    >>> [(p["number_type"], p["current_price"]) for p in number_rentals("US")]
    [('local', '1.15'), ('mobile', '1.15'), ('toll free', '2.15')]
    """
    rows = [
        r
        for r in read_table("sender_fees")
        if r["price_set"] == "published" and r["item"] == "Number rental" and r["kind"] == "monthly"
    ]

    def rental(sender_type: str) -> str | None:
        for wanted in (country, "*"):
            for r in rows:
                if r["sender_type"] == sender_type and r["country"] == wanted:
                    return r["amount"]
        return None

    prices = []
    for number_type, sender_type in (
        ("local", "long_code"),
        ("mobile", "long_code"),
        ("toll free", "toll_free"),
    ):
        amount = rental(sender_type)
        if amount is not None:
            prices.append(
                {"number_type": number_type, "base_price": amount, "current_price": amount}
            )
    return prices


async def fetch_number_country(request: Request) -> Response:
    """GET /v1/PhoneNumbers/Countries/{IsoCountry}: monthly rental per number type."""
    authenticate(request)
    code = request.path_params["iso"].upper()
    price = country_prices().get(code)
    if price is None:
        raise ApiError(20404, f"The requested resource {request.url.path} was not found")
    return JSONResponse(
        {
            "country": price.country,
            "iso_country": code,
            "phone_number_prices": number_rentals(code),
            "price_unit": "USD",
            "url": f"https://pricing.twilio.com/v1/PhoneNumbers/Countries/{code}",
        }
    )


ROUTES = [
    Route("/v1/PhoneNumbers/Countries/{iso}", fetch_number_country, methods=["GET"]),
    Route("/v1/Messaging/Countries", list_countries, methods=["GET"]),
    Route("/v1/Messaging/Countries/{iso}", fetch_country, methods=["GET"]),
]
