"""Reading contact files: encoding, delimiter, header and records, streamed in chunks of rows.

CSV is read with Python's ``csv`` module rather than ``pandas.read_csv``: pandas' C parser can only
*skip* a row with too many fields (losing its row number) and silently pads a short one, while we
must report every such row. Everything is read as text, so ``+14155550100`` and ``02139`` keep their
digits. XLSX is streamed with openpyxl's read-only mode. Row numbers are 1-based, as a spreadsheet
shows them: the header is row 1, and a record whose quoted cell holds line breaks is one row.

Damage fails only its own rows: lines are decoded one by one (:mod:`smskit.contacts.lines`), and a
batch of lines that is not plainly one full record per line is read again record by record, where a
quote that never closes, a line the csv module cannot read or a wrong number of fields makes that
row malformed, and reading goes on at the next line.

>>> import pathlib, tempfile
>>> path = pathlib.Path(tempfile.mkdtemp()) / "c.csv"
>>> _ = path.write_bytes("\\ufeffName;Phone\\nAna;+34 612 34 56 78\\n".encode())
>>> source = open_source(path)
>>> source.delimiter, source.columns, [c.rows for c in source.chunks(10)]
(';', ('Name', 'Phone'), [(2,)])
"""

from __future__ import annotations

import csv
import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from smskit.contacts.charset import plan_decoding
from smskit.contacts.lines import Decoding, LineReader
from smskit.contacts.xlsx import xlsx_records
from smskit.i18n.catalog import LocalizedError, Text
from smskit.numbers.phone import gc_paused

__all__ = ["FileChunk", "MalformedRow", "Source", "open_source"]

_SAMPLE_BYTES = 64 * 1024
_DELIMITERS = (",", ";", "\t", "|")
# A quoted cell may hold line breaks (an address, a note): a record may span this many lines before
# its opening quote is taken for one that never closes. The header may span a few.
_RECORD_LINES = 100
_HEADER_LINES = 10
_END = "\n"  # read after a record's lines: if the reader takes it, the quote was still open


@dataclass(frozen=True, slots=True)
class MalformedRow:
    """A row that could not be split into the header's columns."""

    row: int
    reason: Text


_Record = tuple[int, int, int, list[str] | MalformedRow]  # row, first line, lines, cells


