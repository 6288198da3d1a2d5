"""Reading contact files: encoding, delimiter, header and records, streamed in chunks of rows.

CSV is read with Python's ``csv`` module rather than ``pandas.read_csv``: pandas' C parser can only
*skip* a row with too many fields (losing its row number) and silently pads a short one, while we
must report every such row. Everything is read as text, so ``+14155550100`` and ``02139`` keep their
digits. XLSX is streamed with openpyxl's read-only mode. Row numbers are 1-based, as a spreadsheet
shows them: the header is row 1.

>>> import pathlib, tempfile
>>> path = pathlib.Path(tempfile.mkdtemp()) / "c.csv"
>>> _ = path.write_bytes("\\ufeffName;Phone\\nAna;+34 612 34 56 78\\n".encode())
>>> source = open_source(path)
>>> source.delimiter, source.columns, [c.rows for c in source.chunks(10)]
(';', ('Name', 'Phone'), [(2,)])
"""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from smskit.contacts.charset import check_decodes, detect_encoding
from smskit.i18n.catalog import LocalizedError, Text
from smskit.numbers.phone import gc_paused

__all__ = ["FileChunk", "MalformedRow", "Source", "open_source"]

_SAMPLE_BYTES = 64 * 1024
_DELIMITERS = (",", ";", "\t", "|")


@dataclass(frozen=True, slots=True)
class MalformedRow:
    """A row that could not be split into the header's columns."""

    row: int
    reason: Text


@dataclass(frozen=True, slots=True)
class FileChunk:
    """Up to ``size`` data rows: their row numbers, their cells (one tuple per column), problems."""

    rows: tuple[int, ...]
    cells: tuple[tuple[str, ...], ...]
    malformed: tuple[MalformedRow, ...]
    blank: int


@dataclass(frozen=True, slots=True)
class Source:
    """An opened contact file: what we found about it, and a way to stream its rows."""

    path: Path
    kind: str  # "csv" or "xlsx"
    encoding: str
    delimiter: str
    columns: tuple[str, ...]
    notes: tuple[Text, ...] = field(default=())

    def chunks(self, size: int = 100_000) -> Iterator[FileChunk]:
        """Stream the data rows ``size`` at a time (memory stays bounded by the chunk).

        >>> import pathlib, tempfile
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "c.csv"
        >>> _ = path.write_text("phone\\n+14155550100\\n\\n+14155550101\\n")
        >>> [(c.rows, c.blank) for c in open_source(path).chunks(2)]
        [((2,), 1), ((4,), 0)]
        """
        width = len(self.columns)
        if self.kind == "xlsx":
            records = _xlsx_records(self.path)
            next(records)  # the header
            yield from _chunked(records, width, size)
            return
        with self.path.open(encoding=self.encoding, newline="", errors="strict") as handle:
            yield from _csv_chunks(handle, self.delimiter, width, size)


def open_source(path: str | Path, encoding: str | None = None) -> Source:
    """Open a CSV or XLSX file: detect encoding and delimiter and read the header row.

    ``encoding=None`` tries UTF-8 (with or without BOM, or UTF-16 with BOM) and falls back to
    Windows-1252 with a note; an explicit encoding that does not fit raises, naming the byte.

    >>> open_source("/nonexistent.csv")
    Traceback (most recent call last):
    ...
    smskit.i18n.LocalizedError: File not found: /nonexistent.csv
    """
    path = Path(path)
    if not path.is_file():
        raise LocalizedError("File not found: {path}", path=str(path))
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return _open_xlsx(path)
    with path.open("rb") as handle:
        raw = handle.read(_SAMPLE_BYTES)  # a sample: the file may be gigabytes
    if not raw.strip(b"\xef\xbb\xbf\xff\xfe\r\n\t ,;"):
        raise LocalizedError("The file {name} is empty", name=path.name)
    notes: tuple[Text, ...] = ()
    if encoding:
        check_decodes(path, encoding)
        chosen = encoding
    else:
        chosen, notes = detect_encoding(path)
    sample = raw.decode(chosen, errors="replace")
    delimiter = _sniff_delimiter(sample)
    with path.open(encoding=chosen, newline="", errors="strict") as handle:
        first = next(_csv_records(handle, delimiter), None)
    header = first[1] if first is not None else None
    if not isinstance(header, list) or not any(cell.strip() for cell in header):
        raise LocalizedError("The file {name} has no header row", name=path.name)
    return Source(path, "csv", chosen, delimiter, _header(header), notes)


