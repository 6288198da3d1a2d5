"""The physical lines of a contact file as text, decoded line by line where it matters.

A file is read in blocks that end at a line end. A block that decodes in the file's encoding (the
usual case) is split into lines at C speed; in a block that does not, each line is decoded on its
own, and a line that does not fit the file's encoding is decoded with the first fallback it fits
(Latin-1, last, fits every byte) and its line number is recorded. So one bad byte damages one row,
not the whole file, and the import can name the rows to check.

Lines end at ``\\n``, ``\\r\\n`` or a lone ``\\r``, as in Python's universal newlines, Excel and
old Mac files; the ends are kept, as the csv module wants them (``newline=""``).

>>> import pathlib, tempfile
>>> path = pathlib.Path(tempfile.mkdtemp()) / "c.csv"
>>> _ = path.write_bytes(b"name\\nZo\\xc3\\xab\\nRen\\xe9e\\r")
>>> with LineReader(path, Decoding("utf-8-sig", "utf-8", ("cp1252",))) as reader:
...     list(reader.lines()), reader.recoded
(['name\\n', 'Zoë\\n', 'Renée\\r'], [(3, 'cp1252')])
"""

from __future__ import annotations

import io
import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from smskit.i18n.catalog import Text

__all__ = ["Decoding", "LineReader", "line_blocks"]

_BLOCK = 1 << 20
# A "line" longer than this is cut, so memory stays bounded on a file without line ends; the csv
# field limit (128 KiB) has long since made such a line a malformed row.
_LONGEST = 16 << 20
_LAST_RESORT = "latin-1"  # decodes every byte


@dataclass(frozen=True, slots=True)
class Decoding:
    """How a file's bytes become text: its encoding, and what to try for a line that does not fit.

    ``encoding`` is what the report shows; ``codec`` decodes the lines (a byte-order mark of
    ``skip`` bytes is skipped first); ``by_line=False`` is for encodings whose line ends are not
    ASCII bytes (UTF-16): such a file is decoded as a whole, unreadable bytes replaced.

    >>> Decoding("cp1252", "cp1252").fallbacks
    ()
    """

    encoding: str
    codec: str
    fallbacks: tuple[str, ...] = ()
    skip: int = 0
    by_line: bool = True
    notes: tuple[Text, ...] = field(default=())


def line_blocks(handle: IO[bytes], size: int = _BLOCK) -> Iterator[bytes]:
    """The bytes of ``handle`` in blocks of about ``size`` that end at a line end.

    >>> list(line_blocks(io.BytesIO(b"a\\nbb\\r\\ncc"), 4))
    [b'a\\n', b'bb\\r\\n', b'cc']
    """
    pending = b""
    while True:
        raw = handle.read(size)
        if not raw:
            if pending:
                yield pending
            return
        data = pending + raw if pending else raw
        cut = data.rfind(b"\n") + 1
        if not cut:  # no LF: old Mac files end lines with a lone CR (not the last: LF may follow)
            cut = data.rfind(b"\r", 0, len(data) - 1) + 1
        if not cut and len(data) >= _LONGEST:
            cut = len(data)
        if cut:
            yield data[:cut]
        pending = data[cut:]


class LineReader:
    """A file's decoded physical lines (:meth:`lines`), and which lines did not fit its encoding.

    ``recoded`` grows as lines are read: (1-based line number, the fallback that decoded it).
    """

    def __init__(self, path: Path, decoding: Decoding) -> None:
        self.path = path
        self.decoding = decoding
        self.recoded: list[tuple[int, str]] = []
        self._count = 0  # lines in the blocks decoded so far
        self._handle: IO[Any] | None = None

    def __enter__(self) -> LineReader:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the file (reading it to the end closes it too).

        >>> import pathlib, tempfile
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "c.csv"
        >>> _ = path.write_bytes(b"a\\n")
        >>> reader = LineReader(path, Decoding("utf-8", "utf-8")); reader.close()
        """
        if self._handle is not None:
            self._handle.close()
            self._handle = None

    def lines(self) -> Iterator[str]:
        """Every physical line, decoded, with its line end.

        >>> import pathlib, tempfile
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "c.csv"
        >>> _ = path.write_bytes("a\\r\\nb".encode("utf-16"))
        >>> list(LineReader(path, Decoding("utf-16", "utf-16", by_line=False)).lines())
        ['a\\r\\n', 'b']
        """
        self.close()
        if not self.decoding.by_line:
            text = self.path.open(encoding=self.decoding.codec, errors="replace", newline="")
            self._handle = text
            return iter(text)
        handle = self._handle = self.path.open("rb")
        handle.seek(self.decoding.skip)
        # chain() keeps the per-line work in C: Python runs once per block.
        return itertools.chain.from_iterable(self._blocks(handle))

    def _blocks(self, handle: IO[bytes]) -> Iterator[Iterable[str]]:
        codec = self.decoding.codec
        for block in line_blocks(handle):
            try:
                text = block.decode(codec)
            except UnicodeDecodeError:
                yield self._by_line(block)
                continue
            # Lines as StringIO(newline="") splits them: LF, CRLF and lone CR; and a last line
            # without an end.
            self._count += text.count("\n") + text.count("\r") - text.count("\r\n")
            self._count += bool(text) and text[-1] not in "\r\n"
            yield io.StringIO(text, newline="")
        handle.close()

    def _by_line(self, block: bytes) -> list[str]:
        """A block with an undecodable line: each line alone, with a fallback where needed."""
        codec = self.decoding.codec
        lines: list[str] = []
        for number, raw in enumerate(block.splitlines(keepends=True), start=self._count + 1):
            try:
                lines.append(raw.decode(codec))
                continue
            except UnicodeDecodeError:
                pass
            for fallback in (*self.decoding.fallbacks, _LAST_RESORT):
                try:
                    lines.append(raw.decode(fallback))
                except UnicodeDecodeError:
                    continue
                self.recoded.append((number, fallback))
                break
        self._count += len(lines)
        return lines
