"""Load the reference tables in ``data/`` once, into typed records.

Every table is a CSV file whose rows carry ``source`` and ``as_of`` columns, because prices and
rules change and a trainer must be able to say where a figure came from. The tables live in the
``smskit.data`` package (the repository's ``data/`` folder) and are found with
:mod:`importlib.resources`, never from the working directory (Voilà runs each kernel in the
notebook's folder) and never from a repository root (an installed wheel has none).

>>> rows = read_table("smart_encoding")
>>> all(row["source"] and row["as_of"] for row in rows)
True
"""

from __future__ import annotations

import csv
import functools
import importlib.resources
from collections.abc import Mapping
from pathlib import Path

DATA_DIR = Path(str(importlib.resources.files("smskit.data")))
PROVENANCE = ("source", "as_of")


class DataFileError(ValueError):
    """A reference table is missing, malformed or lacks provenance; names the file and row."""


def data_path(name: str) -> Path:
    """Return the path of the table ``name`` (without ``.csv``) in ``data/``.

    >>> data_path("smart_encoding").name
    'smart_encoding.csv'
    """
    return DATA_DIR / f"{name}.csv"


@functools.cache
def read_table(name: str) -> tuple[Mapping[str, str], ...]:
    """Read ``data/<name>.csv`` once and return its rows, checking that each has a source and date.

    >>> len(read_table("smart_encoding")) > 200
    True
    """
    return read_csv(data_path(name))


def read_csv(path: Path) -> tuple[Mapping[str, str], ...]:
    """Read any provenance-carrying CSV (ours or a user's override); errors name the file and row.

    >>> read_csv(data_path("smart_encoding"))[0]["source"][:6]
    'Twilio'
    """
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            missing = [c for c in PROVENANCE if c not in (reader.fieldnames or ())]
            if missing:
                raise DataFileError(f"{path.name}: missing column(s) {', '.join(missing)}")
            rows = []
            for number, row in enumerate(reader, start=2):  # row 1 is the header
                if None in row or any(v is None for v in row.values()):
                    raise DataFileError(f"{path.name} row {number}: wrong number of fields")
                for column in PROVENANCE:
                    if not row[column].strip():
                        raise DataFileError(f"{path.name} row {number}: empty '{column}'")
                rows.append(row)
    except FileNotFoundError as error:
        raise DataFileError(f"data file not found: {path}") from error
    except UnicodeDecodeError as error:
        raise DataFileError(f"{path.name}: not UTF-8 text ({error.reason})") from error
    return tuple(rows)
