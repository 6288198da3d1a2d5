"""The Messages resource of Twilio's REST API v2010: create, fetch, list, cancel and delete.

Validation follows Twilio's error catalogue (facts B2, B4), including the test-credential magic
numbers (https://www.twilio.com/docs/iam/test-credentials): To +15005550001 -> 21211, ...0002 ->
21612, ...0003 -> 21408, ...0004 -> 21610, ...0009 -> 21614; From +15005550006 is a valid sender.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from smskit.simulator import billing
from smskit.simulator.lifecycle import parse_send_at
from smskit.simulator.render import message_json
from smskit.simulator.state import Account, SimMessage, new_sid, utcnow
from smskit.simulator.web import ApiError, Simulator, authenticate, sim, v2010_page

MAGIC_TO = {
    "+15005550001": 21211,
    "+15005550002": 21612,
    "+15005550003": 21408,
    "+15005550004": 21610,
    "+15005550009": 21614,
}
MAGIC_FROM = {"+15005550001": 21212, "+15005550007": 21606, "+15005550008": 21611}
VALID_MAGIC_FROM = "+15005550006"
TRIAL_PREFIX = "Sent from your Twilio trial account - "  # Twilio's trial prefix (issue 5, §4)
MAX_BODY = 1600  # characters; longer bodies fail with 21617 (facts B2)
SCHEDULE_MIN = timedelta(seconds=300)  # SendAt window: 5 minutes to 35 days ahead (facts B2)
SCHEDULE_MAX = timedelta(seconds=3_024_000)
PREFIX = "/2010-04-01/Accounts/{account_sid}"


async def create_message(request: Request) -> Response:
    """POST Messages.json: validate like Twilio, store, start the lifecycle, answer 201."""
    account = authenticate(request, request.path_params["account_sid"])
    form = await request.form()
    fields = {k: v for k, v in form.items() if isinstance(v, str)}
    media = [v for v in form.getlist("MediaUrl") if isinstance(v, str)]
    message = _validated(account, fields, media, sim(request))
    sim(request).store.add_message(message)
    sim(request).engine.submit(message)
    return JSONResponse(message_json(message), status_code=201)


def _validated(
    account: Account, fields: dict[str, str], media: list[str], simulator: Simulator
) -> SimMessage:
    to = fields.get("To", "").strip()
    from_ = fields.get("From", "").strip()
    service = fields.get("MessagingServiceSid", "").strip() or None
    body = fields.get("Body", "")
    if not to:
        raise ApiError(21604)
    if not from_ and not service:
        raise ApiError(21603)
    if not body and not media and not fields.get("ContentSid"):
        raise ApiError(21602)
    if len(body) > MAX_BODY:
        raise ApiError(21617)
    if to in MAGIC_TO:
        raise ApiError(MAGIC_TO[to], f"The 'To' number {to} is not allowed (test number).")
    if not billing.is_possible(to):
        raise ApiError(21211, f"The 'To' number {to} is not a valid phone number.")
    config = simulator.engine.config
    if config.trial and to not in config.verified_numbers:
        # Trial accounts reach only verified numbers (https://www.twilio.com/docs/api/errors/21608).
        raise ApiError(
            21608,
            f"The number {to} is unverified. Trial accounts may only send to verified numbers.",
        )
    if config.trial:
        body = TRIAL_PREFIX + body
    country = billing.country_of(to)
    if from_:
        _check_sender(account, from_, country, simulator)
    if simulator.store.is_opted_out(account.sid, [x for x in (from_, service) if x], to):
        raise ApiError(21610)
    status, send_at = _starting_status(fields, service)
    validity = _validity(fields.get("ValidityPeriod"))
    now = utcnow()
    # Smart Encoding is per message (SmartEncoded) and on by default in Messaging Services (B2).
    smart = fields.get("SmartEncoded", "true" if service else "false").lower() == "true"
    return SimMessage(
        sid=new_sid("MM" if media else "SM"),
        account_sid=account.sid,
        to=to,
        from_=from_ if status == "queued" else "",  # a Messaging Service assigns From later
        body=body,
        status=status,
        direction="outbound-api",
        date_created=now,
        date_updated=now,
        # With a Messaging Service num_segments is "0" until a sender is chosen (Twilio OpenAPI).
        num_segments=billing.count_segments(body, smart) if status == "queued" else 0,
        num_media=len(media),
        smart_encoded=smart,
        country=country,
        messaging_service_sid=service,
        status_callback=fields.get("StatusCallback") or None,
        validity_period=validity,
        send_at=send_at,
    )


def _check_sender(account: Account, from_: str, country: str | None, simulator: Simulator) -> None:
    if from_ in MAGIC_FROM:
        raise ApiError(
            MAGIC_FROM[from_], f"The 'From' number {from_} is not allowed (test number)."
        )
    if from_ == VALID_MAGIC_FROM:
        return
    if billing.is_alphanumeric_sender(from_):
        if country and billing.alphanumeric_support(country) == "not_supported":
            # Twilio refuses alphanumeric senders where the destination does not support them.
            raise ApiError(21612, f"Alphanumeric sender IDs cannot reach {country} numbers.")
        return
    owned = simulator.store.owned_number(account.sid, from_)
    if owned is None:
        if from_.startswith("+") and not billing.is_possible(from_):
            raise ApiError(21212, f"The 'From' number {from_} is not a valid phone number.")
        raise ApiError(21606, f"The 'From' number {from_} is not a number of this account.")
    if owned.number_type == "short_code" and country != owned.iso_country:
        # Short codes are domestic only: a US short code reaches only US numbers (guide §4).
        raise ApiError(21612, f"The short code {from_} cannot reach {country or 'this'} numbers.")


def _starting_status(fields: dict[str, str], service: str | None) -> tuple[str, datetime | None]:
    schedule = fields.get("ScheduleType")
    if schedule is None:
        return ("accepted" if service else "queued"), None
    if schedule != "fixed":
        raise ApiError(35126)
    if not fields.get("SendAt"):
        raise ApiError(35111)
    if not service:
        raise ApiError(35118)
    try:
        send_at = parse_send_at(fields["SendAt"])
    except ValueError:
        raise ApiError(35114) from None
    ahead = send_at - utcnow()
    if not SCHEDULE_MIN <= ahead <= SCHEDULE_MAX:
        raise ApiError(35115)
    return "scheduled", send_at


def _validity(raw: str | None) -> int | None:
    if raw is None or raw == "":
        return None
    try:
        value = int(raw)
    except ValueError:
        raise ApiError(21624) from None
    if not 1 <= value <= 36_000:  # 1 s to 10 h (facts B2)
        raise ApiError(21624)
    return value


async def fetch_message(request: Request) -> Response:
    """GET Messages/{Sid}.json."""
    return JSONResponse(message_json(_own_message(request)))


async def update_message(request: Request) -> Response:
    """POST Messages/{Sid}.json: Status=canceled for a scheduled message, Body="" to redact."""
    message = _own_message(request)
    form = await request.form()
    store = sim(request).store
    status = form.get("Status")
    if status is not None:
        if status != "canceled":
            raise ApiError(20001, "Status can only be set to canceled")
        if message.status != "scheduled":
            # Twilio 30409: only a message still `scheduled` can be canceled.
            raise ApiError(30409, "This message cannot be canceled")
        message = store.update_message(message.sid, status="canceled")
    if form.get("Body") == "":
        message = store.update_message(message.sid, body="")
    return JSONResponse(message_json(message))


async def delete_message(request: Request) -> Response:
    """DELETE Messages/{Sid}.json (the record disappears from lists)."""
    message = _own_message(request)
    sim(request).store.delete_message(message.sid)
    return Response(status_code=204)


def _own_message(request: Request) -> SimMessage:
    account = authenticate(request, request.path_params["account_sid"])
    sid = request.path_params["sid"]
    message = sim(request).store.message(sid)
    if message is None or message.account_sid != account.sid:
        raise ApiError(20404, f"The requested resource {request.url.path} was not found")
    return message


async def list_messages(request: Request) -> Response:
    """GET Messages.json with To, From, DateSent, DateSent<, DateSent> filters and paging."""
    account = authenticate(request, request.path_params["account_sid"])
    query = request.query_params
    filters = {
        k: query[k] for k in ("To", "From", "DateSent", "DateSent<", "DateSent>") if k in query
    }
    tests = [_field_test("to", filters.get("To")), _field_test("from_", filters.get("From"))]
    tests += [_date_test(op, filters[key]) for key, op in _DATE_KEYS.items() if key in filters]
    chosen = sim(request).store.messages(account.sid, lambda m: all(t(m) for t in tests))
    page = v2010_page(request, "messages", chosen, filters, lambda m: m.sid, message_json)
    return JSONResponse(page)


_DATE_KEYS = {"DateSent": "=", "DateSent<": "<=", "DateSent>": ">="}


def _field_test(name: str, value: str | None) -> Callable[[SimMessage], bool]:
    return lambda m: value is None or getattr(m, name) == value


def _date_test(op: str, raw: str) -> Callable[[SimMessage], bool]:
    # Twilio's DateSent filters take a GMT date (YYYY-MM-DD, compared by day) or a timestamp; the
    # URL forms DateSent<=... and DateSent>=... are inclusive (OpenAPI parameter descriptions).
    try:
        if len(raw) == 10:
            day = date.fromisoformat(raw)
            key: Callable[[datetime], object] = lambda d: d.date()  # noqa: E731
            bound: object = day
        else:
            moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
            bound = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
            key = lambda d: d.replace(microsecond=0)  # noqa: E731
    except ValueError:
        raise ApiError(20001, f"Invalid DateSent value: {raw!r}") from None

    def test(message: SimMessage) -> bool:
        if message.date_sent is None:
            return False
        value = key(message.date_sent)
        if op == "=":
            return value == bound
        before = value <= bound  # type: ignore[operator]
        return bool(before or value == bound) if op == "<=" else bool(not before or value == bound)

    return test


ROUTES = [
    Route(PREFIX + "/Messages.json", create_message, methods=["POST"]),
    Route(PREFIX + "/Messages.json", list_messages, methods=["GET"]),
    Route(PREFIX + "/Messages/{sid}.json", fetch_message, methods=["GET"]),
    Route(PREFIX + "/Messages/{sid}.json", update_message, methods=["POST"]),
    Route(PREFIX + "/Messages/{sid}.json", delete_message, methods=["DELETE"]),
]