@dataclass(frozen=True, slots=True)
class FileChunk:
    """Up to ``size`` data rows: their row numbers, their cells (one tuple per column), problems.

    ``recoded`` names the rows with a line that did not decode in the file's encoding, and the
    encoding that read it instead.
    """

    rows: tuple[int, ...]
    cells: tuple[tuple[str, ...], ...]
    malformed: tuple[MalformedRow, ...]
    blank: int
    recoded: tuple[tuple[int, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Source:
    """An opened contact file: what we found about it, and a way to stream its rows."""

    path: Path
    kind: str  # "csv" or "xlsx"
    encoding: str
    delimiter: str
    columns: tuple[str, ...]
    notes: tuple[Text, ...] = field(default=())
    decoding: Decoding | None = None
    header_lines: int = 1

    def chunks(self, size: int = 100_000) -> Iterator[FileChunk]:
        """Stream the data rows ``size`` lines at a time (memory stays bounded by the chunk).

        >>> import pathlib, tempfile
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "c.csv"
        >>> _ = path.write_text("phone\\n+14155550100\\n\\n+14155550101\\n")
        >>> [(c.rows, c.blank) for c in open_source(path).chunks(2)]
        [((2,), 1), ((4,), 0)]
        """
        width = len(self.columns)
        if self.kind == "xlsx":
            records = xlsx_records(self.path)
            next(records)  # the header
            yield from _chunked(records, width, size)
            return
        decoding = self.decoding or Decoding(self.encoding, self.encoding)
        with LineReader(self.path, decoding) as reader:
            lines = reader.lines()
            next(itertools.islice(lines, self.header_lines, self.header_lines), None)
            yield from _csv_chunks(lines, reader.recoded, self, size)


def open_source(path: str | Path, encoding: str | None = None) -> Source:
    """Open a CSV or XLSX file: detect encoding and delimiter and read the header row.

    ``encoding=None`` tries UTF-8 (with or without BOM, or UTF-16 with BOM) and falls back to
    Windows-1252 or what charset-normalizer finds, with a note; an explicit encoding that does not
    fit raises, naming the byte.

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
    decoding = plan_decoding(path, encoding)
    sample = raw[decoding.skip :].decode(decoding.codec, errors="replace")
    delimiter = _sniff_delimiter(sample)
    with LineReader(path, decoding) as reader:
        header, used = _first_record(reader.lines(), delimiter)
    if not any(cell.strip() for cell in header):
        raise LocalizedError("The file {name} has no header row", name=path.name)
    columns = _header(header)
    encoding, notes = decoding.encoding, decoding.notes
    return Source(path, "csv", encoding, delimiter, columns, notes, decoding, used)


def _sniff_delimiter(sample: str) -> str:
    """The candidate that splits the first lines into the most, equally many, fields."""
    lines = sample.splitlines()[:20]
    if len(sample) >= _SAMPLE_BYTES and len(lines) > 1:
        lines = lines[:-1]  # the last line of a cut sample may be partial
    best, best_fields = ",", 1
    for delimiter in _DELIMITERS:
        try:
            counts = [len(r) for r in csv.reader(lines, delimiter=delimiter) if r]
        except csv.Error:  # a line past the field limit: judge by the others
            counts = [len(_fields(line, delimiter)) for line in lines if line]
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


def _first_record(lines: Iterator[str], delimiter: str) -> tuple[list[str], int]:
    """The header's cells and how many lines it takes: one, or a few when a quoted name holds a
    line break ("SMS\\nconsent"); a quote that swallows lines holding the delimiter is not that."""
    head = list(itertools.islice(lines, _HEADER_LINES))
    if not head:
        return [], 0
    if '"' in head[0]:
        cells, used = _read_record(head, delimiter)
        if (
            isinstance(cells, list)
            and 1 < used <= len(head)
            and not any(delimiter in c and ("\n" in c or "\r" in c) for c in cells)
        ):
            return cells, used
    return _fields(head[0], delimiter), 1


def _fields(line: str, delimiter: str) -> list[str]:
    """One line's cells as the csv module reads them alone (an open quote runs to the line's end);
    a line it cannot read (past its field limit) is split at the delimiter."""
    if '"' not in line:  # no quoting: csv would split at the delimiter, and fast
        text = line.rstrip("\r\n")
        return text.split(delimiter) if text else []
    try:
        return next(csv.reader((line,), delimiter=delimiter), [])
    except csv.Error:
        return line.rstrip("\r\n").split(delimiter)


def _read_record(window: list[str], delimiter: str) -> tuple[list[str] | csv.Error, int]:
    """The record at the start of ``window`` and the lines it takes (``len(window) + 1`` when its
    quote never closes), or the csv module's error and the line it stopped at."""
    reader = csv.reader(itertools.chain(window, (_END,)), delimiter=delimiter)
    try:
        cells = next(reader, [])
    except csv.Error as error:
        return error, reader.line_num
    return cells, reader.line_num


def _csv_chunks(
    lines: Iterator[str], recoded: list[tuple[int, str]], source: Source, size: int
) -> Iterator[FileChunk]:
    """Read ``size`` lines at a time. A batch in which every line is one full record is split at the
    csv module's speed; any other batch is read record by record (:func:`_parse_lines`)."""
    batches = _Batches(lines, recoded, source.delimiter, len(source.columns), source.header_lines)
    while True:
        with gc_paused():  # a batch is 100k fresh lists: see smskit.numbers.phone.gc_paused
            chunk = batches.next(size)
        if chunk is None:
            return
        yield chunk


class _Batches:
    """Where reading a CSV file's lines stands between chunks."""

    def __init__(
        self,
        lines: Iterator[str],
        recoded: list[tuple[int, str]],
        delimiter: str,
        width: int,
        header_lines: int,
    ) -> None:
        self.lines, self.recoded, self.delimiter, self.width = lines, recoded, delimiter, width
        self.row = 1  # the last row number given (the header is row 1)
        self.line = header_lines  # the lines read
        self.done = 0  # the entries of ``recoded`` already given to a chunk
        self.carry: list[str] = []  # lines read for a record at a batch's end, not used by it

    def next(self, size: int) -> FileChunk | None:
        """The next chunk of about ``size`` lines, or None at the end of the file."""
        batch = self.carry + list(itertools.islice(self.lines, max(size - len(self.carry), 0)))
        self.carry = []
        if not batch:
            return None
        records = _whole_lines(batch, self.delimiter, self.width)
        if records is not None:
            rows = range(self.row + 1, self.row + 1 + len(batch))
            moved = self._recoded(len(batch), rows.__getitem__)
            self.row, self.line = rows[-1], self.line + len(batch)
            return FileChunk(tuple(rows), tuple(zip(*records, strict=True)), (), 0, moved)
        parsed, stop = _parse_lines(batch, self.lines, self.delimiter, self.width, self.row)
        self.carry = batch[stop:]
        del batch[stop:]
        row_of = [0] * len(batch)
        for number, first, used, _ in parsed:
            row_of[first : first + used] = [number] * used
        moved = self._recoded(len(batch), row_of.__getitem__)
        self.row, self.line = parsed[-1][0], self.line + len(batch)
        return _chunk(parsed, self.width, moved)

    def _recoded(self, count: int, row_at: Callable[[int], int]) -> tuple[tuple[int, str], ...]:
        """(row, encoding) of the recoded lines among the next ``count`` lines; ``row_at`` gives
        the row of a line by its index in the batch (a recoded header line is row 1)."""
        found: dict[int, str] = {}
        recoded, line = self.recoded, self.line
        while self.done < len(recoded) and recoded[self.done][0] <= line + count:
            number, encoding = recoded[self.done]
            found.setdefault(row_at(number - line - 1) if number > line else 1, encoding)
            self.done += 1
        return tuple(found.items())


def _whole_lines(batch: list[str], delimiter: str, width: int) -> list[list[str]] | None:
    """The batch's records if each line is one record of ``width`` fields, else None."""
    reader = csv.reader(batch, delimiter=delimiter)
    try:
        records = list(reader)
    except csv.Error:
        return None
    if len(records) != len(batch) or set(map(len, records)) != {width}:
        return None
    last = batch[-1]
    if '"' in last and _read_record([last], delimiter)[1] > 1:
        return None  # its quote is still open: the record goes on in the next batch
    return records


def _parse_lines(
    batch: list[str], more: Iterator[str], delimiter: str, width: int, row: int
) -> tuple[list[_Record], int]:
    """Every record of ``batch`` as (row, index of its first line, lines it takes, cells or the
    problem), and the index of the first line not used. A quote that never closes within
    :data:`_RECORD_LINES` lines, or that swallows what look like rows, makes its row malformed, and
    the next line is read as a row of its own: damage fails only its own rows. A record still open
    at the end of ``batch`` reads the lines it needs from ``more`` onto it (at most
    :data:`_RECORD_LINES`); lines it then does not use are left for the next batch."""
    records: list[_Record] = []
    i, stop = 0, len(batch)
    while i < stop:
        text = batch[i]
        row += 1
        if '"' not in text:  # the common case: one line, one record
            records.append((row, i, 1, _fields(text, delimiter)))
            i += 1
            continue
        window = batch[i : i + _RECORD_LINES]
        cells, used = _read_record(window, delimiter)
        if used > len(window) < _RECORD_LINES and not isinstance(cells, csv.Error):
            # Still open where the batch ends: the record may close in the lines that follow.
            batch.extend(itertools.islice(more, _RECORD_LINES - len(window)))
            window = batch[i : i + _RECORD_LINES]
            cells, used = _read_record(window, delimiter)
        if isinstance(cells, csv.Error):
            reason = Text("not readable as CSV ({error})", error=str(cells))
            records.append((row, i, 1, MalformedRow(row, reason)))
        elif used == 1:
            records.append((row, i, 1, cells))
        elif used <= len(window) and _one_record(cells, window[1:used], width, delimiter):
            records.append((row, i, used, cells))  # a cell with line breaks
            i += used
            continue
        else:
            shown = text.rstrip("\r\n")[:60]
            reason = Text('a quote (") opens here and is never closed: {text}', text=shown)
            records.append((row, i, 1, MalformedRow(row, reason)))
        i += 1
    return records, i


def _one_record(cells: list[str], rest: list[str], width: int, delimiter: str) -> bool:
    """Whether a record over several lines is one row with a multi-line cell (an address), not a
    quote that never closed: it has the header's width, and no line it swallowed is a row itself
    (the last line, which holds the closing quote, counts when the cell is not the first)."""
    if len(cells) != width:
        return False
    broken = next((k for k, c in enumerate(cells) if "\n" in c or "\r" in c), 0)
    inner = rest[:-1] if broken == 0 else rest
    return all(len(_fields(line, delimiter)) != width for line in inner)


def _chunk(records: list[_Record], width: int, recoded: tuple[tuple[int, str], ...]) -> FileChunk:
    """A chunk from numbered records: full rows, blank lines, and malformed rows with a reason."""
    rows: list[int] = []
    cells: list[list[str]] = []
    malformed: list[MalformedRow] = []
    blank = 0
    for row, _, _, values in records:
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
    return FileChunk(tuple(rows), columns, tuple(malformed), blank, recoded)


def _chunked(
    records: Iterator[tuple[int, list[str]]], width: int, size: int
) -> Iterator[FileChunk]:
    """XLSX rows in chunks of ``size``."""
    while True:
        batch = list(itertools.islice(records, size))
        if not batch:
            return
        if all(len(values) == width for _, values in batch):
            # The usual case, without a per-row branch.
            columns = tuple(zip(*(values for _, values in batch), strict=True))
            yield FileChunk(tuple(row for row, _ in batch), columns, (), 0)
            continue
        yield _chunk([(row, 0, 1, values) for row, values in batch], width, ())


def _open_xlsx(path: Path) -> Source:
    records = xlsx_records(path)
    first = next(records, None)
    if first is None or not isinstance(first[1], list):
        raise LocalizedError("The file {name} is empty", name=path.name)
    return Source(path, "xlsx", "xlsx", "", _header(first[1]))
