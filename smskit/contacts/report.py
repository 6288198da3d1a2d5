"""What a contact import returns: per-row issues, counts by outcome, and the imported frames.

Each row has one outcome; a :class:`RowWarning` is something more to check about some rows (their
text was not valid UTF-8, the file mixes countries' national formats) that leaves their outcomes
as they are.

>>> RowIssue(4, "landline", Text("{phone} is a landline ({region}): it cannot receive SMS",
...          phone="+442079460958", region="GB")).render()
'Row 4: +442079460958 is a landline (GB): it cannot receive SMS'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from smskit.i18n.catalog import N_, Text, translate

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "CONTACT_COLUMNS",
    "OUTCOMES",
    "ContactChunk",
    "ContactImport",
    "ImportReport",
    "RowIssue",
    "RowWarning",
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
class RowWarning:
    """Something to check about some rows, which keep their outcomes: what, and which rows.

    ``kind`` is ``encoding`` (text that was not valid in the file's encoding, read with another)
    or ``mixed_countries`` (national numbers of other countries, and no country column); ``rows``
    are the first rows concerned, in file order, and ``count`` is how many there are in all.
    """

    kind: str
    message: Text
    rows: tuple[int, ...]
    count: int

    def render(self, lang: str = "en") -> str:
        """``Rows 3, 7: <message>`` in ``lang``.

        >>> RowWarning("encoding", Text("check the text"), (3, 7, 9), 5).render()
        'Rows 3, 7, 9 and 2 more: check the text'
        """
        message = self.message.render(lang)
        if self.count == 1 and len(self.rows) == 1:
            return translate("Row {row}: {reason}", lang).format(row=self.rows[0], reason=message)
        rows = ", ".join(map(str, self.rows))
        if self.count > len(self.rows):
            more = translate(N_("{rows} and {n} more"), lang)
            rows = more.format(rows=rows, n=self.count - len(self.rows))
        return translate(N_("Rows {rows}: {message}"), lang).format(rows=rows, message=message)


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
    #: The country column that gave national numbers their country ("" when there is none).
    region_column: str = ""
    warnings: tuple[RowWarning, ...] = ()

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
