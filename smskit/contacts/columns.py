"""Finding the phone and consent columns of a contact file, and normalising consent values.

>>> import pandas as pd
>>> frame = pd.DataFrame({"Name": ["Ana"], "No. HP": ["0812-3456-7890"]})
>>> find_phone_column(frame, None)
'No. HP'
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from smskit.i18n.catalog import LocalizedError

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["consent_key", "find_consent_columns", "find_phone_column"]

# Header names (lower case, letters and digits only) that name a phone column, best first.
PHONE_NAMES = (
    "phonee164", "e164", "mobile", "mobilephone", "mobilenumber", "mobileno", "cell", "cellphone",
    "cellnumber", "msisdn", "sms", "phone", "phonenumber", "phoneno", "tel", "telephone", "telefon",
    "telefono", "telepon", "nomortelepon", "notelp", "nohp", "nomorhp", "hp", "handphone",
    "whatsapp", "wa", "celular", "movil", "portable", "handy", "number", "to",
)  # fmt: skip
PHONE_PARTS = ("phone", "mobile", "cell", "msisdn", "whatsapp", "telep", "telef", "handy", "nohp")
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
    return re.sub(r"[^0-9a-z]", "", name.casefold())


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
    """The phone column: the one named ``explicit``, else by header name, else by content.

    >>> import pandas as pd
    >>> find_phone_column(pd.DataFrame({"a": ["x"], "b": ["+1 415 555 0100"]}), None)
    'b'
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
    if frame.empty and partial:
        return partial[0]  # no data rows to look at: trust the header
    if frame.empty:
        for name in PHONE_NAMES:
            if name in by_name:
                return by_name[name]
    raise LocalizedError(
        "No phone column found. Columns in the file: {columns}. Name the phone column.",
        columns=listed,
    )


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
