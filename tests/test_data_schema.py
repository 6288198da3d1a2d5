"""Schema test on the real reference tables of issue 3 (the only test reading the real ``data/``).

Every row complete, with a source and an ISO ``as_of`` date no later than today; currencies are
ISO 4217, countries ISO 3166-1 alpha-2; the typed loaders accept every table.
"""

from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal

import pytest

from smskit._data import data_path
from smskit.senders.catalogue import SenderCatalogue, SenderType
from smskit.senders.countries import country_table, is_country_code, is_currency_code
from smskit.senders.fees import FeeSchedule

# Columns that may legitimately be empty (a free-text remark).
OPTIONAL = {"sender_fees": {"note"}, "carrier_fees": {"note"}}
TABLES = {
    "countries": ("code",),
    "number_types": (),
    "ten_dlc_throughput": (),
    "sender_fees": ("country",),
    "carrier_fees": ("country",),
    "sender_id_rules": ("country",),
    "vonage_codes": (),
}
CURRENCY_COLUMNS = ("currency",)
FACTS_B7 = set(
    [
        "US",
        "CA",
        "GB",
        "DE",
        "FR",
        "IN",
        "ID",
        "BR",
        "MX",
        "AU",
        "ZA",
        "NG",
        "PH",
        "AE",
        "CN",
        "SG",
        "JP",
    ]
)
ISSUE_EXTRA = set(
    [
        "ES",
        "IT",
        "NL",
        "TR",
        "PT",
        "KE",
        "EG",
        "SA",
        "MY",
        "TH",
        "VN",
        "KR",
        "NZ",
        "IE",
        "AR",
        "CO",
        "PL",
        "SE",
        "PK",
    ]
)


def rows(name: str) -> list[dict[str, str]]:
    with data_path(name).open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        assert reader.fieldnames and {"source", "as_of"} <= set(reader.fieldnames), name
        return list(reader)


@pytest.mark.parametrize("name", sorted(TABLES))
def test_every_row_is_complete_and_sourced(name: str) -> None:
    table = rows(name)
    assert table, f"{name} is empty"
    for number, row in enumerate(table, start=2):
        assert None not in row and None not in row.values(), f"{name} row {number}: field count"
        for field, value in row.items():
            if field not in OPTIONAL.get(name, set()):
                assert value.strip(), f"{name} row {number}: {field} is empty"
        assert date.fromisoformat(row["as_of"]) <= date.today(), f"{name} row {number}: as_of"
        assert len(row["source"]) > 5, f"{name} row {number}: source"


@pytest.mark.parametrize("name", sorted(TABLES))
def test_country_and_currency_codes_are_iso(name: str) -> None:
    for number, row in enumerate(rows(name), start=2):
        for column in TABLES[name]:
            code = row[column]
            assert code == "*" or is_country_code(code), f"{name} row {number}: {column} {code!r}"
        for column in CURRENCY_COLUMNS:
            if column in row:
                assert is_currency_code(row[column]), (
                    f"{name} row {number}: currency {row[column]!r}"
                )


def test_countries_cover_the_facts_file_and_the_issue() -> None:
    codes = set(country_table().codes())
    assert len(codes) >= 30
    assert codes >= FACTS_B7
    assert codes >= ISSUE_EXTRA


def test_conflicting_sources_are_marked() -> None:
    # Facts file: India alpha IDs, UAE marketing hours, Brazil alpha IDs, France STOP code conflict.
    for code in ("IN", "AE", "BR", "FR"):
        row = country_table().get(code)
        assert row.confidence.value == "conflicting" and row.conflicts, code


def test_prices_are_non_negative_decimals() -> None:
    for item in country_table().countries:
        assert item.price_per_segment >= 0 and item.price_per_segment.is_finite()
    for fee in FeeSchedule.from_folder(data_path("x").parent).fees:
        assert fee.amount >= 0


def test_typed_loaders_accept_the_real_tables() -> None:
    catalogue = SenderCatalogue.from_folder(data_path("x").parent)
    assert {t.sender_type for t in catalogue.number_types} == set(SenderType)
    fees = FeeSchedule.from_folder(data_path("x").parent)
    assert {f.price_set for f in fees.fees} == {"published", "guide_2023"}


def test_guide_figures_are_kept_as_citable_rows() -> None:
    # The business SMS guide's US figures (issue 3 §1): short code $650 setup, $1,500-$4,500 a
    # quarter, $0.0075 a message; long code $1.00 a month; toll-free about $2.00 a month.
    guide = {
        (f.sender_type.value, f.item, f.amount)
        for f in FeeSchedule.from_folder(data_path("x").parent).fees
        if f.price_set == "guide_2023" and f.country == "US"
    }
    assert ("short_code", "Setup", Decimal(650)) in guide
    assert ("short_code", "Lease", Decimal(1500)) in guide
    assert ("short_code", "Lease", Decimal(4500)) in guide
    assert ("short_code", "Message", Decimal("0.0075")) in guide
    assert ("long_code", "Number rental", Decimal("1.00")) in guide
    assert ("toll_free", "Number rental", Decimal("2.00")) in guide


def test_vonage_codes_cover_what_the_simulator_and_the_provider_meet() -> None:
    # Every code the simulator answers with and every one smskit acts on has a sourced row, from
    # Vonage's two pages (SMS API statuses, delivery-receipt errors), and its meaning names it.
    from smskit.providers.vonage_codes import vonage_codes
    from smskit.simulator.vonage_api import MAGIC_TO

    table = vonage_codes()
    acted_on = {("status", s) for s in (1, 4, 5, 7, 8, 9, 11, 14, 15, 29, 32)}
    acted_on |= {("status", int(status)) for status, _text in MAGIC_TO.values()}
    assert acted_on <= set(table)
    for row in rows("vonage_codes"):
        page = "troubleshooting-sms" if row["kind"] == "status" else "delivery-receipts"
        assert f"developer.vonage.com/en/messaging/sms/guides/{page}" in row["source"], row
        word = "status" if row["kind"] == "status" else "receipt error"
        assert f"{word} {row['code']}" in row["meaning"], row
