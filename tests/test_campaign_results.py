"""The results CSV in a spreadsheet: no cell can start a formula, no value can start a new row.

OWASP "CSV Injection": a cell starting with ``=``, ``+``, ``-``, ``@``, tab or CR runs as a formula;
a line break outside quotes starts a new row (RFC 4180 section 2, rule 6: fields with line breaks
must be quoted), whose first cell could then be a formula.
"""

from __future__ import annotations

import csv
import io

import pytest

from smskit.campaign.results import results_csv
from smskit.campaign.storage import ResultRow

HOSTILE = [
    '=HYPERLINK("http://evil.example")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1,1)",
    "\t=1+1",
    "\r=1+1",
    "\n=1+1",
    "\r\n=1+1",
    "Ana\r=1+1",
    "Ana\n=1+1",
    "Ana\r\n@x",
    'say "hi", =1',
]


def _row(value: str) -> ResultRow:
    return ResultRow(2, value, value, "blocked", "not sent", "", None, value, value)


@pytest.mark.parametrize("value", HOSTILE)
def test_no_cell_starts_a_formula_and_each_value_stays_in_its_cell(value: str) -> None:
    text = results_csv([_row(value)])
    # Read back the way a spreadsheet does: the header, then exactly one row of 10 cells.
    header, *rows = list(csv.reader(io.StringIO(text, newline="")))
    assert len(rows) == 1 and len(rows[0]) == len(header) == 11, repr(text)
    for cell in rows[0]:
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r", "\n")), repr(cell)
    assert rows[0][1] == ("'" + value if value[0] in "=+-@\t\r\n" else value)


@pytest.mark.parametrize("value", [v for v in HOSTILE if "\r" in v or "\n" in v])
def test_every_value_with_a_carriage_return_or_line_feed_is_quoted(value: str) -> None:
    text = results_csv([_row(value)])
    line = text[text.index("meaning,name") + len("meaning,name") :].lstrip("\r\n")
    expected = '"' + ("'" if value[0] in "\r\n" else "") + value.replace('"', '""') + '"'
    assert line.startswith("2," + expected + ","), repr(line)


def test_ordinary_values_are_unchanged_and_rows_end_in_crlf() -> None:
    text = results_csv(
        [ResultRow(3, "c1", "+1", "eligible", "final", "delivered", None, "SM1", "")]
    )
    assert text == (
        "row,recipient,to,plan,state,status,error_code,sid,reason,meaning,name\r\n"
        "3,c1,'+1,eligible,final,delivered,,SM1,,,\r\n"
    )


def test_csv_reasons_are_in_the_readers_language_on_one_line() -> None:
    from smskit.i18n.catalog import Text
    from smskit.i18n.formatting import ZoneNames

    zones = ZoneNames(("America/New_York", "America/Chicago", "America/Denver", "America/Phoenix"))
    reasons = (
        Text("The recipient opted out"),
        Text("Outside the allowed hours in the recipient's time zone ({zones})", zones=zones),
    )
    row = ResultRow(2, "+1", "+1", "blocked", "not sent", "", None, "", "x", "Ana", reasons)
    english = results_csv([row]).splitlines()[1]
    indonesian = results_csv([row], "id").splitlines()[1]
    assert "The recipient opted out; Outside the allowed hours" in english
    assert "and 2 other time zones" in english and "America/Phoenix" not in english
    assert "dan 2 zona waktu lain" in indonesian and "opted out" not in indonesian
    assert indonesian.endswith(",Ana")
