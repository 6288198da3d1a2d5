"""Compliance preflight, one test per rule of issue 4 §3 (TCPA, state laws, CTIA, Twilio limits)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smskit._data import DataFileError
from smskit.compliance.frequency import Purpose, SentMessage, cap_release, caps_for
from smskit.compliance.preflight import (
    MAX_BODY_CHARACTERS,
    CompliancePolicy,
    PlannedMessage,
    Recipient,
    Severity,
    content_findings,
    preflight,
    recipient,
)
from smskit.compliance.quiet_hours import (
    local_hours,
    next_allowed_time,
    parse_rules,
    rules_for,
    send_windows,
    us_state,
)
from smskit.consent.events import ConsentAction, ConsentEvent, ConsentSource, fold
from smskit.i18n.catalog import LocalizedError

NY = ZoneInfo("America/New_York")


def local(zone: str, *args: int) -> datetime:
    return datetime(*args, tzinfo=ZoneInfo(zone)).astimezone(UTC)  # type: ignore[misc]


def opted_in(phone: str) -> object:
    t = datetime(2026, 1, 1, tzinfo=UTC)
    return fold([ConsentEvent(phone, "Acme", ConsentAction.OPT_IN, ConsentSource.WEB_FORM, t)])


def codes(result: object) -> list[str]:
    return [f.code for f in result.findings]  # type: ignore[attr-defined]


MARKETING = PlannedMessage("Acme: spring sale. Reply STOP to opt out.")
NY_NUMBER = "+12125550123"  # New York, NY
FL_NUMBER = "+13055550100"  # Florida
# A Tuesday at 14:00 in New York: inside every US window.
TUESDAY_2PM = local("America/New_York", 2026, 3, 3, 14, 0)


# --- consent -----------------------------------------------------------


def test_marketing_to_an_opted_in_recipient_at_a_good_time_is_allowed() -> None:
    result = preflight(MARKETING, recipient(NY_NUMBER), opted_in(NY_NUMBER), at=TUESDAY_2PM)  # type: ignore[arg-type]
    assert result.allowed and result.findings == ()
    assert result.next_allowed_at == TUESDAY_2PM


def test_no_consent_blocks_marketing_and_there_is_no_next_time() -> None:
    result = preflight(MARKETING, recipient(NY_NUMBER), None, at=TUESDAY_2PM)
    assert not result.allowed and "consent.unknown" in codes(result)
    assert result.next_allowed_at is None


def test_transactional_without_consent_depends_on_policy() -> None:
    receipt = PlannedMessage("Your order shipped.", purpose=Purpose.TRANSACTIONAL)
    assert preflight(receipt, recipient(NY_NUMBER), None, at=TUESDAY_2PM).allowed
    strict = CompliancePolicy(allow_transactional_without_consent=False)
    assert not preflight(receipt, recipient(NY_NUMBER), None, at=TUESDAY_2PM, policy=strict).allowed


def test_opted_out_blocks_even_transactional() -> None:
    t = datetime(2026, 1, 1, tzinfo=UTC)
    status = fold(
        [ConsentEvent(NY_NUMBER, "Acme", ConsentAction.OPT_OUT, ConsentSource.KEYWORD, t)]
    )
    receipt = PlannedMessage("Your order shipped.", purpose=Purpose.TRANSACTIONAL)
    result = preflight(receipt, recipient(NY_NUMBER), status, at=TUESDAY_2PM)
    assert codes(result) == ["consent.opted_out"] and not result.allowed


def test_pending_double_opt_in_blocks() -> None:
    t = datetime(2026, 1, 1, tzinfo=UTC)
    status = fold(
        [ConsentEvent(NY_NUMBER, "Acme", ConsentAction.REQUEST, ConsentSource.WEB_FORM, t)]
    )
    assert "consent.pending" in codes(
        preflight(MARKETING, recipient(NY_NUMBER), status, at=TUESDAY_2PM)
    )


def test_a_possible_revocation_under_review_blocks() -> None:
    t = datetime(2026, 1, 1, tzinfo=UTC)
    events = [
        ConsentEvent(NY_NUMBER, "Acme", ConsentAction.OPT_IN, ConsentSource.WEB_FORM, t),
        ConsentEvent(NY_NUMBER, "Acme", ConsentAction.FLAG_REVOCATION, ConsentSource.SMS_REPLY, t),
    ]
    result = preflight(MARKETING, recipient(NY_NUMBER), fold(events), at=TUESDAY_2PM)
    assert codes(result) == ["consent.review"]


# --- quiet hours -----------------------------------------------------------


@pytest.mark.parametrize(
    ("hour", "minute", "allowed"),
    [(7, 59, False), (8, 0, True), (20, 59, True), (21, 0, False), (23, 30, False)],
)
def test_tcpa_window_is_8_to_21_recipient_local_time(hour: int, minute: int, allowed: bool) -> None:
    at = local("America/New_York", 2026, 3, 3, hour, minute)
    result = preflight(MARKETING, recipient(NY_NUMBER), opted_in(NY_NUMBER), at=at)  # type: ignore[arg-type]
    assert ("quiet_hours" in codes(result)) is not allowed


def test_quiet_hours_use_the_recipients_zone_not_the_senders() -> None:
    # 22:00 in New York is 19:00 in Los Angeles: fine for an LA number.
    at = local("America/New_York", 2026, 3, 3, 22, 0)
    la = recipient("+12135550100")
    assert "quiet_hours" not in codes(preflight(MARKETING, la, opted_in(la.phone), at=at))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("number", "state"),
    [(FL_NUMBER, "FL"), ("+14055550100", "OK"), ("+14105550100", "MD"), ("+12065550100", "WA")],
)
def test_florida_oklahoma_maryland_washington_end_at_20(number: str, state: str) -> None:
    to = recipient(number)
    assert to.state == state
    zone = to.time_zones[0]
    at_2030 = local(zone, 2026, 3, 3, 20, 30)
    at_1930 = local(zone, 2026, 3, 3, 19, 30)
    assert "quiet_hours" in codes(preflight(MARKETING, to, opted_in(number), at=at_2030))  # type: ignore[arg-type]
    assert "quiet_hours" not in codes(preflight(MARKETING, to, opted_in(number), at=at_1930))  # type: ignore[arg-type]


def test_sunday_bans_from_state_data() -> None:
    # Alabama, Louisiana and Mississippi: no Sundays (1 Mar 2026 is a Sunday).
    assert local_hours(rules_for("US", "AL"), date(2026, 3, 1)) is None
    assert local_hours(rules_for("US", "AL"), date(2026, 3, 2)) is not None


def test_us_state_comes_from_the_area_code() -> None:
    assert us_state("+13055550100") == "FL" and us_state("+19185550100") == "OK"
    assert us_state("+442071838750") == ""


def test_several_time_zones_use_the_intersection() -> None:
    zones = ("America/New_York", "America/Los_Angeles")
    day = datetime(2026, 3, 3, 5, 0, tzinfo=UTC)  # midnight in New York
    windows = send_windows(zones, "US", start=day, days=1)
    # 08:00 LA (16:00 UTC) to 21:00 NY (02:00 UTC next day).
    assert [(w.start.hour, w.end.hour) for w in windows] == [(16, 2)]


def test_country_marketing_hours_from_data() -> None:
    # France: no marketing on Sundays; conflicting sources 08-22 and 08-20: the stricter applies.
    assert local_hours(rules_for("FR"), date(2026, 3, 1)) is None
    assert [t.hour for t in local_hours(rules_for("FR"), date(2026, 3, 2)) or ()] == [8, 20]
    # India 09:00-20:00 (stricter of the two sources); Brazil 09:00-22:00; UAE 08:00-21:00.
    assert [t.hour for t in local_hours(rules_for("IN"), date(2026, 3, 2)) or ()] == [9, 20]
    assert [t.hour for t in local_hours(rules_for("BR"), date(2026, 3, 2)) or ()] == [9, 22]
    assert [t.hour for t in local_hours(rules_for("AE"), date(2026, 3, 2)) or ()] == [8, 21]


def test_countries_without_rules_get_the_default_window() -> None:
    assert [t.hour for t in local_hours(rules_for("ID"), date(2026, 3, 2)) or ()] == [8, 21]


def test_next_allowed_time_is_the_next_window_opening() -> None:
    at = local("America/New_York", 2026, 3, 3, 21, 30)
    expected = local("America/New_York", 2026, 3, 4, 8, 0)
    assert next_allowed_time(("America/New_York",), "US", at=at) == expected
    result = preflight(MARKETING, recipient(NY_NUMBER), opted_in(NY_NUMBER), at=at)  # type: ignore[arg-type]
    assert not result.allowed and result.next_allowed_at == expected


def test_next_allowed_time_respects_daylight_saving() -> None:
    # US DST starts Sun 8 Mar 2026: 08:00 EDT is 12:00 UTC, not 13:00.
    at = local("America/New_York", 2026, 3, 7, 22, 0)
    assert next_allowed_time(("America/New_York",), "US", at=at) == datetime(
        2026, 3, 8, 12, tzinfo=UTC
    )


def test_quiet_hours_only_warn_for_transactional_by_default() -> None:
    at = local("America/New_York", 2026, 3, 3, 23, 0)
    receipt = PlannedMessage("Your code is 123456", purpose=Purpose.TRANSACTIONAL)
    result = preflight(receipt, recipient(NY_NUMBER), None, at=at)
    assert result.allowed
    assert [(f.code, f.severity) for f in result.findings] == [("quiet_hours", Severity.WARN)]
    assert result.next_allowed_at == at


@settings(max_examples=40, deadline=None)
@given(st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2027, 1, 1)))
def test_the_next_allowed_time_is_inside_every_window(naive: datetime) -> None:
    at = naive.replace(tzinfo=UTC)
    zones = ("Europe/London", "America/New_York")
    found = next_allowed_time(zones, "US", "FL", at=at)
    assert found is not None and found >= at
    for zone in zones:
        clock = found.astimezone(ZoneInfo(zone)).time()
        assert clock.hour >= 8 and (clock.hour, clock.minute) < (20, 0)


def test_bad_quiet_hours_rows_name_the_row() -> None:
    row = {"country": "US", "region": "", "days": "Mon-Sun", "start": "21:00", "end": "08:00"}
    with pytest.raises(DataFileError, match="row 2"):
        parse_rules([row])
    with pytest.raises(DataFileError, match=r"row 2.*days"):
        parse_rules([{**row, "days": "Weekdays", "start": "08:00", "end": "21:00"}])


def test_naive_time_is_refused() -> None:
    with pytest.raises(LocalizedError):
        preflight(MARKETING, recipient(NY_NUMBER), None, at=datetime(2026, 3, 3, 14))


# --- frequency caps -----------------------------------------------------------


def test_default_cap_is_two_broadcasts_per_rolling_seven_days() -> None:
    to = recipient(NY_NUMBER)
    history = [SentMessage(TUESDAY_2PM - timedelta(days=d)) for d in (1, 6)]
    result = preflight(MARKETING, to, opted_in(NY_NUMBER), history, at=TUESDAY_2PM)  # type: ignore[arg-type]
    assert "frequency.broadcast" in codes(result) and not result.allowed
    # Free again when the 6-day-old message leaves the 7-day window (then inside quiet hours).
    assert result.next_allowed_at == TUESDAY_2PM + timedelta(days=1)


def test_messages_older_than_the_window_do_not_count() -> None:
    history = [SentMessage(TUESDAY_2PM - timedelta(days=d)) for d in (7, 8)]
    result = preflight(
        MARKETING, recipient(NY_NUMBER), opted_in(NY_NUMBER), history, at=TUESDAY_2PM
    )  # type: ignore[arg-type]
    assert result.allowed


def test_transactional_messages_do_not_count_towards_broadcast_caps() -> None:
    history = [
        SentMessage(TUESDAY_2PM - timedelta(hours=h), Purpose.TRANSACTIONAL) for h in (1, 2, 3)
    ]
    result = preflight(
        MARKETING, recipient(NY_NUMBER), opted_in(NY_NUMBER), history, at=TUESDAY_2PM
    )  # type: ignore[arg-type]
    assert result.allowed


def test_florida_three_per_24h_same_subject() -> None:
    caps = [(c.max_messages, c.period_hours, c.counts) for c in caps_for("US", "FL")]
    assert (3, 24, "same_subject") in caps
    assert (3, 24, "same_subject") not in [
        (c.max_messages, c.period_hours, c.counts) for c in caps_for("US", "NY")
    ]


def test_bad_frequency_cap_rows_name_the_row_and_field() -> None:
    from smskit.compliance.frequency import parse_caps

    row = {"country": "US", "region": "", "max_messages": "2", "period_hours": "168"}
    with pytest.raises(DataFileError, match="row 2: counts 'weekly'"):
        parse_caps([{**row, "counts": "weekly"}])
    with pytest.raises(DataFileError, match="row 3: limits must be whole numbers"):
        parse_caps(
            [{**row, "counts": "broadcast"}, {**row, "counts": "broadcast", "max_messages": "two"}]
        )


def test_oklahoma_cap_blocks_the_fourth_same_subject_message() -> None:
    at = datetime(2026, 3, 3, 20, tzinfo=UTC)
    sent = [SentMessage(at - timedelta(hours=h), subject="loan") for h in (1, 2, 3)]
    release = cap_release(Purpose.MARKETING, "loan", "x", "US", "OK", sent, at)
    assert release >= at - timedelta(hours=3) + timedelta(hours=24)


# --- geography -----------------------------------------------------------


def test_a_short_code_only_reaches_its_own_country() -> None:
    msg = PlannedMessage(
        "Hi. Reply STOP to opt out.", sender_type="short_code", sender_country="US"
    )
    to = recipient("+6281234567890")
    result = preflight(msg, to, opted_in(to.phone), at=TUESDAY_2PM)  # type: ignore[arg-type]
    assert "geo.short_code_abroad" in codes(result) and not result.allowed


def test_alphanumeric_is_blocked_where_unsupported_and_warned_where_registration_is_needed() -> (
    None
):
    msg = PlannedMessage("Hi", sender_type="alphanumeric", purpose=Purpose.TRANSACTIONAL)
    us = preflight(msg, recipient(NY_NUMBER), None, at=TUESDAY_2PM)
    assert ("geo.alpha_unsupported", Severity.BLOCK) in [(f.code, f.severity) for f in us.findings]
    indonesia = preflight(msg, recipient("+6281234567890"), None, at=TUESDAY_2PM)
    assert ("geo.alpha_registration", Severity.WARN) in [
        (f.code, f.severity) for f in indonesia.findings
    ]


def test_two_way_is_not_guaranteed_in_india() -> None:
    msg = PlannedMessage("Reply YES", purpose=Purpose.TRANSACTIONAL, expects_replies=True)
    result = preflight(msg, recipient("+919876543210"), None, at=TUESDAY_2PM)
    assert "geo.no_two_way" in codes(result)


# --- content -----------------------------------------------------------


def test_a_first_or_marketing_message_must_carry_opt_out_instructions() -> None:
    receipt = PlannedMessage("Your order shipped.", purpose=Purpose.TRANSACTIONAL)
    assert "content.no_opt_out" in [
        f.code for f in content_findings(dataclasses.replace(receipt, first_message=True))
    ]
    ok = PlannedMessage("Welcome! Reply STOP to opt out.", first_message=True)
    assert "content.no_opt_out" not in [f.code for f in content_findings(ok)]
    # Every marketing message says how to opt out, first or not; a later receipt need not.
    assert "content.no_opt_out" in [f.code for f in content_findings(PlannedMessage("Welcome!"))]
    assert "content.no_opt_out" not in [f.code for f in content_findings(receipt)]


@pytest.mark.parametrize(
    ("body", "category"),
    [
        ("Free casino chips", "gambling"),
        ("Happy hour: 2 for 1 beer", "alcohol"),
        ("New vape flavours", "tobacco"),
        ("Gun show Saturday", "firearms"),
        ("Hot sexy singles", "sex"),
        ("Promo judi online", "gambling"),
    ],
)
def test_shaft_categories_are_flagged(body: str, category: str) -> None:
    assert f"content.shaft.{category}" in [f.code for f in content_findings(PlannedMessage(body))]


def test_shaft_terms_match_whole_words_only() -> None:
    words = PlannedMessage("Our gunnery alphabet beta", purpose=Purpose.TRANSACTIONAL)
    assert content_findings(words) == []


def test_over_1600_characters_is_blocked() -> None:
    receipt = PlannedMessage("a" * MAX_BODY_CHARACTERS, purpose=Purpose.TRANSACTIONAL)
    assert content_findings(receipt) == []
    findings = content_findings(dataclasses.replace(receipt, body="a" * (MAX_BODY_CHARACTERS + 1)))
    assert [(f.code, f.severity) for f in findings] == [("content.too_long", Severity.BLOCK)]
    assert "1601 characters (11 segments)" in str(findings[0].reason)


def test_every_finding_has_a_source_and_translatable_reason() -> None:
    msg = PlannedMessage("casino " * 300, sender_type="short_code", first_message=True)
    result = preflight(msg, recipient("+6281234567890"), None, at=TUESDAY_2PM)
    assert len(result.findings) >= 4
    for finding in result.findings:
        assert finding.source and finding.reason.render("en")
        assert finding.reason.render("id") != finding.reason.render("en"), finding.code


def test_a_landline_is_blocked() -> None:
    to = recipient("+442071838750")  # a London fixed line
    assert not to.can_receive_sms
    receipt = PlannedMessage("Hi", purpose=Purpose.TRANSACTIONAL)
    result = preflight(receipt, to, None, at=TUESDAY_2PM)
    assert "number.landline" in codes(result) and not result.allowed


def test_recipient_for_a_bad_number_names_it() -> None:
    with pytest.raises(LocalizedError, match="12"):
        recipient("12")


def test_unknown_time_zone_is_a_warning_and_checked_in_utc() -> None:
    to = Recipient("+882123456789", "ZZ", ())
    result = preflight(
        PlannedMessage("Hi", purpose=Purpose.TRANSACTIONAL), to, None, at=TUESDAY_2PM
    )
    assert "quiet_hours.unknown_zone" in codes(result)


def test_content_and_window_results_are_fresh_for_each_call() -> None:
    """Cached content checks and day windows never leak one caller's changes or moment."""
    casino = PlannedMessage("Casino night!", first_message=True)
    first = content_findings(casino)
    first.clear()
    codes = [f.code for f in content_findings(casino)]
    assert codes == ["content.no_opt_out", "content.shaft.gambling"]
    morning = datetime(2026, 1, 5, 14, tzinfo=UTC)  # 09:00 in New York
    evening = datetime(2026, 1, 5, 23, tzinfo=UTC)  # 18:00 in New York, same UTC day
    zones = ("America/New_York",)
    assert send_windows(zones, "US", start=morning, days=1)[0].start == morning
    assert send_windows(zones, "US", start=evening, days=1)[0].start == evening
    assert send_windows(zones, "US", "FL", start=evening, days=1)[0].end == datetime(
        2026, 1, 6, 1, tzinfo=UTC
    )  # Florida: 20:00 local
    assert send_windows(zones, "US", start=evening, days=1)[0].end == datetime(
        2026, 1, 6, 2, tzinfo=UTC
    )  # TCPA: 21:00 local
