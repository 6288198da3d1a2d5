"""smskit.contacts.importer: import CSV and XLSX, normalise, dedupe, flag, report every row (issue
4)."""

from __future__ import annotations

import csv
import json
import random
import subprocess
import sys
from pathlib import Path

import pytest

from smskit.contacts.importer import (
    OUTCOMES,
    ContactImporter,
    import_contacts,
    import_contacts_to_store,
)
from smskit.i18n.catalog import LocalizedError
from smskit.store.database import Store


def outcomes(path: Path, **options: object) -> dict[int, str]:
    result = import_contacts(path, **options)  # type: ignore[arg-type]
    found = {issue.row: issue.outcome for issue in result.report.issues}
    for row in result.contacts.index:
        found.setdefault(int(row), "imported")
    return found


def test_basic_file_every_row_has_one_outcome(fixtures: Path) -> None:
    result = import_contacts(fixtures / "contacts_basic.csv", default_region="US")
    report = result.report
    assert (report.delimiter, report.phone_column, report.consent_columns) == (
        ";",
        "Mobile",
        ("SMS consent",),
    )
    assert report.field_columns == ("Name", "City", "SMS consent")
    assert report.rows == 10
    assert sum(count for _, count in report.counts()) == report.rows
    assert dict(report.counts()) == {
        "imported": 4,
        "landline": 1,
        "invalid": 3,
        "duplicate": 1,
        "conflict": 1,
        "malformed": 0,
        "blank": 0,
    }
    by_row = {issue.row: issue for issue in report.issues}
    assert by_row[4].outcome == "landline" and by_row[4].phone_e164 == "+442079460958"
    assert (by_row[5].outcome, by_row[5].first_row) == ("duplicate", 3)
    assert (by_row[7].outcome, by_row[7].first_row) == ("conflict", 3)
    assert by_row[7].render() == (
        "Row 7: same number as row 3 (+14155550100) but consent differs ('no' vs 'yes'): not merged"
    )
    assert by_row[6].render() == "Row 6: 'not a number' is not a phone number"
    assert by_row[8].render() == "Row 8: No phone number given"
    assert by_row[11].outcome == "invalid" and "+1 415 555" in by_row[11].render()


def test_contacts_are_normalised_with_country_line_type_and_time_zones(fixtures: Path) -> None:
    result = import_contacts(fixtures / "contacts_basic.csv", default_region="US")
    contacts = result.contacts
    assert contacts.index.tolist() == [2, 3, 4, 9, 10]
    assert contacts["phone_e164"].tolist() == [
        "+5511912345678",
        "+14155550100",
        "+442079460958",
        "+4915123456789",
        "+6281234567890",
    ]
    assert contacts["region"].tolist() == ["BR", "US", "GB", "DE", "ID"]
    assert contacts.loc[4, "status"] == "landline"
    assert contacts.loc[9, "line_type"] == "mobile"
    assert contacts.loc[3, "time_zones"] == ("America/Los_Angeles",)
    assert contacts.loc[10, "time_zones"] == ("Asia/Jakarta",)
    assert contacts.loc[3, "consent"] == "yes"
    # the other columns are kept for personalisation, exactly as written
    assert result.fields.loc[2, "City"] == "São Paulo"
    assert result.fields.loc[3].to_dict() == {
        "Name": "Bob Smith",
        "City": "San Francisco",
        "SMS consent": "Y",
    }


def test_national_numbers_need_a_default_region(fixtures: Path) -> None:
    result = import_contacts(fixtures / "contacts_basic.csv")
    by_row = {issue.row: issue for issue in result.report.issues}
    assert by_row[3].outcome == "invalid"
    assert "national format" in by_row[3].render()
    assert 2 in result.contacts.index  # international numbers still import


def test_country_column_gives_each_national_number_its_region(fixtures: Path) -> None:
    result = import_contacts(
        fixtures / "contacts_countries.csv", default_region="US", region_column="country"
    )
    assert result.contacts["phone_e164"].to_dict() == {
        2: "+4915123456789",
        3: "+33612345678",
        4: "+14155550100",  # empty country: the default region
        5: "+447400123456",  # written with +: the country column does not matter
    }
    (issue,) = result.report.issues
    assert (issue.row, issue.outcome) == (6, "invalid")  # XX is no country: 0812... is not US


def test_comma_file_with_quoted_fields_and_explicit_column(fixtures: Path) -> None:
    result = import_contacts(fixtures / "contacts_comma.csv", phone_column="phone number")
    assert result.report.delimiter == ","
    assert result.report.phone_column == "Phone Number"
    assert result.fields["Full name"].tolist() == ["Smith, Ana", "Lee"]
    assert result.fields["Notes"].tolist() == ['likes "quotes"', ""]
    assert result.contacts["phone_e164"].tolist() == ["+33612345678", "+61412345678"]


