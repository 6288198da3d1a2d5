"""The country column: found like the phone column (header names in smskit's six languages,
values as ISO codes, country names or dialling codes) and used by default, so a national number is
read as a number of its own country; a file that mixes countries' national formats without one is
flagged."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from smskit.contacts.columns import find_region_column
from smskit.contacts.countries import region_for_value
from smskit.contacts.importer import ContactImporter, import_contacts
from smskit.i18n.catalog import LocalizedError

COUNTRY_COLUMN_E164 = {
    2: "+14155550100",
    3: "+525512345678",  # Mexico City: not +15512345678, a stranger in New Jersey
    4: "+447400123456",
    5: "+4915123456789",
    6: "+6281234567890",
    7: "+918123456789",
    8: "+819012345678",
    9: "+639171234567",
    10: "+33612345678",
    11: "+61412345678",
    12: "+254712345678",
    13: "+5511912345678",
    14: "+34612345678",
    15: "+447400123457",  # written with +: the country column does not matter
    16: "+14155550101",  # no country: the default
    17: "+491712345678",
    18: "+447911123456",
    19: "+351912345678",
    20: "+46701234567",
    21: "+12125550142",
}


def test_country_column_is_found_and_used_by_default(fixtures: Path) -> None:
    result = import_contacts(fixtures / "contacts_country_column.csv", default_region="US")
    report = result.report
    assert report.region_column == "country"
    assert result.contacts["phone_e164"].to_dict() == COUNTRY_COLUMN_E164
    assert report.issues == () and report.imported == 20
    assert report.warnings == ()


def test_the_detected_country_column_fills_region_column(fixtures: Path) -> None:
    importer = ContactImporter(fixtures / "contacts_country_column.csv", "US")
    assert importer.region_column is None
    list(importer.chunks(5))
    assert importer.region_column == importer.report().region_column == "country"


def test_region_column_can_be_chosen_or_turned_off(fixtures: Path) -> None:
    off = import_contacts(fixtures / "contacts_country_column.csv", "US", region_column="")
    assert off.report.region_column == ""
    assert off.contacts.loc[3, "phone_e164"] == "+15512345678"  # what a dashboard switched off
    path = fixtures / "contacts_country_column.csv"
    chosen = import_contacts(path, "US", region_column="Country")
    assert chosen.report.region_column == "country"
    with pytest.raises(LocalizedError, match="'Land' is not in the file"):
        import_contacts(fixtures / "contacts_country_column.csv", "US", region_column="Land")


@pytest.mark.parametrize(
    "header",
    [
        "Country",
        "Country code",
        "País",
        "Pays",
        "Land",
        "Ländercode",
        "Negara",
        "Kode Negara",
        "DDI",
    ],
)
def test_country_header_names_in_six_languages(header: str) -> None:
    frame = pd.DataFrame(
        {"Name": ["Ana", "Bo"], "Phone": ["0151 23456789", "x"], header: ["DE", "FR"]}
    )
    assert find_region_column(frame, None, "Phone") == header


@pytest.mark.parametrize(
    ("value", "region"),
    [
        ("MX", "MX"),
        ("mx", "MX"),
        (" MEX ", "MX"),
        ("Mexico", "MX"),
        ("México", "MX"),
        ("Meksiko", "MX"),
        ("+52", "MX"),
        ("52", "MX"),
        ("0052", "MX"),
        ("United States", "US"),
        ("Amerika Serikat", "US"),
        ("USA", "US"),
        ("UK", "GB"),
        ("Inggris Raya", "GB"),
        ("+1", "US"),
        ("Atlantis", None),
        ("", None),
        ("999", None),
    ],
)
def test_country_values(value: str, region: str | None) -> None:
    assert region_for_value(value) == region


def test_a_country_column_is_found_by_its_values() -> None:
    frame = pd.DataFrame(
        {
            "phone": ["0151 23456789", "06 12 34 56 78", "07400 123456"],
            "where": ["Germany", "France", "United Kingdom"],
        }
    )
    assert find_region_column(frame, None, "phone") == "where"


@pytest.mark.parametrize(
    "column",
    [
        {"State": ["CA", "NY", "DE", "IN", "GA"]},  # US states that are also ISO codes
        {"City": ["Berlin", "Paris", "London", "Oslo", "Lagos"]},
        {"Language": ["en", "fr", "de", "es", "id"]},
        {"id": ["1", "44", "52", "33", "49"]},  # numbers are dialling codes only under a header
        {"Region": ["West", "EMEA", "North", "APAC", "South"]},
    ],
)
def test_other_columns_are_not_taken_for_countries(column: dict[str, list[str]]) -> None:
    frame = pd.DataFrame({"phone": ["(415) 555-0100"] * 5, **column})
    assert find_region_column(frame, None, "phone") is None


def test_mixed_national_formats_without_a_country_column_are_flagged(fixtures: Path) -> None:
    result = import_contacts(fixtures / "contacts_mixed_national.csv", default_region="US")
    report = result.report
    assert report.region_column == ""
    (warning,) = report.warnings
    assert warning.kind == "mixed_countries"
    assert warning.rows == (3, 4, 7) and warning.count == 3  # GB, DE and DE national numbers
    text = warning.render()
    assert text.startswith("Rows 3, 4, 7: ") and "DE, GB" in text and "country column" in text
    assert warning.render("id").startswith("Baris 3, 4, 7: ")


def test_one_country_in_national_format_is_not_flagged(fixtures: Path) -> None:
    result = import_contacts(fixtures / "contacts_basic.csv", default_region="US")
    assert result.report.warnings == ()
    assert result.report.region_column == ""  # the City column is not a country column
