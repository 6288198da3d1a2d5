"""Saved contacts: an import is kept, found again, edited (fields only) and exported safely."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from pathlib import Path

from smskit.campaign.audience import recipients_from_store
from smskit.consent.events import ConsentAction, ConsentEvent, ConsentSource, ConsentState
from smskit.consent.ledger import ConsentLedger
from smskit.contacts.importer import import_contacts
from smskit.contacts.saved import export_contacts_csv, save_imported
from smskit.store.database import Store


def _file(tmp_path: Path) -> Path:
    path = tmp_path / "contacts.csv"
    path.write_text(
        "Name,Phone,City,Note\n"
        'Zoë Ng,+1 415 555 0100,São Paulo,=HYPERLINK("http://x")\n'
        "Budi,0812-3456-7890,Jakarta,\n"
        "Nobody,not a number,,\n",
        encoding="utf-8",
    )
    return path


def test_an_import_is_saved_and_used_again(tmp_path: Path) -> None:
    store = Store.open("sqlite://")
    imported = import_contacts(_file(tmp_path), "ID")
    assert save_imported(store, imported) == imported.report.imported == 2
    again = {r.phone: r for r in recipients_from_store(store)}
    assert set(again) == {"+14155550100", "+6281234567890"}
    assert again["+14155550100"].values["name"] == "Zoë Ng"
    number = again["+6281234567890"].number
    assert number is not None and number.region == "ID"
    assert "note" not in again["+6281234567890"].values  # an empty cell is not a field


def test_search_edit_keeps_consent_and_export_is_spreadsheet_safe(tmp_path: Path) -> None:
    store = Store.open("sqlite://")
    save_imported(store, import_contacts(_file(tmp_path), "ID"))
    ledger = ConsentLedger(store)
    ledger.record(
        ConsentEvent(
            "+14155550100",
            "Acme",
            ConsentAction.OPT_IN,
            ConsentSource.WEB_FORM,
            datetime(2026, 11, 1, tzinfo=UTC),
            "signup form",
        )
    )
    assert [c.phone_e164 for c in store.search_contacts("zoë")] == ["+14155550100"]
    assert [c.phone_e164 for c in store.search_contacts("0812")] == ["+6281234567890"]
    assert store.search_contacts("jakarta")[0].fields["City"] == "Jakarta"
    assert store.search_contacts("nobody") == []

    assert store.replace_contact_fields("+14155550100", {"Name": "Zoë N.", "City": "Recife"})
    assert not store.replace_contact_fields("+19999999999", {"Name": "x"})
    edited = store.get_contact("+14155550100")
    assert edited is not None and dict(edited.fields) == {"Name": "Zoë N.", "City": "Recife"}
    assert ledger.status("+14155550100", "Acme").state is ConsentState.OPTED_IN  # untouched

    out = io.StringIO()
    assert export_contacts_csv(store, out) == 2
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows[0][:4] == ["phone", "country", "line_type", "status"]
    cells = [cell for row in rows[1:] for cell in row]
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)
    assert "'+14155550100" in cells
