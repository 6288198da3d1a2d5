"""What a contact import returns: per-row issues, counts by outcome, and the imported frames.

>>> RowIssue(4, "landline", Text("{phone} is a landline ({region}): it cannot receive SMS",
...          phone="+442079460958", region="GB")).render()
'Row 4: +442079460958 is a landline (GB): it cannot receive SMS'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from smskit.i18n.catalog import Text, translate

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "CONTACT_COLUMNS",
    "OUTCOMES",
    "ContactChunk",
    "ContactImport",
    "ImportReport",
    "RowIssue",
]

OUTCOMES = ("imported", "landline", "invalid", "duplicate", "conflict", "malformed", "blank")
#: Columns of the contacts frame (its index is the file row number).
CONTACT_COLUMNS = (
    "phone_e164",
    "region",
    "line_type",
    "time_zones",
    "can_receive_sms",
    "status",
    "consent",
)


@dataclass(frozen=True, slots=True)
class RowIssue:
    """One rejected or flagged row: its 1-based row number as a spreadsheet shows it, and why."""

    row: int
    outcome: str
    reason: Text
    phone: str = ""
    phone_e164: str | None = None
    first_row: int | None = None

    def render(self, lang: str = "en") -> str:
        """``Row 3: <reason>`` in ``lang``.

        >>> RowIssue(3, "invalid", Text("No phone number given")).render()
        'Row 3: No phone number given'
        """
        return translate("Row {row}: {reason}", lang).format(
            row=self.row, reason=self.reason.render(lang)
        )


@dataclass(frozen=True, slots=True)
class ImportReport:
    """Counts by outcome (they add up to ``rows``), what was detected, and every issue."""

    file_name: str
    rows: int
    imported: int
    landline: int
    invalid: int
    duplicate: int
    conflict: int
    malformed: int
    blank: int
    phone_column: str
    consent_columns: tuple[str, ...]
    field_columns: tuple[str, ...]
    encoding: str
    delimiter: str
    notes: tuple[Text, ...]
    issues: tuple[RowIssue, ...]
    issues_omitted: int = 0

    @property
    def contacts(self) -> int:
        """Distinct numbers kept (imported plus flagged landlines).

        >>> _empty_report().contacts
        0
        """
        return self.imported + self.landline

    @property
    def conflicts(self) -> int:
        """Rows flagged for conflicting consent (alias of ``conflict``).

        >>> _empty_report().conflicts
        0
        """
        return self.conflict

    def counts(self) -> tuple[tuple[str, int], ...]:
        """(outcome, count) for every outcome, in :data:`OUTCOMES` order.

        >>> _empty_report().counts()[0]
        ('imported', 0)
        """
        return tuple((name, int(getattr(self, name))) for name in OUTCOMES)


@dataclass(frozen=True, slots=True, eq=False)
class ContactChunk:
    """The result of one chunk: new distinct contacts, their other columns, and the issues."""

    contacts: pd.DataFrame
    fields: pd.DataFrame
    issues: tuple[RowIssue, ...]
    counts: tuple[tuple[str, int], ...]


@dataclass(frozen=True, slots=True, eq=False)
class ContactImport:
    """A whole file imported: the report, the contacts (index = row) and their personal fields."""

    report: ImportReport
    contacts: pd.DataFrame
    fields: pd.DataFrame


def _empty_report() -> ImportReport:
    return ImportReport("", 0, 0, 0, 0, 0, 0, 0, 0, "", (), (), "", "", (), ())
