"""The Account resource of REST API v2010 (``GET /2010-04-01/Accounts/{Sid}.json``).

A connection test fetches it: ``type`` says ``Trial`` or ``Full``. The simulator never returns the
auth token in it (Twilio's resource has an ``auth_token`` field; leaving it null keeps the secret
out of anything a client might log).
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from smskit.simulator.render import API_VERSION, rfc2822
from smskit.simulator.state import Account
from smskit.simulator.web import authenticate, sim


def account_json(account: Account, trial: bool) -> dict[str, Any]:
    """An account as Twilio's Account resource, without its auth token.

    >>> account_json(Account("AC" + "0" * 32, "secret"), trial=True)["type"]
    'Trial'
    """
    uri = f"/{API_VERSION}/Accounts/{account.sid}.json"
    base = uri[: -len(".json")]
    return {
        "auth_token": None,
        "date_created": rfc2822(account.created),
        "date_updated": rfc2822(account.created),
        "friendly_name": "smskit simulator",
        "owner_account_sid": account.sid,
        "sid": account.sid,
        "status": "active",
        "subresource_uris": {
            name: f"{base}/{name}.json"
            for name in ("Messages", "IncomingPhoneNumbers", "AvailablePhoneNumbers")
        },
        "type": "Trial" if trial else "Full",
        "uri": uri,
    }


async def fetch_account(request: Request) -> Response:
    """GET Accounts/{Sid}.json."""
    account = authenticate(request, request.path_params["account_sid"])
    return JSONResponse(account_json(account, sim(request).engine.config.trial))


ROUTES = [Route("/2010-04-01/Accounts/{account_sid}.json", fetch_account, methods=["GET"])]
