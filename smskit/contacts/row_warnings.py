"""Warnings about rows, gathered while a file streams: text that was not valid in the file's
encoding, and national numbers of other countries in a file without a country column.

A national number is read in the default country (or, without one, in none), so a file that mixes
countries' national formats needs a country column: ``55 1234 5678`` is Mexico City in Mexico and
a stranger in New Jersey in the US. Rows whose number is not valid in the default country are
tried in the countries smskit documents (:func:`smskit.contacts.countries.national_region`); those
valid there, as numbers that can receive SMS, are named in the warning.

>>> notes = RowWarnings("US")
>>> notes.add_invalid([3, 4, 5], ["07400 123456", "0151 23456789", "nope"], ["too_long"] * 3)
>>> (warning,) = notes.warnings("utf-8-sig")
>>> warning.render()[:62]
'Rows 3, 4: national numbers not valid in US but in DE, GB, and'
"""

from __future__ import annotations

from collections.abc import Iterable

from smskit.contacts.charset import encoding_name
from smskit.contacts.countries import national_region
from smskit.contacts.report import RowWarning
from smskit.i18n.catalog import Text

__all__ = ["RowWarnings"]

# Reasons a national number of another country gets in the default country (not_a_number and
# empty are no number at all; invalid_country_code needs a +).
_RETRY = frozenset(
    {
        "too_long",
        "too_short",
        "invalid_length",
        "invalid_for_region",
        "local_only",
        "missing_region",
    }
)
_TRIES = 1_000  # distinct national numbers tried in other countries per file: ~0.4 ms each


class RowWarnings:
    """Collects the rows to warn about, keeping the first ``keep`` row numbers of each warning."""

    def __init__(self, default_region: str | None, keep: int = 1_000) -> None:
        self.default_region = (default_region or "").strip().upper() or None
        self.keep = keep
        self._recoded: dict[str, list[int]] = {}
        self._recoded_count: dict[str, int] = {}
        self._tried: dict[str, str | None] = {}
        self._foreign: list[int] = []
        self._foreign_count = 0
        self._regions: set[str] = set()
        self._numbers: set[str] = set()

    def add_recoded(self, recoded: Iterable[tuple[int, str]]) -> None:
        """Rows whose text was read with ``encoding`` instead of the file's.

        >>> notes = RowWarnings(None); notes.add_recoded([(7, "cp1252")])
        >>> notes.warnings("utf-8-sig")[0].render()
        'Row 7: not valid UTF-8, read as Windows-1252: check the text'
        """
        for row, encoding in recoded:
            rows = self._recoded.setdefault(encoding, [])
            if len(rows) < self.keep:
                rows.append(row)
            self._recoded_count[encoding] = self._recoded_count.get(encoding, 0) + 1

    def add_invalid(self, rows: Iterable[int], raws: Iterable[str], reasons: Iterable[str]) -> None:
        """Invalid rows of a file without a country column: is each a national number of another
        country?

        >>> notes = RowWarnings("US"); notes.add_invalid([9], ["n/a"], ["not_a_number"])
        >>> notes.warnings("utf-8-sig")
        ()
        """
        for row, raw, reason in zip(rows, raws, reasons, strict=True):
            if reason not in _RETRY or not isinstance(raw, str):
                continue
            key = raw.strip()
            if key.startswith("+"):  # international: its country is written in it
                continue
            if key in self._tried:
                region = self._tried[key]
            elif len(self._tried) < _TRIES:
                region = self._tried[key] = national_region(key, self.default_region)
            else:
                continue
            if region is None:
                continue
            self._foreign_count += 1
            if len(self._foreign) < self.keep:
                self._foreign.append(row)
            self._regions.add(region)
            self._numbers.add(key)

    def warnings(self, encoding: str) -> tuple[RowWarning, ...]:
        """The warnings so far; ``encoding`` is the file's (as the report names it).

        >>> RowWarnings("US").warnings("cp1252")
        ()
        """
        found = [
            RowWarning(
                "encoding",
                Text(
                    "not valid {encoding}, read as {fallback}: check the text",
                    encoding=encoding_name(encoding),
                    fallback=encoding_name(fallback),
                ),
                tuple(sorted(rows)),
                self._recoded_count[fallback],
            )
            for fallback, rows in self._recoded.items()
        ]
        countries = ", ".join(sorted(self._regions))
        if self.default_region and len(self._numbers) >= 2:
            # Two different numbers at least: one odd entry is its own row's issue.
            message = Text(
                "national numbers not valid in {region} but in {countries}, and the file has no "
                "country column: add one, or write the numbers with + and the country code",
                region=self.default_region,
                countries=countries,
            )
        elif not self.default_region and len(self._regions) >= 2:
            message = Text(
                "national numbers of different countries ({countries}) and no country column: "
                "add one, or write the numbers with + and the country code",
                countries=countries,
            )
        else:
            return tuple(found)
        found.append(
            RowWarning("mixed_countries", message, tuple(self._foreign), self._foreign_count)
        )
        return tuple(found)
