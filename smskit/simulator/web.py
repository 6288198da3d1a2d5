"""Shared HTTP pieces of the simulator's API: Twilio errors, basic auth and list paging.

>>> ApiError(20404).status
404
>>> page_query({"To": "+1415", "DateSent>": "2024-01-01"}, 50, 1, "PASM1")
'To=%2B1415&DateSent%3E=2024-01-01&PageSize=50&Page=1&PageToken=PASM1'
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import JSONResponse

from smskit.simulator.lifecycle import Engine
from smskit.simulator.render import ERRORS, error_body
from smskit.simulator.state import Account, Store


class ApiError(Exception):
    """A Twilio API error: HTTP status plus Twilio error code, rendered as Twilio's error body."""

    def __init__(
        self, code: int, message: str | None = None, headers: Mapping[str, str] | None = None
    ):
        super().__init__(message or ERRORS.get(code, (400, "Error"))[1])
        self.code = code
        self.body = error_body(code, message)
        self.status: int = self.body["status"]
        self.headers = dict(headers or {})

    def response(self) -> JSONResponse:
        """The JSON response Twilio would send.

        >>> ApiError(21211).response().status_code
        400
        """
        return JSONResponse(self.body, status_code=self.status, headers=self.headers)


@dataclass(frozen=True, slots=True)
class Simulator:
    """What every route needs: the state and the lifecycle engine."""

    store: Store
    engine: Engine


def sim(request: Request) -> Simulator:
    """The simulator behind this request's app."""
    value: Simulator = request.app.state.simulator
    return value


def credentials(request: Request) -> tuple[str, str] | None:
    """The (username, password) of the request's HTTP basic auth, or None."""
    header = request.headers.get("authorization", "")
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        username, sep, password = base64.b64decode(encoded).decode("utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return (username, password) if sep else None


def authenticate(request: Request, account_sid: str | None = None) -> Account:
    """The account the request is authorised for; 401 / 20003 otherwise (Twilio's answer)."""
    given = credentials(request)
    if given is None:
        raise ApiError(20003, "Authentication Error - No credentials provided", _challenge())
    store = sim(request).store
    username, password = given
    candidates = [store.account(account_sid)] if account_sid else store.accounts_for(username)
    for account in candidates:
        if account is not None and account.accepts(username, password):
            return account
    raise ApiError(20003, "Authentication Error - invalid username", _challenge())


def _challenge() -> dict[str, str]:
    return {"WWW-Authenticate": 'Basic realm="Twilio API"'}


def page_query(filters: Mapping[str, str], size: int, page: int, token: str | None) -> str:
    """The query string of one page of a v2010 list, filters first as Twilio writes them."""
    pairs = [*filters.items(), ("PageSize", str(size)), ("Page", str(page))]
    if token:
        pairs.append(("PageToken", token))
    return urlencode(pairs)


def int_param(request: Request, name: str, default: int, low: int, high: int) -> int:
    """An integer query parameter within [low, high]; 400 / 20001-style error otherwise."""
    raw = request.query_params.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ApiError(20001, f"Invalid {name}: {raw!r}") from None
    if not low <= value <= high:
        raise ApiError(20001, f"{name} must be between {low} and {high}")
    return value


def v2010_page(
    request: Request,
    key: str,
    items: Sequence[Any],
    filters: Mapping[str, str],
    sid_of: Callable[[Any], str],
    render: Callable[[Any], dict[str, Any]],
) -> dict[str, Any]:
    """One page of a v2010 list with Twilio's paging fields (page, page_size, next_page_uri, ...).

    ``PageToken`` is ``PA`` + the SID of the previous page's last record, so paging stays stable
    while new messages arrive at the head of the list.
    """
    size = int_param(request, "PageSize", 50, 1, 1000)
    page = int_param(request, "Page", 0, 0, 1_000_000)
    token = request.query_params.get("PageToken")
    start = page * size
    if token:
        after = token[2:]
        index = next((i for i, item in enumerate(items) if sid_of(item) == after), None)
        if index is None:
            raise ApiError(20001, f"Invalid PageToken: {token!r}")
        start = index + 1
    chosen = list(items[start : start + size])
    path = request.url.path
    next_uri = None
    if start + size < len(items) and chosen:
        next_uri = f"{path}?{page_query(filters, size, page + 1, 'PA' + sid_of(chosen[-1]))}"
    previous_uri = None
    if page > 0:
        previous_uri = f"{path}?{page_query(filters, size, page - 1, None)}"
    return {
        key: [render(item) for item in chosen],
        "end": start + len(chosen) - 1 if chosen else start,
        "first_page_uri": f"{path}?{page_query(filters, size, 0, None)}",
        "next_page_uri": next_uri,
        "page": page,
        "page_size": size,
        "previous_page_uri": previous_uri,
        "start": start,
        "uri": f"{path}?{page_query(filters, size, page, token)}",
    }