def _sniff_delimiter(sample: str) -> str:
    """The candidate that splits the first lines into the most, equally many, fields."""
    lines = sample.splitlines()[:20]
    if len(sample) >= _SAMPLE_BYTES and len(lines) > 1:
        lines = lines[:-1]  # the last line of a cut sample may be partial
    best, best_fields = ",", 1
    for delimiter in _DELIMITERS:
        counts = [len(r) for r in csv.reader(lines, delimiter=delimiter) if r]
        if not counts:
            continue
        consistent = max(set(counts), key=counts.count)
        if consistent > best_fields and counts.count(consistent) >= 0.8 * len(counts):
            best, best_fields = delimiter, consistent
    return best


def _header(cells: list[str]) -> tuple[str, ...]:
    """Column names: blanks become ``column_3``, repeats get a suffix (``email_2``)."""
    names: list[str] = []
    for position, cell in enumerate(cells, start=1):
        name = cell.strip() or f"column_{position}"
        base, n = name, 2
        while name in names:
            name, n = f"{base}_{n}", n + 1
        names.append(name)
    return tuple(names)


def _csv_records(
    handle: IO[str], delimiter: str, width: int | None = None, start: int = 0
) -> Iterator[tuple[int, list[str] | MalformedRow]]:
    """(row number, cells) for every record, or a :class:`MalformedRow`. A quote that opens and
    never closes would swallow the rest of the file into one cell; that row is reported and the
    lines it swallowed are read again as rows of their own, so nothing is lost."""
    row = start
    reader = csv.reader(handle, delimiter=delimiter)
    lines = 0  # physical lines read before the current record
    while True:
        try:
            for cells in reader:
                multiline = reader.line_num - lines > 1  # a quoted cell holds a line break
                lines = reader.line_num
                row += 1
                if width is None:
                    width = len(cells)  # the header row sets the width
                if not multiline:
                    yield row, cells
                    continue
                broken = [i for i, cell in enumerate(cells) if "\n" in cell or "\r" in cell]
                first, _, swallowed = cells[broken[0]].replace("\r\n", "\n").partition("\n")
                next_line = next(
                    csv.reader([swallowed.partition("\n")[0]], delimiter=delimiter), []
                )
                if len(cells) == width and len(next_line) != width:
                    yield row, cells  # a legitimate multi-line cell (an address, a note)
                    continue
                text = delimiter.join([*cells[: broken[0]], first])[:60]
                reason = Text('a quote (") opens here and is never closed: {text}', text=text)
                yield row, MalformedRow(row, reason)
                rest = delimiter.join([swallowed, *cells[broken[0] + 1 :]])
                inner = _csv_records(io.StringIO(rest, newline=""), delimiter, width, row)
                for row, record in inner:  # row carries on after the re-read lines
                    yield row, record
            return
        except csv.Error as error:
            # Typically a quote that never closes, until the field outgrows csv's size limit:
            # the lines it swallowed are gone from the reader, so report each of them.
            row += 1
            opened = row
            reason = Text("not readable as CSV ({error})", error=str(error))
            yield row, MalformedRow(row, reason)
            for _ in range(max(reader.line_num - lines - 1, 0)):
                row += 1
                inside = Text("inside the unreadable row {first}: not imported", first=opened)
                yield row, MalformedRow(row, inside)
            lines = reader.line_num


def _csv_chunks(handle: IO[str], delimiter: str, width: int, size: int) -> Iterator[FileChunk]:
    """Read ``size`` records at a time at the csv module's speed; only a batch holding something
    unusual (a line break inside a cell, a wrong field count, a blank line, a csv error) is looked
    at row by row."""
    reader = csv.reader(handle, delimiter=delimiter)
    next(reader, None)  # the header
    row = 1
    while True:
        before = reader.line_num
        batch: list[list[str]] = []
        error: csv.Error | None = None
        try:
            with gc_paused():  # a batch is 100k fresh lists: see smskit.numbers.phone.gc_paused
                for cells in reader:
                    batch.append(cells)
                    if len(batch) == size:
                        break
        except csv.Error as caught:
            error = caught
        if not batch and error is None:
            return
        if (
            error is None
            and reader.line_num - before == len(batch)
            and set(map(len, batch)) == {width}
        ):
            columns = tuple(zip(*batch, strict=True))
            yield FileChunk(tuple(range(row + 1, row + 1 + len(batch))), columns, (), 0)
            row += len(batch)
            continue
        records = list(_replay(batch, row, width, delimiter))
        row = records[-1][0] if records else row
        if error is not None:
            # Typically a quote that never closes, until the field outgrows csv's size limit:
            # the lines it swallowed are gone from the reader, so report each of them.
            used = sum(1 + sum(cell.count("\n") for cell in cells) for cells in batch)
            row += 1
            opened = row
            reason = Text("not readable as CSV ({error})", error=str(error))
            records.append((row, MalformedRow(row, reason)))
            for _ in range(max(reader.line_num - before - used - 1, 0)):
                row += 1
                inside = Text("inside the unreadable row {first}: not imported", first=opened)
                records.append((row, MalformedRow(row, inside)))
        yield from _chunked(iter(records), width, len(records) + 1)


