"""Vonage plumbing free of the SDK: the error type, the HTTP adapter, the log filter, the reports.

Kept apart from :mod:`smskit.providers.vonage` (the only module that imports ``vonage``) so that
the provider stays about sending.

>>> VonageProviderError(status=429, code=100001).retryable
True
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from smskit.i18n.catalog import LocalizedError
from smskit.providers import MessageRecord, ProviderError
from smskit.providers.retry import Retrier
from smskit.providers.vonage_codes import vonage_meaning
from smskit.providers.vonage_convert import group_records

__all__ = ["LOOKBACK", "ReportsLookup", "VonageProviderError", "adapter_class", "quiet_sdk_debug"]

LOOKBACK = timedelta(days=2)  # how far back the Reports API is asked for a lost send


class VonageProviderError(ProviderError):
    """A failed Vonage request, with Vonage's meanings (codes namespaced, see vonage_codes).

    >>> str(VonageProviderError(status=400, code=100029))[:36]
    'A demo account can only send to its '
    """

    provider = "Vonage"

    def __init__(
        self,
        *,
        status: int | None,
        code: int | None = None,
        retry_after: float | None = None,
        unknown_outcome: bool = False,
    ) -> None:
        super().__init__(
            status=status, code=code, retry_after=retry_after, unknown_outcome=unknown_outcome
        )
        if not unknown_outcome:
            LocalizedError.__init__(self, vonage_meaning(code, status), status=status, code=code)


def adapter_class(base_url: str | None) -> Any:
    """A ``requests`` adapter class: pooled, no retries; to a loopback simulator, plain HTTP.

    >>> adapter_class("http://127.0.0.1:1").__name__
    'SmskitAdapter'
    """
    from requests.adapters import HTTPAdapter

    class SmskitAdapter(HTTPAdapter):
        """Pooled, no retries of its own; to a loopback simulator, plain HTTP."""

        def send(self, request: Any, *args: Any, **kwargs: Any) -> Any:
            if base_url is not None and request.url.startswith("https://"):
                request.url = base_url.rstrip("/") + "/" + request.url.split("/", 3)[3]
            return super().send(request, *args, **kwargs)

    return SmskitAdapter


class _NoSecretsInDebug(logging.Filter):
    """Drop the SDK's DEBUG lines: they print every request's headers (the Basic-auth value made
    from the API secret) and form data (``api_secret``) verbatim."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno > logging.DEBUG


_FILTER = _NoSecretsInDebug()


def quiet_sdk_debug() -> None:
    """Install the filter on the SDK's ``vonage`` logger (once).

    >>> quiet_sdk_debug(); quiet_sdk_debug()
    >>> sum(isinstance(f, _NoSecretsInDebug) for f in logging.getLogger("vonage").filters)
    1
    """
    sdk_log = logging.getLogger("vonage")
    if _FILTER not in sdk_log.filters:
        sdk_log.addFilter(_FILTER)


class ReportsLookup:
    """Reading sent and received messages back from the Reports API (``/v2/reports/records``):
    Vonage has no Messages list. Needs ``self.client`` (the SDK client), ``self.api_key`` and
    ``self._retry`` (a :class:`Retrier`), as :class:`smskit.providers.vonage.VonageProvider` has."""

    client: Any
    _retry: Retrier

    @property
    def api_key(self) -> str:
        """The account's API key (the provider's own)."""
        raise NotImplementedError

    def _records(self, **filters: Any) -> list[dict[str, Any]]:
        """SMS records from the Reports API (synchronous ``/v2/reports/records``, basic auth)."""
        http = self.client.http_client
        params = {"account_id": self.api_key, "product": "SMS", "include_message": "true"}
        params.update({k: v for k, v in filters.items() if v is not None})
        answer = http.get(http.api_host, "/v2/reports/records", params, "basic")
        return list((answer or {}).get("records", []))

    def find_by_reference(self, client_ref: str, *, to: str | None = None) -> MessageRecord | None:
        """The send made with ``client_ref`` (all its parts, as one record), or None."""
        since = (datetime.now(UTC) - LOOKBACK).strftime("%Y-%m-%dT%H:%M:%SZ")
        found = group_records(
            self._records(
                direction="outbound",
                client_ref=client_ref,
                to=to.lstrip("+") if to else None,
                date_start=since,
            )
        )
        return found[0] if found else None

    def fetch(self, sid: str) -> MessageRecord:
        """The current state of a message (all parts of the send ``sid`` belongs to)."""

        def read() -> MessageRecord:
            rows = self._records(direction="outbound", id=sid)
            if not rows:
                raise LocalizedError("Vonage has no message {sid}.", sid=sid)
            ref = rows[0].get("client_ref")
            if ref:
                rows = self._records(direction="outbound", client_ref=ref)
            return group_records(rows)[0]

        return self._retry.call(read)

    def cancel(self, sid: str) -> MessageRecord:
        """Vonage holds no scheduled messages, so there is nothing to cancel: ProviderError."""
        raise VonageProviderError(status=400, code=None)

    def list_messages(
        self,
        *,
        to: str | None = None,
        from_: str | None = None,
        sent_after: datetime | None = None,
        sent_before: datetime | None = None,
        limit: int | None = 200,
    ) -> Sequence[MessageRecord]:
        """Messages of both directions from the Reports API, one record per send, newest first."""
        start = sent_after or datetime.now(UTC) - LOOKBACK
        filters = {
            "to": to.lstrip("+") if to else None,
            "from": from_.lstrip("+") if from_ else None,
            "date_start": start.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "date_end": sent_before.strftime("%Y-%m-%dT%H:%M:%SZ") if sent_before else None,
        }

        def read() -> list[MessageRecord]:
            rows = self._records(direction="outbound", **filters)
            rows += self._records(direction="inbound", **filters)
            return group_records(rows)

        records = self._retry.call(read)
        return tuple(records[:limit] if limit else records)
