"""Saved contacts in the Campaign Sender: find a contact, edit its fields, export them all.

Every import is saved (:func:`smskit.contacts.saved.save_imported`); this panel reads and edits
the same store. An edit changes a contact's personal fields only, never its number or its consent
history (consent lives in the ledger). The export is formula-safe CSV.
"""

from __future__ import annotations

import html
import io
from typing import Any

import ipywidgets as W
import traitlets
from smskit_widgets.campaign import render as R
from smskit_widgets.common.i18n import Translator, on_language_change
from smskit_widgets.common.status import StatusLine, shows_errors

from smskit.contacts.saved import export_contacts_csv
from smskit.store.database import Store

t = Translator("campaign")


def _tag(css: str, widget: Any) -> Any:
    widget.add_class(f"smskit-contacts-{css}")
    return widget


def fields_text(fields: dict[str, str]) -> str:
    """One ``name: value`` line per field, as the edit box shows them."""
    return "\n".join(f"{name}: {value}" for name, value in fields.items())


def parse_fields(text: str) -> dict[str, str]:
    """Read the edit box back; a line without ``:`` names its line number."""
    fields: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        name, colon, value = line.partition(":")
        if not colon or not name.strip():
            raise ValueError(t("Line {n}: write it as name: value", n=number))
        fields[name.strip()] = value.strip()
    return fields


class SavedContacts(W.VBox):
    """Search box, matches, one contact's fields to edit, and an export link."""

    matches = traitlets.List(help="The contacts (smskit Contact) the last search found")

    def __init__(self, store: Store, **kwargs: Any) -> None:
        self.store = store
        self.title = W.HTML()
        self.query = _tag("query", W.Text(placeholder="Zoë, 0812…", continuous_update=False))
        self.search = _tag("search", W.Button(icon="search", layout=W.Layout(width="auto")))
        self.table = _tag("table", W.HTML())
        self.chosen = _tag("chosen", W.Dropdown(options=[], layout=W.Layout(width="320px")))
        self.fields = _tag("fields", W.Textarea(layout=W.Layout(width="420px", height="110px")))
        self.save = _tag("save", W.Button(icon="save", layout=W.Layout(width="auto")))
        self.export = _tag("export", W.Button(icon="download", layout=W.Layout(width="auto")))
        self.download = _tag("download", W.HTML())
        self.status = StatusLine()
        super().__init__(
            [
                self.title,
                W.HBox([self.query, self.search], layout=W.Layout(flex_flow="row wrap")),
                self.table,
                self.chosen,
                self.fields,
                W.HBox([self.save, self.export], layout=W.Layout(flex_flow="row wrap")),
                self.download,
                self.status,
            ],
            **kwargs,
        )
        self.add_class("smskit-saved-contacts")
        self.search.on_click(self._on_search_click)
        # Enter (or leaving the field) searches too; on_submit is deprecated in ipywidgets 8.
        self.query.observe(self._on_search_click, names="value")
        self.chosen.observe(self._on_chosen_change, names="value")
        self.save.on_click(self._on_save_click)
        self.export.on_click(self._on_export_click)
        self._refresh()
        on_language_change(self._refresh)

    @shows_errors
    def _on_search_click(self, _source: Any) -> None:
        self.status.clear()
        self.matches = self.store.search_contacts(self.query.value, limit=50)
        self.chosen.options = [c.phone_e164 for c in self.matches]
        self.chosen.value = self.chosen.options[0] if self.matches else None
        self._refresh()

    def _on_chosen_change(self, _change: dict[str, Any]) -> None:
        contact = self.store.get_contact(self.chosen.value) if self.chosen.value else None
        self.fields.value = fields_text(dict(contact.fields)) if contact else ""

    @shows_errors
    def _on_save_click(self, _button: W.Button) -> None:
        if not self.chosen.value:
            raise ValueError(t("Search for a contact first"))
        if not self.store.replace_contact_fields(
            self.chosen.value, parse_fields(self.fields.value)
        ):
            raise ValueError(t("That contact is no longer saved"))
        edited = self.chosen.value
        self._on_search_click(self.search)
        if edited in self.chosen.options:
            self.chosen.value = edited
        self.status.show(t("Saved. The number and its consent history are unchanged."), "ok")

    @shows_errors
    def _on_export_click(self, _button: W.Button) -> None:
        out = io.StringIO()
        n = export_contacts_csv(self.store, out)
        self.download.value = R.csv_link_html(out.getvalue(), "contacts.csv")
        self.status.show(t("{n} contacts ready to download.", n=n), "ok")

    def _refresh(self) -> None:
        self.title.value = f"<h4>{html.escape(t('Saved contacts'))}</h4>"
        self.query.description = t("Find")
        self.search.description = t("Search")
        self.chosen.description = t("Contact")
        self.fields.description = t("Fields")
        self.save.description = t("Save fields")
        self.export.description = t("Export all (CSV)")
        if not self.matches:
            self.table.value = (
                f"<p>{html.escape(t('No contact found.'))}</p>" if self.query.value else ""
            )
            return
        rows = "".join(
            f"<tr><td>{html.escape(c.phone_e164)}</td><td>{html.escape(c.region or '')}</td>"
            f"<td>{html.escape(', '.join(f'{k}: {v}' for k, v in c.fields.items()))}</td></tr>"
            for c in self.matches
        )
        self.table.value = f"<table class='smskit-contacts-results'>{rows}</table>"