def _replay(
    batch: list[list[str]], row: int, width: int, delimiter: str
) -> Iterator[tuple[int, list[str] | MalformedRow]]:
    """Number the records of a batch; a cell with line breaks that swallowed what look like rows
    is a quote that never closed: report it and read the swallowed lines again as rows."""
    for cells in batch:
        row += 1
        broken = [i for i, cell in enumerate(cells) if "\n" in cell or "\r" in cell]
        if not broken:
            yield row, cells
            continue
        first, _, swallowed = cells[broken[0]].replace("\r\n", "\n").partition("\n")
        next_line = next(csv.reader([swallowed.partition("\n")[0]], delimiter=delimiter), [])
        if len(cells) == width and len(next_line) != width:
            yield row, cells  # a legitimate multi-line cell (an address, a note)
            continue
        text = delimiter.join([*cells[: broken[0]], first])[:60]
        reason = Text('a quote (") opens here and is never closed: {text}', text=text)
        yield row, MalformedRow(row, reason)
        rest = delimiter.join([swallowed, *cells[broken[0] + 1 :]])
        reread = list(_csv_records(io.StringIO(rest, newline=""), delimiter, width, row))
        yield from reread
        row = reread[-1][0] if reread else row  # numbering carries on after the re-read lines


def _chunked(
    records: Iterator[tuple[int, list[str] | MalformedRow]], width: int, size: int
) -> Iterator[FileChunk]:
    while True:
        batch = list(itertools.islice(records, size))
        if not batch:
            return
        if all(values.__class__ is list and len(values) == width for _, values in batch):
            # The usual case, without a per-row branch.
            columns = tuple(zip(*(values for _, values in batch), strict=True))
            yield FileChunk(tuple(row for row, _ in batch), columns, (), 0)
            continue
        rows: list[int] = []
        cells: list[list[str]] = []
        malformed: list[MalformedRow] = []
        blank = 0
        for row, values in batch:
            if isinstance(values, MalformedRow):
                malformed.append(values)
            elif len(values) == width:
                rows.append(row)
                cells.append(values)
            elif not any(value.strip() for value in values):
                blank += 1
            else:
                reason = Text(
                    "expected {expected} fields but found {found} (a stray delimiter or quote?)",
                    expected=width,
                    found=len(values),
                )
                malformed.append(MalformedRow(row, reason))
        columns = tuple(zip(*cells, strict=True)) if cells else tuple(() for _ in range(width))
        yield FileChunk(tuple(rows), columns, tuple(malformed), blank)


def _open_xlsx(path: Path) -> Source:
    records = _xlsx_records(path)
    first = next(records, None)
    if first is None or not isinstance(first[1], list):
        raise LocalizedError("The file {name} is empty", name=path.name)
    return Source(path, "xlsx", "xlsx", "", _header(first[1]))


def _xlsx_records(path: Path) -> Iterator[tuple[int, list[str] | MalformedRow]]:
    """The first sheet's rows as text, from the first non-empty row (the header) on; rows are cut
    or padded to the header's width when the cells beyond it are empty."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises zipfile/KeyError/InvalidFileException
        raise LocalizedError(
            "{name} is not a readable Excel file ({error})", name=path.name, error=str(error)
        ) from None
    try:
        sheet = book.worksheets[0]
        width = 0
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = [_cell_text(value) for value in values]
            if not width:
                while cells and not cells[-1].strip():
                    cells.pop()
                width = len(cells)
                if width:
                    yield number, cells
                continue
            if not any(cell.strip() for cell in cells[width:]):
                cells = cells[:width] + [""] * (width - len(cells))
            yield number, cells
    finally:
        book.close()


def _cell_text(value: object) -> str:
    """A cell as the user typed it: whole numbers without ``.0`` (Excel stores 4155550100 as a
    float), dates in ISO form."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value)
