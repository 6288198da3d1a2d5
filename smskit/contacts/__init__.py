"""Contact files in, E.164 contacts and a row-by-row report out; saved contacts in the store.

Reads CSV and XLSX in any common encoding and delimiter (damage fails only its own rows), and finds
the phone, country and consent columns.
"""

from __future__ import annotations

from smskit.contacts.importer import ContactImporter, import_contacts
from smskit.contacts.report import ImportReport

__all__ = [
    "ContactImporter",
    "ImportReport",
    "import_contacts",
]
