"""Messaging Services (``messaging.twilio.com/v1/Services``): one per account, to practise with.

Twilio's Messaging Services pool an account's senders behind one ``MG`` SID and are what A2P 10DLC
campaigns and ``SendAt`` scheduling need (Twilio docs: "Messaging Services"; "Schedule a Message").
The simulator gives every account one service, named so that staff can tell it apart, with a SID
derived from the account's (stable across restarts of a simulator file). Sends accept any ``MG``
SID, as before; this list is what lets the Campaign Sender offer the service as a sender.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from smskit.simulator.state import Account
from smskit.simulator.web import authenticate, int_param

BASE = "https://messaging.twilio.com/v1/Services"
PRACTICE_NAME = "smskit practice service"


def practice_service_sid(account_sid: str) -> str:
    """The SID of an account's practice Messaging Service: ``MG`` and the account's 32 hex digits.

    >>> practice_service_sid("AC" + "ab" * 16)
    'MGabababababababababababababababab'
    """
    return "MG" + account_sid[2:]


def service_json(account: Account) -> dict[str, Any]:
    """The practice service as Twilio's Messaging v1 Service resource.

    >>> from smskit.simulator.state import Account
    >>> service_json(Account("AC" + "1" * 32, "t"))["friendly_name"]
    'smskit practice service'
    """
    sid = practice_service_sid(account.sid)
    created = account.created.strftime("%Y-%m-%dT%H:%M:%SZ")
    return {
        "account_sid": account.sid,
        "sid": sid,
        "friendly_name": PRACTICE_NAME,
        "date_created": created,
        "date_updated": created,
        "inbound_request_url": None,
        "inbound_method": "POST",
        "fallback_url": None,
        "fallback_method": "POST",
        "status_callback": None,
        "sticky_sender": True,
        "mms_converter": True,
        "smart_encoding": True,
        "scan_message_content": "inherit",
        "fallback_to_long_code": False,
        "area_code_geomatch": True,
        "synchronous_validation": True,
        "validity_period": 36000,
        "usecase": "marketing",
        "us_app_to_person_registered": False,
        "use_inbound_webhook_on_number": False,
        "url": f"{BASE}/{sid}",
        "links": {
            "phone_numbers": f"{BASE}/{sid}/PhoneNumbers",
            "short_codes": f"{BASE}/{sid}/ShortCodes",
            "alpha_senders": f"{BASE}/{sid}/AlphaSenders",
        },
    }


def _url(size: int, page: int) -> str:
    return f"{BASE}?{urlencode({'PageSize': size, 'Page': page})}"


async def list_services(request: Request) -> Response:
    """GET /v1/Services: the account's Messaging Services, in Twilio's v1 page shape."""
    account = authenticate(request)
    size = int_param(request, "PageSize", 50, 1, 1000)
    page = int_param(request, "Page", 0, 0, 10_000)
    services = [service_json(account)] if page == 0 else []
    return JSONResponse(
        {
            "services": services,
            "meta": {
                "first_page_url": _url(size, 0),
                "key": "services",
                "next_page_url": None,
                "page": page,
                "page_size": size,
                "previous_page_url": _url(size, page - 1) if page > 0 else None,
                "url": _url(size, page),
            },
        }
    )


ROUTES = [Route("/v1/Services", list_services, methods=["GET"])]
