"""Finding the phone, country and consent columns of a contact file; normalising consent values.

>>> import pandas as pd
>>> frame = pd.DataFrame({"Name": ["Ana"], "No. HP": ["0812-3456-7890"], "Negara": ["ID"]})
>>> find_phone_column(frame, None), find_region_column(frame, None, "No. HP")
('No. HP', 'Negara')
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from smskit.contacts.countries import fold, region_kind
from smskit.i18n.catalog import LocalizedError

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["consent_key", "find_consent_columns", "find_phone_column", "find_region_column"]

# Header names (lower case, letters and digits only) that name a phone column, best first.
PHONE_NAMES = (
    "phonee164", "e164", "mobile", "mobilephone", "mobilenumber", "mobileno", "cell", "cellphone",
    "cellnumber", "msisdn", "sms", "phone", "phonenumber", "phoneno", "tel", "telephone", "telefon",
    "telefono", "telepon", "nomortelepon", "notelp", "nohp", "nomorhp", "hp", "handphone",
    "whatsapp", "wa", "celular", "movil", "portable", "handy", "number", "to",
)  # fmt: skip
PHONE_PARTS = ("phone", "mobile", "cell", "msisdn", "whatsapp", "telep", "telef", "handy", "nohp")
# Names too general to take a column for the phone column on their name alone.
_GENERIC_PHONE_NAMES = ("number", "to", "sms")
# Header names (folded: see countries.fold) of a country column, best first, in smskit's six
# languages (data/keywords.csv): en, fr, de, es, pt (DDI: Brazil's "discagem direta internacional")
# and id. Outlook exports "Business Country/Region". Not "region": in a contact list that is more
# often a sales region or a US state (IN is Indiana there, India here).
REGION_NAMES = (
    "country", "countrycode", "countryiso", "countryname", "countryregion", "iso", "isocode",
    "iso2", "nation", "dialcode", "dialingcode", "diallingcode",
    "callingcode", "countrycallingcode", "countrydialcode", "phonecountry", "phonecountrycode",
    "pays", "codepays", "indicatif", "indicatifpays",
    "land", "landercode", "laendercode", "landeskennzahl", "landervorwahl", "laendervorwahl",
    "pais", "codigopais", "codigodepais", "prefijopais", "codigodopais", "ddi",
    "negara", "kodenegara", "asalnegara",
)  # fmt: skip
REGION_PARTS = ("country", "pays", "pais", "negara", "landercode", "laendercode")
# A person's nationality is not where their phone number is from.
_NOT_REGION_NAMES = (
    "nationality", "citizenship", "nationalite", "staatsangehorigkeit", "staatsangehoerigkeit",
    "nacionalidad", "nacionalidade", "kewarganegaraan", "warganegara",
)  # fmt: skip
CONSENT_NAMES = (
    "consent", "smsconsent", "optin", "optedin", "smsoptin", "optinstatus", "consentstatus",
    "marketingconsent", "subscribed", "subscription", "smssubscribed", "persetujuan",
)  # fmt: skip
# Spellings of the same answer, so "Y" and "yes" are not reported as a conflict.
CONSENT_SYNONYMS = {
    **dict.fromkeys(
        ["y", "yes", "true", "1", "x", "opted in", "opted-in", "opted_in", "opt-in", "opt in",
         "optin", "subscribed", "ya", "si", "sí", "oui", "ja", "sim"],
        "yes",
    ),
    **dict.fromkeys(
        ["n", "no", "false", "0", "opted out", "opted-out", "opted_out", "opt-out", "opt out",
         "optout", "unsubscribed", "tidak", "non", "nein", "não", "nao"],
        "no",
    ),
}  # fmt: skip
_LOOKS_LIKE_PHONE = re.compile(r"\s*(?:\+|00)?[\d\s\-().\/]{7,24}\s*")


def _norm(name: str) -> str:
    return fold(name)  # accents dropped too: "Teléfono" is "telefono", "País" is "pais"


def _phone_share(values: pd.Series) -> float:
    """Share of non-empty values that look like a phone number (7+ digits, phone punctuation)."""
    sample = values.iloc[:500]
    sample = sample[sample.str.strip() != ""]
    if sample.empty:
        return 0.0
    shaped = sample.str.fullmatch(_LOOKS_LIKE_PHONE)
    digits = sample.str.count(r"\d") >= 7
    return float((shaped & digits).mean())


def find_phone_column(frame: pd.DataFrame, explicit: str | None) -> str:
    """The phone column: the one named ``explicit``, else by header name, else by content, else
    (no column's content looks like phone numbers: a truncated file) by header name alone.

    >>> import pandas as pd
    >>> find_phone_column(pd.DataFrame({"a": ["x"], "b": ["+1 415 555 0100"]}), None)
    'b'
    >>> find_phone_column(pd.DataFrame({"name": ["Ana"], "phone": ["+1 41"]}), None)
    'phone'
    >>> find_phone_column(pd.DataFrame({"a": ["x"]}), None)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    smskit.i18n.LocalizedError: No phone column found. Columns in the file: a. Name the phone ...
    """
    columns = [str(c) for c in frame.columns]
    listed = ", ".join(columns)
    if explicit is not None:
        matches = [c for c in columns if c == explicit] or [
            c for c in columns if _norm(c) == _norm(explicit)
        ]
        if len(matches) == 1:
            return matches[0]
        raise LocalizedError(
            "Column '{name}' is not in the file. Columns found: {columns}",
            name=explicit,
            columns=listed,
        )
    by_name = {_norm(c): c for c in reversed(columns)}
    for name in PHONE_NAMES:
        if name in by_name and _phone_share(frame[by_name[name]]) >= 0.3:
            return by_name[name]
    partial = [c for c in columns if any(part in _norm(c) for part in PHONE_PARTS)]
    scores = {c: _phone_share(frame[c]) for c in columns}
    named = [c for c in partial if scores[c] >= 0.3]
    if named:
        return max(named, key=lambda c: (scores[c], "mobile" in _norm(c) or "cell" in _norm(c)))
    best = max(columns, key=lambda c: scores[c]) if columns else None
    if best is not None and scores[best] >= 0.5:
        return best
    # No column's content says "phone numbers" (no rows yet, or damaged ones): trust a header that
    # does, and each row that is not a number is reported as such.
    if partial:
        return partial[0]
    for name in PHONE_NAMES:
        if name in by_name and (frame.empty or name not in _GENERIC_PHONE_NAMES):
            return by_name[name]
    raise LocalizedError(
        "No phone column found. Columns in the file: {columns}. Name the phone column.",
        columns=listed,
    )


def find_region_column(frame: pd.DataFrame, explicit: str | None, phone_column: str) -> str | None:
    """The country column: the one named ``explicit`` ("" for none), else found like the phone
    column: by header name (with at least half its values countries), else by content alone (at
    least 80% country names or dialling codes written with + or 00: ISO codes and bare numbers
    are too often US states, languages or ids to go by without a header).

    >>> import pandas as pd
    >>> frame = pd.DataFrame({"tel": ["0151 23456789"], "Pays": ["DE"], "where": ["Jerman"]})
    >>> find_region_column(frame, None, "tel"), find_region_column(frame, "where", "tel")
    ('Pays', 'where')
    >>> find_region_column(frame.drop(columns="Pays"), None, "tel")
    'where'
    """
    columns = [str(c) for c in frame.columns]
    if explicit is not None:
        if explicit == "":
            return None
        matches = [c for c in columns if c == explicit] or [
            c for c in columns if _norm(c) == _norm(explicit)
        ]
        if len(matches) == 1:
            return matches[0]
        raise LocalizedError(
            "Column '{name}' is not in the file. Columns found: {columns}",
            name=explicit,
            columns=", ".join(columns),
        )
    others = [c for c in columns if c != phone_column and _norm(c) not in _NOT_REGION_NAMES]
    by_name = {_norm(c): c for c in reversed(others)}
    named = [by_name[name] for name in REGION_NAMES if name in by_name]
    named += [c for c in others if c not in named and any(p in _norm(c) for p in REGION_PARTS)]
    if frame.empty and named:
        return named[0]  # no data rows to look at: trust the header
    for column in named:
        if _country_share(frame[column], ("code", "name", "dialling", "number")) >= 0.5:
            return column
    for column in others:
        if _country_share(frame[column], ("name", "dialling")) >= 0.8:
            return column
    return None


def _country_share(values: pd.Series, kinds: tuple[str, ...]) -> float:
    """Share of non-empty values that name a country in one of these ways (see region_kind)."""
    sample = values.iloc[:500].fillna("").astype(str).str.strip()
    counts = sample[sample != ""].value_counts()
    if counts.empty:
        return 0.0
    found = sum(
        int(n)
        for value, n in counts.items()
        if (kind := region_kind(str(value))) and kind[1] in kinds
    )
    return found / int(counts.sum())


def find_consent_columns(
    columns: Sequence[str], explicit: Sequence[str] | None, phone_column: str
) -> tuple[str, ...]:
    """The consent columns: those named ``explicit`` (checked), else those whose header says so.

    >>> find_consent_columns(["Phone", "SMS opt-in", "City"], None, "Phone")
    ('SMS opt-in',)
    """
    if explicit is not None:
        missing = [c for c in explicit if c not in columns]
        if missing:
            raise LocalizedError(
                "Column '{name}' is not in the file. Columns found: {columns}",
                name=missing[0],
                columns=", ".join(columns),
            )
        return tuple(explicit)
    return tuple(c for c in columns if c != phone_column and _norm(c) in CONSENT_NAMES)


def _normalise_consent(values: pd.Series) -> pd.Series:
    """Strip, lower-case and map synonyms, once per distinct value (a column has few)."""
    import numpy as np
    import pandas as pd

    codes, uniques = pd.factorize(values.fillna(""))
    mapped = [CONSENT_SYNONYMS.get(u, u) for u in (str(v).strip().lower() for v in uniques)]
    table = np.array(mapped or [""], dtype=object)
    return pd.Series(table[codes], index=values.index, dtype=str)


def consent_key(frame: pd.DataFrame, columns: Sequence[str]) -> pd.Series:
    """One normalised consent value per row ("" when there is no consent column or no value).

    >>> import pandas as pd
    >>> consent_key(pd.DataFrame({"c": [" Yes", "opted out", ""]}), ["c"]).tolist()
    ['yes', 'no', '']
    """
    import pandas as pd

    if not columns:
        return pd.Series("", index=frame.index, dtype=str)
    parts = [_normalise_consent(frame[c]) for c in columns]
    key = parts[0]
    for part in parts[1:]:
        key = key + " | " + part
    return key.astype(str)
