"""The simulator's ASGI application: Twilio's routes, Twilio-shaped errors, limits and faults.

Routing is by path only, so every ``*.twilio.com`` host (api., pricing., ...) can point at one
server: ``/2010-04-01/...`` is the REST API v2010, ``/v1/Messaging/...`` the Pricing API v1, and
``/_simulator/...`` the simulator's own admin endpoints (not part of Twilio).
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute
from starlette.types import ASGIApp

from smskit.simulator import (
    accounts_api,
    admin_api,
    messages_api,
    numbers_api,
    pricing_api,
    services_api,
    vonage_api,
    vonage_reports_api,
)
from smskit.simulator.faults import FaultsAndLimits
from smskit.simulator.web import ApiError, Simulator


async def _api_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, ApiError)
    return error.response()


async def _http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, HTTPException)
    if error.status_code == 405:
        return ApiError(20004, "Method not allowed").response()
    return ApiError(20404, f"The requested resource {request.url.path} was not found").response()


def build_app(simulator: Simulator) -> ASGIApp:
    """The whole simulator as one ASGI app (Starlette routes wrapped in the faults middleware)."""

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await simulator.engine.startup()
        try:
            yield
        finally:
            await simulator.engine.shutdown()

    routes: list[BaseRoute] = [
        *accounts_api.ROUTES,
        *messages_api.ROUTES,
        *numbers_api.ROUTES,
        *pricing_api.ROUTES,
        *services_api.ROUTES,
        *admin_api.ROUTES,
        *vonage_api.ROUTES,
        *vonage_reports_api.ROUTES,
    ]
    app = Starlette(
        routes=routes,
        lifespan=lifespan,
        exception_handlers={
            ApiError: _api_error,
            HTTPException: _http_error,
            **vonage_api.EXCEPTION_HANDLERS,
        },
    )
    app.state.simulator = simulator
    return FaultsAndLimits(app, simulator.engine)