def test_xlsx_numbers_typed_as_numbers_keep_their_digits(fixtures: Path) -> None:
    result = import_contacts(fixtures / "contacts_basic.xlsx", default_region="US")
    assert result.report.phone_column == "Phone"
    assert result.contacts["phone_e164"].tolist() == [
        "+14155550100",
        "+14155550101",
        "+14155550102",
        "+442079460958",
    ]
    assert result.contacts.index.tolist() == [3, 4, 5, 6]  # sheet rows; the header is on row 2
    assert result.fields["Visits"].tolist() == ["3", "1", "", "2"]
    assert result.report.landline == 1


def test_non_utf8_file_falls_back_to_windows_1252_and_says_so(fixtures: Path) -> None:
    result = import_contacts(fixtures / "contacts_cp1252.csv")
    assert result.report.encoding == "cp1252"
    assert result.fields["name"].tolist() == ["José Núñez", "Renée"]
    (note,) = result.report.notes
    assert "not UTF-8" in str(note) and "offset 14" in str(note)  # the é of José (0-based)


def test_excel_unicode_text_utf16_with_tabs(tmp_path: Path) -> None:
    path = tmp_path / "unicode.txt"
    path.write_bytes("Nama\tNo. HP\nSiti\t0812-3456-7890\n".encode("utf-16"))
    result = import_contacts(path, default_region="ID")
    assert (result.report.encoding, result.report.delimiter) == ("utf-16", "\t")
    assert result.report.phone_column == "No. HP"
    assert result.contacts["phone_e164"].tolist() == ["+6281234567890"]


def test_explicit_wrong_encoding_names_the_byte(fixtures: Path) -> None:
    with pytest.raises(LocalizedError, match=r"byte 0xE9 at offset 14 \(row 2\)"):
        import_contacts(fixtures / "contacts_cp1252.csv", encoding="utf-8")


def test_malformed_rows_are_reported_and_the_rest_kept(fixtures: Path) -> None:
    result = import_contacts(fixtures / "contacts_malformed.csv")
    report = result.report
    found = {issue.row: issue for issue in report.issues}
    assert result.contacts["phone_e164"].tolist() == ["+14155550100", "+14155550103"]
    assert result.contacts.index.tolist() == [2, 5]
    assert {row: issue.outcome for row, issue in found.items()} == {
        3: "malformed",
        4: "malformed",
        7: "malformed",
    }
    assert found[3].render() == (
        "Row 3: expected 3 fields but found 4 (a stray delimiter or quote?)"
    )
    assert "never closed" in found[4].render()
    assert (report.rows, report.blank) == (6, 1)
    assert sum(count for _, count in report.counts()) == report.rows


def test_runaway_quote_in_the_last_column_does_not_swallow_the_file(tmp_path: Path) -> None:
    path = tmp_path / "runaway.csv"
    lines = ['Ana,"1 Main St\nApt 2",+14155550100', 'Bob,x,"+14155550101']
    lines += [f"P{i},y,+1415555{i + 1000:04d}" for i in range(500)]
    path.write_text("name,address,phone\n" + "\n".join(lines) + "\n")
    result = import_contacts(path)
    (issue,) = result.report.issues
    assert (issue.row, issue.outcome) == (3, "malformed")
    assert "never closed" in issue.render()
    assert result.fields.loc[2, "address"] == "1 Main St\nApt 2"  # a real multi-line cell
    assert result.report.imported == 501
    assert result.contacts.index[-1] == 503


def test_a_quote_open_past_the_csv_field_limit_fails_only_its_row(tmp_path: Path) -> None:
    # Read to its end, the quote would swallow ~600 lines before csv's 128 KiB field limit stops
    # it; those lines are good rows (damage fails only its own row, see test_contacts_damage.py).
    path = tmp_path / "huge.csv"
    body = "\n".join(f"P{i} {'x' * 200},+1415555{i:04d}" for i in range(1000))
    path.write_text('name,phone\nAna,+14155559999\nBob,"+1415\n' + body + "\n")
    report = import_contacts(path).report
    assert report.rows == 1002
    (issue,) = report.issues
    assert (issue.row, issue.outcome) == (3, "malformed")
    assert "never closed" in issue.render()
    assert report.imported == 1001


def test_missing_phone_column_lists_the_columns(fixtures: Path) -> None:
    with pytest.raises(LocalizedError) as caught:
        import_contacts(fixtures / "contacts_nophone.csv")
    assert "name, city, email" in str(caught.value)
    with pytest.raises(LocalizedError, match=r"'Mobile' is not in the file.*name, city, email"):
        import_contacts(fixtures / "contacts_nophone.csv", phone_column="Mobile")


