"""plan(): per-recipient text, encoding, segments, cost, findings and earliest send time; totals.

Expected values come from the rules: Twilio's segment sizes (160/153 GSM-7, 70/67 UCS-2), the
per-segment price in data/countries.csv (US $0.0083), TCPA quiet hours 08:00-21:00 local time
(47 CFR 64.1200(c)(1)), Twilio's default throughputs (long code 1 MPS, short code 100 MPS).
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest

from smskit.campaign.planner import Campaign, Recipient, Sender, plan
from smskit.campaign.storage import results, save_plan
from smskit.consent.events import ConsentAction, ConsentEvent, ConsentSource, fold
from smskit.i18n.catalog import LocalizedError
from smskit.numbers.phone import parse_number
from smskit.senders.price_table import PriceTable, default_prices
from smskit.store.database import Store

NOON_NY = datetime(2026, 1, 5, 17, 0, tzinfo=UTC)  # Monday, 12:00 in New York
SCOPE = "Acme"


def _opted_in(*phones: str) -> dict[str, object]:
    out = {}
    for phone in phones:
        event = ConsentEvent(
            phone,
            SCOPE,
            ConsentAction.OPT_IN,
            ConsentSource.WEB_FORM,
            NOON_NY - timedelta(days=3),
            "form",
            "test",
        )
        out[phone] = fold([event], phone, SCOPE)
    return out


def _marketing(template: str, sender: Sender | None = None) -> Campaign:
    return Campaign("Promo", template, sender or Sender("short_code", "12345"), scope=SCOPE)


def test_each_recipient_gets_text_encoding_segments_and_cost() -> None:
    people = [
        Recipient.of("a", "+12122010001", first_name="Ana"),
        Recipient.of(
            "b", "+12122010002", first_name="Zoé" + "x" * 70
        ),  # é is GSM-7: still 1 segment (99 characters)
        Recipient.of(
            "c", "+12122010003", first_name="ж" * 68
        ),  # Cyrillic: UCS-2, 94 units = 2 segments
    ]
    p = plan(
        _marketing("Hi {first_name}. Reply STOP to opt out"),
        people,
        now=NOON_NY,
        consent=_opted_in(*(r.phone for r in people)),
    )  # type: ignore[arg-type]
    a, b, c = p.messages
    assert (a.text, a.encoding, a.segments, a.cost) == (
        "Hi Ana. Reply STOP to opt out",
        "GSM-7",
        1,
        Decimal("0.0083"),
    )
    assert (b.encoding, b.segments) == ("GSM-7", 1)
    assert (c.encoding, c.segments, c.cost) == ("UCS-2", 2, Decimal("0.0166"))
    assert p.totals.segments == 4 and p.totals.cost == Decimal("0.0332")
    assert p.totals.by_encoding == (("GSM-7", 2), ("UCS-2", 1))
    assert p.totals.multi_segment == 1 and p.totals.worst_segments == 2


def test_missing_placeholder_is_a_row_finding_and_never_sent() -> None:
    people = [Recipient.of("a", "+12122010001"), Recipient.of("b", "+12122010002", name="Bo")]
    p = plan(
        _marketing("Hi {name}. Reply STOP to opt out"),
        people,
        now=NOON_NY,
        consent=_opted_in("+12122010001", "+12122010002"),
    )  # type: ignore[arg-type]
    assert p.messages[0].status == "blocked" and p.messages[0].text is None
    assert [f.code for f in p.messages[0].findings] == ["missing_field"]
    assert [m.key for m in p.sendable()] == ["b"]


def test_marketing_needs_consent_and_opt_outs_always_block() -> None:
    out = ConsentEvent(
        "+12122010002",
        SCOPE,
        ConsentAction.OPT_OUT,
        ConsentSource.KEYWORD,
        NOON_NY - timedelta(days=1),
        "STOP",
        "test",
    )
    statuses = {**_opted_in("+12122010001"), "+12122010002": fold([out], "+12122010002", SCOPE)}
    people = [
        Recipient.of(k, p, name="X")
        for k, p in (("in", "+12122010001"), ("out", "+12122010002"), ("none", "+12122010003"))
    ]
    promo = _marketing("Hi {name}. Reply STOP to opt out")
    marketing = plan(promo, people, now=NOON_NY, consent=statuses)  # type: ignore[arg-type]
    assert [m.status for m in marketing.messages] == ["eligible", "blocked", "blocked"]
    order = Campaign(
        "Order", "Hi {name}", Sender("short_code", "12345"), purpose="transactional", scope=SCOPE
    )
    transactional = plan(order, people, now=NOON_NY, consent=statuses)  # type: ignore[arg-type]
    assert [m.status for m in transactional.messages] == ["eligible", "blocked", "eligible"]


def test_quiet_hours_give_the_earliest_send_time_in_the_recipients_zone() -> None:
    late = datetime(2026, 1, 6, 2, 30, tzinfo=UTC)  # 21:30 in New York, 18:30 in Los Angeles
    people = [
        Recipient.of("ny", "+12122010001", name="N"),
        Recipient.of("la", "+14152010001", name="L"),
    ]
    p = plan(
        _marketing("Hi {name}. Reply STOP to opt out"),
        people,
        now=late,
        consent=_opted_in("+12122010001", "+14152010001"),
    )  # type: ignore[arg-type]
    ny, la = p.messages
    assert ny.send_at == datetime(2026, 1, 6, 13, 0, tzinfo=UTC)  # 08:00 EST next morning
    assert ny.status == "warned" and [f.code for f in ny.findings] == ["quiet_hours"]
    assert (la.send_at, la.status) == (late, "eligible")
    assert p.totals.last_window_at == datetime(2026, 1, 6, 13, 0, tzinfo=UTC)


def test_invalid_landline_duplicate_and_unreachable_numbers_are_blocked() -> None:
    people = [
        Recipient.of("a", "+12122010001", name="A"),
        Recipient.of("bad", "12", name="B"),
        Recipient.of("land", "+442079460958", name="C"),
        Recipient.of("dup", "+1 (212) 201-0001", name="D"),
        Recipient.of("gone", "+12122010009", name="E"),
    ]
    order = Campaign("Order", "Hi {name}", Sender("short_code", "12345"), purpose="transactional")
    p = plan(order, people, now=NOON_NY, unreachable={"+12122010009": "landline"})
    codes = {m.key: [f.code for f in m.findings if f.severity == "block"] for m in p.messages}
    assert codes["bad"] == ["invalid_number"]
    assert "landline" in codes["land"]
    assert codes["dup"] == ["duplicate"]
    assert codes["gone"] == ["unreachable"]
    by_reason = {r.code: r.keys for r in p.totals.by_reason}
    assert by_reason["duplicate"] == ("dup",)


def test_totals_by_country_and_duration_at_the_senders_pace() -> None:
    people = [Recipient.of(str(i), f"+1212201{i:04d}", name="A") for i in range(30)]
    order = Campaign(
        "Order",
        "Hi {name} " + "x" * 200,
        Sender("long_code", "+15005550006"),
        purpose="transactional",
    )  # 2 segments each on a 1 MPS long code
    p = plan(order, people, now=NOON_NY)
    assert p.totals.by_country[0].country == "US"
    assert (p.totals.by_country[0].messages, p.totals.by_country[0].segments) == (30, 60)
    assert p.totals.duration_seconds == 60.0
    fast = plan(
        Campaign("Order", order.template, Sender("short_code", "12345"), purpose="transactional"),
        people,
        now=NOON_NY,
    )
    assert fast.totals.duration_seconds == pytest.approx(0.6)


def test_planning_twice_gives_the_same_plan() -> None:
    people = [Recipient.of(str(i), f"+1212201{i:04d}", name=f"N{i}") for i in range(50)]
    camp = _marketing("Hi {name|there}, 20% off. Reply STOP to opt out.")
    consent = _opted_in(*(r.phone for r in people[:40]))
    one = plan(camp, people, now=NOON_NY, consent=consent)  # type: ignore[arg-type]
    two = plan(camp, list(people), now=NOON_NY, consent=consent)  # type: ignore[arg-type]
    assert one == two and one.fingerprint == two.fingerprint
    changed = plan(_marketing("Hello {name}"), people, now=NOON_NY, consent=consent)  # type: ignore[arg-type]
    assert changed.fingerprint != one.fingerprint


def test_preparsed_numbers_are_used_as_given() -> None:
    info = parse_number("+12122010001")
    p = plan(
        _marketing("Hi"),
        [Recipient("k", "ignored", {}, 7, info)],
        now=NOON_NY,
        consent=_opted_in("+12122010001"),
    )  # type: ignore[arg-type]
    assert (p.messages[0].to, p.messages[0].row) == ("+12122010001", 7)


def test_bad_sender_and_template_are_clear_errors() -> None:
    with pytest.raises(LocalizedError, match="Unknown sender type"):
        Sender("pigeon", "x")
    with pytest.raises(LocalizedError, match="character 4"):
        plan(_marketing("Hi {name"), [], now=NOON_NY)


# --- prices: a user's CSV or the provider's Pricing API replace data/countries.csv -------------

GB_AND_US = [
    Recipient.of("us", "+12122010001", name="A"),
    Recipient.of("gb", "+447400123456", name="B"),
]


# A Messaging Service reaches both countries (a short code is domestic only); order updates.
ORDER_UPDATE = Campaign(
    "Order",
    "Hi {name}, shipped",
    Sender("messaging_service", "MG" + "0" * 32),
    purpose="transactional",
)


def _cost_by_country(p: object) -> dict[str, Decimal]:
    return {c.country: c.cost for c in p.totals.by_country}  # type: ignore[attr-defined]


def test_a_price_override_changes_the_cost_by_country() -> None:
    builtin = plan(ORDER_UPDATE, GB_AND_US, now=NOON_NY)
    # data/countries.csv: US $0.0083, GB $0.0524 per segment
    assert _cost_by_country(builtin) == {"US": Decimal("0.0083"), "GB": Decimal("0.0524")}
    override = PriceTable.from_csv_text("country,price_per_segment,currency\nGB,0.0400,USD\n")
    mine = plan(ORDER_UPDATE, GB_AND_US, now=NOON_NY, prices=default_prices().merged(override))
    assert _cost_by_country(mine) == {"US": Decimal("0.0083"), "GB": Decimal("0.0400")}
    assert mine.totals.cost == Decimal("0.0483")
    assert [m.cost for m in mine.messages] == [Decimal("0.0083"), Decimal("0.0400")]


def test_prices_from_the_provider_are_used_and_a_missing_country_warns() -> None:
    class Pricing:  # the shape of smskit.providers.MessagingPrice (Twilio Pricing v1)
        def messaging_prices(self, country: str) -> object:
            return SimpleNamespace(country=country, outbound_sms_price="0.0100", currency="USD")

    p = plan(
        ORDER_UPDATE, GB_AND_US, now=NOON_NY, prices=PriceTable.from_provider(Pricing(), ["US"])
    )
    us, gb = p.messages
    assert us.cost == Decimal("0.0100") and gb.cost == Decimal(0)
    assert [f.code for f in gb.findings] == ["no_price"] and gb.status == "warned"


def test_prices_in_two_currencies_are_refused() -> None:
    euro = PriceTable.from_csv_text("country,price_per_segment,currency\nGB,0.05,EUR\n")
    with pytest.raises(LocalizedError, match="mix currencies"):
        plan(ORDER_UPDATE, GB_AND_US, now=NOON_NY, prices=default_prices().merged(euro))
    only_euro = plan(ORDER_UPDATE, GB_AND_US[1:], now=NOON_NY, prices=euro)
    assert only_euro.totals.currency == "EUR" and only_euro.totals.cost == Decimal("0.05")


# --- independent testing: templates that must be refused or flagged before anything is saved ----


def test_a_lone_surrogate_in_the_template_is_refused_before_anything_is_saved(
    tmp_path: Path,
) -> None:
    store = Store.open(f"sqlite:///{tmp_path / 'smskit.db'}")
    camp = Campaign(
        "Order", "Hi \ud800 {name|there}", Sender("short_code", "12345"), purpose="transactional"
    )
    with pytest.raises(LocalizedError, match=r"character 4 is U\+D800"):
        save_plan(store, plan(camp, [Recipient.of("a", "+12122010001")], now=NOON_NY))
    assert store.list_campaigns() == []


def test_a_lone_surrogate_in_a_value_blocks_that_recipient_and_the_rest_is_saved(
    tmp_path: Path,
) -> None:
    store = Store.open(f"sqlite:///{tmp_path / 'smskit.db'}")
    camp = Campaign("Order", "Hi {name}", Sender("short_code", "12345"), purpose="transactional")
    people = [
        Recipient.of("bad", "+12122010001", name="A\udc80na"),
        Recipient.of("ok", "+12122010002", name="Bo"),
    ]
    p = plan(camp, people, now=NOON_NY)
    bad, ok = p.messages
    assert bad.status == "blocked" and [f.code for f in bad.findings] == ["invalid_text"]
    assert "U+DC80" in str(bad.findings[0].reason) and ok.status == "eligible"
    campaign_id = save_plan(store, p)
    assert [m.body for m in store.list_messages(campaign_id)] == ["Hi Bo"]


def test_a_plan_with_unstorable_text_is_refused_whole(tmp_path: Path) -> None:
    store = Store.open(f"sqlite:///{tmp_path / 'smskit.db'}")
    camp = Campaign("Order", "Hi {name}", Sender("short_code", "12345"), purpose="transactional")
    good = plan(camp, [Recipient.of("a", "+12122010001", name="Ana")], now=NOON_NY)
    broken = dataclasses.replace(
        good, messages=(dataclasses.replace(good.messages[0], text="Hi \ud800"),)
    )
    with pytest.raises(LocalizedError, match=r"U\+D800"):
        save_plan(store, broken)
    assert store.list_campaigns() == []


def test_a_long_fallback_blocks_only_the_recipients_whose_message_uses_it() -> None:
    filler = "x" * 1590  # within a fallback's bound, but "Hi " + it + the rest is over 1,600
    camp = Campaign(
        "Order",
        "Hi {name|" + filler + "}, your order shipped",
        Sender("short_code", "12345"),
        purpose="transactional",
    )
    people = [Recipient.of("ana", "+12122010001", name="Ana"), Recipient.of("bo", "+12122010002")]
    ana, bo = plan(camp, people, now=NOON_NY).messages
    assert (ana.text, ana.status) == ("Hi Ana, your order shipped", "eligible")
    assert bo.status == "blocked" and [f.code for f in bo.findings] == ["too_long"]
    with pytest.raises(LocalizedError, match="21617"):
        plan(dataclasses.replace(camp, template="Hi {name|" + "x" * 10_000 + "}"), people)


def test_a_field_that_matches_no_column_warns_and_suggests_the_closest(tmp_path: Path) -> None:
    from widgets.campaign.render import preflight_html

    people = [
        Recipient.of("a", "+12122010001", first_name="Ana", city="Salem"),
        Recipient.of("b", "+12122010002", first_name="Bo"),
    ]
    camp = Campaign(
        "Order",
        "Hi {firstname|there}, shipped",
        Sender("short_code", "12345"),
        purpose="transactional",
    )
    p = plan(camp, people, now=NOON_NY)
    assert [m.text for m in p.messages] == ["Hi there, shipped"] * 2
    assert all(m.status == "warned" and m.sendable for m in p.messages)
    (reason,) = [r for r in p.totals.by_reason if r.code.startswith("unknown_field")]
    assert reason.code == "unknown_field.firstname"
    assert (reason.severity, reason.count, reason.keys) == ("warn", 2, ("a", "b"))
    words = str(reason.reason)
    assert "{firstname}" in words and "{first_name}" in words, words
    assert "{first_name}" in reason.reason.render("id")
    assert p.totals.warned == 2
    # The Campaign Sender's preflight lists it ...
    assert "{first_name}" in preflight_html(p)
    # ... and the stored plan (what `smskit send` and the results read) keeps it.
    store = Store.open(f"sqlite:///{tmp_path / 'smskit.db'}")
    campaign_id = save_plan(store, p)
    spec = store.get_campaign(campaign_id).spec  # type: ignore[union-attr]
    assert spec["totals"]["warned"] == 2  # type: ignore[index]
    assert [(w["code"], w["count"]) for w in spec["totals"]["by_reason"]] == [  # type: ignore[index]
        ("unknown_field.firstname", 2)
    ]
    assert all("{first_name}" in row.reason for row in results(store, campaign_id))


def test_known_fields_and_an_audience_without_columns_raise_no_field_warning() -> None:
    camp = Campaign(
        "Order", "Hi {First_Name|there}", Sender("short_code", "12345"), purpose="transactional"
    )
    named = plan(camp, [Recipient.of("a", "+12122010001", first_name="Ana")], now=NOON_NY)
    phones_only = plan(camp, [Recipient.of("a", "+12122010001")], now=NOON_NY)
    assert named.messages[0].findings == () and phones_only.messages[0].findings == ()
    far = plan(
        dataclasses.replace(camp, template="Hi {zzz|there}"),
        [Recipient.of("a", "+12122010001", first_name="Ana")],
        now=NOON_NY,
    )
    (finding,) = far.messages[0].findings
    assert finding.code == "unknown_field.zzz" and "first_name" in str(finding.reason)