def test_empty_file_is_a_clear_error(fixtures: Path) -> None:
    with pytest.raises(LocalizedError, match=r"contacts_empty\.csv is empty"):
        import_contacts(fixtures / "contacts_empty.csv")


def test_header_only_file_imports_nothing(fixtures: Path) -> None:
    result = import_contacts(fixtures / "contacts_header_only.csv")
    assert result.report.rows == 0
    assert result.report.phone_column == ""
    assert result.contacts.empty


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(LocalizedError, match="File not found"):
        import_contacts(tmp_path / "nope.csv")


def test_messages_are_translated(fixtures: Path) -> None:
    result = import_contacts(fixtures / "contacts_basic.csv", default_region="US")
    issue = next(i for i in result.report.issues if i.row == 5)
    assert issue.render("id") == "Baris 5: nomor yang sama dengan baris 3 (+14155550100)"


def write_large(path: Path, rows: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "phone", "name", "consent"])
        for i in range(rows):
            number = f"+1 415 {rng.randrange(2, 10)}{rng.randrange(10**6):06d}"
            writer.writerow([i, number, f"Person {i}", "yes"])


STREAM = """
import json, resource, sys
from smskit.contacts.importer import ContactImporter
importer = ContactImporter(sys.argv[1], keep_issues=1000)
chunks = iter(importer.chunks(20_000))
first = next(chunks)  # everything is imported and warmed up: measure from here
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
rows = len(first.contacts) + sum(n for name, n in first.counts if name != "imported")
for chunk in chunks:
    rows += len(chunk.contacts) + sum(n for name, n in chunk.counts if name != "imported")
grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
report = importer.report()
print(json.dumps({"rows": rows, "grown_kib": grown, "counts": dict(report.counts()),
                  "issues": len(report.issues), "omitted": report.issues_omitted}))
"""


@pytest.mark.slow
def test_large_file_streams_in_bounded_memory(tmp_path: Path) -> None:
    path = tmp_path / "large.csv"
    write_large(path, 200_000)
    out = subprocess.run(
        [sys.executable, "-c", STREAM, str(path)], capture_output=True, text=True, timeout=300
    )
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    counts = result["counts"]
    assert result["rows"] == sum(counts.values()) == 200_000
    assert counts["imported"] + counts["duplicate"] == 200_000  # random numbers repeat a little
    assert result["issues"] == 1000
    assert result["issues"] + result["omitted"] == counts["duplicate"]
    # Holding all 200k rows as Python strings would take well over 100 MiB; after the first
    # chunk, the peak may only grow by about one chunk's worth.
    assert result["grown_kib"] < 40 * 1024, f"peak grew by {result['grown_kib'] / 1024:.0f} MiB"


def test_a_second_worker_process_gives_the_same_result(tmp_path: Path) -> None:
    path = tmp_path / "mid.csv"
    write_large(path, 6_000)
    with path.open("a") as handle:
        handle.write("6000,not a number,X,yes\n6001,+44 20 7946 0958,Y,no\n")
    alone = import_contacts(path, chunk_rows=1_000)
    helped = import_contacts(path, chunk_rows=1_000, workers=2)
    assert helped.report == alone.report
    assert helped.contacts.equals(alone.contacts)
    assert helped.fields.equals(alone.fields)
    assert alone.report.invalid == alone.report.landline == 1


def test_duplicates_are_found_across_chunks(tmp_path: Path) -> None:
    path = tmp_path / "dups.csv"
    path.write_text("phone,consent\n+14155550100,yes\n+14155550101,yes\n+14155550100,no\n")
    importer = ContactImporter(path)
    chunks = list(importer.chunks(1))
    assert [len(c.contacts) for c in chunks] == [1, 1, 0]
    (conflict,) = chunks[2].issues
    assert (conflict.row, conflict.outcome, conflict.first_row) == (4, "conflict", 2)


def test_import_straight_into_the_store(fixtures: Path, tmp_path: Path) -> None:
    with Store.open(f"sqlite:///{tmp_path / 's.db'}") as store:
        report = import_contacts_to_store(
            fixtures / "contacts_basic.csv", store, default_region="US", chunk_rows=3
        )
        assert report.contacts == store.count_contacts() == 5
        contact = store.get_contact("+442079460958")
        assert contact is not None
        assert (contact.status, contact.region, contact.line_type) == (
            "landline",
            "GB",
            "fixed_line",
        )
        assert contact.fields == {"Name": "Cara Jones", "City": "London", "SMS consent": "yes"}


def test_outcome_names_are_stable() -> None:
    assert OUTCOMES == (
        "imported",
        "landline",
        "invalid",
        "duplicate",
        "conflict",
        "malformed",
        "blank",
    )
